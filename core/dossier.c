/* dossier.c - parse and validate shenli.case/1 dossiers. See dossier.h. */
#include "dossier.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonmem.h"
#include "jsonwhy.h"
#include "text.h"

#define DEFAULT_MAX_BYTES ((size_t)16 << 20)
#define DEFAULT_MAX_DEPTH 16
#define DEFAULT_MAX_STRING 8192
#define DEFAULT_MAX_ITEMS 10000
#define TREE_CHUNK_MAX ((size_t)1 << 20) /* an arena chunk for the tree */

/* The largest amount a fact may name: a trillion yuan is beyond any
 * disciplinary case; anything above is a typo or an attack on arithmetic. */
#define AMOUNT_MAX 1e12

/* Paths of known fields are short: the longest is
 * "subject.prior_sanctions[<20 digits>].decided_on". Paths the pre-scan
 * builds from unknown keys are longer and are truncated. */
#define AT_LEN 96
#define SCAN_PATH_LEN 320
#define SHOW_LEN 80 /* a value quoted in a message */

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Vocabularies the format fixes (DOMAIN.md). Violation codes and sanction
 * names are configurable data and are judged by intake, not here. */
static const char *const evidence_kinds[] = {
    "physical",          "documentary",       "witness_testimony",
    "victim_statement",  "subject_statement", "expert_opinion",
    "inspection_record", "audiovisual",       "electronic_data",
};
static const char *const disciplines[] = {
    "political", "organizational", "integrity", "mass", "work", "life",
};
static const char *const document_kinds[] = {
    "identity",      "filing_approval",          "investigation_report",
    "fact_material", "subject_written_response", "response_explanation",
    "transfer_form",
};
static const char *const sanction_systems[] = {"party", "gov"};

void sl_dossier_default_limits(sl_dossier_limits *l)
{
	l->max_bytes = DEFAULT_MAX_BYTES;
	l->max_depth = DEFAULT_MAX_DEPTH;
	l->max_string = DEFAULT_MAX_STRING;
	l->max_items = DEFAULT_MAX_ITEMS;
}

/*** small validators ***/

int sl_date_valid(const char *s)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30,
	                                        31, 31, 30, 31, 30, 31};
	if (!s)
		return 0;
	/* Stops at the first mismatch, so a short string is never read past
	 * its NUL. */
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] < '0' || s[i] > '9') {
			return 0;
		}
	}
	if (s[10])
		return 0;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	        (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static int ident_valid(const char *s, size_t max, int dot)
{
	size_t n = 0;
	if (!s)
		return 0;
	for (; s[n]; n++) {
		char ch = s[n];
		if (n >= max)
			return 0;
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		      (dot && ch == '.')))
			return 0;
	}
	return n > 0;
}

int sl_case_id_valid(const char *s)
{
	return ident_valid(s, SL_CASE_ID_MAX, 1);
}

int sl_agency_code_valid(const char *s)
{
	return ident_valid(s, SL_AGENCY_CODE_MAX, 0);
}

/*** messages ***/

/* Messages end up on a reviewer's terminal, and the text they quote comes
 * from the file: what is not shown as itself becomes '?' (text.h) and a
 * long value ends in "...". */
static char *clean(char *out, size_t cap, const char *s, size_t n)
{
	sl_text_sanitize_n(s, n, out, cap);
	return out;
}

static const char *show(char buf[SHOW_LEN], const char *s)
{
	return clean(buf, SHOW_LEN, s, strlen(s));
}

struct ctx {
	char name[SHOW_LEN];
	sl_dossier_limits lim;
	sl_dossier *d;
};

static sl_rc bad(const struct ctx *c, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record "name: at: problem" (or "name: problem" where there is no path). */
static sl_rc bad(const struct ctx *c, const char *at, const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (at && *at)
		return sl_error(SL_EINPUT, "%s: %s: %s", c->name, at, msg);
	return sl_error(SL_EINPUT, "%s: %s", c->name, msg);
}

static sl_rc oom(void)
{
	return sl_error(SL_ESYS, _("out of memory"));
}

static const char *type_name(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT: return _("object");
	case JSON_ARRAY: return _("list");
	case JSON_STRING: return _("string");
	case JSON_INTEGER: return _("integer");
	case JSON_REAL: return _("real number");
	case JSON_TRUE:
	case JSON_FALSE: return _("boolean");
	case JSON_NULL: break;
	}
	return _("null");
}

/* at + sep + part into buf[cap], cut short if need be. Not snprintf: the
 * parts are bounded by construction, and a truncated path still reads. */
static const char *path_cat(char *buf, size_t cap, const char *at,
                            const char *sep, const char *part)
{
	const char *src[3] = {at, sep, part};
	size_t o = 0;
	for (int k = 0; k < 3; k++) {
		size_t n = strlen(src[k]);
		if (n > cap - 1 - o)
			n = cap - 1 - o;
		memmove(buf + o, src[k], n);
		o += n;
	}
	buf[o] = 0;
	return buf;
}

static const char *path_key(char *buf, size_t cap, const char *at,
                            const char *key)
{
	return path_cat(buf, cap, at, *at ? "." : "", key);
}

static const char *path_idx(char *buf, size_t cap, const char *at, size_t i)
{
	char num[24];
	snprintf(num, sizeof num, "[%zu]", i);
	return path_cat(buf, cap, at, "", num);
}

