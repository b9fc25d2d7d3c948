/*
 * Unit tests: the Lua sandbox (core/sandbox.c).
 *
 * Every hostile script of tests/fixtures/scripts/hostile/ is run twice,
 * in-process (sl_sandbox_run) and through the isolated runner with this
 * very binary as the worker (main() below serves SL_SANDBOX_WORKER_ARG),
 * and each must end as exactly one blocker whose code and message name
 * the cause, with the host carrying on to the next script. Also: a
 * well-behaved script that walks the view gets exactly its findings back;
 * print is captured and bounded; malformed finding{} calls in all their
 * shapes; the isolated runner against a C call no hook can reach, against
 * workers that lie, crash or do not exist; and the worker's seccomp
 * filter killing a forbidden syscall (not under ASan, which runs the
 * worker without it). Compiled scripts (sl_script_compile,
 * sl_sandbox_run_compiled) give the very findings and output of
 * uncompiled runs, run after run, on one thread or two; a script that does
 * not compile gives its blocker every time; bytecode gets in neither as a
 * script's source nor through a script's load(); and a thousand runs leak
 * nothing.
 *
 * Limits are small (4 MiB, 2 million instructions) so that the whole file
 * takes a few seconds.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the above first */
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rules.h"
#include "sandbox.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static json_t *g_case, *g_rules;
static char g_exe[PATH_MAX];

static sl_sandbox_limits small(void)
{
	sl_sandbox_limits l = {4 * 1024 * 1024, 2000000, 2000};
	return l;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static char *fixture(const char *dir, const char *file, size_t *len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s/%s", SL_SCRIPT_FIXTURES, dir, file);
	return slurp(path, len);
}

/* The case view of example.json with the host's fields. */
static int setup_all(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/../dossiers/example.json",
	         SL_SCRIPT_FIXTURES);
	json_error_t err;
	g_case = json_load_file(path, 0, &err);
	assert_non_null(g_case);
	json_object_set_new(g_case, "state", json_string("in_review"));
	json_object_set_new(g_case, "zone", json_string("Z1"));
	json_object_set_new(g_case, "accepted_on", json_null());
	json_object_set_new(g_case, "today", json_string("2024-06-01"));
	json_object_set_new(g_case, "checked", json_true());
	json_object_set_new(g_case, "score", json_real(0.5));
	json_object_set_new(
	    g_case, "team",
	    json_pack("[{s:s,s:s,s:n},{s:s,s:s,s:s},{s:s,s:s,s:n}]", "id", "li",
	              "role", "member", "agency", "id", "wang", "role",
	              "leader", "agency", "ZCJ", "id", "zhao", "role", "member",
	              "agency"));
	json_object_set_new(g_case, "findings", json_array());
	json_object_set_new(g_case, "opinions", json_array());
	json_object_set_new(g_case, "returns", json_array());
	size_t n;
	const char *rules = sl_rules_builtin(&n);
	g_rules = json_loadb(rules, n, 0, &err);
	assert_non_null(g_rules);
	return sl_sandbox_self_exe(g_exe, sizeof g_exe) == SL_OK ? 0 : -1;
}

static int teardown_all(void **state)
{
	(void)state;
	json_decref(g_case);
	json_decref(g_rules);
	return 0;
}

/* Run src in-process; the findings (new reference). */
static json_t *run_src(const char *name, const char *src, size_t len,
                       const sl_sandbox_limits *l, char **printed)
{
	sl_script_src s = {name, src, len};
	json_t *found = json_array();
	char *out = NULL;
	assert_int_equal(sl_sandbox_run(&s, g_case, g_rules, l, 7, found, &out),
	                 SL_OK);
	if (printed)
		*printed = out;
	else
		free(out);
	return found;
}

static json_t *run_str(const char *src)
{
	sl_sandbox_limits l = small();
	return run_src("inline", src, strlen(src), &l, NULL);
}

/* findings is exactly one blocker of check name, with code (or alt) and
 * a message containing needle (if given). */
static void expect_blocker(const json_t *findings, const char *name,
                           const char *code, const char *alt,
                           const char *needle)
{
	if (json_array_size(findings) != 1) {
		char *d = json_dumps(findings, JSON_INDENT(1));
		print_error("%s: expected one blocker, got %s\n", name, d);
		free(d);
		fail();
	}
	const json_t *f = json_array_get(findings, 0);
	const char *c = json_string_value(json_object_get(f, "code"));
	const char *m = json_string_value(json_object_get(f, "message"));
	if (strcmp(c, code) && (!alt || strcmp(c, alt))) {
		print_error("%s: code %s, expected %s%s%s; message %s\n", name,
		            c, code, alt ? " or " : "", alt ? alt : "", m);
		fail();
	}
	if (needle && !strstr(m, needle)) {
		print_error("%s: message \"%s\" does not contain \"%s\"\n",
		            name, m, needle);
		fail();
	}
	assert_string_equal(json_string_value(json_object_get(f, "check")),
	                    name);
	assert_string_equal(json_string_value(json_object_get(f, "severity")),
	                    "blocker");
	assert_string_equal(json_string_value(json_object_get(f, "standard")),
	                    "formalities");
	assert_true(strstr(m, name) != NULL); /* names the script */
	assert_int_equal(json_array_size(json_object_get(f, "refs")), 0);
	assert_true(json_is_null(json_object_get(f, "outline_item")));
}

