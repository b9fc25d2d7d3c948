/* cmd_keys.c - shenli keys trust|list|revoke. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../pkgstore.h"
#include "cli.h"

static const char USAGE[] =
    N_("usage: shenli keys trust KEY.pub [--comment TEXT]\n"
       "       shenli keys list [--json]\n"
       "       shenli keys revoke KEYID\n"
       "\n"
       "Trust anchors: Ed25519 public keys (PEM, as 'openssl pkey -pubout'\n"
       "writes them) whose signatures on packages the store accepts. Trusting\n"
       "and revoking are for admins and audited; a revoked key is never\n"
       "trusted again.\n");

static int print_key(const sl_key_info *k, void *ud)
{
	json_t *arr = ud;
	if (arr)
		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:b}", "id", k->id, "comment",
		                   k->comment, "revoked", k->revoked));
	else
		printf("%s  %-8s %s\n", k->id,
		       k->revoked ? _("revoked") : _("trusted"), k->comment);
	return 0;
}

int cmd_keys(int argc, char **argv, sl_cli *g)
{
	if (argc < 2)
		return cli_usage_error(_(USAGE), _("keys: which subcommand?"));
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(_(USAGE), stdout);
		return SL_OK;
	}
	int json = 0;
	const char *arg = NULL, *comment = "";
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !strcmp(sub, "list"))
			json = 1;
		else if (!strcmp(argv[i], "--comment") && i + 1 < argc &&
		         !strcmp(sub, "trust"))
			comment = argv[++i];
		else if (!strcmp(argv[i], "--help")) {
			fputs(_(USAGE), stdout);
			return SL_OK;
		} else if (!arg && argv[i][0] != '-')
			arg = argv[i];
		else
			return cli_usage_error(
			    _(USAGE), _("keys: unexpected '%s'"), argv[i]);
	}
	int list = !strcmp(sub, "list");
	if (!list && strcmp(sub, "trust") && strcmp(sub, "revoke"))
		return cli_usage_error(_(USAGE),
		                       _("keys: unknown subcommand '%s'"), sub);
	if (list ? arg != NULL : arg == NULL)
		return cli_usage_error(_(USAGE), _("keys %s: wrong arguments"),
		                       sub);
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	char id[17];
	json_t *arr = json ? json_array() : NULL;
	if (list)
		rc = sl_keys_list(s, print_key, arr);
	else if (!strcmp(sub, "trust"))
		rc = sl_keys_trust(s, arg, comment, id);
	else
		rc = sl_keys_revoke(s, arg);
	sl_store_close(s);
	if (!rc && arr) {
		cli_print_json(arr);
	}
	json_decref(arr);
	if (rc)
		return cli_fail(rc);
	if (!strcmp(sub, "trust"))
		printf(_("trusted key %s\n"), id);
	else if (!strcmp(sub, "revoke"))
		printf(_("revoked key %s\n"), arg);
	return SL_OK;
}
