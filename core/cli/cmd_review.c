/* cmd_review.c - shenli review run|findings|opinion|return|outline|signoff. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fsutil.h"
#include "../opinions.h"
#include "../report.h"
#include "../returns.h"
#include "../review.h"
#include "../signoff.h"
#include "cli.h"

static const char USAGE[] = N_(
    "usage: shenli review run ID | --all\n"
    "       shenli review findings ID [--json]\n"
    "       shenli review opinion ID --file OPINION.json [--panel] [--json]\n"
    "       shenli review return ID --kind supplement|reinvestigate\n"
    "                            [--item TEXT [--ref F1,E2]]... [--json]\n"
    "       shenli review outline ID [--return N] [--json | --format md|html\n"
    "                                [--out FILE]]\n"
    "       shenli review signoff ID [--json]\n"
    "\n"
    "run checks a case (or every case under review that you may see) with\n"
    "every installed plugin, each loaded only if it is exactly the signed\n"
    "file installed, and stores the findings (audited). Exit 1 if any\n"
    "finding blocks sign-off.\n"
    "opinion records your opinion on a case you review (shenli.opinion/1,\n"
    "signed with your key); with --panel the leader records the panel's\n"
    "opinion from the collective deliberation, with any dissent.\n"
    "return (leader) sends the case back with a supplement outline built\n"
    "from the checks' suggestions, open items of the last return, and the\n"
    "items you add (each tied to facts or evidence with --ref); the review\n"
    "clock stops. The rules bound the number of returns.\n"
    "outline shows a return's outline (the latest unless --return N); with\n"
    "--format md|html it is a document to send back to the agency, on\n"
    "stdout or written to --out FILE (mode 0600).\n"
    "signoff (leader) runs every installed consistency script in a sandbox;\n"
    "if any fails it refuses (exit 1) and lists their findings.\n");

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
		printf("%-24s %d blocker(s), %d warning(s), %d note(s)\n",
		       r->case_id, r->blockers, r->warnings, r->notes);
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
			fputs(_(USAGE), stdout);
			return SL_OK;
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			return cli_usage_error(_(USAGE),
			                       _("review run: unexpected '%s'"),
			                       argv[i]);
	}
	if (!!id == all)
		return cli_usage_error(
		    _(USAGE), _("review run: give one case ID or --all"));
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

static int stream_finding(json_t *f, void *ud)
{
	cli_json_array_add(ud, f);
	return 0;
}

static int review_findings(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json, pr = cli_id_args(argc, argv, _(USAGE), "review findings", &id,
	                           &json);
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
		size_t i, k;
		json_t *f, *r;
		static const struct {
			const char *en, *zh;
		} sev[] = {
		    {"blocker", "阻断"}, {"warning", "警示"}, {"note", "提示"}};
		if (!json_array_size(arr))
			printf("%s：无审查意见（尚未运行检查，或检查未发现问题"
			       "）\n",
			       id);
		json_array_foreach(arr, i, f)
		{
			const char *sv =
			    json_string_value(json_object_get(f, "severity"));
			const char *zh = sv;
			for (size_t j = 0; j < 3; j++)
				if (sv && !strcmp(sv, sev[j].en))
					zh = sev[j].zh;
			printf(
			    "%2zu. [%s] %s/%s %s\n    %s\n", i + 1, zh,
			    json_string_value(json_object_get(f, "check")),
			    json_string_value(json_object_get(f, "standard")),
			    json_string_value(json_object_get(f, "code")),
			    json_string_value(json_object_get(f, "message")));
			if (json_array_size(json_object_get(f, "refs"))) {
				printf("    涉及:");
				json_array_foreach(json_object_get(f, "refs"),
				                   k, r)
				    printf(" %s", json_string_value(r));
				printf("\n");
			}
			const char *o = json_string_value(
			    json_object_get(f, "outline_item"));
			if (o)
				printf("    建议补查: %s\n", o);
		}
	}
	json_decref(arr);
	return SL_OK;
}

/* ---- opinion ------------------------------------------------------------ */

static int review_opinion(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL, *file = NULL;
	int json = 0, panel = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--panel"))
			panel = 1;
		else if (!strcmp(argv[i], "--file") && i + 1 < argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "--help")) {
			fputs(_(USAGE), stdout);
			return SL_OK;
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			return cli_usage_error(
			    _(USAGE), _("review opinion: unexpected '%s'"),
			    argv[i]);
	}
	if (!id || !file)
		return cli_usage_error(_(USAGE),
		                       _("review opinion: give the case "
		                         "and --file OPINION.json"));
	char *buf;
	size_t len;
	sl_rc rc = sl_file_read(file, SL_OPINION_MAX, &buf, &len);
	if (rc)
		return cli_fail(rc);
	sl_store *s;
	if ((rc = cli_unlock(g, &s))) {
		free(buf);
		return cli_fail(rc);
	}
	json_t *o = NULL;
	rc = sl_opinion_record(s, id, buf, len, panel, &o);
	sl_store_close(s);
	free(buf);
	if (rc)
		return cli_fail(rc);
	if (json)
		cli_print_json(o);
	else
		printf(panel
		           ? _("panel opinion on %s recorded and signed by %s "
		               "(key %s); the case is deliberated\n")
		           : _("opinion on %s recorded and signed by %s (key "
		               "%s)\n"),
		       id, json_string_value(json_object_get(o, "author")),
		       json_string_value(json_object_get(o, "sig_key")));
	json_decref(o);
	return SL_OK;
}

/* ---- return and outline ---------------------------------------------------
 */

