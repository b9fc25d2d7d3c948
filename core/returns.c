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
#include "dossier.h"
#include "lifecycle.h"
#include "policy.h"
#include "review.h"
#include "rules.h"
#include "text.h"
#include "transition.h"

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
	if (sqlite3_prepare_v2(sl_store_db(s), sql, -1, &st, 0))
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

static json_t *day_or_null(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	char day[11];
	sl_day_of(sqlite3_column_int64(st, col), day);
	return json_string(day);
}

/* ---- reading outlines ---------------------------------------------------- */

static sl_rc outline_of(sl_store *s, int64_t ref, const char *case_id,
                        int return_no, json_t **out)
{
	*out = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT kind, returned_by, returned_ms,"
	                       " resubmitted_ms FROM returns WHERE case_ref = ?"
	                       " AND return_no = ?",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading returns"));
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, return_no);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		sqlite3_finalize(st);
		return step == SQLITE_DONE
		           ? sl_error(SL_EINPUT, _("case %s has no return %d"),
		                      case_id, return_no)
		           : sl_db_err(s, _("reading returns"));
	}
	json_t *o =
	    json_pack("{s:s, s:i, s:s, s:s, s:o, s:o}", "case_id", case_id,
	              "return_no", return_no, "kind",
	              (const char *)sqlite3_column_text(st, 0), "returned_by",
	              (const char *)sqlite3_column_text(st, 1), "returned_on",
	              day_or_null(st, 2), "resubmitted_on", day_or_null(st, 3));
	sqlite3_finalize(st);
	if (!o)
		return sl_error(SL_ESYS, _("out of memory"));
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT no, text, refs, source, carried_from,"
	                       " answered_ms, answer_evidence, answer_note,"
	                       " withdrawn_ms, withdrawn_by, withdraw_reason"
	                       " FROM outline_items WHERE case_ref = ? AND"
	                       " return_no = ? ORDER BY no",
	                       -1, &st, 0)) {
		json_decref(o);
		return sl_db_err(s, _("reading an outline"));
	}
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, return_no);
	json_t *items = json_array();
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int answered = sqlite3_column_type(st, 5) != SQLITE_NULL;
		json_t *answer = json_null();
		if (answered)
			answer = json_pack(
			    "{s:o, s:o, s:s?}", "answered_on",
			    day_or_null(st, 5), "evidence",
			    loads_or(sqlite3_column_text(st, 6), json_array()),
			    "note", (const char *)sqlite3_column_text(st, 7));
		json_t *withdrawn = json_null();
		if (sqlite3_column_type(st, 8) != SQLITE_NULL)
			withdrawn = json_pack(
			    "{s:o, s:s, s:s}", "withdrawn_on",
			    day_or_null(st, 8), "by",
			    (const char *)sqlite3_column_text(st, 9), "reason",
			    (const char *)sqlite3_column_text(st, 10));
		json_array_append_new(
		    items,
		    json_pack(
		        "{s:i, s:s, s:o, s:b, s:s, s:s?, s:o, s:o}", "no",
		        sqlite3_column_int(st, 0), "text",
		        (const char *)sqlite3_column_text(st, 1), "refs",
		        loads_or(sqlite3_column_text(st, 2), json_array()),
		        "answered", answered, "source",
		        (const char *)sqlite3_column_text(st, 3),
		        "carried_from",
		        (const char *)sqlite3_column_text(st, 4), "answer",
		        answer ? answer : json_null(), "withdrawn",
		        withdrawn ? withdrawn : json_null()));
	}
	sqlite3_finalize(st);
	json_object_set_new(o, "items", items);
	if (step != SQLITE_DONE) {
		json_decref(o);
		return sl_db_err(s, _("reading an outline"));
	}
	*out = o;
	return SL_OK;
}

static sl_rc latest_return(sl_store *s, int64_t ref, int *n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT coalesce(max(return_no), 0) FROM returns"
	                       " WHERE case_ref = ?",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading returns"));
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	*n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? SL_OK : sl_db_err(s, _("reading returns"));
}

