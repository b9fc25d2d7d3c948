/* returns.c - returns, supplement outlines, resubmission. See returns.h. */
#include "returns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "caserows.h"
#include "cases.h"
#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "dossier.h"
#include "lifecycle.h"
#include "outline.h"
#include "policy.h"
#include "respool.h"
#include "review.h"
#include "rules.h"
#include "signoff.h"
#include "text.h"
#include "transition.h"

#define COL(st, i) ((const char *)sqlite3_column_text(st, i))

static const char *const STANDARDS[] = {"facts",          "evidence",
                                        "classification", "disposal",
                                        "formalities",    "procedure"};

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE;
}

/* One statement, run once: SQL with ?1.. bound to int64 values. */
static sl_rc exec_i64(sl_store *s, const char *sql, const char *what, int n,
                      const int64_t *v)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s, sql, &st))
		return sl_db_err(s, what);
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, v[i]);
	int ok = step_done(st);
	sqlite3_finalize(st);
	return ok ? SL_OK : sl_db_err(s, what);
}

static json_t *loads_or(const unsigned char *text, json_t *dflt)
{
	json_error_t jerr;
	json_t *j = text ? json_loads((const char *)text, 0, &jerr) : NULL;
	if (j) {
		json_decref(dflt);
		return j;
	}
	return dflt;
}

/* How many times the case has been returned, and whether the checks have
 * run on its dossier as it stands. */
static sl_rc returns_so_far(sl_store *s, int64_t ref, int *count, int *current)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT returns, rev = checked_rev FROM cases"
	                  " WHERE id = ?",
	                  &st))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	*count = sqlite3_column_int(st, 0);
	*current = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? SL_OK : sl_db_err(s, _("reading a case"));
}

/* ---- returning --------------------------------------------------------------
 */

/* The items of an outline being built, in a result's pool. */
typedef struct {
	sl_pool *p;
	sl_outline_item *v;
	size_t n, cap;
} item_list;

static sl_outline_item *item_add(item_list *l)
{
	if (sl_pool_grow(l->p, (void **)&l->v, &l->cap, l->n, sizeof *l->v))
		return NULL;
	return &l->v[l->n++];
}

/* May an outline item name id? A fact or evidence item of the case, one
 * of the six standards, the subject, or a document kind the rules know
 * ("doc:identity"): an item about the identity documents concerns no
 * fact. */
static int ref_ok(sl_store *s, int64_t ref, const sl_rules *rules,
                  const char *id)
{
	for (size_t i = 0; i < 6; i++)
		if (!strcmp(id, STANDARDS[i]))
			return 1;
	if (!strcmp(id, "subject"))
		return 1;
	if (!strncmp(id, "doc:", 4)) {
		for (size_t i = 0; i < sl_rules_n_required_docs(rules); i++)
			if (!strcmp(id + 4, sl_rules_required_doc(rules, i)))
				return 1;
		for (size_t i = 0; i < sl_rules_n_identity_docs(rules); i++)
			if (!strcmp(id + 4, sl_rules_identity_doc(rules, i)))
				return 1;
		return !strcmp(id + 4, "identity");
	}
	sqlite3_stmt *st;
	int yes = 0;
	if (sl_db_prepare(s,
	                  "SELECT 1 FROM facts WHERE case_ref = ?1 AND id = ?2"
	                  " UNION ALL SELECT 1 FROM evidence WHERE"
	                  " case_ref = ?1 AND id = ?2",
	                  &st) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

static int item_text_ok(const char *t)
{
	size_t n = t ? strnlen(t, SL_OUTLINE_TEXT_MAX + 1) : 0;
	return n >= 1 && n <= SL_OUTLINE_TEXT_MAX && sl_text_printable(t, n) &&
	       !sl_text_blank(t, n);
}

/* Is text already an item? (the same suggestion from two findings) */
static int has_text(const item_list *l, const char *text)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].text, text))
			return 1;
	return 0;
}

/* The ids of the leader's item, item k of the outline ("F1,E2"), each
 * checked against the case, into it->refs. */
static sl_rc extra_refs(sl_store *s, int64_t ref, const sl_rules *rules,
                        size_t k, const char *list, sl_pool *p,
                        sl_outline_item *it)
{
	const char *q = list ? list : "";
	size_t most = 1;
	for (const char *c = q; *c; c++)
		most += *c == ',';
	const char **v = sl_pool_alloc(p, most * sizeof *v);
	if (!v)
		return sl_error(SL_ESYS, _("out of memory"));
	it->refs = v;
	/* an id of the case may hold a comma itself (shenli.case/1 does not
	 * forbid one): the whole list naming a fact or evidence is that one */
	if (strchr(q, ',') && strlen(q) < 72 && ref_ok(s, ref, rules, q)) {
		v[it->n_refs++] = sl_pool_strdup(p, q);
		return SL_OK;
	}
	while (*q) {
		const char *e = strchr(q, ',');
		size_t n = e ? (size_t)(e - q) : strlen(q);
		char id[72];
		if (n == 0 || n >= sizeof id)
			return sl_error(
			    SL_EINPUT,
			    _("outline item %zu: an empty or over-long "
			      "reference"),
			    k + 1);
		memcpy(id, q, n);
		id[n] = 0;
		if (!ref_ok(s, ref, rules, id)) {
			char safe[80];
			sl_text_sanitize(id, safe, sizeof safe);
			return sl_error(
			    SL_EINPUT,
			    _("outline item %zu: '%s' is no fact or evidence "
			      "of this case, standard, 'subject' or "
			      "'doc:KIND'"),
			    k + 1, safe);
		}
		/* named twice, the letter would list it twice */
		for (size_t i = 0; i < it->n_refs; i++)
			if (!strcmp(v[i], id)) {
				char safe[80];
				sl_text_sanitize(id, safe, sizeof safe);
				return sl_error(
				    SL_EINPUT,
				    _("outline item %zu: '%s' is named twice"),
				    k + 1, safe);
			}
		v[it->n_refs++] = sl_pool_strdup(p, id);
		q += n + (e ? 1 : 0);
	}
	return SL_OK;
}

/* The leader's item, item k of the outline (from 0): text and its refs,
 * checked against the case. */
static sl_rc extra_item(sl_store *s, int64_t ref, const sl_rules *rules,
                        size_t k, const sl_outline_extra *x, item_list *l)
{
	if (!item_text_ok(x->text))
		return sl_error(SL_EINPUT,
		                _("outline item %zu: the text must be 1 to %d "
		                  "bytes of printable UTF-8, not blank"),
		                k + 1, SL_OUTLINE_TEXT_MAX);
	sl_outline_item *it = item_add(l);
	if (!it)
		return sl_error(SL_ESYS, _("out of memory"));
	sl_rc rc = extra_refs(s, ref, rules, k, x->refs, l->p, it);
	if (rc)
		return rc;
	if (it->n_refs == 0)
		return sl_error(
		    SL_EINPUT,
		    _("outline item %zu: tie it to what it concerns "
		      "(--ref F1,E2, --ref doc:identity, --ref "
		      "subject)"),
		    k + 1);
	it->text = sl_pool_strdup(l->p, x->text);
	it->source = "leader";
	return SL_OK;
}

