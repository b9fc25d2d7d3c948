/* storeopen.c - a store created, unlocked and closed: the first entries
 * of a new store, the key slot unwrapped, the schema migrated, the log
 * verified from the user's checkpoint before anything is trusted, and the
 * checkpoint moved on at close; and audit verify of the whole log.
 * See store.h. */
#define _GNU_SOURCE
#define SQLITE_HAS_CODEC 1
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "checkpoint.h"
#include "fsutil.h"
#include "registry.h"
#include "replay.h"
#include "rules.h"
#include "schema.h"
#include "store_priv.h"
#include "turnstile.h"
#include "verify.h"

#define AUTH_FAILED                                                            \
	N_("authentication failed: unknown or disabled user, or "              \
	   "wrong passphrase")

sl_rc sl_auth_failed(void)
{
	return sl_error(SL_EAUTH, "%s", _(AUTH_FAILED));
}

/* Move the user's checkpoint on to the head, checking what this command
 * (and anyone else meanwhile) wrote, so that the next unlock starts here.
 * Best effort: if it fails, the next unlock checks from the old one. */
static void checkpoint_forward(sl_store *s)
{
	if (!s->db || !s->reg || s->unenrolled || s->unverified || s->in_tx)
		return;
	/* the command's own message (a refusal, say) is what it reports */
	char keep[1024];
	snprintf(keep, sizeof keep, "%s", sl_errmsg());
	int64_t seq = 0;
	uint8_t hash[SL_SHA256_LEN];
	if (sl_audit_head(s, &seq, hash) == SL_OK &&
	    (seq == s->ck_seq || sl_store_reverify(s) == SL_OK) &&
	    s->ck_seq != s->ck_saved &&
	    sl_checkpoint_save(s->path, s->actor.id, s->sec->sign_seed,
	                       s->store_id, s->ck_seq, s->ck_hash,
	                       s->reg) == SL_OK)
		s->ck_saved = s->ck_seq;
	sl_error(SL_OK, "%s", keep);
}

void sl_store_close(sl_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		sl_tx_rollback(s);
	checkpoint_forward(s);
	sl_turnstile_close(s->turn);
	sl_registry_free(s->reg);
	sqlite3_finalize(s->audit_ins);
	if (s->db)
		sqlite3_close(s->db);
	sl_sign_free(s->signkey);
	sl_secrets_free(s->sec);
	sl_hasher_free(s->sha);
	json_decref(s->os_json);
	free(s->os_only);
	free(s->path);
	free(s);
}

static sl_rc get_user_version(sl_store *s, int *v)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, 0))
		return sl_db_err(s, _("reading schema version"));
	int rc = sqlite3_step(st);
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sl_db_err(s, _("reading schema version"));
	return SL_OK;
}

/* Apply migrations from+1..latest inside the open transaction. */
static sl_rc migrate(sl_store *s, int from)
{
	for (int v = from + 1; v <= sl_schema_version; v++) {
		if (sqlite3_exec(s->db, sl_schema_migrations[v], 0, 0, 0))
			return sl_db_err(s, _("migrating the store schema"));
	}
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	         sl_schema_version);
	if (sqlite3_exec(s->db, sql, 0, 0, 0))
		return sl_db_err(s, _("migrating the store schema"));
	return SL_OK;
}

static sl_rc set_identity(sl_store *s, const char *user, sl_role role)
{
	snprintf(s->actor.id, sizeof s->actor.id, "%s", user);
	s->actor.role = role;
	s->signkey = sl_sign_from_seed(s->sec->sign_seed);
	if (!s->signkey)
		return sl_error(SL_ESYS, _("cannot load signing key"));
	return SL_OK;
}

static sl_rc install_builtin_rules(sl_store *s)
{
	size_t len;
	const char *rules = sl_rules_builtin(&len);
	return sl_rules_install(s, rules, len);
}

/* dir and every missing directory above it, each 0700, as the XDG base
 * directory specification asks for $XDG_DATA_HOME. */
