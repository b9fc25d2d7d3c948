/*
 * webpage.h - the web front's pages: whole HTML documents in Chinese,
 * rendered on the server, with no script and no inline style (the one
 * style sheet is sl_page_css, served as /style.css).
 *
 * Every text that comes from the store (a dossier, a finding, a name) goes
 * through sl_text_clean first, so that a control, bidirectional override
 * or other invisible character is shown as U+FFFD (as the terminal
 * sanitiser marks it), and is then HTML-escaped. No link is made from
 * store text: the only links are to /case/ID, the id percent-encoded.
 */
#ifndef SHENLID_WEBPAGE_H
#define SHENLID_WEBPAGE_H

#include <jansson.h>
#include <stddef.h>

#include "websession.h"

typedef struct {
	char *buf;
	size_t len, cap;
	int oom; /* an append failed: the page is not whole */
} sl_html;

void sl_html_free(sl_html *h);

extern const char sl_page_css[];

/* The sign-in form; msg (NULL: none) says why the last one failed. */
void sl_page_login(sl_html *h, const char *csrf, const char *msg);
/* 我的待办: cases is a page of `case list --json` (page of them shown;
 * one more says there is a next page); paged: not the first page;
 * agencies (`agency list --json`; NULL: none) name the cases' agencies. */
void sl_page_queue(sl_html *h, const sl_websess *s, const json_t *cases,
                   const json_t *agencies, size_t page, int paged);
/* 案件阅卷: `case show --json`, `review findings --json`, and the
 * outlines of the case's returns in order (`review outline --json`);
 * team_users (NULL: none) the users of the 组成审理组 form
 * (webpage_lead.h); agencies and zones (`agency list --json`, `zone list
 * --json`; NULL: none) name the case's agency and zone. */
void sl_page_case(sl_html *h, const sl_websess *s, const json_t *show,
                  const json_t *findings, const json_t *outlines,
                  const json_t *team_users, const json_t *agencies,
                  const json_t *zones);
/* A page that says one thing (not found, refused, an error); s NULL
 * when nobody is signed in. */
void sl_page_message(sl_html *h, const sl_websess *s, const char *title,
                     const char *text);

/* For the pages of the other files (webpage_lead.c, webpage_audit.c):
 * the frame (head: the header and the <h1>; foot), markup this process
 * made (put, fmt), text from the store or the service (cleaned and
 * escaped) and a path segment (percent-encoded). */
void sl_html_head(sl_html *h, const sl_websess *s, const char *title);
void sl_html_foot(sl_html *h);
/* The head of a page of one case ("WHAT ID"), with the way back to it. */
void sl_html_case_head(sl_html *h, const sl_websess *s, const char *what,
                       const char *id);
void sl_html_put(sl_html *h, const char *s);
__attribute__((format(printf, 2, 3))) void sl_html_fmt(sl_html *h,
                                                       const char *f, ...);
void sl_html_text(sl_html *h, const char *s);
/* The same, its line ends kept (a textarea's text given back to it: the
 * cleaner would make each a space). */
void sl_html_lines(sl_html *h, const char *s);
/* The string at key k of a service's JSON object (NULL if none), and
 * whether two strings, either possibly NULL, are the same. */
const char *sl_jstr(const json_t *o, const char *k);
int sl_same(const char *a, const char *b);
void sl_html_url(sl_html *h, const char *s);
/* What an outline item cites (F1, E2, doc:KIND, subject), named as the
 * case page names it. */
void sl_html_ref(sl_html *h, const char *ref);
/* An intake's reason (case import, case show's intake_reasons) as the
 * pages say it: in Chinese, without the English tag the core adds for
 * scripts (" (unknown agency)"). */
void sl_html_reason(sl_html *h, const char *reason);
/* 移送单位意见: the agency's proposal in the dossier of show (`case show
 * --json`), its codes by the names show's labels give them; for the case
 * page, and the opinion page, where an opinion weighs it. */
void sl_html_proposal(sl_html *h, const json_t *show);
/* The name of an agency's or a zone's code in a listing (`agency list
 * --json`, `zone list --json`; NULL: none); the code where it has none. */
const char *sl_org_name(const json_t *list, const char *code);
/* The page of a signed-in admin's "/": what the role does, and the pages
 * it may open (an admin reads no case: the queue is not theirs). */
void sl_page_admin_home(sl_html *h, const sl_websess *s);

/* The service's bounds of a form's texts, in bytes of UTF-8 (opinions.c:
 * the reasoning, a dissent, the property; returns.c: an outline item, a
 * withdrawal's reason), and what a textarea's maxlength allows of one: a
 * browser counts UTF-16 units, each at most 3 bytes of UTF-8 (a Chinese
 * character 1 unit, 3 bytes; one beyond the BMP 2 units, 4 bytes; a line
 * end 1 unit, sent as CRLF), so a text within bytes / 3 units is always
 * within the bytes. A page checks the bytes too (a form is not bound by
 * its maxlength) before it sends anything. */
#define SL_WEB_REASON_BYTES 16384
#define SL_WEB_TEXT_BYTES 4096
#define SL_WEB_ITEM_BYTES 2000
#define SL_WEB_CHARS(bytes) ((bytes) / 3)

#endif
