/*
 * bench_scripts - the five sign-off gate scripts (scripts/gate_*.lua) run
 * through the Lua host in-process, against the same five checks written in
 * C, over N generated case views (default 100k).
 *
 * Each script is compiled once (sl_script_compile) and run with
 * sl_sandbox_run_compiled: a fresh lua_State per script per case, as
 * always. Each view is a sample dossier (sl_sample_case) parsed with
 * jansson, plus the host fields a deliberated case has (spec: issue 5):
 * zone, accepted_on, today, checked, a team of 3, findings (a blocker for
 * the planted fault, a note for all), 2 individual opinions and a panel
 * opinion that repeat the agency's proposal, and for 1 case in 5 a return
 * with 2 answered outline items; 20% of the cases also carry a fault of
 * the review stage (see plant_review_fault). The C checks must give the
 * same findings as the scripts (codes, severities, standards, messages,
 * refs), in particular the same number of blockers per case; any
 * difference is printed and makes the benchmark fail. So does a
 * difference between the compiled runs and uncompiled ones
 * (sl_sandbox_run, on the first 1000 cases) or two threads' runs.
 *
 * Prints cases/s for each, one thread each; the Lua/C ratio for the
 * checks alone and end to end (with parsing the dossier, which both need,
 * as the shared per-case baseline); the host's fixed cost per run (an
 * empty check); what the same cost uncompiled; and cases/s through Lua
 * with two threads, each case's five runs on one of them (sign-off batches
 * may use both cores; states are independent). Cases are made in batches
 * of BATCH, and each batch is run by one thread, then by two.
 * Targets: >= 5000 cases/s through Lua on one thread, Lua/C <= 10x.
 *
 * usage: bench_scripts [--cases N] [--quick]
 * The scripts are read from the source tree; the path is compiled in.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dossier.h"
#include "fsutil.h"
#include "rules.h"
#include "sample.h"
#include "sandbox.h"

#ifndef SHENLI_SCRIPTS_DIR
#error "SHENLI_SCRIPTS_DIR must name the scripts source directory"
#endif

#define N_SCRIPTS 5
#define MAX_MESSAGE 4096

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* CPU seconds this process has had (user + system) */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "bench_scripts: %s\n", what);
	exit(1);
}

/* ---- dates ------------------------------------------------------------- */

/* Days since 1970-01-01 of a valid YYYY-MM-DD, and back (the core's
 * arithmetic, <shenli/base.h>). */
static long days_of(const char *s)
{
	return sl_days_from_civil(atoi(s), (unsigned)atoi(s + 5),
	                          (unsigned)atoi(s + 8));
}

static void date_of(long z, char out[11])
{
	int y;
	unsigned m, d;
	sl_civil_from_days((int32_t)z, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, m % 100u,
	         d % 100u);
}

static json_t *date_plus(const char *base, long days)
{
	char out[11];
	date_of(days_of(base) + days, out);
	return json_string(out);
}

/* ---- the view ---------------------------------------------------------- */

static const sl_sample_agency *agency_of(const char *code)
{
	const sl_sample_agency *as;
	size_t na;
	sl_sample_agencies(&as, &na);
	for (size_t i = 0; i < na; i++)
		if (!strcmp(as[i].code, code))
			return &as[i];
	return NULL;
}

/* The k-th agency of the zone other than the case's own. */
static const char *reviewer_agency(const char *zone, const char *own, int k)
{
	const sl_sample_agency *as;
	size_t na;
	sl_sample_agencies(&as, &na);
	for (size_t i = 0; i < na; i++)
		if (!strcmp(as[i].zone, zone) && strcmp(as[i].code, own) &&
		    k-- == 0)
			return as[i].code;
	return "ZCJ";
}

static const char *fault_check(sl_sample_fault f)
{
	switch (f) {
	case SL_FAULT_MISSING_DOCUMENT:
	case SL_FAULT_NO_IDENTITY:
	case SL_FAULT_DATE_ORDER:
	case SL_FAULT_TRANSFER_BEFORE_RESPONSE:
	case SL_FAULT_UNKNOWN_AGENCY: return "procedure";
	case SL_FAULT_DANGLING_EVIDENCE:
	case SL_FAULT_NO_EVIDENCE:
	case SL_FAULT_CONFESSION_ONLY:
	case SL_FAULT_NO_MONEY_FLOW: return "evidence";
	default: return "classification";
	}
}

static json_t *opinion(const json_t *proposal, const char *author,
                       const char *agency, const char *role, int panel,
                       json_t *recorded_on)
{
	json_t *o = json_pack(
	    "{s:s, s:s?, s:s, s:b, s:o, s:O, s:O, s:O, s:O, s:O, s:s, s:[]}",
	    "author", author, "author_agency", agency, "author_role", role,
	    "panel", panel, "recorded_on", recorded_on, "disciplines",
	    json_object_get(proposal, "disciplines"), "eight_point_rules",
	    json_object_get(proposal, "eight_point_rules"), "party_sanction",
	    json_object_get(proposal, "party_sanction"), "gov_sanction",
	    json_object_get(proposal, "gov_sanction"), "form",
	    json_object_get(proposal, "form"), "reasoning",
	    panel ? "经集体审议，同意审理组意见" : "事实清楚，证据确凿",
	    "dissent");
	if (!o)
		die("out of memory (opinion)");
	return o;
}

/*
 * One case in 50 of each kind below carries a fault of the review stage,
 * so that every rule of the gates has cases to fire on and the C checks
 * are compared with the scripts on them too (20% of the cases).
 */
enum {
	RF_NOT_CHECKED = 1,
	RF_NOT_ON_TEAM = 3,
	RF_RECUSED = 7,
	RF_PANEL_EARLY = 9,
	RF_NO_PANEL = 11,
	RF_FORM_ONE = 13,
	RF_ONE_OPINION = 17,
	RF_NOT_A_MEMBER = 23,
	RF_ITEM_OPEN = 20, /* these two have a return (index % 5 == 0) */
	RF_RESUBMIT_EARLY = 45,
};

