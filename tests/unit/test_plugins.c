/*
 * Unit tests: the three built-in check plugins (evidence, classification,
 * procedure), driven through the plugin ABI exactly as the host drives them.
 *
 * How the plugins get here. Every plugin exports the same two symbols
 * (shenli_plugin_abi, shenli_plugin_init), so they cannot be linked into
 * one binary; this test dlopens each shared object, as the host does, from
 * paths given on the command line:
 *
 *     test_plugins EVIDENCE.so CLASSIFICATION.so PROCEDURE.so
 *
 * or, without arguments, from SHENLI_PLUGIN_EVIDENCE,
 * SHENLI_PLUGIN_CLASSIFICATION and SHENLI_PLUGIN_PROCEDURE in the
 * environment. plugins/CMakeLists.txt passes the built modules. The rules
 * are the built-in document (plugins/rules/rules.json, embedded in
 * shenli_core): the bytes a new store installs and hands to open().
 *
 * What is tested:
 *   - the ABI: the exported number, init refusing another ABI, the table;
 *   - open() refusing malformed rules sections (and only its own);
 *   - every rule: a hand-built case where it fires (code, severity,
 *     standard and refs asserted) and one where it does not, so that
 *     removing any rule fails a test;
 *   - 20,000 complete generated dossiers (core/sample.c): no blocker and no
 *     warning from any plugin;
 *   - 200 dossiers of each planted fault that is a review matter: the
 *     matching code as a blocker, and no other blocker;
 *   - the time per case of the three plugins over generated dossiers.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the above first */
#include <cmocka.h>

#include <dlfcn.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <shenli/plugin.h>

#include "plugin_case.h"
#include "rules.h"
#include "sample.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the plugins, loaded as the host loads them ------------------------- */

enum { P_EV, P_CL, P_PR, NP };

static struct plugin {
	const char *path, *name, *env;
	void *dl;
	const int *abi;
	shenli_init_fn init;
	shenli_name_fn fname;
	shenli_open_fn open;
	shenli_check_fn check;
	shenli_close_fn close;
	void *state;
} P[NP] = {
    {NULL, "evidence", "SHENLI_PLUGIN_EVIDENCE", NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL},
    {NULL, "classification", "SHENLI_PLUGIN_CLASSIFICATION", NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL},
    {NULL, "procedure", "SHENLI_PLUGIN_PROCEDURE", NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL},
};

static shenli_funcptr lookup(const shenli_dispatch *t, int id)
{
	for (; t && t->id; t++)
		if (t->id == id)
			return t->fn;
	return NULL;
}

static const char *rules_json(size_t *len)
{
	return sl_rules_builtin(len);
}

static int load_plugins(void)
{
	for (int i = 0; i < NP; i++) {
		struct plugin *p = &P[i];
		p->dl = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
		if (!p->dl) {
			fprintf(stderr, "test_plugins: %s\n", dlerror());
			return -1;
		}
		p->abi = dlsym(p->dl, SHENLI_PLUGIN_ABI_SYMBOL);
		p->init = (shenli_init_fn)dlsym(p->dl, SHENLI_PLUGIN_INIT);
		if (!p->abi || !p->init) {
			fprintf(stderr, "test_plugins: %s: symbols missing\n",
			        p->path);
			return -1;
		}
		const shenli_dispatch *t = p->init(SHENLI_PLUGIN_ABI);
		p->fname = (shenli_name_fn)lookup(t, SHENLI_FN_NAME);
		p->open = (shenli_open_fn)lookup(t, SHENLI_FN_OPEN);
		p->check = (shenli_check_fn)lookup(t, SHENLI_FN_CHECK);
		p->close = (shenli_close_fn)lookup(t, SHENLI_FN_CLOSE);
		if (!p->fname || !p->open || !p->check || !p->close) {
			fprintf(stderr,
			        "test_plugins: %s: dispatch incomplete\n",
			        p->path);
			return -1;
		}
		size_t len;
		const char *r = rules_json(&len);
		p->state = p->open(r, len);
		if (!p->state) {
			fprintf(stderr, "test_plugins: %s: open failed\n",
			        p->path);
			return -1;
		}
	}
	return 0;
}

static void unload_plugins(void)
{
	for (int i = 0; i < NP; i++) {
		if (P[i].state)
			P[i].close(P[i].state);
		if (P[i].dl)
			dlclose(P[i].dl);
	}
}

/* ---- the emitter: copies and validates what it is given ----------------- */

#define MAXF 96
#define MAXREFS 32

enum mode { M_FULL, M_CODES, M_COUNT };

struct rec {
	int plugin;
	char standard[16], code[48];
	shenli_severity severity;
	char msg[4096], outline[4096];
	int has_outline;
	char refs[MAXREFS][72];
	size_t n_refs;
};

struct shenli_emitter {
	enum mode mode;
	int plugin;
	struct rec f[MAXF];
	size_t n, count[3];
	int bad;
	char why[256];
};

static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80   ? 0
		           : *p < 0xC2 ? 9
		           : *p < 0xE0 ? 1
		           : *p < 0xF0 ? 2
		           : *p < 0xF5 ? 3
		                       : 9;
		if (n == 9)
			return 0;
		p++;
		for (size_t i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

static int code_ok(const char *s)
{
	if (!s || !*s || strlen(s) >= 48)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return 0;
	return 1;
}

static void bad(shenli_emitter *e, const char *why, const shenli_finding *f)
{
	if (!e->bad)
		snprintf(e->why, sizeof e->why, "%s (code %s)", why,
		         f && f->code ? f->code : "?");
	e->bad = 1;
}

/* The host copies everything; so do we, after checking the finding is
 * well-formed: one of the six standards, a known severity, a code, a
 * non-empty UTF-8 message, refs that are strings. */
static void emit_cb(shenli_emitter *e, const shenli_finding *f)
{
	static const char *const standards[] = {"facts",          "evidence",
	                                        "classification", "disposal",
	                                        "formalities",    "procedure"};
	if ((unsigned)f->severity > SHENLI_NOTE) {
		bad(e, "severity out of range", f);
		return;
	}
	e->count[f->severity]++;
	if (e->mode == M_COUNT)
		return;
	int std = 0;
	for (size_t i = 0; i < NELEM(standards); i++)
		std |= f->standard && !strcmp(f->standard, standards[i]);
	if (!std)
		bad(e, "standard is none of the six", f);
	if (!code_ok(f->code))
		bad(e, "bad code", f);
	if (!f->message || !*f->message || !utf8_ok(f->message) ||
	    strlen(f->message) >= sizeof e->f[0].msg)
		bad(e, "bad message", f);
	if (f->outline_item &&
	    (!*f->outline_item || !utf8_ok(f->outline_item) ||
	     strlen(f->outline_item) >= 4096))
		bad(e, "bad outline item", f);
	if (f->n_refs && !f->refs)
		bad(e, "refs missing", f);
	for (size_t i = 0; i < f->n_refs && f->refs; i++)
		if (!f->refs[i] || !*f->refs[i] || strlen(f->refs[i]) >= 72)
			bad(e, "bad ref", f);
	if (e->n >= MAXF) {
		bad(e, "too many findings for the test", f);
		return;
	}
	if (e->bad)
		return;
	struct rec *r = &e->f[e->n++];
	r->plugin = e->plugin;
	snprintf(r->standard, sizeof r->standard, "%s", f->standard);
	snprintf(r->code, sizeof r->code, "%s", f->code);
	r->severity = f->severity;
	r->n_refs = 0;
	r->has_outline = f->outline_item != NULL;
	r->msg[0] = r->outline[0] = '\0';
	if (e->mode == M_FULL) {
		snprintf(r->msg, sizeof r->msg, "%s", f->message);
		if (f->outline_item)
			snprintf(r->outline, sizeof r->outline, "%s",
			         f->outline_item);
	}
	for (size_t i = 0; i < f->n_refs && i < MAXREFS; i++)
		snprintf(r->refs[r->n_refs++], sizeof r->refs[0], "%s",
		         f->refs[i]);
}

static shenli_emitter EM; /* large: static, reset per run */

static void em_reset(shenli_emitter *e, enum mode m)
{
	e->mode = m;
	e->n = 0;
	e->count[0] = e->count[1] = e->count[2] = 0;
	e->bad = 0;
	e->why[0] = '\0';
}

static const char *const sev_name[] = {"blocker", "warning", "note"};

static void dump(const shenli_emitter *e)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct rec *r = &e->f[i];
		fprintf(stderr, "  [%s] %s %s %s refs[", P[r->plugin].name,
		        sev_name[r->severity], r->standard, r->code);
		for (size_t k = 0; k < r->n_refs; k++)
			fprintf(stderr, "%s%s", k ? "," : "", r->refs[k]);
		fprintf(stderr, "] %s\n", r->msg);
		if (r->has_outline && r->outline[0])
			fprintf(stderr, "      outline: %s\n", r->outline);
	}
}

/* Run plugins (a bitmask of 1 << P_*) on c; findings accumulate in EM. */
static shenli_emitter *run_mask(unsigned mask, const shenli_case *c,
                                enum mode m)
{
	em_reset(&EM, m);
	for (int i = 0; i < NP; i++) {
		if (!(mask & (1u << i)))
			continue;
		EM.plugin = i;
		int rc = P[i].check(P[i].state, c, &EM, emit_cb);
		if (rc) {
			fail_msg("%s: check returned %d", P[i].name, rc);
		}
	}
	if (EM.bad) {
		dump(&EM);
		fail_msg("malformed finding: %s", EM.why);
	}
	return &EM;
}

/* One plugin with a state of the test's own (rules edited by the test). */
static shenli_emitter *run_state(int plugin, void *state, const shenli_case *c)
{
	em_reset(&EM, M_FULL);
	EM.plugin = plugin;
	assert_int_equal(P[plugin].check(state, c, &EM, emit_cb), 0);
	if (EM.bad) {
		dump(&EM);
		fail_msg("malformed finding: %s", EM.why);
	}
	return &EM;
}

static shenli_emitter *run(int plugin, const shenli_case *c)
{
	return run_mask(1u << plugin, c, M_FULL);
}

static shenli_emitter *run_all(const shenli_case *c)
{
	return run_mask((1u << NP) - 1, c, M_FULL);
}

static int refs_equal(const struct rec *r, const char *const *want, size_t n)
{
	if (r->n_refs != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(r->refs[i], want[i]))
			return 0;
	return 1;
}

/*
 * Assert a finding with this code and exactly these refs (NULL-terminated,
 * in order), of this severity and standard. Returns it for further checks
 * of its text.
 */
static const struct rec *expect(const shenli_emitter *e, const char *code,
                                shenli_severity sev, const char *standard, ...)
{
	const char *want[MAXREFS];
	size_t n = 0;
	va_list ap;
	va_start(ap, standard);
	for (const char *s; (s = va_arg(ap, const char *)) && n < MAXREFS;)
		want[n++] = s;
	va_end(ap);
	for (size_t i = 0; i < e->n; i++) {
		const struct rec *r = &e->f[i];
		if (strcmp(r->code, code) || !refs_equal(r, want, n))
			continue;
		if (r->severity != sev || strcmp(r->standard, standard)) {
			dump(e);
			fail_msg("%s: severity %s standard %s, want %s %s",
			         code, sev_name[r->severity], r->standard,
			         sev_name[sev], standard);
		}
		return r;
	}
	dump(e);
	fail_msg("no %s finding with the expected refs", code);
	return NULL;
}

static void expect_none(const shenli_emitter *e, const char *code)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->f[i].code, code)) {
			dump(e);
			fail_msg("unexpected %s finding", code);
		}
}

static size_t count_code(const shenli_emitter *e, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < e->n; i++)
		n += !strcmp(e->f[i].code, code);
	return n;
}

static void expect_clean(const shenli_case *c)
{
	shenli_emitter *e = run_all(c);
	if (e->n) {
		dump(e);
		fail_msg("%zu findings on a clean case", e->n);
	}
}

/* No blocker and no warning (notes are what a panel should merely see). */
static void expect_no_alarm(const shenli_emitter *e)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->f[i].severity != SHENLI_NOTE) {
			dump(e);
			fail_msg("%s %s on a case without fault",
			         sev_name[e->f[i].severity], e->f[i].code);
		}
}

static void contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* ---- a complete, consistent case built by hand -------------------------- */

#define NO_AMOUNT (-1.0)

typedef struct {
	shenli_case c;
	shenli_fact f[8];
	const char *fref[8][8];
	shenli_evidence e[16];
	const char *etag[16][3];
	shenli_document d[12];
	const char *disc[8];
	const char *circ[8];
	shenli_prior_sanction prior[4];
	shenli_return ret[2];
	shenli_outline_item item[2][2];
	const char *answer[2][2][4];
} tc;

static shenli_evidence *tc_ev(tc *t, const char *id, const char *kind,
                              const char *tag, const char *title)
{
	size_t i = t->c.n_evidence++;
	assert_true(i < NELEM(t->e));
	t->e[i] = (shenli_evidence){.id = id,
	                            .kind = kind,
	                            .title = title,
	                            .obtained_on = "2024-03-11",
	                            .source = "专案组",
	                            .tags = t->etag[i]};
	if (tag)
		t->etag[i][t->e[i].n_tags++] = tag;
	return &t->e[i];
}

/* A fact citing the evidence ids that follow (NULL-terminated). */
static shenli_fact *tc_fact(tc *t, const char *id, const char *violation,
                            double amount, ...)
{
	size_t i = t->c.n_facts++;
	assert_true(i < NELEM(t->f));
	t->f[i] = (shenli_fact){.id = id,
	                        .summary = "测试事实",
	                        .violation = violation,
	                        .from = "2023-01-01",
	                        .to = "2023-06-30",
	                        .has_amount = amount >= 0,
	                        .amount_yuan = amount >= 0 ? amount : 0,
	                        .evidence = t->fref[i]};
	va_list ap;
	va_start(ap, amount);
	for (const char *s; (s = va_arg(ap, const char *));) {
		assert_true(t->f[i].n_evidence < NELEM(t->fref[i]));
		t->fref[i][t->f[i].n_evidence++] = s;
	}
	va_end(ap);
	return &t->f[i];
}

