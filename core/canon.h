/*
 * canon.h - canonical digests of what the log commits to but does not
 * hold: a case's normalised content (subject, proposal, prior sanctions,
 * facts, evidence, documents), its findings, and the items of a return's
 * outline.
 *
 * The log keeps the digest; the tables keep the rows. Writers hash the
 * rows they insert, row by row, with the functions below; the verifier
 * (replay.h) hashes the rows it reads back with the same functions, in
 * the same order (each table's primary key). So a row changed in the
 * tables by someone holding the data key no longer matches the log.
 *
 * Every value is length-prefixed and NULL is distinct from "", so no two
 * different row sequences share an encoding.
 */
#ifndef SHENLI_CANON_H
#define SHENLI_CANON_H

#include <stdint.h>

#include "crypto.h"

typedef struct {
	sl_hasher *h;
} sl_canon;

/* Begin a digest under a domain ("shenli.content/1", ...). */
void sl_canon_begin(sl_canon *c, sl_hasher *h, const char *domain);
void sl_canon_str(sl_canon *c, const char *s); /* NULL is its own value */
void sl_canon_int(sl_canon *c, int64_t v);
void sl_canon_real(sl_canon *c, int has, double v); /* has 0: NULL */
void sl_canon_end(sl_canon *c, uint8_t out[SL_SHA256_LEN]);

/* A case's content, in this order: one header, then its prior sanctions,
 * facts, evidence and documents, each in dossier order. JSON lists are
 * the compact text the tables hold. */
void sl_canon_case_header(sl_canon *c, const char *subject_name,
                          const char *person_id, int party_member,
                          int public_official, const char *position,
                          const char *rank, const char *transferred_on,
                          const char *disciplines, int eight_point,
                          const char *party_sanction, const char *gov_sanction,
                          int form, const char *circumstances);
void sl_canon_prior(sl_canon *c, int64_t n, const char *system,
                    const char *level, const char *decided_on);
void sl_canon_fact(sl_canon *c, int64_t n, const char *id, const char *summary,
                   const char *violation, const char *from, const char *to,
                   int has_amount, double amount, const char *evidence,
                   const char *use, int in_kind);
void sl_canon_evidence(sl_canon *c, int64_t n, const char *id, const char *kind,
                       const char *title, const char *obtained_on,
                       const char *source, const char *tags);
void sl_canon_document(sl_canon *c, int64_t n, const char *kind,
                       const char *date);

/* One finding of a case, in order. */
void sl_canon_finding(sl_canon *c, int64_t n, const char *check,
                      const char *standard, const char *severity,
                      const char *code, const char *message, const char *refs,
                      const char *outline_item);

#define SL_CANON_CONTENT "shenli.content/2"
#define SL_CANON_FINDINGS "shenli.findings/2"

/* The bytes that are signed, built here so that the writer and the
 * verifier (replay.c) cannot disagree. An opinion: domain, store, case,
 * author, kind, time, body; *out is malloc'ed, 0 if out of memory. */
size_t sl_opinion_message(const uint8_t store_id[16], const char *case_id,
                          const char *author, int panel, int64_t ms,
                          const char *body, uint8_t **out);
/* What a pending user's one-time enrolment key signs: domain, store, the
 * user, their new public key. */
size_t sl_enrol_message(const uint8_t store_id[16], const char *user,
                        const uint8_t pub[SL_ED25519_PUB_LEN],
                        uint8_t out[128]);

#endif
