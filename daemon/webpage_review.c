/* webpage_review.c - the case's review actions (webpage_review.h). */
#define _GNU_SOURCE
#include "webpage_review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/base.h>
#include <shenli/ops.h>

#include "webcall.h"
#include "webmultipart.h"

/* The most a composed outline takes from one form: findings picked and
 * items of the leader's own (the core bounds the outline itself). */
#define PICK_MAX 64
#define ITEM_MAX 32
/* The blank item rows a fresh form offers. */
#define ITEM_ROWS 3

static int is_leader(const sl_websess *s)
{
	return !strcmp(s->role, "leader");
}

/* ---- the case, as the other pages of it need it ------------------------- */

int sl_web_case_visible(struct MHD_Connection *c, sl_websess *s, const char *id,
                        json_t **show, enum MHD_Result *res)
{
	const char *av[] = {"case", "show", id, "--json", NULL};
	*show = NULL;
	int rc = sl_webcall_run(s->token, av, show);
	if (!rc && json_is_object(*show))
		return 1;
	json_decref(*show);
	*show = NULL;
	*res = rc == SL_EPERM || rc == SL_EINPUT
	           ? sl_web_not_found(c, s)
	           : sl_web_failed(c, s, rc ? rc : SL_ESYS);
	return 0;
}

enum MHD_Result sl_web_case_refusal(struct MHD_Connection *c,
                                    const sl_websess *s, int rc,
                                    const char *title, const char *id,
                                    const char *msg)
{
	sl_html h = {0};
	sl_html_head(&h, s, title);
	sl_html_put(&h, "<p class=\"error\">");
	sl_html_said(&h, msg, "服务拒绝了此操作。");
	sl_html_put(&h, "</p><p>未作任何更改。</p><p><a href=\"/case/");
	sl_html_url(&h, id);
	sl_html_put(&h, "\">返回案件</a></p>");
	sl_html_foot(&h);
	return sl_web_page(c, rc == SL_EPERM ? 403 : 400, &h);
}

int sl_web_case_post(struct MHD_Connection *c, sl_websess *s, const char *id,
                     const sl_webreq *r, enum MHD_Result *res)
{
	if (!sl_web_csrf_ok(s, r)) {
		*res = sl_web_refused(c, s);
		return 0;
	}
	json_t *show;
	if (!sl_web_case_visible(c, s, id, &show, res))
		return 0;
	json_decref(show);
	return 1;
}

enum MHD_Result sl_web_case_after(struct MHD_Connection *c, sl_websess *s,
                                  const char *id, const char *next,
                                  sl_webcall_res *res, int ran1,
                                  const char *title)
{
	enum MHD_Result ok;
	char to[128];
	snprintf(to, sizeof to, "/case/%s%s", id, next ? next : "");
	if (res->rc == SL_OK || (ran1 && res->rc == SL_FAIL))
		ok = sl_web_redirect(c, to);
	else if (res->rc == SL_EPERM || res->rc == SL_EINPUT ||
	         res->rc == SL_EUSAGE || res->rc == SL_FAIL)
		ok = sl_web_case_refusal(c, s, res->rc, title, id, res->err);
	else
		ok = sl_web_failed(c, s, res->rc);
	sl_webcall_res_free(res);
	return ok;
}

/* ---- the actions on the case page --------------------------------------- */

static void post_button(sl_html *h, const sl_websess *s, const char *id,
                        const char *action, const char *label)
{
	sl_html_put(h,
	            "<form method=\"post\" class=\"inline\" action=\"/case/");
	sl_html_url(h, id);
	sl_html_fmt(h,
	            "/%s\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	            "<button type=\"submit\" name=\"%s\">%s</button></form>",
	            action, s->csrf, action, label);
}

static void action_link(sl_html *h, const char *id, const char *to,
                        const char *label)
{
	sl_html_put(h, "<a class=\"action\" href=\"/case/");
	sl_html_url(h, id);
	sl_html_fmt(h, "/%s\">%s</a>", to, label);
}

/* The open items of the latest return, each with a form to withdraw it
 * (leader): a case is never stuck on an item the agency cannot answer. */
static void withdraw_forms(sl_html *h, const sl_websess *s, const char *id,
                           const json_t *outlines)
{
	size_t n = json_array_size(outlines), i;
	const json_t *last = n ? json_array_get(outlines, n - 1) : NULL, *it;
	int any = 0;
	json_array_foreach(json_object_get(last, "items"), i, it)
	{
		if (json_is_true(json_object_get(it, "answered")) ||
		    json_is_object(json_object_get(it, "answer")) ||
		    json_is_object(json_object_get(it, "withdrawn")))
			continue;
		long long no = json_integer_value(json_object_get(it, "no"));
		if (!any++)
			sl_html_put(h,
			            "<h3 class=\"noprint\">撤回补查事项</h3><p "
			            "class=\"noprint\">移送单位确实无法补查的"
			            "事项，可写明理由后撤回。</p>");
		sl_html_put(h, "<form method=\"post\" class=\"withdraw-form\" "
		               "action=\"/case/");
		sl_html_url(h, id);
		sl_html_fmt(h,
		            "/withdraw\"><input type=\"hidden\" name=\"csrf\" "
		            "value=\"%s\"><input type=\"hidden\" name=\"item\" "
		            "value=\"%lld\"><p>第%lld项：",
		            s->csrf, no, no);
		sl_html_text(h, sl_jstr(it, "text"));
		sl_html_fmt(h,
		            "</p><p><label>撤回理由 <input type=\"text\" "
		            "name=\"reason\" required maxlength=\"%d\" "
		            "size=\"60\"></label> <button type=\"submit\">"
		            "撤回此项</button></p></form>",
		            SL_WEB_CHARS(SL_WEB_ITEM_BYTES));
	}
}