static void tc_cite(tc *t, shenli_fact *f, const char *id)
{
	size_t i = (size_t)(f - t->f);
	assert_true(f->n_evidence < NELEM(t->fref[i]));
	t->fref[i][f->n_evidence++] = id;
}

static void tc_discs(tc *t, ...)
{
	va_list ap;
	va_start(ap, t);
	t->c.proposal.n_disciplines = 0;
	for (const char *s; (s = va_arg(ap, const char *));)
		t->disc[t->c.proposal.n_disciplines++] = s;
	va_end(ap);
}

static void tc_circs(tc *t, ...)
{
	va_list ap;
	va_start(ap, t);
	t->c.proposal.n_circumstances = 0;
	for (const char *s; (s = va_arg(ap, const char *));)
		t->circ[t->c.proposal.n_circumstances++] = s;
	va_end(ap);
}

static void tc_sanction(tc *t, const char *party, const char *gov, int form)
{
	t->c.proposal.party_sanction = party;
	t->c.proposal.gov_sanction = gov;
	t->c.proposal.form = form;
}

static void tc_prior(tc *t, const char *system, const char *level,
                     const char *date)
{
	size_t i = t->c.subject.n_prior++;
	assert_true(i < NELEM(t->prior));
	t->prior[i] = (shenli_prior_sanction){system, level, date};
}

/* Set the date of a document kind, adding it if absent. */
static void tc_doc(tc *t, const char *kind, const char *date)
{
	for (size_t i = 0; i < t->c.n_documents; i++)
		if (!strcmp(t->d[i].kind, kind)) {
			t->d[i].date = date;
			return;
		}
	assert_true(t->c.n_documents < NELEM(t->d));
	t->d[t->c.n_documents++] = (shenli_document){kind, date};
}

static void tc_nodoc(tc *t, const char *kind)
{
	for (size_t i = 0; i < t->c.n_documents; i++)
		if (!strcmp(t->d[i].kind, kind)) {
			memmove(&t->d[i], &t->d[i + 1],
			        (t->c.n_documents - i - 1) * sizeof t->d[0]);
			t->c.n_documents--;
			return;
		}
	fail_msg("no document %s", kind);
}

/* 李某, party member and public official, no priors; one fact: gifts and
 * money of 5000 yuan (level 1), proven by his statement, a bank record and
 * the giver's testimony; integrity + eight-point; 警告/警告, form 2; all
 * seven documents in order; transferred 2024-05-06. No plugin finds
 * anything in it. */
static void tc_base(tc *t)
{
	memset(t, 0, sizeof *t);
	shenli_case *c = &t->c;
	c->case_id = "ZRJ-2024-001";
	c->agency = "ZRJ";
	c->zone = "Z1";
	c->state = "in_review";
	c->transferred_on = "2024-05-06";
	c->subject = (shenli_subject){.name = "李某",
	                              .person_id = "P-000042",
	                              .position = "市人社局社会保险中心主任",
	                              .rank = "处级",
	                              .party_member = 1,
	                              .public_official = 1,
	                              .prior = t->prior};
	c->facts = t->f;
	c->evidence = t->e;
	c->documents = t->d;
	c->proposal.disciplines = t->disc;
	c->proposal.circumstances = t->circ;
	c->returns = t->ret;
	tc_ev(t, "E1", "subject_statement", NULL, "李某谈话笔录");
	tc_ev(t, "E2", "documentary", "bank_record", "李某个人银行账户流水");
	tc_ev(t, "E3", "witness_testimony", NULL, "送礼人王某证人证言");
	tc_fact(t, "F1", "gifts_and_money", 5000, "E1", "E2", "E3", NULL);
	tc_discs(t, "integrity", NULL);
	c->proposal.eight_point_rules = 1;
	tc_sanction(t, "警告", "警告", 2);
	tc_doc(t, "identity", "2024-02-18");
	tc_doc(t, "filing_approval", "2024-02-20");
	tc_doc(t, "investigation_report", "2024-04-28");
	tc_doc(t, "fact_material", "2024-04-28");
	tc_doc(t, "subject_written_response", "2024-04-30");
	tc_doc(t, "response_explanation", "2024-05-02");
	tc_doc(t, "transfer_form", "2024-05-06");
}

/* A return (its number: the next) on the given day, resubmitted on
 * another (NULL: still away), with no items yet. */
static shenli_return *tc_return(tc *t, const char *on, const char *back)
{
	size_t i = t->c.n_returns++;
	assert_true(i < NELEM(t->ret));
	t->ret[i] = (shenli_return){.return_no = (int)i + 1,
	                            .kind = "supplement",
	                            .items = t->item[i],
	                            .returned_on = on,
	                            .resubmitted_on = back};
	return &t->ret[i];
}

/* An outline item of return r, answered on the given day (NULL: open)
 * with the evidence ids that follow (NULL-terminated). */
static void tc_item(tc *t, shenli_return *r, const char *answered_on, ...)
{
	size_t ri = (size_t)(r - t->ret), i = r->n_items++;
	assert_true(i < NELEM(t->item[0]));
	static const char *const nos[] = {"1", "2"};
	shenli_outline_item *it = &t->item[ri][i];
	*it = (shenli_outline_item){.no = nos[i],
	                            .text = "补充证据",
	                            .answered = answered_on != NULL,
	                            .answered_on = answered_on,
	                            .answer_evidence = t->answer[ri][i]};
	va_list ap;
	va_start(ap, answered_on);
	for (const char *e; (e = va_arg(ap, const char *));) {
		assert_true(it->n_answer_evidence < NELEM(t->answer[0][0]));
		t->answer[ri][i][it->n_answer_evidence++] = e;
	}
	va_end(ap);
}

/* The base case with its facts and evidence removed. */
static void tc_bare(tc *t)
{
	tc_base(t);
	t->c.n_facts = 0;
	t->c.n_evidence = 0;
	memset(t->etag, 0, sizeof t->etag);
}

/* ---- the ABI and open() ------------------------------------------------- */

static void test_abi(void **st)
{
	(void)st;
	for (int i = 0; i < NP; i++) {
		struct plugin *p = &P[i];
		assert_int_equal(*p->abi, SHENLI_PLUGIN_ABI);
		assert_null(p->init(SHENLI_PLUGIN_ABI + 1));
		assert_null(p->init(0));
		const shenli_dispatch *d = p->init(SHENLI_PLUGIN_ABI);
		assert_non_null(d);
		size_t n = 0;
		while (d[n].id)
			n++;
		assert_int_equal(n, 4);
		assert_null(d[n].fn);
		assert_string_equal(p->fname(), p->name);
		/* no state: the check says it could not run */
		tc t;
		tc_base(&t);
		em_reset(&EM, M_FULL);
		assert_int_not_equal(p->check(NULL, &t.c, &EM, emit_cb), 0);
		assert_int_equal(EM.n, 0);
		p->close(NULL);
	}
}

/* A copy of the built-in rules with one edit: "path" is a dot path of
 * object keys and array indexes; value NULL deletes the member. */
static char *rules_with(const char *path, json_t *value)
{
	size_t len;
	const char *r = rules_json(&len);
	json_t *root = json_loadb(r, len, 0, NULL);
	assert_non_null(root);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *o = root;
	char *save = NULL, *key = strtok_r(buf, ".", &save);
	for (char *next; key; key = next) {
		next = strtok_r(NULL, ".", &save);
		int idx = json_is_array(o);
		if (!next) {
			if (idx && value)
				assert_int_equal(
				    json_array_set_new(o, (size_t)atoi(key),
				                       value),
				    0);
			else if (idx)
				assert_int_equal(
				    json_array_remove(o, (size_t)atoi(key)), 0);
			else if (value)
				assert_int_equal(
				    json_object_set_new(o, key, value), 0);
			else
				assert_int_equal(json_object_del(o, key), 0);
			break;
		}
		o = idx ? json_array_get(o, (size_t)atoi(key))
		        : json_object_get(o, key);
		assert_non_null(o);
	}
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	assert_non_null(s);
	return s;
}

/* Plugin pl opened on the built-in rules with one edit (rules_with). */
static void *open_with(int pl, const char *path, json_t *value)
{
	char *rules = rules_with(path, value);
	void *state = P[pl].open(rules, strlen(rules));
	free(rules);
	assert_non_null(state);
	return state;
}

/* Open each plugin on text; want is the mask of plugins that must open. */
static void opens(const char *text, size_t len, unsigned want, const char *what)
{
	for (int i = 0; i < NP; i++) {
		void *s = P[i].open(text, len);
		int ok = s != NULL;
		if (s)
			P[i].close(s);
		if (ok != !!(want & (1u << i)))
			fail_msg("%s: %s %s", what, P[i].name,
			         ok ? "opened" : "refused");
	}
}

static void test_open_rejects_malformed_rules(void **st)
{
	(void)st;
	enum {
		EV = 1u << P_EV,
		CL = 1u << P_CL,
		PR = 1u << P_PR,
		ALL = EV | CL | PR
	};
	static const char junk[] = "{\"format\": ";
	opens(junk, sizeof junk - 1, 0, "truncated JSON");
	opens("[]", 2, 0, "not an object");
	static const char dup[] = "{\"a\": 1, \"a\": 2}";
	opens(dup, sizeof dup - 1, 0, "duplicate keys");
	size_t len;
	const char *r = rules_json(&len);
	opens(r, len, ALL, "built-in rules");

	static const struct {
		const char *path, *json; /* json NULL: delete */
		unsigned want;
	} edits[] = {
	    {"violations", NULL, PR},
	    {"violations.dereliction.discipline", "\"sloth\"", PR},
	    {"intake.identity_documents", NULL, CL | PR},
	    {"intake.required_documents", "[\"a\", \"a\"]", EV | CL},
	    {"evidence_rules", NULL, CL | PR},
	    {"evidence_rules.self_statement_kinds", "5", CL | PR},
	    {"evidence_rules.money_flow.tags", "[]", CL | PR},
	    {"evidence_rules.money_flow.kinds", "[\"\"]", CL | PR},
	    {"evidence_rules.money_flow.zh", "7", CL | PR},
	    {"evidence_rules.money_flow.zh", NULL, ALL},
	    {"evidence_rules.money_flow.untagged", "1", CL | PR},
	    {"evidence_rules.in_kind.valuation", NULL, CL | PR},
	    {"evidence_rules.in_kind.record.kinds", "[]", CL | PR},
	    {"evidence_rules.in_kind.valuation.zh", NULL, CL | PR},
	    {"evidence_rules.in_kind.valuation.kinds", "[]", ALL},
	    {"evidence_rules.use_claims.needs", "[]", CL | PR},
	    {"evidence_rules.use_claims.needs.0.tags", "[]", CL | PR},
	    {"evidence_rules.use_claims.severity", "\"fatal\"", CL | PR},
	    {"evidence_rules.use_claims.outline", NULL, CL | PR},
	    {"evidence_rules.use_claims.markers", "[\"\"]", CL | PR},
	    {"evidence_rules.money_flow.tagged_kinds", "[\"\"]", CL | PR},
	    {"evidence_rules.money_flow.tagged_kinds", "\"electronic_data\"",
	     CL | PR},
	    {"evidence_rules.use_claims.own_use_words", "[1]", CL | PR},
	    {"evidence_rules.use_claims.needs.0.outline", "\"\"", CL | PR},
	    {"evidence_rules.use_claims.needs.1.met_by_own_use", "\"yes\"",
	     CL | PR},
	    {"violations.small_coffers.use_matters", "\"yes\"", PR},
	    {"evidence_requirements.bribery", "[]", CL | PR},
	    {"evidence_requirements.gifts_and_money.0.severity", "\"fatal\"",
	     CL | PR},
	    {"evidence_requirements.gifts_and_money.0.when", "\"sometimes\"",
	     CL | PR},
	    {"evidence_requirements.gifts_and_money.0.kinds", "[]", CL | PR},
	    {"evidence_requirements.gifts_and_money.0.need", NULL, CL | PR},
	    {"evidence_requirements.gifts_and_money.0.exclude_tags", "\"x\"",
	     CL | PR},
	    {"sanction_ladders", NULL, EV | PR},
	    {"sanction_ladders.level_names", "[]", EV | PR},
	    {"sanction_ladders.top_level", "9", EV | PR},
	    {"sanction_ladders.crime_level", "4", EV | PR},
	    {"sanction_ladders.party.0.level", "9", EV | PR},
	    {"sanction_ladders.party.1.name", "\"警告\"", EV | PR},
	    {"sanction_ladders.gov.4.max_level", "2", EV | PR},
	    {"sanction_bands", NULL, EV | PR},
	    {"sanction_bands.bribery", "{\"levels\": [1, 1]}", EV | PR},
	    {"sanction_bands.gifts_and_money.levels", "[3, 1]", EV | PR},
	    {"sanction_bands.gifts_and_money.levels", "[1]", EV | PR},
	    {"sanction_bands.gifts_and_money.amount_bands.2.from", "100",
	     EV | PR},
	    {"sanction_bands.gifts_and_money.amount_bands.1.levels", "[3, 1]",
	     EV | PR},
	    {"sanction_bands.gifts_and_money.amount_bands.1.levels", "[1, 99]",
	     EV | PR},
	    {"sanction_bands.gifts_and_money.amount_bands.1.levels", NULL,
	     EV | PR},
	    {"sanction_bands.gifts_and_money.amount_bands.1.level", "2",
	     EV | PR},
	    {"sanction_policy.far_levels", "0", EV | PR},
	    {"sanction_policy.merge_raise", "\"one\"", EV | PR},
	    {"sanction_policy.mitigate_levels", "9", EV | PR},
	    {"circumstances.voluntary_confession.lower", "\"one\"", EV | PR},
	    {"circumstances.refund.effect", "\"lenient\"", EV | PR},
	    {"circumstances.after_warning.prior", "1", EV | PR},
	    {"circumstances.refund.zh", NULL, EV | PR},
	    {"forms.3", NULL, EV | PR},
	    {"forms.3.form", "2", EV | PR},
	    {"forms.1.party", "[\"记大过\"]", EV | PR},
	    {"party_gov_agreement.警告", "[\"降薪\"]", EV | PR},
	    {"party_gov_agreement.罚款", "[\"警告\"]", EV | PR},
	    {"procedure", NULL, EV | CL},
	    {"procedure.chain", "[\"transfer_form\"]", EV | CL},
	    {"procedure.transfer_document", "\"identity\"", EV | CL},
	    {"procedure.transfer_after", "\"transfer_form\"", EV | CL},
	    {"documents", "[]", CL},
	    /* additions that are still well-formed */
	    {"evidence_requirements", NULL, ALL},
	    {"evidence_rules.in_kind", NULL, ALL},
	    {"evidence_rules.use_claims", NULL, ALL},
	    /* rules before version 5: none of these */
	    {"evidence_rules.money_flow.tagged_kinds", NULL, ALL},
	    {"evidence_rules.use_claims.own_use_words", NULL, ALL},
	    {"evidence_rules.use_claims.needs.0.outline", NULL, ALL},
	    {"evidence_rules.use_claims.needs.1.met_by_own_use", NULL, ALL},
	    {"sanction_policy.aggravate_levels", NULL, ALL},
	    /* rules before version 2: one level per band, "lower" and
	     * "crime" circumstances */
	    {"sanction_bands.gifts_and_money.amount_bands.0",
	     "{\"from\": 0, \"level\": 1}", ALL},
	    {"circumstances.suspected_crime",
	     "{\"zh\": \"涉嫌犯罪\", \"crime\": true}", ALL},
	    {"circumstances.returned_funds", "{\"zh\": \"退缴\", \"lower\": 1}",
	     ALL},
	    {"sanction_bands.dereliction", NULL, ALL},
	    {"party_gov_agreement.开除党籍", NULL, ALL},
	    {"unknown_section", "{\"x\": 1}", ALL},
	};
	for (size_t i = 0; i < NELEM(edits); i++) {
		json_t *v = NULL;
		if (edits[i].json) {
			v = json_loads(edits[i].json, JSON_DECODE_ANY, NULL);
			assert_non_null(v);
		}
		char *s = rules_with(edits[i].path, v);
		char what[300];
		snprintf(what, sizeof what, "%s = %s", edits[i].path,
		         edits[i].json ? edits[i].json : "(deleted)");
		opens(s, strlen(s), edits[i].want, what);
		free(s);
	}
}

