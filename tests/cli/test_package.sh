#!/usr/bin/env bash
# The .deb for air-gapped machines: built with CPack from the build that
# made $1, it declares its library dependencies, holds the binary, the
# built-in signed packages, their public key (never a private key), the man
# page and the completion, and, unpacked with 'dpkg -x' into a temporary
# root, runs its demo to the end.
#
# The build directory is only read: the tree is staged with 'DESTDIR=...
# cmake --install' into $T (which leaves install_manifest.txt behind, as any
# install does) and CPack packs that staged tree with the project's own
# CPackConfig.cmake. Running 'cpack' on the build directory itself, as
# 'make package' does, would first rebuild it ("preinstall"), under the
# feet of the tests running alongside.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$SHENLI")

# A skip is not a pass: exit 77, which ctest reports as "Skipped"
# (SKIP_RETURN_CODE in tests/CMakeLists.txt).
skip() {
	echo "skip: $*"
	_FINISHED=1
	exit 77
}
for tool in cpack dpkg-deb dpkg-shlibdeps file; do
	command -v "$tool" >/dev/null 2>&1 || skip "no $tool here (tools/deps.sh installs it)"
done
[ -r "$BUILD/CPackConfig.cmake" ] || skip "no CPackConfig.cmake in $BUILD"
[ -n "${SHENLI_SANITIZED:-}" ] && skip "a sanitizer build is not a shipping build"

# ---- build the .deb ------------------------------------------------------
expect_rc 0 env DESTDIR="$T/stage" timeout 120 cmake --install "$BUILD" \
	--prefix /usr --strip
# (CPack copies an installed directory making its directories anew, under
# the umask: 022 for that copy, as for any packaging.)
expect_rc 0 bash -c 'umask 022 && exec timeout 120 "$@"' cpack \
	cpack --config "$BUILD/CPackConfig.cmake" -G DEB \
	-B "$T/pkg" -D CPACK_INSTALL_CMAKE_PROJECTS= \
	-D "CPACK_INSTALLED_DIRECTORIES=$T/stage/usr;usr"
DEB=$(find "$T/pkg" -maxdepth 1 -name 'shenli_*.deb' | head -1)
check "a .deb is made ($(basename "${DEB:-none}"))" test -s "$DEB"

# ---- its control data ----------------------------------------------------
dpkg-deb -I "$DEB" >"$T/info"
check "Package: shenli" grep -q '^ Package: shenli$' "$T/info"
check "a Maintainer" grep -q '^ Maintainer: .*<.*@.*>' "$T/info"
check "a description in English and Chinese" \
	bash -c "grep -q 'zone review panels' '$T/info' && grep -q '审理' '$T/info'"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
echo "     Depends: $DEPENDS"
for lib in libsqlcipher0 liblua5.4-0 libjansson4 libssl3 libc6; do
	check "Depends names $lib" grep -q "\\b$lib\\b" <<<"$DEPENDS"
done
# Installing offline needs nothing but these, which are Debian's own
# packages: here they are all installed (read-only query, no dpkg lock).
while read -r p; do
	check "dependency $p is installed here" \
		bash -c "dpkg-query -W -f='\${Status}' '$p' 2>/dev/null | grep -q 'ok installed'"
done < <(tr ',' '\n' <<<"${DEPENDS//|/,}" | sed 's/(.*//; s/ //g' | sort -u)
check "every file is owned by root" \
	bash -c "! dpkg-deb -c '$DEB' | awk '{print \$2}' | grep -v '^root/root$' | grep -q ."
check "every directory is 0755" \
	bash -c "! dpkg-deb -c '$DEB' | awk '/^d/ {print \$1}' | grep -v '^drwxr-xr-x$' | grep -q ."
check "staged under umask $(umask), every directory is still 0755" \
	bash -c "! find '$T/stage/usr' -type d ! -perm 0755 | grep -q ."

# ---- its files -------------------------------------------------------------
ROOT=$T/root
expect_rc 0 dpkg -x "$DEB" "$ROOT"
S=$ROOT/usr/share
L=$ROOT/usr/lib/shenli/packages
check "usr/bin/shenli is an executable" test -x "$ROOT/usr/bin/shenli"
for p in evidence classification procedure gate_findings gate_outline \
	gate_opinions gate_panel gate_dates rules; do
	check "package $p is there, under /usr/lib (it may hold shared objects), signed" \
		test -s "$L/$p/manifest" -a -s "$L/$p/manifest.sig"
done
check "nothing of the packages under /usr/share" test ! -e "$S/shenli/packages"
for p in evidence classification procedure; do
	check "plugin $p.so is stripped" bash -c "file '$L/$p/$p.so' | grep -q ', stripped'"
	check "plugin $p.so is the file its manifest signs" bash -c \
		"test \"\$(sha256sum '$L/$p/$p.so' | cut -d' ' -f1)\" = \"\$(sed -n 's/^sha256=//p' '$L/$p/manifest')\""
done
check "Debian's copyright file" grep -q "^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" "$S/doc/shenli/copyright"
check "the changelog (gzipped)" gzip -t "$S/doc/shenli/changelog.gz"
check "shenlid's man page (gzipped)" gzip -t "$S/man/man8/shenlid.8.gz"
LINTIAN=$(lintian --tag-display-limit 0 "$DEB" 2>&1 | grep -v 'running with root privileges')
echo "$LINTIAN" | sed 's/^/# lintian: /'
check "lintian finds nothing (no error, no warning)" test -z "$LINTIAN"
check "the build's public key is there" test -s "$S/shenli/keys/build.pub"
check "it is the key that signed the build's packages" \
	cmp -s "$S/shenli/keys/build.pub" "$BUILD/signing/build.pub"
check "no *.key file" bash -c "! find '$ROOT' -name '*.key' | grep -q ."
check "no private key, whatever its name" \
	bash -c "! grep -rlE -- '-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----' '$ROOT'"
check "the man page (gzipped)" gzip -t "$S/man/man1/shenli.1.gz"
if command -v groff >/dev/null 2>&1; then
	check "the man page renders without warnings" bash -c \
		"zcat '$S/man/man1/shenli.1.gz' | groff -man -Tutf8 -ww 2>&1 >/dev/null | (! grep -q .)"
fi
check "the bash completion" bash -c \
	". '$S/bash-completion/completions/shenli' && complete -p shenli | grep -q _shenli"
check "README and SECURITY" test -s "$S/doc/shenli/README.md" -a -s "$S/doc/shenli/SECURITY.md"

# ---- the unpacked binary runs its demo -------------------------------------
# No --packages/--trust: the binary finds ../lib/shenli and ../share/shenli
# next to itself.
mkdir -m 700 "$T/tmp"
expect_rc 0 env TMPDIR="$T/tmp" timeout -k 5 150 "$ROOT/usr/bin/shenli" demo
check "the demo used the unpacked packages" \
	grep -qF "$ROOT/usr/bin/../lib/shenli/packages" "$OUT"
check "and the unpacked key" \
	grep -qF "$ROOT/usr/bin/../share/shenli/keys/build.pub" "$OUT"
check "the demo signs the case off" grep -q "signed off" "$OUT"
check "the demo ends with 'audit log ok'" grep -q "audit log ok" "$OUT"
finish
