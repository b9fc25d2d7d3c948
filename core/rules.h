/*
 * rules.h - the review rules as data: intake requirements, the review
 * clock, and the violation vocabulary (DOMAIN.md: "configurable").
 *
 * The rules are a JSON document ("shenli.rules/1"). A new store gets the
 * built-in default (plugins/rules/rules.json, embedded at build time) with
 * an audit entry; the document in force is kept in the store's rules table,
 * so every decision can be traced to the exact rules it was made under.
 */
#ifndef SHENLI_RULES_H
#define SHENLI_RULES_H

#include <jansson.h>
#include <stdint.h>

#include "calendar.h"
#include "store.h"

#define SL_RULES_MAX_BYTES (1u << 20)

typedef struct sl_rules sl_rules;

typedef struct {
	const char *code, *zh, *discipline;
	int eight_point; /* 1 yes, 0 no, -1 depends on use */
	/* its nature depends on what the money was used for (小金库,
	 * diverted benefit funds): a stated use needs proof */
	int use_matters;
} sl_violation;

/* A circumstance (情节) of the proposal's vocabulary (case-format.md). */
typedef enum {
	SL_CIRC_MITIGATING = 1, /* 从轻、减轻 */
	SL_CIRC_AGGRAVATING = 2 /* 从重、加重 */
} sl_circ_effect;

typedef struct {
	const char *code, *zh;
	sl_circ_effect effect;
	int prior; /* the aggravation of prior sanctions (受处分后再犯) */
} sl_circumstance;

/* Parse and validate a rules document. SL_EINPUT names what is wrong. */
sl_rc sl_rules_parse(const char *buf, size_t len, sl_rules **out);
/* The rules in force in the store. */
sl_rc sl_rules_load(sl_store *s, sl_rules **out);
void sl_rules_free(sl_rules *r);

/* Install into the open transaction (replaces the document in force). */
sl_rc sl_rules_install(sl_store *s, const char *buf, size_t len);
/* The built-in default document. */
const char *sl_rules_builtin(size_t *len);

int64_t sl_rules_version(const sl_rules *r);
const sl_violation *sl_rules_violation(const sl_rules *r, const char *code);
size_t sl_rules_n_required_docs(const sl_rules *r);
const char *sl_rules_required_doc(const sl_rules *r, size_t i);
size_t sl_rules_n_identity_docs(const sl_rules *r);
const char *sl_rules_identity_doc(const sl_rules *r, size_t i);
int sl_rules_limit_days(const sl_rules *r);
/* review.limit_months: the review limit in months (0: in limit_days) */
int sl_rules_limit_months(const sl_rules *r);
/* intake.working_days: the working days after the transfer within which a
 * case is to be taken in (受理); 0 if the rules set none */
int sl_rules_intake_days(const sl_rules *r);
int sl_rules_max_extension_days(const sl_rules *r);
int sl_rules_max_returns(const sl_rules *r);
int sl_rules_min_team(const sl_rules *r);
/* Chinese names of document and evidence kinds; the code itself if the
 * rules do not name it. */
const char *sl_rules_doc_name(const sl_rules *r, const char *kind);
const char *sl_rules_evidence_name(const sl_rules *r, const char *kind);
/* The circumstance vocabulary, in document order; NULL for an unknown
 * code (which a dossier may still cite: it is kept and shown). */
size_t sl_rules_n_circumstances(const sl_rules *r);
const sl_circumstance *sl_rules_circumstance_at(const sl_rules *r, size_t i);
const sl_circumstance *sl_rules_circumstance(const sl_rules *r,
                                             const char *code);
/* The working-day calendar (calendar.h); NULL when the document has none
 * (documents before version 2). Borrowed. */
const sl_calendar *sl_rules_calendar(const sl_rules *r);
/* The whole document, for checks that read more of it. Borrowed. */
json_t *sl_rules_json(const sl_rules *r);

#endif
