/*
 * plugin_host.h - a review plugin's bytes, exactly as signed, for the
 * plugin worker (plugworker.h) to run; and a script's or a document
 * template's bytes read the same way.
 *
 * The installed payload (pkgstore.h) is opened with O_NOFOLLOW; it must be
 * a regular file owned by us and writable by no one else. Its bytes are
 * read once, hashed, and written into a sealed memfd (no write, grow or
 * shrink can ever happen to it); if the hash is not the one recorded at
 * install, the load is refused (SL_EINTEGRITY) and the refusal audited.
 * The memfd is what the worker dlopen()s: the code mapped is the code
 * hashed, with no window in which to swap the file, even in place. This
 * process never maps a plugin: the worker checks its ABI number and its
 * dispatch table, and runs it confined, away from the keys.
 */
#ifndef SHENLI_PLUGIN_HOST_H
#define SHENLI_PLUGIN_HOST_H

#include <shenli/plugin.h>

#include "pkgstore.h"
#include "plugworker.h"
#include "store.h"

typedef struct sl_plugin sl_plugin;

/* Check an installed plugin's authority (the log) and bytes (the hash),
 * into a sealed copy. Refusals are audited as plugin.refused. */
sl_rc sl_plugin_load(sl_store *s, const sl_pkg_info *pi, sl_plugin **out);
const char *sl_plugin_name(const sl_plugin *p);
void sl_plugin_unload(sl_plugin *p);

/* Start the plugin worker for v[0..n-1] with the rules document in force
 * (plugworker.h). A plugin the worker refuses (another ABI, not the
 * plugin its manifest names) is audited as plugin.refused and refuses
 * the start. A plugin whose open() refuses the rules is loaded all the
 * same but cannot run (sl_plugrun_usable 0): plugin.h promises a blocker
 * naming it on every case it should have checked, not a run that stops. */
sl_rc sl_plugins_start(sl_store *s, sl_plugin *const *v, size_t n,
                       const char *rules, size_t rules_len, sl_plugrun **out);

/* Check an installed package's bytes, of any kind, against the hash
 * recorded at install, without loading it or auditing anything (audit
 * verify: a file changed under the store is tampering, SL_EINTEGRITY
 * naming it). */
sl_rc sl_pkg_check(sl_store *s, const sl_pkg_info *pi);

/* Read an installed script's source the same verified way (a sealed copy
 * whose bytes are hashed and compared with the hash recorded at install;
 * SL_EINTEGRITY, audited as script.refused, if it was changed). *src is
 * NUL-terminated; free() it. At most SL_SCRIPT_MAX bytes (pkgstore.h). */
sl_rc sl_script_load(sl_store *s, const sl_pkg_info *pi, char **src,
                     size_t *len);
/* The same for an installed document template (at most doctemplate.h's
 * SL_TPL_MAX_BYTES; templates.h parses it), refusals audited as
 * template.refused. */
sl_rc sl_template_load(sl_store *s, const sl_pkg_info *pi, char **src,
                       size_t *len);

#endif
