/*
 * luahost.c - the Lua host for consistency scripts. See luahost.h.
 *
 * A fresh lua_State per run whose allocator caps its memory, a count hook
 * that spends an instruction budget and watches the clock, the allocator
 * watching the clock too (so a string.rep or gsub that grows is stopped
 * inside the C call), a trimmed library set, and the case and rules as
 * lazy read-only views over the borrowed jansson trees. A limit, once
 * hit, is a flag of the run: the hook then fires on every instruction and
 * raises again, so pcall cannot swallow it, and the verdict is read from
 * the flag. The script's source is compiled once (compile), in a state of
 * its own, and each run loads the host's dump of it: compiling was most
 * of a run. A run is short and small (the gates use 20 to 50 KiB): its
 * collector starts only once it has used GC_RESUME, the cap holding all
 * the same (a refused allocation makes Lua collect), and its state is
 * released whole, not closed.
 *
 * What no hook can reach (a C library call that neither allocates nor
 * returns, a crash) is worker.c's: the same host in a confined process.
 */
#include "luahost.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "text.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

enum {
	PRINT_MAX = SL_SCRIPT_PRINT_MAX,
	FINDINGS_MAX = SL_SCRIPT_FINDINGS_MAX,
	HOOK_STEP = 1000,   /* instructions between two hook calls */
	ERRTEXT_MAX = 1024, /* bytes of a Lua error quoted in a message */
	NAME_MAX_ = SL_SCRIPT_NAME_MAX,
	CODE_MAX = 64, /* finding fields: spec/cli.md */
	TEXT_MAX = SL_SCRIPT_TEXT_MAX,
	REFS_MAX = 64, /* refs per finding */
};
#define FINDINGS_BYTES SL_SCRIPT_FINDINGS_BYTES
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

void sl_sandbox_limits_of(const sl_sandbox_limits *in, sl_sandbox_limits *out)
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

/* The same rule on both sides of the process boundary (luahost.h): on
 * what finding{} builds and, in the parent, on what a worker returns. */
const char *sl_script_finding_problem(const json_t *f, const char *check,
                                      size_t *bytes)
{
	if (!json_is_object(f) || json_object_size(f) != 7)
		return "审查意见只能有且必须有 standard、severity、code、"
		       "message、refs、outline_item 这些字段";
	const json_t *c = json_object_get(f, "check");
	const json_t *st = json_object_get(f, "standard");
	const json_t *sv = json_object_get(f, "severity");
	const json_t *code = json_object_get(f, "code");
	const json_t *msg = json_object_get(f, "message");
	const json_t *refs = json_object_get(f, "refs");
	const json_t *out = json_object_get(f, "outline_item");
	if (!c || !st || !sv || !code || !msg || !refs || !out)
		return "审查意见只能有且必须有 standard、severity、code、"
		       "message、refs、outline_item 这些字段";
	if (!json_is_string(c) || strcmp(json_string_value(c), check) != 0)
		return "'check' 不是本脚本的名称";
	if (!json_is_string(st) || !one_of(json_string_value(st), STANDARDS, 6))
		return "'standard' 只能是 facts、evidence、classification、"
		       "disposal、formalities、procedure 之一";
	if (!json_is_string(sv) ||
	    !one_of(json_string_value(sv), SEVERITIES, 3))
		return "'severity' 只能是 blocker、warning、note 之一";
	if (!str_ok(code, CODE_MAX, 1))
		return "'code' 须为 1 至 64 字节的可打印 UTF-8 文本";
	if (!str_ok(msg, TEXT_MAX, 0))
		return "'message' 须为 1 至 4096 字节的 UTF-8 文本";
	if (!json_is_null(out) && !str_ok(out, TEXT_MAX, 0))
		return "'outline_item' 须省略，或为 1 至 4096 字节的 "
		       "UTF-8 文本";
	if (!json_is_array(refs) || json_array_size(refs) > REFS_MAX)
		return "'refs' 须为至多 64 个字符串的列表";
	size_t n = json_string_length(code) + json_string_length(msg) +
	           (json_is_null(out) ? 0 : json_string_length(out));
	for (size_t i = 0; i < json_array_size(refs); i++) {
		const json_t *r = json_array_get(refs, i);
		if (!str_ok(r, CODE_MAX, 1))
			return "'refs' 的每一项须为 1 至 64 字节的"
			       "可打印 UTF-8 文本";
		n += json_string_length(r);
	}
	*bytes = n;
	return NULL;
}

/* The one blocker finding of a failed run (luahost.h). */
json_t *sl_script_blocker(const char *name, const char *code, const char *fmt,
                          ...)
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

