/* webpage.c - the web front's HTML. */
#define _GNU_SOURCE
#include "webpage.h"
#include "webpage_lead.h"
#include "webpage_review.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <shenli/ops.h>

const char sl_page_css[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Noto Serif CJK SC\",sans-serif;"
    "margin:0;color:#222;background:#f6f5f2}\n"
    "header{background:#8b1a1a;color:#fff;padding:.6em 1.2em;display:flex;"
    "gap:1.5em;align-items:center}\n"
    "header a{color:#fff}\nheader form{margin-left:auto}\n"
    "main{padding:1em 1.5em;max-width:70em}\n"
    "table{border-collapse:collapse;width:100%;background:#fff}\n"
    "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eee}\n"
    "header nav{display:flex;gap:1em}\n"
    ".flag{color:#b00;font-weight:bold}\n"
    ".fact{background:#fff;border:1px solid #ccc;padding:.6em;"
    "margin:.8em 0}\n"
    ".finding{border-left:4px solid #b00;padding-left:.5em;margin:.4em 0}\n"
    ".finding.note{border-color:#888}\n"
    ".finding.warning{border-color:#c80}\n"
    ".login{max-width:22em;background:#fff;padding:1em 1.5em;"
    "border:1px solid #ccc}\n"
    ".login label{display:block;margin:.6em 0}\n"
    ".error{color:#b00}\ncode{font-size:90%}\n"
    "svg.chart{display:block;max-width:100%;height:auto;background:#fff;"
    "border:1px solid #ccc;margin:.6em 0;font-size:13px}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:.4em 1.2em;list-style:none;"
    "padding:0}\n"
    "table.by-state{width:auto}\n"
    "nav.actions{display:flex;gap:1em;align-items:center;margin:1em 0}\n"
    "form.inline{display:inline}\n"
    ".choice{margin-right:1em;white-space:nowrap}\n"
    "fieldset{border:1px solid #ccc;background:#fff;margin:1em 0}\n"
    ".dissent{margin:.2em 0}\n"
    "#outline-preview li{margin:.5em 0}\n"
    /* a finding's check and code: for whoever reports it, after the
     * Chinese that the panel reads */
    "small.code{color:#777;font-size:80%}\n"
    /* a phone or a narrow window (the page is laid out for its width,
     * the viewport meta): boxes within it, a wide table scrolled in its
     * own box rather than the page sideways */
    "textarea,input,select{max-width:100%;box-sizing:border-box}\n"
    "fieldset{min-width:0}\n" /* its default (min-content) would not */
    /* a text box in a table takes its cell's width, not its columns' */
    "td textarea{width:100%;min-width:8em}\n"
    "header{flex-wrap:wrap}\nmain{overflow-wrap:break-word}\n"
    "@media (max-width:48em){main{padding:.6em}"
    "table{display:block;overflow-x:auto;background:none}td{background:#fff}"
    "}\nnav.actions{flex-wrap:wrap}nav.actions a{white-space:nowrap}\n"
    /* paper: the case as read, without what one clicks */
    "@media print{header,form,form.inline,button,nav.actions,a.action,.pages,"
    ".noprint"
    "{display:none}body{background:#fff}main{max-width:none;padding:0}"
    "a{color:inherit;text-decoration:none}}\n";

/* ---- the buffer --------------------------------------------------------- */

void sl_html_free(sl_html *h)
{
	free(h->buf);
	memset(h, 0, sizeof *h);
}

static void put_n(sl_html *h, const char *s, size_t n)
{
	if (h->oom)
		return;
	if (h->len + n + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 4096;
		while (cap < h->len + n + 1)
			cap *= 2;
		char *b = realloc(h->buf, cap);
		if (!b) {
			h->oom = 1;
			return;
		}
		h->buf = b;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = 0;
}

static void put(sl_html *h, const char *s)
{
	put_n(h, s, strlen(s));
}

__attribute__((format(printf, 2, 0))) static void
vfmt(sl_html *h, const char *f, va_list ap)
{
	char *s = NULL;
	int n = vasprintf(&s, f, ap);
	if (n < 0)
		h->oom = 1;
	else
		put_n(h, s, (size_t)n);
	free(s);
}

/* Markup with values this file makes (numbers, codes it checked). */
__attribute__((format(printf, 2, 3))) static void fmt(sl_html *h, const char *f,
                                                      ...)
{
	va_list ap;
	va_start(ap, f);
	vfmt(h, f, ap);
	va_end(ap);
}

void sl_html_fmt(sl_html *h, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vfmt(h, f, ap);
	va_end(ap);
}

void sl_html_put(sl_html *h, const char *s)
{
	put(h, s);
}

/* Text from the store: cleaned (unsafe characters U+FFFD), escaped. */
static void text(sl_html *h, const char *s)
{
	char *c = sl_text_clean(s ? s : "", "\xEF\xBF\xBD");
	if (!c) {
		h->oom = 1;
		return;
	}
	for (const char *p = c; *p; p++) {
		switch (*p) {
		case '&': put(h, "&amp;"); break;
		case '<': put(h, "&lt;"); break;
		case '>': put(h, "&gt;"); break;
		case '"': put(h, "&quot;"); break;
		case '\'': put(h, "&#39;"); break;
		default: put_n(h, p, 1);
		}
	}
	free(c);
}

/* A case id in a link: every byte but [A-Za-z0-9._-] percent-encoded. */
static void url_part(sl_html *h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-", *p))
			put_n(h, (const char *)p, 1);
		else
			fmt(h, "%%%02X", *p);
	}
}

const char *sl_jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int sl_same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void jtext(sl_html *h, const json_t *o, const char *k)
{
	const char *s = sl_jstr(o, k);
	text(h, s ? s : "—");
}

void sl_html_text(sl_html *h, const char *s)
{
	text(h, s);
}

void sl_html_lines(sl_html *h, const char *s)
{
	const char *p = s ? s : "";
	for (;;) {
		size_t n = strcspn(p, "\r\n");
		char *line = strndup(p, n);
		if (!line) {
			h->oom = 1;
			return;
		}
		text(h, line);
		free(line);
		p += n;
		if (!*p)
			return;
		if (*p == '\r' && p[1] == '\n')
			p++;
		p++;
		put(h, "\n");
	}
}

void sl_html_url(sl_html *h, const char *s)
{
	url_part(h, s);
}

/* ---- vocabulary ---------------------------------------------------------
 * The names of a case's own codes come with it (case show's "labels");
 * these are for what a case may lack: the transfer's documents, which an
 * outline item may ask for (DOMAIN.md), and the two sanction systems. */

static const char *pick(const char *const tab[][2], const char *k)
{
	for (size_t i = 0; k && tab[i][0]; i++)
		if (!strcmp(tab[i][0], k))
			return tab[i][1];
	return NULL;
}

static const char *const DOCUMENTS[][2] = {
    {"identity", "身份材料"},
    {"filing_approval", "立案审批表"},
    {"investigation_report", "审查调查报告"},
    {"fact_material", "违纪事实材料"},
    {"subject_written_response", "被审查调查人对事实材料的书面意见"},
    {"response_explanation", "对其申辩的说明"},
    {"transfer_form", "移送审理函"},
    {NULL, NULL}};
static const char *const SYSTEMS[][2] = {
    {"party", "党纪处分"}, {"gov", "政务处分"}, {NULL, NULL}};

/* Code k by its Chinese name zh, or as the code it is where it has none. */
static void code_as(sl_html *h, const char *zh, const char *k)
{
	if (zh) {
		text(h, zh);
	} else {
		put(h, "<code>");
		text(h, k ? k : "—");
		put(h, "</code>");
	}
}

/* A code shown in Chinese where the table knows it. */
static void label(sl_html *h, const char *const tab[][2], const char *k)
{
	code_as(h, pick(tab, k), k);
}

/* What an outline item or a finding cites, as the page's tables name it:
 * a document (doc:KIND, or the kind alone) by its name, the subject and a
 * review standard in Chinese; a fact's or evidence's id (F1, E2) as it is.
 */
static void ref_label(sl_html *h, const char *r)
{
	const char *k = r && !strncmp(r, "doc:", 4) ? r + 4 : r;
	const char *zh = pick(DOCUMENTS, k);
	if (!zh && sl_same(r, "subject"))
		zh = "被审查调查人";
	if (!zh && r && strcmp(sl_casedoc_standard(r), "—"))
		zh = sl_casedoc_standard(r);
	text(h, zh ? zh : r ? r : "—");
}

void sl_html_ref(sl_html *h, const char *r)
{
	ref_label(h, r);
}

void sl_html_reason(sl_html *h, const char *r)
{
	char *c = r ? strndup(r, sl_text_untagged(r)) : NULL;
	if (r && !c) {
		h->oom = 1;
		return;
	}
	text(h, c ? c : "—");
	free(c);
}

/* The name of code in a listing [{"code", "name"}] (`agency list
 * --json`, `zone list --json`), as `case show` names them; the code
 * itself where none is registered. */
static const char *org_name(const json_t *list, const char *code)
{
	size_t i;
	const json_t *o;
	json_array_foreach(list, i, o)
	{
		if (sl_same(sl_jstr(o, "code"), code) && sl_jstr(o, "name"))
			return sl_jstr(o, "name");
	}
	return code;
}

const char *sl_org_name(const json_t *list, const char *code)
{
	return org_name(list, code);
}

/* ---- the frame ---------------------------------------------------------- */

static void head(sl_html *h, const sl_websess *s, const char *title)
{
	put(h, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
	       "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	       "content=\"width=device-width, initial-scale=1\"><title>");
	text(h, title);
	put(h, " - 审理工作台</title>"
	       "<link rel=\"stylesheet\" href=\"/style.css\"></head><body>"
	       "<header><strong>划片审理工作台</strong>");
	if (s && s->signed_in) {
		put(h, "<a href=\"/\">我的待办</a>");
		/* the role's own pages; the service refuses the others */
		if (!strcmp(s->role, "leader"))
			put(h, "<a href=\"/intake\">受理</a>");
		if (s->sees_all) /* leaders, auditors: webpage_stats.h */
			put(h, "<a href=\"/stats\">统计</a>");
		if (!strcmp(s->role, "auditor") || !strcmp(s->role, "admin"))
			put(h, "<a href=\"/audit\">审计</a>");
		put(h, "<span>当前用户：");
		text(h, s->user);
		put(h, "</span><form method=\"post\" action=\"/logout\">"
		       "<input type=\"hidden\" name=\"csrf\" value=\"");
		put(h, s->csrf); /* hex digits this process made */
		put(h, "\"><button type=\"submit\">退出登录</button></form>");
	}
	put(h, "</header><main><h1>");
	text(h, title);
	put(h, "</h1>\n");
}

static void foot(sl_html *h)
{
	put(h, "</main></body></html>\n");
}

void sl_html_head(sl_html *h, const sl_websess *s, const char *title)
{
	head(h, s, title);
}

void sl_html_case_head(sl_html *h, const sl_websess *s, const char *what,
                       const char *id)
{
	char title[160];
	snprintf(title, sizeof title, "%s %s", what, id);
	head(h, s, title);
	put(h, "<p><a href=\"/case/");
	url_part(h, id);
	put(h, "\">返回案件</a></p>");
}

void sl_html_foot(sl_html *h)
{
	foot(h);
}

void sl_page_message(sl_html *h, const sl_websess *s, const char *title,
                     const char *msg)
{
	head(h, s, title);
	put(h, "<p>");
	text(h, msg);
	put(h, "</p>");
	if (!s || !s->signed_in)
		put(h, "<p><a href=\"/login\">登录</a></p>");
	foot(h);
}

void sl_page_login(sl_html *h, const char *csrf, const char *msg)
{
	head(h, NULL, "登录");
	put(h, "<form class=\"login\" method=\"post\" action=\"/login\">");
	if (msg) {
		put(h, "<p class=\"error\">");
		text(h, msg);
		put(h, "</p>");
	}
	put(h, "<input type=\"hidden\" name=\"csrf\" value=\"");
	put(h, csrf);
	put(h, "\"><label>用户名 <input name=\"user\" required "
	       "autocomplete=\"username\" maxlength=\"32\"></label>"
	       "<label>口令 <input name=\"passphrase\" type=\"password\" "
	       "required autocomplete=\"current-password\"></label>"
	       "<button type=\"submit\">登录</button></form>");
	foot(h);
}

/* ---- 我的待办 ------------------------------------------------------------ */

static void days_left(sl_html *h, const json_t *c)
{
	const json_t *d = json_object_get(c, "days_left");
	if (json_is_integer(d))
		fmt(h, "%lld", (long long)json_integer_value(d));
	else
		put(h, "—");
	if (json_is_true(json_object_get(c, "clock_paused")))
		put(h, "（计时暂停）");
	if (json_is_true(json_object_get(c, "overdue")))
		put(h, " <span class=\"flag\">已超期</span>");
}

static void case_link(sl_html *h, const char *id)
{
	put(h, "<a href=\"/case/");
	url_part(h, id ? id : "");
	put(h, "\">");
	text(h, id ? id : "—");
	put(h, "</a>");
}

void sl_page_queue(sl_html *h, const sl_websess *s, const json_t *cases,
                   const json_t *agencies, size_t page, int paged)
{
	head(h, s, "我的待办");
	put(h, s->sees_all ? "<p>您可查看的全部案件" : "<p>分配给您审理的案件");
	put(h, paged ? "（续）。</p>" : "。</p>");
	size_t n = json_array_size(cases), shown = n > page ? page : n;
	if (!n) {
		put(h, "<p>暂无案件。</p>");
		foot(h);
		return;
	}
	put(h, "<table><thead><tr><th>案件编号</th><th>被审查调查人</th>"
	       "<th>移送单位</th><th>状态</th><th>审理期限</th>"
	       "<th>剩余工作日</th><th>退回次数</th></tr></thead><tbody>");
	for (size_t i = 0; i < shown; i++) {
		const json_t *c = json_array_get(cases, i);
		put(h, "<tr><td>");
		case_link(h, sl_jstr(c, "case_id"));
		put(h, "</td><td>");
		jtext(h, c, "subject_name");
		put(h, "</td><td>");
		text(h, sl_jstr(c, "agency")
		            ? org_name(agencies, sl_jstr(c, "agency"))
		            : "—");
		put(h, "</td><td>");
		text(h, sl_casedoc_state(sl_jstr(c, "state")));
		put(h, "</td><td>");
		jtext(h, c, "deadline");
		put(h, "</td><td>");
		days_left(h, c);
		fmt(h, "</td><td>%lld</td></tr>\n",
		    (long long)json_integer_value(
		        json_object_get(c, "returns")));
	}
	put(h, "</tbody></table><p class=\"pages\">");
	if (paged)
		put(h, "<a href=\"/\">第一页</a> ");
	if (n > page) { /* one more than a page came: there is a next */
		put(h, "<a id=\"next-page\" href=\"/?after=");
		url_part(h,
		         sl_jstr(json_array_get(cases, shown - 1), "case_id"));
		put(h, "\">下一页</a>");
	}
	put(h, "</p>");
	foot(h);
}

/* ---- an admin's home ------------------------------------------------------
 */

void sl_page_admin_home(sl_html *h, const sl_websess *s)
{
	head(h, s, "系统管理");
	put(h, "<p id=\"admin-home\">管理员负责审理系统本身：用户及其角色、"
	       "片区和派驻纪检监察组、受信任的签名密钥，以及审查插件、一致性"
	       "脚本和规则包等签名包的安装。这些管理操作在服务所在的主机上"
	       "办理，不在工作台中进行。</p>"
	       "<p>管理员不阅办案件：案件的受理、审理和签发由审理小组的组长"
	       "和组员办理。</p>"
	       "<p>在工作台中，管理员可以查看<a href=\"/audit\">审计</a>"
	       "页面：核验审计日志并查阅每一项操作的记录。</p>");
	foot(h);
}

/* ---- 案件阅卷 ------------------------------------------------------------ */

/* The findings and which of them a section has shown already. */
typedef struct {
	const json_t *list;
	char *shown;
} findings_t;

static int refers(const json_t *f, const char *id)
{
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(f, "refs"), i, r)
	{
		if (id && json_is_string(r) &&
		    !strcmp(json_string_value(r), id))
			return 1;
	}
	return 0;
}

