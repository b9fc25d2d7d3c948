/* cases.c - intake, listing, assignment, the review clock. See cases.h. */
#define _GNU_SOURCE
#include "cases.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "canon.h"
#include "clock.h"
#include "crypto.h"
#include "org.h"
#include "guard.h"
#include "transition.h"
#include "text.h"
#include "users.h"

const char *sl_intake_name(sl_intake_decision d)
{
	return d == SL_INTAKE_ACCEPTED   ? "accepted"
	       : d == SL_INTAKE_DEFERRED ? "deferred"
	                                 : "refused";
}

/* ---- intake ---------------------------------------------------------- */

enum { Q_EXISTING, Q_CASE, Q_PRIOR, Q_FACT, Q_EV, Q_DOC, Q_DOSSIER, Q__COUNT };

static const char *const import_sql[Q__COUNT] = {
    [Q_EXISTING] = "SELECT id, state, agency, zone FROM cases WHERE"
                   " case_id = ?",
    [Q_CASE] = "INSERT INTO cases(case_id, agency, zone, state, subject_name,"
               " person_id, party_member, public_official, position, rank,"
               " transferred_on, disciplines, eight_point, party_sanction,"
               " gov_sanction, form, circumstances, received_ms, accepted_ms,"
               " deadline_ms, intake_reasons) VALUES(?,?,?,?,?,?,?,?,?,?,?,"
               "?,?,?,?,?,?,?,?,?,?)",
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

typedef struct {
	char code[SL_CODE_MAX + 1];
	char zone[SL_CODE_MAX + 1];
} agency_rec;

struct sl_importer {
	sl_store *s;
	sl_rules *rules;
	agency_rec *agencies; /* all of them, read once: there are dozens */
	size_t n_agencies;
	sl_dossier_limits lim;
	sqlite3_stmt *q[Q__COUNT];
	int in_tx;
	char case_id[128];
	int64_t now, deadline; /* the transaction's time; a new review limit */
	sl_hasher *sha;
};

sl_rc sl_import_begin(sl_store *s, sl_importer **out)
{
	*out = NULL;
	sl_rc rc = sl_guard(s, SL_ACT_CASE_IMPORT, "cases");
	if (rc)
		return rc;
	sl_importer *im = calloc(1, sizeof *im);
	if (!im)
		return sl_error(SL_ESYS, _("out of memory"));
	im->s = s;
	sl_dossier_default_limits(&im->lim);
	if (!(im->sha = sl_hasher_new())) {
		free(im);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	if ((rc = sl_rules_load(s, &im->rules))) {
		free(im);
		return rc;
	}
	for (int i = 0; i < Q__COUNT; i++)
		if (sqlite3_prepare_v2(sl_store_db(s), import_sql[i], -1,
		                       &im->q[i], 0)) {
			rc = sl_db_err(s, _("preparing the import"));
			sl_import_abort(im);
			return rc;
		}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT code, zone FROM agencies ORDER BY code",
	                       -1, &st, 0)) {
		rc = sl_db_err(s, _("reading agencies"));
		sl_import_abort(im);
		return rc;
	}
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (im->n_agencies == cap) {
			cap = cap ? 2 * cap : 64;
			agency_rec *na =
			    realloc(im->agencies, cap * sizeof *na);
			if (!na)
				break;
			im->agencies = na;
		}
		agency_rec *a = &im->agencies[im->n_agencies++];
		const char *z = (const char *)sqlite3_column_text(st, 1);
		snprintf(a->code, sizeof a->code, "%s",
		         sqlite3_column_text(st, 0));
		snprintf(a->zone, sizeof a->zone, "%s", z ? z : "");
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		rc = step == SQLITE_ROW ? sl_error(SL_ESYS, _("out of memory"))
		                        : sl_db_err(s, _("reading agencies"));
		sl_import_abort(im);
		return rc;
	}
	/* One import is one transaction: a larger page cache keeps its pages
	 * from being spilled to the log and rewritten (restored at the end). */
	sqlite3_exec(sl_store_db(s), "PRAGMA cache_size = -65536", 0, 0, 0);
	*out = im;
	return SL_OK;
}

static int cmp_agency(const void *k, const void *e)
{
	return strcmp(k, ((const agency_rec *)e)->code);
}

void sl_import_abort(sl_importer *im)
{
	if (!im)
		return;
	if (im->in_tx)
		sl_tx_rollback(im->s);
	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(im->q[i]);
	sqlite3_exec(sl_store_db(im->s), "PRAGMA cache_size = -2000", 0, 0, 0);
	sl_rules_free(im->rules);
	sl_hasher_free(im->sha);
	free(im->agencies);
	free(im);
}

sl_rc sl_import_finish(sl_importer *im)
{
	sl_rc rc = SL_OK;
	if (im->in_tx) {
		rc = sl_tx_commit(im->s);
		im->in_tx = 0;
	}
	sl_import_abort(im);
	return rc;
}

/* Add a reason and count it. The decision goes by the count, never by
 * whether the text made it into the list: a reason lost to a cut UTF-8
 * character or to memory must not turn a deferral into an acceptance
 * (found by fuzz_intake). Texts are cut on a character boundary. */
__attribute__((format(printf, 3, 4))) static void
reason(json_t *list, int *count, const char *fmt, ...)
{
	char buf[2048], safe[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sl_text_sanitize(buf, safe, sizeof safe);
	(*count)++;
	json_t *v = json_string(safe);
	if (!v || json_array_append_new(list, v) != 0)
		json_array_append_new(list,
		                      json_string("(intake reason lost)"));
}

static int has_doc(const sl_dossier *d, const char *kind)
{
	for (size_t i = 0; i < d->n_documents; i++)
		if (!strcmp(d->documents[i].kind, kind))
			return 1;
	return 0;
}

/* The formal check of intake. Refusal reasons first: if any, the case is
 * refused and the file is not examined further. */
static sl_intake_decision decide(const sl_importer *im, const sl_dossier *d,
                                 int agency_found, const char *agency_zone,
                                 const char *dup_state, int hidden,
                                 json_t *reasons)
{
	const sl_actor *who = sl_store_actor(im->s);
	const sl_rules *r = im->rules;
	int n = 0; /* reasons given */
	if (dup_state && hidden)
		reason(reasons, &n,
		       "案件编号 %s 已被占用 (case_id already in use)",
		       d->case_id);
	else if (dup_state)
		reason(reasons, &n,
		       "案件编号 %s 已在审理系统中，状态为 %s (duplicate "
		       "case_id)",
		       d->case_id, dup_state);
	if (!agency_found)
		reason(reasons, &n,
		       "移送单位 %s 未在本系统登记 (unknown agency)",
		       d->agency);
	else if (!*agency_zone)
		reason(reasons, &n,
		       "移送单位 %s 未划入任何片区 (agency in no zone)",
		       d->agency);
	else if (sl_policy_case(who, SL_ACT_CASE_IMPORT,
	                        &(sl_case_ref){d->case_id, d->agency,
	                                       agency_zone, 0}) ==
	         SL_DENY_ZONE)
		reason(
		    reasons, &n,
		    "移送单位 %s 属于片区 %s，不属本审理组（片区 %s）受理范围 "
		    "(outside this panel's zone)",
		    d->agency, agency_zone, who->zone);
	if (n)
		return SL_INTAKE_REFUSED;

	for (size_t i = 0; i < sl_rules_n_required_docs(r); i++) {
		const char *k = sl_rules_required_doc(r, i);
		if (!has_doc(d, k))
			reason(reasons, &n, "缺少%s (missing document: %s)",
			       sl_rules_doc_name(r, k), k);
	}
	int identity = sl_rules_n_identity_docs(r) == 0;
	for (size_t i = 0; i < sl_rules_n_identity_docs(r) && !identity; i++)
		identity = has_doc(d, sl_rules_identity_doc(r, i));
	if (!identity)
		reason(reasons, &n,
		       "缺少被审查调查人的身份材料（履历表、任免文件）"
		       "(missing identity documents)");
	for (size_t i = 0; i < d->n_facts; i++) {
		const sl_fact *f = &d->facts[i];
		for (size_t k = 0; k < f->n_evidence; k++)
			if (!sl_dossier_find_evidence(d, f->evidence[k]))
				reason(reasons, &n,
				       "事实 %s 引用的证据 %s 不在卷宗中 (fact "
				       "%s cites "
				       "evidence %s, which the file lacks)",
				       f->id, f->evidence[k], f->id,
				       f->evidence[k]);
		if (!sl_rules_violation(r, f->violation))
			reason(reasons, &n,
			       "事实 %s 的违纪类型 %s 不在规则词表中 (unknown "
			       "violation code)",
			       f->id, f->violation);
	}
	return n ? SL_INTAKE_DEFERRED : SL_INTAKE_ACCEPTED;
}

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

/* A dossier with everything intake can work out without the store: the
 * bytes' hash and the list columns. Built on the parser thread when
 * streaming, so that the writer only decides and writes. */
typedef struct {
	sl_dossier *d;
	uint8_t sha[32];
	char hex[65];
	char *disc, *circ; /* JSON lists */
	char **fact_ev;    /* per fact: JSON list of evidence ids */
	char **ev_tags;    /* per evidence item: JSON list of tags */
} prepared;

static void prepared_free(prepared *p)
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

/* Takes d. */
static sl_rc prepare(prepared *p, sl_dossier *d, const char *buf, size_t len)
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
		prepared_free(p);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	return SL_OK;
}

