/*
 * classification.c - classification and disposal (定性准确、处理恰当). See
 * DOMAIN.md, "Classification and sanction".
 *
 * Rules: code, standard, severity; when the rule fires.
 *   unknown_violation          classification  blocker
 *       a fact's violation is not in the rules vocabulary
 *   discipline_missed          classification  blocker
 *       a violation's discipline is not among those proposed
 *   discipline_unsupported     classification  warning
 *       a proposed discipline that no fact's violation belongs to
 *   eight_point_missed         classification  blocker
 *       a violation with eight_point "yes", and the flag is false
 *   eight_point_depends        classification  note
 *       a violation with eight_point "depends" (小金库), the flag false
 *   eight_point_unsupported    classification  warning
 *       the flag is true, and no violation is "yes" or "depends"
 *   unknown_sanction           disposal        blocker
 *       a party or government sanction that is not on its ladder
 *   party_sanction_non_member  disposal        blocker
 *       a party sanction for a subject who is not a party member
 *   gov_sanction_non_official  disposal        blocker
 *       a government sanction for a subject who is not an official
 *   sanction_one_system        disposal        warning
 *       a member who is an official, with only one of the two sanctions
 *   party_gov_mismatch         disposal        blocker
 *       the pair is not in party_gov_agreement
 *   form_mismatch              disposal        blocker
 *       the form is none of those forms gives for the sanction (开除党籍
 *       and 开除 go with the third form and with the fourth, so that pair
 *       is never flagged)
 *   form_adjustment            disposal        note
 *       no sanction, and a form that may be an organizational adjustment
 *       (rules: "adjustment", forms 2 and 3): the measure is to be checked
 *   sanction_too_light         disposal        blocker / warning
 *   sanction_too_heavy         disposal        blocker / warning
 *       the proposal is below / above the range the case warrants
 *       (畸轻畸重), named in the message: a blocker from far_levels
 *       levels away, else a warning; inside the range, nothing
 *   crime_unsupported          disposal        note
 *       a crime form (or circumstance) proposed, and no fact reaches
 *       crime_level: said, and the range is not lifted (the sanction is
 *       judged at its own level, so an expulsion for a small sum stays
 *       畸重 whatever form it is given)
 *   prior_sanctions_not_cited  disposal        warning
 *       prior sanctions, and no "prior" circumstance in the proposal
 *   prior_not_a_sanction       disposal        note
 *       a prior "sanction" whose level is on neither ladder (诫勉, a
 *       组织处理 measure): shown, not counted as one
 *   several_prior_sanctions    disposal        note
 *       the subject carries several_sanctions or more (seed 003)
 *   unknown_circumstance       disposal        note
 *       the proposal cites a circumstance the rules do not know: shown,
 *       left out of the range, never an error
 *
 * Misclassification and disproportion are what a review panel exists to
 * correct (定性不准 … 处置畸轻畸重, seed 003): they block sign-off. What only
 * may be wrong (a discipline or eight-point label without a matching fact,
 * one system's sanction missing, a slightly light or heavy sanction) is a
 * warning; what the panel should merely see is a note.
 *
 * The range a case warrants, on the one scale of sanction_ladders (the
 * 条例 gives ranges: 情节较轻的，给予警告或者严重警告处分, ...):
 *   each violation: the range of its amount band (amounts of its facts
 *   added up, each rounded to the fen and added exactly so that a sum
 *   equal to a band's "from" reaches it: a dossier merges repeats of one
 *   violation; the value of goods counts as money) or, for facts without
 *   an amount, its "levels" range;
 *   the case: the heaviest violation, raised by merge_raise when two or more
 *   violations each deserve a sanction (合并处理), then by prior_raise when
 *   the subject has prior sanctions (any: the view does not say whether a
 *   sanction's period of effect, 影响期, is over, so the cautious reading),
 *   capped at top_level, except that a crime-level violation stays at
 *   crime_level;
 *   an aggravating circumstance moves it up by aggravate_levels: the top
 *   (加重) and, while it stays below the top, the bottom (从重: the
 *   lightest sanction is no longer enough); a "prior" one (受处分后再犯)
 *   only when no prior sanction is on record, since prior_raise counted
 *   those;
 *   a mitigating circumstance lowers the bottom by mitigate_levels (减轻,
 *   however many grounds), never below a crime;
 *   a crime form (form 4: suspected of a crime, transferred for
 *   prosecution) lifts nothing: a case whose facts reach crime_level has
 *   it already, and one whose facts do not gets crime_unsupported.
 * The proposal's level: the party sanction's (else the government's) level
 * range on the ladder, the top rung reading as crime_level in a crime
 * form whose facts reach a crime. The two ranges are compared; the distance
 * decides blocker or warning.
 */
#include "../common.h"

#define MAX_LEVELS 16
#define MAX_RUNGS 16
#define MAX_BANDS 16
#define MAX_CIRCS 64
#define N_FORMS 4
/* Vocabularies up to this size get their per-case accumulators on the
 * stack; larger ones (up to PL_MAX_VIOL) one allocation per case. */
#define STACK_VIOL 64
#define MAX_PRIOR_SHOWN 8

struct rung {
	const char *name;
	int lo, hi;
};

struct vband {
	int has, lo, hi;
	long long from[MAX_BANDS]; /* in fen (pl_fen): compared with sums */
	int blo[MAX_BANDS], bhi[MAX_BANDS];
	size_t n;
};

struct circ {
	const char *code, *zh;
	int lower, raise, crime, prior;
};

struct form {
	const char *zh;
	const char *party[PL_MAX_LIST], *gov[PL_MAX_LIST];
	size_t n_party, n_gov;
	int no_sanction, crime;
	int adjustment; /* the form may be an organizational adjustment, with
	                   no sanction (forms 2 and 3) */
};

struct agree {
	const char *party;
	const char *gov[PL_MAX_LIST];
	size_t n;
};

