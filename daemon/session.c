/* session.c - login, lookup and expiry of shenlid's sessions. */
#define _GNU_SOURCE
#include "session.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/crypto.h"
#include "../core/store.h"

static sl_session sessions[SL_SESSIONS_MAX];

static void tickets_end(const sl_session *s);

static void wipe(sl_session *s)
{
	tickets_end(s);
	if (s->sec)
		sl_secrets_free(s->sec);
	sl_wipe(s, sizeof *s);
	s->used = 0;
	s->sec = NULL;
}

/* A slot file and its hash; 0 if it cannot be read. */
static int load(const char *path, char **img, size_t *len,
                uint8_t hash[SL_SHA256_LEN])
{
	*img = NULL;
	if (sl_file_read(path, SL_SLOT_MAX_BYTES, img, len) != SL_OK)
		return 0;
	if (sl_sha256(*img, *len, hash) != SL_OK) {
		free(*img);
		*img = NULL;
		return 0;
	}
	return 1;
}

/* As sl_store_open: SLOT.new, if a passphrase change was under way, may
 * be the one this passphrase opens; which of the two counts is decided at
 * each open (sl_store_open_unwrapped) by the log. */
static sl_rc unwrap(const char *path, const char *user, const char *pass,
                    size_t plen, sl_secrets *sec, uint8_t hash[32])
{
	char slot[PATH_MAX], newslot[PATH_MAX + 8];
	char *img = NULL;
	size_t len = 0;
	sl_rc rc = SL_EAUTH;
	int tried = 0;
	if (sl_user_id_valid(user) &&
	    sl_store_slot_path(path, user, slot, sizeof slot) == SL_OK) {
		snprintf(newslot, sizeof newslot, "%s.new", slot);
		if (load(newslot, &img, &len, hash)) {
			tried = 1;
			rc = sl_keyslot_open(user, pass, plen, img, len, sec);
			free(img);
		}
		if (rc && load(slot, &img, &len, hash)) {
			tried = 1;
			rc = sl_keyslot_open(user, pass, plen, img, len, sec);
			free(img);
		}
	}
	if (!tried) {
		/* no slot at all: spend the scrypt anyway, so that an
		 * unknown user takes as long as a wrong passphrase */
		sl_kdf_params kp;
		uint8_t salt[32] = {0}, k[SL_KEY_LEN];
		sl_kdf_calibrate(&kp);
		sl_scrypt(pass, plen, salt, sizeof salt, kp.N, kp.r, kp.p, k,
		          sizeof k);
		sl_wipe(k, sizeof k);
	}
	if (rc == SL_EAUTH || rc == SL_EINPUT)
		return sl_auth_failed();
	return rc;
}

sl_rc sl_session_unwrap(const char *path, const char *user, const char *pass,
                        size_t plen, uid_t peer, sl_secrets *sec,
                        uint8_t slot_hash[SL_SHA256_LEN], char role[16])
{
	role[0] = 0;
	sl_rc rc = unwrap(path, user, pass, plen, sec, slot_hash);
	/* the slot opened: now what an open would check (the user enabled,
	 * the slot the log's, the signing key the user's), so that a login
	 * says at once what every command would say */
	sl_store *st = NULL;
	if (!rc && !(rc = sl_store_open_unwrapped(
	                 path, user, sec, slot_hash, peer,
	                 SL_OPEN_ENROL | SL_OPEN_UNVERIFIED, &st))) {
		snprintf(role, 16, "%s",
		         sl_role_name(sl_store_actor(st)->role));
		sl_store_close(st);
	}
	return rc;
}

