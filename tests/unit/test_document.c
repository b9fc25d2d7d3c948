/* Unit tests: Chinese dates, numbers and amounts; the document model
 * cleans every string (controls, bidirectional overrides, bad UTF-8); the
 * Markdown and HTML renderers escape hostile text so that it cannot add
 * markup or start a block; the template parser refuses every malformed
 * class with SL_EINPUT naming the field, and layers over the built-in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the above first */
#include <cmocka.h>

#include "doc.h"
#include "doc_html.h"
#include "doc_md.h"
#include "doctemplate.h"
#include "zhtext.h"

static void test_dates_numbers_amounts(void **st)
{
	(void)st;
	char b[64];
	assert_int_equal(sl_zh_date("2026-12-04", 1, b, sizeof b), 0);
	assert_string_equal(b, "二〇二六年十二月四日");
	assert_int_equal(sl_zh_date("2024-10-20", 1, b, sizeof b), 0);
	assert_string_equal(b, "二〇二四年十月二十日");
	assert_int_equal(sl_zh_date("2031-01-31", 1, b, sizeof b), 0);
	assert_string_equal(b, "二〇三一年一月三十一日");
	assert_int_equal(sl_zh_date("2026-03-05", 0, b, sizeof b), 0);
	assert_string_equal(b, "2026年3月5日");
	assert_int_equal(sl_zh_date("2026-02-30", 1, b, sizeof b), -1);
	assert_int_equal(sl_zh_date("2026-1-05", 1, b, sizeof b), -1);
	assert_int_equal(sl_zh_date(NULL, 1, b, sizeof b), -1);
	assert_string_equal(b, "");
	assert_int_equal(sl_zh_date_add("2024-02-15", 30, b), 0);
	assert_string_equal(b, "2024-03-16"); /* a leap year */
	assert_int_equal(sl_zh_date_add("2026-12-04", 30, b), 0);
	assert_string_equal(b, "2027-01-03");
	assert_int_equal(sl_zh_date_add("x", 1, b), -1);
	sl_zh_number(1, b, sizeof b);
	assert_string_equal(b, "一");
	sl_zh_number(10, b, sizeof b);
	assert_string_equal(b, "十");
	sl_zh_number(12, b, sizeof b);
	assert_string_equal(b, "十二");
	sl_zh_number(21, b, sizeof b);
	assert_string_equal(b, "二十一");
	sl_zh_number(105, b, sizeof b);
	assert_string_equal(b, "一百零五");
	sl_zh_number(1010, b, sizeof b);
	assert_string_equal(b, "一千零一十");
	sl_zh_amount(86000, b, sizeof b);
	assert_string_equal(b, "人民币8.6万元");
	sl_zh_amount(120000, b, sizeof b);
	assert_string_equal(b, "人民币12万元");
	sl_zh_amount(123456, b, sizeof b);
	assert_string_equal(b, "人民币12.3456万元");
	sl_zh_amount(3500, b, sizeof b);
	assert_string_equal(b, "人民币3500元");
	sl_zh_amount(1234.5, b, sizeof b);
	assert_string_equal(b, "人民币1234.50元");
}

/* A document with hostile text in every place text can go. */
static const char HOSTILE[] =
    "<script>alert(1)</script>\n# 标题\n- 条目\r\n1. 列表 | 表格 "
    "**粗** [链接](javascript:x) \xe2\x80\xae反转\xe2\x81\xa6隔离"
    "\xe2\x81\xa9\x07\x1b[31m\xc2\x85\xe2\x80\xa8\xef\xbb\xbf\xff尾 "
    "https://evil.example/x 或 WWW.evil.example";

