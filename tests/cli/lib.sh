# shellcheck shell=bash
# lib.sh - sourced by tests/cli/test_*.sh. Usage: bash test_X.sh /abs/path/to/shenli
#
# Gives:  $SHENLI $T (private temp dir, removed on exit) $STORE (= $T/store.db)
#         pwfile NAME PASS   -> $T/pw/NAME (mode 600), prints the path
#         sl ARGS...         shenli --store $STORE ARGS
#         as USER ARGS...    sl --user USER --passphrase-file $T/pw/USER ARGS
#         expect_rc CODE CMD...  run CMD (stdout -> $OUT, stderr -> $ERR) and
#                            pass/fail on its exit code
#         check DESC CMD...  pass if CMD succeeds, else fail with DESC
#         pass MSG / fail MSG / finish (prints "N passed, N failed", exits)
set -u

SHENLI=${1:-}
if [ -z "$SHENLI" ] || [ ! -x "$SHENLI" ]; then
	echo "usage: bash $0 /abs/path/to/shenli   (got '${SHENLI}')" >&2
	exit 2
fi
case $SHENLI in /*) ;; *) SHENLI=$PWD/$SHENLI ;; esac
unset SHENLI_USER SHENLI_STORE
# English: LANGUAGE would otherwise choose the catalog even in C.UTF-8
# (gettext ignores it only in the plain C locale).
unset LANGUAGE LC_MESSAGES
export LC_ALL=C.UTF-8 LANG=C.UTF-8
# Every command unlocks: a 64 MiB scrypt. With glibc's malloc on transparent
# huge pages (when the kernel offers them on request, Debian's default) that
# costs half the CPU: 17k page faults become ~1k, and TLB misses drop. Same
# N, same result; only the suite's time changes. (Sanitizers and valgrind
# bring their own malloc and ignore it.)
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1

T=$(mktemp -d "${TMPDIR:-/tmp}/shenli-cli.XXXXXX") || exit 2
chmod 700 "$T"
mkdir -m 700 "$T/pw"
STORE=$T/store.db
# python3 resolved once, first on PATH for the test and what it starts: a
# version manager's shim (pyenv) costs ~250 ms a call, Debian's own ~25 ms,
# and the tests call it thousands of times. Only the standard library is used.
mkdir -m 700 "$T/bin"
if [ -x /usr/bin/python3 ]; then
	ln -s /usr/bin/python3 "$T/bin/python3"
else
	ln -s "$(python3 -c 'import sys; print(sys.executable)')" "$T/bin/python3"
fi
PATH=$T/bin:$PATH
OUT=$T/.stdout
ERR=$T/.stderr
: >"$OUT"
: >"$ERR"
PASSED=0
FAILED=0
# The failures again at the end: CI shows only the head and tail of a long
# test's output, and a failure in its middle would otherwise go unseen.
_FAILS=
_FINISHED=
TEST_NAME=${0##*/}

_cleanup() {
	local rc=$?
	rm -rf "$T"
	if [ -z "$_FINISHED" ]; then
		echo "$TEST_NAME: aborted (exit $rc) before finishing" >&2
		[ -n "$_FAILS" ] && printf 'failed:\n%s' "$_FAILS"
		echo "$PASSED passed, $((FAILED + 1)) failed"
		exit 1
	fi
}
trap _cleanup EXIT

pass() {
	PASSED=$((PASSED + 1))
	echo "ok   $*"
}

fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL $*"
	_FAILS="$_FAILS  FAIL $*
"
}

# pwfile NAME PASS: a private passphrase file; prints its path.
pwfile() {
	local f=$T/pw/$1
	printf '%s\n' "$2" >"$f" && chmod 600 "$f"
	echo "$f"
}

# Commands with a hard time limit so that a hang (e.g. a prompt on the
# terminal) fails the test instead of blocking it.
sl() {
	local rc
	if [ -n "${SHENLI_VALGRIND:-}" ] && _vg_first "$@"; then
		timeout -k 5 540 valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --track-fds=no --child-silent-after-fork=yes \
			${SHENLI_VALGRIND_SUPP:+--suppressions="$SHENLI_VALGRIND_SUPP"} \
			--log-file="$T/.vg/%p.log" "$SHENLI" --store "$STORE" "$@" </dev/null
	else
		timeout -k 5 120 "$SHENLI" --store "$STORE" "$@" </dev/null
	fi
	rc=$?
	_shares_check "$rc" "$@"
	return "$rc"
}

