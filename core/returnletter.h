/*
 * returnletter.h - the letter returning a case for supplementary (or new)
 * investigation (退回补充调查函) with its supplement outline (补查提纲) as
 * annex, as a 公文 to the transferring agency: Markdown, HTML or PDF.
 *
 * The letter carries the deadline by which the agency must resubmit: the
 * return's date plus the template's days for the kind of return (built
 * in: 30 days for 补充审查调查, the one month that supplementary
 * investigation may take; 60 for 重新审查调查). Its 成文日期 is the
 * return's date, so the letter of a return reads the same whenever it is
 * printed. Built from the case view like the report (casedoc.h).
 */
#ifndef SHENLI_RETURNLETTER_H
#define SHENLI_RETURNLETTER_H

#include <stddef.h>

#include <jansson.h>

#include "casedoc.h"
#include "doc.h"
#include "doctemplate.h"
#include "store.h"

/* Return return_no (0 = the latest) of a case as a letter with its
 * outline. SL_EINPUT if the case has no such return. tpl NULL: the
 * built-in template. */
sl_rc sl_outline_document(sl_store *s, const char *case_id, int return_no,
                          const char *format, const sl_doctemplate *tpl,
                          char **out, size_t *len);

/* The deadline of a return made on returned_on (ISO) of kind ("supplement"
 * or "reinvestigate") under tpl: out gets the ISO date. -1 if
 * returned_on is not a date. */
int sl_return_deadline(const sl_doctemplate *tpl, const char *kind,
                       const char *returned_on, char out[11]);

/* What an outline item names, as text: sl_casedoc_refs, and the subject
 * (an item may be about the subject alone) as 被审查调查人. The report
 * uses it too, for items and findings alike. */
void sl_outline_refs(const sl_casedoc *src, sl_doc *d, const json_t *refs);

/* Item it of an outline as the letter and the report show it: its text
 * with the return it was carried from ("（续列第1次退回第1项，前次未补
 * 查）"), and its state: where it was carried next, then what became of it
 * (answered, withdrawn by the panel, or open). One wording for both, so
 * that the report tells what the letter tells. ret is its return in the
 * case view of src. */
void sl_outline_item_text(sl_doc *d, const json_t *it);
void sl_outline_item_state(const sl_casedoc *src, sl_doc *d, const json_t *ret,
                           const json_t *it);

#endif