/* ---- the hostile scripts ------------------------------------------------ */

static const struct hostile {
	const char *file, *code, *alt, *needle;
} HOSTILE[] = {
    {"infinite_loop.lua", "script_instructions", "script_timeout", NULL},
    {"memory_table.lua", "script_memory", NULL, "内存限制（4 MiB）"},
    {"string_rep.lua", "script_memory", NULL, "内存"},
    {"string_doubling.lua", "script_memory", NULL, "内存"},
    {"gsub_growth.lua", "script_memory", NULL, "内存"},
    /* either limit names its cause: checked further below */
    {"deep_recursion.lua", "script_memory", "script_error", NULL},
    {"io.lua", "script_error", NULL, "'io' is not available"},
    {"os.lua", "script_error", NULL, "'os' is not available"},
    {"require.lua", "script_error", NULL, "'require' is not available"},
    {"package.lua", "script_error", NULL, "'package' is not available"},
    {"debug.lua", "script_error", NULL, "'debug' is not available"},
    {"dofile.lua", "script_error", NULL, "'dofile' is not available"},
    {"loadfile.lua", "script_error", NULL, "'loadfile' is not available"},
    {"string_dump.lua", "script_error", NULL, "'dump'"},
    {"load_bytecode.lua", "script_error", NULL, "binary chunks"},
    {"load_reader.lua", "script_error", NULL, "only a source text"},
    {"string_metatable.lua", "script_error", NULL, "boolean value"},
    {"case_write.lua", "script_error", NULL, "case is read-only"},
    {"case_write_nested.lua", "script_error", NULL, "case is read-only"},
    {"case_rawset.lua", "script_error", NULL, "case is read-only"},
    {"case_setmetatable.lua", "script_error", NULL, "protected metatable"},
    {"case_table_insert.lua", "script_error", NULL, "case is read-only"},
    {"load_env_write.lua", "script_error", NULL, "case is read-only"},
    {"rules_write.lua", "script_error", NULL, "rules are read-only"},
    {"pcall_loop.lua", "script_instructions", "script_timeout", NULL},
    {"xpcall_loop.lua", "script_instructions", "script_timeout", NULL},
    {"pcall_memory.lua", "script_memory", NULL, "内存"},
    /* one C call over the limit, swallowed by pcall, then a clean end */
    {"pcall_string_rep.lua", "script_memory", NULL, "内存"},
    {"pcall_bad_finding.lua", "script_bad_finding", NULL, "'standard'"},
    {"collectgarbage.lua", "script_error", NULL, "only \"count\""},
    {"gc_finalizer.lua", "script_error", NULL, "__gc"},
    {"no_check.lua", "script_no_check", NULL, "check(case)"},
    {"bad_finding.lua", "script_bad_finding", NULL, "'severity'"},
    {"syntax_error.lua", "script_error", NULL, "无法编译"},
};

static void check_hostile(const struct hostile *h, const json_t *found)
{
	expect_blocker(found, h->file, h->code, h->alt, h->needle);
	if (!strcmp(h->file, "deep_recursion.lua")) {
		const char *m = json_string_value(
		    json_object_get(json_array_get(found, 0), "message"));
		assert_true(strstr(m, "stack overflow") || strstr(m, "内存"));
	}
}

static void test_hostile_in_process(void **state)
{
	(void)state;
	sl_sandbox_limits l = small();
	for (size_t i = 0; i < NELEM(HOSTILE); i++) {
		size_t len;
		char *src = fixture("hostile", HOSTILE[i].file, &len);
		double t0 = now_s();
		json_t *found = run_src(HOSTILE[i].file, src, len, &l, NULL);
		double dt = now_s() - t0;
		check_hostile(&HOSTILE[i], found);
		/* the limits end each one well within the wall clock */
		assert_true(dt < 2.0);
		json_decref(found);
		free(src);
	}
}

/* All of them in one isolated call, the well-behaved script last: each
 * gets its own blocker and the host (and worker) carry on. */
static void test_hostile_isolated(void **state)
{
	(void)state;
	sl_sandbox_limits l = small();
	size_t n = NELEM(HOSTILE) + 1;
	sl_script_src *s = calloc(n, sizeof *s);
	sl_script_result *r = calloc(n, sizeof *r);
	assert_non_null(s);
	assert_non_null(r);
	for (size_t i = 0; i < n; i++) {
		const char *file =
		    i < NELEM(HOSTILE) ? HOSTILE[i].file : "walk.lua";
		s[i].name = file;
		s[i].src = fixture(i < NELEM(HOSTILE) ? "hostile" : "ok", file,
		                   &s[i].len);
	}
	assert_int_equal(
	    sl_sandbox_run_isolated(g_exe, s, n, g_case, g_rules, &l, r),
	    SL_OK);
	for (size_t i = 0; i < NELEM(HOSTILE); i++) {
		check_hostile(&HOSTILE[i], r[i].findings);
		assert_false(r[i].passed);
	}
	assert_true(r[n - 1].passed);
	assert_int_equal(json_array_size(r[n - 1].findings), 2);
	for (size_t i = 0; i < n; i++) {
		sl_script_result_free(&r[i]);
		free((char *)(uintptr_t)s[i].src);
	}
	free(s);
	free(r);
}

