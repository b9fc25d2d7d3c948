/* cmd_org.c - shenli zone add|list and shenli agency add|list. The two
 * groups share this file because they are the same shape. */
#include <getopt.h>
#include <stdio.h>

#include <shenli/ops.h>

#include "cli.h"

static int org_add(int argc, char **argv, sl_cli *g, int agency)
{
	static const struct option opts[] = {
	    {"name", required_argument, 0, 'n'},
	    {"zone", required_argument, 0, 'z'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *what = agency ? "agency" : "zone";
	const char *name = NULL, *zone = NULL;
	int c, rc;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'z':
			if (!agency)
				return cli_usage(_("zone add: no --zone"));
			zone = optarg;
			break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc - 1)
		return cli_usage(_("%s add: give exactly one CODE"), what);
	if (!name)
		return cli_usage(_("%s add: --name is required"), what);
	const char *code = argv[optind];
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_rc r = agency ? sl_agency_add(s, code, name, zone)
	                 : sl_zone_add(s, code, name);
	if (r)
		return cli_fail(r);
	if (agency && zone)
		printf(_("added agency %s (%s) in zone %s\n"), cli_txt(code),
		       cli_txt(name), cli_txt(zone));
	else if (agency)
		printf(_("added agency %s (%s)\n"), cli_txt(code),
		       cli_txt(name));
	else
		printf(_("added zone %s (%s)\n"), cli_txt(code), cli_txt(name));
	return SL_OK;
}

struct list_ctx {
	cli_json_array *arr; /* --json: streamed */
	cli_table *t;
	int agency;
};

static int print_org(const sl_org_info *o, void *ud)
{
	struct list_ctx *c = ud;
	if (c->arr) {
		cli_json_array_add(c->arr, c->agency ? sl_agency_json(o)
		                                     : sl_zone_json(o));
		return 0;
	}
	cli_table_add(c->t, o->code);
	if (c->agency)
		cli_table_add(c->t, o->zone);
	cli_table_add(c->t, o->name);
	return 0;
}

static int org_list(int argc, char **argv, sl_cli *g, int agency)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *what = agency ? "agency" : "zone";
	int json = 0, c, rc;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc)
		return cli_usage(_("%s list: unexpected '%s'"), what,
		                 argv[optind]);
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	cli_json_array arr = {0};
	struct list_ctx ctx = {json ? &arr : NULL, NULL, agency};
	if (!json)
		ctx.t = agency
		            ? cli_table_new(3, _("CODE"), _("ZONE"), _("NAME"))
		            : cli_table_new(2, _("CODE"), _("NAME"));
	sl_rc r = agency ? sl_agency_list(s, print_org, &ctx)
	                 : sl_zone_list(s, print_org, &ctx);
	if (!r && json)
		cli_json_array_end(&arr);
	if (!r && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	return r ? cli_fail(r) : SL_OK;
}

static int zone_add(int argc, char **argv, sl_cli *g)
{
	return org_add(argc, argv, g, 0);
}

static int zone_list(int argc, char **argv, sl_cli *g)
{
	return org_list(argc, argv, g, 0);
}

static int agency_add(int argc, char **argv, sl_cli *g)
{
	return org_add(argc, argv, g, 1);
}

static int agency_list(int argc, char **argv, sl_cli *g)
{
	return org_list(argc, argv, g, 1);
}

static const cli_sub zone_subs[] = {
    {"add", zone_add, "shenli zone add CODE --name NAME",
     N_("add a zone (admins)"),
     N_("Adds the zone CODE with its name (admins only). Zones (片区) group\n"
        "agencies; each zone has one review panel, which takes in the cases\n"
        "of the zone's agencies.\n"),
     CLI_UNLOCK},
    {"list", zone_list, "shenli zone list [--json]", N_("list the zones"),
     N_("Lists the zones with their codes and names. --json gives one JSON\n"
        "document.\n"),
     CLI_UNLOCK},
};
const cli_group cli_zone = {"zone", zone_subs, CLI_COUNT(zone_subs), NULL};

static const cli_sub agency_subs[] = {
    {"add", agency_add, "shenli agency add CODE --name NAME [--zone ZONE]",
     N_("add an agency and place it in a zone (admins)"),
     N_("Adds the agency CODE with its name (admins only). Agencies\n"
        "(派驻纪检监察组) transfer cases to their zone's panel. An agency\n"
        "without --zone is recorded, and its cases are refused until it is\n"
        "placed in a zone: by adding it again, with its name as it is and\n"
        "--zone, once (an agency never moves from one zone to another).\n"),
     CLI_UNLOCK},
    {"list", agency_list, "shenli agency list [--json]",
     N_("list the agencies and their zones"),
     N_("Lists the agencies with their codes, zones and names. --json gives\n"
        "one JSON document.\n"),
     CLI_UNLOCK},
};
const cli_group cli_agency = {"agency", agency_subs, CLI_COUNT(agency_subs),
                              NULL};
