/* opinions.c - signed opinions of reviewers and of the panel. See
 * opinions.h. */
#include "opinions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "canon.h"
#include "cases.h"
#include "crypto.h"
#include "db.h"
#include "guard.h"
#include "jsonwhy.h"
#include "lifecycle.h"
#include "package.h"
#include "registry.h"
#include "respool.h"
#include "rules.h"
#include "text.h"
#include "transition.h"

#define REASONING_MAX 16384
#define TEXT_MAX 4096
#define DISSENT_MAX 16
#define CIRC_MAX 32

static const char *const DISCIPLINES[] = {
    "political", "organizational", "integrity", "mass", "work", "life",
};
/* The six of the 纪律处分条例 (2023), as they are named in Chinese. */
static const char *const DISCIPLINES_ZH[] = {
    "政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律",
};

const char *sl_discipline_name(const char *code)
{
	for (size_t j = 0; code && j < 6; j++)
		if (!strcmp(code, DISCIPLINES[j]))
			return DISCIPLINES_ZH[j];
	return code;
}

/* ---- the file ------------------------------------------------------------ */

static sl_rc bad(const char *field, const char *what)
{
	return sl_error(SL_EINPUT, _("opinion: %s: %s"), field, what);
}

static int text_ok(const json_t *v, size_t max)
{
	const char *s = json_string_value(v);
	size_t n = s ? json_string_length(v) : 0;
	return s && n >= 1 && n <= max && strlen(s) == n &&
	       sl_utf8_valid(s, n) && !sl_text_blank(s, n);
}

/* Is name a sanction of that system ("party" or "gov") on the ladder? */
static int on_ladder(const sl_rules *r, const char *system, const char *name)
{
	json_t *l = json_object_get(
	    json_object_get(sl_rules_json(r), "sanction_ladders"), system);
	size_t i;
	json_t *e;
	json_array_foreach(l, i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));
		if (n && !strcmp(n, name))
			return 1;
	}
	return 0;
}

static sl_rc check_sanction(const sl_rules *r, json_t *o, const char *key,
                            const char *system)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return bad(key, _("missing (null if none)"));
	if (json_is_null(v))
		return SL_OK;
	if (!text_ok(v, 64))
		return bad(key, _("must be a sanction name or null"));
	if (!on_ladder(r, system, json_string_value(v)))
		return bad(key, _("not a sanction of the rules in force"));
	return SL_OK;
}

