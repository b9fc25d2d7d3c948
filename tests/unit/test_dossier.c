/* Unit tests: the dossier parser reads a valid shenli.case/1 file back
 * field by field, and refuses each class of malformed input with
 * SL_EINPUT and a message naming the field. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the above first */
#include <cmocka.h>

#include "dossier.h"
#include "jsonmem.h"

#define NAME "case.json"

/* The example of spec/case-format.md, byte for byte. */
static const char EXAMPLE[] =
    "{\n"
    "  \"format\": \"shenli.case/1\",\n"
    "  \"case_id\": \"ZRJ-2024-013\",\n"
    "  \"agency\": \"ZRJ\",\n"
    "  \"transferred_on\": \"2024-05-06\",\n"
    "  \"subject\": {\n"
    "    \"name\": \"李某\", \"person_id\": \"P-0042\",\n"
    "    \"party_member\": true, \"public_official\": true,\n"
    "    \"position\": \"分局局长\", \"rank\": \"科级\",\n"
    "    \"prior_sanctions\": [ {\"system\": \"party\", \"level\": \"警告\", "
    "\"decided_on\": \"2021-03-02\"} ]\n"
    "  },\n"
    "  \"facts\": [\n"
    "    { \"id\": \"F1\", \"summary\": "
    "\"2019年至2022年违规设立小金库,用于租用私家车\",\n"
    "      \"violation\": \"small_coffers\", \"from\": \"2019-01-01\", \"to\": "
    "\"2022-12-31\",\n"
    "      \"amount_yuan\": 86000, \"evidence\": [\"E1\", \"E2\"] }\n"
    "  ],\n"
    "  \"evidence\": [\n"
    "    { \"id\": \"E1\", \"kind\": \"subject_statement\", \"title\": "
    "\"李某谈话笔录\",\n"
    "      \"obtained_on\": \"2024-03-11\", \"source\": \"李某\" },\n"
    "    { \"id\": \"E2\", \"kind\": \"documentary\", \"title\": "
    "\"分局向私家车主转账记录\",\n"
    "      \"obtained_on\": \"2024-03-20\", \"tags\": [\"bank_record\"] }\n"
    "  ],\n"
    "  \"proposal\": {\n"
    "    \"disciplines\": [\"integrity\"], \"eight_point_rules\": true,\n"
    "    \"party_sanction\": \"严重警告\", \"gov_sanction\": \"记过\", "
    "\"form\": 2,\n"
    "    \"circumstances\": [\"voluntary_confession\"]\n"
    "  },\n"
    "  \"documents\": [\n"
    "    { \"kind\": \"identity\", \"date\": \"2024-02-18\" },\n"
    "    { \"kind\": \"filing_approval\", \"date\": \"2024-02-20\" },\n"
    "    { \"kind\": \"investigation_report\", \"date\": \"2024-04-28\" },\n"
    "    { \"kind\": \"fact_material\", \"date\": \"2024-04-28\" },\n"
    "    { \"kind\": \"subject_written_response\", \"date\": \"2024-04-30\" "
    "},\n"
    "    { \"kind\": \"response_explanation\", \"date\": \"2024-05-02\" },\n"
    "    { \"kind\": \"transfer_form\", \"date\": \"2024-05-06\" }\n"
    "  ],\n"
    "  \"supplement\": [\n"
    "    { \"item\": \"1\", \"evidence\": [\"E7\"], \"note\": "
    "\"补充车主身份及与李某关系的证人证言\" }\n"
    "  ]\n"
    "}\n";

/*** helpers ***/

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

/* hay with the first `from` replaced by `to` (which must be there). */
static char *replace(const char *hay, const char *from, const char *to)
{
	const char *at = strstr(hay, from);
	if (!at)
		fail_msg("test bug: '%s' not in the document", from);
	size_t a = (size_t)(at - hay), fl = strlen(from), tl = strlen(to),
	       hl = strlen(hay);
	char *out = malloc(hl - fl + tl + 1);
	assert_non_null(out);
	memcpy(out, hay, a);
	memcpy(out + a, to, tl);
	memcpy(out + a + tl, at + fl, hl - a - fl + 1);
	return out;
}

static sl_rc parse(const char *doc, size_t len, const sl_dossier_limits *lim,
                   sl_dossier **d)
{
	sl_errclear();
	*d = (sl_dossier *)(uintptr_t)1; /* must be reset to NULL on error */
	return sl_dossier_parse(doc, len, NAME, lim, d);
}

static sl_dossier *parse_ok(const char *doc)
{
	sl_dossier *d;
	sl_rc rc = parse(doc, strlen(doc), NULL, &d);
	if (rc)
		fail_msg("expected OK, got %d: %s", rc, sl_errmsg());
	assert_non_null(d);
	return d;
}

/* The message must start with the file name and contain each of want[]. */
static void check_msg(const char *want1, const char *want2)
{
	const char *m = sl_errmsg();
	if (strncmp(m, NAME ": ", strlen(NAME) + 2) != 0)
		fail_msg("message does not name the file: %s", m);
	if (want1 && !strstr(m, want1))
		fail_msg("message lacks '%s': %s", want1, m);
	if (want2 && !strstr(m, want2))
		fail_msg("message lacks '%s': %s", want2, m);
}

static void bad_len_lim(const char *doc, size_t len,
                        const sl_dossier_limits *lim, const char *want1,
                        const char *want2)
{
	sl_dossier *d;
	sl_rc rc = parse(doc, len, lim, &d);
	if (rc != SL_EINPUT)
		fail_msg("expected SL_EINPUT for want '%s', got %d (%s)",
		         want1 ? want1 : "", rc, sl_errmsg());
	assert_null(d);
	check_msg(want1, want2);
}

static void bad(const char *doc, const char *want1, const char *want2)
{
	bad_len_lim(doc, strlen(doc), NULL, want1, want2);
}

/* The example with one substitution must be refused naming want1, want2. */
static void bad_rep(const char *from, const char *to, const char *want1,
                    const char *want2)
{
	char *doc = replace(EXAMPLE, from, to);
	bad(doc, want1, want2);
	free(doc);
}

static void ok_rep(const char *from, const char *to)
{
	char *doc = replace(EXAMPLE, from, to);
	sl_dossier_free(parse_ok(doc));
	free(doc);
}

/* The example with obj.key set to val (a JSON text) or removed (val NULL);
 * obj is "" for the top level or the name of a top-level object. */
static char *edit(const char *obj, const char *key, const char *val)
{
	json_error_t e;
	json_t *root = json_loads(EXAMPLE, 0, &e);
	assert_non_null(root);
	json_t *o = *obj ? json_object_get(root, obj) : root;
	assert_non_null(o);
	if (val) {
		json_t *v = json_loads(val, JSON_DECODE_ANY, &e);
		assert_non_null(v);
		assert_int_equal(json_object_set_new(o, key, v), 0);
	} else {
		assert_int_equal(json_object_del(o, key), 0);
	}
	char *s = json_dumps(root, JSON_INDENT(2));
	assert_non_null(s);
	json_decref(root);
	return s;
}

static void bad_edit(const char *obj, const char *key, const char *val,
                     const char *want1, const char *want2)
{
	char *doc = edit(obj, key, val);
	bad(doc, want1, want2);
	free(doc);
}