/* pcall cannot swallow the clock either: no instruction limit to speak
 * of, 200 ms of wall clock. */
static void test_pcall_timeout(void **state)
{
	(void)state;
	sl_sandbox_limits l = {4 * 1024 * 1024, UINT64_MAX / 2, 200};
	size_t len;
	char *src = fixture("hostile", "pcall_loop.lua", &len);
	double t0 = now_s();
	json_t *found = run_src("pcall_loop", src, len, &l, NULL);
	assert_true(now_s() - t0 < 1.5);
	expect_blocker(found, "pcall_loop", "script_timeout", NULL,
	               "时间限制（200 毫秒）");
	json_decref(found);
	free(src);
}

/* ---- what a well-behaved script sees and reports ---------------------- */

static void test_walk_exact(void **state)
{
	(void)state;
	size_t len;
	char *src = fixture("ok", "walk.lua", &len);
	sl_sandbox_limits l = small();
	char *printed = NULL;
	json_t *found = run_src("gate_walk", src, len, &l, &printed);
	json_t *want = json_pack(
	    "[{s:s, s:s, s:s, s:s, s:s, s:[s,s], s:s},"
	    " {s:s, s:s, s:s, s:s, s:s, s:[], s:n}]",
	    "check", "gate_walk", "standard", "facts", "severity", "note",
	    "code", "walked", "message",
	    "ZRJ-2024-013：1 项事实，证据 E1,E2，引用 E1+E2，组员 2，name,"
	    "person_id,party_member,public_official,position,rank,"
	    "prior_sanctions",
	    "refs", "E1", "E2", "outline_item", "核实2019年", "check",
	    "gate_walk", "standard", "procedure", "severity", "warning", "code",
	    "rules", "message", "规则 default 第 5 版", "refs", "outline_item");
	assert_non_null(want);
	if (!json_equal(found, want)) {
		char *d = json_dumps(found, JSON_INDENT(1));
		print_error("got %s\n", d);
		free(d);
		fail();
	}
	assert_string_equal(printed, "");
	/* and the script's view changed nothing */
	assert_string_equal(json_string_value(json_object_get(g_case, "state")),
	                    "in_review");
	json_decref(want);
	json_decref(found);
	free(printed);
	free(src);
}

static void test_print_captured(void **state)
{
	(void)state;
	size_t len;
	char *src = fixture("ok", "print.lua", &len);
	sl_sandbox_limits l = small();
	char *printed = NULL;
	json_t *found = run_src("printer", src, len, &l, &printed);
	assert_int_equal(json_array_size(found), 0);
	const char *head = "开始\t1\t2.5\ttrue\tnil\tcase (read-only)\n\n"
	                   "xxxxxxxxxxxxxxxxxxxx\n";
	assert_memory_equal(printed, head, strlen(head));
	assert_int_equal(strlen(printed), 64 * 1024); /* bounded */
	json_decref(found);
	free(printed);
	free(src);
}

static void test_random_seeded(void **state)
{
	(void)state;
	const char *src =
	    "function check(c) print(math.random(1, 1 << 40)) end";
	sl_script_src s = {"rnd", src, strlen(src)};
	sl_sandbox_limits l = small();
	char *p[3];
	uint64_t seeds[3] = {1, 1, 2};
	for (int i = 0; i < 3; i++) {
		json_t *found = json_array();
		assert_int_equal(sl_sandbox_run(&s, g_case, g_rules, &l,
		                                seeds[i], found, &p[i]),
		                 SL_OK);
		assert_int_equal(json_array_size(found), 0);
		json_decref(found);
	}
	assert_string_equal(p[0], p[1]);
	assert_string_not_equal(p[0], p[2]);
	for (int i = 0; i < 3; i++)
		free(p[i]);
}

/* table, math and utf8 are opened when first read, the same libraries
 * as ever from then on. */
static void test_lazy_libraries(void **state)
{
	(void)state;
	json_t *found = run_str(
	    "function check(c)\n"
	    "  assert(rawget(_G, 'math') == nil and rawget(_G, 'table') == nil"
	    " and rawget(_G, 'utf8') == nil)\n"
	    "  local m = math\n"
	    "  assert(rawget(_G, 'math') == m and _G.math == m)\n"
	    "  assert(m.floor(2.5) == 2 and m.maxinteger and m.pi)\n"
	    "  assert(table.concat({1, 2}, ',') == '1,2')\n"
	    "  assert(utf8.char(72, 0x4e2d) == 'H中' and utf8.len('中') == 1)\n"
	    "  assert(('x'):rep(2) == 'xx' and string.format('%d', 3) == '3')\n"
	    "  assert(not pcall(function() return io end))\n"
	    "end");
	assert_int_equal(json_array_size(found), 0);
	json_decref(found);
}

