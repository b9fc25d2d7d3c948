/* doc_pdf.c - a document as PDF with cairo and pango. See doc_pdf.h. */
#define _GNU_SOURCE /* memmem */
#include "doc_pdf.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <limits.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the page (GB/T 9704-2012, 5.2) -------------------------------------- */

#define MM(x) ((x)*72.0 / 25.4)
#define PAGE_W MM(210)
#define PAGE_H MM(297)
#define X0 MM(28) /* 订口 */
#define Y0 MM(37) /* 天头 */
#define W MM(156) /* 版心 */
#define H MM(225)
#define BOTTOM (Y0 + H)
#define P (H / 22)       /* 22 lines */
#define CH (W / 28)      /* 28 characters */
#define BODY 16.0        /* 三号 */
#define TITLE 22.0       /* 二号 */
#define SMALL 14.0       /* 四号: 版记, page numbers */
#define TABLE 12.0       /* 小四: tables */
#define TP (TABLE * 1.5) /* a table line */
#define PAD 3.0          /* inside a table cell */

enum { R_XBS, R_FANGSONG, R_HEI, R_KAI, R_SONG, R_N };

typedef struct {
	char family[128];
	int bold;
} face;

typedef struct {
	int role;
	double size, pitch, letter;
	PangoAlignment align;
	double indent; /* first line; negative: hanging */
	int justify;
	int red;
} style;

typedef struct {
	PangoLayoutLine *line;
	double x, ascent, height, pitch;
} lineinfo;

/* One cell of a row (a paragraph is a row of one cell without borders). */
typedef struct {
	PangoLayout *lay;
	lineinfo *ln;
	int n, at;
	double x, w;
} cbox;

typedef struct {
	const sl_doc *d;
	cairo_t *cr;
	PangoFontMap *fm;
	PangoContext *ctx;
	face f[R_N];
	double y;
	double top; /* where this page's text begins: Y0, or under a
	               repeated table header */
	int page;
	/* the current table's header, repeated on each page */
	cbox *hdr;
	int nhdr;
	/* a table's header was just drawn: the row under it is split rather
	 * than moved, so that the header never ends a page */
	int after_hdr;
	/* The body's units (a line of a heading or paragraph, a piece of a
	 * table row), counted as they are drawn, so that the 落款 can take
	 * the body's last lines with it (closing()). */
	int counting;
	int keep;    /* the units drawn now must stay with the next */
	long nunits; /* units drawn so far */
	long brk;    /* a new page before this unit (-1: none) */
	long want;   /* the break the 落款 asks for (-1: none) */
	unsigned char *unit;
	size_t ucap;
	int oom;
} pdf;

/* what is known of a unit */
#define U_KEEP 1 /* a heading's or a table header's: stays with the next */
#define U_TOP 2  /* the first on its page */

static const sl_doc_field FONT_FIELD[R_N] = {
    SL_DOC_FONT_XBS, SL_DOC_FONT_FANGSONG, SL_DOC_FONT_HEI, SL_DOC_FONT_KAI,
    SL_DOC_FONT_SONG};
static const char *const FALLBACK[R_N] = {
    "Noto Serif CJK SC", "Noto Serif CJK SC", "Noto Sans CJK SC",
    "AR PL UKai CN", "Noto Serif CJK SC"};

/* For each role the first family of its list that fontconfig has; if it
 * has none of them, the last (fontconfig then substitutes). */
static void resolve_fonts(pdf *p)
{
	PangoFontFamily **fams = NULL;
	int nf = 0;
	pango_font_map_list_families(p->fm, &fams, &nf);
	for (int r = 0; r < R_N; r++) {
		const char *list = sl_doc_get(p->d, FONT_FIELD[r]);
		if (!*list)
			list = FALLBACK[r];
		face chosen = {{0}, 0};
		const char *s = list;
		while (*s) {
			size_t n = strcspn(s, ",");
			face c = {{0}, 0};
			size_t e = n;
			if (e > 5 && !memcmp(s + e - 5, ":bold", 5)) {
				e -= 5;
				c.bold = 1;
			}
			if (e < sizeof c.family) {
				memcpy(c.family, s, e);
				c.family[e] = 0;
				chosen = c;
				int found = 0;
				for (int i = 0; i < nf && !found; i++)
					found = !g_ascii_strcasecmp(
					    pango_font_family_get_name(fams[i]),
					    c.family);
				if (found)
					break;
			}
			s += n;
			if (*s)
				s++;
		}
		if (!chosen.family[0])
			snprintf(chosen.family, sizeof chosen.family, "%s",
			         FALLBACK[r]);
		p->f[r] = chosen;
	}
	g_free(fams);
}

static PangoFontDescription *font_of(const pdf *p, int role, double size)
{
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, p->f[role].family);
	pango_font_description_set_weight(
	    fd, p->f[role].bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	return fd;
}

/* A layout of text (spans: em ranges set in 黑体) at width. Plain text,
 * never markup; always left to right. */
