/*
 * store.h - the encrypted store: create, unlock, schema migrations, and the
 * one transaction API through which every write goes.
 *
 * Layout on disk, for a store at PATH:
 *     PATH            SQLCipher database (AES-256, HMAC per 4 KiB page)
 *     PATH.keys/      one key slot per user (see keyslot.h), mode 0700
 *
 * Writes: sl_tx_begin(); change rows; sl_audit(...) one or more times;
 * sl_tx_commit(). Commit signs the audit chain head with the acting user's
 * key and commits change and audit entries in one SQLite transaction, so a
 * crash at any instant leaves both or neither. A transaction with no audit
 * entry refuses to commit.
 *
 * Writers take turns (turnstile.h, PATH.lock): begin waits for the turn
 * (at most 10 s, then SL_ESYS busy), commit and rollback give it back.
 * Readers never wait for a writer (WAL) nor touch the turnstile.
 */
#ifndef SHENLI_STORE_H
#define SHENLI_STORE_H

#include <sqlite3.h>
#include <stdint.h>
#include <sys/types.h>

#include <shenli/base.h>

#include "crypto.h"
#include "err.h"
#include "keyslot.h"

/* What the log has authorised, as verified at unlock (registry.h). */
struct sl_registry;
const struct sl_registry *sl_store_registry(const sl_store *s);
/* Check the registry again against the log's head (after another process
 * may have written, and before trusting it for code: plugins, scripts). */
sl_rc sl_store_reverify(sl_store *s);
const char *sl_store_path(const sl_store *s);
/* PATH.keys/USER.slot */
sl_rc sl_store_slot_path(const char *store_path, const char *user, char *buf,
                         size_t cap);

/* Sign msg with the acting user's own key (an opinion, say): the same key
 * that signs the user's audit entries. */
sl_rc sl_store_sign(sl_store *s, const void *msg, size_t n,
                    uint8_t sig[SL_ED25519_SIG_LEN]);
/* The store's random 16-byte id (binds signatures to this store). */
const uint8_t *sl_store_id(const sl_store *s);

/* The time the next (or the open) transaction carries: its audit entries'
 * and every time it writes into the tables, so that replaying the log
 * gives the same times. A writer that needs the time before it begins
 * (to sign it, say) asks here first. */
int64_t sl_tx_clock(sl_store *s);
/* Begin also checks, inside the transaction, that the acting user is
 * still there and enabled (SL_EAUTH, nothing begun, if not): a disable
 * committed after the unlock stops the user's next write. */
sl_rc sl_tx_begin(sl_store *s);
/* That check alone, for a transaction begun another way (a schema
 * migration at unlock): SL_EAUTH if the acting user is gone or disabled. */
sl_rc sl_tx_actor_active(sl_store *s);
sl_rc sl_tx_commit(sl_store *s);
void sl_tx_rollback(sl_store *s);
int sl_tx_active(const sl_store *s);
/* For a long writer between two of its transactions (an import's
 * batches): if other writers wait for their turn, return once they have
 * had it, so that none waits for more than one batch. */
void sl_tx_yield(sl_store *s);

/*
 * Read-then-write operations (assign, extend, return, resubmit, opinions,
 * review runs) decide on what they read before their write transaction:
 * a refusal must audit itself, which takes a transaction of its own. So
 * another shenli may commit in between, and a decision made on a stale
 * read would be a lost update (two extensions both within the bound, two
 * returns of one case). Every committed change appends an audit entry in
 * its own transaction, so the audit head is the store's version:
 *
 *     int tries = 0;
 *     do rc = op_once(s, ...); while (sl_tx_retry(s, rc, &tries));
 *
 * where op_once calls sl_tx_snapshot() before its first read and begins
 * its write with sl_tx_begin_unchanged(). If another process committed
 * since the snapshot, that writes nothing and fails with SL_ESYS, and
 * sl_tx_retry says to run the whole operation again, reads and checks
 * included; after SL_TX_TRIES attempts the SL_ESYS ("try again") stands.
 * The retry keeps the writer's turn it took at that begin, so no other
 * writer can come between its reads and its write: it does not fail again
 * for the same reason.
 * This process's own commits in between (an audited refusal of a plugin,
 * say) move the snapshot with them.
 */
#define SL_TX_TRIES 8
sl_rc sl_tx_snapshot(sl_store *s);
sl_rc sl_tx_begin_unchanged(sl_store *s);
int sl_tx_retry(sl_store *s, sl_rc rc, int *tries);

/* Map the db's current error to an sl_rc with a message naming what. */
sl_rc sl_db_err(sl_store *s, const char *what);
sl_rc sl_sqlite_err(sqlite3 *db, int rc, const char *what);

/* audit verify: every page of the file, the whole chain, every signature,
 * every entry's authority as it stood, and every table against the log
 * (verify.h); if anchor is not NULL, that the log still extends it.
 * SL_EINTEGRITY names the first bad entry, or table and row. */
struct sl_audit_report;
sl_rc sl_store_verify(sl_store *s, const char *anchor,
                      struct sl_audit_report *r);

/* One case's rows against the log (verify.h, sl_verify_case), inside the
 * caller's transaction: SL_EINTEGRITY if any was written outside shenli. */
sl_rc sl_store_verify_case(sl_store *s, int64_t ref, const char *case_id);

/* Open as user with the secrets a passphrase unwrapped earlier from the
 * slot whose file image hashes to slot_hash (shenlid: one scrypt per
 * session, not per command). Every check sl_store_open makes after its
 * unwrap is made; a slot replaced since (a new passphrase) is SL_EAUTH.
 * peer: the OS account the entries record (osacct.h), the uid the kernel
 * gave for the client's connection (SO_PEERCRED), never one the client
 * said; the other opens record the process's real uid. */
sl_rc sl_store_open_unwrapped(const char *path, const char *user,
                              const sl_secrets *sec,
                              const uint8_t slot_hash[SL_SHA256_LEN],
                              uid_t peer, unsigned flags, sl_store **out);

/* Unix milliseconds now. */
int64_t sl_now_ms(void);
/* Milliseconds on the monotonic clock: for deadlines, waits and batch
 * lengths, which a change of the wall clock must not stretch or cut. */
int64_t sl_mono_ms(void);

#endif
