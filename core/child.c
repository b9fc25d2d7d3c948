/* child.c - starting and ending a worker process. See child.h. */
#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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

void sl_child_fd_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

sl_rc sl_child_start(sl_child *c, const char *exe, const char *arg,
                     int result_fd, const int *extra, size_t n_extra,
                     const char *what)
{
	int req[2] = {-1, -1}, res[2] = {-1, -1}, null = -1;
	int fds[SPAWN_FDS_MAX];
	sl_rc rc = SL_OK;
	*c = (sl_child){-1, -1, -1};
	if (result_fd < 1 || result_fd > 3 ||
	    (size_t)result_fd + 1 + n_extra > SPAWN_FDS_MAX)
		return sl_error(SL_ESYS, _("%s: too many descriptors"), what);
	if (pipe2(req, O_CLOEXEC) || pipe2(res, O_CLOEXEC) ||
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		rc = sl_error(SL_ESYS, _("cannot start %s: %s"), what,
		              strerror(errno));
	fds[0] = req[0];
	fds[1] = null;
#ifdef CH_ASAN
	fds[2] = 2; /* the sanitizer's reports, visible */
#else
	fds[2] = null;
#endif
	fds[result_fd] = res[1];
	for (size_t k = 0; k < n_extra; k++)
		fds[result_fd + 1 + k] = extra[k];
	if (!rc)
		rc = sl_child_spawn(exe, arg, fds,
		                    (size_t)result_fd + 1 + n_extra, what,
		                    &c->pid);
	sl_child_fd_close(&req[0]);
	sl_child_fd_close(&res[1]);
	sl_child_fd_close(&null);
	c->to = req[1];
	c->from = res[0];
	if (!rc && (fcntl(c->to, F_SETFL, O_NONBLOCK) != 0 ||
	            fcntl(c->from, F_SETFL, O_NONBLOCK) != 0))
		rc = sl_error(SL_ESYS, _("cannot start %s: %s"), what,
		              strerror(errno));
	if (rc)
		sl_child_stop(c, 1, 0);
	return rc;
}

int sl_child_stop(sl_child *c, int kill_now, int grace_ms)
{
	sl_child_fd_close(&c->to);
	sl_child_fd_close(&c->from);
	if (c->pid > 0 && kill_now)
		kill(c->pid, SIGKILL);
	return sl_child_reap(&c->pid, kill_now ? 0 : grace_ms);
}

int sl_child_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *q = p;
	while (n) {
		ssize_t k = write(fd, q, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		q += k;
		n -= (size_t)k;
	}
	return 0;
}

int sl_child_wait(int fd, short events, int64_t deadline, short *got)
{
	for (;;) {
		struct pollfd q = {fd, events, 0};
		int t = sl_child_ms_left(deadline);
		if (t <= 0)
			return 0;
		int k = poll(&q, 1, t);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k > 0) {
			*got = q.revents;
			return 1;
		}
	}
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

void sl_child_how_said(int status, char *out, size_t cap)
{
	if (status != -1 && WIFSIGNALED(status)) {
		const char *abbr = sigabbrev_np(WTERMSIG(status));
		snprintf(out, cap, _("killed by signal %d (SIG%s)"),
		         WTERMSIG(status), abbr ? abbr : "?");
	} else if (status != -1 && WIFEXITED(status)) {
		snprintf(out, cap, _("exit status %d"), WEXITSTATUS(status));
	} else {
		snprintf(out, cap, "%s", _("status unknown"));
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
