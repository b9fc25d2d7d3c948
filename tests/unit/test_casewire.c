/*
 * Unit tests: the bytes between the review and the plugin worker
 * (core/casewire.c). A real case (the example dossier as a plugin view)
 * survives the trip field by field; every truncation, a count that asks
 * for more than its bytes could hold, and a string with a NUL inside are
 * refused whole; a finding survives the trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "casewire.h"
#include "plugin_case.h"

static void same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void same_strs(const char *const *a, size_t na, const char *const *b,
                      size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		same_str(a[i], b[i]);
}

static void same_case(const shenli_case *a, const shenli_case *b)
{
	same_str(a->case_id, b->case_id);
	same_str(a->agency, b->agency);
	same_str(a->zone, b->zone);
	same_str(a->state, b->state);
	same_str(a->transferred_on, b->transferred_on);
	same_str(a->subject.name, b->subject.name);
	same_str(a->subject.person_id, b->subject.person_id);
	same_str(a->subject.position, b->subject.position);
	same_str(a->subject.rank, b->subject.rank);
	assert_int_equal(a->subject.party_member, b->subject.party_member);
	assert_int_equal(a->subject.public_official,
	                 b->subject.public_official);
	assert_int_equal(a->subject.n_prior, b->subject.n_prior);
	for (size_t i = 0; i < a->subject.n_prior; i++) {
		same_str(a->subject.prior[i].system,
		         b->subject.prior[i].system);
		same_str(a->subject.prior[i].level, b->subject.prior[i].level);
		same_str(a->subject.prior[i].decided_on,
		         b->subject.prior[i].decided_on);
	}
	assert_int_equal(a->n_facts, b->n_facts);
	for (size_t i = 0; i < a->n_facts; i++) {
		const shenli_fact *x = &a->facts[i], *y = &b->facts[i];
		same_str(x->id, y->id);
		same_str(x->summary, y->summary);
		same_str(x->violation, y->violation);
		same_str(x->from, y->from);
		same_str(x->to, y->to);
		assert_int_equal(x->has_amount, y->has_amount);
		assert_memory_equal(&x->amount_yuan, &y->amount_yuan,
		                    sizeof x->amount_yuan);
		same_strs(x->evidence, x->n_evidence, y->evidence,
		          y->n_evidence);
		same_str(x->use, y->use);
		assert_int_equal(x->in_kind, y->in_kind);
	}
	assert_int_equal(a->n_evidence, b->n_evidence);
	for (size_t i = 0; i < a->n_evidence; i++) {
		const shenli_evidence *x = &a->evidence[i],
		                      *y = &b->evidence[i];
		same_str(x->id, y->id);
		same_str(x->kind, y->kind);
		same_str(x->title, y->title);
		same_str(x->obtained_on, y->obtained_on);
		same_str(x->source, y->source);
		same_strs(x->tags, x->n_tags, y->tags, y->n_tags);
	}
	assert_int_equal(a->n_documents, b->n_documents);
	for (size_t i = 0; i < a->n_documents; i++) {
		same_str(a->documents[i].kind, b->documents[i].kind);
		same_str(a->documents[i].date, b->documents[i].date);
	}
	const shenli_proposal *p = &a->proposal, *q = &b->proposal;
	same_strs(p->disciplines, p->n_disciplines, q->disciplines,
	          q->n_disciplines);
	assert_int_equal(p->eight_point_rules, q->eight_point_rules);
	same_str(p->party_sanction, q->party_sanction);
	same_str(p->gov_sanction, q->gov_sanction);
	assert_int_equal(p->form, q->form);
	same_strs(p->circumstances, p->n_circumstances, q->circumstances,
	          q->n_circumstances);
	assert_int_equal(a->n_returns, b->n_returns);
}

static json_t *example(void)
{
	json_error_t err;
	json_t *d = json_load_file(SHENLI_EXAMPLE, 0, &err);
	assert_non_null(d);
	return d;
}

static void test_case_roundtrip(void **state)
{
	(void)state;
	json_t *d = example();
	pc_case pc;
	assert_int_equal(pc_case_from_json(d, "Z1", "accepted", &pc), 0);
	/* a return with an answered item, as a resubmitted case has */
	const char *refs[] = {"E1"}, *ans[] = {"E9", "E10"};
	shenli_outline_item it = {"1", "补充银行流水", refs, 1,
	                          1,   "2024-05-02",   ans,  2};
	shenli_return rt = {1, "supplement", &it,
	                    1, "2024-04-01", "2024-05-02"};
	pc.c.returns = &rt;
	pc.c.n_returns = 1;
	sl_wbuf w = {0}, w2 = {0};
	sl_casewire_put_case(&w, &pc.c);
	assert_false(w.oom);
	sl_rbuf r = {w.p, w.n, 0, 0};
	sl_arena a = {0};
	shenli_case c;
	assert_int_equal(sl_casewire_get_case(&r, &a, &c), 0);
	same_case(&pc.c, &c);
	assert_int_equal(c.n_returns, 1);
	assert_int_equal(c.returns[0].return_no, 1);
	same_str(c.returns[0].resubmitted_on, "2024-05-02");
	assert_int_equal(c.returns[0].n_items, 1);
	same_strs(c.returns[0].items[0].answer_evidence, 2, ans, 2);
	assert_int_equal(c.returns[0].items[0].answered, 1);
	/* and back to exactly the same bytes */
	sl_casewire_put_case(&w2, &c);
	assert_int_equal(w2.n, w.n);
	assert_memory_equal(w2.p, w.p, w.n);
	/* every truncation is refused whole */
	for (size_t n = 0; n < w.n; n++) {
		sl_rbuf t = {w.p, n, 0, 0};
		sl_arena_reset(&a);
		assert_int_equal(sl_casewire_get_case(&t, &a, &c), -1);
		assert_true(t.bad);
		assert_null(c.case_id);
	}
	/* and so is a byte more */
	unsigned char *longer = malloc(w.n + 1);
	assert_non_null(longer);
	memcpy(longer, w.p, w.n);
	longer[w.n] = 0;
	sl_rbuf l = {longer, w.n + 1, 0, 0};
	assert_int_equal(sl_casewire_get_case(&l, &a, &c), -1);
	free(longer);
	sl_arena_free(&a);
	sl_wbuf_free(&w);
	sl_wbuf_free(&w2);
	pc_case_free(&pc);
	json_decref(d);
}

