/*
 * import.c - case import: dossiers in, each decided by intake (intake.h)
 * and stored with its rows (caserows.h), in batches: a transaction, with
 * its signature, of whole dossiers at a time (ops_case.h). A JSON Lines
 * stream is parsed on a second thread while this one decides and writes.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <shenli/ops_case.h>

#include "audit.h"
#include "caserows.h"
#include "clock.h"
#include "db.h"
#include "guard.h"
#include "intake.h"
#include "msgc.h"
#include "store.h"
#include "transition.h"

/*
 * Batches. The store has one writer at a time; a transaction as long as
 * the import (13 s for 100k dossiers) would shut every other writer out
 * for all of it. So a batch closes (commits, signed) between two dossiers
 * once it has run BATCH_MS, or at BATCH_MAX dossiers, and the import then
 * lets any writer waiting go first (sl_tx_yield): another user's command
 * waits for one batch at most. Not before BATCH_MIN dossiers, so that an
 * import of up to that many is one transaction, all or nothing, as a
 * handful of files should be; only input that stalls (a pipe) has a batch
 * closed sooner, rather than the store held while nothing is written
 * (wait_input). A dossier is never split: its rows and its audit entry
 * are in one batch.
 */
#define BATCH_MS 250
#define BATCH_MIN 500
#define BATCH_MAX 2048

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
	sl_rows_writer *w;
	int in_tx;
	/* the open batch: when it began (monotonic ms), its dossiers; and
	 * the dossiers of the batches committed before it */
	int64_t batch_t0;
	size_t batch_n, committed;
	int64_t batch_ms; /* 0: the whole import is one transaction */
	char case_id[128];
	int64_t now, deadline; /* the transaction's time; a new review limit */
	sl_hasher *sha;
	json_t *reasons; /* of the last dossier, until the next */
	const char **reason_v;
	char error[600], error_c[600]; /* as said, and untranslated */
	void (*on_commit)(void *ud);
	void *on_commit_ud;
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
	im->batch_ms = BATCH_MS;
	sl_dossier_default_limits(&im->lim);
	if (!(im->sha = sl_hasher_new())) {
		free(im);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	if ((rc = sl_rules_load(s, &im->rules))) {
		free(im);
		return rc;
	}
	if ((rc = sl_rows_writer_new(s, &im->w))) {
		sl_import_abort(im);
		return rc;
	}
	sqlite3_stmt *st;
	if (sl_db_prepare(s, "SELECT code, zone FROM agencies ORDER BY code",
	                  &st)) {
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
	/* A batch is a large transaction: a larger page cache keeps its pages
	 * from being spilled to the log and rewritten; and a checkpoint every
	 * few batches, not at each, copies and syncs the pages that every
	 * batch rewrites once for those few (about 5% of an import's time).
	 * Both restored at the end. 32 MiB holds a batch's pages (about
	 * 2,400 of 4 KiB) three times over; 64 MiB was no faster at 100k or
	 * at 1M (162.5 s against 158.3 s) and was a third of peak RSS (116
	 * MiB against 80; 16 MiB: 162.0 s, 77 MiB). */
	sl_db_cache(s, 32768);
	sl_db_checkpoint_every(s, 8192);
	*out = im;
	return SL_OK;
}

static int cmp_agency(const void *k, const void *e)
{
	return strcmp(k, ((const agency_rec *)e)->code);
}

void sl_import_set_batch(sl_importer *im, int64_t ms)
{
	im->batch_ms = ms;
}

size_t sl_import_committed(const sl_importer *im)
{
	return im->committed;
}

void sl_import_on_commit(sl_importer *im, void (*fn)(void *ud), void *ud)
{
	im->on_commit = fn;
	im->on_commit_ud = ud;
}

/* The open batch committed; then, if more is to come (more), whoever
 * waits to write goes first. */
static sl_rc batch_end(sl_importer *im, int more)
{
	if (!im->in_tx)
		return SL_OK;
	im->in_tx = 0;
	sl_rc rc = sl_tx_commit(im->s);
	if (rc)
		return rc;
	im->committed += im->batch_n;
	im->batch_n = 0;
	if (im->on_commit)
		im->on_commit(im->on_commit_ud);
	if (more)
		sl_tx_yield(im->s);
	return SL_OK;
}

/* Whether the open batch has had its share, after a dossier. */
static int batch_due(const sl_importer *im)
{
	if (!im->in_tx || !im->batch_ms || im->batch_n < BATCH_MIN)
		return 0;
	return im->batch_n >= BATCH_MAX ||
	       sl_mono_ms() - im->batch_t0 >= im->batch_ms;
}

void sl_import_abort(sl_importer *im)
{
	if (!im)
		return;
	if (im->in_tx)
		sl_tx_rollback(im->s);
	sl_rows_writer_free(im->w);
	json_decref(im->reasons);
	free(im->reason_v);
	sl_db_cache(im->s, 0);
	sl_db_checkpoint_every(im->s, 0);
	sl_rules_free(im->rules);
	sl_hasher_free(im->sha);
	free(im->agencies);
	free(im);
}

sl_rc sl_import_finish(sl_importer *im)
{
	sl_rc rc = batch_end(im, 0);
	sl_import_abort(im);
	return rc;
}

/* The case, in the state the machine gives its intake event. */
static sl_rc store(sl_importer *im, const sl_rows *pp, const char *buf,
                   size_t len, const char *zone, sl_intake_decision dec,
                   const sl_rows_found *old, json_t *reasons)
{
	sl_rc rc;
	if (old->found && (rc = sl_rows_forget(im->s, old->ref, 1)))
		return rc;
	sl_rows_case hc = {zone, SL_ST__COUNT, im->now, 0, 0, 0, NULL};
	if ((rc = sl_case_intake_state(
	         pp->d->case_id, old->found ? old->state : SL_ST__COUNT,
	         dec == SL_INTAKE_ACCEPTED   ? SL_EV_ACCEPT
	         : dec == SL_INTAKE_DEFERRED ? SL_EV_DEFER
	                                     : SL_EV_REFUSE,
	         &hc.state)))
		return rc;
	if (hc.state == SL_ST_ACCEPTED) {
		hc.accepted_ms = im->now;
		hc.deadline_ms = im->deadline;
		hc.limit_days = sl_clock_limit_days(im->rules, im->now);
	}
	char *why = json_dumps(reasons, JSON_COMPACT);
	if (!why)
		return sl_error(SL_ESYS, _("out of memory"));
	hc.reasons_json = why;
	rc = sl_rows_insert(im->w, pp, buf, len, &hc);
	free(why);
	return rc;
}

static sl_rc audit_intake(sl_importer *im, const sl_rows *pp, const char *zone,
                          sl_intake_decision dec, int reintake, int duplicate,
                          json_t *reasons)
{
	const sl_dossier *d = pp->d;
	json_t *det = json_pack(
	    "{s:s, s:O, s:s, s:s?, s:s, s:s, s:b, s:b, s:I}", "decision",
	    sl_intake_name(dec), "reasons", reasons, "agency", d->agency,
	    "zone", *zone ? zone : NULL, "sha256", pp->hex, "content",
	    pp->content, "reintake", reintake, "duplicate", duplicate, "rules",
	    (json_int_t)sl_rules_version(im->rules));
	if (!det)
		return sl_error(SL_ESYS, _("out of memory"));
	if (dec == SL_INTAKE_ACCEPTED) {
		json_object_set_new(det, "deadline_ms",
		                    json_integer(im->deadline));
		/* the limit's days, which later limits are counted from: the
		 * replay derives cases.limit_days from these */
		json_object_set_new(
		    det, "limit_days",
		    json_integer(sl_clock_limit_days(im->rules, im->now)));
	}
	sl_rc rc = sl_audit(im->s, "case.intake", d->case_id, det);
	json_decref(det);
	return rc;
}

/* The result of one decided dossier: its reasons as strings, kept by the
 * importer until the next one. */
static sl_rc result(sl_importer *im, sl_intake_decision dec, json_t *reasons,
                    sl_import_res *out)
{
	json_decref(im->reasons);
	free(im->reason_v);
	im->reasons = reasons;
	size_t n = json_array_size(reasons);
	im->reason_v = calloc(n + 1, sizeof *im->reason_v);
	if (!im->reason_v)
		return sl_error(SL_ESYS, _("out of memory"));
	for (size_t i = 0; i < n; i++)
		im->reason_v[i] = json_string_value(json_array_get(reasons, i));
	out->rc = SL_OK;
	out->case_id = im->case_id;
	out->decision = dec;
	out->reasons = im->reason_v;
	out->n_reasons = n;
	out->error = NULL;
	return SL_OK;
}

/* What the store knows of the dossier's agency and case id. */
static sl_rc facts_of(sl_importer *im, const sl_dossier *d, sl_intake_facts *k,
                      char zone[SL_CODE_MAX + 1], char dup[16],
                      sl_rows_found *old)
{
	const agency_rec *az = bsearch(d->agency, im->agencies, im->n_agencies,
	                               sizeof *im->agencies, cmp_agency);
	zone[0] = dup[0] = 0;
	if (az)
		snprintf(zone, SL_CODE_MAX + 1, "%s", az->zone);
	sl_rc rc = sl_rows_find(im->w, d->case_id, old);
	if (rc)
		return rc;
	int hidden = 0;
	if (old->found) {
		/* Another zone's case (or one the leader is recused from) is
		 * neither shown nor touched: its id is simply taken. */
		sl_case_ref other = {d->case_id, old->agency,
		                     old->zone[0] ? old->zone : NULL, 0};
		hidden = !sl_policy_may_reintake(sl_store_actor(im->s), &other);
		if (hidden)
			snprintf(dup, 16, "-");
		else if (!sl_lifecycle_allows(old->state, SL_EV_REINTAKE))
			snprintf(dup, 16, "%s", sl_state_name(old->state));
		if (*dup)
			old->found = 0; /* not replaced: untouched */
	}
	*k = (sl_intake_facts){az != NULL, zone, *dup ? dup : NULL, hidden};
	return SL_OK;
}

/* Decide and store one prepared dossier. */
static sl_rc import_parsed(sl_importer *im, const sl_rows *pp, const char *buf,
                           size_t len, sl_import_res *out)
{
	const sl_dossier *d = pp->d;
	snprintf(im->case_id, sizeof im->case_id, "%s", d->case_id);
	sl_rc rc;
	/* the case id looked up in the transaction that takes the case in:
	 * looked up before it, another import of the same id between the
	 * two would make this one's insert fail as a database error */
	if (!im->in_tx) {
		if ((rc = sl_tx_begin(im->s)))
			return rc;
		im->in_tx = 1;
		im->batch_t0 = sl_mono_ms();
	}
	/* local days, to the end of a working day (clock.h); worked out once
	 * a transaction, whose clock is one time: each mktime() in it stats
	 * /etc/localtime (4% of an import's time) */
	int64_t now = sl_tx_clock(im->s);
	if (now != im->now || !im->deadline)
		im->deadline = sl_clock_limit(
		    im->rules, now, sl_clock_limit_days(im->rules, now));
	im->now = now;
	char zone[SL_CODE_MAX + 1], dup[16];
	sl_intake_facts k;
	sl_rows_found old;
	if ((rc = facts_of(im, d, &k, zone, dup, &old)))
		return rc;
	json_t *reasons = json_array();
	sl_intake_decision dec =
	    sl_intake_decide(sl_store_actor(im->s), im->rules, d, &k, reasons);
	/* A duplicate of a live case is refused and only audited: the case
	 * already in the store is not touched. */
	if (!*dup && (rc = store(im, pp, buf, len, zone, dec, &old, reasons))) {
		json_decref(reasons);
		return rc;
	}
	if ((rc = audit_intake(im, pp, zone, dec, old.found, *dup != 0,
	                       reasons))) {
		json_decref(reasons);
		return rc;
	}
	im->batch_n++;
	if (batch_due(im) && (rc = batch_end(im, 1))) {
		json_decref(reasons);
		return rc;
	}
	return result(im, dec, reasons, out);
}

struct reparse {
	const char *buf;
	size_t len;
	const char *name;
	const sl_dossier_limits *lim;
};

static sl_rc reparse(void *arg)
{
	struct reparse *rp = arg;
	sl_dossier *d = NULL;
	sl_rc rc = sl_dossier_parse(rp->buf, rp->len, rp->name, rp->lim, &d);
	sl_dossier_free(d);
	return rc;
}

struct reread {
	const char *path;
	size_t max;
};

/* The case id of a malformed dossier where it can still be read (a JSON
 * object whose "case_id" is a valid case id), so that a script matching
 * the results to its dossiers by case id (spec/cli.md: one object per
 * dossier) finds this one too; "" where it cannot. jansson bounds its own
 * depth; this runs only for a dossier already refused. */
static const char *readable_case_id(const char *buf, size_t len, char *out,
                                    size_t cap)
{
	json_error_t e;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
	const char *id = json_string_value(json_object_get(j, "case_id"));
	snprintf(out, cap, "%s", id && sl_case_id_valid(id) ? id : "");
	json_decref(j);
	return *out ? out : NULL;
}

static sl_rc reread(void *arg)
{
	struct reread *rr = arg;
	char *buf = NULL;
	size_t len;
	sl_rc rc = sl_file_read(rr->path, rr->max, &buf, &len);
	free(buf);
	return rc;
}

sl_rc sl_import_one(sl_importer *im, const char *buf, size_t len,
                    const char *name, sl_import_res *out)
{
	memset(out, 0, sizeof *out);
	sl_dossier *d = NULL;
	sl_rc rc = sl_dossier_parse(buf, len, name, &im->lim, &d);
	sl_rows pp;
	if (!rc && !(rc = sl_rows_prepare(&pp, d, buf, len, im->sha))) {
		rc = import_parsed(im, &pp, buf, len, out);
		sl_rows_free(&pp);
	}
	if (rc == SL_EINPUT) { /* malformed: nothing written, not audited */
		snprintf(im->error, sizeof im->error, "%s", sl_errmsg());
		out->rc = rc;
		out->error = im->error;
		out->case_id =
		    readable_case_id(buf, len, im->case_id, sizeof im->case_id);
		/* the parse again, untranslated; where it passes, the error
		 * came after it and is taken as it was said */
		struct reparse rp = {buf, len, name, &im->lim};
		out->error_c =
		    sl_msgc_run(reparse, &rp, im->error_c, sizeof im->error_c)
		        ? im->error_c
		        : im->error;
	}
	return rc;
}

size_t sl_dossier_max_bytes(void)
{
	sl_dossier_limits lim;
	sl_dossier_default_limits(&lim);
	return lim.max_bytes;
}

sl_rc sl_import_file(sl_importer *im, const char *path, sl_import_res *out)
{
	memset(out, 0, sizeof *out);
	char *buf;
	size_t len;
	sl_rc rc = sl_file_read(path, im->lim.max_bytes, &buf, &len);
	if (rc == SL_OK) {
		rc = sl_import_one(im, buf, len, path, out);
		free(buf);
	} else if (rc == SL_EINPUT) {
		snprintf(im->error, sizeof im->error, "%s", sl_errmsg());
		out->rc = rc;
		out->error = out->error_c = im->error;
		/* read again, untranslated, unless reading is not
		 * repeatable: a pipe or a device would be read (or waited
		 * on) a second time */
		struct stat st;
		struct reread rr = {path, im->lim.max_bytes};
		if ((stat(path, &st) != 0 || S_ISREG(st.st_mode) ||
		     S_ISDIR(st.st_mode)) &&
		    sl_msgc_run(reread, &rr, im->error_c, sizeof im->error_c))
			out->error_c = im->error_c;
	}
	return rc;
}

json_t *sl_import_json(const sl_import_res *r)
{
	json_t *why = json_array();
	for (size_t i = 0; i < r->n_reasons; i++)
		json_array_append_new(why, json_string(r->reasons[i]));
	if (r->rc) {
		/* refused before anything was written (spec/cli.md: one
		 * object per dossier, decided or not); why is the reason */
		const char *e = r->error_c ? r->error_c
		                : r->error ? r->error
		                           : "";
		json_array_append_new(why, json_string(e));
		json_t *j =
		    json_pack("{s:s?, s:s, s:o, s:b, s:s}", "case_id",
		              r->case_id, "decision", "refused", "reasons", why,
		              "malformed", 1, "error", e);
		if (j && r->line > 0)
			json_object_set_new(j, "line", json_integer(r->line));
		return j;
	}
	return json_pack("{s:s, s:s, s:o}", "case_id", r->case_id, "decision",
	                 sl_intake_name(r->decision), "reasons", why);
}

/*
 * Streams: a second thread reads and parses lines while this one decides
 * and writes. Parsing (jansson plus validation) is about half the work of
 * an import and needs nothing from the store, so on two cores the two
 * halves overlap. The queue between them is bounded in items and in bytes:
 * a dossier's line and its parsed tree (about eight times the line), so
 * that a stream of large dossiers holds QBYTES, not QBYTES of lines.
 *
 * How the two meet decides whether they overlap at all. Handed over one
 * dossier at a time, through a queue of 64, they mostly took turns: each
 * batch's commit (about 0.1 s) filled the queue and stopped the reader,
 * and then the writer, faster than the reader, found the queue empty at
 * every other dossier and slept, each wake-up costing about as long as a
 * dossier. So the queue holds what the reader parses while a batch
 * commits (a dossier of the sample's size, with its tree, about 20 KiB:
 * the queue full, 20 MiB), and each side wakes the other only with a share to
 * give: the reader once WAKE dossiers wait (or before it sleeps itself), the
 * writer once the queue is down to half. A writer waiting on an empty queue
 * still looks again after WAIT_MS, so that a dossier trickling in from a pipe
 * is not held back; after twice that if it found nothing, and so on up to
 * WAIT_MAX_MS, so that a pipe that stays quiet costs no busy waiting.
 */
#define QCAP 1024
#define QBYTES (64u << 20)
#define WAKE 32
#define WAIT_MS 2
#define WAIT_MAX_MS 128

typedef struct {
	char *buf;
	size_t len;
	size_t weight; /* its line and its parsed tree: what QBYTES counts */
	long line;
	sl_rows p; /* p.d NULL: malformed, see rc/msg */
	sl_rc rc;
	char msg[600], msg_c[600];        /* as said, and untranslated */
	char case_id[SL_CASE_ID_MAX + 1]; /* malformed: readable_case_id */
} qitem;

typedef struct {
	FILE *in;
	const char *name;
	const sl_dossier_limits *lim;
	sl_hasher *sha; /* the reader's */
	pthread_mutex_t mu;
	pthread_cond_t put_cv, take_cv; /* the reader's wait, the writer's */
	qitem *q;                       /* QCAP */
	size_t head, n, bytes;
	/* done items handed back to the parser thread to free, so that the
	 * writer does not spend its time in free() */
	qitem *done; /* QCAP */
	size_t ndone;
	/* who sleeps: the reader, for room for want bytes; the writer */
	int put_waits, take_waits;
	size_t want;
	int eof, stop;
	sl_rc read_rc;
} stream;

/* How far past its limit a line is read on to its newline, in limits: a
 * line that goes on further (a device that never ends, /dev/zero) ends
 * the input there, refused, rather than be read for ever. */
#define SKIP_LIMITS 64

/* Read one line of at most max bytes into *buf. 1: a line; 0: end; -1: a
 * read error. *too_long: 1, the line was longer and has been skipped; 2,
 * it went on past SKIP_LIMITS limits, and nothing more is to be read. */

static int read_line(FILE *f, char **buf, size_t *cap, size_t max, size_t *len,
                     int *too_long)
{
	size_t n = 0, skipped = 0;
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
		if (*too_long) {
			if (++skipped / SKIP_LIMITS > max) {
				*too_long = 2; /* endless: the input ends */
				break;
			}
			continue;
		}
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

/* Nothing but JSON's whitespace (space, tab, CR), or nothing: a blank
 * line between dossiers, as a CRLF file's empty line ("\r") is. */
static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static void qitem_free(qitem *it)
{
	sl_rows_free(&it->p);
	free(it->buf);
}

/* Whether the queue takes an item of weight bytes (always, when empty). */
static int room(const stream *st, size_t weight)
{
	return st->n < QCAP && (!st->n || st->bytes + weight <= QBYTES);
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
			pthread_cond_signal(&st->take_cv);
			pthread_mutex_unlock(&st->mu);
			return NULL;
		}
		it.line = line;
		if (too_long) {
			static const char too_big[] =
			    N_("%s line %ld: larger than the limit of %zu "
			       "bytes");
			static const char endless[] =
			    N_("%s line %ld: larger than the limit of %zu "
			       "bytes, and no end to it; the rest of the input "
			       "was not read");
			it.rc = SL_EINPUT;
			if (too_long == 2) {
				snprintf(it.msg, sizeof it.msg, _(endless),
				         st->name, line, st->lim->max_bytes);
				snprintf(it.msg_c, sizeof it.msg_c, endless,
				         st->name, line, st->lim->max_bytes);
			} else {
				snprintf(it.msg, sizeof it.msg, _(too_big),
				         st->name, line, st->lim->max_bytes);
				snprintf(it.msg_c, sizeof it.msg_c, too_big,
				         st->name, line, st->lim->max_bytes);
			}
		} else if (blank_line(it.buf, it.len)) {
			free(it.buf);
			continue; /* blank lines between dossiers */
		} else {
			static const char at_line[] = N_("%s line %ld");
			char nm[300];
			sl_dossier *d = NULL;
			snprintf(nm, sizeof nm, _(at_line), st->name, line);
			it.rc =
			    sl_dossier_parse(it.buf, it.len, nm, st->lim, &d);
			if (!it.rc)
				it.rc = sl_rows_prepare(&it.p, d, it.buf,
				                        it.len, st->sha);
			if (it.rc) {
				snprintf(it.msg, sizeof it.msg, "%s",
				         sl_errmsg());
				readable_case_id(it.buf, it.len, it.case_id,
				                 sizeof it.case_id);
				snprintf(nm, sizeof nm, at_line, st->name,
				         line);
				struct reparse rp = {it.buf, it.len, nm,
				                     st->lim};
				if (!sl_msgc_run(reparse, &rp, it.msg_c,
				                 sizeof it.msg_c))
					snprintf(it.msg_c, sizeof it.msg_c,
					         "%s", it.msg);
			}
		}
		it.weight = it.len + sl_dossier_held(it.p.d);
		pthread_mutex_lock(&st->mu);
		while (st->ndone) { /* free what the writer is done with */
			qitem dn = st->done[--st->ndone];
			pthread_mutex_unlock(&st->mu);
			qitem_free(&dn);
			pthread_mutex_lock(&st->mu);
		}
		while (!st->stop && !room(st, it.weight)) {
			/* what is queued goes, before the reader sleeps */
			if (st->take_waits)
				pthread_cond_signal(&st->take_cv);
			st->put_waits = 1;
			st->want = it.weight;
			pthread_cond_wait(&st->put_cv, &st->mu);
			st->put_waits = 0;
		}
		if (st->stop) {
			pthread_mutex_unlock(&st->mu);
			qitem_free(&it);
			return NULL;
		}
		st->q[(st->head + st->n) % QCAP] = it;
		st->n++;
		st->bytes += it.weight;
		if (too_long == 2) { /* endless: nothing after it is read */
			st->eof = 1;
			pthread_cond_signal(&st->take_cv);
			pthread_mutex_unlock(&st->mu);
			return NULL;
		}
		if (st->take_waits && st->n >= WAKE)
			pthread_cond_signal(&st->take_cv);
		pthread_mutex_unlock(&st->mu);
	}
}

