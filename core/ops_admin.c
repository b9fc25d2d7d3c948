/*
 * ops_admin.c - the admin operations that are more than one service's
 * call (init, plugin verify, the audit commands, which ask policy here
 * rather than in the front end), and every JSON shape of the admin group.
 * See <shenli/ops_admin.h>; doc/api.md shows each shape.
 *
 * The shapes are those 'shenli ... --json' printed before the operations
 * existed, key for key and in the same order (jansson keeps insertion
 * order): scripts read them.
 */
#include <shenli/ops_admin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "guard.h"
#include "osacct.h"
#include "pkgstore.h"
#include "plugin_host.h"
#include "rules.h"
#include "users.h"

/* ---- the audit head --------------------------------------------------------
 */

json_t *sl_anchor_json(const sl_anchor *a)
{
	char hex[65];
	sl_hex(a->hash, sizeof a->hash, hex);
	return json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)a->seq, "hash",
	                 hex, "head", a->text);
}

static sl_rc head_of(sl_store *s, sl_anchor *out)
{
	sl_rc rc = sl_audit_head(s, &out->seq, out->hash);
	if (!rc)
		sl_audit_format_anchor(out->seq, out->hash, out->text);
	return rc;
}

sl_rc sl_audit_anchor(sl_store *s, sl_anchor *out)
{
	memset(out, 0, sizeof *out);
	sl_rc rc = sl_guard(s, SL_ACT_AUDIT_HEAD, "audit");
	return rc ? rc : head_of(s, out);
}

/* ---- init ---------------------------------------------------------------- */

sl_rc sl_store_init(const sl_init_req *rq, sl_init_res *out)
{
	memset(out, 0, sizeof *out);
	sl_rc rc = sl_passphrase_acceptable(rq->pass, rq->plen);
	if (rc)
		return rc;
	/* every key read before the store is made: a bad one leaves nothing
	 * behind (a store half made would refuse the next init) */
	char ids[16][17];
	if (rq->n_trust > 16)
		return sl_error(SL_EINPUT, _("at most 16 keys to trust"));
	for (size_t i = 0; i < rq->n_trust; i++) {
		uint8_t raw[32];
		if ((rc = sl_key_file_read(rq->trust[i], raw, ids[i])))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ids[i], ids[j]))
				return sl_error(SL_EINPUT,
				                _("key %s is given twice"),
				                ids[i]);
	}
	sl_store *s = NULL;
	if ((rc = sl_store_create(rq->path, rq->admin, rq->pass, rq->plen, &s)))
		return rc;
	out->created = 1;
	if (rq->n_trust &&
	    !(out->trusted = calloc(rq->n_trust, sizeof *out->trusted)))
		rc = sl_error(SL_ESYS, _("out of memory"));
	/* the comment the log keeps for keys trusted at init */
	for (size_t i = 0; !rc && i < rq->n_trust; i++)
		if (!(rc = sl_keys_trust(s, rq->trust[i], "init --trust",
		                         out->trusted[out->n_trusted])))
			out->n_trusted++;
	if (!rc)
		rc = head_of(s, &out->head);
	sl_store_close(s);
	return rc;
}

void sl_init_res_free(sl_init_res *r)
{
	if (!r)
		return;
	free(r->trusted);
	r->trusted = NULL;
	r->n_trusted = 0;
}

json_t *sl_init_json(const sl_init_req *rq, const sl_init_res *r)
{
	json_t *ids = json_array();
	for (size_t i = 0; ids && i < r->n_trusted; i++)
		json_array_append_new(ids, json_string(r->trusted[i]));
	return json_pack("{s:s, s:s, s:o, s:s}", "store", rq->path, "admin",
	                 rq->admin, "trusted", ids, "head", r->head.text);
}

/* ---- users --------------------------------------------------------------- */

