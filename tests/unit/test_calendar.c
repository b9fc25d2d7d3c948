/*
 * Unit tests: the working-day calendar (core/calendar.c) and the data the
 * built-in rules ship for it (plugins/rules/rules.json, "calendar").
 *
 * The expectations are the State Council's notices read by hand, not the
 * data file: 2025 (国办发明电〔2024〕12号) and 2026 (2025年11月4日), with
 * their make-up Saturdays and Sundays (调休上班) and the Spring Festival;
 * 2027 only as far as its statutory holidays go (no notice yet).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the above first */
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "rules.h"

static sl_rules *RULES;
static const sl_calendar *CAL;

static int setup(void **st)
{
	(void)st;
	size_t len;
	const char *doc = sl_rules_builtin(&len);
	if (sl_rules_parse(doc, len, &RULES) != SL_OK) {
		fprintf(stderr, "built-in rules: %s\n", sl_errmsg());
		return -1;
	}
	CAL = sl_rules_calendar(RULES);
	return CAL ? 0 : -1;
}

static int teardown(void **st)
{
	(void)st;
	sl_rules_free(RULES);
	return 0;
}

static int working(const char *day)
{
	int w = -1;
	if (sl_calendar_is_working_day(CAL, day, &w) != SL_OK)
		fail_msg("%s: %s", day, sl_errmsg());
	return w;
}

static void add(const char *day, int n, const char *want)
{
	char out[11] = "";
	if (sl_calendar_add_working_days(CAL, day, n, out) != SL_OK)
		fail_msg("%s + %d: %s", day, n, sl_errmsg());
	if (strcmp(out, want))
		fail_msg("%s + %d working days: %s, want %s", day, n, out,
		         want);
}

static int between(const char *from, const char *to)
{
	int n = 0;
	if (sl_calendar_working_days_between(CAL, from, to, &n) != SL_OK)
		fail_msg("%s..%s: %s", from, to, sl_errmsg());
	return n;
}

/* ---- the built-in data ---------------------------------------------------
 */

static void test_years_and_sources(void **st)
{
	(void)st;
	assert_int_equal(sl_calendar_first_year(CAL), 2025);
	assert_int_equal(sl_calendar_last_year(CAL), 2027);
	int prov = -1;
	const char *src = sl_calendar_source(CAL, 2025, &prov);
	assert_non_null(
	    strstr(src, "国务院办公厅关于2025年部分节假日安排的通知"));
	assert_non_null(strstr(src, "国办发明电〔2024〕12号"));
	assert_int_equal(prov, 0);
	src = sl_calendar_source(CAL, 2026, &prov);
	assert_non_null(
	    strstr(src, "国务院办公厅关于2026年部分节假日安排的通知"));
	assert_int_equal(prov, 0);
	/* the 2027 notice is not out: statutory holidays only, said so */
	src = sl_calendar_source(CAL, 2027, &prov);
	assert_non_null(strstr(src, "全国年节及纪念日放假办法"));
	assert_int_equal(prov, 1);
	assert_null(sl_calendar_source(CAL, 2024, NULL));
	assert_null(sl_calendar_source(CAL, 2028, NULL));
}

static void test_plain_weeks(void **st)
{
	(void)st;
	/* 2025-03-10 is a Monday, an ordinary week */
	static const char *const week[] = {"2025-03-10", "2025-03-11",
	                                   "2025-03-12", "2025-03-13",
	                                   "2025-03-14"};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(working(week[i]), 1);
	assert_int_equal(working("2025-03-15"), 0); /* Saturday */
	assert_int_equal(working("2025-03-16"), 0); /* Sunday */
	add("2025-03-14", 1, "2025-03-17");         /* Friday to Monday */
	add("2025-03-10", 0, "2025-03-10");
	add("2025-03-15", 0, "2025-03-15"); /* n = 0: the day itself */
	add("2025-03-15", 1, "2025-03-17");
	assert_int_equal(between("2025-03-10", "2025-03-17"), 5);
	assert_int_equal(between("2025-03-10", "2025-03-10"), 0);
}

/* 春节 2025: 1月28日（除夕）至2月4日放假调休，共8天；1月26日（周日）、2月8日
 * （周六）上班. 2026:
 * 2月15日至23日，共9天；2月14日（周六）、2月28日（周六）上班. */
