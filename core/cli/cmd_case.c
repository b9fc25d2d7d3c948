/* cmd_case.c - shenli case import|list|show|assign|extend. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../cases.h"
#include "../fsutil.h"
#include "../returns.h"
#include "../text.h"
#include "cli.h"

static const char USAGE[] = N_(
    "usage: shenli case import FILE.json... [--json]\n"
    "       shenli case import --jsonl FILE|- [--json]\n"
    "       shenli case list [--state S] [--zone Z] [--agency A]\n"
    "                        [--assignee U] [--overdue] [--json]\n"
    "       shenli case show ID [--json]\n"
    "       shenli case assign ID REVIEWER... | shenli case assign ID --auto "
    "N\n"
    "       shenli case extend ID --days N\n"
    "       shenli case resubmit ID FILE.json [--json]\n"
    "\n"
    "import (leaders) decides each dossier on its own: accepted, deferred\n"
    "with what is missing, or refused with why; a malformed file is refused\n"
    "before anything is written. Exit 5 if any dossier was malformed, else 1\n"
    "if any was deferred or refused. Reviewers see only their zone's cases,\n"
    "never a case their home agency transferred (recusal).\n"
    "resubmit (leaders) takes in the agency's answers to the latest return:\n"
    "the full dossier again, with a \"supplement\" entry per outline item it\n"
    "answers (citing the new evidence). Unanswered items stay open; the\n"
    "review clock resumes and the checks run again. Exit 1 if items stay\n"
    "open or the checks find blockers.\n");

/* ---- import ------------------------------------------------------------ */

struct import_ctx {
	sl_importer *im;
	json_t *out; /* --json */
	long accepted, deferred, refused, malformed;
	cli_bar bar;
};

/* Lines in a file, for the progress bar's total (0 if unknown). */
static size_t count_lines(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : NULL;
	if (!f)
		return 0;
	char buf[1 << 16];
	size_t n = 0, got;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		for (const char *p = buf;
		     (p = memchr(p, '\n', got - (size_t)(p - buf))); p++)
			n++;
	fclose(f);
	return n;
}

static void report(struct import_ctx *c, const char *id, sl_intake_decision dec,
                   json_t *reasons);

/* Decide one dossier; returns 0 to go on, an rc to abort. */
static int import_buf(struct import_ctx *c, const char *buf, size_t len,
                      const char *name)
{
	const char *id;
	sl_intake_decision dec;
	json_t *reasons = NULL;
	sl_rc rc = sl_import_one(c->im, buf, len, name, &id, &dec, &reasons);
	if (rc == SL_EINPUT) {
		c->malformed++;
		fprintf(stderr, _("shenli: malformed, refused: %s\n"),
		        sl_errmsg());
		return 0;
	}
	if (rc)
		return rc;
	report(c, id, dec, reasons);
	json_decref(reasons);
	return 0;
}

static void report(struct import_ctx *c, const char *id, sl_intake_decision dec,
                   json_t *reasons)
{
	if (dec == SL_INTAKE_ACCEPTED)
		c->accepted++;
	else if (dec == SL_INTAKE_DEFERRED)
		c->deferred++;
	else
		c->refused++;
	if (c->out) {
		json_array_append_new(
		    c->out,
		    json_pack("{s:s, s:s, s:O}", "case_id", id, "decision",
		              sl_intake_name(dec), "reasons", reasons));
	} else {
		printf("%-24s %s\n", id, sl_intake_name(dec));
		for (size_t i = 0; i < json_array_size(reasons); i++)
			printf("    - %s\n",
			       json_string_value(json_array_get(reasons, i)));
	}
}

