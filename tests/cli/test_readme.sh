#!/usr/bin/env bash
# The README's session block, run as it is written (issue 13): in a fresh
# home, with the built tree's packages, key and examples, every command
# must succeed (the one that says 'exit 1' is written '|| true' there) and
# the store must verify at the end.
. "$(dirname "$0")/lib.sh"
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/gate_findings" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] ||
	{ fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
SRC=$(cd "$(dirname "$0")/../.." && pwd)
python3 - "$SRC/README.md" "$T/session.sh" <<'PY'
import sys, re
text = open(sys.argv[1], encoding="utf-8").read()
part = text.split("## A session", 1)[1]
block = re.search(r"```sh\n(.*?)```", part, re.S).group(1)
open(sys.argv[2], "w", encoding="utf-8").write(block)
PY
check "the README has a session block" test -s "$T/session.sh"
mkdir -m 700 "$T/home" "$T/bin2"
ln -s "$SHENLI" "$T/bin2/shenli"
(
	cd "$T/home" || exit 9
	export HOME="$T/home" PATH="$T/bin2:$PATH" SHENLI_PACKAGES="$PK" \
		SHENLI_EXAMPLES="$SRC/doc/examples"
	set -e
	bash -e "$T/session.sh"
) >"$OUT" 2>"$ERR"
rc=$?
if [ $rc -eq 0 ]; then
	pass "the README's session runs as written"
else
	fail "the README's session stopped with exit $rc"
	_show "$ERR"
	tail -20 "$OUT" | _show /dev/stdin
fi
check "it signed the case off" grep -q "signed off" "$OUT"
check "it verified the whole log at the end" grep -q "audit log ok" "$OUT"
check "the report is a PDF" bash -c "head -c 5 '$T/home/report.pdf' | grep -q '%PDF'"
check "the return letter is a PDF" bash -c "head -c 5 '$T/home/return-letter.pdf' | grep -q '%PDF'"
finish
