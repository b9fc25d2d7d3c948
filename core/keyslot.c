/* keyslot.c - sealing and opening per-user key slots. See keyslot.h. */
#include "keyslot.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#define SLOT_FORMAT "shenli.keyslot/1"
#define SALT_LEN 32
#define PT_LEN (SL_KEY_LEN + SL_ED25519_SEED_LEN)

/* The floor: 2^16 * 8 * 128 bytes = 64 MiB of scrypt memory. */
#define N_FLOOR (1ull << 16)
#define N_CEIL (1ull << 20)
#define TARGET_SECONDS 0.25

sl_secrets *sl_secrets_new(void)
{
	return sl_secure_alloc(sizeof(sl_secrets));
}

void sl_secrets_free(sl_secrets *s)
{
	sl_secure_free(s, sizeof *s);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sl_kdf_calibrate(sl_kdf_params *out)
{
	static sl_kdf_params cached;
	if (!cached.N) {
		uint8_t salt[SALT_LEN] = {0}, k[SL_KEY_LEN];
		uint64_t N = N_FLOOR;
		double t0 = now_s();
		sl_scrypt("calibrate", 9, salt, sizeof salt, N, 8, 1, k,
		          sizeof k);
		double t = now_s() - t0;
		/* scrypt time is linear in N: double while it brings us closer.
		 */
		while (N < N_CEIL && t > 0 &&
		       2 * t - TARGET_SECONDS < TARGET_SECONDS - t) {
			N *= 2;
			t *= 2;
		}
		cached = (sl_kdf_params){N, 8, 1};
	}
	*out = cached;
}

/* AAD binds the format and the user id: "shenli.keyslot.v1\0" user. */
static size_t make_aad(const char *user, uint8_t *aad, size_t cap)
{
	static const char tag[] = "shenli.keyslot.v1";
	size_t tl = sizeof tag, ul = strlen(user);
	if (tl + ul > cap)
		return 0;
	memcpy(aad, tag, tl);
	memcpy(aad + tl, user, ul);
	return tl + ul;
}

static int params_ok(const sl_kdf_params *p)
{
	/* Bounds for what we will run on an untrusted slot: at most 1 GiB. */
	return p->N >= 1024 && p->N <= (1ull << 22) &&
	       (p->N & (p->N - 1)) == 0 && p->r >= 1 && p->r <= 32 &&
	       p->p >= 1 && p->p <= 16 &&
	       128ull * p->N * p->r * p->p <= (1ull << 30);
}

sl_rc sl_keyslot_seal(const char *user, const char *pass, size_t plen,
                      const sl_secrets *sec, const sl_kdf_params *params,
                      char **out, size_t *outlen)
{
	sl_kdf_params kp;
	if (params)
		kp = *params;
	else
		sl_kdf_calibrate(&kp);
	if (!params_ok(&kp))
		return sl_error(SL_EINPUT, _("key slot: bad KDF parameters"));

	uint8_t salt[SALT_LEN], nonce[SL_GCM_NONCE_LEN], ct[PT_LEN],
	    tag[SL_GCM_TAG_LEN], aad[128];
	size_t aadlen = make_aad(user, aad, sizeof aad);
	if (!aadlen)
		return sl_error(SL_EINPUT, _("key slot: user id too long"));
	sl_rc rc = sl_random(salt, sizeof salt);
	if (!rc)
		rc = sl_random(nonce, sizeof nonce);
	if (rc)
		return rc;

	uint8_t *kek = sl_secure_alloc(SL_KEY_LEN);
	if (!kek)
		return sl_error(SL_ESYS, _("out of memory"));
	rc = sl_scrypt(pass, plen, salt, sizeof salt, kp.N, kp.r, kp.p, kek,
	               SL_KEY_LEN);
	if (!rc)
		rc =
		    sl_aead_seal(kek, nonce, aad, aadlen, sec, PT_LEN, ct, tag);
	sl_secure_free(kek, SL_KEY_LEN);
	if (rc)
		return rc;

	char hsalt[2 * SALT_LEN + 1], hnonce[2 * SL_GCM_NONCE_LEN + 1],
	    hct[2 * PT_LEN + 1], htag[2 * SL_GCM_TAG_LEN + 1];
	sl_hex(salt, sizeof salt, hsalt);
	sl_hex(nonce, sizeof nonce, hnonce);
	sl_hex(ct, sizeof ct, hct);
	sl_hex(tag, sizeof tag, htag);
	json_t *j = json_pack(
	    "{s:s, s:s, s:{s:s, s:I, s:i, s:i, s:s}, s:s, s:s, "
	    "s:s, s:s}",
	    "format", SLOT_FORMAT, "user", user, "kdf", "alg", "scrypt", "N",
	    (json_int_t)kp.N, "r", (int)kp.r, "p", (int)kp.p, "salt", hsalt,
	    "aead", "aes-256-gcm", "nonce", hnonce, "ct", hct, "tag", htag);
	char *s = j ? json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (!s)
		return sl_error(SL_ESYS, _("out of memory"));
	*out = s;
	*outlen = strlen(s);
	return SL_OK;
}

static sl_rc get_hex(json_t *o, const char *key, uint8_t *out, size_t n)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s || sl_unhex(s, out, n) != SL_OK)
		return sl_error(SL_EINPUT,
		                _("key slot: field '%s' is missing or "
		                  "not %zu bytes of hex"),
		                key, n);
	return SL_OK;
}

