/* caserows.c - a dossier's bytes and rows in the store. See caserows.h. */
#define _GNU_SOURCE
#include "caserows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "canon.h"
#include "db.h"

enum { Q_EXISTING, Q_CASE, Q_PRIOR, Q_FACT, Q_EV, Q_DOC, Q_DOSSIER, Q__COUNT };

static const char *const rows_sql[Q__COUNT] = {
    [Q_EXISTING] = "SELECT id, state, agency, zone FROM cases WHERE"
                   " case_id = ?",
    [Q_CASE] = "INSERT INTO cases(case_id, agency, zone, state, subject_name,"
               " person_id, party_member, public_official, position, rank,"
               " transferred_on, disciplines, eight_point, party_sanction,"
               " gov_sanction, form, circumstances, received_ms, accepted_ms,"
               " deadline_ms, intake_reasons, limit_days) VALUES(?,?,?,?,?,?,"
               "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [Q_PRIOR] = "INSERT INTO prior_sanctions(case_ref, n, system, level,"
                " decided_on) VALUES(?,?,?,?,?)",
    [Q_FACT] = "INSERT INTO facts(case_ref, id, n, summary, violation,"
               " date_from, date_to, amount_yuan, evidence, money_use,"
               " in_kind) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
    [Q_EV] = "INSERT INTO evidence(case_ref, id, n, kind, title, obtained_on,"
             " source, tags) VALUES(?,?,?,?,?,?,?,?)",
    [Q_DOC] = "INSERT INTO documents(case_ref, n, kind, date) VALUES(?,?,?,?)",
    [Q_DOSSIER] = "INSERT INTO dossiers(case_ref, sha256, bytes)"
                  " VALUES(?,?,?)",
};

struct sl_rows_writer {
	sl_store *s;
	sqlite3_stmt *q[Q__COUNT];
};

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* A JSON array of strings as compact text; caller frees. */
static char *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

void sl_rows_free(sl_rows *p)
{
	if (!p->d)
		return;
	for (size_t i = 0; p->fact_ev && i < p->d->n_facts; i++)
		free(p->fact_ev[i]);
	for (size_t i = 0; p->ev_tags && i < p->d->n_evidence; i++)
		free(p->ev_tags[i]);
	free(p->fact_ev);
	free(p->ev_tags);
	free(p->disc);
	free(p->circ);
	sl_dossier_free(p->d);
	memset(p, 0, sizeof *p);
}

/* The digest of the rows store_children() and the cases row hold, in the
 * order replay.c reads them back (canon.h). */
static void rows_digest(const sl_rows *p, sl_hasher *h, char hex[65])
{
	const sl_dossier *d = p->d;
	const sl_proposal *q = &d->proposal;
	sl_canon c;
	uint8_t out[SL_SHA256_LEN];
	sl_canon_begin(&c, h, SL_CANON_CONTENT);
	sl_canon_case_header(
	    &c, d->subject.name, d->subject.person_id, d->subject.party_member,
	    d->subject.public_official, d->subject.position, d->subject.rank,
	    d->transferred_on, p->disc, q->eight_point_rules, q->party_sanction,
	    q->gov_sanction, q->form, p->circ);
	for (size_t i = 0; i < d->subject.n_prior; i++)
		sl_canon_prior(&c, (int64_t)i, d->subject.prior[i].system,
		               d->subject.prior[i].level,
		               d->subject.prior[i].decided_on);
	for (size_t i = 0; i < d->n_facts; i++) {
		const sl_fact *f = &d->facts[i];
		sl_canon_fact(&c, (int64_t)i, f->id, f->summary, f->violation,
		              f->from, f->to, f->has_amount, f->amount_yuan,
		              p->fact_ev[i], f->use, f->in_kind);
	}
	for (size_t i = 0; i < d->n_evidence; i++) {
		const sl_evidence *e = &d->evidence[i];
		sl_canon_evidence(&c, (int64_t)i, e->id, e->kind, e->title,
		                  e->obtained_on, e->source, p->ev_tags[i]);
	}
	for (size_t i = 0; i < d->n_documents; i++)
		sl_canon_document(&c, (int64_t)i, d->documents[i].kind,
		                  d->documents[i].date);
	sl_canon_end(&c, out);
	sl_hex(out, sizeof out, hex);
}

/* Takes d. */
sl_rc sl_rows_prepare(sl_rows *p, sl_dossier *d, const char *buf, size_t len,
                      sl_hasher *h)
{
	memset(p, 0, sizeof *p);
	p->d = d;
	sl_sha256(buf, len, p->sha);
	sl_hex(p->sha, 32, p->hex);
	p->disc = str_array(d->proposal.disciplines, d->proposal.n_disciplines);
	p->circ =
	    str_array(d->proposal.circumstances, d->proposal.n_circumstances);
	p->fact_ev = calloc(d->n_facts + 1, sizeof *p->fact_ev);
	p->ev_tags = calloc(d->n_evidence + 1, sizeof *p->ev_tags);
	int ok = p->disc && p->circ && p->fact_ev && p->ev_tags;
	for (size_t i = 0; ok && i < d->n_facts; i++)
		ok =
		    (p->fact_ev[i] = str_array(d->facts[i].evidence,
		                               d->facts[i].n_evidence)) != NULL;
	for (size_t i = 0; ok && i < d->n_evidence; i++)
		ok = (p->ev_tags[i] = str_array(d->evidence[i].tags,
		                                d->evidence[i].n_tags)) != NULL;
	if (!ok) {
		sl_rows_free(p);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	rows_digest(p, h, p->content);
	return SL_OK;
}

/* Remove an earlier deferred/refused transfer of the same case (whole:
 * also the cases row), or only a case's dossier rows (for resubmission). */
sl_rc sl_rows_forget(sl_store *s, int64_t ref, int whole)
{
	static const char *const tables[] = {
	    "prior_sanctions", "facts", "evidence", "documents", "dossiers"};
	const size_t n = sizeof tables / sizeof tables[0];
	char sql[128];
	for (size_t i = 0; i < n + (whole ? 1 : 0); i++) {
		sqlite3_stmt *st;
		if (i < n)
			snprintf(sql, sizeof sql,
			         "DELETE FROM %s WHERE case_ref = ?",
			         tables[i]);
		else
			snprintf(sql, sizeof sql,
			         "DELETE FROM cases WHERE id = ?");
		if (sl_db_prepare(s, sql, &st))
			return sl_db_err(s, _("replacing a case"));
		sqlite3_bind_int64(st, 1, ref);
		int ok = step_done(st);
		sqlite3_finalize(st);
		if (!ok)
			return sl_db_err(s, _("replacing a case"));
	}
	return SL_OK;
}

/* The dossier's bytes and its normalised rows (everything but the cases
 * row itself). */
static sl_rc store_children(sl_store *s, sqlite3_stmt *const *q, int64_t ref,
                            const sl_rows *pp, const char *buf, size_t len)
{
	const sl_dossier *d = pp->d;
	sqlite3_stmt *st = q[Q_DOSSIER];
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_blob(st, 2, pp->sha, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, buf, (int)len, SQLITE_STATIC);
	if (!step_done(st))
		return sl_db_err(s, _("storing a case"));
	for (size_t i = 0; i < d->subject.n_prior; i++) {
		const sl_prior_sanction *ps = &d->subject.prior[i];
		st = q[Q_PRIOR];
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, ps->system, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, ps->level, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, ps->decided_on, -1, SQLITE_STATIC);
		if (!step_done(st))
			return sl_db_err(s, _("storing a case"));
	}
	for (size_t i = 0; i < d->n_facts; i++) {
		const sl_fact *f = &d->facts[i];
		st = q[Q_FACT];
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_text(st, 2, f->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)i);
		sqlite3_bind_text(st, 4, f->summary, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, f->violation, -1, SQLITE_STATIC);
		bind_opt(st, 6, f->from);
		bind_opt(st, 7, f->to);
		if (f->has_amount)
			sqlite3_bind_double(st, 8, f->amount_yuan);
		sqlite3_bind_text(st, 9, pp->fact_ev[i], -1, SQLITE_STATIC);
		bind_opt(st, 10, f->use);
		sqlite3_bind_int(st, 11, f->in_kind != 0);
		if (!step_done(st))
			return sl_db_err(s, _("storing a case"));
	}
	for (size_t i = 0; i < d->n_evidence; i++) {
		const sl_evidence *e = &d->evidence[i];
		st = q[Q_EV];
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_text(st, 2, e->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)i);
		sqlite3_bind_text(st, 4, e->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, e->title, -1, SQLITE_STATIC);
		bind_opt(st, 6, e->obtained_on);
		bind_opt(st, 7, e->source);
		sqlite3_bind_text(st, 8, pp->ev_tags[i], -1, SQLITE_STATIC);
		if (!step_done(st))
			return sl_db_err(s, _("storing a case"));
	}
	for (size_t i = 0; i < d->n_documents; i++) {
		st = q[Q_DOC];
		sqlite3_bind_int64(st, 1, ref);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, d->documents[i].kind, -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(st, 4, d->documents[i].date, -1,
		                  SQLITE_STATIC);
		if (!step_done(st))
			return sl_db_err(s, _("storing a case"));
	}
	return SL_OK;
}