static int review_fault_of(uint64_t index)
{
	switch (index % 50) {
	case RF_NOT_CHECKED:
	case RF_NOT_ON_TEAM:
	case RF_RECUSED:
	case RF_PANEL_EARLY:
	case RF_NO_PANEL:
	case RF_FORM_ONE:
	case RF_ONE_OPINION:
	case RF_NOT_A_MEMBER:
	case RF_ITEM_OPEN:
	case RF_RESUBMIT_EARLY: return 1;
	default: return 0;
	}
}

static void plant_review_fault(json_t *v, uint64_t index, const char *agency,
                               const char *accepted)
{
	json_t *ops = json_object_get(v, "opinions");
	json_t *ret = json_array_get(json_object_get(v, "returns"), 0);
	int rc = 0;
	switch (index % 50) {
	case RF_NOT_CHECKED:
		rc = json_object_set_new(v, "checked", json_false());
		break;
	case RF_NOT_ON_TEAM:
		rc = json_object_set_new(json_array_get(ops, 1), "author",
		                         json_string("x9"));
		break;
	case RF_RECUSED:
		rc = json_object_set_new(json_array_get(ops, 0),
		                         "author_agency", json_string(agency));
		break;
	case RF_PANEL_EARLY:
		rc = json_object_set_new(json_array_get(ops, 2), "recorded_on",
		                         date_plus(accepted, 12));
		break;
	case RF_NO_PANEL: rc = json_array_remove(ops, 2); break;
	case RF_FORM_ONE:
		rc = json_object_set_new(json_array_get(ops, 2), "form",
		                         json_integer(1));
		break;
	case RF_ONE_OPINION: rc = json_array_remove(ops, 1); break;
	case RF_NOT_A_MEMBER:
		rc = json_object_set_new(json_object_get(v, "subject"),
		                         "party_member", json_false());
		break;
	case RF_ITEM_OPEN:
		rc = json_object_set_new(
		    json_array_get(json_object_get(ret, "items"), 1),
		    "answered", json_false());
		break;
	case RF_RESUBMIT_EARLY:
		rc = json_object_set_new(ret, "resubmitted_on",
		                         date_plus(accepted, 4));
		break;
	}
	if (rc)
		die("cannot plant a review fault");
}

/* Add the host fields of a deliberated case to a parsed dossier. */
static void add_host_fields(json_t *v, uint64_t index, sl_sample_fault fault)
{
	const char *agency = json_string_value(json_object_get(v, "agency"));
	const char *transferred =
	    json_string_value(json_object_get(v, "transferred_on"));
	const json_t *proposal = json_object_get(v, "proposal");
	if (!agency || !transferred || !sl_date_valid(transferred) ||
	    !json_is_object(proposal))
		die("a sample dossier without agency, date or proposal");
	const sl_sample_agency *a = agency_of(agency);
	const char *zone = a ? a->zone : "Z1";
	char accepted[11];
	date_of(days_of(transferred) + 2, accepted);

	json_t *findings = json_array();
	if (fault != SL_FAULT_NONE) {
		char msg[128];
		snprintf(msg, sizeof msg, "样本中预置的问题：%s",
		         sl_sample_fault_name(fault));
		json_array_append_new(
		    findings,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:n}", "check",
		              fault_check(fault), "standard",
		              fault_check(fault), "severity", "blocker", "code",
		              sl_sample_fault_name(fault), "message", msg,
		              "refs", "F1", "outline_item"));
	}
	json_array_append_new(findings,
	                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:s}",
	                                "check", "evidence", "standard",
	                                "evidence", "severity", "note", "code",
	                                "evidence_requirement", "message",
	                                "建议补充资金去向的证据", "refs", "F1",
	                                "outline_item", "查明资金的最终去向"));

	json_t *team = json_pack(
	    "[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:n}]", "id", "m1",
	    "role", "member", "agency", reviewer_agency(zone, agency, 0), "id",
	    "m2", "role", "member", "agency", reviewer_agency(zone, agency, 1),
	    "id", "s1", "role", "specialist", "agency");
	json_t *opinions =
	    json_pack("[o, o, o]",
	              opinion(proposal, "m1", reviewer_agency(zone, agency, 0),
	                      "member", 0, date_plus(accepted, 12)),
	              opinion(proposal, "m2", reviewer_agency(zone, agency, 1),
	                      "member", 0, date_plus(accepted, 13)),
	              opinion(proposal, "lead", NULL, "leader", 1,
	                      date_plus(accepted, 15)));
	json_t *returns = json_array();
	if (index % 5 == 0)
		json_array_append_new(
		    returns,
		    json_pack("{s:i, s:s, s:o, s:o, s:[{s:i, s:s, s:[s], s:b}, "
		              "{s:i, s:s, s:[s], s:b}]}",
		              "return_no", 1, "kind", "supplement",
		              "returned_on", date_plus(accepted, 5),
		              "resubmitted_on", date_plus(accepted, 9), "items",
		              "no", 1, "text", "补充资金最终去向的证据", "refs",
		              "F1", "answered", 1, "no", 2, "text",
		              "补充相关知情人证言", "refs", "E1", "answered",
		              1));
	if (!findings || !team || !opinions || !returns ||
	    json_object_set_new(v, "state", json_string("deliberated")) ||
	    json_object_set_new(v, "zone",
	                        a ? json_string(a->zone) : json_null()) ||
	    json_object_set_new(v, "accepted_on", json_string(accepted)) ||
	    json_object_set_new(v, "today", date_plus(transferred, 60)) ||
	    json_object_set_new(v, "checked", json_true()) ||
	    json_object_set_new(v, "team", team) ||
	    json_object_set_new(v, "findings", findings) ||
	    json_object_set_new(v, "opinions", opinions) ||
	    json_object_set_new(v, "returns", returns))
		die("out of memory (view)");
	plant_review_fault(v, index, agency, accepted);
}

/* ---- the five checks in C, finding for finding the same as the scripts - */

