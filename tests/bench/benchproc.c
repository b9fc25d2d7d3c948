/* benchproc.c - whole-process timing for the benchmarks (benchproc.h). */
#define _GNU_SOURCE
#include "benchproc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *bp_name = "bench";

double bp_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void bp_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "%s: setup failed: %s\n", bp_name, cmd);
		exit(1);
	}
}

double bp_run_ms(char *const argv[], char *const envp[])
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	double t0 = bp_now_ms();
	pid_t pid;
	int st = -1;
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, envp) == 0)
		waitpid(pid, &st, 0);
	double t = bp_now_ms() - t0;
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "%s: %s %s failed (status %d)\n", bp_name,
		        argv[0], argv[1], st);
		exit(1);
	}
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double bp_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

char **bp_env_with(char **extra)
{
	size_t n = 0, k = 0, x = 0;
	while (environ[n])
		n++;
	while (extra && extra[x])
		x++;
	char **e = calloc(n + x + 1, sizeof *e);
	if (!e) {
		fprintf(stderr, "%s: out of memory\n", bp_name);
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "SHENLI_", 7) &&
		    strncmp(environ[i], "XDG_RUNTIME_DIR=", 16))
			e[k++] = environ[i];
	for (size_t i = 0; i < x; i++)
		e[k++] = extra[i];
	return e;
}

void bp_tmpdir(const char *prefix, char *dir, size_t cap)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, cap, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "%s: mkdtemp: %s\n", bp_name, strerror(errno));
		exit(1);
	}
}

void bp_base_store(const char *S, const char *dir)
{
	bp_sh("printf 'root passphrase 1\\n' >%s/root && printf 'boss "
	      "passphrase 1\\n' >%s/boss && chmod 600 %s/root %s/boss",
	      dir, dir, dir, dir);
	bp_sh("%s --store %s/store.db --passphrase-file %s/root init --admin "
	      "root >/dev/null",
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
	/* enrolment: a passphrase of boss's own (the admin's is refused) */
	bp_sh("umask 077 && printf '%%s own\\n' \"$(head -n 1 %s/boss)\" "
	      ">%s/boss.own && %s --store %s/store.db --user boss "
	      "--passphrase-file %s/boss user passwd --new-passphrase-file "
	      "%s/boss.own >/dev/null && mv -f %s/boss.own %s/boss",
	      dir, dir, S, dir, dir, dir, dir, dir);
}

/* Whether something listens at a (of len). */
static int answers(int family, const void *a, socklen_t len)
{
	int fd = socket(family, SOCK_STREAM, 0);
	int ok = fd >= 0 && connect(fd, (const struct sockaddr *)a, len) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

pid_t bp_shenlid(const char *shenlid, const char *dir, const char *sock,
                 int port)
{
	char store[PATH_MAX + 16], log[PATH_MAX + 16], p[16];
	snprintf(store, sizeof store, "%s/store.db", dir);
	snprintf(log, sizeof log, "%s/shenlid.log", dir);
	snprintf(p, sizeof p, "%d", port);
	char *argv[] = {(char *)shenlid, "--store", store, "--socket",
	                (char *)sock,    "--http",  p,     NULL};
	if (port <= 0)
		argv[5] = NULL;
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof un.sun_path) {
		fprintf(stderr, "%s: %s: socket path too long\n", bp_name,
		        sock);
		exit(1);
	}
	memcpy(un.sun_path, sock, strlen(sock) + 1);
	struct sockaddr_in in = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, log,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t pid;
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "%s: shenlid: %s\n", bp_name, strerror(errno));
		exit(1);
	}
	posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; i < 500; i++) {
		if (answers(AF_UNIX, &un, sizeof un) &&
		    (port <= 0 || answers(AF_INET, &in, sizeof in)))
			return pid;
		usleep(20000);
	}
	fprintf(stderr, "%s: shenlid did not come up (%s)\n", bp_name, log);
	exit(1);
}