static void test_spring_festival(void **st)
{
	(void)st;
	assert_int_equal(working("2025-01-26"), 1); /* Sunday, made up */
	assert_int_equal(working("2025-01-27"), 1);
	for (int d = 28; d <= 31; d++) {
		char day[11];
		snprintf(day, sizeof day, "2025-01-%02d", d);
		assert_int_equal(working(day), 0);
	}
	for (int d = 1; d <= 4; d++) {
		char day[11];
		snprintf(day, sizeof day, "2025-02-%02d", d);
		assert_int_equal(working(day), 0);
	}
	assert_int_equal(working("2025-02-05"), 1);
	assert_int_equal(working("2025-02-08"), 1); /* Saturday, made up */
	assert_int_equal(working("2025-02-09"), 0); /* Sunday */
	/* three working days from the day before 除夕: over the holiday */
	add("2025-01-27", 1, "2025-02-05");
	add("2025-01-27", 3, "2025-02-07");
	add("2025-01-27", 4, "2025-02-08"); /* the make-up Saturday */
	add("2025-01-24", 1, "2025-01-26"); /* Friday to the make-up Sunday */
	assert_int_equal(between("2025-01-24", "2025-02-10"), 7);

	/* 2026: nine days, a make-up Saturday on either side */
	assert_int_equal(working("2026-02-13"), 1);
	assert_int_equal(working("2026-02-14"), 1);
	for (int d = 15; d <= 23; d++) {
		char day[11];
		snprintf(day, sizeof day, "2026-02-%02d", d);
		assert_int_equal(working(day), 0);
	}
	assert_int_equal(working("2026-02-24"), 1);
	assert_int_equal(working("2026-02-28"), 1);
	assert_int_equal(working("2026-03-01"), 0);
	add("2026-02-14", 1, "2026-02-24");
	/* intake's 3 working days from a case received on 除夕前 Friday */
	add("2026-02-13", 3, "2026-02-25");
}

/* The other holidays and 调休 of the two notices. */
static void test_other_holidays(void **st)
{
	(void)st;
	static const char *const off[] = {
	    "2025-01-01", "2025-04-04", "2025-05-01", "2025-05-05",
	    "2025-06-02", "2025-10-01", "2025-10-08", "2026-01-02",
	    "2026-04-06", "2026-05-05", "2026-06-19", "2026-09-25",
	    "2026-10-07"};
	for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
		if (working(off[i]))
			fail_msg("%s should be a holiday", off[i]);
	static const char *const made_up[] = {
	    "2025-04-27", "2025-09-28", "2025-10-11", "2026-01-04",
	    "2026-05-09", "2026-09-20", "2026-10-10"};
	for (size_t i = 0; i < sizeof made_up / sizeof made_up[0]; i++)
		if (!working(made_up[i]))
			fail_msg("%s should be a make-up working day",
			         made_up[i]);
	/* 2025-01-02 is an ordinary Thursday: 元旦 is one day, no 调休 */
	assert_int_equal(working("2025-01-02"), 1);
	/* National Day 2025 with Mid-Autumn: Sep 30 to Oct 9 */
	add("2025-09-30", 1, "2025-10-09");
	add("2025-10-09", 2, "2025-10-11");
}

static void test_year_boundary_and_2027(void **st)
{
	(void)st;
	/* 2026-01-04 (Sunday) is the make-up day of 元旦 */
	add("2025-12-31", 1, "2026-01-04");
	add("2025-12-31", 2, "2026-01-05");
	assert_int_equal(between("2025-12-31", "2026-01-05"), 2);
	/* 2027, statutory days only: 元旦, 除夕 to 初三 */
	assert_int_equal(working("2027-01-01"), 0);
	assert_int_equal(working("2027-02-05"), 0);
	assert_int_equal(working("2027-02-08"), 0);
	assert_int_equal(working("2027-02-09"), 1);
	assert_int_equal(working("2027-10-01"), 0);
	add("2026-12-31", 1, "2027-01-04");
}

static void test_outside_is_an_error(void **st)
{
	(void)st;
	int w;
	char out[11];
	int n;
	assert_int_equal(sl_calendar_is_working_day(CAL, "2024-12-31", &w),
	                 SL_EINPUT);
	assert_non_null(strstr(sl_errmsg(), "2024-12-31"));
	assert_non_null(strstr(sl_errmsg(), "2025 to 2027"));
	assert_int_equal(sl_calendar_is_working_day(CAL, "2028-01-03", &w),
	                 SL_EINPUT);
	/* a walk that would leave the calendar stops with the day it
	 * reached, never guesses */
	assert_int_equal(
	    sl_calendar_add_working_days(CAL, "2027-12-30", 3, out), SL_EINPUT);
	assert_non_null(strstr(sl_errmsg(), "2028-01-01"));
	assert_int_equal(
	    sl_calendar_add_working_days(CAL, "2025-01-02", -2, out),
	    SL_EINPUT);
	assert_non_null(strstr(sl_errmsg(), "2024-12-31"));
	assert_int_equal(sl_calendar_working_days_between(CAL, "2026-05-06",
	                                                  "2030-01-01", &n),
	                 SL_EINPUT);
	/* malformed dates */
	static const char *const bad[] = {"2025-02-30", "2025-2-3", "",
	                                  "2025-02-03x", "20250203"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sl_calendar_is_working_day(CAL, bad[i], &w),
		                 SL_EINPUT);
		assert_non_null(strstr(sl_errmsg(), "not a date"));
	}
	assert_int_equal(sl_calendar_is_working_day(CAL, NULL, &w), SL_EINPUT);
}

