/*
 * returns.h - returns for supplementary investigation (退回补充审查调查),
 * their supplement outlines (补查提纲), and resubmission.
 *
 * A return (leader only, from 'in_review') builds the outline from, in
 * this order: the open items of the previous return (carried over, so
 * that nothing left unanswered is forgotten), the items the checks
 * suggested (each finding's outline_item, tied to its refs), and the
 * leader's own items, each tied to facts or evidence of the case. Items
 * are numbered from 1. The case becomes 'returned', its review clock
 * stops, and its return count goes up; the rules bound the count.
 *
 * A resubmission (leader, who takes transfers in) is the agency's full
 * dossier again, with a "supplement" list answering the outline of the
 * latest return. An item is answered when its entry cites evidence that
 * the file holds and at least one piece of it is new; an item not
 * answered stays open (and is carried into any later return). The
 * dossier is replaced, the clock resumes with the deadline moved on by
 * the time the case was away, and the checks run again on the new
 * dossier, all in one transaction.
 */
#ifndef SHENLI_RETURNS_H
#define SHENLI_RETURNS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define SL_OUTLINE_MAX_ITEMS 200
#define SL_OUTLINE_TEXT_MAX 2000

/* An item the leader adds: text, and refs as comma-separated ids of facts
 * or evidence of the case (or a standard: "classification", ...). */
typedef struct {
	const char *text;
	const char *refs;
} sl_outline_extra;

/* Return the case. kind: "supplement" or "reinvestigate". *outline (if
 * not NULL) gets the new outline in the shape of sl_outline_get(). */
sl_rc sl_return_case(sl_store *s, const char *case_id, const char *kind,
                     const sl_outline_extra *extra, size_t n_extra,
                     json_t **outline);

/* A return's outline, as spec/cli.md: { case_id, return_no, kind, items:
 * [{no, text, refs, answered}] } plus returned_on, resubmitted_on and each
 * item's source and answer. return_no 0: the latest. SL_EINPUT if the
 * case has no such return. */
sl_rc sl_outline_get(sl_store *s, const char *case_id, int return_no,
                     json_t **out);

/* Every return of case ref with its items, for the case view (signoff.h)
 * and reports. Policy is the caller's. */
sl_rc sl_returns_of(sl_store *s, int64_t ref, const char *case_id,
                    json_t **out);

/* Take in a resubmission. *result (optional): { case_id, return_no,
 * answered: [no], open: [{no, why}], checks: {blockers, warnings, notes}
 * or null when no check plugin is installed }. */
sl_rc sl_case_resubmit(sl_store *s, const char *case_id, const char *buf,
                       size_t len, const char *name, json_t **result);

#endif
