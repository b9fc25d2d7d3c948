/* caseview.c - the one read model of a case. See caseview.h. */
#define _GNU_SOURCE
#include "caseview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cases.h"
#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "findings.h"
#include "jsonout.h"
#include "lifecycle.h"
#include "opinions.h"
#include "outline.h"
#include "rules.h"

/* ---- the statements, prepared once per reader -----------------------------
 */

enum {
	V_CASE,
	V_PRIOR,
	V_FACTS,
	V_EVIDENCE,
	V_DOCS,
	V_RETS,
	V_ITEMS,
	V_TEAM,
	V_DOSSIER,
	V__N
};

static const char *const view_sql[V__N] = {
    [V_CASE] =
        "SELECT c.case_id, c.agency, c.zone, c.state, c.transferred_on,"
        " c.subject_name, c.person_id, c.position, c.rank, c.party_member,"
        " c.public_official, c.disciplines, c.eight_point,"
        " c.party_sanction, c.gov_sanction, c.form, c.circumstances,"
        " c.rev, c.checked_rev, c.received_ms, c.accepted_ms,"
        " c.deadline_ms, c.paused_ms, c.extended_days, c.returns,"
        " c.signed_head, c.intake_reasons, a.name, z.name"
        " FROM cases c LEFT JOIN agencies a ON a.code = c.agency"
        " LEFT JOIN zones z ON z.code = c.zone WHERE c.id = ?",
    [V_PRIOR] = "SELECT system, level, decided_on FROM prior_sanctions"
                " WHERE case_ref = ? ORDER BY n",
    [V_FACTS] = "SELECT id, summary, violation, date_from, date_to,"
                " amount_yuan, evidence, money_use, in_kind FROM facts"
                " WHERE case_ref = ? ORDER BY n",
    [V_EVIDENCE] = "SELECT id, kind, title, obtained_on, source, tags"
                   " FROM evidence WHERE case_ref = ? ORDER BY n",
    [V_DOCS] = "SELECT kind, date FROM documents WHERE case_ref = ?"
               " ORDER BY n",
    /* the returns with their outlines: a check judges what came in
     * answer to a return by that return's dates */
    [V_RETS] = "SELECT return_no, kind, returned_ms, resubmitted_ms"
               " FROM returns WHERE case_ref = ? ORDER BY return_no",
    [V_ITEMS] = "SELECT return_no, no, text, refs, answered_ms,"
                " answer_evidence FROM outline_items WHERE case_ref = ?"
                " ORDER BY return_no, no",
    [V_TEAM] = "SELECT a.user_id, u.role, u.agency, u.name FROM"
               " assignments a JOIN users u ON u.id = a.user_id"
               " WHERE a.case_ref = ? ORDER BY a.user_id",
    [V_DOSSIER] = "SELECT bytes, sha256 FROM dossiers WHERE case_ref = ?",
};

struct sl_casereader {
	sl_store *s;
	sqlite3_stmt *q[V__N];
	sl_arena mem;
	shenli_case c;
	sl_caseview v;
	sl_rules *rules; /* for labels and days left, read once */
	int rules_read;
};

#define TXT(st, i) ((const char *)sqlite3_column_text(st, i))

/* Rows of one case into an arena array of type; n counts them. */
#define COLLECT(st, type, out, n, FILL)                                        \
	do {                                                                   \
		size_t cap_ = 0;                                               \
		type *v_ = NULL;                                               \
		*(n) = 0;                                                      \
		while (sqlite3_step(st) == SQLITE_ROW) {                       \
			if (*(n) == cap_) {                                    \
				size_t nc_ = cap_ ? 2 * cap_ : 8;              \
				type *nv_ =                                    \
				    sl_arena_alloc(a, nc_ * sizeof *nv_);      \
				if (!nv_)                                      \
					break;                                 \
				if (v_)                                        \
					memcpy(nv_, v_, cap_ * sizeof *nv_);   \
				v_ = nv_;                                      \
				cap_ = nc_;                                    \
			}                                                      \
			type *it = &v_[(*(n))++];                              \
			FILL;                                                  \
		}                                                              \
		sqlite3_reset(st);                                             \
		(out) = v_;                                                    \
	} while (0)