struct state {
	json_t *root; /* every string below points into it */
	pl_vocab vocab;
	struct vband *bands; /* per violation */
	const char *level_names[MAX_LEVELS];
	int n_levels, top, crime;
	struct rung party[MAX_RUNGS], gov[MAX_RUNGS];
	size_t n_party, n_gov;
	int merge_raise, prior_raise, aggravate, mitigate, far, several;
	struct circ circ[MAX_CIRCS];
	size_t n_circ;
	struct form form[N_FORMS];
	struct agree agree[MAX_RUNGS];
	size_t n_agree;
};

static const char *cl_name(void)
{
	return "classification";
}

static void cl_close(void *p)
{
	struct state *s = p;
	if (!s)
		return;
	pl_vocab_free(&s->vocab);
	free(s->bands);
	json_decref(s->root);
	free(s);
}

/* ---- reading the rules -------------------------------------------------- */

static const struct rung *rung_find(const struct rung *r, size_t n,
                                    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (pl_eq(r[i].name, name))
			return &r[i];
	return NULL;
}

/* A prior sanction counts (从重) only if it is one: a level on its system's
 * ladder. 诫勉 or a 组织处理 measure recorded among them is kept and shown
 * (prior_not_a_sanction), not counted. */
static int prior_counts(const struct state *s, const shenli_prior_sanction *ps)
{
	if (!ps->level)
		return 0;
	if (pl_eq(ps->system, "party"))
		return rung_find(s->party, s->n_party, ps->level) != NULL;
	if (pl_eq(ps->system, "gov"))
		return rung_find(s->gov, s->n_gov, ps->level) != NULL;
	return 0;
}

static size_t priors_counted(const struct state *s, const shenli_subject *sub)
{
	size_t n = 0;
	for (size_t i = 0; i < sub->n_prior; i++)
		n += prior_counts(s, &sub->prior[i]);
	return n;
}

static int load_ladder(const struct state *s, json_t *a, struct rung *r,
                       size_t *n)
{
	*n = 0;
	if (!json_is_array(a) || !json_array_size(a) ||
	    json_array_size(a) > MAX_RUNGS)
		return -1;
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		struct rung x = {
		    pl_str(json_object_get(o, "name"), PL_MAX_CODE), 0, 0};
		if (!x.name || rung_find(r, *n, x.name) ||
		    pl_int(o, "level", 0, 0, 1, s->top, &x.lo) ||
		    pl_int(o, "max_level", 1, x.lo, x.lo, s->top, &x.hi))
			return -1;
		r[(*n)++] = x;
	}
	return 0;
}

static int load_ladders(struct state *s)
{
	json_t *o = json_object_get(s->root, "sanction_ladders");
	json_t *names = json_object_get(o, "level_names");
	if (!json_is_object(o) || !json_is_array(names) ||
	    json_array_size(names) < 2 || json_array_size(names) > MAX_LEVELS)
		return -1;
	s->n_levels = (int)json_array_size(names);
	for (int i = 0; i < s->n_levels; i++)
		if (!(s->level_names[i] = pl_str(
		          json_array_get(names, (size_t)i), PL_MAX_TEXT)))
			return -1;
	if (pl_int(o, "top_level", 0, 0, 1, s->n_levels - 1, &s->top) ||
	    pl_int(o, "crime_level", 0, 0, s->top, s->n_levels - 1,
	           &s->crime) ||
	    load_ladder(s, json_object_get(o, "party"), s->party,
	                &s->n_party) ||
	    load_ladder(s, json_object_get(o, "gov"), s->gov, &s->n_gov))
		return -1;
	return 0;
}

/* A band's range: "levels": [lo, hi], or (rules before version 2) one
 * "level". */
static int load_range(const struct state *s, json_t *x, int *lo, int *hi)
{
	json_t *lv = json_object_get(x, "levels");
	if (!lv) {
		if (pl_int(x, "level", 0, 0, 0, s->crime, lo))
			return -1;
		*hi = *lo;
		return 0;
	}
	json_t *a = json_array_get(lv, 0), *b = json_array_get(lv, 1);
	if (json_object_get(x, "level") || !json_is_array(lv) ||
	    json_array_size(lv) != 2 || !json_is_integer(a) ||
	    !json_is_integer(b) || json_integer_value(a) < 0 ||
	    json_integer_value(a) > json_integer_value(b) ||
	    json_integer_value(b) > s->crime)
		return -1;
	*lo = (int)json_integer_value(a);
	*hi = (int)json_integer_value(b);
	return 0;
}

static int load_band(const struct state *s, json_t *o, struct vband *b)
{
	json_t *lv = json_object_get(o, "levels");
	json_t *bands = json_object_get(o, "amount_bands");
	if (!json_is_object(o) || !json_is_array(lv) ||
	    json_array_size(lv) != 2)
		return -1;
	json_t *lo = json_array_get(lv, 0), *hi = json_array_get(lv, 1);
	if (!json_is_integer(lo) || !json_is_integer(hi) ||
	    json_integer_value(lo) < 0 ||
	    json_integer_value(lo) > json_integer_value(hi) ||
	    json_integer_value(hi) > s->crime)
		return -1;
	b->has = 1;
	b->lo = (int)json_integer_value(lo);
	b->hi = (int)json_integer_value(hi);
	b->n = 0;
	if (!bands)
		return 0;
	if (!json_is_array(bands) || json_array_size(bands) > MAX_BANDS)
		return -1;
	double prev = 0;
	for (size_t i = 0; i < json_array_size(bands); i++) {
		json_t *x = json_array_get(bands, i);
		json_t *from = json_object_get(x, "from");
		if (!json_is_object(x) || !json_is_number(from) ||
		    !(json_number_value(from) >= 0) ||
		    (i && json_number_value(from) <= prev) ||
		    load_range(s, x, &b->blo[i], &b->bhi[i]))
			return -1;
		prev = json_number_value(from);
		b->from[i] = pl_fen(prev);
		b->n++;
	}
	return 0;
}

