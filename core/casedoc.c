/* casedoc.c - what the documents of a case share. See casedoc.h. */
#include "casedoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cases.h"
#include "caseview.h"
#include "db.h"
#include "doc_html.h"
#include "doc_md.h"
#include "doc_pdf.h"
#include "policy.h"
#include "templates.h"
#include "zhtext.h"

const char *sl_casedoc_str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
#define str sl_casedoc_str

static const char *pick(const char *const tab[][2], const char *code,
                        const char *fallback)
{
	for (size_t i = 0; code && tab[i][0]; i++)
		if (!strcmp(tab[i][0], code))
			return tab[i][1];
	return fallback;
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
                                       {"auditor", "审计员"},
                                       {NULL, NULL}};
static const char *const STATES[][2] = {{"received", "已接收"},
                                        {"accepted", "已受理"},
                                        {"deferred", "暂缓受理"},
                                        {"refused", "不予受理"},
                                        {"in_review", "审理中"},
                                        {"returned", "已退回"},
                                        {"deliberated", "已集体审议"},
                                        {"signed_off", "已签发"},
                                        {NULL, NULL}};
static const char *const SEVERITIES[][2] = {
    {"blocker", "阻断"}, {"warning", "警示"}, {"note", "提示"}, {NULL, NULL}};

const char *sl_casedoc_discipline(const char *c)
{
	return pick(DISCIPLINES, c, "—");
}
const char *sl_casedoc_standard(const char *c)
{
	return pick(STANDARDS, c, "—");
}
const char *sl_casedoc_state(const char *c)
{
	return pick(STATES, c, "—");
}
const char *sl_casedoc_severity(const char *c)
{
	return pick(SEVERITIES, c, "—");
}
const char *sl_casedoc_role(const char *c)
{
	return pick(ROLES, c, "审理组成员");
}
const char *sl_casedoc_return_kind(const char *k)
{
	return k && !strcmp(k, "reinvestigate") ? "重新审查调查"
	                                        : "补充审查调查";
}

const char *sl_casedoc_violation(const sl_casedoc *src, const char *code)
{
	const sl_violation *v =
	    code ? sl_rules_violation(src->rules, code) : NULL;
	return v ? v->zh : "未列入规则的违纪行为";
}

/* The rules name a kind or give the code back: a code is not printed. */
const char *sl_casedoc_evidence_kind(const sl_casedoc *src, const char *k)
{
	const char *zh = k ? sl_rules_evidence_name(src->rules, k) : NULL;
	return zh && strcmp(zh, k) ? zh : "其他证据";
}

const char *sl_casedoc_doc_kind(const sl_casedoc *src, const char *k)
{
	const char *zh = k ? sl_rules_doc_name(src->rules, k) : NULL;
	return zh && strcmp(zh, k) ? zh : "其他文书";
}

void sl_casedoc_form(const sl_casedoc *src, json_int_t form, char *out,
                     size_t cap)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(sl_rules_json(src->rules), "forms"),
	                   i, f)
	{
		if (json_integer_value(json_object_get(f, "form")) == form &&
		    str(f, "zh")) {
			snprintf(out, cap, "%s", str(f, "zh"));
			return;
		}
	}
	char n[40];
	sl_zh_number((int)form, n, sizeof n);
	snprintf(out, cap, "第%s种形态", n);
}

void sl_casedoc_person(const sl_casedoc *src, const char *user_id,
                       const char *role, char *out, size_t cap)
{
	const json_t *m = user_id ? json_object_get(src->team, user_id) : NULL;
	const char *name = str(m, "name");
	/* the leader is on no team: their name comes with their opinion */
	size_t i;
	const json_t *o;
	static const char *const lists[] = {"opinions", "opinions_reassigned"};
	for (size_t l = 0; l < 2; l++)
		json_array_foreach(json_object_get(src->view, lists[l]), i, o)
		{
			const char *a = str(o, "author");
			if (!name && user_id && a && !strcmp(user_id, a))
				name = str(o, "author_name");
		}
	if (name && *name) {
		snprintf(out, cap, "%s", name);
		return;
	}
	snprintf(out, cap, "%s", sl_casedoc_role(role ? role : str(m, "role")));
}

const char *sl_casedoc_agency(const sl_casedoc *src)
{
	return src->agency_name && *src->agency_name ? src->agency_name
	                                             : "移送单位";
}

void sl_casedoc_date(const char *iso, char *out, size_t cap)
{
	if (sl_zh_date(iso, 0, out, cap))
		snprintf(out, cap, "—");
}

