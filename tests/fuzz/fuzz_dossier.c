/*
 * fuzz_dossier.c - the shenli.case/1 parser (core/dossier.c), which is the
 * first thing a transferred, untrusted file meets.
 *
 * Each input is one dossier. Beyond "no crash, no leak, no UB" the harness
 * checks what the parser promises its callers (dossier.h), because intake
 * and the checks rely on it without re-checking: ids unique and found by
 * the lookups, dates real, enums from their vocabularies, strings valid
 * UTF-8 within their caps. It then runs the store-free half of intake's
 * formal check (required documents, dangling evidence, unknown violation
 * codes against the built-in rules), and parses an accepted document again
 * under tight limits so that the limit paths see well-formed input too.
 * The store-backed half of intake is fuzz_intake.c.
 */
#include <math.h>
#include <string.h>

#include "dossier.h"
#include "fuzz_common.h"
#include "rules.h"
#include "text.h"

static sl_rules *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	size_t len;
	const char *doc = sl_rules_builtin(&len);
	SETUP(sl_rules_parse(doc, len, &rules) == SL_OK);
	return 0;
}

static int in_list(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return 1;
	return 0;
}

/* A string the dossier hands out: valid UTF-8, within its cap. */
static void check_str(const char *s, size_t max, int may_be_null)
{
	if (!s) {
		CHECK(may_be_null);
		return;
	}
	size_t n = strlen(s);
	CHECK(n <= max);
	CHECK(sl_utf8_valid(s, n));
	/* Messages quote such values through the sanitiser: whatever the
	 * bytes, what it writes must be printable and fit. */
	char out[24];
	sl_text_sanitize(s, out, sizeof out);
	CHECK(strlen(out) < sizeof out);
	CHECK(sl_text_printable(out, strlen(out)));
}

static void check_strs(const char **v, size_t n, size_t max)
{
	CHECK(n == 0 || v != NULL);
	for (size_t i = 0; i < n; i++) {
		check_str(v[i], max, 0);
		CHECK(*v[i]);
	}
}

static void check_dossier(const sl_dossier *d, const sl_dossier_limits *l)
{
	static const char *const ev_kinds[] = {
	    "physical",          "documentary",       "witness_testimony",
	    "victim_statement",  "subject_statement", "expert_opinion",
	    "inspection_record", "audiovisual",       "electronic_data",
	};
	static const char *const doc_kinds[] = {
	    "identity",      "filing_approval",          "investigation_report",
	    "fact_material", "subject_written_response", "response_explanation",
	    "transfer_form",
	};
	static const char *const discs[] = {
	    "political", "organizational", "integrity", "mass", "work", "life"};

	CHECK(sl_case_id_valid(d->case_id));
	CHECK(sl_agency_code_valid(d->agency));
	CHECK(sl_date_valid(d->transferred_on));

	const sl_subject *s = &d->subject;
	check_str(s->name, SL_DOSSIER_SHORT_MAX, 0);
	check_str(s->person_id, SL_DOSSIER_SHORT_MAX, 0);
	check_str(s->position, l->max_string, 1);
	check_str(s->rank, SL_DOSSIER_SHORT_MAX, 1);
	for (size_t i = 0; i < s->n_prior; i++) {
		CHECK(!strcmp(s->prior[i].system, "party") ||
		      !strcmp(s->prior[i].system, "gov"));
		check_str(s->prior[i].level, SL_DOSSIER_SHORT_MAX, 0);
		CHECK(sl_date_valid(s->prior[i].decided_on));
	}

	CHECK(d->n_facts >= 1 && d->n_facts <= l->max_items);
	for (size_t i = 0; i < d->n_facts; i++) {
		const sl_fact *f = &d->facts[i];
		check_str(f->id, SL_DOSSIER_ID_MAX, 0);
		CHECK(*f->id);
		CHECK(sl_dossier_find_fact(d, f->id) == f);
		check_str(f->summary, l->max_string, 0);
		check_str(f->violation, SL_DOSSIER_SHORT_MAX, 0);
		CHECK(!f->from || sl_date_valid(f->from));
		CHECK(!f->to || sl_date_valid(f->to));
		CHECK(!f->from || !f->to || strcmp(f->from, f->to) <= 0);
		CHECK(f->has_amount || f->amount_yuan == 0);
		CHECK(f->amount_yuan >= 0 && f->amount_yuan <= 1e12 &&
		      !signbit(f->amount_yuan));
		check_strs(f->evidence, f->n_evidence, SL_DOSSIER_SHORT_MAX);
		for (size_t k = 0; k < f->n_evidence; k++) {
			const sl_evidence *e =
			    sl_dossier_find_evidence(d, f->evidence[k]);
			CHECK(!e || !strcmp(e->id, f->evidence[k]));
		}
	}
	for (size_t i = 0; i < d->n_evidence; i++) {
		const sl_evidence *e = &d->evidence[i];
		check_str(e->id, SL_DOSSIER_ID_MAX, 0);
		CHECK(*e->id);
		CHECK(sl_dossier_find_evidence(d, e->id) == e);
		CHECK(in_list(e->kind, ev_kinds,
		              sizeof ev_kinds / sizeof *ev_kinds));
		check_str(e->title, l->max_string, 0);
		CHECK(!e->obtained_on || sl_date_valid(e->obtained_on));
		check_str(e->source, l->max_string, 1);
		check_strs(e->tags, e->n_tags, SL_DOSSIER_SHORT_MAX);
	}
	CHECK(!sl_dossier_find_fact(d, "") && !sl_dossier_find_evidence(d, ""));

	const sl_proposal *p = &d->proposal;
	check_strs(p->disciplines, p->n_disciplines, SL_DOSSIER_SHORT_MAX);
	for (size_t i = 0; i < p->n_disciplines; i++) {
		CHECK(in_list(p->disciplines[i], discs, 6));
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(p->disciplines[i], p->disciplines[k]));
	}
	check_str(p->party_sanction, SL_DOSSIER_SHORT_MAX, 1);
	check_str(p->gov_sanction, SL_DOSSIER_SHORT_MAX, 1);
	CHECK(p->form >= 1 && p->form <= 4);
	check_strs(p->circumstances, p->n_circumstances, SL_DOSSIER_SHORT_MAX);

	for (size_t i = 0; i < d->n_documents; i++) {
		CHECK(in_list(d->documents[i].kind, doc_kinds,
		              sizeof doc_kinds / sizeof *doc_kinds));
		CHECK(sl_date_valid(d->documents[i].date));
	}
	for (size_t i = 0; i < d->n_supplement; i++) {
		const sl_supplement *u = &d->supplement[i];
		size_t n = strlen(u->item);
		CHECK(n >= 1 && n <= 9 && u->item[0] >= '1' &&
		      u->item[0] <= '9');
		check_strs(u->evidence, u->n_evidence, SL_DOSSIER_SHORT_MAX);
		check_str(u->note, l->max_string, 1);
	}
}

