/*
 * worker.c - consistency scripts in a confined worker process. See
 * worker.h.
 *
 * What no hook of the Lua host can reach (a C library call that neither
 * allocates nor returns, a crash) is handled by running the same host in
 * a worker process, exec'd from a fresh image (none of the store's keys
 * in its memory), with no_new_privs, rlimits and a seccomp filter, killed
 * by the parent at the deadline. The parent trusts nothing the worker
 * says: every line is bounded and every finding checked again.
 */
#define _GNU_SOURCE
#include "worker.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "confine.h"
#include "text.h"

/* AddressSanitizer reserves terabytes of address space and its leak
 * checker needs syscalls (clone, ptrace, /proc) at exit: with ASan the
 * worker skips RLIMIT_AS and the seccomp filter. Release builds have
 * both. */
#if defined(__SANITIZE_ADDRESS__)
#define SB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SB_ASAN 1
#endif
#endif

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

enum {
	PRINT_MAX = SL_SCRIPT_PRINT_MAX,
	FINDINGS_MAX = SL_SCRIPT_FINDINGS_MAX,
	TEXT_MAX = SL_SCRIPT_TEXT_MAX,
	GRACE_MS = 250,   /* the parent's margin over wall_ms */
	START_MS = 10000, /* exec, read and parse the request, confine */
	REAP_MS = 2000,   /* a worker that is done has this to exit */
};
/* With FINDINGS_MAX and the JSON escaping of the worst case (x6), one
 * worker line stays under LINE_MAX_. */
#define FINDINGS_BYTES SL_SCRIPT_FINDINGS_BYTES
#define REQUEST_MAX (64 * MIB)
#define LINE_MAX_ (8 * MIB)

/* The same monotonic clock as the host's deadlines. */
#define now_ns sl_child_now_ns
#define ms_left sl_child_ms_left

/* ---- the worker ---------------------------------------------------------
 * Its whole conversation: one request in on fd 0, then one line out on fd
 * 1 once confined ({"ready":true}) and one per script. */

/* Confine the worker for the n scripts to come. Fails closed: a worker
 * that cannot confine itself runs nothing. */
static int confine(size_t n, const sl_sandbox_limits *l)
{
	/* what is mapped now (the parsed request), one state at a time
	 * with room for the collector, the output, and the allocator's
	 * slack */
	size_t as = sl_confine_vm_size() + 4 * l->mem_max + 256 * MIB;
	if (as < 512 * MIB)
		as = 512 * MIB;
	/* results on 1; 2 is /dev/null (the sanitizers' reports in their
	 * builds); the request was read before this: nothing to read */
	static const int out[] = {1, 2};
	sl_confine_spec spec = {
	    .as_bytes = as,
	    .cpu_s = (unsigned long)n *
	                 (unsigned long)((l->wall_ms + GRACE_MS) / 1000 + 1) +
	             2,
	    .nofile = 8,
	    .read_fd = -1,
	    .write_fds = out,
	    .n_write_fds = 2};
	return sl_confine_limits(&spec) == 0 && sl_confine_filter(&spec) == 0
	           ? 0
	           : -1;
}

static int write_line(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int rc = s ? sl_child_write_all(1, s, strlen(s)) : -1;
	if (!rc)
		rc = sl_child_write_all(1, "\n", 1);
	free(s);
	return rc;
}

static char *read_request(size_t *len)
{
	size_t cap = 64 * KIB, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			if (cap > REQUEST_MAX)
				break;
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		ssize_t k = read(0, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			break;
		if (k == 0) {
			*len = n;
			return n <= REQUEST_MAX ? buf : (free(buf), NULL);
		}
		n += (size_t)k;
	}
	free(buf);
	return NULL;
}

static int limit_of(const json_t *lim, const char *k, json_int_t *v)
{
	const json_t *j = json_object_get(lim, k);
	if (!json_is_integer(j) || json_integer_value(j) < 1)
		return -1;
	*v = json_integer_value(j);
	return 0;
}