/* "a, b, c" for a message that lists the allowed values. */
static const char *join(char *buf, size_t cap, const char *const *names,
                        size_t n)
{
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && o < cap; i++) {
		int w =
		    snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

/*** the pre-scan: bounds before jansson allocates anything ***/

/*
 * jansson would accept nesting up to 2048 levels and lists of any length,
 * allocating as it goes. One pass over the raw bytes (brackets inside
 * strings do not count; escapes are honoured) refuses both first, and
 * remembers for each open container enough to name the path where it
 * stopped. The same pass, stopped at the byte offset of a jansson error,
 * names the field that error is in. The bytes may be any garbage: the
 * scan never assumes they are valid JSON, it only needs to be exact when
 * they are.
 */
struct frame {
	unsigned char obj;      /* object, else list */
	unsigned char want_key; /* object: the next string is a key */
	unsigned char has_key;  /* object: key..key+keylen is the member */
	unsigned char open;     /* list: an element started since [ or , */
	size_t n;               /* members or elements so far */
	size_t key, keylen;     /* raw key bytes, between the quotes */
};

struct scan {
	struct frame f[SL_DOSSIER_DEPTH_CAP];
	size_t depth; /* containers open */
	size_t pos;   /* where the scan stopped */
	size_t str_start;
	unsigned char in_str, esc, in_key;
};

enum { SCAN_OK, SCAN_DEEP, SCAN_WIDE };

/* A value starts in container t (NULL: at the top). Nonzero if that makes
 * a list longer than max_items. Object members are counted at their key. */
static int scan_value(struct frame *t, size_t max_items)
{
	if (!t || t->obj || t->open)
		return 0;
	t->open = 1;
	return ++t->n > max_items;
}

/* Scan buf[0..end). With at_error, end is just past the token jansson
 * failed on; if that token closes a container, the container stays open,
 * so that "{"a": }" is reported at "a" and not at the top. */
static int scan(struct scan *s, const char *buf, size_t end, size_t max_depth,
                size_t max_items, int at_error)
{
	memset(s, 0, sizeof *s);
	if (max_depth > SL_DOSSIER_DEPTH_CAP)
		max_depth = SL_DOSSIER_DEPTH_CAP;
	for (size_t i = 0; i < end; i++) {
		unsigned char ch = (unsigned char)buf[i];
		struct frame *t = s->depth ? &s->f[s->depth - 1] : NULL;
		s->pos = i;
		if (s->in_str) {
			if (s->esc) {
				s->esc = 0;
				continue;
			}
			/* most of a dossier is inside strings: go to the
			 * next quote or backslash, not byte by byte */
			const char *q = memchr(buf + i, '"', end - i);
			size_t to = q ? (size_t)(q - buf) : end;
			const char *b = memchr(buf + i, '\\', to - i);
			if (b)
				to = (size_t)(b - buf);
			if (to == end)
				break;
			i = to;
			ch = (unsigned char)buf[i];
			s->pos = i;
			if (ch == '\\') {
				s->esc = 1;
			} else if (ch == '"') {
				s->in_str = 0;
				if (s->in_key && t) {
					t->key = s->str_start;
					t->keylen = i - s->str_start;
					t->has_key = 1;
				}
				s->in_key = 0;
			}
			continue;
		}
		switch (ch) {
		case ' ':
		case '\t':
		case '\n':
		case '\r':
		case ':': break;
		case ',':
			if (t) {
				t->open = 0;
				t->want_key = t->obj;
			}
			break;
		case '}':
		case ']':
			if (s->depth && !(at_error && i + 1 == end))
				s->depth--;
			break;
		case '"':
			s->in_str = 1;
			s->str_start = i + 1;
			if (t && t->obj && t->want_key) {
				t->want_key = 0;
				t->has_key = 0;
				s->in_key = 1;
				if (++t->n > max_items)
					return SCAN_WIDE;
			} else if (scan_value(t, max_items)) {
				return SCAN_WIDE;
			}
			break;
		case '{':
		case '[':
			if (scan_value(t, max_items))
				return SCAN_WIDE;
			if (s->depth >= max_depth)
				return SCAN_DEEP;
			t = &s->f[s->depth++];
			memset(t, 0, sizeof *t);
			t->obj = ch == '{';
			t->want_key = t->obj;
			break;
		default:
			if (scan_value(t, max_items))
				return SCAN_WIDE;
		}
	}
	s->pos = end;
	return SCAN_OK;
}

/* The path through the first nframes open containers: "x.y[3].z". */
static const char *scan_path(const struct scan *s, size_t nframes,
                             const char *buf, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = 0;
	for (size_t k = 0; k < nframes && k < s->depth; k++) {
		const struct frame *f = &s->f[k];
		char part[SHOW_LEN + 2];
		if (f->obj && f->has_key) {
			char key[SHOW_LEN];
			clean(key, sizeof key, buf + f->key, f->keylen);
			snprintf(part, sizeof part, "%s%s", o ? "." : "", key);
		} else if (!f->obj && f->n) {
			snprintf(part, sizeof part, "[%zu]", f->n - 1);
		} else {
			continue;
		}
		size_t pl = strlen(part);
		if (o + pl + 4 > cap) {
			memcpy(out + o, "...", 4);
			break;
		}
		memcpy(out + o, part, pl + 1);
		o += pl;
	}
	return out;
}

static size_t line_of(const char *buf, size_t pos)
{
	size_t line = 1;
	for (size_t i = 0; i < pos; i++)
		line += buf[i] == '\n';
	return line;
}

static sl_rc prescan(const struct ctx *c, const char *buf, size_t len)
{
	struct scan s;
	char at[SCAN_PATH_LEN];
	switch (scan(&s, buf, len, c->lim.max_depth, c->lim.max_items, 0)) {
	case SCAN_DEEP:
		scan_path(&s, s.depth, buf, at, sizeof at);
		return bad(c, *at ? at : _("top level"),
		           _("nested deeper than %zu levels (line %zu)"),
		           c->lim.max_depth, line_of(buf, s.pos));
	case SCAN_WIDE:
		/* the path of the container itself, not of its new member */
		scan_path(&s, s.depth - 1, buf, at, sizeof at);
		return bad(c, *at ? at : _("top level"),
		           s.f[s.depth - 1].obj
		               ? _("more than %zu members (line %zu)")
		               : _("more than %zu items (line %zu)"),
		           c->lim.max_items, line_of(buf, s.pos));
	}
	return SL_OK;
}

/* jansson refused the bytes: say why, in our words where we can, and
 * where, by running the pre-scan up to jansson's byte offset. */
static sl_rc load_error(const struct ctx *c, const char *buf, size_t len,
                        const json_error_t *e)
{
	struct scan s;
	char at[SCAN_PATH_LEN], text[JSON_ERROR_TEXT_LENGTH];
	size_t pos = e->position < 0 ? 0 : (size_t)e->position;
	if (pos > len)
		pos = len;
	scan(&s, buf, pos, c->lim.max_depth, SIZE_MAX, 1);
	scan_path(&s, s.depth, buf, at, sizeof at);
	/* the last byte of e->text holds the error code, not text */
	const char *nul = memchr(e->text, 0, sizeof e->text - 1);
	clean(text, sizeof text, e->text,
	      nul ? (size_t)(nul - e->text) : sizeof e->text - 1);
	int line = e->line, col = e->column;

	switch (json_error_code(e)) {
	case json_error_out_of_memory: return oom();
	case json_error_invalid_utf8:
		/* jansson counts columns by decoded character, and the bad
		 * one never was: it is the next */
		return bad(c, at, _("not valid UTF-8 (line %d, column %d)"),
		           line, col + 1);
	case json_error_duplicate_key:
		return bad(c, at, _("duplicate key (line %d, column %d)"), line,
		           col);
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return bad(c, at,
		           _("NUL character (\\u0000) in a string (line %d, "
		             "column %d)"),
		           line, col);
	case json_error_end_of_input_expected:
		return bad(
		    c, at,
		    _("trailing data after the top-level value (line %d, "
		      "column %d)"),
		    line, col);
	case json_error_premature_end_of_input:
		return bad(
		    c, at,
		    _("not valid JSON: unexpected end of input (line %d)"),
		    line);
	case json_error_numeric_overflow:
		return bad(c, at, _("number out of range (line %d, column %d)"),
		           line, col);
	case json_error_stack_overflow:
		return bad(c, at, _("nested too deeply (line %d, column %d)"),
		           line, col);
	default: break;
	}
	/* jansson has no code of its own for a bad surrogate escape */
	if (!strncmp(text, "invalid Unicode '", 17))
		return bad(c, at,
		           _("invalid \\u escape: lone or mismatched UTF-16 "
		             "surrogate (line %d, column %d)"),
		           line, col);
	char why[JSON_ERROR_TEXT_LENGTH + 64];
	return bad(c, at, _("not valid JSON: %s (line %d, column %d)"),
	           sl_json_why(e, why, sizeof why), line, col);
}

/*** typed getters: each names the field it complains about ***/

#define F_REQ 1      /* the field must be present */
#define F_NONEMPTY 2 /* "" is refused */
#define F_NULL 4     /* null is allowed, read as NULL */
/* an id or a reference to one: it must read as itself (text.h). A zero-
 * width space pasted into "F1" makes an id no one can type or see, and
 * every finding that names it unprintable. */
#define F_SHOWN 8

static sl_rc check_str(const struct ctx *c, const char *at, const json_t *v,
                       unsigned fl, size_t max, const char **out)
{
	if (!json_is_string(v))
		return bad(c, at, _("not a string (found %s)"), type_name(v));
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);
	if (!s)
		return bad(c, at, _("not a string (found %s)"), type_name(v));
	if (!n && (fl & F_NONEMPTY))
		return bad(c, at, _("empty string"));
	if (n > max)
		return bad(c, at, _("longer than %zu bytes (%zu)"), max, n);
	/* jansson refuses \u0000 without JSON_ALLOW_NUL; checked again
	 * because everything downstream treats these as C strings */
	if (strlen(s) != n)
		return bad(c, at, _("NUL character (\\u0000) in a string"));
	if ((fl & F_SHOWN) && !sl_text_safe(s, n))
		return bad(c, at,
		           _("an id with a character that is not shown as "
		             "itself (a control, invisible or direction "
		             "character)"));
	*out = s;
	return SL_OK;
}

