/* Unit tests: the review operations' typed results serialise to the JSON
 * shapes --json has always printed (doc/api.md), key for key and in
 * the same order: a finding, a run, an opinion (in the order of its signed
 * body, as the opinions table's JSON was shown before there was a typed
 * opinion), the team's opinions, an outline stored and as a dry run shows
 * it, a resubmission with and without its checks, and the gate of sign-off
 * and of a script run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the above first */
#include <cmocka.h>

#include <shenli/ops_review.h>

/* j as compact text (key order kept), then j released. */
static char *text_of(json_t *j)
{
	assert_non_null(j);
	char *t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	assert_non_null(t);
	return t;
}

static void expect_json(json_t *j, const char *want)
{
	char *got = text_of(j);
	assert_string_equal(got, want);
	free(got);
}

static const char *const REFS[] = {"F1", "E2"};

static void test_finding_and_run(void **st)
{
	(void)st;
	sl_finding f = {
	    "evidence",     "evidence", "blocker", "only_confession",
	    "仅有本人供述", REFS,       2,         "补充书证"};
	expect_json(sl_finding_json(&f),
	            "{\"check\":\"evidence\",\"standard\":\"evidence\","
	            "\"severity\":\"blocker\",\"code\":\"only_confession\","
	            "\"message\":\"仅有本人供述\",\"refs\":[\"F1\",\"E2\"],"
	            "\"outline_item\":\"补充书证\"}");
	/* no suggestion and no refs: null and [], never left out */
	f.outline_item = NULL;
	f.n_refs = 0;
	expect_json(sl_finding_json(&f),
	            "{\"check\":\"evidence\",\"standard\":\"evidence\","
	            "\"severity\":\"blocker\",\"code\":\"only_confession\","
	            "\"message\":\"仅有本人供述\",\"refs\":[],"
	            "\"outline_item\":null}");
	sl_review_row row = {"ZRJ-1", 1, 2, 3, 1, 5};
	expect_json(sl_review_row_json(&row),
	            "{\"case_id\":\"ZRJ-1\",\"blockers\":1,\"warnings\":2,"
	            "\"notes\":3}");
	sl_review_run_res run = {1, 5, 1, 2, 3, 5};
	expect_json(sl_review_run_json(&run),
	            "{\"cases\":5,\"blockers\":1,\"warnings\":2,\"notes\":3}");
}

static const char *const DISC[] = {"integrity"};
static const char *const CIRC[] = {"voluntary_confession"};
static const sl_dissent DISSENT[] = {{"m3", "建议从轻"}};

static sl_opinion an_opinion(void)
{
	sl_opinion o = {0};
	o.author = "m1";
	o.author_name = "李明";
	o.author_role = "member";
	o.recorded_on = "2024-06-01";
	o.recorded_ms = 1717200000000;
	o.sig_key = "ab12cd34";
	o.disciplines = DISC;
	o.n_disciplines = 1;
	o.eight_point_rules = 1;
	o.party_sanction = "严重警告";
	o.form = 2;
	o.reasoning = "事实清楚。";
	return o;
}

/* What the opinion's JSON was before it was typed: the signed body (its
 * keys sorted) read back, without format and case_id, "dissent" added at
 * the end if the body had none, then the author's fields. */
static json_t *as_before(const char *body, const sl_opinion *o)
{
	json_error_t e;
	json_t *j = json_loads(body, 0, &e);
	assert_non_null(j);
	char *sorted = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	j = json_loads(sorted, 0, &e);
	free(sorted);
	json_object_del(j, "format");
	json_object_del(j, "case_id");
	if (!json_object_get(j, "dissent"))
		json_object_set_new(j, "dissent", json_array());
	json_object_set_new(j, "author", json_string(o->author));
	json_object_set_new(j, "author_name",
	                    o->author_name ? json_string(o->author_name)
	                                   : json_null());
	json_object_set_new(j, "author_agency",
	                    o->author_agency ? json_string(o->author_agency)
	                                     : json_null());
	json_object_set_new(j, "author_role", json_string(o->author_role));
	json_object_set_new(j, "panel", json_boolean(o->panel));
	json_object_set_new(j, "recorded_on", json_string(o->recorded_on));
	json_object_set_new(j, "recorded_ms", json_integer(o->recorded_ms));
	json_object_set_new(j, "sig_key", json_string(o->sig_key));
	return j;
}

