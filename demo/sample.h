/*
 * sample.h - a deterministic generator of sample dockets (shenli.case/1).
 *
 * The guided demo, the tests and the benchmarks need realistic dossiers in
 * bulk, and they need the same ones everywhere: a failing test or a slow
 * benchmark must be reproducible from (seed, index) alone. So every dossier
 * is a pure function of (seed, index): a private splitmix64 stream, integer
 * arithmetic only (no floating point, no libc rand(), no clock, no locale),
 * fixed tables. The bytes are the same on every machine and compiler.
 *
 * About 60% of the dossiers are complete and consistent by every rule of
 * DOMAIN.md; the rest carry exactly one planted fault, spread over the kinds
 * below, each made unmistakable (and kept from tripping any other rule) so
 * that a test can insist the checks find that fault and nothing else.
 *
 * The 36 agencies and 3 zones are the demo's fixed organisation (Xiamen's
 * stationed discipline-inspection groups, 12 to a zone).
 */
#ifndef SHENLI_SAMPLE_H
#define SHENLI_SAMPLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SL_SAMPLE_ZONES 3
#define SL_SAMPLE_AGENCIES 36

typedef struct {
	const char *code, *name; /* "Z1", "第一片区" */
} sl_sample_zone;

/* A stationed group: "ZRJ", "驻市人社局纪检监察组", zone "Z1". */
typedef struct {
	const char *code, *name, *zone;
} sl_sample_agency;

void sl_sample_zones(const sl_sample_zone **z, size_t *n);
void sl_sample_agencies(const sl_sample_agency **a, size_t *n);
/* As 'shenli sample zones|agencies --json' prints them: {"code", "name"}
 * and {"code", "name", "zone"}. */
json_t *sl_sample_zone_json(const sl_sample_zone *z);
json_t *sl_sample_agency_json(const sl_sample_agency *a);

/*
 * The faults, each planted so that it is unmistakable and the only one:
 *   MISSING_DOCUMENT   one required non-identity document is left out
 *   NO_IDENTITY        the identity document (履历表、任免文件) is left out
 *   DANGLING_EVIDENCE  a fact also cites an evidence id not in the file
 *   NO_EVIDENCE        a fact without an amount cites nothing
 *   CONFESSION_ONLY    a fact without an amount rests on subject_statement
 *   NO_MONEY_FLOW      a money fact has testimony but no documentary evidence
 *   EIGHT_POINT_MISSED a definite eight-point violation, flag false
 *   DISCIPLINE_MISSED  a fact's discipline is not among those proposed
 *   SANCTION_TOO_LIGHT >= 300,000 yuan, yet 警告 (form 2, consistent)
 *   SANCTION_TOO_HEAVY one petty fact, no priors, yet 开除党籍 + 开除 (form 3)
 *   FORM_MISMATCH      the sanctions are right, the form is not theirs
 *   PARTY_GOV_MISMATCH party and gov sanction from opposite ends (警告/撤职)
 *   DATE_ORDER         investigation_report dated before filing_approval
 *   TRANSFER_BEFORE_RESPONSE transfer_form (= transferred_on) dated before
 *                      subject_written_response
 *   UNKNOWN_AGENCY     the agency code is none of the 36
 *   USE_UNPROVEN       a fact says what the money was used for (小金库,
 *                      diverted benefit funds), proved only by the
 *                      subject's statement and the outflow record (seed
 *                      002's car-rental case)
 *   NO_VALUATION       gifts in kind (in_kind) without a valuation
 *
 * Complete dossiers include the patterns a careless check mistakes for
 * faults: a confession corroborated by a voucher alone, money proved by an
 * untagged documentary record, gifts in kind proved by a valuation and the
 * goods (no flow of funds), a stated use with evidence of the use, the
 * counterparty and the destination, form 4 with expulsion, a sanction in
 * the upper part of its range, and mitigation that lowers a sanction.
 */
typedef enum {
	SL_FAULT_NONE = 0,
	SL_FAULT_MISSING_DOCUMENT,
	SL_FAULT_NO_IDENTITY,
	SL_FAULT_DANGLING_EVIDENCE,
	SL_FAULT_NO_EVIDENCE,
	SL_FAULT_CONFESSION_ONLY,
	SL_FAULT_NO_MONEY_FLOW,
	SL_FAULT_EIGHT_POINT_MISSED,
	SL_FAULT_DISCIPLINE_MISSED,
	SL_FAULT_SANCTION_TOO_LIGHT,
	SL_FAULT_SANCTION_TOO_HEAVY,
	SL_FAULT_FORM_MISMATCH,
	SL_FAULT_PARTY_GOV_MISMATCH,
	SL_FAULT_DATE_ORDER,
	SL_FAULT_TRANSFER_BEFORE_RESPONSE,
	SL_FAULT_UNKNOWN_AGENCY,
	SL_FAULT_USE_UNPROVEN,
	SL_FAULT_NO_VALUATION,
	SL_FAULT__COUNT
} sl_sample_fault;

/* "none", "missing_document", ...; NULL if f is out of range. */
const char *sl_sample_fault_name(sl_sample_fault f);

/* The fault sl_sample_case() plants at (seed, index), without generating. */
sl_sample_fault sl_sample_fault_of(uint64_t seed, uint64_t index);

/*
 * One dossier as compact single-line UTF-8 JSON (no newline inside),
 * malloc'ed and NUL-terminated; *len (if len is not NULL) is its length.
 * The same (seed, index) gives the same bytes everywhere. case_id is
 * "<AGENCY>-<filing year>-<index, at least 3 digits>", so it is unique per
 * index for a given seed. *fault_out (if not NULL) says which fault was
 * planted. NULL only if memory runs out.
 */
char *sl_sample_case(uint64_t seed, uint64_t index, size_t *len,
                     sl_sample_fault *fault_out);

/* The same, but planting the given fault (NONE: a complete case). NULL if
 * fault is out of range or memory runs out. */
char *sl_sample_case_with(uint64_t seed, uint64_t index, sl_sample_fault fault,
                          size_t *len);

#endif