typedef struct {
	json_t *out;     /* the findings */
	const char *who; /* the script's name */
	char msg[2 * MAX_MESSAGE + 512];
} cx;

/* json_t-typed helpers that read like the scripts' Lua */
static json_t *get(const json_t *o, const char *k)
{
	return json_is_object(o) ? json_object_get(o, k) : NULL;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(get(o, k));
}

static int is_table(const json_t *v)
{
	return json_is_object(v) || json_is_array(v);
}

/* the elements ipairs() visits: an array's, none of anything else */
static size_t n_items(const json_t *v)
{
	return json_is_array(v) ? json_array_size(v) : 0;
}

static int contains(const json_t *list, const char *s)
{
	for (size_t i = 0; i < n_items(list); i++) {
		const char *x = json_string_value(json_array_get(list, i));
		if (x && !strcmp(x, s))
			return 1;
	}
	return 0;
}

/* math.tointeger: a whole number as an integer */
static int whole(const json_t *v, long long *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 1;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d >= -0x1p63 && d < 0x1p63 && d == (double)(long long)d) {
			*out = (long long)d;
			return 1;
		}
	}
	return 0;
}

/* Lua's tostring() of a number */
static void num_text(const json_t *v, char *out, size_t cap)
{
	if (json_is_integer(v)) {
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
		return;
	}
	snprintf(out, cap, "%.14g", json_real_value(v));
	if (!strpbrk(out, ".eEin"))
		strncat(out, ".0", cap - strlen(out) - 1);
}

/* clip() of the scripts: at most max bytes on a character boundary */
static void clip(char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return;
	size_t cut = max - 3;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	memcpy(s + cut, "…", sizeof "…");
}

static int ref_ok(const char *id)
{
	return id && *id && strlen(id) <= 64;
}

static json_t *copy_refs(const json_t *refs)
{
	json_t *out = json_array();
	for (size_t i = 0; i < n_items(refs); i++) {
		const char *r = json_string_value(json_array_get(refs, i));
		if (ref_ok(r) && json_array_size(out) < 64)
			json_array_append_new(out, json_string(r));
	}
	return out;
}

static json_t *refs1(const char *id)
{
	json_t *r = json_array();
	if (ref_ok(id))
		json_array_append_new(r, json_string(id));
	return r;
}

/* Append a finding (stealing refs); the message is x->msg. */
static void emit(cx *x, const char *standard, const char *severity,
                 const char *code, json_t *refs)
{
	json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:n}", "check",
	                      x->who, "standard", standard, "severity",
	                      severity, "code", code, "message", x->msg, "refs",
	                      refs ? refs : json_array(), "outline_item");
	if (!f || json_array_append_new(x->out, f))
		die("out of memory (finding)");
}

#define MSG(...) snprintf(x->msg, sizeof x->msg, __VA_ARGS__)

static const char *text_or(const char *s, const char *fallback)
{
	return s && *s ? s : fallback;
}

static void c_gate_findings(cx *x, const json_t *c, const json_t *rules)
{
	(void)rules;
	static const char *const standards[] = {
	    "facts",    "evidence",    "classification",
	    "disposal", "formalities", "procedure",
	    NULL};
	if (!json_is_true(get(c, "checked"))) {
		MSG("本案当前材料尚未运行审查检查，请先运行 review run");
		emit(x, "formalities", "blocker", "checks_not_run", NULL);
	}
	const json_t *fs = get(c, "findings");
	for (size_t i = 0; i < n_items(fs); i++) {
		const json_t *f = json_array_get(fs, i);
		const char *sev = str(f, "severity");
		if (!sev || strcmp(sev, "blocker"))
			continue;
		const char *standard = "formalities", *s = str(f, "standard");
		for (int k = 0; s && standards[k]; k++)
			if (!strcmp(s, standards[k]))
				standard = s;
		MSG("尚有未解决的阻断性问题（%s/%s）：%s",
		    text_or(str(f, "check"), "?"), text_or(str(f, "code"), "?"),
		    text_or(str(f, "message"), ""));
		clip(x->msg, MAX_MESSAGE);
		emit(x, standard, "blocker", "open_blocker",
		     copy_refs(get(f, "refs")));
	}
}

static void c_gate_outline(cx *x, const json_t *c, const json_t *rules)
{
	(void)rules;
	const json_t *rs = get(c, "returns");
	for (size_t ri = 0; ri < n_items(rs); ri++) {
		const json_t *r = json_array_get(rs, ri);
		if (!is_table(r))
			continue;
		long long n = (long long)ri + 1;
		whole(get(r, "return_no"), &n);
		const json_t *items = get(r, "items");
		for (size_t ii = 0; ii < n_items(items); ii++) {
			const json_t *it = json_array_get(items, ii);
			if (!is_table(it) || json_is_true(get(it, "answered")))
				continue;
			long long no = (long long)ii + 1;
			whole(get(it, "no"), &no);
			const char *t = str(it, "text");
			MSG("第%lld次退回的补查提纲第%lld项尚未补查：%s", n, no,
			    t ? t : "");
			clip(x->msg, MAX_MESSAGE);
			emit(x, "evidence", "blocker", "outline_item_open",
			     copy_refs(get(it, "refs")));
		}
	}
}

static void recusal(cx *x, const json_t *op, const char *agency,
                    const char *who)
{
	const char *aa = str(op, "author_agency");
	if (!agency || !aa || strcmp(aa, agency))
		return;
	MSG("%s%s的所在单位%s即本案移送单位，应当回避，其意见不能作为审理意见",
	    who, str(op, "author"), agency);
	emit(x, "procedure", "blocker", "opinion_recused",
	     refs1(str(op, "author")));
}

