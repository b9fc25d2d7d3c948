/*
 * sandbox.c - the Lua host for consistency scripts. See sandbox.h.
 *
 * Two layers, because neither is enough alone:
 *
 *   In-process (sl_sandbox_run, sl_sandbox_run_compiled): a fresh
 *   lua_State per run whose allocator caps its memory, a count hook that
 *   spends an instruction budget and watches the clock, the allocator
 *   watching the clock too (so a string.rep or gsub that grows is stopped
 *   inside the C call), a trimmed library set, and the case and rules as
 *   lazy read-only views over the borrowed jansson trees. A limit, once
 *   hit, is a flag of the run: the hook then fires on every instruction
 *   and raises again, so pcall cannot swallow it, and the verdict is read
 *   from the flag. The script's source is compiled once (compile), in a
 *   state of its own, and each run loads the host's dump of it: compiling
 *   was most of a run. A run is short and small (the gates use 20 to 50
 *   KiB): its collector starts only once it has used GC_RESUME, the cap
 *   holding all the same (a refused allocation makes Lua collect), and
 *   its state is released whole, not closed.
 *
 *   Isolated (sl_sandbox_run_isolated): what no hook can reach (a C
 *   library call that neither allocates nor returns, a crash) is handled
 *   by running the same host in a worker process, exec'd from a fresh
 *   image (none of the store's keys in its memory), with no_new_privs,
 *   rlimits and a seccomp filter, killed by the parent at the deadline.
 *   The parent trusts nothing the worker says: every line is bounded and
 *   every finding checked again.
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

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
	PRINT_MAX = 64 * 1024, /* bytes of print() output kept per run */
	FINDINGS_MAX = 1000,   /* findings per run */
	HOOK_STEP = 1000,      /* instructions between two hook calls */
	ERRTEXT_MAX = 1024,    /* bytes of a Lua error quoted in a message */
	NAME_MAX_ = 64,        /* a script's name: a package name */
	CODE_MAX = 64,         /* finding fields: spec/cli.md */
	TEXT_MAX = 4096,       /* message and outline_item */
	REFS_MAX = 64,         /* refs per finding */
	GRACE_MS = 250,        /* the parent's margin over wall_ms */
	START_MS = 10000,      /* exec, read and parse the request, confine */
	REAP_MS = 2000,        /* a worker that is done has this to exit */
};
/* Text of all findings of one run. With FINDINGS_MAX and the JSON
 * escaping of the worst case (x6), one worker line stays under LINE_MAX. */
#define FINDINGS_BYTES MIB
#define REQUEST_MAX (64 * MIB)
#define LINE_MAX_ (8 * MIB)
/* Bytes a run uses before its collector starts (at most a quarter of
 * mem_max): see sb_hook. */
#define GC_RESUME MIB

static const char *const STANDARDS[] = {"facts",          "evidence",
                                        "classification", "disposal",
                                        "formalities",    "procedure"};
static const char *const SEVERITIES[] = {"blocker", "warning", "note"};

void sl_sandbox_defaults(sl_sandbox_limits *l)
{
	l->mem_max = 16 * MIB;
	l->instr_max = 100000000;
	l->wall_ms = 2000;
}

static void limits_of(const sl_sandbox_limits *in, sl_sandbox_limits *out)
{
	sl_sandbox_defaults(out);
	if (in && in->mem_max)
		out->mem_max = in->mem_max;
	if (in && in->instr_max)
		out->instr_max = in->instr_max;
	if (in && in->wall_ms > 0)
		out->wall_ms = in->wall_ms;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- findings: one shape, one validator --------------------------------- */

static int one_of(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, set[i]))
			return 1;
	return 0;
}

/* A JSON string of 1..max bytes, no NUL, valid UTF-8 (and no control
 * characters if printable). */
static int str_ok(const json_t *s, size_t max, int printable)
{
	if (!json_is_string(s))
		return 0;
	const char *p = json_string_value(s);
	size_t n = json_string_length(s);
	if (n < 1 || n > max || memchr(p, 0, n))
		return 0;
	return printable ? sl_text_printable(p, n) : sl_utf8_valid(p, n);
}

/* Why f is not a well-formed finding of the script check, or NULL. Used
 * on what finding{} builds and again, in the parent, on what a worker
 * returns: the same rule on both sides of the process boundary. *bytes
 * gets the size of its text. */
