/* cmd_review.c - shenli review run|findings|opinion|opinions|return|
 * withdraw|outline|signoff. Each parses its options, calls one operation
 * (<shenli/ops_review.h>) and prints its typed result: --json through the
 * result's serialiser, else in words. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include <shenli/ops.h>

/* ---- run ----------------------------------------------------------------- */

/* --json: each case checked with its counts, streamed as one array. A row
 * is printed once the batch it is in has committed, never one of a batch
 * that rolled back; so at most a batch of rows is held, whatever the run. */
typedef struct {
	char *case_id;
	int blockers, warnings, notes;
} run_row;

struct run_ctx {
	int verbose, progress, json, oom;
	cli_bar bar;
	cli_json_array arr;
	run_row *rows; /* rows[head..n) are held */
	size_t head, n, cap;
	size_t printed, committed; /* rows printed; cases committed */
};

static void keep_row(struct run_ctx *c, const sl_review_row *r)
{
	if (c->head == c->n)
		c->head = c->n = 0;
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 64;
		run_row *nv = realloc(c->rows, nc * sizeof *nv);
		if (!nv) {
			c->oom = 1;
			return;
		}
		c->rows = nv;
		c->cap = nc;
	}
	run_row *k = &c->rows[c->n];
	if (!(k->case_id = strdup(r->case_id))) {
		c->oom = 1;
		return;
	}
	k->blockers = r->blockers;
	k->warnings = r->warnings;
	k->notes = r->notes;
	c->n++;
}

/* The held rows of committed cases out. */
static void print_committed(struct run_ctx *c)
{
	while (c->head < c->n && c->printed < c->committed) {
		run_row *k = &c->rows[c->head++];
		sl_review_row r = {.case_id = k->case_id,
		                   .blockers = k->blockers,
		                   .warnings = k->warnings,
		                   .notes = k->notes};
		cli_json_array_add(&c->arr, sl_review_row_json(&r));
		free(k->case_id);
		c->printed++;
	}
}

static void run_ctx_free(struct run_ctx *c)
{
	for (size_t i = c->head; i < c->n; i++)
		free(c->rows[i].case_id);
	free(c->rows);
}

static void on_committed(size_t cases, void *ud)
{
	struct run_ctx *c = ud;
	c->committed = cases;
	if (c->json)
		print_committed(c);
}

static int on_case(const sl_review_row *r, void *ud)
{
	struct run_ctx *c = ud;
	if (c->json) {
		keep_row(c, r); /* out of memory: told after the run */
		print_committed(c);
		return 0;
	}
	if (c->verbose)
		printf(_("%s: %d blocker(s), %d warning(s), %d note(s)\n"),
		       cli_txt(r->case_id), r->blockers, r->warnings, r->notes);
	if (c->progress) {
		if (r->index == 1)
			cli_progress_start(&c->bar, _("checking"), r->total, 1);
		cli_progress(&c->bar, r->index, r->index == r->total);
	}
	return 0;
}

/* The command fails after rows may have gone out: they are ended as a
 * whole array, then the failure; committed cases (an error in a later
 * batch) stay, and the user is told how many. */
static int run_failed(struct run_ctx *c, sl_rc rc, size_t committed)
{
	if (c->json && c->printed)
		cli_json_array_end(&c->arr); /* what was printed, whole */
	rc = cli_fail(rc);
	if (committed)
		fprintf(stderr,
		        _("shenli: the run stopped part-way: the findings of "
		          "the first %zu case(s) checked were committed and "
		          "stay; no case after them was changed\n"),
		        committed);
	return rc;
}

static int review_run(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"all", no_argument, 0, 'a'},
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	int all = 0, json = 0, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind + 1 < argc)
		return cli_usage(_("review run: unexpected '%s'"),
		                 argv[optind + 1]);
	const char *id = optind < argc ? argv[optind] : NULL;
	if (!!id == all)
		return cli_usage(_("review run: give one case ID or --all"));
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	struct run_ctx ctx = {.verbose = !all, .progress = all, .json = json};
	sl_review_run_req rq = {.case_id = id,
	                        .progress = on_case,
	                        .committed = on_committed,
	                        .ud = &ctx};
	sl_review_run_res res;
	rc = sl_review_run(s, &rq, &res);
	if (!res.ran) {
		rc = run_failed(&ctx, rc, res.committed);
		run_ctx_free(&ctx);
		return rc;
	}
	if (ctx.oom) {
		/* the run itself is whole: nothing part-way to tell */
		rc = run_failed(
		    &ctx,
		    sl_error(SL_ESYS, _("the checks ran and their findings "
		                        "are stored, but out of memory for "
		                        "the list: see review findings")),
		    0);
		run_ctx_free(&ctx);
		return rc;
	}
	if (json)
		cli_json_array_end(&ctx.arr);
	else
		printf(_("%ld case(s) checked: %ld blocker(s), %ld "
		         "warning(s), %ld note(s)\n"),
		       (long)res.cases, res.blockers, res.warnings, res.notes);
	run_ctx_free(&ctx);
	return rc; /* SL_FAIL: a blocker */
}

