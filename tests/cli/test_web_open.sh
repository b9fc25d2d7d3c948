#!/usr/bin/env bash
# shenli open (issue 16): a one-time URL of the workbench for the user
# logged in on the command line.
#
#   - a logged-in user gets http://127.0.0.1:PORT/open?t=TICKET (64 hex);
#     --json gives {"url"};
#   - its GET signs a browser in as that user: a 303 to "/" (the ticket
#     leaves the address bar) with a fresh HttpOnly, SameSite=Strict
#     cookie, not the id the browser brought, and the queue shows the user;
#   - a second use of the same ticket, a made-up one, a malformed one and a
#     request another site started (Sec-Fetch-Site: cross-site) are refused
#     with 403 and no cookie; the service logs the sign-in by ticket and
#     never the ticket;
#   - only the web front may redeem a ticket (a client of the socket that
#     is not is refused);
#   - on a terminal with DISPLAY set, xdg-open (a fake one here) gets the URL
#     as its one argument, and without a terminal it is not run;
#   - without a session `shenli open` exits 3; a service without --http
#     exits 7; the command's session goes on after the browser's sign-in.
. "$(dirname "$0")/lib.sh"
SHENLID=${SHENLID:-$(dirname "$SHENLI")/shenlid}
[ -x "$SHENLID" ] && [ -x "$(dirname "$SHENLID")/shenlid-web" ] || { fail "no shenlid and shenlid-web beside $SHENLI"; finish; }

pwfile root "passphrase of root" >/dev/null
pwfile lead "passphrase of lead" >/dev/null
expect_rc 0 sl --passphrase-file "$T/pw/root" init --admin root
expect_rc 0 as root zone add Z1 --name 第一片区
expect_rc 0 as root user add lead --role leader --zone Z1 --name 王建国 --new-passphrase-file "$T/pw/lead"
enrol lead

mkdir -m 700 "$T/run" "$T/xdg"
SOCK=$T/run/shenli.sock
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'for p in $(jobs -p); do kill "$p" 2>/dev/null; done; _cleanup' EXIT
cli() { SHENLI_SOCKET=$SOCK XDG_RUNTIME_DIR=$T/xdg timeout 120 "$SHENLI" "$@" </dev/null; }
# start [ARGS...]: shenlid on $STORE; DPID; up once the socket answers
start() {
	"$SHENLID" --store "$STORE" --socket "$SOCK" "$@" 2>>"$T/shenlid.log" &
	DPID=$!
	for _ in $(seq 100); do
		cli status >/dev/null 2>&1 && { [ "${1:-}" != --http ] || curl -s -o /dev/null "http://127.0.0.1:${2:-}/login"; } && return 0
		sleep 0.05
	done
	fail "shenlid did not come up"
	_show "$T/shenlid.log"
	return 1
}
stop() { kill "$DPID"; wait "$DPID" 2>/dev/null; }

# ---- a service without the workbench -------------------------------------------
start || finish
expect_rc 3 cli open
check "without a session: told to log in" grep -q "shenli login" "$ERR"
expect_rc 0 cli --user lead --passphrase-file "$T/pw/lead" login
expect_rc 7 cli open
check "without --http: told there is no workbench" grep -q -- "--http" "$ERR"
stop

# ---- with the workbench ------------------------------------------------------
start --http "$PORT" || finish
expect_rc 3 cli open # the service restarted: the session is gone
expect_rc 0 cli --user lead --passphrase-file "$T/pw/lead" login
expect_rc 0 cli open
URL=$(head -1 "$OUT")
check "the URL is the workbench's on loopback, with a ticket" \
	grep -Eqx "http://127\.0\.0\.1:$PORT/open\?t=[0-9a-f]{64}" "$OUT"
check "stdout holds the URL alone" test "$(wc -l <"$OUT")" -eq 1
expect_rc 0 cli open --json
check "--json: the URL" pyjson "d['url'].startswith('http://127.0.0.1:$PORT/open?t=')" "$OUT"
JURL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$OUT")

python3 - "$PORT" "$URL" "$JURL" >"$T/web.out" 2>&1 <<'PY'
import http.client, re, sys, urllib.parse
port, url, url2 = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def ok(cond, desc):
    print(("PASS " if cond else "FAIL ") + desc)

def get(path, sid=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"Host": "127.0.0.1:%d" % port}
    if sid:
        h["Cookie"] = "shenli_sid=" + sid
    h.update(headers or {})
    c.request("GET", path, headers=h)
    r = c.getresponse()
    body = r.read().decode("utf-8", "replace")
    c.close()
    return r.status, r.getheader("Set-Cookie") or "", r.getheader("Location"), body

