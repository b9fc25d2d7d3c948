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
#include "rules.h"
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
	/* full mode: the entries every share applies (those that are not one
	 * case's), kept when there is more than one share; and how many
	 * entries are one case's */
	int collect;
	int64_t *shared;
	size_t n_shared, cap_shared;
	int64_t case_entries;
	/* the signatures are not checked again (sl_verify_case): the open
	 * walk checked those after the user's checkpoint, earlier opens the
	 * rest, and the chain ties every entry to them */
	int chain_only;
	/* results */
	int64_t entries, signatures, head_seq, bad_seq;
} walk;

static int push_seq(int64_t **v, size_t *n, size_t *cap, int64_t seq)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 256;
		int64_t *nv = realloc(*v, nc * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = seq;
	return 0;
}

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

/* The entry of a row whose first columns are seq, ts, actor, action,
 * object, details and hash, whole: every text there, without bytes after
 * an embedded NUL. */
static sl_rc row_entry(walk *w, sqlite3_stmt *st, sl_audit_entry *e)
{
	*e = sl_audit_row_entry(st);
	if (!e->actor || !e->action || !e->object || !e->details || !e->hash)
		return bad(w, e->seq, "%s", _("malformed"));
	/* The hash covers each text up to its NUL, as every reader sees it;
	 * bytes hidden after an embedded NUL would be covered by nothing
	 * (found by fuzz_audit). */
	for (int c = 2; c <= 5; c++)
		if ((size_t)sqlite3_column_bytes(st, c) !=
		    strlen((const char *)sqlite3_column_text(st, c)))
			return bad(w, e->seq, "%s",
			           _("holds bytes after an embedded NUL"));
	return SL_OK;
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
		sl_audit_entry e;
		int64_t seq = sqlite3_column_int64(st, 0);
		int has_sig = sqlite3_column_type(st, 7) != SQLITE_NULL;
		if (seq != expect) {
			rc = bad(w, expect, "%s",
			         seq > expect ? _("missing (deleted)")
			                      : _("out of order"));
			break;
		}
		expect++;
		if ((rc = row_entry(w, st, &e)))
			break;
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
		if (sl_replay_per_case(e.action))
			w->case_entries++;
		else if (w->collect && push_seq(&w->shared, &w->n_shared,
		                                &w->cap_shared, e.seq)) {
			rc = sl_error(SL_ESYS, _("out of memory"));
			break;
		}
		if (has_sig && w->chain_only) {
			run_start = 0;
		} else if (has_sig) {
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
		snprintf(ps->msg, sizeof ps->msg, "%s",
		         _("its pages do not read back as they were written"));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

/*
 * The replay holds about 330 bytes per case. So that audit verify's memory
 * does not grow with the store, the cases are replayed a share at a time:
 * the next rows of the cases table in rowid order. The first share comes
 * with the walk over the whole log (chain, signatures, every entry); each
 * further share reads only its own cases' entries, found by the index on
 * (object, seq), and the entries every share applies. So each entry is
 * read about twice and each case table once, whatever the number of
 * shares. The table only decides how the cases are shared out; that the
 * shares applied every case entry of the log once is checked at the end.
 */
#define SL_VERIFY_SHARE_CASES 32768
static int64_t share_cases = SL_VERIFY_SHARE_CASES;

void sl_verify_share_override(int64_t cases)
{
	share_cases = cases > 0 ? cases : SL_VERIFY_SHARE_CASES;
}

/* The cases table in rowid order, read a share at a time, with the first
 * row of the next share read ahead. */
typedef struct {
	sqlite3_stmt *st;
	int s;
	char **ids;
	size_t n, cap;
	int64_t first, last;
} shares;

static void share_clear(shares *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->ids[i]);
	h->n = 0;
}

static sl_rc share_next(sqlite3 *db, shares *h, int first)
{
	share_clear(h);
	h->first = first || h->s != SQLITE_ROW ? INT64_MIN
	                                       : sqlite3_column_int64(h->st, 0);
	for (int64_t rows = 0; h->s == SQLITE_ROW && rows < share_cases;
	     rows++, h->s = sqlite3_step(h->st)) {
		const char *id = (const char *)sqlite3_column_text(h->st, 1);
		if (!id)
			continue; /* the comparison names it */
		if (h->n == h->cap) {
			size_t nc = h->cap ? 2 * h->cap : 1024;
			char **nv = realloc(h->ids, nc * sizeof *nv);
			if (!nv)
				return sl_error(SL_ESYS, _("out of memory"));
			h->ids = nv;
			h->cap = nc;
		}
		if (!(h->ids[h->n] = strdup(id)))
			return sl_error(SL_ESYS, _("out of memory"));
		h->n++;
	}
	if (h->s == SQLITE_ROW)
		h->last = sqlite3_column_int64(h->st, 0) - 1;
	else if (h->s == SQLITE_DONE)
		h->last = INT64_MAX;
	else
		return sl_sqlite_err(db, h->s, _("reading cases"));
	return SL_OK;
}

static int seq_order(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* A share after the first: its cases' entries and the shared ones, in log
 * order, each given the entry before it (a transaction's start, a
 * sign-off's head). The chain and the signatures were checked by the first
 * share's walk, over this same snapshot. */
static sl_rc replay_share(walk *w, sl_replay *rp, const shares *h)
{
	sqlite3_stmt *ix = NULL, *get = NULL, *one = NULL;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	sl_rc rc = SL_OK;
	int s = SQLITE_DONE;
	/* the entry before: the last one applied, when it is (most are: an
	 * import or a review run writes its cases' entries one after
	 * another), or read with it */
	int64_t last = -1;
	int last_signed = 0;
	uint8_t last_hash[SL_SHA256_LEN];
	if (sqlite3_prepare_v2(w->db, "SELECT seq FROM audit WHERE object = ?1",
	                       -1, &ix, 0) ||
	    sqlite3_prepare_v2(
	        w->db,
	        "SELECT a.seq, a.ts, a.actor, a.action, a.object, a.details,"
	        " a.hash, a.sig IS NOT NULL, p.hash, p.sig IS NOT NULL"
	        " FROM audit a LEFT JOIN audit p ON p.seq = a.seq - 1"
	        " WHERE a.seq = ?1",
	        -1, &get, 0) ||
	    sqlite3_prepare_v2(
	        w->db,
	        "SELECT seq, ts, actor, action, object, details,"
	        " hash, sig IS NOT NULL FROM audit WHERE seq = ?1",
	        -1, &one, 0)) {
		rc = sl_sqlite_err(w->db, sqlite3_errcode(w->db),
		                   _("reading the audit log"));
		goto out;
	}
	for (size_t c = 0; !rc && c < h->n; c++) {
		sqlite3_reset(ix);
		sqlite3_bind_text(ix, 1, h->ids[c], -1, SQLITE_STATIC);
		while ((s = sqlite3_step(ix)) == SQLITE_ROW) {
			int64_t seq = sqlite3_column_int64(ix, 0);
			if (seq <= w->head_seq && push_seq(&v, &n, &cap, seq)) {
				rc = sl_error(SL_ESYS, _("out of memory"));
				goto out;
			}
		}
		if (s != SQLITE_DONE)
			rc =
			    sl_sqlite_err(w->db, s, _("reading the audit log"));
	}
	if (n) /* qsort takes no NULL, even for nothing */
		qsort(v, n, sizeof *v, seq_order);
	size_t i = 0, j = 0;
	while (!rc && (i < n || j < w->n_shared)) {
		int64_t seq = i < n ? v[i] : INT64_MAX;
		if (j < w->n_shared && w->shared[j] < seq)
			seq = w->shared[j];
		while (i < n && v[i] == seq)
			i++;
		while (j < w->n_shared && w->shared[j] == seq)
			j++;
		int follows = last == seq - 1;
		sqlite3_stmt *st = follows ? one : get;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, seq);
		if ((s = sqlite3_step(st)) != SQLITE_ROW) {
			rc =
			    sl_sqlite_err(w->db, s, _("reading the audit log"));
			break;
		}
		sl_audit_entry e;
		if ((rc = row_entry(w, st, &e)))
			break; /* not so: the walk read these very bytes */
		/* a transaction starts after a signed entry (or none) */
		int first = follows
		                ? last_signed
		                : sqlite3_column_type(st, 9) == SQLITE_NULL ||
		                      sqlite3_column_int(st, 9);
		if (follows)
			sl_replay_set_prev(rp, seq - 1, last_hash);
		else if (sqlite3_column_bytes(st, 8) == SL_SHA256_LEN)
			sl_replay_set_prev(rp, seq - 1,
			                   sqlite3_column_blob(st, 8));
		last = seq;
		last_signed = sqlite3_column_int(st, 7);
		memcpy(last_hash, e.hash, SL_SHA256_LEN);
		if ((rc = sl_replay_apply(rp, &e, first)))
			w->bad_seq = seq;
	}
out:
	free(v);
	sqlite3_finalize(ix);
	sqlite3_finalize(get);
	sqlite3_finalize(one);
	return rc;
}

/* The rules document in the store and its digest, for the replay to hold
 * entries to; NULL if there is none or it does not parse (the registry's
 * comparison then says what is wrong with the table). */
static sl_rules *rules_in_force(sqlite3 *db, uint8_t sha[SL_SHA256_LEN])
{
	sqlite3_stmt *st;
	sl_rules *r = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT body FROM rules WHERE name = 'default'",
	                       -1, &st, 0))
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *b = (const char *)sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		sl_sha256(b ? b : "", n, sha);
		if (sl_rules_parse(b ? b : "", n, &r))
			r = NULL;
	}
	sqlite3_finalize(st);
	return r;
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
	int own = 0;
	shares h = {0};
	int64_t case_entries = 0;
	if (!w.sha)
		rc = sl_error(SL_ESYS, _("out of memory"));
	else if (!(rc = snapshot_begin(db, &own)) &&
	         sqlite3_prepare_v2(db,
	                            "SELECT id, case_id FROM cases"
	                            " ORDER BY id",
	                            -1, &h.st, 0))
		rc = sl_sqlite_err(db, sqlite3_errcode(db), _("reading cases"));
	if (!rc)
		h.s = sqlite3_step(h.st);
	sl_rules *rules = NULL;
	uint8_t rules_sha[SL_SHA256_LEN];
	if (!rc)
		rules = rules_in_force(db, rules_sha);
	for (int first = 1; !rc; first = 0) {
		if ((rc = share_next(db, &h, first)))
			break;
		sl_replay_free(w.rp);
		w.rp = sl_replay_new(store_id, SL_REPLAY_FULL, NULL, 0, NULL);
		if (!w.rp) {
			rc = sl_error(SL_ESYS, _("out of memory"));
			break;
		}
		sl_replay_set_rules(w.rp, rules, rules_sha);
		if ((rc = sl_replay_set_share(w.rp, (const char *const *)h.ids,
		                              h.n, h.first, h.last)))
			break;
		if (first) {
			w.collect = h.s == SQLITE_ROW;
			rc = walk_log(&w);
		} else {
			rc = replay_share(&w, w.rp, &h);
		}
		if (!rc && first && anchor && !w.anchor_ok) {
			char as[96];
			sl_audit_format_anchor(w.a_seq, w.a_hash, as);
			rc = sl_error(SL_EINTEGRITY,
			              _("the log ends at entry %" PRId64
			                " but the anchor %s was noted later: "
			                "the store was rolled back to an older "
			                "copy"),
			              w.head_seq, as);
		}
		if (!rc && first)
			rc = sl_registry_compare(sl_replay_registry(w.rp), db);
		if (!rc)
			rc = sl_replay_compare(w.rp, db);
		case_entries += sl_replay_case_entries(w.rp);
		if (h.s != SQLITE_ROW)
			break;
	}
	if (!rc && case_entries != w.case_entries)
		rc = sl_replay_unshared(db, &w.bad_seq);
	sqlite3_finalize(h.st);
	share_clear(&h);
	free(h.ids);
	snapshot_end(db, own);
	sl_rules_free(rules);
	free(w.shared);
	if (threaded)
		pthread_join(scanner, NULL);
	/* A damaged file explains everything else: report it first. */
	if (ps.rc) {
		/* said damaged only when it is: a file the system could not
		 * read (too many open files, EIO) is a system error */
		w.bad_seq = 0;
		rc = ps.rc == SL_EINTEGRITY
		         ? sl_error(ps.rc,
		                    _("the store file is damaged or has been "
		                      "tampered with: %s"),
		                    ps.msg)
		         : sl_error(ps.rc, "%s", ps.msg);
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

sl_rc sl_verify_case(sqlite3 *db, const uint8_t store_id[16], int64_t ref,
                     const char *case_id)
{
	walk w = {0};
	w.db = db;
	w.store_id = store_id;
	w.chain_only = 1;
	w.sha = sl_hasher_new();
	uint8_t rules_sha[SL_SHA256_LEN];
	sl_rules *rules = w.sha ? rules_in_force(db, rules_sha) : NULL;
	w.rp = w.sha ? sl_replay_new(store_id, SL_REPLAY_FULL, NULL, 0, NULL)
	             : NULL;
	sl_rc rc = w.rp ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
	const char *ids[1] = {case_id};
	if (!rc) {
		sl_replay_set_rules(w.rp, rules, rules_sha);
		rc = sl_replay_set_share(w.rp, ids, 1, ref, ref);
	}
	if (!rc)
		rc = walk_log(&w);
	if (!rc)
		rc = sl_replay_compare(w.rp, db);
	sl_replay_free(w.rp);
	sl_rules_free(rules);
	sl_hasher_free(w.sha);
	free(w.shared);
	return rc;
}
