/*
 * doc_md.h - a document (doc.h) as Markdown.
 *
 * Every character of the document's text is escaped: the characters that
 * make inline markup, HTML or table cells are backslash-escaped, leading
 * list or heading markers of a line are escaped too, and the model holds
 * no line breaks, so no text can start a block of its own (heading, list,
 * quote, table row) or add markup.
 */
#ifndef SHENLI_DOC_MD_H
#define SHENLI_DOC_MD_H

#include "doc.h"

/* *out is NUL-terminated; the caller frees it. */
sl_rc sl_doc_md(const sl_doc *d, char **out, size_t *len);

#endif
