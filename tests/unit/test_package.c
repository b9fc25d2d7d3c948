/*
 * Unit tests: signed packages (core/package.c). Fixtures are made here, in a
 * temp dir: keys with OpenSSL's API, and once with the stock openssl CLI, to
 * show an admin's offline signature is what the host verifies.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the above first */
#include <cmocka.h>

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "package.h"

#define PAYLOAD "function check(case) end\n"
#define PAYLOAD_NAME "check.lua"

typedef struct {
	char tmp[64];
	char pkg[128];
	char key_a[128], key_b[128]; /* PEM private key files */
	EVP_PKEY *a, *b;
	sl_trusted_key ta, tb;
	char sha[65]; /* of PAYLOAD */
} fx;

/* ---- helpers ---- */

static void put(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 16);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static void in(const fx *f, const char *name, char out[256])
{
	snprintf(out, 256, "%s/%s", f->pkg, name);
}

static void write_key(EVP_PKEY *k, const char *path)
{
	BIO *b = BIO_new_file(path, "w");
	assert_non_null(b);
	assert_int_equal(
	    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
	BIO_free(b);
}

static void make_key(EVP_PKEY **k, const char *path, sl_trusted_key *t)
{
	*k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(*k);
	write_key(*k, path);
	assert_int_equal(sl_sign_pub(*k, t->raw), SL_OK);
	sl_key_id(t->raw, t->id);
}

/* Replace the manifest with text and sign it (with key) as-is. */
static void resign(const fx *f, EVP_PKEY *key, const char *text, size_t len)
{
	char p[256];
	uint8_t sig[64];
	in(f, "manifest", p);
	put(p, text, len);
	assert_int_equal(sl_sign(key, text, len, sig), SL_OK);
	in(f, "manifest.sig", p);
	put(p, sig, sizeof sig);
}

static void expect(sl_rc got, sl_rc want, const char *needle)
{
	if (got != want || (needle && !strstr(sl_errmsg(), needle)))
		fail_msg("got rc %d \"%s\"; want rc %d containing \"%s\"", got,
		         sl_errmsg(), want, needle ? needle : "");
}

static sl_rc verify_with(const fx *f, const sl_trusted_key *keys, size_t n,
                         sl_manifest *m, char id[17])
{
	sl_errclear();
	return sl_package_verify(f->pkg, keys, n, m, id);
}

static sl_rc verify_a(const fx *f)
{
	sl_manifest m;
	char id[17];
	return verify_with(f, &f->ta, 1, &m, id);
}

/*
 * A manifest for the fixture payload, without the final newline: version or
 * file NULL drops that line, size or sha NULL gives the right value, extra
 * is appended as line 8.
 */
static int text_of(const fx *f, char *out, size_t cap, const char *version,
                   const char *file, const char *size, const char *sha,
                   const char *extra)
{
	char sz[32];
	size_t n = 0;
	snprintf(sz, sizeof sz, "%zu", strlen(PAYLOAD));
	n += (size_t)snprintf(out + n, cap - n, "name=demo\nkind=script\n");
	if (version)
		n +=
		    (size_t)snprintf(out + n, cap - n, "version=%s\n", version);
	n += (size_t)snprintf(out + n, cap - n, "abi=1\n");
	if (file)
		n += (size_t)snprintf(out + n, cap - n, "file=%s\n", file);
	n += (size_t)snprintf(out + n, cap - n, "size=%s\nsha256=%s",
	                      size ? size : sz, sha ? sha : f->sha);
	if (extra)
		n += (size_t)snprintf(out + n, cap - n, "\n%s", extra);
	assert_true(n < cap);
	return (int)n;
}

static void run(const char *cmd)
{
	int r = system(cmd);
	if (r != 0)
		fail_msg("command failed (%d): %s", r, cmd);
}

/* ---- fixture ---- */

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	uint8_t h[32];
	assert_non_null(f);
	snprintf(f->tmp, sizeof f->tmp, "/tmp/shenli-pkg-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->pkg, sizeof f->pkg, "%s/pkg", f->tmp);
	snprintf(f->key_a, sizeof f->key_a, "%s/a.pem", f->tmp);
	snprintf(f->key_b, sizeof f->key_b, "%s/b.pem", f->tmp);
	assert_int_equal(mkdir(f->pkg, 0755), 0);
	make_key(&f->a, f->key_a, &f->ta);
	make_key(&f->b, f->key_b, &f->tb);
	char p[256];
	in(f, PAYLOAD_NAME, p);
	put(p, PAYLOAD, strlen(PAYLOAD));
	assert_int_equal(sl_sha256(PAYLOAD, strlen(PAYLOAD), h), SL_OK);
	sl_hex(h, 32, f->sha);
	assert_int_equal(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 3, 1,
	                                 PAYLOAD_NAME, f->key_a),
	                 SL_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->tmp);
	int r = system(cmd);
	EVP_PKEY_free(f->a);
	EVP_PKEY_free(f->b);
	free(f);
	return r;
}