static sl_rc mkdirs(const char *dir, int depth)
{
	struct stat st;
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode)
		           ? SL_OK
		           : sl_error(SL_EINPUT, _("%s: not a directory"), dir);
	char up[PATH_MAX];
	snprintf(up, sizeof up, "%s", dir);
	sl_rc rc = depth < 32 ? mkdirs(dirname(up), depth + 1)
	                      : sl_error(SL_EINPUT, _("store path too long"));
	return rc ? rc : sl_dir_ensure(dir, 0700);
}

static sl_rc mkparent(const char *path)
{
	char tmp[PATH_MAX];
	if (strlen(path) >= sizeof tmp)
		return sl_error(SL_EINPUT, _("store path too long"));
	strcpy(tmp, path);
	char *dir = dirname(tmp);
	struct stat st;
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode)
		           ? SL_OK
		           : sl_error(SL_EINPUT, _("%s: not a directory"), dir);
	/* The default store's directories are made as they are needed (a
	 * new account may have no ~/.local/share); a path the user gave
	 * must exist but for its last level, so that a mistyped one makes
	 * no directories. */
	char *def = sl_store_default_path();
	int is_default = def && !strcmp(def, path);
	free(def);
	if (is_default)
		return mkdirs(dir, 0);
	char tmp2[PATH_MAX];
	strcpy(tmp2, dir);
	char *up = dirname(tmp2);
	if (stat(up, &st) != 0)
		return sl_error(SL_EINPUT, _("%s: directory does not exist"),
		                up);
	return sl_dir_ensure(dir, 0700);
}

/* A new store's first rows and its first entry (store.init), naming the
 * first admin, their key and slot, in the open transaction. */
static sl_rc first_entries(sl_store *s, const char *admin, const char *img,
                           size_t imglen)
{
	uint8_t pub[SL_ED25519_PUB_LEN], slot_hash[SL_SHA256_LEN];
	char hpub[2 * SL_ED25519_PUB_LEN + 1], hid[2 * SL_STORE_ID_LEN + 1],
	    hslot[2 * SL_SHA256_LEN + 1];
	sl_rc rc;
	if ((rc = sl_sign_pub(s->signkey, pub)) ||
	    (rc = sl_sha256(img, imglen, slot_hash)))
		return rc;
	memcpy(s->slot_hash, slot_hash, sizeof slot_hash);
	sl_hex(pub, sizeof pub, hpub);
	sl_hex(s->store_id, sizeof s->store_id, hid);
	sl_hex(slot_hash, sizeof slot_hash, hslot);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO meta(k, v) VALUES('store_id', ?)",
	                       -1, &st, 0) ||
	    sqlite3_bind_blob(st, 1, s->store_id, SL_STORE_ID_LEN,
	                      SQLITE_STATIC) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return sl_db_err(s, _("creating the store"));
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(
	        s->db,
	        "INSERT INTO users(id, role, pubkey, enrol_pub, slot_sha256, "
	        "created_seq) VALUES(?1, 'admin', ?2, ?2, ?3, 1)",
	        -1, &st, 0) ||
	    sqlite3_bind_text(st, 1, admin, -1, SQLITE_STATIC) ||
	    sqlite3_bind_blob(st, 2, pub, sizeof pub, SQLITE_STATIC) ||
	    sqlite3_bind_blob(st, 3, slot_hash, sizeof slot_hash,
	                      SQLITE_STATIC) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return sl_db_err(s, _("creating the store"));
	}
	sqlite3_finalize(st);
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s}", "user",
	                      admin, "role", "admin", "pubkey", hpub,
	                      "store_id", hid, "schema", sl_schema_version,
	                      "log", SL_LOG_FORMAT, "slot", hslot);
	rc = d ? sl_audit(s, "store.init", admin, d)
	       : sl_error(SL_ESYS, _("out of memory"));
	json_decref(d);
	return rc;
}

