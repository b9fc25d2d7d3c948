/* clock.c - deadlines in local days on the working-day calendar. See
 * clock.h. */
#define _GNU_SOURCE /* timegm */
#include "clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "lifecycle.h"

void sl_clock_day(int64_t ms, char out[11])
{
	sl_day_of(ms, out);
}

static int parse_day(const char *day, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	return sscanf(day, "%4d-%2d-%2d", &tm->tm_year, &tm->tm_mon,
	              &tm->tm_mday) == 3;
}

int64_t sl_clock_end_of(const char *day)
{
	struct tm tm;
	if (!parse_day(day, &tm))
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000 + 999;
}

/* day + n calendar days, in local time */
static void add_days(const char *day, int n, char out[11])
{
	struct tm tm;
	if (!parse_day(day, &tm)) {
		snprintf(out, 11, "%s", day);
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += n;
	tm.tm_hour = 12; /* away from any DST edge */
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int weekday(const char *day)
{
	struct tm tm;
	if (!parse_day(day, &tm))
		return 1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	return tm.tm_wday != 0 && tm.tm_wday != 6;
}

/* Is day a working day? The calendar's answer, or Monday to Friday where
 * it covers no such year. */
static int working(const sl_rules *r, const char *day)
{
	const sl_calendar *c = sl_rules_calendar(r);
	int w;
	if (c && sl_calendar_is_working_day(c, day, &w) == SL_OK)
		return w;
	sl_errclear();
	return weekday(day);
}

/* The day itself if it is a working day, else the next one (a calendar
 * that covers the day decides; where none does, the day stands). */
static void roll(const sl_rules *r, char day[11])
{
	const sl_calendar *c = sl_rules_calendar(r);
	int w;
	if (!c || sl_calendar_is_working_day(c, day, &w) != SL_OK) {
		sl_errclear();
		return;
	}
	for (int i = 0; i < 30 && !working(r, day); i++)
		add_days(day, 1, day);
}

int64_t sl_clock_limit(const sl_rules *r, int64_t from_ms, int days)
{
	char day[11];
	sl_day_of(from_ms, day);
	add_days(day, days, day);
	roll(r, day);
	return sl_clock_end_of(day);
}

int sl_clock_limit_days(const sl_rules *r, int64_t from_ms)
{
	int months = sl_rules_limit_months(r);
	char day[11];
	struct tm tm;
	sl_day_of(from_ms, day);
	if (months <= 0 || !parse_day(day, &tm))
		return sl_rules_limit_days(r);
	/* the day of the same number in the month months on, or that
	 * month's last day if it has none (accepted on 31 January: the end
	 * of February) */
	int y = tm.tm_year, m = tm.tm_mon - 1 + months, d = tm.tm_mday;
	y += m / 12;
	m = m % 12 + 1;
	int last =
	    (int)(sl_days_from_civil(m == 12 ? y + 1 : y,
	                             (unsigned)(m == 12 ? 1 : m + 1), 1) -
	          sl_days_from_civil(y, (unsigned)m, 1));
	if (d > last)
		d = last;
	return (int)(sl_days_from_civil(y, (unsigned)m, (unsigned)d) -
	             sl_days_from_civil(tm.tm_year, (unsigned)tm.tm_mon,
	                                (unsigned)tm.tm_mday));
}

int64_t sl_clock_resume(const sl_rules *r, int64_t deadline_ms, int64_t away_ms)
{
	char day[11];
	sl_day_of(deadline_ms, day);
	add_days(day, (int)(away_ms / SL_DAY_MS), day);
	roll(r, day);
	return sl_clock_end_of(day);
}

int64_t sl_clock_move(const sl_rules *r, int64_t accepted_ms, int limit_days,
                      int64_t deadline_ms, int days)
{
	int64_t to =
	    limit_days >= 0 && accepted_ms > 0
	        ? sl_clock_limit(r, accepted_ms, limit_days + days)
	        : sl_clock_resume(r, deadline_ms, (int64_t)days * SL_DAY_MS);
	/* a limit never moves back (a calendar changed since) */
	return to > deadline_ms ? to : deadline_ms;
}

int sl_clock_move_plausible(int64_t old, int64_t moved, int64_t by_ms)
{
	const int64_t roll = 32 * SL_DAY_MS;
	return moved >= old + (by_ms > roll ? by_ms - roll : 0) &&
	       moved <= old + by_ms + roll;
}

int sl_clock_days_apart(int64_t from_ms, int64_t to_ms)
{
	char a[11], b[11];
	struct tm ta, tb;
	sl_day_of(from_ms, a);
	sl_day_of(to_ms, b);
	if (!parse_day(a, &ta) || !parse_day(b, &tb))
		return 0;
	/* noon UTC of each date: whole days apart, whatever the zone's DST */
	ta.tm_year -= 1900, tb.tm_year -= 1900;
	ta.tm_mon -= 1, tb.tm_mon -= 1;
	ta.tm_hour = tb.tm_hour = 12;
	int64_t d = ((int64_t)timegm(&tb) - (int64_t)timegm(&ta)) / 86400;
	return d > 0 && d < 100000 ? (int)d : 0;
}

int64_t sl_clock_working_days(const sl_rules *r, const char *day, int n)
{
	char out[11];
	snprintf(out, sizeof out, "%s", day);
	const sl_calendar *c = sl_rules_calendar(r);
	if (!c || sl_calendar_add_working_days(c, day, n, out) != SL_OK) {
		sl_errclear();
		snprintf(out, sizeof out, "%s", day);
		for (int k = 0; k < n;) {
			add_days(out, 1, out);
			k += weekday(out);
		}
	}
	return sl_clock_end_of(out);
}

int sl_clock_days_left(const sl_rules *r, int64_t now_ms, int64_t deadline_ms)
{
	char today[11], last[11];
	sl_day_of(now_ms, today);
	sl_day_of(deadline_ms, last);
	const sl_calendar *c = sl_rules_calendar(r);
	int n;
	if (c && sl_calendar_working_days_between(c, today, last, &n) == SL_OK)
		return n;
	sl_errclear();
	/* partly or wholly outside the calendar: day by day, each day the
	 * calendar covers as it says (its holidays, its 调休), the others
	 * Monday to Friday */
	int sign = strcmp(today, last) <= 0 ? 1 : -1;
	char d[11];
	snprintf(d, sizeof d, "%s", sign > 0 ? today : last);
	const char *to = sign > 0 ? last : today;
	n = 0;
	for (int i = 0; i < 4000 && strcmp(d, to) < 0; i++) {
		add_days(d, 1, d);
		int w;
		if (!c || sl_calendar_is_working_day(c, d, &w) != SL_OK) {
			sl_errclear();
			w = weekday(d);
		}
		n += w;
	}
	return sign * n;
}
