/*
 * Unit tests: the sample-docket generator is deterministic, writes dossiers
 * that follow case-format.md, and plants exactly the fault it says it did.
 *
 * The checker below is written from DOMAIN.md, not from sample.c: it is an
 * independent reading of the rules, so a generator bug that plants a second
 * fault (or none) shows up as a mismatch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the above first */
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

#define NFAULTS SL_FAULT__COUNT
#define X_OTHER NFAULTS /* an inconsistency that is none of the faults */
#define BIT(f) (1u << (f))

/* ---- DOMAIN.md's vocabulary, restated ------------------------------------ */

static const struct {
	const char *code, *disc;
	int eight; /* 0 no, 1 yes, 2 depends on use */
} vocab[] = {
    {"office_space_over_standard", "integrity", 1},
    {"official_car_misuse", "integrity", 1},
    {"public_funds_banquet", "integrity", 1},
    {"gifts_and_money", "integrity", 1},
    {"unauthorized_allowances", "integrity", 1},
    {"small_coffers", "integrity", 2},
    {"embezzle_benefit_funds", "mass", 0},
    {"false_personal_report", "organizational", 0},
    {"obstructing_review", "political", 0},
    {"dereliction", "work", 0},
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static const char *const disciplines[] = {
    "political", "organizational", "integrity", "mass", "work", "life"};
static const char *const kinds[] = {
    "physical",          "documentary",       "witness_testimony",
    "victim_statement",  "subject_statement", "expert_opinion",
    "inspection_record", "audiovisual",       "electronic_data"};
static const char *const party_ladder[] = {"警告", "严重警告", "撤销党内职务",
                                           "留党察看", "开除党籍"};
static const char *const gov_ladder[] = {"警告", "记过", "记大过",
                                         "降级", "撤职", "开除"};
/* case-format.md's evidence tags, and which of them record money */
static const char *const tags[] = {
    "bank_record", "voucher",   "invoice",    "receipt",     "accounts",
    "contract",    "valuation", "use_record", "destination", "identity"};
#define MONEY_TAGS 6 /* the first six */
/* case-format.md's circumstances */
static const char *const circumstances[] = {"voluntary_confession",
                                            "refund",
                                            "cooperation",
                                            "minor_consequence",
                                            "repeated",
                                            "obstruction",
                                            "after_warning",
                                            "serious_consequence"};
static const char *const doc_kinds[] = {
    "identity",      "filing_approval",          "investigation_report",
    "fact_material", "subject_written_response", "response_explanation",
    "transfer_form"};
enum { D_ID, D_FA, D_IR, D_FM, D_SWR, D_RE, D_TF, D__N };

#define NELEM(a) (sizeof(a) / sizeof(a)[0])

static int find(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (s && strcmp(list[i], s) == 0)
			return (int)i;
	return -1;
}

static int vocab_index(const char *code)
{
	for (size_t i = 0; i < NVOCAB; i++)
		if (code && strcmp(vocab[i].code, code) == 0)
			return (int)i;
	return -1;
}

static int is_agency(const char *code)
{
	const sl_sample_agency *a;
	size_t n;
	sl_sample_agencies(&a, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].code, code) == 0)
			return 1;
	return 0;
}

static int is_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0)))
		return 0;
	return 1;
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---- parsing ------------------------------------------------------------- */

static json_t *parse(const char *s, size_t len)
{
	json_error_t err;
	json_t *c = json_loadb(s, len, JSON_REJECT_DUPLICATES, &err);
	if (!c)
		fail_msg("not JSON: %s at %d: %.200s", err.text, err.position,
		         s);
	return c;
}

static json_t *gen_with(uint64_t seed, uint64_t i, sl_sample_fault f)
{
	size_t len = 0;
	char *s = sl_sample_case_with(seed, i, f, &len);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	assert_null(memchr(s, '\n', len));
	json_t *c = parse(s, len);
	free(s);
	return c;
}

/* ---- the contract: every required field with the right type ------------- */

static void assert_string_list(json_t *a)
{
	assert_true(json_is_array(a));
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) assert_true(json_is_string(v));
}

