/* signoff.c - the case view, script dry-runs, sign-off. See signoff.h. */
#include "signoff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "crypto.h"
#include "lifecycle.h"
#include "opinions.h"
#include "pkgstore.h"
#include "plugin_host.h"
#include "policy.h"
#include "returns.h"
#include "review.h"
#include "transition.h"
#include "rules.h"

/* ---- the view ------------------------------------------------------------ */

static json_t *team_view(sl_store *s, int64_t ref, sl_rc *rc)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT a.user_id, u.role, u.agency, u.name FROM"
	                       " assignments a JOIN users u ON u.id = a.user_id"
	                       " WHERE a.case_ref = ? ORDER BY a.user_id",
	                       -1, &st, 0)) {
		*rc = sl_db_err(s, _("reading the team"));
		return NULL;
	}
	sqlite3_bind_int64(st, 1, ref);
	json_t *a = json_array();
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
		    a, json_pack(
		           "{s:s, s:s, s:s?, s:s?}", "id",
		           (const char *)sqlite3_column_text(st, 0), "role",
		           (const char *)sqlite3_column_text(st, 1), "agency",
		           (const char *)sqlite3_column_text(st, 2), "name",
		           (const char *)sqlite3_column_text(st, 3)));
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		json_decref(a);
		*rc = sl_db_err(s, _("reading the team"));
		return NULL;
	}
	return a;
}

sl_rc sl_case_view(sl_store *s, int64_t ref, const char *case_id, json_t **out)
{
	*out = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT c.state, c.zone, c.accepted_ms,"
	                       " c.rev = c.checked_rev, d.bytes, d.sha256"
	                       " FROM cases c JOIN dossiers d ON d.case_ref ="
	                       " c.id WHERE c.id = ?",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		sqlite3_finalize(st);
		return step == SQLITE_DONE
		           ? sl_error(SL_EINTEGRITY,
		                      _("case %s has no dossier"), case_id)
		           : sl_db_err(s, _("reading a case"));
	}
	const void *bytes = sqlite3_column_blob(st, 4);
	size_t blen = (size_t)sqlite3_column_bytes(st, 4);
	uint8_t h[SL_SHA256_LEN];
	sl_sha256(bytes, blen, h);
	if (sqlite3_column_bytes(st, 5) != SL_SHA256_LEN ||
	    memcmp(h, sqlite3_column_blob(st, 5), SL_SHA256_LEN)) {
		sqlite3_finalize(st);
		return sl_error(SL_EINTEGRITY,
		                _("the stored dossier of %s does not match its "
		                  "hash"),
		                case_id);
	}
	json_error_t jerr;
	json_t *v = json_loadb(bytes, blen, 0, &jerr);
	if (!json_is_object(v)) {
		sqlite3_finalize(st);
		json_decref(v);
		return sl_error(SL_EINTEGRITY,
		                _("the stored dossier of %s is not an object"),
		                case_id);
	}
	char accepted[11], today[11];
	int has_acc = sqlite3_column_type(st, 2) != SQLITE_NULL;
	if (has_acc)
		sl_day_of(sqlite3_column_int64(st, 2), accepted);
	sl_day_of(sl_now_ms(), today);
	const char *zone = (const char *)sqlite3_column_text(st, 1);
	json_object_set_new(
	    v, "state", json_string((const char *)sqlite3_column_text(st, 0)));
	json_object_set_new(v, "zone", zone ? json_string(zone) : json_null());
	json_object_set_new(v, "accepted_on",
	                    has_acc ? json_string(accepted) : json_null());
	json_object_set_new(v, "today", json_string(today));
	json_object_set_new(v, "checked",
	                    json_boolean(sqlite3_column_int(st, 3)));
	sqlite3_finalize(st);
	sl_rc rc = SL_OK;
	json_t *part = team_view(s, ref, &rc);
	if (part)
		json_object_set_new(v, "team", part);
	if (!rc && !(rc = sl_review_findings_of(s, ref, &part)))
		json_object_set_new(v, "findings", part);
	if (!rc && !(rc = sl_opinions_of(s, ref, case_id, 0, &part)))
		json_object_set_new(v, "opinions", part);
	/* opinions of reviewers since taken off the team: no longer in
	 * force, but part of the record the report shows */
	if (!rc && !(rc = sl_opinions_of(s, ref, case_id, 1, &part))) {
		json_t *gone = json_array();
		size_t i;
		json_t *o;
		json_array_foreach(part, i, o)
		{
			const char *w =
			    json_string_value(json_object_get(o, "withdrawn"));
			if (w && !strcmp(w, "reassigned"))
				json_array_append(gone, o);
		}
		json_decref(part);
		json_object_set_new(v, "opinions_reassigned", gone);
	}
	if (!rc && !(rc = sl_returns_of(s, ref, case_id, &part)))
		json_object_set_new(v, "returns", part);
	if (rc) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return SL_OK;
}