int sl_sandbox_worker_main(void)
{
	size_t len;
	char *buf = read_request(&len);
	if (!buf)
		return 2;
	json_error_t jerr;
	json_t *req = json_loadb(buf, len, JSON_ALLOW_NUL, &jerr);
	free(buf);
	const json_t *lim = json_object_get(req, "limits");
	const json_t *scripts = json_object_get(req, "scripts");
	const json_t *seed = json_object_get(req, "seed");
	json_t *case_view = json_object_get(req, "case");
	json_t *rules = json_object_get(req, "rules");
	json_int_t mem, instr, wall;
	if (!json_is_array(scripts) || !json_is_integer(seed) || !case_view ||
	    !rules || limit_of(lim, "mem_max", &mem) ||
	    limit_of(lim, "instr_max", &instr) ||
	    limit_of(lim, "wall_ms", &wall)) {
		json_decref(req);
		return 2;
	}
	sl_sandbox_limits l = {(size_t)mem, (uint64_t)instr, (int64_t)wall};
	json_int_t sv = json_integer_value(seed);
	uint64_t s;
	memcpy(&s, &sv, sizeof s);
	if (confine(json_array_size(scripts), &l) != 0) {
		json_decref(req);
		return 3;
	}
	json_t *ready = json_pack("{s:b}", "ready", 1);
	int rc = write_line(ready) ? 4 : 0;
	json_decref(ready);
	/* Each script is compiled once, when its turn comes (sl_sandbox_run
	 * is compile + run): after confine(), because the compiler reads
	 * untrusted text and belongs inside the filter and rlimits like the
	 * rest; on the request's own limits and this script's clock, as an
	 * uncompiled run always was; and after the ready line and the
	 * results before it, so that a compiler crash or hang is charged by
	 * the parent to the script that caused it and not to the start or
	 * to another script. One run per script per request: compiling them
	 * all up front would save nothing. */
	size_t i;
	json_t *sc;
	json_array_foreach(scripts, i, sc)
	{
		if (rc)
			break;
		const json_t *src = json_object_get(sc, "src");
		sl_script_src one = {
		    json_string_value(json_object_get(sc, "name")),
		    json_string_value(src), json_string_length(src)};
		json_t *found = json_array();
		char *printed = NULL;
		if (!found || !one.name || !one.src ||
		    sl_sandbox_run(&one,
		                   json_is_null(case_view) ? NULL : case_view,
		                   json_is_null(rules) ? NULL : rules, &l, s,
		                   found, &printed) != SL_OK) {
			rc = 5;
		} else {
			json_t *line =
			    json_pack("{s:s, s:O, s:s}", "name", one.name,
			              "findings", found, "printed", printed);
			rc = write_line(line) ? 4 : 0;
			json_decref(line);
		}
		json_decref(found);
		free(printed);
	}
	json_decref(req);
	return rc;
}

sl_rc sl_sandbox_self_exe(char *buf, size_t cap)
{
	if (cap < 2)
		return sl_error(SL_ESYS,
		                _("no room for the executable's path"));
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	if (n < 0 || (size_t)n >= cap - 1)
		return sl_error(SL_ESYS,
		                _("cannot find the running executable: "
		                  "%s"),
		                n < 0 ? strerror(errno) : _("path too long"));
	buf[n] = 0;
	return SL_OK;
}

/* ---- the parent side of the isolated run ------------------------------ */

typedef struct {
	const char *exe;
	sl_child ch; /* the process, its request and result pipes */
	char *buf;   /* received, not yet consumed */
	size_t len, cap, scanned;
	int eof;
} worker;

enum { W_LINE = 1, W_DEAD = 0, W_TIMEOUT = -1, W_TOOLONG = -2, W_SYS = -3 };

static int worker_reap(worker *w, int grace_ms)
{
	return sl_child_stop(&w->ch, 0, grace_ms);
}

