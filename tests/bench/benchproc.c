/* benchproc.c - whole-process timing for the benchmarks (benchproc.h). */
#define _GNU_SOURCE
#include "benchproc.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

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
