/* cmd_pkg.c - shenli plugin|script|template install|list|remove (the three
 * groups are the same shape), rules install|list, and plugin verify. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include <shenli/ops.h>

/* "plugin", "script", "rules", "template" in the user's language */
static const char *kind_label(sl_pkg_kind kind)
{
	return sl_pkg_kind_said(kind);
}

static int pkg_install(sl_cli *g, sl_pkg_kind kind, const char *dir)
{
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_pkg_info pi;
	sl_rc r = sl_pkg_install(s, dir, kind, &pi);
	if (r)
		return cli_fail(r);
	printf(_("installed %s %s v%lld (signed by %s)\n"), kind_label(kind),
	       cli_txt(pi.m.name), pi.m.version, cli_txt(pi.signer));
	return SL_OK;
}

static int pkg_remove(sl_cli *g, sl_pkg_kind kind, const char *name)
{
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_rc r = sl_pkg_remove(s, name, kind);
	if (r)
		return cli_fail(r);
	printf(_("removed %s %s (its version floor stays)\n"), kind_label(kind),
	       cli_txt(name));
	return SL_OK;
}

struct list_ctx {
	cli_json_array *arr; /* --json: streamed */
	cli_table *t;
};

static int print_pkg(const sl_pkg_info *p, void *ud)
{
	struct list_ctx *c = ud;
	if (c->arr) {
		cli_json_array_add(c->arr, sl_pkg_json(p));
		return 0;
	}
	char ver[32], abi[16], hex[65];
	snprintf(ver, sizeof ver, "%lld", p->m.version);
	snprintf(abi, sizeof abi, "%d", p->m.abi);
	sl_hex(p->m.sha256, 32, hex);
	memcpy(hex + 16, "\xE2\x80\xA6", 4); /* the first 16 digits and "…" */
	cli_table_add(c->t, p->m.name);
	cli_table_add(c->t, ver);
	cli_table_add(c->t, abi);
	cli_table_add(c->t, p->m.file);
	cli_table_add(c->t, hex);
	cli_table_add(c->t, p->signer);
	if (p->m.kind == SL_PKG_RULES)
		cli_table_add(c->t, p->in_force ? _("in force") : "");
	return 0;
}

