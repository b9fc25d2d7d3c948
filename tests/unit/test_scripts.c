/*
 * Unit tests: the five built-in sign-off gate scripts (scripts/gate_*.lua),
 * run in-process through the Lua host (sl_sandbox_run) on hand-made case
 * views with the built-in rules. A clean, deliberated case passes them all;
 * each script has failing variants whose exact findings are asserted.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
/* */
#include "fsutil.h"
#include "rules.h"
#include "sandbox.h"
#include "text.h"

#ifndef SHENLI_SCRIPTS_DIR
#error "SHENLI_SCRIPTS_DIR must name the scripts source directory"
#endif

/* A case the review panel has deliberated on, after one return: every
 * script passes it without a single finding. E7 was gathered on the return
 * (after the transfer), and the supplement cites it. */
static const char clean_json[] =
    "{\"format\":\"shenli.case/1\",\"case_id\":\"ZRJ-2024-013\","
    "\"agency\":\"ZRJ\",\"transferred_on\":\"2024-05-06\","
    "\"subject\":{\"name\":\"李某\",\"person_id\":\"P-0042\","
    "\"party_member\":true,\"public_official\":true,"
    "\"position\":\"分局局长\",\"rank\":\"科级\",\"prior_sanctions\":"
    "[{\"system\":\"party\",\"level\":\"警告\","
    "\"decided_on\":\"2021-03-02\"}]},"
    "\"facts\":[{\"id\":\"F1\",\"summary\":\"违规设立小金库，用于租用私家车\","
    "\"violation\":\"small_coffers\",\"from\":\"2019-01-01\","
    "\"to\":\"2022-12-31\",\"amount_yuan\":86000,"
    "\"evidence\":[\"E1\",\"E2\",\"E7\"]}],"
    "\"evidence\":["
    "{\"id\":\"E1\",\"kind\":\"subject_statement\",\"title\":\"李某谈话笔录\","
    "\"obtained_on\":\"2024-03-11\",\"source\":\"李某\"},"
    "{\"id\":\"E2\",\"kind\":\"documentary\",\"title\":\"转账记录\","
    "\"obtained_on\":\"2024-03-20\",\"tags\":[\"bank_record\"]},"
    "{\"id\":\"E7\",\"kind\":\"witness_testimony\",\"title\":\"车主证言\","
    "\"obtained_on\":\"2024-06-10\"}],"
    "\"proposal\":{\"disciplines\":[\"integrity\"],"
    "\"eight_point_rules\":true,\"party_sanction\":\"严重警告\","
    "\"gov_sanction\":\"记过\",\"form\":2,"
    "\"circumstances\":[\"voluntary_confession\"]},"
    "\"documents\":["
    "{\"kind\":\"identity\",\"date\":\"2024-02-18\"},"
    "{\"kind\":\"filing_approval\",\"date\":\"2024-02-20\"},"
    "{\"kind\":\"investigation_report\",\"date\":\"2024-04-28\"},"
    "{\"kind\":\"fact_material\",\"date\":\"2024-04-28\"},"
    "{\"kind\":\"subject_written_response\",\"date\":\"2024-04-30\"},"
    "{\"kind\":\"response_explanation\",\"date\":\"2024-05-02\"},"
    "{\"kind\":\"transfer_form\",\"date\":\"2024-05-06\"}],"
    "\"supplement\":[{\"item\":\"1\",\"evidence\":[\"E7\"],"
    "\"note\":\"补充车主证言\"}],"
    "\"state\":\"deliberated\",\"zone\":\"Z1\","
    "\"accepted_on\":\"2024-05-08\",\"today\":\"2024-07-01\","
    "\"checked\":true,"
    "\"team\":[{\"id\":\"li\",\"role\":\"member\",\"agency\":\"ZCJ\"},"
    "{\"id\":\"zhao\",\"role\":\"member\",\"agency\":\"ZJY\"},"
    "{\"id\":\"wang\",\"role\":\"leader\",\"agency\":null}],"
    "\"findings\":[{\"check\":\"evidence\",\"standard\":\"evidence\","
    "\"severity\":\"note\",\"code\":\"evidence_requirement\","
    "\"message\":\"建议补充资金去向的证据\",\"refs\":[\"F1\"],"
    "\"outline_item\":null}],"
    "\"opinions\":["
    "{\"author\":\"li\",\"author_agency\":\"ZCJ\",\"author_role\":\"member\","
    "\"panel\":false,\"recorded_on\":\"2024-06-20\","
    "\"disciplines\":[\"integrity\"],\"eight_point_rules\":true,"
    "\"party_sanction\":\"严重警告\",\"gov_sanction\":\"记过\",\"form\":2,"
    "\"reasoning\":\"事实清楚\",\"dissent\":[]},"
    "{\"author\":\"zhao\",\"author_agency\":\"ZJY\","
    "\"author_role\":\"member\",\"panel\":false,"
    "\"recorded_on\":\"2024-06-21\",\"disciplines\":[\"integrity\"],"
    "\"eight_point_rules\":true,\"party_sanction\":\"严重警告\","
    "\"gov_sanction\":\"记过\",\"form\":2,\"reasoning\":\"同意\","
    "\"dissent\":[]},"
    "{\"author\":\"wang\",\"author_agency\":null,\"author_role\":\"leader\","
    "\"panel\":true,\"recorded_on\":\"2024-06-25\","
    "\"disciplines\":[\"integrity\"],\"eight_point_rules\":true,"
    "\"party_sanction\":\"严重警告\",\"gov_sanction\":\"记过\",\"form\":2,"
    "\"reasoning\":\"集体审议同意\",\"dissent\":[]}],"
    "\"returns\":[{\"return_no\":1,\"kind\":\"supplement\","
    "\"returned_on\":\"2024-05-20\",\"resubmitted_on\":\"2024-06-15\","
    "\"items\":[{\"no\":1,\"text\":\"补充车主身份及与李某关系的证人证言\","
    "\"refs\":[\"F1\",\"E2\"],\"answered\":true},"
    "{\"no\":2,\"text\":\"查明资金最终去向\",\"refs\":[\"F1\"],"
    "\"answered\":true}]}]}";

