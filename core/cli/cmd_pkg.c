/* cmd_pkg.c - shenli plugin|script install|list|remove (the two groups are
 * the same shape), and plugin verify. */
#define _GNU_SOURCE
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pkgstore.h"
#include "../plugin_host.h"
#include "../rules.h"
#include "cli.h"
#include <shenli/ops.h>

struct list_ctx {
	json_t *arr;
	cli_table *t;
};

/* "plugin", "script", "rules" in the user's language */
static const char *kind_label(sl_pkg_kind kind)
{
	static const char *const codes[] = {"plugin", "script", "rules"};
	static const char *const ids[] = {
	    NC_("package kind", "plugin"),
	    NC_("package kind", "script"),
	    NC_("package kind", "rules"),
	};
	return cli_label(sl_pkg_kind_name(kind), codes, ids, CLI_COUNT(codes));
}

static int print_pkg(const sl_pkg_info *p, void *ud)
{
	struct list_ctx *c = ud;
	char hex[65];
	sl_hex(p->m.sha256, 32, hex);
	if (c->arr) {
		json_array_append_new(
		    c->arr,
		    json_pack("{s:s, s:I, s:i, s:s, s:I, s:s, s:s}", "name",
		              p->m.name, "version", (json_int_t)p->m.version,
		              "abi", p->m.abi, "file", p->m.file, "size",
		              (json_int_t)p->m.size, "sha256", hex, "signer",
		              p->signer));
		return 0;
	}
	char ver[32], abi[16];
	snprintf(ver, sizeof ver, "%lld", p->m.version);
	snprintf(abi, sizeof abi, "%d", p->m.abi);
	memcpy(hex + 16, "\xE2\x80\xA6", 4); /* the first 16 digits and "…" */
	cli_table_add(c->t, p->m.name);
	cli_table_add(c->t, ver);
	cli_table_add(c->t, abi);
	cli_table_add(c->t, p->m.file);
	cli_table_add(c->t, hex);
	cli_table_add(c->t, p->signer);
	return 0;
}

struct verify_ctx {
	sl_store *s;
	const char *only;
	char *rules;
	size_t rules_len;
	sl_rc rc;
	int n;
};

static int verify_one(const sl_pkg_info *p, void *ud)
{
	struct verify_ctx *c = ud;
	if (c->only && strcmp(c->only, p->m.name))
		return 0;
	sl_plugin *pl = NULL;
	sl_rc rc = sl_plugin_load(c->s, p, c->rules, c->rules_len, &pl);
	c->n++;
	if (rc) {
		fprintf(stderr, _("shenli: %s\n"), cli_txt(sl_errmsg()));
		if (!c->rc)
			c->rc = rc;
		return 0;
	}
	printf(_("%s: intact (v%lld, loaded and answered as '%s')\n"),
	       cli_txt(p->m.name), p->m.version, cli_txt(sl_plugin_name(pl)));
	sl_plugin_unload(pl);
	return 0;
}

/* The rules document in force, as text for plugins' open(). */
static sl_rc rules_text(sl_store *s, char **out, size_t *len)
{
	sl_rules *r;
	sl_rc rc = sl_rules_load(s, &r);
	if (rc)
		return rc;
	*out = json_dumps(sl_rules_json(r), JSON_COMPACT);
	sl_rules_free(r);
	if (!*out)
		return sl_error(SL_ESYS, _("out of memory"));
	*len = strlen(*out);
	return SL_OK;
}

static int script_run(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	int json = 0, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default:
			return cli_usage(_("script run: unexpected '%s'"),
			                 argv[optind - 1]);
		}
	}
	if (optind + 2 < argc)
		return cli_usage(_("script run: unexpected '%s'"),
		                 argv[optind + 2]);
	if (optind + 2 != argc)
		return cli_usage(_("script run: give the script and the case"));
	sl_script_run_req rq = {argv[optind], argv[optind + 1]};
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_gate_res r;
	rc = sl_script_run(s, &rq, &r);
	if (!r.ran)
		return cli_fail(rc);
	if (json) {
		json_t *j = sl_script_run_json(&r);
		cli_print_json(j);
		json_decref(j);
	} else
		cli_print_gate(&r, 1);
	sl_gate_res_free(&r);
	return rc; /* SL_FAIL: it did not pass */
}

/* install, list, remove and verify for the three kinds: argv[0] is the
 * subcommand, which the group's table has already checked. */
