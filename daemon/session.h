/*
 * session.h - shenlid's sessions: who logged in from which OS account,
 * holding what opens the store for them.
 *
 * A login unwraps the user's key slot once (the scrypt a command would
 * otherwise pay each time) and keeps the data key and the user's signing
 * seed in OpenSSL's secure heap (locked, kept out of core dumps; the
 * process is not dumpable, so not ptrace-able by its own uid either). The
 * client gets a random token, bound to the peer's uid: the same token from
 * another uid is refused. A session idle for longer than the timeout is
 * wiped; with the last session the data key is gone from the process.
 */
#ifndef SHENLID_SESSION_H
#define SHENLID_SESSION_H

#include <stdint.h>
#include <sys/types.h>

#include "../core/keyslot.h"
#include "proto.h"

#define SL_SESSIONS_MAX 64

typedef struct {
	int used;
	/* SHA-256 of the token: the token itself is only the client's, so
	 * that a look at this table gives no session away */
	uint8_t token_hash[SL_SHA256_LEN];
	uid_t uid;
	int web; /* opened through the web front, usable only from it */
	char user[SL_ID_MAX + 1];
	/* the user's role when the session began: what a front end shows
	 * (every request is judged by the policy anew all the same) */
	char role[16];
	sl_secrets *sec;
	uint8_t slot_hash[SL_SHA256_LEN]; /* the slot file that was opened */
	int64_t last_ms;                  /* last request, monotonic */
} sl_session;

/* Unwrap user's slot of the store at path with pass, as sl_store_open
 * would (the slot of a passphrase change under way included), and check
 * what an open checks (the user enabled, the slot and signing key the
 * log's). SL_EAUTH for an unknown user or a wrong passphrase, one message
 * and the same time for both. Run in a login worker: the scrypt and the
 * store's log never run in the service's own process. peer: the client's
 * uid (SO_PEERCRED), the OS account of an entry the open writes (a schema
 * migration). */
sl_rc sl_session_unwrap(const char *path, const char *user, const char *pass,
                        size_t plen, uid_t peer, sl_secrets *sec,
                        uint8_t slot_hash[SL_SHA256_LEN], char role[16]);
/* Start a session for uid with what sl_session_unwrap gave (copied); a
 * session of the same uid, user and web (server.h) before it ends. token: the
 * new session's token, for the client (wipe it after sending). */
sl_rc sl_session_start(const char *user, uid_t uid, int web,
                       const sl_secrets *sec,
                       const uint8_t slot_hash[SL_SHA256_LEN],
                       uint8_t token[SL_TOKEN_LEN], sl_session **out);
/* The session of token; NULL if none. *wrong_uid set if it exists but
 * belongs to another uid. */
sl_session *sl_session_find(const char *token_hex, uid_t uid, int *wrong_uid);
void sl_session_end(sl_session *s);
/* Wipe the sessions opened through the web front (it has ended). */
void sl_session_end_web(void);
/* Wipe the sessions idle since before now - idle_ms; the ms until the
 * next one would expire (-1: no session). */
int64_t sl_session_expire(int64_t now, int64_t idle_ms);
/* In a worker: wipe every session but keep (NULL: all). */
void sl_session_wipe_others(const sl_session *keep);
int sl_session_count(void);
/* ---- one-time tickets (shenli open) ---------------------------------------
 * A ticket lets the web front open a browser session for the user of a
 * command-line session without a passphrase: 32 random bytes, good once,
 * for SL_TICKET_MS, for the session that asked only (it ends with it). Only
 * its SHA-256 is kept, in memory: the ticket itself is in the URL the user
 * got and nowhere else. A session has at most SL_TICKETS_PER_SESSION
 * outstanding; a new one replaces its oldest. */
#define SL_TICKET_LEN 32
#define SL_TICKET_MS 60000
#define SL_TICKETS_PER_SESSION 3

/* A new ticket for s (not a web session): SL_OK with it in ticket (wipe it
 * after sending). */
sl_rc sl_ticket_issue(const sl_session *s, uint8_t ticket[SL_TICKET_LEN]);
/* Redeem the ticket in hex: used up whatever the outcome; the session it
 * was issued for, NULL if it is unknown, used, expired, or its session has
 * ended. */
sl_session *sl_ticket_redeem(const char *ticket_hex);

#endif
