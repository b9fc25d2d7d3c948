/* doc_md.c - a document as Markdown. See doc_md.h. */
#include "doc_md.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Text: inline markup characters escaped everywhere (and the ':' of
 * "scheme://" and the '.' of "www.", which GFM's autolinks would make
 * links of, and an empty comment before '@': see below); at the start of
 * a line also what would begin a list, a heading underline or a numbered
 * item ("-", "+", "=", "1." / "1)"), and leading blanks (four would make
 * code) are left out. */
static void text(sl_buf *b, const char *s, size_t n, int line_start)
{
	size_t i = 0;
	if (line_start) {
		while (i < n && s[i] == ' ')
			i++;
		size_t k = i;
		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k > i && k < n && (s[k] == '.' || s[k] == ')')) {
			sl_buf_add(b, s + i, k - i);
			sl_buf_add(b, "\\", 1);
			i = k;
		} else if (i < n && strchr("-+=", s[i])) {
			sl_buf_add(b, "\\", 1);
		}
	}
	size_t run = i, first = i;
	for (; i < n; i++) {
		/* GFM's autolinks make a link of an e-mail address (and of
		 * "mailto:" or "xmpp:" before one) from its '@', escaped or
		 * not: they look at the text run whole, after the escapes. An
		 * empty HTML comment before the '@' ends the run, and a
		 * renderer shows nothing of it. Not at the start of a line,
		 * where it would open an HTML block, and where nothing before
		 * the '@' could make an address anyway. */
		if (s[i] == '@') {
			if (line_start && i == first)
				continue;
			sl_buf_add(b, s + run, i - run);
			sl_buf_str(b, "<!-- -->@");
			run = i + 1;
			continue;
		}
		/* and what GitHub-flavoured renderers make links of, though no
		 * markup asks them to: "scheme://" and "www." */
		int autolink = (s[i] == ':' && i + 1 < n && s[i + 1] == '/') ||
		               (s[i] == '.' && i >= 3 &&
		                !strncasecmp(s + i - 3, "www", 3));
		if (!autolink && (!strchr("\\`*_[]<>|#~!&", s[i]) || !s[i]))
			continue;
		sl_buf_add(b, s + run, i - run);
		char two[2] = {'\\', s[i]};
		sl_buf_add(b, two, 2);
		run = i + 1;
	}
	sl_buf_add(b, s + run, n - run);
}

static void str(sl_buf *b, const char *s, int line_start)
{
	text(b, s, strlen(s), line_start);
}

static void cell(sl_buf *b, const sl_doc *d, size_t ci, int line_start)
{
	const sl_dcell *c = sl_doc_cell_at(d, ci);
	const char *t = sl_doc_text(d);
	for (size_t k = 0; k < c->n; k++) {
		const sl_dspan *sp = sl_doc_span_at(d, c->first + k);
		if (sp->em)
			sl_buf_str(b, "**");
		text(b, t + sp->off, sp->len, line_start && k == 0 && !sp->em);
		if (sp->em)
			sl_buf_str(b, "**");
	}
}

static void field_para(sl_buf *b, const sl_doc *d, sl_doc_field f,
                       const char *pre, const char *post)
{
	const char *v = sl_doc_get(d, f);
	if (!*v)
		return;
	sl_buf_str(b, pre);
	str(b, v, !*pre);
	sl_buf_str(b, post);
}

