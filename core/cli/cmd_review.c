/* cmd_review.c - shenli review run|findings (returns, opinions and
 * sign-off come with the workflow). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../review.h"
#include "cli.h"

static const char USAGE[] = N_(
    "usage: shenli review run ID | --all\n"
    "       shenli review findings ID [--json]\n"
    "\n"
    "run checks a case (or every case under review that you may see) with\n"
    "every installed plugin, each loaded only if it is exactly the signed\n"
    "file installed, and stores the findings (audited). Exit 1 if any\n"
    "finding blocks sign-off.\n");

struct run_ctx {
	long cases, blockers, warnings, notes;
	int verbose, progress;
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
	if (c->progress && c->cases % 1000 == 0)
		fprintf(stderr, "\r%ld cases checked", c->cases);
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
			return cli_usage_error(_(USAGE), _("review run: unexpected '%s'"),
			                       argv[i]);
	}
	if (!!id == all)
		return cli_usage_error(_(USAGE),
		                       _("review run: give one case ID or --all"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	struct run_ctx ctx = {0, 0, 0, 0, !all, all && isatty(2)};
	rc = sl_review_run(s, id, on_case, &ctx);
	sl_store_close(s);
	if (ctx.progress)
		fputc('\n', stderr);
	if (rc)
		return cli_fail(rc);
	printf(_("%ld case(s) checked: %ld blocker(s), %ld warning(s), %ld "
	         "note(s)\n"),
	       ctx.cases, ctx.blockers, ctx.warnings, ctx.notes);
	return ctx.blockers ? SL_FAIL : SL_OK;
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
	rc = sl_review_findings(s, id, &arr);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (json) {
		cli_print_json(arr);
	} else {
		size_t i, k;
		json_t *f, *r;
		static const struct {
			const char *en, *zh;
		} sev[] = {{"blocker", "阻断"}, {"warning", "警示"}, {"note", "提示"}};
		if (!json_array_size(arr))
			printf("%s：无审查意见（尚未运行检查，或检查未发现问题）\n", id);
		json_array_foreach(arr, i, f)
		{
			const char *sv = json_string_value(json_object_get(f, "severity"));
			const char *zh = sv;
			for (size_t j = 0; j < 3; j++)
				if (sv && !strcmp(sv, sev[j].en))
					zh = sev[j].zh;
			printf("%2zu. [%s] %s/%s %s\n    %s\n", i + 1, zh,
			       json_string_value(json_object_get(f, "check")),
			       json_string_value(json_object_get(f, "standard")),
			       json_string_value(json_object_get(f, "code")),
			       json_string_value(json_object_get(f, "message")));
			if (json_array_size(json_object_get(f, "refs"))) {
				printf("    涉及:");
				json_array_foreach(json_object_get(f, "refs"), k, r)
				    printf(" %s", json_string_value(r));
				printf("\n");
			}
			const char *o =
			    json_string_value(json_object_get(f, "outline_item"));
			if (o)
				printf("    建议补查: %s\n", o);
		}
	}
	json_decref(arr);
	return SL_OK;
}

int cmd_review(int argc, char **argv, sl_cli *g)
{
	if (argc < 2)
		return cli_usage_error(_(USAGE), _("review: which subcommand?"));
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(_(USAGE), stdout);
		return SL_OK;
	}
	if (!strcmp(sub, "run"))
		return review_run(argc - 1, argv + 1, g);
	if (!strcmp(sub, "findings"))
		return review_findings(argc - 1, argv + 1, g);
	return cli_usage_error(_(USAGE), _("review: unknown subcommand '%s'"),
	                       sub);
}
