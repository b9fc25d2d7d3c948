/*
 * shenli/ops.h - the operations: everything a person can do with shenli,
 * one function each, the same for the command line, the local service and
 * the browser. A front end includes this header (and <shenli/base.h>,
 * which it includes) and nothing else of the core.
 *
 * The shape of every operation (doc/api.md says it for each):
 *
 *   - It takes the open store (a session: <shenli/base.h>'s sl_store_open,
 *     as one user) and a request: a struct sl_X_req, or one or two plain
 *     arguments where that is all there is.
 *   - It asks policy, audits a refusal, reads in one snapshot, writes in
 *     one transaction with its audit entry, and retries on its own when
 *     another process wrote in between. It decides; the front end does
 *     not.
 *   - It returns an sl_rc (the exit code) and a typed result: a struct
 *     sl_X_res filled in *out and freed with sl_X_res_free(), or, for a
 *     listing, one typed row at a time to a callback (rows stream: a
 *     listing of a million cases holds one row at a time).
 *   - The result serialises to exactly one JSON shape, sl_X_json(), the
 *     one --json prints and the service sends; doc/api.md documents it.
 *     Strings in results are the store's, unchanged: a front end shows
 *     them through sl_text_* (base.h), never as they are.
 */
#ifndef SHENLI_OPS_H
#define SHENLI_OPS_H

#include <jansson.h>

#include <shenli/base.h>
#include <shenli/ops_admin.h>
#include <shenli/ops_case.h>
#include <shenli/ops_review.h>

/* The Chinese a person reads for the codes of a result (casedoc.c's
 * tables, the ones the documents use): a case's state, a finding's
 * standard and severity, a team member's role, a return's kind. An
 * unknown code gives "—" (a role: "审理组成员"), never the code. */
const char *sl_casedoc_state(const char *code);
const char *sl_casedoc_standard(const char *code);
const char *sl_casedoc_severity(const char *code);
const char *sl_casedoc_role(const char *code);
const char *sl_casedoc_return_kind(const char *code);

#endif
