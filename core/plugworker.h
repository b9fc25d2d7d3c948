/*
 * plugworker.h - review plugins run in a worker process that holds no key
 * and no store handle.
 *
 * A plugin is native code: whatever it does, it does with all the power
 * of the process it runs in. So the review never dlopen()s one. It hands
 * the sealed, hash-checked copies (plugin_host.h) to a worker: this very
 * executable exec'ed afresh with SL_PLUGIN_WORKER_ARG (child.h), which
 * loads them behind a first seccomp filter, then shuts itself in
 * (confine.h: no open, no socket, no exec, no fork; reads its request
 * pipe, writes its result pipe) before it sees a case. Each case goes to
 * it as bytes (casewire.h); each plugin's findings come back as bytes,
 * checked again by the review as untrusted.
 *
 * A plugin that crashes, breaks the filter (SIGSYS) or runs past its
 * deadline kills only the worker: the plugin gets an outcome that says so
 * (the review turns it into a blocker naming it), the worker is started
 * again, and the plugins after it check the same case. A plugin that
 * crashes on three cases of a run is not run again in it.
 *
 * What a malicious signed plugin can still do: lie in its findings, and
 * in the other plugins' (they share the worker); see every case the run
 * gives it. What it cannot: read a key, the store, a file or another case,
 * reach the network, or stop the review.
 */
#ifndef SHENLI_PLUGWORKER_H
#define SHENLI_PLUGWORKER_H

#include <shenli/plugin.h>
#include <stddef.h>

#include "err.h"

typedef enum {
	SL_PLUG_RAN,      /* its check returned 0 */
	SL_PLUG_FAILED,   /* its check returned non-zero: could not check */
	SL_PLUG_UNUSABLE, /* its open() refused the rules in force */
	SL_PLUG_CRASHED,  /* the worker died in it (how says how) */
	SL_PLUG_TIMEOUT,  /* it ran past SL_PLUG_CHECK_MS */
	SL_PLUG_GAVE_UP,  /* it crashed too often in this run: not run */
} sl_plug_status;

/* Wall-clock time one plugin has for one case. */
#define SL_PLUG_CHECK_MS 5000

typedef struct {
	sl_plug_status status;
	char how[160]; /* CRASHED, GAVE_UP: how the worker ended (Chinese) */
} sl_plug_outcome;

/* Where a case's results go, plugin by plugin in order: each finding of
 * plugin i (NULL for a finding the worker could not pass on whole: the
 * review counts it malformed), then its outcome. */
typedef struct {
	void *ud;
	void (*finding)(void *ud, size_t plugin, const shenli_finding *f);
	void (*done)(void *ud, size_t plugin, const sl_plug_outcome *o);
} sl_plug_sink;

/* A plugin as the worker gets it: the name its signed manifest gives
 * (the plugin must name itself so) and the sealed copy of its bytes. */
typedef struct {
	const char *name;
	int fd;
} sl_plug_code;

typedef struct sl_plugrun sl_plugrun;

/* Start a worker for n plugins with the rules document in force (for
 * their open()). A plugin the worker finds is not a plugin of ours (no
 * ABI or another, no check, another name, not loadable) refuses the whole
 * start: SL_EINPUT or SL_EINTEGRITY naming it, *refused its index. A
 * plugin that crashes or hangs while loading, or speaks our ABI but whose
 * init gives no dispatch table, is a failure of that plugin on every case,
 * not a refusal. */
sl_rc sl_plugrun_start(const char *worker_exe, const sl_plug_code *code,
                       size_t n, const char *rules, size_t rules_len,
                       sl_plugrun **out, size_t *refused);
/* Whether plugin i loaded and its open() accepted the rules; if not, why
 * (a reader's words, "" if its open() refused the rules). */
int sl_plugrun_usable(const sl_plugrun *r, size_t i);
const char *sl_plugrun_why(const sl_plugrun *r, size_t i);
/* Check one case with every plugin; results to sink. An error only if
 * the worker cannot be started again or our side of the pipes fails. */
sl_rc sl_plugrun_check(sl_plugrun *r, const shenli_case *c,
                       const sl_plug_sink *sink);

/* The same in two halves, so that a run can load and store cases while the
 * worker checks others: post hands a case over (its bytes are copied: c
 * may go at once), take waits for the results of the oldest posted case.
 * At most SL_PLUGRUN_AHEAD are posted and not taken. Posted cases go out
 * when one is taken, all that the pipe takes: so a run that posts a block
 * of them, then takes them, wakes the worker once a block. A crash is the
 * plugin's on the case being taken, as with check: the cases posted after
 * it go to the next worker again. */
/* 32: the worker is woken once for 32 cases; against 8, review run --all
 * at 100k 6.8 -> 6.0 s (128: no faster). A result's deadline runs from
 * when it is waited for, so a longer queue shortens no plugin's time. */
#define SL_PLUGRUN_AHEAD 32
sl_rc sl_plugrun_post(sl_plugrun *r, const shenli_case *c);
sl_rc sl_plugrun_take(sl_plugrun *r, const sl_plug_sink *sink);
void sl_plugrun_end(sl_plugrun *r);

#endif
