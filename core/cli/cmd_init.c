/* cmd_init.c - shenli init: create a store and its first admin. */
#include <getopt.h>
#include <stdio.h>

#include <shenli/ops.h>

#include "cli.h"

static int init(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"admin", required_argument, 0, 'a'},
	    {"trust", required_argument, 0, 't'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *trust[16];
	sl_init_req rq = {.path = g->store, .trust = trust};
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'a': rq.admin = optarg; break;
		case 't':
			if (rq.n_trust == 16)
				return cli_usage(_("init: at most 16 --trust"));
			trust[rq.n_trust++] = optarg;
			break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind < argc)
		return cli_usage(_("init: unexpected '%s'"), argv[optind]);
	if (!rq.admin)
		return cli_usage(_("init: --admin ID is required"));
	cli_pass p = {0};
	sl_rc rc = g->pass_file || g->pass_fd >= 0
	               ? cli_read_passphrase(g, "", &p)
	               : cli_read_new_passphrase(NULL, "--passphrase-file",
	                                         rq.admin, &p);
	sl_init_res res = {0};
	if (!rc) {
		rq.pass = p.buf;
		rq.plen = p.len;
		rc = sl_store_init(&rq, &res);
	}
	cli_pass_free(&p);
	for (size_t i = 0; i < res.n_trusted; i++)
		printf(_("trusted key %s (%s)\n"), res.trusted[i],
		       cli_txt(trust[i]));
	if (rc && res.created && res.n_trusted < rq.n_trust)
		fprintf(stderr,
		        _("shenli: the store was created, but not every "
		          "key could be trusted; use 'keys trust'\n"));
	if (!rc)
		printf(_("created store %s with admin '%s'\naudit head %s\n"),
		       cli_txt(rq.path), cli_txt(rq.admin), res.head.text);
	sl_init_res_free(&res);
	return rc ? cli_fail(rc) : SL_OK;
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
