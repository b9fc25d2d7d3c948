/* Unit tests: the encrypted store, unlocking, users, passphrase changes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
/* */
#include "audit.h"
#include "fsutil.h"
#include "org.h"
#include "turnstile.h"
#include "users.h"
#include "verify.h"

#define P_ALICE "alice passphrase"
#define P_BOB "bob passphrase!"

/* Add a user and enrol them, choosing pass as their own. */
static void add(sl_store *s, const char *id, sl_role r, const char *pass)
{
	assert_int_equal(
	    sl_user_add(s, id, r, NULL, NULL, NULL, "first pass 1", 12), SL_OK);
	assert_int_equal(sl_user_enrol(sl_store_path(s), id, "first pass 1", 12,
	                               pass, strlen(pass)),
	                 SL_OK);
}

/* The passphrase an admin chose opens nothing but the user's own choice
 * of one; that makes the user's signing key, recorded by user.enrol. */
static void test_enrolment(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t), *u;
	assert_int_equal(sl_user_add(s, "carol", SL_ROLE_MEMBER, NULL, NULL,
	                             "卡萝尔", "chosen by admin", 15),
	                 SL_OK);
	sl_store_close(s);
	assert_int_equal(
	    sl_store_unlock(t.path, "carol", "chosen by admin", 15, &u),
	    SL_EAUTH);
	assert_non_null(strstr(sl_errmsg(), "user passwd"));
	assert_int_equal(sl_store_open(t.path, "carol", "chosen by admin", 15,
	                               SL_OPEN_ENROL, &u),
	                 SL_OK);
	assert_true(sl_store_pending(u));
	assert_int_equal(sl_user_passwd(u, "carol's own pass", 16), SL_OK);
	assert_false(sl_store_pending(u));
	sl_store_close(u);
	/* the first passphrase is spent; a second enrolment is refused */
	assert_int_equal(sl_user_enrol(t.path, "carol", "chosen by admin", 15,
	                               "another pass", 12),
	                 SL_EAUTH);
	assert_int_equal(
	    sl_store_unlock(t.path, "carol", "carol's own pass", 16, &u),
	    SL_OK);
	assert_false(sl_store_pending(u));
	sl_audit_report r;
	assert_int_equal(sl_store_verify(u, NULL, &r), SL_OK);
	sl_store_close(u);
	tstore_cleanup(&t);
}

static void test_create_modes_and_no_plaintext(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	assert_int_equal(sl_zone_add(s, "CANARYZONE", "金丝雀测试片区"), SL_OK);
	assert_int_equal(sl_agency_add(s, "CANARYAGENCY",
	                               "驻金丝雀局纪检监察组", "CANARYZONE"),
	                 SL_OK);
	add(s, "canary-user-4711", SL_ROLE_MEMBER, P_ALICE);
	assert_int_equal(sl_user_add(s, "canary-user-4712", SL_ROLE_LEADER,
	                             "CANARYAGENCY", "CANARYZONE", NULL, P_BOB,
	                             strlen(P_BOB)),
	                 SL_OK);
	sl_store_close(s);

	struct stat sb;
	assert_int_equal(stat(t.path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	char keys[400];
	snprintf(keys, sizeof keys, "%s.keys", t.path);
	assert_int_equal(stat(keys, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);

	const char *needles[] = {"canary-user-4711",     "CANARYAGENCY",
	                         "CANARYZONE",           "金丝雀测试片区",
	                         "驻金丝雀局纪检监察组", "user.add",
	                         "store.init",           "SQLite format 3",
	                         "CREATE TABLE",         "shenli.rules/1"};
	for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
		assert_int_equal(
		    file_contains(t.path, needles[i], strlen(needles[i])), 0);
	tstore_cleanup(&t);
}

static void test_plain_sqlite_cannot_read(void **st)
{
	(void)st;
	tstore t;
	sl_store_close(tstore_new(&t));
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READONLY, 0),
	                 SQLITE_OK);
	int rc =
	    sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", 0, 0, 0);
	assert_int_equal(rc, SQLITE_NOTADB);
	sqlite3_close(db);
	/* and a wrong raw key is an integrity error, not a silent empty db */
	uint8_t key[32] = {1};
	assert_int_equal(sl_store_open_raw(t.path, key, &db), SL_EINTEGRITY);
	tstore_cleanup(&t);
}

static void test_unlock_outcomes(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	add(s, "alice", SL_ROLE_MEMBER, P_ALICE);
	add(s, "bob", SL_ROLE_LEADER, P_BOB);
	sl_store_close(s);

	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_OK);
	assert_string_equal(sl_store_actor(s)->id, "alice");
	assert_int_equal(sl_store_actor(s)->role, SL_ROLE_MEMBER);
	sl_store_close(s);
	assert_int_equal(
	    sl_store_unlock(t.path, "bob", P_BOB, strlen(P_BOB), &s), SL_OK);
	sl_store_close(s);

	/* wrong passphrase, someone else's, unknown user, bad id: one answer */
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_BOB, strlen(P_BOB), &s),
	    SL_EAUTH);
	char msg[1024];
	snprintf(msg, sizeof msg, "%s", sl_errmsg());
	assert_int_equal(
	    sl_store_unlock(t.path, "nobody", P_BOB, strlen(P_BOB), &s),
	    SL_EAUTH);
	assert_string_equal(msg, sl_errmsg());
	assert_int_equal(
	    sl_store_unlock(t.path, "../etc", P_BOB, strlen(P_BOB), &s),
	    SL_EAUTH);
	assert_string_equal(msg, sl_errmsg());
	tstore_cleanup(&t);
}

