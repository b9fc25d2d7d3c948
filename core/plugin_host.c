/* plugin_host.c - verified loading of review plugins. See plugin_host.h. */
#define _GNU_SOURCE
#include "plugin_host.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "crypto.h"
#include "doctemplate.h"
#include "registry.h"
#include "text.h"

struct sl_plugin {
	int memfd; /* the sealed copy, handed to the worker */
	char name[SL_PKG_NAME_MAX + 1];
};

/* Record a refused load in its own transaction, then return rc. */
static sl_rc refuse_as(sl_store *s, const char *action, const char *name,
                       sl_rc rc)
{
	char why[512];
	snprintf(why, sizeof why, "%s", sl_errmsg());
	if (!sl_tx_active(s) && sl_tx_begin(s) == SL_OK) {
		json_t *d = json_pack("{s:s}", "reason", why);
		if (sl_audit(s, action, name, d) != SL_OK ||
		    sl_tx_commit(s) != SL_OK)
			sl_tx_rollback(s);
		json_decref(d);
	}
	return sl_error(rc, "%s", why);
}

static sl_rc refuse(sl_store *s, const char *name, sl_rc rc)
{
	return refuse_as(s, "plugin.refused", name, rc);
}

/* Copy the file's bytes into a sealed memfd, hashing them on the way. */
static sl_rc sealed_copy(const char *path, const sl_manifest *m, int *memfd)
{
	const char *kind = sl_pkg_kind_said(m->kind);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		/* the machine short of descriptors or memory is no sign of a
		 * changed file: a system error, and no refusal in the log */
		return sl_error(
		    sl_errno_is_resource(errno) ? SL_ESYS : SL_EINTEGRITY,
		    _("%s %s: %s: %s"), kind, m->name, path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		return sl_error(SL_EINTEGRITY,
		                _("%s %s: %s is not a regular file owned by us "
		                  "and writable only by us"),
		                kind, m->name, path);
	}
	if (st.st_size != m->size) {
		close(fd);
		return sl_error(SL_EINTEGRITY,
		                _("%s %s: the installed file changed size "
		                  "(%lld bytes, installed %lld)"),
		                kind, m->name, (long long)st.st_size, m->size);
	}
	int mfd =
	    memfd_create("shenli-plugin", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		close(fd);
		return sl_error(SL_ESYS, _("memfd_create: %s"),
		                strerror(errno));
	}
	sl_rc rc = sl_package_copy_verified(fd, mfd, m, m->name, m->name);
	close(fd);
	if (rc == SL_EINTEGRITY)
		rc = sl_error(SL_EINTEGRITY,
		              _("%s %s: the installed file does not match the "
		                "hash recorded at install: it was changed"),
		              kind, m->name);
	/* F_SEAL_WRITE waits a while for the kernel's own transient holds
	 * on the pages (compaction, khugepaged) and then says EBUSY: under
	 * memory pressure, another short wait, not a failure (seen under
	 * ASan with transparent huge pages always on) */
	int sealed = -1;
	for (int tries = 0; !rc && sealed != 0 && tries < 20; tries++) {
		sealed = fcntl(mfd, F_ADD_SEALS,
		               F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
		                   F_SEAL_SEAL);
		if (sealed != 0 && errno != EBUSY)
			break;
		if (sealed != 0)
			nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
	}
	if (!rc && sealed != 0)
		rc = sl_error(SL_ESYS, _("sealing the plugin copy: %s"),
		              strerror(errno));
	if (rc) {
		close(mfd);
		return rc;
	}
	*memfd = mfd;
	return SL_OK;
}

/*
 * Code runs only on authority the log verified: an install entry signed by
 * an admin names this package, version and hash (registry.h); the key that
 * signed the package is trusted and not revoked now; and (below) the bytes
 * are those. A row in the packages table alone never makes code run.
 */
static sl_rc authorised(sl_store *s, const sl_pkg_info *pi, sl_pkg_kind kind)
{
	const sl_reg_pkg *rp = NULL;
	if (sl_store_unverified(s) || !sl_store_registry(s))
		return sl_error(SL_EINTEGRITY,
		                _("%s %s: the audit log did not verify, so no "
		                  "code runs"),
		                sl_pkg_kind_said(kind), pi->m.name);
	sl_rc rc = sl_registry_pkg_runnable(sl_store_registry(s), pi->m.name,
	                                    kind, &rp);
	if (rc)
		return rc;
	if (rp->m.version != pi->m.version || rp->m.size != pi->m.size ||
	    memcmp(rp->m.sha256, pi->m.sha256, SL_SHA256_LEN) ||
	    strcmp(rp->m.file, pi->m.file))
		return sl_error(SL_EINTEGRITY,
		                _("%s %s: not the version and hash an admin "
		                  "installed, as the audit log records it"),
		                sl_pkg_kind_said(kind), pi->m.name);
	return SL_OK;
}

