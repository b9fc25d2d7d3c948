/*
 * bench_audit.c - cost of the audit log against the physical baseline,
 * measured in the same run. Prints figures; never asserts on time.
 *
 *   bench_audit [--changes N] [--entries N] [--sig-entries N] [--per-tx N]
 *               [--quick] [--dir DIR]
 *
 * A. Audited changes (sl_tx_begin; one state row; sl_audit; sl_tx_commit)
 *    against a raw SQLCipher store (sl_store_open_raw: same key size, same
 *    cipher_page_size, WAL, synchronous=FULL, auto_vacuum=FULL) writing the
 *    same state row and an audit-shaped row of the same bytes, with the same
 *    transaction boundaries, without hashing or signing. Two modes: one
 *    change per transaction, and 1000 changes per transaction.
 * B. sl_audit_verify over a log built through the API in transactions of
 *    1000 entries (one signature per 1000 entries), against a raw scan of
 *    the audit table on the same connection, PRAGMA integrity_check alone,
 *    and SHA-256 over the same bytes. Then the same on a smaller log with
 *    one signature per entry.
 *
 * Defaults: --changes 100000 --entries 1000000 --sig-entries 20000;
 * --quick: 2000 / 20000 / 2000. The one-change-per-transaction mode runs
 * min(--changes, 10000) changes unless --per-tx N says otherwise: each
 * commit is an fsync of the WAL (synchronous=FULL): 0.3-3.5 ms each on the
 * shared VM disk it was written on. DIR (default $TMPDIR or /tmp) holds a
 * mkdtemp directory that is removed at the end.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "crypto.h"
#include "store_test.h"

#define PASS "bench-passphrase"
#define ADMIN "bench"
#define ACTION "bench.change"
#define BATCH 1000
#define SHA_CHUNK 10000

/* The audit table exactly as schema.c creates it. */
static const char AUDIT_DDL[] = "CREATE TABLE audit("
                                "  seq INTEGER PRIMARY KEY,"
                                "  ts INTEGER NOT NULL,"
                                "  actor TEXT NOT NULL,"
                                "  action TEXT NOT NULL,"
                                "  object TEXT NOT NULL,"
                                "  details TEXT NOT NULL,"
                                "  hash BLOB NOT NULL,"
                                "  sig BLOB"
                                ");";
static const char BENCH_DDL[] =
    "CREATE TABLE bench(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, "
    "body TEXT NOT NULL);";

static char g_dir[512];
static volatile uint64_t g_sink;

/* ---- plumbing ---------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d)
			return -1;
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			char sub[1024];
			snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
			rm_rf(sub);
		}
		closedir(d);
		return rmdir(path);
	}
	return unlink(path);
}

static void cleanup(void)
{
	if (g_dir[0]) {
		rm_rf(g_dir);
		g_dir[0] = 0;
	}
}

__attribute__((noreturn)) static void fail(const char *what, const char *why)
{
	fprintf(stderr, "bench_audit: %s: %s\n", what, why ? why : "");
	fflush(stdout);
	cleanup();
	exit(1);
}

static void check_sl(sl_rc rc, const char *what)
{
	if (rc != SL_OK)
		fail(what, sl_errmsg());
}

static void check_db(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		fail(what, sqlite3_errmsg(db));
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, 0, 0, &err) != SQLITE_OK)
		fail(sql, err);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	check_db(db, sqlite3_prepare_v2(db, sql, -1, &st, 0), sql);
	return st;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = prep(db, sql);
	int rc = sqlite3_step(st);
	check_db(db, rc, sql);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss; /* KiB on Linux */
}

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

static int64_t db_bytes(const char *path)
{
	char p[600];
	int64_t n = file_size(path);
	snprintf(p, sizeof p, "%s-wal", path);
	return n + file_size(p);
}

static const char *fs_name(const char *dir)
{
	struct statfs sf;
	if (statfs(dir, &sf) != 0)
		return "?";
	switch ((unsigned long)sf.f_type) {
	case 0xEF53UL: return "ext2/3/4";
	case 0x01021994UL: return "tmpfs (fsync is free: not a disk figure!)";
	case 0x58465342UL: return "xfs";
	case 0x9123683EUL: return "btrfs";
	case 0x794C7630UL: return "overlayfs";
	default: return "other";
	}
}

static void stage(const char *name)
{
	printf("\n%s\n", name);
	fflush(stdout);
}

/* ---- the data ---------------------------------------------------------- */

/* ~200 bytes of state, Chinese and ASCII. */
static int make_body(char *buf, size_t cap, int64_t i)
{
	return snprintf(buf, cap,
	                "案件%06" PRId64
	                "：现场勘查记录已更新，证据编号E-%06" PRId64
	                "，封存完好。Case %06" PRId64 " field notes: evidence "
	                "logged, chain of custody intact, seal verified by the "
	                "duty officer. 备注：无异常。",
	                i, i, i);
}