/* One ref as a pick names it: the same text, or a document named with
 * and without "doc:" (checks before evidence 3, procedure 3 and gate_dates
 * 5 wrote the bare kind; findings stored then keep it until rerun). */
static int same_ref(const char *stored, const char *picked)
{
	if (!strcmp(stored, picked))
		return 1;
	if (!strncmp(stored, "doc:", 4))
		return !strcmp(stored + 4, picked);
	return !strncmp(picked, "doc:", 4) && !strcmp(stored, picked + 4);
}

/* Does pick "CODE" or "CODE@REF" name this finding? */
static int picks_finding(const char *pick, const char *code, json_t *refs)
{
	const char *at = strchr(pick, '@');
	size_t n = at ? (size_t)(at - pick) : strlen(pick);
	if (strlen(code) != n || strncmp(pick, code, n))
		return 0;
	if (!at)
		return 1;
	size_t i;
	json_t *r;
	json_array_foreach(refs, i, r)
	{
		if (same_ref(json_string_value(r) ? json_string_value(r) : "",
		             at + 1))
			return 1;
	}
	return 0;
}

/* What a pick that names no finding is told: the findings there are. */
static sl_rc no_such_pick(sl_store *s, int64_t ref, const char *pick)
{
	char list[600] = "", safe[80];
	size_t o = 0;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT DISTINCT code FROM findings WHERE"
	                  " case_ref = ? ORDER BY code",
	                  &st) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, ref);
		while (sqlite3_step(st) == SQLITE_ROW && o + 80 < sizeof list)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
			                      o ? ", " : "",
			                      sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sl_text_sanitize(pick, safe, sizeof safe);
	return sl_error(SL_EINPUT,
	                _("--from-finding %s: no finding of this case has "
	                  "that code (and ref); its findings: %s"),
	                safe, o ? list : _("none"));
}

/* A finding (st: its row) as an item: its suggestion, or its message; its
 * refs, or its standard; its source "CHECK/CODE". */
static sl_rc finding_item(sqlite3_stmt *st, const char *text, json_t *refs,
                          item_list *l)
{
	sl_outline_item *it = item_add(l);
	if (!it)
		return sl_error(SL_ESYS, _("out of memory"));
	size_t k = json_array_size(refs);
	const char **v = sl_pool_alloc(l->p, (k + 1) * sizeof *v);
	for (size_t i = 0; v && i < k; i++)
		v[it->n_refs++] = sl_pool_strdup(
		    l->p, json_string_value(json_array_get(refs, i)));
	if (v && k == 0)
		v[it->n_refs++] = sl_pool_strdup(l->p, COL(st, 2));
	it->refs = v;
	char src[160];
	snprintf(src, sizeof src, "%s/%s", COL(st, 0), COL(st, 1));
	it->text = sl_pool_strdup(l->p, text);
	it->source = sl_pool_strdup(l->p, src);
	return SL_OK;
}

/* The stored findings' items: every suggestion, or the findings picked
 * (a picked finding without a suggestion gives its message); hit[k]: pick
 * k named one. */
static sl_rc stored_items(sl_store *s, int64_t ref, const sl_return_req *req,
                          item_list *l, char *hit)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT check_id, code, standard, refs,"
	                  " outline_item, message FROM findings WHERE"
	                  " case_ref = ? ORDER BY n",
	                  &st))
		return sl_db_err(s, _("building the outline"));
	sqlite3_bind_int64(st, 1, ref);
	sl_rc rc = SL_OK;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *code = COL(st, 1), *text = COL(st, 4);
		json_t *refs =
		    loads_or(sqlite3_column_text(st, 3), json_array());
		int take = !req->n_picks && text;
		for (size_t k = 0; k < req->n_picks; k++)
			if (picks_finding(req->picks[k], code, refs))
				take = hit[k] = 1;
		if (!text)
			text = COL(st, 5);
		if (take && item_text_ok(text) && !has_text(l, text))
			rc = finding_item(st, text, refs, l);
		json_decref(refs);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The checks' part of a new outline (stored_items); a pick that names no
 * finding is refused. */
static sl_rc finding_items(sl_store *s, int64_t ref, const sl_return_req *req,
                           item_list *l)
{
	char *hit = calloc(req->n_picks + 1, 1);
	sl_rc rc = hit ? stored_items(s, ref, req, l, hit)
	               : sl_error(SL_ESYS, _("out of memory"));
	for (size_t k = 0; !rc && k < req->n_picks; k++)
		if (!hit[k])
			rc = no_such_pick(s, ref, req->picks[k]);
	free(hit);
	return rc;
}

/* The open items of return prev, carried into the new outline. */
static sl_rc carried_items(sl_store *s, int64_t ref, int prev, item_list *l,
                           int *carried)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT no, text, refs, carried_from FROM"
	                  " outline_items WHERE case_ref = ? AND"
	                  " return_no = ? AND answered_ms IS NULL AND"
	                  " withdrawn_ms IS NULL ORDER BY no",
	                  &st))
		return sl_db_err(s, _("building the outline"));
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, prev);
	sl_rc rc = SL_OK;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		sl_outline_item *it = item_add(l);
		if (!it) {
			rc = sl_error(SL_ESYS, _("out of memory"));
			break;
		}
		char from[32];
		if (COL(st, 3))
			snprintf(from, sizeof from, "%s", COL(st, 3));
		else
			snprintf(from, sizeof from, "%d.%d", prev,
			         sqlite3_column_int(st, 0));
		it->text = sl_pool_strdup(l->p, COL(st, 1));
		it->refs = sl_pool_strlist(l->p, sqlite3_column_text(st, 2),
		                           &it->n_refs);
		it->source = "carried";
		it->carried_from = sl_pool_strdup(l->p, from);
		(*carried)++;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The outline of a new return: carried items, the checks' part, the
 * leader's items, numbered from 1 as the outline prints them. */
static sl_rc build_items(sl_store *s, int64_t ref, int prev, int current,
                         const sl_return_req *req, const sl_rules *rules,
                         item_list *l, int *carried)
{
	sl_rc rc = SL_OK;
	*carried = 0;
	if (prev > 0 && (rc = carried_items(s, ref, prev, l, carried)))
		return rc;
	/* the checks' suggestions count only if they are about this version
	 * of the dossier */
	if (req->n_picks && !current)
		return sl_error(
		    SL_EPERM, _("the checks have not run on this version of "
		                "the dossier: run 'review run' before picking "
		                "findings"));
	if (current && !req->no_findings &&
	    (rc = finding_items(s, ref, req, l)))
		return rc;
	/* a leader's item is named by its number in the outline, after
	 * the carried and the picked ones, as the preview numbers it */
	for (size_t k = 0; !rc && k < req->n_extra; k++)
		rc = extra_item(s, ref, rules, l->n, &req->extra[k], l);
	if (rc)
		return rc;
	if (l->n == 0)
		return sl_error(
		    SL_EINPUT,
		    _("the outline would be empty: no open item is carried, no "
		      "finding was taken, and no item was given (--item TEXT "
		      "--ref IDS)"));
	if (l->n > SL_OUTLINE_MAX_ITEMS)
		return sl_error(SL_EINPUT,
		                _("an outline holds at most %d items"),
		                SL_OUTLINE_MAX_ITEMS);
	for (size_t k = 0; k < l->n; k++)
		l->v[k].no = (int)k + 1;
	return sl_pool_failed(l->p) ? sl_error(SL_ESYS, _("out of memory"))
	                            : SL_OK;
}

