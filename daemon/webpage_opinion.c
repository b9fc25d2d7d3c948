/* webpage_opinion.c - 审理意见 (webpage_opinion.h). */
#define _GNU_SOURCE
#include "webpage_opinion.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/base.h>

#include "webcall.h"
#include "webpage_review.h"

/* What one form may carry (the core's own bounds are the same or
 * smaller: it refuses more). */
#define DISC_MAX 6
#define CIRC_MAX 32
#define DISSENT_ROWS 2
#define DISSENT_MAX 16

/* The Chinese name of code in a vocabulary list [{code, zh}]. */
static const char *zh_of(const json_t *list, const char *key, const char *code)
{
	size_t i;
	const json_t *e;
	json_array_foreach(list, i, e)
	{
		if (sl_same(sl_jstr(e, key), code))
			return sl_jstr(e, "zh") ? sl_jstr(e, "zh") : code;
	}
	return code;
}

/* ---- the form ------------------------------------------------------------
 * Filled with pre (NULL: empty): an opinion as `review opinions --json`
 * gives one (the user's own in force), or what was just posted and
 * refused, so that nothing typed is lost. */

/* Does the array a hold the string v? */
static int holds(const json_t *a, const char *v)
{
	size_t i;
	const json_t *e;
	json_array_foreach(a, i, e)
	{
		if (sl_same(json_string_value(e), v))
			return 1;
	}
	return 0;
}

static void checkboxes(sl_html *h, const char *name, const json_t *list,
                       const char *key, const json_t *chosen)
{
	size_t i;
	const json_t *e;
	json_array_foreach(list, i, e)
	{
		sl_html_fmt(h,
		            "<label class=\"choice\"><input type=\"checkbox\" "
		            "name=\"%s\" value=\"",
		            name);
		sl_html_text(h, sl_jstr(e, key));
		sl_html_put(h, holds(chosen, sl_jstr(e, key)) ||
		                       holds(chosen, sl_jstr(e, "zh"))
		                   ? "\" checked> "
		                   : "\"> ");
		sl_html_text(h, sl_jstr(e, "zh"));
		sl_html_put(h, "</label> ");
	}
}

static void sanction_select(sl_html *h, const char *name, const char *label,
                            const json_t *names, const char *chosen)
{
	sl_html_fmt(h,
	            "<p><label>%s <select name=\"%s\"><option value=\"\">"
	            "无</option>",
	            label, name);
	size_t i;
	const json_t *e;
	json_array_foreach(names, i, e)
	{
		sl_html_put(h, "<option value=\"");
		sl_html_text(h, json_string_value(e));
		sl_html_put(h, sl_same(json_string_value(e), chosen)
		                   ? "\" selected>"
		                   : "\">");
		sl_html_text(h, json_string_value(e));
		sl_html_put(h, "</option>");
	}
	sl_html_put(h, "</select></label></p>");
}

/* Dissent row r (from 1): a member of the team and what they said. */
static void dissent_input(sl_html *h, const json_t *show, int r,
                          const json_t *d)
{
	sl_html_fmt(h,
	            "<p><select name=\"dissent_member\" aria-label=\"不同意见"
	            "%d：成员\"><option value=\"\">（无）</option>",
	            r);
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(show, "team"), i, m)
	{
		sl_html_put(h, "<option value=\"");
		sl_html_text(h, sl_jstr(m, "id"));
		sl_html_put(h, sl_same(sl_jstr(m, "id"), sl_jstr(d, "member"))
		                   ? "\" selected>"
		                   : "\">");
		sl_html_text(h, sl_jstr(m, "name") ? sl_jstr(m, "name")
		                                   : sl_jstr(m, "id"));
		sl_html_put(h, "</option>");
	}
	sl_html_fmt(h,
	            "</select> <textarea name=\"dissent_text\" rows=\"2\" "
	            "cols=\"50\" maxlength=\"%d\" aria-label=\"不同意见%d："
	            "内容\">",
	            SL_WEB_CHARS(SL_WEB_TEXT_BYTES), r);
	sl_html_lines(h, sl_jstr(d, "text"));
	sl_html_put(h, "</textarea></p>");
}