static void make_object(char *buf, size_t cap, int64_t i)
{
	snprintf(buf, cap, "case/%06" PRId64, i);
}

/* What a caller hands sl_audit... */
static json_t *make_details(int64_t i)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:s}", "field", "status", "from",
	                 "open", "i", (json_int_t)i, "kind", "状态变更", "to",
	                 "审查中");
}

/* ...and the bytes sl_audit stores for it (JSON_COMPACT|JSON_SORT_KEYS). */
static int make_details_str(char *buf, size_t cap, int64_t i)
{
	return snprintf(buf, cap,
	                "{\"field\":\"status\",\"from\":\"open\",\"i\":%" PRId64
	                ",\"kind\":\"状态变更\",\"to\":\"审查中\"}",
	                i);
}

/* ---- stores ------------------------------------------------------------ */

static sl_store *new_store(const char *name, char *path, size_t cap)
{
	sl_store *s = NULL;
	snprintf(path, cap, "%s/%s.db", g_dir, name);
	check_sl(sl_store_create(path, ADMIN, PASS, strlen(PASS), &s),
	         "sl_store_create");
	exec(sl_store_db(s), BENCH_DDL);
	return s;
}

/* A raw SQLCipher db, new file, random 32-byte key, open_raw's pragmas,
 * auto_vacuum=FULL like a store. */
static sqlite3 *new_raw(const char *name, char *path, size_t cap, int *av_how)
{
	uint8_t key[SL_KEY_LEN];
	sqlite3 *db = NULL;
	snprintf(path, cap, "%s/%s.db", g_dir, name);
	check_sl(sl_random_key(key, sizeof key), "sl_random_key");
	/* open_raw opens READWRITE without CREATE: make the (empty, valid)
	 * file first. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		fail(path, strerror(errno));
	close(fd);
	check_sl(sl_store_open_raw(path, key, &db), "sl_store_open_raw");
	sl_wipe(key, sizeof key);
	exec(db, "PRAGMA auto_vacuum = FULL;");
	*av_how = 1;
	if (query_int(db, "PRAGMA auto_vacuum") != 1) {
		/* open_raw switched to WAL first, which wrote page 1;
		 * auto_vacuum then only takes effect through a VACUUM. */
		exec(db, "VACUUM;");
		*av_how = 2;
	}
	if (query_int(db, "PRAGMA auto_vacuum") != 1)
		fail(path, "auto_vacuum=FULL did not take");
	exec(db, BENCH_DDL);
	exec(db, AUDIT_DDL);
	return db;
}