/* A string of n copies of c. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = 0;
	return s;
}

static char *rep_free(char *hay, const char *from, const char *to)
{
	char *r = replace(hay, from, to);
	free(hay);
	return r;
}

/* A minimal valid dossier with the given facts and evidence lists. */
#define MINIMAL                                                                \
	"{\"format\":\"shenli.case/1\",\"case_id\":\"C1\",\"agency\":\"A\","   \
	"\"transferred_on\":\"2024-01-01\",\"subject\":{\"name\":\"n\","       \
	"\"person_id\":\"p\",\"party_member\":false,\"public_official\":"      \
	"false},\"facts\":%s,\"evidence\":%s,\"proposal\":{\"disciplines\":"   \
	"[],\"eight_point_rules\":false,\"form\":1},\"documents\":[]%s}"

static char *minimal(const char *facts, const char *evidence, const char *more)
{
	int n = snprintf(NULL, 0, MINIMAL, facts, evidence, more);
	assert_true(n > 0);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	snprintf(s, (size_t)n + 1, MINIMAL, facts, evidence, more);
	return s;
}

#define ONE_FACT "[{\"id\":\"F1\",\"summary\":\"s\",\"violation\":\"v\"}]"

/*** valid input ***/

static void test_example_reads_back(void **st)
{
	(void)st;
	sl_dossier *d = parse_ok(EXAMPLE);
	assert_non_null(d->root);
	/* strings point into the tree, which owns them */
	assert_ptr_equal(
	    d->case_id, json_string_value(json_object_get(d->root, "case_id")));
	assert_string_equal(d->case_id, "ZRJ-2024-013");
	assert_string_equal(d->agency, "ZRJ");
	assert_string_equal(d->transferred_on, "2024-05-06");

	const sl_subject *s = &d->subject;
	assert_string_equal(s->name, "李某");
	assert_string_equal(s->person_id, "P-0042");
	assert_int_equal(s->party_member, 1);
	assert_int_equal(s->public_official, 1);
	assert_string_equal(s->position, "分局局长");
	assert_string_equal(s->rank, "科级");
	assert_int_equal(s->n_prior, 1);
	assert_string_equal(s->prior[0].system, "party");
	assert_string_equal(s->prior[0].level, "警告");
	assert_string_equal(s->prior[0].decided_on, "2021-03-02");

	assert_int_equal(d->n_facts, 1);
	const sl_fact *f = &d->facts[0];
	assert_string_equal(f->id, "F1");
	assert_string_equal(f->summary,
	                    "2019年至2022年违规设立小金库,用于租用私家车");
	assert_string_equal(f->violation, "small_coffers");
	assert_string_equal(f->from, "2019-01-01");
	assert_string_equal(f->to, "2022-12-31");
	assert_int_equal(f->has_amount, 1);
	assert_true(f->amount_yuan == 86000.0);
	assert_int_equal(f->n_evidence, 2);
	assert_string_equal(f->evidence[0], "E1");
	assert_string_equal(f->evidence[1], "E2");

	assert_int_equal(d->n_evidence, 2);
	const sl_evidence *e = &d->evidence[0];
	assert_string_equal(e->id, "E1");
	assert_string_equal(e->kind, "subject_statement");
	assert_string_equal(e->title, "李某谈话笔录");
	assert_string_equal(e->obtained_on, "2024-03-11");
	assert_string_equal(e->source, "李某");
	assert_int_equal(e->n_tags, 0);
	assert_null(e->tags);
	e = &d->evidence[1];
	assert_string_equal(e->id, "E2");
	assert_string_equal(e->kind, "documentary");
	assert_string_equal(e->title, "分局向私家车主转账记录");
	assert_string_equal(e->obtained_on, "2024-03-20");
	assert_null(e->source);
	assert_int_equal(e->n_tags, 1);
	assert_string_equal(e->tags[0], "bank_record");

	const sl_proposal *p = &d->proposal;
	assert_int_equal(p->n_disciplines, 1);
	assert_string_equal(p->disciplines[0], "integrity");
	assert_int_equal(p->eight_point_rules, 1);
	assert_string_equal(p->party_sanction, "严重警告");
	assert_string_equal(p->gov_sanction, "记过");
	assert_int_equal(p->form, 2);
	assert_int_equal(p->n_circumstances, 1);
	assert_string_equal(p->circumstances[0], "voluntary_confession");

	static const char *const docs[][2] = {
	    {"identity", "2024-02-18"},
	    {"filing_approval", "2024-02-20"},
	    {"investigation_report", "2024-04-28"},
	    {"fact_material", "2024-04-28"},
	    {"subject_written_response", "2024-04-30"},
	    {"response_explanation", "2024-05-02"},
	    {"transfer_form", "2024-05-06"},
	};
	assert_int_equal(d->n_documents, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(d->documents[i].kind, docs[i][0]);
		assert_string_equal(d->documents[i].date, docs[i][1]);
	}

	assert_int_equal(d->n_supplement, 1);
	assert_string_equal(d->supplement[0].item, "1");
	assert_int_equal(d->supplement[0].n_evidence, 1);
	assert_string_equal(d->supplement[0].evidence[0], "E7");
	assert_string_equal(d->supplement[0].note,
	                    "补充车主身份及与李某关系的证人证言");
	sl_dossier_free(d);
	sl_dossier_free(NULL);
}

/* The parser reads len bytes and never relies on a terminating NUL. */
static void test_not_nul_terminated(void **st)
{
	(void)st;
	size_t n = strlen(EXAMPLE);
	char *buf = malloc(n);
	assert_non_null(buf);
	memcpy(buf, EXAMPLE, n);
	sl_dossier *d;
	assert_int_equal(parse(buf, n, NULL, &d), SL_OK);
	assert_string_equal(d->agency, "ZRJ");
	sl_dossier_free(d);
	/* and a cut inside the last string is refused, not over-read */
	assert_int_equal(parse(buf, n - 40, NULL, &d), SL_EINPUT);
	assert_null(d);
	free(buf);
}

static void test_unknown_fields_accepted(void **st)
{
	(void)st;
	char *doc = xstrdup(EXAMPLE);
	doc = rep_free(doc, "\"format\"",
	               "\"x-note\": {\"a\": [1, 2.5, null, true, {\"b\": "
	               "\"说明\"}]}, \"format\"");
	doc = rep_free(
	    doc, "\"name\": \"李某\"",
	    "\"name\": \"李某\", \"alias\": \"某某\", \"extra\": null");
	doc = rep_free(doc, "\"level\": \"警告\"",
	               "\"level\": \"警告\", \"doc_no\": 7");
	doc = rep_free(doc, "\"violation\": \"small_coffers\"",
	               "\"violation\": \"small_coffers\", \"weight\": [3]");
	doc = rep_free(doc, "\"source\": \"李某\"",
	               "\"source\": \"李某\", \"pages\": [1, 2]");
	doc = rep_free(doc, "\"form\": 2", "\"form\": 2, \"rationale\": {}");
	doc = rep_free(doc, "\"date\": \"2024-02-18\"",
	               "\"date\": \"2024-02-18\", \"no\": \"甲-1\"");
	doc =
	    rep_free(doc, "\"item\": \"1\"", "\"item\": \"1\", \"ok\": false");
	sl_dossier *d = parse_ok(doc);
	assert_string_equal(d->subject.name, "李某");
	assert_string_equal(d->facts[0].violation, "small_coffers");
	assert_int_equal(d->proposal.form, 2);
	/* the unknown fields are still in the tree for whoever wants them */
	assert_non_null(json_object_get(d->root, "x-note"));
	sl_dossier_free(d);
	free(doc);
}

