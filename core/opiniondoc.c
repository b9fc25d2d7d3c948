/* opiniondoc.c - the panel's review opinion. See opiniondoc.h. */
#include "opiniondoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedoc.h"
#include "doc.h"
#include "zhtext.h"

#define str sl_casedoc_str

static void put_date(sl_doc *d, const char *iso)
{
	char b[64];
	sl_casedoc_date(iso, b, sizeof b);
	sl_doc_put(d, b);
}

/* The facts the opinion rests on, briefly: violation, summary, amount. */
static void sec_facts(sl_doc *d, const sl_casedoc *src)
{
	sl_doc_h1(d, "基本事实");
	size_t i;
	json_t *f;
	char amount[128];
	json_array_foreach(json_object_get(src->view, "facts"), i, f)
	{
		char head[512];
		snprintf(head, sizeof head, "%s（事实%s）",
		         sl_casedoc_violation(src, str(f, "violation")),
		         str(f, "id") ? str(f, "id") : "—");
		sl_doc_h2(d, head);
		sl_doc_para(d);
		sl_doc_put(d, str(f, "summary"));
		json_t *amt = json_object_get(f, "amount_yuan");
		if (json_is_number(amt)) {
			sl_zh_amount(json_number_value(amt), amount,
			             sizeof amount);
			sl_doc_put(d, "（涉及金额");
			sl_doc_put(d, amount);
			sl_doc_put(d, "）");
		}
	}
}

sl_rc sl_opinion_document(sl_store *s, const char *case_id, const char *format,
                          const sl_doctemplate *tpl, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (!sl_casedoc_format_ok(format))
		return sl_error(SL_EINPUT,
		                _("unknown format '%s': md, html or pdf"),
		                format ? format : "");
	sl_casedoc src;
	sl_rc rc = sl_casedoc_load(s, case_id, tpl, &src);
	if (rc)
		return rc;
	const json_t *panel = sl_casedoc_panel_opinion(&src);
	if (!panel) {
		sl_casedoc_free(&src);
		return sl_error(SL_EPERM,
		                _("case %s has no panel opinion yet: the panel "
		                  "has not deliberated it"),
		                case_id);
	}
	sl_doc *d = sl_doc_new();
	if (!d) {
		sl_casedoc_free(&src);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	const json_t *v = src.view;
	const char *name = str(json_object_get(v, "subject"), "name");
	char title[512];
	snprintf(title, sizeof title, "关于%s案的审理意见", name ? name : "");
	sl_casedoc_frame(&src, d, SL_DOCKIND_OPINION, title,
	                 str(panel, "recorded_on"), NULL);
	const char *state = str(v, "state");
	if (!state || strcmp(state, "signed_off"))
		sl_doc_set(d, SL_DOC_SUBTITLE, "（本案尚未签发）");

	sl_doc_para(d);
	sl_doc_put(d, sl_casedoc_agency(&src));
	sl_doc_put(d, "移送的");
	sl_doc_put(d, name);
	sl_doc_put(d, "涉嫌违纪一案，审理组于");
	put_date(d, str(panel, "recorded_on"));
	sl_doc_put(d, "进行集体审议，提出审理意见如下：");
	sec_facts(d, &src);

	sl_doc_h1(d, "定性和处理意见");
	sl_casedoc_classification(&src, d, panel);
	sl_doc_h1(d, "理由和依据");
	sl_doc_paras(d, str(panel, "reasoning"));
	sl_doc_h1(d, "涉案财物处置");
	sl_doc_para(d);
	sl_doc_put(d, str(panel, "property") ? str(panel, "property")
	                                     : "审理组意见未载明。");
	sl_doc_h1(d, "不同意见");
	json_t *dis = json_object_get(panel, "dissent"), *x;
	size_t i;
	if (!json_array_size(dis)) {
		sl_doc_para(d);
		sl_doc_put(d, "集体审议中无不同意见。");
	}
	json_array_foreach(dis, i, x)
	{
		char who[256];
		sl_casedoc_person(&src, str(x, "member"), NULL, who,
		                  sizeof who);
		sl_doc_para(d);
		sl_doc_put(d, who);
		sl_doc_put(d, "认为：");
		sl_doc_put(d, str(x, "text"));
	}
	sl_doc_para(d);
	sl_doc_put(d, "以上意见，请审定。");
	sl_casedoc_annex_verify(&src, d, 1);
	sl_casedoc_free(&src);
	rc = sl_casedoc_render(d, format, out, len);
	sl_doc_free(d);
	return rc;
}
