/* webpage_stats.c - 统计 (webpage_stats.h). */
#define _GNU_SOURCE
#include "webpage_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <shenli/ops.h>

#include "webcall.h"

/* The states in the lifecycle's order, each with its bars' colour (an SVG
 * presentation attribute: the CSP allows no style attribute). */
static const struct {
	const char *code, *fill;
} STATES[] = {
    {"received", "#9e9e9e"},    {"accepted", "#5b8def"},
    {"deferred", "#c9a227"},    {"refused", "#7a4b2a"},
    {"in_review", "#2e7d32"},   {"returned", "#d9822b"},
    {"deliberated", "#6a4c93"}, {"signed_off", "#8b1a1a"},
};
#define NST (sizeof STATES / sizeof *STATES)
/* a state this build does not know (a newer service): still counted */
#define OTHER NST
#define NB (NST + 1)

/* The charts' geometry, in SVG user units (= CSS px). */
#define LABEL_W 150 /* the labels' column */
#define BAR_W 400   /* the longest bar */
#define ROW_H 26
#define BAR_H 18

typedef struct {
	const char *zone; /* "": in no zone; borrowed from the JSON */
	long n[NB], total, overdue, accepted, returned;
	size_t other; /* the 其他 row: how many zones it stands for */
} zrow;

typedef struct {
	zrow all;
	zrow *z; /* one per zone, by size */
	size_t nz;
	/* the median days from acceptance to sign-off, and over how many */
	long timed;
	double cal, work;
} stats;

static size_t state_of(const char *code)
{
	for (size_t i = 0; code && i < NST; i++)
		if (!strcmp(STATES[i].code, code))
			return i;
	return OTHER;
}

static void add_row(zrow *to, const zrow *r)
{
	for (size_t i = 0; i < NB; i++)
		to->n[i] += r->n[i];
	to->total += r->total;
	to->overdue += r->overdue;
	to->accepted += r->accepted;
	to->returned += r->returned;
}

static long num(const json_t *o, const char *key)
{
	return (long)json_integer_value(json_object_get(o, key));
}

/* One row of counts as case stats --json gives them (the whole, or a
 * zone): a state this build does not know goes to 其他状态. */
static void counts(zrow *r, const json_t *o)
{
	const char *st;
	const json_t *n;
	json_object_foreach((json_t *)json_object_get(o, "by_state"), st, n)
	{
		r->n[state_of(st)] += (long)json_integer_value(n);
	}
	r->total = num(o, "total");
	r->overdue = num(o, "overdue");
	r->accepted = num(o, "accepted");
	r->returned = num(o, "returned");
}

static int by_total(const void *a, const void *b)
{
	const zrow *x = a, *y = b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->zone, y->zone);
}

/* The figures of case stats --json; the zones by size, the smallest beyond
 * the bound folded into one 其他 row. Returns 0, or -1 out of memory or
 * not the shape. */
static int tally(stats *st, const json_t *j, const json_t *names)
{
	const json_t *zones = json_object_get(j, "zones"), *z;
	if (!json_is_object(j) || !json_is_array(zones))
		return -1;
	counts(&st->all, j);
	st->timed = num(j, "median_cases");
	st->cal = json_number_value(json_object_get(j, "median_days"));
	st->work = json_number_value(json_object_get(j, "median_working_days"));
	size_t n = json_array_size(zones), i;
	if (!(st->z = calloc(n ? n : 1, sizeof *st->z)))
		return -1;
	json_array_foreach(zones, i, z)
	{
		zrow *r = &st->z[st->nz++];
		const char *code =
		    json_string_value(json_object_get(z, "zone"));
		/* by name, as the case page names it (a person reads it) */
		r->zone = code ? sl_org_name(names, code) : "";
		counts(r, z);
	}
	if (st->nz)
		qsort(st->z, st->nz, sizeof *st->z, by_total);
	if (st->nz > STATS_ZONES_MAX) {
		zrow rest = {.zone = "", .other = st->nz - STATS_ZONES_MAX};
		for (i = STATS_ZONES_MAX; i < st->nz; i++)
			add_row(&rest, &st->z[i]);
		st->z[STATS_ZONES_MAX] = rest;
		st->nz = STATS_ZONES_MAX + 1;
	}
	return 0;
}

