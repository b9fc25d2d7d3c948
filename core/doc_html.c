/* doc_html.c - a document as self-contained HTML. See doc_html.h. */
#include "doc_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void esc(sl_buf *b, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e;
		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		sl_buf_add(b, s + run, i - run);
		sl_buf_str(b, e);
		run = i + 1;
	}
	sl_buf_add(b, s + run, n - run);
}

static void esc_str(sl_buf *b, const char *s)
{
	esc(b, s, strlen(s));
}

static void cell(sl_buf *b, const sl_doc *d, size_t ci)
{
	const sl_dcell *c = sl_doc_cell_at(d, ci);
	const char *t = sl_doc_text(d);
	for (size_t k = 0; k < c->n; k++) {
		const sl_dspan *sp = sl_doc_span_at(d, c->first + k);
		if (sp->em)
			sl_buf_str(b, "<b>");
		esc(b, t + sp->off, sp->len);
		if (sp->em)
			sl_buf_str(b, "</b>");
	}
}

static void field(sl_buf *b, const sl_doc *d, sl_doc_field f, const char *open,
                  const char *post, const char *close)
{
	const char *v = sl_doc_get(d, f);
	if (!*v)
		return;
	sl_buf_str(b, open);
	esc_str(b, v);
	sl_buf_str(b, post);
	sl_buf_str(b, close);
}

/* A family list into CSS: each name quoted, names with anything but
 * letters, digits, blanks, '-' and '_' left out (the template validator
 * refuses them already), then the generic family. */
static void families(sl_buf *b, const char *list, const char *generic)
{
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t s = 0, e = n;
		while (s < n && p[s] == ' ')
			s++;
		if (e - s > 5 && !memcmp(p + e - 5, ":bold", 5))
			e -= 5; /* the PDF's weight; CSS has its own */
		int ok = e > s;
		for (size_t i = s; i < e && ok; i++) {
			unsigned char c = (unsigned char)p[i];
			ok = c >= 0x80 || c == ' ' || c == '-' || c == '_' ||
			     (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			     (c >= 'A' && c <= 'Z');
		}
		if (ok) {
			sl_buf_str(b, "\"");
			sl_buf_add(b, p + s, e - s);
			sl_buf_str(b, "\", ");
		}
		p += n;
		if (*p)
			p++;
	}
	sl_buf_str(b, generic);
}

/* GB/T 9704: A4; 天头 37 mm, 订口 28 mm, 版心 156 x 225 mm, so the right
 * margin is 26 mm and the bottom 35 mm; 22 lines of 28 characters: 16 pt
 * characters, 10.227 mm a line, letters drawn 0.2 pt closer. Headings
 * stay with what follows; table rows are not split. Every element
 * inherits overflow-wrap: anywhere from the root: a name, an id or a URL
 * with no break in it wraps inside the 版心 rather than widen the page,
 * which a browser's print would then shrink whole (and cut). */
