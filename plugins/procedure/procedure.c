/*
 * procedure.c - formalities and procedure (手续完备、程序合规). See DOMAIN.md,
 * "Procedure" and "Lifecycle and time limits".
 *
 * Rules: code, standard, severity; when the rule fires.
 *   missing_document          formalities  blocker
 *       a document of intake.required_documents is not in the file
 *   date_order                procedure    blocker
 *       a document of the chain is dated before the nearest earlier one
 *   transfer_before_response  procedure    blocker
 *       the transfer is dated before the subject's written response
 *   transfer_date_mismatch    procedure    warning
 *       transferred_on is not the transfer form's date
 *   evidence_after_transfer   procedure    warning
 *       evidence obtained after the transfer that no answer to a return
 *       brought in
 *   evidence_after_answer     procedure    warning
 *       evidence an answer to a return brought in, obtained after that
 *       answer was sent
 *   fact_after_transfer       facts        warning
 *       a fact dated (from or to) after the transfer
 *   fact_period_inverted      facts        warning
 *       a fact ends before it begins
 *
 * Why these bounds:
 *   - The chain (rules procedure.chain) is DOMAIN.md's order; a document is
 *     compared with the nearest earlier document that is present, so one
 *     missing document (already a missing_document blocker) neither hides
 *     an inversion nor causes a second finding. The same day is in order
 *     (fact material is often drawn up the day of the report). The identity
 *     documents are not in the chain: they may carry any date.
 *   - Transfer after the written response is its own rule (the subject's
 *     right to be heard, 监督执纪工作规则): when it fires, the transfer form
 *     is not also reported as out of chain order.
 *   - transferred_on and the transfer form should agree; a difference is a
 *     clerical matter for the panel to see, not a procedural defect.
 *   - Evidence is gathered before the transfer; evidence dated later means
 *     a wrong date or material added behind the file's back. Evidence an
 *     agency sent in answer to a return (the outline items' answers) is
 *     judged by that return instead: it is expected to postdate the
 *     transfer, but not the day the answer was sent (the resubmission).
 *     Evidence obtained before filing is not a finding: material from the
 *     preliminary check (初核) is regularly used.
 *   - A fact cannot be established by an investigation that ended before
 *     it happened: from/to after the transfer (or from after to) is a
 *     wrong date or a fact outside this file.
 * Dates that do not parse are skipped, never guessed (the dossier parser
 * has already refused invalid ones).
 *
 * A finding about a document refers to it as "doc:KIND" (pl_doc_refs), as
 * an outline item does: the report and the outline name it by its name in
 * the rules.
 */
#include "../common.h"

#define MAX_CHAIN 16

struct state {
	json_t *root; /* every string below points into it */
	const char *required[PL_MAX_LIST], *chain[MAX_CHAIN];
	size_t n_required, n_chain;
	size_t transfer, after; /* indexes into chain */
	/* the refs naming those documents, "doc:KIND" (pl_doc_refs) */
	const char **required_ref, **chain_ref;
	pl_names docs;
};

static const char *pr_name(void)
{
	return "procedure";
}

static void pr_close(void *p)
{
	struct state *s = p;
	if (!s)
		return;
	free(s->required_ref);
	free(s->chain_ref);
	json_decref(s->root);
	free(s);
}

static long chain_index(const struct state *s, const char *kind)
{
	for (size_t i = 0; i < s->n_chain; i++)
		if (pl_eq(s->chain[i], kind))
			return (long)i;
	return -1;
}

