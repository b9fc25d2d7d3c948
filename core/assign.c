/*
 * assign.c - the review team (审理组) and the review limit of a case
 * (ops_case.h: sl_case_assign, sl_case_extend). Who may be on a team is
 * policy's (sl_policy_candidate); how many, the rules'.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/ops_case.h>

#include "audit.h"
#include "cases.h"
#include "clock.h"
#include "db.h"
#include "guard.h"
#include "jsonout.h"
#include "lifecycle.h"
#include "rules.h"
#include "transition.h"
#include "users.h"

/* Refusals policy does not phrase: literals, both for gettext and for the
 * format checks, logged untranslated (guard.h) and said translated. */
#define FEW_ELIGIBLE                                                           \
	N_("not permitted: only %zu eligible reviewers in zone '%s' for "      \
	   "case %s (asked for %zu)")
#define TEAM_TOO_SMALL                                                         \
	N_("not permitted: a review team needs at least %d reviewers "         \
	   "(审理组不少于%d人); %zu named")

#define MAX_TEAM 32

typedef struct {
	char id[MAX_TEAM][SL_ID_MAX + 1];
	size_t n;
} team_t;

static int in_team(const team_t *t, const char *id)
{
	for (size_t k = 0; k < t->n; k++)
		if (!strcmp(t->id[k], id))
			return 1;
	return 0;
}

/* A user as policy asks about a candidate reviewer; found 0 if there is
 * no such active user. */
static sl_rc load_user(sl_store *s, const char *id, sl_actor *u, int *found)
{
	memset(u, 0, sizeof *u);
	*found = 0;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT role, agency, zone FROM users"
	                  " WHERE id = ? AND disabled = 0",
	                  &st))
		return sl_db_err(s, _("reading users"));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *t;
		*found = 1;
		snprintf(u->id, sizeof u->id, "%s", id);
		u->role =
		    sl_role_parse((const char *)sqlite3_column_text(st, 0));
		if ((t = (const char *)sqlite3_column_text(st, 1)))
			snprintf(u->agency, sizeof u->agency, "%s", t);
		if ((t = (const char *)sqlite3_column_text(st, 2)))
			snprintf(u->zone, sizeof u->zone, "%s", t);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sl_db_err(s, _("reading users"));
	return SL_OK;
}

/* One reviewer the leader named: an active user policy lets review c. */
static sl_rc name_one(sl_store *s, const sl_case_rec *c, const char *id,
                      team_t *t)
{
	if (!sl_user_id_valid(id))
		return sl_error(SL_EINPUT, _("invalid user id '%s'"), id);
	if (in_team(t, id))
		return sl_error(SL_EINPUT, _("'%s' is named twice"), id);
	sl_actor u;
	int found;
	sl_rc rc = load_user(s, id, &u, &found);
	if (rc)
		return rc;
	if (!found)
		return sl_error(SL_EINPUT, _("no active user '%s'"), id);
	sl_case_ref cr = sl_case_ref_of(c);
	sl_verdict v = sl_policy_candidate(&u, &cr);
	if (v == SL_DENY_NOT_REVIEWER) {
		/* refused for the named user's role (exit 4, as spec/cli.md
		 * has it), but a mistake, not a breach: not logged as one */
		char msg[384];
		sl_policy_explain(v, &u, SL_ACT_CASE_ASSIGN, &cr, msg,
		                  sizeof msg);
		return sl_error(SL_EPERM, "%s", msg);
	}
	if (v)
		return sl_guard_refuse(s, v, &u, SL_ACT_CASE_ASSIGN, &cr);
	snprintf(t->id[t->n++], SL_ID_MAX + 1, "%s", id);
	return SL_OK;
}

/* n more members whom policy lets review c, least loaded first (open
 * cases they are on), not already named. */
static sl_rc pick(sl_store *s, const sl_case_rec *c, size_t n, team_t *t)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT u.id, u.agency, u.zone FROM users u"
	                  " WHERE u.role = 'member' AND u.disabled = 0"
	                  " ORDER BY (SELECT count(*) FROM assignments a JOIN"
	                  " cases c ON c.id = a.case_ref WHERE a.user_id = u.id"
	                  " AND c.state IN"
	                  " ('accepted','in_review','returned','deliberated')),"
	                  " u.id",
	                  &st))
		return sl_db_err(s, _("choosing reviewers"));
	sl_case_ref cr = sl_case_ref_of(c);
	size_t picked = 0;
	while (picked < n && t->n < MAX_TEAM &&
	       sqlite3_step(st) == SQLITE_ROW) {
		sl_actor u = {.role = SL_ROLE_MEMBER};
		const char *v;
		snprintf(u.id, sizeof u.id, "%s",
		         (const char *)sqlite3_column_text(st, 0));
		if ((v = (const char *)sqlite3_column_text(st, 1)))
			snprintf(u.agency, sizeof u.agency, "%s", v);
		if ((v = (const char *)sqlite3_column_text(st, 2)))
			snprintf(u.zone, sizeof u.zone, "%s", v);
		if (sl_policy_candidate(&u, &cr) || in_team(t, u.id))
			continue;
		snprintf(t->id[t->n++], SL_ID_MAX + 1, "%s", u.id);
		picked++;
	}
	sqlite3_finalize(st);
	if (picked < n) {
		char msg[384], logged[384];
		snprintf(msg, sizeof msg, _(FEW_ELIGIBLE), picked, c->zone,
		         c->case_id, n);
		snprintf(logged, sizeof logged, FEW_ELIGIBLE, picked, c->zone,
		         c->case_id, n);
		return sl_guard_deny(s, SL_ACT_CASE_ASSIGN, c->case_id, msg,
		                     logged);
	}
	return SL_OK;
}