static void finding(sl_html *h, const json_t *f)
{
	const char *sev = sl_jstr(f, "severity");
	fmt(h, "<div class=\"finding %s\">",
	    sev && (!strcmp(sev, "note") || !strcmp(sev, "warning"))
	        ? sev
	        : "blocker");
	put(h, "<strong>");
	text(h, sl_casedoc_severity(sev));
	put(h, "</strong>（");
	text(h, sl_casedoc_standard(sl_jstr(f, "standard")));
	put(h, "）");
	jtext(h, f, "message");
	if (sl_jstr(f, "outline_item")) {
		put(h, "<br>建议补查：");
		jtext(h, f, "outline_item");
	}
	/* the code names the check for whoever maintains it: last, small */
	put(h, " <small class=\"code\">");
	jtext(h, f, "check");
	put(h, "/");
	jtext(h, f, "code");
	put(h, "</small></div>\n");
}

/* The findings that name a or b (NULL: none), each shown once here. */
static void findings_on(sl_html *h, findings_t *fs, const char *a,
                        const char *b)
{
	size_t i;
	const json_t *f;
	json_array_foreach(fs->list, i, f)
	{
		if (refers(f, a) || refers(f, b)) {
			finding(h, f);
			fs->shown[i] = 1;
		}
	}
}

