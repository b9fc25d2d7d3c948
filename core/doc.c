/* doc.c - the document model of 公文. See doc.h. */
#include "doc.h"

#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhtext.h"

struct sl_doc {
	char *field[SL_DOC_NFIELDS];
	char *text;
	size_t tn, tcap;
	sl_dspan *span;
	size_t ns, scap;
	sl_dcell *cell;
	size_t nc, ccap;
	sl_dblock *blk;
	size_t nb, bcap;
	sl_dtable *tab;
	size_t nt, tabcap;
	int h1, h2, h3, annexes;
	int open; /* the last cell takes text */
	int oom;
};

/* Make room for one more element of an array (doubling). */
static int grow(sl_doc *d, void **p, size_t n, size_t *cap, size_t size)
{
	if (d->oom)
		return -1;
	if (n < *cap)
		return 0;
	size_t nc = *cap ? 2 * *cap : 64;
	void *np = realloc(*p, nc * size);
	if (!np) {
		d->oom = 1;
		return -1;
	}
	*p = np;
	*cap = nc;
	return 0;
}
#define GROW(d, arr, n, cap) grow(d, (void **)&(arr), n, &(cap), sizeof *(arr))

sl_doc *sl_doc_new(void)
{
	return calloc(1, sizeof(sl_doc));
}

void sl_doc_free(sl_doc *d)
{
	if (!d)
		return;
	for (int i = 0; i < SL_DOC_NFIELDS; i++)
		free(d->field[i]);
	free(d->text);
	free(d->span);
	free(d->cell);
	free(d->blk);
	free(d->tab);
	free(d);
}

int sl_doc_failed(const sl_doc *d)
{
	return !d || d->oom;
}

/* ---- cleaning ------------------------------------------------------------ */

static void add_bytes(sl_doc *d, const char *s, size_t n)
{
	if (d->oom)
		return;
	if (d->tn + n + 1 > d->tcap) {
		size_t nc = d->tcap ? d->tcap : 4096;
		while (d->tn + n + 1 > nc)
			nc *= 2;
		char *np = realloc(d->text, nc);
		if (!np) {
			d->oom = 1;
			return;
		}
		d->text = np;
		d->tcap = nc;
	}
	memcpy(d->text + d->tn, s, n);
	d->tn += n;
	d->text[d->tn] = 0;
}

/* Append text to the arena, cleaned by the one rule of core/text.h:
 * what is not shown as itself is dropped from a document. */
static void add_clean(sl_doc *d, const char *s)
{
	char *c = sl_text_clean(s, "");
	if (!c) {
		d->oom = 1;
		return;
	}
	add_bytes(d, c, strlen(c));
	free(c);
}

static char *clean_dup(const char *s)
{
	sl_doc t = {0};
	add_clean(&t, s);
	if (t.oom) {
		free(t.text);
		return NULL;
	}
	return t.text ? t.text : strdup("");
}

/* ---- building -------------------------------------------------------------
 */

void sl_doc_set(sl_doc *d, sl_doc_field f, const char *text)
{
	if ((unsigned)f >= SL_DOC_NFIELDS)
		return;
	free(d->field[f]);
	d->field[f] = NULL;
	if (text && *text && !(d->field[f] = clean_dup(text)))
		d->oom = 1;
}

const char *sl_doc_get(const sl_doc *d, sl_doc_field f)
{
	return (unsigned)f < SL_DOC_NFIELDS && d->field[f] ? d->field[f] : "";
}

static sl_dblock *block(sl_doc *d, sl_blk_kind kind)
{
	d->open = 0;
	if (GROW(d, d->blk, d->nb, d->bcap))
		return NULL;
	sl_dblock *b = &d->blk[d->nb++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->first = d->nc;
	return b;
}

static void new_cell(sl_doc *d)
{
	if (!d->nb || GROW(d, d->cell, d->nc, d->ccap)) {
		d->open = 0;
		return;
	}
	d->cell[d->nc].first = d->ns;
	d->cell[d->nc].n = 0;
	d->nc++;
	d->blk[d->nb - 1].n++;
	d->open = 1;
}

static void span(sl_doc *d, const char *text, int em, int clean)
{
	if (!d->open || d->oom)
		return;
	if (!text)
		text = "—";
	size_t off = d->tn;
	if (clean)
		add_clean(d, text);
	else
		add_bytes(d, text, strlen(text));
	if (d->oom || d->tn == off)
		return;
	sl_dspan *last = d->ns ? &d->span[d->ns - 1] : NULL;
	sl_dcell *c = &d->cell[d->nc - 1];
	if (c->n && last && last->em == em && last->off + last->len == off) {
		last->len += d->tn - off; /* one span for a run of text */
		return;
	}
	if (GROW(d, d->span, d->ns, d->scap))
		return;
	d->span[d->ns++] = (sl_dspan){off, d->tn - off, em};
	c->n++;
}

void sl_doc_put(sl_doc *d, const char *text)
{
	span(d, text, 0, 1);
}

void sl_doc_em(sl_doc *d, const char *text)
{
	span(d, text, 1, 1);
}

void sl_doc_putf(sl_doc *d, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	span(d, buf, 0, 1);
}

static void heading(sl_doc *d, sl_blk_kind k, int no, const char *pre,
                    const char *post, const char *text)
{
	char num[48], lead[64];
	sl_dblock *b = block(d, k);
	if (!b)
		return;
	b->no = no;
	new_cell(d);
	if (k == SL_BLK_H3)
		snprintf(num, sizeof num, "%d", no);
	else
		sl_zh_number(no, num, sizeof num);
	snprintf(lead, sizeof lead, "%s%s%s", pre, num, post);
	span(d, lead, 0, 0);
	span(d, text, 0, 1);
}

void sl_doc_h1(sl_doc *d, const char *text)
{
	d->h2 = d->h3 = 0;
	heading(d, SL_BLK_H1, ++d->h1, "", "、", text);
}

void sl_doc_h2(sl_doc *d, const char *text)
{
	d->h3 = 0;
	heading(d, SL_BLK_H2, ++d->h2, "（", "）", text);
}

void sl_doc_h3(sl_doc *d, const char *text)
{
	heading(d, SL_BLK_H3, ++d->h3, "", ".", text);
}

void sl_doc_para(sl_doc *d)
{
	if (block(d, SL_BLK_PARA))
		new_cell(d);
}

void sl_doc_paras(sl_doc *d, const char *text)
{
	if (!text) {
		sl_doc_para(d);
		sl_doc_put(d, NULL);
		return;
	}
	int any = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		/* a line of blanks only is no paragraph */
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\r' || p[k] == '\t'))
			k++;
		if (k < n) {
			char *line = strndup(p, n);
			if (!line) {
				d->oom = 1;
				return;
			}
			sl_doc_para(d);
			sl_doc_put(d, line);
			free(line);
			any = 1;
		}
		p += n;
		if (*p)
			p++;
	}
	if (!any) {
		sl_doc_para(d);
		sl_doc_put(d, "—");
	}
}

