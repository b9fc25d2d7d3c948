#!/usr/bin/env bash
# Help and usage errors: 'shenli help CMD [SUB]' and 'CMD [SUB] --help' say
# the same, and only about that command; a usage error prints the usage
# lines of the subcommand that was mistyped and the command that says more;
# an unknown command or subcommand gets a "did you mean". No store needed:
# every case here is answered before anything is unlocked.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---- help CMD == CMD --help == CMD help, for every command ---------------
mapfile -t CMDS < <("$SHENLI" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
check "shenli --help lists the commands" test "${#CMDS[@]}" -ge 14
expect_rc 0 sl help
check "'shenli help' is 'shenli --help'" cmp -s "$OUT" <("$SHENLI" --help)
for cmd in "${CMDS[@]}"; do
	expect_rc 0 sl help "$cmd"
	cp "$OUT" "$T/help"
	expect_rc 0 sl "$cmd" --help
	check "'help $cmd' and '$cmd --help' say the same" cmp -s "$T/help" "$OUT"
	check "'help $cmd' is about $cmd" grep -q "^usage: shenli $cmd\\b" "$T/help"
done

# ---- help CMD SUB == CMD SUB --help, and only about SUB ------------------
n=0
for cmd in "${CMDS[@]}"; do
	# the subcommands the group's help lists
	subs=$("$SHENLI" help "$cmd" | sed -n '/^subcommands:$/,/^$/s/^  \([a-z]\+\)  .*/\1/p')
	for sub in $subs; do
		n=$((n + 1))
		expect_rc 0 sl help "$cmd" "$sub" || continue
		cp "$OUT" "$T/help"
		expect_rc 0 sl "$cmd" "$sub" --help
		check "'help $cmd $sub' and '$cmd $sub --help' say the same" cmp -s "$T/help" "$OUT"
		# ("sample zones|agencies": two share a line)
		check "'help $cmd $sub' gives its usage" grep -Eq "^usage: shenli $cmd ([a-z]+\\|)*$sub\\b" "$T/help"
		others=$(grep -E "^ *shenli $cmd [a-z]" "$T/help" | grep -Ev "^(usage: )? *shenli $cmd ($sub\\b|[a-z|]*\\b$sub\\b)" || true)
		check "'help $cmd $sub' is not the whole group's help" test -z "$others"
		check "'help $cmd $sub' says what it does" test "$(grep -c . "$T/help")" -ge 3
	done
done
check "every group's subcommands were asked ($n)" test "$n" -ge 30
expect_rc 0 sl case help import
check "'case help import' is 'help case import'" cmp -s "$OUT" <("$SHENLI" help case import)
# an option anywhere asks for help before anything is parsed or unlocked
expect_rc 0 sl case list --state bogus --help
check "'case list --state bogus --help' is the help of case list" grep -q "^usage: shenli case list" "$OUT"

# ---- usage errors: the subcommand's usage lines and a hint ----------------
expect_rc 2 sl case list --bogus
check "the error is named" grep -q "case list: bad option '--bogus'" "$ERR"
check "the usage of case list follows" grep -q "^usage: shenli case list" "$ERR"
check "with its continuation line" grep -q "^ *\[--assignee U|me\]" "$ERR"
check "and nothing of the other subcommands" bash -c "! grep -q 'case import\\|case show' '$ERR'"
check "the hint names the command that says more" grep -qx "try 'shenli help case list'" "$ERR"
check "the help text itself is not dumped" test "$(wc -l <"$ERR")" -le 5
expect_rc 2 sl case assign
check "case assign: its usage line" grep -q "^usage: shenli case assign ID REVIEWER" "$ERR"
check "case assign: the hint" grep -qx "try 'shenli help case assign'" "$ERR"
expect_rc 5 sl review return X --kind sideways
check "review return: its usage" grep -q "^usage: shenli review return" "$ERR"
check "review return: the hint" grep -qx "try 'shenli help review return'" "$ERR"
expect_rc 2 sl init --bogus
check "init: its usage" grep -q "^usage: shenli init --admin" "$ERR"
check "init: the hint" grep -qx "try 'shenli help init'" "$ERR"
expect_rc 2 sl report
check "report (its own usage text): its usage line" grep -q "^usage: shenli report ID" "$ERR"
check "report: only the usage lines" bash -c "! grep -q 'Markdown' '$ERR'"
check "report: the hint" grep -qx "try 'shenli help report'" "$ERR"
expect_rc 2 sl case
check "a group without its subcommand: says so" grep -q "case: which subcommand?" "$ERR"
check "and lists the group's usage" grep -q "shenli case resubmit" "$ERR"
check "and the hint" grep -qx "try 'shenli help case'" "$ERR"
expect_rc 5 sl --passphrase-fd '' audit head   # not read as fd 0
expect_rc 5 sl --passphrase-fd ' 0' audit head
expect_rc 5 sl --passphrase-fd nope audit head
check "a global option: the top-level usage and hint" \
	bash -c "grep -q '^usage: shenli \\[--store PATH\\]' '$ERR' && grep -qx \"try 'shenli help'\" '$ERR'"

# ---- did you mean ---------------------------------------------------------
expect_rc 2 sl reveiw findings X
check "reveiw: did you mean 'review'" grep -q "did you mean 'review'?" "$ERR"
expect_rc 2 sl case imprt x.json
check "case imprt: did you mean 'import'" grep -q "did you mean 'import'?" "$ERR"
check "case imprt: named, with the hint" \
	bash -c "grep -q \"case: unknown subcommand 'imprt'\" '$ERR' && grep -qx \"try 'shenli help case'\" '$ERR'"
expect_rc 2 sl case lst
check "case lst: did you mean 'list'" grep -q "did you mean 'list'?" "$ERR"
expect_rc 2 sl audti verify
check "audti: did you mean 'audit'" grep -q "did you mean 'audit'?" "$ERR"
expect_rc 2 sl import x.json
check "a subcommand without its group: did you mean 'case import'" grep -q "did you mean 'case import'?" "$ERR"
expect_rc 2 sl help case imprt
check "help case imprt: did you mean 'import'" grep -q "did you mean 'import'?" "$ERR"
expect_rc 2 sl help reprot
check "help reprot: did you mean 'report'" grep -q "did you mean 'report'?" "$ERR"
expect_rc 2 sl xyzzy
check "nothing near: no suggestion" bash -c "! grep -q 'did you mean' '$ERR'"
check "nothing near: the hint" grep -qx "try 'shenli help'" "$ERR"
expect_rc 2 sl keys frob
check "nothing near a subcommand: the subcommands are listed" \
	grep -q "the subcommands of keys are: trust, list, revoke" "$ERR"
# what is echoed back cannot drive the terminal
expect_rc 2 sl "$(printf 'ca\033[2Jse')"
check "an unknown command is echoed without its escape" bash -c "! grep -q \$'\\033' '$ERR'"
finish
