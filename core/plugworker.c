/*
 * plugworker.c - review plugins in a confined worker process. See
 * plugworker.h.
 *
 * The conversation, in frames (a little-endian u32 length, then a type
 * byte and the body):
 *
 *   review -> worker   INIT  u32 n, rules, n x (name, u8 skip)
 *                      CASE  n x u8 run, the case (casewire.h)
 *   worker -> review   LOADED u32 i, u8 status, detail   (per plugin)
 *                      READY                             (confined)
 *                      RESULT u32 i, u8 failed, u32 count,
 *                             count x (u8 present, finding)
 *
 * The worker's descriptors: 0 the request pipe, 1 and 2 /dev/null (a
 * plugin's printf goes nowhere, and cannot garble the results), 3 the
 * result pipe, 4.. the sealed copies of the plugins, in order.
 */
#define _GNU_SOURCE
#include "plugworker.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "casewire.h"
#include "child.h"
#include "confine.h"
#include "pkgstore.h"
#include "text.h"

enum { F_INIT = 1, F_CASE = 2, F_LOADED = 10, F_READY = 11, F_RESULT = 12 };
enum {
	L_OK = 0,
	L_UNUSABLE = 1, /* open() refused the rules */
	L_ABI = 2,      /* not our ABI */
	L_NOT_OURS = 3, /* not loadable, or not the plugin named */
	L_NOINIT = 4,   /* our ABI, but its init gave no dispatch table */
};

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)
#define REQUEST_MAX (64 * MIB) /* a case (the dossier's limits bound it) */
#define RESULT_MAX (8 * MIB)   /* one plugin's findings on one case */
#define FINDINGS_BYTES (4 * MIB)
/* review.c keeps 256 findings per check and says so on the 257th */
#define FINDINGS_SENT 257
#define PLUGINS_MAX 56 /* the worker's descriptors: 4 + plugins < 64 */
#define START_MS 10000 /* exec, load every plugin, confine */
#define SEND_MS 10000  /* the worker reads a case before anything else */
#define REAP_MS 2000
#define CRASHES_MAX 3

/* ---- the worker ---------------------------------------------------------- */

static int read_full(int fd, void *p, size_t n)
{
	unsigned char *q = p;
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, q + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return got == 0 && k == 0 ? 1 : -1; /* 1: clean end */
		got += (size_t)k;
	}
	return 0;
}

/* The next request frame into *buf (grown as needed): 0, 1 at a clean
 * end of the requests, -1 on anything else. */
static int read_frame(unsigned char **buf, size_t *cap, size_t *len)
{
	unsigned char h[4];
	int rc = read_full(0, h, 4);
	if (rc)
		return rc;
	size_t n = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16 |
	           (size_t)h[3] << 24;
	if (n < 1 || n > REQUEST_MAX)
		return -1;
	if (n > *cap) {
		unsigned char *nb = realloc(*buf, n);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = n;
	}
	*len = n;
	return read_full(0, *buf, n) ? -1 : 0;
}