sl_rc sl_session_start(const char *user, uid_t uid, int web,
                       const sl_secrets *sec,
                       const uint8_t slot_hash[SL_SHA256_LEN],
                       uint8_t token[SL_TOKEN_LEN], sl_session **out)
{
	sl_session *s = NULL;
	/* one session per account and user: a new login replaces the old */
	for (size_t i = 0; i < SL_SESSIONS_MAX; i++)
		if (sessions[i].used && sessions[i].uid == uid &&
		    sessions[i].web == web && !strcmp(sessions[i].user, user))
			wipe(&sessions[i]);
	for (size_t i = 0; i < SL_SESSIONS_MAX && !s; i++)
		if (!sessions[i].used)
			s = &sessions[i];
	if (!s)
		return sl_error(SL_ESYS,
		                _("too many sessions (%d): try again when one "
		                  "has ended"),
		                SL_SESSIONS_MAX);
	memset(s, 0, sizeof *s);
	if (!(s->sec = sl_secrets_new()))
		return sl_error(SL_ESYS, _("out of memory"));
	sl_rc rc = sl_random_key(token, SL_TOKEN_LEN);
	if (!rc)
		rc = sl_sha256(token, SL_TOKEN_LEN, s->token_hash);
	if (rc) {
		wipe(s);
		return rc;
	}
	memcpy(s->sec, sec, sizeof *sec);
	memcpy(s->slot_hash, slot_hash, SL_SHA256_LEN);
	s->used = 1;
	s->uid = uid;
	s->web = web;
	snprintf(s->user, sizeof s->user, "%s", user);
	s->last_ms = sl_mono_ms();
	*out = s;
	return SL_OK;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	                              : -1;
}

/* The SHA-256 of a 32-byte secret given in hex (a token, a ticket); 0 if
 * hex is not 64 hex digits. */
static int hash_hex(const char *hex, uint8_t h[SL_SHA256_LEN])
{
	uint8_t b[SL_TOKEN_LEN];
	if (!hex || strlen(hex) != SL_TOKEN_HEX)
		return 0;
	for (size_t i = 0; i < SL_TOKEN_LEN; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			sl_wipe(b, sizeof b);
			return 0;
		}
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	int ok = sl_sha256(b, sizeof b, h) == SL_OK;
	sl_wipe(b, sizeof b);
	return ok;
}

static sl_session *by_hash(const uint8_t h[SL_SHA256_LEN])
{
	sl_session *found = NULL;
	for (size_t i = 0; i < SL_SESSIONS_MAX; i++)
		if (sessions[i].used &&
		    !sl_memeq_ct(sessions[i].token_hash, h, SL_SHA256_LEN))
			found = &sessions[i];
	return found;
}

sl_session *sl_session_find(const char *token_hex, uid_t uid, int *wrong_uid)
{
	*wrong_uid = 0;
	uint8_t h[SL_SHA256_LEN];
	if (!hash_hex(token_hex, h))
		return NULL;
	sl_session *found = by_hash(h);
	if (found && found->uid != uid) {
		*wrong_uid = 1;
		return NULL;
	}
	return found;
}

void sl_session_end(sl_session *s)
{
	wipe(s);
}

void sl_session_end_web(void)
{
	for (size_t i = 0; i < SL_SESSIONS_MAX; i++)
		if (sessions[i].used && sessions[i].web)
			wipe(&sessions[i]);
}

int64_t sl_session_expire(int64_t now, int64_t idle_ms)
{
	int64_t next = -1;
	for (size_t i = 0; i < SL_SESSIONS_MAX; i++) {
		if (!sessions[i].used)
			continue;
		int64_t left = sessions[i].last_ms + idle_ms - now;
		if (left <= 0) {
			fprintf(stderr,
			        "shenlid: session of %s (uid %u) idle for %lld "
			        "s: wiped\n",
			        sessions[i].user, (unsigned)sessions[i].uid,
			        (long long)(idle_ms / 1000));
			wipe(&sessions[i]);
			continue;
		}
		if (next < 0 || left < next)
			next = left;
	}
	return next;
}

void sl_session_wipe_others(const sl_session *keep)
{
	tickets_end(NULL);
	for (size_t i = 0; i < SL_SESSIONS_MAX; i++)
		if (sessions[i].used && &sessions[i] != keep)
			wipe(&sessions[i]);
}

int sl_session_count(void)
{
	int n = 0;
	for (size_t i = 0; i < SL_SESSIONS_MAX; i++)
		n += sessions[i].used;
	return n;
}