static json_t *refs_json(const sl_outline_item *it)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < it->n_refs; i++)
		if (json_array_append_new(a, json_string(it->refs[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The items as the log records them (replay derives the outline from
 * them): [{text, refs, source, carried_from, no}]; the outline's hash is
 * that of their compact text. */
static json_t *items_logged(const item_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < l->n; i++) {
		const sl_outline_item *it = &l->v[i];
		if (json_array_append_new(
		        a, json_pack("{s:s, s:o, s:s, s:s?, s:i}", "text",
		                     it->text, "refs", refs_json(it), "source",
		                     it->source, "carried_from",
		                     it->carried_from, "no", it->no))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* What a return is about to do, checked and built before it writes. */
typedef struct {
	int64_t ref;
	sl_state state;
	int no; /* the new return's number */
	int carried;
	item_list items;
} return_plan;

/* The case may be returned once more, and the outline it would get. */
static sl_rc plan_return(sl_store *s, const sl_return_req *rq, return_plan *pl)
{
	const char *case_id = rq->case_id, *kind = rq->kind;
	sl_state next;
	sl_rc rc = sl_case_require(s, SL_ACT_REVIEW_RETURN, case_id, &pl->ref,
	                           &pl->state);
	if (rc)
		return rc;
	if (!kind ||
	    (strcmp(kind, "supplement") && strcmp(kind, "reinvestigate")))
		return sl_error(SL_EINPUT,
		                _("the kind of a return is 'supplement' or "
		                  "'reinvestigate'"));
	if ((rc = sl_lifecycle_next(case_id, pl->state, SL_EV_RETURN, &next)))
		return rc;
	sl_rules *rules;
	if ((rc = sl_rules_load(s, &rules)))
		return rc;
	int max = sl_rules_max_returns(rules);
	int count, current, prev = 0;
	if ((rc = returns_so_far(s, pl->ref, &count, &current))) {
		sl_rules_free(rules);
		return rc;
	}
	if (count >= max)
		rc = sl_error(SL_EPERM,
		              _("case %s has been returned %d times: the rules "
		                "allow at most %d returns (withdraw the items "
		                "nobody can answer: review withdraw)"),
		              case_id, count, max);
	if (!rc)
		rc = sl_outline_latest(s, pl->ref, &prev);
	if (!rc)
		rc = build_items(s, pl->ref, prev, current, rq, rules,
		                 &pl->items, &pl->carried);
	sl_rules_free(rules);
	pl->no = prev + 1;
	return rc;
}

/* The return and its items, in the open transaction. */
static const char insert_item_sql[] =
    "INSERT INTO outline_items(case_ref, return_no, no, text, refs, source,"
    " carried_from) VALUES(?,?,?,?,?,?,?)";

/* Item it as number no of return r (st: insert_item_sql). 1 if done. */
static int insert_item(sqlite3_stmt *st, int64_t ref, int r, int no,
                       const sl_outline_item *it)
{
	json_t *rj = refs_json(it);
	char *refs = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
	json_decref(rj);
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, r);
	sqlite3_bind_int(st, 3, no);
	sqlite3_bind_text(st, 4, it->text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, refs ? refs : "[]", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, it->source, -1, SQLITE_STATIC);
	if (it->carried_from)
		sqlite3_bind_text(st, 7, it->carried_from, -1, SQLITE_STATIC);
	int ok = step_done(st);
	free(refs);
	return ok;
}

static sl_rc insert_return(sl_store *s, const sl_return_req *rq,
                           const return_plan *pl, int64_t now)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "INSERT INTO returns(case_ref, return_no, kind,"
	                  " returned_by, returned_ms) VALUES(?,?,?,?,?)",
	                  &st))
		return sl_db_err(s, _("recording the return"));
	sqlite3_bind_int64(st, 1, pl->ref);
	sqlite3_bind_int(st, 2, pl->no);
	sqlite3_bind_text(st, 3, rq->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sl_store_actor(s)->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	int ok = step_done(st);
	sqlite3_finalize(st);
	if (!ok || sl_db_prepare(s, insert_item_sql, &st))
		return sl_db_err(s, _("recording the return"));
	for (size_t i = 0; ok && i < pl->items.n; i++)
		ok = insert_item(st, pl->ref, pl->no, pl->items.v[i].no,
		                 &pl->items.v[i]);
	sqlite3_finalize(st);
	return ok ? SL_OK : sl_db_err(s, _("recording the return"));
}

/* Write the return: rows, the transition (the clock stops: time away for
 * supplement does not count), and the whole outline into the log: what
 * the agency is asked is part of the record, and replay derives the
 * outline from it. */
static sl_rc write_return(sl_store *s, const sl_return_req *rq,
                          const return_plan *pl, json_t *items, const char *hex)
{
	int64_t now = sl_tx_clock(s);
	sl_state next;
	sl_case_change chg = {.paused_ms = now, .count_return = 1};
	sl_rc rc = insert_return(s, rq, pl, now);
	if (!rc)
		rc = sl_case_transition(s, pl->ref, rq->case_id, pl->state,
		                        SL_EV_RETURN, &chg, &next);
	if (rc)
		return rc;
	json_t *d = json_pack("{s:i, s:s, s:O, s:i, s:s}", "return_no", pl->no,
	                      "kind", rq->kind, "items", items, "carried",
	                      pl->carried, "outline_sha256", hex);
	if (!d || (rc = sl_case_claim(s, pl->ref, d))) {
		json_decref(d);
		return rc ? rc : sl_error(SL_ESYS, _("out of memory"));
	}
	rc = sl_audit(s, "review.return", rq->case_id, d);
	json_decref(d);
	return rc;
}

/* A dry run's result: the outline as it would be sent. */
static void preview(const sl_return_req *rq, const return_plan *pl,
                    sl_outline_res *out)
{
	out->case_id = sl_pool_strdup(out->mem_, rq->case_id);
	out->return_no = pl->no;
	out->kind = sl_pool_strdup(out->mem_, rq->kind);
	out->dry_run = 1;
	out->items = pl->items.v;
	out->n_items = pl->items.n;
}

static sl_rc return_once(sl_store *s, const sl_return_req *rq,
                         sl_outline_res *out, return_plan *pl)
{
	sl_rc rc = sl_tx_snapshot(s);
	if (rc)
		return rc;
	memset(pl, 0, sizeof *pl);
	pl->items.p = out->mem_;
	if ((rc = plan_return(s, rq, pl)))
		return rc;
	json_t *items = items_logged(&pl->items);
	char *text = items ? json_dumps(items, JSON_COMPACT) : NULL;
	uint8_t h[SL_SHA256_LEN];
	char hex[2 * SL_SHA256_LEN + 1];
	if (!text) {
		json_decref(items);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	sl_sha256(text, strlen(text), h);
	sl_hex(h, sizeof h, hex);
	free(text);
	if (rq->dry_run) /* nothing written, nothing audited */
		preview(rq, pl, out);
	else if (!(rc = sl_tx_begin_unchanged(s))) {
		if ((rc = write_return(s, rq, pl, items, hex)) ||
		    (rc = sl_tx_commit(s)))
			sl_tx_rollback(s);
	}
	json_decref(items);
	return rc;
}

sl_rc sl_review_return(sl_store *s, const sl_return_req *rq,
                       sl_outline_res *out)
{
	memset(out, 0, sizeof *out);
	if (!(out->mem_ = sl_pool_new()))
		return sl_error(SL_ESYS, _("out of memory"));
	return_plan pl;
	int tries = 0;
	sl_rc rc;
	do
		rc = return_once(s, rq, out, &pl);
	while (sl_tx_retry(s, rc, &tries));
	if (!rc && !rq->dry_run) { /* the outline as it now stands */
		sl_outline_res_free(out);
		rc = sl_outline_load(s, pl.ref, rq->case_id, pl.no, out);
	}
	if (!rc && sl_pool_failed(out->mem_))
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (rc)
		sl_outline_res_free(out);
	return rc;
}

sl_rc sl_return_case(sl_store *s, const char *case_id, const sl_return_req *req,
                     json_t **outline)
{
	sl_return_req rq = *req;
	rq.case_id = case_id;
	sl_outline_res o;
	sl_rc rc = sl_review_return(s, &rq, &o);
	if (!rc && outline && !(*outline = sl_outline_json(&o)))
		rc = sl_error(SL_ESYS, _("out of memory"));
	sl_outline_res_free(&o);
	return rc;
}

/* ---- withdrawing an item ------------------------------------------------- */

/* Item `item` of return r may be withdrawn: it is there, open; *origin
 * gets the question it carries ("R.N"). */
static sl_rc withdrawable(sl_store *s, int64_t ref, const char *case_id, int r,
                          int item, char origin[32])
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT answered_ms IS NOT NULL, withdrawn_ms IS"
	                  " NOT NULL, carried_from FROM outline_items"
	                  " WHERE case_ref = ? AND return_no = ? AND"
	                  " no = ?",
	                  &st))
		return sl_db_err(s, _("reading an outline"));
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, r);
	sqlite3_bind_int(st, 3, item);
	int step = sqlite3_step(st);
	int answered = sqlite3_column_int(st, 0),
	    withdrawn = sqlite3_column_int(st, 1);
	if (COL(st, 2))
		snprintf(origin, 32, "%s", COL(st, 2));
	else
		snprintf(origin, 32, "%d.%d", r, item);
	sqlite3_finalize(st);
	if (step == SQLITE_DONE)
		return sl_error(SL_EINPUT,
		                _("the outline of return %d of case %s has no "
		                  "item %d"),
		                r, case_id, item);
	if (step != SQLITE_ROW)
		return sl_db_err(s, _("reading an outline"));
	if (answered || withdrawn)
		return sl_error(SL_EPERM,
		                _("item %d of return %d is %s already"), item,
		                r, answered ? _("answered") : _("withdrawn"));
	return SL_OK;
}