/* The part of intake's formal check (cases.c, decide) that needs no
 * store: what it looks up is exactly what this walks. */
static int intake_gaps(const sl_dossier *d)
{
	int gaps = 0;
	for (size_t i = 0; i < sl_rules_n_required_docs(rules); i++) {
		const char *k = sl_rules_required_doc(rules, i);
		int found = 0;
		for (size_t j = 0; j < d->n_documents && !found; j++)
			found = !strcmp(d->documents[j].kind, k);
		gaps += !found;
		CHECK(sl_rules_doc_name(rules, k) != NULL);
	}
	for (size_t i = 0; i < d->n_facts; i++) {
		const sl_fact *f = &d->facts[i];
		for (size_t k = 0; k < f->n_evidence; k++)
			gaps += !sl_dossier_find_evidence(d, f->evidence[k]);
		gaps += !sl_rules_violation(rules, f->violation);
	}
	return gaps;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sl_dossier *d = NULL;
	sl_dossier_limits def;
	sl_dossier_default_limits(&def);
	sl_rc rc =
	    sl_dossier_parse((const char *)data, size, "fuzz.json", NULL, &d);
	if (rc) {
		CHECK(d == NULL);
		CHECK(rc == SL_EINPUT);
		/* The message quotes input: it must be safe to print. */
		const char *m = sl_errmsg();
		CHECK(*m && sl_utf8_valid(m, strlen(m)));
		return 0;
	}
	CHECK(d != NULL);
	check_dossier(d, &def);
	(void)intake_gaps(d);
	sl_dossier_free(d);

	/* Limits below what this document uses: each must refuse cleanly
	 * (or, if the document is that small, accept the same document). */
	sl_dossier_limits tight = {size, 3, 16, 4};
	d = NULL;
	rc =
	    sl_dossier_parse((const char *)data, size, "fuzz.json", &tight, &d);
	CHECK(rc == SL_OK || rc == SL_EINPUT);
	if (!rc)
		check_dossier(d, &tight);
	sl_dossier_free(d);
	return 0;
}
