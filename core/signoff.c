/* signoff.c - the case view, script dry-runs, sign-off. See signoff.h. */
#include "signoff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "caseview.h"
#include "crypto.h"
#include "db.h"
#include "lifecycle.h"
#include "pkgstore.h"
#include "plugin_host.h"
#include "policy.h"
#include "respool.h"
#include "rules.h"
#include "transition.h"

/* ---- running scripts ----------------------------------------------------- */

typedef struct {
	sl_pkg_info *v;
	size_t n, cap;
	int oom;
} pkg_list;

static int collect(const sl_pkg_info *p, void *ud)
{
	pkg_list *l = ud;
	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 8;
		sl_pkg_info *nv = realloc(l->v, nc * sizeof *nv);
		if (!nv) {
			l->oom = 1; /* never gate with some of the scripts */
			return 1;
		}
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = *p;
	return 0;
}

typedef struct {
	sl_pkg_info *pkg;
	sl_script_src *src;
	size_t n;
} scripts;

static void scripts_free(scripts *sc)
{
	for (size_t i = 0; sc->src && i < sc->n; i++)
		free((char *)sc->src[i].src);
	free(sc->src);
	free(sc->pkg);
	memset(sc, 0, sizeof *sc);
}

/* Load (verified) the installed scripts: one by name, or all. */
static sl_rc scripts_load(sl_store *s, const char *name, scripts *out)
{
	memset(out, 0, sizeof *out);
	pkg_list l = {0};
	sl_rc rc;
	if (name) {
		l.v = malloc(sizeof *l.v);
		if (!l.v)
			return sl_error(SL_ESYS, _("out of memory"));
		if ((rc = sl_pkg_get(s, name, SL_PKG_SCRIPT, l.v))) {
			free(l.v);
			return rc;
		}
		l.n = 1;
	} else {
		rc = sl_pkg_list(s, SL_PKG_SCRIPT, collect, &l);
		if (!rc && l.oom)
			rc = sl_error(SL_ESYS, _("out of memory"));
		if (rc) {
			free(l.v);
			return rc;
		}
	}
	out->pkg = l.v;
	out->src = calloc(l.n ? l.n : 1, sizeof *out->src);
	if (!out->src) {
		free(l.v);
		out->pkg = NULL;
		return sl_error(SL_ESYS, _("out of memory"));
	}
	for (size_t i = 0; i < l.n; i++) {
		char *src;
		size_t len;
		if ((rc = sl_script_load(s, &l.v[i], &src, &len))) {
			scripts_free(out);
			return rc;
		}
		out->src[i] = (sl_script_src){l.v[i].m.name, src, len};
		out->n = i + 1;
	}
	out->n = l.n;
	return SL_OK;
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A script's finding as the sandbox gives it (validated there, on both
 * sides of the worker's pipe: sandbox.c, finding_problem) into p. */
static void finding_of(sl_pool *p, const json_t *j, sl_finding *f)
{
	const json_t *refs = json_object_get(j, "refs");
	size_t n = json_array_size(refs);
	const char **v = sl_pool_alloc(p, (n + 1) * sizeof *v);
	for (size_t i = 0; v && i < n; i++)
		v[f->n_refs++] = sl_pool_strdup(
		    p, json_string_value(json_array_get(refs, i)));
	f->refs = v;
	f->check = sl_pool_strdup(p, jstr(j, "check"));
	f->standard = sl_pool_strdup(p, jstr(j, "standard"));
	f->severity = sl_pool_strdup(p, jstr(j, "severity"));
	f->code = sl_pool_strdup(p, jstr(j, "code"));
	f->message = sl_pool_strdup(p, jstr(j, "message"));
	f->outline_item = sl_pool_strdup(p, jstr(j, "outline_item"));
}

/* One script's outcome into the result. */
static void gate_script(sl_gate_res *r, const sl_script_src *src,
                        const sl_pkg_info *pkg, const sl_script_result *res,
                        sl_gate_script *g)
{
	sl_pool *p = r->mem_;
	size_t n = json_array_size(res->findings);
	sl_finding *f = sl_pool_alloc(p, (n + 1) * sizeof *f);
	for (size_t k = 0; f && k < n; k++)
		finding_of(p, json_array_get(res->findings, k), &f[k]);
	g->script = sl_pool_strdup(p, src->name);
	g->version = pkg->m.version;
	g->passed = res->passed != 0;
	g->findings = f;
	g->n_findings = f ? n : 0;
	g->printed = sl_pool_strdup(p, res->printed);
}

static sl_rc run_gate(sl_store *s, const scripts *sc, const json_t *view,
                      const sl_sandbox_limits *lim, sl_gate_res *r)
{
	/* the worker is this very executable image: /proc/self/exe names
	 * the file we run even if the path was replaced since we started */
	static const char exe[] = "/proc/self/exe";
	sl_rules *rules;
	sl_rc rc = sl_rules_load(s, &rules);
	if (rc)
		return rc;
	sl_sandbox_limits def;
	if (!lim) {
		sl_sandbox_defaults(&def);
		lim = &def;
	}
	sl_script_result *res = calloc(sc->n ? sc->n : 1, sizeof *res);
	r->scripts = sl_pool_alloc(r->mem_, (sc->n + 1) * sizeof *r->scripts);
	if (!res || !r->scripts) {
		free(res);
		sl_rules_free(rules);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	rc = sl_sandbox_run_isolated(exe, sc->src, sc->n, view,
	                             sl_rules_json(rules), lim, res);
	sl_rules_free(rules);
	if (!rc) {
		r->passed = 1;
		for (size_t i = 0; i < sc->n; i++) {
			r->passed &= res[i].passed != 0;
			gate_script(r, &sc->src[i], &sc->pkg[i], &res[i],
			            &r->scripts[i]);
		}
		r->n_scripts = sc->n;
		r->ran = !sl_pool_failed(r->mem_);
		if (!r->ran)
			rc = sl_error(SL_ESYS, _("out of memory"));
	}
	for (size_t i = 0; i < sc->n; i++)
		sl_script_result_free(&res[i]);
	free(res);
	return rc;
}

/* A fresh result for case_id. */
static sl_rc gate_begin(const char *case_id, sl_gate_res *out)
{
	memset(out, 0, sizeof *out);
	if (!(out->mem_ = sl_pool_new()) ||
	    !(out->case_id = sl_pool_strdup(out->mem_, case_id))) {
		sl_gate_res_free(out);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	return SL_OK;
}

sl_rc sl_script_run(sl_store *s, const sl_script_run_req *rq, sl_gate_res *out)
{
	int64_t ref;
	sl_state state;
	scripts sc = {0};
	json_t *view = NULL;
	sl_rc rc = gate_begin(rq->case_id, out);
	if (!rc &&
	    !(rc = sl_case_require(s, SL_ACT_SCRIPT_RUN, rq->case_id, &ref,
	                           &state)) &&
	    !(rc = scripts_load(s, rq->name, &sc)) &&
	    !(rc = sl_caseview_script_json(s, ref, rq->case_id, &view)))
		rc = run_gate(s, &sc, view, NULL, out);
	json_decref(view);
	scripts_free(&sc);
	if (rc) {
		sl_gate_res_free(out);
		return rc;
	}
	/* a dry run writes nothing; its verdict is still the script's */
	if (!out->passed)
		return sl_error(SL_FAIL, _("script %s did not pass on case %s"),
		                rq->name, rq->case_id);
	return SL_OK;
}

sl_rc sl_gate_dry(sl_store *s, int64_t ref, const char *case_id,
                  sl_gate_res *out)
{
	scripts sc = {0};
	json_t *view = NULL;
	sl_rc rc = gate_begin(case_id, out);
	/* no script, no gate finding: a worker would be started for nothing */
	if (!rc && !(rc = scripts_load(s, NULL, &sc)) && sc.n > 0 &&
	    !(rc = sl_caseview_script_json(s, ref, case_id, &view)))
		rc = run_gate(s, &sc, view, NULL, out);
	json_decref(view);
	scripts_free(&sc);
	if (rc)
		sl_gate_res_free(out);
	return rc;
}

/* ---- sign-off ------------------------------------------------------------ */

static sl_rc current_state(sl_store *s, int64_t ref, sl_state *state)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s, "SELECT state FROM cases WHERE id = ?", &st))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	int sn = step == SQLITE_ROW
	             ? sl_state_parse((const char *)sqlite3_column_text(st, 0))
	             : -1;
	sqlite3_finalize(st);
	if (sn < 0)
		return sl_db_err(s, _("reading a case"));
	*state = (sl_state)sn;
	return SL_OK;
}