static const char *const script_names[] = {"gate_findings", "gate_outline",
                                           "gate_opinions", "gate_panel",
                                           "gate_dates"};
#define N_SCRIPTS (sizeof script_names / sizeof script_names[0])

static json_t *rules_builtin;
static char *sources[N_SCRIPTS];
static size_t source_len[N_SCRIPTS];

static int setup(void **st)
{
	(void)st;
	size_t len;
	const char *text = sl_rules_builtin(&len);
	rules_builtin = json_loadb(text, len, 0, NULL);
	if (!rules_builtin)
		return -1;
	for (size_t i = 0; i < N_SCRIPTS; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s.lua", SHENLI_SCRIPTS_DIR,
		         script_names[i]);
		if (sl_file_read(path, 1 << 20, &sources[i], &source_len[i]))
			return -1;
	}
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	json_decref(rules_builtin);
	for (size_t i = 0; i < N_SCRIPTS; i++)
		free(sources[i]);
	return 0;
}

static json_t *clean_view(void)
{
	json_error_t err;
	json_t *v = json_loads(clean_json, 0, &err);
	if (!v)
		fail_msg("clean view: %s at %d", err.text, err.position);
	return v;
}

/* The value at a '/'-separated path of object keys and array indexes. */
static json_t *at(json_t *v, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save, *k = strtok_r(buf, "/", &save); k && v;
	     k = strtok_r(NULL, "/", &save))
		v = json_is_array(v) ? json_array_get(v, strtoul(k, NULL, 10))
		                     : json_object_get(v, k);
	if (!v)
		fail_msg("no %s in the view", path);
	return v;
}

/* Set key of the object at path (stealing value). */
static void set(json_t *view, const char *path, const char *key, json_t *value)
{
	assert_int_equal(json_object_set_new(at(view, path), key, value), 0);
}

