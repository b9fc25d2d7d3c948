/* registry.c - what the log has authorised. See registry.h. */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/*
 * Each kind of record is a vector kept sorted by its key, which is the
 * first member of every record struct (a NUL-terminated char array): the
 * tables are read back ORDER BY the same key, so comparing is one merge.
 */
typedef struct {
	char *v;
	size_t n, cap, size;
} vec;

static void *at(const vec *x, size_t i)
{
	return x->v + i * x->size;
}

/* Binary search; *pos is where key is or would go. */
static void *find(const vec *x, const char *key, size_t *pos)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp((const char *)at(x, mid), key);
		if (c == 0) {
			if (pos)
				*pos = mid;
			return at(x, mid);
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pos)
		*pos = lo;
	return NULL;
}

/* Insert a copy of rec (whose key is not present). */
static void *insert(vec *x, const void *rec)
{
	size_t pos;
	if (find(x, (const char *)rec, &pos))
		return NULL;
	if (x->n == x->cap) {
		size_t nc = x->cap ? 2 * x->cap : 16;
		char *nv = realloc(x->v, nc * x->size);
		if (!nv)
			return NULL;
		x->v = nv;
		x->cap = nc;
	}
	memmove(at(x, pos + 1), at(x, pos), (x->n - pos) * x->size);
	memcpy(at(x, pos), rec, x->size);
	x->n++;
	return at(x, pos);
}

struct sl_registry {
	vec users, keys, pkgs, zones, agencies;
	int has_rules;
	int64_t rules_version;
	uint8_t rules_sha[SL_SHA256_LEN];
};

sl_registry *sl_registry_new(void)
{
	sl_registry *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->users.size = sizeof(sl_reg_user);
	g->keys.size = sizeof(sl_reg_key);
	g->pkgs.size = sizeof(sl_reg_pkg);
	g->zones.size = sizeof(sl_reg_org);
	g->agencies.size = sizeof(sl_reg_org);
	return g;
}

void sl_registry_free(sl_registry *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->users.n; i++) {
		sl_reg_user *u = at(&g->users, i);
		free(u->name);
		sl_sign_free(u->verifier);
	}
	for (size_t i = 0; i < g->keys.n; i++)
		free(((sl_reg_key *)at(&g->keys, i))->comment);
	for (size_t i = 0; i < g->zones.n; i++)
		free(((sl_reg_org *)at(&g->zones, i))->name);
	for (size_t i = 0; i < g->agencies.n; i++)
		free(((sl_reg_org *)at(&g->agencies, i))->name);
	free(g->users.v);
	free(g->keys.v);
	free(g->pkgs.v);
	free(g->zones.v);
	free(g->agencies.v);
	free(g);
}

const sl_reg_user *sl_registry_user(const sl_registry *g, const char *id)
{
	return find(&g->users, id, NULL);
}
sl_reg_user *sl_registry_user_mut(sl_registry *g, const char *id)
{
	return find(&g->users, id, NULL);
}
const sl_reg_key *sl_registry_key(const sl_registry *g, const char *id)
{
	return find(&g->keys, id, NULL);
}
sl_reg_key *sl_registry_key_mut(sl_registry *g, const char *id)
{
	return find(&g->keys, id, NULL);
}
const sl_reg_pkg *sl_registry_pkg(const sl_registry *g, const char *name)
{
	return find(&g->pkgs, name, NULL);
}
sl_reg_pkg *sl_registry_pkg_mut(sl_registry *g, const char *name)
{
	return find(&g->pkgs, name, NULL);
}
const sl_reg_org *sl_registry_zone(const sl_registry *g, const char *code)
{
	return find(&g->zones, code, NULL);
}
const sl_reg_org *sl_registry_agency(const sl_registry *g, const char *code)
{
	return find(&g->agencies, code, NULL);
}

int sl_registry_rules(const sl_registry *g, int64_t *version,
                      uint8_t sha[SL_SHA256_LEN])
{
	if (version)
		*version = g->rules_version;
	if (sha)
		memcpy(sha, g->rules_sha, SL_SHA256_LEN);
	return g->has_rules;
}