static const char *finding_problem(const json_t *f, const char *check,
                                   size_t *bytes)
{
	if (!json_is_object(f) || json_object_size(f) != 7)
		return "a finding has exactly the fields standard, severity, "
		       "code, message, refs, outline_item";
	const json_t *c = json_object_get(f, "check");
	const json_t *st = json_object_get(f, "standard");
	const json_t *sv = json_object_get(f, "severity");
	const json_t *code = json_object_get(f, "code");
	const json_t *msg = json_object_get(f, "message");
	const json_t *refs = json_object_get(f, "refs");
	const json_t *out = json_object_get(f, "outline_item");
	if (!c || !st || !sv || !code || !msg || !refs || !out)
		return "a finding has exactly the fields standard, severity, "
		       "code, message, refs, outline_item";
	if (!json_is_string(c) || strcmp(json_string_value(c), check) != 0)
		return "'check' is not the script's name";
	if (!json_is_string(st) || !one_of(json_string_value(st), STANDARDS, 6))
		return "'standard' must be one of facts, evidence, "
		       "classification, disposal, formalities, procedure";
	if (!json_is_string(sv) ||
	    !one_of(json_string_value(sv), SEVERITIES, 3))
		return "'severity' must be one of blocker, warning, note";
	if (!str_ok(code, CODE_MAX, 1))
		return "'code' must be 1 to 64 bytes of printable UTF-8";
	if (!str_ok(msg, TEXT_MAX, 0))
		return "'message' must be 1 to 4096 bytes of UTF-8";
	if (!json_is_null(out) && !str_ok(out, TEXT_MAX, 0))
		return "'outline_item' must be absent or 1 to 4096 bytes of "
		       "UTF-8";
	if (!json_is_array(refs) || json_array_size(refs) > REFS_MAX)
		return "'refs' must be a list of at most 64 strings";
	size_t n = json_string_length(code) + json_string_length(msg) +
	           (json_is_null(out) ? 0 : json_string_length(out));
	for (size_t i = 0; i < json_array_size(refs); i++) {
		const json_t *r = json_array_get(refs, i);
		if (!str_ok(r, CODE_MAX, 1))
			return "each of 'refs' must be 1 to 64 bytes of "
			       "printable UTF-8";
		n += json_string_length(r);
	}
	*bytes = n;
	return NULL;
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

/* The one blocker finding of a failed run. message is valid UTF-8 (its
 * parts are sanitised by the callers). */
static json_t *blocker(const char *name, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static json_t *blocker(const char *name, const char *code, const char *fmt, ...)
{
	char msg[TEXT_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!sl_utf8_valid(msg, strlen(msg))) { /* a cut, never expected */
		char clean[TEXT_MAX + 1];
		sl_text_sanitize(msg, clean, sizeof clean);
		memcpy(msg, clean, sizeof msg);
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:n}", "check", name,
	                 "standard", "formalities", "severity", "blocker",
	                 "code", code, "message", msg, "refs", "outline_item");
}

static sl_rc append_new(json_t *arr, json_t *f)
{
	if (!f || json_array_append_new(arr, f) != 0)
		return sl_error(SL_ESYS, _("out of memory"));
	return SL_OK;
}

/* A text quoted from a script (an error, a value) made printable and cut
 * to ERRTEXT_MAX bytes on a character boundary. */
static void quote(const char *s, size_t n, char out[ERRTEXT_MAX])
{
	char raw[ERRTEXT_MAX + 8];
	if (n > sizeof raw - 1)
		n = sizeof raw - 1;
	memcpy(raw, s, n);
	raw[n] = 0;
	sl_text_sanitize(raw, out, ERRTEXT_MAX);
}

static void fmt_bytes(size_t n, char out[32])
{
	if (n >= MIB && n % MIB == 0)
		snprintf(out, 32, "%zu MiB", n / MIB);
	else if (n >= KIB && n % KIB == 0)
		snprintf(out, 32, "%zu KiB", n / KIB);
	else
		snprintf(out, 32, "%zu 字节", n);
}

static int name_ok(const char *name)
{
	size_t n = name ? strnlen(name, NAME_MAX_ + 1) : 0;
	return n >= 1 && n <= NAME_MAX_ && sl_text_printable(name, n);
}

/* ---- one run ---------------------------------------------------------- */

enum { T_NONE, T_MEM, T_INSTR, T_TIME, T_FINDING };
enum { PH_SETUP, PH_LOAD, PH_RUN };

/* The memory of one lua_State: small blocks from one arena, with a free
 * list per 16-byte size class: a run makes thousands of small
 * allocations, and malloc and free were a quarter of its time. Lua passes
 * the old size of every block, so a small block's size says where it
 * lives: no header. The arena is bounded (a freed block is reused only in
 * its class, so the bound is what keeps fragmentation from growing real
 * memory past the accounted), and once it is full small blocks come from
 * malloc too, as large ones do; an address range test tells the two
 * apart. Every block from malloc carries a header that links it into the
 * arena's list, so that the whole state is released at once
 * (arena_release) and never has to be walked object by object. */
enum { ARENA = 256 * 1024, SMALL = 512 };

typedef union big {
	struct {
		union big *prev, *next;
	} l;
	max_align_t align; /* the block after it stays aligned */
} big;

typedef struct {
	char *base;
	size_t top;
	void *free[SMALL / 16 + 1];
	big *bigs; /* the blocks from malloc */
} arena;

static int in_arena(const arena *a, const void *p)
{
	const char *q = p;
	return a->base && q >= a->base && q < a->base + ARENA;
}

static void big_link(arena *a, big *b)
{
	b->l.prev = NULL;
	b->l.next = a->bigs;
	if (a->bigs)
		a->bigs->l.prev = b;
	a->bigs = b;
}

static void big_unlink(arena *a, big *b)
{
	if (b->l.prev)
		b->l.prev->l.next = b->l.next;
	else
		a->bigs = b->l.next;
	if (b->l.next)
		b->l.next->l.prev = b->l.prev;
}

/* malloc (ptr NULL), realloc or free (n 0) of a block outside the arena */
static void *big_realloc(arena *a, void *ptr, size_t n)
{
	big *b = ptr ? (big *)ptr - 1 : NULL;
	if (b)
		big_unlink(a, b);
	if (n == 0) {
		free(b);
		return NULL;
	}
	big *nb =
	    n <= SIZE_MAX - sizeof *nb ? realloc(b, sizeof *nb + n) : NULL;
	if (!nb) {
		if (b)
			big_link(a, b); /* realloc failed: b is still there */
		return NULL;
	}
	big_link(a, nb);
	return nb + 1;
}

static void *arena_get(arena *a, size_t n)
{
	size_t k = (n + 15) / 16;
	void *p = a->free[k];
	if (p) {
		memcpy(&a->free[k], p, sizeof p);
		return p;
	}
	if (!a->base)
		a->base = malloc(ARENA);
	if (a->base && a->top + 16 * k <= ARENA) {
		p = a->base + a->top;
		a->top += 16 * k;
		return p;
	}
	/* the whole class: it may grow within it */
	return big_realloc(a, NULL, 16 * k);
}

/* realloc for the run: old and n are the block's sizes as Lua knows them */
static void *arena_realloc(arena *a, void *ptr, size_t old, size_t n)
{
	if (n == 0) {
		if (ptr && in_arena(a, ptr)) {
			size_t k = (old + 15) / 16;
			memcpy(ptr, &a->free[k], sizeof ptr);
			a->free[k] = ptr;
		} else if (ptr) {
			big_realloc(a, ptr, 0);
		}
		return NULL;
	}
	if (ptr && old > SMALL && n > SMALL)
		return big_realloc(a, ptr, n);
	if (ptr && old <= SMALL && n <= SMALL &&
	    (old + 15) / 16 == (n + 15) / 16)
		return ptr;
	void *p = n <= SMALL ? arena_get(a, n) : big_realloc(a, NULL, n);
	if (p && ptr) {
		memcpy(p, ptr, old < n ? old : n);
		arena_realloc(a, ptr, old, 0);
	}
	return p;
}

/* All the memory of a state, whatever it holds: a state is released this
 * way instead of by lua_close (see run). */
static void arena_release(arena *a)
{
	free(a->base);
	for (big *b = a->bigs, *next; b; b = next) {
		next = b->l.next;
		free(b);
	}
	*a = (arena){0};
}

/* A compiled script (sandbox.h): the host's own dump of the function Lua
 * compiled from the source text, or why there is none. */
enum { B_OK, B_UTF8, B_SYNTAX, B_MEM, B_TIME };
struct sl_script {
	char name[NAME_MAX_ + 1];
	char chunkname[NAME_MAX_ + 2]; /* "=name": errors say "name:line:" */
	int broken;                    /* B_*: why it did not compile */
	char err[ERRTEXT_MAX];         /* B_SYNTAX: the compiler's message */
	unsigned char *code;           /* B_OK: lua_dump of the function */
	size_t len;
};

typedef struct {
	lua_State *L;
	arena mem;
	/* memory */
	size_t used, mem_max;
	int mem_pending;  /* the last growth was refused once */
	size_t pending_n; /* ...asking for this many bytes */
	int host_oom;     /* malloc itself failed: not the script's doing */
	unsigned nalloc;
	/* instructions and time */
	uint64_t instr, instr_max;
	int step;
	int64_t deadline;
	/* the verdict: the first limit hit, kept whatever the script does */
	int tripped;
	size_t gc_resume; /* the collector is stopped until this much is used */
	const char *why;  /* a malformed finding: what was wrong */
	int phase, no_check;
	/* output */
	char *out;
	size_t out_len;
	json_t *found;
	size_t found_bytes;
	/* the views (see push_json) */
	struct vslot *by_node, *by_table;
	size_t vcap, nviews;
	/* input */
	const sl_script *script;
	const json_t *case_view, *rules;
	uint64_t seed;
} run_ctx;

static void sb_hook(lua_State *L, lua_Debug *ar);

/* Record the first limit hit and make the hook fire on the very next
 * instruction (lua_sethook may be called from anywhere, even the
 * allocator). */
static void trip(run_ctx *c, int why)
{
	if (!c->tripped)
		c->tripped = why;
	if (c->L && c->step != 1) {
		c->step = 1;
		lua_sethook(c->L, sb_hook, LUA_MASKCOUNT, 1);
	}
}

/* The allocator: Lua's own accounting (osize is exact for a block Lua
 * allocated) against mem_max. A refused growth makes Lua run an
 * emergency full collection and ask again; only when the retry is also
 * refused is the limit hit, so that garbage a collection would have freed
 * does not count against the script. But Lua does not always ask again
 * (no emergency collection while one cannot run): it raises "not enough
 * memory", which pcall catches. So a refusal stays the limit hit unless
 * the very next growth is its retry: a script that goes on after one
 * (pcall(string.rep, "x", 2^26)) has hit the limit all the same. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	run_ctx *c = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		arena_realloc(&c->mem, ptr, old, 0);
		c->used -= old;
		return NULL;
	}
	if (nsize > old) {
		if (c->tripped)
			return NULL;
		if (c->mem_pending && nsize != c->pending_n) {
			trip(c, T_MEM); /* the refusal was not retried */
			return NULL;
		}
		/* the clock, from inside C calls that grow (string.rep, gsub,
		 * table.concat): every 64th growth and every large one */
		if (((++c->nalloc & 63) == 0 || nsize >= 64 * KIB) &&
		    now_ns() > c->deadline) {
			trip(c, T_TIME);
			return NULL;
		}
		if (nsize - old > c->mem_max - c->used) {
			if (c->mem_pending)
				trip(c, T_MEM);
			c->mem_pending = 1;
			c->pending_n = nsize;
			return NULL;
		}
	}
	void *p = arena_realloc(&c->mem, ptr, old, nsize);
	if (!p) {
		if (nsize > old) {
			c->host_oom = 1;
			return NULL;
		}
		p = ptr; /* a shrink must not fail: keep the larger block */
	}
	c->used = c->used - old + nsize;
	if (nsize > old)
		c->mem_pending = 0;
	return p;
}

