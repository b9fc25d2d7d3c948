#!/usr/bin/env bash
# The words of a command line that the parser refuses: a usage error (exit
# 2) names the word at fault, not the one before it, and says what is wrong
# with it (an option it does not know, or one that needs a value); -h is
# --help wherever --help is; help and --version take no word too many. No
# store needed: every case here is answered before anything is unlocked.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# named WORD: stderr names WORD, quoted, as the option refused
named() { grep -qF "bad option '$1'" "$ERR"; }
# not_named WORD: stderr does not name WORD
not_named() { ! grep -qF "'$1'" "$ERR"; }

# ---- a single-dash word: the word itself, not the one before it ----------
# getopt_long stays on "-json" (it would read "son" next), but moves past
# "-x": the word at fault is not always the one before optind
expect_rc 2 sl case list -json
check "case list -json: '-json' is named" named -json
check "case list -json: not 'list'" not_named list
check "case list -json: the usage of case list" grep -q "^usage: shenli case list" "$ERR"
check "case list -json: the hint" grep -qx "try 'shenli help case list'" "$ERR"
expect_rc 2 sl case show ID -json
check "case show ID -json: '-json' is named" named -json
check "case show ID -json: not 'ID'" not_named ID
expect_rc 2 sl case import -xy ex.json
check "case import -xy: '-xy' is named" named -xy
check "case import -xy: not 'import'" not_named import
expect_rc 2 sl case list -x
check "case list -x: '-x' is named" named -x
expect_rc 2 sl case list -j -json
check "case list -j -json: the first, '-j', is named" named -j
expect_rc 2 sl review run X -all
check "review run X -all: '-all' is named" named -all
expect_rc 2 sl review findings X -json
check "review findings X -json: '-json' is named" named -json
expect_rc 2 sl report X -json
check "report X -json: '-json' is named" named -json
check "report X -json: report's usage" grep -q "^usage: shenli report ID" "$ERR"
expect_rc 2 sl init -admin root
check "init -admin: '-admin' is named" named -admin
expect_rc 2 sl audit head -x
check "audit head -x: '-x' is named" named -x
expect_rc 2 sl case list --bogus
check "an unknown long option is named as ever" named --bogus

# ---- an option missing its value: said so, not "bad" or "unexpected" -----
for line in "case list --state" "report X --out" "review outline X --format" \
	"audit log --since" "case extend X --days" "init --admin"; do
	read -ra words <<<"$line"
	opt=${words[-1]}
	expect_rc 2 sl "${words[@]}"
	check "$line: '$opt' needs a value" grep -qF "option '$opt' needs a value" "$ERR"
	check "$line: not called a bad option" bash -c "! grep -q 'bad option\\|unexpected' '$ERR'"
	check "$line: with the usage" grep -q "^usage: shenli ${words[0]}" "$ERR"
done
expect_rc 2 sl case list --sta
check "an abbreviation of --state: needs a value" grep -qF "option '--sta' needs a value" "$ERR"
expect_rc 2 sl case list --json=yes
check "a value given to an option that takes none: a bad option" named --json=yes

# ---- -h is --help, for every command and subcommand ----------------------
mapfile -t CMDS < <("$SHENLI" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
check "shenli --help lists the commands" test "${#CMDS[@]}" -ge 14
n=0
for cmd in "${CMDS[@]}"; do
	subs=$("$SHENLI" help "$cmd" | sed -n '/^subcommands:$/,/^$/s/^  \([a-z]\+\)  .*/\1/p')
	for sub in "" $subs; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # $sub: no word for the command itself
		expect_rc 0 sl "$cmd" $sub --help || continue
		cp "$OUT" "$T/help"
		# shellcheck disable=SC2086
		expect_rc 0 sl "$cmd" $sub -h
		check "'$cmd $sub -h' is '$cmd $sub --help'" cmp -s "$T/help" "$OUT"
	done
done
check "every command and subcommand was asked ($n)" test "$n" -ge 40
expect_rc 0 sl case list --state open -h
check "-h after other options is help too" grep -q "^usage: shenli case list" "$OUT"
for cmd in login logout status open; do
	expect_rc 0 sl "$cmd" --help
	cp "$OUT" "$T/help"
	expect_rc 0 sl "$cmd" -h
	check "'$cmd -h' is '$cmd --help'" cmp -s "$T/help" "$OUT"
done

# ---- help about help; help and --version take no word too many -----------
for line in "help --help" "help help" "help -h"; do
	read -ra words <<<"$line"
	expect_rc 0 sl "${words[@]}"
	check "$line: help's own usage" grep -q "^usage: shenli help \\[COMMAND \\[SUBCOMMAND\\]\\]" "$OUT"
	check "$line: nothing on stderr" test ! -s "$ERR"
done
for line in "help case list extra" "help report extra" "help init extra" \
	"help login extra" "help help extra"; do
	read -ra words <<<"$line"
	expect_rc 2 sl "${words[@]}"
	check "$line: 'extra' is named" grep -qF "help: unexpected 'extra'" "$ERR"
	check "$line: help's usage" grep -q "^usage: shenli help" "$ERR"
	check "$line: the hint" grep -qx "try 'shenli help help'" "$ERR"
done
expect_rc 0 sl help case list
check "help case list still answers" grep -q "^usage: shenli case list" "$OUT"
expect_rc 2 sl --version extra
check "--version extra: 'extra' is named" grep -qF "unexpected 'extra'" "$ERR"
check "--version extra: no version printed" test ! -s "$OUT"
expect_rc 0 sl --version
check "--version alone prints it" grep -q "^shenli [0-9]" "$OUT"

# ---- the session commands say a usage error as every other command -------
for cmd in login logout status open; do
	expect_rc 2 sl "$cmd" --bogus
	check "$cmd --bogus: the word named" grep -qF "$cmd: unexpected '--bogus'" "$ERR"
	check "$cmd --bogus: its usage" grep -q "^usage: shenli" "$ERR"
	check "$cmd --bogus: the hint" grep -qx "try 'shenli help $cmd'" "$ERR"
done
# ---- and so do sample and demo ----------------------------------------------
expect_rc 2 sl sample docket -json
check "sample docket -json: the word named" grep -qF "bad option '-json'" "$ERR"
expect_rc 2 sl sample docket --cases
check "sample docket --cases: needs a value" grep -qF "option '--cases' needs a value" "$ERR"
expect_rc 2 sl demo -json
check "demo -json: the word named" grep -qF "bad option '-json'" "$ERR"
finish