static void test_optional_fields_absent(void **st)
{
	(void)st;
	char *doc = minimal(ONE_FACT, "[]", "");
	sl_dossier *d = parse_ok(doc);
	assert_null(d->subject.position);
	assert_null(d->subject.rank);
	assert_int_equal(d->subject.n_prior, 0);
	assert_null(d->facts[0].from);
	assert_null(d->facts[0].to);
	assert_int_equal(d->facts[0].has_amount, 0);
	assert_int_equal(d->facts[0].n_evidence, 0);
	assert_int_equal(d->n_evidence, 0);
	assert_int_equal(d->n_documents, 0);
	assert_int_equal(d->n_supplement, 0);
	assert_null(d->supplement);
	assert_int_equal(d->proposal.n_disciplines, 0);
	/* absent sanctions read as null */
	assert_null(d->proposal.party_sanction);
	assert_null(d->proposal.gov_sanction);
	assert_null(sl_dossier_find_evidence(d, "E1"));
	sl_dossier_free(d);
	free(doc);

	/* explicit null sanctions, and the keys missing, are both NULL */
	doc = replace(EXAMPLE, "\"记过\"", "null");
	d = parse_ok(doc);
	assert_null(d->proposal.gov_sanction);
	assert_string_equal(d->proposal.party_sanction, "严重警告");
	sl_dossier_free(d);
	free(doc);
	doc = edit("proposal", "party_sanction", NULL);
	d = parse_ok(doc);
	assert_null(d->proposal.party_sanction);
	sl_dossier_free(d);
	free(doc);
}

/* A fact citing evidence that is not in the file is content for the
 * evidence check, not malformation. */
static void test_dangling_reference_parses(void **st)
{
	(void)st;
	char *doc = replace(EXAMPLE, "[\"E1\", \"E2\"]", "[\"E1\", \"E99\"]");
	sl_dossier *d = parse_ok(doc);
	assert_string_equal(d->facts[0].evidence[1], "E99");
	assert_null(sl_dossier_find_evidence(d, "E99"));
	assert_non_null(sl_dossier_find_evidence(d, "E1"));
	sl_dossier_free(d);
	free(doc);
}

static void test_lookups(void **st)
{
	(void)st;
	sl_dossier *d = parse_ok(EXAMPLE);
	const sl_evidence *e = sl_dossier_find_evidence(d, "E2");
	assert_non_null(e);
	assert_string_equal(e->title, "分局向私家车主转账记录");
	assert_ptr_equal(sl_dossier_find_evidence(d, "E1"), &d->evidence[0]);
	assert_null(sl_dossier_find_evidence(d, "E7")); /* only in supplement */
	assert_null(sl_dossier_find_evidence(d, "E"));
	assert_null(sl_dossier_find_evidence(d, NULL));
	assert_null(sl_dossier_find_evidence(NULL, "E1"));
	assert_ptr_equal(sl_dossier_find_fact(d, "F1"), &d->facts[0]);
	assert_null(sl_dossier_find_fact(d, "F2"));
	sl_dossier_free(d);

	/* many ids in scrambled order: every one is found, in O(log n) */
	char ev[8192] = "[", fa[256];
	size_t o = 1;
	for (int i = 0; i < 97; i++) {
		int k = (i * 37) % 97; /* a permutation of 0..96 */
		o += (size_t)snprintf(ev + o, sizeof ev - o,
		                      "%s{\"id\":\"E%d\",\"kind\":\"physical\","
		                      "\"title\":\"t%d\"}",
		                      i ? "," : "", k, k);
	}
	snprintf(ev + o, sizeof ev - o, "]");
	snprintf(fa, sizeof fa,
	         "[{\"id\":\"F1\",\"summary\":\"s\",\"violation\":\"v\","
	         "\"evidence\":[\"E5\",\"E96\"]}]");
	char *doc = minimal(fa, ev, "");
	d = parse_ok(doc);
	for (int k = 0; k < 97; k++) {
		char id[16], title[16];
		snprintf(id, sizeof id, "E%d", k);
		snprintf(title, sizeof title, "t%d", k);
		e = sl_dossier_find_evidence(d, id);
		assert_non_null(e);
		assert_string_equal(e->title, title);
	}
	assert_null(sl_dossier_find_evidence(d, "E97"));
	sl_dossier_free(d);
	free(doc);
}

static void test_limits(void **st)
{
	(void)st;
	sl_dossier_limits l;
	sl_dossier_default_limits(&l);
	assert_int_equal(l.max_bytes, 16 << 20);
	assert_int_equal(l.max_depth, 16);
	assert_int_equal(l.max_string, 8192);
	assert_int_equal(l.max_items, 10000);
	/* zero fields mean the defaults */
	sl_dossier_limits z = {0};
	sl_dossier *d;
	assert_int_equal(parse(EXAMPLE, strlen(EXAMPLE), &z, &d), SL_OK);
	sl_dossier_free(d);
}

/*** malformed input: one test per class ***/

static void test_not_json(void **st)
{
	(void)st;
	bad("hello", "not valid JSON", NULL);
	bad("{", "not valid JSON", NULL);
	bad("{\"format\": }", "format", "not valid JSON");
	bad("{'format': 1}", "not valid JSON", NULL);
	bad("   ", "not valid JSON", NULL);
	bad_len_lim("", 0, NULL, "empty", NULL);
	bad_len_lim(NULL, 0, NULL, "empty", NULL);
	char *doc = replace(EXAMPLE, "\"form\": 2", "\"form\": 2,,");
	bad(doc, "proposal", "not valid JSON");
	free(doc);
}

static void test_top_level_not_object(void **st)
{
	(void)st;
	bad("[]", "top level", "not an object");
	bad("[1, 2]", "top level", "list");
	bad("\"shenli.case/1\"", "top level", "string");
	bad("42", "top level", "not an object");
	bad("null", "top level", "not an object");
}

static void test_byte_order_mark(void **st)
{
	(void)st;
	char *doc = malloc(strlen(EXAMPLE) + 4);
	assert_non_null(doc);
	memcpy(doc, "\xEF\xBB\xBF", 3);
	memcpy(doc + 3, EXAMPLE, strlen(EXAMPLE) + 1);
	bad(doc, "byte-order mark", NULL);
	free(doc);
}