static void check_schema(json_t *c)
{
	assert_true(json_is_object(c));
	assert_string_equal(sget(c, "format"), "shenli.case/1");
	const char *id = sget(c, "case_id");
	assert_non_null(id);
	size_t idl = strlen(id);
	assert_true(idl >= 1 && idl <= 64);
	for (size_t i = 0; i < idl; i++)
		assert_true((id[i] >= 'A' && id[i] <= 'Z') ||
		            (id[i] >= 'a' && id[i] <= 'z') ||
		            (id[i] >= '0' && id[i] <= '9') || id[i] == '-' ||
		            id[i] == '_' || id[i] == '.');
	assert_non_null(sget(c, "agency"));
	assert_true(is_date(sget(c, "transferred_on")));

	json_t *s = json_object_get(c, "subject");
	assert_true(json_is_object(s));
	assert_non_null(sget(s, "name"));
	assert_non_null(strstr(sget(s, "name"), "某"));
	assert_non_null(sget(s, "person_id"));
	assert_true(json_is_boolean(json_object_get(s, "party_member")));
	assert_true(json_is_boolean(json_object_get(s, "public_official")));
	assert_non_null(sget(s, "position"));
	assert_non_null(sget(s, "rank"));
	json_t *ps = json_object_get(s, "prior_sanctions");
	assert_true(json_is_array(ps));
	size_t i;
	json_t *v;
	json_array_foreach(ps, i, v)
	{
		const char *sys = sget(v, "system");
		assert_non_null(sys);
		if (strcmp(sys, "party") == 0)
			assert_true(find(party_ladder, 5, sget(v, "level")) >=
			            0);
		else if (strcmp(sys, "gov") == 0)
			assert_true(find(gov_ladder, 6, sget(v, "level")) >= 0);
		else
			fail_msg("prior sanction system %s", sys);
		assert_true(is_date(sget(v, "decided_on")));
	}

	json_t *facts = json_object_get(c, "facts");
	assert_true(json_is_array(facts));
	assert_true(json_array_size(facts) >= 1);
	json_array_foreach(facts, i, v)
	{
		assert_non_null(sget(v, "id"));
		assert_non_null(sget(v, "summary"));
		assert_true(strlen(sget(v, "summary")) > 20);
		assert_true(vocab_index(sget(v, "violation")) >= 0);
		assert_true(is_date(sget(v, "from")));
		assert_true(is_date(sget(v, "to")));
		json_t *a = json_object_get(v, "amount_yuan");
		if (a)
			assert_true(json_is_integer(a) &&
			            json_integer_value(a) > 0);
		json_t *k = json_object_get(v, "in_kind");
		assert_true(!k || (json_is_true(k) && a));
		json_t *u = json_object_get(v, "use");
		assert_true(!u || (json_is_string(u) && json_string_length(u)));
		assert_string_list(json_object_get(v, "evidence"));
	}

	json_t *ev = json_object_get(c, "evidence");
	assert_true(json_is_array(ev));
	json_array_foreach(ev, i, v)
	{
		assert_non_null(sget(v, "id"));
		assert_true(find(kinds, NELEM(kinds), sget(v, "kind")) >= 0);
		assert_non_null(sget(v, "title"));
		assert_true(is_date(sget(v, "obtained_on")));
		json_t *src = json_object_get(v, "source");
		assert_true(!src || json_is_string(src));
		json_t *tl = json_object_get(v, "tags");
		if (tl)
			assert_string_list(tl);
	}

	json_t *p = json_object_get(c, "proposal");
	assert_true(json_is_object(p));
	json_t *ds = json_object_get(p, "disciplines");
	assert_string_list(ds);
	json_array_foreach(ds, i, v) assert_true(
	    find(disciplines, NELEM(disciplines), json_string_value(v)) >= 0);
	assert_true(json_is_boolean(json_object_get(p, "eight_point_rules")));
	json_t *x = json_object_get(p, "party_sanction");
	assert_true(json_is_null(x) ||
	            find(party_ladder, 5, json_string_value(x)) >= 0);
	x = json_object_get(p, "gov_sanction");
	assert_true(json_is_null(x) ||
	            find(gov_ladder, 6, json_string_value(x)) >= 0);
	x = json_object_get(p, "form");
	assert_true(json_is_integer(x));
	assert_true(json_integer_value(x) >= 1 && json_integer_value(x) <= 4);
	assert_string_list(json_object_get(p, "circumstances"));

	json_t *docs = json_object_get(c, "documents");
	assert_true(json_is_array(docs));
	json_array_foreach(docs, i, v)
	{
		assert_true(find(doc_kinds, D__N, sget(v, "kind")) >= 0);
		assert_true(is_date(sget(v, "date")));
	}
}

