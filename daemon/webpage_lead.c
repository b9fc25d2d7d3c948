/* webpage_lead.c - a leader's pages (webpage_lead.h). */
#define _GNU_SOURCE
#include "webpage_lead.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/base.h>

#include "webcall.h"

/* The most reviewers a team may have (the core's bound, api.md): more is
 * not read from a form, and the core refuses more anyway. */
#define TEAM_MAX 32

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

json_t *sl_lead_team_users(const sl_websess *s, const json_t *show)
{
	const char *state = str(show, "state");
	if (strcmp(s->role, "leader") ||
	    !(same(state, "accepted") || same(state, "in_review")))
		return NULL;
	static const char *const av[] = {"user", "list", "--json", NULL};
	json_t *users = NULL;
	if (sl_webcall_run(s->token, av, &users) != 0 ||
	    !json_is_array(users)) {
		json_decref(users);
		return NULL;
	}
	return users;
}

/* Why the core would refuse u for the case (policy.c, the reviewers of
 * case.assign), or NULL if it would not: the same facts, for the form
 * only; the service decides when the form is posted. */
static const char *why_not(const json_t *u, const json_t *show, char *buf,
                           size_t cap)
{
	const char *agency = str(u, "agency"), *zone = str(u, "zone");
	if (json_is_true(json_object_get(u, "disabled")))
		return "已停用";
	if (same(agency, str(show, "agency"))) {
		snprintf(buf, cap, "回避：本案由其所在单位 %s 移送", agency);
		return buf;
	}
	if (same(str(u, "role"), "member") && !same(zone, str(show, "zone"))) {
		snprintf(buf, cap, "非本片区组员（所属片区：%s）",
		         zone ? zone : "无");
		return buf;
	}
	return NULL;
}

static int on_team(const json_t *show, const char *id)
{
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(show, "team"), i, m)
	{
		if (same(str(m, "id"), id))
			return 1;
	}
	return 0;
}

static void candidate(sl_html *h, const json_t *u, const json_t *show)
{
	char buf[160];
	const char *id = str(u, "id");
	const char *why = why_not(u, show, buf, sizeof buf);
	sl_html_put(h, "<tr><td><input type=\"checkbox\" name=\"reviewer\" "
	               "value=\"");
	sl_html_text(h, id);
	sl_html_put(h, "\"");
	if (why)
		sl_html_put(h, " disabled");
	else if (on_team(show, id))
		sl_html_put(h, " checked");
	sl_html_put(h, "></td><td>");
	sl_html_text(h, id);
	sl_html_put(h, "</td><td>");
	sl_html_text(h, str(u, "name") ? str(u, "name") : "—");
	sl_html_put(h, "</td><td>");
	sl_html_put(h,
	            same(str(u, "role"), "specialist") ? "机动组员" : "组员");
	sl_html_put(h, "</td><td>");
	sl_html_text(h, str(u, "zone") ? str(u, "zone") : "—");
	sl_html_put(h, "</td><td>");
	sl_html_text(h, str(u, "agency") ? str(u, "agency") : "—");
	sl_html_put(h, why ? "</td><td class=\"error\">不可选：" : "</td><td>");
	sl_html_text(h, why ? why : "可选");
	sl_html_put(h, "</td></tr>");
}

void sl_page_team_form(sl_html *h, const sl_websess *s, const json_t *show,
                       const json_t *users)
{
	sl_html_put(h,
	            "<h2>组成审理组</h2><form method=\"post\" action=\"/case/");
	sl_html_url(h, str(show, "case_id") ? str(show, "case_id") : "");
	sl_html_put(h, "/assign\"><input type=\"hidden\" name=\"csrf\" "
	               "value=\"");
	sl_html_put(h, s->csrf); /* hex digits this process made */
	sl_html_put(h, "\"><p>审理组不少于2人；本片区组员或机动组员，"
	               "与移送单位有关者回避。</p><table><tr><th>选择</th>"
	               "<th>用户</th><th>姓名</th><th>角色</th><th>片区</th>"
	               "<th>所在单位</th><th>资格</th></tr>");
	size_t i;
	const json_t *u;
	json_array_foreach(users, i, u)
	{
		const char *role = str(u, "role");
		if (same(role, "member") || same(role, "specialist"))
			candidate(h, u, show);
	}
	sl_html_put(h, "</table><p><button type=\"submit\">确定审理组"
	               "</button></p></form>\n");
}

