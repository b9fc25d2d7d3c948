/* package.c - signed package verification and signing. See package.h. */
#define _GNU_SOURCE
#include "package.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

#define SIG_NAME "manifest.sig"
#define MANIFEST_NAME "manifest"
/* An Ed25519 private key PEM is ~120 bytes; leave room for an encrypted one. */
#define MAX_PRIVKEY_PEM 16384
#define HASH_CHUNK (64 * 1024)

enum { K_NAME, K_KIND, K_VERSION, K_ABI, K_FILE, K_SIZE, K_SHA256, K_COUNT };

static const char *const key_names[K_COUNT] = {
    "name", "kind", "version", "abi", "file", "size", "sha256",
};

static const char *const kind_names[] = {
    [SL_PKG_PLUGIN] = "plugin",
    [SL_PKG_SCRIPT] = "script",
    [SL_PKG_RULES] = "rules",
    [SL_PKG_TEMPLATE] = "template",
};

const char *sl_pkg_kind_name(sl_pkg_kind k)
{
	if ((unsigned)k < sizeof kind_names / sizeof kind_names[0])
		return kind_names[k];
	return "?";
}

const char *sl_pkg_kind_said(sl_pkg_kind k)
{
	static const char *const said[] = {
	    NC_("package kind", "plugin"),
	    NC_("package kind", "script"),
	    NC_("package kind", "rules"),
	    NC_("package kind", "template"),
	};
	if ((unsigned)k < sizeof said / sizeof said[0])
		return sl_said(said[k], sl_pkg_kind_name(k));
	return "?";
}

static int kind_from(const char *s, size_t n, sl_pkg_kind *k)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
		if (strlen(kind_names[i]) == n &&
		    memcmp(kind_names[i], s, n) == 0) {
			*k = (sl_pkg_kind)i;
			return 0;
		}
	}
	return -1;
}

sl_rc sl_pkg_kind_parse(const char *s, sl_pkg_kind *k)
{
	if (kind_from(s, strlen(s), k) != 0)
		return sl_error(SL_EINPUT,
		                _("unknown package kind (want plugin, script, "
		                  "rules or template)"));
	return SL_OK;
}

/*
 * Untrusted text goes into error messages: keep only printable ASCII, and
 * not much of it, so a hostile manifest cannot write escape sequences to
 * the admin's terminal or bury the message.
 */
