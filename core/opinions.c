/* opinions.c - signed opinions of reviewers and of the panel. See
 * opinions.h. */
#include "opinions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "crypto.h"
#include "lifecycle.h"
#include "package.h"
#include "guard.h"
#include "transition.h"
#include "registry.h"
#include "rules.h"
#include "text.h"

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
	return s && n >= 1 && n <= max && strlen(s) == n && sl_utf8_valid(s, n);
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
	if (sqlite3_prepare_v2(
	        sl_store_db(s),
	        "SELECT 1 FROM assignments WHERE case_ref = ? AND"
	        " user_id = ?",
	        -1, &st, 0) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
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
	if (!o)
		return sl_error(SL_EINPUT,
		                _("opinion: not valid JSON (line %d: %s)"),
		                jerr.line, jerr.text);
	sl_rules *r = NULL;
	sl_rc rc = SL_OK;
	if (!json_is_object(o)) {
		rc = bad("(top)", _("must be an object"));
		goto out;
	}
	static const char *const keys[] = {
	    "format",         "case_id",
	    "disciplines",    "eight_point_rules",
	    "party_sanction", "gov_sanction",
	    "form",           "reasoning",
	    "circumstances",  "dissent",
	    "property"};
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		size_t i = 0;
		while (i < sizeof keys / sizeof keys[0] && strcmp(keys[i], k))
			i++;
		if (i == sizeof keys / sizeof keys[0]) {
			char key[80];
			sl_text_sanitize(k, key, sizeof key);
			rc = bad(key, _("unknown field"));
			goto out;
		}
	}
	if (!json_is_string(json_object_get(o, "format")) ||
	    strcmp(json_string_value(json_object_get(o, "format")),
	           "shenli.opinion/1")) {
		rc = bad("format", _("must be \"shenli.opinion/1\""));
		goto out;
	}
	const char *cid = json_string_value(json_object_get(o, "case_id"));
	if (!cid || strcmp(cid, case_id)) {
		rc = bad("case_id", _("does not name this case"));
		goto out;
	}
	json_t *disc = json_object_get(o, "disciplines");
	if (!json_is_array(disc) || json_array_size(disc) < 1 ||
	    json_array_size(disc) > 6) {
		rc = bad("disciplines", _("must list 1 to 6 disciplines"));
		goto out;
	}
	size_t i;
	json_array_foreach(disc, i, v)
	{
		const char *d = json_string_value(v);
		size_t j = 0;
		while (d && j < 6 && strcmp(DISCIPLINES[j], d))
			j++;
		if (!d || j == 6) {
			rc = bad("disciplines",
			         _("not one of political, "
			           "organizational, integrity, mass, "
			           "work, life"));
			goto out;
		}
		for (size_t m = 0; m < i; m++)
			if (json_equal(v, json_array_get(disc, m))) {
				rc = bad("disciplines", _("listed twice"));
				goto out;
			}
	}
	if (!json_is_boolean(json_object_get(o, "eight_point_rules"))) {
		rc = bad("eight_point_rules", _("must be true or false"));
		goto out;
	}
	json_t *form = json_object_get(o, "form");
	if (!json_is_integer(form) || json_integer_value(form) < 1 ||
	    json_integer_value(form) > 4) {
		rc = bad("form", _("must be an integer from 1 to 4"));
		goto out;
	}
	if (!text_ok(json_object_get(o, "reasoning"), REASONING_MAX)) {
		rc = bad("reasoning",
		         _("must be UTF-8 text of 1 to 16384 bytes"));
		goto out;
	}
	json_t *circ = json_object_get(o, "circumstances");
	if (circ) {
		if (!json_is_array(circ) || json_array_size(circ) > CIRC_MAX) {
			rc = bad("circumstances",
			         _("must be a list of at most 32"));
			goto out;
		}
		json_array_foreach(circ, i, v)
		{
			if (!text_ok(v, 64)) {
				rc = bad("circumstances",
				         _("each must be a short text"));
				goto out;
			}
		}
	}
	json_t *dissent = json_object_get(o, "dissent");
	json_t *prop = json_object_get(o, "property");
	if (!panel && (dissent || prop)) {
		rc = bad(dissent ? "dissent" : "property",
		         _("only the panel's opinion (--panel) has this"));
		goto out;
	}
	if (prop && !text_ok(prop, TEXT_MAX)) {
		rc =
		    bad("property", _("must be UTF-8 text of 1 to 4096 bytes"));
		goto out;
	}
	if (dissent) {
		if (!json_is_array(dissent) ||
		    json_array_size(dissent) > DISSENT_MAX) {
			rc = bad("dissent", _("must be a list of at most 16"));
			goto out;
		}
		json_array_foreach(dissent, i, v)
		{
			json_t *mem = json_object_get(v, "member");
			if (!json_is_object(v) || json_object_size(v) != 2 ||
			    !text_ok(mem, SL_ID_MAX) ||
			    !text_ok(json_object_get(v, "text"), TEXT_MAX)) {
				rc = bad("dissent",
				         _("each must be {\"member\", "
				           "\"text\"}"));
				goto out;
			}
			if (!on_team(s, ref, json_string_value(mem))) {
				rc = bad("dissent", _("a dissenting member is "
				                      "not on the case's "
				                      "team"));
				goto out;
			}
		}
	}
	if ((rc = sl_rules_load(s, &r)))
		goto out;
	if ((rc = check_sanction(r, o, "party_sanction", "party")) ||
	    (rc = check_sanction(r, o, "gov_sanction", "gov")))
		goto out;
	*out = o;
	o = NULL;