static sl_rc get_str(const struct ctx *c, const json_t *o, const char *at,
                     const char *key, unsigned fl, size_t max, const char **out)
{
	char p[AT_LEN];
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	path_key(p, sizeof p, at, key);
	if (!v)
		return (fl & F_REQ) ? bad(c, p, _("missing")) : SL_OK;
	if (json_is_null(v) && (fl & F_NULL))
		return SL_OK;
	if ((fl & F_NULL) && !json_is_string(v))
		return bad(c, p, _("not a string or null (found %s)"),
		           type_name(v));
	return check_str(c, p, v, fl, max, out);
}

static sl_rc get_date(const struct ctx *c, const json_t *o, const char *at,
                      const char *key, unsigned fl, const char **out)
{
	char p[AT_LEN], v[SHOW_LEN];
	sl_rc rc = get_str(c, o, at, key, fl, SL_DOSSIER_SHORT_MAX, out);
	if (rc || !*out || sl_date_valid(*out))
		return rc;
	rc = bad(c, path_key(p, sizeof p, at, key),
	         _("'%s' is not a valid date (YYYY-MM-DD, a real day in "
	           "1900-2200)"),
	         show(v, *out));
	*out = NULL;
	return rc;
}

static sl_rc check_enum(const struct ctx *c, const char *at, const char *s,
                        const char *const *names, size_t n, size_t *idx)
{
	char v[SHOW_LEN], all[256];
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(s, names[i])) {
			if (idx)
				*idx = i;
			return SL_OK;
		}
	}
	return bad(c, at, _("unknown value '%s' (expected one of: %s)"),
	           show(v, s), join(all, sizeof all, names, n));
}

