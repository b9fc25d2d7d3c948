/* guard.c - policy asked, refusals audited. See guard.h. */
#include "guard.h"

#include <jansson.h>
#include <stdio.h>

#include "audit.h"
#include "msgc.h"
#include "text.h"

/* A refusal: one "denied" entry in a transaction of its own (the refused
 * user signs that they asked), naming what was wanted, by which role, and
 * why. The object is bounded and made text. */
static sl_rc audit_denied(sl_store *s, const char *wanted, const char *object,
                          const char *reason)
{
	char obj[160];
	sl_text_sanitize(object ? object : "", obj, sizeof obj);
	if (sl_tx_active(s))
		return sl_error(SL_ESYS,
		                _("internal: a refusal recorded inside "
		                  "a transaction"));
	sl_rc rc = sl_tx_begin(s);
	if (rc)
		return rc;
	json_t *d =
	    json_pack("{s:s, s:s, s:s}", "wanted", wanted, "role",
	              sl_role_name(sl_store_actor(s)->role), "reason", reason);
	rc = d ? sl_audit(s, "denied", obj, d)
	       : sl_error(SL_ESYS, _("out of memory"));
	json_decref(d);
	rc = rc ? rc : sl_tx_commit(s);
	if (rc)
		sl_tx_rollback(s);
	return rc;
}

sl_rc sl_guard_deny(sl_store *s, sl_action a, const char *object,
                    const char *msg, const char *logged)
{
	char keep[512];
	snprintf(keep, sizeof keep, "%s", msg);
	if (audit_denied(s, sl_action_name(a), object, logged ? logged : keep))
		/* could not even record the refusal: say so, still refuse */
		return sl_error(
		    SL_EPERM,
		    _("%s (and the refusal could not be audited: %s)"), keep,
		    sl_errmsg());
	return sl_error(SL_EPERM, "%s", keep);
}

/* The policy's reason, untranslated (run under sl_msgc_run). */
struct explain {
	sl_verdict v;
	const sl_actor *who;
	sl_action a;
	const sl_case_ref *c;
};

static sl_rc explain_c(void *arg)
{
	const struct explain *x = arg;
	char m[384];
	sl_policy_explain(x->v, x->who, x->a, x->c, m, sizeof m);
	return sl_error(SL_EPERM, "%s", m);
}

/* A policy refusal: the user reads it in their language, the log keeps it
 * in the untranslated words (api.md's denied entries), the same from the
 * command line, the service and the workbench. */
static sl_rc refuse(sl_store *s, sl_verdict v, const sl_actor *who, sl_action a,
                    const sl_case_ref *c, const char *object)
{
	struct explain x = {v, who, a, c};
	char msg[384], logged[384];
	sl_policy_explain(v, who, a, c, msg, sizeof msg);
	sl_msgc_run(explain_c, &x, logged, sizeof logged);
	return sl_guard_deny(s, a, object, msg, logged[0] ? logged : NULL);
}

sl_rc sl_guard_refuse(sl_store *s, sl_verdict v, const sl_actor *who,
                      sl_action a, const sl_case_ref *c)
{
	return refuse(s, v, who, a, c, c && c->case_id ? c->case_id : "");
}

sl_rc sl_guard(sl_store *s, sl_action a, const char *object)
{
	const sl_actor *who = sl_store_actor(s);
	sl_verdict v = sl_policy_role(who, a);
	if (v == SL_ALLOW)
		return SL_OK;
	return refuse(s, v, who, a, NULL, object);
}