int sl_script_name_ok(const char *name)
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
		return bad_finding(L, c, "只接受一个表参数：finding{...}");
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING ||
		    !one_of(lua_tostring(L, -1), FIELDS, 6))
			return bad_finding(L, c,
			                   "有未知字段（只允许 standard、"
			                   "severity、code、message、refs、"
			                   "outline_item）");
	}
	for (int i = 0; i < 6; i++)
		lua_getfield(L, 1, FIELDS[i]); /* at F_STD .. F_OUT */
	lua_Integer nrefs = 0;
	if (lua_type(L, F_REFS) == LUA_TTABLE) {
		nrefs = luaL_len(L, F_REFS);
		if (nrefs < 0 || nrefs > REFS_MAX)
			return bad_finding(L, c,
			                   "'refs' 须为至多 64 个"
			                   "字符串的列表");
		luaL_checkstack(L, (int)nrefs + 4, "finding");
		for (lua_Integer i = 1; i <= nrefs; i++)
			lua_geti(L, F_REFS, i);
	} else if (!lua_isnil(L, F_REFS)) {
		return bad_finding(L, c, "'refs' 须为字符串列表");
	}
	/* 2. types and encodings, still holding nothing */
	for (int i = F_STD; i <= F_MSG; i++)
		if (lua_type(L, i) != LUA_TSTRING)
			return bad_finding(L, c,
			                   "standard、severity、code 和 "
			                   "message 都须为字符串");
	if (!lua_isnil(L, F_OUT) && lua_type(L, F_OUT) != LUA_TSTRING)
		return bad_finding(L, c, "'outline_item' 须为字符串");
	for (int i = F_REF0; i < F_REF0 + nrefs; i++)
		if (lua_type(L, i) != LUA_TSTRING)
			return bad_finding(L, c,
			                   "'refs' 须为字符串"
			                   "列表");
	for (int i = F_STD; i < F_REF0 + nrefs; i++)
		if (i != F_REFS && !lua_isnil(L, i) && !lua_text_ok(L, i))
			return bad_finding(L, c,
			                   "有文本不是有效的 UTF-8，"
			                   "或含有 NUL 字符");
	if (json_array_size(c->found) >= FINDINGS_MAX)
		return bad_finding(L, c, "一次运行报告的审查意见超过 1000 条");
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
	const char *why = sl_script_finding_problem(f, c->script->name, &bytes);
	if (!why && bytes > FINDINGS_BYTES - c->found_bytes)
		why = "一次运行报告的审查意见文字超过 1 MiB";
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
	return sl_script_blocker(name, "script_memory",
	                         "脚本 %s 超出内存限制（%s）", name, what);
}

static json_t *timeout_blocker(const char *name, int64_t wall_ms)
{
	return sl_script_blocker(name, "script_timeout",
	                         "脚本 %s 超出时间限制（%lld 毫秒）", name,
	                         (long long)wall_ms);
}

static int src_ok(const sl_script_src *src)
{
	return src && sl_script_name_ok(src->name) && (src->src || !src->len);
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
		f = sl_script_blocker(name, "script_error",
		                      "脚本 %s 的源码不是有效的 UTF-8 文本",
		                      name);
	else if (s->broken == B_MEM)
		f = memory_blocker(name, l);
	else if (s->broken == B_TIME || now_ns() > deadline)
		f = timeout_blocker(name, l->wall_ms);
	else
		f = sl_script_blocker(name, "script_error",
		                      "脚本 %s 无法编译：%s", name, s->err);
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
		f = sl_script_blocker(name, "script_instructions",
		                      "脚本 %s 超出指令数限制（%llu 条指令）",
		                      name, (unsigned long long)l->instr_max);
	} else if (c.tripped == T_TIME || over_time) {
		f = timeout_blocker(name, l->wall_ms);
	} else if (c.tripped == T_FINDING) {
		f = sl_script_blocker(name, "script_bad_finding",
		                      "脚本 %s 报告的审查意见格式错误：%s",
		                      name, c.why);
	} else if (st != LUA_OK) {
		f = sl_script_blocker(name, "script_error",
		                      c.phase == PH_LOAD
		                          ? "脚本 %s 无法编译：%s"
		                          : "脚本 %s 运行出错：%s",
		                      name, err);
	} else if (c.no_check) {
		f = sl_script_blocker(name, "script_no_check",
		                      "脚本 %s 没有定义全局函数 check(case)",
		                      name);
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
	sl_sandbox_limits_of(lim, &l);
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
	sl_sandbox_limits_of(lim, &l);
	int64_t deadline = now_ns() + l.wall_ms * 1000000;
	sl_script *s;
	sl_rc rc = compile(script, &l, deadline, &s);
	if (rc)
		return rc;
	rc = run(s, case_view, rules, &l, seed, deadline, findings, printed);
	sl_script_free(s);
	return rc;
}