static void test_swapped_slots_fail(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	add(s, "alice", SL_ROLE_MEMBER, P_ALICE);
	add(s, "bob", SL_ROLE_MEMBER, P_BOB);
	sl_store_close(s);
	char a[400], b[400], tmp[420];
	sl_store_slot_path(t.path, "alice", a, sizeof a);
	sl_store_slot_path(t.path, "bob", b, sizeof b);
	snprintf(tmp, sizeof tmp, "%s.x", a);
	assert_int_equal(rename(a, tmp), 0);
	assert_int_equal(rename(b, a), 0);
	assert_int_equal(rename(tmp, b), 0);
	/* each passphrase now meets the other's slot under its own name */
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_EAUTH);
	assert_int_equal(
	    sl_store_unlock(t.path, "bob", P_BOB, strlen(P_BOB), &s), SL_EAUTH);
	/* nor does a slot open for the name it was moved to */
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_BOB, strlen(P_BOB), &s),
	    SL_EAUTH);
	tstore_cleanup(&t);
}

static void test_disabled_cannot_unlock(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	add(s, "alice", SL_ROLE_MEMBER, P_ALICE);
	char slot[400];
	sl_store_slot_path(t.path, "alice", slot, sizeof slot);
	char *img;
	size_t len;
	assert_int_equal(sl_file_read(slot, 4096, &img, &len), SL_OK);
	assert_int_equal(sl_user_disable(s, "alice", NULL), SL_OK);
	assert_int_equal(sl_file_exists(slot), 0); /* slot removed */
	/* cannot disable yourself, or twice */
	assert_int_equal(sl_user_disable(s, "root", NULL), SL_EINPUT);
	assert_int_equal(sl_user_disable(s, "alice", NULL), SL_EINPUT);
	/* ids are never reused */
	assert_int_equal(sl_user_add(s, "alice", SL_ROLE_MEMBER, NULL, NULL,
	                             NULL, P_ALICE, strlen(P_ALICE)),
	                 SL_EINPUT);
	sl_store_close(s);
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_EAUTH);
	/* even with a copy of the old slot put back */
	assert_int_equal(sl_file_write_atomic(slot, img, len, 0600), SL_OK);
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_EAUTH);
	free(img);
	tstore_cleanup(&t);
}

static void test_bad_user_input(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	assert_int_equal(sl_user_add(s, "Alice", SL_ROLE_MEMBER, NULL, NULL,
	                             NULL, P_ALICE, strlen(P_ALICE)),
	                 SL_EINPUT);
	assert_int_equal(sl_user_add(s, "a/b", SL_ROLE_MEMBER, NULL, NULL, NULL,
	                             P_ALICE, strlen(P_ALICE)),
	                 SL_EINPUT);
	assert_int_equal(sl_user_add(s, "alice", SL_ROLE_MEMBER, "Z J", NULL,
	                             NULL, P_ALICE, strlen(P_ALICE)),
	                 SL_EINPUT);
	assert_int_equal(sl_user_add(s, "alice", SL_ROLE_MEMBER, NULL, NULL,
	                             NULL, "short", 5),
	                 SL_EINPUT);
	int64_t seq;
	uint8_t h[32];
	assert_int_equal(sl_audit_head(s, &seq, h), SL_OK);
	assert_int_equal(seq, 2); /* nothing written since init */
	sl_store_close(s);
	/* and a second init over an existing store is refused */
	assert_int_equal(
	    sl_store_create(t.path, "root", ADMIN_PASS, strlen(ADMIN_PASS), &s),
	    SL_EPERM);
	tstore_cleanup(&t);
}

