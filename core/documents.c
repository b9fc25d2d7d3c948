/* documents.c - the review documents' one entry point (<shenli/ops_review.h>
 * sl_review_document): the 审理报告, the 退回补充调查函 with its 补查提纲,
 * and the panel's 审理意见, each in the format asked, with the media type a
 * service answers with. */
#include <shenli/ops_review.h>

#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "guard.h"
#include "lifecycle.h"
#include "opiniondoc.h"
#include "opinions.h"
#include "policy.h"
#include "report.h"
#include "respool.h"
#include "returnletter.h"

static const char *media_type(const char *format)
{
	return !strcmp(format, "pdf")    ? "application/pdf"
	       : !strcmp(format, "html") ? "text/html; charset=utf-8"
	                                 : "text/markdown; charset=utf-8";
}

/* The report shows each reviewer's opinion: not to a reviewer who has not
 * recorded their own while another's is there to read, before the panel
 * has deliberated, as review opinions refuses them (policy.c: no one's
 * view anchors another's). */
static sl_rc report_readable(sl_store *s, const char *case_id)
{
	sl_case_rec c;
	sl_rc rc = sl_case_open(s, SL_ACT_CASE_READ, case_id, &c);
	if (rc || c.state == SL_ST_DELIBERATED || c.state == SL_ST_SIGNED_OFF)
		return rc;
	int64_t ref = c.ref;
	const sl_actor *me = sl_store_actor(s);
	struct sl_pool *p = sl_pool_new();
	sl_opinion *v;
	size_t n;
	if (!p)
		return sl_error(SL_ESYS, _("out of memory"));
	if ((rc = sl_opinions_load(s, ref, case_id, 1, p, &v, &n))) {
		sl_pool_free(p);
		return rc;
	}
	int mine = 0, others = 0;
	for (size_t i = 0; i < n; i++)
		/* one given before a resubmission is not in the report, and
		 * its author gives theirs again before reading the others' */
		if (!v[i].panel && !(v[i].withdrawn &&
		                     !strcmp(v[i].withdrawn, "resubmitted"))) {
			int own = !strcmp(v[i].author, me->id);
			mine |= own;
			others |= !own;
		}
	sl_pool_free(p);
	sl_verdict verdict = sl_policy_team_opinions(me, c.assigned, mine);
	if (!others || verdict == SL_ALLOW)
		return SL_OK;
	sl_case_ref r = {.case_id = case_id};
	return sl_guard_refuse(s, verdict, me, SL_ACT_CASE_READ, &r);
}

sl_rc sl_review_document(sl_store *s, const sl_document_req *rq,
                         sl_document_res *out)
{
	memset(out, 0, sizeof *out);
	sl_rc rc;
	switch (rq->kind) {
	case SL_DOCUMENT_OPINION:
		rc = sl_opinion_document(s, rq->case_id, rq->format, NULL,
		                         &out->data, &out->len);
		break;
	case SL_DOCUMENT_RETURN_LETTER:
		rc = sl_outline_document(s, rq->case_id, rq->return_no,
		                         rq->format, NULL, &out->data,
		                         &out->len);
		break;
	default:
		rc = report_readable(s, rq->case_id);
		if (!rc)
			rc = sl_report(s, rq->case_id, rq->format, NULL,
			               &out->data, &out->len);
	}
	if (rc) {
		free(out->data);
		memset(out, 0, sizeof *out);
		return rc;
	}
	out->media_type = media_type(rq->format);
	return SL_OK;
}

void sl_document_res_free(sl_document_res *r)
{
	if (!r)
		return;
	free(r->data);
	memset(r, 0, sizeof *r);
}
