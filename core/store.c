/* store.c - the store handle: the SQLCipher connection and its key, the
 * acting user, roles, the clock and the errors a database call can give.
 * Nothing here reads or writes the log: transactions are tx.c's, opening
 * and closing a store storeopen.c's, so the log (audit.c) can sit on this
 * layer and under those. */
#define _GNU_SOURCE
#define SQLITE_HAS_CODEC 1
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "store_priv.h"
#include "store_test.h" /* the hooks are defined here */
#include "vfs.h"

static const struct {
	sl_role role;
	const char *name;
} roles[] = {
    {SL_ROLE_ADMIN, "admin"},     {SL_ROLE_LEADER, "leader"},
    {SL_ROLE_MEMBER, "member"},   {SL_ROLE_SPECIALIST, "specialist"},
    {SL_ROLE_AUDITOR, "auditor"},
};

sl_role sl_role_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(name, roles[i].name) == 0)
			return roles[i].role;
	return 0;
}

const char *sl_role_name(sl_role r)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == r)
			return roles[i].name;
	return "?";
}

int sl_user_id_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > SL_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		         (i > 0 && (c == '.' || c == '_' || c == '-'));
		if (!ok)
			return 0;
	}
	return 1;
}

static int64_t (*clock_fn)(void);

void sl_clock_override(int64_t (*fn)(void))
{
	clock_fn = fn;
}

int64_t sl_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sl_now_ms(void)
{
	if (clock_fn)
		return clock_fn();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *sl_store_default_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;
	if (xdg && *xdg == '/') {
		if (asprintf(&p, "%s/shenli/store.db", xdg) < 0)
			p = NULL;
	} else if (home && *home) {
		if (asprintf(&p, "%s/.local/share/shenli/store.db", home) < 0)
			p = NULL;
	}
	return p;
}

sl_rc sl_store_slot_path(const char *store_path, const char *user, char *buf,
                         size_t cap)
{
	if (!sl_user_id_valid(user))
		return sl_error(SL_EINPUT, _("invalid user id '%s'"), user);
	if (snprintf(buf, cap, "%s.keys/%s.slot", store_path, user) >= (int)cap)
		return sl_error(SL_EINPUT, _("store path too long"));
	return SL_OK;
}

/* Why SQLite could not open the store's files, when its own errno says
 * little (a WAL store opens PATH-wal and PATH-shm beside it, and on a
 * read-only file system or directory that fails as ENOENT): the file
 * system read-only, or the directory not writable, else e as it was. */
static int cantopen_why(sqlite3 *db, int e)
{
	const char *f = sqlite3_db_filename(db, "main");
	char dir[PATH_MAX];
	if (!f || !*f || snprintf(dir, sizeof dir, "%s", f) >= (int)sizeof dir)
		return e;
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	else
		snprintf(dir, sizeof dir, ".");
	struct statvfs v;
	if (statvfs(dir, &v) == 0 && (v.f_flag & ST_RDONLY))
		return EROFS;
	if (access(dir, W_OK) != 0 && (errno == EACCES || errno == EROFS))
		return errno;
	return e;
}

sl_rc sl_sqlite_err(sqlite3 *db, int rc, const char *what)
{
	/* SQLite's own words are English and say no more than the code
	 * does: a panel reads the code's meaning in its language, and only
	 * a code we do not name carries SQLite's text. */
	const char *m = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		return sl_error(SL_EINTEGRITY,
		                _("%s: the store is damaged or has been "
		                  "tampered with (its file is not a store "
		                  "this key opens)"),
		                what);
	case SQLITE_CORRUPT:
		return sl_error(SL_EINTEGRITY,
		                _("%s: the store is damaged or has been "
		                  "tampered with (its pages do not read back "
		                  "as they were written)"),
		                what);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return sl_error(
		    SL_ESYS,
		    _("%s: the store is busy (another shenli is writing); "
		      "nothing was changed, try again"),
		    what);
	case SQLITE_FULL:
		return sl_error(SL_ESYS,
		                _("%s: the disk is full; nothing was changed"),
		                what);
	case SQLITE_READONLY:
		return sl_error(
		    SL_ESYS,
		    _("%s: the store is read-only; nothing was changed"), what);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN: {
		/* the system's reason, if SQLite kept one: a full disk often
		 * shows as an I/O error when the WAL or its index is made */
		int e = db ? sqlite3_system_errno(db) : 0;
		if ((rc & 0xff) == SQLITE_CANTOPEN && db)
			e = cantopen_why(db, e);
		if (e == ENOSPC || e == EDQUOT)
			return sl_error(
			    SL_ESYS,
			    _("%s: the disk is full; nothing was changed"),
			    what);
		if (e == EROFS)
			return sl_error(
			    SL_ESYS,
			    _("%s: the store is on a read-only file "
			      "system; nothing was changed"),
			    what);
		if (e == EACCES || e == EPERM)
			return sl_error(
			    SL_ESYS,
			    _("%s: the store's directory or files may "
			      "not be written by this account (%s); "
			      "nothing was changed"),
			    what, strerror(e));
		if ((rc & 0xff) == SQLITE_CANTOPEN)
			return sl_error(
			    SL_ESYS,
			    _("%s: the store's files cannot be opened "
			      "(%s)"),
			    what, strerror(e ? e : EIO));
		if (e)
			return sl_error(SL_ESYS, _("%s: I/O error (%s)"), what,
			                strerror(e));
		return sl_error(SL_ESYS, _("%s: I/O error"), what);
	}
	default: return sl_error(SL_ESYS, _("%s: database error: %s"), what, m);
	}
}

