/*
 * policy.h - the one place that answers "may this user do this".
 *
 * Commands never compare role strings; core services call
 * sl_policy_require() before they begin their transaction. A refusal is
 * itself audited (action "denied", signed by the refused user) in its own
 * transaction, and returns SL_EPERM.
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
	SL_ACT_CASE_READ, /* list, show, and (later) findings and reports */
	SL_ACT_CASE_ASSIGN,
	SL_ACT_CASE_EXTEND,
	SL_ACT_KEYS_MANAGE, /* trust and revoke signing keys */
	SL_ACT_KEYS_LIST,
	SL_ACT_PKG_INSTALL, /* plugins, scripts, rules: install and remove */
	SL_ACT_PKG_LIST,
	SL_ACT_REVIEW_RUN,     /* run the checks on a case */
	SL_ACT_REVIEW_OPINION, /* a reviewer's own opinion */
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
	int assigned;       /* is the acting user on its team? */
} sl_case_ref;

const char *sl_action_name(sl_action a);
/* Pure decision, no side effects. */
int sl_policy_allows(const sl_actor *who, sl_action a);
/* Decide; on refusal audit it and return SL_EPERM with a message. */
sl_rc sl_policy_require(sl_store *s, sl_action a, const char *object);

/* Recusal (回避): the user's home agency transferred the case. */
int sl_policy_recused(const sl_actor *who, const sl_case_ref *c);
/* May who see this case at all? Zone, recusal, specialists' requests. */
int sl_policy_case_visible(const sl_actor *who, const sl_case_ref *c);
/* Role and visibility for an action on one case; refusals audited. */
sl_rc sl_policy_require_case(sl_store *s, sl_action a, const sl_case_ref *c);
/* Audit a refusal decided elsewhere (e.g. recusal of a reviewer named in
 * an assignment) and return SL_EPERM with msg. */
sl_rc sl_policy_deny(sl_store *s, sl_action a, const char *object,
                     const char *msg);

#endif