static void c_gate_opinions(cx *x, const json_t *c, const json_t *rules)
{
	long long min_team = 2;
	const json_t *mt = get(get(rules, "review"), "min_team");
	if (json_is_number(mt))
		whole(mt, &min_team);
	const json_t *team = get(c, "team"), *ops = get(c, "opinions");
	const json_t *panel = NULL;
	const char *agency = str(c, "agency");
	long long authors = 0;
	for (size_t i = 0; i < n_items(ops); i++) {
		const json_t *op = json_array_get(ops, i);
		if (!is_table(op))
			continue;
		if (json_is_true(get(op, "panel"))) {
			panel = op;
			continue;
		}
		const char *author = str(op, "author");
		if (!author)
			continue;
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++) {
			const json_t *o = json_array_get(ops, k);
			const char *a = str(o, "author");
			seen = a && !json_is_true(get(o, "panel")) &&
			       !strcmp(a, author);
		}
		if (seen)
			continue;
		authors++;
		int on_team = 0;
		for (size_t k = 0; k < n_items(team) && !on_team; k++) {
			const char *id = str(json_array_get(team, k), "id");
			on_team = id && !strcmp(id, author);
		}
		if (!on_team) {
			MSG("个人审理意见的提出人%s不是本案审理组成员", author);
			emit(x, "procedure", "blocker", "opinion_not_assigned",
			     refs1(author));
		}
		recusal(x, op, agency, "个人审理意见的提出人");
	}
	if (authors < min_team) {
		MSG("仅有%lld名审理人员提出个人审理意见，少于规定的%lld人",
		    authors, min_team);
		emit(x, "procedure", "blocker", "too_few_opinions", NULL);
	}
	if (!panel) {
		MSG("尚无审理小组集体审议意见");
		emit(x, "procedure", "blocker", "no_panel_opinion", NULL);
	} else if (str(panel, "author")) {
		recusal(x, panel, agency, "集体审议意见的记录人");
	}
}

static const char *sanction(const json_t *op, const char *k)
{
	const char *s = str(op, k);
	return s && *s ? s : NULL;
}

static void form_check(cx *x, const json_t *panel, const char *party,
                       const char *gov, const json_t *rules)
{
	const json_t *form = get(panel, "form"), *entry = NULL;
	const json_t *forms = get(rules, "forms");
	for (size_t i = 0; i < n_items(forms); i++) {
		const json_t *f = json_array_get(forms, i);
		const json_t *ff = get(f, "form");
		if (is_table(f) && json_is_number(ff) && json_is_number(form) &&
		    json_number_value(ff) == json_number_value(form))
			entry = f;
	}
	char num[64] = "未填写";
	if (json_is_number(form))
		num_text(form, num, sizeof num);
	if (!entry) {
		MSG("集体审议意见的处理形态（%s）不是规则所列的形态", num);
		emit(x, "classification", "blocker", "form_sanction_mismatch",
		     NULL);
		return;
	}
	char zhbuf[128];
	const char *zh = str(entry, "zh");
	if (!zh) {
		snprintf(zhbuf, sizeof zhbuf, "第%s种形态", num);
		zh = zhbuf;
	}
	if (json_is_true(get(entry, "no_sanction"))) {
		if (party || gov) {
			MSG("集体审议意见定为%s，却给予了%s%s%s处分", zh,
			    party ? party : "", party && gov ? "、" : "",
			    gov ? gov : "");
			emit(x, "classification", "blocker",
			     "form_sanction_mismatch", NULL);
		}
		return;
	}
	if (!party && !gov) {
		MSG("集体审议意见定为%s，却未给予任何处分", zh);
		emit(x, "classification", "blocker", "form_sanction_mismatch",
		     NULL);
	}
	if (party && !contains(get(entry, "party"), party)) {
		MSG("党纪处分%s不属于%s", party, zh);
		emit(x, "classification", "blocker", "form_sanction_mismatch",
		     NULL);
	}
	if (gov && !contains(get(entry, "gov"), gov)) {
		MSG("政务处分%s不属于%s", gov, zh);
		emit(x, "classification", "blocker", "form_sanction_mismatch",
		     NULL);
	}
}

static void sanctions_check(cx *x, const json_t *c, const char *party,
                            const char *gov, const json_t *rules)
{
	const json_t *agreement = get(rules, "party_gov_agreement");
	if (party && gov && is_table(agreement)) {
		const json_t *allowed = get(agreement, party);
		if (is_table(allowed) && !contains(allowed, gov)) {
			MSG("集体审议意见拟给予党纪处分%s，同时给予政务处分%s，"
			    "二者轻重不相适应",
			    party, gov);
			emit(x, "disposal", "blocker", "party_gov_mismatch",
			     NULL);
		}
	}
	const json_t *subject = get(c, "subject");
	if (party && !json_is_true(get(subject, "party_member"))) {
		MSG("被审查调查人不是中共党员，不能给予党纪处分%s", party);
		emit(x, "disposal", "blocker", "sanction_subject_mismatch",
		     NULL);
	}
	if (gov && !json_is_true(get(subject, "public_official"))) {
		MSG("被审查调查人不是公职人员，不能给予政务处分%s", gov);
		emit(x, "disposal", "blocker", "sanction_subject_mismatch",
		     NULL);
	}
}

static const json_t *violation_of(const json_t *fact, const json_t *rules)
{
	const json_t *vs = get(rules, "violations");
	const char *code = str(fact, "violation");
	if (!is_table(fact) || !code || !is_table(vs))
		return NULL;
	const json_t *v = get(vs, code);
	return is_table(v) ? v : NULL;
}

/* the discipline of fact i, if the panel leaves it out */
static const char *missing_discipline(const json_t *facts, size_t i,
                                      const json_t *panel, const json_t *rules)
{
	const json_t *v = violation_of(json_array_get(facts, i), rules);
	const char *d = v ? str(v, "discipline") : NULL;
	return d && !contains(get(panel, "disciplines"), d) ? d : NULL;
}

