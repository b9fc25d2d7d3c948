/*
 * caserows.h - a dossier as the store keeps it: its bytes, and the rows of
 * the normalised tables (prior sanctions, facts, evidence, documents) that
 * the checks, the listing and the case view read. Written at intake,
 * replaced at a resubmission; their digest (canon.h) is what the audit
 * entry commits to, so that replay can tell the rows are the dossier's.
 */
#ifndef SHENLI_CASEROWS_H
#define SHENLI_CASEROWS_H

#include <stdint.h>

#include "crypto.h"
#include "dossier.h"
#include "lifecycle.h"
#include "org.h"
#include "store.h"

/* A dossier with everything intake can work out without the store: the
 * bytes' hash, the list columns and the digest of the rows. Built on the
 * parser thread when streaming, so that the writer only decides and
 * writes. */
typedef struct {
	sl_dossier *d;
	uint8_t sha[32];
	char hex[65];
	char *disc, *circ; /* JSON lists */
	char **fact_ev;    /* per fact: JSON list of evidence ids */
	char **ev_tags;    /* per evidence item: JSON list of tags */
	/* the digest of the rows, in the order replay.c reads them back
	 * (canon.h): what the intake entry commits to */
	char content[65];
} sl_rows;

/* Everything intake can work out without the store, hashing with h.
 * Takes d (freed with the rows). */
sl_rc sl_rows_prepare(sl_rows *p, sl_dossier *d, const char *buf, size_t len,
                      sl_hasher *h);
void sl_rows_free(sl_rows *p);

/* The statements of an import, prepared once. */
typedef struct sl_rows_writer sl_rows_writer;
sl_rc sl_rows_writer_new(sl_store *s, sl_rows_writer **out);
void sl_rows_writer_free(sl_rows_writer *w);

/* A case of this id already in the store. */
typedef struct {
	int found;
	int64_t ref;
	sl_state state;
	char agency[SL_CODE_MAX + 1], zone[SL_CODE_MAX + 1];
} sl_rows_found;
sl_rc sl_rows_find(sl_rows_writer *w, const char *case_id, sl_rows_found *out);

/* The cases row of a new case, and what intake decided. */
typedef struct {
	const char *zone;
	sl_state state;
	int64_t received_ms, accepted_ms, deadline_ms; /* accepted_ms 0: none */
	int limit_days; /* the review limit's days from acceptance */
	const char *reasons_json;
} sl_rows_case;
/* Insert the case and its rows, in the open transaction. */
sl_rc sl_rows_insert(sl_rows_writer *w, const sl_rows *pp, const char *buf,
                     size_t len, const sl_rows_case *hc);
/* Remove a case's dossier rows (whole: the cases row too, for an earlier
 * deferred or refused transfer taken in again). */
sl_rc sl_rows_forget(sl_store *s, int64_t ref, int whole);

/* A resubmission: the case's dossier and rows replaced by d (taken), its
 * version counted up; content: the rows' digest. In the caller's
 * transaction. */
sl_rc sl_case_store_dossier(sl_store *s, int64_t ref, sl_dossier *d,
                            const char *buf, size_t len, char content[65]);

#endif
