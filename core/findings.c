/* findings.c - the stored findings read back: for review findings (the
 * operation, guarded) and for the case view (policy the caller's). Below
 * both the run that writes them (review.c) and the view that shows them
 * (caseview.c). See findings.h. */
#include "findings.h"

#include <stdlib.h>

#include "cases.h"
#include "db.h"

#define TXT(st, i) (sqlite3_column_text(st, i))

/* Each stored finding of case ref, in order, to cb (non-zero from cb
 * stops). The row's columns and its refs are valid during the call. */
static sl_rc findings_each(sl_store *s, int64_t ref, sl_finding_cb cb, void *ud)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT check_id, standard, severity, code, message,"
	                  " refs, outline_item FROM findings WHERE"
	                  " case_ref = ? ORDER BY n",
	                  &st))
		return sl_db_err(s, _("reading findings"));
	sqlite3_bind_int64(st, 1, ref);
	const char **refs = NULL;
	size_t cap = 0;
	sl_rc rc = SL_OK;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		json_error_t jerr;
		json_t *rj = json_loads((const char *)TXT(st, 5), 0, &jerr);
		size_t n = 0, k = json_array_size(rj);
		if (k > cap) {
			const char **nv = realloc(refs, k * sizeof *nv);
			if (!nv) {
				json_decref(rj);
				rc = sl_error(SL_ESYS, _("out of memory"));
				break;
			}
			refs = nv;
			cap = k;
		}
		for (size_t i = 0; i < k; i++) /* stored: strings only */
			if (json_string_value(json_array_get(rj, i)))
				refs[n++] =
				    json_string_value(json_array_get(rj, i));
		sl_finding f = {(const char *)TXT(st, 0),
		                (const char *)TXT(st, 1),
		                (const char *)TXT(st, 2),
		                (const char *)TXT(st, 3),
		                (const char *)TXT(st, 4),
		                refs,
		                n,
		                (const char *)TXT(st, 6)};
		int stop = cb(&f, ud);
		json_decref(rj);
		if (stop)
			break;
	}
	sqlite3_finalize(st);
	free(refs);
	if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = sl_db_err(s, _("reading findings"));
	return rc;
}

sl_rc sl_review_findings_each(sl_store *s, const char *case_id,
                              sl_finding_cb cb, void *ud)
{
	int64_t ref;
	sl_state state;
	sl_rc rc = sl_case_require(s, SL_ACT_CASE_READ, case_id, &ref, &state);
	if (rc)
		return rc;
	return findings_each(s, ref, cb, ud);
}

struct append_ctx {
	json_t *arr;
	int oom;
};

static int append_finding(const sl_finding *f, void *ud)
{
	struct append_ctx *c = ud;
	c->oom = json_array_append_new(c->arr, sl_finding_json(f)) != 0;
	return c->oom;
}

sl_rc sl_review_findings_of(sl_store *s, int64_t ref, json_t **out)
{
	*out = NULL;
	struct append_ctx c = {json_array(), 0};
	sl_rc rc = c.arr ? findings_each(s, ref, append_finding, &c) : SL_OK;
	if (!rc && (!c.arr || c.oom))
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (rc) {
		json_decref(c.arr);
		return rc;
	}
	*out = c.arr;
	return SL_OK;
}
