/* pkgstore.c - trust anchors and installed packages. See pkgstore.h. */
#define _GNU_SOURCE
#include "pkgstore.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "crypto.h"
#include "db.h"
#include "doctemplate.h"
#include "fsutil.h"
#include "guard.h"
#include "registry.h"
#include "rules.h"
#include "text.h"
#include <shenli/plugin.h>

int sl_pkg_host_abi(sl_pkg_kind kind)
{
	switch (kind) {
	case SL_PKG_PLUGIN: return SHENLI_PLUGIN_ABI;
	case SL_PKG_SCRIPT: return 1;   /* the script contract of spec/cli.md */
	case SL_PKG_RULES: return 1;    /* shenli.rules/1 */
	case SL_PKG_TEMPLATE: return 1; /* shenli.template/1 (doctemplate.h) */
	}
	return -1;
}

static sl_rc step_ok(sl_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SL_OK : sl_db_err(s, what);
}

/* ---- keys -------------------------------------------------------------- */

sl_rc sl_key_file_read(const char *pem_path, uint8_t raw[32], char id_out[17])
{
	char *pem;
	size_t len;
	sl_rc rc = sl_file_read(pem_path, 4096, &pem, &len);
	if (rc)
		return rc;
	rc = sl_pubkey_from_pem(pem, len, raw);
	free(pem);
	if (rc) {
		char safe[256], why[256];
		sl_text_sanitize(pem_path, safe, sizeof safe);
		snprintf(why, sizeof why, "%s", sl_errmsg()); /* its buffer */
		return sl_error(rc, "%s: %s", safe, why);
	}
	sl_key_id(raw, id_out);
	return SL_OK;
}

sl_rc sl_keys_trust(sl_store *s, const char *pem_path, const char *comment,
                    char id_out[17])
{
	sl_rc rc = sl_guard(s, SL_ACT_KEYS_MANAGE, pem_path);
	if (rc)
		return rc;
	uint8_t raw[32];
	if ((rc = sl_key_file_read(pem_path, raw, id_out)))
		return rc;
	char note[129];
	sl_text_sanitize(comment ? comment : "", note, sizeof note);
	const sl_reg_key *known = sl_registry_key(sl_store_registry(s), id_out);
	int revoked = known ? known->revoked : -1;
	sqlite3_stmt *st;
	if (revoked == 1)
		return sl_error(SL_EPERM,
		                _("key %s was revoked; a revoked key is never "
		                  "trusted again"),
		                id_out);
	if (revoked == 0)
		return sl_error(SL_EINPUT, _("key %s is already trusted"),
		                id_out);
	if ((rc = sl_tx_begin(s)))
		return rc;
	if (sl_db_prepare(s,
	                  "INSERT INTO trusted_keys(id, pubkey, comment)"
	                  " VALUES(?, ?, ?)",
	                  &st)) {
		rc = sl_db_err(s, _("trusting a key"));
		goto fail;
	}
	sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, raw, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
	if ((rc = step_ok(s, st, _("trusting a key"))))
		goto fail;
	char hex[65];
	sl_hex(raw, 32, hex);
	json_t *d = json_pack("{s:s, s:s}", "pubkey", hex, "comment", note);
	rc = sl_audit(s, "keys.trust", id_out, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

sl_rc sl_keys_revoke(sl_store *s, const char *id)
{
	sl_rc rc = sl_guard(s, SL_ACT_KEYS_MANAGE, id);
	if (rc)
		return rc;
	if ((rc = sl_tx_begin(s)))
		return rc;
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "UPDATE trusted_keys SET revoked = 1 WHERE id = ?"
	                  " AND revoked = 0",
	                  &st)) {
		rc = sl_db_err(s, _("revoking a key"));
		goto fail;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = step_ok(s, st, _("revoking a key"))))
		goto fail;
	if (sl_db_changes(s) != 1) {
		rc = sl_error(SL_EINPUT, _("no trusted key '%s'"), id);
		goto fail;
	}
	if ((rc = sl_audit(s, "keys.revoke", id, NULL)) ||
	    (rc = sl_tx_commit(s)))
		goto fail;
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