static sl_doc *hostile_doc(void)
{
	sl_doc *d = sl_doc_new();
	sl_doc_set(d, SL_DOC_TITLE, HOSTILE);
	sl_doc_set(d, SL_DOC_TO, HOSTILE);
	sl_doc_set(d, SL_DOC_SIGNER, HOSTILE);
	sl_doc_set(d, SL_DOC_CC, HOSTILE);
	sl_doc_h1(d, HOSTILE);
	sl_doc_h2(d, HOSTILE);
	sl_doc_para(d);
	sl_doc_put(d, HOSTILE);
	sl_doc_em(d, HOSTILE);
	sl_doc_paras(d, HOSTILE);
	static const char *const H[] = {"甲", "乙"};
	sl_doc_table(d, 2, H, NULL);
	const char *row[] = {HOSTILE, HOSTILE};
	sl_doc_rowv(d, row);
	sl_doc_annex(d, HOSTILE);
	sl_doc_para(d);
	sl_doc_put(d, HOSTILE);
	return d;
}

/* No control character but newlines, no bidirectional control, no line
 * separator, no BOM, valid UTF-8. */
static void assert_clean(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		assert_true(c >= 0x20 || c == '\n');
		assert_true(c != 0x7f && c != 0xff);
	}
	assert_null(strstr(s, "\xe2\x80\xae"));
	assert_null(strstr(s, "\xe2\x81\xa6"));
	assert_null(strstr(s, "\xe2\x81\xa9"));
	assert_null(strstr(s, "\xe2\x80\xa8"));
	assert_null(strstr(s, "\xc2\x85"));
	assert_null(strstr(s, "\xef\xbb\xbf"));
}

static void test_model_cleans(void **st)
{
	(void)st;
	sl_doc *d = hostile_doc();
	assert_false(sl_doc_failed(d));
	const char *t = sl_doc_text(d);
	assert_clean(t, strlen(t));
	assert_null(strchr(t, '\n'));
	assert_non_null(strstr(t, "反转隔离")); /* the text itself stays */
	assert_non_null(strstr(t, "\xef\xbf\xbd尾")); /* bad byte: U+FFFD */
	assert_clean(sl_doc_get(d, SL_DOC_TITLE),
	             strlen(sl_doc_get(d, SL_DOC_TITLE)));
	/* headings are numbered, and the numbering starts again */
	const sl_dblock *b = sl_doc_block_at(d, 0);
	assert_int_equal(b->kind, SL_BLK_H1);
	char *h = sl_doc_cell_plain(d, b->first);
	assert_true(!strncmp(h, "一、", strlen("一、")));
	free(h);
	h = sl_doc_cell_plain(d, sl_doc_block_at(d, 1)->first);
	assert_true(!strncmp(h, "（一）", strlen("（一）")));
	free(h);
	sl_doc_free(d);
}

static void test_markdown_escapes(void **st)
{
	(void)st;
	sl_doc *d = hostile_doc();
	char *md;
	size_t n;
	assert_int_equal(sl_doc_md(d, &md, &n), SL_OK);
	assert_clean(md, n);
	/* one title; no line of the text starts a block of its own */
	size_t titles = 0;
	for (const char *l = md; l && *l;
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		titles += !strncmp(l, "# ", 2);
		assert_false(!strncmp(l, "- ", 2) || !strncmp(l, "1. ", 3) ||
		             !strncmp(l, "<", 1) || !strncmp(l, "# 标题", 8));
	}
	assert_int_equal(titles, 1);
	/* every "<" is escaped */
	for (const char *p = strchr(md, '<'); p; p = strchr(p + 1, '<'))
		assert_true(p > md && p[-1] == '\\');
	assert_non_null(strstr(md, "\\<script\\>"));
	assert_non_null(strstr(md, "\\*\\*粗\\*\\*"));
	assert_non_null(strstr(md, "\\[链接\\]"));
	assert_null(strstr(md, " | 表格")); /* "|" escaped: no new cell */
	/* no address a GitHub-flavoured renderer would make a link of */
	assert_non_null(strstr(md, "https\\://evil.example/x"));
	assert_non_null(strstr(md, "WWW\\.evil.example"));
	for (const char *p = strstr(md, "://"); p; p = strstr(p + 1, "://"))
		assert_true(p > md && p[-1] == '\\');
	assert_null(strstr(md, "WWW.e"));
	free(md);
	sl_doc_free(d);
}

