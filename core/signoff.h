/*
 * signoff.h - the case as consistency scripts see it, script dry-runs,
 * and sign-off.
 *
 * The case view (spec/cli.md, "The script contract") is the stored dossier
 * exactly as transferred or resubmitted (its hash checked), plus:
 *   state, zone, accepted_on, today, checked (the checks have run on this
 *   version of the dossier), team [{id, role, agency}], findings (of the
 *   last check run), opinions (in force, signatures verified; see
 *   opinions.h) and returns (with their outlines; see returns.h).
 * The rules in force are the scripts' global `rules`.
 *
 * Sign-off (leader, from 'deliberated') runs every installed script, each
 * in a fresh sandbox in a worker process (sandbox.h). If any script fails
 * (reports a blocker, errs, or goes over a limit), sign-off is refused
 * (SL_FAIL) with each failing script's findings, and the refusal is
 * audited. If all pass, the case becomes 'signed_off' and the audit head
 * as it stood before the sign-off is recorded with the case and in the
 * sign-off's own audit entry: the state of the log that the sign-off
 * attests to. Sign-off without any installed script is refused: the gate
 * must exist to be passed.
 */
#ifndef SHENLI_SIGNOFF_H
#define SHENLI_SIGNOFF_H

#include <jansson.h>
#include <stdint.h>

#include <shenli/ops_review.h>

#include "sandbox.h"
#include "store.h"

/* The operations (review signoff, script run) and the typed gate result
 * are <shenli/ops_review.h>'s. */

/* Every installed script run on case ref (case_id) as sign-off runs them:
 * the same view, rules and limits, writing nothing. For a leader who
 * settles a blocker of the gate at the limit on returns (returns.c): the
 * pick is looked for among what sign-off would refuse on. No script
 * installed: *out has none. On error *out is freed. */
sl_rc sl_gate_dry(sl_store *s, int64_t ref, const char *case_id,
                  sl_gate_res *out);

#endif