/* sanction_bands: {violation: band}; every key a known violation. A
 * violation without a band is not judged for proportion. */
static int load_bands(struct state *s)
{
	json_t *o = json_object_get(s->root, "sanction_bands");
	s->bands = calloc(s->vocab.n, sizeof *s->bands);
	if (!s->bands || !json_is_object(o))
		return -1;
	const char *code;
	json_t *b;
	json_object_foreach(o, code, b)
	{
		if (!strcmp(code, "note")) /* a comment for the admin */
			continue;
		long v = pl_vocab_find(&s->vocab, code);
		if (v < 0 || load_band(s, b, &s->bands[v]))
			return -1;
	}
	return 0;
}

static int load_policy(struct state *s)
{
	json_t *o = json_object_get(s->root, "sanction_policy");
	if (!json_is_object(o) ||
	    pl_int(o, "merge_raise", 0, 0, 0, 3, &s->merge_raise) ||
	    pl_int(o, "prior_raise", 0, 0, 0, 3, &s->prior_raise) ||
	    pl_int(o, "aggravate_levels", 1, 1, 0, 3, &s->aggravate) ||
	    pl_int(o, "mitigate_levels", 1, 1, 0, 3, &s->mitigate) ||
	    pl_int(o, "far_levels", 0, 0, 1, MAX_LEVELS, &s->far) ||
	    pl_int(o, "several_sanctions", 0, 0, 1, 1000, &s->several))
		return -1;
	return 0;
}

static int load_circs(struct state *s)
{
	json_t *o = json_object_get(s->root, "circumstances");
	if (!json_is_object(o) || json_object_size(o) > MAX_CIRCS)
		return -1;
	const char *code;
	json_t *c;
	json_object_foreach(o, code, c)
	{
		struct circ *x = &s->circ[s->n_circ++];
		x->code = code;
		x->zh = pl_str(json_object_get(c, "zh"), PL_MAX_TEXT);
		json_t *eff = json_object_get(c, "effect");
		if (!x->zh || pl_int(c, "lower", 1, 0, 0, 3, &x->lower) ||
		    pl_bool(c, "crime", &x->crime) ||
		    pl_bool(c, "prior", &x->prior))
			return -1;
		/* an effect moves the range by the policy's levels; rules
		 * before version 2 gave a circumstance its own "lower" */
		if (pl_eq(json_string_value(eff), "mitigating"))
			x->lower = s->mitigate;
		else if (pl_eq(json_string_value(eff), "aggravating"))
			x->raise = s->aggravate;
		else if (eff)
			return -1;
	}
	return 0;
}

static int names_on(const struct rung *r, size_t nr, const char *const *l,
                    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!rung_find(r, nr, l[i]))
			return 0;
	return 1;
}

/* forms: exactly the four, each once, naming only ladder rungs. */
static int load_forms(struct state *s)
{
	json_t *a = json_object_get(s->root, "forms");
	int seen = 0;
	if (!json_is_array(a) || json_array_size(a) != N_FORMS)
		return -1;
	for (size_t i = 0; i < N_FORMS; i++) {
		json_t *o = json_array_get(a, i);
		int no;
		if (pl_int(o, "form", 0, 0, 1, N_FORMS, &no) ||
		    (seen & (1 << no)))
			return -1;
		seen |= 1 << no;
		struct form *f = &s->form[no - 1];
		f->zh = pl_str(json_object_get(o, "zh"), PL_MAX_TEXT);
		if (!f->zh ||
		    pl_codes(json_object_get(o, "party"), 0, f->party,
		             PL_MAX_LIST, &f->n_party) ||
		    pl_codes(json_object_get(o, "gov"), 0, f->gov, PL_MAX_LIST,
		             &f->n_gov) ||
		    !names_on(s->party, s->n_party, f->party, f->n_party) ||
		    !names_on(s->gov, s->n_gov, f->gov, f->n_gov) ||
		    pl_bool(o, "no_sanction", &f->no_sanction) ||
		    pl_bool(o, "adjustment", &f->adjustment) ||
		    pl_bool(o, "crime", &f->crime))
			return -1;
	}
	return 0;
}

static int load_agreement(struct state *s)
{
	json_t *o = json_object_get(s->root, "party_gov_agreement");
	if (!json_is_object(o) || json_object_size(o) > MAX_RUNGS)
		return -1;
	const char *party;
	json_t *l;
	json_object_foreach(o, party, l)
	{
		struct agree *x = &s->agree[s->n_agree++];
		x->party = party;
		if (!rung_find(s->party, s->n_party, party) ||
		    pl_codes(l, 0, x->gov, PL_MAX_LIST, &x->n) || !x->n ||
		    !names_on(s->gov, s->n_gov, x->gov, x->n))
			return -1;
	}
	return 0;
}

static void *cl_open(const char *rules, size_t len)
{
	struct state *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->root = pl_load(rules, len);
	if (!s->root || pl_vocab_load(s->root, &s->vocab) || load_ladders(s) ||
	    load_bands(s) || load_policy(s) || load_circs(s) || load_forms(s) ||
	    load_agreement(s)) {
		cl_close(s);
		return NULL;
	}
	return s;
}

/* ---- the check ---------------------------------------------------------- */

struct acc {
	long long fen; /* the amounts added up, in fen (pl_fen) */
	int money, plain, lo, hi;
};

struct ctx {
	const struct state *s;
	const shenli_case *c;
	shenli_emitter *e;
	shenli_emit_fn emit;
	struct acc *acc; /* per violation */
	long *vi;        /* per fact: violation index, -1 unknown */
	int unknown;     /* some fact's violation is not in the vocabulary */
	char msg[PL_MSG], out[PL_MSG];
};

