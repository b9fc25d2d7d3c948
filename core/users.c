/* users.c - user management. See users.h. */
#include "users.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "canon.h"
#include "db.h"
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
	if (sl_db_prepare(s, "SELECT 1 FROM users WHERE id = ?", &st))
		return sl_db_err(s, _("reading users"));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sl_db_err(s, _("reading users"));
	*exists = rc == SQLITE_ROW;
	return SL_OK;
}

/* What user add refuses before it reads anything: the role table, then
 * the request's values. */
static sl_rc add_invalid(sl_store *s, const sl_user_req *rq)
{
	sl_rc rc = sl_guard(s, SL_ACT_USER_ADD, rq->id);
	if (rc)
		return rc;
	if (!sl_user_id_valid(rq->id))
		return sl_error(
		    SL_EINPUT,
		    _("invalid user id '%s': use 1-32 of a-z, 0-9, '.', "
		      "'_', '-', starting with a letter or digit"),
		    rq->id);
	if (!sl_role_name(rq->role) || !strcmp(sl_role_name(rq->role), "?"))
		return sl_error(SL_EINPUT, _("unknown role"));
	if (rq->agency && !sl_code_valid(rq->agency))
		return sl_error(SL_EINPUT, _("invalid agency code '%s'"),
		                rq->agency);
	if (rq->zone && !sl_code_valid(rq->zone))
		return sl_error(SL_EINPUT, _("invalid zone code '%s'"),
		                rq->zone);
	if (rq->name && !sl_person_name_valid(rq->name))
		return sl_error(SL_EINPUT,
		                _("invalid name: 1-%d bytes of UTF-8 text "
		                  "without control characters"),
		                SL_PERSON_NAME_MAX);
	return sl_passphrase_acceptable(rq->pass, rq->plen);
}

/* What it refuses on what the store holds: the home agency decides
 * recusal, so it must be one we know, as must the zone; ids are never
 * reused. */
static sl_rc add_conflict(sl_store *s, const sl_user_req *rq)
{
	sl_rc rc;
	int found = 0;
	char azone[SL_CODE_MAX + 1];
	if (rq->agency &&
	    ((rc = sl_agency_zone(s, rq->agency, &found, azone)) || !found))
		return rc ? rc
		          : sl_error(SL_EINPUT,
		                     _("no agency '%s' (add it first)"),
		                     rq->agency);
	if (rq->zone && ((rc = sl_zone_exists(s, rq->zone, &found)) || !found))
		return rc ? rc
		          : sl_error(SL_EINPUT,
		                     _("no zone '%s' (add it first)"),
		                     rq->zone);
	int exists = 0;
	if ((rc = user_exists(s, rq->id, &exists)))
		return rc;
	if (exists)
		return sl_error(
		    SL_EINPUT,
		    _("user '%s' already exists (ids are never reused)"),
		    rq->id);
	return SL_OK;
}

/* The new user's first key slot (*img, malloc'ed) and the public half of
 * its one-time enrolment key. The admin chose this passphrase, so
 * whatever it opens the admin could use: it must never open a key that
 * signs as the user. So it holds the store's data key and a one-time
 * key; the user's own key is made when they choose their own passphrase
 * (sl_user_passwd), signed over by the one-time key. */
static sl_rc first_slot(sl_store *s, const sl_user_req *rq, char **img,
                        size_t *imglen, uint8_t pub[32])
{
	sl_secrets *sec = sl_secrets_new();
	sl_signkey *key = NULL;
	sl_rc rc;
	if (!sec)
		return sl_error(SL_ESYS, _("out of memory"));
	memcpy(sec->data_key, s->sec->data_key, SL_KEY_LEN);
	if ((rc = sl_random_key(sec->sign_seed, SL_ED25519_SEED_LEN)))
		goto out;
	key = sl_sign_from_seed(sec->sign_seed);
	if (!key) {
		rc = sl_error(SL_ESYS, _("cannot create signing key"));
		goto out;
	}
	if (!(rc = sl_sign_pub(key, pub)))
		rc = sl_keyslot_seal(rq->id, rq->pass, rq->plen, sec, NULL, img,
		                     imglen);
out:
	sl_sign_free(key);
	sl_secrets_free(sec);
	return rc;
}