/*
 * The lists a case keeps (evidence cited, tags, disciplines,
 * circumstances, reasons) are json_dumps of arrays of codes and ids: nearly
 * always plain, printable ASCII with no quote or backslash, no space. Those
 * are split here (jansson on each was 4% of a review run's time); any
 * other text (an escape, a byte past ASCII, a space, anything malformed)
 * goes to jansson, as every list did. Returns 0 if text is not plain.
 */
static int plain_char(char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static int plain_list(sl_arena *a, const char *text, const char ***out,
                      size_t *n)
{
	size_t k = 0;
	const char *p = text;
	if (*p++ != '[')
		return 0;
	while (*p != ']') {
		if ((k && *p++ != ',') || *p++ != '"')
			return 0;
		while (plain_char(*p))
			p++;
		if (*p++ != '"')
			return 0;
		k++;
	}
	if (p[1])
		return 0;
	const char **v = sl_arena_alloc(a, (k + 1) * sizeof *v);
	*out = v;
	if (!v)
		return 1;
	p = text + 1;
	for (size_t i = 0; i < k; i++) {
		p += i ? 2 : 1; /* past the ',' and the '"' */
		size_t len = strcspn(p, "\"");
		char *d = sl_arena_alloc(a, len + 1);
		if (d) {
			memcpy(d, p, len);
			d[len] = 0;
		}
		v[(*n)++] = d;
		p += len + 1;
	}
	return 1;
}

/* A stored JSON list of strings ("[\"E1\",\"E2\"]") into the arena. */
static const char *const *str_list(sl_arena *a, const char *text, size_t *n)
{
	*n = 0;
	const char **plain;
	if (text && plain_list(a, text, &plain, n))
		return plain;
	json_error_t jerr;
	json_t *j = text ? json_loads(text, 0, &jerr) : NULL;
	size_t k = json_is_array(j) ? json_array_size(j) : 0;
	const char **v = sl_arena_alloc(a, (k + 1) * sizeof *v);
	for (size_t i = 0; v && i < k; i++) {
		const char *s = json_string_value(json_array_get(j, i));
		if (s)
			v[(*n)++] = sl_arena_str(a, s);
	}
	json_decref(j);
	return v;
}

/* The local calendar day of a time in ms, or NULL for a NULL column. */
static const char *arena_day(sl_arena *a, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	char day[11];
	sl_day_of(sqlite3_column_int64(st, col), day);
	return sl_arena_str(a, day);
}

static const char *arena_int(sl_arena *a, int v)
{
	char t[16];
	snprintf(t, sizeof t, "%d", v);
	return sl_arena_str(a, t);
}

sl_rc sl_casereader_new(sl_store *s, sl_casereader **out)
{
	*out = NULL;
	sl_casereader *r = calloc(1, sizeof *r);
	if (!r)
		return sl_error(SL_ESYS, _("out of memory"));
	r->s = s;
	for (int i = 0; i < V__N; i++)
		if (sl_db_prepare(s, view_sql[i], &r->q[i])) {
			sl_rc rc = sl_db_err(s, _("reading a case"));
			sl_casereader_free(r);
			return rc;
		}
	*out = r;
	return SL_OK;
}

void sl_casereader_free(sl_casereader *r)
{
	if (!r)
		return;
	for (int i = 0; i < V__N; i++)
		sqlite3_finalize(r->q[i]);
	sl_arena_free(&r->mem);
	sl_rules_free(r->rules);
	free(r);
}

/* ---- the case row ----------------------------------------------------------
 */

static void case_row(sl_casereader *r, sqlite3_stmt *st)
{
	sl_arena *a = &r->mem;
	shenli_case *c = &r->c;
	sl_caseview *v = &r->v;
	c->case_id = v->case_id = sl_arena_str(a, TXT(st, 0));
	c->agency = v->agency = sl_arena_str(a, TXT(st, 1));
	c->zone = v->zone = sl_arena_str(a, TXT(st, 2));
	c->state = sl_arena_str(a, TXT(st, 3));
	int sn = sl_state_parse(c->state);
	v->state = sn < 0 ? SL_ST__COUNT : (sl_state)sn;
	c->transferred_on = v->transferred_on = sl_arena_str(a, TXT(st, 4));
	c->subject.name = v->subject_name = sl_arena_str(a, TXT(st, 5));
	c->subject.person_id = sl_arena_str(a, TXT(st, 6));
	c->subject.position = sl_arena_str(a, TXT(st, 7));
	c->subject.rank = sl_arena_str(a, TXT(st, 8));
	c->subject.party_member = sqlite3_column_int(st, 9);
	c->subject.public_official = sqlite3_column_int(st, 10);
	c->proposal.disciplines =
	    str_list(a, TXT(st, 11), &c->proposal.n_disciplines);
	c->proposal.eight_point_rules = sqlite3_column_int(st, 12);
	c->proposal.party_sanction = sl_arena_str(a, TXT(st, 13));
	c->proposal.gov_sanction = sl_arena_str(a, TXT(st, 14));
	c->proposal.form = sqlite3_column_int(st, 15);
	c->proposal.circumstances =
	    str_list(a, TXT(st, 16), &c->proposal.n_circumstances);
	v->rev = sqlite3_column_int(st, 17);
	v->checked = v->rev == sqlite3_column_int(st, 18);
	v->received_ms = sqlite3_column_int64(st, 19);
	v->accepted_ms = sqlite3_column_int64(st, 20);
	v->deadline_ms = sqlite3_column_int64(st, 21);
	v->clock_paused = sqlite3_column_type(st, 22) != SQLITE_NULL;
	v->extended_days = sqlite3_column_int(st, 23);
	v->returns = sqlite3_column_int(st, 24);
	v->signed_head = sl_arena_str(a, TXT(st, 25));
	v->intake_reasons = str_list(a, TXT(st, 26), &v->n_intake_reasons);
	v->labels.agency =
	    sl_arena_str(a, TXT(st, 27) ? TXT(st, 27) : v->agency);
	v->labels.zone =
	    v->zone ? sl_arena_str(a, TXT(st, 28) ? TXT(st, 28) : v->zone)
	            : NULL;
	int64_t now = sl_now_ms();
	v->overdue = sl_state_clock_runs(v->state) && v->deadline_ms &&
	             v->deadline_ms < now;
}

/* ---- the normalised dossier ------------------------------------------------
 */

/* An outline item with the number of its return, while reading. */
typedef struct {
	int return_no;
	shenli_outline_item it;
} item_row;

/* The returns of the case, each with its outline items. */
static void load_returns(sl_casereader *r)
{
	shenli_case *c = &r->c;
	sl_arena *a = &r->mem;
	sqlite3_stmt *st = r->q[V_RETS];
	shenli_return *rets;
	COLLECT(st, shenli_return, rets, &c->n_returns,
	        (it->return_no = sqlite3_column_int(st, 0),
	         it->kind = sl_arena_str(a, TXT(st, 1)),
	         it->returned_on = arena_day(a, st, 2),
	         it->resubmitted_on = arena_day(a, st, 3), it->items = NULL,
	         it->n_items = 0));
	c->returns = rets;
	item_row *rows;
	size_t n_rows;
	st = r->q[V_ITEMS];
	COLLECT(st, item_row, rows, &n_rows,
	        (it->return_no = sqlite3_column_int(st, 0),
	         it->it.no = arena_int(a, sqlite3_column_int(st, 1)),
	         it->it.text = sl_arena_str(a, TXT(st, 2)),
	         it->it.refs = str_list(a, TXT(st, 3), &it->it.n_refs),
	         it->it.answered = sqlite3_column_type(st, 4) != SQLITE_NULL,
	         it->it.answered_on = arena_day(a, st, 4),
	         it->it.answer_evidence =
	             str_list(a, TXT(st, 5), &it->it.n_answer_evidence)));
	/* rows come in return order: each return's items are one run */
	size_t k = 0;
	for (size_t i = 0; i < c->n_returns && !a->failed; i++) {
		while (k < n_rows && rows[k].return_no < rets[i].return_no)
			k++;
		size_t first = k;
		while (k < n_rows && rows[k].return_no == rets[i].return_no)
			k++;
		shenli_outline_item *items =
		    sl_arena_alloc(a, (k - first + 1) * sizeof *items);
		for (size_t j = first; items && j < k; j++)
			items[j - first] = rows[j].it;
		rets[i].items = items;
		rets[i].n_items = items ? k - first : 0;
	}
}

static void load_tables(sl_casereader *r)
{
	shenli_case *c = &r->c;
	sl_arena *a = &r->mem;
	sqlite3_stmt *st = r->q[V_PRIOR];
	COLLECT(st, shenli_prior_sanction, c->subject.prior,
	        &c->subject.n_prior,
	        (it->system = sl_arena_str(a, TXT(st, 0)),
	         it->level = sl_arena_str(a, TXT(st, 1)),
	         it->decided_on = sl_arena_str(a, TXT(st, 2))));
	st = r->q[V_FACTS];
	COLLECT(st, shenli_fact, c->facts, &c->n_facts,
	        (it->id = sl_arena_str(a, TXT(st, 0)),
	         it->summary = sl_arena_str(a, TXT(st, 1)),
	         it->violation = sl_arena_str(a, TXT(st, 2)),
	         it->from = sl_arena_str(a, TXT(st, 3)),
	         it->to = sl_arena_str(a, TXT(st, 4)),
	         it->has_amount = sqlite3_column_type(st, 5) != SQLITE_NULL,
	         it->amount_yuan = sqlite3_column_double(st, 5),
	         it->evidence = str_list(a, TXT(st, 6), &it->n_evidence),
	         it->use = sl_arena_str(a, TXT(st, 7)),
	         it->in_kind = sqlite3_column_int(st, 8)));
	st = r->q[V_EVIDENCE];
	COLLECT(st, shenli_evidence, c->evidence, &c->n_evidence,
	        (it->id = sl_arena_str(a, TXT(st, 0)),
	         it->kind = sl_arena_str(a, TXT(st, 1)),
	         it->title = sl_arena_str(a, TXT(st, 2)),
	         it->obtained_on = sl_arena_str(a, TXT(st, 3)),
	         it->source = sl_arena_str(a, TXT(st, 4)),
	         it->tags = str_list(a, TXT(st, 5), &it->n_tags)));
	st = r->q[V_DOCS];
	COLLECT(st, shenli_document, c->documents, &c->n_documents,
	        (it->kind = sl_arena_str(a, TXT(st, 0)),
	         it->date = sl_arena_str(a, TXT(st, 1))));
	load_returns(r);
}

static void load_team(sl_casereader *r)
{
	sl_arena *a = &r->mem;
	sqlite3_stmt *st = r->q[V_TEAM];
	sl_team_member *team;
	COLLECT(st, sl_team_member, team, &r->v.n_team,
	        (it->id = sl_arena_str(a, TXT(st, 0)),
	         it->role = sl_arena_str(a, TXT(st, 1)),
	         it->agency = sl_arena_str(a, TXT(st, 2)),
	         it->name = sl_arena_str(a, TXT(st, 3))));
	r->v.team = team;
}

/* ---- the stored dossier ----------------------------------------------------
 */

/* The answers a resubmitted dossier carries ("supplement"). */
static void load_supplement(sl_casereader *r, json_t *root)
{
	sl_arena *a = &r->mem;
	json_t *sup = json_object_get(root, "supplement");
	size_t n = json_is_array(sup) ? json_array_size(sup) : 0;
	sl_supplement_entry *e = sl_arena_alloc(a, (n + 1) * sizeof *e);
	size_t k = 0;
	for (size_t i = 0; e && i < n; i++) {
		json_t *o = json_array_get(sup, i), *ev;
		const char *item =
		    json_string_value(json_object_get(o, "item"));
		if (!item)
			continue;
		e[k].item = sl_arena_str(a, item);
		e[k].note = sl_arena_str(
		    a, json_string_value(json_object_get(o, "note")));
		ev = json_object_get(o, "evidence");
		size_t m = json_is_array(ev) ? json_array_size(ev) : 0;
		const char **ids = sl_arena_alloc(a, (m + 1) * sizeof *ids);
		size_t q = 0;
		for (size_t j = 0; ids && j < m; j++) {
			const char *id =
			    json_string_value(json_array_get(ev, j));
			if (id)
				ids[q++] = sl_arena_str(a, id);
		}
		e[k].evidence = ids;
		e[k].n_evidence = ids ? q : 0;
		k++;
	}
	r->v.supplement = e;
	r->v.n_supplement = e ? k : 0;
}

static sl_rc load_dossier(sl_casereader *r)
{
	sqlite3_stmt *st = r->q[V_DOSSIER];
	sl_rc rc = SL_OK;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = sl_error(SL_EINTEGRITY, _("case %s has no dossier"),
		              r->v.case_id);
		goto out;
	}
	const char *bytes = sqlite3_column_blob(st, 0);
	size_t n = (size_t)sqlite3_column_bytes(st, 0);
	uint8_t h[SL_SHA256_LEN];
	sl_sha256(bytes, n, h);
	if (sqlite3_column_bytes(st, 1) != SL_SHA256_LEN ||
	    memcmp(h, sqlite3_column_blob(st, 1), SL_SHA256_LEN)) {
		rc = sl_error(SL_EINTEGRITY,
		              _("the stored dossier of %s does not match its "
		                "hash"),
		              r->v.case_id);
		goto out;
	}
	char *copy = sl_arena_alloc(&r->mem, n + 1);
	if (!copy)
		goto out;
	memcpy(copy, bytes, n);
	copy[n] = 0;
	r->v.dossier = copy;
	r->v.dossier_len = n;
	sl_hex(h, sizeof h, r->v.dossier_sha256);
	json_error_t jerr;
	json_t *root = json_loadb(copy, n, 0, &jerr);
	load_supplement(r, root);
	json_decref(root);
out:
	sqlite3_reset(st);
	return rc;
}

