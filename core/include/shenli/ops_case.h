/*
 * shenli/ops_case.h - the operations on cases as they arrive and wait:
 * intake (case import), the listing, one case shown whole, the team
 * (assign) and the review limit (extend). See <shenli/ops.h> for the
 * shape every operation has, and doc/api.md for each JSON shape.
 */
#ifndef SHENLI_OPS_CASE_H
#define SHENLI_OPS_CASE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include <shenli/base.h>
#include <shenli/plugin.h>

/* ---- intake (受理): case import ------------------------------------------
 * Each dossier is decided on its own: refused (不予受理: unknown agency,
 * agency in no zone, outside the leader's zone, case id taken), deferred
 * (暂缓受理: with what is missing) or accepted (受理: the review clock
 * starts). A malformed dossier is refused before anything is written.
 * An import is written in batches, each one transaction with one
 * signature, of whole dossiers: an import of up to 500 dossiers is one
 * batch (unless its input stalls for a quarter second); a longer one
 * commits a batch about every quarter second and lets other writers go
 * between two batches, so that none waits longer. What a batch
 * committed stays if a later one fails or the process dies. */
typedef enum {
	SL_INTAKE_ACCEPTED,
	SL_INTAKE_DEFERRED,
	SL_INTAKE_REFUSED,
} sl_intake_decision;
const char *sl_intake_name(sl_intake_decision d);

typedef struct sl_importer sl_importer;
sl_rc sl_import_begin(sl_store *s, sl_importer **out);

/* What became of one dossier. rc SL_OK: decided (case_id, decision,
 * reasons); SL_EINPUT: malformed, nothing written, error says why. Valid
 * until the next dossier. */
typedef struct {
	long line; /* of a --jsonl stream; 0 for a file */
	sl_rc rc;
	/* malformed: the dossier's if it can still be read, else NULL */
	const char *case_id;
	sl_intake_decision decision;
	const char *const *reasons; /* in Chinese, with the code in English */
	size_t n_reasons;
	const char *error;   /* rc != SL_OK, in the user's language */
	const char *error_c; /* the same untranslated, for --json */
} sl_import_res;
/* {"case_id", "decision", "reasons"}; a malformed dossier: case_id as read or
 * null, decision "refused", reasons [its error], "malformed": true, "error",
 * and "line" in a stream */
json_t *sl_import_json(const sl_import_res *r);

/* Decide one dossier (buf, len: its JSON; name: for messages). Any rc but
 * SL_OK and SL_EINPUT is a failure that aborts the import. */
sl_rc sl_import_one(sl_importer *im, const char *buf, size_t len,
                    const char *name, sl_import_res *out);
/* The same for the dossier in the file at path (read whole, bounded by
 * sl_dossier_max_bytes(); too large or unreadable: SL_EINPUT, as a
 * malformed one). */
sl_rc sl_import_file(sl_importer *im, const char *path, sl_import_res *out);
/* The largest dossier taken in, in bytes. */
size_t sl_dossier_max_bytes(void);
/* Decide every line of a JSON Lines stream; cb (may stop with non-zero)
 * sees each. */
typedef int (*sl_import_cb)(const sl_import_res *r, void *ud);
sl_rc sl_import_stream(sl_importer *im, FILE *in, const char *name,
                       sl_import_cb cb, void *ud);
/* Commit the last batch (audited, signed), or throw it away: the batches
 * committed before it stay either way. */
sl_rc sl_import_finish(sl_importer *im);
void sl_import_abort(sl_importer *im);
/* How many decided dossiers the batches committed so far hold: after a
 * failure, before finish or abort, the first that many decided stay. */
size_t sl_import_committed(const sl_importer *im);
/* fn(ud), in the importing thread, after each batch commits: also one
 * committed while the input is slow to come, between two dossiers. */
void sl_import_on_commit(sl_importer *im, void (*fn)(void *ud), void *ud);
/* A batch's time in ms (default 250); 0: the whole import in one
 * transaction, as before batches (for the benchmark's baseline). */
void sl_import_set_batch(sl_importer *im, int64_t ms);

/* ---- the listing ------------------------------------------------------------
 * The cases the acting user may see (policy decides), in case id order,
 * one row at a time. */
