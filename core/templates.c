/* templates.c - the document template in force. See templates.h. */
#include "templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkgstore.h"
#include "plugin_host.h"
#include "registry.h"

#define NAMES_CAP 512 /* the names listed when the choice is ambiguous */

/* The template package in force by the rule of templates.h: *out NULL if
 * none is installed. */
static sl_rc choose(const sl_registry *g, const sl_reg_pkg **out)
{
	const sl_reg_pkg *only = NULL, *dflt = NULL;
	size_t n = 0;
	char names[NAMES_CAP] = "";
	*out = NULL;
	for (size_t i = 0; i < sl_registry_n_pkgs(g); i++) {
		const sl_reg_pkg *p = sl_registry_pkg_at(g, i);
		if (!p->installed || p->m.kind != SL_PKG_TEMPLATE)
			continue;
		size_t k = strlen(names);
		snprintf(names + k, sizeof names - k, "%s%s", n ? ", " : "",
		         p->m.name);
		only = p;
		n++;
		if (!strcmp(p->m.name, "default"))
			dflt = p;
	}
	if (n > 1 && !dflt)
		return sl_error(SL_EINPUT,
		                _("%zu document templates are installed (%s) "
		                  "and none is named 'default': name the one "
		                  "to use 'default', or remove the others"),
		                n, names);
	*out = dflt ? dflt : only;
	return SL_OK;
}

/* rc with a message that names the template and says that no document is
 * made in its place. */
static sl_rc refused(sl_rc rc, const char *name)
{
	char why[512]; /* sl_error formats into the buffer sl_errmsg reads */
	snprintf(why, sizeof why, "%s", sl_errmsg());
	return sl_error(rc,
	                _("the document template '%s' in force cannot be "
	                  "used, so no document is made: %s"),
	                name, why);
}

sl_rc sl_template_in_force(sl_store *s, sl_doctemplate **out)
{
	*out = NULL;
	const sl_registry *g = sl_store_registry(s);
	if (sl_store_unverified(s) || !g)
		return sl_error(SL_EINTEGRITY,
		                _("the audit log did not verify, so it cannot "
		                  "say which document template is in force"));
	const sl_reg_pkg *p;
	sl_rc rc = choose(g, &p);
	if (rc || !p)
		return rc;
	sl_pkg_info pi = {0};
	pi.m = p->m;
	snprintf(pi.signer, sizeof pi.signer, "%s", p->signer);
	char *buf;
	size_t len;
	if ((rc = sl_template_load(s, &pi, &buf, &len)))
		return refused(rc, pi.m.name);
	rc = sl_doctemplate_parse(buf, len, out);
	free(buf);
	/* it parsed when it was installed: only a stricter parser than that
	 * one can refuse it now, and the admin must install a new version */
	return rc ? refused(rc, pi.m.name) : SL_OK;
}
