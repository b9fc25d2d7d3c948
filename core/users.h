/*
 * users.h - users, roles and their key slots.
 *
 * Adding a user (admin) writes a first key slot sealed under a passphrase
 * the admin chose: it holds the data key and a one-time enrolment key,
 * whose public half user.add records. That passphrase opens nothing but
 * the user's first passphrase change, which enrols them: a fresh Ed25519
 * signing key of their own is made then, vouched for by the one-time key,
 * and recorded in the log (user.enrol), so that no admin ever holds a key
 * that signs as the user. Keys are trusted from the log, never from the
 * users table (audit.h, replay.h).
 */
#ifndef SHENLI_USERS_H
#define SHENLI_USERS_H

#include <jansson.h>

#include <shenli/ops_admin.h> /* the users operations */

#include "names.h"
#include "store.h"

/* sl_user_create with plain arguments, for the core's embedded callers
 * (the tests, benchmarks and fuzzers build stores with it). name: the
 * person's name as documents print it (NULL: none). */
sl_rc sl_user_add(sl_store *s, const char *id, sl_role role, const char *agency,
                  const char *zone, const char *name, const char *pass,
                  size_t plen);
/* sl_user_set_passphrase without its result: the acting user's own
 * passphrase; for a pending user (opened with SL_OPEN_ENROL), the
 * enrolment described above. */
sl_rc sl_user_passwd(sl_store *s, const char *newpass, size_t plen);
/* Open the store as a pending user with their first passphrase and enrol
 * them with pass (what 'user passwd' does, for embedded callers: the demo
 * and the tests). SL_EINPUT if they had enrolled already. */
sl_rc sl_user_enrol(const char *path, const char *user, const char *first,
                    size_t flen, const char *pass, size_t plen);
#endif