/* The item, and every copy of it carried from the same origin: one
 * question, settled once (as an answer settles them, resubmit); in the
 * open transaction, audited. */
static sl_rc write_withdrawal(sl_store *s, int64_t ref,
                              const sl_withdraw_req *rq, int r,
                              const char *origin, json_t *added)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "UPDATE outline_items SET withdrawn_ms = ?1,"
	                  " withdrawn_by = ?2, withdraw_reason = ?3"
	                  " WHERE case_ref = ?4 AND answered_ms IS NULL"
	                  " AND withdrawn_ms IS NULL AND"
	                  " ((return_no = ?5 AND no = ?6) OR"
	                  " carried_from = ?7 OR"
	                  " (return_no || '.' || no) = ?7)",
	                  &st))
		return sl_db_err(s, _("withdrawing an item"));
	sqlite3_bind_int64(st, 1, sl_tx_clock(s));
	sqlite3_bind_text(st, 2, sl_store_actor(s)->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rq->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ref);
	sqlite3_bind_int(st, 5, r);
	sqlite3_bind_int(st, 6, rq->item);
	sqlite3_bind_text(st, 7, origin, -1, SQLITE_STATIC);
	int ok = step_done(st);
	sqlite3_finalize(st);
	if (!ok)
		return sl_db_err(s, _("withdrawing an item"));
	json_t *d = json_pack("{s:i, s:i, s:s, s:s, s:O*}", "return_no", r,
	                      "item", rq->item, "origin", origin, "reason",
	                      rq->reason, "added", added);
	sl_rc rc;
	if (!d || (rc = sl_case_claim(s, ref, d))) {
		json_decref(d);
		return d ? rc : sl_error(SL_ESYS, _("out of memory"));
	}
	rc = sl_audit(s, "review.withdraw", rq->case_id, d);
	json_decref(d);
	return rc;
}

/* What withdrawing an item and settling a finding both ask first: the
 * case, the leader's right to it, and a reason one can read. */
static sl_rc withdraw_begin(sl_store *s, const sl_withdraw_req *rq,
                            int64_t *ref, sl_state *state)
{
	sl_rc rc = sl_tx_snapshot(s);
	if (rc || (rc = sl_case_require(s, SL_ACT_REVIEW_RETURN, rq->case_id,
	                                ref, state)))
		return rc;
	if (!item_text_ok(rq->reason))
		return sl_error(
		    SL_EINPUT,
		    _("the reason for withdrawing an item must be 1 "
		      "to %d bytes of printable UTF-8, not blank"),
		    SL_OUTLINE_TEXT_MAX);
	return SL_OK;
}

static sl_rc withdraw_once(sl_store *s, const sl_withdraw_req *rq, int64_t *ref,
                           int *r)
{
	sl_state state;
	sl_rc rc = withdraw_begin(s, rq, ref, &state);
	if (rc)
		return rc;
	if (state == SL_ST_SIGNED_OFF)
		return sl_error(SL_EPERM,
		                _("case %s is signed off: its outline stays as "
		                  "it is"),
		                rq->case_id);
	if ((rc = sl_outline_latest(s, *ref, r)))
		return rc;
	if (*r == 0) /* the case's state, not the request, is wrong */
		return sl_error(SL_EPERM, _("case %s has not been returned"),
		                rq->case_id);
	char origin[32];
	if ((rc = withdrawable(s, *ref, rq->case_id, *r, rq->item, origin)) ||
	    (rc = sl_tx_begin_unchanged(s)))
		return rc;
	if ((rc = write_withdrawal(s, *ref, rq, *r, origin, NULL)) ||
	    (rc = sl_tx_commit(s)))
		sl_tx_rollback(s);
	return rc;
}

