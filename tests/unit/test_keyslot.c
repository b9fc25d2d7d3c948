/* Unit tests: key slots seal, open, bind the user, refuse bad input. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
/* */
#include "keyslot.h"

static const sl_kdf_params FAST = {1024, 8, 1}; /* tests only */

static sl_secrets *some_secrets(void)
{
	sl_secrets *s = sl_secrets_new();
	assert_non_null(s);
	memset(s->data_key, 0xA5, sizeof s->data_key);
	memset(s->sign_seed, 0x5A, sizeof s->sign_seed);
	return s;
}

static void test_roundtrip(void **st)
{
	(void)st;
	sl_secrets *in = some_secrets(), *out = sl_secrets_new();
	char *img;
	size_t len;
	assert_int_equal(
	    sl_keyslot_seal("alice", "pass word", 9, in, &FAST, &img, &len),
	    SL_OK);
	/* neither secret appears in the image, in binary or hex */
	assert_null(memmem(img, len, in->data_key, 32));
	assert_null(strstr(img, "a5a5a5a5"));
	assert_null(strstr(img, "5a5a5a5a"));
	assert_int_equal(
	    sl_keyslot_open("alice", "pass word", 9, img, len, out), SL_OK);
	assert_memory_equal(in, out, sizeof *in);
	free(img);
	sl_secrets_free(in);
	sl_secrets_free(out);
}

static void test_wrong_pass_and_user(void **st)
{
	(void)st;
	sl_secrets *in = some_secrets(), *out = sl_secrets_new();
	char *img;
	size_t len;
	assert_int_equal(
	    sl_keyslot_seal("alice", "pass word", 9, in, &FAST, &img, &len),
	    SL_OK);
	assert_int_equal(
	    sl_keyslot_open("alice", "pass wore", 9, img, len, out), SL_EAUTH);
	/* the user id is the AAD: the same slot under bob's name fails even
	 * with the right passphrase */
	assert_int_equal(sl_keyslot_open("bob", "pass word", 9, img, len, out),
	                 SL_EAUTH);
	free(img);
	sl_secrets_free(in);
	sl_secrets_free(out);
}

static void test_calibrated_floor(void **st)
{
	(void)st;
	sl_kdf_params p;
	sl_kdf_calibrate(&p);
	/* at least 64 MiB: 128 * N * r */
	assert_true(128ull * p.N * p.r >= 64ull << 20);
	assert_true(p.N >= 65536);
}

static void test_tampered_fields(void **st)
{
	(void)st;
	sl_secrets *in = some_secrets(), *out = sl_secrets_new();
	char *img;
	size_t len;
	assert_int_equal(
	    sl_keyslot_seal("alice", "pass word", 9, in, &FAST, &img, &len),
	    SL_OK);
	/* change the KDF cost: a different key, so the tag fails */
	char *copy = strdup(img);
	char *n = strstr(copy, "\"N\": 1024");
	assert_non_null(n);
	memcpy(n, "\"N\": 2048", 9);
	assert_int_equal(
	    sl_keyslot_open("alice", "pass word", 9, copy, len, out), SL_EAUTH);
	/* N out of range or not a power of two: refused before any work */
	strcpy(copy, img);
	n = strstr(copy, "\"N\": 1024");
	memcpy(n, "\"N\": 1000", 9);
	assert_int_equal(
	    sl_keyslot_open("alice", "pass word", 9, copy, len, out),
	    SL_EINPUT);
	/* flip a hex digit of the ciphertext */
	strcpy(copy, img);
	char *ct = strstr(copy, "\"ct\": \"");
	assert_non_null(ct);
	ct[7] = ct[7] == '0' ? '1' : '0';
	assert_int_equal(
	    sl_keyslot_open("alice", "pass word", 9, copy, len, out), SL_EAUTH);
	free(copy);
	free(img);
	sl_secrets_free(in);
	sl_secrets_free(out);
}

static void test_malformed(void **st)
{
	(void)st;
	sl_secrets *out = sl_secrets_new();
	const char *bad[] = {
	    "",
	    "not json",
	    "[]",
	    "{}",
	    "{\"format\":\"shenli.keyslot/1\"}",
	    "{\"format\":\"shenli.keyslot/2\",\"kdf\":{}}",
	    "{\"format\":\"shenli.keyslot/1\",\"aead\":\"aes-256-gcm\",\"kdf\":"
	    "{\"alg\":\"scrypt\",\"N\":4194304,\"r\":32,\"p\":16,\"salt\":"
	    "\"00\"}}",
	    "{\"format\":\"shenli.keyslot/1\",\"aead\":\"aes-256-gcm\",\"kdf\":"
	    "{\"alg\":\"scrypt\",\"N\":-1,\"r\":8,\"p\":1,\"salt\":\"00\"}}",
	    "{\"format\":\"shenli.keyslot/1\",\"aead\":\"aes-256-gcm\",\"kdf\":"
	    "{\"alg\":\"scrypt\",\"N\":1024,\"r\":8,\"p\":1,\"salt\":\"zz\"}}",
	    "{\"format\":\"shenli.keyslot/1\",\"format\":\"x\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sl_keyslot_open("alice", "p", 1, bad[i],
		                                 strlen(bad[i]), out),
		                 SL_EINPUT);
	char *big = malloc(SL_SLOT_MAX_BYTES + 2);
	memset(big, ' ', SL_SLOT_MAX_BYTES + 1);
	big[SL_SLOT_MAX_BYTES + 1] = 0;
	assert_int_equal(
	    sl_keyslot_open("alice", "p", 1, big, SL_SLOT_MAX_BYTES + 1, out),
	    SL_EINPUT);
	free(big);
	sl_secrets_free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_wrong_pass_and_user),
	    cmocka_unit_test(test_calibrated_floor),
	    cmocka_unit_test(test_tampered_fields),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