/* The digest of the rows store_children() and the cases row hold, in the
 * order replay.c reads them back (canon.h). */
static void content_digest(const prepared *p, sl_hasher *h, char hex[65])
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

/* Remove an earlier deferred/refused transfer of the same case (whole:
 * also the cases row), or only a case's dossier rows (for resubmission). */
static sl_rc forget_rows(sl_store *s, int64_t ref, int whole)
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
		if (sqlite3_prepare_v2(sl_store_db(s), sql, -1, &st, 0))
			return sl_db_err(s, _("replacing a case"));
		sqlite3_bind_int64(st, 1, ref);
		int ok = step_done(st);
		sqlite3_finalize(st);
		if (!ok)
			return sl_db_err(s, _("replacing a case"));
	}
	return SL_OK;
}

static sl_rc store_children(sl_store *s, sqlite3_stmt *const *q, int64_t ref,
                            const prepared *pp, const char *buf, size_t len);

static sl_rc store_case(sl_importer *im, const prepared *pp, const char *buf,
                        size_t len, const char *zone, sl_intake_decision dec,
                        sl_state old, json_t *reasons)
{
	sl_store *s = im->s;
	const sl_dossier *d = pp->d;
	sqlite3_stmt *st = im->q[Q_CASE];
	const sl_proposal *p = &d->proposal;
	char *why = json_dumps(reasons, JSON_COMPACT);
	/* the first state, from the machine: received, then the decision */
	sl_state state;
	sl_rc rc = sl_case_intake_state(d->case_id, old,
	                                dec == SL_INTAKE_ACCEPTED   ? SL_EV_ACCEPT
	                                : dec == SL_INTAKE_DEFERRED ? SL_EV_DEFER
	                                                            : SL_EV_REFUSE,
	                                &state);
	if (rc || !why) {
		free(why);
		return rc ? rc : sl_error(SL_ESYS, _("out of memory"));
	}
	sqlite3_bind_text(st, 1, d->case_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->agency, -1, SQLITE_STATIC);
	bind_opt(st, 3, zone && *zone ? zone : NULL);
	sqlite3_bind_text(st, 4, sl_state_name(state), -1, SQLITE_STATIC);
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
	sqlite3_bind_int64(st, 18, im->now);
	if (state == SL_ST_ACCEPTED) {
		sqlite3_bind_int64(st, 19, im->now);
		sqlite3_bind_int64(st, 20, im->deadline);
	}
	sqlite3_bind_text(st, 21, why, -1, SQLITE_STATIC);
	if (!step_done(st)) {
		rc = sl_db_err(s, _("storing a case"));
		goto out;
	}
	rc = store_children(s, im->q, sqlite3_last_insert_rowid(sl_store_db(s)),
	                    pp, buf, len);
out:
	free(why);
	return rc;
}

/* The dossier's bytes and its normalised rows (everything but the cases
 * row itself). */
static sl_rc store_children(sl_store *s, sqlite3_stmt *const *q, int64_t ref,
                            const prepared *pp, const char *buf, size_t len)
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

/* Decide and store one prepared dossier. */
static sl_rc import_parsed(sl_importer *im, const prepared *pp, const char *buf,
                           size_t len, const char **case_id,
                           sl_intake_decision *decision, json_t **reasons_out)
{
	const sl_dossier *d = pp->d;
	sl_rc rc = SL_OK;
	snprintf(im->case_id, sizeof im->case_id, "%s", d->case_id);
	*case_id = im->case_id;
	im->now = sl_tx_clock(im->s);
	/* local days, to the end of a working day (clock.h) */
	im->deadline =
	    sl_clock_limit(im->rules, im->now, sl_rules_limit_days(im->rules));

	/* agency and earlier transfers of the same case */
	char zone[SL_CODE_MAX + 1] = "", dup[16] = "";
	int agency_found = 0;
	int64_t old_ref = 0;
	sl_state old_state = SL_ST__COUNT;
	const agency_rec *az = bsearch(d->agency, im->agencies, im->n_agencies,
	                               sizeof *im->agencies, cmp_agency);
	if (az) {
		agency_found = 1;
		snprintf(zone, sizeof zone, "%s", az->zone);
	}
	sqlite3_stmt *st = im->q[Q_EXISTING];
	sqlite3_bind_text(st, 1, d->case_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int hidden = 0;
	if (step == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(st, 1);
		int sn = sl_state_parse(state);
		/* Another zone's case (or one the leader is recused from) is
		 * neither shown nor touched: its id is simply taken. */
		sl_case_ref other = {
		    d->case_id, (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3), 0};
		hidden = !sl_policy_case_visible(sl_store_actor(im->s), &other);
		if (!hidden && sn >= 0 &&
		    sl_lifecycle_allows((sl_state)sn, SL_EV_REINTAKE)) {
			old_ref = sqlite3_column_int64(st, 0);
			old_state = (sl_state)sn;
		}
		else
			snprintf(dup, sizeof dup, "%s",
			         hidden  ? ""
			         : state ? state
			                 : "?");
		if (hidden)
			dup[0] = '-';
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = sl_db_err(im->s, _("reading cases"));
		goto out;
	}

	json_t *reasons = json_array();
	sl_intake_decision dec = decide(im, d, agency_found, zone,
	                                *dup ? dup : NULL, hidden, reasons);

	if (!im->in_tx) {
		if ((rc = sl_tx_begin(im->s))) {
			json_decref(reasons);
			goto out;
		}
		im->in_tx = 1;
	}
	/* A duplicate of a live case is refused and only audited: the case
	 * already in the store is not touched. */
	if (!*dup) {
		if (old_ref && (rc = forget_rows(im->s, old_ref, 1)))
			goto fail;
		if ((rc = store_case(im, pp, buf, len, zone, dec, old_state,
		                     reasons)))
			goto fail;
	}
	char content[65];
	content_digest(pp, im->sha, content);
	json_t *det = json_pack(
	    "{s:s, s:O, s:s, s:s?, s:s, s:s, s:b, s:b, s:I}", "decision",
	    sl_intake_name(dec), "reasons", reasons, "agency", d->agency,
	    "zone", *zone ? zone : NULL, "sha256", pp->hex, "content", content,
	    "reintake", old_ref != 0, "duplicate", *dup != 0, "rules",
	    (json_int_t)sl_rules_version(im->rules));
	if (det && dec == SL_INTAKE_ACCEPTED)
		json_object_set_new(det, "deadline_ms",
		                    json_integer(im->deadline));
	rc = sl_audit(im->s, "case.intake", d->case_id, det);
	json_decref(det);
	if (rc)
		goto fail;
	*decision = dec;
	*reasons_out = reasons;
	goto out;
fail:
	json_decref(reasons);
out:
	return rc;
}

sl_rc sl_import_one(sl_importer *im, const char *buf, size_t len,
                    const char *name, const char **case_id,
                    sl_intake_decision *decision, json_t **reasons)
{
	sl_dossier *d = NULL;
	sl_rc rc = sl_dossier_parse(buf, len, name, &im->lim, &d);
	if (rc)
		return rc; /* malformed: nothing written, not audited */
	prepared pp;
	if ((rc = prepare(&pp, d, buf, len)))
		return rc;
	rc = import_parsed(im, &pp, buf, len, case_id, decision, reasons);
	prepared_free(&pp);
	return rc;
}

sl_rc sl_case_claim(sl_store *s, int64_t ref, json_t *details)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT agency, zone FROM cases WHERE id = ?",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, ref);
	sl_rc rc = SL_OK;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *z = (const char *)sqlite3_column_text(st, 1);
		json_object_set_new(
		    details, "agency",
		    json_string((const char *)sqlite3_column_text(st, 0)));
		json_object_set_new(details, "zone",
		                    z ? json_string(z) : json_null());
	} else {
		rc = sl_db_err(s, _("reading a case"));
	}
	sqlite3_finalize(st);
	return rc;
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
	prepared pp;
	sl_rc rc = prepare(&pp, d, buf, len);
	if (rc)
		return rc;
	sqlite3_stmt *q[Q__COUNT] = {0}, *up = NULL;
	for (int i = Q_PRIOR; !rc && i <= Q_DOSSIER; i++)
		if (sqlite3_prepare_v2(sl_store_db(s), import_sql[i], -1, &q[i],
		                       0))
			rc = sl_db_err(s, _("preparing a resubmission"));
	if (!rc && sqlite3_prepare_v2(
	               sl_store_db(s),
	               "UPDATE cases SET subject_name = ?, person_id = ?,"
	               " party_member = ?, public_official = ?, position = ?,"
	               " rank = ?, transferred_on = ?, disciplines = ?,"
	               " eight_point = ?, party_sanction = ?, gov_sanction = ?,"
	               " form = ?, circumstances = ?, rev = rev + 1"
	               " WHERE id = ?",
	               -1, &up, 0))
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
		if (!step_done(up) || sqlite3_changes(sl_store_db(s)) != 1)
			rc = sl_db_err(s, _("storing a resubmission"));
	}
	if (!rc)
		rc = forget_rows(s, ref, 0);
	if (!rc)
		rc = store_children(s, q, ref, &pp, buf, len);
	sl_hasher *h = rc ? NULL : sl_hasher_new();
	if (!rc && !h)
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (!rc)
		content_digest(&pp, h, content);
	sl_hasher_free(h);
	sqlite3_finalize(up);
	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(q[i]);
	prepared_free(&pp);
	return rc;
}

