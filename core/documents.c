/* documents.c - the review documents' one entry point (<shenli/ops_review.h>
 * sl_review_document): the 审理报告, the 退回补充调查函 with its 补查提纲,
 * and the panel's 审理意见, each in the format asked, with the media type a
 * service answers with. */
#include <shenli/ops_review.h>

#include <stdlib.h>
#include <string.h>

#include "opiniondoc.h"
#include "report.h"
#include "returnletter.h"

static const char *media_type(const char *format)
{
	return !strcmp(format, "pdf")    ? "application/pdf"
	       : !strcmp(format, "html") ? "text/html; charset=utf-8"
	                                 : "text/markdown; charset=utf-8";
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
		rc = sl_report(s, rq->case_id, rq->format, NULL, &out->data,
		               &out->len);
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
