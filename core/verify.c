/* verify.c - checking the log, whole or from a checkpoint. See verify.h. */
#include "verify.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "replay.h"
#include "store.h"
#include "store_priv.h"
#include "vfs.h"

/* ---- the walk --------------------------------------------------------- */

typedef struct {
	sqlite3 *db;
	const uint8_t *store_id;
	sl_hasher *sha;
	sl_replay *rp;
	int64_t from; /* entries after this one are walked */
	uint8_t prev[SL_SHA256_LEN];
	/* anchor */
	int64_t a_seq;
	uint8_t a_hash[SL_SHA256_LEN];
	int anchor_ok;
	/* results */
	int64_t entries, signatures, head_seq, bad_seq;
} walk;

__attribute__((format(printf, 3, 4))) static sl_rc bad(walk *w, int64_t seq,
                                                       const char *fmt, ...)
{
	w->bad_seq = seq;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return sl_error(SL_EINTEGRITY, _("audit entry %" PRId64 ": %s"), seq,
	                msg);
}

static sl_rc walk_log(walk *w)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        w->db,
	        "SELECT seq, ts, actor, action, object, details, hash, sig"
	        " FROM audit WHERE seq > ? ORDER BY seq",
	        -1, &st, 0))
		return sl_sqlite_err(w->db, sqlite3_errcode(w->db),
		                     _("reading the audit log"));
	sqlite3_bind_int64(st, 1, w->from);
	char run_actor[SL_ID_MAX + 1] = "";
	int64_t run_start = 0, expect = w->from + 1;
	uint8_t h[SL_SHA256_LEN], msg[128];
	int step, first = 1;
	sl_rc rc = SL_OK;
	w->head_seq = w->from;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		sl_audit_entry e = {sqlite3_column_int64(st, 0),
		                    sqlite3_column_int64(st, 1),
		                    (const char *)sqlite3_column_text(st, 2),
		                    (const char *)sqlite3_column_text(st, 3),
		                    (const char *)sqlite3_column_text(st, 4),
		                    (const char *)sqlite3_column_text(st, 5),
		                    sqlite3_column_bytes(st, 6) == SL_SHA256_LEN
		                        ? sqlite3_column_blob(st, 6)
		                        : NULL,
		                    0};
		int has_sig = sqlite3_column_type(st, 7) != SQLITE_NULL;
		if (e.seq != expect) {
			rc = bad(w, expect, "%s",
			         e.seq > expect ? _("missing (deleted)")
			                        : _("out of order"));
			break;
		}
		expect++;
		if (!e.actor || !e.action || !e.object || !e.details ||
		    !e.hash) {
			rc = bad(w, e.seq, "%s", _("malformed"));
			break;
		}
		/* The hash covers each text up to its NUL, as every reader
		 * sees it; bytes hidden after an embedded NUL would be
		 * covered by nothing (found by fuzz_audit). */
		int hidden = 0;
		for (int c = 2; c <= 5; c++)
			hidden |=
			    (size_t)sqlite3_column_bytes(st, c) !=
			    strlen((const char *)sqlite3_column_text(st, c));
		if (hidden) {
			rc = bad(w, e.seq, "%s",
			         _("holds bytes after an embedded NUL"));
			break;
		}
		sl_audit_hash(w->sha, w->store_id, w->prev, &e, h);
		if (memcmp(h, e.hash, SL_SHA256_LEN) != 0) {
			rc = bad(
			    w, e.seq, "%s",
			    _("does not match its hash: modified, reordered "
			      "or inserted"));
			break;
		}
		if (run_start && strcmp(run_actor, e.actor) != 0) {
			rc = bad(w, run_start,
			         _("not covered by a signature of '%s' (the "
			           "entries after it are by '%s')"),
			         run_actor, e.actor);
			break;
		}
		if ((rc = sl_replay_apply(w->rp, &e, first))) {
			w->bad_seq = e.seq;
			break;
		}
		if (has_sig) {
			sl_signkey *k = sl_replay_signer(w->rp, e.actor);
			size_t n = sl_audit_sig_msg(w->store_id, e.seq, h, msg);
			if (!k ||
			    sqlite3_column_bytes(st, 7) != SL_ED25519_SIG_LEN ||
			    sl_verify(k, msg, n, sqlite3_column_blob(st, 7)) !=
			        SL_OK) {
				rc = bad(
				    w, e.seq,
				    _("the signature of '%s' does not verify"),
				    e.actor);
				break;
			}
			w->signatures++;
			run_start = 0;
		} else if (!run_start) {
			run_start = e.seq;
			snprintf(run_actor, sizeof run_actor, "%s", e.actor);
		}
		first = has_sig;
		if (e.seq == w->a_seq) {
			if (memcmp(h, w->a_hash, SL_SHA256_LEN) != 0) {
				rc = bad(
				    w, e.seq, "%s",
				    _("differs from the anchor: the log was "
				      "rewritten after the anchor was noted"));
				break;
			}
			w->anchor_ok = 1;
		}
		memcpy(w->prev, h, SL_SHA256_LEN);
		w->entries++;
		w->head_seq = e.seq;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sl_sqlite_err(w->db, step, _("reading the audit log"));
	sqlite3_finalize(st);
	if (!rc && w->head_seq == 0)
		rc = bad(w, 1, "%s", _("the log is empty"));
	if (!rc && run_start)
		rc = bad(w, run_start, "%s",
		         _("not covered by any signature (the log was cut "
		           "after it)"));
	return rc;
}

