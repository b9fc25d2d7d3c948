/*
 * report.h - the review report (审理报告) of a case as a 公文 (GB/T
 * 9704-2012): Markdown, self-contained HTML that prints on A4, or PDF.
 *
 * Built from the case view through casedoc.h: the subject, the
 * investigation, the facts with their evidence, classification and
 * sanction, the agency's proposal, the panel's opinion with any dissent
 * and the members' opinions, the findings and how each was resolved, and
 * the returns with their outlines; the audit heads and the signers' key
 * fingerprints in a verification annex. Everything taken from the case
 * is text in the document model and escaped by the renderer.
 */
#ifndef SHENLI_REPORT_H
#define SHENLI_REPORT_H

#include <stddef.h>

#include "doctemplate.h"
#include "store.h"

/* The review report of a case. format "md", "html" or "pdf"; tpl NULL:
 * the built-in template. Policy: the reader must be allowed to read the
 * case (SL_ACT_CASE_READ). *out is NUL-terminated (PDF: binary, len
 * bytes); the caller frees it. */
sl_rc sl_report(sl_store *s, const char *case_id, const char *format,
                const sl_doctemplate *tpl, char **out, size_t *len);

#endif
