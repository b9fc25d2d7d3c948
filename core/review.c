/* review.c - running checks, keeping findings. See review.h. */
#define _GNU_SOURCE
#include "review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "canon.h"
#include "cases.h"
#include "caseview.h"
#include "crypto.h"
#include "db.h"
#include "guard.h"
#include "lifecycle.h"
#include "pkgstore.h"
#include "plugin_host.h"
#include "rules.h"
#include "store.h"
#include "text.h"

/* ---- the statements a run writes with --------------------------------- */

/* The case as the checks see it is caseview.c's (the one read model);
 * a run only replaces the findings and marks the version it checked. */
enum { V_DEL, V_INS, V_REV, V__N };
static const char *const view_sql[V__N] = {
    [V_DEL] = "DELETE FROM findings WHERE case_ref = ?",
    [V_INS] = "INSERT INTO findings(case_ref, n, check_id, standard,"
              " severity, code, message, refs, outline_item)"
              " VALUES(?,?,?,?,?,?,?,?,?)",
    /* the findings now stored are those of this version of the dossier.
     * OR FAIL, not the default ABORT: one row, so a failure leaves it
     * just as ABORT would, but ABORT makes SQLite copy the row's page into
     * a statement journal first, which SQLCipher encrypts, a page's
     * encryption per case (review run --all at 100k: 1.5 s of 8) */
    [V_REV] = "UPDATE OR FAIL cases SET checked_rev = rev WHERE id = ?",
};

#define TXT(st, i) (sqlite3_column_text(st, i))

/* Cases go to the plugin worker in blocks of AHEAD, loaded one after
 * another and sent together when the first is taken (plugworker.h): the
 * worker checks a case in microseconds, then sleeps until the next comes,
 * and waking it (and being woken by its results) once a case cost more
 * than its checks. A reader for each case of a block, whose view must live
 * until the case's findings are stored. */
#define AHEAD SL_PLUGRUN_AHEAD
typedef struct {
	sqlite3_stmt *q[V__N];
	sl_casereader *reader[AHEAD]; /* case i is read by reader[i % AHEAD] */
	const sl_caseview *cv[AHEAD];
	/* after the first batch, another command may have written between
	 * two: a case no longer under review is passed over (skip) */
	int recheck, skip[AHEAD];
} viewer;

/*
 * A run over many cases commits in batches, as an import does (import.c),
 * so that another writer waits for one batch, not for the whole run: a
 * batch closes between two blocks of cases (AHEAD, above) once it has run
 * BATCH_MS (and has BATCH_MIN cases), or at BATCH_MAX. Each case's
 * findings and its entry are in one batch. What a later batch reads is
 * read in its own transaction, and a case that another command took out
 * of review in between (signed off, returned) is not checked.
 */
#define BATCH_MS 1000
#define BATCH_MIN 64
#define BATCH_MAX 4096

/* What a run tells its caller: each case as it is checked (each; non-zero
 * stops), and, after each batch commits, how many of the cases checked
 * were in it (committed; may be NULL). */
typedef struct {
	int (*each)(const sl_review_result *r, void *ud);
	void (*committed)(size_t cases, void *ud);
	void *ud;
} run_cbs;

/* ---- findings, as the plugins emit them ------------------------------- */

typedef struct {
	char *check, *standard, *code, *message, *refs, *outline;
	int severity;
} finding;

struct shenli_emitter {
	const char *check; /* the plugin now running */
	finding *v;
	size_t n, cap;
	int oom;
	size_t of_check; /* findings of this plugin on this case */
};

/* A check says what it finds on one case in a few findings; a plugin that
 * floods (200,000 of them were once stored) gets this many and a blocker
 * that says it went over. */
#define SL_FINDINGS_PER_CHECK 256

static const char *const STANDARDS[] = {"facts",          "evidence",
                                        "classification", "disposal",
                                        "formalities",    "procedure"};
static const char *const SEVERITIES[] = {"blocker", "warning", "note"};

static int is_standard(const char *s)
{
	for (size_t i = 0; s && i < 6; i++)
		if (!strcmp(s, STANDARDS[i]))
			return 1;
	return 0;
}

