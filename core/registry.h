/*
 * registry.h - who and what the audit log has authorised: users (role,
 * agency, zone, name, key, status), trusted and revoked signing keys,
 * packages in force with their version floors, zones, agencies and the
 * rules document in force.
 *
 * The registry is derived from the log alone (replay.h applies entries to
 * it after checking that each was allowed). It is what policy, the
 * package loader and the open-time check trust; the tables of the same
 * names are a cache that must agree with it (sl_registry_compare). It is
 * small (hundreds of rows), so a copy of it is what a user's checkpoint
 * keeps (checkpoint.h).
 */
#ifndef SHENLI_REGISTRY_H
#define SHENLI_REGISTRY_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "crypto.h"
#include "package.h"
#include "store.h"

#define SL_CODE_LEN 32

typedef struct {
	char id[SL_ID_MAX + 1];
	sl_role role;
	char agency[SL_CODE_LEN + 1]; /* "" if none */
	char zone[SL_CODE_LEN + 1];   /* "" if none */
	char *name;                   /* the person's name; NULL if none */
	int enrolled;                 /* has chosen their own passphrase */
	int disabled;
	uint8_t pub[SL_ED25519_PUB_LEN]; /* if enrolled */
	uint8_t
	    enrol_pub[SL_ED25519_PUB_LEN]; /* the one-time key of user.add */
	uint8_t slot[SL_SHA256_LEN];       /* hash of the current slot */
	sl_signkey *verifier;              /* of pub, made on first use */
} sl_reg_user;

typedef struct {
	char id[SL_KEY_ID_LEN + 1];
	uint8_t pub[SL_ED25519_PUB_LEN];
	char *comment;
	int revoked;
} sl_reg_key;

typedef struct {
	sl_manifest m;
	char signer[SL_KEY_ID_LEN + 1];
	int installed;   /* 0: removed (the floor stays) */
	long long floor; /* highest version ever installed */
} sl_reg_pkg;

typedef struct {
	char code[SL_CODE_LEN + 1];
	char *name;
	char zone[SL_CODE_LEN + 1]; /* agencies: "" if in no zone */
} sl_reg_org;

typedef struct sl_registry sl_registry;

sl_registry *sl_registry_new(void);
void sl_registry_free(sl_registry *g);

/* Lookups; NULL if absent. Pointers stay valid until the next change. */
const sl_reg_user *sl_registry_user(const sl_registry *g, const char *id);
const sl_reg_key *sl_registry_key(const sl_registry *g, const char *id);
/* A package of that name and kind, installed or not. */
const sl_reg_pkg *sl_registry_pkg(const sl_registry *g, const char *name);
const sl_reg_org *sl_registry_zone(const sl_registry *g, const char *code);
const sl_reg_org *sl_registry_agency(const sl_registry *g, const char *code);
/* The rules document in force: 0 if none yet. */
int sl_registry_rules(const sl_registry *g, int64_t *version,
                      uint8_t sha[SL_SHA256_LEN]);

/* Iteration in id/name/code order. */
size_t sl_registry_n_users(const sl_registry *g);
const sl_reg_user *sl_registry_user_at(const sl_registry *g, size_t i);
size_t sl_registry_n_pkgs(const sl_registry *g);
const sl_reg_pkg *sl_registry_pkg_at(const sl_registry *g, size_t i);
size_t sl_registry_n_keys(const sl_registry *g);
const sl_reg_key *sl_registry_key_at(const sl_registry *g, size_t i);

/* The verifier of a user's key (made once, kept); NULL if not enrolled. */
sl_signkey *sl_registry_verifier(sl_registry *g, const char *id);

/* A package may run only if it is installed and its signer is trusted and
 * not revoked now. SL_EINTEGRITY names why not. */
sl_rc sl_registry_pkg_runnable(const sl_registry *g, const char *name,
                               sl_pkg_kind kind, const sl_reg_pkg **out);

/* ---- changes (replay.c applies verified entries through these) -------- */

sl_rc sl_registry_add_user(sl_registry *g, const sl_reg_user *u);
sl_reg_user *sl_registry_user_mut(sl_registry *g, const char *id);
sl_rc sl_registry_add_key(sl_registry *g, const sl_reg_key *k);
sl_reg_key *sl_registry_key_mut(sl_registry *g, const char *id);
/* Install (or replace) a package; the floor rises with it. */
sl_rc sl_registry_install(sl_registry *g, const sl_manifest *m,
                          const char *signer);
sl_reg_pkg *sl_registry_pkg_mut(sl_registry *g, const char *name);
sl_rc sl_registry_add_zone(sl_registry *g, const char *code, const char *name);
sl_rc sl_registry_add_agency(sl_registry *g, const char *code, const char *name,
                             const char *zone);
/* An agency added in no zone placed in one (org.c, "agency.place"). */
sl_rc sl_registry_place_agency(sl_registry *g, const char *code,
                               const char *zone);
void sl_registry_set_rules(sl_registry *g, int64_t version,
                           const uint8_t sha[SL_SHA256_LEN]);

/* ---- the cache and the checkpoint ------------------------------------- */

/* Compare the users, trusted_keys, packages, package_floor, zones,
 * agencies and rules tables with the registry. SL_EINTEGRITY names the
 * first table and row that differ ("changed outside shenli"). */
sl_rc sl_registry_compare(const sl_registry *g, sqlite3 *db);

/* The registry as JSON (for a checkpoint), and back. load is strict: the
 * text is authenticated, but a malformed one is refused, never trusted. */
json_t *sl_registry_dump(const sl_registry *g);
sl_rc sl_registry_load(const json_t *j, sl_registry **out);

#endif