path = urllib.parse.urlsplit(url)
path = path.path + "?" + path.query
# the browser brings an anonymous session of its own (the sign-in form's)
st, anon_cookie, _, _ = get("/login")
anon = re.match(r"shenli_sid=([0-9a-f]{64})", anon_cookie).group(1)
# another site's page cannot spend the ticket (and does not use it up)
st, ck, _, _ = get(path, anon, {"Sec-Fetch-Site": "cross-site"})
ok(st == 403 and not ck, "a request another site started is refused (403, no cookie)")
st, ck, loc, _ = get(path, anon, {"Sec-Fetch-Site": "none"})
ok(st == 303 and loc == "/", "the ticket signs the browser in: 303 to / (%d %s)" % (st, loc))
m = re.match(r"shenli_sid=([0-9a-f]{64}); HttpOnly; SameSite=Strict; Path=/$", ck)
ok(m is not None, "a session cookie, HttpOnly and SameSite=Strict: " + ck)
sid = m.group(1) if m else ""
ok(sid and sid != anon, "a fresh session id, not the one the browser brought")
st, _, _, body = get("/", sid)
ok(st == 200 and "我的待办" in body and "lead" in body, "the queue shows, for the command's user")
st, _, loc, _ = get("/", anon)
ok(st == 303 and loc == "/login", "the id the browser brought is no session")
st, ck, _, body = get(path)
ok(st == 403 and not ck and "链接无效" in body, "a second use of the same ticket is refused")
st, ck, _, _ = get("/open?t=" + "0" * 64)
ok(st == 403 and not ck, "a made-up ticket is refused")
for bad in ("/open", "/open?t=xyz", "/open?t=" + "A" * 64):
    st, ck, _, _ = get(bad)
    ok(st == 403 and not ck, "a malformed ticket is refused: " + bad)
u2 = urllib.parse.urlsplit(url2)
st, ck, _, _ = get(u2.path + "?" + u2.query)
ok(st == 303 and "shenli_sid=" in ck, "a second ticket of the same session works once too")
PY
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "${line#PASS }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	*) echo "  $line" ;;
	esac
done <"$T/web.out"
check "the browser checks ran, all of them" test "$(grep -c "^PASS" "$T/web.out")" -eq 12

# where a browser can be (a terminal, DISPLAY, xdg-open in PATH) the URL is
# handed to xdg-open as one argument; otherwise (no terminal) it is not
mkdir -m 700 "$T/fake"
printf '#!/bin/sh\nprintf "%%s\\n" "$#" "$1" >"%s/xdg.args"\n' "$T" >"$T/fake/xdg-open"
chmod 700 "$T/fake/xdg-open"
PATH=$T/fake:$PATH DISPLAY=:99 cli open >/dev/null 2>&1
sleep 0.5
check "without a terminal, xdg-open is not run" test ! -e "$T/xdg.args"
if command -v script >/dev/null; then
	SHENLI_SOCKET=$SOCK XDG_RUNTIME_DIR=$T/xdg PATH=$T/fake:$PATH DISPLAY=:99 \
		timeout 60 script -qec "$SHENLI open" /dev/null >"$T/tty.out" </dev/null 2>&1
	for _ in $(seq 40); do [ -s "$T/xdg.args" ] && break; sleep 0.05; done
	check "on a terminal with a display, xdg-open gets the URL as one argument" \
		test "$(head -1 "$T/xdg.args" 2>/dev/null)" = 1
	XURL=$(sed -n 2p "$T/xdg.args" 2>/dev/null)
	check "the URL it gets is the one printed" sh -c \
		"echo '$XURL' | grep -Eqx 'http://127\.0\.0\.1:$PORT/open\?t=[0-9a-f]{64}' && grep -qF '$XURL' '$T/tty.out'"
else
	echo "skip: no script(1) for a terminal"
fi

# only the web front redeems: this test's own client of the socket is not it
cli open >/dev/null 2>&1
TICKET=$(cli open 2>/dev/null | sed 's/.*t=//')
python3 - "$SOCK" "$TICKET" >"$T/redeem.out" <<'PY'
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
m = json.dumps({"op": "redeem", "ticket": sys.argv[2]}).encode()
s.sendall(struct.pack(">I", len(m)) + m)
n = struct.unpack(">I", s.recv(4))[0]
b = b""
while len(b) < n:
    b += s.recv(n - len(b))
print(json.loads(b))
PY
check "a client that is not the web front cannot redeem a ticket" grep -q "'rc': 4" "$T/redeem.out"
check "nor does it get a session" sh -c "! grep -q token '$T/redeem.out'"
expect_rc 0 cli status --json
check "the command's session goes on" pyjson "d['user'] == 'lead'" "$OUT"
expect_rc 0 cli logout
expect_rc 3 cli open

check "the service logs the sign-in by ticket" grep -q "login by ticket (shenli open).*user=lead" "$T/shenlid.log"
check "the web front logs it" grep -q "shenlid-web: sign-in by ticket (shenli open) user=lead" "$T/shenlid.log"
check "no ticket in the log" sh -c "! grep -Eq '[0-9a-f]{64}' '$T/shenlid.log'"
stop
finish
