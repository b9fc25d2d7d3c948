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

#include <shenli/ops_review.h>

#include "store.h"

/* The operations (review opinion, review opinions) and the typed opinion
 * are <shenli/ops_review.h>'s; what follows is for the other services. */

/* The opinion file (shenli.opinion/1, above) that fields make; a value
 * that is not allowed is SL_EINPUT naming the field and listing the
 * values that are. *out is malloc'ed. */
sl_rc sl_opinion_build(sl_store *s, const char *case_id,
                       const sl_opinion_fields *f, int panel, char **out);

/* Record an opinion read from buf (sl_review_opinion); *out (optional)
 * gets it as sl_opinion_json() shows it. */
sl_rc sl_opinion_record(sl_store *s, const char *case_id, const char *buf,
                        size_t len, int panel, json_t **out);

/* The opinions of case ref with every signature verified (SL_EINTEGRITY
 * naming the opinion if one does not verify), oldest first, in p. history:
 * every opinion ever recorded, each one not in force marked withdrawn
 * "superseded" (by its author's later one), "reassigned" (its author is
 * no longer on the team) or "resubmitted" (given on a dossier a
 * resubmission has since replaced); else only those in force: the
 * latest of each author still on the team given since the last
 * resubmission, and the panel's latest since then. Policy is the
 * caller's. */
struct sl_pool;
sl_rc sl_opinions_load(sl_store *s, int64_t ref, const char *case_id,
                       int history, struct sl_pool *p, sl_opinion **v,
                       size_t *n);
/* The same as a JSON list (sl_opinion_json each), for the case view. */
sl_rc sl_opinions_of(sl_store *s, int64_t ref, const char *case_id, int history,
                     json_t **out);
/* Whether the acting user (on_team: on its team) may read the team's
 * opinions of case ref now (sl_policy_team_opinions: a reviewer only on
 * the team, once their own is recorded), in *open; nothing is audited,
 * for a page that asks before it reads. */
sl_rc sl_opinions_readable(sl_store *s, int64_t ref, const char *case_id,
                           int on_team, int *open);

#endif
