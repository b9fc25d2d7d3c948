/*
 * fsutil.h - the few file operations that must be done carefully:
 * bounded reads, and atomic durable replacement (write temp, fsync,
 * rename, fsync directory), so that a crash leaves the old file or the
 * new one, never half of either.
 */
#ifndef SHENLI_FSUTIL_H
#define SHENLI_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include <shenli/base.h>

#include "err.h"

/* A file just created on fd (path names it in messages): exactly mode
 * (umask may only have narrowed it), data, fsync, close; fd is closed
 * whatever happens. The caller removes the file on failure. */
sl_rc sl_file_fill(int fd, const char *path, const void *data, size_t len,
                   mode_t mode);
/* Write data to newpath (created or truncated), durably; see also
 * sl_file_commit_rename. */
sl_rc sl_file_write_new(const char *newpath, const void *data, size_t len,
                        mode_t mode);
/* rename(from, to) and fsync the directory. */
sl_rc sl_file_commit_rename(const char *from, const char *to);
/* Rename to PATH.shred (so that PATH is gone at once), overwrite with
 * zeros, fsync, unlink. Best effort on the overwrite. */
sl_rc sl_file_shred(const char *path);
/* What a shred killed half-way left (a name ending ".shred"): wiped as
 * sl_file_shred wipes, and unlinked. */
sl_rc sl_file_shred_leftover(const char *gone);
/* mkdir -p for one level, mode; OK if it exists as a directory we own. */
sl_rc sl_dir_ensure(const char *path, mode_t mode);
int sl_file_exists(const char *path);
/* 1 if errno value e says the machine ran short (descriptors, memory, a
 * limit, an I/O error) rather than anything about the file itself. */
int sl_errno_is_resource(int e);

#endif
