/* vfs.c - canonical page padding for SQLCipher 3. See vfs.h for why. */
#include "vfs.h"

#include <sqlite3.h>
#include <string.h>

typedef struct {
	sqlite3_file base;
	sqlite3_file *real; /* the underlying file, allocated right after us */
	int main_db;
} pad_file;

static sqlite3_vfs pad_vfs;
#define REAL_VFS ((sqlite3_vfs *)pad_vfs.pAppData)
#define REAL(f) (((pad_file *)(f))->real)

static int is_page(const pad_file *p, int amt, sqlite3_int64 off)
{
	return p->main_db && amt == SL_PAGE_SIZE && off % SL_PAGE_SIZE == 0;
}

static int pad_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	pad_file *p = (pad_file *)f;
	int rc = p->real->pMethods->xRead(p->real, buf, amt, off);
	if (rc == SQLITE_OK && is_page(p, amt, off)) {
		const unsigned char *pad =
		    (const unsigned char *)buf + SL_PAGE_SIZE - SL_PAGE_PAD;
		for (int i = 0; i < SL_PAGE_PAD; i++)
			if (pad[i])
				return SQLITE_CORRUPT;
	}
	return rc;
}

static int pad_write(sqlite3_file *f, const void *buf, int amt,
                     sqlite3_int64 off)
{
	pad_file *p = (pad_file *)f;
	if (!is_page(p, amt, off))
		return p->real->pMethods->xWrite(p->real, buf, amt, off);
	unsigned char page[SL_PAGE_SIZE];
	memcpy(page, buf, SL_PAGE_SIZE - SL_PAGE_PAD);
	memset(page + SL_PAGE_SIZE - SL_PAGE_PAD, 0, SL_PAGE_PAD);
	return p->real->pMethods->xWrite(p->real, page, amt, off);
}

static int pad_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}
static int pad_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int pad_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int pad_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int pad_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int pad_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int pad_check_lock(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int pad_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int pad_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int pad_devchar(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int pad_shm_map(sqlite3_file *f, int pg, int sz, int ext,
                       void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}
static int pad_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void pad_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int pad_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* Version 2: no xFetch, so SQLite never maps the file and bypasses xRead. */
static const sqlite3_io_methods pad_io = {
    2,
    pad_close,
    pad_read,
    pad_write,
    pad_truncate,
    pad_sync,
    pad_size,
    pad_lock,
    pad_unlock,
    pad_check_lock,
    pad_fcntl,
    pad_sector,
    pad_devchar,
    pad_shm_map,
    pad_shm_lock,
    pad_shm_barrier,
    pad_shm_unmap,
    NULL,
    NULL,
};

static int pad_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
                    int flags, int *out)
{
	(void)vfs;
	pad_file *p = (pad_file *)f;
	p->real = (sqlite3_file *)(p + 1);
	p->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	int rc = REAL_VFS->xOpen(REAL_VFS, name, p->real, flags, out);
	/* SQLite calls xClose only if pMethods is set. */
	f->pMethods = rc == SQLITE_OK && p->real->pMethods ? &pad_io : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *n, int sync)
{
	(void)v;
	return REAL_VFS->xDelete(REAL_VFS, n, sync);
}
static int v_access(sqlite3_vfs *v, const char *n, int fl, int *out)
{
	(void)v;
	return REAL_VFS->xAccess(REAL_VFS, n, fl, out);
}
static int v_fullpath(sqlite3_vfs *v, const char *n, int sz, char *out)
{
	(void)v;
	return REAL_VFS->xFullPathname(REAL_VFS, n, sz, out);
}
static void *v_dlopen(sqlite3_vfs *v, const char *n)
{
	(void)v;
	(void)n;
	return NULL; /* no extension loading through the store */
}
static void v_dlerror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	if (n > 0)
		out[0] = 0;
}
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *s))(void)
{
	(void)v;
	(void)h;
	(void)s;
	return NULL;
}
static void v_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	(void)h;
}
static int v_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return REAL_VFS->xRandomness(REAL_VFS, n, out);
}
static int v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return REAL_VFS->xSleep(REAL_VFS, us);
}
static int v_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return REAL_VFS->xCurrentTime(REAL_VFS, out);
}
static int v_lasterr(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return REAL_VFS->xGetLastError
	           ? REAL_VFS->xGetLastError(REAL_VFS, n, out)
	           : 0;
}
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return REAL_VFS->xCurrentTimeInt64(REAL_VFS, out);
}

int sl_vfs_register(void)
{
	if (pad_vfs.zName)
		return SQLITE_OK;
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);
	if (!real || real->iVersion < 2 || !real->xCurrentTimeInt64)
		return SQLITE_ERROR;
	pad_vfs = (sqlite3_vfs){
	    .iVersion = 2,
	    .szOsFile = (int)sizeof(pad_file) + real->szOsFile,
	    .mxPathname = real->mxPathname,
	    .zName = SL_VFS_NAME,
	    .pAppData = real,
	    .xOpen = pad_open,
	    .xDelete = v_delete,
	    .xAccess = v_access,
	    .xFullPathname = v_fullpath,
	    .xDlOpen = v_dlopen,
	    .xDlError = v_dlerror,
	    .xDlSym = v_dlsym,
	    .xDlClose = v_dlclose,
	    .xRandomness = v_random,
	    .xSleep = v_sleep,
	    .xCurrentTime = v_time,
	    .xGetLastError = v_lasterr,
	    .xCurrentTimeInt64 = v_time64,
	};
	int rc = sqlite3_vfs_register(&pad_vfs, 0);
	if (rc != SQLITE_OK)
		pad_vfs.zName = NULL;
	return rc;
}