/*
 * Streams: a second thread reads and parses lines while this one decides
 * and writes. Parsing (jansson plus validation) is about half the work of
 * an import and needs nothing from the store, so on two cores the two
 * halves overlap. The queue between them is bounded in items and bytes.
 */
#define QCAP 64
#define QBYTES (64u << 20)

typedef struct {
	char *buf;
	size_t len;
	long line;
	prepared p; /* p.d NULL: malformed, see rc/msg */
	sl_rc rc;
	char msg[600];
} qitem;

typedef struct {
	FILE *in;
	const char *name;
	const sl_dossier_limits *lim;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	qitem q[QCAP];
	size_t head, n, bytes;
	/* done items handed back to the parser thread to free, so that the
	 * writer does not spend its time in free() */
	qitem done[QCAP];
	size_t ndone;
	int eof, stop;
	sl_rc read_rc;
} stream;

/* Read one line of at most max bytes into *buf. 1: a line; 0: end; -1: a
 * read error. *too_long: the line was longer and has been skipped. */
static int read_line(FILE *f, char **buf, size_t *cap, size_t max, size_t *len,
                     int *too_long)
{
	size_t n = 0;
	*too_long = 0;
	for (;;) {
		int ch = getc_unlocked(f);
		if (ch == EOF) {
			if (ferror(f))
				return -1;
			if (n == 0 && !*too_long)
				return 0;
			break;
		}
		if (ch == '\n')
			break;
		if (*too_long)
			continue;
		if (n + 1 >= *cap) {
			size_t nc = *cap ? *cap * 2 : 8192;
			if (nc > max + 2)
				nc = max + 2;
			if (n + 1 >= nc) {
				*too_long = 1; /* read on to the newline */
				continue;
			}
			char *nb = realloc(*buf, nc);
			if (!nb)
				return -1;
			*buf = nb;
			*cap = nc;
		}
		(*buf)[n++] = (char)ch;
	}
	*len = n;
	if (*buf)
		(*buf)[n] = 0;
	return 1;
}

static void *parse_lines(void *arg)
{
	stream *st = arg;
	long line = 0;
	for (;;) {
		qitem it = {0};
		size_t cap = 0;
		int too_long;
		int r = read_line(st->in, &it.buf, &cap, st->lim->max_bytes,
		                  &it.len, &too_long);
		line++;
		if (r <= 0) {
			free(it.buf);
			pthread_mutex_lock(&st->mu);
			st->eof = 1;
			if (r < 0)
				st->read_rc = SL_ESYS;
			pthread_cond_broadcast(&st->cv);
			pthread_mutex_unlock(&st->mu);
			return NULL;
		}
		it.line = line;
		if (too_long) {
			it.rc = SL_EINPUT;
			snprintf(it.msg, sizeof it.msg,
			         _("%s line %ld: larger than the limit of %zu "
			           "bytes"),
			         st->name, line, st->lim->max_bytes);
		} else if (it.len == 0) {
			free(it.buf);
			continue; /* blank lines between dossiers */
		} else {
			char nm[300];
			sl_dossier *d = NULL;
			snprintf(nm, sizeof nm, "%s line %ld", st->name, line);
			it.rc =
			    sl_dossier_parse(it.buf, it.len, nm, st->lim, &d);
			if (!it.rc)
				it.rc = prepare(&it.p, d, it.buf, it.len);
			if (it.rc)
				snprintf(it.msg, sizeof it.msg, "%s",
				         sl_errmsg());
		}
		pthread_mutex_lock(&st->mu);
		while (st->ndone) { /* free what the writer is done with */
			qitem dn = st->done[--st->ndone];
			pthread_mutex_unlock(&st->mu);
			prepared_free(&dn.p);
			free(dn.buf);
			pthread_mutex_lock(&st->mu);
		}
		while (!st->stop && (st->n == QCAP ||
		                     (st->n && st->bytes + it.len > QBYTES)))
			pthread_cond_wait(&st->cv, &st->mu);
		if (st->stop) {
			pthread_mutex_unlock(&st->mu);
			prepared_free(&it.p);
			free(it.buf);
			return NULL;
		}
		st->q[(st->head + st->n) % QCAP] = it;
		st->n++;
		st->bytes += it.len;
		pthread_cond_broadcast(&st->cv);
		pthread_mutex_unlock(&st->mu);
	}
}

