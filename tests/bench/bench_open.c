/*
 * bench_open - what verifying the log at every unlock costs, against a
 * plain open of the same store in the same run.
 *
 * Every unlock checks the audit log from the user's checkpoint
 * (checkpoint.h, verify.h): it loads and opens the checkpoint, checks that
 * the entry it names is still there, walks what the log gained since
 * (hashes, the signature that closes each transaction, each entry's
 * authority, the registry), compares the registry tables, and writes the
 * new checkpoint. The passphrase's scrypt (~0.2 s) is the same with or
 * without all this and is left out of both sides.
 *
 *   baseline   a plain open: the file keyed with the data key, the store
 *              id and the user's row read (what an unlock reads anyway)
 *   +0         verify-at-open when nothing was written since
 *   +100/100   after 100 entries in 100 transactions (100 signatures: the
 *              worst case of the budget)
 *   +100/1     after 100 entries in one transaction
 *   none       no checkpoint: the whole log from its first entry
 *
 * Medians of RUNS runs each. Budget (issue 12): at most 5 ms when the log
 * grew by at most 100 entries. Prints figures; asserts nothing.
 *
 * usage: bench_open [--runs N] [--users N]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "checkpoint.h"
#include "fsutil.h"
#include "guard.h"
#include "keyslot.h"
#include "org.h"
#include "sample.h"
#include "store_test.h"
#include "users.h"
#include "verify.h"

#define ADMIN_PASS "bench admin passphrase"
#define USER_PASS "bench user passphrase"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "bench_open: %s: %s\n", what, sl_errmsg());
	exit(1);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static char path[512], ckpath[600];
static sl_secrets *sec; /* root's, from root's slot */
static uint8_t store_id[16];

static void read_file(const char *p, char **buf, size_t *n)
{
	if (sl_file_read(p, 1 << 24, buf, n))
		die(p);
}

static void write_file(const char *p, const char *buf, size_t n)
{
	if (sl_file_write_atomic(p, buf, n, 0600))
		die(p);
}

static sqlite3 *raw_open(void)
{
	sqlite3 *db;
	if (sl_store_open_raw(path, sec->data_key, &db))
		die("open raw");
	return db;
}

/* The plain open: key the file, read the store id and the user's row. */
static double plain_open(void)
{
	double t0 = now();
	sqlite3 *db = raw_open();
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = 'store_id'", -1,
	                   &st, 0);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("store id");
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db,
	                   "SELECT role, pubkey, slot_sha256, disabled, agency,"
	                   " zone FROM users WHERE id = 'root'",
	                   -1, &st, 0);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("user row");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return now() - t0;
}

/* What an unlock adds: the checkpoint in, the walk, the checkpoint out. */
static double verify_open(int use_checkpoint, int64_t *walked)
{
	double t0 = now();
	sqlite3 *db = raw_open();
	sl_verified v = {0};
	int unreadable = 0;
	if (use_checkpoint &&
	    (sl_checkpoint_load(path, "root", sec->sign_seed, store_id, &v.seq,
	                        v.hash, &v.reg, &unreadable) ||
	     !v.reg))
		die("checkpoint");
	int64_t from = v.seq;
	if (sl_verify_open(db, store_id, &v, walked))
		die("verify at open");
	/* as store.c does: a new checkpoint only when the head moved */
	if (v.seq != from && sl_checkpoint_save(path, "root", sec->sign_seed,
	                                        store_id, v.seq, v.hash, v.reg))
		die("checkpoint save");
	sl_registry_free(v.reg);
	sqlite3_close(db);
	return now() - t0;
}

/* Median ms of runs, the checkpoint put back to ck before each. */
static double measure(const char *ck, size_t ckn, int runs, int use_ck,
                      int64_t *walked)
{
	double *t = calloc((size_t)runs, sizeof *t);
	for (int i = 0; i < runs; i++) {
		if (ck)
			write_file(ckpath, ck, ckn);
		t[i] = verify_open(use_ck, walked) * 1e3;
	}
	double m = median(t, runs);
	free(t);
	return m;
}

static double measure_plain(int runs)
{
	double *t = calloc((size_t)runs, sizeof *t);
	for (int i = 0; i < runs; i++)
		t[i] = plain_open() * 1e3;
	double m = median(t, runs);
	free(t);
	return m;
}

