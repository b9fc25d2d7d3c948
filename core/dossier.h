/*
 * dossier.h - parse and strictly validate a transferred case dossier
 * (format shenli.case/1, spec/case-format.md).
 *
 * This is the gate between an agency's file and the store, so it separates
 * two things the spec keeps apart:
 *   - malformed input (not JSON, wrong types, missing required fields,
 *     duplicate ids, over-long strings, bad dates, invalid UTF-8, deep
 *     nesting, huge files): refused here with SL_EINPUT and a message that
 *     names the file, the field path and the problem;
 *   - incomplete content (a fact citing evidence not in the file, an
 *     unknown violation code or agency, a missing document): accepted here,
 *     judged later by intake and the checks.
 *
 * Unknown fields are allowed anywhere and ignored; the caller keeps the
 * original bytes. The input is untrusted (and fuzzed): size and nesting are
 * bounded before jansson sees the bytes, every list is bounded, and no code
 * path recurses on the input's depth.
 */
#ifndef SHENLI_DOSSIER_H
#define SHENLI_DOSSIER_H

#include <jansson.h>
#include <stddef.h>

#include "arena.h"
#include "err.h"

#define SL_DOSSIER_FORMAT "shenli.case/1"

/* Fixed caps, not configurable: they are part of the format. */
#define SL_DOSSIER_ID_MAX 64     /* fact and evidence ids, bytes */
#define SL_DOSSIER_SHORT_MAX 256 /* codes, names, kinds, levels, tags */
#define SL_CASE_ID_MAX 64
#define SL_AGENCY_CODE_MAX 32
/* The pre-scan keeps one small frame per open container on the stack, so
 * max_depth is clamped to this. The format itself needs only 4 levels. */
#define SL_DOSSIER_DEPTH_CAP 64

typedef struct {
	size_t max_bytes;  /* whole document; 16 MiB */
	size_t max_depth;  /* open [ and { at once, the top object counts:
	                      16; values above SL_DOSSIER_DEPTH_CAP are
	                      treated as the cap */
	size_t max_string; /* long text (summary, title, note, source,
	                      position), bytes: 8192 */
	size_t max_items;  /* elements of any list and members of any object,
	                      known or unknown: 10000 */
} sl_dossier_limits;

/* Fill l with the defaults above. In a limits struct passed to
 * sl_dossier_parse() a field left 0 also means its default. */
void sl_dossier_default_limits(sl_dossier_limits *l);

typedef struct {
	const char *system; /* "party" or "gov" */
	const char *level, *decided_on;
} sl_prior_sanction;

typedef struct {
	const char *name, *person_id;
	const char *position, *rank; /* NULL when absent */
	int party_member, public_official;
	sl_prior_sanction *prior;
	size_t n_prior;
} sl_subject;

typedef struct {
	const char *id, *summary, *violation;
	const char *from, *to; /* NULL when absent */
	int has_amount;
	double amount_yuan;    /* 0 .. 1e12; 0 when !has_amount */
	const char **evidence; /* ids as written; may dangle (content) */
	size_t n_evidence;
	const char *use; /* what the money was used for; NULL when absent */
	int in_kind;     /* the amount is the value of goods or services */
} sl_fact;

typedef struct {
	const char *id, *kind, *title;
	const char *obtained_on, *source; /* NULL when absent */
	const char **tags;
	size_t n_tags;
} sl_evidence;

typedef struct {
	const char *kind, *date;
} sl_document;

typedef struct {
	const char **disciplines; /* each one of the six, no repeats */
	size_t n_disciplines;
	int eight_point_rules;
	const char *party_sanction, *gov_sanction; /* NULL when null/absent */
	int form;                                  /* 1..4 */
	const char **circumstances;
	size_t n_circumstances;
} sl_proposal;

typedef struct {
	const char *item; /* the outline item's number, as text: "1" */
	const char *note; /* NULL when absent */
	const char **evidence;
	size_t n_evidence;
} sl_supplement;

typedef struct sl_dossier {
	json_t *root; /* every string below points into it */
	const char *case_id, *agency, *transferred_on;
	sl_subject subject;
	sl_fact *facts;
	size_t n_facts;
	sl_evidence *evidence;
	size_t n_evidence;
	sl_document *documents;
	size_t n_documents;
	sl_proposal proposal;
	sl_supplement *supplement; /* NULL, 0 when absent (first transfer) */
	size_t n_supplement;
	/* private: indexes into facts[] and evidence[] sorted by id, for the
	 * lookups below */
	size_t *fact_order, *evidence_order;
	/* private: holds root, all of it (jsonmem.h) */
	sl_arena mem;
} sl_dossier;

/*
 * Parse and strictly validate one shenli.case/1 document of len bytes (it
 * need not be NUL-terminated). name is used in messages (a file name or
 * "line 17"). lim may be NULL for the defaults. On success *out is a new
 * dossier for sl_dossier_free(). On error: SL_EINPUT (SL_ESYS if memory
 * ran out), *out NULL, and sl_errmsg() names the field path and the
 * problem, e.g. "case.json: facts[2].evidence[0]: not a string (found
 * integer)" or "case.json: evidence[3].id: duplicate id 'E3' (first at
 * evidence[1])". Values quoted in messages are sanitised: control and
 * invalid bytes become '?'.
 */
sl_rc sl_dossier_parse(const char *buf, size_t len, const char *name,
                       const sl_dossier_limits *lim, sl_dossier **out);
/* The bytes a parsed dossier holds in its tree: about eight times its
 * text, so what a queue of them costs is this, not their lines. */
size_t sl_dossier_held(const sl_dossier *d);
void sl_dossier_free(sl_dossier *d);

/* Lookups used by intake and checks: NULL when there is no such id (a
 * dangling reference). O(log n). */
const sl_evidence *sl_dossier_find_evidence(const sl_dossier *d,
                                            const char *id);
const sl_fact *sl_dossier_find_fact(const sl_dossier *d, const char *id);

/* YYYY-MM-DD, a real calendar date (leap years), years 1900..2200. */
int sl_date_valid(const char *s);
/* 1-64 of [A-Za-z0-9._-]. */
int sl_case_id_valid(const char *s);
/* 1-32 of [A-Za-z0-9_-]. */
int sl_agency_code_valid(const char *s);

#endif