/* ---- settling a finding at the limit on returns ----------------------- */

/* The case may have findings settled: under review or deliberated, every
 * return the rules allow used, the checks run on the dossier as it is. */
static sl_rc settleable(sl_store *s, int64_t ref, const char *case_id,
                        sl_state state)
{
	if (state != SL_ST_IN_REVIEW && state != SL_ST_DELIBERATED)
		return sl_error(
		    SL_EPERM,
		    _("case %s is '%s': only the findings of a case "
		      "under review or deliberated are settled"),
		    case_id, sl_state_said(state));
	sl_rules *rules;
	sl_rc rc = sl_rules_load(s, &rules);
	if (rc)
		return rc;
	int max = sl_rules_max_returns(rules);
	sl_rules_free(rules);
	int count, current;
	if ((rc = returns_so_far(s, ref, &count, &current)))
		return rc;
	if (count < max)
		return sl_error(
		    SL_EPERM,
		    _("case %s has been returned %d of the %d times "
		      "the rules allow: ask for what is missing with a "
		      "return (review return --from-finding) rather "
		      "than settle the finding"),
		    case_id, count, max);
	if (!current)
		return sl_error(
		    SL_EPERM, _("the checks have not run on this version of "
		                "the dossier: run 'review run' before settling "
		                "findings"));
	return SL_OK;
}

/* Each item drawn from the finding: added to return r, then withdrawn
 * with the reason (the log's entry carries what was added). */
static sl_rc settle_items(sl_store *s, int64_t ref, const sl_withdraw_req *rq,
                          int r, const item_list *l)
{
	sqlite3_stmt *st;
	int no = 0;
	if (sl_db_prepare(s,
	                  "SELECT coalesce(max(no), 0) FROM outline_items"
	                  " WHERE case_ref = ? AND return_no = ?",
	                  &st))
		return sl_db_err(s, _("settling a finding"));
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, r);
	if (sqlite3_step(st) == SQLITE_ROW)
		no = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (sl_db_prepare(s, insert_item_sql, &st))
		return sl_db_err(s, _("settling a finding"));
	sl_rc rc = SL_OK;
	for (size_t i = 0; !rc && i < l->n; i++) {
		const sl_outline_item *it = &l->v[i];
		int ok = insert_item(st, ref, r, ++no, it);
		json_t *added =
		    json_pack("{s:s, s:o, s:s}", "text", it->text, "refs",
		              refs_json(it), "source", it->source);
		char origin[32];
		snprintf(origin, sizeof origin, "%d.%d", r, no);
		sl_withdraw_req one = *rq;
		one.item = no;
		rc = !ok ? sl_db_err(s, _("settling a finding"))
		     : !added
		         ? sl_error(SL_ESYS, _("out of memory"))
		         : write_withdrawal(s, ref, &one, r, origin, added);
		json_decref(added);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Items of return r drawn from the same findings, or carried from an
 * item that was: an open one is withdrawn by its number, not settled
 * again, and a withdrawn one has settled the finding already. */
static sl_rc not_in_outline(sl_store *s, int64_t ref, int r, const item_list *l)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT i.no, i.withdrawn_ms IS NOT NULL"
	                  " FROM outline_items i WHERE i.case_ref = ?1"
	                  " AND i.return_no = ?2 AND i.refs = ?4"
	                  " AND (i.source = ?3 OR (i.source = 'carried' AND"
	                  " EXISTS(SELECT 1 FROM outline_items o WHERE"
	                  " o.case_ref = ?1 AND o.source = ?3 AND"
	                  " o.return_no || '.' || o.no = i.carried_from)))"
	                  " ORDER BY i.no",
	                  &st))
		return sl_db_err(s, _("settling a finding"));
	sl_rc rc = SL_OK;
	for (size_t i = 0; !rc && i < l->n; i++) {
		json_t *rj = refs_json(&l->v[i]);
		char *refs = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
		json_decref(rj);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_int(st, 2, r);
		sqlite3_bind_text(st, 3, l->v[i].source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, refs ? refs : "[]", -1,
		                  SQLITE_TRANSIENT);
		int row = sqlite3_step(st) == SQLITE_ROW;
		if (row && sqlite3_column_int(st, 1))
			rc = sl_error(SL_EINPUT,
			              _("the finding is item %d of return %d, "
			                "withdrawn already: it is settled"),
			              sqlite3_column_int(st, 0), r);
		else if (row)
			rc = sl_error(SL_EINPUT,
			              _("the finding is item %d of return %d "
			                "already: withdraw that item"),
			              sqlite3_column_int(st, 0), r);
		free(refs);
	}
	sqlite3_finalize(st);
	return rc;
}

/* msg as an item's text: a script's message may be longer than an item
 * may be (the host bounds it at 4096 bytes), so it is cut at a
 * character. */
static const char *item_text_of(sl_pool *p, const char *msg)
{
	size_t n = strnlen(msg, SL_OUTLINE_TEXT_MAX + 1);
	if (n > SL_OUTLINE_TEXT_MAX) {
		n = SL_OUTLINE_TEXT_MAX;
		while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
			n--;
	}
	char *t = sl_pool_alloc(p, n + 1);
	if (t) {
		memcpy(t, msg, n);
		t[n] = '\0';
	}
	return t;
}

/* A sign-off script's blocker as an item, as finding_item makes a check's:
 * its message, its refs or else its standard, its source "SCRIPT/CODE". */
static sl_rc script_item(const char *script, const sl_finding *f, item_list *l)
{
	const char *text = item_text_of(l->p, f->message);
	if (!text || !item_text_ok(text) || has_text(l, text))
		return SL_OK; /* as finding_items: no item, or one already */
	sl_outline_item *it = item_add(l);
	const char **v = sl_pool_alloc(l->p, (f->n_refs + 1) * sizeof *v);
	if (!it || !v)
		return sl_error(SL_ESYS, _("out of memory"));
	for (size_t i = 0; i < f->n_refs; i++)
		v[it->n_refs++] = sl_pool_strdup(l->p, f->refs[i]);
	if (f->n_refs == 0)
		v[it->n_refs++] = sl_pool_strdup(l->p, f->standard);
	it->refs = v;
	char src[160];
	snprintf(src, sizeof src, "%s/%s", script, f->code);
	it->text = text;
	it->source = sl_pool_strdup(l->p, src);
	return SL_OK;
}

/* The blockers sign-off's scripts report on the case (run as sign-off
 * runs them, sl_gate_dry) that pick names, as items: at the limit on
 * returns a gate's blocker is settled as a check's is (the scripts honour
 * the withdrawn item: gate_dates.lua), else nothing would let the case
 * end. *hit: pick named one. */