/* Bounded, valid UTF-8, and nothing that could drive a terminal or turn
 * text around (text.h): a plugin's words are shown to the panel. */
static int text_ok(const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max + 1) : 0;
	return n > 0 && n <= max && sl_text_safe(s, n);
}

static void push(shenli_emitter *e, const char *standard, int severity,
                 const char *code, const char *message, json_t *refs,
                 const char *outline)
{
	if (e->n == e->cap) {
		size_t nc = e->cap ? 2 * e->cap : 16;
		finding *nv = realloc(e->v, nc * sizeof *nv);
		if (!nv) {
			e->oom = 1;
			json_decref(refs);
			return;
		}
		e->v = nv;
		e->cap = nc;
	}
	finding *f = &e->v[e->n++];
	f->check = strdup(e->check);
	f->standard = strdup(standard);
	f->code = strdup(code);
	f->message = strdup(message);
	f->refs = json_dumps(refs, JSON_COMPACT);
	f->outline = outline ? strdup(outline) : NULL;
	f->severity = severity;
	json_decref(refs);
	if (!f->check || !f->standard || !f->code || !f->message || !f->refs ||
	    (outline && !f->outline))
		e->oom = 1;
}

/* The plugin's findings are checked before they are kept: a malformed one
 * becomes a blocker naming the plugin, never silently dropped. */
static void emit(shenli_emitter *e, const shenli_finding *f)
{
	if (++e->of_check > SL_FINDINGS_PER_CHECK) {
		if (e->of_check == SL_FINDINGS_PER_CHECK + 1) {
			char msg[200];
			snprintf(msg, sizeof msg,
			         "检查插件 %s 对本案报告的审查意见超过 %d 条，"
			         "其余未予记录",
			         e->check, SL_FINDINGS_PER_CHECK);
			push(e, "formalities", SHENLI_BLOCKER,
			     "too_many_findings", msg, json_array(), NULL);
		}
		return;
	}
	/* A message or suggestion may quote the dossier, whose text may hold
	 * what is not shown as itself (a bidi override in a name): marked
	 * U+FFFD here, not a malformed finding. Codes and refs are the
	 * plugin's own words: they must be clean as they come. */
	char *msg_c = f && f->message && *f->message
	                  ? sl_text_clean(f->message, "\uFFFD")
	                  : NULL;
	char *out_c = f && f->outline_item && *f->outline_item
	                  ? sl_text_clean(f->outline_item, "\uFFFD")
	                  : NULL;
	int ok = f && is_standard(f->standard) &&
	         f->severity >= SHENLI_BLOCKER && f->severity <= SHENLI_NOTE &&
	         text_ok(f->code, 64) && text_ok(msg_c, 4096) &&
	         f->n_refs <= 64 && (!f->outline_item || text_ok(out_c, 4096));
	json_t *refs = json_array();
	for (size_t i = 0; ok && i < f->n_refs; i++) {
		ok = text_ok(f->refs[i], 64);
		if (ok)
			json_array_append_new(refs, json_string(f->refs[i]));
	}
	if (!ok) {
		json_decref(refs);
		free(msg_c);
		free(out_c);
		char msg[160];
		snprintf(msg, sizeof msg,
		         "检查插件 %s 报告了格式错误的审查意见", e->check);
		push(e, "formalities", SHENLI_BLOCKER, "malformed_finding", msg,
		     json_array(), NULL);
		return;
	}
	push(e, f->standard, (int)f->severity, f->code, msg_c, refs, out_c);
	free(msg_c);
	free(out_c);
}

static void emitter_clear(shenli_emitter *e)
{
	for (size_t i = 0; i < e->n; i++) {
		finding *f = &e->v[i];
		free(f->check);
		free(f->standard);
		free(f->code);
		free(f->message);
		free(f->refs);
		free(f->outline);
	}
	e->n = 0;
	e->oom = 0;
}

/* ---- the run ------------------------------------------------------------ */

/* The cases to check, by their row: 8 bytes a case (with each case's id
 * as well, a run over 1M cases held 92 MB for its list); the id comes
 * with the case's view. */
typedef struct {
	int64_t *v;
	size_t n, cap;
	int oom;
} todo_list;

