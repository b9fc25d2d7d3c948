/* calendar.c - working days by the yearly holiday notices. See calendar.h. */
#include "calendar.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "text.h"

/* What a day is beyond its weekday. */
enum { DAY_PLAIN = 0, DAY_HOLIDAY = 1, DAY_WORKDAY = 2 };

struct year {
	char *source;
	int provisional;
	int32_t jan1;     /* days since 1970-01-01 of 1 January */
	uint8_t day[366]; /* DAY_* by day of the year */
};

struct sl_calendar {
	int first, n; /* years first .. first + n - 1 */
	struct year *y;
};

/* ---- days (since 1970-01-01, proleptic Gregorian) ------------------------
 * Howard Hinnant's algorithms: exact integer arithmetic, no libc, no time
 * zone, so a day is a day on every machine. */

int32_t sl_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void sl_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe =
	    (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)yoe + era * 400 + (*m <= 2);
}

/* 0 Sunday .. 6 Saturday (1970-01-01 was a Thursday). */
static unsigned weekday(int32_t z)
{
	return (unsigned)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

static const char *const WEEKDAY_EN[7] = {"Sunday",    "Monday",   "Tuesday",
                                          "Wednesday", "Thursday", "Friday",
                                          "Saturday"};

/* A valid "YYYY-MM-DD" (sl_date_valid: a real day in 1900-2200) as a day
 * number; -1 with *year unset if it is not one. */
static int parse_day(const char *s, int32_t *z, int *year)
{
	if (!s || !sl_date_valid(s))
		return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	        (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	*z = sl_days_from_civil(y, m, d);
	*year = y;
	return 0;
}

static void format_day(int32_t z, char out[11])
{
	int y;
	unsigned m, d;
	sl_civil_from_days(z, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, m % 100u,
	         d % 100u);
}

/* ---- parsing the section ------------------------------------------------ */

void sl_calendar_free(sl_calendar *c)
{
	if (!c)
		return;
	for (int i = 0; c->y && i < c->n; i++)
		free(c->y[i].source);
	free(c->y);
	free(c);
}

/* Only these keys, so that a misspelt one ("holiday") is an error rather
 * than a year silently without holidays. */
static sl_rc only_keys(const json_t *o, const char *path,
                       const char *const *keys, size_t n)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		size_t i = 0;
		while (i < n && strcmp(k, keys[i]))
			i++;
		if (i == n) {
			char safe[64];
			sl_text_sanitize(k, safe, sizeof safe);
			return sl_error(SL_EINPUT,
			                _("rules: %s: unknown key '%s'"), path,
			                safe);
		}
	}
	return SL_OK;
}

/* A date of year y at path; its day of the year into *doy. */
static sl_rc year_day(const json_t *v, const char *path, int y,
                      const struct year *yr, int *doy)
{
	const char *s = json_string_value(v);
	int32_t z;
	int year;
	if (!s || parse_day(s, &z, &year)) {
		char safe[32];
		sl_text_sanitize(s ? s : "", safe, sizeof safe);
		return sl_error(SL_EINPUT,
		                _("rules: %s: '%s' is not a date (YYYY-MM-DD)"),
		                path, safe);
	}
	if (year != y)
		return sl_error(SL_EINPUT, _("rules: %s: %s is not in %d"),
		                path, s, y);
	*doy = (int)(z - yr->jan1);
	return SL_OK;
}

static sl_rc mark(struct year *yr, int doy, int what, const char *path,
                  const char *day)
{
	if (yr->day[doy] != DAY_PLAIN)
		return sl_error(SL_EINPUT, _("rules: %s: %s is listed twice"),
		                path, day);
	yr->day[doy] = (uint8_t)what;
	return SL_OK;
}