/* Is id on the case's team? */
static int on_team(sl_store *s, int64_t ref, const char *id)
{
	sqlite3_stmt *st;
	int yes = 0;
	if (sl_db_prepare(s,
	                  "SELECT 1 FROM assignments WHERE case_ref = ? AND"
	                  " user_id = ?",
	                  &st) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

static sl_rc check_keys(const json_t *o)
{
	static const char *const keys[] = {
	    "format",         "case_id",
	    "disciplines",    "eight_point_rules",
	    "party_sanction", "gov_sanction",
	    "form",           "reasoning",
	    "circumstances",  "dissent",
	    "property"};
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		size_t i = 0;
		while (i < sizeof keys / sizeof keys[0] && strcmp(keys[i], k))
			i++;
		if (i == sizeof keys / sizeof keys[0]) {
			char key[80];
			sl_text_sanitize(k, key, sizeof key);
			return bad(key, _("unknown field"));
		}
	}
	if (!json_is_string(json_object_get(o, "format")) ||
	    strcmp(json_string_value(json_object_get(o, "format")),
	           "shenli.opinion/1"))
		return bad("format", _("must be \"shenli.opinion/1\""));
	return SL_OK;
}

static sl_rc check_disciplines(const json_t *disc)
{
	if (!json_is_array(disc) || json_array_size(disc) < 1 ||
	    json_array_size(disc) > 6)
		return bad("disciplines", _("must list 1 to 6 disciplines"));
	size_t i;
	json_t *v;
	json_array_foreach(disc, i, v)
	{
		const char *d = json_string_value(v);
		size_t j = 0;
		while (d && j < 6 && strcmp(DISCIPLINES[j], d))
			j++;
		if (!d || j == 6)
			return bad("disciplines",
			           _("not one of political, "
			             "organizational, integrity, mass, "
			             "work, life"));
		for (size_t m = 0; m < i; m++)
			if (json_equal(v, json_array_get(disc, m)))
				return bad("disciplines", _("listed twice"));
	}
	return SL_OK;
}

/* eight_point_rules, form, reasoning, circumstances */
static sl_rc check_scalars(const json_t *o)
{
	if (!json_is_boolean(json_object_get(o, "eight_point_rules")))
		return bad("eight_point_rules", _("must be true or false"));
	json_t *form = json_object_get(o, "form");
	if (!json_is_integer(form) || json_integer_value(form) < 1 ||
	    json_integer_value(form) > 4)
		return bad("form", _("must be an integer from 1 to 4"));
	if (!text_ok(json_object_get(o, "reasoning"), REASONING_MAX))
		return bad("reasoning",
		           _("must be UTF-8 text of 1 to 16384 bytes, not "
		             "blank"));
	json_t *circ = json_object_get(o, "circumstances"), *v;
	size_t i;
	if (!circ)
		return SL_OK;
	if (!json_is_array(circ) || json_array_size(circ) > CIRC_MAX)
		return bad("circumstances", _("must be a list of at most 32"));
	json_array_foreach(circ, i, v)
	{
		if (!text_ok(v, 64))
			return bad("circumstances",
			           _("each must be a short text"));
	}
	return SL_OK;
}

/* dissent and property: the panel's, each dissenter on the team */
static sl_rc check_panel_parts(sl_store *s, int64_t ref, const json_t *o,
                               int panel)
{
	json_t *dissent = json_object_get(o, "dissent");
	json_t *prop = json_object_get(o, "property");
	if (!panel && (dissent || prop))
		return bad(dissent ? "dissent" : "property",
		           _("only the panel's opinion (--panel) has this"));
	if (prop && !text_ok(prop, TEXT_MAX))
		return bad("property",
		           _("must be UTF-8 text of 1 to 4096 bytes"));
	if (!dissent)
		return SL_OK;
	if (!json_is_array(dissent) || json_array_size(dissent) > DISSENT_MAX)
		return bad("dissent", _("must be a list of at most 16"));
	size_t i;
	json_t *v;
	json_array_foreach(dissent, i, v)
	{
		json_t *mem = json_object_get(v, "member");
		if (!json_is_object(v) || json_object_size(v) != 2 ||
		    !text_ok(mem, SL_ID_MAX) ||
		    !text_ok(json_object_get(v, "text"), TEXT_MAX))
			return bad("dissent",
			           _("each must be {\"member\", \"text\"}"));
		if (!on_team(s, ref, json_string_value(mem)))
			return bad("dissent", _("a dissenting member is not on "
			                        "the case's team"));
	}
	return SL_OK;
}

static sl_rc add_circumstance(const sl_rules *r, json_t *arr, const char *c);

/* The file's circumstances are the rules' as the options' are (by code or
 * Chinese name), each stored by its code. */
static sl_rc check_circumstances(const sl_rules *r, json_t *o)
{
	json_t *circ = json_object_get(o, "circumstances"), *v;
	json_t *codes = json_array();
	size_t i;
	sl_rc rc = codes ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
	json_array_foreach(circ, i, v)
	{
		if (rc ||
		    (rc = add_circumstance(r, codes, json_string_value(v))))
			break;
	}
	if (!rc && circ &&
	    json_object_set(o, "circumstances", codes)) /* same length */
		rc = sl_error(SL_ESYS, _("out of memory"));
	json_decref(codes);
	return rc;
}

/* Parse and check the file; *out is the opinion to store. */
static sl_rc parse(sl_store *s, int64_t ref, const char *case_id,
                   const char *buf, size_t len, int panel, json_t **out)
{
	*out = NULL;
	if (len > SL_OPINION_MAX)
		return sl_error(SL_EINPUT,
		                _("opinion: the file is larger than %d KiB"),
		                SL_OPINION_MAX / 1024);
	json_error_t jerr;
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		char why[sizeof jerr.text + 64];
		return sl_error(SL_EINPUT,
		                _("opinion: not valid JSON (line %d: %s)"),
		                jerr.line, sl_json_why(&jerr, why, sizeof why));
	}
	sl_rules *r = NULL;
	sl_rc rc = SL_OK;
	const char *cid = json_string_value(json_object_get(o, "case_id"));
	if (!json_is_object(o))
		rc = bad("(top)", _("must be an object"));
	else if (!(rc = check_keys(o)) && (!cid || strcmp(cid, case_id)))
		rc = bad("case_id", _("does not name this case"));
	if (!rc &&
	    !(rc = check_disciplines(json_object_get(o, "disciplines"))) &&
	    !(rc = check_scalars(o)) &&
	    !(rc = check_panel_parts(s, ref, o, panel)) &&
	    !(rc = sl_rules_load(s, &r)) &&
	    !(rc = check_sanction(r, o, "party_sanction", "party")) &&
	    !(rc = check_sanction(r, o, "gov_sanction", "gov")) &&
	    !(rc = check_circumstances(r, o))) {
		*out = o;
		o = NULL;
	}
	sl_rules_free(r);
	json_decref(o);
	return rc;
}

/* ---- signing ------------------------------------------------------------- */

/* What an author signs: domain, store, case, author, kind, time, body. */
/* ---- recording ----------------------------------------------------------- */

/* The body as stored and signed: its keys sorted, so that the same
 * opinion is always the same bytes. */
typedef struct {
	char *body;
	int64_t ms;
	uint8_t sig[SL_ED25519_SIG_LEN];
	char hex[2 * SL_SHA256_LEN + 1];
} signed_body;

static sl_rc sign_body(sl_store *s, const char *case_id, int panel, json_t *o,
                       signed_body *b)
{
	b->body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (!b->body)
		return sl_error(SL_ESYS, _("out of memory"));
	b->ms = sl_tx_clock(s);
	uint8_t *msg;
	size_t mlen =
	    sl_opinion_message(sl_store_id(s), case_id, sl_store_actor(s)->id,
	                       panel, b->ms, b->body, &msg);
	uint8_t h[SL_SHA256_LEN];
	sl_rc rc = mlen ? sl_store_sign(s, msg, mlen, b->sig)
	                : sl_error(SL_ESYS, _("out of memory"));
	free(msg);
	if (!rc)
		rc = sl_sha256(b->body, strlen(b->body), h);
	if (!rc)
		sl_hex(h, sizeof h, b->hex);
	return rc;
}

