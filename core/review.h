/*
 * review.h - running the review checks and keeping their findings.
 *
 * review run loads every installed plugin through the verified loader
 * (plugin_host.h), builds each case's read-only view from the normalised
 * tables (no JSON is parsed again), runs every check, and replaces the
 * case's findings with what they report, audited in the same transaction
 * ("review.run": which plugins at which versions, how many findings of
 * each severity, and the hash of the findings). Plugins never see the
 * store; the host records what they return.
 */
#ifndef SHENLI_REVIEW_H
#define SHENLI_REVIEW_H

#include <jansson.h>

#include "store.h"

typedef struct {
	const char *case_id;
	int blockers, warnings, notes;
} sl_review_result;

/* Run on one case (case_id) or on every case the acting user may see that
 * is under review (case_id NULL). cb is called per case (may be NULL). */
sl_rc sl_review_run(sl_store *s, const char *case_id,
                    int (*cb)(const sl_review_result *r, void *ud), void *ud);

/* The stored findings of a case, as the JSON list of spec/cli.md. */
sl_rc sl_review_findings(sl_store *s, const char *case_id, json_t **out);

#endif