sl_rc sl_keyslot_open(const char *user, const char *pass, size_t plen,
                      const char *img, size_t imglen, sl_secrets *out)
{
	if (imglen > SL_SLOT_MAX_BYTES)
		return sl_error(SL_EINPUT, _("key slot: larger than %d bytes"),
		                SL_SLOT_MAX_BYTES);
	json_error_t jerr;
	json_t *j = json_loadb(img, imglen, JSON_REJECT_DUPLICATES, &jerr);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return sl_error(SL_EINPUT, _("key slot: not a JSON object"));
	}
	sl_rc rc = SL_EINPUT;
	uint8_t salt[SALT_LEN], nonce[SL_GCM_NONCE_LEN], ct[PT_LEN],
	    tag[SL_GCM_TAG_LEN], aad[128];
	json_t *kdf = json_object_get(j, "kdf");
	const char *fmt = json_string_value(json_object_get(j, "format"));
	const char *alg = json_string_value(json_object_get(kdf, "alg"));
	const char *aead = json_string_value(json_object_get(j, "aead"));
	json_t *jN = json_object_get(kdf, "N"), *jr = json_object_get(kdf, "r"),
	       *jp = json_object_get(kdf, "p");
	if (!fmt || strcmp(fmt, SLOT_FORMAT) != 0) {
		sl_error(rc, _("key slot: unknown format"));
		goto out;
	}
	if (!alg || strcmp(alg, "scrypt") != 0 || !aead ||
	    strcmp(aead, "aes-256-gcm") != 0 || !json_is_integer(jN) ||
	    !json_is_integer(jr) || !json_is_integer(jp) ||
	    json_integer_value(jN) < 0 || json_integer_value(jr) < 0 ||
	    json_integer_value(jp) < 0) {
		sl_error(rc,
		         _("key slot: unsupported or malformed algorithms"));
		goto out;
	}
	sl_kdf_params kp = {(uint64_t)json_integer_value(jN),
	                    (uint32_t)json_integer_value(jr),
	                    (uint32_t)json_integer_value(jp)};
	if (json_integer_value(jr) > 32 || json_integer_value(jp) > 16 ||
	    !params_ok(&kp)) {
		sl_error(rc, _("key slot: KDF parameters out of range"));
		goto out;
	}
	if ((rc = get_hex(kdf, "salt", salt, sizeof salt)) ||
	    (rc = get_hex(j, "nonce", nonce, sizeof nonce)) ||
	    (rc = get_hex(j, "ct", ct, sizeof ct)) ||
	    (rc = get_hex(j, "tag", tag, sizeof tag)))
		goto out;
	size_t aadlen = make_aad(user, aad, sizeof aad);
	if (!aadlen) {
		rc = sl_error(SL_EINPUT, _("key slot: user id too long"));
		goto out;
	}
	uint8_t *kek = sl_secure_alloc(SL_KEY_LEN);
	if (!kek) {
		rc = sl_error(SL_ESYS, _("out of memory"));
		goto out;
	}
	rc = sl_scrypt(pass, plen, salt, sizeof salt, kp.N, kp.r, kp.p, kek,
	               SL_KEY_LEN);
	if (!rc)
		rc = sl_aead_open(kek, nonce, aad, aadlen, ct, sizeof ct, tag,
		                  out);
	sl_secure_free(kek, SL_KEY_LEN);
	if (rc == SL_EAUTH)
		sl_error(rc, _("key slot does not open with this passphrase"));
out:
	json_decref(j);
	return rc;
}