/* The row and the entry, in the open transaction; *id: the row's. */
static sl_rc store_opinion(sl_store *s, int64_t ref, const char *case_id,
                           int panel, const signed_body *b, sl_state state)
{
	sqlite3_stmt *st = NULL;
	if (sl_db_prepare(s,
	                  "INSERT INTO opinions(case_ref, author, panel,"
	                  " recorded_ms, body, sig, seq)"
	                  " VALUES(?,?,?,?,?,?,?)",
	                  &st))
		return sl_db_err(s, _("recording an opinion"));
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_text(st, 2, sl_store_actor(s)->id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, panel ? 1 : 0);
	sqlite3_bind_int64(st, 4, b->ms);
	sqlite3_bind_text(st, 5, b->body, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, b->sig, sizeof b->sig, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, sl_audit_next_seq(s));
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("recording an opinion"));
	int64_t id = sl_db_last_rowid(s);
	sl_state next = state;
	sl_rc rc;
	if (panel && (rc = sl_case_transition(s, ref, case_id, state,
	                                      SL_EV_DELIBERATE, NULL, &next)))
		return rc;
	char hsig[2 * SL_ED25519_SIG_LEN + 1];
	sl_hex(b->sig, sizeof b->sig, hsig);
	json_t *d = json_pack("{s:I, s:b, s:s, s:s, s:s}", "opinion",
	                      (json_int_t)id, "panel", panel, "sha256", b->hex,
	                      "sig", hsig, "state", sl_state_name(next));
	if (!d || (rc = sl_case_claim(s, ref, d))) {
		json_decref(d);
		return rc ? rc : sl_error(SL_ESYS, _("out of memory"));
	}
	rc = sl_audit(s, panel ? "review.panel" : "review.opinion", case_id, d);
	json_decref(d);
	return rc;
}

/* The opinion just recorded, as it now stands in force. */
static sl_rc read_back(sl_store *s, int64_t ref, const char *case_id, int panel,
                       sl_opinion_res *out)
{
	sl_opinion *v;
	size_t n;
	sl_rc rc = sl_opinions_load(s, ref, case_id, 0, out->mem_, &v, &n);
	if (rc)
		return rc;
	const char *me = sl_store_actor(s)->id;
	int found = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].panel == (panel != 0) &&
		    (panel || !strcmp(v[i].author, me))) {
			out->opinion = v[i];
			found = 1;
		}
	return found ? SL_OK
	             : sl_error(SL_ESYS,
	                        _("the opinion just recorded on %s "
	                          "cannot be read back"),
	                        case_id);
}

/* The panel deliberates on the team's work (DOMAIN.md, lifecycle 2 and
 * 5): the checks have run on the dossier as it stands, and at least
 * min_team of the team have recorded their own opinions. Without them a
 * deliberated case could never be signed off: reviewers record opinions
 * only while it is in review. */
static sl_rc panel_ready(sl_store *s, int64_t ref, const char *case_id)
{
	sl_rules *r;
	sl_rc rc = sl_rules_load(s, &r);
	if (rc)
		return rc;
	int min_team = sl_rules_min_team(r);
	sl_rules_free(r);
	sqlite3_stmt *st;
	if (sl_db_prepare(s, "SELECT checked_rev = rev FROM cases WHERE id = ?",
	                  &st))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	int checked = step == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return sl_db_err(s, _("reading a case"));
	/* the opinions in force: one a re-assignment withdrew does not
	 * count, though its author is on the team again */
	sl_opinions_res in = {NULL, 0, sl_pool_new()};
	rc = in.mem_
	         ? sl_opinions_load(s, ref, case_id, 0, in.mem_, &in.v, &in.n)
	         : sl_error(SL_ESYS, _("out of memory"));
	int opinions = 0;
	for (size_t i = 0; !rc && i < in.n; i++)
		opinions += !in.v[i].panel;
	sl_opinions_res_free(&in);
	if (rc)
		return rc;
	if (!checked)
		return sl_error(SL_EPERM,
		                _("case %s: the checks have not run on the "
		                  "dossier as it stands; run 'review run' "
		                  "before the panel deliberates"),
		                case_id);
	if (opinions < min_team)
		return sl_error(SL_EPERM,
		                _("case %s: %d of the team have recorded "
		                  "their opinions, and the panel deliberates "
		                  "on at least %d"),
		                case_id, opinions, min_team);
	return SL_OK;
}

