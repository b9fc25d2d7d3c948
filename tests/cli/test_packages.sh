#!/usr/bin/env bash
# Signed packages: keys, install checks in order, the version floor, and a
# plugin file swapped after install. Packages are signed here with the
# stock openssl CLI, as an admin would on an offline machine.
. "$(dirname "$0")/lib.sh"
PLUGIN_SO=${SHENLI_TEST_PLUGIN:-}
[ -f "$PLUGIN_SO" ] || { fail "SHENLI_TEST_PLUGIN not set to the test plugin"; finish; }
for u in root lead; do pwfile "$u" "passphrase of $u" >/dev/null; done
K=$T/keys; mkdir -m 700 "$K"
for k in admin other old; do
	openssl genpkey -algorithm ed25519 -out "$K/$k.key" 2>/dev/null
	openssl pkey -in "$K/$k.key" -pubout -out "$K/$k.pub" 2>/dev/null
done

expect_rc 0 sl --passphrase-file "$T/pw/root" init --admin root --trust "$K/admin.pub"
check "init --trust names the key" grep -q "trusted key" "$OUT"
as root user add lead --role leader --new-passphrase-file "$T/pw/lead" >/dev/null
enrol lead

# the plugin ABI this host speaks (core/include/shenli/plugin.h)
ABI=$(sed -n 's/^#define SHENLI_PLUGIN_ABI \([0-9][0-9]*\).*/\1/p' \
	"$(dirname "$0")/../../core/include/shenli/plugin.h")
[ -n "$ABI" ] || { fail "no SHENLI_PLUGIN_ABI in plugin.h"; finish; }
# mkpkg DIR NAME VERSION ABI KEY [PAYLOAD]: a plugin package signed with openssl
mkpkg() {
	local d=$1 name=$2 ver=$3 abi=$4 key=$5 payload=${6:-$PLUGIN_SO}
	rm -rf "$d"; mkdir -p "$d"
	cp "$payload" "$d/$name.so"
	local size sha
	size=$(stat -c %s "$d/$name.so")
	sha=$(sha256sum "$d/$name.so" | cut -d' ' -f1)
	printf 'name=%s\nkind=plugin\nversion=%s\nabi=%s\nfile=%s.so\nsize=%s\nsha256=%s\n' \
		"$name" "$ver" "$abi" "$name" "$size" "$sha" > "$d/manifest"
	[ -n "$key" ] && openssl pkeyutl -sign -rawin -inkey "$K/$key.key" -in "$d/manifest" -out "$d/manifest.sig"
	return 0
}
P=$T/pkg

mkpkg "$P" hello 1 "$ABI" admin
expect_rc 0 as root plugin install "$P"
check "a package signed with the stock openssl CLI installs" grep -q "installed plugin hello v1" "$OUT"
expect_rc 0 as root plugin list --json
check "list shows it with its hash and signer" pyjson 'd[0]["name"]=="hello" and d[0]["version"]==1 and len(d[0]["sha256"])==64' "$OUT"
expect_rc 0 as root plugin verify
check "the installed plugin loads and answers" grep -q "hello: intact" "$OUT"
expect_rc 4 as lead plugin install "$P"
expect_rc 0 as lead plugin list