static void subject(sl_html *h, const json_t *d)
{
	const json_t *s = json_object_get(d, "subject");
	const json_t *ps = json_object_get(s, "prior_sanctions");
	put(h, "<h2>被审查调查人基本情况</h2><table>"
	       "<tr><th>姓名</th><td>");
	jtext(h, s, "name");
	put(h, "</td></tr><tr><th>人员编号</th><td>");
	jtext(h, s, "person_id");
	put(h, "</td></tr><tr><th>职务</th><td>");
	jtext(h, s, "position");
	put(h, "</td></tr><tr><th>职级</th><td>");
	jtext(h, s, "rank");
	put(h, "</td></tr><tr><th>中共党员</th><td>");
	put(h, json_is_true(json_object_get(s, "party_member")) ? "是" : "否");
	put(h, "</td></tr><tr><th>公职人员</th><td>");
	put(h,
	    json_is_true(json_object_get(s, "public_official")) ? "是" : "否");
	put(h, "</td></tr><tr><th>曾受处分</th><td>");
	if (!json_array_size(ps))
		put(h, "无");
	size_t i;
	const json_t *p;
	json_array_foreach(ps, i, p)
	{
		label(h, SYSTEMS, sl_jstr(p, "system"));
		put(h, " ");
		jtext(h, p, "level");
		put(h, "（");
		jtext(h, p, "decided_on");
		put(h, "）<br>");
	}
	/* seed 003: a subject carrying several sanctions must be seen */
	if (json_array_size(ps) >= 2)
		put(h, "<span class=\"flag\">受过多次处分</span>");
	put(h, "</td></tr></table>\n");
}

