/* users.c - user management. See users.h. */
#include "users.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "fsutil.h"
#include "guard.h"
#include "org.h"
#include "store_priv.h"

sl_rc sl_passphrase_acceptable(const char *pass, size_t plen)
{
	if (plen < SL_PASS_MIN)
		return sl_error(
		    SL_EINPUT,
		    _("passphrase too short: at least %d characters"),
		    SL_PASS_MIN);
	if (plen > SL_PASS_MAX)
		return sl_error(SL_EINPUT,
		                _("passphrase too long: at most %d bytes"),
		                SL_PASS_MAX);
	if (memchr(pass, 0, plen))
		return sl_error(SL_EINPUT, _("passphrase contains a NUL byte"));
	return SL_OK;
}

static sl_rc user_exists(sl_store *s, const char *id, int *exists)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM users WHERE id = ?", -1,
	                       &st, 0))
		return sl_db_err(s, _("reading users"));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sl_db_err(s, _("reading users"));
	*exists = rc == SQLITE_ROW;
	return SL_OK;
}

static sl_rc user_add_once(sl_store *s, const char *id, sl_role role,
                           const char *agency, const char *zone,
                           const char *name, const char *pass, size_t plen)
{
	sl_rc snap_rc = sl_tx_snapshot(s);
	if (snap_rc)
		return snap_rc;
	sl_rc rc = sl_guard(s, SL_ACT_USER_ADD, id);
	if (rc)
		return rc;
	if (!sl_user_id_valid(id))
		return sl_error(
		    SL_EINPUT,
		    _("invalid user id '%s': use 1-32 of a-z, 0-9, '.', "
		      "'_', '-', starting with a letter or digit"),
		    id);
	if (!sl_role_name(role) || !strcmp(sl_role_name(role), "?"))
		return sl_error(SL_EINPUT, _("unknown role"));
	if (agency && !sl_code_valid(agency))
		return sl_error(SL_EINPUT, _("invalid agency code '%s'"),
		                agency);
	if (zone && !sl_code_valid(zone))
		return sl_error(SL_EINPUT, _("invalid zone code '%s'"), zone);
	if (name && !sl_person_name_valid(name))
		return sl_error(SL_EINPUT,
		                _("invalid name: 1-%d bytes of UTF-8 text "
		                  "without control characters"),
		                SL_PERSON_NAME_MAX);
	if ((rc = sl_passphrase_acceptable(pass, plen)))
		return rc;

	char slot[PATH_MAX];
	if ((rc = sl_store_slot_path(s->path, id, slot, sizeof slot)))
		return rc;
	/* The home agency decides recusal: it must be one we know. */
	int found = 0;
	char azone[SL_CODE_MAX + 1];
	if (agency &&
	    ((rc = sl_agency_zone(s, agency, &found, azone)) || !found))
		return rc ? rc
		          : sl_error(SL_EINPUT,
		                     _("no agency '%s' (add it first)"),
		                     agency);
	if (zone && ((rc = sl_zone_exists(s, zone, &found)) || !found))
		return rc ? rc
		          : sl_error(SL_EINPUT,
		                     _("no zone '%s' (add it first)"), zone);
	int exists = 0;
	if ((rc = user_exists(s, id, &exists)))
		return rc;
	if (exists)
		return sl_error(
		    SL_EINPUT,
		    _("user '%s' already exists (ids are never reused)"), id);

	/* The new user's secrets: the store's data key and a one-time
	 * enrolment key. The admin chose this passphrase, so whatever it opens
	 * the admin could use: it must never open a key that signs as the
	 * user. The user's own key is made when they choose their own
	 * passphrase (sl_user_passwd), signed over by this one-time key. */
	sl_secrets *sec = sl_secrets_new();
	sl_signkey *key = NULL;
	char *img = NULL;
	size_t imglen = 0;
	uint8_t pub[32], slot_hash[32];
	char hpub[65];
	int slot_written = 0;
	if (!sec) {
		rc = sl_error(SL_ESYS, _("out of memory"));
		goto out;
	}
	memcpy(sec->data_key, s->sec->data_key, SL_KEY_LEN);
	if ((rc = sl_random_key(sec->sign_seed, SL_ED25519_SEED_LEN)))
		goto out;
	key = sl_sign_from_seed(sec->sign_seed);
	if (!key) {
		rc = sl_error(SL_ESYS, _("cannot create signing key"));
		goto out;
	}
	if ((rc = sl_sign_pub(key, pub)) ||
	    (rc = sl_keyslot_seal(id, pass, plen, sec, NULL, &img, &imglen)) ||
	    (rc = sl_sha256(img, imglen, slot_hash)))
		goto out;
	sl_hex(pub, sizeof pub, hpub);

	if ((rc = sl_tx_begin_unchanged(s)))
		goto out;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        s->db,
	        "INSERT INTO users(id, role, agency, zone, name, enrol_pub,"
	        " slot_sha256, created_seq) VALUES(?,?,?,?,?,?,?,?)",
	        -1, &st, 0)) {
		rc = sl_db_err(s, _("adding user"));
		goto rollback;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sl_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, pub, sizeof pub, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, slot_hash, sizeof slot_hash, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, s->head_seq + 1);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		rc = sl_db_err(s, _("adding user"));
		goto rollback;
	}
	char hslot[65];
	sl_hex(slot_hash, sizeof slot_hash, hslot);
	json_t *d =
	    json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "user", id,
	              "role", sl_role_name(role), "enrol_pub", hpub, "slot",
	              hslot, "agency", agency, "zone", zone, "name", name);
	rc = sl_audit(s, "user.add", id, d);
	json_decref(d);
	if (rc)
		goto rollback;
	/* Slot first, then commit: a crash between leaves a slot with no user
	 * row, which authenticates nobody, and the id stays free to add. */
	if ((rc = sl_file_write_atomic(slot, img, imglen, 0600)))
		goto rollback;
	slot_written = 1;
	if ((rc = sl_tx_commit(s)))
		goto unslot;
	goto out;