size_t sl_registry_n_users(const sl_registry *g)
{
	return g->users.n;
}
const sl_reg_user *sl_registry_user_at(const sl_registry *g, size_t i)
{
	return i < g->users.n ? at(&g->users, i) : NULL;
}
size_t sl_registry_n_pkgs(const sl_registry *g)
{
	return g->pkgs.n;
}
const sl_reg_pkg *sl_registry_pkg_at(const sl_registry *g, size_t i)
{
	return i < g->pkgs.n ? at(&g->pkgs, i) : NULL;
}
size_t sl_registry_n_keys(const sl_registry *g)
{
	return g->keys.n;
}
const sl_reg_key *sl_registry_key_at(const sl_registry *g, size_t i)
{
	return i < g->keys.n ? at(&g->keys, i) : NULL;
}

sl_signkey *sl_registry_verifier(sl_registry *g, const char *id)
{
	sl_reg_user *u = find(&g->users, id, NULL);
	if (!u || !u->enrolled)
		return NULL;
	if (!u->verifier)
		u->verifier = sl_verifier_new(u->pub);
	return u->verifier;
}

sl_rc sl_registry_pkg_runnable(const sl_registry *g, const char *name,
                               sl_pkg_kind kind, const sl_reg_pkg **out)
{
	const sl_reg_pkg *p = find(&g->pkgs, name, NULL);
	if (!p || !p->installed || p->m.kind != kind)
		return sl_error(SL_EINTEGRITY,
		                _("%s %s: no install of it by an admin is in "
		                  "the audit log"),
		                sl_pkg_kind_said(kind), name);
	const sl_reg_key *k = find(&g->keys, p->signer, NULL);
	if (!k)
		return sl_error(
		    SL_EINTEGRITY,
		    _("%s %s: its signing key %s was never trusted"),
		    sl_pkg_kind_said(kind), name, p->signer);
	if (k->revoked)
		return sl_error(SL_EINTEGRITY,
		                _("%s %s: its signing key %s has been revoked, "
		                  "so it no longer runs"),
		                sl_pkg_kind_said(kind), name, p->signer);
	if (out)
		*out = p;
	return SL_OK;
}

/* ---- changes ------------------------------------------------------------ */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

sl_rc sl_registry_add_user(sl_registry *g, const sl_reg_user *u)
{
	sl_reg_user c = *u;
	c.verifier = NULL;
	c.name = dup_or_null(u->name);
	if ((u->name && !c.name) || !insert(&g->users, &c)) {
		free(c.name);
		return find(&g->users, u->id, NULL)
		           ? sl_error(SL_EINTEGRITY, _("user '%s' added twice"),
		                      u->id)
		           : sl_error(SL_ESYS, _("out of memory"));
	}
	return SL_OK;
}

sl_rc sl_registry_add_key(sl_registry *g, const sl_reg_key *k)
{
	sl_reg_key c = *k;
	c.comment = strdup(k->comment ? k->comment : "");
	if (!c.comment || !insert(&g->keys, &c)) {
		free(c.comment);
		return find(&g->keys, k->id, NULL)
		           ? sl_error(SL_EINTEGRITY, _("key %s trusted twice"),
		                      k->id)
		           : sl_error(SL_ESYS, _("out of memory"));
	}
	return SL_OK;
}

sl_rc sl_registry_install(sl_registry *g, const sl_manifest *m,
                          const char *signer)
{
	sl_reg_pkg *p = find(&g->pkgs, m->name, NULL);
	if (!p) {
		sl_reg_pkg n = {0};
		n.m = *m;
		if (!(p = insert(&g->pkgs, &n)))
			return sl_error(SL_ESYS, _("out of memory"));
	}
	p->m = *m;
	snprintf(p->signer, sizeof p->signer, "%s", signer);
	p->installed = 1;
	if (m->version > p->floor)
		p->floor = m->version;
	return SL_OK;
}

static sl_rc add_org(vec *x, const char *code, const char *name,
                     const char *zone)
{
	sl_reg_org o = {0};
	snprintf(o.code, sizeof o.code, "%s", code);
	snprintf(o.zone, sizeof o.zone, "%s", zone ? zone : "");
	o.name = strdup(name);
	if (!o.name || !insert(x, &o)) {
		free(o.name);
		return find(x, code, NULL)
		           ? sl_error(SL_EINTEGRITY, _("'%s' added twice"),
		                      code)
		           : sl_error(SL_ESYS, _("out of memory"));
	}
	return SL_OK;
}