/* Undo a store half created: its files, as if it never was. */
static void uncreate(const char *path, const char *keydir, const char *slot,
                     int created, int slot_written)
{
	if (slot_written)
		unlink(slot);
	if (!created)
		return;
	char aux[PATH_MAX];
	unlink(path);
	snprintf(aux, sizeof aux, "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof aux, "%s-shm", path);
	unlink(aux);
	snprintf(aux, sizeof aux, "%s.lock", path);
	unlink(aux);
	rmdir(keydir);
}

sl_rc sl_store_create(const char *path, const char *admin, const char *pass,
                      size_t plen, sl_store **out)
{
	sl_crypto_init();
	if (!sl_user_id_valid(admin))
		return sl_error(
		    SL_EINPUT,
		    _("invalid user id '%s': use 1-32 of a-z, 0-9, '.', "
		      "'_', '-', starting with a letter or digit"),
		    admin);
	sl_rc rc = sl_store_path_fits(path);
	if (rc)
		return rc;
	if (sl_file_exists(path))
		return sl_error(
		    SL_EPERM,
		    _("%s already exists; refusing to overwrite a store"),
		    path);
	char keydir[PATH_MAX], slot[PATH_MAX];
	if (snprintf(keydir, sizeof keydir, "%s.keys", path) >=
	    (int)sizeof keydir)
		return sl_error(SL_EINPUT, _("store path too long"));
	if ((rc = mkparent(path)))
		return rc;
	if ((rc = sl_store_slot_path(path, admin, slot, sizeof slot)))
		return rc;

	sl_store *s = sl_store_alloc(path);
	if (!s)
		return sl_error(SL_ESYS, _("out of memory"));
	char *img = NULL;
	size_t imglen = 0;
	int created = 0, slot_written = 0;

	/* Create the file ourselves so it is 0600 from the first byte. */
	int fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = sl_error(errno == EEXIST ? SL_EPERM : SL_ESYS, _("%s: %s"),
		              path, strerror(errno));
		goto fail;
	}
	close(fd);
	created = 1;
	if ((rc = sl_dir_ensure(keydir, 0700)))
		goto fail;
	if ((rc = sl_random_key(s->sec->data_key, SL_KEY_LEN)) ||
	    (rc = sl_random_key(s->sec->sign_seed, SL_ED25519_SEED_LEN)) ||
	    (rc = sl_random(s->store_id, SL_STORE_ID_LEN)))
		goto fail;
	if ((rc = set_identity(s, admin, SL_ROLE_ADMIN)))
		goto fail;
	if ((rc = sl_store_open_db(path, s->sec->data_key, 1, &s->db)))
		goto fail;
	if ((rc = sl_keyslot_seal(admin, pass, plen, s->sec, NULL, &img,
	                          &imglen)))
		goto fail;

	if ((rc = sl_tx_begin_raw(s)) || (rc = migrate(s, 0)) ||
	    (rc = sl_audit_tx_begin(s)))
		goto fail;
	if ((rc = first_entries(s, admin, img, imglen)))
		goto fail;
	if ((rc = install_builtin_rules(s)))
		goto fail;
	/* The slot goes down before the commit: a crash in between leaves an
	 * orphan slot for a store that has no users, which opens nothing. */
	if ((rc = sl_file_write_atomic(slot, img, imglen, 0600)))
		goto fail;
	slot_written = 1;
	if ((rc = sl_tx_commit(s)))
		goto fail;
	free(img);
	/* The admin's checkpoint: the two entries just written, replayed. */
	sl_verified v = {0};
	if ((rc = sl_verify_open(s->db, s->store_id, &v, NULL))) {
		sl_store_close(s);
		return rc;
	}
	s->reg = v.reg;
	s->ck_seq = v.seq;
	memcpy(s->ck_hash, v.hash, SL_SHA256_LEN);
	if (sl_checkpoint_save(path, admin, s->sec->sign_seed, s->store_id,
	                       v.seq, v.hash, v.reg) == SL_OK)
		s->ck_saved = v.seq;
	*out = s;
	return SL_OK;

fail:
	free(img);
	sl_store_close(s);
	uncreate(path, keydir, slot, created, slot_written);
	return rc;
}

/* Burn the same scrypt time as a real unlock so that an unknown user is not
 * told apart from a wrong passphrase by timing. */
static void dummy_kdf(const char *pass, size_t plen)
{
	sl_kdf_params kp;
	uint8_t salt[32] = {0}, k[SL_KEY_LEN];
	sl_kdf_calibrate(&kp);
	sl_scrypt(pass, plen, salt, sizeof salt, kp.N, kp.r, kp.p, k, sizeof k);
	sl_wipe(k, sizeof k);
}