static sl_rc get_enum(const struct ctx *c, const json_t *o, const char *at,
                      const char *key, const char *const *names, size_t n,
                      const char **out)
{
	char p[AT_LEN];
	sl_rc rc = get_str(c, o, at, key, F_REQ | F_NONEMPTY,
	                   SL_DOSSIER_SHORT_MAX, out);
	if (rc)
		return rc;
	return check_enum(c, path_key(p, sizeof p, at, key), *out, names, n,
	                  NULL);
}

static sl_rc get_bool(const struct ctx *c, const json_t *o, const char *at,
                      const char *key, unsigned fl, int *out)
{
	char p[AT_LEN];
	const json_t *v = json_object_get(o, key);
	path_key(p, sizeof p, at, key);
	*out = 0;
	if (!v)
		return (fl & F_REQ) ? bad(c, p, _("missing")) : SL_OK;
	if (!json_is_boolean(v))
		return bad(c, p, _("not a boolean (found %s)"), type_name(v));
	*out = json_is_true(v);
	return SL_OK;
}

static sl_rc get_obj(const struct ctx *c, const json_t *o, const char *at,
                     const char *key, const json_t **out)
{
	char p[AT_LEN];
	const json_t *v = json_object_get(o, key);
	path_key(p, sizeof p, at, key);
	*out = NULL;
	if (!v)
		return bad(c, p, _("missing"));
	if (!json_is_object(v))
		return bad(c, p, _("not an object (found %s)"), type_name(v));
	*out = v;
	return SL_OK;
}

/* A list of at most max_items; an absent optional list reads as empty. */
static sl_rc get_list(const struct ctx *c, const json_t *o, const char *at,
                      const char *key, unsigned fl, const json_t **out,
                      size_t *n)
{
	char p[AT_LEN];
	const json_t *v = json_object_get(o, key);
	path_key(p, sizeof p, at, key);
	*out = NULL;
	*n = 0;
	if (!v)
		return (fl & F_REQ) ? bad(c, p, _("missing")) : SL_OK;
	if (!json_is_array(v))
		return bad(c, p, _("not a list (found %s)"), type_name(v));
	/* the pre-scan bounds every list; this guards the allocations
	 * below on their own */
	if (json_array_size(v) > c->lim.max_items)
		return bad(c, p, _("more than %zu items"), c->lim.max_items);
	*out = v;
	*n = json_array_size(v);
	return SL_OK;
}

/* Element i of list a (at list), which must be an object; at gets its path. */
static sl_rc list_obj(const struct ctx *c, const json_t *a, const char *list,
                      size_t i, char at[AT_LEN], const json_t **out)
{
	const json_t *v = json_array_get(a, i);
	path_idx(at, AT_LEN, list, i);
	*out = NULL;
	if (!json_is_object(v))
		return bad(c, at, _("not an object (found %s)"), type_name(v));
	*out = v;
	return SL_OK;
}

/* A list of short, non-empty strings; the array is stored in *out at once
 * so that sl_dossier_free() releases it whatever happens next. */
static sl_rc get_strlist(const struct ctx *c, const json_t *o, const char *at,
                         const char *key, unsigned fl, const char ***out,
                         size_t *nout)
{
	char p[AT_LEN], pi[AT_LEN];
	const json_t *a;
	size_t n;
	sl_rc rc = get_list(c, o, at, key, fl, &a, &n);
	if (rc || !n)
		return rc;
	const char **v = calloc(n, sizeof *v);
	if (!v)
		return oom();
	*out = v;
	*nout = n;
	path_key(p, sizeof p, at, key);
	for (size_t i = 0; i < n && !rc; i++)
		rc = check_str(
		    c, path_idx(pi, sizeof pi, p, i), json_array_get(a, i),
		    F_NONEMPTY | (fl & F_SHOWN), SL_DOSSIER_SHORT_MAX, &v[i]);
	return rc;
}

/*** ids: unique, and kept sorted for the lookups ***/

struct idref {
	const char *id;
	size_t i;
};