/* Counting undoes adding, both ways, from every day of 500 (steps of up
 * to 40 working days stay inside the calendar). */
static void test_add_and_between_agree(void **st)
{
	(void)st;
	static const int steps[] = {-40, -7, -3, -1, 0, 1, 3, 7, 22, 40};
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	unsigned y = 2025, m = 4, d = 1;
	for (int k = 0; k < 500; k++) {
		char day[40];
		snprintf(day, sizeof day, "%04u-%02u-%02u", y, m, d);
		for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
			char to[11];
			assert_int_equal(sl_calendar_add_working_days(
			                     CAL, day, steps[i], to),
			                 SL_OK);
			if (steps[i])
				assert_int_equal(working(to), 1);
			assert_int_equal(between(day, to), steps[i]);
		}
		if (++d > (unsigned)mdays[m - 1]) { /* 2025, 2026: no leap */
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

/* ---- the section's validation ------------------------------------------ */

static sl_rc parse_text(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	if (!j)
		fail_msg("test JSON: %s", e.text);
	sl_calendar *c = NULL;
	sl_rc rc = sl_calendar_parse(j, &c);
	json_decref(j);
	if (rc)
		assert_null(c);
	sl_calendar_free(c);
	return rc;
}

static void refused(const char *text, const char *want)
{
	if (parse_text(text) != SL_EINPUT)
		fail_msg("accepted: %s", text);
	if (!strstr(sl_errmsg(), want))
		fail_msg("message '%s' lacks '%s'", sl_errmsg(), want);
}

#define YEAR(y, body) "\"" y "\": {\"source\": \"通知\", " body "}"
#define CAL1(years) "{\"years\": {" years "}}"

static void test_section_validation(void **st)
{
	(void)st;
	assert_int_equal(parse_text(CAL1(YEAR(
	                     "2030", "\"holidays\": [], \"workdays\": []"))),
	                 SL_OK);
	assert_int_equal(
	    parse_text(CAL1(YEAR("2030", "\"holidays\": [[\"2030-01-01\", "
	                                 "\"2030-01-03\"]], \"workdays\": "
	                                 "[\"2030-01-05\"], \"provisional\": "
	                                 "false"))),
	    SL_OK);
	refused("[]", "calendar: not an object");
	refused("{\"years\": {}}", "1 to 100 years");
	refused("{\"years\": {}, \"extra\": 1}", "unknown key 'extra'");
	refused(
	    CAL1(YEAR("2030", "\"holidays\": [], \"workdays\": []") ", " YEAR(
	        "2032", "\"holidays\": [], \"workdays\": []")),
	    "must follow one another");
	refused(CAL1(YEAR("30", "\"holidays\": [], \"workdays\": []")),
	        "is not a year");
	refused(CAL1(YEAR("1800", "\"holidays\": [], \"workdays\": []")),
	        "is not a year");
	refused(CAL1("\"2030\": {\"holidays\": [], \"workdays\": []}"),
	        "2030.source");
	refused(CAL1(YEAR("2030", "\"holidays\": []")), "2030.workdays");
	refused(CAL1(YEAR("2030", "\"holiday\": [], \"workdays\": []")),
	        "unknown key 'holiday'");
	refused(CAL1(YEAR("2030", "\"holidays\": [\"2031-01-01\"], "
	                          "\"workdays\": []")),
	        "is not in 2030");
	refused(CAL1(YEAR("2030", "\"holidays\": [\"2030-02-30\"], "
	                          "\"workdays\": []")),
	        "holidays[0]: '2030-02-30' is not a date");
	refused(CAL1(YEAR("2030", "\"holidays\": [[\"2030-01-03\", "
	                          "\"2030-01-01\"]], \"workdays\": []")),
	        "ends before it begins");
	refused(CAL1(YEAR("2030", "\"holidays\": [[\"2030-01-03\"]], "
	                          "\"workdays\": []")),
	        "[first, last]");
	refused(CAL1(YEAR("2030", "\"holidays\": [\"2030-01-01\", "
	                          "[\"2030-01-01\", \"2030-01-02\"]], "
	                          "\"workdays\": []")),
	        "listed twice");
	/* 2030-01-07 is a Monday: a make-up working day is a weekend day */
	refused(CAL1(YEAR("2030", "\"holidays\": [], \"workdays\": "
	                          "[\"2030-01-07\"]")),
	        "2030-01-07 is a Monday, not a weekend day");
	refused(CAL1(YEAR("2030", "\"holidays\": [[\"2030-01-05\", "
	                          "\"2030-01-06\"]], \"workdays\": "
	                          "[\"2030-01-05\"]")),
	        "listed twice");
	refused(CAL1(YEAR("2030", "\"holidays\": [], \"workdays\": [], "
	                          "\"provisional\": 1")),
	        "provisional: not a boolean");
	refused(CAL1("\"2030\": {\"source\": \"\", \"holidays\": [], "
	             "\"workdays\": []}"),
	        "2030.source");
	refused(CAL1("\"2030\": {\"source\": \"a\\u001bb\", \"holidays\": [], "
	             "\"workdays\": []}"),
	        "2030.source");
	/* bounded: 367 entries in one list */
	size_t cap = 32 + 367 * 16;
	char *many = malloc(cap);
	assert_non_null(many);
	size_t n = (size_t)snprintf(many, cap,
	                            "{\"years\": {\"2030\": {\"source\": "
	                            "\"x\", \"workdays\": [], \"holidays\": [");
	for (int i = 0; i < 367; i++)
		n += (size_t)snprintf(many + n, cap - n, "%s\"2030-01-01\"",
		                      i ? "," : "");
	snprintf(many + n, cap - n, "]}}}");
	refused(many, "at most 366");
	free(many);
}

/* The rules document: a calendar is optional (documents before version 2
 * have none), but a malformed one refuses the whole document. */
static void test_rules_document(void **st)
{
	(void)st;
	size_t len;
	const char *doc = sl_rules_builtin(&len);
	json_t *root = json_loadb(doc, len, 0, NULL);
	assert_non_null(root);
	json_object_del(root, "calendar");
	char *text = json_dumps(root, 0);
	sl_rules *r = NULL;
	assert_int_equal(sl_rules_parse(text, strlen(text), &r), SL_OK);
	assert_null(sl_rules_calendar(r));
	sl_rules_free(r);
	free(text);
	json_object_set_new(root, "calendar", json_pack("{s:{}}", "years"));
	text = json_dumps(root, 0);
	assert_int_equal(sl_rules_parse(text, strlen(text), &r), SL_EINPUT);
	assert_null(r);
	assert_non_null(strstr(sl_errmsg(), "rules: calendar.years"));
	free(text);
	json_decref(root);
}

/* The built-in rules with review.limit_months set to months (0: removed,
 * so that limit_days counts) and intake.working_days to intake (-1:
 * removed). */
static sl_rules *rules_with(int months, int intake)
{
	size_t len;
	const char *doc = sl_rules_builtin(&len);
	json_t *root = json_loadb(doc, len, 0, NULL);
	assert_non_null(root);
	json_t *rv = json_object_get(root, "review");
	if (months)
		json_object_set_new(rv, "limit_months", json_integer(months));
	else
		json_object_del(rv, "limit_months");
	json_object_set_new(rv, "limit_days", json_integer(30));
	json_t *in = json_object_get(root, "intake");
	if (intake < 0)
		json_object_del(in, "working_days");
	else
		json_object_set_new(in, "working_days", json_integer(intake));
	char *text = json_dumps(root, 0);
	sl_rules *r = NULL;
	assert_int_equal(sl_rules_parse(text, strlen(text), &r), SL_OK);
	free(text);
	json_decref(root);
	return r;
}

/* DOMAIN.md: the review limit is 1 month from acceptance: to the day of
 * the same number a month on (a 31-day month gives 31 days), or that
 * month's last day; rules in days count days. The intake's limit is
 * read, and rules without one set none. */
static void test_limit_in_months(void **st)
{
	(void)st;
	sl_rules *m1 = rules_with(1, 3), *d30 = rules_with(0, -1),
	         *m12 = rules_with(12, 0);
	static const struct {
		const char *from;
		int days;
	} one[] = {{"2027-03-01", 31}, {"2027-04-01", 30}, {"2027-01-31", 28},
	           {"2028-01-31", 29}, {"2027-12-15", 31}, {"2027-02-28", 28}};
	for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
		int64_t at = sl_clock_end_of(one[i].from) - 3600 * 1000LL;
		assert_int_equal(sl_clock_limit_days(m1, at), one[i].days);
		assert_int_equal(sl_clock_limit_days(d30, at), 30);
	}
	assert_int_equal(
	    sl_clock_limit_days(m12, sl_clock_end_of("2027-03-01") - 1000),
	    366);
	assert_int_equal(sl_rules_intake_days(m1), 3);
	assert_int_equal(sl_rules_intake_days(d30), 0);
	assert_int_equal(sl_rules_intake_days(m12), 0); /* 0 is no limit */
	sl_rules_free(m1);
	sl_rules_free(d30);
	sl_rules_free(m12);
}

/* The review clock (clock.h) on the built-in calendar: a limit that ends
 * on a holiday runs to the end of the next working day; the intake limit
 * counts working days; days left count working days too. */
static void test_review_clock(void **st)
{
	(void)st;
	size_t len;
	const char *doc = sl_rules_builtin(&len);
	sl_rules *r = NULL;
	assert_int_equal(sl_rules_parse(doc, len, &r), SL_OK);
	char day[11];
	/* from 2026-09-24, 7 days: 2026-10-01, National Day: the limit runs
	 * to the end of 2026-10-08, the first working day after the week */
	int64_t from = sl_clock_end_of("2026-09-24") - 12 * 3600 * 1000LL;
	int64_t lim = sl_clock_limit(r, from, 7);
	sl_clock_day(lim, day);
	assert_string_equal(day, "2026-10-08");
	sl_clock_day(lim + 1, day);
	assert_string_equal(day, "2026-10-09"); /* the day's very end */
	/* a limit on a working day stays; one on the Mid-Autumn days
	 * (09-25 to 09-27) runs to Monday */
	sl_clock_day(sl_clock_limit(r, from, 5), day);
	assert_string_equal(day, "2026-09-29");
	sl_clock_day(sl_clock_limit(r, from, 1), day);
	assert_string_equal(day, "2026-09-28");
	/* three working days from Friday 2026-02-13: Spring Festival, then
	 * the make-up Saturday 02-14 counts */
	sl_clock_day(sl_clock_working_days(r, "2026-02-13", 3), day);
	assert_string_equal(day, "2026-02-25");
	/* resuming: ten days away from a limit of 2026-09-24 is 10-04, a
	 * holiday: 10-08 */
	int64_t res = sl_clock_resume(r, sl_clock_end_of("2026-09-24"),
	                              10 * 24 * 3600 * 1000LL);
	sl_clock_day(res, day);
	assert_string_equal(day, "2026-10-08");
	/* the days a case was away are calendar days: 08 09:00 to 10 08:59
	 * is two, not one whole 24 hours; the same day is none */
	int64_t h = 3600 * 1000LL;
	int64_t ret = sl_clock_end_of("2026-12-07") + 1 + 9 * h;
	assert_int_equal(sl_clock_days_apart(ret, ret + 2 * 24 * h - 60000), 2);
	assert_int_equal(sl_clock_days_apart(ret, ret + 14 * 24 * h - 700), 14);
	assert_int_equal(sl_clock_days_apart(ret, ret + 14 * h), 0);
	assert_int_equal(sl_clock_days_apart(ret, ret - 24 * h), 0);
	/* days left: on the last day 0, after it negative, in working days */
	int64_t noon = sl_clock_end_of("2026-10-08") - 12 * 3600 * 1000LL;
	assert_int_equal(sl_clock_days_left(r, noon, lim), 0);
	int64_t before = sl_clock_end_of("2026-09-30") - 12 * 3600 * 1000LL;
	assert_int_equal(sl_clock_days_left(r, before, lim), 1);
	int64_t after = sl_clock_end_of("2026-10-12") - 12 * 3600 * 1000LL;
	assert_int_equal(sl_clock_days_left(r, after, lim), -3);
	sl_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_years_and_sources),
	    cmocka_unit_test(test_plain_weeks),
	    cmocka_unit_test(test_spring_festival),
	    cmocka_unit_test(test_other_holidays),
	    cmocka_unit_test(test_year_boundary_and_2027),
	    cmocka_unit_test(test_outside_is_an_error),
	    cmocka_unit_test(test_add_and_between_agree),
	    cmocka_unit_test(test_section_validation),
	    cmocka_unit_test(test_rules_document),
	    cmocka_unit_test(test_review_clock),
	    cmocka_unit_test(test_limit_in_months),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
