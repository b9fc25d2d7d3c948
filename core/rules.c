/* rules.c - the rules document. See rules.h. */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "crypto.h"
#include "db.h"
#include "jsonwhy.h"
#include "text.h"

/* Generated at build time from plugins/rules/rules.json. */
extern const unsigned char sl_rules_default_json[];
extern const size_t sl_rules_default_json_len;

#define MAX_LIST 64
#define MAX_CIRCS 64

struct sl_rules {
	json_t *root;
	int64_t version;
	const char *required[MAX_LIST];
	size_t n_required;
	const char *identity[MAX_LIST];
	size_t n_identity;
	int limit_days, max_ext_days, max_returns, min_team;
	int intake_days;  /* 0: the rules set no intake limit */
	int limit_months; /* 0: the limit is limit_days */
	sl_violation *viol;
	size_t n_viol;
	sl_circumstance circ[MAX_CIRCS];
	size_t n_circ;
	sl_calendar *calendar;
};

const char *sl_rules_builtin(size_t *len)
{
	*len = sl_rules_default_json_len;
	return (const char *)sl_rules_default_json;
}

static const char *const DISCIPLINES[] = {
    "political", "organizational", "integrity", "mass", "work", "life"};

static int is_discipline(const char *s)
{
	for (size_t i = 0; i < sizeof DISCIPLINES / sizeof DISCIPLINES[0]; i++)
		if (!strcmp(s, DISCIPLINES[i]))
			return 1;
	return 0;
}

static sl_rc str_list(json_t *o, const char *path, const char *key,
                      const char **out, size_t *n)
{
	json_t *a = json_object_get(o, key);
	if (!json_is_array(a) || json_array_size(a) > MAX_LIST)
		return sl_error(SL_EINPUT,
		                _("rules: %s.%s: not a list (of at most "
		                  "%d)"),
		                path, key, MAX_LIST);
	*n = 0;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!s || !*s)
			return sl_error(SL_EINPUT,
			                _("rules: %s.%s[%zu]: not a string"),
			                path, key, i);
		out[(*n)++] = s;
	}
	return SL_OK;
}

static sl_rc int_field(json_t *o, const char *path, const char *key, int lo,
                       int hi, int *out)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return sl_error(
		    SL_EINPUT,
		    _("rules: %s.%s: not a whole number from %d to %d"), path,
		    key, lo, hi);
	*out = (int)json_integer_value(v);
	return SL_OK;
}

/* The limits rules may leave out: review.limit_months, the review limit in
 * months as DOMAIN.md gives it (limit_days stays, for rules in days and
 * readers that do not know months); intake.working_days, the intake's own
 * limit (DOMAIN.md: within 3 working days of the transfer), read
 * leniently: rules installed before it was read must go on loading
 * whatever they said there, and a value that is not 1-365 sets none. */
static sl_rc optional_limits(sl_rules *r, json_t *in, json_t *rv)
{
	sl_rc rc;
	if (json_object_get(rv, "limit_months") &&
	    (rc = int_field(rv, "review", "limit_months", 1, 120,
	                    &r->limit_months)))
		return rc;
	json_t *wd = json_object_get(in, "working_days");
	if (json_is_integer(wd) && json_integer_value(wd) >= 1 &&
	    json_integer_value(wd) <= 365)
		r->intake_days = (int)json_integer_value(wd);
	return SL_OK;
}

/* circumstances (optional): {code: {zh, effect mitigating|aggravating,
 * prior?}}. The vocabulary of case-format.md; a dossier citing a code
 * that is not here is not wrong (it is kept and shown). Documents before
 * version 2 gave effects as "lower" (mitigating) and flags "crime" and
 * "prior"; those read as before. */
static sl_rc parse_circumstances(sl_rules *r)
{
	json_t *o = json_object_get(r->root, "circumstances");
	if (!o)
		return SL_OK;
	if (!json_is_object(o) || json_object_size(o) > MAX_CIRCS)
		return sl_error(SL_EINPUT,
		                _("rules: circumstances: an object of at most "
		                  "%d"),
		                MAX_CIRCS);
	const char *code;
	json_t *c;
	json_object_foreach(o, code, c)
	{
		const char *zh = json_string_value(json_object_get(c, "zh"));
		const char *eff =
		    json_string_value(json_object_get(c, "effect"));
		json_t *lower = json_object_get(c, "lower");
		json_t *prior = json_object_get(c, "prior");
		json_t *crime = json_object_get(c, "crime");
		sl_circ_effect e = 0;
		if (eff && !strcmp(eff, "mitigating"))
			e = SL_CIRC_MITIGATING;
		else if (eff && !strcmp(eff, "aggravating"))
			e = SL_CIRC_AGGRAVATING;
		else if (!eff && json_is_integer(lower) &&
		         json_integer_value(lower) > 0)
			e = SL_CIRC_MITIGATING;
		int ok = json_is_object(c) && zh && *zh && strlen(code) <= 64 &&
		         (!json_object_get(c, "effect") || e) &&
		         (!lower || (json_is_integer(lower) &&
		                     json_integer_value(lower) >= 0 &&
		                     json_integer_value(lower) <= 3)) &&
		         (!prior || json_is_boolean(prior)) &&
		         (!crime || json_is_boolean(crime));
		if (!ok) {
			char safe[80];
			sl_text_sanitize(code, safe, sizeof safe);
			return sl_error(
			    SL_EINPUT,
			    _("rules: circumstances.%s: needs zh and an effect "
			      "mitigating|aggravating (prior: true|false)"),
			    safe);
		}
		r->circ[r->n_circ++] =
		    (sl_circumstance){code, zh, e, json_is_true(prior)};
	}
	return SL_OK;
}

