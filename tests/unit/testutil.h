/* testutil.h - shared helpers for the cmocka unit tests. */
#ifndef SHENLI_TESTUTIL_H
#define SHENLI_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the above first */
#include <cmocka.h>

#include "store_test.h"

#define ADMIN_PASS "admin passphrase 1"

typedef struct {
	char dir[256];
	char path[300]; /* dir/store.db */
} tstore;

/* A fresh temp dir with a store whose admin is "root". */
sl_store *tstore_new(tstore *t);
void tstore_cleanup(tstore *t);
/* The store's data key, read out of root's slot (tests only). */
void tstore_data_key(const tstore *t, uint8_t key[32]);
/* Open the database file raw with its data key (to tamper with it). */
sqlite3 *tstore_raw(const tstore *t);
/* Run SQL on the raw database and close it. */
void tstore_raw_exec(const tstore *t, const char *sql);
/* The zones and agencies the policy tests share: zones Z1, Z2; agencies
 * ZRJ and JYJ in Z1, CZJ in Z2, LONE in no zone. */
void tstore_org(sl_store *s);
/* Does the file at path contain needle? */
int file_contains(const char *path, const void *needle, size_t n);

/* A dossier in the format of case-format.md: one fact (violation, citing
 * fact_ev, e.g. "\"E1\",\"E2\""), two pieces of evidence, the documents
 * docs (ALL_DOCS: a complete transfer). malloc'ed. */
char *tdossier(const char *case_id, const char *agency, const char *docs,
               const char *fact_ev, const char *violation);
#define ALL_DOCS                                                               \
	"{\"kind\":\"identity\",\"date\":\"2024-02-18\"},"                     \
	"{\"kind\":\"filing_approval\",\"date\":\"2024-02-20\"},"              \
	"{\"kind\":\"investigation_report\",\"date\":\"2024-04-28\"},"         \
	"{\"kind\":\"fact_material\",\"date\":\"2024-04-28\"},"                \
	"{\"kind\":\"subject_written_response\",\"date\":\"2024-04-30\"},"     \
	"{\"kind\":\"response_explanation\",\"date\":\"2024-05-02\"},"         \
	"{\"kind\":\"transfer_form\",\"date\":\"2024-05-06\"}"
#define NO_TRANSFER_NO_ID                                                      \
	"{\"kind\":\"filing_approval\",\"date\":\"2024-02-20\"},"              \
	"{\"kind\":\"investigation_report\",\"date\":\"2024-04-28\"},"         \
	"{\"kind\":\"fact_material\",\"date\":\"2024-04-28\"},"                \
	"{\"kind\":\"subject_written_response\",\"date\":\"2024-04-30\"},"     \
	"{\"kind\":\"response_explanation\",\"date\":\"2024-05-02\"}"

#endif
