/*
 * keyslot.h - LUKS-style per-user key slots, kept beside the store.
 *
 * The store's 256-bit data key is random. Each user has one slot file that
 * holds, sealed with AES-256-GCM under a key derived from that user's
 * passphrase with scrypt:
 *     data key (32 bytes) || the user's Ed25519 signing seed (32 bytes)
 * The user id is the AAD, so a slot moved to another user's name does not
 * open. The scrypt parameters are stored in the slot, so they can be raised
 * over time without breaking old slots; new slots are calibrated to about
 * 0.25 s and never less than 64 MiB (N=2^16, r=8).
 *
 * The slot file is JSON (small, bounded, fuzzed) and holds no secret in clear.
 */
#ifndef SHENLI_KEYSLOT_H
#define SHENLI_KEYSLOT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

#define SL_SLOT_MAX_BYTES 4096

/* The secrets a slot protects. Always allocate with sl_secrets_new(). */
typedef struct {
	uint8_t data_key[SL_KEY_LEN];
	uint8_t sign_seed[SL_ED25519_SEED_LEN];
} sl_secrets;

sl_secrets *sl_secrets_new(void); /* in the secure heap, zeroed */
void sl_secrets_free(sl_secrets *s);

typedef struct {
	uint64_t N;
	uint32_t r, p;
} sl_kdf_params;

/* Parameters for new slots on this machine (measured once per process). */
void sl_kdf_calibrate(sl_kdf_params *out);

/* Seal sec for user under pass; returns a malloc'ed slot file image. */
sl_rc sl_keyslot_seal(const char *user, const char *pass, size_t plen,
                      const sl_secrets *sec, const sl_kdf_params *params,
                      char **out, size_t *outlen);
/* Open a slot image. SL_EAUTH on a wrong passphrase or a slot that is not
 * this user's; SL_EINPUT if the image is malformed. */
sl_rc sl_keyslot_open(const char *user, const char *pass, size_t plen,
                      const char *img, size_t imglen, sl_secrets *out);

#endif