sl_rc sl_registry_add_zone(sl_registry *g, const char *code, const char *name)
{
	return add_org(&g->zones, code, name, NULL);
}

sl_rc sl_registry_add_agency(sl_registry *g, const char *code, const char *name,
                             const char *zone)
{
	return add_org(&g->agencies, code, name, zone);
}

sl_rc sl_registry_place_agency(sl_registry *g, const char *code,
                               const char *zone)
{
	sl_reg_org *o = find(&g->agencies, code, NULL);
	if (!o)
		return sl_error(SL_EINTEGRITY, _("no agency '%s'"), code);
	snprintf(o->zone, sizeof o->zone, "%s", zone);
	return SL_OK;
}

void sl_registry_set_rules(sl_registry *g, int64_t version,
                           const uint8_t sha[SL_SHA256_LEN])
{
	g->has_rules = 1;
	g->rules_version = version;
	memcpy(g->rules_sha, sha, SL_SHA256_LEN);
}

/* ---- comparing with the tables ----------------------------------------- */

static const char *col_text(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	return t ? t : "";
}

static int col_blob_is(sqlite3_stmt *st, int i, const uint8_t *v, size_t n)
{
	if (!v)
		return sqlite3_column_type(st, i) == SQLITE_NULL;
	return sqlite3_column_bytes(st, i) == (int)n &&
	       memcmp(sqlite3_column_blob(st, i), v, n) == 0;
}

static int str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* A name for a row in a message: table rows hold untrusted text. */
static sl_rc differs(const char *table, const char *key)
{
	char k[80];
	sl_text_sanitize(key ? key : "", k, sizeof k);
	return sl_error(SL_EINTEGRITY,
	                _("the %s table differs from the audit log at '%s' "
	                  "(changed outside shenli)"),
	                table, k);
}

/* Walk one table in key order beside one vector: row_ok compares a row
 * with its record. Rows missing from the table or the log are named. */
typedef int (*row_cmp)(sqlite3_stmt *st, const void *rec);

static sl_rc merge(sqlite3 *db, const char *sql, const char *table,
                   const vec *x, int (*want)(const void *rec), row_cmp ok)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, 0))
		return sl_sqlite_err(db, sqlite3_errcode(db), table);
	size_t i = 0;
	sl_rc rc = SL_OK;
	int step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		while (i < x->n && want && !want(at(x, i)))
			i++;
		const char *key = col_text(st, 0);
		int c = i < x->n ? strcmp(key, (const char *)at(x, i)) : -1;
		if (c) {
			/* both in key order: a row before the log's next one is
			 * in the table only; after it, the log's is missing
			 * from the table (deleted): name the row that is not
			 * where it should be */
			rc = differs(table,
			             c < 0 ? key : (const char *)at(x, i));
			break;
		}
		if (!ok(st, at(x, i)))
			rc = differs(table, key);
		i++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sl_sqlite_err(db, step, table);
	sqlite3_finalize(st);
	while (!rc && i < x->n && want && !want(at(x, i)))
		i++;
	if (!rc && i < x->n)
		rc = differs(table, (const char *)at(x, i));
	return rc;
}

static int user_ok(sqlite3_stmt *st, const void *rec)
{
	const sl_reg_user *u = rec;
	return !strcmp(col_text(st, 1), sl_role_name(u->role)) &&
	       str_eq(col_text(st, 2), u->agency) &&
	       str_eq(col_text(st, 3), u->zone) &&
	       str_eq(col_text(st, 4), u->name) &&
	       col_blob_is(st, 5, u->enrolled ? u->pub : NULL, 32) &&
	       col_blob_is(st, 6, u->enrol_pub, 32) &&
	       col_blob_is(st, 7, u->slot, 32) &&
	       sqlite3_column_int(st, 8) == u->disabled;
}