sl_rc sl_keys_list(sl_store *s, int (*cb)(const sl_key_info *k, void *ud),
                   void *ud)
{
	sl_rc rc = sl_guard(s, SL_ACT_KEYS_LIST, "keys");
	if (rc)
		return rc;
	const sl_registry *g = sl_store_registry(s);
	for (size_t i = 0; i < sl_registry_n_keys(g); i++) {
		const sl_reg_key *r = sl_registry_key_at(g, i);
		sl_key_info k = {0};
		snprintf(k.id, sizeof k.id, "%s", r->id);
		snprintf(k.comment, sizeof k.comment, "%s", r->comment);
		k.revoked = r->revoked;
		if (cb(&k, ud))
			break;
	}
	return SL_OK;
}

/* The keys a package may be signed with: trusted and not revoked, as the
 * log says. */
static sl_rc trusted(sl_store *s, sl_trusted_key **out, size_t *n)
{
	const sl_registry *g = sl_store_registry(s);
	*n = 0;
	*out = calloc(sl_registry_n_keys(g) + 1, sizeof **out);
	if (!*out)
		return sl_error(SL_ESYS, _("out of memory"));
	for (size_t i = 0; i < sl_registry_n_keys(g); i++) {
		const sl_reg_key *k = sl_registry_key_at(g, i);
		if (k->revoked)
			continue;
		memcpy((*out)[*n].raw, k->pub, 32);
		snprintf((*out)[*n].id, sizeof(*out)[*n].id, "%s", k->id);
		(*n)++;
	}
	return SL_OK;
}

/* ---- packages ------------------------------------------------------------ */

sl_rc sl_pkg_path(const sl_store *s, const sl_manifest *m, char *buf,
                  size_t cap)
{
	if (snprintf(buf, cap, "%s.pkg/%s@%lld/%s", sl_store_path(s), m->name,
	             m->version, m->file) >= (int)cap)
		return sl_error(SL_EINPUT, _("store path too long"));
	return SL_OK;
}

/* Copy src to dst (created 0400, O_EXCL) hashing what is copied: the bytes
 * installed are exactly the bytes whose hash the manifest signs, whatever
 * happens to src meanwhile. */
static sl_rc copy_verified(const char *src, const char *dst,
                           const sl_manifest *m)
{
	int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return sl_error(SL_EINTEGRITY, _("%s: %s"), src,
		                strerror(errno));
	int out = open(
	    dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (out < 0) {
		int e = errno;
		close(in);
		return sl_error(SL_ESYS, _("%s: %s"), dst, strerror(e));
	}
	sl_rc rc = sl_package_copy_verified(in, out, m, src, dst);
	if (!rc && fsync(out) != 0)
		rc = sl_error(SL_ESYS, _("%s: fsync failed"), dst);
	close(in);
	close(out);
	if (rc)
		unlink(dst);
	return rc;
}

static long long floor_of(sl_store *s, const char *name)
{
	const sl_reg_pkg *p = sl_registry_pkg(sl_store_registry(s), name);
	return p ? p->floor : 0;
}

/* The floor as committed, read inside the install's own transaction. The
 * registry is this command's view from its unlock: another install of a
 * higher version may have committed since (two admins, two terminals), and
 * an install checked only against the registry would then write a
 * rollback into the log, which every later unlock refuses. The higher of
 * the two holds (the table alone could only have been lowered behind the
 * log's back; the log's floor is the registry's). */
static sl_rc floor_in_tx(sl_store *s, const char *name, long long *floor)
{
	sqlite3_stmt *st;
	if (sl_db_prepare(s,
	                  "SELECT max_version FROM package_floor WHERE"
	                  " name = ?",
	                  &st))
		return sl_db_err(s, _("installing"));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_int64(st, 0) > *floor)
		*floor = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE
	           ? SL_OK
	           : sl_db_err(s, _("installing"));
}

static sl_rc rollback_refused(const sl_manifest *m, long long floor)
{
	return sl_error(SL_EINTEGRITY,
	                _("%s version %lld is older than version %lld, "
	                  "installed before: a rollback is refused"),
	                m->name, m->version, floor);
}

static const char *act_name(sl_pkg_kind kind, const char *verb)
{
	static char buf[32];
	snprintf(buf, sizeof buf, "%s.%s", sl_pkg_kind_name(kind), verb);
	return buf;
}

/* The rows of an install and its entry, inside the caller's transaction:
 * the package, its floor (never lowered), and kind.install. */
