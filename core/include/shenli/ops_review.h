/*
 * shenli/ops_review.h - the operations of the review itself: the checks
 * and their findings, returns with their outlines, withdrawn items,
 * resubmissions, opinions, sign-off, script dry runs and the documents.
 * See <shenli/ops.h> for the shape every operation has, and
 * doc/api.md for each JSON shape.
 *
 * Where an operation checks something (the checks on a case, the answers
 * of a resubmission, the sign-off gate, a script), SL_FAIL is its verdict
 * "ran, and what it checks did not pass", and its result is filled all
 * the same: a result's `ran` (`recorded`) says whether it is. Any other
 * failure leaves it empty, with sl_errmsg() saying why.
 *
 * A result's strings and arrays belong to it (struct sl_pool, private)
 * and live until its sl_X_res_free().
 */
#ifndef SHENLI_OPS_REVIEW_H
#define SHENLI_OPS_REVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <shenli/base.h>

struct sl_pool;

/* ---- findings (审查发现) ---------------------------------------------------
 * What a check (a plugin, or a consistency script) found, as stored. */
typedef struct {
	const char *check;    /* the plugin or script that found it */
	const char *standard; /* facts, evidence, classification, disposal,
	                         formalities, procedure (the 24 characters) */
	const char *severity; /* blocker, warning, note */
	const char *code, *message;
	const char *const *refs; /* fact, evidence or document ids */
	size_t n_refs;
	const char *outline_item; /* the outline item it suggests; NULL */
} sl_finding;

typedef int (*sl_finding_cb)(const sl_finding *f, void *ud);

/* review findings: the findings of the last check run on a case, in
 * order, one at a time (valid during the call; non-zero from cb stops). */
sl_rc sl_review_findings_each(sl_store *s, const char *case_id,
                              sl_finding_cb cb, void *ud);
/* {"check", "standard", "severity", "code", "message", "refs",
 *  "outline_item"} (outline_item null if none) */
json_t *sl_finding_json(const sl_finding *f);

/* ---- review run: the checks -----------------------------------------------
 * Every installed check plugin on one case under review, or on every case
 * under review that the user may see; each case's findings replace its
 * old ones, audited. A run over many cases commits in batches of whole
 * cases (a transaction and a signature each; review.c).
 * SL_FAIL (ran) if any finding blocks sign-off; SL_FAIL (not ran) when no
 * plugin is installed. */
typedef struct {
	const char *case_id;
	int blockers, warnings, notes;
	size_t index, total; /* this is case index (from 1) of total */
} sl_review_row;

typedef struct {
	const char *case_id; /* NULL: every case under review */
	/* each case as it is checked (may be NULL; non-zero stops); r's
	 * strings live until it returns */
	int (*progress)(const sl_review_row *r, void *ud);
	/* after each batch commits: how many of the cases checked so far are
	 * committed (may be NULL). A case is reported to progress after the
	 * batch it is in may have committed. */
	void (*committed)(size_t cases, void *ud);
	void *ud;
} sl_review_run_req;

typedef struct {
	int ran; /* the checks ran: the counts hold */
	size_t cases;
	long blockers, warnings, notes;
	/* the cases whose findings are committed: on an error, those of the
	 * batches committed before it (they stay) */
	size_t committed;
} sl_review_run_res;

sl_rc sl_review_run(sl_store *s, const sl_review_run_req *rq,
                    sl_review_run_res *out);
/* {"case_id", "blockers", "warnings", "notes"} */
json_t *sl_review_row_json(const sl_review_row *r);
/* {"cases", "blockers", "warnings", "notes"} */
json_t *sl_review_run_json(const sl_review_run_res *r);

/* ---- opinions (审理意见) ---------------------------------------------------
 * A reviewer's opinion, or the panel's from the collective deliberation,
 * signed by its author (opinions.h: the file shenli.opinion/1). */
#define SL_OPINION_MAX (256 * 1024) /* an opinion file's bytes */

typedef struct {
	const char *member, *text;
} sl_dissent;

