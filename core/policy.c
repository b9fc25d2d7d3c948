/* policy.c - who may do what, to which case. Pure. See policy.h. */
#include "policy.h"

#include <stdio.h>
#include <string.h>

#define REVIEWERS (SL_ROLE_MEMBER | SL_ROLE_SPECIALIST)
#define ALL (SL_ROLE_ADMIN | SL_ROLE_LEADER | REVIEWERS | SL_ROLE_AUDITOR)

/* DOMAIN.md "Roles"; everyone may check the log's integrity, note its
 * head and change their own passphrase. */
static const struct {
	const char *name;
	unsigned roles;
} table[SL_ACT__COUNT] = {
    [SL_ACT_USER_ADD] = {"user.add", SL_ROLE_ADMIN},
    [SL_ACT_USER_LIST] = {"user.list",
                          SL_ROLE_ADMIN | SL_ROLE_LEADER | SL_ROLE_AUDITOR},
    [SL_ACT_USER_DISABLE] = {"user.disable", SL_ROLE_ADMIN},
    /* an auditor changes nothing in the cases, but a passphrase of
     * theirs that leaked must be replaceable like anyone's */
    [SL_ACT_USER_PASSWD] = {"user.passwd", ALL},
    [SL_ACT_AUDIT_VERIFY] = {"audit.verify", ALL},
    [SL_ACT_AUDIT_LOG] = {"audit.log", SL_ROLE_ADMIN | SL_ROLE_AUDITOR},
    [SL_ACT_AUDIT_HEAD] = {"audit.head", ALL},
    [SL_ACT_ORG_ADD] = {"org.add", SL_ROLE_ADMIN},
    [SL_ACT_ORG_LIST] = {"org.list", ALL},
    [SL_ACT_CASE_IMPORT] = {"case.import", SL_ROLE_LEADER},
    [SL_ACT_CASE_READ] = {"case.read",
                          SL_ROLE_LEADER | REVIEWERS | SL_ROLE_AUDITOR},
    [SL_ACT_CASE_ASSIGN] = {"case.assign", SL_ROLE_LEADER},
    [SL_ACT_CASE_EXTEND] = {"case.extend", SL_ROLE_LEADER},
    [SL_ACT_KEYS_MANAGE] = {"keys.manage", SL_ROLE_ADMIN},
    [SL_ACT_KEYS_LIST] = {"keys.list", SL_ROLE_ADMIN},
    [SL_ACT_PKG_INSTALL] = {"package.install", SL_ROLE_ADMIN},
    [SL_ACT_PKG_LIST] = {"package.list", ALL},
    [SL_ACT_REVIEW_RUN] = {"review.run", SL_ROLE_LEADER | REVIEWERS},
    /* whoever is on the team (sl_policy_case checks that they are) */
    [SL_ACT_REVIEW_OPINION] = {"review.opinion", SL_ROLE_LEADER | REVIEWERS},
    [SL_ACT_REVIEW_PANEL] = {"review.panel", SL_ROLE_LEADER},
    [SL_ACT_REVIEW_RETURN] = {"review.return", SL_ROLE_LEADER},
    [SL_ACT_CASE_RESUBMIT] = {"case.resubmit", SL_ROLE_LEADER},
    [SL_ACT_REVIEW_SIGNOFF] = {"review.signoff", SL_ROLE_LEADER},
    [SL_ACT_SCRIPT_RUN] = {"script.run", SL_ROLE_LEADER | REVIEWERS},
};

static const char *const verdict_names[SL_DENY__COUNT] = {
    [SL_ALLOW] = "allowed",
    [SL_DENY_ROLE] = "role",
    [SL_DENY_RECUSED] = "recused",
    [SL_DENY_ZONE] = "zone",
    [SL_DENY_NOT_ASKED] = "not requested",
    [SL_DENY_NOT_TEAM] = "not on the team",
    [SL_DENY_NOT_REVIEWER] = "not a reviewer",
    [SL_DENY_ZONE_MEMBER] = "member of another zone",
    [SL_DENY_OWN_FIRST] = "own opinion first",
};