static void worker_kill(worker *w)
{
	sl_child_stop(&w->ch, 1, 0);
}

static sl_rc worker_start(worker *w)
{
	w->len = w->scanned = 0;
	w->eof = 0;
	return sl_child_start(&w->ch, w->exe, SL_SANDBOX_WORKER_ARG, 1, NULL, 0,
	                      _("the script worker"));
}

/* Read what the worker has written so far (bounded). */
static int worker_drain(worker *w)
{
	while (w->len <= LINE_MAX_) { /* a longer line is refused anyway */
		if (w->cap - w->len < 64 * KIB) {
			size_t nc = w->cap ? 2 * w->cap : 128 * KIB;
			char *nb = realloc(w->buf, nc);
			if (!nb)
				return W_SYS;
			w->buf = nb;
			w->cap = nc;
		}
		ssize_t k = read(w->ch.from, w->buf + w->len, w->cap - w->len);
		if (k > 0) {
			w->len += (size_t)k;
			continue;
		}
		if (k == 0) {
			w->eof = 1;
			return W_LINE;
		}
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? W_LINE : W_SYS;
	}
	return W_LINE;
}

/* Write the request while reading whatever comes back, so that neither
 * side can block the other; then close the request pipe. */
static int worker_send(worker *w, const char *req, size_t n, int64_t deadline)
{
	size_t off = 0;
	while (off < n) {
		struct pollfd p[2] = {{w->ch.to, POLLOUT, 0},
		                      {w->ch.from, POLLIN, 0}};
		int t = ms_left(deadline);
		if (t <= 0)
			return W_TIMEOUT;
		int r = poll(p, 2, t);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return W_SYS;
		if (p[1].revents) {
			if (w->len > LINE_MAX_)
				return W_TOOLONG;
			int d = worker_drain(w);
			if (d != W_LINE)
				return d;
			if (w->eof)
				return W_DEAD;
		}
		if (p[0].revents) {
			ssize_t k = write(w->ch.to, req + off, n - off);
			if (k > 0)
				off += (size_t)k;
			else if (k < 0 && errno == EPIPE)
				return W_DEAD;
			else if (k < 0 && errno != EAGAIN && errno != EINTR)
				return W_SYS;
		}
	}
	sl_child_fd_close(&w->ch.to);
	return W_LINE;
}

/* The next line (without its newline) into *line and *n, valid until the next
 * call. */
static int worker_line(worker *w, int64_t deadline, const char **line,
                       size_t *n)
{
	for (;;) {
		char *nl =
		    w->len > w->scanned
		        ? memchr(w->buf + w->scanned, '\n', w->len - w->scanned)
		        : NULL;
		if (nl) {
			*line = w->buf;
			*n = (size_t)(nl - w->buf);
			return W_LINE;
		}
		w->scanned = w->len;
		if (w->len > LINE_MAX_)
			return W_TOOLONG;
		if (w->eof)
			return W_DEAD;
		short got;
		int r = sl_child_wait(w->ch.from, POLLIN, deadline, &got);
		if (r == 0)
			return W_TIMEOUT;
		if (r < 0)
			return W_SYS;
		int d = worker_drain(w);
		if (d != W_LINE)
			return d;
	}
}

static void worker_consume(worker *w, size_t n)
{
	memmove(w->buf, w->buf + n + 1, w->len - n - 1);
	w->len -= n + 1;
	w->scanned = 0;
}

#define how_it_died sl_child_how

/* One worker line checked as untrusted: {"name", "findings", "printed"},
 * name that of the script asked for, every finding well-formed and its
 * own. NULL if all is well, else why not. */
