/*
 * insider.c - what a panel member can do to the store outside shenli, for
 * the insider tests (tests/cli/test_insider.sh). Never installed.
 *
 * Every user's key slot holds the store's data key, so a member who knows
 * their own passphrase can open their slot with the published slot format
 * and write the database directly; and they hold their own signing key, so
 * they can append audit entries that carry a valid signature of theirs.
 * This tool does exactly that and nothing more: it cannot sign as anyone
 * else. (It uses shenli's own slot, page and hash code because an insider
 * could write the same from the documented formats.)
 *
 *   insider key    STORE USER PWFILE              the data key, hex
 *   insider sql    STORE USER PWFILE SQL          run SQL on the raw store
 *   insider forge  STORE USER PWFILE ACTION OBJECT DETAILS
 *                  append one entry as USER, chained and signed with
 *                  USER's own key (a transaction of its own)
 *   insider mkslot STORE USER PWFILE NEW NEWPWFILE
 *                  write a key slot for NEW holding the data key and a
 *                  fresh signing key; print its public key and the slot's
 *                  SHA-256, hex, one line each
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "crypto.h"
#include "fsutil.h"
#include "keyslot.h"
#include "store_test.h"

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "insider: %s%s%s\n", what, *sl_errmsg() ? ": " : "",
	        sl_errmsg());
	exit(1);
}

static char *first_line(const char *path, size_t *len)
{
	char *buf;
	size_t n;
	if (sl_file_read(path, 4096, &buf, &n))
		die("reading the passphrase file");
	char *nl = memchr(buf, '\n', n);
	if (nl)
		*nl = 0;
	*len = strlen(buf);
	return buf;
}

/* The user's own secrets, from their own slot and passphrase. */
static sl_secrets *open_slot(const char *store, const char *user,
                             const char *pwfile)
{
	char path[4096], *img;
	size_t n, plen;
	if (sl_store_slot_path(store, user, path, sizeof path) ||
	    sl_file_read(path, SL_SLOT_MAX_BYTES, &img, &n))
		die("reading the slot");
	char *pass = first_line(pwfile, &plen);
	sl_secrets *sec = sl_secrets_new();
	if (!sec || sl_keyslot_open(user, pass, plen, img, n, sec))
		die("opening the slot");
	free(img);
	free(pass);
	return sec;
}

static sqlite3 *raw(const char *store, const sl_secrets *sec)
{
	sqlite3 *db;
	if (sl_store_open_raw(store, sec->data_key, &db))
		die("opening the store raw");
	return db;
}

static int cmd_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "insider: sql: %s\n", err ? err : "?");
		sqlite3_free(err);
		return 1;
	}
	return 0;
}

static int cmd_forge(sqlite3 *db, const sl_secrets *sec, const char *user,
                     const char *action, const char *object,
                     const char *details)
{
	uint8_t sid[16], prev[32], h[32], msg[128], sig[64];
	int64_t seq = 0, ts = 0;
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = 'store_id'", -1,
	                   &st, 0);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 0) != 16)
		die("no store id");
	memcpy(sid, sqlite3_column_blob(st, 0), 16);
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db,
	                   "SELECT seq, ts, hash FROM audit ORDER BY seq DESC"
	                   " LIMIT 1",
	                   -1, &st, 0);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("no audit log");
	seq = sqlite3_column_int64(st, 0) + 1;
	ts = sqlite3_column_int64(st, 1) + 1;
	memcpy(prev, sqlite3_column_blob(st, 2), 32);
	sqlite3_finalize(st);
	sl_audit_entry e = {seq,     ts,   user, action, object,
	                    details, NULL, 0,    NULL};
	sl_hasher *hs = sl_hasher_new();
	sl_audit_hash(hs, sid, prev, &e, h);
	sl_hasher_free(hs);
	sl_signkey *k = sl_sign_from_seed(sec->sign_seed);
	size_t n = sl_audit_sig_msg(sid, seq, h, msg);
	if (!k || sl_sign(k, msg, n, sig))
		die("signing");
	sl_sign_free(k);
	sqlite3_prepare_v2(db,
	                   "INSERT INTO audit(seq, ts, actor, action, object,"
	                   " details, hash, sig) VALUES(?,?,?,?,?,?,?,?)",
	                   -1, &st, 0);
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, details, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, h, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, sig, 64, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		die("appending");
	printf("%" PRId64 "\n", seq);
	return 0;
}

static int cmd_mkslot(const char *store, const sl_secrets *sec, const char *nu,
                      const char *npw)
{
	sl_secrets *n = sl_secrets_new();
	char path[4096], *img, hex[65];
	size_t len, plen;
	uint8_t pub[32], h[32];
	memcpy(n->data_key, sec->data_key, 32);
	sl_random_key(n->sign_seed, 32);
	char *pass = first_line(npw, &plen);
	sl_signkey *k = sl_sign_from_seed(n->sign_seed);
	if (!k || sl_sign_pub(k, pub) ||
	    sl_keyslot_seal(nu, pass, plen, n, NULL, &img, &len) ||
	    sl_store_slot_path(store, nu, path, sizeof path) ||
	    sl_file_write_atomic(path, img, len, 0600))
		die("writing the slot");
	sl_sha256(img, len, h);
	sl_hex(pub, 32, hex);
	printf("%s\n", hex);
	sl_hex(h, 32, hex);
	printf("%s\n", hex);
	sl_sign_free(k);
	sl_secrets_free(n);
	free(img);
	free(pass);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr,
		        "usage: insider key|sql|forge|mkslot STORE USER "
		        "PWFILE ...\n");
		return 2;
	}
	sl_crypto_init();
	const char *cmd = argv[1], *store = argv[2], *user = argv[3];
	sl_secrets *sec = open_slot(store, user, argv[4]);
	int rc = 2;
	if (!strcmp(cmd, "key")) {
		char hex[65];
		sl_hex(sec->data_key, 32, hex);
		printf("%s\n", hex);
		rc = 0;
	} else if (!strcmp(cmd, "sql") && argc == 6) {
		sqlite3 *db = raw(store, sec);
		rc = cmd_sql(db, argv[5]);
		sqlite3_close(db);
	} else if (!strcmp(cmd, "forge") && argc == 8) {
		sqlite3 *db = raw(store, sec);
		rc = cmd_forge(db, sec, user, argv[5], argv[6], argv[7]);
		sqlite3_close(db);
	} else if (!strcmp(cmd, "mkslot") && argc == 7) {
		rc = cmd_mkslot(store, sec, argv[5], argv[6]);
	} else {
		fprintf(stderr, "insider: bad command\n");
	}
	sl_secrets_free(sec);
	return rc;
}
