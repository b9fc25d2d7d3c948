/* cmd_case.c - case import, list, stats, show, assign, extend, resubmit. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <shenli/ops.h>

#include "cli.h"

/* A whole number in [lo, hi]; 0 if s is not one. */
static int parse_count(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

/* ---- import ------------------------------------------------------------ */

/*
 * What is said of each dossier waits in pend until its batch is committed
 * (sl_import_committed): an import that fails part-way must not have
 * printed "accepted" for a dossier it then rolled back, nor leave --json
 * unterminated. A mark per dossier: where its text ends in pend, and how
 * many dossiers had been decided with it (a malformed one is written
 * nowhere and goes out with the one before it).
 */
struct pend_mark {
	size_t end;
	long decided;
};

struct import_ctx {
	cli_json_array *arr; /* --json: streamed */
	long accepted, deferred, refused, malformed;
	cli_bar bar;
	const sl_importer *im;
	FILE *pend; /* NULL: out of memory, said as it comes */
	char *pbuf;
	size_t plen, sent; /* pend's bytes; of them, on stdout */
	struct pend_mark *marks;
	size_t n_marks, cap_marks, json_sent; /* elements on stdout */
};

/* Out to stdout: what the first `committed` dossiers decided hold. */
static void pend_flush(struct import_ctx *c, long committed)
{
	if (!c->pend)
		return;
	fflush(c->pend);
	size_t k = 0;
	while (k < c->n_marks && c->marks[k].decided <= committed)
		k++;
	if (!k)
		return;
	size_t end = c->marks[k - 1].end;
	fwrite(c->pbuf + c->sent, 1, end - c->sent, stdout);
	c->sent = end;
	c->json_sent += k;
	memmove(c->marks, c->marks + k, (c->n_marks - k) * sizeof *c->marks);
	c->n_marks -= k;
	/* all of it sent: the buffer starts again, so that it holds one
	 * batch's text at most, not the whole import's */
	if (!c->n_marks && c->sent == c->plen) {
		rewind(c->pend);
		c->sent = 0;
		fflush(c->pend);
	}
}

/* A batch committed (between dossiers, or while the input is slow to
 * come): what it holds goes out now, not with the next dossier. */
static void pend_committed(void *ud)
{
	struct import_ctx *c = ud;
	pend_flush(c, (long)sl_import_committed(c->im));
	fflush(stdout);
}

static void pend_mark(struct import_ctx *c)
{
	if (!c->pend)
		return;
	if (c->n_marks == c->cap_marks) {
		size_t nc = c->cap_marks ? 2 * c->cap_marks : 256;
		struct pend_mark *m = realloc(c->marks, nc * sizeof *m);
		if (!m) { /* said as it comes, from here on */
			pend_flush(c, LONG_MAX);
			fclose(c->pend);
			c->pend = NULL;
			return;
		}
		c->marks = m;
		c->cap_marks = nc;
	}
	fflush(c->pend);
	c->marks[c->n_marks++] =
	    (struct pend_mark){c->plen, c->accepted + c->deferred + c->refused};
	pend_flush(c, (long)sl_import_committed(c->im));
}

/* Lines in a file, for the progress bar's total (0 if unknown). */
static size_t count_lines(FILE *in)
{
	/* only a regular file can be read twice: a pipe, a FIFO or a
	 * terminal read here would be drained before the import reads it.
	 * pread leaves the stream's offset where it is. */
	struct stat st;
	int fd = fileno(in);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return 0;
	char buf[1 << 16];
	size_t n = 0;
	ssize_t got;
	for (off_t off = 0; (got = pread(fd, buf, sizeof buf, off)) > 0;
	     off += got)
		for (const char *p = buf;
		     (p = memchr(p, '\n', (size_t)got - (size_t)(p - buf)));
		     p++)
			n++;
	return n;
}

/* Count and print one dossier as it is decided (a stream of 100k cannot
 * wait for a table). */
static int report(const sl_import_res *r, void *ud)
{
	struct import_ctx *c = ud;
	FILE *out = c->pend ? c->pend : stdout;
	cli_progress(&c->bar, (size_t)r->line, 0);
	if (c->arr)
		c->arr->out = c->pend;
	if (r->rc) {
		c->malformed++;
		fprintf(stderr, _("shenli: malformed, refused: %s\n"),
		        cli_txt(r->error));
		if (c->arr) /* one object per dossier, this one refused */
			cli_json_array_add(c->arr, sl_import_json(r));
		pend_mark(c);
		return 0;
	}
	c->accepted += r->decision == SL_INTAKE_ACCEPTED;
	c->deferred += r->decision == SL_INTAKE_DEFERRED;
	c->refused += r->decision == SL_INTAKE_REFUSED;
	if (c->arr) {
		cli_json_array_add(c->arr, sl_import_json(r));
		pend_mark(c);
		return 0;
	}
	const char *cid = cli_txt(r->case_id);
	size_t w = cli_width(cid);
	fprintf(out, "%s%*s %s\n", cid, w < 24 ? (int)(24 - w) : 0, "",
	        cli_decision_label(sl_intake_name(r->decision)));
	for (size_t i = 0; i < r->n_reasons; i++)
		fprintf(out, "    - %s\n", cli_reason(r->reasons[i]));
	pend_mark(c);
	return 0;
}

static sl_rc import_all(sl_importer *im, struct import_ctx *ctx,
                        const char *jsonl, FILE *in, int json, int n,
                        char **files)
{
	if (jsonl) {
		/* counted only for a bar on a terminal: a stream (a pipe,
		 * shenlid's) cannot be read twice */
		cli_progress_start(&ctx->bar, _("importing"),
		                   isatty(2) ? count_lines(in) : 0, json);
		sl_rc rc = sl_import_stream(
		    im, in, strcmp(jsonl, "-") ? jsonl : "stdin", report, ctx);
		cli_progress(&ctx->bar,
		             ctx->bar.on && ctx->bar.total ? ctx->bar.total
		                                           : ctx->bar.shown,
		             1);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		sl_import_res r;
		sl_rc rc = sl_import_file(im, files[i], &r);
		if (rc && rc != SL_EINPUT)
			return rc;
		report(&r, ctx);
	}
	return SL_OK;
}

/* What was taken in, and the exit code: 5 says nothing was written; a
 * batch partly written (some malformed) is 1. An import that fails
 * part-way exits with its failure's code, having said how many dossiers
 * its committed batches hold (case_import). */
static int import_summary(const struct import_ctx *c, int json)
{
	long decided = c->accepted + c->deferred + c->refused;
	fprintf(json ? stderr : stdout,
	        _("%ld dossiers: %ld accepted, %ld deferred, %ld refused, %ld "
	          "malformed\n"),
	        decided + c->malformed, c->accepted, c->deferred, c->refused,
	        c->malformed);
	if (c->malformed && decided)
		fprintf(stderr,
		        _("shenli: %ld malformed dossiers were refused and "
		          "nothing of them was written; the other %ld were "
		          "imported\n"),
		        c->malformed, decided);
	return c->malformed && !decided                    ? SL_EINPUT
	       : c->malformed || c->deferred || c->refused ? SL_FAIL
	                                                   : SL_OK;
}

static int case_import(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"jsonl", required_argument, 0, 'l'},
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *jsonl = NULL;
	int json = 0, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': jsonl = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (jsonl ? optind != argc : optind >= argc)
		return cli_usage(_("case import: give FILE.json... or "
		                   "--jsonl FILE"));
	FILE *in = NULL;
	if (jsonl && !strcmp(jsonl, "-") && cli_stdin_closed()) {
		/* not an empty docket: there was none to read */
		sl_error(SL_EINPUT, "%s",
		         _("case import --jsonl -: standard input is closed"));
		return cli_fail(SL_EINPUT);
	}
	if (jsonl && !(in = strcmp(jsonl, "-") ? fopen(jsonl, "re") : stdin)) {
		sl_error(SL_EINPUT, "%s: %s", jsonl, strerror(errno));
		return cli_fail(SL_EINPUT);
	}
	int rc;
	sl_store *s = cli_store(g, &rc);
	sl_importer *im = NULL;
	cli_json_array arr = {0};
	struct import_ctx ctx = {.arr = json ? &arr : NULL};
	if (s && (rc = sl_import_begin(s, &im)))
		rc = cli_fail(rc);
	else if (s) {
		ctx.im = im;
		ctx.pend = open_memstream(&ctx.pbuf, &ctx.plen);
		sl_import_on_commit(im, pend_committed, &ctx);
		rc = import_all(im, &ctx, jsonl, in, json, argc - optind,
		                argv + optind);
		/* what earlier batches committed stays whatever happens now */
		size_t kept = sl_import_committed(im);
		if (rc)
			sl_import_abort(im);
		else
			rc = sl_import_finish(im);
		/* all of it said, or only what the committed batches hold */
		pend_flush(&ctx, rc ? (long)kept : LONG_MAX);
		if (ctx.pend)
			fclose(ctx.pend);
		free(ctx.pbuf);
		free(ctx.marks);
		arr.out = NULL;
		if (rc && json) { /* one document still, of what stays */
			arr.n = ctx.json_sent;
			cli_json_array_end(&arr);
		}
		if (rc) {
			rc = cli_fail(rc); /* the cause, then what it means */
			if (kept)
				fprintf(
				    stderr,
				    _("shenli: the import stopped part-way: "
				      "the first %zu dossiers decided were "
				      "committed and stay imported; none "
				      "after them was imported\n"),
				    kept);
			else if (ctx.accepted + ctx.deferred + ctx.refused)
				fprintf(stderr,
				        _("shenli: the import was abandoned; "
				          "nothing was imported\n"));
		}
	}
	if (in && in != stdin)
		fclose(in);
	if (!s || rc)
		return rc;
	if (json)
		cli_json_array_end(&arr);
	return import_summary(&ctx, json);
}

