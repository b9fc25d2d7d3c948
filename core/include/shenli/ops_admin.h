/*
 * shenli/ops_admin.h - the operations that set a workstation up and keep
 * it honest: the store, users, zones and agencies, signing keys, packages
 * (plugins, scripts, rules) and the audit log. See <shenli/ops.h> for the
 * shape every operation has, and doc/api.md for each JSON shape.
 *
 * Every operation asks policy itself (the role table of policy.c) and
 * audits a refusal: a front end never asks first. Keys and codes in the
 * results (roles, kinds, ids) are never translated.
 */
#ifndef SHENLI_OPS_ADMIN_H
#define SHENLI_OPS_ADMIN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <shenli/base.h>

#define SL_CODE_MAX 32         /* zone and agency codes: [A-Za-z0-9_-] */
#define SL_NAME_MAX 256        /* zones' and agencies' names */
#define SL_PERSON_NAME_MAX 128 /* a person's name (姓名) */

/* ---- the audit head: SEQ:HASH ---------------------------------------------
 * The head of the hash chain: a short proof of the whole log to write
 * down, which 'audit verify --anchor' later shows the log still extends. */
typedef struct {
	int64_t seq;      /* 0 for an empty log */
	uint8_t hash[32]; /* the last entry's chain hash */
	char text[96];    /* "SEQ:HEX64" */
} sl_anchor;

/* "SEQ:HEX64" <-> values; SL_EINPUT (with a message) if str is not one. */
sl_rc sl_audit_parse_anchor(const char *str, int64_t *seq, uint8_t hash[32]);
void sl_audit_format_anchor(int64_t seq, const uint8_t hash[32], char out[96]);
/* {"seq", "hash", "head"} */
json_t *sl_anchor_json(const sl_anchor *a);

/* ---- a new store (init) ----------------------------------------------------
 * A new store at path (it must not exist) with admin as its first admin,
 * and the given public keys (PEM files) trusted for signed packages from
 * the start. No session is needed, and none is left open. */
typedef struct {
	const char *path;
	const char *admin;
	const char *pass; /* the admin's passphrase (SL_EINPUT if too short) */
	size_t plen;
	const char *const *trust; /* PEM files; may be empty */
	size_t n_trust;
} sl_init_req;

typedef struct {
	/* the store exists: also when a key then failed (rc != SL_OK), in
	 * which case trusted[] holds the keys trusted before it */
	int created;
	char (*trusted)[17]; /* key ids, in the request's order */
	size_t n_trusted;
	sl_anchor head; /* rc SL_OK: the head to write down */
} sl_init_res;

sl_rc sl_store_init(const sl_init_req *rq, sl_init_res *out);
void sl_init_res_free(sl_init_res *r);
/* {"store", "admin", "trusted", "head"} */
json_t *sl_init_json(const sl_init_req *rq, const sl_init_res *r);

/* ---- users -------------------------------------------------------------- */
typedef struct {
	char id[SL_ID_MAX + 1];
	sl_role role;
	char agency[SL_CODE_MAX + 1]; /* home agency; "" if none */
	char zone[SL_CODE_MAX + 1];   /* "" if none */
	int disabled;
	int enrolled;         /* has chosen their own passphrase */
	char fingerprint[17]; /* first 8 bytes of SHA-256(pubkey), hex; "" if
	                         not enrolled */
	char name[SL_PERSON_NAME_MAX + 1]; /* "" if none */
} sl_user_info;

/* {"id", "role", "name", "agency", "zone", "disabled", "enrolled", "key"}
 * (name, agency, zone, key: null if none) */
json_t *sl_user_json(const sl_user_info *u);

/* Every user, in id order (admins, leaders and auditors). */
sl_rc sl_user_list(sl_store *s, int (*cb)(const sl_user_info *u, void *ud),
                   void *ud);

/* user add (admins). The first passphrase is the admin's choice: it opens
 * nothing but the user's own first passphrase change (enrolment). The
 * home agency decides recusal; agency and zone must exist. */
typedef struct {
	const char *id;
	sl_role role;
	const char *name, *agency, *zone; /* NULL: none */
	const char *pass;                 /* the first passphrase */
	size_t plen;
} sl_user_req;
/* *out (if not NULL): the user as user list shows them now. */
sl_rc sl_user_create(sl_store *s, const sl_user_req *rq, sl_user_info *out);

/* user passwd: the acting user's own passphrase. For a user an admin
 * added and who has not chosen their own (a session opened with
 * SL_OPEN_ENROL), this is enrolment: their own signing key is made and
 * recorded, and the first passphrase no longer opens anything. The same
 * passphrase again is refused (SL_EINPUT, nothing written): at
 * enrolment the one the admin chose, which the admin knows; later one
 * that would change nothing. */