static void test_wrong_types(void **st)
{
	(void)st;
	bad_rep("\"case_id\": \"ZRJ-2024-013\"", "\"case_id\": 2024013",
	        "case_id: not a string", "integer");
	bad_edit("", "facts", "{}", "facts: not a list", "object");
	bad_rep("\"party_member\": true", "\"party_member\": \"true\"",
	        "subject.party_member: not a boolean", NULL);
	bad_rep("\"form\": 2", "\"form\": \"2\"",
	        "proposal.form: not an integer", "string");
	bad_rep("\"amount_yuan\": 86000", "\"amount_yuan\": \"86000\"",
	        "facts[0].amount_yuan: not a number", NULL);
	bad_rep("[\"E1\", \"E2\"]", "[\"E1\", 2]",
	        "facts[0].evidence[1]: not a string", NULL);
	/* and a wider sample */
	bad_rep("\"format\": \"shenli.case/1\"", "\"format\": 1",
	        "format: not a string", NULL);
	bad_edit("", "subject", "[]", "subject: not an object", NULL);
	bad_edit("", "evidence", "\"E1\"", "evidence: not a list", NULL);
	bad_edit("", "proposal", "null", "proposal: not an object", "null");
	bad_edit("", "documents", "7", "documents: not a list", NULL);
	bad_edit("", "supplement", "{}", "supplement: not a list", NULL);
	bad_edit("", "transferred_on", "20240506", "transferred_on", NULL);
	bad_rep("\"facts\": [", "\"facts\": [ \"F0\",",
	        "facts[0]: not an object", NULL);
	bad_rep("\"name\": \"李某\"", "\"name\": null",
	        "subject.name: not a string", "null");
	bad_rep("\"position\": \"分局局长\"", "\"position\": 5",
	        "subject.position: not a string", NULL);
	bad_rep("\"prior_sanctions\": [", "\"prior_sanctions\": [ 1,",
	        "subject.prior_sanctions[0]: not an object", NULL);
	bad_rep("[\"bank_record\"]", "\"bank_record\"",
	        "evidence[1].tags: not a list", NULL);
	bad_rep("\"eight_point_rules\": true", "\"eight_point_rules\": 1",
	        "proposal.eight_point_rules: not a boolean", NULL);
	bad_rep("\"严重警告\"", "3", "proposal.party_sanction",
	        "not a string or null");
	bad_rep("[\"integrity\"]", "\"integrity\"",
	        "proposal.disciplines: not a list", NULL);
	bad_rep("[\"voluntary_confession\"]", "[[\"voluntary_confession\"]]",
	        "proposal.circumstances[0]: not a string", NULL);
	bad_rep("\"date\": \"2024-02-18\"", "\"date\": 20240218",
	        "documents[0].date: not a string", NULL);
	bad_rep("\"kind\": \"identity\"", "\"kind\": true",
	        "documents[0].kind: not a string", NULL);
	bad_rep("\"item\": \"1\"", "\"item\": 1",
	        "supplement[0].item: not a string", NULL);
	bad_rep("[\"E7\"]", "[\"E7\", {}]", "supplement[0].evidence[1]",
	        "not a string");
	bad_rep("\"note\": \"补充车主身份及与李某关系的证人证言\"",
	        "\"note\": 1", "supplement[0].note: not a string", NULL);
}

static void test_missing_required(void **st)
{
	(void)st;
	static const char *const top[] = {
	    "format", "case_id",  "agency",   "transferred_on", "subject",
	    "facts",  "evidence", "proposal", "documents",
	};
	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
		char want[64];
		snprintf(want, sizeof want, ": %s: missing", top[i]);
		bad_edit("", top[i], NULL, want, NULL);
	}
	static const char *const subj[] = {"name", "person_id", "party_member",
	                                   "public_official"};
	for (size_t i = 0; i < sizeof subj / sizeof subj[0]; i++) {
		char want[64];
		snprintf(want, sizeof want, "subject.%s: missing", subj[i]);
		bad_edit("subject", subj[i], NULL, want, NULL);
	}
	static const char *const prop[] = {"disciplines", "eight_point_rules",
	                                   "form"};
	for (size_t i = 0; i < sizeof prop / sizeof prop[0]; i++) {
		char want[64];
		snprintf(want, sizeof want, "proposal.%s: missing", prop[i]);
		bad_edit("proposal", prop[i], NULL, want, NULL);
	}
	bad_rep("\"id\": \"F1\", ", "", "facts[0].id: missing", NULL);
	bad_rep("\"summary\": \"2019", "\"x\": \"2019",
	        "facts[0].summary: missing", NULL);
	bad_rep("\"violation\": \"small_coffers\",", "",
	        "facts[0].violation: missing", NULL);
	bad_rep("\"id\": \"E2\", ", "", "evidence[1].id: missing", NULL);
	bad_rep("\"kind\": \"subject_statement\", ", "",
	        "evidence[0].kind: missing", NULL);
	bad_rep("\"title\": \"李某谈话笔录\",", "",
	        "evidence[0].title: missing", NULL);
	bad_rep("{ \"kind\": \"identity\", \"date\": \"2024-02-18\" }",
	        "{ \"kind\": \"identity\" }", "documents[0].date: missing",
	        NULL);
	bad_rep("{ \"kind\": \"identity\", \"date\": \"2024-02-18\" }",
	        "{ \"date\": \"2024-02-18\" }", "documents[0].kind: missing",
	        NULL);
	bad_rep(", \"decided_on\": \"2021-03-02\"", "",
	        "subject.prior_sanctions[0].decided_on: missing", NULL);
	bad_rep("{\"system\": \"party\", ", "{",
	        "subject.prior_sanctions[0].system: missing", NULL);
	bad_rep("\"item\": \"1\", ", "", "supplement[0].item: missing", NULL);
}

static void test_wrong_format(void **st)
{
	(void)st;
	bad_rep("shenli.case/1", "shenli.case/2", "format", "shenli.case/2");
	bad_rep("shenli.case/1", "", "format", NULL);
	bad_rep("shenli.case/1", "shenli.case/1 ", "format", NULL);
	bad_rep("shenli.case/1", "SHENLI.CASE/1", "format", NULL);
}

static void test_ids_and_codes(void **st)
{
	(void)st;
	assert_true(sl_case_id_valid("a"));
	assert_true(sl_case_id_valid("ZRJ-2024-013"));
	assert_true(sl_case_id_valid("A.b-c_9"));
	char *s64 = repeat('x', 64), *s65 = repeat('x', 65);
	assert_true(sl_case_id_valid(s64));
	assert_false(sl_case_id_valid(s65));
	assert_false(sl_case_id_valid(""));
	assert_false(sl_case_id_valid(NULL));
	assert_false(sl_case_id_valid("ZRJ 2024"));
	assert_false(sl_case_id_valid("a/b"));
	assert_false(sl_case_id_valid("案件1"));
	assert_true(sl_agency_code_valid("ZRJ"));
	assert_true(sl_agency_code_valid("zone_1-a"));
	assert_false(sl_agency_code_valid("Z.RJ"));
	assert_false(sl_agency_code_valid(""));
	assert_false(sl_agency_code_valid(NULL));
	char *a32 = repeat('A', 32), *a33 = repeat('A', 33);
	assert_true(sl_agency_code_valid(a32));
	assert_false(sl_agency_code_valid(a33));

	bad_rep("ZRJ-2024-013", "ZRJ 2024/013", "case_id", "ZRJ 2024/013");
	bad_rep("ZRJ-2024-013", "", "case_id", NULL);
	bad_rep("ZRJ-2024-013", s65, "case_id", "not a case id");
	ok_rep("ZRJ-2024-013", s64);
	bad_rep("\"agency\": \"ZRJ\"", "\"agency\": \"Z R J\"", "agency",
	        "not an agency code");
	bad_rep("\"agency\": \"ZRJ\"", "\"agency\": \"ZRJ.1\"", "agency", NULL);
	char *rep = malloc(64);
	assert_non_null(rep);
	snprintf(rep, 64, "\"agency\": \"%s\"", a33);
	bad_rep("\"agency\": \"ZRJ\"", rep, "agency", NULL);
	free(rep);
	free(s64);
	free(s65);
	free(a32);
	free(a33);
}

static void test_empty_facts(void **st)
{
	(void)st;
	bad_edit("", "facts", "[]", "facts", "at least one fact");
}