/* ---- findings --------------------------------------------------------------
 */

/* The six standards of the 24 characters (DOMAIN.md) and the severities,
 * in Chinese: findings, like the case and its outline, are a Chinese view
 * in every locale (their messages come in Chinese from the checks). */
static const char *const standards_zh[][2] = {
    {"facts", "事实"},    {"evidence", "证据"},    {"classification", "定性"},
    {"disposal", "处理"}, {"formalities", "手续"}, {"procedure", "程序"},
};

/* A standard's name; the code itself if it is none. */
static const char *standard_zh(const char *code)
{
	for (size_t i = 0; code && i < CLI_COUNT(standards_zh); i++)
		if (!strcmp(code, standards_zh[i][0]))
			return standards_zh[i][1];
	return code;
}

static const char *zh_of(const char *code)
{
	static const char *const sev[][2] = {
	    {"blocker", "阻断"}, {"warning", "警示"}, {"note", "提示"}};
	for (size_t i = 0; code && i < CLI_COUNT(sev); i++)
		if (!strcmp(code, sev[i][0]))
			return sev[i][1];
	return standard_zh(code);
}

/* "F1、E2" */
static const char *refs_text(const char *const *refs, size_t n)
{
	static char buf[1024];
	buf[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof buf - used, "%s%s", i ? "、" : "",
		         refs[i] ? refs[i] : "");
	}
	return buf;
}

/* The findings as they stream: --json element by element; else a table
 * and the suggested outline items, printed once all are in. */
struct findings_ctx {
	int json;
	cli_json_array ja;
	cli_table *t;
	size_t n;
	char **suggest; /* the n findings' outline items (NULL: none) */
	size_t cap;
	int oom;
};

static int on_finding(const sl_finding *f, void *ud)
{
	struct findings_ctx *c = ud;
	if (c->json) {
		cli_json_array_add(&c->ja, sl_finding_json(f));
		return 0;
	}
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 16;
		char **nv = realloc(c->suggest, nc * sizeof *nv);
		if (!nv)
			return c->oom = 1;
		c->suggest = nv;
		c->cap = nc;
	}
	c->suggest[c->n] = f->outline_item ? strdup(f->outline_item) : NULL;
	char no[24];
	snprintf(no, sizeof no, "%zu", ++c->n);
	cli_table_add(c->t, no);
	cli_table_add(c->t, zh_of(f->severity));
	cli_table_add(c->t, zh_of(f->standard));
	cli_table_add(c->t, f->check);
	cli_table_add(c->t, f->code);
	cli_table_add(c->t, refs_text(f->refs, f->n_refs));
	cli_table_add(c->t, f->message);
	return 0;
}

static void print_findings(const char *id, struct findings_ctx *c)
{
	if (!c->n) {
		printf("%s：无审查发现（尚未运行检查，或检查未发现问题）\n",
		       cli_txt(id));
		return;
	}
	printf("%s：审查发现 %zu 条\n", cli_txt(id), c->n);
	cli_table_print(c->t, stdout);
	int head = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!c->suggest[i])
			continue;
		if (!head++)
			printf("\n建议补查（写入退回的补查提纲）\n");
		printf("  %zu. %s\n", i + 1, cli_txt(c->suggest[i]));
	}
}