static const char *subject_name(const shenli_case *c)
{
	return c->subject.name && *c->subject.name ? c->subject.name
	                                           : "被审查调查人";
}

/* "F1（违规公款吃喝）、F3（失职失责）" for the facts matching pred. */
static void put_facts(pl_buf *b, const struct ctx *x, pl_refs *r,
                      int (*pred)(const struct ctx *, size_t, int), int arg)
{
	int k = 0;
	for (size_t i = 0; i < x->c->n_facts; i++) {
		if (!pred(x, i, arg))
			continue;
		const shenli_fact *f = &x->c->facts[i];
		pl_printf(b, "%s%s（%s）", k++ ? "、" : "", f->id ? f->id : "?",
		          x->vi[i] >= 0 ? x->s->vocab.v[x->vi[i]].zh : "?");
		pl_ref(r, f->id);
	}
}

static int of_disc(const struct ctx *x, size_t i, int d)
{
	return x->vi[i] >= 0 && x->s->vocab.v[x->vi[i]].disc == d;
}

static int of_eight(const struct ctx *x, size_t i, int eight)
{
	return x->vi[i] >= 0 && x->s->vocab.v[x->vi[i]].eight == eight;
}

static void classify(struct ctx *x)
{
	const struct state *s = x->s;
	const shenli_case *c = x->c;
	const shenli_proposal *p = &c->proposal;
	unsigned facts = 0, proposed = 0;
	int yes = 0, depends = 0;
	pl_buf m, o;

	for (size_t i = 0; i < c->n_facts; i++) {
		if (x->vi[i] < 0) {
			const shenli_fact *f = &c->facts[i];
			pl_refs r = {.n = 0};
			pl_ref(&r, f->id);
			pl_buf_init(&m, x->msg, sizeof x->msg);
			pl_printf(&m,
			          "事实%s的违纪类型“%s”不在规则词表中，无法"
			          "定性量纪",
			          f->id ? f->id : "?",
			          f->violation ? f->violation : "");
			pl_buf_init(&o, x->out, sizeof x->out);
			pl_printf(&o,
			          "核实事实%s的违纪行为性质，按规则词表准确"
			          "定性",
			          f->id ? f->id : "?");
			pl_emit(x->e, x->emit, "classification", SHENLI_BLOCKER,
			        "unknown_violation", x->msg, &r, x->out);
			continue;
		}
		const pl_violation *v = &s->vocab.v[x->vi[i]];
		facts |= 1u << v->disc;
		yes |= v->eight == 1;
		depends |= v->eight == -1;
	}
	for (size_t i = 0; i < p->n_disciplines; i++) {
		int d = pl_disc_index(p->disciplines[i]);
		if (d >= 0)
			proposed |= 1u << d;
	}

	for (int d = 0; d < PL_N_DISC; d++) {
		pl_refs r = {.n = 0};
		if ((facts & (1u << d)) && !(proposed & (1u << d))) {
			pl_buf_init(&m, x->msg, sizeof x->msg);
			pl_puts(&m, "事实");
			put_facts(&m, x, &r, of_disc, d);
			pl_printf(&m, "违反%s，但处理意见的定性中没有%s",
			          pl_disc_zh(d), pl_disc_zh(d));
			pl_buf_init(&o, x->out, sizeof x->out);
			pl_puts(&o, "核实事实");
			for (size_t i = 0; i < r.n; i++)
				pl_printf(&o, "%s%s", i ? "、" : "", r.v[i]);
			pl_printf(&o,
			          "的定性，补充认定其违反%s的事实依据，在处理"
			          "意见中准确定性",
			          pl_disc_zh(d));
			pl_emit(x->e, x->emit, "classification", SHENLI_BLOCKER,
			        "discipline_missed", x->msg, &r, x->out);
		} else if (!(facts & (1u << d)) && (proposed & (1u << d)) &&
		           !x->unknown) {
			pl_buf_init(&m, x->msg, sizeof x->msg);
			pl_printf(&m,
			          "处理意见认定违反%s，但没有属于%s的违纪事实",
			          pl_disc_zh(d), pl_disc_zh(d));
			pl_emit(x->e, x->emit, "classification", SHENLI_WARNING,
			        "discipline_unsupported", x->msg, &r, NULL);
		}
	}

	pl_refs r = {.n = 0};
	if (!p->eight_point_rules && yes) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_puts(&m, "事实");
		put_facts(&m, x, &r, of_eight, 1);
		pl_puts(&m, "属于违反中央八项规定精神问题，处理意见未作此认定");
		pl_buf_init(&o, x->out, sizeof x->out);
		pl_puts(&o, "补充认定事实");
		for (size_t i = 0; i < r.n; i++)
			pl_printf(&o, "%s%s", i ? "、" : "", r.v[i]);
		pl_puts(&o,
		        "违反中央八项规定精神的证据材料（发生时间、资金来源、"
		        "具体情形），在定性中予以明确");
		pl_emit(x->e, x->emit, "classification", SHENLI_BLOCKER,
		        "eight_point_missed", x->msg, &r, x->out);
	} else if (!p->eight_point_rules && depends) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_puts(&m, "事实");
		put_facts(&m, x, &r, of_eight, -1);
		pl_puts(&m,
		        "是否违反中央八项规定精神取决于资金用途，处理意见未作"
		        "此认定，请核实");
		pl_buf_init(&o, x->out, sizeof x->out);
		pl_puts(&o, "查明事实");
		for (size_t i = 0; i < r.n; i++)
			pl_printf(&o, "%s%s", i ? "、" : "", r.v[i]);
		pl_puts(&o,
		        "所涉资金的具体用途：用于公款吃喝、发放津贴福利、租用"
		        "车辆等的，应认定违反中央八项规定精神");
		pl_emit(x->e, x->emit, "classification", SHENLI_NOTE,
		        "eight_point_depends", x->msg, &r, x->out);
	} else if (p->eight_point_rules && !yes && !depends && !x->unknown) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_puts(&m, "处理意见认定违反中央八项规定精神，但所列事实中没有"
		            "属于此类的违纪行为");
		pl_emit(x->e, x->emit, "classification", SHENLI_WARNING,
		        "eight_point_unsupported", x->msg, &r, NULL);
	}
}