out:
	sl_rules_free(r);
	json_decref(o);
	return rc;
}

/* ---- signing ------------------------------------------------------------- */

/* What an author signs: domain, store, case, author, kind, time, body. */
size_t sl_opinion_message(const uint8_t store_id[16], const char *case_id,
                          const char *author, int panel, int64_t ms,
                          const char *body, uint8_t **out)
{
	static const char dom[] = "shenli.opinion/1";
	size_t cl = strlen(case_id), al = strlen(author), bl = strlen(body);
	size_t len = sizeof dom + 16 + cl + 1 + al + 1 + 1 + 8 + bl;
	uint8_t *m = malloc(len), *p = m;
	*out = m;
	if (!m)
		return 0;
	memcpy(p, dom, sizeof dom);
	p += sizeof dom;
	memcpy(p, store_id, 16);
	p += 16;
	memcpy(p, case_id, cl + 1);
	p += cl + 1;
	memcpy(p, author, al + 1);
	p += al + 1;
	*p++ = panel ? 1 : 0;
	for (int i = 7; i >= 0; i--)
		*p++ = (uint8_t)((uint64_t)ms >> (8 * i));
	memcpy(p, body, bl);
	return len;
}

/* ---- recording ----------------------------------------------------------- */

static sl_rc opinion_once(sl_store *s, const char *case_id, const char *buf,
                          size_t len, int panel, json_t **out)
{
	sl_rc snap_rc = sl_tx_snapshot(s);
	if (snap_rc)
		return snap_rc;
	sl_action act = panel ? SL_ACT_REVIEW_PANEL : SL_ACT_REVIEW_OPINION;
	int64_t ref;
	sl_state state, next = SL_ST__COUNT;
	sl_rc rc = sl_case_require(s, act, case_id, &ref, &state);
	if (rc)
		return rc;
	const sl_actor *me = sl_store_actor(s);
	if (panel) {
		if ((rc = sl_lifecycle_next(case_id, state, SL_EV_DELIBERATE,
		                            &next)))
			return rc;
	} else {
		if (state != SL_ST_IN_REVIEW)
			return sl_error(
			    SL_EPERM,
			    _("case %s is '%s': reviewers record their "
			      "opinions while it is in review"),
			    case_id, sl_state_name(state));
		/* on the team: policy's (SL_ACT_REVIEW_OPINION) */
	}
	json_t *o;
	if ((rc = parse(s, ref, case_id, buf, len, panel, &o)))
		return rc;
	char *body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!body)
		return sl_error(SL_ESYS, _("out of memory"));
	int64_t now = sl_tx_clock(s);
	uint8_t *msg;
	size_t mlen = sl_opinion_message(sl_store_id(s), case_id, me->id, panel,
	                                 now, body, &msg);
	uint8_t sig[SL_ED25519_SIG_LEN], h[SL_SHA256_LEN];
	char hex[2 * SL_SHA256_LEN + 1], hsig[2 * SL_ED25519_SIG_LEN + 1];
	rc = mlen ? sl_store_sign(s, msg, mlen, sig)
	          : sl_error(SL_ESYS, _("out of memory"));
	free(msg);
	if (!rc)
		rc = sl_sha256(body, strlen(body), h);
	if (rc) {
		free(body);
		return rc;
	}
	sl_hex(h, sizeof h, hex);
	sl_hex(sig, sizeof sig, hsig);
	if ((rc = sl_tx_begin_unchanged(s))) {
		free(body);
		return rc;
	}
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "INSERT INTO opinions(case_ref, author, panel,"
	                       " recorded_ms, body, sig, seq)"
	                       " VALUES(?,?,?,?,?,?,?)",
	                       -1, &st, 0)) {
		rc = sl_db_err(s, _("recording an opinion"));
		goto fail;
	}
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_text(st, 2, me->id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, panel ? 1 : 0);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, body, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, sig, sizeof sig, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, sl_audit_next_seq(s));
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		rc = sl_db_err(s, _("recording an opinion"));
		goto fail;
	}
	id = sqlite3_last_insert_rowid(sl_store_db(s));
	if (panel && (rc = sl_case_transition(s, ref, case_id, state,
	                                      SL_EV_DELIBERATE, NULL, &next)))
		goto fail;
	json_t *d =
	    json_pack("{s:I, s:b, s:s, s:s, s:s}", "opinion", (json_int_t)id,
	              "panel", panel, "sha256", hex, "sig", hsig, "state",
	              sl_state_name(panel ? next : state));
	if (!d || (rc = sl_case_claim(s, ref, d))) {
		json_decref(d);
		rc = rc ? rc : sl_error(SL_ESYS, _("out of memory"));
		goto fail;
	}
	rc = sl_audit(s, panel ? "review.panel" : "review.opinion", case_id, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	free(body);
	if (out) {
		json_t *all;
		if ((rc = sl_opinions_of(s, ref, case_id, 0, &all)))
			return rc;
		*out = NULL;
		size_t i;
		json_t *v;
		json_array_foreach(all, i, v)
		{
			const char *a =
			    json_string_value(json_object_get(v, "author"));
			if (json_is_true(json_object_get(v, "panel")) ==
			        (panel != 0) &&
			    (panel || (a && !strcmp(a, me->id))))
				*out = json_incref(v);
		}
		json_decref(all);
	}
	return SL_OK;
fail:
	sl_tx_rollback(s);
	free(body);
	return rc;
}