sl_rc sl_import_stream(sl_importer *im, FILE *in, const char *name,
                       sl_import_cb cb, void *ud)
{
	stream st = {.in = in, .name = name, .lim = &im->lim};
	pthread_mutex_init(&st.mu, NULL);
	pthread_cond_init(&st.cv, NULL);
	pthread_t th;
	if (pthread_create(&th, NULL, parse_lines, &st) != 0) {
		pthread_mutex_destroy(&st.mu);
		pthread_cond_destroy(&st.cv);
		return sl_error(SL_ESYS, _("cannot start the reader thread"));
	}
	sl_rc rc = SL_OK;
	for (;;) {
		pthread_mutex_lock(&st.mu);
		while (!st.n && !st.eof)
			pthread_cond_wait(&st.cv, &st.mu);
		if (!st.n) {
			pthread_mutex_unlock(&st.mu);
			break;
		}
		qitem it = st.q[st.head];
		st.head = (st.head + 1) % QCAP;
		st.n--;
		st.bytes -= it.len;
		pthread_cond_broadcast(&st.cv);
		pthread_mutex_unlock(&st.mu);

		sl_import_result res = {it.line, NULL, 0, NULL, it.rc};
		if (it.rc) {
			sl_error(it.rc, "%s", it.msg);
		} else {
			rc = import_parsed(im, &it.p, it.buf, it.len,
			                   &res.case_id, &res.decision,
			                   &res.reasons);
			res.rc = rc;
		}
		int stop = 0;
		if (!rc || rc == SL_EINPUT)
			stop = cb(&res, ud);
		json_decref(res.reasons);
		pthread_mutex_lock(&st.mu);
		if (st.ndone < QCAP && !st.eof) {
			st.done[st.ndone++] = it;
			it.buf = NULL;
			it.p.d = NULL;
		}
		pthread_mutex_unlock(&st.mu);
		prepared_free(&it.p); /* the reader has finished: free here */
		free(it.buf);
		if ((rc && rc != SL_EINPUT) || stop)
			break;
		rc = SL_OK;
	}
	pthread_mutex_lock(&st.mu);
	st.stop = 1;
	pthread_cond_broadcast(&st.cv);
	pthread_mutex_unlock(&st.mu);
	pthread_join(th, NULL);
	while (st.n) { /* what the reader queued after we stopped */
		qitem *it = &st.q[st.head];
		prepared_free(&it->p);
		free(it->buf);
		st.head = (st.head + 1) % QCAP;
		st.n--;
	}
	while (st.ndone) {
		qitem *it = &st.done[--st.ndone];
		prepared_free(&it->p);
		free(it->buf);
	}
	pthread_mutex_destroy(&st.mu);
	pthread_cond_destroy(&st.cv);
	if (!rc && st.read_rc)
		rc = sl_error(SL_ESYS, _("%s: read failed"), name);
	return rc;
}

/* ---- looking cases up ------------------------------------------------ */

typedef struct {
	int64_t ref;
	char case_id[128];
	char agency[SL_CODE_MAX + 1];
	char zone[SL_CODE_MAX + 1];
	sl_state state;
	int64_t deadline_ms, paused_ms;
	int extended_days, returns;
	int assigned; /* the acting user is on the team */
} case_rec;

static sl_rc load_case(sl_store *s, const char *case_id, case_rec *c)
{
	memset(c, 0, sizeof *c);
	if (!sl_case_id_valid(case_id))
		return sl_error(SL_EINPUT, _("invalid case id '%s'"), case_id);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        sl_store_db(s),
	        "SELECT id, agency, zone, state, deadline_ms, paused_ms,"
	        " extended_days, returns, EXISTS(SELECT 1 FROM assignments a"
	        " WHERE a.case_ref = cases.id AND a.user_id = ?)"
	        " FROM cases WHERE case_id = ?",
	        -1, &st, 0))
		return sl_db_err(s, _("reading cases"));
	sqlite3_bind_text(st, 1, sl_store_actor(s)->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, case_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sl_rc rc = SL_OK;
	if (step == SQLITE_ROW) {
		const char *t;
		c->ref = sqlite3_column_int64(st, 0);
		snprintf(c->case_id, sizeof c->case_id, "%s", case_id);
		snprintf(c->agency, sizeof c->agency, "%s",
		         sqlite3_column_text(st, 1));
		if ((t = (const char *)sqlite3_column_text(st, 2)))
			snprintf(c->zone, sizeof c->zone, "%s", t);
		int sn =
		    sl_state_parse((const char *)sqlite3_column_text(st, 3));
		c->state = sn < 0 ? SL_ST__COUNT : (sl_state)sn;
		c->deadline_ms = sqlite3_column_int64(st, 4);
		c->paused_ms = sqlite3_column_int64(st, 5);
		c->extended_days = sqlite3_column_int(st, 6);
		c->returns = sqlite3_column_int(st, 7);
		c->assigned = sqlite3_column_int(st, 8);
		if (sn < 0)
			rc = sl_error(SL_EINTEGRITY,
			              _("case %s has an unknown state"),
			              case_id);
	} else if (step == SQLITE_DONE) {
		rc = sl_error(SL_EINPUT, _("no case '%s'"), case_id);
	} else {
		rc = sl_db_err(s, _("reading cases"));
	}
	sqlite3_finalize(st);
	return rc;
}

static sl_case_ref ref_of(const case_rec *c)
{
	return (sl_case_ref){c->case_id, c->agency, c->zone, c->assigned};
}

/* Load the case and ask policy; unknown cases and invisible ones give the
 * same kind of answer to people who may not see them (not permitted), so
 * that case ids of other zones cannot be probed. */
/*
 * A case for an action on it. A case that does not exist, one of another
 * zone, and one the user is recused from all get the same answer (exit 4,
 * one message), so that nobody can learn which case ids exist elsewhere by
 * asking. The refusal is audited with the true reason, which only admins
 * and auditors can read in the log.
 */
static sl_rc open_case(sl_store *s, sl_action a, const char *case_id,
                       case_rec *c)
{
	sl_rc rc = sl_guard(s, a, case_id);
	if (rc)
		return rc;
	if (!sl_case_id_valid(case_id))
		return sl_error(SL_EINPUT, _("'%s' is not a case id"),
		                case_id ? case_id : "");
	const sl_actor *who = sl_store_actor(s);
	rc = load_case(s, case_id, c);
	const char *why = NULL;
	char msg[256];
	if (rc == SL_EINPUT) {
		why = "no such case";
	} else if (rc) {
		return rc;
	} else {
		sl_case_ref r = ref_of(c);
		sl_verdict v = sl_policy_case(who, a, &r);
		if (v == SL_DENY_NOT_TEAM)
			return sl_guard_refuse(s, v, who, a, &r);
		if (v)
			why = sl_verdict_name(v);
	}
	if (!why)
		return SL_OK;
	/* the true reason, for those who may read the log */
	snprintf(msg, sizeof msg, "%s: %s", case_id, why);
	sl_guard_deny(s, a, case_id, msg);
	return sl_error(SL_EPERM,
	                _("no case %s that you may see (it does not exist, or "
	                  "it is not yours to see)"),
	                case_id);
}

sl_rc sl_case_require(sl_store *s, sl_action a, const char *case_id,
                      int64_t *ref, sl_state *state)
{
	case_rec c;
	sl_rc rc = open_case(s, a, case_id, &c);
	if (rc)
		return rc;
	*ref = c.ref;
	*state = c.state;
	return SL_OK;
}

/* ---- listing ----------------------------------------------------------- */

/*
 * A listing reads the covering index cases_list(zone, state, agency,
 * case_id, subject_name, transferred_on, deadline_ms, paused_ms, returns)
 * and never the wide rows. The index is ordered by zone, state, agency,
 * then case_id, and a listing by case_id: so each (zone, state, agency)
 * group is a run of the index already in case_id order. The groups are
 * found by seeking from one to the next (one seek per group: a few hundred,
 * not a scan), each group is read by a statement of its own, and their rows
 * are merged on case_id through a heap, each row handed to the callback as
 * it comes: time linear in the rows, memory flat in them.
 *
 * A listing of one user's assignments (a specialist's, or --assignee)
 * starts from those assignments instead: a few cases, each read by its
 * row id, sorted.
 *
 * The teams (assignees) are looked up per case in the assignments table.
 * Once a listing has asked for more than TEAM_SEEKS of them, the whole
 * table is read once, in its own order, into a sorted array: seeks at
 * random into a large table would each decrypt a page.
 *
 * Everything is read in one read transaction: the groups found are the
 * groups read.
 */

#define LIST_COLS                                                              \
	"case_id, subject_name, transferred_on, deadline_ms, paused_ms,"       \
	" returns, rowid"