/* The codes of list k of the proposal, each by the name case show gave it
 * (labels group g), "、"-joined; none if the list is empty. */
static void named_list(sl_html *h, const json_t *lab, const json_t *p,
                       const char *k, const char *g, const char *none)
{
	size_t i;
	const json_t *c;
	const json_t *list = json_object_get(p, k);
	json_array_foreach(list, i, c)
	{
		if (i)
			put(h, "、");
		code_as(h,
		        sl_jstr(json_object_get(lab, g), json_string_value(c)),
		        json_string_value(c));
	}
	if (!json_array_size(list))
		put(h, none);
}

/* 移送单位意见: what the agency proposed, which the findings and every
 * opinion weigh (as case show prints it). */
void sl_html_proposal(sl_html *h, const json_t *show)
{
	const json_t *lab = json_object_get(show, "labels");
	const json_t *p =
	    json_object_get(json_object_get(show, "dossier"), "proposal");
	put(h, "<h2>移送单位意见</h2><table id=\"proposal\">"
	       "<tr><th>违纪类别</th><td>");
	named_list(h, lab, p, "disciplines", "disciplines", "—");
	put(h, "</td></tr><tr><th>违反中央八项规定精神</th><td>");
	put(h, json_is_true(json_object_get(p, "eight_point_rules")) ? "是"
	                                                             : "否");
	put(h, "</td></tr><tr><th>党纪处分</th><td>");
	text(h, sl_jstr(p, "party_sanction") ? sl_jstr(p, "party_sanction")
	                                     : "无");
	put(h, "</td></tr><tr><th>政务处分</th><td>");
	text(h, sl_jstr(p, "gov_sanction") ? sl_jstr(p, "gov_sanction") : "无");
	put(h, "</td></tr><tr><th>四种形态</th><td>");
	text(h, sl_jstr(lab, "form") ? sl_jstr(lab, "form") : "—");
	put(h, "</td></tr><tr><th>情节</th><td>");
	named_list(h, lab, p, "circumstances", "circumstances", "无");
	put(h, "</td></tr></table>\n");
}