/* ---- the good path ---- */

static void test_good_verifies(void **state)
{
	fx *f = *state;
	sl_manifest m;
	char id[17], p[256];
	assert_int_equal(verify_with(f, &f->ta, 1, &m, id), SL_OK);
	assert_string_equal(id, f->ta.id);
	assert_int_equal(strlen(id), 16);
	assert_string_equal(m.name, "demo");
	assert_int_equal(m.kind, SL_PKG_SCRIPT);
	assert_int_equal(m.version, 3);
	assert_int_equal(m.abi, 1);
	assert_string_equal(m.file, PAYLOAD_NAME);
	assert_int_equal(m.size, strlen(PAYLOAD));
	char hex[65];
	sl_hex(m.sha256, 32, hex);
	assert_string_equal(hex, f->sha);

	/* the manifest pkgsign writes is exactly the documented form */
	size_t len;
	char want[512];
	text_of(f, want, sizeof want, "3", PAYLOAD_NAME, NULL, NULL, NULL);
	strcat(want, "\n");
	in(f, "manifest", p);
	char *got = slurp(p, &len);
	assert_string_equal(got, want);
	free(got);
}

static void test_signer_is_reported(void **state)
{
	fx *f = *state;
	sl_trusted_key both[2] = {f->tb, f->ta};
	char id[17];
	sl_manifest m;
	/* signed by a: the second key in the list verifies */
	assert_int_equal(verify_with(f, both, 2, &m, id), SL_OK);
	assert_string_equal(id, f->ta.id);
	/* re-signed by b: the first */
	assert_int_equal(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 4, 1,
	                                 PAYLOAD_NAME, f->key_b),
	                 SL_OK);
	assert_int_equal(verify_with(f, both, 2, &m, id), SL_OK);
	assert_string_equal(id, f->tb.id);
	assert_int_equal(m.version, 4);
	assert_string_not_equal(f->ta.id, f->tb.id);
	/* NULL out-parameters are allowed */
	assert_int_equal(sl_package_verify(f->pkg, both, 2, NULL, NULL), SL_OK);
}

/* ---- signature failures: SL_EINTEGRITY ---- */

static void test_unsigned(void **state)
{
	fx *f = *state;
	char p[256];
	in(f, "manifest.sig", p);
	assert_int_equal(unlink(p), 0);
	expect(verify_a(f), SL_EINTEGRITY, "manifest.sig is missing");
	assert_non_null(strstr(sl_errmsg(), "not signed by a trusted key"));
}

static void test_sig_wrong_length(void **state)
{
	fx *f = *state;
	char p[256];
	size_t len;
	in(f, "manifest.sig", p);
	char *sig = slurp(p, &len);
	assert_int_equal(len, 64);

	put(p, sig, 63);
	expect(verify_a(f), SL_EINTEGRITY, "manifest.sig is 63 bytes, not 64");
	put(p, sig, 0);
	expect(verify_a(f), SL_EINTEGRITY, "manifest.sig is 0 bytes, not 64");
	char longer[65];
	memcpy(longer, sig, 64);
	longer[64] = '\n'; /* e.g. a signature "fixed up" by an editor */
	put(p, longer, 65);
	expect(verify_a(f), SL_EINTEGRITY, "longer than 64 bytes");
	put(p, sig, 64);
	assert_int_equal(verify_a(f), SL_OK);
	free(sig);
}

static void test_untrusted_key(void **state)
{
	fx *f = *state;
	sl_manifest m;
	char id[17];
	assert_int_equal(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 3, 1,
	                                 PAYLOAD_NAME, f->key_b),
	                 SL_OK);
	expect(verify_with(f, &f->ta, 1, &m, id), SL_EINTEGRITY,
	       "does not verify with any of the 1 trusted key");
	assert_string_equal(id, "");
	assert_string_equal(m.name, ""); /* nothing leaks out on failure */
	expect(verify_with(f, NULL, 0, &m, id), SL_EINTEGRITY,
	       "not signed by a trusted key");
}

static void test_revoked_key(void **state)
{
	fx *f = *state;
	sl_trusted_key both[2] = {f->ta, f->tb}, only_b[1] = {f->tb};
	char id[17];
	sl_manifest m;
	assert_int_equal(verify_with(f, both, 2, &m, id), SL_OK);
	/* a revoked: the caller leaves it out of the list */
	expect(verify_with(f, only_b, 1, &m, id), SL_EINTEGRITY,
	       "not signed by a trusted key");
}

