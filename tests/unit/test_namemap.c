/* test_namemap.c - the client's names put back in output that comes in
 * chunks (daemon/namemap.h): the same result wherever the chunks are cut,
 * a name cut by a chunk's end included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the above first */
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../daemon/namemap.h"

static const sl_namemap M[] = {
    {"/proc/self/fd/100", "dossiers/甲.json"},
    {"/proc/self/fd/101", "b.json"},
    {"/srv/shenli/.incoming.Ab3", "pkg"},
};
#define NM (sizeof M / sizeof M[0])

static char *whole(const char *t)
{
	char *out;
	size_t n;
	assert_int_equal(sl_namemap_put(M, NM, t, strlen(t), 1, &out, &n), 0);
	assert_int_equal(strlen(out), n);
	return out;
}

static void test_whole(void **st)
{
	(void)st;
	char *o = whole("/proc/self/fd/100: bad; /proc/self/fd/101 ok; "
	                "/srv/shenli/.incoming.Ab3/manifest.json /proc/self/"
	                "fd/1000 /tmp");
	assert_string_equal(o, "dossiers/甲.json: bad; b.json ok; "
	                       "pkg/manifest.json dossiers/甲.json0 /tmp");
	free(o);
	o = whole("");
	assert_string_equal(o, "");
	free(o);
	/* a cut name at the very end of the whole output is itself */
	o = whole("ends with /proc/self/fd/10");
	assert_string_equal(o, "ends with /proc/self/fd/10");
	free(o);
}

/* Fed in two chunks cut at every place: the same as whole. */
static void test_every_cut(void **st)
{
	(void)st;
	const char *t = "[{\"file\":\"/proc/self/fd/100\"},{\"file\":\"/proc/"
	                "self/fd/101\"}] /srv/shenli/.incoming.Ab3 //x/";
	char *want = whole(t);
	size_t n = strlen(t);
	for (size_t cut = 0; cut <= n; cut++) {
		char *a, *b;
		size_t an, bn;
		long held = sl_namemap_put(M, NM, t, cut, 0, &a, &an);
		assert_true(held >= 0 && (size_t)held <= cut);
		/* what was held goes in front of the next chunk */
		size_t rest = (size_t)held + (n - cut);
		char *next = malloc(rest + 1);
		memcpy(next, t + cut - held, rest);
		assert_int_equal(sl_namemap_put(M, NM, next, rest, 1, &b, &bn),
		                 0);
		char *got = malloc(an + bn + 1);
		memcpy(got, a, an);
		memcpy(got + an, b, bn + 1);
		assert_string_equal(got, want);
		free(got);
		free(next);
		free(a);
		free(b);
	}
	free(want);
}

/* A name longer than its stand-in, many times over: the buffer grows. */
static void test_growth(void **st)
{
	(void)st;
	static const sl_namemap L[] = {
	    {"/a", "a-name-far-longer-than-the-stand-in-it-replaces"}};
	char t[2001];
	for (int i = 0; i < 1000; i++)
		memcpy(t + 2 * i, "/a", 2);
	t[2000] = 0;
	char *out;
	size_t n;
	assert_int_equal(sl_namemap_put(L, 1, t, 2000, 1, &out, &n), 0);
	assert_int_equal(n, 1000 * strlen(L[0].to));
	assert_int_equal(strlen(out), n);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole),
	    cmocka_unit_test(test_every_cut),
	    cmocka_unit_test(test_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
