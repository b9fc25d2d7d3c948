/*
 * bench_report - the review report of one case with K facts and K pieces
 * of evidence (each fact citing three), for K = 3,000 and 9,000: the
 * report must be linear in facts and evidence (issue 18: K = 9k at most
 * 3.3 times the time of K = 3k). The baseline, measured in the same run
 * on the same case, is what `case show` does: read the case and write it
 * out as JSON. Medians of several runs of CPU time; prints each time and
 * the ratios. Then the same end to end, as issue 18 measured it: the
 * shenli binary run as a user would (unlock, read, write to /dev/null),
 * `report ID` against `case show ID --json`, wall-clock medians.
 *
 * usage: bench_report [--runs N] [--quick | --k K] [--format md|html|pdf]
 * (--quick: K = 300 and 900; --k K: K and 3K.)
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "cases.h"
#include "org.h"
#include "report.h"
#include "sample.h"
#include "store.h"
#include "users.h"

#define PASS "bench passphrase"

/* CPU time of this process: the machine is shared (2 cores, other jobs),
 * and wall-clock medians of the same run varied by 2x; the work measured
 * is single-threaded and does no I/O wait worth counting. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "bench_report: %s: %s\n", what, sl_errmsg());
	exit(1);
}

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A complete sample dossier grown to k facts and k pieces of evidence,
 * fact i citing evidence i, i+1 and i+7 (mod k), spread over four
 * violations. Ids are of one width, so that every fact and every piece
 * of evidence takes the same bytes whatever k: 3k more of them is 3 times
 * the dossier. */
static char *grow(uint64_t index, long k, char *case_id, size_t cap)
{
	size_t len;
	char *s = sl_sample_case_with(11, index, SL_FAULT_NONE, &len);
	json_t *d = json_loadb(s, len, 0, NULL);
	free(s);
	if (!d)
		die("sample");
	snprintf(case_id, cap, "%s",
	         json_string_value(json_object_get(d, "case_id")));
	json_t *f0 =
	    json_deep_copy(json_array_get(json_object_get(d, "facts"), 0));
	json_t *e0 =
	    json_deep_copy(json_array_get(json_object_get(d, "evidence"), 0));
	static const char *const V[] = {"public_funds_banquet",
	                                "gifts_and_money",
	                                "official_car_misuse", "dereliction"};
	json_t *facts = json_array(), *ev = json_array();
	for (long i = 0; i < k; i++) {
		char id[32];
		json_t *f = json_deep_copy(f0), *e = json_deep_copy(e0);
		snprintf(id, sizeof id, "F%05ld", i + 1);
		json_object_set_new(f, "id", json_string(id));
		json_object_set_new(f, "violation", json_string(V[i % 4]));
		json_t *cites = json_array();
		long c[3] = {i, (i + 1) % k, (i + 7) % k};
		for (int j = 0; j < 3; j++) {
			snprintf(id, sizeof id, "E%05ld", c[j] + 1);
			json_array_append_new(cites, json_string(id));
		}
		json_object_set_new(f, "evidence", cites);
		json_object_del(f, "amount_yuan");
		snprintf(id, sizeof id, "E%05ld", i + 1);
		json_object_set_new(e, "id", json_string(id));
		json_object_set_new(e, "kind", json_string("documentary"));
		json_array_append_new(facts, f);
		json_array_append_new(ev, e);
	}
	json_decref(f0);
	json_decref(e0);
	json_object_set_new(d, "facts", facts);
	json_object_set_new(d, "evidence", ev);
	char *out = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	return out;
}

static int one(const sl_import_res *r, void *ud)
{
	(void)ud;
	if (r->rc)
		fprintf(stderr, "bench_report: refused: %s\n", sl_errmsg());
	return 0;
}