/* sl_import_stream's callback: count and print one decision. */
static int stream_cb(const sl_import_result *r, void *ud)
{
	struct import_ctx *c = ud;
	cli_progress(&c->bar, (size_t)r->line, 0);
	if (r->rc == SL_EINPUT) {
		c->malformed++;
		fprintf(stderr, _("shenli: malformed, refused: %s\n"),
		        sl_errmsg());
		return 0;
	}
	report(c, r->case_id, r->decision, r->reasons);
	return 0;
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
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(_(USAGE),
			                       _("case import: bad option "
			                         "'%s'"),
			                       argv[optind - 1]);
		}
	}
	if (jsonl ? optind != argc : optind >= argc)
		return cli_usage_error(_(USAGE),
		                       _("case import: give FILE.json... or "
		                         "--jsonl FILE"));
	FILE *in = NULL;
	if (jsonl) {
		in = strcmp(jsonl, "-") ? fopen(jsonl, "re") : stdin;
		if (!in) {
			sl_error(SL_EINPUT, "%s: %s", jsonl, strerror(errno));
			return cli_fail(SL_EINPUT);
		}
	}
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc) {
		if (in && in != stdin)
			fclose(in);
		return cli_fail(rc);
	}
	struct import_ctx ctx = {0};
	ctx.out = json ? json_array() : NULL;
	rc = sl_import_begin(s, &ctx.im);
	sl_dossier_limits lim;
	sl_dossier_default_limits(&lim);
	if (!rc && jsonl) {
		cli_progress_start(&ctx.bar, _("importing"), count_lines(jsonl),
		                   json);
		rc = sl_import_stream(ctx.im, in,
		                      strcmp(jsonl, "-") ? jsonl : "stdin",
		                      stream_cb, &ctx);
		if (ctx.bar.on && ctx.bar.total)
			cli_progress(&ctx.bar, ctx.bar.total, 1);
		else
			cli_progress(&ctx.bar, ctx.bar.shown, 1);
	} else if (!rc) {
		for (int i = optind; !rc && i < argc; i++) {
			char *buf;
			size_t len;
			sl_rc r =
			    sl_file_read(argv[i], lim.max_bytes, &buf, &len);
			if (r == SL_EINPUT) {
				ctx.malformed++;
				fprintf(stderr,
				        _("shenli: malformed, refused: %s\n"),
				        sl_errmsg());
				continue;
			}
			if (r) {
				rc = r;
				break;
			}
			rc = import_buf(&ctx, buf, len, argv[i]);
			free(buf);
		}
	}
	if (in && in != stdin)
		fclose(in);
	if (ctx.im) {
		if (rc)
			sl_import_abort(ctx.im);
		else
			rc = sl_import_finish(ctx.im);
	}
	sl_store_close(s);
	if (rc) {
		json_decref(ctx.out);
		int r = cli_fail(rc); /* the cause first, then what it means */
		if (ctx.accepted + ctx.deferred + ctx.refused)
			fprintf(stderr,
			        _("shenli: the import was abandoned; nothing "
			          "was imported\n"));
		return r;
	}
	if (ctx.out) {
		cli_print_json(ctx.out);
		json_decref(ctx.out);
	}
	fprintf(json ? stderr : stdout,
	        _("%ld dossiers: %ld accepted, %ld deferred, %ld refused, %ld "
	          "malformed\n"),
	        ctx.accepted + ctx.deferred + ctx.refused + ctx.malformed,
	        ctx.accepted, ctx.deferred, ctx.refused, ctx.malformed);
	return ctx.malformed                 ? SL_EINPUT
	       : ctx.deferred || ctx.refused ? SL_FAIL
	                                     : SL_OK;
}

/* ---- list / show -------------------------------------------------------- */