typedef struct {
	const char *author, *author_name; /* name NULL if none recorded */
	const char *author_agency;        /* NULL if none */
	const char *author_role;
	int panel;               /* the panel's opinion */
	const char *recorded_on; /* the local day */
	int64_t recorded_ms;
	const char *sig_key; /* the fingerprint of the key that signed it */
	const char *const *disciplines; /* codes: integrity, ... */
	size_t n_disciplines;
	int eight_point_rules;
	const char *party_sanction, *gov_sanction; /* NULL: none */
	int form;                                  /* 1-4 */
	const char *reasoning;
	int has_circumstances; /* the opinion lists circumstances (maybe 0) */
	const char *const *circumstances; /* codes */
	size_t n_circumstances;
	int has_dissent; /* the opinion itself lists a dissent (maybe 0) */
	const sl_dissent *dissent;
	size_t n_dissent;
	const char *property; /* the disposal of property; NULL */
	/* of the history only: "superseded", "reassigned", "resubmitted";
	 * NULL in force */
	const char *withdrawn;
} sl_opinion;

/* The opinion's fields, then its author: {"circumstances" (if given),
 * "disciplines", "dissent" (where the signed body has one; else [] after
 * "reasoning"), "eight_point_rules", "form", "gov_sanction",
 * "party_sanction", "property" (if given), "reasoning", "author",
 * "author_name", "author_agency", "author_role", "panel", "recorded_on",
 * "recorded_ms", "sig_key"} */
json_t *sl_opinion_json(const sl_opinion *o);

/* An opinion given field by field (the command line's options, a form)
 * rather than as a file. Names may be codes or Chinese: disciplines
 * ("integrity" or 廉洁纪律), sanctions as the rules' ladder names (NULL or
 * 无: none), circumstances as the rules' codes or names. Dissent (panel
 * only): each "MEMBER: TEXT", MEMBER on the case's team. */
typedef struct {
	const char *const *disciplines;
	size_t n_disciplines;
	int eight_point_rules;
	const char *party_sanction, *gov_sanction;
	int form;
	const char *const *circumstances;
	size_t n_circumstances;
	const char *reasoning;
	const char *const *dissent;
	size_t n_dissent;
	const char *property;
} sl_opinion_fields;

/* review opinion: record one, from a file (buf, len) or from fields
 * (buf NULL); panel: the leader's record of the deliberation, which
 * moves the case to deliberated. A value not allowed is SL_EINPUT
 * naming the field and the values that are. */
typedef struct {
	const char *case_id;
	int panel;
	const char *buf;
	size_t len;
	const sl_opinion_fields *fields;
} sl_opinion_req;

typedef struct {
	sl_opinion opinion; /* as stored and signed */
	struct sl_pool *mem_;
} sl_opinion_res;

sl_rc sl_review_opinion(sl_store *s, const sl_opinion_req *rq,
                        sl_opinion_res *out);
void sl_opinion_res_free(sl_opinion_res *r);

/* review opinions: the team's opinions in force, to a reviewer once they
 * have recorded their own (no one anchors on the others'), to leaders
 * and auditors always; SL_EPERM otherwise. */
typedef struct {
	sl_opinion *v;
	size_t n;
	struct sl_pool *mem_;
} sl_opinions_res;

sl_rc sl_review_opinions(sl_store *s, const char *case_id,
                         sl_opinions_res *out);
void sl_opinions_res_free(sl_opinions_res *r);
/* [opinion, ...] */
json_t *sl_opinions_json(const sl_opinions_res *r);

/* rules show: the values an opinion may take under the rules in force, so
 * that a form can offer them rather than refuse what a person typed:
 * {"rules_version", "disciplines": [{"code", "zh"}], "forms": [{"form",
 * "zh"}], "party_sanctions": [NAME], "gov_sanctions": [NAME],
 * "circumstances": [{"code", "zh", "effect": "mitigating"|"aggravating"}]}
 * in the rules' order. Any user who may unlock may read it. */
sl_rc sl_opinion_vocab(sl_store *s, json_t **out);

/* The Chinese name of a discipline's code (廉洁纪律 for integrity); the
 * code itself if it is not one of the six. */
const char *sl_discipline_name(const char *code);

/* ---- returns and their outlines (退回补充调查, 补查提纲) ---------------- */
typedef struct {
	const char *answered_on;
	const char *const *evidence; /* the new evidence that answered it */
	size_t n_evidence;
	const char *note; /* NULL */
} sl_outline_answer;

typedef struct {
	const char *withdrawn_on, *by, *reason;
} sl_outline_withdrawal;

