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
	long long after; /* the page: the entries after this seq (0: first) */
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

/* `audit verify`: passed, with the head's seq and hash, or why not. */
static void verify(sl_html *h, sl_websess *s)
{
	static const char *const av[] = {"audit", "verify", NULL};
	sl_webcall_res res;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &res);
	sl_html_put(h, "<h2>审计日志核验</h2><table><tr><th>结果</th><td>");
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
		sl_html_said(h, res.err, "服务未能完成核验。");
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

/* A link to the page after seq (0: the first) of the same filter. */
static void page_link(sl_html *h, struct MHD_Connection *c, long long after,
                      const char *id, const char *label)
{
	static const char *const keys[] = {"action", "actor", "object", "from",
	                                   "to"};
	sl_html_fmt(h, "<a id=\"%s\" href=\"/audit?", id);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		sl_html_fmt(h, "%s=", keys[i]);
		sl_html_url(h, arg(c, keys[i]) ? arg(c, keys[i]) : "");
		sl_html_put(h, "&amp;");
	}
	sl_html_fmt(h, "after=%lld\">%s</a> ", after, label);
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

/* A page of the log as the service filtered it: PER_PAGE entries, one
 * more when there is a next page. */
static void log_table(sl_html *h, struct MHD_Connection *c, const json_t *log,
                      const filter *f)
{
	size_t n = json_array_size(log), shown = n > PER_PAGE ? PER_PAGE : n;
	sl_html_put(h, "<table><tr><th>序号</th><th>时间（UTC）</th>"
	               "<th>操作人</th><th>操作</th><th>对象</th><th>详情</th>"
	               "<th>签名</th></tr>");
	for (size_t i = 0; i < shown; i++)
		entry_row(h, json_array_get(log, i));
	long long first = json_integer_value(
	              json_object_get(json_array_get(log, 0), "seq")),
	          last = json_integer_value(
	              json_object_get(json_array_get(log, shown - 1), "seq"));
	if (shown)
		sl_html_fmt(h, "</table><p>本页 %zu 条（序号 %lld–%lld） ",
		            shown, first, last);
	else
		sl_html_put(h, "</table><p>没有符合条件的记录。 ");
	if (f->after)
		page_link(h, c, 0, "first-page", "第一页");
	if (n > PER_PAGE)
		page_link(h, c, last, "next-page", "下一页");
	sl_html_put(h, "</p>\n");
}

enum MHD_Result sl_web_audit(struct MHD_Connection *c, sl_websess *s)
{
	filter f = {arg(c, "action"), arg(c, "actor"), arg(c, "object"),
	            num(c, "from"),   num(c, "to"),    num(c, "after")};
	/* the service filters and stops after a page and one more: a log of
	 * millions of entries is never sent whole */
	char since[24], until[24], limit[16];
	long long from = f.from > 1 ? f.from - 1 : 0;
	snprintf(since, sizeof since, "%lld", f.after > from ? f.after : from);
	snprintf(until, sizeof until, "%lld", f.to);
	snprintf(limit, sizeof limit, "%d", PER_PAGE + 1);
	const char *av[16] = {"audit",   "log", "--since", since,
	                      "--limit", limit, "--json"};
	size_t n = 7;
	if (f.to) {
		av[n++] = "--until";
		av[n++] = until;
	}
	static const char *const opt[] = {"--action", "--actor", "--object"};
	const char *val[] = {f.action, f.actor, f.object};
	for (size_t i = 0; i < 3; i++)
		if (val[i]) {
			av[n++] = opt[i];
			av[n++] = val[i];
		}
	av[n] = NULL;
	/* the log first: whether the role may read it is the service's */
	sl_webcall_res res;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &res);
	json_error_t e;
	json_t *log =
	    rc ? NULL : json_loadb((const char *)res.out, res.len, 0, &e);
	enum MHD_Result ok;
	if (rc == SL_EPERM) {
		ok = sl_web_said_message(c, 403, s, "无权查看", res.err,
		                         "您的角色不能查看审计日志。");
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