/* ---- list ---------------------------------------------------------------- */

struct list_ctx {
	cli_json_array *arr; /* --json: streamed */
	cli_table *t;
};

/* n in decimal (days left: a cell of every row of a long listing) */
static void int_text(int n, char out[32])
{
	char b[16];
	size_t k = 0;
	unsigned u = n < 0 ? 0u - (unsigned)n : (unsigned)n;
	do
		b[k++] = (char)('0' + u % 10);
	while (u /= 10);
	size_t o = 0;
	if (n < 0)
		out[o++] = '-';
	while (k)
		out[o++] = b[--k];
	out[o] = 0;
}

/* A review limit's cell: its day, marked when overdue or paused. */
static void due_text(const char *day, int overdue, int paused, char out[96])
{
	if (overdue)
		snprintf(out, 96, _("%s OVERDUE"), day);
	else if (paused)
		snprintf(out, 96, _("%s paused"), day);
	else { /* most rows of a million: no printf */
		size_t n = strnlen(day, 31);
		memcpy(out, day, n);
		out[n] = 0;
	}
}

static int print_row(const sl_case_row *r, void *ud)
{
	struct list_ctx *c = ud;
	if (c->arr) {
		cli_json_array_add(c->arr, sl_case_row_json(r));
		return 0;
	}
	char d[32], due[96], left[32] = "-";
	cli_local_time(r->deadline_ms, 0, d);
	d[10] = 0; /* the day is enough in a list */
	due_text(d, r->overdue, r->paused && r->deadline_ms, due);
	if (r->has_days_left)
		int_text(r->days_left, left);
	cli_table_add(c->t, r->case_id);
	cli_table_add(c->t, r->agency);
	cli_table_add(c->t, r->zone);
	cli_table_add(c->t, cli_state_label(r->state));
	cli_table_add(c->t, due);
	cli_table_add(c->t, left);
	cli_table_add(c->t, r->subject_name);
	cli_table_add(c->t, r->assignees);
	return 0;
}

