/*
 * Unit tests: the admin operations (<shenli/ops_admin.h>). Each JSON
 * serialiser against the exact shape 'shenli ... --json' printed before
 * the operations existed (keys, types, null for what is absent, and key
 * order, which jansson keeps), and the operations that ask policy
 * themselves (the audit commands) or compose services (init).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
/* */
#include <shenli/ops_admin.h>

#include "users.h"

/* j as compact JSON, compared with want; j is released. */
static void shape(json_t *j, const char *want)
{
	assert_non_null(j);
	char *got = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(got);
	if (strcmp(got, want))
		fail_msg("got  %s\nwant %s", got, want);
	free(got);
}

static void test_user_json(void **st)
{
	(void)st;
	sl_user_info u = {.id = "li",
	                  .role = SL_ROLE_MEMBER,
	                  .agency = "ZCJ",
	                  .zone = "Z1",
	                  .enrolled = 1,
	                  .fingerprint = "0123456789abcdef",
	                  .name = "李明"};
	shape(sl_user_json(&u),
	      "{\"id\":\"li\",\"role\":\"member\",\"name\":\"李明\","
	      "\"agency\":\"ZCJ\",\"zone\":\"Z1\",\"disabled\":false,"
	      "\"enrolled\":true,\"key\":\"0123456789abcdef\"}");
	/* what a user lacks is null, never "" */
	sl_user_info bare = {
	    .id = "aud", .role = SL_ROLE_AUDITOR, .disabled = 1};
	shape(sl_user_json(&bare),
	      "{\"id\":\"aud\",\"role\":\"auditor\",\"name\":null,"
	      "\"agency\":null,\"zone\":null,\"disabled\":true,"
	      "\"enrolled\":false,\"key\":null}");
	sl_passwd_res p = {.user = "li", .enrolled = 1};
	shape(sl_passwd_json(&p), "{\"user\":\"li\",\"enrolled\":true}");
	char *cases[] = {"ZRJ-2024-013", "ZCJ-2024-001"};
	sl_user_disable_res d = {cases, 2};
	shape(sl_user_disable_json("li", &d),
	      "{\"user\":\"li\",\"open_cases\":[\"ZRJ-2024-013\","
	      "\"ZCJ-2024-001\"]}");
	sl_user_disable_res none = {0};
	shape(sl_user_disable_json("li", &none),
	      "{\"user\":\"li\",\"open_cases\":[]}");
}

static void test_org_json(void **st)
{
	(void)st;
	sl_org_info z = {"Z1", "第一片区", ""};
	shape(sl_zone_json(&z), "{\"code\":\"Z1\",\"name\":\"第一片区\"}");
	sl_org_info a = {"ZRJ", "驻市人社局纪检监察组", "Z1"};
	shape(sl_agency_json(&a), "{\"code\":\"ZRJ\",\"name\":\"驻市人社局纪检"
	                          "监察组\",\"zone\":\"Z1\"}");
	sl_org_info lone = {"ZNO", "无片区组", ""};
	shape(sl_agency_json(&lone),
	      "{\"code\":\"ZNO\",\"name\":\"无片区组\",\"zone\":null}");
}

