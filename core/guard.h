/*
 * guard.h - asking policy before an operation, and recording a refusal.
 *
 * policy.h decides, purely; a refusal is written here, through audit.c,
 * as one "denied" entry signed by the refused user in a transaction of its
 * own, and returned as SL_EPERM with the reason. Guards run before an
 * operation begins its write transaction.
 */
#ifndef SHENLI_GUARD_H
#define SHENLI_GUARD_H

#include "policy.h"
#include "store.h"

/* May the acting user do a at all (role)? */
sl_rc sl_guard(sl_store *s, sl_action a, const char *object);
/* Refuse with verdict v (not SL_ALLOW) about who (the acting user, or a
 * candidate reviewer) and case c (NULL for none): audited, SL_EPERM. */
sl_rc sl_guard_refuse(sl_store *s, sl_verdict v, const sl_actor *who,
                      sl_action a, const sl_case_ref *c);
/* Refuse for a reason policy does not phrase (a team too small for the
 * rules): audited with logged (the untranslated reason: the signed log
 * says the same whatever the language of the user who was refused; NULL:
 * msg), SL_EPERM with msg. */
sl_rc sl_guard_deny(sl_store *s, sl_action a, const char *object,
                    const char *msg, const char *logged);

#endif
