/*
 * fuzz_audit.c - decoding and verifying audit entries (core/audit.c).
 *
 * Someone who holds the data key can write any row into the audit table;
 * `audit verify` is what must catch it. So this target writes hostile
 * entries into a real store and runs sl_audit_verify over them, and on
 * the way fuzzes the pure pieces: anchors ("SEQ:HASH", as typed by a
 * user) and the canonical entry hash, which is checked against a second,
 * straightforward implementation of the encoding documented in audit.h
 * (audit.c builds it in one buffer or streams it, by size).
 *
 * The store is made once, in a tmpfs when there is one. Each input is a
 * list of lines; each line one entry appended after the store's own log,
 * committed, verified, then deleted again:
 *
 *     OP ACTOR \t ACTION \t OBJECT \t DETAILS
 *
 * OP '0'-'3' signs the entry with key 0 (the store's admin, "root") or
 * test key 1-3 (fixed seeds, so that seeds can carry user.add details with
 * their public keys); '-' leaves it unsigned (a run a later signature
 * covers); '!' gives it a 63-byte signature, 'b' 64 wrong bytes; 'x'
 * stores a wrong hash; 'g' skips a sequence number. A line "@ANCHOR" is
 * passed to verify as the anchor; "^" means the head of the fuzzed log,
 * "~" that head's sequence number with a wrong hash. Every line is also
 * tried as an anchor on its own.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "fsutil.h"
#include "fuzz_common.h"
#include "keyslot.h"
#include "store_test.h"

#define ADMIN "root"
#define PASS "fuzz admin passphrase"
#define MAX_LINES 64

static char dir[PATH_MAX], path[PATH_MAX + 16];
static sl_store *store;
static sl_signkey *keys[4];
static int64_t base_seq;
static uint8_t base_hash[SL_SHA256_LEN];
static sl_hasher *hasher;
static sqlite3_stmt *ins;

static void cleanup(void)
{
	char cmd[PATH_MAX + 32];
	sqlite3_finalize(ins);
	sl_store_close(store);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/shenli-fuzz-audit-XXXXXX", base);
	SETUP(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/store.db", dir);
	/* One full-cost scrypt for the store, one to read root's key. */
	SETUP(sl_store_create(path, ADMIN, PASS, strlen(PASS), &store) ==
	      SL_OK);
	atexit(cleanup);

	char slot[PATH_MAX + 64], *img = NULL;
	size_t len = 0;
	sl_secrets *sec = sl_secrets_new();
	SETUP(sec &&
	      sl_store_slot_path(path, ADMIN, slot, sizeof slot) == SL_OK);
	SETUP(sl_file_read(slot, SL_SLOT_MAX_BYTES, &img, &len) == SL_OK);
	SETUP(sl_keyslot_open(ADMIN, PASS, strlen(PASS), img, len, sec) ==
	      SL_OK);
	keys[0] = sl_sign_from_seed(sec->sign_seed);
	sl_secrets_free(sec);
	free(img);
	for (int k = 1; k < 4; k++) {
		uint8_t seed[SL_ED25519_SEED_LEN];
		memset(seed, k, sizeof seed);
		keys[k] = sl_sign_from_seed(seed);
	}
	for (int k = 0; k < 4; k++)
		SETUP(keys[k] != NULL);
	SETUP(sl_audit_head(store, &base_seq, base_hash) == SL_OK);
	hasher = sl_hasher_new();
	SETUP(hasher);
	SETUP(sqlite3_prepare_v2(sl_store_db(store),
	                         "INSERT INTO audit(seq, ts, actor, action, "
	                         "object, details, hash, sig) "
	                         "VALUES(?,?,?,?,?,?,?,?)",
	                         -1, &ins, 0) == SQLITE_OK);
	return 0;
}

static void be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* audit.h's encoding, spelled out field by field. */
static void ref_hash(const uint8_t id[16], const uint8_t prev[32],
                     const sl_audit_entry *e, uint8_t out[32])
{
	static const char tag[] = "shenli.audit.v1";
	const char *f[4] = {e->actor, e->action, e->object, e->details};
	size_t n = sizeof tag + 16 + 32 + 16;
	for (int i = 0; i < 4; i++)
		n += 4 + strlen(f[i]);
	uint8_t *buf = malloc(n), *p = buf;
	SETUP(buf);
	memcpy(p, tag, sizeof tag), p += sizeof tag;
	memcpy(p, id, 16), p += 16;
	memcpy(p, prev, 32), p += 32;
	be(p, (uint64_t)e->seq, 8), p += 8;
	be(p, (uint64_t)e->ts, 8), p += 8;
	for (int i = 0; i < 4; i++) {
		size_t l = strlen(f[i]);
		be(p, l, 4), p += 4;
		memcpy(p, f[i], l), p += l;
	}
	CHECK((size_t)(p - buf) == n);
	sl_sha256(buf, n, out);
	free(buf);
}

