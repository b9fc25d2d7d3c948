/* test_out.c - the CLI's table (core/cli/out.c): a listing too long to
 * hold streams in one pass, in the widths of the rows held and of what
 * the command knows; with the widths known it prints exactly what the
 * same table held whole prints. */
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
static void cells(int i, const char *c[5], char id[32], char n[32])
{
	snprintf(id, 32, "ZRJ-2024-%03d", i);
	snprintf(n, 32, "%d", i * 37 % 1000);
	c[0] = id;
	c[1] = i % 3 ? "审理中" : "已签发";
	/* cut to COL_MAX columns exactly, the width cli_table_fit gives a
	 * value too long (an "A", then two columns a character) */
	c[2] = i == 7 ? "A一个很长很长很长很长很长很长很长很长很长很长很长"
	                "很长很长很长很长很长很长很长的名字"
	              : "陶某";
	c[3] = i % 5 ? n : NULL;
	c[4] = i == 4   ? "m2,\tm3\x1b[31m"
	       : i == 5 ? "\xE2\x80\xAEm2\xff"
	       : i == 6 ? "m2,m3,m4,m5,m6,m7,m8,m9,m10,m11,m12,m13,"
	                  "m14,m15,m16,m17,m18"
	                : "m2,m3";
}

static void row(cli_table *t, int i)
{
	const char *c[5];
	char id[32], n[32];
	cells(i, c, id, n);
	for (int k = 0; k < 5; k++)
		cli_table_add(t, c[k]);
}

/* A stream into memory: what a table prints, to compare. */
static FILE *memout(char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	FILE *f = open_memstream(buf, len);
	assert_non_null(f);
	return f;
}

/* The table t ended into f (from memout): it printed want. */
static void ends_as(cli_table *t, FILE *f, char **buf, const char *want)
{
	cli_table_print(t, f);
	cli_table_free(t);
	fclose(f);
	assert_string_equal(*buf, want);
	free(*buf);
}

static cli_table *table(void)
{
	cli_table *t =
	    cli_table_new(5, "CASE", "STATE", "SUBJECT", "N", "TEAM");
	cli_table_right(t, 3);
	return t;
}

/* A listing of rows 0..n-1, through cli_table_list as the commands call
 * it. */
struct listing {
	cli_table *t;
	int n, calls;
	FILE *f;
	long out_at_hold; /* what f held after row "hold" was added */
	size_t hold;
};

static int list_rows(void *ud)
{
	struct listing *l = ud;
	l->calls++;
	for (int i = 0; i < l->n; i++) {
		row(l->t, i);
		if ((size_t)i == l->hold)
			l->out_at_hold = ftell(l->f);
	}
	return 0;
}

/* What printing rows 0..n-1 gives, held whole (hold: large) or streamed
 * after hold rows (hold: small); fit: every column fitted first to its
 * widest cell among them. */
static char *printed(int n, size_t hold, int fit, struct listing *l)
{
	char *buf;
	size_t len;
	FILE *f = memout(&buf, &len);
	cli_table *t = table();
	cli_table_hold(t, hold);
	/* each column fitted to its widest cell as shown (a long one is
	 * cut in the table: cli_table_fit caps the width as the cut does) */
	for (int i = 0; fit && i < n; i++) {
		const char *c[5];
		char id[32], num[32];
		cells(i, c, id, num);
		for (size_t k = 0; k < 5; k++)
			cli_table_fit(t, k, cli_width(cli_txt(c[k])));
	}
	*l = (struct listing){t, n, 0, f, -1, hold};
	assert_int_equal(cli_table_list(t, f, list_rows, l), 0);
	cli_table_print(t, f);
	cli_table_free(t);
	fclose(f);
	return buf;
}

/* The lines of s, counted. */
static int lines(const char *s)
{
	int k = 0;
	for (; *s; s++)
		k += *s == '\n';
	return k;
}

