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
 */
#ifndef SHENLI_STORE_H
#define SHENLI_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "crypto.h"
#include "err.h"

#define SL_ID_MAX 32

typedef struct sl_store sl_store;

typedef enum {
	SL_ROLE_ADMIN = 1 << 0,
	SL_ROLE_LEADER = 1 << 1,
	SL_ROLE_MEMBER = 1 << 2,
	SL_ROLE_SPECIALIST = 1 << 3,
	SL_ROLE_AUDITOR = 1 << 4,
} sl_role;

/* The authenticated user of an unlocked store. */
typedef struct {
	char id[SL_ID_MAX + 1];
	sl_role role;
	char agency[SL_ID_MAX + 1]; /* home agency, "" if none */
	char zone[SL_ID_MAX + 1];   /* "" if none */
} sl_actor;

/* "admin" -> SL_ROLE_ADMIN; 0 if unknown. And back. */
sl_role sl_role_parse(const char *name);
const char *sl_role_name(sl_role r);
/* User ids: [a-z0-9][a-z0-9._-]{0,31}. They name key slot files. */
int sl_user_id_valid(const char *id);

/* Default store path: $XDG_DATA_HOME/shenli/store.db. Caller frees. */
char *sl_store_default_path(void);

/* Create a new store with its first admin. Fails if PATH exists. */
sl_rc sl_store_create(const char *path, const char *admin, const char *pass,
                      size_t plen, sl_store **out);
/* Unlock as user. SL_EAUTH (one message for every cause) when the user is
 * unknown or disabled or the passphrase is wrong; SL_EINTEGRITY when the
 * store cannot be decrypted or its key slot is not the one it recorded. */
sl_rc sl_store_unlock(const char *path, const char *user, const char *pass,
                      size_t plen, sl_store **out);
void sl_store_close(sl_store *s);

sqlite3 *sl_store_db(sl_store *s);
const sl_actor *sl_store_actor(const sl_store *s);
const char *sl_store_path(const sl_store *s);
/* PATH.keys/USER.slot */
sl_rc sl_store_slot_path(const char *store_path, const char *user, char *buf,
                         size_t cap);

/* Sign msg with the acting user's own key (an opinion, say): the same key
 * that signs the user's audit entries. */
sl_rc sl_store_sign(sl_store *s, const void *msg, size_t n,
                    uint8_t sig[SL_ED25519_SIG_LEN]);
/* A user's public key as the users table holds it. audit verify checks
 * the table against the keys the log itself introduced. */
sl_rc sl_store_user_pubkey(sl_store *s, const char *user,
                           uint8_t pub[SL_ED25519_PUB_LEN]);
/* The store's random 16-byte id (binds signatures to this store). */
const uint8_t *sl_store_id(const sl_store *s);

sl_rc sl_tx_begin(sl_store *s);
sl_rc sl_tx_commit(sl_store *s);
void sl_tx_rollback(sl_store *s);
int sl_tx_active(const sl_store *s);

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

/* Open the database file with a raw data key and nothing else: no user, no
 * audit. For tests and tools that inspect or tamper with a store. */
sl_rc sl_store_open_raw(const char *path, const uint8_t key[SL_KEY_LEN],
                        sqlite3 **out);

/* Unix milliseconds now. */
int64_t sl_now_ms(void);
/* Tests only (not reachable from the CLI): replace the clock. NULL
 * restores the real one. */
void sl_clock_override(int64_t (*fn)(void));

#endif
