/*
 * report.h - the review report (审理报告) and the supplement outline
 * (补查提纲) as documents: Markdown or self-contained HTML that prints on
 * A4.
 *
 * Both are built from the case view (signoff.h), the one source of truth
 * that the consistency scripts also see, plus the rules' Chinese names,
 * the audit head and, once signed off, the head the sign-off recorded.
 * Everything taken from the case is escaped for the output format.
 */
#ifndef SHENLI_REPORT_H
#define SHENLI_REPORT_H

#include <stddef.h>

#include "store.h"

/* The review report of a case, as a whole document. format "md" or
 * "html". Policy: the reader must be allowed to read the case
 * (SL_ACT_CASE_READ). *out is NUL-terminated; the caller frees it. */
sl_rc sl_report(sl_store *s, const char *case_id, const char *format,
                char **out, size_t *len);

/* A return's supplement outline as a document that can go back to the
 * agency; return_no 0 = the latest. SL_EINPUT if there is no such return. */
sl_rc sl_outline_document(sl_store *s, const char *case_id, int return_no,
                          const char *format, char **out, size_t *len);

#endif
