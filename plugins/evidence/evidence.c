/*
 * evidence.c - the evidence check (证据确凿, and the identity documents of a
 * complete file). See DOMAIN.md, "Evidence".
 *
 * Rules: code, standard, severity; when the rule fires.
 *   dangling_evidence     evidence     blocker
 *       a fact cites an evidence id the file lacks (one per id)
 *   no_evidence           evidence     blocker
 *       no evidence in the file supports a fact
 *   confession_only       evidence     blocker
 *       a fact rests only on the subject's own statements (实施条例 Art. 60)
 *   no_money_flow         evidence     blocker
 *       an amount of money without documentary evidence of the money
 *       (evidence_rules.money_flow: a bank record, voucher, invoice,
 *       receipt, accounts or contract, or an untagged documentary item;
 *       an item of tagged_kinds, electronic data, only when tagged as one
 *       of these: a WeChat transfer record is, a bare chat log is not)
 *   no_valuation          evidence     blocker
 *       an amount in kind (the fact's in_kind) without a valuation
 *       (价格认定: evidence_rules.in_kind.valuation) other than the
 *       subject's own statement
 *   no_goods_record       evidence     blocker
 *       an amount in kind without the goods' own record (the goods, a
 *       list or invoice, chats: evidence_rules.in_kind.record)
 *   use_unproven          facts        as the rules say (blocker)
 *       a fact of a violation whose nature depends on the use of the money
 *       (use_matters) states a use, in its use field or in its summary
 *       (a marker not inside a not_marker that no split word cuts), and
 *       lacks evidence of the use, of the counterparty or of where the
 *       money finally went (evidence_rules.use_claims), the subject's own
 *       statements not counting whatever their tags; a use that is the
 *       subject's own spending (one of own_use_words in it: 个人日常开支)
 *       meets of itself the needs marked met_by_own_use (the counterparty:
 *       there is none to identify). Its outline item asks only for what
 *       is missing, in each need's own outline (the use_claims outline
 *       where a need has none)
 *   evidence_requirement  evidence     as the rule says (default note)
 *       a per-violation requirement (evidence_requirements) is not met
 *   no_identity           formalities  blocker
 *       none of the identity documents (履历表、任免文件) is in the file;
 *       its refs name them as documents are named, doc:KIND
 *
 * The evidence rules are what review exists to catch and what intake
 * cannot judge: a case with any of them cannot be signed off, so they
 * block. Money is proved by documentary evidence of the money, goods by a
 * valuation and their record (a flow of funds proves nothing about goods
 * that changed hands), and a claim about what money paid for by evidence
 * of that: seed 002's car-rental case (the head's statement and a transfer
 * to the car owner) left open who the owner was, whether the car was
 * really used officially, whether owner and official were related and
 * where the money ended up, and the panel returned it. The per-violation
 * requirements are a reviewer's checklist: they carry their severity in
 * the rules, and the default is a note with a supplement outline item,
 * because a complete file often proves the same point with other evidence
 * than the checklist expects.
 *
 * A fact with no evidence at all gets only no_evidence (its outline item
 * asks for everything); otherwise each rule is judged on its own, so a
 * confession-only money fact gets both confession_only and no_money_flow:
 * they ask for different things.
 */
#include "../common.h"

#define MAX_NEEDS 16    /* requirements of one violation */
#define MAX_USE_NEEDS 8 /* what a stated use needs proved */
#define MAX_MARKERS 16
#define MAX_NOT_MARKERS 32
#define MAX_SPLIT_WORDS 32
#define MAX_OWN_USE_WORDS 32
#define USE_QUOTE 150 /* bytes of a use quoted from a summary */
/* Up to this many evidence items a case is searched linearly (no
 * allocation); above it a sorted index is built for the case. */
#define LINEAR_EVIDENCE 32

struct need {
	const char *need, *outline;
	const char *kinds[PL_MAX_LIST], *tags[PL_MAX_LIST],
	    *exclude[PL_MAX_LIST];
	size_t n_kinds, n_tags, n_exclude;
	int amount_only;
	shenli_severity sev;
};

/* A list of kinds and tags an item may match, with a name for messages. */
struct match {
	const char *kinds[PL_MAX_LIST], *tags[PL_MAX_LIST],
	    *exclude[PL_MAX_LIST];
	size_t n_kinds, n_tags, n_exclude;
	const char *zh;
};