static void test_duplicate_ids(void **st)
{
	(void)st;
	bad_rep("\"evidence\": [\"E1\", \"E2\"] }",
	        "\"evidence\": [\"E1\", \"E2\"] },\n    { \"id\": \"F1\", "
	        "\"summary\": \"又一事实\", \"violation\": \"dereliction\" }",
	        "facts[1].id: duplicate id 'F1'", "first at facts[0]");
	bad_rep("\"id\": \"E2\"", "\"id\": \"E1\"",
	        "evidence[1].id: duplicate id 'E1'", "first at evidence[0]");
	/* the first repeat in document order is named: B at 2 */
	char *doc =
	    minimal(ONE_FACT,
	            "[{\"id\":\"B\",\"kind\":\"physical\",\"title\":\"t\"},"
	            "{\"id\":\"A\",\"kind\":\"physical\",\"title\":\"t\"},"
	            "{\"id\":\"B\",\"kind\":\"physical\",\"title\":\"t\"},"
	            "{\"id\":\"A\",\"kind\":\"physical\",\"title\":\"t\"}]",
	            "");
	bad(doc, "evidence[2].id: duplicate id 'B'", "first at evidence[0]");
	free(doc);
	/* ids are compared as bytes: case matters */
	ok_rep("\"id\": \"E2\"", "\"id\": \"e1\"");
}

static void test_overlong_strings(void **st)
{
	(void)st;
	char *x64 = repeat('F', 64), *x65 = repeat('F', 65);
	char *x256 = repeat('t', 256), *x257 = repeat('t', 257);
	char *x8192 = repeat('a', 8192), *x8193 = repeat('a', 8193);
	char rep[9000];

	snprintf(rep, sizeof rep, "\"id\": \"%s\"", x65);
	bad_rep("\"id\": \"F1\"", rep, "facts[0].id", "longer than 64 bytes");
	snprintf(rep, sizeof rep, "\"id\": \"%s\"", x64);
	ok_rep("\"id\": \"F1\"", rep);
	bad_rep("bank_record", x257, "evidence[1].tags[0]",
	        "longer than 256 bytes");
	ok_rep("bank_record", x256);
	bad_rep("\"李某\", \"person_id\"", "\"\", \"person_id\"",
	        "subject.name: empty", NULL);
	snprintf(rep, sizeof rep, "\"%s\", \"person_id\"", x257);
	bad_rep("\"李某\", \"person_id\"", rep, "subject.name", "longer than");
	bad_rep("small_coffers", x257, "facts[0].violation", "longer than");

	/* long text: max_string, in bytes, not characters */
	snprintf(rep, sizeof rep, "\"summary\": \"%s\"", x8193);
	bad_rep("\"summary\": \"2019年至2022年违规设立小金库,用于租用私家车\"",
	        rep, "facts[0].summary", "longer than 8192 bytes");
	snprintf(rep, sizeof rep, "\"summary\": \"%s\"", x8192);
	ok_rep("\"summary\": \"2019年至2022年违规设立小金库,用于租用私家车\"",
	       rep);
	size_t o = 0;
	o += (size_t)snprintf(rep, sizeof rep, "\"note\": \"");
	for (int i = 0; i < 2731; i++) /* 3 bytes each: 8193 */
		o += (size_t)snprintf(rep + o, sizeof rep - o, "字");
	snprintf(rep + o, sizeof rep - o, "\"");
	bad_rep("\"note\": \"补充车主身份及与李某关系的证人证言\"", rep,
	        "supplement[0].note", "longer than 8192 bytes");

	/* a caller's smaller limit */
	sl_dossier_limits l = {.max_string = 10};
	bad_len_lim(EXAMPLE, strlen(EXAMPLE), &l, "subject.position",
	            "longer than 10 bytes");
	free(x64);
	free(x65);
	free(x256);
	free(x257);
	free(x8192);
	free(x8193);
}

static void test_dates(void **st)
{
	(void)st;
	static const char *const good[] = {
	    "2024-02-29", "2000-02-29", "1900-01-01", "2200-12-31",
	    "2023-12-31", "2024-04-30", "1999-01-31",
	};
	static const char *const nope[] = {
	    "2024-02-30",  "2024-13-01", "24-01-01",
	    "2023-02-29",  "1900-02-29", "2100-02-29",
	    "1899-12-31",  "2201-01-01", "2024-04-31",
	    "2024-00-10",  "2024-01-00", "2024-1-01",
	    "2024-01-1",   "2024/01/01", "2024-01-01 ",
	    " 2024-01-01", "",           "2024-01-0a",
	    "20240101",    "+024-01-01", "2024-01-01T00:00:00Z",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!sl_date_valid(good[i]))
			fail_msg("%s should be valid", good[i]);
	for (size_t i = 0; i < sizeof nope / sizeof nope[0]; i++)
		if (sl_date_valid(nope[i]))
			fail_msg("%s should be invalid", nope[i]);
	assert_false(sl_date_valid(NULL));

	bad_rep("\"transferred_on\": \"2024-05-06\"",
	        "\"transferred_on\": \"2024-02-30\"", "transferred_on",
	        "'2024-02-30' is not a valid date");
	bad_rep("\"date\": \"2024-02-18\"", "\"date\": \"2024-13-01\"",
	        "documents[0].date", "2024-13-01");
	bad_rep("\"obtained_on\": \"2024-03-11\"",
	        "\"obtained_on\": \"24-01-01\"", "evidence[0].obtained_on",
	        "24-01-01");
	bad_rep("\"decided_on\": \"2021-03-02\"",
	        "\"decided_on\": \"2023-02-29\"",
	        "subject.prior_sanctions[0].decided_on", "2023-02-29");
	bad_rep("\"to\": \"2022-12-31\"", "\"to\": \"2022-12-32\"",
	        "facts[0].to", "not a valid date");
	ok_rep("\"transferred_on\": \"2024-05-06\"",
	       "\"transferred_on\": \"2024-02-29\"");
}

static void test_from_after_to(void **st)
{
	(void)st;
	bad_rep("\"from\": \"2019-01-01\"", "\"from\": \"2023-01-01\"",
	        "facts[0].from", "after");
	ok_rep("\"from\": \"2019-01-01\"", "\"from\": \"2022-12-31\"");
	/* one end alone is fine */
	ok_rep("\"from\": \"2019-01-01\", ", "");
}

static void test_amounts(void **st)
{
	(void)st;
	bad_rep("86000", "-1", "facts[0].amount_yuan", "negative");
	bad_rep("86000", "-0.01", "facts[0].amount_yuan", "negative");
	bad_rep("86000", "1000000000001", "facts[0].amount_yuan", "more than");
	bad_rep("86000", "1e13", "facts[0].amount_yuan", "more than");
	bad_rep("86000", "1e400", "facts[0].amount_yuan", "out of range");
	bad_rep("86000", "99999999999999999999", "facts[0].amount_yuan",
	        "out of range");
	bad_rep("86000", "null", "facts[0].amount_yuan", "not a number");
	ok_rep("86000", "1000000000000");
	ok_rep("86000", "0");
	char *doc = replace(EXAMPLE, "86000", "86000.5");
	sl_dossier *d = parse_ok(doc);
	assert_true(d->facts[0].amount_yuan == 86000.5);
	sl_dossier_free(d);
	free(doc);
	doc = replace(EXAMPLE, "86000", "-0.0");
	d = parse_ok(doc);
	assert_true(d->facts[0].has_amount);
	assert_true(d->facts[0].amount_yuan == 0);
	assert_false(signbit(d->facts[0].amount_yuan));
	sl_dossier_free(d);
	free(doc);
}

/* The optional fact fields: use, bounded text like a summary, and
 * in_kind, a boolean. */