static void test_tampered_manifest(void **state)
{
	fx *f = *state;
	char p[256];
	size_t len;
	in(f, "manifest", p);
	char *t = slurp(p, &len);
	char *v = strstr(t, "version=3");
	assert_non_null(v);
	v[8] = '9'; /* a rollback-defeating bump, say */
	put(p, t, len);
	expect(verify_a(f), SL_EINTEGRITY, "not signed by a trusted key");
	/* a byte appended is also a different manifest */
	v[8] = '3';
	t[len] = '\n';
	put(p, t, len + 1);
	expect(verify_a(f), SL_EINTEGRITY, "not signed by a trusted key");
	put(p, t, len);
	assert_int_equal(verify_a(f), SL_OK);
	free(t);
}

/* ---- payload failures: SL_EINTEGRITY ---- */

static void test_tampered_payload(void **state)
{
	fx *f = *state;
	char p[256];
	char buf[] = PAYLOAD;
	in(f, PAYLOAD_NAME, p);
	buf[3] ^= 1;
	put(p, buf, strlen(buf));
	expect(verify_a(f), SL_EINTEGRITY, "sha256 differs");
	buf[3] ^= 1;
	buf[sizeof buf - 2] ^= 0x80; /* the last byte */
	put(p, buf, strlen(buf));
	expect(verify_a(f), SL_EINTEGRITY, "sha256 differs");
}

static void test_payload_wrong_size(void **state)
{
	fx *f = *state;
	char p[256], buf[] = PAYLOAD "x";
	in(f, PAYLOAD_NAME, p);
	put(p, buf, strlen(buf));
	expect(verify_a(f), SL_EINTEGRITY, "size differs");
	put(p, buf, strlen(buf) - 2);
	expect(verify_a(f), SL_EINTEGRITY, "size differs");
	put(p, "", 0);
	expect(verify_a(f), SL_EINTEGRITY, "size differs");
	/* the manifest stating the wrong size, correctly signed */
	char t[512];
	int n = text_of(f, t, sizeof t, "3", PAYLOAD_NAME, "24", NULL, NULL);
	resign(f, f->a, t, (size_t)n);
	put(p, PAYLOAD, strlen(PAYLOAD));
	expect(verify_a(f), SL_EINTEGRITY, "size differs");
}

static void test_missing_files(void **state)
{
	fx *f = *state;
	char p[256];
	in(f, PAYLOAD_NAME, p);
	assert_int_equal(unlink(p), 0);
	expect(verify_a(f), SL_EINTEGRITY, "payload check.lua is missing");
	in(f, "manifest", p);
	assert_int_equal(unlink(p), 0);
	expect(verify_a(f), SL_EINPUT, "no manifest");
	assert_int_equal(
	    sl_package_verify("/nonexistent/pkg", &f->ta, 1, NULL, NULL),
	    SL_EINPUT);
	/* a file, not a directory */
	assert_int_equal(sl_package_verify(f->key_a, &f->ta, 1, NULL, NULL),
	                 SL_EINPUT);
}

/* ---- non-regular files ---- */

static void test_symlinks_refused(void **state)
{
	fx *f = *state;
	char p[256], elsewhere[256];
	static const char *const names[] = {"manifest.sig", PAYLOAD_NAME,
	                                    "manifest"};
	for (size_t i = 0; i < 3; i++) {
		/* the link points at a valid copy: still refused */
		in(f, names[i], p);
		snprintf(elsewhere, sizeof elsewhere, "%s/moved", f->tmp);
		assert_int_equal(rename(p, elsewhere), 0);
		assert_int_equal(symlink(elsewhere, p), 0);
		expect(verify_a(f), SL_EINTEGRITY, "symbolic link");
		assert_non_null(strstr(sl_errmsg(), names[i]));
		assert_int_equal(unlink(p), 0);
		assert_int_equal(rename(elsewhere, p), 0);
		assert_int_equal(verify_a(f), SL_OK);
	}
}

static void test_payload_directory(void **state)
{
	fx *f = *state;
	char p[256], t[512], empty[65];
	uint8_t h[32];
	in(f, "sub", p);
	assert_int_equal(mkdir(p, 0755), 0);
	sl_sha256("", 0, h);
	sl_hex(h, 32, empty);
	int n = text_of(f, t, sizeof t, "3", "sub", "0", empty, NULL);
	resign(f, f->a, t, (size_t)n);
	expect(verify_a(f), SL_EINTEGRITY, "sub is not a regular file");
}

static void test_fifo_refused(void **state)
{
	fx *f = *state;
	char p[256];
	/* would block forever in a plain open(); must be refused at once */
	in(f, "manifest.sig", p);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0644), 0);
	expect(verify_a(f), SL_EINTEGRITY, "not a regular file");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 3, 1,
	                                 PAYLOAD_NAME, f->key_a),
	                 SL_OK);
	in(f, PAYLOAD_NAME, p);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0644), 0);
	expect(verify_a(f), SL_EINTEGRITY, "not a regular file");
}

