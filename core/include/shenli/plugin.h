/*
 * shenli/plugin.h - the only header a review-plugin author needs.
 *
 * A plugin is a shared object in a signed package (see spec/cli.md). It
 * exports exactly two symbols:
 *
 *     const int shenli_plugin_abi = SHENLI_PLUGIN_ABI;
 *     const shenli_dispatch *shenli_plugin_init(int host_abi);
 *
 * and the host calls nothing else. The dispatch table, in the style of
 * OpenSSL 3 providers, is a list of {function id, function} pairs ended
 * by {0, NULL}; the host ignores ids it does not know, so a newer plugin
 * runs on an older host (and vice versa) as long as the ABI number agrees.
 *
 * A check gets a read-only view of one case and emits findings through a
 * callback; the host copies what it is given, stores and audits it. A
 * plugin never touches the store, the audit log or the file system, and
 * must not keep pointers into the view after its check returns.
 */
#ifndef SHENLI_PLUGIN_H
#define SHENLI_PLUGIN_H

#include <stddef.h>

/* 2: facts carry use and in_kind; returns carry their dates, and outline
 * items the answer's date and evidence. Arrays of these structs changed
 * size, so a plugin built for 1 cannot read a view of 2. */
#define SHENLI_PLUGIN_ABI 2

/* ---- the case, read-only ------------------------------------------------ */

typedef struct {
	const char *system; /* "party" or "gov" */
	const char *level; /* a ladder name: 警告, 严重警告, ... / 记过, ... */
	const char *decided_on;
} shenli_prior_sanction;

typedef struct {
	const char *name, *person_id;
	const char *position, *rank; /* NULL if absent */
	int party_member, public_official;
	const shenli_prior_sanction *prior;
	size_t n_prior;
} shenli_subject;

typedef struct {
	const char *id, *summary, *violation; /* violation: a rules code */
	const char *from, *to;                /* YYYY-MM-DD or NULL */
	int has_amount;
	double amount_yuan;
	const char *const *evidence; /* ids as written: may dangle */
	size_t n_evidence;
	/* what the money is said to have been used for, as the dossier's
	 * "use" field gives it; NULL if absent (the summary may still say) */
	const char *use;
	int in_kind; /* the amount is the value of goods or services */
} shenli_fact;

typedef struct {
	const char *id, *kind, *title;    /* kind: physical, documentary, ... */
	const char *obtained_on, *source; /* NULL if absent */
	const char *const *tags;          /* e.g. "bank_record" */
	size_t n_tags;
} shenli_evidence;

typedef struct {
	const char *kind, *date; /* kind: identity, filing_approval, ... */
} shenli_document;

typedef struct {
	const char *const *disciplines; /* of the six */
	size_t n_disciplines;
	int eight_point_rules;
	const char *party_sanction, *gov_sanction; /* NULL: none proposed */
	int form;                                  /* 1..4 */
	const char *const *circumstances;
	size_t n_circumstances;
} shenli_proposal;

typedef struct {
	const char *no;   /* "1", "2", ... */
	const char *text; /* what to collect and why */
	const char *const *refs;
	size_t n_refs;
	int answered;
	const char *answered_on; /* YYYY-MM-DD; NULL while open */
	/* the evidence ids the agency's answer cited (added in answer to the
	 * return: judge them by the return's dates, not the transfer's) */
	const char *const *answer_evidence;
	size_t n_answer_evidence;
} shenli_outline_item;

typedef struct {
	int return_no;    /* 1, 2, ... */
	const char *kind; /* "supplement" or "reinvestigate" */
	const shenli_outline_item *items;
	size_t n_items;
	/* YYYY-MM-DD, the workstation's local calendar as the dossier's
	 * dates are; resubmitted_on NULL while the case is away */
	const char *returned_on, *resubmitted_on;
} shenli_return;

typedef struct {
	const char *case_id, *agency, *zone, *state, *transferred_on;
	shenli_subject subject;
	const shenli_fact *facts;
	size_t n_facts;
	const shenli_evidence *evidence;
	size_t n_evidence;
	const shenli_document *documents;
	size_t n_documents;
	shenli_proposal proposal;
	/* earlier returns with their outlines, oldest first */
	const shenli_return *returns;
	size_t n_returns;
} shenli_case;

/* ---- findings ----------------------------------------------------------- */

typedef enum {
	SHENLI_BLOCKER = 0, /* must be resolved before sign-off */
	SHENLI_WARNING = 1,
	SHENLI_NOTE = 2,
} shenli_severity;

typedef struct {
	/* one of the 24-character standard's six: facts, evidence,
	 * classification, disposal, formalities, procedure */
	const char *standard;
	shenli_severity severity;
	const char *code;    /* stable, machine-readable: "confession_only" */
	const char *message; /* for the panel, in Chinese */
	const char *const *refs; /* fact, evidence or document ids */
	size_t n_refs;
	/* where more investigation is needed: a suggested supplement outline
	 * item (补查提纲), saying what to collect and why; else NULL */
	const char *outline_item;
} shenli_finding;

typedef struct shenli_emitter shenli_emitter; /* the host's */
/* Report one finding. The host copies everything; f may be reused. */
typedef void (*shenli_emit_fn)(shenli_emitter *e, const shenli_finding *f);

/* ---- the dispatch table ------------------------------------------------- */

typedef void (*shenli_funcptr)(void);

typedef struct {
	int id;            /* SHENLI_FN_* */
	shenli_funcptr fn; /* cast to the type given below */
} shenli_dispatch;

/* const char *name(void): the check id, e.g. "evidence". Required. */
#define SHENLI_FN_NAME 1
/* void *open(const char *rules_json, size_t len): parse the rules
 * document in force once; NULL means the plugin cannot run (the host
 * records a blocker finding naming it). Optional. */
#define SHENLI_FN_OPEN 2
/* int check(void *state, const shenli_case *c, shenli_emitter *e,
 *           shenli_emit_fn emit): 0 when the check ran (whatever it
 * found), non-zero when it could not. Required. */
#define SHENLI_FN_CHECK 3
/* void close(void *state). Optional. */
#define SHENLI_FN_CLOSE 4

typedef const char *(*shenli_name_fn)(void);
typedef void *(*shenli_open_fn)(const char *rules_json, size_t len);
typedef int (*shenli_check_fn)(void *state, const shenli_case *c,
                               shenli_emitter *e, shenli_emit_fn emit);
typedef void (*shenli_close_fn)(void *state);

/* What a plugin exports. */
typedef const shenli_dispatch *(*shenli_init_fn)(int host_abi);
#define SHENLI_PLUGIN_INIT "shenli_plugin_init"
#define SHENLI_PLUGIN_ABI_SYMBOL "shenli_plugin_abi"

#endif