static void test_base_case_is_clean(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	expect_clean(&t.c);
}

/* ---- evidence ----------------------------------------------------------- */

static void test_dangling_evidence(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_cite(&t, &t.f[0], "E9");
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r = expect(e, "dangling_evidence", SHENLI_BLOCKER,
	                             "evidence", "F1", "E9", NULL);
	contains(r->msg, "E9");
	contains(r->msg, "事实F1");
	assert_true(r->has_outline);
	assert_int_equal(e->n, 1);
	/* two dangling ids: two findings */
	tc_cite(&t, &t.f[0], "E10");
	e = run(P_EV, &t.c);
	assert_int_equal(count_code(e, "dangling_evidence"), 2);
	/* negative: cited evidence that exists */
	tc_base(&t);
	expect_none(run(P_EV, &t.c), "dangling_evidence");
}

static void test_no_evidence(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_fact(&t, "F2", "dereliction", NO_AMOUNT, NULL);
	tc_discs(&t, "integrity", "work", NULL);
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r =
	    expect(e, "no_evidence", SHENLI_BLOCKER, "evidence", "F2", NULL);
	contains(r->msg, "事实F2（失职失责）");
	assert_true(r->has_outline);
	assert_int_equal(e->n, 1); /* nothing else about F2 */
	/* only dangling ids count as no evidence too */
	tc_cite(&t, &t.f[1], "E7");
	e = run(P_EV, &t.c);
	expect(e, "no_evidence", SHENLI_BLOCKER, "evidence", "F2", NULL);
	expect(e, "dangling_evidence", SHENLI_BLOCKER, "evidence", "F2", "E7",
	       NULL);
	/* a money fact without evidence: no_evidence asks for the flow too */
	tc_base(&t);
	t.f[0].n_evidence = 0;
	e = run(P_EV, &t.c);
	r = expect(e, "no_evidence", SHENLI_BLOCKER, "evidence", "F1", NULL);
	contains(r->outline, "银行流水");
	expect_none(e, "no_money_flow");
	/* negative */
	tc_base(&t);
	expect_none(run(P_EV, &t.c), "no_evidence");
}

static void test_confession_only(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_ev(&t, "E4", "subject_statement", NULL, "李某自书材料");
	tc_fact(&t, "F2", "dereliction", NO_AMOUNT, "E1", "E4", NULL);
	tc_discs(&t, "integrity", "work", NULL);
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r = expect(e, "confession_only", SHENLI_BLOCKER,
	                             "evidence", "F2", "E1", "E4", NULL);
	contains(r->msg, "被审查调查人陈述和辩解");
	contains(r->msg, "E1、E4");
	contains(r->outline, "李某");
	/* a money fact on a confession lacks the money flow as well */
	tc_base(&t);
	t.f[0].n_evidence = 1; /* E1 only */
	e = run(P_EV, &t.c);
	expect(e, "confession_only", SHENLI_BLOCKER, "evidence", "F1", "E1",
	       NULL);
	expect(e, "no_money_flow", SHENLI_BLOCKER, "evidence", "F1", NULL);
	/* negative: corroborated by one item of another kind */
	tc_base(&t);
	tc_ev(&t, "E4", "inspection_record", NULL, "现场检查笔录");
	tc_fact(&t, "F2", "dereliction", NO_AMOUNT, "E1", "E4", NULL);
	tc_discs(&t, "integrity", "work", NULL);
	tc_sanction(&t, "严重警告", "记过", 2);
	expect_clean(&t.c);
}

static void test_no_money_flow(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	/* what is not documentary evidence of the money: an untagged
	 * electronic record (a chat log records no money), a documentary item
	 * that records something else (the giver's identity) */
	tc_ev(&t, "E4", "electronic_data", NULL, "微信聊天记录");
	tc_ev(&t, "E5", "documentary", "identity", "送礼人身份信息");
	t.fref[0][1] = "E4";
	tc_cite(&t, &t.f[0], "E5");
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r =
	    expect(e, "no_money_flow", SHENLI_BLOCKER, "evidence", "F1", NULL);
	contains(r->msg, "5000元");
	contains(
	    r->msg,
	    "银行流水、记账凭证、发票、收据、账簿、合同等反映该笔资金的书证");
	contains(r->outline, "资金的来源、流向");
	assert_int_equal(e->n, 1);
	/* rules without a name for such evidence: kind and tags */
	void *state = open_with(P_EV, "evidence_rules.money_flow.zh", NULL);
	r = expect(run_state(P_EV, state, &t.c), "no_money_flow",
	           SHENLI_BLOCKER, "evidence", "F1", NULL);
	P[P_EV].close(state);
	contains(r->msg, "书证（bank_record、voucher、invoice、receipt、"
	                 "accounts、contract）");
	/* amounts print as dossiers write them */
	t.f[0].amount_yuan = 86000;
	r = expect(run(P_EV, &t.c), "no_money_flow", SHENLI_BLOCKER, "evidence",
	           "F1", NULL);
	contains(r->msg, "8.6万元");
	/* negative: no amount, no money flow needed */
	t.f[0].has_amount = 0;
	tc_sanction(&t, "警告", "警告", 2);
	expect_none(run(P_EV, &t.c), "no_money_flow");
	/* negative: the base case's bank record */
	tc_base(&t);
	expect_none(run(P_EV, &t.c), "no_money_flow");
}

/* DOMAIN.md: bank records, vouchers, invoices, receipts, accounts and
 * contracts are documentary evidence of money, and so is an untagged
 * documentary item: any of them alone corroborates the subject's
 * statement (a confession and a voucher) and proves the amount. */
static void test_money_records(void **st)
{
	(void)st;
	static const char *const tags[] = {"bank_record", "voucher",
	                                   "invoice",     "receipt",
	                                   "accounts",    "contract"};
	tc t;
	for (size_t i = 0; i <= NELEM(tags); i++) {
		tc_base(&t);
		tc_ev(&t, "E4", "documentary", i < NELEM(tags) ? tags[i] : NULL,
		      "报销凭证");
		t.fref[0][1] = "E4";
		t.f[0].n_evidence = 2; /* the statement and E4, nothing else */
		shenli_emitter *e = run_all(&t.c);
		expect_none(e, "no_money_flow");
		expect_none(e, "confession_only");
		expect_no_alarm(e);
	}
	/* rules that do not count untagged items: an untagged ledger is then
	 * no proof of the money */
	tc_base(&t);
	tc_ev(&t, "E4", "documentary", NULL, "财务账簿");
	t.fref[0][1] = "E4";
	t.f[0].n_evidence = 2;
	void *state =
	    open_with(P_EV, "evidence_rules.money_flow.untagged", json_false());
	expect(run_state(P_EV, state, &t.c), "no_money_flow", SHENLI_BLOCKER,
	       "evidence", "F1", NULL);
	P[P_EV].close(state);
}

/* A transfer record filed as 电子数据 (a WeChat transfer) records the money
 * when it says so (case-format.md: bank_record 银行流水/转账记录); an
 * untagged one, or one that records something else, is a chat log as far
 * as the money goes. */
static void test_electronic_money_records(void **st)
{
	(void)st;
	static const char *const tags[] = {"bank_record", "voucher",
	                                   "invoice",     "receipt",
	                                   "accounts",    "contract"};
	tc t;
	for (size_t i = 0; i < NELEM(tags); i++) {
		tc_base(&t);
		tc_ev(&t, "E4", "electronic_data", tags[i], "微信转账记录");
		t.fref[0][1] = "E4";
		t.f[0].n_evidence = 2; /* the statement and E4, nothing else */
		shenli_emitter *e = run_all(&t.c);
		expect_none(e, "no_money_flow");
		expect_none(e, "confession_only");
		expect_no_alarm(e);
	}
	/* untagged, or tagged as something else: no record of the money */
	static const char *const not_money[] = {NULL, "identity", "use_record"};
	for (size_t i = 0; i < NELEM(not_money); i++) {
		tc_base(&t);
		tc_ev(&t, "E4", "electronic_data", not_money[i],
		      "微信聊天记录");
		t.fref[0][1] = "E4";
		t.f[0].n_evidence = 2;
		expect(run(P_EV, &t.c), "no_money_flow", SHENLI_BLOCKER,
		       "evidence", "F1", NULL);
	}
	/* only the tagged kinds: tagged testimony records no money */
	tc_base(&t);
	tc_ev(&t, "E4", "witness_testimony", "bank_record", "出纳证言");
	t.fref[0][1] = "E4";
	t.f[0].n_evidence = 2;
	expect(run(P_EV, &t.c), "no_money_flow", SHENLI_BLOCKER, "evidence",
	       "F1", NULL);
	/* rules before version 5 (no tagged_kinds): documentary only */
	tc_base(&t);
	tc_ev(&t, "E4", "electronic_data", "bank_record", "微信转账记录");
	t.fref[0][1] = "E4";
	t.f[0].n_evidence = 2;
	void *state =
	    open_with(P_EV, "evidence_rules.money_flow.tagged_kinds", NULL);
	expect(run_state(P_EV, state, &t.c), "no_money_flow", SHENLI_BLOCKER,
	       "evidence", "F1", NULL);
	P[P_EV].close(state);
}

/* Gifts in kind: a valuation (价格认定) and the goods' own record, not a
 * flow of funds. */
static void test_in_kind(void **st)
{
	(void)st;
	tc t;
	tc_bare(&t);
	tc_ev(&t, "E1", "subject_statement", NULL, "李某谈话笔录");
	tc_ev(&t, "E2", "physical", NULL, "收缴的高档烟酒");
	tc_ev(&t, "E3", "witness_testimony", NULL, "送礼人王某证人证言");
	shenli_fact *f =
	    tc_fact(&t, "F1", "gifts_and_money", 38300, "E1", "E2", "E3", NULL);
	f->in_kind = 1;
	tc_sanction(&t, "严重警告", "记过", 2); /* 38,300 yuan: 2..3 */
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r =
	    expect(e, "no_valuation", SHENLI_BLOCKER, "evidence", "F1", NULL);
	contains(r->msg, "3.83万元");
	contains(r->msg, "价格认定或评估意见");
	contains(r->outline, "价格认定");
	expect_none(e, "no_money_flow"); /* no money changed hands */
	assert_int_equal(e->n, 1);
	/* with a valuation it is proved: no flow of funds is asked */
	tc_ev(&t, "E4", "expert_opinion", NULL, "涉案礼品价格认定结论书");
	tc_cite(&t, f, "E4");
	expect_no_alarm(run_all(&t.c));
	/* a documentary valuation, tagged as one, does as well */
	t.e[3].kind = "documentary";
	t.etag[3][t.e[3].n_tags++] = "valuation";
	expect_no_alarm(run_all(&t.c));
	/* the valuation without the goods' record: a documentary valuation
	 * is not the goods' record, testimony is not a record */
	f->n_evidence = 0;
	tc_cite(&t, f, "E1");
	tc_cite(&t, f, "E3");
	tc_cite(&t, f, "E4");
	e = run(P_EV, &t.c);
	r = expect(e, "no_goods_record", SHENLI_BLOCKER, "evidence", "F1",
	           NULL);
	contains(r->msg, "财物本身的证据");
	contains(r->outline, "收缴或调取事实F1所涉财物");
	expect_none(e, "no_valuation");
	/* the invoice for the goods is their record */
	tc_ev(&t, "E5", "documentary", "invoice", "购货发票及清单");
	tc_cite(&t, f, "E5");
	expect_none(run(P_EV, &t.c), "no_goods_record");
	/* negative: in kind without an amount says nothing of value */
	f->has_amount = 0;
	f->n_evidence = 2; /* E1, E3 */
	e = run(P_EV, &t.c);
	expect_none(e, "no_valuation");
	expect_none(e, "no_goods_record");
	/* negative: money needs no valuation */
	tc_base(&t);
	expect_none(run(P_EV, &t.c), "no_valuation");
	/* rules without in_kind: goods are judged as money */
	tc_bare(&t);
	tc_ev(&t, "E1", "physical", NULL, "收缴的高档烟酒");
	tc_ev(&t, "E2", "expert_opinion", NULL, "价格认定结论书");
	f = tc_fact(&t, "F1", "gifts_and_money", 5000, "E1", "E2", NULL);
	f->in_kind = 1;
	void *state = open_with(P_EV, "evidence_rules.in_kind", NULL);
	e = run_state(P_EV, state, &t.c);
	expect(e, "no_money_flow", SHENLI_BLOCKER, "evidence", "F1", NULL);
	expect_none(e, "no_valuation");
	P[P_EV].close(state);
	expect_no_alarm(run(P_EV, &t.c)); /* with them: proved */
}