static const json_t *evidence_of(const json_t *d, const char *id)
{
	size_t i;
	const json_t *e;
	json_array_foreach(json_object_get(d, "evidence"), i, e)
	{
		if (id && sl_jstr(e, "id") && !strcmp(sl_jstr(e, "id"), id))
			return e;
	}
	return NULL;
}

/* A code of the case by the name case show gave it (its "labels"), else
 * as the code it is. */
static void named(sl_html *h, const json_t *lab, const char *group,
                  const char *k)
{
	code_as(h, sl_jstr(json_object_get(lab, group), k ? k : ""), k);
}

static void evidence_row(sl_html *h, const json_t *lab, const json_t *e,
                         const char *id)
{
	put(h, "<tr><td>");
	text(h, id);
	put(h, "</td>");
	if (!e) {
		put(h, "<td colspan=\"5\" class=\"flag\">卷宗中无此证据</td>"
		       "</tr>\n");
		return;
	}
	put(h, "<td>");
	named(h, lab, "evidence", sl_jstr(e, "kind"));
	put(h, "</td><td>");
	jtext(h, e, "title");
	put(h, "</td><td>");
	jtext(h, e, "obtained_on");
	put(h, "</td><td>");
	jtext(h, e, "source");
	put(h, "</td><td>");
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(e, "tags"), i, t)
	{
		if (i)
			put(h, "、");
		text(h, sl_dossier_tag_zh(json_string_value(t)));
	}
	put(h, "</td></tr>\n");
}