/* Findings of a run that fails are dropped: only the blocker remains. */
static void test_failed_run_reports_only_its_failure(void **state)
{
	(void)state;
	json_t *found =
	    run_str("function check(c)\n"
	            "  finding{standard='facts', severity='note', code='a', "
	            "message='b'}\n"
	            "  error('boom')\n"
	            "end");
	expect_blocker(found, "inline", "script_error", NULL,
	               "运行出错：inline:3: boom");
	json_decref(found);
}

/* ---- finding{} validation ----------------------------------------------- */

static void test_bad_findings(void **state)
{
	(void)state;
	static const struct {
		const char *call, *needle;
	} bad[] = {
	    {"finding('x')", "一个表"},
	    {"finding{standard='law', severity='note', code='c', message='m'}",
	     "'standard'"},
	    {"finding{standard='facts', severity='fatal', code='c', "
	     "message='m'}",
	     "'severity'"},
	    {"finding{standard='facts', severity='note', code=('c'):rep(65), "
	     "message='m'}",
	     "'code'"},
	    {"finding{standard='facts', severity='note', code='a\\nb', "
	     "message='m'}",
	     "'code'"},
	    {"finding{standard='facts', severity='note', code='c', message=''}",
	     "'message'"},
	    {"finding{standard='facts', severity='note', code='c', "
	     "message=('m'):rep(4097)}",
	     "'message'"},
	    {"finding{standard='facts', severity='note', code='c', "
	     "message='\\xff'}",
	     "UTF-8"},
	    {"finding{standard='facts', severity='note', code='c', "
	     "message='a\\0b'}",
	     "NUL"},
	    {"finding{standard='facts', severity='note', code='c', message=1}",
	     "都须为字符串"},
	    {"finding{standard='facts', severity='note', code='c', "
	     "message='m', refs={1}}",
	     "字符串列表"},
	    {"finding{standard='facts', severity='note', code='c', "
	     "message='m', refs='E1'}",
	     "字符串列表"},
	    {"local r = {} for i = 1, 65 do r[i] = 'E' .. i end "
	     "finding{standard='facts', severity='note', code='c', "
	     "message='m', refs=r}",
	     "至多 64"},
	    {"finding{standard='facts', severity='note', code='c', "
	     "message='m', refs={('r'):rep(65)}}",
	     "'refs'"},
	    {"finding{standard='facts', severity='note', code='c', "
	     "message='m', outline_item=5}",
	     "'outline_item'"},
	    {"finding{standard='facts', severity='note', code='c', "
	     "message='m', outline_item=''}",
	     "'outline_item'"},
	    {"finding{standard='facts', sevrity='note', code='c', message='m'}",
	     "未知字段"},
	    {"for i = 1, 1001 do finding{standard='facts', severity='note', "
	     "code='c', message='m'} end",
	     "超过 1000"},
	    {"for i = 1, 300 do finding{standard='facts', severity='note', "
	     "code='c', message=('m'):rep(4000)} end",
	     "1 MiB"},
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		char src[512];
		snprintf(src, sizeof src, "function check(c) %s end",
		         bad[i].call);
		json_t *found = run_str(src);
		expect_blocker(found, "inline", "script_bad_finding", NULL,
		               bad[i].needle);
		json_decref(found);
	}
	/* the bounds themselves are fine, and refs may be a view */
	json_t *found = run_str(
	    "function check(c) finding{standard='disposal', "
	    "severity='blocker', code=('c'):rep(64), message=('m'):rep(4096), "
	    "refs=c.facts[1].evidence, outline_item=('o'):rep(4096)} end");
	assert_int_equal(json_array_size(found), 1);
	const json_t *f = json_array_get(found, 0);
	assert_int_equal(json_string_length(json_object_get(f, "code")), 64);
	assert_int_equal(json_array_size(json_object_get(f, "refs")), 2);
	json_decref(found);
}

static void test_host_input(void **state)
{
	(void)state;
	json_t *found = json_array();
	sl_script_src s = {"", "x", 1};
	assert_int_equal(
	    sl_sandbox_run(&s, g_case, g_rules, NULL, 0, found, NULL),
	    SL_EINPUT);
	/* source that is not text is refused before Lua sees it */
	sl_script_src bin = {"bin", "\x1bLua\xff", 5};
	assert_int_equal(
	    sl_sandbox_run(&bin, g_case, g_rules, NULL, 0, found, NULL), SL_OK);
	expect_blocker(found, "bin", "script_error", NULL, "UTF-8");
	json_decref(found);
}

/* ---- compiled scripts --------------------------------------------------- */

static sl_script *compile_src(const char *name, const char *src, size_t len)
{
	sl_script_src s = {name, src, len};
	sl_script *c = NULL;
	assert_int_equal(sl_script_compile(&s, &c), SL_OK);
	assert_non_null(c);
	return c;
}

