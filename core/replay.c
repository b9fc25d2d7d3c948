/* replay.c - the meaning of the audit log. See replay.h and doc/log.md. */
#include "replay.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "clock.h"
#include "jsonmem.h"
#include "lifecycle.h"
#include "names.h"
#include "osacct.h"
#include "policy.h"
#include "rules.h"
#include "text.h"

/* ---- the replayed cases (full mode) ------------------------------------ */

typedef struct {
	int64_t seq, ms;
	const char *author; /* interned */
	int panel;
	uint8_t sha[SL_SHA256_LEN];
	uint8_t sig[SL_ED25519_SIG_LEN];
} m_opinion;

typedef struct {
	int no;
	char *text, *refs, *source, *carried_from;
	int64_t answered_ms, withdrawn_ms;
	char *answer_evidence, *answer_note, *withdraw_reason;
	const char *withdrawn_by;
} m_item;

typedef struct {
	int no;
	const char *kind, *by;
	int64_t ms, resubmitted_ms;
	m_item *items;
	size_t n_items;
} m_return;

typedef struct {
	char *id;
	const char *agency, *zone; /* interned; zone NULL if none */
	sl_state state;
	int rev, checked_rev, returns, extended;
	int limit; /* the review limit's days: LIMIT_NONE or LIMIT_UNKNOWN */
	int64_t received, accepted, deadline, paused, signed_ms; /* 0: NULL */
	const char *signed_head;                                 /* interned */
	const char *reasons;                                     /* interned */
	uint8_t dossier[SL_SHA256_LEN], content[SL_SHA256_LEN];
	uint8_t findings[SL_SHA256_LEN];
	int has_findings;
	const char **team; /* interned, sorted */
	size_t n_team;
	m_return *ret;
	size_t n_ret;
	m_opinion *op;
	size_t n_op;
	int64_t ref; /* rowid, found when comparing */
} m_case;

/* m_case.limit of a case never accepted (cases.limit_days is NULL), and of
 * one whose limit a log written before the limit was logged cannot tell. */
#define LIMIT_NONE (-1)
#define LIMIT_UNKNOWN (-2)

/* Strings that repeat across cases (agencies, zones, user ids, kinds,
 * accepted cases' "[]") are kept once. */
typedef struct {
	char **v;
	size_t cap, n;
} interns;

struct sl_replay {
	sl_replay_mode mode;
	uint8_t store_id[16];
	sl_registry *g;
	int64_t prev_seq;
	uint8_t prev_hash[SL_SHA256_LEN];
	int64_t tx_first;
	int tx_init; /* the transaction is store.init's */
	/* cases: open addressing on the case id */
	m_case **cases;
	size_t cap, n;
	/* full mode, a share at a time: only the cases named in share are
	 * replayed (sharing 0: every case), and they are the rows first_row
	 * to last_row of the cases table */
	int sharing;
	interns share;
	int64_t first_row, last_row;
	int64_t case_entries; /* entries of a replayed case applied */
	/* the rules in force at the end, borrowed (sl_replay_set_rules), and
	 * their digest: an entry made under the same document is held to its
	 * limits */
	const sl_rules *rules;
	uint8_t rules_sha[SL_SHA256_LEN];
	interns in;
	sl_hasher *h;
	/* the details of the entry being applied: parsed into this arena,
	 * which is emptied (its first chunk kept) after each entry, so that
	 * a log of a million entries is not a million trees malloc'd and
	 * freed node by node (jsonmem.h) */
	sl_arena details;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

/* The string equal to s in t, added if it was not there. */
static const char *set_add(interns *t, const char *s)
{
	if (2 * (t->n + 1) > t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 256;
		char **nv = calloc(nc, sizeof *nv);
		if (!nv)
			return NULL;
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i]) {
				size_t j = hash_str(t->v[i]) & (nc - 1);
				while (nv[j])
					j = (j + 1) & (nc - 1);
				nv[j] = t->v[i];
			}
		free(t->v);
		t->v = nv;
		t->cap = nc;
	}
	size_t j = hash_str(s) & (t->cap - 1);
	while (t->v[j]) {
		if (!strcmp(t->v[j], s))
			return t->v[j];
		j = (j + 1) & (t->cap - 1);
	}
	if (!(t->v[j] = strdup(s)))
		return NULL;
	t->n++;
	return t->v[j];
}

static int set_has(const interns *t, const char *s)
{
	if (!t->cap)
		return 0;
	size_t j = hash_str(s) & (t->cap - 1);
	for (; t->v[j]; j = (j + 1) & (t->cap - 1))
		if (!strcmp(t->v[j], s))
			return 1;
	return 0;
}

static void interns_free(interns *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof *t);
}

static const char *intern(sl_replay *r, const char *s)
{
	return s ? set_add(&r->in, s) : NULL;
}

static m_case **case_slot(sl_replay *r, const char *id)
{
	size_t j = hash_str(id) & (r->cap - 1);
	while (r->cases[j] && strcmp(r->cases[j]->id, id))
		j = (j + 1) & (r->cap - 1);
	return &r->cases[j];
}

static m_case *case_get(sl_replay *r, const char *id)
{
	if (!r->cap)
		return NULL;
	return *case_slot(r, id);
}

static void case_clear(m_case *c)
{
	for (size_t i = 0; i < c->n_ret; i++) {
		for (size_t k = 0; k < c->ret[i].n_items; k++) {
			m_item *it = &c->ret[i].items[k];
			free(it->text);
			free(it->refs);
			free(it->source);
			free(it->carried_from);
			free(it->answer_evidence);
			free(it->answer_note);
			free(it->withdraw_reason);
		}
		free(c->ret[i].items);
	}
	free(c->ret);
	free(c->op);
	free(c->team);
	char *id = c->id;
	memset(c, 0, sizeof *c);
	c->id = id;
}

/* The case of that id, new and empty if it was not there. */
static m_case *case_put(sl_replay *r, const char *id)
{
	if (2 * (r->n + 1) > r->cap) {
		size_t nc = r->cap ? 2 * r->cap : 1024;
		m_case **nv = calloc(nc, sizeof *nv);
		if (!nv)
			return NULL;
		for (size_t i = 0; i < r->cap; i++)
			if (r->cases[i]) {
				size_t j = hash_str(r->cases[i]->id) & (nc - 1);
				while (nv[j])
					j = (j + 1) & (nc - 1);
				nv[j] = r->cases[i];
			}
		free(r->cases);
		r->cases = nv;
		r->cap = nc;
	}
	m_case **slot = case_slot(r, id);
	if (*slot) {
		case_clear(*slot);
		return *slot;
	}
	m_case *c = calloc(1, sizeof *c);
	if (!c || !(c->id = strdup(id))) {
		free(c);
		return NULL;
	}
	*slot = c;
	r->n++;
	return c;
}

sl_replay *sl_replay_new(const uint8_t store_id[16], sl_replay_mode mode,
                         sl_registry *start, int64_t prev_seq,
                         const uint8_t prev_hash[SL_SHA256_LEN])
{
	sl_replay *r = calloc(1, sizeof *r);
	if (!r) {
		sl_registry_free(start);
		return NULL;
	}
	r->mode = mode;
	memcpy(r->store_id, store_id, 16);
	r->g = start ? start : sl_registry_new();
	r->h = sl_hasher_new();
	r->details.chunk = 16384; /* an entry's tree is 1-4 KiB */
	r->prev_seq = prev_seq;
	if (prev_hash)
		memcpy(r->prev_hash, prev_hash, SL_SHA256_LEN);
	if (!r->g || !r->h) {
		sl_replay_free(r);
		return NULL;
	}
	return r;
}

void sl_replay_free(sl_replay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->cap; i++)
		if (r->cases[i]) {
			case_clear(r->cases[i]);
			free(r->cases[i]->id);
			free(r->cases[i]);
		}
	free(r->cases);
	interns_free(&r->share);
	interns_free(&r->in);
	sl_registry_free(r->g);
	sl_hasher_free(r->h);
	sl_arena_free(&r->details);
	free(r);
}

void sl_replay_set_rules(sl_replay *r, const sl_rules *rules,
                         const uint8_t sha[SL_SHA256_LEN])
{
	r->rules = rules;
	if (rules)
		memcpy(r->rules_sha, sha, SL_SHA256_LEN);
}

sl_registry *sl_replay_registry(sl_replay *r)
{
	return r->g;
}

sl_registry *sl_replay_take_registry(sl_replay *r)
{
	sl_registry *g = r->g;
	r->g = NULL;
	return g;
}

int64_t sl_replay_cases(const sl_replay *r)
{
	return (int64_t)r->n;
}

sl_rc sl_replay_set_share(sl_replay *r, const char *const *ids, size_t n,
                          int64_t first_row, int64_t last_row)
{
	interns_free(&r->share);
	r->sharing = 1;
	r->first_row = first_row;
	r->last_row = last_row;
	for (size_t i = 0; i < n; i++)
		if (!set_add(&r->share, ids[i]))
			return sl_error(SL_ESYS, _("out of memory"));
	return SL_OK;
}

int64_t sl_replay_case_entries(const sl_replay *r)
{
	return r->case_entries;
}

void sl_replay_set_prev(sl_replay *r, int64_t seq,
                        const uint8_t hash[SL_SHA256_LEN])
{
	r->prev_seq = seq;
	memcpy(r->prev_hash, hash, SL_SHA256_LEN);
}

static int in_share(const sl_replay *r, const char *id)
{
	return !r->sharing || set_has(&r->share, id);
}

