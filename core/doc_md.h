/*
 * doc_md.h - a document (doc.h) as Markdown.
 *
 * Every character of the document's text is escaped: the characters that
 * make inline markup, HTML or table cells are backslash-escaped, leading
 * list or heading markers of a line are escaped too, and the model holds
 * no line breaks, so no text can start a block of its own (heading, list,
 * quote, table row) or add markup. Nor can it become a link under GFM's
 * autolinks: the ':' of "scheme://" and the '.' of "www." are escaped,
 * and an '@' not at the start of a line gets an empty HTML comment
 * ("<!-- -->") before it, the one piece of HTML the writer puts in the
 * text (an escape cannot stop an e-mail autolink).
 */
#ifndef SHENLI_DOC_MD_H
#define SHENLI_DOC_MD_H

#include "doc.h"

/* *out is NUL-terminated; the caller frees it. */
sl_rc sl_doc_md(const sl_doc *d, char **out, size_t *len);

#endif
