/*
 * outline.h - the outlines of a case's returns (补查提纲), read back.
 *
 * returns.c writes returns, withdrawals and answers; these read them in
 * the typed shape of <shenli/ops_review.h> (sl_outline_res), so that the
 * operation, the case view and the writer's own checks agree on one
 * reading. Policy is the caller's, but for sl_review_outline (guarded).
 */
#ifndef SHENLI_OUTLINE_H
#define SHENLI_OUTLINE_H

#include <jansson.h>

#include <shenli/ops_review.h>

#include "store.h"

/* The number of case ref's latest return in *n, 0 if none. */
sl_rc sl_outline_latest(sl_store *s, int64_t ref, int *n);
/* Return return_no of case ref, as a fresh result (sl_outline_res_free). */
sl_rc sl_outline_load(sl_store *s, int64_t ref, const char *case_id,
                      int return_no, sl_outline_res *out);
/* Every return of case ref with its items (sl_outline_json() each, without
 * case_id), for the case view and the documents. Policy is the caller's. */
sl_rc sl_returns_of(sl_store *s, int64_t ref, const char *case_id,
                    json_t **out);

#endif