static int review_findings(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json,
	    rc = cli_id_args(argc, argv, NULL, "review findings", &id, &json);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	struct findings_ctx c = {.json = json};
	if (!json) {
		c.t = cli_table_new(7, "序号", "级别", "标准", "检查", "代码",
		                    "涉及", "问题");
		cli_table_right(c.t, 0);
	}
	rc = sl_review_findings_each(s, id, on_finding, &c);
	if (!rc && c.oom)
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (!rc && json)
		cli_json_array_end(&c.ja);
	else if (!rc)
		print_findings(id, &c);
	for (size_t i = 0; i < c.n; i++)
		free(c.suggest[i]);
	free(c.suggest);
	cli_table_free(c.t);
	return rc ? cli_fail(rc) : SL_OK;
}

/* ---- opinion ----------------------------------------------------------------
 */

static int review_opinion(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"panel", no_argument, 0, 'p'},
	    {"file", required_argument, 0, 'f'},
	    {"discipline", required_argument, 0, 'd'},
	    {"eight-point", no_argument, 0, 'e'},
	    {"party-sanction", required_argument, 0, 'P'},
	    {"gov-sanction", required_argument, 0, 'G'},
	    {"form", required_argument, 0, 'F'},
	    {"circumstance", required_argument, 0, 'c'},
	    {"reason", required_argument, 0, 'r'},
	    {"dissent", required_argument, 0, 'D'},
	    {"property", required_argument, 0, 'o'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *file = NULL;
	int json = 0, fields = 0, c;
	sl_opinion_fields f = {0};
	sl_opinion_req rq = {0};
	const char **disc = calloc((size_t)argc, sizeof *disc),
	           **circ = calloc((size_t)argc, sizeof *circ),
	           **dis = calloc((size_t)argc, sizeof *dis);
	int rc = disc && circ && dis
	             ? SL_OK
	             : cli_fail(sl_error(SL_ESYS, _("out of memory")));
	optind = 0;
	opterr = 0;
	while (!rc && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		fields |= !strchr("jpfh", c);
		switch (c) {
		case 'j': json = 1; break;
		case 'p': rq.panel = 1; break;
		case 'f': file = optarg; break;
		case 'd': disc[f.n_disciplines++] = optarg; break;
		case 'e': f.eight_point_rules = 1; break;
		case 'P': f.party_sanction = optarg; break;
		case 'G': f.gov_sanction = optarg; break;
		case 'F': {
			/* the core says which forms there are (1-4); here only
			 * that it is a number, named as it was given */
			char *end;
			long n = strtol(optarg, &end, 10);
			if (!*optarg || *end || n < -1000 || n > 1000)
				rc = cli_bad_value(
				    _("--form needs the form's number, 1-4; "
				      "not '%s'"),
				    optarg);
			else
				f.form = (int)n;
			break;
		}
		case 'c': circ[f.n_circumstances++] = optarg; break;
		case 'r': f.reasoning = optarg; break;
		case 'D': dis[f.n_dissent++] = optarg; break;
		case 'o': f.property = optarg; break;
		case 'h': rc = -1; break; /* the dispatcher answers it */
		default: rc = cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (!rc && optind + 1 < argc)
		rc = cli_usage(_("review opinion: unexpected '%s'"),
		               argv[optind + 1]);
	if (!rc && (optind == argc || (!file && !fields)))
		rc = cli_usage(
		    _("review opinion: give the case, and the opinion "
		      "as options (--discipline ... --reason TEXT) or "
		      "--file OPINION.json"));
	if (!rc && file && fields)
		rc = cli_usage(_("review opinion: --file or the opinion's "
		                 "options, not both"));
	f.disciplines = disc;
	f.circumstances = circ;
	f.dissent = dis;
	char *buf = NULL;
	if (!rc && file &&
	    (rc = sl_file_read(file, SL_OPINION_MAX, &buf, &rq.len)))
		rc = cli_fail(rc);
	sl_store *s = rc ? NULL : cli_store(g, &rc);
	sl_opinion_res res = {0};
	if (s) {
		rq.case_id = argv[optind];
		rq.buf = buf;
		rq.fields = file ? NULL : &f;
		if ((rc = sl_review_opinion(s, &rq, &res)))
			rc = cli_fail(rc);
	}
	free(buf);
	free(disc);
	free(circ);
	free(dis);
	if (rc || !s)
		return rc < 0 ? cli_help() : rc;
	if (json) {
		json_t *j = sl_opinion_json(&res.opinion);
		cli_print_json(j);
		json_decref(j);
	} else
		printf(res.opinion.panel
		           ? _("panel opinion on %s recorded and signed by %s "
		               "(key %s); the case is deliberated\n")
		           : _("opinion on %s recorded and signed by %s (key "
		               "%s)\n"),
		       cli_txt(rq.case_id), cli_txt(res.opinion.author),
		       cli_txt(res.opinion.sig_key));
	sl_opinion_res_free(&res);
	return SL_OK;
}

/* The team's opinions side by side (each a column would not fit a
 * terminal's width in Chinese: one block each, the same fields in the
 * same order, so that they read across). */
/* A circumstance's name in the rules' vocabulary (sl_opinion_vocab), or
 * its code where the rules do not name it. */
static const char *circumstance_zh(const json_t *vocab, const char *code)
{
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(vocab, "circumstances"), i, c)
	{
		const char *k = json_string_value(json_object_get(c, "code"));
		const char *zh = json_string_value(json_object_get(c, "zh"));
		if (k && zh && !strcmp(k, code))
			return zh;
	}
	return code;
}

static void print_opinion(const sl_opinion *o, const json_t *vocab)
{
	printf("%s%s  %s\n", o->panel ? "审理组意见 " : "",
	       cli_txt(o->author_name ? o->author_name : o->author),
	       cli_txt(o->recorded_on));
	printf("  违反纪律：");
	for (size_t i = 0; i < o->n_disciplines; i++)
		printf("%s%s", i ? "、" : "",
		       cli_txt(sl_discipline_name(o->disciplines[i])));
	printf("%s\n", o->eight_point_rules ? "（违反中央八项规定精神）" : "");
	printf("  党纪处分：%s    政务处分：%s    形态：第%d种\n",
	       cli_txt(o->party_sanction ? o->party_sanction : "无"),
	       cli_txt(o->gov_sanction ? o->gov_sanction : "无"), o->form);
	if (o->n_circumstances) {
		printf("  情节：");
		for (size_t i = 0; i < o->n_circumstances; i++)
			printf("%s%s", i ? "、" : "",
			       cli_txt(circumstance_zh(vocab,
			                               o->circumstances[i])));
		printf("\n");
	}
	printf("  理由：%s\n", cli_txt(o->reasoning));
	if (o->property)
		printf("  涉案财物处置：%s\n", cli_txt(o->property));
	for (size_t i = 0; i < o->n_dissent; i++)
		printf("  不同意见（%s）：%s\n", cli_txt(o->dissent[i].member),
		       cli_txt(o->dissent[i].text));
}

static int review_opinions(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json,
	    rc = cli_id_args(argc, argv, NULL, "review opinions", &id, &json);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_opinions_res res;
	if ((rc = sl_review_opinions(s, id, &res)))
		return cli_fail(rc);
	if (json) {
		json_t *j = sl_opinions_json(&res);
		cli_print_json(j);
		json_decref(j);
	} else {
		json_t *vocab = NULL;
		if (sl_opinion_vocab(s, &vocab))
			vocab = NULL; /* the codes, then, not the names */
		for (size_t i = 0; i < res.n; i++) {
			if (i)
				printf("\n");
			print_opinion(&res.v[i], vocab);
		}
		if (!res.n)
			printf("%s\n", _("no opinions recorded yet"));
		json_decref(vocab);
	}
	sl_opinions_res_free(&res);
	return SL_OK;
}

/* ---- return, withdraw and outline -------------------------------------------
 */

/* Where an outline item came from, for the leader reading it. */
static const char *source_text(const char *src)
{
	static char buf[200];
	if (!src || !strcmp(src, "leader"))
		return "组长";
	if (!strcmp(src, "carried"))
		return "上次退回未补查项";
	/* "CHECK/CODE": the check in words where it is one of the built-in
	 * three; the code stays, as --from-finding takes it */
	static const char *const checks[][2] = {
	    {"evidence", "证据检查"},
	    {"classification", "定性量纪检查"},
	    {"procedure", "程序检查"}};
	const char *slash = strchr(src, '/');
	for (size_t i = 0; slash && i < sizeof checks / sizeof *checks; i++)
		if ((size_t)(slash - src) == strlen(checks[i][0]) &&
		    !strncmp(src, checks[i][0], (size_t)(slash - src))) {
			snprintf(buf, sizeof buf, "审查发现（%s：%s）",
			         checks[i][1], slash + 1);
			return buf;
		}
	snprintf(buf, sizeof buf, "审查发现 %s", src);
	return buf;
}

/* An outline item's refs as the return letter names them: a document
 * kind by its name in the rules, a standard as its 问题, ids as they are. */
static const char *item_refs_text(const sl_outline_item *it, const json_t *docs)
{
	static char buf[1024];
	buf[0] = 0;
	for (size_t i = 0; i < it->n_refs; i++) {
		const char *r = it->refs[i] ? it->refs[i] : "",
		           *zh = standard_zh(r);
		const char *pre = "", *post = zh != r ? "问题" : "";
		if (!strcmp(r, "subject")) {
			zh = "被审查调查人"; /* as the return letter says */
		} else if (!strncmp(r, "doc:", 4)) {
			const char *n =
			    json_string_value(json_object_get(docs, r + 4));
			pre = "材料：";
			zh = n ? n : "其他文书";
		}
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof buf - used, "%s%s%s%s",
		         i ? "、" : "", pre, zh, post);
	}
	return buf;
}

