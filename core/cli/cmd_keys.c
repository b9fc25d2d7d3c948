/* cmd_keys.c - shenli keys trust|list|revoke. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../pkgstore.h"
#include "cli.h"

struct list_ctx {
	json_t *arr;
	cli_table *t;
};

static int print_key(const sl_key_info *k, void *ud)
{
	struct list_ctx *c = ud;
	if (c->arr) {
		json_array_append_new(
		    c->arr, json_pack("{s:s, s:s, s:b}", "id", k->id, "comment",
		                      k->comment, "revoked", k->revoked));
		return 0;
	}
	cli_table_add(c->t, k->id);
	cli_table_add(c->t, k->revoked ? _("revoked") : _("trusted"));
	cli_table_add(c->t, k->comment);
	return 0;
}

/* One parser for the three: argv[0] is the subcommand. */
static int keys(int argc, char **argv, sl_cli *g)
{
	const char *sub = argv[0];
	int json = 0;
	const char *arg = NULL, *comment = "";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !strcmp(sub, "list"))
			json = 1;
		else if (!strcmp(argv[i], "--comment") && i + 1 < argc &&
		         !strcmp(sub, "trust"))
			comment = argv[++i];
		else if (!strcmp(argv[i], "--help")) {
			return cli_help();
		} else if (!arg && argv[i][0] != '-')
			arg = argv[i];
		else
			return cli_usage(_("keys %s: unexpected '%s'"), sub,
			                 argv[i]);
	}
	int list = !strcmp(sub, "list");
	if (list ? arg != NULL : arg == NULL)
		return cli_usage(_("keys %s: wrong arguments"), sub);
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	char id[17];
	json_t *arr = json ? json_array() : NULL;
	struct list_ctx ctx = {arr, NULL};
	if (list && !json)
		ctx.t = cli_table_new(3, _("KEY"), _("STATUS"), _("COMMENT"));
	if (list)
		rc = sl_keys_list(s, print_key, &ctx);
	else if (!strcmp(sub, "trust"))
		rc = sl_keys_trust(s, arg, comment, id);
	else
		rc = sl_keys_revoke(s, arg);
	sl_store_close(s);
	if (!rc && arr)
		cli_print_json(arr);
	if (!rc && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	json_decref(arr);
	if (rc)
		return cli_fail(rc);
	if (!strcmp(sub, "trust"))
		printf(_("trusted key %s\n"), id);
	else if (!strcmp(sub, "revoke"))
		printf(_("revoked key %s\n"), cli_txt(arg));
	return SL_OK;
}

static const cli_sub subs[] = {
    {"trust", keys, "shenli keys trust KEY.pub [--comment TEXT]",
     N_("trust a package signing key (admins)"),
     N_("Makes an Ed25519 public key (PEM, as 'openssl pkey -pubout' writes\n"
        "it) a trust anchor: packages it signs may be installed. For admins;\n"
        "audited. --comment says whose key it is.\n"),
     CLI_UNLOCK},
    {"list", keys, "shenli keys list [--json]",
     N_("list the trusted and revoked keys"),
     N_("Lists the keys with their ids, whether trusted or revoked, and their\n"
        "comments. --json gives one JSON document.\n"),
     CLI_UNLOCK},
    {"revoke", keys, "shenli keys revoke KEYID",
     N_("revoke a key for good (admins)"),
     N_("Revokes a key (admins; audited): packages it signed are no longer\n"
        "accepted, and a revoked key is never trusted again.\n"),
     CLI_UNLOCK},
};
const cli_group cli_keys = {"keys", subs, CLI_COUNT(subs), NULL};