/* The listing of the cases, in one pass (cli_table_list). */
struct list_all {
	sl_store *s;
	const sl_case_filter *f;
	struct list_ctx *c;
};

static int list_all(void *ud)
{
	struct list_all *a = ud;
	return sl_case_list(a->s, a->f, print_row, a->c);
}

static int list_opts(int argc, char **argv, sl_case_filter *f, int *json)
{
	static const struct option opts[] = {
	    {"state", required_argument, 0, 's'},
	    {"zone", required_argument, 0, 'z'},
	    {"agency", required_argument, 0, 'a'},
	    {"assignee", required_argument, 0, 'u'},
	    {"overdue", no_argument, 0, 'o'},
	    {"due-within", required_argument, 0, 'd'},
	    {"after", required_argument, 0, 'A'},
	    {"limit", required_argument, 0, 'l'},
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	long days;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': f->state = optarg; break;
		case 'z': f->zone = optarg; break;
		case 'a': f->agency = optarg; break;
		case 'u': f->assignee = optarg; break;
		case 'o': f->overdue = 1; break;
		case 'd':
			if (!parse_count(optarg, 0, 3650, &days))
				return cli_bad_value(
				    _("--due-within needs a number "
				      "of working days"));
			f->due_within = (int)days + 1; /* 0 counts: today */
			break;
		case 'A': f->after = optarg; break;
		case 'l':
			if (!parse_count(optarg, 1, 1000000, &f->limit))
				return cli_bad_value(
				    _("--limit needs a number of "
				      "cases from 1"));
			break;
		case 'j': *json = 1; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc)
		return cli_usage(_("case list: unexpected '%s'"), argv[optind]);
	return SL_OK;
}