typedef struct {
	int no; /* from 1 */
	const char *text;
	const char *const *refs;
	size_t n_refs;
	/* "leader", "carried" (open from the last return) or "CHECK/CODE"
	 * (a finding's suggestion) */
	const char *source;
	const char *carried_from; /* "R.N": the item it carries on; NULL */
	int answered;
	const sl_outline_answer *answer;        /* NULL unless answered */
	const sl_outline_withdrawal *withdrawn; /* NULL unless withdrawn */
} sl_outline_item;

typedef struct {
	const char *case_id;
	int return_no;
	const char *kind; /* supplement, reinvestigate */
	int dry_run;      /* what a return would send: nothing was written */
	const char *returned_by;    /* NULL in a dry run */
	const char *returned_on;    /* the local day; NULL in a dry run */
	const char *resubmitted_on; /* NULL: not yet */
	sl_outline_item *items;
	size_t n_items;
	struct sl_pool *mem_;
} sl_outline_res;

void sl_outline_res_free(sl_outline_res *r);
/* The Chinese names of the document kinds a "doc:KIND" ref names, as the
 * rules in force have them: {KIND: NAME} (empty where no rules are
 * installed). Any user who may unlock may read it. */
sl_rc sl_review_doc_names(sl_store *s, json_t **out);
/* {"case_id", "return_no", "kind", "returned_by", "returned_on",
 *  "resubmitted_on", "items": [{"no", "text", "refs", "answered",
 *  "source", "carried_from", "answer", "withdrawn"}]}; a dry run:
 * {"case_id", "return_no", "kind", "items": [{"text", "refs", "source",
 *  "carried_from", "no", "answered", "withdrawn"}], "dry_run": true} */
json_t *sl_outline_json(const sl_outline_res *r);

#define SL_OUTLINE_MAX_ITEMS 200
#define SL_OUTLINE_TEXT_MAX 2000

/* An item the leader adds: text, and refs as comma-separated ids of facts
 * or evidence of the case, a standard ("classification", ...), "subject",
 * or a document kind as "doc:KIND" ("doc:identity": an identity-documents
 * item needs no fact). */
typedef struct {
	const char *text;
	const char *refs;
} sl_outline_extra;

/* review return (leader, from in_review): the outline is, in this order,
 * the open items of the previous return (carried over, never dropped:
 * withdraw one instead), the checks' suggestions, and the leader's own
 * items. Of the checks' suggestions: every one (the default), none
 * (no_findings), or those of the findings picked as "CODE" or
 * "CODE@REF". The case becomes returned and its clock stops; the rules
 * bound the number of returns. dry_run: build and check the outline,
 * write nothing. */
typedef struct {
	const char *kind; /* "supplement" or "reinvestigate" */
	int dry_run;
	int no_findings;
	const char *const *picks;
	size_t n_picks;
	const sl_outline_extra *extra;
	size_t n_extra;
	const char *case_id;
} sl_return_req;

sl_rc sl_review_return(sl_store *s, const sl_return_req *rq,
                       sl_outline_res *out);

/* review withdraw (leader): open item `item` of the latest return,
 * withdrawn with a written reason; it counts as settled for sign-off,
 * and the outline and the report show it with the reason.
 * With finding ("CODE" or "CODE@REF", as --from-finding takes it) instead
 * of item, once the case has had every return the rules allow: the
 * findings it names, which no return can ask about any more, become items
 * of the latest return's outline, withdrawn with the reason as they are
 * added. Else a blocker that came with the last resubmission would stop
 * sign-off for good. */
typedef struct {
	const char *case_id;
	int item;
	const char *reason;
	const char *finding; /* NULL: item */
} sl_withdraw_req;

sl_rc sl_review_withdraw(sl_store *s, const sl_withdraw_req *rq,
                         sl_outline_res *out);

/* review outline: return return_no of a case (0: the latest) with what
 * has been answered. SL_EINPUT if there is no such return. */
sl_rc sl_review_outline(sl_store *s, const char *case_id, int return_no,
                        sl_outline_res *out);

/* ---- case resubmit: the agency's answers -----------------------------------
 * The full dossier again, with a "supplement" entry per outline item of
 * the latest return that it answers, citing new evidence. The dossier is
 * replaced, unanswered items stay open, the clock resumes and the checks
 * run again, in one transaction. SL_FAIL (recorded) if items stay open or
 * the checks find a blocker. */
typedef struct {
	const char *case_id;
	const char *buf; /* the dossier (shenli.case/1) */
	size_t len;
	const char *name; /* the file's name, for messages */
} sl_resubmit_req;