/* A slot file image and its hash. */
typedef struct {
	char *img;
	size_t len;
	uint8_t hash[SL_SHA256_LEN];
} slot_img;

static int slot_load(const char *path, slot_img *si)
{
	memset(si, 0, sizeof *si);
	if (sl_file_read(path, SL_SLOT_MAX_BYTES, &si->img, &si->len) != SL_OK)
		return 0;
	if (sl_sha256(si->img, si->len, si->hash) != SL_OK) {
		free(si->img);
		si->img = NULL;
		return 0;
	}
	return 1;
}

/*
 * Who else may touch the files. Group- or world-writable means anyone of
 * them could have replaced a slot, a package or the store: refused. A
 * world-readable store or slot gives nothing away without a passphrase
 * (everything in them is encrypted) but says that someone was careless:
 * a warning. A key directory owned by another user is refused: its owner
 * could put any slot in it (sl_dir_ensure refuses it at init and at
 * package install; this, at every open). Root is let through: whoever
 * owns the directory, root could have written it anyway.
 */
static sl_rc sl_store_check_modes(const char *path)
{
	char keys[PATH_MAX], pkg[PATH_MAX];
	snprintf(keys, sizeof keys, "%s.keys", path);
	snprintf(pkg, sizeof pkg, "%s.pkg", path);
	const char *files[] = {path, keys, pkg};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct stat st;
		if (lstat(files[i], &st) != 0)
			continue;
		if (i == 1 && st.st_uid != geteuid() && geteuid() != 0)
			return sl_error(SL_EINTEGRITY,
			                _("%s: owned by another user; refusing "
			                  "to use it"),
			                files[i]);
		if (st.st_mode & (S_IWGRP | S_IWOTH))
			return sl_error(SL_EINTEGRITY,
			                _("%s is writable by group or others: "
			                  "refusing to trust it (chmod go-w "
			                  "it, and check who changed it)"),
			                files[i]);
		if (st.st_mode & S_IROTH)
			fprintf(stderr,
			        _("shenli: warning: %s is readable by others "
			          "(chmod o-r it)\n"),
			        files[i]);
	}
	return SL_OK;
}

/* The store's id, from its meta table. */
static sl_rc read_store_id(sl_store *s)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT v FROM meta WHERE k = 'store_id'",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading the store"));
	int step = sqlite3_step(st);
	sl_rc rc = SL_OK;
	if (step == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == SL_STORE_ID_LEN)
		memcpy(s->store_id, sqlite3_column_blob(st, 0),
		       SL_STORE_ID_LEN);
	else
		rc = step == SQLITE_ROW || step == SQLITE_DONE
		         ? sl_error(SL_EINTEGRITY,
		                    _("the store has no valid id"))
		         : sl_db_err(s, _("reading the store"));
	sqlite3_finalize(st);
	return rc;
}

/* The log from the user's checkpoint on (verify.h). A checkpoint that
 * does not open is no reason to stop: the whole log is checked instead,
 * which finds the same answer, only later. */
static sl_rc verify_at_open(sl_store *s, const char *user)
{
	sl_verified v = {0};
	int unreadable = 0;
	sl_rc rc =
	    sl_checkpoint_load(s->path, user, s->sec->sign_seed, s->store_id,
	                       &v.seq, v.hash, &v.reg, &unreadable);
	if (rc)
		return rc;
	if (!v.reg)
		v.seq = 0;
	s->ck_saved = v.seq;
	if ((rc = sl_verify_open(s->db, s->store_id, &v, NULL)))
		return rc;
	s->reg = v.reg;
	s->ck_seq = v.seq;
	memcpy(s->ck_hash, v.hash, SL_SHA256_LEN);
	return SL_OK;
}

/* Who the user is, as the verified log says; a disabled or unknown user is
 * SL_EAUTH like a wrong passphrase. Best effort from the users table when
 * the log did not verify (audit verify only, which changes nothing). */
