/* cmd_pkg.c - shenli plugin|script install|list|remove (the two groups are
 * the same shape), and plugin verify. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pkgstore.h"
#include "../plugin_host.h"
#include "../rules.h"
#include "../signoff.h"
#include "cli.h"

static const char PLUGIN_USAGE[] = N_(
    "usage: shenli plugin install DIR\n"
    "       shenli plugin list [--json]\n"
    "       shenli plugin remove NAME\n"
    "       shenli plugin verify [NAME]\n"
    "\n"
    "A plugin package is a directory with NAME.so, manifest and\n"
    "manifest.sig (spec/cli.md). install (admins) checks, in order, the\n"
    "signature against a trusted, unrevoked key (exit 6), the payload's\n"
    "size and SHA-256 (exit 6), the abi (exit 5) and that the version never\n"
    "goes down (exit 6), then copies it into the store's own directory.\n"
    "verify loads installed plugins the way checks do: a file changed since\n"
    "install is refused (exit 6) and the refusal audited.\n");

static const char RULES_USAGE[] =
    N_("usage: shenli rules install DIR\n"
       "       shenli rules list [--json]\n"
       "\n"
       "A rules package (rules.json, manifest, manifest.sig) carries the\n"
       "vocabulary, evidence requirements and sanction tables the checks use.\n"
       "Installing one (admins) replaces the rules in force; it is checked\n"
       "like a plugin, and its version never goes down.\n");

static const char SCRIPT_USAGE[] =
    N_("usage: shenli script install DIR\n"
       "       shenli script list [--json]\n"
       "       shenli script remove NAME\n"
       "       shenli script run NAME ID [--json]\n"
       "\n"
       "A script package is a directory with NAME.lua, manifest and\n"
       "manifest.sig, checked on install like a plugin. run dry-runs one\n"
       "installed script on a case, in the sandbox sign-off uses, and writes\n"
       "nothing; exit 1 if it reports a blocker or fails.\n");

static int print_pkg(const sl_pkg_info *p, void *ud)
{
	json_t *arr = ud;
	char hex[65];
	sl_hex(p->m.sha256, 32, hex);
	if (arr)
		json_array_append_new(
		    arr,
		    json_pack("{s:s, s:I, s:i, s:s, s:I, s:s, s:s}", "name",
		              p->m.name, "version", (json_int_t)p->m.version,
		              "abi", p->m.abi, "file", p->m.file, "size",
		              (json_int_t)p->m.size, "sha256", hex, "signer",
		              p->signer));
	else
		printf("%-16s v%-5lld abi %-3d %s  %.16s…  signed by %s\n",
		       p->m.name, p->m.version, p->m.abi, p->m.file, hex,
		       p->signer);
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
		fprintf(stderr, "shenli: %s\n", sl_errmsg());
		if (!c->rc)
			c->rc = rc;
		return 0;
	}
	printf(_("%s: intact (v%lld, loaded and answered as '%s')\n"),
	       p->m.name, p->m.version, sl_plugin_name(pl));
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
	const char *name = NULL, *id = NULL;
	int json = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--help")) {
			fputs(_(SCRIPT_USAGE), stdout);
			return SL_OK;
		} else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			return cli_usage_error(_(SCRIPT_USAGE),
			                       _("script run: unexpected '%s'"),
			                       argv[i]);
	}
	if (!id)
		return cli_usage_error(
		    _(SCRIPT_USAGE),
		    _("script run: give the script and the case"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	sl_gate_result r;
	rc = sl_script_dry_run(s, name, id, NULL, &r);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	if (json)
		cli_print_json(json_array_get(r.scripts, 0));
	else
		cli_print_gate(r.scripts, 1);
	int passed = r.passed;
	sl_gate_result_free(&r);
	return passed ? SL_OK : SL_FAIL;
}

static int pkg(int argc, char **argv, sl_cli *g, sl_pkg_kind kind)
{
	const char *use = kind == SL_PKG_PLUGIN  ? PLUGIN_USAGE
	                  : kind == SL_PKG_RULES ? RULES_USAGE
	                                         : SCRIPT_USAGE;
	if (argc < 2)
		return cli_usage_error(_(use), _("which subcommand?"));
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(_(use), stdout);
		return SL_OK;
	}
	if (kind == SL_PKG_SCRIPT && !strcmp(sub, "run"))
		return script_run(argc, argv, g);
	int json = 0;
	const char *arg = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !strcmp(sub, "list"))
			json = 1;
		else if (!strcmp(argv[i], "--help")) {
			fputs(_(use), stdout);
			return SL_OK;
		} else if (!arg && argv[i][0] != '-')
			arg = argv[i];
		else
			return cli_usage_error(_(use), _("unexpected '%s'"),
			                       argv[i]);
	}
	int install = !strcmp(sub, "install"), list = !strcmp(sub, "list"),
	    remove = !strcmp(sub, "remove") && kind != SL_PKG_RULES,
	    verify = !strcmp(sub, "verify") && kind == SL_PKG_PLUGIN;
	if (!install && !list && !remove && !verify)
		return cli_usage_error(_(use), _("unknown subcommand '%s'"),
		                       sub);
	if ((install || remove) ? !arg : (list && arg))
		return cli_usage_error(_(use), _("%s: wrong arguments"), sub);
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	json_t *arr = json ? json_array() : NULL;
	sl_pkg_info pi;
	struct verify_ctx vc = {s, arg, NULL, 0, SL_OK, 0};
	if (install) {
		rc = sl_pkg_install(s, arg, kind, &pi);
	} else if (remove) {
		rc = sl_pkg_remove(s, arg, kind);
	} else if (list) {
		rc = sl_pkg_list(s, kind, print_pkg, arr);
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
	if (!rc && arr) {
		cli_print_json(arr);
	}
	json_decref(arr);
	if (rc)
		return cli_fail(rc);
	if (install)
		printf(_("installed %s %s v%lld (signed by %s)\n"),
		       sl_pkg_kind_name(kind), pi.m.name, pi.m.version,
		       pi.signer);
	else if (remove)
		printf(_("removed %s %s (its version floor stays)\n"),
		       sl_pkg_kind_name(kind), arg);
	return SL_OK;
}

int cmd_plugin(int argc, char **argv, sl_cli *g)
{
	return pkg(argc, argv, g, SL_PKG_PLUGIN);
}

int cmd_script(int argc, char **argv, sl_cli *g)
{
	return pkg(argc, argv, g, SL_PKG_SCRIPT);
}

int cmd_rules(int argc, char **argv, sl_cli *g)
{
	return pkg(argc, argv, g, SL_PKG_RULES);
}
