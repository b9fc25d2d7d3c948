/* fsutil.c - careful file I/O. See fsutil.h. */
#define _GNU_SOURCE
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

sl_rc sl_fd_read(int fd, const char *name, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return sl_error(SL_ESYS, _("out of memory"));
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(buf);
				return sl_error(
				    SL_EINPUT,
				    _("%s: larger than the limit of %zu bytes"),
				    name, max);
			}
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return sl_error(SL_ESYS, _("out of memory"));
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return sl_error(SL_ESYS, _("%s: read failed: %s"), name,
			                strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(buf);
		return sl_error(SL_EINPUT,
		                _("%s: larger than the limit of %zu bytes"),
		                name, max);
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return SL_OK;
}

/* What a path the user named failing to open says: a path that does not
 * lead to a file they may use (none there, a file where a directory must
 * be, too long, a loop, a directory where a file must be, no permission)
 * is their input, wrong; the system failing (out of descriptors, memory,
 * disk, a read-only medium) is not. */
static sl_rc path_errc(int e)
{
	return e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG || e == ELOOP ||
	               e == EISDIR || e == EACCES || e == EPERM || e == ENXIO
	           ? SL_EINPUT
	           : SL_ESYS;
}

sl_rc sl_file_read(const char *path, size_t max, char **out, size_t *len)
{
	/* O_NONBLOCK: a FIFO is refused below, not waited on for a writer
	 * that may never come (a regular file reads as ever) */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		return sl_error(path_errc(e), _("%s: %s"), path, strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sl_error(SL_EINPUT, _("%s: not a regular file"), path);
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return sl_error(SL_EINPUT,
		                _("%s: larger than the limit of %zu bytes"),
		                path, max);
	}
	sl_rc rc = sl_fd_read(fd, path, max, out, len);
	close(fd);
	return rc;
}

static sl_rc fsync_dir_of(const char *path)
{
	char tmp[PATH_MAX];
	if (strlen(path) >= sizeof tmp)
		return sl_error(SL_EINPUT, _("path too long"));
	strcpy(tmp, path);
	int dfd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return sl_error(SL_ESYS, _("%s: cannot open directory: %s"),
		                path, strerror(errno));
	int r = fsync(dfd);
	int e = errno;
	close(dfd);
	if (r != 0 && e != EINVAL)
		return sl_error(SL_ESYS, _("%s: fsync of directory failed: %s"),
		                path, strerror(e));
	return SL_OK;
}

static sl_rc write_all(int fd, const char *path, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) /* 0: nothing taken, as a full device */
			return sl_error(SL_ESYS, _("%s: write failed: %s"),
			                path, strerror(w < 0 ? errno : ENOSPC));
		p += w;
		len -= (size_t)w;
	}
	return SL_OK;
}

sl_rc sl_file_fill(int fd, const char *path, const void *data, size_t len,
                   mode_t mode)
{
	sl_rc rc = SL_OK;
	if (fchmod(fd, mode) != 0)
		rc = sl_error(SL_ESYS, _("%s: chmod failed: %s"), path,
		              strerror(errno));
	if (!rc)
		rc = write_all(fd, path, data, len);
	if (!rc && fsync(fd) != 0)
		rc = sl_error(SL_ESYS, _("%s: fsync failed: %s"), path,
		              strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = sl_error(SL_ESYS, _("%s: close failed: %s"), path,
		              strerror(errno));
	return rc;
}

sl_rc sl_file_write_new(const char *newpath, const void *data, size_t len,
                        mode_t mode)
{
	int fd =
	    open(newpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	         mode);
	if (fd < 0)
		return sl_error(SL_ESYS, _("%s: cannot create: %s"), newpath,
		                strerror(errno));
	sl_rc rc = sl_file_fill(fd, newpath, data, len, mode);
	if (rc)
		unlink(newpath);
	return rc;
}

sl_rc sl_file_commit_rename(const char *from, const char *to)
{
	if (rename(from, to) != 0)
		return sl_error(SL_ESYS, _("%s: rename failed: %s"), to,
		                strerror(errno));
	return fsync_dir_of(to);
}

sl_rc sl_file_write_atomic(const char *path, const void *data, size_t len,
                           mode_t mode)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return sl_error(SL_EINPUT, _("path too long"));
	sl_rc rc = sl_file_write_new(tmp, data, len, mode);
	if (rc)
		return rc;
	rc = sl_file_commit_rename(tmp, path);
	if (rc)
		unlink(tmp);
	return rc;
}

