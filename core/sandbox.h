/*
 * sandbox.h - the Lua host for consistency scripts.
 *
 * A script is untrusted code, even signed: a signature says who wrote it,
 * not that it is harmless. So every run gets
 *   - a fresh lua_State (nothing survives from one script or case to the
 *     next) whose allocator caps its memory;
 *   - an instruction budget, counted by the host with a count hook;
 *   - a wall-clock deadline, checked by the hook and the allocator;
 *   - only base (no dofile, loadfile, binary chunks; collectgarbage only
 *     "count"; print captured), string (no dump; the string metatable
 *     hidden), table, math (random seeded per run) and utf8; the last
 *     three are opened when the script first reads their global (until
 *     then rawget(_G, "math") is nil and pairs(_G) does not list them).
 *     Never io, os, package, require or debug. Source is loaded in text
 *     mode only: the script's own and any string a script passes to
 *     load().
 *   - the case and the rules as read-only tables: a write raises an error.
 *
 * A script may be compiled once and run many times (sl_script_compile,
 * sl_sandbox_run_compiled): the source is compiled, in text mode, by
 * Lua's own compiler in this process, and the host keeps the compiled
 * function as Lua bytecode (lua_dump, not stripped, so that error
 * messages keep their line numbers) in its own memory. Each run loads
 * that bytecode into its fresh lua_State with lua_load mode "b", through
 * a reader only the host uses. That is the one binary load there is, and
 * it is safe because the bytecode never crosses a trust boundary: it is
 * made in this process by Lua's own compiler from the source text (UTF-8
 * checked, loaded in text mode), is never written to or read from disk, a
 * package or a script, and never leaves the host's memory. Lua's undump
 * is unsafe only for bytecode someone else made (it trusts what it reads:
 * crafted bytecode can break out of the VM); no script, package or file
 * can supply any: a package holds source, a script's load() stays
 * text-only and string.dump does not exist for it.
 *
 * Time spent inside one C library call (a pathological pattern in
 * string.find, say) is out of reach of any hook. That is why sign-off
 * runs scripts through sl_sandbox_run_isolated(): in a separate process
 * started from a fresh executable image (so it holds no key of the
 * store), with no_new_privs, rlimits and a seccomp filter, that the
 * parent kills at the deadline. sl_sandbox_run() and
 * sl_sandbox_run_compiled() are the same host in-process, for the worker
 * itself, tests and benchmarks.
 *
 * The case view and the script contract: spec/cli.md, "The script
 * contract", and the fields listed in signoff.h.
 */
#ifndef SHENLI_SANDBOX_H
#define SHENLI_SANDBOX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct {
	size_t mem_max;     /* bytes the Lua state may hold; default 16 MiB */
	uint64_t instr_max; /* VM instructions; default 100 million */
	int64_t wall_ms;    /* wall-clock deadline per script; default 2000 */
} sl_sandbox_limits;

void sl_sandbox_defaults(sl_sandbox_limits *l);

typedef struct {
	const char *name; /* package name: the "check" of its findings */
	const char *src;  /* Lua source text (need not be NUL-terminated) */
	size_t len;
} sl_script_src;

/* Run one script on one case, in-process, in a fresh lua_State.
 * Appends the script's findings (objects with check, standard, severity,
 * code, message, refs, outline_item) to `findings`. A script that fails
 * appends one blocker finding whose code says why and whose message
 * (Chinese, with the Lua error text) names the cause:
 *   script_error         raised an error (or reached for io, os, ...)
 *   script_memory        went over mem_max
 *   script_instructions  went over instr_max
 *   script_timeout       went over wall_ms
 *   script_no_check      defines no global function check
 *   script_bad_finding   called finding{} with a malformed table
 * A limit hit counts even if the script caught the error with pcall.
 * *printed (if printed is not NULL) gets what print() wrote (at most 64
 * KiB; a new string, free()). seed seeds math.random.
 * Returns SL_OK in all those cases: only a failure of the host itself
 * (out of memory outside the state) is an error. It is sl_script_compile
 * and sl_sandbox_run_compiled in one, the compile on lim and within the
 * run's wall clock, as runs always were; the worker of an isolated run
 * uses it. case_view and rules are only read, never changed or
 * referenced after the call. */
sl_rc sl_sandbox_run(const sl_script_src *script, const json_t *case_view,
                     const json_t *rules, const sl_sandbox_limits *lim,
                     uint64_t seed, json_t *findings, char **printed);

/* A script compiled once, run many times. */
typedef struct sl_script sl_script;

/* Compile src (text mode only: source can never be bytecode) in a
 * scratch lua_State with the default memory cap and wall clock, and keep
 * the compiled function as the host's own dump (see above). A script that
 * does not compile (a syntax error, source that is not valid UTF-8, a
 * compile that goes over those limits) is not an error of this call: it
 * is kept as broken, and every run of it gives the one blocker
 * sl_sandbox_run gives (script_error, or script_memory / script_timeout).
 * SL_EINPUT for a name or source the host should not have passed (as
 * sl_sandbox_run), SL_ESYS only if the host runs out of memory. *out is
 * independent of src; sl_script_free() it. It is never modified by a run,
 * so several threads may run one compiled script at once. */
sl_rc sl_script_compile(const sl_script_src *src, sl_script **out);
void sl_script_free(sl_script *s);

/* As sl_sandbox_run, for a compiled script: a fresh lua_State per run,
 * into which the compiled function is loaded from the host's dump; the
 * same findings, printed text and verdicts. lim's memory cap and clock
 * cover the run (the load included), not the compile, which was done
 * once. Runs on different states are independent: threads may run at
 * once. */
sl_rc sl_sandbox_run_compiled(const sl_script *s, const json_t *case_view,
                              const json_t *rules, const sl_sandbox_limits *lim,
                              uint64_t seed, json_t *findings, char **printed);

/* The result of one script of an isolated run. */
typedef struct {
	json_t *findings; /* this script's findings (array, new reference) */
	int passed;       /* completed with no blocker finding */
	char *printed;    /* what it printed (free()), may be NULL */
} sl_script_result;

void sl_script_result_free(sl_script_result *r);

/* Run each script in turn, each in a fresh lua_State, in a worker
 * process: fork + exec of worker_exe with the single argument
 * SL_SANDBOX_WORKER_ARG, talking over pipes (a bounded request in, one
 * bounded JSON line per script out; everything the worker says is
 * validated as untrusted). The parent kills the worker at the deadline
 * (wall_ms plus a small grace) or if it dies, records a blocker finding
 * (script_timeout, or script_crashed naming the signal) for the script
 * it was running, and goes on with the remaining scripts in a new
 * worker. results[0..n-1] are always filled on SL_OK. */
sl_rc sl_sandbox_run_isolated(const char *worker_exe,
                              const sl_script_src *scripts, size_t n,
                              const json_t *case_view, const json_t *rules,
                              const sl_sandbox_limits *lim,
                              sl_script_result *results);

#define SL_SANDBOX_WORKER_ARG "__sandbox-worker"

/* The worker's main: reads the request on fd 0, confines itself, runs
 * the scripts, writes results on fd 1. A program that may be used as
 * worker_exe calls this first thing in main() when argv[1] is
 * SL_SANDBOX_WORKER_ARG, and returns its value. */
int sl_sandbox_worker_main(void);

/* The running executable (readlink of /proc/self/exe), for worker_exe.
 * Writes into buf; SL_ESYS if it cannot be found. */
sl_rc sl_sandbox_self_exe(char *buf, size_t cap);

#endif
