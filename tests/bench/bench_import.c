/*
 * bench_import - intake speed, against the physical baseline in the same run.
 *
 *   A. import of N generated dossiers (parse, validate, decide, normalise,
 *      audit) in one transaction, vs a raw SQLCipher insert of the same JSON
 *      bytes in one transaction (same page size, WAL, synchronous=FULL);
 *   B. case list --zone Z over the imported cases, once unlocked.
 * Prints figures; asserts nothing about time. Peak RSS is printed; for the
 * CLI's own figure run `/usr/bin/time -v shenli case import --jsonl F`.
 *
 * usage: bench_import [--cases N] [--keep DIR]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cases.h"
#include "crypto.h"
#include "org.h"
#include "sample.h"
#include "store_test.h"
#include "users.h"

#define ADMIN_PASS "bench admin passphrase"
#define LEAD_PASS "bench leader passphrase"
#define SEED 20261122

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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
	fprintf(stderr, "bench_import: %s: %s\n", what, sl_errmsg());
	exit(1);
}

static int count_row(const sl_case_row *r, void *ud)
{
	/* format the row as the CLI does, so the figure includes that work */
	char line[512];
	snprintf(line, sizeof line, "%s %s %s %s %s %s", r->case_id, r->agency,
	         r->zone ? r->zone : "-", r->state, r->subject_name,
	         r->assignees ? r->assignees : "");
	(*(long *)ud)++;
	return 0;
}

struct counts {
	long acc, def, ref, bad;
};

