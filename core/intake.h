/*
 * intake.h - the formal check of intake (受理), DOMAIN.md "Lifecycle":
 *   refused  (不予受理) - unknown agency, agency in no zone, outside the
 *                         importing leader's zone, a case id already in use;
 *   deferred (暂缓受理) - with what is missing: required documents,
 *                         identity documents, evidence a fact cites that
 *                         the file lacks, violation codes not in the rules;
 *   accepted (受理)     - the review clock starts.
 * The requirements come from the rules (rules.h), not from code. Pure:
 * the importer (import.c) finds the facts and writes the decision.
 */
#ifndef SHENLI_INTAKE_H
#define SHENLI_INTAKE_H

#include <jansson.h>
#include <shenli/ops_case.h>

#include "dossier.h"
#include "rules.h"

/* What the store says about a dossier's agency and case id. */
typedef struct {
	int agency_found;
	const char *agency_zone; /* "" for an agency in no zone */
	const char *dup_state;   /* a live case of that id: its state */
	int hidden; /* ... one the leader may not see: its id is just taken */
} sl_intake_facts;

/* Decide d for who (the importing leader); each reason (Chinese, with the
 * code in English) is appended to reasons, a JSON array. Refusal reasons
 * come first: if any, the file is not examined further. */
sl_intake_decision sl_intake_decide(const sl_actor *who, const sl_rules *r,
                                    const sl_dossier *d,
                                    const sl_intake_facts *k, json_t *reasons);

#endif
