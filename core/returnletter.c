/* returnletter.c - the return letter and its outline. See returnletter.h. */
#include "returnletter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedoc.h"
#include "doc.h"
#include "zhtext.h"

#define str sl_casedoc_str

int sl_return_deadline(const sl_doctemplate *tpl, const char *kind,
                       const char *returned_on, char out[11])
{
	const sl_tpl_doc *t = sl_doctemplate_doc(tpl, SL_DOCKIND_LETTER);
	int days = kind && !strcmp(kind, "reinvestigate")
	               ? t->deadline_reinvestigate
	               : t->deadline_supplement;
	return sl_zh_date_add(returned_on, days, out);
}

static void put_date(sl_doc *d, const char *iso)
{
	char b[64];
	sl_casedoc_date(iso, b, sizeof b);
	sl_doc_put(d, b);
}

/* Where item no of return r was carried next: the item of a later return
 * whose origin is this one's ("R.N", the first return that listed it). An
 * answer or a withdrawal marks every copy, so the letter of an earlier
 * return, printed again, says where the item went before what became of
 * it. */
static const json_t *carried_on(const json_t *returns, int r, int no,
                                const char *cf, int *later_r)
{
	char origin[32];
	if (cf)
		snprintf(origin, sizeof origin, "%s", cf);
	else
		snprintf(origin, sizeof origin, "%d.%d", r, no);
	size_t i, k;
	json_t *ret, *it;
	json_array_foreach(returns, i, ret)
	{
		int rn =
		    (int)json_integer_value(json_object_get(ret, "return_no"));
		if (rn <= r)
			continue;
		json_array_foreach(json_object_get(ret, "items"), k, it)
		{
			const char *c = str(it, "carried_from");
			if (c && !strcmp(c, origin)) {
				*later_r = rn;
				return it;
			}
		}
	}
	return NULL;
}

void sl_outline_refs(const sl_casedoc *src, sl_doc *d, const json_t *refs)
{
	size_t i;
	json_t *r;
	json_array_foreach(refs, i, r)
	{
		if (!json_is_string(r) ||
		    strcmp(json_string_value(r), "subject"))
			continue;
		/* one at a time, so that "subject" reads as the others do */
		json_array_foreach(refs, i, r)
		{
			if (i)
				sl_doc_put(d, "、");
			if (json_is_string(r) &&
			    !strcmp(json_string_value(r), "subject")) {
				sl_doc_put(d, "被审查调查人");
				continue;
			}
			json_t *one = json_pack("[O]", r);
			sl_casedoc_refs(src, d, one);
			json_decref(one);
		}
		return;
	}
	sl_casedoc_refs(src, d, refs);
}

void sl_outline_item_text(sl_doc *d, const json_t *it)
{
	sl_doc_put(d, str(it, "text"));
	const char *cf = str(it, "carried_from");
	int cr, cn;
	if (cf && sscanf(cf, "%d.%d", &cr, &cn) == 2)
		sl_doc_putf(d, "（续列第%d次退回第%d项，前次未补查）", cr, cn);
}

void sl_outline_item_state(const sl_casedoc *src, sl_doc *d, const json_t *ret,
                           const json_t *it)
{
	int later_r = 0;
	const json_t *on = carried_on(
	    json_object_get(src->view, "returns"),
	    (int)json_integer_value(json_object_get(ret, "return_no")),
	    (int)json_integer_value(json_object_get(it, "no")),
	    str(it, "carried_from"), &later_r);
	if (on)
		sl_doc_putf(
		    d, "续列至第%d次退回第%lld项；", later_r,
		    (long long)json_integer_value(json_object_get(on, "no")));
	const json_t *ans = json_object_get(it, "answer");
	const json_t *w = json_object_get(it, "withdrawn");
	if (json_is_true(json_object_get(it, "answered"))) {
		sl_doc_put(d, "已补查（");
		put_date(d, str(ans, "answered_on"));
		size_t e;
		json_t *ev;
		json_array_foreach(json_object_get(ans, "evidence"), e, ev)
		{
			sl_doc_put(d, e ? "、" : "，新证据");
			sl_doc_put(d, json_string_value(ev));
		}
		if (str(ans, "note")) {
			sl_doc_put(d, "，");
			sl_doc_put(d, str(ans, "note"));
		}
		sl_doc_put(d, "）");
	} else if (json_is_object(w)) {
		/* settled by the leader, with a reason */
		sl_doc_put(d, "审理组已撤回（");
		if (str(w, "withdrawn_on")) {
			put_date(d, str(w, "withdrawn_on"));
			sl_doc_put(d, "，");
		}
		sl_doc_put(d, "理由：");
		sl_doc_put(d, str(w, "reason"));
		sl_doc_put(d, "）");
	} else {
		sl_doc_put(d, "待补查");
	}
}