/* ---- sanctions ---------------------------------------------------------- */

static void put_proposed(pl_buf *b, const shenli_proposal *p)
{
	if (p->party_sanction && p->gov_sanction)
		pl_printf(b, "党纪%s、政务%s", p->party_sanction,
		          p->gov_sanction);
	else if (p->party_sanction)
		pl_printf(b, "党纪%s", p->party_sanction);
	else if (p->gov_sanction)
		pl_printf(b, "政务%s", p->gov_sanction);
	else
		pl_puts(b, "不予处分");
}

static void put_names(pl_buf *b, const struct rung *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pl_printf(b, "%s%s", i ? "、" : "", r[i].name);
}

static int cites(const struct state *s, const shenli_proposal *p,
                 int (*flag)(const struct circ *), const struct circ **hit)
{
	for (size_t i = 0; i < p->n_circumstances; i++)
		for (size_t k = 0; k < s->n_circ; k++)
			if (flag(&s->circ[k]) &&
			    pl_eq(s->circ[k].code, p->circumstances[i])) {
				if (hit)
					*hit = &s->circ[k];
				return 1;
			}
	return 0;
}

static int is_crime(const struct circ *c)
{
	return c->crime;
}
static int is_prior(const struct circ *c)
{
	return c->prior;
}

static void validity(struct ctx *x, const struct rung *pr,
                     const struct rung *gr)
{
	const struct state *s = x->s;
	const shenli_case *c = x->c;
	const shenli_proposal *p = &c->proposal;
	const char *who = subject_name(c);
	pl_refs none = {.n = 0};
	pl_buf m, o;

	if (p->party_sanction && !pr) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "拟给予的党纪处分“%s”不是党纪处分的种类（",
		          p->party_sanction);
		put_names(&m, s->party, s->n_party);
		pl_puts(&m, "）");
		pl_emit(x->e, x->emit, "disposal", SHENLI_BLOCKER,
		        "unknown_sanction", x->msg, &none, NULL);
	}
	if (p->gov_sanction && !gr) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "拟给予的政务处分“%s”不是政务处分的种类（",
		          p->gov_sanction);
		put_names(&m, s->gov, s->n_gov);
		pl_puts(&m, "）");
		pl_emit(x->e, x->emit, "disposal", SHENLI_BLOCKER,
		        "unknown_sanction", x->msg, &none, NULL);
	}
	if (p->party_sanction && !c->subject.party_member) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "%s不是中共党员，不能给予党纪处分（%s）", who,
		          p->party_sanction);
		pl_buf_init(&o, x->out, sizeof x->out);
		pl_printf(&o, "核实%s的政治面貌，调取其入党材料或党员身份证明",
		          who);
		pl_emit(x->e, x->emit, "disposal", SHENLI_BLOCKER,
		        "party_sanction_non_member", x->msg, &none, x->out);
	}
	if (p->gov_sanction && !c->subject.public_official) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "%s不是公职人员，不能给予政务处分（%s）", who,
		          p->gov_sanction);
		pl_buf_init(&o, x->out, sizeof x->out);
		pl_printf(&o,
		          "核实%s是否属于监察对象（公职人员和有关人员），"
		          "调取其任免、聘用材料",
		          who);
		pl_emit(x->e, x->emit, "disposal", SHENLI_BLOCKER,
		        "gov_sanction_non_official", x->msg, &none, x->out);
	}
	if (c->subject.party_member && c->subject.public_official &&
	    !p->party_sanction != !p->gov_sanction) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "%s系中共党员且为公职人员，拟仅给予", who);
		put_proposed(&m, p);
		pl_printf(&m, "处分，未提出相应的%s处分意见",
		          p->party_sanction ? "政务" : "党纪");
		pl_emit(x->e, x->emit, "disposal", SHENLI_WARNING,
		        "sanction_one_system", x->msg, &none, NULL);
	}
	if (pr && gr) {
		const struct agree *a = NULL;
		for (size_t i = 0; i < s->n_agree; i++)
			if (pl_eq(s->agree[i].party, pr->name))
				a = &s->agree[i];
		if (a && !pl_in(a->gov, a->n, gr->name)) {
			pl_buf_init(&m, x->msg, sizeof x->msg);
			pl_printf(&m,
			          "党纪处分%s与政务处分%s轻重不相适应；与%s相当"
			          "的政务处分为",
			          pr->name, gr->name, pr->name);
			for (size_t i = 0; i < a->n; i++)
				pl_printf(&m, "%s%s", i ? "、" : "", a->gov[i]);
			pl_emit(x->e, x->emit, "disposal", SHENLI_BLOCKER,
			        "party_gov_mismatch", x->msg, &none, NULL);
		}
	}
}

static void put_form(pl_buf *b, const struct state *s, int form)
{
	if (form >= 1 && form <= N_FORMS)
		pl_puts(b, s->form[form - 1].zh);
	else
		pl_printf(b, "第%d种形态", form);
}

