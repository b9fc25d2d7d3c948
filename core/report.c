/* report.c - the review report (审理报告). See report.h. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedoc.h"
#include "doc.h"
#include "returnletter.h"
#include "zhtext.h"

#define str sl_casedoc_str

static void put_date(sl_doc *d, const char *iso)
{
	char b[64];
	sl_casedoc_date(iso, b, sizeof b);
	sl_doc_put(d, b);
}

static void put_person(sl_doc *d, const sl_casedoc *src, const char *id,
                       const char *role)
{
	char b[256];
	sl_casedoc_person(src, id, role, b, sizeof b);
	sl_doc_put(d, b);
}

/* The team: names where recorded; else how many of each role. */
static void put_team(sl_doc *d, const sl_casedoc *src)
{
	const json_t *team = json_object_get(src->view, "team");
	size_t i, named = 0, n[3] = {0};
	json_t *m;
	json_array_foreach(team, i, m)
	{
		const char *r = str(m, "role");
		named += str(m, "name") && *str(m, "name");
		n[r && !strcmp(r, "leader")       ? 0
		  : r && !strcmp(r, "specialist") ? 2
		                                  : 1]++;
	}
	if (!json_array_size(team)) {
		sl_doc_put(d, "尚未组成");
		return;
	}
	if (named) {
		json_array_foreach(team, i, m)
		{
			if (i)
				sl_doc_put(d, "、");
			/* one without a recorded name is named by the role
			 * alone: "组员", not "组员（组员）" */
			char b[256];
			const char *role = sl_casedoc_role(str(m, "role"));
			sl_casedoc_person(src, str(m, "id"), str(m, "role"), b,
			                  sizeof b);
			sl_doc_put(d, b);
			if (strcmp(b, role)) {
				sl_doc_put(d, "（");
				sl_doc_put(d, role);
				sl_doc_put(d, "）");
			}
		}
		return;
	}
	static const char *const R[] = {"组长", "组员", "机动组员"};
	int first = 1;
	for (int r = 0; r < 3; r++) {
		if (!n[r])
			continue;
		char num[40];
		sl_zh_number((int)n[r], num, sizeof num);
		sl_doc_putf(d, "%s%s%s名", first ? "" : "、", R[r], num);
		first = 0;
	}
}

static void sec_opening(sl_doc *d, const sl_casedoc *src)
{
	const json_t *v = src->view;
	const char *name = str(json_object_get(v, "subject"), "name");
	sl_doc_para(d);
	sl_doc_put(d, sl_casedoc_agency(src));
	sl_doc_put(d, "于");
	put_date(d, str(v, "transferred_on"));
	sl_doc_put(d, "将");
	sl_doc_put(d, name);
	sl_doc_put(d, "涉嫌违纪一案移送审理。");
	sl_doc_put(d, src->panel);
	if (str(v, "accepted_on")) {
		sl_doc_put(d, "于");
		put_date(d, str(v, "accepted_on"));
		sl_doc_put(d, "受理，");
	} else {
		sl_doc_put(d, "尚未受理，");
	}
	if (json_array_size(json_object_get(src->view, "team"))) {
		sl_doc_put(d, "审理组由");
		put_team(d, src);
		sl_doc_put(d, "组成。");
	} else { /* not "审理组由尚未组成组成" */
		sl_doc_put(d, "审理组尚未组成。");
	}
	sl_doc_put(d, "现将审理情况报告如下：");
}

/* Whether level is a sanction on the rules' ladder of its system ("party"
 * or "gov"): 诫勉 or a 组织处理 measure recorded among the prior sanctions
 * is not one (the classification check's prior_not_a_sanction). */
static int on_ladder(const json_t *rules, const char *sys, const char *level)
{
	const json_t *ladder =
	    json_object_get(json_object_get(rules, "sanction_ladders"),
	                    sys && !strcmp(sys, "gov") ? "gov" : "party");
	size_t i;
	const json_t *r;
	if (!level || (sys && strcmp(sys, "gov") && strcmp(sys, "party")))
		return 0;
	json_array_foreach(ladder, i, r)
	{
		const char *name =
		    json_string_value(json_object_get(r, "name"));
		if (name && !strcmp(name, level))
			return 1;
	}
	return 0;
}

