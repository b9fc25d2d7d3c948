/*
 * opinions.h - reviewers' opinions and the panel's, each signed by its
 * author.
 *
 * An opinion file (shenli.opinion/1, UTF-8 JSON, at most 256 KiB):
 *   {
 *     "format": "shenli.opinion/1",
 *     "case_id": "ZRJ-2024-013",
 *     "disciplines": ["integrity"],          the six of DOMAIN.md, >= 1
 *     "eight_point_rules": true,
 *     "party_sanction": "严重警告" | null,     a name on the rules' ladder
 *     "gov_sanction": "记过" | null,
 *     "form": 2,                              1-4
 *     "reasoning": "……",                      1-16384 bytes
 *     "circumstances": ["voluntary_confession"],          optional
 *     "dissent": [{"member": "u2", "text": "……"}],        panel only
 *     "property": "涉案财物……"                            panel only
 *   }
 * Unknown keys, wrong types, names not in the rules and over-long text
 * are refused (SL_EINPUT naming the field); nothing is written.
 *
 * A member of the case's team records their own opinion while the case is
 * under review; the leader records the panel's opinion from the
 * collective deliberation (集体审议), which moves the case to
 * 'deliberated' (and may be recorded again there). Each opinion is kept
 * (none is overwritten; the latest per author, and the latest panel
 * opinion, are in force) and is signed with its author's Ed25519 key over
 * the store id, case, author, kind, time and the opinion's canonical
 * bytes, so that a reviewer cannot disown it and no one else can alter it.
 * Which opinion is in force is the log's to say: the latest review.opinion
 * entry of each author, and the latest review.panel entry (an older row
 * put back in the table changes nothing).
 */
#ifndef SHENLI_OPINIONS_H
#define SHENLI_OPINIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define SL_OPINION_MAX (256 * 1024)

/* An opinion given field by field (the CLI's options, a form) rather than
 * as a file. Names may be codes or Chinese: disciplines ("integrity" or
 * 廉洁纪律), sanctions as the rules' ladder names (or NULL: none),
 * circumstances as the rules' codes or names. Dissent (panel only): each
 * "MEMBER: TEXT", MEMBER on the case's team. */
typedef struct {
	const char *const *disciplines;
	size_t n_disciplines;
	int eight_point_rules;
	const char *party_sanction, *gov_sanction;
	int form;
	const char *const *circumstances;
	size_t n_circumstances;
	const char *reasoning;
	const char *const *dissent;
	size_t n_dissent;
	const char *property;
} sl_opinion_fields;

/* The Chinese name of a discipline's code (廉洁纪律 for integrity); the code
 * itself if it is not one of the six. */
const char *sl_discipline_name(const char *code);

/* The opinion file (shenli.opinion/1, above) those fields make; a value
 * that is not allowed is SL_EINPUT naming the field and listing the
 * values that are. *out is malloc'ed. */
sl_rc sl_opinion_build(sl_store *s, const char *case_id,
                       const sl_opinion_fields *f, int panel, char **out);

/* Record an opinion read from buf (panel: the leader's record of the
 * deliberation). *out (optional) gets the stored opinion as in the view. */
sl_rc sl_opinion_record(sl_store *s, const char *case_id, const char *buf,
                        size_t len, int panel, json_t **out);

/* The team's opinions in force, for `review opinions`: to a reviewer only
 * once they have recorded their own (so that no one anchors on the
 * others'), to leaders and auditors always (SL_EPERM otherwise). */
sl_rc sl_opinions_team(sl_store *s, const char *case_id, json_t **out);

/* The opinions of case ref with every signature verified (SL_EINTEGRITY
 * naming the opinion if one does not verify), as a JSON list of objects:
 * the opinion's fields plus author, author_agency, author_role, panel,
 * recorded_on (and recorded_at, sig_key: the author key's fingerprint).
 * history: every opinion ever recorded, oldest first, each marked
 * "withdrawn": "superseded" (by its author's later one) or "reassigned"
 * (its author is no longer on the team) when it is not in force; else only
 * those in force: the latest of each author still on the team, and the
 * panel's latest. */
sl_rc sl_opinions_of(sl_store *s, int64_t ref, const char *case_id, int history,
                     json_t **out);

/* The bytes an opinion's author signs: domain, store, case, author, kind,
 * time, body. *out is malloc'ed; 0 if out of memory. */
size_t sl_opinion_message(const uint8_t store_id[16], const char *case_id,
                          const char *author, int panel, int64_t ms,
                          const char *body, uint8_t **out);

#endif
