/* listing.c - case list: the cases a user may see, streamed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/ops_case.h>

#include "clock.h"
#include "db.h"
#include "guard.h"
#include "lifecycle.h"
#include "registry.h"
#include "rules.h"
#include "store.h"

/*
 * A listing reads the covering index cases_list(zone, state, agency,
 * case_id, subject_name, transferred_on, deadline_ms, paused_ms, returns)
 * and never the wide rows. The index is ordered by zone, state, agency,
 * then case_id, and a listing by case_id: so each (zone, state, agency)
 * group is a run of the index already in case_id order. The groups are
 * found by seeking from one to the next (one seek per group: a few hundred,
 * not a scan), each group is read by a statement of its own, and their rows
 * are merged on case_id through a heap, each row handed to the callback as
 * it comes: time linear in the rows, memory flat in them.
 *
 * A listing of one user's assignments (a specialist's, or --assignee)
 * starts from those assignments instead: a few cases, each read by its
 * row id, sorted.
 *
 * The teams (assignees) are looked up per case in the assignments table.
 * Once a listing has asked for more than TEAM_SEEKS of them, the whole
 * table is read once, in its own order, into a sorted array: seeks at
 * random into a large table would each decrypt a page. A caller that
 * needs no team (the statistics: no_team) has none looked up.
 *
 * A signed-off case's acceptance and sign-off times (the statistics' days
 * to sign-off) are not in the index. Only a caller that asks for them
 * (signoff_times: sl_case_stats alone) has them read from the case's row,
 * by row id, for the signed-off cases alone: every other listing, case
 * list's included, reads the covering index and nothing else.
 *
 * Everything is read in one read transaction: the groups found are the
 * groups read.
 */

#define LIST_COLS                                                              \
	"case_id, subject_name, transferred_on, deadline_ms, paused_ms,"       \
	" returns, rowid"
#define TEAM_SEEKS 4096

typedef struct {
	sl_store *s;
	sqlite3_stmt *one; /* the team of one case */
	long seeks;
	int loaded;
	int64_t *ref; /* loaded: the cases with a team, ascending */
	size_t *off;  /* their teams in pool, "a,b,c" */
	size_t n, cap;
	char *pool;
	size_t plen, pcap;
	char *buf; /* a team from one seek */
	size_t bcap;
} team_map;

static int team_append(char **p, size_t *len, size_t *cap, const char *s,
                       int comma)
{
	size_t n = strlen(s) + (comma ? 1 : 0);
	if (*len + n + 1 > *cap) {
		size_t nc = *cap ? *cap : 256;
		while (*len + n + 1 > nc)
			nc *= 2;
		char *np = realloc(*p, nc);
		if (!np)
			return -1;
		*p = np;
		*cap = nc;
	}
	if (comma)
		(*p)[(*len)++] = ',';
	memcpy(*p + *len, s, n - (comma ? 1 : 0) + 1);
	*len += n - (comma ? 1 : 0);
	return 0;
}

/* Read the whole assignments table: (case_ref, user_id) is its key, so it
 * comes sorted by case and, within a case, by user. */
static sl_rc team_load(sl_store *s, team_map *t)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(t->s,
	                  "SELECT case_ref, user_id FROM assignments"
	                  " ORDER BY case_ref, user_id",
	                  &st))
		return sl_db_err(s, _("listing cases"));
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t ref = sqlite3_column_int64(st, 0);
		const char *u = (const char *)sqlite3_column_text(st, 1);
		int same = t->n && t->ref[t->n - 1] == ref;
		if (!same) {
			if (t->n == t->cap) {
				size_t nc = t->cap ? 2 * t->cap : 1024;
				int64_t *nr = realloc(t->ref, nc * sizeof *nr);
				if (nr)
					t->ref = nr;
				size_t *no = realloc(t->off, nc * sizeof *no);
				if (no)
					t->off = no;
				if (!nr || !no)
					break;
				t->cap = nc;
			}
			if (t->n)
				t->plen++; /* past the previous team's NUL */
			t->ref[t->n] = ref;
			t->off[t->n++] = t->plen;
		}
		if (team_append(&t->pool, &t->plen, &t->pcap, u ? u : "", same))
			break;
	}
	sqlite3_finalize(st);
	if (step == SQLITE_ROW)
		return sl_error(SL_ESYS, _("out of memory"));
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("listing cases"));
	t->loaded = 1;
	return SL_OK;
}