struct use_need {
	const char *tags[PL_MAX_LIST];
	size_t n_tags;
	const char *zh;
	const char *outline; /* NULL: the use_claims outline */
	int own_use; /* met by a use that is the subject's own spending */
};

struct state {
	json_t *root; /* every string below points into it */
	pl_vocab vocab;
	size_t *first, *count; /* per violation: its slice of needs[] */
	struct need *needs;
	size_t n_needs;
	const char *self[PL_MAX_LIST], *flow_kinds[PL_MAX_LIST],
	    *flow_tags[PL_MAX_LIST], *identity[PL_MAX_LIST];
	size_t n_self, n_flow_kinds, n_flow_tags, n_identity;
	/* kinds that record money only when they say so (one of flow_tags):
	 * electronic data holds transfer records and chats alike */
	const char *flow_tagged[PL_MAX_LIST];
	size_t n_flow_tagged;
	/* the refs naming the identity documents, "doc:KIND" (pl_doc_refs) */
	const char **identity_ref;
	int flow_untagged;   /* an untagged item of flow_kinds counts */
	const char *flow_zh; /* optional name of money-flow evidence */
	int has_kind;        /* in_kind rules given: goods are judged apart */
	struct match value, goods;
	int has_use; /* use_claims given */
	const char *markers[MAX_MARKERS];
	size_t n_markers;
	/* words holding a marker that state no use ("费用来源"): a marker
	 * inside one of them is not one */
	const char *not_markers[MAX_NOT_MARKERS];
	size_t n_not_markers;
	/* words that end inside a not_marker, which is then not there: 经费
	 * in 经费用以 is 经费 + 用以 (a use), not 经 + 费用以 */
	const char *split_words[MAX_SPLIT_WORDS];
	size_t n_split_words;
	/* words that make a use the subject's own spending (个人日常开支):
	 * no counterparty took the money */
	const char *own_words[MAX_OWN_USE_WORDS];
	size_t n_own_words;
	struct use_need use[MAX_USE_NEEDS];
	size_t n_use;
	shenli_severity use_sev;
	const char *use_outline;
	pl_names kinds, docs;
};

static const char *ev_name(void)
{
	return "evidence";
}

static void ev_close(void *p)
{
	struct state *s = p;
	if (!s)
		return;
	pl_vocab_free(&s->vocab);
	free(s->identity_ref);
	free(s->first);
	free(s->count);
	free(s->needs);
	json_decref(s->root);
	free(s);
}

static int load_need(json_t *o, struct need *n)
{
	const char *when = json_string_value(json_object_get(o, "when"));
	const char *sev = json_string_value(json_object_get(o, "severity"));
	if (!json_is_object(o))
		return -1;
	n->need = pl_str(json_object_get(o, "need"), PL_MAX_TEXT);
	n->outline = pl_str(json_object_get(o, "outline"), PL_MAX_TEXT);
	if (!n->need || !n->outline ||
	    pl_codes(json_object_get(o, "kinds"), 0, n->kinds, PL_MAX_LIST,
	             &n->n_kinds) ||
	    !n->n_kinds ||
	    pl_codes(json_object_get(o, "tags"), 1, n->tags, PL_MAX_LIST,
	             &n->n_tags) ||
	    pl_codes(json_object_get(o, "exclude_tags"), 1, n->exclude,
	             PL_MAX_LIST, &n->n_exclude))
		return -1;
	if (!when || pl_eq(when, "always"))
		n->amount_only = 0;
	else if (pl_eq(when, "amount"))
		n->amount_only = 1;
	else
		return -1;
	n->sev = SHENLI_NOTE;
	if (sev && pl_severity(sev, &n->sev))
		return -1;
	if (!sev && json_object_get(o, "severity"))
		return -1;
	return 0;
}

/* evidence_requirements: {violation code: [need, ...]}, every code known. */
static int load_needs(struct state *s)
{
	json_t *o = json_object_get(s->root, "evidence_requirements");
	size_t nv = s->vocab.n;
	s->first = calloc(nv, sizeof *s->first);
	s->count = calloc(nv, sizeof *s->count);
	if (!s->first || !s->count)
		return -1;
	if (!o)
		return 0;
	if (!json_is_object(o))
		return -1;
	size_t total = 0;
	const char *code;
	json_t *list;
	json_object_foreach(o, code, list)
	{
		if (pl_vocab_find(&s->vocab, code) < 0 ||
		    !json_is_array(list) || json_array_size(list) > MAX_NEEDS)
			return -1;
		total += json_array_size(list);
	}
	s->needs = calloc(total ? total : 1, sizeof *s->needs);
	if (!s->needs)
		return -1;
	json_object_foreach(o, code, list)
	{
		size_t v = (size_t)pl_vocab_find(&s->vocab, code);
		s->first[v] = s->n_needs;
		s->count[v] = json_array_size(list);
		for (size_t i = 0; i < json_array_size(list); i++)
			if (load_need(json_array_get(list, i),
			              &s->needs[s->n_needs++]))
				return -1;
	}
	return 0;
}

