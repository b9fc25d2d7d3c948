/*
 * casedoc.h - what the three documents of a case (审理报告, 退回补充调查函,
 * 审理意见) share: the source they are built from, read in one snapshot,
 * the Chinese for every code the case holds, people by name, the 公文
 * frame from the template, the verification annex, and rendering.
 *
 * The source is the case view (signoff.h), the one source of truth that
 * the consistency scripts also see, plus the rules' Chinese names, the
 * audit head and, once signed off, the head the sign-off recorded. Policy
 * (SL_ACT_CASE_READ) is checked before anything is read.
 *
 * People are printed by name, never by user id: a team entry's "name";
 * where no name is recorded (or the person is not on the team, as the
 * leader who records the panel's opinion may not be), only the role
 * ("组员", "组长") is printed, which identifies no one.
 */
#ifndef SHENLI_CASEDOC_H
#define SHENLI_CASEDOC_H

#include <jansson.h>

#include <shenli/ops.h>

#include "doc.h"
#include "doctemplate.h"
#include "rules.h"
#include "store.h"

typedef struct {
	json_t *view;
	json_t *team;     /* borrowed from view: user id -> team entry */
	json_t *evidence; /* id -> evidence entry (borrowed from view) */
	json_t *facts;    /* id -> fact entry (borrowed from view) */
	sl_rules *rules;
	const sl_doctemplate *tpl;
	sl_doctemplate *own_tpl; /* the one in force, if tpl was NULL */
	char head[96];
	char *signed_head, *agency_name, *zone_name;
	char panel[256];
} sl_casedoc;

/* Policy, then the view, the rules and the heads in one read
 * transaction, so that the audit head printed is the head of the very
 * state the document shows. tpl NULL: the template in force
 * (templates.h: a template package, else the built-in one); a template in
 * force that may not be used refuses the document. */
sl_rc sl_casedoc_load(sl_store *s, const char *case_id,
                      const sl_doctemplate *tpl, sl_casedoc *src);
void sl_casedoc_free(sl_casedoc *src);

/* "md", "html" or "pdf"; 0 for anything else. */
int sl_casedoc_format_ok(const char *format);
/* Render d in format. */
sl_rc sl_casedoc_render(const sl_doc *d, const char *format, char **out,
                        size_t *len);

/* The 公文 frame of a document of kind k: 份号, 密级, 紧急程度, the panel as
 * issuer and signer, 发文字号 (code〔year〕 with the number left for the
 * registry), title, the 成文日期 of the ISO date, 主送 (to: NULL = the
 * template's), 版记 and the fonts. */
void sl_casedoc_frame(const sl_casedoc *src, sl_doc *d, sl_dockind k,
                      const char *title, const char *date_iso, const char *to);

/* The verification annex: the audit head when the document was made, the
 * head the sign-off recorded, and the key fingerprints of the opinions'
 * signers (all, or only the panel's opinion and its dissenters). */
void sl_casedoc_annex_verify(const sl_casedoc *src, sl_doc *d, int panel_only);

/* Chinese for the codes of the case. Unknown codes give "—" or the
 * fallback: never a code. (State, standard, severity, role and return
 * kind: <shenli/ops.h>, for the front ends too.) */
const char *sl_casedoc_discipline(const char *code);
const char *sl_casedoc_violation(const sl_casedoc *src, const char *code);
const char *sl_casedoc_evidence_kind(const sl_casedoc *src, const char *k);
const char *sl_casedoc_doc_kind(const sl_casedoc *src, const char *k);
/* "第二种形态（…）" from the rules. */
void sl_casedoc_form(const sl_casedoc *src, json_int_t form, char *out,
                     size_t cap);

/* A person by name; without a name, their role in words. */
void sl_casedoc_person(const sl_casedoc *src, const char *user_id,
                       const char *role, char *out, size_t cap);
/* The transferring agency's name ("移送单位" if the store has none). */
const char *sl_casedoc_agency(const sl_casedoc *src);
/* A date as running text writes it ("2024年3月5日"); "—" if absent. */
void sl_casedoc_date(const char *iso, char *out, size_t cap);

/* The classification and sanction of a proposal or an opinion, as
 * paragraphs: disciplines, eight-point rules, sanctions, form,
 * circumstances. */
void sl_casedoc_classification(const sl_casedoc *src, sl_doc *d,
                               const json_t *o);
/* refs (fact and evidence ids, standards) into text: "事实F1、证据E2". */
void sl_casedoc_refs(const sl_casedoc *src, sl_doc *d, const json_t *refs);

const char *sl_casedoc_str(const json_t *o, const char *k);
const json_t *sl_casedoc_panel_opinion(const sl_casedoc *src);

#endif