/* ---- names -----------------------------------------------------------------
 */

static const sl_rules *rules_of(sl_casereader *r)
{
	if (!r->rules_read) {
		r->rules_read = 1;
		if (sl_rules_load(r->s, &r->rules))
			r->rules = NULL; /* codes then stand for themselves */
	}
	return r->rules;
}

/* The zh of code in the rules document's section (circumstances: {code:
 * {"zh"}}), or the code. */
static const char *section_zh(const sl_rules *rl, const char *section,
                              const char *code)
{
	json_t *sec = rl ? json_object_get(sl_rules_json(rl), section) : NULL;
	const char *zh = json_string_value(
	    json_object_get(json_object_get(sec, code), "zh"));
	return zh ? zh : code;
}

static const char *form_zh(sl_arena *a, const sl_rules *rl, int form)
{
	json_t *forms = rl ? json_object_get(sl_rules_json(rl), "forms") : NULL;
	size_t i;
	json_t *f;
	json_array_foreach(forms, i, f)
	{
		if (json_integer_value(json_object_get(f, "form")) == form &&
		    json_string_value(json_object_get(f, "zh")))
			return sl_arena_str(
			    a, json_string_value(json_object_get(f, "zh")));
	}
	char buf[32];
	snprintf(buf, sizeof buf, "第%d种形态", form);
	return sl_arena_str(a, buf);
}

