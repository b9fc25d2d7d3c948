/*
 * common.h - helpers shared by the built-in review plugins (evidence,
 * classification, procedure).
 *
 * Header-only on purpose: each plugin is one self-contained shared object
 * that the host dlopens, so there is no library to link them against, and
 * everything here is static (hidden) in each of them. Only the two symbols
 * of plugin.h are exported.
 *
 * The rules document is untrusted in the sense that an admin may install a
 * broken one: every reader below validates type, size and count, and a
 * plugin whose sections do not validate refuses to open (the host then
 * records a blocker naming it) rather than run on half-understood rules.
 */
#ifndef SHENLI_PLUGINS_COMMON_H
#define SHENLI_PLUGINS_COMMON_H

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/plugin.h>

#define PL_EXPORT __attribute__((visibility("default")))

/* The two symbols the host looks up. Declared here so that each plugin's
 * definitions have a prototype in scope (-Wmissing-prototypes). */
PL_EXPORT extern const int shenli_plugin_abi;
PL_EXPORT const shenli_dispatch *shenli_plugin_init(int host_abi);

#define PL_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Caps on what the rules may hold. Generous for a vocabulary that has ten
 * entries today; PL_MAX_VIOL is core/rules.c's own cap, so any document the
 * core accepts has a vocabulary the plugins accept too. */
#define PL_MAX_LIST 64   /* codes in one list */
#define PL_MAX_CODE 128  /* bytes of a code or a ladder name */
#define PL_MAX_TEXT 2048 /* bytes of a Chinese text from the rules */
#define PL_MAX_VIOL 4096
/* A finding's message or outline item: the longest rules text plus the
 * ids and names a plugin puts around it. */
#define PL_MSG (PL_MAX_TEXT + 1024)
#define PL_MAX_REFS 32 /* refs of one finding; more are left out */

/* ---- strings ------------------------------------------------------------ */

static inline int pl_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* An id or name for a message: "?" when absent (printf's %s must never
 * see NULL). */
static inline const char *pl_id(const char *s)
{
	return s ? s : "?";
}

static inline int pl_in(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (pl_eq(list[i], s))
			return 1;
	return 0;
}

/*
 * "YYYY-MM-DD" as the number YYYYMMDD, which orders like the date; -1 for
 * NULL or anything else. The dossier parser has already refused invalid
 * calendar dates, so a plain shape check is enough here: a date that does
 * not parse is skipped (no comparison), never guessed at.
 */
static inline long pl_date(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
	}
	if (s[10])
		return -1;
	long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	         (s[3] - '0');
	long m = (s[5] - '0') * 10 + (s[6] - '0');
	long d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return y * 10000 + m * 100 + d;
}

/* A date as 公文 write it in running text, "2021年3月2日" (GB/T 15835), in
 * buf: messages are shown to the reader as they are. Anything but an ISO
 * date is given back as it is (NULL as ""). */
#define PL_ZH_DATE_LEN 48 /* three ints and 年月日, with room to spare */
static inline const char *pl_zh_date(char buf[PL_ZH_DATE_LEN], const char *iso)
{
	long v = pl_date(iso);
	if (v < 0)
		return iso ? iso : "";
	snprintf(buf, PL_ZH_DATE_LEN, "%d年%d月%d日", (int)(v / 10000),
	         (int)(v / 100 % 100), (int)(v % 100));
	return buf;
}

/* ---- a bounded text buffer that never splits a UTF-8 character ---------- */

typedef struct {
	char *p;
	size_t n, cap; /* cap >= 1 */
} pl_buf;

static inline void pl_buf_init(pl_buf *b, char *mem, size_t cap)
{
	b->p = mem;
	b->n = 0;
	b->cap = cap;
	mem[0] = '\0';
}

/* Cut a trailing incomplete UTF-8 sequence left by truncation. (Input is
 * valid UTF-8: jansson checked the rules, the dossier parser the case.) */
static inline void pl_utf8_trim(pl_buf *b)
{
	size_t i = b->n, cont = 0;
	while (i > 0 && cont < 3 &&
	       ((unsigned char)b->p[i - 1] & 0xC0) == 0x80) {
		i--;
		cont++;
	}
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)b->p[i - 1];
	size_t need = lead >= 0xF0   ? 3
	              : lead >= 0xE0 ? 2
	              : lead >= 0xC0 ? 1
	                             : 0;
	if (need > cont) {
		b->n = i - 1;
		b->p[b->n] = '\0';
	}
}