static void sec_subject(sl_doc *d, const sl_casedoc *src)
{
	const json_t *subj = json_object_get(src->view, "subject");
	sl_doc_h1(d, "被审查调查人基本情况");
	sl_doc_para(d);
	sl_doc_put(d, str(subj, "name"));
	sl_doc_put(d, "，");
	sl_doc_put(d, json_is_true(json_object_get(subj, "party_member"))
	                  ? "中共党员"
	                  : "非中共党员");
	if (str(subj, "position")) {
		sl_doc_put(d, "，");
		sl_doc_put(d, str(subj, "position"));
	}
	if (str(subj, "rank")) {
		sl_doc_put(d, "（");
		sl_doc_put(d, str(subj, "rank"));
		sl_doc_put(d, "）");
	}
	sl_doc_put(d, json_is_true(json_object_get(subj, "public_official"))
	                  ? "，系公职人员。"
	                  : "，非公职人员。");
	json_t *prior = json_object_get(subj, "prior_sanctions");
	const json_t *rules = sl_rules_json(src->rules);
	json_t *several = json_object_get(
	    json_object_get(rules, "sanction_policy"), "several_sanctions");
	size_t n = json_array_size(prior), i, counted = 0;
	json_t *p;
	sl_doc_para(d);
	sl_doc_put(d, "既往处分：");
	if (!n)
		sl_doc_put(d, "无");
	json_array_foreach(prior, i, p)
	{
		const char *sys = str(p, "system"), *level = str(p, "level");
		int is_sanction = on_ladder(rules, sys, level);
		counted += is_sanction;
		if (i)
			sl_doc_put(d, "；");
		if (str(p, "decided_on")) {
			put_date(d, str(p, "decided_on"));
			sl_doc_put(d, "受");
		} else {
			sl_doc_put(d, "（日期不详）受");
		}
		if (!is_sanction) {
			/* 诫勉 or a 组织处理 measure: shown as what it is, not
			 * called a 处分 nor counted as one, as the check does
			 */
			sl_doc_put(d, level);
			sl_doc_put(d, "（不属党纪处分或政务处分）");
			continue;
		}
		sl_doc_put(d, sys && !strcmp(sys, "gov") ? "政务" : "党纪");
		sl_doc_put(d, level);
		sl_doc_put(d, "处分");
	}
	sl_doc_put(d, "。");
	/* seed 003: a subject carrying several sanctions must be visible */
	if (json_is_integer(several) && counted > 0 &&
	    (json_int_t)counted >= json_integer_value(several)) {
		char num[40];
		sl_zh_number((int)counted, num, sizeof num);
		sl_doc_em(d, "受过多次处分");
		sl_doc_putf(d, "（共%s次）。", num);
	}
}

static void sec_investigation(sl_doc *d, const sl_casedoc *src)
{
	const json_t *v = src->view;
	sl_doc_h1(d, "审查调查概况");
	sl_doc_para(d);
	sl_doc_put(d, "移送单位：");
	sl_doc_put(d, sl_casedoc_agency(src));
	sl_doc_put(d, "；审理片区：");
	sl_doc_put(d, src->zone_name ? src->zone_name : "—");
	sl_doc_put(d, "；移送审理日期：");
	put_date(d, str(v, "transferred_on"));
	sl_doc_put(d, "；受理日期：");
	put_date(d, str(v, "accepted_on"));
	sl_doc_put(d, "；案件状态：");
	sl_doc_put(d, sl_casedoc_state(str(v, "state")));
	sl_doc_put(d, "。");
	sl_doc_para(d);
	sl_doc_putf(d,
	            "卷宗共有违纪事实%zu项、证据材料%zu份、程序文书%zu份，"
	            "程序文书如下表。",
	            json_array_size(json_object_get(v, "facts")),
	            json_array_size(json_object_get(v, "evidence")),
	            json_array_size(json_object_get(v, "documents")));
	static const char *const H[] = {"程序文书", "日期"};
	static const double W[] = {3, 1.3};
	sl_doc_table(d, 2, H, W);
	size_t i;
	json_t *doc_;
	char date[64];
	json_array_foreach(json_object_get(v, "documents"), i, doc_)
	{
		sl_casedoc_date(str(doc_, "date"), date, sizeof date);
		const char *row[] = {
		    sl_casedoc_doc_kind(src, str(doc_, "kind")), date};
		sl_doc_rowv(d, row);
	}
}

static const char *const EV_H[] = {"证据编号", "种类", "名称", "取得日期",
                                   "来源"};
static const double EV_W[] = {1, 1.4, 2.6, 1.3, 1.3};

