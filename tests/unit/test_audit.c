/* Unit tests: the audit chain - appends, signatures, and every kind of
 * tampering that audit verify must catch (with the data key in hand, as an
 * insider would have it). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
/* */
#include "audit.h"
#include "osacct.h"
#include "users.h"

#define P_ALICE "alice passphrase"

/* root adds alice, who enrols; root writes a 3-entry transaction (three
 * refusals: entries that change nothing); alice is denied something (an
 * entry signed by alice). Entries: 1 init and 2 rules.set (one
 * transaction, 2 signed), 3 user.add, 4 user.enrol (by alice), 5-7 the
 * batch (7 signed), 8 denied by alice. */
static sl_store *build_populated(tstore *t)
{
	sl_store *s = tstore_new(t);
	assert_int_equal(sl_user_add(s, "alice", SL_ROLE_MEMBER, NULL, NULL,
	                             NULL, P_ALICE, strlen(P_ALICE)),
	                 SL_OK);
	assert_int_equal(sl_user_enrol(t->path, "alice", P_ALICE,
	                               strlen(P_ALICE), P_ALICE,
	                               strlen(P_ALICE)),
	                 SL_OK);
	assert_int_equal(sl_tx_begin(s), SL_OK);
	for (int i = 0; i < 3; i++) {
		json_t *d = json_pack("{s:i, s:s}", "n", i, "note", "审理意见");
		assert_int_equal(sl_audit(s, "denied", "obj", d), SL_OK);
		json_decref(d);
	}
	assert_int_equal(sl_tx_commit(s), SL_OK);
	sl_store_close(s);
	assert_int_equal(
	    sl_store_unlock(t->path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_OK);
	assert_int_equal(sl_user_add(s, "mallory", SL_ROLE_ADMIN, NULL, NULL,
	                             NULL, "mallory pass", 12),
	                 SL_EPERM);
	sl_store_close(s);
	assert_int_equal(sl_store_unlock(t->path, "root", ADMIN_PASS,
	                                 strlen(ADMIN_PASS), &s),
	                 SL_OK);
	return s;
}

/* Building the store costs several scrypt runs; build it once and give
 * each test its own copy. */
static tstore tpl;

static int setup_template(void **st)
{
	(void)st;
	sl_store_close(build_populated(&tpl));
	return 0;
}

static int teardown_template(void **st)
{
	(void)st;
	tstore_cleanup(&tpl);
	return 0;
}

static sl_store *populated(tstore *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/shenli-test-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/store.db", t->dir);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cp -a '%s/.' '%s/'", tpl.dir, t->dir);
	assert_int_equal(system(cmd), 0);
	sl_store *s;
	assert_int_equal(sl_store_unlock(t->path, "root", ADMIN_PASS,
	                                 strlen(ADMIN_PASS), &s),
	                 SL_OK);
	return s;
}

/* audit verify opens a store whose log fails the open-time check too */
static sl_rc verify(tstore *t, const char *anchor, sl_audit_report *r)
{
	sl_store *s;
	sl_rc rc = sl_store_open(t->path, "root", ADMIN_PASS,
	                         strlen(ADMIN_PASS), SL_OPEN_UNVERIFIED, &s);
	if (rc)
		return rc;
	rc = sl_store_verify(s, anchor, r);
	sl_store_close(s);
	return rc;
}

static void test_clean_log_verifies(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = populated(&t);
	sl_audit_report r;
	assert_int_equal(sl_store_verify(s, NULL, &r), SL_OK);
	assert_int_equal(r.entries, 8);
	assert_int_equal(r.signatures, 5); /* one per transaction */
	assert_int_equal(r.head_seq, 8);
	int64_t seq;
	uint8_t h[32];
	assert_int_equal(sl_audit_head(s, &seq, h), SL_OK);
	assert_int_equal(seq, 8);
	assert_memory_equal(h, r.head_hash, 32);
	char a[96];
	sl_audit_format_anchor(seq, h, a);
	assert_int_equal(sl_store_verify(s, a, &r), SL_OK);
	sl_store_close(s);
	tstore_cleanup(&t);
}