static sl_rc opinion_once(sl_store *s, const char *case_id, const char *buf,
                          size_t len, int panel, int64_t *refp)
{
	sl_rc rc = sl_tx_snapshot(s);
	if (rc)
		return rc;
	sl_action act = panel ? SL_ACT_REVIEW_PANEL : SL_ACT_REVIEW_OPINION;
	int64_t ref;
	sl_state state, next = SL_ST__COUNT;
	if ((rc = sl_case_require(s, act, case_id, &ref, &state)))
		return rc;
	*refp = ref;
	if (panel) {
		if ((rc = sl_lifecycle_next(case_id, state, SL_EV_DELIBERATE,
		                            &next)) ||
		    (rc = panel_ready(s, ref, case_id)))
			return rc;
	} else if (state != SL_ST_IN_REVIEW) {
		return sl_error(SL_EPERM,
		                _("case %s is '%s': reviewers record their "
		                  "opinions while it is in review"),
		                case_id, sl_state_said(state));
	} /* on the team: policy's (SL_ACT_REVIEW_OPINION) */
	json_t *o;
	if ((rc = parse(s, ref, case_id, buf, len, panel, &o)))
		return rc;
	signed_body b = {0};
	rc = sign_body(s, case_id, panel, o, &b);
	json_decref(o);
	if (!rc && !(rc = sl_tx_begin_unchanged(s))) {
		if ((rc = store_opinion(s, ref, case_id, panel, &b, state)) ||
		    (rc = sl_tx_commit(s)))
			sl_tx_rollback(s);
	}
	free(b.body);
	return rc;
}

sl_rc sl_review_opinion(sl_store *s, const sl_opinion_req *rq,
                        sl_opinion_res *out)
{
	memset(out, 0, sizeof *out);
	char *built = NULL;
	const char *buf = rq->buf;
	size_t len = rq->len;
	sl_rc rc;
	if (!buf) { /* field by field: the file they make */
		if (!rq->fields)
			return sl_error(SL_EINPUT,
			                _("opinion: give it as a file or "
			                  "field by field"));
		if ((rc = sl_opinion_build(s, rq->case_id, rq->fields,
		                           rq->panel, &built)))
			return rc;
		buf = built;
		len = strlen(built);
	}
	if (!(out->mem_ = sl_pool_new())) {
		free(built);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	int tries = 0;
	int64_t ref = 0;
	do
		rc = opinion_once(s, rq->case_id, buf, len, rq->panel, &ref);
	while (sl_tx_retry(s, rc, &tries));
	free(built);
	/* read back once committed: a retry never records it twice */
	if (!rc)
		rc = read_back(s, ref, rq->case_id, rq->panel, out);
	if (!rc && sl_pool_failed(out->mem_))
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (rc)
		sl_opinion_res_free(out);
	return rc;
}

sl_rc sl_opinion_record(sl_store *s, const char *case_id, const char *buf,
                        size_t len, int panel, json_t **out)
{
	sl_opinion_req rq = {case_id, panel, buf ? buf : "", len, NULL};
	sl_opinion_res r;
	sl_rc rc = sl_review_opinion(s, &rq, &r);
	if (!rc && out && !(*out = sl_opinion_json(&r.opinion)))
		rc = sl_error(SL_ESYS, _("out of memory"));
	sl_opinion_res_free(&r);
	return rc;
}

/* ---- reading ------------------------------------------------------------- */

/* One opinion as the log recorded it. */
typedef struct {
	int64_t seq;
	char author[SL_ID_MAX + 1];
	int panel;
	int taken_off; /* a later re-assignment left its author off the team */
	int stale;     /* recorded on a dossier a resubmission has replaced */
	/* what withdrew it first ("superseded", "reassigned", "resubmitted";
	 * NULL while in force): an opinion a resubmission withdrew is not
	 * said withdrawn by a re-assignment that came after */
	const char *why;
	uint8_t sha[SL_SHA256_LEN], sig[SL_ED25519_SIG_LEN];
} logged;

/* A re-assignment (a case.assign entry's details d) withdraws the opinion
 * of every reviewer it leaves off the team, for good: one put back on
 * the team later records a new opinion, on the case as it then stands. */
static void reassigned(logged *v, size_t n, const json_t *d)
{
	const json_t *team = json_object_get(d, "team");
	for (size_t i = 0; i < n; i++) {
		int on = v[i].panel;
		size_t j;
		const json_t *m;
		json_array_foreach(team, j, m)
		{
			on |= json_is_string(m) &&
			      !strcmp(json_string_value(m), v[i].author);
		}
		v[i].taken_off |= !on;
		if (!on && !v[i].why)
			v[i].why = "reassigned";
	}
}

/* A resubmission replaces the dossier the opinions so far were given on
 * (DOMAIN.md, lifecycle 4 and 5): the team reviews the new one and gives
 * its opinions again, and the panel deliberates on those. */
static void resubmitted(logged *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		v[i].stale = 1;
		if (!v[i].why)
			v[i].why = "resubmitted";
	}
}

/*
 * The opinions the log recorded for a case, oldest first. The log, not the
 * opinions table, says which opinion is whose and which is the latest: a
 * row put back or re-ordered in the table by someone holding the data key
 * changes nothing here, and a row that differs from its entry is refused.
 * The case's re-assignments and resubmissions are read with them
 * (reassigned(), resubmitted()).
 */