static sl_rc parse_list(const json_t *o, const char *ypath, const char *key,
                        int y, struct year *yr)
{
	char path[96];
	const json_t *a = json_object_get(o, key);
	snprintf(path, sizeof path, "%s.%s", ypath, key);
	if (!json_is_array(a) || json_array_size(a) > SL_CALENDAR_MAX_ENTRIES)
		return sl_error(SL_EINPUT,
		                _("rules: %s: not a list (of at most %d)"),
		                path, SL_CALENDAR_MAX_ENTRIES);
	int holidays = !strcmp(key, "holidays");
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *e = json_array_get(a, i);
		char at[128];
		snprintf(at, sizeof at, "%s[%zu]", path, i);
		int from, to;
		sl_rc rc;
		/* a holiday is a day or a [first, last] run of days; a
		 * make-up working day is one day */
		if (holidays && json_is_array(e)) {
			if (json_array_size(e) != 2)
				return sl_error(SL_EINPUT,
				                _("rules: %s: a run of days is "
				                  "[first, last]"),
				                at);
			if ((rc = year_day(json_array_get(e, 0), at, y, yr,
			                   &from)) ||
			    (rc = year_day(json_array_get(e, 1), at, y, yr,
			                   &to)))
				return rc;
			if (from > to)
				return sl_error(SL_EINPUT,
				                _("rules: %s: the run ends "
				                  "before it begins"),
				                at);
		} else {
			if ((rc = year_day(e, at, y, yr, &from)))
				return rc;
			to = from;
		}
		for (int d = from; d <= to; d++) {
			char day[11];
			format_day(yr->jan1 + d, day);
			unsigned wd = weekday(yr->jan1 + d);
			if (!holidays && wd != 0 && wd != 6)
				return sl_error(
				    SL_EINPUT,
				    _("rules: %s: %s is a %s, not a "
				      "weekend day"),
				    at, day, WEEKDAY_EN[wd]);
			if ((rc = mark(yr, d,
			               holidays ? DAY_HOLIDAY : DAY_WORKDAY, at,
			               day)))
				return rc;
		}
	}
	return SL_OK;
}

static sl_rc parse_year(const json_t *o, int y, struct year *yr)
{
	static const char *const keys[] = {"source", "holidays", "workdays",
	                                   "provisional"};
	char path[48];
	snprintf(path, sizeof path, "calendar.years.%d", y);
	if (!json_is_object(o))
		return sl_error(SL_EINPUT, _("rules: %s: not an object"), path);
	sl_rc rc = only_keys(o, path, keys, sizeof keys / sizeof keys[0]);
	if (rc)
		return rc;
	const json_t *src = json_object_get(o, "source");
	const char *s = json_string_value(src);
	if (!s || !*s || json_string_length(src) > SL_CALENDAR_MAX_SOURCE ||
	    strlen(s) != json_string_length(src) ||
	    !sl_text_printable(s, strlen(s)))
		return sl_error(SL_EINPUT,
		                _("rules: %s.source: the notice the year is "
		                  "taken from, 1 to %d bytes of text"),
		                path, SL_CALENDAR_MAX_SOURCE);
	const json_t *pv = json_object_get(o, "provisional");
	if (pv && !json_is_boolean(pv))
		return sl_error(
		    SL_EINPUT, _("rules: %s.provisional: not a boolean"), path);
	yr->provisional = json_is_true(pv);
	yr->jan1 = sl_days_from_civil(y, 1, 1);
	memset(yr->day, DAY_PLAIN, sizeof yr->day);
	/* holidays first: a make-up working day may not be one */
	if ((rc = parse_list(o, path, "holidays", y, yr)) ||
	    (rc = parse_list(o, path, "workdays", y, yr)))
		return rc;
	if (!(yr->source = strdup(s)))
		return sl_error(SL_ESYS, _("out of memory"));
	return SL_OK;
}

/* A key of "years": four digits, 1900-2200 (the dates dossiers carry). */
static int year_key(const char *k)
{
	if (strlen(k) != 4)
		return -1;
	for (int i = 0; i < 4; i++)
		if (k[i] < '0' || k[i] > '9')
			return -1;
	int y = atoi(k);
	return y >= 1900 && y <= 2200 ? y : -1;
}