static void test_passwd(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	add(s, "alice", SL_ROLE_MEMBER, P_ALICE);
	sl_store_close(s);
	char slot[400], old[400], newp[420];
	sl_store_slot_path(t.path, "alice", slot, sizeof slot);
	snprintf(old, sizeof old, "%s/old.slot", t.dir);
	snprintf(newp, sizeof newp, "%s.new", slot);
	char *img;
	size_t len;
	assert_int_equal(sl_file_read(slot, 4096, &img, &len), SL_OK);
	assert_int_equal(sl_file_write_atomic(old, img, len, 0600), SL_OK);
	free(img);

	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_OK);
	assert_int_equal(sl_user_passwd(s, "x", 1), SL_EINPUT);
	assert_int_equal(sl_user_passwd(s, "new alice pass", 14), SL_OK);
	sl_store_close(s);
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_EAUTH);
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", "new alice pass", 14, &s), SL_OK);
	sl_store_close(s);

	/* Simulate a crash after the commit but before the rename: the old
	 * slot in place, the new one beside it. The new passphrase works (and
	 * finishes the rename); the old one does not. */
	assert_int_equal(rename(slot, newp), 0);
	assert_int_equal(sl_file_read(old, 4096, &img, &len), SL_OK);
	assert_int_equal(sl_file_write_atomic(slot, img, len, 0600), SL_OK);
	free(img);
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_EAUTH);
	assert_int_equal(sl_file_exists(newp), 0); /* rename was finished */
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", "new alice pass", 14, &s), SL_OK);
	sl_store_close(s);

	/* An old slot put back by hand is not the one the store recorded. */
	assert_int_equal(sl_file_read(old, 4096, &img, &len), SL_OK);
	assert_int_equal(sl_file_write_atomic(slot, img, len, 0600), SL_OK);
	free(img);
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_EINTEGRITY);

	/* A crash before the commit: a .new slot the store never recorded.
	 * Its passphrase does not count, and it is cleaned up. */
	assert_int_equal(sl_file_read(old, 4096, &img, &len), SL_OK);
	assert_int_equal(sl_file_write_atomic(newp, img, len, 0600), SL_OK);
	free(img);
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_EAUTH);
	assert_int_equal(sl_file_exists(newp), 0);
	tstore_cleanup(&t);
}

static void test_newer_schema_refused(void **st)
{
	(void)st;
	tstore t;
	sl_store_close(tstore_new(&t));
	tstore_raw_exec(&t, "PRAGMA user_version = 999");
	sl_store *s;
	assert_int_equal(
	    sl_store_unlock(t.path, "root", ADMIN_PASS, strlen(ADMIN_PASS), &s),
	    SL_EINPUT);
	tstore_cleanup(&t);
}

/* Whether the writers' turn (byte 1 of STORE.lock, turnstile.h) is held
 * by anyone: this process's own open of the file conflicts with it. */
static int turn_taken(const char *store)
{
	char path[512];
	snprintf(path, sizeof path, "%s.lock", store);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	struct flock fl = {
	    .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 1, .l_len = 1};
	assert_int_equal(fcntl(fd, F_OFD_GETLK, &fl), 0);
	close(fd);
	return fl.l_type != F_UNLCK;
}

/* Two connections, as two shenli processes: a commit by the other one after
 * a snapshot makes the read-then-write stale (retried), a commit of one's
 * own does not, and the retry keeps the writer's turn until it is done. */
/* The store of t opened again by root: another process's handle. */
static sl_store *second_handle(const tstore *t)
{
	sl_store *b = NULL;
	assert_int_equal(sl_store_unlock(t->path, "root", ADMIN_PASS,
	                                 strlen(ADMIN_PASS), &b),
	                 SL_OK);
	return b;
}

