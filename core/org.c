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

/* "zone" or "agency" (what) as the reader says it, for the messages that
 * name either. */
static const char *org_said(const char *what)
{
	return !strcmp(what, "zone")
	           ? sl_said(NC_("organisation", "zone"), what)
	           : sl_said(NC_("organisation", "agency"), what);
}

/* One row of zones or agencies written (sql, its parameters: NULL binds
 * NULL) and its entry, in one transaction, on the state the checks read:
 * the row must change, or nothing is written. */

static sl_rc write_org(sl_store *s, const char *sql, const char *const p[3],
                       const char *what, const char *code, const char *action,
                       json_t *d)
{
	sl_rc rc = sl_tx_begin_unchanged(s);
	if (rc) {
		json_decref(d);
		return rc;
	}
	sqlite3_stmt *st;
	if (sl_db_prepare(s, sql, &st)) {
		rc = sl_db_err(s, what);
		goto fail;
	}
	for (int i = 0; i < 3; i++)
		if (p[i])
			sqlite3_bind_text(st, i + 1, p[i], -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE || sl_db_changes(s) != 1) {
		rc = step != SQLITE_DONE
		         ? sl_db_err(s, what)
		         : sl_error(SL_EINPUT, _("%s '%s' already exists"),
		                    org_said(what), code);
		goto fail;
	}
	if ((rc = sl_audit(s, action, code, d)) || (rc = sl_tx_commit(s)))
		goto fail;
	json_decref(d);
	return SL_OK;
fail:
	json_decref(d);
	sl_tx_rollback(s);
	return rc;
}

/*
 * An agency added in no zone (its cases are refused) is placed in one by
 * adding it again, with its name as it is, and the zone (add_once has
 * checked it is there): once. An agency never moves from one zone to
 * another here; that would move its cases under review to another panel.
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
	const char *p[3] = {zone, code, NULL};
	return write_org(s,
	                 "UPDATE agencies SET zone = ?1 WHERE code = ?2 AND"
	                 " zone IS NULL",
	                 p, "agency", code, "agency.place",
	                 json_pack("{s:s}", "zone", zone));
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
		    org_said(what), code);
	if (!sl_name_valid(name))
		return sl_error(
		    SL_EINPUT,
		    _("invalid %s name: 1-%d bytes of UTF-8 text without "
		      "control characters"),
		    org_said(what), SL_NAME_MAX);
	int found = 0;
	char z[SL_CODE_MAX + 1];
	rc = zone ? sl_agency_zone(s, code, &found, z)
	          : sl_zone_exists(s, code, &found);
	if (!rc && zone) {
		int zf = 0;
		if (found && (*z || !*zone))
			return sl_error(SL_EINPUT,
			                _("agency '%s' already exists"), code);
		if (*zone && (rc = sl_zone_exists(s, zone, &zf)) == SL_OK &&
		    !zf)
			return sl_error(SL_EINPUT,
			                _("no zone '%s' (add it first)"), zone);
	}
	if (rc)
		return rc;
	if (found && zone) /* in no zone, and given one that is there */
		return place(s, code, name, zone);
	if (found)
		return sl_error(SL_EINPUT, _("%s '%s' already exists"),
		                org_said(what), code);
	const char *p[3] = {code, name, zone && *zone ? zone : NULL};
	return write_org(
	    s,
	    zone ? "INSERT INTO agencies(code, name, zone) VALUES(?, ?, ?)"
	         : "INSERT INTO zones(code, name) VALUES(?, ?)",
	    p, what, code, zone ? "agency.add" : "zone.add",
	    zone ? json_pack("{s:s, s:s?}", "name", name, "zone",
	                     *zone ? zone : NULL)
	         : json_pack("{s:s}", "name", name));
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