sl_rc sl_calendar_parse(const json_t *section, sl_calendar **out)
{
	static const char *const keys[] = {"note", "years"};
	*out = NULL;
	if (!json_is_object(section))
		return sl_error(SL_EINPUT, _("rules: calendar: not an object"));
	sl_rc rc = only_keys(section, "calendar", keys, 2);
	if (rc)
		return rc;
	const json_t *note = json_object_get(section, "note");
	if (note && !json_is_string(note))
		return sl_error(SL_EINPUT,
		                _("rules: calendar.note: not a string"));
	const json_t *years = json_object_get(section, "years");
	size_t n = json_object_size(years);
	if (!json_is_object(years) || n == 0 || n > SL_CALENDAR_MAX_YEARS)
		return sl_error(SL_EINPUT,
		                _("rules: calendar.years: an object of 1 to %d "
		                  "years"),
		                SL_CALENDAR_MAX_YEARS);
	/* the years must follow one another: first..first+n-1, each once
	 * (the keys are distinct, so n of them in a span of n is all) */
	int first = 9999, last = 0;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)years, k, v)
	{
		int y = year_key(k);
		if (y < 0) {
			char safe[32];
			sl_text_sanitize(k, safe, sizeof safe);
			return sl_error(
			    SL_EINPUT,
			    _("rules: calendar.years: '%s' is not a "
			      "year (1900-2200)"),
			    safe);
		}
		first = y < first ? y : first;
		last = y > last ? y : last;
	}
	if (last - first + 1 != (int)n)
		return sl_error(SL_EINPUT,
		                _("rules: calendar.years: %d to %d has a gap: "
		                  "the years must follow one another"),
		                first, last);
	sl_calendar *c = calloc(1, sizeof *c);
	if (!c || !(c->y = calloc(n, sizeof *c->y))) {
		free(c);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	c->first = first;
	c->n = (int)n;
	json_object_foreach((json_t *)years, k, v)
	{
		int y = year_key(k);
		if ((rc = parse_year(v, y, &c->y[y - first]))) {
			sl_calendar_free(c);
			return rc;
		}
	}
	*out = c;
	return SL_OK;
}

/* ---- questions ---------------------------------------------------------- */

int sl_calendar_first_year(const sl_calendar *c)
{
	return c->first;
}

int sl_calendar_last_year(const sl_calendar *c)
{
	return c->first + c->n - 1;
}

const char *sl_calendar_source(const sl_calendar *c, int year, int *provisional)
{
	if (year < c->first || year >= c->first + c->n)
		return NULL;
	if (provisional)
		*provisional = c->y[year - c->first].provisional;
	return c->y[year - c->first].source;
}

static sl_rc outside(const sl_calendar *c, int32_t z)
{
	char day[11];
	format_day(z, day);
	return sl_error(SL_EINPUT,
	                _("%s is outside the working-day calendar, which "
	                  "covers %d to %d: the rules need that year's "
	                  "holiday schedule"),
	                day, c->first, c->first + c->n - 1);
}

/* Is day z a working day? -1 if it is outside the calendar. */
static int working(const sl_calendar *c, int32_t z)
{
	int y;
	unsigned m, d;
	sl_civil_from_days(z, &y, &m, &d);
	if (y < c->first || y >= c->first + c->n)
		return -1;
	const struct year *yr = &c->y[y - c->first];
	uint8_t what = yr->day[z - yr->jan1];
	if (what != DAY_PLAIN)
		return what == DAY_WORKDAY;
	unsigned wd = weekday(z);
	return wd != 0 && wd != 6;
}

static sl_rc day_in(const sl_calendar *c, const char *s, int32_t *z)
{
	int year;
	if (parse_day(s, z, &year)) {
		char safe[32];
		sl_text_sanitize(s ? s : "", safe, sizeof safe);
		return sl_error(SL_EINPUT, _("'%s' is not a date (YYYY-MM-DD)"),
		                safe);
	}
	return working(c, *z) < 0 ? outside(c, *z) : SL_OK;
}

sl_rc sl_calendar_is_working_day(const sl_calendar *c, const char *day,
                                 int *out)
{
	int32_t z;
	sl_rc rc = day_in(c, day, &z);
	if (!rc)
		*out = working(c, z);
	return rc;
}

sl_rc sl_calendar_add_working_days(const sl_calendar *c, const char *day, int n,
                                   char out[11])
{
	int32_t z;
	sl_rc rc = day_in(c, day, &z);
	if (rc)
		return rc;
	int step = n < 0 ? -1 : 1;
	/* the walk stays inside the calendar (at most 100 years of days), so
	 * it ends whatever n is */
	for (long left = n < 0 ? -(long)n : n; left > 0;) {
		z += step;
		int w = working(c, z);
		if (w < 0)
			return outside(c, z);
		left -= w;
	}
	format_day(z, out);
	return SL_OK;
}

sl_rc sl_calendar_working_days_between(const sl_calendar *c, const char *from,
                                       const char *to, int *n)
{
	int32_t a, b;
	sl_rc rc = day_in(c, from, &a);
	if (!rc)
		rc = day_in(c, to, &b);
	if (rc)
		return rc;
	/* forwards the days after from up to to; backwards the days from
	 * to up to (not) from: so that counting undoes adding either way */
	int count = 0;
	if (b >= a)
		for (int32_t z = a + 1; z <= b; z++)
			count += working(c, z);
	else
		for (int32_t z = b; z < a; z++)
			count -= working(c, z);
	*n = count;
	return SL_OK;
}
