/*
 * doc_pdf.h - a document (doc.h) as an A4 PDF, rendered in-process with
 * cairo and pango, laid out as GB/T 9704-2012 lays out 公文:
 *   - 版心 156 x 225 mm at 天头 37 mm and 订口 28 mm; 22 lines of 28
 *     characters of 三号 (16 pt) 仿宋 for the body, each paragraph indented
 *     two characters;
 *   - 份号, 密级 and 紧急程度 on the first lines, the issuer in red 小标宋
 *     35 mm below the top of the 版心, the 发文字号 two lines below it and
 *     a red rule 4 mm under that; the title in 二号 (22 pt) 小标宋 two
 *     lines below the rule; 主送 a line below the title;
 *   - headings 一、 in 黑体, （一） in 楷体, 1. in 仿宋;
 *   - 附件说明, then 落款 and 成文日期 as for documents without a seal;
 *   - each annex on a new page, "附件N" in 黑体 on its first line, its
 *     title centred on the third;
 *   - 版记 at the foot of the last page between rules (抄送, 印发机关 and
 *     印发日期, 四号);
 *   - page numbers "— N —" in 四号 宋体 7 mm below the 版心, right on odd
 *     pages and left on even ones.
 * Tables repeat their header on each page; a row or paragraph taller than
 * the space left is split between lines. Fonts: for each role the first
 * family of the document's list that fontconfig knows; cairo embeds the
 * subsets used.
 *
 * Text is laid out as plain text (pango_layout_set_text, never markup),
 * left to right whatever its first strong character, each cell in its own
 * layout: nothing in it can add markup, flip the direction of a
 * paragraph, or spill out of its box.
 */
#ifndef SHENLI_DOC_PDF_H
#define SHENLI_DOC_PDF_H

#include "doc.h"

/* *out holds len bytes of PDF; the caller frees it. */
sl_rc sl_doc_pdf(const sl_doc *d, char **out, size_t *len);

#endif
