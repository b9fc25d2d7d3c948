/*
 * caseview.h - the one read model of a case (sl_caseview, ops_case.h).
 *
 * Whoever looks at a case - a person (case show), a check plugin (the
 * shenli_case view), a consistency script and a document (the JSON view)
 * - gets it from here: one loader of the case row, its normalised tables,
 * its returns with their outlines, its team, its stored dossier and the
 * Chinese names of its codes. A reader is made once and loads case after
 * case (a review run over a million cases reuses its statements and its
 * arena); what it loaded lives until the next load.
 *
 * Policy is the caller's: the reader loads by row id, which only a
 * guarded lookup (cases.h: sl_case_require) hands out.
 */
#ifndef SHENLI_CASEVIEW_H
#define SHENLI_CASEVIEW_H

#include <jansson.h>
#include <shenli/ops_case.h>

#include "store.h"

/* What to load besides the case row (always). */
#define SL_CV_TABLES 1u  /* c: the normalised dossier, returns, outlines */
#define SL_CV_TEAM 2u    /* team */
#define SL_CV_DOSSIER 4u /* dossier bytes (hash verified), supplement */
#define SL_CV_LABELS 8u  /* labels: the Chinese names of the codes */
#define SL_CV_ALL 15u

typedef struct sl_casereader sl_casereader;

sl_rc sl_casereader_new(sl_store *s, sl_casereader **out);
/* Load case ref; *out is valid until the next load or the free. */
sl_rc sl_casereader_load(sl_casereader *r, int64_t ref, unsigned parts,
                         const sl_caseview **out);
void sl_casereader_free(sl_casereader *r);

/* The case as a consistency script and a document see it: the stored
 * dossier's own fields, and state, zone, accepted_on, today, checked,
 * team, findings, opinions, opinions_reassigned and returns
 * (spec/cli.md, "The script contract"). */
sl_rc sl_caseview_script_json(sl_store *s, int64_t ref, const char *case_id,
                              json_t **out);

#endif