#define TEAM_SEEKS 4096

typedef struct {
	sqlite3 *db;
	sqlite3_stmt *one; /* the team of one case */
	long seeks;
	int loaded;
	int64_t *ref; /* loaded: the cases with a team, ascending */
	size_t *off;  /* their teams in pool, "a,b,c" */
	size_t n, cap;
	char *pool;
	size_t plen, pcap;
	char *buf; /* a team from one seek */
	size_t bcap;
} team_map;

static int team_append(char **p, size_t *len, size_t *cap, const char *s,
                       int comma)
{
	size_t n = strlen(s) + (comma ? 1 : 0);
	if (*len + n + 1 > *cap) {
		size_t nc = *cap ? *cap : 256;
		while (*len + n + 1 > nc)
			nc *= 2;
		char *np = realloc(*p, nc);
		if (!np)
			return -1;
		*p = np;
		*cap = nc;
	}
	if (comma)
		(*p)[(*len)++] = ',';
	memcpy(*p + *len, s, n - (comma ? 1 : 0) + 1);
	*len += n - (comma ? 1 : 0);
	return 0;
}

/* Read the whole assignments table: (case_ref, user_id) is its key, so it
 * comes sorted by case and, within a case, by user. */
static sl_rc team_load(sl_store *s, team_map *t)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(t->db,
	                       "SELECT case_ref, user_id FROM assignments"
	                       " ORDER BY case_ref, user_id",
	                       -1, &st, 0))
		return sl_db_err(s, _("listing cases"));
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t ref = sqlite3_column_int64(st, 0);
		const char *u = (const char *)sqlite3_column_text(st, 1);
		int same = t->n && t->ref[t->n - 1] == ref;
		if (!same) {
			if (t->n == t->cap) {
				size_t nc = t->cap ? 2 * t->cap : 1024;
				int64_t *nr = realloc(t->ref, nc * sizeof *nr);
				if (nr)
					t->ref = nr;
				size_t *no = realloc(t->off, nc * sizeof *no);
				if (no)
					t->off = no;
				if (!nr || !no)
					break;
				t->cap = nc;
			}
			if (t->n)
				t->plen++; /* past the previous team's NUL */
			t->ref[t->n] = ref;
			t->off[t->n++] = t->plen;
		}
		if (team_append(&t->pool, &t->plen, &t->pcap, u ? u : "", same))
			break;
	}
	sqlite3_finalize(st);
	if (step == SQLITE_ROW)
		return sl_error(SL_ESYS, _("out of memory"));
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("listing cases"));
	t->loaded = 1;
	return SL_OK;
}

/* The team of case ref, "a,b" in user order as group_concat gave it, or
 * NULL for none. Valid until the next call. */
static sl_rc team_of_case(sl_store *s, team_map *t, int64_t ref,
                          const char **out)
{
	*out = NULL;
	if (!t->loaded && ++t->seeks > TEAM_SEEKS) {
		sl_rc rc = team_load(s, t);
		if (rc)
			return rc;
	}
	if (t->loaded) {
		size_t lo = 0, hi = t->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (t->ref[mid] < ref)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < t->n && t->ref[lo] == ref)
			*out = t->pool + t->off[lo];
		return SL_OK;
	}
	if (!t->one &&
	    sqlite3_prepare_v2(t->db,
	                       "SELECT user_id FROM assignments"
	                       " WHERE case_ref = ? ORDER BY user_id",
	                       -1, &t->one, 0))
		return sl_db_err(s, _("listing cases"));
	sqlite3_bind_int64(t->one, 1, ref);
	size_t len = 0;
	int step;
	while ((step = sqlite3_step(t->one)) == SQLITE_ROW) {
		const char *u = (const char *)sqlite3_column_text(t->one, 0);
		if (team_append(&t->buf, &len, &t->bcap, u ? u : "", len > 0))
			break;
	}
	sqlite3_reset(t->one);
	if (step == SQLITE_ROW)
		return sl_error(SL_ESYS, _("out of memory"));
	if (step != SQLITE_DONE)
		return sl_db_err(s, _("listing cases"));
	*out = len ? t->buf : NULL;
	return SL_OK;
}

static void team_free(team_map *t)
{
	sqlite3_finalize(t->one);
	free(t->ref);
	free(t->off);
	free(t->pool);
	free(t->buf);
}

/* One (zone, state, agency) run of the index, being read. */
typedef struct {
	sqlite3_stmt *st;
	char *zone, *state, *agency; /* zone NULL: in no zone */
} lgroup;

typedef struct {
	sl_store *s;
	const sl_case_filter *f;
	const char *not_agency; /* recusal: the acting user's home agency */
	int64_t now;
	sqlite3_stmt *next[3][2]; /* seeks to the next zone, state, agency */
	lgroup *g;                /* a heap on the current case_id */
	size_t n, cap;
	team_map team;
} lister;

static const char *cur_id(const lgroup *g)
{
	return (const char *)sqlite3_column_text(g->st, 0);
}

static void heap_down(lister *l, size_t i)
{
	for (;;) {
		size_t m = i, a = 2 * i + 1, b = a + 1;
		if (a < l->n && strcmp(cur_id(&l->g[a]), cur_id(&l->g[m])) < 0)
			m = a;
		if (b < l->n && strcmp(cur_id(&l->g[b]), cur_id(&l->g[m])) < 0)
			m = b;
		if (m == i)
			return;
		lgroup t = l->g[i];
		l->g[i] = l->g[m];
		l->g[m] = t;
		i = m;
	}
}

static void group_free(lgroup *g)
{
	sqlite3_finalize(g->st);
	free(g->zone);
	free(g->state);
	free(g->agency);
}