static void same_as_before(const char *body, const sl_opinion *o)
{
	char *want = text_of(as_before(body, o));
	char *got = text_of(sl_opinion_json(o));
	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void test_opinion(void **st)
{
	(void)st;
	/* a reviewer's, from a file without circumstances or dissent */
	sl_opinion o = an_opinion();
	expect_json(sl_opinion_json(&o),
	            "{\"disciplines\":[\"integrity\"],\"eight_point_rules\":"
	            "true,\"form\":2,\"gov_sanction\":null,\"party_sanction\":"
	            "\"严重警告\",\"reasoning\":\"事实清楚。\",\"dissent\":[],"
	            "\"author\":\"m1\",\"author_name\":\"李明\","
	            "\"author_agency\":null,\"author_role\":\"member\","
	            "\"panel\":false,\"recorded_on\":\"2024-06-01\","
	            "\"recorded_ms\":1717200000000,\"sig_key\":\"ab12cd34\"}");
	same_as_before("{\"format\":\"shenli.opinion/1\",\"case_id\":\"C\","
	               "\"disciplines\":[\"integrity\"],\"eight_point_rules\":"
	               "true,\"party_sanction\":\"严重警告\",\"gov_sanction\":"
	               "null,\"form\":2,\"reasoning\":\"事实清楚。\"}",
	               &o);
	/* the panel's, field by field: circumstances (even none), a
	 * dissent and the property, in the body's sorted order */
	o.panel = 1;
	o.author_agency = "ZCJ";
	o.has_circumstances = 1;
	o.circumstances = CIRC;
	o.n_circumstances = 1;
	o.has_dissent = 1;
	o.dissent = DISSENT;
	o.n_dissent = 1;
	o.property = "已收缴";
	o.gov_sanction = "记过";
	same_as_before(
	    "{\"format\":\"shenli.opinion/1\",\"case_id\":\"C\","
	    "\"eight_point_rules\":true,\"form\":2,\"party_sanction\":"
	    "\"严重警告\",\"gov_sanction\":\"记过\",\"disciplines\":"
	    "[\"integrity\"],\"circumstances\":[\"voluntary_confession\"],"
	    "\"reasoning\":\"事实清楚。\",\"dissent\":[{\"member\":\"m3\","
	    "\"text\":\"建议从轻\"}],\"property\":\"已收缴\"}",
	    &o);
	o.n_circumstances = 0; /* "circumstances": [] stays */
	o.has_dissent = 0;     /* no dissent: [] after the reasons */
	o.n_dissent = 0;
	o.property = NULL;
	same_as_before("{\"format\":\"shenli.opinion/1\",\"case_id\":\"C\","
	               "\"disciplines\":[\"integrity\"],\"eight_point_rules\":"
	               "true,\"party_sanction\":\"严重警告\",\"gov_sanction\":"
	               "\"记过\",\"form\":2,\"reasoning\":\"事实清楚。\","
	               "\"circumstances\":[]}",
	               &o);
	/* in the history: withdrawn, last */
	o.withdrawn = "reassigned";
	char *t = text_of(sl_opinion_json(&o));
	assert_non_null(strstr(t, ",\"sig_key\":\"ab12cd34\","
	                          "\"withdrawn\":\"reassigned\"}"));
	free(t);
	/* the team's: a list */
	sl_opinion two[2] = {an_opinion(), an_opinion()};
	two[1].author = "m2";
	sl_opinions_res r = {two, 2, NULL};
	json_t *list = sl_opinions_json(&r);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(list, 1), "author")),
	                    "m2");
	json_decref(list);
	r.n = 0;
	expect_json(sl_opinions_json(&r), "[]");
}

static void test_outline(void **st)
{
	(void)st;
	static const char *const ev[] = {"E9"};
	sl_outline_answer ans = {"2024-06-10", ev, 1, NULL};
	sl_outline_withdrawal w = {"2024-06-11", "boss", "无法补查"};
	sl_outline_item items[3] = {
	    {1, "补充书证", REFS, 2, "evidence/only_confession", NULL, 1, &ans,
	     NULL},
	    {2, "补充任免文件", NULL, 0, "leader", NULL, 0, NULL, &w},
	    {3, "补充车主证言", REFS, 1, "carried", "1.3", 0, NULL, NULL},
	};
	sl_outline_res o = {"ZRJ-1",      2,    "supplement", 0, "boss",
	                    "2024-06-01", NULL, items,        3, NULL};
	expect_json(
	    sl_outline_json(&o),
	    "{\"case_id\":\"ZRJ-1\",\"return_no\":2,\"kind\":\"supplement\","
	    "\"returned_by\":\"boss\",\"returned_on\":\"2024-06-01\","
	    "\"resubmitted_on\":null,\"items\":["
	    "{\"no\":1,\"text\":\"补充书证\",\"refs\":[\"F1\",\"E2\"],"
	    "\"answered\":true,\"source\":\"evidence/only_confession\","
	    "\"carried_from\":null,\"answer\":{\"answered_on\":\"2024-06-10\","
	    "\"evidence\":[\"E9\"],\"note\":null},\"withdrawn\":null},"
	    "{\"no\":2,\"text\":\"补充任免文件\",\"refs\":[],\"answered\":"
	    "false,"
	    "\"source\":\"leader\",\"carried_from\":null,\"answer\":null,"
	    "\"withdrawn\":{\"withdrawn_on\":\"2024-06-11\",\"by\":\"boss\","
	    "\"reason\":\"无法补查\"}},"
	    "{\"no\":3,\"text\":\"补充车主证言\",\"refs\":[\"F1\"],"
	    "\"answered\":false,\"source\":\"carried\",\"carried_from\":"
	    "\"1.3\",\"answer\":null,\"withdrawn\":null}]}");
	/* a dry run: what would be sent, in the order it is built */
	sl_outline_res dry = {"ZRJ-1", 3,    "reinvestigate", 1, NULL,
	                      NULL,    NULL, &items[2],       1, NULL};
	expect_json(sl_outline_json(&dry),
	            "{\"case_id\":\"ZRJ-1\",\"return_no\":3,\"kind\":"
	            "\"reinvestigate\",\"items\":[{\"text\":\"补充车主证言\","
	            "\"refs\":[\"F1\"],\"source\":\"carried\",\"carried_from\":"
	            "\"1.3\",\"no\":3,\"answered\":false,\"withdrawn\":null}],"
	            "\"dry_run\":true}");
}