/* Run one script (by name) on a view with the given rules; the findings. */
static json_t *run_with(const char *name, const json_t *view,
                        const json_t *rules)
{
	size_t i = 0;
	while (i < N_SCRIPTS && strcmp(script_names[i], name))
		i++;
	assert_true(i < N_SCRIPTS);
	sl_script_src src = {name, sources[i], source_len[i]};
	sl_sandbox_limits lim;
	sl_sandbox_defaults(&lim);
	json_t *findings = json_array();
	assert_non_null(findings);
	assert_int_equal(
	    sl_sandbox_run(&src, view, rules, &lim, 1, findings, NULL), SL_OK);
	size_t k;
	json_t *f;
	json_array_foreach(findings, k, f)
	{
		/* every finding is the script's own, never the host's */
		assert_string_equal(
		    json_string_value(json_object_get(f, "check")), name);
		const char *msg =
		    json_string_value(json_object_get(f, "message"));
		assert_non_null(msg);
		assert_true(strlen(msg) <= 4096);
		assert_true(sl_utf8_valid(msg, strlen(msg)));
	}
	return findings;
}

/* "severity:code,severity:code" of the findings, in order. */
static void summary(const json_t *findings, char *out, size_t cap)
{
	size_t i, n = 0;
	json_t *f;
	out[0] = 0;
	json_array_foreach(findings, i, f)
	{
		n += (size_t)snprintf(
		    out + n, n < cap ? cap - n : 0, "%s%s:%s", i ? "," : "",
		    json_string_value(json_object_get(f, "severity")),
		    json_string_value(json_object_get(f, "code")));
		assert_true(n < cap);
	}
}

/* Run the script and insist on exactly these findings; returns them. */
static json_t *expect_with(const char *name, const json_t *view,
                           const json_t *rules, const char *want)
{
	json_t *findings = run_with(name, view, rules);
	char got[2048];
	summary(findings, got, sizeof got);
	if (strcmp(got, want)) {
		char *dump = json_dumps(findings, JSON_INDENT(1));
		print_message("%s\n", dump);
		free(dump);
		fail_msg("%s: got \"%s\", want \"%s\"", name, got, want);
	}
	return findings;
}

static json_t *expect(const char *name, const json_t *view, const char *want)
{
	return expect_with(name, view, rules_builtin, want);
}

static void expect_once(const char *name, const json_t *view, const char *want)
{
	json_decref(expect(name, view, want));
}

static const char *str_at(json_t *findings, const char *path)
{
	const char *s = json_string_value(at(findings, path));
	assert_non_null(s);
	return s;
}

static void test_clean_case_passes(void **st)
{
	(void)st;
	json_t *v = clean_view();
	for (size_t i = 0; i < N_SCRIPTS; i++)
		expect_once(script_names[i], v, "");
	json_decref(v);
}

/* Optional fields absent, nullable ones null, lists empty: no script may
 * error (the host would report script_error); what they do report is
 * what such a case lacks. */
static void test_sparse_view_does_not_error(void **st)
{
	(void)st;
	json_t *v = clean_view();
	json_object_del(v, "supplement");
	json_object_del(v, "returns");
	json_object_del(v, "findings");
	json_object_del(v, "team");
	set(v, "", "zone", json_null());
	set(v, "", "accepted_on", json_null());
	json_object_del(at(v, "subject"), "position");
	json_object_del(at(v, "subject"), "prior_sanctions");
	json_object_del(at(v, "facts/0"), "from");
	json_object_del(at(v, "facts/0"), "to");
	json_object_del(at(v, "facts/0"), "amount_yuan");
	json_object_del(at(v, "evidence/2"), "obtained_on");
	set(v, "opinions/2", "party_sanction", json_null());
	set(v, "opinions/2", "gov_sanction", json_null());
	set(v, "opinions/2", "form", json_integer(1));
	json_object_del(at(v, "opinions/2"), "disciplines");
	set(v, "opinions/2", "eight_point_rules", json_true());
	expect_once("gate_findings", v, "");
	expect_once("gate_outline", v, "");
	/* nobody is on the (absent) team */
	expect_once(
	    "gate_opinions", v,
	    "blocker:opinion_not_assigned,blocker:opinion_not_assigned");
	/* small_coffers is "depends": the flag may stand; its discipline is
	 * not among the (absent) disciplines, which blocks as it does in the
	 * proposal (discipline_missed) */
	expect_once("gate_panel", v, "blocker:discipline_missing");
	expect_once("gate_dates", v, "");
	json_decref(v);

	/* an empty shell: every list absent */
	json_t *shell = json_pack("{s:s, s:s, s:b}", "format", "shenli.case/1",
	                          "today", "2024-07-01", "checked", 1);
	assert_non_null(shell);
	expect_once("gate_findings", shell, "");
	expect_once("gate_outline", shell, "");
	expect_once("gate_opinions", shell,
	            "blocker:too_few_opinions,blocker:no_panel_opinion");
	expect_once("gate_panel", shell, "");
	expect_once("gate_dates", shell, "");
	json_decref(shell);
}