static void test_stream_same_as_whole(void **state)
{
	(void)state;
	for (int n = 0; n < 40; n++) {
		struct listing lw, ls;
		char *whole = printed(n, 1000, 1, &lw),
		     *streamed = printed(n, 3, 1, &ls);
		/* one pass each, whatever the length */
		assert_int_equal(lw.calls, 1);
		assert_int_equal(ls.calls, 1);
		/* with the widths known, a streamed table is the table */
		assert_string_equal(whole, streamed);
		assert_int_equal(lines(whole), n + 1);
		/* a long one was out before its listing ended: the rows held
		 * (and the headers) as soon as one more came */
		if (n > 3)
			assert_true(ls.out_at_hold > 0);
		else
			assert_true(ls.out_at_hold <= 0);
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

/* Without the widths known, the rows held set them; a later wider cell
 * pushes its own row, is not cut, and the rows after it are in line
 * again. */
static void test_stream_unfitted(void **state)
{
	(void)state;
	struct listing l;
	char *s = printed(12, 3, 0, &l);
	assert_int_equal(l.calls, 1);
	assert_int_equal(lines(s), 13);
	/* rows 0-3 held: "陶某" sets SUBJECT's width, and the TEAM column
	 * starts at the same column in each of them */
	char *line[13];
	char *p = s;
	for (int i = 0; i < 13; i++) {
		line[i] = p;
		p = strchr(p, '\n');
		*p++ = 0;
	}
	const char *m = strstr(line[1], "m2,m3");
	assert_non_null(m);
	size_t at = (size_t)(m - line[1]);
	assert_int_equal(strstr(line[2], "m2,m3") - line[2], at);
	assert_int_equal(strstr(line[12], "m2,m3") - line[12], at);
	/* row 7's long name comes later: cut only at the column limit, and
	 * the team after it is pushed right, not lost */
	assert_non_null(strstr(line[8], "\xE2\x80\xA6"));
	assert_null(strstr(line[8], "的名字"));
	assert_true((size_t)(strstr(line[8], "m2,m3") - line[8]) > at);
	free(s);
}

/* A row wider than the rows held is printed unpadded, never with a
 * negative pad; an unfinished last row is completed with "-". */
static int wider_rows(void *ud)
{
	struct listing *l = ud;
	cli_table_add(l->t, "x");
	cli_table_add(l->t, "y");
	assert_int_equal(ftell(l->f), 0); /* held: one row is not more */
	cli_table_add(l->t, "x");
	cli_table_add(l->t, "y");
	assert_true(ftell(l->f) > 0); /* streamed from here */
	cli_table_add(l->t, "xxxx");
	cli_table_add(l->t, "y");
	cli_table_add(l->t, "z"); /* a last row left unfinished */
	return 0;
}

static void test_wider_row_streamed(void **state)
{
	(void)state;
	char *buf;
	size_t len;
	FILE *f = memout(&buf, &len);
	cli_table *t = cli_table_new(2, "A", "B");
	cli_table_hold(t, 1);
	struct listing l = {t, 0, 0, f, -1, 1};
	assert_int_equal(cli_table_list(t, f, wider_rows, &l), 0);
	ends_as(t, f, &buf, "A  B\nx  y\nx  y\nxxxx  y\nz  -\n");
}

/* A fit widens a column once the table streams, never a table held
 * whole; a width past the cut is the cut's. */
static int two_rows(void *ud)
{
	struct listing *l = ud;
	for (int i = 0; i < 2; i++) {
		cli_table_add(l->t, "x");
		cli_table_add(l->t, "y");
		cli_table_add(l->t, NULL);
	}
	return 0;
}

static char *fitted(size_t hold, size_t width)
{
	char *buf;
	size_t len;
	FILE *f = memout(&buf, &len);
	cli_table *t = cli_table_new(3, "A", "B", "C");
	cli_table_hold(t, hold);
	cli_table_fit(t, 0, width);
	cli_table_fit(t, 2, width); /* the last column: never padded */
	struct listing l = {t, 0, 0, f, -1, hold};
	assert_int_equal(cli_table_list(t, f, two_rows, &l), 0);
	cli_table_print(t, f);
	cli_table_free(t);
	fclose(f);
	return buf;
}

static void test_fit_only_when_streaming(void **state)
{
	(void)state;
	char *held = fitted(100, 4), *streamed = fitted(1, 4),
	     *capped = fitted(1, 1000);
	assert_string_equal(held, "A  B  C\nx  y  -\nx  y  -\n");
	assert_string_equal(streamed, "A     B  C\nx     y  -\nx     y  -\n");
	/* 1000 is more than any cell but the last column's is shown */
	const char *nl = strchr(capped, '\n');
	assert_non_null(nl);
	assert_int_equal(nl - capped, 48 + 2 + 1 + 2 + 1);
	free(held);
	free(streamed);
	free(capped);
}

/* A right-aligned first column as wide as its header: the row starts
 * with no padding at all (nothing written, from nothing allocated). */
static void test_right_first_column(void **state)
{
	(void)state;
	char *buf;
	size_t len;
	FILE *f = memout(&buf, &len);
	cli_table *t = cli_table_new(2, "SEQ", "B");
	cli_table_right(t, 0);
	cli_table_add(t, "7");
	cli_table_add(t, "y");
	ends_as(t, f, &buf, "SEQ  B\n  7  y\n");
}

/* Cells at the edges of the one-pass measure of ASCII and ideographs:
 * the first and last ideograph (U+4E00, U+9FFF) are two columns; a tab,
 * bytes that are not UTF-8 and a sequence cut by the end of the text go
 * the long way and are shown as the table shows them (a space, U+FFFD
 * each), never read past. */
static void test_cell_edges(void **state)
{
	(void)state;
	char *buf;
	size_t len;
	FILE *f = memout(&buf, &len);
	cli_table *t = cli_table_new(2, "A", "B");
	static const char *const col0[] = {"\xE4\xB8\x80\xE9\xBF\xBF",
	                                   "\xE4\xB8\x80\t", "a\xE4\xB8",
	                                   "\xE4\xB8\x80\xE4"};
	for (int i = 0; i < 4; i++) {
		cli_table_add(t, col0[i]);
		cli_table_add(t, "x");
	}
	ends_as(t, f, &buf,
	        "A     B\n"
	        "\xE4\xB8\x80\xE9\xBF\xBF  x\n"
	        "\xE4\xB8\x80    x\n"
	        "a\xEF\xBF\xBD\xEF\xBF\xBD   x\n"
	        "\xE4\xB8\x80\xEF\xBF\xBD   x\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream_same_as_whole),
	    cmocka_unit_test(test_stream_unfitted),
	    cmocka_unit_test(test_wider_row_streamed),
	    cmocka_unit_test(test_fit_only_when_streaming),
	    cmocka_unit_test(test_right_first_column),
	    cmocka_unit_test(test_cell_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