static void print_pragmas(const char *label, sqlite3 *db)
{
	sqlite3_stmt *st = prep(db, "PRAGMA journal_mode");
	sqlite3_step(st);
	char jm[16];
	snprintf(jm, sizeof jm, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	printf("  %-9s journal_mode=%s synchronous=%" PRId64
	       " auto_vacuum=%" PRId64 " page_size=%" PRId64
	       " cache_size=%" PRId64 "\n",
	       label, jm, query_int(db, "PRAGMA synchronous"),
	       query_int(db, "PRAGMA auto_vacuum"),
	       query_int(db, "PRAGMA page_size"),
	       query_int(db, "PRAGMA cache_size"));
}

/* ---- A: appends -------------------------------------------------------- */

/* Changes [from, n) in transactions of per_tx. */
static double run_audited(sl_store *s, int64_t from, int64_t n, int64_t per_tx)
{
	sqlite3 *db = sl_store_db(s);
	sqlite3_stmt *ins = prep(db, "INSERT INTO bench(ts, body) VALUES(?,?)");
	char body[512], obj[64];
	double t0 = now_s();
	for (int64_t i = from; i < n;) {
		check_sl(sl_tx_begin(s), "sl_tx_begin");
		int64_t end = i + per_tx < n ? i + per_tx : n;
		for (; i < end; i++) {
			int blen = make_body(body, sizeof body, i);
			sqlite3_bind_int64(ins, 1, sl_now_ms());
			sqlite3_bind_text(ins, 2, body, blen, SQLITE_STATIC);
			check_db(db, sqlite3_step(ins), "insert state row");
			sqlite3_reset(ins);
			make_object(obj, sizeof obj, i);
			json_t *d = make_details(i);
			check_sl(sl_audit(s, ACTION, obj, d), "sl_audit");
			json_decref(d);
		}
		check_sl(sl_tx_commit(s), "sl_tx_commit");
	}
	double t = now_s() - t0;
	sqlite3_finalize(ins);
	return t;
}

static double run_raw(sqlite3 *db, int64_t from, int64_t n, int64_t per_tx)
{
	sqlite3_stmt *ins = prep(db, "INSERT INTO bench(ts, body) VALUES(?,?)");
	sqlite3_stmt *aud = prep(
	    db, "INSERT INTO audit(seq, ts, actor, action, object, details, "
	        "hash, sig) VALUES(?,?,?,?,?,?,?,?)");
	char body[512], obj[64], det[256];
	uint8_t hash[SL_SHA256_LEN], sig[SL_ED25519_SIG_LEN];
	memset(hash, 0xa5, sizeof hash);
	memset(sig, 0x5a, sizeof sig);
	double t0 = now_s();
	for (int64_t i = from; i < n;) {
		exec(db, "BEGIN IMMEDIATE");
		int64_t end = i + per_tx < n ? i + per_tx : n;
		for (; i < end; i++) {
			int blen = make_body(body, sizeof body, i);
			sqlite3_bind_int64(ins, 1, sl_now_ms());
			sqlite3_bind_text(ins, 2, body, blen, SQLITE_STATIC);
			check_db(db, sqlite3_step(ins), "insert state row");
			sqlite3_reset(ins);
			make_object(obj, sizeof obj, i);
			int dlen = make_details_str(det, sizeof det, i);
			memcpy(hash, &i,
			       sizeof i); /* distinct bytes, no hashing */
			sqlite3_bind_int64(aud, 1, i + 1);
			sqlite3_bind_int64(aud, 2, sl_now_ms());
			sqlite3_bind_text(aud, 3, ADMIN, -1, SQLITE_STATIC);
			sqlite3_bind_text(aud, 4, ACTION, -1, SQLITE_STATIC);
			sqlite3_bind_text(aud, 5, obj, -1, SQLITE_STATIC);
			sqlite3_bind_text(aud, 6, det, dlen, SQLITE_STATIC);
			sqlite3_bind_blob(aud, 7, hash, sizeof hash,
			                  SQLITE_STATIC);
			if (i + 1 == end) /* the last entry of a tx is signed */
				sqlite3_bind_blob(aud, 8, sig, sizeof sig,
				                  SQLITE_STATIC);
			else
				sqlite3_bind_null(aud, 8);
			check_db(db, sqlite3_step(aud), "insert audit row");
			sqlite3_reset(aud);
		}
		exec(db, "COMMIT");
	}
	double t = now_s() - t0;
	sqlite3_finalize(ins);
	sqlite3_finalize(aud);
	return t;
}

/* ---- B: verification --------------------------------------------------- */

/* Build a log of n entries (plus store.init) through the API. */
static double build_log(sl_store *s, int64_t n, int64_t per_tx)
{
	char obj[64];
	double t0 = now_s();
	for (int64_t i = 0; i < n;) {
		check_sl(sl_tx_begin(s), "sl_tx_begin");
		int64_t end = i + per_tx < n ? i + per_tx : n;
		for (; i < end; i++) {
			make_object(obj, sizeof obj, i);
			json_t *d = make_details(i);
			check_sl(sl_audit(s, ACTION, obj, d), "sl_audit");
			json_decref(d);
		}
		check_sl(sl_tx_commit(s), "sl_tx_commit");
	}
	return now_s() - t0;
}

static double time_integrity(sqlite3 *db)
{
	double t0 = now_s();
	sqlite3_stmt *st = prep(db, "PRAGMA integrity_check");
	int rc, ok = 1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (!t || strcmp(t, "ok") != 0)
			ok = 0;
	}
	check_db(db, rc, "integrity_check");
	sqlite3_finalize(st);
	double t = now_s() - t0;
	if (!ok)
		fail("integrity_check", "not ok");
	return t;
}

static double time_scan(sqlite3 *db, int64_t *rows, int64_t *bytes)
{
	double t0 = now_s();
	sqlite3_stmt *st = prep(
	    db, "SELECT seq, ts, actor, action, object, details, hash, sig "
	        "FROM audit ORDER BY seq");
	uint64_t acc = 0;
	int64_t n = 0, b = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		acc += (uint64_t)sqlite3_column_int64(st, 0);
		acc += (uint64_t)sqlite3_column_int64(st, 1);
		for (int c = 2; c <= 5; c++) {
			const unsigned char *t = sqlite3_column_text(st, c);
			int l = sqlite3_column_bytes(st, c);
			acc += t && l ? t[l - 1] : 0;
			b += l;
		}
		for (int c = 6; c <= 7; c++) {
			const unsigned char *p = sqlite3_column_blob(st, c);
			int l = sqlite3_column_bytes(st, c);
			acc += p && l ? p[0] : 0;
			b += l;
		}
		b += 16;
		n++;
	}
	check_db(db, rc, "scan");
	sqlite3_finalize(st);
	double t = now_s() - t0;
	g_sink += acc;
	*rows = n;
	*bytes = b;
	return t;
}

typedef struct {
	double sha_oneshot; /* sl_sha256 over each row's bytes */
	double chain;       /* sl_audit_hash, chained, as verify does */
	int64_t rows, bytes, mismatches;
} sha_result;