static void evidence_head(sl_html *h)
{
	put(h, "<table><tr><th>证据</th><th>种类</th><th>名称</th>"
	       "<th>取得日期</th><th>来源</th><th>标签</th></tr>\n");
}

static void fact(sl_html *h, const json_t *lab, const json_t *d,
                 const json_t *f, findings_t *fs)
{
	put(h, "<div class=\"fact\"><h3>");
	jtext(h, f, "id");
	put(h, " ");
	jtext(h, f, "summary");
	put(h, "</h3><p>违纪行为：");
	named(h, lab, "violations", sl_jstr(f, "violation"));
	put(h, "；时间：");
	jtext(h, f, "from");
	put(h, " 至 ");
	jtext(h, f, "to");
	const json_t *amt = json_object_get(f, "amount_yuan");
	if (json_is_number(amt)) { /* rounded as every document rounds it */
		char y[64];
		sl_zh_yuan(json_number_value(amt), SL_YUAN_DOC, y, sizeof y);
		fmt(h, "；金额：%s%s", y,
		    json_is_true(json_object_get(f, "in_kind")) ? "（财物折价）"
		                                                : "");
	}
	if (sl_jstr(f, "use")) { /* what the money is said to have paid for */
		put(h, "；所称资金用途：");
		jtext(h, f, "use");
	}
	put(h, "</p>");
	evidence_head(h);
	size_t i;
	const json_t *ev;
	json_array_foreach(json_object_get(f, "evidence"), i, ev)
	{
		const char *id = json_string_value(ev);
		evidence_row(h, lab, evidence_of(d, id), id ? id : "—");
	}
	put(h, "</table>");
	/* the findings on the fact or on evidence it cites, each once */
	const json_t *x;
	json_array_foreach(fs->list, i, x)
	{
		int on = refers(x, sl_jstr(f, "id"));
		size_t j;
		json_array_foreach(json_object_get(f, "evidence"), j, ev) on =
		    on || refers(x, json_string_value(ev));
		if (on) {
			finding(h, x);
			fs->shown[i] = 1;
		}
	}
	put(h, "</div>\n");
}

static int cited(const json_t *d, const char *id)
{
	size_t i, j;
	const json_t *f, *ev;
	json_array_foreach(json_object_get(d, "facts"), i, f)
	    json_array_foreach(json_object_get(f, "evidence"), j, ev)
	{
		if (id && json_string_value(ev) &&
		    !strcmp(json_string_value(ev), id))
			return 1;
	}
	return 0;
}

static void facts(sl_html *h, const json_t *lab, const json_t *d,
                  findings_t *fs)
{
	put(h, "<h2>违纪事实及所依据的证据</h2>\n");
	size_t i;
	const json_t *f, *e;
	json_array_foreach(json_object_get(d, "facts"), i, f)
	    fact(h, lab, d, f, fs);
	int any = 0;
	json_array_foreach(json_object_get(d, "evidence"), i, e)
	{
		const char *id = sl_jstr(e, "id");
		if (cited(d, id))
			continue;
		if (!any++) {
			put(h, "<h3>未被事实引用的证据</h3>");
			evidence_head(h);
		}
		evidence_row(h, lab, e, id ? id : "—");
	}
	if (any)
		put(h, "</table>");
	json_array_foreach(json_object_get(d, "evidence"), i, e)
	{
		if (!cited(d, sl_jstr(e, "id")))
			findings_on(h, fs, sl_jstr(e, "id"), NULL);
	}
}

static int by_date(const void *a, const void *b)
{
	const char *x = sl_jstr(*(const json_t *const *)a, "date");
	const char *y = sl_jstr(*(const json_t *const *)b, "date");
	return strcmp(x ? x : "", y ? y : "");
}

