/*
 * store_priv.h - the store's insides, shared only by store.c, tx.c,
 * storeopen.c, audit.c and users.c. Commands and other subsystems use store.h.
 */
#ifndef SHENLI_STORE_PRIV_H
#define SHENLI_STORE_PRIV_H

#include <jansson.h>
#include <sys/types.h>

#include "keyslot.h"
#include "registry.h"
#include "store.h"

#define SL_STORE_ID_LEN 16

/* The audit entry of the open transaction that is not yet inserted: the
 * last one is inserted at commit together with the signature. */
typedef struct {
	int has;
	int64_t seq, ts;
	char *action, *object, *details;
	uint8_t hash[SL_SHA256_LEN];
} sl_pending;

struct sl_store {
	sqlite3 *db;
	char *path;
	sl_actor actor;
	sl_secrets *sec;     /* data key + this user's signing seed */
	sl_signkey *signkey; /* this user's Ed25519 key */
	uint8_t store_id[SL_STORE_ID_LEN];
	sl_hasher *sha;          /* reused hasher for the chain */
	sqlite3_stmt *audit_ins; /* cached: appends are the hot path */
	/* transaction state */
	int in_tx;
	int n_entries; /* audit entries appended in this tx */
	/* every entry of this tx is a case's (case.*, review.*): replaying
	 * them cannot change the registry (tx.c, after the commit) */
	int tx_cases_only;
	int64_t head_seq;
	uint8_t head_hash[SL_SHA256_LEN];
	sl_pending pending;
	/* sl_tx_snapshot (store.h): the audit head it saw, moved on by this
	 * process's own commits; changed: sl_tx_begin_unchanged found another
	 * process's commit after it */
	int snap_set, changed;
	int64_t snap_seq, tx_base;
	/* the writers' turnstile (turnstile.h), opened at the first write;
	 * pinned: the turn kept from a write that found the store changed
	 * until sl_tx_retry says the operation is done */
	struct sl_turnstile *turn;
	int turn_pinned;
	/* the time every entry and row of the open transaction carries */
	int64_t tx_ms, next_tx_ms;
	/* what the log verified at unlock (verify.h): the registry policy and
	 * the loader trust, and the head it is good to */
	sl_registry *reg;
	int64_t ck_seq, ck_saved; /* verified; and on disk */
	uint8_t ck_hash[SL_SHA256_LEN];
	/* the OS account every entry records beside actor (osacct.h): the
	 * process's real uid, or the shenlid client's from SO_PEERCRED
	 * (sl_store_open_unwrapped). Its name is asked of NSS at the first
	 * entry and kept: once per open, not per entry (an import writes
	 * 100k), and never for a store that only reads. */
	uid_t os_uid;
	json_t *os_json; /* {"uid", "user"}, NULL until the first entry */
	char *os_only;   /* {"os":{...}}: the details of an entry with none */

	int unenrolled; /* the user has not chosen their own passphrase */
	/* the hash of the key slot this process unwrapped: a passphrase
	 * change commits only while it is still the user's (users.c) */
	uint8_t slot_hash[SL_SHA256_LEN];
	int unverified; /* opened for audit verify only: the log failed */
	char open_failure[512]; /* why */
};

/* Open the database file with a raw data key and nothing else: no user, no
 * audit (verify.c reads the log this way before anyone is trusted). */
sl_rc sl_store_open_raw(const char *path, const uint8_t key[SL_KEY_LEN],
                        sqlite3 **out);

/* store.c, for storeopen.c: a handle with nothing open yet; the
 * connection keyed and set up (create: a new file). */
sl_store *sl_store_alloc(const char *path);
sl_rc sl_store_open_db(const char *path, const uint8_t key[SL_KEY_LEN],
                       int create, sqlite3 **out);
/* SL_EINPUT if SQLite could not open a store at path: its full name, with
 * the "-journal" it adds, longer than the file layer takes (mxPathname).
 * Said before anything is made, as no later error would say why. */
sl_rc sl_store_path_fits(const char *path);

/* tx.c, for storeopen.c: BEGIN IMMEDIATE without the log's side, for
 * the migration that makes the log's tables. */
sl_rc sl_tx_begin_raw(sl_store *s);

/* audit.c: called by tx.c around a transaction. */
sl_rc sl_audit_tx_begin(sl_store *s);
sl_rc sl_audit_tx_finish(sl_store *s); /* inserts the last entry, signed */
void sl_audit_tx_reset(sl_store *s);

#endif
