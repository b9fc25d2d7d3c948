/*
 * luahost.h - the Lua host for consistency scripts: one script, one case,
 * in this process.
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
 * What no hook reaches (time inside one C library call, a crash) is the
 * worker's business (worker.h), which runs this same host in a confined
 * process; the findings' shape and its validator below are the contract
 * between the two.
 *
 * The case view and the script contract: spec/cli.md, "The script
 * contract", and the fields listed in signoff.h.
 */
#ifndef SHENLI_LUAHOST_H
#define SHENLI_LUAHOST_H

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
/* in with the defaults for what it leaves 0 (in may be NULL). */
void sl_sandbox_limits_of(const sl_sandbox_limits *in, sl_sandbox_limits *out);

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

/* ---- what a run gives: one shape, one validator ---------------------------
 * The worker's parent trusts nothing a worker says, so it checks every
 * result against the same bounds and the same rule the host applied. */
#define SL_SCRIPT_NAME_MAX 64           /* a script's name: a package's */
#define SL_SCRIPT_TEXT_MAX 4096         /* message and outline_item */
#define SL_SCRIPT_PRINT_MAX (64 * 1024) /* print() output kept per run */
#define SL_SCRIPT_FINDINGS_MAX 1000     /* findings per run */
#define SL_SCRIPT_FINDINGS_BYTES (1024 * 1024) /* their text, in all */

/* A script name the host takes: 1..SL_SCRIPT_NAME_MAX printable bytes. */
int sl_script_name_ok(const char *name);
/* Why f is not a well-formed finding of the script check, or NULL; *bytes
 * gets the size of its text. */
const char *sl_script_finding_problem(const json_t *f, const char *check,
                                      size_t *bytes);
/* The one blocker finding of a failed run (standard formalities), its
 * message made from fmt; NULL if out of memory. The message's parts must
 * be valid UTF-8 (a cut one is sanitised). */
json_t *sl_script_blocker(const char *name, const char *code, const char *fmt,
                          ...) __attribute__((format(printf, 3, 4)));

#endif