/* Start reading group (zone, state, agency); kept if it has a row. */
static sl_rc group_open(lister *l, const char *zone, const char *state,
                        const char *agency)
{
	if (l->not_agency && !strcmp(agency, l->not_agency))
		return SL_OK;
	sqlite3 *db = sl_store_db(l->s);
	lgroup g = {0};
	if (sqlite3_prepare_v2(db,
	                       l->f->overdue
	                           ? "SELECT " LIST_COLS " FROM cases INDEXED"
	                             " BY cases_list WHERE zone IS ?1 AND"
	                             " state = ?2 AND agency = ?3 AND"
	                             " deadline_ms < ?4 ORDER BY case_id"
	                           : "SELECT " LIST_COLS " FROM cases INDEXED"
	                             " BY cases_list WHERE zone IS ?1 AND"
	                             " state = ?2 AND agency = ?3"
	                             " ORDER BY case_id",
	                       -1, &g.st, 0))
		return sl_db_err(l->s, _("listing cases"));
	g.zone = zone ? strdup(zone) : NULL;
	g.state = strdup(state);
	g.agency = strdup(agency);
	if ((zone && !g.zone) || !g.state || !g.agency) {
		group_free(&g);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	sqlite3_bind_text(g.st, 1, g.zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(g.st, 2, g.state, -1, SQLITE_STATIC);
	sqlite3_bind_text(g.st, 3, g.agency, -1, SQLITE_STATIC);
	if (l->f->overdue)
		sqlite3_bind_int64(g.st, 4, l->now);
	int step = sqlite3_step(g.st);
	if (step != SQLITE_ROW) {
		group_free(&g);
		return step == SQLITE_DONE
		           ? SL_OK
		           : sl_db_err(l->s, _("listing cases"));
	}
	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 64;
		lgroup *ng = realloc(l->g, nc * sizeof *ng);
		if (!ng) {
			group_free(&g);
			return sl_error(SL_ESYS, _("out of memory"));
		}
		l->g = ng;
		l->cap = nc;
	}
	/* heaped once every group is open */
	l->g[l->n++] = g;
	return SL_OK;
}

/*
 * The next distinct value of level's column (0 zone, 1 state, 2 agency)
 * after *val (from the start if first) among index entries with the given
 * zone (and state). *val is replaced (malloc'ed); NULL when there is none.
 */
static sl_rc seek_next(lister *l, int level, int first, const char *zone,
                       const char *state, char **val)
{
	static const char *const col[] = {"zone", "state", "agency"};
	static const char *const where[] = {"", "zone IS ?2 AND ",
	                                    "zone IS ?2 AND state = ?3 AND "};
	sqlite3_stmt **st = &l->next[level][first];
	if (!*st) {
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT %s FROM cases INDEXED BY cases_list WHERE %s%s"
		         " %s ?1 ORDER BY %s LIMIT 1",
		         col[level], where[level], col[level],
		         first ? ">=" : ">", col[level]);
		if (sqlite3_prepare_v2(sl_store_db(l->s), sql, -1, st, 0))
			return sl_db_err(l->s, _("listing cases"));
	}
	sqlite3_bind_text(*st, 1, first ? "" : *val, -1, SQLITE_STATIC);
	if (level > 0)
		sqlite3_bind_text(*st, 2, zone, -1, SQLITE_STATIC);
	if (level > 1)
		sqlite3_bind_text(*st, 3, state, -1, SQLITE_STATIC);
	int step = sqlite3_step(*st);
	char *v = NULL;
	if (step == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(*st, 0);
		if (!(v = strdup(t ? t : ""))) {
			sqlite3_reset(*st);
			return sl_error(SL_ESYS, _("out of memory"));
		}
	}
	sqlite3_reset(*st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sl_db_err(l->s, _("listing cases"));
	free(*val);
	*val = v;
	return SL_OK;
}

static const char *const clock_states[] = {"accepted", "in_review",
                                           "deliberated"};

/* Every group of one zone (NULL: the cases in no zone). */
static sl_rc open_zone(lister *l, const char *zone)
{
	const sl_case_filter *f = l->f;
	/* the states asked for, or all that are there */
	const char *states[3];
	size_t ns = 0;
	if (f->overdue) {
		for (size_t i = 0; i < 3; i++)
			if (!f->state || !strcmp(f->state, clock_states[i]))
				states[ns++] = clock_states[i];
	} else if (f->state) {
		states[ns++] = f->state;
	}
	int all = !f->state && !f->overdue;
	char *st = NULL;
	sl_rc rc = SL_OK;
	for (size_t i = 0; !rc; i++) {
		if (all) {
			if ((rc = seek_next(l, 1, i == 0, zone, NULL, &st)) ||
			    !st)
				break;
		} else {
			if (i == ns)
				break;
			free(st);
			if (!(st = strdup(states[i]))) {
				rc = sl_error(SL_ESYS, _("out of memory"));
				break;
			}
		}
		if (f->agency) {
			rc = group_open(l, zone, st, f->agency);
			continue;
		}
		char *ag = NULL;
		for (int first = 1; !rc; first = 0) {
			if ((rc = seek_next(l, 2, first, zone, st, &ag)) || !ag)
				break;
			rc = group_open(l, zone, st, ag);
		}
		free(ag);
	}
	free(st);
	return rc;
}

/* Hand one row to the callback: st's columns are those of LIST_COLS;
 * zone, state and agency are its group's (or the row's). Returns non-zero
 * to stop: the callback asked to, or *rc says what failed. */
static int emit(lister *l, sqlite3_stmt *st, const char *zone,
                const char *state, const char *agency,
                int (*cb)(const sl_case_row *r, void *ud), void *ud, sl_rc *rc)
{
	sl_case_row r = {
	    sqlite3_column_int64(st, 6),
	    (const char *)sqlite3_column_text(st, 0),
	    agency,
	    zone,
	    state,
	    (const char *)sqlite3_column_text(st, 1),
	    (const char *)sqlite3_column_text(st, 2),
	    NULL,
	    sqlite3_column_int64(st, 3),
	    sqlite3_column_type(st, 4) != SQLITE_NULL,
	    0,
	    sqlite3_column_int(st, 5),
	};
	if ((*rc = team_of_case(l->s, &l->team, r.ref, &r.assignees)))
		return 1;
	int sn = sl_state_parse(r.state);
	r.overdue = sn >= 0 && sl_state_clock_runs((sl_state)sn) &&
	            r.deadline_ms && r.deadline_ms < l->now;
	return cb(&r, ud);
}

/* The merge of every group on case_id. */
static sl_rc list_groups(lister *l, const char *zone, int one_zone,
                         int (*cb)(const sl_case_row *r, void *ud), void *ud)
{
	sl_rc rc;
	if (one_zone) {
		rc = open_zone(l, zone);
	} else {
		/* the cases in no zone (an agency in none), then each zone */
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(
		        sl_store_db(l->s),
		        "SELECT 1 FROM cases INDEXED BY cases_list"
		        " WHERE zone IS NULL LIMIT 1",
		        -1, &q, 0))
			return sl_db_err(l->s, _("listing cases"));
		int step = sqlite3_step(q);
		sqlite3_finalize(q);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return sl_db_err(l->s, _("listing cases"));
		rc = step == SQLITE_ROW ? open_zone(l, NULL) : SL_OK;
		char *z = NULL;
		for (int first = 1; !rc; first = 0) {
			if ((rc = seek_next(l, 0, first, NULL, NULL, &z)) || !z)
				break;
			rc = open_zone(l, z);
		}
		free(z);
	}
	for (size_t i = l->n; !rc && i-- > 0;)
		heap_down(l, i);
	while (!rc && l->n) {
		lgroup *g = &l->g[0];
		if (emit(l, g->st, g->zone, g->state, g->agency, cb, ud, &rc))
			break;
		int step = sqlite3_step(g->st);
		if (step == SQLITE_DONE) {
			group_free(g);
			l->g[0] = l->g[--l->n];
		} else if (step != SQLITE_ROW) {
			rc = sl_db_err(l->s, _("listing cases"));
			break;
		}
		heap_down(l, 0);
	}
	return rc;
}

/* The cases assigned to one user (a specialist's own, or --assignee),
 * with the other filters; a few, read by row id and sorted. */
static sl_rc list_assigned(lister *l, const char *user, const char *other,
                           const char *zone,
                           int (*cb)(const sl_case_row *r, void *ud), void *ud)
{
	const sl_case_filter *f = l->f;
	char sql[1024];
	size_t o = (size_t)snprintf(
	    sql, sizeof sql,
	    "SELECT c.case_id, c.subject_name, c.transferred_on,"
	    " c.deadline_ms, c.paused_ms, c.returns, c.id, c.zone, c.state,"
	    " c.agency FROM assignments a CROSS JOIN cases c"
	    " ON c.id = a.case_ref WHERE a.user_id = ?1");
	if (zone)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.zone = ?2");
	if (f->state)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.state = ?3");
	if (f->agency)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.agency = ?4");
	if (l->not_agency)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.agency != ?5");
	if (other)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND EXISTS(SELECT 1 FROM assignments b"
		                      " WHERE b.case_ref = c.id AND"
		                      " b.user_id = ?6)");
	if (f->overdue)
		o += (size_t)snprintf(sql + o, sizeof sql - o,
		                      " AND c.state IN ('accepted','in_review',"
		                      "'deliberated') AND c.deadline_ms < ?7");
	snprintf(sql + o, sizeof sql - o, " ORDER BY c.case_id");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(l->s), sql, -1, &st, 0))
		return sl_db_err(l->s, _("listing cases"));
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, l->not_agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, other, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, l->now);
	sl_rc rc = SL_OK;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (emit(l, st, (const char *)sqlite3_column_text(st, 7),
		         (const char *)sqlite3_column_text(st, 8),
		         (const char *)sqlite3_column_text(st, 9), cb, ud, &rc))
			break;
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sl_db_err(l->s, _("listing cases"));
	sqlite3_finalize(st);
	return rc;
}

