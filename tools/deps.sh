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
# The message catalogs: xgettext and msgmerge ('make po'), msgfmt (the build).
bin msgfmt gettext
if command -v pkg-config >/dev/null 2>&1; then
	pc openssl libssl-dev
	pc sqlcipher libsqlcipher-dev
	pc lua5.4 liblua5.4-dev
	pc jansson libjansson-dev
	pc cmocka libcmocka-dev
	pc libseccomp libseccomp-dev
	pc pangocairo libpango1.0-dev
	pc cairo-pdf libcairo2-dev
	# the web front (shenlid --http, daemon/webmain.c)
	pc libmicrohttpd libmicrohttpd-dev
else
	need="$need libssl-dev libsqlcipher-dev liblua5.4-dev libjansson-dev libcmocka-dev libseccomp-dev"
	need="$need libpango1.0-dev libcairo2-dev libmicrohttpd-dev"
fi
# The fonts the documents are set in (README, "Fonts"): Noto CJK for the
# 宋 (小标宋), 仿宋 and 黑 roles, AR PL UKai for 楷. The .deb depends on them.
bin fc-list fontconfig
font() { fc-list 2>/dev/null | grep -qi "$1" || need="$need $2"; }
font 'Noto Serif CJK' fonts-noto-cjk
font 'AR PL UKai' fonts-arphic-ukai
# The end-to-end tests use sqlite3 (to show it cannot read the store),
# sqlcipher (to tamper with a store given its key) and openssl (to sign packages).
bin sqlite3 sqlite3
bin sqlcipher sqlcipher
bin openssl openssl
# 'make package': CPack computes the .deb's Depends with dpkg-shlibdeps,
# finding the ELF files with file(1).
bin dpkg-shlibdeps dpkg-dev
bin file file
# The document tests check the PDFs with poppler's pdffonts, pdftotext,
# pdftoppm and pdfinfo ('deps.sh test', as 'make test' calls it).
if [ "${1:-}" = test ]; then
	# The Chinese CLI test makes a zh_CN.UTF-8 locale of its own with
	# localedef (no root, nothing system-wide) from the locales package's
	# sources.
	[ -e /usr/share/i18n/locales/zh_CN ] || need="$need locales"
	bin pdffonts poppler-utils
	# The .deb is checked as Debian checks packages (cli_test_package).
	bin lintian lintian
	# Peak memory of the import and bench runs: GNU time's -v.
	[ -x /usr/bin/time ] || need="$need time"
	# The web workbench in a real browser (cli_test_browser): Debian's
	# Chromium and its WebDriver, driven by Debian's Selenium (with
	# /usr/bin/python3, whatever python3 comes first on PATH).
	[ -x /usr/bin/chromium ] || need="$need chromium"
	[ -x /usr/bin/chromedriver ] || need="$need chromium-driver"
	/usr/bin/python3 -c 'import selenium' 2>/dev/null || need="$need python3-selenium"
	# The audit log checked without shenli (tests/cli/logcheck.py):
	# Ed25519 from Debian's python3-cryptography.
	/usr/bin/python3 -c 'import cryptography' 2>/dev/null || need="$need python3-cryptography"
fi

# 'make bench': bench_cli reads peak RSS from /usr/bin/time -v.
if [ "${1:-}" = bench ]; then
	[ -x /usr/bin/time ] || need="$need time"
fi

[ -z "$need" ] && exit 0
# Each package once, in a stable order.
need=$(printf '%s\n' $need | sort -u | tr '\n' ' ')
echo "deps: installing: $need" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg may be running (unattended-upgrades on a fresh
# machine, a second terminal): wait for it rather than fail. Installing
# waits by itself (DPkg::Lock::Timeout); the update step takes the lists
# lock, for which the option does not wait everywhere, so it is retried
# while apt says a lock is held, up to the same 10 minutes.
WAIT=600
apt_update() {
	t0=$(date +%s)
	said=
	while :; do
		if err=$($SUDO apt-get -o DPkg::Lock::Timeout=$WAIT update -qq 2>&1); then
			[ -n "$err" ] && printf '%s\n' "$err" >&2
			return 0
		fi
		case $err in
		*"Could not get lock"* | *"Unable to lock"* | *"is held by process"*)
			if [ $(($(date +%s) - t0)) -ge $WAIT ]; then
				printf '%s\n' "$err" >&2
				return 1
			fi
			[ -n "$said" ] || echo "deps: another apt or dpkg is running; waiting for its lock" >&2
			said=1
			sleep 5
			;;
		*)
			printf '%s\n' "$err" >&2
			return 1
			;;
		esac
	done
}
apt_update
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=$WAIT install -y -qq --no-install-recommends $need >&2