/* ---- running scripts ----------------------------------------------------- */

void sl_gate_result_free(sl_gate_result *r)
{
	if (!r)
		return;
	json_decref(r->scripts);
	r->scripts = NULL;
}

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

static sl_rc run_gate(sl_store *s, const scripts *sc, const json_t *view,
                      const sl_sandbox_limits *lim, sl_gate_result *r)
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
	if (!res) {
		sl_rules_free(rules);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	rc = sl_sandbox_run_isolated(exe, sc->src, sc->n, view,
	                             sl_rules_json(rules), lim, res);
	sl_rules_free(rules);
	if (!rc) {
		r->scripts = json_array();
		r->passed = 1;
		for (size_t i = 0; i < sc->n; i++) {
			r->passed &= res[i].passed != 0;
			json_array_append_new(
			    r->scripts,
			    json_pack("{s:s, s:I, s:b, s:O, s:s?}", "script",
			              sc->src[i].name, "version",
			              (json_int_t)sc->pkg[i].m.version,
			              "passed", res[i].passed, "findings",
			              res[i].findings ? res[i].findings
			                              : json_array(),
			              "printed", res[i].printed));
		}
	}
	for (size_t i = 0; i < sc->n; i++)
		sl_script_result_free(&res[i]);
	free(res);
	return rc;
}

sl_rc sl_script_dry_run(sl_store *s, const char *name, const char *case_id,
                        const sl_sandbox_limits *lim, sl_gate_result *r)
{
	memset(r, 0, sizeof *r);
	int64_t ref;
	sl_state state;
	sl_rc rc = sl_case_require(s, SL_ACT_SCRIPT_RUN, case_id, &ref, &state);
	if (rc)
		return rc;
	scripts sc;
	if ((rc = scripts_load(s, name, &sc)))
		return rc;
	json_t *view;
	if (!(rc = sl_case_view(s, ref, case_id, &view))) {
		rc = run_gate(s, &sc, view, lim, r);
		json_decref(view);
	}
	scripts_free(&sc);
	return rc;
}

/* ---- sign-off ------------------------------------------------------------ */

static sl_rc current_state(sl_store *s, int64_t ref, sl_state *state)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT state FROM cases WHERE id = ?", -1, &st,
	                       0))
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