__attribute__((format(printf, 2, 3))) static inline void
pl_printf(pl_buf *b, const char *fmt, ...)
{
	size_t room = b->cap - b->n;
	if (room <= 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(b->p + b->n, room, fmt, ap);
	va_end(ap);
	if (k < 0) {
		b->p[b->n] = '\0';
		return;
	}
	if ((size_t)k >= room) {
		b->n = b->cap - 1;
		pl_utf8_trim(b);
	} else {
		b->n += (size_t)k;
	}
}

static inline void pl_puts(pl_buf *b, const char *s)
{
	pl_printf(b, "%s", s ? s : "");
}

/* ---- amounts of money ---------------------------------------------------- */

/* Past this many fen (1e16 yuan, 10,000 times the dossier's bound on one
 * amount) an amount or a sum is taken as this: a band's "from" that high
 * is out of reach, and a sum of many amounts cannot overflow. */
#define PL_FEN_MAX 1000000000000000000LL

/* yuan in whole fen (分), rounded half up from the shortest decimal that
 * reads back as the same double, as core/zhtext.c rounds every amount a
 * person reads: 12345.675 is 1234568 fen though the double is a little
 * under. Amounts are added and compared with band boundaries in fen, never
 * as doubles: 51610.03 + 52660.02 + 15729.95 is 119999.99999999999 as
 * doubles and 12000000 fen exactly. Negative (and NaN) is -1. */
static inline long long pl_fen(double yuan)
{
	if (!(yuan >= 0))
		return -1;
	if (yuan >= 1e16)
		return PL_FEN_MAX;
	char s[40], dig[24];
	int nd = 0, point = -1, n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		char *end;
		n = snprintf(s, sizeof s, "%.*g", prec, yuan);
		if (n < 0 || (size_t)n >= sizeof s)
			return -1; /* cannot happen for a finite double */
		if (strtod(s, &end) == yuan && !*end)
			break;
	}
	const char *p = s;
	for (; *p && *p != 'e' && *p != 'E'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd < (int)sizeof dig)
				dig[nd++] = *p;
		} else {
			/* the decimal point (or a locale's comma) */
			point = nd;
		}
	}
	if (point < 0)
		point = nd;
	if (*p)
		point += atoi(p + 1);
	/* the value is 0.dig x 10^point: its first point + 2 digits are whole
	 * fen (at most 18 below 1e16 yuan), the next one rounds */
	int keep = point + 2;
	long long fen = 0;
	for (int i = 0; i < keep; i++)
		fen = fen * 10 + (i < nd ? dig[i] - '0' : 0);
	if (keep >= 0 && keep < nd && dig[keep] >= '5')
		fen++;
	return fen;
}

/* a + b fen, saturating at PL_FEN_MAX (both are 0..PL_FEN_MAX). */
static inline long long pl_fen_add(long long a, long long b)
{
	return a > PL_FEN_MAX - b ? PL_FEN_MAX : a + b;
}

/* An amount the way dossiers write it: "3600元", "8.6万元", "12.5元",
 * rounded to the fen as pl_fen rounds it. */
static inline void pl_amount(pl_buf *b, double yuan)
{
	if (!(yuan >= 0) || yuan > 1e15) {
		pl_printf(b, "%g元", yuan);
		return;
	}
	long long fen = pl_fen(yuan);
	if (fen % 100) {
		pl_printf(b, "%lld.%02lld元", fen / 100, fen % 100);
		return;
	}
	long long y = fen / 100;
	if (y < 10000) {
		pl_printf(b, "%lld元", y);
		return;
	}
	long long frac = y % 10000;
	if (!frac) {
		pl_printf(b, "%lld万元", y / 10000);
		return;
	}
	char t[8];
	snprintf(t, sizeof t, "%04lld", frac);
	size_t n = 4;
	while (n > 0 && t[n - 1] == '0')
		n--;
	t[n] = '\0';
	pl_printf(b, "%lld.%s万元", y / 10000, t);
}

/* ---- findings ----------------------------------------------------------- */

/* A small list of refs for one finding; past PL_MAX_REFS they are dropped
 * (the message still names the subject of the finding). */
typedef struct {
	const char *v[PL_MAX_REFS];
	size_t n;
} pl_refs;

static inline void pl_ref(pl_refs *r, const char *id)
{
	if (!id || r->n >= PL_MAX_REFS)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i], id))
			return;
	r->v[r->n++] = id;
}

/* The longest ref the host keeps (core/review.c: a longer one makes the
 * finding malformed). */
#define PL_MAX_REF 64