static sl_rc record(sl_store *s, const sl_pkg_info *pi, long long floor)
{
	sqlite3_stmt *st;
	sl_rc rc;
	if (sl_db_prepare(s,
	                  "INSERT OR REPLACE INTO packages(name, kind,"
	                  " version, abi, file, size, sha256, signer)"
	                  " VALUES(?,?,?,?,?,?,?,?)",
	                  &st))
		return sl_db_err(s, _("installing"));
	sqlite3_bind_text(st, 1, pi->m.name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sl_pkg_kind_name(pi->m.kind), -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, pi->m.version);
	sqlite3_bind_int(st, 4, pi->m.abi);
	sqlite3_bind_text(st, 5, pi->m.file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, pi->m.size);
	sqlite3_bind_blob(st, 7, pi->m.sha256, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, pi->signer, -1, SQLITE_STATIC);
	if ((rc = step_ok(s, st, _("installing"))))
		return rc;
	if (sl_db_prepare(s,
	                  "INSERT OR REPLACE INTO package_floor(name,"
	                  " max_version) VALUES(?, ?)",
	                  &st))
		return sl_db_err(s, _("installing"));
	sqlite3_bind_text(st, 1, pi->m.name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2,
	                   pi->m.version > floor ? pi->m.version : floor);
	if ((rc = step_ok(s, st, _("installing"))))
		return rc;
	char hex[65];
	sl_hex(pi->m.sha256, 32, hex);
	json_t *d =
	    json_pack("{s:I, s:i, s:s, s:I, s:s, s:s}", "version",
	              (json_int_t)pi->m.version, "abi", pi->m.abi, "file",
	              pi->m.file, "size", (json_int_t)pi->m.size, "sha256", hex,
	              "signer", pi->signer);
	rc = sl_audit(s, act_name(pi->m.kind, "install"), pi->m.name, d);
	json_decref(d);
	return rc;
}

/* A template package is data the documents will print: it must be a
 * document template the parser accepts (bounded, every key known, every
 * string clean). Checked before anything is written, on bytes read once
 * and matched against the signed size and hash: the copy installed later
 * is matched against the same hash, so what was parsed is what is kept.
 * Nothing in it runs; the renderers escape its strings. */
static sl_rc template_ok(const char *src, const sl_manifest *m)
{
	if (m->size > SL_TPL_MAX_BYTES)
		return sl_error(SL_EINPUT, _("template %s: larger than %d KiB"),
		                m->name, SL_TPL_MAX_BYTES / 1024);
	int fd = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sl_error(SL_EINTEGRITY, _("%s: %s"), src,
		                strerror(errno));
	char *buf;
	size_t len;
	sl_rc rc = sl_fd_read(fd, src, SL_TPL_MAX_BYTES, &buf, &len);
	close(fd);
	if (rc)
		return rc;
	uint8_t sha[SL_SHA256_LEN];
	if (len != (size_t)m->size || sl_sha256(buf, len, sha) ||
	    memcmp(sha, m->sha256, SL_SHA256_LEN)) {
		free(buf);
		return sl_error(SL_EINTEGRITY,
		                _("%s: not the size and SHA-256 the manifest "
		                  "signs"),
		                src);
	}
	sl_doctemplate *t = NULL;
	rc = sl_doctemplate_parse(buf, len, &t);
	free(buf);
	sl_doctemplate_free(t);
	if (!rc)
		return SL_OK;
	char why[512]; /* sl_error formats into the buffer sl_errmsg reads */
	snprintf(why, sizeof why, "%s", sl_errmsg());
	return sl_error(SL_EINPUT,
	                _("template %s is not a document template: %s"),
	                m->name, why);
}

/* The payload of dir into STORE.pkg/NAME@VERSION/ (vdir, ours and
 * private) as dst, hashed as it is copied. same: the version in force
 * again, with its own bytes: copied beside the file in force, then put in
 * its place at once (which mends a file lost or damaged since); at no
 * instant is there no file, or another's bytes, under the name the log
 * gives. */