/* ---- reading an entry's details --------------------------------------- */

typedef struct {
	sl_replay *r;
	const sl_audit_entry *e;
	json_t *d;
	const sl_reg_user *u; /* the actor (NULL for store.init, user.enrol) */
	sl_actor who;
} ctx;

__attribute__((format(printf, 2, 3))) static sl_rc bad(const ctx *x,
                                                       const char *fmt, ...)
{
	char msg[400], actor[48], action[48];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sl_text_sanitize(x->e->actor, actor, sizeof actor);
	sl_text_sanitize(x->e->action, action, sizeof action);
	return sl_error(SL_EINTEGRITY,
	                _("audit entry %" PRId64 " (%s by '%s'): %s"),
	                x->e->seq, action, actor, msg);
}

static const char *str(const ctx *x, const char *k)
{
	return json_string_value(json_object_get(x->d, k));
}

static int has_int(const ctx *x, const char *k, int64_t *v)
{
	json_t *j = json_object_get(x->d, k);
	if (!json_is_integer(j))
		return 0;
	*v = json_integer_value(j);
	return 1;
}

static int hex32(const ctx *x, const char *k, uint8_t out[32])
{
	const char *v = str(x, k);
	return v && sl_unhex(v, out, 32) == SL_OK;
}

static int str_is(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* What policy asks about a case. */
static sl_case_ref case_ref(const char *id, const char *agency,
                            const char *zone, int assigned)
{
	sl_case_ref c = {id, agency, zone, assigned};
	return c;
}

static int on_team(const m_case *c, const char *user)
{
	for (size_t i = 0; c && i < c->n_team; i++)
		if (!strcmp(c->team[i], user))
			return 1;
	return 0;
}

static sl_rc role_allows(const ctx *x, sl_action a)
{
	if (sl_policy_allows(&x->who, a))
		return SL_OK;
	return bad(x, _("the role '%s' may not %s"), sl_role_said(x->who.role),
	           sl_action_said(a));
}

/* ---- registry entries ---------------------------------------------------- */

static sl_rc h_init(ctx *x)
{
	sl_replay *r = x->r;
	uint8_t sid[16];
	int64_t log = 0;
	const char *sidh = str(x, "store_id");
	if (x->e->seq != 1)
		return bad(x, "%s", _("a second store.init"));
	if (!sidh || sl_unhex(sidh, sid, 16) || memcmp(sid, r->store_id, 16))
		return bad(x, "%s", _("not this store's id"));
	if (!has_int(x, "log", &log) || log != SL_LOG_FORMAT)
		return bad(x,
		           _("log format %" PRId64 ": this shenli reads format "
		             "%d (a store made by an older shenli must be "
		             "made anew)"),
		           log, SL_LOG_FORMAT);
	sl_reg_user u = {0};
	if (!str_is(str(x, "user"), x->e->actor) ||
	    !str_is(str(x, "role"), "admin") ||
	    !sl_user_id_valid(x->e->actor) || !hex32(x, "pubkey", u.pub) ||
	    !hex32(x, "slot", u.slot))
		return bad(x, "%s", _("malformed store.init"));
	snprintf(u.id, sizeof u.id, "%s", x->e->actor);
	u.role = SL_ROLE_ADMIN;
	u.enrolled = 1;
	memcpy(u.enrol_pub, u.pub, 32);
	u.name = (char *)str(x, "name");
	r->tx_init = 1;
	return sl_registry_add_user(r->g, &u);
}

static sl_rc h_user_add(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_USER_ADD);
	if (rc)
		return rc;
	sl_reg_user u = {0};
	const char *id = str(x, "user"), *role = str(x, "role"),
	           *agency = str(x, "agency"), *zone = str(x, "zone"),
	           *name = str(x, "name");
	if (!id || !sl_user_id_valid(id) || strcmp(id, x->e->object) ||
	    !(u.role = sl_role_parse(role)) ||
	    !hex32(x, "enrol_pub", u.enrol_pub) || !hex32(x, "slot", u.slot) ||
	    (name && strlen(name) > SL_PERSON_NAME_MAX))
		return bad(x, "%s", _("malformed user record"));
	if (sl_registry_user(x->r->g, id))
		return bad(x, _("user '%s' added twice"), id);
	if (agency && !sl_registry_agency(x->r->g, agency))
		return bad(x, _("agency '%s' was never added"), agency);
	if (zone && !sl_registry_zone(x->r->g, zone))
		return bad(x, _("zone '%s' was never added"), zone);
	snprintf(u.id, sizeof u.id, "%s", id);
	snprintf(u.agency, sizeof u.agency, "%s", agency ? agency : "");
	snprintf(u.zone, sizeof u.zone, "%s", zone ? zone : "");
	u.name = (char *)name;
	return sl_registry_add_user(x->r->g, &u);
}

static sl_rc h_user_enrol(ctx *x)
{
	sl_reg_user *u = sl_registry_user_mut(x->r->g, x->e->actor);
	uint8_t pub[32], slot[32], sig[64], msg[128];
	if (!u)
		return bad(x, "%s", _("enrols a user who was never added"));
	if (u->enrolled)
		return bad(x, "%s", _("the user had already enrolled"));
	if (u->disabled)
		return bad(x, "%s", _("the user is disabled"));
	const char *sh = str(x, "enrol_sig");
	if (strcmp(x->e->object, x->e->actor) || !hex32(x, "pubkey", pub) ||
	    !hex32(x, "slot", slot) || !sh || sl_unhex(sh, sig, 64))
		return bad(x, "%s", _("malformed enrolment"));
	if (sl_pub_is_weak(pub))
		return bad(x, "%s",
		           _("enrols a weak signing key, under which anyone "
		             "could forge the user's signatures"));
	if (x->r->tx_first != x->e->seq)
		return bad(x, "%s",
		           _("an enrolment must be a transaction of its own"));
	sl_signkey *k = sl_verifier_new(u->enrol_pub);
	size_t n = sl_enrol_message(x->r->store_id, u->id, pub, msg);
	sl_rc v = k ? sl_verify(k, msg, n, sig) : SL_ESYS;
	sl_sign_free(k);
	if (v)
		return bad(x, "%s",
		           _("not signed with the one-time key given at user "
		             "add: someone without the first passphrase "
		             "enrolled this user"));
	memcpy(u->pub, pub, 32);
	memcpy(u->slot, slot, 32);
	u->enrolled = 1;
	sl_sign_free(u->verifier);
	u->verifier = NULL;
	return SL_OK;
}

static sl_rc h_user_passwd(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_USER_PASSWD);
	if (rc)
		return rc;
	uint8_t slot[32];
	if (strcmp(x->e->object, x->e->actor) || !hex32(x, "slot", slot))
		return bad(x, "%s", _("malformed passphrase change"));
	memcpy(sl_registry_user_mut(x->r->g, x->e->actor)->slot, slot, 32);
	return SL_OK;
}

static sl_rc h_user_disable(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_USER_DISABLE);
	if (rc)
		return rc;
	sl_reg_user *u = sl_registry_user_mut(x->r->g, x->e->object);
	if (!u || u->disabled)
		return bad(x, "%s", _("disables no enabled user"));
	if (!strcmp(u->id, x->e->actor))
		return bad(x, "%s", _("a user disabled themselves"));
	u->disabled = 1;
	return SL_OK;
}

static sl_rc h_org_add(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_ORG_ADD);
	if (rc)
		return rc;
	const char *name = str(x, "name"), *zone = str(x, "zone");
	int agency = !strcmp(x->e->action, "agency.add");
	if (!name || !sl_code_valid(x->e->object))
		return bad(x, "%s", _("malformed zone or agency"));
	if (agency && zone && !sl_registry_zone(x->r->g, zone))
		return bad(x, _("zone '%s' was never added"), zone);
	if (agency ? sl_registry_agency(x->r->g, x->e->object) != NULL
	           : sl_registry_zone(x->r->g, x->e->object) != NULL)
		return bad(x, "%s", _("added twice"));
	return agency
	           ? sl_registry_add_agency(x->r->g, x->e->object, name, zone)
	           : sl_registry_add_zone(x->r->g, x->e->object, name);
}

/* An agency added in no zone, placed in one: once, in a zone there is. */
static sl_rc h_agency_place(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_ORG_ADD);
	if (rc)
		return rc;
	const char *zone = str(x, "zone");
	const sl_reg_org *a = sl_registry_agency(x->r->g, x->e->object);
	if (!zone || !*zone)
		return bad(x, "%s", _("malformed placement of an agency"));
	if (!a)
		return bad(x, "%s", _("places an agency never added"));
	if (*a->zone)
		return bad(x, "%s", _("places an agency already in a zone"));
	if (!sl_registry_zone(x->r->g, zone))
		return bad(x, _("zone '%s' was never added"), zone);
	return sl_registry_place_agency(x->r->g, x->e->object, zone);
}

static sl_rc h_keys_trust(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_KEYS_MANAGE);
	if (rc)
		return rc;
	sl_reg_key k = {0};
	char id[SL_KEY_ID_LEN + 1];
	if (!hex32(x, "pubkey", k.pub) || !str(x, "comment"))
		return bad(x, "%s", _("malformed key"));
	sl_key_id(k.pub, id);
	if (strcmp(id, x->e->object))
		return bad(x, "%s", _("the key id is not the key's"));
	if (sl_registry_key(x->r->g, id))
		return bad(x, "%s", _("a key trusted again"));
	snprintf(k.id, sizeof k.id, "%s", id);
	k.comment = (char *)str(x, "comment");
	return sl_registry_add_key(x->r->g, &k);
}

