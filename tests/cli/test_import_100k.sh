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
expect_rc 0 as aud audit verify
finish