static const char CSS[] =
    "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }\n"
    "@page :right { @bottom-right { content: \"— \" counter(page) \" —\"; "
    "font: 14pt var(--song); margin-right: 14pt; vertical-align: top; "
    "padding-top: 7mm; } }\n"
    "@page :left { @bottom-left { content: \"— \" counter(page) \" —\"; "
    "font: 14pt var(--song); margin-left: 14pt; vertical-align: top; "
    "padding-top: 7mm; } }\n"
    "html { font-family: var(--fangsong); font-size: 16pt; "
    "line-height: 10.227mm; letter-spacing: -0.2pt; color: #000; "
    "background: #fff; overflow-wrap: anywhere; }\n"
    "body { margin: 0 auto; width: 156mm; }\n"
    "p { margin: 0; text-indent: 2em; text-align: justify; orphans: 2; "
    "widows: 2; }\n"
    ".head p, p.to, p.annexes, p.cc, p.print, .sign p, p.annex-no "
    "{ text-indent: 0; }\n"
    ".head .secret, .head .urgent, p.annex-no, h2 { font-family: "
    "var(--hei); }\n"
    ".head .issuer { font-family: var(--xbs); font-weight: bold; "
    "color: #c00; font-size: 30pt; line-height: 1.2; text-align: center; "
    "letter-spacing: 0.05em; margin-top: 8mm; }\n"
    ".head .number { text-align: center; margin-top: 10.227mm; }\n"
    "hr.red { border: 0; border-top: 0.35mm solid #c00; margin: 4mm 0 0; "
    "}\n"
    "h1 { font-family: var(--xbs); font-weight: bold; font-size: 22pt; "
    "line-height: 1.5; text-align: center; margin: 20.45mm 0 0; "
    "letter-spacing: 0; }\n"
    "p.sub { text-align: center; text-indent: 0; font-family: var(--kai); "
    "}\n"
    "p.to { margin-top: 10.227mm; }\n"
    "h2, h3, h4 { font-size: 16pt; font-weight: normal; margin: 0; "
    "text-indent: 2em; line-height: 10.227mm; }\n"
    "h3 { font-family: var(--kai); }\n"
    "h4 { font-family: var(--fangsong); }\n"
    "h2, h3, h4 { break-after: avoid; page-break-after: avoid; "
    "break-inside: avoid; page-break-inside: avoid; }\n"
    "b { font-family: var(--hei); font-weight: normal; }\n"
    "table { width: 100%; border-collapse: collapse; margin: 2mm 0; "
    "font-size: 12pt; line-height: 1.5; letter-spacing: 0; }\n"
    "thead { display: table-header-group; }\n"
    "th, td { border: 0.5pt solid #000; padding: 1mm 1.5mm; "
    "text-align: left; vertical-align: top; }\n"
    "th { font-family: var(--hei); font-weight: normal; }\n"
    "tr, th, td { break-inside: avoid; page-break-inside: avoid; }\n"
    "p.annexes { margin-top: 10.227mm; padding-left: 2em; display: flex; "
    "}\n"
    "p.annexes > span:last-child, .annex-item > span:last-child { flex: 1; "
    "min-width: 0; }\n"
    ".annex-item { display: flex; }\n"
    ".sign { margin-top: 10.227mm; text-align: right; "
    "break-inside: avoid; page-break-inside: avoid; }\n"
    ".sign p { text-align: right; padding-right: 2em; }\n"
    ".sign p.date { padding-right: 2em; }\n"
    "section.annex { break-before: page; page-break-before: always; }\n"
    "p.annex-no { margin-bottom: 10.227mm; }\n"
    "h1.annex-title { margin: 0 0 10.227mm; }\n"
    ".imprint { margin-top: 20mm; border-top: 0.35mm solid #000; "
    "border-bottom: 0.35mm solid #000; font-size: 14pt; "
    "line-height: 1.6; break-inside: avoid; page-break-inside: avoid; }\n"
    ".imprint p { padding: 0 1em; text-indent: 0; }\n"
    "p.cc { border-bottom: 0.25mm solid #000; padding-left: 1em; "
    "padding-right: 1em; }\n"
    "p.print { display: flex; justify-content: space-between; }\n"
    "@media screen { body { padding: 12mm 0; } }\n";

