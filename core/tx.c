/* tx.c - a transaction and the log entries it commits with it: begin
 * (the writer's turn first, turnstile.h, then immediate, so that two
 * writers queue rather than deadlock), the snapshot a read-then-write
 * command starts from, commit with the closing signature, rollback; and
 * replaying what a commit added, so that what this command trusts
 * includes what it just wrote. See store.h. */
#define SQLITE_HAS_CODEC 1
#include "store.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "registry.h"
#include "store_priv.h"
#include "turnstile.h"
#include "verify.h"

/* The writer's turn (turnstile.h), opened at the first write: a command
 * that only reads never opens or locks it. Kept while pinned. */
static sl_rc turn_take(sl_store *s)
{
	if (!s->turn) {
		sl_rc rc = sl_turnstile_open(s->path, &s->turn);
		if (rc)
			return rc;
	}
	return sl_turn_take(s->turn);
}

static void turn_give(sl_store *s)
{
	if (!s->turn_pinned)
		sl_turn_give(s->turn);
}

sl_rc sl_tx_begin_raw(sl_store *s)
{
	if (s->in_tx)
		return sl_error(SL_ESYS, _("internal: nested transaction"));
	sl_rc trc = turn_take(s);
	if (trc)
		return trc;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", 0, 0, 0);
	if (rc != SQLITE_OK) {
		trc = sl_db_err(s, _("starting a transaction"));
		turn_give(s);
		return trc;
	}
	s->in_tx = 1;
	s->tx_ms = s->next_tx_ms ? s->next_tx_ms : sl_now_ms();
	s->next_tx_ms = 0;
	return SL_OK;
}

/* Unlock found the acting user enabled, but an admin may have disabled
 * them since (while an import waited for its input, or two admins each
 * disabling the other). Replay refuses every entry a disabled user
 * wrote, so one such commit would fail every later unlock of everyone:
 * the user's row is read again under the turn and the write lock, where
 * no disable can come between it and the commit. One primary-key
 * lookup a transaction (an import's batch), not one a row. */
sl_rc sl_tx_actor_active(sl_store *s)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT disabled FROM users WHERE id = ?",
	                       -1, &st, 0) != SQLITE_OK)
		return sl_db_err(s, _("reading users"));
	sqlite3_bind_text(st, 1, s->actor.id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sl_rc rc = SL_OK;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sl_db_err(s, _("reading users"));
	else if (step != SQLITE_ROW || sqlite3_column_int(st, 0) != 0)
		rc = sl_error(SL_EAUTH,
		              _("authentication failed: '%s' was disabled by "
		                "another command while this one ran; nothing "
		                "was changed"),
		              s->actor.id);
	sqlite3_finalize(st);
	return rc;
}

sl_rc sl_tx_begin(sl_store *s)
{
	sl_rc rc = sl_tx_begin_raw(s);
	if (rc)
		return rc;
	if ((rc = sl_tx_actor_active(s)) || (rc = sl_audit_tx_begin(s)))
		sl_tx_rollback(s);
	s->tx_base = s->head_seq;
	return rc;
}

sl_rc sl_tx_snapshot(sl_store *s)
{
	uint8_t hash[SL_SHA256_LEN];
	s->changed = 0;
	s->snap_set = 0;
	sl_rc rc = sl_audit_head(s, &s->snap_seq, hash);
	s->snap_set = rc == SL_OK;
	return rc;
}

sl_rc sl_tx_begin_unchanged(sl_store *s)
{
	if (!s->snap_set)
		return sl_error(SL_ESYS, _("internal: no snapshot"));
	sl_rc rc = sl_tx_begin(s);
	if (rc || s->head_seq == s->snap_seq)
		return rc;
	/* Someone wrote after the snapshot. The turn is kept for the retry
	 * (sl_tx_retry), so that its read and write see no other writer in
	 * between: else a long import's next batch could land between them
	 * every time. */
	s->turn_pinned = 1;
	sl_tx_rollback(s);
	s->snap_set = 0;
	s->changed = 1;
	return sl_error(SL_ESYS,
	                _("the store changed while this command read it "
	                  "(another shenli wrote to it); nothing was changed, "
	                  "try again"));
}