/* ---- manifest syntax: SL_EINPUT, after the signature ---- */

typedef struct {
	const char *text;
	const char *needle;
} bad_case;

/* Each case: parse alone, then signed by a trusted key as a package. */
static void check_bad(fx *f, const bad_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sl_manifest m;
		size_t len = strlen(c[i].text);
		sl_errclear();
		expect(sl_manifest_parse(c[i].text, len, &m), SL_EINPUT,
		       c[i].needle);
		resign(f, f->a, c[i].text, len);
		expect(verify_a(f), SL_EINPUT, c[i].needle);
		assert_non_null(strstr(sl_errmsg(), f->pkg));
	}
}

static void test_manifest_unknown_key(void **state)
{
	fx *f = *state;
	char t[1024];
	text_of(f, t, sizeof t, "3", PAYLOAD_NAME, NULL, NULL, "expires=2030");
	bad_case c[] = {{t, "line 8: unknown key \"expires\""}};
	check_bad(f, c, 1);
	/* hostile bytes are not echoed to the terminal */
	char u[1024];
	text_of(f, u, sizeof u, "3", PAYLOAD_NAME, NULL, NULL, "\x1b[2J=1");
	bad_case d[] = {{u, "unknown key \"?[2J\""}};
	check_bad(f, d, 1);
}

static void test_manifest_duplicate_key(void **state)
{
	fx *f = *state;
	char t[1024], u[1024];
	text_of(f, t, sizeof t, "3", PAYLOAD_NAME, NULL, NULL, "version=4");
	text_of(f, u, sizeof u, "3", PAYLOAD_NAME, NULL, NULL, "version=3");
	bad_case c[] = {
	    {t, "line 8: duplicate key \"version\" (first on line 3)"},
	    {u, "duplicate key \"version\""}, /* even with the same value */
	};
	check_bad(f, c, 2);
}

static void test_manifest_missing_key(void **state)
{
	fx *f = *state;
	char t[1024], u[1024];
	text_of(f, t, sizeof t, NULL, PAYLOAD_NAME, NULL, NULL, NULL);
	text_of(f, u, sizeof u, "3", NULL, NULL, NULL, NULL);
	bad_case c[] = {
	    {t, "missing key \"version\""},
	    {u, "missing key \"file\""},
	};
	check_bad(f, c, 2);
}

static void test_manifest_bad_version(void **state)
{
	fx *f = *state;
	static const struct {
		const char *v, *needle;
	} vs[] = {
	    {"0", "version: must be at least 1"},
	    {"-1", "version: not a decimal integer"},
	    {"1.5", "version: not a decimal integer"},
	    {"99999999999999999999", "version: out of range"},
	    {"9223372036854775808", "version: out of range"},
	    {"+1", "version: not a decimal integer"},
	    {"01", "version: no leading zeros"},
	    {"1e3", "version: not a decimal integer"},
	    {"", "version: empty value"},
	    {"0x10", "version: not a decimal integer"},
	};
	for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
		char t[1024];
		text_of(f, t, sizeof t, vs[i].v, PAYLOAD_NAME, NULL, NULL,
		        NULL);
		bad_case c = {t, vs[i].needle};
		check_bad(f, &c, 1);
	}
	/* the largest is fine */
	char t[1024];
	sl_manifest m;
	int n = text_of(f, t, sizeof t, "9223372036854775807", PAYLOAD_NAME,
	                NULL, NULL, NULL);
	assert_int_equal(sl_manifest_parse(t, (size_t)n, &m), SL_OK);
	assert_true(m.version == 9223372036854775807LL);
}

static void test_manifest_bad_sha256(void **state)
{
	fx *f = *state;
	char upper[65], shorter[65], longer[67], nonhex[65];
	for (size_t i = 0; i < 65; i++)
		upper[i] =
		    (char)(f->sha[i] >= 'a' && f->sha[i] <= 'f' ? f->sha[i] - 32
		                                                : f->sha[i]);
	snprintf(shorter, sizeof shorter, "%.63s", f->sha);
	snprintf(longer, sizeof longer, "%s0", f->sha);
	memcpy(nonhex, f->sha, 65);
	nonhex[10] = 'g';
	static const char *const needle = "sha256: must be 64 lower-case hex";
	const char *shas[] = {upper, shorter, longer, nonhex, ""};
	for (size_t i = 0; i < 5; i++) {
		char t[1024];
		text_of(f, t, sizeof t, "3", PAYLOAD_NAME, NULL, shas[i], NULL);
		bad_case c = {t, needle};
		check_bad(f, &c, 1);
	}
}