static run_ctx *ctx_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* The count hook: spends the budget, watches the clock, restarts the
 * collector once the run has used gc_resume, and once a limit is hit
 * raises on every instruction.
 *
 * The collector of a run is stopped at first: a run that uses little
 * would spend more on collecting (its libraries, again and again, as they
 * grow) than it ever frees. Stopping it does not lift the cap: when
 * sb_alloc refuses an allocation, Lua makes an emergency full collection
 * (stopped or not) and asks again, and only a second refusal is the
 * limit. The restart is for a script that makes much garbage, which would
 * otherwise be collected only at the cap. */
static void sb_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	run_ctx *c = ctx_of(L);
	if (!c->tripped) {
		c->instr += (uint64_t)c->step;
		if (c->instr >= c->instr_max)
			trip(c, T_INSTR);
		else if (now_ns() > c->deadline)
			trip(c, T_TIME);
		else {
			if (c->gc_resume && c->used > c->gc_resume) {
				c->gc_resume = 0;
				lua_gc(L, LUA_GCRESTART);
			}
			return;
		}
	}
	if (c->step != 1) {
		c->step = 1;
		lua_sethook(L, sb_hook, LUA_MASKCOUNT, 1);
	}
	luaL_error(L, "the script went over a limit");
}

/* ---- the read-only views -----------------------------------------------
 * A view is an empty table (so that type() says "table", as scripts
 * expect) with one shared, protected metatable. Every read goes through
 * __index, which converts one value of the borrowed json_t. Each node
 * gets one view per run, made when first reached, so that case.facts ==
 * case.facts: the views are held, in the order made, by one table of the
 * run (upvalue 1 of the metamethods, "ids"), which keeps every one of them
 * alive to the end of the run; and the host maps a node to its view's
 * index in ids, and a view (its table's address, stable while ids holds
 * it) to its node, in two open-addressing tables of its own, charged to
 * the run's memory. A node key is the node's address plus 1 for the
 * rules. */

enum { W_CASE = 0, W_RULES = 1 };

struct vslot {
	const void *key; /* a node key or a view's address; NULL: free */
	uintptr_t val;   /* the index in ids, or the node key */
};

static void *view_key(const json_t *j, int what)
{
	return (char *)(uintptr_t)j + what; /* nodes are aligned: bit 0 free */
}

static size_t vslot_of(const struct vslot *t, size_t cap, const void *key)
{
	uintptr_t h = (uintptr_t)key >> 4;
	size_t i = (size_t)(h * 0x9E3779B97F4A7C15ULL) & (cap - 1);
	while (t[i].key && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return i;
}

static uintptr_t vmap_get(const run_ctx *c, const struct vslot *t,
                          const void *key)
{
	if (!c->vcap)
		return 0;
	const struct vslot *s = &t[vslot_of(t, c->vcap, key)];
	return s->key ? s->val : 0;
}

/* Room for one more view in both maps: 0, or -1 if the run's memory
 * cannot hold it (the limit is then hit) or the host's cannot. */
static int vmap_room(run_ctx *c)
{
	if (2 * (c->nviews + 1) <= c->vcap)
		return 0;
	size_t cap = c->vcap ? 2 * c->vcap : 64;
	size_t bytes = 2 * cap * sizeof(struct vslot);
	size_t old = 2 * c->vcap * sizeof(struct vslot);
	if (bytes - old > c->mem_max - c->used) {
		trip(c, T_MEM);
		return -1;
	}
	struct vslot *n = calloc(cap, sizeof *n), *t = calloc(cap, sizeof *t);
	if (!n || !t) {
		free(n);
		free(t);
		c->host_oom = 1;
		return -1;
	}
	for (size_t i = 0; i < c->vcap; i++) {
		if (c->by_node[i].key)
			n[vslot_of(n, cap, c->by_node[i].key)] = c->by_node[i];
		if (c->by_table[i].key)
			t[vslot_of(t, cap, c->by_table[i].key)] =
			    c->by_table[i];
	}
	free(c->by_node);
	free(c->by_table);
	c->by_node = n;
	c->by_table = t;
	c->vcap = cap;
	c->used += bytes - old;
	return 0;
}

/* The node behind the view at idx (NULL if it is not one). */
static const json_t *view_node(lua_State *L, run_ctx *c, int idx, int *what)
{
	if (lua_type(L, idx) != LUA_TTABLE)
		return NULL;
	uintptr_t k = vmap_get(c, c->by_table, lua_topointer(L, idx));
	if (!k)
		return NULL;
	*what = (int)(k & 1);
	return (const json_t *)(k - (uintptr_t)*what);
}

static void push_json(lua_State *L, run_ctx *c, const json_t *j, int what,
                      int ids, int mt)
{
	switch (json_typeof(j)) {
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(j), json_string_length(j));
		return;
	case JSON_INTEGER: lua_pushinteger(L, json_integer_value(j)); return;
	case JSON_REAL: lua_pushnumber(L, json_real_value(j)); return;
	case JSON_TRUE: lua_pushboolean(L, 1); return;
	case JSON_FALSE: lua_pushboolean(L, 0); return;
	case JSON_NULL: lua_pushnil(L); return;
	case JSON_OBJECT:
	case JSON_ARRAY: break;
	}
	void *key = view_key(j, what);
	uintptr_t i = vmap_get(c, c->by_node, key);
	if (i) {
		lua_rawgeti(L, ids, (lua_Integer)i);
		return;
	}
	/* the table first, held by ids: only then may the host map its
	 * address (an address Lua could free and reuse is never mapped) */
	lua_createtable(L, 0, 0);
	lua_pushvalue(L, mt);
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawseti(L, ids, (lua_Integer)c->nviews + 1);
	if (vmap_room(c) != 0)
		luaL_error(L, "not enough memory");
	i = ++c->nviews;
	c->by_node[vslot_of(c->by_node, c->vcap, key)] = (struct vslot){key, i};
	const void *t = lua_topointer(L, -1);
	c->by_table[vslot_of(c->by_table, c->vcap, t)] =
	    (struct vslot){t, (uintptr_t)key};
}

#define IDS lua_upvalueindex(1)
#define MT lua_upvalueindex(2)

static int view_index(lua_State *L)
{
	int what;
	run_ctx *c = ctx_of(L);
	const json_t *j = view_node(L, c, 1, &what), *v = NULL;
	if (json_is_object(j) && lua_type(L, 2) == LUA_TSTRING) {
		size_t n;
		const char *k = lua_tolstring(L, 2, &n);
		v = json_object_getn(j, k, n);
	} else if (json_is_array(j) && lua_type(L, 2) == LUA_TNUMBER) {
		int isint;
		lua_Integer i = lua_tointegerx(L, 2, &isint);
		if (isint && i >= 1 && (lua_Unsigned)i <= json_array_size(j))
			v = json_array_get(j, (size_t)i - 1);
	}
	if (!v)
		return 0;
	push_json(L, c, v, what, IDS, MT);
	return 1;
}

static int view_readonly(lua_State *L, int what)
{
	return luaL_error(L, "%s",
	                  what == W_RULES ? "rules are read-only"
	                                  : "case is read-only");
}

static int view_newindex(lua_State *L)
{
	int what = W_CASE;
	view_node(L, ctx_of(L), 1, &what);
	return view_readonly(L, what);
}

static int view_len(lua_State *L)
{
	int what;
	const json_t *j = view_node(L, ctx_of(L), 1, &what);
	lua_pushinteger(L,
	                json_is_array(j) ? (lua_Integer)json_array_size(j) : 0);
	return 1;
}

static int view_tostring(lua_State *L)
{
	int what = W_CASE;
	view_node(L, ctx_of(L), 1, &what);
	lua_pushstring(L, what == W_RULES ? "rules (read-only)"
	                                  : "case (read-only)");
	return 1;
}

/* pairs(view): objects in their stored order, arrays 1..n; null members
 * are skipped, as a table holds no nil. */