static void resubmit_form(sl_html *h, const sl_websess *s, const char *id)
{
	sl_html_put(h, "<h3 class=\"noprint\">补充材料</h3><form "
	               "method=\"post\" "
	               "id=\"resubmit-form\" enctype=\"multipart/form-data\" "
	               "action=\"/case/");
	sl_html_url(h, id);
	sl_html_fmt(
	    h,
	    "/resubmit\"><input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\"><p><label for=\"resubmit-file\">移送单位补查后"
	    "重新移送的卷宗（完整卷宗，含对补查提纲各项的答复）：</label>"
	    "</p><p><input type=\"file\" id=\"resubmit-file\" "
	    "name=\"dossier\" required accept=\".json,application/json\">"
	    " <button type=\"submit\">上传补充材料</button></p></form>",
	    s->csrf);
}

void sl_page_case_actions(sl_html *h, const sl_websess *s, const json_t *show,
                          const json_t *outlines)
{
	const char *id = sl_jstr(show, "case_id"), *st = sl_jstr(show, "state");
	if (!id || !st)
		return;
	int review = sl_same(st, "in_review"), leader = is_leader(s);
	/* a reviewer is one on the case's team (a member's role is not
	 * always known here: `user list` is not theirs to read) */
	int reviewer = 0;
	size_t i;
	const json_t *a;
	json_array_foreach(json_object_get(show, "assignees"), i, a)
	{
		reviewer |= sl_same(json_string_value(a), s->user);
	}
	sl_html_put(h, "<nav class=\"actions\">");
	if (review && (leader || reviewer))
		post_button(h, s, id, "run", "运行审查");
	/* the deliberation, too, may send the case back */
	if ((review || sl_same(st, "deliberated")) && leader)
		action_link(h, id, "return", "退回补查");
	if ((review && (leader || reviewer)) || sl_same(st, "deliberated") ||
	    sl_same(st, "signed_off"))
		action_link(h, id, "opinion", "审理意见");
	if (leader &&
	    (review || sl_same(st, "deliberated") || sl_same(st, "signed_off")))
		action_link(h, id, "signoff", "签发");
	if (json_array_size(outlines))
		action_link(h, id, "outline.pdf", "退回补充调查函（PDF）");
	/* the documents are whoever may read the case's (api.md): this
	 * page's viewer may */
	if (sl_same(st, "signed_off")) {
		action_link(h, id, "report.pdf", "审理报告（PDF）");
		action_link(h, id, "opinion.pdf", "审理意见（PDF）");
	}
	sl_html_put(h, "</nav>\n");
	if (leader && sl_same(st, "returned")) {
		resubmit_form(h, s, id);
		withdraw_forms(h, s, id, outlines);
	} else if (leader && review) {
		withdraw_forms(h, s, id, outlines);
	}
}

/* ---- 退回补查 ------------------------------------------------------------ */

static void kind_select(sl_html *h, const char *kind)
{
	int re = sl_same(kind, "reinvestigate");
	sl_html_fmt(
	    h,
	    "<p><label>退回方式 <select name=\"kind\"><option "
	    "value=\"supplement\"%s>退回补充审查调查</option><option "
	    "value=\"reinvestigate\"%s>退回重新审查调查</option></select>"
	    "</label></p>",
	    re ? "" : " selected", re ? " selected" : "");
}

/* A finding as --from-finding names it: CODE, or CODE@REF when it cites
 * something (two findings of one code are told apart by what they cite). */
static void finding_key(const json_t *f, char *out, size_t cap)
{
	const char *ref =
	    json_string_value(json_array_get(json_object_get(f, "refs"), 0));
	snprintf(out, cap, "%s%s%s",
	         sl_jstr(f, "code") ? sl_jstr(f, "code") : "", ref ? "@" : "",
	         ref ? ref : "");
}

/* Is r a fact or an evidence item of the case (show: case show --json)? */
static int case_item(const json_t *show, const char *r)
{
	static const char *const lists[] = {"facts", "evidence"};
	const json_t *d = json_object_get(show, "dossier"), *x;
	size_t i;
	for (size_t k = 0; k < 2; k++)
		json_array_foreach(json_object_get(d, lists[k]), i, x)
		{
			if (sl_same(sl_jstr(x, "id"), r))
				return 1;
		}
	return 0;
}

/* A finding's ref as the leader's --ref takes it: a fact or evidence id,
 * a standard, "subject" and "doc:KIND" as they are; any other names a
 * document by its kind alone ("investigation_report", as the checks cite
 * one), which an item of the leader's names "doc:KIND". */
static const char *ref_prefix(const json_t *show, const char *r)
{
	static const char *const same[] = {
	    "subject",  "facts",       "evidence", "classification",
	    "disposal", "formalities", "procedure"};
	if (!strncmp(r, "doc:", 4) || case_item(show, r))
		return "";
	for (size_t i = 0; i < sizeof same / sizeof *same; i++)
		if (!strcmp(r, same[i]))
			return "";
	return "doc:";
}

/* A finding's refs as --ref takes them ("F1,E2", "doc:filing_approval"),
 * or its standard where it cites nothing: what the outline ties the
 * finding's item to (returns.c), so that the leader's wording of it is
 * tied to the same. */
static void refs_joined(const json_t *show, const json_t *f, char *out,
                        size_t cap)
{
	size_t i, o = 0;
	const json_t *r, *refs = json_object_get(f, "refs");
	out[0] = 0;
	if (!json_array_size(refs) && sl_jstr(f, "standard")) {
		snprintf(out, cap, "%s", sl_jstr(f, "standard"));
		return;
	}
	json_array_foreach(refs, i, r)
	{
		const char *v = json_string_value(r);
		int k = v ? snprintf(out + o, cap - o, "%s%s%s", o ? "," : "",
		                     ref_prefix(show, v), v)
		          : 0;
		if (k < 0 || (size_t)k >= cap - o) {
			out[o] = 0; /* what fits; the service checks them */
			break;
		}
		o += (size_t)k;
	}
}