json_t *sl_user_json(const sl_user_info *u)
{
	return json_pack(
	    "{s:s, s:s, s:s?, s:s?, s:s?, s:b, s:b, s:s?}", "id", u->id, "role",
	    sl_role_name(u->role), "name", *u->name ? u->name : NULL, "agency",
	    *u->agency ? u->agency : NULL, "zone", *u->zone ? u->zone : NULL,
	    "disabled", u->disabled, "enrolled", u->enrolled, "key",
	    *u->fingerprint ? u->fingerprint : NULL);
}

json_t *sl_passwd_json(const sl_passwd_res *r)
{
	return json_pack("{s:s, s:b}", "user", r->user, "enrolled",
	                 r->enrolled);
}

json_t *sl_user_disable_json(const char *id, const sl_user_disable_res *r)
{
	json_t *cases = json_array();
	for (size_t i = 0; cases && i < r->n_open_cases; i++)
		json_array_append_new(cases, json_string(r->open_cases[i]));
	return json_pack("{s:s, s:o}", "user", id, "open_cases", cases);
}

/* ---- zones and agencies ----------------------------------------------------
 */

json_t *sl_zone_json(const sl_org_info *z)
{
	return json_pack("{s:s, s:s}", "code", z->code, "name", z->name);
}

json_t *sl_agency_json(const sl_org_info *a)
{
	return json_pack("{s:s, s:s, s:s?}", "code", a->code, "name", a->name,
	                 "zone", *a->zone ? a->zone : NULL);
}

/* ---- keys and packages -----------------------------------------------------
 */

json_t *sl_key_json(const sl_key_info *k)
{
	return json_pack("{s:s, s:s, s:b}", "id", k->id, "comment", k->comment,
	                 "revoked", k->revoked);
}

json_t *sl_pkg_json(const sl_pkg_info *p)
{
	char hex[65];
	sl_hex(p->m.sha256, sizeof p->m.sha256, hex);
	json_t *j = json_pack(
	    "{s:s, s:I, s:i, s:s, s:I, s:s, s:s}", "name", p->m.name, "version",
	    (json_int_t)p->m.version, "abi", p->m.abi, "file", p->m.file,
	    "size", (json_int_t)p->m.size, "sha256", hex, "signer", p->signer);
	if (j && p->m.kind == SL_PKG_RULES)
		json_object_set_new(j, "in_force", json_boolean(p->in_force));
	return j;
}

struct verify_ctx {
	sl_store *s;
	const char *only;
	char *rules; /* the rules document in force, for plugins' open() */
	size_t rules_len;
	int (*cb)(const sl_plugin_verify_row *r, void *ud);
	void *ud;
	sl_rc rc; /* the first failure */
	int n;
};

static int verify_one(const sl_pkg_info *p, void *ud)
{
	struct verify_ctx *c = ud;
	if (c->only && strcmp(c->only, p->m.name))
		return 0;
	/* the bytes and the authority here; the ABI and the name the
	 * plugin gives itself in the worker, where it runs */
	sl_plugin *pl = NULL;
	sl_plugrun *run = NULL;
	sl_rc rc = sl_plugin_load(c->s, p, &pl);
	if (!rc)
		rc = sl_plugins_start(c->s, &pl, 1, c->rules, c->rules_len,
		                      &run);
	/* started, but it would check nothing: every case it should check
	 * would carry a blocker naming it */
	if (!rc && !sl_plugrun_usable(run, 0)) {
		const char *why = sl_plugrun_why(run, 0);
		rc = *why
		         ? sl_error(SL_EINPUT,
		                    _("plugin %s: loads, but cannot check a "
		                      "case (%s)"),
		                    p->m.name, why)
		         : sl_error(SL_EINPUT,
		                    _("plugin %s: loads, but refuses the rules "
		                      "in force, so it cannot check a case"),
		                    p->m.name);
	}
	c->n++;
	if (rc && !c->rc)
		c->rc = rc;
	sl_plugin_verify_row row = {p, rc, rc ? NULL : sl_plugin_name(pl),
	                            rc ? sl_errmsg() : NULL};
	int stop = c->cb ? c->cb(&row, c->ud) : 0;
	sl_plugrun_end(run);
	sl_plugin_unload(pl);
	return stop;
}