/* What the scripts saw, as its hash: the sign-off's entry commits to it. */
static sl_rc view_hash(const json_t *view, char hex[2 * SL_SHA256_LEN + 1])
{
	char *vtext = json_dumps(view, JSON_COMPACT | JSON_SORT_KEYS);
	uint8_t h[SL_SHA256_LEN];
	if (!vtext)
		return sl_error(SL_ESYS, _("out of memory"));
	sl_sha256(vtext, strlen(vtext), h);
	free(vtext);
	sl_hex(h, sizeof h, hex);
	return SL_OK;
}

/* The gate's record for the log: each script's version, the failing
 * ones, and how many blockers they found. */
static json_t *gate_versions(const sl_gate_res *r, json_t *failed,
                             int *blockers)
{
	json_t *versions = json_object();
	*blockers = 0;
	for (size_t i = 0; versions && i < r->n_scripts; i++) {
		const sl_gate_script *g = &r->scripts[i];
		json_object_set_new(versions, g->script,
		                    json_integer((json_int_t)g->version));
		if (!g->passed)
			json_array_append_new(failed, json_string(g->script));
		for (size_t k = 0; k < g->n_findings; k++)
			*blockers +=
			    !strcmp(g->findings[k].severity, "blocker");
	}
	return versions;
}