/* ---- the review rules: which faults does a dossier exhibit? -------------- */

static int in_years(const char *d)
{
	return strcmp(d, "2023-01-01") >= 0 && strcmp(d, "2025-12-31") <= 0;
}

/* Returns the set of faults found (X_OTHER for anything else wrong);
 * why gets a note on the first X_OTHER, for failure messages. */
static unsigned detect(json_t *c, char *why, size_t whylen)
{
	unsigned m = 0;
	why[0] = '\0';
#define OTHER(...)                                                             \
	do {                                                                   \
		if (!(m & BIT(X_OTHER)))                                       \
			snprintf(why, whylen, __VA_ARGS__);                    \
		m |= BIT(X_OTHER);                                             \
	} while (0)

	const char *agency = sget(c, "agency");
	if (!is_agency(agency))
		m |= BIT(SL_FAULT_UNKNOWN_AGENCY);
	const char *id = sget(c, "case_id");
	if (strncmp(id, agency, strlen(agency)) || id[strlen(agency)] != '-')
		OTHER("case_id %s not of agency %s", id, agency);

	/* documents and their order */
	const char *doc[D__N] = {0};
	size_t i, j;
	json_t *v, *w;
	json_array_foreach(json_object_get(c, "documents"), i, v)
	{
		int k = find(doc_kinds, D__N, sget(v, "kind"));
		if (doc[k])
			OTHER("document %s twice", doc_kinds[k]);
		doc[k] = sget(v, "date");
		if (!in_years(doc[k]))
			OTHER("document %s dated %s", doc_kinds[k], doc[k]);
	}
	if (!doc[D_ID])
		m |= BIT(SL_FAULT_NO_IDENTITY);
	for (int k = D_FA; k < D__N; k++)
		if (!doc[k])
			m |= BIT(SL_FAULT_MISSING_DOCUMENT);
#define BEFORE(a, b) (doc[a] && doc[b] && strcmp(doc[a], doc[b]) < 0)
	if (doc[D_FA] && doc[D_IR] && strcmp(doc[D_IR], doc[D_FA]) <= 0)
		m |= BIT(SL_FAULT_DATE_ORDER);
	if (BEFORE(D_FM, D_IR))
		OTHER("fact_material before investigation_report");
	if (doc[D_FM] && doc[D_SWR] && strcmp(doc[D_SWR], doc[D_FM]) <= 0)
		OTHER("response not after fact_material");
	if (doc[D_SWR] && doc[D_RE] && strcmp(doc[D_RE], doc[D_SWR]) <= 0)
		OTHER("explanation not after response");
	if (BEFORE(D_TF, D_SWR))
		m |= BIT(SL_FAULT_TRANSFER_BEFORE_RESPONSE);
	else if (doc[D_RE] && doc[D_TF] && strcmp(doc[D_TF], doc[D_RE]) <= 0)
		OTHER("transfer not after explanation");
	if (BEFORE(D_TF, D_FM))
		OTHER("transfer before fact_material");
	const char *tr = sget(c, "transferred_on");
	if (doc[D_TF] && strcmp(doc[D_TF], tr) != 0)
		OTHER("transferred_on %s, transfer_form %s", tr, doc[D_TF]);
	if (!in_years(tr))
		OTHER("transferred_on %s", tr);

	/* evidence, by id */
	json_t *ev = json_object_get(c, "evidence");
	json_array_foreach(ev, i, v)
	{
		json_array_foreach(ev, j, w)
		{
			if (j < i && strcmp(sget(v, "id"), sget(w, "id")) == 0)
				OTHER("evidence id %s twice", sget(v, "id"));
		}
		if (doc[D_FA] && strcmp(sget(v, "obtained_on"), doc[D_FA]) <= 0)
			OTHER("evidence %s before filing", sget(v, "id"));
		if (strcmp(sget(v, "obtained_on"), tr) > 0)
			OTHER("evidence %s after transfer", sget(v, "id"));
	}

	/* facts */
	json_t *s = json_object_get(c, "subject");
	int party = json_is_true(json_object_get(s, "party_member"));
	int official = json_is_true(json_object_get(s, "public_official"));
	size_t npriors = json_array_size(json_object_get(s, "prior_sanctions"));
	json_t *facts = json_object_get(c, "facts");
	size_t nf = json_array_size(facts);
	unsigned fact_discs = 0;
	int any_eight = 0, any_depends = 0;
	json_int_t max_amount = 0;
	int petty = nf == 1 && npriors == 0;
	json_array_foreach(facts, i, v)
	{
		json_array_foreach(facts, j, w)
		{
			if (j < i && strcmp(sget(v, "id"), sget(w, "id")) == 0)
				OTHER("fact id %s twice", sget(v, "id"));
		}
		int vi = vocab_index(sget(v, "violation"));
		fact_discs |= 1u << find(disciplines, 6, vocab[vi].disc);
		any_eight |= vocab[vi].eight == 1;
		any_depends |= vocab[vi].eight == 2;
		if (strcmp(sget(v, "from"), sget(v, "to")) > 0)
			OTHER("fact %s from > to", sget(v, "id"));
		if (doc[D_FA] && strcmp(sget(v, "to"), doc[D_FA]) >= 0)
			OTHER("fact %s ends after filing", sget(v, "id"));

		json_t *amt = json_object_get(v, "amount_yuan");
		json_int_t a = amt ? json_integer_value(amt) : 0;
		if (a > max_amount)
			max_amount = a;
		if (a > 5000 || vi > 3) /* petty: small, eight-point sorts */
			petty = 0;

		json_t *refs = json_object_get(v, "evidence");
		if (json_array_size(refs) == 0)
			m |= BIT(SL_FAULT_NO_EVIDENCE);
		int in_kind = json_is_true(json_object_get(v, "in_kind"));
		/* a stated use, in the field or (as agencies write it) in
		 * the summary, of a violation whose nature depends on it */
		int use = (vi == 5 || vi == 6) &&
		          (json_object_get(v, "use") ||
		           strstr(sget(v, "summary"), "用于"));
		int found = 0, corroborated = 0, flow = 0, value = 0, goods = 0;
		int use_rec = 0, party_rec = 0, dest = 0;
		json_t *r;
		size_t k;
		json_array_foreach(refs, k, r)
		{
			json_t *e = NULL;
			json_array_foreach(ev, j, w)
			{
				if (strcmp(sget(w, "id"),
				           json_string_value(r)) == 0)
					e = w;
			}
			if (!e) {
				m |= BIT(SL_FAULT_DANGLING_EVIDENCE);
				continue;
			}
			found++;
			const char *kind = sget(e, "kind");
			if (strcmp(kind, "subject_statement") != 0)
				corroborated = 1;
			int is_doc = strcmp(kind, "documentary") == 0;
			json_t *tl = json_object_get(e, "tags");
			json_t *t;
			size_t ti;
			int money_tag = 0, valued = 0;
			json_array_foreach(tl, ti, t)
			{
				int x = find(tags, NELEM(tags),
				             json_string_value(t));
				if (x < 0)
					OTHER("evidence %s: unknown tag",
					      sget(e, "id"));
				money_tag |= x >= 0 && x < MONEY_TAGS;
				valued |= x == 6;
				use_rec |= x == 7;
				dest |= x == 8;
				party_rec |= x == 9 || x == 5;
			}
			/* money is proved by documentary evidence of it:
			 * a record tagged as one, or an untagged one */
			if (is_doc && (money_tag || json_array_size(tl) == 0))
				flow = 1;
			/* goods: a valuation (价格认定) and their record */
			if (valued || strcmp(kind, "expert_opinion") == 0)
				value = 1;
			else if (strcmp(kind, "witness_testimony") &&
			         strcmp(kind, "subject_statement") &&
			         strcmp(kind, "victim_statement"))
				goods = 1;
		}
		if (found && !corroborated)
			m |= BIT(SL_FAULT_CONFESSION_ONLY);
		if (amt && !in_kind && !flow)
			m |= BIT(SL_FAULT_NO_MONEY_FLOW);
		if (amt && in_kind && !value)
			m |= BIT(SL_FAULT_NO_VALUATION);
		if (amt && in_kind && !goods)
			OTHER("fact %s in kind without the goods' record",
			      sget(v, "id"));
		if (use && !(use_rec && party_rec && dest))
			m |= BIT(SL_FAULT_USE_UNPROVEN);
	}

	/* classification */
	json_t *p = json_object_get(c, "proposal");
	unsigned prop_discs = 0;
	json_array_foreach(json_object_get(p, "disciplines"), i, v)
	{
		prop_discs |= 1u << find(disciplines, 6, json_string_value(v));
	}
	if (prop_discs != fact_discs)
		m |= BIT(SL_FAULT_DISCIPLINE_MISSED);
	int eight = json_is_true(json_object_get(p, "eight_point_rules"));
	if (any_eight && !eight)
		m |= BIT(SL_FAULT_EIGHT_POINT_MISSED);
	if (eight && !any_eight && !any_depends)
		OTHER("eight-point flag without an eight-point violation");

	/* sanctions */
	int ps = find(party_ladder, 5, sget(p, "party_sanction"));
	int gs = find(gov_ladder, 6, sget(p, "gov_sanction"));
	if (!party && ps >= 0)
		OTHER("party sanction for a non-member");
	if (!official && gs >= 0)
		OTHER("gov sanction for a non-official");
	if (party && official && (ps < 0) != (gs < 0))
		OTHER("only one of party/gov sanction");
	/* which government sanctions go with which party sanction */
	static const unsigned pairs[5] = {BIT(0) | BIT(1), BIT(1) | BIT(2),
	                                  BIT(3) | BIT(4), BIT(4), BIT(5)};
	if (ps >= 0 && gs >= 0 && !(pairs[ps] & BIT(gs)))
		m |= BIT(SL_FAULT_PARTY_GOV_MISMATCH);
	int priors_cited = 0;
	json_array_foreach(json_object_get(p, "circumstances"), i, v)
	{
		const char *cc = json_string_value(v);
		if (find(circumstances, NELEM(circumstances), cc) < 0)
			OTHER("circumstance %s", cc);
		priors_cited |= cc && strcmp(cc, "after_warning") == 0;
	}
	if (!priors_cited != !npriors)
		OTHER("prior sanctions and after_warning disagree");
	/* the forms: expulsion goes with the third form, or the fourth when
	 * the case goes to the prosecutors; nothing else with the fourth */
	int heavy = ps >= 0 ? ps == 4 : gs == 5;
	json_int_t form = json_integer_value(json_object_get(p, "form"));
	int want;
	if (ps < 0 && gs < 0)
		want = 1;
	else if (ps >= 0)
		want = ps <= 1 ? 2 : 3;
	else
		want = gs <= 2 ? 2 : 3;
	if (form != want && !(heavy && form == 4))
		m |= BIT(SL_FAULT_FORM_MISMATCH);
	/* proportion, in the coarse terms of 畸轻畸重: a 警告 for 300,000
	 * yuan, expulsion for one petty matter */
	int light = ps >= 0 ? ps == 0 : gs == 0;
	if (max_amount >= 300000 && light)
		m |= BIT(SL_FAULT_SANCTION_TOO_LIGHT);
	if (petty && heavy)
		m |= BIT(SL_FAULT_SANCTION_TOO_HEAVY);
#undef OTHER
#undef BEFORE
	return m;
}

