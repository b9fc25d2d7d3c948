/* webpage_intake.c - 受理 (webpage_intake.h). */
#define _GNU_SOURCE
#include "webpage_intake.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <shenli/ops.h>

#include "webcall.h"
#include "webmultipart.h"

/* The most dossiers one upload takes: a panel's day, not a bulk load
 * (that is `case import --jsonl`). */
#define FILES_MAX 50

size_t sl_intake_body_max(void)
{
	return sl_dossier_max_bytes() + (64u << 10);
}

static void form(sl_html *h, const sl_websess *s)
{
	sl_html_put(h, "<form method=\"post\" action=\"/intake\" "
	               "enctype=\"multipart/form-data\">"
	               "<input type=\"hidden\" name=\"csrf\" value=\"");
	sl_html_put(h, s->csrf); /* hex digits this process made */
	sl_html_fmt(
	    h,
	    "\"><p><label for=\"dossier-files\">选择移送审理的卷宗（案件"
	    "卷宗文件（JSON），可多选，合计不超过 %zu MiB）：</label></p>"
	    "<p><input type=\"file\" id=\"dossier-files\" "
	    "name=\"dossier\" multiple required accept=\".json,"
	    "application/json\"></p><p><button type=\"submit\">提交受理"
	    "</button></p></form>\n",
	    sl_dossier_max_bytes() >> 20);
}

enum MHD_Result sl_web_intake_form(struct MHD_Connection *c, sl_websess *s)
{
	if (strcmp(s->role, "leader"))
		return sl_web_message(c, 403, s, "无权操作",
		                      "只有组长可以受理案件。");
	sl_html h = {0};
	sl_html_head(&h, s, "受理");
	form(&h, s);
	sl_html_foot(&h);
	return sl_web_page(c, 200, &h);
}

/* ---- the decisions --------------------------------------------------------
 */

static const char *decision(const char *d)
{
	static const char *const tab[][2] = {{"accepted", "受理"},
	                                     {"deferred", "暂缓受理"},
	                                     {"refused", "不予受理"},
	                                     {"malformed", "卷宗格式错误"}};
	for (size_t i = 0; d && i < sizeof tab / sizeof *tab; i++)
		if (!strcmp(d, tab[i][0]))
			return tab[i][1];
	return d ? d : "—";
}

static void result_row(sl_html *h, const json_t *r)
{
	const char *id = json_string_value(json_object_get(r, "case_id"));
	const char *d = json_string_value(json_object_get(r, "decision"));
	/* a malformed file is refused with its error as the reason */
	if (json_is_true(json_object_get(r, "malformed")))
		d = "malformed";
	const char *err = json_array_size(json_object_get(r, "reasons"))
	                      ? NULL
	                      : json_string_value(json_object_get(r, "error"));
	sl_html_put(h, "<tr><td>");
	if (id && d && !strcmp(d, "accepted")) {
		sl_html_put(h, "<a href=\"/case/");
		sl_html_url(h, id);
		sl_html_put(h, "\">");
		sl_html_text(h, id);
		sl_html_put(h, "</a>");
	} else {
		sl_html_text(h, id ? id : "—");
	}
	sl_html_put(h, d && strcmp(d, "accepted") ? "</td><td class=\"flag\">"
	                                          : "</td><td>");
	sl_html_text(h, decision(d));
	sl_html_put(h, "</td><td><ul>");
	if (d && !strcmp(d, "malformed")) {
		/* --json says why untranslated (spec/cli.md); the page says
		 * it in Chinese below, as the service's messages have it */
		sl_html_put(h, "<li>原因见下方说明</li></ul></td></tr>");
		return;
	}
	size_t i;
	const json_t *why;
	json_array_foreach(json_object_get(r, "reasons"), i, why)
	{
		sl_html_put(h, "<li>");
		sl_html_reason(h, json_string_value(why));
		sl_html_put(h, "</li>");
	}
	if (err) {
		sl_html_put(h, "<li>");
		sl_html_text(h, err);
		sl_html_put(h, "</li>");
	}
	sl_html_put(h, "</ul></td></tr>");
}

/* The page of an import the service ran (rc 0, 1 or 5): each dossier's
 * decision as `case import --json` printed it, and its messages. */
