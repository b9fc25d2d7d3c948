/*
 * clock.h - the review clock in the days the regulations count.
 *
 * Dates are the workstation's local calendar days (as the dossiers' are),
 * never UTC. A limit of N days from a day ends at the end of the N-th day
 * after it; if that is not a working day (the rules' calendar, calendar.h:
 * holidays and 调休 make-up days), the limit runs to the end of the next
 * working day, as Chinese time limits do (期限届满日为节假日的，顺延至节假日
 * 后的第一个工作日). The intake limit counts working days themselves. Where
 * the calendar does not cover a year, a limit is not moved (the strict
 * reading) and weekends alone make days not working.
 */
#ifndef SHENLI_CLOCK_H
#define SHENLI_CLOCK_H

#include <stdint.h>

#include "rules.h"

/* The local calendar day of a time, and the end of a day (its last ms). */
void sl_clock_day(int64_t ms, char out[11]);
int64_t sl_clock_end_of(const char *day);

/* The end of the limit of days calendar days from the day of from_ms,
 * moved on to a working day. */
int64_t sl_clock_limit(const sl_rules *r, int64_t from_ms, int days);
/* The review limit's calendar days for a case accepted at from_ms: the
 * rules' review.limit_months as months (DOMAIN.md: 1 month from
 * acceptance; to the day of the same number, or the month's last day),
 * else their review.limit_days. */
int sl_clock_limit_days(const sl_rules *r, int64_t from_ms);
/* A limit moved on by away_ms (time a case spent returned): by the same
 * number of calendar days, then to a working day. */
int64_t sl_clock_resume(const sl_rules *r, int64_t deadline_ms,
                        int64_t away_ms);
/* The limit of a case accepted at accepted_ms, whose limit counted
 * limit_days, moved on by days more: worked out from acceptance and
 * rolled on to a working day once, so that a limit already rolled over a
 * weekend is not rolled again from there. limit_days < 0 (a case accepted
 * before the count was kept): deadline_ms moved on as sl_clock_resume
 * does. Never earlier than deadline_ms. */
int64_t sl_clock_move(const sl_rules *r, int64_t accepted_ms, int limit_days,
                      int64_t deadline_ms, int days);
/* Whether a limit moved from old to moved by a span of by_ms (the days an
 * extension adds, or the time a returned case was away) lies where
 * sl_clock_move can put it: not before old and the span less the 32 days
 * a calendar may have rolled the old limit on, nor after old, the span
 * and 32 days more. The replay holds the log to this; a command that
 * would write a limit outside it was misled by a store changed outside
 * shenli. */
int sl_clock_move_plausible(int64_t old, int64_t moved, int64_t by_ms);
/* Calendar days from the local day of from_ms to that of to_ms (0 if the
 * same day or earlier): a case returned on the 8th and resubmitted on the
 * 10th was away 2 days, whatever the hours. */
int sl_clock_days_apart(int64_t from_ms, int64_t to_ms);
/* The end of the n-th working day after the day `day` ("YYYY-MM-DD"). */
int64_t sl_clock_working_days(const sl_rules *r, const char *day, int n);
/* Working days from today (the day of now_ms) to the deadline's day: 0 on
 * the last day, negative once it has passed. */
int sl_clock_days_left(const sl_rules *r, int64_t now_ms, int64_t deadline_ms);

#endif
