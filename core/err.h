/*
 * err.h - the one error type of the core, and its mapping to exit codes.
 *
 * Every core function that can fail returns an sl_rc and records a
 * human-readable message with sl_error(). The CLI prints sl_errmsg() and
 * exits with the rc itself: the enum values ARE the exit codes of
 * spec/cli.md, so the mapping lives in exactly one place (here).
 */
#ifndef SHENLI_ERR_H
#define SHENLI_ERR_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

typedef enum {
	SL_OK = 0,         /* done */
	SL_FAIL = 1,       /* ran; what it checks did not pass */
	SL_EUSAGE = 2,     /* usage error */
	SL_EAUTH = 3,      /* unknown/disabled user, wrong passphrase */
	SL_EPERM = 4,      /* not permitted: role, recusal, state */
	SL_EINPUT = 5,     /* invalid input */
	SL_EINTEGRITY = 6, /* tampering detected */
	SL_ESYS = 7,       /* the system failed us: I/O, disk full, busy */
} sl_rc;

/* Record a message for rc and return rc. printf-style. */
sl_rc sl_error(sl_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The last recorded message ("" if none). */
const char *sl_errmsg(void);
void sl_errclear(void);

#endif