/* Whether value v is among the posted values of name. */
static int posted_has(const sl_webreq *r, const char *name, const char *v)
{
	int yes = 0;
	char *x;
	size_t n;
	for (size_t i = 0; !yes && (x = sl_web_form(r, name, i, &n)); i++) {
		yes = sl_same(x, v);
		free(x);
	}
	return yes;
}

/* The value of field "name_n" (malloc'ed; NULL if absent or holding a
 * NUL). */
static char *field_n(const sl_webreq *r, const char *name, size_t n);

/* Finding f as row n: picked or not, its key, its refs and its text as
 * the outline would take it, the text editable; as the leader left them
 * in pre (a form posted before; NULL: as the checks suggest). */
static void finding_row(sl_html *h, const json_t *show, const json_t *f,
                        size_t n, const sl_webreq *pre)
{
	const char *sug = sl_jstr(f, "outline_item");
	/* without a suggestion --from-finding takes the message */
	const char *text = sug ? sug : sl_jstr(f, "message");
	char key[200], refs[400];
	finding_key(f, key, sizeof key);
	refs_joined(show, f, refs, sizeof refs);
	int on = pre ? posted_has(pre, "finding", key) : sug != NULL;
	char *was = pre ? field_n(pre, "key", n) : NULL;
	char *edit = sl_same(was, key) ? field_n(pre, "edit", n) : NULL;
	sl_html_fmt(h,
	            "<tr><td><input type=\"checkbox\" name=\"finding\"%s "
	            "aria-label=\"选用审查发现%zu\" value=\"",
	            on ? " checked" : "", n + 1);
	sl_html_text(h, key);
	sl_html_fmt(h, "\"><input type=\"hidden\" name=\"key_%zu\" value=\"",
	            n);
	sl_html_text(h, key);
	sl_html_fmt(h, "\"><input type=\"hidden\" name=\"refs_%zu\" value=\"",
	            n);
	sl_html_text(h, refs);
	sl_html_fmt(h, "\"><input type=\"hidden\" name=\"orig_%zu\" value=\"",
	            n);
	sl_html_text(h, text);
	sl_html_put(h, "\"></td><td>");
	sl_html_text(h, sl_jstr(f, "message"));
	sl_html_fmt(h,
	            "</td><td><textarea name=\"edit_%zu\" rows=\"2\" "
	            "cols=\"50\" maxlength=\"%d\" aria-label=\"审查发现%zu"
	            "的补查事项文字\">",
	            n, SL_WEB_CHARS(SL_WEB_ITEM_BYTES), n + 1);
	if (edit)
		sl_html_lines(h, edit);
	else
		sl_html_text(h, text);
	sl_html_put(h, "</textarea></td></tr>");
	free(was);
	free(edit);
}

/* The checks' findings, each one --from-finding takes: those with a
 * suggestion picked by default (as the command takes them), the others
 * (a blocker such as party_gov_mismatch) offered with their message as
 * the item's text, as the command takes them when picked; each text
 * editable. Row n carries the finding's key, its text as the outline
 * would take it and its refs, so that an edited one becomes the leader's
 * item on the same refs. */
static void finding_rows(sl_html *h, const json_t *show, const json_t *findings,
                         const sl_webreq *pre)
{
	size_t i, n = 0;
	const json_t *f;
	json_array_foreach(findings, i, f)
	{
		if (!sl_jstr(f, "code") || n == PICK_MAX ||
		    (!sl_jstr(f, "outline_item") && !sl_jstr(f, "message")))
			continue;
		if (!n)
			sl_html_put(
			    h, "<h2>审查发现的建议补查事项</h2><p>可勾选采用，"
			       "并可修改其文字（修改后作为组长的补查事项，"
			       "涉及范围不变）。未提出建议的审查发现默认不选，"
			       "选用时以其内容作为补查事项。</p><table><tr>"
			       "<th>选用</th><th>审查发现</th><th>建议补查事项"
			       "</th></tr>");
		finding_row(h, show, f, n++, pre);
	}
	if (n)
		sl_html_put(h, "</table>");
	else
		sl_html_put(h, "<p>检查未提出补查建议。</p>");
}

/* The leader's own item rows: those posted in pre (NULL: none) and blank
 * ones after them. */
static void item_rows(sl_html *h, const sl_webreq *pre)
{
	sl_html_put(h, "<h2>组长补充的补查事项</h2><p>每项写明需补查的内容，"
	               "并注明涉及的事实、证据编号（如 F1,E2；材料写 "
	               "doc:identity；被审查调查人写 subject）。</p><table>"
	               "<tr><th>补查事项</th><th>涉及</th></tr>");
	size_t given = 0, n;
	char *t;
	while (pre && given < ITEM_MAX &&
	       (t = sl_web_form(pre, "item_text", given, &n))) {
		free(t);
		given++;
	}
	size_t rows = given + ITEM_ROWS > ITEM_MAX ? ITEM_MAX
	              : given < ITEM_ROWS          ? ITEM_ROWS
	                                           : given + 1;
	for (size_t i = 0; i < rows; i++) {
		char *text = pre ? sl_web_form(pre, "item_text", i, &n) : NULL;
		char *refs = pre ? sl_web_form(pre, "item_refs", i, &n) : NULL;
		sl_html_fmt(h,
		            "<tr><td><textarea name=\"item_text\" rows=\"2\" "
		            "cols=\"60\" maxlength=\"%d\" aria-label=\"组长补充"
		            "的补查事项%zu\">",
		            SL_WEB_CHARS(SL_WEB_ITEM_BYTES), i + 1);
		sl_html_lines(h, text);
		sl_html_fmt(h,
		            "</textarea></td><td><input type=\"text\" "
		            "name=\"item_refs\" size=\"16\" maxlength=\"200\" "
		            "aria-label=\"组长补充的补查事项%zu涉及\" value=\"",
		            i + 1);
		sl_html_text(h, refs);
		sl_html_put(h, "\"></td></tr>");
		free(text);
		free(refs);
	}
	sl_html_put(h, "</table>");
}