static int add_todo(const sl_case_row *r, void *ud)
{
	todo_list *t = ud;
	int sn = sl_state_parse(r->state);
	/* checks run on cases under review; not on ones not taken in, away
	 * for supplement, or signed off */
	if (sn != SL_ST_ACCEPTED && sn != SL_ST_IN_REVIEW &&
	    sn != SL_ST_DELIBERATED)
		return 0;
	if (t->n == t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 1024;
		int64_t *nv = realloc(t->v, nc * sizeof *nv);
		if (!nv) {
			t->oom = 1;
			return 1;
		}
		t->v = nv;
		t->cap = nc;
	}
	t->v[t->n++] = r->ref;
	return 0;
}

static int by_ref(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

struct plugins {
	sl_plugin **v;
	json_t *versions; /* {name: version}, as every review.run records */
	size_t n;
	sl_plugrun *run; /* the worker they run in */
};

typedef struct {
	sl_pkg_info *v;
	size_t n, cap;
	int oom;
} pkg_list;

static int collect_pkg(const sl_pkg_info *p, void *ud)
{
	pkg_list *l = ud;
	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 8;
		sl_pkg_info *nv = realloc(l->v, nc * sizeof *nv);
		if (!nv) {
			l->oom =
			    1; /* fail the run: never check with some plugins */
			return 1;
		}
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = *p;
	return 0;
}

static void plugins_free(struct plugins *p)
{
	sl_plugrun_end(p->run);
	for (size_t i = 0; i < p->n; i++)
		sl_plugin_unload(p->v[i]);
	free(p->v);
	json_decref(p->versions);
}

static sl_rc plugins_load(sl_store *s, struct plugins *out)
{
	memset(out, 0, sizeof *out);
	pkg_list pk = {0};
	sl_rc rc = sl_pkg_list(s, SL_PKG_PLUGIN, collect_pkg, &pk);
	if (!rc && pk.oom)
		rc = sl_error(SL_ESYS, _("out of memory"));
	sl_rules *r = NULL;
	char *rules = NULL;
	if (!rc && !(rc = sl_rules_load(s, &r))) {
		rules = json_dumps(sl_rules_json(r), JSON_COMPACT);
		sl_rules_free(r);
		if (!rules)
			rc = sl_error(SL_ESYS, _("out of memory"));
	}
	size_t n = pk.n;
	if (!rc && n) {
		out->v = calloc(n, sizeof *out->v);
		out->versions = json_object();
		if (!out->v || !out->versions)
			rc = sl_error(SL_ESYS, _("out of memory"));
	}
	for (size_t i = 0; !rc && i < n; i++) {
		rc = sl_plugin_load(s, &pk.v[i], &out->v[i]);
		if (rc)
			break;
		out->n++;
		if (json_object_set_new(out->versions,
		                        sl_plugin_name(out->v[i]),
		                        json_integer(pk.v[i].m.version)))
			rc = sl_error(SL_ESYS, _("out of memory"));
	}
	if (!rc && out->n)
		rc = sl_plugins_start(s, out->v, out->n, rules, strlen(rules),
		                      &out->run);
	free(rules);
	free(pk.v);
	if (rc) {
		plugins_free(out);
		memset(out, 0, sizeof *out); /* freed: the caller may free it */
	}
	return rc;
}

/* ---- what the plugin worker says, as findings ---------------------------- */

typedef struct {
	shenli_emitter *em;
	struct plugins *pl;
	size_t at; /* the plugin whose findings come now */
} sink_ctx;

static void sink_at(sink_ctx *k, size_t i)
{
	if (k->at != i) {
		k->at = i;
		k->em->check = sl_plugin_name(k->pl->v[i]);
		k->em->of_check = 0;
	}
}

static void sink_finding(void *ud, size_t i, const shenli_finding *f)
{
	sink_ctx *k = ud;
	sink_at(k, i);
	emit(k->em, f);
}

/* A plugin that did not check the case is a blocker naming it. */
static void sink_done(void *ud, size_t i, const sl_plug_outcome *o)
{
	sink_ctx *k = ud;
	sink_at(k, i);
	const char *name = k->em->check, *code = "check_failed";
	char msg[400];
	switch (o->status) {
	case SL_PLUG_RAN: return;
	case SL_PLUG_FAILED:
		if (o->how[0])
			snprintf(msg, sizeof msg,
			         "检查插件 %s 未能完成对本案的检查（%s）", name,
			         o->how);
		else
			snprintf(msg, sizeof msg,
			         "检查插件 %s 未能完成对本案的检查", name);
		break;
	case SL_PLUG_UNUSABLE:
		snprintf(msg, sizeof msg,
		         "检查插件 %s "
		         "不能按现行审理规则工作，本案未经其检查",
		         name);
		break;
	case SL_PLUG_CRASHED:
		code = "plugin_crashed";
		snprintf(msg, sizeof msg,
		         "检查插件 %s 检查本案时异常终止（%s），本案未经其检查",
		         name, o->how);
		break;
	case SL_PLUG_TIMEOUT:
		code = "plugin_timeout";
		/* how: "超过 N 毫秒", or "加载时，超过 N 毫秒" if it never
		 * finished loading (plugworker.c) */
		snprintf(msg, sizeof msg,
		         "检查插件 %s %s%s仍未完成，已被终止，本案未经其检查",
		         name, strncmp(o->how, "加载时", 9) ? "检查本案" : "",
		         o->how);
		break;
	case SL_PLUG_GAVE_UP:
		code = "plugin_crashed";
		snprintf(msg, sizeof msg,
		         "检查插件 %s 在本次检查中已多次异常终止（%s），"
		         "未再运行，本案未经其检查",
		         name, o->how);
		break;
	}
	push(k->em, "formalities", SHENLI_BLOCKER, code, msg, json_array(),
	     NULL);
}

/* Load case i of the run and hand it to the plugin worker. */
static sl_rc load_post(viewer *v, struct plugins *pl, int64_t ref, size_t i)
{
	size_t k = i % AHEAD;
	sl_rc rc =
	    sl_casereader_load(v->reader[k], ref, SL_CV_TABLES, &v->cv[k]);
	if (rc)
		return rc;
	sl_state st = v->cv[k]->state;
	v->skip[k] = v->recheck && st != SL_ST_ACCEPTED &&
	             st != SL_ST_IN_REVIEW && st != SL_ST_DELIBERATED;
	if (!v->skip[k] && pl->n)
		rc = sl_plugrun_post(pl->run, v->cv[k]->c);
	return rc;
}

/* The open batch committed, whoever waits to write let go first, and the
 * next batch begun; from then on a case is checked only if it is still
 * under review. */
static sl_rc batch_close(sl_store *s, size_t *written, const run_cbs *cbs)
{
	/* a batch of cases all passed over wrote nothing: no entry, no
	 * commit */
	if (!*written) {
		sl_tx_rollback(s);
		return SL_OK;
	}
	size_t n = *written;
	*written = 0;
	sl_rc rc = sl_tx_commit(s);
	if (!rc && cbs->committed)
		cbs->committed(n, cbs->ud);
	return rc;
}

static sl_rc next_batch(sl_store *s, viewer *v, size_t *written,
                        const run_cbs *cbs)
{
	sl_rc rc = batch_close(s, written, cbs);
	if (rc)
		return rc;
	sl_tx_yield(s);
	v->recheck = 1;
	return sl_tx_begin(s);
}

/* Take the plugins' findings on case at (row ref, posted by load_post)
 * and replace its findings, inside the open transaction. res->case_id is
 * the view's: it lives until the block after this one is read. */
static sl_rc run_one(sl_store *s, viewer *v, struct plugins *pl,
                     shenli_emitter *em, int64_t ref, size_t at,
                     sl_review_result *res)
{
	const sl_caseview *cv = v->cv[at % AHEAD];
	const char *case_id = cv->c->case_id;
	sl_rc rc;
	emitter_clear(em);
	sink_ctx k = {em, pl, (size_t)-1};
	sl_plug_sink sink = {&k, sink_finding, sink_done};
	if (pl->n && (rc = sl_plugrun_take(pl->run, &sink)))
		return rc;
	if (em->oom)
		return sl_error(SL_ESYS, _("out of memory"));
	sqlite3_stmt *st = v->q[V_DEL];
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("storing findings"));
	memset(res, 0, sizeof *res);
	res->case_id = case_id;
	sl_hasher *h = sl_hasher_new();
	if (!h)
		return sl_error(SL_ESYS, _("out of memory"));
	sl_canon cn;
	sl_canon_begin(&cn, h, SL_CANON_FINDINGS);
	st = v->q[V_INS];
	for (size_t i = 0; i < em->n; i++) {
		finding *f = &em->v[i];
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, f->check, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, f->standard, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, SEVERITIES[f->severity], -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(st, 6, f->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, f->message, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, f->refs, -1, SQLITE_STATIC);
		if (f->outline)
			sqlite3_bind_text(st, 9, f->outline, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 9);
		step = sqlite3_step(st);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (step != SQLITE_DONE) {
			sl_hasher_free(h);
			return sl_db_err(s, _("storing findings"));
		}
		/* the audit entry commits to every column of every finding,
		 * as replay.c reads them back */
		sl_canon_finding(&cn, (int64_t)i, f->check, f->standard,
		                 SEVERITIES[f->severity], f->code, f->message,
		                 f->refs, f->outline);
		res->blockers += f->severity == SHENLI_BLOCKER;
		res->warnings += f->severity == SHENLI_WARNING;
		res->notes += f->severity == SHENLI_NOTE;
	}
	/* A case checked again at the version it was checked at keeps its
	 * mark: the row is not rewritten, and a run over a store of checked
	 * cases does not dirty every page of the case table (rev is read
	 * with the view, in this transaction). */
	st = v->q[V_REV];
	sqlite3_bind_int64(st, 1, ref);
	step = cv->checked ? SQLITE_DONE : sqlite3_step(st);
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		sl_hasher_free(h);
		return sl_db_err(s, _("storing findings"));
	}
	uint8_t dig[32];
	char hex[65];
	sl_canon_end(&cn, dig);
	sl_hasher_free(h);
	sl_hex(dig, 32, hex);
	json_t *d = json_pack("{s:O, s:i, s:i, s:i, s:s, s:i, s:s, s:s?}",
	                      "plugins", pl->versions, "blockers",
	                      res->blockers, "warnings", res->warnings, "notes",
	                      res->notes, "findings_sha256", hex, "rev",
	                      cv->rev, "agency", cv->agency, "zone", cv->zone);
	if (!d) /* an entry without what the run found would still verify */
		return sl_error(SL_ESYS, _("out of memory"));
	rc = sl_audit(s, "review.run", case_id, d);
	json_decref(d);
	return rc;
}

