/* cmd_demo.c - shenli demo: a guided run of the whole workflow on the
 * sample docket, in a temporary store.
 *
 * Each step says in plain words what it does, prints the command a panel
 * member would type, and runs it: the demo drives shenli itself (a child
 * process of /proc/self/exe per command), so what it shows is exactly
 * what the commands do. The passphrases are random, live only in files
 * inside the private temporary directory, and go with it; the report is
 * written next to them and its path printed at the end.
 *
 * --serve then hands the demo's store to the service (shenlid, a private
 * socket in the same directory, the web workbench on a free loopback port)
 * until Ctrl-C, so that the pages can be seen on cases the run has moved
 * along; --offer asks first (make demo), and never where nobody can
 * answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <shenli/ops.h>

#include "cli.h"
#include "sample.h"

typedef struct {
	char dir[1024]; /* the private temporary directory */
	char store[PATH_MAX];
	const char *pk;  /* packages directory */
	const char *pub; /* the key that signed them */
	int step;
} demo;

/* Bold only on a terminal: in a file or a pipe the escapes are noise. */
static const char *bold_on(void)
{
	return isatty(STDOUT_FILENO) ? "\033[1m" : "";
}

static const char *bold_off(void)
{
	return isatty(STDOUT_FILENO) ? "\033[0m" : "";
}

/* ---- stopping on a signal -------------------------------------------------
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE (its reader gone: 'demo | head')
 * stop the demo, whatever it was started with (a shell ignores SIGINT in
 * what it starts in the background): the temporary directory holds the
 * store and plaintext passphrases, and must not outlive an interrupted
 * demo. The handler only notes the signal and ends the command running
 * now; the demo then starts no other, removes its directory and exits
 * 128 + the signal. --serve's wait takes them with sigwaitinfo instead:
 * there Ctrl-C is the way to end, not an interruption. */
static const int stop_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
static volatile sig_atomic_t demo_stop;  /* the signal; 0: none yet */
static volatile sig_atomic_t demo_child; /* the command running now */

static void on_stop(int sig)
{
	int e = errno;
	demo_stop = sig;
	if (demo_child > 0)
		kill((pid_t)demo_child, SIGTERM);
	errno = e;
}

/* No SA_RESTART: a read of the answer to --offer's question ends. */
static void stop_on_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof stop_sigs / sizeof *stop_sigs; i++)
		sigaction(stop_sigs[i], &sa, NULL);
}

/* Held while a command starts (so that a signal meanwhile finds
 * demo_child set) and while the directory is removed (so that a second
 * Ctrl-C does not end the rm half way). */
