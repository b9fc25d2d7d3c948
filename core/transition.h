/*
 * transition.h - the one writer of a case's state.
 *
 * Every change of cases.state, and the clock columns that change with it,
 * is one call here, in the caller's write transaction: the event is checked
 * against the machine (lifecycle.h), and the row is changed only if it is
 * still in the state the caller read, so that a decision taken on a stale
 * read never lands. A new case's first state comes from the same machine
 * (sl_case_intake_state): received, then accepted, deferred or refused.
 */
#ifndef SHENLI_TRANSITION_H
#define SHENLI_TRANSITION_H

#include <stdint.h>

#include "lifecycle.h"
#include "store.h"

/* What changes with the state; zero fields change nothing. */
typedef struct {
	int64_t deadline_ms; /* > 0: the review limit moves to this */
	int64_t paused_ms;   /* > 0: the clock stops now; < 0: it runs again */
	int extend_days;     /* > 0: added to the days of extension */
	int limit_days;      /* > 0: added to the limit's days, where kept */
	int count_return;    /* 1: one more return */
	const char *signed_head; /* the audit head a sign-off recorded */
	int64_t signed_ms;
} sl_case_change;

/* Move case ref (case_id, for messages) from state from by event ev, with
 * the changes chg (may be NULL); *to (may be NULL) is the new state. The
 * event not allowed in from: SL_EPERM naming the state. The row no longer
 * in from: SL_ESYS (another writer got there first). */
sl_rc sl_case_transition(sl_store *s, int64_t ref, const char *case_id,
                         sl_state from, sl_event ev, const sl_case_change *chg,
                         sl_state *to);

/* The state a case enters the store in, by the intake event (accept,
 * defer, refuse) on received; old is the state of the case it replaces
 * (SL_ST__COUNT for none), which must allow a re-intake. */
sl_rc sl_case_intake_state(const char *case_id, sl_state old, sl_event ev,
                           sl_state *to);

#endif