static void test_snapshot_detects_other_writers(void **st)
{
	(void)st;
	tstore t;
	sl_store *a = tstore_new(&t), *b = second_handle(&t);
	int64_t h0, h1;
	uint8_t hash[32];
	assert_int_equal(sl_audit_head(a, &h0, hash), SL_OK);

	/* begin without a snapshot is a programming error, not a write */
	assert_int_equal(sl_tx_begin_unchanged(a), SL_ESYS);
	assert_false(sl_tx_active(a));

	/* b commits after a's snapshot: a writes nothing and is told to retry
	 */
	assert_int_equal(sl_tx_snapshot(a), SL_OK);
	assert_int_equal(sl_zone_add(b, "Z1", "zone one"), SL_OK);
	assert_int_equal(sl_tx_begin_unchanged(a), SL_ESYS);
	assert_false(sl_tx_active(a));
	assert_non_null(strstr(sl_errmsg(), "try again"));
	int tries = 0;
	assert_true(sl_tx_retry(a, SL_ESYS, &tries));
	assert_int_equal(tries, 1);
	/* an error of another kind, or a busy store, is not retried */
	assert_false(sl_tx_retry(a, SL_ESYS, &tries));
	assert_false(sl_tx_retry(a, SL_EPERM, &tries));

	/* a's own commit after its snapshot does not make it stale */
	assert_int_equal(sl_tx_snapshot(a), SL_OK);
	assert_int_equal(sl_tx_begin(a), SL_OK);
	assert_int_equal(sl_audit(a, "test.own", "x", NULL), SL_OK);
	assert_int_equal(sl_tx_commit(a), SL_OK);
	assert_int_equal(sl_tx_begin_unchanged(a), SL_OK);
	assert_int_equal(sl_audit(a, "test.own", "y", NULL), SL_OK);
	assert_int_equal(sl_tx_commit(a), SL_OK);
	assert_int_equal(sl_audit_head(a, &h1, hash), SL_OK);
	assert_int_equal(h1, h0 + 3); /* the zone and a's two entries */

	/* The retry keeps the writer's turn (turnstile.h): no other writer
	 * can come between its reads and its write, so it does not fail
	 * again for the same reason. The turn is given back when
	 * sl_tx_retry says the operation is done. */
	tries = 0;
	assert_int_equal(sl_tx_snapshot(a), SL_OK);
	assert_int_equal(sl_zone_add(b, "Q1", "another zone"), SL_OK);
	sl_rc rc = sl_tx_begin_unchanged(a);
	assert_int_equal(rc, SL_ESYS);
	assert_true(sl_tx_retry(a, rc, &tries));
	assert_true(turn_taken(t.path));
	assert_int_equal(sl_tx_snapshot(a), SL_OK);
	assert_int_equal(sl_tx_begin_unchanged(a), SL_OK);
	assert_int_equal(sl_audit(a, "test.retry", "x", NULL), SL_OK);
	assert_int_equal(sl_tx_commit(a), SL_OK);
	assert_true(turn_taken(t.path)); /* the operation is not done yet */
	assert_false(sl_tx_retry(a, SL_OK, &tries));
	assert_false(turn_taken(t.path));
	assert_int_equal(sl_zone_add(b, "Q2", "another zone"), SL_OK);

	/* and the zone b added is there, once */
	assert_int_equal(sl_zone_add(a, "Z1", "again"), SL_EINPUT);
	assert_non_null(strstr(sl_errmsg(), "already exists"));
	sl_store_close(b);
	sl_store_close(a);
	tstore_cleanup(&t);
}

/* Another command's commit between the unlock's walk of the log and its
 * comparison of the tables must not look like a change outside shenli:
 * both are read from one snapshot. The trace hook commits b's zone at the
 * moment a starts reading the zones table, the instant CI once hit. */
struct mid_commit {
	sl_store *b;
	int fired;
};

static int commit_midway(unsigned type, void *ctx, void *p, void *x)
{
	(void)type;
	(void)x;
	struct mid_commit *m = ctx;
	const char *sql = sqlite3_sql((sqlite3_stmt *)p);
	if (!m->fired && sql && strstr(sql, "FROM zones")) {
		m->fired = 1;
		assert_int_equal(sl_zone_add(m->b, "MID", "zone in between"),
		                 SL_OK);
	}
	return 0;
}

/* Two users' first opens after an upgrade, at once: each reads the old
 * schema version, then waits for the writers' turn (held here); the one
 * that gets it second finds the store migrated and goes on, where it
 * used to migrate again ("duplicate column name: limit_days"). */