/* Wait, with st->mu held, for a line or the end. Input that is slow to
 * come (a pipe) does not keep a batch open past its time: it is committed
 * meanwhile, so that others are not shut out while nothing is written.
 * SL_OK, or the commit's failure (st->mu held either way). */
static sl_rc wait_input(sl_importer *im, stream *st)
{
	for (int64_t wait = WAIT_MS; !st->n && !st->eof;) {
		int64_t now = sl_mono_ms(), until = now + wait;
		if (wait < WAIT_MAX_MS)
			wait *= 2;
		if (im->in_tx && im->batch_ms) {
			int64_t due = im->batch_t0 + im->batch_ms;
			if (now >= due) {
				pthread_mutex_unlock(&st->mu);
				sl_rc rc = batch_end(im, 1);
				pthread_mutex_lock(&st->mu);
				if (rc)
					return rc;
				continue;
			}
			if (due < until)
				until = due;
		}
		struct timespec ts = {(time_t)(until / 1000),
		                      (long)(until % 1000) * 1000000};
		st->take_waits = 1;
		pthread_cond_timedwait(&st->take_cv, &st->mu, &ts);
		st->take_waits = 0;
	}
	return SL_OK;
}

static void stream_free(stream *st)
{
	/* queued after the writer stopped; done, not yet freed by the reader */
	for (; st->n; st->head = (st->head + 1) % QCAP, st->n--)
		qitem_free(&st->q[st->head]);
	while (st->ndone)
		qitem_free(&st->done[--st->ndone]);
	free(st->q);
	free(st->done);
	sl_hasher_free(st->sha);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->put_cv);
	pthread_cond_destroy(&st->take_cv);
}

