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
	SL_ACT__COUNT
} sl_action;

const char *sl_action_name(sl_action a);
/* Pure decision, no side effects. */
int sl_policy_allows(const sl_actor *who, sl_action a);
/* Decide; on refusal audit it and return SL_EPERM with a message. */
sl_rc sl_policy_require(sl_store *s, sl_action a, const char *object);

#endif
