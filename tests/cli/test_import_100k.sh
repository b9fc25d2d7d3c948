#!/usr/bin/env bash
# 100k generated dossiers import in one command; peak memory stays bounded
# (streamed, not loaded); the zone listing stays fast afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cases_setup.sh"
# Under the sanitizers (make asan sets SHENLI_SANITIZED) memory and time
# mean nothing: a smaller docket, and RSS is reported, not judged.
if [ -n "${SHENLI_SANITIZED:-}" ]; then
	N=${SHENLI_IMPORT_N:-5000}
else
	N=${SHENLI_IMPORT_N:-100000}
fi
"$SHENLI" sample docket --cases "$N" --seed 2026 > "$T/docket.jsonl"
check "docket of $N lines" test "$(wc -l < "$T/docket.jsonl")" -eq "$N"
# Peak memory is part of what is tested: without GNU time (Debian package
# "time", which tools/deps.sh installs) the test fails rather than pass
# without judging it.
if [ ! -x /usr/bin/time ]; then
	fail "no /usr/bin/time to measure peak memory (apt install time)"
	finish
fi
TIMEV="/usr/bin/time -v -o $T/time.txt"
start=$(date +%s.%N)
expect_rc 1 $TIMEV "$SHENLI" --store "$STORE" --user boss --passphrase-file "$T/pw/boss" case import --jsonl "$T/docket.jsonl"
end=$(date +%s.%N)
check "summary counts all $N" grep -q "^$N dossiers: " "$OUT"
grep "^$N dossiers" "$OUT"
python3 -c "print('import: %.1f s, %.0f dossiers/s' % ($end-$start, $N/($end-$start)))"
rss=$(awk -F': ' '/Maximum resident/{print $2}' "$T/time.txt")
check "peak memory was measured (${rss:-nothing})" test -n "$rss"
echo "peak RSS: $rss KiB"
if [ -z "${SHENLI_SANITIZED:-}" ]; then
	check "peak RSS under 256 MiB ($rss KiB)" test "${rss:-999999999}" -lt 262144
fi
expect_rc 0 as boss case list --zone Z1 --json
check "zone listing returns the zone's cases" pyjson 'len(d) > '"$((N / 4))"' and all(x["zone"]=="Z1" for x in d)' "$OUT"
# the table of so many rows is not held (streamed in one pass, in the
# widths of its first rows and of what case list knows: unit_out checks
# that it is the held table when those are the widths): the same rows, in
# order, aligned; its peak RSS is printed
python3 -c 'import json,sys; print("\n".join(x["case_id"] for x in json.load(open(sys.argv[1]))))' "$OUT" >"$T/ids"
/usr/bin/time -v "$SHENLI" --store "$STORE" --user boss --passphrase-file "$T/pw/boss" \
	case list --zone Z1 >"$T/table" 2>"$T/time.txt"
check "the plain listing: a header, then every case in order" sh -c \
	"head -1 '$T/table' | grep -q '^CASE ' && tail -n +2 '$T/table' | cut -d' ' -f1 | cmp -s - '$T/ids'"
check "its columns are aligned: the second starts at one place on every line" sh -c \
	"awk 'match(\$0, /^[^ ]+ +/) { print RLENGTH }' '$T/table' | sort -u | wc -l | grep -qx 1"
rss2=$(awk -F': ' '/Maximum resident/{print $2}' "$T/time.txt")
echo "case list of the zone, plain: peak RSS $rss2 KiB"
expect_rc 0 as aud audit verify
finish