static const char **names(sl_arena *a, size_t n)
{
	return sl_arena_alloc(a, (n + 1) * sizeof(const char *));
}

static void load_labels(sl_casereader *r)
{
	const sl_rules *rl = rules_of(r);
	sl_arena *a = &r->mem;
	const shenli_case *c = &r->c;
	sl_case_labels *l = &r->v.labels;
	const char **v = names(a, c->n_facts);
	for (size_t i = 0; v && i < c->n_facts; i++) {
		const sl_violation *vi =
		    rl ? sl_rules_violation(rl, c->facts[i].violation) : NULL;
		v[i] = vi && vi->zh ? vi->zh : c->facts[i].violation;
	}
	l->violation = v;
	v = names(a, c->n_evidence);
	for (size_t i = 0; v && i < c->n_evidence; i++)
		v[i] = rl ? sl_rules_evidence_name(rl, c->evidence[i].kind)
		          : c->evidence[i].kind;
	l->evidence = v;
	v = names(a, c->n_documents);
	for (size_t i = 0; v && i < c->n_documents; i++)
		v[i] = rl ? sl_rules_doc_name(rl, c->documents[i].kind)
		          : c->documents[i].kind;
	l->document = v;
	v = names(a, c->proposal.n_disciplines);
	for (size_t i = 0; v && i < c->proposal.n_disciplines; i++)
		v[i] = sl_discipline_name(c->proposal.disciplines[i]);
	l->discipline = v;
	v = names(a, c->proposal.n_circumstances);
	for (size_t i = 0; v && i < c->proposal.n_circumstances; i++)
		v[i] = section_zh(rl, "circumstances",
		                  c->proposal.circumstances[i]);
	l->circumstance = v;
	l->form = form_zh(a, rl, c->proposal.form);
}

