/* audit.c - hash chain, signatures, verification. See audit.h. */
#include "audit.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_priv.h"
#include "vfs.h"

static const char TAG_ENTRY[] = "shenli.audit.v1"; /* sizeof includes NUL */
static const char TAG_SIG[] = "shenli.audit.sig.v1";

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint8_t *put_str(uint8_t *p, const char *s, size_t n)
{
	p[0] = (uint8_t)(n >> 24);
	p[1] = (uint8_t)(n >> 16);
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	memcpy(p + 4, s, n);
	return p + 4 + n;
}

void sl_audit_hash(sl_hasher *h, const uint8_t store_id[16],
                   const uint8_t prev[SL_SHA256_LEN], const sl_audit_entry *e,
                   uint8_t out[SL_SHA256_LEN])
{
	/* The canonical encoding is built in one buffer and hashed in one
	 * call: per-field updates cost more than the hashing itself. */
	size_t la = strlen(e->actor), lc = strlen(e->action),
	       lo = strlen(e->object), ld = strlen(e->details);
	size_t n =
	    sizeof TAG_ENTRY + 16 + SL_SHA256_LEN + 16 + 16 + la + lc + lo + ld;
	uint8_t buf[2048];
	if (n > sizeof buf) {
		/* A large entry: stream the same bytes (test_audit pins both
		 * paths to known answers). */
		uint8_t hdr[sizeof TAG_ENTRY + 16 + SL_SHA256_LEN + 16], l[4];
		const char *f[4] = {e->actor, e->action, e->object, e->details};
		size_t fl[4] = {la, lc, lo, ld};
		memcpy(hdr, TAG_ENTRY, sizeof TAG_ENTRY);
		memcpy(hdr + sizeof TAG_ENTRY, store_id, 16);
		memcpy(hdr + sizeof TAG_ENTRY + 16, prev, SL_SHA256_LEN);
		be64(hdr + sizeof TAG_ENTRY + 16 + SL_SHA256_LEN,
		     (uint64_t)e->seq);
		be64(hdr + sizeof TAG_ENTRY + 24 + SL_SHA256_LEN,
		     (uint64_t)e->ts);
		sl_hasher_init(h);
		sl_hasher_update(h, hdr, sizeof hdr);
		for (int i = 0; i < 4; i++) {
			l[0] = (uint8_t)(fl[i] >> 24);
			l[1] = (uint8_t)(fl[i] >> 16);
			l[2] = (uint8_t)(fl[i] >> 8);
			l[3] = (uint8_t)fl[i];
			sl_hasher_update(h, l, 4);
			sl_hasher_update(h, f[i], fl[i]);
		}
		sl_hasher_final(h, out);
		return;
	}
	uint8_t *p = buf;
	memcpy(p, TAG_ENTRY, sizeof TAG_ENTRY);
	p += sizeof TAG_ENTRY;
	memcpy(p, store_id, 16);
	p += 16;
	memcpy(p, prev, SL_SHA256_LEN);
	p += SL_SHA256_LEN;
	be64(p, (uint64_t)e->seq);
	be64(p + 8, (uint64_t)e->ts);
	p += 16;
	p = put_str(p, e->actor, la);
	p = put_str(p, e->action, lc);
	p = put_str(p, e->object, lo);
	p = put_str(p, e->details, ld);
	sl_hasher_init(h);
	sl_hasher_update(h, buf, (size_t)(p - buf));
	sl_hasher_final(h, out);
}

/* The message a signature covers. */
static size_t sig_msg(const uint8_t store_id[16], int64_t seq,
                      const uint8_t hash[32], uint8_t out[128])
{
	size_t o = 0;
	memcpy(out, TAG_SIG, sizeof TAG_SIG);
	o += sizeof TAG_SIG;
	memcpy(out + o, store_id, 16);
	o += 16;
	be64(out + o, (uint64_t)seq);
	o += 8;
	memcpy(out + o, hash, 32);
	return o + 32;
}