static void facts_check(cx *x, const json_t *c, const json_t *panel,
                        const json_t *rules)
{
	static const char *const zh[][2] = {
	    {"political", "政治"}, {"organizational", "组织"},
	    {"integrity", "廉洁"}, {"mass", "群众"},
	    {"work", "工作"},      {"life", "生活"}};
	const json_t *facts = get(c, "facts");
	int any_yes = 0, any_eight = 0;
	json_t *yes_refs = json_array();
	for (size_t i = 0; i < n_items(facts); i++) {
		const json_t *fact = json_array_get(facts, i);
		const json_t *v = violation_of(fact, rules);
		const char *ep = v ? str(v, "eight_point") : NULL;
		if (ep && !strcmp(ep, "yes")) {
			any_yes = any_eight = 1;
			const char *id = str(fact, "id");
			if (ref_ok(id) && json_array_size(yes_refs) < 64)
				json_array_append_new(yes_refs,
				                      json_string(id));
		} else if (ep && !strcmp(ep, "depends")) {
			any_eight = 1;
		}
	}
	int flag = json_is_true(get(panel, "eight_point_rules"));
	if (flag && !any_eight) {
		MSG("集体审议意见认定违反中央八项规定精神，但所认定的违纪行为均"
		    "不属于此类");
		emit(x, "classification", "blocker", "eight_point_mismatch",
		     NULL);
	} else if (!flag && any_yes) {
		MSG("有违纪行为属于违反中央八项规定精神的问题，集体审议意见未予"
		    "认定");
		emit(x, "classification", "blocker", "eight_point_mismatch",
		     yes_refs);
		yes_refs = NULL;
	}
	json_decref(yes_refs);
	/* one warning per discipline left out, in the order of the facts */
	for (size_t i = 0; i < n_items(facts); i++) {
		const char *d = missing_discipline(facts, i, panel, rules);
		int first = d != NULL;
		for (size_t k = 0; k < i && first; k++) {
			const char *e =
			    missing_discipline(facts, k, panel, rules);
			first = !e || strcmp(e, d);
		}
		if (!first)
			continue;
		json_t *refs = json_array();
		for (size_t k = i; k < n_items(facts); k++) {
			const char *e =
			    missing_discipline(facts, k, panel, rules);
			const char *id = str(json_array_get(facts, k), "id");
			if (e && !strcmp(e, d) && ref_ok(id) &&
			    json_array_size(refs) < 64)
				json_array_append_new(refs, json_string(id));
		}
		const char *name = d;
		for (size_t k = 0; k < sizeof zh / sizeof zh[0]; k++)
			if (!strcmp(zh[k][0], d))
				name = zh[k][1];
		MSG("有违纪行为属于违反%s纪律，集体审议意见未认定该纪律", name);
		emit(x, "classification", "warning", "discipline_missing",
		     refs);
	}
}

static void c_gate_panel(cx *x, const json_t *c, const json_t *rules)
{
	const json_t *ops = get(c, "opinions"), *panel = NULL;
	for (size_t i = 0; i < n_items(ops); i++) {
		const json_t *op = json_array_get(ops, i);
		if (is_table(op) && json_is_true(get(op, "panel")))
			panel = op;
	}
	if (!panel)
		return;
	const char *party = sanction(panel, "party_sanction");
	const char *gov = sanction(panel, "gov_sanction");
	form_check(x, panel, party, gov, rules);
	sanctions_check(x, c, party, gov, rules);
	facts_check(x, c, panel, rules);
}

static int valid(const char *d)
{
	return d && sl_date_valid(d);
}

static void check_valid(cx *x, const char *what, const json_t *d, json_t *refs)
{
	const char *s = json_string_value(d);
	if (!s || sl_date_valid(s)) {
		json_decref(refs);
		return;
	}
	MSG("%s“%s”不是有效的日期（YYYY-MM-DD）", what,
	    strlen(s) > 40 ? "（无法显示的值）" : s);
	emit(x, "procedure", "blocker", "date_inconsistent", refs);
}

static void not_after(cx *x, const char *what, const json_t *a,
                      const char *limit, const json_t *b, json_t *refs)
{
	const char *sa = json_string_value(a), *sb = json_string_value(b);
	if (!valid(sa) || !valid(sb) || strcmp(sa, sb) <= 0) {
		json_decref(refs);
		return;
	}
	MSG("%s（%s）晚于%s（%s）", what, sa, limit, sb);
	emit(x, "procedure", "blocker", "date_inconsistent", refs);
}

static void label(char *out, size_t cap, const char *kind, const char *id,
                  const char *field)
{
	snprintf(out, cap, "%s%s%s", kind, id && strlen(id) <= 64 ? id : "",
	         field);
}

