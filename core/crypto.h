/*
 * crypto.h - every cryptographic primitive shenli uses, all from OpenSSL 3.
 *
 * Nothing here is hand-rolled; this file only narrows OpenSSL's API to the
 * handful of operations the workstation needs, with fixed algorithms:
 *   - RNG:     RAND_priv_bytes (keys) / RAND_bytes (salts, nonces)
 *   - hash:    SHA-256
 *   - KDF:     scrypt (EVP_KDF "SCRYPT")
 *   - AEAD:    AES-256-GCM, 96-bit nonce, 128-bit tag
 *   - signing: Ed25519 (pure, no pre-hash)
 *   - wiping:  OPENSSL_cleanse; key material lives in OpenSSL's secure heap
 *              (mlock'ed, guard pages) when it could be set up.
 */
#ifndef SHENLI_CRYPTO_H
#define SHENLI_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <shenli/base.h>

#include "err.h"

#define SL_SHA256_LEN 32
#define SL_KEY_LEN 32
#define SL_GCM_NONCE_LEN 12
#define SL_GCM_TAG_LEN 16
#define SL_ED25519_PUB_LEN 32
#define SL_ED25519_SEED_LEN 32
#define SL_ED25519_SIG_LEN 64

typedef struct evp_pkey_st sl_signkey; /* an OpenSSL EVP_PKEY */

sl_rc sl_random_key(void *buf, size_t n);

/* SHA-256. The streaming form avoids a heap allocation per hash on hot paths.
 */
typedef struct sl_hasher sl_hasher;
sl_hasher *sl_hasher_new(void);
void sl_hasher_free(sl_hasher *h);
void sl_hasher_init(sl_hasher *h);
void sl_hasher_update(sl_hasher *h, const void *d, size_t n);
void sl_hasher_final(sl_hasher *h, uint8_t out[SL_SHA256_LEN]);
sl_rc sl_sha256(const void *d, size_t n, uint8_t out[SL_SHA256_LEN]);

/* scrypt(pass, salt; N, r, p) -> out. */
sl_rc sl_scrypt(const char *pass, size_t plen, const uint8_t *salt, size_t slen,
                uint64_t N, uint32_t r, uint32_t p, uint8_t *out,
                size_t outlen);

/* AES-256-GCM. ct has ptlen bytes. open returns SL_EAUTH on a bad tag. */
sl_rc sl_aead_seal(const uint8_t key[SL_KEY_LEN],
                   const uint8_t nonce[SL_GCM_NONCE_LEN], const void *aad,
                   size_t aadlen, const void *pt, size_t ptlen, uint8_t *ct,
                   uint8_t tag[SL_GCM_TAG_LEN]);
sl_rc sl_aead_open(const uint8_t key[SL_KEY_LEN],
                   const uint8_t nonce[SL_GCM_NONCE_LEN], const void *aad,
                   size_t aadlen, const uint8_t *ct, size_t ctlen,
                   const uint8_t tag[SL_GCM_TAG_LEN], void *pt);

/* Ed25519. */
sl_signkey *sl_sign_from_seed(const uint8_t seed[SL_ED25519_SEED_LEN]);
void sl_sign_free(sl_signkey *k);
sl_rc sl_sign_pub(sl_signkey *k, uint8_t pub[SL_ED25519_PUB_LEN]);
sl_rc sl_sign(sl_signkey *k, const void *msg, size_t n,
              uint8_t sig[SL_ED25519_SIG_LEN]);
/* 1 if pub is not a canonical encoding or is a point of small order: a
 * key under which forged signatures verify. Such keys are never trusted. */
int sl_pub_is_weak(const uint8_t pub[SL_ED25519_PUB_LEN]);
/* A verifier bound to one public key; reuse it for many signatures. NULL
 * for a weak key (sl_pub_is_weak) or when out of memory. */
sl_signkey *sl_verifier_new(const uint8_t pub[SL_ED25519_PUB_LEN]);
/* SL_OK if valid, SL_EINTEGRITY if not. Safe to call from several
 * threads with the same key. */
sl_rc sl_verify(sl_signkey *pub, const void *msg, size_t n,
                const uint8_t sig[SL_ED25519_SIG_LEN]);
/* One more reference to a key (free each with sl_sign_free). */
sl_signkey *sl_key_ref(sl_signkey *k);

/* Parses exactly 2n hex digits; SL_EINPUT otherwise. */
sl_rc sl_unhex(const char *in, uint8_t *out, size_t n);

#endif
