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

/* Record an opinion read from buf (panel: the leader's record of the
 * deliberation). *out (optional) gets the stored opinion as in the view. */
sl_rc sl_opinion_record(sl_store *s, const char *case_id, const char *buf,
                        size_t len, int panel, json_t **out);

/* The opinions of case ref with every signature verified (SL_EINTEGRITY
 * naming the opinion if one does not verify), as a JSON list of objects:
 * the opinion's fields plus author, author_agency, author_role, panel,
 * recorded_on (and recorded_at, sig_key: the author key's fingerprint).
 * history: every opinion ever recorded, oldest first; else only those in
 * force. */
sl_rc sl_opinions_of(sl_store *s, int64_t ref, const char *case_id, int history,
                     json_t **out);

/* The bytes an opinion's author signs: domain, store, case, author, kind,
 * time, body. *out is malloc'ed; 0 if out of memory. */
size_t sl_opinion_message(const uint8_t store_id[16], const char *case_id,
                          const char *author, int panel, int64_t ms,
                          const char *body, uint8_t **out);

#endif
