/* cases.c - a case, looked up for an action on it. See cases.h. */
#include "cases.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "dossier.h"
#include "guard.h"

static sl_rc load_case(sl_store *s, const char *case_id, sl_case_rec *c)
{
	memset(c, 0, sizeof *c);
	if (!sl_case_id_valid(case_id))
		return sl_error(SL_EINPUT, _("invalid case id '%s'"), case_id);
	sqlite3_stmt *st;
	if (sl_db_prepare(
	        s,
	        "SELECT id, agency, zone, state, deadline_ms, paused_ms,"
	        " extended_days, returns, EXISTS(SELECT 1 FROM assignments a"
	        " WHERE a.case_ref = cases.id AND a.user_id = ?),"
	        " accepted_ms, coalesce(limit_days, -1)"
	        " FROM cases WHERE case_id = ?",
	        &st))
		return sl_db_err(s, _("reading cases"));
	sqlite3_bind_text(st, 1, sl_store_actor(s)->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, case_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sl_rc rc = SL_OK;
	if (step == SQLITE_ROW) {
		const char *t;
		c->ref = sqlite3_column_int64(st, 0);
		snprintf(c->case_id, sizeof c->case_id, "%s", case_id);
		snprintf(c->agency, sizeof c->agency, "%s",
		         sqlite3_column_text(st, 1));
		if ((t = (const char *)sqlite3_column_text(st, 2)))
			snprintf(c->zone, sizeof c->zone, "%s", t);
		int sn =
		    sl_state_parse((const char *)sqlite3_column_text(st, 3));
		c->state = sn < 0 ? SL_ST__COUNT : (sl_state)sn;
		c->deadline_ms = sqlite3_column_int64(st, 4);
		c->paused_ms = sqlite3_column_int64(st, 5);
		c->extended_days = sqlite3_column_int(st, 6);
		c->returns = sqlite3_column_int(st, 7);
		c->assigned = sqlite3_column_int(st, 8);
		c->accepted_ms = sqlite3_column_int64(st, 9);
		c->limit_days = sqlite3_column_int(st, 10);
		if (sn < 0)
			rc = sl_error(SL_EINTEGRITY,
			              _("case %s has an unknown state"),
			              case_id);
	} else if (step == SQLITE_DONE) {
		rc = sl_error(SL_EINPUT, _("no case '%s'"), case_id);
	} else {
		rc = sl_db_err(s, _("reading cases"));
	}
	sqlite3_finalize(st);
	return rc;
}

sl_case_ref sl_case_ref_of(const sl_case_rec *c)
{
	return (sl_case_ref){c->case_id, c->agency, c->zone, c->assigned};
}

/* Load the case and ask policy; unknown cases and invisible ones give the
 * same kind of answer to people who may not see them (not permitted), so
 * that case ids of other zones cannot be probed. */
/*
 * A case for an action on it. A case that does not exist, one of another
 * zone, and one the user is recused from all get the same answer (exit 4,
 * one message), so that nobody can learn which case ids exist elsewhere by
 * asking. The refusal is audited with the true reason, which only admins
 * and auditors can read in the log.
 */
sl_rc sl_case_open(sl_store *s, sl_action a, const char *case_id,
                   sl_case_rec *c)
{
	sl_rc rc = sl_guard(s, a, case_id);
	if (rc)
		return rc;
	if (!sl_case_id_valid(case_id))
		return sl_error(SL_EINPUT, _("'%s' is not a case id"),
		                case_id ? case_id : "");
	const sl_actor *who = sl_store_actor(s);
	rc = load_case(s, case_id, c);
	const char *why = NULL;
	char msg[256];
	if (rc == SL_EINPUT) {
		why = "no such case";
	} else if (rc) {
		return rc;
	} else {
		sl_case_ref r = sl_case_ref_of(c);
		sl_verdict v = sl_policy_case(who, a, &r);
		if (v == SL_DENY_NOT_TEAM)
			return sl_guard_refuse(s, v, who, a, &r);
		if (v)
			why = sl_verdict_name(v);
	}
	if (!why)
		return SL_OK;
	/* the true reason, for those who may read the log */
	snprintf(msg, sizeof msg, "%s: %s", case_id, why);
	sl_guard_deny(s, a, case_id, msg, NULL);
	return sl_error(SL_EPERM,
	                _("no case %s that you may see (it does not exist, or "
	                  "it is not yours to see)"),
	                case_id);
}

sl_rc sl_case_require(sl_store *s, sl_action a, const char *case_id,
                      int64_t *ref, sl_state *state)
{
	sl_case_rec c;
	sl_rc rc = sl_case_open(s, a, case_id, &c);
	if (rc)
		return rc;
	*ref = c.ref;
	*state = c.state;
	return SL_OK;
}

sl_rc sl_case_claim(sl_store *s, int64_t ref, json_t *details)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s, "SELECT agency, zone FROM cases WHERE id = ?",
	                  &st))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, ref);
	sl_rc rc = SL_OK;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *z = (const char *)sqlite3_column_text(st, 1);
		json_object_set_new(
		    details, "agency",
		    json_string((const char *)sqlite3_column_text(st, 0)));
		json_object_set_new(details, "zone",
		                    z ? json_string(z) : json_null());
	} else {
		rc = sl_db_err(s, _("reading a case"));
	}
	sqlite3_finalize(st);
	return rc;
}

sl_rc sl_case_limit_misled(const char *case_id)
{
	return sl_error(SL_EINTEGRITY,
	                _("the review limit of case %s does not agree with "
	                  "its deadline: the store was changed outside "
	                  "shenli (run audit verify)"),
	                case_id);
}