static void test_manifest_bad_file(void **state)
{
	fx *f = *state;
	char big[200];
	memset(big, 'a', 129);
	big[129] = 0;
	static const struct {
		const char *v, *needle;
	} fs[] = {
	    {"a/b", "without '/'"},
	    {"/etc/passwd", "without '/'"},
	    {"../check.lua", "without '/'"},
	    {"..", "must not start with '.'"},
	    {".", "must not start with '.'"},
	    {".hidden", "must not start with '.'"},
	    {"", "file: must be 1 to 128"},
	    {"check lua", "only A-Z"},
	    {"check\\lua", "only A-Z"},
	    {"manifest", "must not name the manifest"},
	    {"manifest.sig", "must not name the manifest"},
	};
	for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		char t[1024];
		text_of(f, t, sizeof t, "3", fs[i].v, NULL, NULL, NULL);
		bad_case c = {t, fs[i].needle};
		check_bad(f, &c, 1);
	}
	char t[1024];
	text_of(f, t, sizeof t, "3", big, NULL, NULL, NULL);
	bad_case c = {t, "file: must be 1 to 128"};
	check_bad(f, &c, 1);
}

static void test_manifest_other_syntax(void **state)
{
	fx *f = *state;
	char good[512], t[8][1024];
	int n =
	    text_of(f, good, sizeof good, "3", PAYLOAD_NAME, NULL, NULL, NULL);
	snprintf(t[0], sizeof t[0], "name =demo\n%s", strchr(good, '\n') + 1);
	snprintf(t[1], sizeof t[1], "name= demo\n%s", strchr(good, '\n') + 1);
	snprintf(t[2], sizeof t[2], "name=demo\n\n%s", strchr(good, '\n') + 1);
	snprintf(t[3], sizeof t[3], "%s\n\n", good);
	snprintf(t[4], sizeof t[4], "name=demo\r\n%s", strchr(good, '\n') + 1);
	snprintf(t[5], sizeof t[5], "name\n%s", strchr(good, '\n') + 1);
	snprintf(t[6], sizeof t[6], "name=Demo\n%s", strchr(good, '\n') + 1);
	snprintf(t[7], sizeof t[7], "%s", good);
	memcpy(strstr(t[7], "kind=script"), "kind=Script", 11);
	bad_case c[] = {
	    {t[0], "line 1: no spaces around '='"},
	    {t[1], "line 1: no spaces around '='"},
	    {t[2], "line 2: empty line"},
	    {t[3], "line 8: empty line"},
	    {t[4], "contains CR"},
	    {t[5], "line 1: not key=value"},
	    {t[6], "name: only a-z"},
	    {t[7], "kind: must be plugin, script, rules or template"},
	    {"", "manifest: empty"},
	};
	check_bad(f, c, sizeof c / sizeof c[0]);

	/* abi and size bounds */
	char u[1024];
	sl_manifest m;
	snprintf(u, sizeof u, "%s", good);
	memcpy(strstr(u, "abi=1"), "abi=-", 5);
	expect(sl_manifest_parse(u, strlen(u), &m), SL_EINPUT, "abi:");
	text_of(f, u, sizeof u, "3", PAYLOAD_NAME, "67108865", NULL, NULL);
	expect(sl_manifest_parse(u, strlen(u), &m), SL_EINPUT,
	       "size: out of range");
	/* a NUL inside */
	snprintf(u, sizeof u, "%s", good);
	u[3] = 0;
	expect(sl_manifest_parse(u, (size_t)n, &m), SL_EINPUT, "NUL");

	/* any order, with or without the final newline, is fine */
	assert_int_equal(sl_manifest_parse(good, (size_t)n, &m), SL_OK);
	char r[1024];
	const char *kind = strstr(good, "kind=");
	snprintf(r, sizeof r, "%s\n%.*s", kind, (int)(kind - good - 1), good);
	assert_int_equal(sl_manifest_parse(r, strlen(r), &m), SL_OK);
	assert_string_equal(m.name, "demo");
	assert_int_equal(m.size, strlen(PAYLOAD));
	resign(f, f->a, r, strlen(r));
	assert_int_equal(verify_a(f), SL_OK);
	/* every kind */
	static const char *const kinds[] = {"plugin", "script", "rules"};
	for (int k = 0; k < 3; k++) {
		snprintf(u, sizeof u, "kind=%s\n%s", kinds[k],
		         strstr(good, "version="));
		strcat(u, "\nname=x");
		assert_int_equal(sl_manifest_parse(u, strlen(u), &m), SL_OK);
		assert_int_equal((int)m.kind, k);
	}
}