static void test_html_escapes(void **st)
{
	(void)st;
	sl_doc *d = hostile_doc();
	char *html;
	size_t n;
	assert_int_equal(sl_doc_html(d, &html, &n), SL_OK);
	assert_clean(html, n);
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "default-src 'none'"));
	assert_non_null(strstr(html, "<html lang=\"zh-CN\">"));
	free(html);
	sl_doc_free(d);
	/* a font family that could break out of CSS is left out */
	d = sl_doc_new();
	sl_doc_set(
	    d, SL_DOC_FONT_FANGSONG,
	    "Good Font,Bad\"; } body { x: url(y),Noto Serif CJK SC:bold");
	assert_int_equal(sl_doc_html(d, &html, &n), SL_OK);
	assert_non_null(
	    strstr(html, "\"Good Font\", \"Noto Serif CJK SC\", serif"));
	assert_null(strstr(html, "url("));
	free(html);
	sl_doc_free(d);
}

static sl_rc parse(const char *json, sl_doctemplate **t)
{
	return sl_doctemplate_parse(json, strlen(json), t);
}

static void refused(const char *json, const char *field)
{
	sl_doctemplate *t = (sl_doctemplate *)1;
	assert_int_equal(parse(json, &t), SL_EINPUT);
	assert_null(t);
	if (!strstr(sl_errmsg(), field))
		fail_msg("'%s' not named in: %s", field, sl_errmsg());
}