sl_rc sl_case_list(sl_store *s, const sl_case_filter *f,
                   int (*cb)(const sl_case_row *r, void *ud), void *ud)
{
	sl_rc rc = sl_guard(s, SL_ACT_CASE_READ, "cases");
	if (rc)
		return rc;
	if (f->state && sl_state_parse(f->state) < 0)
		return sl_error(
		    SL_EINPUT,
		    _("unknown state '%s': received, accepted, deferred, "
		      "refused, in_review, returned, deliberated, "
		      "signed_off"),
		    f->state);
	const sl_actor *who = sl_store_actor(s);
	lister l = {.s = s, .f = f, .now = sl_now_ms()};
	l.team.db = sl_store_db(s);
	/* what the acting user may see, as policy scopes it */
	sl_case_scope sc;
	sl_policy_scope(who, &sc);
	if (sc.none)
		return SL_OK;
	const char *zone = f->zone, *specialist = sc.assignee;
	l.not_agency = sc.not_agency;
	if (sc.zone) {
		if (zone && strcmp(zone, sc.zone))
			return SL_OK; /* another zone: none */
		zone = sc.zone;
	}
	if (f->agency && l.not_agency && !strcmp(f->agency, l.not_agency))
		return SL_OK; /* recused from all of them */
	sqlite3 *db = sl_store_db(s);
	int own_tx = sqlite3_get_autocommit(db);
	if (own_tx && sqlite3_exec(db, "BEGIN", 0, 0, 0))
		return sl_db_err(s, _("listing cases"));
	if (f->assignee || specialist)
		rc = list_assigned(&l, f->assignee ? f->assignee : specialist,
		                   f->assignee ? specialist : NULL, zone, cb,
		                   ud);
	else
		rc = list_groups(&l, zone, zone != NULL, cb, ud);
	for (size_t i = 0; i < l.n; i++)
		group_free(&l.g[i]);
	free(l.g);
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 2; k++)
			sqlite3_finalize(l.next[i][k]);
	team_free(&l.team);
	if (own_tx)
		sqlite3_exec(db, "COMMIT", 0, 0, 0);
	return rc;
}

/* ---- showing ------------------------------------------------------------ */

static json_t *team_of(sl_store *s, int64_t ref)
{
	json_t *a = json_array();
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        sl_store_db(s),
	        "SELECT user_id FROM assignments WHERE case_ref = ?"
	        " ORDER BY user_id",
	        -1, &st, 0) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, ref);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
			    a, json_string(
			           (const char *)sqlite3_column_text(st, 0)));
	}
	sqlite3_finalize(st);
	return a;
}

static json_t *ms_date(int64_t ms)
{
	if (!ms)
		return json_null();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

sl_rc sl_case_show(sl_store *s, const char *case_id, json_t **out)
{
	case_rec c;
	sl_rc rc = open_case(s, SL_ACT_CASE_READ, case_id, &c);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        sl_store_db(s),
	        "SELECT c.subject_name, c.received_ms,"
	        " c.accepted_ms, c.intake_reasons, d.bytes,"
	        " d.sha256, c.transferred_on, c.rev,"
	        " c.signed_head"
	        " FROM cases c JOIN dossiers d ON d.case_ref = c.id"
	        " WHERE c.id = ?",
	        -1, &st, 0))
		return sl_db_err(s, _("reading a case"));
	sqlite3_bind_int64(st, 1, c.ref);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE
		         ? sl_error(SL_EINTEGRITY, _("case %s has no dossier"),
		                    case_id)
		         : sl_db_err(s, _("reading a case"));
		sqlite3_finalize(st);
		return rc;
	}
	json_error_t jerr;
	const void *bytes = sqlite3_column_blob(st, 4);
	size_t blen = (size_t)sqlite3_column_bytes(st, 4);
	uint8_t h[32];
	sl_sha256(bytes, blen, h);
	if (sqlite3_column_bytes(st, 5) != 32 ||
	    memcmp(h, sqlite3_column_blob(st, 5), 32)) {
		sqlite3_finalize(st);
		return sl_error(SL_EINTEGRITY,
		                _("the stored dossier of %s does not match its "
		                  "hash"),
		                case_id);
	}
	json_t *dossier = json_loadb(bytes, blen, 0, &jerr);
	json_t *why =
	    json_loads((const char *)sqlite3_column_text(st, 3), 0, &jerr);
	int64_t now = sl_now_ms();
	json_t *o = json_pack(
	    "{s:s, s:s, s:s?, s:s, s:s, s:o, s:i, s:o, s:o, s:o, s:o, s:b, s:b,"
	    " s:i, s:o, s:o}",
	    "case_id", case_id, "agency", c.agency, "zone",
	    c.zone[0] ? c.zone : NULL, "state", sl_state_name(c.state),
	    "subject_name", (const char *)sqlite3_column_text(st, 0),
	    "assignees", team_of(s, c.ref), "returns", c.returns, "received_at",
	    ms_date(sqlite3_column_int64(st, 1)), "accepted_at",
	    ms_date(sqlite3_column_int64(st, 2)), "deadline",
	    ms_date(c.deadline_ms), "intake_reasons", why ? why : json_array(),
	    "clock_paused", c.paused_ms != 0, "overdue",
	    sl_state_clock_runs(c.state) && c.deadline_ms &&
	        c.deadline_ms < now,
	    "extended_days", c.extended_days, "dossier",
	    dossier ? dossier : json_null(), "dossier_sha256", json_null());
	char hex[65];
	sl_hex(h, 32, hex);
	json_object_set_new(o, "dossier_sha256", json_string(hex));
	/* the dossier's version (a resubmission replaces it), and the audit
	 * head the sign-off attests to */
	json_object_set_new(o, "dossier_rev",
	                    json_integer(sqlite3_column_int64(st, 7)));
	const char *head = (const char *)sqlite3_column_text(st, 8);
	json_object_set_new(o, "signed_head",
	                    head ? json_string(head) : json_null());
	sqlite3_finalize(st);
	*out = o;
	return o ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
}

/* ---- assignment --------------------------------------------------------- */

typedef struct {
	char id[SL_ID_MAX + 1];
	sl_role role;
	char agency[SL_CODE_MAX + 1], zone[SL_CODE_MAX + 1];
	int disabled, found;
} user_rec;

static sl_rc load_user(sl_store *s, const char *id, user_rec *u)
{
	memset(u, 0, sizeof *u);
	snprintf(u->id, sizeof u->id, "%s", id);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "SELECT role, agency, zone, disabled FROM users"
	                       " WHERE id = ?",
	                       -1, &st, 0))
		return sl_db_err(s, _("reading users"));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *t;
		u->found = 1;
		u->role =
		    sl_role_parse((const char *)sqlite3_column_text(st, 0));
		if ((t = (const char *)sqlite3_column_text(st, 1)))
			snprintf(u->agency, sizeof u->agency, "%s", t);
		if ((t = (const char *)sqlite3_column_text(st, 2)))
			snprintf(u->zone, sizeof u->zone, "%s", t);
		u->disabled = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sl_db_err(s, _("reading users"));
	return SL_OK;
}

#define MAX_TEAM 32

