#!/usr/bin/env bash
# The web workbench in a real browser (issue 16): Debian's chromium and
# chromium-driver, driven by python3-selenium (browser_e2e.py), against
# shenlid --http on loopback. Through the pages only (clicks, typing, file
# uploads), a leader and two members take a case of agency ZRJ from intake
# to sign-off:
#
#   受理 (upload, accepted) -> 组成审理组 (m2 and m3 picked; m1, whose home
#   agency transferred the case, and m9 of zone Z2 shown disabled) ->
#   运行审查 -> 退回补查 (a finding picked, an item of the leader's own,
#   previewed, confirmed) -> 上传补充材料 (the agency's answer) -> 运行审查 ->
#   审理意见 of m2 and m3, each then seeing the team's side by side -> the
#   panel's opinion with m3's dissent -> 签发 (the gates pass, the report
#   PDF is A4);
#
# and the recused m1 and the other zone's m9, signed in, get for the case
# the same 404 (未找到) as for a case that does not exist. Each state is
# checked on the page and through the service (`shenli case show --json`
# in the auditor's session).
#
# Every page is saved: $SHENLI_SCREENSHOTS if set, else screenshots/ beside
# the shenli binary (build/screenshots), NN-step.png, kept after the test.
# No browser is a failure, not a skip: `make test` installs them
# (tools/deps.sh test).
. "$(dirname "$0")/lib.sh"
SHENLID=${SHENLID:-$(dirname "$SHENLI")/shenlid}
[ -x "$SHENLID" ] && [ -x "$(dirname "$SHENLID")/shenlid-web" ] || { fail "no shenlid and shenlid-web beside $SHENLI"; finish; }
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/gate_panel" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] || { fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
missing=
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
/usr/bin/python3 -c 'import selenium' 2>/dev/null || missing="$missing python3-selenium"
[ -z "$missing" ] || { fail "not installed:$missing (sh tools/deps.sh test installs them)"; finish; }

. "$(dirname "$0")/cases_setup.sh"
install_checks gates

# The case: a sample dossier of zone Z1 whose first fact rests on the
# subject's statement alone, transferred by ZRJ (m1's home agency).
z1_dossier confession_only "$T/c0.json" || { fail "no sample dossier of zone Z1"; finish; }
python3 - "$T/c0.json" "$T/dossier.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["agency"] = "ZRJ"
d["case_id"] = "ZRJ-" + d["case_id"].split("-", 1)[1]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
C=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_id"])' "$T/dossier.json")

SHOTS=${SHENLI_SCREENSHOTS:-$(dirname "$SHENLI")/screenshots}
mkdir -p "$SHOTS" || { fail "cannot make $SHOTS"; finish; }
SHOTS=$(cd "$SHOTS" && pwd)
rm -f "$SHOTS"/[0-9][0-9]-*.png "$SHOTS/report.pdf"
echo "# screenshots: $SHOTS"

# ---- the service with its web front ------------------------------------------
mkdir -m 700 "$T/run" "$T/xdg"
SOCK=$T/run/shenli.sock
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'for p in $(jobs -p); do kill "$p" 2>/dev/null; done; _cleanup' EXIT
"$SHENLID" --store "$STORE" --socket "$SOCK" --http "$PORT" 2>"$T/shenlid.log" &
DPID=$!
up=
for _ in $(seq 200); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && up=1 && break
	sleep 0.05
done
[ -n "$up" ] || { fail "shenlid --http did not come up"; _show "$T/shenlid.log"; finish; }
# the service's view, for the checks beside the pages: the auditor's session
cli() { SHENLI_SOCKET=$SOCK XDG_RUNTIME_DIR=$T/xdg timeout 120 "$SHENLI" "$@" </dev/null; }
expect_rc 0 cli --user aud --passphrase-file "$T/pw/aud" login
expect_rc 0 cli case list --json
check "before the browser: the case is not in the store" sh -c "! grep -q '$C' '$OUT'"

# ---- the browser -------------------------------------------------------------
t0=$SECONDS
SHENLI=$SHENLI SHENLI_SOCKET=$SOCK XDG_RUNTIME_DIR=$T/xdg TMPDIR=$T \
	timeout -k 10 200 /usr/bin/python3 "$(dirname "$0")/browser_e2e.py" "$PORT" "$T/pw" "$T/dossier.json" "$SHOTS" \
	>"$T/browser.out" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "${line#PASS }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	*) echo "  $line" ;;
	esac
done <"$T/browser.out"
[ "$rc" -eq 0 ] || fail "browser_e2e.py exited $rc after $((SECONDS - t0)) s"
check "the browser's flow ran to its end" grep -q "^PASS the whole flow ran through the browser" "$T/browser.out"
echo "# screenshots: $SHOTS ($(ls "$SHOTS" | grep -c '\.png$') pages)"

expect_rc 0 cli case show "$C" --json
check "the service's last word: the case is signed off" pyjson "d['state'] == 'signed_off'" "$OUT"
expect_rc 0 cli audit verify
kill "$DPID"
wait "$DPID" 2>/dev/null
check "no passphrase in the service's log" sh -c "! grep -q 'passphrase of' '$T/shenlid.log'"
# under make asan: a leak or an error in either process is written there
check "no sanitizer report from the service or the web front" sh -c "! grep -q Sanitizer '$T/shenlid.log'"
finish