/* ---- loading ---------------------------------------------------------------
 */

sl_rc sl_casereader_load(sl_casereader *r, int64_t ref, unsigned parts,
                         const sl_caseview **out)
{
	*out = NULL;
	sl_arena_reset(&r->mem);
	memset(&r->c, 0, sizeof r->c);
	memset(&r->v, 0, sizeof r->v);
	r->v.c = &r->c;
	for (int i = 0; i < V__N; i++)
		sqlite3_bind_int64(r->q[i], 1, ref);
	sqlite3_stmt *st = r->q[V_CASE];
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return sl_db_err(r->s, _("reading a case"));
	}
	case_row(r, st);
	sqlite3_reset(st);
	if (sl_state_clock_runs(r->v.state) && r->v.deadline_ms) {
		r->v.has_days_left = 1;
		r->v.days_left = sl_clock_days_left(rules_of(r), sl_now_ms(),
		                                    r->v.deadline_ms);
	}
	/* for people (case show), not for a check run over every case */
	int intake_days =
	    (parts & SL_CV_LABELS) ? sl_rules_intake_days(rules_of(r)) : 0;
	if (intake_days > 0 && r->v.transferred_on) {
		int64_t due = sl_clock_working_days(
		    rules_of(r), r->v.transferred_on, intake_days);
		r->v.intake_due_ms = due > 0 ? due : 0;
		r->v.intake_late =
		    due > 0 && r->v.received_ms > r->v.intake_due_ms;
	}
	if (parts & (SL_CV_TABLES | SL_CV_LABELS))
		load_tables(r);
	if (parts & SL_CV_TEAM)
		load_team(r);
	sl_rc rc = SL_OK;
	if (parts & SL_CV_DOSSIER)
		rc = load_dossier(r);
	if (!rc && (parts & SL_CV_LABELS))
		load_labels(r);
	if (!rc && r->mem.failed)
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (!rc)
		*out = &r->v;
	return rc;
}