/* nine strings (ids, subject), two flags, then the count of priors */
static size_t priors_at(const sl_wbuf *w)
{
	sl_rbuf r = {w->p, w->n, 0, 0};
	for (int i = 0; i < 9; i++)
		(void)sl_rbuf_str(&r, SL_CASEWIRE_STR_MAX);
	(void)sl_rbuf_u8(&r);
	(void)sl_rbuf_u8(&r);
	assert_false(r.bad);
	return r.off;
}

static void test_lying_count_and_nul(void **state)
{
	(void)state;
	shenli_case c0 = {0};
	c0.case_id = "C1";
	c0.subject.name = "某某";
	sl_wbuf w = {0};
	sl_casewire_put_case(&w, &c0);
	size_t at = priors_at(&w);
	/* four billion priors in a message of a few bytes: no allocation,
	 * refused */
	memset(w.p + at, 0xf0, 4);
	sl_rbuf r = {w.p, w.n, 0, 0};
	sl_arena a = {0};
	shenli_case c;
	assert_int_equal(sl_casewire_get_case(&r, &a, &c), -1);
	/* a NUL inside a string: a plugin would read less than was sent */
	sl_wbuf_reset(&w);
	sl_casewire_put_case(&w, &c0);
	assert_memory_equal(w.p + 4, "C1", 3);
	w.p[4 + 1] = 0; /* "C\0" + NUL */
	sl_rbuf r2 = {w.p, w.n, 0, 0};
	sl_arena_reset(&a);
	assert_int_equal(sl_casewire_get_case(&r2, &a, &c), -1);
	sl_arena_free(&a);
	sl_wbuf_free(&w);
}

static void test_finding_roundtrip(void **state)
{
	(void)state;
	const char *refs[] = {"F1", "E2"};
	shenli_finding f = {
	    "evidence",           SHENLI_WARNING, "confession_only",
	    "仅有口供，缺少书证", refs,           2,
	    "补充银行流水"};
	sl_wbuf w = {0};
	sl_casewire_put_finding(&w, &f);
	sl_rbuf r = {w.p, w.n, 0, 0};
	sl_arena a = {0};
	shenli_finding g;
	assert_int_equal(sl_casewire_get_finding(&r, &a, &g), 0);
	assert_int_equal(r.off, w.n);
	same_str(g.standard, f.standard);
	assert_int_equal(g.severity, f.severity);
	same_str(g.code, f.code);
	same_str(g.message, f.message);
	same_strs(g.refs, g.n_refs, refs, 2);
	same_str(g.outline_item, f.outline_item);
	for (size_t n = 0; n < w.n; n++) {
		sl_rbuf t = {w.p, n, 0, 0};
		assert_int_equal(sl_casewire_get_finding(&t, &a, &g), -1);
	}
	sl_arena_free(&a);
	sl_wbuf_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_case_roundtrip),
	    cmocka_unit_test(test_lying_count_and_nul),
	    cmocka_unit_test(test_finding_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
