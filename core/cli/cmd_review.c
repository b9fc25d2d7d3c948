/* cmd_review.c - shenli review run|findings|opinion|return|outline|signoff. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../doc_pdf.h"
#include "../fsutil.h"
#include "../opinions.h"
#include "../returnletter.h"
#include "../returns.h"
#include "../review.h"
#include "../signoff.h"
#include "cli.h"

struct run_ctx {
	long cases, blockers, warnings, notes;
	int verbose, progress;
	cli_bar bar;
};

static int on_case(const sl_review_result *r, void *ud)
{
	struct run_ctx *c = ud;
	c->cases++;
	c->blockers += r->blockers;
	c->warnings += r->warnings;
	c->notes += r->notes;
	if (c->verbose)
		printf(_("%s: %d blocker(s), %d warning(s), %d note(s)\n"),
		       cli_txt(r->case_id), r->blockers, r->warnings, r->notes);
	if (c->progress) {
		if (c->cases == 1)
			cli_progress_start(&c->bar, _("checking"), r->total, 1);
		cli_progress(&c->bar, r->index, r->index == r->total);
	}
	return 0;
}

static int review_run(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL;
	int all = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = 1;
		else if (!strcmp(argv[i], "--help")) {
			return cli_help();
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			return cli_usage(_("review run: unexpected '%s'"),
			                 argv[i]);
	}
	if (!!id == all)
		return cli_usage(_("review run: give one case ID or --all"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	struct run_ctx ctx = {0, 0, 0, 0, !all, all, {0}};
	rc = sl_review_run(s, id, on_case, &ctx);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	printf(_("%ld case(s) checked: %ld blocker(s), %ld warning(s), %ld "
	         "note(s)\n"),
	       ctx.cases, ctx.blockers, ctx.warnings, ctx.notes);
	return ctx.blockers ? SL_FAIL : SL_OK;
}

/* The six standards of the 24 characters (DOMAIN.md) and the severities,
 * in Chinese: findings, like the case and its outline, are a Chinese view
 * in every locale (their messages come in Chinese from the checks). */
static const char *zh_of(const char *code)
{
	static const char *const m[][2] = {
	    {"facts", "事实"},          {"evidence", "证据"},
	    {"classification", "定性"}, {"disposal", "处理"},
	    {"formalities", "手续"},    {"procedure", "程序"},
	    {"blocker", "阻断"},        {"warning", "警示"},
	    {"note", "提示"},
	};
	for (size_t i = 0; code && i < CLI_COUNT(m); i++)
		if (!strcmp(code, m[i][0]))
			return m[i][1];
	return code;
}

/* "F1、E2" */
static const char *refs_text(json_t *refs)
{
	static char buf[1024];
	size_t i;
	json_t *r;
	buf[0] = 0;
	json_array_foreach(refs, i, r)
	{
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof buf - used, "%s%s", i ? "、" : "",
		         json_string_value(r) ? json_string_value(r) : "");
	}
	return buf;
}