static sl_rc run_todo(sl_store *s, struct plugins *pl, const todo_list *t,
                      int own_tx, const run_cbs *cbs);

static int keep_result(const sl_review_result *r, void *ud)
{
	sl_review_result **out = ud;
	if (*out)
		**out = *r;
	return 0;
}

/* The cases to check, and their states, are read before the write
 * transaction: if another shenli commits in between (a sign-off, say),
 * the run starts again rather than write findings on a stale list. */
static sl_rc review_run_once(sl_store *s, const char *case_id,
                             const run_cbs *cbs)
{
	sl_rc rc = sl_tx_snapshot(s);
	if (rc)
		return rc;
	rc = sl_guard(s, SL_ACT_REVIEW_RUN, case_id ? case_id : "cases");
	if (rc)
		return rc;
	todo_list todo_v = {0};
	if (case_id) {
		int64_t ref;
		sl_state state;
		if ((rc = sl_case_require(s, SL_ACT_REVIEW_RUN, case_id, &ref,
		                          &state)))
			return rc;
		if (state != SL_ST_ACCEPTED && state != SL_ST_IN_REVIEW &&
		    state != SL_ST_DELIBERATED)
			return sl_error(
			    SL_EPERM,
			    _("case %s is '%s': checks run on cases "
			      "under review"),
			    case_id, sl_state_said(state));
		sl_case_row r = {.ref = ref,
		                 .case_id = case_id,
		                 .state = sl_state_name(state)};
		if (add_todo(&r, &todo_v))
			return sl_error(SL_ESYS, _("out of memory"));
	} else {
		/* a reviewer's run covers the cases of their teams (policy.c);
		 * a leader's, every case they may see */
		sl_case_filter f = {0};
		if (sl_store_actor(s)->role != SL_ROLE_LEADER)
			f.assignee = "me";
		rc = sl_case_list(s, &f, add_todo, &todo_v);
		if (!rc && todo_v.oom)
			rc = sl_error(SL_ESYS, _("out of memory"));
		if (rc) {
			free(todo_v.v);
			return rc;
		}
		/* In row order, consecutive cases share pages: each page is
		 * read and decrypted once, not once per case (4x faster). */
		if (todo_v.n > 1) /* none: no list at all (NULL) */
			qsort(todo_v.v, todo_v.n, sizeof *todo_v.v, by_ref);
	}
	/* loaded before the write transaction, so that a refused plugin is
	 * audited (plugin.refused) in a transaction of its own */
	struct plugins pl;
	if (!(rc = plugins_load(s, &pl)) && pl.n == 0)
		rc = sl_error(SL_FAIL, _("no review plugin is installed: an "
		                         "admin installs them with 'plugin "
		                         "install'"));
	if (!rc)
		rc = run_todo(s, &pl, &todo_v, 1, cbs);
	plugins_free(&pl);
	free(todo_v.v);
	return rc;
}

