/* cmd_user.c - shenli user add|list|passwd|disable. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../users.h"
#include "cli.h"

static const char USAGE[] =
    N_("usage: shenli user add ID --role ROLE [--agency CODE] [--zone CODE]\n"
       "                       [--new-passphrase-file F]\n"
       "       shenli user list [--json]\n"
       "       shenli user passwd [--new-passphrase-file F]\n"
       "       shenli user disable ID\n"
       "\n"
       "ROLE is admin, leader, member, specialist or auditor. The new user's\n"
       "passphrase is read from the first line of F (a private file) or asked\n"
       "twice on the terminal. Adding and disabling users is for admins;\n"
       "passwd changes the acting user's own passphrase.\n");

static int user_add(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"role", required_argument, 0, 'r'},
	    {"agency", required_argument, 0, 'a'},
	    {"zone", required_argument, 0, 'z'},
	    {"new-passphrase-file", required_argument, 0, 'n'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *role = NULL, *agency = NULL, *zone = NULL, *newfile = NULL;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'a': agency = optarg; break;
		case 'z': zone = optarg; break;
		case 'n': newfile = optarg; break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(_(USAGE),
			                       _("user add: bad option '%s'"),
			                       argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(_(USAGE),
		                       _("user add: give exactly one ID"));
	if (!role)
		return cli_usage_error(_(USAGE),
		                       _("user add: --role is required"));
	sl_role r = sl_role_parse(role);
	if (!r) {
		sl_error(
		    SL_EINPUT,
		    _("unknown role '%s': admin, leader, member, specialist or "
		      "auditor"),
		    role);
		return cli_fail(SL_EINPUT);
	}
	const char *id = argv[optind];
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	cli_pass p = {0};
	rc = cli_read_new_passphrase(newfile, id, &p);
	if (!rc)
		rc = sl_user_add(s, id, r, agency, zone, p.buf, p.len);
	cli_pass_free(&p);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	printf(_("added %s '%s'\n"), sl_role_name(r), id);
	return SL_OK;
}

struct list_ctx {
	cli_json_array *arr; /* --json: streamed */
	int rows;
};

static int print_user(const sl_user_info *u, void *ud)
{
	struct list_ctx *c = ud;
	cli_json_array *arr = c->arr;
	if (!arr && c->rows++ == 0)
		printf("%-20s %-10s %-8s %-8s %-8s %s\n", _("ID"), _("ROLE"),
		       _("AGENCY"), _("ZONE"), _("STATUS"), _("KEY"));
	if (arr) {
		cli_json_array_add(
		    arr,
		    json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:s}", "id", u->id,
		              "role", sl_role_name(u->role), "agency",
		              *u->agency ? u->agency : NULL, "zone",
		              *u->zone ? u->zone : NULL, "disabled",
		              u->disabled, "key", u->fingerprint));
	} else {
		printf("%-20s %-10s %-8s %-8s %-8s %s\n", u->id,
		       sl_role_name(u->role), *u->agency ? u->agency : "-",
		       *u->zone ? u->zone : "-",
		       u->disabled ? _("disabled") : _("active"),
		       u->fingerprint);
	}
	return 0;
}

static int user_list(int argc, char **argv, sl_cli *g)
{
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--help")) {
			fputs(_(USAGE), stdout);
			return SL_OK;
		} else
			return cli_usage_error(
			    _(USAGE), _("user list: unexpected '%s'"), argv[i]);
	}
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	cli_json_array arr = {0};
	struct list_ctx ctx = {json ? &arr : NULL, 0};
	rc = sl_user_list(s, print_user, &ctx);
	sl_store_close(s);
	if (!rc && json)
		cli_json_array_end(&arr);
	return rc ? cli_fail(rc) : SL_OK;
}

static int user_passwd(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"new-passphrase-file", required_argument, 0, 'n'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *newfile = NULL;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': newfile = optarg; break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(
			    _(USAGE), _("user passwd: bad option '%s'"),
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(
		    _(USAGE), _("user passwd changes your own passphrase; "
		                "it takes no ID"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	cli_pass p = {0};
	rc = cli_read_new_passphrase(newfile, g->user, &p);
	if (!rc)
		rc = sl_user_passwd(s, p.buf, p.len);
	cli_pass_free(&p);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	printf(_("passphrase changed for '%s'\n"), g->user);
	return SL_OK;
}

static int user_disable(int argc, char **argv, sl_cli *g)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		fputs(_(USAGE), stdout);
		return SL_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error(_(USAGE),
		                       _("user disable: give exactly one ID"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	rc = sl_user_disable(s, argv[1]);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	printf(_("disabled '%s'\n"), argv[1]);
	return SL_OK;
}

int cmd_user(int argc, char **argv, sl_cli *g)
{
	if (argc < 2)
		return cli_usage_error(_(USAGE), _("user: which subcommand?"));
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(_(USAGE), stdout);
		return SL_OK;
	}
	if (!strcmp(sub, "add"))
		return user_add(argc - 1, argv + 1, g);
	if (!strcmp(sub, "list"))
		return user_list(argc - 1, argv + 1, g);
	if (!strcmp(sub, "passwd"))
		return user_passwd(argc - 1, argv + 1, g);
	if (!strcmp(sub, "disable"))
		return user_disable(argc - 1, argv + 1, g);
	return cli_usage_error(_(USAGE), _("user: unknown subcommand '%s'"),
	                       sub);
}