static void test_change_without_audit_refused(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	assert_int_equal(sl_tx_begin(s), SL_OK);
	assert_int_equal(
	    sqlite3_exec(sl_store_db(s),
	                 "UPDATE users SET agency='X' WHERE id='root'", 0, 0,
	                 0),
	    SQLITE_OK);
	assert_int_equal(sl_tx_commit(s), SL_ESYS);
	assert_false(sl_tx_active(s));
	sqlite3_stmt *q;
	sqlite3_prepare_v2(sl_store_db(s),
	                   "SELECT agency IS NULL FROM users WHERE id='root'",
	                   -1, &q, 0);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1); /* rolled back */
	sqlite3_finalize(q);
	/* and audit outside a transaction is refused */
	assert_int_equal(sl_audit(s, "x", "y", NULL), SL_ESYS);
	sl_store_close(s);
	tstore_cleanup(&t);
}

static void expect_bad(tstore *t, const char *sql, int64_t bad_seq)
{
	tstore_raw_exec(t, sql);
	sl_audit_report r;
	assert_int_equal(verify(t, NULL, &r), SL_EINTEGRITY);
	if (bad_seq != r.bad_seq)
		fail_msg("after '%s': expected bad entry %" PRId64
		         ", got %" PRId64 " (%s)",
		         sql, bad_seq, r.bad_seq, sl_errmsg());
}

static void test_modified_row(void **st)
{
	(void)st;
	tstore t;
	sl_store_close(populated(&t));
	expect_bad(&t, "UPDATE audit SET details='{\"n\":9}' WHERE seq=6", 6);
	tstore_cleanup(&t);
	sl_store_close(populated(&t));
	expect_bad(&t, "UPDATE audit SET actor='alice' WHERE seq=5", 5);
	tstore_cleanup(&t);
	sl_store_close(populated(&t));
	expect_bad(&t, "UPDATE audit SET ts=ts+1 WHERE seq=3", 3);
	tstore_cleanup(&t);
	/* bytes hidden after an embedded NUL are covered by no hash, so
	 * they are refused (found by fuzz_audit) */
	sl_store_close(populated(&t));
	expect_bad(&t,
	           "UPDATE audit SET details = details || char(0) || 'hidden'"
	           " WHERE seq=6",
	           6);
	tstore_cleanup(&t);
	sl_store_close(populated(&t));
	expect_bad(&t,
	           "UPDATE audit SET actor = actor || char(0) || 'x' WHERE"
	           " seq=5",
	           5);
	tstore_cleanup(&t);
}

static void test_deleted_row(void **st)
{
	(void)st;
	tstore t;
	sl_store_close(populated(&t));
	expect_bad(&t, "DELETE FROM audit WHERE seq=5", 5);
	tstore_cleanup(&t);
	/* cutting a transaction in half leaves entries no signature covers */
	sl_store_close(populated(&t));
	expect_bad(&t, "DELETE FROM audit WHERE seq>=7", 5);
	tstore_cleanup(&t);
}

static void test_reordered_rows(void **st)
{
	(void)st;
	tstore t;
	sl_store_close(populated(&t));
	/* swap the contents of entries 5 and 6 (seq stays in place) */
	expect_bad(&t,
	           "UPDATE audit SET seq=-5 WHERE seq=5;"
	           "UPDATE audit SET seq=5 WHERE seq=6;"
	           "UPDATE audit SET seq=6 WHERE seq=-5;",
	           5);
	tstore_cleanup(&t);
}

static void test_rehashed_forgery_caught_by_signature(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = populated(&t);
	sl_store_close(s);
	/* An insider with the data key rewrites entry 6 and recomputes every
	 * hash from there on: the chain is consistent again, but root's
	 * signature on entry 7 no longer verifies. */
	sqlite3 *db = tstore_raw(&t);
	uint8_t id[16], prev[32], h[32];
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k='store_id'", -1, &q,
	                   0);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	memcpy(id, sqlite3_column_blob(q, 0), 16);
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_exec(db,
	                              "UPDATE audit SET details='{\"n\":99}' "
	                              "WHERE seq=6",
	                              0, 0, 0),
	                 SQLITE_OK);
	sl_hasher *hs = sl_hasher_new();
	for (int64_t seq = 6; seq <= 8; seq++) {
		sqlite3_prepare_v2(db, "SELECT hash FROM audit WHERE seq=?", -1,
		                   &q, 0);
		sqlite3_bind_int64(q, 1, seq - 1);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		memcpy(prev, sqlite3_column_blob(q, 0), 32);
		sqlite3_finalize(q);
		sqlite3_prepare_v2(
		    db,
		    "SELECT ts, actor, action, object, details FROM "
		    "audit WHERE seq=?",
		    -1, &q, 0);
		sqlite3_bind_int64(q, 1, seq);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		sl_audit_entry e = {seq,
		                    sqlite3_column_int64(q, 0),
		                    (const char *)sqlite3_column_text(q, 1),
		                    (const char *)sqlite3_column_text(q, 2),
		                    (const char *)sqlite3_column_text(q, 3),
		                    (const char *)sqlite3_column_text(q, 4),
		                    NULL,
		                    0,
		                    NULL};
		sl_audit_hash(hs, id, prev, &e, h);
		sqlite3_finalize(q);
		sqlite3_prepare_v2(db, "UPDATE audit SET hash=? WHERE seq=?",
		                   -1, &q, 0);
		sqlite3_bind_blob(q, 1, h, 32, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, seq);
		assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		sqlite3_finalize(q);
	}
	sl_hasher_free(hs);
	sqlite3_close(db);
	sl_audit_report r;
	assert_int_equal(verify(&t, NULL, &r), SL_EINTEGRITY);
	assert_int_equal(r.bad_seq, 7);
	assert_non_null(strstr(sl_errmsg(), "signature"));
	tstore_cleanup(&t);
}