/* A stated use needs evidence of the use, the counterparty and the
 * destination; seed 002's car-rental case had a statement and the
 * outflow record alone, and the panel returned it. */
static void test_use_unproven(void **st)
{
	(void)st;
	tc t;
	tc_bare(&t);
	tc_ev(&t, "E1", "subject_statement", NULL, "分局负责人谈话笔录");
	tc_ev(&t, "E2", "documentary", "bank_record", "分局向私家车主转账记录");
	shenli_fact *f =
	    tc_fact(&t, "F1", "small_coffers", 86000, "E1", "E2", NULL);
	f->summary = "2019年至2022年违规设立小金库,用于租用私家车";
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r =
	    expect(e, "use_unproven", SHENLI_BLOCKER, "facts", "F1", NULL);
	contains(r->msg, "事实F1（违规设立“小金库”）"); /* not ASCII quotes */
	contains(r->msg, "称资金用于“租用私家车”");
	contains(r->msg, "资金实际用途的证明");
	contains(r->msg, "收款人（交易对方）身份及其与当事人关系的证据");
	contains(r->msg, "资金最终去向的证明");
	contains(r->msg, "事实不清、证据不足");
	contains(r->outline, "针对事实F1");
	contains(r->outline, "实际用途是否属实");
	contains(r->outline, "特殊关系");
	contains(r->outline, "最终去向");
	assert_null(strstr(r->outline, "车辆")); /* the use is the dossier's */
	assert_int_equal(e->n, 1);
	/* the use in the use field, the summary silent */
	f->summary = "2019年至2022年违规设立小金库";
	f->use = "租用私家车供分局负责人使用";
	r = expect(run(P_EV, &t.c), "use_unproven", SHENLI_BLOCKER, "facts",
	           "F1", NULL);
	contains(r->msg, "“租用私家车供分局负责人使用”");
	/* the use and the counterparty proved, the destination not */
	tc_ev(&t, "E3", "documentary", "use_record", "租用车辆派车单");
	tc_ev(&t, "E4", "documentary", "contract", "车辆租赁协议");
	tc_cite(&t, f, "E3");
	tc_cite(&t, f, "E4");
	r = expect(run(P_EV, &t.c), "use_unproven", SHENLI_BLOCKER, "facts",
	           "F1", NULL);
	contains(r->msg, "资金最终去向的证明");
	assert_null(strstr(r->msg, "资金实际用途的证明"));
	assert_null(strstr(r->msg, "收款人"));
	/* all three: nothing */
	tc_ev(&t, "E5", "documentary", "destination", "车主收款账户流水");
	tc_cite(&t, f, "E5");
	expect_no_alarm(run_all(&t.c));
	/* the counterparty's identity does as well as a contract */
	t.etag[3][0] = "identity";
	expect_none(run(P_EV, &t.c), "use_unproven");
	/* "用作" is a stated use too; for diverted benefit funds as well */
	tc_bare(&t);
	tc_ev(&t, "E1", "subject_statement", NULL, "谈话笔录");
	tc_ev(&t, "E2", "documentary", "bank_record", "专户银行流水");
	f = tc_fact(&t, "F1", "embezzle_benefit_funds", 20000, "E1", "E2",
	            NULL);
	f->summary = "截留低保资金2万元用作单位福利";
	r = expect(run(P_EV, &t.c), "use_unproven", SHENLI_BLOCKER, "facts",
	           "F1", NULL);
	contains(r->msg, "“单位福利”");
	/* the rules decide the severity */
	void *state = open_with(P_EV, "evidence_rules.use_claims.severity",
	                        json_string("note"));
	expect(run_state(P_EV, state, &t.c), "use_unproven", SHENLI_NOTE,
	       "facts", "F1", NULL);
	P[P_EV].close(state);
	/* a long use is quoted cut on a character */
	static char longuse[3 * 120 + 1];
	for (int i = 0; i < 120; i++)
		memcpy(longuse + 3 * i, "租", 3);
	f->use = longuse;
	r = expect(run(P_EV, &t.c), "use_unproven", SHENLI_BLOCKER, "facts",
	           "F1", NULL);
	contains(r->msg, "租…”");
	/* negative: no use stated */
	f->use = NULL;
	f->summary = "截留低保资金2万元";
	expect_none(run(P_EV, &t.c), "use_unproven");
	/* negative: a violation whose nature does not depend on the use */
	f->violation = "public_funds_banquet";
	f->summary = "虚列会议费2万元用于公款吃喝";
	expect_none(run(P_EV, &t.c), "use_unproven");
}

/* The subject's own statement proves nothing it says, however it is
 * tagged (仅有被审查调查人陈述不能定案): not the use, the payee or where
 * the money went, nor what goods were worth. */
static void test_own_statement_tags(void **st)
{
	(void)st;
	tc t;
	tc_bare(&t);
	shenli_evidence *e1 = tc_ev(&t, "E1", "subject_statement", "use_record",
	                            "分局负责人谈话笔录");
	t.etag[0][e1->n_tags++] = "identity";
	t.etag[0][e1->n_tags++] = "destination";
	tc_ev(&t, "E2", "documentary", "bank_record", "分局向私家车主转账记录");
	shenli_fact *f =
	    tc_fact(&t, "F1", "small_coffers", 86000, "E1", "E2", NULL);
	f->summary = "2019年至2022年违规设立小金库，用于租用私家车";
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r =
	    expect(e, "use_unproven", SHENLI_BLOCKER, "facts", "F1", NULL);
	contains(r->msg, "资金实际用途的证明");
	contains(r->msg, "收款人（交易对方）身份及其与当事人关系的证据");
	contains(r->msg, "资金最终去向的证明");
	/* the same tags on items of other kinds prove the use */
	tc_ev(&t, "E3", "documentary", "use_record", "租用车辆派车单");
	tc_ev(&t, "E4", "witness_testimony", "identity", "车主王某证言");
	tc_ev(&t, "E5", "documentary", "destination", "车主收款账户流水");
	tc_cite(&t, f, "E3");
	tc_cite(&t, f, "E4");
	tc_cite(&t, f, "E5");
	expect_no_alarm(run_all(&t.c));

	/* goods valued only by the subject's own statement */
	tc_bare(&t);
	tc_ev(&t, "E1", "subject_statement", "valuation", "李某谈话笔录");
	tc_ev(&t, "E2", "physical", NULL, "收缴的高档烟酒");
	tc_ev(&t, "E3", "witness_testimony", NULL, "送礼人王某证人证言");
	f = tc_fact(&t, "F1", "gifts_and_money", 38300, "E1", "E2", "E3", NULL);
	f->in_kind = 1;
	tc_sanction(&t, "严重警告", "记过", 2);
	e = run(P_EV, &t.c);
	expect(e, "no_valuation", SHENLI_BLOCKER, "evidence", "F1", NULL);
	assert_int_equal(e->n, 1);
	/* a valuation by anyone else does */
	tc_ev(&t, "E4", "documentary", "valuation", "价格认定结论书");
	tc_cite(&t, f, "E4");
	expect_no_alarm(run_all(&t.c));
}

/* A stated use is recognised in the common wordings (用来, 用以, 用在 …),
 * and not where those characters belong to other words (费用来源). */
static void test_use_markers(void **st)
{
	(void)st;
	static const char *const stated[] = {
	    "违规设立小金库，全部用来租用私家车",
	    "违规设立小金库，用以租用私家车",
	    "违规设立小金库，主要用在租用私家车",
	    "违规设立小金库，资金用途为租用私家车",
	    "违规设立小金库，花在租用私家车上",
	    "小金库费用来源于虚列会议费，用来租用私家车",
	    "违规设立小金库，经费用以租用私家车",
	    "违规设立小金库，专项经费用在租用私家车",
	};
	static const char *const not_stated[] = {
	    "违规设立小金库，费用来源于虚列会议费",
	    "违规设立小金库，费用来自虚列会议费",
	    "违规设立小金库，费用以现金形式保管",
	    "采用以虚列会议费的方式违规设立小金库",
	    "违规设立小金库，费用在单位账外保管",
	    "违规挪用以上资金设立小金库",
	    "违规设立小金库，办公费用以现金形式保管",
	};
	tc t;
	tc_bare(&t);
	tc_ev(&t, "E1", "subject_statement", NULL, "分局负责人谈话笔录");
	tc_ev(&t, "E2", "documentary", "bank_record", "分局向私家车主转账记录");
	shenli_fact *f =
	    tc_fact(&t, "F1", "small_coffers", 86000, "E1", "E2", NULL);
	for (size_t i = 0; i < NELEM(stated); i++) {
		f->summary = stated[i];
		const struct rec *r =
		    expect(run(P_EV, &t.c), "use_unproven", SHENLI_BLOCKER,
		           "facts", "F1", NULL);
		contains(r->msg, "“租用私家车");
	}
	for (size_t i = 0; i < NELEM(not_stated); i++) {
		f->summary = not_stated[i];
		shenli_emitter *e = run(P_EV, &t.c);
		if (count_code(e, "use_unproven")) {
			dump(e);
			fail_msg("a use read into \"%s\"", not_stated[i]);
		}
	}
}

/* Money the subject spent on themself (个人日常开支) went to no
 * counterparty: nobody is to be identified, but the spending and where
 * the money went still need proof other than the subject's word. */
static void test_use_own_spending(void **st)
{
	(void)st;
	tc t;
	tc_bare(&t);
	tc_ev(&t, "E1", "subject_statement", NULL, "张某谈话笔录");
	shenli_evidence *e2 = tc_ev(&t, "E2", "documentary", "bank_record",
	                            "张某个人银行账户流水");
	t.etag[1][e2->n_tags++] = "use_record";
	t.etag[1][e2->n_tags++] = "destination";
	tc_ev(&t, "E3", "documentary", NULL, "救助金发放花名册");
	tc_ev(&t, "E4", "victim_statement", NULL, "应享受救助群众王某陈述");
	shenli_fact *f = tc_fact(&t, "F1", "embezzle_benefit_funds", 20000,
	                         "E1", "E2", "E3", "E4", NULL);
	f->summary = "2023年张某截留临时救助金2万元，用于个人日常开支";
	shenli_emitter *e = run(P_EV, &t.c);
	expect_none(e, "use_unproven");
	expect_no_alarm(e);
	/* each of the words, in the summary or the use field */
	static const char *const own[] = {
	    "个人日常开支", "个人日常消费", "个人消费",     "个人开支",
	    "个人花销",     "个人挥霍",     "个人生活开支", "日常生活开支",
	    "家庭日常开支", "家庭生活开支", "据为己有"};
	char summary[256];
	for (size_t i = 0; i < NELEM(own); i++) {
		snprintf(summary, sizeof summary, "截留救助金2万元，用于%s",
		         own[i]);
		f->summary = summary;
		e = run(P_EV, &t.c);
		if (count_code(e, "use_unproven")) {
			dump(e);
			fail_msg("a counterparty asked of \"%s\"", own[i]);
		}
	}
	f->summary = "2023年张某截留临时救助金2万元";
	f->use = "个人消费";
	expect_none(run(P_EV, &t.c), "use_unproven");
	/* the spending and the destination are still to be proved: without
	 * the destination, that alone is asked, not the counterparty */
	t.e[1].n_tags = 2; /* bank_record, use_record */
	const struct rec *r = expect(run(P_EV, &t.c), "use_unproven",
	                             SHENLI_BLOCKER, "facts", "F1", NULL);
	contains(r->msg, "资金最终去向的证明");
	assert_null(strstr(r->msg, "收款人"));
	assert_null(strstr(r->msg, "资金实际用途的证明"));
	/* and not by the subject's own account, however it is tagged */
	t.e[1].n_tags = 1;
	t.etag[0][t.e[0].n_tags++] = "use_record";
	t.etag[0][t.e[0].n_tags++] = "destination";
	r = expect(run(P_EV, &t.c), "use_unproven", SHENLI_BLOCKER, "facts",
	           "F1", NULL);
	contains(r->msg, "资金实际用途的证明");
	contains(r->msg, "资金最终去向的证明");
	assert_null(strstr(r->msg, "收款人"));
	t.e[0].n_tags = 0;
	t.e[1].n_tags = 3;
	/* 自己 or 本人 alone is no own spending: the son is a counterparty */
	f->use = NULL;
	static const char *const other[] = {
	    "截留救助金2万元，用于给自己的儿子购房",
	    "截留救助金2万元，用于本人亲属经营的公司周转",
	    "截留救助金2万元，用于个人向他人出借",
	};
	for (size_t i = 0; i < NELEM(other); i++) {
		f->summary = other[i];
		r = expect(run(P_EV, &t.c), "use_unproven", SHENLI_BLOCKER,
		           "facts", "F1", NULL);
		contains(r->msg,
		         "收款人（交易对方）身份及其与当事人关系的证据");
		assert_null(strstr(r->msg, "资金实际用途的证明"));
	}
	/* rules before version 5 (no own_use_words) ask for the payee */
	f->summary = "2023年张某截留临时救助金2万元，用于个人日常开支";
	void *state =
	    open_with(P_EV, "evidence_rules.use_claims.own_use_words", NULL);
	r = expect(run_state(P_EV, state, &t.c), "use_unproven", SHENLI_BLOCKER,
	           "facts", "F1", NULL);
	contains(r->msg, "收款人");
	P[P_EV].close(state);
	/* a need not marked met_by_own_use is asked of own spending too */
	state = open_with(
	    P_EV, "evidence_rules.use_claims.needs.1.met_by_own_use", NULL);
	expect(run_state(P_EV, state, &t.c), "use_unproven", SHENLI_BLOCKER,
	       "facts", "F1", NULL);
	P[P_EV].close(state);
}