static int pkg_list(sl_cli *g, sl_pkg_kind kind, int json)
{
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	cli_json_array arr = {0};
	struct list_ctx ctx = {json ? &arr : NULL, NULL};
	if (!json && kind == SL_PKG_RULES) /* which of them is in force */
		ctx.t = cli_table_new(7, _("NAME"), _("VERSION"), _("ABI"),
		                      _("FILE"), _("SHA-256"), _("SIGNED BY"),
		                      _("IN FORCE"));
	else if (!json)
		ctx.t = cli_table_new(6, _("NAME"), _("VERSION"), _("ABI"),
		                      _("FILE"), _("SHA-256"), _("SIGNED BY"));
	sl_rc r = sl_pkg_list(s, kind, print_pkg, &ctx);
	if (!r && json)
		cli_json_array_end(&arr);
	if (!r && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	return r ? cli_fail(r) : SL_OK;
}

/* A plugin's verdict as it comes: refusals on stderr, one a line. */
static int print_verified(const sl_plugin_verify_row *r, void *ud)
{
	(void)ud;
	if (r->rc)
		fprintf(stderr, _("shenli: %s\n"), cli_txt(r->error));
	else
		printf(_("%s: intact (v%lld, loaded and answered as '%s')\n"),
		       cli_txt(r->pkg->m.name), r->pkg->m.version,
		       cli_txt(r->answered));
	return 0;
}

static int plugin_verify(sl_cli *g, const char *name)
{
	int rc;
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_rc r = sl_plugin_verify(s, name, print_verified, NULL);
	return r ? cli_fail(r) : SL_OK;
}

static int script_run(int argc, char **argv, sl_cli *g)
{
	int json, rc0 = cli_json_args(argc, argv, NULL, "script run", &json);
	if (rc0)
		return rc0 < 0 ? SL_OK : rc0;
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

/* install, list, remove and verify for the four kinds: argv[0] is the
 * subcommand, which the group's table has already checked (each kind is
 * offered only its own). */
static int pkg(int argc, char **argv, sl_cli *g, sl_pkg_kind kind)
{
	static const struct option list_opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	static const struct option opts[] = {
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *sub = argv[0], *what = sl_pkg_kind_name(kind);
	int list = !strcmp(sub, "list"), install = !strcmp(sub, "install"),
	    remove = !strcmp(sub, "remove"), json = 0, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", list ? list_opts : opts,
	                        NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default:
			return cli_bad_option(NULL, NULL, argc, argv,
			                      list ? list_opts : opts);
		}
	}
	if (argc - optind > 1)
		return cli_usage(_("%s %s: unexpected '%s'"), what, sub,
		                 argv[optind + 1]);
	const char *arg = optind < argc ? argv[optind] : NULL;
	if ((install || remove) ? !arg : (list && arg))
		return cli_usage(_("%s %s: wrong arguments"), what, sub);
	if (install)
		return pkg_install(g, kind, arg);
	if (remove)
		return pkg_remove(g, kind, arg);
	if (list)
		return pkg_list(g, kind, json);
	return plugin_verify(g, arg); /* what is not the others is verify */
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

/* rules show: what an opinion may say under the rules in force. */
static void print_names(const char *what, const json_t *a, const char *k)
{
	printf("%s:", what);
	size_t i;
	const json_t *e;
	json_array_foreach(a, i, e)
	{
		const char *code = k ? json_string_value(json_object_get(e, k))
		                     : json_string_value(e);
		const char *zh = json_string_value(json_object_get(e, "zh"));
		printf(" %s%s%s%s", i ? "| " : "", code ? code : "",
		       zh ? " " : "", zh ? zh : "");
	}
	printf("\n");
}

static int rules_show(int argc, char **argv, sl_cli *g)
{
	int json, rc = cli_json_args(argc, argv, NULL, "rules show", &json);
	if (rc)
		return rc < 0 ? SL_OK : rc;
	if (optind < argc)
		return cli_usage(_("rules show: unexpected '%s'"),
		                 argv[optind]);
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	json_t *v;
	if ((rc = sl_opinion_vocab(s, &v)))
		return cli_fail(rc);
	if (json) {
		cli_print_json(v);
	} else {
		print_names(_("disciplines"), json_object_get(v, "disciplines"),
		            "code");
		json_t *forms = json_object_get(v, "forms"), *f;
		size_t i;
		printf("%s:", _("forms"));
		json_array_foreach(forms, i, f) printf(
		    " %s%lld %s", i ? "| " : "",
		    (long long)json_integer_value(json_object_get(f, "form")),
		    json_string_value(json_object_get(f, "zh")));
		printf("\n");
		print_names(_("party sanctions"),
		            json_object_get(v, "party_sanctions"), NULL);
		print_names(_("government sanctions"),
		            json_object_get(v, "gov_sanctions"), NULL);
		print_names(_("circumstances"),
		            json_object_get(v, "circumstances"), "code");
	}
	json_decref(v);
	return SL_OK;
}

static int template(int argc, char **argv, sl_cli *g)
{
	return pkg(argc, argv, g, SL_PKG_TEMPLATE);
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
     N_("show the rules packages, and which is in force"),
     N_("Shows the installed rules packages with their version, hash and the\n"
        "key that signed each, and marks the one in force (the last\n"
        "installed). --json gives one JSON document, \"in_force\" on each.\n"),
     CLI_UNLOCK},
    {"show", rules_show, "shenli rules show [--json]",
     N_("the values an opinion may take under the rules"),
     N_("Lists what an opinion may say under the rules in force: the six\n"
        "disciplines, the four forms, the party and government sanctions and\n"
        "the circumstances, each by code and Chinese name. --json gives one\n"
        "JSON document (the workbench's opinion form is made from it).\n"),
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

static const cli_sub template_subs[] = {
    {"install", template, "shenli template install DIR",
     N_("install a signed document template (admins)"),
     N_("Installs the template package in DIR (admins): a template JSON\n"
        "file (shenli.template/1: agency and panel names, 密级, 紧急程度,\n"
        "发文字号, 主送 and 版记 of each document), manifest and\n"
        "manifest.sig, checked like a plugin. It is data only: a file that\n"
        "is not a valid template is refused (exit 5) and nothing is\n"
        "written. The report, the return letter and the review opinion use\n"
        "the template in force: the only one installed, or among several\n"
        "the one named 'default'. A template whose file changed or whose\n"
        "key was revoked refuses every document (exit 6) until it is\n"
        "removed or installed again.\n"),
     CLI_UNLOCK},
    {"list", template, "shenli template list [--json]",
     N_("list the installed document templates"),
     N_("Lists the installed templates with version, file, hash and the key\n"
        "that signed them. --json gives one JSON document.\n"),
     CLI_UNLOCK},
    {"remove", template, "shenli template remove NAME",
     N_("remove a document template (admins; its version floor stays)"),
     N_("Removes an installed template (admins; audited); without one the\n"
        "documents use the built-in template again. Its version floor\n"
        "stays.\n"),
     CLI_UNLOCK},
};
const cli_group cli_template = {"template", template_subs,
                                CLI_COUNT(template_subs), NULL};