/* The panel's part (a leader's): dissent of members, property. */
static void panel_part(sl_html *h, const json_t *show, const json_t *pre)
{
	const json_t *ds = json_object_get(pre, "dissent");
	size_t rows = json_array_size(ds) < DISSENT_ROWS ? DISSENT_ROWS
	              : json_array_size(ds) < DISSENT_MAX
	                  ? json_array_size(ds) + 1
	                  : DISSENT_MAX;
	sl_html_fmt(h,
	            "<fieldset><legend>集体审议</legend><p><label>"
	            "<input type=\"checkbox\" name=\"panel\" value=\"1\"%s> "
	            "记录为审理组集体审议意见（案件转入已集体审议）</label>"
	            "</p><p>不同意见（如实记录，可留空）：</p>",
	            pre && !json_is_true(json_object_get(pre, "panel"))
	                ? ""
	                : " checked");
	for (size_t r = 0; r < rows; r++)
		dissent_input(h, show, (int)r + 1, json_array_get(ds, r));
	sl_html_fmt(h,
	            "<p><label>涉案财物处置意见<br><textarea "
	            "name=\"property\" rows=\"2\" cols=\"70\" "
	            "maxlength=\"%d\">",
	            SL_WEB_CHARS(SL_WEB_TEXT_BYTES));
	sl_html_lines(h, sl_jstr(pre, "property"));
	sl_html_put(h, "</textarea></label></p></fieldset>");
}

static void form_radios(sl_html *h, const json_t *vocab, const json_t *pre)
{
	long long chosen = json_integer_value(json_object_get(pre, "form"));
	size_t i;
	const json_t *f;
	sl_html_put(h, "<p>四种形态：");
	json_array_foreach(json_object_get(vocab, "forms"), i, f)
	{
		long long v = json_integer_value(json_object_get(f, "form"));
		sl_html_fmt(h,
		            "<label class=\"choice\"><input type=\"radio\" "
		            "name=\"form\" value=\"%lld\"%s%s> ",
		            v, i ? "" : " required",
		            v == chosen ? " checked" : "");
		sl_html_text(h, sl_jstr(f, "zh"));
		sl_html_put(h, "</label> ");
	}
	sl_html_put(h, "</p>");
}

static void opinion_form(sl_html *h, const sl_websess *s, const char *id,
                         const json_t *show, const json_t *vocab,
                         const json_t *pre)
{
	int leader = !strcmp(s->role, "leader");
	sl_html_put(h, leader ? "<h2>审理组集体审议意见</h2>"
	                      : "<h2>本人意见</h2>");
	sl_html_put(h, "<form method=\"post\" id=\"opinion-form\" "
	               "action=\"/case/");
	sl_html_url(h, id);
	sl_html_fmt(h,
	            "/opinion\"><input type=\"hidden\" name=\"csrf\" "
	            "value=\"%s\"><p>违反纪律（可多选）：",
	            s->csrf);
	checkboxes(h, "discipline", json_object_get(vocab, "disciplines"),
	           "code", json_object_get(pre, "disciplines"));
	sl_html_fmt(h,
	            "</p><p><label><input type=\"checkbox\" "
	            "name=\"eight_point\" value=\"1\"%s> 违反中央八项规定精神"
	            "</label></p>",
	            json_is_true(json_object_get(pre, "eight_point_rules"))
	                ? " checked"
	                : "");
	form_radios(h, vocab, pre);
	sanction_select(h, "party_sanction", "党纪处分",
	                json_object_get(vocab, "party_sanctions"),
	                sl_jstr(pre, "party_sanction"));
	sanction_select(h, "gov_sanction", "政务处分",
	                json_object_get(vocab, "gov_sanctions"),
	                sl_jstr(pre, "gov_sanction"));
	sl_html_put(h, "<p>情节：");
	checkboxes(h, "circumstance", json_object_get(vocab, "circumstances"),
	           "code", json_object_get(pre, "circumstances"));
	sl_html_fmt(h,
	            "</p><p><label>理由<br><textarea name=\"reason\" "
	            "rows=\"6\" cols=\"80\" required maxlength=\"%d\">",
	            SL_WEB_CHARS(SL_WEB_REASON_BYTES));
	sl_html_lines(h, sl_jstr(pre, "reasoning"));
	sl_html_put(h, "</textarea></label></p>");
	if (leader)
		panel_part(h, show, pre);
	sl_html_put(h, "<p><button type=\"submit\">提交意见</button></p>"
	               "</form>\n");
}