static sl_rc h_keys_revoke(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_KEYS_MANAGE);
	if (rc)
		return rc;
	sl_reg_key *k = sl_registry_key_mut(x->r->g, x->e->object);
	if (!k || k->revoked)
		return bad(x, "%s", _("revokes no trusted key"));
	k->revoked = 1;
	return SL_OK;
}

static sl_rc h_pkg_install(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_PKG_INSTALL);
	if (rc)
		return rc;
	sl_manifest m = {0};
	int64_t v, abi, size;
	const char *file = str(x, "file"), *signer = str(x, "signer");
	const char *dot = strchr(x->e->action, '.');
	char kind[16];
	snprintf(kind, sizeof kind, "%.*s", (int)(dot - x->e->action),
	         x->e->action);
	if (sl_pkg_kind_parse(kind, &m.kind) || !has_int(x, "version", &v) ||
	    !has_int(x, "abi", &abi) || !has_int(x, "size", &size) || !file ||
	    strlen(file) > SL_PKG_FILE_MAX || !hex32(x, "sha256", m.sha256) ||
	    !signer || strlen(x->e->object) > SL_PKG_NAME_MAX || v < 1)
		return bad(x, "%s", _("malformed package record"));
	snprintf(m.name, sizeof m.name, "%s", x->e->object);
	snprintf(m.file, sizeof m.file, "%s", file);
	m.version = v;
	m.abi = (int)abi;
	m.size = size;
	const sl_reg_key *k = sl_registry_key(x->r->g, signer);
	if (!k || k->revoked)
		return bad(x,
		           _("package %s is signed by key %s, which was not "
		             "trusted (or was revoked) then"),
		           m.name, signer);
	const sl_reg_pkg *old = sl_registry_pkg(x->r->g, m.name);
	if (old && m.version < old->floor)
		return bad(x,
		           _("package %s version %lld is below version %lld "
		             "installed before (a rollback)"),
		           m.name, m.version, old->floor);
	if (old && old->installed && old->m.kind != m.kind)
		return bad(x, _("package %s changes kind"), m.name);
	return sl_registry_install(x->r->g, &m, signer);
}

static sl_rc h_pkg_remove(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_PKG_INSTALL);
	if (rc)
		return rc;
	sl_reg_pkg *p = sl_registry_pkg_mut(x->r->g, x->e->object);
	if (!p || !p->installed ||
	    strncmp(x->e->action, sl_pkg_kind_name(p->m.kind),
	            strlen(sl_pkg_kind_name(p->m.kind))))
		return bad(x, "%s", _("removes no installed package"));
	p->installed = 0;
	return SL_OK;
}

/* The rules in force change with the built-in document at store.init, or
 * with a rules package installed (by an admin, from a trusted key) whose
 * payload is exactly that document. */
static sl_rc h_rules_set(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_PKG_INSTALL);
	if (rc)
		return rc;
	uint8_t sha[32];
	int64_t v;
	if (!hex32(x, "sha256", sha) || !has_int(x, "version", &v))
		return bad(x, "%s", _("malformed rules record"));
	int ok = x->r->tx_init;
	for (size_t i = 0; !ok && i < sl_registry_n_pkgs(x->r->g); i++) {
		const sl_reg_pkg *p = sl_registry_pkg_at(x->r->g, i);
		ok = p->installed && p->m.kind == SL_PKG_RULES &&
		     !memcmp(p->m.sha256, sha, 32);
	}
	if (!ok)
		return bad(x, "%s",
		           _("rules put in force without a verified rules "
		             "package"));
	sl_registry_set_rules(x->r->g, v, sha);
	return SL_OK;
}

/* ---- case entries -------------------------------------------------------- */

/* The case an entry names, and whether the actor may act on it. In full
 * mode the case's agency and zone come from the replay and the entry's
 * own statement of them must agree; in open mode the statement is what
 * there is (audit verify checks it). */
typedef struct {
	const char *agency, *zone;
	m_case *c;
} case_at;

static sl_rc case_claims(ctx *x, case_at *k, int must_exist)
{
	k->agency = str(x, "agency");
	k->zone = str(x, "zone");
	k->c =
	    x->r->mode == SL_REPLAY_FULL ? case_get(x->r, x->e->object) : NULL;
	if (!k->agency || !sl_code_valid(k->agency) ||
	    (k->zone && !sl_code_valid(k->zone)))
		return bad(x, "%s",
		           _("does not say the case's agency and zone"));
	if (x->r->mode != SL_REPLAY_FULL)
		return SL_OK;
	if (!k->c)
		return must_exist
		           ? bad(x, "%s", _("names a case never taken in"))
		           : SL_OK;
	if (!str_is(k->agency, k->c->agency) || !str_is(k->zone, k->c->zone))
		return bad(x, "%s",
		           _("states another agency or zone than the case's"));
	return SL_OK;
}

static sl_rc case_allows(ctx *x, const case_at *k, sl_action a)
{
	sl_rc rc = role_allows(x, a);
	if (rc)
		return rc;
	int assigned = x->r->mode == SL_REPLAY_FULL
	                   ? on_team(k->c, x->who.id)
	                   : 1; /* open mode cannot know: audit verify does */
	sl_case_ref c = case_ref(x->e->object, k->agency, k->zone, assigned);
	if (sl_policy_recused(&x->who, &c))
		return bad(x,
		           _("'%s' is recused from this case (their agency "
		             "%s transferred it)"),
		           x->who.id, k->agency);
	if (!sl_policy_case_visible(&x->who, &c))
		return bad(x, _("the case is not visible to '%s'"), x->who.id);
	if (sl_policy_case(&x->who, a, &c) == SL_DENY_NOT_TEAM)
		return bad(x, _("'%s' is not on the case's team"), x->who.id);
	return SL_OK;
}

static sl_rc step(ctx *x, m_case *c, sl_event ev)
{
	sl_state to;
	if (sl_lifecycle_next(x->e->object, c->state, ev, &to))
		return bad(x, _("the case was '%s': cannot %s"),
		           sl_state_said(c->state), sl_event_said(ev));
	c->state = to;
	return SL_OK;
}

static int full(const ctx *x)
{
	return x->r->mode == SL_REPLAY_FULL;
}

/* The rules an entry was made under, where they are known: the document
 * in force now, if the log had put that same document in force when the
 * entry was made. The log keeps only the digests of earlier documents, so
 * an entry made under another one is held to no limits of the rules. */
static const sl_rules *rules_then(const ctx *x)
{
	int64_t v;
	uint8_t sha[SL_SHA256_LEN];
	if (!x->r->rules || !sl_registry_rules(x->r->g, &v, sha) ||
	    memcmp(sha, x->r->rules_sha, SL_SHA256_LEN))
		return NULL;
	return x->r->rules;
}