/* ---- the view of scripts and documents -------------------------------------
 */

static json_t *team_json(const sl_caseview *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->n_team; i++)
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s?, s:s?}", "id", v->team[i].id,
		                 "role", v->team[i].role, "agency",
		                 v->team[i].agency, "name", v->team[i].name));
	return a;
}

/* Opinions of reviewers since taken off the team: no longer in force, but
 * part of the record the report shows. */
static sl_rc reassigned(sl_store *s, int64_t ref, const char *case_id,
                        json_t **out)
{
	json_t *all;
	sl_rc rc = sl_opinions_of(s, ref, case_id, 1, &all);
	if (rc)
		return rc;
	json_t *gone = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o)
	{
		const char *w =
		    json_string_value(json_object_get(o, "withdrawn"));
		if (w && !strcmp(w, "reassigned"))
			json_array_append(gone, o);
	}
	json_decref(all);
	*out = gone;
	return SL_OK;
}

static sl_rc script_parts(sl_store *s, int64_t ref, const char *case_id,
                          json_t *v)
{
	json_t *part;
	sl_rc rc;
	if ((rc = sl_review_findings_of(s, ref, &part)))
		return rc;
	json_object_set_new(v, "findings", part);
	if ((rc = sl_opinions_of(s, ref, case_id, 0, &part)))
		return rc;
	json_object_set_new(v, "opinions", part);
	if ((rc = reassigned(s, ref, case_id, &part)))
		return rc;
	json_object_set_new(v, "opinions_reassigned", part);
	if ((rc = sl_returns_of(s, ref, case_id, &part)))
		return rc;
	json_object_set_new(v, "returns", part);
	return SL_OK;
}