static void assert_exhibits(json_t *c, sl_sample_fault f, uint64_t i)
{
	char why[200];
	unsigned want = f == SL_FAULT_NONE ? 0 : BIT(f);
	unsigned got = detect(c, why, sizeof why);
	if (got != want) {
		char *dump = json_dumps(c, JSON_COMPACT);
		fail_msg(
		    "index %llu, planted %s: found mask %#x (want %#x) %s\n%s",
		    (unsigned long long)i, sl_sample_fault_name(f), got, want,
		    why, dump);
	}
}

/* ---- tests --------------------------------------------------------------- */

static void test_zones_and_agencies(void **st)
{
	(void)st;
	const sl_sample_zone *z;
	const sl_sample_agency *a;
	size_t nz, na;
	sl_sample_zones(&z, &nz);
	sl_sample_agencies(&a, &na);
	assert_int_equal(nz, 3);
	assert_int_equal(na, 36);
	for (size_t i = 0; i < nz; i++) {
		char code[3] = {'Z', (char)('1' + i), 0};
		assert_string_equal(z[i].code, code);
		assert_non_null(strstr(z[i].name, "片区"));
	}
	int per_zone[3] = {0};
	for (size_t i = 0; i < na; i++) {
		size_t l = strlen(a[i].code);
		assert_true(l >= 2 && l <= 4);
		for (size_t k = 0; k < l; k++)
			assert_true(a[i].code[k] >= 'A' && a[i].code[k] <= 'Z');
		assert_non_null(strstr(a[i].name, "纪检监察组"));
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(a[i].code, a[j].code);
			assert_string_not_equal(a[i].name, a[j].name);
		}
		int zi = -1;
		for (size_t k = 0; k < nz; k++)
			if (strcmp(a[i].zone, z[k].code) == 0)
				zi = (int)k;
		assert_true(zi >= 0);
		per_zone[zi]++;
	}
	for (int k = 0; k < 3; k++)
		assert_int_equal(per_zone[k], 12);
}