static void test_concurrent_first_opens_migrate_once(void **st)
{
	(void)st;
	tstore t;
	sl_store_close(tstore_new(&t));
	/* the store as schema 7 left it: without migrations 8 and 9 (the
	 * cases table made again without limit_days: this SQLite has no
	 * DROP COLUMN) */
	sqlite3 *db = tstore_raw(&t);
	sqlite3_stmt *q;
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	                       "SELECT group_concat(sql, ';') FROM "
	                       "sqlite_master WHERE name IN "
	                       "('cases', 'cases_list')",
	                       -1, &q, 0),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	char *ddl = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	char *col = strstr(ddl, ", limit_days INTEGER");
	assert_non_null(col);
	memmove(col, col + 20, strlen(col + 20) + 1);
	assert_int_equal(sqlite3_exec(db,
	                              "DROP INDEX cases_id_len;"
	                              "DROP INDEX cases_list; DROP TABLE cases",
	                              0, 0, 0),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, ddl, 0, 0, 0), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 7", 0, 0, 0),
	                 SQLITE_OK);
	free(ddl);
	sqlite3_close(db);
	sl_turnstile *turn;
	assert_int_equal(sl_turnstile_open(t.path, &turn), SL_OK);
	assert_int_equal(sl_turn_take(turn), SL_OK);
	pid_t kid[2];
	for (int k = 0; k < 2; k++) {
		fflush(NULL);
		kid[k] = fork();
		assert_true(kid[k] >= 0);
		if (kid[k] == 0) {
			sl_store *s = NULL;
			sl_rc rc = sl_store_unlock(t.path, "root", ADMIN_PASS,
			                           strlen(ADMIN_PASS), &s);
			if (rc)
				fprintf(stderr, "open %d: %s\n", k,
				        sl_errmsg());
			sl_store_close(s);
			_exit(rc);
		}
	}
	usleep(400 * 1000); /* both have read version 7 and wait */
	sl_turn_give(turn);
	for (int k = 0; k < 2; k++) {
		int status;
		assert_int_equal(waitpid(kid[k], &status, 0), kid[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), SL_OK);
	}
	sl_turnstile_close(turn);
	db = tstore_raw(&t);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT count(*) FROM audit WHERE "
	                                    "action = 'store.migrate'",
	                                    -1, &q, 0),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1);
	sqlite3_finalize(q);
	sqlite3_close(db);
	sl_store *s;
	assert_int_equal(
	    sl_store_unlock(t.path, "root", ADMIN_PASS, strlen(ADMIN_PASS), &s),
	    SL_OK);
	sl_audit_report r;
	assert_int_equal(sl_store_verify(s, NULL, &r), SL_OK);
	sl_store_close(s);
	tstore_cleanup(&t);
}

/* A message that takes the last one as its argument (guard.c, users.c)
 * gets it whole, once; one cut short at the buffer's end is never cut
 * inside a UTF-8 character. */
static void test_error_message_of_error(void **st)
{
	(void)st;
	sl_error(SL_EPERM, "%s", "not permitted");
	sl_error(SL_EPERM, "refused (and not audited: %s)", sl_errmsg());
	assert_string_equal(sl_errmsg(),
	                    "refused (and not audited: not permitted)");
	char big[3000];
	memset(big, 0, sizeof big);
	for (size_t i = 0; i + 3 < sizeof big; i += 3)
		memcpy(big + i, "\xe5\xae\xa1", 3); /* 审 */
	for (int shift = 0; shift < 3; shift++) {
		sl_error(SL_EINPUT, "%.*s%s", shift, "ab", big);
		const char *m = sl_errmsg();
		size_t n = strlen(m);
		assert_true(n > 1000);
		assert_true((size_t)shift + (n - (size_t)shift) / 3 * 3 == n);
	}
}

static void test_open_reads_one_snapshot(void **st)
{
	(void)st;
	tstore t;
	sl_store *a = tstore_new(&t), *b = second_handle(&t);
	struct mid_commit m = {b, 0};
	sqlite3_trace_v2(sl_store_db(a), SQLITE_TRACE_STMT, commit_midway, &m);
	assert_int_equal(sl_store_reverify(a), SL_OK);
	assert_true(m.fired);
	sqlite3_trace_v2(sl_store_db(a), 0, NULL, NULL);
	/* and the next look sees b's zone, verified */
	assert_int_equal(sl_store_reverify(a), SL_OK);
	assert_int_equal(sl_zone_add(a, "MID", "again"), SL_EINPUT);
	sl_store_close(b);
	sl_store_close(a);
	tstore_cleanup(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_enrolment),
	    cmocka_unit_test(test_create_modes_and_no_plaintext),
	    cmocka_unit_test(test_plain_sqlite_cannot_read),
	    cmocka_unit_test(test_unlock_outcomes),
	    cmocka_unit_test(test_swapped_slots_fail),
	    cmocka_unit_test(test_disabled_cannot_unlock),
	    cmocka_unit_test(test_bad_user_input),
	    cmocka_unit_test(test_passwd),
	    cmocka_unit_test(test_newer_schema_refused),
	    cmocka_unit_test(test_snapshot_detects_other_writers),
	    cmocka_unit_test(test_open_reads_one_snapshot),
	    cmocka_unit_test(test_error_message_of_error),
	    cmocka_unit_test(test_concurrent_first_opens_migrate_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