static sl_rc identity(sl_store *s, const char *user, int *enrolled,
                      uint8_t slot[32], uint8_t pub[32])
{
	if (s->reg) {
		const sl_reg_user *u = sl_registry_user(s->reg, user);
		if (!u || u->disabled)
			return sl_auth_failed();
		s->actor.role = u->role;
		snprintf(s->actor.agency, sizeof s->actor.agency, "%s",
		         u->agency);
		snprintf(s->actor.zone, sizeof s->actor.zone, "%s", u->zone);
		*enrolled = u->enrolled;
		memcpy(slot, u->slot, 32);
		memcpy(pub, u->enrolled ? u->pub : u->enrol_pub, 32);
		return SL_OK;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT role, pubkey, enrol_pub, slot_sha256,"
	        " disabled, agency, zone FROM users WHERE id = ?",
	        -1, &st, 0))
		return sl_db_err(s, _("reading users"));
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sl_rc rc = SL_OK;
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = sl_db_err(s, _("reading users"));
	} else if (step != SQLITE_ROW || sqlite3_column_int(st, 4) ||
	           sqlite3_column_bytes(st, 2) != 32 ||
	           sqlite3_column_bytes(st, 3) != 32) {
		rc = sl_auth_failed();
	} else {
		const char *t;
		s->actor.role =
		    sl_role_parse((const char *)sqlite3_column_text(st, 0));
		*enrolled = sqlite3_column_bytes(st, 1) == 32;
		memcpy(pub, sqlite3_column_blob(st, *enrolled ? 1 : 2), 32);
		memcpy(slot, sqlite3_column_blob(st, 3), 32);
		if ((t = (const char *)sqlite3_column_text(st, 5)))
			snprintf(s->actor.agency, sizeof s->actor.agency, "%s",
			         t);
		if ((t = (const char *)sqlite3_column_text(st, 6)))
			snprintf(s->actor.zone, sizeof s->actor.zone, "%s", t);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Schema migrations of a verified store, audited by whoever unlocks. */
static sl_rc migrate_on_open(sl_store *s, int ver)
{
	sl_rc rc = sl_tx_begin_raw(s);
	if (rc)
		return rc;
	/* the version was read before this wait for the turn: another user's
	 * first open since the upgrade may have migrated meanwhile (it then
	 * holds nothing more to do), and the migration goes from where the
	 * store is now */
	int now = ver;
	if ((rc = get_user_version(s, &now))) {
		sl_tx_rollback(s);
		return rc;
	}
	if (now >= sl_schema_version) {
		sl_tx_rollback(s);
		return SL_OK;
	}
	ver = now;
	/* the unlock's identity check came before this wait for the turn:
	 * a disable may have committed meanwhile (sl_tx_begin's check) */
	if ((rc = migrate(s, ver)) || (rc = sl_tx_actor_active(s)) ||
	    (rc = sl_audit_tx_begin(s))) {
		sl_tx_rollback(s);
		return rc;
	}
	json_t *d =
	    json_pack("{s:i, s:i}", "from", ver, "to", sl_schema_version);
	rc = sl_audit(s, "store.migrate", "store", d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		sl_tx_rollback(s);
	return rc;
}

/* The schema of an opened store: one this shenli knows, not older than
 * the log it can replay. */
static sl_rc schema_known(sl_store *s, int *ver)
{
	sl_rc rc = get_user_version(s, ver);
	if (rc)
		return rc;
	if (*ver > sl_schema_version)
		return sl_error(
		    SL_EINPUT,
		    _("the store has schema version %d; this shenli "
		      "knows up to %d: upgrade shenli"),
		    *ver, sl_schema_version);
	if (*ver < 5)
		return sl_error(*ver < 1 ? SL_EINTEGRITY : SL_EINPUT,
		                *ver < 1
		                    ? _("the store has no schema")
		                    : _("the store was made by an older shenli "
		                        "whose audit log cannot be replayed; "
		                        "make a new store"));
	return SL_OK;
}

/* The slot that opened is the one the log records for the user, and the
 * key it holds the one the log knows; a passphrase change that a crash
 * interrupted is finished or dropped as the log says. */
static sl_rc slot_is_current(sl_store *s, const char *user, const slot_img *cur,
                             const slot_img *nxt, const char *slot,
                             const char *newslot, int using_new, int *enrolled)
{
	uint8_t want_slot[32], want_pub[32], pub[32];
	sl_rc rc = identity(s, user, enrolled, want_slot, want_pub);
	if (rc)
		return rc;
	int new_is_current = nxt->img && !sl_memeq_ct(nxt->hash, want_slot, 32);
	int cur_is_current = !sl_memeq_ct(cur->hash, want_slot, 32);
	if (new_is_current) /* the change committed: finish its rename */
		sl_file_commit_rename(newslot, slot);
	else if (nxt->img) /* the change never committed: drop it */
		unlink(newslot);
	if (using_new != new_is_current)
		/* a passphrase that was replaced, or one that never took
		 * effect */
		return sl_auth_failed();
	if (!using_new && !cur_is_current)
		return sl_error(SL_EINTEGRITY,
		                _("the key slot of '%s' is not the one this "
		                  "store recorded (an old or foreign slot "
		                  "file?)"),
		                user);
	memcpy(s->slot_hash, using_new ? nxt->hash : cur->hash, 32);
	if ((rc = set_identity(s, user, s->actor.role)) ||
	    (rc = sl_sign_pub(s->signkey, pub)))
		return rc;
	if (sl_memeq_ct(pub, want_pub, 32) != 0)
		return sl_error(SL_EINTEGRITY,
		                _("the signing key of '%s' does not match the "
		                  "audit log"),
		                user);
	return SL_OK;
}

/*
 * What may still hold the data key after it should not: a shred killed
 * half-way (NAME.shred, whose next shred may never come: a disabled
 * user's slots are not shredded twice), and the slots of a user disabled
 * by a command killed between its commit and its shreds. Swept at each
 * open, best effort: disabled is for good, so nothing swept can be wanted.
 */
static void sweep_key_leftovers(sl_store *s, const char *path)
{
	char keys[PATH_MAX], f[PATH_MAX + 300];
	if (snprintf(keys, sizeof keys, "%s.keys", path) >= (int)sizeof keys)
		return;
	DIR *d = opendir(keys);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 6 && !strcmp(e->d_name + n - 6, ".shred") &&
		    snprintf(f, sizeof f, "%s/%s", keys, e->d_name) <
		        (int)sizeof f)
			sl_file_shred_leftover(f);
	}
	if (d)
		closedir(d);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT id FROM users WHERE disabled = 1",
	                       -1, &st, 0))
		return;
	static const char *const suffix[] = {".new", ".tmp", ""};
	while (sqlite3_step(st) == SQLITE_ROW) {
		char slot[PATH_MAX];
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (!id || sl_store_slot_path(path, id, slot, sizeof slot))
			continue;
		for (size_t i = 0; i < 3; i++)
			if (snprintf(f, sizeof f, "%s%s", slot, suffix[i]) <
			        (int)sizeof f &&
			    sl_file_exists(f))
				sl_file_shred(f);
	}
	sqlite3_finalize(st);
	sl_errclear();
}