/* The names are what one types after --fault and what the bash completion
 * offers (test_completion.sh holds the completion to the binary's list):
 * here, that they can serve as such. */
static void test_fault_names(void **st)
{
	(void)st;
	assert_string_equal(sl_sample_fault_name(SL_FAULT_NONE), "none");
	for (int f = 0; f < SL_FAULT__COUNT; f++) {
		const char *n = sl_sample_fault_name((sl_sample_fault)f);
		assert_non_null(n);
		assert_true(strlen(n) >= 4 && strlen(n) < 32);
		assert_true(n[0] >= 'a' && n[0] <= 'z');
		assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz_"),
		                 strlen(n));
		for (int g = 0; g < f; g++)
			assert_string_not_equal(
			    n, sl_sample_fault_name((sl_sample_fault)g));
	}
	assert_null(sl_sample_fault_name(SL_FAULT__COUNT));
	assert_null(sl_sample_case_with(1, 1, SL_FAULT__COUNT, NULL));
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void test_determinism(void **st)
{
	(void)st;
	static const uint64_t seeds[] = {0, 1, 42, 0xDEADBEEFCAFEF00Dull};
	for (size_t si = 0; si < NELEM(seeds); si++) {
		char prev_id[80] = "";
		for (uint64_t i = 0; i < 500; i++) {
			size_t l1, l2, l3;
			sl_sample_fault f1, f2;
			char *a = sl_sample_case(seeds[si], i, &l1, &f1);
			char *b = sl_sample_case(seeds[si], i, &l2, &f2);
			assert_non_null(a);
			assert_non_null(b);
			assert_int_equal(f1, f2);
			assert_int_equal(l1, l2);
			assert_memory_equal(a, b, l1);
			assert_int_equal(f1, sl_sample_fault_of(seeds[si], i));
			/* sl_sample_case is sl_sample_case_with its fault */
			char *c = sl_sample_case_with(seeds[si], i, f1, &l3);
			assert_int_equal(l1, l3);
			assert_memory_equal(a, c, l1);
			/* consecutive indices differ in case_id */
			json_t *j = parse(a, l1);
			const char *id = sget(j, "case_id");
			assert_string_not_equal(id, prev_id);
			snprintf(prev_id, sizeof prev_id, "%s", id);
			json_decref(j);
			free(a);
			free(b);
			free(c);
		}
	}
	/* different seeds give different dossiers */
	size_t l1, l2;
	char *a = sl_sample_case(1, 7, &l1, NULL);
	char *b = sl_sample_case(2, 7, &l2, NULL);
	assert_true(l1 != l2 || memcmp(a, b, l1) != 0);
	free(a);
	free(b);
}