static int pkg(int argc, char **argv, sl_cli *g, sl_pkg_kind kind)
{
	const char *sub = argv[0];
	int json = 0;
	const char *arg = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !strcmp(sub, "list"))
			json = 1;
		else if (!strcmp(argv[i], "--help")) {
			return cli_help();
		} else if (!arg && argv[i][0] != '-')
			arg = argv[i];
		else
			return cli_usage(_("%s %s: unexpected '%s'"),
			                 sl_pkg_kind_name(kind), sub, argv[i]);
	}
	/* the table offers each kind only its own subcommands; what is not
	 * install, list or remove is verify */
	int install = !strcmp(sub, "install"), list = !strcmp(sub, "list"),
	    remove = !strcmp(sub, "remove");
	if ((install || remove) ? !arg : (list && arg))
		return cli_usage(_("%s %s: wrong arguments"),
		                 sl_pkg_kind_name(kind), sub);
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	json_t *arr = json ? json_array() : NULL;
	struct list_ctx ctx = {arr, NULL};
	if (list && !json)
		ctx.t = cli_table_new(6, _("NAME"), _("VERSION"), _("ABI"),
		                      _("FILE"), _("SHA-256"), _("SIGNED BY"));
	sl_pkg_info pi;
	struct verify_ctx vc = {s, arg, NULL, 0, SL_OK, 0};
	if (install) {
		rc = sl_pkg_install(s, arg, kind, &pi);
	} else if (remove) {
		rc = sl_pkg_remove(s, arg, kind);
	} else if (list) {
		rc = sl_pkg_list(s, kind, print_pkg, &ctx);
	} else if (!(rc = rules_text(s, &vc.rules, &vc.rules_len))) {
		rc = sl_pkg_list(s, kind, verify_one, &vc);
		if (!rc)
			rc = vc.rc;
		if (!rc && arg && !vc.n)
			rc = sl_error(SL_EINPUT,
			              _("no plugin '%s' is installed"), arg);
		free(vc.rules);
		if (vc.rc) /* already reported one by one */
			sl_error(vc.rc, _("%s: a plugin failed verification"),
			         sub);
	}
	sl_store_close(s);
	if (!rc && arr)
		cli_print_json(arr);
	if (!rc && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	json_decref(arr);
	if (rc)
		return cli_fail(rc);
	if (install)
		printf(_("installed %s %s v%lld (signed by %s)\n"),
		       kind_label(kind), cli_txt(pi.m.name), pi.m.version,
		       cli_txt(pi.signer));
	else if (remove)
		printf(_("removed %s %s (its version floor stays)\n"),
		       kind_label(kind), cli_txt(arg));
	return SL_OK;
}

static int plugin(int argc, char **argv, sl_cli *g)
{
	return pkg(argc, argv, g, SL_PKG_PLUGIN);
}

static int script(int argc, char **argv, sl_cli *g)
{
	return pkg(argc, argv, g, SL_PKG_SCRIPT);
}

static int rules(int argc, char **argv, sl_cli *g)
{
	return pkg(argc, argv, g, SL_PKG_RULES);
}

static const cli_sub plugin_subs[] = {
    {"install", plugin, "shenli plugin install DIR",
     N_("install a signed check plugin (admins)"),
     N_("Installs the plugin package in DIR (admins): a directory with\n"
        "NAME.so, manifest and manifest.sig. Checked in order: the\n"
        "signature against a trusted, unrevoked key (exit 6), the payload's\n"
        "size and SHA-256 (exit 6), the abi (exit 5), and that the version\n"
        "never goes down (exit 6); then it is copied into the store's own\n"
        "directory. Audited.\n"),
     CLI_UNLOCK},
    {"list", plugin, "shenli plugin list [--json]",
     N_("list the installed plugins"),
     N_("Lists the installed plugins with version, abi, file, hash and the\n"
        "key that signed them. --json gives one JSON document.\n"),
     CLI_UNLOCK},
    {"remove", plugin, "shenli plugin remove NAME",
     N_("remove a plugin (admins; its version floor stays)"),
     N_("Removes an installed plugin (admins; audited). Its version floor\n"
        "stays: an older version cannot be installed later.\n"),
     CLI_UNLOCK},
    {"verify", plugin, "shenli plugin verify [NAME]",
     N_("load the installed plugins as the checks do"),
     N_("Loads the installed plugins (or only NAME) the way the checks do: a\n"
        "file changed since it was installed is refused (exit 6) and the\n"
        "refusal audited.\n"),
     CLI_UNLOCK},
};
const cli_group cli_plugin = {"plugin", plugin_subs, CLI_COUNT(plugin_subs),
                              NULL};

static const cli_sub rules_subs[] = {
    {"install", rules, "shenli rules install DIR",
     N_("install a signed rules package (admins)"),
     N_("Installs the rules package in DIR (admins): rules.json, manifest\n"
        "and manifest.sig, checked like a plugin. The rules carry the\n"
        "violation vocabulary, evidence requirements, review limits and\n"
        "sanction tables the checks use; the new ones replace those in\n"
        "force, and their version never goes down.\n"),
     CLI_UNLOCK},
    {"list", rules, "shenli rules list [--json]",
     N_("show the rules package in force"),
     N_("Shows the installed rules package with its version, hash and the\n"
        "key that signed it. --json gives one JSON document.\n"),
     CLI_UNLOCK},
};
const cli_group cli_rules = {"rules", rules_subs, CLI_COUNT(rules_subs), NULL};

static const cli_sub script_subs[] = {
    {"install", script, "shenli script install DIR",
     N_("install a signed consistency script (admins)"),
     N_("Installs the script package in DIR (admins): NAME.lua, manifest\n"
        "and manifest.sig, checked like a plugin. Every installed script\n"
        "must pass before a case is signed off.\n"),
     CLI_UNLOCK},
    {"list", script, "shenli script list [--json]",
     N_("list the installed scripts"),
     N_("Lists the installed scripts with version, file, hash and the key\n"
        "that signed them. --json gives one JSON document.\n"),
     CLI_UNLOCK},
    {"remove", script, "shenli script remove NAME",
     N_("remove a script (admins; its version floor stays)"),
     N_("Removes an installed script (admins; audited). Its version floor\n"
        "stays.\n"),
     CLI_UNLOCK},
    {"run", script_run, "shenli script run NAME ID [--json]",
     N_("dry-run one script on a case"),
     N_("Runs one installed script on a case, in the sandbox sign-off uses,\n"
        "and writes nothing. Exit 1 if it reports a blocker or fails.\n"),
     CLI_UNLOCK},
};
const cli_group cli_script = {"script", script_subs, CLI_COUNT(script_subs),
                              NULL};