/* ---- the team's opinions, side by side ---------------------------------- */

static void names_row(sl_html *h, const char *th, const json_t *ops,
                      const char *k, const json_t *vocab, const char *vk)
{
	sl_html_fmt(h, "<tr><th>%s</th>", th);
	size_t i, j;
	const json_t *o, *v;
	json_array_foreach(ops, i, o)
	{
		sl_html_put(h, "<td>");
		json_array_foreach(json_object_get(o, k), j, v)
		{
			if (j)
				sl_html_put(h, "、");
			sl_html_text(h, zh_of(json_object_get(vocab, vk),
			                      "code", json_string_value(v)));
		}
		if (!json_array_size(json_object_get(o, k)))
			sl_html_put(h, "无");
		sl_html_put(h, "</td>");
	}
	sl_html_put(h, "</tr>");
}

static void text_row(sl_html *h, const char *th, const json_t *ops,
                     const char *k)
{
	sl_html_fmt(h, "<tr><th>%s</th>", th);
	size_t i;
	const json_t *o;
	json_array_foreach(ops, i, o)
	{
		sl_html_put(h, "<td>");
		sl_html_text(h, sl_jstr(o, k) ? sl_jstr(o, k) : "无");
		sl_html_put(h, "</td>");
	}
	sl_html_put(h, "</tr>");
}

static void dissent_row(sl_html *h, const json_t *ops)
{
	sl_html_put(h, "<tr><th>不同意见</th>");
	size_t i, j;
	const json_t *o, *d;
	json_array_foreach(ops, i, o)
	{
		sl_html_put(h, "<td>");
		json_array_foreach(json_object_get(o, "dissent"), j, d)
		{
			sl_html_put(h, "<p class=\"dissent\">");
			sl_html_text(h, sl_jstr(d, "member"));
			sl_html_put(h, "：");
			sl_html_text(h, sl_jstr(d, "text"));
			sl_html_put(h, "</p>");
		}
		if (!json_array_size(json_object_get(o, "dissent")))
			sl_html_put(h, "—");
		sl_html_put(h, "</td>");
	}
	sl_html_put(h, "</tr>");
}

