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

/* ---- numbers as a person reads them (zhtext.c, jsonout.c) ---------------- */

/* The shortest decimal that reads back as v: printf's %.15g, else %.16g,
 * else %.17g, with '.' for the decimal point in every locale. A number a
 * dossier wrote with at most 15 digits comes back as written ("86000.1",
 * "12345.675"), not as the binary double's expansion (%.17g:
 * "86000.100000000006"). out needs 32 bytes; returns its length. */
int sl_num_shortest(double v, char *out, size_t cap);

/* How sl_zh_yuan writes an amount. */
typedef enum {
	SL_YUAN_DOC, /* a document (公文): "人民币8.6万元", "人民币1234.50元" */
	SL_YUAN_TABLE /* a screen: "86,000.00 元" */
} sl_yuan_style;

/* An amount of money, the one way every screen and document rounds it:
 * to the fen (分), half up, from the decimal the dossier wrote
 * (sl_num_shortest: 12345.675 is 12345.68, though the double is a little
 * under), never from the binary value. A non-zero amount under half a fen
 * is never shown as zero: "人民币不足0.01元" / "不足 0.01 元".
 *   SL_YUAN_DOC: "人民币8.6万元" from 10,000 yuan up when it is a whole
 *   number of yuan (exact: at most four decimals of 万), else "人民币3500元"
 *   or "人民币1234.50元".
 *   SL_YUAN_TABLE: "86,000.00 元", always two decimals, thousands grouped.
 * out needs 64 bytes. */
void sl_zh_yuan(double yuan, sl_yuan_style how, char *out, size_t cap);
/* json_dumps(j, flags) for a person or a program to read, with every real
 * written as the shortest decimal that reads back as the same double
 * (sl_num_shortest): 86000.1 where jansson writes
 * 86000.100000000006. Output only: what is hashed or signed is dumped as
 * it always was, never with this. NULL if out of memory. */
char *sl_json_dumps_short(const json_t *j, size_t flags);

/* ---- a dossier as its readers see it (dossier_show.c) -------------------- */

/* What every reader of a dossier is shown as shenli.case/1
 * (spec/case-format.md) defines it: the Chinese of the evidence tags, and
 * the fields the format does not define, which are "kept (stored and
 * shown)": `case show` and the workbench's case page show the same. */

/* A tag the format names, in Chinese ("bank_record": 银行流水/转账记录);
 * any other tag stands for itself. */
const char *sl_dossier_tag_zh(const char *tag);

/* One field the format does not define: path is where its object sits
 * ("" the dossier itself, "facts[2]", "subject.prior_sanctions[0]"), key
 * its name as sent, val its value. */
typedef void (*sl_dossier_extra_fn)(void *ud, const char *path, const char *key,
                                    const json_t *val);

/* Calls fn for each unknown field of dossier d, in the dossier's order
 * (fn may be NULL to count them); returns how many there are. The walk
 * is as deep as the format (objects in lists in the dossier), never as
 * deep as the input. */
size_t sl_dossier_extra(const json_t *d, sl_dossier_extra_fn fn, void *ud);
/* Such a field as every reader is shown it: its key into k and its value,
 * as compact JSON, into v, each cut on a character (marked "...") and
 * made printable (sl_text_sanitize). */
#define SL_EXTRA_KEY_MAX 120
#define SL_EXTRA_VALUE_MAX 240
void sl_dossier_extra_text(const char *key, const json_t *val,
                           char k[SL_EXTRA_KEY_MAX],
                           char v[SL_EXTRA_VALUE_MAX]);

#endif