/* The entry a checkpoint names must still be there, unchanged. */
static sl_rc check_base(sqlite3 *db, int64_t seq, const uint8_t hash[32])
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT hash FROM audit WHERE seq = ?", -1,
	                       &st, 0))
		return sl_sqlite_err(db, sqlite3_errcode(db),
		                     _("reading the audit log"));
	sqlite3_bind_int64(st, 1, seq);
	int step = sqlite3_step(st);
	sl_rc rc = SL_OK;
	if (step == SQLITE_DONE)
		rc = sl_error(SL_EINTEGRITY,
		              _("the audit log ends before entry %" PRId64
		                ", which you verified before: the store was "
		                "rolled back or the log cut"),
		              seq);
	else if (step != SQLITE_ROW)
		rc = sl_sqlite_err(db, step, _("reading the audit log"));
	else if (sqlite3_column_bytes(st, 0) != SL_SHA256_LEN ||
	         memcmp(sqlite3_column_blob(st, 0), hash, SL_SHA256_LEN))
		rc = sl_error(SL_EINTEGRITY,
		              _("audit entry %" PRId64 " is not the one you "
		                "verified before: the log was rewritten"),
		              seq);
	sqlite3_finalize(st);
	return rc;
}

/* The log and the tables it is compared with must be read from one
 * snapshot: between two autocommit reads another command's commit (a zone
 * added beside an import) would make the tables look ahead of the log,
 * "changed outside shenli". Inside a caller's transaction that transaction
 * is already the snapshot (*own 0). */
static sl_rc snapshot_begin(sqlite3 *db, int *own)
{
	*own = sqlite3_get_autocommit(db);
	if (*own && sqlite3_exec(db, "BEGIN", 0, 0, 0) != SQLITE_OK) {
		*own = 0;
		return sl_sqlite_err(db, sqlite3_errcode(db),
		                     _("reading the audit log"));
	}
	return SL_OK;
}

static void snapshot_end(sqlite3 *db, int own)
{
	if (own && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "COMMIT", 0, 0, 0);
}

