/* report.c - the review report and the outline document. See report.h. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "policy.h"
#include "rules.h"
#include "signoff.h"

/* ---- the document: markup is ours, every text is escaped -------------- */

/* Only the helpers below write markup, and only constant markup; all text
 * goes through put()/putf(), which escape it for the format. So nothing
 * from the case (or the rules) can add markup, however it is spelt. */
typedef struct {
	char *p;
	size_t n, cap;
	int html, oom;
} doc;

static void raw(doc *d, const char *s, size_t n)
{
	if (d->oom)
		return;
	if (d->n + n + 1 > d->cap) {
		size_t nc = d->cap ? d->cap : 4096;
		while (d->n + n + 1 > nc)
			nc *= 2;
		char *np = realloc(d->p, nc);
		if (!np) {
			d->oom = 1;
			return;
		}
		d->p = np;
		d->cap = nc;
	}
	memcpy(d->p + d->n, s, n);
	d->n += n;
	d->p[d->n] = 0;
}

/* Constant markup, one spelling per format. */
static void mark(doc *d, const char *md, const char *html)
{
	const char *m = d->html ? html : md;
	raw(d, m, strlen(m));
}

/* Text. HTML: the five special characters become entities. Markdown: line
 * breaks become spaces, so that a value can never begin a line of its own
 * (no heading, list, quote or table row out of a "# " or "- " in the
 * case); and characters that make inline markup, HTML or table cells
 * ("|") are backslash-escaped, which Markdown renders as the character. */
static void put(doc *d, const char *s)
{
	if (!s)
		s = "—";
	for (const char *p = s; *p; p++) {
		const char *e = NULL;
		char two[2] = {'\\', *p};
		if (d->html) {
			switch (*p) {
			case '&': e = "&amp;"; break;
			case '<': e = "&lt;"; break;
			case '>': e = "&gt;"; break;
			case '"': e = "&quot;"; break;
			case '\'': e = "&#39;"; break;
			}
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			e = " ";
		} else if (strchr("\\`*_[]<>|#~!&", *p)) {
			raw(d, two, 2);
			continue;
		}
		if (e)
			raw(d, e, strlen(e));
		else
			raw(d, p, 1);
	}
}