int main(int argc, char **argv)
{
	int runs = 21, users = 24;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--users") && i + 1 < argc)
			users = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_open [--runs N] "
			                "[--users N]\n");
			return 2;
		}
	}
	char dir[] = "/tmp/shenli-bench-open-XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(path, sizeof path, "%s/store.db", dir);
	snprintf(ckpath, sizeof ckpath, "%s.keys/root.head", path);

	/* a store with the sample's zones and agencies and a panel */
	sl_store *s;
	if (sl_store_create(path, "root", ADMIN_PASS, strlen(ADMIN_PASS), &s))
		die("create");
	const sl_sample_zone *z;
	const sl_sample_agency *a;
	size_t nz, na;
	sl_sample_zones(&z, &nz);
	sl_sample_agencies(&a, &na);
	for (size_t i = 0; i < nz; i++)
		if (sl_zone_add(s, z[i].code, z[i].name))
			die("zone add");
	for (size_t i = 0; i < na; i++)
		if (sl_agency_add(s, a[i].code, a[i].name, a[i].zone))
			die("agency add");
	char id[32];
	for (int i = 0; i < users; i++) {
		snprintf(id, sizeof id, "m%d", i);
		if (sl_user_add(s, id, SL_ROLE_MEMBER, a[i % na].code,
		                a[i % na].zone, "组员", USER_PASS,
		                strlen(USER_PASS)) ||
		    sl_user_enrol(path, id, USER_PASS, strlen(USER_PASS),
		                  USER_PASS, strlen(USER_PASS)))
			die("user add");
	}
	memcpy(store_id, sl_store_id(s), 16);
	sl_store_close(s);

	char slot[600], *img;
	size_t n;
	snprintf(slot, sizeof slot, "%s.keys/root.slot", path);
	read_file(slot, &img, &n);
	sec = sl_secrets_new();
	if (sl_keyslot_open("root", ADMIN_PASS, strlen(ADMIN_PASS), img, n,
	                    sec))
		die("root's slot");
	free(img);

	/* root's checkpoint at the head: take it */
	int64_t walked;
	verify_open(0, &walked);
	int64_t base_entries = walked;
	char *ck0;
	size_t ck0n;
	read_file(ckpath, &ck0, &ck0n);

	/* another user writes 100 entries, one transaction each */
	sl_store *m;
	if (sl_store_unlock(path, "m0", USER_PASS, strlen(USER_PASS), &m))
		die("unlock m0");
	for (int i = 0; i < 100; i++)
		sl_guard(m, SL_ACT_USER_ADD, "bench");
	double plain = measure_plain(runs);
	double v0 = 0, v100 = measure(ck0, ck0n, runs, 1, &walked);
	int64_t w100 = walked;
	char *ck1;
	size_t ck1n;
	read_file(ckpath, &ck1, &ck1n);
	v0 = measure(ck1, ck1n, runs, 1, &walked);
	int64_t w0 = walked;
	/* then 100 entries in one transaction */
	if (sl_tx_begin(m))
		die("tx");
	for (int i = 0; i < 100; i++)
		if (sl_audit(m, "denied", "bench", NULL))
			die("audit");
	if (sl_tx_commit(m))
		die("commit");
	sl_store_close(m);
	double v1 = measure(ck1, ck1n, runs, 1, &walked);
	int64_t w1 = walked;
	double vall = measure(NULL, 0, runs < 5 ? runs : 5, 0, &walked);
	int64_t wall = walked;

	printf("verify at open: %d users, %zu zones, %zu agencies; a log of "
	       "%lld entries at setup; medians of %d runs\n",
	       users + 1, nz, na, (long long)base_entries, runs);
	printf("%-34s %10s %8s %10s\n", "", "entries", "ms", "x plain");
	printf("%-34s %10s %8.3f %10s\n", "plain open (baseline)", "-", plain,
	       "1.0");
	printf("%-34s %10lld %8.3f %10.1f\n", "+0 since the checkpoint",
	       (long long)w0, v0, v0 / plain);
	printf("%-34s %10lld %8.3f %10.1f\n", "+100 in 100 transactions",
	       (long long)w100, v100, v100 / plain);
	printf("%-34s %10lld %8.3f %10.1f\n", "+100 in 1 transaction",
	       (long long)w1, v1, v1 / plain);
	printf("%-34s %10lld %8.3f %10.1f\n", "no checkpoint (whole log)",
	       (long long)wall, vall, vall / plain);
	printf("budget: at most 5 ms added for at most 100 entries: %s "
	       "(+100 in 100 transactions adds %.3f ms)\n",
	       v100 - plain <= 5.0 ? "met" : "NOT met", v100 - plain);
	sl_secrets_free(sec);
	free(ck0);
	free(ck1);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
