/*
 * cmocka_skip.c - LD_PRELOAD'ed into a cmocka test by tools/valgrind.sh:
 * leaves out the tests named in SHENLI_CMOCKA_SKIP (comma-separated) and
 * says so. For tests that cannot mean anything under valgrind: a seccomp
 * filter (valgrind's own system calls break it) and wall-clock limits
 * (valgrind runs code 20-50 times slower). Not part of any build.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef int (*run_fn)(const char *, const struct CMUnitTest *, size_t,
                      CMFixtureFunction, CMFixtureFunction);

static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, name, n) == 0)
			return 1;
		p += len + (e != NULL);
	}
	return 0;
}

int _cmocka_run_group_tests(const char *group_name,
                            const struct CMUnitTest *const tests,
                            const size_t num_tests,
                            CMFixtureFunction group_setup,
                            CMFixtureFunction group_teardown)
{
	run_fn real = (run_fn)dlsym(RTLD_NEXT, "_cmocka_run_group_tests");
	const char *skip = getenv("SHENLI_CMOCKA_SKIP");
	struct CMUnitTest *keep =
	    calloc(num_tests ? num_tests : 1, sizeof *keep);
	if (!real || !keep) {
		fprintf(stderr, "cmocka_skip: cannot wrap the test runner\n");
		free(keep);
		return 1;
	}
	size_t n = 0;
	for (size_t i = 0; i < num_tests; i++) {
		if (skip && tests[i].name && listed(skip, tests[i].name))
			printf("[ SKIPPED  ] %s (SHENLI_CMOCKA_SKIP)\n",
			       tests[i].name);
		else
			keep[n++] = tests[i];
	}
	fflush(stdout);
	int rc = real(group_name, keep, n, group_setup, group_teardown);
	free(keep);
	return rc;
}