sl_rc sl_plugin_load(sl_store *s, const sl_pkg_info *pi, sl_plugin **out)
{
	char path[PATH_MAX];
	sl_rc rc = authorised(s, pi, SL_PKG_PLUGIN);
	if (rc)
		return refuse(s, pi->m.name, rc);
	if ((rc = sl_pkg_path(s, &pi->m, path, sizeof path)))
		return rc;
	int mfd = -1;
	if ((rc = sealed_copy(path, &pi->m, &mfd)))
		return refuse(s, pi->m.name, rc);
	sl_plugin *p = calloc(1, sizeof *p);
	if (!p) {
		close(mfd);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	p->memfd = mfd;
	snprintf(p->name, sizeof p->name, "%s", pi->m.name);
	*out = p;
	return SL_OK;
}

const char *sl_plugin_name(const sl_plugin *p)
{
	return p->name;
}

void sl_plugin_unload(sl_plugin *p)
{
	if (!p)
		return;
	close(p->memfd);
	free(p);
}

sl_rc sl_plugins_start(sl_store *s, sl_plugin *const *v, size_t n,
                       const char *rules, size_t rules_len, sl_plugrun **out)
{
	/* the worker is this very executable image: /proc/self/exe names
	 * the file we run even if the path was replaced since we started */
	static const char exe[] = "/proc/self/exe";
	sl_plug_code *code = calloc(n ? n : 1, sizeof *code);
	if (!code)
		return sl_error(SL_ESYS, _("out of memory"));
	for (size_t i = 0; i < n; i++)
		code[i] = (sl_plug_code){v[i]->name, v[i]->memfd};
	size_t bad = 0;
	sl_rc rc = sl_plugrun_start(exe, code, n, rules, rules_len, out, &bad);
	free(code);
	if (rc == SL_EINPUT || rc == SL_EINTEGRITY)
		return refuse(s, v[bad]->name, rc);
	return rc;
}

/* A data package's payload (a script's source, a document template), read
 * the verified way: authorised by the log, then a sealed, hashed copy, so
 * that what is used is exactly what was hashed, whatever happens to the
 * file meanwhile. A refusal is audited as KIND.refused. */
static sl_rc data_load(sl_store *s, const sl_pkg_info *pi, sl_pkg_kind kind,
                       size_t max, char **src, size_t *len)
{
	const char *what = sl_pkg_kind_name(kind);
	char path[PATH_MAX], action[32];
	*src = NULL;
	*len = 0;
	snprintf(action, sizeof action, "%s.refused", what);
	sl_rc rc = sl_pkg_path(s, &pi->m, path, sizeof path);
	if (rc)
		return rc;
	if ((rc = authorised(s, pi, kind)))
		return refuse_as(s, action, pi->m.name, rc);
	if (pi->m.size < 0 || (size_t)pi->m.size > max)
		return sl_error(SL_EINTEGRITY, _("%s %s: larger than %zu KiB"),
		                sl_pkg_kind_said(kind), pi->m.name, max / 1024);
	int mfd = -1;
	if ((rc = sealed_copy(path, &pi->m, &mfd)))
		return refuse_as(s, action, pi->m.name, rc);
	size_t n = (size_t)pi->m.size;
	char *buf = malloc(n + 1);
	ssize_t got = buf ? pread(mfd, buf, n, 0) : -1;
	close(mfd);
	if (!buf || got != (ssize_t)n) {
		free(buf);
		return sl_error(SL_ESYS, _("%s %s: cannot read its copy"),
		                sl_pkg_kind_said(kind), pi->m.name);
	}
	buf[n] = 0;
	*src = buf;
	*len = n;
	return SL_OK;
}

sl_rc sl_pkg_check(sl_store *s, const sl_pkg_info *pi)
{
	char path[PATH_MAX];
	sl_rc rc = sl_pkg_path(s, &pi->m, path, sizeof path);
	int mfd = -1;
	/* the bytes only: the row is the log's (audit verify compared every
	 * table with it), and a package whose signer was since revoked is
	 * not runnable, but not tampered with either */
	if (!rc && !(rc = sealed_copy(path, &pi->m, &mfd)))
		close(mfd);
	return rc;
}

sl_rc sl_script_load(sl_store *s, const sl_pkg_info *pi, char **src,
                     size_t *len)
{
	return data_load(s, pi, SL_PKG_SCRIPT, SL_SCRIPT_MAX, src, len);
}

sl_rc sl_template_load(sl_store *s, const sl_pkg_info *pi, char **src,
                       size_t *len)
{
	return data_load(s, pi, SL_PKG_TEMPLATE, SL_TPL_MAX_BYTES, src, len);
}
