/*
 * webhttp.h - what webmain.c lends the pages of its other files
 * (webpage_lead.c, webpage_audit.c) to answer a request the way every page
 * answers: the same headers (CSP and the rest), the same 404 for a case
 * that cannot be seen as for one that does not exist, the same refusals,
 * and the body of a POST as it came (bounded; checked for its CSRF token
 * by the handler that reads it).
 */
#ifndef SHENLID_WEBHTTP_H
#define SHENLID_WEBHTTP_H

#include <microhttpd.h>
#include <stddef.h>

#include "webpage.h"
#include "websession.h"

/* What a connection has sent of its body so far. */
typedef struct {
	char *body;
	size_t len, cap;
	int too_big;
	size_t max; /* the bound of this request's body */
} sl_webreq;

/* The page h (freed) with status. */
enum MHD_Result sl_web_page(struct MHD_Connection *c, unsigned status,
                            sl_html *h);
/* A page that says one thing (s NULL: nobody signed in). */
enum MHD_Result sl_web_message(struct MHD_Connection *c, unsigned status,
                               const sl_websess *s, const char *title,
                               const char *text);
/* A text over the service's bound, refused before anything is sent: 400,
 * naming the form's box and its bound (SL_WEB_*_BYTES) in the form's
 * words. */
enum MHD_Result sl_web_too_long(struct MHD_Connection *c, const sl_websess *s,
                                const char *title, const char *box,
                                size_t bytes);
enum MHD_Result sl_web_redirect(struct MHD_Connection *c, const char *to);
/* A document the service made (a PDF), with the same headers as a page;
 * name: the file name a browser saves it as (made by the caller from a
 * checked id). */
enum MHD_Result sl_web_document(struct MHD_Connection *c, const char *type,
                                const unsigned char *body, size_t len,
                                const char *name);
/* The form's CSRF token (field csrf) is the session's. */
int sl_web_csrf_ok(const sl_websess *s, const sl_webreq *r);
enum MHD_Result sl_web_not_found(struct MHD_Connection *c, const sl_websess *s);
/* A run's outcome other than success (a lost session: to the sign-in). */
enum MHD_Result sl_web_failed(struct MHD_Connection *c, sl_websess *s, int rc);
/* A refused POST: nothing was done. */
enum MHD_Result sl_web_refused(struct MHD_Connection *c, const sl_websess *s);
/* The i-th value of name in an x-www-form-urlencoded body, decoded
 * (malloc'ed; NULL if there is none, it is malformed, or out of memory). */
char *sl_web_form(const sl_webreq *r, const char *name, size_t i, size_t *n);
/* Whether the body has an i-th field of name at all, whatever its value:
 * what tells a value sl_web_form could not decode (not UTF-8, a broken
 * escape) from one not sent, so that a page can name the field. */
int sl_web_form_sent(const sl_webreq *r, const char *name, size_t i);
/* A service's message (a run's stderr) as the pages say it: the
 * program's name ("shenli: ") off each line, the trailing newlines off,
 * and the command line's words (its options, "review run") put as the
 * pages' buttons and fields name them; the core's messages are the
 * command's and stay so. malloc'ed; NULL if out of memory. */
char *sl_web_said(const char *msg);
/* The same, cleaned and escaped into h (empty: dflt). */
void sl_html_said(sl_html *h, const char *msg, const char *dflt);
/* A page that says one thing: a service's message (empty: dflt). */
enum MHD_Result sl_web_said_message(struct MHD_Connection *c, unsigned status,
                                    const sl_websess *s, const char *title,
                                    const char *msg, const char *dflt);
/* A case id as a path may carry it: never an option ("-..."). */
int sl_web_id_ok(const char *id);

#endif