static void form_check(struct ctx *x, const struct rung *pr,
                       const struct rung *gr)
{
	const struct state *s = x->s;
	const shenli_proposal *p = &x->c->proposal;
	if ((p->party_sanction && !pr) || (!pr && p->gov_sanction && !gr))
		return; /* unknown_sanction said it */
	/* The party sanction decides the form when there is one: a gov
	 * sanction that disagrees is party_gov_mismatch, not a form matter.
	 * Every form whose list takes the sanction is right: 开除党籍 with
	 * 开除 is the third form, and the fourth when the case goes to the
	 * prosecutors; whether the facts reach a crime is proportion's
	 * question, not the form's. */
	const char *name = pr ? pr->name : gr ? gr->name : NULL;
	pl_refs none = {.n = 0};
	pl_buf m;
	if (!name && p->form >= 1 && p->form <= N_FORMS &&
	    s->form[p->form - 1].adjustment) {
		/* no sanction, and a form that is also an organizational
		 * adjustment (组织调整): right if there is one, which the
		 * dossier does not say */
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_puts(&m, "处理意见定为");
		put_form(&m, s, p->form);
		pl_puts(&m, "而未拟给予处分，应为组织调整或职务调整；"
		            "请核实所作的组织处理措施");
		pl_emit(x->e, x->emit, "disposal", SHENLI_NOTE,
		        "form_adjustment", x->msg, &none, NULL);
		return;
	}
	unsigned want = 0;
	for (int i = 0; i < N_FORMS; i++) {
		const struct form *f = &s->form[i];
		int fits = !name ? f->no_sanction
		           : pr  ? pl_in(f->party, f->n_party, name)
		                 : pl_in(f->gov, f->n_gov, name);
		if (fits)
			want |= 1u << (i + 1);
	}
	if (!want ||
	    (p->form >= 1 && p->form <= N_FORMS && (want & (1u << p->form))))
		return;
	pl_buf_init(&m, x->msg, sizeof x->msg);
	pl_puts(&m, "处理意见定为");
	put_form(&m, s, p->form);
	pl_puts(&m, "，但拟给予的处分（");
	put_proposed(&m, p);
	pl_puts(&m, "）对应");
	for (int i = 1, k = 0; i <= N_FORMS; i++)
		if (want & (1u << i)) {
			pl_puts(&m, k++ ? "或" : "");
			put_form(&m, s, i);
		}
	pl_emit(x->e, x->emit, "disposal", SHENLI_BLOCKER, "form_mismatch",
	        x->msg, &none, NULL);
}

/* ---- proportion (畸轻畸重) ---------------------------------------------- */

/* The range of the band sum falls in; below the first band, the
 * violation's plain range. */
static void band_range(const struct vband *b, long long fen, int *lo, int *hi)
{
	*lo = b->lo;
	*hi = b->hi;
	for (size_t i = 0; i < b->n && fen >= b->from[i]; i++) {
		*lo = b->blo[i];
		*hi = b->bhi[i];
	}
}

static int aggravate(const struct state *s, int level, int count, int priors)
{
	if (level >= s->crime)
		return level;
	if (count >= 2)
		level += s->merge_raise;
	if (priors && level >= 1)
		level += s->prior_raise;
	return level > s->top ? s->top : level;
}

static int at_level(const struct ctx *x, size_t i, int want)
{
	return x->vi[i] >= 0 && (want >= 0 ? x->acc[x->vi[i]].lo == want
	                                   : x->acc[x->vi[i]].hi == -want - 1);
}

static void put_range(pl_buf *b, const struct state *s, int lo, int hi)
{
	if (lo == hi)
		pl_printf(b, "为“%s”", s->level_names[lo]);
	else
		pl_printf(b, "在“%s”至“%s”之间", s->level_names[lo],
		          s->level_names[hi]);
}

