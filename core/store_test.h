/*
 * store_test.h - hooks for the tests, benchmarks, fuzzers and the insider
 * suite, which inspect and tamper with a store as an attacker holding the
 * data key would. Not part of the store's interface: nothing in core/ or
 * the CLI includes it, and the shenli binary does not call these.
 */
#ifndef SHENLI_STORE_TEST_H
#define SHENLI_STORE_TEST_H

#include "store.h"
#include "store_priv.h" /* sl_store_open_raw: the file with a raw key */

/* The raw connection of an open store. */
sqlite3 *sl_store_db(sl_store *s);
/* Replace the clock (NULL restores the real one). */
void sl_clock_override(int64_t (*fn)(void));

#endif