/* A return's supplement outline, in Chinese like the document it is. */
static void print_outline(const sl_outline_res *o, const json_t *docs)
{
	printf("%s 第%d次退回（%s）补查提纲  退回日期：%s\n",
	       cli_txt(o->case_id), o->return_no,
	       o->kind && !strcmp(o->kind, "reinvestigate") ? "重新审查调查"
	                                                    : "补充审查调查",
	       cli_txt(o->returned_on));
	for (size_t i = 0; i < o->n_items; i++) {
		const sl_outline_item *it = &o->items[i];
		printf("%3d. %s%s\n", it->no, cli_txt(it->text),
		       it->answered    ? "  [已补查]"
		       : it->withdrawn ? "  [已撤回]"
		                       : "");
		printf("     涉及：%s    来源：%s\n",
		       cli_txt(item_refs_text(it, docs)),
		       cli_txt(source_text(it->source)));
		if (it->withdrawn)
			printf("     撤回理由：%s\n",
			       cli_txt(it->withdrawn->reason));
	}
}

/* The outline a command ended with: --json, or in words (then the
 * caller says what became of it). */
static void show_outline(sl_store *s, sl_outline_res *o, int json)
{
	if (json) {
		json_t *j = sl_outline_json(o);
		cli_print_json(j);
		json_decref(j);
	} else {
		json_t *docs = NULL;
		if (sl_review_doc_names(s, &docs)) {
			sl_errclear(); /* the kinds' codes, then */
			docs = NULL;
		}
		print_outline(o, docs);
		json_decref(docs);
	}
}