/* Frame b's body (b->p[4..]) by writing its length in front. */
static void frame_begin(sl_wbuf *b, uint8_t type)
{
	sl_wbuf_reset(b);
	sl_wbuf_u32(b, 0);
	sl_wbuf_u8(b, type);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* The body is complete: its length goes in front. */
static void frame_len(sl_wbuf *b)
{
	put_le32(b->p, (uint32_t)(b->n - 4));
}

static int frame_send(int fd, sl_wbuf *b)
{
	if (b->oom)
		return -1;
	frame_len(b);
	return sl_child_write_all(fd, b->p, b->n);
}

typedef struct {
	void *dl;
	shenli_check_fn check;
	shenli_close_fn close;
	void *state;
	int status; /* L_* */
} wplug;

/* Load plugin i from descriptor 4 + i, as plugin_host.c used to in the
 * review's own process: the ABI number, the dispatch table, its name. */
static int load(size_t i, const char *name, const char *rules, size_t rules_len,
                wplug *p, char *detail, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%zu", 4 + i);
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		const char *e = dlerror();
		sl_text_sanitize(e ? e : "?", detail, cap);
		return L_NOT_OURS;
	}
	const int *abi = dlsym(p->dl, SHENLI_PLUGIN_ABI_SYMBOL);
	shenli_init_fn init;
	*(void **)&init = dlsym(p->dl, SHENLI_PLUGIN_INIT);
	const shenli_dispatch *tab = NULL;
	if (!abi || *abi != SHENLI_PLUGIN_ABI) {
		snprintf(detail, cap, "%d", abi ? *abi : -1);
		return L_ABI;
	}
	/* It speaks our ABI and was signed as it is, but will not start: a
	 * plugin that cannot check, like one whose open() refuses the rules
	 * (a blocker on every case it should have checked), not a refusal
	 * that stops the review of every case by every other plugin. */
	if (!init || !(tab = init(SHENLI_PLUGIN_ABI))) {
		snprintf(detail, cap, "%s",
		         init ? "其初始化函数未返回分派表"
		              : "缺少初始化函数 " SHENLI_PLUGIN_INIT);
		return L_NOINIT;
	}
	shenli_name_fn name_fn = NULL;
	shenli_open_fn open_fn = NULL;
	for (size_t k = 0; tab[k].id && k < 256; k++) {
		switch (tab[k].id) {
		case SHENLI_FN_NAME: name_fn = (shenli_name_fn)tab[k].fn; break;
		case SHENLI_FN_OPEN: open_fn = (shenli_open_fn)tab[k].fn; break;
		case SHENLI_FN_CHECK:
			p->check = (shenli_check_fn)tab[k].fn;
			break;
		case SHENLI_FN_CLOSE:
			p->close = (shenli_close_fn)tab[k].fn;
			break;
		default: break; /* a newer plugin: ignore what we do not know */
		}
	}
	const char *n = name_fn ? name_fn() : NULL;
	sl_text_sanitize(n ? n : "", detail, cap);
	if (!n || !p->check || strcmp(n, name))
		return L_NOT_OURS;
	if (open_fn && !(p->state = open_fn(rules, rules_len)))
		return L_UNUSABLE;
	return L_OK;
}

/* What a plugin emits, encoded at once (the plugin may reuse f). */
struct shenli_emitter {
	sl_wbuf *b;
	uint32_t count;
};

static void worker_emit(shenli_emitter *e, const shenli_finding *f)
{
	if (e->count >= FINDINGS_SENT || e->b->oom)
		return;
	size_t mark = e->b->n;
	sl_wbuf_u8(e->b, f != NULL);
	if (f)
		sl_casewire_put_finding(e->b, f);
	if (e->b->oom || e->b->n - 4 > FINDINGS_BYTES) {
		/* too big to pass on whole: passed on as malformed */
		e->b->oom = 0;
		e->b->n = mark;
		sl_wbuf_u8(e->b, 0);
	}
	e->count++;
}

static int worker_loop(wplug *pl, size_t n)
{
	unsigned char *buf = NULL;
	size_t cap = 0, len;
	sl_wbuf out = {0};
	sl_arena arena = {0};
	int rc;
	while (!(rc = read_frame(&buf, &cap, &len))) {
		if (buf[0] != F_CASE || len < 1 + n) {
			rc = -1;
			break;
		}
		const unsigned char *run = buf + 1;
		sl_rbuf r = {buf + 1 + n, len - 1 - n, 0, 0};
		shenli_case c;
		sl_arena_reset(&arena);
		if (sl_casewire_get_case(&r, &arena, &c) != 0) {
			rc = -1;
			break;
		}
		for (size_t i = 0; !rc && i < n; i++) {
			if (!run[i] || pl[i].status != L_OK)
				continue;
			frame_begin(&out, F_RESULT);
			sl_wbuf_u32(&out, (uint32_t)i);
			size_t at = out.n;
			sl_wbuf_u8(&out, 0);  /* failed: known after */
			sl_wbuf_u32(&out, 0); /* count: known after */
			shenli_emitter e = {&out, 0};
			int failed =
			    pl[i].check(pl[i].state, &c, &e, worker_emit) != 0;
			if (out.oom) {
				rc = -1;
				break;
			}
			out.p[at] = (unsigned char)failed;
			put_le32(out.p + at + 1, e.count);
			rc = frame_send(3, &out);
		}
	}
	free(buf);
	sl_wbuf_free(&out);
	sl_arena_free(&arena);
	return rc == 1 ? 0 : 4;
}

