/*
 * cases.h - a case, looked up for an action on it.
 *
 * Every operation on one case starts here: the case row is read and policy
 * asked (policy.h), and a case that does not exist, one of another zone
 * and one the user is recused from all get the same answer (exit 4, one
 * message), so that nobody learns which case ids exist elsewhere by
 * asking; the refusal is audited with the true reason, which only admins
 * and auditors read. The operations on cases themselves are ops_case.h's
 * (intake: import.c and intake.c; listing.c; caseview.c; assign.c).
 */
#ifndef SHENLI_CASES_H
#define SHENLI_CASES_H

#include <jansson.h>
#include <shenli/ops_case.h>
#include <stdint.h>

#include "lifecycle.h"
#include "org.h"
#include "policy.h"
#include "store.h"

/* A case as an action on it needs it. */
typedef struct {
	int64_t ref;
	char case_id[128];
	char agency[SL_CODE_MAX + 1];
	char zone[SL_CODE_MAX + 1];
	sl_state state;
	int64_t deadline_ms, paused_ms, accepted_ms;
	int extended_days, returns;
	int limit_days; /* the review limit's days from acceptance; -1: not
	                   kept (accepted before schema 9) */
	int assigned;   /* the acting user is on the team */
} sl_case_rec;

/* Look case_id up for action a, policy asked and a refusal audited. */
sl_rc sl_case_open(sl_store *s, sl_action a, const char *case_id,
                   sl_case_rec *c);
/* The same, for callers that need only the row id and the state. */
sl_rc sl_case_require(sl_store *s, sl_action a, const char *case_id,
                      int64_t *ref, sl_state *state);
/* What policy asks about c (assigned: the acting user is on its team). */
sl_case_ref sl_case_ref_of(const sl_case_rec *c);

/* Add the case's agency and zone to an audit entry's details: every entry
 * about a case says whose it is, so that replay can check the actor might
 * act on it (replay.h). */
sl_rc sl_case_claim(sl_store *s, int64_t ref, json_t *details);

/* SL_EINTEGRITY: the limit worked out from case_id's row is not one the
 * log could hold (clock.h: sl_clock_move_plausible), so the row was
 * changed outside shenli. The command writes nothing, so that no honest
 * entry carries the change; audit verify finds the row. */
sl_rc sl_case_limit_misled(const char *case_id);

#endif