/* A row of an evidence table; ev NULL: the dossier has no item id. */
static void evidence_row(sl_doc *d, const sl_casedoc *src, const char *id,
                         const json_t *ev)
{
	char buf[64];
	sl_casedoc_date(str(ev, "obtained_on"), buf, sizeof buf);
	const char *row[] = {id,
	                     ev ? sl_casedoc_evidence_kind(src, str(ev, "kind"))
	                        : "卷中无此证据",
	                     str(ev, "title"), ev ? buf : NULL,
	                     str(ev, "source")};
	sl_doc_rowv(d, row);
}

/* The evidence no fact cites, in the order of the dossier: the count of
 * section 二 covers every item, so every item is listed somewhere. */
static void uncited_evidence(sl_doc *d, const sl_casedoc *src)
{
	json_t *cited = json_object(), *f, *e;
	size_t i, k, shown = 0;
	json_array_foreach(json_object_get(src->view, "facts"), i, f)
	{
		json_array_foreach(json_object_get(f, "evidence"), k, e)
		{
			if (json_is_string(e))
				json_object_set(cited, json_string_value(e),
				                json_true());
		}
	}
	json_array_foreach(json_object_get(src->view, "evidence"), i, e)
	{
		const char *id = str(e, "id");
		if (id && json_object_get(cited, id))
			continue;
		if (!shown++) {
			sl_doc_h2(d, "未被违纪事实引用的证据材料");
			sl_doc_table(d, 5, EV_H, EV_W);
		}
		evidence_row(d, src, id, e);
	}
	json_decref(cited);
}

static void sec_facts(sl_doc *d, const sl_casedoc *src)
{
	const json_t *v = src->view;
	sl_doc_h1(d, "审理查明的事实");
	size_t i, k;
	json_t *f, *e;
	char buf[128];
	json_array_foreach(json_object_get(v, "facts"), i, f)
	{
		char head[512];
		snprintf(head, sizeof head, "%s（事实%s）",
		         sl_casedoc_violation(src, str(f, "violation")),
		         str(f, "id") ? str(f, "id") : "—");
		sl_doc_h2(d, head);
		sl_doc_paras(d, str(f, "summary"));
		if (str(f, "from") || str(f, "to")) {
			sl_doc_para(d);
			sl_doc_put(d, "时间：");
			put_date(d, str(f, "from"));
			sl_doc_put(d, "至");
			put_date(d, str(f, "to"));
			sl_doc_put(d, "。");
		}
		json_t *amt = json_object_get(f, "amount_yuan");
		if (json_is_number(amt)) {
			sl_zh_amount(json_number_value(amt), buf, sizeof buf);
			sl_doc_para(d);
			sl_doc_put(d, "涉及金额：");
			sl_doc_put(d, buf);
			if (json_is_true(json_object_get(f, "in_kind")))
				sl_doc_put(d, "（财物折价）");
			sl_doc_put(d, "。");
		}
		if (str(f, "use")) {
			sl_doc_para(d);
			sl_doc_put(d, "所称资金用途：");
			sl_doc_put(d, str(f, "use"));
		}
		sl_doc_table(d, 5, EV_H, EV_W);
		json_array_foreach(json_object_get(f, "evidence"), k, e)
		{
			const char *id = json_string_value(e);
			evidence_row(d, src, id,
			             id ? json_object_get(src->evidence, id)
			                : NULL);
		}
	}
	uncited_evidence(d, src);
}

/* Whether a violation the rules leave to the use of the money (eight_point
 * < 0) broke the eight-point rules in this case: the classification's
 * basis (the panel's opinion, else the proposal) says so for the whole
 * case. Said no: no violation did. Said yes, and this is the one
 * violation of the case that may have (none other always does, none
 * other depends too): this one did. Otherwise the table cannot tell. */
static const char *depends_said(const sl_casedoc *src, const json_t *basis,
                                const json_t *order)
{
	const json_t *ep = json_object_get(basis, "eight_point_rules");
	if (json_is_false(ep))
		return "否";
	if (!json_is_true(ep))
		return "视资金用途认定";
	size_t i, n = 0;
	json_t *c;
	json_array_foreach(order, i, c)
	{
		const sl_violation *vi =
		    sl_rules_violation(src->rules, json_string_value(c));
		if (vi && vi->eight_point != 0 && ++n > 1)
			return "视资金用途认定";
	}
	return "是";
}