sl_rc sl_rules_parse(const char *buf, size_t len, sl_rules **out)
{
	*out = NULL;
	if (len > SL_RULES_MAX_BYTES)
		return sl_error(SL_EINPUT, _("rules: larger than %u bytes"),
		                SL_RULES_MAX_BYTES);
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		/* jansson's message quotes the input: keep it printable */
		char why[sizeof jerr.text + 64];
		if (root)
			why[0] = '\0';
		else
			sl_json_why(&jerr, why, sizeof why);
		json_decref(root);
		return sl_error(SL_EINPUT,
		                _("rules: not a JSON object (line %d: %s)"),
		                root ? 0 : jerr.line, why);
	}
	sl_rules *r = calloc(1, sizeof *r);
	if (!r) {
		json_decref(root);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	r->root = root;
	sl_rc rc = SL_EINPUT;
	const char *fmt = json_string_value(json_object_get(root, "format"));
	json_t *ver = json_object_get(root, "version");
	json_t *in = json_object_get(root, "intake");
	json_t *rv = json_object_get(root, "review");
	json_t *vo = json_object_get(root, "violations");
	if (!fmt || strcmp(fmt, "shenli.rules/1")) {
		sl_error(rc, _("rules: format is not \"shenli.rules/1\""));
		goto fail;
	}
	if (!json_is_integer(ver) || json_integer_value(ver) < 1) {
		sl_error(rc, _("rules: version: not a positive whole number"));
		goto fail;
	}
	r->version = json_integer_value(ver);
	if (!json_is_object(in) || !json_is_object(rv) || !json_is_object(vo)) {
		sl_error(rc, _("rules: intake, review and violations must be "
		               "objects"));
		goto fail;
	}
	if ((rc = str_list(in, "intake", "required_documents", r->required,
	                   &r->n_required)) ||
	    (rc = str_list(in, "intake", "identity_documents", r->identity,
	                   &r->n_identity)) ||
	    (rc = int_field(rv, "review", "limit_days", 1, 3650,
	                    &r->limit_days)) ||
	    (rc = int_field(rv, "review", "max_extension_days", 0, 3650,
	                    &r->max_ext_days)) ||
	    (rc = int_field(rv, "review", "max_returns", 0, 100,
	                    &r->max_returns)) ||
	    (rc = int_field(rv, "review", "min_team", 2, 100, &r->min_team)))
		goto fail;
	if ((rc = optional_limits(r, in, rv)))
		goto fail;
	size_t nv = json_object_size(vo);
	if (nv == 0 || nv > 4096) {
		rc = sl_error(SL_EINPUT,
		              _("rules: violations: 1 to 4096 entries"));
		goto fail;
	}
	r->viol = calloc(nv, sizeof *r->viol);
	if (!r->viol) {
		rc = sl_error(SL_ESYS, _("out of memory"));
		goto fail;
	}
	const char *code;
	json_t *v;
	json_object_foreach(vo, code, v)
	{
		const char *zh = json_string_value(json_object_get(v, "zh"));
		const char *d =
		    json_string_value(json_object_get(v, "discipline"));
		const char *e =
		    json_string_value(json_object_get(v, "eight_point"));
		int ep = !e                      ? -2
		         : !strcmp(e, "yes")     ? 1
		         : !strcmp(e, "no")      ? 0
		         : !strcmp(e, "depends") ? -1
		                                 : -2;
		json_t *um = json_object_get(v, "use_matters");
		if (!zh || !d || !is_discipline(d) || ep == -2 ||
		    (um && !json_is_boolean(um))) {
			char c[80]; /* a key of the file: quoted printable */
			sl_text_sanitize(code, c, sizeof c);
			rc = sl_error(
			    SL_EINPUT,
			    _("rules: violations.%s: needs zh, a discipline "
			      "of the six, eight_point yes|no|depends, and "
			      "use_matters true|false if given"),
			    c);
			goto fail;
		}
		r->viol[r->n_viol++] =
		    (sl_violation){code, zh, d, ep, json_is_true(um)};
	}
	if ((rc = parse_circumstances(r)))
		goto fail;
	json_t *cal = json_object_get(root, "calendar");
	if (cal && (rc = sl_calendar_parse(cal, &r->calendar)))
		goto fail;
	*out = r;
	return SL_OK;
fail:
	sl_rules_free(r);
	return rc;
}