static void test_manifest_too_big(void **state)
{
	fx *f = *state;
	char *t = calloc(1, 8192);
	assert_non_null(t);
	int n = text_of(f, t, 8192, "3", PAYLOAD_NAME, NULL, NULL, NULL);
	/* pad to 4097 bytes with newlines (empty lines: refused for syntax) */
	while (n < SL_PKG_MAX_MANIFEST + 1)
		t[n++] = '\n';
	sl_manifest m;
	expect(sl_manifest_parse(t, (size_t)n, &m), SL_EINPUT,
	       "over the limit of 4096");
	resign(f, f->a, t, (size_t)n);
	expect(verify_a(f), SL_EINPUT, "manifest is over the limit of 4096");
	/* exactly 4096 bytes is within bounds: refused only for its syntax */
	expect(sl_manifest_parse(t, SL_PKG_MAX_MANIFEST, &m), SL_EINPUT,
	       "empty line");
	resign(f, f->a, t, SL_PKG_MAX_MANIFEST);
	expect(verify_a(f), SL_EINPUT, "empty line");
	free(t);
}

static void test_signature_checked_before_syntax(void **state)
{
	fx *f = *state;
	char t[1024], p[256];
	/* malformed AND not signed by a trusted key: the signature speaks */
	int n = text_of(f, t, sizeof t, "0", "..", NULL, NULL, "x=y");
	resign(f, f->b, t, (size_t)n);
	expect(verify_a(f), SL_EINTEGRITY, "not signed by a trusted key");
	in(f, "manifest.sig", p);
	assert_int_equal(unlink(p), 0);
	expect(verify_a(f), SL_EINTEGRITY, "manifest.sig is missing");
}

/* ---- interoperability with the stock openssl CLI ---- */

static void test_openssl_cli_signed(void **state)
{
	fx *f = *state;
	char cmd[1024], p[256], t[1024];
	size_t len;
	/* the admin's offline steps of spec/cli.md, to the letter */
	int n = text_of(f, t, sizeof t, "7", PAYLOAD_NAME, NULL, NULL, NULL);
	in(f, "manifest", p);
	put(p, t, (size_t)n);
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && openssl genpkey -algorithm ed25519 -out admin.key "
	         "2>/dev/null && openssl pkey -in admin.key -pubout -out "
	         "admin.pub && cd pkg && openssl pkeyutl -sign -rawin -inkey "
	         "../admin.key -in manifest -out manifest.sig",
	         f->tmp);
	run(cmd);

	snprintf(p, sizeof p, "%s/admin.pub", f->tmp);
	char *pem = slurp(p, &len);
	sl_trusted_key k;
	assert_int_equal(sl_pubkey_from_pem(pem, len, k.raw), SL_OK);
	sl_key_id(k.raw, k.id);
	/* our PEM writer gives the very bytes openssl pkey -pubout wrote */
	char *ours;
	size_t olen;
	assert_int_equal(sl_pubkey_to_pem(k.raw, &ours, &olen), SL_OK);
	assert_int_equal(olen, len);
	assert_string_equal(ours, pem);
	free(ours);
	free(pem);

	sl_manifest m;
	char id[17];
	assert_int_equal(verify_with(f, &k, 1, &m, id), SL_OK);
	assert_string_equal(id, k.id);
	assert_int_equal(m.version, 7);
	/* and it is not trusted with only a in the list */
	expect(verify_a(f), SL_EINTEGRITY, "not signed by a trusted key");
}

static void test_openssl_cli_verifies_ours(void **state)
{
	fx *f = *state;
	char cmd[1024];
	/* pkgsign's output verifies with stock openssl too */
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && openssl pkey -in a.pem -pubout -out a.pub && "
	         "openssl pkeyutl -verify -rawin -pubin -inkey a.pub -in "
	         "pkg/manifest -sigfile pkg/manifest.sig >/dev/null",
	         f->tmp);
	run(cmd);
	/* and the key file sl_package_sign reads can be one openssl made */
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && openssl genpkey -algorithm ed25519 -out c.pem",
	         f->tmp);
	run(cmd);
	char c[256];
	snprintf(c, sizeof c, "%s/c.pem", f->tmp);
	assert_int_equal(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 3, 1,
	                                 PAYLOAD_NAME, c),
	                 SL_OK);
	expect(verify_a(f), SL_EINTEGRITY, "not signed by a trusted key");
}

/* ---- public keys ---- */

static void test_pubkey_pem_roundtrip(void **state)
{
	fx *f = *state;
	char *pem;
	size_t len;
	uint8_t back[32];
	assert_int_equal(sl_pubkey_to_pem(f->ta.raw, &pem, &len), SL_OK);
	assert_int_equal(strlen(pem), len);
	assert_non_null(strstr(pem, "-----BEGIN PUBLIC KEY-----\n"));
	assert_int_equal(sl_pubkey_from_pem(pem, len, back), SL_OK);
	assert_memory_equal(back, f->ta.raw, 32);
	/* white space around the block is fine */
	char padded[512];
	snprintf(padded, sizeof padded, "\n  %s\n\n", pem);
	assert_int_equal(sl_pubkey_from_pem(padded, strlen(padded), back),
	                 SL_OK);
	assert_memory_equal(back, f->ta.raw, 32);
	free(pem);
}

