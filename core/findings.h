/*
 * findings.h - the findings review run stored, read back.
 *
 * review run (review.c) replaces a case's findings; these read them, in the
 * order they were stored: one by one for the operation (review findings,
 * <shenli/ops_review.h>), as the JSON list of spec/cli.md for the case
 * view a script and a document see (caseview.c).
 */
#ifndef SHENLI_FINDINGS_H
#define SHENLI_FINDINGS_H

#include <jansson.h>

#include <shenli/ops_review.h>

#include "store.h"

/* The stored findings of case ref as the JSON list of spec/cli.md
 * (sl_finding_json each), for the case view; policy is the caller's. */
sl_rc sl_review_findings_of(sl_store *s, int64_t ref, json_t **out);

#endif