static int key_ok(sqlite3_stmt *st, const void *rec)
{
	const sl_reg_key *k = rec;
	return col_blob_is(st, 1, k->pub, 32) &&
	       str_eq(col_text(st, 2), k->comment) &&
	       sqlite3_column_int(st, 3) == k->revoked;
}

static int pkg_installed(const void *rec)
{
	return ((const sl_reg_pkg *)rec)->installed;
}

static int pkg_ok(sqlite3_stmt *st, const void *rec)
{
	const sl_reg_pkg *p = rec;
	return !strcmp(col_text(st, 1), sl_pkg_kind_name(p->m.kind)) &&
	       sqlite3_column_int64(st, 2) == p->m.version &&
	       sqlite3_column_int(st, 3) == p->m.abi &&
	       !strcmp(col_text(st, 4), p->m.file) &&
	       sqlite3_column_int64(st, 5) == p->m.size &&
	       col_blob_is(st, 6, p->m.sha256, 32) &&
	       !strcmp(col_text(st, 7), p->signer);
}

static int floor_ok(sqlite3_stmt *st, const void *rec)
{
	return sqlite3_column_int64(st, 1) == ((const sl_reg_pkg *)rec)->floor;
}

static int zone_ok(sqlite3_stmt *st, const void *rec)
{
	return str_eq(col_text(st, 1), ((const sl_reg_org *)rec)->name);
}

static int agency_ok(sqlite3_stmt *st, const void *rec)
{
	const sl_reg_org *a = rec;
	return str_eq(col_text(st, 1), a->name) &&
	       str_eq(col_text(st, 2), a->zone);
}

static sl_rc compare_rules(const sl_registry *g, sqlite3 *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
	                       "SELECT name, version, sha256, body FROM rules",
	                       -1, &st, 0))
		return sl_sqlite_err(db, sqlite3_errcode(db), "rules");
	sl_rc rc = SL_OK;
	int rows = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		uint8_t h[SL_SHA256_LEN];
		sl_sha256(sqlite3_column_blob(st, 3),
		          (size_t)sqlite3_column_bytes(st, 3), h);
		if (!g->has_rules || strcmp(col_text(st, 0), "default") ||
		    sqlite3_column_int64(st, 1) != g->rules_version ||
		    !col_blob_is(st, 2, g->rules_sha, 32) ||
		    memcmp(h, g->rules_sha, 32) != 0)
			rc = differs("rules", col_text(st, 0));
	}
	if (!rc && step != SQLITE_DONE)
		rc = sl_sqlite_err(db, step, "rules");
	sqlite3_finalize(st);
	if (!rc && rows != g->has_rules)
		rc = differs("rules", "default");
	return rc;
}

sl_rc sl_registry_compare(const sl_registry *g, sqlite3 *db)
{
	sl_rc rc;
	if ((rc = merge(db,
	                "SELECT id, role, agency, zone, name, pubkey,"
	                " enrol_pub, slot_sha256, disabled FROM users"
	                " ORDER BY id",
	                "users", &g->users, NULL, user_ok)) ||
	    (rc = merge(db,
	                "SELECT id, pubkey, comment, revoked FROM trusted_keys"
	                " ORDER BY id",
	                "trusted_keys", &g->keys, NULL, key_ok)) ||
	    (rc = merge(db,
	                "SELECT name, kind, version, abi, file, size, sha256,"
	                " signer FROM packages ORDER BY name",
	                "packages", &g->pkgs, pkg_installed, pkg_ok)) ||
	    (rc = merge(db,
	                "SELECT name, max_version FROM package_floor"
	                " ORDER BY name",
	                "package_floor", &g->pkgs, NULL, floor_ok)) ||
	    (rc = merge(db, "SELECT code, name FROM zones ORDER BY code",
	                "zones", &g->zones, NULL, zone_ok)) ||
	    (rc = merge(db,
	                "SELECT code, name, zone FROM agencies ORDER BY code",
	                "agencies", &g->agencies, NULL, agency_ok)))
		return rc;
	return compare_rules(g, db);
}

/* ---- the checkpoint's copy ------------------------------------------------
 */

static json_t *hexj(const uint8_t *b, size_t n)
{
	char h[2 * 64 + 1];
	sl_hex(b, n, h);
	return json_string(h);
}

