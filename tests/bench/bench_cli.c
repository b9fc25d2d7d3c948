/*
 * bench_cli - issue 18's table, end to end through the real shenli binary.
 *
 * For each operation and each size N, the command is run R times (--runs,
 * default 3) through `/usr/bin/time -v` (wall time measured here around the
 * process, peak RSS from time -v), interleaved with its physical baseline
 * (command, baseline, command, baseline, ...) so that both see the same
 * machine; the medians and their ratio are printed, then the whole table in
 * the shape of issue 18's.
 *
 *   import    case import --jsonl of N generated dossiers into a store with
 *             users, zones, agencies and plugins, vs a raw SQLCipher insert
 *             of the same bytes (same key size, cipher page size, VFS, WAL,
 *             synchronous=FULL, auto_vacuum=FULL, one transaction);
 *             and vs the floor of what it writes: the rows it wrote (every
 *             case table and the log), read back and written raw, same
 *             tables, indexes, settings and cache, in one transaction;
 *   import1   the same, both sides pinned to one core (taskset -c 0);
 *   review    review run --all (a copy of the store per run: it writes) vs
 *             a raw scan of the 5 tables it reads, and vs that scan plus
 *             the raw write of the rows it wrote (findings, its log
 *             entries, each case's checked version) into another copy;
 *   rerun     review run --all a second time on the same copy (every case
 *             checked before at its version), vs the same scan;
 *   list      case list as a leader seeing all zones, vs a scan of the
 *             covering index cases_list;
 *   listjson  case list --json, same baseline;
 *   listcore  sl_case_list in one process, no printing, vs the same scan
 *             (what the CLI adds is its unlock and its printing);
 *   auditlog  audit log --json over the store of N imported dossiers
 *             (its N intake entries and more, all written by the
 *             operations) vs plain audit log;
 *   verify    audit verify of the store of N imported dossiers vs a raw
 *             scan of the log and every case table it compares;
 *   writer    a second writer (admin zone add) started again and again while
 *             case import --jsonl of N dossiers runs: how long it waits
 *             beyond its own time alone (target: about 1 s at most).
 * "unlock" (audit head) is printed as well: the process start and the
 * unlock (scrypt) that every command pays before its work.
 *
 * user list and review findings stream their --json as the others do
 * (cli_json_array), but are not measured at N: the operations bound them
 * (a check keeps 256 findings per case, and each user costs a key slot's
 * scrypt to add), and raw rows added behind the log are refused by its
 * replay when the store is opened, as they should be.
 *
 * Users are set up through the CLI: the admin adds the leader with a
 * chosen passphrase, then the leader runs `user passwd` from it (the first
 * step a new user takes where enrolment requires it); if that fails, the
 * admin's passphrase is used as it is.
 *
 * usage: bench_cli [--sizes N,N,...] [--big] [--runs R] [--only OP,OP,...]
 *                  [--cache DIR] [--shenli PATH]
 *   --sizes  default 10000,100000; --big adds 1000000
 *   --cache  (or SHENLI_BENCH_CACHE) keeps the built stores and dockets
 *            there and reuses them; without it they live in a temporary
 *            directory removed at the end. A cached store is rebuilt when
 *            its stamp (schema version, N) differs or shenli cannot open it.
 * Prints figures; asserts nothing about time. On 2 shared cores: about
 * 3 minutes at the default sizes (a minute more the first time, to build
 * the stores), about 25 minutes more with --big (1M: the import alone is
 * 2 minutes a run, 12 runs with its baseline and the 1-core figure).
 * Every command's peak RSS has a floor: the scrypt of its unlock (64 MiB
 * at N=2^16, 128 MiB at 2^17; key slots calibrate N on the machine that
 * writes them), printed first with the unlock's time. "net" ratios take
 * that unlock's time off the command's; for tiny N they mean nothing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "benchproc.h"
#include "cases.h"
#include "crypto.h"
#include "schema.h"
#include "store_test.h"

#define SEED "2026"
#define STAMP_FMT "shenli bench_cli store v1 schema %d kind %s n %ld\n"
#define MAX_RUNS 15
#define MAX_ROWS 128

static char g_self[PATH_MAX];
static char g_shenli[PATH_MAX] = SHENLI_BIN;
static char g_cache[PATH_MAX];
static char g_work[PATH_MAX + 32];
static int g_tmp_cache; /* remove g_cache at the end */
static int g_runs = 3;
static int g_have_time;

/* ---- plumbing ---------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt,
                                                                ...)
{
	va_list ap;
	va_start(ap, fmt);
	fflush(stdout);
	fputs("bench_cli: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		die("out of memory");
	va_end(ap);
	return s;
}

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	double t[MAX_RUNS];
	memcpy(t, v, (size_t)n * sizeof *v);
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("%s: %s", path, strerror(errno));
	close(fd);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	return buf;
}

/* ---- running processes ------------------------------------------------- */

typedef struct {
	double wall;
	long rss_kib;
	int rc; /* exit code, 128+signal if killed */
} res;

/* Run argv (NULL-terminated) under /usr/bin/time -v, stdout to out (NULL:
 * /dev/null), stderr to g_work/stderr; pin: on CPU 0 only. Wall time is
 * measured here; peak RSS from time -v (wait4's if time is missing). */
static pid_t spawn(char *const *argv, const char *out, int pin,
                   const char *tfile)
{
	char *full[64];
	int k = 0;
	if (g_have_time) {
		full[k++] = "/usr/bin/time";
		full[k++] = "-v";
		full[k++] = "-o";
		full[k++] = (char *)tfile;
	}
	for (int i = 0; argv[i]; i++) {
		if (k >= 63)
			die("too many arguments");
		full[k++] = argv[i];
	}
	full[k] = NULL;
	char errpath[sizeof g_work + 16];
	snprintf(errpath, sizeof errpath, "%s/stderr", g_work);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int o = open(out ? out : "/dev/null",
		             O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (e < 0)
			e = open("/dev/null", O_WRONLY);
		int i = open("/dev/null", O_RDONLY);
		if (o < 0 || e < 0 || i < 0)
			_exit(126);
		dup2(i, 0);
		dup2(o, 1);
		dup2(e, 2);
		if (pin) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET(0, &set);
			if (sched_setaffinity(0, sizeof set, &set))
				_exit(126);
		}
		execv(full[0], full);
		_exit(127);
	}
	return pid;
}

static res ended(int st, const struct rusage *ru, double t0, const char *tfile);

static res finish(pid_t pid, double t0, const char *tfile)
{
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0)
		die("wait: %s", strerror(errno));
	return ended(st, &ru, t0, tfile);
}

