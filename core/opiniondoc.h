/*
 * opiniondoc.h - the panel's review opinion (审理意见) as a 公文: the
 * classification, the sanctions and form, the reasons, the disposal of
 * case property and any dissent, from the panel's opinion recorded after
 * the collective deliberation (opinions.h), with the deliberation's date
 * as 成文日期 and the keys that signed it in the verification annex.
 * Markdown, HTML or PDF, built from the case view (casedoc.h).
 */
#ifndef SHENLI_OPINIONDOC_H
#define SHENLI_OPINIONDOC_H

#include <stddef.h>

#include "doctemplate.h"
#include "store.h"

/* SL_EPERM if the panel has not deliberated the case yet (no panel
 * opinion). tpl NULL: the built-in template. */
sl_rc sl_opinion_document(sl_store *s, const char *case_id, const char *format,
                          const sl_doctemplate *tpl, char **out, size_t *len);

#endif
