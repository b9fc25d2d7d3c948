/* testutil.c - see testutil.h. */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "keyslot.h"

sl_store *tstore_new(tstore *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/shenli-test-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/store.db", t->dir);
	sl_store *s = NULL;
	assert_int_equal(sl_store_create(t->path, "root", ADMIN_PASS,
	                                 strlen(ADMIN_PASS), &s),
	                 SL_OK);
	return s;
}

void tstore_cleanup(tstore *t)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

void tstore_data_key(const tstore *t, uint8_t key[32])
{
	char slot[400], *img;
	size_t len;
	assert_int_equal(sl_store_slot_path(t->path, "root", slot, sizeof slot),
	                 SL_OK);
	assert_int_equal(sl_file_read(slot, 4096, &img, &len), SL_OK);
	sl_secrets *sec = sl_secrets_new();
	assert_int_equal(sl_keyslot_open("root", ADMIN_PASS, strlen(ADMIN_PASS),
	                                 img, len, sec),
	                 SL_OK);
	memcpy(key, sec->data_key, 32);
	sl_secrets_free(sec);
	free(img);
}

sqlite3 *tstore_raw(const tstore *t)
{
	uint8_t key[32];
	sqlite3 *db = NULL;
	tstore_data_key(t, key);
	assert_int_equal(sl_store_open_raw(t->path, key, &db), SL_OK);
	return db;
}

void tstore_raw_exec(const tstore *t, const char *sql)
{
	sqlite3 *db = tstore_raw(t);
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, 0, 0, &err);
	if (rc != SQLITE_OK)
		fail_msg("raw exec '%s': %s", sql, err ? err : "?");
	sqlite3_close(db);
}

int file_contains(const char *path, const void *needle, size_t n)
{
	char *buf;
	size_t len;
	if (sl_file_read(path, 1 << 30, &buf, &len) != SL_OK)
		return -1;
	int found = memmem(buf, len, needle, n) != NULL;
	free(buf);
	return found;
}
