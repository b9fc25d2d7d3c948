#!/usr/bin/env bash
# shenli demo --serve (issue 16): after the guided run the service keeps
# the demo's store, with the workbench on a free loopback port; it prints
# the URL, the demo's users and where their passphrases are (never one of
# them), serves until Ctrl-C (SIGINT), then stops the service and removes
# the temporary directory.
. "$(dirname "$0")/lib.sh"
export TMPDIR=$T
trap 'for p in $(jobs -p); do kill "$p" 2>/dev/null; done; _cleanup' EXIT
"$SHENLI" demo --serve >"$T/demo.out" 2>&1 </dev/null &
DEMO=$!
for _ in $(seq 600); do
	grep -q "Ctrl-C" "$T/demo.out" && break
	kill -0 "$DEMO" 2>/dev/null || break
	sleep 0.5
done
check "the demo ran, then serves" grep -q "Ctrl-C" "$T/demo.out" || { _show "$T/demo.out"; finish; }
PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$T/demo.out" | head -1)
DIR=$(find "$T" -maxdepth 1 -name 'shenli-demo.*' | head -1)
check "the URL is on loopback" test -n "$PORT"
check "the users are listed" grep -Eq "wang +leader +王建国" "$T/demo.out"
check "where their passphrases are" grep -q "$DIR/ID.pw" "$T/demo.out"
check "no passphrase printed" sh -c "! grep -qf '$DIR/wang.pw' '$T/demo.out'"
check "the sign-in page answers" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/login")" = 200
# the way the demo says: a session on its socket, then shenli open
mkdir -m 700 "$T/xdg"
cli() { SHENLI_SOCKET=$DIR/shenlid.sock XDG_RUNTIME_DIR=$T/xdg timeout 120 "$SHENLI" "$@" </dev/null; }
expect_rc 0 cli --user wang --passphrase-file "$DIR/wang.pw" login
expect_rc 0 cli open
URL=$(head -1 "$OUT")
curl -s -o /dev/null -c "$T/jar" "$URL"
curl -s -b "$T/jar" "http://127.0.0.1:$PORT/" >"$T/queue.html"
check "the leader's queue shows the demo's cases" grep -q "已签发" "$T/queue.html"
SVC=$(pgrep -P "$DEMO" -x shenlid | head -1)
check "the service is the demo's child" test -n "$SVC"
kill -INT "$DEMO"
wait "$DEMO"
rc=$?
check "Ctrl-C ends the demo cleanly (exit $rc)" test "$rc" -eq 0
check "the service stopped" sh -c "! kill -0 '$SVC' 2>/dev/null"
check "the temporary directory is removed" test ! -e "$DIR"
finish