/* The run's totals, and the caller's progress, case by case. */
struct tally {
	const sl_review_run_req *rq;
	sl_review_run_res *res;
};

static int tally_case(const sl_review_result *r, void *ud)
{
	struct tally *t = ud;
	t->res->cases++;
	t->res->blockers += r->blockers;
	t->res->warnings += r->warnings;
	t->res->notes += r->notes;
	return t->rq->progress ? t->rq->progress(r, t->rq->ud) : 0;
}

static void tally_committed(size_t cases, void *ud)
{
	struct tally *t = ud;
	t->res->committed += cases;
	if (t->rq->committed)
		t->rq->committed(t->res->committed, t->rq->ud);
}

sl_rc sl_review_run(sl_store *s, const sl_review_run_req *rq,
                    sl_review_run_res *out)
{
	struct tally t = {rq, out};
	run_cbs cbs = {tally_case, tally_committed, &t};
	int tries = 0;
	sl_rc rc;
	/* a run that starts again counts again from nothing; it starts again
	 * only when its first batch met another writer, before any commit */
	do {
		memset(out, 0, sizeof *out);
		rc = review_run_once(s, rq->case_id, &cbs);
	} while (sl_tx_retry(s, rc, &tries));
	if (rc) {
		size_t kept = out->committed;
		memset(out, 0, sizeof *out);
		out->committed = kept;
		return rc;
	}
	out->ran = 1;
	/* the verdict is the run's, not its caller's: a blocker stops
	 * sign-off, and that is what exit 1 says */
	if (out->blockers)
		return sl_error(SL_FAIL,
		                _("the checks found %ld blocker(s) in %zu "
		                  "case(s)"),
		                out->blockers, out->cases);
	return SL_OK;
}