static void c_gate_dates(cx *x, const json_t *c, const json_t *rules)
{
	(void)rules;
	static const char T[] = "移送日期transferred_on",
	                  A[] = "受理日期accepted_on",
	                  TODAY[] = "本次运行日期today";
	const json_t *transferred = get(c, "transferred_on");
	const json_t *accepted = get(c, "accepted_on");
	const json_t *today = get(c, "today");
	check_valid(x, T, transferred, NULL);
	check_valid(x, A, accepted, NULL);
	check_valid(x, TODAY, today, NULL);
	not_after(x, T, transferred, A, accepted, NULL);

	char what[512], what2[512];
	const json_t *facts = get(c, "facts");
	for (size_t i = 0; i < n_items(facts); i++) {
		const json_t *f = json_array_get(facts, i);
		if (!json_is_object(f) && !json_is_array(f))
			continue;
		const char *id = str(f, "id");
		label(what, sizeof what, "事实", id, "的起始日期from");
		label(what2, sizeof what2, "事实", id, "的截止日期to");
		const json_t *from = get(f, "from"), *to = get(f, "to");
		check_valid(x, what, from, refs1(id));
		check_valid(x, what2, to, refs1(id));
		not_after(x, what, from, what2, to, refs1(id));
		not_after(x, what, from, T, transferred, refs1(id));
		not_after(x, what2, to, T, transferred, refs1(id));
	}

	const json_t *subject = get(c, "subject");
	const json_t *priors = get(subject, "prior_sanctions");
	for (size_t i = 0; is_table(subject) && i < n_items(priors); i++) {
		const json_t *p = json_array_get(priors, i);
		if (!is_table(p))
			continue;
		snprintf(what, sizeof what,
		         "第%zu项曾受处分的决定日期decided_on", i + 1);
		check_valid(x, what, get(p, "decided_on"), NULL);
		not_after(x, what, get(p, "decided_on"), T, transferred, NULL);
	}

	const json_t *docs = get(c, "documents");
	for (size_t i = 0; i < n_items(docs); i++) {
		const json_t *d = json_array_get(docs, i);
		if (!is_table(d))
			continue;
		const char *kind = str(d, "kind");
		label(what, sizeof what, "材料", kind, "的日期date");
		check_valid(x, what, get(d, "date"), refs1(kind));
		not_after(x, what, get(d, "date"), T, transferred, refs1(kind));
	}

	const json_t *sup = get(c, "supplement"), *evs = get(c, "evidence");
	for (size_t i = 0; i < n_items(evs); i++) {
		const json_t *e = json_array_get(evs, i);
		if (!is_table(e))
			continue;
		const char *id = str(e, "id");
		const json_t *on = get(e, "obtained_on");
		label(what, sizeof what, "证据", id, "的取得日期obtained_on");
		check_valid(x, what, on, refs1(id));
		not_after(x, what, on, TODAY, today, refs1(id));
		int supplemented = 0;
		for (size_t k = 0; id && k < n_items(sup) && !supplemented; k++)
			supplemented = contains(
			    get(json_array_get(sup, k), "evidence"), id);
		if (!supplemented)
			not_after(x, what, on, T, transferred, refs1(id));
	}

	const json_t *rs = get(c, "returns");
	for (size_t i = 0; i < n_items(rs); i++) {
		const json_t *r = json_array_get(rs, i);
		if (!is_table(r))
			continue;
		long long n = (long long)i + 1;
		if (json_is_number(get(r, "return_no")))
			whole(get(r, "return_no"), &n);
		snprintf(what, sizeof what, "第%lld次退回日期returned_on", n);
		snprintf(what2, sizeof what2,
		         "第%lld次退回的重新移送日期resubmitted_on", n);
		check_valid(x, what, get(r, "returned_on"), NULL);
		check_valid(x, what2, get(r, "resubmitted_on"), NULL);
		not_after(x, A, accepted, what, get(r, "returned_on"), NULL);
		not_after(x, what, get(r, "returned_on"), what2,
		          get(r, "resubmitted_on"), NULL);
	}

	const json_t *ops = get(c, "opinions"), *panel = NULL;
	char panel_what[512] = "";
	for (size_t i = 0; i < n_items(ops); i++) {
		const json_t *op = json_array_get(ops, i);
		if (!is_table(op))
			continue;
		const char *author = str(op, "author");
		const char *who = author && strlen(author) <= 64 ? author : "?";
		if (json_is_true(get(op, "panel"))) {
			snprintf(
			    what, sizeof what,
			    "集体审议意见（记录人%s）的记录日期recorded_on",
			    who);
			panel = op;
			memcpy(panel_what, what, sizeof what);
		} else {
			snprintf(what, sizeof what,
			         "%s的个人审理意见的记录日期recorded_on", who);
		}
		check_valid(x, what, get(op, "recorded_on"), NULL);
		not_after(x, A, accepted, what, get(op, "recorded_on"), NULL);
	}
	for (size_t i = 0; panel && i < n_items(ops); i++) {
		const json_t *op = json_array_get(ops, i);
		if (!is_table(op) || json_is_true(get(op, "panel")))
			continue;
		const char *author = str(op, "author");
		snprintf(what, sizeof what,
		         "%s的个人审理意见的记录日期recorded_on",
		         author && strlen(author) <= 64 ? author : "?");
		not_after(x, what, get(op, "recorded_on"), panel_what,
		          get(panel, "recorded_on"), NULL);
	}
}

typedef void (*c_check)(cx *x, const json_t *c, const json_t *rules);

static const struct {
	const char *name;
	c_check fn;
} checks[N_SCRIPTS] = {
    {"gate_findings", c_gate_findings}, {"gate_outline", c_gate_outline},
    {"gate_opinions", c_gate_opinions}, {"gate_panel", c_gate_panel},
    {"gate_dates", c_gate_dates},
};

/* ---- comparing -------------------------------------------------------- */

static size_t count_blockers(const json_t *fs, size_t from, size_t to)
{
	size_t n = 0;
	for (size_t i = from; i < to; i++) {
		const char *s = str(json_array_get(fs, i), "severity");
		n += s && !strcmp(s, "blocker");
	}
	return n;
}

static int same_finding(const json_t *a, const json_t *b)
{
	static const char *const keys[] = {"check", "standard", "severity",
	                                   "code",  "message",  "refs"};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		if (!json_equal(get(a, keys[k]), get(b, keys[k])))
			return 0;
	return 1;
}

static void show_difference(uint64_t index, const char *name, const json_t *lua,
                            size_t l0, size_t l1, const json_t *c, size_t c0,
                            size_t c1)
{
	fprintf(stderr, "  case %" PRIu64 ", %s: Lua and C differ\n", index,
	        name);
	for (int side = 0; side < 2; side++) {
		const json_t *fs = side ? c : lua;
		for (size_t i = side ? c0 : l0; i < (side ? c1 : l1); i++) {
			char *d =
			    json_dumps(json_array_get(fs, i), JSON_COMPACT);
			fprintf(stderr, "    %s %s\n",
			        side ? "C:  " : "Lua:", d ? d : "?");
			free(d);
		}
	}
}

/* ---- main -------------------------------------------------------------- */

static char *read_script(const char *name, size_t *len)
{
	char path[512], *src;
	snprintf(path, sizeof path, "%s/%s.lua", SHENLI_SCRIPTS_DIR, name);
	if (sl_file_read(path, 1 << 20, &src, len))
		die("cannot read a script");
	return src;
}

/* ---- the Lua runs ------------------------------------------------------ */

/* Run the five compiled scripts on one view, each in a fresh state,
 * appending to found; cut[s + 1] is the size of found after script s.
 * The seed of math.random is the case's index. 0 if the host failed. */