sl_rc sl_opinion_record(sl_store *s, const char *case_id, const char *buf,
                        size_t len, int panel, json_t **out)
{
	int tries = 0;
	sl_rc rc;
	do
		rc = opinion_once(s, case_id, buf, len, panel, out);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}

/* ---- reading ------------------------------------------------------------- */

/* One opinion as the log recorded it. */
typedef struct {
	int64_t seq;
	char author[SL_ID_MAX + 1];
	int panel;
	uint8_t sha[SL_SHA256_LEN], sig[SL_ED25519_SIG_LEN];
} logged;

/*
 * The opinions the log recorded for a case, oldest first. The log, not the
 * opinions table, says which opinion is whose and which is the latest: a
 * row put back or re-ordered in the table by someone holding the data key
 * changes nothing here, and a row that differs from its entry is refused.
 */
static sl_rc logged_opinions(sl_store *s, const char *case_id, logged **out,
                             size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT seq, actor, action, details FROM audit"
	                       " WHERE object = ? AND action IN"
	                       " ('review.opinion', 'review.panel')"
	                       " ORDER BY seq",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading the audit log"));
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
	size_t cap = 0;
	sl_rc rc = SL_OK;
	int step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			logged *nv = realloc(*out, cap * sizeof *nv);
			if (!nv) {
				rc = sl_error(SL_ESYS, _("out of memory"));
				break;
			}
			*out = nv;
		}
		logged *l = &(*out)[*n];
		json_error_t jerr;
		json_t *d = json_loads((const char *)sqlite3_column_text(st, 3),
		                       0, &jerr);
		const char *sh =
		    json_string_value(json_object_get(d, "sha256"));
		const char *sg = json_string_value(json_object_get(d, "sig"));
		l->seq = sqlite3_column_int64(st, 0);
		snprintf(l->author, sizeof l->author, "%s",
		         sqlite3_column_text(st, 1));
		l->panel = !strcmp((const char *)sqlite3_column_text(st, 2),
		                   "review.panel");
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

/* The opinion l as the table holds it, checked against its log entry and
 * its author's signature; *o gets the view object. */