/* Rows are read (untimed) SHA_CHUNK at a time into an arena; only hashing
 * is timed. Row record: be64 seq, be64 ts, actor\0 action\0 object\0
 * details\0, hash, sig. */
static void sha_baseline(sqlite3 *db, sl_hasher *h, sha_result *r)
{
	uint8_t store_id[16] = {0};
	sqlite3_stmt *st = prep(db, "SELECT v FROM meta WHERE k = 'store_id'");
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 0) != 16)
		fail("sha baseline", "no store_id");
	memcpy(store_id, sqlite3_column_blob(st, 0), 16);
	sqlite3_finalize(st);

	typedef struct {
		size_t off, len;
		int64_t seq, ts;
		size_t actor, action, object, details, hash;
	} rec;
	rec *recs = calloc(SHA_CHUNK, sizeof *recs);
	size_t cap = (size_t)SHA_CHUNK * 512, used;
	uint8_t *arena = malloc(cap);
	if (!recs || !arena)
		fail("sha baseline", "out of memory");
	uint8_t prev[SL_SHA256_LEN] = {0}, out[SL_SHA256_LEN];
	memset(r, 0, sizeof *r);
	st = prep(db,
	          "SELECT seq, ts, actor, action, object, details, hash, sig "
	          "FROM audit ORDER BY seq");
	int rc = SQLITE_ROW;
	while (rc == SQLITE_ROW) {
		int n = 0;
		used = 0;
		while (n < SHA_CHUNK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			rec *x = &recs[n++];
			size_t need = 16 + 32 + 64 + 4;
			for (int c = 2; c <= 5; c++)
				need += (size_t)sqlite3_column_bytes(st, c);
			if (used + need > cap) {
				cap = 2 * cap + need;
				arena = realloc(arena, cap);
				if (!arena)
					fail("sha baseline", "out of memory");
			}
			x->off = used;
			x->seq = sqlite3_column_int64(st, 0);
			x->ts = sqlite3_column_int64(st, 1);
			for (int k = 0; k < 8; k++) {
				arena[used + k] =
				    (uint8_t)((uint64_t)x->seq >> (56 - 8 * k));
				arena[used + 8 + k] =
				    (uint8_t)((uint64_t)x->ts >> (56 - 8 * k));
			}
			used += 16;
			size_t *pos[4] = {&x->actor, &x->action, &x->object,
			                  &x->details};
			for (int c = 2; c <= 5; c++) {
				int l = sqlite3_column_bytes(st, c);
				*pos[c - 2] = used;
				memcpy(arena + used, sqlite3_column_text(st, c),
				       (size_t)l);
				used += (size_t)l;
				arena[used++] = 0;
			}
			x->hash = used;
			memcpy(arena + used, sqlite3_column_blob(st, 6), 32);
			used += 32;
			int sl = sqlite3_column_bytes(st, 7);
			if (sl) {
				memcpy(arena + used, sqlite3_column_blob(st, 7),
				       (size_t)sl);
				used += (size_t)sl;
			}
			x->len = used - x->off;
		}
		check_db(db, rc, "sha scan");
		double t0 = now_s();
		for (int k = 0; k < n; k++) {
			sl_sha256(arena + recs[k].off, recs[k].len, out);
			g_sink += out[0];
		}
		double t1 = now_s();
		for (int k = 0; k < n; k++) {
			rec *x = &recs[k];
			sl_audit_entry e = {x->seq,
			                    x->ts,
			                    (const char *)arena + x->actor,
			                    (const char *)arena + x->action,
			                    (const char *)arena + x->object,
			                    (const char *)arena + x->details,
			                    NULL,
			                    0,
			                    NULL};
			sl_audit_hash(h, store_id, prev, &e, out);
			if (memcmp(out, arena + x->hash, SL_SHA256_LEN) != 0)
				r->mismatches++;
			memcpy(prev, out, SL_SHA256_LEN);
		}
		double t2 = now_s();
		r->sha_oneshot += t1 - t0;
		r->chain += t2 - t1;
		r->rows += n;
		for (int k = 0; k < n; k++)
			r->bytes += (int64_t)recs[k].len;
	}
	sqlite3_finalize(st);
	free(recs);
	free(arena);
}

typedef struct {
	int64_t n, entries, sigs;
	double build, unlock, verify, integ, scan;
	int64_t scan_rows, scan_bytes, file_bytes;
	sha_result sha;
} verify_result;

/* Build a log of n entries with per_tx entries per transaction, close,
 * unlock, and time verify against its baselines. */