json_t *sl_registry_dump(const sl_registry *g)
{
	json_t *users = json_array(), *keys = json_array(),
	       *pkgs = json_array(), *zones = json_array(),
	       *agencies = json_array();
	for (size_t i = 0; i < g->users.n; i++) {
		const sl_reg_user *u = at(&g->users, i);
		json_t *o = json_pack(
		    "{s:s, s:s, s:s, s:s, s:s?, s:b, s:b, s:o, s:o}", "id",
		    u->id, "role", sl_role_name(u->role), "agency", u->agency,
		    "zone", u->zone, "name", u->name, "enrolled", u->enrolled,
		    "disabled", u->disabled, "enrol_pub",
		    hexj(u->enrol_pub, 32), "slot", hexj(u->slot, 32));
		if (o && u->enrolled)
			json_object_set_new(o, "pub", hexj(u->pub, 32));
		json_array_append_new(users, o);
	}
	for (size_t i = 0; i < g->keys.n; i++) {
		const sl_reg_key *k = at(&g->keys, i);
		json_array_append_new(
		    keys, json_pack("{s:s, s:o, s:s, s:b}", "id", k->id, "pub",
		                    hexj(k->pub, 32), "comment", k->comment,
		                    "revoked", k->revoked));
	}
	for (size_t i = 0; i < g->pkgs.n; i++) {
		const sl_reg_pkg *p = at(&g->pkgs, i);
		json_array_append_new(
		    pkgs,
		    json_pack("{s:s, s:s, s:I, s:i, s:s, s:I, s:o, s:s, s:b, "
		              "s:I}",
		              "name", p->m.name, "kind",
		              sl_pkg_kind_name(p->m.kind), "version",
		              (json_int_t)p->m.version, "abi", p->m.abi, "file",
		              p->m.file, "size", (json_int_t)p->m.size,
		              "sha256", hexj(p->m.sha256, 32), "signer",
		              p->signer, "installed", p->installed, "floor",
		              (json_int_t)p->floor));
	}
	for (size_t i = 0; i < g->zones.n; i++) {
		const sl_reg_org *z = at(&g->zones, i);
		json_array_append_new(
		    zones,
		    json_pack("{s:s, s:s}", "code", z->code, "name", z->name));
	}
	for (size_t i = 0; i < g->agencies.n; i++) {
		const sl_reg_org *a = at(&g->agencies, i);
		json_array_append_new(
		    agencies, json_pack("{s:s, s:s, s:s}", "code", a->code,
		                        "name", a->name, "zone", a->zone));
	}
	json_t *rules = g->has_rules
	                    ? json_pack("{s:I, s:o}", "version",
	                                (json_int_t)g->rules_version, "sha256",
	                                hexj(g->rules_sha, 32))
	                    : json_null();
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "users", users,
	                 "keys", keys, "packages", pkgs, "zones", zones,
	                 "agencies", agencies, "rules", rules);
}

/* Strict readers for the checkpoint's JSON. */
static int get_str(const json_t *o, const char *k, char *out, size_t cap)
{
	const char *v = json_string_value(json_object_get(o, k));
	if (!v || strlen(v) >= cap)
		return 0;
	memcpy(out, v, strlen(v) + 1);
	return 1;
}

static int get_hex(const json_t *o, const char *k, uint8_t *out, size_t n)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v && sl_unhex(v, out, n) == SL_OK;
}

static int get_int(const json_t *o, const char *k, long long *v)
{
	json_t *j = json_object_get(o, k);
	if (!json_is_integer(j))
		return 0;
	*v = json_integer_value(j);
	return 1;
}

static sl_rc load_user(sl_registry *g, const json_t *o)
{
	sl_reg_user u = {0};
	char role[16];
	const char *name = json_string_value(json_object_get(o, "name"));
	if (!get_str(o, "id", u.id, sizeof u.id) ||
	    !get_str(o, "role", role, sizeof role) ||
	    !(u.role = sl_role_parse(role)) ||
	    !get_str(o, "agency", u.agency, sizeof u.agency) ||
	    !get_str(o, "zone", u.zone, sizeof u.zone) ||
	    !get_hex(o, "enrol_pub", u.enrol_pub, 32) ||
	    !get_hex(o, "slot", u.slot, 32))
		return SL_EINTEGRITY;
	u.enrolled = json_is_true(json_object_get(o, "enrolled"));
	u.disabled = json_is_true(json_object_get(o, "disabled"));
	if (u.enrolled && !get_hex(o, "pub", u.pub, 32))
		return SL_EINTEGRITY;
	u.name = (char *)name;
	return sl_registry_add_user(g, &u);
}