sl_rc sl_outline_get(sl_store *s, const char *case_id, int return_no,
                     json_t **out)
{
	int64_t ref;
	sl_state state;
	sl_rc rc = sl_case_require(s, SL_ACT_CASE_READ, case_id, &ref, &state);
	if (rc)
		return rc;
	if (return_no <= 0) {
		if ((rc = latest_return(s, ref, &return_no)))
			return rc;
		if (return_no == 0)
			return sl_error(SL_EINPUT,
			                _("case %s has not been returned"),
			                case_id);
	}
	return outline_of(s, ref, case_id, return_no, out);
}

sl_rc sl_returns_of(sl_store *s, int64_t ref, const char *case_id, json_t **out)
{
	int n;
	sl_rc rc = latest_return(s, ref, &n);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (int r = 1; r <= n; r++) {
		json_t *o;
		if ((rc = outline_of(s, ref, case_id, r, &o))) {
			json_decref(list);
			return rc;
		}
		json_object_del(o, "case_id");
		json_array_append_new(list, o);
	}
	*out = list;
	return SL_OK;
}

/* ---- returning ----------------------------------------------------------- */

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
	if (sqlite3_prepare_v2(
	        sl_store_db(s),
	        "SELECT 1 FROM facts WHERE case_ref = ?1 AND id = ?2"
	        " UNION ALL SELECT 1 FROM evidence WHERE"
	        " case_ref = ?1 AND id = ?2",
	        -1, &st, 0) == SQLITE_OK) {
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
	return n >= 1 && n <= SL_OUTLINE_TEXT_MAX && sl_text_printable(t, n);
}

/* Is text already an item? (the same suggestion from two findings) */
static int has_text(json_t *items, const char *text)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
	{
		if (!strcmp(json_string_value(json_object_get(v, "text")),
		            text))
			return 1;
	}
	return 0;
}

/* The leader's item k: text and its refs, checked against the case. */
static sl_rc extra_item(sl_store *s, int64_t ref, const sl_rules *rules,
                        size_t k, const sl_outline_extra *x, json_t **out)
{
	*out = NULL;
	if (!item_text_ok(x->text))
		return sl_error(SL_EINPUT,
		                _("outline item %zu: the text must be 1 to %d "
		                  "bytes of printable UTF-8"),
		                k + 1, SL_OUTLINE_TEXT_MAX);
	json_t *refs = json_array();
	const char *p = x->refs ? x->refs : "";
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char id[72];
		if (n == 0 || n >= sizeof id) {
			json_decref(refs);
			return sl_error(
			    SL_EINPUT,
			    _("outline item %zu: an empty or over-long "
			      "reference"),
			    k + 1);
		}
		memcpy(id, p, n);
		id[n] = 0;
		if (!ref_ok(s, ref, rules, id)) {
			char safe[80];
			sl_text_sanitize(id, safe, sizeof safe);
			json_decref(refs);
			return sl_error(
			    SL_EINPUT,
			    _("outline item %zu: '%s' is no fact or evidence "
			      "of this case, standard, 'subject' or "
			      "'doc:KIND'"),
			    k + 1, safe);
		}
		json_array_append_new(refs, json_string(id));
		p += n + (e ? 1 : 0);
	}
	if (json_array_size(refs) == 0) {
		json_decref(refs);
		return sl_error(
		    SL_EINPUT,
		    _("outline item %zu: tie it to what it concerns "
		      "(--ref F1,E2, --ref doc:identity, --ref "
		      "subject)"),
		    k + 1);
	}
	*out = json_pack("{s:s, s:o, s:s, s:n}", "text", x->text, "refs", refs,
	                 "source", "leader", "carried_from");
	return *out ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
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
		if (!strcmp(json_string_value(r) ? json_string_value(r) : "",
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
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT DISTINCT code FROM findings WHERE"
	                       " case_ref = ? ORDER BY code",
	                       -1, &st, 0) == SQLITE_OK) {
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

/* The checks' part of a new outline: every suggestion, or the findings
 * picked (a picked finding without a suggestion gives its message). */
static sl_rc finding_items(sl_store *s, int64_t ref, const sl_return_req *req,
                           json_t *items)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT check_id, code, standard, refs,"
	                       " outline_item, message FROM findings WHERE"
	                       " case_ref = ? ORDER BY n",
	                       -1, &st, 0))
		return sl_db_err(s, _("building the outline"));
	sqlite3_bind_int64(st, 1, ref);
	char *hit = calloc(req->n_picks + 1, 1);
	if (!hit) {
		sqlite3_finalize(st);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		json_t *refs =
		    loads_or(sqlite3_column_text(st, 3), json_array());
		int take = !req->n_picks && text;
		for (size_t k = 0; k < req->n_picks; k++)
			if (picks_finding(req->picks[k], code, refs))
				take = hit[k] = 1;
		if (!text)
			text = (const char *)sqlite3_column_text(st, 5);
		if (!take || !item_text_ok(text) || has_text(items, text)) {
			json_decref(refs);
			continue;
		}
		char src[160];
		snprintf(src, sizeof src, "%s/%s", sqlite3_column_text(st, 0),
		         code);
		if (json_array_size(refs) == 0)
			json_array_append_new(
			    refs, json_string((const char *)sqlite3_column_text(
			              st, 2)));
		json_array_append_new(items,
		                      json_pack("{s:s, s:o, s:s, s:n}", "text",
		                                text, "refs", refs, "source",
		                                src, "carried_from"));
	}
	sqlite3_finalize(st);
	sl_rc rc = SL_OK;
	for (size_t k = 0; !rc && k < req->n_picks; k++)
		if (!hit[k])
			rc = no_such_pick(s, ref, req->picks[k]);
	free(hit);
	return rc;
}

