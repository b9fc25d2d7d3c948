/* cmd_report.c - shenli report: the review report (审理报告) and the
 * panel's review opinion (审理意见) as documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../doc_pdf.h"
#include "../fsutil.h"
#include "../opiniondoc.h"
#include "../report.h"
#include "cli.h"

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
int cli_write_document(const char *out, const char *data, size_t len)
{
	if (!out) {
		fwrite(data, 1, len, stdout);
		return SL_OK;
	}
	sl_rc rc = sl_file_write_atomic(out, data, len, 0600);
	if (rc)
		return cli_fail(rc);
	printf("%s\n", out);
	return SL_OK;
}

int cmd_report(int argc, char **argv, sl_cli *g)
{
	const char *id = NULL, *format = "md", *out = NULL;
	int opinion = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--opinion"))
			opinion = 1;
		else if (!strcmp(argv[i], "--help")) {
			fputs(_(USAGE), stdout);
			return SL_OK;
		} else if (!id && argv[i][0] != '-')
			id = argv[i];
		else
			return cli_usage_error(
			    _(USAGE), _("report: unexpected '%s'"), argv[i]);
	}
	if (!id)
		return cli_usage_error(_(USAGE), _("report: which case?"));
	if (strcmp(format, "md") && strcmp(format, "html") &&
	    strcmp(format, "pdf"))
		return cli_usage_error(_(USAGE),
		                       _("report: --format md, html or pdf"));
	if (out && !*out)
		return cli_usage_error(_(USAGE),
		                       _("report: --out needs a file"));
	/* a PDF is binary: never onto a terminal */
	if (!out && !strcmp(format, "pdf") && isatty(STDOUT_FILENO))
		return cli_usage_error(
		    _(USAGE), _("report: a PDF goes to --out FILE or a pipe"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	char *doc;
	size_t len;
	rc = opinion ? sl_opinion_document(s, id, format, NULL, &doc, &len)
	             : sl_report(s, id, format, NULL, &doc, &len);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	int r = cli_write_document(out, doc, len);
	free(doc);
	return r;
}