/* The outline item asks for what is missing, in the words of each missing
 * need, and of no use but the dossier's (no hired car for a 救助金 case). */
static void test_use_outline(void **st)
{
	(void)st;
	size_t len;
	const char *text = rules_json(&len);
	json_t *root = json_loadb(text, len, 0, NULL);
	assert_non_null(root);
	json_t *uc = json_object_get(json_object_get(root, "evidence_rules"),
	                             "use_claims");
	json_t *needs = json_object_get(uc, "needs");
	const char *use_out = json_string_value(
	    json_object_get(json_array_get(needs, 0), "outline"));
	const char *payee_out = json_string_value(
	    json_object_get(json_array_get(needs, 1), "outline"));
	const char *dest_out = json_string_value(
	    json_object_get(json_array_get(needs, 2), "outline"));
	const char *common = json_string_value(json_object_get(uc, "outline"));
	assert_non_null(use_out);
	assert_non_null(payee_out);
	assert_non_null(dest_out);
	assert_non_null(common);
	assert_null(strstr(common, "车"));

	tc t;
	tc_bare(&t);
	tc_ev(&t, "E1", "subject_statement", NULL, "谈话笔录");
	tc_ev(&t, "E2", "documentary", "bank_record", "救助金专户银行流水");
	shenli_fact *f = tc_fact(&t, "F1", "embezzle_benefit_funds", 20000,
	                         "E1", "E2", NULL);
	f->summary = "截留临时救助金2万元，用于偿还单位借款";
	char want[4096];
	/* all three missing: the three, in order */
	const struct rec *r = expect(run(P_EV, &t.c), "use_unproven",
	                             SHENLI_BLOCKER, "facts", "F1", NULL);
	snprintf(want, sizeof want, "针对事实F1：%s；%s；%s", use_out,
	         payee_out, dest_out);
	assert_string_equal(r->outline, want);
	assert_null(strstr(r->outline, "车"));
	/* the use and the payee proved: the destination alone */
	tc_ev(&t, "E3", "documentary", "use_record", "还款凭证");
	tc_ev(&t, "E4", "documentary", "contract", "借款合同");
	tc_cite(&t, f, "E3");
	tc_cite(&t, f, "E4");
	r = expect(run(P_EV, &t.c), "use_unproven", SHENLI_BLOCKER, "facts",
	           "F1", NULL);
	snprintf(want, sizeof want, "针对事实F1：%s", dest_out);
	assert_string_equal(r->outline, want);
	/* rules before version 5 (no outline of a need's own): the common
	 * one, once for all the needs without */
	f->n_evidence = 3; /* E1, E2, E3: the payee and destination missing */
	json_t *old = json_deep_copy(root); /* root holds the texts above */
	assert_non_null(old);
	json_t *old_needs = json_object_get(
	    json_object_get(json_object_get(old, "evidence_rules"),
	                    "use_claims"),
	    "needs");
	json_object_del(json_array_get(old_needs, 1), "outline");
	json_object_del(json_array_get(old_needs, 2), "outline");
	char *rules = json_dumps(old, JSON_COMPACT);
	json_decref(old);
	assert_non_null(rules);
	void *state = P[P_EV].open(rules, strlen(rules));
	free(rules);
	assert_non_null(state);
	r = expect(run_state(P_EV, state, &t.c), "use_unproven", SHENLI_BLOCKER,
	           "facts", "F1", NULL);
	snprintf(want, sizeof want, "针对事实F1：%s", common);
	assert_string_equal(r->outline, want);
	P[P_EV].close(state);
	/* one with its own outline, one without */
	state =
	    open_with(P_EV, "evidence_rules.use_claims.needs.1.outline", NULL);
	r = expect(run_state(P_EV, state, &t.c), "use_unproven", SHENLI_BLOCKER,
	           "facts", "F1", NULL);
	snprintf(want, sizeof want, "针对事实F1：%s；%s", common, dest_out);
	assert_string_equal(r->outline, want);
	P[P_EV].close(state);
	json_decref(root);
}

static void test_evidence_requirement(void **st)
{
	(void)st;
	tc t;
	/* a car misuse: a bank record (excluded) does not prove the use */
	tc_bare(&t);
	tc_ev(&t, "E1", "documentary", "bank_record", "加油卡消费流水");
	tc_fact(&t, "F1", "official_car_misuse", 4000, "E1", NULL);
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r = expect(e, "evidence_requirement", SHENLI_NOTE,
	                             "evidence", "F1", NULL);
	contains(r->msg, "车辆实际使用情况");
	contains(r->outline, "针对事实F1");
	contains(r->outline, "车主身份");
	assert_int_equal(e->n, 1);
	/* the vehicle's track does */
	tc_ev(&t, "E2", "electronic_data", NULL, "北斗定位行驶轨迹");
	tc_cite(&t, &t.f[0], "E2");
	expect_none(run(P_EV, &t.c), "evidence_requirement");
	/* "when": "amount": a rule for amounts is not asked without one */
	void *state =
	    open_with(P_EV, "evidence_requirements.official_car_misuse.0.when",
	              json_string("amount"));
	t.f[0].n_evidence = 1;
	expect(run_state(P_EV, state, &t.c), "evidence_requirement",
	       SHENLI_NOTE, "evidence", "F1", NULL);
	t.f[0].has_amount = 0;
	expect_none(run_state(P_EV, state, &t.c), "evidence_requirement");
	P[P_EV].close(state);
	/* negative: the base case (the giver's testimony) */
	tc_base(&t);
	expect_none(run(P_EV, &t.c), "evidence_requirement");
}

static void test_no_identity(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_nodoc(&t, "identity");
	shenli_emitter *e = run(P_EV, &t.c);
	const struct rec *r = expect(e, "no_identity", SHENLI_BLOCKER,
	                             "formalities", "doc:identity", NULL);
	contains(r->msg, "李某");
	contains(r->msg, "履历表");
	contains(r->outline, "任免文件");
	/* the procedure plugin leaves identity to the evidence plugin */
	expect_none(run(P_PR, &t.c), "missing_document");
	/* negative: an identity document with any date */
	tc_doc(&t, "identity", "2030-01-01");
	expect_none(run(P_EV, &t.c), "no_identity");
}

/* A file large enough for the sorted index (more than 32 items). */
static void test_large_file(void **st)
{
	(void)st;
	enum { N = 300 };
	static char ids[N][8];
	static shenli_evidence ev[N];
	static const char *refs[N + 1];
	tc t;
	tc_base(&t);
	for (int i = 0; i < N; i++) {
		snprintf(ids[i], sizeof ids[i], "E%d", i + 1);
		ev[i] = (shenli_evidence){.id = ids[i],
		                          .kind = i ? "witness_testimony"
		                                    : "documentary",
		                          .title = "证据",
		                          .obtained_on = "2024-03-01",
		                          .tags = t.etag[0]};
		refs[i] = ids[i];
	}
	t.etag[0][0] = "bank_record";
	ev[0].n_tags = 1;
	refs[N] = "E999";
	t.c.evidence = ev;
	t.c.n_evidence = N;
	t.f[0].evidence = refs;
	t.f[0].n_evidence = N + 1;
	shenli_emitter *e = run(P_EV, &t.c);
	expect(e, "dangling_evidence", SHENLI_BLOCKER, "evidence", "F1", "E999",
	       NULL);
	assert_int_equal(e->n, 1);
	/* negative */
	t.f[0].n_evidence = N;
	assert_int_equal(run(P_EV, &t.c)->n, 0);
}

/* Absent strings (NULL) anywhere in the view: no crash, no garbage. */
static void test_null_fields(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.c.subject.name = NULL;
	t.c.transferred_on = NULL;
	t.f[0].id = NULL;
	t.f[0].violation = NULL;
	t.f[0].from = t.f[0].to = NULL;
	t.fref[0][0] = NULL;
	t.e[1].kind = NULL;
	t.e[2].id = NULL;
	t.e[2].obtained_on = "not a date";
	t.d[1].date = NULL;
	t.d[0].kind = NULL;
	t.c.proposal.party_sanction = NULL;
	tc_discs(&t, "integrity", NULL);
	tc_prior(&t, NULL, NULL, NULL);
	shenli_emitter *e = run_all(&t.c);
	assert_true(e->n > 0);
}

/* ---- classification ----------------------------------------------------- */

static void test_unknown_violation(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.f[0].violation = "bribery";
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "unknown_violation", SHENLI_BLOCKER,
	                             "classification", "F1", NULL);
	contains(r->msg, "bribery");
	/* no judgement on what cannot be placed */
	expect_none(e, "discipline_unsupported");
	expect_none(e, "eight_point_unsupported");
	expect_none(e, "sanction_too_heavy");
	expect_none(e, "sanction_too_light");
	tc_base(&t);
	expect_none(run(P_CL, &t.c), "unknown_violation");
}

static void test_discipline_missed(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_ev(&t, "E4", "victim_statement", NULL, "群众陈述");
	tc_fact(&t, "F2", "embezzle_benefit_funds", 20000, "E2", "E4", NULL);
	tc_sanction(&t, "严重警告", "记过", 2); /* two violations: merged */
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "discipline_missed", SHENLI_BLOCKER,
	                             "classification", "F2", NULL);
	contains(r->msg, "群众纪律");
	contains(r->msg, "截留挪用惠民资金");
	assert_true(r->has_outline);
	assert_int_equal(e->n, 1);
	/* negative */
	tc_discs(&t, "integrity", "mass", NULL);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

static void test_discipline_unsupported(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_discs(&t, "integrity", "work", NULL);
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "discipline_unsupported",
	                             SHENLI_WARNING, "classification", NULL);
	contains(r->msg, "工作纪律");
	assert_int_equal(e->n, 1);
	tc_base(&t);
	expect_none(run(P_CL, &t.c), "discipline_unsupported");
}

static void test_eight_point_missed(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.c.proposal.eight_point_rules = 0;
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "eight_point_missed", SHENLI_BLOCKER,
	                             "classification", "F1", NULL);
	contains(r->msg, "中央八项规定精神");
	assert_true(r->has_outline);
	assert_int_equal(e->n, 1);
	tc_base(&t);
	expect_none(run(P_CL, &t.c), "eight_point_missed");
}

static void test_eight_point_depends(void **st)
{
	(void)st;
	tc t;
	tc_bare(&t);
	tc_ev(&t, "E1", "documentary", "bank_record", "小金库资金银行流水");
	tc_ev(&t, "E2", "witness_testimony", NULL, "出纳证言");
	tc_fact(&t, "F1", "small_coffers", 50000, "E1", "E2", NULL);
	t.c.proposal.eight_point_rules = 0;
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "eight_point_depends", SHENLI_NOTE,
	                             "classification", "F1", NULL);
	contains(r->outline, "资金的具体用途");
	assert_int_equal(e->n, 1);
	/* flag true: the agency decided it was */
	t.c.proposal.eight_point_rules = 1;
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	/* with a definite eight-point fact, eight_point_missed says it */
	t.c.proposal.eight_point_rules = 0;
	tc_ev(&t, "E3", "documentary", "bank_record", "个人账户流水");
	tc_fact(&t, "F2", "gifts_and_money", 3000, "E2", "E3", NULL);
	tc_sanction(&t, "严重警告", "记过", 2);
	e = run(P_CL, &t.c);
	expect(e, "eight_point_missed", SHENLI_BLOCKER, "classification", "F2",
	       NULL);
	expect_none(e, "eight_point_depends");
}