/* The widest each column but the free text can be, asked for when the
 * listing is long enough to stream (its rows seen so far, the user may
 * list): its later rows stay in line whatever their id, agency, zone,
 * state or limit. */
static void fit_known(cli_table *t, void *ud)
{
	sl_store *s = ud;
	char due[96];
	const char *st;
	sl_case_widths w;
	if (!sl_case_list_widths(s, &w)) {
		cli_table_fit(t, 0, w.case_id);
		cli_table_fit(t, 1, w.agency);
		cli_table_fit(t, 2, w.zone);
	}
	for (size_t i = 0; (st = cli_state_code(i)); i++)
		cli_table_fit(t, 3, cli_width(cli_state_label(st)));
	for (int k = 0; k < 2; k++) { /* overdue, then paused */
		due_text("0000-00-00", !k, k, due);
		cli_table_fit(t, 4, cli_width(due));
	}
}

static int case_list(int argc, char **argv, sl_cli *g)
{
	sl_case_filter f = {0};
	int json = 0, rc = list_opts(argc, argv, &f, &json);
	if (rc)
		return rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	cli_json_array arr = {0};
	struct list_ctx ctx = {json ? &arr : NULL, NULL};
	if (!json)
		ctx.t = cli_table_new(8, _("CASE"), _("AGENCY"), _("ZONE"),
		                      _("STATE"), _("REVIEW LIMIT"),
		                      _("DAYS LEFT"), _("SUBJECT"), _("TEAM"));
	if (ctx.t)
		cli_table_on_stream(ctx.t, fit_known, s);
	struct list_all all = {s, &f, &ctx};
	rc = cli_table_list(ctx.t, stdout, list_all, &all);
	if (!rc && json)
		cli_json_array_end(&arr);
	if (!rc && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	return rc ? cli_fail(rc) : SL_OK;
}

/* ---- stats --------------------------------------------------------------- */

/* A median of days: whole, or with its half. */
static void days_text(double d, char out[32])
{
	snprintf(out, 32, d == (double)(long)d ? "%.0f" : "%.1f", d);
}

static void print_stats(const sl_case_stats_res *r)
{
	const sl_case_counts *a = &r->all;
	printf(_("cases you may see: %ld\n"), a->total);
	printf(_("accepted for review: %ld\n"), a->accepted);
	printf(_("overdue: %ld\n"), a->overdue);
	if (a->accepted)
		printf(_("returned at least once: %ld (%.1f%% of those "
		         "accepted)\n"),
		       a->returned,
		       100.0 * (double)a->returned / (double)a->accepted);
	else
		printf(_("returned at least once: %ld\n"), a->returned);
	printf(_("signed off: %ld\n"), a->by_state[SL_ST_SIGNED_OFF]);
	if (r->n_timed) {
		char cal[32], work[32];
		days_text(r->median_days, cal);
		days_text(r->median_working_days, work);
		printf(_("median days to sign-off: %s calendar, %s working "
		         "(over %ld case(s))\n"),
		       cal, work, r->n_timed);
	} else {
		printf(_("median days to sign-off: none signed off yet\n"));
	}
	printf("\n");
	cli_table *t = cli_table_new(2, _("STATE"), _("CASES"));
	cli_table_right(t, 1);
	char n[32];
	for (int i = 0; i < SL_ST__COUNT; i++) {
		cli_table_add(t, cli_state_label(sl_state_name((sl_state)i)));
		snprintf(n, sizeof n, "%ld", a->by_state[i]);
		cli_table_add(t, n);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	if (!r->n_zones)
		return;
	printf("\n");
	t = cli_table_new(5, _("ZONE"), _("CASES"), _("ACCEPTED"), _("OVERDUE"),
	                  _("RETURNED"));
	for (size_t c = 1; c < 5; c++)
		cli_table_right(t, c);
	for (size_t i = 0; i < r->n_zones; i++) {
		const sl_case_counts *z = &r->zones[i].n;
		const long v[] = {z->total, z->accepted, z->overdue,
		                  z->returned};
		cli_table_add(t, r->zones[i].zone ? r->zones[i].zone
		                                  : _("(no zone)"));
		for (size_t k = 0; k < 4; k++) {
			snprintf(n, sizeof n, "%ld", v[k]);
			cli_table_add(t, n);
		}
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

static int case_stats(int argc, char **argv, sl_cli *g)
{
	int json, rc = cli_json_args(argc, argv, NULL, "case stats", &json);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	if (optind < argc)
		return cli_usage(_("case stats: unexpected '%s'"),
		                 argv[optind]);
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_case_stats_res r;
	if ((rc = sl_case_stats(s, &r)))
		return cli_fail(rc);
	json_t *j = json ? sl_case_stats_json(&r) : NULL;
	if (json && !j)
		rc = cli_fail(sl_error(SL_ESYS, _("out of memory")));
	else if (json)
		cli_print_json(j);
	else
		print_stats(&r);
	json_decref(j);
	sl_case_stats_free(&r);
	return rc;
}

/* ---- show ---------------------------------------------------------------- */

/* case show is Chinese in every locale, as the dossier it shows is: the
 * C locale's English would sit oddly between its lines. */
static const char *state_zh(sl_state st)
{
	static const char *const m[SL_ST__COUNT] = {
	    [SL_ST_RECEIVED] = "已接收",        [SL_ST_ACCEPTED] = "已受理",
	    [SL_ST_DEFERRED] = "暂缓受理",      [SL_ST_REFUSED] = "不予受理",
	    [SL_ST_IN_REVIEW] = "审理中",       [SL_ST_RETURNED] = "已退回",
	    [SL_ST_DELIBERATED] = "已集体审议", [SL_ST_SIGNED_OFF] = "已签发",
	};
	return st < SL_ST__COUNT ? m[st] : "?";
}

/* A time of the case in local time; "-" if none. */
static const char *when(int64_t ms)
{
	static char buf[2][32];
	static int i;
	char *out = buf[i++ % 2];
	if (!ms)
		return "-";
	cli_local_time(ms, 0, out);
	return out;
}

/* "、"-joined, sanitised */
static void joined(const char *const *v, size_t n, const char *none)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? "、" : "", cli_txt(v[i]));
	if (!n)
		printf("%s", none);
}

static void show_head(const sl_caseview *v)
{
	printf("案件编号  %s\n", cli_txt(v->case_id));
	printf("移送单位  %s", cli_txt(v->labels.agency));
	if (v->labels.zone)
		printf("（%s）", cli_txt(v->labels.zone));
	printf("\n移送日期  %s    接收时间 %s", cli_txt(v->transferred_on),
	       when(v->received_ms));
	if (v->intake_late)
		printf("（已超出受理时限 %s）", when(v->intake_due_ms));
	printf("\n");
	printf("状态      %s%s", state_zh(v->state),
	       v->clock_paused ? "（计时暂停）" : "");
	if (v->accepted_ms)
		printf("    受理时间 %s", when(v->accepted_ms));
	printf("\n审理期限  %s", when(v->deadline_ms));
	if (v->extended_days > 0)
		printf("（已延长%d天）", v->extended_days);
	if (v->overdue)
		printf("  已超期");
	else if (v->has_days_left)
		printf("  剩余%d个工作日", v->days_left);
	printf("    退回次数 %d\n", v->returns);
	printf("审理组    ");
	for (size_t i = 0; i < v->n_team; i++)
		printf(
		    "%s%s", i ? "、" : "",
		    cli_txt(v->team[i].name ? v->team[i].name : v->team[i].id));
	printf("%s\n", v->n_team ? "" : "（未分配）");
	for (size_t i = 0; i < v->n_intake_reasons; i++)
		printf("受理意见  %s\n", cli_reason(v->intake_reasons[i]));
}

static void show_subject(const shenli_subject *s)
{
	printf("\n被审查调查人  %s（%s）", cli_txt(s->name),
	       cli_txt(s->person_id));
	if (s->position)
		printf(" %s", cli_txt(s->position));
	if (s->rank)
		printf(" %s", cli_txt(s->rank));
	printf("%s%s\n", s->party_member ? " 中共党员" : "",
	       s->public_official ? " 公职人员" : "");
	for (size_t i = 0; i < s->n_prior; i++) {
		const shenli_prior_sanction *p = &s->prior[i];
		printf("  曾受处分  %s%s（%s）\n",
		       !strcmp(p->system, "party") ? "党纪处分 "
		       : !strcmp(p->system, "gov") ? "政务处分 "
		                                   : "",
		       cli_txt(p->level), cli_txt(p->decided_on));
	}
}

static void show_facts(const sl_caseview *v)
{
	printf("\n违纪事实\n");
	for (size_t i = 0; i < v->c->n_facts; i++) {
		const shenli_fact *f = &v->c->facts[i];
		printf("  %s  %s", cli_txt(f->id),
		       cli_txt(v->labels.violation[i]));
		if (f->from || f->to)
			printf("（%s 至 %s）", cli_txt(f->from),
			       cli_txt(f->to));
		printf("\n      %s\n", cli_txt(f->summary));
		if (f->has_amount) {
			char y[64];
			sl_zh_yuan(f->amount_yuan, SL_YUAN_TABLE, y, sizeof y);
			printf("      金额  %s%s\n", y,
			       f->in_kind ? "（财物折价）" : "");
		}
		if (f->use)
			printf("      所称资金用途  %s\n", cli_txt(f->use));
		printf("      证据 ");
		for (size_t k = 0; k < f->n_evidence; k++)
			printf(" %s", cli_txt(f->evidence[k]));
		printf("\n");
	}
}

/* An evidence item's tags, "、"-joined (heap; the table cleans them);
 * NULL if it has none. */
static char *tags_zh(const char *const *tags, size_t n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = n ? open_memstream(&s, &len) : NULL;
	if (!f)
		return NULL;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "、" : "", sl_dossier_tag_zh(tags[i]));
	fclose(f);
	return s;
}

static void show_papers(const sl_caseview *v)
{
	printf("\n证据\n");
	cli_table *t = cli_table_new(6, "  编号", "种类", "名称", "取得日期",
	                             "来源", "标签");
	for (size_t i = 0; i < v->c->n_evidence; i++) {
		const shenli_evidence *e = &v->c->evidence[i];
		char id[80];
		snprintf(id, sizeof id, "  %s", cli_txt(e->id));
		cli_table_add(t, id);
		cli_table_add(t, v->labels.evidence[i]);
		cli_table_add(t, e->title);
		cli_table_add(t, e->obtained_on);
		cli_table_add(t, e->source);
		char *tags = tags_zh(e->tags, e->n_tags);
		cli_table_add(t, tags);
		free(tags);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	printf("\n文书\n");
	t = cli_table_new(2, "  文书", "日期");
	for (size_t i = 0; i < v->c->n_documents; i++) {
		char doc[600];
		snprintf(doc, sizeof doc, "  %s",
		         cli_txt(v->labels.document[i]));
		cli_table_add(t, doc);
		cli_table_add(t, v->c->documents[i].date);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	if (v->n_supplement)
		printf("\n补充材料\n");
	for (size_t i = 0; i < v->n_supplement; i++) {
		const sl_supplement_entry *e = &v->supplement[i];
		printf("  第%s项  %s\n      证据 ", cli_txt(e->item),
		       cli_txt(e->note));
		for (size_t k = 0; k < e->n_evidence; k++)
			printf(" %s", cli_txt(e->evidence[k]));
		printf("\n");
	}
}

static void show_proposal(const sl_caseview *v)
{
	const shenli_proposal *p = &v->c->proposal;
	printf("\n移送单位意见\n  违纪类别  ");
	joined(v->labels.discipline, p->n_disciplines, "-");
	printf("\n  违反中央八项规定精神  %s\n",
	       p->eight_point_rules ? "是" : "否");
	printf("  党纪处分  %s    政务处分  %s\n", cli_txt(p->party_sanction),
	       cli_txt(p->gov_sanction));
	printf("  四种形态  %s\n", cli_txt(v->labels.form));
	if (p->n_circumstances) {
		printf("  情节      ");
		joined(v->labels.circumstance, p->n_circumstances, "");
		printf("\n");
	}
}

/* Fields of the dossier that shenli.case/1 does not define: kept as
 * transferred and shown (spec/case-format.md), by their path and value. */
#define EXTRA_MAX 64 /* fields shown; the rest counted */

static void extra_line(void *ud, const char *path, const char *key,
                       const json_t *val)
{
	int *shown = ud;
	if ((*shown)++ == 0)
		printf("\n其他字段（移送时附带，原样保存）\n");
	if (*shown > EXTRA_MAX)
		return;
	char k[SL_EXTRA_KEY_MAX], cut[SL_EXTRA_VALUE_MAX];
	sl_dossier_extra_text(key, val, k, cut);
	printf("  %s%s%s  %s\n", cli_txt(path), *path ? "." : "", cli_txt(k),
	       cli_txt(cut));
}

static void show_extra(const json_t *d)
{
	int shown = 0;
	sl_dossier_extra(d, extra_line, &shown);
	if (shown > EXTRA_MAX)
		printf("  ……另有 %d 个字段（case show --json 列出全部）\n",
		       shown - EXTRA_MAX);
}

static int case_show(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json, rc = cli_id_args(argc, argv, NULL, "case show", &id, &json);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_caseview *v;
	if ((rc = sl_case_show(s, id, &v)))
		return cli_fail(rc);
	if (json) {
		json_t *j = sl_case_show_json(v);
		cli_print_json(j);
		json_decref(j);
	} else {
		show_head(v);
		show_subject(&v->c->subject);
		show_facts(v);
		show_papers(v);
		show_proposal(v);
		json_t *j = sl_case_show_json(v);
		show_extra(json_object_get(j, "dossier"));
		json_decref(j);
	}
	sl_caseview_free(v);
	return SL_OK;
}

/* ---- assign, extend
 * ---------------------------------------------------------- */

static int case_assign(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"auto", required_argument, 0, 'a'},
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	long auto_n = 0;
	int c, json = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!parse_count(optarg, 1, 32, &auto_n))
				return cli_bad_value(
				    _("--auto needs a number 1-32"));
			break;
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind >= argc)
		return cli_usage(_("case assign: which case?"));
	sl_assign_req rq = {argv[optind],
	                    (const char *const *)argv + optind + 1,
	                    (size_t)(argc - optind - 1), (size_t)auto_n};
	if (!rq.n && !auto_n)
		return cli_usage(_("case assign: name the reviewers or give "
		                   "--auto N"));
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_assign_res r;
	if ((rc = sl_case_assign(s, &rq, &r)))
		return cli_fail(rc);
	if (json) {
		json_t *j = sl_assign_json(rq.case_id, &r);
		cli_print_json(j);
		json_decref(j); /* cli_print_json only prints */
	} else {
		char names[1024] = "";
		for (size_t i = 0; i < r.n_team; i++) {
			size_t used = strlen(names);
			snprintf(names + used, sizeof names - used, "%s%s",
			         i ? " " : "", cli_txt(r.team[i]));
		}
		printf(_("case %s assigned to %s\n"), cli_txt(rq.case_id),
		       names);
	}
	sl_assign_res_free(&r);
	return SL_OK;
}

