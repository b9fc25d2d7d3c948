/*
 * worker.h - running scripts in a confined worker process.
 *
 * Time spent inside one C library call (a pathological pattern in
 * string.find, say) is out of reach of the Lua host's hooks (luahost.h),
 * and so is a crash. That is why sign-off runs scripts through
 * sl_sandbox_run_isolated(): the same host, in a separate process started
 * from a fresh executable image (so it holds no key of the store), with
 * no_new_privs, rlimits and a seccomp filter, that the parent kills at
 * the deadline. The parent trusts nothing the worker says: every line is
 * bounded and every finding checked again (sl_script_finding_problem).
 */
#ifndef SHENLI_WORKER_H
#define SHENLI_WORKER_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"
#include "luahost.h"

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

/* The running executable (readlink of /proc/self/exe), for worker_exe.
 * Writes into buf; SL_ESYS if it cannot be found. */
sl_rc sl_sandbox_self_exe(char *buf, size_t cap);

#endif