static void return_form(sl_html *h, const sl_websess *s, const char *id,
                        const json_t *show, const json_t *fnd,
                        const sl_webreq *pre)
{
	size_t n;
	char *kind = pre ? sl_web_form(pre, "kind", 0, &n) : NULL;
	sl_html_put(h, "<form method=\"post\" id=\"return-form\" "
	               "action=\"/case/");
	sl_html_url(h, id);
	sl_html_fmt(h,
	            "/return\"><input type=\"hidden\" name=\"csrf\" "
	            "value=\"%s\">",
	            s->csrf);
	kind_select(h, kind ? kind : "supplement");
	free(kind);
	finding_rows(h, show, fnd, pre);
	item_rows(h, pre);
	sl_html_put(h, "<p><button type=\"submit\" name=\"action\" "
	               "value=\"preview\">预览补查提纲</button></p></form>");
}

/* Whether the rules allow the case another return: the service's dry
 * run of an empty one says so before anything else (a refusal it does
 * not audit); if not, the page says its refusal and offers no form. */
static int return_allowed(sl_html *h, sl_websess *s, const char *id)
{
	const char *av[] = {"review",    "return",     id,
	                    "--kind",    "supplement", "--no-findings",
	                    "--dry-run", "--json",     NULL};
	sl_webcall_res out;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &out);
	if (rc == SL_EPERM) {
		sl_html_put(h, "<p class=\"error\" id=\"return-limit\">");
		sl_html_said(h, out.err, "本案不能再退回。");
		sl_html_put(h, "</p><p><a href=\"/case/");
		sl_html_url(h, id);
		sl_html_put(h, "\">返回案件</a></p>");
	}
	sl_webcall_res_free(&out);
	return rc != SL_EPERM;
}

/* The composing form: filled with pre (a form posted before: 重新编辑,
 * or one refused) or as the checks suggest (NULL); err (NULL: none) says
 * why the last one was not taken. */
static enum MHD_Result return_page(struct MHD_Connection *c, sl_websess *s,
                                   const char *id, const sl_webreq *pre,
                                   const char *err, unsigned status)
{
	json_t *show, *fnd = NULL;
	enum MHD_Result res;
	if (!sl_web_case_visible(c, s, id, &show, &res))
		return res;
	if (!is_leader(s)) {
		json_decref(show);
		return sl_web_message(c, 403, s, "无权操作",
		                      "只有组长可以退回补查。");
	}
	const char *av[] = {"review", "findings", id, "--json", NULL};
	int rc = sl_webcall_run(s->token, av, &fnd);
	if (rc) {
		json_decref(show);
		return sl_web_failed(c, s, rc);
	}
	sl_html h = {0};
	char title[120];
	snprintf(title, sizeof title, "退回补查 %s", id);
	sl_html_head(&h, s, title);
	if (err) {
		sl_html_put(&h, "<p class=\"error\" id=\"return-error\">");
		sl_html_said(&h, err, "服务拒绝了此操作。");
		sl_html_put(&h, "</p><p>未作任何更改；下方保留了您填写的"
		                "内容。</p>");
	}
	sl_html_fmt(
	    &h,
	    "<p>本案已退回 %lld 次。上次退回尚未补查的事项自动"
	    "列入本次补查提纲。</p>",
	    (long long)json_integer_value(json_object_get(show, "returns")));
	if (return_allowed(&h, s, id))
		return_form(&h, s, id, show, fnd, pre);
	sl_html_foot(&h);
	json_decref(show);
	json_decref(fnd);
	return sl_web_page(c, status, &h);
}

enum MHD_Result sl_web_return_form(struct MHD_Connection *c, sl_websess *s,
                                   const char *id)
{
	return return_page(c, s, id, NULL, NULL, 200);
}

/* What a return form posted, each value malloc'ed (freed by
 * composed_free). */
typedef struct {
	char *kind;
	char *finding[PICK_MAX];
	size_t n_finding;
	char *text[ITEM_MAX], *refs[ITEM_MAX];
	size_t n_item;
	char why[256]; /* why it was not taken, in the form's words */
} composed;

static void composed_free(composed *p)
{
	free(p->kind);
	for (size_t i = 0; i < p->n_finding; i++)
		free(p->finding[i]);
	for (size_t i = 0; i < p->n_item; i++) {
		free(p->text[i]);
		free(p->refs[i]);
	}
}

/* Whether v (length n) may be one word of the command: no NUL inside. */
static int word_ok(const char *v, size_t n)
{
	return v && strlen(v) == n;
}

/* The value of field "name_n" (malloc'ed; NULL if absent or holding a
 * NUL). */
static char *field_n(const sl_webreq *r, const char *name, size_t n)
{
	char f[32];
	size_t len = 0;
	snprintf(f, sizeof f, "%s_%zu", name, n);
	char *v = sl_web_form(r, f, 0, &len);
	if (v && !word_ok(v, len)) {
		free(v);
		return NULL;
	}
	return v;
}

/* A picked suggestion whose text the leader changed leaves the picked
 * findings and becomes an item of the leader's on the finding's refs. */