static void outline_annex(sl_doc *d, const sl_casedoc *src, const json_t *ret)
{
	const json_t *v = src->view;
	char title[512];
	const char *name = str(json_object_get(v, "subject"), "name");
	snprintf(title, sizeof title, "%s案补查提纲", name ? name : "");
	sl_doc_annex(d, title);
	sl_doc_para(d);
	/* the kind of the return: 补充审查调查 or 重新审查调查 (DOMAIN.md) */
	const char *kind = str(ret, "kind");
	sl_doc_putf(d,
	            "请对下列事项逐项%s。重新移送时，请在卷宗的"
	            "补查答复部分逐项注明所答事项的序号和新取得的证据；"
	            "未作答的事项仍视为待补查。",
	            kind && !strcmp(kind, "reinvestigate") ? "重新审查调查"
	                                                   : "补充审查调查");
	static const char *const H[] = {"序号", "补查事项", "涉及", "状态"};
	static const double W[] = {0.6, 3.4, 1.2, 1.6};
	sl_doc_table(d, 4, H, W);
	size_t k;
	json_t *it;
	json_array_foreach(json_object_get(ret, "items"), k, it)
	{
		sl_doc_row(d);
		sl_doc_cell(d);
		sl_doc_putf(
		    d, "%lld",
		    (long long)json_integer_value(json_object_get(it, "no")));
		sl_doc_cell(d);
		sl_outline_item_text(d, it);
		sl_doc_cell(d);
		sl_outline_refs(src, d, json_object_get(it, "refs"));
		sl_doc_cell(d);
		sl_outline_item_state(src, d, ret, it);
	}
	/* the facts the items point at, so the agency need not look them up */
	sl_doc_h1(d, "所涉事实");
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(v, "facts"), i, f)
	{
		sl_doc_para(d);
		sl_doc_put(d, "事实");
		sl_doc_put(d, str(f, "id"));
		sl_doc_put(d, "（");
		sl_doc_put(d, sl_casedoc_violation(src, str(f, "violation")));
		sl_doc_put(d, "）：");
		sl_doc_put(d, str(f, "summary"));
	}
}

/* How many items the agency must answer: those the panel withdrew while
 * this return was the one open are no longer asked for. An item carried
 * on to a later return was still asked for when the agency resubmitted
 * (only open items are carried), so a withdrawal there, which settles
 * this copy too, does not rewrite what this letter asked. */
static size_t put_count(sl_doc *d, const sl_casedoc *src, const json_t *ret,
                        const char *kzh)
{
	size_t k, open = 0, withdrawn = 0;
	json_t *it;
	int r = (int)json_integer_value(json_object_get(ret, "return_no"));
	json_array_foreach(json_object_get(ret, "items"), k, it)
	{
		int later_r = 0;
		const json_t *on = carried_on(
		    json_object_get(src->view, "returns"), r,
		    (int)json_integer_value(json_object_get(it, "no")),
		    str(it, "carried_from"), &later_r);
		if (json_is_object(json_object_get(it, "withdrawn")) && !on)
			withdrawn++;
		else
			open++;
	}
	sl_doc_para(d);
	if (!open && withdrawn) {
		sl_doc_putf(d,
		            "所附补查提纲所列%zu项均已由审理组撤回，无需%s。",
		            withdrawn, kzh);
		return 0;
	}
	sl_doc_putf(d, "请按照所附补查提纲，逐项%s，共%zu项", kzh, open);
	if (withdrawn)
		sl_doc_putf(d, "（另有%zu项已由审理组撤回，无需%s）", withdrawn,
		            kzh);
	sl_doc_put(d, "。");
	return open;
}

/* What becomes of an item left unanswered: carried into the next return,
 * unless this is the last return the rules allow (a further one is
 * refused), when no return is left to carry it into and the panel decides
 * on the file as it is (it may withdraw what cannot be answered). */
static void put_requirements(sl_doc *d, const sl_casedoc *src,
                             const json_t *ret)
{
	int max = src->rules ? sl_rules_max_returns(src->rules) : 0;
	json_int_t no = json_integer_value(json_object_get(ret, "return_no"));
	sl_doc_para(d);
	sl_doc_put(d, "重新移送时，请对补查提纲所列事项逐项作出答复，注明所答"
	              "事项的序号和新取得的证据；");
	if (max > 0 && no >= max)
		sl_doc_putf(d,
		            "本次为本案最后一次退回（至多退回%d次），"
		            "未作答的事项不再退回续列，仍视为待补查，"
		            "由审理组依据现有材料集体审议决定。",
		            max);
	else
		sl_doc_put(d, "未作答的事项仍视为待补查，将在再次退回时续列。");
}

