/*
 * fuzz_common.h - what every libFuzzer target here shares: the entry point
 * prototypes (the project builds with -Wmissing-prototypes) and CHECK, an
 * assertion that survives NDEBUG, so that a broken invariant is reported
 * by libFuzzer as a crash with its input saved.
 */
#ifndef SHENLI_FUZZ_COMMON_H
#define SHENLI_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
			        __FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* Setup failures are the harness's, not a finding: say so and stop. */
#define SETUP(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: fuzz setup failed: %s (%s)\n", \
			        __FILE__, __LINE__, #cond, sl_errmsg());       \
			exit(2);                                               \
		}                                                              \
	} while (0)

#endif