/* The team the leader asked for, checked before anything is written. */
static sl_rc choose(sl_store *s, const sl_case_rec *c, const sl_assign_req *rq,
                    team_t *t)
{
	if (rq->n + rq->auto_n > MAX_TEAM)
		return sl_error(SL_EINPUT, _("a team of at most %d"), MAX_TEAM);
	sl_rules *rules;
	sl_rc rc = sl_rules_load(s, &rules);
	if (rc)
		return rc;
	int min_team = sl_rules_min_team(rules);
	sl_rules_free(rules);
	for (size_t i = 0; i < rq->n; i++)
		if ((rc = name_one(s, c, rq->reviewers[i], t)))
			return rc;
	if (rq->auto_n && (rc = pick(s, c, rq->auto_n, t)))
		return rc;
	if ((int)t->n < min_team) {
		char msg[384], logged[384];
		snprintf(msg, sizeof msg, _(TEAM_TOO_SMALL), min_team, min_team,
		         t->n);
		snprintf(logged, sizeof logged, TEAM_TOO_SMALL, min_team,
		         min_team, t->n);
		return sl_guard_deny(s, SL_ACT_CASE_ASSIGN, c->case_id, msg,
		                     logged);
	}
	return SL_OK;
}

static sl_rc read_team(sl_store *s, int64_t ref, team_t *t)
{
	t->n = 0;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT user_id FROM assignments WHERE"
	                  " case_ref = ? ORDER BY user_id",
	                  &st))
		return sl_db_err(s, _("reading the team"));
	sqlite3_bind_int64(st, 1, ref);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && t->n < MAX_TEAM)
		snprintf(t->id[t->n++], SL_ID_MAX + 1, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		return sl_db_err(s, _("reading the team"));
	return SL_OK;
}

static sl_rc write_team(sl_store *s, int64_t ref, const team_t *t)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	sl_rc rc = SL_OK;
	if (sl_db_prepare(s, "DELETE FROM assignments WHERE case_ref = ?",
	                  &del) ||
	    sl_db_prepare(s,
	                  "INSERT INTO assignments(case_ref, user_id)"
	                  " VALUES(?, ?)",
	                  &ins))
		rc = sl_db_err(s, _("assigning reviewers"));
	sqlite3_bind_int64(del, 1, ref);
	if (!rc && sqlite3_step(del) != SQLITE_DONE)
		rc = sl_db_err(s, _("assigning reviewers"));
	for (size_t i = 0; !rc && i < t->n; i++) {
		sqlite3_bind_int64(ins, 1, ref);
		sqlite3_bind_text(ins, 2, t->id[i], -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = sl_db_err(s, _("assigning reviewers"));
		sqlite3_reset(ins);
	}
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return rc;
}

static json_t *team_json(const team_t *t)
{
	json_t *a = json_array();
	for (size_t i = 0; i < t->n; i++)
		json_array_append_new(a, json_string(t->id[i]));
	return a;
}

static char **team_copy(const team_t *t)
{
	char **v = calloc(t->n + 1, sizeof *v);
	for (size_t i = 0; v && i < t->n; i++)
		v[i] = strdup(t->id[i]);
	return v;
}