int sl_plugin_worker_main(void)
{
	unsigned char *buf = NULL;
	size_t cap = 0, len;
	if (read_frame(&buf, &cap, &len) || buf[0] != F_INIT) {
		free(buf);
		return 2;
	}
	sl_rbuf r = {buf + 1, len - 1, 0, 0};
	size_t n = sl_rbuf_u32(&r);
	const char *rules = sl_rbuf_str(&r, REQUEST_MAX);
	size_t rules_len = rules ? strlen(rules) : 0;
	wplug *pl = n <= PLUGINS_MAX ? calloc(n ? n : 1, sizeof *pl) : NULL;
	const char **names = pl ? calloc(n ? n : 1, sizeof *names) : NULL;
	unsigned char *skip = names ? calloc(n ? n : 1, 1) : NULL;
	for (size_t i = 0; skip && i < n; i++) {
		names[i] = sl_rbuf_str(&r, SL_PKG_NAME_MAX);
		skip[i] = sl_rbuf_u8(&r);
	}
	if (!skip || r.bad || !rules || r.off != r.n) {
		free(pl);
		free(names);
		free(skip);
		free(buf);
		return 2;
	}
	/* The plugins' memory: one case at a time, with room. No CPU
	 * limit: the review's deadline per plugin and case is the limit. */
	static const int out_fds[] = {1, 2, 3};
	sl_confine_spec spec = {.as_bytes = sl_confine_vm_size() + 1024 * MIB,
	                        .cpu_s = 0,
	                        .nofile = 4 + (int)n + 4,
	                        .read_fd = 0,
	                        .write_fds = out_fds,
	                        .n_write_fds = 3};
	/* What the filter will forbid, done now: the time zone (localtime()
	 * reads /etc/localtime once), stdout's buffer (glibc fstat()s on
	 * the first write). */
	tzset();
	setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
	int rc = 0;
	if (sl_confine_limits(&spec) != 0 || sl_confine_preload_filter() != 0)
		rc = 3;
	sl_wbuf out = {0};
	for (size_t i = 0; !rc && i < n; i++) {
		char detail[256] = "";
		if (skip[i]) {
			pl[i].status = L_NOT_OURS; /* never run */
			continue;
		}
		pl[i].status = load(i, names[i], rules, rules_len, &pl[i],
		                    detail, sizeof detail);
		frame_begin(&out, F_LOADED);
		sl_wbuf_u32(&out, (uint32_t)i);
		sl_wbuf_u8(&out, (uint8_t)pl[i].status);
		sl_wbuf_str(&out, detail);
		if (frame_send(3, &out))
			rc = 4;
		if (pl[i].status == L_UNUSABLE)
			pl[i].status = L_NOT_OURS; /* loaded, never run */
	}
	free(names);
	free(skip);
	if (!rc && sl_confine_filter(&spec) != 0)
		rc = 3;
	if (!rc) {
		frame_begin(&out, F_READY);
		if (frame_send(3, &out))
			rc = 4;
	}
	sl_wbuf_free(&out);
	if (!rc)
		rc = worker_loop(pl, n);
	for (size_t i = 0; i < n; i++)
		if (pl[i].dl && pl[i].close && pl[i].state)
			pl[i].close(pl[i].state);
	free(pl);
	free(buf); /* the rules the plugins opened with: kept till now */
	return rc;
}

/* ---- the review's side -----------------------------------------------------
 */

typedef struct {
	char name[SL_PKG_NAME_MAX + 1];
	int fd;
	int usable;
	int crashes;
	int dead;                 /* not run again in this run */
	sl_plug_outcome dead_out; /* what each case is told instead */
} plug;

/* A case posted to the worker: its CASE frame, sent while the worker
 * checks the case before it, so that loading, checking and storing
 * overlap. Kept whole until its results are taken: a worker that dies
 * on an earlier case is sent it again. */
