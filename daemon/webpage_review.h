/*
 * webpage_review.h - the case's review actions in the browser: the checks
 * run (运行审查), 退回补查 (a leader composes the supplement outline from
 * the checks' suggestions, the open items carried from the last return and
 * items of their own, previews it as the numbered outline and confirms),
 * the withdrawal of an open item with a reason, and the agency's
 * resubmission uploaded (补充材料).
 *
 * The web front decides nothing: each form becomes the argv the shenli
 * command sends (`review run`, `review return`, `review withdraw`, `case
 * resubmit`), each value one word of it, and the service's answer, or its
 * refusal in Chinese, is shown as it gives it. The preview is the
 * service's own `review return --dry-run`: what is confirmed is exactly
 * what was previewed, sent again with the same values. 重新编辑 posts the
 * form's values as they were typed back to it, and a refused outline
 * comes back filled the same way, an item the service names by number
 * numbered as the preview numbers it. A case the rules allow no further
 * return is told so (the service's refusal of a dry run) before any form.
 */
#ifndef SHENLID_WEBPAGE_REVIEW_H
#define SHENLID_WEBPAGE_REVIEW_H

#include <jansson.h>

#include "webcall.h"
#include "webhttp.h"

/* The actions of the case page, for the user's role and the case's state
 * (`case show --json`; outlines as sl_page_case has them). */
void sl_page_case_actions(sl_html *h, const sl_websess *s, const json_t *show,
                          const json_t *outlines);

/* GET /case/ID/return: the composing form. */
enum MHD_Result sl_web_return_form(struct MHD_Connection *c, sl_websess *s,
                                   const char *id);
/* POST /case/ID/return (action=preview|confirm), /case/ID/withdraw,
 * /case/ID/run; /case/ID/resubmit (multipart: the dossier file). */
enum MHD_Result sl_web_return(struct MHD_Connection *c, sl_websess *s,
                              const char *id, const sl_webreq *r);
enum MHD_Result sl_web_withdraw(struct MHD_Connection *c, sl_websess *s,
                                const char *id, const sl_webreq *r);
enum MHD_Result sl_web_run(struct MHD_Connection *c, sl_websess *s,
                           const char *id, const sl_webreq *r);
enum MHD_Result sl_web_resubmit(struct MHD_Connection *c, sl_websess *s,
                                const char *id, const sl_webreq *r);
/* GET /case/ID/outline.pdf: the return letter with the outline (公文). */
enum MHD_Result sl_web_outline_pdf(struct MHD_Connection *c, sl_websess *s,
                                   const char *id);

/* For the other pages of a case: the case as its user may see it
 * (`case show --json` in *show), else the response already queued in
 * *res (the same 404 for a case not visible as for none). */
int sl_web_case_visible(struct MHD_Connection *c, sl_websess *s, const char *id,
                        json_t **show, enum MHD_Result *res);
/* A POST about a case: 1 if it carries the session's CSRF token and the
 * case is one the user may see; else 0 with the response queued in *res
 * (refused; the same 404 as for no case). */
int sl_web_case_post(struct MHD_Connection *c, sl_websess *s, const char *id,
                     const sl_webreq *r, enum MHD_Result *res);
/* A command's outcome for a case page: to /case/ID+next when it did what
 * was asked (exit 0, or 1 too when ran1: a run whose checks found
 * blockers), else the service's refusal (title) or the failure. Frees
 * out. */
enum MHD_Result sl_web_case_after(struct MHD_Connection *c, sl_websess *s,
                                  const char *id, const char *next,
                                  sl_webcall_res *out, int ran1,
                                  const char *title);
/* The PDF a command (av) prints, as a document named name; the same 404
 * as for no case when there is none or it is not the user's. */
enum MHD_Result sl_web_case_pdf(struct MHD_Connection *c, sl_websess *s,
                                const char *const *av, const char *name);
/* The service refused what was posted: its message, nothing changed, and
 * the way back to the case. */
enum MHD_Result sl_web_case_refusal(struct MHD_Connection *c,
                                    const sl_websess *s, int rc,
                                    const char *title, const char *id,
                                    const char *msg);

#endif