typedef struct {
	const char *state, *zone, *agency; /* NULL: any */
	const char *assignee;              /* NULL: any; "me": the user */
	int overdue;                       /* only those past their limit */
	int due_within; /* N + 1: the limit within N working days; 0: any */
	/* a page: only the cases whose id sorts after `after` (NULL: from
	 * the first), at most limit of them (0: all). Each group of the
	 * index seeks to it, so a page costs the same wherever it is. */
	const char *after;
	long limit;
	/* For the statistics (sl_case_stats) alone. signoff_times: each
	 * signed-off case's accepted_ms, signed_ms and signoff_days, read from
	 * its row by row id, one seek a case (any other listing reads the
	 * covering index only). no_team: no team looked up (assignees NULL). */
	int signoff_times, no_team;
} sl_case_filter;

typedef struct {
	int64_t ref; /* the case's row id in the store */
	const char *case_id, *agency, *zone, *state, *subject_name,
	    *transferred_on, *assignees; /* comma-separated; a list in JSON */
	int64_t deadline_ms;             /* 0 if none */
	int paused, overdue, returns;
	/* working days to the limit (0: it ends today, < 0: past it); only
	 * while the clock runs (has_days_left) */
	int has_days_left, days_left;
	/* with signoff_times, a signed-off case's acceptance and sign-off (0
	 * otherwise, and always without it), and the working days from the
	 * one's day to the other's */
	int64_t accepted_ms, signed_ms;
	int signoff_days;
} sl_case_row;

sl_rc sl_case_list(sl_store *s, const sl_case_filter *f,
                   int (*cb)(const sl_case_row *r, void *ud), void *ud);
/* {"case_id", "agency", "zone", "state", "subject_name", "transferred_on",
 *  "assignees", "returns", "deadline", "clock_paused", "overdue",
 *  "days_left"} */
json_t *sl_case_row_json(const sl_case_row *r);
/* The widest a listing's codes can be, in characters (ASCII: columns as
 * well), for a table that prints rows before it has seen them all: the
 * longest case id in the store (an index, not a scan) and the longest
 * agency and zone codes of the registry. Bounds for any user's listing,
 * at least as wide as the rows it can show. */
typedef struct {
	size_t case_id, agency, zone;
} sl_case_widths;
sl_rc sl_case_list_widths(sl_store *s, sl_case_widths *w);

/* ---- the statistics (统计) -------------------------------------------------
 * The cases the acting user may see (the listing's policy and guard: an
 * admin gets SL_EPERM), counted as sl_case_list streams them: in memory
 * that grows with the zones and the signed-off cases, never the rows.
 * "Accepted" counts the cases taken into review at some point (every state
 * but received, deferred and refused), "returned" those of them returned
 * at least once; the medians are over the signed-off cases whose
 * acceptance and sign-off are both known (an even count: the mean of the
 * two middle ones). */
typedef struct {
	long total, by_state[SL_ST__COUNT], overdue, accepted, returned;
} sl_case_counts;

typedef struct {
	char *zone; /* NULL: the cases in no zone */
	sl_case_counts n;
} sl_zone_stats;

typedef struct {
	sl_case_counts all;
	sl_zone_stats *zones; /* the most cases first, then by code */
	size_t n_zones;
	long n_timed; /* the signed-off cases the medians are over */
	/* from the local day of acceptance to that of sign-off: calendar
	 * days, and working days as days_left counts them (n_timed > 0) */
	double median_days, median_working_days;
} sl_case_stats_res;

sl_rc sl_case_stats(sl_store *s, sl_case_stats_res *out);
void sl_case_stats_free(sl_case_stats_res *r);
/* {"total", "by_state", "overdue", "accepted", "returned", "signed_off",
 *  "median_cases", "median_days", "median_working_days", "zones"}; by_state
 *  {STATE: count} for every state; a median null when median_cases is 0;
 *  zones [{"zone", "total", "by_state", "overdue", "accepted",
 *  "returned"}], zone null for the cases in no zone (doc/api.md) */
json_t *sl_case_stats_json(const sl_case_stats_res *r);

/* ---- one case, whole (the one read model: caseview) ------------------------
 * What a person, a check, a script and a document see of a case comes
 * from this one loader. */
typedef struct {
	const char *id, *role, *agency, *name; /* agency, name: NULL if none */
} sl_team_member;

