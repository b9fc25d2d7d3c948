/* test_templates.c - document templates as signed packages: install parses
 * the payload first (a bad one leaves nothing behind), and the template in
 * force is the only one installed or, among several, the one named
 * 'default'; several without one is refused, as is one whose file changed
 * or whose signing key was revoked (never the built-in in its place). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctemplate.h"
#include "pkgstore.h"
#include "templates.h"

typedef struct {
	tstore t;
	sl_store *s;
	char key[400], pub[400], key_id[17];
} fx;

static void run(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->s = tstore_new(&f->t);
	snprintf(f->key, sizeof f->key, "%s/admin.key", f->t.dir);
	snprintf(f->pub, sizeof f->pub, "%s/admin.pub", f->t.dir);
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         "openssl genpkey -algorithm ed25519 -out '%s' 2>/dev/null && "
	         "openssl pkey -in '%s' -pubout -out '%s'",
	         f->key, f->key, f->pub);
	run(cmd);
	assert_int_equal(sl_keys_trust(f->s, f->pub, "templates", f->key_id),
	                 SL_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	sl_store_close(f->s);
	tstore_cleanup(&f->t);
	free(f);
	return 0;
}

/* A template package NAME v VERSION holding json, signed with the key;
 * returns its directory (static: one at a time). */
static const char *pkg(fx *f, const char *name, long long version,
                       const char *json)
{
	static char dir[1024];
	char path[2048], cmd[4096];
	snprintf(dir, sizeof dir, "%s/pkg-%s-%lld", f->t.dir, name, version);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir '%s'", dir, dir);
	run(cmd);
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	FILE *o = fopen(path, "w");
	assert_non_null(o);
	fputs(json, o);
	fclose(o);
	snprintf(path, sizeof path, "%s.json", name);
	assert_int_equal(sl_package_sign(dir, name, SL_PKG_TEMPLATE, version, 1,
	                                 path, f->key),
	                 SL_OK);
	return dir;
}

static sl_rc install(fx *f, const char *name, long long version,
                     const char *json)
{
	return sl_pkg_install(f->s, pkg(f, name, version, json),
	                      SL_PKG_TEMPLATE, NULL);
}

static int count(const sl_pkg_info *p, void *ud)
{
	(void)p;
	(*(int *)ud)++;
	return 0;
}

static int installed(fx *f)
{
	int n = 0;
	assert_int_equal(sl_pkg_list(f->s, SL_PKG_TEMPLATE, count, &n), SL_OK);
	return n;
}

/* The 印发机关 of the report in the template in force ("" if none is). */
static const char *printer_in_force(fx *f, char *buf, size_t cap)
{
	sl_doctemplate *t = NULL;
	assert_int_equal(sl_template_in_force(f->s, &t), SL_OK);
	snprintf(buf, cap, "%s",
	         t ? sl_doctemplate_doc(t, SL_DOCKIND_REPORT)->printer : "");
	sl_doctemplate_free(t);
	return buf;
}

#define TPL(printer)                                                           \
	"{\"format\": \"shenli.template/1\", \"documents\": {\"report\": "     \
	"{\"secrecy\": \"绝密\", \"printer\": \"" printer "\"}}}"

static void test_none_installed_is_builtin(void **state)
{
	fx *f = *state;
	char b[256];
	assert_string_equal(printer_in_force(f, b, sizeof b), "");
}

