/*
 * doc.h - a document as Chinese official documents (公文, GB/T 9704-2012)
 * are made up: the frame (份号, 密级, 紧急程度, 发文机关标志, 发文字号,
 * 标题, 主送, 落款, 成文日期, 附注, 版记) and a body of numbered headings,
 * paragraphs and tables, followed by annexes (附件).
 *
 * The builders (report.c and the other documents) fill it from the case;
 * the renderers (doc_md.h, doc_html.h, doc_pdf.h) lay it out. The model
 * holds text only, never markup: every string is cleaned on the way in
 * (invalid UTF-8 becomes U+FFFD; control characters, line and paragraph
 * separators, and the bidirectional overrides, embeddings and isolates
 * are dropped or become a space), so a renderer gets plain characters
 * that cannot reorder or break a line, and escapes them for its format.
 * Text of any length is kept; renderers wrap it.
 */
#ifndef SHENLI_DOC_H
#define SHENLI_DOC_H

#include <stddef.h>

#include "err.h"

typedef enum {
	SL_DOC_COPY_NO,  /* 份号: six digits */
	SL_DOC_SECRECY,  /* 密级和保密期限: "机密★1年" */
	SL_DOC_URGENCY,  /* 紧急程度: "加急" */
	SL_DOC_ISSUER,   /* 发文机关标志: the panel's name */
	SL_DOC_NUMBER,   /* 发文字号: "厦纪审函〔2026〕　号" */
	SL_DOC_TITLE,    /* 标题 */
	SL_DOC_SUBTITLE, /* under the title: "（草稿）" */
	SL_DOC_TO,       /* 主送机关, without the colon */
	SL_DOC_SIGNER,   /* 发文机关署名 (落款) */
	SL_DOC_DATE,     /* 成文日期, as printed */
	SL_DOC_NOTE,     /* 附注, without the brackets */
	SL_DOC_CC, /* 抄送机关, "甲，乙" (the renderer adds "。") */
	SL_DOC_PRINTER,    /* 印发机关 */
	SL_DOC_PRINT_DATE, /* 印发日期, as printed ("2026年12月4日") */
	/* fontconfig family lists (comma-separated, the first installed
	 * wins; ":bold" after a name asks for its bold face) for the roles of
	 * GB/T 9704: 小标宋 the title and the issuer, 仿宋 the body, 黑体
	 * first-level headings and the 密级, 楷体 second-level headings, 宋体
	 * the page numbers */
	SL_DOC_FONT_XBS,
	SL_DOC_FONT_FANGSONG,
	SL_DOC_FONT_HEI,
	SL_DOC_FONT_KAI,
	SL_DOC_FONT_SONG,
	SL_DOC_NFIELDS
} sl_doc_field;

typedef enum {
	SL_BLK_H1,    /* "一、" 黑体 */
	SL_BLK_H2,    /* "（一）" 楷体 */
	SL_BLK_H3,    /* "1." 仿宋 */
	SL_BLK_PARA,  /* a paragraph, first line indented two characters */
	SL_BLK_ROW,   /* a table row (header rows have header set) */
	SL_BLK_ANNEX, /* an annex begins: "附件N" and its title (cell 0) */
} sl_blk_kind;

typedef struct {
	size_t off, len; /* into sl_doc_text() */
	int em;          /* emphasis: printed in 黑体 */
} sl_dspan;

typedef struct {
	size_t first, n; /* spans */
} sl_dcell;

typedef struct {
	size_t ncols;
	double weight[8]; /* relative column widths */
} sl_dtable;

typedef struct {
	sl_blk_kind kind;
	size_t first, n; /* cells; a heading or paragraph has one */
	size_t table;    /* rows: index of their table */
	int header;      /* rows: the table's header row */
	int no;          /* headings: their number; annexes: 1, 2, ... */
} sl_dblock;

typedef struct sl_doc sl_doc;

sl_doc *sl_doc_new(void);
void sl_doc_free(sl_doc *d);
/* Out of memory at some point: the renderers refuse such a document. */
int sl_doc_failed(const sl_doc *d);

/* Frame fields; NULL or "" = absent. */
void sl_doc_set(sl_doc *d, sl_doc_field f, const char *text);
const char *sl_doc_get(const sl_doc *d, sl_doc_field f); /* "" if absent */

/* Headings, numbered by the document (一、, （一）, 1.; each level starts
 * again under its parent and in each annex). */
void sl_doc_h1(sl_doc *d, const char *text);
void sl_doc_h2(sl_doc *d, const char *text);
void sl_doc_h3(sl_doc *d, const char *text);
/* A paragraph; text is added to it with sl_doc_put() until the next
 * block. */
void sl_doc_para(sl_doc *d);
/* One paragraph per line of text (reasoning written with line breaks). */
void sl_doc_paras(sl_doc *d, const char *text);

/* A table: heads[ncols] (1-8 columns) with relative widths, then rows of
 * cells, each filled with sl_doc_put(). */
void sl_doc_table(sl_doc *d, size_t ncols, const char *const *heads,
                  const double *weights);
void sl_doc_row(sl_doc *d);
void sl_doc_cell(sl_doc *d);
/* A whole row of plain cells. */
void sl_doc_rowv(sl_doc *d, const char *const *cells);

/* An annex with its title; what follows belongs to it. */
void sl_doc_annex(sl_doc *d, const char *title);

/* Text into the current paragraph, heading or cell. NULL puts "—". */
void sl_doc_put(sl_doc *d, const char *text);
void sl_doc_putf(sl_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Emphasised text (黑体). */
void sl_doc_em(sl_doc *d, const char *text);

/* Reading it back, for the renderers. */
const char *sl_doc_text(const sl_doc *d); /* the spans' characters */
size_t sl_doc_nblocks(const sl_doc *d);
const sl_dblock *sl_doc_block_at(const sl_doc *d, size_t i);
const sl_dcell *sl_doc_cell_at(const sl_doc *d, size_t i);
const sl_dspan *sl_doc_span_at(const sl_doc *d, size_t i);
const sl_dtable *sl_doc_table_at(const sl_doc *d, size_t i);
size_t sl_doc_nannexes(const sl_doc *d);
/* The plain text of cell i (its spans joined), into a new heap string. */
char *sl_doc_cell_plain(const sl_doc *d, size_t i);
/* The title of annex k (1-based), heap string. */
char *sl_doc_annex_title(const sl_doc *d, int k);

/* A growing output buffer for the renderers. */
typedef struct {
	char *p;
	size_t n, cap;
	int oom;
} sl_buf;
void sl_buf_add(sl_buf *b, const char *s, size_t n);
void sl_buf_str(sl_buf *b, const char *s);
/* Hand the buffer over (NUL-terminated) or SL_ESYS if it ran out. */
sl_rc sl_buf_finish(sl_buf *b, char **out, size_t *len);

#endif
