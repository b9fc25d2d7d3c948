/* crypto.c - thin wrappers over OpenSSL 3. See crypto.h for the why. */
#define _GNU_SOURCE
#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

static EVP_MD *md_sha256; /* fetched once: implicit fetches are slow in 3.x */
static EVP_CIPHER *cipher_gcm;

void sl_crypto_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	/*
	 * 64 KiB of mlock'ed, guard-paged memory for key material. It can fail
	 * (RLIMIT_MEMLOCK); OPENSSL_secure_* then fall back to the normal heap
	 * and we still wipe on free.
	 */
	(void)CRYPTO_secure_malloc_init(64 * 1024, 32);
	/* Keys must not end up in a core file or be readable with ptrace. */
	struct rlimit rl = {0, 0};
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	cipher_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
}

void *sl_secure_alloc(size_t n)
{
	return OPENSSL_secure_zalloc(n);
}

void sl_secure_free(void *p, size_t n)
{
	if (p)
		OPENSSL_secure_clear_free(p, n);
}

void sl_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

int sl_memeq_ct(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n);
}

sl_rc sl_random(void *buf, size_t n)
{
	if (RAND_bytes(buf, (int)n) != 1)
		return sl_error(SL_ESYS, _("random number generator failed"));
	return SL_OK;
}

sl_rc sl_random_key(void *buf, size_t n)
{
	if (RAND_priv_bytes(buf, (int)n) != 1)
		return sl_error(SL_ESYS, _("random number generator failed"));
	return SL_OK;
}

struct sl_hasher {
	EVP_MD_CTX *ctx;
};

sl_hasher *sl_hasher_new(void)
{
	sl_crypto_init();
	sl_hasher *h = OPENSSL_zalloc(sizeof *h);
	if (!h)
		return NULL;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx) {
		OPENSSL_free(h);
		return NULL;
	}
	return h;
}

void sl_hasher_free(sl_hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	OPENSSL_free(h);
}

void sl_hasher_init(sl_hasher *h)
{
	EVP_DigestInit_ex(h->ctx, md_sha256, NULL);
}

void sl_hasher_update(sl_hasher *h, const void *d, size_t n)
{
	EVP_DigestUpdate(h->ctx, d, n);
}

void sl_hasher_final(sl_hasher *h, uint8_t out[SL_SHA256_LEN])
{
	unsigned int len = SL_SHA256_LEN;
	EVP_DigestFinal_ex(h->ctx, out, &len);
}

sl_rc sl_sha256(const void *d, size_t n, uint8_t out[SL_SHA256_LEN])
{
	sl_crypto_init();
	unsigned int len = SL_SHA256_LEN;
	if (EVP_Digest(d, n, out, &len, md_sha256, NULL) != 1)
		return sl_error(SL_ESYS, _("SHA-256 failed"));
	return SL_OK;
}

sl_rc sl_scrypt(const char *pass, size_t plen, const uint8_t *salt, size_t slen,
                uint64_t N, uint32_t r, uint32_t p, uint8_t *out, size_t outlen)
{
	sl_crypto_init();
	sl_rc rc = SL_OK;
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	/* OpenSSL refuses more than 32 MiB unless told; allow what N, r need.
	 */
	uint64_t maxmem = 128 * N * r * (uint64_t)p + 128 * r * 256 + (1 << 20);
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	                                      (void *)pass, plen),
	    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
	                                      slen),
	    OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &N),
	    OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
	    OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
	    OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
	    OSSL_PARAM_construct_end(),
	};
	if (!kctx || EVP_KDF_derive(kctx, out, outlen, params) != 1)
		rc = sl_error(SL_ESYS, _("scrypt key derivation failed "
		                         "(out of memory?)"));
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return rc;
}

static sl_rc aead(int enc, const uint8_t *key, const uint8_t *nonce,
                  const void *aad, size_t aadlen, const uint8_t *in, size_t len,
                  uint8_t *out, uint8_t *tag)
{
	sl_crypto_init();
	sl_rc rc = SL_ESYS;
	int n = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (!c)
		return sl_error(SL_ESYS, _("out of memory"));
	if (EVP_CipherInit_ex2(c, cipher_gcm, key, nonce, enc, NULL) != 1)
		goto out;
	if (aadlen && EVP_CipherUpdate(c, NULL, &n, aad, (int)aadlen) != 1)
		goto out;
	if (len && EVP_CipherUpdate(c, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SL_GCM_TAG_LEN,
	                                tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(c, out + n, &n) != 1) {
		rc = enc ? SL_ESYS : SL_EAUTH;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SL_GCM_TAG_LEN,
	                               tag) != 1)
		goto out;
	rc = SL_OK;
out:
	EVP_CIPHER_CTX_free(c); /* clears the key schedule */
	if (rc == SL_EAUTH)
		sl_wipe(out, len);
	if (rc != SL_OK)
		sl_error(rc, rc == SL_EAUTH ? _("authentication tag mismatch")
		                            : _("AES-256-GCM failed"));
	return rc;
}