typedef struct {
	sl_wbuf f;
	size_t from; /* the first plugin still to run on it */
	size_t sent; /* bytes of f the current worker has read or got */
} slot;

/* Where a CASE frame's run flags are: after the length and the type. */
#define FLAGS_AT 5

struct sl_plugrun {
	char *exe;
	size_t n;
	plug *p;
	char *rules;
	size_t rules_len;
	sl_child ch;       /* the worker, its request and result pipes */
	unsigned char *in; /* received, not yet consumed */
	size_t in_len, in_cap, in_used;
	int eof;
	int spawning; /* the INIT exchange: no case goes out */
	/* the cases posted and not yet taken, oldest first (a ring) */
	slot q[SL_PLUGRUN_AHEAD];
	size_t q_head, q_n;
	sl_arena arena;
	sl_child_sigpipe guard;
	int guarded;
};

enum { PW_OK = 0, PW_DEAD = 1, PW_TIMEOUT = 2, PW_BAD = 3, PW_SYS = 4 };

/* End the worker: its wait status. kill: at once, else after REAP_MS. */
static int stop(sl_plugrun *r, int kill_now)
{
	r->in_len = r->in_used = 0;
	r->eof = 0;
	/* a new worker has been sent nothing */
	for (size_t k = 0; k < SL_PLUGRUN_AHEAD; k++)
		r->q[k].sent = 0;
	return sl_child_stop(&r->ch, kill_now, REAP_MS);
}

/* Whether bytes of q remain to go to the current worker. Before its
 * first byte the frame's run flags are set: each plugin from q->from on
 * that is usable and not given up on runs; a case no plugin runs on is
 * not sent at all (every byte counts as gone). */
static int to_send(sl_plugrun *r, slot *q)
{
	if (q->sent == 0) {
		int any = 0;
		for (size_t i = 0; i < r->n; i++) {
			int run =
			    i >= q->from && r->p[i].usable && !r->p[i].dead;
			q->f.p[FLAGS_AT + i] = (unsigned char)run;
			any |= run;
		}
		if (!any)
			q->sent = q->f.n;
	}
	return q->sent < q->f.n;
}

/* Write what the request pipe takes of the posted cases, in order,
 * without waiting: PW_OK, PW_DEAD when the worker is gone (its results
 * then end early, which the reader sees), PW_SYS. */
static int pump(sl_plugrun *r)
{
	if (r->spawning || r->ch.pid <= 0)
		return PW_OK;
	for (size_t k = 0; k < r->q_n; k++) {
		slot *q = &r->q[(r->q_head + k) % SL_PLUGRUN_AHEAD];
		while (to_send(r, q)) {
			ssize_t w =
			    write(r->ch.to, q->f.p + q->sent, q->f.n - q->sent);
			if (w > 0)
				q->sent += (size_t)w;
			else if (w < 0 && errno == EINTR)
				continue;
			else if (w < 0 && errno == EAGAIN)
				return PW_OK;
			else if (w < 0 && errno == EPIPE)
				return PW_DEAD;
			else
				return PW_SYS;
		}
	}
	return PW_OK;
}

/* Wait for the result pipe to be readable, sending the posted cases
 * meanwhile: the worker reads the next case only after writing the
 * results of this one, and we read those results while it does. */
static int wait_in(sl_plugrun *r, int64_t deadline)
{
	for (;;) {
		int k = pump(r);
		if (k == PW_SYS)
			return k;
		int sending = 0;
		for (size_t j = 0; k == PW_OK && j < r->q_n; j++) {
			const slot *q =
			    &r->q[(r->q_head + j) % SL_PLUGRUN_AHEAD];
			sending |= q->sent < q->f.n;
		}
		struct pollfd pf[2] = {{r->ch.from, POLLIN, 0},
		                       {r->ch.to, POLLOUT, 0}};
		int ms = sl_child_ms_left(deadline);
		if (ms == 0)
			return PW_TIMEOUT;
		int got = poll(pf, sending && !r->spawning ? 2 : 1, ms);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return PW_SYS;
		if (pf[0].revents)
			return PW_OK;
	}
}