/* What a process that ended with st and ru says: its wall time since t0,
 * exit code and peak RSS (time -v's from tfile, else wait4's). */
static res ended(int st, const struct rusage *ru, double t0, const char *tfile)
{
	res r = {0};
	r.wall = now() - t0;
	r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r.rss_kib = ru->ru_maxrss;
	if (g_have_time) {
		char *t = read_file(tfile);
		const char *m =
		    t ? strstr(t, "Maximum resident set size (kbytes): ")
		      : NULL;
		if (m)
			r.rss_kib = atol(m + 36);
		const char *x = t ? strstr(t, "Exit status: ") : NULL;
		if (x && WIFEXITED(st))
			r.rc = atoi(x + 13);
		else if (t && strstr(t, "Command terminated by signal"))
			r.rc = 128 + atoi(strstr(t, "signal") + 7);
		free(t);
	}
	return r;
}

static res run(char *const *argv, const char *out, int pin)
{
	char *tfile = fmt("%s/time.%d", g_work, (int)getpid());
	double t0 = now();
	pid_t pid = spawn(argv, out, pin, tfile);
	res r = finish(pid, t0, tfile);
	unlink(tfile);
	free(tfile);
	return r;
}

static void show_stderr(void)
{
	char *p = fmt("%s/stderr", g_work);
	char *t = read_file(p);
	if (t && *t)
		fprintf(stderr, "  | %.2000s\n", t);
	free(t);
	free(p);
}

/* shenli --store DIR/store.db --user U --passphrase-file DIR/U.pw ARGS */
static char **shenli_argv(const char *dir, const char *user, char **args)
{
	static char *v[48];
	static char store[PATH_MAX + 16], pw[PATH_MAX + 64];
	int k = 0;
	v[k++] = g_shenli;
	if (dir) {
		snprintf(store, sizeof store, "%s/store.db", dir);
		v[k++] = "--store";
		v[k++] = store;
	}
	if (user) {
		snprintf(pw, sizeof pw, "%s/%s.pw", dir, user);
		v[k++] = "--user";
		v[k++] = (char *)user;
		v[k++] = "--passphrase-file";
		v[k++] = pw;
	}
	for (int i = 0; args[i]; i++) {
		if (k >= 47)
			die("too many arguments");
		v[k++] = args[i];
	}
	v[k] = NULL;
	return v;
}

#define ARGS(...) ((char *[]){__VA_ARGS__, NULL})

static res sl(const char *dir, const char *user, const char *out, int pin,
              char **args)
{
	return run(shenli_argv(dir, user, args), out, pin);
}

/* sl, and die unless its exit code is one of ok (a string of codes). */
static res sl_ok(const char *dir, const char *user, const char *out, int pin,
                 const char *ok, char **args)
{
	res r = sl(dir, user, out, pin, args);
	char c[4];
	snprintf(c, sizeof c, "%d", r.rc);
	if (!strstr(ok, c)) {
		show_stderr();
		die("shenli %s %s: exit %d", args[0], args[1] ? args[1] : "",
		    r.rc);
	}
	return r;
}

static double g_helper_extra; /* a helper's second figure, if any */

/* This program's own --helper KIND ARGS in a child (pinned if asked): it
 * prints the seconds its timed part took; returns them. */
static double helper(int pin, char **args)
{
	char *v[16] = {g_self, "--helper"};
	int k = 2;
	for (int i = 0; args[i] && k < 15; i++)
		v[k++] = args[i];
	v[k] = NULL;
	char *out = fmt("%s/helper.out", g_work);
	res r = run(v, out, pin);
	char *t = read_file(out);
	if (r.rc != 0 || !t) {
		show_stderr();
		die("helper %s: exit %d", args[0], r.rc);
	}
	double secs = 0;
	long rows = 0;
	g_helper_extra = 0;
	if (sscanf(t, "%lf %ld %lf", &secs, &rows, &g_helper_extra) < 1)
		die("helper %s: no figure", args[0]);
	free(t);
	unlink(out);
	free(out);
	return secs;
}

static void cp_a(const char *from, const char *to)
{
	char *rm[] = {"/bin/rm", "-rf", (char *)to, NULL};
	char *cp[] = {"/bin/cp", "-a", (char *)from, (char *)to, NULL};
	if (run(rm, NULL, 0).rc || run(cp, NULL, 0).rc)
		die("cp -a %s %s failed", from, to);
}

static void rm_rf(const char *p)
{
	char *rm[] = {"/bin/rm", "-rf", (char *)p, NULL};
	run(rm, NULL, 0);
}

static void mv(const char *from, const char *to)
{
	rm_rf(to);
	if (rename(from, to))
		die("rename %s %s: %s", from, to, strerror(errno));
}

/* ---- helpers (run as children: --helper KIND ...) ---------------------- */

static sl_store *helper_unlock(const char *dir, const char *user)
{
	char *pwp = fmt("%s/%s.pw", dir, user);
	char *pw = read_file(pwp);
	if (!pw)
		die("%s: %s", pwp, strerror(errno));
	pw[strcspn(pw, "\n")] = 0;
	char *path = fmt("%s/store.db", dir);
	sl_store *s;
	if (sl_store_unlock(path, user, pw, strlen(pw), &s))
		die("unlock %s as %s: %s", path, user, sl_errmsg());
	free(pw);
	free(pwp);
	free(path);
	return s;
}

static void db_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, 0, 0, &err) != SQLITE_OK)
		die("%s: %s", sql, err ? err : "?");
}

static sqlite3_stmt *db_prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK)
		die("%s: %s", sql, sqlite3_errmsg(db));
	return st;
}

