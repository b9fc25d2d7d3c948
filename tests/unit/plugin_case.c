/* plugin_case.c - a dossier as a plugin case view. See plugin_case.h. */
#include "plugin_case.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static size_t arr_len(json_t *o, const char *key)
{
	json_t *a = json_object_get(o, key);
	return json_is_array(a) ? json_array_size(a) : 0;
}

/* A bump allocator over the one block: sizes are computed first, so it
 * cannot run out. */
typedef struct {
	char *p;
	size_t off;
} arena;

#define ALIGN(n)                                                               \
	(((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

static void *take(arena *a, size_t bytes)
{
	void *p = a->p + a->off;
	a->off += ALIGN(bytes);
	return p;
}

/* The strings of the list o[key] into ptrs (non-strings are skipped). */
static const char *const *strings(arena *a, json_t *o, const char *key,
                                  size_t *n)
{
	json_t *l = json_object_get(o, key);
	size_t len = json_is_array(l) ? json_array_size(l) : 0;
	const char **v = take(a, len * sizeof *v);
	*n = 0;
	for (size_t i = 0; i < len; i++) {
		const char *s = json_string_value(json_array_get(l, i));
		if (s)
			v[(*n)++] = s;
	}
	return v;
}

static size_t strings_size(json_t *o, const char *key)
{
	return ALIGN(arr_len(o, key) * sizeof(const char *));
}

int pc_case_from_json(json_t *d, const char *zone, const char *state,
                      pc_case *out)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(d))
		return -1;
	json_t *subj = json_object_get(d, "subject");
	json_t *facts = json_object_get(d, "facts");
	json_t *evs = json_object_get(d, "evidence");
	json_t *prop = json_object_get(d, "proposal");
	size_t nf = arr_len(d, "facts"), ne = arr_len(d, "evidence");
	size_t nd = arr_len(d, "documents");
	size_t np = arr_len(subj, "prior_sanctions");

	size_t bytes = ALIGN(nf * sizeof(shenli_fact)) +
	               ALIGN(ne * sizeof(shenli_evidence)) +
	               ALIGN(nd * sizeof(shenli_document)) +
	               ALIGN(np * sizeof(shenli_prior_sanction)) +
	               strings_size(prop, "disciplines") +
	               strings_size(prop, "circumstances");
	for (size_t i = 0; i < nf; i++)
		bytes += strings_size(json_array_get(facts, i), "evidence");
	for (size_t i = 0; i < ne; i++)
		bytes += strings_size(json_array_get(evs, i), "tags");
	arena a = {malloc(bytes ? bytes : 1), 0};
	if (!a.p)
		return -1;

	shenli_case *c = &out->c;
	c->case_id = str(d, "case_id");
	c->agency = str(d, "agency");
	c->zone = zone;
	c->state = state;
	c->transferred_on = str(d, "transferred_on");

	shenli_subject *s = &c->subject;
	s->name = str(subj, "name");
	s->person_id = str(subj, "person_id");
	s->position = str(subj, "position");
	s->rank = str(subj, "rank");
	s->party_member = json_is_true(json_object_get(subj, "party_member"));
	s->public_official =
	    json_is_true(json_object_get(subj, "public_official"));
	shenli_prior_sanction *ps = take(&a, np * sizeof *ps);
	json_t *pl = json_object_get(subj, "prior_sanctions");
	for (size_t i = 0; i < np; i++) {
		json_t *p = json_array_get(pl, i);
		ps[i] = (shenli_prior_sanction){
		    str(p, "system"), str(p, "level"), str(p, "decided_on")};
	}
	s->prior = ps;
	s->n_prior = np;

	shenli_fact *f = take(&a, nf * sizeof *f);
	for (size_t i = 0; i < nf; i++) {
		json_t *o = json_array_get(facts, i);
		json_t *amt = json_object_get(o, "amount_yuan");
		f[i] = (shenli_fact){
		    .id = str(o, "id"),
		    .summary = str(o, "summary"),
		    .violation = str(o, "violation"),
		    .from = str(o, "from"),
		    .to = str(o, "to"),
		    .has_amount = json_is_number(amt),
		    .amount_yuan = json_number_value(amt),
		    .use = str(o, "use"),
		    .in_kind = json_is_true(json_object_get(o, "in_kind")),
		};
		f[i].evidence = strings(&a, o, "evidence", &f[i].n_evidence);
	}
	c->facts = f;
	c->n_facts = nf;

	shenli_evidence *e = take(&a, ne * sizeof *e);
	for (size_t i = 0; i < ne; i++) {
		json_t *o = json_array_get(evs, i);
		e[i] = (shenli_evidence){
		    .id = str(o, "id"),
		    .kind = str(o, "kind"),
		    .title = str(o, "title"),
		    .obtained_on = str(o, "obtained_on"),
		    .source = str(o, "source"),
		};
		e[i].tags = strings(&a, o, "tags", &e[i].n_tags);
	}
	c->evidence = e;
	c->n_evidence = ne;

	shenli_document *doc = take(&a, nd * sizeof *doc);
	json_t *dl = json_object_get(d, "documents");
	for (size_t i = 0; i < nd; i++) {
		json_t *o = json_array_get(dl, i);
		doc[i] = (shenli_document){str(o, "kind"), str(o, "date")};
	}
	c->documents = doc;
	c->n_documents = nd;

	shenli_proposal *p = &c->proposal;
	p->disciplines = strings(&a, prop, "disciplines", &p->n_disciplines);
	p->eight_point_rules =
	    json_is_true(json_object_get(prop, "eight_point_rules"));
	p->party_sanction = str(prop, "party_sanction");
	p->gov_sanction = str(prop, "gov_sanction");
	p->form = (int)json_integer_value(json_object_get(prop, "form"));
	p->circumstances =
	    strings(&a, prop, "circumstances", &p->n_circumstances);

	c->returns = NULL;
	c->n_returns = 0;
	out->mem = a.p;
	out->root = json_incref(d);
	return 0;
}

void pc_case_free(pc_case *pc)
{
	if (!pc)
		return;
	free(pc->mem);
	json_decref(pc->root);
	memset(pc, 0, sizeof *pc);
}