/* The rules document in force, as text for plugins' open(). */
static sl_rc rules_text(sl_store *s, char **out, size_t *len)
{
	sl_rules *r;
	sl_rc rc = sl_rules_load(s, &r);
	if (rc)
		return rc;
	*out = json_dumps(sl_rules_json(r), JSON_COMPACT);
	sl_rules_free(r);
	if (!*out)
		return sl_error(SL_ESYS, _("out of memory"));
	*len = strlen(*out);
	return SL_OK;
}

sl_rc sl_plugin_verify(sl_store *s, const char *name,
                       int (*cb)(const sl_plugin_verify_row *r, void *ud),
                       void *ud)
{
	struct verify_ctx vc = {s, name, NULL, 0, cb, ud, SL_OK, 0};
	sl_rc rc = rules_text(s, &vc.rules, &vc.rules_len);
	if (rc)
		return rc;
	rc = sl_pkg_list(s, SL_PKG_PLUGIN, verify_one, &vc);
	free(vc.rules);
	if (!rc)
		rc = vc.rc;
	if (!rc && name && !vc.n)
		rc =
		    sl_error(SL_EINPUT, _("no plugin '%s' is installed"), name);
	if (vc.rc) /* each was said on its row */
		sl_error(vc.rc, _("%s: a plugin failed verification"),
		         "verify");
	return rc;
}

json_t *sl_plugin_verify_json(const sl_plugin_verify_row *r)
{
	return json_pack("{s:s, s:I, s:b, s:s?, s:s?}", "name", r->pkg->m.name,
	                 "version", (json_int_t)r->pkg->m.version, "intact",
	                 r->rc == SL_OK, "answered", r->answered, "error",
	                 r->error);
}

struct pkg_check {
	sl_store *s;
	sl_rc rc;
};

/* ---- the audit log
 * ----------------------------------------------------------- */

static int check_pkg(const sl_pkg_info *p, void *ud)
{
	struct pkg_check *c = ud;
	c->rc = sl_pkg_check(c->s, p);
	return c->rc != SL_OK;
}

/* Every installed package's payload is the one the log says an admin
 * installed, byte for byte: a plugin or script changed under the store is
 * tampering as much as a changed page (spec/cli.md, exit 6). */
static sl_rc check_packages(sl_store *s)
{
	static const sl_pkg_kind kinds[] = {SL_PKG_PLUGIN, SL_PKG_SCRIPT,
	                                    SL_PKG_RULES, SL_PKG_TEMPLATE};
	struct pkg_check c = {s, SL_OK};
	sl_rc rc = SL_OK;
	for (size_t i = 0; !rc && !c.rc && i < 4; i++)
		rc = sl_pkg_list(s, kinds[i], check_pkg, &c);
	return c.rc ? c.rc : rc;
}

sl_rc sl_audit_verify(sl_store *s, const char *anchor, sl_audit_report *out)
{
	memset(out, 0, sizeof *out);
	sl_rc rc = sl_guard(s, SL_ACT_AUDIT_VERIFY, "audit");
	if (!rc)
		rc = sl_store_verify(s, anchor, out);
	return rc ? rc : check_packages(s);
}

json_t *sl_audit_verify_json(const sl_audit_report *r, const char *anchor)
{
	char head[96];
	sl_audit_format_anchor(r->head_seq, r->head_hash, head);
	return json_pack("{s:I, s:I, s:s, s:s?}", "entries",
	                 (json_int_t)r->entries, "signatures",
	                 (json_int_t)r->signatures, "head", head, "anchor",
	                 anchor);
}

/* Whether an entry's details are the content of a case: the intake's
 * reasons, an outline's items, a withdrawal's reason, a check's counts. */