/* Without rules in force the gates do not error: the opinion gate falls
 * back to a team of 2, the panel gate cannot confirm the opinion and holds
 * it up, the others do not read the rules. */
static void test_without_rules(void **st)
{
	(void)st;
	json_t *v = clean_view();
	for (size_t i = 0; i < N_SCRIPTS; i++)
		if (strcmp(script_names[i], "gate_panel"))
			json_decref(expect_with(script_names[i], v, NULL, ""));
	json_decref(expect_with("gate_panel", v, NULL,
	                        "blocker:form_sanction_mismatch,"
	                        "blocker:eight_point_mismatch"));
	json_array_remove(at(v, "opinions"), 1);
	json_decref(
	    expect_with("gate_opinions", v, NULL, "blocker:too_few_opinions"));
	json_decref(v);
}

static json_t *blocker_finding(const char *check, const char *standard,
                               const char *code, const char *message,
                               const char *ref1, const char *ref2)
{
	json_t *f =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:n}", "check", check,
	              "standard", standard, "severity", "blocker", "code", code,
	              "message", message, "refs", "outline_item");
	assert_non_null(f);
	json_t *refs = json_object_get(f, "refs");
	if (ref1)
		json_array_append_new(refs, json_string(ref1));
	if (ref2)
		json_array_append_new(refs, json_string(ref2));
	return f;
}

static void test_findings_gate(void **st)
{
	(void)st;
	json_t *v = clean_view();
	set(v, "", "checked", json_false());
	json_t *out = expect("gate_findings", v, "blocker:checks_not_run");
	assert_string_equal(str_at(out, "0/standard"), "formalities");
	json_decref(out);

	/* not run is not run, whatever the reason it is not said */
	json_object_del(v, "checked");
	expect_once("gate_findings", v, "blocker:checks_not_run");

	set(v, "", "checked", json_true());
	json_t *fs = at(v, "findings");
	json_array_append_new(
	    fs, blocker_finding("evidence", "evidence", "confession_only",
	                        "仅有被审查调查人陈述", "F1", "E1"));
	json_t *warning =
	    blocker_finding("classification", "classification",
	                    "eight_point_unsupported", "不计", NULL, NULL);
	json_object_set_new(warning, "severity", json_string("warning"));
	json_array_append_new(fs, warning);
	json_array_append_new(
	    fs, blocker_finding("procedure", "procedure", "date_order",
	                        "日期倒置", "investigation_report", NULL));
	out = expect("gate_findings", v,
	             "blocker:open_blocker,blocker:open_blocker");
	assert_string_equal(str_at(out, "0/standard"), "evidence");
	assert_string_equal(
	    str_at(out, "0/message"),
	    "尚有未解决的阻断性问题（evidence/confession_only）："
	    "仅有被审查调查人陈述");
	assert_string_equal(str_at(out, "0/refs/0"), "F1");
	assert_string_equal(str_at(out, "0/refs/1"), "E1");
	assert_int_equal(json_array_size(at(out, "0/refs")), 2);
	assert_string_equal(str_at(out, "1/standard"), "procedure");
	assert_string_equal(str_at(out, "1/refs/0"), "investigation_report");
	json_decref(out);

	/* both at once; a message at the host's limit is cut, still valid
	 * UTF-8, on a character boundary */
	set(v, "", "checked", json_false());
	char big[4097];
	for (size_t i = 0; i + 3 < sizeof big; i += 3)
		memcpy(big + i, "审", 3);
	big[4095] = 0; /* 1365 characters */
	json_array_clear(fs);
	json_array_append_new(
	    fs, blocker_finding("evidence", "facts", "long", big, NULL, NULL));
	out = expect("gate_findings", v,
	             "blocker:checks_not_run,blocker:open_blocker");
	const char *msg = str_at(out, "1/message");
	assert_true(strlen(msg) > 4000);
	assert_non_null(strstr(msg, "（evidence/long）：审审"));
	assert_string_equal(msg + strlen(msg) - 3, "…");
	assert_string_equal(str_at(out, "1/standard"), "facts");
	json_decref(out);
	json_decref(v);
}

