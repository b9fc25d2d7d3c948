/* cmd_init.c - shenli init: create a store and its first admin. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../audit.h"
#include "../users.h"
#include "cli.h"

static const char USAGE[] = N_(
    "usage: shenli init --admin ID [--store PATH] [--passphrase-file F]\n"
    "\n"
    "Create a new encrypted store at --store (it must not exist) with ID as\n"
    "its first admin. The admin's passphrase is asked twice on the terminal,\n"
    "or read from --passphrase-file. Prints the audit head to write down.\n");

int cmd_init(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"admin", required_argument, 0, 'a'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *admin = NULL;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			admin = optarg;
			break;
		case 'h':
			fputs(_(USAGE), stdout);
			return SL_OK;
		default:
			return cli_usage_error(_(USAGE), _("init: bad option '%s'"),
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(_(USAGE), _("init: unexpected '%s'"),
		                       argv[optind]);
	if (!admin)
		return cli_usage_error(_(USAGE), _("init: --admin ID is required"));
	cli_pass p = {0};
	sl_rc rc = g->pass_file || g->pass_fd >= 0
	               ? cli_read_passphrase(g, "", &p)
	               : cli_read_new_passphrase(NULL, admin, &p);
	if (!rc)
		rc = sl_passphrase_acceptable(p.buf, p.len);
	if (rc) {
		cli_pass_free(&p);
		return cli_fail(rc);
	}
	sl_store *s = NULL;
	rc = sl_store_create(g->store, admin, p.buf, p.len, &s);
	cli_pass_free(&p);
	if (rc)
		return cli_fail(rc);
	int64_t seq;
	uint8_t h[32];
	char anchor[96];
	rc = sl_audit_head(s, &seq, h);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	sl_audit_format_anchor(seq, h, anchor);
	printf(_("created store %s with admin '%s'\naudit head %s\n"), g->store,
	       admin, anchor);
	return SL_OK;
}