static const char *result_problem(const json_t *j, const char *name)
{
	const json_t *n = json_object_get(j, "name");
	const json_t *f = json_object_get(j, "findings");
	const json_t *p = json_object_get(j, "printed");
	if (!json_is_object(j) || json_object_size(j) != 3 ||
	    !json_is_string(n) || !json_is_array(f) || !json_is_string(p))
		return "not a result line";
	if (strcmp(json_string_value(n), name) != 0)
		return "the result of another script";
	if (json_string_length(p) > PRINT_MAX ||
	    memchr(json_string_value(p), 0, json_string_length(p)))
		return "printed output too long";
	if (json_array_size(f) > FINDINGS_MAX + 1)
		return "too many findings";
	size_t i, total = 0, bytes;
	json_t *x;
	json_array_foreach(f, i, x)
	{
		const char *why = sl_script_finding_problem(x, name, &bytes);
		if (why)
			return why;
		total += bytes;
	}
	return total > FINDINGS_BYTES + TEXT_MAX ? "findings too large" : NULL;
}

static int has_blocker(const json_t *findings)
{
	size_t i;
	json_t *f;
	json_array_foreach(findings, i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "severity")),
		            "blocker"))
			return 1;
	}
	return 0;
}

static sl_rc result_blocker(sl_script_result *r, json_t *f)
{
	r->findings = json_array();
	r->passed = 0;
	r->printed = NULL;
	if (!r->findings || !f || json_array_append_new(r->findings, f) != 0) {
		json_decref(r->findings);
		r->findings = NULL;
		return sl_error(SL_ESYS, _("out of memory"));
	}
	return SL_OK;
}

void sl_script_result_free(sl_script_result *r)
{
	if (!r)
		return;
	json_decref(r->findings);
	free(r->printed);
	r->findings = NULL;
	r->printed = NULL;
}