static sl_rc logged_opinions(sl_store *s, const char *case_id, logged **out,
                             size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT seq, actor, action, details FROM audit"
	                  " WHERE object = ? AND action IN"
	                  " ('review.opinion', 'review.panel', 'case.assign',"
	                  " 'case.resubmit')"
	                  " ORDER BY seq",
	                  &st))
		return sl_db_err(s, _("reading the audit log"));
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
	size_t cap = 0;
	sl_rc rc = SL_OK;
	int step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *action = (const char *)sqlite3_column_text(st, 2);
		json_error_t jerr;
		json_t *d = json_loads((const char *)sqlite3_column_text(st, 3),
		                       0, &jerr);
		if (action && !strcmp(action, "case.assign")) {
			reassigned(*out, *n, d);
			json_decref(d);
			continue;
		}
		if (action && !strcmp(action, "case.resubmit")) {
			resubmitted(*out, *n);
			json_decref(d);
			continue;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			logged *nv = realloc(*out, cap * sizeof *nv);
			if (!nv) {
				json_decref(d);
				rc = sl_error(SL_ESYS, _("out of memory"));
				break;
			}
			*out = nv;
		}
		logged *l = &(*out)[*n];
		memset(l, 0, sizeof *l);
		const char *sh =
		    json_string_value(json_object_get(d, "sha256"));
		const char *sg = json_string_value(json_object_get(d, "sig"));
		l->seq = sqlite3_column_int64(st, 0);
		snprintf(l->author, sizeof l->author, "%s",
		         sqlite3_column_text(st, 1));
		l->panel = action && !strcmp(action, "review.panel");
		/* a later opinion of the same author (or the panel's) takes the
		 * place of the earlier ones still in force */
		for (size_t j = 0; j < *n; j++)
			if (!(*out)[j].why && (*out)[j].panel == l->panel &&
			    (l->panel || !strcmp((*out)[j].author, l->author)))
				(*out)[j].why = "superseded";
		if (!sh || !sg || sl_unhex(sh, l->sha, sizeof l->sha) ||
		    sl_unhex(sg, l->sig, sizeof l->sig))
			rc = sl_error(SL_EINTEGRITY,
			              _("audit entry %lld: a malformed opinion "
			                "record"),
			              (long long)l->seq);
		json_decref(d);
		(*n)++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sl_db_err(s, _("reading the audit log"));
	sqlite3_finalize(st);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Is l the latest of its kind (its author's, or the panel's)? */
static int latest(const logged *v, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (v[j].panel == v[i].panel &&
		    (v[i].panel || !strcmp(v[j].author, v[i].author)))
			return 0;
	return 1;
}

/* A list of strings of the body into p. */
static const char *const *strs(sl_pool *p, const json_t *a, size_t *n)
{
	*n = json_array_size(a);
	const char **v = sl_pool_alloc(p, (*n + 1) * sizeof *v);
	for (size_t i = 0; v && i < *n; i++)
		v[i] =
		    sl_pool_strdup(p, json_string_value(json_array_get(a, i)));
	if (!v)
		*n = 0;
	return v;
}

/* The opinion's own fields from its signed body (checked when it was
 * recorded, signature verified since). */
static void from_body(sl_pool *p, const json_t *j, sl_opinion *o)
{
	const json_t *circ = json_object_get(j, "circumstances"),
	             *dis = json_object_get(j, "dissent");
	o->disciplines =
	    strs(p, json_object_get(j, "disciplines"), &o->n_disciplines);
	o->eight_point_rules =
	    json_is_true(json_object_get(j, "eight_point_rules"));
	o->party_sanction = sl_pool_strdup(
	    p, json_string_value(json_object_get(j, "party_sanction")));
	o->gov_sanction = sl_pool_strdup(
	    p, json_string_value(json_object_get(j, "gov_sanction")));
	o->form = (int)json_integer_value(json_object_get(j, "form"));
	o->reasoning = sl_pool_strdup(
	    p, json_string_value(json_object_get(j, "reasoning")));
	o->has_circumstances = circ != NULL;
	o->circumstances = strs(p, circ, &o->n_circumstances);
	o->has_dissent = dis != NULL;
	size_t n = json_array_size(dis);
	sl_dissent *d = sl_pool_alloc(p, (n + 1) * sizeof *d);
	for (size_t i = 0; d && i < n; i++) {
		const json_t *x = json_array_get(dis, i);
		d[i].member = sl_pool_strdup(
		    p, json_string_value(json_object_get(x, "member")));
		d[i].text = sl_pool_strdup(
		    p, json_string_value(json_object_get(x, "text")));
	}
	o->dissent = d;
	o->n_dissent = d ? n : 0;
	o->property = sl_pool_strdup(
	    p, json_string_value(json_object_get(j, "property")));
}

/* Does the row (st stepped) hold what the log recorded for l, and does
 * its author's signature verify? */