/* What every open checks once the slot is unwrapped into s->sec (by the
 * passphrase now, or by a session's login): the store keyed and known,
 * the log verified from the user's checkpoint, the slot the log's, the
 * user enrolled, the schema migrated, the checkpoint moved on. */
static sl_rc opened(sl_store *s, const char *path, const char *user,
                    unsigned flags, const slot_img *cur, const slot_img *nxt,
                    const char *slot, const char *newslot, int using_new)
{
	sl_rc rc;
	if ((rc = sl_store_open_db(path, s->sec->data_key, 0, &s->db)))
		return rc;
	int ver = 0;
	if ((rc = schema_known(s, &ver)) || (rc = read_store_id(s)))
		return rc;
	snprintf(s->actor.id, sizeof s->actor.id, "%s", user);
	if ((rc = verify_at_open(s, user))) {
		if (!(flags & SL_OPEN_UNVERIFIED))
			return rc;
		s->unverified = 1;
		snprintf(s->open_failure, sizeof s->open_failure, "%s",
		         sl_errmsg());
		sl_errclear();
	}
	int enrolled = 0;
	if ((rc = slot_is_current(s, user, cur, nxt, slot, newslot, using_new,
	                          &enrolled)))
		return rc;
	s->unenrolled = !enrolled;
	if (s->unenrolled && !(flags & SL_OPEN_ENROL))
		return sl_error(
		    SL_EAUTH,
		    _("%s: this passphrase was chosen by an admin and "
		      "opens nothing until you choose your own: run "
		      "'shenli user passwd' first"),
		    user);
	if (ver < sl_schema_version && !s->unverified && !s->unenrolled &&
	    (rc = migrate_on_open(s, ver)))
		/* said why a command that only reads had to write (a store
		 * on read-only media, say) */
		return sl_error(rc,
		                _("this shenli upgrades the store from schema "
		                  "version %d to %d at its first open, which "
		                  "writes it, and that failed: %s"),
		                ver, sl_schema_version, sl_errmsg());
	/* a checkpoint for next time, if this one moved the head */
	if (!s->unenrolled && !s->unverified) {
		checkpoint_forward(s);
		sweep_key_leftovers(s, path);
	}
	return SL_OK;
}