static int return_args(int argc, char **argv, sl_return_req *rq,
                       sl_outline_extra *items, const char **picks, int *json)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"dry-run", no_argument, 0, 'n'},
	    {"no-findings", no_argument, 0, 'N'},
	    {"from-finding", required_argument, 0, 'f'},
	    {"kind", required_argument, 0, 'k'},
	    {"item", required_argument, 0, 'i'},
	    {"ref", required_argument, 0, 'r'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	size_t n = 0;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': *json = 1; break;
		case 'n': rq->dry_run = 1; break;
		case 'N': rq->no_findings = 1; break;
		case 'f': picks[rq->n_picks++] = optarg; break;
		case 'k': rq->kind = optarg; break;
		case 'i': items[n++].text = optarg; break;
		case 'r':
			if (!n || items[n - 1].refs)
				return cli_usage(
				    _("review return: each --ref follows "
				      "the --item it ties"));
			items[n - 1].refs = optarg;
			break;
		case 'h': cli_help(); return -1;
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind + 1 < argc)
		return cli_usage(_("review return: unexpected '%s'"),
		                 argv[optind + 1]);
	rq->case_id = optind < argc ? argv[optind] : NULL;
	rq->picks = picks;
	rq->extra = items;
	rq->n_extra = n;
	if (!rq->case_id || !rq->kind)
		return cli_usage(_("review return: give the case and --kind "
		                   "supplement|reinvestigate"));
	if (strcmp(rq->kind, "supplement") && strcmp(rq->kind, "reinvestigate"))
		return cli_bad_value(_("review return: unknown --kind '%s': "
		                       "supplement or reinvestigate"),
		                     rq->kind);
	if (rq->no_findings && rq->n_picks)
		return cli_usage(_("review return: --no-findings or "
		                   "--from-finding, not both"));
	return 0;
}