static void test_use_and_in_kind(void **st)
{
	(void)st;
	static const char at[] = "\"amount_yuan\": 86000,";
	char *doc = replace(EXAMPLE, at,
	                    "\"amount_yuan\": 86000, \"use\": \"租用私家车\","
	                    " \"in_kind\": true,");
	sl_dossier *d = parse_ok(doc);
	assert_string_equal(d->facts[0].use, "租用私家车");
	assert_int_equal(d->facts[0].in_kind, 1);
	sl_dossier_free(d);
	free(doc);
	/* absent: no use, not in kind */
	d = parse_ok(EXAMPLE);
	assert_null(d->facts[0].use);
	assert_int_equal(d->facts[0].in_kind, 0);
	sl_dossier_free(d);
	ok_rep(at, "\"amount_yuan\": 86000, \"in_kind\": false,");
	bad_rep(at, "\"amount_yuan\": 86000, \"in_kind\": 1,",
	        "facts[0].in_kind", "not a boolean");
	bad_rep(at, "\"amount_yuan\": 86000, \"in_kind\": null,",
	        "facts[0].in_kind", "not a boolean");
	bad_rep(at, "\"amount_yuan\": 86000, \"in_kind\": \"true\",",
	        "facts[0].in_kind", "not a boolean");
	bad_rep(at, "\"amount_yuan\": 86000, \"use\": 5,", "facts[0].use",
	        "not a string");
	bad_rep(at, "\"amount_yuan\": 86000, \"use\": null,", "facts[0].use",
	        "not a string");
	bad_rep(at, "\"amount_yuan\": 86000, \"use\": \"\",", "facts[0].use",
	        "empty string");
	bad_rep(at, "\"amount_yuan\": 86000, \"use\": [\"x\"],", "facts[0].use",
	        "not a string");
	/* as long as a summary may be, and no longer */
	char *u = repeat('u', 8192);
	char to[8300];
	snprintf(to, sizeof to, "\"amount_yuan\": 86000, \"use\": \"%s\",", u);
	ok_rep(at, to);
	snprintf(to, sizeof to, "\"amount_yuan\": 86000, \"use\": \"%sv\",", u);
	bad_rep(at, to, "facts[0].use", "longer than 8192");
	free(u);
}

static void test_vocabularies(void **st)
{
	(void)st;
	bad_rep("\"documentary\"", "\"receipt\"", "evidence[1].kind",
	        "unknown value 'receipt'");
	bad_rep("\"documentary\"", "\"Documentary\"", "evidence[1].kind", NULL);
	bad_rep("\"subject_statement\"", "\"\"", "evidence[0].kind", "empty");
	bad_rep("[\"integrity\"]", "[\"economic\"]", "proposal.disciplines[0]",
	        "'economic'");
	bad_rep("[\"integrity\"]", "[\"integrity\", \"work\", \"integrity\"]",
	        "proposal.disciplines[2]", "twice");
	bad_rep("\"kind\": \"identity\"", "\"kind\": \"appendix\"",
	        "documents[0].kind", "appendix");
	bad_rep("\"system\": \"party\"", "\"system\": \"court\"",
	        "subject.prior_sanctions[0].system", "court");
	ok_rep("[\"integrity\"]",
	       "[\"political\", \"organizational\", \"integrity\", \"mass\", "
	       "\"work\", \"life\"]");
	ok_rep("\"documentary\"", "\"electronic_data\"");
	ok_rep("\"system\": \"party\"", "\"system\": \"gov\"");
	/* the violation code is intake's to judge, not the parser's */
	ok_rep("small_coffers", "no_such_violation");
}

static void test_form(void **st)
{
	(void)st;
	bad_rep("\"form\": 2", "\"form\": 5", "proposal.form",
	        "5 is not one of the four forms");
	bad_rep("\"form\": 2", "\"form\": 0", "proposal.form", NULL);
	bad_rep("\"form\": 2", "\"form\": -1", "proposal.form", NULL);
	bad_rep("\"form\": 2", "\"form\": 2.0", "proposal.form",
	        "not an integer");
	bad_rep("\"form\": 2", "\"form\": 4294967298", "proposal.form", NULL);
	bad_rep("\"form\": 2", "\"form\": null", "proposal.form", NULL);
	ok_rep("\"form\": 2", "\"form\": 4");
	ok_rep("\"form\": 2", "\"form\": 1");
}

static void test_sanctions_and_supplement(void **st)
{
	(void)st;
	bad_rep("\"严重警告\"", "\"\"", "proposal.party_sanction", "empty");
	bad_rep("\"item\": \"1\"", "\"item\": \"01\"", "supplement[0].item",
	        "'01'");
	bad_rep("\"item\": \"1\"", "\"item\": \"一\"", "supplement[0].item",
	        NULL);
	bad_rep("\"item\": \"1\"", "\"item\": \"\"", "supplement[0].item",
	        "empty");
	bad_rep("\"item\": \"1\"", "\"item\": \"1234567890\"",
	        "supplement[0].item", NULL);
	ok_rep("\"item\": \"1\"", "\"item\": \"10\"");
	ok_rep("[\"E7\"]", "[]");
	bad_rep("[\"E7\"]", "[\"\"]", "supplement[0].evidence[0]", "empty");
	bad_rep("\"level\": \"警告\"", "\"level\": \"\"",
	        "subject.prior_sanctions[0].level", "empty");
}

static void test_invalid_utf8(void **st)
{
	(void)st;
	bad_rep("用于租用", "用于\xff租用", "facts[0].summary",
	        "not valid UTF-8");
	/* a sequence cut short by the closing quote */
	bad_rep("私家车\"", "私家\xe8\xbd\"", "facts[0].summary",
	        "not valid UTF-8");
	/* overlong encoding of '/' */
	bad_rep("李某谈话笔录", "李某\xc0\xaf", "evidence[0].title",
	        "not valid UTF-8");
	/* a UTF-16 surrogate encoded as UTF-8 (CESU) */
	bad_rep("\"source\": \"李某\"", "\"source\": \"\xed\xa0\x80\"",
	        "evidence[0].source", "not valid UTF-8");
	/* beyond U+10FFFF */
	bad_rep("bank_record", "bank\xf4\x90\x80\x80", "evidence[1].tags[0]",
	        "not valid UTF-8");
	/* in a key: named by the object it is in */
	bad_rep("\"rank\"", "\"r\xffnk\"", "subject", "not valid UTF-8");
	/* outside any string */
	bad("\xff{}", "not valid UTF-8", NULL);
}

static void test_surrogate_escapes(void **st)
{
	(void)st;
	bad_rep("用于租用", "用于\\ud800租用", "facts[0].summary", "surrogate");
	bad_rep("用于租用", "用于\\udc00", "facts[0].summary", "surrogate");
	bad_rep("用于租用", "\\ud800\\u0041", "facts[0].summary", "surrogate");
	bad_rep("用于租用", "\\ud800\\ud800", "facts[0].summary", "surrogate");
	bad_rep("\"rank\"", "\"\\udfff\"", "subject", "surrogate");
	/* a proper pair is a character like any other */
	char *doc = replace(EXAMPLE, "用于租用", "\\ud83d\\ude00");
	sl_dossier *d = parse_ok(doc);
	assert_non_null(strstr(d->facts[0].summary, "\xf0\x9f\x98\x80"));
	sl_dossier_free(d);
	free(doc);
}

static void test_nul(void **st)
{
	(void)st;
	bad_rep("李某谈话笔录", "李某\\u0000笔录", "evidence[0].title", "NUL");
	bad_rep("bank_record", "\\u0000", "evidence[1].tags[0]", "NUL");
	bad_rep("\"rank\"", "\"ra\\u0000nk\"", "subject", "NUL");
	/* a raw NUL byte inside a string: a control character */
	char *doc = replace(EXAMPLE, "用于租用", "用于@租用");
	size_t len = strlen(doc);
	*strchr(doc, '@') = 0;
	bad_len_lim(doc, len, NULL, "facts[0].summary", "not valid JSON");
	free(doc);
}