/* The team of case ref, "a,b" in user order as group_concat gave it, or
 * NULL for none. Valid until the next call. */
static sl_rc team_of_case(sl_store *s, team_map *t, int64_t ref,
                          const char **out)
{
	*out = NULL;
	if (!t->loaded && ++t->seeks > TEAM_SEEKS) {
		sl_rc rc = team_load(s, t);
		if (rc)
			return rc;
	}
	if (t->loaded) {
		size_t lo = 0, hi = t->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (t->ref[mid] < ref)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < t->n && t->ref[lo] == ref)
			*out = t->pool + t->off[lo];
		return SL_OK;
	}
	if (!t->one && sl_db_prepare(t->s,
	                             "SELECT user_id FROM assignments"
	                             " WHERE case_ref = ? ORDER BY user_id",
	                             &t->one))
		return sl_db_err(s, _("listing cases"));
	sqlite3_bind_int64(t->one, 1, ref);
	size_t len = 0;
	int step;
	while ((step = sqlite3_step(t->one)) == SQLITE_ROW) {
		const char *u = (const char *)sqlite3_column_text(t->one, 0);
		if (team_append(&t->buf, &len, &t->bcap, u ? u : "", len > 0))
			break;
	}
	sqlite3_reset(t->one);
	if (step == SQLITE_ROW)
		return sl_error(SL_ESYS, _("out of memory"));
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("listing cases"));
	*out = len ? t->buf : NULL;
	return SL_OK;
}

static void team_free(team_map *t)
{
	sqlite3_finalize(t->one);
	free(t->ref);
	free(t->off);
	free(t->pool);
	free(t->buf);
}

/* One (zone, state, agency) run of the index, being read. */
typedef struct {
	sqlite3_stmt *st;
	char *zone, *state, *agency; /* zone NULL: in no zone */
	int sn;                      /* state, parsed once for all its rows */
	/* the current row's case_id, taken once a step: the heap compares
	 * it a dozen times a row (1M rows: 5% of case list) */
	const char *id;
} lgroup;

typedef struct {
	sl_store *s;
	const sl_case_filter *f;
	const char *not_agency; /* recusal: the acting user's home agency */
	int64_t now;
	sl_rules *rules; /* the calendar of days left */
	int64_t left_of; /* limits fall on few days: the last limit seen */
	int left;        /* one's days left */
	sqlite3_stmt *next[3][2]; /* seeks to the next zone, state, agency */
	long emitted;             /* rows handed out, against f->limit */
	lgroup *g;                /* a heap on the current case_id */
	size_t n, cap;
	team_map team;
	sqlite3_stmt *signoff; /* signoff_times: a case's two times */
} lister;

/* g stepped to a row: its case_id, NULL only when out of memory (the
 * column is NOT NULL). */
static const char *take_id(lgroup *g)
{
	return g->id = (const char *)sqlite3_column_text(g->st, 0);
}

static void heap_down(lister *l, size_t i)
{
	for (;;) {
		size_t m = i, a = 2 * i + 1, b = a + 1;
		if (a < l->n && strcmp(l->g[a].id, l->g[m].id) < 0)
			m = a;
		if (b < l->n && strcmp(l->g[b].id, l->g[m].id) < 0)
			m = b;
		if (m == i)
			return;
		lgroup t = l->g[i];
		l->g[i] = l->g[m];
		l->g[m] = t;
		i = m;
	}
}

static void group_free(lgroup *g)
{
	sqlite3_finalize(g->st);
	free(g->zone);
	free(g->state);
	free(g->agency);
}