/* The user's key slot files, as an open reads them. */
typedef struct {
	char slot[PATH_MAX], newslot[PATH_MAX + 8];
	slot_img cur, nxt;
} slot_files;

static void slot_files_free(slot_files *f)
{
	free(f->cur.img);
	free(f->nxt.img);
}

/* What every open checks before a slot is unwrapped: a store at path, its
 * files' modes, and user's slot (SL_EAUTH with no message when the user
 * or the slot is not there: the caller says it as a wrong passphrase).
 * SLOT.new exists only if a passphrase change was under way when the
 * process died (users.c: sl_user_passwd); whether that change counts is
 * decided by the log (slot_is_current). */
static sl_rc slot_files_load(const char *path, const char *user, slot_files *f)
{
	memset(f, 0, sizeof *f);
	if (!sl_file_exists(path))
		return sl_error(
		    SL_EINPUT,
		    _("%s: no store here (create one with 'shenli init')"),
		    path);
	/* not a store at all: say so, not that the passphrase is wrong */
	struct stat st;
	char keys[PATH_MAX];
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return sl_error(SL_EINPUT,
		                _("%s: a directory, not a store (--store names "
		                  "the store's file)"),
		                path);
	if (snprintf(keys, sizeof keys, "%s.keys", path) >= (int)sizeof keys)
		return sl_error(SL_EINPUT, _("store path too long"));
	if (stat(keys, &st) != 0 || !S_ISDIR(st.st_mode))
		return sl_error(SL_EINPUT,
		                _("%s: not a shenli store (it has no key "
		                  "slots beside it, in %s)"),
		                path, keys);
	sl_rc rc = sl_store_check_modes(path);
	if (rc)
		return rc;
	if (!sl_user_id_valid(user) ||
	    sl_store_slot_path(path, user, f->slot, sizeof f->slot) != SL_OK ||
	    !slot_load(f->slot, &f->cur))
		return SL_EAUTH;
	snprintf(f->newslot, sizeof f->newslot, "%s.new", f->slot);
	slot_load(f->newslot, &f->nxt);
	return SL_OK;
}

/* The end of every open: opened()'s checks on s, whose secrets are set,
 * then s handed out, or closed. Frees the slot files either way. */
static sl_rc open_finish(sl_store *s, const char *path, const char *user,
                         unsigned flags, slot_files *f, int using_new,
                         sl_store **out)
{
	sl_rc rc = opened(s, path, user, flags, &f->cur, &f->nxt, f->slot,
	                  f->newslot, using_new);
	slot_files_free(f);
	if (rc) {
		sl_store_close(s);
		return rc;
	}
	*out = s;
	return SL_OK;
}