static int idref_cmp(const void *a, const void *b)
{
	const struct idref *x = a, *y = b;
	int r = strcmp(x->id, y->id);
	return r ? r : (x->i > y->i) - (x->i < y->i);
}

/* Sort refs[0..n) by id, refuse a repeated id (naming its first repeat in
 * document order) and keep the sorted order as the lookup index. */
static sl_rc index_ids(const struct ctx *c, const char *list,
                       struct idref *refs, size_t n, size_t **order)
{
	size_t dup = SIZE_MAX, first = 0;
	if (!n)
		return SL_OK;
	qsort(refs, n, sizeof *refs, idref_cmp);
	/* ties sort by position, so in a run of one id the second entry is
	 * its first repeat and the one before it the original */
	for (size_t k = 1; k < n; k++) {
		if (!strcmp(refs[k - 1].id, refs[k].id) && refs[k].i < dup) {
			dup = refs[k].i;
			first = refs[k - 1].i;
		}
	}
	if (dup != SIZE_MAX) {
		char at[AT_LEN], v[SHOW_LEN];
		const char *id = NULL;
		for (size_t k = 0; k < n && !id; k++)
			if (refs[k].i == dup)
				id = refs[k].id;
		snprintf(at, sizeof at, "%s[%zu].id", list, dup);
		return bad(c, at, _("duplicate id '%s' (first at %s[%zu])"),
		           show(v, id ? id : ""), list, first);
	}
	*order = calloc(n, sizeof **order);
	if (!*order)
		return oom();
	for (size_t k = 0; k < n; k++)
		(*order)[k] = refs[k].i;
	return SL_OK;
}

/* A ref (a finding's, an outline item's) names a fact or an evidence item
 * by its id alone: one id naming both would make it name either. */
static sl_rc ids_distinct(const struct ctx *c)
{
	const sl_dossier *d = c->d;
	for (size_t i = 0; i < d->n_evidence; i++)
		if (sl_dossier_find_fact(d, d->evidence[i].id)) {
			char at[AT_LEN], v[SHOW_LEN];
			snprintf(at, sizeof at, "evidence[%zu].id", i);
			return bad(c, at,
			           _("'%s' is a fact's id too: ids are unique "
			             "in the case"),
			           show(v, d->evidence[i].id));
		}
	return SL_OK;
}

/*** the sections of a dossier ***/

static sl_rc parse_head(const struct ctx *c, const json_t *root)
{
	sl_dossier *d = c->d;
	const char *fmt;
	char v[SHOW_LEN];
	sl_rc rc =
	    get_str(c, root, "", "format", F_REQ, SL_DOSSIER_SHORT_MAX, &fmt);
	if (rc)
		return rc;
	/* checked first: a later version may change everything below */
	if (strcmp(fmt, SL_DOSSIER_FORMAT))
		return bad(c, "format", _("'%s' is not %s"), show(v, fmt),
		           SL_DOSSIER_FORMAT);
	rc = get_str(c, root, "", "case_id", F_REQ, SL_DOSSIER_SHORT_MAX,
	             &d->case_id);
	if (!rc && !sl_case_id_valid(d->case_id))
		rc = bad(c, "case_id",
		         _("'%s' is not a case id (1-%d of A-Z a-z 0-9 . _ -)"),
		         show(v, d->case_id), SL_CASE_ID_MAX);
	if (!rc)
		rc = get_str(c, root, "", "agency", F_REQ, SL_DOSSIER_SHORT_MAX,
		             &d->agency);
	if (!rc && !sl_agency_code_valid(d->agency))
		rc = bad(c, "agency",
		         _("'%s' is not an agency code (1-%d of A-Z a-z 0-9 _ "
		           "-)"),
		         show(v, d->agency), SL_AGENCY_CODE_MAX);
	if (!rc)
		rc = get_date(c, root, "", "transferred_on", F_REQ,
		              &d->transferred_on);
	return rc;
}

static sl_rc parse_subject(const struct ctx *c, const json_t *root)
{
	sl_subject *s = &c->d->subject;
	const json_t *o, *a;
	size_t n;
	sl_rc rc = get_obj(c, root, "", "subject", &o);
	if (!rc)
		rc = get_str(c, o, "subject", "name", F_REQ | F_NONEMPTY,
		             SL_DOSSIER_SHORT_MAX, &s->name);
	if (!rc)
		rc = get_str(c, o, "subject", "person_id", F_REQ | F_NONEMPTY,
		             SL_DOSSIER_SHORT_MAX, &s->person_id);
	if (!rc)
		rc = get_bool(c, o, "subject", "party_member", F_REQ,
		              &s->party_member);
	if (!rc)
		rc = get_bool(c, o, "subject", "public_official", F_REQ,
		              &s->public_official);
	if (!rc)
		rc = get_str(c, o, "subject", "position", 0, c->lim.max_string,
		             &s->position);
	if (!rc)
		rc = get_str(c, o, "subject", "rank", 0, SL_DOSSIER_SHORT_MAX,
		             &s->rank);
	if (!rc)
		rc = get_list(c, o, "subject", "prior_sanctions", 0, &a, &n);
	if (rc || !n)
		return rc;
	s->prior = calloc(n, sizeof *s->prior);
	if (!s->prior)
		return oom();
	s->n_prior = n;
	for (size_t i = 0; i < n && !rc; i++) {
		sl_prior_sanction *p = &s->prior[i];
		char at[AT_LEN];
		rc = list_obj(c, a, "subject.prior_sanctions", i, at, &o);
		if (!rc)
			rc = get_enum(c, o, at, "system", sanction_systems,
			              N_OF(sanction_systems), &p->system);
		if (!rc)
			rc = get_str(c, o, at, "level", F_REQ | F_NONEMPTY,
			             SL_DOSSIER_SHORT_MAX, &p->level);
		if (!rc)
			rc = get_date(c, o, at, "decided_on", F_REQ,
			              &p->decided_on);
	}
	return rc;
}

