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
#include "policy.h"
#include "rules.h"
#include "text.h"

#define REASONING_MAX 16384
#define TEXT_MAX 4096
#define DISSENT_MAX 16
#define CIRC_MAX 32

static const char *const DISCIPLINES[] = {
    "political", "organizational", "integrity", "mass", "work", "life",
};

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
static uint8_t *signed_bytes(sl_store *s, const char *case_id,
                             const char *author, int panel, int64_t ms,
                             const char *body, size_t *n)
{
	static const char dom[] = "shenli.opinion/1";
	size_t cl = strlen(case_id), al = strlen(author), bl = strlen(body);
	size_t len = sizeof dom + 16 + cl + 1 + al + 1 + 1 + 8 + bl;
	uint8_t *m = malloc(len), *p = m;
	if (!m)
		return NULL;
	memcpy(p, dom, sizeof dom);
	p += sizeof dom;
	memcpy(p, sl_store_id(s), 16);
	p += 16;
	memcpy(p, case_id, cl + 1);
	p += cl + 1;
	memcpy(p, author, al + 1);
	p += al + 1;
	*p++ = panel ? 1 : 0;
	for (int i = 7; i >= 0; i--)
		*p++ = (uint8_t)((uint64_t)ms >> (8 * i));
	memcpy(p, body, bl);
	*n = len;
	return m;
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
		if (!on_team(s, ref, me->id)) {
			char msg[256];
			snprintf(msg, sizeof msg,
			         _("not permitted: %s is not on the team of "
			           "case %s"),
			         me->id, case_id);
			return sl_policy_deny(s, act, case_id, msg);
		}
	}
	json_t *o;
	if ((rc = parse(s, ref, case_id, buf, len, panel, &o)))
		return rc;
	char *body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!body)
		return sl_error(SL_ESYS, _("out of memory"));
	int64_t now = sl_now_ms();
	size_t mlen;
	uint8_t *msg =
	    signed_bytes(s, case_id, me->id, panel, now, body, &mlen);
	uint8_t sig[SL_ED25519_SIG_LEN], h[SL_SHA256_LEN];
	char hex[2 * SL_SHA256_LEN + 1];
	rc = msg ? sl_store_sign(s, msg, mlen, sig)
	         : sl_error(SL_ESYS, _("out of memory"));
	free(msg);
	if (!rc)
		rc = sl_sha256(body, strlen(body), h);
	if (rc) {
		free(body);
		return rc;
	}
	sl_hex(h, sizeof h, hex);
	if ((rc = sl_tx_begin_unchanged(s))) {
		free(body);
		return rc;
	}
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "INSERT INTO opinions(case_ref, author, panel,"
	                       " recorded_ms, body, sig) VALUES(?,?,?,?,?,?)",
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
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		rc = sl_db_err(s, _("recording an opinion"));
		goto fail;
	}
	id = sqlite3_last_insert_rowid(sl_store_db(s));
	if (panel && next != state) {
		if (sqlite3_prepare_v2(
		        sl_store_db(s),
		        "UPDATE cases SET state = ? WHERE id = ?", -1, &st,
		        0)) {
			rc = sl_db_err(s, _("recording an opinion"));
			goto fail;
		}
		sqlite3_bind_text(st, 1, sl_state_name(next), -1,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, ref);
		step = sqlite3_step(st);
		sqlite3_finalize(st);
		if (step != SQLITE_DONE) {
			rc = sl_db_err(s, _("recording an opinion"));
			goto fail;
		}
	}
	json_t *d = json_pack("{s:I, s:b, s:s, s:s}", "opinion", (json_int_t)id,
	                      "panel", panel, "sha256", hex, "state",
	                      sl_state_name(panel ? next : state));
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