void sl_doc_table(sl_doc *d, size_t ncols, const char *const *heads,
                  const double *weights)
{
	if (ncols < 1 || ncols > 8 || GROW(d, d->tab, d->nt, d->tabcap)) {
		d->oom |= ncols < 1 || ncols > 8;
		return;
	}
	sl_dtable *t = &d->tab[d->nt++];
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++)
		t->weight[i] = weights && weights[i] > 0 ? weights[i] : 1;
	sl_dblock *b = block(d, SL_BLK_ROW);
	if (!b)
		return;
	b->table = d->nt - 1;
	b->header = 1;
	for (size_t i = 0; i < ncols; i++) {
		new_cell(d);
		sl_doc_put(d, heads[i]);
	}
	d->open = 0;
}

void sl_doc_row(sl_doc *d)
{
	if (!d->nt)
		return;
	sl_dblock *b = block(d, SL_BLK_ROW);
	if (b)
		b->table = d->nt - 1;
}

void sl_doc_cell(sl_doc *d)
{
	if (!d->nb || d->blk[d->nb - 1].kind != SL_BLK_ROW ||
	    d->blk[d->nb - 1].n >= d->tab[d->blk[d->nb - 1].table].ncols) {
		d->open = 0;
		return;
	}
	new_cell(d);
}

void sl_doc_rowv(sl_doc *d, const char *const *cells)
{
	sl_doc_row(d);
	if (!d->nt)
		return;
	for (size_t i = 0; i < d->tab[d->nt - 1].ncols; i++) {
		sl_doc_cell(d);
		sl_doc_put(d, cells[i]);
	}
}

void sl_doc_annex(sl_doc *d, const char *title)
{
	d->h1 = d->h2 = d->h3 = 0;
	sl_dblock *b = block(d, SL_BLK_ANNEX);
	if (!b)
		return;
	b->no = ++d->annexes;
	new_cell(d);
	sl_doc_put(d, title);
	d->open = 0;
}

/* ---- reading ------------------------------------------------------------- */

const char *sl_doc_text(const sl_doc *d)
{
	return d->text ? d->text : "";
}
size_t sl_doc_nblocks(const sl_doc *d)
{
	return d->nb;
}
const sl_dblock *sl_doc_block_at(const sl_doc *d, size_t i)
{
	return &d->blk[i];
}
const sl_dcell *sl_doc_cell_at(const sl_doc *d, size_t i)
{
	return &d->cell[i];
}
const sl_dspan *sl_doc_span_at(const sl_doc *d, size_t i)
{
	return &d->span[i];
}
const sl_dtable *sl_doc_table_at(const sl_doc *d, size_t i)
{
	return &d->tab[i];
}
size_t sl_doc_nannexes(const sl_doc *d)
{
	return (size_t)d->annexes;
}

char *sl_doc_cell_plain(const sl_doc *d, size_t i)
{
	const sl_dcell *c = &d->cell[i];
	size_t n = 0;
	for (size_t k = 0; k < c->n; k++)
		n += d->span[c->first + k].len;
	char *s = malloc(n + 1), *p = s;
	if (!s)
		return NULL;
	for (size_t k = 0; k < c->n; k++) {
		const sl_dspan *sp = &d->span[c->first + k];
		memcpy(p, d->text + sp->off, sp->len);
		p += sp->len;
	}
	*p = 0;
	return s;
}

char *sl_doc_annex_title(const sl_doc *d, int k)
{
	for (size_t i = 0; i < d->nb; i++)
		if (d->blk[i].kind == SL_BLK_ANNEX && d->blk[i].no == k)
			return sl_doc_cell_plain(d, d->blk[i].first);
	return NULL;
}

/* ---- output buffers ------------------------------------------------------ */

void sl_buf_add(sl_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 8192;
		while (b->n + n + 1 > nc)
			nc *= 2;
		char *np = realloc(b->p, nc);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

void sl_buf_str(sl_buf *b, const char *s)
{
	sl_buf_add(b, s, strlen(s));
}

sl_rc sl_buf_finish(sl_buf *b, char **out, size_t *len)
{
	if (b->oom || !b->p) {
		free(b->p);
		memset(b, 0, sizeof *b);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	*out = b->p;
	*len = b->n;
	memset(b, 0, sizeof *b);
	return SL_OK;
}