/* ---- one-time tickets ---------------------------------------------------- */

#define TICKETS_MAX (SL_SESSIONS_MAX * SL_TICKETS_PER_SESSION)
/* a ticket is read back as a token is (hash_hex) */
_Static_assert(SL_TICKET_LEN == SL_TOKEN_LEN, "ticket and token lengths");

static struct {
	int used;
	uint8_t hash[SL_SHA256_LEN];    /* SHA-256 of the ticket */
	uint8_t session[SL_SHA256_LEN]; /* its session's token hash */
	int64_t issued, expires;        /* monotonic ms */
} tickets[TICKETS_MAX];

static void ticket_wipe(size_t i)
{
	sl_wipe(&tickets[i], sizeof tickets[i]);
}

/* A session's tickets end with it (all of them: s NULL, in a worker). */
static void tickets_end(const sl_session *s)
{
	for (size_t i = 0; i < TICKETS_MAX; i++)
		if (tickets[i].used &&
		    (!s || !sl_memeq_ct(tickets[i].session, s->token_hash,
		                        SL_SHA256_LEN)))
			ticket_wipe(i);
}

sl_rc sl_ticket_issue(const sl_session *s, uint8_t ticket[SL_TICKET_LEN])
{
	int64_t now = sl_mono_ms();
	size_t mine = 0, oldest = TICKETS_MAX, slot = TICKETS_MAX;
	for (size_t i = 0; i < TICKETS_MAX; i++) {
		if (tickets[i].used && tickets[i].expires <= now)
			ticket_wipe(i); /* expired: gone before anything */
		if (!tickets[i].used) {
			if (slot == TICKETS_MAX)
				slot = i;
			continue;
		}
		if (sl_memeq_ct(tickets[i].session, s->token_hash,
		                SL_SHA256_LEN))
			continue;
		mine++;
		if (oldest == TICKETS_MAX ||
		    tickets[i].issued < tickets[oldest].issued)
			oldest = i;
	}
	/* a session asking again and again keeps only its last few: the
	 * table cannot fill, and an old URL lying around soon opens nothing */
	if (mine >= SL_TICKETS_PER_SESSION) {
		ticket_wipe(oldest);
		slot = oldest;
	}
	if (slot == TICKETS_MAX) /* every session's few: cannot happen */
		return sl_error(SL_ESYS, "%s",
		                _("the service is busy: try again"));
	sl_rc rc = sl_random_key(ticket, SL_TICKET_LEN);
	if (!rc)
		rc = sl_sha256(ticket, SL_TICKET_LEN, tickets[slot].hash);
	if (rc) {
		sl_wipe(ticket, SL_TICKET_LEN);
		ticket_wipe(slot);
		return rc;
	}
	memcpy(tickets[slot].session, s->token_hash, SL_SHA256_LEN);
	tickets[slot].issued = now;
	tickets[slot].expires = now + SL_TICKET_MS;
	tickets[slot].used = 1;
	return SL_OK;
}

sl_session *sl_ticket_redeem(const char *ticket_hex)
{
	uint8_t h[SL_SHA256_LEN], session[SL_SHA256_LEN];
	if (!hash_hex(ticket_hex, h))
		return NULL;
	int64_t now = sl_mono_ms();
	int found = 0, live = 0;
	for (size_t i = 0; i < TICKETS_MAX; i++) {
		if (!tickets[i].used ||
		    sl_memeq_ct(tickets[i].hash, h, sizeof h))
			continue;
		found = 1;
		live = tickets[i].expires > now;
		memcpy(session, tickets[i].session, sizeof session);
		ticket_wipe(i); /* once, whatever comes of it */
	}
	sl_wipe(h, sizeof h);
	sl_session *s = found && live ? by_hash(session) : NULL;
	sl_wipe(session, sizeof session);
	/* a web session's ticket cannot exist (the service refuses to issue
	 * one), but a browser must never open another browser's session */
	return s && !s->web ? s : NULL;
}