sl_rc sl_audit_head(sl_store *s, int64_t *seq, uint8_t hash[SL_SHA256_LEN])
{
	sqlite3_stmt *st;
	*seq = 0;
	memset(hash, 0, SL_SHA256_LEN);
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT seq, hash FROM audit ORDER BY seq DESC "
	                       "LIMIT 1",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading the audit head"));
	int rc = sqlite3_step(st);
	sl_rc r = SL_OK;
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) != SL_SHA256_LEN)
			r = sl_error(
			    SL_EINTEGRITY,
			    _("audit entry %" PRId64 ": malformed hash"), *seq);
		else
			memcpy(hash, sqlite3_column_blob(st, 1), SL_SHA256_LEN);
	} else if (rc != SQLITE_DONE) {
		r = sl_db_err(s, _("reading the audit head"));
	}
	sqlite3_finalize(st);
	return r;
}

sl_rc sl_audit_tx_begin(sl_store *s)
{
	sl_audit_tx_reset(s);
	return sl_audit_head(s, &s->head_seq, s->head_hash);
}

static void pending_free(sl_pending *p)
{
	free(p->action);
	free(p->object);
	free(p->details);
	memset(p, 0, sizeof *p);
}

void sl_audit_tx_reset(sl_store *s)
{
	pending_free(&s->pending);
	s->n_entries = 0;
}

static sl_rc insert_pending(sl_store *s, const uint8_t *sig)
{
	sl_pending *p = &s->pending;
	if (!s->audit_ins &&
	    sqlite3_prepare_v2(
	        s->db,
	        "INSERT INTO audit(seq, ts, actor, action, object, "
	        "details, hash, sig) VALUES(?,?,?,?,?,?,?,?)",
	        -1, &s->audit_ins, 0))
		return sl_db_err(s, _("writing the audit log"));
	sqlite3_stmt *st = s->audit_ins;
	sqlite3_bind_int64(st, 1, p->seq);
	sqlite3_bind_int64(st, 2, p->ts);
	sqlite3_bind_text(st, 3, s->actor.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->details, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, p->hash, SL_SHA256_LEN, SQLITE_STATIC);
	if (sig)
		sqlite3_bind_blob(st, 8, sig, SL_ED25519_SIG_LEN,
		                  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return sl_db_err(s, _("writing the audit log"));
	pending_free(p);
	return SL_OK;
}

sl_rc sl_audit(sl_store *s, const char *action, const char *object,
               json_t *details)
{
	if (!s->in_tx)
		return sl_error(SL_ESYS,
		                _("internal: audit outside a transaction"));
	if (s->pending.has) {
		sl_rc rc = insert_pending(s, NULL);
		if (rc)
			return rc;
	}
	sl_pending *p = &s->pending;
	p->action = strdup(action);
	p->object = strdup(object ? object : "");
	p->details = details
	                 ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS)
	                 : strdup("{}");
	if (!p->action || !p->object || !p->details) {
		pending_free(p);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	p->seq = s->head_seq + 1;
	p->ts = sl_now_ms();
	sl_audit_entry e = {p->seq,    p->ts,      s->actor.id, p->action,
	                    p->object, p->details, NULL,        0};
	sl_audit_hash(s->sha, s->store_id, s->head_hash, &e, p->hash);
	p->has = 1;
	s->head_seq = p->seq;
	memcpy(s->head_hash, p->hash, SL_SHA256_LEN);
	s->n_entries++;
	return SL_OK;
}

sl_rc sl_audit_tx_finish(sl_store *s)
{
	if (!s->pending.has || s->n_entries == 0)
		return sl_error(SL_ESYS,
		                _("internal: a change without an audit entry "
		                  "was refused"));
	uint8_t msg[128], sig[SL_ED25519_SIG_LEN];
	size_t n = sig_msg(s->store_id, s->pending.seq, s->pending.hash, msg);
	sl_rc rc = sl_sign(s->signkey, msg, n, sig);
	if (rc)
		return rc;
	return insert_pending(s, sig);
}

sl_rc sl_audit_parse_anchor(const char *str, int64_t *seq,
                            uint8_t hash[SL_SHA256_LEN])
{
	const char *colon = str ? strchr(str, ':') : NULL;
	char *end = NULL;
	if (!colon || colon == str)
		goto bad;
	errno = 0;
	long long v = strtoll(str, &end, 10);
	if (errno || end != colon || v < 1 || str[0] == '-' || str[0] == '+')
		goto bad;
	if (sl_unhex(colon + 1, hash, SL_SHA256_LEN) != SL_OK)
		goto bad;
	*seq = v;
	return SL_OK;
bad:
	return sl_error(SL_EINPUT,
	                _("anchor '%s' is not SEQ:HASH (a positive number, a "
	                  "colon, 64 hex digits)"),
	                str ? str : "");
}

void sl_audit_format_anchor(int64_t seq, const uint8_t hash[SL_SHA256_LEN],
                            char out[96])
{
	char hex[2 * SL_SHA256_LEN + 1];
	sl_hex(hash, SL_SHA256_LEN, hex);
	snprintf(out, 96, "%" PRId64 ":%s", seq, hex);
}

/* An entry from a row of (seq, ts, actor, action, object, details, hash,
 * ...); hash is NULL if it is not 32 bytes. */
static sl_audit_entry row_entry(sqlite3_stmt *st)
{
	return (sl_audit_entry){
	    sqlite3_column_int64(st, 0),
	    sqlite3_column_int64(st, 1),
	    (const char *)sqlite3_column_text(st, 2),
	    (const char *)sqlite3_column_text(st, 3),
	    (const char *)sqlite3_column_text(st, 4),
	    (const char *)sqlite3_column_text(st, 5),
	    sqlite3_column_bytes(st, 6) == SL_SHA256_LEN
	        ? sqlite3_column_blob(st, 6)
	        : NULL,
	    0,
	};
}

sl_rc sl_audit_each(sl_store *s, int64_t since,
                    int (*cb)(const sl_audit_entry *e, void *ud), void *ud)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT seq, ts, actor, action, object, details, "
	        "hash, sig IS NOT NULL FROM audit WHERE seq > ? "
	        "ORDER BY seq",
	        -1, &st, 0))
		return sl_db_err(s, _("reading the audit log"));
	sqlite3_bind_int64(st, 1, since);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sl_audit_entry e = row_entry(st);
		e.is_signed = sqlite3_column_int(st, 7);
		if (!e.actor || !e.action || !e.object || !e.details)
			continue;
		if (cb(&e, ud))
			break;
	}
	sl_rc r = (rc == SQLITE_ROW || rc == SQLITE_DONE)
	              ? SL_OK
	              : sl_db_err(s, _("reading the audit log"));
	sqlite3_finalize(st);
	return r;
}