/* sl_child_wait, in this file's terms */
static int wait_fd(int fd, short events, int64_t deadline, short *got)
{
	int k = sl_child_wait(fd, events, deadline, got);
	return k > 0 ? PW_OK : k == 0 ? PW_TIMEOUT : PW_SYS;
}

static int send_all(sl_plugrun *r, const unsigned char *p, size_t n,
                    int64_t deadline)
{
	while (n) {
		short got;
		int k = wait_fd(r->ch.to, POLLOUT, deadline, &got);
		if (k != PW_OK)
			return k;
		if (got & (POLLERR | POLLHUP))
			return PW_DEAD;
		ssize_t w = write(r->ch.to, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EPIPE) {
			return PW_DEAD;
		} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
			return PW_SYS;
		}
	}
	return PW_OK;
}

/* The next frame from the worker: its type and body (valid until the
 * next call). */
static int recv_frame(sl_plugrun *r, int64_t deadline, uint8_t *type,
                      sl_rbuf *body)
{
	/* the frame handed out last time is consumed now */
	if (r->in_used) {
		memmove(r->in, r->in + r->in_used, r->in_len - r->in_used);
		r->in_len -= r->in_used;
		r->in_used = 0;
	}
	for (;;) {
		if (r->in_len >= 4) {
			size_t n = (size_t)r->in[0] | (size_t)r->in[1] << 8 |
			           (size_t)r->in[2] << 16 |
			           (size_t)r->in[3] << 24;
			if (n < 1 || n > RESULT_MAX)
				return PW_BAD;
			if (r->in_len >= 4 + n) {
				*type = r->in[4];
				*body = (sl_rbuf){r->in + 5, n - 1, 0, 0};
				r->in_used = 4 + n;
				return PW_OK;
			}
			if (r->in_cap < 4 + n) {
				unsigned char *nb = realloc(r->in, 4 + n);
				if (!nb)
					return PW_SYS;
				r->in = nb;
				r->in_cap = 4 + n;
			}
		} else if (r->in_cap < 64 * KIB) {
			unsigned char *nb = realloc(r->in, 64 * KIB);
			if (!nb)
				return PW_SYS;
			r->in = nb;
			r->in_cap = 64 * KIB;
		}
		if (r->eof)
			return PW_DEAD;
		int k = wait_in(r, deadline);
		if (k != PW_OK)
			return k;
		ssize_t g =
		    read(r->ch.from, r->in + r->in_len, r->in_cap - r->in_len);
		if (g > 0)
			r->in_len += (size_t)g;
		else if (g == 0)
			r->eof = 1;
		else if (errno != EAGAIN && errno != EINTR)
			return PW_SYS;
	}
}

/* How the worker ended after a frame did not come (rc), for a finding:
 * while it started (loading the plugins) its limit is START_MS, while it
 * checked a case SL_PLUG_CHECK_MS. */
static void ended(sl_plugrun *r, int rc, sl_plug_outcome *o)
{
	if (rc == PW_TIMEOUT) {
		stop(r, 1);
		o->status = SL_PLUG_TIMEOUT;
		snprintf(o->how, sizeof o->how, "超过 %d 毫秒",
		         r->spawning ? START_MS : SL_PLUG_CHECK_MS);
	} else if (rc == PW_DEAD) {
		o->status = SL_PLUG_CRASHED;
		sl_child_how(stop(r, 0), o->how, sizeof o->how);
	} else {
		stop(r, 1);
		o->status = SL_PLUG_CRASHED;
		snprintf(o->how, sizeof o->how, "输出无效");
	}
}

static void mark_dead(plug *p, sl_plug_status st, const char *how)
{
	p->dead = 1;
	p->dead_out.status = st;
	/* cut on a character boundary if it must be cut */
	sl_text_sanitize(how, p->dead_out.how, sizeof p->dead_out.how);
}

/* The worker process, its pipes and its descriptors (see the top). */
static sl_rc start_child(sl_plugrun *r)
{
	int fds[PLUGINS_MAX];
	for (size_t i = 0; i < r->n; i++)
		fds[i] = r->p[i].fd;
	r->in_len = r->in_used = 0;
	r->eof = 0;
	return sl_child_start(&r->ch, r->exe, SL_PLUGIN_WORKER_ARG, 3, fds,
	                      r->n, _("the plugin worker"));
}