/* Numbers and the like: short, so a bounded buffer will do. */
static void putf(doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void putf(doc *d, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	put(d, buf);
}

static void h2(doc *d, const char *t)
{
	mark(d, "\n## ", "<h2>");
	put(d, t);
	mark(d, "\n\n", "</h2>\n");
}

static void h3_begin(doc *d)
{
	mark(d, "\n### ", "<h3>");
}
static void h3_end(doc *d)
{
	mark(d, "\n\n", "</h3>\n");
}

/* "label：value" lines; in Markdown a list, so each stays on its own. */
static void kv_begin(doc *d, const char *label)
{
	mark(d, "- **", "<p><b>");
	put(d, label);
	mark(d, "**：", "</b>：");
}
static void kv_end(doc *d)
{
	mark(d, "\n", "</p>\n");
}
static void kv(doc *d, const char *label, const char *value)
{
	kv_begin(d, label);
	put(d, value);
	kv_end(d);
}
/* A longer text (reasoning): in HTML its own line breaks are kept. */
static void kv_text(doc *d, const char *label, const char *value)
{
	mark(d, "- **", "<p class=\"t\"><b>");
	put(d, label);
	mark(d, "**：", "</b>：");
	put(d, value);
	kv_end(d);
}

static void note(doc *d, const char *t)
{
	mark(d, "\n", "<p>");
	put(d, t);
	mark(d, "\n\n", "</p>\n");
}

static void strong(doc *d, const char *t)
{
	mark(d, "**", "<strong class=\"flag\">");
	put(d, t);
	mark(d, "**", "</strong>");
}

static void table(doc *d, const char *const *heads, size_t n)
{
	mark(d, "\n|", "<table><thead><tr>");
	for (size_t i = 0; i < n; i++) {
		mark(d, " ", "<th>");
		put(d, heads[i]);
		mark(d, " |", "</th>");
	}
	mark(d, "\n|", "</tr></thead><tbody>\n");
	for (size_t i = 0; i < n && !d->html; i++)
		mark(d, "---|", "");
	mark(d, "\n", "");
}
static void row_begin(doc *d)
{
	mark(d, "|", "<tr>");
}
static void row_end(doc *d)
{
	mark(d, "\n", "</tr>\n");
}
static void cell_begin(doc *d)
{
	mark(d, " ", "<td>");
}
static void cell_end(doc *d)
{
	mark(d, " |", "</td>");
}
static void cell(doc *d, const char *t)
{
	cell_begin(d);
	put(d, t);
	cell_end(d);
}
static void table_end(doc *d)
{
	mark(d, "\n", "</tbody></table>\n");
}

/* A4, CJK fonts, headings kept with what follows, rows never split. No
 * external asset of any kind: the file must print on an air-gapped
 * machine, and a viewer must fetch nothing. */
static const char CSS[] =
    "@page { size: A4; margin: 22mm 20mm 22mm 20mm; }\n"
    "html { font-family: \"Noto Serif CJK SC\", \"Noto Sans CJK SC\", "
    "\"Source Han Serif SC\", serif; font-size: 11pt; line-height: 1.6; "
    "color: #000; background: #fff; }\n"
    "body { margin: 0 auto; max-width: 170mm; }\n"
    "h1 { font-size: 20pt; text-align: center; letter-spacing: 0.3em; "
    "margin: 0 0 2mm; }\n"
    "h2 { font-size: 14pt; margin: 7mm 0 2mm; }\n"
    "h3 { font-size: 12pt; margin: 4mm 0 1mm; }\n"
    "h1, h2, h3 { break-after: avoid; page-break-after: avoid; "
    "break-inside: avoid; page-break-inside: avoid; }\n"
    "p { margin: 1mm 0; orphans: 2; widows: 2; }\n"
    "p.sub { text-align: center; margin-bottom: 6mm; }\n"
    "p.t { white-space: pre-wrap; }\n"
    "table { width: 100%; border-collapse: collapse; margin: 2mm 0; "
    "font-size: 10pt; }\n"
    "thead { display: table-header-group; }\n"
    "th, td { border: 0.5pt solid #555; padding: 1mm 2mm; text-align: left; "
    "vertical-align: top; overflow-wrap: anywhere; }\n"
    "th { background: #eee; white-space: nowrap; }\n"
    "tr, th, td { break-inside: avoid; page-break-inside: avoid; }\n"
    ".flag { color: #a00; }\n"
    ".draft { text-align: center; color: #a00; border: 1pt solid #a00; "
    "padding: 1mm; }\n"
    ".foot { margin-top: 8mm; border-top: 1pt solid #000; padding-top: 2mm; "
    "font-size: 9.5pt; break-inside: avoid; page-break-inside: avoid; }\n"
    ".foot p { overflow-wrap: anywhere; }\n"
    "@media screen { body { padding: 12mm; } }\n";

static void doc_begin(doc *d, const char *title, const char *sub)
{
	/* the policy forbids every fetch and every script, should anything
	 * ever slip past the escaping */
	mark(d, "# ",
	     "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta "
	     "charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" "
	     "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	     "<title>");
	put(d, title);
	if (d->html) {
		mark(d, "", "</title>\n<style>\n");
		mark(d, "", CSS);
		mark(d, "", "</style>\n</head>\n<body>\n<h1>");
		put(d, title);
	}
	mark(d, "\n\n", "</h1>\n<p class=\"sub\">");
	put(d, sub);
	mark(d, "\n\n", "</p>\n");
}

static void foot_begin(doc *d)
{
	mark(d, "\n---\n\n", "<div class=\"foot\">\n");
}
static void doc_end(doc *d)
{
	mark(d, "", "</div>\n</body>\n</html>\n");
}

/* ---- the case's data ---------------------------------------------------- */

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char *pick(const char *const tab[][2], const char *code)
{
	for (size_t i = 0; code && tab[i][0]; i++)
		if (!strcmp(tab[i][0], code))
			return tab[i][1];
	return code;
}

static const char *const DISCIPLINES[][2] = {{"political", "政治纪律"},
                                             {"organizational", "组织纪律"},
                                             {"integrity", "廉洁纪律"},
                                             {"mass", "群众纪律"},
                                             {"work", "工作纪律"},
                                             {"life", "生活纪律"},
                                             {NULL, NULL}};
static const char *const STANDARDS[][2] = {
    {"facts", "事实"},    {"evidence", "证据"},    {"classification", "定性"},
    {"disposal", "处理"}, {"formalities", "手续"}, {"procedure", "程序"},
    {NULL, NULL}};
static const char *const ROLES[][2] = {{"leader", "组长"},
                                       {"member", "组员"},
                                       {"specialist", "机动组员"},
                                       {NULL, NULL}};
static const char *const STATES[][2] = {{"received", "已接收"},
                                        {"accepted", "已受理"},
                                        {"deferred", "暂缓受理"},
                                        {"refused", "不予受理"},
                                        {"in_review", "审理中"},
                                        {"returned", "退回补查中"},
                                        {"deliberated", "已集体审议"},
                                        {"signed_off", "已审结签署"},
                                        {NULL, NULL}};
static const char *const SEVERITIES[][2] = {
    {"blocker", "阻断"}, {"warning", "警示"}, {"note", "提示"}, {NULL, NULL}};

static const char *return_kind(const char *k)
{
	return k && !strcmp(k, "reinvestigate") ? "重新审查调查"
	                                        : "补充审查调查";
}

/* Everything one document is built from, read in one snapshot. */
typedef struct {
	json_t *view;
	sl_rules *rules;
	char head[96];
	char *signed_head, *agency_name, *zone_name;
} source;

static void source_free(source *src)
{
	json_decref(src->view);
	sl_rules_free(src->rules);
	free(src->signed_head);
	free(src->agency_name);
	free(src->zone_name);
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	return t ? strdup(t) : NULL;
}

static sl_rc source_read(sl_store *s, int64_t ref, const char *case_id,
                         source *src)
{
	sqlite3_stmt *st;
	sl_rc rc = sl_case_view(s, ref, case_id, &src->view);
	if (!rc)
		rc = sl_rules_load(s, &src->rules);
	if (rc)
		return rc;
	int64_t seq;
	uint8_t h[SL_SHA256_LEN];
	if ((rc = sl_audit_head(s, &seq, h)))
		return rc;
	sl_audit_format_anchor(seq, h, src->head);
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT c.signed_head, a.name, z.name FROM cases"
	                       " c LEFT JOIN agencies a ON a.code = c.agency"
	                       " LEFT JOIN zones z ON z.code = c.zone"
	                       " WHERE c.id = ?",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, ref);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		src->signed_head = dup_col(st, 0);
		src->agency_name = dup_col(st, 1);
		src->zone_name = dup_col(st, 2);
	}
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? SL_OK : sl_db_err(s, _("reading a case"));
}