static void print_findings(const char *id, json_t *arr)
{
	size_t i;
	json_t *f;
	if (!json_array_size(arr)) {
		printf("%s：无审查发现（尚未运行检查，或检查未发现问题）\n",
		       cli_txt(id));
		return;
	}
	printf("%s：审查发现 %zu 条\n", cli_txt(id), json_array_size(arr));
	cli_table *t = cli_table_new(7, "序号", "级别", "标准", "检查", "代码",
	                             "涉及", "问题");
	cli_table_right(t, 0);
	int suggestions = 0;
	json_array_foreach(arr, i, f)
	{
		char no[24];
		snprintf(no, sizeof no, "%zu", i + 1);
		cli_table_add(t, no);
		cli_table_add(t, zh_of(json_string_value(
		                     json_object_get(f, "severity"))));
		cli_table_add(t, zh_of(json_string_value(
		                     json_object_get(f, "standard"))));
		cli_table_add(t,
		              json_string_value(json_object_get(f, "check")));
		cli_table_add(t, json_string_value(json_object_get(f, "code")));
		cli_table_add(t, refs_text(json_object_get(f, "refs")));
		cli_table_add(t,
		              json_string_value(json_object_get(f, "message")));
		suggestions += json_string_value(
		                   json_object_get(f, "outline_item")) != NULL;
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	if (!suggestions)
		return;
	printf("\n建议补查（写入退回的补查提纲）\n");
	json_array_foreach(arr, i, f)
	{
		const char *o =
		    json_string_value(json_object_get(f, "outline_item"));
		if (o)
			printf("  %zu. %s\n", i + 1, cli_txt(o));
	}
}

static int stream_finding(json_t *f, void *ud)
{
	cli_json_array_add(ud, f);
	return 0;
}

static int review_findings(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json,
	    pr = cli_id_args(argc, argv, NULL, "review findings", &id, &json);
	if (pr)
		return pr < 0 ? SL_OK : pr;
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	json_t *arr = NULL;
	cli_json_array ja = {0}; /* --json: streamed */
	rc = json ? sl_review_findings_each(s, id, stream_finding, &ja)
	          : sl_review_findings(s, id, &arr);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (json) {
		cli_json_array_end(&ja);
	} else {
		print_findings(id, arr);
	}
	json_decref(arr);
	return SL_OK;
}

/* ---- opinion ------------------------------------------------------------ */

static int review_opinion(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL, *file = NULL;
	int json = 0, panel = 0, fields = 0;
	sl_opinion_fields f = {0};
	const char **disc = calloc((size_t)argc, sizeof *disc),
	           **circ = calloc((size_t)argc, sizeof *circ),
	           **dis = calloc((size_t)argc, sizeof *dis);
	int rc = disc && circ && dis
	             ? SL_OK
	             : cli_fail(sl_error(SL_ESYS, _("out of memory")));
	for (int i = 1; i < argc && !rc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--json"))
			json = 1;
		else if (!strcmp(a, "--panel"))
			panel = 1;
		else if (!strcmp(a, "--file") && v)
			file = argv[++i];
		else if (!strcmp(a, "--discipline") && v)
			disc[f.n_disciplines++] = argv[++i], fields = 1;
		else if (!strcmp(a, "--eight-point"))
			f.eight_point_rules = 1, fields = 1;
		else if (!strcmp(a, "--party-sanction") && v)
			f.party_sanction = argv[++i], fields = 1;
		else if (!strcmp(a, "--gov-sanction") && v)
			f.gov_sanction = argv[++i], fields = 1;
		else if (!strcmp(a, "--form") && v) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			f.form = *end || n < -1000 || n > 1000 ? -1 : (int)n;
			fields = 1;
		} else if (!strcmp(a, "--circumstance") && v)
			circ[f.n_circumstances++] = argv[++i], fields = 1;
		else if (!strcmp(a, "--reason") && v)
			f.reasoning = argv[++i], fields = 1;
		else if (!strcmp(a, "--dissent") && v)
			dis[f.n_dissent++] = argv[++i], fields = 1;
		else if (!strcmp(a, "--property") && v)
			f.property = argv[++i], fields = 1;
		else if (!strcmp(a, "--help"))
			rc = cli_help();
		else if (!id && a[0] != '-')
			id = a;
		else
			rc = cli_usage(_("review opinion: unexpected '%s'"), a);
	}
	if (!rc && (!id || (!file && !fields)))
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
	size_t len = 0;
	sl_store *s = NULL;
	if (!rc && file &&
	    (rc = sl_file_read(file, SL_OPINION_MAX, &buf, &len)))
		rc = cli_fail(rc);
	if (!rc && (rc = cli_unlock(g, &s)))
		rc = cli_fail(rc);
	if (!rc && fields) {
		if ((rc = sl_opinion_build(s, id, &f, panel, &buf)))
			rc = cli_fail(rc);
		else
			len = strlen(buf);
	}
	json_t *o = NULL;
	if (!rc && (rc = sl_opinion_record(s, id, buf, len, panel, &o)))
		rc = cli_fail(rc);
	sl_store_close(s);
	free(buf);
	free(disc);
	free(circ);
	free(dis);
	if (rc)
		return rc;
	if (json)
		cli_print_json(o);
	else
		printf(
		    panel ? _("panel opinion on %s recorded and signed by %s "
		              "(key %s); the case is deliberated\n")
		          : _("opinion on %s recorded and signed by %s (key "
		              "%s)\n"),
		    cli_txt(id),
		    cli_txt(json_string_value(json_object_get(o, "author"))),
		    cli_txt(json_string_value(json_object_get(o, "sig_key"))));
	json_decref(o);
	return SL_OK;
}