/* A sink for results nobody wants. */
static void drop_finding(void *ud, size_t plugin, const shenli_finding *f)
{
	(void)ud;
	(void)plugin;
	(void)f;
}

static void drop_done(void *ud, size_t plugin, const sl_plug_outcome *o)
{
	(void)ud;
	(void)plugin;
	(void)o;
}

/* The results of the cases posted from i on (before end) taken and
 * dropped: the caller stopped, and the worker must be left with none. */
static sl_rc drop_posted(const viewer *v, struct plugins *pl, size_t i,
                         size_t end)
{
	sl_plug_sink none = {NULL, drop_finding, drop_done};
	sl_rc rc = SL_OK;
	for (; i < end && !rc; i++)
		if (pl->n && !v->skip[i % AHEAD])
			rc = sl_plugrun_take(pl->run, &none);
	return rc;
}

/* Check the cases of t; own_tx: in a transaction of its own, a batch at a
 * time (else in the caller's, which commits). */
static sl_rc run_todo(sl_store *s, struct plugins *pl, const todo_list *t,
                      int own_tx, const run_cbs *cbs)
{
	sl_rc rc = SL_OK;
	viewer v = {0};
	shenli_emitter em = {0};
	for (int i = 0; i < V__N && !rc; i++)
		if (sl_db_prepare(s, view_sql[i], &v.q[i]))
			rc = sl_db_err(s, _("preparing the review"));
	for (int k = 0; k < AHEAD && !rc; k++)
		rc = sl_casereader_new(s, &v.reader[k]);
	/* a transaction and a signature a batch; a larger page cache keeps
	 * a batch's written pages from being spilled and rewritten */
	sl_db_cache(s, 32768);
	sl_db_checkpoint_every(s, 8192); /* as an import (import.c) */
	if (!rc && t->n && own_tx)
		rc = sl_tx_begin_unchanged(s); /* see sl_review_run */
	int64_t batch_t0 = sl_mono_ms();
	size_t batch_n = 0, written = 0;
	for (size_t i = 0; !rc && i < t->n;) {
		size_t from = i, end = t->n - i < AHEAD ? t->n : i + AHEAD;
		for (size_t j = from; j < end && !rc; j++)
			rc = load_post(&v, pl, t->v[j], j);
		int stop = 0;
		for (; !rc && !stop && i < end; i++) {
			if (v.skip[i % AHEAD])
				continue;
			sl_review_result res;
			rc = run_one(s, &v, pl, &em, t->v[i], i, &res);
			res.index = i + 1;
			res.total = t->n;
			written++;
			stop = !rc && cbs->each && cbs->each(&res, cbs->ud);
		}
		if (stop) {
			rc = drop_posted(&v, pl, i, end);
			break;
		}
		/* a batch ends between two blocks: the next block is read
		 * after the commit, in the next batch's transaction */
		batch_n += end - from;
		if (!rc && own_tx && i < t->n && batch_n >= BATCH_MIN &&
		    (batch_n >= BATCH_MAX ||
		     sl_mono_ms() - batch_t0 >= BATCH_MS)) {
			rc = next_batch(s, &v, &written, cbs);
			batch_t0 = sl_mono_ms();
			batch_n = 0;
		}
	}
	if (t->n && own_tx) {
		if (!rc)
			rc = batch_close(s, &written, cbs);
		else
			sl_tx_rollback(s);
	}
	sl_db_cache(s, 0);
	sl_db_checkpoint_every(s, 0);
	for (int i = 0; i < V__N; i++)
		sqlite3_finalize(v.q[i]);
	for (int k = 0; k < AHEAD; k++)
		sl_casereader_free(v.reader[k]);
	emitter_clear(&em);
	free(em.v);
	return rc;
}