static void *pr_open(const char *rules, size_t len)
{
	struct state *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->root = pl_load(rules, len);
	json_t *in = json_object_get(s->root, "intake");
	json_t *pc = json_object_get(s->root, "procedure");
	if (!s->root || !json_is_object(in) || !json_is_object(pc) ||
	    pl_codes(json_object_get(in, "required_documents"), 0, s->required,
	             PL_MAX_LIST, &s->n_required) ||
	    pl_codes(json_object_get(pc, "chain"), 0, s->chain, MAX_CHAIN,
	             &s->n_chain) ||
	    s->n_chain < 2 || pl_names_load(s->root, "documents", &s->docs) ||
	    !(s->required_ref = pl_doc_refs(s->required, s->n_required)) ||
	    !(s->chain_ref = pl_doc_refs(s->chain, s->n_chain)))
		goto fail;
	long t = chain_index(
	    s, json_string_value(json_object_get(pc, "transfer_document")));
	long a = chain_index(
	    s, json_string_value(json_object_get(pc, "transfer_after")));
	/* the response must come before the transfer in the chain itself,
	 * or the two rules would contradict each other */
	if (t < 0 || a < 0 || a >= t)
		goto fail;
	s->transfer = (size_t)t;
	s->after = (size_t)a;
	return s;
fail:
	pr_close(s);
	return NULL;
}

/* ---- the check ---------------------------------------------------------- */

struct ctx {
	const struct state *s;
	const shenli_case *c;
	shenli_emitter *e;
	shenli_emit_fn emit;
	long date[MAX_CHAIN]; /* earliest date of each chain kind, -1 none */
	const char *text[MAX_CHAIN]; /* that date as written */
	int present[MAX_CHAIN];
	char msg[PL_MSG], out[PL_MSG];
};

static const char *doc_zh(const struct ctx *x, const char *kind)
{
	return pl_name(&x->s->docs, kind);
}

static void missing(struct ctx *x)
{
	const struct state *s = x->s;
	const shenli_case *c = x->c;
	for (size_t k = 0; k < s->n_required; k++) {
		int found = 0;
		for (size_t i = 0; i < c->n_documents && !found; i++)
			found = pl_eq(c->documents[i].kind, s->required[k]);
		if (found)
			continue;
		pl_refs r = {.n = 0};
		pl_ref(&r, s->required_ref[k]);
		pl_buf m, o;
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "移送材料缺少%s", doc_zh(x, s->required[k]));
		pl_buf_init(&o, x->out, sizeof x->out);
		pl_printf(&o, "补充移送%s；缺少该材料，移送手续不完备",
		          doc_zh(x, s->required[k]));
		pl_emit(x->e, x->emit, "formalities", SHENLI_BLOCKER,
		        "missing_document", x->msg, &r, x->out);
	}
}

static void order(struct ctx *x, const char *code, size_t later, size_t earlier)
{
	const struct state *s = x->s;
	const char *a = s->chain[later], *b = s->chain[earlier];
	pl_refs r = {.n = 0};
	pl_ref(&r, s->chain_ref[later]);
	pl_ref(&r, s->chain_ref[earlier]);
	pl_buf m, o;
	pl_buf_init(&m, x->msg, sizeof x->msg);
	char d1[PL_ZH_DATE_LEN], d2[PL_ZH_DATE_LEN];
	pl_printf(&m, "%s（%s）早于其所依据的%s（%s）", doc_zh(x, a),
	          pl_zh_date(d1, x->text[later]), doc_zh(x, b),
	          pl_zh_date(d2, x->text[earlier]));
	pl_buf_init(&o, x->out, sizeof x->out);
	if (later == s->transfer && earlier == s->after)
		pl_printf(&o,
		          "核实%s与%s的形成时间：应在听取被审查调查人陈述和"
		          "申辩、取得其书面意见（或拒签记录）后移送审理",
		          doc_zh(x, b), doc_zh(x, a));
	else
		pl_printf(&o,
		          "核实%s与%s的形成时间：%s不应早于%s，属笔误的予以"
		          "更正，属程序倒置的说明理由",
		          doc_zh(x, b), doc_zh(x, a), doc_zh(x, a),
		          doc_zh(x, b));
	pl_emit(x->e, x->emit, "procedure", SHENLI_BLOCKER, code, x->msg, &r,
	        x->out);
}

