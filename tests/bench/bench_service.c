/*
 * bench_service - issue 15's figure: a command in a session of shenlid
 * against one `shenli --version` process start (target: at most 5x), with
 * the same command in embedded mode (which unlocks with its scrypt every
 * time) for comparison.
 *
 * A store is made in a temporary directory (the sample's zones and
 * agencies, a leader, the example dossier imported), shenlid is started
 * on it and the leader logs in once. Then, R times (--runs, default 21),
 * interleaved so that all see the same machine:
 *     shenli --version                         the process start
 *     shenli case show ID        (session)     through the service
 *     shenli case list --json    (session)
 *     shenli --store ... case show ID          embedded: unlock + work
 * Each is one posix_spawn and wait, timed here, output to /dev/null.
 * Prints medians and ratios; asserts nothing about time.
 *
 * usage: bench_service [--runs R]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchproc.h"

extern char **environ;

static char dir[PATH_MAX];

static pid_t start_service(const char *sock)
{
	char store[PATH_MAX + 16], log[PATH_MAX + 16];
	snprintf(store, sizeof store, "%s/store.db", dir);
	snprintf(log, sizeof log, "%s/shenlid.log", dir);
	char *argv[] = {SHENLID_BIN, "--store",    store,
	                "--socket",  (char *)sock, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, log,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t pid;
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		perror("bench_service: shenlid");
		exit(1);
	}
	posix_spawn_file_actions_destroy(&fa);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof a.sun_path) {
		fprintf(stderr, "bench_service: %s: socket path too long\n",
		        sock);
		exit(1);
	}
	memcpy(a.sun_path, sock, strlen(sock) + 1);
	for (int i = 0; i < 200; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
		close(fd);
		if (ok)
			return pid;
		usleep(20000);
	}
	fprintf(stderr, "bench_service: shenlid did not come up\n");
	exit(1);
}

static void setup(const char *id_out_file)
{
	const char *S = SHENLI_BIN;
	bp_sh("printf 'root passphrase 1\\n' >%s/root && printf 'boss "
	      "passphrase 1\\n' >%s/boss && chmod 600 %s/root %s/boss",
	      dir, dir, dir, dir);
	bp_sh("%s --store %s/store.db --passphrase-file %s/root init --admin "
	      "root "
	      ">/dev/null",
	      S, dir, dir);
	/* one process per zone and agency would be dozens of unlocks: the
	 * sample's zones and agencies as they come, through one admin */
	bp_sh(
	    "A=\"%s --store %s/store.db --user root --passphrase-file "
	    "%s/root\"; "
	    "%s sample zones | while IFS=\"$(printf '\\t')\" read -r c n; do "
	    "$A zone add \"$c\" --name \"$n\" >/dev/null || exit 1; done && "
	    "%s sample agencies | while IFS=\"$(printf '\\t')\" read -r c z n; "
	    "do $A agency add \"$c\" --name \"$n\" --zone \"$z\" >/dev/null || "
	    "exit 1; done && "
	    "$A user add boss --role leader --new-passphrase-file %s/boss "
	    ">/dev/null",
	    S, dir, dir, S, S, dir);
	bp_sh("B=\"%s --store %s/store.db --user boss --passphrase-file "
	      "%s/boss\"; "
	      "$B user passwd --new-passphrase-file %s/boss >/dev/null && "
	      "$B case import %s --json >%s 2>/dev/null",
	      S, dir, dir, dir, SHENLI_EXAMPLE, id_out_file);
}

int main(int argc, char **argv)
{
	bp_name = "bench_service";
	int runs = 21;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_service [--runs R]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 10000)
		runs = 21;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/shenli-bench-svc.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench_service: mkdtemp");
		return 1;
	}
	char idf[PATH_MAX + 16], sock[PATH_MAX + 16], xdg[PATH_MAX + 16];
	snprintf(idf, sizeof idf, "%s/import.json", dir);
	snprintf(sock, sizeof sock, "%s/shenli.sock", dir);
	snprintf(xdg, sizeof xdg, "%s/xdg", dir);
	mkdir(xdg, 0700);
	setup(idf);
	json_t *imp = json_load_file(idf, 0, NULL);
	const char *id = json_string_value(
	    json_object_get(json_array_get(imp, 0), "case_id"));
	if (!id) {
		fprintf(stderr, "bench_service: the import named no case\n");
		return 1;
	}
	pid_t svc = start_service(sock);
	char e_sock[PATH_MAX + 32], e_xdg[PATH_MAX + 32];
	snprintf(e_sock, sizeof e_sock, "SHENLI_SOCKET=%s", sock);
	snprintf(e_xdg, sizeof e_xdg, "XDG_RUNTIME_DIR=%s", xdg);
	char *extra[] = {e_sock, e_xdg, NULL};
	char **cenv = bp_env_with(extra), **penv = bp_env_with(NULL);
	char store[PATH_MAX + 16], bosspw[PATH_MAX + 16];
	snprintf(store, sizeof store, "%s/store.db", dir);
	snprintf(bosspw, sizeof bosspw, "%s/boss", dir);
	char *login[] = {SHENLI_BIN, "--user", "boss", "--passphrase-file",
	                 bosspw,     "login",  NULL};
	double t_login = bp_run_ms(login, cenv);
	char *ver[] = {SHENLI_BIN, "--version", NULL};
	char *show[] = {SHENLI_BIN, "case", "show", (char *)id, NULL};
	char *list[] = {SHENLI_BIN, "case", "list", "--json", NULL};
	char *emb[] = {SHENLI_BIN, "--store",           store,  "--user",
	               "boss",     "--passphrase-file", bosspw, "case",
	               "show",     (char *)id,          NULL};
	double *tv = calloc((size_t)runs, sizeof *tv),
	       *ts = calloc((size_t)runs, sizeof *ts),
	       *tl = calloc((size_t)runs, sizeof *tl),
	       *te = calloc((size_t)runs, sizeof *te);
	bp_run_ms(show, cenv); /* warm: page cache, the catalogs */
	for (int i = 0; i < runs; i++) {
		tv[i] = bp_run_ms(ver, penv);
		ts[i] = bp_run_ms(show, cenv);
		tl[i] = bp_run_ms(list, cenv);
		te[i] = bp_run_ms(emb, penv);
	}
	double v = bp_median(tv, runs), s = bp_median(ts, runs),
	       l = bp_median(tl, runs), e = bp_median(te, runs);
	printf("bench_service: medians of %d runs (ms)\n", runs);
	printf("  shenli --version (process start)      %8.2f  1.0x\n", v);
	printf("  case show, in a session (service)      %8.2f  %.1fx  "
	       "(target <= 5x)\n",
	       s, s / v);
	printf("  case list --json, in a session         %8.2f  %.1fx\n", l,
	       l / v);
	printf("  case show, embedded (scrypt each time) %8.2f  %.1fx\n", e,
	       e / v);
	printf("  login (the one scrypt of a session)    %8.2f\n", t_login);
	printf("  a session saves %.0f%% of an embedded case show\n",
	       100.0 * (1 - s / e));
	kill(svc, SIGTERM);
	waitpid(svc, NULL, 0);
	bp_sh("rm -rf %s", dir);
	json_decref(imp);
	free(cenv);
	free(penv);
	free(tv);
	free(ts);
	free(tl);
	free(te);
	return 0;
}