typedef struct {
	char user[SL_ID_MAX + 1];
	int enrolled; /* this was the user's enrolment */
} sl_passwd_res;
sl_rc sl_user_set_passphrase(sl_store *s, const char *pass, size_t plen,
                             sl_passwd_res *out);
/* {"user", "enrolled"} */
json_t *sl_passwd_json(const sl_passwd_res *r);

/* user disable (admins): the key slot destroyed; the open cases whose
 * team the user sits on, for a leader to re-assign. */
typedef struct {
	char **open_cases; /* case ids, in order */
	size_t n_open_cases;
} sl_user_disable_res;
/* out may be NULL */
sl_rc sl_user_disable(sl_store *s, const char *id, sl_user_disable_res *out);
void sl_user_disable_res_free(sl_user_disable_res *r);
/* {"user", "open_cases"} */
json_t *sl_user_disable_json(const char *id, const sl_user_disable_res *r);

/* ---- zones (片区) and agencies (派驻纪检监察组) ----------------------------
 * An agency belongs to at most one zone; its cases go to that zone's
 * panel, and intake refuses them while it has none. Adding is for admins;
 * listing for everyone. */
typedef struct {
	char code[SL_CODE_MAX + 1];
	char name[SL_NAME_MAX + 1];
	char zone[SL_CODE_MAX + 1]; /* agencies only; "" if none */
} sl_org_info;

sl_rc sl_zone_add(sl_store *s, const char *code, const char *name);
/* zone: NULL for none */
sl_rc sl_agency_add(sl_store *s, const char *code, const char *name,
                    const char *zone);
/* In code order; agencies by zone, then code. */
sl_rc sl_zone_list(sl_store *s, int (*cb)(const sl_org_info *z, void *ud),
                   void *ud);
sl_rc sl_agency_list(sl_store *s, int (*cb)(const sl_org_info *a, void *ud),
                     void *ud);
/* {"code", "name"} */
json_t *sl_zone_json(const sl_org_info *z);
/* {"code", "name", "zone"} (zone null if none) */
json_t *sl_agency_json(const sl_org_info *a);

/* ---- package signing keys (admins) ----------------------------------------
 * The Ed25519 keys whose signed packages the store accepts. */
typedef struct {
	char id[17]; /* hex of the first 8 bytes of SHA-256(pubkey) */
	char comment[129];
	int revoked;
} sl_key_info;

/* pem_path: a PEM "PUBLIC KEY" file (as 'openssl pkey -pubout' writes
 * it); comment: free text (bounded). id_out gets the key's id. */
sl_rc sl_keys_trust(sl_store *s, const char *pem_path, const char *comment,
                    char id_out[17]);
/* For good: a revoked key is never trusted again. */
sl_rc sl_keys_revoke(sl_store *s, const char *id);
sl_rc sl_keys_list(sl_store *s, int (*cb)(const sl_key_info *k, void *ud),
                   void *ud);
/* {"id", "comment", "revoked"} */
json_t *sl_key_json(const sl_key_info *k);

/* ---- packages: plugins, scripts, rules, document templates -----------------
 * spec/cli.md, "Signed packages". Install and remove for admins; list for
 * everyone. A removed package's version floor stays. A template (data
 * only: doctemplate.h's shenli.template/1) is checked with the document
 * template parser before it is installed, and refused (SL_EINPUT) if it
 * is not one. */
typedef enum {
	SL_PKG_PLUGIN,
	SL_PKG_SCRIPT,
	SL_PKG_RULES,
	SL_PKG_TEMPLATE
} sl_pkg_kind;
/* "plugin", "script", "rules", "template" */
const char *sl_pkg_kind_name(sl_pkg_kind k);
/* The same as a person reads it, in their language (messages only): 插件 */
const char *sl_pkg_kind_said(sl_pkg_kind k);

#define SL_PKG_NAME_MAX 64
#define SL_PKG_FILE_MAX 128

/* A package's manifest (package.h parses it). */
typedef struct {
	char name[SL_PKG_NAME_MAX + 1]; /* [a-z0-9_-]{1,64} */
	sl_pkg_kind kind;
	long long version; /* integer >= 1 */
	int abi;           /* integer >= 0 (plugins: must equal the host ABI;
	                      scripts/rules/templates: their own format
	                      number) */
	char file[SL_PKG_FILE_MAX + 1]; /* the payload's file name: a plain
	                                   name, [A-Za-z0-9._-]{1,128}, no
	                                   leading '.' */
	long long size;                 /* 0 .. SL_PKG_MAX_PAYLOAD */
	uint8_t sha256[32];
} sl_manifest;

typedef struct {
	sl_manifest m;
	char signer[17]; /* the id of the key that signed it */
	int in_force;    /* rules: its document is the one in force (the
	                    last installed); other kinds: 0 */
} sl_pkg_info;

/* Install the package directory dir (payload, manifest, manifest.sig) of
 * that kind: signature, size and hash, abi, version floor; a template's
 * payload must parse as a document template (SL_EINPUT, nothing written,
 * if not). *out (if not NULL) gets what was installed. */