static sl_rc parse_amount(const struct ctx *c, const json_t *o, const char *at,
                          sl_fact *f)
{
	char p[AT_LEN];
	const json_t *v = json_object_get(o, "amount_yuan");
	if (!v)
		return SL_OK;
	path_key(p, sizeof p, at, "amount_yuan");
	if (!json_is_number(v))
		return bad(c, p, _("not a number (found %s)"), type_name(v));
	double x = json_number_value(v);
	if (!(x >= 0))
		return bad(c, p, _("%.15g is negative"), x);
	if (x > AMOUNT_MAX)
		/* %.17g: a value just over the bound reads as over it */
		return bad(c, p, _("%.17g is more than %.0f"), x, AMOUNT_MAX);
	f->has_amount = 1;
	f->amount_yuan = x == 0 ? 0 : x; /* no -0 */
	return SL_OK;
}

static sl_rc parse_fact(const struct ctx *c, const json_t *o, const char *at,
                        sl_fact *f)
{
	sl_rc rc = get_str(c, o, at, "id", F_REQ | F_NONEMPTY | F_SHOWN,
	                   SL_DOSSIER_ID_MAX, &f->id);
	if (!rc)
		rc = get_str(c, o, at, "summary", F_REQ | F_NONEMPTY,
		             c->lim.max_string, &f->summary);
	/* a code; whether the rules vocabulary knows it is intake's call */
	if (!rc)
		rc = get_str(c, o, at, "violation", F_REQ | F_NONEMPTY,
		             SL_DOSSIER_SHORT_MAX, &f->violation);
	if (!rc)
		rc = get_date(c, o, at, "from", 0, &f->from);
	if (!rc)
		rc = get_date(c, o, at, "to", 0, &f->to);
	if (!rc && f->from && f->to && strcmp(f->from, f->to) > 0) {
		char p[AT_LEN];
		rc = bad(c, path_key(p, sizeof p, at, "from"),
		         _("%s is after to (%s)"), f->from, f->to);
	}
	if (!rc)
		rc = parse_amount(c, o, at, f);
	/* what the money was used for (free text, bounded like a summary)
	 * and whether the amount is the value of goods: both optional */
	if (!rc)
		rc = get_str(c, o, at, "use", F_NONEMPTY, c->lim.max_string,
		             &f->use);
	if (!rc)
		rc = get_bool(c, o, at, "in_kind", 0, &f->in_kind);
	/* references only: one that names no evidence is content, judged
	 * by the evidence check, not malformation */
	if (!rc)
		rc = get_strlist(c, o, at, "evidence", F_SHOWN, &f->evidence,
		                 &f->n_evidence);
	return rc;
}

static sl_rc parse_facts(const struct ctx *c, const json_t *root)
{
	sl_dossier *d = c->d;
	const json_t *a, *o;
	size_t n;
	sl_rc rc = get_list(c, root, "", "facts", F_REQ, &a, &n);
	if (rc)
		return rc;
	if (!n)
		return bad(c, "facts",
		           _("empty: a case has at least one fact"));
	d->facts = calloc(n, sizeof *d->facts);
	struct idref *refs = calloc(n, sizeof *refs);
	if (!d->facts || !refs) {
		free(refs);
		return oom();
	}
	d->n_facts = n;
	for (size_t i = 0; i < n && !rc; i++) {
		char at[AT_LEN];
		rc = list_obj(c, a, "facts", i, at, &o);
		if (!rc)
			rc = parse_fact(c, o, at, &d->facts[i]);
		refs[i] = (struct idref){d->facts[i].id, i};
	}
	if (!rc)
		rc = index_ids(c, "facts", refs, n, &d->fact_order);
	free(refs);
	return rc;
}

static sl_rc parse_evidence(const struct ctx *c, const json_t *root)
{
	sl_dossier *d = c->d;
	const json_t *a, *o;
	size_t n;
	sl_rc rc = get_list(c, root, "", "evidence", F_REQ, &a, &n);
	/* may be empty: a case without evidence is for the checks to judge */
	if (rc || !n)
		return rc;
	d->evidence = calloc(n, sizeof *d->evidence);
	struct idref *refs = calloc(n, sizeof *refs);
	if (!d->evidence || !refs) {
		free(refs);
		return oom();
	}
	d->n_evidence = n;
	for (size_t i = 0; i < n && !rc; i++) {
		sl_evidence *e = &d->evidence[i];
		char at[AT_LEN];
		rc = list_obj(c, a, "evidence", i, at, &o);
		if (!rc)
			rc = get_str(c, o, at, "id",
			             F_REQ | F_NONEMPTY | F_SHOWN,
			             SL_DOSSIER_ID_MAX, &e->id);
		if (!rc)
			rc = get_enum(c, o, at, "kind", evidence_kinds,
			              N_OF(evidence_kinds), &e->kind);
		if (!rc)
			rc = get_str(c, o, at, "title", F_REQ | F_NONEMPTY,
			             c->lim.max_string, &e->title);
		if (!rc)
			rc = get_date(c, o, at, "obtained_on", 0,
			              &e->obtained_on);
		if (!rc)
			rc = get_str(c, o, at, "source", 0, c->lim.max_string,
			             &e->source);
		if (!rc)
			rc = get_strlist(c, o, at, "tags", 0, &e->tags,
			                 &e->n_tags);
		refs[i] = (struct idref){e->id, i};
	}
	if (!rc)
		rc = index_ids(c, "evidence", refs, n, &d->evidence_order);
	free(refs);
	return rc;
}

