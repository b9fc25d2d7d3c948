/* cmd_init.c - shenli init: create a store and its first admin. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../audit.h"
#include "../pkgstore.h"
#include "../users.h"
#include "cli.h"

static int init(int argc, char **argv, sl_cli *g)
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
				return cli_usage(_("init: at most 16 --trust"));
			trust[ntrust++] = optarg;
			break;
		case 'h': return cli_help();
		default:
			return cli_usage(_("init: bad option '%s'"),
			                 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage(_("init: unexpected '%s'"), argv[optind]);
	if (!admin)
		return cli_usage(_("init: --admin ID is required"));
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
			printf(_("trusted key %s (%s)\n"), id,
			       cli_txt(trust[i]));
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
	printf(_("created store %s with admin '%s'\naudit head %s\n"),
	       cli_txt(g->store), cli_txt(admin), anchor);
	return SL_OK;
}

static const cli_sub subs[] = {
    {"", init,
     "shenli init --admin ID [--trust KEY.pub]... [--store PATH]\n"
     "            [--passphrase-file F]",
     N_("create a new encrypted store and its first admin"),
     N_("Creates a new encrypted store at --store (it must not exist) with ID\n"
        "as its first admin. The admin's passphrase is asked twice on the\n"
        "terminal, or read from --passphrase-file. --trust makes public keys\n"
        "(PEM) trust anchors for signed packages from the start. Prints the\n"
        "audit head: write it down, so that 'shenli audit verify --anchor'\n"
        "can later prove the log was not rolled back.\n"),
     CLI_NO_STORE},
};
const cli_group cli_init = {"init", subs, CLI_COUNT(subs), NULL};
