/*
 * pkgstore.h - what the store trusts and what it has installed.
 *
 * Trust anchors are Ed25519 public keys an admin trusts (and may revoke).
 * A package (spec/cli.md) is installed only if, in this order: its manifest
 * is signed by a trusted, unrevoked key; its payload has the size and
 * SHA-256 the manifest says; its abi is the one this host speaks; and its
 * version is not below the highest version of that name ever installed
 * (the floor is kept after removal, so a removed package cannot come back
 * older; it is read again inside the install's transaction, so that of two
 * installs at once the older cannot commit after the newer). The version
 * in force comes again only with the same bytes (which mend its file); a
 * script is at most SL_SCRIPT_MAX bytes. The payload is then copied into
 * STORE.pkg/NAME/ (0700, owned by the store's user) and its hash recorded;
 * loading checks it again (plugin_host.h).
 */
#ifndef SHENLI_PKGSTORE_H
#define SHENLI_PKGSTORE_H

#include <shenli/ops_admin.h> /* the keys and packages operations */

#include "package.h"
#include "store.h"

/* The most a script may be, in bytes: install refuses more (exit 5), and
 * the host will not load more. */
#define SL_SCRIPT_MAX (1024 * 1024)

/* The public key in the PEM file at pem_path, and its id (SL_EINPUT,
 * naming the file, if it holds none). */
sl_rc sl_key_file_read(const char *pem_path, uint8_t raw[32], char id_out[17]);

/* The installed package of that name and kind (SL_EINPUT if none). */
sl_rc sl_pkg_get(sl_store *s, const char *name, sl_pkg_kind kind,
                 sl_pkg_info *out);
/* STORE.pkg/NAME@VERSION/FILE: where an installed payload lives. */
sl_rc sl_pkg_path(const sl_store *s, const sl_manifest *m, char *buf,
                  size_t cap);

/* The ABI numbers this host speaks, per kind. */
int sl_pkg_host_abi(sl_pkg_kind kind);

#endif