static int view_next(lua_State *L)
{
	int what;
	run_ctx *c = ctx_of(L);
	const json_t *j = view_node(L, c, 1, &what);
	if (!j)
		return luaL_argerror(L, 1, "not a case or rules view");
	lua_settop(L, 2);
	if (json_is_object(j)) {
		json_t *o = (json_t *)(uintptr_t)j; /* iteration only reads */
		void *it;
		if (lua_isnil(L, 2)) {
			it = json_object_iter(o);
		} else {
			if (lua_type(L, 2) != LUA_TSTRING ||
			    !(it = json_object_iter_at(o, lua_tostring(L, 2))))
				return luaL_error(L, "invalid key to 'next'");
			it = json_object_iter_next(o, it);
		}
		while (it && json_is_null(json_object_iter_value(it)))
			it = json_object_iter_next(o, it);
		if (!it)
			return 0;
		lua_pushlstring(L, json_object_iter_key(it),
		                json_object_iter_key_len(it));
		push_json(L, c, json_object_iter_value(it), what, IDS, MT);
		return 2;
	}
	if (json_is_array(j)) {
		size_t i = 0, n = json_array_size(j);
		if (!lua_isnil(L, 2)) {
			lua_Integer k = luaL_checkinteger(L, 2);
			if (k < 0)
				return luaL_error(L, "invalid key to 'next'");
			i = (size_t)k;
		}
		while (i < n && json_is_null(json_array_get(j, i)))
			i++;
		if (i >= n)
			return 0;
		lua_pushinteger(L, (lua_Integer)i + 1);
		push_json(L, c, json_array_get(j, i), what, IDS, MT);
		return 2;
	}
	return 0;
}

static int view_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1)); /* view_next */
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* rawset would write into a view's (empty) table behind __newindex. */
static int sb_rawset(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	int what;
	if (view_node(L, ctx_of(L), 1, &what))
		return view_readonly(L, what);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

/* ---- the library as scripts see it ------------------------------------ */

/* setmetatable, refusing a metatable with __gc. Lua runs finalizers with
 * hooks off (lgc.c, GCTM), so a looping __gc would be out of reach of
 * the instruction budget and the clock. An object is marked for
 * finalization only when setmetatable sees __gc, so a __gc added to the
 * metatable later is never called. */
static int sb_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2,
	                 "nil or table");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: __gc metamethods "
			                     "are not allowed in scripts");
		lua_pop(L, 1);
	}
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

static void out_add(run_ctx *c, const char *s, size_t n)
{
	if (!c->out && !(c->out = malloc(PRINT_MAX)))
		return; /* output is a courtesy: lose it, not the run */
	if (n > PRINT_MAX - c->out_len)
		n = PRINT_MAX - c->out_len;
	memcpy(c->out + c->out_len, s, n);
	c->out_len += n;
}

static int sb_print(lua_State *L)
{
	run_ctx *c = ctx_of(L);
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s = luaL_tolstring(L, i, &len);
		if (i > 1)
			out_add(c, "\t", 1);
		out_add(c, s, len);
		lua_pop(L, 1);
	}
	out_add(c, "\n", 1);
	return 0;
}

static int sb_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");
	if (strcmp(opt, "count") != 0)
		return luaL_error(L, "collectgarbage: only \"count\" is "
		                     "allowed in a script");
	int kb = lua_gc(L, LUA_GCCOUNT), b = lua_gc(L, LUA_GCCOUNTB);
	lua_pushnumber(L, (lua_Number)kb + (lua_Number)b / 1024);
	return 1;
}

/* load(chunk [, chunkname [, mode [, env]]]): source text only, whatever
 * the mode says; no reader functions, no binary chunks. */
static int sb_load(lua_State *L)
{
	size_t n;
	if (lua_type(L, 1) != LUA_TSTRING)
		return luaL_error(L, "load: only a source text string is "
		                     "allowed in a script");
	const char *s = lua_tolstring(L, 1, &n);
	if (n > 0 && s[0] == LUA_SIGNATURE[0])
		return luaL_error(L, "load: binary chunks are not allowed in "
		                     "a script");
	const char *chunkname = luaL_optstring(L, 2, s);
	int env = !lua_isnone(L, 4) ? 4 : 0;
	if (luaL_loadbufferx(L, s, n, chunkname, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2; /* nil, message: as the standard load */
	}
	if (env) {
		lua_pushvalue(L, env);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
	}
	return 1;
}

static const char *const FORBIDDEN[] = {
    "io", "os", "package", "require", "debug", "dofile", "loadfile",
};

/* Seed math.random (the math table at the top) with the run's seed. */
static void seed_random(lua_State *L, const run_ctx *c)
{
	lua_getfield(L, -1, "randomseed");
	lua_Integer seed;
	memcpy(&seed, &c->seed, sizeof seed);
	lua_pushinteger(L, seed);
	lua_call(L, 1, 0);
}

/* Libraries a script gets when it first reads their name: opening all
 * five in every state was a fifth of a run, and most scripts use two or
 * three. Once opened, one is a global like any other. */
static const struct {
	const char *name;
	lua_CFunction open;
} LAZY[] = {{LUA_TABLIBNAME, luaopen_table},
            {LUA_MATHLIBNAME, luaopen_math},
            {LUA_UTF8LIBNAME, luaopen_utf8}};

/* __index of the globals (the table at 1): a library not opened yet is
 * opened and set; a forbidden name is an error that names it, so the
 * finding says what the script reached for; any other absent global is
 * nil as usual. */
static int sb_global_index(lua_State *L)
{
	if (lua_type(L, 2) != LUA_TSTRING)
		return 0;
	const char *k = lua_tostring(L, 2);
	for (size_t i = 0; i < sizeof LAZY / sizeof *LAZY; i++) {
		if (strcmp(k, LAZY[i].name) != 0)
			continue;
		lua_pushcfunction(L, LAZY[i].open);
		lua_pushvalue(L, 2);
		lua_call(L, 1, 1);
		if (LAZY[i].open == luaopen_math)
			seed_random(L, ctx_of(L));
		lua_pushvalue(L, 2);
		lua_pushvalue(L, -2);
		lua_rawset(L, 1);
		return 1;
	}
	for (size_t i = 0; i < sizeof FORBIDDEN / sizeof *FORBIDDEN; i++)
		if (!strcmp(k, FORBIDDEN[i]))
			return luaL_error(L, "'%s' is not available to scripts",
			                  k);
	return 0;
}

/* finding{standard=, severity=, code=, message=, refs=, outline_item=}.
 * Any fault is a limit of its own: the run ends as script_bad_finding
 * even if the script catches the error. */
static int bad_finding(lua_State *L, run_ctx *c, const char *why)
{
	if (!c->tripped)
		c->why = why;
	trip(c, T_FINDING);
	return luaL_error(L, "finding: %s", why);
}

static const char *const FIELDS[] = {"standard", "severity", "code",
                                     "message",  "refs",     "outline_item"};
enum { F_STD = 2, F_SEV, F_CODE, F_MSG, F_REFS, F_OUT, F_REF0 };

static int lua_text_ok(lua_State *L, int idx)
{
	size_t n;
	const char *s = lua_tolstring(L, idx, &n);
	return !memchr(s, 0, n) && sl_utf8_valid(s, n);
}

static json_t *lua_json_str(lua_State *L, int idx)
{
	size_t n;
	const char *s = lua_tolstring(L, idx, &n);
	return json_stringn(s, n);
}

static int sb_finding(lua_State *L)
{
	run_ctx *c = ctx_of(L);
	/* 1. gather: everything that may run script code or raise, before
	 * any C resource is held */
	lua_settop(L, 1);
	if (lua_type(L, 1) != LUA_TTABLE)
		return bad_finding(L, c, "takes one table: finding{...}");
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING ||
		    !one_of(lua_tostring(L, -1), FIELDS, 6))
			return bad_finding(L, c,
			                   "unknown field (allowed: standard, "
			                   "severity, code, message, refs, "
			                   "outline_item)");
	}
	for (int i = 0; i < 6; i++)
		lua_getfield(L, 1, FIELDS[i]); /* at F_STD .. F_OUT */
	lua_Integer nrefs = 0;
	if (lua_type(L, F_REFS) == LUA_TTABLE) {
		nrefs = luaL_len(L, F_REFS);
		if (nrefs < 0 || nrefs > REFS_MAX)
			return bad_finding(L, c,
			                   "'refs' must be a list of at "
			                   "most 64 strings");
		luaL_checkstack(L, (int)nrefs + 4, "finding");
		for (lua_Integer i = 1; i <= nrefs; i++)
			lua_geti(L, F_REFS, i);
	} else if (!lua_isnil(L, F_REFS)) {
		return bad_finding(L, c, "'refs' must be a list of strings");
	}
	/* 2. types and encodings, still holding nothing */
	for (int i = F_STD; i <= F_MSG; i++)
		if (lua_type(L, i) != LUA_TSTRING)
			return bad_finding(L, c,
			                   "standard, severity, code and "
			                   "message must be strings");
	if (!lua_isnil(L, F_OUT) && lua_type(L, F_OUT) != LUA_TSTRING)
		return bad_finding(L, c, "'outline_item' must be a string");
	for (int i = F_REF0; i < F_REF0 + nrefs; i++)
		if (lua_type(L, i) != LUA_TSTRING)
			return bad_finding(L, c,
			                   "'refs' must be a list of "
			                   "strings");
	for (int i = F_STD; i < F_REF0 + nrefs; i++)
		if (i != F_REFS && !lua_isnil(L, i) && !lua_text_ok(L, i))
			return bad_finding(L, c,
			                   "a text is not valid UTF-8 "
			                   "or contains NUL");
	if (json_array_size(c->found) >= FINDINGS_MAX)
		return bad_finding(L, c, "more than 1000 findings in one run");
	/* 3. build (no Lua call can raise from here to the append) */
	json_t *refs = json_array();
	for (int i = F_REF0; refs && i < F_REF0 + nrefs; i++)
		if (json_array_append_new(refs, lua_json_str(L, i)) != 0) {
			json_decref(refs);
			refs = NULL;
		}
	json_t *f = json_pack(
	    "{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "check", c->script->name,
	    "standard", lua_json_str(L, F_STD), "severity",
	    lua_json_str(L, F_SEV), "code", lua_json_str(L, F_CODE), "message",
	    lua_json_str(L, F_MSG), "refs", refs, "outline_item",
	    lua_isnil(L, F_OUT) ? json_null() : lua_json_str(L, F_OUT));
	if (!f) {
		c->host_oom = 1;
		return luaL_error(L, "finding: out of memory");
	}
	size_t bytes = 0;
	const char *why = finding_problem(f, c->script->name, &bytes);
	if (!why && bytes > FINDINGS_BYTES - c->found_bytes)
		why = "the findings of one run exceed 1 MiB of text";
	if (why) {
		json_decref(f);
		return bad_finding(L, c, why);
	}
	if (json_array_append_new(c->found, f) != 0) {
		c->host_oom = 1;
		return luaL_error(L, "finding: out of memory");
	}
	c->found_bytes += bytes;
	return 0;
}