/* The users row and its user.add entry, in the open transaction. */
static sl_rc add_row(sl_store *s, const sl_user_req *rq, const uint8_t pub[32],
                     const uint8_t slot_hash[32])
{
	const char *role = sl_role_name(rq->role);
	sqlite3_stmt *st;
	if (sl_db_prepare(
	        s,
	        "INSERT INTO users(id, role, agency, zone, name, enrol_pub,"
	        " slot_sha256, created_seq) VALUES(?,?,?,?,?,?,?,?)",
	        &st))
		return sl_db_err(s, _("adding user"));
	sqlite3_bind_text(st, 1, rq->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rq->agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, rq->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, rq->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, pub, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, slot_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, s->head_seq + 1);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("adding user"));
	char hpub[65], hslot[65];
	sl_hex(pub, 32, hpub);
	sl_hex(slot_hash, 32, hslot);
	json_t *d =
	    json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "user", rq->id,
	              "role", role, "enrol_pub", hpub, "slot", hslot, "agency",
	              rq->agency, "zone", rq->zone, "name", rq->name);
	sl_rc rc = sl_audit(s, "user.add", rq->id, d);
	json_decref(d);
	return rc;
}

static sl_rc user_add_once(sl_store *s, const sl_user_req *rq)
{
	sl_rc rc = sl_tx_snapshot(s);
	if (rc || (rc = add_invalid(s, rq)))
		return rc;
	char slot[PATH_MAX];
	if ((rc = sl_store_slot_path(s->path, rq->id, slot, sizeof slot)) ||
	    (rc = add_conflict(s, rq)))
		return rc;
	char *img = NULL;
	size_t imglen = 0;
	uint8_t pub[32], slot_hash[32];
	if ((rc = first_slot(s, rq, &img, &imglen, pub)) ||
	    (rc = sl_sha256(img, imglen, slot_hash)) ||
	    (rc = sl_tx_begin_unchanged(s))) {
		free(img);
		return rc;
	}
	if ((rc = add_row(s, rq, pub, slot_hash)))
		goto rollback;
	/* Slot first, then commit: a crash between leaves a slot with no user
	 * row, which authenticates nobody, and the id stays free to add. */
	if ((rc = sl_file_write_atomic(slot, img, imglen, 0600)))
		goto rollback;
	if ((rc = sl_tx_commit(s)))
		unlink(slot);
	free(img);
	return rc;
rollback:
	sl_tx_rollback(s);
	free(img);
	return rc;
}

sl_rc sl_user_create(sl_store *s, const sl_user_req *rq, sl_user_info *out)
{
	int tries = 0;
	sl_rc rc;
	do
		rc = user_add_once(s, rq);
	while (sl_tx_retry(s, rc, &tries));
	if (!rc && out) {
		/* as user list reads it back: added, not yet enrolled */
		memset(out, 0, sizeof *out);
		snprintf(out->id, sizeof out->id, "%s", rq->id);
		out->role = rq->role;
		snprintf(out->agency, sizeof out->agency, "%s",
		         rq->agency ? rq->agency : "");
		snprintf(out->zone, sizeof out->zone, "%s",
		         rq->zone ? rq->zone : "");
		snprintf(out->name, sizeof out->name, "%s",
		         rq->name ? rq->name : "");
	}
	return rc;
}

sl_rc sl_user_add(sl_store *s, const char *id, sl_role role, const char *agency,
                  const char *zone, const char *name, const char *pass,
                  size_t plen)
{
	sl_user_req rq = {id, role, name, agency, zone, pass, plen};
	return sl_user_create(s, &rq, NULL);
}

/* The open cases whose team id sits on, into out (best effort: a read
 * that fails leaves what it had, as the disable itself is done). */
static void teams_of(sl_store *s, const char *id, sl_user_disable_res *out)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	if (sl_db_prepare(s,
	                  "SELECT c.case_id FROM assignments a JOIN cases c"
	                  " ON c.id = a.case_ref WHERE a.user_id = ? AND"
	                  " c.state IN ('accepted', 'in_review',"
	                  " 'returned', 'deliberated') ORDER BY c.case_id",
	                  &st) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (out->n_open_cases == cap) {
				size_t nc = cap ? 2 * cap : 8;
				char **nv =
				    realloc(out->open_cases, nc * sizeof *nv);
				if (!nv)
					break;
				out->open_cases = nv;
				cap = nc;
			}
			char *c =
			    strdup((const char *)sqlite3_column_text(st, 0));
			if (!c)
				break;
			out->open_cases[out->n_open_cases++] = c;
		}
	}
	sqlite3_finalize(st);
}