static void proportion(struct ctx *x, const struct rung *pr,
                       const struct rung *gr, int crime)
{
	const struct state *s = x->s;
	const shenli_case *c = x->c;
	const shenli_proposal *p = &c->proposal;
	if (x->unknown || !c->n_facts || (p->party_sanction && !pr) ||
	    (!p->party_sanction && p->gov_sanction && !gr))
		return; /* the range or the proposal is unknown */

	/* each violation's range, and the heaviest */
	int max_lo = 0, max_hi = 0, n_lo = 0, n_hi = 0;
	for (size_t i = 0; i < c->n_facts; i++) {
		struct acc *a = &x->acc[x->vi[i]];
		if (a->lo >= 0)
			continue; /* done: the first fact of it did all */
		const struct vband *b = &s->bands[x->vi[i]];
		if (!b->has) {
			a->lo = 0;
			a->hi = s->top;
		} else {
			a->lo = a->hi = -1;
			if (a->money && b->n)
				band_range(b, a->fen, &a->lo, &a->hi);
			if (a->plain || (a->money && !b->n)) {
				a->lo = a->lo > b->lo ? a->lo : b->lo;
				a->hi = a->hi > b->hi ? a->hi : b->hi;
			}
		}
		max_lo = a->lo > max_lo ? a->lo : max_lo;
		max_hi = a->hi > max_hi ? a->hi : max_hi;
		n_lo += a->lo >= 1;
		n_hi += a->hi >= 1;
	}
	int priors = priors_counted(s, &c->subject) > 0;
	int lo = aggravate(s, max_lo, n_lo, priors);
	int hi = aggravate(s, max_hi, n_hi, priors);
	/* the circumstances: the strongest of each direction, once */
	int lower = 0, raise = 0;
	const char *lower_zh = NULL, *raise_zh = NULL;
	for (size_t i = 0; i < p->n_circumstances; i++)
		for (size_t k = 0; k < s->n_circ; k++) {
			const struct circ *ci = &s->circ[k];
			if (!pl_eq(ci->code, p->circumstances[i]))
				continue;
			if (ci->lower > lower) {
				lower = ci->lower;
				lower_zh = ci->zh;
			}
			/* prior sanctions on record were counted already */
			if (ci->raise > raise && !(ci->prior && priors)) {
				raise = ci->raise;
				raise_zh = ci->zh;
			}
		}
	if (hi < s->crime && raise) {
		/* 从重 within the range, 加重 above it */
		lo = lo + raise <= hi ? lo + raise : hi > lo ? hi : lo;
		hi = hi + raise < s->top ? hi + raise : s->top;
		if (lo > hi)
			lo = hi;
	} else {
		raise = 0; /* not applied: say nothing about it */
	}
	if (lo < s->crime)
		lo = lo > lower ? lo - lower : 0;
	else
		lower = 0;
	/* A crime claimed (form 4) where no fact reaches crime_level is
	 * said in a note, and it lifts nothing: were the top lifted to a
	 * crime, a claim alone would turn an expulsion for a small sum from
	 * 畸重 into a pass. The sanction is then judged as what it is (开除党籍
	 * at its own level, as in the third form); whether the case belongs
	 * with the prosecutors is the note's question. */
	int unsupported = crime && hi < s->crime;
	if (unsupported) {
		pl_refs none = {.n = 0};
		pl_buf w;
		pl_buf_init(&w, x->msg, sizeof x->msg);
		pl_puts(&w, "处理意见认定涉嫌犯罪（第四种形态），但按事实和"
		            "情节应");
		put_range(&w, s, lo, hi);
		pl_puts(&w, "，卷宗中没有达到涉嫌犯罪程度的事实；"
		            "请核实移送审查起诉的依据");
		pl_emit(x->e, x->emit, "disposal", SHENLI_NOTE,
		        "crime_unsupported", x->msg, &none, NULL);
		crime = 0;
	}

	const struct rung *r = pr ? pr : gr;
	int plo = r ? r->lo : 0, phi = r ? r->hi : 0;
	if (r && crime && phi >= s->top)
		plo = phi = s->crime;

	int light = phi < lo, dist = light ? lo - phi : plo - hi;
	if (!light && plo <= hi)
		return;
	shenli_severity sev = dist >= s->far ? SHENLI_BLOCKER : SHENLI_WARNING;
	pl_refs refs = {.n = 0};
	pl_buf m, o;
	pl_buf_init(&m, x->msg, sizeof x->msg);
	pl_puts(&m, "拟给予的处分（");
	put_proposed(&m, p);
	pl_puts(&m, "）");
	if (light)
		pl_puts(&m,
		        sev == SHENLI_BLOCKER ? "明显偏轻（畸轻）" : "偏轻");
	else
		pl_puts(&m,
		        sev == SHENLI_BLOCKER ? "明显偏重（畸重）" : "偏重");
	pl_puts(&m, "：按事实和情节应");
	put_range(&m, s, lo, hi);
	pl_puts(&m, "。依据：最重的违纪行为为事实");
	int basis = light ? max_lo : max_hi;
	put_facts(&m, x, &refs, at_level, light ? basis : -basis - 1);
	for (size_t i = 0; i < c->n_facts; i++) {
		const shenli_fact *f = &c->facts[i];
		if (f->has_amount && pl_in(refs.v, refs.n, f->id)) {
			pl_printf(&m, "，%s金额", f->id);
			pl_amount(&m, f->amount_yuan);
		}
	}
	if ((light ? n_lo : n_hi) >= 2 && s->merge_raise)
		pl_puts(&m, "；有数种应受处分的违纪行为，合并处理");
	if (priors && s->prior_raise)
		pl_puts(&m, "；曾受处分，从重");
	if (raise)
		pl_printf(&m, "；有%s情节，从重或者加重", raise_zh);
	if (lower)
		pl_printf(&m, "；有%s情节，可从轻或者减轻", lower_zh);
	if (crime)
		pl_puts(&m, "；涉嫌犯罪");
	pl_buf_init(&o, x->out, sizeof x->out);
	pl_puts(&o, "核实事实");
	for (size_t i = 0; i < refs.n; i++)
		pl_printf(&o, "%s%s", i ? "、" : "", refs.v[i]);
	pl_puts(&o, light ? "的涉案金额、情节和后果，查明有无从重、加重情节，"
	                    "以便准确量纪"
	                  : "的涉案金额、情节和后果，查明有无从轻、减轻情节，"
	                    "以便准确量纪");
	pl_emit(x->e, x->emit, "disposal", sev,
	        light ? "sanction_too_light" : "sanction_too_heavy", x->msg,
	        &refs, x->out);
}

static void put_date(pl_buf *b, const char *iso)
{
	char d[PL_ZH_DATE_LEN];
	pl_puts(b, pl_zh_date(d, iso));
}

static void put_prior(pl_buf *b, const shenli_prior_sanction *ps)
{
	pl_printf(b, "%s%s", pl_eq(ps->system, "party") ? "党纪" : "政务",
	          ps->level ? ps->level : "处分");
	if (ps->decided_on) {
		pl_puts(b, "（");
		put_date(b, ps->decided_on);
		pl_puts(b, "）");
	}
}

static void priors(struct ctx *x)
{
	const struct state *s = x->s;
	const shenli_case *c = x->c;
	const shenli_subject *sub = &c->subject;
	pl_refs none = {.n = 0};
	pl_buf m;
	for (size_t i = 0; i < sub->n_prior; i++) {
		if (prior_counts(s, &sub->prior[i]))
			continue;
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "%s曾受的", subject_name(c));
		put_prior(&m, &sub->prior[i]);
		pl_puts(&m, "不在党纪处分或政务处分的档次中，未作为从重情节"
		            "计算；请核实其性质");
		pl_emit(x->e, x->emit, "disposal", SHENLI_NOTE,
		        "prior_not_a_sanction", x->msg, &none, NULL);
	}
	size_t counted = priors_counted(s, sub);
	if (!counted)
		return;
	const shenli_prior_sanction *first = NULL;
	for (size_t i = 0; !first && i < sub->n_prior; i++)
		if (prior_counts(s, &sub->prior[i]))
			first = &sub->prior[i];
	int has_prior_circ = 0;
	for (size_t k = 0; k < s->n_circ; k++)
		has_prior_circ |= s->circ[k].prior;
	if (has_prior_circ && !cites(s, &c->proposal, is_prior, NULL)) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "%s曾受处分（", subject_name(c));
		put_prior(&m, first);
		if (counted > 1)
			pl_printf(&m, "等%zu个", counted);
		pl_puts(&m, "），处理意见未将其列为从重情节");
		pl_emit(x->e, x->emit, "disposal", SHENLI_WARNING,
		        "prior_sanctions_not_cited", x->msg, &none, NULL);
	}
	if (counted >= (size_t)s->several) {
		pl_buf_init(&m, x->msg, sizeof x->msg);
		pl_printf(&m, "%s身背%zu个处分：", subject_name(c), counted);
		size_t shown = 0;
		for (size_t i = 0; i < sub->n_prior && shown < MAX_PRIOR_SHOWN;
		     i++) {
			if (!prior_counts(s, &sub->prior[i]))
				continue;
			pl_puts(&m, shown++ ? "、" : "");
			put_prior(&m, &sub->prior[i]);
		}
		if (counted > MAX_PRIOR_SHOWN)
			pl_puts(&m, "等");
		pl_puts(&m, "，量纪时应予关注");
		pl_emit(x->e, x->emit, "disposal", SHENLI_NOTE,
		        "several_prior_sanctions", x->msg, &none, NULL);
	}
}

