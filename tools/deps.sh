#!/bin/sh
# Install the Debian packages shenli needs to build and test, but only those
# that pkg-config (or PATH) cannot already find. Idempotent; called by `make`.
set -eu

need=""
pc() { pkg-config --exists "$1" 2>/dev/null || need="$need $2"; }
bin() { command -v "$1" >/dev/null 2>&1 || need="$need $2"; }

bin pkg-config pkg-config
bin cmake cmake
bin cc gcc
if command -v pkg-config >/dev/null 2>&1; then
	pc openssl libssl-dev
	pc sqlcipher libsqlcipher-dev
	pc lua5.4 liblua5.4-dev
	pc jansson libjansson-dev
	pc cmocka libcmocka-dev
else
	need="$need libssl-dev libsqlcipher-dev liblua5.4-dev libjansson-dev libcmocka-dev"
fi
# The end-to-end tests use sqlite3 (to show it cannot read the store),
# sqlcipher (to tamper with a store given its key) and openssl (to sign packages).
bin sqlite3 sqlite3
bin sqlcipher sqlcipher
bin openssl openssl
# 'make package': CPack computes the .deb's Depends with dpkg-shlibdeps,
# finding the ELF files with file(1).
bin dpkg-shlibdeps dpkg-dev
bin file file
# Report rendering, for the tests only ('deps.sh test', as 'make test' calls
# it): headless Chromium prints the HTML report to PDF and PNG with the CJK
# fonts the report asks for, and poppler's pdffonts/pdftotext check the PDF.
# Chromium is large, so building or running the demo never installs it; the
# test skips the rendering where it is absent.
if [ "${1:-}" = test ]; then
	bin chromium chromium
	bin pdffonts poppler-utils
	fc-list 2>/dev/null | grep -qi 'Noto.*CJK' || need="$need fonts-noto-cjk"
fi

# 'make bench': bench_cli reads peak RSS from /usr/bin/time -v.
if [ "${1:-}" = bench ]; then
	[ -x /usr/bin/time ] || need="$need time"
fi

[ -z "$need" ] && exit 0
echo "deps: installing:$need" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need >&2
