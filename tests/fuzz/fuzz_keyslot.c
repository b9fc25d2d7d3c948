/*
 * fuzz_keyslot.c - key slots (core/keyslot.c): the slot JSON parser and
 * the whole open path (KDF, AES-256-GCM open, AAD binding to the user).
 *
 * A slot names its own scrypt cost, and the parser accepts up to 1 GiB
 * (N up to 2^22) because a real slot may legitimately be calibrated that
 * high. That is fine for a user's own slot and useless for fuzzing, so
 * this target is linked with -Wl,--wrap=sl_scrypt: every scrypt call that
 * keyslot.c makes comes here, where the parameters the parser let through
 * are checked against its documented bounds (that check is the point of
 * the bounds: an attacker's slot must not buy unbounded work), then mixed
 * into the salt and derived with N=16, r=1, p=1. The derived key still
 * depends on the passphrase, salt, N, r and p, so a slot whose parameters
 * were changed does not open, as with the real KDF.
 *
 * Seeds: a slot sealed under this stand-in KDF opens here, so the fuzzer
 * starts from the accepting path. SHENLI_FUZZ_WRITE_SEED=FILE writes one
 * (tools/fuzz.sh does not need it: the committed corpus has them).
 */
#include <string.h>

#include "fuzz_common.h"
#include "keyslot.h"

#define USER "root"
#define PASS "fuzz passphrase 1"

sl_rc __real_sl_scrypt(const char *pass, size_t plen, const uint8_t *salt,
                       size_t slen, uint64_t N, uint32_t r, uint32_t p,
                       uint8_t *out, size_t outlen);
sl_rc __wrap_sl_scrypt(const char *pass, size_t plen, const uint8_t *salt,
                       size_t slen, uint64_t N, uint32_t r, uint32_t p,
                       uint8_t *out, size_t outlen);

static unsigned kdf_calls;

sl_rc __wrap_sl_scrypt(const char *pass, size_t plen, const uint8_t *salt,
                       size_t slen, uint64_t N, uint32_t r, uint32_t p,
                       uint8_t *out, size_t outlen)
{
	/* keyslot.c's params_ok(): what an untrusted slot may ask for. */
	CHECK(N >= 1024 && N <= (1ull << 22) && (N & (N - 1)) == 0);
	CHECK(r >= 1 && r <= 32 && p >= 1 && p <= 16);
	CHECK(128ull * N * r * p <= (1ull << 30));
	kdf_calls++;
	uint8_t s2[256];
	CHECK(slen <= sizeof s2 - 16);
	memcpy(s2, salt, slen);
	for (int i = 0; i < 8; i++)
		s2[slen + i] = (uint8_t)(N >> (8 * i));
	for (int i = 0; i < 4; i++) {
		s2[slen + 8 + i] = (uint8_t)(r >> (8 * i));
		s2[slen + 12 + i] = (uint8_t)(p >> (8 * i));
	}
	return __real_sl_scrypt(pass, plen, s2, slen + 16, 16, 1, 1, out,
	                        outlen);
}

static sl_secrets *known; /* what every slot sealed here holds */
static sl_secrets *got;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	known = sl_secrets_new();
	got = sl_secrets_new();
	SETUP(known && got);
	for (size_t i = 0; i < sizeof known->data_key; i++)
		known->data_key[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof known->sign_seed; i++)
		known->sign_seed[i] = (uint8_t)(0x80 + i);

	/* The stand-in must still round-trip (and refuse another user). */
	sl_kdf_params kp = {1024, 8, 1};
	char *img = NULL;
	size_t len = 0;
	SETUP(sl_keyslot_seal(USER, PASS, strlen(PASS), known, &kp, &img,
	                      &len) == SL_OK);
	SETUP(sl_keyslot_open(USER, PASS, strlen(PASS), img, len, got) ==
	      SL_OK);
	SETUP(!memcmp(got, known, sizeof *got));
	SETUP(sl_keyslot_open("mallory", PASS, strlen(PASS), img, len, got) ==
	      SL_EAUTH);
	const char *seed = getenv("SHENLI_FUZZ_WRITE_SEED");
	if (seed) {
		FILE *f = fopen(seed, "wb");
		SETUP(f && fwrite(img, 1, len, f) == len && fclose(f) == 0);
		exit(0);
	}
	free(img);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *img = (const char *)data;
	kdf_calls = 0;
	sl_rc rc = sl_keyslot_open(USER, PASS, strlen(PASS), img, size, got);
	CHECK(rc == SL_OK || rc == SL_EAUTH || rc == SL_EINPUT);
	CHECK(kdf_calls <= 1);
	if (size > SL_SLOT_MAX_BYTES)
		CHECK(rc == SL_EINPUT && kdf_calls == 0);
	if (rc == SL_EAUTH)
		CHECK(kdf_calls == 1);
	if (rc != SL_OK)
		return 0;
	/* The tag verified, so these are the bytes some seal put there. */
	CHECK(kdf_calls == 1);
	CHECK(!memcmp(got, known, sizeof *got));
	/* The AAD binds the slot to its user: the same bytes must not open
	 * for anyone else, nor with another passphrase. */
	CHECK(sl_keyslot_open("mallory", PASS, strlen(PASS), img, size, got) ==
	      SL_EAUTH);
	CHECK(sl_keyslot_open(USER, "x" PASS, strlen(PASS) + 1, img, size,
	                      got) == SL_EAUTH);
	return 0;
}