static void documents(sl_html *h, const json_t *d, findings_t *fs)
{
	const json_t *docs = json_object_get(d, "documents");
	size_t n = json_array_size(docs);
	put(h, "<h2>卷宗文书（按日期）</h2>");
	if (!n) {
		put(h, "<p>无。</p>");
		return;
	}
	const json_t **v = calloc(n, sizeof *v);
	if (!v) {
		h->oom = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(docs, i);
	qsort(v, n, sizeof *v, by_date); /* ISO dates sort as text */
	put(h, "<table><tr><th>日期</th><th>文书</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		put(h, "<tr><td>");
		jtext(h, v[i], "date");
		put(h, "</td><td>");
		label(h, DOCUMENTS, sl_jstr(v[i], "kind"));
		put(h, "</td></tr>\n");
	}
	put(h, "</table>");
	for (size_t i = 0; i < n; i++) {
		char ref[96];
		const char *k = sl_jstr(v[i], "kind");
		snprintf(ref, sizeof ref, "doc:%s", k ? k : "");
		findings_on(h, fs, ref, k);
	}
	free(v);
}

#define EXTRA_MAX 64 /* fields shown; the rest counted */

typedef struct {
	sl_html *h;
	size_t n;
} extra_t;

static void extra_row(void *ud, const char *path, const char *key,
                      const json_t *val)
{
	extra_t *x = ud;
	if (x->n++ >= EXTRA_MAX)
		return;
	char k[SL_EXTRA_KEY_MAX], cut[SL_EXTRA_VALUE_MAX];
	sl_dossier_extra_text(key, val, k, cut);
	put(x->h, "<tr><td>");
	text(x->h, path);
	put(x->h, *path ? "." : "");
	text(x->h, k);
	put(x->h, "</td><td>");
	text(x->h, cut);
	put(x->h, "</td></tr>\n");
}

/* Fields the format does not define: kept as transferred and shown
 * (spec/case-format.md), as case show shows them. */
static void extra_fields(sl_html *h, const json_t *d)
{
	size_t all = sl_dossier_extra(d, NULL, NULL);
	if (!all)
		return;
	put(h, "<h2>其他字段（移送时附带，原样保存）</h2><table id=\"extra\">"
	       "<tr><th>字段</th><th>内容</th></tr>\n");
	extra_t x = {h, 0};
	sl_dossier_extra(d, extra_row, &x);
	put(h, "</table>");
	if (all > EXTRA_MAX)
		fmt(h, "<p>……另有 %zu 个字段。</p>", all - EXTRA_MAX);
}

static void outline_item(sl_html *h, const json_t *it)
{
	const json_t *a = json_object_get(it, "answer");
	const json_t *w = json_object_get(it, "withdrawn");
	put(h, "<tr><td>");
	fmt(h, "%lld",
	    (long long)json_integer_value(json_object_get(it, "no")));
	put(h, "</td><td>");
	jtext(h, it, "text");
	put(h, "</td><td>");
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(it, "refs"), i, r)
	{
		if (i)
			put(h, "、");
		ref_label(h, json_string_value(r));
	}
	put(h, "</td><td>");
	if (json_is_object(a)) {
		put(h, "已答复（");
		jtext(h, a, "answered_on");
		put(h, "）补充证据：");
		json_array_foreach(json_object_get(a, "evidence"), i, r)
		{
			text(h, json_string_value(r));
			put(h, " ");
		}
		if (sl_jstr(a, "note")) {
			put(h, "；说明：");
			jtext(h, a, "note");
		}
	} else if (json_is_object(w)) {
		put(h, "已撤回（");
		jtext(h, w, "withdrawn_on");
		put(h, "，");
		jtext(h, w, "by");
		put(h, "）：");
		jtext(h, w, "reason");
	} else {
		put(h, "<span class=\"flag\">未答复</span>");
	}
	put(h, "</td></tr>\n");
}

static void returns(sl_html *h, const json_t *outlines)
{
	put(h, "<h2>退回补查及答复</h2>");
	if (!json_array_size(outlines)) {
		put(h, "<p>本案未退回。</p>");
		return;
	}
	size_t i, j;
	const json_t *o, *it;
	json_array_foreach(outlines, i, o)
	{
		fmt(h, "<h3>第%lld次退回：",
		    (long long)json_integer_value(
		        json_object_get(o, "return_no")));
		text(h, sl_casedoc_return_kind(sl_jstr(o, "kind")));
		put(h, "</h3><p>退回人：");
		jtext(h, o, "returned_by");
		put(h, "；退回日期：");
		jtext(h, o, "returned_on");
		put(h, "；重新移送日期：");
		if (sl_jstr(o, "resubmitted_on"))
			jtext(h, o, "resubmitted_on");
		else
			put(h, "尚未重新移送");
		put(h, "</p><table><tr><th>序号</th><th>补查提纲</th>"
		       "<th>涉及</th><th>答复</th></tr>\n");
		json_array_foreach(json_object_get(o, "items"), j, it)
		    outline_item(h, it);
		put(h, "</table>");
	}
}

/* case show's deadline is an instant in UTC, the end of the limit's local
 * day: shown as that day, as case list shows it. */
static void local_day(sl_html *h, const char *utc)
{
	struct tm tm = {0};
	const char *end = utc ? strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	time_t t = end && !*end ? timegm(&tm) : (time_t)-1;
	char day[16];
	if (t != (time_t)-1 && localtime_r(&t, &tm) &&
	    strftime(day, sizeof day, "%Y-%m-%d", &tm))
		put(h, day);
	else
		text(h, utc ? utc : "—");
}

