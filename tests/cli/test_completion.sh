#!/usr/bin/env bash
# doc/shenli.bash-completion, exercised in a non-interactive bash: set
# COMP_WORDS/COMP_CWORD as readline would, call _shenli, read COMPREPLY.
# The commands, subcommands and options it offers are checked against what
# the binary itself says (shenli --help, shenli COMMAND --help), so that the
# completion cannot fall behind the USAGE texts unnoticed.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
COMPLETION=$(cd "$(dirname "$0")/../.." && pwd)/doc/shenli.bash-completion
check "the completion file is there" test -r "$COMPLETION"
# shellcheck source=../../doc/shenli.bash-completion
. "$COMPLETION" || fail "sourcing the completion"
check "it registers _shenli for shenli" bash -c \
	". '$COMPLETION'; complete -p shenli | grep -q -- '-F _shenli'"

# words W0 W1 ... WN: complete the last word, in this shell (COMPREPLY).
words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_shenli shenli "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
}
# comp 'shenli case ': split the line at blanks (a trailing blank starts an
# empty word) and complete its last word.
comp() {
	local w
	read -ra w <<<"$1"
	[[ $1 == *" " ]] && w+=("")
	words "${w[@]}"
}
# offers LINE WORD...: every WORD is offered for LINE.
offers() {
	local line=$1 w missing=
	shift
	comp "$line"
	local -A got=()
	for w in "${COMPREPLY[@]}"; do got[$w]=1; done
	for w in "$@"; do
		[ -n "${got[$w]:-}" ] || missing="$missing $w"
	done
	if [ -z "$missing" ]; then
		pass "'$line' offers $*"
	else
		fail "'$line' does not offer$missing (got: ${COMPREPLY[*]})"
	fi
}
# exactly LINE WORD...: what is offered is exactly the WORDs (any order).
exactly() {
	local line=$1 w extra='' missing=''
	shift
	comp "$line"
	local -A got=() want=()
	for w in "${COMPREPLY[@]}"; do got[$w]=1; done
	for w in "$@"; do
		want[$w]=1
		[ -n "${got[$w]:-}" ] || missing="$missing '$w'"
	done
	for w in "${COMPREPLY[@]}"; do
		[ -n "${want[$w]:-}" ] || extra="$extra '$w'"
	done
	if [ -z "$missing$extra" ] && [ "${#COMPREPLY[@]}" -eq $# ]; then
		pass "'$line' offers exactly: $*"
	else
		fail "'$line' offers (${COMPREPLY[*]}); missing:${missing:- none}; unexpected:${extra:- none}"
	fi
}

# ---- in step with the binary --------------------------------------------
mapfile -t CMDS < <("$SHENLI" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
check "shenli --help lists commands" test "${#CMDS[@]}" -ge 14
offers "shenli " "${CMDS[@]}"
for cmd in "${CMDS[@]}"; do
	# The USAGE text up to its first blank line, one entry per "shenli
	# CMD ..." line with its continuation lines joined on.
	usage=$("$SHENLI" "$cmd" --help | awk '
		/^$/ { exit }
		{ sub(/^usage: /, "") }
		/^ *shenli / { if (e != "") print e; e = $0; next }
		{ e = e " " $0 }
		END { if (e != "") print e }')
	subs=$(awk '{ if ($3 ~ /^[a-z][a-z|]*$/) print $3 }' <<<"$usage" |
		tr '|' '\n' | sort -u)
	if [ -n "$subs" ]; then
		# shellcheck disable=SC2086
		exactly "shenli $cmd " $subs
	else
		exactly "shenli $cmd "
	fi
	while read -r entry; do
		sub=$(awk '{ if ($3 ~ /^[a-z][a-z|]*$/) print $3 }' <<<"$entry")
		opts=$(grep -o -- '--[a-z][a-z-]*' <<<"$entry" | sort -u)
		[ -z "$opts" ] && continue
		for s in ${sub//|/ }; do
			# shellcheck disable=SC2086
			offers "shenli $cmd $s --" $opts
		done
		# shellcheck disable=SC2086
		[ -z "$sub" ] && offers "shenli $cmd --" $opts
	done <<<"$usage"
done

# ---- the global options, wherever they stand ---------------------------
offers "shenli --" --store --user --passphrase-file --passphrase-fd --help --version
offers "shenli review return X --" --store --user --passphrase-file --passphrase-fd
exactly "shenli --st" --store
exactly "shenli us" user
exactly "shenli --store x.db --user wang case " assign extend import list resubmit show stats
exactly "shenli case --user wang " assign extend import list resubmit show stats
exactly "shenli --passphrase-fd 3 review " findings opinion opinions outline return run signoff withdraw
# "--store=x.db" as readline splits it (at "=", a word break) and not
exactly "shenli --store = x.db case " assign extend import list resubmit show stats
exactly "shenli --store=x.db case " assign extend import list resubmit show stats

# ---- fixed values --------------------------------------------------------
exactly "shenli review return X --kind " reinvestigate supplement
exactly "shenli review return X --kind s" supplement
exactly "shenli report X --format " html md pdf
exactly "shenli review outline X --format " html md pdf
exactly "shenli report X --op" --opinion
exactly "shenli --user admin user add bob --role " admin auditor leader member specialist
exactly "shenli case list --state in_" in_review
offers "shenli sample docket --fault " none confession_only unknown_agency
exactly "shenli report X --format=h" --format=html
exactly "shenli --store x.db review return X --kind = " reinvestigate supplement
# the --fault names are the binary's
faults=$("$SHENLI" sample docket --fault '?' 2>&1 | sed -n 's/.*one of: *//p')
# shellcheck disable=SC2086
exactly "shenli sample docket --fault " $faults
# ids, names and numbers: nothing is made up
exactly "shenli case show "
exactly "shenli --user "
exactly "shenli case extend X --days "
exactly "shenli case resubmit "

# ---- file names where a FILE, KEY.pub or DIR is expected -----------------
mkdir -p "$T/f/d/inner" && cd "$T/f" || exit 2
touch a.json b.txt k.pub "with space.json" d/inner.txt
exactly "shenli --store " a.json b.txt d k.pub "with space.json"
exactly "shenli --passphrase-file d/" d/inner d/inner.txt
exactly "shenli user add bob --new-passphrase-file w" "with space.json"
exactly "shenli case import " a.json d "with space.json"
exactly "shenli case import --jsonl " - a.json b.txt d k.pub "with space.json"
exactly "shenli case resubmit X " a.json d "with space.json"
exactly "shenli review opinion X --file a" a.json
exactly "shenli report X --out " a.json b.txt d k.pub "with space.json"
exactly "shenli keys trust " d k.pub
exactly "shenli init --admin admin --trust " d k.pub
exactly "shenli demo --trust " d k.pub
exactly "shenli demo --packages " d
exactly "shenli plugin install " d
exactly "shenli rules install " d
exactly "shenli script install " d
exactly "shenli --store = " a.json b.txt d k.pub "with space.json"
exactly "shenli --store=b" --store=b.txt
finish
