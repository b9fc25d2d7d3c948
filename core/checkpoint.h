/*
 * checkpoint.h - the head of the log a user last verified, kept under
 * that user's own key.
 *
 * Every unlock checks the log from here on (verify.h), so that what the
 * log gained since is checked once per user, not the whole log per
 * command. The file STORE.keys/USER.head holds
 *     the entry's seq and hash, and the registry (registry.h) as replaying
 *     the log up to it left it,
 * sealed with AES-256-GCM under a key derived from the user's own signing
 * seed, which only their key slot holds. No other member can forge or
 * edit it; AAD binds it to the store and the user.
 *
 * Another member could put back an older checkpoint of the same user, or
 * delete it: the user's next unlock then checks more of the log, never
 * less of it, and finds the same answer. (What an older checkpoint could
 * hide is a rewrite of the log by its own last writer between the two
 * heads; and the whole store put back, every checkpoint with it, hides
 * every transaction since its copy. Only an anchor noted outside the
 * store catches those: audit verify --anchor; see SECURITY.md.)
 */
#ifndef SHENLI_CHECKPOINT_H
#define SHENLI_CHECKPOINT_H

#include <stdint.h>

#include "crypto.h"
#include "registry.h"

#define SL_CHECKPOINT_MAX (4u << 20)

/* *reg is NULL (and SL_OK) when there is no checkpoint, or one that does
 * not open (*unreadable set: the caller checks from the beginning and
 * may say so). */
sl_rc sl_checkpoint_load(const char *store_path, const char *user,
                         const uint8_t seed[SL_ED25519_SEED_LEN],
                         const uint8_t store_id[16], int64_t *seq,
                         uint8_t hash[SL_SHA256_LEN], sl_registry **reg,
                         int *unreadable);

/* Replace the user's checkpoint (atomically; not fsynced: losing it only
 * costs a longer check at the next unlock). */
sl_rc sl_checkpoint_save(const char *store_path, const char *user,
                         const uint8_t seed[SL_ED25519_SEED_LEN],
                         const uint8_t store_id[16], int64_t seq,
                         const uint8_t hash[SL_SHA256_LEN],
                         const sl_registry *reg);

#endif