/* Start a worker and take it through loading and confinement. A plugin
 * that kills the worker while loading is marked dead and the worker
 * started again without it. */
static sl_rc spawn_once(sl_plugrun *r, size_t *refused);

static sl_rc spawn(sl_plugrun *r, size_t *refused)
{
	r->spawning = 1;
	sl_rc rc = spawn_once(r, refused);
	r->spawning = 0;
	return rc;
}

static sl_rc spawn_once(sl_plugrun *r, size_t *refused)
{
	for (;;) {
		sl_rc rc = start_child(r);
		if (rc)
			return rc;
		int64_t deadline = sl_child_now_ns() + START_MS * 1000000LL;
		/* its own buffer: r->out may hold the case being checked */
		sl_wbuf init = {0}, *b = &init;
		frame_begin(b, F_INIT);
		sl_wbuf_u32(b, (uint32_t)r->n);
		sl_wbuf_str(b, r->rules);
		for (size_t i = 0; i < r->n; i++) {
			sl_wbuf_str(b, r->p[i].name);
			sl_wbuf_u8(b, (uint8_t)r->p[i].dead);
		}
		if (b->oom) {
			sl_wbuf_free(b);
			stop(r, 1);
			return sl_error(SL_ESYS, _("out of memory"));
		}
		frame_len(b);
		int k = send_all(r, b->p, b->n, deadline);
		sl_wbuf_free(b);
		size_t i = 0;
		uint8_t type;
		sl_rbuf body;
		for (; k == PW_OK && i < r->n; i++) {
			if (r->p[i].dead)
				continue;
			k = recv_frame(r, deadline, &type, &body);
			if (k != PW_OK)
				break;
			uint32_t at = sl_rbuf_u32(&body);
			uint8_t st = sl_rbuf_u8(&body);
			const char *detail = sl_rbuf_str(&body, 256);
			if (type != F_LOADED || body.bad || at != i ||
			    st > L_NOINIT || !detail) {
				k = PW_BAD;
				break;
			}
			if (st == L_ABI || st == L_NOT_OURS) {
				stop(r, 1);
				*refused = i;
				if (st == L_ABI)
					return sl_error(
					    SL_EINPUT,
					    _("plugin %s: does not speak "
					      "plugin ABI %d (exports abi %s)"),
					    r->p[i].name, SHENLI_PLUGIN_ABI,
					    detail);
				return sl_error(
				    SL_EINTEGRITY,
				    _("plugin %s: cannot be loaded, or its "
				      "dispatch table lacks a name or a check, "
				      "or names itself '%s': not the plugin "
				      "its signed manifest names"),
				    r->p[i].name, detail);
			}
			r->p[i].usable = st == L_OK;
			if (st == L_NOINIT) {
				char how[300];
				snprintf(how, sizeof how, "加载时，%s", detail);
				mark_dead(&r->p[i], SL_PLUG_FAILED, how);
			}
		}
		if (k == PW_OK) {
			k = recv_frame(r, deadline, &type, &body);
			if (k == PW_OK && (type != F_READY || body.n))
				k = PW_BAD;
			if (k == PW_OK)
				return SL_OK;
			/* loaded, then could not confine itself: nothing
			 * runs unconfined */
			char how[128];
			if (k == PW_DEAD)
				sl_child_how_said(stop(r, 0), how, sizeof how);
			else
				snprintf(how, sizeof how, "%s",
				         k == PW_TIMEOUT
				             ? _("it did not answer")
				             : _("it answered nonsense"));
			if (k != PW_DEAD)
				stop(r, 1);
			return sl_error(SL_ESYS,
			                _("the plugin worker could not confine "
			                  "itself (%s)"),
			                how);
		}
		if (k == PW_SYS) {
			stop(r, 1);
			return sl_error(SL_ESYS,
			                _("talking to the plugin worker: %s"),
			                strerror(errno));
		}
		if (i >= r->n) {
			sl_plug_outcome o;
			ended(r, k, &o);
			return sl_error(
			    SL_ESYS, _("the plugin worker did not start (%s)"),
			    o.how);
		}
		/* plugin i took the worker down while loading */
		sl_plug_outcome o;
		ended(r, k, &o);
		char how[sizeof o.how + 16];
		snprintf(how, sizeof how, "加载时，%s", o.how);
		mark_dead(&r->p[i], o.status, how);
	}
}