static void test_outline_gate(void **st)
{
	(void)st;
	json_t *v = clean_view();
	set(v, "returns/0/items/1", "answered", json_false());
	json_t *out = expect("gate_outline", v, "blocker:outline_item_open");
	assert_string_equal(str_at(out, "0/standard"), "evidence");
	assert_string_equal(
	    str_at(out, "0/message"),
	    "第1次退回的补查提纲第2项尚未补查：查明资金最终去向");
	assert_string_equal(str_at(out, "0/refs/0"), "F1");
	assert_int_equal(json_array_size(at(out, "0/refs")), 1);
	json_decref(out);

	/* a second return: its item without "answered" is open too, and so is
	 * the first return's first item */
	json_t *ret2 =
	    json_pack("{s:i, s:s, s:s, s:n, s:[{s:i, s:s, s:[s]}]}",
	              "return_no", 2, "kind", "reinvestigate", "returned_on",
	              "2024-06-22", "resubmitted_on", "items", "no", 1, "text",
	              "补充调取记账凭证", "refs", "E2");
	assert_non_null(ret2);
	json_array_append_new(at(v, "returns"), ret2);
	set(v, "returns/0/items/0", "answered", json_false());
	set(v, "returns/0/items/1", "answered", json_true());
	out = expect("gate_outline", v,
	             "blocker:outline_item_open,blocker:outline_item_open");
	assert_string_equal(str_at(out, "0/message"),
	                    "第1次退回的补查提纲第1项尚未补查：补充车主身份及与"
	                    "李某关系的证人证言");
	assert_string_equal(str_at(out, "0/refs/1"), "E2");
	assert_string_equal(
	    str_at(out, "1/message"),
	    "第2次退回的补查提纲第1项尚未补查：补充调取记账凭证");
	json_decref(out);
	/* an item the leader withdrew with a reason is settled; one withdrawn
	 * without a reason is not */
	json_object_set_new(at(v, "returns/0/items/0"), "withdrawn",
	                    json_pack("{s:s, s:s}", "withdrawn_on",
	                              "2024-07-01", "reason",
	                              "车主已死亡，无法取证"));
	json_object_set_new(at(v, "returns/1/items/0"), "withdrawn",
	                    json_pack("{s:s, s:s}", "withdrawn_on",
	                              "2024-07-01", "reason", ""));
	out = expect("gate_outline", v, "blocker:outline_item_open");
	assert_string_equal(
	    str_at(out, "0/message"),
	    "第2次退回的补查提纲第1项尚未补查：补充调取记账凭证");
	json_decref(out);
	set(v, "returns/1/items/0", "withdrawn",
	    json_pack("{s:s}", "reason", "重复"));
	expect_once("gate_outline", v, "");
	json_decref(v);
}