/* An entry of a resubmitted dossier's "supplement": the answer to one
 * outline item. */
typedef struct {
	const char *item, *note; /* note NULL if none */
	const char *const *evidence;
	size_t n_evidence;
} sl_supplement_entry;

/* The Chinese names of a case's codes, from the rules in force and the
 * registered zones and agencies (the code itself where none is given). */
typedef struct {
	const char *agency, *zone;       /* zone NULL if none */
	const char *const *violation;    /* one per fact */
	const char *const *evidence;     /* one per evidence item: its kind */
	const char *const *document;     /* one per document: its kind */
	const char *const *discipline;   /* one per proposed discipline */
	const char *const *circumstance; /* one per proposed circumstance */
	const char *form;                /* the proposed form (四种形态) */
} sl_case_labels;

typedef struct {
	const char *case_id, *agency, *zone; /* zone NULL if none */
	sl_state state;
	const char *subject_name, *transferred_on;
	int64_t received_ms, accepted_ms, deadline_ms; /* 0: none */
	int clock_paused, overdue, extended_days, returns;
	int has_days_left, days_left; /* as in sl_case_row */
	/* the intake's limit (the rules' intake.working_days after the
	 * transfer; 0: none set) and whether the case was received after it */
	int64_t intake_due_ms;
	int intake_late;
	int rev;     /* the dossier's version (a resubmission replaces it) */
	int checked; /* the findings are those of this version */
	const char *signed_head; /* the audit head a sign-off recorded */
	const char *const *intake_reasons;
	size_t n_intake_reasons;
	const sl_team_member *team;
	size_t n_team;
	/* the dossier as the checks see it, from the normalised tables:
	 * subject, facts, evidence, documents, proposal, and the returns with
	 * their outlines */
	const shenli_case *c;
	/* the stored dossier (JSON), verified against its hash, and the
	 * answers to outline items it carries */
	const char *dossier;
	size_t dossier_len;
	char dossier_sha256[65];
	const sl_supplement_entry *supplement;
	size_t n_supplement;
	sl_case_labels labels;
	/* sl_case_show: the acting user may read the team's opinions now (a
	 * reviewer only once their own is recorded) */
	int opinions_open;
} sl_caseview;

sl_rc sl_case_show(sl_store *s, const char *case_id, sl_caseview **out);
void sl_caseview_free(sl_caseview *v);
/* The case show shape: {"case_id", "agency", "zone", "state",
 * "subject_name", "assignees", "team", "returns", "received_at",
 * "accepted_at", "deadline", "intake_reasons", "clock_paused", "overdue",
 * "extended_days", "dossier", "dossier_sha256", "dossier_rev",
 * "signed_head", "days_left", "opinions_open", "labels"} (doc/api.md has
 * an example; labels maps each code of the case to its Chinese name) */
json_t *sl_case_show_json(const sl_caseview *v);

/* ---- the team (审理组) ---------------------------------------------------
 * At least the rules' minimum of reviewers; members of the case's zone or
 * specialists; never one from the transferring agency (回避). reviewers
 * may be empty when auto_n > 0: auto_n eligible members are picked, least
 * loaded first. A reviewer taken off the team loses their opinion. */
typedef struct {
	const char *case_id;
	const char *const *reviewers;
	size_t n;
	size_t auto_n;
} sl_assign_req;

typedef struct {
	char **team, **previous;
	size_t n_team, n_previous;
	sl_state from, to;
} sl_assign_res;

sl_rc sl_case_assign(sl_store *s, const sl_assign_req *rq, sl_assign_res *out);
void sl_assign_res_free(sl_assign_res *r);
/* {"case_id", "team", "previous", "state"} */
json_t *sl_assign_json(const char *case_id, const sl_assign_res *r);

/* ---- the review limit ------------------------------------------------------
 */
typedef struct {
	int64_t old_deadline_ms, deadline_ms;
	int extended_days; /* in all, after this extension */
} sl_extend_res;

sl_rc sl_case_extend(sl_store *s, const char *case_id, int days,
                     sl_extend_res *out);
/* {"case_id", "deadline", "old_deadline", "extended_days"} */
json_t *sl_extend_json(const char *case_id, const sl_extend_res *r);

#endif