static void run_verify(const char *name, int64_t n, int64_t per_tx,
                       int with_sha, verify_result *v)
{
	char path[600];
	memset(v, 0, sizeof *v);
	v->n = n;
	sl_store *s = new_store(name, path, sizeof path);
	/* a new store already holds its own entries (store.init, rules) */
	int64_t base;
	uint8_t head[SL_SHA256_LEN];
	check_sl(sl_audit_head(s, &base, head), "sl_audit_head");
	v->build = build_log(s, n, per_tx);
	printf("  built %" PRId64 " entries, %" PRId64
	       " per transaction: %.2f s (%.0f entries/s)\n",
	       n, per_tx, v->build, (double)n / v->build);
	fflush(stdout);
	sl_store_close(s); /* last connection: checkpoints, removes the WAL */
	v->file_bytes = db_bytes(path);

	double t0 = now_s();
	check_sl(sl_store_unlock(path, ADMIN, PASS, strlen(PASS), &s),
	         "sl_store_unlock");
	v->unlock = now_s() - t0;
	sqlite3 *db = sl_store_db(s);
	printf("  file %.1f MiB, %" PRId64 " pages; unlock %.2f s (scrypt)\n",
	       (double)v->file_bytes / 1048576.0,
	       query_int(db, "PRAGMA page_count"), v->unlock);
	fflush(stdout);

	/* Warm the OS page cache the same way for everyone (untimed). */
	int64_t rows, bytes;
	time_scan(db, &rows, &bytes);

	/* Two rounds, alternating the order; the best of each is kept. */
	sl_audit_report rep;
	for (int round = 0; round < 2; round++) {
		double tv, ti, ts;
		int64_t sr, sb;
		if (round == 0) {
			t0 = now_s();
			sl_rc rc = sl_store_verify(s, NULL, &rep);
			tv = now_s() - t0;
			check_sl(rc, "sl_audit_verify");
			ti = time_integrity(db);
			ts = time_scan(db, &sr, &sb);
		} else {
			ts = time_scan(db, &sr, &sb);
			ti = time_integrity(db);
			t0 = now_s();
			sl_rc rc = sl_store_verify(s, NULL, &rep);
			tv = now_s() - t0;
			check_sl(rc, "sl_audit_verify");
		}
		if (rep.entries != n + base)
			fail("sl_audit_verify", "unexpected entry count");
		printf("  round %d: verify %.3f s (%" PRId64
		       " entries, %" PRId64
		       " signatures); integrity_check %.3f s; raw scan %.3f s "
		       "(%" PRId64 " rows, %.1f MiB of column data)\n",
		       round + 1, tv, rep.entries, rep.signatures, ti, ts, sr,
		       (double)sb / 1048576.0);
		fflush(stdout);
		v->verify = round ? dmin(v->verify, tv) : tv;
		v->integ = round ? dmin(v->integ, ti) : ti;
		v->scan = round ? dmin(v->scan, ts) : ts;
		v->scan_rows = sr;
		v->scan_bytes = sb;
	}
	v->entries = rep.entries;
	v->sigs = rep.signatures;
	printf("  best of 2: verify %.3f s, integrity_check %.3f s, raw scan "
	       "%.3f s\n",
	       v->verify, v->integ, v->scan);
	fflush(stdout);
	if (with_sha) {
		sl_hasher *h = sl_hasher_new();
		sha_baseline(db, h, &v->sha);
		sl_hasher_free(h);
		printf(
		    "  sha256 one-shot per row: %.3f s; chained sl_audit_hash: "
		    "%.3f s over %.1f MiB (%" PRId64 " hash mismatches)\n",
		    v->sha.sha_oneshot, v->sha.chain,
		    (double)v->sha.bytes / 1048576.0, v->sha.mismatches);
		fflush(stdout);
	}
	sl_store_close(s);
}

/* ---- component costs --------------------------------------------------- */

typedef struct {
	double sign_us, verify_us, chain_us, sha_us, json_us;
} components;