/*
 * The bytes are pinned: the same on every machine, compiler and sanitizer.
 * Demo scripts and benchmark baselines refer to dossiers by (seed, index),
 * so a change to the generator's output must be deliberate; update the
 * constant then.
 */
#define GOLDEN_HASH 0x0e8351e6106c9c41ull
static void test_golden(void **st)
{
	(void)st;
	uint64_t h = 0xcbf29ce484222325ull;
	for (uint64_t i = 0; i < 64; i++) {
		size_t l;
		char *s = sl_sample_case(20240506, i, &l, NULL);
		h = fnv1a(h, s, l);
		free(s);
	}
	if (h != GOLDEN_HASH)
		fail_msg("output changed: hash %#llx", (unsigned long long)h);
}

static void test_schema(void **st)
{
	(void)st;
	for (uint64_t i = 0; i < 1500; i++) {
		for (int f = 0; f < SL_FAULT__COUNT; f += (i % 7) + 1) {
			json_t *c = gen_with(99, i, (sl_sample_fault)f);
			check_schema(c);
			json_decref(c);
		}
	}
}

static void test_complete_cases_are_clean(void **st)
{
	(void)st;
	for (uint64_t i = 0; i < 3000; i++) {
		json_t *c = gen_with(7, i, SL_FAULT_NONE);
		assert_exhibits(c, SL_FAULT_NONE, i);
		/* complete means all seven documents */
		assert_int_equal(
		    json_array_size(json_object_get(c, "documents")), 7);
		json_decref(c);
	}
}