/* Policy, then the view, the rules and the heads. The reads share one
 * read transaction, so that the audit head printed is the head of the
 * very state the document shows. */
static sl_rc source_load(sl_store *s, const char *case_id, source *src)
{
	memset(src, 0, sizeof *src);
	int64_t ref;
	sl_state state;
	sl_rc rc = sl_case_require(s, SL_ACT_CASE_READ, case_id, &ref, &state);
	if (rc)
		return rc;
	sqlite3 *db = sl_store_db(s);
	int own = !sl_tx_active(s) && sqlite3_get_autocommit(db);
	if (own && sqlite3_exec(db, "BEGIN", 0, 0, 0))
		return sl_db_err(s, _("reading a case"));
	rc = source_read(s, ref, case_id, src);
	if (own)
		sqlite3_exec(db, "COMMIT", 0, 0, 0);
	if (rc)
		source_free(src);
	return rc;
}

static int parse_format(const char *format, int *html)
{
	if (format && !strcmp(format, "html"))
		*html = 1;
	else if (!format || !strcmp(format, "md"))
		*html = 0;
	else
		return 0;
	return 1;
}

static sl_rc doc_finish(doc *d, char **out, size_t *len)
{
	if (d->oom || !d->p) {
		free(d->p);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	*out = d->p;
	*len = d->n;
	return SL_OK;
}

/* "甲、乙、丙" from a list of strings, each through a name table. */
static void put_list(doc *d, const json_t *a, const char *const tab[][2],
                     const char *none)
{
	size_t i;
	json_t *v;
	if (!json_array_size(a))
		put(d, none);
	json_array_foreach(a, i, v)
	{
		if (i)
			put(d, "、");
		put(d, tab ? pick(tab, json_string_value(v))
		           : json_string_value(v));
	}
}

static json_t *find_by(const json_t *list, const char *key, const char *val)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *s = str(v, key);
		if (s && val && !strcmp(s, val))
			return v;
	}
	return NULL;
}

/* The classification and sanction of a proposal or an opinion. */
static void classification(doc *d, const sl_rules *r, const json_t *o)
{
	json_t *root = sl_rules_json(r);
	kv_begin(d, "违反纪律");
	put_list(d, json_object_get(o, "disciplines"), DISCIPLINES, "—");
	kv_end(d);
	kv(d, "违反中央八项规定精神",
	   json_is_true(json_object_get(o, "eight_point_rules")) ? "是" : "否");
	kv(d, "党纪处分",
	   str(o, "party_sanction") ? str(o, "party_sanction") : "无");
	kv(d, "政务处分",
	   str(o, "gov_sanction") ? str(o, "gov_sanction") : "无");
	json_int_t form = json_integer_value(json_object_get(o, "form"));
	const char *fz = NULL;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(root, "forms"), i, f)
	{
		if (json_integer_value(json_object_get(f, "form")) == form)
			fz = str(f, "zh");
	}
	kv_begin(d, "运用形态");
	if (fz)
		put(d, fz);
	else
		putf(d, "第%lld种形态", (long long)form);
	kv_end(d);
	json_t *circ = json_object_get(o, "circumstances");
	json_t *names = json_object_get(root, "circumstances");
	if (json_array_size(circ)) {
		kv_begin(d, "情节");
		json_array_foreach(circ, i, f)
		{
			const char *c = json_string_value(f);
			const char *zh =
			    c ? str(json_object_get(names, c), "zh") : NULL;
			if (i)
				put(d, "、");
			put(d, zh ? zh : c);
		}
		kv_end(d);
	}
}