static void test_eight_point_unsupported(void **st)
{
	(void)st;
	tc t;
	tc_bare(&t);
	tc_ev(&t, "E1", "documentary", NULL, "会议纪要");
	tc_fact(&t, "F1", "dereliction", NO_AMOUNT, "E1", NULL);
	tc_discs(&t, "work", NULL);
	shenli_emitter *e = run(P_CL, &t.c);
	expect(e, "eight_point_unsupported", SHENLI_WARNING, "classification",
	       NULL);
	assert_int_equal(e->n, 1);
	t.c.proposal.eight_point_rules = 0;
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

static void test_unknown_sanction(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_sanction(&t, "记大过", "警告", 2); /* a gov name as party */
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r =
	    expect(e, "unknown_sanction", SHENLI_BLOCKER, "disposal", NULL);
	contains(r->msg, "记大过");
	assert_int_equal(e->n, 1); /* form and proportion are not judged */
	tc_sanction(&t, "警告", "罚款", 2);
	e = run(P_CL, &t.c);
	r = expect(e, "unknown_sanction", SHENLI_BLOCKER, "disposal", NULL);
	contains(r->msg, "罚款");
	tc_base(&t);
	expect_none(run(P_CL, &t.c), "unknown_sanction");
}

static void test_party_sanction_non_member(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.c.subject.party_member = 0;
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "party_sanction_non_member",
	                             SHENLI_BLOCKER, "disposal", NULL);
	contains(r->msg, "李某不是中共党员");
	assert_true(r->has_outline);
	/* negative: a non-member with only a gov sanction */
	tc_sanction(&t, NULL, "警告", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

static void test_gov_sanction_non_official(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.c.subject.public_official = 0;
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "gov_sanction_non_official",
	                             SHENLI_BLOCKER, "disposal", NULL);
	contains(r->msg, "不是公职人员");
	tc_sanction(&t, "警告", NULL, 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

static void test_sanction_one_system(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_sanction(&t, "警告", NULL, 2);
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r =
	    expect(e, "sanction_one_system", SHENLI_WARNING, "disposal", NULL);
	contains(r->msg, "政务处分意见");
	assert_int_equal(e->n, 1);
	tc_sanction(&t, NULL, "警告", 2);
	r = expect(run(P_CL, &t.c), "sanction_one_system", SHENLI_WARNING,
	           "disposal", NULL);
	contains(r->msg, "党纪处分意见");
	tc_base(&t);
	expect_none(run(P_CL, &t.c), "sanction_one_system");
}

static void test_party_gov_mismatch(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_sanction(&t, "警告", "撤职", 2);
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r =
	    expect(e, "party_gov_mismatch", SHENLI_BLOCKER, "disposal", NULL);
	contains(r->msg, "警告、记过");
	assert_int_equal(e->n, 1); /* the party sanction decides the rest */
	/* negative: 严重警告 with 记大过 for a 30,000-yuan gift (level 2) */
	t.f[0].amount_yuan = 30000;
	tc_sanction(&t, "严重警告", "记大过", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

static void test_form_mismatch(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.c.proposal.form = 3;
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r =
	    expect(e, "form_mismatch", SHENLI_BLOCKER, "disposal", NULL);
	contains(r->msg, "第三种形态");
	contains(r->msg, "第二种形态");
	assert_int_equal(e->n, 1);
	/* no sanction: the first form, or an organizational adjustment of
	 * the second or third (a note to check the measure), never the
	 * fourth */
	tc_sanction(&t, NULL, NULL, 4);
	t.f[0].violation = "office_space_over_standard";
	t.f[0].has_amount = 0;
	e = run(P_CL, &t.c);
	r = expect(e, "form_mismatch", SHENLI_BLOCKER, "disposal", NULL);
	contains(r->msg, "第一种形态");
	t.c.proposal.form = 2;
	e = run(P_CL, &t.c);
	r = expect(e, "form_adjustment", SHENLI_NOTE, "disposal", NULL);
	contains(r->msg, "组织调整");
	expect_none(e, "form_mismatch");
	assert_int_equal(e->n, 1);
	t.c.proposal.form = 1;
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	/* the fourth form with what is not expulsion */
	tc_base(&t);
	t.f[0].amount_yuan = 150000; /* 4..5 */
	tc_sanction(&t, "留党察看", "撤职", 4);
	e = run(P_CL, &t.c);
	r = expect(e, "form_mismatch", SHENLI_BLOCKER, "disposal", NULL);
	contains(r->msg, "第四种形态");
	contains(r->msg, "第三种形态");
	expect(e, "crime_unsupported", SHENLI_NOTE, "disposal", NULL);
	assert_int_equal(e->n, 2);
	tc_sanction(&t, "警告", "警告", 4);
	r = expect(run(P_CL, &t.c), "form_mismatch", SHENLI_BLOCKER, "disposal",
	           NULL);
	contains(r->msg, "第二种形态");
	/* negative: the base case */
	tc_base(&t);
	expect_none(run(P_CL, &t.c), "form_mismatch");
}

static void test_sanction_too_light(void **st)
{
	(void)st;
	tc t;
	/* far: 450,000 yuan of benefit funds (a crime) for a 警告 */
	tc_base(&t);
	t.f[0].violation = "embezzle_benefit_funds";
	t.f[0].amount_yuan = 450000;
	tc_discs(&t, "mass", NULL);
	t.c.proposal.eight_point_rules = 0;
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "sanction_too_light", SHENLI_BLOCKER,
	                             "disposal", "F1", NULL);
	contains(r->msg, "畸轻");
	contains(r->msg, "45万元");
	contains(r->msg, "移送司法机关");
	assert_int_equal(e->n, 1);
	/* near: 30,000 yuan of gifts is level 2, 警告 is 1 */
	tc_base(&t);
	t.f[0].amount_yuan = 30000;
	r = expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	           "disposal", "F1", NULL);
	contains(r->msg, "偏轻");
	/* no sanction for what deserves one: one level light */
	tc_base(&t);
	tc_sanction(&t, NULL, NULL, 1);
	expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	/* a gov-only subject: the gov ladder's range decides */
	tc_base(&t);
	t.c.subject.party_member = 0;
	t.f[0].amount_yuan = 130000; /* level 4 */
	tc_sanction(&t, NULL, "记过", 2);
	expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_BLOCKER,
	       "disposal", "F1", NULL);
	tc_sanction(&t, NULL, "撤职", 3); /* 撤职 covers 3..4 */
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	/* negative: the matching sanction */
	tc_base(&t);
	t.f[0].amount_yuan = 30000;
	tc_sanction(&t, "严重警告", "记过", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

static void test_sanction_too_heavy(void **st)
{
	(void)st;
	tc t;
	/* far: one 3000-yuan gift, no priors, yet expulsion */
	tc_base(&t);
	t.f[0].amount_yuan = 3000;
	tc_sanction(&t, "开除党籍", "开除", 3);
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "sanction_too_heavy", SHENLI_BLOCKER,
	                             "disposal", "F1", NULL);
	contains(r->msg, "畸重");
	contains(r->msg, "3000元");
	assert_int_equal(e->n, 1);
	/* near: one level above 警告 .. 严重警告 */
	tc_sanction(&t, "撤销党内职务", "降级", 3);
	r = expect(run(P_CL, &t.c), "sanction_too_heavy", SHENLI_WARNING,
	           "disposal", "F1", NULL);
	contains(r->msg, "偏重");
	contains(r->msg, "在“警告”至“严重警告／记过、记大过”之间");
	/* negative: the top of the range */
	tc_sanction(&t, "严重警告", "记过", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	/* a violation with a range (office space: 0..1) */
	tc_bare(&t);
	tc_ev(&t, "E1", "inspection_record", NULL, "办公用房勘验笔录");
	tc_fact(&t, "F1", "office_space_over_standard", NO_AMOUNT, "E1", NULL);
	tc_sanction(&t, NULL, NULL, 1);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	tc_sanction(&t, "警告", "警告", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	tc_sanction(&t, "严重警告", "记过", 2);
	expect(run(P_CL, &t.c), "sanction_too_heavy", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	/* negative */
	tc_base(&t);
	expect_none(run(P_CL, &t.c), "sanction_too_heavy");
}

/* 合并处理 and prior sanctions move the range up. */
static void test_merge_and_priors(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_ev(&t, "E4", "documentary", "bank_record", "公务卡消费流水");
	tc_ev(&t, "E5", "witness_testimony", NULL, "同桌人员证言");
	tc_fact(&t, "F2", "public_funds_banquet", 5000, "E4", "E5", NULL);
	/* two level-1 violations: level 2 */
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "sanction_too_light", SHENLI_WARNING,
	                             "disposal", "F1", "F2", NULL);
	contains(r->msg, "合并处理");
	tc_sanction(&t, "严重警告", "记过", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	/* repeats of one violation are one violation: amounts add up */
	t.f[1].violation = "gifts_and_money";
	tc_sanction(&t, "警告", "警告", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0); /* 10,000 yuan: level 1 */
	t.f[1].amount_yuan = 15000;              /* 20,000: level 2 */
	expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	       "disposal", "F1", "F2", NULL);

	/* a prior sanction: one level up */
	tc_base(&t);
	tc_prior(&t, "party", "警告", "2021-03-02");
	tc_circs(&t, "after_warning", NULL);
	r = expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	           "disposal", "F1", NULL);
	contains(r->msg, "曾受处分");
	tc_sanction(&t, "严重警告", "记过", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

/* Mitigating circumstances lower the bottom of the range (减轻). */
static void test_mitigation(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.f[0].amount_yuan = 30000; /* level 2 */
	expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	tc_circs(&t, "voluntary_confession", NULL);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	/* each mitigating circumstance of the vocabulary; several lower the
	 * bottom once, not once each */
	static const char *const mit[] = {"refund", "cooperation",
	                                  "minor_consequence"};
	for (size_t i = 0; i < NELEM(mit); i++) {
		tc_circs(&t, mit[i], NULL);
		assert_int_equal(run(P_CL, &t.c)->n, 0);
	}
	tc_circs(&t, "voluntary_confession", "refund", "cooperation", NULL);
	tc_sanction(&t, NULL, NULL, 1);
	const struct rec *r = expect(run(P_CL, &t.c), "sanction_too_light",
	                             SHENLI_WARNING, "disposal", "F1", NULL);
	contains(r->msg, "可从轻或者减轻");
	tc_sanction(&t, "警告", "警告", 2);
	/* but not below a crime */
	t.f[0].violation = "embezzle_benefit_funds";
	t.f[0].amount_yuan = 400000;
	tc_discs(&t, "mass", NULL);
	t.c.proposal.eight_point_rules = 0;
	tc_sanction(&t, "开除党籍", "开除", 3);
	r = expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	           "disposal", "F1", NULL);
	contains(r->msg, "移送司法机关");
	assert_null(strstr(r->msg, "减轻"));
}

/* A suspected crime claimed by the agency is judged by the facts: where
 * they reach a crime, expulsion with transfer is in range; where they do
 * not, the panel is told, and the claim lifts nothing (an expulsion for a
 * small sum is 畸重 in the fourth form as in the third). */
static void test_crime(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_sanction(&t, "开除党籍", "开除", 4);
	/* no fact near a crime: the panel is told, and the sanction is far
	 * too heavy for a 5000-yuan gift */
	shenli_emitter *e0 = run(P_CL, &t.c);
	const struct rec *n0 =
	    expect(e0, "crime_unsupported", SHENLI_NOTE, "disposal", NULL);
	contains(n0->msg, "第四种形态");
	const struct rec *h0 = expect(e0, "sanction_too_heavy", SHENLI_BLOCKER,
	                              "disposal", "F1", NULL);
	contains(h0->msg, "畸重");
	contains(h0->msg, "在“警告”至“严重警告／记过、记大过”之间");
	assert_null(strstr(h0->msg, "涉嫌犯罪")); /* not a basis: unproven */
	assert_int_equal(e0->n, 2);
	/* 3.14万元 of allowances (the tester's case): the same */
	t.f[0].violation = "unauthorized_allowances";
	t.f[0].amount_yuan = 31400;
	e0 = run(P_CL, &t.c);
	expect(e0, "sanction_too_heavy", SHENLI_BLOCKER, "disposal", "F1",
	       NULL);
	expect(e0, "crime_unsupported", SHENLI_NOTE, "disposal", NULL);
	/* facts that warrant expulsion but no crime: the sanction stands,
	 * the claim of a crime is a note */
	t.f[0].violation = "gifts_and_money";
	t.f[0].amount_yuan = 150000; /* 4..5 */
	e0 = run(P_CL, &t.c);
	expect(e0, "crime_unsupported", SHENLI_NOTE, "disposal", NULL);
	assert_int_equal(e0->n, 1);
	tc_base(&t);
	tc_sanction(&t, "开除党籍", "开除", 4);
	/* a crime's amount: nothing to say */
	t.f[0].violation = "embezzle_benefit_funds";
	t.f[0].amount_yuan = 450000;
	tc_discs(&t, "mass", NULL);
	t.c.proposal.eight_point_rules = 0;
	expect_none(run(P_CL, &t.c), "crime_unsupported");
	tc_base(&t);
	/* the same expulsion in the third form claims no crime: far too
	 * heavy for a 5000-yuan gift */
	tc_sanction(&t, "开除党籍", "开除", 3);
	shenli_emitter *e = run(P_CL, &t.c);
	expect(e, "sanction_too_heavy", SHENLI_BLOCKER, "disposal", "F1", NULL);
	expect_none(e, "form_mismatch");
	/* rules before version 2 said so with a crime circumstance */
	void *state =
	    open_with(P_CL, "circumstances.suspected_crime",
	              json_pack("{s:s, s:b}", "zh", "涉嫌犯罪", "crime", 1));
	tc_circs(&t, "suspected_crime", NULL);
	e = run_state(P_CL, state, &t.c);
	expect(e, "sanction_too_heavy", SHENLI_BLOCKER, "disposal", "F1", NULL);
	expect(e, "crime_unsupported", SHENLI_NOTE, "disposal", NULL);
	assert_int_equal(e->n, 2);
	P[P_CL].close(state);
}

/* Form 4 (suspected of a crime, transferred for prosecution) goes with
 * 开除党籍 and 开除: that pair is never a form_mismatch, whatever the
 * amount, for a member, an official or both. Its proportion is judged by
 * the facts: in range from where they warrant expulsion, 偏重 one level
 * below, 畸重 further down. */
static void test_form4_expulsion(void **st)
{
	(void)st;
	static const double amounts[] = {3000, 30000, 150000, 250000, 450000};
	static const char *const viol[] = {"gifts_and_money",
	                                   "embezzle_benefit_funds"};
	/* -1: in range; else the severity of sanction_too_heavy */
	static const int heavy[2][5] = {
	    {SHENLI_BLOCKER, SHENLI_BLOCKER, -1, -1, -1},
	    {SHENLI_BLOCKER, SHENLI_BLOCKER, SHENLI_WARNING, -1, -1}};
	tc t;
	for (size_t v = 0; v < NELEM(viol); v++)
		for (size_t i = 0; i < NELEM(amounts); i++) {
			tc_base(&t);
			t.f[0].violation = viol[v];
			t.f[0].amount_yuan = amounts[i];
			if (v) {
				tc_discs(&t, "mass", NULL);
				t.c.proposal.eight_point_rules = 0;
			}
			const char *const party[] = {"开除党籍", "开除党籍",
			                             NULL};
			const char *const gov[] = {"开除", NULL, "开除"};
			for (int k = 0; k < 3; k++) {
				t.c.subject.party_member = party[k] != NULL;
				t.c.subject.public_official = gov[k] != NULL;
				tc_sanction(&t, party[k], gov[k], 4);
				shenli_emitter *e = run_all(&t.c);
				expect_none(e, "form_mismatch");
				if (heavy[v][i] < 0)
					expect_no_alarm(e);
				else
					expect(e, "sanction_too_heavy",
					       (shenli_severity)heavy[v][i],
					       "disposal", "F1", NULL);
			}
		}
	/* the third form with a crime-level amount: no form finding, but the
	 * panel hears the case may belong with the prosecutors */
	tc_base(&t);
	t.f[0].violation = "embezzle_benefit_funds";
	t.f[0].amount_yuan = 450000;
	tc_discs(&t, "mass", NULL);
	t.c.proposal.eight_point_rules = 0;
	tc_sanction(&t, "开除党籍", "开除", 3);
	shenli_emitter *e = run(P_CL, &t.c);
	expect_none(e, "form_mismatch");
	const struct rec *r = expect(e, "sanction_too_light", SHENLI_WARNING,
	                             "disposal", "F1", NULL);
	contains(r->msg, "移送司法机关");
}

/* Calibration gives a range per violation and amount band: anything in
 * it draws nothing; outside, a finding that names it. */
static void test_calibration_range(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.f[0].amount_yuan = 30000; /* gifts from 20,000: 2..3 */
	static const char *const fit[][2] = {{"严重警告", "记过"},
	                                     {"严重警告", "记大过"},
	                                     {"撤销党内职务", "降级"},
	                                     {"撤销党内职务", "撤职"}};
	for (size_t i = 0; i < NELEM(fit); i++) {
		tc_sanction(&t, fit[i][0], fit[i][1], i < 2 ? 2 : 3);
		assert_int_equal(run(P_CL, &t.c)->n, 0);
	}
	tc_sanction(&t, "警告", "警告", 2);
	const struct rec *r = expect(run(P_CL, &t.c), "sanction_too_light",
	                             SHENLI_WARNING, "disposal", "F1", NULL);
	contains(r->msg, "按事实和情节应在“严重警告／记过、记大过”至“撤销党"
	                 "内职务／降级、撤职”之间");
	contains(r->msg, "3万元");
	tc_sanction(&t, "留党察看", "撤职", 3);
	expect(run(P_CL, &t.c), "sanction_too_heavy", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	tc_sanction(&t, "开除党籍", "开除", 3);
	expect(run(P_CL, &t.c), "sanction_too_heavy", SHENLI_BLOCKER,
	       "disposal", "F1", NULL);
	/* a band's bottom: 20,000 yuan is in it, 19,999 below it (1..2) */
	t.f[0].amount_yuan = 20000;
	tc_sanction(&t, "警告", "警告", 2);
	expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	t.f[0].amount_yuan = 19999;
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	/* goods count by their value */
	t.f[0].in_kind = 1;
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	t.f[0].amount_yuan = 30000;
	expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	       "disposal", "F1", NULL);
}

/* Aggravating circumstances move the range up: 从重 (the lightest rung
 * is no longer enough) and 加重 (one rung above is allowed). */
static void test_aggravation(void **st)
{
	(void)st;
	tc t;
	tc_base(&t); /* 5000 yuan: 警告 .. 严重警告 */
	tc_sanction(&t, "撤销党内职务", "降级", 3);
	expect(run(P_CL, &t.c), "sanction_too_heavy", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	tc_circs(&t, "repeated", NULL);
	assert_int_equal(run(P_CL, &t.c)->n, 0); /* 加重 */
	tc_sanction(&t, "严重警告", "记过", 2);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	tc_sanction(&t, "警告", "警告", 2);
	const struct rec *r = expect(run(P_CL, &t.c), "sanction_too_light",
	                             SHENLI_WARNING, "disposal", "F1", NULL);
	contains(r->msg, "有多次违纪情节，从重或者加重");
	/* two of them move it once */
	tc_circs(&t, "obstruction", "serious_consequence", NULL);
	tc_sanction(&t, "留党察看", "撤职", 3);
	expect(run(P_CL, &t.c), "sanction_too_heavy", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	/* 受处分后再犯 without a prior sanction on record aggravates ... */
	tc_circs(&t, "after_warning", NULL);
	tc_sanction(&t, "警告", "警告", 2);
	expect(run(P_CL, &t.c), "sanction_too_light", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	/* ... and with one it is that prior sanction, counted once */
	tc_prior(&t, "party", "警告", "2022-03-02");
	tc_sanction(&t, "撤销党内职务", "降级", 3);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
	tc_sanction(&t, "留党察看", "撤职", 3);
	expect(run(P_CL, &t.c), "sanction_too_heavy", SHENLI_WARNING,
	       "disposal", "F1", NULL);
	/* aggravation never reaches a crime */
	tc_base(&t);
	t.f[0].amount_yuan = 150000; /* 4..5 */
	tc_circs(&t, "repeated", NULL);
	tc_sanction(&t, "开除党籍", "开除", 3);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

/* A circumstance the rules do not know is kept and shown, never an
 * error: a note names it, and the range ignores it. */
static void test_unknown_circumstance(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_circs(&t, "prior_sanctions", "voluntary_confession", "幡然悔悟",
	         "幡然悔悟", NULL);
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r =
	    expect(e, "unknown_circumstance", SHENLI_NOTE, "disposal", NULL);
	contains(r->msg, "“prior_sanctions”、“幡然悔悟”不在规则的情节词表中");
	assert_null(strstr(r->msg, "“voluntary_confession”"));
	contains(r->msg, "主动交代（voluntary_confession）");
	assert_int_equal(e->n, 1);
	/* negative: the vocabulary's own codes */
	tc_circs(&t, "voluntary_confession", "refund", "cooperation",
	         "minor_consequence", "repeated", "obstruction",
	         "serious_consequence", NULL);
	expect_none(run(P_CL, &t.c), "unknown_circumstance");
}

static void test_prior_sanctions_not_cited(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_prior(&t, "party", "警告", "2021-03-02");
	tc_sanction(&t, "严重警告", "记过", 2);
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r = expect(e, "prior_sanctions_not_cited",
	                             SHENLI_WARNING, "disposal", NULL);
	contains(r->msg, "党纪警告（2021年3月2日）");
	assert_int_equal(e->n, 1);
	tc_circs(&t, "after_warning", NULL);
	assert_int_equal(run(P_CL, &t.c)->n, 0);
}

/* 诫勉 is not a sanction: recorded among the prior ones it is shown, not
 * counted (no 从重, no "not cited", not one of several). */
static void test_prior_not_a_sanction(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_prior(&t, "party", "诫勉", "2021-03-02");
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r =
	    expect(e, "prior_not_a_sanction", SHENLI_NOTE, "disposal", NULL);
	contains(r->msg, "诫勉");
	expect_none(e, "prior_sanctions_not_cited");
	expect_none(e, "sanction_too_light");
	assert_int_equal(e->n, 1);
	/* with a real one beside it, only the real one counts */
	tc_prior(&t, "party", "警告", "2022-04-01");
	e = run(P_CL, &t.c);
	r = expect(e, "prior_sanctions_not_cited", SHENLI_WARNING, "disposal",
	           NULL);
	contains(r->msg, "党纪警告（2022年4月1日）");
	expect_none(e, "several_prior_sanctions");
}

static void test_several_prior_sanctions(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_prior(&t, "party", "警告", "2019-03-02");
	tc_sanction(&t, "严重警告", "记过", 2);
	tc_circs(&t, "after_warning", NULL);
	expect_none(run(P_CL, &t.c), "several_prior_sanctions");
	tc_prior(&t, "gov", "记过", "2021-05-06");
	shenli_emitter *e = run(P_CL, &t.c);
	const struct rec *r =
	    expect(e, "several_prior_sanctions", SHENLI_NOTE, "disposal", NULL);
	contains(r->msg, "身背2个处分");
	contains(r->msg, "政务记过（2021年5月6日）");
	assert_int_equal(e->n, 1);
}

/* ---- procedure ---------------------------------------------------------- */

static void test_missing_document(void **st)
{
	(void)st;
	static const char *const kinds[] = {
	    "filing_approval",      "investigation_report",
	    "fact_material",        "subject_written_response",
	    "response_explanation", "transfer_form"};
	for (size_t i = 0; i < NELEM(kinds); i++) {
		tc t;
		tc_base(&t);
		tc_nodoc(&t, kinds[i]);
		shenli_emitter *e = run(P_PR, &t.c);
		char ref[64]; /* a document is named as doc:KIND */
		snprintf(ref, sizeof ref, "doc:%s", kinds[i]);
		const struct rec *r =
		    expect(e, "missing_document", SHENLI_BLOCKER, "formalities",
		           ref, NULL);
		assert_true(r->has_outline);
		/* one missing link hides no inversion, adds no other */
		assert_int_equal(e->n, 1);
	}
	tc t;
	tc_base(&t);
	tc_nodoc(&t, "subject_written_response");
	const struct rec *r =
	    expect(run(P_PR, &t.c), "missing_document", SHENLI_BLOCKER,
	           "formalities", "doc:subject_written_response", NULL);
	contains(r->msg, "被审查调查人对事实材料的书面意见");
	tc_base(&t);
	expect_none(run(P_PR, &t.c), "missing_document");
}

static void test_date_order(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_doc(&t, "investigation_report", "2024-02-10");
	shenli_emitter *e = run(P_PR, &t.c);
	const struct rec *r =
	    expect(e, "date_order", SHENLI_BLOCKER, "procedure",
	           "doc:investigation_report", "doc:filing_approval", NULL);
	/* dates as 公文 write them, not as the dossier does */
	contains(r->msg, "审查调查报告（2024年2月10日）早于其所依据的立案审批表"
	                 "（2024年2月20日）");
	assert_int_equal(e->n, 1);
	/* over a missing link: the response before the report */
	tc_base(&t);
	tc_nodoc(&t, "fact_material");
	tc_doc(&t, "subject_written_response", "2024-04-27");
	e = run(P_PR, &t.c);
	expect(e, "date_order", SHENLI_BLOCKER, "procedure",
	       "doc:subject_written_response", "doc:investigation_report",
	       NULL);
	/* the explanation before the response */
	tc_base(&t);
	tc_doc(&t, "response_explanation", "2024-04-29");
	expect(run(P_PR, &t.c), "date_order", SHENLI_BLOCKER, "procedure",
	       "doc:response_explanation", "doc:subject_written_response",
	       NULL);
	/* negative: the same day is in order, identity may carry any date */
	tc_base(&t);
	tc_doc(&t, "fact_material", "2024-04-28");
	tc_doc(&t, "identity", "2025-01-01");
	expect_none(run(P_PR, &t.c), "date_order");
}

static void test_transfer_before_response(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_doc(&t, "transfer_form", "2024-04-29");
	t.c.transferred_on = "2024-04-29";
	shenli_emitter *e = run(P_PR, &t.c);
	const struct rec *r =
	    expect(e, "transfer_before_response", SHENLI_BLOCKER, "procedure",
	           "doc:transfer_form", "doc:subject_written_response", NULL);
	contains(r->outline, "书面意见");
	/* not also out of chain order (after the explanation) */
	expect_none(e, "date_order");
	assert_int_equal(e->n, 1);
	/* after the response but before the explanation: chain order */
	tc_doc(&t, "transfer_form", "2024-05-01");
	t.c.transferred_on = "2024-05-01";
	e = run(P_PR, &t.c);
	expect_none(e, "transfer_before_response");
	expect(e, "date_order", SHENLI_BLOCKER, "procedure",
	       "doc:transfer_form", "doc:response_explanation", NULL);
	/* without the form, transferred_on is the transfer date */
	tc_base(&t);
	tc_nodoc(&t, "transfer_form");
	t.c.transferred_on = "2024-04-29";
	expect(run(P_PR, &t.c), "missing_document", SHENLI_BLOCKER,
	       "formalities", "doc:transfer_form", NULL);
	tc_base(&t);
	expect_none(run(P_PR, &t.c), "transfer_before_response");
}

static void test_transfer_date_mismatch(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.c.transferred_on = "2024-05-08";
	shenli_emitter *e = run(P_PR, &t.c);
	const struct rec *r =
	    expect(e, "transfer_date_mismatch", SHENLI_WARNING, "procedure",
	           "doc:transfer_form", NULL);
	contains(r->msg, "2024年5月8日");
	contains(r->msg, "2024年5月6日");
	assert_int_equal(e->n, 1);
	tc_base(&t);
	expect_none(run(P_PR, &t.c), "transfer_date_mismatch");
}

static void test_evidence_after_transfer(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.e[1].obtained_on = "2024-05-07";
	shenli_emitter *e = run(P_PR, &t.c);
	const struct rec *r = expect(e, "evidence_after_transfer",
	                             SHENLI_WARNING, "procedure", "E2", NULL);
	contains(r->msg, "李某个人银行账户流水");
	assert_null(strstr(r->msg, "补查提纲"));
	assert_int_equal(e->n, 1);
	/* negative: the transfer day itself, and before filing (初核) */
	tc_base(&t);
	t.e[1].obtained_on = "2024-05-06";
	t.e[2].obtained_on = "2023-12-01";
	expect_none(run(P_PR, &t.c), "evidence_after_transfer");
}

/* Evidence sent in answer to a return is judged by that return: obtained
 * after the transfer is expected, after the answer was sent is not. */
static void test_evidence_after_answer(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	tc_ev(&t, "E4", "witness_testimony", NULL, "车主证人证言");
	t.e[3].obtained_on = "2024-06-10";
	tc_cite(&t, &t.f[0], "E4");
	shenli_return *r1 = tc_return(&t, "2024-05-20", "2024-06-15");
	tc_item(&t, r1, "2024-06-15", "E4", NULL);
	expect_no_alarm(run(P_PR, &t.c));
	/* obtained after the answer was sent */
	t.e[3].obtained_on = "2024-06-20";
	shenli_emitter *e = run(P_PR, &t.c);
	const struct rec *r = expect(e, "evidence_after_answer", SHENLI_WARNING,
	                             "procedure", "E4", NULL);
	contains(r->msg, "第1次退回补查提纲第1项");
	contains(r->msg, "2024年6月20日");
	contains(r->msg, "2024年6月15日");
	expect_none(e, "evidence_after_transfer");
	assert_int_equal(e->n, 1);
	/* cited again in answer to a second return: the later answer is
	 * the one that sent it */
	shenli_return *r2 = tc_return(&t, "2024-06-25", "2024-07-20");
	tc_item(&t, r2, "2024-07-20", "E4", NULL);
	t.e[3].obtained_on = "2024-07-10";
	expect_no_alarm(run(P_PR, &t.c));
	t.e[3].obtained_on = "2024-07-21";
	expect(run(P_PR, &t.c), "evidence_after_answer", SHENLI_WARNING,
	       "procedure", "E4", NULL);
	/* an open item's evidence is no answer */
	tc_base(&t);
	tc_ev(&t, "E4", "witness_testimony", NULL, "车主证人证言");
	t.e[3].obtained_on = "2024-06-10";
	r1 = tc_return(&t, "2024-05-20", "2024-06-15");
	tc_item(&t, r1, NULL, NULL);
	tc_item(&t, r1, "2024-06-15", "E9", NULL);
	e = run(P_PR, &t.c);
	r = expect(e, "evidence_after_transfer", SHENLI_WARNING, "procedure",
	           "E4", NULL);
	contains(r->msg, "不是对补查提纲的答复所补充的证据");
}

static void test_fact_after_transfer(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.f[0].to = "2024-06-01";
	shenli_emitter *e = run(P_PR, &t.c);
	expect(e, "fact_after_transfer", SHENLI_WARNING, "facts", "F1", NULL);
	assert_int_equal(e->n, 1);
	tc_base(&t);
	t.f[0].to = "2024-05-06";
	expect_none(run(P_PR, &t.c), "fact_after_transfer");
}

static void test_fact_period_inverted(void **st)
{
	(void)st;
	tc t;
	tc_base(&t);
	t.f[0].from = "2023-07-01";
	shenli_emitter *e = run(P_PR, &t.c);
	expect(e, "fact_period_inverted", SHENLI_WARNING, "facts", "F1", NULL);
	assert_int_equal(e->n, 1);
	t.f[0].from = "2023-06-30"; /* one day */
	expect_none(run(P_PR, &t.c), "fact_period_inverted");
}

/* ---- generated dossiers ------------------------------------------------- */

#define SEED_CLEAN 20240506u
#define SEED_FAULT 20241122u

static json_t *gen(uint64_t seed, uint64_t i, sl_sample_fault f)
{
	size_t len;
	char *s = sl_sample_case_with(seed, i, f, &len);
	assert_non_null(s);
	json_t *j = json_loadb(s, len, 0, NULL);
	free(s);
	assert_non_null(j);
	return j;
}

struct tally {
	char code[48];
	shenli_severity sev;
	unsigned n;
};

static void tally_add(struct tally *t, size_t *n, size_t cap,
                      const struct rec *r)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(t[i].code, r->code) && t[i].sev == r->severity) {
			t[i].n++;
			return;
		}
	if (*n < cap) {
		snprintf(t[*n].code, sizeof t[*n].code, "%s", r->code);
		t[*n].sev = r->severity;
		t[*n].n = 1;
		(*n)++;
	}
}

static void fail_on_case(json_t *j, shenli_emitter *e, const char *why,
                         uint64_t i)
{
	/* rerun with messages for the report */
	pc_case pc;
	assert_int_equal(pc_case_from_json(j, "Z1", "in_review", &pc), 0);
	e = run_mask((1u << NP) - 1, &pc.c, M_FULL);
	dump(e);
	pc_case_free(&pc);
	char *s = json_dumps(j, JSON_COMPACT);
	fprintf(stderr, "dossier %llu: %s\n", (unsigned long long)i, s);
	free(s);
	fail_msg("%s (dossier %llu)", why, (unsigned long long)i);
}

static void test_generated_clean(void **st)
{
	(void)st;
	const uint64_t n = 20000;
	struct tally notes[64];
	size_t nn = 0;
	unsigned long cases_with_notes = 0;
	for (uint64_t i = 0; i < n; i++) {
		json_t *j = gen(SEED_CLEAN, i, SL_FAULT_NONE);
		pc_case pc;
		assert_int_equal(pc_case_from_json(j, "Z1", "in_review", &pc),
		                 0);
		shenli_emitter *e = run_mask((1u << NP) - 1, &pc.c, M_CODES);
		if (e->count[SHENLI_BLOCKER] || e->count[SHENLI_WARNING]) {
			pc_case_free(&pc);
			fail_on_case(j, e,
			             "blocker or warning on a complete "
			             "dossier",
			             i);
		}
		cases_with_notes += e->n > 0;
		for (size_t k = 0; k < e->n; k++)
			tally_add(notes, &nn, NELEM(notes), &e->f[k]);
		pc_case_free(&pc);
		json_decref(j);
	}
	printf("%llu complete dossiers: no blocker, no warning; %lu with "
	       "notes:\n",
	       (unsigned long long)n, cases_with_notes);
	for (size_t k = 0; k < nn; k++)
		printf("  note %-26s %6u\n", notes[k].code, notes[k].n);
}

static void test_generated_faults(void **st)
{
	(void)st;
	for (int f = 1; f < SL_FAULT__COUNT; f++) {
		const char *want = sl_sample_fault_name((sl_sample_fault)f);
		int agency = f == SL_FAULT_UNKNOWN_AGENCY; /* intake's */
		struct tally other[32];
		size_t no = 0;
		for (uint64_t i = 0; i < 200; i++) {
			json_t *j = gen(SEED_FAULT, i, (sl_sample_fault)f);
			pc_case pc;
			assert_int_equal(
			    pc_case_from_json(j, "Z1", "in_review", &pc), 0);
			shenli_emitter *e =
			    run_mask((1u << NP) - 1, &pc.c, M_CODES);
			int found = 0, stray = 0;
			for (size_t k = 0; k < e->n; k++) {
				const struct rec *r = &e->f[k];
				if (!strcmp(r->code, want) &&
				    r->severity == SHENLI_BLOCKER)
					found = 1;
				else if (r->severity == SHENLI_BLOCKER)
					stray = 1;
				else
					tally_add(other, &no, NELEM(other), r);
			}
			pc_case_free(&pc);
			char why[160];
			if (!agency && !found) {
				snprintf(why, sizeof why,
				         "planted %s: no %s blocker", want,
				         want);
				fail_on_case(j, e, why, i);
			}
			if (stray || (agency && found)) {
				snprintf(why, sizeof why,
				         "planted %s: another blocker", want);
				fail_on_case(j, e, why, i);
			}
			json_decref(j);
		}
		printf("  %-26s 200/200 %s", want,
		       agency ? "(no blocker: intake's matter)" : "caught");
		for (size_t k = 0; k < no; k++)
			printf("%s%s %s x%u", k ? ", " : "; also ",
			       sev_name[other[k].sev], other[k].code,
			       other[k].n);
		printf("\n");
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The three plugins over 20,000 generated dossiers as they come (60%
 * complete, 40% with a fault). Dossiers are converted in batches of 1000
 * outside the clock, then each plugin runs over the batch; the emitter
 * only counts. The target is 20k cases/s for the three together (50 us a
 * case); it is asserted, with margin to spare, only in builds without
 * sanitizers (make asan sets SHENLI_SANITIZED).
 */
static void test_timing(void **st)
{
	(void)st;
	enum { N = 20000, BATCH = 1000 };
	static pc_case pcs[BATCH];
	double t[NP] = {0};
	size_t findings = 0;
	for (unsigned b = 0; b < N / BATCH; b++) {
		for (unsigned k = 0; k < BATCH; k++) {
			size_t len;
			char *s = sl_sample_case(SEED_CLEAN + 1, b * BATCH + k,
			                         &len, NULL);
			assert_non_null(s);
			json_t *j = json_loadb(s, len, 0, NULL);
			free(s);
			assert_non_null(j);
			assert_int_equal(
			    pc_case_from_json(j, "Z1", "in_review", &pcs[k]),
			    0);
			json_decref(j);
		}
		for (int p = 0; p < NP; p++) {
			em_reset(&EM, M_COUNT);
			double t0 = now();
			for (unsigned k = 0; k < BATCH; k++)
				assert_int_equal(P[p].check(P[p].state,
				                            &pcs[k].c, &EM,
				                            emit_cb),
				                 0);
			t[p] += now() - t0;
			findings += EM.count[0] + EM.count[1] + EM.count[2];
		}
		for (unsigned k = 0; k < BATCH; k++)
			pc_case_free(&pcs[k]);
	}
	double all = t[0] + t[1] + t[2];
	printf("time per case over %d generated dossiers (%zu findings):\n", N,
	       findings);
	for (int p = 0; p < NP; p++)
		printf("  %-15s %7.3f us\n", P[p].name, t[p] / N * 1e6);
	printf("  %-15s %7.3f us  (%.0f cases/s; target 20000)\n", "all three",
	       all / N * 1e6, N / all);
	const char *san = getenv("SHENLI_SANITIZED");
	if (!san || !*san)
		assert_true(all / N < 50e-6);
}

int main(int argc, char **argv)
{
	for (int i = 0; i < NP; i++) {
		P[i].path = argc > 1 + i ? argv[1 + i] : getenv(P[i].env);
		if (!P[i].path) {
			fprintf(stderr,
			        "usage: %s EVIDENCE.so CLASSIFICATION.so "
			        "PROCEDURE.so\n  (or set %s, %s, %s)\n",
			        argv[0], P[0].env, P[1].env, P[2].env);
			return 2;
		}
	}
	if (load_plugins()) {
		unload_plugins();
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_abi),
	    cmocka_unit_test(test_open_rejects_malformed_rules),
	    cmocka_unit_test(test_base_case_is_clean),
	    cmocka_unit_test(test_dangling_evidence),
	    cmocka_unit_test(test_no_evidence),
	    cmocka_unit_test(test_confession_only),
	    cmocka_unit_test(test_no_money_flow),
	    cmocka_unit_test(test_money_records),
	    cmocka_unit_test(test_electronic_money_records),
	    cmocka_unit_test(test_in_kind),
	    cmocka_unit_test(test_use_unproven),
	    cmocka_unit_test(test_own_statement_tags),
	    cmocka_unit_test(test_use_markers),
	    cmocka_unit_test(test_use_own_spending),
	    cmocka_unit_test(test_use_outline),
	    cmocka_unit_test(test_evidence_requirement),
	    cmocka_unit_test(test_no_identity),
	    cmocka_unit_test(test_large_file),
	    cmocka_unit_test(test_null_fields),
	    cmocka_unit_test(test_unknown_violation),
	    cmocka_unit_test(test_discipline_missed),
	    cmocka_unit_test(test_discipline_unsupported),
	    cmocka_unit_test(test_eight_point_missed),
	    cmocka_unit_test(test_eight_point_depends),
	    cmocka_unit_test(test_eight_point_unsupported),
	    cmocka_unit_test(test_unknown_sanction),
	    cmocka_unit_test(test_party_sanction_non_member),
	    cmocka_unit_test(test_gov_sanction_non_official),
	    cmocka_unit_test(test_sanction_one_system),
	    cmocka_unit_test(test_party_gov_mismatch),
	    cmocka_unit_test(test_form_mismatch),
	    cmocka_unit_test(test_sanction_too_light),
	    cmocka_unit_test(test_sanction_too_heavy),
	    cmocka_unit_test(test_merge_and_priors),
	    cmocka_unit_test(test_mitigation),
	    cmocka_unit_test(test_crime),
	    cmocka_unit_test(test_form4_expulsion),
	    cmocka_unit_test(test_calibration_range),
	    cmocka_unit_test(test_aggravation),
	    cmocka_unit_test(test_unknown_circumstance),
	    cmocka_unit_test(test_prior_sanctions_not_cited),
	    cmocka_unit_test(test_prior_not_a_sanction),
	    cmocka_unit_test(test_several_prior_sanctions),
	    cmocka_unit_test(test_missing_document),
	    cmocka_unit_test(test_date_order),
	    cmocka_unit_test(test_transfer_before_response),
	    cmocka_unit_test(test_transfer_date_mismatch),
	    cmocka_unit_test(test_evidence_after_transfer),
	    cmocka_unit_test(test_evidence_after_answer),
	    cmocka_unit_test(test_fact_after_transfer),
	    cmocka_unit_test(test_fact_period_inverted),
	    cmocka_unit_test(test_generated_clean),
	    cmocka_unit_test(test_generated_faults),
	    cmocka_unit_test(test_timing),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	unload_plugins();
	return rc;
}