static void test_template(void **st)
{
	(void)st;
	sl_doctemplate *t;
	/* the built-in one */
	assert_int_equal(sl_doctemplate_builtin(&t), SL_OK);
	const sl_tpl_doc *r = sl_doctemplate_doc(t, SL_DOCKIND_REPORT);
	assert_string_equal(r->secrecy, "机密");
	assert_int_equal(
	    sl_doctemplate_doc(t, SL_DOCKIND_LETTER)->deadline_supplement, 30);
	assert_non_null(strstr(sl_doctemplate_fonts(t, SL_FONT_FANGSONG),
	                       "Noto Serif CJK SC"));
	char panel[256];
	sl_doctemplate_panel(t, "Z1", "第一片区", panel, sizeof panel);
	assert_string_equal(panel, "第一片区划片审理小组");
	/* GB/T 9704-2012 7.3.5.1: the 成文日期 in Arabic numerals */
	assert_false(sl_doctemplate_chinese_dates(t));
	sl_doctemplate_free(t);

	/* a station's template over it: what it leaves out stays */
	assert_int_equal(
	    parse("{\"format\": \"shenli.template/1\", \"name\": \"厦门\","
	          "\"authority\": \"厦门市纪委监委\", \"panels\": {\"Z2\": "
	          "\"第二片区审理组\"}, \"date_style\": \"chinese\","
	          "\"fonts\": {\"kai\": [\"楷体_GB2312\", \"AR PL UKai CN\"]},"
	          "\"documents\": {\"report\": {\"secrecy\": \"绝密\", "
	          "\"secrecy_period\": \"10年\", \"urgency\": \"特急\", "
	          "\"cc\": [\"甲\", \"乙\"]}, \"letter\": {\"deadline_days\": "
	          "{\"supplement\": 15}}}}",
	          &t),
	    SL_OK);
	r = sl_doctemplate_doc(t, SL_DOCKIND_REPORT);
	assert_string_equal(r->secrecy, "绝密");
	assert_string_equal(r->secrecy_period, "10年");
	assert_string_equal(r->urgency, "特急");
	assert_int_equal(r->ncc, 2);
	assert_string_equal(r->code, "审报"); /* kept */
	assert_int_equal(
	    sl_doctemplate_doc(t, SL_DOCKIND_LETTER)->deadline_supplement, 15);
	assert_int_equal(
	    sl_doctemplate_doc(t, SL_DOCKIND_LETTER)->deadline_reinvestigate,
	    60);
	sl_doctemplate_panel(t, "Z1", "第一片区", panel, sizeof panel);
	assert_string_equal(panel, "厦门市纪委监委第一片区划片审理小组");
	sl_doctemplate_panel(t, "Z2", "第二片区", panel, sizeof panel);
	assert_string_equal(panel, "第二片区审理组");
	assert_true(sl_doctemplate_chinese_dates(t));
	assert_string_equal(sl_doctemplate_fonts(t, SL_FONT_KAI),
	                    "楷体_GB2312,AR PL UKai CN");
	sl_doctemplate_free(t);

	/* every malformed class, with the field named */
	refused("{}", "format");
	refused("{\"format\": \"shenli.template/2\"}", "format");
	refused("[1]", "template");
	refused("{\"format\": \"shenli.template/1\", \"script\": \"x\"}",
	        "template.script");
	refused("{\"format\": \"shenli.template/1\", \"format\": "
	        "\"shenli.template/1\"}",
	        "template");
	refused("{\"format\": \"shenli.template/1\"} x", "template");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"report\": {\"secrecy\": \"内部\"}}}",
	        "documents.report.secrecy");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"report\": {\"urgency\": \"平急\"}}}",
	        "documents.report.urgency");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"report\": {\"secrecy_period\": \"永久保密\"}}}",
	        "documents.report.secrecy_period");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"memo\": {}}}",
	        "documents.memo");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"letter\": {\"to\": \"某单位\"}}}",
	        "documents.letter.to");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"report\": {\"deadline_days\": {\"supplement\": 3}}}}",
	        "documents.report.deadline_days");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"letter\": {\"deadline_days\": {\"supplement\": 0}}}}",
	        "deadline_days.supplement");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"report\": {\"copy_no\": \"1\"}}}",
	        "documents.report.copy_no");
	refused("{\"format\": \"shenli.template/1\", \"documents\": "
	        "{\"report\": {\"cc\": [\"\"]}}}",
	        "documents.report.cc");
	refused("{\"format\": \"shenli.template/1\", \"authority\": "
	        "\"甲\\u202e乙\"}",
	        "authority");
	refused("{\"format\": \"shenli.template/1\", \"authority\": "
	        "\"甲\\n乙\"}",
	        "authority");
	refused("{\"format\": \"shenli.template/1\", \"authority\": "
	        "\"甲\\u0000乙\"}",
	        "template");
	refused("{\"format\": \"shenli.template/1\", \"fonts\": {\"hei\": "
	        "[\"Bad\\\"; } x\"]}}",
	        "fonts.hei");
	refused("{\"format\": \"shenli.template/1\", \"fonts\": {\"hei\": "
	        "[]}}",
	        "fonts.hei");
	refused("{\"format\": \"shenli.template/1\", \"fonts\": {\"emoji\": "
	        "[\"x\"]}}",
	        "fonts.emoji");
	refused("{\"format\": \"shenli.template/1\", \"panels\": {\"Z 1\": "
	        "\"甲\"}}",
	        "panels");
	refused("{\"format\": \"shenli.template/1\", \"date_style\": "
	        "\"roman\"}",
	        "date_style");
	/* bounded: a long name, a big document */
	char big[300];
	memset(big, 'a', sizeof big);
	big[sizeof big - 1] = 0;
	char json[600];
	snprintf(json, sizeof json,
	         "{\"format\": \"shenli.template/1\", \"authority\": \"%s\"}",
	         big);
	refused(json, "authority");
	size_t n = SL_TPL_MAX_BYTES + 10;
	char *huge = malloc(n + 1);
	memset(huge, ' ', n);
	memcpy(huge, "{\"format\": \"shenli.template/1\"}", 31);
	huge[n] = 0;
	assert_int_equal(sl_doctemplate_parse(huge, n, &t), SL_EINPUT);
	free(huge);
	/* the built-in JSON is a valid template of its own */
	size_t bl;
	const char *bj = sl_doctemplate_builtin_json(&bl);
	assert_int_equal(sl_doctemplate_parse(bj, bl, &t), SL_OK);
	sl_doctemplate_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates_numbers_amounts),
	    cmocka_unit_test(test_model_cleans),
	    cmocka_unit_test(test_markdown_escapes),
	    cmocka_unit_test(test_html_escapes),
	    cmocka_unit_test(test_template),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