/* Each violation once, in the order of its first fact, with the facts
 * that make it up: one pass over the facts (a map from the violation to
 * its facts), not a rescan per fact. basis: the opinion the section
 * classifies by. */
static void violations_table(sl_doc *d, const sl_casedoc *src,
                             const json_t *basis)
{
	json_t *facts = json_object_get(src->view, "facts"), *f;
	json_t *by = json_object(), *order = json_array();
	size_t i;
	json_array_foreach(facts, i, f)
	{
		const char *code = str(f, "violation"), *id = str(f, "id");
		if (!code || !id)
			continue;
		json_t *ids = json_object_get(by, code);
		if (!ids) {
			json_object_set_new(by, code, ids = json_array());
			json_array_append_new(order, json_string(code));
		}
		json_array_append_new(ids, json_string(id));
	}
	static const char *const H[] = {"违纪行为", "涉及事实", "所属纪律",
	                                "违反中央八项规定精神"};
	static const double W[] = {2.4, 2, 1.2, 1.4};
	sl_doc_table(d, 4, H, W);
	json_t *c;
	json_array_foreach(order, i, c)
	{
		const char *code = json_string_value(c);
		const sl_violation *vi = sl_rules_violation(src->rules, code);
		sl_doc_row(d);
		sl_doc_cell(d);
		sl_doc_put(d, sl_casedoc_violation(src, code));
		sl_doc_cell(d);
		size_t k;
		json_t *id;
		json_array_foreach(json_object_get(by, code), k, id)
		{
			if (k)
				sl_doc_put(d, "、");
			sl_doc_put(d, json_string_value(id));
		}
		sl_doc_cell(d);
		sl_doc_put(d, vi ? sl_casedoc_discipline(vi->discipline) : "—");
		sl_doc_cell(d);
		/* a violation the rules always count as eight-point, in a
		 * case whose basis says none was (seed 002's office space
		 * classified as integrity alone): the table says what the
		 * rules hold and that the basis did not, never just 是
		 * under a line that says 否 */
		int unsaid =
		    json_is_false(json_object_get(basis, "eight_point_rules"));
		sl_doc_put(d, !vi ? "—"
		              : vi->eight_point > 0
		                  ? (unsaid ? "是（按规则应认定；依据未予认定）"
		                            : "是")
		              : vi->eight_point == 0
		                  ? "否"
		                  : depends_said(src, basis, order));
	}
	json_decref(by);
	json_decref(order);
}

static void sec_classification(sl_doc *d, const sl_casedoc *src)
{
	const json_t *panel = sl_casedoc_panel_opinion(src);
	sl_doc_h1(d, "定性处理");
	sl_doc_para(d);
	sl_doc_put(d, "依据：");
	if (panel) {
		sl_doc_put(d, "审理组集体审议意见（");
		put_date(d, str(panel, "recorded_on"));
		sl_doc_put(d, "）。");
	} else {
		sl_doc_put(d, "尚未集体审议，暂列移送单位建议。");
	}
	const json_t *basis =
	    panel ? panel : json_object_get(src->view, "proposal");
	violations_table(d, src, basis);
	sl_casedoc_classification(src, d, basis);
	sl_doc_para(d);
	sl_doc_put(d, "涉案财物处置：");
	sl_doc_put(d, panel && str(panel, "property")
	                  ? str(panel, "property")
	                  : (panel ? "审理组意见未载明。" : "待集体审议。"));
}

static void sec_proposal(sl_doc *d, const sl_casedoc *src)
{
	sl_doc_h1(d, "移送单位意见");
	sl_casedoc_classification(src, d,
	                          json_object_get(src->view, "proposal"));
}