static void block(sl_buf *b, const sl_doc *d, size_t i, int *in_table)
{
	const sl_dblock *k = sl_doc_block_at(d, i);
	if (*in_table && (k->kind != SL_BLK_ROW || k->header)) {
		sl_buf_str(b, "</tbody></table>\n");
		*in_table = 0;
	}
	switch (k->kind) {
	case SL_BLK_H1:
		sl_buf_str(b, "<h2>");
		cell(b, d, k->first);
		sl_buf_str(b, "</h2>\n");
		break;
	case SL_BLK_H2:
		sl_buf_str(b, "<h3>");
		cell(b, d, k->first);
		sl_buf_str(b, "</h3>\n");
		break;
	case SL_BLK_H3:
		sl_buf_str(b, "<h4>");
		cell(b, d, k->first);
		sl_buf_str(b, "</h4>\n");
		break;
	case SL_BLK_PARA:
		sl_buf_str(b, "<p>");
		cell(b, d, k->first);
		sl_buf_str(b, "</p>\n");
		break;
	case SL_BLK_ROW: {
		const sl_dtable *t = sl_doc_table_at(d, k->table);
		if (k->header) {
			double sum = 0;
			for (size_t c = 0; c < t->ncols; c++)
				sum += t->weight[c];
			sl_buf_str(b, "<table><colgroup>");
			for (size_t c = 0; c < t->ncols; c++) {
				char col[64];
				snprintf(col, sizeof col,
				         "<col style=\"width: %.1f%%\">",
				         100 * t->weight[c] / sum);
				sl_buf_str(b, col);
			}
			sl_buf_str(b, "</colgroup><thead><tr>");
		} else {
			sl_buf_str(b, "<tr>");
		}
		for (size_t c = 0; c < k->n; c++) {
			sl_buf_str(b, k->header ? "<th>" : "<td>");
			cell(b, d, k->first + c);
			sl_buf_str(b, k->header ? "</th>" : "</td>");
		}
		for (size_t c = k->n; c < t->ncols; c++)
			sl_buf_str(b, "<td></td>");
		sl_buf_str(b, k->header ? "</tr></thead><tbody>\n" : "</tr>\n");
		*in_table = 1;
		break;
	}
	case SL_BLK_ANNEX: {
		char no[128];
		char n[16] = "";
		if (sl_doc_nannexes(d) > 1)
			snprintf(n, sizeof n, "%d", k->no);
		snprintf(
		    no, sizeof no,
		    "<section class=\"annex\">\n<p class=\"annex-no\">附件%s"
		    "</p>\n<h1 class=\"annex-title\">",
		    n);
		sl_buf_str(b, no);
		cell(b, d, k->first);
		sl_buf_str(b, "</h1>\n");
		break;
	}
	}
}