static void opinions_table(sl_html *h, const json_t *ops, const json_t *vocab)
{
	sl_html_put(h, "<h2>审理组意见对照</h2><table id=\"opinions\"><tr>"
	               "<th>意见人</th>");
	size_t i;
	const json_t *o;
	json_array_foreach(ops, i, o)
	{
		sl_html_put(h, "<th>");
		if (json_is_true(json_object_get(o, "panel"))) {
			sl_html_put(h, "审理组集体审议意见（");
			sl_html_text(h, sl_jstr(o, "author"));
			sl_html_put(h, "）");
		} else {
			sl_html_text(h, sl_jstr(o, "author_name")
			                    ? sl_jstr(o, "author_name")
			                    : sl_jstr(o, "author"));
		}
		sl_html_put(h, "</th>");
	}
	sl_html_put(h, "</tr>");
	names_row(h, "违反纪律", ops, "disciplines", vocab, "disciplines");
	sl_html_put(h, "<tr><th>违反中央八项规定精神</th>");
	json_array_foreach(ops, i, o)
	    sl_html_put(h, json_is_true(json_object_get(o, "eight_point_rules"))
	                       ? "<td>是</td>"
	                       : "<td>否</td>");
	sl_html_put(h, "</tr><tr><th>四种形态</th>");
	json_array_foreach(ops, i, o)
	{
		long long f = json_integer_value(json_object_get(o, "form"));
		const json_t *fe =
		    json_array_get(json_object_get(vocab, "forms"),
		                   f >= 1 && f <= 4 ? (size_t)(f - 1) : 99);
		sl_html_put(h, "<td>");
		sl_html_text(h, fe ? sl_jstr(fe, "zh") : "—");
		sl_html_put(h, "</td>");
	}
	sl_html_put(h, "</tr>");
	text_row(h, "党纪处分", ops, "party_sanction");
	text_row(h, "政务处分", ops, "gov_sanction");
	names_row(h, "情节", ops, "circumstances", vocab, "circumstances");
	text_row(h, "理由", ops, "reasoning");
	dissent_row(h, ops);
	text_row(h, "涉案财物处置", ops, "property");
	text_row(h, "记录日期", ops, "recorded_on");
	sl_html_put(h, "</table>\n");
}

/* The user's own opinion in force, to start the form from: a leader's
 * the panel's latest, a member's their own. */
static const json_t *own_opinion(const sl_websess *s, const json_t *ops)
{
	int leader = !strcmp(s->role, "leader");
	const json_t *mine = NULL, *o;
	size_t i;
	json_array_foreach(ops, i, o)
	{
		int panel = json_is_true(json_object_get(o, "panel"));
		if (leader ? panel
		           : !panel && sl_same(sl_jstr(o, "author"), s->user))
			mine = o;
	}
	return mine;
}

/* Whether the user may record an opinion now, and what the page says:
 * the team while the case is in review; the leader also once it is
 * deliberated, to correct the panel's opinion (a new one supersedes the
 * earlier: api.md, review opinion) that a sign-off's gates refused. */
static int may_record(sl_html *h, const sl_websess *s, const json_t *show)
{
	const char *st = sl_jstr(show, "state");
	int leader = !strcmp(s->role, "leader"), team = leader;
	size_t i;
	const json_t *a;
	json_array_foreach(json_object_get(show, "assignees"), i, a)
	{
		team |= sl_same(json_string_value(a), s->user);
	}
	if (sl_same(st, "in_review") && team)
		return 1;
	if (sl_same(st, "deliberated") && leader) {
		sl_html_put(h, "<p id=\"deliberated-note\">审理组已集体审议，"
		               "本案待签发。如需更正集体审议意见（例如签发前"
		               "一致性检查未通过），可在下方修改后重新提交；"
		               "新记录的意见取代此前的集体审议意见。</p>");
		return 1;
	}
	sl_html_put(h, sl_same(st, "in_review")
	                   ? "<p>审理意见由审理组成员和组长记录；此处可查看"
	                     "已记录的意见。</p>"
	               : sl_same(st, "deliberated")
	                   ? "<p>审理组已集体审议，本案待签发。</p>"
	               : sl_same(st, "signed_off")
	                   ? "<p>本案已签发。</p>"
	                   : "<p>本案当前不在审理中，不能记录意见。</p>");
	return 0;
}

/* The page: err (NULL: none) says why what was posted (pre) was not
 * recorded, above the form filled with it. */