sl_rc sl_caseview_script_json(sl_store *s, int64_t ref, const char *case_id,
                              json_t **out)
{
	*out = NULL;
	sl_casereader *r;
	sl_rc rc = sl_casereader_new(s, &r);
	if (rc)
		return rc;
	const sl_caseview *cv;
	if ((rc =
	         sl_casereader_load(r, ref, SL_CV_TEAM | SL_CV_DOSSIER, &cv))) {
		sl_casereader_free(r);
		return rc;
	}
	json_error_t jerr;
	json_t *v = json_loadb(cv->dossier, cv->dossier_len, 0, &jerr);
	if (!json_is_object(v)) {
		json_decref(v);
		sl_casereader_free(r);
		return sl_error(SL_EINTEGRITY,
		                _("the stored dossier of %s is not an object"),
		                case_id);
	}
	char accepted[11], today[11];
	if (cv->accepted_ms)
		sl_day_of(cv->accepted_ms, accepted);
	sl_day_of(sl_now_ms(), today);
	json_object_set_new(v, "state", json_string(sl_state_name(cv->state)));
	json_object_set_new(v, "zone",
	                    cv->zone ? json_string(cv->zone) : json_null());
	json_object_set_new(v, "accepted_on",
	                    cv->accepted_ms ? json_string(accepted)
	                                    : json_null());
	json_object_set_new(v, "today", json_string(today));
	json_object_set_new(v, "checked", json_boolean(cv->checked));
	json_object_set_new(v, "team", team_json(cv));
	sl_casereader_free(r);
	if ((rc = script_parts(s, ref, case_id, v))) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return SL_OK;
}

/* ---- case show
 * --------------------------------------------------------------- */

/* What sl_case_show hands out: the view and the reader that holds it. */
typedef struct {
	sl_caseview v; /* first: the caller frees through it */
	sl_casereader *r;
} shown;

sl_rc sl_case_show(sl_store *s, const char *case_id, sl_caseview **out)
{
	*out = NULL;
	int64_t ref;
	sl_state state;
	sl_rc rc = sl_case_require(s, SL_ACT_CASE_READ, case_id, &ref, &state);
	if (rc)
		return rc;
	shown *sh = calloc(1, sizeof *sh);
	if (!sh)
		return sl_error(SL_ESYS, _("out of memory"));
	const sl_caseview *cv;
	if ((rc = sl_casereader_new(s, &sh->r)) ||
	    (rc = sl_casereader_load(sh->r, ref, SL_CV_ALL, &cv))) {
		sl_casereader_free(sh->r);
		free(sh);
		return rc;
	}
	sh->v = *cv;
	int on_team = 0;
	for (size_t i = 0; i < sh->v.n_team; i++)
		on_team |= !strcmp(sh->v.team[i].id, sl_store_actor(s)->id);
	if ((rc = sl_opinions_readable(s, ref, case_id, on_team,
	                               &sh->v.opinions_open))) {
		sl_caseview_free(&sh->v);
		return rc;
	}
	*out = &sh->v;
	return SL_OK;
}