static sl_rc load_opinion(sl_store *s, sqlite3_stmt *st, int64_t ref,
                          const char *case_id, const logged *l, json_t **o)
{
	*o = NULL;
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_int64(st, 2, l->seq);
	int step = sqlite3_step(st);
	sl_rc rc = SL_OK;
	const char *body = step == SQLITE_ROW
	                       ? (const char *)sqlite3_column_text(st, 1)
	                       : NULL;
	uint8_t h[SL_SHA256_LEN];
	if (body)
		sl_sha256(body, strlen(body), h);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = sl_db_err(s, _("reading opinions"));
		goto out;
	}
	if (!body ||
	    strcmp((const char *)sqlite3_column_text(st, 0), l->author) ||
	    sqlite3_column_int(st, 2) != l->panel || memcmp(h, l->sha, 32) ||
	    sqlite3_column_bytes(st, 4) != SL_ED25519_SIG_LEN ||
	    memcmp(sqlite3_column_blob(st, 4), l->sig, SL_ED25519_SIG_LEN)) {
		rc = sl_error(SL_EINTEGRITY,
		              _("the opinion of %s on case %s (audit entry "
		                "%lld) is missing or differs from what the log "
		                "recorded: it was altered"),
		              l->author, case_id, (long long)l->seq);
		goto out;
	}
	int64_t ms = sqlite3_column_int64(st, 3);
	const sl_reg_user *u =
	    sl_registry_user(sl_store_registry(s), l->author);
	uint8_t *msg = NULL;
	size_t mlen = sl_opinion_message(sl_store_id(s), case_id, l->author,
	                                 l->panel, ms, body, &msg);
	sl_signkey *vk =
	    u && u->enrolled
	        ? sl_registry_verifier((sl_registry *)sl_store_registry(s),
	                               l->author)
	        : NULL;
	if (!mlen)
		rc = sl_error(SL_ESYS, _("out of memory"));
	else if (!vk || sl_verify(vk, msg, mlen, l->sig))
		rc = sl_error(SL_EINTEGRITY,
		              _("opinion %lld on case %s: the signature of %s "
		                "does not verify: it was altered"),
		              (long long)l->seq, case_id, l->author);
	free(msg);
	if (rc)
		goto out;
	json_error_t jerr;
	json_t *j = json_loads(body, 0, &jerr);
	if (!json_is_object(j)) {
		json_decref(j);
		rc = sl_error(SL_EINTEGRITY,
		              _("opinion %lld on case %s is not an object"),
		              (long long)l->seq, case_id);
		goto out;
	}
	char day[11], fp[SL_KEY_ID_LEN + 1];
	sl_day_of(ms, day);
	sl_key_id(u->pub, fp);
	json_object_del(j, "format");
	json_object_del(j, "case_id");
	if (!json_object_get(j, "dissent"))
		json_object_set_new(j, "dissent", json_array());
	json_object_set_new(j, "author", json_string(l->author));
	json_object_set_new(j, "author_name",
	                    u->name ? json_string(u->name) : json_null());
	json_object_set_new(j, "author_agency",
	                    u->agency[0] ? json_string(u->agency)
	                                 : json_null());
	json_object_set_new(j, "author_role",
	                    json_string(sl_role_name(u->role)));
	json_object_set_new(j, "panel", json_boolean(l->panel));
	json_object_set_new(j, "recorded_on", json_string(day));
	json_object_set_new(j, "recorded_ms", json_integer(ms));
	json_object_set_new(j, "sig_key", json_string(fp));
	*o = j;
out:
	sqlite3_reset(st);
	return rc;
}

sl_rc sl_opinions_of(sl_store *s, int64_t ref, const char *case_id, int history,
                     json_t **out)
{
	*out = NULL;
	logged *v;
	size_t n;
	sl_rc rc = logged_opinions(s, case_id, &v, &n);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT author, body, panel, recorded_ms, sig"
	                       " FROM opinions WHERE case_ref = ? AND seq = ?",
	                       -1, &st, 0)) {
		free(v);
		return sl_db_err(s, _("reading opinions"));
	}
	json_t *list = json_array();
	for (size_t i = 0; !rc && i < n; i++) {
		/* a reviewer taken off the team: their opinion stays in the
		 * history, withdrawn by the re-assignment */
		int gone = !v[i].panel && !on_team(s, ref, v[i].author);
		int force = latest(v, n, i) && !gone;
		if (!history && !force)
			continue;
		json_t *o;
		if (!(rc = load_opinion(s, st, ref, case_id, &v[i], &o))) {
			if (history && !force)
				json_object_set_new(
				    o, "withdrawn",
				    json_string(gone ? "reassigned"
				                     : "superseded"));
			json_array_append_new(list, o);
		}
	}
	sqlite3_finalize(st);
	free(v);
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return SL_OK;
}

sl_rc sl_opinions_team(sl_store *s, const char *case_id, json_t **out)
{
	*out = NULL;
	int64_t ref;
	sl_state state;
	sl_rc rc = sl_case_require(s, SL_ACT_CASE_READ, case_id, &ref, &state);
	if (rc)
		return rc;
	json_t *all;
	if ((rc = sl_opinions_of(s, ref, case_id, 0, &all)))
		return rc;
	const sl_actor *me = sl_store_actor(s);
	int mine = 0;
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o)
	{
		const char *a = json_string_value(json_object_get(o, "author"));
		mine |= a && !strcmp(a, me->id) &&
		        !json_is_true(json_object_get(o, "panel"));
	}
	sl_verdict v = sl_policy_team_opinions(me, mine);
	if (v) {
		json_decref(all);
		sl_case_ref c = {.case_id = case_id};
		return sl_guard_refuse(s, v, me, SL_ACT_CASE_READ, &c);
	}
	*out = all;
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