static void fmt_date(int64_t ms, char out[16])
{
	if (!ms) {
		strcpy(out, "-");
		return;
	}
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static int utf8(const char *s)
{
	return !s || sl_utf8_valid(s, strlen(s));
}

/* A --json row is put together here and written with one fwrite. */
typedef struct {
	char b[4096];
	size_t n;
} rowbuf;

static void rb_put(rowbuf *o, const char *s, size_t n)
{
	if (o->n + n > sizeof o->b) {
		fwrite(o->b, 1, o->n, stdout);
		o->n = 0;
		if (n > sizeof o->b) {
			fwrite(s, 1, n, stdout);
			return;
		}
	}
	memcpy(o->b + o->n, s, n);
	o->n += n;
}

static void rb_puts(rowbuf *o, const char *s)
{
	rb_put(o, s, strlen(s));
}

/* A string as jansson 2.14 dumps it, the same bytes (s is UTF-8): '"' and
 * '\\' escaped, control characters as \b \f \n \r \t or \u00XX (upper
 * case), everything else as it is. */
static void rb_str(rowbuf *o, const char *s)
{
	const char *run = s;
	rb_put(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		rb_put(o, run, (size_t)(s - run));
		run = s + 1;
		char esc[8];
		switch (c) {
		case '"': rb_puts(o, "\\\""); break;
		case '\\': rb_puts(o, "\\\\"); break;
		case '\b': rb_puts(o, "\\b"); break;
		case '\f': rb_puts(o, "\\f"); break;
		case '\n': rb_puts(o, "\\n"); break;
		case '\r': rb_puts(o, "\\r"); break;
		case '\t': rb_puts(o, "\\t"); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", c);
			rb_puts(o, esc);
		}
	}
	rb_put(o, run, (size_t)(s - run));
	rb_put(o, "\"", 1);
}

static void rb_str_or_null(rowbuf *o, const char *s)
{
	if (s)
		rb_str(o, s);
	else
		rb_puts(o, "null");
}

/* One row of --json, written as cli_print_json would write it from
 * {case_id, agency, zone, state, subject_name, transferred_on, assignees,
 * returns, deadline, clock_paused, overdue}, byte for byte, without
 * building it: jansson took nine tenths of the listing's time. A row that
 * is not UTF-8 is left out, as json_pack refused it. */
static void json_row(cli_json_array *arr, const sl_case_row *r)
{
	if (!utf8(r->case_id) || !utf8(r->agency) || !utf8(r->zone) ||
	    !utf8(r->state) || !utf8(r->subject_name) ||
	    !utf8(r->transferred_on))
		return;
	static int64_t day = -1; /* deadlines fall on few days: */
	static char d[16];       /* strftime was a seventh of a row */
	char num[32];
	if (r->deadline_ms <= 0 || r->deadline_ms / 86400000 != day) {
		fmt_date(r->deadline_ms, d);
		day = r->deadline_ms > 0 ? r->deadline_ms / 86400000 : -1;
	}
	rowbuf o;
	o.n = 0;
	cli_json_array_next(arr);
	rb_puts(&o, "{\n    \"case_id\": ");
	rb_str(&o, r->case_id);
	rb_puts(&o, ",\n    \"agency\": ");
	rb_str(&o, r->agency);
	rb_puts(&o, ",\n    \"zone\": ");
	rb_str_or_null(&o, r->zone);
	rb_puts(&o, ",\n    \"state\": ");
	rb_str(&o, r->state);
	rb_puts(&o, ",\n    \"subject_name\": ");
	rb_str(&o, r->subject_name);
	rb_puts(&o, ",\n    \"transferred_on\": ");
	rb_str(&o, r->transferred_on);
	rb_puts(&o, ",\n    \"assignees\": [");
	int n = 0;
	for (const char *t = r->assignees; t && *t;) {
		size_t len = strcspn(t, ",");
		char id[SL_ID_MAX + 1];
		snprintf(id, sizeof id, "%.*s", (int)len, t);
		/* as strtok_r skipped empty ones, json_string refused
		 * what is not UTF-8 */
		if (len && len < sizeof id && utf8(id)) {
			rb_puts(&o, n++ ? ",\n      " : "\n      ");
			rb_str(&o, id);
		}
		t += len + (t[len] == ',');
	}
	rb_puts(&o, n ? "\n    ]" : "]");
	snprintf(num, sizeof num, "%d", r->returns);
	rb_puts(&o, ",\n    \"returns\": ");
	rb_puts(&o, num);
	rb_puts(&o, ",\n    \"deadline\": ");
	rb_str_or_null(&o, r->deadline_ms ? d : NULL);
	rb_puts(&o, ",\n    \"clock_paused\": ");
	rb_puts(&o, r->paused ? "true" : "false");
	rb_puts(&o, ",\n    \"overdue\": ");
	rb_puts(&o, r->overdue ? "true" : "false");
	rb_puts(&o, "\n  }");
	fwrite(o.b, 1, o.n, stdout);
}

static int print_row(const sl_case_row *r, void *ud)
{
	cli_json_array *arr = ud; /* --json: streamed */
	if (arr) {
		json_row(arr, r);
		return 0;
	}
	char d[16];
	fmt_date(r->deadline_ms, d);
	printf("%-24s %-6s %-4s %-11s %-10s %s%s  %s\n", r->case_id, r->agency,
	       r->zone ? r->zone : "-", r->state, d,
	       r->overdue ? _("OVERDUE ") : "", r->subject_name,
	       r->assignees ? r->assignees : "");
	return 0;
}

static int case_list(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"state", required_argument, 0, 's'},
	    {"zone", required_argument, 0, 'z'},
	    {"agency", required_argument, 0, 'a'},
	    {"assignee", required_argument, 0, 'u'},
	    {"overdue", no_argument, 0, 'o'},
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	sl_case_filter f = {0};
	int json = 0, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': f.state = optarg; break;
		case 'z': f.zone = optarg; break;
		case 'a': f.agency = optarg; break;
		case 'u': f.assignee = optarg; break;
		case 'o': f.overdue = 1; break;
		case 'j': json = 1; break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(_(USAGE),
			                       _("case list: bad option '%s'"),
			                       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(
		    _(USAGE), _("case list: unexpected '%s'"), argv[optind]);
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	cli_json_array arr = {0};
	rc = sl_case_list(s, &f, print_row, json ? &arr : NULL);
	sl_store_close(s);
	if (!rc && json)
		cli_json_array_end(&arr);
	return rc ? cli_fail(rc) : SL_OK;
}

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "-";
}

