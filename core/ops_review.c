/* ops_review.c - the review operations' results as JSON and their
 * freeing. See <shenli/ops_review.h>.
 *
 * Each serialiser writes the shape --json has always printed, key for key
 * and in the same order (doc/api.md), from the typed result alone:
 * the services build typed results, and this is the one place that says
 * what they look like as JSON. It depends on the result types alone, so
 * the services that build them may call it; the documents' entry point,
 * which sits above the services, is documents.c. */
#include <shenli/ops_review.h>

#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "respool.h"

/* A string or null. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* ---- findings and the run --------------------------------------------------
 */

json_t *sl_finding_json(const sl_finding *f)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s?}", "check",
	                 f->check, "standard", f->standard, "severity",
	                 f->severity, "code", f->code, "message", f->message,
	                 "refs", sl_json_strings(f->refs, f->n_refs),
	                 "outline_item", f->outline_item);
}

json_t *sl_review_row_json(const sl_review_row *r)
{
	return json_pack("{s:s, s:i, s:i, s:i}", "case_id", r->case_id,
	                 "blockers", r->blockers, "warnings", r->warnings,
	                 "notes", r->notes);
}

json_t *sl_review_run_json(const sl_review_run_res *r)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "cases", (json_int_t)r->cases,
	                 "blockers", (json_int_t)r->blockers, "warnings",
	                 (json_int_t)r->warnings, "notes",
	                 (json_int_t)r->notes);
}

/* ---- opinions
 * ---------------------------------------------------------------- */

static json_t *dissent_json(const sl_opinion *o)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < o->n_dissent; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:s}", "member",
		                                       o->dissent[i].member,
		                                       "text",
		                                       o->dissent[i].text))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Set k to v (taken); 0, or -1 if v is NULL or out of memory. */
static int put(json_t *o, const char *k, json_t *v)
{
	return v && !json_object_set_new(o, k, v) ? 0 : -1;
}

/* The opinion's own fields in the order of its signed body (its keys
 * sorted); "dissent" is always there: an opinion without one shows [] at
 * the end of its fields, as it has always been shown. */