rollback:
	sl_tx_rollback(s);
unslot:
	if (slot_written)
		unlink(slot);
out:
	free(img);
	sl_sign_free(key);
	sl_secrets_free(sec);
	return rc;
}

sl_rc sl_user_add(sl_store *s, const char *id, sl_role role, const char *agency,
                  const char *zone, const char *name, const char *pass,
                  size_t plen)
{
	int tries = 0;
	sl_rc rc;
	do
		rc = user_add_once(s, id, role, agency, zone, name, pass, plen);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}

/* The open cases whose team id sits on. */
static json_t *teams_of(sl_store *s, const char *id)
{
	json_t *a = json_array();
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT c.case_id FROM assignments a JOIN cases c"
	        " ON c.id = a.case_ref WHERE a.user_id = ? AND"
	        " c.state IN ('accepted', 'in_review',"
	        " 'returned', 'deliberated') ORDER BY c.case_id",
	        -1, &st, 0) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
			    a, json_string(
			           (const char *)sqlite3_column_text(st, 0)));
	}
	sqlite3_finalize(st);
	return a;
}

sl_rc sl_user_disable(sl_store *s, const char *id, json_t **cases)
{
	if (cases)
		*cases = NULL;
	sl_rc rc = sl_guard(s, SL_ACT_USER_DISABLE, id);
	if (rc)
		return rc;
	if (!sl_user_id_valid(id))
		return sl_error(SL_EINPUT, _("invalid user id '%s'"), id);
	if (strcmp(id, s->actor.id) == 0)
		return sl_error(SL_EINPUT, _("you cannot disable yourself"));
	char slot[PATH_MAX];
	if ((rc = sl_store_slot_path(s->path, id, slot, sizeof slot)))
		return rc;
	if ((rc = sl_tx_begin(s)))
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db,
	                       "UPDATE users SET disabled = 1 WHERE id = ? AND "
	                       "disabled = 0",
	                       -1, &st, 0)) {
		rc = sl_db_err(s, _("disabling user"));
		goto fail;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		rc = sl_db_err(s, _("disabling user"));
		goto fail;
	}
	if (sqlite3_changes(s->db) != 1) {
		rc = sl_error(SL_EINPUT, _("no enabled user '%s'"), id);
		goto fail;
	}
	if ((rc = sl_audit(s, "user.disable", id, NULL)) ||
	    (rc = sl_tx_commit(s)))
		goto fail;
	/* The row says disabled, which unlock enforces; removing the slot also
	 * takes away the wrapped data key. A crash before this line leaves a
	 * slot that no longer opens anything. */
	if (sl_file_shred(slot) != SL_OK)
		fprintf(stderr, _("warning: %s could not be removed: %s\n"),
		        slot, sl_errmsg());
	if (cases)
		*cases = teams_of(s, id);
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