static sl_rc verify_row(sl_store *s, sqlite3_stmt *st, const char *case_id,
                        const logged *l, const sl_reg_user *u, const char *body)
{
	uint8_t h[SL_SHA256_LEN];
	if (body)
		sl_sha256(body, strlen(body), h);
	if (!body ||
	    strcmp((const char *)sqlite3_column_text(st, 0), l->author) ||
	    sqlite3_column_int(st, 2) != l->panel || memcmp(h, l->sha, 32) ||
	    sqlite3_column_bytes(st, 4) != SL_ED25519_SIG_LEN ||
	    memcmp(sqlite3_column_blob(st, 4), l->sig, SL_ED25519_SIG_LEN))
		return sl_error(
		    SL_EINTEGRITY,
		    _("the opinion of %s on case %s (audit entry "
		      "%lld) is missing or differs from what the log "
		      "recorded: it was altered"),
		    l->author, case_id, (long long)l->seq);
	uint8_t *msg = NULL;
	size_t mlen =
	    sl_opinion_message(sl_store_id(s), case_id, l->author, l->panel,
	                       sqlite3_column_int64(st, 3), body, &msg);
	sl_signkey *vk =
	    u && u->enrolled
	        ? sl_registry_verifier((sl_registry *)sl_store_registry(s),
	                               l->author)
	        : NULL;
	sl_rc rc = SL_OK;
	if (!mlen)
		rc = sl_error(SL_ESYS, _("out of memory"));
	else if (!vk || sl_verify(vk, msg, mlen, l->sig))
		rc = sl_error(SL_EINTEGRITY,
		              _("opinion %lld on case %s: the signature of %s "
		                "does not verify: it was altered"),
		              (long long)l->seq, case_id, l->author);
	free(msg);
	return rc;
}

/* The opinion l as the table holds it, checked against its log entry and
 * its author's signature, into *o (its strings in p). */
static sl_rc load_opinion(sl_store *s, sqlite3_stmt *st, int64_t ref,
                          const char *case_id, const logged *l, sl_pool *p,
                          sl_opinion *o)
{
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int64(st, 2, l->seq);
	int step = sqlite3_step(st);
	const char *body = step == SQLITE_ROW
	                       ? (const char *)sqlite3_column_text(st, 1)
	                       : NULL;
	const sl_reg_user *u =
	    sl_registry_user(sl_store_registry(s), l->author);
	sl_rc rc = step != SQLITE_ROW && step != SQLITE_DONE
	               ? sl_db_err(s, _("reading opinions"))
	               : verify_row(s, st, case_id, l, u, body);
	json_error_t jerr;
	json_t *j = rc ? NULL : json_loads(body, 0, &jerr);
	if (!rc && !json_is_object(j))
		rc = sl_error(SL_EINTEGRITY,
		              _("opinion %lld on case %s is not an object"),
		              (long long)l->seq, case_id);
	if (!rc) {
		int64_t ms = sqlite3_column_int64(st, 3);
		char day[11], fp[SL_KEY_ID_LEN + 1];
		sl_day_of(ms, day);
		sl_key_id(u->pub, fp);
		memset(o, 0, sizeof *o);
		from_body(p, j, o);
		o->author = sl_pool_strdup(p, l->author);
		o->author_name = sl_pool_strdup(p, u->name);
		o->author_agency =
		    u->agency[0] ? sl_pool_strdup(p, u->agency) : NULL;
		o->author_role = sl_role_name(u->role);
		o->panel = l->panel;
		o->recorded_on = sl_pool_strdup(p, day);
		o->recorded_ms = ms;
		o->sig_key = sl_pool_strdup(p, fp);
	}
	json_decref(j);
	sqlite3_reset(st);
	return rc;
}

sl_rc sl_opinions_load(sl_store *s, int64_t ref, const char *case_id,
                       int history, sl_pool *p, sl_opinion **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	logged *v;
	size_t nv;
	sl_rc rc = logged_opinions(s, case_id, &v, &nv);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT author, body, panel, recorded_ms, sig"
	                  " FROM opinions WHERE case_ref = ? AND seq = ?",
	                  &st)) {
		free(v);
		return sl_db_err(s, _("reading opinions"));
	}
	sl_opinion *list = sl_pool_alloc(p, (nv + 1) * sizeof *list);
	if (!list)
		rc = sl_error(SL_ESYS, _("out of memory"));
	for (size_t i = 0; !rc && i < nv; i++) {
		/* a reviewer taken off the team: their opinion stays in the
		 * history, withdrawn by the re-assignment */
		int gone = !v[i].panel &&
		           (v[i].taken_off || !on_team(s, ref, v[i].author));
		int last = latest(v, nv, i);
		int force = last && !gone && !v[i].stale;
		if (!history && !force)
			continue;
		sl_opinion *o = &list[*n];
		if (!(rc = load_opinion(s, st, ref, case_id, &v[i], p, o))) {
			if (history && !force)
				o->withdrawn = v[i].why ? v[i].why
				               : gone   ? "reassigned"
				               : !last  ? "superseded"
				                        : "resubmitted";
			(*n)++;
		}
	}
	sqlite3_finalize(st);
	free(v);
	if (!rc && sl_pool_failed(p))
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (rc) {
		*n = 0;
		return rc;
	}
	*out = list;
	return SL_OK;
}

sl_rc sl_opinions_of(sl_store *s, int64_t ref, const char *case_id, int history,
                     json_t **out)
{
	*out = NULL;
	sl_opinions_res r = {NULL, 0, sl_pool_new()};
	sl_rc rc = r.mem_ ? sl_opinions_load(s, ref, case_id, history, r.mem_,
	                                     &r.v, &r.n)
	                  : sl_error(SL_ESYS, _("out of memory"));
	if (!rc && !(*out = sl_opinions_json(&r)))
		rc = sl_error(SL_ESYS, _("out of memory"));
	sl_opinions_res_free(&r);
	return rc;
}

/* Whether me has an opinion of their own in force among v (the panel's
 * collective one is nobody's own). */