static void test_users_table_escalation_caught(void **st)
{
	(void)st;
	tstore t;
	sl_store_close(populated(&t));
	tstore_raw_exec(&t, "UPDATE users SET role='admin' WHERE id='alice'");
	sl_audit_report r;
	assert_int_equal(verify(&t, NULL, &r), SL_EINTEGRITY);
	assert_non_null(strstr(sl_errmsg(), "alice"));
	tstore_cleanup(&t);
	/* a user smuggled into the table without a user.add entry */
	sl_store_close(populated(&t));
	tstore_raw_exec(&t,
	                "INSERT INTO users SELECT 'eve', role, agency, zone, "
	                "name, pubkey, enrol_pub, slot_sha256, 0, 99 FROM users"
	                " WHERE id='alice'");
	assert_int_equal(verify(&t, NULL, &r), SL_EINTEGRITY);
	assert_non_null(strstr(sl_errmsg(), "eve"));
	tstore_cleanup(&t);
}

static void test_rollback_caught_by_anchor(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = populated(&t);
	sl_store_close(s);
	/* keep an old copy */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s/old.db'", t.path, t.dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(
	    sl_store_unlock(t.path, "root", ADMIN_PASS, strlen(ADMIN_PASS), &s),
	    SL_OK);
	assert_int_equal(sl_user_add(s, "bob", SL_ROLE_AUDITOR, NULL, NULL,
	                             NULL, "bob passphrase", 14),
	                 SL_OK);
	int64_t seq;
	uint8_t h[32];
	char anchor[96];
	assert_int_equal(sl_audit_head(s, &seq, h), SL_OK);
	sl_audit_format_anchor(seq, h, anchor);
	sl_store_close(s);
	sl_audit_report r;
	assert_int_equal(verify(&t, anchor, &r), SL_OK);
	/* roll the store back to the old copy */
	snprintf(cmd, sizeof cmd, "cp '%s/old.db' '%s'", t.dir, t.path);
	assert_int_equal(system(cmd), 0);
	/* To alice, who last verified before bob was added, the copy alone
	 * looks fine; against the anchor it is not. */
	assert_int_equal(
	    sl_store_unlock(t.path, "alice", P_ALICE, strlen(P_ALICE), &s),
	    SL_OK);
	assert_int_equal(sl_store_verify(s, NULL, &r), SL_OK);
	assert_int_equal(sl_store_verify(s, anchor, &r), SL_EINTEGRITY);
	assert_non_null(strstr(sl_errmsg(), "rolled back"));
	sl_store_close(s);
	/* root's own checkpoint remembers the newer head: no anchor needed,
	 * at unlock or in audit verify */
	assert_int_equal(
	    sl_store_unlock(t.path, "root", ADMIN_PASS, strlen(ADMIN_PASS), &s),
	    SL_EINTEGRITY);
	assert_non_null(strstr(sl_errmsg(), "rolled back"));
	assert_int_equal(verify(&t, NULL, &r), SL_EINTEGRITY);
	assert_non_null(strstr(sl_errmsg(), "rolled back"));
	/* an anchor whose hash differs: the log was rewritten */
	anchor[strlen(anchor) - 1] ^= 1;
	assert_int_equal(verify(&t,
	                        "3:"
	                        "0000000000000000000000000000000000000000"
	                        "000000000000000000000000",
	                        &r),
	                 SL_EINTEGRITY);
	assert_int_equal(r.bad_seq, 3);
	/* malformed anchors are input errors */
	assert_int_equal(verify(&t, "3:abc", &r), SL_EINPUT);
	assert_int_equal(verify(&t, "x:", &r), SL_EINPUT);
	assert_int_equal(verify(&t, "-1:00", &r), SL_EINPUT);
	tstore_cleanup(&t);
}

