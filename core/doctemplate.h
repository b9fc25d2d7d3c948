/*
 * doctemplate.h - the document template (shenli.template/1): what an admin
 * adapts in the documents without rebuilding: the panels' and the
 * commission's names, 密级 and 紧急程度 defaults, 发文字号 codes, 主送,
 * 版记 (抄送, 印发机关), the style of the 成文日期, the deadline a return
 * letter gives the agency, and the font families tried for each role.
 *
 * A template is data only: JSON, at most 64 KiB, every key known, every
 * string bounded, valid UTF-8, free of control and bidirectional
 * characters, and drawn from a closed set where the standard has one
 * (密级: 秘密/机密/绝密; 紧急程度: 特急/加急). Nothing in it is
 * interpreted: no placeholders, no markup, no code. The renderers escape
 * its strings like any other text.
 *
 *   {
 *     "format": "shenli.template/1", "name": "...", "version": 1,
 *     "authority": "厦门市纪委监委",            optional, before zone names
 *     "panel_suffix": "划片审理小组",           zone name + suffix = panel
 *     "panels": {"Z1": "第一片区划片审理小组"}, a zone's panel, in full
 *     "date_style": "chinese" | "arabic",     the 成文日期
 *     "fonts": {"xiaobiaosong"|"fangsong"|"hei"|"kai"|"song":
 *               ["Family", "Family:bold", ...]},
 *     "documents": {"report"|"letter"|"opinion": {
 *        "copy_no": 1, "secrecy": "机密", "secrecy_period": "1年",
 *        "urgency": "加急", "code": "厦纪审函", "to": "案件审理室",
 *        "cc": ["..."], "printer": "...", "note": "...",
 *        "deadline_days": {"supplement": 30, "reinvestigate": 60}}}
 *   }
 * Every key but "format" is optional; what is left out keeps the built-in
 * default (templates/default.json). A letter's 主送 is always the
 * transferring agency and takes no "to". An admin installs one as a signed
 * package of kind "template" (pkgstore.h); templates.h says which is in
 * force.
 */
#ifndef SHENLI_DOCTEMPLATE_H
#define SHENLI_DOCTEMPLATE_H

#include <stddef.h>

#include "err.h"

#define SL_TPL_MAX_BYTES (64 * 1024)
#define SL_TPL_MAX_TEXT 200 /* bytes of a name or a line */
#define SL_TPL_MAX_CC 20
#define SL_TPL_MAX_PANELS 1000
#define SL_TPL_MAX_FONTS 12

typedef enum {
	SL_DOCKIND_REPORT,  /* 审理报告 */
	SL_DOCKIND_LETTER,  /* 退回补充调查函 */
	SL_DOCKIND_OPINION, /* 审理意见 */
	SL_DOCKIND_N
} sl_dockind;

typedef enum {
	SL_FONT_XBS, /* 小标宋 */
	SL_FONT_FANGSONG,
	SL_FONT_HEI,
	SL_FONT_KAI,
	SL_FONT_SONG,
	SL_FONT_N
} sl_fontrole;

typedef struct sl_doctemplate sl_doctemplate;

/* Parse and validate. SL_EINPUT naming the field on anything malformed. */
sl_rc sl_doctemplate_parse(const char *buf, size_t len, sl_doctemplate **out);
/* The built-in template (a fresh copy). */
sl_rc sl_doctemplate_builtin(sl_doctemplate **out);
void sl_doctemplate_free(sl_doctemplate *t);
/* The built-in template's JSON text. */
const char *sl_doctemplate_builtin_json(size_t *len);

typedef struct {
	int copy_no;
	const char *secrecy, *secrecy_period, *urgency, *code, *to, *printer,
	    *note;
	const char *cc[SL_TPL_MAX_CC];
	size_t ncc;
	int deadline_supplement, deadline_reinvestigate; /* letter only */
} sl_tpl_doc;

const char *sl_doctemplate_name(const sl_doctemplate *t);
const sl_tpl_doc *sl_doctemplate_doc(const sl_doctemplate *t, sl_dockind k);
/* The panel of a zone: panels[zone_code], else authority + zone_name +
 * panel_suffix. */
void sl_doctemplate_panel(const sl_doctemplate *t, const char *zone_code,
                          const char *zone_name, char *out, size_t cap);
int sl_doctemplate_chinese_dates(const sl_doctemplate *t);
/* A role's family list, comma-separated. */
const char *sl_doctemplate_fonts(const sl_doctemplate *t, sl_fontrole r);

#endif