static int edited_read(const sl_webreq *r, composed *p)
{
	int rc = 0;
	for (size_t n = 0; !rc && n < PICK_MAX; n++) {
		char *key = field_n(r, "key", n);
		if (!key)
			break;
		size_t k = 0;
		while (k < p->n_finding && strcmp(p->finding[k], key))
			k++;
		char *edit = k < p->n_finding ? field_n(r, "edit", n) : NULL;
		char *orig = edit ? field_n(r, "orig", n) : NULL;
		char *refs = orig ? field_n(r, "refs", n) : NULL;
		char f[32];
		snprintf(f, sizeof f, "edit_%zu", n);
		if (k < p->n_finding && !edit && sl_web_form_sent(r, f, 0)) {
			/* typed, but not text: never the suggestion's own
			 * words in its place */
			snprintf(
			    p->why, sizeof p->why,
			    "审查发现%zu的补查事项文字不是有效的文本（须为 "
			    "UTF-8 编码，且不含空字符）。",
			    n + 1);
			rc = -1;
		}
		/* a browser sends a textarea's line ends as CRLF */
		if (edit && orig && strcmp(edit, orig) &&
		    strspn(edit, " \r\n\t") < strlen(edit)) {
			if (!refs) {
				snprintf(p->why, sizeof p->why,
				         "审查发现%zu的涉及范围无效。", n + 1);
				rc = -1;
			} else if (p->n_item == ITEM_MAX) {
				snprintf(p->why, sizeof p->why,
				         "“组长补充的补查事项”（含修改过文字"
				         "的建议）最多 %d 项。",
				         ITEM_MAX);
				rc = -1;
			} else {
				p->text[p->n_item] = edit;
				p->refs[p->n_item++] = refs;
				edit = refs = NULL;
				free(p->finding[k]); /* the others keep their
				                        order */
				memmove(&p->finding[k], &p->finding[k + 1],
				        (--p->n_finding - k) *
				            sizeof *p->finding);
			}
		} else if (edit && orig && strcmp(edit, orig)) {
			snprintf(p->why, sizeof p->why,
			         "审查发现%zu的补查事项文字被清空：不采用该"
			         "项时，请改为不勾选。",
			         n + 1);
			rc = -1; /* emptied: untick it instead */
		}
		free(key);
		free(edit);
		free(orig);
		free(refs);
	}
	return rc;
}

/* Row i (from 0) of the leader's own items, read into p: 1 if there is
 * one, 0 past the last, -1 with p->why if it is not one the form sends. */
static int item_read(const sl_webreq *r, composed *p, size_t i)
{
	size_t tn = 0, rn = 0;
	char *t = sl_web_form(r, "item_text", i, &tn);
	char *f = sl_web_form(r, "item_refs", i, &rn);
	/* a value sent but not text is not a row left out */
	int t_sent = t || sl_web_form_sent(r, "item_text", i),
	    f_sent = f || sl_web_form_sent(r, "item_refs", i);
	int rc = 1;
	if (!t_sent && !f_sent) {
		rc = 0;
	} else if (!word_ok(t, tn) || !word_ok(f, rn)) {
		snprintf(p->why, sizeof p->why,
		         "“组长补充的补查事项”第 %zu 行的%s不是有效的文本"
		         "（须为 UTF-8 编码，且不含空字符）。",
		         i + 1, word_ok(t, tn) ? "“涉及”" : "补查事项");
		rc = -1;
	} else if ((tn || rn) && p->n_item == ITEM_MAX) {
		snprintf(p->why, sizeof p->why,
		         "“组长补充的补查事项”最多 %d 项。", ITEM_MAX);
		rc = -1;
	} else if (tn || rn) { /* else a row left blank */
		p->text[p->n_item] = t;
		p->refs[p->n_item++] = f;
		return 1;
	}
	free(t);
	free(f);
	return rc;
}

/* What a return form posted, into p: 0, or -1 with p->why saying which
 * field is not one the form sends, in the form's words. */
static int composed_read(const sl_webreq *r, composed *p)
{
	size_t n;
	memset(p, 0, sizeof *p);
	p->kind = sl_web_form(r, "kind", 0, &n);
	if (!word_ok(p->kind, n) || (!sl_same(p->kind, "supplement") &&
	                             !sl_same(p->kind, "reinvestigate"))) {
		snprintf(p->why, sizeof p->why,
		         "“退回方式”须为“退回补充审查调查”或“退回重新审查"
		         "调查”。");
		return -1;
	}
	char *v;
	for (size_t i = 0;; i++) {
		v = sl_web_form(r, "finding", i, &n);
		if (!v && !sl_web_form_sent(r, "finding", i))
			break;
		if (p->n_finding == PICK_MAX || !word_ok(v, n) || !n) {
			free(v);
			snprintf(p->why, sizeof p->why,
			         p->n_finding == PICK_MAX
			             ? "“审查发现的建议补查事项”选用的项目"
			               "过多。"
			             : "“审查发现的建议补查事项”中选用的"
			               "一项不是本页列出的审查发现。");
			return -1;
		}
		p->finding[p->n_finding++] = v;
	}
	if (edited_read(r, p) != 0)
		return -1;
	int rc;
	for (size_t i = 0; (rc = item_read(r, p, i)) == 1; i++)
		;
	return rc;
}

/* The argv of `review return` for what was posted. */
static void return_argv(const char *id, const composed *p, int dry,
                        const char **av)
{
	size_t n = 0;
	av[n++] = "review";
	av[n++] = "return";
	av[n++] = id;
	av[n++] = "--kind";
	av[n++] = p->kind;
	if (!p->n_finding)
		av[n++] = "--no-findings";
	for (size_t i = 0; i < p->n_finding; i++) {
		av[n++] = "--from-finding";
		av[n++] = p->finding[i];
	}
	for (size_t i = 0; i < p->n_item; i++) {
		av[n++] = "--item";
		av[n++] = p->text[i];
		av[n++] = "--ref";
		av[n++] = p->refs[i];
	}
	if (dry)
		av[n++] = "--dry-run";
	av[n++] = "--json";
	av[n] = NULL;
}