/* Run c compiled; the findings (new reference), *printed if asked. */
static json_t *run_compiled(const sl_script *c, const sl_sandbox_limits *l,
                            uint64_t seed, char **printed)
{
	json_t *found = json_array();
	char *out = NULL;
	assert_int_equal(
	    sl_sandbox_run_compiled(c, g_case, g_rules, l, seed, found, &out),
	    SL_OK);
	if (printed)
		*printed = out;
	else
		free(out);
	return found;
}

static void expect_same(const char *what, const json_t *a, const char *pa,
                        const json_t *b, const char *pb)
{
	if (!json_equal(a, b) || strcmp(pa, pb) != 0) {
		char *da = json_dumps(a, JSON_INDENT(1));
		char *db = json_dumps(b, JSON_INDENT(1));
		print_error(
		    "%s: uncompiled %s (printed %zu bytes), compiled %s "
		    "(printed %zu bytes)\n",
		    what, da, strlen(pa), db, strlen(pb));
		free(da);
		free(db);
		fail();
	}
}

/* Every fixture, hostile and well-behaved, compiled once and run twice,
 * gives exactly what an uncompiled run gives. */
static void test_compiled_same_as_uncompiled(void **state)
{
	(void)state;
	sl_sandbox_limits l = small();
	static const char *const ok[] = {"walk.lua", "print.lua"};
	for (size_t i = 0; i < NELEM(HOSTILE) + NELEM(ok); i++) {
		int hostile = i < NELEM(HOSTILE);
		const char *file =
		    hostile ? HOSTILE[i].file : ok[i - NELEM(HOSTILE)];
		size_t len;
		char *src = fixture(hostile ? "hostile" : "ok", file, &len);
		char *p0, *p1, *p2;
		json_t *want = run_src(file, src, len, &l, &p0);
		sl_script *c = compile_src(file, src, len);
		free(src); /* a compiled script does not need its source */
		json_t *got1 = run_compiled(c, &l, 7, &p1);
		json_t *got2 = run_compiled(c, &l, 7, &p2);
		if (hostile)
			check_hostile(&HOSTILE[i], got1);
		expect_same(file, want, p0, got1, p1);
		expect_same(file, want, p0, got2, p2);
		sl_script_free(c);
		json_decref(want);
		json_decref(got1);
		json_decref(got2);
		free(p0);
		free(p1);
		free(p2);
	}
}

/* A script that does not compile is kept, broken: each run gives the
 * blocker an uncompiled run gives, and nothing runs. */
static void test_compiled_broken(void **state)
{
	(void)state;
	sl_sandbox_limits l = small();
	size_t len;
	char *src = fixture("hostile", "syntax_error.lua", &len);
	static const char bad_utf8[] = "function check(c) end -- \xff";
	const struct {
		const char *src;
		size_t len;
		const char *needle;
	} broken[] = {
	    {src, len, "无法编译：syntax_error:3:"},
	    {bad_utf8, sizeof bad_utf8 - 1, "UTF-8"},
	};
	for (size_t i = 0; i < NELEM(broken); i++) {
		const char *name = i ? "bad_utf8" : "syntax_error";
		sl_script *c = compile_src(name, broken[i].src, broken[i].len);
		char *p0;
		json_t *want =
		    run_src(name, broken[i].src, broken[i].len, &l, &p0);
		for (int k = 0; k < 3; k++) {
			char *p;
			json_t *found = run_compiled(c, &l, (uint64_t)k, &p);
			expect_blocker(found, name, "script_error", NULL,
			               broken[i].needle);
			expect_same(name, want, p0, found, p);
			json_decref(found);
			free(p);
		}
		json_decref(want);
		free(p0);
		sl_script_free(c);
	}
	free(src);
}

/* Bytecode gets in nowhere: not as a script's source (compiled in text
 * mode only), not through a script's load() (text only, whatever the mode
 * says; string.dump does not exist), compiled or not. */
static void test_compiled_no_bytecode(void **state)
{
	(void)state;
	sl_sandbox_limits l = small();
	/* a precompiled chunk's header, valid UTF-8, as a source */
	static const char chunk[] = "\x1bLuaT\0\x19\r\n\x1a\nfunction check";
	sl_script *c = compile_src("chunk", chunk, sizeof chunk - 1);
	json_t *found = run_compiled(c, &l, 1, NULL);
	expect_blocker(found, "chunk", "script_error", NULL, "binary chunk");
	json_decref(found);
	sl_script_free(c);

	static const struct {
		const char *src, *needle;
	} inside[] = {
	    {"function check(c) local f = load(string.dump(function() "
	     "return 1 end)) return f() end",
	     "'dump'"},
	    {"function check(c) return load('\\27Lua\\84\\0\\25\\147\\13\\10"
	     "\\26\\10\\4\\8\\8', 'x', 'b')() end",
	     "binary chunks"},
	    {"function check(c) local f, e = load('return 1', 'x', 'b') "
	     "assert(f and f() == 1, e) error('mode b loaded text: ok') end",
	     "mode b loaded text: ok"},
	    {"function check(c) local i = 0 local f = load(function() i = i "
	     "+ 1 if i == 1 then return '\\27Lua' end end) end",
	     "only a source text"},
	};
	for (size_t i = 0; i < NELEM(inside); i++) {
		c = compile_src("inline", inside[i].src, strlen(inside[i].src));
		found = run_compiled(c, &l, 1, NULL);
		expect_blocker(found, "inline", "script_error", NULL,
		               inside[i].needle);
		json_decref(found);
		sl_script_free(c);
	}
}