static int run_lua(sl_script *const *compiled, const json_t *view,
                   const json_t *rules, const sl_sandbox_limits *lim,
                   uint64_t index, json_t *found, size_t *cut, double *t_s)
{
	for (size_t s = 0; s < N_SCRIPTS; s++) {
		double a = t_s ? now() : 0;
		if (sl_sandbox_run_compiled(compiled[s], view, rules, lim,
		                            index, found, NULL))
			return 0;
		if (t_s)
			t_s[s] += now() - a;
		if (cut)
			cut[s + 1] = json_array_size(found);
	}
	return 1;
}

/* One of the two threads of the two-thread figure: every other case of
 * the batch, each script in a fresh state of its own, as above. */
typedef struct {
	sl_script *const *compiled;
	json_t *const *views;
	json_t **found; /* out: the findings of each case it ran */
	const json_t *rules;
	const sl_sandbox_limits *lim;
	long base, m;
	int first, failed;
} lua_thread;

static void *lua_thread_main(void *arg)
{
	lua_thread *t = arg;
	for (long k = t->first; k < t->m && !t->failed; k += 2) {
		t->found[k] = json_array();
		if (!t->found[k] ||
		    !run_lua(t->compiled, t->views[k], t->rules, t->lim,
		             (uint64_t)(t->base + k), t->found[k], NULL, NULL))
			t->failed = 1;
	}
	return NULL;
}

/* A parsed sample case with the host's fields: the view of case index. */
static json_t *make_view(uint64_t index, double *t_parse, int *fault_out)
{
	size_t len;
	sl_sample_fault fault;
	char *text = sl_sample_case(7, index, &len, &fault);
	if (!text)
		die("out of memory (sample)");
	*fault_out = fault != SL_FAULT_NONE;
	double t0 = now();
	json_t *view = json_loadb(text, len, 0, NULL);
	*t_parse += now() - t0;
	free(text);
	if (!view)
		die("a sample dossier does not parse");
	add_host_fields(view, index, fault);
	return view;
}

/* Cases are made and checked in batches, so that the two-thread figure
 * runs on the very views (and must give the very findings) of the
 * single-thread one. */
#define BATCH 500