/* The team's opinions side by side (each a column would not fit a
 * terminal's width in Chinese: one block each, the same fields in the
 * same order, so that they read across). */
static void print_opinion(const json_t *o)
{
	const char *name = json_string_value(json_object_get(o, "author_name"));
	printf("%s%s  %s\n",
	       json_is_true(json_object_get(o, "panel")) ? "审理组意见 " : "",
	       cli_txt(name ? name
	                    : json_string_value(json_object_get(o, "author"))),
	       cli_txt(json_string_value(json_object_get(o, "recorded_on"))));
	size_t i;
	json_t *d;
	printf("  违反纪律：");
	json_array_foreach(json_object_get(o, "disciplines"), i, d)
	    printf("%s%s", i ? "、" : "",
	           cli_txt(sl_discipline_name(json_string_value(d))));
	printf("%s\n", json_is_true(json_object_get(o, "eight_point_rules"))
	                   ? "（违反中央八项规定精神）"
	                   : "");
	const char *ps =
	               json_string_value(json_object_get(o, "party_sanction")),
	           *gs = json_string_value(json_object_get(o, "gov_sanction"));
	printf("  党纪处分：%s    政务处分：%s    形态：第%lld种\n",
	       cli_txt(ps ? ps : "无"), cli_txt(gs ? gs : "无"),
	       json_integer_value(json_object_get(o, "form")));
	printf("  理由：%s\n",
	       cli_txt(json_string_value(json_object_get(o, "reasoning"))));
	json_array_foreach(json_object_get(o, "dissent"), i, d)
	    printf("  不同意见（%s）：%s\n",
	           cli_txt(json_string_value(json_object_get(d, "member"))),
	           cli_txt(json_string_value(json_object_get(d, "text"))));
}

static int review_opinions(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json;
	int r = cli_id_args(argc, argv, NULL, "review opinions", &id, &json);
	if (r)
		return r < 0 ? SL_OK : r;
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	json_t *all = NULL;
	rc = sl_opinions_team(s, id, &all);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (json)
		cli_print_json(all);
	else {
		size_t i;
		json_t *o;
		json_array_foreach(all, i, o)
		{
			if (i)
				printf("\n");
			print_opinion(o);
		}
	}
	json_decref(all);
	return SL_OK;
}

/* ---- return and outline ---------------------------------------------------
 */

/* A return's supplement outline, in Chinese like the document it is. */
static const char *source_text(const char *src);

static void print_outline(const json_t *o)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *on = json_string_value(json_object_get(o, "returned_on"));
	char day[32];
	long long ms = cli_parse_utc(on);
	if (ms >= 0)
		cli_local_time(ms, 0, day);
	printf("%s 第%lld次退回（%s）补查提纲  退回日期：%s\n",
	       cli_txt(json_string_value(json_object_get(o, "case_id"))),
	       json_integer_value(json_object_get(o, "return_no")),
	       kind && !strcmp(kind, "reinvestigate") ? "重新审查调查"
	                                              : "补充审查调查",
	       ms >= 0 ? day : cli_txt(on));
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(o, "items"), i, it)
	{
		json_t *w = json_object_get(it, "withdrawn");
		printf("%3lld. %s%s\n",
		       json_integer_value(json_object_get(it, "no")),
		       cli_txt(json_string_value(json_object_get(it, "text"))),
		       json_is_true(json_object_get(it, "answered"))
		           ? "  [已补查]"
		       : json_is_object(w) ? "  [已撤回]"
		                           : "");
		printf("     涉及：%s    来源：%s\n",
		       cli_txt(refs_text(json_object_get(it, "refs"))),
		       cli_txt(source_text(
		           json_string_value(json_object_get(it, "source")))));
		if (json_is_object(w))
			printf("     撤回理由：%s\n",
			       cli_txt(json_string_value(
			           json_object_get(w, "reason"))));
	}
}

/* Where an outline item came from, for the leader reading it. */
static const char *source_text(const char *src)
{
	static char buf[200];
	if (!src || !strcmp(src, "leader"))
		return "组长";
	if (!strcmp(src, "carried"))
		return "上次退回未补查项";
	snprintf(buf, sizeof buf, "审查发现 %s", src);
	return buf;
}