static sl_rc load_pkg(sl_registry *g, const json_t *o)
{
	sl_manifest m = {0};
	char kind[16], signer[SL_KEY_ID_LEN + 1];
	long long abi, floor;
	if (!get_str(o, "name", m.name, sizeof m.name) ||
	    !get_str(o, "kind", kind, sizeof kind) ||
	    sl_pkg_kind_parse(kind, &m.kind) ||
	    !get_int(o, "version", &m.version) || !get_int(o, "abi", &abi) ||
	    !get_str(o, "file", m.file, sizeof m.file) ||
	    !get_int(o, "size", &m.size) ||
	    !get_hex(o, "sha256", m.sha256, 32) ||
	    !get_str(o, "signer", signer, sizeof signer) ||
	    !get_int(o, "floor", &floor))
		return SL_EINTEGRITY;
	m.abi = (int)abi;
	sl_rc rc = sl_registry_install(g, &m, signer);
	if (rc)
		return rc;
	sl_reg_pkg *p = find(&g->pkgs, m.name, NULL);
	p->installed = json_is_true(json_object_get(o, "installed"));
	p->floor = floor;
	return SL_OK;
}

sl_rc sl_registry_load(const json_t *j, sl_registry **out)
{
	*out = NULL;
	sl_registry *g = sl_registry_new();
	if (!g)
		return sl_error(SL_ESYS, _("out of memory"));
	sl_rc rc = json_is_object(j) ? SL_OK : SL_EINTEGRITY;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(j, "users"), i, o) if (!rc) rc =
	    load_user(g, o);
	json_array_foreach(json_object_get(j, "keys"), i, o) if (!rc)
	{
		sl_reg_key k = {0};
		if (!get_str(o, "id", k.id, sizeof k.id) ||
		    !get_hex(o, "pub", k.pub, 32) ||
		    !json_is_string(json_object_get(o, "comment")))
			rc = SL_EINTEGRITY;
		else {
			k.comment = (char *)json_string_value(
			    json_object_get(o, "comment"));
			k.revoked = json_is_true(json_object_get(o, "revoked"));
			rc = sl_registry_add_key(g, &k);
		}
	}
	json_array_foreach(json_object_get(j, "packages"), i, o) if (!rc) rc =
	    load_pkg(g, o);
	json_array_foreach(json_object_get(j, "zones"), i, o) if (!rc)
	{
		char code[SL_CODE_LEN + 1];
		const char *n = json_string_value(json_object_get(o, "name"));
		rc = get_str(o, "code", code, sizeof code) && n
		         ? sl_registry_add_zone(g, code, n)
		         : SL_EINTEGRITY;
	}
	json_array_foreach(json_object_get(j, "agencies"), i, o) if (!rc)
	{
		char code[SL_CODE_LEN + 1], zone[SL_CODE_LEN + 1];
		const char *n = json_string_value(json_object_get(o, "name"));
		rc = get_str(o, "code", code, sizeof code) &&
		             get_str(o, "zone", zone, sizeof zone) && n
		         ? sl_registry_add_agency(g, code, n, zone)
		         : SL_EINTEGRITY;
	}
	json_t *r = json_object_get(j, "rules");
	if (!rc && json_is_object(r)) {
		long long v;
		uint8_t h[32];
		if (!get_int(r, "version", &v) || !get_hex(r, "sha256", h, 32))
			rc = SL_EINTEGRITY;
		else
			sl_registry_set_rules(g, v, h);
	}
	if (rc) {
		sl_registry_free(g);
		return rc == SL_EINTEGRITY
		           ? sl_error(SL_EINTEGRITY,
		                      _("a checkpoint's registry is malformed"))
		           : rc;
	}
	*out = g;
	return SL_OK;
}
