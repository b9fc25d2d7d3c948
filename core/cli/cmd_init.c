/* cmd_init.c - shenli init: create a store and its first admin. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../audit.h"
#include "../pkgstore.h"
#include "../users.h"
#include "cli.h"

static const char USAGE[] = N_(
    "usage: shenli init --admin ID [--trust KEY.pub]... [--store PATH]\n"
    "                   [--passphrase-file F]\n"
    "\n"
    "Create a new encrypted store at --store (it must not exist) with ID as\n"
    "its first admin. The admin's passphrase is asked twice on the terminal,\n"
    "or read from --passphrase-file. --trust makes public keys (PEM) trust\n"
    "anchors for signed packages from the start. Prints the audit head.\n");

int cmd_init(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"admin", required_argument, 0, 'a'},
	    {"trust", required_argument, 0, 't'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *admin = NULL, *trust[16];
	int c, ntrust = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'a': admin = optarg; break;
		case 't':
			if (ntrust == 16)
				return cli_usage_error(
				    _(USAGE), _("init: at most 16 --trust"));
			trust[ntrust++] = optarg;
			break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(_(USAGE),
			                       _("init: bad option '%s'"),
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(_(USAGE), _("init: unexpected '%s'"),
		                       argv[optind]);
	if (!admin)
		return cli_usage_error(_(USAGE),
		                       _("init: --admin ID is required"));
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
	for (int i = 0; i < ntrust && !rc; i++) {
		char id[17];
		if (!(rc = sl_keys_trust(s, trust[i], "init --trust", id)))
			printf(_("trusted key %s (%s)\n"), id, trust[i]);
	}
	if (rc) {
		fprintf(stderr,
		        _("shenli: the store was created, but not every "
		          "key could be trusted; use 'keys trust'\n"));
		sl_store_close(s);
		return cli_fail(rc);
	}
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
