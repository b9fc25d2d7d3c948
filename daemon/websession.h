/*
 * websession.h - the web front's browser sessions and its sign-in limits.
 *
 * A browser is known by a cookie holding a random id (32 bytes, 64 hex
 * digits) that only this table issued: an id it did not issue, or one
 * that has ended, is no session at all (a fixated cookie gives nothing).
 * Before sign-in a browser has an anonymous session (the sign-in form's
 * CSRF token); a sign-in always ends it and issues a new id, so the id a
 * browser brought is never the one it is signed in under. A signed-in
 * session holds the shenlid session token, in this process's memory
 * only, and its own CSRF token. Sessions idle longer than the service's
 * idle timeout end here as they do in the service.
 *
 * Sign-in attempts are limited per user id (after 3 failures in a row
 * each next one waits 2, 4, 8 ... up to 60 s) and overall (30 a minute),
 * before the service's own limit of the web front's account.
 *
 * Thread-safe: libmicrohttpd serves each connection in a thread; callers
 * get copies (wipe them with sl_websess_wipe).
 */
#ifndef SHENLID_WEBSESSION_H
#define SHENLID_WEBSESSION_H

#include <stdint.h>

#include "proto.h"

#define SL_WEB_ID_HEX 64

typedef struct {
	int signed_in;
	int sees_all; /* leaders and auditors: the queue is every case */
	/* the user's role as the service lists it ("" if it would not):
	 * which links and forms a page offers; the service decides */
	char role[16];
	char id[SL_WEB_ID_HEX + 1];   /* the cookie's value */
	char csrf[SL_WEB_ID_HEX + 1]; /* the forms' token */
	char token[SL_TOKEN_HEX + 1]; /* shenlid's; "" if anonymous */
	char user[SL_ID_MAX + 1];
} sl_websess;

void sl_websess_init(long idle_s);
/* The session of a cookie's value (NULL: none): 1 and a copy (its idle
 * clock restarted), 0 if there is none. */
int sl_websess_get(const char *id, sl_websess *out);
/* A new anonymous session: 0 and a copy, -1 if out of randomness. */
int sl_websess_anon(sl_websess *out);
/* The same, whose sign-in page says note (why the browser's signed-in
 * session ended; cut at SL_WEBSESS_NOTE_MAX bytes on a character) once. */
#define SL_WEBSESS_NOTE_MAX 1024
int sl_websess_anon_note(const char *note, sl_websess *out);
/* The note of the session of id into buf ("" if none), taken: a page
 * says it once. */
void sl_websess_take_note(const char *id, char *buf, size_t cap);
/* End old (if any) and start a signed-in session: 0 and a copy; -1 if
 * the table is full or out of randomness. */
int sl_websess_sign_in(const char *old, const char *user, const char *role,
                       const char *token, sl_websess *out);
/* End the session of id; 1 with its shenlid token in token if it was
 * signed in. */
int sl_websess_end(const char *id, char token[SL_TOKEN_HEX + 1]);
/* The form's token is the session's (constant time). */
int sl_websess_csrf_ok(const sl_websess *s, const char *given);
void sl_websess_wipe(sl_websess *s);

/* Seconds user must wait before a sign-in (0: go on); counts it. */
long sl_websess_signin_wait(const char *user);
/* A sign-in's outcome: ok resets the user's failures. */
void sl_websess_signin_done(const char *user, int ok);

#endif
