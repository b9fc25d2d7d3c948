/*
 * cases.h - cases: intake of transferred dossiers, listing, showing,
 * assignment with recusal, and the review clock.
 *
 * Intake (受理) decides each dossier on its own:
 *   refused  (不予受理) - unknown agency, agency in no zone, outside the
 *                         importing leader's zone, duplicate case_id;
 *   deferred (暂缓受理) - with what is missing: required documents,
 *                         identity documents, evidence a fact cites that the
 *                         file lacks, violation codes not in the rules;
 *   accepted (受理)     - the review clock starts.
 * The requirements come from the rules data (rules.h), not from code.
 * A deferred or refused case may be transferred again; it is then decided
 * afresh. Malformed dossiers are refused before anything is written.
 */
#ifndef SHENLI_CASES_H
#define SHENLI_CASES_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "dossier.h"
#include "lifecycle.h"
#include "policy.h"
#include "rules.h"
#include "store.h"

typedef enum {
	SL_INTAKE_ACCEPTED,
	SL_INTAKE_DEFERRED,
	SL_INTAKE_REFUSED,
} sl_intake_decision;

const char *sl_intake_name(sl_intake_decision d);

/* One import command: one transaction, one signature, however many
 * dossiers. Dossiers that are malformed are reported and skipped. */
typedef struct sl_importer sl_importer;

sl_rc sl_import_begin(sl_store *s, sl_importer **out);
/* Decide one dossier. SL_OK with *decision and *reasons (a JSON array of
 * strings, new reference) for accepted, deferred and refused; SL_EINPUT
 * for a malformed dossier (nothing written, message names the field);
 * any other rc is a failure that aborts the import. *case_id is valid
 * until the next call. */
sl_rc sl_import_one(sl_importer *im, const char *buf, size_t len,
                    const char *name, const char **case_id,
                    sl_intake_decision *decision, json_t **reasons);
/* What sl_import_stream reports for each dossier. rc is SL_OK (decided:
 * case_id, decision, reasons set) or SL_EINPUT (malformed: sl_errmsg()
 * says why; nothing was written). */
typedef struct {
	long line;
	const char *case_id;
	sl_intake_decision decision;
	json_t *reasons; /* borrowed for the callback */
	sl_rc rc;
} sl_import_result;

/* Return non-zero to stop early. */
typedef int (*sl_import_cb)(const sl_import_result *r, void *ud);

/* Decide every dossier of a JSON Lines stream (one dossier per line,
 * blank lines skipped, lines over the size limit refused as malformed).
 * Reading and parsing run on a second thread, overlapped with the
 * writes. Returns SL_OK unless the import itself failed. */
sl_rc sl_import_stream(sl_importer *im, FILE *in, const char *name,
                       sl_import_cb cb, void *ud);
/* Commit everything decided (nothing to commit is fine) and free. */
sl_rc sl_import_finish(sl_importer *im);
void sl_import_abort(sl_importer *im);

/* Replace the dossier of case ref (bytes, subject, proposal, facts,
 * evidence, documents; rev goes up by one) with d, which it takes, inside
 * the caller's open transaction. For resubmission (returns.h), which has
 * checked who may do it and that d belongs to that case. content gets the
 * digest of the rows written (canon.h), for the audit entry. */
sl_rc sl_case_store_dossier(sl_store *s, int64_t ref, sl_dossier *d,
                            const char *buf, size_t len, char content[65]);

/* Put the case's agency and zone into an audit entry's details: every
 * entry about a case states them (replay.h checks the statement). */
sl_rc sl_case_claim(sl_store *s, int64_t ref, json_t *details);

/* Listing. Only cases the acting user may see are listed. */
typedef struct {
	const char *state, *zone, *agency, *assignee; /* NULL: any */
	int overdue;
} sl_case_filter;

typedef struct {
	int64_t ref; /* the case's row id in the store */
	const char *case_id, *agency, *zone, *state, *subject_name,
	    *transferred_on, *assignees; /* comma-separated */
	int64_t deadline_ms;             /* 0 if none */
	int paused, overdue, returns;
} sl_case_row;

sl_rc sl_case_list(sl_store *s, const sl_case_filter *f,
                   int (*cb)(const sl_case_row *r, void *ud), void *ud);

/* Look a case up for an action on it: policy (role, zone, recusal) is
 * asked and a refusal audited. */
sl_rc sl_case_require(sl_store *s, sl_action a, const char *case_id,
                      int64_t *ref, sl_state *state);

/* The whole case as JSON (see spec/cli.md: case_id, agency, zone, state,
 * assignees, returns, dossier, plus deadline and intake reasons). */
sl_rc sl_case_show(sl_store *s, const char *case_id, json_t **out);

/* Set the review team. reviewers may be empty when auto_n > 0: then
 * auto_n eligible members of the case's zone are picked, least loaded
 * first. Recusal and team rules are enforced; refusals are audited. */
sl_rc sl_case_assign(sl_store *s, const char *case_id,
                     const char *const *reviewers, size_t n, size_t auto_n,
                     json_t **team_out);
/* Extend the review limit by days (leader). */
sl_rc sl_case_extend(sl_store *s, const char *case_id, int days,
                     int64_t *deadline_out);

#endif