static void test_opinions_gate(void **st)
{
	(void)st;
	json_t *v = clean_view();
	/* only one reviewer gave an opinion */
	json_array_remove(at(v, "opinions"), 1);
	json_t *out = expect("gate_opinions", v, "blocker:too_few_opinions");
	assert_string_equal(str_at(out, "0/standard"), "procedure");
	json_decref(out);
	json_decref(v);

	/* li is from the transferring agency; qian is not on the team */
	v = clean_view();
	set(v, "opinions/0", "author_agency", json_string("ZRJ"));
	set(v, "opinions/1", "author", json_string("qian"));
	out = expect("gate_opinions", v,
	             "blocker:opinion_recused,blocker:opinion_not_assigned");
	assert_string_equal(str_at(out, "0/refs/0"), "li");
	assert_string_equal(str_at(out, "1/refs/0"), "qian");
	json_decref(out);
	json_decref(v);

	/* no collective deliberation on record; two opinions by one author
	 * count once */
	v = clean_view();
	json_array_remove(at(v, "opinions"), 2);
	expect_once("gate_opinions", v, "blocker:no_panel_opinion");
	set(v, "opinions/1", "author", json_string("li"));
	expect_once("gate_opinions", v,
	            "blocker:too_few_opinions,blocker:no_panel_opinion");
	json_decref(v);

	/* the panel's record by someone of the transferring agency */
	v = clean_view();
	set(v, "opinions/2", "author_agency", json_string("ZRJ"));
	expect_once("gate_opinions", v, "blocker:opinion_recused");
	json_decref(v);

	/* rules asking for a team of three */
	v = clean_view();
	json_t *rules = json_deep_copy(rules_builtin);
	set(rules, "review", "min_team", json_integer(3));
	out =
	    expect_with("gate_opinions", v, rules, "blocker:too_few_opinions");
	assert_non_null(strstr(str_at(out, "0/message"), "3"));
	json_decref(out);
	json_decref(rules);
	json_decref(v);
}

static void test_panel_gate(void **st)
{
	(void)st;
	const char *P = "opinions/2";
	/* form 1 (criticism, talks) with sanctions */
	json_t *v = clean_view();
	set(v, P, "form", json_integer(1));
	json_t *out = expect("gate_panel", v, "blocker:form_sanction_mismatch");
	assert_string_equal(str_at(out, "0/standard"), "classification");
	json_decref(out);
	/* form 2 without any sanction: an organizational adjustment, to be
	 * verified (a note, as the classification plugin says); but no
	 * sanction for what warrants 严重警告 to 撤销党内职务 (8.6万元 and a
	 * prior sanction) is 畸轻 */
	set(v, P, "form", json_integer(2));
	set(v, P, "party_sanction", json_null());
	set(v, P, "gov_sanction", json_null());
	out = expect("gate_panel", v,
	             "note:form_adjustment,blocker:sanction_too_light");
	assert_non_null(strstr(str_at(out, "0/message"), "组织调整"));
	assert_non_null(strstr(str_at(out, "1/message"), "畸轻"));
	assert_string_equal(str_at(out, "1/refs/0"), "F1");
	json_decref(out);
	json_decref(v);

	/* expulsion for the same: 畸重; the crime form lifts nothing */
	v = clean_view();
	set(v, P, "party_sanction", json_string("开除党籍"));
	set(v, P, "gov_sanction", json_string("开除"));
	set(v, P, "form", json_integer(4));
	out = expect("gate_panel", v, "blocker:sanction_too_heavy");
	assert_non_null(strstr(str_at(out, "0/message"), "畸重"));
	json_decref(out);
	/* with 8.6万元 grown to a crime's amount of benefit funds, expulsion
	 * and transfer is in range */
	set(v, "facts/0", "violation", json_string("embezzle_benefit_funds"));
	set(v, "facts/0", "amount_yuan", json_integer(450000));
	set(v, P, "disciplines", json_pack("[s]", "mass"));
	set(v, P, "eight_point_rules", json_false());
	expect_once("gate_panel", v, "");
	json_decref(v);

	/* a heavy party sanction alone, in form 2 */
	v = clean_view();
	set(v, P, "party_sanction", json_string("撤销党内职务"));
	set(v, P, "gov_sanction", json_null());
	out = expect("gate_panel", v, "blocker:form_sanction_mismatch");
	assert_non_null(strstr(str_at(out, "0/message"), "撤销党内职务"));
	json_decref(out);
	json_decref(v);

	/* 警告 with 撤职: the pair disagrees, and 撤职 is not form 2 */
	v = clean_view();
	set(v, P, "party_sanction", json_string("警告"));
	set(v, P, "gov_sanction", json_string("撤职"));
	out =
	    expect("gate_panel", v,
	           "blocker:form_sanction_mismatch,blocker:party_gov_mismatch");
	assert_non_null(strstr(str_at(out, "0/message"), "撤职"));
	assert_string_equal(str_at(out, "1/standard"), "disposal");
	json_decref(out);
	json_decref(v);

	/* a party sanction for a non-member, a government one for a
	 * non-official */
	v = clean_view();
	set(v, "subject", "party_member", json_false());
	expect_once("gate_panel", v, "blocker:sanction_subject_mismatch");
	set(v, "subject", "public_official", json_false());
	expect_once("gate_panel", v,
	            "blocker:sanction_subject_mismatch,"
	            "blocker:sanction_subject_mismatch");
	json_decref(v);

	/* an eight-point violation ("yes") that the panel does not call one */
	v = clean_view();
	set(v, "facts/0", "violation", json_string("public_funds_banquet"));
	/* 5000 yuan: 8.6万元 of banquets would make 严重警告 畸轻 */
	set(v, "facts/0", "amount_yuan", json_integer(5000));
	set(v, P, "eight_point_rules", json_false());
	out = expect("gate_panel", v, "blocker:eight_point_mismatch");
	assert_string_equal(str_at(out, "0/refs/0"), "F1");
	json_decref(out);
	json_decref(v);

	/* the flag without any eight-point violation; dereliction is a work
	 * discipline matter the panel left out */
	v = clean_view();
	set(v, "facts/0", "violation", json_string("dereliction"));
	out = expect("gate_panel", v,
	             "blocker:eight_point_mismatch,blocker:discipline_missing");
	assert_string_equal(str_at(out, "1/refs/0"), "F1");
	assert_non_null(strstr(str_at(out, "1/message"), "工作纪律"));
	json_decref(out);
	/* with the discipline named, only the flag is wrong */
	json_array_append_new(at(v, "opinions/2/disciplines"),
	                      json_string("work"));
	expect_once("gate_panel", v, "blocker:eight_point_mismatch");
	json_decref(v);

	/* the agency's proposal is not the panel's opinion */
	v = clean_view();
	set(v, "proposal", "form", json_integer(4));
	expect_once("gate_panel", v, "");
	json_decref(v);
}

