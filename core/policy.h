/*
 * policy.h - the one place that answers "may this user do this, to this
 * case". Pure: it reads nothing from the store, writes nothing, and has no
 * side effects, so that the same answers serve the operations, the listing
 * (as a scope the query applies), assignment, the opinions of a team, the
 * audit commands, and the replay that re-checks every logged action.
 *
 * Refusing is the caller's business: guard.h asks policy and writes the
 * audited "denied" entry through audit.c.
 *
 * DOMAIN.md "Roles": the admin sets the workstation up and never reviews;
 * the leader takes cases in, assigns, returns and signs off; members and
 * specialists review; the auditor reads everything and changes nothing.
 * "Separation and recusal": a reviewer whose home agency transferred a case
 * never sees it (回避). Members and zone leaders see their zone; a leader
 * without a zone heads the review office (all zones); a specialist sees
 * only the cases they were asked to review.
 */
#ifndef SHENLI_POLICY_H
#define SHENLI_POLICY_H

#include "store.h"

typedef enum {
	SL_ACT_USER_ADD,
	SL_ACT_USER_LIST,
	SL_ACT_USER_DISABLE,
	SL_ACT_USER_PASSWD, /* one's own passphrase */
	SL_ACT_AUDIT_VERIFY,
	SL_ACT_AUDIT_LOG,
	SL_ACT_AUDIT_HEAD,
	SL_ACT_ORG_ADD, /* zones and agencies */
	SL_ACT_ORG_LIST,
	SL_ACT_CASE_IMPORT,
	SL_ACT_CASE_READ, /* list, show, findings, opinions, documents */
	SL_ACT_CASE_ASSIGN,
	SL_ACT_CASE_EXTEND,
	SL_ACT_KEYS_MANAGE, /* trust and revoke signing keys */
	SL_ACT_KEYS_LIST,
	SL_ACT_PKG_INSTALL, /* plugins, scripts, rules: install and remove */
	SL_ACT_PKG_LIST,
	SL_ACT_REVIEW_RUN,     /* run the checks on a case */
	SL_ACT_REVIEW_OPINION, /* a reviewer's own opinion: the team's only */
	SL_ACT_REVIEW_PANEL,   /* the panel's opinion from deliberation */
	SL_ACT_REVIEW_RETURN,  /* return for supplement, with an outline */
	SL_ACT_CASE_RESUBMIT,  /* take in the agency's answers to a return */
	SL_ACT_REVIEW_SIGNOFF,
	SL_ACT_SCRIPT_RUN, /* dry-run a consistency script on a case */
	SL_ACT__COUNT
} sl_action;

/* What policy needs to know about a case. */
typedef struct {
	const char *case_id;
	const char *agency; /* the transferring agency */
	const char *zone;   /* NULL or "" if the case has none */
	int assigned;       /* is the user asked about on its team? */
} sl_case_ref;

/* An answer: allowed, or why not. */
typedef enum {
	SL_ALLOW = 0,
	SL_DENY_ROLE,      /* the role may not do this at all */
	SL_DENY_RECUSED,   /* 回避: the home agency transferred the case */
	SL_DENY_ZONE,      /* another zone's case */
	SL_DENY_NOT_ASKED, /* a specialist not requested for the case */
	SL_DENY_NOT_TEAM,  /* not on the case's team (one's own opinion) */
	/* of a candidate reviewer, at assignment: */
	SL_DENY_NOT_REVIEWER, /* not a member or specialist */
	SL_DENY_ZONE_MEMBER,  /* a member of another zone */
	/* the team's opinions are shown to a reviewer after their own */
	SL_DENY_OWN_FIRST,
	SL_DENY__COUNT
} sl_verdict;

const char *sl_action_name(sl_action a);
/* The action as a person reads it (messages only); a role's is
 * sl_role_said (base.h). */
const char *sl_action_said(sl_action a);
/* "role", "recused", ...: what the audited refusal records. */
const char *sl_verdict_name(sl_verdict v);

/* May who do a at all (its role)? */
sl_verdict sl_policy_role(const sl_actor *who, sl_action a);
/* May who do a to case c? Role, recusal, zone, a specialist's request
 * and, for one's own opinion or a reviewer's run of the checks, the team.
 * c->assigned says whether who is on c's team. */
sl_verdict sl_policy_case(const sl_actor *who, sl_action a,
                          const sl_case_ref *c);
/* May cand be put on c's review team (c->assigned unused)? Members and
 * specialists review; never from the transferring agency; a member only
 * in their own zone (a specialist is the cross-zone help). */
sl_verdict sl_policy_candidate(const sl_actor *cand, const sl_case_ref *c);
/* May who read the opinions of c's team, being on it (on_team) or not,
 * having (own_recorded) or not yet recorded their own? Reviewers see the
 * others' only after their own, so that nobody's view anchors another's,
 * and only on a team they are on; leaders and auditors always. */
sl_verdict sl_policy_team_opinions(const sl_actor *who, int on_team,
                                   int own_recorded);

/* Which cases who may read, as a listing applies it: the cases of zone
 * (if set), not of agency not_agency (if set), with assignee on the team
 * (if set); none at all if none. sl_policy_in_scope(scope, c) is
 * sl_policy_case(who, SL_ACT_CASE_READ, c) == SL_ALLOW, for every c: the
 * visibility test holds the two to each other. */
typedef struct {
	int none;
	const char *zone, *not_agency, *assignee;
} sl_case_scope;
void sl_policy_scope(const sl_actor *who, sl_case_scope *out);
int sl_policy_in_scope(const sl_case_scope *scope, const sl_case_ref *c);

/* Shorthands for callers that want a yes or no. */
int sl_policy_allows(const sl_actor *who, sl_action a);
int sl_policy_recused(const sl_actor *who, const sl_case_ref *c);
int sl_policy_case_visible(const sl_actor *who, const sl_case_ref *c);
/* May leader who take in again (a re-intake) the case c, which is
 * deferred or refused? Those they may see; and one refused in no zone at
 * all (its agency unknown, or in no zone, when it came): no zone's leader
 * sees it, and its id would be taken for good. */
int sl_policy_may_reintake(const sl_actor *who, const sl_case_ref *c);

/* The refusal in words ("not permitted: ..."), for the user and the
 * audited entry. c may be NULL for a verdict on the role alone. */
void sl_policy_explain(sl_verdict v, const sl_actor *who, sl_action a,
                       const sl_case_ref *c, char *buf, size_t n);

#endif