/* The case in Chinese, for the panel member at the screen. */
static void show_human(json_t *c)
{
	json_t *d = json_object_get(c, "dossier");
	json_t *subj = json_object_get(d, "subject");
	json_t *prop = json_object_get(d, "proposal");
	size_t i;
	json_t *v;
	printf("案件编号  %s\n", str(c, "case_id"));
	printf("移送单位  %s（片区 %s）  移送日期 %s\n", str(c, "agency"),
	       str(c, "zone"), str(d, "transferred_on"));
	printf("状态      %s%s  审理期限 %s  退回次数 %d\n", str(c, "state"),
	       json_is_true(json_object_get(c, "clock_paused")) ? "（计时暂停）"
	                                                        : "",
	       str(c, "deadline"),
	       (int)json_integer_value(json_object_get(c, "returns")));
	printf("审理组    ");
	json_array_foreach(json_object_get(c, "assignees"), i, v)
	    printf("%s%s", i ? "、" : "", json_string_value(v));
	printf("%s\n", json_array_size(json_object_get(c, "assignees"))
	                   ? ""
	                   : "（未分配）");
	json_array_foreach(json_object_get(c, "intake_reasons"), i, v)
	    printf("受理意见  %s\n", json_string_value(v));
	printf("\n被审查调查人  %s（%s）%s %s\n", str(subj, "name"),
	       str(subj, "person_id"), str(subj, "position"),
	       str(subj, "rank"));
	json_array_foreach(json_object_get(subj, "prior_sanctions"), i, v)
	    printf("  曾受处分: %s %s（%s）\n", str(v, "system"),
	           str(v, "level"), str(v, "decided_on"));
	printf("\n违纪事实\n");
	json_array_foreach(json_object_get(d, "facts"), i, v)
	{
		printf("  %s  [%s] %s\n", str(v, "id"), str(v, "violation"),
		       str(v, "summary"));
		json_t *amt = json_object_get(v, "amount_yuan");
		if (json_is_number(amt))
			printf("      金额 %.2f 元\n", json_number_value(amt));
		printf("      证据:");
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(v, "evidence"), k, e)
		    printf(" %s", json_string_value(e));
		printf("\n");
	}
	printf("\n证据\n");
	json_array_foreach(json_object_get(d, "evidence"), i, v) printf(
	    "  %-4s %-18s %s\n", str(v, "id"), str(v, "kind"), str(v, "title"));
	printf("\n文书\n");
	json_array_foreach(json_object_get(d, "documents"), i, v)
	    printf("  %-26s %s\n", str(v, "kind"), str(v, "date"));
	printf("\n移送单位意见  党纪 %s  政务 %s  形态 %d  八项规定 %s\n",
	       str(prop, "party_sanction"), str(prop, "gov_sanction"),
	       (int)json_integer_value(json_object_get(prop, "form")),
	       json_is_true(json_object_get(prop, "eight_point_rules")) ? "是"
	                                                                : "否");
}

static int case_show(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json,
	    r = cli_id_args(argc, argv, _(USAGE), "case show", &id, &json);
	if (r)
		return r < 0 ? SL_OK : r;
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	json_t *c = NULL;
	rc = sl_case_show(s, id, &c);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (json) {
		cli_print_json(c);
	} else {
		show_human(c);
	}
	json_decref(c);
	return SL_OK;
}

/* ---- assign / extend -------------------------------------------------- */

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