static enum MHD_Result opinion_page(struct MHD_Connection *c, sl_websess *s,
                                    const char *id, const json_t *pre,
                                    const char *err, unsigned status)
{
	json_t *show, *vocab = NULL, *ops = NULL;
	enum MHD_Result res;
	if (!sl_web_case_visible(c, s, id, &show, &res))
		return res;
	static const char *const vav[] = {"rules", "show", "--json", NULL};
	const char *oav[] = {"review", "opinions", id, "--json", NULL};
	/* the team's opinions only once the case says this user may read
	 * them: asking before would log a refusal at every view */
	int open = json_is_true(json_object_get(show, "opinions_open"));
	int rc = sl_webcall_run(s->token, vav, &vocab);
	int orc = rc     ? rc
	          : open ? sl_webcall_run(s->token, oav, &ops)
	                 : SL_EPERM;
	if (rc || (orc && orc != SL_EPERM)) {
		json_decref(show);
		json_decref(vocab);
		return sl_web_failed(c, s, rc ? rc : orc);
	}
	sl_html h = {0};
	sl_html_case_head(&h, s, "审理意见", id);
	if (err) {
		sl_html_put(&h, "<p class=\"error\" id=\"opinion-error\">");
		sl_html_said(&h, err, "服务拒绝了此操作。");
		sl_html_put(&h, "</p><p>未作任何更改；下方保留了您填写的"
		                "内容。</p>");
	}
	/* what the agency proposed: an opinion agrees with it or departs
	 * from it, and the case's findings speak of it */
	sl_html_proposal(&h, show);
	if (may_record(&h, s, show))
		opinion_form(&h, s, id, show, vocab,
		             pre ? pre : own_opinion(s, ops));
	if (orc == SL_EPERM)
		sl_html_put(&h, "<p>记录本人意见后，可查看审理组其他成员的"
		                "意见。</p>");
	else if (json_array_size(ops))
		opinions_table(&h, ops, vocab);
	else
		sl_html_put(&h, "<p>尚无意见。</p>");
	sl_html_foot(&h);
	json_decref(show);
	json_decref(vocab);
	json_decref(ops);
	return sl_web_page(c, status, &h);
}

enum MHD_Result sl_web_opinion_page(struct MHD_Connection *c, sl_websess *s,
                                    const char *id)
{
	return opinion_page(c, s, id, NULL, NULL, 200);
}

/* ---- the post ------------------------------------------------------------ */

/* The form's fields as the form labels them, and the same fields as the
 * service names them in its refusals (the opinion file's keys and the
 * command's options: "审理意见：party-sanction：…"): a page says what
 * the form shows, never a code or an option. */
static const char *const LABELS[][2] = {
    {"discipline", "违反纪律"},
    {"disciplines", "违反纪律"},
    {"eight_point", "违反中央八项规定精神"},
    {"eight_point_rules", "违反中央八项规定精神"},
    {"form", "四种形态"},
    {"party_sanction", "党纪处分"},
    {"party-sanction", "党纪处分"},
    {"gov_sanction", "政务处分"},
    {"gov-sanction", "政务处分"},
    {"circumstance", "情节"},
    {"circumstances", "情节"},
    {"reason", "理由"},
    {"reasoning", "理由"},
    {"dissent_member", "不同意见"},
    {"dissent_text", "不同意见"},
    {"dissent", "不同意见"},
    {"property", "涉案财物处置意见"},
    {"panel", "集体审议"},
};

/* The label of the field named by the n bytes at name; NULL if none. */
static const char *label_of(const char *name, size_t n)
{
	for (size_t k = 0; k < sizeof LABELS / sizeof *LABELS; k++)
		if (strlen(LABELS[k][0]) == n && !memcmp(LABELS[k][0], name, n))
			return LABELS[k][1];
	return NULL;
}

/* Every value a form may post, each malloc'ed; the argv built from them;
 * the label of a field sent that is not text (NULL: none). */
typedef struct {
	char *v[DISC_MAX + CIRC_MAX + 2 * DISSENT_MAX + 8];
	size_t n;
	const char *av[2 * (DISC_MAX + CIRC_MAX + DISSENT_MAX) + 24];
	size_t ac;
	const char *not_text;
} posted;

static void posted_free(posted *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
}

/* The i-th value of name, kept in p; NULL if none, "" if empty; *bad if
 * it is not text (not UTF-8, a NUL: p->not_text names the field) or
 * there are too many. */