static void sec_opinions(sl_doc *d, const sl_casedoc *src)
{
	const json_t *v = src->view, *panel = sl_casedoc_panel_opinion(src);
	size_t i;
	json_t *o, *x;
	sl_doc_h1(d, "审理组意见");
	if (panel) {
		sl_doc_h2(d, "集体审议意见");
		sl_doc_para(d);
		sl_doc_put(d, "审理组于");
		put_date(d, str(panel, "recorded_on"));
		sl_doc_put(d, "集体审议，记录人：");
		put_person(d, src, str(panel, "author"),
		           str(panel, "author_role"));
		sl_doc_put(d, "。意见如下：");
		sl_casedoc_classification(src, d, panel);
		sl_doc_para(d);
		sl_doc_put(d, "审理意见：");
		sl_doc_paras(d, str(panel, "reasoning"));
		json_t *dis = json_object_get(panel, "dissent");
		sl_doc_para(d);
		if (!json_array_size(dis)) {
			sl_doc_put(d, "不同意见：无。");
		} else {
			sl_doc_put(d, "不同意见如下表。");
			static const char *const H[] = {"持不同意见者", "意见"};
			static const double W[] = {1, 3};
			sl_doc_table(d, 2, H, W);
			json_array_foreach(dis, i, x)
			{
				sl_doc_row(d);
				sl_doc_cell(d);
				put_person(d, src, str(x, "member"), NULL);
				sl_doc_cell(d);
				sl_doc_put(d, str(x, "text"));
			}
		}
	} else {
		sl_doc_para(d);
		sl_doc_put(d, "尚未集体审议。");
	}
	sl_doc_h2(d, "审理组成员个人意见");
	static const char *const H[] = {"审理人员", "违反纪律", "党纪处分",
	                                "政务处分", "形态",     "记录日期"};
	static const double W[] = {1.3, 1.8, 1.1, 1.1, 1, 1.4};
	sl_doc_table(d, 6, H, W);
	json_array_foreach(json_object_get(v, "opinions"), i, o)
	{
		if (json_is_true(json_object_get(o, "panel")))
			continue;
		sl_doc_row(d);
		sl_doc_cell(d);
		put_person(d, src, str(o, "author"), str(o, "author_role"));
		sl_doc_cell(d);
		size_t k;
		json_t *dz;
		json_array_foreach(json_object_get(o, "disciplines"), k, dz)
		{
			if (k)
				sl_doc_put(d, "、");
			sl_doc_put(
			    d, sl_casedoc_discipline(json_string_value(dz)));
		}
		if (json_is_true(json_object_get(o, "eight_point_rules")))
			sl_doc_put(d, "；违反中央八项规定精神");
		sl_doc_cell(d);
		sl_doc_put(d, str(o, "party_sanction")
		                  ? str(o, "party_sanction")
		                  : "无");
		sl_doc_cell(d);
		sl_doc_put(d, str(o, "gov_sanction") ? str(o, "gov_sanction")
		                                     : "无");
		sl_doc_cell(d);
		char num[40];
		sl_zh_number(
		    (int)json_integer_value(json_object_get(o, "form")), num,
		    sizeof num);
		sl_doc_putf(d, "第%s种形态", num);
		sl_doc_cell(d);
		put_date(d, str(o, "recorded_on"));
	}
	json_array_foreach(json_object_get(v, "opinions"), i, o)
	{
		if (json_is_true(json_object_get(o, "panel")))
			continue;
		sl_doc_para(d);
		put_person(d, src, str(o, "author"), str(o, "author_role"));
		sl_doc_put(d, "的意见理由：");
		sl_doc_put(d, str(o, "reasoning"));
	}
	/* kept in the record, but no longer in force */
	json_array_foreach(json_object_get(v, "opinions_reassigned"), i, o)
	{
		sl_doc_para(d);
		put_person(d, src, str(o, "author"), str(o, "author_role"));
		sl_doc_put(d, "于");
		put_date(d, str(o, "recorded_on"));
		sl_doc_put(
		    d, "发表的意见，因审理组调整已撤回，不计入审理组意见。");
	}
}

/* The last copy of each carried item: "r.no" of the return that first
 * listed it -> {r, no} of the latest return that lists it, where it was
 * answered or withdrawn (an answer or a withdrawal marks every copy).
 * Built once for the whole report. */
static json_t *last_copies(const json_t *returns)
{
	json_t *m = json_object(), *ret, *it;
	size_t i, k;
	json_array_foreach(returns, i, ret)
	{
		json_array_foreach(json_object_get(ret, "items"), k, it)
		{
			const char *cf = str(it, "carried_from");
			if (cf)
				json_object_set_new(
				    m, cf,
				    json_pack(
				        "{s:I, s:I}", "r",
				        json_integer_value(
				            json_object_get(ret, "return_no")),
				        "no",
				        json_integer_value(
				            json_object_get(it, "no"))));
		}
	}
	return m;
}

