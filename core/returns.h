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
 * or evidence of the case, a standard ("classification", ...), "subject",
 * or a document kind as "doc:KIND" ("doc:identity": an identity-documents
 * item needs no fact). */
typedef struct {
	const char *text;
	const char *refs;
} sl_outline_extra;

/* What the leader asks for. The outline is, in this order: the open items
 * of the previous return (carried over, never dropped: withdraw one
 * instead), the checks' suggestions, and the leader's own items. Of the
 * checks' suggestions: every one (the default), none (no_findings), or
 * those of the findings picked as "CODE" or "CODE@REF" (a finding's code,
 * and one of its refs). */
typedef struct {
	const char *kind; /* "supplement" or "reinvestigate" */
	int dry_run;      /* build and check it, write nothing */
	int no_findings;
	const char *const *picks;
	size_t n_picks;
	const sl_outline_extra *extra;
	size_t n_extra;
} sl_return_req;

/* Return the case (or, with dry_run, only say what would be sent).
 * *outline (if not NULL) gets the outline in the shape of
 * sl_outline_get(), each item with its source. */
sl_rc sl_return_case(sl_store *s, const char *case_id, const sl_return_req *req,
                     json_t **outline);

/* Withdraw open item `item` of the latest return, with a written reason
 * (leader): it counts as settled for sign-off, and the outline and the
 * report show it with the reason. So no case is stuck at the limit on
 * returns with an item nobody can answer. *outline as above. */
sl_rc sl_return_withdraw(sl_store *s, const char *case_id, int item,
                         const char *reason, json_t **outline);

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
