/* policy.c - who may do what. See policy.h. */
#include "policy.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "text.h"

#define REVIEWERS (SL_ROLE_MEMBER | SL_ROLE_SPECIALIST)
#define ALL (SL_ROLE_ADMIN | SL_ROLE_LEADER | REVIEWERS | SL_ROLE_AUDITOR)

/* DOMAIN.md "Roles": the admin sets the workstation up and never reviews;
 * the leader takes cases in, assigns, returns and signs off; members and
 * specialists review; the auditor reads everything and changes nothing;
 * everyone may check the log's integrity and note its head. */
static const struct {
	const char *name;
	unsigned roles;
} table[SL_ACT__COUNT] = {
    [SL_ACT_USER_ADD] = {"user.add", SL_ROLE_ADMIN},
    [SL_ACT_USER_LIST] = {"user.list",
                          SL_ROLE_ADMIN | SL_ROLE_LEADER | SL_ROLE_AUDITOR},
    [SL_ACT_USER_DISABLE] = {"user.disable", SL_ROLE_ADMIN},
    [SL_ACT_USER_PASSWD] = {"user.passwd", ALL & ~SL_ROLE_AUDITOR},
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
    /* whoever is on the team; opinions.c checks that the author is */
    [SL_ACT_REVIEW_OPINION] = {"review.opinion", SL_ROLE_LEADER | REVIEWERS},
    [SL_ACT_REVIEW_PANEL] = {"review.panel", SL_ROLE_LEADER},
    [SL_ACT_REVIEW_RETURN] = {"review.return", SL_ROLE_LEADER},
    [SL_ACT_CASE_RESUBMIT] = {"case.resubmit", SL_ROLE_LEADER},
    [SL_ACT_REVIEW_SIGNOFF] = {"review.signoff", SL_ROLE_LEADER},
    [SL_ACT_SCRIPT_RUN] = {"script.run", SL_ROLE_LEADER | REVIEWERS},
};

const char *sl_action_name(sl_action a)
{
	return a < SL_ACT__COUNT ? table[a].name : "?";
}

int sl_policy_allows(const sl_actor *who, sl_action a)
{
	return a < SL_ACT__COUNT && (table[a].roles & who->role) != 0;
}

sl_rc sl_policy_deny(sl_store *s, sl_action a, const char *object,
                     const char *msg)
{
	const sl_actor *who = sl_store_actor(s);
	char keep[512], obj[160];
	snprintf(keep, sizeof keep, "%s", msg);
	/* the object comes from the command line: bound it, keep it text */
	sl_text_sanitize(object ? object : "", obj, sizeof obj);
	if (sl_tx_active(s))
		return sl_error(SL_ESYS, _("internal: policy check inside a "
		                           "transaction"));
	sl_rc rc = sl_tx_begin(s);
	if (!rc) {
		json_t *d =
		    json_pack("{s:s, s:s, s:s}", "wanted", sl_action_name(a),
		              "role", sl_role_name(who->role), "reason", keep);
		rc = sl_audit(s, "denied", obj, d);
		json_decref(d);
		rc = rc ? rc : sl_tx_commit(s);
		if (rc)
			sl_tx_rollback(s);
	}
	if (rc) /* could not even record the refusal: say so, still refuse */
		return sl_error(
		    SL_EPERM,
		    _("%s (and the refusal could not be audited: %s)"), keep,
		    sl_errmsg());
	return sl_error(SL_EPERM, "%s", keep);
}

sl_rc sl_policy_require(sl_store *s, sl_action a, const char *object)
{
	const sl_actor *who = sl_store_actor(s);
	if (sl_policy_allows(who, a))
		return SL_OK;
	char msg[256];
	snprintf(msg, sizeof msg, _("not permitted: role '%s' may not %s"),
	         sl_role_name(who->role), sl_action_name(a));
	return sl_policy_deny(s, a, object, msg);
}

int sl_policy_recused(const sl_actor *who, const sl_case_ref *c)
{
	return who->agency[0] && c->agency && !strcmp(who->agency, c->agency);
}

int sl_policy_case_visible(const sl_actor *who, const sl_case_ref *c)
{
	if (who->role == SL_ROLE_AUDITOR)
		return 1;
	if (!(who->role & (SL_ROLE_LEADER | REVIEWERS)))
		return 0;
	if (sl_policy_recused(who, c))
		return 0;
	int same_zone = who->zone[0] && c->zone && !strcmp(c->zone, who->zone);
	switch (who->role) {
	case SL_ROLE_LEADER:
		/* a leader without a zone heads the review office: all zones */
		return !who->zone[0] || same_zone;
	case SL_ROLE_MEMBER: return same_zone;
	case SL_ROLE_SPECIALIST:
		/* pooled experts see only what they were asked to review */
		return c->assigned;
	default: return 0;
	}
}

sl_rc sl_policy_require_case(sl_store *s, sl_action a, const sl_case_ref *c)
{
	const sl_actor *who = sl_store_actor(s);
	sl_rc rc = sl_policy_require(s, a, c->case_id);
	if (rc)
		return rc;
	if (sl_policy_case_visible(who, c))
		return SL_OK;
	char msg[256];
	if (sl_policy_recused(who, c))
		snprintf(
		    msg, sizeof msg,
		    _("not permitted: %s is recused from case %s (home agency "
		      "%s transferred it)"),
		    who->id, c->case_id, c->agency);
	else
		snprintf(msg, sizeof msg,
		         _("not permitted: case %s is not visible to %s"),
		         c->case_id, who->id);
	return sl_policy_deny(s, a, c->case_id, msg);
}