/* The service refused what was posted: its message, and the way back. */
static enum MHD_Result refusal(struct MHD_Connection *c, const sl_websess *s,
                               unsigned status, const char *title,
                               const char *back, char *msg)
{
	sl_html h = {0};
	sl_html_head(&h, s, title);
	sl_html_put(&h, "<p class=\"error\">");
	sl_html_text(&h, *msg ? sl_web_plain(msg) : "审理服务拒绝了此操作。");
	sl_html_put(&h, "</p><p>未作任何更改。</p><p><a href=\"");
	sl_html_put(&h, back); /* a path this file made of a checked id */
	sl_html_put(&h, "\">返回</a></p>");
	sl_html_foot(&h);
	return sl_web_page(c, status, &h);
}

/* The reviewers posted, in order; -1 if one is not a user id or there
 * are more than a team may have. */
static int reviewers_of(const sl_webreq *r, char **out, size_t *n)
{
	*n = 0;
	size_t len;
	char *v;
	while ((v = sl_web_form(r, "reviewer", *n, &len))) {
		if (*n == TEAM_MAX || strlen(v) != len ||
		    !sl_user_id_valid(v)) {
			free(v);
			return -1;
		}
		out[(*n)++] = v;
	}
	return 0;
}

static enum MHD_Result assign_run(struct MHD_Connection *c, sl_websess *s,
                                  const char *id, char **who, size_t n)
{
	const char *av[TEAM_MAX + 6] = {"case", "assign", id};
	for (size_t i = 0; i < n; i++)
		av[3 + i] = who[i];
	av[3 + n] = "--json";
	av[4 + n] = NULL;
	sl_webcall_res res;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &res);
	char back[96];
	snprintf(back, sizeof back, "/case/%s", id);
	enum MHD_Result ok;
	if (!rc)
		ok = sl_web_redirect(c, back);
	else if (rc == SL_EPERM || rc == SL_EINPUT || rc == SL_EUSAGE)
		ok = refusal(c, s, rc == SL_EPERM ? 403 : 400, "未能组成审理组",
		             back, res.err);
	else
		ok = sl_web_failed(c, s, rc);
	sl_webcall_res_free(&res);
	return ok;
}

enum MHD_Result sl_web_assign(struct MHD_Connection *c, sl_websess *s,
                              const char *id, const sl_webreq *r)
{
	size_t cl = 0;
	char *csrf = sl_web_form(r, "csrf", 0, &cl);
	int ok = sl_websess_csrf_ok(s, csrf);
	if (csrf)
		OPENSSL_cleanse(csrf, cl);
	free(csrf);
	if (!ok)
		return sl_web_refused(c, s);
	/* a case the user may not see: the same 404 as for none, whatever
	 * was posted (assign's own refusal would say it otherwise) */
	const char *show_av[] = {"case", "show", id, "--json", NULL};
	json_t *show = NULL;
	int rc = sl_webcall_run(s->token, show_av, &show);
	json_decref(show);
	if (rc == SL_EPERM || rc == SL_EINPUT)
		return sl_web_not_found(c, s);
	if (rc)
		return sl_web_failed(c, s, rc);
	char *who[TEAM_MAX];
	size_t n = 0;
	enum MHD_Result res;
	if (reviewers_of(r, who, &n) != 0)
		res = sl_web_message(c, 400, s, "未能组成审理组",
		                     "所选审理人员无效，未作任何更改。");
	else if (!n)
		res = sl_web_message(c, 400, s, "未能组成审理组",
		                     "未选择审理人员，未作任何更改。");
	else
		res = assign_run(c, s, id, who, n);
	for (size_t i = 0; i < n; i++)
		free(who[i]);
	return res;
}
