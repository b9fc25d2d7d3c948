/* test_out.c - the CLI's table (core/cli/out.c): a listing too long to
 * hold is measured, then streamed, and prints exactly what the same table
 * held whole prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/cli/cli.h"

/* The rows of a listing: ids, Chinese, a long cell (cut, but not in the
 * last column), an empty one, text that is not shown as itself (a tab,
 * an escape, a bidirectional override, bytes that are not UTF-8). */
static void row(cli_table *t, int i)
{
	char id[32], n[32];
	snprintf(id, sizeof id, "ZRJ-2024-%03d", i);
	snprintf(n, sizeof n, "%d", i * 37 % 1000);
	cli_table_add(t, id);
	cli_table_add(t, i % 3 ? "审理中" : "已签发");
	cli_table_add(
	    t, i == 7 ? "一个很长很长很长很长很长很长很长很长很长很长很长"
	                "很长很长很长很长很长很长很长的名字"
	              : "陶某");
	cli_table_add(t, i % 5 ? n : NULL);
	cli_table_add(t, i == 4   ? "m2,\tm3\x1b[31m"
	                 : i == 5 ? "\xE2\x80\xAEm2\xff"
	                 : i == 6 ? "m2,m3,m4,m5,m6,m7,m8,m9,m10,m11,m12,m13,"
	                            "m14,m15,m16,m17,m18"
	                          : "m2,m3");
}

static cli_table *table(void)
{
	cli_table *t =
	    cli_table_new(5, "CASE", "STATE", "SUBJECT", "N", "TEAM");
	cli_table_right(t, 3);
	return t;
}

/* What printing rows 0..n-1 gives, held whole (hold: large) or through
 * the hold, measure and stream steps (hold: small), as the commands do. */
static char *printed(int n, size_t hold)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	cli_table *t = table();
	cli_table_hold(t, hold);
	int i = 0;
	for (; i < n && !cli_table_full(t); i++)
		row(t, i);
	if (cli_table_full(t)) {
		cli_table_measure(t);
		for (i = 0; i < n; i++) {
			row(t, i);
			assert_false(cli_table_full(t));
		}
		cli_table_stream(t, f);
		for (i = 0; i < n; i++)
			row(t, i);
	}
	cli_table_print(t, f);
	cli_table_free(t);
	fclose(f);
	return buf;
}

static void test_stream_same_as_whole(void **state)
{
	(void)state;
	for (int n = 0; n < 40; n++) {
		char *whole = printed(n, 1000), *streamed = printed(n, 3);
		assert_string_equal(whole, streamed);
		/* and what is not shown as itself reaches neither: no tab, no
		 * escape, no override, no byte that is not UTF-8 */
		assert_null(strpbrk(whole, "\t\x1b\xff"));
		assert_null(strstr(whole, "\xE2\x80\xAE"));
		if (n > 6)
			assert_non_null(strstr(whole, "\xEF\xBF\xBD"));
		/* a long cell is cut ("…"), except in the last column */
		if (n > 7) {
			assert_non_null(strstr(whole, "\xE2\x80\xA6"));
			assert_null(strstr(whole, "的名字"));
			assert_non_null(strstr(whole, "m17,m18"));
		}
		free(whole);
		free(streamed);
	}
}

static void test_full_after_hold(void **state)
{
	(void)state;
	cli_table *t = table();
	cli_table_hold(t, 2);
	row(t, 0);
	row(t, 1);
	assert_false(cli_table_full(t));
	row(t, 2);
	assert_true(cli_table_full(t));
	cli_table_free(t);
}

/* A row wider than what was measured (listed in between) is printed
 * unpadded, never with a negative pad. */
static void test_wider_row_streamed(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cli_table *t = cli_table_new(2, "A", "B");
	cli_table_hold(t, 0);
	cli_table_add(t, "x");
	cli_table_add(t, "y");
	cli_table_add(t, "x");
	cli_table_add(t, "y");
	assert_true(cli_table_full(t));
	cli_table_measure(t);
	cli_table_add(t, "x");
	cli_table_add(t, "y");
	cli_table_stream(t, f);
	cli_table_add(t, "xxxx");
	cli_table_add(t, "y");
	cli_table_add(t, "z"); /* a last row left unfinished */
	cli_table_print(t, f);
	cli_table_free(t);
	fclose(f);
	assert_string_equal(buf, "A  B\nxxxx  y\nz  -\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream_same_as_whole),
	    cmocka_unit_test(test_full_after_hold),
	    cmocka_unit_test(test_wider_row_streamed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
