/* db.c - the services' narrow way to the store's tables. See db.h. */
#include "db.h"

#include <stdio.h>

#include "store_priv.h"

int sl_db_prepare(sl_store *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, 0);
}

int sl_db_changes(sl_store *s)
{
	return sqlite3_changes(s->db);
}

int64_t sl_db_last_rowid(sl_store *s)
{
	return sqlite3_last_insert_rowid(s->db);
}

sl_rc sl_db_read_begin(sl_store *s, int *own)
{
	*own = !s->in_tx && sqlite3_get_autocommit(s->db);
	if (*own && sqlite3_exec(s->db, "BEGIN", 0, 0, 0) != SQLITE_OK) {
		*own = 0;
		return sl_db_err(s, _("starting to read the store"));
	}
	return SL_OK;
}

void sl_db_read_end(sl_store *s, int own)
{
	if (own)
		sqlite3_exec(s->db, "COMMIT", 0, 0, 0);
}

void sl_db_cache(sl_store *s, int kib)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %d",
	         kib > 0 ? -kib : -2000);
	/* a cache that cannot be resized only costs speed */
	sqlite3_exec(s->db, sql, 0, 0, 0);
}

void sl_db_checkpoint_every(sl_store *s, int pages)
{
	/* as the cache: a bound that cannot be set only costs speed */
	sqlite3_wal_autocheckpoint(s->db, pages > 0 ? pages : 1000);
}
