/*
 * calendar.h - working days (工作日): public holidays and make-up working
 * days (调休上班) per year, as the State Council's yearly notice (国务院办公厅
 * 关于…部分节假日安排的通知) sets them.
 *
 * The intake and review limits count working days, and the schedule
 * changes every year by notice, so it is data: the "calendar" section of
 * the signed rules document (rules.h), one entry per year naming the
 * notice it comes from:
 *
 *   "calendar": {"years": {"2026": {
 *       "source": "国务院办公厅关于2026年部分节假日安排的通知（…）",
 *       "holidays": ["2026-01-01", ["2026-02-15", "2026-02-23"], …],
 *       "workdays": ["2026-02-14", "2026-02-28", …],
 *       "provisional": false }}}
 *
 * A day is a working day when it is a make-up working day, or a Monday to
 * Friday that is not a holiday. The years must follow one another; a date
 * outside them is an error naming the years covered, never a guess (a
 * deadline computed on a guessed calendar is a wrong deadline). A year
 * marked provisional is one whose notice is not out yet: it holds only the
 * statutory holidays, and sl_calendar_source() says so.
 *
 * Dates are "YYYY-MM-DD" calendar days (the workstation's local calendar,
 * as the dossiers' dates are); no time of day, no time zone.
 */
#ifndef SHENLI_CALENDAR_H
#define SHENLI_CALENDAR_H

#include <jansson.h>

#include "err.h"

/* Bounds on the section: years covered, entries in one year's lists, and
 * the bytes of a source. */
#define SL_CALENDAR_MAX_YEARS 100
#define SL_CALENDAR_MAX_ENTRIES 366
#define SL_CALENDAR_MAX_SOURCE 1024

typedef struct sl_calendar sl_calendar;

/* Parse and strictly validate the "calendar" section of a rules document.
 * SL_EINPUT names the path and the problem ("calendar.years.2026.workdays
 * [1]: 2026-02-16 is a Monday, not a weekend day"); SL_ESYS if memory ran
 * out. The calendar copies what it keeps: section may go afterwards. */
sl_rc sl_calendar_parse(const json_t *section, sl_calendar **out);
void sl_calendar_free(sl_calendar *c);

/* The years covered, first to last, one after another. */
int sl_calendar_first_year(const sl_calendar *c);
int sl_calendar_last_year(const sl_calendar *c);

/* The notice a year's schedule is taken from, NULL for a year not
 * covered; *provisional (if not NULL) is 1 when the year holds only the
 * statutory holidays, its notice not out yet. */
const char *sl_calendar_source(const sl_calendar *c, int year,
                               int *provisional);

/*
 * The three questions deadlines ask. Each fails with SL_EINPUT for a
 * malformed date, or for a date (or, counting, a day on the way) outside
 * the years covered; the message names the date and the years.
 *
 * is_working_day: *working 1 or 0.
 * add_working_days: the n-th working day after day (n > 0), before it
 *   (n < 0), or day itself (n == 0), into out ("YYYY-MM-DD").
 * working_days_between: the working days after from up to and including
 *   to; when to is before from, minus the working days from to up to but
 *   not including from. So between(from, add(from, n)) == n for every n.
 */
sl_rc sl_calendar_is_working_day(const sl_calendar *c, const char *day,
                                 int *working);
sl_rc sl_calendar_add_working_days(const sl_calendar *c, const char *day, int n,
                                   char out[11]);
sl_rc sl_calendar_working_days_between(const sl_calendar *c, const char *from,
                                       const char *to, int *n);

#endif
