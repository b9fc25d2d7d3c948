/*
 * templates.h - which document template the documents use.
 *
 * A template is a signed package of kind "template" (pkgstore.h parses it
 * before it installs it). Which one is in force is what the audit log
 * says (registry.h), never the packages table alone:
 *   - no template package installed: none (the built-in applies,
 *     templates/default.json);
 *   - one installed: that one, whatever its name;
 *   - several: the one named "default"; if none of them is, documents are
 *     refused (SL_EINPUT) naming them all, rather than one being picked
 *     by an order nobody chose.
 * The template in force is used only on verified authority (issue 12):
 * an install entry an admin signed names its version and hash, the key
 * that signed the package is trusted and not revoked now, and the
 * installed bytes are those (plugin_host.h reads them through a sealed,
 * hashed copy). Otherwise the document is refused (SL_EINTEGRITY, audited
 * as template.refused) with a message naming the template: never made
 * with the built-in in its place, since an admin who installed a template
 * expects their 密级 marks and 版记 on every document.
 */
#ifndef SHENLI_TEMPLATES_H
#define SHENLI_TEMPLATES_H

#include "doctemplate.h"
#include "store.h"

/* The template in force: *out NULL (and SL_OK) if no template package is
 * installed; else the parsed template, to sl_doctemplate_free(). */
sl_rc sl_template_in_force(sl_store *s, sl_doctemplate **out);

#endif
