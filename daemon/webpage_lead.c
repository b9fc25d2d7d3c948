/* webpage_lead.c - a leader's pages (webpage_lead.h). */
#define _GNU_SOURCE
#include "webpage_lead.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/base.h>

#include "webcall.h"
#include "webpage_review.h"

/* The most reviewers a team may have (the core's bound, api.md): more is
 * not read from a form, and the core refuses more anyway. */
#define TEAM_MAX 32

json_t *sl_lead_team_users(const sl_websess *s, const json_t *show)
{
	const char *state = sl_jstr(show, "state");
	if (strcmp(s->role, "leader") ||
	    !(sl_same(state, "accepted") || sl_same(state, "in_review")))
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
static const char *why_not(const json_t *u, const json_t *show,
                           const json_t *agencies, const json_t *zones,
                           char *buf, size_t cap)
{
	const char *agency = sl_jstr(u, "agency"), *zone = sl_jstr(u, "zone");
	if (json_is_true(json_object_get(u, "disabled")))
		return "已停用";
	if (sl_same(agency, sl_jstr(show, "agency"))) {
		snprintf(buf, cap, "回避：本案由其所在单位%s移送",
		         sl_org_name(agencies, agency));
		return buf;
	}
	if (sl_same(sl_jstr(u, "role"), "member") &&
	    !sl_same(zone, sl_jstr(show, "zone"))) {
		snprintf(buf, cap, "非本片区组员（所属片区：%s）",
		         zone ? sl_org_name(zones, zone) : "无");
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
		if (sl_same(sl_jstr(m, "id"), id))
			return 1;
	}
	return 0;
}

/* A zone or an agency by name, as the case page names it; its code after
 * it, small (the command line's word for it, as a leader assigns). */
static void org(sl_html *h, const json_t *list, const char *code)
{
	const char *name = code ? sl_org_name(list, code) : "—";
	sl_html_text(h, name);
	if (code && strcmp(name, code)) {
		sl_html_put(h, " <small class=\"code\">");
		sl_html_text(h, code);
		sl_html_put(h, "</small>");
	}
}

static void candidate(sl_html *h, const json_t *u, const json_t *show,
                      const json_t *agencies, const json_t *zones)
{
	char buf[320];
	const char *id = sl_jstr(u, "id");
	const char *why = why_not(u, show, agencies, zones, buf, sizeof buf);
	sl_html_put(h, "<tr><td><input type=\"checkbox\" name=\"reviewer\" "
	               "value=\"");
	sl_html_text(h, id);
	sl_html_put(h, "\"");
	if (why)
		sl_html_put(h, " disabled");
	else if (on_team(show, id))
		sl_html_put(h, " checked");
	/* named for a screen reader as the row shows the user */
	sl_html_put(h, " aria-label=\"选入审理组：");
	sl_html_text(h, sl_jstr(u, "name") ? sl_jstr(u, "name") : id);
	sl_html_put(h, "（");
	sl_html_text(h, id);
	sl_html_put(h, "）\"></td><td>");
	sl_html_text(h, id);
	sl_html_put(h, "</td><td>");
	sl_html_text(h, sl_jstr(u, "name") ? sl_jstr(u, "name") : "—");
	sl_html_put(h, "</td><td>");
	sl_html_put(h, sl_same(sl_jstr(u, "role"), "specialist") ? "机动组员"
	                                                         : "组员");
	sl_html_put(h, "</td><td>");
	org(h, zones, sl_jstr(u, "zone"));
	sl_html_put(h, "</td><td>");
	org(h, agencies, sl_jstr(u, "agency"));
	sl_html_put(h, why ? "</td><td class=\"error\">不可选：" : "</td><td>");
	sl_html_text(h, why ? why : "可选");
	sl_html_put(h, "</td></tr>");
}

void sl_page_team_form(sl_html *h, const sl_websess *s, const json_t *show,
                       const json_t *users, const json_t *agencies,
                       const json_t *zones)
{
	sl_html_put(h, "<h2 class=\"noprint\">组成审理组</h2><form "
	               "method=\"post\" action=\"/case/");
	sl_html_url(h,
	            sl_jstr(show, "case_id") ? sl_jstr(show, "case_id") : "");
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
		const char *role = sl_jstr(u, "role");
		if (sl_same(role, "member") || sl_same(role, "specialist"))
			candidate(h, u, show, agencies, zones);
	}
	sl_html_put(h, "</table><p><button type=\"submit\">确定审理组"
	               "</button></p></form>\n");
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
	sl_webcall_exec(s->token, av, NULL, 1, &res);
	return sl_web_case_after(c, s, id, NULL, &res, 0, "未能组成审理组");
}

enum MHD_Result sl_web_assign(struct MHD_Connection *c, sl_websess *s,
                              const char *id, const sl_webreq *r)
{
	/* a case the user may not see: the same 404 as for none, whatever
	 * was posted (assign's own refusal would say it otherwise) */
	enum MHD_Result res;
	if (!sl_web_case_post(c, s, id, r, &res))
		return res;
	char *who[TEAM_MAX];
	size_t n = 0;
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
