/*
 * webpage_signoff.h - 签发 (sign-off), a leader's page: each installed
 * consistency script's result on the case (`script run NAME ID --json`:
 * 通过 / 未通过 with its findings), then the sign-off itself (`review
 * signoff`, which runs them again and refuses if one fails: the page's
 * results are for reading, the service's are the authority); when they
 * fail on a deliberated case, the way to correct the panel's opinion
 * (webpage_opinion.h) or to return the case. Once signed
 * off, the review report (审理报告) and the panel's review opinion
 * (审理意见) open as PDFs on A4, ready to print (`report --format pdf`).
 */
#ifndef SHENLID_WEBPAGE_SIGNOFF_H
#define SHENLID_WEBPAGE_SIGNOFF_H

#include "webhttp.h"

/* GET /case/ID/signoff. */
enum MHD_Result sl_web_signoff_page(struct MHD_Connection *c, sl_websess *s,
                                    const char *id);
/* POST /case/ID/signoff. */
enum MHD_Result sl_web_signoff(struct MHD_Connection *c, sl_websess *s,
                               const char *id, const sl_webreq *r);
/* GET /case/ID/report.pdf, /case/ID/opinion.pdf. */
enum MHD_Result sl_web_report_pdf(struct MHD_Connection *c, sl_websess *s,
                                  const char *id, int opinion);

#endif
