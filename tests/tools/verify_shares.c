/*
 * verify_shares.c - audit verify with the cases replayed a few at a time,
 * for the CLI tests (tests/cli/lib.sh). Never installed.
 *
 * audit verify replays the cases a share of the cases table at a time, so
 * that its memory does not grow with the store (core/verify.c); a share
 * holds 32768 cases, so every store the tests build fits in one. This runs
 * the same check in shares of N cases, so that each verdict the tests
 * expect of audit verify is also reached when the cases, the entries and
 * the sign-offs of a store fall into different shares.
 *
 *   verify_shares STORE USER PWFILE N [ANCHOR]
 *
 * Exit 0 if the store verifies, 6 on an integrity failure (the message on
 * stderr), 1 on anything else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/ops_admin.h>

#include "fsutil.h"
#include "store_test.h"
#include "verify.h"

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr,
		        "usage: verify_shares STORE USER PWFILE N [ANCHOR]\n");
		return 1;
	}
	char *pw;
	size_t n;
	if (sl_file_read(argv[3], 4096, &pw, &n)) {
		fprintf(stderr, "verify_shares: %s\n", sl_errmsg());
		return 1;
	}
	char *nl = memchr(pw, '\n', n);
	if (nl)
		*nl = 0;
	sl_store *s;
	sl_rc rc = sl_store_unlock(argv[1], argv[2], pw, strlen(pw), &s);
	free(pw);
	if (rc == SL_OK) {
		sl_verify_share_override(atoll(argv[4]));
		sl_audit_report r;
		/* the command's own operation: the log in shares, then the
		 * installed packages' bytes */
		rc = sl_audit_verify(s, argc == 6 ? argv[5] : NULL, &r);
		sl_store_close(s);
	}
	if (rc)
		fprintf(stderr, "verify_shares: %s\n", sl_errmsg());
	return rc == SL_OK ? 0 : rc == SL_EINTEGRITY ? 6 : 1;
}