static void hidden(sl_html *h, const char *name, const char *v)
{
	sl_html_fmt(h, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	sl_html_text(h, v);
	sl_html_put(h, "\">");
}

static const char *source_zh(const char *src, char *buf, size_t cap)
{
	if (!src || sl_same(src, "leader"))
		return "组长";
	if (sl_same(src, "carried"))
		return "上次退回未补查事项";
	snprintf(buf, cap, "审查发现 %s", src);
	return buf;
}

/* Every field of the composing form as r posted it, hidden: what
 * 重新编辑 brings back to the form (a suggestion's edit as the leader
 * typed it, not as the outline took it). */
static void posted_again(sl_html *h, const sl_webreq *r)
{
	static const char *const names[] = {"kind", "finding", "item_text",
	                                    "item_refs"};
	static const char *const rows[] = {"key", "refs", "orig", "edit"};
	size_t n;
	char *v, f[32];
	for (size_t k = 0; k < sizeof names / sizeof *names; k++)
		for (size_t i = 0; (v = sl_web_form(r, names[k], i, &n)); i++) {
			hidden(h, names[k], v);
			free(v);
		}
	for (size_t i = 0; i < PICK_MAX; i++)
		for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
			snprintf(f, sizeof f, "%s_%zu", rows[k], i);
			if (!(v = sl_web_form(r, f, 0, &n))) {
				if (!k)
					return; /* no row i: none after */
				continue;
			}
			hidden(h, f, v);
			free(v);
		}
}

static void preview_items(sl_html *h, const json_t *o)
{
	char buf[200];
	size_t i, j;
	const json_t *it, *r;
	json_array_foreach(json_object_get(o, "items"), i, it)
	{
		sl_html_put(h, "<li>");
		sl_html_text(h, sl_jstr(it, "text"));
		sl_html_put(h, "<br><small>涉及：");
		json_array_foreach(json_object_get(it, "refs"), j, r)
		{
			if (j)
				sl_html_put(h, "、");
			sl_html_ref(h, json_string_value(r));
		}
		sl_html_put(h, "；来源：");
		sl_html_text(h,
		             source_zh(sl_jstr(it, "source"), buf, sizeof buf));
		sl_html_put(h, "</small></li>");
	}
}

/* The dry run's outline, numbered, the form that confirms it with the
 * same values, and the one that takes what was posted (r) back to the
 * composing form. */
static enum MHD_Result preview(struct MHD_Connection *c, sl_websess *s,
                               const char *id, const composed *p,
                               const json_t *o, const sl_webreq *r)
{
	sl_html h = {0};
	char title[120];
	snprintf(title, sizeof title, "补查提纲预览 %s", id);
	sl_html_head(&h, s, title);
	sl_html_fmt(
	    &h,
	    "<p>第%lld次退回：%s。以下为将送交移送单位的补查提纲，"
	    "确认后退回，审理期限暂停计算。</p>"
	    "<ol id=\"outline-preview\">",
	    (long long)json_integer_value(json_object_get(o, "return_no")),
	    sl_same(p->kind, "reinvestigate") ? "退回重新审查调查"
	                                      : "退回补充审查调查");
	preview_items(&h, o);
	sl_html_put(&h, "</ol><form method=\"post\" id=\"confirm-form\" "
	                "class=\"inline\" action=\"/case/");
	sl_html_url(&h, id);
	sl_html_fmt(&h,
	            "/return\"><input type=\"hidden\" name=\"csrf\" "
	            "value=\"%s\">",
	            s->csrf);
	hidden(&h, "kind", p->kind);
	for (size_t i = 0; i < p->n_finding; i++)
		hidden(&h, "finding", p->finding[i]);
	for (size_t i = 0; i < p->n_item; i++) {
		hidden(&h, "item_text", p->text[i]);
		hidden(&h, "item_refs", p->refs[i]);
	}
	sl_html_put(&h, "<button type=\"submit\" name=\"action\" "
	                "value=\"confirm\">确认退回</button></form> "
	                "<form method=\"post\" id=\"reedit-form\" "
	                "class=\"inline\" action=\"/case/");
	sl_html_url(&h, id);
	sl_html_fmt(&h,
	            "/return\"><input type=\"hidden\" name=\"csrf\" "
	            "value=\"%s\">",
	            s->csrf);
	posted_again(&h, r);
	sl_html_put(&h, "<button type=\"submit\" name=\"action\" "
	                "value=\"edit\">重新编辑</button></form>");
	sl_html_foot(&h);
	return sl_web_page(c, 200, &h);
}

/* The service refused the outline: the form again, as posted, with its
 * message; an item named by number as the preview numbers it. */
static enum MHD_Result return_refused(struct MHD_Connection *c, sl_websess *s,
                                      const char *id, const sl_webreq *r,
                                      const sl_webcall_res *out)
{
	return return_page(c, s, id, r, out->err,
	                   out->rc == SL_EPERM ? 403 : 400);
}

/* The outline p: previewed (dry), or returned. */
static enum MHD_Result return_sent(struct MHD_Connection *c, sl_websess *s,
                                   const char *id, const composed *p,
                                   const sl_webreq *r, int dry)
{
	const char *av[8 + 2 * PICK_MAX + 4 * ITEM_MAX];
	return_argv(id, p, dry, av);
	sl_webcall_res out;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &out);
	enum MHD_Result res;
	if (dry && rc == SL_OK) {
		json_error_t e;
		json_t *o = json_loadb((const char *)out.out, out.len, 0, &e);
		res = o ? preview(c, s, id, p, o, r)
		        : sl_web_failed(c, s, SL_ESYS);
		json_decref(o);
	} else if (rc == SL_EPERM || rc == SL_EINPUT || rc == SL_EUSAGE ||
	           rc == SL_FAIL) {
		res = return_refused(c, s, id, r, &out);
	} else {
		char to[128];
		snprintf(to, sizeof to, "/case/%s", id);
		res = rc == SL_OK ? sl_web_redirect(c, to)
		                  : sl_web_failed(c, s, rc);
	}
	sl_webcall_res_free(&out);
	return res;
}

/* The leader's items are within the service's bound (refused here in
 * the form's words before anything is sent). */
static int items_within(const composed *p)
{
	for (size_t i = 0; i < p->n_item; i++)
		if (strlen(p->text[i]) > SL_WEB_ITEM_BYTES)
			return 0;
	return 1;
}

