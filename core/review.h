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

#include <shenli/ops_review.h>

#include "store.h"

/* The operations (review run, review findings) are <shenli/ops_review.h>'s;
 * what follows is for the other services. One case's counts, as the run
 * reports them. */
typedef sl_review_row sl_review_result;

/* The installed plugins, loaded for checks inside a caller's transaction
 * (a resubmission re-runs them on the new dossier). Load them before the
 * transaction begins: a refused plugin is then audited (plugin.refused)
 * in a transaction of its own, and its error returned. None installed is
 * not an error: sl_checks_count() is 0 and there is nothing to run. */
typedef struct sl_checks sl_checks;
sl_rc sl_checks_load(sl_store *s, sl_checks **out);
size_t sl_checks_count(const sl_checks *c);
/* Run them on one case in the open transaction; policy is the caller's.
 * res->case_id points into case_id. */
sl_rc sl_checks_run_in_tx(sl_store *s, sl_checks *c, int64_t ref,
                          const char *case_id, sl_review_result *res);
void sl_checks_free(sl_checks *c);

#endif