static void measure_once(int64_t iters, components *c)
{
	uint8_t seed[SL_ED25519_SEED_LEN], pub[SL_ED25519_PUB_LEN];
	uint8_t msg[84], sig[SL_ED25519_SIG_LEN], h[SL_SHA256_LEN] = {0};
	uint8_t store_id[16] = {1};
	check_sl(sl_random_key(seed, sizeof seed), "random");
	sl_signkey *k = sl_sign_from_seed(seed);
	check_sl(k ? sl_sign_pub(k, pub) : SL_ESYS, "sign key");
	sl_signkey *vk = sl_verifier_new(pub);
	if (!vk)
		fail("verifier", "");
	memset(msg, 7, sizeof msg);
	int64_t nsig = iters / 10 > 200 ? iters / 10 : 200;

	double t0 = now_s();
	for (int64_t i = 0; i < nsig; i++) {
		msg[0] = (uint8_t)i;
		check_sl(sl_sign(k, msg, sizeof msg, sig), "sl_sign");
	}
	c->sign_us = (now_s() - t0) * 1e6 / (double)nsig;
	t0 = now_s();
	for (int64_t i = 0; i < nsig; i++)
		g_sink += sl_verify(vk, msg, sizeof msg, sig) == SL_OK;
	c->verify_us = (now_s() - t0) * 1e6 / (double)nsig;

	char obj[64], det[256], row[600];
	make_object(obj, sizeof obj, 123456);
	make_details_str(det, sizeof det, 123456);
	sl_hasher *hs = sl_hasher_new();
	sl_audit_entry e = {1,   1700000000000, ADMIN, ACTION, obj,
	                    det, NULL,          0,     NULL};
	t0 = now_s();
	for (int64_t i = 0; i < iters; i++) {
		e.seq = i + 1;
		sl_audit_hash(hs, store_id, h, &e, h);
	}
	c->chain_us = (now_s() - t0) * 1e6 / (double)iters;
	sl_hasher_free(hs);
	int rl = snprintf(row, sizeof row, "0123456789abcdef%s%s%s%s%032d",
	                  ADMIN, ACTION, obj, det, 0);
	t0 = now_s();
	for (int64_t i = 0; i < iters; i++) {
		row[0] = (char)i;
		sl_sha256(row, (size_t)rl, h);
	}
	c->sha_us = (now_s() - t0) * 1e6 / (double)iters;
	g_sink += h[0];
	t0 = now_s();
	for (int64_t i = 0; i < iters; i++) {
		json_t *d = make_details(i);
		char *txt = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		g_sink += (uint64_t)strlen(txt);
		free(txt);
		json_decref(d);
	}
	c->json_us = (now_s() - t0) * 1e6 / (double)iters;
	sl_sign_free(k);
	sl_sign_free(vk);
}

/* Best of 3: the machine is shared, the minimum is the least disturbed. */
static void measure_components(int64_t iters, components *c)
{
	measure_once(iters, c);
	for (int r = 1; r < 3; r++) {
		components x;
		measure_once(iters, &x);
		c->sign_us = dmin(c->sign_us, x.sign_us);
		c->verify_us = dmin(c->verify_us, x.verify_us);
		c->chain_us = dmin(c->chain_us, x.chain_us);
		c->sha_us = dmin(c->sha_us, x.sha_us);
		c->json_us = dmin(c->json_us, x.json_us);
	}
}

/* ---- main -------------------------------------------------------------- */

typedef struct {
	const char *name;
	int64_t n;
	double secs;
	const char *unit;
} row_t;

static row_t g_rows[40];
static int g_nrows;

static void add_row(const char *name, int64_t n, double secs, const char *unit)
{
	if (g_nrows < (int)(sizeof g_rows / sizeof g_rows[0]))
		g_rows[g_nrows++] = (row_t){name, n, secs, unit};
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: bench_audit [--changes N] [--entries N] [--sig-entries N]"
	    " [--per-tx N] [--quick] [--dir DIR]\n");
	exit(2);
}

static int64_t arg_n(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		usage();
	char *end;
	long long v = strtoll(argv[++*i], &end, 10);
	if (*end || v < 1)
		usage();
	return v;
}

static const char *verdict(int ok)
{
	return ok ? "meets" : "MISSES";
}

