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
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchproc.h"

static char dir[PATH_MAX];

/* The base store and the example dossier imported (its result in
 * id_out_file). */
static void setup(const char *id_out_file)
{
	bp_base_store(SHENLI_BIN, dir);
	bp_sh("%s --store %s/store.db --user boss --passphrase-file %s/boss "
	      "case import %s --json >%s 2>/dev/null",
	      SHENLI_BIN, dir, dir, SHENLI_EXAMPLE, id_out_file);
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
	bp_tmpdir("shenli-bench-svc", dir, sizeof dir);
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
	pid_t svc = bp_shenlid(SHENLID_BIN, dir, sock, 0);
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
