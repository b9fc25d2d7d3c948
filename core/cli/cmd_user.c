/* cmd_user.c - shenli user add|list|passwd|disable. */
#include <getopt.h>
#include <stdio.h>

#include <shenli/ops.h>

#include "cli.h"

static int user_add(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"role", required_argument, 0, 'r'},
	    {"name", required_argument, 0, 'N'},
	    {"agency", required_argument, 0, 'a'},
	    {"zone", required_argument, 0, 'z'},
	    {"new-passphrase-file", required_argument, 0, 'n'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *role = NULL, *newfile = NULL;
	sl_user_req rq = {0};
	int c, rc;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'N': rq.name = optarg; break;
		case 'a': rq.agency = optarg; break;
		case 'z': rq.zone = optarg; break;
		case 'n': newfile = optarg; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc - 1)
		return cli_usage(_("user add: give exactly one ID"));
	if (!role)
		return cli_usage(_("user add: --role is required"));
	if (!(rq.role = sl_role_parse(role)))
		return cli_fail(sl_error(
		    SL_EINPUT,
		    _("unknown role '%s': admin, leader, member, specialist or "
		      "auditor"),
		    role));
	rq.id = argv[optind];
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	cli_pass p = {0};
	sl_user_info u;
	sl_rc r = cli_read_new_passphrase(newfile, "--new-passphrase-file",
	                                  rq.id, &p);
	if (!r) {
		rq.pass = p.buf;
		rq.plen = p.len;
		r = sl_user_create(s, &rq, &u);
	}
	cli_pass_free(&p);
	if (r)
		return cli_fail(r);
	printf(_("added %s '%s'\n"), cli_role_label(sl_role_name(u.role)),
	       cli_txt(u.id));
	return SL_OK;
}

struct list_ctx {
	cli_json_array *arr; /* --json: streamed */
	cli_table *t;
};

static int print_user(const sl_user_info *u, void *ud)
{
	struct list_ctx *c = ud;
	if (c->arr) {
		cli_json_array_add(c->arr, sl_user_json(u));
		return 0;
	}
	cli_table_add(c->t, u->id);
	cli_table_add(c->t, cli_role_label(sl_role_name(u->role)));
	cli_table_add(c->t, u->agency);
	cli_table_add(c->t, u->zone);
	cli_table_add(c->t, u->disabled   ? _("disabled")
	                    : u->enrolled ? _("active")
	                                  : _("pending"));
	cli_table_add(c->t, *u->fingerprint ? u->fingerprint : "-");
	return 0;
}

static int user_list(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
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
		return cli_usage(_("user list: unexpected '%s'"), argv[optind]);
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	cli_json_array arr = {0};
	struct list_ctx ctx = {json ? &arr : NULL, NULL};
	if (!json)
		ctx.t = cli_table_new(6, _("ID"), _("ROLE"), _("AGENCY"),
		                      _("ZONE"), _("STATUS"), _("KEY"));
	sl_rc r = sl_user_list(s, print_user, &ctx);
	if (!r && json)
		cli_json_array_end(&arr);
	if (!r && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	return r ? cli_fail(r) : SL_OK;
}

static int user_passwd(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"new-passphrase-file", required_argument, 0, 'n'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *newfile = NULL;
	int c, rc;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': newfile = optarg; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc)
		return cli_usage(_("user passwd changes your own passphrase; "
		                   "it takes no ID"));
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	cli_pass p = {0};
	sl_passwd_res res;
	sl_rc r = cli_read_new_passphrase(newfile, "--new-passphrase-file",
	                                  g->user, &p);
	if (!r)
		r = sl_user_set_passphrase(s, p.buf, p.len, &res);
	cli_pass_free(&p);
	if (r)
		return cli_fail(r);
	if (res.enrolled)
		printf(
		    _("passphrase set for '%s': your own signing key is made "
		      "and recorded; the first passphrase no longer works\n"),
		    cli_txt(res.user));
	else
		printf(_("passphrase changed for '%s'\n"), cli_txt(res.user));
	return SL_OK;
}

static int user_disable(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	int c, rc;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help();
		return cli_bad_option(NULL, NULL, argc, argv, opts);
	}
	if (optind != argc - 1)
		return cli_usage(_("user disable: give exactly one ID"));
	const char *id = argv[optind];
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_user_disable_res res;
	sl_rc r = sl_user_disable(s, id, &res);
	if (r)
		return cli_fail(r);
	printf(_("disabled '%s'\n"), cli_txt(id));
	if (res.n_open_cases) {
		/* case assign takes a case in review only: a returned one
		 * once resubmitted, a deliberated one needs no one else */
		printf(_("'%s' sits on the review team of %zu open cases; a "
		         "leader re-assigns those in review (case assign), a "
		         "returned one once it is resubmitted:\n"),
		       cli_txt(id), res.n_open_cases);
		for (size_t i = 0; i < res.n_open_cases; i++)
			printf("  %s\n", cli_txt(res.open_cases[i]));
	}
	sl_user_disable_res_free(&res);
	return SL_OK;
}

static const cli_sub subs[] = {
    {"add", user_add,
     "shenli user add ID --role ROLE [--name NAME] [--agency CODE]\n"
     "                [--zone CODE] [--new-passphrase-file F]",
     N_("add a user, who then chooses their own passphrase (admins)"),
     N_("Adds the user ID (admins only). ROLE is admin, leader (组长),\n"
        "member (组员), specialist (机动组员) or auditor. NAME is the\n"
        "person's name as documents print it (documents never print user\n"
        "ids). --agency is the user's home agency: nobody reviews a case\n"
        "their home agency transferred (recusal). --zone is the zone whose\n"
        "panel they sit on. The first passphrase is read from the first line\n"
        "of F (a file only its owner can read) or asked twice on the\n"
        "terminal. It opens nothing until the user runs 'user passwd' and\n"
        "chooses their own, which also makes their signing key: no admin\n"
        "ever holds a key that signs as the user.\n"),
     CLI_UNLOCK},
    {"list", user_list, "shenli user list [--json]",
     N_("list users, roles and key fingerprints"),
     N_("Lists every user with role, home agency, zone, status and the\n"
        "fingerprint of their signing key (admins, leaders and auditors).\n"
        "--json gives one JSON document.\n"),
     CLI_UNLOCK},
    {"passwd", user_passwd, "shenli user passwd [--new-passphrase-file F]",
     N_("change your own passphrase (a new user's first command)"),
     N_("Changes the acting user's own passphrase (every role).\n"
        "The new one is read from the first line of F or asked twice on the\n"
        "terminal; the old one no longer opens the store. A new user's first\n"
        "command: it replaces the passphrase an admin chose and makes the\n"
        "user's own signing key, recorded in the audit log (user.enrol).\n"),
     CLI_UNLOCK | SL_OPEN_ENROL},
    {"disable", user_disable, "shenli user disable ID",
     N_("disable a user and destroy their key slot (admins)"),
     N_("Disables the user ID and destroys their key slot (admins only):\n"
        "they can no longer unlock the store. Their past signatures stay\n"
        "valid in the audit log.\n"),
     CLI_UNLOCK},
};
const cli_group cli_user = {"user", subs, CLI_COUNT(subs), NULL};