sl_rc sl_case_store_dossier(sl_store *s, int64_t ref, sl_dossier *d,
                            const char *buf, size_t len, char content[65])
{
	if (!sl_tx_active(s)) {
		sl_dossier_free(d);
		return sl_error(SL_ESYS,
		                _("internal: replacing a dossier outside "
		                  "a transaction"));
	}
	sl_hasher *h = sl_hasher_new();
	if (!h) {
		sl_dossier_free(d);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	sl_rows pp;
	sl_rc rc = sl_rows_prepare(&pp, d, buf, len, h);
	sl_hasher_free(h);
	if (rc)
		return rc;
	sqlite3_stmt *q[Q__COUNT] = {0}, *up = NULL;
	for (int i = Q_PRIOR; !rc && i <= Q_DOSSIER; i++)
		if (sl_db_prepare(s, rows_sql[i], &q[i]))
			rc = sl_db_err(s, _("preparing a resubmission"));
	if (!rc && sl_db_prepare(
	               s,
	               "UPDATE cases SET subject_name = ?, person_id = ?,"
	               " party_member = ?, public_official = ?, position = ?,"
	               " rank = ?, transferred_on = ?, disciplines = ?,"
	               " eight_point = ?, party_sanction = ?, gov_sanction = ?,"
	               " form = ?, circumstances = ?, rev = rev + 1"
	               " WHERE id = ?",
	               &up))
		rc = sl_db_err(s, _("preparing a resubmission"));
	if (!rc) {
		const sl_proposal *p = &d->proposal;
		sqlite3_bind_text(up, 1, d->subject.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 2, d->subject.person_id, -1,
		                  SQLITE_STATIC);
		sqlite3_bind_int(up, 3, d->subject.party_member);
		sqlite3_bind_int(up, 4, d->subject.public_official);
		bind_opt(up, 5, d->subject.position);
		bind_opt(up, 6, d->subject.rank);
		sqlite3_bind_text(up, 7, d->transferred_on, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 8, pp.disc, -1, SQLITE_STATIC);
		sqlite3_bind_int(up, 9, p->eight_point_rules);
		bind_opt(up, 10, p->party_sanction);
		bind_opt(up, 11, p->gov_sanction);
		sqlite3_bind_int(up, 12, p->form);
		sqlite3_bind_text(up, 13, pp.circ, -1, SQLITE_STATIC);
		sqlite3_bind_int64(up, 14, ref);
		if (!step_done(up) || sl_db_changes(s) != 1)
			rc = sl_db_err(s, _("storing a resubmission"));
	}
	if (!rc)
		rc = sl_rows_forget(s, ref, 0);
	if (!rc)
		rc = store_children(s, q, ref, &pp, buf, len);
	if (!rc)
		memcpy(content, pp.content, sizeof pp.content);
	sqlite3_finalize(up);
	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(q[i]);
	sl_rows_free(&pp);
	return rc;
}

sl_rc sl_rows_insert(sl_rows_writer *w, const sl_rows *pp, const char *buf,
                     size_t len, const sl_rows_case *hc)
{
	sl_store *s = w->s;
	const sl_dossier *d = pp->d;
	const sl_proposal *p = &d->proposal;
	sqlite3_stmt *st = w->q[Q_CASE];
	sqlite3_bind_text(st, 1, d->case_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->agency, -1, SQLITE_STATIC);
	bind_opt(st, 3, hc->zone && *hc->zone ? hc->zone : NULL);
	sqlite3_bind_text(st, 4, sl_state_name(hc->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->subject.name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->subject.person_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, d->subject.party_member);
	sqlite3_bind_int(st, 8, d->subject.public_official);
	bind_opt(st, 9, d->subject.position);
	bind_opt(st, 10, d->subject.rank);
	sqlite3_bind_text(st, 11, d->transferred_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, pp->disc, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, p->eight_point_rules);
	bind_opt(st, 14, p->party_sanction);
	bind_opt(st, 15, p->gov_sanction);
	sqlite3_bind_int(st, 16, p->form);
	sqlite3_bind_text(st, 17, pp->circ, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 18, hc->received_ms);
	if (hc->accepted_ms) {
		sqlite3_bind_int64(st, 19, hc->accepted_ms);
		sqlite3_bind_int64(st, 20, hc->deadline_ms);
		sqlite3_bind_int(st, 22, hc->limit_days);
	}
	sqlite3_bind_text(st, 21, hc->reasons_json, -1, SQLITE_STATIC);
	if (!step_done(st))
		return sl_db_err(s, _("storing a case"));
	return store_children(s, w->q, sl_db_last_rowid(s), pp, buf, len);
}

sl_rc sl_rows_find(sl_rows_writer *w, const char *case_id, sl_rows_found *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = w->q[Q_EXISTING];
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *t;
		out->found = 1;
		out->ref = sqlite3_column_int64(st, 0);
		int sn =
		    sl_state_parse((const char *)sqlite3_column_text(st, 1));
		out->state = sn < 0 ? SL_ST__COUNT : (sl_state)sn;
		snprintf(out->agency, sizeof out->agency, "%s",
		         sqlite3_column_text(st, 2));
		if ((t = (const char *)sqlite3_column_text(st, 3)))
			snprintf(out->zone, sizeof out->zone, "%s", t);
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sl_db_err(w->s, _("reading cases"));
	return SL_OK;
}

sl_rc sl_rows_writer_new(sl_store *s, sl_rows_writer **out)
{
	*out = NULL;
	sl_rows_writer *w = calloc(1, sizeof *w);
	if (!w)
		return sl_error(SL_ESYS, _("out of memory"));
	w->s = s;
	for (int i = 0; i < Q__COUNT; i++)
		if (sl_db_prepare(s, rows_sql[i], &w->q[i])) {
			sl_rc rc = sl_db_err(s, _("preparing the import"));
			sl_rows_writer_free(w);
			return rc;
		}
	*out = w;
	return SL_OK;
}

void sl_rows_writer_free(sl_rows_writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(w->q[i]);
	free(w);
}