static void test_each_fault_is_planted_alone(void **st)
{
	(void)st;
	for (int f = 1; f < SL_FAULT__COUNT; f++) {
		for (uint64_t i = 0; i < 300; i++) {
			json_t *c = gen_with(11, i, (sl_sample_fault)f);
			assert_exhibits(c, (sl_sample_fault)f, i);
			json_decref(c);
		}
	}
}

static void test_fault_mix(void **st)
{
	(void)st;
	unsigned count[SL_FAULT__COUNT] = {0};
	const unsigned n = 10000;
	for (uint64_t i = 0; i < n; i++) {
		size_t l;
		sl_sample_fault f;
		char *s = sl_sample_case(3, i, &l, &f);
		assert_non_null(s);
		assert_true((unsigned)f < SL_FAULT__COUNT);
		count[f]++;
		json_t *c = parse(s, l);
		assert_exhibits(c, f, i);
		json_decref(c);
		free(s);
	}
	printf("fault mix over %u cases:\n", n);
	for (int f = 0; f < SL_FAULT__COUNT; f++)
		printf("  %-26s %5u\n",
		       sl_sample_fault_name((sl_sample_fault)f), count[f]);
	assert_true(count[0] > n * 57 / 100 && count[0] < n * 63 / 100);
	/* the expected count per fault is 10000 * 0.4 / 17 = 235 */
	for (int f = 1; f < SL_FAULT__COUNT; f++)
		assert_true(count[f] > 180 && count[f] < 360);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_unique_case_ids(void **st)
{
	(void)st;
	const size_t n = 100000;
	char **ids = calloc(n, sizeof *ids);
	assert_non_null(ids);
	for (size_t i = 0; i < n; i++) {
		size_t l;
		char *s = sl_sample_case(5, i, &l, NULL);
		/* case_id is the second field; no need to parse 100k times */
		const char *k = strstr(s, "\"case_id\":\"");
		assert_non_null(k);
		k += 11;
		size_t idl = strcspn(k, "\"");
		ids[i] = strndup(k, idl);
		free(s);
	}
	qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 1; i < n; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			fail_msg("duplicate case_id %s", ids[i]);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	/* and at the far end of the index space */
	size_t l;
	char *a = sl_sample_case(5, 9999999, &l, NULL);
	char *b = sl_sample_case(5, 10000000, &l, NULL);
	json_t *ja = parse(a, strlen(a)), *jb = parse(b, strlen(b));
	assert_string_not_equal(sget(ja, "case_id"), sget(jb, "case_id"));
	assert_non_null(strstr(sget(jb, "case_id"), "-10000000"));
	json_decref(ja);
	json_decref(jb);
	free(a);
	free(b);
}

/* The demo should show the whole vocabulary, not three repeated cases. */
static void test_variety(void **st)
{
	(void)st;
	unsigned viol = 0, kind = 0, party = 0, gov = 0, form = 0;
	uint64_t agency = 0;
	unsigned years = 0, small_coffers_eight[2] = {0, 0}, circs = 0;
	int priors = 0, non_member = 0, non_official = 0, bank = 0;
	/* the tricky but clean patterns */
	int in_kind = 0, use_field = 0, use_summary_only = 0, form4_gifts = 0;
	const sl_sample_agency *ag;
	size_t nag;
	sl_sample_agencies(&ag, &nag);
	for (uint64_t i = 0; i < 2000; i++) {
		json_t *c = gen_with(13, i, SL_FAULT_NONE);
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(c, "facts"), k, v)
		{
			int vi = vocab_index(sget(v, "violation"));
			viol |= 1u << vi;
			in_kind |= json_is_true(json_object_get(v, "in_kind"));
			if (json_object_get(v, "use"))
				use_field = 1;
			else if (vi == 5)
				use_summary_only = 1;
			if (vi == 3 &&
			    json_integer_value(json_object_get(
			        json_object_get(c, "proposal"), "form")) == 4)
				form4_gifts = 1;
			if (vi == 5) {
				int e = json_is_true(json_object_get(
				    json_object_get(c, "proposal"),
				    "eight_point_rules"));
				if (json_array_size(
				        json_object_get(c, "facts")) == 1)
					small_coffers_eight[e]++;
				/* the summary says what the money paid for */
				assert_non_null(
				    strstr(sget(v, "summary"), "用于"));
			}
		}
		json_array_foreach(json_object_get(c, "evidence"), k, v)
		{
			kind |= 1u
			        << find(kinds, NELEM(kinds), sget(v, "kind"));
			if (json_object_get(v, "tags"))
				bank = 1;
		}
		json_t *p = json_object_get(c, "proposal");
		int ps = find(party_ladder, 5, sget(p, "party_sanction"));
		int gs = find(gov_ladder, 6, sget(p, "gov_sanction"));
		if (ps >= 0)
			party |= 1u << ps;
		if (gs >= 0)
			gov |= 1u << gs;
		form |= 1u << json_integer_value(json_object_get(p, "form"));
		json_array_foreach(json_object_get(p, "circumstances"), k, v)
		{
			circs |= 1u << find(circumstances, NELEM(circumstances),
			                    json_string_value(v));
		}
		json_t *s = json_object_get(c, "subject");
		priors |=
		    json_array_size(json_object_get(s, "prior_sanctions")) > 0;
		non_member |= json_is_false(json_object_get(s, "party_member"));
		non_official |=
		    json_is_false(json_object_get(s, "public_official"));
		for (size_t a = 0; a < nag; a++)
			if (strcmp(ag[a].code, sget(c, "agency")) == 0)
				agency |= 1ull << a;
		years |= 1u << (atoi(sget(c, "transferred_on")) - 2023);
		json_decref(c);
	}
	assert_int_equal(viol, (1u << NVOCAB) - 1);
	assert_int_equal(kind, (1u << NELEM(kinds)) - 1);
	assert_int_equal(party, 0x1f);
	assert_int_equal(gov, 0x3f);
	assert_int_equal(form, 0x1e); /* forms 1-4 */
	assert_true(agency == (1ull << 36) - 1);
	assert_int_equal(years, 7); /* 2023, 2024, 2025 */
	assert_true(priors && non_member && non_official && bank);
	assert_true(in_kind && use_field && use_summary_only && form4_gifts);
	assert_int_equal(circs, (1u << NELEM(circumstances)) - 1);
	/* small_coffers goes both ways on the eight-point flag */
	assert_true(small_coffers_eight[0] > 0 && small_coffers_eight[1] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zones_and_agencies),
	    cmocka_unit_test(test_fault_names),
	    cmocka_unit_test(test_determinism),
	    cmocka_unit_test(test_golden),
	    cmocka_unit_test(test_schema),
	    cmocka_unit_test(test_complete_cases_are_clean),
	    cmocka_unit_test(test_each_fault_is_planted_alone),
	    cmocka_unit_test(test_fault_mix),
	    cmocka_unit_test(test_unique_case_ids),
	    cmocka_unit_test(test_variety),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