static void stats_free(stats *st)
{
	free(st->z);
}

/* A median as text: a whole number, or one half; "—" over no case. */
static void median(sl_html *h, long n, double m)
{
	if (!n)
		sl_html_put(h, "—");
	else
		sl_html_fmt(h, m == (double)(long)m ? "%.0f 天" : "%.1f 天", m);
}

/* a / b as a percentage with its counts, "—" when b is 0. */
static void rate(sl_html *h, long a, long b)
{
	if (b)
		sl_html_fmt(h, "%.1f%%（%ld / %ld）",
		            100.0 * (double)a / (double)b, a, b);
	else
		sl_html_put(h, "—（尚无已受理案件）");
}

/* A row of the figures: its name, (the value the caller puts), what it
 * counts. */
static void figure(sl_html *h, const char *name)
{
	sl_html_fmt(h, "<tr><th>%s</th><td>", name);
}

static void figure_end(sl_html *h, const char *meaning)
{
	sl_html_fmt(h, "</td><td>%s</td></tr>\n", meaning);
}

static void figures(sl_html *h, stats *st)
{
	const zrow *a = &st->all;
	sl_html_put(h, "<h2>主要指标</h2><table class=\"figures\"><tr><th>指标"
	               "</th><th>数值</th><th>含义</th></tr>\n");
	figure(h, "案件总数");
	sl_html_fmt(h, "%ld", a->total);
	figure_end(h, "您可查看的全部案件（含未受理的）。");
	figure(h, "已受理案件");
	sl_html_fmt(h, "%ld", a->accepted);
	figure_end(h, "经受理进入审理程序的案件：已受理、审理中、已退回、"
	              "已集体审议、已签发。");
	figure(h, "超期案件");
	sl_html_fmt(h, "%ld", a->overdue);
	figure_end(h, "审理期限已过而尚未签发的案件（退回补查期间审理期限暂停"
	              "计算，不计超期）。");
	figure(h, "退回率");
	rate(h, a->returned, a->accepted);
	figure_end(h,
	           "退回率 = 退回过（退回补充审查调查或重新审查调查至少一次）"
	           "的案件 / 已受理案件。");
	figure(h, "签发用时中位数（自然日）");
	median(h, st->timed, st->cal);
	sl_html_fmt(h, "（%ld 件）", st->timed);
	figure_end(h, "已签发的案件自受理之日至签发之日的自然日数的中位数"
	              "（单位：天；含退回补查期间）。");
	figure(h, "签发用时中位数（工作日）");
	median(h, st->timed, st->work);
	figure_end(h, "同上，按规则包的工作日历计算的工作日数的中位数（单位："
	              "天；受理当日不计）。");
	sl_html_put(h, "</table>\n");
}

static const char *state_name(size_t i)
{
	return i < NST ? sl_casedoc_state(STATES[i].code) : "其他状态";
}

/* 按状态: one bar per state, its count after it, and the same as a table
 * (for a reader that does not see the chart). */
static void state_chart(sl_html *h, const zrow *a)
{
	long max = 1;
	size_t rows = a->n[OTHER] ? NB : NST;
	for (size_t i = 0; i < NB; i++)
		max = a->n[i] > max ? a->n[i] : max;
	sl_html_fmt(h,
	            "<h2>按状态</h2><svg class=\"chart\" width=\"%d\" "
	            "height=\"%zu\" viewBox=\"0 0 %d %zu\" role=\"img\" "
	            "aria-label=\"按状态统计的案件数\">\n",
	            LABEL_W + BAR_W + 80, rows * ROW_H + 4,
	            LABEL_W + BAR_W + 80, rows * ROW_H + 4);
	for (size_t i = 0; i < rows; i++) {
		long w = a->n[i] * BAR_W / max;
		int y = (int)i * ROW_H + 4;
		sl_html_fmt(h, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		            LABEL_W - 8, y + 14);
		sl_html_text(h, state_name(i));
		sl_html_fmt(h,
		            "</text><rect x=\"%d\" y=\"%d\" width=\"%ld\" "
		            "height=\"%d\" fill=\"%s\"/><text x=\"%ld\" "
		            "y=\"%d\">%ld</text>\n",
		            LABEL_W, y, w ? w : (a->n[i] ? 1 : 0), BAR_H,
		            i < NST ? STATES[i].fill : "#555555",
		            LABEL_W + w + 6, y + 14, a->n[i]);
	}
	sl_html_put(h, "</svg>\n<table class=\"by-state\"><tr><th>状态</th>"
	               "<th>案件数</th></tr>\n");
	for (size_t i = 0; i < rows; i++) {
		sl_html_put(h, "<tr><td>");
		sl_html_text(h, state_name(i));
		sl_html_fmt(h, "</td><td>%ld</td></tr>\n", a->n[i]);
	}
	sl_html_put(h, "</table>\n");
}