const json_t *sl_casedoc_panel_opinion(const sl_casedoc *src)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(src->view, "opinions"), i, o)
	{
		if (json_is_true(json_object_get(o, "panel")))
			return o;
	}
	return NULL;
}

/* ---- loading -------------------------------------------------------------
 */

void sl_casedoc_free(sl_casedoc *src)
{
	json_decref(src->view);
	json_decref(src->team);
	json_decref(src->evidence);
	json_decref(src->facts);
	sl_rules_free(src->rules);
	sl_doctemplate_free(src->own_tpl);
	free(src->signed_head);
	free(src->agency_name);
	free(src->zone_name);
	memset(src, 0, sizeof *src);
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	return t ? strdup(t) : NULL;
}

/* id -> entry of a list of objects; the first of a repeated id wins. One
 * pass, so that every lookup after it is a hash lookup: the documents
 * stay linear in facts and evidence. */
static json_t *index_by(const json_t *list, const char *key)
{
	json_t *m = json_object();
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *k = str(v, key);
		if (k && !json_object_get(m, k))
			json_object_set(m, k, v);
	}
	return m;
}

static sl_rc read_all(sl_store *s, int64_t ref, const char *case_id,
                      sl_casedoc *src)
{
	sqlite3_stmt *st;
	sl_rc rc = sl_caseview_script_json(s, ref, case_id, &src->view);
	if (!rc)
		rc = sl_rules_load(s, &src->rules);
	if (rc)
		return rc;
	int64_t seq;
	uint8_t h[SL_SHA256_LEN];
	if ((rc = sl_audit_head(s, &seq, h)))
		return rc;
	sl_audit_format_anchor(seq, h, src->head);
	if (sl_db_prepare(s,
	                  "SELECT c.signed_head, a.name, z.name FROM cases"
	                  " c LEFT JOIN agencies a ON a.code = c.agency"
	                  " LEFT JOIN zones z ON z.code = c.zone"
	                  " WHERE c.id = ?",
	                  &st))
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

sl_rc sl_casedoc_load(sl_store *s, const char *case_id,
                      const sl_doctemplate *tpl, sl_casedoc *src)
{
	memset(src, 0, sizeof *src);
	int64_t ref;
	sl_state state;
	sl_rc rc = sl_case_require(s, SL_ACT_CASE_READ, case_id, &ref, &state);
	if (rc)
		return rc;
	/* the template package in force, else the built-in; one that is in
	 * force but may not be used refuses the document (templates.h) */
	if (!tpl) {
		if ((rc = sl_template_in_force(s, &src->own_tpl)) ||
		    (!src->own_tpl &&
		     (rc = sl_doctemplate_builtin(&src->own_tpl))))
			return rc;
		tpl = src->own_tpl;
	}
	src->tpl = tpl;
	int own;
	if ((rc = sl_db_read_begin(s, &own))) {
		sl_casedoc_free(src);
		return rc;
	}
	rc = read_all(s, ref, case_id, src);
	sl_db_read_end(s, own);
	if (!rc) {
		src->team = index_by(json_object_get(src->view, "team"), "id");
		src->evidence =
		    index_by(json_object_get(src->view, "evidence"), "id");
		src->facts =
		    index_by(json_object_get(src->view, "facts"), "id");
		if (!src->team || !src->evidence || !src->facts)
			rc = sl_error(SL_ESYS, _("out of memory"));
		sl_doctemplate_panel(tpl, str(src->view, "zone"),
		                     src->zone_name, src->panel,
		                     sizeof src->panel);
	}
	if (rc)
		sl_casedoc_free(src);
	return rc;
}

int sl_casedoc_format_ok(const char *format)
{
	return format && (!strcmp(format, "md") || !strcmp(format, "html") ||
	                  !strcmp(format, "pdf"));
}

sl_rc sl_casedoc_render(const sl_doc *d, const char *format, char **out,
                        size_t *len)
{
	if (format && !strcmp(format, "html"))
		return sl_doc_html(d, out, len);
	if (format && !strcmp(format, "pdf"))
		return sl_doc_pdf(d, out, len);
	if (!format || !strcmp(format, "md"))
		return sl_doc_md(d, out, len);
	return sl_error(SL_EINPUT, _("unknown format '%s': md, html or pdf"),
	                format);
}

/* ---- the frame ------------------------------------------------------------
 */

void sl_casedoc_frame(const sl_casedoc *src, sl_doc *d, sl_dockind k,
                      const char *title, const char *date_iso, const char *to)
{
	const sl_tpl_doc *t = sl_doctemplate_doc(src->tpl, k);
	char buf[512];
	snprintf(buf, sizeof buf, "%06d", t->copy_no);
	sl_doc_set(d, SL_DOC_COPY_NO, buf);
	if (*t->secrecy) {
		snprintf(buf, sizeof buf, "%s%s%s", t->secrecy,
		         *t->secrecy_period ? "★" : "", t->secrecy_period);
		sl_doc_set(d, SL_DOC_SECRECY, buf);
	}
	sl_doc_set(d, SL_DOC_URGENCY, t->urgency);
	sl_doc_set(d, SL_DOC_ISSUER, src->panel);
	/* 发文字号: the registry gives the number when the document is
	 * registered; reading a case writes nothing, so it is left blank */
	if (*t->code && date_iso && strlen(date_iso) >= 4) {
		snprintf(buf, sizeof buf, "%s〔%.4s〕　　号", t->code,
		         date_iso);
		sl_doc_set(d, SL_DOC_NUMBER, buf);
	}
	sl_doc_set(d, SL_DOC_TITLE, title);
	sl_doc_set(d, SL_DOC_TO, to ? to : t->to);
	sl_doc_set(d, SL_DOC_SIGNER, src->panel);
	if (!sl_zh_date(date_iso, sl_doctemplate_chinese_dates(src->tpl), buf,
	                sizeof buf))
		sl_doc_set(d, SL_DOC_DATE, buf);
	sl_doc_set(d, SL_DOC_NOTE, t->note);
	/* 抄送: names joined with "，" (the renderer ends it with "。") */
	buf[0] = 0;
	for (size_t i = 0; i < t->ncc; i++) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof buf - n, "%s%s", i ? "，" : "",
		         t->cc[i]);
	}
	sl_doc_set(d, SL_DOC_CC, buf);
	sl_doc_set(d, SL_DOC_PRINTER, *t->printer ? t->printer : src->panel);
	/* 印发日期 in Arabic numerals, as GB/T 9704 7.4.3 wants */
	if (!sl_zh_date(str(src->view, "today"), 0, buf, sizeof buf))
		sl_doc_set(d, SL_DOC_PRINT_DATE, buf);
	sl_doc_set(d, SL_DOC_FONT_XBS,
	           sl_doctemplate_fonts(src->tpl, SL_FONT_XBS));
	sl_doc_set(d, SL_DOC_FONT_FANGSONG,
	           sl_doctemplate_fonts(src->tpl, SL_FONT_FANGSONG));
	sl_doc_set(d, SL_DOC_FONT_HEI,
	           sl_doctemplate_fonts(src->tpl, SL_FONT_HEI));
	sl_doc_set(d, SL_DOC_FONT_KAI,
	           sl_doctemplate_fonts(src->tpl, SL_FONT_KAI));
	sl_doc_set(d, SL_DOC_FONT_SONG,
	           sl_doctemplate_fonts(src->tpl, SL_FONT_SONG));
}