sl_rc sl_store_open(const char *path, const char *user, const char *pass,
                    size_t plen, unsigned flags, sl_store **out)
{
	sl_crypto_init();
	slot_files f;
	sl_rc rc = sl_store_path_fits(path);
	if (rc)
		return rc;
	rc = slot_files_load(path, user, &f);
	if (rc == SL_EAUTH) {
		/* the same time for an unknown user as for a wrong passphrase
		 */
		dummy_kdf(pass, plen);
		slot_files_free(&f);
		return sl_auth_failed();
	}
	if (rc)
		return rc;
	sl_store *s = sl_store_alloc(path);
	if (!s) {
		slot_files_free(&f);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	int using_new = 0;
	rc = SL_EAUTH;
	if (f.nxt.img && sl_keyslot_open(user, pass, plen, f.nxt.img, f.nxt.len,
	                                 s->sec) == SL_OK) {
		using_new = 1;
		rc = SL_OK;
	}
	if (!using_new)
		rc = sl_keyslot_open(user, pass, plen, f.cur.img, f.cur.len,
		                     s->sec);
	if (rc) {
		if (rc == SL_EAUTH)
			sl_auth_failed();
		slot_files_free(&f);
		sl_store_close(s);
		return rc;
	}
	return open_finish(s, path, user, flags, &f, using_new, out);
}

sl_rc sl_store_unlock(const char *path, const char *user, const char *pass,
                      size_t plen, sl_store **out)
{
	return sl_store_open(path, user, pass, plen, 0, out);
}

sl_rc sl_store_verify(sl_store *s, const char *anchor, sl_audit_report *r)
{
	if (s->in_tx)
		return sl_error(SL_ESYS, _("internal: verify inside a "
		                           "transaction"));
	sl_verified head = {0};
	sl_rc rc = sl_verify_full(s->db, s->path, s->sec->data_key, s->store_id,
	                          anchor, r, &head);
	if (rc)
		return rc;
	/* The whole log verifies on its own, but not against what this user
	 * verified before (a rollback or a rewrite since): that stands, and
	 * the checkpoint is not moved back. */
	if (s->unverified && s->open_failure[0]) {
		sl_registry_free(head.reg);
		return sl_error(SL_EINTEGRITY, "%s", s->open_failure);
	}
	/* the whole log verified: that is a checkpoint too */
	if (!s->unenrolled) {
		sl_registry_free(s->reg);
		s->reg = head.reg;
		s->ck_seq = head.seq;
		memcpy(s->ck_hash, head.hash, SL_SHA256_LEN);
		s->unverified = 0;
		if (sl_checkpoint_save(s->path, s->actor.id, s->sec->sign_seed,
		                       s->store_id, head.seq, head.hash,
		                       s->reg) == SL_OK)
			s->ck_saved = head.seq;
	} else {
		sl_registry_free(head.reg);
	}
	return SL_OK;
}

sl_rc sl_store_verify_case(sl_store *s, int64_t ref, const char *case_id)
{
	sl_rc rc = sl_verify_case(s->db, s->store_id, ref, case_id);
	if (rc != SL_EINTEGRITY)
		return rc;
	char why[512];
	snprintf(why, sizeof why, "%s", sl_errmsg());
	return sl_error(SL_EINTEGRITY,
	                _("%s; nothing was done ('audit verify' checks the "
	                  "whole store)"),
	                why);
}

/* ---- opening with secrets unwrapped before (shenlid's sessions) ----------
 * The same checks as sl_store_open after its slot unwrap (slot_files_load
 * and open_finish are theirs too), so that a session opens exactly what
 * the passphrase would open now: the slot the session unwrapped must still
 * be the user's (a passphrase changed since ends the session), and the
 * log, the user's identity and their signing key are checked as at every
 * unlock. */
sl_rc sl_store_open_unwrapped(const char *path, const char *user,
                              const sl_secrets *sec,
                              const uint8_t slot_hash[SL_SHA256_LEN],
                              uid_t peer, unsigned flags, sl_store **out)
{
	sl_crypto_init();
	slot_files f;
	sl_rc rc = slot_files_load(path, user, &f);
	if (rc) {
		slot_files_free(&f);
		return rc == SL_EAUTH ? sl_auth_failed() : rc;
	}
	int using_new =
	    f.nxt.img && !sl_memeq_ct(f.nxt.hash, slot_hash, SL_SHA256_LEN);
	if (!using_new && sl_memeq_ct(f.cur.hash, slot_hash, SL_SHA256_LEN)) {
		slot_files_free(&f);
		return sl_error(SL_EAUTH,
		                _("%s: the key slot this session was opened "
		                  "with has been replaced (a new passphrase?): "
		                  "log in again"),
		                user);
	}
	sl_store *s = sl_store_alloc(path);
	if (!s) {
		slot_files_free(&f);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	memcpy(s->sec, sec, sizeof *sec);
	/* before open_finish: a migration at open writes an entry too */
	s->os_uid = peer;
	return open_finish(s, path, user, flags, &f, using_new, out);
}
