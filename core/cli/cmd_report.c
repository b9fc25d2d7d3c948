/* cmd_report.c - shenli report: the review report (审理报告) and the
 * panel's review opinion (审理意见) as documents. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include <shenli/ops.h>

static const char USAGE[] = N_(
    "usage: shenli report ID [--opinion] [--format md|html|pdf] [--out FILE]\n"
    "\n"
    "Writes the review report (审理报告) of a case you may read as a Chinese\n"
    "official document (GB/T 9704): the subject, the investigation, the\n"
    "facts with their evidence, the classification and sanction, the\n"
    "agency's proposal, the panel's opinion with any dissent, the findings\n"
    "and how each was resolved, and the returns with their outlines; the\n"
    "audit heads and the signers' key fingerprints are in a verification\n"
    "annex. With --opinion it is the panel's review opinion (审理意见)\n"
    "instead, once the panel has deliberated the case.\n"
    "Markdown by default; --format html gives one self-contained file that\n"
    "prints on A4, --format pdf an A4 PDF with its fonts embedded. Without\n"
    "--out the document goes to stdout; with it the file is written\n"
    "atomically, mode 0600 (an existing file is replaced), and its path is\n"
    "printed.\n");

/* Write a document: to stdout, or atomically to out (then say where). The
 * file is private: a report holds the case. Shared with review outline. */
sl_rc (*cli_out_hook)(const char *path, const char *data, size_t len);

void cli_said_written(const char *out)
{
	/* not when it went into a pipe or /dev/stdout, where the path would
	 * follow the document */
	struct stat st;
	if (stat(out, &st) != 0 || S_ISREG(st.st_mode))
		printf("%s\n", cli_txt(out));
}

int cli_write_document(const char *out, const char *data, size_t len)
{
	if (!out) {
		fwrite(data, 1, len, stdout);
		return SL_OK;
	}
	/* in the service the client writes the document, and says where
	 * once it has (cli_said_written): here there is nothing yet, and
	 * a file that cannot be made must not be named as made */
	if (cli_out_hook) {
		sl_rc rc = cli_out_hook(out, data, len);
		return rc ? cli_fail(rc) : SL_OK;
	}
	sl_rc rc = sl_file_write_out(out, data, len, 0600);
	if (rc)
		return cli_fail(rc);
	cli_said_written(out);
	return SL_OK;
}

/* report is not one of a group's subcommands (main.c runs it itself):
 * it keeps its own usage text and opens the store itself, and this is its
 * one path that closes it. */
int cmd_report(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"format", required_argument, 0, 'f'},
	    {"out", required_argument, 0, 'o'},
	    {"opinion", no_argument, 0, 'O'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	sl_document_req rq = {.kind = SL_DOCUMENT_REPORT, .format = "md"};
	const char *out = NULL;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': rq.format = optarg; break;
		case 'o': out = optarg; break;
		case 'O': rq.kind = SL_DOCUMENT_OPINION; break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_bad_option(_(USAGE), "report", argc, argv,
			                      opts);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(_(USAGE), _("report: unexpected '%s'"),
		                       argv[optind + 1]);
	if (optind == argc)
		return cli_usage_error(_(USAGE), _("report: which case?"));
	rq.case_id = argv[optind];
	if (strcmp(rq.format, "md") && strcmp(rq.format, "html") &&
	    strcmp(rq.format, "pdf"))
		return cli_bad_value_of(_(USAGE),
		                        _("report: --format md, html or pdf"));
	if (out && !*out)
		return cli_usage_error(_(USAGE),
		                       _("report: --out needs a file"));
	/* a PDF is binary: never onto a terminal */
	if (!out && !strcmp(rq.format, "pdf") && isatty(STDOUT_FILENO))
		return cli_usage_error(
		    _(USAGE), _("report: a PDF goes to --out FILE or a pipe"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	sl_document_res doc;
	if (out && !cli_out_hook && (rc = sl_store_out_ok(s, out))) {
		sl_store_close(s);
		return cli_fail(rc);
	}
	rc = sl_review_document(s, &rq, &doc);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	int r = cli_write_document(out, doc.data, doc.len);
	sl_document_res_free(&doc);
	return r;
}