/* db_path and its log files gone (rm: after use; else before). */
static void raw_remove(const char *db_path)
{
	char *wal = fmt("%s-wal", db_path), *shm = fmt("%s-shm", db_path);
	unlink(db_path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
}

/* A new SQLCipher database at db_path with the store's settings (key
 * size, cipher page size, VFS, WAL, synchronous=FULL, auto_vacuum=FULL),
 * under a random key. */
static sqlite3 *raw_store(const char *db_path)
{
	raw_remove(db_path);
	int fd = open(db_path, O_CREAT | O_WRONLY | O_EXCL, 0600);
	if (fd < 0)
		die("%s: %s", db_path, strerror(errno));
	close(fd);
	uint8_t key[SL_KEY_LEN];
	sl_random_key(key, sizeof key);
	sqlite3 *db;
	if (sl_store_open_raw(db_path, key, &db))
		die("raw open: %s", sl_errmsg());
	sl_wipe(key, sizeof key);
	db_exec(db, "PRAGMA auto_vacuum=FULL; VACUUM;");
	return db;
}

/* The same bytes into one table, one transaction, same settings. */
static int h_raw_insert(const char *db_path, const char *jsonl)
{
	sqlite3 *db = raw_store(db_path);
	db_exec(db, "CREATE TABLE d(id INTEGER PRIMARY KEY, bytes BLOB);");
	sqlite3_stmt *st = db_prep(db, "INSERT INTO d(bytes) VALUES(?)");
	FILE *f = fopen(jsonl, "re");
	if (!f)
		die("%s: %s", jsonl, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long rows = 0;
	double t0 = now();
	db_exec(db, "BEGIN IMMEDIATE");
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			len--;
		sqlite3_bind_blob(st, 1, line, (int)len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("raw insert: %s", sqlite3_errmsg(db));
		sqlite3_reset(st);
		rows++;
	}
	db_exec(db, "COMMIT");
	double t = now() - t0;
	fclose(f);
	free(line);
	sqlite3_finalize(st);
	sqlite3_close(db);
	printf("%.6f %ld\n", t, rows);
	raw_remove(db_path);
	return 0;
}

/* Read every column of every row of each query. */
static long scan(sqlite3 *db, const char *const *sql, size_t n, int text)
{
	long rows = 0;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = db_prep(db, sql[i]);
		int step;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			int nc = sqlite3_column_count(st);
			for (int c = 0; c < nc; c++) {
				if (text ||
				    sqlite3_column_type(st, c) == SQLITE_TEXT)
					(void)sqlite3_column_text(st, c);
				else
					(void)sqlite3_column_int64(st, c);
			}
			rows++;
		}
		if (step != SQLITE_DONE)
			die("%s: %s", sql[i], sqlite3_errmsg(db));
		sqlite3_finalize(st);
	}
	return rows;
}

/* The 5 tables review run builds its case views from (as bench_review). */
static int h_scan_review(const char *dir, const char *user)
{
	sl_store *s = helper_unlock(dir, user);
	static const char *const q[] = {
	    "SELECT * FROM cases", "SELECT * FROM facts",
	    "SELECT * FROM evidence", "SELECT * FROM documents",
	    "SELECT * FROM prior_sanctions"};
	double t0 = now();
	long rows = scan(sl_store_db(s), q, 5, 1);
	printf("%.6f %ld\n", now() - t0, rows);
	sl_store_close(s);
	return 0;
}

/* What audit verify reads and compares: the log and every case table. */
static int h_scan_verify(const char *dir, const char *user)
{
	sl_store *s = helper_unlock(dir, user);
	static const char *const q[] = {
	    "SELECT * FROM audit",           "SELECT * FROM cases",
	    "SELECT * FROM dossiers",        "SELECT * FROM facts",
	    "SELECT * FROM evidence",        "SELECT * FROM documents",
	    "SELECT * FROM prior_sanctions", "SELECT * FROM findings",
	    "SELECT * FROM assignments",     "SELECT * FROM returns",
	    "SELECT * FROM outline_items",   "SELECT * FROM opinions"};
	double t0 = now();
	long rows = scan(sl_store_db(s), q, sizeof q / sizeof *q, 1);
	printf("%.6f %ld\n", now() - t0, rows);
	sl_store_close(s);
	return 0;
}

/*
 * The physical floor of a command that writes: the rows it wrote, read back
 * from the store it left and written again, raw, into a store with the same
 * tables and indexes, settings and page cache, in one transaction. The
 * copy reads as it writes; the same rows read alone are timed first and
 * taken off (the helper prints "write_s rows read_s"). Rows go in table by
 * table, in key order: the most favourable order there is, so this is a floor.
 */
static long copy_rows(sqlite3 *src, sqlite3 *dst, const char *select,
                      const char *table)
{
	sqlite3_stmt *q = db_prep(src, select);
	int nc = sqlite3_column_count(q);
	char *marks = calloc((size_t)nc * 2 + 1, 1);
	if (!marks)
		die("out of memory");
	for (int c = 0; c < nc; c++)
		strcat(marks, c ? ",?" : "?");
	char *ins = fmt("INSERT INTO %s VALUES(%s)", table, marks);
	sqlite3_stmt *w = db_prep(dst, ins);
	long rows = 0;
	int step;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		for (int c = 0; c < nc; c++)
			sqlite3_bind_value(w, c + 1,
			                   sqlite3_column_value(q, c));
		if (sqlite3_step(w) != SQLITE_DONE)
			die("%s: %s", ins, sqlite3_errmsg(dst));
		sqlite3_reset(w);
		rows++;
	}
	if (step != SQLITE_DONE)
		die("%s: %s", select, sqlite3_errmsg(src));
	sqlite3_finalize(q);
	sqlite3_finalize(w);
	free(ins);
	free(marks);
	return rows;
}

