/* org.c - zones and agencies. See org.h. */
#include "org.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "guard.h"

static sl_rc exists(sl_store *s, const char *sql, const char *code, int *found,
                    char *col, size_t cap)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s, sql, &st))
		return sl_db_err(s, _("reading zones and agencies"));
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (col) {
		const char *t = rc == SQLITE_ROW
		                    ? (const char *)sqlite3_column_text(st, 0)
		                    : NULL;
		snprintf(col, cap, "%s", t ? t : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sl_db_err(s, _("reading zones and agencies"));
	return SL_OK;
}

sl_rc sl_zone_exists(sl_store *s, const char *code, int *found)
{
	return exists(s, "SELECT 1 FROM zones WHERE code = ?", code, found,
	              NULL, 0);
}

sl_rc sl_agency_zone(sl_store *s, const char *code, int *found,
                     char zone[SL_CODE_MAX + 1])
{
	return exists(s, "SELECT zone FROM agencies WHERE code = ?", code,
	              found, zone, SL_CODE_MAX + 1);
}

/*
 * An agency added in no zone (its cases are refused) is placed in one by
 * adding it again, with its name as it is, and the zone: once. An agency
 * never moves from one zone to another here; that would move its cases
 * under review to another panel.
 */
static sl_rc place(sl_store *s, const char *code, const char *name,
                   const char *zone)
{
	int found = 0;
	char was[SL_NAME_MAX + 1];
	sl_rc rc = exists(s, "SELECT name FROM agencies WHERE code = ?", code,
	                  &found, was, sizeof was);
	if (rc)
		return rc;
	if (strcmp(was, name))
		return sl_error(
		    SL_EINPUT,
		    _("agency '%s' already exists, by another name; "
		      "to place it in a zone, give its name as it "
		      "is"),
		    code);
	if ((rc = sl_zone_exists(s, zone, &found)) || !found)
		return rc ? rc
		          : sl_error(SL_EINPUT,
		                     _("no zone '%s' (add it first)"), zone);
	if ((rc = sl_tx_begin_unchanged(s)))
		return rc;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "UPDATE agencies SET zone = ?1 WHERE code = ?2 AND"
	                  " zone IS NULL",
	                  &st)) {
		rc = sl_db_err(s, _("placing an agency in a zone"));
		goto fail;
	}
	sqlite3_bind_text(st, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE || sl_db_changes(s) != 1) {
		rc = step != SQLITE_DONE
		         ? sl_db_err(s, _("placing an agency in a zone"))
		         : sl_error(SL_EINPUT, _("agency '%s' already exists"),
		                    code);
		goto fail;
	}
	json_t *d = json_pack("{s:s}", "zone", zone);
	rc = sl_audit(s, "agency.place", code, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

static sl_rc add_once(sl_store *s, const char *what, const char *code,
                      const char *name, const char *zone)
{
	sl_rc snap_rc = sl_tx_snapshot(s);
	if (snap_rc)
		return snap_rc;
	sl_rc rc = sl_guard(s, SL_ACT_ORG_ADD, code);
	if (rc)
		return rc;
	if (!sl_code_valid(code))
		return sl_error(
		    SL_EINPUT,
		    _("invalid %s code '%s': 1-32 of A-Z, a-z, 0-9, '_', "
		      "'-'"),
		    what, code);
	if (!sl_name_valid(name))
		return sl_error(
		    SL_EINPUT,
		    _("invalid %s name: 1-%d bytes of UTF-8 text without "
		      "control characters"),
		    what, SL_NAME_MAX);
	int found = 0;
	char z[SL_CODE_MAX + 1];
	rc = zone ? sl_agency_zone(s, code, &found, z)
	          : sl_zone_exists(s, code, &found);
	if (!rc && zone) {
		int zf = 0;
		if (found && !*z && *zone)
			return place(s, code, name, zone);
		if (found)
			return sl_error(SL_EINPUT,
			                _("agency '%s' already exists"), code);
		if (*zone && (rc = sl_zone_exists(s, zone, &zf)) == SL_OK &&
		    !zf)
			return sl_error(SL_EINPUT,
			                _("no zone '%s' (add it first)"), zone);
	}
	if (rc)
		return rc;
	if (found)
		return sl_error(SL_EINPUT, _("%s '%s' already exists"), what,
		                code);

	if ((rc = sl_tx_begin_unchanged(s)))
		return rc;
	sqlite3_stmt *st;
	const char *sql = zone ? "INSERT INTO agencies(code, name, zone) "
	                         "VALUES(?, ?, ?)"
	                       : "INSERT INTO zones(code, name) VALUES(?, ?)";
	if (sl_db_prepare(s, sql, &st)) {
		rc = sl_db_err(s, what);
		goto fail;
	}
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (zone && *zone)
		sqlite3_bind_text(st, 3, zone, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		rc = sl_db_err(s, what);
		goto fail;
	}
	json_t *d = zone ? json_pack("{s:s, s:s?}", "name", name, "zone",
	                             *zone ? zone : NULL)
	                 : json_pack("{s:s}", "name", name);
	rc = sl_audit(s, zone ? "agency.add" : "zone.add", code, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

static sl_rc add(sl_store *s, const char *what, const char *code,
                 const char *name, const char *zone)
{
	int tries = 0;
	sl_rc rc;
	do
		rc = add_once(s, what, code, name, zone);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}

sl_rc sl_zone_add(sl_store *s, const char *code, const char *name)
{
	return add(s, "zone", code, name, NULL);
}

sl_rc sl_agency_add(sl_store *s, const char *code, const char *name,
                    const char *zone)
{
	return add(s, "agency", code, name, zone ? zone : "");
}

static sl_rc list(sl_store *s, const char *sql,
                  int (*cb)(const sl_org_info *o, void *ud), void *ud)
{
	sl_rc rc = sl_guard(s, SL_ACT_ORG_LIST, "org");
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (sl_db_prepare(s, sql, &st))
		return sl_db_err(s, _("reading zones and agencies"));
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		sl_org_info o = {0};
		const char *t;
		snprintf(o.code, sizeof o.code, "%s",
		         sqlite3_column_text(st, 0));
		snprintf(o.name, sizeof o.name, "%s",
		         sqlite3_column_text(st, 1));
		if ((t = (const char *)sqlite3_column_text(st, 2)))
			snprintf(o.zone, sizeof o.zone, "%s", t);
		if (cb(&o, ud))
			break;
	}
	rc = step == SQLITE_ROW || step == SQLITE_DONE
	         ? SL_OK
	         : sl_db_err(s, _("reading zones and agencies"));
	sqlite3_finalize(st);
	return rc;
}

sl_rc sl_zone_list(sl_store *s, int (*cb)(const sl_org_info *z, void *ud),
                   void *ud)
{
	return list(s, "SELECT code, name, NULL FROM zones ORDER BY code", cb,
	            ud);
}

sl_rc sl_agency_list(sl_store *s, int (*cb)(const sl_org_info *a, void *ud),
                     void *ud)
{
	return list(s,
	            "SELECT code, name, zone FROM agencies ORDER BY zone, code",
	            cb, ud);
}