sl_rc sl_file_write_out(const char *path, const void *data, size_t len,
                        mode_t mode)
{
	struct stat st;
	int exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		return sl_error(SL_EINPUT, _("%s: is a directory"), path);
	if (exists && !S_ISREG(st.st_mode)) {
		int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return sl_error(path_errc(errno),
			                _("%s: cannot open: %s"), path,
			                strerror(errno));
		sl_rc rc = write_all(fd, path, data, len);
		if (close(fd) != 0 && !rc)
			rc = sl_error(SL_ESYS, _("%s: close failed: %s"), path,
			              strerror(errno));
		return rc;
	}
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return sl_error(SL_EINPUT, _("path too long"));
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return sl_error(path_errc(errno), _("%s: cannot create: %s"),
		                path, strerror(errno));
	sl_rc rc = sl_file_fill(fd, tmp, data, len, mode);
	if (!rc)
		rc = sl_file_commit_rename(tmp, path);
	if (rc)
		unlink(tmp);
	return rc;
}

/* gone overwritten with zeros (best effort), fsynced, unlinked. */
static sl_rc wipe_unlink(const char *gone)
{
	int fd = open(gone, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			static const char zeros[4096];
			off_t left = st.st_size;
			while (left > 0) {
				size_t n = left > (off_t)sizeof zeros
				               ? sizeof zeros
				               : (size_t)left;
				ssize_t w = write(fd, zeros, n);
				if (w <= 0)
					break;
				left -= w;
			}
			(void)fsync(fd);
		}
		close(fd);
	}
	if (unlink(gone) != 0 && errno != ENOENT)
		return sl_error(SL_ESYS, _("%s: cannot remove: %s"), gone,
		                strerror(errno));
	return fsync_dir_of(gone);
}

sl_rc sl_file_shred(const char *path)
{
	/* The name goes first, atomically: a kill at any later instant
	 * leaves no half-wiped file under it (a zeroed key slot read as a
	 * malformed one, not as a missing one). What is left under NAME.shred
	 * by such a kill is wiped by the next shred of NAME, or by
	 * sl_file_shred_leftover. */
	char gone[PATH_MAX];
	if (snprintf(gone, sizeof gone, "%s.shred", path) >= (int)sizeof gone)
		return sl_error(SL_EINPUT, _("%s: path too long"), path);
	if (rename(path, gone) != 0 && errno != ENOENT)
		return sl_error(SL_ESYS, _("%s: cannot remove: %s"), path,
		                strerror(errno));
	sl_rc rc = fsync_dir_of(path);
	sl_rc rc2 = wipe_unlink(gone);
	return rc ? rc : rc2;
}

sl_rc sl_file_shred_leftover(const char *gone)
{
	size_t n = strlen(gone);
	if (n < 6 || strcmp(gone + n - 6, ".shred"))
		return sl_error(SL_EINPUT, _("%s: not a file left to shred"),
		                gone);
	return wipe_unlink(gone);
}

sl_rc sl_dir_ensure(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0)
		return fsync_dir_of(path);
	if (errno != EEXIST)
		return sl_error(SL_ESYS, _("%s: cannot create directory: %s"),
		                path, strerror(errno));
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return sl_error(SL_EINPUT,
		                _("%s: exists and is not a directory"), path);
	if (st.st_uid != geteuid())
		return sl_error(
		    SL_EINTEGRITY,
		    _("%s: owned by another user; refusing to use it"), path);
	return SL_OK;
}

int sl_file_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int sl_errno_is_resource(int e)
{
	return e == EMFILE || e == ENFILE || e == ENOMEM || e == EIO ||
	       e == EINTR || e == EAGAIN || e == ENOBUFS;
}
