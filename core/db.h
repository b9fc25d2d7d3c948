/*
 * db.h - the services' narrow way to the store's tables.
 *
 * A service (cases, returns, opinions, the listing ...) reads and writes
 * its rows with prepared statements through these calls, on the store
 * handle it was given, inside the snapshot or transaction of store.h. It
 * never holds the raw connection: keying, pragmas, the log and the
 * transaction are store.c's, tx.c's and audit.c's, and a service cannot
 * open a second connection, attach a file, or begin, commit or roll back
 * behind the log's back.
 */
#ifndef SHENLI_DB_H
#define SHENLI_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "store.h"

/* Prepare one statement of sql on the store's connection: SQLITE_OK (0)
 * or SQLite's error code, as sqlite3_prepare_v2 gives it; *st is NULL on
 * failure. Report a failure with sl_db_err(). */
int sl_db_prepare(sl_store *s, const char *sql, sqlite3_stmt **st);
/* Rows changed by the last INSERT, UPDATE or DELETE; the row id of the
 * last INSERT. */
int sl_db_changes(sl_store *s);
int64_t sl_db_last_rowid(sl_store *s);
/* A read that must see one state of the store (a listing, a document)
 * runs in a read transaction: sl_db_read_begin opens one unless a
 * transaction is already open (*own says which), sl_db_read_end ends
 * what it opened. Readers never block a writer in WAL mode. */
sl_rc sl_db_read_begin(sl_store *s, int *own);
void sl_db_read_end(sl_store *s, int own);
/* The page cache for a long run (review run --all, an import): kib of
 * memory, or 0 for the default. A run that writes many pages in one
 * transaction keeps them from being spilled and written twice. */
void sl_db_cache(sl_store *s, int kib);
/* How many pages the write-ahead log may hold before a commit copies them
 * into the store (a checkpoint), or 0 for the default (1000). A long run
 * of batches that each write thousands of pages otherwise checkpoints at
 * every commit, and the pages it rewrites batch after batch (the indexes,
 * the tables' last pages) are copied and synced each time. */
void sl_db_checkpoint_every(sl_store *s, int pages);

#endif