/* A zone as its row shows it: at most 12 characters of its name in a
 * chart's label (the label column is narrow), the whole name elsewhere. */
static void zone_name(sl_html *h, const zrow *r, int short_)
{
	if (r->other) {
		sl_html_fmt(h, "其他（%zu个片区）", r->other);
		return;
	}
	if (!*r->zone) {
		sl_html_put(h, "（未划片区）");
		return;
	}
	size_t n = 0, chars = 0;
	while (short_ && r->zone[n] && chars < 12) {
		n++; /* one UTF-8 character: its lead byte, then the rest */
		while ((r->zone[n] & 0xC0) == 0x80)
			n++;
		chars++;
	}
	if (!short_ || !r->zone[n]) {
		sl_html_text(h, r->zone);
		return;
	}
	char cut[64];
	snprintf(cut, sizeof cut, "%.*s…", (int)n, r->zone);
	sl_html_text(h, cut);
}

/* One zone's bar: a segment per state, each with its count as a title. */
static void zone_bar(sl_html *h, const zrow *r, long max, int y)
{
	long cum = 0;
	for (size_t i = 0; i < NB; i++) {
		if (!r->n[i])
			continue;
		long x0 = LABEL_W + cum * BAR_W / max;
		cum += r->n[i];
		long x1 = LABEL_W + cum * BAR_W / max;
		sl_html_fmt(
		    h,
		    "<rect x=\"%ld\" y=\"%d\" width=\"%ld\" height=\"%d\""
		    " fill=\"%s\"><title>",
		    x0, y, x1 > x0 ? x1 - x0 : 1, BAR_H,
		    i < NST ? STATES[i].fill : "#555555");
		sl_html_text(h, state_name(i));
		sl_html_fmt(h, " %ld</title></rect>", r->n[i]);
	}
	sl_html_fmt(h, "<text x=\"%ld\" y=\"%d\">%ld</text>\n",
	            LABEL_W + cum * BAR_W / max + 6, y + 14, r->total);
}

static void legend(sl_html *h, const zrow *a)
{
	sl_html_put(h, "<ul class=\"legend\">");
	for (size_t i = 0; i < NB; i++) {
		if (i == OTHER && !a->n[OTHER])
			break;
		sl_html_fmt(h,
		            "<li><svg width=\"12\" height=\"12\"><rect "
		            "width=\"12\" height=\"12\" fill=\"%s\"/></svg> ",
		            i < NST ? STATES[i].fill : "#555555");
		sl_html_text(h, state_name(i));
		sl_html_put(h, "</li>");
	}
	sl_html_put(h, "</ul>\n");
}