static const json_t *panel_opinion(const json_t *view)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(view, "opinions"), i, o)
	{
		if (json_is_true(json_object_get(o, "panel")))
			return o;
	}
	return NULL;
}

/* A member's own opinion (for their key), not the panel's. */
static const json_t *own_opinion(const json_t *view, const char *member)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(view, "opinions"), i, o)
	{
		const char *a = str(o, "author");
		if (!json_is_true(json_object_get(o, "panel")) && a && member &&
		    !strcmp(a, member))
			return o;
	}
	return NULL;
}

/* ---- the report's sections ---------------------------------------------- */

static void sec_subject(doc *d, const source *src)
{
	const json_t *subj = json_object_get(src->view, "subject");
	h2(d, "一、被审查调查人基本情况");
	kv(d, "姓名", str(subj, "name"));
	kv(d, "人员编号", str(subj, "person_id"));
	kv(d, "政治面貌",
	   json_is_true(json_object_get(subj, "party_member")) ? "中共党员"
	                                                       : "非中共党员");
	kv(d, "是否公职人员",
	   json_is_true(json_object_get(subj, "public_official")) ? "是"
	                                                          : "否");
	kv(d, "职务", str(subj, "position"));
	kv(d, "职级", str(subj, "rank"));
	json_t *prior = json_object_get(subj, "prior_sanctions");
	json_t *several = json_object_get(
	    json_object_get(sl_rules_json(src->rules), "sanction_policy"),
	    "several_sanctions");
	size_t n = json_array_size(prior);
	kv_begin(d, "既往处分");
	if (!n)
		put(d, "无");
	size_t i;
	json_t *p;
	json_array_foreach(prior, i, p)
	{
		const char *sys = str(p, "system");
		if (i)
			put(d, "；");
		put(d, sys && !strcmp(sys, "gov") ? "政务处分" : "党纪处分");
		put(d, str(p, "level"));
		put(d, "（");
		put(d,
		    str(p, "decided_on") ? str(p, "decided_on") : "日期不详");
		put(d, "）");
	}
	/* seed 003: a subject carrying several sanctions must be visible */
	if (json_is_integer(several) && n > 0 &&
	    (json_int_t)n >= json_integer_value(several)) {
		put(d, "　");
		strong(d, "受过多次处分");
		putf(d, "（共%zu次）", n);
	}
	kv_end(d);
}

static void sec_investigation(doc *d, const source *src)
{
	const json_t *v = src->view;
	h2(d, "二、审查调查概况");
	kv_begin(d, "移送单位");
	put(d, src->agency_name ? src->agency_name : str(v, "agency"));
	put(d, "（");
	put(d, str(v, "agency"));
	put(d, "）");
	kv_end(d);
	kv_begin(d, "审理片区");
	put(d, src->zone_name ? src->zone_name : str(v, "zone"));
	kv_end(d);
	kv(d, "移送审理日期", str(v, "transferred_on"));
	kv(d, "受理日期", str(v, "accepted_on"));
	kv_begin(d, "卷宗概况");
	putf(d, "违纪事实%zu项，证据材料%zu份，程序文书%zu份",
	     json_array_size(json_object_get(v, "facts")),
	     json_array_size(json_object_get(v, "evidence")),
	     json_array_size(json_object_get(v, "documents")));
	kv_end(d);
	kv_begin(d, "审理组");
	size_t i;
	json_t *m;
	if (!json_array_size(json_object_get(v, "team")))
		put(d, "尚未组成");
	json_array_foreach(json_object_get(v, "team"), i, m)
	{
		if (i)
			put(d, "；");
		put(d, str(m, "id"));
		put(d, "（");
		put(d, pick(ROLES, str(m, "role")));
		if (str(m, "agency")) {
			put(d, "，所在单位");
			put(d, str(m, "agency"));
		}
		put(d, "）");
	}
	kv_end(d);
	static const char *const H[] = {"程序文书", "日期"};
	table(d, H, 2);
	json_t *doc_;
	json_array_foreach(json_object_get(v, "documents"), i, doc_)
	{
		row_begin(d);
		cell(d, sl_rules_doc_name(src->rules, str(doc_, "kind")
		                                          ? str(doc_, "kind")
		                                          : "—"));
		cell(d, str(doc_, "date"));
		row_end(d);
	}
	table_end(d);
}