/* Open the allowed libraries and shape them. Called protected. */
static void setup(lua_State *L, run_ctx *c)
{
	/* a presized globals table: base fills it without rehashing */
	lua_createtable(L, 0, 48);
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	/* table, math and utf8 wait until a script asks (sb_global_index);
	 * string is needed at once, by the strings' metatable */
	static const struct {
		const char *name;
		lua_CFunction open;
	} libs[] = {{"_G", luaopen_base}, {LUA_STRLIBNAME, luaopen_string}};
	for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
		lua_pushcfunction(L, libs[i].open);
		lua_pushstring(L, libs[i].name);
		lua_call(L, 1, 1);
		if (i)
			lua_setglobal(L, libs[i].name);
		else
			lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	int G = lua_gettop(L);
	static const char *const drop[] = {"dofile", "loadfile", "loadstring"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++) {
		lua_pushnil(L);
		lua_setfield(L, G, drop[i]);
	}
	lua_pushcfunction(L, sb_load);
	lua_setfield(L, G, "load");
	lua_pushcfunction(L, sb_print);
	lua_setfield(L, G, "print");
	lua_pushcfunction(L, sb_collectgarbage);
	lua_setfield(L, G, "collectgarbage");
	lua_pushcfunction(L, sb_finding);
	lua_setfield(L, G, "finding");
	lua_pushcfunction(L, sb_setmetatable);
	lua_setfield(L, G, "setmetatable");

	/* string: no dump; its metatable out of reach (getmetatable("")
	 * gives false, whose indexing is an error) */
	lua_getfield(L, G, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	/* the views: ids, their metatable, the metamethods */
	lua_createtable(L, 16, 0);
	int ids = lua_gettop(L);
	lua_createtable(L, 0, 6);
	int mt = lua_gettop(L);
	lua_pushvalue(L, ids);
	lua_pushvalue(L, mt);
	lua_pushcclosure(L, view_index, 2);
	lua_setfield(L, mt, "__index");
	lua_pushcfunction(L, view_newindex);
	lua_setfield(L, mt, "__newindex");
	lua_pushcfunction(L, view_len);
	lua_setfield(L, mt, "__len");
	lua_pushcfunction(L, view_tostring);
	lua_setfield(L, mt, "__tostring");
	lua_pushvalue(L, ids);
	lua_pushvalue(L, mt);
	lua_pushcclosure(L, view_next, 2);
	lua_pushcclosure(L, view_pairs, 1);
	lua_setfield(L, mt, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, mt, "__metatable");
	lua_pushcfunction(L, sb_rawset);
	lua_setfield(L, G, "rawset");
	if (c->rules)
		push_json(L, c, c->rules, W_RULES, ids, mt);
	else
		lua_pushnil(L);
	lua_setfield(L, G, "rules");

	/* last, the globals' own protected metatable */
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, sb_global_index);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, G);
	/* leaves G, ids, mt on the stack for the driver */
}

/* The host's reader of a compiled script's dump: the whole of it, once.
 * Only sb_driver uses it, and only for an sl_script's code. */
typedef struct {
	const sl_script *s;
	int done;
} dump_reader;

static const char *read_dump(lua_State *L, void *ud, size_t *size)
{
	(void)L;
	dump_reader *r = ud;
	if (r->done) {
		*size = 0;
		return NULL;
	}
	r->done = 1;
	*size = r->s->len;
	return (const char *)r->s->code;
}

/* The whole run, protected by one lua_pcall: setup, load the compiled
 * function (the host's dump, mode "b"), run the chunk, call check(case). */
static int sb_driver(lua_State *L)
{
	run_ctx *c = lua_touserdata(L, 1);
	lua_settop(L, 0);
	setup(L, c); /* 1 = G, 2 = ids, 3 = mt */
	c->phase = PH_LOAD;
	dump_reader rd = {c->script, 0};
	if (lua_load(L, read_dump, &rd, c->script->chunkname, "b") != LUA_OK)
		return lua_error(L);
	c->phase = PH_RUN;
	lua_call(L, 0, 0);
	lua_pushliteral(L, "check");
	if (lua_rawget(L, 1) != LUA_TFUNCTION) {
		c->no_check = 1;
		return 0;
	}
	if (c->case_view)
		push_json(L, c, c->case_view, W_CASE, 2, 3);
	else
		lua_pushnil(L);
	lua_call(L, 1, 0);
	return 0;
}

/* print() output as a C string: invalid UTF-8 and NUL become '?'. */
static char *printed_text(const run_ctx *c)
{
	char *s = malloc(c->out_len + 1);
	if (!s)
		return NULL;
	size_t i = 0;
	while (i < c->out_len) {
		const char *p = c->out + i;
		size_t left = c->out_len - i, k = 1;
		unsigned char b = (unsigned char)*p;
		if (b >= 0x80)
			k = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
		if (k > left || !sl_utf8_valid(p, k) || b == 0) {
			s[i++] = '?';
			continue;
		}
		memcpy(s + i, p, k);
		i += k;
	}
	s[c->out_len] = 0;
	return s;
}

static json_t *memory_blocker(const char *name, const sl_sandbox_limits *l)
{
	char what[32];
	fmt_bytes(l->mem_max, what);
	return blocker(name, "script_memory", "脚本 %s 超出内存限制（%s）",
	               name, what);
}

static json_t *timeout_blocker(const char *name, int64_t wall_ms)
{
	return blocker(name, "script_timeout",
	               "脚本 %s 超出时间限制（%lld 毫秒）", name,
	               (long long)wall_ms);
}

static int src_ok(const sl_script_src *src)
{
	return src && name_ok(src->name) && (src->src || !src->len);
}

static sl_rc bad_src(void)
{
	return sl_error(SL_EINPUT, _("sandbox: a script needs a name of "
	                             "1 to 64 printable bytes and a source"));
}

typedef struct {
	unsigned char *p;
	size_t n, cap;
} dump_buf;

