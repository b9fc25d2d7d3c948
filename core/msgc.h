/*
 * msgc.h - an error message as the C locale says it, for --json.
 *
 * `--json` output is never translated (spec/cli.md), yet the reasons a
 * malformed dossier gives are made by the code that found them, in the
 * user's language. A failure is said twice: once as it happened, for the
 * person reading stderr, and once again with this thread's messages in the
 * C locale, for the JSON. Only failures pay for it.
 */
#ifndef SHENLI_MSGC_H
#define SHENLI_MSGC_H

#include <stddef.h>

#include <shenli/base.h>

typedef sl_rc (*sl_msgc_fn)(void *arg);

/* Runs fn(arg) with this thread's LC_MESSAGES the C locale (gettext then
 * answers with the untranslated text, whatever LANGUAGE says; strerror
 * too) and copies the message of the error it returned into out. Returns
 * what fn returned (out is "" if that was SL_OK). The thread's last error
 * (sl_errmsg) is left as it was before the call. */
sl_rc sl_msgc_run(sl_msgc_fn fn, void *arg, char *out, size_t n);

#endif