/* The refs that name documents of kinds[0..n): "doc:KIND", as everything
 * else names a document (the outline's --ref doc:KIND, core/returns.c;
 * the report, the outline and the return letter then say 材料：<its name
 * in the rules>, where a bare kind would show as a code; a finding's
 * return --from-finding CODE@doc:KIND picks it). A kind too long for a ref
 * gets NULL, which pl_ref leaves out: the message names the document. One
 * allocation, built when the rules are read (refs point into it while the
 * findings are emitted); free() it. NULL if out of memory. */
static inline const char **pl_doc_refs(const char *const *kinds, size_t n)
{
	size_t bytes = (n + 1) * sizeof(char *);
	for (size_t i = 0; i < n; i++)
		bytes += sizeof "doc:" + strlen(kinds[i]);
	char **v = malloc(bytes);
	if (!v)
		return NULL;
	char *p = (char *)(v + n + 1);
	for (size_t i = 0; i < n; i++) {
		size_t len = sizeof "doc:" + strlen(kinds[i]); /* with NUL */
		snprintf(p, len, "doc:%s", kinds[i]);
		v[i] = len - 1 <= PL_MAX_REF ? p : NULL;
		p += len;
	}
	v[n] = NULL;
	return (const char **)v;
}

static inline void pl_emit(shenli_emitter *e, shenli_emit_fn emit,
                           const char *standard, shenli_severity sev,
                           const char *code, const char *msg,
                           const pl_refs *refs, const char *outline)
{
	shenli_finding f = {
	    .standard = standard,
	    .severity = sev,
	    .code = code,
	    .message = msg,
	    .refs = refs ? refs->v : NULL,
	    .n_refs = refs ? refs->n : 0,
	    .outline_item = outline && *outline ? outline : NULL,
	};
	emit(e, &f);
}

/* ---- reading the rules -------------------------------------------------- */

/* Parse the rules document; NULL unless it is a JSON object. */
static inline json_t *pl_load(const char *buf, size_t len)
{
	if (!buf || len > (1u << 20)) /* core's SL_RULES_MAX_BYTES */
		return NULL;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	if (root && !json_is_object(root)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* A non-empty string of at most max bytes, or NULL. */
static inline const char *pl_str(json_t *v, size_t max)
{
	const char *s = json_string_value(v);
	if (!s || !*s || json_string_length(v) > max ||
	    strlen(s) != json_string_length(v)) /* no embedded NUL */
		return NULL;
	return s;
}

/* A list of distinct codes (non-empty strings) into out[max]; -1 if a is
 * not such a list. An absent list (a == NULL) is empty when optional. */
static inline int pl_codes(json_t *a, int optional, const char **out,
                           size_t max, size_t *n)
{
	*n = 0;
	if (!a && optional)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > max)
		return -1;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *s = pl_str(json_array_get(a, i), PL_MAX_CODE);
		if (!s || pl_in(out, *n, s))
			return -1;
		out[(*n)++] = s;
	}
	return 0;
}

/* An integer field in [lo, hi]; def when absent and optional. */
static inline int pl_int(json_t *o, const char *key, int optional, int def,
                         int lo, int hi, int *out)
{
	json_t *v = json_object_get(o, key);
	if (!v && optional) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return -1;
	*out = (int)json_integer_value(v);
	return 0;
}

/* A boolean field, false when absent. */
static inline int pl_bool(json_t *o, const char *key, int *out)
{
	json_t *v = json_object_get(o, key);
	if (!v) {
		*out = 0;
		return 0;
	}
	if (!json_is_boolean(v))
		return -1;
	*out = json_is_true(v);
	return 0;
}

static inline int pl_severity(const char *s, shenli_severity *out)
{
	if (pl_eq(s, "blocker"))
		*out = SHENLI_BLOCKER;
	else if (pl_eq(s, "warning"))
		*out = SHENLI_WARNING;
	else if (pl_eq(s, "note"))
		*out = SHENLI_NOTE;
	else
		return -1;
	return 0;
}

/* ---- lookup by code ----------------------------------------------------- */

/* A sorted index of codes (violation codes, evidence ids) for bsearch: the
 * vocabulary may hold thousands of entries and a dossier thousands of
 * facts, so a per-fact linear scan is not good enough in the worst case. */
typedef struct {
	const char *code;
	size_t idx;
} pl_key;

static inline int pl_key_cmp(const void *a, const void *b)
{
	return strcmp(((const pl_key *)a)->code, ((const pl_key *)b)->code);
}

/* -1 when absent (or code is NULL). */
static inline long pl_key_find(const pl_key *k, size_t n, const char *code)
{
	if (!code || !n)
		return -1;
	pl_key want = {code, 0};
	const pl_key *hit = bsearch(&want, k, n, sizeof *k, pl_key_cmp);
	return hit ? (long)hit->idx : -1;
}

/* ---- the violation vocabulary, shared by evidence and classification ---- */