static sl_rc gate_items(sl_store *s, int64_t ref, const char *case_id,
                        const char *pick, item_list *l, char *hit)
{
	sl_gate_res g;
	sl_rc rc = sl_gate_dry(s, ref, case_id, &g);
	for (size_t i = 0; !rc && i < g.n_scripts; i++) {
		const sl_gate_script *sc = &g.scripts[i];
		for (size_t k = 0; !rc && k < sc->n_findings; k++) {
			const sl_finding *f = &sc->findings[k];
			if (!f->severity || strcmp(f->severity, "blocker") ||
			    !f->code || !f->message || !f->standard)
				continue;
			json_t *refs = json_array();
			for (size_t j = 0; refs && j < f->n_refs; j++)
				json_array_append_new(refs,
				                      json_string(f->refs[j]));
			if (!refs)
				rc = sl_error(SL_ESYS, _("out of memory"));
			else if (picks_finding(pick, f->code, refs)) {
				*hit = 1;
				rc = script_item(sc->script, f, l);
			}
			json_decref(refs);
		}
	}
	sl_gate_res_free(&g);
	return rc;
}

static sl_rc settle_once(sl_store *s, const sl_withdraw_req *rq, int64_t *ref,
                         int *r)
{
	sl_state state;
	sl_rc rc = withdraw_begin(s, rq, ref, &state);
	if (rc)
		return rc;
	if ((rc = settleable(s, *ref, rq->case_id, state)) ||
	    (rc = sl_outline_latest(s, *ref, r)))
		return rc;
	if (*r == 0) /* rules that allow no return: nothing to add it to */
		return sl_error(SL_EPERM, _("case %s has not been returned"),
		                rq->case_id);
	item_list l = {.p = sl_pool_new()};
	const char *picks[] = {rq->finding};
	sl_return_req want = {.case_id = rq->case_id};
	want.picks = picks;
	want.n_picks = 1;
	char hit = 0;
	rc = l.p ? stored_items(s, *ref, &want, &l, &hit)
	         : sl_error(SL_ESYS, _("out of memory"));
	/* a check's finding first; a gate script's only if none is it */
	if (!rc && !hit)
		rc = gate_items(s, *ref, rq->case_id, rq->finding, &l, &hit);
	if (!rc && !hit)
		rc = no_such_pick(s, *ref, rq->finding);
	if (!rc && sl_pool_failed(l.p))
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (!rc)
		rc = not_in_outline(s, *ref, *r, &l);
	if (!rc && !(rc = sl_tx_begin_unchanged(s))) {
		if ((rc = settle_items(s, *ref, rq, *r, &l)) ||
		    (rc = sl_tx_commit(s)))
			sl_tx_rollback(s);
	}
	sl_pool_free(l.p);
	return rc;
}

sl_rc sl_review_withdraw(sl_store *s, const sl_withdraw_req *rq,
                         sl_outline_res *out)
{
	memset(out, 0, sizeof *out);
	int64_t ref = 0;
	int r = 0, tries = 0;
	sl_rc rc;
	do
		rc = rq->finding ? settle_once(s, rq, &ref, &r)
		                 : withdraw_once(s, rq, &ref, &r);
	while (sl_tx_retry(s, rc, &tries));
	return rc ? rc : sl_outline_load(s, ref, rq->case_id, r, out);
}

/* ---- resubmission -------------------------------------------------------- */

typedef struct {
	int no;
	char carried_from[32]; /* "" if the item is its own origin */
	int answered;          /* by this resubmission */
	int withdrawn;         /* by the leader: settled, not to be answered */
	const sl_supplement *entry;
	char why[160];
} item_rec;

static int has_id(const char *const *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], id))
			return 1;
	return 0;
}

static int dossier_has_evidence(const sl_dossier *d, const char *id)
{
	for (size_t i = 0; i < d->n_evidence; i++)
		if (!strcmp(d->evidence[i].id, id))
			return 1;
	return 0;
}

/* Parse "3" strictly. */
static int item_no(const char *s)
{
	int n = 0;
	if (!s || !*s || *s == '0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > 100000)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

/* The items of return r, each open until an entry answers it. */
static sl_rc outline_recs(sl_store *s, int64_t ref, int r, item_rec **out,
                          size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT no, carried_from, withdrawn_ms IS NOT NULL"
	                  " FROM outline_items WHERE case_ref = ? AND"
	                  " return_no = ? ORDER BY no",
	                  &st))
		return sl_db_err(s, _("reading an outline"));
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, r);
	size_t n = 0, cap = 0;
	item_rec *v = NULL;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			item_rec *nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				sqlite3_finalize(st);
				free(v);
				return sl_error(SL_ESYS, _("out of memory"));
			}
			v = nv;
		}
		item_rec *it = &v[n++];
		memset(it, 0, sizeof *it);
		it->no = sqlite3_column_int(st, 0);
		snprintf(it->carried_from, sizeof it->carried_from, "%s",
		         COL(st, 1) ? COL(st, 1) : "");
		it->withdrawn = sqlite3_column_int(st, 2);
		snprintf(it->why, sizeof it->why, "%s",
		         "没有针对本项的补查材料");
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(v);
		return sl_db_err(s, _("reading an outline"));
	}
	*out = v;
	*n_out = n;
	return SL_OK;
}

/* The ids of the evidence the case held before: an answer must bring new
 * evidence. */
static sl_rc old_evidence(sl_store *s, int64_t ref, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (sl_db_prepare(s, "SELECT id FROM evidence WHERE case_ref = ?", &st))
		return sl_db_err(s, _("reading evidence"));
	sqlite3_bind_int64(st, 1, ref);
	size_t cap = 0;
	sl_rc rc = SL_OK;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			char **nv = realloc(*out, cap * sizeof *nv);
			if (!nv) {
				rc = sl_error(SL_ESYS, _("out of memory"));
				break;
			}
			*out = nv;
		}
		if (!((*out)[*n] = strdup(COL(st, 0))))
			rc = sl_error(SL_ESYS, _("out of memory"));
		else
			(*n)++;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Entry e answers it when it cites evidence the file holds, and some of
 * it new; else it->why says why not. */
static void judge_entry(const sl_dossier *d, const char *const *old,
                        size_t n_old, const sl_supplement *e, item_rec *it)
{
	int all_held = 1, any_new = 0;
	const char *missing = NULL;
	it->entry = e;
	for (size_t q = 0; q < e->n_evidence; q++) {
		if (!dossier_has_evidence(d, e->evidence[q])) {
			all_held = 0;
			missing = e->evidence[q];
		} else if (!has_id(old, n_old, e->evidence[q])) {
			any_new = 1;
		}
	}
	if (e->n_evidence == 0)
		snprintf(it->why, sizeof it->why, "%s",
		         "补查说明未引用任何证据");
	else if (!all_held) {
		char id[72];
		sl_text_sanitize(missing, id, sizeof id);
		snprintf(it->why, sizeof it->why,
		         "引用的证据 %s 不在移送材料中", id);
	} else if (!any_new)
		snprintf(it->why, sizeof it->why, "%s", "未引用新补充的证据");
	else
		it->answered = 1;
}

