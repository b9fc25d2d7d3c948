/* websession.c - browser sessions and sign-in limits of the web front. */
#define _GNU_SOURCE
#include "websession.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/store.h"

#define SIGNED_MAX 64 /* the service's own limit (session.h) */
#define ANON_MAX 128  /* sign-in forms open; the oldest goes first */
#define USERS_MAX 64
#define OVERALL_PER_MIN 30

typedef struct {
	int used;
	sl_websess s;
	int64_t last_ms;
	char note[SL_WEBSESS_NOTE_MAX]; /* an anonymous session's, said once */
} entry;

/* signed-in sessions first, then anonymous ones: a flood of sign-in forms
 * only ever pushes out other anonymous sessions */
static entry tab[SIGNED_MAX + ANON_MAX];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t idle_ms;

static struct {
	char user[SL_ID_MAX + 1];
	int failures;
	int64_t until, last;
} tries[USERS_MAX];
static int64_t window_start;
static int window_count;

void sl_websess_init(long idle_s)
{
	idle_ms = (int64_t)idle_s * 1000;
}

void sl_websess_wipe(sl_websess *s)
{
	OPENSSL_cleanse(s, sizeof *s);
}

static void drop(entry *e)
{
	OPENSSL_cleanse(e, sizeof *e);
	e->used = 0;
}

static int random_hex(char out[SL_WEB_ID_HEX + 1])
{
	unsigned char b[SL_WEB_ID_HEX / 2];
	if (RAND_bytes(b, sizeof b) != 1)
		return -1;
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	OPENSSL_cleanse(b, sizeof b);
	return 0;
}

/* Under lock: the live entry of id; expired ones end on the way. */
static entry *find(const char *id)
{
	int64_t now = sl_mono_ms();
	entry *found = NULL;
	size_t n = id ? strlen(id) : 0;
	for (size_t i = 0; i < SIGNED_MAX + ANON_MAX; i++) {
		entry *e = &tab[i];
		if (!e->used)
			continue;
		if (now - e->last_ms > idle_ms) {
			drop(e);
			continue;
		}
		if (n == SL_WEB_ID_HEX &&
		    CRYPTO_memcmp(e->s.id, id, SL_WEB_ID_HEX) == 0)
			found = e;
	}
	return found;
}

int sl_websess_get(const char *id, sl_websess *out)
{
	pthread_mutex_lock(&lock);
	entry *e = find(id);
	if (e) {
		e->last_ms = sl_mono_ms();
		*out = e->s;
	}
	pthread_mutex_unlock(&lock);
	return e != NULL;
}

/* Under lock: a free entry in [from, to), else the oldest there if
 * evict, else NULL. */
static entry *slot(size_t from, size_t to, int evict)
{
	entry *old = NULL;
	for (size_t i = from; i < to; i++) {
		if (!tab[i].used)
			return &tab[i];
		if (!old || tab[i].last_ms < old->last_ms)
			old = &tab[i];
	}
	return evict ? old : NULL;
}

static int start(entry *e, sl_websess *out)
{
	if (random_hex(e->s.id) || random_hex(e->s.csrf)) {
		drop(e);
		return -1;
	}
	e->used = 1;
	e->last_ms = sl_mono_ms();
	*out = e->s;
	return 0;
}

int sl_websess_anon_note(const char *note, sl_websess *out)
{
	pthread_mutex_lock(&lock);
	find(NULL); /* the expired ones go first */
	entry *e = slot(SIGNED_MAX, SIGNED_MAX + ANON_MAX, 1);
	drop(e);
	int rc = start(e, out);
	if (!rc) {
		size_t n = strlen(note);
		if (n >= sizeof e->note) /* back to a lead byte */
			for (n = sizeof e->note - 1;
			     n && ((unsigned char)note[n] & 0xC0) == 0x80; n--)
				;
		memcpy(e->note, note, n);
		e->note[n] = 0;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

int sl_websess_anon(sl_websess *out)
{
	return sl_websess_anon_note("", out);
}

void sl_websess_take_note(const char *id, char *buf, size_t cap)
{
	pthread_mutex_lock(&lock);
	entry *e = find(id);
	snprintf(buf, cap, "%s", e && !e->s.signed_in ? e->note : "");
	if (e)
		e->note[0] = 0;
	pthread_mutex_unlock(&lock);
}

int sl_websess_sign_in(const char *old, const char *user, const char *role,
                       const char *token, sl_websess *out)
{
	pthread_mutex_lock(&lock);
	entry *e = find(old);
	if (e)
		drop(e);
	/* the service keeps one session per user for the web front: an
	 * earlier browser of this user has lost it */
	for (size_t i = 0; i < SIGNED_MAX; i++)
		if (tab[i].used && !strcmp(tab[i].s.user, user))
			drop(&tab[i]);
	e = slot(0, SIGNED_MAX, 0);
	int rc = -1;
	if (e) {
		e->s.signed_in = 1;
		snprintf(e->s.role, sizeof e->s.role, "%s", role);
		e->s.sees_all =
		    !strcmp(role, "leader") || !strcmp(role, "auditor");
		snprintf(e->s.user, sizeof e->s.user, "%s", user);
		snprintf(e->s.token, sizeof e->s.token, "%s", token);
		rc = start(e, out);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

int sl_websess_end(const char *id, char token[SL_TOKEN_HEX + 1])
{
	pthread_mutex_lock(&lock);
	entry *e = find(id);
	int had = e && e->s.signed_in;
	if (had)
		memcpy(token, e->s.token, SL_TOKEN_HEX + 1);
	if (e)
		drop(e);
	pthread_mutex_unlock(&lock);
	return had;
}

int sl_websess_csrf_ok(const sl_websess *s, const char *given)
{
	return given && strlen(given) == SL_WEB_ID_HEX &&
	       CRYPTO_memcmp(s->csrf, given, SL_WEB_ID_HEX) == 0;
}

/* ---- sign-in limits ----------------------------------------------------- */

/* Under lock: user's entry, the least recently tried one reused. */
static int try_slot(const char *user)
{
	int old = 0;
	for (int i = 0; i < USERS_MAX; i++) {
		if (!strcmp(tries[i].user, user))
			return i;
		if (tries[i].last < tries[old].last)
			old = i;
	}
	memset(&tries[old], 0, sizeof tries[old]);
	snprintf(tries[old].user, sizeof tries[old].user, "%s", user);
	return old;
}

long sl_websess_signin_wait(const char *user)
{
	pthread_mutex_lock(&lock);
	int64_t now = sl_mono_ms();
	int t = try_slot(user);
	tries[t].last = now;
	long wait = 0;
	if (tries[t].until > now)
		wait = (long)((tries[t].until - now + 999) / 1000);
	if (!wait && now - window_start >= 60000) {
		window_start = now;
		window_count = 0;
	}
	if (!wait && ++window_count > OVERALL_PER_MIN)
		wait = (long)((window_start + 60000 - now + 999) / 1000);
	pthread_mutex_unlock(&lock);
	return wait;
}

void sl_websess_signin_done(const char *user, int ok)
{
	pthread_mutex_lock(&lock);
	int t = try_slot(user);
	int64_t now = tries[t].last = sl_mono_ms();
	if (ok) {
		tries[t].failures = 0;
		tries[t].until = 0;
	} else {
		int f = ++tries[t].failures - 3;
		if (f >= 0)
			tries[t].until = now + (f > 4 ? 60000 : 2000 << f);
	}
	pthread_mutex_unlock(&lock);
}