sl_rc sl_verify_open(sqlite3 *db, const uint8_t store_id[16], sl_verified *v,
                     int64_t *entries)
{
	sl_rc rc;
	if (v->seq > 0 && (rc = check_base(db, v->seq, v->hash))) {
		/* the checkpoint's registry is the caller's only when the walk
		 * succeeds: a base that is gone (a rollback) frees it too */
		sl_registry_free(v->reg);
		v->reg = NULL;
		return rc;
	}
	walk w = {0};
	w.db = db;
	w.store_id = store_id;
	w.from = v->reg ? v->seq : 0;
	if (v->reg)
		memcpy(w.prev, v->hash, SL_SHA256_LEN);
	w.sha = sl_hasher_new();
	w.rp = sl_replay_new(store_id, SL_REPLAY_OPEN, v->reg, w.from, w.prev);
	v->reg = NULL; /* the replay has it now */
	if (!w.sha || !w.rp) {
		sl_hasher_free(w.sha);
		sl_replay_free(w.rp);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	int own;
	rc = snapshot_begin(db, &own);
	if (!rc)
		rc = walk_log(&w);
	if (!rc)
		rc = sl_registry_compare(sl_replay_registry(w.rp), db);
	snapshot_end(db, own);
	if (!rc) {
		v->seq = w.head_seq;
		memcpy(v->hash, w.prev, SL_SHA256_LEN);
		v->reg = sl_replay_take_registry(w.rp);
	}
	if (entries)
		*entries = w.entries;
	sl_replay_free(w.rp);
	sl_hasher_free(w.sha);
	return rc;
}

/* ---- the full check --------------------------------------------------- */

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

sl_rc sl_verify_full(sqlite3 *db, const char *path,
                     const uint8_t data_key[SL_KEY_LEN],
                     const uint8_t store_id[16], const char *anchor,
                     sl_audit_report *r, sl_verified *head)
{
	memset(r, 0, sizeof *r);
	walk w = {0};
	sl_rc rc;
	if (anchor && (rc = sl_audit_parse_anchor(anchor, &w.a_seq, w.a_hash)))
		return rc;
	struct page_scan ps = {path, data_key, SL_OK, ""};
	pthread_t scanner;
	int threaded = pthread_create(&scanner, NULL, scan_pages, &ps) == 0;
	if (!threaded)
		scan_pages(&ps);

	w.db = db;
	w.store_id = store_id;
	w.sha = sl_hasher_new();
	w.rp = sl_replay_new(store_id, SL_REPLAY_FULL, NULL, 0, NULL);
	int own = 0;
	if (!w.sha || !w.rp)
		rc = sl_error(SL_ESYS, _("out of memory"));
	else if (!(rc = snapshot_begin(db, &own)))
		rc = walk_log(&w);
	if (!rc && anchor && !w.anchor_ok) {
		char as[96];
		sl_audit_format_anchor(w.a_seq, w.a_hash, as);
		rc = sl_error(
		    SL_EINTEGRITY,
		    _("the log ends at entry %" PRId64 " but the anchor %s "
		      "was noted later: the store was rolled back to an "
		      "older copy"),
		    w.head_seq, as);
	}
	if (!rc)
		rc = sl_replay_compare(w.rp, db);
	snapshot_end(db, own);
	if (threaded)
		pthread_join(scanner, NULL);
	/* A damaged file explains everything else: report it first. */
	if (ps.rc) {
		w.bad_seq = 0;
		rc =
		    sl_error(ps.rc,
		             _("the store file is damaged or has been tampered "
		               "with: %s"),
		             ps.msg);
	}
	r->entries = w.entries;
	r->signatures = w.signatures;
	r->head_seq = w.head_seq;
	r->bad_seq = w.bad_seq;
	memcpy(r->head_hash, w.prev, SL_SHA256_LEN);
	if (!rc && head) {
		head->seq = w.head_seq;
		memcpy(head->hash, w.prev, SL_SHA256_LEN);
		head->reg = sl_replay_take_registry(w.rp);
	}
	sl_replay_free(w.rp);
	sl_hasher_free(w.sha);
	return rc;
}