/* What each action is, as a person reads it (messages only). */
static const char *const action_said[SL_ACT__COUNT] = {
    [SL_ACT_USER_ADD] = NC_("action", "add users"),
    [SL_ACT_USER_LIST] = NC_("action", "list users"),
    [SL_ACT_USER_DISABLE] = NC_("action", "disable users"),
    [SL_ACT_USER_PASSWD] = NC_("action", "change a passphrase"),
    [SL_ACT_AUDIT_VERIFY] = NC_("action", "verify the audit log"),
    [SL_ACT_AUDIT_LOG] = NC_("action", "read the audit log"),
    [SL_ACT_AUDIT_HEAD] = NC_("action", "read the audit head"),
    [SL_ACT_ORG_ADD] = NC_("action", "add zones and agencies"),
    [SL_ACT_ORG_LIST] = NC_("action", "list zones and agencies"),
    [SL_ACT_CASE_IMPORT] = NC_("action", "import cases"),
    [SL_ACT_CASE_READ] = NC_("action", "read cases"),
    [SL_ACT_CASE_ASSIGN] = NC_("action", "assign review teams"),
    [SL_ACT_CASE_EXTEND] = NC_("action", "extend review limits"),
    [SL_ACT_KEYS_MANAGE] = NC_("action", "manage trusted keys"),
    [SL_ACT_KEYS_LIST] = NC_("action", "list trusted keys"),
    [SL_ACT_PKG_INSTALL] = NC_("action", "install or remove packages"),
    [SL_ACT_PKG_LIST] = NC_("action", "list packages"),
    [SL_ACT_REVIEW_RUN] = NC_("action", "run the checks"),
    [SL_ACT_REVIEW_OPINION] = NC_("action", "record review opinions"),
    [SL_ACT_REVIEW_PANEL] = NC_("action", "record the panel's opinion"),
    [SL_ACT_REVIEW_RETURN] =
        NC_("action", "return cases or withdraw outline items"),
    [SL_ACT_CASE_RESUBMIT] = NC_("action", "take resubmissions"),
    [SL_ACT_REVIEW_SIGNOFF] = NC_("action", "sign cases off"),
    [SL_ACT_SCRIPT_RUN] = NC_("action", "run scripts"),
};

const char *sl_action_said(sl_action a)
{
	if (a >= SL_ACT__COUNT || !action_said[a])
		return sl_action_name(a);
	return sl_said(action_said[a], strchr(action_said[a], '\004') + 1);
}

const char *sl_role_said(sl_role r)
{
	static const struct {
		sl_role r;
		const char *id;
	} said[] = {
	    {SL_ROLE_ADMIN, NC_("role", "admin")},
	    {SL_ROLE_LEADER, NC_("role", "leader")},
	    {SL_ROLE_MEMBER, NC_("role", "member")},
	    {SL_ROLE_SPECIALIST, NC_("role", "specialist")},
	    {SL_ROLE_AUDITOR, NC_("role", "auditor")},
	};
	for (size_t i = 0; i < sizeof said / sizeof *said; i++)
		if (said[i].r == r)
			return sl_said(said[i].id, sl_role_name(r));
	return sl_role_name(r);
}

const char *sl_action_name(sl_action a)
{
	return a < SL_ACT__COUNT ? table[a].name : "?";
}

const char *sl_verdict_name(sl_verdict v)
{
	return v < SL_DENY__COUNT ? verdict_names[v] : "?";
}

sl_verdict sl_policy_role(const sl_actor *who, sl_action a)
{
	return a < SL_ACT__COUNT && (table[a].roles & who->role) != 0
	           ? SL_ALLOW
	           : SL_DENY_ROLE;
}

static int same(const char *a, const char *b)
{
	return a && b && *a && !strcmp(a, b);
}

static int recused(const sl_actor *who, const sl_case_ref *c)
{
	return same(who->agency, c->agency);
}

/* Visibility alone, for a role that may read cases at all. */
static sl_verdict visible(const sl_actor *who, const sl_case_ref *c)
{
	if (who->role == SL_ROLE_AUDITOR)
		return SL_ALLOW; /* reads everything, changes nothing */
	if (recused(who, c))
		return SL_DENY_RECUSED;
	switch (who->role) {
	case SL_ROLE_LEADER:
		/* a leader without a zone heads the review office */
		return !who->zone[0] || same(who->zone, c->zone) ? SL_ALLOW
		                                                 : SL_DENY_ZONE;
	case SL_ROLE_MEMBER:
		return same(who->zone, c->zone) ? SL_ALLOW : SL_DENY_ZONE;
	case SL_ROLE_SPECIALIST:
		/* pooled experts see only what they were asked to review */
		return c->assigned ? SL_ALLOW : SL_DENY_NOT_ASKED;
	default: return SL_DENY_ROLE;
	}
}

sl_verdict sl_policy_case(const sl_actor *who, sl_action a,
                          const sl_case_ref *c)
{
	sl_verdict v = sl_policy_role(who, a);
	if (v || (v = sl_policy_role(who, SL_ACT_CASE_READ)))
		return v;
	if ((v = visible(who, c)))
		return v;
	/* one's own opinion is a team member's, whatever the role; and a
	 * reviewer records findings on the cases they were assigned
	 * (DOMAIN.md "Roles"), the leader on any case they may see */
	if (!c->assigned &&
	    (a == SL_ACT_REVIEW_OPINION ||
	     (a == SL_ACT_REVIEW_RUN && (who->role & REVIEWERS))))
		return SL_DENY_NOT_TEAM;
	return SL_ALLOW;
}

sl_verdict sl_policy_candidate(const sl_actor *cand, const sl_case_ref *c)
{
	if (cand->role != SL_ROLE_MEMBER && cand->role != SL_ROLE_SPECIALIST)
		return SL_DENY_NOT_REVIEWER;
	if (recused(cand, c))
		return SL_DENY_RECUSED;
	if (cand->role == SL_ROLE_MEMBER && !same(cand->zone, c->zone))
		return SL_DENY_ZONE_MEMBER;
	return SL_ALLOW;
}

