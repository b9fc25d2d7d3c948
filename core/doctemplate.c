/* doctemplate.c - the document template. See doctemplate.h. */
#include "doctemplate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonwhy.h"
#include "text.h"

extern const unsigned char sl_template_default_json[];
extern const size_t sl_template_default_json_len;

#define MAX_ROOTS 2

struct sl_doctemplate {
	json_t *roots[MAX_ROOTS]; /* the strings below point into these */
	size_t nroots;
	const char *name;
	const char *authority, *panel_suffix;
	json_t *panels; /* borrowed: code -> name */
	int chinese;
	char *fonts[SL_FONT_N];
	sl_tpl_doc doc[SL_DOCKIND_N];
};

static const char *const KINDS[SL_DOCKIND_N] = {"report", "letter", "opinion"};
static const char *const ROLES[SL_FONT_N] = {"xiaobiaosong", "fangsong", "hei",
                                             "kai", "song"};

const char *sl_doctemplate_builtin_json(size_t *len)
{
	if (len)
		*len = sl_template_default_json_len;
	return (const char *)sl_template_default_json;
}

void sl_doctemplate_free(sl_doctemplate *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nroots; i++)
		json_decref(t->roots[i]);
	for (int i = 0; i < SL_FONT_N; i++)
		free(t->fonts[i]);
	free(t);
}

static sl_rc bad(const char *path, const char *why)
{
	return sl_error(SL_EINPUT, _("template: %s: %s"), path, why);
}

/* Text a person reads on the document: valid UTF-8 (jansson's), at most
 * max bytes, and nothing that is not a printing character: no control
 * characters, no line or paragraph separators, no bidirectional
 * controls, no BOM or other format characters. */
static int clean_text(const char *s, size_t n)
{
	return sl_text_safe(s, n); /* text.h: the one rule */
}

static sl_rc text(const json_t *v, const char *path, size_t max,
                  const char **out)
{
	if (!json_is_string(v))
		return bad(path, _("not a string"));
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n > max)
		return bad(path, _("too long"));
	if (strlen(s) != n || !clean_text(s, n))
		return bad(path, _("holds control, format or bidirectional "
		                   "characters"));
	*out = s;
	return SL_OK;
}

static sl_rc one_of(const json_t *v, const char *path,
                    const char *const *allowed, const char **out)
{
	if (!json_is_string(v))
		return bad(path, _("not a string"));
	for (size_t i = 0; allowed[i]; i++)
		if (!strcmp(json_string_value(v), allowed[i])) {
			*out = allowed[i];
			return SL_OK;
		}
	return bad(path, _("not one of the values the standard allows"));
}

static sl_rc integer(const json_t *v, const char *path, int lo, int hi,
                     int *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return bad(path, _("not an integer in range"));
	*out = (int)json_integer_value(v);
	return SL_OK;
}

/* Is every key of o one of keys[0..n) (n: SIZE_MAX for a NULL-terminated
 * list)? KINDS and ROLES are indexed by an enum and carry no NULL. */
static sl_rc known_keys_n(const json_t *o, const char *path,
                          const char *const *keys, size_t n)
{
	if (!json_is_object(o))
		return bad(path, _("not an object"));
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		size_t i;
		for (i = 0; i < n && keys[i] && strcmp(keys[i], k); i++)
			;
		if (i == n || !keys[i]) {
			char p[300], shown[64];
			sl_text_sanitize(k, shown, sizeof shown);
			snprintf(p, sizeof p, "%s.%s", path, shown);
			return bad(p, _("unknown key"));
		}
	}
	return SL_OK;
}

static sl_rc known_keys(const json_t *o, const char *path,
                        const char *const *keys)
{
	return known_keys_n(o, path, keys, SIZE_MAX);
}

/* "1年", "6个月", "长期" or "". */
static int period_ok(const char *s)
{
	if (!*s || !strcmp(s, "长期"))
		return 1;
	size_t d = 0;
	while (s[d] >= '0' && s[d] <= '9')
		d++;
	return d >= 1 && d <= 2 && s[0] != '0' &&
	       (!strcmp(s + d, "年") || !strcmp(s + d, "个月"));
}