sl_rc sl_opinions_of(sl_store *s, int64_t ref, const char *case_id, int history,
                     json_t **out)
{
	*out = NULL;
	static const char *const sql_force =
	    "SELECT o.id, o.author, o.panel, o.recorded_ms, o.body, o.sig,"
	    " u.agency, u.role, u.pubkey FROM opinions o JOIN users u"
	    " ON u.id = o.author WHERE o.case_ref = ?1 AND (o.id IN"
	    " (SELECT max(id) FROM opinions WHERE case_ref = ?1 AND panel = 0"
	    " GROUP BY author) OR o.id = (SELECT max(id) FROM opinions"
	    " WHERE case_ref = ?1 AND panel = 1)) ORDER BY o.id";
	static const char *const sql_all =
	    "SELECT o.id, o.author, o.panel, o.recorded_ms, o.body, o.sig,"
	    " u.agency, u.role, u.pubkey FROM opinions o JOIN users u"
	    " ON u.id = o.author WHERE o.case_ref = ?1 ORDER BY o.id";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s), history ? sql_all : sql_force,
	                       -1, &st, 0))
		return sl_db_err(s, _("reading opinions"));
	sqlite3_bind_int64(st, 1, ref);
	json_t *list = json_array();
	sl_rc rc = SL_OK;
	int step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *author = (const char *)sqlite3_column_text(st, 1);
		int panel = sqlite3_column_int(st, 2);
		int64_t ms = sqlite3_column_int64(st, 3);
		const char *body = (const char *)sqlite3_column_text(st, 4);
		const char *agency = (const char *)sqlite3_column_text(st, 6);
		const char *role = (const char *)sqlite3_column_text(st, 7);
		if (sqlite3_column_bytes(st, 5) != SL_ED25519_SIG_LEN ||
		    sqlite3_column_bytes(st, 8) != SL_ED25519_PUB_LEN) {
			rc = sl_error(
			    SL_EINTEGRITY,
			    _("opinion %lld on case %s: signature or key "
			      "missing"),
			    (long long)id, case_id);
			break;
		}
		size_t mlen;
		uint8_t *msg =
		    signed_bytes(s, case_id, author, panel, ms, body, &mlen);
		sl_signkey *vk = sl_verifier_new(sqlite3_column_blob(st, 8));
		if (!msg || !vk)
			rc = sl_error(SL_ESYS, _("out of memory"));
		else if (sl_verify(vk, msg, mlen, sqlite3_column_blob(st, 5)))
			rc = sl_error(
			    SL_EINTEGRITY,
			    _("opinion %lld on case %s: the signature of "
			      "%s does not verify: it was altered"),
			    (long long)id, case_id, author);
		free(msg);
		sl_sign_free(vk);
		if (rc)
			break;
		json_error_t jerr;
		json_t *o = json_loads(body, 0, &jerr);
		if (!json_is_object(o)) {
			json_decref(o);
			rc = sl_error(
			    SL_EINTEGRITY,
			    _("opinion %lld on case %s is not an object"),
			    (long long)id, case_id);
			break;
		}
		char day[11], fp[SL_KEY_ID_LEN + 1];
		sl_day_of(ms, day);
		sl_key_id(sqlite3_column_blob(st, 8), fp);
		json_object_del(o, "format");
		json_object_del(o, "case_id");
		if (!json_object_get(o, "dissent"))
			json_object_set_new(o, "dissent", json_array());
		json_object_set_new(o, "author", json_string(author));
		json_object_set_new(o, "author_agency",
		                    agency ? json_string(agency) : json_null());
		json_object_set_new(o, "author_role", json_string(role));
		json_object_set_new(o, "panel", json_boolean(panel));
		json_object_set_new(o, "recorded_on", json_string(day));
		json_object_set_new(o, "recorded_ms", json_integer(ms));
		json_object_set_new(o, "sig_key", json_string(fp));
		json_array_append_new(list, o);
	}
	sqlite3_finalize(st);
	if (!rc && step != SQLITE_DONE)
		rc = sl_db_err(s, _("reading opinions"));
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return SL_OK;
}