/* Garbage well past the cap is collected (the collector starts late, or
 * an emergency collection at the cap); what is kept is still stopped at
 * the cap. */
static void test_compiled_memory(void **state)
{
	(void)state;
	sl_sandbox_limits l = small(); /* 4 MiB */
	static const char *const churn[] = {
	    /* 100 MiB of strings between two hook calls: only emergency
	     * collections can keep up */
	    "function check(c) local s = ('x'):rep(1 << 20) "
	    "for i = 1, 100 do local t = s .. i end end",
	    /* many small tables: the collector runs again */
	    "function check(c) local n = 0 for i = 1, 200000 do "
	    "local t = {i, tostring(i)} n = n + #t end "
	    "assert(n == 400000) end",
	};
	for (size_t i = 0; i < NELEM(churn); i++) {
		sl_script *c = compile_src("churn", churn[i], strlen(churn[i]));
		json_t *found = run_compiled(c, &l, 1, NULL);
		assert_int_equal(json_array_size(found), 0);
		json_decref(found);
		sl_script_free(c);
	}
	size_t len;
	char *src = fixture("hostile", "memory_table.lua", &len);
	sl_script *c = compile_src("memory_table", src, len);
	json_t *found = run_compiled(c, &l, 1, NULL);
	expect_blocker(found, "memory_table", "script_memory", NULL,
	               "内存限制（4 MiB）");
	json_decref(found);
	sl_script_free(c);
	free(src);
}

/* A thousand runs of one compiled script: the same findings each time,
 * and no memory kept (checked here by the heap's own count outside
 * ASan, and by LeakSanitizer at exit under it). */
static void test_compiled_1000_runs(void **state)
{
	(void)state;
	sl_sandbox_limits l = small();
	size_t len;
	char *src = fixture("ok", "walk.lua", &len);
	sl_script *c = compile_src("gate_walk", src, len);
	json_t *first = run_compiled(c, &l, 7, NULL);
	assert_int_equal(json_array_size(first), 2);
#if !TEST_ASAN
	size_t before = mallinfo2().uordblks;
#endif
	for (int i = 0; i < 1000; i++) {
		char *p;
		json_t *found = run_compiled(c, &l, 7, &p);
		if (!json_equal(found, first))
			fail_msg("run %d differs", i);
		assert_string_equal(p, "");
		json_decref(found);
		free(p);
	}
#if !TEST_ASAN
	size_t after = mallinfo2().uordblks;
	if (after > before + 4096)
		fail_msg("1000 runs kept %zu bytes", after - before);
#endif
	json_decref(first);
	sl_script_free(c);
	free(src);
}

/* Two threads running the same compiled scripts at once (states are
 * independent; the compiled script, the case and the rules are only
 * read) get what one thread gets. */
typedef struct {
	const sl_script *c[2];
	const json_t *want[2];
	int bad;
} thread_arg;

static void *compiled_thread(void *p)
{
	thread_arg *a = p;
	sl_sandbox_limits l = small();
	for (int i = 0; i < 200 && !a->bad; i++) {
		json_t *found = json_array();
		char *out = NULL;
		if (!found ||
		    sl_sandbox_run_compiled(a->c[i % 2], g_case, g_rules, &l, 7,
		                            found, &out) != SL_OK ||
		    !json_equal(found, a->want[i % 2]))
			a->bad = 1;
		json_decref(found);
		free(out);
	}
	return NULL;
}

static void test_compiled_threads(void **state)
{
	(void)state;
	sl_sandbox_limits l = small();
	size_t n1, n2;
	char *s1 = fixture("ok", "walk.lua", &n1);
	char *s2 = fixture("hostile", "case_write_nested.lua", &n2);
	thread_arg a = {{compile_src("walk", s1, n1),
	                 compile_src("case_write_nested", s2, n2)},
	                {NULL, NULL},
	                0};
	for (int k = 0; k < 2; k++)
		a.want[k] = run_compiled(a.c[k], &l, 7, NULL);
	thread_arg b = a;
	pthread_t t[2];
	assert_int_equal(pthread_create(&t[0], NULL, compiled_thread, &a), 0);
	assert_int_equal(pthread_create(&t[1], NULL, compiled_thread, &b), 0);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	assert_false(a.bad || b.bad);
	for (int k = 0; k < 2; k++) {
		json_decref((json_t *)(uintptr_t)a.want[k]);
		sl_script_free((sl_script *)(uintptr_t)a.c[k]);
	}
	free(s1);
	free(s2);
}

