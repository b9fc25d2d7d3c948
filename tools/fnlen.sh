#!/bin/sh
# fnlen.sh [MAX] [FILE...]: the functions of core/ (or FILEs) longer than MAX
# lines (120), body braces included, as "FILE:LINE: NAME is N lines". Exit 1
# if there is one. Functions are found as clang-format lays them out: the
# body's "{" and "}" alone at column 0; data tables ("= {") are not
# functions and are not counted.
set -eu
max=${1:-120}
[ $# -gt 0 ] && shift
if [ $# -eq 0 ]; then
	set -- $(find "$(dirname "$0")/../core" -name '*.c' | sort)
fi
awk -v max="$max" '
FNR == 1 { name = ""; start = 0 }
/^[A-Za-z_].*\(/ && !/;[ \t]*$/ {
	# the line with the function name: the identifier before the first (
	s = $0; sub(/\(.*/, "", s); n = split(s, w, /[ \t*]+/); name = w[n]
}
/^\{[ \t]*$/ { start = FNR; fname = name }
/^\}/ && start {
	len = FNR - start + 1
	if (len > max) {
		printf "%s:%d: %s is %d lines\n", FILENAME, start, fname, len
		bad = 1
	}
	start = 0
}
END { exit bad }
' "$@"
