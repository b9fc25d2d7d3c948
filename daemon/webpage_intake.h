/*
 * webpage_intake.h - 受理 (intake), a leader's page: dossiers uploaded
 * from the browser (a multipart/form-data form: no script) go, as their
 * bytes, through the same `case import FILE...` the shenli command sends,
 * and each dossier's decision (受理 / 暂缓受理 / 不予受理) is shown with the
 * core's reasons (in Chinese: the English tags they end with for scripts
 * left off). Each file goes by the name the user uploaded it under
 * (cleaned, bounded; webmultipart.h), so that the service's message about
 * one of several says which. The upload is bounded by the dossier limit
 * (plus the form's own few lines): a larger one is refused before it is
 * read.
 */
#ifndef SHENLID_WEBPAGE_INTAKE_H
#define SHENLID_WEBPAGE_INTAKE_H

#include "webhttp.h"

/* The most a POST /intake may send. */
size_t sl_intake_body_max(void);
/* GET /intake: the upload form. */
enum MHD_Result sl_web_intake_form(struct MHD_Connection *c, sl_websess *s);
/* POST /intake: the upload, decided. */
enum MHD_Result sl_web_intake(struct MHD_Connection *c, sl_websess *s,
                              const sl_webreq *r);

#endif
