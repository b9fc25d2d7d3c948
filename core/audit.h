/*
 * audit.h - the tamper-evident audit log.
 *
 * Every state change appends one or more entries inside the transaction
 * that makes the change (store.h). Entries form a SHA-256 hash chain over a
 * canonical, domain-separated encoding:
 *
 *   hash(n) = SHA-256("shenli.audit.v1\0" || store_id[16] || hash(n-1)
 *                     || be64(seq) || be64(ts_ms)
 *                     || be32(len) actor || be32(len) action
 *                     || be32(len) object || be32(len) details)
 *
 * with hash(0) = 32 zero bytes. The last entry of each transaction carries
 * the acting user's Ed25519 signature over
 *
 *   "shenli.audit.sig.v1\0" || store_id[16] || be64(seq) || hash(seq)
 *
 * which, through the chain, covers every entry of that transaction; so a
 * transaction's entries all have one actor, and one signature each costs
 * one sign and one verify however many entries it wrote.
 *
 * Users' public keys are taken from the log itself (store.init and
 * user.enrol entries), never from the users table, so someone who holds
 * the data key cannot swap in a key and forge another user's entries.
 * What each entry may do and what the tables must then hold is replay.h's;
 * checking it all is verify.h's.
 */
#ifndef SHENLI_AUDIT_H
#define SHENLI_AUDIT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include <shenli/ops_admin.h> /* sl_audit_entry, sl_audit_report, anchors */

#include "store.h"

/* Append an entry to the open transaction. details may be NULL ({}); the
 * entry's details are the caller's with the OS account of the store handle
 * added under "os" (osacct.h), so its hash and signature cover it. The
 * caller's object is left as it was. */
sl_rc sl_audit(sl_store *s, const char *action, const char *object,
               json_t *details);

/* The seq the next sl_audit() of the open transaction will get (a row
 * that names its own entry, as an opinion does). */
int64_t sl_audit_next_seq(const sl_store *s);

/* The last committed entry: seq 0 and zero hash for an empty log. No
 * permission asked (the guarded audit head is an admin operation). */
sl_rc sl_audit_head(sl_store *s, int64_t *seq, uint8_t hash[SL_SHA256_LEN]);

/* The message a transaction's closing signature covers (see above). */
size_t sl_audit_sig_msg(const uint8_t store_id[16], int64_t seq,
                        const uint8_t hash[SL_SHA256_LEN], uint8_t out[128]);

/* Calls cb for entries with seq > since, in order; stops if cb returns
 * non-zero. No permission asked: the guarded listing is an
 * admin operation. */
sl_rc sl_audit_each(sl_store *s, int64_t since,
                    int (*cb)(const sl_audit_entry *e, void *ud), void *ud);

/* The entry of a row whose first columns are seq, ts, actor, action,
 * object, details and hash (NULL if not 32 bytes); valid until the
 * statement steps on. */
sl_audit_entry sl_audit_row_entry(sqlite3_stmt *st);

/* The canonical hash of one entry given its predecessor (exposed for tests,
 * benchmarks and fuzzing). */
void sl_audit_hash(sl_hasher *h, const uint8_t store_id[16],
                   const uint8_t prev[SL_SHA256_LEN], const sl_audit_entry *e,
                   uint8_t out[SL_SHA256_LEN]);

#endif