static void test_dates_gate(void **st)
{
	(void)st;
	json_t *v = clean_view();
	set(v, "facts/0", "from", json_string("2023-01-01"));
	json_t *out = expect("gate_dates", v, "blocker:date_inconsistent");
	const char *msg = str_at(out, "0/message");
	assert_string_equal(str_at(out, "0/standard"), "procedure");
	assert_non_null(strstr(msg, "起始日期"));
	assert_null(strstr(msg, "from"));
	assert_non_null(strstr(msg, "2023-01-01"));
	assert_non_null(strstr(msg, "2022-12-31"));
	assert_string_equal(str_at(out, "0/refs/0"), "F1");
	json_decref(out);
	json_decref(v);

	/* E7 obtained after the transfer, and no supplement cites it */
	v = clean_view();
	json_object_del(v, "supplement");
	out = expect("gate_dates", v, "blocker:date_inconsistent");
	msg = str_at(out, "0/message");
	assert_non_null(strstr(msg, "证据E7的取得日期"));
	assert_null(strstr(msg, "obtained_on"));
	assert_non_null(strstr(msg, "2024-06-10"));
	assert_non_null(strstr(msg, "2024-05-06"));
	assert_string_equal(str_at(out, "0/refs/0"), "E7");
	json_decref(out);
	/* nor may evidence be obtained after today, supplement or not */
	set(v, "", "today", json_string("2024-06-01"));
	expect_once("gate_dates", v,
	            "blocker:date_inconsistent,blocker:date_inconsistent");
	json_decref(v);

	/* 2023 is not a leap year: reported once, and not compared */
	v = clean_view();
	set(v, "documents/1", "date", json_string("2023-02-29"));
	out = expect("gate_dates", v, "blocker:date_inconsistent");
	assert_non_null(strstr(str_at(out, "0/message"), "2023-02-29"));
	assert_string_equal(str_at(out, "0/refs/0"), "doc:filing_approval");
	json_decref(out);
	/* 2000 is a leap year, 1900 is not */
	set(v, "documents/1", "date", json_string("2024-02-20"));
	set(v, "subject/prior_sanctions/0", "decided_on",
	    json_string("2000-02-29"));
	expect_once("gate_dates", v, "");
	set(v, "subject/prior_sanctions/0", "decided_on",
	    json_string("1900-02-29"));
	expect_once("gate_dates", v, "blocker:date_inconsistent");
	set(v, "subject/prior_sanctions/0", "decided_on",
	    json_string("2021-03-02"));
	/* no day 0, no year before 1900, nothing but YYYY-MM-DD */
	set(v, "facts/0", "to", json_string("2022-12-00"));
	set(v, "evidence/0", "obtained_on", json_string("1899-12-31"));
	set(v, "evidence/1", "obtained_on", json_string("2024-3-20"));
	out = expect("gate_dates", v,
	             "blocker:date_inconsistent,blocker:date_inconsistent,"
	             "blocker:date_inconsistent");
	assert_string_equal(str_at(out, "0/refs/0"), "F1");
	assert_string_equal(str_at(out, "1/refs/0"), "E1");
	assert_string_equal(str_at(out, "2/refs/0"), "E2");
	json_decref(out);
	json_decref(v);
	v = clean_view();
	/* a document and a prior sanction dated after the transfer */
	set(v, "documents/1", "date", json_string("2024-05-07"));
	set(v, "subject/prior_sanctions/0", "decided_on",
	    json_string("2024-12-01"));
	expect_once("gate_dates", v,
	            "blocker:date_inconsistent,blocker:date_inconsistent");
	json_decref(v);
	/* but an identity document (任免文件) may carry any date */
	v = clean_view();
	set(v, "documents/0", "date", json_string("2024-12-01"));
	expect_once("gate_dates", v, "");
	set(v, "documents/1", "date", json_string("2024-05-07"));
	out = expect("gate_dates", v, "blocker:date_inconsistent");
	assert_non_null(strstr(str_at(out, "0/message"), "立案审批表"));
	assert_null(strstr(str_at(out, "0/message"), "filing_approval"));
	json_decref(out);
	json_decref(v);

	/* the panel deliberated before zhao's opinion was recorded */
	v = clean_view();
	set(v, "opinions/2", "recorded_on", json_string("2024-06-20"));
	out = expect("gate_dates", v, "blocker:date_inconsistent");
	assert_non_null(strstr(str_at(out, "0/message"), "zhao"));
	assert_non_null(strstr(str_at(out, "0/message"), "2024-06-21"));
	json_decref(out);
	json_decref(v);

	/* resubmitted before it was returned; accepted before the transfer
	 * (and so before nothing else) */
	v = clean_view();
	set(v, "returns/0", "resubmitted_on", json_string("2024-05-19"));
	expect_once("gate_dates", v, "blocker:date_inconsistent");
	set(v, "returns/0", "resubmitted_on", json_string("2024-06-15"));
	set(v, "", "accepted_on", json_string("2024-05-01"));
	out = expect("gate_dates", v, "blocker:date_inconsistent");
	assert_non_null(strstr(str_at(out, "0/message"), "受理日期"));
	assert_null(strstr(str_at(out, "0/message"), "accepted_on"));
	json_decref(out);
	/* an opinion recorded before acceptance, a return before it */
	set(v, "", "accepted_on", json_string("2024-06-21"));
	expect_once("gate_dates", v,
	            "blocker:date_inconsistent,blocker:date_inconsistent");
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_case_passes),
	    cmocka_unit_test(test_sparse_view_does_not_error),
	    cmocka_unit_test(test_without_rules),
	    cmocka_unit_test(test_findings_gate),
	    cmocka_unit_test(test_outline_gate),
	    cmocka_unit_test(test_opinions_gate),
	    cmocka_unit_test(test_panel_gate),
	    cmocka_unit_test(test_dates_gate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