enum MHD_Result sl_web_return(struct MHD_Connection *c, sl_websess *s,
                              const char *id, const sl_webreq *r)
{
	enum MHD_Result res;
	if (!sl_web_case_post(c, s, id, r, &res))
		return res;
	size_t an = 0;
	char *action = sl_web_form(r, "action", 0, &an);
	int dry = sl_same(action, "preview"),
	    confirm = sl_same(action, "confirm"),
	    edit = sl_same(action, "edit");
	free(action);
	if (edit) /* 重新编辑: the form as it was posted */
		return return_page(c, s, id, r, NULL, 200);
	if (!dry && !confirm)
		return sl_web_message(c, 400, s, "未能退回",
		                      "提交的补查提纲无效，未作任何更改。");
	composed p;
	char why[160];
	snprintf(why, sizeof why,
	         "“补查事项”过长：最多 %d 字节（约 %d 个汉字）。",
	         SL_WEB_ITEM_BYTES, SL_WEB_CHARS(SL_WEB_ITEM_BYTES));
	if (composed_read(r, &p) != 0)
		res = return_page(c, s, id, r, p.why, 400);
	else if (!items_within(&p))
		res = return_page(c, s, id, r, why, 400);
	else
		res = return_sent(c, s, id, &p, r, dry);
	composed_free(&p);
	return res;
}

/* ---- withdraw, run, resubmit, the letter -------------------------------- */

enum MHD_Result sl_web_withdraw(struct MHD_Connection *c, sl_websess *s,
                                const char *id, const sl_webreq *r)
{
	enum MHD_Result res;
	if (!sl_web_case_post(c, s, id, r, &res))
		return res;
	size_t in = 0, rn = 0;
	char *item = sl_web_form(r, "item", 0, &in);
	char *reason = sl_web_form(r, "reason", 0, &rn);
	/* each said by what the page shows: the item as its 第N项, the
	 * box as 撤回理由 */
	if (!word_ok(item, in) || !in || strspn(item, "0123456789") != in) {
		res = sl_web_message(
		    c, 400, s, "未能撤回",
		    item || sl_web_form_sent(r, "item", 0)
		        ? "要撤回的补查事项无效：须为补查提纲中的项号"
		          "（第几项，正整数），未作任何更改。"
		        : "未指明要撤回哪一项补查事项（第几项），未作任何"
		          "更改。");
	} else if (!reason && !sl_web_form_sent(r, "reason", 0)) {
		res = sl_web_message(c, 400, s, "未能撤回",
		                     "请填写“撤回理由”，未作任何更改。");
	} else if (!word_ok(reason, rn)) {
		res = sl_web_message(c, 400, s, "未能撤回",
		                     "“撤回理由”不是有效的文本（须为 UTF-8 "
		                     "编码，且不含空字符），未作任何更改。");
	} else if (strspn(reason, " \t\r\n") == rn) {
		/* said here in the form's words: the command would ask for
		 * its --reason */
		res = sl_web_message(c, 400, s, "未能撤回",
		                     "请填写“撤回理由”，未作任何更改。");
	} else if (rn > SL_WEB_ITEM_BYTES) {
		res = sl_web_too_long(c, s, "未能撤回", "撤回理由",
		                      SL_WEB_ITEM_BYTES);
	} else {
		const char *av[] = {"review",   "withdraw", id,       item,
		                    "--reason", reason,     "--json", NULL};
		sl_webcall_res out;
		sl_webcall_exec(s->token, av, NULL, 1, &out);
		res = sl_web_case_after(c, s, id, NULL, &out, 0, "未能撤回");
	}
	free(item);
	free(reason);
	return res;
}

enum MHD_Result sl_web_run(struct MHD_Connection *c, sl_websess *s,
                           const char *id, const sl_webreq *r)
{
	enum MHD_Result res;
	if (!sl_web_case_post(c, s, id, r, &res))
		return res;
	const char *av[] = {"review", "run", id, "--json", NULL};
	sl_webcall_res out;
	sl_webcall_exec(s->token, av, NULL, 1, &out);
	return sl_web_case_after(c, s, id, NULL, &out, 1, "未能运行审查");
}

/* The item numbers of list (a JSON array of integers) as "第1、2项". */
static void item_nos(sl_html *h, const json_t *list)
{
	size_t i;
	const json_t *no;
	sl_html_put(h, "第");
	json_array_foreach(list, i, no)
	{
		sl_html_fmt(h, "%s%lld", i ? "、" : "",
		            (long long)json_integer_value(no));
	}
	sl_html_put(h, "项");
}

/* The text of item no in outline o (`review outline --json`); NULL. */
static const char *item_text(const json_t *o, long long no)
{
	size_t i;
	const json_t *it;
	json_array_foreach(json_object_get(o, "items"), i, it)
	{
		if (json_integer_value(json_object_get(it, "no")) == no)
			return sl_jstr(it, "text");
	}
	return NULL;
}

/* The checks the resubmission ran on the new dossier, as res (`case
 * resubmit --json`) has them. */
static void resubmit_checks(sl_html *h, const json_t *res)
{
	const json_t *ck = json_object_get(res, "checks");
	sl_html_put(h, "<p id=\"resubmit-checks\">");
	if (json_is_object(ck)) {
		long long b =
		    json_integer_value(json_object_get(ck, "blockers"));
		sl_html_fmt(
		    h,
		    "已对新卷宗重新运行审查：阻断性问题 %lld 个，警示 %lld "
		    "个，提示 %lld 个。%s",
		    b,
		    (long long)json_integer_value(
		        json_object_get(ck, "warnings")),
		    (long long)json_integer_value(json_object_get(ck, "notes")),
		    b ? "详见案件页面的审查发现。" : "");
	} else {
		sl_html_put(h, "未能对新卷宗运行审查：");
		sl_html_text(h, sl_jstr(res, "checks_not_run")
		                    ? sl_jstr(res, "checks_not_run")
		                    : "原因不明");
		sl_html_put(h, "。");
	}
	sl_html_put(h, "</p>");
}