static int of_a_case(const char *action)
{
	return !strncmp(action, "case.", 5) || !strncmp(action, "review.", 7) ||
	       !strncmp(action, "report.", 7) || !strcmp(action, "script.run");
}

/* The log as one who may not read cases (an admin: users, keys and
 * packages, no case access) may read it: every entry, its chain and its
 * actor, but a case's entries with their details withheld, all but the
 * OS account. */
struct withholding {
	int (*cb)(const sl_audit_entry *e, void *ud);
	void *ud;
};

static int withhold(const sl_audit_entry *e, void *ud)
{
	const struct withholding *w = ud;
	if (!of_a_case(e->action))
		return w->cb(e, w->ud);
	json_error_t err;
	json_t *d = json_loads(e->details, 0, &err);
	json_t *os = json_object_get(d, "os");
	json_t *kept = json_pack("{s:s, s:O?}", "withheld", "case", "os", os);
	char *text =
	    kept ? json_dumps(kept, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(kept);
	json_decref(d);
	sl_audit_entry x = *e;
	x.details = text ? text : "{\"withheld\":\"case\"}";
	int r = w->cb(&x, w->ud);
	free(text);
	return r;
}

sl_rc sl_audit_log(sl_store *s, int64_t since,
                   int (*cb)(const sl_audit_entry *e, void *ud), void *ud)
{
	sl_rc rc = sl_guard(s, SL_ACT_AUDIT_LOG, "audit");
	if (rc)
		return rc;
	if (sl_policy_role(sl_store_actor(s), SL_ACT_CASE_READ) == SL_ALLOW)
		return sl_audit_each(s, since, cb, ud);
	struct withholding w = {cb, ud};
	return sl_audit_each(s, since, withhold, &w);
}

int sl_audit_entry_os(const sl_audit_entry *e, sl_os_account *out)
{
	return sl_osacct_from_text(e->details, out);
}

int sl_audit_entry_withheld(const sl_audit_entry *e)
{
	/* no entry shenli writes has "withheld": only withhold() puts it */
	if (!strstr(e->details, "\"withheld\""))
		return 0;
	json_error_t err;
	json_t *d = json_loads(e->details, 0, &err);
	const char *w = json_string_value(json_object_get(d, "withheld"));
	int r = w && !strcmp(w, "case") && json_object_size(d) <= 2;
	json_decref(d);
	return r;
}

/* The entry's "os" as its own field: null if it records none (or a
 * malformed one, which audit verify names). */
static json_t *os_field(const json_t *details)
{
	sl_os_account os;
	if (!json_is_object(details) ||
	    sl_osacct_from_details(details, &os) != 1)
		return json_null();
	return json_pack("{s:I, s:s?}", "uid", (json_int_t)os.uid, "user",
	                 os.user[0] ? os.user : NULL);
}

json_t *sl_audit_entry_json(const sl_audit_entry *e)
{
	char ts[32], hex[65], sig[2 * SL_ED25519_SIG_LEN + 1];
	time_t t = (time_t)(e->ts / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%SZ", &tm);
	json_error_t err;
	json_t *d = json_loads(e->details, 0, &err);
	if (!d)
		d = json_string(e->details);
	sl_hex(e->hash, 32, hex);
	if (e->sig)
		sl_hex(e->sig, SL_ED25519_SIG_LEN, sig);
	/* the signature in hex, so that the log can be checked outside shenli
	 * from doc/log.md alone (null: not the last entry of a transaction) */
	return json_pack(
	    "{s:I, s:s, s:I, s:s, s:o, s:s, s:s, s:o, s:s, s:b, s:s?}", "seq",
	    (json_int_t)e->seq, "time", ts, "ts_ms", (json_int_t)e->ts, "actor",
	    e->actor, "os", os_field(d), "action", e->action, "object",
	    e->object, "details", d, "hash", hex, "signed", e->is_signed, "sig",
	    e->sig ? sig : NULL);
}