static sl_rc place(sl_store *s, const char *dir, const sl_manifest *m, int same,
                   char vdir[PATH_MAX], char dst[PATH_MAX])
{
	char top[PATH_MAX], src[PATH_MAX];
	sl_rc rc;
	if (snprintf(src, sizeof src, "%s/%s", dir, m->file) >= (int)sizeof src)
		return sl_error(SL_EINPUT, _("path too long"));
	if (m->kind == SL_PKG_TEMPLATE && (rc = template_ok(src, m)))
		return rc;
	snprintf(top, sizeof top, "%s.pkg", sl_store_path(s));
	if ((rc = sl_dir_ensure(top, 0700)) ||
	    (rc = sl_pkg_path(s, m, dst, PATH_MAX)))
		return rc;
	snprintf(vdir, PATH_MAX, "%s.pkg/%s@%lld", sl_store_path(s), m->name,
	         m->version);
	if ((rc = sl_dir_ensure(vdir, 0700)))
		return rc;
	if (!same) {
		unlink(dst); /* an unfinished install of this version: not in
		                force, nothing names it */
		return copy_verified(src, dst, m);
	}
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.new", dst) >= (int)sizeof tmp)
		return sl_error(SL_EINPUT, _("path too long"));
	unlink(tmp);
	if ((rc = copy_verified(src, tmp, m)))
		return rc;
	if (rename(tmp, dst) != 0) {
		rc = sl_error(SL_ESYS, _("%s: %s"), dst, strerror(errno));
		unlink(tmp);
	}
	return rc;
}

sl_rc sl_pkg_install(sl_store *s, const char *dir, sl_pkg_kind kind,
                     sl_pkg_info *out)
{
	sl_rc rc = sl_guard(s, SL_ACT_PKG_INSTALL, dir);
	if (rc)
		return rc;
	sl_trusted_key *keys;
	size_t nkeys;
	if ((rc = trusted(s, &keys, &nkeys)))
		return rc;
	sl_pkg_info pi = {0};
	rc = sl_package_verify(dir, keys, nkeys, &pi.m, pi.signer);
	free(keys);
	if (rc)
		return rc;
	if (pi.m.kind != kind)
		return sl_error(SL_EINPUT, _("%s is a %s package, not a %s"),
		                dir, sl_pkg_kind_said(pi.m.kind),
		                sl_pkg_kind_said(kind));
	if (pi.m.abi != sl_pkg_host_abi(kind))
		return sl_error(
		    SL_EINPUT,
		    _("%s: abi %d, but this shenli speaks %s abi %d"),
		    pi.m.name, pi.m.abi, sl_pkg_kind_said(kind),
		    sl_pkg_host_abi(kind));
	long long floor = floor_of(s, pi.m.name);
	const sl_reg_pkg *other =
	    sl_registry_pkg(sl_store_registry(s), pi.m.name);
	if (other && other->installed && other->m.kind != kind)
		return sl_error(SL_EINPUT,
		                _("%s: a %s of that name is installed"),
		                pi.m.name, sl_pkg_kind_said(other->m.kind));
	if (pi.m.version < floor)
		return rollback_refused(&pi.m, floor);
	/* The version in force, again: the same bytes are installed again
	 * over their own file, which stays; other bytes under the same number
	 * would replace the file in force before the log says so (and a
	 * failure would leave neither), and a version only ever rises. */
	int same = other && other->installed && other->m.kind == kind &&
	           other->m.version == pi.m.version;
	if (same && memcmp(other->m.sha256, pi.m.sha256, SL_SHA256_LEN))
		return sl_error(SL_EINTEGRITY,
		                _("%s version %lld is installed, with other "
		                  "bytes: a changed package needs a higher "
		                  "version"),
		                pi.m.name, pi.m.version);
	if (kind == SL_PKG_SCRIPT &&
	    (pi.m.size < 0 || pi.m.size > SL_SCRIPT_MAX))
		return sl_error(SL_EINPUT,
		                _("script %s: larger than %d KiB, the most a "
		                  "script may be"),
		                pi.m.name, SL_SCRIPT_MAX / 1024);

	char vdir[PATH_MAX], dst[PATH_MAX];
	vdir[0] = 0;
	if ((rc = place(s, dir, &pi.m, same, vdir, dst))) {
		/* the version's directory, if this made it and nothing is
		 * in it (rmdir removes only an empty one) */
		if (!same && vdir[0])
			rmdir(vdir);
		return rc;
	}

	/* A rules package replaces the rules in force, in the same
	 * transaction; its document is read back from the verified copy. */
	char *rules = NULL;
	size_t rules_len = 0;
	if (kind == SL_PKG_RULES &&
	    (rc = sl_file_read(dst, SL_RULES_MAX_BYTES, &rules, &rules_len)))
		goto unfile;
	if ((rc = sl_tx_begin(s)))
		goto unfile;
	if ((rc = floor_in_tx(s, pi.m.name, &floor)))
		goto rollback;
	if (pi.m.version < floor) {
		rc = rollback_refused(&pi.m, floor);
		goto rollback;
	}
	if ((rc = record(s, &pi, floor)))
		goto rollback;
	/* the package first, then the rules it carries in force: replay
	 * accepts rules only from a package installed before them */
	if (rules && (rc = sl_rules_install(s, rules, rules_len)))
		goto rollback;
	if ((rc = sl_tx_commit(s)))
		goto rollback;
	free(rules);
	if (out)
		*out = pi;
	return SL_OK;
rollback:
	sl_tx_rollback(s);
unfile:
	free(rules);
	if (!same) { /* the file in force is never the one removed */
		unlink(dst);
		rmdir(vdir);
	}
	return rc;
}