static void print_outline(const json_t *o)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));
	printf("%s 第%lld次退回（%s）补查提纲  退回日期：%s\n",
	       json_string_value(json_object_get(o, "case_id")),
	       json_integer_value(json_object_get(o, "return_no")),
	       kind && !strcmp(kind, "reinvestigate") ? "重新审查调查"
	                                              : "补充审查调查",
	       json_string_value(json_object_get(o, "returned_on")));
	size_t i, k;
	json_t *it, *r;
	json_array_foreach(json_object_get(o, "items"), i, it)
	{
		printf("%3lld. %s%s\n",
		       json_integer_value(json_object_get(it, "no")),
		       json_string_value(json_object_get(it, "text")),
		       json_is_true(json_object_get(it, "answered"))
		           ? "  [已补查]"
		           : "");
		printf("     涉及:");
		json_array_foreach(json_object_get(it, "refs"), k, r)
		    printf(" %s", json_string_value(r));
		printf("\n");
	}
}

static int review_return(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL, *kind = NULL;
	int json = 0;
	size_t n = 0;
	sl_outline_extra *items = calloc((size_t)argc, sizeof *items);
	if (!items)
		return cli_fail(sl_error(SL_ESYS, _("out of memory")));
	int rc = SL_OK;
	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--kind") && i + 1 < argc)
			kind = argv[++i];
		else if (!strcmp(argv[i], "--item") && i + 1 < argc)
			items[n++].text = argv[++i];
		else if (!strcmp(argv[i], "--ref") && i + 1 < argc) {
			if (!n || items[n - 1].refs)
				rc = cli_usage_error(
				    _(USAGE),
				    _("review return: each --ref follows "
				      "the --item it ties"));
			else
				items[n - 1].refs = argv[++i];
		} else if (!strcmp(argv[i], "--help")) {
			fputs(_(USAGE), stdout);
			free(items);
			return SL_OK;
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			rc = cli_usage_error(
			    _(USAGE), _("review return: unexpected '%s'"),
			    argv[i]);
	}
	if (!rc &&
	    (!id || !kind ||
	     (strcmp(kind, "supplement") && strcmp(kind, "reinvestigate"))))
		rc = cli_usage_error(
		    _(USAGE), _("review return: give the case and --kind "
		                "supplement|reinvestigate"));
	if (rc) {
		free(items);
		return rc;
	}
	sl_store *s;
	if ((rc = cli_unlock(g, &s))) {
		free(items);
		return cli_fail(rc);
	}
	json_t *o = NULL;
	rc = sl_return_case(s, id, kind, items, n, &o);
	sl_store_close(s);
	free(items);
	if (rc)
		return cli_fail(rc);
	if (json)
		cli_print_json(o);
	else {
		print_outline(o);
		printf(_("case %s returned; its review clock is paused\n"), id);
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
				return cli_usage_error(
				    _(USAGE),
				    _("--return needs a return number"));
		} else if (!strcmp(argv[i], "--help")) {
			fputs(_(USAGE), stdout);
			return SL_OK;
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			return cli_usage_error(
			    _(USAGE), _("review outline: unexpected '%s'"),
			    argv[i]);
	}
	if (!id)
		return cli_usage_error(_(USAGE),
		                       _("review outline: which case?"));
	if (format && strcmp(format, "md") && strcmp(format, "html"))
		return cli_usage_error(
		    _(USAGE), _("review outline: --format md or html"));
	if ((out && !format) || (format && json) || (out && !*out))
		return cli_usage_error(
		    _(USAGE),
		    _("review outline: --out FILE goes with --format, "
		      "--format not with --json"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	if (format) { /* the outline as a document for the agency */
		char *doc;
		size_t len;
		rc = sl_outline_document(s, id, (int)no, format, &doc, &len);
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
		printf("%s v%lld: %s\n",
		       json_string_value(json_object_get(sc, "script")),
		       json_integer_value(json_object_get(sc, "version")),
		       passed ? "通过" : "未通过");
		json_array_foreach(json_object_get(sc, "findings"), k, f)
		{
			printf(
			    "  [%s] %s %s\n",
			    json_string_value(json_object_get(f, "severity")),
			    json_string_value(json_object_get(f, "code")),
			    json_string_value(json_object_get(f, "message")));
		}
		const char *pr =
		    json_string_value(json_object_get(sc, "printed"));
		if (pr && *pr)
			printf("  (printed) %s\n", pr);
	}
}

static int review_signoff(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int json, pr = cli_id_args(argc, argv, _(USAGE), "review signoff", &id,
	                           &json);
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
			    id, json_array_size(r.scripts), r.head);
	}
	sl_gate_result_free(&r);
	return rc ? cli_fail(rc) : SL_OK;
}

int cmd_review(int argc, char **argv, sl_cli *g)
{
	if (argc < 2)
		return cli_usage_error(_(USAGE),
		                       _("review: which subcommand?"));
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(_(USAGE), stdout);
		return SL_OK;
	}
	if (!strcmp(sub, "run"))
		return review_run(argc - 1, argv + 1, g);
	if (!strcmp(sub, "findings"))
		return review_findings(argc - 1, argv + 1, g);
	if (!strcmp(sub, "opinion"))
		return review_opinion(argc - 1, argv + 1, g);
	if (!strcmp(sub, "return"))
		return review_return(argc - 1, argv + 1, g);
	if (!strcmp(sub, "outline"))
		return review_outline(argc - 1, argv + 1, g);
	if (!strcmp(sub, "signoff"))
		return review_signoff(argc - 1, argv + 1, g);
	return cli_usage_error(_(USAGE), _("review: unknown subcommand '%s'"),
	                       sub);
}