static int own_recorded(const sl_actor *me, const sl_opinion *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].author, me->id) && !v[i].panel)
			return 1;
	return 0;
}

sl_rc sl_opinions_readable(sl_store *s, int64_t ref, const char *case_id,
                           int on_team, int *open)
{
	*open = 0;
	sl_opinions_res r = {NULL, 0, sl_pool_new()};
	sl_rc rc =
	    r.mem_ ? sl_opinions_load(s, ref, case_id, 0, r.mem_, &r.v, &r.n)
	           : sl_error(SL_ESYS, _("out of memory"));
	const sl_actor *me = sl_store_actor(s);
	if (!rc)
		*open = sl_policy_team_opinions(me, on_team,
		                                own_recorded(me, r.v, r.n)) ==
		        SL_ALLOW;
	sl_opinions_res_free(&r);
	return rc;
}

sl_rc sl_review_opinions(sl_store *s, const char *case_id, sl_opinions_res *out)
{
	memset(out, 0, sizeof *out);
	sl_case_rec c;
	sl_rc rc = sl_case_open(s, SL_ACT_CASE_READ, case_id, &c);
	if (rc)
		return rc;
	if (!(out->mem_ = sl_pool_new()))
		return sl_error(SL_ESYS, _("out of memory"));
	if ((rc = sl_opinions_load(s, c.ref, case_id, 0, out->mem_, &out->v,
	                           &out->n))) {
		sl_opinions_res_free(out);
		return rc;
	}
	const sl_actor *me = sl_store_actor(s);
	sl_verdict v = sl_policy_team_opinions(
	    me, c.assigned, own_recorded(me, out->v, out->n));
	if (v) {
		sl_opinions_res_free(out);
		sl_case_ref r = {.case_id = case_id};
		return sl_guard_refuse(s, v, me, SL_ACT_CASE_READ, &r);
	}
	return SL_OK;
}

/* ---- an opinion from fields ---------------------------------------------- */

static sl_rc not_allowed(const char *field, const char *value,
                         const char *allowed)
{
	char v[80];
	sl_text_sanitize(value ? value : "", v, sizeof v);
	return sl_error(SL_EINPUT,
	                _("opinion: %s: '%s' is not allowed; one of: %s"),
	                field, v, allowed);
}

/* A discipline by its code, its name (廉洁纪律) or its short name (廉洁). */
static sl_rc add_discipline(json_t *arr, const char *d)
{
	for (size_t j = 0; d && j < 6; j++) {
		size_t short_len = strlen(DISCIPLINES_ZH[j]) - strlen("纪律");
		if (!strcmp(d, DISCIPLINES[j]) ||
		    !strcmp(d, DISCIPLINES_ZH[j]) ||
		    (strlen(d) == short_len &&
		     !strncmp(d, DISCIPLINES_ZH[j], short_len))) {
			json_array_append_new(arr, json_string(DISCIPLINES[j]));
			return SL_OK;
		}
	}
	return not_allowed("discipline", d,
	                   "political 政治纪律, organizational 组织纪律, "
	                   "integrity 廉洁纪律, mass 群众纪律, work 工作纪律, "
	                   "life 生活纪律");
}

/* A sanction on a ladder of the rules in force; "无" or NULL for none. */
static sl_rc sanction(const sl_rules *r, const char *system, const char *name,
                      json_t **out)
{
	*out = json_null();
	if (!name || !*name || !strcmp(name, "无") || !strcmp(name, "none"))
		return SL_OK;
	json_t *l = json_object_get(
	    json_object_get(sl_rules_json(r), "sanction_ladders"), system);
	char allowed[512] = "无";
	size_t o = strlen(allowed), i;
	json_t *e;
	json_array_foreach(l, i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));
		if (n && !strcmp(n, name)) {
			*out = json_string(n);
			return SL_OK;
		}
		if (n && o + strlen(n) + 3 < sizeof allowed)
			o += (size_t)snprintf(allowed + o, sizeof allowed - o,
			                      "、%s", n);
	}
	return not_allowed(!strcmp(system, "party") ? "party-sanction"
	                                            : "gov-sanction",
	                   name, allowed);
}

static sl_rc add_circumstance(const sl_rules *r, json_t *arr, const char *c)
{
	char allowed[1024] = "";
	size_t o = 0;
	for (size_t i = 0; i < sl_rules_n_circumstances(r); i++) {
		const sl_circumstance *k = sl_rules_circumstance_at(r, i);
		if (!strcmp(c, k->code) || (k->zh && !strcmp(c, k->zh))) {
			json_array_append_new(arr, json_string(k->code));
			return SL_OK;
		}
		if (o + 80 < sizeof allowed)
			o += (size_t)snprintf(allowed + o, sizeof allowed - o,
			                      "%s%s %s", o ? ", " : "", k->code,
			                      k->zh ? k->zh : "");
	}
	return not_allowed("circumstance", c, allowed);
}

static json_t *ladder_names(const sl_rules *r, const char *system)
{
	json_t *out = json_array(), *e;
	size_t i;
	json_array_foreach(
	    json_object_get(
	        json_object_get(sl_rules_json(r), "sanction_ladders"), system),
	    i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));
		if (n)
			json_array_append_new(out, json_string(n));
	}
	return out;
}