static sl_rc assign_once(sl_store *s, const sl_assign_req *rq,
                         sl_assign_res *out)
{
	sl_rc rc = sl_tx_snapshot(s);
	sl_case_rec c;
	if (rc || (rc = sl_case_open(s, SL_ACT_CASE_ASSIGN, rq->case_id, &c)))
		return rc;
	sl_state next;
	if ((rc = sl_lifecycle_next(rq->case_id, c.state, SL_EV_ASSIGN, &next)))
		return rc;
	team_t team = {.n = 0}, prev;
	if ((rc = choose(s, &c, rq, &team)) ||
	    (rc = read_team(s, c.ref, &prev)))
		return rc;
	if ((rc = sl_tx_begin_unchanged(s)))
		return rc;
	if ((rc = write_team(s, c.ref, &team)) ||
	    (rc = sl_case_transition(s, c.ref, rq->case_id, c.state,
	                             SL_EV_ASSIGN, NULL, &next)))
		goto fail;
	json_t *d = json_pack(
	    "{s:o, s:o, s:s, s:s, s:i, s:s, s:s?}", "team", team_json(&team),
	    "previous", team_json(&prev), "from", sl_state_name(c.state), "to",
	    sl_state_name(next), "auto", (int)rq->auto_n, "agency", c.agency,
	    "zone", c.zone[0] ? c.zone : NULL);
	rc = d ? sl_audit(s, "case.assign", rq->case_id, d)
	       : sl_error(SL_ESYS, _("out of memory"));
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	*out = (sl_assign_res){team_copy(&team), team_copy(&prev), team.n,
	                       prev.n,           c.state,          next};
	if (!out->team || !out->previous) {
		sl_assign_res_free(out);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

sl_rc sl_case_assign(sl_store *s, const sl_assign_req *rq, sl_assign_res *out)
{
	memset(out, 0, sizeof *out);
	int tries = 0;
	sl_rc rc;
	do
		rc = assign_once(s, rq, out);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}

void sl_assign_res_free(sl_assign_res *r)
{
	for (size_t i = 0; r->team && r->team[i]; i++)
		free(r->team[i]);
	for (size_t i = 0; r->previous && r->previous[i]; i++)
		free(r->previous[i]);
	free(r->team);
	free(r->previous);
	memset(r, 0, sizeof *r);
}

json_t *sl_assign_json(const char *case_id, const sl_assign_res *r)
{
	return json_pack(
	    "{s:s, s:o, s:o, s:s}", "case_id", case_id, "team",
	    sl_json_strings((const char *const *)r->team, r->n_team),
	    "previous",
	    sl_json_strings((const char *const *)r->previous, r->n_previous),
	    "state", sl_state_name(r->to));
}

/* ---- the review limit
 * -------------------------------------------------------- */

static sl_rc extend_once(sl_store *s, const char *case_id, int days,
                         sl_extend_res *out)
{
	sl_rc rc = sl_tx_snapshot(s);
	sl_case_rec c;
	if (rc || (rc = sl_case_open(s, SL_ACT_CASE_EXTEND, case_id, &c)))
		return rc;
	sl_state next;
	if ((rc = sl_lifecycle_next(case_id, c.state, SL_EV_EXTEND, &next)))
		return rc;
	sl_rules *rules;
	if ((rc = sl_rules_load(s, &rules)))
		return rc;
	int max = sl_rules_max_extension_days(rules);
	int64_t deadline =
	    days > 0 ? sl_clock_move(rules, c.accepted_ms, c.limit_days,
	                             c.deadline_ms, days)
	             : c.deadline_ms;
	sl_rules_free(rules);
	if (days > 0 &&
	    !sl_clock_move_plausible(c.deadline_ms, deadline, days * SL_DAY_MS))
		return sl_case_limit_misled(case_id);
	if (days < 1 || c.extended_days + days > max)
		return sl_error(
		    SL_EINPUT,
		    _("an extension of %d days is out of range: %d of %d "
		      "days allowed by the rules are already used"),
		    days, c.extended_days, max);
	if ((rc = sl_tx_begin_unchanged(s)))
		return rc;
	sl_case_change chg = {
	    .deadline_ms = deadline, .extend_days = days, .limit_days = days};
	if ((rc = sl_case_transition(s, c.ref, case_id, c.state, SL_EV_EXTEND,
	                             &chg, NULL)))
		goto fail;
	json_t *d = json_pack("{s:i, s:o, s:o, s:I, s:s, s:s?}", "days", days,
	                      "old_deadline", sl_json_utc(c.deadline_ms),
	                      "deadline", sl_json_utc(deadline), "deadline_ms",
	                      (json_int_t)deadline, "agency", c.agency, "zone",
	                      c.zone[0] ? c.zone : NULL);
	rc = sl_audit(s, "case.extend", case_id, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	*out = (sl_extend_res){c.deadline_ms, deadline, c.extended_days + days};
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

sl_rc sl_case_extend(sl_store *s, const char *case_id, int days,
                     sl_extend_res *out)
{
	memset(out, 0, sizeof *out);
	int tries = 0;
	sl_rc rc;
	do
		rc = extend_once(s, case_id, days, out);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}

/* A limit's day, local: the day a person reads. */
static json_t *local_day(int64_t ms)
{
	char day[11];
	sl_day_of(ms, day);
	return json_string(day);
}

json_t *sl_extend_json(const char *case_id, const sl_extend_res *r)
{
	return json_pack("{s:s, s:o, s:o, s:i}", "case_id", case_id, "deadline",
	                 local_day(r->deadline_ms), "old_deadline",
	                 local_day(r->old_deadline_ms), "extended_days",
	                 r->extended_days);
}