int main(int argc, char **argv)
{
	int64_t changes = 100000, entries = 1000000, sig_entries = 20000;
	int64_t per_tx_n = 0;
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--changes"))
			changes = arg_n(argc, argv, &i);
		else if (!strcmp(argv[i], "--entries"))
			entries = arg_n(argc, argv, &i);
		else if (!strcmp(argv[i], "--sig-entries"))
			sig_entries = arg_n(argc, argv, &i);
		else if (!strcmp(argv[i], "--per-tx"))
			per_tx_n = arg_n(argc, argv, &i);
		else if (!strcmp(argv[i], "--quick")) {
			changes = 2000;
			entries = 20000;
			sig_entries = 2000;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			base = argv[++i];
		else
			usage();
	}
	/* On this class of disk a commit (fsync of the WAL) costs ~3-4 ms, so
	 * 100k commits would take ~6 min per store: cap the mode at 10k. */
	if (!per_tx_n)
		per_tx_n = changes < 10000 ? changes : 10000;

	snprintf(g_dir, sizeof g_dir, "%s/shenli-bench-XXXXXX", base);
	if (!mkdtemp(g_dir)) {
		g_dir[0] = 0;
		fail(base, strerror(errno));
	}

	/* Sanity: what the raw baseline writes is what sl_audit stores. */
	{
		char want[256];
		make_details_str(want, sizeof want, 42);
		json_t *d = make_details(42);
		char *got = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		if (!got || strcmp(got, want) != 0)
			fail("details encoding differs", got);
		free(got);
		json_decref(d);
	}
	char body[512], obj[64], det[256];
	int blen = make_body(body, sizeof body, 1);
	make_object(obj, sizeof obj, 1);
	int dlen = make_details_str(det, sizeof det, 1);

	printf("shenli bench_audit\n");
	printf("  SQLite %s, OpenSSL %s, jansson %s\n", sqlite3_libversion(),
	       OpenSSL_version(OPENSSL_VERSION_STRING), JANSSON_VERSION);
	printf("  dir %s on %s; %ld CPUs online\n", g_dir, fs_name(g_dir),
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("  changes %" PRId64 " (1 change/tx mode: %" PRId64
	       "), entries %" PRId64 ", 1-sig-per-entry log %" PRId64 "\n",
	       changes, per_tx_n, entries, sig_entries);
	printf(
	    "  state row: %d bytes of body text; audit row: actor '%s', "
	    "action '%s', object %zu bytes, details %d bytes, hash 32, sig 64 "
	    "on the last entry of each tx\n",
	    blen, ADMIN, ACTION, strlen(obj), dlen);
	fflush(stdout);

	/* ---- components ---- */
	components comp;
	stage("== component costs (in memory) ==");
	measure_components(changes < 20000 ? 20000 : changes, &comp);
	printf("  Ed25519 sign %.1f us, verify %.1f us; chain hash "
	       "(sl_audit_hash) "
	       "%.2f us; sl_sha256 one-shot of a row %.2f us; json_pack+dumps "
	       "%.2f us\n",
	       comp.sign_us, comp.verify_us, comp.chain_us, comp.sha_us,
	       comp.json_us);
	fflush(stdout);

	/* ---- A ---- */
	struct {
		const char *label;
		int64_t n, per_tx;
		double aud, raw;
	} modes[2] = {
	    {"1 change per tx", per_tx_n, 1, 0, 0},
	    {"1000 changes per tx", changes, BATCH, 0, 0},
	};
	for (int m = 0; m < 2; m++) {
		char pa[600], pr[600], nm[32];
		int av_how;
		printf("\n== A%d: %" PRId64 " audited changes, %s ==\n", m + 1,
		       modes[m].n, modes[m].label);
		fflush(stdout);
		snprintf(nm, sizeof nm, "a%d-audited", m + 1);
		sl_store *s = new_store(nm, pa, sizeof pa);
		snprintf(nm, sizeof nm, "a%d-raw", m + 1);
		sqlite3 *raw = new_raw(nm, pr, sizeof pr, &av_how);
		if (m == 0) {
			print_pragmas("audited", sl_store_db(s));
			print_pragmas("raw", raw);
			printf(
			    "  raw: auto_vacuum=FULL set %s\n",
			    av_how == 1
			        ? "directly before the first table"
			        : "with PRAGMA + VACUUM (open_raw had "
			          "already written page 1 switching to WAL)");
		}
		/* Interleave blocks (ABBA...) so that drift in disk or CPU
		 * speed (a shared VM) falls on both sides alike. */
		int64_t n = modes[m].n, pt = modes[m].per_tx;
		int64_t blk = n / 10 / pt * pt;
		if (blk < pt)
			blk = pt;
		int nblk = 0;
		for (int64_t i = 0; i < n; i += blk, nblk++) {
			int64_t e = i + blk < n ? i + blk : n;
			if (nblk % 2 == 0) {
				modes[m].aud += run_audited(s, i, e, pt);
				modes[m].raw += run_raw(raw, i, e, pt);
			} else {
				modes[m].raw += run_raw(raw, i, e, pt);
				modes[m].aud += run_audited(s, i, e, pt);
			}
		}
		printf("  (%d interleaved blocks of %" PRId64
		       " changes per side, "
		       "alternating which side goes first)\n",
		       nblk, blk);
		printf("  audited: %.2f s, %.0f changes/s (%.1f us/change)\n",
		       modes[m].aud, (double)modes[m].n / modes[m].aud,
		       modes[m].aud * 1e6 / (double)modes[m].n);
		fflush(stdout);
		printf("  raw:     %.2f s, %.0f changes/s (%.1f us/change)\n",
		       modes[m].raw, (double)modes[m].n / modes[m].raw,
		       modes[m].raw * 1e6 / (double)modes[m].n);
		sqlite3_close(raw);
		sl_store_close(s);
		printf("  files: audited %.1f MiB, raw %.1f MiB\n",
		       (double)db_bytes(pa) / 1048576.0,
		       (double)db_bytes(pr) / 1048576.0);
		printf("  ratio audited/raw throughput: %.2fx (target >= 0.5x: "
		       "%s)\n",
		       modes[m].raw / modes[m].aud,
		       verdict(modes[m].raw / modes[m].aud >= 0.5));
		printf("  peak RSS so far %ld KiB\n", peak_rss_kb());
		fflush(stdout);
	}
	add_row("A1 audited, 1 change/tx", modes[0].n, modes[0].aud, "changes");
	add_row("A1 raw SQLCipher, 1 change/tx", modes[0].n, modes[0].raw,
	        "changes");
	add_row("A2 audited, 1000 changes/tx", modes[1].n, modes[1].aud,
	        "changes");
	add_row("A2 raw SQLCipher, 1000 changes/tx", modes[1].n, modes[1].raw,
	        "changes");

	/* ---- B ---- */
	verify_result big, small;
	printf("\n== B1: verify %" PRId64 " entries, 1000 entries per tx (one "
	       "signature per 1000 entries) ==\n",
	       entries);
	fflush(stdout);
	run_verify("b1", entries, BATCH, 1, &big);
	printf("  peak RSS so far %ld KiB\n", peak_rss_kb());
	printf("\n== B2: verify %" PRId64 " entries, 1 entry per tx (one "
	       "signature per entry) ==\n",
	       sig_entries);
	fflush(stdout);
	run_verify("b2", sig_entries, 1, 0, &small);
	printf("  peak RSS so far %ld KiB\n", peak_rss_kb());
	fflush(stdout);

	int64_t bn = big.entries;
	add_row("B1 build log via API, 1000/tx", big.n, big.build, "entries");
	add_row("B1 sl_audit_verify", bn, big.verify, "entries");
	add_row("B1   of which integrity_check (sep.)", bn, big.integ,
	        "entries");
	add_row("B1   verify minus integrity_check", bn, big.verify - big.integ,
	        "entries");
	add_row("B1 raw scan SELECT all columns", bn, big.scan, "entries");
	add_row("B1 sl_sha256 one-shot per row", bn, big.sha.sha_oneshot,
	        "entries");
	add_row("B1 chained sl_audit_hash per row", bn, big.sha.chain,
	        "entries");
	add_row("B2 build log via API, 1/tx", small.n, small.build, "entries");
	add_row("B2 sl_audit_verify (1 sig/entry)", small.entries, small.verify,
	        "entries");
	add_row("B2   of which integrity_check (sep.)", small.entries,
	        small.integ, "entries");
	add_row("B2 raw scan SELECT all columns", small.entries, small.scan,
	        "entries");

	/* ---- table ---- */
	printf("\n== summary ==\n");
	printf("%-40s %10s %10s %14s %10s  %s\n", "measurement", "n", "seconds",
	       "per second", "us each", "unit");
	for (int i = 0; i < g_nrows; i++) {
		row_t *r = &g_rows[i];
		printf("%-40s %10" PRId64 " %10.3f %14.0f %10.2f  %s\n",
		       r->name, r->n, r->secs, (double)r->n / r->secs,
		       r->secs * 1e6 / (double)r->n, r->unit);
	}
	printf("\nratios (same run):\n");
	double r1 = modes[0].raw / modes[0].aud,
	       r2 = modes[1].raw / modes[1].aud;
	printf(
	    "  A1 audited/raw throughput, 1 change/tx:      %6.2fx  (target >= "
	    "0.5x: %s)\n",
	    r1, verdict(r1 >= 0.5));
	printf(
	    "  A2 audited/raw throughput, 1000 changes/tx:  %6.2fx  (target >= "
	    "0.5x: %s)\n",
	    r2, verdict(r2 >= 0.5));
	double v1 = big.verify / big.scan,
	       v2 = (big.verify - big.integ) / big.scan;
	printf(
	    "  B1 verify/raw-scan time:                     %6.2fx  (target <= "
	    "2x: %s)\n",
	    v1, verdict(v1 <= 2.0));
	printf("  B1 (verify - integrity_check)/raw-scan time: %6.2fx\n", v2);
	printf("  B1 integrity_check/raw-scan time:            %6.2fx\n",
	       big.integ / big.scan);
	printf("  B1 chained hash/raw-scan time:               %6.2fx\n",
	       big.sha.chain / big.scan);
	printf("  B2 verify/raw-scan time (1 sig/entry):       %6.2fx\n",
	       small.verify / small.scan);
	double per_sig = (small.verify / (double)small.entries -
	                  big.verify / (double)big.entries) *
	                 1e6;
	printf("  per-signature verify cost: %.1f us per entry more in B2 than "
	       "B1 (Ed25519 verify alone: %.1f us)\n",
	       per_sig, comp.verify_us);
	printf("  hash mismatches in the SHA baseline: %" PRId64
	       " (expect 0)\n",
	       big.sha.mismatches);
	printf(
	    "\ncomponents: sign %.1f us, verify %.1f us, chain hash %.2f us, "
	    "sha256 one-shot %.2f us, json_pack+dumps %.2f us\n",
	    comp.sign_us, comp.verify_us, comp.chain_us, comp.sha_us,
	    comp.json_us);
	printf("peak RSS (getrusage ru_maxrss): %ld KiB\n", peak_rss_kb());
	fflush(stdout);
	cleanup();
	return (int)(g_sink & 0); /* keep g_sink alive */
}
