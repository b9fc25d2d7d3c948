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

/* A worker and its two pipes as its parent holds them: to writes the
 * worker's descriptor 0 (its request), from reads its result descriptor;
 * both non-blocking on our side. -1 for what is not there. */
typedef struct {
	pid_t pid;
	int to, from;
} sl_child;

/* Start exe arg (sl_child_spawn) with descriptor 0 the request pipe, the
 * result pipe at result_fd (1 or 3), /dev/null on 1 and 2 where the
 * result is not (2 is our stderr in sanitizer builds, for their reports),
 * and extra[k] at result_fd + 1 + k. SL_ESYS naming what if it cannot. */
sl_rc sl_child_start(sl_child *c, const char *exe, const char *arg,
                     int result_fd, const int *extra, size_t n_extra,
                     const char *what);
/* Close both pipes and reap the child: at once with SIGKILL if kill_now,
 * else after grace_ms. Its wait status (sl_child_reap). */
int sl_child_stop(sl_child *c, int kill_now, int grace_ms);

/* Close *fd if open, and mark it closed. */
void sl_child_fd_close(int *fd);
/* All of p to fd, retrying interrupted writes: 0, or -1. */
int sl_child_write_all(int fd, const void *p, size_t n);
/* Wait until fd is ready for events, or the deadline (sl_child_now_ns)
 * passes: 1 ready (what it is ready for in *got), 0 timed out, -1 poll
 * failed (errno). */
int sl_child_wait(int fd, short events, int64_t deadline, short *got);

/* How a child ended, for the panel (Chinese: a finding's words). */
void sl_child_how(int status, char *out, size_t cap);
/* The same in the user's language, for an error message (sl_child_how's
 * Chinese is for findings, which are Chinese in every locale). */
void sl_child_how_said(int status, char *out, size_t cap);

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