sl_rc sl_plugrun_start(const char *worker_exe, const sl_plug_code *code,
                       size_t n, const char *rules, size_t rules_len,
                       sl_plugrun **out, size_t *refused)
{
	*out = NULL;
	*refused = 0;
	if (n > PLUGINS_MAX)
		return sl_error(SL_EINPUT,
		                _("%zu plugins are installed: at most %d run "
		                  "together"),
		                n, PLUGINS_MAX);
	sl_plugrun *r = calloc(1, sizeof *r);
	if (!r)
		return sl_error(SL_ESYS, _("out of memory"));
	r->ch = (sl_child){-1, -1, -1};
	r->n = n;
	r->p = calloc(n ? n : 1, sizeof *r->p);
	r->exe = strdup(worker_exe);
	r->rules = malloc(rules_len + 1);
	if (!r->p || !r->exe || !r->rules) {
		sl_plugrun_end(r);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	memcpy(r->rules, rules, rules_len);
	r->rules[rules_len] = 0;
	r->rules_len = rules_len;
	for (size_t i = 0; i < n; i++) {
		snprintf(r->p[i].name, sizeof r->p[i].name, "%s", code[i].name);
		r->p[i].fd = code[i].fd;
	}
	sl_child_sigpipe_block(&r->guard);
	r->guarded = 1;
	sl_rc rc = spawn(r, refused);
	if (rc) {
		sl_plugrun_end(r);
		return rc;
	}
	*out = r;
	return SL_OK;
}

int sl_plugrun_usable(const sl_plugrun *r, size_t i)
{
	return i < r->n && r->p[i].usable && !r->p[i].dead;
}

const char *sl_plugrun_why(const sl_plugrun *r, size_t i)
{
	return i < r->n && r->p[i].dead ? r->p[i].dead_out.how : "";
}

/* The findings of one RESULT frame to the sink. */
static int deliver(sl_plugrun *r, size_t i, sl_rbuf *body,
                   const sl_plug_sink *sink, int *failed)
{
	*failed = sl_rbuf_u8(body);
	uint32_t count = sl_rbuf_u32(body);
	if (body->bad || *failed > 1 || count > FINDINGS_SENT)
		return -1;
	/* read whole before any finding is passed on, so that a garbled
	 * frame cannot leave half its findings behind */
	sl_arena_reset(&r->arena);
	shenli_finding *f =
	    count ? sl_arena_alloc(&r->arena, count * sizeof *f) : NULL;
	unsigned char present[FINDINGS_SENT];
	if (count && !f)
		return -1;
	for (uint32_t k = 0; k < count; k++) {
		present[k] = sl_rbuf_u8(body);
		if (present[k] > 1 ||
		    (present[k] &&
		     sl_casewire_get_finding(body, &r->arena, &f[k])))
			return -1;
	}
	if (body->bad || body->off != body->n)
		return -1;
	for (uint32_t k = 0; k < count; k++)
		sink->finding(sink->ud, i, present[k] ? &f[k] : NULL);
	return 0;
}

sl_rc sl_plugrun_post(sl_plugrun *r, const shenli_case *c)
{
	if (r->q_n >= SL_PLUGRUN_AHEAD)
		return sl_error(SL_ESYS,
		                _("internal: %d cases posted to the plugin "
		                  "worker and not taken"),
		                SL_PLUGRUN_AHEAD);
	slot *q = &r->q[(r->q_head + r->q_n) % SL_PLUGRUN_AHEAD];
	/* the frame: header, then a run flag per plugin, then the case */
	sl_wbuf *b = &q->f;
	frame_begin(b, F_CASE);
	for (size_t i = 0; i < r->n; i++)
		sl_wbuf_u8(b, 0);
	sl_casewire_put_case(b, c);
	if (b->oom || b->n - 4 > REQUEST_MAX)
		return sl_error(SL_EINPUT,
		                _("case %s is too large for the plugin worker"),
		                c->case_id ? c->case_id : "?");
	frame_len(b);
	q->from = 0;
	q->sent = 0;
	r->q_n++;
	/* nothing is written yet: the posted cases go together when one is
	 * taken (wait_in's pump), and the worker wakes once for them */
	return SL_OK;
}

/* Send the rest of the oldest case: the worker reads it before it
 * checks anything, so this waits for nothing but the worker's reading. */
static int flush_oldest(sl_plugrun *r, slot *q)
{
	if (!to_send(r, q))
		return PW_OK;
	int k = send_all(r, q->f.p + q->sent, q->f.n - q->sent,
	                 sl_child_now_ns() + SEND_MS * 1000000LL);
	if (k == PW_OK)
		q->sent = q->f.n;
	return k;
}

sl_rc sl_plugrun_take(sl_plugrun *r, const sl_plug_sink *sink)
{
	if (!r->q_n)
		return sl_error(SL_ESYS,
		                _("internal: no case posted to the plugin "
		                  "worker"));
	slot *q = &r->q[r->q_head];
	const unsigned char *flag = q->f.p + FLAGS_AT;
	sl_rc rc = SL_OK;
	while (q->from < r->n) {
		size_t dummy;
		if (r->ch.pid <= 0 && (rc = spawn(r, &dummy)))
			break;
		int k = flush_oldest(r, q);
		if (k == PW_SYS) {
			rc = sl_error(SL_ESYS,
			              _("talking to the plugin worker: %s"),
			              strerror(errno));
			break;
		}
		size_t i = q->from;
		for (; i < r->n; i++) {
			plug *p = &r->p[i];
			sl_plug_outcome o = {SL_PLUG_RAN, ""};
			if (!flag[i]) {
				if (p->dead)
					o = p->dead_out;
				else
					o.status = SL_PLUG_UNUSABLE;
				sink->done(sink->ud, i, &o);
				continue;
			}
			uint8_t type = 0;
			sl_rbuf body;
			if (k == PW_OK)
				k = recv_frame(r,
				               sl_child_now_ns() +
				                   SL_PLUG_CHECK_MS * 1000000LL,
				               &type, &body);
			int failed = 0;
			if (k == PW_OK &&
			    (type != F_RESULT || sl_rbuf_u32(&body) != i ||
			     deliver(r, i, &body, sink, &failed)))
				k = PW_BAD;
			if (k == PW_SYS) {
				rc = sl_error(
				    SL_ESYS,
				    _("talking to the plugin worker: %s"),
				    strerror(errno));
				break;
			}
			if (k != PW_OK) {
				/* plugin i took the worker down with it; the
				 * cases posted after this one go to the next
				 * worker again (stop() forgot what was sent) */
				ended(r, k, &o);
				if (++p->crashes >= CRASHES_MAX)
					mark_dead(p, SL_PLUG_GAVE_UP, o.how);
				sink->done(sink->ud, i, &o);
				break;
			}
			o.status = failed ? SL_PLUG_FAILED : SL_PLUG_RAN;
			sink->done(sink->ud, i, &o);
		}
		if (rc)
			break;
		q->from = i + 1;
		/* the rest of this case goes again, its flags from here on */
		q->sent = 0;
	}
	r->q_head = (r->q_head + 1) % SL_PLUGRUN_AHEAD;
	r->q_n--;
	return rc;
}

sl_rc sl_plugrun_check(sl_plugrun *r, const shenli_case *c,
                       const sl_plug_sink *sink)
{
	sl_rc rc = sl_plugrun_post(r, c);
	return rc ? rc : sl_plugrun_take(r, sink);
}

void sl_plugrun_end(sl_plugrun *r)
{
	if (!r)
		return;
	/* the end of its requests (the pipe closed first): it exits */
	stop(r, 0);
	if (r->guarded)
		sl_child_sigpipe_restore(&r->guard);
	free(r->in);
	for (size_t k = 0; k < SL_PLUGRUN_AHEAD; k++)
		sl_wbuf_free(&r->q[k].f);
	sl_arena_free(&r->arena);
	free(r->p);
	free(r->exe);
	free(r->rules);
	free(r);
}