static void test_compiled_host_input(void **state)
{
	(void)state;
	sl_script *c = (sl_script *)&c;
	sl_script_src bad = {"", "x", 1};
	assert_int_equal(sl_script_compile(&bad, &c), SL_EINPUT);
	assert_null(c);
	sl_script_src nosrc = {"x", NULL, 3};
	assert_int_equal(sl_script_compile(&nosrc, &c), SL_EINPUT);
	json_t *found = json_array();
	char *p = (char *)"unchanged";
	assert_int_equal(
	    sl_sandbox_run_compiled(NULL, g_case, g_rules, NULL, 0, found, &p),
	    SL_EINPUT);
	assert_null(p);
	c = compile_src("x", "function check(c) end", 21);
	assert_int_equal(
	    sl_sandbox_run_compiled(c, g_case, g_rules, NULL, 0, NULL, NULL),
	    SL_EINPUT);
	/* an empty source compiles, and has no check */
	sl_script *e = compile_src("empty", NULL, 0);
	assert_int_equal(
	    sl_sandbox_run_compiled(e, g_case, g_rules, NULL, 0, found, NULL),
	    SL_OK);
	expect_blocker(found, "empty", "script_no_check", NULL, NULL);
	sl_script_free(e);
	sl_script_free(c);
	sl_script_free(NULL);
	json_decref(found);
}

/* ---- the isolated runner ----------------------------------------------- */

/* A C call no hook reaches is ended by the parent's deadline, and the
 * next script runs in a new worker and passes. */
static void test_isolated_c_pattern(void **state)
{
	(void)state;
	sl_sandbox_limits l = {4 * 1024 * 1024, 2000000, 300};
	size_t n1, n2;
	sl_script_src s[2] = {
	    {"c_pattern", fixture("hostile", "c_pattern.lua", &n1), 0},
	    {"walk", fixture("ok", "walk.lua", &n2), 0}};
	s[0].len = n1;
	s[1].len = n2;
	sl_script_result r[2];
	double t0 = now_s();
	assert_int_equal(
	    sl_sandbox_run_isolated(g_exe, s, 2, g_case, g_rules, &l, r),
	    SL_OK);
	assert_true(now_s() - t0 < 5.0);
	expect_blocker(r[0].findings, "c_pattern", "script_timeout", NULL,
	               "时间限制（300 毫秒）");
	assert_false(r[0].passed);
	assert_true(r[1].passed);
	assert_int_equal(json_array_size(r[1].findings), 2);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(r[1].findings, 0), "check")),
	                    "walk");
	for (int i = 0; i < 2; i++) {
		sl_script_result_free(&r[i]);
		free((char *)(uintptr_t)s[i].src);
	}
}

static void test_isolated_printed(void **state)
{
	(void)state;
	const char *src = "function check(c) print('你好', c.case_id) end";
	sl_script_src s = {"hello", src, strlen(src)};
	sl_script_result r;
	sl_sandbox_limits l = small();
	assert_int_equal(
	    sl_sandbox_run_isolated(g_exe, &s, 1, g_case, g_rules, &l, &r),
	    SL_OK);
	assert_true(r.passed);
	assert_string_equal(r.printed, "你好\tZRJ-2024-013\n");
	sl_script_result_free(&r);
}

/* A stand-in worker: a shell script that reads the request and then
 * says what `body` says. */
static void fake_worker(char *path, size_t cap, const char *body)
{
	snprintf(path, cap, "/tmp/shenli-fake-worker-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f,
	        "#!/bin/sh\nwhile read -r l; do :; done\n"
	        "printf '%%s\\n' '{\"ready\":true}'\n%s\n",
	        body);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
}

/* The fake says the same for both scripts: needle2 is what the second
 * is told (a line naming "one" is "another script" to it). */
static void run_fake(const char *body, const char *code, const char *needle,
                     const char *needle2)
{
	char exe[64];
	fake_worker(exe, sizeof exe, body);
	const char *src = "function check(c) end";
	sl_script_src s[2] = {{"one", src, strlen(src)},
	                      {"two", src, strlen(src)}};
	sl_script_result r[2];
	sl_sandbox_limits l = small();
	l.wall_ms = 300;
	assert_int_equal(
	    sl_sandbox_run_isolated(exe, s, 2, g_case, g_rules, &l, r), SL_OK);
	/* each script got a worker of its own after the first went bad */
	expect_blocker(r[0].findings, "one", code, NULL, needle);
	expect_blocker(r[1].findings, "two", code, NULL, needle2);
	assert_false(r[0].passed || r[1].passed);
	for (int i = 0; i < 2; i++)
		sl_script_result_free(&r[i]);
	unlink(exe);
}

static void test_isolated_untrusted_worker(void **state)
{
	(void)state;
	run_fake("printf 'not json\\n'", "script_crashed", "输出无效",
	         "输出无效");
	/* a well-formed line for another script */
	run_fake("printf '%s\\n' '{\"name\":\"zzz\",\"findings\":[],"
	         "\"printed\":\"\"}'",
	         "script_crashed", "another script", "another script");
	/* a finding claiming another check, and one with a bad severity */
	run_fake("printf '%s\\n' '{\"name\":\"one\",\"findings\":[{\"check\":"
	         "\"x\",\"standard\":\"facts\",\"severity\":\"note\","
	         "\"code\":\"c\",\"message\":\"m\",\"refs\":[],"
	         "\"outline_item\":null}],\"printed\":\"\"}'",
	         "script_crashed", "'check'", "another script");
	run_fake("printf '%s\\n' '{\"name\":\"one\",\"findings\":[{\"check\":"
	         "\"one\",\"standard\":\"facts\",\"severity\":\"harmless\","
	         "\"code\":\"c\",\"message\":\"m\",\"refs\":[],"
	         "\"outline_item\":null}],\"printed\":\"\"}'",
	         "script_crashed", "'severity'", "another script");
	run_fake("kill -SEGV $$", "script_crashed", "SIGSEGV", "SIGSEGV");
	run_fake("exit 9", "script_crashed", "退出状态 9", "退出状态 9");
	run_fake("while :; do :; done", "script_timeout",
	         "时间限制（300 毫秒）", "时间限制（300 毫秒）");
}

