/* checkpoint.c - a user's verified head. See checkpoint.h. */
#define _GNU_SOURCE
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static const char MAGIC[8] = "SLCKPT1";
static const char KEY_DOM[] = "shenli.checkpoint.key.v1";
static const char AAD_DOM[] = "shenli.checkpoint.v1";

#define HDR (sizeof MAGIC + SL_GCM_NONCE_LEN + SL_GCM_TAG_LEN)

static sl_rc path_of(const char *store, const char *user, char *buf, size_t cap)
{
	if (snprintf(buf, cap, "%s.keys/%s.head", store, user) >= (int)cap)
		return sl_error(SL_EINPUT, _("store path too long"));
	return SL_OK;
}

/* key = SHA-256(domain || seed), in the secure heap */
static uint8_t *derive(const uint8_t seed[SL_ED25519_SEED_LEN])
{
	uint8_t *buf = sl_secure_alloc(sizeof KEY_DOM + SL_ED25519_SEED_LEN);
	uint8_t *key = sl_secure_alloc(SL_KEY_LEN);
	if (buf && key) {
		memcpy(buf, KEY_DOM, sizeof KEY_DOM);
		memcpy(buf + sizeof KEY_DOM, seed, SL_ED25519_SEED_LEN);
		sl_sha256(buf, sizeof KEY_DOM + SL_ED25519_SEED_LEN, key);
	} else {
		sl_secure_free(key, SL_KEY_LEN);
		key = NULL;
	}
	sl_secure_free(buf, sizeof KEY_DOM + SL_ED25519_SEED_LEN);
	return key;
}

static size_t aad_of(const uint8_t store_id[16], const char *user,
                     uint8_t out[128])
{
	size_t n = strlen(user), o = sizeof AAD_DOM;
	memcpy(out, AAD_DOM, sizeof AAD_DOM);
	memcpy(out + o, store_id, 16);
	o += 16;
	memcpy(out + o, user, n);
	return o + n;
}

sl_rc sl_checkpoint_load(const char *store_path, const char *user,
                         const uint8_t seed[SL_ED25519_SEED_LEN],
                         const uint8_t store_id[16], int64_t *seq,
                         uint8_t hash[SL_SHA256_LEN], sl_registry **reg,
                         int *unreadable)
{
	*reg = NULL;
	*unreadable = 0;
	char path[PATH_MAX];
	sl_rc rc = path_of(store_path, user, path, sizeof path);
	if (rc)
		return rc;
	if (!sl_file_exists(path))
		return SL_OK;
	char *img = NULL;
	size_t len = 0;
	if (sl_file_read(path, SL_CHECKPOINT_MAX, &img, &len) != SL_OK ||
	    len <= HDR || memcmp(img, MAGIC, sizeof MAGIC)) {
		free(img);
		sl_errclear();
		*unreadable = 1;
		return SL_OK;
	}
	uint8_t *key = derive(seed), aad[128];
	size_t ptlen = len - HDR;
	char *pt = malloc(ptlen + 1);
	const uint8_t *u = (const uint8_t *)img;
	sl_rc open_rc = SL_ESYS;
	if (key && pt)
		open_rc = sl_aead_open(
		    key, u + sizeof MAGIC, aad, aad_of(store_id, user, aad),
		    u + HDR, ptlen, u + sizeof MAGIC + SL_GCM_NONCE_LEN, pt);
	sl_secure_free(key, SL_KEY_LEN);
	free(img);
	if (open_rc) {
		free(pt);
		sl_errclear();
		*unreadable = 1;
		return SL_OK;
	}
	pt[ptlen] = 0;
	json_error_t jerr;
	json_t *j = json_loadb(pt, ptlen, JSON_REJECT_DUPLICATES, &jerr);
	free(pt);
	json_t *sj = json_object_get(j, "seq");
	const char *hh = json_string_value(json_object_get(j, "hash"));
	if (!json_is_integer(sj) || json_integer_value(sj) < 1 || !hh ||
	    sl_unhex(hh, hash, SL_SHA256_LEN) ||
	    sl_registry_load(json_object_get(j, "registry"), reg)) {
		/* authentic but not ours to read: written by another version */
		json_decref(j);
		sl_errclear();
		*unreadable = 1;
		return SL_OK;
	}
	*seq = json_integer_value(sj);
	json_decref(j);
	return SL_OK;
}

sl_rc sl_checkpoint_save(const char *store_path, const char *user,
                         const uint8_t seed[SL_ED25519_SEED_LEN],
                         const uint8_t store_id[16], int64_t seq,
                         const uint8_t hash[SL_SHA256_LEN],
                         const sl_registry *reg)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32], hh[2 * SL_SHA256_LEN + 1];
	sl_rc rc = path_of(store_path, user, path, sizeof path);
	if (rc)
		return rc;
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	sl_hex(hash, SL_SHA256_LEN, hh);
	json_t *j = json_pack("{s:I, s:s, s:o}", "seq", (json_int_t)seq, "hash",
	                      hh, "registry", sl_registry_dump(reg));
	char *pt = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!pt)
		return sl_error(SL_ESYS, _("out of memory"));
	size_t ptlen = strlen(pt), len = HDR + ptlen;
	uint8_t *img = malloc(len), *key = derive(seed), aad[128];
	rc = img && key ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
	if (!rc) {
		memcpy(img, MAGIC, sizeof MAGIC);
		rc = sl_random(img + sizeof MAGIC, SL_GCM_NONCE_LEN);
	}
	if (!rc)
		rc = sl_aead_seal(key, img + sizeof MAGIC, aad,
		                  aad_of(store_id, user, aad), pt, ptlen,
		                  img + HDR,
		                  img + sizeof MAGIC + SL_GCM_NONCE_LEN);
	sl_secure_free(key, SL_KEY_LEN);
	free(pt);
	if (!rc) {
		int fd = open(
		    tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    0600);
		if (fd < 0) {
			rc = sl_error(SL_ESYS, _("%s: %s"), tmp,
			              strerror(errno));
		} else {
			ssize_t w = write(fd, img, len);
			if (close(fd) != 0 || w != (ssize_t)len ||
			    rename(tmp, path) != 0) {
				rc = sl_error(SL_ESYS, _("%s: %s"), path,
				              strerror(errno));
				unlink(tmp);
			}
		}
	}
	free(img);
	return rc;
}