static int count(const sl_audit_entry *e, void *ud)
{
	(void)e;
	(*(int *)ud)++;
	return 0;
}

static void test_log_each(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = populated(&t);
	int n = 0;
	assert_int_equal(sl_audit_each(s, 3, count, &n), SL_OK);
	assert_int_equal(n, 5);
	sl_store_close(s);
	tstore_cleanup(&t);
}

/* Every entry, embedded mode: the process's real uid and its name. */
static int os_is_mine(const sl_audit_entry *e, void *ud)
{
	const char *name = ud;
	sl_os_account os;
	if (sl_audit_entry_os(e, &os) != 1)
		fail_msg("entry %" PRId64 " records no OS account", e->seq);
	assert_int_equal(os.uid, (int64_t)getuid());
	assert_string_equal(os.user, name);
	return 0;
}

static void test_os_account(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = populated(&t);
	struct passwd *pw = getpwuid(getuid());
	char name[SL_OS_USER_MAX + 1];
	snprintf(name, sizeof name, "%s", pw ? pw->pw_name : "");
	assert_int_equal(sl_audit_each(s, 0, os_is_mine, name), SL_OK);
	/* whatever a caller puts under "os", the entry records the store's */
	assert_int_equal(sl_tx_begin(s), SL_OK);
	json_t *d = json_pack("{s:s, s:{s:i, s:s}}", "wanted", "x", "os", "uid",
	                      4242, "user", "mallory");
	assert_int_equal(sl_audit(s, "denied", "obj", d), SL_OK);
	/* and the caller's object is left as it was */
	assert_int_equal(json_integer_value(
	                     json_object_get(json_object_get(d, "os"), "uid")),
	                 4242);
	json_decref(d);
	d = json_pack("{s:s}", "wanted", "y");
	assert_int_equal(sl_audit(s, "denied", "obj", d), SL_OK);
	assert_null(json_object_get(d, "os"));
	json_decref(d);
	assert_int_equal(sl_tx_commit(s), SL_OK);
	assert_int_equal(sl_audit_each(s, 8, os_is_mine, name), SL_OK);
	sl_audit_report r;
	assert_int_equal(sl_store_verify(s, NULL, &r), SL_OK);
	sl_store_close(s);
	/* the OS account is covered by the entry's hash: changed or taken
	 * out, the chain breaks at that entry */
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE audit SET details = replace(details, '\"uid\":%u', "
	         "'\"uid\":4242') WHERE seq=6",
	         (unsigned)getuid());
	expect_bad(&t, sql, 6);
	tstore_cleanup(&t);
	sl_store_close(populated(&t));
	/* user.add: "os" sits between other keys */
	snprintf(sql, sizeof sql,
	         "UPDATE audit SET details = replace(details, "
	         "',\"os\":{\"uid\":%u,\"user\":\"%s\"}', '') WHERE seq=3 "
	         "AND details LIKE '%%\"os\"%%'",
	         (unsigned)getuid(), name);
	tstore_raw_exec(&t, sql);
	sqlite3 *db = tstore_raw(&t);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT details LIKE '%\"os\"%' "
	                                    "FROM audit WHERE seq=3",
	                                    -1, &q, 0),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 0); /* it was taken out */
	sqlite3_finalize(q);
	sqlite3_close(db);
	expect_bad(&t, "SELECT 1", 3);
	tstore_cleanup(&t);
}

/* What the whole details, parsed, say of the OS account (the reference
 * sl_osacct_from_text must agree with). */
static int os_parsed(const char *details, sl_os_account *out)
{
	json_error_t err;
	json_t *d = json_loads(details, 0, &err);
	int r = json_is_object(d) ? sl_osacct_from_details(d, out) : 0;
	json_decref(d);
	return r;
}

/* audit log reads the "os" of an entry's stored details without parsing
 * all of them: whatever the text - as shenli writes it, or tampered,
 * malformed, deep, escaped, repeated - it answers as parsing it whole
 * does. */
/* a name SL_OS_USER_MAX (64) bytes long */
#define LONG_USER                                                              \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab"

