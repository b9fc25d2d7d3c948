/* casewire.c - a case view and findings as bytes. See casewire.h. */
#include "casewire.h"

#include <stdlib.h>
#include <string.h>

#define NULL_LEN 0xffffffffu

/* ---- writing ------------------------------------------------------------ */

void sl_wbuf_reset(sl_wbuf *b)
{
	b->n = 0;
	b->oom = 0;
}

void sl_wbuf_free(sl_wbuf *b)
{
	free(b->p);
	*b = (sl_wbuf){0};
}

void sl_wbuf_bytes(sl_wbuf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (n > b->cap - b->n) {
		size_t nc = b->cap ? b->cap : 4096;
		while (nc - b->n < n) {
			if (nc > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			nc *= 2;
		}
		unsigned char *np = realloc(b->p, nc);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void sl_wbuf_u8(sl_wbuf *b, uint8_t v)
{
	sl_wbuf_bytes(b, &v, 1);
}

void sl_wbuf_u32(sl_wbuf *b, uint32_t v)
{
	unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8),
	                       (unsigned char)(v >> 16),
	                       (unsigned char)(v >> 24)};
	sl_wbuf_bytes(b, le, 4);
}

void sl_wbuf_str(sl_wbuf *b, const char *s)
{
	if (!s) {
		sl_wbuf_u32(b, NULL_LEN);
		return;
	}
	size_t n = strlen(s);
	if (n > SL_CASEWIRE_STR_MAX) { /* the reader would refuse it */
		b->oom = 1;
		return;
	}
	sl_wbuf_u32(b, (uint32_t)n);
	sl_wbuf_bytes(b, s, n + 1);
}

static void put_strs(sl_wbuf *b, const char *const *v, size_t n)
{
	sl_wbuf_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		sl_wbuf_str(b, v[i]);
}

/* ---- reading ------------------------------------------------------------ */

uint8_t sl_rbuf_u8(sl_rbuf *r)
{
	if (r->bad || r->n - r->off < 1) {
		r->bad = 1;
		return 0;
	}
	return r->p[r->off++];
}

uint32_t sl_rbuf_u32(sl_rbuf *r)
{
	if (r->bad || r->n - r->off < 4) {
		r->bad = 1;
		return 0;
	}
	const unsigned char *q = r->p + r->off;
	r->off += 4;
	return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
	       (uint32_t)q[3] << 24;
}

const char *sl_rbuf_str(sl_rbuf *r, size_t max)
{
	uint32_t n = sl_rbuf_u32(r);
	if (r->bad || n == NULL_LEN)
		return NULL;
	/* a C string: its NUL at its end, and none before (a plugin would
	 * read less than the review checked) */
	if (n > max || r->n - r->off < (size_t)n + 1 || r->p[r->off + n] ||
	    memchr(r->p + r->off, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	const char *s = (const char *)r->p + r->off;
	r->off += (size_t)n + 1;
	return s;
}

/* A count of elements each at least min bytes long: never more than what
 * is left could hold, so that a lying count cannot ask for memory. */
static size_t get_count(sl_rbuf *r, size_t min)
{
	uint32_t n = sl_rbuf_u32(r);
	if (!r->bad && (size_t)n > (r->n - r->off) / min)
		r->bad = 1;
	return r->bad ? 0 : n;
}

static void *get_array(sl_rbuf *r, sl_arena *a, size_t n, size_t size)
{
	if (r->bad || !n)
		return NULL;
	void *v = sl_arena_alloc(a, n * size); /* n is bounded by the bytes */
	if (!v)
		r->bad = 1;
	else
		memset(v, 0, n * size);
	return v;
}

static const char *const *get_strs(sl_rbuf *r, sl_arena *a, size_t *n)
{
	*n = get_count(r, 4);
	const char **v = get_array(r, a, *n, sizeof *v);
	for (size_t i = 0; v && i < *n; i++)
		v[i] = sl_rbuf_str(r, SL_CASEWIRE_STR_MAX);
	if (r->bad)
		*n = 0;
	return v;
}

static const char *str(sl_rbuf *r)
{
	return sl_rbuf_str(r, SL_CASEWIRE_STR_MAX);
}

static int flag(sl_rbuf *r)
{
	uint8_t v = sl_rbuf_u8(r);
	if (v > 1)
		r->bad = 1;
	return v;
}

/* ---- the case ----------------------------------------------------------- */

void sl_casewire_put_case(sl_wbuf *b, const shenli_case *c)
{
	sl_wbuf_str(b, c->case_id);
	sl_wbuf_str(b, c->agency);
	sl_wbuf_str(b, c->zone);
	sl_wbuf_str(b, c->state);
	sl_wbuf_str(b, c->transferred_on);
	const shenli_subject *s = &c->subject;
	sl_wbuf_str(b, s->name);
	sl_wbuf_str(b, s->person_id);
	sl_wbuf_str(b, s->position);
	sl_wbuf_str(b, s->rank);
	sl_wbuf_u8(b, s->party_member != 0);
	sl_wbuf_u8(b, s->public_official != 0);
	sl_wbuf_u32(b, (uint32_t)s->n_prior);
	for (size_t i = 0; i < s->n_prior; i++) {
		sl_wbuf_str(b, s->prior[i].system);
		sl_wbuf_str(b, s->prior[i].level);
		sl_wbuf_str(b, s->prior[i].decided_on);
	}
	sl_wbuf_u32(b, (uint32_t)c->n_facts);
	for (size_t i = 0; i < c->n_facts; i++) {
		const shenli_fact *f = &c->facts[i];
		sl_wbuf_str(b, f->id);
		sl_wbuf_str(b, f->summary);
		sl_wbuf_str(b, f->violation);
		sl_wbuf_str(b, f->from);
		sl_wbuf_str(b, f->to);
		sl_wbuf_u8(b, f->has_amount != 0);
		sl_wbuf_bytes(b, &f->amount_yuan, sizeof f->amount_yuan);
		put_strs(b, f->evidence, f->n_evidence);
		sl_wbuf_str(b, f->use);
		sl_wbuf_u8(b, f->in_kind != 0);
	}
	sl_wbuf_u32(b, (uint32_t)c->n_evidence);
	for (size_t i = 0; i < c->n_evidence; i++) {
		const shenli_evidence *e = &c->evidence[i];
		sl_wbuf_str(b, e->id);
		sl_wbuf_str(b, e->kind);
		sl_wbuf_str(b, e->title);
		sl_wbuf_str(b, e->obtained_on);
		sl_wbuf_str(b, e->source);
		put_strs(b, e->tags, e->n_tags);
	}
	sl_wbuf_u32(b, (uint32_t)c->n_documents);
	for (size_t i = 0; i < c->n_documents; i++) {
		sl_wbuf_str(b, c->documents[i].kind);
		sl_wbuf_str(b, c->documents[i].date);
	}
	const shenli_proposal *p = &c->proposal;
	put_strs(b, p->disciplines, p->n_disciplines);
	sl_wbuf_u8(b, p->eight_point_rules != 0);
	sl_wbuf_str(b, p->party_sanction);
	sl_wbuf_str(b, p->gov_sanction);
	sl_wbuf_u32(b, (uint32_t)p->form);
	put_strs(b, p->circumstances, p->n_circumstances);
	sl_wbuf_u32(b, (uint32_t)c->n_returns);
	for (size_t i = 0; i < c->n_returns; i++) {
		const shenli_return *rt = &c->returns[i];
		sl_wbuf_u32(b, (uint32_t)rt->return_no);
		sl_wbuf_str(b, rt->kind);
		sl_wbuf_str(b, rt->returned_on);
		sl_wbuf_str(b, rt->resubmitted_on);
		sl_wbuf_u32(b, (uint32_t)rt->n_items);
		for (size_t k = 0; k < rt->n_items; k++) {
			const shenli_outline_item *it = &rt->items[k];
			sl_wbuf_str(b, it->no);
			sl_wbuf_str(b, it->text);
			put_strs(b, it->refs, it->n_refs);
			sl_wbuf_u8(b, it->answered != 0);
			sl_wbuf_str(b, it->answered_on);
			put_strs(b, it->answer_evidence, it->n_answer_evidence);
		}
	}
}

int sl_casewire_get_case(sl_rbuf *r, sl_arena *a, shenli_case *c)
{
	memset(c, 0, sizeof *c);
	c->case_id = str(r);
	c->agency = str(r);
	c->zone = str(r);
	c->state = str(r);
	c->transferred_on = str(r);
	shenli_subject *s = &c->subject;
	s->name = str(r);
	s->person_id = str(r);
	s->position = str(r);
	s->rank = str(r);
	s->party_member = flag(r);
	s->public_official = flag(r);
	s->n_prior = get_count(r, 12);
	shenli_prior_sanction *pr = get_array(r, a, s->n_prior, sizeof *pr);
	for (size_t i = 0; pr && i < s->n_prior; i++) {
		pr[i].system = str(r);
		pr[i].level = str(r);
		pr[i].decided_on = str(r);
	}
	s->prior = pr;
	c->n_facts = get_count(r, 38);
	shenli_fact *f = get_array(r, a, c->n_facts, sizeof *f);
	for (size_t i = 0; f && i < c->n_facts; i++) {
		f[i].id = str(r);
		f[i].summary = str(r);
		f[i].violation = str(r);
		f[i].from = str(r);
		f[i].to = str(r);
		f[i].has_amount = flag(r);
		if (!r->bad && r->n - r->off >= sizeof f[i].amount_yuan) {
			memcpy(&f[i].amount_yuan, r->p + r->off,
			       sizeof f[i].amount_yuan);
			r->off += sizeof f[i].amount_yuan;
		} else {
			r->bad = 1;
		}
		f[i].evidence = get_strs(r, a, &f[i].n_evidence);
		f[i].use = str(r);
		f[i].in_kind = flag(r);
	}
	c->facts = f;
	c->n_evidence = get_count(r, 24);
	shenli_evidence *e = get_array(r, a, c->n_evidence, sizeof *e);
	for (size_t i = 0; e && i < c->n_evidence; i++) {
		e[i].id = str(r);
		e[i].kind = str(r);
		e[i].title = str(r);
		e[i].obtained_on = str(r);
		e[i].source = str(r);
		e[i].tags = get_strs(r, a, &e[i].n_tags);
	}
	c->evidence = e;
	c->n_documents = get_count(r, 8);
	shenli_document *d = get_array(r, a, c->n_documents, sizeof *d);
	for (size_t i = 0; d && i < c->n_documents; i++) {
		d[i].kind = str(r);
		d[i].date = str(r);
	}
	c->documents = d;
	shenli_proposal *p = &c->proposal;
	p->disciplines = get_strs(r, a, &p->n_disciplines);
	p->eight_point_rules = flag(r);
	p->party_sanction = str(r);
	p->gov_sanction = str(r);
	p->form = (int)sl_rbuf_u32(r);
	if (p->form < 0 || p->form > 4)
		r->bad = 1;
	p->circumstances = get_strs(r, a, &p->n_circumstances);
	c->n_returns = get_count(r, 20);
	shenli_return *rt = get_array(r, a, c->n_returns, sizeof *rt);
	for (size_t i = 0; rt && i < c->n_returns; i++) {
		uint32_t no = sl_rbuf_u32(r);
		if (no > 1000)
			r->bad = 1;
		rt[i].return_no = (int)no;
		rt[i].kind = str(r);
		rt[i].returned_on = str(r);
		rt[i].resubmitted_on = str(r);
		rt[i].n_items = get_count(r, 21);
		shenli_outline_item *it =
		    get_array(r, a, rt[i].n_items, sizeof *it);
		for (size_t k = 0; it && k < rt[i].n_items; k++) {
			it[k].no = str(r);
			it[k].text = str(r);
			it[k].refs = get_strs(r, a, &it[k].n_refs);
			it[k].answered = flag(r);
			it[k].answered_on = str(r);
			it[k].answer_evidence =
			    get_strs(r, a, &it[k].n_answer_evidence);
		}
		rt[i].items = it;
	}
	c->returns = rt;
	/* the whole message, and nothing after it */
	if (!r->bad && r->off != r->n)
		r->bad = 1;
	if (r->bad || a->failed) {
		r->bad = 1;
		memset(c, 0, sizeof *c);
		return -1;
	}
	return 0;
}

/* ---- a finding ---------------------------------------------------------- */

void sl_casewire_put_finding(sl_wbuf *b, const shenli_finding *f)
{
	sl_wbuf_str(b, f->standard);
	sl_wbuf_u32(b, (uint32_t)f->severity);
	sl_wbuf_str(b, f->code);
	sl_wbuf_str(b, f->message);
	put_strs(b, f->refs, f->n_refs);
	sl_wbuf_str(b, f->outline_item);
}

int sl_casewire_get_finding(sl_rbuf *r, sl_arena *a, shenli_finding *f)
{
	memset(f, 0, sizeof *f);
	f->standard = str(r);
	/* out-of-range severities are passed on as they came: the host's
	 * own check turns them into a malformed-finding blocker */
	f->severity = (shenli_severity)(int)sl_rbuf_u32(r);
	f->code = str(r);
	f->message = str(r);
	f->refs = get_strs(r, a, &f->n_refs);
	f->outline_item = str(r);
	if (r->bad || a->failed) {
		r->bad = 1;
		memset(f, 0, sizeof *f);
		return -1;
	}
	return 0;
}