/* table's CREATE TABLE and CREATE INDEX statements, from src into dst. */
static void copy_ddl(sqlite3 *src, sqlite3 *dst, const char *table)
{
	sqlite3_stmt *q = db_prep(src, "SELECT sql FROM sqlite_master WHERE"
	                               " tbl_name = ? AND sql IS NOT NULL"
	                               " ORDER BY type = 'index'");
	sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW)
		db_exec(dst, (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
}

/* Time reading the rows of sel[i] (every column), then copying them into
 * tab[i] of dst, then post (may be NULL), then the commit; prints the
 * floor. */
static void floor_copy(sqlite3 *src, sqlite3 *dst, const char *const *sel,
                       const char *const *tab, size_t n, const char *post)
{
	double t0 = now();
	long rows = scan(src, sel, n, 0);
	double read_s = now() - t0;
	t0 = now();
	db_exec(dst, "BEGIN IMMEDIATE");
	long copied = 0;
	for (size_t i = 0; i < n; i++)
		copied += copy_rows(src, dst, sel[i], tab[i]);
	if (post)
		db_exec(dst, post);
	db_exec(dst, "COMMIT");
	double copy_s = now() - t0;
	if (copied != rows)
		die("floor: copied %ld rows of %ld", copied, rows);
	printf("%.6f %ld %.6f\n", copy_s > read_s ? copy_s - read_s : 0, rows,
	       read_s);
}

/* The rows case import wrote (every case table, the log), from the store
 * in src_dir into a new store at db_path. */
static int h_floor_import(const char *db_path, const char *src_dir,
                          const char *user)
{
	static const char *const tab[] = {
	    "cases",     "dossiers", "prior_sanctions", "facts", "evidence",
	    "documents", "audit"};
	enum { NT = sizeof tab / sizeof *tab };
	sl_store *s = helper_unlock(src_dir, user);
	sqlite3 *db = raw_store(db_path);
	db_exec(db, "PRAGMA cache_size = -65536"); /* import's (import.c) */
	const char *sel[NT];
	for (size_t i = 0; i < NT; i++) {
		copy_ddl(sl_store_db(s), db, tab[i]);
		sel[i] = fmt("SELECT * FROM %s", tab[i]);
	}
	floor_copy(sl_store_db(s), db, sel, tab, NT, NULL);
	for (size_t i = 0; i < NT; i++)
		free((char *)sel[i]);
	sqlite3_close(db);
	sl_store_close(s);
	raw_remove(db_path);
	return 0;
}

/* The rows review run --all wrote (findings, its log entries, each case's
 * checked version), from the store it left in src_dir into dst_dir, a copy
 * of the store it ran on. */
static int h_floor_review(const char *dst_dir, const char *src_dir,
                          const char *user)
{
	sl_store *s = helper_unlock(src_dir, user),
	         *d = helper_unlock(dst_dir, user);
	sqlite3 *db = sl_store_db(d);
	sqlite3_stmt *q = db_prep(db, "SELECT max(seq) FROM audit");
	if (sqlite3_step(q) != SQLITE_ROW)
		die("floor: %s", sqlite3_errmsg(db));
	long long head = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	db_exec(db, "PRAGMA cache_size = -32768"); /* review's (review.c) */
	char *since = fmt("SELECT * FROM audit WHERE seq > %lld", head);
	const char *sel[] = {"SELECT * FROM findings", since};
	static const char *const tab[] = {"findings", "audit"};
	floor_copy(sl_store_db(s), db, sel, tab, 2,
	           "UPDATE cases SET checked_rev = rev WHERE state IN"
	           " ('accepted', 'in_review', 'deliberated')");
	free(since);
	sl_store_close(d);
	sl_store_close(s);
	return 0;
}

#define LIST_COLS                                                              \
	"zone, state, agency, case_id, subject_name, transferred_on,"          \
	" deadline_ms, paused_ms, returns"

/* Every entry of the covering index case list reads. */
static int h_scan_list(const char *dir, const char *user)
{
	sl_store *s = helper_unlock(dir, user);
	sqlite3 *db = sl_store_db(s);
	static const char *const q[] = {"SELECT " LIST_COLS
	                                " FROM cases INDEXED BY cases_list"};
	/* make sure it is the covering index that is read */
	char *eqp = fmt("EXPLAIN QUERY PLAN %s", q[0]);
	sqlite3_stmt *st = db_prep(db, eqp);
	int covering = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		covering |= strstr((const char *)sqlite3_column_text(st, 3),
		                   "COVERING INDEX cases_list") != NULL;
	sqlite3_finalize(st);
	free(eqp);
	if (!covering)
		die("the list baseline does not read the covering index");
	double t0 = now();
	long rows = scan(db, q, 1, 0);
	printf("%.6f %ld\n", now() - t0, rows);
	sl_store_close(s);
	return 0;
}

static int count_row(const sl_case_row *r, void *ud)
{
	(void)r;
	(*(long *)ud)++;
	return 0;
}

/* sl_case_list as case list calls it, without printing, and the scan of
 * the covering index, in one process: "list_s rows scan_s". */
static int h_list_core(const char *dir, const char *user)
{
	sl_store *s = helper_unlock(dir, user);
	static const char *const q[] = {"SELECT " LIST_COLS
	                                " FROM cases INDEXED BY cases_list"};
	double t0 = now();
	scan(sl_store_db(s), q, 1, 0);
	double ts = now() - t0;
	sl_case_filter f = {0};
	long rows = 0;
	t0 = now();
	if (sl_case_list(s, &f, count_row, &rows))
		die("case list: %s", sl_errmsg());
	printf("%.6f %ld %.6f\n", now() - t0, rows, ts);
	sl_store_close(s);
	return 0;
}

static int helper_main(int argc, char **argv)
{
	const char *k = argv[0];
	if (!strcmp(k, "raw-insert") && argc == 3)
		return h_raw_insert(argv[1], argv[2]);
	if (!strcmp(k, "floor-import") && argc == 4)
		return h_floor_import(argv[1], argv[2], argv[3]);
	if (!strcmp(k, "floor-review") && argc == 4)
		return h_floor_review(argv[1], argv[2], argv[3]);
	if (!strcmp(k, "scan-review") && argc == 3)
		return h_scan_review(argv[1], argv[2]);
	if (!strcmp(k, "list-core") && argc == 3)
		return h_list_core(argv[1], argv[2]);
	if (!strcmp(k, "scan-list") && argc == 3)
		return h_scan_list(argv[1], argv[2]);
	if (!strcmp(k, "scan-verify") && argc == 3)
		return h_scan_verify(argv[1], argv[2]);
	die("unknown helper %s", k);
}

/* ---- stores ------------------------------------------------------------ */

static int stamp_ok(const char *dir, const char *kind, long n)
{
	char *p = fmt("%s/stamp", dir),
	     *want = fmt(STAMP_FMT, sl_schema_version, kind, n);
	char *t = read_file(p);
	int ok = t && !strcmp(t, want);
	free(t);
	free(want);
	free(p);
	/* and the shenli under test can open it */
	if (ok)
		ok = sl(dir, "boss", NULL, 0, ARGS("audit", "head")).rc == 0;
	return ok;
}

static void stamp(const char *dir, const char *kind, long n)
{
	char *p = fmt("%s/stamp", dir),
	     *t = fmt(STAMP_FMT, sl_schema_version, kind, n);
	write_file(p, t, 0600);
	free(p);
	free(t);
}

static char *base_dir(void)
{
	return fmt("%s/base", g_cache);
}

/* users, zones, agencies, the build's packages; no case */
static void build_base(void)
{
	char *dir = base_dir();
	if (stamp_ok(dir, "base", 0)) {
		free(dir);
		return;
	}
	printf("building the base store (users, zones, agencies, "
	       "packages)\n");
	double t0 = now();
	char *tmp = fmt("%s.tmp", dir);
	rm_rf(tmp);
	if (mkdir(tmp, 0700))
		die("%s: %s", tmp, strerror(errno));
	char *p;
	write_file(p = fmt("%s/admin.pw", tmp), "bench admin passphrase\n",
	           0600);
	free(p);
	write_file(p = fmt("%s/boss.pw", tmp), "bench leader initial\n", 0600);
	free(p);
	char *newpw = fmt("%s/boss.new", tmp);
	write_file(newpw, "bench leader passphrase\n", 0600);
	res r = sl(tmp, NULL, NULL, 0,
	           ARGS("--passphrase-file", fmt("%s/admin.pw", tmp), "init",
	                "--admin", "admin"));
	if (r.rc)
		die("init: exit %d", r.rc);
	char *zones = fmt("%s/zones.tsv", g_work),
	     *agencies = fmt("%s/agencies.tsv", g_work);
	sl_ok(NULL, NULL, zones, 0, "0", ARGS("sample", "zones"));
	sl_ok(NULL, NULL, agencies, 0, "0", ARGS("sample", "agencies"));
	char *t = read_file(zones), *save = NULL;
	for (char *l = strtok_r(t, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(l, '\t');
		if (!tab)
			continue;
		*tab = 0;
		sl_ok(tmp, "admin", NULL, 0, "0",
		      ARGS("zone", "add", l, "--name", tab + 1));
	}
	free(t);
	t = read_file(agencies);
	for (char *l = strtok_r(t, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *f[3] = {l, NULL, NULL};
		for (int i = 1; i < 3; i++) {
			char *tab = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
			if (tab) {
				*tab = 0;
				f[i] = tab + 1;
			}
		}
		if (!f[2])
			continue;
		sl_ok(tmp, "admin", NULL, 0, "0",
		      ARGS("agency", "add", f[0], "--name", f[2], "--zone",
		           f[1]));
	}
	free(t);
	/* boss: a leader in no zone, who sees every zone */
	sl_ok(tmp, "admin", NULL, 0, "0",
	      ARGS("user", "add", "boss", "--role", "leader",
	           "--new-passphrase-file", fmt("%s/boss.pw", tmp)));
	/* enrolment: the leader sets their own passphrase first */
	r = sl(tmp, "boss", NULL, 0,
	       ARGS("user", "passwd", "--new-passphrase-file", newpw));
	if (r.rc == 0) {
		char *bp = fmt("%s/boss.pw", tmp);
		if (rename(newpw, bp))
			die("rename: %s", strerror(errno));
		free(bp);
		printf("  boss set their own passphrase (user passwd)\n");
	} else {
		unlink(newpw);
		printf("  user passwd: exit %d; boss keeps the admin's "
		       "passphrase\n",
		       r.rc);
	}
	free(newpw);
	sl_ok(tmp, "admin", NULL, 0, "0",
	      ARGS("keys", "trust", SHENLI_BUILD_PUB, "--comment", "bench"));
	sl_ok(tmp, "admin", NULL, 0, "0",
	      ARGS("rules", "install", SHENLI_PACKAGES_DIR "/rules"));
	static const char *const plugins[] = {"evidence", "classification",
	                                      "procedure"};
	for (int i = 0; i < 3; i++)
		sl_ok(tmp, "admin", NULL, 0, "0",
		      ARGS("plugin", "install",
		           fmt("%s/%s", SHENLI_PACKAGES_DIR, plugins[i])));
	stamp(tmp, "base", 0);
	mv(tmp, dir);
	printf("  base store built in %.1f s\n", now() - t0);
	free(tmp);
	free(dir);
	free(zones);
	free(agencies);
}

static char *docket(long n)
{
	char *p = fmt("%s/docket-%ld.jsonl", g_cache, n);
	char *ok = fmt("%s.ok", p);
	if (!exists(ok)) {
		char *num = fmt("%ld", n);
		double t0 = now();
		sl_ok(NULL, NULL, p, 0, "0",
		      ARGS("sample", "docket", "--cases", num, "--seed", SEED));
		write_file(ok, "", 0600);
		printf("generated docket of %ld dossiers in %.1f s\n", n,
		       now() - t0);
		free(num);
	}
	free(ok);
	return p;
}

static char *cases_dir(long n)
{
	return fmt("%s/cases-%ld", g_cache, n);
}

/* base + N imported dossiers (for list and review). */
static char *built_cases(long n)
{
	char *dir = cases_dir(n);
	if (stamp_ok(dir, "cases", n))
		return dir;
	printf("building the store of %ld cases\n", n);
	char *b = base_dir(), *tmp = fmt("%s.tmp", dir), *d = docket(n);
	cp_a(b, tmp);
	double t0 = now();
	sl_ok(tmp, "boss", NULL, 0, "01", ARGS("case", "import", "--jsonl", d));
	stamp(tmp, "cases", n);
	mv(tmp, dir);
	printf("  imported in %.1f s\n", now() - t0);
	free(b);
	free(tmp);
	free(d);
	return dir;
}

/* ---- the table --------------------------------------------------------- */

typedef struct {
	char op[64], now[64], base[96], ratio[48], rss[48];
	long n;
} row;

static row g_rows[MAX_ROWS];
static int g_nrows;

static void add_row(const char *op, long n, const char *nowv, const char *basev,
                    const char *ratio, long rss_kib)
{
	if (g_nrows >= MAX_ROWS)
		return;
	row *r = &g_rows[g_nrows++];
	snprintf(r->op, sizeof r->op, "%s", op);
	r->n = n;
	snprintf(r->now, sizeof r->now, "%s", nowv);
	snprintf(r->base, sizeof r->base, "%s", basev);
	snprintf(r->ratio, sizeof r->ratio, "%s", ratio);
	if (rss_kib > 0)
		snprintf(r->rss, sizeof r->rss, "%.0f MiB", rss_kib / 1024.0);
	else
		snprintf(r->rss, sizeof r->rss, "-");
}

static const char *human_n(long n)
{
	static char b[4][32];
	static int k;
	char *s = b[k++ % 4];
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(s, 32, "%ldM", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(s, 32, "%ldk", n / 1000);
	else
		snprintf(s, 32, "%ld", n);
	return s;
}

/* A measured pair: command times and RSS, baseline times. */
typedef struct {
	double t[MAX_RUNS], b[MAX_RUNS];
	long rss;
	int k;
} pair;

static void pair_add(pair *p, res r, double base)
{
	p->t[p->k] = r.wall;
	p->b[p->k] = base;
	if (r.rss_kib > p->rss)
		p->rss = r.rss_kib;
	p->k++;
}

/* u: the unlock time the command pays before its work (0: none known);
 * both_pay: the baseline is a command too, which pays it as well. */
static void report(const char *op, long n, pair *p, const char *base_name,
                   double u, int both_pay)
{
	double t = median(p->t, p->k), b = median(p->b, p->k);
	double net = both_pay ? (b - u > 0 ? (t - u) / (b - u) : 0)
	                      : (b > 0 ? (t - u) / b : 0);
	if (net < 0)
		net = 0;
	char nowv[64], basev[96], ratio[48];
	snprintf(nowv, sizeof nowv, "%.2f s", t);
	snprintf(basev, sizeof basev, "%s %.3f s", base_name, b);
	snprintf(ratio, sizeof ratio, "%.1fx (net %.1fx)", b > 0 ? t / b : 0,
	         net);
	printf("  %-34s N=%-5s %8.3f s   %-34s %-18s  peak RSS %5.0f MiB\n", op,
	       human_n(n), t, basev, ratio, p->rss / 1024.0);
	add_row(op, n, nowv, basev, ratio, p->rss);
}

/* ---- operations -------------------------------------------------------- */

static double g_unlock_boss, g_unlock_admin;

/* scrypt's N in a user's key slot: it sets every command's RSS floor. */
static long slot_n(const char *dir, const char *user)
{
	char *p = fmt("%s/store.db.keys/%s.slot", dir, user);
	json_error_t err;
	json_t *j = json_load_file(p, 0, &err);
	long n = (long)json_integer_value(
	    json_object_get(json_object_get(j, "kdf"), "N"));
	json_decref(j);
	free(p);
	return n;
}

/* audit head: a process start and an unlock, which every command pays
 * before its work; its time is taken off for the "net" ratios. */
static void op_unlock(void)
{
	char *dir = base_dir();
	pair pb = {0}, pa = {0};
	for (int i = 0; i < g_runs; i++) {
		pair_add(
		    &pb,
		    sl_ok(dir, "boss", NULL, 0, "0", ARGS("audit", "head")), 1);
		pair_add(
		    &pa,
		    sl_ok(dir, "admin", NULL, 0, "0", ARGS("audit", "head")),
		    1);
	}
	g_unlock_boss = median(pb.t, pb.k);
	g_unlock_admin = median(pa.t, pa.k);
	static const char *const who[] = {"boss", "admin"};
	pair *pp[] = {&pb, &pa};
	for (int i = 0; i < 2; i++) {
		long sn = slot_n(dir, who[i]);
		double t = median(pp[i]->t, pp[i]->k);
		printf("  unlock as %-5s (audit head) %.3f s, peak RSS %.0f "
		       "MiB: key slot scrypt N=%ld (%ld MiB)\n",
		       who[i], t, pp[i]->rss / 1024.0, sn, sn / 1024);
		char op[64], v[32], bv[64];
		snprintf(op, sizeof op, "unlock as %s (`audit head`)", who[i]);
		snprintf(v, sizeof v, "%.2f s", t);
		snprintf(bv, sizeof bv, "scrypt N=%ld", sn);
		add_row(op, 0, v, bv, "-", pp[i]->rss);
	}
	free(dir);
}

static void op_import(long n, int pin)
{
	char *d = docket(n), *b = base_dir(), *w = fmt("%s/imp", g_work),
	     *raw = fmt("%s/raw.db", g_work);
	/* pf: the same runs against the floor of what they write */
	pair p = {0}, pf = {0};
	for (int i = 0; i < g_runs; i++) {
		cp_a(b, w);
		res r = sl_ok(w, "boss", NULL, pin, "01",
		              ARGS("case", "import", "--jsonl", d));
		double base = helper(pin, ARGS("raw-insert", raw, d));
		pair_add(&p, r, base);
		pair_add(&pf, r,
		         helper(pin, ARGS("floor-import", raw, w, "boss")));
		/* a store of n cases for the other operations, if not kept */
		char *cd = cases_dir(n);
		if (!pin && !stamp_ok(cd, "cases", n)) {
			stamp(w, "cases", n);
			mv(w, cd);
		}
		free(cd);
	}
	rm_rf(w);
	report(pin ? "`case import --jsonl`, 1 core" : "`case import --jsonl`",
	       n, &p, "raw insert", g_unlock_boss, 0);
	report(pin ? "`case import`, 1 core, vs its rows"
	           : "`case import` vs its rows",
	       n, &pf, "raw write of rows", g_unlock_boss, 0);
	free(d);
	free(b);
	free(w);
	free(raw);
}

/* again: the run timed is the second on the store (every case checked
 * before, at the same version: what a panel's daily run meets). */
static void op_review(long n, int again)
{
	char *dir = built_cases(n), *w = fmt("%s/rev", g_work),
	     *w0 = fmt("%s/rev0", g_work);
	/* pf: the same runs against the scan and the raw write of the rows
	 * the run wrote, into another copy of the store it ran on */
	pair p = {0}, pf = {0};
	for (int i = 0; i < g_runs; i++) {
		cp_a(dir, w);
		if (again)
			sl_ok(w, "boss", NULL, 0, "01",
			      ARGS("review", "run", "--all"));
		res r = sl_ok(w, "boss", NULL, 0, "01",
		              ARGS("review", "run", "--all"));
		double base = helper(0, ARGS("scan-review", dir, "boss"));
		pair_add(&p, r, base);
		if (again)
			continue;
		cp_a(dir, w0);
		pair_add(&pf, r,
		         base + helper(0, ARGS("floor-review", w0, w, "boss")));
		rm_rf(w0);
	}
	rm_rf(w);
	report(again ? "`review run --all`, run again" : "`review run --all`",
	       n, &p, "scan of 5 tables", g_unlock_boss, 0);
	if (!again)
		report("`review run` vs its rows", n, &pf, "scan + raw write",
		       g_unlock_boss, 0);
	free(dir);
	free(w);
	free(w0);
}

static void op_list(long n, int json)
{
	char *dir = built_cases(n);
	pair p = {0};
	for (int i = 0; i < g_runs; i++) {
		res r = sl_ok(dir, "boss", NULL, 0, "0",
		              json ? ARGS("case", "list", "--json")
		                   : ARGS("case", "list"));
		double base = helper(0, ARGS("scan-list", dir, "boss"));
		pair_add(&p, r, base);
	}
	report(json ? "`case list --json`" : "`case list`, leader, all zones",
	       n, &p, "covering index scan", g_unlock_boss, 0);
	free(dir);
}

/* The listing in the core alone, against the scan, in one process: what
 * the CLI adds on top is its unlock and its printing. */
static void op_list_core(long n)
{
	char *dir = built_cases(n);
	pair p = {0};
	for (int i = 0; i < g_runs; i++) {
		res r = {0};
		r.wall = helper(0, ARGS("list-core", dir, "boss"));
		pair_add(&p, r, g_helper_extra);
	}
	report("`sl_case_list` alone (in-process)", n, &p,
	       "covering index scan", 0, 0);
	free(dir);
}

/* audit log --json against its plain (human) form, both through the CLI,
 * over the log of the store of n imported dossiers. */
static void op_auditlog(long n)
{
	char *dir = built_cases(n);
	pair p = {0};
	for (int i = 0; i < g_runs; i++) {
		res r = sl_ok(dir, "admin", NULL, 0, "0",
		              ARGS("audit", "log", "--json"));
		res b = sl_ok(dir, "admin", NULL, 0, "0", ARGS("audit", "log"));
		pair_add(&p, r, b.wall);
	}
	report("`audit log --json`", n, &p, "plain `audit log`", g_unlock_admin,
	       1);
	free(dir);
}

/* audit verify (every page read, the whole log replayed, every case table
 * compared) against a raw scan of the log and the case tables. */
static void op_verify(long n)
{
	char *dir = built_cases(n);
	pair p = {0};
	for (int i = 0; i < g_runs; i++) {
		res r =
		    sl_ok(dir, "admin", NULL, 0, "0", ARGS("audit", "verify"));
		double base = helper(0, ARGS("scan-verify", dir, "admin"));
		pair_add(&p, r, base);
	}
	report("`audit verify`", n, &p, "scan of the log and case tables",
	       g_unlock_admin, 0);
	free(dir);
}

/* ---- in a session: how shenlid runs the same commands ------------------- */

/*
 * In service mode (the workstation's normal one) shenlid holds the keys and
 * a worker of its own, forked per command, runs the command on a store
 * opened with the session's keys: no scrypt, so the worker's peak RSS is
 * the listing's own, where an embedded command's is the unlock's 139 MiB
 * whatever it lists. The worker's peak is read from /proc (VmHWM) while
 * it runs, every 5 ms, in a run of its own that is not timed (the
 * sampling costs CPU); the timed runs are not sampled.
 */
static long vm_hwm_kib(const char *pid)
{
	char *p = fmt("/proc/%s/status", pid), *t = read_file(p);
	const char *m = t ? strstr(t, "VmHWM:") : NULL;
	long kib = m ? atol(m + 6) : 0;
	free(t);
	free(p);
	return kib;
}

/* The largest VmHWM among svc's children (its command workers) now. */
static long workers_hwm(pid_t svc)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long best = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char *p = fmt("/proc/%s/stat", e->d_name), *t = read_file(p);
		free(p);
		/* pid (comm) state ppid ...: comm may hold spaces */
		const char *r = t ? strrchr(t, ')') : NULL;
		long ppid = 0;
		if (r && sscanf(r + 1, " %*c %ld", &ppid) == 1 &&
		    ppid == (long)svc) {
			long k = vm_hwm_kib(e->d_name);
			if (k > best)
				best = k;
		}
		free(t);
	}
	if (d)
		closedir(d);
	return best;
}

/* The client with args in the session, its worker's peak RSS sampled. */
static long session_worker_kib(pid_t svc, char **args)
{
	char *tfile = fmt("%s/time.s", g_work);
	double t0 = now();
	pid_t pid = spawn(shenli_argv(NULL, NULL, args), NULL, 0, tfile);
	long best = 0;
	int st;
	struct rusage ru;
	for (;;) {
		pid_t w = wait4(pid, &st, WNOHANG, &ru);
		if (w == pid)
			break;
		if (w < 0)
			die("wait: %s", strerror(errno));
		long k = workers_hwm(svc);
		if (k > best)
			best = k;
		usleep(5000);
	}
	res r = ended(st, &ru, t0, tfile);
	unlink(tfile);
	free(tfile);
	if (r.rc != 0) {
		show_stderr();
		die("in a session: shenli %s %s: exit %d", args[0], args[1],
		    r.rc);
	}
	return best;
}

static pid_t g_svc; /* shenlid, stopped on any exit */

static void svc_stop(void)
{
	if (g_svc > 0) {
		kill(g_svc, SIGTERM);
		waitpid(g_svc, NULL, 0);
		g_svc = 0;
	}
}

/* Log user in to the session (logging out whoever was). */
static void session_login(const char *dir, const char *user)
{
	sl(NULL, NULL, NULL, 0, ARGS("logout"));
	char *pw = fmt("%s/%s.pw", dir, user);
	res in =
	    sl(NULL, NULL, NULL, 0,
	       ARGS("--user", (char *)user, "--passphrase-file", pw, "login"));
	free(pw);
	if (in.rc != 0) {
		show_stderr();
		die("login to shenlid as %s: exit %d", user, in.rc);
	}
}

static void op_session(long n)
{
	char *dir = built_cases(n);
	char *sock = fmt("%s/s.sock", g_work), *xdg = fmt("%s/xdg", g_work);
	if (mkdir(xdg, 0700) && errno != EEXIST)
		die("%s: %s", xdg, strerror(errno));
	bp_name = "bench_cli";
	fflush(stdout);
	g_svc = bp_shenlid(SHENLID_BIN, dir, sock, 0);
	atexit(svc_stop);
	setenv("SHENLI_SOCKET", sock, 1);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	struct {
		const char *op, *user;
		char **args;
	} ops[] = {
	    {"`case list --json` in a session", "boss",
	     ARGS("case", "list", "--json")},
	    {"`case list` in a session", "boss", ARGS("case", "list")},
	    {"`audit log --json` in a session", "admin",
	     ARGS("audit", "log", "--json")},
	};
	const char *who = "";
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		if (strcmp(who, ops[k].user))
			session_login(dir, who = ops[k].user);
		double t[MAX_RUNS];
		for (int i = 0; i < g_runs; i++)
			t[i] = sl(NULL, NULL, NULL, 0, ops[k].args).wall;
		double med = median(t, g_runs);
		long kib = session_worker_kib(g_svc, ops[k].args);
		char nowv[64];
		snprintf(nowv, sizeof nowv, "%.2f s", med);
		printf("  %-40s %8.3f s  worker peak RSS %6.1f MiB\n",
		       ops[k].op, med, (double)kib / 1024);
		add_row(ops[k].op, n, nowv, "(RSS: shenlid's worker)", "-",
		        kib);
	}
	sl(NULL, NULL, NULL, 0, ARGS("logout"));
	unsetenv("SHENLI_SOCKET");
	unsetenv("XDG_RUNTIME_DIR");
	svc_stop();
	free(sock);
	free(xdg);
	free(dir);
}

/* Another writer beside a long import: probes one after another. */
static void op_writer(long n)
{
	char *d = docket(n), *b = base_dir(), *w = fmt("%s/wr", g_work);
	cp_a(b, w);
	static long seq;
	double solo[MAX_RUNS];
	for (int i = 0; i < g_runs; i++) {
		char *code = fmt("S%ld_%ld", n, seq++);
		solo[i] = sl_ok(w, "admin", NULL, 0, "0",
		                ARGS("zone", "add", code, "--name", "bench"))
		              .wall;
		free(code);
	}
	double alone = median(solo, g_runs);
	char *tfile = fmt("%s/time.import", g_work);
	double t0 = now();
	pid_t imp =
	    spawn(shenli_argv(w, "boss", ARGS("case", "import", "--jsonl", d)),
	          NULL, 0, tfile);
	/* let it unlock and begin writing */
	usleep(300000);
	double waits[256], maxw = 0;
	int probes = 0, failed = 0, st;
	pid_t done = 0;
	while (probes < 256 && (done = waitpid(imp, &st, WNOHANG)) == 0) {
		char *code = fmt("W%ld_%ld", n, seq++);
		res r = sl(w, "admin", NULL, 0,
		           ARGS("zone", "add", code, "--name", "bench"));
		free(code);
		double wt = r.wall - alone;
		waits[probes++] = wt < 0 ? 0 : wt;
		if (wt > maxw)
			maxw = wt;
		if (r.rc)
			failed++;
	}
	double timp;
	if (done == 0) {
		res ri = finish(imp, t0, tfile);
		timp = ri.wall;
	} else {
		timp = now() - t0;
	}
	unlink(tfile);
	double medw = 0;
	if (probes) {
		qsort(waits, (size_t)probes, sizeof *waits, cmp_d);
		medw = waits[probes / 2];
	}
	printf("  %-34s N=%-5s max wait %.2f s, median %.2f s over %d "
	       "probes (%d failed: store busy), import %.1f s, writer alone "
	       "%.2f s\n",
	       "another writer beside an import", human_n(n), maxw, medw,
	       probes, failed, timp, alone);
	char v[64], bv[96];
	snprintf(v, sizeof v, "max wait %.2f s", maxw);
	snprintf(bv, sizeof bv, "target <= ~1 s; %d probes, %d gave up", probes,
	         failed);
	add_row("another writer beside `case import`", n, v, bv, "-", 0);
	rm_rf(w);
	free(d);
	free(b);
	free(w);
	free(tfile);
}

/* ---- main -------------------------------------------------------------- */

static int want(const char *only, const char *op)
{
	if (!only)
		return 1;
	size_t l = strlen(op);
	for (const char *p = only; (p = strstr(p, op)); p += l)
		if ((p == only || p[-1] == ',') && (p[l] == ',' || !p[l]))
			return 1;
	return 0;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: bench_cli [--sizes N,N,...] [--big] [--runs R]\n"
	    "                 [--only OP,...] [--cache DIR] [--shenli "
	    "PATH]\n"
	    "OPs: import import1 review rerun list listjson listcore auditlog\n"
	    "     session writer\n"
	    "SHENLI_BENCH_CACHE=DIR keeps built stores between runs.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--helper"))
		return helper_main(argc - 2, argv + 2);
	long sizes[16];
	int ns = 0, big = 0;
	const char *only = NULL, *cache = getenv("SHENLI_BENCH_CACHE");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
			char *save = NULL, *l = strdup(argv[++i]);
			for (char *t = strtok_r(l, ",", &save); t && ns < 15;
			     t = strtok_r(NULL, ",", &save))
				sizes[ns++] = atol(t);
			free(l);
		} else if (!strcmp(argv[i], "--big")) {
			big = 1;
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			g_runs = atoi(argv[++i]);
			if (g_runs < 1 || g_runs > MAX_RUNS)
				usage();
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = argv[++i];
		} else if (!strcmp(argv[i], "--cache") && i + 1 < argc) {
			cache = argv[++i];
		} else if (!strcmp(argv[i], "--shenli") && i + 1 < argc) {
			if (!realpath(argv[++i], g_shenli))
				die("%s: %s", argv[i], strerror(errno));
		} else {
			usage();
		}
	}
	if (!ns) {
		sizes[ns++] = 10000;
		sizes[ns++] = 100000;
	}
	if (big)
		sizes[ns++] = 1000000;
	ssize_t l = readlink("/proc/self/exe", g_self, sizeof g_self - 1);
	if (l < 0)
		die("/proc/self/exe: %s", strerror(errno));
	g_self[l] = 0;
	g_have_time = access("/usr/bin/time", X_OK) == 0;
	umask(077);
	if (cache && *cache) {
		if (mkdir(cache, 0700) && errno != EEXIST)
			die("%s: %s", cache, strerror(errno));
		if (!realpath(cache, g_cache))
			die("%s: %s", cache, strerror(errno));
	} else {
		const char *td = getenv("TMPDIR");
		snprintf(g_cache, sizeof g_cache, "%s/shenli-bench-cli-XXXXXX",
		         td && *td ? td : "/tmp");
		if (!mkdtemp(g_cache))
			die("mkdtemp: %s", strerror(errno));
		g_tmp_cache = 1;
	}
	snprintf(g_work, sizeof g_work, "%s/work.%d", g_cache, (int)getpid());
	if (mkdir(g_work, 0700))
		die("%s: %s", g_work, strerror(errno));

	printf("shenli bench_cli: %s\n  stores in %s%s; medians of %d; peak "
	       "RSS from %s\n",
	       g_shenli, g_cache, g_tmp_cache ? " (temporary)" : "", g_runs,
	       g_have_time ? "/usr/bin/time -v" : "wait4 (no /usr/bin/time)");
	double t_all = now();
	build_base();
	op_unlock();
	for (int i = 0; i < ns; i++) {
		long n = sizes[i];
		printf("\n== N = %ld ==\n", n);
		if (want(only, "import"))
			op_import(n, 0);
		if (want(only, "import1"))
			op_import(n, 1);
		if (want(only, "review"))
			op_review(n, 0);
		if (want(only, "rerun"))
			op_review(n, 1);
		if (want(only, "list"))
			op_list(n, 0);
		if (want(only, "listjson"))
			op_list(n, 1);
		if (want(only, "listcore"))
			op_list_core(n);
		if (want(only, "auditlog"))
			op_auditlog(n);
		if (want(only, "verify"))
			op_verify(n);
		if (want(only, "session"))
			op_session(n);
		if (want(only, "writer"))
			op_writer(n);
	}
	printf("\n| operation | N | now | baseline | ratio | peak RSS |\n"
	       "|---|---|---|---|---|---|\n");
	for (int i = 0; i < g_nrows; i++)
		printf("| %s | %s | %s | %s | %s | %s |\n", g_rows[i].op,
		       g_rows[i].n ? human_n(g_rows[i].n) : "-", g_rows[i].now,
		       g_rows[i].base, g_rows[i].ratio, g_rows[i].rss);
	printf("\n(bench_cli took %.0f s)\n", now() - t_all);
	rm_rf(g_tmp_cache ? g_cache : g_work);
	return 0;
}