static void test_resubmit(void **st)
{
	(void)st;
	static const int answered[] = {1, 2};
	static const sl_open_item open[] = {{3, "没有针对本项的补查材料"}};
	static const int withdrawn[] = {4};
	sl_resubmit_res r = {1, "ZRJ-1", 1, answered, 2, open, 1,   withdrawn,
	                     1, 1,       0, 1,        2, NULL, NULL};
	expect_json(sl_resubmit_json(&r),
	            "{\"case_id\":\"ZRJ-1\",\"return_no\":1,\"answered\":[1,2],"
	            "\"open\":[{\"no\":3,\"why\":\"没有针对本项的补查材料\"}],"
	            "\"withdrawn\":[4],"
	            "\"checks\":{\"blockers\":0,\"warnings\":1,\"notes\":2},"
	            "\"checks_not_run\":null}");
	r.checks_ran = 0;
	r.checks_not_run = "no review plugin is installed";
	r.n_answered = r.n_open = r.n_withdrawn = 0;
	expect_json(
	    sl_resubmit_json(&r),
	    "{\"case_id\":\"ZRJ-1\",\"return_no\":1,\"answered\":[],"
	    "\"open\":[],\"withdrawn\":[],\"checks\":null,\"checks_not_run\":"
	    "\"no review plugin is installed\"}");
}

static void test_gate(void **st)
{
	(void)st;
	sl_finding f = {
	    "gate_outline",         "procedure", "blocker", "open_items",
	    "补查提纲尚有未补查项", NULL,        0,         NULL};
	sl_gate_script sc[2] = {
	    {"gate_findings", 1, 1, NULL, 0, ""},
	    {"gate_outline", 2, 0, &f, 1, NULL},
	};
	sl_gate_res r = {1, "ZRJ-1", 0, 0, "", sc, 2, NULL};
	expect_json(
	    sl_signoff_json(&r),
	    "{\"case_id\":\"ZRJ-1\",\"signed_off\":false,\"head\":null,"
	    "\"scripts\":[{\"script\":\"gate_findings\",\"version\":1,"
	    "\"passed\":true,\"findings\":[],\"printed\":\"\"},"
	    "{\"script\":\"gate_outline\",\"version\":2,\"passed\":false,"
	    "\"findings\":[{\"check\":\"gate_outline\",\"standard\":"
	    "\"procedure\",\"severity\":\"blocker\",\"code\":\"open_items\","
	    "\"message\":\"补查提纲尚有未补查项\",\"refs\":[],"
	    "\"outline_item\":null}],\"printed\":null}]}");
	/* signed off: the head it recorded */
	r.passed = r.signed_off = 1;
	strcpy(r.head, "42:00ff");
	r.n_scripts = 1;
	expect_json(sl_signoff_json(&r),
	            "{\"case_id\":\"ZRJ-1\",\"signed_off\":true,\"head\":"
	            "\"42:00ff\",\"scripts\":[{\"script\":\"gate_findings\","
	            "\"version\":1,\"passed\":true,\"findings\":[],"
	            "\"printed\":\"\"}]}");
	/* script run: the one script's object */
	expect_json(sl_script_run_json(&r),
	            "{\"script\":\"gate_findings\",\"version\":1,\"passed\":"
	            "true,\"findings\":[],\"printed\":\"\"}");
	/* the frees take a result that holds nothing */
	sl_gate_res empty = {0};
	sl_gate_res_free(&empty);
	sl_outline_res no = {0};
	sl_outline_res_free(&no);
	sl_document_res doc = {0};
	sl_document_res_free(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_finding_and_run),
	    cmocka_unit_test(test_opinion),
	    cmocka_unit_test(test_outline),
	    cmocka_unit_test(test_resubmit),
	    cmocka_unit_test(test_gate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
