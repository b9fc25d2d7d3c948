#!/usr/bin/env bash
# What surrounds the process: a docket from a pipe while stderr is a
# terminal (the progress bar must not drain it), a docket that never ends
# (/dev/zero), standard descriptors
# closed by whoever started shenli, a file size limit, too few descriptors
# to load a plugin, an address-space limit below the plugin worker's own,
# a store path longer than SQLite opens, and a locale whose character set
# is not UTF-8. Each is either done or refused with its reason and the
# documented exit code, with nothing half-written.
. "$(dirname "$0")/lib.sh"
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/evidence" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] || { fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
install_checks
# raw USER ARGS...: shenli as USER with the descriptors this test gives it
# (lib.sh's sl gives it /dev/null for stdin); limited LIMIT USER ARGS...:
# the same under ulimit LIMIT (set in a shell that then becomes shenli, so
# that this shell keeps the descriptors and size it needs)
raw() {
	local u=$1
	shift
	"$SHENLI" --store "$STORE" --user "$u" --passphrase-file "$T/pw/$u" "$@"
}
limited() {
	local l=$1 u=$2
	shift 2
	sh -c 'ulimit '"$l"' && exec "$@"' - "$SHENLI" --store "$STORE" --user "$u" \
		--passphrase-file "$T/pw/$u" "$@"
}
entries() { as aud audit log --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
"$SHENLI" sample docket --cases 40 --seed 44 >"$T/d.jsonl"
N=$(wc -l <"$T/d.jsonl")

# ---- a docket from a FIFO, stderr a terminal (script(1) gives a pty) ----
if command -v script >/dev/null; then
	mkfifo "$T/f.jsonl"
	(cat "$T/d.jsonl" >"$T/f.jsonl" &)
	script -qec "$(printf '%q ' "$SHENLI" --store "$STORE" --user boss \
		--passphrase-file "$T/pw/boss" case import --jsonl "$T/f.jsonl" --json) >'$T/fifo.json'" \
		/dev/null >/dev/null 2>&1
	check "a FIFO read on a terminal imports every dossier ($N)" \
		pyjson "len(d) == $N" "$T/fifo.json"
else
	fail "script(1) is needed for a terminal"
fi
expect_rc 0 as boss case list --json
check "they are in the store" pyjson "len(d) == $N" "$OUT"
C=$(python3 -c 'import json,sys; print([c["case_id"] for c in json.load(open(sys.argv[1])) if c["state"] == "accepted"][0])' "$OUT")

# ---- a docket that never ends (a device) ----
# a line past its limit is read on to its newline, but not for ever: the
# input ends there, refused, and so does the import
H0=$(entries)
timeout 300 "$SHENLI" --store "$STORE" --user boss --passphrase-file "$T/pw/boss" \
	case import --jsonl /dev/zero >"$OUT" 2>"$ERR" </dev/null
RC=$?
check "a docket of /dev/zero ends, refused: exit 5 (got $RC)" test "$RC" = 5
check "... saying the rest was not read" grep -q "the rest of the input was not read" "$ERR"
check "... and nothing was written" test "$(entries)" = "$H0"

# ---- standard descriptors closed ----
raw boss case list >&- 2>"$ERR"
RC=$?
check "a closed stdout is a failed write, exit 7 (got $RC)" test "$RC" = 7
check "... said as one" grep -q "writing output failed" "$ERR"
H0=$(entries)
raw boss case import --jsonl - <&- >"$OUT" 2>"$ERR"
RC=$?
check "a docket from a closed stdin is refused, exit 5 (got $RC)" test "$RC" = 5
check "... saying stdin is closed" grep -q "standard input is closed" "$ERR"
check "... and nothing was written" test "$(entries)" = "$H0"
raw boss case list --json 2>&- >"$OUT"
check "a closed stderr does not stop the work" pyjson "len(d) == $N" "$OUT"

# ---- a file size limit: EFBIG said, no partial file left ----
limited "-f 64" boss report "$C" --format pdf --out "$T/big.pdf" >"$OUT" 2>"$ERR"
RC=$?
check "past ulimit -f: exit 7, not killed by SIGXFSZ (got $RC)" test "$RC" = 7
check "... no report and no temporary file left" \
	sh -c '! ls "$1"/big.pdf* >/dev/null 2>&1' - "$T"

# ---- too few descriptors to load a plugin: a system error, not tampering ----
H0=$(entries)
limited "-n 6" boss review run "$C" >"$OUT" 2>"$ERR"
RC=$?
check "ulimit -n 6: exit 7, not 6 (got $RC)" test "$RC" = 7
expect_rc 0 as aud audit log --json
check "... and no plugin.refused entry" pyjson 'not any(e["action"] == "plugin.refused" for e in d)' "$OUT"
expect_rc 0 as aud audit verify

# ---- an address-space limit below the plugin worker's own ----
# (not under a sanitizer or valgrind, which reserve far more than this)
if [ -z "${SHENLI_SANITIZED:-}" ] && [ -z "${SHENLI_VALGRIND:-}" ]; then
	limited "-v 1000000" boss review run "$C" >"$OUT" 2>"$ERR"
	RC=$?
	check "review run under ulimit -v 1000000 runs the checks (exit 0 or 1, got $RC)" \
		test "$RC" -le 1
	check "... the worker confined itself within the user's limit" \
		sh -c '! grep -q "could not confine" "$1"' - "$ERR"
fi

# ---- a store path longer than SQLite opens ----
LONG=$T/$(printf 'l%.0s' $(seq 200))/$(printf 'm%.0s' $(seq 200))/$(printf 'n%.0s' $(seq 120))
mkdir -p "$LONG"
expect_rc 5 "$SHENLI" --store "$LONG/s.db" --passphrase-file "$T/pw/root" init --admin root
check "the reason is said first" grep -q "path is [0-9]* bytes long" "$ERR"
check "... and nothing was made" test -z "$(ls -A "$LONG")"

# ---- a GB18030 locale: every byte out is still UTF-8 ----
mkdir -p "$T/loc"
command -v localedef >/dev/null && [ -e /usr/share/i18n/locales/zh_CN ] &&
	localedef -i zh_CN -f GB18030 "$T/loc/zh_CN.GB18030" >/dev/null 2>&1
if [ -e "$T/loc/zh_CN.GB18030" ]; then
	LOCPATH=$T/loc:/usr/lib/locale LC_ALL=zh_CN.GB18030 raw boss case show NO-SUCH-1 \
		>"$OUT" 2>"$ERR"
	check "messages in a GB18030 locale are UTF-8 Chinese" \
		python3 -c 'import sys; t = open(sys.argv[1], "rb").read().decode("utf-8"); sys.exit(0 if "\ufffd" not in t and any("\u4e00" <= c <= "\u9fff" for c in t) else 1)' "$ERR"
	LOCPATH=$T/loc:/usr/lib/locale LC_ALL=zh_CN.GB18030 raw boss case list >"$OUT" 2>"$ERR"
	check "... and so are tables" \
		python3 -c 'import sys; t = open(sys.argv[1], "rb").read().decode("utf-8"); sys.exit(0 if "\ufffd" not in t else 1)' "$OUT"
else
	echo "# no GB18030 locale could be made here: not checked"
fi
finish