void sl_caseview_free(sl_caseview *v)
{
	if (!v)
		return;
	shown *sh = (shown *)v;
	sl_casereader_free(sh->r);
	free(sh);
}

/* o[code] = name, where both are known (a code met twice is named once). */
static void name_of(json_t *o, const char *code, const char *name)
{
	if (o && code && name)
		json_object_set_new(o, code, json_string(name));
}

/* Each code the case uses, mapped to its Chinese name (v->labels), so
 * that a page shows names without a vocabulary of its own. */
static json_t *labels_json(const sl_caseview *v)
{
	const shenli_case *c = v->c;
	const sl_case_labels *l = &v->labels;
	json_t *vi = json_object(), *ev = json_object(), *doc = json_object();
	json_t *dis = json_object(), *cir = json_object();
	for (size_t i = 0; l->violation && i < c->n_facts; i++)
		name_of(vi, c->facts[i].violation, l->violation[i]);
	for (size_t i = 0; l->evidence && i < c->n_evidence; i++)
		name_of(ev, c->evidence[i].kind, l->evidence[i]);
	for (size_t i = 0; l->document && i < c->n_documents; i++)
		name_of(doc, c->documents[i].kind, l->document[i]);
	for (size_t i = 0; l->discipline && i < c->proposal.n_disciplines; i++)
		name_of(dis, c->proposal.disciplines[i], l->discipline[i]);
	for (size_t i = 0; l->circumstance && i < c->proposal.n_circumstances;
	     i++)
		name_of(cir, c->proposal.circumstances[i], l->circumstance[i]);
	return json_pack("{s:s?, s:s?, s:o*, s:o*, s:o*, s:o*, s:o*, s:s?}",
	                 "agency", l->agency, "zone", l->zone, "violations", vi,
	                 "evidence", ev, "documents", doc, "disciplines", dis,
	                 "circumstances", cir, "form", l->form);
}

json_t *sl_case_show_json(const sl_caseview *v)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < v->n_team; i++)
		json_array_append_new(ids, json_string(v->team[i].id));
	json_error_t jerr;
	json_t *dossier = v->dossier
	                      ? json_loadb(v->dossier, v->dossier_len, 0, &jerr)
	                      : NULL;
	json_t *o = json_pack(
	    "{s:s, s:s, s:s?, s:s, s:s, s:o, s:o, s:i, s:o, s:o, s:o, s:o,"
	    " s:b, s:b, s:i, s:o, s:s, s:i, s:s?}",
	    "case_id", v->case_id, "agency", v->agency, "zone", v->zone,
	    "state", sl_state_name(v->state), "subject_name", v->subject_name,
	    "assignees", ids, "team", team_json(v), "returns", v->returns,
	    "received_at", sl_json_utc(v->received_ms), "accepted_at",
	    sl_json_utc(v->accepted_ms), "deadline",
	    sl_json_utc(v->deadline_ms), "intake_reasons",
	    sl_json_strings(v->intake_reasons, v->n_intake_reasons),
	    "clock_paused", v->clock_paused, "overdue", v->overdue,
	    "extended_days", v->extended_days, "dossier",
	    dossier ? dossier : json_null(), "dossier_sha256",
	    v->dossier_sha256, "dossier_rev", v->rev, "signed_head",
	    v->signed_head);
	if (o) {
		json_object_set_new(o, "days_left",
		                    v->has_days_left
		                        ? json_integer(v->days_left)
		                        : json_null());
		json_object_set_new(o, "opinions_open",
		                    json_boolean(v->opinions_open));
		/* the intake's limit, if the rules set one: null if not */
		json_object_set_new(o, "intake_due",
		                    v->intake_due_ms
		                        ? sl_json_utc(v->intake_due_ms)
		                        : json_null());
		json_object_set_new(o, "intake_late",
		                    json_boolean(v->intake_late));
		json_object_set_new(o, "labels", labels_json(v));
	}
	return o;
}
