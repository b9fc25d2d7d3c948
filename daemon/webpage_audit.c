/* webpage_audit.c - 审计 (webpage_audit.h). */
#define _GNU_SOURCE
#include "webpage_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webcall.h"

#define PER_PAGE 100

typedef struct {
	const char *action, *actor, *object; /* NULL: any */
	long long from, to;                  /* 0: no bound */
	long long page;                      /* 1, 2, ... */
} filter;

/* A query argument as given, NULL if empty or absent. */
static const char *arg(struct MHD_Connection *c, const char *name)
{
	const char *v =
	    MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
	return v && *v ? v : NULL;
}

/* A positive number of the query, 0 if absent or not one. */
static long long num(struct MHD_Connection *c, const char *name)
{
	const char *v = arg(c, name);
	char *end = NULL;
	long long n = v ? strtoll(v, &end, 10) : 0;
	return v && *end == 0 && n > 0 && n < (1LL << 53) ? n : 0;
}

static int same(const char *want, const json_t *e, const char *k)
{
	const char *v = json_string_value(json_object_get(e, k));
	return !want || (v && !strcmp(v, want));
}

static int matches(const filter *f, const json_t *e)
{
	long long seq = json_integer_value(json_object_get(e, "seq"));
	const char *obj = json_string_value(json_object_get(e, "object"));
	return same(f->action, e, "action") && same(f->actor, e, "actor") &&
	       (!f->object || (obj && strstr(obj, f->object))) &&
	       (!f->from || seq >= f->from) && (!f->to || seq <= f->to);
}

/* `audit verify`: passed, with the head's seq and hash, or why not. */
static void verify(sl_html *h, sl_websess *s)
{
	static const char *const av[] = {"audit", "verify", NULL};
	sl_webcall_res res;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &res);
	sl_html_put(h, "<h2>审计日志校验</h2><table><tr><th>结果</th><td>");
	/* the head as the command prints it in every language: SEQ:HEX64 */
	const char *out = res.out ? (const char *)res.out : "";
	const char *colon = out;
	long long seq = 0;
	char hash[65] = "";
	while (!rc && (colon = strchr(colon, ':'))) {
		const char *d = colon;
		while (d > out && d[-1] >= '0' && d[-1] <= '9')
			d--;
		if (d < colon && strspn(colon + 1, "0123456789abcdef") >= 64) {
			seq = strtoll(d, NULL, 10);
			snprintf(hash, sizeof hash, "%.64s", colon + 1);
		}
		colon++;
	}
	if (!rc && hash[0]) {
		sl_html_fmt(h,
		            "通过</td></tr><tr><th>链头序号</th><td>%lld"
		            "</td></tr><tr><th>链头哈希</th><td><code>%s"
		            "</code>",
		            seq, hash);
	} else {
		sl_html_put(h, "<span class=\"flag\">未通过</span></td></tr>"
		               "<tr><th>原因</th><td>");
		sl_html_text(h, res.err[0] ? sl_web_plain(res.err)
		                           : "审理服务未能完成校验。");
	}
	sl_html_put(h, "</td></tr></table>\n");
	sl_webcall_res_free(&res);
}

static void field(sl_html *h, const char *label, const char *name,
                  const char *v)
{
	sl_html_fmt(h, "<label>%s <input name=\"%s\" value=\"", label, name);
	sl_html_text(h, v ? v : "");
	sl_html_put(h, "\"></label> ");
}

static void search_form(sl_html *h, struct MHD_Connection *c)
{
	sl_html_put(h, "<h2>审计日志</h2><form method=\"get\" "
	               "action=\"/audit\">");
	field(h, "操作", "action", arg(c, "action"));
	field(h, "操作人", "actor", arg(c, "actor"));
	field(h, "对象", "object", arg(c, "object"));
	field(h, "起始序号", "from", arg(c, "from"));
	field(h, "截止序号", "to", arg(c, "to"));
	sl_html_put(h, "<button type=\"submit\">筛选</button></form>\n");
}