typedef struct {
	int no;
	const char *why; /* in Chinese */
} sl_open_item;

typedef struct {
	int recorded; /* the resubmission was taken in: the rest holds */
	const char *case_id;
	int return_no;
	const int *answered; /* item numbers */
	size_t n_answered;
	const sl_open_item *open;
	size_t n_open;
	/* items the leader withdrew (review withdraw): settled, answered or
	 * not; an answer to one stays in the dossier and answers nothing */
	const int *withdrawn;
	size_t n_withdrawn;
	int checks_ran; /* the checks ran on the new dossier: */
	int blockers, warnings, notes;
	const char *checks_not_run; /* else why not; NULL if they ran */
	struct sl_pool *mem_;
} sl_resubmit_res;

/* The largest dossier a resubmission takes, in bytes (to read a file). */
size_t sl_resubmit_max_bytes(void);
sl_rc sl_review_resubmit(sl_store *s, const sl_resubmit_req *rq,
                         sl_resubmit_res *out);
void sl_resubmit_res_free(sl_resubmit_res *r);
/* {"case_id", "return_no", "answered": [no], "open": [{"no", "why"}],
 *  "withdrawn": [no], "checks": {"blockers", "warnings", "notes"} or null,
 *  "checks_not_run": why or null} */
json_t *sl_resubmit_json(const sl_resubmit_res *r);

/* ---- the gate: consistency scripts -----------------------------------------
 * review signoff (leader, from deliberated) runs every installed script on
 * the case in the sandbox; if all pass the case is signed off with the
 * audit head recorded, else sign-off is refused (SL_FAIL, ran, audited).
 * script run dry-runs one installed script (writes nothing; SL_FAIL, ran,
 * if it does not pass). */
typedef struct {
	const char *script;
	int64_t version;
	int passed; /* completed with no blocker finding */
	const sl_finding *findings;
	size_t n_findings;
	const char *printed; /* what it printed; NULL if nothing was kept */
} sl_gate_script;

typedef struct sl_gate_res {
	int ran; /* the scripts ran: scripts[] holds each one's outcome */
	const char *case_id;
	int passed;     /* every script passed */
	int signed_off; /* sign-off: the case is signed off */
	char head[96];  /* sign-off: the audit head recorded, "SEQ:HEX" */
	sl_gate_script *scripts;
	size_t n_scripts;
	struct sl_pool *mem_;
} sl_gate_res;

sl_rc sl_review_signoff(sl_store *s, const char *case_id, sl_gate_res *out);

typedef struct {
	const char *name; /* the installed script */
	const char *case_id;
} sl_script_run_req;

sl_rc sl_script_run(sl_store *s, const sl_script_run_req *rq, sl_gate_res *out);
void sl_gate_res_free(sl_gate_res *r);
/* {"script", "version", "passed", "findings", "printed"} */
json_t *sl_gate_script_json(const sl_gate_script *sc);
/* {"case_id", "signed_off", "head" (null unless signed off), "scripts"} */
json_t *sl_signoff_json(const sl_gate_res *r);
/* script run: the one script's object (sl_gate_script_json) */
json_t *sl_script_run_json(const sl_gate_res *r);

/* ---- the documents (公文) ---------------------------------------------------
 * The review report (审理报告), the panel's review opinion (审理意见, once
 * the panel has deliberated: SL_EPERM before) and the letter returning a
 * case (退回补充调查函) with its outline as annex, as Chinese official
 * documents: Markdown, self-contained HTML or an A4 PDF with its fonts.
 * Bytes, not JSON: the service sends them as they are, with their media
 * type. */
typedef enum {
	SL_DOCUMENT_REPORT,
	SL_DOCUMENT_OPINION,
	SL_DOCUMENT_RETURN_LETTER,
} sl_document_kind;

typedef struct {
	const char *case_id;
	sl_document_kind kind;
	const char *format; /* "md", "html" or "pdf" */
	int return_no;      /* the return letter's return; 0: the latest */
} sl_document_req;

typedef struct {
	char *data; /* NUL-terminated (a PDF is binary: len bytes) */
	size_t len;
	const char *media_type; /* "text/markdown; charset=utf-8", ... */
} sl_document_res;

sl_rc sl_review_document(sl_store *s, const sl_document_req *rq,
                         sl_document_res *out);
void sl_document_res_free(sl_document_res *r);

#endif