static void test_pubkey_refuses_others(void **state)
{
	fx *f = *state;
	char cmd[1024], p[256];
	size_t len;
	uint8_t raw[32];
	static const struct {
		const char *gen, *needle;
	} others[] = {
	    {"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024",
	     "RSA key, not Ed25519"},
	    {"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256",
	     "EC key, not Ed25519"},
	    /* also 32 raw bytes: only the type tells them apart */
	    {"openssl genpkey -algorithm x25519", "X25519 key, not Ed25519"},
	    {"openssl genpkey -algorithm ed448", "ED448 key, not Ed25519"},
	};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		snprintf(cmd, sizeof cmd,
		         "cd '%s' && %s -out o.key 2>/dev/null && openssl pkey "
		         "-in o.key -pubout -out o.pub",
		         f->tmp, others[i].gen);
		run(cmd);
		snprintf(p, sizeof p, "%s/o.pub", f->tmp);
		char *pem = slurp(p, &len);
		sl_errclear();
		expect(sl_pubkey_from_pem(pem, len, raw), SL_EINPUT,
		       others[i].needle);
		free(pem);
	}

	/* a private key where the public one belongs */
	char *priv = slurp(f->key_a, &len);
	expect(sl_pubkey_from_pem(priv, len, raw), SL_EINPUT, "private key");
	free(priv);

	char *pem, buf[8192];
	size_t plen;
	assert_int_equal(sl_pubkey_to_pem(f->ta.raw, &pem, &plen), SL_OK);
	/* two keys; trailing garbage; leading garbage */
	snprintf(buf, sizeof buf, "%s%s", pem, pem);
	expect(sl_pubkey_from_pem(buf, strlen(buf), raw), SL_EINPUT,
	       "unexpected data after the key");
	snprintf(buf, sizeof buf, "%sjunk\n", pem);
	expect(sl_pubkey_from_pem(buf, strlen(buf), raw), SL_EINPUT,
	       "unexpected data after the key");
	snprintf(buf, sizeof buf, "comment\n%s", pem);
	expect(sl_pubkey_from_pem(buf, strlen(buf), raw), SL_EINPUT,
	       "expected \"-----BEGIN PUBLIC KEY-----\"");
	/* a broken base64 body */
	snprintf(buf, sizeof buf, "%s", pem);
	buf[30] = '*';
	expect(sl_pubkey_from_pem(buf, strlen(buf), raw), SL_EINPUT, "PEM");
	/* truncated */
	expect(sl_pubkey_from_pem(pem, plen - 10, raw), SL_EINPUT, "PEM");
	/* empty; NUL; over 4 KiB */
	expect(sl_pubkey_from_pem("", 0, raw), SL_EINPUT, "expected");
	expect(sl_pubkey_from_pem(pem, plen + 1, raw), SL_EINPUT, "NUL");
	memset(buf, ' ', sizeof buf);
	memcpy(buf + sizeof buf - plen, pem, plen);
	expect(sl_pubkey_from_pem(buf, sizeof buf, raw), SL_EINPUT,
	       "over the limit of 4096");
	free(pem);
}

static void test_key_id_kat(void **state)
{
	(void)state;
	/*
	 * RFC 8032 section 7.1, TEST 1 public key. Independent answer:
	 *   python3 -c "import hashlib; print(hashlib.sha256(bytes.fromhex(
	 *     'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'
	 *   )).hexdigest()[:16])"
	 *   -> 21fe31dfa154a261
	 */
	uint8_t raw[32];
	char id[17];
	assert_int_equal(sl_unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa6"
	                          "2325af021a68f707511a",
	                          raw, 32),
	                 SL_OK);
	sl_key_id(raw, id);
	assert_string_equal(id, "21fe31dfa154a261");
	/* bytes 0..31: hashlib.sha256(bytes(range(32))) -> 630dcd2966c43366 */
	for (int i = 0; i < 32; i++)
		raw[i] = (uint8_t)i;
	sl_key_id(raw, id);
	assert_string_equal(id, "630dcd2966c43366");
	for (int i = 0; i < 16; i++)
		assert_non_null(strchr("0123456789abcdef", id[i]));
}

/* ---- signing ---- */