/* Start reading group (zone, state, agency); kept if it has a row. */
static sl_rc group_open(lister *l, const char *zone, const char *state,
                        const char *agency)
{
	if (l->not_agency && !strcmp(agency, l->not_agency))
		return SL_OK;
	lgroup g = {0};
	char sql[384];
	snprintf(sql, sizeof sql,
	         "SELECT " LIST_COLS " FROM cases INDEXED BY cases_list"
	         " WHERE zone IS ?1 AND state = ?2 AND agency = ?3%s%s"
	         " ORDER BY case_id",
	         l->f->overdue ? " AND deadline_ms < ?4" : "",
	         l->f->after ? " AND case_id > ?5" : "");
	if (sl_db_prepare(l->s, sql, &g.st))
		return sl_db_err(l->s, _("listing cases"));
	g.zone = zone ? strdup(zone) : NULL;
	g.state = strdup(state);
	g.sn = sl_state_parse(state);
	g.agency = strdup(agency);
	if ((zone && !g.zone) || !g.state || !g.agency) {
		group_free(&g);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	sqlite3_bind_text(g.st, 1, g.zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(g.st, 2, g.state, -1, SQLITE_STATIC);
	sqlite3_bind_text(g.st, 3, g.agency, -1, SQLITE_STATIC);
	if (l->f->overdue)
		sqlite3_bind_int64(g.st, 4, l->now);
	if (l->f->after)
		sqlite3_bind_text(g.st, 5, l->f->after, -1, SQLITE_STATIC);
	int step = sqlite3_step(g.st);
	if (step != SQLITE_ROW) {
		group_free(&g);
		return step == SQLITE_DONE
		           ? SL_OK
		           : sl_db_err(l->s, _("listing cases"));
	}
	if (!take_id(&g)) {
		group_free(&g);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 64;
		lgroup *ng = realloc(l->g, nc * sizeof *ng);
		if (!ng) {
			group_free(&g);
			return sl_error(SL_ESYS, _("out of memory"));
		}
		l->g = ng;
		l->cap = nc;
	}
	/* heaped once every group is open */
	l->g[l->n++] = g;
	return SL_OK;
}

/*
 * The next distinct value of level's column (0 zone, 1 state, 2 agency)
 * after *val (from the start if first) among index entries with the given
 * zone (and state). *val is replaced (malloc'ed); NULL when there is none.
 */
static sl_rc seek_next(lister *l, int level, int first, const char *zone,
                       const char *state, char **val)
{
	static const char *const col[] = {"zone", "state", "agency"};
	static const char *const where[] = {"", "zone IS ?2 AND ",
	                                    "zone IS ?2 AND state = ?3 AND "};
	sqlite3_stmt **st = &l->next[level][first];
	if (!*st) {
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT %s FROM cases INDEXED BY cases_list WHERE %s%s"
		         " %s ?1 ORDER BY %s LIMIT 1",
		         col[level], where[level], col[level],
		         first ? ">=" : ">", col[level]);
		if (sl_db_prepare(l->s, sql, st))
			return sl_db_err(l->s, _("listing cases"));
	}
	sqlite3_bind_text(*st, 1, first ? "" : *val, -1, SQLITE_STATIC);
	if (level > 0)
		sqlite3_bind_text(*st, 2, zone, -1, SQLITE_STATIC);
	if (level > 1)
		sqlite3_bind_text(*st, 3, state, -1, SQLITE_STATIC);
	int step = sqlite3_step(*st);
	char *v = NULL;
	if (step == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(*st, 0);
		if (!(v = strdup(t ? t : ""))) {
			sqlite3_reset(*st);
			return sl_error(SL_ESYS, _("out of memory"));
		}
	}
	sqlite3_reset(*st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sl_db_err(l->s, _("listing cases"));
	free(*val);
	*val = v;
	return SL_OK;
}

static const char *const clock_states[] = {"accepted", "in_review",
                                           "deliberated"};

/* Every group of one zone (NULL: the cases in no zone). */
static sl_rc open_zone(lister *l, const char *zone)
{
	const sl_case_filter *f = l->f;
	/* the states asked for, or all that are there */
	const char *states[3];
	size_t ns = 0;
	if (f->overdue) {
		for (size_t i = 0; i < 3; i++)
			if (!f->state || !strcmp(f->state, clock_states[i]))
				states[ns++] = clock_states[i];
	} else if (f->state) {
		states[ns++] = f->state;
	}
	int all = !f->state && !f->overdue;
	char *st = NULL;
	sl_rc rc = SL_OK;
	for (size_t i = 0; !rc; i++) {
		if (all) {
			if ((rc = seek_next(l, 1, i == 0, zone, NULL, &st)) ||
			    !st)
				break;
		} else {
			if (i == ns)
				break;
			free(st);
			if (!(st = strdup(states[i]))) {
				rc = sl_error(SL_ESYS, _("out of memory"));
				break;
			}
		}
		if (f->agency) {
			rc = group_open(l, zone, st, f->agency);
			continue;
		}
		char *ag = NULL;
		for (int first = 1; !rc; first = 0) {
			if ((rc = seek_next(l, 2, first, zone, st, &ag)) || !ag)
				break;
			rc = group_open(l, zone, st, ag);
		}
		free(ag);
	}
	free(st);
	return rc;
}

/* signoff_times: a signed-off case's acceptance and sign-off, from its
 * row, and the working days between their days (as days_left counts
 * them). */
static sl_rc signoff_of(lister *l, sl_case_row *r)
{
	if (!l->signoff &&
	    sl_db_prepare(l->s,
	                  "SELECT accepted_ms, signed_ms FROM cases"
	                  " WHERE id = ?",
	                  &l->signoff))
		return sl_db_err(l->s, _("listing cases"));
	sqlite3_bind_int64(l->signoff, 1, r->ref);
	int step = sqlite3_step(l->signoff);
	if (step == SQLITE_ROW) {
		r->accepted_ms = sqlite3_column_int64(l->signoff, 0);
		r->signed_ms = sqlite3_column_int64(l->signoff, 1);
	}
	sqlite3_reset(l->signoff);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sl_db_err(l->s, _("listing cases"));
	if (r->accepted_ms && r->signed_ms)
		r->signoff_days =
		    sl_clock_days_left(l->rules, r->accepted_ms, r->signed_ms);
	else
		r->accepted_ms = r->signed_ms = 0; /* not both: none */
	return SL_OK;
}

/* Hand one row to the callback: st's columns are those of LIST_COLS;
 * zone, state (sn: parsed, sl_state_parse) and agency are its group's (or
 * the row's). Returns non-zero to stop: the callback asked to, or *rc says
 * what failed. */
static int emit(lister *l, sqlite3_stmt *st, const char *zone,
                const char *state, int sn, const char *agency,
                int (*cb)(const sl_case_row *r, void *ud), void *ud, sl_rc *rc)
{
	sl_case_row r = {
	    .ref = sqlite3_column_int64(st, 6),
	    .case_id = (const char *)sqlite3_column_text(st, 0),
	    .agency = agency,
	    .zone = zone,
	    .state = state,
	    .subject_name = (const char *)sqlite3_column_text(st, 1),
	    .transferred_on = (const char *)sqlite3_column_text(st, 2),
	    .deadline_ms = sqlite3_column_int64(st, 3),
	    .paused = sqlite3_column_type(st, 4) != SQLITE_NULL,
	    .returns = sqlite3_column_int(st, 5),
	};
	if (!l->f->no_team &&
	    (*rc = team_of_case(l->s, &l->team, r.ref, &r.assignees)))
		return 1;
	int runs = sn >= 0 && sl_state_clock_runs((sl_state)sn);
	r.overdue = runs && r.deadline_ms && r.deadline_ms < l->now;
	if (runs && r.deadline_ms) {
		/* the same limit, not the same UTC day: limits worked out
		 * under two time zones may share a UTC day, not a local one */
		if (r.deadline_ms != l->left_of) {
			l->left_of = r.deadline_ms;
			l->left =
			    sl_clock_days_left(l->rules, l->now, r.deadline_ms);
		}
		r.has_days_left = 1;
		r.days_left = l->left;
	}
	/* due_within is N + 1 for --due-within N (0: none) */
	if (l->f->due_within > 0 &&
	    (!r.has_days_left || r.days_left > l->f->due_within - 1))
		return 0;
	if (l->f->signoff_times && sn == SL_ST_SIGNED_OFF &&
	    (*rc = signoff_of(l, &r)))
		return 1;
	if (cb(&r, ud))
		return 1;
	return l->f->limit > 0 && ++l->emitted >= l->f->limit;
}

/* The merge of every group on case_id. */
static sl_rc list_groups(lister *l, const char *zone, int one_zone,
                         int (*cb)(const sl_case_row *r, void *ud), void *ud)
{
	sl_rc rc;
	if (one_zone) {
		rc = open_zone(l, zone);
	} else {
		/* the cases in no zone (an agency in none), then each zone */
		sqlite3_stmt *q;
		if (sl_db_prepare(l->s,
		                  "SELECT 1 FROM cases INDEXED BY cases_list"
		                  " WHERE zone IS NULL LIMIT 1",
		                  &q))
			return sl_db_err(l->s, _("listing cases"));
		int step = sqlite3_step(q);
		sqlite3_finalize(q);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return sl_db_err(l->s, _("listing cases"));
		rc = step == SQLITE_ROW ? open_zone(l, NULL) : SL_OK;
		char *z = NULL;
		for (int first = 1; !rc; first = 0) {
			if ((rc = seek_next(l, 0, first, NULL, NULL, &z)) || !z)
				break;
			rc = open_zone(l, z);
		}
		free(z);
	}
	for (size_t i = l->n; !rc && i-- > 0;)
		heap_down(l, i);
	while (!rc && l->n) {
		lgroup *g = &l->g[0];
		if (emit(l, g->st, g->zone, g->state, g->sn, g->agency, cb, ud,
		         &rc))
			break;
		int step = sqlite3_step(g->st);
		if (step == SQLITE_DONE) {
			group_free(g);
			l->g[0] = l->g[--l->n];
		} else if (step != SQLITE_ROW) {
			rc = sl_db_err(l->s, _("listing cases"));
			break;
		} else if (!take_id(g)) {
			rc = sl_error(SL_ESYS, _("out of memory"));
			break;
		}
		heap_down(l, 0);
	}
	return rc;
}

/* The cases assigned to one user (a specialist's own, or --assignee),
 * with the other filters; a few, read by row id and sorted. */
static sl_rc list_assigned(lister *l, const char *user, const char *other,
                           const char *zone,
                           int (*cb)(const sl_case_row *r, void *ud), void *ud)
{
	const sl_case_filter *f = l->f;
	char sql[1024];
	size_t o = (size_t)snprintf(
	    sql, sizeof sql,
	    "SELECT c.case_id, c.subject_name, c.transferred_on,"
	    " c.deadline_ms, c.paused_ms, c.returns, c.id, c.zone, c.state,"
	    " c.agency FROM assignments a CROSS JOIN cases c"
	    " ON c.id = a.case_ref WHERE a.user_id = ?1");
	if (zone)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.zone = ?2");
	if (f->state)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.state = ?3");
	if (f->agency)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.agency = ?4");
	if (l->not_agency)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.agency != ?5");
	if (other)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND EXISTS(SELECT 1 FROM assignments b"
		                      " WHERE b.case_ref = c.id AND"
		                      " b.user_id = ?6)");
	if (f->overdue)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.state IN ('accepted','in_review',"
		                      "'deliberated') AND c.deadline_ms < ?7");
	if (f->after)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.case_id > ?8");
	snprintf(sql + o, sizeof sql - o, " ORDER BY c.case_id");
	sqlite3_stmt *st;
	if (sl_db_prepare(l->s, sql, &st))
		return sl_db_err(l->s, _("listing cases"));
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, l->not_agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, other, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, l->now);
	sqlite3_bind_text(st, 8, f->after, -1, SQLITE_STATIC);
	sl_rc rc = SL_OK;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(st, 8);
		if (emit(l, st, (const char *)sqlite3_column_text(st, 7), state,
		         sl_state_parse(state),
		         (const char *)sqlite3_column_text(st, 9), cb, ud, &rc))
			break;
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sl_db_err(l->s, _("listing cases"));
	sqlite3_finalize(st);
	return rc;
}

sl_rc sl_case_list_widths(sl_store *s, sl_case_widths *w)
{
	static const char *const sql[3] = {
	    /* cases_id_len: the longest is the last entry of the index */
	    ("SELECT length(case_id) FROM cases"
	     " ORDER BY length(case_id) DESC LIMIT 1"),
	    "SELECT max(length(code)) FROM agencies",
	    "SELECT max(length(code)) FROM zones",
	};
	size_t *out[3] = {&w->case_id, &w->agency, &w->zone};
	memset(w, 0, sizeof *w);
	sl_rc rc = sl_guard(s, SL_ACT_CASE_READ, "cases");
	int own_tx;
	if (rc || (rc = sl_db_read_begin(s, &own_tx)))
		return rc;
	for (int i = 0; !rc && i < 3; i++) {
		sqlite3_stmt *st;
		if (sl_db_prepare(s, sql[i], &st)) {
			rc = sl_db_err(s, _("listing cases"));
			break;
		}
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
			*out[i] = (size_t)sqlite3_column_int64(st, 0);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			rc = sl_db_err(s, _("listing cases"));
		sqlite3_finalize(st);
	}
	sl_db_read_end(s, own_tx);
	return rc;
}

sl_rc sl_case_list(sl_store *s, const sl_case_filter *f,
                   int (*cb)(const sl_case_row *r, void *ud), void *ud)
{
	sl_rc rc = sl_guard(s, SL_ACT_CASE_READ, "cases");
	if (rc)
		return rc;
	if (f->state && sl_state_parse(f->state) < 0)
		return sl_error(
		    SL_EINPUT,
		    _("unknown state '%s': received, accepted, deferred, "
		      "refused, in_review, returned, deliberated, "
		      "signed_off"),
		    f->state);
	/* a mistyped code lists nothing: say so rather than show an empty
	 * list as if there were no such cases */
	const sl_registry *g = sl_store_registry(s);
	if (f->zone && !sl_registry_zone(g, f->zone))
		return sl_error(SL_EINPUT, _("no zone '%s' (zone list)"),
		                f->zone);
	if (f->agency && !sl_registry_agency(g, f->agency))
		return sl_error(SL_EINPUT, _("no agency '%s' (agency list)"),
		                f->agency);
	if (f->assignee && strcmp(f->assignee, "me") &&
	    !sl_registry_user(g, f->assignee))
		return sl_error(SL_EINPUT, _("no user '%s'"), f->assignee);
	const sl_actor *who = sl_store_actor(s);
	sl_case_filter fm = *f;
	if (f->assignee && !strcmp(f->assignee, "me"))
		fm.assignee = who->id; /* one's own cases */
	f = &fm;
	lister l = {.s = s, .f = f, .now = sl_now_ms(), .left_of = -1};
	l.team.s = s;
	/* what the acting user may see, as policy scopes it */
	sl_case_scope sc;
	sl_policy_scope(who, &sc);
	if (sc.none)
		return SL_OK;
	const char *zone = f->zone, *specialist = sc.assignee;
	l.not_agency = sc.not_agency;
	if (sc.zone) {
		if (zone && strcmp(zone, sc.zone))
			return SL_OK; /* another zone: none */
		zone = sc.zone;
	}
	if (f->agency && l.not_agency && !strcmp(f->agency, l.not_agency))
		return SL_OK; /* recused from all of them */
	if (sl_rules_load(s, &l.rules))
		l.rules = NULL; /* no calendar: weekends alone (clock.h) */
	int own_tx;
	if ((rc = sl_db_read_begin(s, &own_tx))) {
		sl_rules_free(l.rules);
		return rc;
	}
	if (f->assignee || specialist)
		rc = list_assigned(&l, f->assignee ? f->assignee : specialist,
		                   f->assignee ? specialist : NULL, zone, cb,
		                   ud);
	else
		rc = list_groups(&l, zone, zone != NULL, cb, ud);
	for (size_t i = 0; i < l.n; i++)
		group_free(&l.g[i]);
	free(l.g);
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 2; k++)
			sqlite3_finalize(l.next[i][k]);
	team_free(&l.team);
	sqlite3_finalize(l.signoff);
	sl_rules_free(l.rules);
	sl_db_read_end(s, own_tx);
	return rc;
}

json_t *sl_case_row_json(const sl_case_row *r)
{
	json_t *team = json_array();
	for (const char *t = r->assignees; t && *t;) {
		size_t len = strcspn(t, ",");
		if (len)
			json_array_append_new(team, json_stringn(t, len));
		t += len + (t[len] == ',');
	}
	char d[16];
	if (r->deadline_ms)
		sl_day_of(r->deadline_ms, d);
	json_t *o = json_pack(
	    "{s:s, s:s, s:s?, s:s, s:s, s:s, s:o, s:i, s:s?, s:b, s:b}",
	    "case_id", r->case_id, "agency", r->agency, "zone", r->zone,
	    "state", r->state, "subject_name", r->subject_name,
	    "transferred_on", r->transferred_on, "assignees", team, "returns",
	    r->returns, "deadline", r->deadline_ms ? d : NULL, "clock_paused",
	    r->paused, "overdue", r->overdue);
	if (o)
		json_object_set_new(o, "days_left",
		                    r->has_days_left
		                        ? json_integer(r->days_left)
		                        : json_null());
	return o;
}
