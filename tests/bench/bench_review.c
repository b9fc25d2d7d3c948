/*
 * bench_review - review run --all over N generated cases with the built-in
 * plugins, as installed packages loaded through the verified loader.
 * Prints cases/s and peak RSS (target: >= 20k cases/s, < 128 MiB), and as
 * the physical baseline in the same run, a raw scan that reads the same
 * normalised rows the case views are built from.
 *
 * usage: bench_review [--cases N] [--quick]
 * Needs the built packages (build/packages/) and the build's public key;
 * their paths are compiled in.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cases.h"
#include "org.h"
#include "pkgstore.h"
#include "review.h"
#include "sample.h"
#include "store_test.h"
#include "users.h"

#define PASS "bench passphrase"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "bench_review: %s: %s\n", what, sl_errmsg());
	exit(1);
}

struct tally {
	long cases, blockers, warnings, notes;
};

static int on_case(const sl_review_result *r, void *ud)
{
	struct tally *t = ud;
	t->cases++;
	t->blockers += r->blockers;
	t->warnings += r->warnings;
	t->notes += r->notes;
	return 0;
}

static int count_decision(const sl_import_res *r, void *ud)
{
	(void)r;
	(*(long *)ud)++;
	return 0;
}

int main(int argc, char **argv)
{
	/* the plugins run in a worker exec'ed from this very program */
	if (argc >= 2 && strcmp(argv[1], SL_PLUGIN_WORKER_ARG) == 0)
		return sl_plugin_worker_main();
	long n = 100000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "--quick"))
			n = 2000;
		else {
			fprintf(stderr,
			        "usage: bench_review [--cases N] [--quick]\n");
			return 2;
		}
	}
	char dir[] = "/tmp/shenli-bench-review-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char path[256], jsonl[256];
	snprintf(path, sizeof path, "%s/store.db", dir);
	snprintf(jsonl, sizeof jsonl, "%s/docket.jsonl", dir);
	FILE *f = fopen(jsonl, "w");
	for (long i = 0; i < n; i++) {
		size_t len;
		char *d = sl_sample_case(7, (uint64_t)i, &len, NULL);
		fwrite(d, 1, len, f);
		fputc('\n', f);
		free(d);
	}
	fclose(f);

	sl_store *s;
	if (sl_store_create(path, "admin", PASS, strlen(PASS), &s))
		die("create");
	char id[17];
	if (sl_keys_trust(s, SHENLI_BUILD_PUB, "bench", id))
		die("trust the build key");
	static const char *const plugins[] = {"evidence", "classification",
	                                      "procedure"};
	char pkg[512];
	snprintf(pkg, sizeof pkg, "%s/rules", SHENLI_PACKAGES_DIR);
	if (sl_pkg_install(s, pkg, SL_PKG_RULES, NULL))
		die("install rules");
	for (size_t i = 0; i < 3; i++) {
		snprintf(pkg, sizeof pkg, "%s/%s", SHENLI_PACKAGES_DIR,
		         plugins[i]);
		if (sl_pkg_install(s, pkg, SL_PKG_PLUGIN, NULL))
			die("install a plugin");
	}
	const sl_sample_zone *zs;
	const sl_sample_agency *as;
	size_t nz, na;
	sl_sample_zones(&zs, &nz);
	sl_sample_agencies(&as, &na);
	for (size_t i = 0; i < nz; i++)
		if (sl_zone_add(s, zs[i].code, zs[i].name))
			die("zone add");
	for (size_t i = 0; i < na; i++)
		if (sl_agency_add(s, as[i].code, as[i].name, as[i].zone))
			die("agency add");
	if (sl_user_add(s, "boss", SL_ROLE_LEADER, NULL, NULL, NULL, PASS,
	                strlen(PASS)))
		die("user add");
	if (sl_user_enrol(path, "boss", PASS, strlen(PASS), PASS, strlen(PASS)))
		die("user enrol");
	sl_store_close(s);
	if (sl_store_unlock(path, "boss", PASS, strlen(PASS), &s))
		die("unlock");
	sl_importer *im;
	long decided = 0;
	f = fopen(jsonl, "r");
	if (sl_import_begin(s, &im) ||
	    sl_import_stream(im, f, "docket", count_decision, &decided) ||
	    sl_import_finish(im))
		die("import");
	fclose(f);
	long rss0 = rss_kib();

	printf("shenli bench_review: %ld generated cases, 3 plugins\n", n);
	struct tally t = {0};
	double t0 = now();
	sl_review_run_req rq = {.progress = on_case, .ud = &t};
	sl_review_run_res res;
	if (sl_review_run(s, &rq, &res) && !res.ran) /* SL_FAIL: blockers */
		die("review run");
	double tr = now() - t0;
	printf("  review run --all: %.2f s for %ld cases under review: %.0f "
	       "cases/s (target >= 20000)\n",
	       tr, t.cases, t.cases / tr);
	printf("  findings: %ld blockers, %ld warnings, %ld notes\n",
	       t.blockers, t.warnings, t.notes);

	/* baseline: read the same rows the views are built from */
	sqlite3 *db = sl_store_db(s);
	sqlite3_stmt *st;
	static const char *const scans[] = {
	    "SELECT * FROM cases", "SELECT * FROM facts",
	    "SELECT * FROM evidence", "SELECT * FROM documents",
	    "SELECT * FROM prior_sanctions"};
	t0 = now();
	long rows = 0;
	for (size_t i = 0; i < 5; i++) {
		sqlite3_prepare_v2(db, scans[i], -1, &st, 0);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++)
				(void)sqlite3_column_text(st, c);
			rows++;
		}
		sqlite3_finalize(st);
	}
	double tb = now() - t0;
	printf("  raw scan of the same tables: %.2f s (%ld rows); review/scan "
	       "time %.1fx\n",
	       tb, rows, tr / tb);
	printf("  peak RSS: %ld KiB before the run (scrypt, import), %ld KiB "
	       "after (target < 128 MiB)\n",
	       rss0, rss_kib());
	sl_store_close(s);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