/* {kinds, tags, exclude_tags, zh}: at least one kind or tag. */
static int load_match(json_t *o, struct match *m)
{
	if (!json_is_object(o) ||
	    pl_codes(json_object_get(o, "kinds"), 1, m->kinds, PL_MAX_LIST,
	             &m->n_kinds) ||
	    pl_codes(json_object_get(o, "tags"), 1, m->tags, PL_MAX_LIST,
	             &m->n_tags) ||
	    pl_codes(json_object_get(o, "exclude_tags"), 1, m->exclude,
	             PL_MAX_LIST, &m->n_exclude) ||
	    (!m->n_kinds && !m->n_tags) ||
	    !(m->zh = pl_str(json_object_get(o, "zh"), PL_MAX_TEXT)))
		return -1;
	return 0;
}

/* evidence_rules.in_kind (optional): valuation and record. */
static int load_in_kind(struct state *s, json_t *er)
{
	json_t *o = json_object_get(er, "in_kind");
	if (!o)
		return 0;
	s->has_kind = 1;
	if (!json_is_object(o) ||
	    load_match(json_object_get(o, "valuation"), &s->value) ||
	    load_match(json_object_get(o, "record"), &s->goods) ||
	    !s->goods.n_kinds)
		return -1;
	return 0;
}

/* evidence_rules.use_claims (optional): markers, needs, severity,
 * outline. own_use_words and each need's outline and met_by_own_use came
 * later (rules 5), so they are optional; older plugins ignore them. */
static int load_use(struct state *s, json_t *er)
{
	json_t *o = json_object_get(er, "use_claims");
	if (!o)
		return 0;
	s->has_use = 1;
	json_t *needs = json_object_get(o, "needs");
	const char *sev = json_string_value(json_object_get(o, "severity"));
	if (!json_is_object(o) ||
	    pl_codes(json_object_get(o, "markers"), 0, s->markers, MAX_MARKERS,
	             &s->n_markers) ||
	    pl_codes(json_object_get(o, "not_markers"), 1, s->not_markers,
	             MAX_NOT_MARKERS, &s->n_not_markers) ||
	    pl_codes(json_object_get(o, "split_words"), 1, s->split_words,
	             MAX_SPLIT_WORDS, &s->n_split_words) ||
	    pl_codes(json_object_get(o, "own_use_words"), 1, s->own_words,
	             MAX_OWN_USE_WORDS, &s->n_own_words) ||
	    !json_is_array(needs) || !json_array_size(needs) ||
	    json_array_size(needs) > MAX_USE_NEEDS || !sev ||
	    pl_severity(sev, &s->use_sev) ||
	    !(s->use_outline =
	          pl_str(json_object_get(o, "outline"), PL_MAX_TEXT)))
		return -1;
	for (size_t i = 0; i < json_array_size(needs); i++) {
		json_t *n = json_array_get(needs, i);
		struct use_need *u = &s->use[s->n_use++];
		json_t *out = json_object_get(n, "outline");
		if (!json_is_object(n) ||
		    pl_codes(json_object_get(n, "tags"), 0, u->tags,
		             PL_MAX_LIST, &u->n_tags) ||
		    !u->n_tags ||
		    !(u->zh = pl_str(json_object_get(n, "zh"), PL_MAX_TEXT)) ||
		    (out && !(u->outline = pl_str(out, PL_MAX_TEXT))) ||
		    pl_bool(n, "met_by_own_use", &u->own_use))
			return -1;
	}
	return 0;
}