/* A seed for math.random that is the same for every run on a case. */
static uint64_t case_seed(const json_t *case_view)
{
	const char *id =
	    json_string_value(json_object_get(case_view, "case_id"));
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = id ? id : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

typedef struct {
	char *s;
	size_t n, cap;
} strbuf;

static int sb_add(strbuf *b, const char *s, size_t n)
{
	if (n > b->cap - b->n) {
		size_t nc = b->cap ? b->cap : 4096;
		while (nc - b->n < n)
			nc *= 2;
		char *ns = realloc(b->s, nc);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	return 0;
}

typedef struct {
	const char *exe;
	const sl_script_src *scripts;
	const size_t *todo; /* indices of the scripts the worker runs */
	size_t m;
	char *const *items; /* their {"name","src"} as JSON */
	const char *head;   /* {"limits":..,"seed":..,"rules":..,"case":.. */
	int64_t wall_ms;
	sl_script_result *results;
} session;

/* Start a worker for todo[k..m-1]: the request written, its ready line
 * read. */
static sl_rc worker_open(session *s, size_t k, worker *w)
{
	strbuf req = {0};
	int bad = sb_add(&req, s->head, strlen(s->head)) ||
	          sb_add(&req, ",\"scripts\":[", 12);
	for (size_t i = k; !bad && i < s->m; i++)
		bad = (i > k && sb_add(&req, ",", 1)) ||
		      sb_add(&req, s->items[i], strlen(s->items[i]));
	if (bad || sb_add(&req, "]}", 2)) {
		free(req.s);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	if (req.n > REQUEST_MAX) {
		free(req.s);
		return sl_error(SL_EINPUT,
		                _("the case and scripts are too large for the "
		                  "script worker (%zu bytes, at most %zu)"),
		                req.n, (size_t)REQUEST_MAX);
	}
	w->exe = s->exe;
	sl_rc rc = worker_start(w);
	if (rc) {
		free(req.s);
		return rc;
	}
	char how[160];
	const char *line;
	size_t n;
	int64_t deadline = now_ns() + (int64_t)START_MS * 1000000;
	int r = worker_send(w, req.s, req.n, deadline);
	free(req.s);
	if (r == W_LINE)
		r = worker_line(w, deadline, &line, &n);
	json_error_t jerr;
	json_t *ready = r == W_LINE ? json_loadb(line, n, 0, &jerr) : NULL;
	int ok = json_is_object(ready) && json_object_size(ready) == 1 &&
	         json_is_true(json_object_get(ready, "ready"));
	json_decref(ready);
	if (!ok) {
		if (r == W_TIMEOUT)
			kill(w->ch.pid, SIGKILL);
		how_it_died(worker_reap(w, r == W_DEAD ? REAP_MS : 0), how,
		            sizeof how);
		free(w->buf);
		w->buf = NULL;
		return sl_error(SL_ESYS,
		                _("the script worker did not start (%s)"),
		                r == W_TIMEOUT ? "timeout" : how);
	}
	worker_consume(w, n);
	return SL_OK;
}

/* The worker did not give the script name its result (r: how it ended;
 * why: what was wrong with its line): the worker is done for, and res
 * gets the blocker that names the cause. An error only if reading the
 * worker failed on our side (W_SYS), which leaves res empty. */
static sl_rc script_failed(worker *w, int r, const char *why, const char *name,
                           int64_t wall_ms, sl_script_result *res)
{
	char how[160];
	json_t *f;
	if (r == W_TIMEOUT) {
		worker_kill(w);
		f = sl_script_blocker(name, "script_timeout",
		                      "脚本 %s 超出时间限制（%lld 毫秒）", name,
		                      (long long)wall_ms);
	} else if (r == W_DEAD) {
		how_it_died(worker_reap(w, REAP_MS), how, sizeof how);
		f = sl_script_blocker(name, "script_crashed",
		                      "脚本 %s 的运行进程异常终止（%s）", name,
		                      how);
	} else if (r == W_SYS) {
		int e = errno;
		worker_kill(w);
		return sl_error(SL_ESYS,
		                _("reading from the script worker: %s"),
		                strerror(e));
	} else {
		worker_kill(w);
		f = sl_script_blocker(name, "script_crashed",
		                      "脚本 %s 的运行进程输出无效（%s）", name,
		                      why ? why : "line too long");
	}
	return result_blocker(res, f);
}

/* One worker for todo[k..m-1]: returns with *k advanced past every
 * script that has a result (at least one, unless an error is returned). */
static sl_rc run_worker(session *s, size_t *k)
{
	worker w = {.ch = {-1, -1, -1}};
	sl_rc rc = worker_open(s, *k, &w);
	if (rc)
		return rc;
	for (; *k < s->m; ++*k) {
		size_t i = s->todo[*k];
		const char *name = s->scripts[i].name;
		sl_script_result *res = &s->results[i];
		int64_t deadline = now_ns() + (s->wall_ms + GRACE_MS) * 1000000;
		const char *line;
		size_t n;
		json_error_t jerr;
		int r = worker_line(&w, deadline, &line, &n);
		json_t *j =
		    r == W_LINE
		        ? json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr)
		        : NULL;
		const char *why =
		    r == W_LINE ? (j ? result_problem(j, name) : "not JSON")
		                : NULL;
		if (r == W_LINE && !why) {
			res->findings =
			    json_incref(json_object_get(j, "findings"));
			res->passed = !has_blocker(res->findings);
			res->printed = strdup(
			    json_string_value(json_object_get(j, "printed")));
			json_decref(j);
			worker_consume(&w, n);
			if (!res->printed) {
				rc = sl_error(SL_ESYS, _("out of memory"));
				break;
			}
			continue;
		}
		json_decref(j);
		/* this script's worker is done for: name the cause, start
		 * another for the rest */
		rc = script_failed(&w, r, why, name, s->wall_ms, res);
		if (r != W_SYS)
			++*k;
		break;
	}
	if (w.ch.pid > 0) {
		int st = worker_reap(&w, REAP_MS);
#if SB_ASAN
		/* in sanitizer builds a worker's leak or error report (exit
		 * status != 0) fails the run, so that tests see it */
		if (!rc && st != -1 && !(WIFEXITED(st) && !WEXITSTATUS(st)))
			rc = sl_error(SL_ESYS,
			              _("the script worker ended badly "
			                "(status %d)"),
			              st);
#else
		(void)st;
#endif
	}
	free(w.buf);
	return rc;
}

sl_rc sl_sandbox_run_isolated(const char *worker_exe,
                              const sl_script_src *scripts, size_t n,
                              const json_t *case_view, const json_t *rules,
                              const sl_sandbox_limits *lim,
                              sl_script_result *results)
{
	for (size_t i = 0; i < n; i++) {
		results[i] = (sl_script_result){0};
		if (!sl_script_name_ok(scripts[i].name) ||
		    (!scripts[i].src && scripts[i].len))
			return sl_error(
			    SL_EINPUT, _("sandbox: a script needs a name of 1 "
			                 "to 64 printable bytes and a source"));
	}
	sl_sandbox_limits l;
	sl_sandbox_limits_of(lim, &l);
	sl_rc rc = SL_OK;
	size_t m = 0;
	size_t *todo = calloc(n ? n : 1, sizeof *todo);
	char **items = calloc(n ? n : 1, sizeof *items);
	char *cs = case_view
	               ? json_dumps(case_view, JSON_COMPACT | JSON_ENCODE_ANY)
	               : strdup("null");
	char *rs = rules ? json_dumps(rules, JSON_COMPACT | JSON_ENCODE_ANY)
	                 : strdup("null");
	strbuf head = {0};
	if (!todo || !items || !cs || !rs)
		rc = sl_error(SL_ESYS, _("out of memory"));
	for (size_t i = 0; !rc && i < n; i++) {
		const sl_script_src *sc = &scripts[i];
		const char *src = sc->src ? sc->src : "";
		if (!sl_utf8_valid(src, sc->len)) {
			rc = result_blocker(
			    &results[i],
			    sl_script_blocker(
			        sc->name, "script_error",
			        "脚本 %s 的源码不是有效的 UTF-8 文本",
			        sc->name));
			continue;
		}
		json_t *it = json_pack("{s:s, s:s%}", "name", sc->name, "src",
		                       src, sc->len);
		items[m] = it ? json_dumps(it, JSON_COMPACT) : NULL;
		json_decref(it);
		if (!items[m])
			rc = sl_error(SL_ESYS, _("out of memory"));
		todo[m++] = i;
	}
	if (!rc) {
		uint64_t seed = case_seed(case_view);
		json_int_t sv;
		memcpy(&sv, &seed, sizeof sv);
		char lims[160];
		snprintf(lims, sizeof lims,
		         "{\"limits\":{\"mem_max\":%zu,\"instr_max\":%llu,"
		         "\"wall_ms\":%lld},\"seed\":%lld,\"rules\":",
		         l.mem_max, (unsigned long long)l.instr_max,
		         (long long)l.wall_ms, (long long)sv);
		if (sb_add(&head, lims, strlen(lims)) ||
		    sb_add(&head, rs, strlen(rs)) ||
		    sb_add(&head, ",\"case\":", 8) ||
		    sb_add(&head, cs, strlen(cs)) || sb_add(&head, "", 1))
			rc = sl_error(SL_ESYS, _("out of memory"));
	}
	free(cs);
	free(rs);

	sl_child_sigpipe guard;
	sl_child_sigpipe_block(&guard);
	session s = {worker_exe, scripts, todo,      m,
	             items,      head.s,  l.wall_ms, results};
	for (size_t k = 0; !rc && k < m;)
		rc = run_worker(&s, &k);
	sl_child_sigpipe_restore(&guard);

	for (size_t i = 0; i < m; i++)
		free(items[i]);
	free(items);
	free(todo);
	free(head.s);
	if (rc)
		for (size_t i = 0; i < n; i++)
			sl_script_result_free(&results[i]);
	return rc;
}