void sl_rules_free(sl_rules *r)
{
	if (!r)
		return;
	json_decref(r->root);
	free(r->viol);
	sl_calendar_free(r->calendar);
	free(r);
}

sl_rc sl_rules_load(sl_store *s, sl_rules **out)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s, "SELECT body FROM rules WHERE name = 'default'",
	                  &st))
		return sl_db_err(s, _("reading rules"));
	int rc = sqlite3_step(st);
	sl_rc r;
	if (rc == SQLITE_ROW)
		r = sl_rules_parse((const char *)sqlite3_column_text(st, 0),
		                   (size_t)sqlite3_column_bytes(st, 0), out);
	else if (rc == SQLITE_DONE)
		r = sl_error(SL_EINTEGRITY,
		             _("the store has no rules installed"));
	else
		r = sl_db_err(s, _("reading rules"));
	sqlite3_finalize(st);
	return r;
}

sl_rc sl_rules_install(sl_store *s, const char *buf, size_t len)
{
	sl_rules *r;
	sl_rc rc = sl_rules_parse(buf, len, &r);
	if (rc)
		return rc;
	uint8_t h[32];
	char hex[65];
	sl_sha256(buf, len, h);
	sl_hex(h, 32, hex);
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "INSERT OR REPLACE INTO rules(name, version, body, "
	                  "sha256) VALUES('default', ?, ?, ?)",
	                  &st)) {
		sl_rules_free(r);
		return sl_db_err(s, _("installing rules"));
	}
	sqlite3_bind_int64(st, 1, r->version);
	sqlite3_bind_text(st, 2, buf, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, h, 32, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		sl_rules_free(r);
		return sl_db_err(s, _("installing rules"));
	}
	json_t *d = json_pack("{s:I, s:s}", "version", (json_int_t)r->version,
	                      "sha256", hex);
	rc = sl_audit(s, "rules.set", "default", d);
	json_decref(d);
	sl_rules_free(r);
	return rc;
}

int64_t sl_rules_version(const sl_rules *r)
{
	return r->version;
}

const sl_violation *sl_rules_violation(const sl_rules *r, const char *code)
{
	for (size_t i = 0; i < r->n_viol; i++)
		if (!strcmp(r->viol[i].code, code))
			return &r->viol[i];
	return NULL;
}

size_t sl_rules_n_required_docs(const sl_rules *r)
{
	return r->n_required;
}
const char *sl_rules_required_doc(const sl_rules *r, size_t i)
{
	return i < r->n_required ? r->required[i] : NULL;
}
size_t sl_rules_n_identity_docs(const sl_rules *r)
{
	return r->n_identity;
}
const char *sl_rules_identity_doc(const sl_rules *r, size_t i)
{
	return i < r->n_identity ? r->identity[i] : NULL;
}
int sl_rules_limit_days(const sl_rules *r)
{
	return r->limit_days;
}
int sl_rules_limit_months(const sl_rules *r)
{
	return r->limit_months;
}
int sl_rules_intake_days(const sl_rules *r)
{
	return r->intake_days;
}
int sl_rules_max_extension_days(const sl_rules *r)
{
	return r->max_ext_days;
}
int sl_rules_max_returns(const sl_rules *r)
{
	return r->max_returns;
}
int sl_rules_min_team(const sl_rules *r)
{
	return r->min_team;
}
json_t *sl_rules_json(const sl_rules *r)
{
	return r->root;
}

size_t sl_rules_n_circumstances(const sl_rules *r)
{
	return r->n_circ;
}

const sl_circumstance *sl_rules_circumstance_at(const sl_rules *r, size_t i)
{
	return i < r->n_circ ? &r->circ[i] : NULL;
}

const sl_circumstance *sl_rules_circumstance(const sl_rules *r,
                                             const char *code)
{
	for (size_t i = 0; code && i < r->n_circ; i++)
		if (!strcmp(r->circ[i].code, code))
			return &r->circ[i];
	return NULL;
}

const sl_calendar *sl_rules_calendar(const sl_rules *r)
{
	return r->calendar;
}

static const char *name_in(const sl_rules *r, const char *table,
                           const char *kind)
{
	const char *n = json_string_value(
	    json_object_get(json_object_get(r->root, table), kind));
	return n ? n : kind;
}

const char *sl_rules_doc_name(const sl_rules *r, const char *kind)
{
	return name_in(r, "documents", kind);
}

const char *sl_rules_evidence_name(const sl_rules *r, const char *kind)
{
	return name_in(r, "evidence_kinds", kind);
}