/* Judge each supplement entry against the outline of return r. */
static sl_rc judge(sl_store *s, int64_t ref, int r, const sl_dossier *d,
                   item_rec **out, size_t *n_out)
{
	item_rec *v;
	size_t n, n_old;
	char **old;
	sl_rc rc = outline_recs(s, ref, r, &v, &n);
	if (rc)
		return rc;
	rc = old_evidence(s, ref, &old, &n_old);
	for (size_t j = 0; !rc && j < d->n_supplement; j++) {
		const sl_supplement *e = &d->supplement[j];
		int no = item_no(e->item);
		item_rec *it = NULL;
		for (size_t k = 0; no > 0 && k < n; k++)
			if (v[k].no == no)
				it = &v[k];
		char safe[40];
		sl_text_sanitize(e->item, safe, sizeof safe);
		if (!it)
			rc = sl_error(
			    SL_EINPUT,
			    _("supplement[%zu].item: the outline of return "
			      "%d has no item '%s'"),
			    j, r, safe);
		else if (it->entry)
			rc = sl_error(
			    SL_EINPUT,
			    _("supplement[%zu].item: item %s is answered "
			      "twice"),
			    j, safe);
		else if (it->withdrawn)
			/* settled by the leader: the agency may not have known
			 * when it answered. The answer stays in the dossier; it
			 * answers nothing, as replay.c reads the log. */
			it->entry = e;
		else
			judge_entry(d, (const char *const *)old, n_old, e, it);
	}
	for (size_t i = 0; i < n_old; i++)
		free(old[i]);
	free(old);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n_out = n;
	return SL_OK;
}

/* What a resubmission reads before it writes: the case, the file, and
 * each item of the latest return judged against the file's answers. */
typedef struct {
	int64_t ref;
	sl_state state;
	sl_dossier *d;
	int64_t paused, deadline_was, accepted;
	int limit_days; /* -1: not kept */
	int r;          /* the latest return */
	item_rec *items;
	size_t n_items;
	char hex[2 * SL_SHA256_LEN + 1]; /* of the file */
} resubmission;

static void resubmission_free(resubmission *rs)
{
	sl_dossier_free(rs->d);
	free(rs->items);
	memset(rs, 0, sizeof *rs);
}

/* The file is this case's, of its agency; its answers judged. */
static sl_rc read_resubmission(sl_store *s, const sl_resubmit_req *rq,
                               resubmission *rs)
{
	sl_state next;
	sl_rc rc = sl_case_require(s, SL_ACT_CASE_RESUBMIT, rq->case_id,
	                           &rs->ref, &rs->state);
	if (rc || (rc = sl_lifecycle_next(rq->case_id, rs->state,
	                                  SL_EV_RESUBMIT, &next)))
		return rc;
	sl_dossier_limits lim;
	sl_dossier_default_limits(&lim);
	if ((rc = sl_dossier_parse(rq->buf, rq->len, rq->name, &lim, &rs->d)))
		return rc;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT agency, paused_ms, deadline_ms, accepted_ms,"
	                  " coalesce(limit_days, -1) FROM cases WHERE id = ?",
	                  &st))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, rs->ref);
	int step = sqlite3_step(st);
	char agency[64] = "";
	if (step == SQLITE_ROW) {
		snprintf(agency, sizeof agency, "%s", COL(st, 0));
		rs->paused = sqlite3_column_int64(st, 1);
		rs->deadline_was = sqlite3_column_int64(st, 2);
		rs->accepted = sqlite3_column_int64(st, 3);
		rs->limit_days = sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return sl_db_err(s, _("reading a case"));
	if (strcmp(rs->d->case_id, rq->case_id) ||
	    strcmp(rs->d->agency, agency)) {
		char id[80], ag[40];
		sl_text_sanitize(rs->d->case_id, id, sizeof id);
		sl_text_sanitize(rs->d->agency, ag, sizeof ag);
		return sl_error(SL_EINPUT,
		                _("%s: the file is case %s of agency %s, not "
		                  "case %s of agency %s"),
		                rq->name, id, ag, rq->case_id, agency);
	}
	uint8_t h[SL_SHA256_LEN];
	sl_sha256(rq->buf, rq->len, h);
	sl_hex(h, sizeof h, rs->hex);
	if ((rc = sl_outline_latest(s, rs->ref, &rs->r)))
		return rc;
	return judge(s, rs->ref, rs->r, rs->d, &rs->items, &rs->n_items);
}

/* The answers, recorded before the dossier (and its entries) go: each
 * answered item and every copy carried from its origin. *answers gets
 * them for the log; out the numbers answered and the items left open. */
static sl_rc record_answers(sl_store *s, const resubmission *rs, int64_t now,
                            json_t *answers, sl_resubmit_res *out)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "UPDATE outline_items SET answered_ms = ?1,"
	                  " answer_evidence = ?2, answer_note = ?3 WHERE"
	                  " case_ref = ?4 AND answered_ms IS NULL AND"
	                  " withdrawn_ms IS NULL AND"
	                  " ((return_no = ?5 AND no = ?6) OR"
	                  " carried_from = ?7 OR"
	                  " (return_no || '.' || no) = ?7)",
	                  &st))
		return sl_db_err(s, _("recording the resubmission"));
	int *answered =
	    sl_pool_alloc(out->mem_, (rs->n_items + 1) * sizeof(int));
	sl_open_item *open =
	    sl_pool_alloc(out->mem_, (rs->n_items + 1) * sizeof *open);
	int *withdrawn =
	    sl_pool_alloc(out->mem_, (rs->n_items + 1) * sizeof(int));
	int ok = answered && open && withdrawn;
	for (size_t i = 0; ok && i < rs->n_items; i++) {
		const item_rec *it = &rs->items[i];
		if (it->withdrawn) {
			withdrawn[out->n_withdrawn++] = it->no;
			continue;
		}
		if (!it->answered) {
			open[out->n_open].no = it->no;
			open[out->n_open++].why =
			    sl_pool_strdup(out->mem_, it->why);
			continue;
		}
		json_t *ev = json_array();
		for (size_t q = 0; q < it->entry->n_evidence; q++)
			json_array_append_new(
			    ev, json_string(it->entry->evidence[q]));
		char *evs = json_dumps(ev, JSON_COMPACT);
		char origin[32];
		if (it->carried_from[0])
			snprintf(origin, sizeof origin, "%s", it->carried_from);
		else
			snprintf(origin, sizeof origin, "%d.%d", rs->r, it->no);
		json_array_append_new(
		    answers,
		    json_pack("{s:i, s:s, s:o, s:s?}", "no", it->no, "origin",
		              origin, "evidence", ev, "note", it->entry->note));
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_text(st, 2, evs ? evs : "[]", -1,
		                  SQLITE_TRANSIENT);
		if (it->entry->note)
			sqlite3_bind_text(st, 3, it->entry->note, -1,
			                  SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, rs->ref);
		sqlite3_bind_int(st, 5, rs->r);
		sqlite3_bind_int(st, 6, it->no);
		sqlite3_bind_text(st, 7, origin, -1, SQLITE_TRANSIENT);
		free(evs);
		if ((ok = step_done(st)))
			answered[out->n_answered++] = it->no;
	}
	sqlite3_finalize(st);
	out->answered = answered;
	out->open = open;
	out->withdrawn = withdrawn;
	if (!answered || !open || !withdrawn)
		return sl_error(SL_ESYS, _("out of memory"));
	return ok ? SL_OK : sl_db_err(s, _("recording the resubmission"));
}