/* lua_dump's writer: into host memory (malloc), never into the state */
static int dump_write(lua_State *L, const void *p, size_t n, void *ud)
{
	(void)L;
	dump_buf *b = ud;
	if (n > b->cap - b->n) {
		size_t nc = b->cap ? b->cap : 4096;
		while (nc - b->n < n && nc < SIZE_MAX / 2)
			nc *= 2;
		unsigned char *np = nc - b->n >= n ? realloc(b->p, nc) : NULL;
		if (!np)
			return 1;
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

/* Compile src in text mode in a scratch state capped at l->mem_max and
 * the deadline. No code of the script runs there: the state only holds
 * what the compiler makes, which lua_dump copies out. */
static sl_rc compile(const sl_script_src *src, const sl_sandbox_limits *l,
                     int64_t deadline, sl_script **out)
{
	*out = NULL;
	if (!src_ok(src))
		return bad_src();
	sl_script *s = calloc(1, sizeof *s);
	if (!s)
		return sl_error(SL_ESYS, _("out of memory"));
	size_t nl = strlen(src->name); /* name_ok: at most NAME_MAX_ */
	memcpy(s->name, src->name, nl);
	s->chunkname[0] = '=';
	memcpy(s->chunkname + 1, src->name, nl);
	const char *text = src->src ? src->src : "";
	if (!sl_utf8_valid(text, src->len)) {
		s->broken = B_UTF8;
		*out = s;
		return SL_OK;
	}
	run_ctx c = {0};
	c.mem_max = l->mem_max;
	c.deadline = deadline;
	dump_buf b = {0};
	int st = LUA_ERRMEM, dump_oom = 0;
	lua_State *L = lua_newstate(sb_alloc, &c);
	if (L) {
		c.L = L;
		st = luaL_loadbufferx(L, text, src->len, s->chunkname, "t");
		if (st == LUA_OK)
			dump_oom = lua_dump(L, dump_write, &b, 0) != 0;
		else if (lua_type(L, -1) == LUA_TSTRING) {
			size_t n;
			const char *m = lua_tolstring(L, -1, &n);
			quote(m, n, s->err);
		}
	}
	arena_release(&c.mem); /* the state, whole (see run) */
	if (c.host_oom || dump_oom) {
		free(b.p);
		free(s);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	if (st == LUA_OK) {
		s->code = b.p;
		s->len = b.n;
	} else if (c.tripped == T_MEM || (!c.tripped && st == LUA_ERRMEM)) {
		s->broken = B_MEM;
	} else if (c.tripped == T_TIME || now_ns() > deadline) {
		s->broken = B_TIME;
	} else {
		s->broken = B_SYNTAX;
	}
	if (st != LUA_OK)
		free(b.p);
	*out = s;
	return SL_OK;
}

sl_rc sl_script_compile(const sl_script_src *src, sl_script **out)
{
	sl_sandbox_limits l;
	sl_sandbox_defaults(&l);
	return compile(src, &l, now_ns() + l.wall_ms * 1000000, out);
}

void sl_script_free(sl_script *s)
{
	if (s) {
		free(s->code);
		free(s);
	}
}

/* The run of a script that did not compile: the one blocker an
 * uncompiled run gives, without a state. */
static sl_rc run_broken(const sl_script *s, const sl_sandbox_limits *l,
                        int64_t deadline, json_t *findings, char **printed)
{
	const char *name = s->name;
	json_t *f;
	if (s->broken == B_UTF8)
		f = blocker(name, "script_error",
		            "脚本 %s 的源码不是有效的 UTF-8 文本", name);
	else if (s->broken == B_MEM)
		f = memory_blocker(name, l);
	else if (s->broken == B_TIME || now_ns() > deadline)
		f = timeout_blocker(name, l->wall_ms);
	else
		f = blocker(name, "script_error", "脚本 %s 无法编译：%s", name,
		            s->err);
	if (printed && !(*printed = strdup(""))) {
		json_decref(f);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	sl_rc rc = append_new(findings, f);
	if (rc && printed) {
		free(*printed);
		*printed = NULL;
	}
	return rc;
}

/* One run of a compiled script in a fresh state, against deadline. */
static sl_rc run(const sl_script *s, const json_t *case_view,
                 const json_t *rules, const sl_sandbox_limits *l, uint64_t seed,
                 int64_t deadline, json_t *findings, char **printed)
{
	if (s->broken)
		return run_broken(s, l, deadline, findings, printed);
	const char *name = s->name;
	run_ctx c = {0};
	c.mem_max = l->mem_max;
	c.instr_max = l->instr_max;
	c.step = l->instr_max < HOOK_STEP ? (int)l->instr_max : HOOK_STEP;
	c.script = s;
	c.case_view = case_view;
	c.rules = rules;
	c.seed = seed;
	c.found = json_array();
	if (!c.found)
		return sl_error(SL_ESYS, _("out of memory"));
	c.deadline = deadline;

	int st = LUA_ERRMEM, over_time;
	char err[ERRTEXT_MAX] = "";
	lua_State *L = lua_newstate(sb_alloc, &c);
	if (L) {
		c.L = L;
		/* the collector waits until the run has used gc_resume
		 * (see sb_hook) */
		lua_gc(L, LUA_GCSTOP);
		c.gc_resume =
		    l->mem_max / 4 < GC_RESUME ? l->mem_max / 4 : GC_RESUME;
		lua_sethook(L, sb_hook, LUA_MASKCOUNT, c.step);
		lua_pushcfunction(L, sb_driver);
		lua_pushlightuserdata(L, &c);
		st = lua_pcall(L, 1, 0, 0);
		if (st != LUA_OK) {
			size_t n;
			const char *m = lua_type(L, -1) == LUA_TSTRING
			                    ? lua_tolstring(L, -1, &n)
			                    : NULL;
			if (m)
				quote(m, n, err);
			else
				snprintf(err, sizeof err,
				         "(error object is a %s value)",
				         luaL_typename(L, -1));
		}
	}
	over_time = now_ns() > c.deadline;
	/* a refusal that was never retried, at the very end of the run */
	if (c.mem_pending && !c.tripped)
		c.tripped = T_MEM;
	/* The state is let go whole, never lua_close'd: all its memory is
	 * the arena's (sb_alloc), it holds nothing else (no file, no
	 * finalizer: sb_setmetatable refuses __gc), and nothing of it is
	 * needed any more. lua_close would walk every object to free it
	 * (an eighth of a run) and could call a pending __close: this way no
	 * code of the script can run after its verdict. */
	arena_release(&c.mem);
	free(c.by_node);
	free(c.by_table);

	sl_rc rc = SL_OK;
	json_t *f = NULL;
	if (c.host_oom) {
		rc = sl_error(SL_ESYS, _("out of memory"));
	} else if (c.tripped == T_MEM || (!c.tripped && st == LUA_ERRMEM)) {
		f = memory_blocker(name, l);
	} else if (c.tripped == T_INSTR) {
		f = blocker(name, "script_instructions",
		            "脚本 %s 超出指令数限制（%llu 条指令）", name,
		            (unsigned long long)l->instr_max);
	} else if (c.tripped == T_TIME || over_time) {
		f = timeout_blocker(name, l->wall_ms);
	} else if (c.tripped == T_FINDING) {
		f = blocker(name, "script_bad_finding",
		            "脚本 %s 报告的审查意见格式错误：%s", name, c.why);
	} else if (st != LUA_OK) {
		f = blocker(name, "script_error",
		            c.phase == PH_LOAD ? "脚本 %s 无法编译：%s"
		                               : "脚本 %s 运行出错：%s",
		            name, err);
	} else if (c.no_check) {
		f = blocker(name, "script_no_check",
		            "脚本 %s 没有定义全局函数 check(case)", name);
	}
	/* A failed run reports its failure only: what it found before is
	 * dropped, so the outcome does not depend on how far it got. */
	if (!rc && f)
		rc = append_new(findings, f);
	else if (!rc && json_array_extend(findings, c.found) != 0)
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (!rc && printed && !(*printed = printed_text(&c)))
		rc = sl_error(SL_ESYS, _("out of memory"));
	json_decref(c.found);
	free(c.out);
	return rc;
}

sl_rc sl_sandbox_run_compiled(const sl_script *s, const json_t *case_view,
                              const json_t *rules, const sl_sandbox_limits *lim,
                              uint64_t seed, json_t *findings, char **printed)
{
	if (printed)
		*printed = NULL;
	if (!s || !json_is_array(findings))
		return sl_error(SL_EINPUT,
		                _("sandbox: a compiled script and an array "
		                  "for the findings are needed"));
	sl_sandbox_limits l;
	limits_of(lim, &l);
	return run(s, case_view, rules, &l, seed,
	           now_ns() + l.wall_ms * 1000000, findings, printed);
}

/* Compile and run, the compile on the run's limits and clock: what an
 * uncompiled run always was. */
sl_rc sl_sandbox_run(const sl_script_src *script, const json_t *case_view,
                     const json_t *rules, const sl_sandbox_limits *lim,
                     uint64_t seed, json_t *findings, char **printed)
{
	if (printed)
		*printed = NULL;
	if (!src_ok(script) || !json_is_array(findings))
		return bad_src();
	sl_sandbox_limits l;
	limits_of(lim, &l);
	int64_t deadline = now_ns() + l.wall_ms * 1000000;
	sl_script *s;
	sl_rc rc = compile(script, &l, deadline, &s);
	if (rc)
		return rc;
	rc = run(s, case_view, rules, &l, seed, deadline, findings, printed);
	sl_script_free(s);
	return rc;
}

/* ---- the worker ---------------------------------------------------------
 * Its whole conversation: one request in on fd 0, then one line out on fd
 * 1 once confined ({"ready":true}) and one per script. */

#if defined(__x86_64__)
#define SB_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SB_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#if !SB_ASAN && defined(SB_AUDIT_ARCH)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif
#define ALLOW(nr)                                                              \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),                       \
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
/* nr allowed only without PROT_EXEC in its third argument */
#define ALLOW_NOEXEC(nr)                                                       \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4),                       \
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),                     \
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 1, 0),             \
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),                      \
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)

