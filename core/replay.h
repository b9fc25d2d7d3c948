/*
 * replay.h - the meaning of the audit log.
 *
 * The log is the truth; the tables are its cache. Replaying the log entry
 * by entry, in order, this module checks that each entry was allowed by
 * the policy as it stood at that point (the actor's role, zone and agency,
 * whether they were enrolled or disabled, recusal, team membership, the
 * case's state, key trust, package version floors) and re-derives what
 * the tables must hold. The chain and the signatures are the caller's
 * (verify.h): an entry given to sl_replay_apply() has a verified hash,
 * and the signature that covers its transaction is checked with the key
 * sl_replay_signer() names once the transaction's entries are applied.
 *
 * Two depths:
 *   SL_REPLAY_OPEN  the registry (registry.h) only: users, keys,
 *                   packages, zones, agencies, rules. Case entries are
 *                   checked for role, enrolment, zone and recusal against
 *                   the case's agency and zone that the entry states.
 *                   Cheap; runs at every unlock from the user's
 *                   checkpoint (checkpoint.h).
 *   SL_REPLAY_FULL  also every case: its state machine, team, returns and
 *                   outlines, opinions, findings, dossier and content
 *                   digests, sign-offs; the case claims of each entry are
 *                   checked against the replayed case; at the end every
 *                   case table is compared with the replay
 *                   (sl_replay_compare). audit verify runs this.
 *
 * The details each action carries are documented in doc/log.md.
 */
#ifndef SHENLI_REPLAY_H
#define SHENLI_REPLAY_H

#include <sqlite3.h>
#include <stdint.h>

#include "audit.h"
#include "registry.h"

typedef enum { SL_REPLAY_OPEN, SL_REPLAY_FULL } sl_replay_mode;

/* The log format this shenli writes (store.init's "log"). */
#define SL_LOG_FORMAT 2

typedef struct sl_replay sl_replay;

/* start: the registry to continue from (taken), or NULL for an empty log.
 * prev_seq/prev_hash: the last entry already replayed into start. */
sl_replay *sl_replay_new(const uint8_t store_id[16], sl_replay_mode mode,
                         sl_registry *start, int64_t prev_seq,
                         const uint8_t prev_hash[SL_SHA256_LEN]);
void sl_replay_free(sl_replay *r);

/* Check one entry (its hash already verified) and apply it. first: it
 * begins a transaction (the previous entry carried a signature). */
sl_rc sl_replay_apply(sl_replay *r, const sl_audit_entry *e, int first);
/* The key that must have signed the transaction of actor that ends at the
 * entry just applied. NULL (with an error set) if there is none. */
sl_signkey *sl_replay_signer(sl_replay *r, const char *actor);

/* Full mode, a share of the cases at a time: at a million cases the
 * replayed cases would not fit in flat memory (about 330 bytes each), so
 * audit verify replays the cases of some rows of the cases table at a
 * time (ids: their case ids; first_row..last_row: the rowids the share
 * spans, every row between included), each share over the same snapshot.
 * The entries of other cases (sl_replay_per_case) are passed over; every
 * other entry is applied in every share. Set before the first entry. */
sl_rc sl_replay_set_share(sl_replay *r, const char *const *ids, size_t n,
                          int64_t first_row, int64_t last_row);
/* Whether an entry of this action concerns only the case its object
 * names. */
int sl_replay_per_case(const char *action);
/* How many entries of the share's cases were applied: over all the shares,
 * every such entry of the log exactly once. */
int64_t sl_replay_case_entries(const sl_replay *r);
/* The entry before the next one applied, when the walk skips entries (a
 * sign-off records the log's head before it). */
void sl_replay_set_prev(sl_replay *r, int64_t seq,
                        const uint8_t hash[SL_SHA256_LEN]);

/* Full mode, after the last entry: compare the rows of the share (every
 * row, without a share) of every case table with the replay. The registry
 * tables are the caller's to compare, once (sl_registry_compare with
 * sl_replay_registry): every share replays the same registry.
 * SL_EINTEGRITY names the table and the row. */
sl_rc sl_replay_compare(sl_replay *r, sqlite3 *db);
/* When the shares did not apply each case entry once: the first entry of
 * a case the cases table lacks (in *bad_seq), named as the entry of a case
 * never taken in or as the case missing from the table; or else a case
 * the table holds twice. Always SL_EINTEGRITY (or a read error). */
sl_rc sl_replay_unshared(sqlite3 *db, int64_t *bad_seq);

/* Full mode: the rules document in force now (borrowed, to outlive the
 * replay) and the SHA-256 of its bytes. Entries made while the log had
 * this same document in force are held to its limits: the extensions'
 * days, the team's size, the number of returns. Set before the first
 * entry; without it no entry is held to them. */
struct sl_rules;
void sl_replay_set_rules(sl_replay *r, const struct sl_rules *rules,
                         const uint8_t sha[SL_SHA256_LEN]);
sl_registry *sl_replay_registry(sl_replay *r);
/* Give the registry away (the replay keeps none). */
sl_registry *sl_replay_take_registry(sl_replay *r);
int64_t sl_replay_cases(const sl_replay *r);

#endif