/* The six disciplines of the 纪律处分条例 (2023). The case format pins these
 * codes (proposal.disciplines is "a list of the six"), so they are not
 * rules data; a function rather than a table so that a plugin that does not
 * use it gets no unused-variable warning. */
#define PL_N_DISC 6
static inline const char *pl_disc_code(int i)
{
	static const char *const c[PL_N_DISC] = {
	    "political", "organizational", "integrity", "mass", "work", "life"};
	return i >= 0 && i < PL_N_DISC ? c[i] : NULL;
}

static inline const char *pl_disc_zh(int i)
{
	static const char *const z[PL_N_DISC] = {"政治纪律", "组织纪律",
	                                         "廉洁纪律", "群众纪律",
	                                         "工作纪律", "生活纪律"};
	return i >= 0 && i < PL_N_DISC ? z[i] : "";
}

static inline int pl_disc_index(const char *code)
{
	for (int i = 0; i < PL_N_DISC; i++)
		if (pl_eq(pl_disc_code(i), code))
			return i;
	return -1;
}

typedef struct {
	const char *code, *zh;
	int disc;        /* index of the six */
	int eight;       /* 1 yes, 0 no, -1 depends on use */
	int use_matters; /* a stated use of the money needs proof */
} pl_violation;

typedef struct {
	pl_violation *v;
	pl_key *keys; /* sorted by code */
	size_t n;
} pl_vocab;

static inline void pl_vocab_free(pl_vocab *vo)
{
	free(vo->v);
	free(vo->keys);
	vo->v = NULL;
	vo->keys = NULL;
	vo->n = 0;
}

/* The "violations" section, validated as core/rules.c does. Strings point
 * into root. -1 if malformed or out of memory. */
static inline int pl_vocab_load(json_t *root, pl_vocab *vo)
{
	json_t *o = json_object_get(root, "violations");
	size_t n = json_object_size(o);
	vo->v = NULL;
	vo->keys = NULL;
	vo->n = 0;
	if (!json_is_object(o) || n == 0 || n > PL_MAX_VIOL)
		return -1;
	vo->v = calloc(n, sizeof *vo->v);
	vo->keys = calloc(n, sizeof *vo->keys);
	if (!vo->v || !vo->keys)
		goto fail;
	const char *code;
	json_t *e;
	json_object_foreach(o, code, e)
	{
		const char *zh = pl_str(json_object_get(e, "zh"), PL_MAX_TEXT);
		int d = pl_disc_index(
		    json_string_value(json_object_get(e, "discipline")));
		const char *ep =
		    json_string_value(json_object_get(e, "eight_point"));
		int eight = pl_eq(ep, "yes")       ? 1
		            : pl_eq(ep, "no")      ? 0
		            : pl_eq(ep, "depends") ? -1
		                                   : -2;
		int use;
		if (!*code || strlen(code) > PL_MAX_CODE || !zh || d < 0 ||
		    eight == -2 || pl_bool(e, "use_matters", &use))
			goto fail;
		vo->v[vo->n] = (pl_violation){code, zh, d, eight, use};
		vo->keys[vo->n] = (pl_key){code, vo->n};
		vo->n++;
	}
	qsort(vo->keys, vo->n, sizeof *vo->keys, pl_key_cmp);
	return 0;
fail:
	pl_vocab_free(vo);
	return -1;
}

static inline long pl_vocab_find(const pl_vocab *vo, const char *code)
{
	return pl_key_find(vo->keys, vo->n, code);
}

/* ---- a code -> Chinese name table ("documents", "evidence_kinds") ------- */

typedef struct {
	const char *code[PL_MAX_LIST], *zh[PL_MAX_LIST];
	size_t n;
} pl_names;

/* Optional section: absent is an empty table; present must be an object of
 * at most PL_MAX_LIST non-empty strings. */
static inline int pl_names_load(json_t *root, const char *section, pl_names *t)
{
	json_t *o = json_object_get(root, section);
	t->n = 0;
	if (!o)
		return 0;
	if (!json_is_object(o) || json_object_size(o) > PL_MAX_LIST)
		return -1;
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		const char *zh = pl_str(v, PL_MAX_TEXT);
		if (!zh)
			return -1;
		t->code[t->n] = k;
		t->zh[t->n] = zh;
		t->n++;
	}
	return 0;
}

/* The Chinese name, or the code itself when the table lacks it. */
static inline const char *pl_name(const pl_names *t, const char *code)
{
	for (size_t i = 0; i < t->n; i++)
		if (pl_eq(t->code[i], code))
			return t->zh[i];
	return code ? code : "?";
}

#endif