static int case_assign(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"auto", required_argument, 0, 'a'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	long auto_n = 0;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!parse_count(optarg, 1, 32, &auto_n))
				return cli_usage_error(
				    _(USAGE), _("--auto needs a number 1-32"));
			break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(
			    _(USAGE), _("case assign: bad option '%s'"),
			    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(_(USAGE), _("case assign: which case?"));
	const char *id = argv[optind++];
	if (optind == argc && !auto_n)
		return cli_usage_error(
		    _(USAGE), _("case assign: name the reviewers or give "
		                "--auto N"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	json_t *team = NULL;
	rc = sl_case_assign(s, id, (const char *const *)argv + optind,
	                    (size_t)(argc - optind), (size_t)auto_n, &team);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	printf(_("case %s assigned to"), id);
	size_t i;
	json_t *v;
	json_array_foreach(team, i, v) printf(" %s", json_string_value(v));
	printf("\n");
	json_decref(team);
	return SL_OK;
}

static int case_extend(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"days", required_argument, 0, 'd'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	long days = 0;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!parse_count(optarg, 1, 3650, &days))
				return cli_usage_error(
				    _(USAGE),
				    _("--days needs a number of days"));
			break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(
			    _(USAGE), _("case extend: bad option '%s'"),
			    argv[optind - 1]);
		}
	}
	if (optind != argc - 1 || !days)
		return cli_usage_error(
		    _(USAGE), _("case extend: give one case and --days N"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	int64_t deadline;
	rc = sl_case_extend(s, argv[optind], (int)days, &deadline);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	char d[16];
	fmt_date(deadline, d);
	printf(_("case %s: review limit extended by %ld days, to %s\n"),
	       argv[optind], days, d);
	return SL_OK;
}

static int case_resubmit(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL, *file = NULL;
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--help")) {
			fputs(_(USAGE), stdout);
			return SL_OK;
		} else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return cli_usage_error(
			    _(USAGE), _("case resubmit: unexpected '%s'"),
			    argv[i]);
	}
	if (!file)
		return cli_usage_error(
		    _(USAGE), _("case resubmit: give the case and the file"));
	sl_dossier_limits lim;
	sl_dossier_default_limits(&lim);
	char *buf;
	size_t len;
	sl_rc rc = sl_file_read(file, lim.max_bytes, &buf, &len);
	if (rc)
		return cli_fail(rc);
	sl_store *s;
	if ((rc = cli_unlock(g, &s))) {
		free(buf);
		return cli_fail(rc);
	}
	json_t *res = NULL;
	rc = sl_case_resubmit(s, id, buf, len, file, &res);
	sl_store_close(s);
	free(buf);
	if (rc)
		return cli_fail(rc);
	json_t *open = json_object_get(res, "open");
	json_t *checks = json_object_get(res, "checks");
	int blockers =
	    (int)json_integer_value(json_object_get(checks, "blockers"));
	if (json) {
		cli_print_json(res);
	} else {
		size_t i;
		json_t *v;
		printf(_("case %s resubmitted (return %lld): %zu item(s) "
		         "answered, "
		         "%zu open\n"),
		       id,
		       json_integer_value(json_object_get(res, "return_no")),
		       json_array_size(json_object_get(res, "answered")),
		       json_array_size(open));
		json_array_foreach(open, i, v)
		    printf("  第%lld项仍未补查：%s\n",
		           json_integer_value(json_object_get(v, "no")),
		           json_string_value(json_object_get(v, "why")));
		if (json_is_null(checks))
			printf(_(
			    "checks not run: no review plugin is installed\n"));
		else
			printf(_("checks: %d blocker(s), %lld warning(s), %lld "
			         "note(s)\n"),
			       blockers,
			       json_integer_value(
			           json_object_get(checks, "warnings")),
			       json_integer_value(
			           json_object_get(checks, "notes")));
	}
	int fail = json_array_size(open) > 0 || blockers > 0;
	json_decref(res);
	return fail ? SL_FAIL : SL_OK;
}

int cmd_case(int argc, char **argv, sl_cli *g)
{
	if (argc < 2)
		return cli_usage_error(_(USAGE), _("case: which subcommand?"));
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(_(USAGE), stdout);
		return SL_OK;
	}
	static const struct {
		const char *name;
		int (*fn)(int, char **, sl_cli *);
	} subs[] = {
	    {"import", case_import}, {"list", case_list},
	    {"show", case_show},     {"assign", case_assign},
	    {"extend", case_extend}, {"resubmit", case_resubmit},
	};
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (!strcmp(sub, subs[i].name))
			return subs[i].fn(argc - 1, argv + 1, g);
	return cli_usage_error(_(USAGE), _("case: unknown subcommand '%s'"),
	                       sub);
}
