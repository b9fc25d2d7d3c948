/*
 * child.h - starting and ending a worker process: this very executable,
 * exec'ed afresh (so that none of the store's keys or handles is in its
 * memory), with only the descriptors given and an empty environment.
 *
 * The script worker (worker.h) and the plugin worker (plugworker.h) both
 * start this way; what each then does to confine itself is confine.h's.
 */
#ifndef SHENLI_CHILD_H
#define SHENLI_CHILD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* fork + execve(exe, {exe, arg, NULL}, env): fds[k] of ours becomes the
 * child's descriptor k (k < nfds; nothing else is inherited). The
 * environment is empty but for the sanitizers' options in sanitizer
 * builds. SL_OK with *pid once the exec succeeded; SL_ESYS naming what
 * (e.g. "the plugin worker") if the fork or the exec failed. */
sl_rc sl_child_spawn(const char *exe, const char *arg, const int *fds,
                     size_t nfds, const char *what, pid_t *pid);

/* Wait for the child to end (up to grace_ms, then SIGKILL), and set *pid
 * to -1. Its wait status, or -1 if it could not be had. */
int sl_child_reap(pid_t *pid, int grace_ms);

/* How a child ended, for the panel (Chinese: a finding's words). */
void sl_child_how(int status, char *out, size_t cap);

/* The monotonic clock in ns, and the milliseconds left to a deadline on
 * it (0 once passed) for poll(). */
int64_t sl_child_now_ns(void);
int sl_child_ms_left(int64_t deadline);

/* A worker that dies while we write to it must not kill us: SIGPIPE is
 * blocked for the conversation, and one it raised is discarded at the
 * end. */
typedef struct {
	sigset_t old;
	int was_pending;
} sl_child_sigpipe;
void sl_child_sigpipe_block(sl_child_sigpipe *g);
void sl_child_sigpipe_restore(sl_child_sigpipe *g);

#endif