static void block(sl_buf *b, const sl_doc *d, size_t i)
{
	const sl_dblock *k = sl_doc_block_at(d, i);
	switch (k->kind) {
	case SL_BLK_H1:
		sl_buf_str(b, "\n## ");
		cell(b, d, k->first, 0);
		sl_buf_str(b, "\n\n");
		break;
	case SL_BLK_H2:
		sl_buf_str(b, "\n### ");
		cell(b, d, k->first, 0);
		sl_buf_str(b, "\n\n");
		break;
	case SL_BLK_H3:
		sl_buf_str(b, "\n#### ");
		cell(b, d, k->first, 0);
		sl_buf_str(b, "\n\n");
		break;
	case SL_BLK_PARA:
		cell(b, d, k->first, 1);
		sl_buf_str(b, "\n\n");
		break;
	case SL_BLK_ROW:
		sl_buf_str(b, "|");
		for (size_t c = 0; c < k->n; c++) {
			sl_buf_str(b, " ");
			cell(b, d, k->first + c, 0);
			sl_buf_str(b, " |");
		}
		/* a short row is padded, so that the table stays whole */
		for (size_t c = k->n; c < sl_doc_table_at(d, k->table)->ncols;
		     c++)
			sl_buf_str(b, "  |");
		sl_buf_str(b, "\n");
		if (k->header) {
			sl_buf_str(b, "|");
			for (size_t c = 0; c < k->n; c++)
				sl_buf_str(b, "---|");
			sl_buf_str(b, "\n");
		}
		break;
	case SL_BLK_ANNEX:
		sl_buf_str(b, "\n---\n\n");
		{
			char no[32];
			if (sl_doc_nannexes(d) > 1)
				snprintf(no, sizeof no, "附件%d\n\n## ", k->no);
			else
				snprintf(no, sizeof no, "附件\n\n## ");
			sl_buf_str(b, no);
		}
		cell(b, d, k->first, 0);
		sl_buf_str(b, "\n\n");
		break;
	}
	/* a blank line ends a table */
	if (k->kind == SL_BLK_ROW &&
	    (i + 1 == sl_doc_nblocks(d) ||
	     sl_doc_block_at(d, i + 1)->kind != SL_BLK_ROW ||
	     sl_doc_block_at(d, i + 1)->header))
		sl_buf_str(b, "\n");
	else if (k->kind != SL_BLK_ROW && i + 1 < sl_doc_nblocks(d) &&
	         sl_doc_block_at(d, i + 1)->kind == SL_BLK_ROW)
		sl_buf_str(b, "\n");
}

sl_rc sl_doc_md(const sl_doc *d, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (sl_doc_failed(d))
		return sl_error(SL_ESYS, _("out of memory"));
	sl_buf b = {0};
	/* 版头 */
	field_para(&b, d, SL_DOC_COPY_NO, "份号：", "\n\n");
	field_para(&b, d, SL_DOC_SECRECY, "密级：", "\n\n");
	field_para(&b, d, SL_DOC_URGENCY, "紧急程度：", "\n\n");
	field_para(&b, d, SL_DOC_ISSUER, "**", "**\n\n");
	field_para(&b, d, SL_DOC_NUMBER, "", "\n\n");
	sl_buf_str(&b, "---\n\n# ");
	str(&b, sl_doc_get(d, SL_DOC_TITLE), 0);
	sl_buf_str(&b, "\n\n");
	field_para(&b, d, SL_DOC_SUBTITLE, "", "\n\n");
	field_para(&b, d, SL_DOC_TO, "", "：\n\n");
	size_t n = sl_doc_nblocks(d), i;
	for (i = 0; i < n && sl_doc_block_at(d, i)->kind != SL_BLK_ANNEX; i++)
		block(&b, d, i);
	/* 附件说明, 落款, 成文日期, 附注 */
	size_t na = sl_doc_nannexes(d);
	for (size_t k = 1; k <= na; k++) {
		char *t = sl_doc_annex_title(d, (int)k);
		char no[48];
		if (na == 1)
			snprintf(no, sizeof no, "附件：");
		else
			snprintf(no, sizeof no, "%s%zu．",
			         k == 1 ? "附件：" : "", k);
		sl_buf_str(&b, no);
		str(&b, t ? t : "", 0);
		sl_buf_str(&b, k < na ? "\\\n" : "\n\n");
		free(t);
	}
	field_para(&b, d, SL_DOC_SIGNER, "", "\\\n");
	field_para(&b, d, SL_DOC_DATE, "", "\n\n");
	field_para(&b, d, SL_DOC_NOTE, "（", "）\n\n");
	for (; i < n; i++)
		block(&b, d, i);
	/* 版记 */
	sl_buf_str(&b, "\n---\n\n");
	field_para(&b, d, SL_DOC_CC, "抄送：", "。\n\n");
	field_para(&b, d, SL_DOC_PRINTER, "", "　　");
	field_para(&b, d, SL_DOC_PRINT_DATE, "", "印发\n");
	return sl_buf_finish(&b, out, len);
}