static void overview(sl_html *h, const json_t *v, const json_t *agencies,
                     const json_t *zones)
{
	put(h, "<table><tr><th>案件编号</th><td>");
	jtext(h, v, "case_id");
	put(h, "</td></tr><tr><th>移送单位</th><td id=\"agency\">");
	text(h, org_name(agencies, sl_jstr(v, "agency")));
	put(h, "</td></tr><tr><th>移送日期</th><td>");
	jtext(h, json_object_get(v, "dossier"), "transferred_on");
	put(h, "</td></tr><tr><th>片区</th><td id=\"zone\">");
	text(h, sl_jstr(v, "zone") ? org_name(zones, sl_jstr(v, "zone")) : "—");
	put(h, "</td></tr><tr><th>状态</th><td>");
	text(h, sl_casedoc_state(sl_jstr(v, "state")));
	/* why a case was deferred (or refused): what the agency must send,
	 * as `case show` prints it under 受理意见 */
	const json_t *why = json_object_get(v, "intake_reasons");
	if (json_array_size(why)) {
		put(h, "</td></tr><tr><th>受理意见</th><td "
		       "id=\"intake-reasons\">");
		size_t i;
		const json_t *r;
		json_array_foreach(why, i, r)
		{
			if (i)
				put(h, "<br>");
			sl_html_reason(h, json_string_value(r));
		}
	}
	put(h, "</td></tr><tr><th>审理期限</th><td>");
	local_day(h, sl_jstr(v, "deadline"));
	put(h, "</td></tr><tr><th>剩余工作日</th><td>");
	days_left(h, v);
	put(h, "</td></tr><tr><th>审理组</th><td>");
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(v, "team"), i, m)
	{
		jtext(h, m, sl_jstr(m, "name") ? "name" : "id");
		put(h, "（");
		text(h, sl_casedoc_role(sl_jstr(m, "role")));
		put(h, "） ");
	}
	if (!json_array_size(json_object_get(v, "team")))
		put(h, "尚未组成");
	put(h, "</td></tr></table>\n");
}

/* What the page says when no finding is left to show: whether the
 * checks ran at all is known from the state alone where the state says
 * it (never run before a team; run on the dossier as it stands before a
 * deliberation, gate_findings, and so before a sign-off); in review or
 * returned, `case show --json` does not say, and the page says what the
 * command line says then. */
static const char *no_findings(const json_t *show)
{
	const char *st = sl_jstr(show, "state");
	if (sl_same(st, "received") || sl_same(st, "accepted") ||
	    sl_same(st, "deferred") || sl_same(st, "refused"))
		return "<p id=\"no-findings\">尚未运行检查。</p>";
	if (sl_same(st, "deliberated") || sl_same(st, "signed_off"))
		return "<p id=\"no-findings\">检查未发现问题。</p>";
	return "<p id=\"no-findings\">尚无审查发现（尚未运行检查，或检查未"
	       "发现问题）。</p>";
}

void sl_page_case(sl_html *h, const sl_websess *s, const json_t *show,
                  const json_t *findings, const json_t *outlines,
                  const json_t *team_users, const json_t *agencies,
                  const json_t *zones)
{
	const json_t *d = json_object_get(show, "dossier");
	size_t n = json_array_size(findings);
	findings_t fs = {findings, calloc(n ? n : 1, 1)};
	if (!fs.shown) {
		h->oom = 1;
		return;
	}
	char title[160];
	const char *id = sl_jstr(show, "case_id"),
	           *who = sl_jstr(show, "subject_name");
	snprintf(title, sizeof title, "案件阅卷 %s %s", id ? id : "",
	         who ? who : "");
	head(h, s, title);
	overview(h, show, agencies, zones);
	sl_page_case_actions(h, s, show, outlines);
	if (team_users)
		sl_page_team_form(h, s, show, team_users, agencies, zones);
	subject(h, d);
	sl_html_proposal(h, show);
	facts(h, json_object_get(show, "labels"), d, &fs);
	documents(h, d, &fs);
	extra_fields(h, d);
	returns(h, outlines);
	put(h, "<h2>其他审查发现</h2>");
	int other = 0;
	for (size_t i = 0; i < n; i++)
		if (!fs.shown[i] && ++other)
			finding(h, json_array_get(findings, i));
	if (!other)
		put(h, n ? "<p>无。</p>" : no_findings(show));
	free(fs.shown);
	foot(h);
}
