/* cmd_report.c - shenli report: the review report (审理报告). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fsutil.h"
#include "../report.h"
#include "cli.h"

static const char USAGE[] = N_(
    "usage: shenli report ID [--format md|html] [--out FILE]\n"
    "\n"
    "Writes the review report (审理报告) of a case you may read, in Chinese:\n"
    "the subject, the investigation, the facts with their evidence, the\n"
    "classification and sanction, the agency's proposal, the panel's\n"
    "opinion with any dissent, the findings and how each was resolved, and\n"
    "the returns with their outlines; the footer carries the audit head\n"
    "and the signers' key fingerprints. Markdown by default; --format html\n"
    "gives one self-contained file that prints on A4. Without --out the\n"
    "report goes to stdout; with it the file is written atomically, mode\n"
    "0600 (an existing file is replaced), and its path is printed.\n");

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
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
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
	if (strcmp(format, "md") && strcmp(format, "html"))
		return cli_usage_error(_(USAGE),
		                       _("report: --format md or html"));
	if (out && !*out)
		return cli_usage_error(_(USAGE),
		                       _("report: --out needs a file"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	char *doc;
	size_t len;
	rc = sl_report(s, id, format, &doc, &len);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	int r = cli_write_document(out, doc, len);
	free(doc);
	return r;
}