/* A link to page p of the same filter. */
static void page_link(sl_html *h, struct MHD_Connection *c, long long p,
                      const char *label)
{
	static const char *const keys[] = {"action", "actor", "object", "from",
	                                   "to"};
	sl_html_put(h, "<a href=\"/audit?");
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		sl_html_fmt(h, "%s=", keys[i]);
		sl_html_url(h, arg(c, keys[i]) ? arg(c, keys[i]) : "");
		sl_html_put(h, "&amp;");
	}
	sl_html_fmt(h, "page=%lld\">%s</a> ", p, label);
}

static void entry_row(sl_html *h, const json_t *e)
{
	sl_html_fmt(h, "<tr><td>%lld</td><td>",
	            (long long)json_integer_value(json_object_get(e, "seq")));
	static const char *const keys[] = {"time", "actor", "action", "object"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *v = json_string_value(json_object_get(e, keys[i]));
		sl_html_text(h, v ? v : "—");
		sl_html_put(h, "</td><td>");
	}
	char *d = json_dumps(json_object_get(e, "details"),
	                     JSON_COMPACT | JSON_ENCODE_ANY);
	sl_html_put(h, "<code>");
	sl_html_text(h, d ? d : "");
	free(d);
	sl_html_put(h, json_is_true(json_object_get(e, "signed"))
	                   ? "</code></td><td>是</td></tr>"
	                   : "</code></td><td>否</td></tr>");
}

static void log_table(sl_html *h, struct MHD_Connection *c, const json_t *log,
                      const filter *f)
{
	size_t i, n = 0;
	long long first = (f->page - 1) * PER_PAGE;
	const json_t *e;
	sl_html_put(h, "<table><tr><th>序号</th><th>时间（UTC）</th>"
	               "<th>操作人</th><th>操作</th><th>对象</th><th>详情</th>"
	               "<th>签名</th></tr>");
	json_array_foreach(log, i, e)
	{
		if (!matches(f, e))
			continue;
		if ((long long)n >= first && (long long)n < first + PER_PAGE)
			entry_row(h, e);
		n++;
	}
	long long pages = ((long long)n + PER_PAGE - 1) / PER_PAGE;
	sl_html_fmt(h, "</table><p>共 %zu 条，第 %lld / %lld 页 ", n, f->page,
	            pages ? pages : 1);
	if (f->page > 1)
		page_link(h, c, f->page - 1, "上一页");
	if (f->page < pages)
		page_link(h, c, f->page + 1, "下一页");
	sl_html_put(h, "</p>\n");
}

enum MHD_Result sl_web_audit(struct MHD_Connection *c, sl_websess *s)
{
	filter f = {arg(c, "action"), arg(c, "actor"), arg(c, "object"),
	            num(c, "from"),   num(c, "to"),    num(c, "page")};
	if (!f.page)
		f.page = 1;
	char since[24];
	snprintf(since, sizeof since, "%lld", f.from > 1 ? f.from - 1 : 0);
	const char *av[] = {"audit", "log", "--since", since, "--json", NULL};
	/* the log first: whether the role may read it is the service's */
	sl_webcall_res res;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &res);
	json_error_t e;
	json_t *log =
	    rc ? NULL : json_loadb((const char *)res.out, res.len, 0, &e);
	enum MHD_Result ok;
	if (rc == SL_EPERM) {
		ok = sl_web_message(c, 403, s, "无权查看",
		                    res.err[0] ? sl_web_plain(res.err)
		                               : "您的角色不能查看审计日志。");
	} else if (rc || !json_is_array(log)) {
		ok = sl_web_failed(c, s, rc ? rc : SL_ESYS);
	} else {
		sl_html h = {0};
		sl_html_head(&h, s, "审计");
		verify(&h, s);
		search_form(&h, c);
		log_table(&h, c, log, &f);
		sl_html_foot(&h);
		ok = sl_web_page(c, 200, &h);
	}
	json_decref(log);
	sl_webcall_res_free(&res);
	return ok;
}