static void test_isolated_no_worker(void **state)
{
	(void)state;
	const char *src = "function check(c) end";
	sl_script_src s = {"one", src, strlen(src)};
	sl_script_result r;
	sl_sandbox_limits l = small();
	assert_int_equal(sl_sandbox_run_isolated("/nonexistent/worker", &s, 1,
	                                         g_case, g_rules, &l, &r),
	                 SL_ESYS);
	assert_int_equal(sl_sandbox_run_isolated("/bin/false", &s, 1, g_case,
	                                         g_rules, &l, &r),
	                 SL_ESYS);
	assert_true(strstr(sl_errmsg(), "did not start") != NULL);

	/* one that leaves without reading a request larger than a pipe
	 * holds: the parent sees EPIPE, and no SIGPIPE kills it */
	char exe[64];
	snprintf(exe, sizeof exe, "/tmp/shenli-fake-worker-XXXXXX");
	int fd = mkstemp(exe);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
	close(fd);
	assert_int_equal(chmod(exe, 0700), 0);
	size_t big = 4 << 20;
	char *text = malloc(big);
	assert_non_null(text);
	memset(text, '-', big);
	memcpy(text + big - 22, "\nfunction check(c) end", 22);
	sl_script_src b = {"big", text, big};
	assert_int_equal(
	    sl_sandbox_run_isolated(exe, &b, 1, g_case, g_rules, &l, &r),
	    SL_ESYS);
	unlink(exe);
	free(text);
}

#if !TEST_ASAN
/* The worker's confinement, seen from inside: after
 * sl_sandbox_worker_main() returns, the process is confined; a forbidden
 * syscall kills it with SIGSYS, an allowed one works. */
static int confined_child(int what)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int p[2];
		const char *req = "{\"limits\":{\"mem_max\":1048576,"
		                  "\"instr_max\":1000,\"wall_ms\":100},"
		                  "\"seed\":1,\"rules\":null,\"case\":null,"
		                  "\"scripts\":[]}";
		if (pipe(p) != 0 ||
		    write(p[1], req, strlen(req)) != (ssize_t)strlen(req))
			_exit(90);
		close(p[1]);
		int null = open("/dev/null", O_WRONLY);
		if (dup2(p[0], 0) < 0 || dup2(null, 1) < 0)
			_exit(91);
		if (sl_sandbox_worker_main() != 0)
			_exit(92);
		switch (what) {
		case 0: open("/etc/hostname", O_RDONLY); break;
		case 1:
			mmap(NULL, 4096, PROT_READ | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			break;
		case 2: getpid(); break;
		default: {
			void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				_exit(93);
			memset(m, 1, 1 << 20);
			if (write(1, "ok\n", 3) != 3)
				_exit(94);
		}
		}
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

#endif

static void test_seccomp(void **state)
{
	(void)state;
#if TEST_ASAN
	skip(); /* the worker runs without the filter under ASan */
#else
	for (int i = 0; i < 3; i++) {
		int st = confined_child(i);
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGSYS);
	}
	int st = confined_child(3);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
#endif
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], SL_SANDBOX_WORKER_ARG) == 0)
		return sl_sandbox_worker_main();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostile_in_process),
	    cmocka_unit_test(test_hostile_isolated),
	    cmocka_unit_test(test_pcall_timeout),
	    cmocka_unit_test(test_walk_exact),
	    cmocka_unit_test(test_print_captured),
	    cmocka_unit_test(test_random_seeded),
	    cmocka_unit_test(test_lazy_libraries),
	    cmocka_unit_test(test_failed_run_reports_only_its_failure),
	    cmocka_unit_test(test_bad_findings),
	    cmocka_unit_test(test_host_input),
	    cmocka_unit_test(test_compiled_same_as_uncompiled),
	    cmocka_unit_test(test_compiled_broken),
	    cmocka_unit_test(test_compiled_no_bytecode),
	    cmocka_unit_test(test_compiled_memory),
	    cmocka_unit_test(test_compiled_1000_runs),
	    cmocka_unit_test(test_compiled_threads),
	    cmocka_unit_test(test_compiled_host_input),
	    cmocka_unit_test(test_isolated_c_pattern),
	    cmocka_unit_test(test_isolated_printed),
	    cmocka_unit_test(test_isolated_untrusted_worker),
	    cmocka_unit_test(test_isolated_no_worker),
	    cmocka_unit_test(test_seccomp),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
