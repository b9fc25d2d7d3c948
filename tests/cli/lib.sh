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
export LC_ALL=C.UTF-8 LANG=C.UTF-8

T=$(mktemp -d "${TMPDIR:-/tmp}/shenli-cli.XXXXXX") || exit 2
chmod 700 "$T"
mkdir -m 700 "$T/pw"
STORE=$T/store.db
OUT=$T/.stdout
ERR=$T/.stderr
: >"$OUT"
: >"$ERR"
PASSED=0
FAILED=0
_FINISHED=
TEST_NAME=${0##*/}

_cleanup() {
	local rc=$?
	rm -rf "$T"
	if [ -z "$_FINISHED" ]; then
		echo "$TEST_NAME: aborted (exit $rc) before finishing" >&2
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
}

# pwfile NAME PASS: a private passphrase file; prints its path.
pwfile() {
	local f=$T/pw/$1
	printf '%s\n' "$2" >"$f" && chmod 600 "$f"
	echo "$f"
}

# Commands with a hard time limit so that a hang (e.g. a prompt on the
# terminal) fails the test instead of blocking it.
sl() { timeout -k 5 120 "$SHENLI" --store "$STORE" "$@" </dev/null; }
as() {
	local u=$1
	shift
	sl --user "$u" --passphrase-file "$T/pw/$u" "$@"
}

_show() { # indent a captured stream for a failure message
	[ -s "$1" ] && sed -n '1,15s/^/       | /p' "$1"
}

# expect_rc CODE CMD...: CODE is a number or "nonzero" (any exit from 1 to
# 127: a clean refusal, not a crash).
RC=0
expect_rc() {
	local want=$1
	shift
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
	local ok=
	if [ "$want" = nonzero ]; then
		[ "$RC" -ge 1 ] && [ "$RC" -le 127 ] && ok=1
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
	_FINISHED=1
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
	exit $?
}
