/* Unit tests: crypto.c wrappers against known answers and misuse. */
#include <string.h>

#include "testutil.h"
/* */
#include "crypto.h"

static void test_sha256_kat(void **st)
{
	(void)st;
	uint8_t out[32];
	char hex[65];
	assert_int_equal(sl_sha256("abc", 3, out), SL_OK);
	sl_hex(out, 32, hex);
	assert_string_equal(
	    hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* streaming gives the same */
	sl_hasher *h = sl_hasher_new();
	sl_hasher_init(h);
	sl_hasher_update(h, "a", 1);
	sl_hasher_update(h, "bc", 2);
	uint8_t out2[32];
	sl_hasher_final(h, out2);
	sl_hasher_free(h);
	assert_memory_equal(out, out2, 32);
}

static void test_scrypt_kat(void **st)
{
	(void)st;
	/* RFC 7914 section 12, second vector. */
	uint8_t out[64];
	char hex[129];
	assert_int_equal(sl_scrypt("password", 8, (const uint8_t *)"NaCl", 4,
	                           1024, 8, 16, out, 64),
	                 SL_OK);
	sl_hex(out, 64, hex);
	assert_string_equal(hex,
	                    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830"
	                    "e77376634b3731622eaf30d92e22a3886ff109279d9830da"
	                    "c727afb94a83ee6d8360cbdfa2cc0640");
}

static void test_aead_roundtrip_and_tamper(void **st)
{
	(void)st;
	uint8_t key[32], nonce[12], ct[32], tag[16], pt[32];
	memset(key, 7, sizeof key);
	memset(nonce, 9, sizeof nonce);
	const char msg[] = "secret 审理 msg";
	_Static_assert(sizeof msg <= 32, "fits");
	assert_int_equal(
	    sl_aead_seal(key, nonce, "aad", 3, msg, sizeof msg, ct, tag),
	    SL_OK);
	assert_memory_not_equal(ct, msg, sizeof msg);
	assert_int_equal(
	    sl_aead_open(key, nonce, "aad", 3, ct, sizeof msg, tag, pt), SL_OK);
	assert_memory_equal(pt, msg, sizeof msg);
	/* wrong AAD, flipped ciphertext, flipped tag, wrong key: all refused */
	assert_int_equal(
	    sl_aead_open(key, nonce, "aae", 3, ct, sizeof msg, tag, pt),
	    SL_EAUTH);
	ct[3] ^= 1;
	assert_int_equal(
	    sl_aead_open(key, nonce, "aad", 3, ct, sizeof msg, tag, pt),
	    SL_EAUTH);
	ct[3] ^= 1;
	tag[0] ^= 1;
	assert_int_equal(
	    sl_aead_open(key, nonce, "aad", 3, ct, sizeof msg, tag, pt),
	    SL_EAUTH);
	tag[0] ^= 1;
	key[0] ^= 1;
	assert_int_equal(
	    sl_aead_open(key, nonce, "aad", 3, ct, sizeof msg, tag, pt),
	    SL_EAUTH);
}

static void test_ed25519_sign_verify(void **st)
{
	(void)st;
	uint8_t seed[32], pub[32], sig[64];
	assert_int_equal(sl_random_key(seed, 32), SL_OK);
	sl_signkey *k = sl_sign_from_seed(seed);
	assert_non_null(k);
	assert_int_equal(sl_sign_pub(k, pub), SL_OK);
	assert_int_equal(sl_sign(k, "msg", 3, sig), SL_OK);
	sl_signkey *v = sl_verifier_new(pub);
	assert_non_null(v);
	assert_int_equal(sl_verify(v, "msg", 3, sig), SL_OK);
	assert_int_equal(sl_verify(v, "msh", 3, sig), SL_EINTEGRITY);
	sig[10] ^= 1;
	assert_int_equal(sl_verify(v, "msg", 3, sig), SL_EINTEGRITY);
	sl_sign_free(k);
	sl_sign_free(v);
}

static void test_ed25519_rfc8032(void **st)
{
	(void)st;
	/* RFC 8032 7.1 TEST 1: empty message. */
	uint8_t seed[32], pub[32], sig[64], want[64];
	assert_int_equal(
	    sl_unhex(
	        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031c"
	        "ae7f60",
	        seed, 32),
	    SL_OK);
	sl_signkey *k = sl_sign_from_seed(seed);
	assert_int_equal(sl_sign_pub(k, pub), SL_OK);
	char hex[129];
	sl_hex(pub, 32, hex);
	assert_string_equal(
	    hex,
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	assert_int_equal(sl_sign(k, "", 0, sig), SL_OK);
	assert_int_equal(
	    sl_unhex(
	        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522"
	        "490155"
	        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e"
	        "7a100b",
	        want, 64),
	    SL_OK);
	assert_memory_equal(sig, want, 64);
	sl_sign_free(k);
}

/* Keys of small order or non-canonical encoding are refused (crypto.h). */
static void test_ed25519_weak_keys(void **st)
{
	(void)st;
	static const char *weak[] = {
	    /* identity, order 2, order 4 (y = 0), the two y of order 8 */
	    "0100000000000000000000000000000000000000000000000000000000000000",
	    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "0000000000000000000000000000000000000000000000000000000000000080",
	    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	    /* y = p and y = p + 1: non-canonical 0 and 1; y = 2^255 - 1 */
	    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	uint8_t pub[32];
	for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
		assert_int_equal(sl_unhex(weak[i], pub, 32), SL_OK);
		assert_true(sl_pub_is_weak(pub));
		assert_null(sl_verifier_new(pub));
	}
	/* RFC 8032's key, and y = p - 2 (canonical, not small) */
	assert_int_equal(
	    sl_unhex(
	        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f7"
	        "07511a",
	        pub, 32),
	    SL_OK);
	assert_false(sl_pub_is_weak(pub));
	sl_signkey *v = sl_verifier_new(pub);
	assert_non_null(v);
	sl_sign_free(v);
	assert_int_equal(
	    sl_unhex(
	        "ebffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	        "ffff7f",
	        pub, 32),
	    SL_OK);
	assert_false(sl_pub_is_weak(pub));
}

static void test_hex(void **st)
{
	(void)st;
	uint8_t b[2];
	assert_int_equal(sl_unhex("0aFf", b, 2), SL_OK);
	assert_int_equal(b[0], 0x0a);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(sl_unhex("0aF", b, 2), SL_EINPUT);
	assert_int_equal(sl_unhex("0aFg", b, 2), SL_EINPUT);
	assert_int_equal(sl_unhex("0aFf00", b, 2), SL_EINPUT);
}

static void test_secure_heap(void **st)
{
	(void)st;
	sl_crypto_init();
	uint8_t *p = sl_secure_alloc(64);
	assert_non_null(p);
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], 0); /* zeroed */
	sl_secure_free(p, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha256_kat),
	    cmocka_unit_test(test_scrypt_kat),
	    cmocka_unit_test(test_aead_roundtrip_and_tamper),
	    cmocka_unit_test(test_ed25519_sign_verify),
	    cmocka_unit_test(test_ed25519_rfc8032),
	    cmocka_unit_test(test_ed25519_weak_keys),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_secure_heap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
