/*
 * fuzz_rules.c - the rules document parser (core/rules.c). Rules arrive
 * as a signed package, but a trusted key is not a promise of well-formed
 * JSON, and intake and the checks read the parsed rules without checking
 * them again: so every accessor is exercised on whatever was accepted.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sl_rules *r = NULL;
	sl_rc rc = sl_rules_parse((const char *)data, size, &r);
	if (rc) {
		CHECK(r == NULL && rc == SL_EINPUT);
		return 0;
	}
	CHECK(r != NULL);
	CHECK(sl_rules_version(r) >= 1);
	CHECK(sl_rules_limit_days(r) >= 1);
	CHECK(sl_rules_min_team(r) >= 2);
	CHECK(sl_rules_max_extension_days(r) >= 0);
	CHECK(sl_rules_max_returns(r) >= 0);
	for (size_t i = 0; i < sl_rules_n_required_docs(r); i++) {
		const char *k = sl_rules_required_doc(r, i);
		CHECK(k && *k);
		CHECK(sl_rules_doc_name(r, k) != NULL);
	}
	CHECK(sl_rules_required_doc(r, sl_rules_n_required_docs(r)) == NULL);
	for (size_t i = 0; i < sl_rules_n_identity_docs(r); i++) {
		const char *k = sl_rules_identity_doc(r, i);
		CHECK(k && *k);
		CHECK(sl_rules_evidence_name(r, k) != NULL);
	}
	CHECK(sl_rules_identity_doc(r, sl_rules_n_identity_docs(r)) == NULL);

	/* Every violation in the document is found by its code, with the
	 * fields the parser promised. */
	const char *code;
	json_t *v;
	json_t *vo = json_object_get(sl_rules_json(r), "violations");
	CHECK(json_is_object(vo));
	json_object_foreach(vo, code, v)
	{
		const sl_violation *x = sl_rules_violation(r, code);
		CHECK(x && !strcmp(x->code, code));
		CHECK(x->zh && x->discipline);
		CHECK(x->eight_point >= -1 && x->eight_point <= 1);
		CHECK(x->use_matters == 0 || x->use_matters == 1);
	}
	/* the circumstance vocabulary, each found by its code */
	for (size_t i = 0; i < sl_rules_n_circumstances(r); i++) {
		const sl_circumstance *c = sl_rules_circumstance_at(r, i);
		CHECK(c && c->code && c->zh && *c->zh);
		CHECK(sl_rules_circumstance(r, c->code) != NULL);
	}
	CHECK(sl_rules_circumstance_at(r, sl_rules_n_circumstances(r)) == NULL);
	/* an accepted calendar answers for every day it covers, and refuses
	 * the days around it */
	const sl_calendar *cal = sl_rules_calendar(r);
	if (cal) {
		int first = sl_calendar_first_year(cal);
		int last = sl_calendar_last_year(cal);
		CHECK(first >= 1900 && last <= 2200 && first <= last);
		CHECK(sl_calendar_source(cal, first, NULL) != NULL);
		char day[16], out[11];
		int w, n;
		snprintf(day, sizeof day, "%04d-01-01", first);
		CHECK(sl_calendar_is_working_day(cal, day, &w) == SL_OK);
		CHECK(w == 0 || w == 1);
		snprintf(day, sizeof day, "%04d-12-31", last);
		CHECK(sl_calendar_is_working_day(cal, day, &w) == SL_OK);
		if (sl_calendar_add_working_days(cal, day, -5, out) == SL_OK)
			CHECK(sl_calendar_working_days_between(cal, day, out,
			                                       &n) == SL_OK &&
			      n == -5);
		if (first > 1900) {
			snprintf(day, sizeof day, "%04d-12-31", first - 1);
			CHECK(sl_calendar_is_working_day(cal, day, &w) ==
			      SL_EINPUT);
		}
	}
	sl_rules_free(r);
	return 0;
}