static void sec_facts(doc *d, const source *src)
{
	const json_t *v = src->view;
	h2(d, "三、审理查明的事实");
	size_t i, k;
	json_t *f, *e;
	json_array_foreach(json_object_get(v, "facts"), i, f)
	{
		const char *code = str(f, "violation");
		const sl_violation *vi =
		    code ? sl_rules_violation(src->rules, code) : NULL;
		h3_begin(d);
		putf(d, "（%zu）", i + 1);
		put(d, str(f, "id"));
		put(d, "　");
		put(d, vi ? vi->zh : code);
		h3_end(d);
		kv_text(d, "事实", str(f, "summary"));
		if (str(f, "from") || str(f, "to")) {
			kv_begin(d, "时间");
			put(d, str(f, "from"));
			put(d, "至");
			put(d, str(f, "to"));
			kv_end(d);
		}
		json_t *amt = json_object_get(f, "amount_yuan");
		if (json_is_number(amt)) {
			kv_begin(d, "涉及金额");
			if (json_is_integer(amt))
				putf(d, "%lld元",
				     (long long)json_integer_value(amt));
			else
				putf(d, "%.2f元", json_number_value(amt));
			kv_end(d);
		}
		static const char *const H[] = {"证据编号", "种类", "名称",
		                                "取得日期", "来源"};
		table(d, H, 5);
		json_array_foreach(json_object_get(f, "evidence"), k, e)
		{
			const char *id = json_string_value(e);
			json_t *ev =
			    find_by(json_object_get(v, "evidence"), "id", id);
			const char *kind = str(ev, "kind");
			row_begin(d);
			cell(d, id);
			cell(d, ev ? sl_rules_evidence_name(src->rules,
			                                    kind ? kind : "—")
			           : "卷中无此证据");
			cell(d, str(ev, "title"));
			cell(d, str(ev, "obtained_on"));
			cell(d, str(ev, "source"));
			row_end(d);
		}
		table_end(d);
	}
}

static void sec_classification(doc *d, const source *src)
{
	const json_t *v = src->view, *panel = panel_opinion(v);
	h2(d, "四、定性处理");
	kv_begin(d, "依据");
	if (panel) {
		put(d, "审理组集体审议意见（");
		put(d, str(panel, "recorded_on"));
		put(d, "）");
	} else {
		put(d, "尚未集体审议，暂列移送单位建议");
	}
	kv_end(d);
	/* each violation once, with the facts that make it up */
	static const char *const H[] = {"违纪行为", "涉及事实", "所属纪律",
	                                "违反中央八项规定精神"};
	table(d, H, 4);
	json_t *facts = json_object_get(v, "facts"), *f, *g;
	size_t i, k;
	json_array_foreach(facts, i, f)
	{
		const char *code = str(f, "violation");
		int seen = 0;
		for (k = 0; k < i; k++) {
			const char *c =
			    str(json_array_get(facts, k), "violation");
			seen |= c && code && !strcmp(c, code);
		}
		if (seen || !code)
			continue;
		const sl_violation *vi = sl_rules_violation(src->rules, code);
		row_begin(d);
		cell(d, vi ? vi->zh : code);
		cell_begin(d);
		int first = 1;
		json_array_foreach(facts, k, g)
		{
			const char *c = str(g, "violation");
			if (c && !strcmp(c, code)) {
				if (!first)
					put(d, "、");
				put(d, str(g, "id"));
				first = 0;
			}
		}
		cell_end(d);
		cell(d, vi ? pick(DISCIPLINES, vi->discipline) : "—");
		cell(d, !vi                    ? "—"
		        : vi->eight_point > 0  ? "是"
		        : vi->eight_point == 0 ? "否"
		                               : "视资金用途认定");
		row_end(d);
	}
	table_end(d);
	classification(d, src->rules,
	               panel ? panel : json_object_get(v, "proposal"));
	kv_text(d, "涉案财物处置",
	        panel && str(panel, "property")
	            ? str(panel, "property")
	            : (panel ? "审理组意见未载明" : "待集体审议"));
}

static void sec_proposal(doc *d, const source *src)
{
	h2(d, "五、移送单位意见");
	classification(d, src->rules, json_object_get(src->view, "proposal"));
}