void sl_user_disable_res_free(sl_user_disable_res *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_open_cases; i++)
		free(r->open_cases[i]);
	free(r->open_cases);
	r->open_cases = NULL;
	r->n_open_cases = 0;
}

/* Every file that may hold the user's wrapped data key: the slot, the
 * one a passphrase change writes beside it (SLOT.new, left by a crash
 * between its commit and its rename, under the passphrase the user has
 * now), and user add's temporary (SLOT.tmp); each shred also wipes its
 * own leftover (NAME.shred). The row says disabled, which unlock
 * enforces; removing the slots also takes away the data key. SLOT.new
 * goes before SLOT: a passwd that committed before this disable renames
 * SLOT.new to SLOT after its commit, and that rename either finds
 * SLOT.new gone or lands before SLOT is shredded. A crash before this
 * leaves slots that no longer open anything. */
static void shred_slots(const char *slot)
{
	static const char *const suffix[] = {".new", ".tmp", ""};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char path[PATH_MAX + 8];
		snprintf(path, sizeof path, "%s%s", slot, suffix[i]);
		if (sl_file_shred(path) != SL_OK)
			fprintf(stderr,
			        _("warning: %s could not be removed: %s\n"),
			        path, sl_errmsg());
	}
}

sl_rc sl_user_disable(sl_store *s, const char *id, sl_user_disable_res *out)
{
	if (out)
		*out = (sl_user_disable_res){0};
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
	if (sl_db_prepare(s,
	                  "UPDATE users SET disabled = 1 WHERE id = ? AND "
	                  "disabled = 0",
	                  &st)) {
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
	if (sl_db_changes(s) != 1) {
		rc = sl_error(SL_EINPUT, _("no enabled user '%s'"), id);
		goto fail;
	}
	if ((rc = sl_audit(s, "user.disable", id, NULL)) ||
	    (rc = sl_tx_commit(s)))
		goto fail;
	shred_slots(slot);
	if (out)
		teams_of(s, id, out);
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

/* What the one-time enrolment key signs: the store, the user and the
 * user's own new public key. replay.c checks it against user.add's key. */
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

/* The users row moved to the new slot h (and, enrolling, to the user's
 * own public key), in the open transaction. */
static sl_rc passwd_row(sl_store *s, int enrol, const sl_secrets *nsec,
                        const uint8_t h[32])
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  /* only while the slot this process unwrapped
	                   * is still the user's, and the user active (and
	                   * pending, to enrol): another passwd or a
	                   * disable may have committed since the unlock */
	                  enrol ? "UPDATE users SET slot_sha256 = ?1,"
	                          " pubkey = ?3 WHERE id = ?2 AND"
	                          " slot_sha256 = ?4 AND disabled = 0 AND"
	                          " pubkey IS NULL"
	                        : "UPDATE users SET slot_sha256 = ?1"
	                          " WHERE id = ?2 AND slot_sha256 = ?4 AND"
	                          " disabled = 0",
	                  &st))
		return sl_db_err(s, _("changing passphrase"));
	uint8_t pub[32];
	sl_signkey *nk = enrol ? sl_sign_from_seed(nsec->sign_seed) : NULL;
	if (enrol && (!nk || sl_sign_pub(nk, pub) != SL_OK)) {
		sl_sign_free(nk);
		sqlite3_finalize(st);
		return sl_error(SL_ESYS, _("cannot create signing key"));
	}
	sl_sign_free(nk);
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->actor.id, -1, SQLITE_STATIC);
	if (enrol)
		sqlite3_bind_blob(st, 3, pub, sizeof pub, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, s->slot_hash, sizeof s->slot_hash,
	                  SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("changing passphrase"));
	if (sqlite3_changes(s->db) != 1)
		return sl_error(SL_EAUTH,
		                _("'%s': your key slot was replaced, or your "
		                  "account disabled, by another command while "
		                  "this one ran; nothing was changed"),
		                s->actor.id);
	return SL_OK;
}

/* The row and the entry (user.enrol or user.passwd) committed. */
static sl_rc passwd_commit(sl_store *s, int enrol, sl_secrets *nsec,
                           const uint8_t h[32])
{
	sl_rc rc = passwd_row(s, enrol, nsec, h);
	if (!rc && enrol) {
		rc = enrol_entry(s, nsec, h);
	} else if (!rc) {
		char hslot[65];
		sl_hex(h, 32, hslot);
		json_t *d = json_pack("{s:s}", "slot", hslot);
		rc = sl_audit(s, "user.passwd", s->actor.id, d);
		json_decref(d);
	}
	return rc ? rc : sl_tx_commit(s);
}