static int review_return(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL, *kind = NULL;
	int json = 0;
	size_t n = 0;
	sl_return_req req = {0};
	sl_outline_extra *items = calloc((size_t)argc, sizeof *items);
	const char **picks = calloc((size_t)argc, sizeof *picks);
	if (!items || !picks) {
		free(items);
		free(picks);
		return cli_fail(sl_error(SL_ESYS, _("out of memory")));
	}
	int rc = SL_OK;
	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--dry-run"))
			req.dry_run = 1;
		else if (!strcmp(argv[i], "--no-findings"))
			req.no_findings = 1;
		else if (!strcmp(argv[i], "--from-finding") && i + 1 < argc)
			picks[req.n_picks++] = argv[++i];
		else if (!strcmp(argv[i], "--kind") && i + 1 < argc)
			kind = argv[++i];
		else if (!strcmp(argv[i], "--item") && i + 1 < argc)
			items[n++].text = argv[++i];
		else if (!strcmp(argv[i], "--ref") && i + 1 < argc) {
			if (!n || items[n - 1].refs)
				rc = cli_usage(
				    _("review return: each --ref follows "
				      "the --item it ties"));
			else
				items[n - 1].refs = argv[++i];
		} else if (!strcmp(argv[i], "--help")) {
			free(items);
			free(picks);
			return cli_help();
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			rc = cli_usage(_("review return: unexpected '%s'"),
			               argv[i]);
	}
	if (!rc &&
	    (!id || !kind ||
	     (strcmp(kind, "supplement") && strcmp(kind, "reinvestigate"))))
		rc = cli_usage(_("review return: give the case and --kind "
		                 "supplement|reinvestigate"));
	if (!rc && req.no_findings && req.n_picks)
		rc = cli_usage(_("review return: --no-findings or "
		                 "--from-finding, not both"));
	if (rc) {
		free(items);
		free(picks);
		return rc;
	}
	sl_store *s;
	if ((rc = cli_unlock(g, &s))) {
		free(items);
		free(picks);
		return cli_fail(rc);
	}
	json_t *o = NULL;
	req.kind = kind;
	req.picks = picks;
	req.extra = items;
	req.n_extra = n;
	rc = sl_return_case(s, id, &req, &o);
	sl_store_close(s);
	free(items);
	free(picks);
	if (rc)
		return cli_fail(rc);
	if (json)
		cli_print_json(o);
	else {
		print_outline(o);
		if (req.dry_run)
			printf(
			    _("(a dry run: this outline was not sent, nothing "
			      "was written)\n"));
		else
			printf(_("case %s returned; its review clock is "
			         "paused\n"),
			       cli_txt(id));
	}
	json_decref(o);
	return SL_OK;
}