static int by_bytes(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "CHECK/CODE|ref,ref" (refs sorted): a finding as the outline item drawn
 * from it names it, the key scripts/gate_findings.lua matches them by. */
static void finding_key(const char *source, const json_t *refs, char *out,
                        size_t cap)
{
	const char *r[64];
	size_t n = 0, i, at;
	json_t *x;
	json_array_foreach(refs, i, x)
	{
		if (json_is_string(x) && n < 64)
			r[n++] = json_string_value(x);
	}
	qsort(r, n, sizeof *r, by_bytes);
	at = (size_t)snprintf(out, cap, "%s|", source);
	for (i = 0; i < n && at < cap; i++)
		at += (size_t)snprintf(out + at, cap - at, "%s%s", i ? "," : "",
		                       r[i]);
}

/* The findings the outline settled, as gate_findings.lua decides it: a
 * finding is settled when a copy of the item drawn from it was withdrawn
 * with a reason; one whose item was answered but which the checks still
 * find is not. key -> {r, no, reason} of the copy withdrawn, under
 * "withdrawn", or of the copy answered, under "answered". */
static json_t *settled_findings(const json_t *returns)
{
	json_t *items = json_object(), *ret, *it;
	json_t *m = json_pack("{s:{}, s:{}}", "withdrawn", "answered");
	size_t i, k;
	char key[1024], rn[32];
	json_array_foreach(returns, i, ret)
	{
		json_int_t r =
		    json_integer_value(json_object_get(ret, "return_no"));
		json_array_foreach(json_object_get(ret, "items"), k, it)
		{
			json_int_t no =
			    json_integer_value(json_object_get(it, "no"));
			snprintf(rn, sizeof rn, "%lld.%lld", (long long)r,
			         (long long)no);
			json_object_set(items, rn, it);
			const json_t *origin = it,
			             *w = json_object_get(it, "withdrawn");
			const char *src = str(it, "source");
			if (src && !strcmp(src, "carried"))
				origin = json_object_get(
				    items, str(it, "carried_from")
				               ? str(it, "carried_from")
				               : "");
			if (!origin || !str(origin, "source"))
				continue;
			finding_key(str(origin, "source"),
			            json_object_get(origin, "refs"), key,
			            sizeof key);
			const char *how = NULL;
			if (json_is_object(w) && str(w, "reason") &&
			    *str(w, "reason"))
				how = "withdrawn";
			else if (json_is_true(json_object_get(it, "answered")))
				how = "answered";
			if (how)
				json_object_set_new(
				    json_object_get(m, how), key,
				    json_pack("{s:I, s:I, s:s?}", "r", r, "no",
				              no, "reason", str(w, "reason")));
		}
	}
	json_decref(items);
	return m;
}

/* The key of a finding of a check run, as finding_key makes it (a finding
 * on no fact or evidence is keyed by its standard). */
static void key_of_finding(const json_t *f, char *key, size_t cap)
{
	char src[256];
	snprintf(src, sizeof src, "%s/%s",
	         str(f, "check") ? str(f, "check") : "?",
	         str(f, "code") ? str(f, "code") : "?");
	const json_t *refs = json_object_get(f, "refs");
	json_t *std = json_pack("[s?]", str(f, "standard"));
	finding_key(src, json_array_size(refs) ? refs : std, key, cap);
	json_decref(std);
}

/* Whether the last check run still finds the finding of key. */
static int still_found(const json_t *cur, const char *key)
{
	size_t i;
	json_t *f;
	char k[1024];
	json_array_foreach(cur, i, f)
	{
		key_of_finding(f, k, sizeof k);
		if (!strcmp(k, key))
			return 1;
	}
	return 0;
}

/* What became of the finding item (item no of return r) was drawn from:
 * an answer settles it only if the checks no longer find it (an answer
 * that does not is said as such); a withdrawal, of this item or of the
 * item a later return drew from the same finding, settles it. */
static void put_resolution(sl_doc *d, const json_t *last, int r, int no,
                           const json_t *item, const json_t *cur,
                           const json_t *settled)
{
	char from[32], key[1024];
	snprintf(from, sizeof from, "%d.%d", r, no);
	const json_t *at = json_object_get(last, from);
	int ar = at ? (int)json_integer_value(json_object_get(at, "r")) : r;
	int ano = at ? (int)json_integer_value(json_object_get(at, "no")) : no;
	const json_t *w = json_object_get(item, "withdrawn");
	finding_key(str(item, "source"), json_object_get(item, "refs"), key,
	            sizeof key);
	const json_t *later =
	    json_object_get(json_object_get(settled, "withdrawn"), key);
	int answered = json_is_true(json_object_get(item, "answered"));
	if (answered && !still_found(cur, key)) {
		sl_doc_putf(d, "已通过第%d次退回第%d项补查解决", ar, ano);
		return;
	}
	if (answered)
		sl_doc_putf(d, "第%d次退回第%d项已补查，但检查仍发现该问题；",
		            ar, ano);
	if (!answered && json_is_object(w))
		sl_doc_putf(d, "已随第%d次退回第%d项撤回（理由：%s）", ar, ano,
		            str(w, "reason") ? str(w, "reason") : "");
	else if (later)
		sl_doc_putf(
		    d, "已随第%lld次退回第%lld项撤回（理由：%s）",
		    (long long)json_integer_value(json_object_get(later, "r")),
		    (long long)json_integer_value(json_object_get(later, "no")),
		    str(later, "reason") ? str(later, "reason") : "");
	else if (answered)
		sl_doc_put(d, "仍未解决");
	else
		sl_doc_putf(d, "仍未解决（第%d次退回第%d项尚未补查）", ar, ano);
}

/* What became of a finding of the last check run: settled by a withdrawn
 * item, answered but still found, or open. */
static void put_finding_state(sl_doc *d, const json_t *settled, const json_t *f)
{
	const char *sev = str(f, "severity");
	int blocker = sev && !strcmp(sev, "blocker");
	char key[1024];
	key_of_finding(f, key, sizeof key);
	const json_t *w =
	    json_object_get(json_object_get(settled, "withdrawn"), key);
	const json_t *a =
	    json_object_get(json_object_get(settled, "answered"), key);
	if (w) {
		sl_doc_putf(
		    d, "已随第%lld次退回第%lld项撤回（理由：%s）",
		    (long long)json_integer_value(json_object_get(w, "r")),
		    (long long)json_integer_value(json_object_get(w, "no")),
		    str(w, "reason") ? str(w, "reason") : "");
		return;
	}
	if (a)
		sl_doc_putf(
		    d, "第%lld次退回第%lld项已补查，但检查仍发现该问题；",
		    (long long)json_integer_value(json_object_get(a, "r")),
		    (long long)json_integer_value(json_object_get(a, "no")));
	sl_doc_put(d,
	           blocker ? "仍未解决（阻断签发）" : "现存，提请审理组注意");
}

/* The findings that went into an outline: an item whose source is
 * "check/code" came from a check's finding (a carried copy is "carried",
 * so each is listed once, at the return that first listed it). */
static void outlined_findings(sl_doc *d, const sl_casedoc *src)
{
	const json_t *returns = json_object_get(src->view, "returns");
	size_t i, k, shown = 0;
	json_t *ret, *it;
	json_t *last = last_copies(returns);
	json_t *settled = settled_findings(returns);
	const json_t *cur = json_object_get(src->view, "findings");
	static const char *const H[] = {"补查事项", "涉及", "处理情况"};
	static const double W[] = {3, 1.2, 2};
	json_array_foreach(returns, i, ret)
	{
		json_array_foreach(json_object_get(ret, "items"), k, it)
		{
			const char *source = str(it, "source");
			if (!source || !strchr(source, '/'))
				continue;
			if (!shown++) {
				sl_doc_h2(d, "经退回补查处理的审查发现");
				sl_doc_table(d, 3, H, W);
			}
			sl_doc_row(d);
			sl_doc_cell(d);
			sl_doc_put(d, str(it, "text"));
			sl_doc_cell(d);
			sl_outline_refs(src, d, json_object_get(it, "refs"));
			sl_doc_cell(d);
			put_resolution(
			    d, last,
			    (int)json_integer_value(
			        json_object_get(ret, "return_no")),
			    (int)json_integer_value(json_object_get(it, "no")),
			    it, cur, settled);
		}
	}
	json_decref(settled);
	json_decref(last);
}

static void sec_findings(sl_doc *d, const sl_casedoc *src)
{
	const json_t *v = src->view;
	size_t i;
	json_t *f;
	sl_doc_h1(d, "审查发现及处理情况");
	outlined_findings(d, src);
	/* the findings of the last check run, on the dossier as it is now */
	json_t *cur = json_object_get(v, "findings");
	sl_doc_h2(d, "最近一次检查的审查发现");
	if (!json_is_true(json_object_get(v, "checked"))) {
		sl_doc_para(d);
		sl_doc_put(d,
		           "注意：现有卷宗尚未经检查（或检查后卷宗已更新）。");
	}
	if (!json_array_size(cur)) {
		sl_doc_para(d);
		sl_doc_put(d, "无。");
		return;
	}
	static const char *const H2[] = {"等级", "类别", "说明", "涉及",
	                                 "处理情况"};
	static const double W2[] = {0.8, 0.8, 3.2, 1.2, 1.6};
	sl_doc_table(d, 5, H2, W2);
	json_t *settled = settled_findings(json_object_get(v, "returns"));
	json_array_foreach(cur, i, f)
	{
		sl_doc_row(d);
		sl_doc_cell(d);
		sl_doc_put(d, sl_casedoc_severity(str(f, "severity")));
		sl_doc_cell(d);
		sl_doc_put(d, sl_casedoc_standard(str(f, "standard")));
		sl_doc_cell(d);
		sl_doc_put(d, str(f, "message"));
		sl_doc_cell(d);
		sl_outline_refs(src, d, json_object_get(f, "refs"));
		sl_doc_cell(d);
		put_finding_state(d, settled, f);
	}
	json_decref(settled);
}

static void sec_returns(sl_doc *d, const sl_casedoc *src)
{
	const json_t *returns = json_object_get(src->view, "returns");
	sl_doc_h1(d, "退回补查情况");
	if (!json_array_size(returns)) {
		sl_doc_para(d);
		sl_doc_put(d, "本案未退回补查。");
		return;
	}
	size_t i, k;
	json_t *ret, *it;
	json_array_foreach(returns, i, ret)
	{
		char head[128];
		snprintf(head, sizeof head, "第%lld次退回（%s）",
		         (long long)json_integer_value(
		             json_object_get(ret, "return_no")),
		         sl_casedoc_return_kind(str(ret, "kind")));
		sl_doc_h2(d, head);
		sl_doc_para(d);
		sl_doc_put(d, "退回日期：");
		put_date(d, str(ret, "returned_on"));
		sl_doc_put(d, "；重新移送日期：");
		if (str(ret, "resubmitted_on"))
			put_date(d, str(ret, "resubmitted_on"));
		else
			sl_doc_put(d, "尚未重新移送");
		sl_doc_put(d, "。");
		static const char *const H[] = {"序号", "补查事项", "涉及",
		                                "状态"};
		static const double W[] = {0.6, 3.2, 1.2, 2};
		sl_doc_table(d, 4, H, W);
		/* as the return's letter shows its items (returnletter.h) */
		json_array_foreach(json_object_get(ret, "items"), k, it)
		{
			sl_doc_row(d);
			sl_doc_cell(d);
			sl_doc_putf(d, "%lld",
			            (long long)json_integer_value(
			                json_object_get(it, "no")));
			sl_doc_cell(d);
			sl_outline_item_text(d, it);
			sl_doc_cell(d);
			sl_outline_refs(src, d, json_object_get(it, "refs"));
			sl_doc_cell(d);
			sl_outline_item_state(src, d, ret, it);
		}
	}
}

sl_rc sl_report(sl_store *s, const char *case_id, const char *format,
                const sl_doctemplate *tpl, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (!sl_casedoc_format_ok(format))
		return sl_error(SL_EINPUT,
		                _("unknown format '%s': md, html or pdf"),
		                format ? format : "");
	sl_casedoc src;
	sl_rc rc = sl_casedoc_load(s, case_id, tpl, &src);
	if (rc)
		return rc;
	sl_doc *d = sl_doc_new();
	if (!d) {
		sl_casedoc_free(&src);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	const char *name = str(json_object_get(src.view, "subject"), "name");
	char title[512];
	snprintf(title, sizeof title, "关于%s案的审理报告", name ? name : "");
	sl_casedoc_frame(&src, d, SL_DOCKIND_REPORT, title,
	                 str(src.view, "today"), NULL);
	const char *state = str(src.view, "state");
	if (!state || strcmp(state, "signed_off"))
		sl_doc_set(d, SL_DOC_SUBTITLE,
		           "（草稿：本案尚未签发，内容可能变化）");
	sec_opening(d, &src);
	sec_subject(d, &src);
	sec_investigation(d, &src);
	sec_facts(d, &src);
	sec_classification(d, &src);
	sec_proposal(d, &src);
	sec_opinions(d, &src);
	sec_findings(d, &src);
	sec_returns(d, &src);
	sl_casedoc_annex_verify(&src, d, 0);
	sl_casedoc_free(&src);
	rc = sl_casedoc_render(d, format, out, len);
	sl_doc_free(d);
	return rc;
}