/* A font family: letters (any script), digits, blanks, '-', '_', with an
 * optional ":bold"; names go into CSS quoted and into fontconfig. */
static int family_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > 5 && !strcmp(s + n - 5, ":bold"))
		n -= 5;
	if (!n || n > 64 || s[0] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c >= 0x80 || c == ' ' || c == '-' || c == '_' ||
		      (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}

static sl_rc apply_fonts(sl_doctemplate *t, const json_t *f)
{
	sl_rc rc = known_keys_n(f, "fonts", ROLES, SL_FONT_N);
	if (rc)
		return rc;
	for (int r = 0; r < SL_FONT_N; r++) {
		json_t *a = json_object_get(f, ROLES[r]);
		char path[64];
		snprintf(path, sizeof path, "fonts.%s", ROLES[r]);
		if (!a)
			continue;
		if (!json_is_array(a) || !json_array_size(a) ||
		    json_array_size(a) > SL_TPL_MAX_FONTS)
			return bad(path, _("not a list of 1-12 families"));
		size_t i, n = 0;
		json_t *v;
		json_array_foreach(a, i, v)
		{
			const char *s;
			if ((rc = text(v, path, 80, &s)))
				return rc;
			if (!family_ok(s))
				return bad(
				    path,
				    _("a family name holds characters "
				      "other than letters, digits, blanks, "
				      "'-' and '_'"));
			n += strlen(s) + 1;
		}
		char *joined = malloc(n + 1), *p = joined;
		if (!joined)
			return sl_error(SL_ESYS, _("out of memory"));
		json_array_foreach(a, i, v)
		{
			size_t l = strlen(json_string_value(v));
			if (i)
				*p++ = ',';
			memcpy(p, json_string_value(v), l);
			p += l;
		}
		*p = 0;
		free(t->fonts[r]);
		t->fonts[r] = joined;
	}
	return SL_OK;
}

static sl_rc apply_doc(sl_tpl_doc *d, sl_dockind k, const json_t *o)
{
	static const char *const KEYS[] = {
	    "copy_no", "secrecy", "secrecy_period", "urgency", "code", "to",
	    "cc",      "printer", "deadline_days",  "note",    NULL};
	static const char *const SECRECY[] = {"", "秘密", "机密", "绝密", NULL};
	static const char *const URGENCY[] = {"", "加急", "特急", NULL};
	char path[128], at[160];
	snprintf(path, sizeof path, "documents.%s", KINDS[k]);
	sl_rc rc = known_keys(o, path, KEYS);
	json_t *v;
#define AT(key) (snprintf(at, sizeof at, "%s.%s", path, key), at)
	if (!rc && (v = json_object_get(o, "copy_no")))
		rc = integer(v, AT("copy_no"), 1, 999999, &d->copy_no);
	if (!rc && (v = json_object_get(o, "secrecy")))
		rc = one_of(v, AT("secrecy"), SECRECY, &d->secrecy);
	if (!rc && (v = json_object_get(o, "secrecy_period")) &&
	    !(rc = text(v, AT("secrecy_period"), 16, &d->secrecy_period)) &&
	    !period_ok(d->secrecy_period))
		rc = bad(at, _("not a period such as 1年, 6个月 or 长期"));
	if (!rc && (v = json_object_get(o, "urgency")))
		rc = one_of(v, AT("urgency"), URGENCY, &d->urgency);
	if (!rc && (v = json_object_get(o, "code")))
		rc = text(v, AT("code"), 40, &d->code);
	if (!rc && (v = json_object_get(o, "to"))) {
		if (k == SL_DOCKIND_LETTER)
			rc =
			    bad(AT("to"), _("a letter goes to the transferring "
			                    "agency"));
		else
			rc = text(v, AT("to"), SL_TPL_MAX_TEXT, &d->to);
	}
	if (!rc && (v = json_object_get(o, "printer")))
		rc = text(v, AT("printer"), SL_TPL_MAX_TEXT, &d->printer);
	if (!rc && (v = json_object_get(o, "note")))
		rc = text(v, AT("note"), SL_TPL_MAX_TEXT, &d->note);
	if (!rc && (v = json_object_get(o, "cc"))) {
		if (!json_is_array(v) || json_array_size(v) > SL_TPL_MAX_CC)
			rc = bad(AT("cc"), _("not a list of at most 20 names"));
		size_t i;
		json_t *e;
		d->ncc = 0;
		json_array_foreach(v, i, e)
		{
			if (rc)
				break;
			rc = text(e, AT("cc"), SL_TPL_MAX_TEXT, &d->cc[i]);
			if (!rc && !*d->cc[i])
				rc = bad(at, _("an empty name"));
			d->ncc = i + 1;
		}
	}
	if (!rc && (v = json_object_get(o, "deadline_days"))) {
		static const char *const DK[] = {"supplement", "reinvestigate",
		                                 NULL};
		if (k != SL_DOCKIND_LETTER)
			return bad(AT("deadline_days"),
			           _("only a letter has a deadline"));
		rc = known_keys(v, AT("deadline_days"), DK);
		json_t *x;
		if (!rc && (x = json_object_get(v, "supplement")))
			rc = integer(x, AT("deadline_days.supplement"), 1, 365,
			             &d->deadline_supplement);
		if (!rc && (x = json_object_get(v, "reinvestigate")))
			rc = integer(x, AT("deadline_days.reinvestigate"), 1,
			             365, &d->deadline_reinvestigate);
	}
#undef AT
	return rc;
}

/* Lay root over t: every key it has replaces the value t had. */
static sl_rc apply(sl_doctemplate *t, json_t *root)
{
	static const char *const KEYS[] = {
	    "format", "name",  "version",   "authority",  "panel_suffix",
	    "panels", "fonts", "documents", "date_style", NULL};
	sl_rc rc = known_keys(root, "template", KEYS);
	if (rc)
		return rc;
	json_t *v = json_object_get(root, "format");
	if (!json_is_string(v) ||
	    strcmp(json_string_value(v), "shenli.template/1"))
		return bad("format", _("not shenli.template/1"));
	int version;
	if ((v = json_object_get(root, "name")) &&
	    (rc = text(v, "name", 64, &t->name)))
		return rc;
	if ((v = json_object_get(root, "version")) &&
	    (rc = integer(v, "version", 1, 1000000000, &version)))
		return rc;
	if ((v = json_object_get(root, "authority")) &&
	    (rc = text(v, "authority", 100, &t->authority)))
		return rc;
	if ((v = json_object_get(root, "panel_suffix")) &&
	    (rc = text(v, "panel_suffix", 60, &t->panel_suffix)))
		return rc;
	if ((v = json_object_get(root, "date_style"))) {
		static const char *const DS[] = {"chinese", "arabic", NULL};
		const char *ds;
		if ((rc = one_of(v, "date_style", DS, &ds)))
			return rc;
		t->chinese = !strcmp(ds, "chinese");
	}
	if ((v = json_object_get(root, "panels"))) {
		if (!json_is_object(v) ||
		    json_object_size(v) > SL_TPL_MAX_PANELS)
			return bad("panels",
			           _("not an object of at most 1000 zones"));
		const char *k;
		json_t *p;
		json_object_foreach(v, k, p)
		{
			const char *s;
			size_t n = strlen(k);
			int ok = n >= 1 && n <= 64;
			for (size_t i = 0; ok && i < n; i++)
				ok = (k[i] >= '0' && k[i] <= '9') ||
				     (k[i] >= 'A' && k[i] <= 'Z') ||
				     (k[i] >= 'a' && k[i] <= 'z') ||
				     k[i] == '-' || k[i] == '_';
			if (!ok)
				return bad("panels", _("a zone code is not "
				                       "letters, digits, '-' "
				                       "or '_'"));
			if ((rc = text(p, "panels", SL_TPL_MAX_TEXT, &s)))
				return rc;
			if (!*s)
				return bad("panels", _("an empty name"));
		}
		t->panels = v;
	}
	if ((v = json_object_get(root, "fonts")) && (rc = apply_fonts(t, v)))
		return rc;
	if ((v = json_object_get(root, "documents"))) {
		if ((rc = known_keys_n(v, "documents", KINDS, SL_DOCKIND_N)))
			return rc;
		for (int k = 0; k < SL_DOCKIND_N; k++) {
			json_t *o = json_object_get(v, KINDS[k]);
			if (o && (rc = apply_doc(&t->doc[k], k, o)))
				return rc;
		}
	}
	return SL_OK;
}

static sl_rc load(sl_doctemplate *t, const char *buf, size_t len)
{
	if (len > SL_TPL_MAX_BYTES)
		return bad("template", _("more than 64 KiB"));
	json_error_t e;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
	if (!root) {
		char shown[sizeof e.text + 64];
		sl_json_why(&e, shown, sizeof shown);
		return sl_error(SL_EINPUT, _("template: line %d: %s"), e.line,
		                shown);
	}
	if (t->nroots == MAX_ROOTS) {
		json_decref(root);
		return sl_error(SL_ESYS, "template: too many layers");
	}
	t->roots[t->nroots++] = root;
	return apply(t, root);
}

sl_rc sl_doctemplate_builtin(sl_doctemplate **out)
{
	*out = NULL;
	sl_doctemplate *t = calloc(1, sizeof *t);
	if (!t)
		return sl_error(SL_ESYS, _("out of memory"));
	t->name = "default";
	t->authority = t->panel_suffix = "";
	t->chinese = 1;
	for (int k = 0; k < SL_DOCKIND_N; k++) {
		sl_tpl_doc *d = &t->doc[k];
		d->copy_no = 1;
		d->secrecy = d->secrecy_period = d->urgency = d->code = "";
		d->to = d->printer = d->note = "";
		d->deadline_supplement = 30;
		d->deadline_reinvestigate = 60;
	}
	sl_rc rc = load(t, (const char *)sl_template_default_json,
	                sl_template_default_json_len);
	if (rc) {
		sl_doctemplate_free(t);
		return rc;
	}
	*out = t;
	return SL_OK;
}

sl_rc sl_doctemplate_parse(const char *buf, size_t len, sl_doctemplate **out)
{
	*out = NULL;
	sl_doctemplate *t;
	sl_rc rc = sl_doctemplate_builtin(&t);
	if (rc)
		return rc;
	if ((rc = load(t, buf, len))) {
		sl_doctemplate_free(t);
		return rc;
	}
	*out = t;
	return SL_OK;
}

const char *sl_doctemplate_name(const sl_doctemplate *t)
{
	return t->name;
}

const sl_tpl_doc *sl_doctemplate_doc(const sl_doctemplate *t, sl_dockind k)
{
	return &t->doc[(unsigned)k < SL_DOCKIND_N ? k : 0];
}

void sl_doctemplate_panel(const sl_doctemplate *t, const char *zone_code,
                          const char *zone_name, char *out, size_t cap)
{
	const char *p =
	    zone_code ? json_string_value(json_object_get(t->panels, zone_code))
	              : NULL;
	if (p)
		snprintf(out, cap, "%s", p);
	else
		snprintf(out, cap, "%s%s%s", t->authority,
		         zone_name ? zone_name : "", t->panel_suffix);
}

int sl_doctemplate_chinese_dates(const sl_doctemplate *t)
{
	return t->chinese;
}

const char *sl_doctemplate_fonts(const sl_doctemplate *t, sl_fontrole r)
{
	return (unsigned)r < SL_FONT_N && t->fonts[r] ? t->fonts[r] : "";
}