static void *ev_open(const char *rules, size_t len)
{
	struct state *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->root = pl_load(rules, len);
	if (!s->root || pl_vocab_load(s->root, &s->vocab))
		goto fail;
	json_t *er = json_object_get(s->root, "evidence_rules");
	json_t *mf = json_object_get(er, "money_flow");
	json_t *in = json_object_get(s->root, "intake");
	if (!json_is_object(er) || !json_is_object(mf) || !json_is_object(in) ||
	    pl_codes(json_object_get(er, "self_statement_kinds"), 0, s->self,
	             PL_MAX_LIST, &s->n_self) ||
	    !s->n_self ||
	    pl_codes(json_object_get(mf, "kinds"), 0, s->flow_kinds,
	             PL_MAX_LIST, &s->n_flow_kinds) ||
	    !s->n_flow_kinds ||
	    pl_codes(json_object_get(mf, "tags"), 0, s->flow_tags, PL_MAX_LIST,
	             &s->n_flow_tags) ||
	    !s->n_flow_tags ||
	    pl_codes(json_object_get(mf, "tagged_kinds"), 1, s->flow_tagged,
	             PL_MAX_LIST, &s->n_flow_tagged) ||
	    pl_codes(json_object_get(in, "identity_documents"), 0, s->identity,
	             PL_MAX_LIST, &s->n_identity) ||
	    pl_names_load(s->root, "evidence_kinds", &s->kinds) ||
	    pl_names_load(s->root, "documents", &s->docs) || load_needs(s) ||
	    pl_bool(mf, "untagged", &s->flow_untagged) || load_in_kind(s, er) ||
	    load_use(s, er) ||
	    !(s->identity_ref = pl_doc_refs(s->identity, s->n_identity)))
		goto fail;
	json_t *zh = json_object_get(mf, "zh");
	if (zh && !(s->flow_zh = pl_str(zh, PL_MAX_TEXT)))
		goto fail;
	return s;
fail:
	ev_close(s);
	return NULL;
}

/* ---- the check ---------------------------------------------------------- */

/* Evidence by id: linear for small files, a sorted index for large ones
 * (a dossier may hold 10,000 items and as many references). */
struct index {
	const shenli_case *c;
	pl_key *keys; /* NULL: search linearly */
	size_t n;
};

static int index_open(struct index *x, const shenli_case *c)
{
	*x = (struct index){.c = c};
	if (c->n_evidence <= LINEAR_EVIDENCE)
		return 0;
	x->keys = malloc(c->n_evidence * sizeof *x->keys);
	if (!x->keys)
		return -1;
	for (size_t i = 0; i < c->n_evidence; i++)
		if (c->evidence[i].id)
			x->keys[x->n++] = (pl_key){c->evidence[i].id, i};
	qsort(x->keys, x->n, sizeof *x->keys, pl_key_cmp);
	return 0;
}

static const shenli_evidence *index_find(const struct index *x, const char *id)
{
	const shenli_case *c = x->c;
	if (!id)
		return NULL;
	if (!x->keys) {
		for (size_t i = 0; i < c->n_evidence; i++)
			if (pl_eq(c->evidence[i].id, id))
				return &c->evidence[i];
		return NULL;
	}
	long i = pl_key_find(x->keys, x->n, id);
	return i < 0 ? NULL : &c->evidence[i];
}

static int has_tag(const shenli_evidence *ev, const char *const *tags, size_t n)
{
	for (size_t i = 0; i < ev->n_tags; i++)
		if (pl_in(tags, n, ev->tags[i]))
			return 1;
	return 0;
}

static int meets(const struct need *n, const shenli_evidence *ev)
{
	return pl_in(n->kinds, n->n_kinds, ev->kind) &&
	       (!n->n_tags || has_tag(ev, n->tags, n->n_tags)) &&
	       !has_tag(ev, n->exclude, n->n_exclude);
}

/* Documentary evidence of the money: an item of the money kinds that
 * says it records money (one of the tags) or says nothing (untagged: a
 * ledger or a payment list is as much the money's record as a bank
 * statement); or an item of the tagged kinds that says it records money
 * (a WeChat transfer record is electronic data, and so is a chat log that
 * records no money at all, so there the tag is what decides). */
static int is_money(const struct state *s, const shenli_evidence *ev)
{
	int tagged = has_tag(ev, s->flow_tags, s->n_flow_tags);
	if (pl_in(s->flow_kinds, s->n_flow_kinds, ev->kind))
		return tagged || (s->flow_untagged && !ev->n_tags);
	return tagged && pl_in(s->flow_tagged, s->n_flow_tagged, ev->kind);
}

/* A valuation: of its kinds, or tagged as one, whatever its kind. */
static int is_value(const struct match *m, const shenli_evidence *ev)
{
	return pl_in(m->kinds, m->n_kinds, ev->kind) ||
	       has_tag(ev, m->tags, m->n_tags);
}