sl_rc sl_opinion_vocab(sl_store *s, json_t **out)
{
	*out = NULL;
	sl_rules *r;
	sl_rc rc = sl_rules_load(s, &r);
	if (rc)
		return rc;
	static const char *const FORMS[] = {"批评教育", "轻处分", "重处分",
	                                    "移送司法"};
	json_t *disc = json_array(), *forms = json_array(),
	       *circ = json_array();
	for (size_t j = 0; j < 6; j++)
		json_array_append_new(disc, json_pack("{s:s, s:s}", "code",
		                                      DISCIPLINES[j], "zh",
		                                      DISCIPLINES_ZH[j]));
	for (int j = 0; j < 4; j++)
		json_array_append_new(forms, json_pack("{s:i, s:s}", "form",
		                                       j + 1, "zh", FORMS[j]));
	for (size_t i = 0; i < sl_rules_n_circumstances(r); i++) {
		const sl_circumstance *k = sl_rules_circumstance_at(r, i);
		json_array_append_new(circ,
		                      json_pack("{s:s, s:s?, s:s}", "code",
		                                k->code, "zh", k->zh, "effect",
		                                k->effect == SL_CIRC_AGGRAVATING
		                                    ? "aggravating"
		                                    : "mitigating"));
	}
	*out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "rules_version",
	                 (json_int_t)json_integer_value(
	                     json_object_get(sl_rules_json(r), "version")),
	                 "disciplines", disc, "forms", forms, "party_sanctions",
	                 ladder_names(r, "party"), "gov_sanctions",
	                 ladder_names(r, "gov"), "circumstances", circ);
	sl_rules_free(r);
	return *out ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
}

sl_rc sl_opinion_build(sl_store *s, const char *case_id,
                       const sl_opinion_fields *f, int panel, char **out)
{
	*out = NULL;
	sl_rules *r;
	sl_rc rc = sl_rules_load(s, &r);
	if (rc)
		return rc;
	json_t *o =
	    json_pack("{s:s, s:s, s:b, s:i}", "format", "shenli.opinion/1",
	              "case_id", case_id, "eight_point_rules",
	              f->eight_point_rules != 0, "form", f->form);
	json_t *disc = json_array(), *circ = json_array(), *ps, *gs;
	for (size_t i = 0; !rc && i < f->n_disciplines; i++)
		rc = add_discipline(disc, f->disciplines[i]);
	if (!rc && !f->n_disciplines)
		rc = sl_error(SL_EINPUT,
		              _("opinion: give at least one --discipline"));
	char fv[24];
	snprintf(fv, sizeof fv, "%d", f->form);
	if (!rc && (f->form < 1 || f->form > 4))
		rc = not_allowed("form", fv,
		                 "1 (批评教育), 2 (轻处分), 3 (重处分), 4 "
		                 "(移送司法)");
	if (!rc && !(rc = sanction(r, "party", f->party_sanction, &ps)))
		json_object_set_new(o, "party_sanction", ps);
	if (!rc && !(rc = sanction(r, "gov", f->gov_sanction, &gs)))
		json_object_set_new(o, "gov_sanction", gs);
	for (size_t i = 0; !rc && i < f->n_circumstances; i++)
		rc = add_circumstance(r, circ, f->circumstances[i]);
	if (!rc && (!f->reasoning || !*f->reasoning))
		rc = sl_error(SL_EINPUT, _("opinion: say why (--reason TEXT)"));
	if (!rc && (f->n_dissent || f->property) && !panel)
		rc = sl_error(SL_EINPUT,
		              _("opinion: a dissent or the disposal "
		                "of property is the panel's (--panel)"));
	json_t *dis = json_array();
	for (size_t i = 0; !rc && i < f->n_dissent; i++) {
		const char *d = f->dissent[i], *colon = strchr(d, ':');
		char member[SL_ID_MAX + 1];
		size_t ml = colon ? (size_t)(colon - d) : 0;
		if (!colon || ml == 0 || ml > SL_ID_MAX) {
			rc = sl_error(SL_EINPUT,
			              _("opinion: a dissent is 'MEMBER: TEXT', "
			                "MEMBER a reviewer on the team"));
			break;
		}
		memcpy(member, d, ml);
		member[ml] = 0;
		const char *t = colon + 1;
		while (*t == ' ')
			t++;
		json_array_append_new(
		    dis, json_pack("{s:s, s:s}", "member", member, "text", t));
	}
	if (!rc) {
		json_object_set_new(o, "disciplines", disc);
		json_object_set_new(o, "circumstances", circ);
		json_object_set_new(o, "reasoning", json_string(f->reasoning));
		if (json_array_size(dis))
			json_object_set_new(o, "dissent", dis);
		else
			json_decref(dis);
		if (f->property)
			json_object_set_new(o, "property",
			                    json_string(f->property));
		disc = circ = dis = NULL;
		if (!(*out = json_dumps(o, JSON_COMPACT)))
			rc = sl_error(SL_ESYS, _("out of memory"));
	}
	json_decref(disc);
	json_decref(circ);
	json_decref(dis);
	json_decref(o);
	sl_rules_free(r);
	return rc;
}