/* What running Lua and writing results needs, and nothing else: memory
 * (never executable), the clock, writing to the result pipe, exiting.
 * No open, no socket, no fork or exec, no read (the request was read
 * before this). Anything else kills the process (SIGSYS), which the
 * parent reports as a crash of that script. Syscall numbers are those of
 * the architecture checked first; x32 and i386 calls do not match. */
static int seccomp_install(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	             offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SB_AUDIT_ARCH, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	             offsetof(struct seccomp_data, nr)),
	    /* write: fd 1 (results) or 2 (/dev/null) only */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 0, 5),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    ALLOW_NOEXEC(__NR_mmap),
	    ALLOW_NOEXEC(__NR_mprotect),
	    ALLOW(__NR_brk),
	    ALLOW(__NR_munmap),
	    ALLOW(__NR_mremap),
	    ALLOW(__NR_madvise),
	    ALLOW(__NR_clock_gettime),
	    ALLOW(__NR_gettimeofday),
#ifdef __NR_time
	    ALLOW(__NR_time),
#endif
	    ALLOW(__NR_futex),
	    ALLOW(__NR_getrandom),
	    ALLOW(__NR_rt_sigreturn),
	    ALLOW(__NR_rt_sigprocmask),
	    ALLOW(__NR_close),
	    ALLOW(__NR_exit),
	    ALLOW(__NR_exit_group),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = {.len = (unsigned short)(sizeof f / sizeof *f),
	                          .filter = f};
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
#endif

#if !SB_ASAN
/* Bytes of address space in use now (0 if unknown). */
static size_t vm_size(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}
#endif

static int set_limit(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit r = {soft, hard};
	return setrlimit(res, &r);
}

/* Confine the worker for the n scripts to come. Fails closed: a worker
 * that cannot confine itself runs nothing. */
static int confine(size_t n, const sl_sandbox_limits *l)
{
	rlim_t secs =
	    (rlim_t)n * (rlim_t)((l->wall_ms + GRACE_MS) / 1000 + 1) + 2;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 ||
	    set_limit(RLIMIT_CORE, 0, 0) != 0 ||
	    set_limit(RLIMIT_FSIZE, 0, 0) != 0 ||
	    set_limit(RLIMIT_NOFILE, 8, 8) != 0 ||
	    set_limit(RLIMIT_CPU, secs, secs + 1) != 0)
		return -1;
#if !SB_ASAN
	/* what is mapped now (the parsed request), one state at a time
	 * with room for the collector, the output, and the allocator's
	 * slack */
	size_t as = vm_size() + 4 * l->mem_max + 256 * MIB;
	if (as < 512 * MIB)
		as = 512 * MIB;
	if (set_limit(RLIMIT_AS, as, as) != 0)
		return -1;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
#if !SB_ASAN
#ifdef SB_AUDIT_ARCH
	if (seccomp_install() != 0)
		return -1;
#else
	return -1; /* no filter for this architecture: refuse to run */
#endif
#endif
	return 0;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t k = write(fd, s, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

static int write_line(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int rc = s ? write_all(1, s, strlen(s)) : -1;
	if (!rc)
		rc = write_all(1, "\n", 1);
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
	pid_t pid;
	int to, from; /* request pipe (write end), result pipe (read end) */
	char *buf;    /* received, not yet consumed */
	size_t len, cap, scanned;
	int eof;
} worker;

enum { W_LINE = 1, W_DEAD = 0, W_TIMEOUT = -1, W_TOOLONG = -2, W_SYS = -3 };

static void fd_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static int ms_left(int64_t deadline)
{
	int64_t left = deadline - now_ns();
	if (left <= 0)
		return 0;
	left = (left + 999999) / 1000000;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* Wait for the worker to end (up to grace_ms, then SIGKILL); its wait
 * status, or -1 if it could not be had (SIGCHLD ignored reaps it). */
static int worker_reap(worker *w, int grace_ms)
{
	fd_close(&w->to);
	fd_close(&w->from);
	int status = -1;
	if (w->pid <= 0)
		return -1;
	int64_t until = now_ns() + (int64_t)grace_ms * 1000000;
	for (;;) {
		pid_t r = waitpid(w->pid, &status, WNOHANG);
		if (r == w->pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (now_ns() >= until) {
			kill(w->pid, SIGKILL);
			while ((r = waitpid(w->pid, &status, 0)) < 0 &&
			       errno == EINTR)
				;
			if (r < 0)
				status = -1;
			break;
		}
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	w->pid = -1;
	return status;
}

static void worker_kill(worker *w)
{
	if (w->pid > 0)
		kill(w->pid, SIGKILL);
	worker_reap(w, 0);
}

/* A descriptor of the child's, at 4 or above and close-on-exec, so that
 * placing the four standard ones cannot clobber another. */
static int high_fd(int fd)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 4);
}

static sl_rc worker_start(worker *w, const char *exe, char *const envp[])
{
	int req[2] = {-1, -1}, res[2] = {-1, -1}, st[2] = {-1, -1};
	int cfd[4] = {-1, -1, -1, -1}, null = -1, err = 0;
	if (pipe2(req, O_CLOEXEC) || pipe2(res, O_CLOEXEC) ||
	    pipe2(st, O_CLOEXEC) ||
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		err = errno;
	if (!err) {
		cfd[0] = high_fd(req[0]);
		cfd[1] = high_fd(res[1]);
#if SB_ASAN
		cfd[2] = high_fd(2); /* the sanitizer's reports, visible */
#else
		cfd[2] = high_fd(null);
#endif
		cfd[3] = high_fd(st[1]);
		for (int i = 0; i < 4; i++)
			if (cfd[i] < 0)
				err = errno;
	}
	char *argv[] = {(char *)(uintptr_t)exe,
	                (char *)(uintptr_t)SL_SANDBOX_WORKER_ARG, NULL};
	pid_t pid = err ? -1 : fork();
	if (pid == 0) {
		/* the child: async-signal-safe calls only, then exec */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int e = 0, sfd = cfd[3];
		if (dup2(cfd[0], 0) < 0 || dup2(cfd[1], 1) < 0 ||
		    dup2(cfd[2], 2) < 0 || dup3(cfd[3], 3, O_CLOEXEC) < 0)
			e = errno;
		else
			sfd = 3;
		if (!e && close_range(4, ~0U, 0) != 0) {
			struct rlimit r;
			int top = getrlimit(RLIMIT_NOFILE, &r) == 0 &&
			                  r.rlim_cur < 65536
			              ? (int)r.rlim_cur
			              : 65536;
			for (int fd = 4; fd < top; fd++)
				close(fd);
		}
		if (!e) {
			execve(exe, argv, envp);
			e = errno;
		}
		ssize_t wr = write(sfd, &e, sizeof e);
		(void)wr;
		_exit(127);
	}
	if (pid < 0 && !err)
		err = errno;
	for (int i = 0; i < 4; i++)
		fd_close(&cfd[i]);
	fd_close(&req[0]);
	fd_close(&res[1]);
	fd_close(&st[1]);
	fd_close(&null);
	if (!err) {
		/* the status pipe closes on a successful exec; an errno
		 * arrives if it failed */
		int e = 0;
		ssize_t k;
		while ((k = read(st[0], &e, sizeof e)) < 0 && errno == EINTR)
			;
		if (k == (ssize_t)sizeof e)
			err = e ? e : ENOEXEC;
	}
	fd_close(&st[0]);
	w->pid = pid;
	w->to = req[1];
	w->from = res[0];
	w->len = w->scanned = 0;
	w->eof = 0;
	if (!err && (fcntl(w->to, F_SETFL, O_NONBLOCK) != 0 ||
	             fcntl(w->from, F_SETFL, O_NONBLOCK) != 0))
		err = errno;
	if (err) {
		worker_kill(w); /* closes to and from */
		return sl_error(SL_ESYS,
		                _("cannot start the script worker %s: %s"), exe,
		                strerror(err));
	}
	return SL_OK;
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
		ssize_t k = read(w->from, w->buf + w->len, w->cap - w->len);
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
		struct pollfd p[2] = {{w->to, POLLOUT, 0},
		                      {w->from, POLLIN, 0}};
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
			ssize_t k = write(w->to, req + off, n - off);
			if (k > 0)
				off += (size_t)k;
			else if (k < 0 && errno == EPIPE)
				return W_DEAD;
			else if (k < 0 && errno != EAGAIN && errno != EINTR)
				return W_SYS;
		}
	}
	fd_close(&w->to);
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
		struct pollfd p = {w->from, POLLIN, 0};
		int t = ms_left(deadline);
		if (t <= 0)
			return W_TIMEOUT;
		int r = poll(&p, 1, t);
		if (r < 0 && errno != EINTR)
			return W_SYS;
		if (r > 0) {
			int d = worker_drain(w);
			if (d != W_LINE)
				return d;
		}
	}
}