static void test_sign_refuses_bad_args(void **state)
{
	fx *f = *state;
	char rsa[256], cmd[512];
	expect(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 0, 1,
	                       PAYLOAD_NAME, f->key_a),
	       SL_EINPUT, "version");
	expect(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 1, -1,
	                       PAYLOAD_NAME, f->key_a),
	       SL_EINPUT, "abi");
	expect(sl_package_sign(f->pkg, "Demo", SL_PKG_SCRIPT, 1, 1,
	                       PAYLOAD_NAME, f->key_a),
	       SL_EINPUT, "name");
	expect(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 1, 1, "../a.pem",
	                       f->key_a),
	       SL_EINPUT, "without '/'");
	expect(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 1, 1,
	                       "manifest.tmp", f->key_a),
	       SL_EINPUT, "reserved");
	expect(sl_package_sign(f->pkg, "demo", (sl_pkg_kind)7, 1, 1,
	                       PAYLOAD_NAME, f->key_a),
	       SL_EINPUT, "kind");
	expect(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 1, 1, "nope.lua",
	                       f->key_a),
	       SL_EINPUT, "missing");
	/* a public key, an RSA key, no key at all */
	char pub[256];
	char *pem;
	size_t len;
	snprintf(pub, sizeof pub, "%s/a.pub", f->tmp);
	assert_int_equal(sl_pubkey_to_pem(f->ta.raw, &pem, &len), SL_OK);
	put(pub, pem, len);
	free(pem);
	expect(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 1, 1,
	                       PAYLOAD_NAME, pub),
	       SL_EINPUT, "not a PEM private key");
	snprintf(rsa, sizeof rsa, "%s/rsa.pem", f->tmp);
	snprintf(cmd, sizeof cmd,
	         "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 "
	         "-out '%s' 2>/dev/null",
	         rsa);
	run(cmd);
	expect(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 1, 1,
	                       PAYLOAD_NAME, rsa),
	       SL_EINPUT, "not Ed25519");
	snprintf(rsa, sizeof rsa, "%s/none.pem", f->tmp);
	assert_int_not_equal(sl_package_sign(f->pkg, "demo", SL_PKG_SCRIPT, 1,
	                                     1, PAYLOAD_NAME, rsa),
	                     SL_OK);
	/* none of that touched the package */
	assert_int_equal(verify_a(f), SL_OK);
}

static void test_sign_empty_payload_and_kinds(void **state)
{
	fx *f = *state;
	char p[256];
	sl_manifest m;
	char id[17];
	in(f, "empty.json", p);
	put(p, "", 0);
	assert_int_equal(sl_package_sign(f->pkg, "r-1_x", SL_PKG_RULES, 12, 0,
	                                 "empty.json", f->key_a),
	                 SL_OK);
	assert_int_equal(verify_with(f, &f->ta, 1, &m, id), SL_OK);
	assert_int_equal(m.kind, SL_PKG_RULES);
	assert_int_equal(m.size, 0);
	assert_int_equal(m.abi, 0);
	assert_string_equal(m.name, "r-1_x");
}

static void test_kind_names(void **state)
{
	(void)state;
	sl_pkg_kind k;
	assert_string_equal(sl_pkg_kind_name(SL_PKG_PLUGIN), "plugin");
	assert_string_equal(sl_pkg_kind_name(SL_PKG_SCRIPT), "script");
	assert_string_equal(sl_pkg_kind_name(SL_PKG_RULES), "rules");
	assert_string_equal(sl_pkg_kind_name(SL_PKG_TEMPLATE), "template");
	assert_int_equal(sl_pkg_kind_parse("template", &k), SL_OK);
	assert_int_equal(k, SL_PKG_TEMPLATE);
	assert_int_equal(sl_pkg_kind_parse("rules", &k), SL_OK);
	assert_int_equal(k, SL_PKG_RULES);
	assert_int_equal(sl_pkg_kind_parse("rule", &k), SL_EINPUT);
	assert_int_equal(sl_pkg_kind_parse("", &k), SL_EINPUT);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_good_verifies),
	    T(test_signer_is_reported),
	    T(test_unsigned),
	    T(test_sig_wrong_length),
	    T(test_untrusted_key),
	    T(test_revoked_key),
	    T(test_tampered_manifest),
	    T(test_tampered_payload),
	    T(test_payload_wrong_size),
	    T(test_missing_files),
	    T(test_symlinks_refused),
	    T(test_payload_directory),
	    T(test_fifo_refused),
	    T(test_manifest_unknown_key),
	    T(test_manifest_duplicate_key),
	    T(test_manifest_missing_key),
	    T(test_manifest_bad_version),
	    T(test_manifest_bad_sha256),
	    T(test_manifest_bad_file),
	    T(test_manifest_other_syntax),
	    T(test_manifest_too_big),
	    T(test_signature_checked_before_syntax),
	    T(test_openssl_cli_signed),
	    T(test_openssl_cli_verifies_ours),
	    T(test_pubkey_pem_roundtrip),
	    T(test_pubkey_refuses_others),
	    T(test_key_id_kat),
	    T(test_sign_refuses_bad_args),
	    T(test_sign_empty_payload_and_kinds),
	    T(test_kind_names),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
