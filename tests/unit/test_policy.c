/* Unit tests: the policy table, and that refusals are audited. */
#include <string.h>

#include "testutil.h"
/* */
#include "audit.h"
#include "policy.h"
#include "rules.h"
#include "users.h"

static void test_table(void **st)
{
	(void)st;
	struct {
		sl_role role;
		sl_action act;
		int allowed;
	} cases[] = {
	    {SL_ROLE_ADMIN, SL_ACT_USER_ADD, 1},
	    {SL_ROLE_LEADER, SL_ACT_USER_ADD, 0},
	    {SL_ROLE_MEMBER, SL_ACT_USER_ADD, 0},
	    {SL_ROLE_SPECIALIST, SL_ACT_USER_ADD, 0},
	    {SL_ROLE_AUDITOR, SL_ACT_USER_ADD, 0},
	    {SL_ROLE_ADMIN, SL_ACT_USER_DISABLE, 1},
	    {SL_ROLE_AUDITOR, SL_ACT_USER_DISABLE, 0},
	    {SL_ROLE_LEADER, SL_ACT_USER_LIST, 1},
	    {SL_ROLE_MEMBER, SL_ACT_USER_LIST, 0},
	    {SL_ROLE_AUDITOR, SL_ACT_AUDIT_LOG, 1},
	    {SL_ROLE_ADMIN, SL_ACT_AUDIT_LOG, 1},
	    {SL_ROLE_LEADER, SL_ACT_AUDIT_LOG, 0},
	    {SL_ROLE_MEMBER, SL_ACT_AUDIT_LOG, 0},
	    {SL_ROLE_SPECIALIST, SL_ACT_AUDIT_VERIFY, 1},
	    {SL_ROLE_AUDITOR, SL_ACT_USER_PASSWD,
	     1}, /* a leaked one is rotated */
	    {SL_ROLE_MEMBER, SL_ACT_USER_PASSWD, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sl_actor a = {"x", cases[i].role, "", ""};
		if (sl_policy_allows(&a, cases[i].act) != cases[i].allowed)
			fail_msg(
			    "%s %s: expected %d", sl_role_name(cases[i].role),
			    sl_action_name(cases[i].act), cases[i].allowed);
	}
	sl_actor nobody = {"x", 0, "", ""};
	for (int a = 0; a < SL_ACT__COUNT; a++)
		assert_false(sl_policy_allows(&nobody, (sl_action)a));
}

static int last_entry(const sl_audit_entry *e, void *ud)
{
	char *out = ud;
	snprintf(out, 512, "%s|%s|%s|%s", e->actor, e->action, e->object,
	         e->details);
	return 0;
}

static void test_refusal_is_audited(void **st)
{
	(void)st;
	tstore t;
	sl_store *s = tstore_new(&t);
	assert_int_equal(sl_user_add(s, "aud", SL_ROLE_AUDITOR, NULL, NULL,
	                             NULL, "auditor pass", 12),
	                 SL_OK);
	assert_int_equal(sl_user_enrol(t.path, "aud", "auditor pass", 12,
	                               "auditor pass", 12),
	                 SL_OK);
	sl_store_close(s);
	assert_int_equal(sl_store_unlock(t.path, "aud", "auditor pass", 12, &s),
	                 SL_OK);
	assert_int_equal(sl_user_disable(s, "root", NULL), SL_EPERM);
	assert_non_null(strstr(sl_errmsg(), "auditor"));
	char last[512] = "";
	assert_int_equal(sl_audit_each(s, 0, last_entry, last), SL_OK);
	assert_non_null(strstr(last, "aud|denied|root|"));
	assert_non_null(strstr(last, "user.disable"));
	sl_audit_report r;
	assert_int_equal(sl_store_verify(s, NULL, &r), SL_OK);
	assert_int_equal(r.entries, 5); /* init, rules, add, enrol, denied */
	/* a hostile object from the command line is bounded and made text */
	char big[400];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	memcpy(big, "\xff\x01\xe5\xae", 4); /* bad byte, control, cut char */
	assert_int_equal(sl_user_disable(s, big, NULL), SL_EPERM);
	assert_int_equal(sl_audit_each(s, 0, last_entry, last), SL_OK);
	const char *obj = strchr(last, '|') + 1;
	obj = strchr(obj, '|') + 1;
	assert_true(strncmp(obj, "??", 2) == 0);
	assert_true(strchr(obj, '|') - obj < 160);
	assert_non_null(strstr(obj, "...|"));
	sl_store_close(s);
	tstore_cleanup(&t);
}

/* A rules file's keys and jansson's quote of bad input are untrusted text:
 * a message never carries their control characters (terminal escapes). */
static void test_rules_messages_are_printable(void **st)
{
	(void)st;
	static const char bad_viol[] =
	    "{\"format\": \"shenli.rules/1\", \"version\": 1,"
	    " \"intake\": {}, \"review\": {},"
	    " \"violations\": {\"x\\u001b[2Jy\": {\"zh\": 1}}}";
	static const char bad_json[] = "{\"a\": \x1b[31m}";
	const char *in[] = {bad_viol, bad_json};
	for (size_t i = 0; i < 2; i++) {
		sl_rules *r = NULL;
		assert_int_equal(sl_rules_parse(in[i], strlen(in[i]), &r),
		                 SL_EINPUT);
		assert_null(r);
		const char *m = sl_errmsg();
		assert_non_null(strstr(m, "rules: "));
		for (const char *p = m; *p; p++)
			assert_false((unsigned char)*p < 0x20 || *p == 0x7f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_refusal_is_audited),
	    cmocka_unit_test(test_rules_messages_are_printable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
