/* webmultipart.c - multipart/form-data bodies (webmultipart.h). */
#define _GNU_SOURCE
#include "webmultipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <shenli/base.h>

/* The boundary of a Content-Type, into b ("--" before it); -1 if none. */
static int boundary_of(const char *type, char *b, size_t cap)
{
	if (!type || strncasecmp(type, "multipart/form-data", 19))
		return -1;
	const char *p = strcasestr(type, "boundary=");
	if (!p)
		return -1;
	p += 9;
	int q = *p == '"';
	p += q;
	size_t n = q ? strcspn(p, "\"") : strcspn(p, "; \t");
	if (!n || n > 70 || n + 3 > cap)
		return -1;
	snprintf(b, cap, "--%.*s", (int)n, p);
	return 0;
}

/* The filename of a part's headers (from after its name, q, to their
 * end), if it has one: as the browser sent it, up to its '"'. */
static void file_name(const char *q, const char *hend, sl_webpart *part)
{
	const char *f = memmem(q, (size_t)(hend - q), "filename=\"", 10);
	const char *e = f ? memchr(f + 10, '"', (size_t)(hend - f - 10)) : NULL;
	part->file = e ? f + 10 : NULL;
	part->file_len = e ? (size_t)(e - f - 10) : 0;
}

/* The parts of body, at most max; their number, or -1 if malformed. */
static int parts_of(const char *body, size_t len, const char *b,
                    sl_webpart *out, int max)
{
	size_t bl = strlen(b);
	const char *end = body + len;
	const char *p = memmem(body, len, b, bl);
	int n = 0;
	while (p) {
		p += bl;
		if (end - p >= 2 && !memcmp(p, "--", 2))
			return n; /* the closing delimiter */
		if (end - p < 2 || memcmp(p, "\r\n", 2))
			return -1;
		if (n == max)
			return SL_WEB_PARTS_TOO_MANY;
		p += 2;
		const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		const char *next =
		    hend ? memmem(hend, (size_t)(end - hend), b, bl) : NULL;
		if (!next || next - hend < 6)
			return -1;
		const char *nm = memmem(p, (size_t)(hend - p), "name=\"", 6);
		if (!nm)
			return -1;
		nm += 6;
		const char *q = memchr(nm, '"', (size_t)(hend - nm));
		if (!q)
			return -1;
		out[n].name = nm;
		out[n].name_len = (size_t)(q - nm);
		file_name(q, hend, &out[n]);
		out[n].data = hend + 4;
		out[n].len = (size_t)(next - 2 - out[n].data); /* its CRLF */
		n++;
		p = next;
	}
	return -1;
}

int sl_web_part_named(const sl_webpart *p, const char *name)
{
	return p->name_len == strlen(name) &&
	       !memcmp(p->name, name, p->name_len);
}

int sl_web_parts(struct MHD_Connection *c, const sl_webreq *r, sl_webpart *out,
                 int max)
{
	char b[80];
	return boundary_of(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                               "Content-Type"),
	                   b, sizeof b) == 0 &&
	               r->body
	           ? parts_of(r->body, r->len, b, out, max)
	           : -1;
}

int sl_web_parts_csrf(const sl_websess *s, const sl_webpart *ps, int n)
{
	for (int i = 0; i < n; i++)
		if (sl_web_part_named(&ps[i], "csrf")) {
			char tok[SL_WEB_ID_HEX + 1];
			snprintf(tok, sizeof tok, "%.*s",
			         (int)(ps[i].len < sizeof tok ? ps[i].len
			                                      : sizeof tok - 1),
			         ps[i].data);
			return ps[i].len == SL_WEB_ID_HEX &&
			       sl_websess_csrf_ok(s, tok);
		}
	return 0;
}

void sl_web_part_file(const sl_webpart *p, char *out, size_t cap)
{
	const char *f = p->file ? p->file : "";
	size_t n = p->file_len;
	/* a path some browsers send whole: its last part is the name */
	for (size_t i = n; i > 0; i--)
		if (f[i - 1] == '/' || f[i - 1] == '\\') {
			f += i;
			n -= i;
			break;
		}
	/* "./" before a name the command would take for an option */
	size_t pre = n && *f == '-' && cap > 3 ? 2 : 0;
	memcpy(out, "./", pre);
	sl_text_sanitize_n(f, n, out + pre, cap - pre);
	if (!out[pre])
		snprintf(out, cap, "%s", "（未命名文件）");
}