static void worker_consume(worker *w, size_t n)
{
	memmove(w->buf, w->buf + n + 1, w->len - n - 1);
	w->len -= n + 1;
	w->scanned = 0;
}

static void how_it_died(int status, char *out, size_t cap)
{
	if (status != -1 && WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		const char *abbr = sigabbrev_np(sig);
		snprintf(out, cap, "信号 %d，SIG%s%s", sig, abbr ? abbr : "?",
		         sig == SIGSYS ? "：调用了安全策略不允许的系统调用"
		         : sig == SIGXCPU ? "：超出 CPU 时间限制"
		                          : "");
	} else if (status != -1 && WIFEXITED(status)) {
		snprintf(out, cap, "退出状态 %d", WEXITSTATUS(status));
	} else {
		snprintf(out, cap, "状态未知");
	}
}

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
		const char *why = finding_problem(x, name, &bytes);
		if (why)
			return why;
		total += bytes;
	}
	return total > FINDINGS_BYTES + TEXT_MAX ? "findings too large" : NULL;
}

static sl_rc result_blocker(sl_script_result *r, json_t *f)
{
	r->findings = json_array();
	r->passed = 0;
	r->printed = NULL;
	if (!r->findings || append_new(r->findings, f) != SL_OK) {
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

/* The environment of the worker: nothing, but in sanitizer builds the
 * sanitizer's options. */
static char **worker_env(void)
{
	static char *none[] = {NULL};
#if SB_ASAN
	static char *env[4];
	static const char *const keep[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS",
	                                   "LSAN_OPTIONS"};
	size_t k = 0;
	for (char **e = environ; e && *e; e++)
		for (size_t i = 0; i < 3; i++) {
			size_t n = strlen(keep[i]);
			if (!strncmp(*e, keep[i], n) && (*e)[n] == '=')
				env[k++] = *e;
		}
	env[k] = NULL;
	(void)none;
	return env;
#else
	return none;
#endif
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

/* One worker for todo[k..m-1]: returns with *k advanced past every
 * script that has a result (at least one, unless an error is returned). */
static sl_rc run_worker(session *s, size_t *k)
{
	strbuf req = {0};
	int bad = sb_add(&req, s->head, strlen(s->head)) ||
	          sb_add(&req, ",\"scripts\":[", 12);
	for (size_t i = *k; !bad && i < s->m; i++)
		bad = (i > *k && sb_add(&req, ",", 1)) ||
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
	worker w = {.pid = -1, .to = -1, .from = -1};
	sl_rc rc = worker_start(&w, s->exe, worker_env());
	if (rc) {
		free(req.s);
		return rc;
	}
	char how[160];
	const char *line;
	size_t n;
	int64_t deadline = now_ns() + (int64_t)START_MS * 1000000;
	int r = worker_send(&w, req.s, req.n, deadline);
	free(req.s);
	if (r == W_LINE)
		r = worker_line(&w, deadline, &line, &n);
	json_error_t jerr;
	json_t *ready = r == W_LINE ? json_loadb(line, n, 0, &jerr) : NULL;
	int ok = json_is_object(ready) && json_object_size(ready) == 1 &&
	         json_is_true(json_object_get(ready, "ready"));
	json_decref(ready);
	if (!ok) {
		if (r == W_TIMEOUT)
			kill(w.pid, SIGKILL);
		how_it_died(worker_reap(&w, r == W_DEAD ? REAP_MS : 0), how,
		            sizeof how);
		free(w.buf);
		return sl_error(SL_ESYS,
		                _("the script worker did not start (%s)"),
		                r == W_TIMEOUT ? "timeout" : how);
	}
	worker_consume(&w, n);

	for (; *k < s->m; ++*k) {
		size_t i = s->todo[*k];
		const char *name = s->scripts[i].name;
		sl_script_result *res = &s->results[i];
		deadline = now_ns() + (s->wall_ms + GRACE_MS) * 1000000;
		r = worker_line(&w, deadline, &line, &n);
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
		json_t *f;
		if (r == W_TIMEOUT) {
			worker_kill(&w);
			f = blocker(name, "script_timeout",
			            "脚本 %s 超出时间限制（%lld 毫秒）", name,
			            (long long)s->wall_ms);
		} else if (r == W_DEAD) {
			how_it_died(worker_reap(&w, REAP_MS), how, sizeof how);
			f = blocker(name, "script_crashed",
			            "脚本 %s 的运行进程异常终止（%s）", name,
			            how);
		} else if (r == W_SYS) {
			int e = errno;
			worker_kill(&w);
			rc = sl_error(SL_ESYS,
			              _("reading from the script worker: %s"),
			              strerror(e));
			break;
		} else {
			worker_kill(&w);
			f = blocker(name, "script_crashed",
			            "脚本 %s 的运行进程输出无效（%s）", name,
			            why ? why : "line too long");
		}
		rc = result_blocker(res, f);
		++*k;
		break;
	}
	if (w.pid > 0) {
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
		if (!name_ok(scripts[i].name) ||
		    (!scripts[i].src && scripts[i].len))
			return sl_error(
			    SL_EINPUT, _("sandbox: a script needs a name of 1 "
			                 "to 64 printable bytes and a source"));
	}
	sl_sandbox_limits l;
	limits_of(lim, &l);
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
			    blocker(sc->name, "script_error",
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

	/* A worker that dies writing to us must not kill us: SIGPIPE is
	 * blocked for the session, and one it raised is discarded. */
	sigset_t pipe_set, old, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	int was_pending = sigismember(&pending, SIGPIPE);
	session s = {worker_exe, scripts, todo,      m,
	             items,      head.s,  l.wall_ms, results};
	for (size_t k = 0; !rc && k < m;)
		rc = run_worker(&s, &k);
	if (!was_pending && !sigismember(&old, SIGPIPE)) {
		struct timespec zero = {0, 0};
		while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

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