sl_rc sl_aead_seal(const uint8_t key[SL_KEY_LEN],
                   const uint8_t nonce[SL_GCM_NONCE_LEN], const void *aad,
                   size_t aadlen, const void *pt, size_t ptlen, uint8_t *ct,
                   uint8_t tag[SL_GCM_TAG_LEN])
{
	return aead(1, key, nonce, aad, aadlen, pt, ptlen, ct, tag);
}

sl_rc sl_aead_open(const uint8_t key[SL_KEY_LEN],
                   const uint8_t nonce[SL_GCM_NONCE_LEN], const void *aad,
                   size_t aadlen, const uint8_t *ct, size_t ctlen,
                   const uint8_t tag[SL_GCM_TAG_LEN], void *pt)
{
	return aead(0, key, nonce, aad, aadlen, ct, ctlen, pt, (uint8_t *)tag);
}

sl_signkey *sl_sign_from_seed(const uint8_t seed[SL_ED25519_SEED_LEN])
{
	sl_crypto_init();
	return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	                                    SL_ED25519_SEED_LEN);
}

void sl_sign_free(sl_signkey *k)
{
	EVP_PKEY_free(k);
}

sl_signkey *sl_key_ref(sl_signkey *k)
{
	return k && EVP_PKEY_up_ref(k) == 1 ? k : NULL;
}

sl_rc sl_sign_pub(sl_signkey *k, uint8_t pub[SL_ED25519_PUB_LEN])
{
	size_t len = SL_ED25519_PUB_LEN;
	if (EVP_PKEY_get_raw_public_key(k, pub, &len) != 1 ||
	    len != SL_ED25519_PUB_LEN)
		return sl_error(SL_ESYS, _("cannot read Ed25519 public key"));
	return SL_OK;
}

sl_rc sl_sign(sl_signkey *k, const void *msg, size_t n,
              uint8_t sig[SL_ED25519_SIG_LEN])
{
	sl_rc rc = SL_ESYS;
	size_t siglen = SL_ED25519_SIG_LEN;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (c &&
	    EVP_DigestSignInit_ex(c, NULL, NULL, NULL, NULL, k, NULL) == 1 &&
	    EVP_DigestSign(c, sig, &siglen, msg, n) == 1 &&
	    siglen == SL_ED25519_SIG_LEN)
		rc = SL_OK;
	EVP_MD_CTX_free(c);
	if (rc)
		sl_error(rc, _("Ed25519 signing failed"));
	return rc;
}

/*
 * The y coordinates (little-endian, sign bit of x cleared) of the eight
 * points of small order: the identity, the point of order 2, the two of
 * order 4 (y = 0) and the four of order 8. Under such a key a constant
 * signature (R of small order, S = 0) verifies for many messages, so one
 * forged signature would install any package; RFC 8032 verifiers do not
 * refuse them, so the key is refused before it is used (as libsodium does).
 */
static const uint8_t small_order_y[5][32] = {
    {0},
    {1},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
     0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
     0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
     0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
     0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

int sl_pub_is_weak(const uint8_t pub[SL_ED25519_PUB_LEN])
{
	uint8_t y[SL_ED25519_PUB_LEN];
	memcpy(y, pub, sizeof y);
	y[31] &= 0x7f;
	/* y >= p = 2^255 - 19 is not a canonical encoding (it names the
	 * same point as y - p: 0 or 1, both small, or no point at all) */
	int over = y[31] == 0x7f && y[0] >= 0xed;
	for (int i = 1; i < 31 && over; i++)
		over = y[i] == 0xff;
	for (size_t i = 0; i < 5 && !over; i++)
		over = memcmp(y, small_order_y[i], sizeof y) == 0;
	return over;
}

sl_signkey *sl_verifier_new(const uint8_t pub[SL_ED25519_PUB_LEN])
{
	if (sl_pub_is_weak(pub))
		return NULL; /* no signature verifies under it */
	sl_crypto_init();
	return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	                                   SL_ED25519_PUB_LEN);
}

sl_rc sl_verify(sl_signkey *pub, const void *msg, size_t n,
                const uint8_t sig[SL_ED25519_SIG_LEN])
{
	int ok = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (c &&
	    EVP_DigestVerifyInit_ex(c, NULL, NULL, NULL, NULL, pub, NULL) == 1)
		ok = EVP_DigestVerify(c, sig, SL_ED25519_SIG_LEN, msg, n) == 1;
	EVP_MD_CTX_free(c);
	ERR_clear_error();
	return ok ? SL_OK : SL_EINTEGRITY;
}

void sl_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

sl_rc sl_unhex(const char *in, uint8_t *out, size_t n)
{
	if (strlen(in) != 2 * n)
		return SL_EINPUT;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return SL_EINPUT;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return SL_OK;
}