/* Nesting is bounded before jansson runs: it would take 2048 levels. */
static void test_deep_nesting(void **st)
{
	(void)st;
	char *open = repeat('[', 10000), *close = repeat(']', 10000);
	char rep[20100];

	/* the top object is level 1: 15 more levels are fine, 16 are not */
	snprintf(rep, sizeof rep, "{\n  \"x\": %.15s%.15s,\n", open, close);
	ok_rep("{\n", rep);
	snprintf(rep, sizeof rep, "{\n  \"x\": %.16s%.16s,\n", open, close);
	bad_rep("{\n", rep, "x[0][0][0]", "nested deeper than 16 levels");

	/* objects count too, and so does depth under a known field */
	snprintf(rep, sizeof rep,
	         "\"violation\": \"small_coffers\", \"x\": "
	         "%.14s%.14s,",
	         open, close);
	bad_rep("\"violation\": \"small_coffers\",", rep, "facts[0].x[0]",
	        "deeper than 16");
	char *objs = malloc(16 * 6 + 16 + 1), *p = objs;
	assert_non_null(objs);
	for (int i = 0; i < 16; i++)
		p += sprintf(p, "{\"a\":");
	p += sprintf(p, "1");
	for (int i = 0; i < 16; i++)
		*p++ = '}';
	*p = 0;
	snprintf(rep, sizeof rep, "{\n  \"x\": %s,\n", objs);
	bad_rep("{\n", rep, "x.a.a.a", "deeper than 16");
	free(objs);

	/* 10000 levels: refused without recursion, balanced or not */
	snprintf(rep, sizeof rep, "{\n  \"x\": %s%s,\n", open, close);
	bad_rep("{\n", rep, "x[0]", "deeper than 16");
	snprintf(rep, sizeof rep, "{\n  \"x\": %s", open);
	bad_rep("{\n", rep, "x[0]", "deeper than 16");
	bad(open, "[0][0]", "deeper than 16");

	/* brackets in strings do not count; escapes are honoured */
	snprintf(rep, sizeof rep,
	         "\"summary\": \"%.40s\\\"%.40s\\\\\", \"x\": %.13s%.13s,",
	         open, "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", open, close);
	char *doc = replace(EXAMPLE,
	                    "\"summary\": \"2019年至2022年违规设立小金库,"
	                    "用于租用私家车\",",
	                    rep);
	sl_dossier *d = parse_ok(doc);
	assert_int_equal(strlen(d->facts[0].summary), 40 + 1 + 40 + 1);
	sl_dossier_free(d);
	free(doc);

	/* a caller may raise the bound, up to the cap */
	sl_dossier_limits l = {.max_depth = 1000};
	snprintf(rep, sizeof rep, "{\n  \"x\": %.63s%.63s,\n", open, close);
	doc = replace(EXAMPLE, "{\n", rep);
	assert_int_equal(parse(doc, strlen(doc), &l, &d), SL_OK);
	sl_dossier_free(d);
	free(doc);
	snprintf(rep, sizeof rep, "{\n  \"x\": %.64s%.64s,\n", open, close);
	doc = replace(EXAMPLE, "{\n", rep);
	bad_len_lim(doc, strlen(doc), &l, "x[0]", "deeper than 64");
	free(doc);
	free(open);
	free(close);
}

static void test_size_limit(void **st)
{
	(void)st;
	size_t n = strlen(EXAMPLE);
	char want[64];
	sl_dossier_limits l = {.max_bytes = 100};
	snprintf(want, sizeof want, "%zu bytes", n);
	bad_len_lim(EXAMPLE, n, &l, want, "limit of 100 bytes");
	l.max_bytes = n;
	sl_dossier *d;
	assert_int_equal(parse(EXAMPLE, n, &l, &d), SL_OK);
	sl_dossier_free(d);
	l.max_bytes = n - 1;
	bad_len_lim(EXAMPLE, n, &l, "bytes", NULL);

	/* the real default: 16 MiB is fine, one byte more is not */
	size_t big = (size_t)16 << 20;
	char *buf = malloc(big + 1);
	assert_non_null(buf);
	memcpy(buf, EXAMPLE, n);
	memset(buf + n, ' ', big + 1 - n);
	assert_int_equal(parse(buf, big, NULL, &d), SL_OK);
	sl_dossier_free(d);
	bad_len_lim(buf, big + 1, NULL, "16777217 bytes",
	            "limit of 16777216 bytes");
	free(buf);
}

static void test_max_items(void **st)
{
	(void)st;
	sl_dossier_limits l = {.max_items = 10};
	char facts[2048] = "[", *doc;
	size_t o = 1;
	for (int i = 0; i < 11; i++)
		o += (size_t)snprintf(facts + o, sizeof facts - o,
		                      "%s{\"id\":\"F%d\",\"summary\":\"s\","
		                      "\"violation\":\"v\"}",
		                      i ? "," : "", i);
	snprintf(facts + o, sizeof facts - o, "]");
	doc = minimal(facts, "[]", "");
	bad_len_lim(doc, strlen(doc), &l, "facts", "more than 10 items");
	free(doc);
	/* ten are fine */
	char *last = strrchr(facts, '{');
	strcpy(last - 1, "]");
	doc = minimal(facts, "[]", "");
	sl_dossier *d;
	assert_int_equal(parse(doc, strlen(doc), &l, &d), SL_OK);
	assert_int_equal(d->n_facts, 10);
	sl_dossier_free(d);
	free(doc);
	/* unknown lists and objects are bounded too */
	doc = minimal(ONE_FACT, "[]", ",\"x\":[0,1,2,3,4,5,6,7,8,9,10]");
	bad_len_lim(doc, strlen(doc), &l, "x", "more than 10 items");
	free(doc);
	doc = minimal(ONE_FACT, "[]",
	              ",\"x\":{\"a\":0,\"b\":1,\"c\":2,\"d\":3,\"e\":4,\"f\":5,"
	              "\"g\":6,\"h\":7,\"i\":8,\"j\":9,\"k\":10}");
	bad_len_lim(doc, strlen(doc), &l, "x", "more than 10 members");
	free(doc);
	/* and the default bound is real: 10001 tags */
	size_t cap = 10001 * 4 + 256;
	char *tags = malloc(cap);
	assert_non_null(tags);
	o = (size_t)snprintf(tags, cap,
	                     "[{\"id\":\"E1\",\"kind\":\"physical\","
	                     "\"title\":\"t\",\"tags\":[");
	for (int i = 0; i < 10001; i++)
		o += (size_t)snprintf(tags + o, cap - o, "%s\"t\"",
		                      i ? "," : "");
	snprintf(tags + o, cap - o, "]}]");
	doc = minimal(ONE_FACT, tags, "");
	bad(doc, "evidence[0].tags", "more than 10000 items");
	free(doc);
	free(tags);
}

static void test_duplicate_keys(void **st)
{
	(void)st;
	bad_rep("\"agency\"", "\"case_id\": \"X\",\n  \"agency\"", "case_id",
	        "duplicate key");
	bad_rep("\"person_id\"", "\"name\": \"王某\", \"person_id\"",
	        "subject.name", "duplicate key");
	bad_rep("\"format\"", "\"x\": {\"a\": 1, \"a\": 2}, \"format\"", "x.a",
	        "duplicate key");
	bad_rep("\"kind\": \"identity\"",
	        "\"kind\": \"identity\", \"kind\": \"identity\"",
	        "documents[0].kind", "duplicate key");
}

