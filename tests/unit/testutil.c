/* testutil.c - see testutil.h. */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "keyslot.h"
#include "org.h"

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

/* A complete dossier in the format of case-format.md. */
char *tdossier(const char *case_id, const char *agency, const char *docs,
               const char *fact_ev, const char *violation)
{
	char *s;
	if (asprintf(
	        &s,
	        "{\"format\":\"shenli.case/1\",\"case_id\":\"%s\","
	        "\"agency\":\"%s\",\"transferred_on\":\"2024-05-06\","
	        "\"subject\":{\"name\":\"李某\",\"person_id\":\"P-0042\","
	        "\"party_member\":true,\"public_official\":true,"
	        "\"position\":\"分局局长\",\"rank\":\"科级\"},"
	        "\"facts\":[{\"id\":\"F1\",\"summary\":\"违规设立小金库\","
	        "\"violation\":\"%s\",\"amount_yuan\":86000,"
	        "\"evidence\":[%s]}],"
	        "\"evidence\":[{\"id\":\"E1\",\"kind\":\"subject_statement\","
	        "\"title\":\"李某谈话笔录\"},{\"id\":\"E2\",\"kind\":"
	        "\"documentary\",\"title\":\"转账记录\",\"tags\":"
	        "[\"bank_record\"]}],"
	        "\"proposal\":{\"disciplines\":[\"integrity\"],"
	        "\"eight_point_rules\":true,\"party_sanction\":\"严重警告\","
	        "\"gov_sanction\":\"记过\",\"form\":2},"
	        "\"documents\":[%s],\"x_unknown\":{\"kept\":1}}",
	        case_id, agency, violation, fact_ev, docs) < 0)
		return NULL;
	return s;
}

void tstore_org(sl_store *s)
{
	assert_int_equal(sl_zone_add(s, "Z1", "第一片区"), SL_OK);
	assert_int_equal(sl_zone_add(s, "Z2", "第二片区"), SL_OK);
	assert_int_equal(sl_agency_add(s, "ZRJ", "驻市人社局纪检监察组", "Z1"),
	                 SL_OK);
	assert_int_equal(sl_agency_add(s, "JYJ", "驻市教育局纪检监察组", "Z1"),
	                 SL_OK);
	assert_int_equal(sl_agency_add(s, "CZJ", "驻市财政局纪检监察组", "Z2"),
	                 SL_OK);
	assert_int_equal(sl_agency_add(s, "LONE", "未划片单位", NULL), SL_OK);
}