static void test_keys_and_packages_json(void **st)
{
	(void)st;
	sl_key_info k = {"00112233aabbccdd", "init --trust", 0};
	shape(sl_key_json(&k), "{\"id\":\"00112233aabbccdd\",\"comment\":"
	                       "\"init --trust\",\"revoked\":false}");
	sl_pkg_info p = {0};
	snprintf(p.m.name, sizeof p.m.name, "evidence");
	p.m.kind = SL_PKG_PLUGIN;
	p.m.version = 3;
	p.m.abi = 2;
	snprintf(p.m.file, sizeof p.m.file, "evidence.so");
	p.m.size = 16384;
	for (int i = 0; i < 32; i++)
		p.m.sha256[i] = (uint8_t)i;
	snprintf(p.signer, sizeof p.signer, "00112233aabbccdd");
	shape(sl_pkg_json(&p),
	      "{\"name\":\"evidence\",\"version\":3,\"abi\":2,\"file\":"
	      "\"evidence.so\",\"size\":16384,\"sha256\":\"000102030405060708"
	      "090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\",\"signer\":"
	      "\"00112233aabbccdd\"}");
	assert_string_equal(sl_pkg_kind_name(SL_PKG_SCRIPT), "script");
	sl_plugin_verify_row ok = {&p, SL_OK, "evidence", NULL};
	shape(sl_plugin_verify_json(&ok),
	      "{\"name\":\"evidence\",\"version\":3,\"intact\":true,"
	      "\"answered\":\"evidence\",\"error\":null}");
	sl_plugin_verify_row bad = {&p, SL_EINTEGRITY, NULL, "changed"};
	shape(sl_plugin_verify_json(&bad),
	      "{\"name\":\"evidence\",\"version\":3,\"intact\":false,"
	      "\"answered\":null,\"error\":\"changed\"}");
}

static void test_audit_json(void **st)
{
	(void)st;
	uint8_t h[32], sig[64];
	memset(h, 0xab, sizeof h);
	memset(sig, 0xcd, sizeof sig);
	const char *hex = "abababababababababababababababab"
	                  "abababababababababababababababab";
	char want[1024];
	/* 2026-12-04 21:41:46.123 UTC, whatever the local zone */
	sl_audit_entry e = {7,    1796420506123LL,           "root", "zone.add",
	                    "Z1", "{\"name\":\"第一片区\"}", h,      1,
	                    sig};
	char sighex[129];
	memset(sighex, 'c', 128);
	for (int i = 1; i < 128; i += 2)
		sighex[i] = 'd';
	sighex[128] = 0;
	/* an entry of a store from before the log recorded OS accounts */
	snprintf(want, sizeof want,
	         "{\"seq\":7,\"time\":\"2026-12-04 21:41:46Z\",\"ts_ms\":"
	         "1796420506123,\"actor\":\"root\",\"os\":null,"
	         "\"action\":\"zone.add\","
	         "\"object\":\"Z1\",\"details\":{\"name\":\"第一片区\"},"
	         "\"hash\":\"%s\",\"signed\":true,\"sig\":\"%s\"}",
	         hex, sighex);
	shape(sl_audit_entry_json(&e), want);
	sl_os_account os;
	assert_int_equal(sl_audit_entry_os(&e, &os), 0);
	/* the OS account, beside the actor and in the details as written */
	e.details = "{\"name\":\"第一片区\",\"os\":{\"uid\":1001,"
	            "\"user\":\"alice\"}}";
	snprintf(want, sizeof want,
	         "{\"seq\":7,\"time\":\"2026-12-04 21:41:46Z\",\"ts_ms\":"
	         "1796420506123,\"actor\":\"root\",\"os\":{\"uid\":1001,"
	         "\"user\":\"alice\"},\"action\":\"zone.add\","
	         "\"object\":\"Z1\",\"details\":{\"name\":\"第一片区\","
	         "\"os\":{\"uid\":1001,\"user\":\"alice\"}},"
	         "\"hash\":\"%s\",\"signed\":true,\"sig\":\"%s\"}",
	         hex, sighex);
	shape(sl_audit_entry_json(&e), want);
	assert_int_equal(sl_audit_entry_os(&e, &os), 1);
	assert_int_equal(os.uid, 1001);
	assert_string_equal(os.user, "alice");
	/* a uid with no name: user null */
	e.details = "{\"os\":{\"uid\":4242}}";
	/* an entry inside a transaction carries no signature of its own */
	e.is_signed = 0;
	e.sig = NULL;
	json_t *j = sl_audit_entry_json(&e);
	assert_false(json_is_true(json_object_get(j, "signed")));
	assert_true(json_is_null(json_object_get(j, "sig")));
	assert_int_equal(json_integer_value(
	                     json_object_get(json_object_get(j, "os"), "uid")),
	                 4242);
	assert_true(
	    json_is_null(json_object_get(json_object_get(j, "os"), "user")));
	json_decref(j);
	assert_int_equal(sl_audit_entry_os(&e, &os), 1);
	assert_string_equal(os.user, "");
	/* malformed: what audit verify refuses, shown as none */
	static const char *const bad[] = {
	    "{\"os\":1001}",
	    "{\"os\":{\"user\":\"alice\"}}",
	    "{\"os\":{\"uid\":-1,\"user\":\"alice\"}}",
	    "{\"os\":{\"uid\":4294967296}}",
	    "{\"os\":{\"uid\":\"1001\"}}",
	    "{\"os\":{\"uid\":1,\"user\":\"\"}}",
	    "{\"os\":{\"uid\":1,\"user\":\"a\\u001bb\"}}",
	    "{\"os\":{\"uid\":1,\"user\":\"a\",\"extra\":1}}",
	    /* a name past 64 bytes: one literal made of two */
	    ("{\"os\":{\"uid\":1,\"user\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}"),
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.details = bad[i];
		assert_int_equal(sl_audit_entry_os(&e, &os), -1);
		j = sl_audit_entry_json(&e);
		assert_true(json_is_null(json_object_get(j, "os")));
		json_decref(j);
	}
	/* details that are not JSON stay a string */
	e.details = "not json";
	e.is_signed = 0;
	snprintf(want, sizeof want,
	         "{\"seq\":7,\"time\":\"2026-12-04 21:41:46Z\",\"ts_ms\":"
	         "1796420506123,\"actor\":\"root\",\"os\":null,"
	         "\"action\":\"zone.add\","
	         "\"object\":\"Z1\",\"details\":\"not json\",\"hash\":\"%s\","
	         "\"signed\":false,\"sig\":null}",
	         hex);
	shape(sl_audit_entry_json(&e), want);
	assert_int_equal(sl_audit_entry_os(&e, &os), 0);

	sl_anchor a = {42, {0}, ""};
	memcpy(a.hash, h, 32);
	sl_audit_format_anchor(a.seq, a.hash, a.text);
	snprintf(want, sizeof want,
	         "{\"seq\":42,\"hash\":\"%s\",\"head\":\"42:%s\"}", hex, hex);
	shape(sl_anchor_json(&a), want);
	int64_t seq;
	uint8_t back[32];
	assert_int_equal(sl_audit_parse_anchor(a.text, &seq, back), SL_OK);
	assert_int_equal(seq, 42);
	assert_memory_equal(back, h, 32);
	assert_int_equal(sl_audit_parse_anchor("1:00", &seq, back), SL_EINPUT);

	sl_audit_report r = {10, 4, 42, {0}, 0};
	memcpy(r.head_hash, h, 32);
	snprintf(want, sizeof want,
	         "{\"entries\":10,\"signatures\":4,\"head\":\"42:%s\","
	         "\"anchor\":null}",
	         hex);
	shape(sl_audit_verify_json(&r, NULL), want);
}

