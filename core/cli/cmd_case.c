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
#include "../org.h"
#include "../rules.h"
#include "cli.h"
/* case resubmit's operation; <shenli/ops.h> as a whole once the rest of
 * this file is on <shenli/ops_case.h> (cases.h declares the same names) */
#include <shenli/ops_review.h>

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
		        cli_txt(sl_errmsg()));
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
		/* one line per dossier as it is decided (a stream of 100k
		 * cannot wait for a table); case ids are short and plain */
		const char *cid = cli_txt(id);
		size_t w = cli_width(cid);
		printf("%s%*s %s\n", cid, w < 24 ? (int)(24 - w) : 0, "",
		       cli_decision_label(sl_intake_name(dec)));
		for (size_t i = 0; i < json_array_size(reasons); i++)
			printf("    - %s\n", cli_txt(json_string_value(
			                         json_array_get(reasons, i))));
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
		        cli_txt(sl_errmsg()));
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
		case 'h': return cli_help();
		default:
			return cli_usage(_("case import: bad option "
			                   "'%s'"),
			                 argv[optind - 1]);
		}
	}
	if (jsonl ? optind != argc : optind >= argc)
		return cli_usage(_("case import: give FILE.json... or "
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
				        cli_txt(sl_errmsg()));
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
	long decided = ctx.accepted + ctx.deferred + ctx.refused;
	if (ctx.malformed && decided)
		fprintf(stderr,
		        _("shenli: %ld malformed dossiers were refused and "
		          "nothing of them was written; the other %ld were "
		          "imported\n"),
		        ctx.malformed, decided);
	/* 5 says nothing was written; a batch partly written is 1 */
	return ctx.malformed && !decided                      ? SL_EINPUT
	       : ctx.malformed || ctx.deferred || ctx.refused ? SL_FAIL
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

struct list_ctx {
	cli_json_array *arr; /* --json: streamed */
	cli_table *t;
};

static void json_row(cli_json_array *arr, const sl_case_row *r)
{
	json_t *team = json_array();
	if (r->assignees) {
		char *dup = strdup(r->assignees), *save = NULL;
		for (char *t = strtok_r(dup, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			json_array_append_new(team, json_string(t));
		free(dup);
	}
	char d[16];
	fmt_date(r->deadline_ms, d);
	cli_json_array_add(
	    arr, json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s, s:o, s:i, s:s?,"
	                   " s:b, s:b}",
	                   "case_id", r->case_id, "agency", r->agency, "zone",
	                   r->zone, "state", r->state, "subject_name",
	                   r->subject_name, "transferred_on", r->transferred_on,
	                   "assignees", team, "returns", r->returns, "deadline",
	                   r->deadline_ms ? d : NULL, "clock_paused", r->paused,
	                   "overdue", r->overdue));
}

static int print_row(const sl_case_row *r, void *ud)
{
	struct list_ctx *c = ud;
	cli_json_array *arr = c->arr;
	if (arr) {
		json_row(arr, r);
		return 0;
	}
	char d[32], due[96];
	cli_local_time(r->deadline_ms, 0, d);
	d[10] = 0; /* the day is enough in a list */
	if (r->overdue)
		snprintf(due, sizeof due, _("%s OVERDUE"), d);
	else if (r->paused && r->deadline_ms)
		snprintf(due, sizeof due, _("%s paused"), d);
	else
		snprintf(due, sizeof due, "%s", d);
	cli_table_add(c->t, r->case_id);
	cli_table_add(c->t, r->agency);
	cli_table_add(c->t, r->zone);
	cli_table_add(c->t, cli_state_label(r->state));
	cli_table_add(c->t, due);
	cli_table_add(c->t, r->subject_name);
	cli_table_add(c->t, r->assignees);
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
		case 'h': return cli_help();
		default:
			return cli_usage(_("case list: bad option '%s'"),
			                 argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(_("case list: unexpected '%s'"), argv[optind]);
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	cli_json_array arr = {0};
	struct list_ctx ctx = {json ? &arr : NULL, NULL};
	if (!json)
		ctx.t = cli_table_new(7, _("CASE"), _("AGENCY"), _("ZONE"),
		                      _("STATE"), _("REVIEW LIMIT"),
		                      _("SUBJECT"), _("TEAM"));
	rc = sl_case_list(s, &f, print_row, &ctx);
	sl_store_close(s);
	if (!rc && json)
		cli_json_array_end(&arr);
	if (!rc && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	return rc ? cli_fail(rc) : SL_OK;
}

/* ---- show ---------------------------------------------------------------- */

/* The names behind the codes a case carries, for people: zones, agencies
 * and the rules' Chinese names of violations, kinds and circumstances. A
 * lookup that fails leaves the code, which is still right. */
typedef struct {
	json_t *zones, *agencies; /* code -> name */
	sl_rules *rules;          /* NULL if they could not be read */
} show_names;

static int collect(const sl_org_info *o, void *ud)
{
	json_object_set_new(ud, o->code, json_string(o->name));
	return 0;
}

/* A string member, sanitised; "-" if absent. */
static const char *str(json_t *o, const char *k)
{
	return cli_txt(json_string_value(json_object_get(o, k)));
}

static const char *name_of(json_t *names, const char *code)
{
	const char *n = json_string_value(json_object_get(names, code));
	return cli_txt(n ? n : code);
}

/* case show is Chinese in every locale, as the dossier it shows is: the
 * C locale's English would sit oddly between its lines. */
static const char *state_zh(const char *st)
{
	static const char *const m[][2] = {
	    {"received", "已接收"},        {"accepted", "已受理"},
	    {"deferred", "暂缓受理"},      {"refused", "不予受理"},
	    {"in_review", "审理中"},       {"returned", "已退回补充调查"},
	    {"deliberated", "已集体审议"}, {"signed_off", "已签发"},
	};
	for (size_t i = 0; st && i < CLI_COUNT(m); i++)
		if (!strcmp(st, m[i][0]))
			return m[i][1];
	return cli_txt(st);
}

static const char *discipline_zh(const char *d)
{
	static const char *const m[][2] = {
	    {"political", "政治纪律"}, {"organizational", "组织纪律"},
	    {"integrity", "廉洁纪律"}, {"mass", "群众纪律"},
	    {"work", "工作纪律"},      {"life", "生活纪律"},
	};
	for (size_t i = 0; d && i < CLI_COUNT(m); i++)
		if (!strcmp(d, m[i][0]))
			return m[i][1];
	return cli_txt(d);
}

/* A name the rules give a code under section (circumstances: {code:
 * {zh}}), or the code. */
static const char *rules_zh(const show_names *n, const char *section,
                            const char *code)
{
	json_t *sec =
	    n->rules ? json_object_get(sl_rules_json(n->rules), section) : NULL;
	const char *zh = json_string_value(
	    json_object_get(json_object_get(sec, code), "zh"));
	return cli_txt(zh ? zh : code);
}

static const char *form_zh(const show_names *n, int form)
{
	json_t *forms =
	    n->rules ? json_object_get(sl_rules_json(n->rules), "forms") : NULL;
	size_t i;
	json_t *f;
	json_array_foreach(forms, i, f)
	{
		if (json_integer_value(json_object_get(f, "form")) == form)
			return str(f, "zh");
	}
	static char buf[32];
	snprintf(buf, sizeof buf, "第%d种形态", form);
	return buf;
}

/* A time of the case (JSON "…Z") in local time; "-" if none. */
static const char *when(json_t *c, const char *k)
{
	static char buf[2][32];
	static int i;
	char *out = buf[i++ % 2];
	long long ms = cli_parse_utc(json_string_value(json_object_get(c, k)));
	if (ms < 0)
		return str(c, k);
	cli_local_time(ms, 0, out);
	return out;
}

/* 86000 -> "86,000.00" */
static void fmt_yuan(double v, char out[48])
{
	char raw[40];
	snprintf(raw, sizeof raw, "%.2f", v);
	char *dot = strchr(raw, '.');
	size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw), o = 0;
	for (size_t i = 0; i < int_len; i++) {
		if (i && (int_len - i) % 3 == 0 && raw[i - 1] != '-')
			out[o++] = ',';
		out[o++] = raw[i];
	}
	snprintf(out + o, 48 - o, "%s", dot ? dot : "");
}

static void show_human(json_t *c, const show_names *n)
{
	json_t *d = json_object_get(c, "dossier");
	json_t *subj = json_object_get(d, "subject");
	json_t *prop = json_object_get(d, "proposal");
	const sl_rules *r = n->rules;
	size_t i;
	json_t *v;
	const char *agency = json_string_value(json_object_get(c, "agency"));
	const char *zone = json_string_value(json_object_get(c, "zone"));

	printf("案件编号  %s\n", str(c, "case_id"));
	printf("移送单位  %s", name_of(n->agencies, agency));
	if (zone)
		printf("（%s）", name_of(n->zones, zone));
	printf("\n移送日期  %s    接收时间 %s\n", str(d, "transferred_on"),
	       when(c, "received_at"));
	printf("状态      %s%s",
	       state_zh(json_string_value(json_object_get(c, "state"))),
	       json_is_true(json_object_get(c, "clock_paused")) ? "（计时暂停）"
	                                                        : "");
	if (json_string_value(json_object_get(c, "accepted_at")))
		printf("    受理时间 %s", when(c, "accepted_at"));
	printf("\n审理期限  %s", when(c, "deadline"));
	json_int_t ext =
	    json_integer_value(json_object_get(c, "extended_days"));
	if (ext > 0)
		printf("（已延长%lld天）", (long long)ext);
	if (json_is_true(json_object_get(c, "overdue")))
		printf("  已逾期");
	printf("    退回次数 %d\n",
	       (int)json_integer_value(json_object_get(c, "returns")));
	printf("审理组    ");
	json_array_foreach(json_object_get(c, "assignees"), i, v)
	    printf("%s%s", i ? "、" : "", cli_txt(json_string_value(v)));
	printf("%s\n", json_array_size(json_object_get(c, "assignees"))
	                   ? ""
	                   : "（未分配）");
	json_array_foreach(json_object_get(c, "intake_reasons"), i, v)
	    printf("受理意见  %s\n", cli_txt(json_string_value(v)));

	printf("\n被审查调查人  %s（%s）", str(subj, "name"),
	       str(subj, "person_id"));
	if (json_string_value(json_object_get(subj, "position")))
		printf(" %s", str(subj, "position"));
	if (json_string_value(json_object_get(subj, "rank")))
		printf(" %s", str(subj, "rank"));
	if (json_is_true(json_object_get(subj, "party_member")))
		printf(" 中共党员");
	if (json_is_true(json_object_get(subj, "public_official")))
		printf(" 公职人员");
	printf("\n");
	json_array_foreach(json_object_get(subj, "prior_sanctions"), i, v)
	{
		const char *sys =
		    json_string_value(json_object_get(v, "system"));
		printf("  曾受处分  %s%s（%s）\n",
		       sys && !strcmp(sys, "party") ? "党纪处分 "
		       : sys && !strcmp(sys, "gov") ? "政务处分 "
		                                    : "",
		       str(v, "level"), str(v, "decided_on"));
	}

	printf("\n违纪事实\n");
	json_array_foreach(json_object_get(d, "facts"), i, v)
	{
		const char *code =
		    json_string_value(json_object_get(v, "violation"));
		const sl_violation *vi =
		    r && code ? sl_rules_violation(r, code) : NULL;
		printf("  %s  %s", str(v, "id"),
		       cli_txt(vi && vi->zh ? vi->zh : code));
		if (json_string_value(json_object_get(v, "from")) ||
		    json_string_value(json_object_get(v, "to")))
			printf("（%s 至 %s）", str(v, "from"), str(v, "to"));
		printf("\n      %s\n", str(v, "summary"));
		json_t *amt = json_object_get(v, "amount_yuan");
		if (json_is_number(amt)) {
			char y[48];
			fmt_yuan(json_number_value(amt), y);
			printf("      金额  %s 元\n", y);
		}
		printf("      证据 ");
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(v, "evidence"), k, e)
		    printf(" %s", cli_txt(json_string_value(e)));
		printf("\n");
	}

	printf("\n证据\n");
	cli_table *t = cli_table_new(4, "  编号", "种类", "名称", "取得日期");
	json_array_foreach(json_object_get(d, "evidence"), i, v)
	{
		const char *kind =
		    json_string_value(json_object_get(v, "kind"));
		char id[80];
		snprintf(id, sizeof id, "  %s", str(v, "id"));
		cli_table_add(t, id);
		cli_table_add(t, r && kind ? sl_rules_evidence_name(r, kind)
		                           : kind);
		cli_table_add(t,
		              json_string_value(json_object_get(v, "title")));
		cli_table_add(
		    t, json_string_value(json_object_get(v, "obtained_on")));
	}
	cli_table_print(t, stdout);
	cli_table_free(t);

	printf("\n文书\n");
	t = cli_table_new(2, "  文书", "日期");
	json_array_foreach(json_object_get(d, "documents"), i, v)
	{
		const char *kind =
		    json_string_value(json_object_get(v, "kind"));
		char doc[600];
		snprintf(
		    doc, sizeof doc, "  %s",
		    cli_txt(r && kind ? sl_rules_doc_name(r, kind) : kind));
		cli_table_add(t, doc);
		cli_table_add(t, json_string_value(json_object_get(v, "date")));
	}
	cli_table_print(t, stdout);
	cli_table_free(t);

	json_t *sup = json_object_get(d, "supplement");
	if (json_array_size(sup)) {
		printf("\n补充材料\n");
		json_array_foreach(sup, i, v)
		{
			printf("  第%s项  %s\n      证据 ", str(v, "item"),
			       str(v, "note"));
			size_t k;
			json_t *e;
			json_array_foreach(json_object_get(v, "evidence"), k, e)
			    printf(" %s", cli_txt(json_string_value(e)));
			printf("\n");
		}
	}

	printf("\n移送单位意见\n  违纪类别  ");
	json_array_foreach(json_object_get(prop, "disciplines"), i, v)
	    printf("%s%s", i ? "、" : "", discipline_zh(json_string_value(v)));
	printf("\n  违反中央八项规定精神  %s\n",
	       json_is_true(json_object_get(prop, "eight_point_rules")) ? "是"
	                                                                : "否");
	printf("  党纪处分  %s    政务处分  %s\n", str(prop, "party_sanction"),
	       str(prop, "gov_sanction"));
	printf(
	    "  四种形态  %s\n",
	    form_zh(n, (int)json_integer_value(json_object_get(prop, "form"))));
	if (json_array_size(json_object_get(prop, "circumstances"))) {
		printf("  情节      ");
		json_array_foreach(json_object_get(prop, "circumstances"), i, v)
		    printf("%s%s", i ? "、" : "",
		           rules_zh(n, "circumstances", json_string_value(v)));
		printf("\n");
	}
}

static int case_show(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json, r = cli_id_args(argc, argv, NULL, "case show", &id, &json);
	if (r)
		return r < 0 ? SL_OK : r;
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	json_t *c = NULL;
	show_names n = {NULL, NULL, NULL};
	rc = sl_case_show(s, id, &c);
	if (!rc && !json) {
		n.zones = json_object();
		n.agencies = json_object();
		if (sl_zone_list(s, collect, n.zones) ||
		    sl_agency_list(s, collect, n.agencies) ||
		    sl_rules_load(s, &n.rules))
			sl_errclear(); /* codes then stand for names */
	}
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (json)
		cli_print_json(c);
	else
		show_human(c, &n);
	json_decref(n.zones);
	json_decref(n.agencies);
	if (n.rules)
		sl_rules_free(n.rules);
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
				return cli_usage(
				    _("--auto needs a number 1-32"));
			break;
		case 'h': return cli_help();
		default:
			return cli_usage(_("case assign: bad option '%s'"),
			                 argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage(_("case assign: which case?"));
	const char *id = argv[optind++];
	if (optind == argc && !auto_n)
		return cli_usage(_("case assign: name the reviewers or give "
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
	char names[1024] = "";
	size_t i;
	json_t *v;
	json_array_foreach(team, i, v)
	{
		size_t used = strlen(names);
		snprintf(names + used, sizeof names - used, "%s%s",
		         i ? " " : "", cli_txt(json_string_value(v)));
	}
	printf(_("case %s assigned to %s\n"), cli_txt(id), names);
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
				return cli_usage(
				    _("--days needs a number of days"));
			break;
		case 'h': return cli_help();
		default:
			return cli_usage(_("case extend: bad option '%s'"),
			                 argv[optind - 1]);
		}
	}
	if (optind != argc - 1 || !days)
		return cli_usage(_("case extend: give one case and --days N"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	int64_t deadline;
	rc = sl_case_extend(s, argv[optind], (int)days, &deadline);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	char d[32];
	cli_local_time(deadline, 0, d);
	printf(_("case %s: review limit extended by %ld days, to %s\n"),
	       cli_txt(argv[optind]), days, d);
	return SL_OK;
}

static int case_resubmit(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	int json = 0, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default:
			return cli_usage(_("case resubmit: unexpected '%s'"),
			                 argv[optind - 1]);
		}
	}
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
        "JSON document. Exit 5 if any dossier was malformed, else 1 if any\n"
        "was deferred or refused.\n"),
     CLI_UNLOCK},
    {"list", case_list,
     "shenli case list [--state S] [--zone Z] [--agency A]\n"
     "                 [--assignee U] [--overdue] [--json]",
     N_("list the cases you may see"),
     N_("Lists the cases you may see, with their agency, zone, state, review\n"
        "limit, subject and team. Reviewers see only their zone's cases,\n"
        "specialists only the cases they were asked to review, and nobody a\n"
        "case their home agency transferred (recusal). --state, --zone,\n"
        "--agency and --assignee narrow the list; --overdue keeps the cases\n"
        "past their review limit. States: received, accepted, deferred,\n"
        "refused, in_review, returned, deliberated, signed_off.\n"),
     CLI_UNLOCK},
    {"show", case_show, "shenli case show ID [--json]",
     N_("show one case with its dossier"),
     N_("Shows one case in Chinese: its state and review limit, the team,\n"
        "the subject, the facts with their evidence, the documents and the\n"
        "agency's proposal. --json gives the stored case and dossier as one\n"
        "JSON document.\n"),
     CLI_UNLOCK},
    {"assign", case_assign,
     "shenli case assign ID REVIEWER... | shenli case assign ID --auto N",
     N_("name the review team (leaders)"),
     N_("Names the review team (审理组) of a case, for leaders: at least two\n"
        "reviewers, members of the case's zone or specialists, never one\n"
        "whose home agency transferred the case (recusal: exit 4). --auto N\n"
        "picks N eligible reviewers.\n"),
     CLI_UNLOCK},
    {"extend", case_extend, "shenli case extend ID --days N",
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