sl_rc sl_import_stream(sl_importer *im, FILE *in, const char *name,
                       sl_import_cb cb, void *ud)
{
	stream st = {.in = in, .name = name, .lim = &im->lim};
	pthread_mutex_init(&st.mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* as sl_mono_ms */
	pthread_cond_init(&st.put_cv, NULL);
	pthread_cond_init(&st.take_cv, &ca);
	pthread_condattr_destroy(&ca);
	st.q = calloc(QCAP, sizeof *st.q);
	st.done = calloc(QCAP, sizeof *st.done);
	st.sha = sl_hasher_new();
	if (!st.q || !st.done || !st.sha) {
		stream_free(&st);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	pthread_t th;
	if (pthread_create(&th, NULL, parse_lines, &st) != 0) {
		stream_free(&st);
		return sl_error(SL_ESYS, _("cannot start the reader thread"));
	}
	sl_rc rc = SL_OK;
	for (;;) {
		pthread_mutex_lock(&st.mu);
		if ((rc = wait_input(im, &st)) || !st.n) {
			pthread_mutex_unlock(&st.mu);
			break;
		}
		qitem it = st.q[st.head];
		st.head = (st.head + 1) % QCAP;
		st.n--;
		st.bytes -= it.weight;
		if (st.put_waits && st.n <= QCAP / 2 && room(&st, st.want))
			pthread_cond_signal(&st.put_cv);
		pthread_mutex_unlock(&st.mu);

		sl_import_res res = {.line = it.line, .rc = it.rc};
		if (it.rc) {
			sl_error(it.rc, "%s", it.msg);
			res.error = it.msg;
			res.error_c = it.msg_c;
			res.case_id = *it.case_id ? it.case_id : NULL;
		} else {
			rc = import_parsed(im, &it.p, it.buf, it.len, &res);
			res.rc = rc;
			res.line = it.line;
		}
		int stop = 0;
		if (!rc || rc == SL_EINPUT)
			stop = cb(&res, ud);
		pthread_mutex_lock(&st.mu);
		if (st.ndone < QCAP && !st.eof) {
			st.done[st.ndone++] = it;
			it.buf = NULL;
			it.p.d = NULL;
		}
		pthread_mutex_unlock(&st.mu);
		qitem_free(&it); /* the reader has finished: free here */
		if ((rc && rc != SL_EINPUT) || stop)
			break;
		rc = SL_OK;
	}
	pthread_mutex_lock(&st.mu);
	st.stop = 1;
	pthread_cond_signal(&st.put_cv);
	pthread_mutex_unlock(&st.mu);
	pthread_join(th, NULL);
	sl_rc read_rc = st.read_rc;
	stream_free(&st);
	if (!rc && read_rc)
		rc = sl_error(SL_ESYS, _("%s: read failed"), name);
	return rc;
}
