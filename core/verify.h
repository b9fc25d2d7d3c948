/*
 * verify.h - checking the audit log, whole or from where a user last
 * checked it.
 *
 * One walk over the log serves both: every entry's sequence number and
 * hash chain, the signature that closes each transaction (by the key the
 * log itself gave its actor), and each entry's authority and effect,
 * replayed (replay.h).
 *
 *   sl_verify_full   (audit verify) re-reads every page of the file, the
 *                    whole log, replays every case, and compares every
 *                    table with the replay; with an anchor, also that the
 *                    log still extends it.
 *   sl_verify_open   (every unlock) starts from the user's checkpoint
 *                    (checkpoint.h): the entry it names must still be
 *                    there with the same hash, then only what the log
 *                    gained since is walked, with the registry-level
 *                    replay, and the registry tables are compared. The
 *                    registry it ends with is what the store trusts for
 *                    the rest of the command.
 */
#ifndef SHENLI_VERIFY_H
#define SHENLI_VERIFY_H

#include <sqlite3.h>
#include <stdint.h>

#include "audit.h"
#include "registry.h"

/* What the open-time check starts from and ends at. */
typedef struct {
	int64_t seq;                 /* 0: from the beginning */
	uint8_t hash[SL_SHA256_LEN]; /* of entry seq */
	sl_registry *reg;            /* as of seq; NULL from the beginning */
} sl_verified;

/* Walk db's log from v->seq (taking v->reg) to the end; on success v holds
 * the new head and registry, and *entries how many entries were walked.
 * v->reg is taken in every case: on failure it is freed and NULL.
 * The registry tables are compared with the registry. */
sl_rc sl_verify_open(sqlite3 *db, const uint8_t store_id[16], sl_verified *v,
                     int64_t *entries);

/* The full check of audit verify (store.h, sl_store_verify). path and
 * data_key: the store file, re-read on a second connection. On success
 * *reg (if not NULL) gets the registry at the head. */
sl_rc sl_verify_full(sqlite3 *db, const char *path,
                     const uint8_t data_key[SL_KEY_LEN],
                     const uint8_t store_id[16], const char *anchor,
                     sl_audit_report *r, sl_verified *head);

/* One case against the log, as audit verify checks it, before an act that
 * trusts what its tables hold (a sign-off's gates read them): the whole
 * chain from the first entry, the authority of every entry of the case
 * and of the registry, and every row of the case (ref, case_id) against
 * the replay. Signatures are not checked again (the open walk checked
 * those made since the user's checkpoint; the chain ties the older ones
 * to it). A row written outside shenli is SL_EINTEGRITY naming it. Runs
 * in the caller's transaction, as the gates do. */
sl_rc sl_verify_case(sqlite3 *db, const uint8_t store_id[16], int64_t ref,
                     const char *case_id);

/* For the tests: replay shares of this many cases (0: the default), so
 * that a small store is checked in several shares as a large one is. */
void sl_verify_share_override(int64_t cases);

#endif