static int count(const sl_audit_entry *e, void *ud)
{
	(void)e;
	++*(int *)ud;
	return 0;
}

static int collect_user(const sl_user_info *u, void *ud)
{
	if (!strcmp(u->id, "li"))
		*(sl_user_info *)ud = *u;
	return 0;
}

/* The operations on a store: what they return is what the listing shows,
 * and the audit commands ask policy themselves. */
static void test_operations(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	assert_int_equal(sl_zone_add(s, "Z1", "第一片区"), SL_OK);
	assert_int_equal(sl_agency_add(s, "ZCJ", "驻市财政局纪检监察组", "Z1"),
	                 SL_OK);
	sl_user_req rq = {"li", SL_ROLE_MEMBER,    "李明", "ZCJ",
	                  "Z1", "li's first pass", 15};
	sl_user_info made, listed = {0};
	assert_int_equal(sl_user_create(s, &rq, &made), SL_OK);
	assert_int_equal(sl_user_list(s, collect_user, &listed), SL_OK);
	/* field by field: padding is nobody's business */
	assert_string_equal(made.id, listed.id);
	assert_int_equal(made.role, listed.role);
	assert_string_equal(made.agency, listed.agency);
	assert_string_equal(made.zone, listed.zone);
	assert_string_equal(made.name, listed.name);
	assert_string_equal(made.fingerprint, listed.fingerprint);
	assert_int_equal(made.disabled, listed.disabled);
	assert_int_equal(made.enrolled, listed.enrolled);
	assert_false(made.enrolled);
	assert_int_equal(sl_user_create(s, &rq, NULL), SL_EINPUT);
	sl_user_disable_res d;
	assert_int_equal(sl_user_disable(s, "li", &d), SL_OK);
	assert_int_equal(d.n_open_cases, 0);
	sl_user_disable_res_free(&d);

	sl_anchor a;
	assert_int_equal(sl_audit_anchor(s, &a), SL_OK);
	assert_true(a.seq > 0);
	sl_audit_report r;
	assert_int_equal(sl_audit_verify(s, a.text, &r), SL_OK);
	assert_int_equal(r.head_seq, a.seq);
	int n = 0;
	assert_int_equal(sl_audit_log(s, 0, count, &n), SL_OK);
	assert_int_equal(n, a.seq);
	sl_store_close(s);

	/* a leader may not read the log: the operation refuses, audited */
	assert_int_equal(
	    sl_store_unlock(t.path, "root", ADMIN_PASS, strlen(ADMIN_PASS), &s),
	    SL_OK);
	assert_int_equal(sl_user_add(s, "lead", SL_ROLE_LEADER, NULL, "Z1",
	                             NULL, "lead's first pass", 17),
	                 SL_OK);
	sl_store_close(s);
	assert_int_equal(sl_user_enrol(t.path, "lead", "lead's first pass", 17,
	                               "lead's own pass", 15),
	                 SL_OK);
	assert_int_equal(
	    sl_store_unlock(t.path, "lead", "lead's own pass", 15, &s), SL_OK);
	assert_int_equal(sl_audit_log(s, 0, count, &n), SL_EPERM);
	assert_int_equal(sl_audit_anchor(s, &a), SL_OK);
	sl_store_close(s);
	tstore_cleanup(&t);
}

