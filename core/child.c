/* child.c - starting and ending a worker process. See child.h. */
#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

#if defined(__SANITIZE_ADDRESS__)
#define CH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CH_ASAN 1
#endif
#endif

extern char **environ;

int64_t sl_child_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int sl_child_ms_left(int64_t deadline)
{
	int64_t left = deadline - sl_child_now_ns();
	if (left <= 0)
		return 0;
	left = (left + 999999) / 1000000;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* The environment of a worker: nothing, but in sanitizer builds the
 * sanitizers' options. */
static char **child_env(void)
{
	static char *none[] = {NULL};
#ifdef CH_ASAN
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

#define SPAWN_FDS_MAX 64

sl_rc sl_child_spawn(const char *exe, const char *arg, const int *fds,
                     size_t nfds, const char *what, pid_t *pid)
{
	*pid = -1;
	if (nfds > SPAWN_FDS_MAX)
		return sl_error(SL_ESYS, _("%s: too many descriptors"), what);
	/* Copies of ours above every descriptor the child is to have, so
	 * that placing one cannot clobber another; and a status pipe that
	 * closes on a successful exec, or carries the exec's errno. */
	int hi[SPAWN_FDS_MAX], st[2] = {-1, -1}, err = 0;
	size_t made = 0;
	int top = (int)nfds + 1;
	for (; made < nfds && !err; made++)
		if ((hi[made] = fcntl(fds[made], F_DUPFD_CLOEXEC, top)) < 0)
			err = errno;
	if (!err && pipe2(st, O_CLOEXEC) != 0)
		err = errno;
	int sfd = -1;
	if (!err && (sfd = fcntl(st[1], F_DUPFD_CLOEXEC, top)) < 0)
		err = errno;
	char *argv[] = {(char *)(uintptr_t)exe, (char *)(uintptr_t)arg, NULL};
	char **envp = child_env();
	pid_t p = err ? -1 : fork();
	if (p == 0) {
		/* the child: async-signal-safe calls only, then exec */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int e = 0;
		for (size_t k = 0; !e && k < nfds; k++)
			if (dup2(hi[k], (int)k) < 0)
				e = errno;
		if (!e && dup3(sfd, (int)nfds, O_CLOEXEC) < 0)
			e = errno;
		else if (!e)
			sfd = (int)nfds;
		if (!e && close_range((unsigned)nfds + 1, ~0U, 0) != 0) {
			struct rlimit r;
			int lim = getrlimit(RLIMIT_NOFILE, &r) == 0 &&
			                  r.rlim_cur < 65536
			              ? (int)r.rlim_cur
			              : 65536;
			for (int fd = (int)nfds + 1; fd < lim; fd++)
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
	if (p < 0 && !err)
		err = errno;
	for (size_t k = 0; k < made; k++)
		if (hi[k] >= 0)
			close(hi[k]);
	if (sfd >= 0)
		close(sfd);
	if (st[1] >= 0)
		close(st[1]);
	if (!err) {
		int e = 0;
		ssize_t k;
		while ((k = read(st[0], &e, sizeof e)) < 0 && errno == EINTR)
			;
		if (k == (ssize_t)sizeof e)
			err = e ? e : ENOEXEC;
	}
	if (st[0] >= 0)
		close(st[0]);
	if (err) {
		if (p > 0)
			sl_child_reap(&p, 0);
		return sl_error(SL_ESYS, _("cannot start %s %s: %s"), what, exe,
		                strerror(err));
	}
	*pid = p;
	return SL_OK;
}

int sl_child_reap(pid_t *pid, int grace_ms)
{
	int status = -1;
	if (*pid <= 0)
		return -1;
	int64_t until = sl_child_now_ns() + (int64_t)grace_ms * 1000000;
	for (;;) {
		pid_t r = waitpid(*pid, &status, WNOHANG);
		if (r == *pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (sl_child_now_ns() >= until) {
			kill(*pid, SIGKILL);
			while ((r = waitpid(*pid, &status, 0)) < 0 &&
			       errno == EINTR)
				;
			if (r < 0)
				status = -1;
			break;
		}
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	*pid = -1;
	return status;
}

void sl_child_how(int status, char *out, size_t cap)
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

void sl_child_sigpipe_block(sl_child_sigpipe *g)
{
	sigset_t pipe_set, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &g->old);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE);
}

void sl_child_sigpipe_restore(sl_child_sigpipe *g)
{
	if (!g->was_pending && !sigismember(&g->old, SIGPIPE)) {
		sigset_t pipe_set;
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		struct timespec zero = {0, 0};
		while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}
