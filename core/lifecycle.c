/* lifecycle.c - the case state machine. See lifecycle.h. */
#include "lifecycle.h"

#include <stdio.h>
#include <time.h>

#include <string.h>

static const char *const state_names[SL_ST__COUNT] = {
    "received",  "accepted", "deferred",    "refused",
    "in_review", "returned", "deliberated", "signed_off",
};

static const char *const event_names[SL_EV__COUNT] = {
    "accept", "defer",  "refuse",   "reintake",   "assign",
    "extend", "return", "resubmit", "deliberate", "sign off",
};

/* The whole machine. Anything not listed is refused. */
static const struct {
	sl_state from;
	sl_event ev;
	sl_state to;
} table[] = {
    {SL_ST_RECEIVED, SL_EV_ACCEPT, SL_ST_ACCEPTED},
    {SL_ST_RECEIVED, SL_EV_DEFER, SL_ST_DEFERRED},
    {SL_ST_RECEIVED, SL_EV_REFUSE, SL_ST_REFUSED},
    {SL_ST_DEFERRED, SL_EV_REINTAKE, SL_ST_RECEIVED},
    {SL_ST_REFUSED, SL_EV_REINTAKE, SL_ST_RECEIVED},
    {SL_ST_ACCEPTED, SL_EV_ASSIGN, SL_ST_IN_REVIEW},
    {SL_ST_IN_REVIEW, SL_EV_ASSIGN, SL_ST_IN_REVIEW}, /* team changed */
    {SL_ST_ACCEPTED, SL_EV_EXTEND, SL_ST_ACCEPTED},
    {SL_ST_IN_REVIEW, SL_EV_EXTEND, SL_ST_IN_REVIEW},
    {SL_ST_RETURNED, SL_EV_EXTEND, SL_ST_RETURNED},
    {SL_ST_DELIBERATED, SL_EV_EXTEND, SL_ST_DELIBERATED},
    {SL_ST_IN_REVIEW, SL_EV_RETURN, SL_ST_RETURNED},
    {SL_ST_RETURNED, SL_EV_RESUBMIT, SL_ST_IN_REVIEW},
    {SL_ST_IN_REVIEW, SL_EV_DELIBERATE, SL_ST_DELIBERATED},
    {SL_ST_DELIBERATED, SL_EV_DELIBERATE, SL_ST_DELIBERATED},
    /* the deliberation may send it back; resubmitted, it is deliberated
     * again, on the team's opinions as they then stand */
    {SL_ST_DELIBERATED, SL_EV_RETURN, SL_ST_RETURNED},
    {SL_ST_DELIBERATED, SL_EV_SIGNOFF, SL_ST_SIGNED_OFF},
};

/* The states and events as a person reads them: the state as the case
 * list shows it (the same msgids), the event as what was not done. */
static const char *const state_said[SL_ST__COUNT] = {
    NC_("case state", "received"),    NC_("case state", "accepted"),
    NC_("case state", "deferred"),    NC_("case state", "refused"),
    NC_("case state", "in_review"),   NC_("case state", "returned"),
    NC_("case state", "deliberated"), NC_("case state", "signed_off"),
};

static const char *const event_said[SL_EV__COUNT] = {
    NC_("case event", "accept it"),
    NC_("case event", "defer it"),
    NC_("case event", "refuse it"),
    NC_("case event", "take it in again"),
    NC_("case event", "assign its team"),
    NC_("case event", "extend its limit"),
    NC_("case event", "return it"),
    NC_("case event", "take its resubmission"),
    NC_("case event", "record the panel's opinion on it"),
    NC_("case event", "sign it off"),
};

const char *sl_state_said(sl_state s)
{
	if (s >= SL_ST__COUNT)
		return "?";
	return sl_said(state_said[s], state_names[s]);
}

const char *sl_event_said(sl_event e)
{
	if (e >= SL_EV__COUNT)
		return "?";
	const char *id = event_said[e];
	return sl_said(id, strchr(id, '\004') + 1);
}

const char *sl_state_name(sl_state s)
{
	return s < SL_ST__COUNT ? state_names[s] : "?";
}

int sl_state_parse(const char *name)
{
	for (int i = 0; name && i < SL_ST__COUNT; i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

const char *sl_event_name(sl_event e)
{
	return e < SL_EV__COUNT ? event_names[e] : "?";
}

int sl_lifecycle_allows(sl_state from, sl_event ev)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].from == from && table[i].ev == ev)
			return 1;
	return 0;
}

sl_rc sl_lifecycle_next(const char *case_id, sl_state from, sl_event ev,
                        sl_state *to)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].from == from && table[i].ev == ev) {
			*to = table[i].to;
			return SL_OK;
		}
	return sl_error(SL_EPERM, _("case %s is '%s': cannot %s"),
	                case_id ? case_id : "?", sl_state_said(from),
	                sl_event_said(ev));
}

int sl_state_clock_runs(sl_state s)
{
	return s == SL_ST_ACCEPTED || s == SL_ST_IN_REVIEW ||
	       s == SL_ST_DELIBERATED;
}

void sl_day_of(int64_t ms, char out[11])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
		snprintf(out, 11, "0000-00-00");
}