/* ---- shared sections ------------------------------------------------------
 */

static void signer_row(const sl_casedoc *src, sl_doc *d, const json_t *o,
                       const char *what)
{
	char who[256];
	sl_casedoc_person(src, str(o, "author"), str(o, "author_role"), who,
	                  sizeof who);
	sl_doc_row(d);
	sl_doc_cell(d);
	sl_doc_put(d, who);
	sl_doc_cell(d);
	sl_doc_put(d, what);
	sl_doc_cell(d);
	sl_doc_put(d, str(o, "sig_key"));
}

void sl_casedoc_annex_verify(const sl_casedoc *src, sl_doc *d, int panel_only)
{
	sl_doc_annex(d, "审计核验信息");
	sl_doc_para(d);
	sl_doc_put(d, "本文件由审理工作站依据案件数据生成。下列审计链头可"
	              "作为核验锚点：在审理工作站核验审计日志时输入，可确认"
	              "日志自此以后未被回退或篡改；签名密钥指纹可与审理工作站"
	              "登记的用户密钥核对。");
	static const char *const H[] = {"项目", "内容"};
	static const double W[] = {1, 3};
	sl_doc_table(d, 2, H, W);
	const char *r1[] = {"生成时审计链头", src->head};
	sl_doc_rowv(d, r1);
	const char *r2[] = {"签发时审计链头",
	                    src->signed_head ? src->signed_head : "尚未签发"};
	sl_doc_rowv(d, r2);
	static const char *const H2[] = {"签名人", "所签", "签名密钥指纹"};
	static const double W2[] = {1, 1, 3};
	sl_doc_table(d, 3, H2, W2);
	const json_t *ops = json_object_get(src->view, "opinions");
	const json_t *panel = sl_casedoc_panel_opinion(src);
	size_t i, n = 0;
	json_t *o;
	json_array_foreach(ops, i, o)
	{
		int is_panel = json_is_true(json_object_get(o, "panel"));
		if (panel_only && !is_panel) {
			/* a dissenter's own opinion carries their key */
			int dissent = 0;
			size_t k;
			json_t *x;
			json_array_foreach(json_object_get(panel, "dissent"), k,
			                   x)
			{
				const char *m = str(x, "member");
				dissent |= m && str(o, "author") &&
				           !strcmp(m, str(o, "author"));
			}
			if (!dissent)
				continue;
		}
		signer_row(src, d, o,
		           is_panel ? "审理组集体审议意见" : "个人审理意见");
		n++;
	}
	if (!n) {
		const char *r[] = {"—", "尚无签名意见", "—"};
		sl_doc_rowv(d, r);
	}
}