struct sl_checks {
	struct plugins pl;
};

sl_rc sl_checks_load(sl_store *s, sl_checks **out)
{
	*out = NULL;
	if (sl_tx_active(s))
		return sl_error(SL_ESYS, _("internal: plugins loaded inside a "
		                           "transaction"));
	sl_checks *c = calloc(1, sizeof *c);
	if (!c)
		return sl_error(SL_ESYS, _("out of memory"));
	sl_rc rc = plugins_load(s, &c->pl);
	if (rc) {
		free(c);
		return rc;
	}
	*out = c;
	return SL_OK;
}

size_t sl_checks_count(const sl_checks *c)
{
	return c ? c->pl.n : 0;
}

void sl_checks_free(sl_checks *c)
{
	if (!c)
		return;
	plugins_free(&c->pl);
	free(c);
}

sl_rc sl_checks_run_in_tx(sl_store *s, sl_checks *c, int64_t ref,
                          const char *case_id, sl_review_result *res)
{
	if (!sl_tx_active(s) || !c || !c->pl.n)
		return sl_error(SL_ESYS, _("internal: checks outside a "
		                           "transaction or without plugins"));
	int64_t one = ref;
	todo_list t = {.v = &one, .n = 1, .cap = 1};
	sl_review_result *out = res;
	run_cbs cbs = {keep_result, NULL, &out};
	sl_rc rc = run_todo(s, &c->pl, &t, 0, &cbs);
	if (!rc && res)
		res->case_id = case_id; /* the caller's, not the run's view */
	return rc;
}