static PangoLayout *layout(pdf *p, const char *text, size_t len,
                           const sl_dspan *spans, size_t nspans, size_t base,
                           const style *st, double width)
{
	PangoLayout *lay = pango_layout_new(p->ctx);
	pango_layout_set_auto_dir(lay, FALSE);
	PangoFontDescription *fd = font_of(p, st->role, st->size);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lay,
	                       width < 0 ? -1 : (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(lay, st->align);
	pango_layout_set_justify(lay, st->justify);
	pango_layout_set_indent(lay, (int)(st->indent * PANGO_SCALE));
	pango_layout_set_text(lay, text, (int)len);
	PangoAttrList *al = pango_attr_list_new();
	/* a line broken inside a word gets no hyphen: a hash or an id
	 * must read exactly as it is */
	pango_attr_list_insert(al, pango_attr_insert_hyphens_new(FALSE));
	if (st->letter != 0) {
		PangoAttribute *a = pango_attr_letter_spacing_new(
		    (int)(st->letter * PANGO_SCALE));
		pango_attr_list_insert(al, a);
	}
	for (size_t i = 0; i < nspans; i++) {
		if (!spans[i].em)
			continue;
		PangoFontDescription *hd = font_of(p, R_HEI, st->size);
		PangoAttribute *a = pango_attr_font_desc_new(hd);
		pango_font_description_free(hd);
		a->start_index = (guint)(spans[i].off - base);
		a->end_index = (guint)(spans[i].off - base + spans[i].len);
		pango_attr_list_insert(al, a);
	}
	pango_layout_set_attributes(lay, al);
	pango_attr_list_unref(al);
	return lay;
}

/* The lines of a layout, each with its own pitch: the style's, or more
 * for a line whose font is taller. */
static int lines_of(pdf *p, cbox *c, const style *st)
{
	int n = pango_layout_get_line_count(c->lay);
	c->ln = calloc(n > 0 ? (size_t)n : 1, sizeof *c->ln);
	if (!c->ln) {
		p->oom = 1;
		return -1;
	}
	PangoLayoutIter *it = pango_layout_get_iter(c->lay);
	int i = 0;
	do {
		PangoRectangle lg;
		pango_layout_iter_get_line_extents(it, NULL, &lg);
		int base = pango_layout_iter_get_baseline(it);
		lineinfo *l = &c->ln[i];
		l->line = pango_layout_iter_get_line_readonly(it);
		l->x = (double)lg.x / PANGO_SCALE;
		l->ascent = (double)(base - lg.y) / PANGO_SCALE;
		l->height = (double)lg.height / PANGO_SCALE;
		l->pitch = l->height > st->pitch ? l->height : st->pitch;
		i++;
	} while (i < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	c->n = i;
	c->at = 0;
	return 0;
}

static void cbox_free(cbox *c)
{
	if (c->lay)
		g_object_unref(c->lay);
	free(c->ln);
	memset(c, 0, sizeof *c);
}

static void set_color(pdf *p, int red)
{
	if (red)
		cairo_set_source_rgb(p->cr, 0.8, 0, 0);
	else
		cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void draw_line(pdf *p, const cbox *c, const lineinfo *l, double top,
                      int red)
{
	set_color(p, red);
	cairo_move_to(p->cr, c->x + l->x,
	              top + (l->pitch - l->height) / 2 + l->ascent);
	pango_cairo_show_layout_line(p->cr, l->line);
}

/* ---- pages -------------------------------------------------------------- */

/* "— N —": 四号 宋体 half-width digits between two 一字线, half an em apart
 * (a half-width space of 宋体, drawn as a gap so that text extraction sees
 * the three apart); the dashes 7 mm below the 版心; odd pages right, even
 * pages left, one character in (GB/T 9704 7.5). */
static void page_number(pdf *p)
{
	style st = {R_SONG, SMALL, SMALL, 0, PANGO_ALIGN_LEFT, 0, 0, 0};
	char num[16];
	snprintf(num, sizeof num, "%d", p->page);
	const char *part[3] = {"—", num, "—"};
	PangoLayout *lay[3];
	double w[3], gap = SMALL / 2, total = 2 * gap, base = 0;
	for (int i = 0; i < 3; i++) {
		lay[i] =
		    layout(p, part[i], strlen(part[i]), NULL, 0, 0, &st, -1);
		PangoRectangle lg;
		pango_layout_get_extents(lay[i], NULL, &lg);
		w[i] = (double)lg.width / PANGO_SCALE;
		total += w[i];
		base = (double)pango_layout_get_baseline(lay[i]) / PANGO_SCALE;
	}
	double x = p->page % 2 ? X0 + W - SMALL - total : X0 + SMALL;
	double y = BOTTOM + MM(7) + SMALL * 0.35 - base;
	set_color(p, 0);
	for (int i = 0; i < 3; i++) {
		cairo_move_to(p->cr, x, y);
		pango_cairo_show_layout(p->cr, lay[i]);
		x += w[i] + gap;
		g_object_unref(lay[i]);
	}
}

static void new_page(pdf *p)
{
	page_number(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = Y0;
	p->top = Y0;
}

/* ---- rows of cells ------------------------------------------------------ */

static double rest_of(const cbox *c)
{
	double h = 0;
	for (int i = c->at; i < c->n; i++)
		h += c->ln[i].pitch;
	return h;
}

static void borders(pdf *p, const cbox *c, int n, double top, double h)
{
	set_color(p, 0);
	cairo_set_line_width(p->cr, 0.5);
	for (int i = 0; i < n; i++)
		cairo_rectangle(p->cr, c[i].x - PAD, top, c[i].w + 2 * PAD, h);
	cairo_stroke(p->cr);
}

static void flow(pdf *p, cbox *c, int n, int table, int red);

static void repeat_header(pdf *p)
{
	if (!p->hdr)
		return;
	cbox *h = p->hdr;
	int counting = p->counting, keep = p->keep;
	p->hdr = NULL;   /* drawing the header must not repeat it */
	p->counting = 0; /* nor count as the body's: it is no line of it */
	for (int i = 0; i < p->nhdr; i++)
		h[i].at = 0;
	flow(p, h, p->nhdr, 1, 0);
	p->hdr = h;
	p->counting = counting;
	p->keep = keep;
	p->top = p->y;
	p->after_hdr = 1;
}

/* A unit of the body was drawn at y: note whether it must stay with the
 * next and whether it begins its page. */
static void unit(pdf *p, double y)
{
	if (!p->counting)
		return;
	if ((size_t)p->nunits == p->ucap) {
		size_t cap = p->ucap ? 2 * p->ucap : 256;
		unsigned char *u = realloc(p->unit, cap);
		if (!u) {
			p->oom = 1;
			return;
		}
		p->unit = u;
		p->ucap = cap;
	}
	p->unit[p->nunits++] =
	    (unsigned char)((p->keep ? U_KEEP : 0) |
	                    (y <= p->top + 0.01 ? U_TOP : 0));
}

/* The break the 落款 asked for is due before the next unit: 1 if a new
 * page is to begin (it is spent either way). */
static int forced(pdf *p)
{
	if (!p->counting || p->brk < 0 || p->nunits != p->brk)
		return 0;
	p->brk = -1;
	return p->y > p->top + 0.01;
}

/* How many lines of a paragraph or heading may be drawn before the break
 * the 落款 asked for; LONG_MAX if none is due. */
static long lines_before_break(const pdf *p)
{
	return p->counting && p->brk > p->nunits ? p->brk - p->nunits
	                                         : LONG_MAX;
}

/* The rest of every cell, here, need high. */
static void draw_whole(pdf *p, cbox *c, int n, int table, int red, double need)
{
	double pad = table ? PAD : 0;
	for (int i = 0; i < n; i++) {
		double top = p->y + pad;
		for (int k = c[i].at; k < c[i].n; k++) {
			if (!table)
				unit(p, top);
			draw_line(p, &c[i], &c[i].ln[k], top, red);
			top += c[i].ln[k].pitch;
		}
		c[i].at = c[i].n;
	}
	if (table) {
		unit(p, p->y);
		borders(p, c, n, p->y, need);
	}
	p->y += need;
	p->after_hdr = 0;
}

/* Of each cell as many lines as fit in avail (and at most cap of a
 * paragraph's); 0 if none did. */
static int draw_part(pdf *p, cbox *c, int n, int table, int red, double avail,
                     long cap)
{
	double pad = table ? PAD : 0, used = 0;
	int any = 0;
	for (int i = 0; i < n; i++) {
		double top = p->y + pad, h = 0;
		int k = c[i].at;
		while (k < c[i].n && k - c[i].at < cap &&
		       h + c[i].ln[k].pitch + 2 * pad <= avail + 0.01) {
			if (!table)
				unit(p, top + h);
			draw_line(p, &c[i], &c[i].ln[k], top + h, red);
			h += c[i].ln[k].pitch;
			k++;
		}
		any |= k > c[i].at;
		c[i].at = k;
		if (h + 2 * pad > used)
			used = h + 2 * pad;
	}
	if (any && table) {
		unit(p, p->y);
		borders(p, c, n, p->y, used);
	}
	if (any) {
		p->y += used;
		p->after_hdr = 0;
	}
	return any;
}

/* Draw a row of cells from the current y: whole if it fits; else, for a
 * table row that would fit on a page of its own and is not the first
 * under its header, on the next page; else as many lines as fit here and
 * the rest on the next pages. A break the 落款 asked for comes first. */
static void flow(pdf *p, cbox *c, int n, int table, int red)
{
	double pad = table ? PAD : 0;
	for (;;) {
		if (forced(p)) {
			new_page(p);
			repeat_header(p);
			continue;
		}
		double need = 0;
		for (int i = 0; i < n; i++) {
			double h = rest_of(&c[i]) + 2 * pad;
			if (h > need)
				need = h;
		}
		double avail = BOTTOM - p->y;
		long cap = table ? LONG_MAX : lines_before_break(p);
		if (need <= avail + 0.01 && cap >= c[0].n - c[0].at) {
			draw_whole(p, c, n, table, red, need);
			return;
		}
		int fresh = p->y <= p->top + 0.01;
		if (table && need <= H - P * 3 && !fresh && !p->after_hdr) {
			new_page(p);
			repeat_header(p);
			continue;
		}
		if (!draw_part(p, c, n, table, red, avail, cap) && fresh) {
			/* a line taller than a page: drop it rather than loop
			 */
			for (int i = 0; i < n; i++)
				if (c[i].at < c[i].n)
					c[i].at++;
			continue;
		}
		new_page(p);
		repeat_header(p);
	}
}

/* One paragraph of text in a style, across the whole width (or from x
 * over w). */
static void text_block(pdf *p, const char *t, size_t len, const sl_dspan *spans,
                       size_t ns, size_t base, const style *st, double x,
                       double w)
{
	cbox c = {0};
	c.lay = layout(p, t, len, spans, ns, base, st, w);
	c.x = x;
	c.w = w;
	if (!lines_of(p, &c, st))
		flow(p, &c, 1, 0, st->red);
	cbox_free(&c);
}

static void text_str(pdf *p, const char *t, const style *st)
{
	text_block(p, t, strlen(t), NULL, 0, 0, st, X0, W);
}

/* A cell of the document: its spans as one text. */
static PangoLayout *cell_layout(pdf *p, size_t ci, const style *st, double w)
{
	const sl_dcell *c = sl_doc_cell_at(p->d, ci);
	const char *text = sl_doc_text(p->d);
	if (!c->n)
		return layout(p, "", 0, NULL, 0, 0, st, w);
	/* the spans of a cell are consecutive in the text */
	const sl_dspan *first = sl_doc_span_at(p->d, c->first);
	const sl_dspan *last = sl_doc_span_at(p->d, c->first + c->n - 1);
	size_t start = first->off, end = last->off + last->len;
	return layout(p, text + start, end - start, first, c->n, start, st, w);
}

static void cell_block(pdf *p, size_t ci, const style *st, double x, double w)
{
	cbox c = {0};
	c.lay = cell_layout(p, ci, st, w);
	c.x = x;
	c.w = w;
	if (!lines_of(p, &c, st))
		flow(p, &c, 1, 0, st->red);
	cbox_free(&c);
}

/* ---- tables ------------------------------------------------------------- */

static const style S_TBODY = {R_FANGSONG,       TABLE, TP, 0,
                              PANGO_ALIGN_LEFT, 0,     0,  0};
static const style S_THEAD = {R_HEI, TABLE, TP, 0, PANGO_ALIGN_CENTER, 0, 0, 0};

static void end_table(pdf *p)
{
	p->after_hdr = 0;
	if (!p->hdr)
		return;
	for (int i = 0; i < p->nhdr; i++)
		cbox_free(&p->hdr[i]);
	free(p->hdr);
	p->hdr = NULL;
	p->nhdr = 0;
	p->y += P * 0.3;
}

static int row_boxes(pdf *p, const sl_dblock *b, const style *st, cbox **out)
{
	const sl_dtable *t = sl_doc_table_at(p->d, b->table);
	double sum = 0;
	for (size_t i = 0; i < t->ncols; i++)
		sum += t->weight[i];
	cbox *c = calloc(t->ncols, sizeof *c);
	if (!c) {
		p->oom = 1;
		return -1;
	}
	double x = X0;
	for (size_t i = 0; i < t->ncols; i++) {
		double cw = W * t->weight[i] / sum;
		c[i].x = x + PAD;
		c[i].w = cw - 2 * PAD;
		c[i].lay = i < b->n ? cell_layout(p, b->first + i, st, c[i].w)
		                    : layout(p, "", 0, NULL, 0, 0, st, c[i].w);
		if (lines_of(p, &c[i], st)) {
			for (size_t k = 0; k <= i; k++)
				cbox_free(&c[k]);
			free(c);
			return -1;
		}
		x += cw;
	}
	*out = c;
	return (int)t->ncols;
}

static void free_row(cbox *c, int n)
{
	for (int i = 0; i < n; i++)
		cbox_free(&c[i]);
	free(c);
}

/* The height of a table row, borders and padding included; *first that
 * of its first line (of its tallest first line) alone. */
static double row_height(pdf *p, const sl_dblock *b, double *first)
{
	cbox *c;
	int n = row_boxes(p, b, b->header ? &S_THEAD : &S_TBODY, &c);
	double h = 0, f = 0;
	for (int i = 0; i < n; i++) {
		if (rest_of(&c[i]) > h)
			h = rest_of(&c[i]);
		if (c[i].n && c[i].ln[0].pitch > f)
			f = c[i].ln[0].pitch;
	}
	if (n > 0)
		free_row(c, n);
	*first = f + 2 * PAD;
	return h + 2 * PAD;
}

static void table_row(pdf *p, const sl_dblock *b, double keep)
{
	cbox *c;
	int n;
	if (b->header) {
		end_table(p);
		if ((n = row_boxes(p, b, &S_THEAD, &c)) < 0)
			return;
		/* the header and what must stay with it (keep_need) */
		if (p->y > p->top + 0.01 && BOTTOM - p->y < keep - 0.01)
			new_page(p);
		p->keep = 1;
		flow(p, c, n, 1, 0);
		p->keep = 0;
		p->hdr = c;
		p->nhdr = n;
		p->after_hdr = 1;
		return;
	}
	if ((n = row_boxes(p, b, &S_TBODY, &c)) < 0)
		return;
	flow(p, c, n, 1, 0);
	free_row(c, n);
}

/* ---- the frame ---------------------------------------------------------- */

static const style S_BODY = {R_FANGSONG,       BODY,   P, 0,
                             PANGO_ALIGN_LEFT, 2 * CH, 1, 0};

static double letter_body(void)
{
	/* 28 characters a line: 16 pt characters drawn a little closer */
	return (W - 0.6) / 28 - BODY;
}

static double text_width(pdf *p, const char *t, const style *st)
{
	PangoLayout *lay = layout(p, t, strlen(t), NULL, 0, 0, st, -1);
	PangoRectangle lg;
	pango_layout_get_extents(lay, NULL, &lg);
	g_object_unref(lay);
	return (double)lg.width / PANGO_SCALE;
}

static void head(pdf *p)
{
	const sl_doc *d = p->d;
	style st = {R_FANGSONG, BODY, P, 0, PANGO_ALIGN_LEFT, 0, 0, 0};
	style hei = {R_HEI, BODY, P, 0, PANGO_ALIGN_LEFT, 0, 0, 0};
	/* 份号, 密级和保密期限, 紧急程度: 顶格, from the first line down */
	if (*sl_doc_get(d, SL_DOC_COPY_NO))
		text_str(p, sl_doc_get(d, SL_DOC_COPY_NO), &st);
	if (*sl_doc_get(d, SL_DOC_SECRECY))
		text_str(p, sl_doc_get(d, SL_DOC_SECRECY), &hei);
	if (*sl_doc_get(d, SL_DOC_URGENCY))
		text_str(p, sl_doc_get(d, SL_DOC_URGENCY), &hei);
	/* 发文机关标志: red 小标宋, its top 35 mm below the 版心's, as large
	 * as fits the width up to 36 pt */
	const char *issuer = sl_doc_get(d, SL_DOC_ISSUER);
	if (*issuer) {
		style is = {R_XBS, 36, 36 * 1.3, 0, PANGO_ALIGN_CENTER,
		            0,     0,  1};
		double w = text_width(p, issuer, &is);
		if (w > W) {
			is.size = 36 * W / w;
			if (is.size < BODY)
				is.size = BODY; /* then it wraps */
			is.pitch = is.size * 1.3;
		}
		if (p->y < Y0 + MM(35))
			p->y = Y0 + MM(35);
		text_str(p, issuer, &is);
	}
	/* 发文字号 two lines below, centred; the red rule 4 mm under it (the
	 * glyphs sit in the middle of their line) */
	double rule = p->y + MM(4);
	if (*sl_doc_get(d, SL_DOC_NUMBER)) {
		p->y += 2 * P;
		double top = p->y;
		style num = st;
		num.align = PANGO_ALIGN_CENTER;
		text_str(p, sl_doc_get(d, SL_DOC_NUMBER), &num);
		rule = top + P / 2 + BODY / 2 + MM(4);
	}
	if (*issuer || *sl_doc_get(d, SL_DOC_NUMBER)) {
		cairo_set_source_rgb(p->cr, 0.8, 0, 0);
		cairo_set_line_width(p->cr, MM(0.35));
		cairo_move_to(p->cr, X0, rule);
		cairo_line_to(p->cr, X0 + W, rule);
		cairo_stroke(p->cr);
		p->y = rule + P * 2; /* 空二行 */
	}
	/* 标题: 二号 小标宋, centred, two lines below the rule */
	style ti = {R_XBS, TITLE, TITLE * 1.5, 0, PANGO_ALIGN_CENTER, 0, 0, 0};
	text_str(p, sl_doc_get(d, SL_DOC_TITLE), &ti);
	if (*sl_doc_get(d, SL_DOC_SUBTITLE)) {
		style sub = {R_KAI, BODY, P, 0, PANGO_ALIGN_CENTER, 0, 0, 0};
		text_str(p, sl_doc_get(d, SL_DOC_SUBTITLE), &sub);
	}
	/* 主送: a line below the title, 顶格, with a full-width colon */
	if (*sl_doc_get(d, SL_DOC_TO)) {
		p->y += P;
		char *to = g_strconcat(sl_doc_get(d, SL_DOC_TO), "：", NULL);
		text_str(p, to, &st);
		g_free(to);
	}
}

/* The style of a heading or a paragraph. */
static style block_style(const sl_dblock *b)
{
	style st = S_BODY;
	st.letter = letter_body();
	if (b->kind == SL_BLK_PARA)
		return st;
	st.role = b->kind == SL_BLK_H1   ? R_HEI
	          : b->kind == SL_BLK_H2 ? R_KAI
	                                 : R_FANGSONG;
	st.justify = 0;
	return st;
}

/* The height of cell ci in st across the 版心; *first that of its first
 * line alone. */
static double cell_height(pdf *p, size_t ci, const style *st, double *first)
{
	cbox c = {0};
	double h = 0;
	*first = 0;
	c.lay = cell_layout(p, ci, st, W);
	if (!lines_of(p, &c, st)) {
		h = rest_of(&c);
		if (c.n)
			*first = c.ln[0].pitch;
	}
	cbox_free(&c);
	return h;
}

/* How much room block i (a heading or a table's header) needs at the foot
 * of a page: itself, the headings that follow it, and the first line of
 * the paragraph after them, or a table's header with its first row (its
 * first line only if the row is a third of a page or taller). A table of
 * a header alone keeps it with what follows the table. */
static double keep_need(pdf *p, size_t i)
{
	size_t n = sl_doc_nblocks(p->d);
	double h = 0, first;
	for (; i < n; i++) {
		const sl_dblock *b = sl_doc_block_at(p->d, i);
		style st = block_style(b);
		switch (b->kind) {
		case SL_BLK_H1:
		case SL_BLK_H2:
		case SL_BLK_H3:
			h += cell_height(p, b->first, &st, &first);
			break;
		case SL_BLK_PARA:
			cell_height(p, b->first, &st, &first);
			return h + first;
		case SL_BLK_ROW: {
			double rh = row_height(p, b, &first);
			if (!b->header)
				return h + (rh <= H / 3 ? rh : first);
			h += rh;
			const sl_dblock *nx =
			    i + 1 < n ? sl_doc_block_at(p->d, i + 1) : NULL;
			if (!nx || nx->kind != SL_BLK_ROW || nx->header)
				h += P * 0.3; /* end_table()'s space */
			break;
		}
		case SL_BLK_ANNEX: return h;
		}
	}
	return h;
}

static void body_block(pdf *p, size_t i)
{
	const sl_dblock *b = sl_doc_block_at(p->d, i);
	style st = block_style(b);
	if (b->kind != SL_BLK_ROW)
		end_table(p);
	switch (b->kind) {
	case SL_BLK_H1:
	case SL_BLK_H2:
	case SL_BLK_H3:
		/* a heading stays with what must follow it (keep_need); a
		 * heading taller than a page goes where it is */
		if (p->y > p->top + 0.01 &&
		    BOTTOM - p->y < keep_need(p, i) - 0.01)
			new_page(p);
		p->keep = 1;
		cell_block(p, b->first, &st, X0, W);
		p->keep = 0;
		break;
	case SL_BLK_PARA: cell_block(p, b->first, &st, X0, W); break;
	case SL_BLK_ROW:
		table_row(p, b, b->header ? keep_need(p, i) : 0);
		break;
	case SL_BLK_ANNEX: {
		/* 另面编排: "附件N" on the first line, the title on the third
		 */
		if (p->y > Y0 + 0.01)
			new_page(p);
		char no[32];
		if (sl_doc_nannexes(p->d) > 1)
			snprintf(no, sizeof no, "附件%d", b->no);
		else
			snprintf(no, sizeof no, "附件");
		style hei = {R_HEI, BODY, P, 0, PANGO_ALIGN_LEFT, 0, 0, 0};
		text_str(p, no, &hei);
		p->y += P;
		style ti = {R_XBS, TITLE, TITLE * 1.5, 0, PANGO_ALIGN_CENTER, 0,
		            0,     0};
		cell_block(p, b->first, &ti, X0, W);
		p->y += P;
		break;
	}
	}
}

/* The line of annex k of na in the 附件说明, in st, ready to flow: a name
 * too long for its line goes on under its own first character (GB/T 9704
 * 7.3.4), not under "附件：". */
static int annex_line(pdf *p, size_t k, size_t na, const style *st, cbox *c)
{
	char *t = sl_doc_annex_title(p->d, (int)k);
	char *pre = na == 1
	                ? g_strdup("附件：")
	                : g_strdup_printf("%s%zu．", k == 1 ? "附件：" : "", k);
	char *line = g_strconcat(pre, t ? t : "", NULL);
	/* later names line up with the first after "附件：" */
	c->x = X0 + 2 * CH + (k > 1 ? 3 * CH : 0);
	c->w = X0 + W - c->x;
	c->lay = layout(p, line, strlen(line), NULL, 0, 0, st, c->w);
	/* the name's first character, where the first line puts it: the
	 * lines after it hang from there (pango: a negative indent) */
	PangoRectangle at;
	pango_layout_index_to_pos(c->lay, (int)strlen(pre), &at);
	if (at.x > 0 && at.x < (int)(c->w / 2 * PANGO_SCALE))
		pango_layout_set_indent(c->lay, -at.x);
	g_free(line);
	g_free(pre);
	free(t);
	return lines_of(p, c, st);
}

/* The 落款 (署名 and 成文日期) must not stand alone on a page (GB/T 9704
 * 7.3.5): if what is left of this page cannot hold the 附件说明 and the
 * 落款 (tail high), ask for the body to break before its last two units
 * (and before any heading or table header those would leave at the foot
 * of the page), so that its last lines go to the new page with them; or
 * before its last unit alone when the one before it begins its page (a
 * piece of a tall table row): the break would change nothing there. */
static void keep_tail(pdf *p, double tail)
{
	if (p->y + tail <= BOTTOM + 0.01 || tail > H - 2 * P)
		return;
	for (long last = 2; last >= 1; last--) {
		long b = p->nunits - last;
		while (b > 0 && (p->unit[b - 1] & U_KEEP))
			b--;
		if (b > 0 && !(p->unit[b] & U_TOP)) {
			p->want = b;
			return;
		}
	}
}

/* 附件说明, 发文机关署名 and 成文日期 (GB/T 9704 7.3.4, 7.3.5.2), 附注. */
static void closing(pdf *p)
{
	const sl_doc *d = p->d;
	style st = S_BODY;
	st.letter = letter_body();
	st.indent = 0;
	st.justify = 0;
	size_t na = sl_doc_nannexes(d);
	const char *signer = sl_doc_get(d, SL_DOC_SIGNER);
	const char *date = sl_doc_get(d, SL_DOC_DATE);
	cbox *an = na ? calloc(na, sizeof *an) : NULL;
	if (na && !an) {
		p->oom = 1;
		return;
	}
	double tail = 0;
	for (size_t k = 1; k <= na; k++)
		if (!annex_line(p, k, na, &st, &an[k - 1]))
			tail += rest_of(&an[k - 1]);
	tail += (na ? P : 0) + (*signer || *date ? P : 0) + (*signer ? P : 0) +
	        (*date ? P : 0);
	keep_tail(p, tail);
	p->counting = 0;
	if (na)
		p->y += P;
	for (size_t k = 0; k < na; k++) {
		if (an[k].ln)
			flow(p, &an[k], 1, 0, 0);
		cbox_free(&an[k]);
	}
	free(an);
	if (*signer || *date) {
		p->y += P;
		/* the two together (keep_tail() made room for them) */
		if (BOTTOM - p->y < (*signer ? P : 0) + (*date ? P : 0) - 0.01)
			new_page(p);
		double s = text_width(p, signer, &st);
		double dw = text_width(p, date, &st);
		double sx, dx;
		if (dw + 2 * CH >
		    s) { /* the date is longer: it sets the place */
			dx = X0 + W - 2 * CH - dw;
			sx = dx - 2 * CH;
		} else {
			sx = X0 + W - 2 * CH - s;
			dx = sx + 2 * CH;
		}
		if (sx < X0)
			sx = X0;
		if (dx < X0)
			dx = X0;
		if (*signer)
			text_block(p, signer, strlen(signer), NULL, 0, 0, &st,
			           sx, X0 + W - sx);
		if (*date)
			text_block(p, date, strlen(date), NULL, 0, 0, &st, dx,
			           X0 + W - dx);
	}
	if (*sl_doc_get(d, SL_DOC_NOTE)) {
		char *note =
		    g_strdup_printf("（%s）", sl_doc_get(d, SL_DOC_NOTE));
		text_block(p, note, strlen(note), NULL, 0, 0, &st, X0 + 2 * CH,
		           W - 2 * CH);
		g_free(note);
	}
}

/* 版记 (7.4) at the foot of the last page: a thick rule, 抄送 (later lines
 * after "抄送："), a thin rule, 印发机关 left and 印发日期 right, a thick
 * rule on the 版心's bottom edge; 四号, one character in on each side. */
static void imprint(pdf *p)
{
	const sl_doc *d = p->d;
	const char *cc = sl_doc_get(d, SL_DOC_CC);
	const char *printer = sl_doc_get(d, SL_DOC_PRINTER);
	const char *pdate = sl_doc_get(d, SL_DOC_PRINT_DATE);
	if (!*cc && !*printer && !*pdate)
		return;
	style st = {R_FANGSONG, SMALL, P, 0, PANGO_ALIGN_LEFT, 0, 0, 0};
	cbox c = {0}, pr = {0};
	char *cct = *cc ? g_strdup_printf("抄送：%s。", cc) : NULL;
	char *dt = *pdate ? g_strdup_printf("%s印发", pdate) : NULL;
	double dw = dt ? text_width(p, dt, &st) : 0;
	if (cct) {
		style hang = st;
		hang.indent = -3 * SMALL;
		c.x = X0 + SMALL;
		c.w = W - 2 * SMALL;
		c.lay = layout(p, cct, strlen(cct), NULL, 0, 0, &hang, c.w);
		lines_of(p, &c, &hang);
	}
	pr.x = X0 + SMALL;
	pr.w = W - 3 * SMALL - dw;
	if (pr.w < W / 3)
		pr.w = W / 3;
	pr.lay = layout(p, printer, strlen(printer), NULL, 0, 0, &st, pr.w);
	lines_of(p, &pr, &st);
	double cch = c.ln ? rest_of(&c) : 0, prh = pr.ln ? rest_of(&pr) : P;
	double h = cch + prh;
	if (h > H - P) /* absurdly long: what fits of it */
		h = H - P;
	if (p->y > BOTTOM - h - P * 0.5)
		new_page(p);
	double top = BOTTOM - h, y = top;
	set_color(p, 0);
	for (int k = 0; k < c.n && y + c.ln[k].pitch <= BOTTOM - prh + 0.01;
	     k++) {
		draw_line(p, &c, &c.ln[k], y, 0);
		y += c.ln[k].pitch;
	}
	if (cct) {
		cairo_set_line_width(p->cr, MM(0.25));
		cairo_move_to(p->cr, X0, BOTTOM - prh);
		cairo_line_to(p->cr, X0 + W, BOTTOM - prh);
		cairo_stroke(p->cr);
	}
	y = BOTTOM - prh;
	for (int k = 0; k < pr.n && y + pr.ln[k].pitch <= BOTTOM + 0.01; k++) {
		draw_line(p, &pr, &pr.ln[k], y, 0);
		y += pr.ln[k].pitch;
	}
	if (dt) {
		cbox dc = {0};
		dc.x = X0 + W - SMALL - dw;
		dc.w = dw;
		dc.lay = layout(p, dt, strlen(dt), NULL, 0, 0, &st, -1);
		if (!lines_of(p, &dc, &st) && dc.n)
			draw_line(p, &dc, &dc.ln[dc.n - 1], BOTTOM - P, 0);
		cbox_free(&dc);
	}
	cairo_set_line_width(p->cr, MM(0.35));
	cairo_move_to(p->cr, X0, top);
	cairo_line_to(p->cr, X0 + W, top);
	cairo_move_to(p->cr, X0, BOTTOM);
	cairo_line_to(p->cr, X0 + W, BOTTOM);
	cairo_stroke(p->cr);
	p->y = BOTTOM;
	cbox_free(&c);
	cbox_free(&pr);
	g_free(cct);
	g_free(dt);
}

/* ---- the document ------------------------------------------------------- */

static cairo_status_t sink(void *closure, const unsigned char *data,
                           unsigned int length)
{
	sl_buf *b = closure;
	sl_buf_add(b, (const char *)data, length);
	return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* The document into b, with a new page before body unit brk (-1: none);
 * *want is the break the 落款 asks for (-1: none, or brk was given). */
static sl_rc render(const sl_doc *d, long brk, long *want, sl_buf *b)
{
	cairo_surface_t *sf =
	    cairo_pdf_surface_create_for_stream(sink, b, PAGE_W, PAGE_H);
	if (cairo_surface_status(sf)) {
		cairo_surface_destroy(sf);
		return sl_error(SL_ESYS, _("cannot make a PDF surface"));
	}
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE,
	                               sl_doc_get(d, SL_DOC_TITLE));
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR,
	                               "shenli");
	pdf p = {0};
	p.d = d;
	p.cr = cairo_create(sf);
	/* our own font map, freed with the document, not pango's global one */
	p.fm = pango_cairo_font_map_new();
	p.ctx = pango_font_map_create_context(p.fm);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p.ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_update_context(p.cr, p.ctx);
	pango_context_set_base_dir(p.ctx, PANGO_DIRECTION_LTR);
	resolve_fonts(&p);
	p.page = 1;
	p.y = p.top = Y0;
	p.brk = brk;
	p.want = -1;

	head(&p);
	size_t n = sl_doc_nblocks(d), i;
	p.counting = 1;
	for (i = 0; i < n && sl_doc_block_at(d, i)->kind != SL_BLK_ANNEX; i++)
		body_block(&p, i);
	end_table(&p);
	closing(&p);
	p.counting = 0;
	for (; i < n; i++)
		body_block(&p, i);
	end_table(&p);
	imprint(&p);
	page_number(&p);
	cairo_show_page(p.cr);

	cairo_destroy(p.cr);
	cairo_surface_finish(sf);
	cairo_status_t cs = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	g_object_unref(p.ctx);
	g_object_unref(p.fm);
	free(p.unit);
	*want = brk < 0 ? p.want : -1;
	if (p.oom || cs)
		return sl_error(SL_ESYS, _("rendering the PDF failed: %s"),
		                p.oom ? "out of memory"
		                      : cairo_status_to_string(cs));
	return SL_OK;
}

sl_rc sl_doc_pdf(const sl_doc *d, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (sl_doc_failed(d))
		return sl_error(SL_ESYS, _("out of memory"));
	sl_buf b = {0};
	long want;
	sl_rc rc = render(d, -1, &want, &b);
	/* the 落款 would stand alone: once more, with the body broken where
	 * the first pass says (all before it is laid out the same) */
	if (rc == SL_OK && want >= 0) {
		free(b.p);
		memset(&b, 0, sizeof b);
		rc = render(d, want, &want, &b);
	}
	/* A document always has text, so its PDF embeds fonts. Short of
	 * memory, fontconfig and pango can fail quietly and cairo then writes
	 * pages whose text has no font, reporting success: such a file is
	 * refused here, not handed out as the document. */
	if (rc == SL_OK && (!b.p || !memmem(b.p, b.n, "/FontFile", 9)))
		rc = sl_error(SL_ESYS,
		              _("rendering the PDF failed: no font could be "
		                "embedded (out of memory?)"));
	if (rc != SL_OK) {
		free(b.p);
		return rc;
	}
	return sl_buf_finish(&b, out, len);
}