/* The goods' record: of its kinds, and not the valuation itself. */
static int is_goods(const struct match *m, const shenli_evidence *ev)
{
	return pl_in(m->kinds, m->n_kinds, ev->kind) &&
	       (!m->n_tags || has_tag(ev, m->tags, m->n_tags)) &&
	       !has_tag(ev, m->exclude, m->n_exclude);
}

/* Whether a split word of text starts before q and ends after it: the
 * not_marker at q is then not a word of the text (the 费用以 of 经费用以,
 * where 经费 ends inside it). */
static int split_at(const struct state *s, const char *text, const char *q)
{
	for (size_t i = 0; i < s->n_split_words; i++) {
		const char *w = s->split_words[i];
		size_t wl = strlen(w);
		const char *r = (size_t)(q - text) >= wl ? q - wl + 1 : text;
		for (; r < q; r++)
			if (!strncmp(r, w, wl))
				return 1;
	}
	return 0;
}

/* Whether the mlen bytes at p of text lie inside one of the not_markers
 * (the "用来" of "费用来源") that no split word cuts (经费用以 states a
 * use: 经费 + 用以). Only the few bytes before p can start such a word, so
 * only they are tried: a summary of many markers costs no more than its
 * length times the words' (a match starts on a character boundary: a
 * UTF-8 lead byte never equals a continuation byte). */
static int not_a_marker(const struct state *s, const char *text, const char *p,
                        size_t mlen)
{
	for (size_t i = 0; i < s->n_not_markers; i++) {
		const char *w = s->not_markers[i];
		size_t wl = strlen(w);
		if (wl < mlen)
			continue;
		size_t back = wl - mlen;
		const char *q = (size_t)(p - text) > back ? p - back : text;
		for (; q <= p; q++)
			if (!strncmp(q, w, wl) && !split_at(s, text, q))
				return 1;
	}
	return 0;
}

/* The use a fact states: its use field, else what follows the first
 * marker in its summary up to the end of the clause (agencies write "…,
 * 用于租用私家车"). NULL when it states none. *len: bytes to quote. */
static const char *stated_use(const struct state *s, const shenli_fact *f,
                              size_t *len)
{
	if (f->use && *f->use) {
		*len = strlen(f->use);
		return f->use;
	}
	const char *best = NULL;
	size_t mlen = 0;
	for (size_t i = 0; f->summary && i < s->n_markers; i++) {
		size_t ml = strlen(s->markers[i]);
		const char *p = strstr(f->summary, s->markers[i]);
		while (p && not_a_marker(s, f->summary, p, ml))
			p = strstr(p + 1, s->markers[i]);
		if (p && (!best || p < best)) {
			best = p;
			mlen = ml;
		}
	}
	if (!best)
		return NULL;
	static const char *const stops[] = {"，", ",", "。", "；", ";"};
	const char *u = best + mlen;
	size_t n = strlen(u);
	for (size_t i = 0; i < PL_NELEM(stops); i++) {
		const char *q = strstr(u, stops[i]);
		if (q && (size_t)(q - u) < n)
			n = (size_t)(q - u);
	}
	*len = n;
	return n ? u : NULL;
}

/* Whether the use (len bytes, not terminated: a clause of a summary) is
 * the subject's own spending: it holds one of own_use_words. Only words
 * that say so unambiguously belong there (个人日常开支, not 个人 or 自己:
 * 用于给自己的儿子购房 has a counterparty). */
static int own_use(const struct state *s, const char *use, size_t len)
{
	for (size_t i = 0; i < s->n_own_words; i++) {
		size_t wl = strlen(s->own_words[i]);
		for (size_t j = 0; j + wl <= len; j++)
			if (!memcmp(use + j, s->own_words[i], wl))
				return 1;
	}
	return 0;
}

/* "F3（违规公款吃喝）" */
static void put_fact(pl_buf *b, const struct state *s, const shenli_fact *f)
{
	long v = pl_vocab_find(&s->vocab, f->violation);
	pl_printf(b, "事实%s（%s）", pl_id(f->id),
	          v >= 0 ? s->vocab.v[v].zh
	                 : (f->violation ? f->violation : "未注明违纪类型"));
}

static const char *subject_name(const shenli_case *c)
{
	return c->subject.name && *c->subject.name ? c->subject.name
	                                           : "被审查调查人";
}