static void sec_opinions(doc *d, const source *src)
{
	const json_t *v = src->view, *panel = panel_opinion(v);
	h2(d, "六、审理组意见");
	if (panel) {
		kv(d, "集体审议日期", str(panel, "recorded_on"));
		classification(d, src->rules, panel);
		kv_text(d, "审理意见", str(panel, "reasoning"));
		kv_begin(d, "记录人");
		put(d, str(panel, "author"));
		put(d, "（签名密钥 ");
		put(d, str(panel, "sig_key"));
		put(d, "）");
		kv_end(d);
		json_t *dis = json_object_get(panel, "dissent"), *x;
		size_t i;
		if (!json_array_size(dis)) {
			kv(d, "不同意见", "无");
		} else {
			h3_begin(d);
			put(d, "不同意见");
			h3_end(d);
			static const char *const H[] = {"持不同意见者", "意见",
			                                "签名密钥"};
			table(d, H, 3);
			json_array_foreach(dis, i, x)
			{
				const json_t *own =
				    own_opinion(v, str(x, "member"));
				row_begin(d);
				cell(d, str(x, "member"));
				cell(d, str(x, "text"));
				cell(d, own ? str(own, "sig_key")
				            : "（未提交个人意见）");
				row_end(d);
			}
			table_end(d);
		}
	} else {
		note(d, "尚未集体审议。");
	}
	h3_begin(d);
	put(d, "审理组成员个人意见");
	h3_end(d);
	static const char *const H[] = {"审理人员", "违反纪律", "党纪处分",
	                                "政务处分", "形态",     "记录日期",
	                                "签名密钥"};
	table(d, H, 7);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(v, "opinions"), i, o)
	{
		if (json_is_true(json_object_get(o, "panel")))
			continue;
		row_begin(d);
		cell_begin(d);
		put(d, str(o, "author"));
		put(d, "（");
		put(d, pick(ROLES, str(o, "author_role")));
		put(d, "）");
		cell_end(d);
		cell_begin(d);
		put_list(d, json_object_get(o, "disciplines"), DISCIPLINES,
		         "—");
		if (json_is_true(json_object_get(o, "eight_point_rules")))
			put(d, "；违反中央八项规定精神");
		cell_end(d);
		cell(d, str(o, "party_sanction") ? str(o, "party_sanction")
		                                 : "无");
		cell(d, str(o, "gov_sanction") ? str(o, "gov_sanction") : "无");
		cell_begin(d);
		putf(d, "%lld",
		     (long long)json_integer_value(json_object_get(o, "form")));
		cell_end(d);
		cell(d, str(o, "recorded_on"));
		cell(d, str(o, "sig_key"));
		row_end(d);
	}
	table_end(d);
	json_array_foreach(json_object_get(v, "opinions"), i, o)
	{
		if (json_is_true(json_object_get(o, "panel")))
			continue;
		char label[128];
		snprintf(label, sizeof label, "%s 的意见理由",
		         str(o, "author") ? str(o, "author") : "—");
		kv_text(d, label, str(o, "reasoning"));
	}
}

/* Where an item (return r, number no) was answered: itself, or the item
 * it was carried into ("r.no") in a later return. */
static void put_resolution(doc *d, const json_t *returns, int r, int no,
                           const json_t *item)
{
	char from[32];
	snprintf(from, sizeof from, "%d.%d", r, no);
	int ar = r, ano = no;
	size_t i, k;
	json_t *ret, *it;
	json_array_foreach(returns, i, ret)
	{
		json_array_foreach(json_object_get(ret, "items"), k, it)
		{
			const char *cf = str(it, "carried_from");
			if (cf && !strcmp(cf, from) &&
			    json_is_true(json_object_get(it, "answered"))) {
				ar = (int)json_integer_value(
				    json_object_get(ret, "return_no"));
				ano = (int)json_integer_value(
				    json_object_get(it, "no"));
			}
		}
	}
	if (json_is_true(json_object_get(item, "answered")))
		putf(d, "已通过第%d次退回第%d项补查解决", ar, ano);
	else
		putf(d, "仍未解决（第%d次退回第%d项尚未补查）", r, no);
}

static void put_refs(doc *d, const json_t *refs)
{
	put_list(d, refs, STANDARDS, "—");
}