/* ---- verification ---------------------------------------------------- */

/* What the log says about one user. */
typedef struct {
	char id[SL_ID_MAX + 1];
	char role[16];
	uint8_t pub[SL_ED25519_PUB_LEN];
	int disabled;
	sl_signkey *key;
} known_user;

typedef struct {
	known_user *v;
	size_t n, cap;
	size_t last; /* lookup cache: runs of one actor are the norm */
} user_map;

static known_user *um_find(user_map *m, const char *id)
{
	if (m->last < m->n && strcmp(m->v[m->last].id, id) == 0)
		return &m->v[m->last];
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].id, id) == 0) {
			m->last = i;
			return &m->v[i];
		}
	return NULL;
}

static void um_free(user_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		sl_sign_free(m->v[i].key);
	free(m->v);
}

/* Register a user from a store.init or user.add entry's details. */
static sl_rc um_add(user_map *m, const char *details, int64_t seq)
{
	json_error_t jerr;
	json_t *d = json_loads(details, JSON_REJECT_DUPLICATES, &jerr);
	const char *id = json_string_value(json_object_get(d, "user"));
	const char *role = json_string_value(json_object_get(d, "role"));
	const char *pub = json_string_value(json_object_get(d, "pubkey"));
	known_user u = {0};
	sl_rc rc = SL_OK;
	if (!id || !role || !pub || !sl_user_id_valid(id) ||
	    !sl_role_parse(role) || sl_unhex(pub, u.pub, sizeof u.pub) != SL_OK)
		rc = sl_error(
		    SL_EINTEGRITY,
		    _("audit entry %" PRId64 ": malformed user record"), seq);
	else if (um_find(m, id))
		rc = sl_error(
		    SL_EINTEGRITY,
		    _("audit entry %" PRId64 ": user '%s' added twice"), seq,
		    id);
	if (!rc) {
		snprintf(u.id, sizeof u.id, "%s", id);
		snprintf(u.role, sizeof u.role, "%s", role);
		u.key = sl_verifier_new(u.pub);
		if (!u.key)
			rc = sl_error(
			    SL_EINTEGRITY,
			    _("audit entry %" PRId64 ": invalid public key"),
			    seq);
	}
	if (!rc && m->n == m->cap) {
		size_t nc = m->cap ? 2 * m->cap : 16;
		known_user *nv = realloc(m->v, nc * sizeof *nv);
		if (!nv) {
			sl_sign_free(u.key);
			rc = sl_error(SL_ESYS, _("out of memory"));
		} else {
			m->v = nv;
			m->cap = nc;
		}
	}
	if (!rc)
		m->v[m->n++] = u;
	json_decref(d);
	return rc;
}