sl_rc sl_signoff(sl_store *s, const char *case_id, sl_gate_result *r)
{
	memset(r, 0, sizeof *r);
	int64_t ref;
	sl_state state, next;
	sl_rc rc =
	    sl_case_require(s, SL_ACT_REVIEW_SIGNOFF, case_id, &ref, &state);
	if (rc)
		return rc;
	if ((rc = sl_lifecycle_next(case_id, state, SL_EV_SIGNOFF, &next)))
		return rc;
	scripts sc;
	if ((rc = scripts_load(s, NULL, &sc)))
		return rc;
	if (sc.n == 0) {
		scripts_free(&sc);
		return sl_error(
		    SL_FAIL, _("no consistency script is installed: sign-off "
		               "needs its gate (an admin installs the scripts "
		               "with 'script install')"));
	}
	/* The write lock is held from here on, so that what the scripts see
	 * is what is signed off: nobody changes the case meanwhile. */
	json_t *view = NULL;
	if ((rc = sl_tx_begin(s))) {
		scripts_free(&sc);
		return rc;
	}
	if ((rc = current_state(s, ref, &state)) ||
	    (rc = sl_lifecycle_next(case_id, state, SL_EV_SIGNOFF, &next)) ||
	    (rc = sl_case_view(s, ref, case_id, &view)) ||
	    (rc = run_gate(s, &sc, view, NULL, r)))
		goto fail;
	char *vtext = json_dumps(view, JSON_COMPACT | JSON_SORT_KEYS);
	uint8_t h[SL_SHA256_LEN];
	char vhex[2 * SL_SHA256_LEN + 1];
	if (!vtext) {
		rc = sl_error(SL_ESYS, _("out of memory"));
		goto fail;
	}
	sl_sha256(vtext, strlen(vtext), h);
	free(vtext);
	sl_hex(h, sizeof h, vhex);
	json_t *versions = json_object(), *failed = json_array();
	int blockers = 0;
	size_t i;
	json_t *it;
	json_array_foreach(r->scripts, i, it)
	{
		const char *nm =
		    json_string_value(json_object_get(it, "script"));
		json_object_set(versions, nm, json_object_get(it, "version"));
		if (!json_is_true(json_object_get(it, "passed")))
			json_array_append_new(failed, json_string(nm));
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(it, "findings"), k, f)
		{
			const char *sev =
			    json_string_value(json_object_get(f, "severity"));
			blockers += sev && !strcmp(sev, "blocker");
		}
	}
	if (!r->passed) {
		size_t n_failed = json_array_size(failed);
		json_t *d = json_pack("{s:o, s:o, s:i, s:s}", "scripts",
		                      versions, "failed", failed, "blockers",
		                      blockers, "view_sha256", vhex);
		if (!d || (rc = sl_case_claim(s, ref, d))) {
			json_decref(d);
			rc = rc ? rc : sl_error(SL_ESYS, _("out of memory"));
			goto fail;
		}
		rc = sl_audit(s, "review.signoff_refused", case_id, d);
		json_decref(d);
		if (rc || (rc = sl_tx_commit(s)))
			goto fail;
		size_t sc_n = sc.n;
		json_decref(view);
		scripts_free(&sc);
		return sl_error(
		    SL_FAIL,
		    _("sign-off of %s refused: %zu of %zu consistency "
		      "scripts did not pass"),
		    case_id, n_failed, sc_n);
	}
	json_decref(failed);
	int64_t seq;
	uint8_t hh[SL_SHA256_LEN];
	if ((rc = sl_audit_head(s, &seq, hh))) {
		json_decref(versions);
		goto fail;
	}
	sl_audit_format_anchor(seq, hh, r->head);
	sl_case_change chg = {.signed_head = r->head,
	                      .signed_ms = sl_tx_clock(s)};
	if ((rc = sl_case_transition(s, ref, case_id, state, SL_EV_SIGNOFF,
	                             &chg, &next))) {
		json_decref(versions);
		goto fail;
	}
	json_t *d = json_pack("{s:s, s:o, s:s}", "head", r->head, "scripts",
	                      versions, "view_sha256", vhex);
	if (!d || (rc = sl_case_claim(s, ref, d))) {
		json_decref(d);
		rc = rc ? rc : sl_error(SL_ESYS, _("out of memory"));
		goto fail;
	}
	rc = sl_audit(s, "review.signoff", case_id, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	json_decref(view);
	scripts_free(&sc);
	return SL_OK;
fail:
	sl_tx_rollback(s);
	json_decref(view);
	scripts_free(&sc);
	return rc;
}