static void test_os_from_text(void **st)
{
	(void)st;
	static const char *const texts[] = {
	    "{\"os\":{\"uid\":0,\"user\":\"root\"}}",
	    "{\"agency\":\"ZFGW\",\"os\":{\"uid\":1000,\"user\":\"\xE9\x99\x88"
	    "\"},\"rev\":1,\"zone\":\"Z2\"}",
	    "{\"os\":{\"uid\":7}}",
	    " {\r\n\t\"os\" : { \"uid\" : 7 , \"user\" : \"a\" } }\n",
	    "{\"a\":\"\\\"os\\\":{\\\"uid\\\":9}\",\"b\":1}", /* in a string */
	    "{\"a\":{\"os\":{\"uid\":9}}}",                   /* nested */
	    "{\"a\":[{\"os\":{\"uid\":9}}],\"os\":{\"uid\":3}}",
	    "{\"os\":{\"uid\":1},\"os\":{\"uid\":2}}", /* the last counts */
	    "{\"os\":{\"uid\":1},\"os\":5}",
	    "{\"o\\u0073\":{\"uid\":4}}", /* an escaped key */
	    "{\"os\":{\"uid\":4,\"user\":\"\\u0000x\"}}",
	    "{\"os\":{\"uid\":4,\"user\":\"a\\tb\"}}", /* not safe to show */
	    "{\"os\":{\"uid\":-1}}",
	    "{\"os\":{\"uid\":4294967296}}",
	    "{\"os\":{\"uid\":99999999999999999999}}", /* too large */
	    "{\"os\":{\"uid\":1e3}}",
	    "{\"os\":{\"uid\":1.5}}",
	    "{\"os\":{\"uid\":4,\"extra\":1}}",
	    "{\"os\":\"root\"}",
	    "{\"os\":null}",
	    "{\"os\":[1,2]}",
	    "{\"x\":1e999,\"os\":{\"uid\":4}}",
	    "{\"x\":123456789012345678901,\"os\":{\"uid\":4}}",
	    "{\"x\":-0.5,\"y\":[true,false,null,{}],\"os\":{\"uid\":4}}",
	    "{\"os\":{\"uid\":4},}", /* a comma before the end */
	    "{\"os\":{\"uid\":4}} x",
	    "{\"os\":{\"uid\":4}",
	    "{\"os\":{\"uid\":4,}}",
	    "{\"os\":{\"uid\":04}}",
	    "{\"os\":{\"uid\":4},\"x\":tru}",
	    "{\"os\":{\"uid\":4},\"x\":\"\\q\"}",
	    "{\"os\":{\"uid\":4},\"x\":\"a\tb\"}", /* a raw tab in a string */
	    "{\"os\":{\"uid\":4},\"x\":\"\xff\"}", /* not UTF-8 */
	    "{\"os\":{\"uid\":4},\"x\":\"\xED\xA0\x80\"}", /* a surrogate */
	    "{\"os\":{\"uid\":4},\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", /* deep */
	    "[{\"os\":{\"uid\":4}}]",
	    "\"os\"",
	    "",
	    "{}",
	    "{\"os\"}",
	    "{\"os\":}",
	    "{,\"os\":{\"uid\":4}}",
	    "{\"os\":{\"uid\":4}\"x\":1}",
	    "{ \"2024-02-29\"",              /* a key, then the end */
	    "{\"os\":{\"uid\":4},\"plu2\"}", /* a key without value */
	    /* the shape sl_audit writes, read without jansson, and next
	     * to it */
	    "{\"os\":{\"uid\":4294967295,\"user\":\"a\"}}",
	    "{\"os\":{\"uid\":4294967296,\"user\":\"a\"}}",
	    "{\"os\":{\"uid\":12345678901}}",
	    "{\"os\":{\"uid\":4,\"user\":\"\"}}",
	    "{\"os\":{\"uid\":4,\"user\":\"a\\\"b\"}}",
	    "{\"os\":{\"uid\":4,\"user\":\"a\",\"x\":1}}",
	    "{\"os\":{\"user\":\"a\",\"uid\":4}}",
	    "{\"os\":{\"uid\":4,\"user\":\"\xE2\x80\xAE"
	    "a\"}}",
	    "{\"os\":{\"uid\":4,\"user\":7}}",
	    "{\"os\":{\"uid\":\"4\"}}",
	    "{\"os\":{\"uid\":4,\"user\":\"" LONG_USER "\"}}",
	    "{\"os\":{\"uid\":4,\"user\":\"" LONG_USER "x\"}}",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		sl_os_account a, b;
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		int want = os_parsed(texts[i], &a),
		    got = sl_osacct_from_text(texts[i], &b);
		if (got != want)
			fail_msg("text %zu: %d, parsed whole: %d", i, got,
			         want);
		if (want == 1) {
			assert_int_equal(b.uid, a.uid);
			assert_string_equal(b.user, a.user);
		}
	}
	/* and the answers themselves, for the ones that matter */
	sl_os_account o;
	assert_int_equal(sl_osacct_from_text(NULL, &o), 0);
	assert_int_equal(sl_osacct_from_text(texts[1], &o), 1);
	assert_int_equal(o.uid, 1000);
	assert_string_equal(o.user, "\xE9\x99\x88");
	assert_int_equal(sl_osacct_from_text(texts[6], &o), 1);
	assert_int_equal(o.uid, 3);
	assert_int_equal(sl_osacct_from_text(texts[7], &o), 1);
	assert_int_equal(o.uid, 2);
	assert_int_equal(sl_osacct_from_text(texts[4], &o), 0);
	assert_int_equal(sl_osacct_from_text(texts[8], &o), -1);
	assert_int_equal(sl_osacct_from_text(texts[45], &o), 1);
	assert_int_equal(o.uid, 4294967295);
	assert_int_equal(sl_osacct_from_text(texts[46], &o), -1);
	assert_int_equal(sl_osacct_from_text(texts[55], &o), 1);
	assert_int_equal(strlen(o.user), SL_OS_USER_MAX);
	assert_int_equal(sl_osacct_from_text(texts[56], &o), -1);
	/* both readers judge a name with the same check: one that turns
	 * text around, a tab (escaped: read by jansson), an empty one */
	static const char *const refused[] = {
	    "{\"os\":{\"uid\":4,\"user\":\"\xE2\x80\xAE\x61\"}}",
	    "{\"os\":{\"uid\":4,\"user\":\"a\\tb\"}}",
	    "{\"os\":{\"uid\":4,\"user\":\"\"}}",
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		assert_int_equal(sl_osacct_from_text(refused[i], &o), -1);
}

/* The canonical encoding, pinned to answers computed independently (Python
 * hashlib over the layout in audit.h), for a small entry (one buffer) and a
 * large one (streamed). */
static void test_hash_known_answers(void **st)
{
	(void)st;
	uint8_t sid[16], prev[32], h[32];
	char hex[65];
	for (int i = 0; i < 16; i++)
		sid[i] = (uint8_t)i;
	memset(prev, 0xab, sizeof prev);
	sl_hasher *hs = sl_hasher_new();
	sl_audit_entry e = {7,       1700000000123LL,    "alice", "case.intake",
	                    "ZRJ-1", "{\"n\":\"审理\"}", NULL,    0,
	                    NULL};
	sl_audit_hash(hs, sid, prev, &e, h);
	sl_hex(h, 32, hex);
	assert_string_equal(
	    hex,
	    "7fb07d295526225db69b3e111a4c8b27ef0b11bb43b0cfe554433f0582295399");
	char big[3100];
	size_t o = (size_t)snprintf(big, sizeof big, "{\"x\":\"");
	for (int i = 0; i < 1000; i++)
		o += (size_t)snprintf(big + o, sizeof big - o, "长");
	snprintf(big + o, sizeof big - o, "\"}");
	e.details = big;
	sl_audit_hash(hs, sid, prev, &e, h);
	sl_hex(h, 32, hex);
	assert_string_equal(
	    hex,
	    "4e459028c0d69a63911123ed27de201b0ee07bc797625420dc2b210589b86ecc");
	sl_hasher_free(hs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_known_answers),
	    cmocka_unit_test(test_clean_log_verifies),
	    cmocka_unit_test(test_change_without_audit_refused),
	    cmocka_unit_test(test_modified_row),
	    cmocka_unit_test(test_deleted_row),
	    cmocka_unit_test(test_reordered_rows),
	    cmocka_unit_test(test_rehashed_forgery_caught_by_signature),
	    cmocka_unit_test(test_users_table_escalation_caught),
	    cmocka_unit_test(test_rollback_caught_by_anchor),
	    cmocka_unit_test(test_log_each),
	    cmocka_unit_test(test_os_account),
	    cmocka_unit_test(test_os_from_text),
	};
	return cmocka_run_group_tests(tests, setup_template, teardown_template);
}