static sl_rc h_intake(ctx *x)
{
	sl_rc rc = role_allows(x, SL_ACT_CASE_IMPORT);
	if (rc)
		return rc;
	/* an intake states the dossier's agency and zone, which are the new
	 * case's; a case of that id already there may be another's (a
	 * duplicate refused, untouched) */
	case_at k;
	k.agency = str(x, "agency");
	k.zone = str(x, "zone");
	k.c = full(x) ? case_get(x->r, x->e->object) : NULL;
	if (!k.agency || !sl_code_valid(k.agency) ||
	    (k.zone && !sl_code_valid(k.zone)))
		return bad(x, "%s",
		           _("does not say the case's agency and zone"));
	const char *dec = str(x, "decision");
	int accepted = str_is(dec, "accepted"),
	    deferred = str_is(dec, "deferred");
	int refused = str_is(dec, "refused");
	int dup = json_is_true(json_object_get(x->d, "duplicate"));
	int reintake = json_is_true(json_object_get(x->d, "reintake"));
	if (!accepted && !deferred && !refused)
		return bad(x, "%s", _("no intake decision"));
	const sl_reg_org *ag = sl_registry_agency(x->r->g, k.agency);
	if (!refused && (!ag || !ag->zone[0] || !str_is(ag->zone, k.zone) ||
	                 (x->who.zone[0] && !str_is(x->who.zone, k.zone))))
		return bad(x, "%s",
		           _("accepted or deferred a case outside the leader's "
		             "zone or of an unknown agency"));
	if (ag && !str_is(ag->zone[0] ? ag->zone : NULL, k.zone))
		return bad(x, "%s", _("states another zone than its agency's"));
	/* 回避 at intake, as intake.c decides it: the agency's own leader
	 * may only refuse its case, never take it in */
	if (!refused &&
	    sl_policy_recused(
	        &x->who, &(sl_case_ref){x->e->object, k.agency, k.zone, 0}))
		return bad(x, "%s",
		           _("accepted or deferred a case of the leader's own "
		             "agency, from which the leader is recused"));
	if (!full(x))
		return SL_OK;
	m_case *old = k.c;
	if (dup) {
		if (!old || !refused)
			return bad(x, "%s", _("a duplicate of no case"));
		return SL_OK; /* the case in the store is not touched */
	}
	if (old && reintake != 1)
		return bad(x, "%s", _("replaces a case without saying so"));
	if (old) {
		if (old->state != SL_ST_DEFERRED && old->state != SL_ST_REFUSED)
			return bad(x, _("replaces a case that is '%s'"),
			           sl_state_name(old->state));
		sl_case_ref c = case_ref(old->id, old->agency, old->zone, 0);
		if (!sl_policy_may_reintake(&x->who, &c))
			return bad(x, "%s", _("replaces another zone's case"));
	} else if (reintake) {
		return bad(x, "%s", _("a re-intake of no case"));
	}
	m_case *c = case_put(x->r, x->e->object);
	if (!c)
		return sl_error(SL_ESYS, _("out of memory"));
	c->agency = intern(x->r, k.agency);
	c->zone = intern(x->r, k.zone);
	c->state = SL_ST_RECEIVED;
	c->rev = 1;
	c->received = x->e->ts;
	char *why = json_dumps(json_object_get(x->d, "reasons"), JSON_COMPACT);
	c->reasons = intern(x->r, why ? why : "?");
	free(why);
	if (!hex32(x, "sha256", c->dossier) || !hex32(x, "content", c->content))
		return bad(x, "%s", _("no dossier digests"));
	if (accepted) {
		int64_t dl;
		if (!has_int(x, "deadline_ms", &dl) || dl <= x->e->ts)
			return bad(x, "%s",
			           _("accepted without a review limit"));
		c->accepted = x->e->ts;
		c->deadline = dl;
		int64_t days;
		c->limit = LIMIT_UNKNOWN;
		if (has_int(x, "limit_days", &days)) {
			if (days < 1 || days > 3650)
				return bad(x, "%s",
				           _("a review limit out of range"));
			c->limit = (int)days;
		}
	} else {
		c->limit = LIMIT_NONE;
	}
	return step(x, c,
	            accepted   ? SL_EV_ACCEPT
	            : deferred ? SL_EV_DEFER
	                       : SL_EV_REFUSE);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static sl_rc h_assign(ctx *x)
{
	case_at k;
	sl_rc rc = case_claims(x, &k, 1);
	if (rc || (rc = case_allows(x, &k, SL_ACT_CASE_ASSIGN)))
		return rc;
	json_t *team = json_object_get(x->d, "team");
	size_t n = json_array_size(team);
	if (!json_is_array(team) || n == 0 || n > 64)
		return bad(x, "%s", _("no team"));
	const char **v = calloc(n, sizeof *v);
	if (!v)
		return sl_error(SL_ESYS, _("out of memory"));
	for (size_t i = 0; !rc && i < n; i++) {
		const char *id = json_string_value(json_array_get(team, i));
		const sl_reg_user *m =
		    id ? sl_registry_user(x->r->g, id) : NULL;
		if (!m || m->disabled)
			rc = bad(x, _("names '%s', no active user"),
			         id ? id : "?");
		else if (m->role != SL_ROLE_MEMBER &&
		         m->role != SL_ROLE_SPECIALIST)
			rc = bad(x, _("names '%s', who does not review"), id);
		else if (m->agency[0] && str_is(m->agency, k.agency))
			rc = bad(x, _("names '%s', who is recused (回避)"), id);
		else if (m->role == SL_ROLE_MEMBER && !str_is(m->zone, k.zone))
			rc = bad(x, _("names '%s', a member of another zone"),
			         id);
		else
			v[i] = intern(x->r, id);
		for (size_t j = 0; !rc && j < i; j++)
			if (!strcmp(v[j], v[i]))
				rc = bad(x, _("names '%s' twice"), id);
	}
	const sl_rules *rl = rc || !full(x) ? NULL : rules_then(x);
	if (rl && (int64_t)n < sl_rules_min_team(rl))
		rc = bad(x, _("a team of %zu, fewer than the %d the rules ask"),
		         n, sl_rules_min_team(rl));
	if (rc || !full(x)) {
		free(v);
		return rc;
	}
	qsort(v, n, sizeof *v, cmp_str);
	free(k.c->team);
	k.c->team = v;
	k.c->n_team = n;
	return step(x, k.c, SL_EV_ASSIGN);
}

static sl_rc h_extend(ctx *x)
{
	case_at k;
	sl_rc rc = case_claims(x, &k, 1);
	if (rc || (rc = case_allows(x, &k, SL_ACT_CASE_EXTEND)))
		return rc;
	int64_t days, dl;
	if (!has_int(x, "days", &days) || days < 1 || days > 3650 ||
	    !has_int(x, "deadline_ms", &dl))
		return bad(x, "%s", _("malformed extension"));
	if (!full(x))
		return SL_OK;
	const sl_rules *rl = rules_then(x);
	if (rl && k.c->extended + days > sl_rules_max_extension_days(rl))
		return bad(x,
		           _("extends by %lld days after %d: more than the %d "
		             "the rules allow"),
		           (long long)days, k.c->extended,
		           sl_rules_max_extension_days(rl));
	/* the limit counted from acceptance with the days more, moved on to
	 * a working day once (clock.h: sl_clock_move) */
	if (!sl_clock_move_plausible(k.c->deadline, dl, days * SL_DAY_MS))
		return bad(x, "%s",
		           _("the new limit is not the old one plus the days"));
	k.c->deadline = dl;
	k.c->extended += (int)days;
	if (k.c->limit >= 0)
		k.c->limit += (int)days;
	return step(x, k.c, SL_EV_EXTEND);
}

static sl_rc h_run(ctx *x)
{
	case_at k;
	sl_rc rc = case_claims(x, &k, 1);
	if (rc || (rc = case_allows(x, &k, SL_ACT_REVIEW_RUN)))
		return rc;
	int64_t rev;
	uint8_t f[32];
	if (!has_int(x, "rev", &rev) || !hex32(x, "findings_sha256", f))
		return bad(x, "%s", _("malformed review run"));
	if (!full(x))
		return SL_OK;
	sl_state s = k.c->state;
	if (s != SL_ST_ACCEPTED && s != SL_ST_IN_REVIEW &&
	    s != SL_ST_DELIBERATED)
		return bad(x, _("checks ran on a case that was '%s'"),
		           sl_state_name(s));
	if (rev != k.c->rev)
		return bad(x, "%s",
		           _("checks ran on another version of the dossier"));
	k.c->checked_rev = (int)rev;
	memcpy(k.c->findings, f, 32);
	k.c->has_findings = 1;
	return SL_OK;
}

static char *dup_json(json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

static sl_rc h_return(ctx *x)
{
	case_at k;
	sl_rc rc = case_claims(x, &k, 1);
	if (rc || (rc = case_allows(x, &k, SL_ACT_REVIEW_RETURN)))
		return rc;
	int64_t no;
	const char *kind = str(x, "kind");
	json_t *items = json_object_get(x->d, "items");
	if (!has_int(x, "return_no", &no) ||
	    (!str_is(kind, "supplement") && !str_is(kind, "reinvestigate")) ||
	    !json_is_array(items) || json_array_size(items) > 1000)
		return bad(x, "%s", _("malformed return"));
	if (!full(x))
		return SL_OK;
	m_case *c = k.c;
	if (no != c->returns + 1)
		return bad(x, "%s", _("returns out of order"));
	const sl_rules *rl = rules_then(x);
	if (rl && no > sl_rules_max_returns(rl))
		return bad(x, _("return %lld: the rules allow at most %d"),
		           (long long)no, sl_rules_max_returns(rl));
	if ((rc = step(x, c, SL_EV_RETURN)))
		return rc;
	m_return *nr = realloc(c->ret, (c->n_ret + 1) * sizeof *nr);
	if (!nr)
		return sl_error(SL_ESYS, _("out of memory"));
	c->ret = nr;
	m_return *rt = &c->ret[c->n_ret++];
	memset(rt, 0, sizeof *rt);
	rt->no = (int)no;
	rt->kind = intern(x->r, kind);
	rt->by = intern(x->r, x->e->actor);
	rt->ms = x->e->ts;
	rt->items = calloc(json_array_size(items) + 1, sizeof *rt->items);
	if (!rt->items)
		return sl_error(SL_ESYS, _("out of memory"));
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		m_item *m = &rt->items[rt->n_items++];
		json_t *nj = json_object_get(it, "no");
		const char *t = json_string_value(json_object_get(it, "text"));
		const char *src =
		    json_string_value(json_object_get(it, "source"));
		const char *cf =
		    json_string_value(json_object_get(it, "carried_from"));
		if (!json_is_integer(nj) ||
		    json_integer_value(nj) != (json_int_t)(i + 1) || !t || !src)
			return bad(x, "%s", _("a malformed outline item"));
		m->no = (int)(i + 1);
		m->text = strdup(t);
		m->refs = dup_json(json_object_get(it, "refs"));
		m->source = strdup(src);
		m->carried_from = cf ? strdup(cf) : NULL;
		if (!m->text || !m->refs || !m->source ||
		    (cf && !m->carried_from))
			return sl_error(SL_ESYS, _("out of memory"));
	}
	c->returns++;
	c->paused = x->e->ts;
	return SL_OK;
}

/* A resubmission adds the calendar days the case was away to the review
 * limit's days (returns.c): a day's count, from instants at most a day
 * and a daylight-saving hour away from the time away on either side. */
static sl_rc limit_moves(ctx *x, m_case *c, int64_t away)
{
	int64_t days;
	if (c->limit < 0)
		return SL_OK;
	if (!has_int(x, "away_days", &days)) {
		c->limit = LIMIT_UNKNOWN; /* a log from before the field */
		return SL_OK;
	}
	int64_t slack = SL_DAY_MS + 2 * 3600 * 1000LL;
	if (days < 0 || days > 36500 || days * SL_DAY_MS > away + slack ||
	    days * SL_DAY_MS < away - slack)
		return bad(x, "%s",
		           _("the days away are not the time returned"));
	c->limit += (int)days;
	return SL_OK;
}

static sl_rc h_resubmit(ctx *x)
{
	case_at k;
	sl_rc rc = case_claims(x, &k, 1);
	if (rc || (rc = case_allows(x, &k, SL_ACT_CASE_RESUBMIT)))
		return rc;
	int64_t no, away, dl;
	json_t *ans = json_object_get(x->d, "answered");
	uint8_t dsha[32], content[32];
	if (!has_int(x, "return_no", &no) || !has_int(x, "away_ms", &away) ||
	    !has_int(x, "deadline_ms", &dl) || !json_is_array(ans) ||
	    !hex32(x, "sha256", dsha) || !hex32(x, "content", content))
		return bad(x, "%s", _("malformed resubmission"));
	if (!full(x))
		return SL_OK;
	m_case *c = k.c;
	if (no != c->returns || c->n_ret == 0)
		return bad(x, "%s",
		           _("answers a return that is not the latest"));
	int64_t want =
	    c->paused && x->e->ts > c->paused ? x->e->ts - c->paused : 0;
	if (away != want)
		return bad(x, "%s",
		           _("the time away is not the time returned"));
	if ((rc = step(x, c, SL_EV_RESUBMIT)))
		return rc;
	m_return *rt = &c->ret[c->n_ret - 1];
	size_t i;
	json_t *a;
	json_array_foreach(ans, i, a)
	{
		json_t *nj = json_object_get(a, "no");
		const char *origin =
		    json_string_value(json_object_get(a, "origin"));
		const char *note =
		    json_string_value(json_object_get(a, "note"));
		char *ev = dup_json(json_object_get(a, "evidence"));
		if (!json_is_integer(nj) || !origin || !ev) {
			free(ev);
			return bad(x, "%s", _("a malformed answer"));
		}
		int n = (int)json_integer_value(nj), found = 0;
		/* the item answered, and every copy of it carried from the same
		 * origin in earlier returns (returns.c marks them together) */
		for (size_t r = 0; r < c->n_ret; r++)
			for (size_t q = 0; q < c->ret[r].n_items; q++) {
				m_item *m = &c->ret[r].items[q];
				char self[32];
				snprintf(self, sizeof self, "%d.%d",
				         c->ret[r].no, m->no);
				int hit = (&c->ret[r] == rt && m->no == n) ||
				          str_is(m->carried_from, origin) ||
				          !strcmp(self, origin);
				if (!hit || m->answered_ms || m->withdrawn_ms)
					continue;
				found |= &c->ret[r] == rt && m->no == n;
				m->answered_ms = x->e->ts;
				free(m->answer_evidence);
				free(m->answer_note);
				m->answer_evidence = strdup(ev);
				m->answer_note = note ? strdup(note) : NULL;
			}
		free(ev);
		if (!found)
			return bad(x, _("answers item %d, which is not open"),
			           n);
	}
	rt->resubmitted_ms = x->e->ts;
	/* the limit moves on by the days away, to a working day (clock.h),
	 * worked out from acceptance: as for an extension (h_extend) */
	if (!sl_clock_move_plausible(c->deadline, dl, away))
		return bad(x, "%s",
		           _("the limit does not move on by the time away"));
	if ((rc = limit_moves(x, c, away)))
		return rc;
	c->deadline = dl;
	c->paused = 0;
	c->rev++;
	memcpy(c->dossier, dsha, 32);
	memcpy(c->content, content, 32);
	return SL_OK;
}

/* A finding settled at the limit on returns (returns.c, settle_items):
 * the item it became, added to the latest return, then withdrawn. */
static sl_rc settled_item(ctx *x, m_case *c, m_return *rt, int64_t item,
                          json_t *added)
{
	const char *t = json_string_value(json_object_get(added, "text"));
	const char *src = json_string_value(json_object_get(added, "source"));
	json_t *refs = json_object_get(added, "refs");
	if (!t || !src || !json_is_array(refs) ||
	    item != (int64_t)rt->n_items + 1)
		return bad(x, "%s", _("a malformed settled finding"));
	if (c->state != SL_ST_IN_REVIEW && c->state != SL_ST_DELIBERATED)
		return bad(x, "%s",
		           _("settles a finding of a case neither under "
		             "review nor deliberated"));
	m_item *v = realloc(rt->items, (rt->n_items + 2) * sizeof *v);
	if (!v)
		return sl_error(SL_ESYS, _("out of memory"));
	rt->items = v;
	m_item *m = &rt->items[rt->n_items];
	memset(m, 0, 2 * sizeof *m);
	m->no = (int)item;
	m->text = strdup(t);
	m->refs = dup_json(refs);
	m->source = strdup(src);
	if (!m->text || !m->refs || !m->source)
		return sl_error(SL_ESYS, _("out of memory"));
	rt->n_items++;
	return SL_OK;
}

static sl_rc h_withdraw(ctx *x)
{
	case_at k;
	sl_rc rc = case_claims(x, &k, 1);
	if (rc || (rc = case_allows(x, &k, SL_ACT_REVIEW_RETURN)))
		return rc;
	int64_t no, item;
	const char *reason = str(x, "reason"), *origin = str(x, "origin");
	if (!has_int(x, "return_no", &no) || !has_int(x, "item", &item) ||
	    !reason || !*reason || !origin)
		return bad(x, "%s", _("malformed withdrawal"));
	if (!full(x))
		return SL_OK;
	m_case *c = k.c;
	if (c->state == SL_ST_SIGNED_OFF)
		return bad(x, "%s", _("withdraws from a case signed off"));
	if (c->n_ret == 0 || no != c->ret[c->n_ret - 1].no)
		return bad(x, "%s",
		           _("withdraws from a return that is not the latest"));
	m_return *rt = &c->ret[c->n_ret - 1];
	json_t *added = json_object_get(x->d, "added");
	if (added && (rc = settled_item(x, c, rt, item, added)))
		return rc;
	if (item < 1 || (size_t)item > rt->n_items)
		return bad(x, "%s", _("withdraws no item"));
	m_item *m = &rt->items[item - 1];
	if (m->answered_ms || m->withdrawn_ms)
		return bad(x, "%s", _("withdraws an item that is not open"));
	char want[32];
	if (m->carried_from)
		snprintf(want, sizeof want, "%s", m->carried_from);
	else
		snprintf(want, sizeof want, "%d.%d", rt->no, m->no);
	if (strcmp(want, origin))
		return bad(x, "%s", _("states another origin than the item's"));
	/* the item and its copies carried from the same origin (returns.c) */
	for (size_t r = 0; r < c->n_ret; r++)
		for (size_t q = 0; q < c->ret[r].n_items; q++) {
			m_item *o = &c->ret[r].items[q];
			char self[32];
			snprintf(self, sizeof self, "%d.%d", c->ret[r].no,
			         o->no);
			if (o->answered_ms || o->withdrawn_ms ||
			    !(o == m || str_is(o->carried_from, origin) ||
			      !strcmp(self, origin)))
				continue;
			o->withdrawn_ms = x->e->ts;
			o->withdrawn_by = intern(x->r, x->e->actor);
			free(o->withdraw_reason);
			if (!(o->withdraw_reason = strdup(reason)))
				return sl_error(SL_ESYS, _("out of memory"));
		}
	return SL_OK;
}

static sl_rc h_opinion(ctx *x)
{
	int panel = !strcmp(x->e->action, "review.panel");
	case_at k;
	sl_rc rc = case_claims(x, &k, 1);
	if (rc ||
	    (rc = case_allows(
	         x, &k, panel ? SL_ACT_REVIEW_PANEL : SL_ACT_REVIEW_OPINION)))
		return rc;
	m_opinion o = {0};
	const char *sig = str(x, "sig");
	if (!hex32(x, "sha256", o.sha) || !sig ||
	    sl_unhex(sig, o.sig, sizeof o.sig))
		return bad(x, "%s", _("malformed opinion record"));
	if (!full(x))
		return SL_OK;
	m_case *c = k.c;
	if (panel) {
		if ((rc = step(x, c, SL_EV_DELIBERATE)))
			return rc;
	} else {
		if (c->state != SL_ST_IN_REVIEW)
			return bad(x, _("an opinion on a case that was '%s'"),
			           sl_state_name(c->state));
		if (!on_team(c, x->e->actor))
			return bad(x, _("'%s' was not on the case's team"),
			           x->e->actor);
	}
	m_opinion *nv = realloc(c->op, (c->n_op + 1) * sizeof *nv);
	if (!nv)
		return sl_error(SL_ESYS, _("out of memory"));
	c->op = nv;
	o.seq = x->e->seq;
	o.ms = x->e->ts;
	o.author = intern(x->r, x->e->actor);
	o.panel = panel;
	c->op[c->n_op++] = o;
	return SL_OK;
}

static sl_rc h_signoff(ctx *x)
{
	int refused = !strcmp(x->e->action, "review.signoff_refused");
	case_at k;
	sl_rc rc = case_claims(x, &k, 1);
	if (rc || (rc = case_allows(x, &k, SL_ACT_REVIEW_SIGNOFF)))
		return rc;
	const char *head = str(x, "head");
	if (!refused && (!head || strlen(head) > 100))
		return bad(x, "%s", _("a sign-off without the audit head"));
	if (!full(x) || refused)
		return SL_OK;
	char want[96];
	sl_audit_format_anchor(x->r->prev_seq, x->r->prev_hash, want);
	if (strcmp(head, want))
		return bad(x, "%s",
		           _("the head it records is not the log's head "
		             "before it"));
	k.c->signed_ms = x->e->ts;
	k.c->signed_head = intern(x->r, head);
	return step(x, k.c, SL_EV_SIGNOFF);
}

/* Entries that change nothing (refusals, migrations): anyone enrolled. */
static sl_rc h_none(ctx *x)
{
	(void)x;
	return SL_OK;
}

/* per_case: the entry concerns the one case its object names, and
 * nothing else (the replay of a share passes over other cases' entries). */
static const struct {
	const char *action;
	sl_rc (*fn)(ctx *x);
	int per_case;
} handlers[] = {
    {"store.init", h_init, 0},
    {"store.migrate", h_none, 0},
    {"user.add", h_user_add, 0},
    {"user.enrol", h_user_enrol, 0},
    {"user.passwd", h_user_passwd, 0},
    {"user.disable", h_user_disable, 0},
    {"zone.add", h_org_add, 0},
    {"agency.add", h_org_add, 0},
    {"agency.place", h_agency_place, 0},
    {"keys.trust", h_keys_trust, 0},
    {"keys.revoke", h_keys_revoke, 0},
    {"plugin.install", h_pkg_install, 0},
    {"script.install", h_pkg_install, 0},
    {"rules.install", h_pkg_install, 0},
    {"template.install", h_pkg_install, 0},
    {"plugin.remove", h_pkg_remove, 0},
    {"script.remove", h_pkg_remove, 0},
    {"template.remove", h_pkg_remove, 0},
    {"rules.set", h_rules_set, 0},
    {"plugin.refused", h_none, 0},
    {"script.refused", h_none, 0},
    {"template.refused", h_none, 0},
    {"denied", h_none, 0},
    {"case.intake", h_intake, 1},
    {"case.assign", h_assign, 1},
    {"case.extend", h_extend, 1},
    {"review.run", h_run, 1},
    {"review.return", h_return, 1},
    {"case.resubmit", h_resubmit, 1},
    {"review.withdraw", h_withdraw, 1},
    {"review.opinion", h_opinion, 1},
    {"review.panel", h_opinion, 1},
    {"review.signoff", h_signoff, 1},
    {"review.signoff_refused", h_signoff, 1},
};

static int handler_of(const char *action)
{
	for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
		if (!strcmp(handlers[i].action, action))
			return (int)i;
	return -1;
}

int sl_replay_per_case(const char *action)
{
	int i = handler_of(action);
	return i >= 0 && handlers[i].per_case;
}

sl_rc sl_replay_apply(sl_replay *r, const sl_audit_entry *e, int first)
{
	ctx x = {r, e, NULL, NULL, {{0}, 0, {0}, {0}}};
	if (first) {
		r->tx_first = e->seq;
		r->tx_init = 0;
	}
	int h = handler_of(e->action);
	if (h < 0)
		return bad(&x, "%s", _("an action shenli never writes"));
	sl_rc (*fn)(ctx *) = handlers[h].fn;
	if (e->seq == 1 && fn != h_init)
		return bad(&x, "%s",
		           _("the log does not begin with store.init"));
	if (r->mode == SL_REPLAY_FULL && handlers[h].per_case) {
		if (!in_share(r, e->object)) {
			/* another share's case: replayed, whole, with it */
			r->prev_seq = e->seq;
			memcpy(r->prev_hash, e->hash, SL_SHA256_LEN);
			return SL_OK;
		}
		r->case_entries++;
	}
	json_error_t jerr;
	x.d = sl_jsonmem_loadb(&r->details, e->details, strlen(e->details),
	                       JSON_REJECT_DUPLICATES, &jerr);
	/* the OS account is what sl_audit writes or absent (an older
	 * store); the chain and the signature already say it is unchanged */
	sl_os_account os;
	sl_rc rc = SL_OK;
	if (!json_is_object(x.d))
		rc = bad(&x, "%s", _("its details are not a JSON object"));
	else if (sl_osacct_from_details(x.d, &os) < 0)
		rc = bad(&x, "%s", _("the OS account it records is malformed"));
	if (rc) {
		sl_arena_reset(&r->details);
		return rc;
	}
	if (fn != h_init && fn != h_user_enrol) {
		x.u = sl_registry_user(r->g, e->actor);
		if (!x.u)
			rc = bad(&x, "%s",
			         _("written by a user the log never added"));
		else if (x.u->disabled)
			rc = bad(&x, "%s", _("written by a disabled user"));
		else if (!x.u->enrolled)
			rc =
			    bad(&x, "%s",
			        _("written by a user who never chose their own "
			          "passphrase (not enrolled)"));
		else {
			snprintf(x.who.id, sizeof x.who.id, "%s", x.u->id);
			x.who.role = x.u->role;
			snprintf(x.who.agency, sizeof x.who.agency, "%s",
			         x.u->agency);
			snprintf(x.who.zone, sizeof x.who.zone, "%s",
			         x.u->zone);
		}
	}
	if (!rc)
		rc = fn(&x);
	sl_arena_reset(&r->details); /* x.d and all below it */
	if (!rc) {
		r->prev_seq = e->seq;
		memcpy(r->prev_hash, e->hash, SL_SHA256_LEN);
	}
	return rc;
}

sl_signkey *sl_replay_signer(sl_replay *r, const char *actor)
{
	sl_signkey *k = sl_registry_verifier(r->g, actor);
	if (!k)
		sl_error(SL_EINTEGRITY, _("'%s' has no key in the log"), actor);
	return k;
}

/* ---- comparing the case tables (full mode) ------------------------------ */

static sl_rc tdiff(const char *table, const char *case_id, const char *what)
{
	char id[80];
	sl_text_sanitize(case_id ? case_id : "?", id, sizeof id);
	return sl_error(SL_EINTEGRITY,
	                _("the %s table differs from the audit log at case "
	                  "'%s' (%s; changed outside shenli)"),
	                table, id, what);
}

static sl_rc prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, 0))
		return sl_sqlite_err(db, sqlite3_errcode(db),
		                     _("reading the store"));
	return SL_OK;
}