static void stop_hold(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof stop_sigs / sizeof *stop_sigs; i++)
		sigaddset(&set, stop_sigs[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* In a child before its exec: the signals as the demo found them, but
 * never ignored (the demo ends its commands with them too). */
static void stop_child(const sigset_t *old)
{
	for (size_t i = 0; i < sizeof stop_sigs / sizeof *stop_sigs; i++)
		signal(stop_sigs[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* The exit code of a demo stopped by a signal. */
static int stopped(void)
{
	return 128 + demo_stop;
}

static void say(demo *d, const char *title, const char *text)
{
	if (demo_stop)
		return;
	printf("\n%s%d. %s%s\n   %s\n", bold_on(), ++d->step, title, bold_off(),
	       text);
	fflush(stdout);
}

/* Run shenli ARGS as user (NULL: no user); capture stdout in *out if
 * out is not NULL, else let it through. Returns the exit code. */
static int run(demo *d, const char *user, char **out, const char *const *args)
{
	char pwopt[PATH_MAX + 32], storeopt[PATH_MAX + 16], useropt[64];
	const char *argv[48];
	size_t n = 0;
	argv[n++] = "shenli";
	snprintf(storeopt, sizeof storeopt, "--store=%s", d->store);
	argv[n++] = storeopt;
	if (user) {
		snprintf(useropt, sizeof useropt, "--user=%s", user);
		snprintf(pwopt, sizeof pwopt, "--passphrase-file=%s/%s.pw",
		         d->dir, user);
		argv[n++] = useropt;
		argv[n++] = pwopt;
	}
	if (demo_stop)
		return stopped();
	if (!out) {
		printf("   $ shenli%s%s", user ? " --user " : "",
		       user ? user : "");
		for (size_t i = 0; args[i]; i++)
			printf(" %s", args[i]);
		printf("\n");
		fflush(stdout);
	}
	for (size_t i = 0; args[i] && n < 47; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int p[2] = {-1, -1};
	if (out && pipe2(p, O_CLOEXEC) != 0)
		return SL_ESYS;
	sigset_t old;
	stop_hold(&old);
	pid_t pid = demo_stop ? -1 : fork();
	if (pid == 0) {
		stop_child(&old);
		if (out)
			dup2(p[1], 1);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	demo_child = pid > 0 ? pid : 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		if (out) {
			close(p[0]);
			close(p[1]);
		}
		return demo_stop ? stopped() : SL_ESYS;
	}
	if (out) {
		close(p[1]);
		size_t len = 0, cap = 4096;
		char *buf = malloc(cap);
		ssize_t got;
		while (buf &&
		       (got = read(p[0], buf + len, cap - len - 1)) != 0) {
			if (got < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			len += (size_t)got;
			if (cap - len < 2) {
				char *nb = realloc(buf, cap *= 2);
				if (!nb)
					break;
				buf = nb;
			}
		}
		close(p[0]);
		if (buf)
			buf[len] = 0;
		*out = buf;
	}
	/* ended, but not yet reaped while demo_child names it: the handler
	 * must never signal a process id that may be another's by then */
	siginfo_t si;
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 &&
	       errno == EINTR)
		;
	demo_child = 0;
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	/* a command that died of the reader gone ('demo | head') wrote to the
	 * demo's own stdout: the demo's reader is gone too */
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE)
		demo_stop = SIGPIPE;
	if (demo_stop)
		return stopped();
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (!out && rc)
		printf(_("   (exit %d)\n"), rc);
	return rc;
}

#define RUN(d, user, ...)                                                      \
	run(d, user, NULL, (const char *const[]){__VA_ARGS__, NULL})
#define CAPTURE(d, user, out, ...)                                             \
	run(d, user, out, (const char *const[]){__VA_ARGS__, NULL})

/* Write a new private file in the demo directory. */
static int put(demo *d, const char *name, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", d->dir, name);
	int fd = open(
	    path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	int ok = write(fd, text, n) == (ssize_t)n;
	return close(fd) == 0 && ok ? 0 : -1;
}

static int put_json(demo *d, const char *name, json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT);
	int rc = t ? put(d, name, t) : -1;
	free(t);
	return rc;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The directory of this program, into out. */
static int exe_dir(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);
	if (n <= 0)
		return -1;
	out[n] = 0;
	char *slash = strrchr(out, '/');
	if (slash)
		*slash = 0;
	return 0;
}

/* Where the built-in packages and their key are: next to the binary (the
 * build tree), under ../lib/shenli and ../share/shenli relative to it (an
 * installed tree, wherever its prefix: /usr/local, or a 'dpkg -x' root), or
 * in /usr/lib/shenli and /usr/share/shenli. */
static int find_packages(demo *d, char *pk, char *pub, size_t cap)
{
	char exe[2048];
	if (exe_dir(exe, sizeof exe) != 0)
		return -1;
	if (!d->pk) {
		snprintf(pk, cap, "%s/packages", exe);
		if (!exists(pk))
			snprintf(pk, cap, "%s/../lib/shenli/packages", exe);
		if (!exists(pk))
			snprintf(pk, cap, "/usr/lib/shenli/packages");
		d->pk = pk;
	}
	if (!d->pub) {
		snprintf(pub, cap, "%s/signing/build.pub", exe);
		if (!exists(pub))
			snprintf(pub, cap, "%s/../share/shenli/keys/build.pub",
			         exe);
		if (!exists(pub))
			snprintf(pub, cap, "/usr/share/shenli/keys/build.pub");
		d->pub = pub;
	}
	return exists(d->pk) && exists(d->pub) ? 0 : -1;
}

/* The first sample dossier (from index) with this fault whose agency is
 * `agency` (NULL: any agency of zone Z1 but ZRJ). */
static char *pick(uint64_t *index, sl_sample_fault fault, const char *agency,
                  char *case_id, size_t cap)
{
	const sl_sample_agency *ag;
	size_t n_ag;
	sl_sample_agencies(&ag, &n_ag);
	for (uint64_t i = *index; i < *index + 5000; i++) {
		char *doc = sl_sample_case_with(7, i, fault, NULL);
		json_error_t jerr;
		json_t *j = doc ? json_loads(doc, 0, &jerr) : NULL;
		const char *a = json_string_value(json_object_get(j, "agency"));
		int ok = 0;
		for (size_t k = 0; a && k < n_ag; k++)
			if (!strcmp(ag[k].code, a))
				ok = agency ? !strcmp(a, agency)
				            : !strcmp(ag[k].zone, "Z1") &&
				                  strcmp(a, "ZRJ");
		if (ok) {
			snprintf(
			    case_id, cap, "%s",
			    json_string_value(json_object_get(j, "case_id")));
			json_decref(j);
			*index = i + 1;
			return doc;
		}
		json_decref(j);
		free(doc);
	}
	return NULL;
}

/* An opinion agreeing with the agency's proposal. */
static json_t *opinion_for(const char *dossier, const char *case_id,
                           const char *reasoning)
{
	json_error_t jerr;
	json_t *d = json_loads(dossier, 0, &jerr);
	json_t *p = json_object_get(d, "proposal");
	json_t *o = json_pack(
	    "{s:s, s:s, s:O, s:O, s:O, s:O, s:O, s:s}", "format",
	    "shenli.opinion/1", "case_id", case_id, "disciplines",
	    json_object_get(p, "disciplines"), "eight_point_rules",
	    json_object_get(p, "eight_point_rules"), "party_sanction",
	    json_object_get(p, "party_sanction")
	        ? json_object_get(p, "party_sanction")
	        : json_null(),
	    "gov_sanction",
	    json_object_get(p, "gov_sanction")
	        ? json_object_get(p, "gov_sanction")
	        : json_null(),
	    "form", json_object_get(p, "form"), "reasoning", reasoning);
	json_decref(d);
	return o;
}

/* The resubmitted dossier: the original, one new piece of evidence, and
 * a supplement entry answering every item of the outline. */
static json_t *resubmission(const char *dossier, const char *outline_json)
{
	json_error_t jerr;
	json_t *d = json_loads(dossier, 0, &jerr);
	json_t *o = json_loads(outline_json, 0, &jerr);
	if (!d || !o) {
		json_decref(d);
		json_decref(o);
		return NULL;
	}
	json_array_append_new(
	    json_object_get(d, "evidence"),
	    json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "id", "E90", "kind",
	              "documentary", "title",
	              "补充调取的银行转账记录及资金去向说明", "obtained_on",
	              json_string_value(json_object_get(d, "transferred_on")),
	              "tags", "bank_record"));
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(d, "facts"), i, f)
	    json_array_append_new(json_object_get(f, "evidence"),
	                          json_string("E90"));
	json_t *sup = json_array();
	json_t *it;
	json_array_foreach(json_object_get(o, "items"), i, it)
	{
		char no[16];
		snprintf(
		    no, sizeof no, "%lld",
		    (long long)json_integer_value(json_object_get(it, "no")));
		json_array_append_new(
		    sup, json_pack("{s:s, s:[s], s:s}", "item", no, "evidence",
		                   "E90", "note", "已按补查提纲补充"));
	}
	json_object_set_new(d, "supplement", sup);
	json_decref(o);
	return d;
}

/* Remove the demo's files: all of them, or all but the report. */
static void cleanup(const demo *d, int keep_report)
{
	static const char *const files[] = {
	    "store.db",     "store.db-wal",     "store.db-shm", "store.db.keys",
	    "store.db.pkg", "store.db.lock",    "docket.jsonl", "opinion.json",
	    "panel.json",   "resubmitted.json", "admin.pw",     "wang.pw",
	    "li.pw",        "zhang.pw",         "chen.pw",      "zhao.pw",
	    "wang.own.pw",  "li.own.pw",        "zhang.own.pw", "chen.own.pw",
	    "zhao.own.pw",  "shenlid.sock",     "shenlid.log",  "report.html"};
	const char *argv[32];
	char paths[sizeof files / sizeof files[0]][PATH_MAX + 32];
	size_t n = 0;
	argv[n++] = "rm";
	argv[n++] = "-rf";
	argv[n++] = "--";
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (keep_report && !strcmp(files[i], "report.html"))
			continue;
		snprintf(paths[i], sizeof paths[i], "%s/%s", d->dir, files[i]);
		argv[n++] = paths[i];
	}
	if (!keep_report)
		argv[n++] = d->dir;
	argv[n] = NULL;
	sigset_t old;
	stop_hold(&old); /* rm keeps them held: it runs to its end */
	pid_t pid = fork();
	if (pid == 0) {
		execv("/bin/rm", (char *const *)argv);
		_exit(127);
	}
	int st;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static const char *const demo_users[][5] = {
    /* id, role, agency, zone, name */
    {"wang", "leader", NULL, "Z1", "王建国"},
    {"li", "member", "ZRJ", "Z1", "李明"},
    {"zhang", "member", NULL, "Z1", "张华"},
    {"chen", "member", NULL, "Z1", "陈静"},
    {"zhao", "auditor", NULL, NULL, "赵敏"},
};

/* The three sample cases the walk-through follows. */
typedef struct {
	char *ret_doc, *ok_doc, *zrj_doc;
	char ret_id[80], ok_id[80], zrj_id[80];
} demo_cases;

static void demo_cases_free(demo_cases *c)
{
	free(c->ret_doc);
	free(c->ok_doc);
	free(c->zrj_doc);
}

/* A random passphrase in the file name of the temporary directory; also
 * in out (80 bytes) if out is not NULL. Nonzero if it cannot be made. */
static int random_passphrase(demo *d, const char *name, char *out)
{
	uint8_t rnd[18];
	char hex[40], line[80];
	int bad = sl_random(rnd, sizeof rnd) != SL_OK;
	sl_hex(rnd, sizeof rnd, hex);
	snprintf(line, sizeof line, "%s\n", hex);
	if (out)
		snprintf(out, 80, "%s", hex);
	bad = bad || put(d, name, line) != 0;
	sl_wipe(rnd, sizeof rnd);
	sl_wipe(line, sizeof line);
	sl_wipe(hex, sizeof hex);
	return bad;
}

/* A random passphrase for the admin and each panel member, in files of
 * the temporary directory (the demo types none); the admin's in admin_pw
 * for the one in-process unlock. */
static sl_rc demo_passphrases(demo *d, char admin_pw[80])
{
	const char *all[] = {"admin", "wang", "li", "zhang", "chen", "zhao"};
	int bad = 0;
	for (size_t i = 0; i < 6 && !bad; i++) {
		char name[32];
		snprintf(name, sizeof name, "%s.pw", all[i]);
		bad = random_passphrase(d, name, i == 0 ? admin_pw : NULL);
	}
	if (bad) {
		sl_wipe(admin_pw, 80);
		return sl_error(SL_ESYS, _("demo: cannot write its files"));
	}
	return SL_OK;
}

/* The store, its packages, the zones and agencies, and the panel. */
static sl_rc demo_setup(demo *d, char admin_pw[80])
{
	say(d, _("An encrypted store, its admin and the review panel"),
	    _("An encrypted store with its first admin, who trusts the key "
	      "that signed the built-in packages and installs them; then the "
	      "zones, agencies and the panel of zone Z1 from the sample "
	      "docket."));
	char trust[PATH_MAX + 16], pkg[PATH_MAX + 64];
	snprintf(trust, sizeof trust, "%s", d->pub);
	if (RUN(d, "admin", "init", "--admin", "admin", "--trust", trust)) {
		sl_wipe(admin_pw, 80);
		return sl_error(SL_FAIL,
		                _("demo: the store could not be made"));
	}
	snprintf(pkg, sizeof pkg, "%s/rules", d->pk);
	RUN(d, "admin", "rules", "install", pkg);
	static const char *const plugins[] = {"evidence", "classification",
	                                      "procedure"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(pkg, sizeof pkg, "%s/%s", d->pk, plugins[i]);
		RUN(d, "admin", "plugin", "install", pkg);
	}
	static const char *const scripts[] = {"gate_findings", "gate_outline",
	                                      "gate_opinions", "gate_panel",
	                                      "gate_dates"};
	for (size_t i = 0; i < 5; i++) {
		snprintf(pkg, sizeof pkg, "%s/%s", d->pk, scripts[i]);
		RUN(d, "admin", "script", "install", pkg);
	}
	/* 39 'zone add' and 'agency add' commands would each unlock the
	 * store (a deliberately slow scrypt); the demo does them in one
	 * unlock, through the same library calls */
	const sl_sample_zone *z;
	const sl_sample_agency *a;
	size_t nz, na;
	sl_sample_zones(&z, &nz);
	sl_sample_agencies(&a, &na);
	sl_store *s;
	sl_rc rc =
	    sl_store_unlock(d->store, "admin", admin_pw, strlen(admin_pw), &s);
	for (size_t i = 0; !rc && !demo_stop && i < nz; i++)
		rc = sl_zone_add(s, z[i].code, z[i].name);
	for (size_t i = 0; !rc && !demo_stop && i < na; i++)
		rc = sl_agency_add(s, a[i].code, a[i].name, a[i].zone);
	if (!rc)
		sl_store_close(s);
	sl_wipe(admin_pw, 80);
	if (rc || demo_stop)
		return rc;
	printf(_("   (%zu zones and %zu agencies added as 'zone add' and "
	         "'agency add' do)\n"),
	       nz, na);
	RUN(d, "admin", "zone", "list");
	char pwf[PATH_MAX + 32];
	for (size_t i = 0; i < 5; i++) {
		snprintf(pwf, sizeof pwf, "%s/%s.pw", d->dir, demo_users[i][0]);
		const char *args[14] = {
		    "user",           "add",    demo_users[i][0], "--role",
		    demo_users[i][1], "--name", demo_users[i][4]};
		size_t n = 7;
		if (demo_users[i][2]) {
			args[n++] = "--agency";
			args[n++] = demo_users[i][2];
		}
		if (demo_users[i][3]) {
			args[n++] = "--zone";
			args[n++] = demo_users[i][3];
		}
		args[n++] = "--new-passphrase-file";
		args[n++] = pwf;
		args[n] = NULL;
		run(d, "admin", NULL, args);
	}
	say(d, _("First sign-in: each chooses their own passphrase"),
	    _("A passphrase an admin chose opens nothing but its owner's "
	      "first 'user passwd': each panel member chooses their own (here "
	      "another random one, from a file), which makes their own "
	      "signing key, so that no admin ever holds a key that signs as "
	      "them."));
	/* the own one beside the first; once set, it is the one the demo
	 * gives as the user's from then on (ID.pw) */
	char own[PATH_MAX + 32], name[40];
	for (size_t i = 0; i < 5 && !demo_stop; i++) {
		snprintf(name, sizeof name, "%s.own.pw", demo_users[i][0]);
		snprintf(own, sizeof own, "%s/%s", d->dir, name);
		snprintf(pwf, sizeof pwf, "%s/%s.pw", d->dir, demo_users[i][0]);
		if (random_passphrase(d, name, NULL))
			return sl_error(SL_ESYS,
			                _("demo: cannot write its files"));
		if (RUN(d, demo_users[i][0], "user", "passwd",
		        "--new-passphrase-file", own) == 0 &&
		    rename(own, pwf) != 0)
			return sl_error(SL_ESYS,
			                _("demo: cannot write its files"));
	}
	return SL_OK;
}

/* Intake of the sample docket with the three cases followed. */
static sl_rc demo_intake(demo *d, demo_cases *c)
{
	say(d, _("Intake: the transferred cases are imported"),
	    _("Intake: 24 transferred dossiers of the sample docket. Each is "
	      "accepted, deferred with what is missing, or refused with "
	      "why."));
	uint64_t idx = 1000;
	c->ret_doc = pick(&idx, SL_FAULT_CONFESSION_ONLY, NULL, c->ret_id,
	                  sizeof c->ret_id);
	c->ok_doc = pick(&idx, SL_FAULT_NONE, NULL, c->ok_id, sizeof c->ok_id);
	c->zrj_doc =
	    pick(&idx, SL_FAULT_NONE, "ZRJ", c->zrj_id, sizeof c->zrj_id);
	if (!c->ret_doc || !c->ok_doc || !c->zrj_doc)
		return sl_error(SL_ESYS,
		                _("demo: no suitable sample dossiers"));
	size_t cap = 1 << 20, len = 0;
	char *docket = malloc(cap);
	for (uint64_t i = 0; docket && i < 21; i++) {
		size_t l;
		char *one = sl_sample_case(7, i, &l, NULL);
		if (one && len + l + 2 < cap) {
			memcpy(docket + len, one, l);
			len += l;
			docket[len++] = '\n';
		}
		free(one);
	}
	const char *extra[] = {c->ret_doc, c->ok_doc, c->zrj_doc};
	for (size_t i = 0; docket && i < 3; i++) {
		size_t l = strlen(extra[i]);
		if (len + l + 2 < cap) {
			memcpy(docket + len, extra[i], l);
			len += l;
			docket[len++] = '\n';
		}
	}
	if (docket)
		docket[len] = 0;
	int wrote = docket ? put(d, "docket.jsonl", docket) : -1;
	free(docket);
	char docket_path[PATH_MAX + 16];
	snprintf(docket_path, sizeof docket_path, "%s/docket.jsonl", d->dir);
	if (!wrote)
		RUN(d, "wang", "case", "import", "--jsonl", docket_path);
	return SL_OK;
}

/* Team, checks, a return with its outline and the agency's answer. */
static void demo_review(demo *d, const demo_cases *c)
{
	say(d, _("Assigning the reviewers, and recusal"),
	    _("Assignment: li's home agency is ZRJ, so li must be recused "
	      "from a case ZRJ transferred: the assignment is refused and "
	      "audited. Then a team of two."));
	RUN(d, "wang", "case", "assign", c->zrj_id, "li", "zhang");
	RUN(d, "wang", "case", "assign", c->zrj_id, "zhang", "chen");
	RUN(d, "wang", "case", "assign", c->ret_id, "zhang", "chen");
	RUN(d, "wang", "case", "assign", c->ok_id, "li", "zhang");

	say(d, _("Running the review checks"),
	    _("The signed check plugins examine each case under review "
	      "against the standard: facts, evidence, classification, "
	      "disposal, procedure. A blocker keeps a case from sign-off."));
	RUN(d, "wang", "review", "run", "--all");
	RUN(d, "zhang", "review", "findings", c->ret_id);

	say(d, _("Returned for supplementary investigation, with an outline"),
	    _("The leader returns the weak case with a supplement outline "
	      "built from the checks' suggestions plus an item of their own; "
	      "its review clock stops."));
	RUN(d, "wang", "review", "return", c->ret_id, "--kind", "supplement",
	    "--item", "补充调取涉案资金的银行流水，查明资金去向", "--ref",
	    "F1");

	say(d, _("The agency supplements the file and transfers it again"),
	    _("The agency answers every outline item with new evidence and "
	      "transfers the case again; the clock resumes and the checks "
	      "run again on the new file."));
	char *outline = NULL;
	CAPTURE(d, "wang", &outline, "review", "outline", c->ret_id, "--json");
	json_t *re = outline ? resubmission(c->ret_doc, outline) : NULL;
	free(outline);
	if (re && !put_json(d, "resubmitted.json", re)) {
		char rp[PATH_MAX + 32];
		snprintf(rp, sizeof rp, "%s/resubmitted.json", d->dir);
		RUN(d, "wang", "case", "resubmit", c->ret_id, rp);
	}
	json_decref(re);
	RUN(d, "wang", "review", "outline", c->ret_id);
}

/* Opinions, sign-off, the report and the auditor's check. */
static void demo_decide(demo *d, const demo_cases *c, int keep)
{
	say(d, _("The reviewers' opinions, and the panel's deliberation"),
	    _("Each reviewer records an opinion signed with their own key; "
	      "the leader records the panel's opinion from the collective "
	      "deliberation, with a dissent."));
	char op_path[PATH_MAX + 32], panel_path[PATH_MAX + 32];
	snprintf(op_path, sizeof op_path, "%s/opinion.json", d->dir);
	snprintf(panel_path, sizeof panel_path, "%s/panel.json", d->dir);
	json_t *op = opinion_for(c->ok_doc, c->ok_id,
	                         "事实清楚，证据确实充分，定性准确，处理恰当，"
	                         "手续完备，程序合规。");
	json_t *panel = json_deep_copy(op);
	json_object_set_new(
	    panel, "dissent",
	    json_pack("[{s:s, s:s}]", "member", "zhang", "text",
	              "建议考虑其主动交代情节，在幅度内从轻。"));
	json_object_set_new(panel, "property",
	                    json_string("违纪款项已责令退赔，收缴国库。"));
	if (!put_json(d, "opinion.json", op) &&
	    !put_json(d, "panel.json", panel)) {
		RUN(d, "li", "review", "opinion", c->ok_id, "--file", op_path);
		RUN(d, "zhang", "review", "opinion", c->ok_id, "--file",
		    op_path);
		RUN(d, "wang", "review", "opinion", c->ok_id, "--file",
		    panel_path, "--panel");
	}
	json_decref(op);
	json_decref(panel);

	say(d, _("The consistency scripts as the gate, then sign-off"),
	    _("Sign-off runs every installed consistency script in a sandbox "
	      "(no open blocker, outline answered, two opinions and no "
	      "recused reviewer, a self-consistent panel opinion, consistent "
	      "dates)."));
	RUN(d, "wang", "review", "signoff", c->ok_id);

	say(d, _("The review report, and the audit log verified"),
	    _("The review report, and the auditor's check of the signed, "
	      "hash-chained log against its head."));
	char rep[PATH_MAX + 32];
	snprintf(rep, sizeof rep, "%s/report.html", d->dir);
	if (!RUN(d, "wang", "report", c->ok_id, "--format", "html", "--out",
	         rep))
		printf(_("   the report: %s%s\n"), rep,
		       keep ? "" : _(" (removed with the demo; use --keep)"));
	char *head = NULL;
	CAPTURE(d, "zhao", &head, "audit", "head");
	if (head) {
		head[strcspn(head, "\n")] = 0;
		RUN(d, "zhao", "audit", "verify", "--anchor", head);
	}
	free(head);
}

/* ---- the workbench on the demo's store (--serve) ------------------------ */

/* shenlid beside this program (the build tree), else where an installed
 * tree at any prefix keeps it (bin/../sbin), else /usr/sbin. */
static int find_service(char *out, size_t cap)
{
	char exe[2048];
	if (exe_dir(exe, sizeof exe) != 0)
		return -1;
	snprintf(out, cap, "%s/shenlid", exe);
	if (access(out, X_OK) != 0)
		snprintf(out, cap, "%s/../sbin/shenlid", exe);
	if (access(out, X_OK) != 0)
		snprintf(out, cap, "/usr/sbin/shenlid");
	return access(out, X_OK) == 0 ? 0 : -1;
}

/* A loopback port nobody listens on now (the kernel's pick). */
static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int port = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	                   getsockname(fd, (struct sockaddr *)&a, &l) == 0
	               ? ntohs(a.sin_port)
	               : -1;
	if (fd >= 0)
		close(fd);
	return port;
}

/* The web front answers on port; 0 once it does, -1 if the service ended
 * or 10 s went by. */
static int wait_up(pid_t pid, int port)
{
	for (int i = 0; i < 200; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET,
		                        .sin_port = htons((uint16_t)port),
		                        .sin_addr.s_addr =
		                            htonl(INADDR_LOOPBACK)};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int up = fd >= 0 &&
		         connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
		if (fd >= 0)
			close(fd);
		if (up)
			return 0;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		usleep(50000);
	}
	return -1;
}

static void serve_says(const demo *d, int port)
{
	printf("\n%s%s%s\n", bold_on(), _("the workbench"), bold_off());
	printf(_("   Open http://127.0.0.1:%d/ in a browser on this machine "
	         "and sign in as\n   one of the demo's users; each one's "
	         "passphrase is the first line of\n   %s/ID.pw (random "
	         "test data, removed when the demo ends):\n"),
	       port, d->dir);
	for (size_t i = 0; i < 5; i++) {
		/* the role in the reader's words, padded by display width */
		const char *role =
		    sl_role_said(sl_role_parse(demo_users[i][1]));
		size_t w = cli_width(role);
		printf("     %-6s %s%*s %s\n", demo_users[i][0], role,
		       (int)(w < 8 ? 8 - w : 0), "", demo_users[i][4]);
	}
	printf(_("   Or, signed in without typing: SHENLI_SOCKET=%s/"
	         "shenlid.sock shenli --user wang\n   --passphrase-file %s/"
	         "wang.pw login, then shenli open.\n"),
	       d->dir, d->dir);
	printf(_("   The service's log: %s/shenlid.log. Ctrl-C stops the "
	         "service and removes the demo.\n"),
	       d->dir);
	fflush(stdout);
}

/* shenlid on the demo's store, with a private socket in the demo's
 * directory and the web front on a free loopback port, until Ctrl-C (or
 * SIGTERM, or the service ending). */
static sl_rc demo_serve(const demo *d)
{
	char prog[PATH_MAX], sock[PATH_MAX], log[PATH_MAX], port_s[16];
	int port = free_port();
	if (find_service(prog, sizeof prog) || port < 0)
		return sl_error(SL_ESYS, "%s",
		                _("demo: no shenlid to serve the workbench "
		                  "(looked beside shenli and in /usr/sbin)"));
	snprintf(sock, sizeof sock, "%s/shenlid.sock", d->dir);
	snprintf(log, sizeof log, "%s/shenlid.log", d->dir);
	snprintf(port_s, sizeof port_s, "%d", port);
	/* held until sigwaitinfo below, so that a Ctrl-C that comes while
	 * the service starts is not lost; the service gets its own (the
	 * terminal's process group) and stops by itself too */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		int fd =
		    open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execl(prog, prog, "--store", d->store, "--socket", sock,
		      "--http", port_s, (char *)NULL);
		_exit(127);
	}
	sl_rc rc = SL_OK;
	if (pid < 0 || wait_up(pid, port) != 0) {
		rc = sl_error(SL_ESYS,
		              _("demo: the service did not start (%s)"), log);
	} else {
		serve_says(d, port);
		siginfo_t si;
		while (sigwaitinfo(&set, &si) == SIGCHLD &&
		       waitpid(pid, NULL, WNOHANG) != pid)
			; /* another child: the service still runs */
		printf("\n%s\n", _("stopping the service"));
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* --offer: ask on a terminal whether to serve; elsewhere only say how. */
static int demo_offer(void)
{
	if (!isatty(0) || !isatty(1)) {
		printf("\n%s\n", _("To try the web workbench on the demo's "
		                   "store: make demo SERVE=1 (or shenli demo "
		                   "--serve)."));
		return 0;
	}
	printf("\n%s", _("Serve the workbench? [y/N] "));
	fflush(stdout);
	char a[16] = "";
	return fgets(a, sizeof a, stdin) && (a[0] == 'y' || a[0] == 'Y');
}

/* serve: 1 serve the workbench after the run, 2 offer to (--offer). */
static int demo_run(demo *d, int keep, int serve)
{
	char admin_pw[80];
	sl_rc rc = demo_passphrases(d, admin_pw);
	if (!rc)
		rc = demo_setup(d, admin_pw);
	sl_wipe(admin_pw, sizeof admin_pw);
	if (rc || demo_stop)
		return rc;
	demo_cases c = {0};
	if (!(rc = demo_intake(d, &c))) {
		demo_review(d, &c);
		demo_decide(d, &c, keep);
	}
	demo_cases_free(&c);
	if (rc || demo_stop)
		return rc;
	if (serve == 2)
		serve = demo_offer();
	if (serve && !demo_stop && (rc = demo_serve(d)))
		return rc;
	if (demo_stop)
		return rc;
	printf("\n%s\n",
	       keep ? _("demo finished; the temporary store is "
	                "removed, the report kept.")
	            : _("demo finished; the temporary store is removed."));
	return SL_OK;
}

static int demo_main(int argc, char **argv, sl_cli *g)
{
	(void)g;
	demo d = {0};
	int keep = 0, serve = 0, c;
	static const struct option opts[] = {
	    {"keep", no_argument, 0, 'k'},
	    {"serve", no_argument, 0, 's'},
	    {"offer", no_argument, 0, 'o'},
	    {"packages", required_argument, 0, 'p'},
	    {"trust", required_argument, 0, 't'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keep = 1; break;
		case 's': serve = 1; break;
		case 'o': serve = serve ? serve : 2; break;
		case 'p': d.pk = optarg; break;
		case 't': d.pub = optarg; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind < argc)
		return cli_usage(_("demo: unexpected '%s'"), argv[optind]);
	char pk[PATH_MAX], pub[PATH_MAX];
	if (find_packages(&d, pk, pub, sizeof pk))
		return cli_fail(sl_error(
		    SL_EINPUT,
		    _("demo: the built-in packages or their key are not found "
		      "(looked next to the binary and in /usr/lib/shenli, "
		      "/usr/share/shenli); "
		      "give "
		      "--packages DIR and --trust KEY.pub")));
	stop_on_signals();
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 900)
		tmp = "/tmp";
	snprintf(d.dir, sizeof d.dir, "%s/shenli-demo.XXXXXX", tmp);
	if (!mkdtemp(d.dir))
		return cli_fail(
		    sl_error(SL_ESYS, _("demo: mkdtemp: %s"), strerror(errno)));
	snprintf(d.store, sizeof d.store, "%s/store.db", d.dir);
	printf(_("shenli demo: a guided review workflow in %s\n"), d.dir);
	int rc = demo_run(&d, keep, serve);
	char rep[PATH_MAX + 32];
	snprintf(rep, sizeof rep, "%s/report.html", d.dir);
	/* --keep keeps the directory only for a report in it */
	cleanup(&d, keep && exists(rep));
	if (demo_stop) {
		fprintf(stderr, "\n%s\n",
		        _("demo stopped; the temporary store is removed."));
		return stopped();
	}
	return rc ? cli_fail((sl_rc)rc) : SL_OK;
}

static const cli_sub subs[] = {
    {"", demo_main,
     "shenli demo [--packages DIR] [--trust KEY.pub] [--keep] [--serve | "
     "--offer]",
     N_("a guided run of the whole workflow in a temporary store"),
     N_("A guided run, in a temporary store, of what a zone review panel\n"
        "does: users, zones and agencies from the sample docket; intake;\n"
        "assignment with recusal; the checks; a return with its supplement\n"
        "outline; the resubmission; opinions; sign-off; the report and the\n"
        "audit log's verification. The built-in signed packages and the key\n"
        "that signed them are found next to the binary (the build tree) or\n"
        "under /usr/lib/shenli and /usr/share/shenli; --packages and --trust\n"
        "say where otherwise. The temporary store and its passphrase files\n"
        "are removed at the end; with --keep the report is left where the\n"
        "demo says.\n"
        "With --serve the demo then starts the service (shenlid) on its\n"
        "store, with the web workbench on a free loopback port, prints the\n"
        "URL and the demo's users, and waits for Ctrl-C before it removes\n"
        "everything. --offer asks first (on a terminal; elsewhere it only\n"
        "says how): what 'make demo' does.\n"),
     CLI_NO_STORE},
};
const cli_group cli_demo = {"demo", subs, CLI_COUNT(subs), NULL};