sl_rc sl_pkg_install(sl_store *s, const char *dir, sl_pkg_kind kind,
                     sl_pkg_info *out);
sl_rc sl_pkg_remove(sl_store *s, const char *name, sl_pkg_kind kind);
sl_rc sl_pkg_list(sl_store *s, sl_pkg_kind kind,
                  int (*cb)(const sl_pkg_info *p, void *ud), void *ud);
/* {"name", "version", "abi", "file", "size", "sha256", "signer"}, and for
 * rules "in_force" */
json_t *sl_pkg_json(const sl_pkg_info *p);

/* plugin verify: load the installed plugins (or only the one named, if
 * name is not NULL) the way the checks do, one row each: a file changed
 * since it was installed is refused (SL_EINTEGRITY) and the refusal
 * audited. Returns the first failure's rc (every plugin is still tried),
 * or SL_EINPUT if name names no installed plugin. */
typedef struct {
	const sl_pkg_info *pkg;
	sl_rc rc;             /* SL_OK: intact, loaded and opened */
	const char *answered; /* rc SL_OK: the name its init gave */
	const char *error;    /* rc != SL_OK: why */
} sl_plugin_verify_row;
sl_rc sl_plugin_verify(sl_store *s, const char *name,
                       int (*cb)(const sl_plugin_verify_row *r, void *ud),
                       void *ud);
/* {"name", "version", "intact", "answered", "error"} */
json_t *sl_plugin_verify_json(const sl_plugin_verify_row *r);

/* ---- the audit log
 * ----------------------------------------------------------- audit verify:
 * every page of the store read, the whole chain and every signature checked,
 * every entry's authority replayed, every table equal to the log; with an
 * anchor ("SEQ:HEX64"), that the log still extends it (everyone). SL_EINTEGRITY
 * names the first bad entry, or table and row. A store whose log does not
 * verify serves this and nothing else: open it with SL_OPEN_UNVERIFIED. */
typedef struct sl_audit_report {
	int64_t entries;    /* entries checked */
	int64_t signatures; /* signatures verified */
	int64_t head_seq;
	uint8_t head_hash[32];
	int64_t bad_seq; /* first bad entry, 0 if none or not an entry */
} sl_audit_report;
sl_rc sl_audit_verify(sl_store *s, const char *anchor, sl_audit_report *out);
/* {"entries", "signatures", "head", "anchor"} (anchor null if none) */
json_t *sl_audit_verify_json(const sl_audit_report *r, const char *anchor);

/* audit head (everyone) */
sl_rc sl_audit_anchor(sl_store *s, sl_anchor *out);

/* audit log (admins and auditors): the entries after since, in order, one
 * at a time; valid during the callback. To an admin (no case access) the
 * entries of cases (case.*, review.*, report.*, script.run) come with
 * their details withheld: {"withheld": "case", "os": ...}. */
typedef struct {
	int64_t seq, ts; /* ts: unix ms */
	const char *actor, *action, *object;
	const char *details; /* JSON text */
	const uint8_t *hash; /* 32 bytes */
	int is_signed;       /* closes a signed transaction */
	/* its Ed25519 signature (doc/log.md), 64 bytes, if it is signed and
	 * the reader handed it out; else NULL */
	const uint8_t *sig;
} sl_audit_entry;
sl_rc sl_audit_log(sl_store *s, int64_t since,
                   int (*cb)(const sl_audit_entry *e, void *ud), void *ud);
/* The OS account that made an entry's change, beside its shenli user: in
 * service mode the client's uid as the kernel gave it (SO_PEERCRED), in
 * embedded mode the process's real uid; user is that account's name when
 * the change was made ("" if it had none). It is in the entry's details
 * ("os"), so the chain and the signature cover it (doc/log.md). */
#define SL_OS_USER_MAX 64 /* bytes of the name kept */
typedef struct {
	int64_t uid;
	char user[SL_OS_USER_MAX + 1];
} sl_os_account;
/* 1 and *out filled if e records its OS account; 0 if it records none (an
 * entry of a store written before the log recorded it); -1 if what it
 * records is malformed (audit verify refuses such an entry). */
int sl_audit_entry_os(const sl_audit_entry *e, sl_os_account *out);
/* Whether sl_audit_log withheld e's details (a case's, to an admin). */
int sl_audit_entry_withheld(const sl_audit_entry *e);
/* {"seq", "time", "ts_ms", "actor", "os", "action", "object", "details",
 *  "hash", "signed"}: time "YYYY-MM-DD HH:MM:SSZ" (UTC), os {"uid",
 * "user"} (user null if the account had no name; os null if the entry
 * records none), details the entry's JSON (a string if it is not JSON) */
json_t *sl_audit_entry_json(const sl_audit_entry *e);

#endif