struct ctx {
	const struct state *s;
	const shenli_case *c;
	shenli_emitter *e;
	shenli_emit_fn emit;
	char msg[PL_MSG], out[PL_MSG];
};

static void dangling(struct ctx *x, const shenli_fact *f, const char *id)
{
	pl_buf m, o;
	pl_refs r = {.n = 0};
	pl_ref(&r, f->id);
	pl_ref(&r, id);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	put_fact(&m, x->s, f);
	pl_printf(&m, "引用的证据%s不在卷宗中", id ? id : "（空编号）");
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o,
	          "补充移送证据%s，或更正事实%s的证据引用，并说明该证据的来源"
	          "及所证明的内容",
	          id ? id : "（空编号）", pl_id(f->id));
	pl_emit(x->e, x->emit, "evidence", SHENLI_BLOCKER, "dangling_evidence",
	        x->msg, &r, x->out);
}

static void no_evidence(struct ctx *x, const shenli_fact *f)
{
	pl_buf m, o;
	pl_refs r = {.n = 0};
	pl_ref(&r, f->id);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	put_fact(&m, x->s, f);
	pl_puts(&m, "没有卷宗内的任何证据支持，事实不能认定");
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o, "针对事实%s收集书证、证人证言、电子数据等证据",
	          pl_id(f->id));
	if (f->has_amount && f->in_kind && x->s->has_kind)
		pl_puts(&o, "，包括所涉财物的价格认定意见及财物本身的证据");
	else if (f->has_amount)
		pl_puts(&o, "，包括反映资金来源和流向的银行流水等书证");
	pl_puts(&o, "，形成相互印证的证据链");
	pl_emit(x->e, x->emit, "evidence", SHENLI_BLOCKER, "no_evidence",
	        x->msg, &r, x->out);
}

static void confession_only(struct ctx *x, const shenli_fact *f,
                            const pl_refs *self)
{
	pl_buf m, o;
	pl_refs r = {.n = 0};
	pl_ref(&r, f->id);
	for (size_t i = 0; i < self->n; i++)
		pl_ref(&r, self->v[i]);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	put_fact(&m, x->s, f);
	pl_printf(&m, "仅有%s（", pl_name(&x->s->kinds, x->s->self[0]));
	for (size_t i = 0; i < self->n; i++)
		pl_printf(&m, "%s%s", i ? "、" : "", self->v[i]);
	pl_puts(&m, "）支持，无其他证据印证；仅有被审查调查人陈述不能定案");
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o,
	          "收集能够与%s陈述相互印证的书证、证人证言、电子数据等其他"
	          "证据，查实事实%s",
	          subject_name(x->c), pl_id(f->id));
	pl_emit(x->e, x->emit, "evidence", SHENLI_BLOCKER, "confession_only",
	        x->msg, &r, x->out);
}

static void no_money_flow(struct ctx *x, const shenli_fact *f)
{
	pl_buf m, o;
	pl_refs r = {.n = 0};
	pl_ref(&r, f->id);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	put_fact(&m, x->s, f);
	pl_puts(&m, "认定金额");
	pl_amount(&m, f->amount_yuan);
	if (x->s->flow_zh) {
		pl_printf(&m, "，但所引证据中没有%s", x->s->flow_zh);
	} else {
		pl_printf(&m, "，但所引证据中没有反映资金流向的%s（",
		          pl_name(&x->s->kinds, x->s->flow_kinds[0]));
		for (size_t i = 0; i < x->s->n_flow_tags; i++)
			pl_printf(&m, "%s%s", i ? "、" : "",
			          x->s->flow_tags[i]);
		pl_puts(&m, "）");
	}
	pl_puts(&m, "，金额认定缺乏依据");
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o, "调取银行流水、记账凭证、发票等书证，查明事实%s所涉",
	          pl_id(f->id));
	pl_amount(&o, f->amount_yuan);
	pl_puts(&o, "资金的来源、流向、收款人及最终去向");
	pl_emit(x->e, x->emit, "evidence", SHENLI_BLOCKER, "no_money_flow",
	        x->msg, &r, x->out);
}