sl_rc sl_outline_document(sl_store *s, const char *case_id, int return_no,
                          const char *format, const sl_doctemplate *tpl,
                          char **out, size_t *len)
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
	json_t *returns = json_object_get(src.view, "returns");
	size_t n = json_array_size(returns);
	if (n == 0 || return_no < 0 || (size_t)return_no > n) {
		sl_casedoc_free(&src);
		return n == 0
		           ? sl_error(SL_EPERM, /* its state */
		                      _("case %s has not been returned"),
		                      case_id)
		           : sl_error(SL_EINPUT, _("case %s has no return %d"),
		                      case_id, return_no);
	}
	json_t *ret =
	    json_array_get(returns, return_no ? (size_t)return_no - 1 : n - 1);
	sl_doc *d = sl_doc_new();
	if (!d) {
		sl_casedoc_free(&src);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	const json_t *v = src.view, *subj = json_object_get(v, "subject");
	const char *kind = str(ret, "kind");
	const char *kzh = sl_casedoc_return_kind(kind);
	const char *name = str(subj, "name");
	char title[512], deadline[11], buf[64];
	snprintf(title, sizeof title, "关于退回%s案%s的函", name ? name : "",
	         kzh);
	sl_casedoc_frame(&src, d, SL_DOCKIND_LETTER, title,
	                 str(ret, "returned_on"), sl_casedoc_agency(&src));
	sl_doc_para(d);
	sl_doc_put(d, "你单位于");
	put_date(d, str(v, "transferred_on"));
	sl_doc_put(d, "移送的");
	sl_doc_put(d, name);
	if (str(subj, "position")) {
		sl_doc_put(d, "（");
		sl_doc_put(d, str(subj, "position"));
		sl_doc_put(d, "）");
	}
	sl_doc_put(d, "涉嫌违纪一案，我组");
	if (str(v, "accepted_on")) {
		sl_doc_put(d, "于");
		put_date(d, str(v, "accepted_on"));
	}
	sl_doc_put(d, "受理。经审理，");
	sl_doc_put(d, kind && !strcmp(kind, "reinvestigate")
	                  ? "认为该案主要事实不清、证据不足"
	                  : "认为该案部分事实的证据尚需补充完善");
	sl_doc_putf(
	    d,
	    "，现将该案退回你单位%s（第%lld次退回）。有关事项函告如"
	    "下：",
	    kzh,
	    (long long)json_integer_value(json_object_get(ret, "return_no")));
	sl_doc_h1(d, "补查事项");
	/* every item withdrawn: nothing is asked, but the case comes back
	 * only when the agency sends the file again */
	size_t open = put_count(d, &src, ret, kzh);
	sl_doc_h1(d, "补查时限");
	sl_doc_para(d);
	int dated = !sl_return_deadline(src.tpl, kind, str(ret, "returned_on"),
	                                deadline);
	if (dated) {
		sl_doc_put(d, "请于");
		sl_zh_date(deadline, 0, buf, sizeof buf);
		sl_doc_em(d, buf);
		sl_doc_put(d, "前");
	} else {
		sl_doc_put(d, "请尽快");
	}
	if (open) {
		sl_doc_put(d, "完成");
		sl_doc_put(d, kzh);
		sl_doc_put(d, "，并将补充的证据材料连同全部案卷重新移送我组。");
	} else {
		sl_doc_put(d, "将全部案卷重新移送我组。");
	}
	sl_doc_put(d, kind && !strcmp(kind, "reinvestigate")
	                  ? "重新审查调查的时间不计入审理期限。"
	                  : "补充审查调查的时间不计入审理期限。");
	sl_doc_h1(d, "有关要求");
	if (open) {
		put_requirements(d, &src, ret);
	} else {
		sl_doc_para(d);
		sl_doc_put(d, "补查提纲所列事项均已撤回，重新移送时无需逐项"
		              "答复。");
	}
	if (str(ret, "resubmitted_on")) {
		sl_doc_para(d);
		sl_doc_put(d, "（你单位已于");
		put_date(d, str(ret, "resubmitted_on"));
		sl_doc_put(d, "重新移送，各事项答复情况见附件1。）");
	}
	sl_doc_para(d);
	sl_doc_put(d, "特此函告。");
	outline_annex(d, &src, ret);
	sl_casedoc_annex_verify(&src, d, 1);
	sl_casedoc_free(&src);
	rc = sl_casedoc_render(d, format, out, len);
	sl_doc_free(d);
	return rc;
}