int main(int argc, char **argv)
{
	int runs = 7, quick = 0;
	long k0 = 0;
	const char *format = "md";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--k") && i + 1 < argc)
			k0 = atol(argv[++i]);
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else {
			fprintf(stderr,
			        "usage: bench_report [--runs N] "
			        "[--quick | --k K] [--format md|html|pdf]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 50)
		runs = 5;
	long ks[2] = {quick ? 300 : 3000, quick ? 900 : 9000};
	if (k0 >= 10 && k0 <= 3300)
		ks[0] = k0, ks[1] = 3 * k0;
	char dir[] = "/tmp/shenli-bench-report-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char path[256], jsonl[256], ids[2][64];
	snprintf(path, sizeof path, "%s/store.db", dir);
	snprintf(jsonl, sizeof jsonl, "%s/cases.jsonl", dir);
	FILE *f = fopen(jsonl, "w");
	for (int i = 0; i < 2; i++) {
		char *d = grow((uint64_t)i, ks[i], ids[i], sizeof ids[i]);
		fprintf(f, "%s\n", d);
		free(d);
	}
	fclose(f);
	sl_store *s;
	if (sl_store_create(path, "admin", PASS, strlen(PASS), &s))
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
	if (sl_user_add(s, "boss", SL_ROLE_LEADER, NULL, NULL, "组长", PASS,
	                strlen(PASS)))
		die("user add");
	sl_store_close(s);
	if (sl_user_enrol(path, "boss", PASS, strlen(PASS), PASS, strlen(PASS)))
		die("user enrol");
	if (sl_store_unlock(path, "boss", PASS, strlen(PASS), &s))
		die("unlock");
	sl_importer *im;
	f = fopen(jsonl, "r");
	if (sl_import_begin(s, &im) ||
	    sl_import_stream(im, f, "bench", one, 0) || sl_import_finish(im))
		die("import");
	fclose(f);

	printf("report (%s) of one case with K facts and K evidence, median "
	       "of %d runs, CPU seconds\n",
	       format, runs);
	printf("%-6s %12s %12s %8s %10s\n", "K", "case show s", "report s",
	       "ratio", "bytes");
	double rep[2], show[2];
	for (int i = 0; i < 2; i++) {
		double t_show[50], t_rep[50];
		size_t bytes = 0;
		for (int r = 0; r < runs; r++) {
			double t0 = now();
			sl_caseview *v;
			if (sl_case_show(s, ids[i], &v))
				die("case show");
			json_t *c = sl_case_show_json(v);
			char *j = json_dumps(c, JSON_INDENT(2));
			json_decref(c);
			sl_caseview_free(v);
			free(j);
			double t1 = now();
			char *out;
			size_t len;
			if (sl_report(s, ids[i], format, NULL, &out, &len))
				die("report");
			double t2 = now();
			free(out);
			bytes = len;
			t_show[r] = t1 - t0;
			t_rep[r] = t2 - t1;
		}
		show[i] = median(t_show, runs);
		rep[i] = median(t_rep, runs);
		printf("%-6ld %12.3f %12.3f %7.1fx %10zu\n", ks[i], show[i],
		       rep[i], rep[i] / show[i], bytes);
	}
	/* end to end through the binary */
	char pw[300];
	snprintf(pw, sizeof pw, "%s/pw", dir);
	f = fopen(pw, "w");
	fprintf(f, "%s\n", PASS);
	fclose(f);
	chmod(pw, 0600);
	printf("end to end: shenli report ID --format %s > /dev/null, "
	       "median of %d runs, wall-clock seconds\n",
	       format, runs);
	printf("%-6s %12s %12s %8s\n", "K", "case show s", "report s", "ratio");
	double erep[2];
	for (int i = 0; i < 2; i++) {
		double t_show[50], t_rep[50];
		char show_cmd[1200], rep_cmd[1200];
		snprintf(show_cmd, sizeof show_cmd,
		         "%s --store %s --user boss --passphrase-file %s case "
		         "show %s --json > /dev/null",
		         SHENLI_BIN, path, pw, ids[i]);
		snprintf(
		    rep_cmd, sizeof rep_cmd,
		    "%s --store %s --user boss --passphrase-file %s report "
		    "%s --format %s > /dev/null",
		    SHENLI_BIN, path, pw, ids[i], format);
		for (int r = 0; r < runs; r++) {
			double t0 = wall();
			if (system(show_cmd))
				die("shenli case show");
			double t1 = wall();
			if (system(rep_cmd))
				die("shenli report");
			double t2 = wall();
			t_show[r] = t1 - t0;
			t_rep[r] = t2 - t1;
		}
		double sh = median(t_show, runs);
		erep[i] = median(t_rep, runs);
		printf("%-6ld %12.3f %12.3f %7.1fx\n", ks[i], sh, erep[i],
		       erep[i] / sh);
	}
	printf("end to end report K=%ld / K=%ld: %.2fx (target <= 3.3x)\n",
	       ks[1], ks[0], erep[1] / erep[0]);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("in-process: report K=%ld / K=%ld: %.2fx, case show %.2fx "
	       "(report / case show %.2f and %.2f: the report is linear in "
	       "what case show reads); peak RSS %ld MiB\n",
	       ks[1], ks[0], rep[1] / rep[0], show[1] / show[0],
	       rep[0] / show[0], rep[1] / show[1], ru.ru_maxrss / 1024);
	sl_store_close(s);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (getenv("SHENLI_BENCH_KEEP")) /* to look at the case again */
		printf("store kept: %s (boss, \"%s\"); cases %s %s\n", path,
		       PASS, ids[0], ids[1]);
	else if (system(cmd))
		return 1;
	return 0;
}
