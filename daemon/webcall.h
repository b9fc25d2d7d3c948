/*
 * webcall.h - the web front's calls to shenlid: the same requests the
 * shenli command sends (proto.h), over the same unix socket, so that every
 * page goes through the service's operations, policy and audit. The web
 * front holds no key and opens no store: a session token is all it has.
 */
#ifndef SHENLID_WEBCALL_H
#define SHENLID_WEBCALL_H

#include <jansson.h>
#include <stddef.h>

#include "proto.h"

/* A run whose session the service no longer has (idle, replaced by a new
 * sign-in of the same user, the service restarted). */
#define SL_WEBCALL_NOSESSION 100

/* The socket to talk to; once, before any call. */
void sl_webcall_init(const char *socket);

/* Log user in with pass (the caller wipes it): 0 with the token in tok
 * and the user's role in role (as the service's session has it: the pages
 * shown need it, and asking for it by a command a role may not run would
 * be audited as that user's refusal), else the exit code (SL_EAUTH:
 * refused) with the service's message in msg; *retry > 0: the service
 * throttled the login for that many seconds, the passphrase untried. */
int sl_webcall_login(const char *user, const char *pass, size_t plen,
                     char tok[SL_TOKEN_HEX + 1], char role[16], long *retry,
                     char *msg, size_t cap);
/* Redeem a one-time ticket (shenli open): 0 with a new session's token in
 * tok, its user in user and their role in role, else the exit code
 * (SL_EAUTH: an unknown, used or expired ticket). */
int sl_webcall_redeem(const char *ticket, char tok[SL_TOKEN_HEX + 1],
                      char user[SL_ID_MAX + 1], char role[16]);
/* End the session of tok (best effort). */
void sl_webcall_logout(const char *tok);
/* Run argv (NULL-terminated) in the session of tok: 0 with the command's
 * standard output parsed as JSON in *out (the caller decrefs), the
 * command's exit code, SL_WEBCALL_NOSESSION, or SL_ESYS if the service
 * could not be asked or answered nonsense. */
int sl_webcall_run(const char *tok, const char *const *argv, json_t **out);
/* A command that ran and exited SL_EAUTH (3) is one the service shut the
 * session's user out of (disabled, their key slot replaced by a new
 * passphrase, or an admin-chosen passphrase not yet replaced by their
 * own): the service's message of this thread's last run, if it exited
 * so, in Chinese; "" if it did not. Each connection is served by a thread
 * of its own, so that this is the run its page just made. */
const char *sl_webcall_shutout_why(void);

/* The most of a run's standard error a page shows: an intake of 50
 * malformed dossiers says why for each (a few hundred bytes apiece), so a
 * fixed line-sized buffer would drop the later ones. */
#define SL_WEBCALL_ERR_MAX (64u << 10)

/* A run's whole answer: its exit code, standard output as it came (also
 * when the code is not 0: an intake that deferred a dossier prints its
 * decision and exits 1) and its standard error (the service's message,
 * shown to the user whole: cut, if ever, only past SL_WEBCALL_ERR_MAX, on
 * a character's boundary and marked "…"). */
typedef struct {
	int rc;
	unsigned char *out; /* NUL-terminated beyond len */
	size_t len;
	char *err; /* never NULL ("" at least); NUL-terminated */
} sl_webcall_res;
/* Run argv as sl_webcall_run does; files: the bytes of the words that
 * name files ({WORD: BASE64}, proto.h), or NULL; zh: the messages in
 * Chinese. Returns res->rc; free res with sl_webcall_res_free. */
int sl_webcall_exec(const char *tok, const char *const *argv,
                    const json_t *files, int zh, sl_webcall_res *res);
void sl_webcall_res_free(sl_webcall_res *res);

/* The first n bytes of s as text of at most max bytes (malloc'ed; NULL
 * if out of memory): whole if it fits, else cut on a UTF-8 character's
 * boundary and ended with "…", so that a page never shows half a
 * character (a browser's U+FFFD) or a cut it does not mark. */
char *sl_webcall_clip(const char *s, size_t n, size_t max);

#endif