static void test_trailing_garbage(void **st)
{
	(void)st;
	size_t n = strlen(EXAMPLE);
	char *doc = malloc(n + 8);
	assert_non_null(doc);
	memcpy(doc, EXAMPLE, n + 1);
	strcat(doc, "x");
	bad(doc, "trailing data", NULL);
	memcpy(doc, EXAMPLE, n + 1);
	strcat(doc, "{}");
	bad(doc, "trailing data", NULL);
	memcpy(doc, EXAMPLE, n + 1);
	bad_len_lim(doc, n + 1, NULL, "trailing data", NULL); /* a NUL */
	memcpy(doc, EXAMPLE, n + 1);
	strcat(doc, " \r\n\t");
	sl_dossier_free(parse_ok(doc));
	free(doc);
}

/* Quoted values cannot put control sequences on the reviewer's terminal. */
static void test_messages_sanitised(void **st)
{
	(void)st;
	bad_rep("\"documentary\"", "\"\\u001b[31mred\\u202e\\u2028\"",
	        "evidence[1].kind", "'?[31mred?\?'");
	assert_null(strchr(sl_errmsg(), 0x1b));
	sl_dossier *d;
	assert_int_equal(sl_dossier_parse("[]", 2, "a\nb\x1b", NULL, &d),
	                 SL_EINPUT);
	assert_null(d);
	assert_int_equal(strncmp(sl_errmsg(), "a?b?: ", 6), 0);
	/* a long value is cut, not the whole message */
	char *x = repeat('k', 200), q[256];
	snprintf(q, sizeof q, "\"%s\"", x);
	bad_rep("\"documentary\"", q, "evidence[1].kind", "kkk...'");
	assert_true(strlen(sl_errmsg()) < 400);
	free(x);
	/* no name given */
	assert_int_equal(sl_dossier_parse("[]", 2, NULL, NULL, &d), SL_EINPUT);
	assert_true(strlen(sl_errmsg()) > 0);
}

/* A poor man's fuzzer: every truncation and a few byte substitutions at
 * every offset of the example. Each must end in OK or SL_EINPUT, with no
 * crash, leak or sanitizer report; refusals carry a message. */
static void test_mutations(void **st)
{
	(void)st;
	static const char subst[] = {'{', '[', '"',    '\\',   ',', ':',
	                             '}', '0', '\xff', '\x80', ' ', 'u'};
	size_t n = strlen(EXAMPLE);
	char *buf = malloc(n);
	assert_non_null(buf);
	size_t ok = 0, refused = 0;
	/* the example ends "}\n": only the last cut is whole */
	for (size_t cut = 0; cut + 1 < n; cut++) {
		memcpy(buf, EXAMPLE, cut);
		sl_dossier *d;
		sl_rc rc = parse(buf, cut, NULL, &d);
		assert_int_equal(rc, SL_EINPUT);
		assert_null(d);
		assert_true(strlen(sl_errmsg()) > strlen(NAME ": "));
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof subst; k++) {
			memcpy(buf, EXAMPLE, n);
			buf[i] = subst[k];
			sl_dossier *d;
			sl_rc rc = parse(buf, n, NULL, &d);
			if (rc == SL_OK) {
				assert_non_null(d);
				ok++;
				sl_dossier_free(d);
			} else {
				assert_int_equal(rc, SL_EINPUT);
				assert_null(d);
				check_msg(NULL, NULL);
				refused++;
			}
		}
	}
	assert_true(ok > 0 && refused > 0);
	free(buf);
}

/* sl_jsonmem_loadb parses from the arena: the tree goes with the arena,
 * never json_decref'd, and a parse that fails mid-way leaves its partial
 * tree there too (LSan and valgrind see a leak). Before and after,
 * jansson's values are malloc'd and free'd as ever: one freed into or out
 * of the arena by mistake aborts in free() or under ASan. */
static void test_jsonmem_arena(void **st)
{
	(void)st;
	static const char doc[] = "{\"a\": [1, \"two\", {\"b\": null}]}",
	                  cut[] = "{\"a\": [1, {\"b\": ";
	sl_arena a = {0};
	json_error_t e;
	json_t *before = json_pack("{s:s}", "k", "made before the parse");
	json_t *t = sl_jsonmem_loadb(&a, doc, strlen(doc), 0, &e);
	json_t *partial = sl_jsonmem_loadb(&a, cut, strlen(cut), 0, &e);
	json_t *after = json_string("made after the parse");
	assert_non_null(t);
	assert_null(partial);
	assert_non_null(a.head); /* the tree came from the arena */
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(t, "a"), 1)),
	    "two");
	json_decref(before);
	sl_arena_free(&a); /* t with it */
	assert_string_equal(json_string_value(after), "made after the parse");
	json_decref(after);
}

static void *parse_on_thread(void *arg)
{
	sl_dossier *d = NULL;
	if (sl_dossier_parse(EXAMPLE, strlen(EXAMPLE), NAME, NULL, &d))
		return NULL;
	*(sl_dossier **)arg = d;
	return arg;
}

/* The import parses on its reader thread and drops the dossier on its
 * writer: the tree is the dossier's, not the parsing thread's. */
static void test_parsed_on_another_thread(void **st)
{
	(void)st;
	sl_dossier *d = NULL;
	pthread_t th;
	void *ret;
	assert_int_equal(pthread_create(&th, NULL, parse_on_thread, &d), 0);
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_non_null(ret);
	assert_non_null(d);
	assert_string_equal(d->case_id, "ZRJ-2024-013");
	assert_string_equal(d->facts[0].summary,
	                    "2019年至2022年违规设立小金库,用于租用私家车");
	/* what the import's queue counts for it: the tree is larger than
	 * the text it came from */
	assert_true(sl_dossier_held(d) > strlen(EXAMPLE));
	assert_int_equal(sl_dossier_held(NULL), 0);
	sl_dossier_free(d);
	/* this thread's jansson is malloc's still */
	json_t *j = json_pack("[s]", "after");
	assert_non_null(j);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_reads_back),
	    cmocka_unit_test(test_jsonmem_arena),
	    cmocka_unit_test(test_parsed_on_another_thread),
	    cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_unknown_fields_accepted),
	    cmocka_unit_test(test_optional_fields_absent),
	    cmocka_unit_test(test_dangling_reference_parses),
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_not_json),
	    cmocka_unit_test(test_top_level_not_object),
	    cmocka_unit_test(test_byte_order_mark),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_missing_required),
	    cmocka_unit_test(test_wrong_format),
	    cmocka_unit_test(test_ids_and_codes),
	    cmocka_unit_test(test_empty_facts),
	    cmocka_unit_test(test_duplicate_ids),
	    cmocka_unit_test(test_overlong_strings),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_from_after_to),
	    cmocka_unit_test(test_amounts),
	    cmocka_unit_test(test_use_and_in_kind),
	    cmocka_unit_test(test_vocabularies),
	    cmocka_unit_test(test_form),
	    cmocka_unit_test(test_sanctions_and_supplement),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_surrogate_escapes),
	    cmocka_unit_test(test_nul),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_max_items),
	    cmocka_unit_test(test_duplicate_keys),
	    cmocka_unit_test(test_trailing_garbage),
	    cmocka_unit_test(test_messages_sanitised),
	    cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