static int count_decision(const sl_import_res *r, void *ud)
{
	struct counts *c = ud;
	if (r->rc)
		c->bad++;
	else if (r->decision == SL_INTAKE_ACCEPTED)
		c->acc++;
	else if (r->decision == SL_INTAKE_DEFERRED)
		c->def++;
	else
		c->ref++;
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n = 100000;
	const char *keep = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "--keep") && i + 1 < argc)
			keep = argv[++i];
		else if (!strcmp(argv[i], "--quick"))
			n = 2000;
		else {
			fprintf(stderr,
			        "usage: bench_import [--cases N] [--quick] "
			        "[--keep DIR]\n");
			return 2;
		}
	}
	char dir[] = "/tmp/shenli-bench-import-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char path[256], raw[256], jsonl[256];
	snprintf(path, sizeof path, "%s/store.db", dir);
	snprintf(raw, sizeof raw, "%s/raw.db", dir);
	snprintf(jsonl, sizeof jsonl, "%s/docket.jsonl", dir);
	printf("shenli bench_import: %ld generated dossiers (seed %d)\n", n,
	       SEED);

	/* the docket, written once (generation timed on its own) */
	FILE *f = fopen(jsonl, "w");
	double t0 = now();
	size_t bytes = 0;
	for (long i = 0; i < n; i++) {
		size_t len;
		char *d = sl_sample_case(SEED, (uint64_t)i, &len, NULL);
		fwrite(d, 1, len, f);
		fputc('\n', f);
		bytes += len;
		free(d);
	}
	fclose(f);
	double tgen = now() - t0;
	printf("  generated %.1f MiB in %.2f s (%.0f dossiers/s), mean %zu "
	       "bytes\n",
	       bytes / 1048576.0, tgen, n / tgen, bytes / (size_t)n);

	/* store, zones, agencies, a leader without a zone (takes every zone) */
	sl_store *s;
	if (sl_store_create(path, "admin", ADMIN_PASS, strlen(ADMIN_PASS), &s))
		die("create");
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
	if (sl_user_add(s, "boss", SL_ROLE_LEADER, NULL, NULL, NULL, LEAD_PASS,
	                strlen(LEAD_PASS)))
		die("user add");
	if (sl_user_enrol(path, "boss", LEAD_PASS, strlen(LEAD_PASS), LEAD_PASS,
	                  strlen(LEAD_PASS)))
		die("user enrol");
	sl_store_close(s);
	if (sl_store_unlock(path, "boss", LEAD_PASS, strlen(LEAD_PASS), &s))
		die("unlock");
	long rss_before = rss_kib();
	/* A. import, streamed as the CLI does (a parser thread feeding the
	 * writer) */
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long acc = 0, def = 0, ref = 0, bad = 0;
	f = fopen(jsonl, "r");
	t0 = now();
	double c0 = thread_cpu();
	sl_importer *im;
	if (sl_import_begin(s, &im))
		die("import begin");
	struct counts c = {0};
	if (sl_import_stream(im, f, "docket", count_decision, &c))
		die("import");
	acc = c.acc;
	def = c.def;
	ref = c.ref;
	bad = c.bad;
	if (sl_import_finish(im))
		die("import commit");
	double timp = now() - t0, cimp = thread_cpu() - c0;
	fclose(f);
	printf("\n== A. import ==\n");
	printf("  shenli import: %.2f s, %.0f dossiers/s (%ld accepted, %ld "
	       "deferred, %ld refused, %ld malformed)\n",
	       timp, n / timp, acc, def, ref, bad);
	printf("  writer thread CPU %.1f us/dossier (the parser runs beside "
	       "it)\n",
	       cimp / n * 1e6);

	/* raw baseline: the same bytes into one table, one transaction */
	int fd = open(raw, O_CREAT | O_WRONLY | O_EXCL, 0600);
	close(fd);
	uint8_t key[32];
	sl_random_key(key, sizeof key);
	sqlite3 *db;
	if (sl_store_open_raw(raw, key, &db))
		die("raw open");
	sqlite3_exec(db,
	             "PRAGMA auto_vacuum=FULL; VACUUM;"
	             "CREATE TABLE d(id INTEGER PRIMARY KEY, bytes BLOB);",
	             0, 0, 0);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "INSERT INTO d(bytes) VALUES(?)", -1, &st, 0);
	f = fopen(jsonl, "r");
	t0 = now();
	c0 = thread_cpu();
	sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0);
	while ((len = getline(&line, &cap, f)) > 0) {
		sqlite3_bind_blob(st, 1, line, (int)len - 1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("raw insert");
		sqlite3_reset(st);
	}
	sqlite3_exec(db, "COMMIT", 0, 0, 0);
	double traw = now() - t0, craw = thread_cpu() - c0;
	fclose(f);
	sqlite3_finalize(st);
	sqlite3_close(db);
	sl_wipe(key, sizeof key);
	free(line);
	printf("  raw SQLCipher insert of the same bytes: %.2f s, %.0f rows/s, "
	       "CPU %.1f us/row\n",
	       traw, n / traw, craw / n * 1e6);
	printf("  ratio import/raw throughput: %.2fx (target >= 0.33x)\n",
	       traw / timp);
	printf("  peak RSS: %ld KiB before import (scrypt), %ld KiB after\n",
	       rss_before, rss_kib());

	/* B. case list --zone Z */
	printf("\n== B. case list --zone ==\n");
	for (size_t z = 0; z < nz; z++) {
		double runs[7];
		long rows = 0;
		for (int k = 0; k < 7; k++) {
			sl_case_filter flt = {.zone = zs[z].code};
			rows = 0;
			t0 = now();
			if (sl_case_list(s, &flt, count_row, &rows))
				die("list");
			runs[k] = now() - t0;
		}
		qsort(runs, 7, sizeof runs[0], cmp_d);
		printf(
		    "  zone %s: %ld cases, first %.1f ms, median %.1f ms, best "
		    "%.1f ms (target < 50 ms)\n",
		    zs[z].code, rows, runs[6] * 1e3, runs[3] * 1e3,
		    runs[0] * 1e3);
	}
	sl_store_close(s);
	printf("\npeak RSS (ru_maxrss): %ld KiB\n", rss_kib());
	char cmd[512];
	if (keep) {
		snprintf(cmd, sizeof cmd, "mv '%s' '%s'", dir, keep);
		printf("kept in %s (admin '%s', leader boss '%s')\n", keep,
		       ADMIN_PASS, LEAD_PASS);
	} else {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	}
	return system(cmd) == 0 ? 0 : 1;
}