json_t *sl_opinion_json(const sl_opinion *o)
{
	json_t *j = json_object();
	int bad = !j;
	if (!bad && o->has_circumstances)
		bad |=
		    put(j, "circumstances",
		        sl_json_strings(o->circumstances, o->n_circumstances));
	bad |= bad || put(j, "disciplines",
	                  sl_json_strings(o->disciplines, o->n_disciplines));
	if (!bad && o->has_dissent)
		bad |= put(j, "dissent", dissent_json(o));
	bad |= bad ||
	       put(j, "eight_point_rules", json_boolean(o->eight_point_rules));
	bad |= bad || put(j, "form", json_integer(o->form));
	bad |= bad || put(j, "gov_sanction", str_or_null(o->gov_sanction));
	bad |= bad || put(j, "party_sanction", str_or_null(o->party_sanction));
	if (!bad && o->property)
		bad |= put(j, "property", json_string(o->property));
	bad |= bad || put(j, "reasoning", json_string(o->reasoning));
	if (!bad && !o->has_dissent)
		bad |= put(j, "dissent", dissent_json(o));
	bad |= bad || put(j, "author", json_string(o->author));
	bad |= bad || put(j, "author_name", str_or_null(o->author_name));
	bad |= bad || put(j, "author_agency", str_or_null(o->author_agency));
	bad |= bad || put(j, "author_role", json_string(o->author_role));
	bad |= bad || put(j, "panel", json_boolean(o->panel));
	bad |= bad || put(j, "recorded_on", json_string(o->recorded_on));
	bad |= bad || put(j, "recorded_ms", json_integer(o->recorded_ms));
	bad |= bad || put(j, "sig_key", json_string(o->sig_key));
	if (!bad && o->withdrawn)
		bad |= put(j, "withdrawn", json_string(o->withdrawn));
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *sl_opinions_json(const sl_opinions_res *r)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->n; i++)
		if (json_array_append_new(a, sl_opinion_json(&r->v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

void sl_opinion_res_free(sl_opinion_res *r)
{
	if (!r)
		return;
	sl_pool_free(r->mem_);
	memset(r, 0, sizeof *r);
}

void sl_opinions_res_free(sl_opinions_res *r)
{
	if (!r)
		return;
	sl_pool_free(r->mem_);
	memset(r, 0, sizeof *r);
}

/* ---- outlines
 * ---------------------------------------------------------------- */

static json_t *answer_json(const sl_outline_answer *a)
{
	if (!a)
		return json_null();
	return json_pack("{s:o, s:o, s:s?}", "answered_on",
	                 str_or_null(a->answered_on), "evidence",
	                 sl_json_strings(a->evidence, a->n_evidence), "note",
	                 a->note);
}

static json_t *withdrawal_json(const sl_outline_withdrawal *w)
{
	if (!w)
		return json_null();
	return json_pack("{s:o, s:s, s:s}", "withdrawn_on",
	                 str_or_null(w->withdrawn_on), "by", w->by, "reason",
	                 w->reason);
}

/* An item of a stored outline, or of a dry run's (as it would be sent:
 * numbered, nothing answered or withdrawn yet). */
static json_t *item_json(const sl_outline_item *it, int dry_run)
{
	json_t *refs = sl_json_strings(it->refs, it->n_refs);
	if (dry_run)
		return json_pack("{s:s, s:o, s:s, s:s?, s:i, s:b, s:n}", "text",
		                 it->text, "refs", refs, "source", it->source,
		                 "carried_from", it->carried_from, "no", it->no,
		                 "answered", 0, "withdrawn");
	return json_pack("{s:i, s:s, s:o, s:b, s:s, s:s?, s:o, s:o}", "no",
	                 it->no, "text", it->text, "refs", refs, "answered",
	                 it->answered, "source", it->source, "carried_from",
	                 it->carried_from, "answer", answer_json(it->answer),
	                 "withdrawn", withdrawal_json(it->withdrawn));
}

json_t *sl_outline_json(const sl_outline_res *r)
{
	json_t *items = json_array();
	for (size_t i = 0; items && i < r->n_items; i++)
		if (json_array_append_new(
		        items, item_json(&r->items[i], r->dry_run))) {
			json_decref(items);
			items = NULL;
		}
	if (r->dry_run)
		return json_pack("{s:s, s:i, s:s, s:o, s:b}", "case_id",
		                 r->case_id, "return_no", r->return_no, "kind",
		                 r->kind, "items", items, "dry_run", 1);
	return json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:o}", "case_id",
	                 r->case_id, "return_no", r->return_no, "kind", r->kind,
	                 "returned_by", r->returned_by, "returned_on",
	                 str_or_null(r->returned_on), "resubmitted_on",
	                 str_or_null(r->resubmitted_on), "items", items);
}

void sl_outline_res_free(sl_outline_res *r)
{
	if (!r)
		return;
	sl_pool_free(r->mem_);
	memset(r, 0, sizeof *r);
}

/* ---- resubmission
 * ------------------------------------------------------------ */

json_t *sl_resubmit_json(const sl_resubmit_res *r)
{
	json_t *answered = sl_json_ints(r->answered, r->n_answered),
	       *withdrawn = sl_json_ints(r->withdrawn, r->n_withdrawn),
	       *open = json_array();
	for (size_t i = 0; open && i < r->n_open; i++)
		if (json_array_append_new(open, json_pack("{s:i, s:s}", "no",
		                                          r->open[i].no, "why",
		                                          r->open[i].why))) {
			json_decref(open);
			open = NULL;
		}
	json_t *checks =
	    r->checks_ran
	        ? json_pack("{s:i, s:i, s:i}", "blockers", r->blockers,
	                    "warnings", r->warnings, "notes", r->notes)
	        : json_null();
	return json_pack("{s:s, s:i, s:o, s:o, s:o, s:o, s:s?}", "case_id",
	                 r->case_id, "return_no", r->return_no, "answered",
	                 answered, "open", open, "withdrawn", withdrawn,
	                 "checks", checks, "checks_not_run",
	                 r->checks_ran ? NULL : r->checks_not_run);
}

void sl_resubmit_res_free(sl_resubmit_res *r)
{
	if (!r)
		return;
	sl_pool_free(r->mem_);
	memset(r, 0, sizeof *r);
}

/* ---- the gate
 * ---------------------------------------------------------------- */

json_t *sl_gate_script_json(const sl_gate_script *sc)
{
	json_t *f = json_array();
	for (size_t i = 0; f && i < sc->n_findings; i++)
		if (json_array_append_new(f,
		                          sl_finding_json(&sc->findings[i]))) {
			json_decref(f);
			f = NULL;
		}
	return json_pack("{s:s, s:I, s:b, s:o, s:s?}", "script", sc->script,
	                 "version", (json_int_t)sc->version, "passed",
	                 sc->passed, "findings", f, "printed", sc->printed);
}

static json_t *scripts_json(const sl_gate_res *r)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->n_scripts; i++)
		if (json_array_append_new(
		        a, sl_gate_script_json(&r->scripts[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *sl_signoff_json(const sl_gate_res *r)
{
	return json_pack("{s:s, s:b, s:s?, s:o}", "case_id", r->case_id,
	                 "signed_off", r->signed_off, "head",
	                 r->signed_off ? r->head : NULL, "scripts",
	                 scripts_json(r));
}

json_t *sl_script_run_json(const sl_gate_res *r)
{
	return r->n_scripts ? sl_gate_script_json(&r->scripts[0]) : NULL;
}

void sl_gate_res_free(sl_gate_res *r)
{
	if (!r)
		return;
	sl_pool_free(r->mem_);
	memset(r, 0, sizeof *r);
}
