/*
 * doc_html.h - a document (doc.h) as one self-contained HTML file that
 * prints on A4 as GB/T 9704 lays a document out: 版心 156 x 225 mm with
 * 天头 37 mm and 订口 28 mm, title at 22 pt, body at 16 pt, headings in
 * 黑体 and 楷体, page numbers "— N —" where the browser supports page
 * margin boxes.
 *
 * Text is escaped (& < > " ' become entities); font family names are
 * quoted in CSS only if they hold nothing but letters, digits, blanks,
 * '-' and '_'. The file references nothing outside itself, and its
 * Content-Security-Policy forbids every fetch and every script.
 */
#ifndef SHENLI_DOC_HTML_H
#define SHENLI_DOC_HTML_H

#include "doc.h"

sl_rc sl_doc_html(const sl_doc *d, char **out, size_t *len);

#endif