static void chain(struct ctx *x)
{
	const struct state *s = x->s;
	const shenli_case *c = x->c;
	for (size_t k = 0; k < s->n_chain; k++) {
		x->date[k] = -1;
		x->text[k] = NULL;
		x->present[k] = 0;
	}
	for (size_t i = 0; i < c->n_documents; i++) {
		long k = chain_index(s, c->documents[i].kind);
		if (k < 0)
			continue;
		x->present[k] = 1;
		long d = pl_date(c->documents[i].date);
		if (d >= 0 && (x->date[k] < 0 || d < x->date[k])) {
			x->date[k] = d;
			x->text[k] = c->documents[i].date;
		}
	}
	int late_transfer = 0;
	if (x->date[s->transfer] >= 0 && x->date[s->after] >= 0 &&
	    x->date[s->transfer] < x->date[s->after]) {
		order(x, "transfer_before_response", s->transfer, s->after);
		late_transfer = 1;
	}
	for (size_t k = 1; k < s->n_chain; k++) {
		if (x->date[k] < 0 || (k == s->transfer && late_transfer))
			continue;
		size_t j = k;
		while (j > 0 && x->date[j - 1] < 0)
			j--; /* the nearest earlier document with a date */
		if (j > 0 && x->date[k] < x->date[j - 1])
			order(x, "date_order", k, j - 1);
	}
}

/* The transfer's date: transferred_on, else the transfer form's. */
static long transfer_date(const struct ctx *x, const char **text)
{
	long t = pl_date(x->c->transferred_on);
	*text = x->c->transferred_on;
	if (t < 0) {
		t = x->date[x->s->transfer];
		*text = x->text[x->s->transfer];
	}
	return t;
}

/* The latest answer to a return that brought evidence id in (an item
 * carried into a later return and answered there is recorded in both:
 * the later answer is the one that sent it), or NULL. */
static const shenli_outline_item *
answer_of(const shenli_case *c, const char *id, const shenli_return **ret)
{
	const shenli_outline_item *best = NULL;
	for (size_t i = 0; id && c->returns && i < c->n_returns; i++) {
		const shenli_return *rt = &c->returns[i];
		for (size_t k = 0; rt->items && k < rt->n_items; k++) {
			const shenli_outline_item *it = &rt->items[k];
			if (!it->answered || !pl_in(it->answer_evidence,
			                            it->n_answer_evidence, id))
				continue;
			if (!best || pl_date(it->answered_on) >=
			                 pl_date(best->answered_on)) {
				best = it;
				*ret = rt;
			}
		}
	}
	return best;
}