static const char *value(posted *p, const sl_webreq *r, const char *name,
                         size_t i, int *bad)
{
	size_t n = 0;
	char *v = sl_web_form(r, name, i, &n);
	if (!v || strlen(v) != n) {
		/* sent, but nothing the form could have sent: say which */
		if (v || sl_web_form_sent(r, name, i)) {
			*bad = 1;
			if (!p->not_text)
				p->not_text = label_of(name, strlen(name));
		}
		free(v);
		return NULL;
	}
	if (p->n == sizeof p->v / sizeof *p->v) {
		free(v);
		*bad = 1;
		return NULL;
	}
	return p->v[p->n++] = v;
}

static void arg(posted *p, const char *opt, const char *v)
{
	if (p->ac + 3 < sizeof p->av / sizeof *p->av) {
		p->av[p->ac++] = opt;
		if (v)
			p->av[p->ac++] = v;
	}
}

/* What a form left out that the page can name before anything is sent:
 * said in the form's own words, not as the command's options are. */
enum {
	OP_OK,
	OP_BAD,
	OP_NO_DISC,
	OP_NO_FORM,
	OP_NO_REASON,
	/* a field sent that is not text (posted.not_text names it) */
	OP_NOT_TEXT,
	/* a form of handling the form does not offer (it offers 1-4) */
	OP_BAD_FORM,
	/* a text over the service's bound (SL_WEB_*_BYTES) */
	OP_LONG_REASON,
	OP_LONG_DISSENT,
	OP_LONG_PROPERTY
};

static int blank(const char *v)
{
	return !v || strspn(v, " \t\r\n") == strlen(v);
}

/* The argv of `review opinion` for what was posted: OP_OK, OP_BAD if
 * malformed, else the field left empty. */
static int opinion_argv(posted *p, const sl_webreq *r, const char *id)
{
	int bad = 0, n_disc = 0, form = 0, bad_form = 0, reason = 0,
	    too_long = OP_OK;
	const char *v;
	p->av[p->ac++] = "review";
	p->av[p->ac++] = "opinion";
	p->av[p->ac++] = id;
	for (size_t i = 0; i < DISC_MAX + 1 && !bad; i++)
		if ((v = value(p, r, "discipline", i, &bad))) {
			if (i == DISC_MAX)
				bad = 1; /* more than the six there are */
			else
				arg(p, "--discipline", v);
			n_disc++;
		}
	if ((v = value(p, r, "eight_point", 0, &bad)) && *v)
		arg(p, "--eight-point", NULL);
	if ((v = value(p, r, "form", 0, &bad)) && *v) {
		/* checked here: the command would refuse any other word
		 * with its usage, in its options' words */
		bad_form = !(v[0] >= '1' && v[0] <= '4' && !v[1]);
		arg(p, "--form", v);
		form = 1;
	}
	if ((v = value(p, r, "party_sanction", 0, &bad)) && *v)
		arg(p, "--party-sanction", v);
	if ((v = value(p, r, "gov_sanction", 0, &bad)) && *v)
		arg(p, "--gov-sanction", v);
	for (size_t i = 0; i < CIRC_MAX && !bad; i++)
		if ((v = value(p, r, "circumstance", i, &bad)))
			arg(p, "--circumstance", v);
	if ((v = value(p, r, "reason", 0, &bad))) {
		arg(p, "--reason", v);
		reason = !blank(v);
		if (strlen(v) > SL_WEB_REASON_BYTES)
			too_long = OP_LONG_REASON;
	}
	int panel = (v = value(p, r, "panel", 0, &bad)) && sl_same(v, "1");
	if (panel)
		arg(p, "--panel", NULL);
	for (size_t i = 0; panel && i < DISSENT_MAX && !bad; i++) {
		const char *m = value(p, r, "dissent_member", i, &bad);
		const char *t = value(p, r, "dissent_text", i, &bad);
		if (!m || !t || (!*m && blank(t)))
			continue;
		char *d = NULL;
		if (*m && *t && strlen(t) > SL_WEB_TEXT_BYTES && !too_long)
			too_long = OP_LONG_DISSENT;
		/* a member is one the select offers: an id, never "a: b" */
		if (!sl_web_id_ok(m) || blank(t) ||
		    asprintf(&d, "%s: %s", m, t) < 0 ||
		    p->n == sizeof p->v / sizeof *p->v) {
			free(d);
			return OP_BAD; /* half a dissent: say so, record
			                  nothing */
		}
		arg(p, "--dissent", p->v[p->n++] = d);
	}
	if (panel && (v = value(p, r, "property", 0, &bad)) && !blank(v)) {
		arg(p, "--property", v);
		if (strlen(v) > SL_WEB_TEXT_BYTES && !too_long)
			too_long = OP_LONG_PROPERTY;
	}
	p->av[p->ac++] = "--json";
	p->av[p->ac] = NULL;
	return bad && p->not_text ? OP_NOT_TEXT
	       : bad              ? OP_BAD
	       : bad_form         ? OP_BAD_FORM
	       : !n_disc          ? OP_NO_DISC
	       : !form            ? OP_NO_FORM
	       : !reason          ? OP_NO_REASON
	                          : too_long;
}