/* Apply what an entry changes about users (after it has been verified). */
static sl_rc replay(user_map *m, const sl_audit_entry *e)
{
	if (strcmp(e->action, "user.add") == 0)
		return um_add(m, e->details, e->seq);
	if (strcmp(e->action, "user.disable") == 0) {
		known_user *u = um_find(m, e->object);
		if (!u)
			return sl_error(SL_EINTEGRITY,
			                _("audit entry %" PRId64
			                  ": disables unknown "
			                  "user '%s'"),
			                e->seq, e->object);
		u->disabled = 1;
	}
	return SL_OK;
}

/*
 * Every page of the file is read (and its HMAC checked by SQLCipher) by
 * PRAGMA integrity_check. It runs on a second connection in its own thread
 * while the main thread walks the chain: done one after the other, every
 * page would be decrypted twice, which made verify 2.4x a raw scan.
 */
struct page_scan {
	const char *path;
	const uint8_t *key;
	sl_rc rc;
	char msg[512];
};

static void *scan_pages(void *arg)
{
	struct page_scan *ps = arg;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	ps->rc = sl_store_open_raw(ps->path, ps->key, &db);
	if (ps->rc) {
		snprintf(ps->msg, sizeof ps->msg, "%s", sl_errmsg());
		return NULL;
	}
	/* The file must be exactly its pages: bytes appended after the last
	 * page, or a cut into the last page's unauthenticated padding (which
	 * SQLite would read back as zeros), are tampering too. A checkpoint
	 * first puts every committed page into the file. */
	int busy = 1, nlog = 0, nckpt = 0;
	sqlite3_stmt *ck = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &ck,
	                       0) == SQLITE_OK &&
	    sqlite3_step(ck) == SQLITE_ROW) {
		busy = sqlite3_column_int(ck, 0);
		nlog = sqlite3_column_int(ck, 1);
		nckpt = sqlite3_column_int(ck, 2);
	}
	sqlite3_finalize(ck);
	sqlite3_stmt *pc = NULL;
	long long pages = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &pc, 0) ==
	        SQLITE_OK &&
	    sqlite3_step(pc) == SQLITE_ROW)
		pages = sqlite3_column_int64(pc, 0);
	sqlite3_finalize(pc);
	struct stat sb;
	if (!busy && nlog == nckpt && pages >= 0 && stat(ps->path, &sb) == 0 &&
	    sb.st_size != pages * SL_PAGE_SIZE) {
		ps->rc = SL_EINTEGRITY;
		snprintf(
		    ps->msg, sizeof ps->msg,
		    _("the file is %lld bytes, but its %lld pages make %lld"),
		    (long long)sb.st_size, pages, pages * SL_PAGE_SIZE);
	}
	int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, 0);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (!t || !strcmp(t, "ok") || ps->rc)
			continue;
		/* name the first problem; the rest is SQLite's detail */
		const char *nl = strchr(t, '\n');
		int len = nl ? (int)(nl - t) : (int)strlen(t);
		if (!strncmp(t, "*** in database main ***", 24) && nl) {
			const char *nl2 = strchr(nl + 1, '\n');
			t = nl + 1;
			len = nl2 ? (int)(nl2 - t) : (int)strlen(t);
		}
		ps->rc = SL_EINTEGRITY;
		snprintf(ps->msg, sizeof ps->msg, "%.*s", len > 200 ? 200 : len,
		         t);
	}
	if (rc != SQLITE_DONE && !ps->rc) {
		/* SQLCipher reports a page whose HMAC fails as an error (which
		 * one depends on the page); any failure to read our own file
		 * here is an integrity failure. */
		ps->rc = SL_EINTEGRITY;
		snprintf(ps->msg, sizeof ps->msg, "%s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

__attribute__((format(printf, 3, 4))) static sl_rc
bad(sl_audit_report *r, int64_t seq, const char *fmt, ...)
{
	r->bad_seq = seq;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return sl_error(SL_EINTEGRITY, _("audit entry %" PRId64 ": %s"), seq,
	                msg);
}

static sl_rc check_users_table(sl_store *s, user_map *m)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT id, role, pubkey, disabled FROM users",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading users"));
	size_t seen = 0;
	sl_rc r = SL_OK;
	int rc;
	while (!r && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *role = (const char *)sqlite3_column_text(st, 1);
		known_user *u = id ? um_find(m, id) : NULL;
		if (!u) {
			r = sl_error(
			    SL_EINTEGRITY,
			    _("user '%s' is in the users table but was never "
			      "added through the audit log"),
			    id ? id : "?");
			break;
		}
		seen++;
		if (!role || strcmp(role, u->role) != 0 ||
		    sqlite3_column_bytes(st, 2) != SL_ED25519_PUB_LEN ||
		    memcmp(sqlite3_column_blob(st, 2), u->pub,
		           SL_ED25519_PUB_LEN) ||
		    sqlite3_column_int(st, 3) != u->disabled)
			r = sl_error(
			    SL_EINTEGRITY,
			    _("user '%s': role, key or status in the users "
			      "table differs from the audit log (changed "
			      "outside shenli)"),
			    id);
	}
	if (!r && rc != SQLITE_DONE)
		r = sl_db_err(s, _("reading users"));
	sqlite3_finalize(st);
	if (!r && seen != m->n)
		r = sl_error(
		    SL_EINTEGRITY,
		    _("a user added in the audit log is missing from the "
		      "users table"));
	return r;
}

