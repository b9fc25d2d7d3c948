/* cmd_org.c - shenli zone add|list and shenli agency add|list. The two
 * groups share this file because they are the same shape. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../org.h"
#include "cli.h"

static const char ZONE_USAGE[] = N_(
    "usage: shenli zone add CODE --name NAME\n"
    "       shenli zone list [--json]\n"
    "\n"
    "Zones (片区) group agencies; each zone has one review panel. Adding is\n"
    "for admins.\n");

static const char AGENCY_USAGE[] =
    N_("usage: shenli agency add CODE --name NAME [--zone ZONE]\n"
       "       shenli agency list [--json]\n"
       "\n"
       "Agencies (派驻纪检监察组) transfer cases to their zone's panel. An\n"
       "agency without --zone is recorded, and its cases are refused until it\n"
       "is placed in a zone. Adding is for admins.\n");

static int org_add(int argc, char **argv, sl_cli *g, int agency,
                   const char *use)
{
	static const struct option opts[] = {
	    {"name", required_argument, 0, 'n'},
	    {"zone", required_argument, 0, 'z'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *name = NULL, *zone = NULL;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'z':
			if (!agency)
				return cli_usage_error(
				    _(use), _("zone add: no --zone"));
			zone = optarg;
			break;
		case 'h': fputs(_(use), stdout); return SL_OK;
		default:
			return cli_usage_error(_(use), _("bad option '%s'"),
			                       argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(_(use), _("give exactly one CODE"));
	if (!name)
		return cli_usage_error(_(use), _("--name is required"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	const char *code = argv[optind];
	rc = agency ? sl_agency_add(s, code, name, zone)
	            : sl_zone_add(s, code, name);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (agency)
		printf(_("added agency %s (%s)%s%s\n"), code, name,
		       zone ? _(" in zone ") : "", zone ? zone : "");
	else
		printf(_("added zone %s (%s)\n"), code, name);
	return SL_OK;
}

struct list_ctx {
	json_t *arr;
	int agency;
};

static int print_org(const sl_org_info *o, void *ud)
{
	struct list_ctx *c = ud;
	if (c->arr) {
		json_t *j =
		    json_pack("{s:s, s:s}", "code", o->code, "name", o->name);
		if (c->agency)
			json_object_set_new(j, "zone",
			                    o->zone[0] ? json_string(o->zone)
			                               : json_null());
		json_array_append_new(c->arr, j);
	} else if (c->agency) {
		printf("%-8s %-6s %s\n", o->code, o->zone[0] ? o->zone : "-",
		       o->name);
	} else {
		printf("%-8s %s\n", o->code, o->name);
	}
	return 0;
}

static int org_list(int argc, char **argv, sl_cli *g, int agency,
                    const char *use)
{
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--help")) {
			fputs(_(use), stdout);
			return SL_OK;
		} else
			return cli_usage_error(_(use), _("unexpected '%s'"),
			                       argv[i]);
	}
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	struct list_ctx ctx = {json ? json_array() : NULL, agency};
	rc = agency ? sl_agency_list(s, print_org, &ctx)
	            : sl_zone_list(s, print_org, &ctx);
	sl_store_close(s);
	if (!rc && ctx.arr) {
		cli_print_json(ctx.arr);
	}
	json_decref(ctx.arr);
	return rc ? cli_fail(rc) : SL_OK;
}

static int org(int argc, char **argv, sl_cli *g, int agency)
{
	const char *use = agency ? AGENCY_USAGE : ZONE_USAGE;
	if (argc < 2)
		return cli_usage_error(_(use), _("which subcommand?"));
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(_(use), stdout);
		return SL_OK;
	}
	if (!strcmp(sub, "add"))
		return org_add(argc - 1, argv + 1, g, agency, use);
	if (!strcmp(sub, "list"))
		return org_list(argc - 1, argv + 1, g, agency, use);
	return cli_usage_error(_(use), _("unknown subcommand '%s'"), sub);
}

int cmd_zone(int argc, char **argv, sl_cli *g)
{
	return org(argc, argv, g, 0);
}

int cmd_agency(int argc, char **argv, sl_cli *g)
{
	return org(argc, argv, g, 1);
}