static sl_rc parse_proposal(const struct ctx *c, const json_t *root)
{
	sl_proposal *p = &c->d->proposal;
	const json_t *o;
	char at[AT_LEN];
	sl_rc rc = get_obj(c, root, "", "proposal", &o);
	if (!rc)
		rc = get_strlist(c, o, "proposal", "disciplines", F_REQ,
		                 &p->disciplines, &p->n_disciplines);
	unsigned seen = 0;
	for (size_t i = 0; i < p->n_disciplines && !rc; i++) {
		size_t k = 0;
		path_idx(at, sizeof at, "proposal.disciplines", i);
		rc = check_enum(c, at, p->disciplines[i], disciplines,
		                N_OF(disciplines), &k);
		if (!rc && (seen & (1u << k)))
			rc = bad(c, at, _("'%s' is listed twice"),
			         p->disciplines[i]);
		seen |= 1u << k;
	}
	if (!rc)
		rc = get_bool(c, o, "proposal", "eight_point_rules", F_REQ,
		              &p->eight_point_rules);
	/* a ladder name or null; whether the ladder knows it is the checks'
	 * call */
	if (!rc)
		rc = get_str(c, o, "proposal", "party_sanction",
		             F_NULL | F_NONEMPTY, SL_DOSSIER_SHORT_MAX,
		             &p->party_sanction);
	if (!rc)
		rc = get_str(c, o, "proposal", "gov_sanction",
		             F_NULL | F_NONEMPTY, SL_DOSSIER_SHORT_MAX,
		             &p->gov_sanction);
	if (!rc) {
		const json_t *v = json_object_get(o, "form");
		if (!v)
			rc = bad(c, "proposal.form", _("missing"));
		else if (!json_is_integer(v))
			rc = bad(c, "proposal.form",
			         _("not an integer (found %s)"), type_name(v));
		else if (json_integer_value(v) < 1 || json_integer_value(v) > 4)
			rc = bad(c, "proposal.form",
			         _("%lld is not one of the four forms (1-4)"),
			         (long long)json_integer_value(v));
		else
			p->form = (int)json_integer_value(v);
	}
	if (!rc)
		rc = get_strlist(c, o, "proposal", "circumstances", 0,
		                 &p->circumstances, &p->n_circumstances);
	return rc;
}

static sl_rc parse_documents(const struct ctx *c, const json_t *root)
{
	sl_dossier *d = c->d;
	const json_t *a, *o;
	size_t n;
	sl_rc rc = get_list(c, root, "", "documents", F_REQ, &a, &n);
	/* may be empty: a missing document is a procedure finding */
	if (rc || !n)
		return rc;
	d->documents = calloc(n, sizeof *d->documents);
	if (!d->documents)
		return oom();
	d->n_documents = n;
	for (size_t i = 0; i < n && !rc; i++) {
		char at[AT_LEN];
		rc = list_obj(c, a, "documents", i, at, &o);
		if (!rc)
			rc = get_enum(c, o, at, "kind", document_kinds,
			              N_OF(document_kinds),
			              &d->documents[i].kind);
		if (!rc)
			rc = get_date(c, o, at, "date", F_REQ,
			              &d->documents[i].date);
	}
	return rc;
}

/* An outline item's number: 1 to 9 digits, no leading zero. */
static int item_valid(const char *s)
{
	size_t n = 0;
	if (s[0] < '1' || s[0] > '9')
		return 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return !s[n] && n <= 9;
}

static sl_rc parse_supplement(const struct ctx *c, const json_t *root)
{
	sl_dossier *d = c->d;
	const json_t *a, *o;
	size_t n;
	sl_rc rc = get_list(c, root, "", "supplement", 0, &a, &n);
	if (rc || !n)
		return rc;
	d->supplement = calloc(n, sizeof *d->supplement);
	if (!d->supplement)
		return oom();
	d->n_supplement = n;
	for (size_t i = 0; i < n && !rc; i++) {
		sl_supplement *s = &d->supplement[i];
		char at[AT_LEN], p[AT_LEN], v[SHOW_LEN];
		rc = list_obj(c, a, "supplement", i, at, &o);
		if (!rc)
			rc = get_str(c, o, at, "item", F_REQ | F_NONEMPTY,
			             SL_DOSSIER_SHORT_MAX, &s->item);
		if (!rc && !item_valid(s->item))
			rc = bad(c, path_key(p, sizeof p, at, "item"),
			         _("'%s' is not an outline item number (\"1\", "
			           "\"2\", ...)"),
			         show(v, s->item));
		if (!rc)
			rc = get_strlist(c, o, at, "evidence", F_SHOWN,
			                 &s->evidence, &s->n_evidence);
		if (!rc)
			rc = get_str(c, o, at, "note", 0, c->lim.max_string,
			             &s->note);
	}
	return rc;
}