static void no_valuation(struct ctx *x, const shenli_fact *f)
{
	pl_buf m, o;
	pl_refs r = {.n = 0};
	pl_ref(&r, f->id);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	put_fact(&m, x->s, f);
	pl_puts(&m, "所涉财物认定价值");
	pl_amount(&m, f->amount_yuan);
	pl_printf(&m, "，但所引证据中没有%s，财物价值认定缺乏依据",
	          x->s->value.zh);
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o,
	          "委托价格认定机构对事实%s所涉财物进行价格认定，出具价格认定"
	          "结论书，查明财物的名称、数量和价值",
	          pl_id(f->id));
	pl_emit(x->e, x->emit, "evidence", SHENLI_BLOCKER, "no_valuation",
	        x->msg, &r, x->out);
}

static void no_goods_record(struct ctx *x, const shenli_fact *f)
{
	pl_buf m, o;
	pl_refs r = {.n = 0};
	pl_ref(&r, f->id);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	put_fact(&m, x->s, f);
	pl_printf(&m, "所涉财物没有%s，财物的存在、数量和来源无从认定",
	          x->s->goods.zh);
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o,
	          "收缴或调取事实%s所涉财物，收集购货发票、清单、聊天记录等，"
	          "查明财物的名称、数量、来源及去向",
	          pl_id(f->id));
	pl_emit(x->e, x->emit, "evidence", SHENLI_BLOCKER, "no_goods_record",
	        x->msg, &r, x->out);
}

static void use_unproven(struct ctx *x, const shenli_fact *f, const char *use,
                         size_t use_len, unsigned met)
{
	const struct state *s = x->s;
	pl_buf m, o;
	pl_refs r = {.n = 0};
	pl_ref(&r, f->id);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	put_fact(&m, s, f);
	int len = use_len > USE_QUOTE ? USE_QUOTE : (int)use_len;
	pl_printf(&m, "称资金用于“%.*s", len, use);
	pl_utf8_trim(&m);
	pl_puts(&m, use_len > USE_QUOTE ? "…”" : "”");
	pl_puts(&m, "，但所引证据中没有");
	for (size_t k = 0, j = 0; k < s->n_use; k++)
		if (!(met & (1u << k)))
			pl_printf(&m, "%s%s", j++ ? "、" : "", s->use[k].zh);
	pl_puts(&m, "；资金用途及去向事实不清、证据不足");
	/* what is missing, each need in its own words; the common outline
	 * (once) for needs without (rules before 5) */
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o, "针对事实%s：", pl_id(f->id));
	int any = 0, common = 0;
	for (size_t k = 0; k < s->n_use; k++) {
		if (met & (1u << k))
			continue;
		const char *t = s->use[k].outline;
		if (!t) {
			if (common)
				continue;
			common = 1;
			t = s->use_outline;
		}
		pl_printf(&o, "%s%s", any++ ? "；" : "", t);
	}
	pl_emit(x->e, x->emit, "facts", s->use_sev, "use_unproven", x->msg, &r,
	        x->out);
}

static void requirement(struct ctx *x, const shenli_fact *f,
                        const struct need *n)
{
	pl_buf m, o;
	pl_refs r = {.n = 0};
	pl_ref(&r, f->id);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	put_fact(&m, x->s, f);
	pl_printf(&m, "缺少%s", n->need);
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o, "针对事实%s：%s", pl_id(f->id), n->outline);
	pl_emit(x->e, x->emit, "evidence", n->sev, "evidence_requirement",
	        x->msg, &r, x->out);
}

static void no_identity(struct ctx *x)
{
	const struct state *s = x->s;
	pl_buf m, o;
	pl_refs r = {.n = 0};
	for (size_t i = 0; i < s->n_identity; i++)
		pl_ref(&r, s->identity_ref[i]);
	pl_buf_init(&m, x->msg, sizeof x->msg);
	pl_printf(&m, "卷宗缺少%s的", subject_name(x->c));
	for (size_t i = 0; i < s->n_identity; i++)
		pl_printf(&m, "%s%s", i ? "或" : "",
		          pl_name(&s->docs, s->identity[i]));
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_printf(&o,
	          "补充%s的干部履历表、任免文件等身份材料，核实其政治面貌、"
	          "是否公职人员及职务职级（决定可适用的处分种类）",
	          subject_name(x->c));
	pl_emit(x->e, x->emit, "formalities", SHENLI_BLOCKER, "no_identity",
	        x->msg, &r, x->out);
}