static int review_return(int argc, char **argv, sl_cli *g)
{
	sl_return_req rq = {0};
	int json = 0, rc;
	sl_outline_extra *items = calloc((size_t)argc, sizeof *items);
	const char **picks = calloc((size_t)argc, sizeof *picks);
	if (!items || !picks)
		rc = cli_fail(sl_error(SL_ESYS, _("out of memory")));
	else
		rc = return_args(argc, argv, &rq, items, picks, &json);
	sl_store *s = rc ? NULL : cli_store(g, &rc);
	sl_outline_res o;
	if (s && (rc = sl_review_return(s, &rq, &o)))
		rc = cli_fail(rc);
	free(items);
	free(picks);
	if (rc || !s)
		return rc < 0 ? SL_OK : rc;
	show_outline(s, &o, json);
	if (!json && o.dry_run)
		printf(_("(a dry run: this outline was not sent, nothing "
		         "was written)\n"));
	else if (!json)
		printf(_("case %s returned; its review clock is paused\n"),
		       cli_txt(rq.case_id));
	sl_outline_res_free(&o);
	return SL_OK;
}

static int review_withdraw(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"reason", required_argument, 0, 'r'},
	    {"finding", required_argument, 0, 'f'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	sl_withdraw_req rq = {0};
	int json = 0, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'r': rq.reason = optarg; break;
		case 'f': rq.finding = optarg; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	int want = rq.finding ? 1 : 2; /* ID, and ITEM unless --finding */
	if (optind + want < argc)
		return cli_usage(_("review withdraw: unexpected '%s'"),
		                 argv[optind + want]);
	const char *item = optind + 1 < argc ? argv[optind + 1] : NULL;
	char *end = NULL;
	long no = item ? strtol(item, &end, 10) : 0;
	if (optind + want > argc)
		return cli_usage(
		    _("review withdraw: give the case and the item's "
		      "number, or the case and --finding CODE[@REF]"));
	if (!rq.finding && (!*item || *end || no < 1 || no > 100000))
		return cli_bad_value(
		    _("review withdraw: '%s' is not an item's number"),
		    cli_txt(item));
	if (rq.finding && !*rq.finding)
		return cli_bad_value(
		    _("review withdraw: --finding takes CODE or CODE@REF"));
	if (!rq.reason)
		return cli_usage(_("review withdraw: say why (--reason TEXT)"));
	rq.case_id = argv[optind];
	rq.item = (int)no;
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_outline_res o;
	if ((rc = sl_review_withdraw(s, &rq, &o)))
		return cli_fail(rc);
	show_outline(s, &o, json);
	if (!json && rq.finding)
		printf(_("finding %s settled: added to the outline and "
		         "withdrawn, with its reason, signed and audited\n"),
		       cli_txt(rq.finding));
	else if (!json)
		printf(_("item %ld withdrawn, with its reason, signed and "
		         "audited\n"),
		       no);
	sl_outline_res_free(&o);
	return SL_OK;
}

static int review_outline(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"format", required_argument, 0, 'f'},
	    {"out", required_argument, 0, 'o'},
	    {"return", required_argument, 0, 'r'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	sl_document_req rq = {.kind = SL_DOCUMENT_RETURN_LETTER};
	const char *out = NULL;
	int json = 0, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		long no;
		switch (c) {
		case 'j': json = 1; break;
		case 'f': rq.format = optarg; break;
		case 'o': out = optarg; break;
		case 'r':
			no = strtol(optarg, &end, 10);
			if (*end || no < 1 || no > 1000)
				return cli_bad_value(
				    _("--return needs a return number"));
			rq.return_no = (int)no;
			break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind + 1 < argc)
		return cli_usage(_("review outline: unexpected '%s'"),
		                 argv[optind + 1]);
	if (optind == argc)
		return cli_usage(_("review outline: which case?"));
	const char *format = rq.format;
	if (format && strcmp(format, "md") && strcmp(format, "html") &&
	    strcmp(format, "pdf"))
		return cli_bad_value(
		    _("review outline: --format md, html or pdf"));
	if ((out && !format) || (format && json) || (out && !*out))
		return cli_usage(
		    _("review outline: --out FILE goes with --format, "
		      "--format not with --json"));
	/* a PDF is binary: never onto a terminal (as report) */
	if (!out && format && !strcmp(format, "pdf") && isatty(STDOUT_FILENO))
		return cli_usage(
		    _("review outline: a PDF goes to --out FILE or a pipe"));
	rq.case_id = argv[optind];
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	if (format) { /* the outline as a document for the agency */
		sl_document_res doc;
		if (out && !cli_out_hook && (rc = sl_store_out_ok(s, out)))
			return cli_fail(rc);
		if ((rc = sl_review_document(s, &rq, &doc)))
			return cli_fail(rc);
		rc = cli_write_document(out, doc.data, doc.len);
		sl_document_res_free(&doc);
		return rc;
	}
	sl_outline_res o;
	if ((rc = sl_review_outline(s, rq.case_id, rq.return_no, &o)))
		return cli_fail(rc);
	show_outline(s, &o, json);
	sl_outline_res_free(&o);
	return SL_OK;
}

