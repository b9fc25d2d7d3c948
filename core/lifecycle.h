/*
 * lifecycle.h - the one state machine of a case, and its review clock.
 *
 *   received --accept--> accepted --assign--> in_review --return--> returned
 *       |  \--defer--> deferred --reintake--> received      ^   <--resubmit--'
 *       \--refuse--> refused --reintake--> received         |
 *   in_review --deliberate--> deliberated --signoff--> signed_off
 *
 * Every state change of a case goes through sl_lifecycle_next(); an event
 * that is not allowed in the current state is SL_EPERM naming the state.
 * transition.h writes the change; this machine is pure.
 *
 * The review clock: the limit runs from acceptance; a return pauses it
 * (time in supplementary investigation does not count) and a resubmission
 * resumes it by moving the deadline on by the paused time; a leader may
 * extend it.
 */
#ifndef SHENLI_LIFECYCLE_H
#define SHENLI_LIFECYCLE_H

#include <stdint.h>

#include "err.h"

typedef enum {
	SL_EV_ACCEPT,
	SL_EV_DEFER,
	SL_EV_REFUSE,
	SL_EV_REINTAKE,
	SL_EV_ASSIGN,
	SL_EV_EXTEND,
	SL_EV_RETURN,
	SL_EV_RESUBMIT,
	SL_EV_DELIBERATE,
	SL_EV_SIGNOFF,
	SL_EV__COUNT
} sl_event;

const char *sl_event_name(sl_event e);
/* The event as a person reads it, in their language (messages only); the
 * state's is sl_state_said (base.h). */
const char *sl_event_said(sl_event e);

/* The state after event, or SL_EPERM ("case X is 'refused': cannot
 * assign") if the event is not allowed in from. */
sl_rc sl_lifecycle_next(const char *case_id, sl_state from, sl_event ev,
                        sl_state *to);

/* Does the machine allow ev in from (no message)? */
int sl_lifecycle_allows(sl_state from, sl_event ev);

/* Is the review clock running in this state? */
int sl_state_clock_runs(sl_state s);

#define SL_DAY_MS (24LL * 3600 * 1000)

/* The calendar day (YYYY-MM-DD, the workstation's local time, as the
 * dates of dossiers are) of a Unix time in ms. */
void sl_day_of(int64_t ms, char out[11]);

#endif