static int64_t col_ms(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
	           ? 0
	           : sqlite3_column_int64(st, i);
}

static const char *col_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int blob_is(sqlite3_stmt *st, int i, const uint8_t *v, int n)
{
	return sqlite3_column_bytes(st, i) == n &&
	       !memcmp(sqlite3_column_blob(st, i), v, (size_t)n);
}

/* The replayed cases in rowid order, as the cases table holds them: the
 * child tables are then merged with this list by case_ref, over the rows
 * of the share (sl_replay_set_share). */
typedef struct {
	m_case **v;
	size_t n;
	int64_t first, last; /* the share's rows */
} by_ref;

static m_case *ref_find(const by_ref *b, int64_t ref)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->v[mid]->ref == ref)
			return b->v[mid];
		if (b->v[mid]->ref < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* sql with ?1 and ?2 bound to the first and last row of the share. */
static sl_rc prep_span(sqlite3 *db, const char *sql, const by_ref *b,
                       sqlite3_stmt **st)
{
	sl_rc rc = prep(db, sql, st);
	if (!rc) {
		sqlite3_bind_int64(*st, 1, b->first);
		sqlite3_bind_int64(*st, 2, b->last);
	}
	return rc;
}

static sl_rc cmp_cases(sl_replay *r, sqlite3 *db, by_ref *b)
{
	sqlite3_stmt *st;
	sl_rc rc = prep_span(db,
	                     "SELECT id, case_id, agency, zone, state, rev,"
	                     " checked_rev, returns, received_ms, accepted_ms,"
	                     " deadline_ms, paused_ms, extended_days,"
	                     " signed_head, signed_ms, intake_reasons,"
	                     " coalesce(limit_days, -1) FROM cases"
	                     " WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
	                     b, &st);
	if (rc)
		return rc;
	b->v = calloc(r->n + 1, sizeof *b->v);
	if (!b->v) {
		sqlite3_finalize(st);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = col_str(st, 1);
		m_case *c = id ? case_get(r, id) : NULL;
		if (!c || c->ref) {
			rc = tdiff("cases", id,
			           _("a case the log never took in"));
			break;
		}
		c->ref = sqlite3_column_int64(st, 0);
		if (b->n >= r->n) {
			rc = tdiff("cases", id, _("more cases than the log"));
			break;
		}
		b->v[b->n++] = c;
		if (!str_is(col_str(st, 2), c->agency) ||
		    !str_is(col_str(st, 3), c->zone))
			rc = tdiff("cases", id, _("agency or zone"));
		else if (!str_is(col_str(st, 4), sl_state_name(c->state)))
			rc = tdiff("cases", id, _("state"));
		else if (sqlite3_column_int(st, 5) != c->rev ||
		         sqlite3_column_int(st, 6) != c->checked_rev ||
		         sqlite3_column_int(st, 7) != c->returns ||
		         sqlite3_column_int(st, 12) != c->extended)
			rc = tdiff("cases", id,
			           _("version, returns or extension"));
		else if (col_ms(st, 8) != c->received ||
		         col_ms(st, 9) != c->accepted ||
		         col_ms(st, 10) != c->deadline ||
		         col_ms(st, 11) != c->paused ||
		         col_ms(st, 14) != c->signed_ms)
			rc = tdiff("cases", id, _("dates or review limit"));
		else if (!str_is(col_str(st, 13), c->signed_head))
			rc = tdiff("cases", id, _("the sign-off's head"));
		else if (!str_is(col_str(st, 15), c->reasons))
			rc = tdiff("cases", id, _("intake reasons"));
		else if (c->limit != LIMIT_UNKNOWN &&
		         sqlite3_column_int(st, 16) != c->limit)
			rc = tdiff("cases", id, _("the review limit's days"));
	}
	if (!rc && s != SQLITE_DONE)
		rc = sl_sqlite_err(db, s, _("reading cases"));
	sqlite3_finalize(st);
	if (!rc && b->n != r->n) {
		for (size_t i = 0; i < r->cap; i++)
			if (r->cases[i] && !r->cases[i]->ref)
				return tdiff("cases", r->cases[i]->id,
				             _("missing from the table"));
	}
	return rc;
}

static sl_rc cmp_dossiers(sqlite3 *db, const by_ref *b, sl_hasher *h)
{
	sqlite3_stmt *st;
	sl_rc rc = prep_span(db,
	                     "SELECT case_ref, sha256, bytes FROM dossiers"
	                     " WHERE case_ref BETWEEN ?1 AND ?2"
	                     " ORDER BY case_ref",
	                     b, &st);
	size_t seen = 0;
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		m_case *c = ref_find(b, sqlite3_column_int64(st, 0));
		if (!c) {
			rc = tdiff("dossiers", "?", _("a dossier of no case"));
			break;
		}
		uint8_t d[32];
		sl_hasher_init(h);
		sl_hasher_update(h, sqlite3_column_blob(st, 2),
		                 (size_t)sqlite3_column_bytes(st, 2));
		sl_hasher_final(h, d);
		if (!blob_is(st, 1, c->dossier, 32) ||
		    memcmp(d, c->dossier, 32))
			rc = tdiff("dossiers", c->id, _("the dossier's bytes"));
		seen++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = sl_sqlite_err(db, s, _("reading dossiers"));
	sqlite3_finalize(st);
	if (!rc && seen != b->n)
		rc = tdiff("dossiers", "?", _("a case without its dossier"));
	return rc;
}

/* A cursor over a child table ordered by case_ref: the rows of one case
 * at a time. */
typedef struct {
	sqlite3_stmt *st;
	int s; /* SQLITE_ROW while a row is current */
} cursor;

static int cur_at(cursor *k, int64_t ref)
{
	return k->s == SQLITE_ROW && sqlite3_column_int64(k->st, 0) == ref;
}

static int cur_before(cursor *k, int64_t ref)
{
	return k->s == SQLITE_ROW && sqlite3_column_int64(k->st, 0) < ref;
}

static void cur_next(cursor *k)
{
	k->s = sqlite3_step(k->st);
}

/* A cursor that stopped on an error, not at its end: that error explains
 * any difference found. */
static sl_rc cur_end(sqlite3 *db, const cursor *k, sl_rc rc)
{
	if (k->st && k->s != SQLITE_ROW && k->s != SQLITE_DONE)
		return sl_sqlite_err(db, k->s, _("reading the store"));
	return rc;
}

/* The content digest of every case, merged from five tables. */
static sl_rc cmp_content(sqlite3 *db, const by_ref *b, sl_hasher *h)
{
	static const char *const sql[] = {
	    "SELECT id, subject_name, person_id, party_member,"
	    " public_official, position, rank, transferred_on, disciplines,"
	    " eight_point, party_sanction, gov_sanction, form, circumstances"
	    " FROM cases WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
	    "SELECT case_ref, n, system, level, decided_on FROM"
	    " prior_sanctions WHERE case_ref BETWEEN ?1 AND ?2"
	    " ORDER BY case_ref, n",
	    "SELECT case_ref, n, id, summary, violation, date_from, date_to,"
	    " amount_yuan, evidence, money_use, in_kind FROM facts"
	    " WHERE case_ref BETWEEN ?1 AND ?2 ORDER BY case_ref, n",
	    "SELECT case_ref, n, id, kind, title, obtained_on, source, tags"
	    " FROM evidence WHERE case_ref BETWEEN ?1 AND ?2"
	    " ORDER BY case_ref, n",
	    "SELECT case_ref, n, kind, date FROM documents"
	    " WHERE case_ref BETWEEN ?1 AND ?2"
	    " ORDER BY case_ref, n",
	};
	cursor k[5] = {0};
	sl_rc rc = SL_OK;
	for (int i = 0; !rc && i < 5; i++)
		if (!(rc = prep_span(db, sql[i], b, &k[i].st)))
			cur_next(&k[i]);
	while (!rc && k[0].s == SQLITE_ROW) {
		sqlite3_stmt *c0 = k[0].st;
		int64_t ref = sqlite3_column_int64(c0, 0);
		m_case *c = ref_find(b, ref);
		if (!c) {
			rc = tdiff("cases", "?",
			           _("a case the log never took in"));
			break;
		}
		sl_canon cn;
		sl_canon_begin(&cn, h, SL_CANON_CONTENT);
		sl_canon_case_header(
		    &cn, col_str(c0, 1), col_str(c0, 2),
		    sqlite3_column_int(c0, 3), sqlite3_column_int(c0, 4),
		    col_str(c0, 5), col_str(c0, 6), col_str(c0, 7),
		    col_str(c0, 8), sqlite3_column_int(c0, 9), col_str(c0, 10),
		    col_str(c0, 11), sqlite3_column_int(c0, 12),
		    col_str(c0, 13));
		for (int i = 1; i < 5; i++) {
			if (cur_before(&k[i], ref)) {
				rc = tdiff("facts/evidence/documents", "?",
				           _("rows of no case"));
				break;
			}
			for (; cur_at(&k[i], ref); cur_next(&k[i])) {
				sqlite3_stmt *q = k[i].st;
				int64_t n = sqlite3_column_int64(q, 1);
				if (i == 1)
					sl_canon_prior(&cn, n, col_str(q, 2),
					               col_str(q, 3),
					               col_str(q, 4));
				else if (i == 2)
					sl_canon_fact(
					    &cn, n, col_str(q, 2),
					    col_str(q, 3), col_str(q, 4),
					    col_str(q, 5), col_str(q, 6),
					    sqlite3_column_type(q, 7) !=
					        SQLITE_NULL,
					    sqlite3_column_double(q, 7),
					    col_str(q, 8), col_str(q, 9),
					    sqlite3_column_int(q, 10));
				else if (i == 3)
					sl_canon_evidence(
					    &cn, n, col_str(q, 2),
					    col_str(q, 3), col_str(q, 4),
					    col_str(q, 5), col_str(q, 6),
					    col_str(q, 7));
				else
					sl_canon_document(&cn, n, col_str(q, 2),
					                  col_str(q, 3));
			}
		}
		uint8_t d[32];
		sl_canon_end(&cn, d);
		if (!rc && memcmp(d, c->content, 32))
			rc = tdiff("facts/evidence/documents", c->id,
			           _("the case's content"));
		cur_next(&k[0]);
	}
	for (int i = 1; !rc && i < 5; i++)
		if (k[i].s == SQLITE_ROW)
			rc = tdiff("facts/evidence/documents", "?",
			           _("rows of no case"));
	for (int i = 0; i < 5; i++) {
		rc = cur_end(db, &k[i], rc);
		sqlite3_finalize(k[i].st);
	}
	return rc;
}

static sl_rc cmp_findings(sqlite3 *db, const by_ref *b, sl_hasher *h)
{
	cursor k = {0};
	sl_rc rc = prep_span(db,
	                     "SELECT case_ref, n, check_id, standard, severity,"
	                     " code, message, refs, outline_item FROM findings"
	                     " WHERE case_ref BETWEEN ?1 AND ?2"
	                     " ORDER BY case_ref, n",
	                     b, &k.st);
	if (rc)
		return rc;
	cur_next(&k);
	for (size_t i = 0; !rc && i < b->n; i++) {
		m_case *c = b->v[i];
		if (cur_before(&k, c->ref)) {
			rc = tdiff("findings", "?", _("findings of no case"));
			break;
		}
		sl_canon cn;
		sl_canon_begin(&cn, h, SL_CANON_FINDINGS);
		int any = 0;
		for (; cur_at(&k, c->ref); cur_next(&k)) {
			sqlite3_stmt *q = k.st;
			any = 1;
			sl_canon_finding(
			    &cn, sqlite3_column_int64(q, 1), col_str(q, 2),
			    col_str(q, 3), col_str(q, 4), col_str(q, 5),
			    col_str(q, 6), col_str(q, 7), col_str(q, 8));
		}
		uint8_t d[32];
		sl_canon_end(&cn, d);
		if (c->has_findings ? memcmp(d, c->findings, 32) != 0 : any)
			rc = tdiff("findings", c->id, _("the findings"));
	}
	if (!rc && k.s == SQLITE_ROW)
		rc = tdiff("findings", "?", _("findings of no case"));
	rc = cur_end(db, &k, rc);
	sqlite3_finalize(k.st);
	return rc;
}

static sl_rc cmp_teams(sqlite3 *db, const by_ref *b)
{
	cursor k = {0};
	sl_rc rc = prep_span(db,
	                     "SELECT case_ref, user_id FROM assignments"
	                     " WHERE case_ref BETWEEN ?1 AND ?2"
	                     " ORDER BY case_ref, user_id",
	                     b, &k.st);
	if (rc)
		return rc;
	cur_next(&k);
	for (size_t i = 0; !rc && i < b->n; i++) {
		m_case *c = b->v[i];
		if (cur_before(&k, c->ref)) {
			rc = tdiff("assignments", "?", _("a team of no case"));
			break;
		}
		size_t j = 0;
		for (; !rc && cur_at(&k, c->ref); cur_next(&k), j++) {
			if (j >= c->n_team ||
			    !str_is(col_str(k.st, 1), c->team[j]))
				rc = tdiff("assignments", c->id, _("the team"));
		}
		if (!rc && j != c->n_team)
			rc = tdiff("assignments", c->id, _("the team"));
	}
	if (!rc && k.s == SQLITE_ROW)
		rc = tdiff("assignments", "?", _("a team of no case"));
	rc = cur_end(db, &k, rc);
	sqlite3_finalize(k.st);
	return rc;
}

static sl_rc cmp_returns(sqlite3 *db, const by_ref *b)
{
	cursor k = {0}, q = {0};
	sl_rc rc = prep_span(db,
	                     "SELECT case_ref, return_no, kind, returned_by,"
	                     " returned_ms, resubmitted_ms FROM returns"
	                     " WHERE case_ref BETWEEN ?1 AND ?2"
	                     " ORDER BY case_ref, return_no",
	                     b, &k.st);
	if (!rc)
		rc = prep_span(
		    db,
		    "SELECT case_ref, return_no, no, text, refs, source,"
		    " carried_from, answered_ms, answer_evidence,"
		    " answer_note, withdrawn_ms, withdrawn_by,"
		    " withdraw_reason FROM outline_items"
		    " WHERE case_ref BETWEEN ?1 AND ?2"
		    " ORDER BY case_ref, return_no, no",
		    b, &q.st);
	if (!rc) {
		cur_next(&k);
		cur_next(&q);
	}
	for (size_t i = 0; !rc && i < b->n; i++) {
		m_case *c = b->v[i];
		if (cur_before(&k, c->ref) || cur_before(&q, c->ref)) {
			rc = tdiff("returns", "?", _("a return of no case"));
			break;
		}
		size_t j = 0;
		for (; !rc && cur_at(&k, c->ref); cur_next(&k), j++) {
			m_return *t = j < c->n_ret ? &c->ret[j] : NULL;
			sqlite3_stmt *s = k.st;
			if (!t || sqlite3_column_int(s, 1) != t->no ||
			    !str_is(col_str(s, 2), t->kind) ||
			    !str_is(col_str(s, 3), t->by) ||
			    col_ms(s, 4) != t->ms ||
			    col_ms(s, 5) != t->resubmitted_ms)
				rc = tdiff("returns", c->id, _("a return"));
		}
		if (!rc && j != c->n_ret)
			rc = tdiff("returns", c->id, _("a return"));
		for (size_t r = 0; !rc && r < c->n_ret; r++) {
			m_return *t = &c->ret[r];
			size_t n = 0;
			for (; !rc && cur_at(&q, c->ref) &&
			       sqlite3_column_int(q.st, 1) == t->no;
			     cur_next(&q), n++) {
				sqlite3_stmt *s = q.st;
				m_item *m =
				    n < t->n_items ? &t->items[n] : NULL;
				if (!m || sqlite3_column_int(s, 2) != m->no ||
				    !str_is(col_str(s, 3), m->text) ||
				    !str_is(col_str(s, 4), m->refs) ||
				    !str_is(col_str(s, 5), m->source) ||
				    !str_is(col_str(s, 6), m->carried_from) ||
				    col_ms(s, 7) != m->answered_ms ||
				    !str_is(col_str(s, 8),
				            m->answer_evidence) ||
				    !str_is(col_str(s, 9), m->answer_note) ||
				    col_ms(s, 10) != m->withdrawn_ms ||
				    !str_is(col_str(s, 11), m->withdrawn_by) ||
				    !str_is(col_str(s, 12), m->withdraw_reason))
					rc = tdiff("outline_items", c->id,
					           _("an outline item"));
			}
			if (!rc && n != t->n_items)
				rc = tdiff("outline_items", c->id,
				           _("an outline item"));
		}
		if (!rc && cur_at(&q, c->ref))
			rc =
			    tdiff("outline_items", c->id, _("an outline item"));
	}
	if (!rc && (k.s == SQLITE_ROW || q.s == SQLITE_ROW))
		rc = tdiff("returns", "?", _("a return of no case"));
	rc = cur_end(db, &k, rc);
	rc = cur_end(db, &q, rc);
	sqlite3_finalize(k.st);
	sqlite3_finalize(q.st);
	return rc;
}

static sl_rc cmp_opinions(sl_replay *r, sqlite3 *db, const by_ref *b)
{
	cursor k = {0};
	sl_rc rc = prep_span(db,
	                     "SELECT case_ref, seq, author, panel, recorded_ms,"
	                     " body, sig FROM opinions"
	                     " WHERE case_ref BETWEEN ?1 AND ?2"
	                     " ORDER BY case_ref, seq",
	                     b, &k.st);
	if (rc)
		return rc;
	cur_next(&k);
	for (size_t i = 0; !rc && i < b->n; i++) {
		m_case *c = b->v[i];
		if (cur_before(&k, c->ref)) {
			rc = tdiff("opinions", "?", _("an opinion of no case"));
			break;
		}
		size_t j = 0;
		for (; !rc && cur_at(&k, c->ref); cur_next(&k), j++) {
			sqlite3_stmt *s = k.st;
			m_opinion *o = j < c->n_op ? &c->op[j] : NULL;
			const char *body = col_str(s, 5);
			uint8_t d[32];
			if (!o || !body) {
				rc = tdiff("opinions", c->id, _("an opinion"));
				break;
			}
			sl_sha256(body, strlen(body), d);
			if (sqlite3_column_int64(s, 1) != o->seq ||
			    !str_is(col_str(s, 2), o->author) ||
			    sqlite3_column_int(s, 3) != o->panel ||
			    col_ms(s, 4) != o->ms || memcmp(d, o->sha, 32) ||
			    !blob_is(s, 6, o->sig, 64)) {
				rc = tdiff("opinions", c->id, _("an opinion"));
				break;
			}
			/* the author's own signature over the opinion */
			uint8_t *msg;
			size_t n =
			    sl_opinion_message(r->store_id, c->id, o->author,
			                       o->panel, o->ms, body, &msg);
			sl_signkey *vk = sl_registry_verifier(r->g, o->author);
			if (!n || !vk || sl_verify(vk, msg, n, o->sig))
				rc = tdiff("opinions", c->id,
				           _("an author's signature"));
			free(msg);
		}
		if (!rc && j != c->n_op)
			rc = tdiff("opinions", c->id, _("an opinion"));
	}
	if (!rc && k.s == SQLITE_ROW)
		rc = tdiff("opinions", "?", _("an opinion of no case"));
	rc = cur_end(db, &k, rc);
	sqlite3_finalize(k.st);
	return rc;
}

sl_rc sl_replay_compare(sl_replay *r, sqlite3 *db)
{
	if (r->mode != SL_REPLAY_FULL)
		return SL_OK;
	sl_rc rc;
	by_ref b = {0};
	b.first = r->sharing ? r->first_row : INT64_MIN;
	b.last = r->sharing ? r->last_row : INT64_MAX;
	if (!(rc = cmp_cases(r, db, &b)) &&
	    !(rc = cmp_dossiers(db, &b, r->h)) &&
	    !(rc = cmp_content(db, &b, r->h)) &&
	    !(rc = cmp_findings(db, &b, r->h)) && !(rc = cmp_teams(db, &b)) &&
	    !(rc = cmp_returns(db, &b)))
		rc = cmp_opinions(r, db, &b);
	free(b.v);
	return rc;
}

sl_rc sl_replay_unshared(sqlite3 *db, int64_t *bad_seq)
{
	sqlite3_stmt *st, *in = NULL;
	sl_rc rc = prep(db,
	                "SELECT seq, actor, action, object FROM audit a WHERE"
	                " NOT EXISTS (SELECT 1 FROM cases c WHERE"
	                " c.case_id = a.object) ORDER BY seq",
	                &st);
	if (!rc)
		rc = prep(db,
		          "SELECT 1 FROM audit WHERE object = ?1 AND seq < ?2"
		          " AND action = 'case.intake'",
		          &in);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *actor = col_str(st, 1), *action = col_str(st, 2),
		           *object = col_str(st, 3);
		if (!actor || !action || !object || !sl_replay_per_case(action))
			continue;
		int64_t seq = sqlite3_column_int64(st, 0);
		sqlite3_reset(in);
		sqlite3_bind_text(in, 1, object, -1, SQLITE_STATIC);
		sqlite3_bind_int64(in, 2, seq);
		int taken = sqlite3_step(in) == SQLITE_ROW;
		*bad_seq = seq;
		if (taken || !strcmp(action, "case.intake")) {
			rc =
			    tdiff("cases", object, _("missing from the table"));
		} else {
			char a[48], w[48];
			sl_text_sanitize(actor, w, sizeof w);
			sl_text_sanitize(action, a, sizeof a);
			rc = sl_error(
			    SL_EINTEGRITY,
			    _("audit entry %" PRId64 " (%s by '%s'): %s"), seq,
			    a, w, _("names a case never taken in"));
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = sl_sqlite_err(db, s, _("reading the audit log"));
	sqlite3_finalize(st);
	sqlite3_finalize(in);
	/* every case the log names is there: then one is there twice */
	if (!rc)
		rc = tdiff("cases", "?", _("a case held twice"));
	return rc;
}
