/*
 * package.h - signed packages (plugins, scripts, rules): the verification
 * core of spec/cli.md "Signed packages". No store dependency: trust
 * (which keys, which are revoked) and policy (abi, kind, rollback) belong
 * to the caller; this module only answers "did a trusted key sign exactly
 * these bytes, and is the payload the one the manifest names?".
 *
 * A package is a directory holding
 *     manifest      key=value lines (see sl_manifest_parse)
 *     manifest.sig  the raw 64-byte Ed25519 signature of manifest's bytes
 *     <file>        the payload the manifest names
 * so that an admin can sign on an offline machine with stock OpenSSL:
 *     openssl pkeyutl -sign -rawin -inkey admin.key -in manifest \
 *             -out manifest.sig
 *
 * Verification is of the files as they were when read. A caller that
 * installs a package must therefore re-check the hash on the copy it
 * keeps (or verify a copy only it can write), never trust a second read of
 * the original.
 */
#ifndef SHENLI_PACKAGE_H
#define SHENLI_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include <shenli/ops_admin.h> /* sl_pkg_kind, sl_manifest, the bounds */

#include "crypto.h"
#include "err.h"

#define SL_PKG_MAX_MANIFEST 4096
#define SL_PKG_MAX_PAYLOAD (64u << 20)
#define SL_PKG_MAX_PUBKEY_PEM 4096
#define SL_KEY_ID_LEN 16 /* hex chars, without the NUL */

/*
 * Parse manifest text: '\n'-terminated key=value lines (the last newline
 * optional), keys exactly name, kind, version, abi, file, size, sha256, each
 * exactly once, in any order. Unknown keys, duplicates, missing keys, empty
 * lines, spaces around '=', CR, NUL, non-canonical numbers (sign, leading
 * zero), upper-case hex and anything over SL_PKG_MAX_MANIFEST bytes are
 * refused: SL_EINPUT, with a message naming the line and key. *out is
 * written only on success.
 */
sl_rc sl_manifest_parse(const char *buf, size_t len, sl_manifest *out);

/*
 * Ed25519 public keys. from_pem takes one PEM "PUBLIC KEY" block (as written
 * by `openssl pkey -pubout`) of at most SL_PKG_MAX_PUBKEY_PEM bytes, with
 * nothing but white space around it; SL_EINPUT if it is anything else (an
 * RSA or EC key, a private key, two keys, garbage).
 */
sl_rc sl_pubkey_from_pem(const char *pem, size_t len, uint8_t raw[32]);
/* *pem_out is malloc'ed and NUL-terminated; *len_out excludes the NUL. */
sl_rc sl_pubkey_to_pem(const uint8_t raw[32], char **pem_out, size_t *len_out);
/* Lower-case hex of the first 8 bytes of SHA-256(raw): 16 chars + NUL. */
void sl_key_id(const uint8_t raw[32], char id[SL_KEY_ID_LEN + 1]);

typedef struct {
	uint8_t raw[32];
	char id[SL_KEY_ID_LEN + 1]; /* sl_key_id(raw); informational here */
} sl_trusted_key;

/*
 * Verify the package in dir against keys (trusted and unrevoked: a revoked
 * key is simply left out). Checks, in this order, stopping at the first
 * failure:
 *   1. dir/manifest: a regular file (not a symlink), at most
 *      SL_PKG_MAX_MANIFEST bytes            - missing/too big: SL_EINPUT,
 *                                             symlink/not regular:
 *                                             SL_EINTEGRITY
 *   2. dir/manifest.sig: regular, exactly 64 bytes, and some key in keys
 *      verifies it over manifest's exact bytes - SL_EINTEGRITY
 *   3. the manifest's syntax                - SL_EINPUT
 *   4. dir/<file>: regular (not a symlink), size as stated, SHA-256 as
 *      stated (streamed)                    - SL_EINTEGRITY
 * I/O failures are SL_ESYS. abi, kind and version policy is the caller's.
 * On success fills *m and signer_id with sl_key_id() of the key that
 * verified; on failure *m is zeroed and signer_id is "". Either may be
 * NULL.
 */
sl_rc sl_package_verify(const char *dir, const sl_trusted_key *keys,
                        size_t n_keys, sl_manifest *m,
                        char signer_id[SL_KEY_ID_LEN + 1]);

/*
 * Make a package: hash dir/file (which must already be there), write
 * dir/manifest and dir/manifest.sig, signed with the Ed25519 private key in
 * the PEM file at private_key_pem_path (as from `openssl genpkey -algorithm
 * ed25519`). The arguments are checked as the verifier would check them.
 */
sl_rc sl_package_sign(const char *dir, const char *name, sl_pkg_kind kind,
                      long long version, int abi, const char *file,
                      const char *private_key_pem_path);

/* Copy the payload from in_fd to out_fd, hashing exactly the bytes copied;
 * SL_EINTEGRITY unless they are m->size bytes with m->sha256 (what names
 * the payload in messages, to the copy where it could not be written: a
 * full disk is the store's, not the package's). Installing and loading
 * both copy this way, so that what is kept or run is what was checked,
 * whatever happens to the source file meanwhile. */
sl_rc sl_package_copy_verified(int in_fd, int out_fd, const sl_manifest *m,
                               const char *what, const char *to);
/* The inverse of sl_pkg_kind_name; SL_EINPUT for anything else. */
sl_rc sl_pkg_kind_parse(const char *s, sl_pkg_kind *k);

#endif