static int case_extend(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"days", required_argument, 0, 'd'},
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	long days = 0;
	int c, json = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!parse_count(optarg, 1, 3650, &days))
				return cli_bad_value(
				    _("--days needs a number of days"));
			break;
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc - 1 || !days)
		return cli_usage(_("case extend: give one case and --days N"));
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_extend_res r;
	if ((rc = sl_case_extend(s, argv[optind], (int)days, &r)))
		return cli_fail(rc);
	if (json) {
		json_t *j = sl_extend_json(argv[optind], &r);
		cli_print_json(j);
		json_decref(j); /* cli_print_json only prints */
		return SL_OK;
	}
	char d[32];
	cli_local_time(r.deadline_ms, 0, d);
	printf(_("case %s: review limit extended by %ld days, to %s\n"),
	       cli_txt(argv[optind]), days, d);
	return SL_OK;
}

/* ---- resubmit
 * ------------------------------------------------------------------ */

static int case_resubmit(int argc, char **argv, sl_cli *g)
{
	int json, rc0 = cli_json_args(argc, argv, NULL, "case resubmit", &json);
	if (rc0)
		return rc0 < 0 ? SL_OK : rc0;
	if (optind + 2 < argc)
		return cli_usage(_("case resubmit: unexpected '%s'"),
		                 argv[optind + 2]);
	if (optind + 2 != argc)
		return cli_usage(
		    _("case resubmit: give the case and the file"));
	sl_resubmit_req rq = {argv[optind], NULL, 0, argv[optind + 1]};
	char *buf;
	int rc = sl_file_read(rq.name, sl_resubmit_max_bytes(), &buf, &rq.len);
	if (rc)
		return cli_fail(rc);
	rq.buf = buf;
	sl_store *s = cli_store(g, &rc);
	sl_resubmit_res res = {0};
	if (s && (rc = sl_review_resubmit(s, &rq, &res)) && !res.recorded)
		rc = cli_fail(rc);
	free(buf);
	if (!res.recorded)
		return rc;
	if (json) {
		json_t *j = sl_resubmit_json(&res);
		cli_print_json(j);
		json_decref(j);
	} else {
		printf(_("case %s resubmitted (return %lld): %zu item(s) "
		         "answered, "
		         "%zu open\n"),
		       cli_txt(rq.case_id), (long long)res.return_no,
		       res.n_answered, res.n_open);
		for (size_t i = 0; i < res.n_open; i++)
			printf(_("  item %lld is still open: %s\n"),
			       (long long)res.open[i].no,
			       cli_txt(res.open[i].why));
		for (size_t i = 0; i < res.n_withdrawn; i++)
			printf(_("  item %lld was withdrawn by the leader: "
			         "settled, it needs no answer\n"),
			       (long long)res.withdrawn[i]);
		if (!res.checks_ran)
			printf(_("checks not run: %s\n"),
			       cli_txt(res.checks_not_run));
		else
			printf(_("checks: %d blocker(s), %lld warning(s), %lld "
			         "note(s)\n"),
			       res.blockers, (long long)res.warnings,
			       (long long)res.notes);
	}
	sl_resubmit_res_free(&res);
	return rc; /* SL_FAIL: items open or blockers found */
}