sl_rc sl_db_err(sl_store *s, const char *what)
{
	return sl_sqlite_err(s->db, sqlite3_extended_errcode(s->db), what);
}

/* Key the connection and set the per-connection pragmas SQLCipher 3 does not
 * store: the page size must be given on every open, before the first read. */
static sl_rc key_db(sqlite3 *db, const uint8_t key[SL_KEY_LEN])
{
	/* Raw key syntax x'HEX': SQLCipher uses the bytes as the AES key and
	 * skips its own PBKDF2. Built in secure memory and wiped. */
	const size_t klen = 3 + 2 * SL_KEY_LEN;
	char *k = sl_secure_alloc(klen + 1);
	if (!k)
		return sl_error(SL_ESYS, _("out of memory"));
	k[0] = 'x';
	k[1] = '\'';
	sl_hex(key, SL_KEY_LEN, k + 2);
	k[klen - 1] = '\'';
	int rc = sqlite3_key(db, k, (int)klen);
	sl_secure_free(k, klen + 1);
	if (rc != SQLITE_OK)
		return sl_sqlite_err(db, rc, _("keying the store"));
	rc = sqlite3_exec(db, "PRAGMA cipher_page_size = 4096;", 0, 0, 0);
	if (rc != SQLITE_OK)
		return sl_sqlite_err(db, rc, _("keying the store"));
	return SL_OK;
}

sl_rc sl_store_path_fits(const char *path)
{
	sqlite3_vfs *v = sqlite3_vfs_find(NULL);
	size_t max = (size_t)(v ? v->mxPathname : 512), len = strlen(path);
	char cwd[PATH_MAX];
	if (path[0] != '/' && getcwd(cwd, sizeof cwd))
		len += strlen(cwd) + 1;
	/* the reason first: a path that long would fill the message */
	if (len + sizeof "-journal" - 1 > max)
		return sl_error(
		    SL_EINPUT,
		    _("the store's path is %zu bytes long, and the "
		      "store can be opened only at a path of at most "
		      "%zu bytes: choose a shorter one"),
		    len, max - (sizeof "-journal" - 1));
	return SL_OK;
}

static int count_rows(void *ud, int n, char **v, char **names)
{
	(void)names;
	*(int *)ud = n == 1 && v[0] ? atoi(v[0]) : -1;
	return 0;
}

sl_rc sl_store_open_db(const char *path, const uint8_t key[SL_KEY_LEN],
                       int create, sqlite3 **out)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	            (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sl_vfs_register();
	if (rc != SQLITE_OK)
		return sl_error(SL_ESYS,
		                _("cannot set up the store's file layer"));
	rc = sqlite3_open_v2(path, &db, flags, SL_VFS_NAME);
	if (rc != SQLITE_OK) {
		sl_rc r = sl_sqlite_err(db, rc, path);
		sqlite3_close(db);
		return r;
	}
	sl_rc r = key_db(db, key);
	if (r) {
		sqlite3_close(db);
		return r;
	}
	sqlite3_busy_timeout(db, 10000);
	/* The first read decrypts page 1: a wrong key or a damaged header
	 * fails here. auto_vacuum must be set before the first table exists:
	 * with FULL no free pages linger, so every page of the file is read
	 * (and its HMAC checked) by an integrity scan. */
	const char *setup =
	    create ? "PRAGMA auto_vacuum = FULL; PRAGMA journal_mode = WAL;"
	             "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
	           : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	             "PRAGMA foreign_keys = ON;";
	/* An existing store has its schema. A file emptied (or never one of
	 * ours) has none, and switching it to WAL would write a first page
	 * into it: refused before anything is written. */
	int tables = -1;
	rc = create ? SQLITE_OK
	            : sqlite3_exec(db, "SELECT count(*) FROM sqlite_master",
	                           count_rows, &tables, 0);
	if (rc == SQLITE_OK && !create && tables == 0) {
		sqlite3_close(db);
		return sl_error(SL_EINTEGRITY,
		                _("the store file is empty: damaged or "
		                  "tampered with (nothing was written to it)"));
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, setup, 0, 0, 0);
	if (rc != SQLITE_OK) {
		r = sl_sqlite_err(db, sqlite3_extended_errcode(db),
		                  _("opening the store"));
		if ((rc & 0xff) == SQLITE_NOTADB)
			r = sl_error(
			    SL_EINTEGRITY,
			    _("the store cannot be decrypted with its key: the "
			      "file is damaged or has been tampered with"));
		sqlite3_close(db);
		return r;
	}
	*out = db;
	return SL_OK;
}