/* The outline of a new return: carried items, the checks' part, the
 * leader's items. */
static sl_rc build_items(sl_store *s, int64_t ref, int prev, int current,
                         const sl_return_req *req, const sl_rules *rules,
                         json_t **out, int *carried)
{
	json_t *items = json_array();
	sqlite3_stmt *st = NULL;
	sl_rc rc = SL_OK;
	*carried = 0;
	if (prev > 0) {
		if (sqlite3_prepare_v2(
		        sl_store_db(s),
		        "SELECT no, text, refs, carried_from FROM"
		        " outline_items WHERE case_ref = ? AND"
		        " return_no = ? AND answered_ms IS NULL AND"
		        " withdrawn_ms IS NULL ORDER BY no",
		        -1, &st, 0))
			goto dberr;
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_int(st, 2, prev);
		while (sqlite3_step(st) == SQLITE_ROW) {
			char from[32];
			const char *cf =
			    (const char *)sqlite3_column_text(st, 3);
			if (cf)
				snprintf(from, sizeof from, "%s", cf);
			else
				snprintf(from, sizeof from, "%d.%d", prev,
				         sqlite3_column_int(st, 0));
			json_array_append_new(
			    items,
			    json_pack("{s:s, s:o, s:s, s:s}", "text",
			              (const char *)sqlite3_column_text(st, 1),
			              "refs",
			              loads_or(sqlite3_column_text(st, 2),
			                       json_array()),
			              "source", "carried", "carried_from",
			              from));
			(*carried)++;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	/* the checks' suggestions count only if they are about this version
	 * of the dossier */
	if (req->n_picks && !current) {
		rc = sl_error(SL_EPERM,
		              _("the checks have not run on this version of "
		                "the dossier: run 'review run' before picking "
		                "findings"));
		goto fail;
	}
	if (current && !req->no_findings &&
	    (rc = finding_items(s, ref, req, items)))
		goto fail;
	for (size_t k = 0; k < req->n_extra; k++) {
		json_t *it;
		if ((rc = extra_item(s, ref, rules, k, &req->extra[k], &it)))
			goto fail;
		json_array_append_new(items, it);
	}
	if (json_array_size(items) == 0) {
		rc = sl_error(
		    SL_EINPUT,
		    _("the outline would be empty: no open item is carried, no "
		      "finding was taken, and no item was given (--item TEXT "
		      "--ref IDS)"));
		goto fail;
	}
	if (json_array_size(items) > SL_OUTLINE_MAX_ITEMS) {
		rc = sl_error(SL_EINPUT, _("an outline holds at most %d items"),
		              SL_OUTLINE_MAX_ITEMS);
		goto fail;
	}
	*out = items;
	return SL_OK;
dberr:
	rc = sl_db_err(s, _("building the outline"));
fail:
	sqlite3_finalize(st);
	json_decref(items);
	return rc;
}

/* What --dry-run shows: the outline as it would be sent. */
static json_t *preview(const char *case_id, int no, const char *kind,
                       json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_object_set_new(it, "answered", json_false());
		json_object_set_new(it, "withdrawn", json_null());
	}
	return json_pack("{s:s, s:i, s:s, s:O, s:b}", "case_id", case_id,
	                 "return_no", no, "kind", kind, "items", items,
	                 "dry_run", 1);
}

static sl_rc return_once(sl_store *s, const char *case_id,
                         const sl_return_req *req, json_t **outline)
{
	const char *kind = req->kind;
	sl_rc snap_rc = sl_tx_snapshot(s);
	if (snap_rc)
		return snap_rc;
	int64_t ref;
	sl_state state, next;
	sl_rc rc =
	    sl_case_require(s, SL_ACT_REVIEW_RETURN, case_id, &ref, &state);
	if (rc)
		return rc;
	if (!kind ||
	    (strcmp(kind, "supplement") && strcmp(kind, "reinvestigate")))
		return sl_error(SL_EINPUT,
		                _("the kind of a return is 'supplement' or "
		                  "'reinvestigate'"));
	if ((rc = sl_lifecycle_next(case_id, state, SL_EV_RETURN, &next)))
		return rc;
	sl_rules *rules;
	if ((rc = sl_rules_load(s, &rules)))
		return rc;
	int max = sl_rules_max_returns(rules);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT returns, rev = checked_rev FROM cases"
	                       " WHERE id = ?",
	                       -1, &st, 0)) {
		sl_rules_free(rules);
		return sl_db_err(s, _("reading a case"));
	}
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	int count = sqlite3_column_int(st, 0);
	int current = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		rc = sl_db_err(s, _("reading a case"));
	else if (count >= max)
		rc = sl_error(SL_EPERM,
		              _("case %s has been returned %d times: the rules "
		                "allow at most %d returns (withdraw the items "
		                "nobody can answer: review withdraw)"),
		              case_id, count, max);
	int prev = 0;
	if (!rc)
		rc = latest_return(s, ref, &prev);
	json_t *items = NULL;
	int carried;
	if (!rc)
		rc = build_items(s, ref, prev, current, req, rules, &items,
		                 &carried);
	sl_rules_free(rules);
	if (rc)
		return rc;
	int no = prev + 1;
	int64_t now = sl_tx_clock(s);
	/* items are numbered from 1, as the outline prints them */
	size_t k;
	json_t *item;
	json_array_foreach(items, k, item)
	    json_object_set_new(item, "no", json_integer((json_int_t)k + 1));
	char *text = json_dumps(items, JSON_COMPACT);
	uint8_t h[SL_SHA256_LEN];
	char hex[2 * SL_SHA256_LEN + 1];
	if (!text) {
		json_decref(items);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	sl_sha256(text, strlen(text), h);
	sl_hex(h, sizeof h, hex);
	free(text);
	if (req->dry_run) { /* nothing written, nothing audited */
		json_t *o = preview(case_id, no, kind, items);
		json_decref(items);
		if (outline)
			*outline = o;
		else
			json_decref(o);
		return o ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
	}
	if ((rc = sl_tx_begin_unchanged(s))) {
		json_decref(items);
		return rc;
	}
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "INSERT INTO returns(case_ref, return_no, kind,"
	                       " returned_by, returned_ms) VALUES(?,?,?,?,?)",
	                       -1, &st, 0))
		goto dberr;
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, no);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sl_store_actor(s)->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	int ok = step_done(st);
	sqlite3_finalize(st);
	if (!ok)
		goto dberr;
	if (sqlite3_prepare_v2(
	        sl_store_db(s),
	        "INSERT INTO outline_items(case_ref, return_no, no,"
	        " text, refs, source, carried_from)"
	        " VALUES(?,?,?,?,?,?,?)",
	        -1, &st, 0))
		goto dberr;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		char *refs =
		    json_dumps(json_object_get(it, "refs"), JSON_COMPACT);
		const char *cf =
		    json_string_value(json_object_get(it, "carried_from"));
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_int(st, 2, no);
		sqlite3_bind_int(st, 3, (int)i + 1);
		sqlite3_bind_text(
		    st, 4, json_string_value(json_object_get(it, "text")), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 5, refs ? refs : "[]", -1,
		                  SQLITE_TRANSIENT);
		sqlite3_bind_text(
		    st, 6, json_string_value(json_object_get(it, "source")), -1,
		    SQLITE_STATIC);
		if (cf)
			sqlite3_bind_text(st, 7, cf, -1, SQLITE_STATIC);
		ok = step_done(st);
		free(refs);
		if (!ok) {
			sqlite3_finalize(st);
			goto dberr;
		}
	}
	sqlite3_finalize(st);
	/* the clock stops: time away for supplement does not count */
	sl_case_change chg = {.paused_ms = now, .count_return = 1};
	if ((rc = sl_case_transition(s, ref, case_id, state, SL_EV_RETURN,
	                             &chg, &next)))
		goto fail;
	/* the whole outline goes into the log: what the agency is asked is
	 * part of the record, and replay derives the outline from it */
	json_t *d = json_pack("{s:i, s:s, s:O, s:i, s:s}", "return_no", no,
	                      "kind", kind, "items", items, "carried", carried,
	                      "outline_sha256", hex);
	if (!d || (rc = sl_case_claim(s, ref, d))) {
		json_decref(d);
		rc = rc ? rc : sl_error(SL_ESYS, _("out of memory"));
		goto fail;
	}
	rc = sl_audit(s, "review.return", case_id, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	json_decref(items);
	return outline ? outline_of(s, ref, case_id, no, outline) : SL_OK;
dberr:
	rc = sl_db_err(s, _("recording the return"));
fail:
	sl_tx_rollback(s);
	json_decref(items);
	return rc;
}