/* A resubmission taken in with items still open or blockers found (the
 * command exits 1 and says so): the page says so too, each open item with
 * why, where a redirect to the case would say nothing. res: the
 * command's `--json`. */
static enum MHD_Result resubmitted(struct MHD_Connection *c, sl_websess *s,
                                   const char *id, const json_t *res)
{
	long long no = json_integer_value(json_object_get(res, "return_no"));
	char n[24];
	snprintf(n, sizeof n, "%lld", no);
	const char *av[] = {"review", "outline", id,  "--return",
	                    n,        "--json",  NULL};
	json_t *outl = NULL; /* without it, the items by number alone */
	if (sl_webcall_run(s->token, av, &outl) != 0) {
		json_decref(outl);
		outl = NULL;
	}
	const json_t *open = json_object_get(res, "open"), *it;
	sl_html h = {0};
	sl_html_case_head(&h, s, "补充材料", id);
	sl_html_fmt(&h,
	            "<p id=\"resubmit-taken\">补充材料已接收：移送单位重新"
	            "移送的卷宗已登记为本案卷宗（第%lld次退回的答复）。</p>",
	            no);
	if (json_array_size(json_object_get(res, "answered"))) {
		sl_html_put(&h, "<p>已答复的补查事项：");
		item_nos(&h, json_object_get(res, "answered"));
		sl_html_put(&h, "。</p>");
	}
	if (json_array_size(json_object_get(res, "withdrawn"))) {
		sl_html_put(&h, "<p>已撤回、无需答复的补查事项：");
		item_nos(&h, json_object_get(res, "withdrawn"));
		sl_html_put(&h, "。</p>");
	}
	size_t i;
	if (json_array_size(open))
		sl_html_put(&h, "<h2>仍未答复的补查事项</h2><p>以下事项的答复"
		                "未被认可，仍待移送单位补查：</p><ul "
		                "id=\"open-items\">");
	json_array_foreach(open, i, it)
	{
		long long k = json_integer_value(json_object_get(it, "no"));
		sl_html_fmt(&h, "<li>第%lld项", k);
		if (item_text(outl, k)) {
			sl_html_put(&h, "（");
			sl_html_text(&h, item_text(outl, k));
			sl_html_put(&h, "）");
		}
		sl_html_put(&h, "：");
		sl_html_text(&h, sl_jstr(it, "why"));
		sl_html_put(&h, "</li>");
	}
	if (json_array_size(open))
		sl_html_put(&h, "</ul>");
	resubmit_checks(&h, res);
	sl_html_foot(&h);
	json_decref(outl);
	return sl_web_page(c, 200, &h);
}

enum MHD_Result sl_web_resubmit(struct MHD_Connection *c, sl_websess *s,
                                const char *id, const sl_webreq *r)
{
	sl_webpart ps[4];
	int n = sl_web_parts(c, r, ps, 4);
	if (n < 0 || !sl_web_parts_csrf(s, ps, n))
		return sl_web_refused(c, s); /* no token read: nothing done */
	json_t *show;
	enum MHD_Result res;
	if (!sl_web_case_visible(c, s, id, &show, &res))
		return res;
	json_decref(show);
	const sl_webpart *file = NULL;
	for (int i = 0; i < n; i++)
		if (sl_web_part_named(&ps[i], "dossier") && ps[i].len)
			file = &ps[i];
	if (!file)
		return sl_web_message(c, 400, s, "未能接收补充材料",
		                      "未选择卷宗文件，未作任何更改。");
	/* the user's file name: the service's messages say it */
	char name[100];
	sl_web_part_file(file, name, sizeof name);
	char *b64 = sl_b64_encode(file->data, file->len);
	json_t *files = b64 ? json_pack("{s:s}", name, b64) : NULL;
	free(b64);
	if (!files)
		return sl_web_failed(c, s, SL_ESYS);
	const char *av[] = {"case", "resubmit", id, name, "--json", NULL};
	sl_webcall_res out;
	sl_webcall_exec(s->token, av, files, 1, &out);
	json_decref(files);
	/* 1 with the command's JSON: taken in, with items still open or
	 * blockers found, which the page says; 1 without it: refused */
	json_t *taken = NULL;
	if (out.rc == SL_FAIL && out.len)
		taken = json_loadb((const char *)out.out, out.len, 0, NULL);
	if (!json_is_object(taken) || !sl_same(sl_jstr(taken, "case_id"), id)) {
		json_decref(taken);
		return sl_web_case_after(c, s, id, NULL, &out, 0,
		                         "未能接收补充材料");
	}
	sl_webcall_res_free(&out);
	res = resubmitted(c, s, id, taken);
	json_decref(taken);
	return res;
}

enum MHD_Result sl_web_case_pdf(struct MHD_Connection *c, sl_websess *s,
                                const char *const *av, const char *name)
{
	sl_webcall_res out;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &out);
	enum MHD_Result res;
	if (rc == SL_OK && out.len > 4 && !memcmp(out.out, "%PDF", 4))
		res = sl_web_document(c, "application/pdf", out.out, out.len,
		                      name);
	else if (rc == SL_EPERM || rc == SL_EINPUT)
		res = sl_web_not_found(c, s); /* none yet, or not theirs */
	else
		res = sl_web_failed(c, s, rc ? rc : SL_ESYS);
	sl_webcall_res_free(&out);
	return res;
}

enum MHD_Result sl_web_outline_pdf(struct MHD_Connection *c, sl_websess *s,
                                   const char *id)
{
	const char *av[] = {"review", "outline", id, "--format", "pdf", NULL};
	char name[96];
	snprintf(name, sizeof name, "%s-outline.pdf", id);
	return sl_web_case_pdf(c, s, av, name);
}