static enum MHD_Result decided(struct MHD_Connection *c, sl_websess *s,
                               const sl_webcall_res *res)
{
	json_error_t e;
	json_t *rows = json_loadb((const char *)res->out, res->len, 0, &e);
	sl_html h = {0};
	sl_html_head(&h, s, "受理结果");
	sl_html_put(&h, "<table><tr><th>案件编号</th><th>受理决定</th>"
	                "<th>理由</th></tr>");
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r) result_row(&h, r);
	sl_html_put(&h, "</table>");
	if (res->rc && res->err[0]) {
		/* the malformed dossiers': a line each, as the page says it */
		sl_html_put(&h, "<p class=\"error\" id=\"intake-errors\">");
		sl_html_said(&h, res->err, "");
		sl_html_put(&h, "</p>");
	}
	sl_html_put(&h, "<h2>继续受理</h2>");
	form(&h, s);
	sl_html_foot(&h);
	json_decref(rows);
	return sl_web_page(c, 200, &h);
}

/* ---- the upload -----------------------------------------------------------
 */

/* The most of a file's name the pages and messages say. */
#define FILE_NAME_MAX 96

/* The name part i goes by (names: those taken by the k before it): the
 * user's own, so that a message about it says which file; one the same
 * as an earlier file's, marked with its place. */
static void file_word(const sl_webpart *pi, char (*names)[FILE_NAME_MAX + 40],
                      int k)
{
	sl_web_part_file(pi, names[k], FILE_NAME_MAX);
	for (int j = 0; j < k; j++)
		if (!strcmp(names[j], names[k])) {
			size_t n = strlen(names[k]);
			snprintf(names[k] + n, 40, "（第%d个文件）", k + 1);
			return;
		}
}

/* The dossiers of the parts, as the files of `case import` (named as the
 * user's files are, file_word) and its argv. */
static int import_args(const sl_webpart *ps, int n, json_t *files,
                       const char **av, char (*names)[FILE_NAME_MAX + 40])
{
	int k = 0;
	av[0] = "case";
	av[1] = "import";
	for (int i = 0; i < n; i++) {
		if (!sl_web_part_named(&ps[i], "dossier") || !ps[i].len)
			continue;
		file_word(&ps[i], names, k);
		char *b64 = sl_b64_encode(ps[i].data, ps[i].len);
		if (!b64 ||
		    json_object_set_new(files, names[k], json_string(b64))) {
			free(b64);
			return -1;
		}
		free(b64);
		av[2 + k] = names[k];
		k++;
	}
	av[2 + k] = "--json";
	av[3 + k] = NULL;
	return k;
}

enum MHD_Result sl_web_intake(struct MHD_Connection *c, sl_websess *s,
                              const sl_webreq *r)
{
	sl_webpart ps[FILES_MAX + 2];
	int n = sl_web_parts(c, r, ps, FILES_MAX + 2);
	if (n == SL_WEB_PARTS_TOO_MANY) { /* said, not a bare refusal */
		char why[160];
		snprintf(
		    why, sizeof why,
		    "一次最多上传 %d 个卷宗文件；请分批上传，未作任何更改。",
		    FILES_MAX);
		return sl_web_message(c, 413, s, "未能受理", why);
	}
	if (n < 0 || !sl_web_parts_csrf(s, ps, n))
		return sl_web_refused(c, s); /* no token read: nothing done */
	json_t *files = json_object();
	const char *av[FILES_MAX + 6];
	char names[FILES_MAX + 2][FILE_NAME_MAX + 40];
	int k = files ? import_args(ps, n, files, av, names) : -1;
	enum MHD_Result ok;
	if (k < 0) {
		ok = sl_web_failed(c, s, SL_ESYS);
	} else if (!k) {
		ok = sl_web_message(c, 400, s, "未能受理",
		                    "未选择卷宗文件，未作任何更改。");
	} else {
		sl_webcall_res res;
		int rc = sl_webcall_exec(s->token, av, files, 1, &res);
		if (rc == SL_OK || rc == SL_FAIL || rc == SL_EINPUT)
			ok = decided(c, s, &res);
		else if (rc == SL_EPERM)
			ok = sl_web_said_message(c, 403, s, "无权操作", res.err,
			                         "服务拒绝了此操作。");
		else
			ok = sl_web_failed(c, s, rc);
		sl_webcall_res_free(&res);
	}
	json_decref(files);
	return ok;
}
