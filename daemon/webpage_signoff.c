/* webpage_signoff.c - 签发 (webpage_signoff.h). */
#define _GNU_SOURCE
#include "webpage_signoff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/base.h>
#include <shenli/ops.h>

#include "webcall.h"
#include "webpage_review.h"

/* The most gates a page runs: more installed scripts than any rule set
 * has; the sign-off itself still runs them all. */
#define GATES_MAX 32

/* What the built-in gates check, as the panel says it; a gate installed
 * later is shown by its name. */
static const char *gate_zh(const char *name)
{
	static const char *const tab[][2] = {
	    {"gate_dates", "卷宗日期前后一致"},
	    {"gate_findings", "检查已覆盖最新卷宗，阻断性问题均已解决"},
	    {"gate_opinions", "审理组成员意见和集体审议齐备，无应回避人员"},
	    {"gate_outline", "补查提纲各项已答复或撤回"},
	    {"gate_panel", "集体审议意见与认定事实、处分规定一致"},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (!strcmp(name, tab[i][0]))
			return tab[i][1];
	return NULL;
}

static void gate_findings(sl_html *h, const json_t *fs)
{
	size_t i;
	const json_t *f;
	if (!json_array_size(fs)) {
		sl_html_put(h, "—");
		return;
	}
	sl_html_put(h, "<ul>");
	json_array_foreach(fs, i, f)
	{
		sl_html_put(h, sl_same(sl_jstr(f, "severity"), "blocker")
		                   ? "<li class=\"flag\">"
		                   : "<li>");
		sl_html_text(h, sl_jstr(f, "message") ? sl_jstr(f, "message")
		                                      : sl_jstr(f, "code"));
		sl_html_put(h, "</li>");
	}
	sl_html_put(h, "</ul>");
}

/* Each installed script's result on the case; the number that failed. */
static int gates(sl_html *h, sl_websess *s, const char *id)
{
	static const char *const lav[] = {"script", "list", "--json", NULL};
	json_t *scripts = NULL;
	if (sl_webcall_run(s->token, lav, &scripts) != 0 ||
	    !json_is_array(scripts)) {
		json_decref(scripts);
		sl_html_put(h, "<p class=\"error\">无法读取已安装的一致性脚本。"
		               "</p>");
		return 1;
	}
	sl_html_put(h, "<h2>签发前一致性检查</h2><table id=\"gates\"><tr>"
	               "<th>一致性脚本</th><th>结果</th><th>说明</th></tr>");
	int failed = 0;
	size_t i;
	const json_t *sc;
	json_array_foreach(scripts, i, sc)
	{
		const char *name = sl_jstr(sc, "name");
		if (!name || i == GATES_MAX)
			break;
		const char *av[] = {"script", "run", name, id, "--json", NULL};
		sl_webcall_res res;
		int rc = sl_webcall_exec(s->token, av, NULL, 1, &res);
		json_error_t e;
		json_t *g =
		    rc == SL_OK || rc == SL_FAIL
		        ? json_loadb((const char *)res.out, res.len, 0, &e)
		        : NULL;
		int passed = json_is_true(json_object_get(g, "passed"));
		failed += !passed;
		sl_html_put(h, "<tr><td>");
		if (gate_zh(name)) {
			sl_html_put(h, gate_zh(name));
			sl_html_put(h, "<br><small class=\"code\">");
			sl_html_text(h, name);
			sl_html_put(h, "</small>");
		} else {
			sl_html_text(h, name);
		}
		sl_html_put(h, passed
		                   ? "</td><td>通过</td><td>"
		                   : "</td><td class=\"flag\">未通过</td><td>");
		if (g)
			gate_findings(h, json_object_get(g, "findings"));
		else
			sl_html_said(h, res.err, "未能运行");
		sl_html_put(h, "</td></tr>");
		json_decref(g);
		sl_webcall_res_free(&res);
	}
	sl_html_put(h, "</table>");
	json_decref(scripts);
	return failed;
}

static void documents(sl_html *h, const char *id)
{
	sl_html_put(h, "<p>本案已签发。</p><p><a id=\"report-link\" "
	               "href=\"/case/");
	sl_html_url(h, id);
	sl_html_put(h, "/report.pdf\">审理报告（PDF，A4）</a> · <a "
	               "id=\"opinion-link\" href=\"/case/");
	sl_html_url(h, id);
	sl_html_put(h, "/opinion.pdf\">审理意见（PDF，A4）</a></p>");
}

/* A case not yet deliberated: the way to its panel opinion. */
static void to_deliberate(sl_html *h, const char *id)
{
	sl_html_put(h, "<p>案件须经审理组集体审议（<a href=\"/case/");
	sl_html_url(h, id);
	sl_html_put(h, "/opinion\">记录集体审议意见</a>）后方可签发。</p>");
}

/* Gates failed on a deliberated case: what the leader may do about it.
 * The panel's opinion (gate_panel, gate_opinions) is corrected by
 * recording it again; a finding (gate_findings), by a return. */
static void cannot_sign(sl_html *h, const char *id)
{
	sl_html_put(h, "<p class=\"error\">有一致性脚本未通过，不能签发。"
	               "</p><p>如系集体审议意见有误，可<a "
	               "id=\"correct-opinion\" href=\"/case/");
	sl_html_url(h, id);
	sl_html_put(h, "/opinion\">更正集体审议意见</a>（重新记录，取代此前的"
	               "意见）；如需移送单位补充材料，可<a href=\"/case/");
	sl_html_url(h, id);
	sl_html_put(h, "/return\">退回补查</a>。</p>");
}

enum MHD_Result sl_web_signoff_page(struct MHD_Connection *c, sl_websess *s,
                                    const char *id)
{
	json_t *show;
	enum MHD_Result res;
	if (!sl_web_case_visible(c, s, id, &show, &res))
		return res;
	sl_html h = {0};
	sl_html_case_head(&h, s, "签发", id);
	const char *st = sl_jstr(show, "state");
	if (sl_same(st, "signed_off")) {
		sl_html_put(&h, "<p class=\"state\">状态：已签发</p>");
		documents(&h, id);
	} else if (strcmp(s->role, "leader")) {
		sl_html_put(&h, "<p>签发由组长办理。</p>");
	} else {
		int failed = gates(&h, s, id);
		if (!sl_same(st, "deliberated"))
			to_deliberate(&h, id);
		else if (failed)
			cannot_sign(&h, id);
		else {
			sl_html_put(&h, "<form method=\"post\" "
			                "id=\"signoff-form\" action=\"/case/");
			sl_html_url(&h, id);
			sl_html_fmt(&h,
			            "/signoff\"><input type=\"hidden\" "
			            "name=\"csrf\" value=\"%s\"><p><button "
			            "type=\"submit\">签发</button></p></form>",
			            s->csrf);
		}
	}
	sl_html_foot(&h);
	json_decref(show);
	return sl_web_page(c, 200, &h);
}

enum MHD_Result sl_web_signoff(struct MHD_Connection *c, sl_websess *s,
                               const char *id, const sl_webreq *r)
{
	enum MHD_Result res;
	if (!sl_web_case_post(c, s, id, r, &res))
		return res;
	const char *av[] = {"review", "signoff", id, NULL};
	sl_webcall_res out;
	int rc = sl_webcall_exec(s->token, av, NULL, 1, &out);
	if (rc == SL_OK) {
		char to[128];
		snprintf(to, sizeof to, "/case/%s/signoff", id);
		res = sl_web_redirect(c, to);
	} else if (rc == SL_FAIL || rc == SL_EPERM || rc == SL_EINPUT ||
	           rc == SL_EUSAGE) {
		/* refused: the scripts' findings are what it printed, shown
		 * whole (a cut, if ever, on a character's boundary) */
		char *findings = sl_webcall_clip(
		    out.out ? (const char *)out.out : "",
		    out.out ? strnlen((const char *)out.out, out.len) : 0,
		    SL_WEBCALL_ERR_MAX);
		char *msg = NULL;
		if (!findings ||
		    asprintf(&msg, "%s%s%s", out.err,
		             out.err[0] && *findings ? "\n" : "", findings) < 0)
			msg = NULL;
		res = msg ? sl_web_case_refusal(c, s, rc, "未能签发", id, msg)
		          : sl_web_failed(c, s, SL_ESYS);
		free(findings);
		free(msg);
	} else {
		res = sl_web_failed(c, s, rc);
	}
	sl_webcall_res_free(&out);
	return res;
}

enum MHD_Result sl_web_report_pdf(struct MHD_Connection *c, sl_websess *s,
                                  const char *id, int opinion)
{
	const char *av[] = {
	    "report", id, "--format", "pdf", opinion ? "--opinion" : NULL,
	    NULL};
	char name[96];
	snprintf(name, sizeof name, "%s-%s.pdf", id,
	         opinion ? "opinion" : "report");
	return sl_web_case_pdf(c, s, av, name);
}