static void times(struct ctx *x)
{
	const struct state *s = x->s;
	const shenli_case *c = x->c;
	pl_buf m, o;
	char d1[PL_ZH_DATE_LEN], d2[PL_ZH_DATE_LEN];
	long on = pl_date(c->transferred_on), form = x->date[s->transfer];
	if (on >= 0 && form >= 0 && on != form) {
		pl_refs r = {.n = 0};
		pl_ref(&r, s->chain_ref[s->transfer]);
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "移送日期（%s）与%s的日期（%s）不一致",
		          pl_zh_date(d1, c->transferred_on),
		          doc_zh(x, s->chain[s->transfer]),
		          pl_zh_date(d2, x->text[s->transfer]));
		pl_emit(x->e, x->emit, "procedure", SHENLI_WARNING,
		        "transfer_date_mismatch", x->msg, &r, NULL);
	}

	const char *ttext;
	long t = transfer_date(x, &ttext);
	if (t < 0)
		return;
	for (size_t i = 0; i < c->n_evidence; i++) {
		const shenli_evidence *ev = &c->evidence[i];
		long got = pl_date(ev->obtained_on);
		if (got <= t)
			continue;
		const shenli_return *ret = NULL;
		const shenli_outline_item *item = answer_of(c, ev->id, &ret);
		pl_refs r = {.n = 0};
		pl_ref(&r, ev->id);
		if (item) {
			/* supplementary: judged by its return, not the
			 * transfer */
			long sent = pl_date(item->answered_on);
			if (sent < 0 || got <= sent)
				continue;
			pl_buf_init(&m, x->msg, sizeof x->msg);
			pl_printf(
			    &m,
			    "证据%s（%s）系对第%d次退回补查提纲第%s项的答复，"
			    "但其取得日期%s晚于答复移送日期%s",
			    pl_id(ev->id), ev->title ? ev->title : "",
			    ret ? ret->return_no : 0, pl_id(item->no),
			    pl_zh_date(d1, ev->obtained_on),
			    pl_zh_date(d2, item->answered_on));
			pl_buf_init(&o, x->out, sizeof x->out);
			pl_printf(&o, "核实补充证据%s的取得时间和来源",
			          pl_id(ev->id));
			pl_emit(x->e, x->emit, "procedure", SHENLI_WARNING,
			        "evidence_after_answer", x->msg, &r, x->out);
			continue;
		}
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "证据%s（%s）的取得日期%s晚于移送日期%s",
		          ev->id ? ev->id : "?", ev->title ? ev->title : "",
		          pl_zh_date(d1, ev->obtained_on),
		          pl_zh_date(d2, ttext));
		if (c->n_returns)
			pl_puts(&m, "，且不是对补查提纲的答复所补充的证据");
		pl_buf_init(&o, x->out, sizeof x->out);
		pl_printf(&o,
		          "核实证据%s的取得时间和来源；移送后取得的证据应作为"
		          "补充材料移送并说明",
		          ev->id ? ev->id : "");
		pl_emit(x->e, x->emit, "procedure", SHENLI_WARNING,
		        "evidence_after_transfer", x->msg, &r, x->out);
	}
	for (size_t i = 0; i < c->n_facts; i++) {
		const shenli_fact *f = &c->facts[i];
		long from = pl_date(f->from), to = pl_date(f->to);
		const char *id = f->id ? f->id : "?";
		char d3[PL_ZH_DATE_LEN];
		pl_refs r = {.n = 0};
		pl_ref(&r, f->id);
		if (from > t || to > t) {
			pl_buf_init(&m, x->msg, sizeof x->msg);
			pl_printf(&m,
			          "事实%s的发生时间（%s至%s）晚于移送日期%s",
			          id, pl_zh_date(d1, f->from),
			          pl_zh_date(d2, f->to), pl_zh_date(d3, ttext));
			pl_buf_init(&o, x->out, sizeof x->out);
			pl_printf(&o, "核实事实%s的起止时间及是否已经审查调查",
			          id);
			pl_emit(x->e, x->emit, "facts", SHENLI_WARNING,
			        "fact_after_transfer", x->msg, &r, x->out);
		}
		if (from >= 0 && to >= 0 && from > to) {
			pl_buf_init(&m, x->msg, sizeof x->msg);
			pl_printf(&m, "事实%s的起始时间%s晚于结束时间%s", id,
			          pl_zh_date(d1, f->from),
			          pl_zh_date(d2, f->to));
			pl_buf_init(&o, x->out, sizeof x->out);
			pl_printf(&o, "核实并更正事实%s的起止时间", id);
			pl_emit(x->e, x->emit, "facts", SHENLI_WARNING,
			        "fact_period_inverted", x->msg, &r, x->out);
		}
	}
}

static int pr_check(void *st, const shenli_case *c, shenli_emitter *e,
                    shenli_emit_fn emit)
{
	const struct state *s = st;
	if (!s || !c || !emit)
		return -1;
	struct ctx x; /* message buffers are written before they are read */
	x.s = s;
	x.c = c;
	x.e = e;
	x.emit = emit;
	missing(&x);
	chain(&x);
	times(&x);
	return 0;
}

static const shenli_dispatch table[] = {
    {SHENLI_FN_NAME, (shenli_funcptr)pr_name},
    {SHENLI_FN_OPEN, (shenli_funcptr)pr_open},
    {SHENLI_FN_CHECK, (shenli_funcptr)pr_check},
    {SHENLI_FN_CLOSE, (shenli_funcptr)pr_close},
    {0, NULL},
};

PL_EXPORT const int shenli_plugin_abi = SHENLI_PLUGIN_ABI;

PL_EXPORT const shenli_dispatch *shenli_plugin_init(int host_abi)
{
	return host_abi == SHENLI_PLUGIN_ABI ? table : NULL;
}