# refusals, each with the documented code
mkpkg "$P" hello 2 "$ABI" ""
expect_rc 6 as root plugin install "$P"                       # unsigned
mkpkg "$P" hello 2 "$ABI" other
expect_rc 6 as root plugin install "$P"                       # untrusted key
expect_rc 0 as root keys trust "$K/old.pub" --comment "retired builder"
OLD=$(grep -o '[0-9a-f]\{16\}' "$OUT")
mkpkg "$P" hello 2 "$ABI" old
expect_rc 0 as root keys revoke "$OLD"
expect_rc 6 as root plugin install "$P"                       # revoked key
expect_rc 4 as root keys trust "$K/old.pub"                    # never again
# weak keys: the identity point (under it the constant signature R = the
# identity, S = 0 verifies for every manifest), a point of order 8, and a
# non-canonical y (= p): refused, naming why, and nothing written
weakpem() { # weakpem HEX32 FILE
	{ echo "-----BEGIN PUBLIC KEY-----"
	  printf "$(printf '302a300506032b6570032100%s' "$1" | sed 's/../\\x&/g')" | base64 -w0
	  echo
	  echo "-----END PUBLIC KEY-----"; } > "$2"
}
weakpem "01$(printf '0%.0s' $(seq 62))" "$K/weak1.pub"
weakpem 26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85 "$K/weak8.pub"
weakpem "ed$(printf 'f%.0s' $(seq 60))7f" "$K/weakp.pub"
HEAD0=$(as root audit head)
for w in weak1 weak8 weakp; do
	expect_rc 5 as root keys trust "$K/$w.pub"
	check "the $w key is refused as weak" grep -q "weak Ed25519 key" "$ERR"
done
check "nothing was written for the weak keys" [ "$(as root audit head)" = "$HEAD0" ]
expect_rc 5 sl --passphrase-file "$T/pw/root" --store "$T/weak.db" init --admin root --trust "$K/weak1.pub"
check "init refuses a weak trust anchor and leaves no store" [ ! -e "$T/weak.db" ]

mkpkg "$P" hello 2 "$ABI" admin
printf '\001' | dd of="$P/hello.so" bs=1 seek=100 conv=notrunc 2>/dev/null
expect_rc 6 as root plugin install "$P"                       # tampered payload
mkpkg "$P" hello 2 "$ABI" admin
sed -i 's/version=2/version=3/' "$P/manifest"
expect_rc 6 as root plugin install "$P"                       # tampered manifest
mkpkg "$P" hello 2 99 admin
expect_rc 5 as root plugin install "$P"                       # wrong abi
mkpkg "$P" hello 2 "$ABI" admin
printf 'name=hello\nkind=plugin\n' > "$P/manifest"
openssl pkeyutl -sign -rawin -inkey "$K/admin.key" -in "$P/manifest" -out "$P/manifest.sig"
expect_rc 5 as root plugin install "$P"                       # malformed manifest
mkpkg "$P" hello 3 "$ABI" admin
expect_rc 0 as root plugin install "$P"
mkpkg "$P" hello 2 "$ABI" admin
expect_rc 6 as root plugin install "$P"                       # rolled back
check "the rollback is named" grep -qi "rollback" "$ERR"
expect_rc 0 as root plugin remove hello
expect_rc 6 as root plugin install "$P"                       # floor kept after remove
mkpkg "$P" hello 3 "$ABI" admin
expect_rc 0 as root plugin install "$P"

# the installed file swapped after install: refused and audited
SO=$(ls "$STORE".pkg/hello@3/hello.so)
chmod u+w "$SO"
printf '\001' | dd of="$SO" bs=1 seek=200 conv=notrunc 2>/dev/null
chmod u-w "$SO"
expect_rc 6 as root plugin verify
check "the refusal says the file changed" grep -q "changed" "$ERR"
expect_rc 0 as root audit log --json
check "the refusal is audited" pyjson 'any(e["action"]=="plugin.refused" and e["object"]=="hello" for e in d)' "$OUT"
check "install, revoke and remove are audited" pyjson \
	'{"plugin.install","keys.trust","keys.revoke","plugin.remove"} <= {e["action"] for e in d}' "$OUT"
