/*
 * fuzz_replay.c - the replay verifier (core/replay.c, core/verify.c) over
 * hostile logs whose every entry is correctly chained and signed.
 *
 * fuzz_audit throws bad hashes and signatures at verify; here the chain and
 * every signature are right, as they are when an insider appends entries
 * signed with their own key, so every input reaches the replay itself:
 * the details an entry carries, who may write it, what it does to the
 * registry and the cases. Each input is a list of lines, each one entry in
 * a transaction of its own:
 *
 *     WHO \t ACTION \t OBJECT \t DETAILS
 *
 * WHO 'r' is the store's admin root, 'm' the enrolled member m1, any other
 * byte an actor the log never added, signing with a key of its own. The
 * entries are written to the audit table alone, as an insider with the
 * data key can, and the tables are left as they were.
 *
 * Invariants: nothing crashes (ASan, UBSan); the full verify (audit
 * verify) and the open-time walk answer only OK or an integrity failure,
 * the full verify the same with the cases replayed one a share;
 * and a log that verifies changed nothing: every appended entry is one of
 * those that change no table (a refusal, a migration, a refused load),
 * by an actor the log knows. Anything else that verified would be a
 * change the tables do not hold, which is exactly what verify must catch.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "fsutil.h"
#include "fuzz_common.h"
#include "keyslot.h"
#include "store_test.h"
#include "users.h"
#include "verify.h"

#define ADMIN "root"
#define PASS "fuzz admin passphrase"
#define MEMBER "m1"
#define MPASS "fuzz member passphrase"
#define MAX_LINES 48

static char dir[PATH_MAX], path[PATH_MAX + 16];
static sl_store *store;
static sl_signkey *kroot, *kmember, *kstranger;
static uint8_t data_key[SL_KEY_LEN];
static int64_t base_seq;
static uint8_t base_hash[SL_SHA256_LEN];
static sl_hasher *hasher;

static void cleanup(void)
{
	char cmd[PATH_MAX + 32];
	sl_store_close(store);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static sl_signkey *key_of(const char *user, const char *pass)
{
	char slot[PATH_MAX + 64], *img = NULL;
	size_t len = 0;
	sl_secrets *sec = sl_secrets_new();
	SETUP(sec &&
	      sl_store_slot_path(path, user, slot, sizeof slot) == SL_OK);
	SETUP(sl_file_read(slot, SL_SLOT_MAX_BYTES, &img, &len) == SL_OK);
	SETUP(sl_keyslot_open(user, pass, strlen(pass), img, len, sec) ==
	      SL_OK);
	memcpy(data_key, sec->data_key, SL_KEY_LEN);
	sl_signkey *k = sl_sign_from_seed(sec->sign_seed);
	sl_secrets_free(sec);
	free(img);
	SETUP(k);
	return k;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/shenli-fuzz-replay-XXXXXX", base);
	SETUP(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/store.db", dir);
	SETUP(sl_store_create(path, ADMIN, PASS, strlen(PASS), &store) ==
	      SL_OK);
	atexit(cleanup);
	SETUP(sl_user_add(store, MEMBER, SL_ROLE_MEMBER, NULL, NULL, NULL,
	                  MPASS, strlen(MPASS)) == SL_OK);
	SETUP(sl_user_enrol(path, MEMBER, MPASS, strlen(MPASS), MPASS,
	                    strlen(MPASS)) == SL_OK);
	kroot = key_of(ADMIN, PASS);
	kmember = key_of(MEMBER, MPASS);
	uint8_t seed[SL_ED25519_SEED_LEN];
	memset(seed, 7, sizeof seed);
	kstranger = sl_sign_from_seed(seed);
	SETUP(kstranger);
	SETUP(sl_audit_head(store, &base_seq, base_hash) == SL_OK);
	hasher = sl_hasher_new();
	SETUP(hasher);
	return 0;
}

/* The entries that change no table: only these may verify. */
static int changes_nothing(const char *action)
{
	static const char *const none[] = {"denied", "store.migrate",
	                                   "plugin.refused", "script.refused",
	                                   "template.refused"};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		if (!strcmp(action, none[i]))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	sqlite3 *db = sl_store_db(store);
	const uint8_t *id = sl_store_id(store);
	uint8_t prev[SL_SHA256_LEN], h[SL_SHA256_LEN], msg[128],
	    sig[SL_ED25519_SIG_LEN];
	memcpy(prev, base_hash, sizeof prev);
	int64_t seq = base_seq;
	int may_verify = 1;
	sqlite3_stmt *ins;
	SETUP(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0) == SQLITE_OK);
	SETUP(sqlite3_prepare_v2(db,
	                         "INSERT INTO audit(seq, ts, actor, action,"
	                         " object, details, hash, sig)"
	                         " VALUES(?,?,?,?,?,?,?,?)",
	                         -1, &ins, 0) == SQLITE_OK);
	for (int nl = 0; s < end && nl < MAX_LINES; nl++) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		size_t ll = e ? (size_t)(e - s) : (size_t)(end - s);
		char *line = strndup(s, ll), *f[4] = {"", "", "", "{}"};
		SETUP(line);
		s = e ? e + 1 : end;
		if (!ll || memchr(line, 0, ll)) {
			free(line);
			continue;
		}
		char who = line[0], *p = line + 1;
		for (int i = 0; i < 3 && p; i++) {
			char *t = strchr(p, '\t');
			if (t)
				*t = 0;
			f[i + 1] = p;
			p = t ? t + 1 : NULL;
		}
		/* f[1] action, f[2] object, f[3] details (the rest) */
		if (p)
			f[3] = p;
		sl_signkey *k = who == 'r'   ? kroot
		                : who == 'm' ? kmember
		                             : kstranger;
		f[0] = who == 'r' ? ADMIN : who == 'm' ? MEMBER : "stranger";
		if (who != 'r' && who != 'm')
			may_verify = 0;
		if (!changes_nothing(f[1]))
			may_verify = 0;
		seq++;
		sl_audit_entry en = {
		    seq, 1700000000000 + seq, f[0], f[1], f[2], f[3], NULL, 0,
		    NULL};
		sl_audit_hash(hasher, id, prev, &en, h);
		size_t mn = sl_audit_sig_msg(id, seq, h, msg);
		SETUP(sl_sign(k, msg, mn, sig) == SL_OK);
		sqlite3_bind_int64(ins, 1, seq);
		sqlite3_bind_int64(ins, 2, en.ts);
		for (int i = 0; i < 4; i++)
			sqlite3_bind_text(ins, 3 + i, f[i], -1, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 7, h, sizeof h, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 8, sig, sizeof sig, SQLITE_STATIC);
		SETUP(sqlite3_step(ins) == SQLITE_DONE);
		sqlite3_reset(ins);
		memcpy(prev, h, sizeof prev);
		free(line);
	}
	sqlite3_finalize(ins);
	SETUP(sqlite3_exec(db, "COMMIT", 0, 0, 0) == SQLITE_OK);
	SETUP(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", 0, 0, 0) ==
	      SQLITE_OK);

	/* the whole of audit verify */
	sl_audit_report r;
	sl_verified head = {0};
	sl_rc rc = sl_verify_full(db, path, data_key, id, NULL, &r, &head);
	CHECK(rc == SL_OK || rc == SL_EINTEGRITY);
	if (rc == SL_OK)
		CHECK(may_verify && r.head_seq == seq);
	sl_registry_free(head.reg);
	/* the same verdict with the cases replayed one a share */
	sl_verify_share_override(1);
	sl_rc rc1 = sl_verify_full(db, path, data_key, id, NULL, &r, NULL);
	sl_verify_share_override(0);
	CHECK(rc1 == rc);
	/* the walk of every unlock, from the start */
	sl_verified v = {0};
	rc = sl_verify_open(db, id, &v, NULL);
	CHECK(rc == SL_OK || rc == SL_EINTEGRITY);
	if (rc == SL_OK)
		CHECK(may_verify && v.seq == seq);
	sl_registry_free(v.reg);

	SETUP(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0) == SQLITE_OK);
	sqlite3_stmt *del;
	SETUP(sqlite3_prepare_v2(db, "DELETE FROM audit WHERE seq > ?", -1,
	                         &del, 0) == SQLITE_OK);
	sqlite3_bind_int64(del, 1, base_seq);
	SETUP(sqlite3_step(del) == SQLITE_DONE);
	sqlite3_finalize(del);
	SETUP(sqlite3_exec(db, "COMMIT", 0, 0, 0) == SQLITE_OK);
	return 0;
}