/* ---- sign-off
 * ------------------------------------------------------------------
 */

/* Each failing script and its findings (all: every script; also used by
 * script run). */
void cli_print_gate(const sl_gate_res *r, int all)
{
	for (size_t i = 0; i < r->n_scripts; i++) {
		const sl_gate_script *sc = &r->scripts[i];
		if (sc->passed && !all)
			continue;
		printf("%s v%lld: %s\n", cli_txt(sc->script),
		       (long long)sc->version,
		       sc->passed ? _("passed") : _("did not pass"));
		for (size_t k = 0; k < sc->n_findings; k++) {
			const sl_finding *f = &sc->findings[k];
			printf("  [%s] %s %s\n", cli_txt(zh_of(f->severity)),
			       cli_txt(f->code), cli_txt(f->message));
		}
		if (sc->printed && *sc->printed)
			printf(_("  (printed) %s\n"), cli_txt(sc->printed));
	}
}

static int review_signoff(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json,
	    rc = cli_id_args(argc, argv, NULL, "review signoff", &id, &json);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_gate_res r;
	rc = sl_review_signoff(s, id, &r);
	if (!r.ran)
		return cli_fail(rc);
	if (json) {
		json_t *j = sl_signoff_json(&r);
		cli_print_json(j);
		json_decref(j);
	} else {
		cli_print_gate(&r, 0);
		if (r.signed_off)
			printf(
			    _("case %s signed off: %zu consistency script(s) "
			      "passed; audit head %s\n"),
			    cli_txt(id), r.n_scripts, r.head);
	}
	sl_gate_res_free(&r);
	return rc ? cli_fail(rc) : SL_OK;
}