int sl_tx_retry(sl_store *s, sl_rc rc, int *tries)
{
	int again = rc == SL_ESYS && s->changed && ++*tries < SL_TX_TRIES;
	s->changed = 0;
	s->snap_set = 0;
	if (!again) {
		s->turn_pinned = 0;
		if (!s->in_tx)
			turn_give(s);
	}
	return again;
}

static int committed_any;

int sl_tx_committed_any(void)
{
	return committed_any;
}

sl_rc sl_tx_commit(sl_store *s)
{
	if (!s->in_tx)
		return sl_error(SL_ESYS,
		                _("internal: commit without transaction"));
	sl_rc rc = sl_audit_tx_finish(s);
	if (rc) {
		sl_tx_rollback(s);
		return rc;
	}
	int r = sqlite3_exec(s->db, "COMMIT", 0, 0, 0);
	if (r != SQLITE_OK) {
		rc = sl_db_err(s, _("committing"));
		sl_tx_rollback(s);
		return rc;
	}
	s->in_tx = 0;
	committed_any = 1;
	turn_give(s); /* before the replay below: others may go on */
	/* our own commit does not make the snapshot stale */
	if (s->snap_set && s->tx_base == s->snap_seq)
		s->snap_seq = s->head_seq;
	int cases_only = s->tx_cases_only;
	sl_audit_tx_reset(s);
	/* Entries about cases change nothing this command trusts (no user,
	 * key, zone or package), and when the log was verified up to where
	 * this transaction began, the entries after it are only the ones
	 * this process just wrote under its own guard: the verified head
	 * moves to them without reading them back (a review run or an
	 * import batch of 100k entries re-read them all). The next unlock
	 * and audit verify check them like any other. */
	if (cases_only && s->reg && !s->unenrolled && !s->unverified &&
	    s->tx_base == s->ck_seq) {
		s->ck_seq = s->head_seq;
		memcpy(s->ck_hash, s->head_hash, SL_SHA256_LEN);
		return SL_OK;
	}
	/* What this command trusts from here on includes what it just wrote
	 * (a key trusted, a package installed): replay it. The commit stands
	 * either way; a log that fails here (someone else's entry in
	 * between) leaves the store unverified, and nothing more runs code. */
	if (s->reg && !s->unenrolled && !s->unverified) {
		char keep[1024];
		snprintf(keep, sizeof keep, "%s", sl_errmsg());
		sl_store_reverify(s);
		sl_error(SL_OK, "%s", keep);
	}
	return SL_OK;
}

void sl_tx_rollback(sl_store *s)
{
	if (!s->in_tx)
		return;
	sqlite3_exec(s->db, "ROLLBACK", 0, 0, 0);
	s->in_tx = 0;
	sl_audit_tx_reset(s);
	turn_give(s);
}

void sl_tx_yield(sl_store *s)
{
	if (s->turn && !s->in_tx && !s->turn_pinned)
		sl_turn_yield(s->turn);
}

sl_rc sl_store_reverify(sl_store *s)
{
	if (s->unverified || s->unenrolled || !s->reg)
		return sl_error(SL_EINTEGRITY,
		                _("the audit log did not verify at unlock"));
	sl_verified v = {s->ck_seq, {0}, s->reg};
	memcpy(v.hash, s->ck_hash, SL_SHA256_LEN);
	s->reg = NULL;
	sl_rc rc = sl_verify_open(s->db, s->store_id, &v, NULL);
	if (rc) {
		/* what was verified before stays true; the log past it is
		 * what failed */
		sl_registry_free(v.reg);
		s->unverified = 1;
		return rc;
	}
	s->reg = v.reg;
	s->ck_seq = v.seq;
	memcpy(s->ck_hash, v.hash, SL_SHA256_LEN);
	return SL_OK;
}
