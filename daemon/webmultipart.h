/*
 * webmultipart.h - the bodies of the forms that upload files (受理, a
 * resubmission): multipart/form-data (RFC 7578), only what a browser sends
 * for such a form: parts with a name (and, for a file, a filename), no
 * nested parts; anything else is refused as malformed. The parts point
 * into the request's body (bounded by the handler before it is read).
 */
#ifndef SHENLID_WEBMULTIPART_H
#define SHENLID_WEBMULTIPART_H

#include <stddef.h>

#include "webhttp.h"

typedef struct {
	const char *name; /* in the part's headers, up to its '"' */
	size_t name_len;
	const char *data;
	size_t len;
	const char *file; /* its filename as sent (NULL: none), file_len */
	size_t file_len;
} sl_webpart;

/* The parts of r's body, at most max, into out: their number, -1 if the
 * body is not multipart/form-data or is malformed, SL_WEB_PARTS_TOO_MANY
 * if it has more than max parts. */
#define SL_WEB_PARTS_TOO_MANY (-2)
int sl_web_parts(struct MHD_Connection *c, const sl_webreq *r, sl_webpart *out,
                 int max);
/* The part is the form field name. */
int sl_web_part_named(const sl_webpart *p, const char *name);
/* The name of the file the user uploaded in part p, as the pages and
 * the service's messages may say it: its last path component, each
 * control character or byte not UTF-8 a '?', cut (marked "...") to fit
 * cap (at least 32), never one that reads as an option ("./" before a
 * "-"); a name of its own for a file sent without one. */
void sl_web_part_file(const sl_webpart *p, char *out, size_t cap);
/* The parts carry the session's CSRF token. */
int sl_web_parts_csrf(const sl_websess *s, const sl_webpart *ps, int n);

#endif
