/*
 * pkgsign.c - sign a package directory, or make a signing key pair.
 *
 *   pkgsign DIR NAME KIND VERSION ABI FILE KEY.pem
 *   pkgsign --genkey KEY.pem PUB.pem
 *
 * The build uses it to sign the built-in packages; an admin may use it or
 * stock OpenSSL (spec/cli.md, "Signed packages"): the files are the same.
 * Exit codes are sl_rc values, as for shenli.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "fsutil.h"
#include "package.h"

static int usage(FILE *f, int rc)
{
	fprintf(f, _("usage: pkgsign DIR NAME KIND VERSION ABI FILE KEY.pem\n"
	             "       pkgsign --genkey KEY.pem PUB.pem\n"
	             "KIND is plugin, script, rules or template; FILE is the "
	             "payload, "
	             "already in DIR.\n"));
	return rc;
}

static int fail(sl_rc rc)
{
	const char *m = sl_errmsg();
	fprintf(stderr, "pkgsign: %s\n", *m ? m : _("failed"));
	return rc;
}

/* A canonical decimal in [min, max]; -1 if it is not one. */
static int parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Create path (which must not exist) holding data, durably. */
static sl_rc write_new(const char *path, const void *data, size_t len,
                       mode_t mode)
{
	int fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		int e = errno;
		return sl_error(e == EEXIST ? SL_EINPUT : SL_ESYS,
		                _("%s: %s%s"), path, strerror(e),
		                e == EEXIST ? _("; refusing to overwrite")
		                            : "");
	}
	sl_rc rc = sl_file_fill(fd, path, data, len, mode);
	if (rc)
		unlink(path);
	return rc;
}

static sl_rc genkey(const char *priv_path, const char *pub_path)
{
	uint8_t raw[SL_ED25519_PUB_LEN];
	char id[SL_KEY_ID_LEN + 1], *pub = NULL, *data = NULL;
	size_t publen = 0;
	sl_rc rc = SL_ESYS;
	struct stat st;

	/* Check first, so that we do not leave half a pair behind. */
	if (lstat(pub_path, &st) == 0)
		return sl_error(SL_EINPUT,
		                _("%s: exists; refusing to overwrite"),
		                pub_path);
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	/* The private key PEM stays in the secure heap, wiped on free. */
	BIO *bio = BIO_new(BIO_s_secmem());
	if (!k || !bio ||
	    PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) != 1) {
		sl_error(rc, _("Ed25519 key generation failed"));
		goto out;
	}
	long n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || (rc = sl_sign_pub(k, raw)) ||
	    (rc = sl_pubkey_to_pem(raw, &pub, &publen)))
		goto out;
	if ((rc = write_new(priv_path, data, (size_t)n, 0600)))
		goto out;
	if ((rc = write_new(pub_path, pub, publen, 0644))) {
		unlink(priv_path); /* ours: we just made it with O_EXCL */
		goto out;
	}
	sl_key_id(raw, id);
	printf(_("key id %s\n"), id);
out:
	free(pub);
	BIO_free(bio);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return rc;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	bindtextdomain("shenli", "/usr/share/locale");
	textdomain("shenli");
	sl_crypto_init();

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout, 0);
	if (argc == 4 && !strcmp(argv[1], "--genkey")) {
		sl_rc rc = genkey(argv[2], argv[3]);
		return rc ? fail(rc) : 0;
	}
	if (argc != 8)
		return usage(stderr, SL_EUSAGE);

	sl_pkg_kind kind;
	long long version, abi;
	if (sl_pkg_kind_parse(argv[3], &kind))
		return fail(SL_EUSAGE);
	if (parse_ll(argv[4], 1, LLONG_MAX, &version)) {
		fprintf(stderr,
		        _("pkgsign: VERSION must be an integer >= 1\n"));
		return SL_EUSAGE;
	}
	if (parse_ll(argv[5], 0, INT_MAX, &abi)) {
		fprintf(stderr, _("pkgsign: ABI must be an integer >= 0\n"));
		return SL_EUSAGE;
	}
	sl_rc rc = sl_package_sign(argv[1], argv[2], kind, version, (int)abi,
	                           argv[6], argv[7]);
	return rc ? fail(rc) : 0;
}