/* An installed package as the log says it is. */
static sl_rc get(sl_store *s, const char *name, sl_pkg_kind kind,
                 sl_pkg_info *out)
{
	const sl_reg_pkg *p = sl_registry_pkg(sl_store_registry(s), name);
	if (!p || !p->installed || p->m.kind != kind)
		return sl_error(SL_EINPUT, _("no %s '%s' is installed"),
		                sl_pkg_kind_said(kind), name);
	memset(out, 0, sizeof *out);
	out->m = p->m;
	snprintf(out->signer, sizeof out->signer, "%s", p->signer);
	return SL_OK;
}

sl_rc sl_pkg_get(sl_store *s, const char *name, sl_pkg_kind kind,
                 sl_pkg_info *out)
{
	return get(s, name, kind, out);
}

sl_rc sl_pkg_remove(sl_store *s, const char *name, sl_pkg_kind kind)
{
	sl_rc rc = sl_guard(s, SL_ACT_PKG_INSTALL, name);
	if (rc)
		return rc;
	sl_pkg_info pi;
	if ((rc = get(s, name, kind, &pi)))
		return rc;
	if ((rc = sl_tx_begin(s)))
		return rc;
	sqlite3_stmt *st;
	if (sl_db_prepare(s, "DELETE FROM packages WHERE name = ?", &st)) {
		rc = sl_db_err(s, _("removing"));
		goto fail;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = step_ok(s, st, _("removing"))))
		goto fail;
	json_t *d = json_pack("{s:I}", "version", (json_int_t)pi.m.version);
	rc = sl_audit(s, act_name(kind, "remove"), name, d);
	json_decref(d);
	if (rc || (rc = sl_tx_commit(s)))
		goto fail;
	/* the floor stays; the files go (best effort: the row is what counts)
	 */
	char path[PATH_MAX];
	if (sl_pkg_path(s, &pi.m, path, sizeof path) == SL_OK) {
		unlink(path);
		char *slash = strrchr(path, '/');
		if (slash) {
			*slash = 0;
			rmdir(path);
		}
	}
	return SL_OK;
fail:
	sl_tx_rollback(s);
	return rc;
}

sl_rc sl_pkg_list(sl_store *s, sl_pkg_kind kind,
                  int (*cb)(const sl_pkg_info *p, void *ud), void *ud)
{
	sl_rc rc = sl_guard(s, SL_ACT_PKG_LIST, "packages");
	if (rc)
		return rc;
	const sl_registry *g = sl_store_registry(s);
	/* the rules in force are the document of the last rules package
	 * installed (rules.set): the package whose payload hashes to it */
	int64_t rv;
	uint8_t rsha[SL_SHA256_LEN];
	int have_rules = sl_registry_rules(g, &rv, rsha);
	for (size_t i = 0; i < sl_registry_n_pkgs(g); i++) {
		const sl_reg_pkg *p = sl_registry_pkg_at(g, i);
		if (!p->installed || p->m.kind != kind)
			continue;
		sl_pkg_info pi = {0};
		pi.m = p->m;
		pi.in_force = kind == SL_PKG_RULES && have_rules &&
		              !memcmp(rsha, p->m.sha256, SL_SHA256_LEN);
		snprintf(pi.signer, sizeof pi.signer, "%s", p->signer);
		if (cb(&pi, ud))
			break;
	}
	return SL_OK;
}
