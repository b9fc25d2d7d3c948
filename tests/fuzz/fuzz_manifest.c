/*
 * fuzz_manifest.c - signed packages (core/package.c): the manifest parser,
 * the public-key PEM parser (trust anchors), and the whole verification
 * path of sl_package_verify on a real package directory.
 *
 * Input layout (so that the fuzzer can steer every check of the verifier,
 * which a random signature alone never gets past):
 *
 *     byte 0        flags, below
 *     ...           the manifest, up to the first NUL (a manifest with a
 *                   NUL is refused anyway, so the split costs nothing)
 *     after NUL     with SIG_RAW: one length byte L, then L signature
 *                   bytes; then the payload's bytes
 *
 * The pure parsers run on every input. The package directory (in a tmpfs
 * when there is one) is only written when the manifest parses, or when
 * F_BADSYNTAX asks for the signed-but-malformed path: writing files costs
 * far more than parsing, and everything before the payload check is
 * reached only with a parsable manifest anyway.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "fuzz_common.h"
#include "package.h"

enum {
	SIG_TRUSTED = 0,   /* signed by the trusted test key */
	SIG_UNTRUSTED = 1, /* signed by a key nobody trusts */
	SIG_RAW = 2,       /* the signature bytes come from the input */
	SIG_NONE = 3,      /* no manifest.sig at all */
};
enum {
	PAY_FILE = 0,    /* the payload bytes as a regular file */
	PAY_MISSING = 1, /* no payload */
	PAY_SYMLINK = 2, /* a symlink to a file holding the bytes */
	PAY_FIFO = 3,    /* a FIFO: must be refused, never waited on */
};
#define F_SIG(f) ((f)&3)
#define F_PAY(f) (((f) >> 2) & 3)
/* A sha256 of 64 '0's is replaced by the payload's real hash before
 * signing, so that the accepting path is reachable at all. */
#define F_FIXHASH 0x10
#define F_BADSYNTAX 0x20

static sl_signkey *trusted, *untrusted;
static sl_trusted_key keys[2]; /* a decoy that signs nothing, then ours */
static char dir[PATH_MAX];
static int dfd = -1;

static void cleanup(void)
{
	if (dfd >= 0)
		close(dfd);
	rmdir(dir);
}

static sl_signkey *new_key(uint8_t pub[32])
{
	uint8_t seed[SL_ED25519_SEED_LEN];
	SETUP(sl_random_key(seed, sizeof seed) == SL_OK);
	sl_signkey *k = sl_sign_from_seed(seed);
	SETUP(k && sl_sign_pub(k, pub) == SL_OK);
	return k;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	uint8_t pub[32];
	sl_sign_free(
	    new_key(keys[0].raw)); /* the decoy: only its public half */
	sl_key_id(keys[0].raw, keys[0].id);
	trusted = new_key(keys[1].raw);
	sl_key_id(keys[1].raw, keys[1].id);
	untrusted = new_key(pub);
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/shenli-fuzz-pkg-XXXXXX", base);
	SETUP(mkdtemp(dir) != NULL);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	SETUP(dfd >= 0);
	atexit(cleanup);
	return 0;
}

static void put(const char *name, const void *d, size_t n)
{
	int fd =
	    openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	SETUP(fd >= 0);
	SETUP(write(fd, d, n) == (ssize_t)n);
	close(fd);
}

/* Parse, print canonically, parse again: the same manifest. */
static void check_roundtrip(const sl_manifest *m)
{
	char text[SL_PKG_MAX_MANIFEST + 1], hex[2 * SL_SHA256_LEN + 1];
	sl_hex(m->sha256, SL_SHA256_LEN, hex);
	int n = snprintf(text, sizeof text,
	                 "name=%s\nkind=%s\nversion=%lld\nabi=%d\nfile=%s\n"
	                 "size=%lld\nsha256=%s\n",
	                 m->name, sl_pkg_kind_name(m->kind), m->version, m->abi,
	                 m->file, m->size, hex);
	CHECK(n > 0 && (size_t)n < sizeof text);
	sl_manifest again;
	CHECK(sl_manifest_parse(text, (size_t)n, &again) == SL_OK);
	CHECK(!strcmp(m->name, again.name) && !strcmp(m->file, again.file));
	CHECK(m->kind == again.kind && m->version == again.version &&
	      m->abi == again.abi && m->size == again.size);
	CHECK(!memcmp(m->sha256, again.sha256, SL_SHA256_LEN));
	CHECK(m->version >= 1 && m->abi >= 0 && m->size >= 0 &&
	      m->size <= SL_PKG_MAX_PAYLOAD);
	CHECK(m->file[0] != '.' && !strchr(m->file, '/'));
	CHECK(strcmp(m->file, "manifest") && strcmp(m->file, "manifest.sig"));
}