/* Codes the rules do not know are kept and shown, never an error: the
 * range is computed without them, and the panel should know that. */
static void unknown_circumstances(struct ctx *x)
{
	const struct state *s = x->s;
	const shenli_proposal *p = &x->c->proposal;
	pl_refs none = {.n = 0};
	pl_buf m;
	pl_buf_init(&m, x->msg, sizeof x->msg);
	int k = 0;
	for (size_t i = 0; i < p->n_circumstances; i++) {
		const char *code = p->circumstances[i];
		int known = 0;
		for (size_t j = 0; j < s->n_circ && !known; j++)
			known = pl_eq(s->circ[j].code, code);
		for (size_t j = 0; j < i && !known; j++)
			known = pl_eq(p->circumstances[j], code); /* once */
		if (!known && code)
			pl_printf(&m, "%s“%s”", k++ ? "、" : "处理意见所列情节",
			          code);
	}
	if (!k)
		return;
	pl_puts(&m, "不在规则的情节词表中，量纪时未予考虑；可用的情节为");
	for (size_t j = 0; j < s->n_circ; j++)
		pl_printf(&m, "%s%s（%s）", j ? "、" : "", s->circ[j].zh,
		          s->circ[j].code);
	pl_emit(x->e, x->emit, "disposal", SHENLI_NOTE, "unknown_circumstance",
	        x->msg, &none, NULL);
}

static int cl_check(void *st, const shenli_case *c, shenli_emitter *e,
                    shenli_emit_fn emit)
{
	const struct state *s = st;
	if (!s || !c || !emit)
		return -1;
	/* per-fact violation index and per-violation accumulators: on the
	 * stack for the usual sizes, one allocation otherwise */
	struct acc acc_stack[STACK_VIOL];
	long vi_stack[16];
	struct acc *acc = acc_stack;
	long *vi = vi_stack;
	if (s->vocab.n > STACK_VIOL)
		acc = malloc(s->vocab.n * sizeof *acc);
	if (c->n_facts > PL_NELEM(vi_stack))
		vi = malloc(c->n_facts * sizeof *vi);
	int rc = -1;
	if (!acc || !vi)
		goto out;

	struct ctx x;
	x.s = s;
	x.c = c;
	x.e = e;
	x.emit = emit;
	x.acc = acc;
	x.vi = vi;
	x.unknown = 0;
	for (size_t i = 0; i < c->n_facts; i++) {
		vi[i] = pl_vocab_find(&s->vocab, c->facts[i].violation);
		if (vi[i] < 0) {
			x.unknown = 1;
			continue;
		}
		/* reset lazily: only the violations this case has */
		acc[vi[i]] = (struct acc){0, 0, 0, -1, -1};
	}
	for (size_t i = 0; i < c->n_facts; i++) {
		if (vi[i] < 0)
			continue;
		struct acc *a = &acc[vi[i]];
		if (c->facts[i].has_amount) {
			/* in whole fen: amounts that add up to a band's
			 * boundary reach it (as doubles, 51610.03 +
			 * 52660.02 + 15729.95 falls short of 120000) */
			long long fen = pl_fen(c->facts[i].amount_yuan);
			a->money = 1;
			a->fen = pl_fen_add(a->fen, fen > 0 ? fen : 0);
		} else {
			a->plain = 1;
		}
	}

	const shenli_proposal *p = &c->proposal;
	const struct rung *pr =
	    rung_find(s->party, s->n_party, p->party_sanction);
	const struct rung *gr = rung_find(s->gov, s->n_gov, p->gov_sanction);
	/* a crime: the proposal's form says the case goes to the
	 * prosecutors (form 4), or (rules before version 2) a crime
	 * circumstance says so */
	int crime =
	    cites(s, p, is_crime, NULL) ||
	    (p->form >= 1 && p->form <= N_FORMS && s->form[p->form - 1].crime);

	classify(&x);
	validity(&x, pr, gr);
	form_check(&x, pr, gr);
	proportion(&x, pr, gr, crime);
	priors(&x);
	unknown_circumstances(&x);
	rc = 0;
out:
	if (acc != acc_stack)
		free(acc);
	if (vi != vi_stack)
		free(vi);
	return rc;
}

static const shenli_dispatch table[] = {
    {SHENLI_FN_NAME, (shenli_funcptr)cl_name},
    {SHENLI_FN_OPEN, (shenli_funcptr)cl_open},
    {SHENLI_FN_CHECK, (shenli_funcptr)cl_check},
    {SHENLI_FN_CLOSE, (shenli_funcptr)cl_close},
    {0, NULL},
};

PL_EXPORT const int shenli_plugin_abi = SHENLI_PLUGIN_ABI;

PL_EXPORT const shenli_dispatch *shenli_plugin_init(int host_abi)
{
	return host_abi == SHENLI_PLUGIN_ABI ? table : NULL;
}