static json_t *open_logged(const sl_resubmit_res *out)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < out->n_open; i++)
		if (json_array_append_new(a, json_pack("{s:i, s:s}", "no",
		                                       out->open[i].no, "why",
		                                       out->open[i].why))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The new dossier, the return resubmitted, the clock resumed (the
 * deadline moves on by the days away, to a working day: clock.h), the
 * transition and the log entry; in the open transaction. rs->d is
 * taken. */
static sl_rc take_in(sl_store *s, const sl_resubmit_req *rq, resubmission *rs,
                     int64_t now, json_t *answers, const sl_resubmit_res *out)
{
	char content[65];
	sl_dossier *d = rs->d;
	rs->d = NULL;
	sl_rc rc = sl_case_store_dossier(s, rs->ref, d, rq->buf, rq->len,
	                                 content); /* takes d */
	int64_t v1[] = {now, rs->ref, rs->r};
	if (rc || (rc = exec_i64(s,
	                         "UPDATE returns SET resubmitted_ms = ?1 WHERE"
	                         " case_ref = ?2 AND return_no = ?3",
	                         _("recording the resubmission"), 3, v1)))
		return rc;
	int64_t away = rs->paused && now > rs->paused ? now - rs->paused : 0;
	sl_rules *rules = NULL;
	if ((rc = sl_rules_load(s, &rules)))
		return rc;
	/* the calendar days the agency had it, not whole 24-hour spans: the
	 * days of supplementary investigation do not count (DOMAIN.md) */
	int away_days = sl_clock_days_apart(rs->paused, now);
	int64_t deadline = sl_clock_move(rules, rs->accepted, rs->limit_days,
	                                 rs->deadline_was, away_days);
	sl_rules_free(rules);
	if (!sl_clock_move_plausible(rs->deadline_was, deadline, away))
		return sl_case_limit_misled(rq->case_id);
	sl_case_change chg = {
	    .deadline_ms = deadline, .paused_ms = -1, .limit_days = away_days};
	sl_state next;
	if ((rc = sl_case_transition(s, rs->ref, rq->case_id, rs->state,
	                             SL_EV_RESUBMIT, &chg, &next)))
		return rc;
	json_t *det = json_pack(
	    "{s:i, s:s, s:s, s:O, s:o, s:I, s:i, s:I}", "return_no", rs->r,
	    "sha256", rs->hex, "content", content, "answered", answers, "open",
	    open_logged(out), "away_ms", (json_int_t)away, "away_days",
	    away_days, "deadline_ms", (json_int_t)deadline);
	if (!det || (rc = sl_case_claim(s, rs->ref, det))) {
		json_decref(det);
		return det ? rc : sl_error(SL_ESYS, _("out of memory"));
	}
	rc = sl_audit(s, "case.resubmit", rq->case_id, det);
	json_decref(det);
	return rc;
}

static sl_rc resubmit_once(sl_store *s, const sl_resubmit_req *rq,
                           sl_checks *chk, sl_resubmit_res *out)
{
	sl_rc rc = sl_tx_snapshot(s);
	if (rc)
		return rc;
	resubmission rs = {0};
	if ((rc = read_resubmission(s, rq, &rs))) {
		resubmission_free(&rs);
		return rc;
	}
	json_t *answers = json_array();
	int64_t now = sl_tx_clock(s);
	out->n_answered = out->n_open = out->n_withdrawn = 0;
	out->checks_ran = 0;
	if (!(rc = sl_tx_begin_unchanged(s))) {
		rc = record_answers(s, &rs, now, answers, out);
		if (!rc)
			rc = take_in(s, rq, &rs, now, answers, out);
		/* the checks run again, on the new dossier, in this
		 * transaction; if they cannot (none installed, one refused),
		 * the findings stay those of the old dossier, marked stale,
		 * and sign-off asks for a run */
		sl_review_result res;
		if (!rc && sl_checks_count(chk) &&
		    !(rc = sl_checks_run_in_tx(s, chk, rs.ref, rq->case_id,
		                               &res))) {
			out->checks_ran = 1;
			out->blockers = res.blockers;
			out->warnings = res.warnings;
			out->notes = res.notes;
		}
		if (rc || (rc = sl_tx_commit(s)))
			sl_tx_rollback(s);
	}
	out->return_no = rs.r;
	json_decref(answers);
	resubmission_free(&rs);
	return rc;
}

size_t sl_resubmit_max_bytes(void)
{
	sl_dossier_limits lim;
	sl_dossier_default_limits(&lim);
	return lim.max_bytes;
}

sl_rc sl_review_resubmit(sl_store *s, const sl_resubmit_req *rq,
                         sl_resubmit_res *out)
{
	memset(out, 0, sizeof *out);
	if (!(out->mem_ = sl_pool_new()))
		return sl_error(SL_ESYS, _("out of memory"));
	/* The plugins are loaded first, outside any transaction: a refused
	 * one is audited on its own, and the resubmission (the agency's
	 * material, which must not be lost to a broken plugin) still
	 * commits, saying why its checks did not run. */
	sl_checks *chk = NULL;
	const char *not_run = NULL;
	if (sl_checks_load(s, &chk))
		not_run = sl_pool_strdup(out->mem_, sl_errmsg());
	else if (!sl_checks_count(chk))
		not_run = _("no review plugin is installed");
	int tries = 0;
	sl_rc rc;
	do
		rc = resubmit_once(s, rq, chk, out);
	while (sl_tx_retry(s, rc, &tries));
	sl_checks_free(chk);
	out->case_id = sl_pool_strdup(out->mem_, rq->case_id);
	out->checks_not_run = out->checks_ran ? NULL : not_run;
	if (!rc && sl_pool_failed(out->mem_))
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (rc) {
		sl_resubmit_res_free(out);
		return rc;
	}
	out->recorded = 1;
	/* taken in; the verdict on it is the operation's */
	if (out->n_open || out->blockers)
		return sl_error(
		    SL_FAIL,
		    _("case %s resubmitted: %zu item(s) still open, "
		      "%d blocker(s)"),
		    rq->case_id, out->n_open, out->blockers);
	return SL_OK;
}

sl_rc sl_case_resubmit(sl_store *s, const char *case_id, const char *buf,
                       size_t len, const char *name, json_t **result)
{
	sl_resubmit_req rq = {case_id, buf, len, name};
	sl_resubmit_res r;
	sl_rc rc = sl_review_resubmit(s, &rq, &r);
	if (rc == SL_FAIL && r.recorded)
		rc = SL_OK;
	if (!rc && result && !(*result = sl_resubmit_json(&r)))
		rc = sl_error(SL_ESYS, _("out of memory"));
	sl_resubmit_res_free(&r);
	return rc;
}