static void check_anchor(const char *s)
{
	int64_t seq;
	uint8_t h[SL_SHA256_LEN], h2[SL_SHA256_LEN];
	char out[96];
	if (sl_audit_parse_anchor(s, &seq, h) != SL_OK)
		return;
	CHECK(seq >= 1);
	/* What format prints, parse reads back, and it is canonical. */
	sl_audit_format_anchor(seq, h, out);
	int64_t seq2;
	CHECK(sl_audit_parse_anchor(out, &seq2, h2) == SL_OK);
	CHECK(seq2 == seq && !memcmp(h, h2, sizeof h));
	char again[96];
	sl_audit_format_anchor(seq2, h2, again);
	CHECK(!strcmp(out, again));
}

typedef struct {
	char op;
	char *f[4]; /* actor, action, object, details: NUL-terminated copies */
	size_t len[4]; /* their raw lengths (they may hold NUL bytes) */
	const char *raw[4];
} line;

static int count_cb(const sl_audit_entry *e, void *ud)
{
	int64_t *n = ud;
	CHECK(e->actor && e->action && e->object && e->details);
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	line L[MAX_LINES];
	size_t nl = 0;
	char anchor[128] = "", *anchor_p = NULL;
	int anchor_kind = 0; /* 1 '^' the head, 2 '~' a wrong head */
	const char *s = (const char *)data, *end = s + size;

	while (s < end && nl < MAX_LINES) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		size_t ll = e ? (size_t)(e - s) : (size_t)(end - s);
		char *copy = strndup(s, ll);
		SETUP(copy);
		check_anchor(copy);
		if (ll && s[0] == '@') {
			if (!anchor_p) {
				snprintf(anchor, sizeof anchor, "%s", copy + 1);
				anchor_p = anchor;
			}
		} else if (ll == 1 && (s[0] == '^' || s[0] == '~')) {
			anchor_kind = s[0] == '^' ? 1 : 2;
		} else if (ll) {
			line *x = &L[nl++];
			x->op = s[0];
			const char *p = s + 1, *le = s + ll;
			for (int i = 0; i < 4; i++) {
				const char *t =
				    i < 3 ? memchr(p, '\t', (size_t)(le - p))
				          : NULL;
				size_t fl =
				    t ? (size_t)(t - p) : (size_t)(le - p);
				x->raw[i] = p;
				x->len[i] = fl;
				x->f[i] = strndup(p, fl);
				SETUP(x->f[i]);
				p = t ? t + 1 : le;
			}
		}
		free(copy);
		s = e ? e + 1 : end;
	}

	/* Write the entries, each hashed onto the one before. */
	sqlite3 *db = sl_store_db(store);
	const uint8_t *id = sl_store_id(store);
	uint8_t prev[SL_SHA256_LEN], h[SL_SHA256_LEN], ref[SL_SHA256_LEN];
	memcpy(prev, base_hash, sizeof prev);
	int64_t seq = base_seq;
	int must_fail = 0, last_signed = 0;
	SETUP(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0) == SQLITE_OK);
	for (size_t i = 0; i < nl; i++) {
		line *x = &L[i];
		if (x->op == 'g') {
			seq++;
			must_fail = 1;
		}
		seq++;
		sl_audit_entry e = {
		    seq,     1700000000000 + seq,        x->f[0], x->f[1],
		    x->f[2], x->len[3] ? x->f[3] : "{}", NULL,    0,
		    NULL};
		/* Only root is in the users table: any other actor, and any
		 * entry that changes users, must leave the log failing. */
		if (strcmp(e.actor, ADMIN) || !strcmp(e.action, "user.add") ||
		    !strcmp(e.action, "user.disable") ||
		    !strcmp(e.action, "store.init"))
			must_fail = 1;
		sl_audit_hash(hasher, id, prev, &e, h);
		ref_hash(id, prev, &e, ref);
		CHECK(!memcmp(h, ref, sizeof h));
		uint8_t stored[SL_SHA256_LEN];
		memcpy(stored, h, sizeof h);
		if (x->op == 'x') {
			stored[0] ^= 1;
			must_fail = 1;
		}
		uint8_t msg[128], sig[SL_ED25519_SIG_LEN];
		size_t mn = sizeof "shenli.audit.sig.v1";
		memcpy(msg, "shenli.audit.sig.v1", mn);
		memcpy(msg + mn, id, 16);
		be(msg + mn + 16, (uint64_t)seq, 8);
		memcpy(msg + mn + 24, h, 32);
		int siglen = 0;
		if (x->op >= '0' && x->op <= '3') {
			int k = x->op - '0';
			SETUP(sl_sign(keys[k], msg, mn + 56, sig) == SL_OK);
			siglen = sizeof sig;
			/* only root's own key verifies root's entries */
			if (k != 0)
				must_fail = 1;
		} else if (x->op == '!' || x->op == 'b') {
			memset(sig, 0x5a, sizeof sig);
			siglen = x->op == '!' ? 63 : 64;
			must_fail = 1;
		}
		/* any other op ('-', 'x', 'g', ...): stored unsigned */
		last_signed = siglen != 0;
		sqlite3_bind_int64(ins, 1, seq);
		sqlite3_bind_int64(ins, 2, e.ts);
		/* the raw bytes, NULs and all, as someone with the data key
		 * could store them */
		for (int f = 0; f < 3; f++)
			sqlite3_bind_text(ins, 3 + f, x->raw[f], (int)x->len[f],
			                  SQLITE_STATIC);
		if (x->len[3])
			sqlite3_bind_text(ins, 6, x->raw[3], (int)x->len[3],
			                  SQLITE_STATIC);
		else
			sqlite3_bind_text(ins, 6, "{}", 2, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 7, stored, sizeof stored, SQLITE_STATIC);
		if (siglen)
			sqlite3_bind_blob(ins, 8, sig, siglen, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 8);
		SETUP(sqlite3_step(ins) == SQLITE_DONE);
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		memcpy(prev, h, sizeof prev);
	}
	SETUP(sqlite3_exec(db, "COMMIT", 0, 0, 0) == SQLITE_OK);
	/* Verify as it runs after a store is opened: with an empty WAL, so
	 * that its page scan's TRUNCATE checkpoint has nothing to wait for. */
	SETUP(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", 0, 0, 0) ==
	      SQLITE_OK);
	if (nl && !last_signed)
		must_fail = 1; /* a run no signature covers */

	int64_t n_each = 0;
	SETUP(sl_audit_each(store, 0, count_cb, &n_each) == SL_OK);

	if (anchor_kind) {
		uint8_t ah[SL_SHA256_LEN];
		memcpy(ah, prev, sizeof ah);
		if (anchor_kind == 2)
			ah[31] ^= 0x80;
		sl_audit_format_anchor(seq, ah, anchor);
		anchor_p = anchor;
	}
	sl_audit_report r;
	sl_rc rc = sl_store_verify(store, anchor_p, &r);
	CHECK(rc == SL_OK || rc == SL_EINTEGRITY || rc == SL_EINPUT);
	if (rc == SL_OK) {
		CHECK(!must_fail && anchor_kind != 2);
		CHECK(r.head_seq == seq && r.entries == seq);
		CHECK(!memcmp(r.head_hash, prev, sizeof prev));
		CHECK(r.bad_seq == 0);
	} else if (rc == SL_EINTEGRITY) {
		CHECK(r.bad_seq >= 0 && r.bad_seq <= seq + 1);
	}

	SETUP(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0) == SQLITE_OK);
	sqlite3_stmt *del;
	SETUP(sqlite3_prepare_v2(db, "DELETE FROM audit WHERE seq > ?", -1,
	                         &del, 0) == SQLITE_OK);
	sqlite3_bind_int64(del, 1, base_seq);
	SETUP(sqlite3_step(del) == SQLITE_DONE);
	sqlite3_finalize(del);
	SETUP(sqlite3_exec(db, "COMMIT", 0, 0, 0) == SQLITE_OK);

	for (size_t i = 0; i < nl; i++)
		for (int f = 0; f < 4; f++)
			free(L[i].f[f]);
	return 0;
}
