/* policy.c - role-based permission table. See policy.h. */
#include "policy.h"

#include "audit.h"

#define ALL (SL_ROLE_ADMIN | SL_ROLE_LEADER | SL_ROLE_MEMBER | \
             SL_ROLE_SPECIALIST | SL_ROLE_AUDITOR)

/* DOMAIN.md "Roles": admin manages users and never reviews; the auditor
 * reads everything and changes nothing; everyone may check the log's
 * integrity and note its head. */
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
};

const char *sl_action_name(sl_action a)
{
	return a < SL_ACT__COUNT ? table[a].name : "?";
}

int sl_policy_allows(const sl_actor *who, sl_action a)
{
	return a < SL_ACT__COUNT && (table[a].roles & who->role) != 0;
}

sl_rc sl_policy_require(sl_store *s, sl_action a, const char *object)
{
	const sl_actor *who = sl_store_actor(s);
	if (sl_policy_allows(who, a))
		return SL_OK;
	if (sl_tx_active(s))
		return sl_error(SL_ESYS, _("internal: policy check inside a "
		                           "transaction"));
	sl_rc rc = sl_tx_begin(s);
	if (!rc) {
		json_t *d = json_pack("{s:s, s:s}", "wanted", sl_action_name(a),
		                      "role", sl_role_name(who->role));
		rc = sl_audit(s, "denied", object ? object : "", d);
		json_decref(d);
		rc = rc ? rc : sl_tx_commit(s);
		if (rc)
			sl_tx_rollback(s);
	}
	if (rc) /* could not even record the refusal: say so, still refuse */
		return sl_error(SL_EPERM,
		                _("not permitted: %s may not %s (and the refusal "
		                  "could not be audited: %s)"),
		                sl_role_name(who->role), sl_action_name(a),
		                sl_errmsg());
	return sl_error(SL_EPERM, _("not permitted: role '%s' may not %s"),
	                sl_role_name(who->role), sl_action_name(a));
}