sl_rc sl_return_case(sl_store *s, const char *case_id, const sl_return_req *req,
                     json_t **outline)
{
	int tries = 0;
	sl_rc rc;
	do
		rc = return_once(s, case_id, req, outline);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}

/* ---- withdrawing an item ------------------------------------------------- */

static sl_rc withdraw_once(sl_store *s, const char *case_id, int item,
                           const char *reason, json_t **outline)
{
	sl_rc rc = sl_tx_snapshot(s);
	if (rc)
		return rc;
	int64_t ref;
	sl_state state;
	if ((rc = sl_case_require(s, SL_ACT_REVIEW_RETURN, case_id, &ref,
	                          &state)))
		return rc;
	if (!item_text_ok(reason))
		return sl_error(
		    SL_EINPUT,
		    _("the reason for withdrawing an item must be 1 "
		      "to %d bytes of printable UTF-8"),
		    SL_OUTLINE_TEXT_MAX);
	if (state == SL_ST_SIGNED_OFF)
		return sl_error(SL_EPERM,
		                _("case %s is signed off: its outline stays as "
		                  "it is"),
		                case_id);
	int r;
	if ((rc = latest_return(s, ref, &r)))
		return rc;
	if (r == 0)
		return sl_error(SL_EINPUT, _("case %s has not been returned"),
		                case_id);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT answered_ms IS NOT NULL, withdrawn_ms IS"
	                       " NOT NULL, carried_from FROM outline_items"
	                       " WHERE case_ref = ? AND return_no = ? AND"
	                       " no = ?",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading an outline"));
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, r);
	sqlite3_bind_int(st, 3, item);
	int step = sqlite3_step(st);
	int answered = sqlite3_column_int(st, 0),
	    withdrawn = sqlite3_column_int(st, 1);
	char origin[32];
	const char *cf = (const char *)sqlite3_column_text(st, 2);
	if (cf)
		snprintf(origin, sizeof origin, "%s", cf);
	else
		snprintf(origin, sizeof origin, "%d.%d", r, item);
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
	if ((rc = sl_tx_begin_unchanged(s)))
		return rc;
	int64_t now = sl_tx_clock(s);
	/* the item, and every copy of it carried from the same origin: one
	 * question, settled once (as an answer settles them, resubmit) */
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "UPDATE outline_items SET withdrawn_ms = ?1,"
	                       " withdrawn_by = ?2, withdraw_reason = ?3"
	                       " WHERE case_ref = ?4 AND answered_ms IS NULL"
	                       " AND withdrawn_ms IS NULL AND"
	                       " ((return_no = ?5 AND no = ?6) OR"
	                       " carried_from = ?7 OR"
	                       " (return_no || '.' || no) = ?7)",
	                       -1, &st, 0)) {
		rc = sl_db_err(s, _("withdrawing an item"));
		goto fail;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, sl_store_actor(s)->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ref);
	sqlite3_bind_int(st, 5, r);
	sqlite3_bind_int(st, 6, item);
	sqlite3_bind_text(st, 7, origin, -1, SQLITE_STATIC);
	int ok = step_done(st);
	sqlite3_finalize(st);
	if (!ok) {
		rc = sl_db_err(s, _("withdrawing an item"));
		goto fail;
	}
	json_t *d = json_pack("{s:i, s:i, s:s, s:s}", "return_no", r, "item",
	                      item, "origin", origin, "reason", reason);
	if (!d || (rc = sl_case_claim(s, ref, d))) {
		json_decref(d);
		rc = rc ? rc : sl_error(SL_ESYS, _("out of memory"));
		goto fail;
	}
	rc = sl_audit(s, "review.withdraw", case_id, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	return outline ? outline_of(s, ref, case_id, r, outline) : SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

sl_rc sl_return_withdraw(sl_store *s, const char *case_id, int item,
                         const char *reason, json_t **outline)
{
	int tries = 0;
	sl_rc rc;
	do
		rc = withdraw_once(s, case_id, item, reason, outline);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}

/* ---- resubmission -------------------------------------------------------- */

typedef struct {
	int no;
	char carried_from[32]; /* "" if the item is its own origin */
	int answered;          /* by this resubmission */
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

/* Judge each supplement entry against the outline of return r. */
static sl_rc judge(sl_store *s, int64_t ref, int r, const sl_dossier *d,
                   item_rec **out, size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        sl_store_db(s),
	        "SELECT no, carried_from FROM outline_items WHERE"
	        " case_ref = ? AND return_no = ? ORDER BY no",
	        -1, &st, 0))
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
		const char *cf = (const char *)sqlite3_column_text(st, 1);
		snprintf(it->carried_from, sizeof it->carried_from, "%s",
		         cf ? cf : "");
		snprintf(it->why, sizeof it->why, "%s",
		         "没有针对本项的补查材料");
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(v);
		return sl_db_err(s, _("reading an outline"));
	}
	/* the evidence the case held before: an answer must bring new */
	size_t n_old = 0, cap_old = 0;
	char **old = NULL;
	sl_rc rc = SL_OK;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT id FROM evidence WHERE case_ref = ?", -1,
	                       &st, 0)) {
		free(v);
		return sl_db_err(s, _("reading evidence"));
	}
	sqlite3_bind_int64(st, 1, ref);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		if (n_old == cap_old) {
			cap_old = cap_old ? 2 * cap_old : 32;
			char **no = realloc(old, cap_old * sizeof *no);
			if (!no) {
				rc = sl_error(SL_ESYS, _("out of memory"));
				break;
			}
			old = no;
		}
		if (!(old[n_old] =
		          strdup((const char *)sqlite3_column_text(st, 0)))) {
			rc = sl_error(SL_ESYS, _("out of memory"));
			break;
		}
		n_old++;
	}
	sqlite3_finalize(st);
	for (size_t j = 0; !rc && j < d->n_supplement; j++) {
		const sl_supplement *e = &d->supplement[j];
		int no = item_no(e->item);
		item_rec *it = NULL;
		for (size_t k = 0; no > 0 && k < n; k++)
			if (v[k].no == no)
				it = &v[k];
		char safe[40];
		sl_text_sanitize(e->item, safe, sizeof safe);
		if (!it) {
			rc = sl_error(
			    SL_EINPUT,
			    _("supplement[%zu].item: the outline of return "
			      "%d has no item '%s'"),
			    j, r, safe);
			break;
		}
		if (it->entry) {
			rc = sl_error(
			    SL_EINPUT,
			    _("supplement[%zu].item: item %s is answered "
			      "twice"),
			    j, safe);
			break;
		}
		it->entry = e;
		int all_held = 1, any_new = 0;
		const char *missing = NULL;
		for (size_t q = 0; q < e->n_evidence; q++) {
			if (!dossier_has_evidence(d, e->evidence[q])) {
				all_held = 0;
				missing = e->evidence[q];
			} else if (!has_id((const char *const *)old, n_old,
			                   e->evidence[q])) {
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
			snprintf(it->why, sizeof it->why, "%s",
			         "未引用新补充的证据");
		else
			it->answered = 1;
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

static sl_rc resubmit_once(sl_store *s, const char *case_id, const char *buf,
                           size_t len, const char *name, sl_checks *chk,
                           const char *not_run, json_t **result)
{
	sl_rc snap_rc = sl_tx_snapshot(s);
	if (snap_rc)
		return snap_rc;
	int64_t ref;
	sl_state state, next;
	sl_rc rc =
	    sl_case_require(s, SL_ACT_CASE_RESUBMIT, case_id, &ref, &state);
	if (rc)
		return rc;
	if ((rc = sl_lifecycle_next(case_id, state, SL_EV_RESUBMIT, &next)))
		return rc;
	sl_dossier_limits lim;
	sl_dossier_default_limits(&lim);
	sl_dossier *d = NULL;
	if ((rc = sl_dossier_parse(buf, len, name, &lim, &d)))
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        sl_store_db(s),
	        "SELECT agency, paused_ms, deadline_ms FROM cases WHERE id = ?",
	        -1, &st, 0)) {
		sl_dossier_free(d);
		return sl_db_err(s, _("reading a case"));
	}
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	char agency[64] = "";
	int64_t paused = 0, deadline_was = 0;
	if (step == SQLITE_ROW) {
		snprintf(agency, sizeof agency, "%s",
		         sqlite3_column_text(st, 0));
		paused = sqlite3_column_int64(st, 1);
		deadline_was = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW) {
		sl_dossier_free(d);
		return sl_db_err(s, _("reading a case"));
	}
	if (strcmp(d->case_id, case_id) || strcmp(d->agency, agency)) {
		char id[80], ag[40];
		sl_text_sanitize(d->case_id, id, sizeof id);
		sl_text_sanitize(d->agency, ag, sizeof ag);
		sl_dossier_free(d);
		return sl_error(
		    SL_EINPUT,
		    _("%s: the file is case %s of agency %s, not case "
		      "%s of agency %s"),
		    name, id, ag, case_id, agency);
	}
	int r;
	if ((rc = latest_return(s, ref, &r))) {
		sl_dossier_free(d);
		return rc;
	}
	item_rec *items = NULL;
	size_t n_items = 0;
	if ((rc = judge(s, ref, r, d, &items, &n_items))) {
		sl_dossier_free(d);
		return rc;
	}
	uint8_t h[SL_SHA256_LEN];
	char hex[2 * SL_SHA256_LEN + 1];
	sl_sha256(buf, len, h);
	sl_hex(h, sizeof h, hex);
	json_t *answered = json_array(), *open = json_array(), *checks = NULL;
	json_t *answers = json_array();
	char content[65];
	int64_t now = sl_tx_clock(s);
	if ((rc = sl_tx_begin_unchanged(s))) {
		sl_dossier_free(d);
		goto out;
	}
	/* record the answers before the dossier (and the entries) go */
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "UPDATE outline_items SET answered_ms = ?1,"
	                       " answer_evidence = ?2, answer_note = ?3 WHERE"
	                       " case_ref = ?4 AND answered_ms IS NULL AND"
	                       " withdrawn_ms IS NULL AND"
	                       " ((return_no = ?5 AND no = ?6) OR"
	                       " carried_from = ?7 OR"
	                       " (return_no || '.' || no) = ?7)",
	                       -1, &st, 0)) {
		sl_dossier_free(d);
		goto dberr;
	}
	for (size_t i = 0; i < n_items; i++) {
		item_rec *it = &items[i];
		if (!it->answered) {
			json_array_append_new(open, json_pack("{s:i, s:s}",
			                                      "no", it->no,
			                                      "why", it->why));
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
			snprintf(origin, sizeof origin, "%d.%d", r, it->no);
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
		sqlite3_bind_int64(st, 4, ref);
		sqlite3_bind_int(st, 5, r);
		sqlite3_bind_int(st, 6, it->no);
		sqlite3_bind_text(st, 7, origin, -1, SQLITE_TRANSIENT);
		free(evs);
		if (!step_done(st)) {
			sqlite3_finalize(st);
			sl_dossier_free(d);
			goto dberr;
		}
		json_array_append_new(answered, json_integer(it->no));
	}
	sqlite3_finalize(st);
	if ((rc = sl_case_store_dossier(s, ref, d, buf, len,
	                                content))) /* takes d */
		goto fail;
	int64_t v1[] = {now, ref, r};
	if ((rc = exec_i64(s,
	                   "UPDATE returns SET resubmitted_ms = ?1 WHERE"
	                   " case_ref = ?2 AND return_no = ?3",
	                   _("recording the resubmission"), 3, v1)))
		goto fail;
	/* the clock resumes: the deadline moves on by the days away, to a
	 * working day (clock.h) */
	int64_t away = paused && now > paused ? now - paused : 0;
	sl_rules *rules = NULL;
	if ((rc = sl_rules_load(s, &rules)))
		goto fail;
	int64_t deadline = sl_clock_resume(rules, deadline_was, away);
	sl_rules_free(rules);
	sl_case_change chg = {.deadline_ms = deadline, .paused_ms = -1};
	if ((rc = sl_case_transition(s, ref, case_id, state, SL_EV_RESUBMIT,
	                             &chg, &next)))
		goto fail;
	json_t *det = json_pack(
	    "{s:i, s:s, s:s, s:O, s:O, s:I, s:I}", "return_no", r, "sha256",
	    hex, "content", content, "answered", answers, "open", open,
	    "away_ms", (json_int_t)away, "deadline_ms", (json_int_t)deadline);
	if (!det || (rc = sl_case_claim(s, ref, det))) {
		json_decref(det);
		rc = rc ? rc : sl_error(SL_ESYS, _("out of memory"));
		goto fail;
	}
	rc = sl_audit(s, "case.resubmit", case_id, det);
	json_decref(det);
	if (rc)
		goto fail;
	/* the checks run again, on the new dossier, in this transaction; if
	 * they cannot (none installed, one refused), the findings stay those
	 * of the old dossier, marked stale, and sign-off asks for a run */
	if (sl_checks_count(chk)) {
		sl_review_result res;
		if ((rc = sl_checks_run_in_tx(s, chk, ref, case_id, &res)))
			goto fail;
		checks =
		    json_pack("{s:i, s:i, s:i}", "blockers", res.blockers,
		              "warnings", res.warnings, "notes", res.notes);
	}
	if ((rc = sl_tx_commit(s)))
		goto fail;
	if (result)
		*result = json_pack(
		    "{s:s, s:i, s:O, s:O, s:o, s:s?}", "case_id", case_id,
		    "return_no", r, "answered", answered, "open", open, "checks",
		    checks ? checks : json_null(), "checks_not_run",
		    checks ? NULL : not_run);
	else
		json_decref(checks);
	checks = NULL;
	goto out;
dberr:
	rc = sl_db_err(s, _("recording the resubmission"));
fail:
	sl_tx_rollback(s);
out:
	json_decref(checks);
	json_decref(answered);
	json_decref(answers);
	json_decref(open);
	free(items);
	return rc;
}

sl_rc sl_case_resubmit(sl_store *s, const char *case_id, const char *buf,
                       size_t len, const char *name, json_t **result)
{
	/* The plugins are loaded first, outside any transaction: a refused
	 * one is audited on its own, and the resubmission (the agency's
	 * material, which must not be lost to a broken plugin) still
	 * commits, saying why its checks did not run. */
	sl_checks *chk = NULL;
	char not_run[512] = "";
	if (sl_checks_load(s, &chk))
		snprintf(not_run, sizeof not_run, "%s", sl_errmsg());
	else if (!sl_checks_count(chk))
		snprintf(not_run, sizeof not_run, "%s",
		         _("no review plugin is installed"));
	int tries = 0;
	sl_rc rc;
	do
		rc = resubmit_once(s, case_id, buf, len, name, chk, not_run,
		                   result);
	while (sl_tx_retry(s, rc, &tries));
	sl_checks_free(chk);
	return rc;
}