sl_rc sl_audit_verify(sl_store *s, const char *anchor, sl_audit_report *r)
{
	memset(r, 0, sizeof *r);
	int64_t a_seq = 0;
	uint8_t a_hash[SL_SHA256_LEN];
	sl_rc rc;
	if (anchor && (rc = sl_audit_parse_anchor(anchor, &a_seq, a_hash)))
		return rc;
	struct page_scan ps = {s->path, s->sec->data_key, SL_OK, ""};
	pthread_t scanner;
	int threaded = pthread_create(&scanner, NULL, scan_pages, &ps) == 0;
	if (!threaded)
		scan_pages(&ps);

	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT seq, ts, actor, action, object, details, "
	        "hash, sig FROM audit ORDER BY seq",
	        -1, &st, 0)) {
		rc = sl_db_err(s, _("reading the audit log"));
		if (threaded)
			pthread_join(scanner, NULL);
		return rc;
	}

	user_map users = {0};
	uint8_t prev[SL_SHA256_LEN] = {0}, h[SL_SHA256_LEN], msg[128];
	char run_actor[SL_ID_MAX + 1] = "";
	int64_t run_start = 0, expect = 1;
	int anchor_ok = 0, step;
	rc = SL_OK;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		sl_audit_entry e = row_entry(st);
		int siglen = sqlite3_column_bytes(st, 7);
		int has_sig = sqlite3_column_type(st, 7) != SQLITE_NULL;
		if (e.seq != expect) {
			rc = bad(r, expect, "%s",
			         e.seq > expect ? "missing (deleted)"
			                        : "out of order");
			break;
		}
		expect++;
		if (!e.actor || !e.action || !e.object || !e.details ||
		    !e.hash) {
			rc = bad(r, e.seq, "malformed");
			break;
		}
		/* The hash covers each text up to its NUL, as every reader
		 * sees it; bytes hidden after an embedded NUL would be covered
		 * by nothing, so a text must be exactly its C string (found by
		 * fuzz_audit). */
		int hidden = 0;
		for (int c = 2; c <= 5; c++)
			hidden |=
			    (size_t)sqlite3_column_bytes(st, c) !=
			    strlen((const char *)sqlite3_column_text(st, c));
		if (hidden) {
			rc = bad(r, e.seq, "holds bytes after an embedded NUL");
			break;
		}
		sl_audit_hash(s->sha, s->store_id, prev, &e, h);
		if (memcmp(h, e.hash, SL_SHA256_LEN) != 0) {
			rc = bad(
			    r, e.seq,
			    "does not match its hash: modified, reordered or "
			    "inserted");
			break;
		}
		if (e.seq == 1) {
			if (strcmp(e.action, "store.init") != 0) {
				rc = bad(
				    r, 1,
				    "the log does not begin with store.init");
				break;
			}
			if ((rc = um_add(&users, e.details, 1)))
				break;
		} else if (strcmp(e.action, "store.init") == 0) {
			rc = bad(r, e.seq, "a second store.init");
			break;
		}
		known_user *u = um_find(&users, e.actor);
		if (!u) {
			rc = bad(r, e.seq, "actor '%s' has no key in the log",
			         e.actor);
			break;
		}
		if (u->disabled) {
			rc = bad(r, e.seq, "written by disabled user '%s'",
			         e.actor);
			break;
		}
		if (run_start && strcmp(run_actor, e.actor) != 0) {
			rc = bad(
			    r, run_start,
			    "not covered by a signature of '%s' (the entries "
			    "after it are by '%s')",
			    run_actor, e.actor);
			break;
		}
		if (has_sig) {
			size_t n = sig_msg(s->store_id, e.seq, h, msg);
			if (siglen != SL_ED25519_SIG_LEN ||
			    sl_verify(u->key, msg, n,
			              sqlite3_column_blob(st, 7)) != SL_OK) {
				rc =
				    bad(r, e.seq,
				        "the signature of '%s' does not verify",
				        e.actor);
				break;
			}
			r->signatures++;
			run_start = 0;
		} else if (!run_start) {
			run_start = e.seq;
			snprintf(run_actor, sizeof run_actor, "%s", e.actor);
		}
		if (e.seq != 1 && (rc = replay(&users, &e))) {
			r->bad_seq = e.seq;
			break;
		}
		if (e.seq == a_seq) {
			if (memcmp(h, a_hash, SL_SHA256_LEN) != 0) {
				rc = bad(r, e.seq,
				         "differs from the anchor: the log was "
				         "rewritten "
				         "after the anchor was noted");
				break;
			}
			anchor_ok = 1;
		}
		memcpy(prev, h, SL_SHA256_LEN);
		r->entries++;
		r->head_seq = e.seq;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sl_sqlite_err(s->db, step, _("reading the audit log"));
	sqlite3_finalize(st);
	if (!rc && r->entries == 0)
		rc = bad(r, 1, "the log is empty");
	if (!rc && run_start)
		rc = bad(
		    r, run_start,
		    "not covered by any signature (the log was cut after it)");
	if (!rc && anchor && !anchor_ok) {
		char as[96];
		sl_audit_format_anchor(a_seq, a_hash, as);
		rc = sl_error(
		    SL_EINTEGRITY,
		    _("the log ends at entry %" PRId64 " but the anchor %s "
		      "was noted later: the store was rolled back to an "
		      "older copy"),
		    r->head_seq, as);
	}
	if (!rc)
		rc = check_users_table(s, &users);
	if (threaded)
		pthread_join(scanner, NULL);
	/* A damaged file explains everything else: report it first. */
	if (ps.rc) {
		r->bad_seq = 0;
		rc =
		    sl_error(ps.rc,
		             _("the store file is damaged or has been tampered "
		               "with: %s"),
		             ps.msg);
	}
	memcpy(r->head_hash, prev, SL_SHA256_LEN);
	um_free(&users);
	return rc;
}