static void test_bad_template_leaves_nothing(void **state)
{
	fx *f = *state;
	static const char *const bad[] = {
	    "not json",
	    "{\"format\": \"shenli.rules/1\"}",
	    "{\"format\": \"shenli.template/1\", \"documents\": {\"report\": "
	    "{\"secrecy\": \"超级机密\"}}}",
	    "{\"format\": \"shenli.template/1\", \"surprise\": 1}",
	    "{\"format\": \"shenli.template/1\", \"documents\": {\"report\": "
	    "{\"printer\": \"a\\u202eb\"}}}",
	};
	sl_anchor a;
	assert_int_equal(sl_audit_anchor(f->s, &a), SL_OK);
	int64_t seq0 = a.seq;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(install(f, "default", 1, bad[i]), SL_EINPUT);
		assert_non_null(strstr(sl_errmsg(), "not a document template"));
	}
	/* no entry, no listing, no file */
	assert_int_equal(sl_audit_anchor(f->s, &a), SL_OK);
	assert_int_equal(a.seq, seq0);
	assert_int_equal(installed(f), 0);
	char dir[700];
	struct stat st;
	snprintf(dir, sizeof dir, "%s.pkg/default@1", f->t.path);
	assert_int_not_equal(stat(dir, &st), 0);
}

static void test_which_is_in_force(void **state)
{
	fx *f = *state;
	char b[256];
	assert_int_equal(install(f, "agency", 1, TPL("甲")), SL_OK);
	assert_string_equal(printer_in_force(f, b, sizeof b), "甲");
	assert_int_equal(install(f, "default", 1, TPL("乙")), SL_OK);
	assert_string_equal(printer_in_force(f, b, sizeof b), "乙");
	assert_int_equal(sl_pkg_remove(f->s, "default", SL_PKG_TEMPLATE),
	                 SL_OK);
	assert_string_equal(printer_in_force(f, b, sizeof b), "甲");
	assert_int_equal(install(f, "other", 1, TPL("丙")), SL_OK);
	sl_doctemplate *t = NULL;
	assert_int_equal(sl_template_in_force(f->s, &t), SL_EINPUT);
	assert_null(t);
	assert_non_null(strstr(sl_errmsg(), "(agency, other)"));
	assert_int_equal(sl_pkg_remove(f->s, "agency", SL_PKG_TEMPLATE), SL_OK);
	assert_int_equal(sl_pkg_remove(f->s, "other", SL_PKG_TEMPLATE), SL_OK);
	assert_string_equal(printer_in_force(f, b, sizeof b), "");
}

static void test_changed_file_refused(void **state)
{
	fx *f = *state;
	assert_int_equal(install(f, "default", 1, TPL("甲")), SL_OK);
	char path[1024], cmd[4096];
	snprintf(path, sizeof path, "%s.pkg/default@1/default.json", f->t.path);
	/* the same size: only the hash can tell */
	snprintf(cmd, sizeof cmd,
	         "chmod u+w '%s' && sed -i 's/绝密/机密/' '%s' && chmod u-w "
	         "'%s'",
	         path, path, path);
	run(cmd);
	sl_doctemplate *t = NULL;
	assert_int_equal(sl_template_in_force(f->s, &t), SL_EINTEGRITY);
	assert_null(t);
	assert_non_null(strstr(sl_errmsg(), "template 'default'"));
}

static void test_revoked_key_refused(void **state)
{
	fx *f = *state;
	assert_int_equal(install(f, "default", 1, TPL("甲")), SL_OK);
	assert_int_equal(sl_keys_revoke(f->s, f->key_id), SL_OK);
	sl_doctemplate *t = NULL;
	assert_int_equal(sl_template_in_force(f->s, &t), SL_EINTEGRITY);
	assert_null(t);
	assert_non_null(strstr(sl_errmsg(), "revoked"));
	assert_non_null(strstr(sl_errmsg(), "template 'default'"));
}

static void test_kind_and_abi(void **state)
{
	(void)state;
	sl_pkg_kind k;
	assert_string_equal(sl_pkg_kind_name(SL_PKG_TEMPLATE), "template");
	assert_int_equal(sl_pkg_kind_parse("template", &k), SL_OK);
	assert_int_equal(k, SL_PKG_TEMPLATE);
	assert_int_equal(sl_pkg_host_abi(SL_PKG_TEMPLATE), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_none_installed_is_builtin),
	    T(test_bad_template_leaves_nothing),
	    T(test_which_is_in_force),
	    T(test_changed_file_refused),
	    T(test_revoked_key_refused),
	    cmocka_unit_test(test_kind_and_abi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
