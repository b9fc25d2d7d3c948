#!/bin/sh
# The message catalogs (GNU gettext). English msgids are marked in the
# sources with _() and N_() (core/err.h) and NC_() (a context, core/cli/cli.h).
#
#   sh tools/po.sh update   re-extract po/shenli.pot from the sources and
#                           merge it into every po/LL.po ('make po')
#   sh tools/po.sh check    is every marked message of the sources translated
#                           in every po/LL.po, none fuzzy, formats compatible?
#                           (the po_complete test; changes nothing)
#   sh tools/po.sh compile PO MO   msgfmt with the same checks (the build)
#
# After 'update', translate what msgfmt names (untranslated or fuzzy:
# 'msgattrib --untranslated --only-fuzzy po/zh_CN.po' lists them), then
# rebuild: the build fails until every message is translated.
set -eu
cd "$(dirname "$0")/.."

DOMAIN=shenli
# The sources, in a fixed order, so that the same sources give the same
# template byte for byte.
sources() {
	LC_ALL=C ls core/*.c core/cli/*.c daemon/*.c demo/*.c | LC_ALL=C sort
}

# extract OUT: the template of the sources as they are now. File names but
# no line numbers (--add-location=file): a message moving within its file
# changes nothing, so engineers editing in parallel do not all touch the
# catalog. No creation date: it would differ on every run.
extract() {
	# shellcheck disable=SC2046
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
		--keyword=NC_:1c,2 --add-comments=TRANSLATORS: --add-location=file \
		--package-name=shenli --package-version="$(version)" \
		--copyright-holder="shenli maintainers" \
		--msgid-bugs-address="maintainers@shenli.invalid" \
		-o "$1.tmp" $(sources)
	sed '/^"POT-Creation-Date: /d' "$1.tmp" >"$1"
	rm -f "$1.tmp"
}

version() {
	sed -n 's/^project(shenli VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt
}

# stats PO [NAME]: msgfmt's checks and statistics; fails on untranslated
# or fuzzy messages, and on format strings that do not match their msgid's.
stats() {
	name=${2:-$1}
	out=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$1" 2>&1) || {
		echo "$out" >&2
		return 1
	}
	echo "$name: $out"
	case $out in
	*untranslated* | *fuzzy*)
		echo "$name: every message must be translated and none fuzzy" \
			"(msgattrib --untranslated --only-fuzzy $1)" >&2
		return 1
		;;
	esac
}

case ${1:-} in
update)
	extract po/$DOMAIN.pot
	for po in po/*.po; do
		[ -e "$po" ] || continue
		msgmerge --quiet --update --backup=none --add-location=file \
			"$po" po/$DOMAIN.pot
		# obsolete entries (#~) are of no use to anyone: the history is in git
		msgattrib --no-obsolete -o "$po" "$po"
	done
	for po in po/*.po; do [ -e "$po" ] && { stats "$po" || true; }; done
	;;
check)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	extract "$tmp/$DOMAIN.pot"
	rc=0
	for po in po/*.po; do
		# the catalog as 'update' would leave it: any message of the
		# sources missing from it shows as untranslated
		msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" \
			"$tmp/$DOMAIN.pot"
		stats "$po" || rc=1
		stats "$tmp/merged.po" "$po, merged with the sources" || {
			echo "$po: the sources have messages it lacks: run" \
				"'make po' and translate them" >&2
			rc=1
		}
	done
	exit $rc
	;;
compile)
	stats "$2"
	msgfmt --check -o "$3" "$2"
	;;
*)
	echo "usage: sh tools/po.sh update|check|compile PO MO" >&2
	exit 2
	;;
esac