/* 按片区: stacked bars by state, then each zone's figures. */
static void zone_chart(sl_html *h, const stats *st)
{
	sl_html_put(h, "<h2>按片区</h2>");
	if (!st->nz) {
		sl_html_put(h, "<p>暂无案件。</p>");
		return;
	}
	if (st->z[st->nz - 1].other)
		sl_html_fmt(h,
		            "<p>片区较多：只列出案件最多的 %d 个片区，其余"
		            "合并为“其他”。</p>",
		            STATS_ZONES_MAX);
	long max = st->z[0].total > 0 ? st->z[0].total : 1;
	for (size_t i = 1; i < st->nz; i++) /* 其他 may outgrow the first */
		max = st->z[i].total > max ? st->z[i].total : max;
	sl_html_fmt(h,
	            "<svg class=\"chart\" width=\"%d\" height=\"%zu\" "
	            "viewBox=\"0 0 %d %zu\" role=\"img\" "
	            "aria-label=\"按片区和状态统计的案件数\">\n",
	            LABEL_W + BAR_W + 80, st->nz * ROW_H + 4,
	            LABEL_W + BAR_W + 80, st->nz * ROW_H + 4);
	for (size_t i = 0; i < st->nz; i++) {
		int y = (int)i * ROW_H + 4;
		sl_html_fmt(h, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		            LABEL_W - 8, y + 14);
		zone_name(h, &st->z[i], 1);
		sl_html_put(h, "</text>");
		zone_bar(h, &st->z[i], max, y);
	}
	sl_html_put(h, "</svg>\n");
	legend(h, &st->all);
	sl_html_put(h,
	            "<table class=\"by-zone\"><tr><th>片区</th><th>案件数"
	            "</th><th>已受理</th><th>超期</th><th>退回率</th></tr>\n");
	for (size_t i = 0; i < st->nz; i++) {
		const zrow *r = &st->z[i];
		sl_html_put(h, "<tr><td>");
		zone_name(h, r, 0);
		sl_html_fmt(h, "</td><td>%ld</td><td>%ld</td><td>%ld</td><td>",
		            r->total, r->accepted, r->overdue);
		rate(h, r->returned, r->accepted);
		sl_html_put(h, "</td></tr>\n");
	}
	sl_html_put(h, "</table>\n");
}

static void stats_page(sl_html *h, const sl_websess *s, stats *st)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	if (!localtime_r(&t, &tm) ||
	    !strftime(now, sizeof now, "%Y-%m-%d %H:%M", &tm))
		snprintf(now, sizeof now, "—");
	sl_html_head(h, s, "统计");
	sl_html_fmt(h,
	            "<p>统计范围：您可查看的全部案件，共 %ld 件；统计时间：%s。"
	            "</p>\n",
	            st->all.total, now);
	figures(h, st);
	state_chart(h, &st->all);
	zone_chart(h, st);
	sl_html_foot(h);
}

enum MHD_Result sl_web_stats(struct MHD_Connection *c, sl_websess *s)
{
	static const char *const av[] = {"case", "stats", "--json", NULL};
	/* the figures first: whether the role may see them is the service's
	 * (case stats is refused whom case list is) */
	sl_webcall_res res;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &res);
	json_error_t e;
	json_t *j =
	    rc ? NULL : json_loadb((const char *)res.out, res.len, 0, &e);
	enum MHD_Result ok;
	stats st = {0};
	/* the zones' names: a registry any role may list; without it, by
	 * code */
	static const char *const zav[] = {"zone", "list", "--json", NULL};
	json_t *zones = NULL;
	if ((rc || !s->sees_all ||
	     sl_webcall_run(s->token, zav, &zones) != 0)) {
		json_decref(zones);
		zones = NULL;
	}
	if (rc == SL_EPERM) {
		ok = sl_web_said_message(c, 403, s, "无权查看", res.err,
		                         "您的角色不能查看案件。");
	} else if (rc || !json_is_object(j)) {
		ok = sl_web_failed(c, s, rc ? rc : SL_ESYS);
	} else if (!s->sees_all) {
		/* a member's cases are a part (their zone, less what they
		 * are recused from): no figures that read as the whole */
		ok = sl_web_message(c, 403, s, "无权查看",
		                    "统计页面供组长和审计员查看。");
	} else if (tally(&st, j, zones) != 0) {
		ok = sl_web_message(c, 503, s, "服务暂不可用", "请稍后再试。");
	} else {
		sl_html h = {0};
		stats_page(&h, s, &st);
		ok = sl_web_page(c, 200, &h);
	}
	stats_free(&st);
	json_decref(zones);
	json_decref(j);
	sl_webcall_res_free(&res);
	return ok;
}