# SHARES_CHECK=1 (set by a test): after each `audit verify` as a user that
# passed (0) or caught tampering (6), the same check with the cases
# replayed in shares of 1 and of 2 ($SHENLI_VERIFY_SHARES) must reach the
# same verdict. A real store is replayed in shares of 32768 cases; a test's
# store fits in one, and this makes its entries, sign-offs and rows fall
# into different shares.
exec 9>&1
_shares_check() { # _shares_check RC ARGS...
	local rc=$1 n src anchor=
	shift
	[ -n "${SHARES_CHECK:-}" ] && [ -x "${SHENLI_VERIFY_SHARES:-}" ] || return 0
	[ "$rc" = 0 ] || [ "$rc" = 6 ] || return 0
	[ $# -ge 6 ] && [ "$1" = --user ] && [ "$3" = --passphrase-file ] &&
		[ "$5" = audit ] && [ "$6" = verify ] || return 0
	local user=$2 pwf=$4
	shift 6
	case "$#:${1:-}" in
	0:) ;;
	1:--anchor=*) anchor=${1#--anchor=} ;;
	2:--anchor) anchor=$2 ;;
	*) return 0 ;;
	esac
	for n in 1 2; do
		timeout -k 5 120 "$SHENLI_VERIFY_SHARES" "$STORE" "$user" "$pwf" "$n" \
			${anchor:+"$anchor"} >/dev/null 2>"$T/.shares.err" </dev/null
		src=$?
		if [ "$src" != "$rc" ]; then # on the test's own output (fd 9)
			fail "audit verify in shares of $n cases: exit $src, but $rc in one share" >&9
			sed 's/^/       /' "$T/.shares.err" >&9
		fi
	done
	return 0
}
# SHENLI_VALGRIND=1 (make valgrind): sl runs shenli under valgrind memcheck
# the first time each form of command (user, command, subcommand, option
# names) comes up in a test, and natively after that: an unlock costs
# seconds under valgrind. SHENLI_VALGRIND=all: every time. finish fails the
# test on any error or definite/indirect leak in the logs ($T/.vg).
# `script run`, `review signoff`, `review run`, `case resubmit` and `plugin
# verify` always run natively: their script or plugin worker is exec'ed
# from /proc/self/exe, which under valgrind is valgrind itself.
_vg_first() {
	local form= u= n=0 skip= a
	for a in "$@"; do
		if [ -n "$skip" ]; then
			[ "$skip" = user ] && u=$a
			skip=
			continue
		fi
		case $a in
		--user) skip=user ;;
		--store | --passphrase-file | --passphrase-fd) skip=1 ;;
		--*) form="$form ${a%%=*}" ;;
		*) [ $n -lt 2 ] && form="$form $a"; n=$((n + 1)) ;;
		esac
	done
	case "$form " in *" script run "* | *" review signoff "* | *" review run "* | \
		*" case resubmit "* | *" plugin verify "*) return 1 ;; esac
	[ "$SHENLI_VALGRIND" = all ] && return 0
	form="$u:$form"
	grep -qxF -- "$form" "$T/.vg/forms" 2>/dev/null && return 1
	printf '%s\n' "$form" >>"$T/.vg/forms"
}
_vg_check() { # fail on any valgrind log that reports an error
	local f n=0 bad=0
	for f in "$T"/.vg/*.log; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		grep -q "ERROR SUMMARY: 0 errors" "$f" && continue
		bad=$((bad + 1))
		fail "valgrind: $(grep -m1 "Command:" "$f" | sed 's/.*Command: //')"
		grep -v "^==[0-9]*== *$" "$f" | sed -n '1,60s/^/       | /p'
	done
	echo "# valgrind: $n runs of shenli under memcheck, $bad with errors"
}
if [ -n "${SHENLI_VALGRIND:-}" ]; then mkdir -p "$T/.vg"; fi
as() {
	local u=$1
	shift
	sl --user "$u" --passphrase-file "$T/pw/$u" "$@"
}

# enrol USER: a user an admin added chooses their own passphrase before
# anything else, which makes their signing key; until then their first
# passphrase opens nothing else. Their own is the first with " own" after
# it (the one the admin chose is refused), and $T/pw/USER then holds it.
enrol() {
	local own=$T/pw/$1.own
	(umask 077 && printf '%s own\n' "$(head -n 1 "$T/pw/$1")" >"$own")
	as "$1" user passwd --new-passphrase-file "$own" >/dev/null ||
		{ fail "enrol $1"; rm -f "$own"; return 1; }
	mv -f "$own" "$T/pw/$1"
}

_show() { # indent a captured stream for a failure message
	[ -s "$1" ] && sed -n '1,15s/^/       | /p' "$1"
}

# expect_rc CODE CMD...: CODE is a number or "nonzero" (any exit from 1 to
# 125: a clean refusal; not a crash, which is 128 and up, and not 126 or 127,
# which say the command could not be run at all).
RC=0
expect_rc() {
	local want=$1
	shift
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
	local ok=
	if [ "$want" = nonzero ]; then
		[ "$RC" -ge 1 ] && [ "$RC" -le 125 ] && ok=1
	else
		[ "$RC" -eq "$want" ] && ok=1
	fi
	if [ -n "$ok" ]; then
		pass "exit $RC: ${*#"$SHENLI"}"
		return 0
	fi
	local why=
	[ "$RC" -ge 124 ] && why=" (timeout or killed by a signal: crash?)"
	fail "expected exit $want, got $RC$why: $*"
	echo "       stderr:"
	_show "$ERR"
	echo "       stdout:"
	_show "$OUT"
	return 1
}

# check DESC CMD...
check() {
	local desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc"
		return 1
	fi
}

# jq-like checks with python3: pyjson 'EXPR' FILE, EXPR sees d = the document.
pyjson() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[2]))
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" "$2"
}

finish() {
	[ -n "${SHENLI_VALGRIND:-}" ] && _vg_check
	_FINISHED=1
	[ -n "$_FAILS" ] && printf 'failed:\n%s' "$_FAILS"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
	exit $?
}
