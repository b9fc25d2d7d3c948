/* outline.c - the outlines of a case's returns read back, typed: for
 * review outline (the operation), for the case view a script and a
 * document see, and for returns.c, which writes them. Below both the
 * writer and the view. See outline.h. */
#include "outline.h"

#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "db.h"
#include "respool.h"
#include "rules.h"

/* ---- typed outlines --------------------------------------------------------
 */

/* The local day of a time column into p, or NULL for a NULL column. */
static const char *day_of(sl_pool *p, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	char day[11];
	sl_day_of(sqlite3_column_int64(st, col), day);
	return sl_pool_strdup(p, day);
}

#define COL(st, i) ((const char *)sqlite3_column_text(st, i))

/* An outline item as stored (st: the row of outline_items). */
static void item_row(sl_pool *p, sqlite3_stmt *st, sl_outline_item *it)
{
	it->no = sqlite3_column_int(st, 0);
	it->text = sl_pool_strdup(p, COL(st, 1));
	it->refs = sl_pool_strlist(p, sqlite3_column_text(st, 2), &it->n_refs);
	it->source = sl_pool_strdup(p, COL(st, 3));
	it->carried_from = sl_pool_strdup(p, COL(st, 4));
	it->answered = sqlite3_column_type(st, 5) != SQLITE_NULL;
	if (it->answered) {
		sl_outline_answer *a = sl_pool_alloc(p, sizeof *a);
		if (a) {
			a->answered_on = day_of(p, st, 5);
			a->evidence = sl_pool_strlist(
			    p, sqlite3_column_text(st, 6), &a->n_evidence);
			a->note = sl_pool_strdup(p, COL(st, 7));
		}
		it->answer = a;
	}
	if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
		sl_outline_withdrawal *w = sl_pool_alloc(p, sizeof *w);
		if (w) {
			w->withdrawn_on = day_of(p, st, 8);
			w->by = sl_pool_strdup(p, COL(st, 9));
			w->reason = sl_pool_strdup(p, COL(st, 10));
		}
		it->withdrawn = w;
	}
}

static sl_rc outline_items(sl_store *s, int64_t ref, sl_outline_res *o)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT no, text, refs, source, carried_from,"
	                  " answered_ms, answer_evidence, answer_note,"
	                  " withdrawn_ms, withdrawn_by, withdraw_reason"
	                  " FROM outline_items WHERE case_ref = ? AND"
	                  " return_no = ? ORDER BY no",
	                  &st))
		return sl_db_err(s, _("reading an outline"));
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int(st, 2, o->return_no);
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sl_pool_grow(o->mem_, (void **)&o->items, &cap, o->n_items,
		                 sizeof *o->items))
			break;
		item_row(o->mem_, st, &o->items[o->n_items++]);
	}
	sqlite3_finalize(st);
	if (sl_pool_failed(o->mem_))
		return sl_error(SL_ESYS, _("out of memory"));
	return step == SQLITE_DONE ? SL_OK
	                           : sl_db_err(s, _("reading an outline"));
}

/* Return return_no of case ref into o (o->mem_ set). */
static sl_rc outline_of(sl_store *s, int64_t ref, const char *case_id,
                        int return_no, sl_outline_res *o)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT kind, returned_by, returned_ms,"
	                  " resubmitted_ms FROM returns WHERE case_ref = ?"
	                  " AND return_no = ?",
	                  &st))
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
	sl_pool *p = o->mem_;
	o->case_id = sl_pool_strdup(p, case_id);
	o->return_no = return_no;
	o->kind = sl_pool_strdup(p, COL(st, 0));
	o->returned_by = sl_pool_strdup(p, COL(st, 1));
	o->returned_on = day_of(p, st, 2);
	o->resubmitted_on = day_of(p, st, 3);
	sqlite3_finalize(st);
	return outline_items(s, ref, o);
}

/* A fresh result for return return_no of case ref. */
sl_rc sl_outline_load(sl_store *s, int64_t ref, const char *case_id,
                      int return_no, sl_outline_res *out)
{
	memset(out, 0, sizeof *out);
	if (!(out->mem_ = sl_pool_new()))
		return sl_error(SL_ESYS, _("out of memory"));
	sl_rc rc = outline_of(s, ref, case_id, return_no, out);
	if (rc)
		sl_outline_res_free(out);
	return rc;
}

sl_rc sl_outline_latest(sl_store *s, int64_t ref, int *n)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT coalesce(max(return_no), 0) FROM returns"
	                  " WHERE case_ref = ?",
	                  &st))
		return sl_db_err(s, _("reading returns"));
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	*n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? SL_OK : sl_db_err(s, _("reading returns"));
}

sl_rc sl_review_outline(sl_store *s, const char *case_id, int return_no,
                        sl_outline_res *out)
{
	memset(out, 0, sizeof *out);
	int64_t ref;
	sl_state state;
	sl_rc rc = sl_case_require(s, SL_ACT_CASE_READ, case_id, &ref, &state);
	if (rc)
		return rc;
	if (return_no <= 0) {
		if ((rc = sl_outline_latest(s, ref, &return_no)))
			return rc;
		if (return_no == 0) /* its state, not the request */
			return sl_error(SL_EPERM,
			                _("case %s has not been returned"),
			                case_id);
	}
	return sl_outline_load(s, ref, case_id, return_no, out);
}

sl_rc sl_returns_of(sl_store *s, int64_t ref, const char *case_id, json_t **out)
{
	*out = NULL;
	int n;
	sl_rc rc = sl_outline_latest(s, ref, &n);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (int r = 1; !rc && r <= n; r++) {
		sl_outline_res o;
		if ((rc = sl_outline_load(s, ref, case_id, r, &o)))
			break;
		json_t *j = sl_outline_json(&o);
		sl_outline_res_free(&o);
		if (j)
			json_object_del(j, "case_id");
		if (json_array_append_new(list, j))
			rc = sl_error(SL_ESYS, _("out of memory"));
	}
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return SL_OK;
}

sl_rc sl_review_doc_names(sl_store *s, json_t **out)
{
	sl_rules *r = NULL;
	sl_rc rc = sl_rules_load(s, &r);
	if (rc)
		return rc;
	json_t *names =
	    r ? json_object_get(sl_rules_json(r), "documents") : NULL;
	*out = json_is_object(names) ? json_deep_copy(names) : json_object();
	sl_rules_free(r);
	return *out ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
}