/*** entry points ***/

static void ctx_init(struct ctx *c, const char *name,
                     const sl_dossier_limits *lim)
{
	sl_dossier_limits def;
	sl_dossier_default_limits(&def);
	c->lim = lim ? *lim : def;
	if (!c->lim.max_bytes)
		c->lim.max_bytes = def.max_bytes;
	if (!c->lim.max_depth)
		c->lim.max_depth = def.max_depth;
	if (!c->lim.max_string)
		c->lim.max_string = def.max_string;
	if (!c->lim.max_items)
		c->lim.max_items = def.max_items;
	if (c->lim.max_depth > SL_DOSSIER_DEPTH_CAP)
		c->lim.max_depth = SL_DOSSIER_DEPTH_CAP;
	if (!name)
		name = _("dossier");
	clean(c->name, sizeof c->name, name, strlen(name));
	c->d = NULL;
}

sl_rc sl_dossier_parse(const char *buf, size_t len, const char *name,
                       const sl_dossier_limits *lim, sl_dossier **out)
{
	struct ctx c;
	json_error_t jerr;
	sl_rc rc;

	if (!out)
		return sl_error(SL_EINPUT, _("internal: no place for the "
		                             "dossier"));
	*out = NULL;
	ctx_init(&c, name, lim);
	/* Size first, before a single byte is looked at. */
	if (len > c.lim.max_bytes)
		return bad(&c, NULL,
		           _("%zu bytes, more than the limit of %zu bytes"),
		           len, c.lim.max_bytes);
	if (!buf || !len)
		return bad(&c, NULL, _("empty: not a JSON object"));
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		return bad(&c, NULL,
		           _("starts with a byte-order mark; the format is "
		             "UTF-8 JSON without one"));
	rc = prescan(&c, buf, len);
	if (rc)
		return rc;

	sl_dossier *d = calloc(1, sizeof *d);
	if (!d)
		return oom();
	/* The tree is about eight times the text it came from (15 KiB for
	 * 1.9 KB, the demo docket's); one chunk holds a usual dossier's
	 * (jsonmem.h). */
	d->mem.chunk = len > TREE_CHUNK_MAX / 8
	                   ? TREE_CHUNK_MAX
	                   : (len * 8 + 1023) & ~(size_t)1023;
	/* DECODE_ANY so that a top-level scalar gets our message below;
	 * \u0000 stays refused (no JSON_ALLOW_NUL) and the EOF check refuses
	 * trailing data. */
	json_t *root = sl_jsonmem_loadb(
	    &d->mem, buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	d->root = root;
	if (!root)
		rc = load_error(&c, buf, len, &jerr);
	else if (!json_is_object(root))
		rc = bad(&c, _("top level"), _("not an object (found %s)"),
		         type_name(root));
	if (rc) {
		sl_dossier_free(d);
		return rc;
	}
	c.d = d;
	rc = parse_head(&c, root);
	if (!rc)
		rc = parse_subject(&c, root);
	if (!rc)
		rc = parse_facts(&c, root);
	if (!rc)
		rc = parse_evidence(&c, root);
	if (!rc)
		rc = ids_distinct(&c);
	if (!rc)
		rc = parse_proposal(&c, root);
	if (!rc)
		rc = parse_documents(&c, root);
	if (!rc)
		rc = parse_supplement(&c, root);
	if (rc) {
		sl_dossier_free(d);
		return rc;
	}
	*out = d;
	return SL_OK;
}

size_t sl_dossier_held(const sl_dossier *d)
{
	return d ? sl_arena_held(&d->mem) : 0;
}

void sl_dossier_free(sl_dossier *d)
{
	if (!d)
		return;
	free(d->subject.prior);
	for (size_t i = 0; i < d->n_facts; i++)
		free(d->facts[i].evidence);
	free(d->facts);
	for (size_t i = 0; i < d->n_evidence; i++)
		free(d->evidence[i].tags);
	free(d->evidence);
	free(d->documents);
	free(d->proposal.disciplines);
	free(d->proposal.circumstances);
	for (size_t i = 0; i < d->n_supplement; i++)
		free(d->supplement[i].evidence);
	free(d->supplement);
	free(d->fact_order);
	free(d->evidence_order);
	sl_arena_free(&d->mem); /* root and all below it */
	free(d);
}

/* Binary search through an order index for the item (of the given size,
 * its id member at off) whose id is id. */
static const void *find_id(const void *items, size_t size, size_t off,
                           const size_t *order, size_t n, const char *id)
{
	size_t lo = 0, hi = order && id ? n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *item = (const char *)items + order[mid] * size;
		int r = strcmp(id, *(const char *const *)(item + off));
		if (!r)
			return item;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const sl_evidence *sl_dossier_find_evidence(const sl_dossier *d, const char *id)
{
	if (!d)
		return NULL;
	return find_id(d->evidence, sizeof *d->evidence,
	               offsetof(sl_evidence, id), d->evidence_order,
	               d->n_evidence, id);
}

const sl_fact *sl_dossier_find_fact(const sl_dossier *d, const char *id)
{
	if (!d)
		return NULL;
	return find_id(d->facts, sizeof *d->facts, offsetof(sl_fact, id),
	               d->fact_order, d->n_facts, id);
}