static void check_pem(const char *text, size_t n)
{
	uint8_t raw[32], again[32];
	char *pem = NULL;
	size_t plen = 0;
	if (sl_pubkey_from_pem(text, n, raw) != SL_OK)
		return;
	CHECK(sl_pubkey_to_pem(raw, &pem, &plen) == SL_OK);
	CHECK(sl_pubkey_from_pem(pem, plen, again) == SL_OK);
	CHECK(!memcmp(raw, again, sizeof raw));
	free(pem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned flags = data[0];
	const char *text = (const char *)data + 1;
	size_t rest = size - 1;
	const char *nul = memchr(text, 0, rest);
	size_t tlen = nul ? (size_t)(nul - text) : rest;
	const uint8_t *p = nul ? (const uint8_t *)nul + 1 : data + size;
	const uint8_t *end = data + size;
	const uint8_t *rawsig = NULL;
	size_t rawlen = 0;
	if (F_SIG(flags) == SIG_RAW && p < end) {
		rawlen = *p++;
		if (rawlen > (size_t)(end - p))
			rawlen = (size_t)(end - p);
		rawsig = p;
		p += rawlen;
	}
	const uint8_t *payload = p;
	size_t plen = (size_t)(end - p);

	check_pem(text, tlen);

	sl_manifest pm;
	sl_rc prc = sl_manifest_parse(text, tlen, &pm);
	CHECK(prc == SL_OK || prc == SL_EINPUT);
	if (!prc)
		check_roundtrip(&pm);
	if (prc && !(flags & F_BADSYNTAX))
		return 0;

	/* The manifest as it will be signed, its hash placeholder filled. */
	char *mtext = malloc(tlen + 1);
	SETUP(mtext);
	memcpy(mtext, text, tlen);
	if (!prc && (flags & F_FIXHASH)) {
		static const char zeros[] =
		    "sha256="
		    "0000000000000000000000000000000000000000000000000000000000"
		    "000000";
		char *h = memmem(mtext, tlen, zeros, sizeof zeros - 1);
		uint8_t sha[SL_SHA256_LEN];
		if (h) {
			/* sl_hex writes a NUL after the digits: keep the byte
			 * it overwrites ('\n', or past the end) */
			size_t at = (size_t)(h - mtext) + 7 + 64;
			char keep = at < tlen ? mtext[at] : 0;
			sl_sha256(payload, plen, sha);
			sl_hex(sha, SL_SHA256_LEN, h + 7);
			mtext[at] = keep;
			CHECK(sl_manifest_parse(mtext, tlen, &pm) == SL_OK);
		}
	}

	uint8_t sig[SL_ED25519_SIG_LEN];
	switch (F_SIG(flags)) {
	case SIG_TRUSTED:
	case SIG_UNTRUSTED:
		SETUP(sl_sign(F_SIG(flags) == SIG_TRUSTED ? trusted : untrusted,
		              mtext, tlen, sig) == SL_OK);
		put("manifest.sig", sig, sizeof sig);
		break;
	case SIG_RAW: put("manifest.sig", rawsig, rawlen); break;
	}
	put("manifest", mtext, tlen);
	if (!prc) {
		switch (F_PAY(flags)) {
		case PAY_FILE: put(pm.file, payload, plen); break;
		case PAY_SYMLINK:
			put(".real", payload, plen);
			SETUP(symlinkat(".real", dfd, pm.file) == 0);
			break;
		case PAY_FIFO: SETUP(mkfifoat(dfd, pm.file, 0600) == 0); break;
		}
	}

	sl_manifest m;
	char signer[SL_KEY_ID_LEN + 1];
	sl_rc rc = sl_package_verify(dir, keys, 2, &m, signer);
	CHECK(rc == SL_OK || rc == SL_EINPUT || rc == SL_EINTEGRITY);
	if (rc == SL_OK) {
		/* Only this combination may ever pass. */
		CHECK(!prc && F_SIG(flags) != SIG_UNTRUSTED &&
		      F_SIG(flags) != SIG_NONE && F_PAY(flags) == PAY_FILE);
		CHECK(!strcmp(signer, keys[1].id));
		CHECK(!strcmp(m.name, pm.name) && !strcmp(m.file, pm.file));
		CHECK(m.size == (long long)plen && m.version == pm.version);
		uint8_t sha[SL_SHA256_LEN];
		sl_sha256(payload, plen, sha);
		CHECK(!memcmp(sha, m.sha256, SL_SHA256_LEN));
	} else {
		CHECK(signer[0] == 0);
		if (F_SIG(flags) == SIG_UNTRUSTED || F_SIG(flags) == SIG_NONE)
			CHECK(rc == SL_EINTEGRITY);
	}

	unlinkat(dfd, "manifest", 0);
	unlinkat(dfd, "manifest.sig", 0);
	if (!prc)
		unlinkat(dfd, pm.file, 0);
	unlinkat(dfd, ".real", 0);
	free(mtext);
	return 0;
}
