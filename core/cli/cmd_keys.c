/* cmd_keys.c - shenli keys trust|list|revoke. */
#include <getopt.h>
#include <stdio.h>

#include <shenli/ops.h>

#include "cli.h"

static const struct option trust_opts[] = {
    {"comment", required_argument, 0, 'c'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};
static const struct option list_opts[] = {
    {"json", no_argument, 0, 'j'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};
static const struct option revoke_opts[] = {
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

/* The options of a keys subcommand (opts: --json, --comment TEXT,
 * --help), then one argument into *arg, or none if arg is NULL. 0 to go
 * on, -1 when help was printed, else the exit code (usage printed). */
static int keys_args(int argc, char **argv, const struct option *opts,
                     const char **arg, int *json, const char **comment)
{
	const char *sub = argv[0];
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': *json = 1; break;
		case 'c': *comment = optarg; break;
		case 'h': cli_help(); return -1;
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (arg && argc - optind > 1)
		return cli_usage(_("keys %s: unexpected '%s'"), sub,
		                 argv[optind + 1]);
	if (argc - optind != (arg ? 1 : 0))
		return cli_usage(_("keys %s: wrong arguments"), sub);
	if (arg)
		*arg = argv[optind];
	return 0;
}

static int keys_trust(int argc, char **argv, sl_cli *g)
{
	const char *pem, *comment = "";
	int rc = keys_args(argc, argv, trust_opts, &pem, NULL, &comment);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	char id[17];
	sl_rc r = sl_keys_trust(s, pem, comment, id);
	if (r)
		return cli_fail(r);
	printf(_("trusted key %s\n"), id);
	return SL_OK;
}

struct list_ctx {
	cli_json_array *arr; /* --json: streamed */
	cli_table *t;
};

static int print_key(const sl_key_info *k, void *ud)
{
	struct list_ctx *c = ud;
	if (c->arr) {
		cli_json_array_add(c->arr, sl_key_json(k));
		return 0;
	}
	cli_table_add(c->t, k->id);
	cli_table_add(c->t, k->revoked ? _("revoked") : _("trusted"));
	cli_table_add(c->t, k->comment);
	return 0;
}

static int keys_list(int argc, char **argv, sl_cli *g)
{
	int json = 0;
	int rc = keys_args(argc, argv, list_opts, NULL, &json, NULL);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	cli_json_array arr = {0};
	struct list_ctx ctx = {json ? &arr : NULL, NULL};
	if (!json)
		ctx.t = cli_table_new(3, _("KEY"), _("STATUS"), _("COMMENT"));
	sl_rc r = sl_keys_list(s, print_key, &ctx);
	if (!r && json)
		cli_json_array_end(&arr);
	if (!r && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	return r ? cli_fail(r) : SL_OK;
}

static int keys_revoke(int argc, char **argv, sl_cli *g)
{
	const char *id;
	int rc = keys_args(argc, argv, revoke_opts, &id, NULL, NULL);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_rc r = sl_keys_revoke(s, id);
	if (r)
		return cli_fail(r);
	printf(_("revoked key %s\n"), cli_txt(id));
	return SL_OK;
}

static const cli_sub subs[] = {
    {"trust", keys_trust, "shenli keys trust KEY.pub [--comment TEXT]",
     N_("trust a package signing key (admins)"),
     N_("Makes an Ed25519 public key (PEM, as 'openssl pkey -pubout' writes\n"
        "it) a trust anchor: packages it signs may be installed. For admins;\n"
        "audited. --comment says whose key it is.\n"),
     CLI_UNLOCK},
    {"list", keys_list, "shenli keys list [--json]",
     N_("list the trusted and revoked keys"),
     N_("Lists the keys with their ids, whether trusted or revoked, and their\n"
        "comments. --json gives one JSON document.\n"),
     CLI_UNLOCK},
    {"revoke", keys_revoke, "shenli keys revoke KEYID",
     N_("revoke a key for good (admins)"),
     N_("Revokes a key (admins; audited): packages it signed are no longer\n"
        "accepted, and a revoked key is never trusted again.\n"),
     CLI_UNLOCK},
};
const cli_group cli_keys = {"keys", subs, CLI_COUNT(subs), NULL};