int main(int argc, char **argv)
{
	long n = 100000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "--quick"))
			n = 2000;
		else {
			fprintf(stderr,
			        "usage: bench_scripts [--cases N] [--quick]\n");
			return 2;
		}
	}
	if (n < 1)
		n = 1;
	size_t rules_len;
	const char *rules_text = sl_rules_builtin(&rules_len);
	json_t *rules = json_loadb(rules_text, rules_len, 0, NULL);
	if (!rules)
		die("cannot parse the built-in rules");
	sl_script_src scripts[N_SCRIPTS];
	sl_script *compiled[N_SCRIPTS];
	double t_compile = now();
	for (size_t s = 0; s < N_SCRIPTS; s++) {
		scripts[s].name = checks[s].name;
		scripts[s].src = read_script(checks[s].name, &scripts[s].len);
		if (sl_script_compile(&scripts[s], &compiled[s]))
			die("cannot compile a script");
	}
	t_compile = now() - t_compile;
	static const char empty_src[] = "function check(case) end";
	const sl_script_src empty = {"empty", empty_src, sizeof empty_src - 1};
	sl_script *empty_c;
	if (sl_script_compile(&empty, &empty_c))
		die("cannot compile the empty script");
	sl_sandbox_limits lim;
	sl_sandbox_defaults(&lim);

	double t_parse = 0, t_lua = 0, t_c = 0, t_empty = 0, t_lua2 = 0;
	double t_src = 0, t_src_empty = 0;
	long n_src = n < 1000 ? n : 1000; /* cases also run uncompiled */
	double wall0 = now(), cpu0 = cpu_s();
	double t_lua_s[N_SCRIPTS] = {0}, t_c_s[N_SCRIPTS] = {0};
	long blockers_lua = 0, blockers_c = 0, mismatches = 0, faulty = 0;
	long findings_total = 0, review_faults = 0, differ_src = 0;
	long differ_2t = 0;
	json_t *views[BATCH], *found1[BATCH], *found2[BATCH];
	for (long base = 0; base < n; base += BATCH) {
		long m = n - base < BATCH ? n - base : BATCH;
		for (long k = 0; k < m; k++) {
			uint64_t i = (uint64_t)(base + k);
			int fault;
			views[k] = make_view(i, &t_parse, &fault);
			faulty += fault;
			review_faults += review_fault_of(i);
		}
		for (long k = 0; k < m; k++) {
			uint64_t i = (uint64_t)(base + k);
			json_t *view = views[k];
			json_t *lua = json_array(), *cf = json_array();
			size_t lcut[N_SCRIPTS + 1] = {0},
			                        ccut[N_SCRIPTS + 1] = {0};
			/* alternate which goes first, so neither always finds
			 * the view warm in the cache */
			for (int pass = 0; pass < 2; pass++) {
				if ((pass == 0) == (i % 2 == 0)) {
					double a = now();
					if (!run_lua(compiled, view, rules,
					             &lim, i, lua, lcut,
					             t_lua_s))
						die("the Lua host failed");
					t_lua += now() - a;
				} else {
					cx x = {.out = cf};
					for (size_t s = 0; s < N_SCRIPTS; s++) {
						x.who = checks[s].name;
						double a = now();
						checks[s].fn(&x, view, rules);
						double d = now() - a;
						t_c += d;
						t_c_s[s] += d;
						ccut[s + 1] =
						    json_array_size(cf);
					}
				}
			}
			/* the host's fixed cost: a fresh state, the case and
			 * the rules, a call that does nothing */
			json_t *none = json_array();
			double t0 = now();
			if (sl_sandbox_run_compiled(empty_c, view, rules, &lim,
			                            0, none, NULL))
				die("the Lua host failed");
			t_empty += now() - t0;
			if (json_array_size(none))
				die("the empty script reported a finding");
			/* the same uncompiled, on the first cases: what
			 * compiling once saves, and the same findings */
			if ((long)i < n_src) {
				json_t *src = json_array();
				t0 = now();
				for (size_t s = 0; s < N_SCRIPTS; s++)
					if (sl_sandbox_run(&scripts[s], view,
					                   rules, &lim, i, src,
					                   NULL))
						die("the Lua host failed");
				t_src += now() - t0;
				t0 = now();
				if (sl_sandbox_run(&empty, view, rules, &lim, 0,
				                   none, NULL))
					die("the Lua host failed");
				t_src_empty += now() - t0;
				differ_src += !json_equal(src, lua);
				json_decref(src);
			}
			json_decref(none);

			int differs = 0;
			for (size_t s = 0; s < N_SCRIPTS; s++) {
				size_t bl =
				    count_blockers(lua, lcut[s], lcut[s + 1]);
				size_t bc =
				    count_blockers(cf, ccut[s], ccut[s + 1]);
				blockers_lua += (long)bl;
				blockers_c += (long)bc;
				int same =
				    bl == bc && lcut[s + 1] - lcut[s] ==
				                    ccut[s + 1] - ccut[s];
				for (size_t q = 0;
				     same && q < lcut[s + 1] - lcut[s]; q++)
					same = same_finding(
					    json_array_get(lua, lcut[s] + q),
					    json_array_get(cf, ccut[s] + q));
				if (!same && mismatches + differs < 5)
					show_difference(i, checks[s].name, lua,
					                lcut[s], lcut[s + 1],
					                cf, ccut[s],
					                ccut[s + 1]);
				differs |= !same;
			}
			mismatches += differs;
			findings_total += (long)json_array_size(lua);
			found1[k] = lua;
			json_decref(cf);
		}

		/* two threads on the same batch, each case on one of them,
		 * every run in a fresh state of its own */
		lua_thread th[2];
		pthread_t tid[2];
		for (int t = 0; t < 2; t++)
			th[t] =
			    (lua_thread){compiled, views, found2, rules, &lim,
			                 base,     m,     t,      0};
		double a = now();
		for (int t = 0; t < 2; t++)
			if (pthread_create(&tid[t], NULL, lua_thread_main,
			                   &th[t]))
				die("cannot start a thread");
		for (int t = 0; t < 2; t++)
			pthread_join(tid[t], NULL);
		t_lua2 += now() - a;
		if (th[0].failed || th[1].failed)
			die("the Lua host failed in a thread");
		for (long k = 0; k < m; k++) {
			differ_2t += !json_equal(found1[k], found2[k]);
			json_decref(found1[k]);
			json_decref(found2[k]);
			json_decref(views[k]);
		}
	}

	double per_lua = n / t_lua, per_c = n / t_c;
	printf("shenli bench_scripts: %ld generated cases (%ld with a planted "
	       "fault, %ld with a review-stage fault), 5 gate scripts, "
	       "compiled once (%.0f us for the five), a fresh lua_State per "
	       "script per case\n",
	       n, faulty, review_faults, t_compile * 1e6);
	printf("  Lua, one thread (sl_sandbox_run_compiled, 5 scripts): "
	       "%.2f s: %.0f cases/s (target >= 5000), %.1f us per script "
	       "run\n",
	       t_lua, per_lua, t_lua / n / N_SCRIPTS * 1e6);
	printf("  Lua, two threads (cases split between them, same runs): "
	       "%.2f s: %.0f cases/s (%.2fx one thread)\n",
	       t_lua2, n / t_lua2, t_lua / t_lua2);
	printf("  C   (the same 5 checks, one thread): %.3f s: %.0f cases/s\n",
	       t_c, per_c);
	printf("  baseline, parsing the dossier JSON: %.3f s: %.1f us per "
	       "case\n",
	       t_parse, t_parse / n * 1e6);
	printf("  Lua/C, one thread each: the checks alone %.1fx (target <= "
	       "10x); end to end with the parse %.1fx\n",
	       t_lua / t_c, (t_parse + t_lua) / (t_parse + t_c));
	printf("  host floor, an empty check(): %.1f us per run (x5 = %.0f%% "
	       "of the Lua time)\n",
	       t_empty / n * 1e6, 100.0 * 5 * t_empty / t_lua);
	printf("  uncompiled (sl_sandbox_run), first %ld cases: %.1f us per "
	       "case for the 5 scripts (compiled: %.1f), %.1f us per empty "
	       "run\n",
	       n_src, t_src / n_src * 1e6, t_lua / n * 1e6,
	       t_src_empty / n_src * 1e6);
	printf("  per script, us per case (Lua / C):");
	for (size_t s = 0; s < N_SCRIPTS; s++)
		printf(" %s %.1f/%.2f", checks[s].name + 5,
		       t_lua_s[s] / n * 1e6, t_c_s[s] / n * 1e6);
	printf("\n  findings: %ld (Lua); blockers: %ld Lua, %ld C; cases "
	       "where Lua and C differ: %ld; where compiled and uncompiled "
	       "differ: %ld; where two threads and one differ: %ld\n",
	       findings_total, blockers_lua, blockers_c, mismatches, differ_src,
	       differ_2t);
	double wall = now() - wall0, cpu = cpu_s() - cpu0;
	printf(
	    "  peak RSS: %ld KiB; this process had %.0f%% of a core over the "
	    "run (%.1f s CPU in %.1f s; with the two-thread part up to "
	    "~%.0f%% is expected: below that, the machine was busy and "
	    "every figure is that much slower)\n",
	    rss_kib(), 100 * cpu / wall, cpu, wall,
	    95 * (wall + t_lua2) / wall);
	for (size_t s = 0; s < N_SCRIPTS; s++) {
		sl_script_free(compiled[s]);
		free((char *)scripts[s].src);
	}
	sl_script_free(empty_c);
	json_decref(rules);
	return mismatches || blockers_lua != blockers_c || differ_src ||
	               differ_2t
	           ? 1
	           : 0;
}
