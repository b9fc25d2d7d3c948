/* audit.c - hash chain, signatures, verification. See audit.h. */
#include "audit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osacct.h"
#include "store_priv.h"
#include "text.h"

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

size_t sl_audit_sig_msg(const uint8_t store_id[16], int64_t seq,
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

int64_t sl_audit_next_seq(const sl_store *s)
{
	return s->head_seq + 1;
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
	s->tx_cases_only = 1;
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

/*
 * The OS account every entry of this store handle records (osacct.h), its
 * name asked once. It goes in each entry's details rather than in a
 * column or in the transaction's signature: the chain's encoding, the
 * table, the signature, replay and the fuzzers' corpora stay as they are;
 * details are already hashed and signed; replay reads only the keys each
 * action needs, so an entry of an older store (no "os") verifies as
 * before. Per entry, not per transaction: every entry then says who made
 * it on its own, as actor does.
 */
static sl_rc os_ready(sl_store *s)
{
	if (s->os_json)
		return SL_OK;
	sl_os_account a;
	sl_osacct_resolve(s->os_uid, &a);
	json_t *o = sl_osacct_json(&a);
	json_t *d = o ? json_pack("{s:O}", "os", o) : NULL;
	char *only = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(d);
	if (!only) {
		json_decref(o);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	s->os_json = o;
	s->os_only = only;
	return SL_OK;
}

/* details as the entry holds them: the caller's, with the store's own
 * "os" (whatever the caller put under that key), compact, keys sorted. */
static char *entry_details(sl_store *s, json_t *details)
{
	if (!details)
		return strdup(s->os_only);
	json_t *theirs = json_incref(json_object_get(details, "os"));
	char *t = json_object_set(details, "os", s->os_json)
	              ? NULL
	              : json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
	/* the caller's object left as it was given */
	if (theirs)
		json_object_set_new(details, "os", theirs);
	else
		json_object_del(details, "os");
	return t;
}

sl_rc sl_audit(sl_store *s, const char *action, const char *object,
               json_t *details)
{
	if (!s->in_tx)
		return sl_error(SL_ESYS,
		                _("internal: audit outside a transaction"));
	sl_rc rc = os_ready(s);
	if (rc)
		return rc;
	if (s->pending.has && (rc = insert_pending(s, NULL)))
		return rc;
	sl_pending *p = &s->pending;
	p->action = strdup(action);
	p->object = strdup(object ? object : "");
	p->details = entry_details(s, details);
	if (!p->action || !p->object || !p->details) {
		pending_free(p);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	if (strncmp(action, "case.", 5) && strncmp(action, "review.", 7))
		s->tx_cases_only = 0;
	p->seq = s->head_seq + 1;
	p->ts = s->tx_ms;
	sl_audit_entry e = {p->seq,    p->ts,     s->actor.id,
	                    p->action, p->object, p->details,
	                    NULL,      0,         NULL};
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
	size_t n =
	    sl_audit_sig_msg(s->store_id, s->pending.seq, s->pending.hash, msg);
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
	/* digits only: strtoll would also take blanks and a sign before them */
	if (errno || end != colon || v < 1 || str[0] < '0' || str[0] > '9')
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

sl_audit_entry sl_audit_row_entry(sqlite3_stmt *st)
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
	    NULL,
	};
}

sl_rc sl_audit_each(sl_store *s, int64_t since,
                    int (*cb)(const sl_audit_entry *e, void *ud), void *ud)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT seq, ts, actor, action, object, details, "
	        "hash, sig FROM audit WHERE seq > ? "
	        "ORDER BY seq",
	        -1, &st, 0))
		return sl_db_err(s, _("reading the audit log"));
	sqlite3_bind_int64(st, 1, since);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sl_audit_entry e = sl_audit_row_entry(st);
		e.is_signed = sqlite3_column_type(st, 7) != SQLITE_NULL;
		if (sqlite3_column_bytes(st, 7) == SL_ED25519_SIG_LEN)
			e.sig = sqlite3_column_blob(st, 7);
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