static sl_rc assign_once(sl_store *s, const char *case_id,
                         const char *const *reviewers, size_t n, size_t auto_n,
                         json_t **team_out)
{
	sl_rc snap_rc = sl_tx_snapshot(s);
	if (snap_rc)
		return snap_rc;
	case_rec c;
	sl_rc rc = open_case(s, SL_ACT_CASE_ASSIGN, case_id, &c);
	if (rc)
		return rc;
	sl_state next;
	if ((rc = sl_lifecycle_next(case_id, c.state, SL_EV_ASSIGN, &next)))
		return rc;
	if (n + auto_n > MAX_TEAM)
		return sl_error(SL_EINPUT, _("a team of at most %d"), MAX_TEAM);
	sl_rules *rules;
	if ((rc = sl_rules_load(s, &rules)))
		return rc;
	int min_team = sl_rules_min_team(rules);
	sl_rules_free(rules);

	char team[MAX_TEAM][SL_ID_MAX + 1];
	size_t nt = 0;
	char msg[384];
	for (size_t i = 0; i < n; i++) {
		user_rec u;
		if (!sl_user_id_valid(reviewers[i]))
			return sl_error(SL_EINPUT, _("invalid user id '%s'"),
			                reviewers[i]);
		for (size_t k = 0; k < nt; k++)
			if (!strcmp(team[k], reviewers[i]))
				return sl_error(SL_EINPUT,
				                _("'%s' is named twice"),
				                reviewers[i]);
		if ((rc = load_user(s, reviewers[i], &u)))
			return rc;
		if (!u.found || u.disabled)
			return sl_error(SL_EINPUT, _("no active user '%s'"),
			                reviewers[i]);
		sl_actor cand = {.role = u.role};
		snprintf(cand.id, sizeof cand.id, "%s", u.id);
		snprintf(cand.agency, sizeof cand.agency, "%s", u.agency);
		snprintf(cand.zone, sizeof cand.zone, "%s", u.zone);
		sl_case_ref cr = ref_of(&c);
		sl_verdict v = sl_policy_candidate(&cand, &cr);
		if (v == SL_DENY_NOT_REVIEWER) { /* a mistake, not a breach */
			sl_policy_explain(v, &cand, SL_ACT_CASE_ASSIGN, &cr, msg,
			                  sizeof msg);
			return sl_error(SL_EINPUT, "%s", msg);
		}
		if (v)
			return sl_guard_refuse(s, v, &cand, SL_ACT_CASE_ASSIGN,
			                       &cr);
		snprintf(team[nt++], SL_ID_MAX + 1, "%s", u.id);
	}
	if (auto_n) {
		/* eligible (policy): active members of the case's zone, not
		 * recused, not already named; least loaded first (open cases
		 * they are on) */
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(
		        sl_store_db(s),
		        "SELECT u.id, u.agency, u.zone FROM users u"
		        " WHERE u.role = 'member' AND u.disabled = 0"
		        " ORDER BY (SELECT count(*) FROM assignments a JOIN"
		        " cases c ON c.id = a.case_ref WHERE a.user_id = u.id"
		        " AND c.state IN"
		        " ('accepted','in_review','returned','deliberated')),"
		        " u.id",
		        -1, &st, 0))
			return sl_db_err(s, _("choosing reviewers"));
		sl_case_ref cr = ref_of(&c);
		size_t picked = 0;
		while (picked < auto_n && sqlite3_step(st) == SQLITE_ROW) {
			sl_actor cand = {.role = SL_ROLE_MEMBER};
			const char *t;
			snprintf(cand.id, sizeof cand.id, "%s",
			         (const char *)sqlite3_column_text(st, 0));
			if ((t = (const char *)sqlite3_column_text(st, 1)))
				snprintf(cand.agency, sizeof cand.agency, "%s",
				         t);
			if ((t = (const char *)sqlite3_column_text(st, 2)))
				snprintf(cand.zone, sizeof cand.zone, "%s", t);
			int dup = sl_policy_candidate(&cand, &cr) != SL_ALLOW;
			for (size_t k = 0; k < nt; k++)
				dup |= !strcmp(team[k], cand.id);
			if (dup)
				continue;
			snprintf(team[nt++], SL_ID_MAX + 1, "%s", cand.id);
			picked++;
		}
		sqlite3_finalize(st);
		if (picked < auto_n) {
			snprintf(msg, sizeof msg,
			         _("not permitted: only %zu eligible reviewers "
			           "in zone "
			           "'%s' for case %s (asked for %zu)"),
			         picked, c.zone, case_id, auto_n);
			return sl_guard_deny(s, SL_ACT_CASE_ASSIGN, case_id,
			                      msg);
		}
	}
	if ((int)nt < min_team) {
		snprintf(msg, sizeof msg,
		         _("not permitted: a review team needs at least %d "
		           "reviewers (审理组不少于%d人); %zu named"),
		         min_team, min_team, nt);
		return sl_guard_deny(s, SL_ACT_CASE_ASSIGN, case_id, msg);
	}

	if ((rc = sl_tx_begin_unchanged(s)))
		return rc;
	json_t *tj = json_array(), *prev = team_of(s, c.ref);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "DELETE FROM assignments WHERE case_ref = ?", -1,
	                       &st, 0))
		goto dberr;
	sqlite3_bind_int64(st, 1, c.ref);
	if (!step_done(st))
		goto dberr;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(sl_store_db(s),
	                       "INSERT INTO assignments(case_ref, user_id)"
	                       " VALUES(?, ?)",
	                       -1, &st, 0))
		goto dberr;
	for (size_t i = 0; i < nt; i++) {
		sqlite3_bind_int64(st, 1, c.ref);
		sqlite3_bind_text(st, 2, team[i], -1, SQLITE_STATIC);
		if (!step_done(st))
			goto dberr;
		json_array_append_new(tj, json_string(team[i]));
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = sl_case_transition(s, c.ref, case_id, c.state, SL_EV_ASSIGN,
	                             NULL, &next)))
		goto fail;
	json_t *d =
	    json_pack("{s:O, s:O, s:s, s:s, s:i, s:s, s:s?}", "team", tj,
	              "previous", prev, "from", sl_state_name(c.state), "to",
	              sl_state_name(next), "auto", (int)auto_n, "agency",
	              c.agency, "zone", c.zone[0] ? c.zone : NULL);
	rc = sl_audit(s, "case.assign", case_id, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	json_decref(prev);
	if (team_out)
		*team_out = tj;
	else
		json_decref(tj);
	return SL_OK;
dberr:
	rc = sl_db_err(s, _("assigning reviewers"));
	sqlite3_finalize(st);
fail:
	sl_tx_rollback(s);
	json_decref(tj);
	json_decref(prev);
	return rc;
}

sl_rc sl_case_assign(sl_store *s, const char *case_id,
                     const char *const *reviewers, size_t n, size_t auto_n,
                     json_t **team_out)
{
	int tries = 0;
	sl_rc rc;
	do
		rc = assign_once(s, case_id, reviewers, n, auto_n, team_out);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}

static sl_rc extend_once(sl_store *s, const char *case_id, int days,
                         int64_t *deadline_out)
{
	sl_rc snap_rc = sl_tx_snapshot(s);
	if (snap_rc)
		return snap_rc;
	case_rec c;
	sl_rc rc = open_case(s, SL_ACT_CASE_EXTEND, case_id, &c);
	if (rc)
		return rc;
	sl_state next;
	if ((rc = sl_lifecycle_next(case_id, c.state, SL_EV_EXTEND, &next)))
		return rc;
	sl_rules *rules;
	if ((rc = sl_rules_load(s, &rules)))
		return rc;
	int max = sl_rules_max_extension_days(rules);
	int64_t deadline =
	    sl_clock_resume(rules, c.deadline_ms, days * SL_DAY_MS);
	sl_rules_free(rules);
	if (days < 1 || c.extended_days + days > max)
		return sl_error(
		    SL_EINPUT,
		    _("an extension of %d days is out of range: %d of %d "
		      "days allowed by the rules are already used"),
		    days, c.extended_days, max);
	if ((rc = sl_tx_begin_unchanged(s)))
		return rc;
	sl_case_change chg = {.deadline_ms = deadline, .extend_days = days};
	if ((rc = sl_case_transition(s, c.ref, case_id, c.state, SL_EV_EXTEND,
	                             &chg, NULL)))
		goto fail;
	json_t *d =
	    json_pack("{s:i, s:o, s:o, s:I, s:s, s:s?}", "days", days,
	              "old_deadline", ms_date(c.deadline_ms), "deadline",
	              ms_date(deadline), "deadline_ms", (json_int_t)deadline,
	              "agency", c.agency, "zone", c.zone[0] ? c.zone : NULL);
	rc = sl_audit(s, "case.extend", case_id, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	if (deadline_out)
		*deadline_out = deadline;
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

sl_rc sl_case_extend(sl_store *s, const char *case_id, int days,
                     int64_t *deadline_out)
{
	int tries = 0;
	sl_rc rc;
	do
		rc = extend_once(s, case_id, days, deadline_out);
	while (sl_tx_retry(s, rc, &tries));
	return rc;
}
