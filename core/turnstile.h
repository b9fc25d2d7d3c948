/*
 * turnstile.h - the store's writers take turns, fairly, across processes.
 *
 * SQLite lets one writer in at a time, and a writer that waits polls (its
 * busy handler): a long import that commits a batch and begins the next
 * at once wins every race, so cutting it into batches alone would still
 * shut everyone else out. The turnstile makes the hand-off fair. It is two
 * byte-range locks (open file description locks: each open of the store
 * holds its own, whatever process or thread) on the file PATH.lock beside
 * the store at PATH:
 *
 *     want (byte 0)  held shared by each writer waiting for its turn
 *     turn (byte 1)  held exclusive by the writer whose transaction is open
 *     service (byte 2)  held shared by each shenlid serving the store,
 *                    for as long as it runs
 *
 * A writer announces itself on want, waits for turn, then lets want go. A
 * long writer, between two of its transactions, gives the turn back and,
 * if anyone is waiting (want held), waits until each of them has had it
 * (want free) before it asks again. Read-only commands never touch it.
 *
 * A wait ends after SL_TURN_WAIT_MS with SL_ESYS saying the store is busy,
 * as SQLite's own busy timeout (store.c) does.
 */
#ifndef SHENLI_TURNSTILE_H
#define SHENLI_TURNSTILE_H

#include <shenli/base.h>

#include "err.h"

#define SL_TURN_WAIT_MS 10000

typedef struct sl_turnstile sl_turnstile;

/* Open (create: 0600, not through a symbolic link) PATH.lock for the store
 * at store_path. Refused (SL_EINTEGRITY) if it is not a regular file of
 * ours writable only by us: anyone else who could lock it could hold every
 * writer off. */
sl_rc sl_turnstile_open(const char *store_path, sl_turnstile **out);
void sl_turnstile_close(sl_turnstile *t);

/* Wait for the turn; SL_ESYS (busy) after SL_TURN_WAIT_MS. */
sl_rc sl_turn_take(sl_turnstile *t);
/* The turn is given back (nothing if not held). */
void sl_turn_give(sl_turnstile *t);
int sl_turn_held(const sl_turnstile *t);
/* For a long writer between its transactions, not holding the turn: if
 * others wait for it, return when they have all had it (or after
 * SL_TURN_WAIT_MS, if one of them is stuck); at once otherwise. */
void sl_turn_yield(sl_turnstile *t);
/* The service's hold on the store, until t is closed: 1 if no other
 * service held it at that moment (what one left behind is then its to
 * clear), 0 if another serves the store too. */
int sl_turn_service_alone(sl_turnstile *t);

#endif