static void sec_findings(doc *d, const source *src)
{
	const json_t *v = src->view, *returns = json_object_get(v, "returns");
	h2(d, "七、审查发现及处理情况");
	size_t i, k, shown = 0;
	json_t *ret, *it, *f;
	/* the findings that went into an outline: an item whose source is
	 * "check/code" came from a check's finding */
	static const char *const H[] = {"审查发现", "补查事项", "涉及",
	                                "处理情况"};
	json_array_foreach(returns, i, ret)
	{
		json_array_foreach(json_object_get(ret, "items"), k, it)
		{
			const char *src_ = str(it, "source");
			if (!src_ || !strchr(src_, '/'))
				continue;
			if (!shown++) {
				h3_begin(d);
				put(d, "经退回补查处理的审查发现");
				h3_end(d);
				table(d, H, 4);
			}
			row_begin(d);
			cell(d, src_);
			cell(d, str(it, "text"));
			cell_begin(d);
			put_refs(d, json_object_get(it, "refs"));
			cell_end(d);
			cell_begin(d);
			put_resolution(
			    d, returns,
			    (int)json_integer_value(
			        json_object_get(ret, "return_no")),
			    (int)json_integer_value(json_object_get(it, "no")),
			    it);
			cell_end(d);
			row_end(d);
		}
	}
	if (shown)
		table_end(d);
	/* the findings of the last check run, on the dossier as it is now */
	json_t *cur = json_object_get(v, "findings");
	h3_begin(d);
	put(d, "最近一次检查的审查发现");
	h3_end(d);
	if (!json_is_true(json_object_get(v, "checked")))
		note(d, "注意：现有卷宗尚未经检查（或检查后卷宗已更新）。");
	if (!json_array_size(cur)) {
		note(d, "无。");
		return;
	}
	static const char *const H2[] = {"等级", "标准", "检查",
	                                 "说明", "涉及", "处理情况"};
	table(d, H2, 6);
	json_array_foreach(cur, i, f)
	{
		const char *sev = str(f, "severity");
		row_begin(d);
		cell(d, pick(SEVERITIES, sev));
		cell(d, pick(STANDARDS, str(f, "standard")));
		cell_begin(d);
		put(d, str(f, "check"));
		put(d, "/");
		put(d, str(f, "code"));
		cell_end(d);
		cell(d, str(f, "message"));
		cell_begin(d);
		put_refs(d, json_object_get(f, "refs"));
		cell_end(d);
		cell(d, sev && !strcmp(sev, "blocker")
		            ? "仍未解决（阻断签署）"
		            : "现存，提请审理组注意");
		row_end(d);
	}
	table_end(d);
}

static void outline_table(doc *d, const json_t *ret, int with_source)
{
	static const char *const H[] = {"序号", "补查事项", "涉及", "状态",
	                                "来源"};
	table(d, H, with_source ? 5 : 4);
	size_t k;
	json_t *it;
	json_array_foreach(json_object_get(ret, "items"), k, it)
	{
		const json_t *ans = json_object_get(it, "answer");
		row_begin(d);
		cell_begin(d);
		putf(d, "%lld",
		     (long long)json_integer_value(json_object_get(it, "no")));
		cell_end(d);
		cell_begin(d);
		put(d, str(it, "text"));
		const char *cf = str(it, "carried_from");
		if (cf) {
			put(d, "（续列第");
			put(d, cf);
			put(d, "项，前次未补查）");
		}
		cell_end(d);
		cell_begin(d);
		put_refs(d, json_object_get(it, "refs"));
		cell_end(d);
		cell_begin(d);
		if (json_is_true(json_object_get(it, "answered"))) {
			put(d, "已补查（");
			put(d, str(ans, "answered_on"));
			if (json_array_size(json_object_get(ans, "evidence"))) {
				put(d, "，新证据 ");
				put_list(d, json_object_get(ans, "evidence"),
				         NULL, "");
			}
			if (str(ans, "note")) {
				put(d, "，");
				put(d, str(ans, "note"));
			}
			put(d, "）");
		} else {
			put(d, "待补查");
		}
		cell_end(d);
		if (with_source)
			cell(d, str(it, "source"));
		row_end(d);
	}
	table_end(d);
}

static void sec_returns(doc *d, const source *src)
{
	const json_t *returns = json_object_get(src->view, "returns");
	h2(d, "八、退回补查情况");
	if (!json_array_size(returns)) {
		note(d, "本案未退回补查。");
		return;
	}
	size_t i;
	json_t *ret;
	json_array_foreach(returns, i, ret)
	{
		h3_begin(d);
		putf(d, "第%lld次退回",
		     (long long)json_integer_value(
		         json_object_get(ret, "return_no")));
		put(d, "（");
		put(d, return_kind(str(ret, "kind")));
		put(d, "）");
		h3_end(d);
		kv(d, "退回日期", str(ret, "returned_on"));
		kv(d, "退回人", str(ret, "returned_by"));
		kv(d, "重新移送日期",
		   str(ret, "resubmitted_on") ? str(ret, "resubmitted_on")
		                              : "尚未重新移送");
		outline_table(d, ret, 1);
	}
}