/* What the one-time enrolment key signs: the store, the user and the
 * user's own new public key. replay.c checks it against user.add's key. */
size_t sl_enrol_message(const uint8_t store_id[16], const char *user,
                        const uint8_t pub[SL_ED25519_PUB_LEN], uint8_t out[128])
{
	static const char dom[] = "shenli.enrol.v1";
	size_t n = strlen(user), o = 0;
	memcpy(out, dom, sizeof dom);
	o += sizeof dom;
	memcpy(out + o, store_id, 16);
	o += 16;
	out[o++] = (uint8_t)n;
	memcpy(out + o, user, n);
	o += n;
	memcpy(out + o, pub, SL_ED25519_PUB_LEN);
	return o + SL_ED25519_PUB_LEN;
}

/* A pending user's first passphrase change: a fresh signing key of their
 * own, vouched for by the one-time key their first slot holds, and the
 * enrolment entry signed with the new key. */
static sl_rc enrol_entry(sl_store *s, sl_secrets *nsec, const uint8_t h[32])
{
	uint8_t pub[32], msg[128], esig[SL_ED25519_SIG_LEN];
	char hpub[65], hslot[65], hsig[2 * SL_ED25519_SIG_LEN + 1];
	sl_signkey *nk = sl_sign_from_seed(nsec->sign_seed);
	if (!nk)
		return sl_error(SL_ESYS, _("cannot create signing key"));
	sl_rc rc = sl_sign_pub(nk, pub);
	size_t n = sl_enrol_message(s->store_id, s->actor.id, pub, msg);
	if (!rc)
		rc = sl_sign(s->signkey, msg, n, esig); /* the one-time key */
	if (rc) {
		sl_sign_free(nk);
		return rc;
	}
	sl_hex(pub, 32, hpub);
	sl_hex(h, 32, hslot);
	sl_hex(esig, sizeof esig, hsig);
	json_t *d = json_pack("{s:s, s:s, s:s}", "pubkey", hpub, "slot", hslot,
	                      "enrol_sig", hsig);
	rc = sl_audit(s, "user.enrol", s->actor.id, d);
	json_decref(d);
	if (rc) {
		sl_sign_free(nk);
		return rc;
	}
	/* the transaction is signed with the user's own new key */
	sl_sign_free(s->signkey);
	s->signkey = nk;
	return SL_OK;
}

sl_rc sl_user_passwd(sl_store *s, const char *newpass, size_t plen)
{
	int enrol = s->unenrolled;
	sl_rc rc = enrol ? SL_OK : sl_guard(s, SL_ACT_USER_PASSWD, s->actor.id);
	if (rc)
		return rc;
	if ((rc = sl_passphrase_acceptable(newpass, plen)))
		return rc;
	char slot[PATH_MAX], newp[PATH_MAX + 8];
	if ((rc = sl_store_slot_path(s->path, s->actor.id, slot, sizeof slot)))
		return rc;
	snprintf(newp, sizeof newp, "%s.new", slot);
	char *img = NULL;
	size_t imglen = 0;
	uint8_t h[32];
	sl_secrets *nsec = sl_secrets_new();
	if (!nsec)
		return sl_error(SL_ESYS, _("out of memory"));
	memcpy(nsec->data_key, s->sec->data_key, SL_KEY_LEN);
	if (enrol)
		rc = sl_random_key(nsec->sign_seed, SL_ED25519_SEED_LEN);
	else
		memcpy(nsec->sign_seed, s->sec->sign_seed, SL_ED25519_SEED_LEN);
	if (rc ||
	    (rc = sl_keyslot_seal(s->actor.id, newpass, plen, nsec, NULL, &img,
	                          &imglen)) ||
	    (rc = sl_sha256(img, imglen, h)))
		goto out;
	/* New slot beside the old one; the commit records its hash; then the
	 * rename. A crash after the commit is finished at the next unlock
	 * (store.c: sl_store_open). */
	if ((rc = sl_file_write_new(newp, img, imglen, 0600)))
		goto out;
	if ((rc = sl_tx_begin(s)))
		goto unnew;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db,
	                       enrol ? "UPDATE users SET slot_sha256 = ?1,"
	                               " pubkey = ?3 WHERE id = ?2"
	                             : "UPDATE users SET slot_sha256 = ?1"
	                               " WHERE id = ?2",
	                       -1, &st, 0)) {
		rc = sl_db_err(s, _("changing passphrase"));
		goto rollback;
	}
	uint8_t pub[32];
	sl_signkey *nk = enrol ? sl_sign_from_seed(nsec->sign_seed) : NULL;
	if (enrol && (!nk || sl_sign_pub(nk, pub) != SL_OK)) {
		sl_sign_free(nk);
		sqlite3_finalize(st);
		rc = sl_error(SL_ESYS, _("cannot create signing key"));
		goto rollback;
	}
	sl_sign_free(nk);
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->actor.id, -1, SQLITE_STATIC);
	if (enrol)
		sqlite3_bind_blob(st, 3, pub, sizeof pub, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		rc = sl_db_err(s, _("changing passphrase"));
		goto rollback;
	}
	if (enrol) {
		rc = enrol_entry(s, nsec, h);
	} else {
		char hslot[65];
		sl_hex(h, sizeof h, hslot);
		json_t *d = json_pack("{s:s}", "slot", hslot);
		rc = sl_audit(s, "user.passwd", s->actor.id, d);
		json_decref(d);
	}
	if (rc || (rc = sl_tx_commit(s)))
		goto rollback;
	if (enrol) {
		/* from now on this process is the enrolled user */
		memcpy(s->sec->sign_seed, nsec->sign_seed, SL_ED25519_SEED_LEN);
		s->unenrolled = 0;
	}
	rc = sl_file_commit_rename(newp, slot);
	if (rc)
		sl_error(rc,
		         _("the new passphrase is recorded but its key slot "
		           "could not be put in place (%s); it will be on the "
		           "next unlock with the new passphrase"),
		         sl_errmsg());
	goto out;