/* Every value of name in r, as strings appended to a (those not text,
 * a NUL or not UTF-8, left out: the form is for reading again). */
static void posted_list(json_t *a, const sl_webreq *r, const char *name,
                        size_t max)
{
	for (size_t i = 0; i < max; i++) {
		size_t n = 0;
		char *v = sl_web_form(r, name, i, &n);
		if (!v)
			return;
		json_array_append_new(a, json_string(v));
		free(v);
	}
}

static void posted_str(json_t *o, const sl_webreq *r, const char *name,
                       const char *key)
{
	size_t n = 0;
	char *v = sl_web_form(r, name, 0, &n);
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
	free(v);
}

/* What was posted, as an opinion of `review opinions --json` (the form
 * is filled again from it); NULL if out of memory. */
static json_t *posted_opinion(const sl_webreq *r)
{
	json_t *o = json_object(), *ms = json_array(), *ts = json_array(),
	       *ds = json_array();
	if (o && ms && ts && ds) {
		json_object_set_new(o, "disciplines", json_array());
		json_object_set_new(o, "circumstances", json_array());
		posted_list(json_object_get(o, "disciplines"), r, "discipline",
		            DISC_MAX + 1);
		posted_list(json_object_get(o, "circumstances"), r,
		            "circumstance", CIRC_MAX);
		posted_list(ms, r, "dissent_member", DISSENT_MAX);
		posted_list(ts, r, "dissent_text", DISSENT_MAX);
		for (size_t i = 0; i < json_array_size(ms); i++) {
			const json_t *m = json_array_get(ms, i),
			             *t = json_array_get(ts, i);
			if (json_string_length(m) || json_string_length(t))
				json_array_append_new(
				    ds, json_pack("{s:O, s:O?}", "member", m,
				                  "text", t));
		}
		json_object_set(o, "dissent", ds);
		posted_str(o, r, "party_sanction", "party_sanction");
		posted_str(o, r, "gov_sanction", "gov_sanction");
		posted_str(o, r, "reason", "reasoning");
		posted_str(o, r, "property", "property");
		posted_str(o, r, "form", "form_text");
		posted_str(o, r, "eight_point", "eight_point");
		posted_str(o, r, "panel", "panel_text");
		const char *f = sl_jstr(o, "form_text");
		json_object_set_new(o, "form", json_integer(f ? atoi(f) : 0));
		json_object_set_new(o, "eight_point_rules",
		                    json_boolean(sl_jstr(o, "eight_point")));
		json_object_set_new(o, "panel",
		                    json_boolean(sl_jstr(o, "panel_text")));
	}
	json_decref(ms);
	json_decref(ts);
	json_decref(ds);
	return o;
}

/* What the page says of a form it did not send (OP_*; label: the field
 * not text, for OP_NOT_TEXT). */
