/*
 * fuzz_intake.c - intake of one transferred dossier (core/import.c,
 * sl_import_one): parsing, the formal check against the rules in force,
 * and storing the normalised rows, on a real store.
 *
 * The store is made once (in a tmpfs when there is one) with the sample
 * docket's zones and agencies and a leader without a zone (the review
 * office's, who may import for every zone), so that sample dossiers and
 * their mutations get past the refusals into the deeper checks. Each
 * input is imported in a transaction that is then rolled back, so every
 * input meets the same store.
 *
 * Intake's decision is checked against a model of the rules written out
 * here from cases.h: refused if the agency is unknown; otherwise deferred
 * exactly when something is missing (a required or identity document,
 * evidence a fact cites, a violation code the rules know); otherwise
 * accepted. And a malformed dossier must be refused as malformed exactly
 * when the parser refuses it.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cases.h"
#include "dossier.h"
#include "fuzz_common.h"
#include "org.h"
#include "rules.h"
#include "sample.h"
#include "store.h"
#include "text.h"
#include "users.h"

#define ADMIN_PASS "fuzz admin passphrase"
#define LEAD_PASS "fuzz leader passphrase"

static char dir[PATH_MAX], path[PATH_MAX + 16];
static sl_store *store;
static sl_rules *rules;

static void cleanup(void)
{
	char cmd[PATH_MAX + 32];
	sl_store_close(store);
	sl_rules_free(rules);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/shenli-fuzz-intake-XXXXXX", base);
	SETUP(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/store.db", dir);
	atexit(cleanup);

	sl_store *s = NULL;
	SETUP(sl_store_create(path, "root", ADMIN_PASS, strlen(ADMIN_PASS),
	                      &s) == SL_OK);
	const sl_sample_zone *z;
	const sl_sample_agency *a;
	size_t nz, na;
	sl_sample_zones(&z, &nz);
	sl_sample_agencies(&a, &na);
	for (size_t i = 0; i < nz; i++)
		SETUP(sl_zone_add(s, z[i].code, z[i].name) == SL_OK);
	for (size_t i = 0; i < na; i++)
		SETUP(sl_agency_add(s, a[i].code, a[i].name, a[i].zone) ==
		      SL_OK);
	SETUP(sl_user_add(s, "lead", SL_ROLE_LEADER, NULL, NULL, NULL,
	                  LEAD_PASS, strlen(LEAD_PASS)) == SL_OK);
	sl_store_close(s);
	SETUP(sl_user_enrol(path, "lead", LEAD_PASS, strlen(LEAD_PASS),
	                    LEAD_PASS, strlen(LEAD_PASS)) == SL_OK);
	SETUP(sl_store_unlock(path, "lead", LEAD_PASS, strlen(LEAD_PASS),
	                      &store) == SL_OK);
	SETUP(sl_rules_load(store, &rules) == SL_OK);
	return 0;
}

static int agency_known(const char *code)
{
	const sl_sample_agency *a;
	size_t na;
	sl_sample_agencies(&a, &na);
	for (size_t i = 0; i < na; i++)
		if (!strcmp(a[i].code, code))
			return 1;
	return 0;
}

static int has_doc(const sl_dossier *d, const char *kind)
{
	for (size_t i = 0; i < d->n_documents; i++)
		if (!strcmp(d->documents[i].kind, kind))
			return 1;
	return 0;
}

/* What intake must decide, from cases.h's rules alone. */
static sl_intake_decision model(const sl_dossier *d)
{
	if (!agency_known(d->agency))
		return SL_INTAKE_REFUSED;
	int missing = 0;
	for (size_t i = 0; i < sl_rules_n_required_docs(rules); i++)
		missing |= !has_doc(d, sl_rules_required_doc(rules, i));
	int identity = sl_rules_n_identity_docs(rules) == 0;
	for (size_t i = 0; i < sl_rules_n_identity_docs(rules); i++)
		identity |= has_doc(d, sl_rules_identity_doc(rules, i));
	missing |= !identity;
	for (size_t i = 0; i < d->n_facts; i++) {
		const sl_fact *f = &d->facts[i];
		for (size_t k = 0; k < f->n_evidence; k++)
			missing |= !sl_dossier_find_evidence(d, f->evidence[k]);
		missing |= !sl_rules_violation(rules, f->violation);
	}
	return missing ? SL_INTAKE_DEFERRED : SL_INTAKE_ACCEPTED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	sl_dossier *d = NULL;
	sl_rc prc = sl_dossier_parse(buf, size, "fuzz.json", NULL, &d);

	sl_importer *im = NULL;
	SETUP(sl_import_begin(store, &im) == SL_OK);
	sl_import_res res;
	sl_rc rc = sl_import_one(im, buf, size, "fuzz.json", &res);
	/* the result lives in the importer: judged before it goes */
	CHECK(rc || (res.case_id && d && !strcmp(res.case_id, d->case_id)));
	if (prc) {
		CHECK(rc == SL_EINPUT);
		/* refused: no reasons; named by its case id only where that
		 * is one (import.c: readable_case_id) */
		CHECK(res.n_reasons == 0);
		CHECK(res.case_id == NULL || sl_case_id_valid(res.case_id));
		sl_import_abort(im);
		return 0;
	}
	CHECK(rc == SL_OK);
	for (size_t i = 0; i < res.n_reasons; i++) {
		const char *r = res.reasons[i];
		CHECK(r && *r && sl_utf8_valid(r, strlen(r)));
	}
	sl_intake_decision dec = res.decision, want = model(d);
	if (dec != want)
		fprintf(stderr, "intake decided %s, the rules say %s\n",
		        sl_intake_name(dec), sl_intake_name(want));
	CHECK(dec == want);
	CHECK((dec == SL_INTAKE_ACCEPTED) == (res.n_reasons == 0));
	sl_import_abort(im); /* rolls the import back */
	sl_dossier_free(d);
	return 0;
}