void sl_casedoc_classification(const sl_casedoc *src, sl_doc *d,
                               const json_t *o)
{
	json_t *root = sl_rules_json(src->rules);
	size_t i;
	json_t *f;
	sl_doc_para(d);
	sl_doc_put(d, "违反纪律：");
	const json_t *dis = json_object_get(o, "disciplines");
	if (!json_array_size(dis))
		sl_doc_put(d, "未载明");
	json_array_foreach(dis, i, f)
	{
		if (i)
			sl_doc_put(d, "、");
		sl_doc_put(d, sl_casedoc_discipline(json_string_value(f)));
	}
	sl_doc_put(d, "。违反中央八项规定精神：");
	sl_doc_put(d, json_is_true(json_object_get(o, "eight_point_rules"))
	                  ? "是。"
	                  : "否。");
	sl_doc_para(d);
	sl_doc_put(d, "党纪处分：");
	sl_doc_put(d,
	           str(o, "party_sanction") ? str(o, "party_sanction") : "无");
	sl_doc_put(d, "；政务处分：");
	sl_doc_put(d, str(o, "gov_sanction") ? str(o, "gov_sanction") : "无");
	char form[256];
	sl_casedoc_form(src, json_integer_value(json_object_get(o, "form")),
	                form, sizeof form);
	sl_doc_put(d, "；运用形态：");
	sl_doc_put(d, form);
	sl_doc_put(d, "。");
	json_t *circ = json_object_get(o, "circumstances");
	json_t *names = json_object_get(root, "circumstances");
	if (json_array_size(circ)) {
		sl_doc_para(d);
		sl_doc_put(d, "情节：");
		json_array_foreach(circ, i, f)
		{
			const char *c = json_string_value(f);
			const char *zh =
			    c ? str(json_object_get(names, c), "zh") : NULL;
			/* a name may hold 、 of its own (主动退赃、退还) */
			if (i)
				sl_doc_put(d, "；");
			/* an unknown code is dossier text: shown as given
			 * (spec/case-format.md), cleaned as all text is on
			 * its way into the document and escaped by each
			 * renderer */
			sl_doc_put(d, zh ? zh : c);
		}
		sl_doc_put(d, "。");
	}
}

void sl_casedoc_refs(const sl_casedoc *src, sl_doc *d, const json_t *refs)
{
	if (!json_array_size(refs)) {
		sl_doc_put(d, "—");
		return;
	}
	size_t i;
	json_t *r;
	json_array_foreach(refs, i, r)
	{
		const char *v = json_string_value(r);
		if (i)
			sl_doc_put(d, "、");
		const char *zh = pick(STANDARDS, v, NULL);
		if (zh) {
			sl_doc_put(d, zh);
			sl_doc_put(d, "问题");
			continue;
		}
		if (v && !strncmp(v, "doc:", 4)) { /* a document's kind */
			sl_doc_put(d, "材料：");
			sl_doc_put(d, sl_casedoc_doc_kind(src, v + 4));
			continue;
		}
		if (v && json_object_get(src->facts, v))
			sl_doc_put(d, "事实");
		else if (v && json_object_get(src->evidence, v))
			sl_doc_put(d, "证据");
		sl_doc_put(d, v);
	}
}