static const char *snip(const char *s, size_t n, char out[48])
{
	size_t i, o = 0;
	for (i = 0; i < n && o < 40; i++)
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = 0;
	return out;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

static int file_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* where: "manifest line N" or the like, for the message. */
static sl_rc check_name(const char *where, const char *v, size_t n)
{
	if (n < 1 || n > SL_PKG_NAME_MAX)
		return sl_error(SL_EINPUT,
		                _("%s: name: must be 1 to %d characters"),
		                where, SL_PKG_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if (!name_char(v[i]))
			return sl_error(
			    SL_EINPUT,
			    _("%s: name: only a-z, 0-9, '_' and '-' "
			      "are allowed"),
			    where);
	return SL_OK;
}

/*
 * The payload is opened relative to the package directory, so its name
 * must not be able to leave it or hide in it: no '/', no leading '.' (which
 * also rules out "." and ".."), and not one of the package's own files.
 */
static sl_rc check_file(const char *where, const char *v, size_t n)
{
	if (n < 1 || n > SL_PKG_FILE_MAX)
		return sl_error(SL_EINPUT,
		                _("%s: file: must be 1 to %d characters"),
		                where, SL_PKG_FILE_MAX);
	if (memchr(v, '/', n))
		return sl_error(
		    SL_EINPUT,
		    _("%s: file: must be a plain file name, without "
		      "'/'"),
		    where);
	if (v[0] == '.')
		return sl_error(SL_EINPUT,
		                _("%s: file: must not start with '.'"), where);
	for (size_t i = 0; i < n; i++)
		if (!file_char(v[i]))
			return sl_error(
			    SL_EINPUT,
			    _("%s: file: only A-Z, a-z, 0-9, '.', '_' "
			      "and '-' are allowed"),
			    where);
	if ((n == strlen(MANIFEST_NAME) && !memcmp(v, MANIFEST_NAME, n)) ||
	    (n == strlen(SIG_NAME) && !memcmp(v, SIG_NAME, n)))
		return sl_error(SL_EINPUT,
		                _("%s: file: must not name the manifest or its "
		                  "signature"),
		                where);
	return SL_OK;
}

/*
 * A canonical decimal integer in [min, max]: digits only, no sign, no
 * leading zero. One spelling per value, so that what the admin signed and
 * what the host shows are the same text.
 */
static sl_rc parse_num(const char *where, const char *key, const char *v,
                       size_t n, long long min, long long max, long long *out)
{
	long long x = 0;
	if (n == 0)
		return sl_error(SL_EINPUT, _("%s: %s: empty value"), where,
		                key);
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return sl_error(SL_EINPUT,
			                _("%s: %s: not a decimal integer "
			                  "(digits only)"),
			                where, key);
	if (n > 1 && v[0] == '0')
		return sl_error(SL_EINPUT, _("%s: %s: no leading zeros"), where,
		                key);
	for (size_t i = 0; i < n; i++) {
		int d = v[i] - '0';
		if (x > (max - d) / 10)
			return sl_error(
			    SL_EINPUT, _("%s: %s: out of range (at most %lld)"),
			    where, key, max);
		x = x * 10 + d;
	}
	if (x < min)
		return sl_error(SL_EINPUT, _("%s: %s: must be at least %lld"),
		                where, key, min);
	*out = x;
	return SL_OK;
}

static sl_rc parse_value(const char *where, int k, const char *v, size_t n,
                         sl_manifest *m)
{
	long long x;
	sl_rc rc;

	switch (k) {
	case K_NAME:
		if ((rc = check_name(where, v, n)))
			return rc;
		memcpy(m->name, v, n);
		m->name[n] = 0;
		return SL_OK;
	case K_KIND:
		if (kind_from(v, n, &m->kind) != 0)
			return sl_error(
			    SL_EINPUT,
			    _("%s: kind: must be plugin, script, rules "
			      "or template"),
			    where);
		return SL_OK;
	case K_VERSION:
		return parse_num(where, "version", v, n, 1, LLONG_MAX,
		                 &m->version);
	case K_ABI:
		if ((rc = parse_num(where, "abi", v, n, 0, INT_MAX, &x)))
			return rc;
		m->abi = (int)x;
		return SL_OK;
	case K_FILE:
		if ((rc = check_file(where, v, n)))
			return rc;
		memcpy(m->file, v, n);
		m->file[n] = 0;
		return SL_OK;
	case K_SIZE:
		return parse_num(where, "size", v, n, 0, SL_PKG_MAX_PAYLOAD,
		                 &m->size);
	case K_SHA256: {
		/* Lower case only, as sha256sum and openssl dgst print it. */
		char hex[2 * SL_SHA256_LEN + 1];
		int ok = n == 2 * SL_SHA256_LEN;
		for (size_t i = 0; ok && i < n; i++)
			ok = (v[i] >= '0' && v[i] <= '9') ||
			     (v[i] >= 'a' && v[i] <= 'f');
		if (!ok)
			return sl_error(
			    SL_EINPUT,
			    _("%s: sha256: must be 64 lower-case hex "
			      "digits"),
			    where);
		memcpy(hex, v, n);
		hex[n] = 0;
		return sl_unhex(hex, m->sha256, SL_SHA256_LEN);
	}
	}
	return sl_error(SL_EINPUT, _("%s: internal: bad key"), where);
}

sl_rc sl_manifest_parse(const char *buf, size_t len, sl_manifest *out)
{
	sl_manifest m;
	unsigned seen[K_COUNT] = {
	    0}; /* the line each key was on, 0 = not yet */
	unsigned line = 0;
	size_t pos = 0;
	char where[32], sn[48];
	sl_rc rc;

	memset(&m, 0, sizeof m);
	if (len > SL_PKG_MAX_MANIFEST)
		return sl_error(SL_EINPUT,
		                _("manifest: %zu bytes, over the limit of %d"),
		                len, SL_PKG_MAX_MANIFEST);
	if (len == 0)
		return sl_error(SL_EINPUT, _("manifest: empty"));
	if (memchr(buf, 0, len))
		return sl_error(SL_EINPUT, _("manifest: contains a NUL byte"));
	if (memchr(buf, '\r', len))
		return sl_error(SL_EINPUT,
		                _("manifest: contains CR; lines must end with "
		                  "'\\n' alone"));

	while (pos < len) {
		const char *l = buf + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos;
		pos += ll + (nl != NULL);
		line++;
		snprintf(where, sizeof where, _("manifest line %u"), line);

		if (ll == 0)
			return sl_error(SL_EINPUT, _("%s: empty line"), where);
		const char *eq = memchr(l, '=', ll);
		if (!eq)
			return sl_error(SL_EINPUT,
			                _("%s: not key=value: \"%s\""), where,
			                snip(l, ll, sn));
		size_t kl = (size_t)(eq - l), vl = ll - kl - 1;
		const char *v = eq + 1;
		if ((kl && (l[kl - 1] == ' ' || l[kl - 1] == '\t')) ||
		    (vl && (v[0] == ' ' || v[0] == '\t')))
			return sl_error(SL_EINPUT,
			                _("%s: no spaces around '='"), where);
		int k = -1;
		for (int i = 0; i < K_COUNT; i++)
			if (strlen(key_names[i]) == kl &&
			    memcmp(key_names[i], l, kl) == 0)
				k = i;
		/*
		 * Unknown keys are refused rather than skipped: a signature
		 * over fields the host ignores invites confusion (an admin
		 * believes "requires=..." or "expires=..." is enforced, or a
		 * later version reads a field old hosts let through unchecked).
		 */
		if (k < 0)
			return sl_error(SL_EINPUT, _("%s: unknown key \"%s\""),
			                where, snip(l, kl, sn));
		if (seen[k])
			return sl_error(
			    SL_EINPUT,
			    _("%s: duplicate key \"%s\" (first on line "
			      "%u)"),
			    where, key_names[k], seen[k]);
		seen[k] = line;
		if ((rc = parse_value(where, k, v, vl, &m)))
			return rc;
	}
	for (int i = 0; i < K_COUNT; i++)
		if (!seen[i])
			return sl_error(SL_EINPUT,
			                _("manifest: missing key \"%s\""),
			                key_names[i]);
	*out = m;
	return SL_OK;
}

/* ---- public keys ---- */

static int all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

static sl_rc pub_from_pkey(EVP_PKEY *pk, uint8_t raw[32], const char *what)
{
	size_t n = SL_ED25519_PUB_LEN;
	if (!EVP_PKEY_is_a(pk, "ED25519"))
		return sl_error(SL_EINPUT, _("%s: a %s key, not Ed25519"), what,
		                EVP_PKEY_get0_type_name(pk)
		                    ? EVP_PKEY_get0_type_name(pk)
		                    : "?");
	if (EVP_PKEY_get_raw_public_key(pk, raw, &n) != 1 ||
	    n != SL_ED25519_PUB_LEN)
		return sl_error(SL_EINPUT, _("%s: cannot read the Ed25519 key"),
		                what);
	if (sl_pub_is_weak(raw))
		return sl_error(
		    SL_EINPUT,
		    _("%s: a weak Ed25519 key (a point of small "
		      "order or a non-canonical encoding): signatures "
		      "under it can be forged"),
		    what);
	return SL_OK;
}

sl_rc sl_pubkey_from_pem(const char *pem, size_t len, uint8_t raw[32])
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----";
	const char *what = _("public key");
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long derlen = 0;
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;
	sl_rc rc = SL_EINPUT;

	if (len > SL_PKG_MAX_PUBKEY_PEM)
		return sl_error(SL_EINPUT, _("%s: over the limit of %d bytes"),
		                what, SL_PKG_MAX_PUBKEY_PEM);
	if (memchr(pem, 0, len))
		return sl_error(SL_EINPUT, _("%s: contains a NUL byte"), what);
	/*
	 * Exactly one PEM block and nothing else. PEM readers skip text
	 * before the block; for a trust anchor that would let a file holding
	 * a private key, or two keys, pass as "a public key".
	 */
	size_t skip = 0;
	while (skip < len && all_space(pem + skip, 1))
		skip++;
	if (len - skip < sizeof begin - 1 ||
	    memcmp(pem + skip, begin, sizeof begin - 1) != 0) {
		const char *nl = memchr(pem + skip, '\n', len - skip);
		size_t ll = nl ? (size_t)(nl - pem - skip) : len - skip;
		char sn[48];
		if (ll && memmem(pem + skip, ll, "PRIVATE KEY", 11))
			return sl_error(SL_EINPUT,
			                _("%s: this is a private key; give the "
			                  "public one (openssl pkey -in KEY "
			                  "-pubout)"),
			                what);
		return sl_error(SL_EINPUT,
		                _("%s: expected \"%s\", found \"%s\""), what,
		                begin, snip(pem + skip, ll, sn));
	}
	bio = BIO_new_mem_buf(pem + skip, (int)(len - skip));
	if (!bio)
		return sl_error(SL_ESYS, _("out of memory"));
	if (PEM_read_bio(bio, &name, &header, &der, &derlen) != 1 ||
	    strcmp(name, "PUBLIC KEY") != 0 || header[0] != 0) {
		sl_error(SL_EINPUT,
		         _("%s: not a valid PEM \"PUBLIC KEY\" block"), what);
		goto out;
	}
	char *rest = NULL;
	long restlen = BIO_get_mem_data(bio, &rest);
	if (restlen > 0 && !all_space(rest, (size_t)restlen)) {
		sl_error(SL_EINPUT, _("%s: unexpected data after the key"),
		         what);
		goto out;
	}
	const unsigned char *p = der;
	pk = d2i_PUBKEY(NULL, &p, derlen);
	if (!pk || p != der + derlen) {
		sl_error(SL_EINPUT, _("%s: cannot decode the key"), what);
		goto out;
	}
	rc = pub_from_pkey(pk, raw, what);
out:
	EVP_PKEY_free(pk);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

sl_rc sl_pubkey_to_pem(const uint8_t raw[32], char **pem_out, size_t *len_out)
{
	sl_rc rc = SL_ESYS;
	char *data = NULL;
	EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw,
	                                           SL_ED25519_PUB_LEN);
	BIO *bio = BIO_new(BIO_s_mem());

	if (pk && bio && PEM_write_bio_PUBKEY(bio, pk) == 1) {
		long n = BIO_get_mem_data(bio, &data);
		char *copy = n > 0 ? malloc((size_t)n + 1) : NULL;
		if (copy) {
			memcpy(copy, data, (size_t)n);
			copy[n] = 0;
			*pem_out = copy;
			*len_out = (size_t)n;
			rc = SL_OK;
		}
	}
	EVP_PKEY_free(pk);
	BIO_free(bio);
	ERR_clear_error();
	if (rc)
		sl_error(rc, _("cannot write the public key as PEM"));
	return rc;
}

void sl_key_id(const uint8_t raw[32], char id[SL_KEY_ID_LEN + 1])
{
	uint8_t h[SL_SHA256_LEN];
	sl_sha256(raw, SL_ED25519_PUB_LEN, h);
	sl_hex(h, SL_KEY_ID_LEN / 2, id);
}

/* ---- files of a package ---- */

enum { M_OK, M_MISSING, M_SYMLINK, M_NOTREG, M_SYS };

/*
 * Open a file of the package relative to the directory's fd, so all three
 * come from the same directory even if its path is swapped meanwhile.
 * O_NOFOLLOW: a symlink could point anywhere (the admin's home, /proc);
 * O_NONBLOCK: a FIFO must be refused, not wait for a writer forever.
 */
static int open_member(int dfd, const char *name, int *fd, struct stat *st,
                       int *err)
{
	*fd = openat(dfd, name,
	             O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (*fd < 0) {
		*err = errno;
		if (errno == ENOENT)
			return M_MISSING;
		return errno == ELOOP ? M_SYMLINK : M_SYS;
	}
	if (fstat(*fd, st) != 0) {
		*err = errno;
		close(*fd);
		*fd = -1;
		return M_SYS;
	}
	if (!S_ISREG(st->st_mode)) {
		close(*fd);
		*fd = -1;
		return M_NOTREG;
	}
	return M_OK;
}

/* The message for a failed open_member other than M_MISSING. */
static sl_rc member_error(int r, int err, sl_rc bad, const char *dir,
                          const char *name)
{
	if (r == M_SYMLINK)
		return sl_error(bad, _("%s: %s is a symbolic link; refused"),
		                dir, name);
	if (r == M_NOTREG)
		return sl_error(bad, _("%s: %s is not a regular file; refused"),
		                dir, name);
	return sl_error(SL_ESYS, _("%s: %s: %s"), dir, name, strerror(err));
}

/* Read up to cap bytes; *n < cap means EOF was reached. */
static sl_rc read_upto(int fd, const char *dir, const char *name, void *buf,
                       size_t cap, size_t *n)
{
	*n = 0;
	while (*n < cap) {
		ssize_t r = read(fd, (char *)buf + *n, cap - *n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sl_error(SL_ESYS, _("%s: %s: read failed: %s"),
			                dir, name, strerror(errno));
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return SL_OK;
}

/*
 * Stream file through SHA-256, reading at most limit + 1 bytes: *size is
 * what was there, or more than limit if the file is bigger (then the hash
 * is not computed). The file may change while we read; only the bytes we
 * hashed count.
 */
static sl_rc hash_member(int dfd, const char *dir, const char *file, sl_rc bad,
                         long long limit, long long *size,
                         uint8_t sha[SL_SHA256_LEN])
{
	struct stat st;
	int fd, err = 0;
	int r = open_member(dfd, file, &fd, &st, &err);
	if (r == M_MISSING)
		return sl_error(bad, _("%s: payload %s is missing"), dir, file);
	if (r != M_OK)
		return member_error(r, err, bad, dir, file);
	if (st.st_size > limit) {
		close(fd);
		*size = (long long)st.st_size;
		return SL_OK;
	}

	sl_rc rc = SL_OK;
	sl_hasher *h = sl_hasher_new();
	uint8_t *buf = malloc(HASH_CHUNK);
	long long total = 0;
	if (!h || !buf) {
		rc = sl_error(SL_ESYS, _("out of memory"));
		goto out;
	}
	sl_hasher_init(h);
	while (total <= limit) {
		long long want = limit + 1 - total;
		size_t n;
		if (want > HASH_CHUNK)
			want = HASH_CHUNK;
		if ((rc = read_upto(fd, dir, file, buf, (size_t)want, &n)))
			goto out;
		sl_hasher_update(h, buf, n);
		total += (long long)n;
		if (n < (size_t)want)
			break;
	}
	sl_hasher_final(h, sha);
	*size = total;
out:
	free(buf);
	sl_hasher_free(h);
	close(fd);
	return rc;
}

static sl_rc open_dir(const char *dir, int *dfd)
{
	*dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dfd < 0) {
		int e = errno;
		return sl_error(e == ENOENT || e == ENOTDIR ? SL_EINPUT
		                                            : SL_ESYS,
		                _("%s: %s"), dir, strerror(e));
	}
	return SL_OK;
}

/* Read manifest (SL_PKG_MAX_MANIFEST + 1 bytes of room) and its signature. */
static sl_rc read_signed(int dfd, const char *dir, char *text, size_t *tlen,
                         uint8_t sig[SL_ED25519_SIG_LEN])
{
	struct stat st;
	int fd, err = 0, r;
	uint8_t sbuf[SL_ED25519_SIG_LEN + 1];
	size_t n;
	sl_rc rc;

	r = open_member(dfd, MANIFEST_NAME, &fd, &st, &err);
	if (r == M_MISSING)
		return sl_error(SL_EINPUT, _("%s: not a package: no manifest"),
		                dir);
	if (r != M_OK)
		return member_error(r, err, SL_EINTEGRITY, dir, MANIFEST_NAME);
	/* fstat's size is only a hint: the file may grow while we read. */
	*tlen = (size_t)st.st_size;
	rc = SL_OK;
	if (st.st_size <= SL_PKG_MAX_MANIFEST)
		rc = read_upto(fd, dir, MANIFEST_NAME, text,
		               SL_PKG_MAX_MANIFEST + 1, tlen);
	close(fd);
	if (rc)
		return rc;
	if (*tlen > SL_PKG_MAX_MANIFEST)
		return sl_error(SL_EINPUT,
		                _("%s: manifest is over the limit of %d bytes"),
		                dir, SL_PKG_MAX_MANIFEST);

	r = open_member(dfd, SIG_NAME, &fd, &st, &err);
	if (r == M_MISSING)
		return sl_error(SL_EINTEGRITY,
		                _("%s: not signed by a trusted key: %s is "
		                  "missing"),
		                dir, SIG_NAME);
	if (r != M_OK)
		return member_error(r, err, SL_EINTEGRITY, dir, SIG_NAME);
	rc = read_upto(fd, dir, SIG_NAME, sbuf, sizeof sbuf, &n);
	close(fd);
	if (rc)
		return rc;
	if (n > SL_ED25519_SIG_LEN)
		return sl_error(
		    SL_EINTEGRITY,
		    _("%s: not signed by a trusted key: %s is longer "
		      "than %d bytes"),
		    dir, SIG_NAME, SL_ED25519_SIG_LEN);
	if (n < SL_ED25519_SIG_LEN)
		return sl_error(SL_EINTEGRITY,
		                _("%s: not signed by a trusted key: %s is %zu "
		                  "bytes, not %d"),
		                dir, SIG_NAME, n, SL_ED25519_SIG_LEN);
	memcpy(sig, sbuf, SL_ED25519_SIG_LEN);
	return SL_OK;
}

sl_rc sl_package_verify(const char *dir, const sl_trusted_key *keys,
                        size_t n_keys, sl_manifest *m,
                        char signer_id[SL_KEY_ID_LEN + 1])
{
	char text[SL_PKG_MAX_MANIFEST + 1];
	uint8_t sig[SL_ED25519_SIG_LEN], sha[SL_SHA256_LEN];
	size_t tlen = 0, signer = n_keys;
	long long size = 0;
	sl_manifest pm;
	int dfd;
	sl_rc rc;

	if (m)
		memset(m, 0, sizeof *m);
	if (signer_id)
		signer_id[0] = 0;
	if ((rc = open_dir(dir, &dfd)))
		return rc;

	/* 1-2: the signature, before a single byte of the manifest is parsed.
	 */
	if ((rc = read_signed(dfd, dir, text, &tlen, sig)))
		goto out;
	for (size_t i = 0; i < n_keys && signer == n_keys; i++) {
		sl_signkey *v = sl_verifier_new(keys[i].raw);
		if (v && sl_verify(v, text, tlen, sig) == SL_OK)
			signer = i;
		sl_sign_free(v);
	}
	if (signer == n_keys) {
		rc =
		    sl_error(SL_EINTEGRITY,
		             _("%s: not signed by a trusted key: the signature "
		               "does not verify with any of the %zu trusted "
		               "key(s)"),
		             dir, n_keys);
		goto out;
	}

	/* 3: syntax. */
	if ((rc = sl_manifest_parse(text, tlen, &pm))) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", sl_errmsg());
		sl_error(rc, "%s: %s", dir, msg);
		goto out;
	}

	/* 4: the payload is the one that was signed for. */
	if ((rc = hash_member(dfd, dir, pm.file, SL_EINTEGRITY, pm.size, &size,
	                      sha)))
		goto out;
	if (size > pm.size) {
		rc = sl_error(SL_EINTEGRITY,
		              _("%s: payload %s: size differs: more than the "
		                "manifest's %lld bytes"),
		              dir, pm.file, pm.size);
		goto out;
	}
	if (size < pm.size) {
		rc = sl_error(SL_EINTEGRITY,
		              _("%s: payload %s: size differs: %lld bytes, the "
		                "manifest says %lld"),
		              dir, pm.file, size, pm.size);
		goto out;
	}
	if (sl_memeq_ct(sha, pm.sha256, SL_SHA256_LEN) != 0) {
		rc = sl_error(SL_EINTEGRITY,
		              _("%s: payload %s: sha256 differs from the "
		                "manifest's"),
		              dir, pm.file);
		goto out;
	}
	if (m)
		*m = pm;
	if (signer_id)
		sl_key_id(keys[signer].raw, signer_id);
out:
	close(dfd);
	return rc;
}

/* ---- signing ---- */

static sl_rc load_private_key(const char *path, EVP_PKEY **out)
{
	char *pem = NULL;
	size_t len = 0;
	sl_rc rc = sl_file_read(path, MAX_PRIVKEY_PEM, &pem, &len);
	if (rc)
		return rc;
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	/* NULL callback: OpenSSL asks on the terminal if the key is encrypted.
	 */
	EVP_PKEY *k =
	    bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	sl_wipe(pem, len);
	free(pem);
	ERR_clear_error();
	if (!k)
		return sl_error(SL_EINPUT, _("%s: not a PEM private key"),
		                path);
	if (!EVP_PKEY_is_a(k, "ED25519")) {
		rc = sl_error(SL_EINPUT, _("%s: a %s key, not Ed25519"), path,
		              EVP_PKEY_get0_type_name(k)
		                  ? EVP_PKEY_get0_type_name(k)
		                  : "?");
		EVP_PKEY_free(k);
		return rc;
	}
	*out = k;
	return SL_OK;
}

sl_rc sl_package_sign(const char *dir, const char *name, sl_pkg_kind kind,
                      long long version, int abi, const char *file,
                      const char *private_key_pem_path)
{
	const char *where = _("package");
	char text[SL_PKG_MAX_MANIFEST + 1], hex[2 * SL_SHA256_LEN + 1];
	char mpath[PATH_MAX], spath[PATH_MAX];
	uint8_t sha[SL_SHA256_LEN], sig[SL_ED25519_SIG_LEN];
	long long size = 0;
	EVP_PKEY *key = NULL;
	sl_manifest check;
	int dfd = -1, n;
	sl_rc rc;

	if ((rc = check_name(where, name, strlen(name))) ||
	    (rc = check_file(where, file, strlen(file))))
		return rc;
	if ((unsigned)kind >= sizeof kind_names / sizeof kind_names[0])
		return sl_error(SL_EINPUT, _("%s: kind: unknown"), where);
	if (version < 1)
		return sl_error(SL_EINPUT, _("%s: version: must be at least 1"),
		                where);
	if (abi < 0)
		return sl_error(SL_EINPUT, _("%s: abi: must be at least 0"),
		                where);
	/* fsutil writes through PATH.tmp: it must not be the payload. */
	if (!strcmp(file, MANIFEST_NAME ".tmp") ||
	    !strcmp(file, SIG_NAME ".tmp"))
		return sl_error(SL_EINPUT, _("%s: file: %s is reserved"), where,
		                file);
	if (snprintf(mpath, sizeof mpath, "%s/" MANIFEST_NAME, dir) >=
	        (int)sizeof mpath ||
	    snprintf(spath, sizeof spath, "%s/" SIG_NAME, dir) >=
	        (int)sizeof spath)
		return sl_error(SL_EINPUT, _("%s: path too long"), dir);

	if ((rc = load_private_key(private_key_pem_path, &key)))
		return rc;
	if ((rc = open_dir(dir, &dfd)))
		goto out;
	if ((rc = hash_member(dfd, dir, file, SL_EINPUT, SL_PKG_MAX_PAYLOAD,
	                      &size, sha)))
		goto out;
	if (size > SL_PKG_MAX_PAYLOAD) {
		rc = sl_error(SL_EINPUT,
		              _("%s: payload %s is over the limit of %u bytes"),
		              dir, file, SL_PKG_MAX_PAYLOAD);
		goto out;
	}
	sl_hex(sha, SL_SHA256_LEN, hex);
	n = snprintf(text, sizeof text,
	             "name=%s\nkind=%s\nversion=%lld\nabi=%d\nfile=%s\n"
	             "size=%lld\nsha256=%s\n",
	             name, sl_pkg_kind_name(kind), version, abi, file, size,
	             hex);
	/* Never sign what the verifier would refuse. */
	if (n < 0 || (size_t)n >= sizeof text ||
	    (rc = sl_manifest_parse(text, (size_t)n, &check))) {
		rc = rc ? rc : sl_error(SL_EINPUT, _("manifest too long"));
		goto out;
	}
	if ((rc = sl_sign(key, text, (size_t)n, sig)))
		goto out;
	/*
	 * Two atomic replacements, not one: a crash between them leaves a
	 * manifest and signature that do not match, which fails closed.
	 */
	if ((rc = sl_file_write_atomic(mpath, text, (size_t)n, 0644)))
		goto out;
	rc = sl_file_write_atomic(spath, sig, sizeof sig, 0644);
out:
	if (dfd >= 0)
		close(dfd);
	EVP_PKEY_free(key);
	return rc;
}

sl_rc sl_package_copy_verified(int in_fd, int out_fd, const sl_manifest *m,
                               const char *what, const char *to)
{
	sl_hasher *h = sl_hasher_new();
	if (!h)
		return sl_error(SL_ESYS, _("out of memory"));
	sl_hasher_init(h);
	char buf[65536];
	long long total = 0;
	sl_rc rc = SL_OK;
	for (;;) {
		ssize_t r = read(in_fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = sl_error(SL_ESYS, _("%s: read failed: %s"), what,
			              strerror(errno));
			break;
		}
		if (r == 0)
			break;
		total += r;
		if (total > m->size)
			break; /* too long: reported below, never copied whole
			        */
		sl_hasher_update(h, buf, (size_t)r);
		for (ssize_t o = 0; o < r;) {
			ssize_t w = write(out_fd, buf + o, (size_t)(r - o));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc =
				    sl_error(SL_ESYS, _("%s: write failed: %s"),
				             to, strerror(errno));
				break;
			}
			o += w;
		}
		if (rc)
			break;
	}
	uint8_t got[SL_SHA256_LEN];
	sl_hasher_final(h, got);
	sl_hasher_free(h);
	if (!rc && (total != m->size ||
	            sl_memeq_ct(got, m->sha256, SL_SHA256_LEN) != 0))
		rc = sl_error(SL_EINTEGRITY,
		              _("%s: its bytes are not the ones the manifest "
		                "signs (changed since it was checked)"),
		              what);
	return rc;
}