static const cli_sub subs[] = {
    {"import", case_import,
     "shenli case import FILE.json... [--json]\n"
     "shenli case import --jsonl FILE|- [--json]",
     N_("take in transferred dossiers: accepted, deferred or refused"),
     N_("Intake (受理), for leaders. Each dossier (shenli.case/1) is decided\n"
        "on its own: accepted, deferred (暂缓受理) with what is missing, or\n"
        "refused (不予受理) with why. A malformed file is refused before\n"
        "anything is written. --jsonl reads one dossier a line from FILE, or\n"
        "from standard input with '-'. --json prints the decisions as one\n"
        "JSON document. Exit 5 if every dossier was malformed, else 1 if\n"
        "any was malformed, deferred or refused.\n"),
     CLI_UNLOCK},
    {"list", case_list,
     "shenli case list [--state S] [--zone Z] [--agency A]\n"
     "                 [--assignee U|me] [--overdue] [--due-within N]\n"
     "                 [--after ID] [--limit N] [--json]",
     N_("list the cases you may see"),
     N_("Lists the cases you may see, with their agency, zone, state, review\n"
        "limit, subject and team. Reviewers see only their zone's cases,\n"
        "specialists only the cases they were asked to review, and nobody a\n"
        "case their home agency transferred (recusal). --state, --zone,\n"
        "--agency and --assignee narrow the list (--assignee me: your own\n"
        "cases); --overdue keeps the cases past their review limit and\n"
        "--due-within N those whose limit ends within N working days. The\n"
        "last column counts the working days left. --after ID and --limit N\n"
        "give one page: at most N cases whose ids sort after ID. States:\n"
        "received, accepted, deferred, refused, in_review, returned,\n"
        "deliberated, signed_off.\n"),
     CLI_UNLOCK},
    {"stats", case_stats, "shenli case stats [--json]",
     N_("count the cases you may see: by state, by zone, days to sign-off"),
     N_("Counts the cases you may see, as case list would list them: by\n"
        "state and by zone, those accepted for review, overdue and returned\n"
        "at least once (the return rate's numerator; those accepted, its\n"
        "denominator), and the median calendar and working days from\n"
        "acceptance to sign-off of the signed-off cases (of an even count,\n"
        "the mean of the two middle ones). The figures of the 统计 page.\n"
        "--json gives one JSON document.\n"),
     CLI_UNLOCK},
    {"show", case_show, "shenli case show ID [--json]",
     N_("show one case with its dossier"),
     N_("Shows one case in Chinese: its state and review limit, the team,\n"
        "the subject, the facts with their evidence, the documents and the\n"
        "agency's proposal. --json gives the stored case and dossier as one\n"
        "JSON document.\n"),
     CLI_UNLOCK},
    {"assign", case_assign,
     "shenli case assign ID REVIEWER... [--json]\n"
     "shenli case assign ID --auto N [--json]",
     N_("name the review team (leaders)"),
     N_("Names the review team (审理组) of a case, for leaders: at least two\n"
        "reviewers, members of the case's zone or specialists, never one\n"
        "whose home agency transferred the case (recusal: exit 4). --auto N\n"
        "picks N eligible reviewers, least loaded first.\n"),
     CLI_UNLOCK},
    {"extend", case_extend, "shenli case extend ID --days N [--json]",
     N_("extend the review limit (leaders)"),
     N_("Extends the review limit of a case by N days, for leaders, within\n"
        "what the rules allow.\n"),
     CLI_UNLOCK},
    {"resubmit", case_resubmit, "shenli case resubmit ID FILE.json [--json]",
     N_("take in the agency's answers to a return (leaders)"),
     N_("Takes in the agency's answers to the latest return, for leaders:\n"
        "the full dossier again, with a \"supplement\" entry per outline item\n"
        "it answers (citing the new evidence). Unanswered items stay open;\n"
        "the review clock resumes and the checks run again. Exit 1 if items\n"
        "stay open or the checks find blockers.\n"),
     CLI_UNLOCK},
};
const cli_group cli_case = {"case", subs, CLI_COUNT(subs), NULL};