static const char *left_out(int why, const char *label, char *buf, size_t cap)
{
	if (why == OP_NOT_TEXT) {
		snprintf(buf, cap,
		         "“%s”的内容不是有效的文本（须为 UTF-8 编码，且不含"
		         "空字符）。",
		         label);
		return buf;
	}
	if (why == OP_BAD_FORM)
		return "请在“四种形态”中选择表单列出的一项。";
	if (why >= OP_LONG_REASON) {
		size_t b = why == OP_LONG_REASON ? SL_WEB_REASON_BYTES
		                                 : SL_WEB_TEXT_BYTES;
		snprintf(buf, cap, "“%s”过长：最多 %zu 字节（约 %zu 个汉字）。",
		         why == OP_LONG_REASON    ? "理由"
		         : why == OP_LONG_DISSENT ? "不同意见"
		                                  : "涉案财物处置意见",
		         b, b / 3);
		return buf;
	}
	return why == OP_NO_DISC ? "请至少选择一项“违反纪律”。"
	       : why == OP_NO_FORM   ? "请选择“四种形态”。"
	       : why == OP_NO_REASON ? "请填写“理由”。"
	                             : "提交的意见无效（不同意见须选定成员"
	                               "并写明内容）。";
}

/* The service's refusal in the form's words (malloc'ed; NULL if out of
 * memory): "审理意见：CODE：" becomes the field's label, and the list of
 * what is allowed, in codes ("integrity 廉洁纪律, …"), the form's own
 * choices, which the page offers again below it. */
static char *in_form_words(const char *err)
{
	static const char head[] = "审理意见：", sep[] = "：",
	                  allowed[] = "；可用的有：";
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	if (!f)
		return NULL;
	for (const char *p = err; *p;) {
		const char *code =
		    !strncmp(p, head, strlen(head)) ? p + strlen(head) : NULL;
		const char *end = code ? strstr(code, sep) : NULL;
		const char *nl = code ? strchr(code, '\n') : NULL;
		const char *label = end && (!nl || end < nl)
		                        ? label_of(code, (size_t)(end - code))
		                        : NULL;
		if (label) {
			fprintf(f, "“%s”：", label);
			p = end + strlen(sep);
		} else if (!strncmp(p, allowed, strlen(allowed))) {
			fputs("，请在表单列出的选项中选择。", f);
			p += strcspn(p, "\n");
		} else {
			fputc(*p++, f);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

enum MHD_Result sl_web_opinion(struct MHD_Connection *c, sl_websess *s,
                               const char *id, const sl_webreq *r)
{
	enum MHD_Result res;
	if (!sl_web_case_post(c, s, id, r, &res))
		return res;
	posted p;
	memset(&p, 0, sizeof p);
	int why = opinion_argv(&p, r, id);
	sl_webcall_res out;
	memset(&out, 0, sizeof out);
	if (why == OP_OK)
		sl_webcall_exec(s->token, p.av, NULL, 1, &out);
	posted_free(&p);
	int refused = out.rc == SL_EPERM || out.rc == SL_EINPUT ||
	              out.rc == SL_EUSAGE || out.rc == SL_FAIL;
	if (why == OP_OK && !refused) {
		/* recorded (to the page that shows it), or a failure */
		return sl_web_case_after(c, s, id, "/opinion", &out, 0,
		                         "未能记录意见");
	}
	/* not recorded: the form again, as it was filled, and why */
	char buf[200];
	json_t *pre = posted_opinion(r);
	char *said = why == OP_OK ? in_form_words(out.err) : NULL;
	res = pre && (why != OP_OK || said)
	          ? opinion_page(c, s, id, pre,
	                         why == OP_OK ? said
	                                      : left_out(why, p.not_text, buf,
	                                                 sizeof buf),
	                         out.rc == SL_EPERM ? 403 : 400)
	          : sl_web_failed(c, s, SL_ESYS);
	free(said);
	json_decref(pre);
	if (why == OP_OK)
		sl_webcall_res_free(&out);
	return res;
}
