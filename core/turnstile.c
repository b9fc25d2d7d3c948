/* turnstile.c - fair turns of the store's writers. See turnstile.h. */
#define _GNU_SOURCE
#include "turnstile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define WANT 0 /* the lock bytes, see turnstile.h */
#define TURN 1
#define SERVICE 2

struct sl_turnstile {
	int fd;
	int held; /* the turn is ours */
};

/* Set (F_RDLCK, F_WRLCK) or drop (F_UNLCK) the lock on byte at once:
 * 0, or -1 with errno (EAGAIN: another holds it). */
static int lock_now(int fd, short type, off_t byte)
{
	struct flock fl = {.l_type = type,
	                   .l_whence = SEEK_SET,
	                   .l_start = byte,
	                   .l_len = 1,
	                   .l_pid = 0};
	int r;
	do
		r = fcntl(fd, F_OFD_SETLK, &fl);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EACCES)
		errno = EAGAIN;
	return r;
}

/* The lock, waiting until deadline (monotonic ms). Polled rather than
 * waited for in the kernel, so that the wait has an end without a signal
 * (the importer has a second thread); fairness comes from want, not from
 * the order of the polls. 0, or -1 with errno (EAGAIN: still held). */
static int lock_until(int fd, short type, off_t byte, int64_t deadline)
{
	long nap_us = 500;
	for (;;) {
		if (lock_now(fd, type, byte) == 0)
			return 0;
		if (errno != EAGAIN || sl_mono_ms() >= deadline)
			return -1;
		struct timespec ts = {0, nap_us * 1000};
		nanosleep(&ts, NULL);
		if (nap_us < 4000)
			nap_us *= 2;
	}
}

sl_rc sl_turnstile_open(const char *store_path, sl_turnstile **out)
{
	*out = NULL;
	char path[4096];
	if (snprintf(path, sizeof path, "%s.lock", store_path) >=
	    (int)sizeof path)
		return sl_error(SL_EINPUT, _("store path too long"));
	int fd = open(
	    path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 && errno == ELOOP) /* a symbolic link: not ours to lock */
		return sl_error(SL_EINTEGRITY, _("%s: not a regular file"),
		                path);
	if (fd < 0)
		return sl_error(SL_ESYS, _("%s: %s"), path, strerror(errno));
	struct stat st;
	sl_rc rc = SL_OK;
	if (fstat(fd, &st) != 0)
		rc = sl_error(SL_ESYS, _("%s: %s"), path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = sl_error(SL_EINTEGRITY, _("%s: not a regular file"), path);
	else if (st.st_uid != geteuid())
		rc = sl_error(
		    SL_EINTEGRITY,
		    _("%s: owned by another user; refusing to use it"), path);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		rc =
		    sl_error(SL_EINTEGRITY,
		             _("%s is writable by group or others: refusing to "
		               "trust it (chmod go-w it, and check who changed "
		               "it)"),
		             path);
	sl_turnstile *t = rc ? NULL : calloc(1, sizeof *t);
	if (!rc && !t)
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (rc) {
		close(fd);
		return rc;
	}
	t->fd = fd;
	*out = t;
	return SL_OK;
}

void sl_turnstile_close(sl_turnstile *t)
{
	if (!t)
		return;
	close(t->fd); /* drops its locks */
	free(t);
}

static sl_rc busy(void)
{
	return sl_error(SL_ESYS,
	                _("%s: the store is busy (another shenli is writing); "
	                  "nothing was changed, try again"),
	                _("starting a transaction"));
}

sl_rc sl_turn_take(sl_turnstile *t)
{
	if (t->held)
		return SL_OK;
	int64_t deadline = sl_mono_ms() + SL_TURN_WAIT_MS;
	/* want is held exclusive only for a moment, by a long writer that
	 * has seen everyone before it through */
	if (lock_until(t->fd, F_RDLCK, WANT, deadline) != 0)
		return errno == EAGAIN ? busy()
		                       : sl_error(SL_ESYS, _("%s: %s"),
		                                  _("starting a transaction"),
		                                  strerror(errno));
	int r = lock_until(t->fd, F_WRLCK, TURN, deadline);
	int e = errno;
	lock_now(t->fd, F_UNLCK, WANT);
	if (r != 0)
		return e == EAGAIN
		           ? busy()
		           : sl_error(SL_ESYS, _("%s: %s"),
		                      _("starting a transaction"), strerror(e));
	t->held = 1;
	return SL_OK;
}

void sl_turn_give(sl_turnstile *t)
{
	if (!t || !t->held)
		return;
	lock_now(t->fd, F_UNLCK, TURN);
	t->held = 0;
}

int sl_turn_held(const sl_turnstile *t)
{
	return t && t->held;
}

void sl_turn_yield(sl_turnstile *t)
{
	if (!t || t->held)
		return;
	/* want free: nobody waits. Else want exclusive is granted when the
	 * last of those waiting now has taken the turn and let want go. */
	if (lock_now(t->fd, F_WRLCK, WANT) != 0)
		lock_until(t->fd, F_WRLCK, WANT,
		           sl_mono_ms() + SL_TURN_WAIT_MS);
	lock_now(t->fd, F_UNLCK, WANT);
}

int sl_turn_service_alone(sl_turnstile *t)
{
	if (lock_now(t->fd, F_WRLCK, SERVICE) == 0) {
		/* converted in place: never a moment unheld */
		lock_now(t->fd, F_RDLCK, SERVICE);
		return 1;
	}
	lock_until(t->fd, F_RDLCK, SERVICE, sl_mono_ms() + SL_TURN_WAIT_MS);
	return 0;
}
