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

#include <shenli/ops_review.h>

#include "store.h"

/* The operations (review return, withdraw, outline; case resubmit), their
 * requests and typed results are <shenli/ops_review.h>'s; what follows is
 * for the other services. */

/* sl_review_return() with the outline as sl_outline_json() shows it
 * (*outline may be NULL). */
sl_rc sl_return_case(sl_store *s, const char *case_id, const sl_return_req *req,
                     json_t **outline);

/* sl_review_resubmit() with its result as sl_resubmit_json() shows it
 * (*result may be NULL): SL_OK once recorded, open items or not. */
sl_rc sl_case_resubmit(sl_store *s, const char *case_id, const char *buf,
                       size_t len, const char *name, json_t **result);

#endif
