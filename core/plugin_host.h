/*
 * plugin_host.h - loading a review plugin so that what runs is exactly
 * what was signed (and reading a script's or a document template's bytes
 * the same way).
 *
 * The installed payload (pkgstore.h) is opened with O_NOFOLLOW; it must be
 * a regular file owned by us and writable by no one else. Its bytes are
 * read once, hashed, and written into a sealed memfd (no write, grow or
 * shrink can ever happen to it); if the hash is not the one recorded at
 * install, the load is refused (SL_EINTEGRITY) and the refusal audited.
 * Otherwise the memfd is dlopen'ed through /proc/self/fd: the code mapped
 * is the code hashed, with no window in which to swap the file, even in
 * place. Then the plugin's ABI number is checked and its dispatch table
 * read (shenli/plugin.h); ids the host does not know are ignored.
 */
#ifndef SHENLI_PLUGIN_HOST_H
#define SHENLI_PLUGIN_HOST_H

#include <shenli/plugin.h>

#include "pkgstore.h"
#include "store.h"

typedef struct sl_plugin sl_plugin;

/* Load and open (with the rules document) an installed plugin. A plugin
 * whose open() returns NULL is loaded all the same but cannot run
 * (sl_plugin_usable 0): plugin.h promises a blocker naming it on every
 * case it should have checked, not a run that stops. */
sl_rc sl_plugin_load(sl_store *s, const sl_pkg_info *pi, const char *rules_json,
                     size_t rules_len, sl_plugin **out);
const char *sl_plugin_name(const sl_plugin *p);
int sl_plugin_usable(const sl_plugin *p);
/* Read an installed script's source the same verified way (a sealed copy
 * whose bytes are hashed and compared with the hash recorded at install;
 * SL_EINTEGRITY, audited as script.refused, if it was changed). *src is
 * NUL-terminated; free() it. */
#define SL_SCRIPT_MAX (1024 * 1024)
sl_rc sl_script_load(sl_store *s, const sl_pkg_info *pi, char **src,
                     size_t *len);
/* The same for an installed document template (at most doctemplate.h's
 * SL_TPL_MAX_BYTES; templates.h parses it), refusals audited as
 * template.refused. */
sl_rc sl_template_load(sl_store *s, const sl_pkg_info *pi, char **src,
                       size_t *len);

/* Run the check; SL_FAIL if the plugin says it could not run or cannot
 * run at all (its open() refused the rules). */
sl_rc sl_plugin_check(sl_plugin *p, const shenli_case *c, shenli_emitter *e,
                      shenli_emit_fn emit);
void sl_plugin_unload(sl_plugin *p);

#endif