expect_rc 6 as root audit verify
check "audit verify finds the changed file too" grep -q "hello.*changed" "$ERR"
# ---- the same version again -------------------------------------------------
# the same bytes mend the file in force, never leaving the name empty
expect_rc 0 as root plugin install "$P"
expect_rc 0 as root plugin verify
check "the same package again puts back the file changed behind the log" grep -q "hello: intact" "$OUT"
expect_rc 0 as root audit verify
# other bytes under the version in force: refused, and the file in force
# stays (it was removed first, and a failed install then left none)
printf 'not the same bytes' >"$T/other.so"
N0=$(as root audit log --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
mkpkg "$P" hello 3 "$ABI" admin "$T/other.so"
expect_rc 6 as root plugin install "$P"
check "other bytes under the same version are refused, naming why" grep -q "higher version" "$ERR"
expect_rc 0 as root plugin verify
check "... and the plugin in force is untouched" grep -q "hello: intact" "$OUT"
N1=$(as root audit log --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "... and nothing was logged" test "$N0" = "$N1"
expect_rc 0 as root audit verify

# mkscript DIR NAME VERSION: a script package of DIR/NAME.lua, signed
mkscript() {
	local d=$1 size sha
	size=$(stat -c %s "$d/$2.lua")
	sha=$(sha256sum "$d/$2.lua" | cut -d' ' -f1)
	printf 'name=%s\nkind=script\nversion=%s\nabi=1\nfile=%s.lua\nsize=%s\nsha256=%s\n' \
		"$2" "$3" "$2" "$size" "$sha" >"$d/manifest"
	openssl pkeyutl -sign -rawin -inkey "$K/admin.key" -in "$d/manifest" -out "$d/manifest.sig"
}
# a script the host would never load is refused at install, not at sign-off
mkdir -p "$T/big"
{ echo 'function check(c) end'; head -c 1100000 /dev/zero | tr '\0' '-'; echo; } >"$T/big/big.lua"
mkscript "$T/big" big 1
expect_rc 5 as root script install "$T/big"
check "a script over 1 MiB is refused as too large" grep -q "1024 KiB" "$ERR"
expect_rc 0 as root script list --json
check "... and not installed" pyjson 'not any(p["name"] == "big" for p in d)' "$OUT"

# two installs at once: v3 has passed its floor check and waits for the
# store while v5 installs; v3 must then be refused as the rollback it has
# become (it was committed, and every later unlock refused the log)
if [ -r /proc/locks ]; then
	for v in 3 5; do
		mkdir -p "$T/g$v"
		printf 'function check(c) end -- v%s\n' "$v" >"$T/g$v/g.lua"
		mkscript "$T/g$v" g "$v"
	done
	INO=$(stat -c %i "$STORE.lock")
	python3 - "$STORE.lock" "$T/held" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, 1, 0)   # the writers' turn (turnstile.c)
open(sys.argv[2], "w").close()
time.sleep(120)
PY
	HOLD=$!
	for _ in $(seq 1000); do [ -e "$T/held" ] && break; sleep 0.01; done
	"$SHENLI" --store "$STORE" --user root --passphrase-file "$T/pw/root" \
		script install "$T/g3" >"$T/g3.out" 2>"$T/g3.err" </dev/null &
	G3=$!
	# v3 waits for its turn: it holds "want" (byte 0, shared) meanwhile
	WANT="OFDLCK +ADVISORY +READ .*:$INO 0 0\$"
	for _ in $(seq 3000); do
		grep -Eq "$WANT" /proc/locks && break
		sleep 0.01
	done
	check "v3 waits for the store" grep -Eq "$WANT" /proc/locks
	kill -STOP "$G3"
	kill "$HOLD"; wait "$HOLD" 2>/dev/null
	expect_rc 0 as root script install "$T/g5"
	kill -CONT "$G3"
	wait "$G3"; G3RC=$?
	check "v3, overtaken by v5, is refused as a rollback (exit 6)" test "$G3RC" = 6
	check "... saying so" grep -qi "rollback" "$T/g3.err"
	expect_rc 0 as root script list --json
	check "v5 is in force" pyjson 'any(p["name"] == "g" and p["version"] == 5 for p in d)' "$OUT"
	expect_rc 0 as root audit verify
else
	echo "skip: two installs at once (no /proc/locks)"
fi
finish