sl_rc sl_doc_html(const sl_doc *d, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (sl_doc_failed(d))
		return sl_error(SL_ESYS, _("out of memory"));
	sl_buf b = {0};
	/* the policy forbids every fetch and every script, should anything
	 * ever slip past the escaping */
	sl_buf_str(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta "
	               "charset=\"utf-8\">\n<meta "
	               "http-equiv=\"Content-Security-Policy\" "
	               "content=\"default-src 'none'; style-src "
	               "'unsafe-inline'\">\n<title>");
	esc_str(&b, sl_doc_get(d, SL_DOC_TITLE));
	sl_buf_str(&b, "</title>\n<style>\n:root { --xbs: ");
	families(&b, sl_doc_get(d, SL_DOC_FONT_XBS), "serif");
	sl_buf_str(&b, "; --song: ");
	families(&b, sl_doc_get(d, SL_DOC_FONT_SONG), "serif");
	sl_buf_str(&b, "; --fangsong: ");
	families(&b, sl_doc_get(d, SL_DOC_FONT_FANGSONG), "serif");
	sl_buf_str(&b, "; --hei: ");
	families(&b, sl_doc_get(d, SL_DOC_FONT_HEI), "sans-serif");
	sl_buf_str(&b, "; --kai: ");
	families(&b, sl_doc_get(d, SL_DOC_FONT_KAI), "serif");
	sl_buf_str(&b, "; }\n");
	sl_buf_str(&b, CSS);
	sl_buf_str(&b, "</style>\n</head>\n<body>\n<div class=\"head\">\n");
	field(&b, d, SL_DOC_COPY_NO, "<p class=\"copy\">", "", "</p>\n");
	field(&b, d, SL_DOC_SECRECY, "<p class=\"secret\">", "", "</p>\n");
	field(&b, d, SL_DOC_URGENCY, "<p class=\"urgent\">", "", "</p>\n");
	field(&b, d, SL_DOC_ISSUER, "<p class=\"issuer\">", "", "</p>\n");
	field(&b, d, SL_DOC_NUMBER, "<p class=\"number\">", "", "</p>\n");
	sl_buf_str(&b, "<hr class=\"red\">\n</div>\n<h1>");
	esc_str(&b, sl_doc_get(d, SL_DOC_TITLE));
	sl_buf_str(&b, "</h1>\n");
	field(&b, d, SL_DOC_SUBTITLE, "<p class=\"sub\">", "", "</p>\n");
	field(&b, d, SL_DOC_TO, "<p class=\"to\">", "：", "</p>\n");
	size_t n = sl_doc_nblocks(d), i;
	int in_table = 0;
	for (i = 0; i < n && sl_doc_block_at(d, i)->kind != SL_BLK_ANNEX; i++)
		block(&b, d, i, &in_table);
	if (in_table)
		sl_buf_str(&b, "</tbody></table>\n");
	in_table = 0;
	size_t na = sl_doc_nannexes(d);
	/* 附件说明: "附件：" beside a column of names, each name (after its
	 * number) a box of its own, so that a long one wraps under its own
	 * first character (GB/T 9704 7.3.4), as the PDF sets it */
	if (na)
		sl_buf_str(&b,
		           "<p class=\"annexes\"><span>附件：</span><span>");
	for (size_t k = 1; k <= na; k++) {
		char *t = sl_doc_annex_title(d, (int)k);
		char no[48];
		snprintf(no, sizeof no, "<span>%zu．</span>", k);
		sl_buf_str(&b, "<span class=\"annex-item\">");
		if (na > 1)
			sl_buf_str(&b, no);
		sl_buf_str(&b, "<span>");
		esc_str(&b, t ? t : "");
		sl_buf_str(&b, "</span></span>");
		free(t);
	}
	if (na)
		sl_buf_str(&b, "</span></p>\n");
	sl_buf_str(&b, "<div class=\"sign\">\n");
	field(&b, d, SL_DOC_SIGNER, "<p class=\"signer\">", "", "</p>\n");
	field(&b, d, SL_DOC_DATE, "<p class=\"date\">", "", "</p>\n");
	sl_buf_str(&b, "</div>\n");
	field(&b, d, SL_DOC_NOTE, "<p class=\"note\">（", "）", "</p>\n");
	for (; i < n; i++) {
		/* each annex is a section: close the previous one */
		if (sl_doc_block_at(d, i)->kind == SL_BLK_ANNEX &&
		    sl_doc_block_at(d, i)->no > 1) {
			if (in_table)
				sl_buf_str(&b, "</tbody></table>\n");
			in_table = 0;
			sl_buf_str(&b, "</section>\n");
		}
		block(&b, d, i, &in_table);
	}
	if (in_table)
		sl_buf_str(&b, "</tbody></table>\n");
	if (na)
		sl_buf_str(&b, "</section>\n");
	sl_buf_str(&b, "<div class=\"imprint\">\n");
	field(&b, d, SL_DOC_CC, "<p class=\"cc\">抄送：", "。", "</p>\n");
	sl_buf_str(&b, "<p class=\"print\"><span>");
	esc_str(&b, sl_doc_get(d, SL_DOC_PRINTER));
	sl_buf_str(&b, "</span><span>");
	esc_str(&b, sl_doc_get(d, SL_DOC_PRINT_DATE));
	if (*sl_doc_get(d, SL_DOC_PRINT_DATE))
		sl_buf_str(&b, "印发");
	sl_buf_str(&b, "</span></p>\n</div>\n</body>\n</html>\n");
	return sl_buf_finish(&b, out, len);
}
