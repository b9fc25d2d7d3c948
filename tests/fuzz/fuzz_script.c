/*
 * fuzz_script.c - the Lua host for consistency scripts (core/sandbox.c):
 * each input is a script's source, run by sl_sandbox_run on one fixed case
 * view (tests/fixtures/dossiers/example.json with the fields the host adds)
 * and the built-in rules, with small limits (4 MiB, 1M instructions,
 * 200 ms) so that runaway scripts end quickly.
 *
 * What is checked beyond memory safety: the host returns SL_OK whatever
 * the script does; every finding it appends has the one shape the host
 * promises (the script's check name, a standard and severity from their
 * lists, bounded valid UTF-8 text); print output stays bounded; and the
 * case view and the rules are exactly as they were (they are read-only
 * to scripts).
 *
 * Known limit, not a finding: time spent inside one C library call (a
 * pathological string.find pattern) is beyond any hook in-process; that is
 * what sl_sandbox_run_isolated's worker process and its kill are for
 * (sandbox.h). libFuzzer reports such an input as a timeout.
 */
#include <string.h>

#include "fuzz_common.h"
#include "rules.h"
#include "sandbox.h"
#include "text.h"

#ifndef SHENLI_FUZZ_CASE
#error "SHENLI_FUZZ_CASE: the example dossier's path (see CMakeLists.txt)"
#endif

static json_t *view, *view_copy, *rules, *rules_copy;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_error_t err;
	view = json_load_file(SHENLI_FUZZ_CASE, JSON_REJECT_DUPLICATES, &err);
	SETUP(json_is_object(view));
	json_object_set_new(view, "state", json_string("in_review"));
	json_object_set_new(view, "zone", json_string("Z1"));
	json_object_set_new(view, "accepted_on", json_null());
	json_object_set_new(view, "today", json_string("2024-06-01"));
	json_object_set_new(view, "checked", json_true());
	json_object_set_new(view, "score", json_real(0.5));
	json_object_set_new(
	    view, "team",
	    json_pack("[{s:s,s:s,s:n},{s:s,s:s,s:s},{s:s,s:s,s:n}]", "id", "li",
	              "role", "member", "agency", "id", "wang", "role",
	              "leader", "agency", "ZCJ", "id", "zhao", "role", "member",
	              "agency"));
	json_object_set_new(view, "findings", json_array());
	json_object_set_new(view, "opinions", json_array());
	json_object_set_new(view, "returns", json_array());
	size_t n;
	const char *doc = sl_rules_builtin(&n);
	rules = json_loadb(doc, n, 0, &err);
	SETUP(rules);
	view_copy = json_deep_copy(view);
	rules_copy = json_deep_copy(rules);
	SETUP(view_copy && rules_copy);
	return 0;
}

static int one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, v[i]))
			return 1;
	return 0;
}

static void check_text(const json_t *s, size_t max)
{
	CHECK(json_is_string(s));
	size_t n = json_string_length(s);
	CHECK(n >= 1 && n <= max);
	CHECK(sl_utf8_valid(json_string_value(s), n));
	CHECK(strlen(json_string_value(s)) == n);
}

static void check_finding(const json_t *f)
{
	static const char *const standards[] = {"facts",          "evidence",
	                                        "classification", "disposal",
	                                        "formalities",    "procedure"};
	static const char *const severities[] = {"blocker", "warning", "note"};
	CHECK(json_is_object(f));
	CHECK(!strcmp(json_string_value(json_object_get(f, "check")), "fuzz"));
	CHECK(one_of(json_string_value(json_object_get(f, "standard")),
	             standards, 6));
	CHECK(one_of(json_string_value(json_object_get(f, "severity")),
	             severities, 3));
	check_text(json_object_get(f, "code"), 64);
	check_text(json_object_get(f, "message"), 4096);
	const json_t *o = json_object_get(f, "outline_item");
	CHECK(o != NULL);
	if (!json_is_null(o))
		check_text(o, 4096);
	const json_t *refs = json_object_get(f, "refs");
	CHECK(json_is_array(refs) && json_array_size(refs) <= 64);
	for (size_t i = 0; i < json_array_size(refs); i++)
		check_text(json_array_get(refs, i), 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sl_script_src s = {"fuzz", (const char *)data, size};
	sl_sandbox_limits lim = {4u << 20, 1000000, 200};
	json_t *findings = json_array();
	char *printed = NULL;
	SETUP(findings);
	sl_rc rc = sl_sandbox_run(&s, view, rules, &lim, 1, findings, &printed);
	CHECK(rc == SL_OK);
	CHECK(printed && strlen(printed) <= 64 * 1024);
	for (size_t i = 0; i < json_array_size(findings); i++)
		check_finding(json_array_get(findings, i));
	CHECK(json_equal(view, view_copy));
	CHECK(json_equal(rules, rules_copy));
	free(printed);
	json_decref(findings);
	return 0;
}