/* Claim and audit d (taken) as action. */
static sl_rc record(sl_store *s, int64_t ref, const char *case_id,
                    const char *action, json_t *d)
{
	sl_rc rc;
	if (!d || (rc = sl_case_claim(s, ref, d))) {
		json_decref(d);
		return d ? rc : sl_error(SL_ESYS, _("out of memory"));
	}
	rc = sl_audit(s, action, case_id, d);
	json_decref(d);
	return rc;
}

/* The refusal, audited: the failing scripts and what they found. */
static sl_rc refuse(sl_store *s, int64_t ref, const char *case_id,
                    const sl_gate_res *r, const char *vhex, size_t *n_failed)
{
	json_t *failed = json_array();
	int blockers;
	json_t *versions = gate_versions(r, failed, &blockers);
	*n_failed = json_array_size(failed);
	return record(s, ref, case_id, "review.signoff_refused",
	              json_pack("{s:o, s:o, s:i, s:s}", "scripts", versions,
	                        "failed", failed, "blockers", blockers,
	                        "view_sha256", vhex));
}

/* Signed off: the head as it stood, recorded with the case and in the
 * sign-off's own entry (the state of the log it attests to). */
static sl_rc sign(sl_store *s, int64_t ref, const char *case_id, sl_state state,
                  sl_gate_res *r, const char *vhex)
{
	int64_t seq;
	uint8_t hh[SL_SHA256_LEN];
	sl_rc rc = sl_audit_head(s, &seq, hh);
	if (rc)
		return rc;
	sl_audit_format_anchor(seq, hh, r->head);
	sl_case_change chg = {.signed_head = r->head,
	                      .signed_ms = sl_tx_clock(s)};
	sl_state next;
	if ((rc = sl_case_transition(s, ref, case_id, state, SL_EV_SIGNOFF,
	                             &chg, &next)))
		return rc;
	json_t *failed = json_array();
	int blockers;
	json_t *versions = gate_versions(r, failed, &blockers);
	json_decref(failed);
	return record(s, ref, case_id, "review.signoff",
	              json_pack("{s:s, s:o, s:s}", "head", r->head, "scripts",
	                        versions, "view_sha256", vhex));
}

/* The gate, under the write lock (what the scripts see is what is signed
 * off: nobody changes the case meanwhile), and its outcome. */
static sl_rc gate_and_sign(sl_store *s, int64_t ref, const char *case_id,
                           const scripts *sc, sl_gate_res *r, size_t *n_failed)
{
	sl_state state = SL_ST__COUNT, next;
	json_t *view = NULL;
	char vhex[2 * SL_SHA256_LEN + 1];
	sl_rc rc;
	/* the gates read the tables: a row written there outside shenli
	 * (a member holding the data key) must not pass them, so the case
	 * is checked against the log first, in this transaction */
	if ((rc = current_state(s, ref, &state)) ||
	    (rc = sl_lifecycle_next(case_id, state, SL_EV_SIGNOFF, &next)) ||
	    (rc = sl_store_verify_case(s, ref, case_id)) ||
	    (rc = sl_caseview_script_json(s, ref, case_id, &view)) ||
	    (rc = run_gate(s, sc, view, NULL, r)) ||
	    (rc = view_hash(view, vhex))) {
		json_decref(view);
		return rc;
	}
	json_decref(view);
	if (!r->passed)
		return refuse(s, ref, case_id, r, vhex, n_failed);
	return sign(s, ref, case_id, state, r, vhex);
}

sl_rc sl_review_signoff(sl_store *s, const char *case_id, sl_gate_res *out)
{
	int64_t ref;
	sl_state state, next;
	scripts sc = {0};
	size_t n_failed = 0;
	sl_rc rc = gate_begin(case_id, out);
	if (rc ||
	    (rc = sl_case_require(s, SL_ACT_REVIEW_SIGNOFF, case_id, &ref,
	                          &state)) ||
	    (rc = sl_lifecycle_next(case_id, state, SL_EV_SIGNOFF, &next)) ||
	    (rc = scripts_load(s, NULL, &sc)))
		goto out;
	if (sc.n == 0) {
		rc = sl_error(SL_FAIL,
		              _("no consistency script is installed: sign-off "
		                "needs its gate (an admin installs the scripts "
		                "with 'script install')"));
		goto out;
	}
	if (!(rc = sl_tx_begin(s))) {
		if ((rc =
		         gate_and_sign(s, ref, case_id, &sc, out, &n_failed)) ||
		    (rc = sl_tx_commit(s)))
			sl_tx_rollback(s);
	}
	if (!rc && !out->passed) /* refused, and the refusal audited */
		rc =
		    sl_error(SL_FAIL,
		             _("sign-off of %s refused: %zu of %zu consistency "
		               "scripts did not pass"),
		             case_id, n_failed, sc.n);
	out->signed_off = !rc;
out:
	scripts_free(&sc);
	if (rc && !out->ran)
		sl_gate_res_free(out);
	return rc;
}
