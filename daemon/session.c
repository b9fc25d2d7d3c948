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

int64_t sl_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wipe(sl_session *s)
{
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
		return sl_error(SL_EAUTH, "%s",
		                _("authentication failed: unknown or disabled "
		                  "user, or wrong passphrase"));
	return rc;
}

sl_rc sl_session_unwrap(const char *path, const char *user, const char *pass,
                        size_t plen, uid_t peer, sl_secrets *sec,
                        uint8_t slot_hash[SL_SHA256_LEN])
{
	sl_rc rc = unwrap(path, user, pass, plen, sec, slot_hash);
	/* the slot opened: now what an open would check (the user enabled,
	 * the slot the log's, the signing key the user's), so that a login
	 * says at once what every command would say */
	sl_store *st = NULL;
	if (!rc && !(rc = sl_store_open_unwrapped(
	                 path, user, sec, slot_hash, peer,
	                 SL_OPEN_ENROL | SL_OPEN_UNVERIFIED, &st)))
		sl_store_close(st);
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

sl_session *sl_session_find(const char *token_hex, uid_t uid, int *wrong_uid)
{
	*wrong_uid = 0;
	uint8_t tok[SL_TOKEN_LEN];
	if (!token_hex || strlen(token_hex) != SL_TOKEN_HEX)
		return NULL;
	for (size_t i = 0; i < SL_TOKEN_LEN; i++) {
		int hi = hexval(token_hex[2 * i]),
		    lo = hexval(token_hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return NULL;
		tok[i] = (uint8_t)(hi << 4 | lo);
	}
	uint8_t h[SL_SHA256_LEN];
	int ok = sl_sha256(tok, sizeof tok, h) == SL_OK;
	sl_wipe(tok, sizeof tok);
	sl_session *found = NULL;
	for (size_t i = 0; ok && i < SL_SESSIONS_MAX; i++)
		if (sessions[i].used &&
		    !sl_memeq_ct(sessions[i].token_hash, h, sizeof h))
			found = &sessions[i];
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
