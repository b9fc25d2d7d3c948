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

/* Log user in with pass (the caller wipes it): 0 with the token in tok,
 * else the exit code (SL_EAUTH: refused) with the service's message in
 * msg; *retry > 0: the service throttled the login for that many
 * seconds, the passphrase untried. */
int sl_webcall_login(const char *user, const char *pass, size_t plen,
                     char tok[SL_TOKEN_HEX + 1], long *retry, char *msg,
                     size_t cap);
/* End the session of tok (best effort). */
void sl_webcall_logout(const char *tok);
/* Run argv (NULL-terminated) in the session of tok: 0 with the command's
 * standard output parsed as JSON in *out (the caller decrefs), the
 * command's exit code, SL_WEBCALL_NOSESSION, or SL_ESYS if the service
 * could not be asked or answered nonsense. */
int sl_webcall_run(const char *tok, const char *const *argv, json_t **out);

#endif
