/* testutil.h - shared helpers for the cmocka unit tests. */
#ifndef SHENLI_TESTUTIL_H
#define SHENLI_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the above first */
#include <cmocka.h>

#include "store.h"

#define ADMIN_PASS "admin passphrase 1"

typedef struct {
	char dir[256];
	char path[300]; /* dir/store.db */
} tstore;

/* A fresh temp dir with a store whose admin is "root". */
sl_store *tstore_new(tstore *t);
void tstore_cleanup(tstore *t);
/* The store's data key, read out of root's slot (tests only). */
void tstore_data_key(const tstore *t, uint8_t key[32]);
/* Open the database file raw with its data key (to tamper with it). */
sqlite3 *tstore_raw(const tstore *t);
/* Run SQL on the raw database and close it. */
void tstore_raw_exec(const tstore *t, const char *sql);
/* Does the file at path contain needle? */
int file_contains(const char *path, const void *needle, size_t n);

#endif