static void check_fact(struct ctx *x, const struct index *ix,
                       const shenli_fact *f)
{
	const struct state *s = x->s;
	long v = pl_vocab_find(&s->vocab, f->violation);
	const struct need *needs = v >= 0 ? &s->needs[s->first[v]] : NULL;
	size_t n_needs = v >= 0 ? s->count[v] : 0;
	unsigned met = 0;     /* bit k: needs[k] is met */
	unsigned use_met = 0; /* bit k: s->use[k] is met */
	size_t found = 0;
	int corroborated = 0, flow = 0, value = 0, goods = 0;
	pl_refs self = {.n = 0};

	for (size_t i = 0; i < f->n_evidence; i++) {
		const char *id = f->evidence[i];
		const shenli_evidence *ev = index_find(ix, id);
		if (!ev) {
			dangling(x, f, id);
			continue;
		}
		found++;
		int own = pl_in(s->self, s->n_self, ev->kind);
		if (own)
			pl_ref(&self, ev->id);
		else
			corroborated = 1;
		flow |= is_money(s, ev);
		if (s->has_kind) {
			value |= !own && is_value(&s->value, ev);
			goods |= is_goods(&s->goods, ev);
		}
		/* A tag says what an item is about, not that it proves it: the
		 * subject's own account of the use, the payee, where the money
		 * went or what the goods were worth is the claim to be proved
		 * (a confession alone cannot establish a fact), so it meets
		 * none of these needs however it is tagged. */
		for (size_t k = 0; k < s->n_use && !own; k++)
			if (has_tag(ev, s->use[k].tags, s->use[k].n_tags))
				use_met |= 1u << k;
		for (size_t k = 0; k < n_needs; k++)
			if (meets(&needs[k], ev))
				met |= 1u << k;
	}
	if (!found) {
		no_evidence(x, f);
		return;
	}
	if (!corroborated)
		confession_only(x, f, &self);
	/* goods are proved by what they are worth and what they are; money
	 * by its record (without in_kind rules, goods are judged as money) */
	int kind = f->in_kind && s->has_kind;
	if (f->has_amount && !kind && !flow)
		no_money_flow(x, f);
	if (f->has_amount && kind && !value)
		no_valuation(x, f);
	if (f->has_amount && kind && !goods)
		no_goods_record(x, f);
	size_t use_len;
	const char *use = v >= 0 && s->vocab.v[v].use_matters && s->has_use
	                      ? stated_use(s, f, &use_len)
	                      : NULL;
	if (use && own_use(s, use, use_len))
		for (size_t k = 0; k < s->n_use; k++)
			if (s->use[k].own_use)
				use_met |= 1u << k;
	if (use && use_met != (1u << s->n_use) - 1)
		use_unproven(x, f, use, use_len, use_met);
	for (size_t k = 0; k < n_needs; k++)
		if (!(met & (1u << k)) &&
		    (!needs[k].amount_only || f->has_amount))
			requirement(x, f, &needs[k]);
}

static int has_identity(const struct state *s, const shenli_case *c)
{
	if (!s->n_identity) /* the rules ask for none */
		return 1;
	for (size_t i = 0; i < c->n_documents; i++)
		if (pl_in(s->identity, s->n_identity, c->documents[i].kind))
			return 1;
	return 0;
}

static int ev_check(void *st, const shenli_case *c, shenli_emitter *e,
                    shenli_emit_fn emit)
{
	const struct state *s = st;
	if (!s || !c || !emit)
		return -1;
	struct index ix;
	if (index_open(&ix, c))
		return -1; /* out of memory: the host records that we failed */
	/* two message buffers of a few KiB: on the stack, not cleared (each
	 * finding writes its text from the start) */
	struct ctx x;
	x.s = s;
	x.c = c;
	x.e = e;
	x.emit = emit;
	for (size_t i = 0; i < c->n_facts; i++)
		check_fact(&x, &ix, &c->facts[i]);
	if (!has_identity(s, c))
		no_identity(&x);
	free(ix.keys);
	return 0;
}

static const shenli_dispatch table[] = {
    {SHENLI_FN_NAME, (shenli_funcptr)ev_name},
    {SHENLI_FN_OPEN, (shenli_funcptr)ev_open},
    {SHENLI_FN_CHECK, (shenli_funcptr)ev_check},
    {SHENLI_FN_CLOSE, (shenli_funcptr)ev_close},
    {0, NULL},
};

PL_EXPORT const int shenli_plugin_abi = SHENLI_PLUGIN_ABI;

PL_EXPORT const shenli_dispatch *shenli_plugin_init(int host_abi)
{
	return host_abi == SHENLI_PLUGIN_ABI ? table : NULL;
}
