/* intake.c - the formal check of intake. See intake.h. */
#include "intake.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "casedoc.h"
#include "policy.h"
#include "text.h"

const char *sl_intake_name(sl_intake_decision d)
{
	return d == SL_INTAKE_ACCEPTED   ? "accepted"
	       : d == SL_INTAKE_DEFERRED ? "deferred"
	                                 : "refused";
}

/* Add a reason and count it. The decision goes by the count, never by
 * whether the text made it into the list: a reason lost to a cut UTF-8
 * character or to memory must not turn a deferral into an acceptance
 * (found by fuzz_intake). Texts are cut on a character boundary. */
__attribute__((format(printf, 3, 4))) static void
reason(json_t *list, int *count, const char *fmt, ...)
{
	char buf[2048], safe[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sl_text_sanitize(buf, safe, sizeof safe);
	(*count)++;
	json_t *v = json_string(safe);
	if (!v || json_array_append_new(list, v) != 0)
		json_array_append_new(list,
		                      json_string("(intake reason lost)"));
}

static int has_doc(const sl_dossier *d, const char *kind)
{
	for (size_t i = 0; i < d->n_documents; i++)
		if (!strcmp(d->documents[i].kind, kind))
			return 1;
	return 0;
}

/* The formal check of intake. Refusal reasons first: if any, the case is
 * refused and the file is not examined further. */
sl_intake_decision sl_intake_decide(const sl_actor *who, const sl_rules *r,
                                    const sl_dossier *d,
                                    const sl_intake_facts *kf, json_t *reasons)
{
	int agency_found = kf->agency_found, hidden = kf->hidden;
	const char *agency_zone = kf->agency_zone, *dup_state = kf->dup_state;
	int n = 0; /* reasons given */
	if (dup_state && hidden)
		reason(reasons, &n,
		       "案件编号 %s 已被占用 (case_id already in use)",
		       d->case_id);
	else if (dup_state)
		reason(reasons, &n,
		       "案件编号 %s 已在审理系统中，状态为“%s” (duplicate "
		       "case_id)",
		       d->case_id, sl_casedoc_state(dup_state));
	if (!agency_found)
		reason(reasons, &n,
		       "移送单位 %s 未在本系统登记 (unknown agency)",
		       d->agency);
	else if (!*agency_zone)
		reason(reasons, &n,
		       "移送单位 %s 未划入任何片区 (agency in no zone)",
		       d->agency);
	else {
		sl_verdict v = sl_policy_case(
		    who, SL_ACT_CASE_IMPORT,
		    &(sl_case_ref){d->case_id, d->agency, agency_zone, 0});
		if (v == SL_DENY_ZONE)
			reason(
			    reasons, &n,
			    "移送单位 %s 属于片区 %s，不属本审理组（片区 %s）"
			    "受理范围 (outside this panel's zone)",
			    d->agency, agency_zone, who->zone);
		/* 回避: the transferring agency's own people take no part
		 * in the review, intake included; another leader takes it
		 * in (a refused case may be imported again) */
		else if (v == SL_DENY_RECUSED)
			reason(
			    reasons, &n,
			    "移送单位 %s 是您所在单位，依回避规定不由您受理，"
			    "请交其他组长受理 (recused: your own agency)",
			    d->agency);
	}
	if (n)
		return SL_INTAKE_REFUSED;

	for (size_t i = 0; i < sl_rules_n_required_docs(r); i++) {
		const char *k = sl_rules_required_doc(r, i);
		if (!has_doc(d, k))
			reason(reasons, &n, "缺少%s (missing document: %s)",
			       sl_rules_doc_name(r, k), k);
	}
	int identity = sl_rules_n_identity_docs(r) == 0;
	for (size_t i = 0; i < sl_rules_n_identity_docs(r) && !identity; i++)
		identity = has_doc(d, sl_rules_identity_doc(r, i));
	if (!identity)
		reason(reasons, &n,
		       "缺少被审查调查人的身份材料（履历表、任免文件）"
		       "(missing identity documents)");
	for (size_t i = 0; i < d->n_facts; i++) {
		const sl_fact *f = &d->facts[i];
		for (size_t k = 0; k < f->n_evidence; k++)
			if (!sl_dossier_find_evidence(d, f->evidence[k]))
				reason(reasons, &n,
				       "事实 %s 引用的证据 %s 不在卷宗中 (fact "
				       "%s cites "
				       "evidence %s, which the file lacks)",
				       f->id, f->evidence[k], f->id,
				       f->evidence[k]);
		if (!sl_rules_violation(r, f->violation))
			reason(reasons, &n,
			       "事实 %s 的违纪类型 %s 不在规则词表中 (unknown "
			       "violation code)",
			       f->id, f->violation);
	}
	return n ? SL_INTAKE_DEFERRED : SL_INTAKE_ACCEPTED;
}