static int review_withdraw(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL, *reason = NULL, *item = NULL;
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--reason") && i + 1 < argc)
			reason = argv[++i];
		else if (!strcmp(argv[i], "--help"))
			return cli_help();
		else if (!id && argv[i][0] != '-')
			id = argv[i];
		else if (!item && argv[i][0] != '-')
			item = argv[i];
		else
			return cli_usage(_("review withdraw: unexpected '%s'"),
			                 argv[i]);
	}
	char *end = NULL;
	long no = item ? strtol(item, &end, 10) : 0;
	if (!id || !item || *end || no < 1 || no > 100000)
		return cli_usage(
		    _("review withdraw: give the case and the item's "
		      "number"));
	if (!reason)
		return cli_usage(_("review withdraw: say why (--reason TEXT)"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	json_t *o = NULL;
	rc = sl_return_withdraw(s, id, (int)no, reason, &o);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (json)
		cli_print_json(o);
	else {
		print_outline(o);
		printf(_("item %ld withdrawn, with its reason, signed and "
		         "audited\n"),
		       no);
	}
	json_decref(o);
	return SL_OK;
}

static int review_outline(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL, *format = NULL, *out = NULL;
	int json = 0;
	long no = 0;
	for (int i = 1; i < argc; i++) {
		char *end;
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--return") && i + 1 < argc) {
			no = strtol(argv[++i], &end, 10);
			if (*end || no < 1 || no > 1000)
				return cli_usage(
				    _("--return needs a return number"));
		} else if (!strcmp(argv[i], "--help")) {
			return cli_help();
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			return cli_usage(_("review outline: unexpected '%s'"),
			                 argv[i]);
	}
	if (!id)
		return cli_usage(_("review outline: which case?"));
	if (format && strcmp(format, "md") && strcmp(format, "html") &&
	    strcmp(format, "pdf"))
		return cli_usage(_("review outline: --format md, html or pdf"));
	if ((out && !format) || (format && json) || (out && !*out))
		return cli_usage(
		    _("review outline: --out FILE goes with --format, "
		      "--format not with --json"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	if (format) { /* the outline as a document for the agency */
		char *doc;
		size_t len;
		rc = sl_outline_document(s, id, (int)no, format, NULL, &doc,
		                         &len);
		sl_store_close(s);
		if (rc)
			return cli_fail(rc);
		int r = cli_write_document(out, doc, len);
		free(doc);
		return r;
	}
	json_t *o = NULL;
	rc = sl_outline_get(s, id, (int)no, &o);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (json)
		cli_print_json(o);
	else
		print_outline(o);
	json_decref(o);
	return SL_OK;
}

/* ---- sign-off -------------------------------------------------------------
 */

/* Each failing script and its findings (also used by script run). */
void cli_print_gate(const json_t *scripts, int all)
{
	size_t i, k;
	json_t *sc, *f;
	json_array_foreach(scripts, i, sc)
	{
		int passed = json_is_true(json_object_get(sc, "passed"));
		if (passed && !all)
			continue;
		printf(
		    "%s v%lld: %s\n",
		    cli_txt(json_string_value(json_object_get(sc, "script"))),
		    json_integer_value(json_object_get(sc, "version")),
		    passed ? _("passed") : _("did not pass"));
		json_array_foreach(json_object_get(sc, "findings"), k, f)
		{
			printf("  [%s] %s %s\n",
			       cli_txt(json_string_value(
			           json_object_get(f, "severity"))),
			       cli_txt(json_string_value(
			           json_object_get(f, "code"))),
			       cli_txt(json_string_value(
			           json_object_get(f, "message"))));
		}
		const char *pr =
		    json_string_value(json_object_get(sc, "printed"));
		if (pr && *pr)
			printf(_("  (printed) %s\n"), cli_txt(pr));
	}
}

static int review_signoff(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json,
	    pr = cli_id_args(argc, argv, NULL, "review signoff", &id, &json);
	if (pr)
		return pr < 0 ? SL_OK : pr;
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	sl_gate_result r;
	rc = sl_signoff(s, id, &r);
	sl_store_close(s);
	if (rc && !r.scripts)
		return cli_fail(rc);
	if (json) {
		json_t *j = json_pack("{s:s, s:b, s:s?, s:O}", "case_id", id,
		                      "signed_off", rc == SL_OK, "head",
		                      rc ? NULL : r.head, "scripts", r.scripts);
		cli_print_json(j);
		json_decref(j);
	} else {
		cli_print_gate(r.scripts, 0);
		if (!rc)
			printf(
			    _("case %s signed off: %zu consistency script(s) "
			      "passed; audit head %s\n"),
			    cli_txt(id), json_array_size(r.scripts), r.head);
	}
	sl_gate_result_free(&r);
	return rc ? cli_fail(rc) : SL_OK;
}

static const cli_sub subs[] = {
    {"run", review_run, "shenli review run ID | --all",
     N_("run every installed check on a case, or on all"),
     N_("Checks a case (or, with --all, every case under review that you may\n"
        "see) with every installed plugin, each loaded only if it is exactly\n"
        "the signed file installed, and stores the findings (audited). For\n"
        "leaders, members and specialists. Exit 1 if any finding blocks\n"
        "sign-off.\n"),
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
     "       shenli review opinion ID --file OPINION.json [--panel] [--json]",
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
        "property; the case becomes deliberated.\n"),
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
     "shenli review withdraw ID ITEM --reason TEXT [--json]",
     N_("withdraw an open item of the latest outline, with a reason (leaders)"),
     N_("Withdraws open item ITEM of the case's latest supplement outline,\n"
        "for leaders, with a written reason: signed and audited, shown in\n"
        "the outline and the report, and settled for sign-off like an\n"
        "answered item. So no case stays stuck at the limit on returns with\n"
        "an item nobody can answer.\n"),
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