sl_verdict sl_policy_team_opinions(const sl_actor *who, int on_team,
                                   int own_recorded)
{
	if (sl_policy_role(who, SL_ACT_CASE_READ))
		return SL_DENY_ROLE;
	/* a reviewer of the zone off the team has no opinion to record
	 * first: told so, not to record one (refused as not on the team) */
	if ((who->role & REVIEWERS) && !on_team)
		return SL_DENY_NOT_TEAM;
	if ((who->role & REVIEWERS) && !own_recorded)
		return SL_DENY_OWN_FIRST;
	return SL_ALLOW;
}

void sl_policy_scope(const sl_actor *who, sl_case_scope *out)
{
	memset(out, 0, sizeof *out);
	if (sl_policy_role(who, SL_ACT_CASE_READ)) {
		out->none = 1;
		return;
	}
	if (who->role == SL_ROLE_AUDITOR)
		return;
	if (who->agency[0])
		out->not_agency = who->agency;
	if (who->role == SL_ROLE_MEMBER)
		out->zone = who->zone;
	if (who->role == SL_ROLE_LEADER && who->zone[0])
		out->zone = who->zone;
	if (who->role == SL_ROLE_SPECIALIST)
		out->assignee = who->id;
	/* a member without a zone sees nothing: no zone matches "" */
	if (who->role == SL_ROLE_MEMBER && !who->zone[0])
		out->none = 1;
}

int sl_policy_in_scope(const sl_case_scope *sc, const sl_case_ref *c)
{
	if (sc->none)
		return 0;
	if (sc->zone && !same(sc->zone, c->zone))
		return 0;
	if (sc->not_agency && same(sc->not_agency, c->agency))
		return 0;
	if (sc->assignee && !c->assigned)
		return 0;
	return 1;
}

int sl_policy_allows(const sl_actor *who, sl_action a)
{
	return sl_policy_role(who, a) == SL_ALLOW;
}

int sl_policy_recused(const sl_actor *who, const sl_case_ref *c)
{
	return who->role != SL_ROLE_AUDITOR && recused(who, c);
}

int sl_policy_case_visible(const sl_actor *who, const sl_case_ref *c)
{
	return sl_policy_case(who, SL_ACT_CASE_READ, c) == SL_ALLOW;
}

int sl_policy_may_reintake(const sl_actor *who, const sl_case_ref *c)
{
	if (sl_policy_role(who, SL_ACT_CASE_IMPORT))
		return 0;
	if (sl_policy_case_visible(who, c))
		return 1;
	return (!c->zone || !*c->zone) && !recused(who, c);
}

void sl_policy_explain(sl_verdict v, const sl_actor *who, sl_action a,
                       const sl_case_ref *c, char *buf, size_t n)
{
	const char *id = c && c->case_id ? c->case_id : "?";
	switch (v) {
	case SL_ALLOW: snprintf(buf, n, "%s", ""); break;
	case SL_DENY_ROLE:
		snprintf(buf, n, _("not permitted: role '%s' may not %s"),
		         sl_role_said(who->role), sl_action_said(a));
		break;
	case SL_DENY_RECUSED:
		if (a == SL_ACT_CASE_ASSIGN)
			snprintf(
			    buf, n,
			    _("not permitted: %s must be recused from case "
			      "%s: their home agency %s transferred it "
			      "(回避)"),
			    who->id, id, c ? c->agency : "?");
		else
			snprintf(buf, n,
			         _("not permitted: %s is recused from case %s "
			           "(home agency %s transferred it)"),
			         who->id, id, c ? c->agency : "?");
		break;
	case SL_DENY_ZONE:
	case SL_DENY_NOT_ASKED:
		snprintf(buf, n,
		         _("not permitted: case %s is not visible to %s"), id,
		         who->id);
		break;
	case SL_DENY_NOT_TEAM:
		snprintf(buf, n,
		         _("not permitted: %s is not on the team of case %s"),
		         who->id, id);
		break;
	case SL_DENY_NOT_REVIEWER:
		snprintf(buf, n,
		         _("'%s' has the role %s: only members and "
		           "specialists review"),
		         who->id, sl_role_said(who->role));
		break;
	case SL_DENY_ZONE_MEMBER:
		snprintf(
		    buf, n,
		    _("not permitted: %s is a member in zone '%s'; case %s "
		      "belongs to zone '%s' (name a specialist for "
		      "cross-zone help)"),
		    who->id, who->zone, id, c && c->zone ? c->zone : "");
		break;
	case SL_DENY_OWN_FIRST:
		snprintf(buf, n,
		         _("record your own opinion on case %s first (review "
		           "opinion): the team's are shown only then, so that "
		           "no one's view anchors another's"),
		         id);
		break;
	default: snprintf(buf, n, "%s", _("not permitted")); break;
	}
}
