/*
 * casestats.c - case stats (统计): the figures of the statistics page,
 * counted in the core over the cases the acting user may see.
 *
 * Why a file and an operation of its own: the page first counted `case
 * list --json` in the web front, which had the whole listing (100k rows of
 * JSON) sent to it on every view, and made every listing read each
 * signed-off case's row for its days to sign-off, which cost case list
 * its covering-index-only scan (issue 18). Here the counting is done where
 * the rows are, as sl_case_list streams them (its policy scope and its
 * guard, so that the figures count exactly what the listing would list),
 * and only this caller asks the listing for the sign-off times
 * (sl_case_filter.signoff_times), and for no team. Memory grows with the
 * zones and with the signed-off cases (their days, for the medians),
 * never with the rows.
 */
#include <stdlib.h>
#include <string.h>

#include <shenli/base.h>
#include <shenli/ops_case.h>

#include "lifecycle.h"

typedef struct {
	sl_case_stats_res *out;
	int *cal, *work; /* each timed signed-off case's days */
	size_t cap;
	sl_rc rc; /* out of memory */
} tally;

/* Taken into review at some point: the return rate's denominator. */
static int was_accepted(int st)
{
	return st >= 0 && st != SL_ST_RECEIVED && st != SL_ST_DEFERRED &&
	       st != SL_ST_REFUSED;
}

static void count(sl_case_counts *c, int st, const sl_case_row *r)
{
	c->total++;
	if (st >= 0)
		c->by_state[st]++;
	if (r->overdue)
		c->overdue++;
	if (was_accepted(st)) {
		c->accepted++;
		if (r->returns > 0)
			c->returned++;
	}
}

/* NULL (no zone) sorts first. */
static int zone_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !b - !a;
	return strcmp(a, b);
}

/* The row of zone, added if new: the zones are kept sorted by code while
 * counting (a binary search), a few hundred at most. */
static sl_zone_stats *zone_of(tally *t, const char *zone)
{
	sl_case_stats_res *o = t->out;
	size_t lo = 0, hi = o->n_zones;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = zone_cmp(o->zones[mid].zone, zone);
		if (!c)
			return &o->zones[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	sl_zone_stats *nz =
	    realloc(o->zones, (o->n_zones + 1) * sizeof *o->zones);
	if (!nz)
		return NULL;
	o->zones = nz;
	sl_zone_stats z = {0};
	if (zone && !(z.zone = strdup(zone)))
		return NULL;
	memmove(&nz[lo + 1], &nz[lo], (o->n_zones - lo) * sizeof *nz);
	nz[lo] = z;
	o->n_zones++;
	return &nz[lo];
}

/* Calendar days since 1970-01-01 of a "YYYY-MM-DD" (sl_day_of's). */
static long day_number(const char d[11])
{
	return sl_days_from_civil((int)strtol(d, NULL, 10),
	                          (unsigned)strtol(d + 5, NULL, 10),
	                          (unsigned)strtol(d + 8, NULL, 10));
}

static int add_days(tally *t, const sl_case_row *r)
{
	sl_case_stats_res *o = t->out;
	if ((size_t)o->n_timed == t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 256;
		int *c = realloc(t->cal, nc * sizeof *c);
		if (c)
			t->cal = c;
		int *w = realloc(t->work, nc * sizeof *w);
		if (w)
			t->work = w;
		if (!c || !w)
			return -1;
		t->cap = nc;
	}
	char a[11], b[11];
	sl_day_of(r->accepted_ms, a);
	sl_day_of(r->signed_ms, b);
	t->cal[o->n_timed] = (int)(day_number(b) - day_number(a));
	t->work[o->n_timed++] = r->signoff_days;
	return 0;
}

static int one_case(const sl_case_row *r, void *ud)
{
	tally *t = ud;
	int st = sl_state_parse(r->state);
	sl_zone_stats *z = zone_of(t, r->zone);
	if (!z || (st == SL_ST_SIGNED_OFF && r->signed_ms && add_days(t, r))) {
		t->rc = sl_error(SL_ESYS, _("out of memory"));
		return 1;
	}
	count(&t->out->all, st, r);
	count(&z->n, st, r);
	return 0;
}

static int by_value(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The median of v[0..n) (sorted here; n > 0): of an even count, the mean
 * of the two middle values. */
static double median(int *v, size_t n)
{
	qsort(v, n, sizeof *v, by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

static int by_size(const void *a, const void *b)
{
	const sl_zone_stats *x = a, *y = b;
	if (x->n.total != y->n.total)
		return x->n.total > y->n.total ? -1 : 1;
	return zone_cmp(x->zone, y->zone);
}

sl_rc sl_case_stats(sl_store *s, sl_case_stats_res *out)
{
	memset(out, 0, sizeof *out);
	tally t = {.out = out};
	sl_case_filter f = {.signoff_times = 1, .no_team = 1};
	sl_rc rc = sl_case_list(s, &f, one_case, &t);
	if (!rc)
		rc = t.rc;
	if (!rc && out->n_timed) {
		out->median_days = median(t.cal, (size_t)out->n_timed);
		out->median_working_days = median(t.work, (size_t)out->n_timed);
	}
	free(t.cal);
	free(t.work);
	if (rc) {
		sl_case_stats_free(out);
		return rc;
	}
	if (out->n_zones)
		qsort(out->zones, out->n_zones, sizeof *out->zones, by_size);
	return SL_OK;
}

void sl_case_stats_free(sl_case_stats_res *r)
{
	for (size_t i = 0; i < r->n_zones; i++)
		free(r->zones[i].zone);
	free(r->zones);
	memset(r, 0, sizeof *r);
}

/* A whole number of days as an integer, a half as a real. */
static json_t *days_json(double d)
{
	return d == (double)(json_int_t)d ? json_integer((json_int_t)d)
	                                  : json_real(d);
}

static json_t *counts_json(json_t *o, const sl_case_counts *c)
{
	json_t *by = json_object();
	for (int i = 0; by && i < SL_ST__COUNT; i++)
		json_object_set_new(by, sl_state_name((sl_state)i),
		                    json_integer(c->by_state[i]));
	if (!o || !by) {
		json_decref(o);
		json_decref(by);
		return NULL;
	}
	json_object_set_new(o, "total", json_integer(c->total));
	json_object_set_new(o, "by_state", by);
	json_object_set_new(o, "overdue", json_integer(c->overdue));
	json_object_set_new(o, "accepted", json_integer(c->accepted));
	json_object_set_new(o, "returned", json_integer(c->returned));
	return o;
}

json_t *sl_case_stats_json(const sl_case_stats_res *r)
{
	json_t *o = counts_json(json_object(), &r->all);
	json_t *zones = json_array();
	if (!o || !zones) {
		json_decref(o);
		json_decref(zones);
		return NULL;
	}
	json_object_set_new(o, "signed_off",
	                    json_integer(r->all.by_state[SL_ST_SIGNED_OFF]));
	json_object_set_new(o, "median_cases", json_integer(r->n_timed));
	json_object_set_new(o, "median_days",
	                    r->n_timed ? days_json(r->median_days)
	                               : json_null());
	json_object_set_new(o, "median_working_days",
	                    r->n_timed ? days_json(r->median_working_days)
	                               : json_null());
	for (size_t i = 0; i < r->n_zones; i++) {
		json_t *z = json_pack("{s:s?}", "zone", r->zones[i].zone);
		json_array_append_new(zones, counts_json(z, &r->zones[i].n));
	}
	json_object_set_new(o, "zones", zones);
	return o;
}