static const cli_sub subs[] = {
    {"run", review_run, "shenli review run ID | --all [--json]",
     N_("run every installed check on a case, or on all"),
     N_("Checks a case (or, with --all, every case under review that you may\n"
        "see) with every installed plugin, each loaded only if it is exactly\n"
        "the signed file installed, and stores the findings (audited). For\n"
        "leaders, and members and specialists on the case's team (their\n"
        "--all: the cases of their teams). --json lists every case checked\n"
        "with its counts. Exit 1 if any finding blocks sign-off.\n"),
     CLI_UNLOCK},
    {"findings", review_findings, "shenli review findings ID [--json]",
     N_("show the findings of the checks"),
     N_("Shows the stored findings of a case, each with its standard\n"
        "(facts, evidence, classification, disposal, formalities,\n"
        "procedure), its severity and the supplement-outline item the check\n"
        "suggests. --json gives one JSON document.\n"),
     CLI_UNLOCK},
    {"opinion", review_opinion,
     "shenli review opinion ID --discipline D... [--eight-point]\n"
     "                     [--party-sanction S] [--gov-sanction S] --form N\n"
     "                     [--circumstance C]... --reason TEXT\n"
     "                     [--panel [--dissent 'MEMBER: TEXT']...\n"
     "                     [--property TEXT]] [--json]\n"
     "shenli review opinion ID --file OPINION.json [--panel] [--json]",
     N_("record your opinion, or with --panel the panel's"),
     N_("Records your opinion on a case you review, signed with your key.\n"
        "--discipline (repeatable) is one of the six, by code or Chinese\n"
        "name (integrity or 廉洁纪律); --eight-point marks a violation of the\n"
        "central eight-point rules; --party-sanction and --gov-sanction are\n"
        "the rules' ladder names (严重警告, 记过; 无 for none); --form is the\n"
        "form 1-4; --circumstance (repeatable) a circumstance by code or\n"
        "name (主动交代); --reason says why. A value not allowed is refused\n"
        "with the list of those that are. --file takes the same as a\n"
        "shenli.opinion/1 file. With --panel the leader records the panel's\n"
        "opinion from the collective deliberation (集体审议), with any\n"
        "dissent ('m3: 建议从轻', a member of the team) and the disposal of\n"
        "property, once the checks have run on the dossier as it stands and\n"
        "at least min_team of the team have recorded their opinions; the\n"
        "case becomes deliberated.\n"),
     CLI_UNLOCK},
    {"opinions", review_opinions, "shenli review opinions ID [--json]",
     N_("the team's opinions, once you have recorded your own"),
     N_("Shows the team's opinions in force on the case side by side: to a\n"
        "reviewer only once they have recorded their own, so that no one's\n"
        "view anchors another's; to leaders and auditors always. An opinion\n"
        "of a reviewer taken off the team is no longer in force.\n"),
     CLI_UNLOCK},
    {"return", review_return,
     "shenli review return ID --kind supplement|reinvestigate [--dry-run]\n"
     "                    [--no-findings | --from-finding CODE[@REF]]...\n"
     "                    [--item TEXT --ref R[,R]]... [--json]",
     N_("return a case for supplementary investigation (leaders)"),
     N_("Returns the case to its agency (退回补充调查), for leaders, with a\n"
        "supplement outline (补查提纲): the open items of the last return,\n"
        "then the checks' suggestions, then your own items. Of the checks'\n"
        "suggestions: all of them by default, none with --no-findings, or\n"
        "those of the findings you pick with --from-finding CODE (a finding's\n"
        "code, CODE@F1 for the one about F1; a finding without a suggestion\n"
        "gives its message). --item TEXT --ref R adds your own item, tied to\n"
        "facts or evidence (F1,E2), a document (doc:identity: no fact\n"
        "needed), the subject, or a standard. --dry-run shows the outline\n"
        "that would be sent, numbered, with each item's source, and writes\n"
        "nothing. The review clock stops until the agency resubmits. The\n"
        "rules bound the number of returns.\n"),
     CLI_UNLOCK},
    {"withdraw", review_withdraw,
     "shenli review withdraw ID ITEM --reason TEXT [--json]\n"
     "shenli review withdraw ID --finding CODE[@REF] --reason TEXT "
     "[--json]",
     N_("withdraw an open item of the latest outline, with a reason (leaders)"),
     N_("Withdraws open item ITEM of the case's latest supplement outline,\n"
        "for leaders, with a written reason: signed and audited, shown in\n"
        "the outline and the report, and settled for sign-off like an\n"
        "answered item, with the blocker finding it was drawn from. So no\n"
        "case stays stuck at the limit on returns with an item nobody can\n"
        "answer. An answer the agency sends to it answers nothing.\n"
        "With --finding CODE[@REF] instead of ITEM, once the case has had\n"
        "every return the rules allow and the checks have run on it as it\n"
        "is: the findings named (as review return --from-finding names\n"
        "them) become items of the latest outline, withdrawn with the\n"
        "reason as they are added, so that a blocker that came with the\n"
        "last resubmission does not stop sign-off for good.\n"),
     CLI_UNLOCK},
    {"outline", review_outline,
     "shenli review outline ID [--return N] [--json | --format md|html|pdf\n"
     "                         [--out FILE]]",
     N_("show a return's supplement outline"),
     N_("Shows the supplement outline of the latest return (or of return N)\n"
        "with what has been answered. With --format md, html or pdf it is\n"
        "the letter returning the case (退回补充调查函) with the outline as\n"
        "its annex and the agency's deadline, on standard output or written\n"
        "to --out FILE (mode 0600); a PDF is never written to a terminal.\n"),
     CLI_UNLOCK},
    {"signoff", review_signoff, "shenli review signoff ID [--json]",
     N_("sign the case off once the consistency scripts pass (leaders)"),
     N_("Runs every installed consistency script on the case in a sandbox,\n"
        "for leaders. If any fails, sign-off is refused (exit 1) and their\n"
        "findings are listed; else the case is signed off (签发) with the\n"
        "audit head recorded.\n"),
     CLI_UNLOCK},
};
const cli_group cli_review = {"review", subs, CLI_COUNT(subs), NULL};