sl_rc sl_store_open_raw(const char *path, const uint8_t key[SL_KEY_LEN],
                        sqlite3 **out)
{
	return sl_store_open_db(path, key, 0, out);
}

sl_store *sl_store_alloc(const char *path)
{
	sl_store *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->path = strdup(path);
	s->os_uid = getuid(); /* embedded mode: what the process says */
	s->sec = sl_secrets_new();
	s->sha = sl_hasher_new();
	if (!s->path || !s->sec || !s->sha) {
		/* nothing is open yet: no log to checkpoint, no connection */
		sl_hasher_free(s->sha);
		sl_secrets_free(s->sec);
		free(s->path);
		free(s);
		return NULL;
	}
	return s;
}

sqlite3 *sl_store_db(sl_store *s)
{
	return s->db;
}
const sl_actor *sl_store_actor(const sl_store *s)
{
	return &s->actor;
}
const char *sl_store_path(const sl_store *s)
{
	return s->path;
}

sl_rc sl_store_out_ok(const sl_store *s, const char *path)
{
	/* both as the kernel resolves them: "x.db.keys/../x.db", a link to
	 * the store's directory, a relative path are the same files */
	char store[PATH_MAX], dir[PATH_MAX], d[PATH_MAX];
	char full[2 * PATH_MAX];
	if (!realpath(s->path, store))
		return SL_OK; /* open, so there: nothing to compare */
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t n = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
	if (n >= sizeof d)
		return SL_OK; /* the write says what is wrong with it */
	memcpy(d, slash ? path : ".", n);
	d[n] = 0;
	if (!realpath(d, dir))
		return SL_OK; /* no such directory: the write fails */
	snprintf(full, sizeof full, "%s/%s", strcmp(dir, "/") ? dir : "", base);
	/* the store's files are itself and what its name with a suffix
	 * names (store.c, storeopen.c, turnstile.c, pkgstore.c) */
	static const char *const own[] = {"", "-wal", "-shm", "-journal",
	                                  ".lock"};
	static const char *const own_dirs[] = {".keys", ".pkg"};
	size_t k = strlen(store);
	if (strncmp(full, store, k))
		return SL_OK;
	const char *sfx = full + k;
	int hit = 0;
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		hit |= !strcmp(sfx, own[i]);
	for (size_t i = 0; i < sizeof own_dirs / sizeof *own_dirs; i++) {
		size_t m = strlen(own_dirs[i]);
		hit |=
		    !strncmp(sfx, own_dirs[i], m) && (!sfx[m] || sfx[m] == '/');
	}
	if (!hit)
		return SL_OK;
	char safe[256];
	sl_text_sanitize(path, safe, sizeof safe);
	return sl_error(SL_EINPUT,
	                _("%s: that is one of the store's own files (the "
	                  "store, its journal, its key slots, its packages): "
	                  "a document written there would destroy them; "
	                  "choose another file; nothing was written"),
	                safe);
}

const uint8_t *sl_store_id(const sl_store *s)
{
	return s->store_id;
}

sl_rc sl_store_sign(sl_store *s, const void *msg, size_t n,
                    uint8_t sig[SL_ED25519_SIG_LEN])
{
	return sl_sign(s->signkey, msg, n, sig);
}

int sl_store_pending(const sl_store *s)
{
	return s->unenrolled;
}

int sl_store_unverified(const sl_store *s)
{
	return s->unverified;
}

const struct sl_registry *sl_store_registry(const sl_store *s)
{
	return s->reg;
}

int64_t sl_tx_clock(sl_store *s)
{
	if (s->in_tx)
		return s->tx_ms;
	if (!s->next_tx_ms)
		s->next_tx_ms = sl_now_ms();
	return s->next_tx_ms;
}

int sl_tx_active(const sl_store *s)
{
	return s->in_tx;
}