/* The new slot sealed under newpass into *img: the data key, and the
 * user's signing seed (a fresh one, enrolling). */
static sl_rc passwd_seal(sl_store *s, int enrol, const char *newpass,
                         size_t plen, sl_secrets *nsec, char **img,
                         size_t *imglen, uint8_t h[32])
{
	sl_rc rc = SL_OK;
	memcpy(nsec->data_key, s->sec->data_key, SL_KEY_LEN);
	if (enrol)
		rc = sl_random_key(nsec->sign_seed, SL_ED25519_SEED_LEN);
	else
		memcpy(nsec->sign_seed, s->sec->sign_seed, SL_ED25519_SEED_LEN);
	if (rc || (rc = sl_keyslot_seal(s->actor.id, newpass, plen, nsec, NULL,
	                                img, imglen)))
		return rc;
	return sl_sha256(*img, *imglen, h);
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
	if ((rc = passwd_seal(s, enrol, newpass, plen, nsec, &img, &imglen, h)))
		goto out;
	/* New slot beside the old one; the commit records its hash; then the
	 * rename. A crash after the commit is finished at the next unlock
	 * (store.c: sl_store_open). */
	if ((rc = sl_file_write_new(newp, img, imglen, 0600)))
		goto out;
	if ((rc = sl_tx_begin(s)))
		goto unnew;
	if ((rc = passwd_commit(s, enrol, nsec, h)))
		goto rollback;
	memcpy(s->slot_hash, h, sizeof h); /* the slot is this one now */
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

/* Whether pass opens the slot this process unwrapped (at SLOT, or at
 * SLOT.new if a change a crash cut short is not yet renamed): then it is
 * the passphrase the user has now; at enrolment, the one an admin chose.
 * One scrypt more, once per change. */
static int same_passphrase(sl_store *s, const char *pass, size_t plen)
{
	char slot[PATH_MAX], newp[PATH_MAX + 8];
	if (sl_store_slot_path(s->path, s->actor.id, slot, sizeof slot)) {
		sl_errclear();
		return 0;
	}
	snprintf(newp, sizeof newp, "%s.new", slot);
	const char *paths[] = {slot, newp};
	int same = 0;
	for (size_t i = 0; i < 2 && !same; i++) {
		char *img = NULL;
		size_t len = 0;
		uint8_t h[32];
		if (sl_file_read(paths[i], SL_SLOT_MAX_BYTES, &img, &len) !=
		        SL_OK ||
		    sl_sha256(img, len, h) != SL_OK ||
		    sl_memeq_ct(h, s->slot_hash, sizeof h) != 0) {
			free(img);
			continue;
		}
		sl_secrets *tmp = sl_secrets_new();
		same = tmp && sl_keyslot_open(s->actor.id, pass, plen, img, len,
		                              tmp) == SL_OK;
		sl_secrets_free(tmp);
		free(img);
	}
	/* a slot not found or not opened says nothing about the passphrase:
	 * the commit's own check on the slot hash still stands */
	sl_errclear();
	return same;
}

sl_rc sl_user_set_passphrase(sl_store *s, const char *pass, size_t plen,
                             sl_passwd_res *out)
{
	int enrol = s->unenrolled;
	/* the same passphrase again: later, a change that changes nothing;
	 * enrolling, the admin's choice kept, which the admin knows and could
	 * act with as the user: both refused, nothing written */
	if (same_passphrase(s, pass, plen))
		return sl_error(
		    SL_EINPUT, "%s",
		    enrol ? _("the new passphrase is the one the admin chose "
		              "at 'user add', which the admin knows: choose "
		              "your own; nothing was changed")
		          : _("the new passphrase is the same as the current "
		              "one: choose a different one; nothing was "
		              "changed"));
	sl_rc rc = sl_user_passwd(s, pass, plen);
	if (out) {
		memset(out, 0, sizeof *out);
		snprintf(out->user, sizeof out->user, "%s", s->actor.id);
		out->enrolled = !rc && enrol;
	}
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
	if (sl_db_prepare(
	        s,
	        "SELECT id, role, agency, zone, disabled, pubkey, name "
	        "FROM users ORDER BY id",
	        &st))
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
