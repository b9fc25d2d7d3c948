/* osacct.c - the OS account an audit entry records. See osacct.h. */
#define _GNU_SOURCE
#include "osacct.h"

#include <errno.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

/* getpwuid_r's buffer grows to this at most: a passwd line longer than
 * this is not an account anyone reads in a log */
#define PW_BUF_MAX (1 << 20)

void sl_osacct_resolve(uid_t uid, sl_os_account *out)
{
	out->uid = (int64_t)uid;
	out->user[0] = 0;
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t cap = hint > 0 && hint < PW_BUF_MAX ? (size_t)hint : 4096;
	for (;;) {
		char *buf = malloc(cap);
		struct passwd pw, *res = NULL;
		if (!buf)
			return; /* the uid alone: still the kernel's number */
		int e = getpwuid_r(uid, &pw, buf, cap, &res);
		if (!e && res && res->pw_name)
			/* NSS may answer with anything (LDAP, sssd): bounded
			 * and printable before it goes into a signed entry */
			sl_text_sanitize(res->pw_name, out->user,
			                 sizeof out->user);
		free(buf);
		if (e != ERANGE || cap >= PW_BUF_MAX)
			return;
		cap *= 2;
	}
}

json_t *sl_osacct_json(const sl_os_account *a)
{
	json_t *o = json_pack("{s:I}", "uid", (json_int_t)a->uid);
	if (o && a->user[0] &&
	    json_object_set_new(o, "user", json_string(a->user))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* An account read from an entry, as sl_osacct_json writes one: a uid in
 * range and a name (n bytes, has_user: "user" was there) that is not
 * empty, not too long and safe to print. 1 and *out filled, else -1. The
 * one judgement of both readers below, parsed and scanned. */
static int os_take(uint64_t uid, const char *user, size_t n, int has_user,
                   sl_os_account *out)
{
	if (uid > UINT32_MAX || n > SL_OS_USER_MAX || (has_user && !n) ||
	    !sl_text_safe(user, n))
		return -1;
	out->uid = (int64_t)uid;
	memcpy(out->user, user, n);
	out->user[n] = 0;
	return 1;
}

int sl_osacct_from_details(const json_t *details, sl_os_account *out)
{
	json_t *os = json_object_get(details, "os");
	if (!os)
		return 0;
	json_t *uid = json_object_get(os, "uid"),
	       *user = json_object_get(os, "user");
	if (!json_is_object(os) || !json_is_integer(uid) ||
	    json_object_size(os) != 1u + (user != NULL) ||
	    json_integer_value(uid) < 0)
		return -1;
	const char *u = user ? json_string_value(user) : "";
	size_t n = user ? json_string_length(user) : 0;
	if (!u || strlen(u) != n) /* not a string, or one with a NUL */
		return -1;
	return os_take((uint64_t)json_integer_value(uid), u, n, user != NULL,
	               out);
}

/* ---- the "os" of details as stored text ---------------------------------
 *
 * audit log shows every entry's OS account, and parsing each entry's whole
 * details for it was 70% of listing a log of a million entries (6 us an
 * entry, most of it jansson building objects nobody reads). So the stored
 * text is scanned, without building anything, for its top-level "os"
 * member, and only that value is parsed. The answer must be jansson's on
 * the whole text, whatever the text (a tampered entry is still listed):
 * the scan accepts only what jansson accepts, and whatever it is not sure
 * of - an escape \u, a number jansson could refuse as too large, nesting
 * deeper than it follows, text that is not UTF-8 - sends the whole text to
 * jansson as before.
 */

enum { SCAN_BAD = -1, SCAN_UNSURE = -2 };

#define SCAN_DEPTH 32

static const char *scan_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* What a scan met that decides whether it can answer alone. */
typedef struct {
	int unsure; /* only jansson can say: \u, a large number, depth */
	int wide;   /* a byte past ASCII: the text's UTF-8 is checked */
} scan_st;

/* p at '"': past the string; NULL if malformed. */
static const char *scan_string(const char *p, scan_st *k)
{
	for (p++;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c < 0x20) /* the end of the text, or a raw control */
			return NULL;
		if (c >= 0x80)
			k->wide = 1;
		if (c == '\\') {
			c = (unsigned char)*++p;
			/* \u0000 and surrogates are jansson's to judge */
			if (c == 'u')
				k->unsure = 1;
			else if (!strchr("\"\\/bfnrt", c) || !c)
				return NULL;
		}
	}
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number as JSON writes it; an exponent, or more digits than an
 * integer jansson holds, is unsure (it may refuse it as too large). */
static const char *scan_number(const char *p, scan_st *k)
{
	const char *d;
	if (*p == '-')
		p++;
	d = p;
	if (*p == '0')
		p++;
	else if (digit(*p))
		while (digit(*p))
			p++;
	else
		return NULL;
	if (p - d > 18)
		k->unsure = 1;
	if (*p == '.') {
		if (!digit(*++p))
			return NULL;
		while (digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E')
		k->unsure = 1;
	return p;
}

static const char *scan_value(const char *p, int depth, scan_st *k);

/* p at '{' or '[': past the matching close. */
static const char *scan_nested(const char *p, int depth, scan_st *k)
{
	char close = *p == '{' ? '}' : ']';
	int object = close == '}';
	if (depth >= SCAN_DEPTH) {
		k->unsure = 1;
		return NULL;
	}
	p = scan_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			if (*p != '"' || !(p = scan_string(p, k)))
				return NULL;
			p = scan_ws(p);
			if (*p++ != ':')
				return NULL;
			p = scan_ws(p);
		}
		if (!(p = scan_value(p, depth + 1, k)))
			return NULL;
		p = scan_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = scan_ws(p);
	}
}

static const char *scan_value(const char *p, int depth, scan_st *k)
{
	switch (*p) {
	case '"': return scan_string(p, k);
	case '{':
	case '[': return scan_nested(p, depth, k);
	case 't': return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f': return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n': return strncmp(p, "null", 4) ? NULL : p + 4;
	default: return scan_number(p, k);
	}
}

/* The last top-level "os" member's value in text (*v, *n), as jansson
 * keeps the last of a repeated key: 1 found, 0 none, SCAN_BAD if jansson
 * would not take the text for an object, SCAN_UNSURE if only jansson can
 * say. */
static int scan_os(const char *text, const char **v, size_t *n)
{
	scan_st k = {0, 0};
	int found = 0;
	const char *p = scan_ws(text);
	if (*p != '{')
		return SCAN_BAD;
	p = scan_ws(p + 1);
	/* p becomes NULL at anything that is not JSON */
	while (p && *p != '}') {
		const char *key = p;
		if (*p != '"' || !(p = scan_string(p, &k)))
			p = NULL;
		else if (*(p = scan_ws(p)) != ':')
			p = NULL;
		else {
			int is_os = p - key >= 4 && !memcmp(key, "\"os\"", 4) &&
			            scan_ws(key + 4) == p;
			const char *val = scan_ws(p + 1);
			if ((p = scan_value(val, 1, &k)) && is_os) {
				found = 1;
				*v = val;
				*n = (size_t)(p - val);
			}
		}
		if (p && *(p = scan_ws(p)) == ',') {
			p = scan_ws(p + 1);
			if (*p == '}')
				p = NULL; /* a comma before the end */
		} else if (p && *p != '}') {
			p = NULL;
		}
	}
	/* bytes past ASCII stand only in strings (anywhere else the scan
	 * stops): text that is not UTF-8 jansson refuses whole */
	if (k.unsure || (k.wide && !sl_utf8_valid(text, strlen(text))))
		return SCAN_UNSURE;
	return p && *p == '}' && !*scan_ws(p + 1) ? found : SCAN_BAD;
}

/* The value as sl_audit writes it, {"uid":N} or {"uid":N,"user":"NAME"}
 * with nothing escaped in NAME, read as sl_osacct_from_details would
 * read it: 1 or -1; 0 if it is written any other way (jansson reads it
 * then). */
static int os_canonical(const char *v, size_t n, sl_os_account *out)
{
	static const char UID[] = "{\"uid\":", USER[] = ",\"user\":\"";
	const char *p = v, *end = v + n;
	if (n < sizeof UID || memcmp(p, UID, sizeof UID - 1))
		return 0;
	p += sizeof UID - 1;
	const char *d = p;
	uint64_t uid = 0;
	while (p < end && *p >= '0' && *p <= '9' && p - d < 11)
		uid = uid * 10 + (uint64_t)(*p++ - '0');
	if (p == d || p - d > 10 || (*d == '0' && p - d > 1))
		return 0;
	const char *user = "";
	size_t ulen = 0;
	int has_user = end - p >= (ptrdiff_t)sizeof USER &&
	               !memcmp(p, USER, sizeof USER - 1);
	if (has_user) {
		user = p += sizeof USER - 1;
		while (p < end && *p != '"' && *p != '\\')
			p++;
		if (p >= end || *p != '"')
			return 0;
		ulen = (size_t)(p++ - user);
	}
	if (end - p != 1 || *p != '}')
		return 0;
	return os_take(uid, user, ulen, has_user, out);
}

int sl_osacct_from_text(const char *details, sl_os_account *out)
{
	const char *v = NULL;
	size_t n = 0;
	json_error_t err;
	if (!details) /* as json_loads answers it */
		return 0;
	int r = scan_os(details, &v, &n);
	if (r == 0 || r == SCAN_BAD)
		return 0;
	if (r == SCAN_UNSURE) {
		json_t *d = json_loads(details, 0, &err);
		r = json_is_object(d) ? sl_osacct_from_details(d, out) : 0;
		json_decref(d);
		return r;
	}
	if ((r = os_canonical(v, n, out)))
		return r;
	/* the value alone, under the key sl_osacct_from_details reads */
	json_t *os = json_loadb(v, n, JSON_DECODE_ANY, &err),
	       *d = os ? json_object() : NULL;
	r = d && !json_object_set_new(d, "os", os)
	        ? sl_osacct_from_details(d, out)
	        : 0;
	if (!d)
		json_decref(os);
	json_decref(d);
	return r;
}