static void test_init(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	sl_store_close(s);
	char path[400];
	snprintf(path, sizeof path, "%s/new.db", t.dir);
	/* a passphrase too short creates nothing */
	sl_init_req rq = {path, "admin", "short", 5, NULL, 0};
	sl_init_res res;
	assert_int_equal(sl_store_init(&rq, &res), SL_EINPUT);
	assert_false(res.created);
	/* a key that cannot be read, or one given twice: every key is read
	 * first, and nothing is made */
	const char *keys[] = {"/nonexistent/key.pub"};
	rq.pass = ADMIN_PASS;
	rq.plen = strlen(ADMIN_PASS);
	rq.trust = keys;
	rq.n_trust = 1;
	assert_int_not_equal(sl_store_init(&rq, &res), SL_OK);
	assert_false(res.created);
	assert_int_equal(access(path, F_OK), -1);
	sl_init_res_free(&res);
	/* made once, it is not made twice */
	rq.n_trust = 0;
	assert_int_equal(sl_store_init(&rq, &res), SL_OK);
	sl_init_res_free(&res);
	assert_int_not_equal(sl_store_init(&rq, &res), SL_OK);
	assert_false(res.created);
	snprintf(path, sizeof path, "%s/other.db", t.dir);
	assert_int_equal(sl_store_init(&rq, &res), SL_OK);
	assert_true(res.head.seq > 0);
	char want[1024];
	snprintf(want, sizeof want,
	         "{\"store\":\"%s\",\"admin\":\"admin\",\"trusted\":[],"
	         "\"head\":\"%s\"}",
	         path, res.head.text);
	shape(sl_init_json(&rq, &res), want);
	sl_init_res_free(&res);
	tstore_cleanup(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_user_json),
	    cmocka_unit_test(test_org_json),
	    cmocka_unit_test(test_keys_and_packages_json),
	    cmocka_unit_test(test_audit_json),
	    cmocka_unit_test(test_operations),
	    cmocka_unit_test(test_init),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
