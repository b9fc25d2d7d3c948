/*
 * webpage_stats.h - 统计 (the statistics page, issue 16): the cases one may
 * see counted by state and by zone (bar charts the server draws as inline
 * SVG: no script, no style attribute), the overdue ones, the return rate
 * and the median days from acceptance to sign-off, each figure said in
 * Chinese beside what it counts.
 *
 * The figures come from `case stats --json` only, one call a view, as the
 * shenli command prints them (the service counts the cases as it streams
 * them: the page never receives the listing), so that they count exactly
 * the cases the service lets the user see. The page is the leader's (and
 * the auditor's: both see every case of their scope); a role the service
 * refuses the figures (an admin) gets its refusal, and one whose cases are
 * only its own (a member, a specialist: the role the service lists for
 * the user) gets 403 无权查看, since its figures would describe a part as
 * if it were the whole. Zones shown are bounded (the largest
 * STATS_ZONES_MAX, the rest as one 其他 row; the JSON has every zone).
 */
#ifndef SHENLID_WEBPAGE_STATS_H
#define SHENLID_WEBPAGE_STATS_H

#include "webhttp.h"

#define STATS_ZONES_MAX 20

/* GET /stats */
enum MHD_Result sl_web_stats(struct MHD_Connection *c, sl_websess *s);

#endif