rollback:
	sl_tx_rollback(s);
	if (enrol) { /* back to the one-time key */
		sl_sign_free(s->signkey);
		s->signkey = sl_sign_from_seed(s->sec->sign_seed);
	}
unnew:
	unlink(newp);
out:
	free(img);
	sl_secrets_free(nsec);
	return rc;
}

sl_rc sl_user_enrol(const char *path, const char *user, const char *first,
                    size_t flen, const char *pass, size_t plen)
{
	sl_store *s;
	sl_rc rc = sl_store_open(path, user, first, flen, SL_OPEN_ENROL, &s);
	if (rc)
		return rc;
	rc = sl_store_pending(s)
	         ? sl_user_passwd(s, pass, plen)
	         : sl_error(SL_EINPUT,
	                    _("'%s' has already chosen their own "
	                      "passphrase"),
	                    user);
	sl_store_close(s);
	return rc;
}

sl_rc sl_user_list(sl_store *s, int (*cb)(const sl_user_info *u, void *ud),
                   void *ud)
{
	sl_rc rc = sl_guard(s, SL_ACT_USER_LIST, "users");
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT id, role, agency, zone, disabled, pubkey, name "
	        "FROM users ORDER BY id",
	        -1, &st, 0))
		return sl_db_err(s, _("reading users"));
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		sl_user_info u = {0};
		const char *t;
		snprintf(u.id, sizeof u.id, "%s", sqlite3_column_text(st, 0));
		u.role =
		    sl_role_parse((const char *)sqlite3_column_text(st, 1));
		if ((t = (const char *)sqlite3_column_text(st, 2)))
			snprintf(u.agency, sizeof u.agency, "%s", t);
		if ((t = (const char *)sqlite3_column_text(st, 3)))
			snprintf(u.zone, sizeof u.zone, "%s", t);
		u.disabled = sqlite3_column_int(st, 4);
		u.enrolled = sqlite3_column_bytes(st, 5) == 32;
		if ((t = (const char *)sqlite3_column_text(st, 6)))
			snprintf(u.name, sizeof u.name, "%s", t);
		if (u.enrolled) {
			uint8_t h[32];
			sl_sha256(sqlite3_column_blob(st, 5), 32, h);
			sl_hex(h, 8, u.fingerprint);
		}
		if (cb(&u, ud))
			break;
	}
	rc = step == SQLITE_ROW || step == SQLITE_DONE
	         ? SL_OK
	         : sl_db_err(s, _("reading users"));
	sqlite3_finalize(st);
	return rc;
}
