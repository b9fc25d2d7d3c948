/* transition.c - the one writer of cases.state. See transition.h. */
#include "transition.h"
#include "db.h"

#include <sqlite3.h>

sl_rc sl_case_intake_state(const char *case_id, sl_state old, sl_event ev,
                           sl_state *to)
{
	sl_state at = SL_ST_RECEIVED;
	sl_rc rc;
	if (old != SL_ST__COUNT &&
	    (rc = sl_lifecycle_next(case_id, old, SL_EV_REINTAKE, &at)))
		return rc;
	if (ev != SL_EV_ACCEPT && ev != SL_EV_DEFER && ev != SL_EV_REFUSE)
		return sl_error(SL_ESYS, _("internal: %s is no intake event"),
		                sl_event_name(ev));
	return sl_lifecycle_next(case_id, at, ev, to);
}

sl_rc sl_case_transition(sl_store *s, int64_t ref, const char *case_id,
                         sl_state from, sl_event ev, const sl_case_change *chg,
                         sl_state *to)
{
	static const sl_case_change none = {0};
	sl_state next;
	sl_rc rc = sl_lifecycle_next(case_id, from, ev, &next);
	if (rc)
		return rc;
	if (!sl_tx_active(s))
		return sl_error(SL_ESYS, _("internal: a state change outside a "
		                           "transaction"));
	if (!chg)
		chg = &none;
	sqlite3_stmt *st;
	if (sl_db_prepare(
	        s,
	        "UPDATE cases SET state = ?1,"
	        " deadline_ms = CASE WHEN ?2 > 0 THEN ?2 ELSE deadline_ms END,"
	        " paused_ms = CASE WHEN ?3 > 0 THEN ?3 WHEN ?3 < 0 THEN NULL"
	        "  ELSE paused_ms END,"
	        " extended_days = extended_days + ?4,"
	        " returns = returns + ?5,"
	        " signed_head = coalesce(?6, signed_head),"
	        " signed_ms = CASE WHEN ?7 > 0 THEN ?7 ELSE signed_ms END,"
	        " limit_days = limit_days + ?10"
	        " WHERE id = ?8 AND state = ?9",
	        &st))
		return sl_db_err(s, _("changing a case's state"));
	sqlite3_bind_text(st, 1, sl_state_name(next), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, chg->deadline_ms);
	sqlite3_bind_int64(st, 3, chg->paused_ms);
	sqlite3_bind_int(st, 4, chg->extend_days > 0 ? chg->extend_days : 0);
	sqlite3_bind_int(st, 5, chg->count_return ? 1 : 0);
	if (chg->signed_head)
		sqlite3_bind_text(st, 6, chg->signed_head, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, chg->signed_ms);
	sqlite3_bind_int64(st, 8, ref);
	sqlite3_bind_text(st, 9, sl_state_name(from), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, chg->limit_days > 0 ? chg->limit_days : 0);
	int step = sqlite3_step(st);
	int changed = sl_db_changes(s);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("changing a case's state"));
	if (changed != 1)
		return sl_error(SL_ESYS,
		                _("case %s is no longer '%s': it changed while "
		                  "this command read it; try again"),
		                case_id ? case_id : "?", sl_state_said(from));
	if (to)
		*to = next;
	return SL_OK;
}