static void footer(doc *d, const source *src, int signers)
{
	const json_t *v = src->view;
	foot_begin(d);
	kv(d, "生成时审计日志头", src->head);
	kv(d, "签署时审计日志头",
	   src->signed_head ? src->signed_head : "尚未审结签署");
	if (signers) {
		kv_begin(d, "签名人密钥指纹");
		size_t i, n = 0;
		json_t *o;
		json_t *ops = json_object_get(v, "opinions");
		json_array_foreach(ops, i, o)
		{
			/* each author once: the panel's recorder may also have
			 * an opinion of their own, signed with the same key */
			if (find_by(ops, "author", str(o, "author")) != o)
				continue;
			if (n++)
				put(d, "；");
			put(d, str(o, "author"));
			put(d, "（");
			put(d, pick(ROLES, str(o, "author_role")));
			put(d, "）");
			put(d, str(o, "sig_key"));
		}
		if (!n)
			put(d, "尚无签名意见");
		kv_end(d);
	}
	kv(d, "日期", str(v, "today"));
	kv(d, "说明",
	   "审计日志头可用“shenli audit verify --anchor "
	   "序号:哈希”核验；本文件由 shenli 审理工作站生成。");
	doc_end(d);
}

sl_rc sl_report(sl_store *s, const char *case_id, const char *format,
                char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	doc d = {0};
	if (!parse_format(format, &d.html))
		return sl_error(SL_EINPUT, _("unknown format '%s': md or html"),
		                format);
	source src;
	sl_rc rc = source_load(s, case_id, &src);
	if (rc)
		return rc;
	const char *state = str(src.view, "state");
	char sub[256];
	snprintf(sub, sizeof sub,
	         "案件编号：%s　被审查调查人：%s　案件状态：%s", case_id,
	         str(json_object_get(src.view, "subject"), "name")
	             ? str(json_object_get(src.view, "subject"), "name")
	             : "—",
	         pick(STATES, state) ? pick(STATES, state) : "—");
	doc_begin(&d, "审理报告", sub);
	if (!state || strcmp(state, "signed_off")) {
		mark(&d, "> ", "<p class=\"draft\">");
		put(&d, "草稿：本案尚未审结签署，内容可能变化。");
		mark(&d, "\n\n", "</p>\n");
	}
	sec_subject(&d, &src);
	sec_investigation(&d, &src);
	sec_facts(&d, &src);
	sec_classification(&d, &src);
	sec_proposal(&d, &src);
	sec_opinions(&d, &src);
	sec_findings(&d, &src);
	sec_returns(&d, &src);
	footer(&d, &src, 1);
	source_free(&src);
	return doc_finish(&d, out, len);
}

sl_rc sl_outline_document(sl_store *s, const char *case_id, int return_no,
                          const char *format, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	doc d = {0};
	if (!parse_format(format, &d.html))
		return sl_error(SL_EINPUT, _("unknown format '%s': md or html"),
		                format);
	source src;
	sl_rc rc = source_load(s, case_id, &src);
	if (rc)
		return rc;
	json_t *returns = json_object_get(src.view, "returns");
	size_t n = json_array_size(returns);
	if (n == 0 || return_no < 0 || (size_t)return_no > n) {
		source_free(&src);
		return n == 0
		           ? sl_error(SL_EINPUT,
		                      _("case %s has not been returned"),
		                      case_id)
		           : sl_error(SL_EINPUT, _("case %s has no return %d"),
		                      case_id, return_no);
	}
	json_t *ret =
	    json_array_get(returns, return_no ? (size_t)return_no - 1 : n - 1);
	const json_t *v = src.view, *subj = json_object_get(v, "subject");
	char sub[256];
	snprintf(
	    sub, sizeof sub, "案件编号：%s　第%lld次退回（%s）", case_id,
	    (long long)json_integer_value(json_object_get(ret, "return_no")),
	    return_kind(str(ret, "kind")));
	doc_begin(&d, "补查提纲", sub);
	kv_begin(&d, "移送单位");
	put(&d, src.agency_name ? src.agency_name : str(v, "agency"));
	kv_end(&d);
	kv_begin(&d, "被审查调查人");
	put(&d, str(subj, "name"));
	if (str(subj, "position")) {
		put(&d, "，");
		put(&d, str(subj, "position"));
	}
	kv_end(&d);
	kv(&d, "退回类型", return_kind(str(ret, "kind")));
	kv(&d, "退回日期", str(ret, "returned_on"));
	if (str(ret, "resubmitted_on"))
		kv(&d, "重新移送日期", str(ret, "resubmitted_on"));
	note(&d, "请对下列事项逐项补充审查调查。重新移送时，请在卷宗的 "
	         "supplement 中逐项注明所答事项的序号和新取得的证据；未作答的"
	         "事项仍视为待补查。");
	h2(&d, "补查事项");
	outline_table(&d, ret, 0);
	/* the facts the items point at, so the agency need not look them up */
	h2(&d, "所涉事实");
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(v, "facts"), i, f)
	{
		kv_begin(&d, str(f, "id") ? str(f, "id") : "—");
		put(&d, str(f, "summary"));
		kv_end(&d);
	}
	footer(&d, &src, 0);
	source_free(&src);
	return doc_finish(&d, out, len);
}
