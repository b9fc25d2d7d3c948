#!/usr/bin/env bash
# The encrypted store from the outside: init, what lands on disk, who gets in,
# exit codes of spec/cli.md for the common refusals.
. "$(dirname "$0")/lib.sh"

ADMIN_PW=$(pwfile admin1 'Adm1n-passphrase-xq')
pwfile lead.zh 'Leader-passphrase-7k' >/dev/null
pwfile spec.q9 'Specialist-pass-88' >/dev/null
pwfile aud.r2 'Auditor-passphrase-3' >/dev/null
WRONG_PW=$(pwfile wrong 'not-the-right-one')

# --- init ---------------------------------------------------------------------
expect_rc 0 sl --passphrase-file "$ADMIN_PW" init --admin admin1
check "init prints 'audit head SEQ:HEX64'" grep -Eq 'audit head [0-9]+:[0-9a-f]{64}$' "$OUT"
check "store file exists, mode 600" test "$(stat -c %a "$STORE" 2>/dev/null)" = 600
check "key dir exists, mode 700" test "$(stat -c %a "$STORE.keys" 2>/dev/null)" = 700

# Put distinctive plaintext into the store: zone and agency codes and their
# Chinese names, user ids, role names; the commands below add action names
# (user.add, user.disable, denied) to the audit log.
ZONE_ZH='华东测试片区甲'
AGENCY_ZH='某某派驻纪检监察组乙'
expect_rc 0 as admin1 zone add ZNKP0923 --name "$ZONE_ZH"
expect_rc 0 as admin1 zone add ZNJY7702 --name 'Zone seven seven'
expect_rc 0 as admin1 agency add AGQX4417 --name "$AGENCY_ZH" --zone ZNKP0923
expect_rc 0 as admin1 agency add AGWV5581 --name 'Agency five five' --zone ZNJY7702
expect_rc 0 as admin1 zone list --json
check "zone list --json gives the Chinese name back" \
	pyjson "[z['name'] for z in d if z['code'] == 'ZNKP0923'] == ['$ZONE_ZH']" "$OUT"
expect_rc 0 as admin1 agency list --json
check "agency list --json gives the Chinese name back" \
	pyjson "[a['name'] for a in d if a['code'] == 'AGQX4417'] == ['$AGENCY_ZH']" "$OUT"
expect_rc 0 as admin1 user add lead.zh --role leader --agency AGQX4417 --zone ZNKP0923 \
	--new-passphrase-file "$T/pw/lead.zh"
expect_rc 0 as admin1 user add spec.q9 --role specialist --agency AGWV5581 \
	--new-passphrase-file "$T/pw/spec.q9"
expect_rc 0 as admin1 user add aud.r2 --role auditor --zone ZNJY7702 \
	--new-passphrase-file "$T/pw/aud.r2"
enrol lead.zh
enrol spec.q9
expect_rc 0 as admin1 user disable aud.r2
# Chinese text from a user's hand also lands in the log as the object of a
# refusal: a specialist trying to disable "张伟测试" is denied (exit 4) and
# the denial, naming its object, is audited.
ZH='张伟测试'
expect_rc 4 as spec.q9 user disable "$ZH"
expect_rc 0 as admin1 audit log --json
check "the Chinese object of the denial is stored (audit log shows it)" \
	pyjson "any(e['action'] == 'denied' and e['object'] == '$ZH' for e in d)" "$OUT"

# Every shenli command closes the store: no WAL or journal left behind.
check "no -wal/-shm/-journal left after commands" \
	test -z "$(ls "$STORE"-* 2>/dev/null)"

not_in_files() { # not_in_files STRING FILE... : true if no file contains STRING
	! grep -a -F -q -e "$1" -- "${@:2}"
}
STORE_FILES=("$STORE")
for f in "$STORE"-wal "$STORE"-shm "$STORE"-journal; do
	[ -e "$f" ] && STORE_FILES+=("$f")
done
SLOTS=("$STORE.keys"/*.slot)
check "the key dir holds one slot per enabled user (${#SLOTS[@]})" test "${#SLOTS[@]}" -eq 3
# beside them each user's checkpoint (sealed under their own key), also
# checked below for plaintext
SLOTS=("$STORE.keys"/*)

# The SQLite header and schema text would be plaintext in an unencrypted file.
for s in 'SQLite format 3' 'CREATE TABLE' 'admin1' 'lead.zh' 'spec.q9' 'aud.r2' \
	AGQX4417 ZNKP0923 AGWV5581 ZNJY7702 leader specialist auditor \
	user.add user.disable store.init denied "$ZH" "$ZONE_ZH" "$AGENCY_ZH" '纪检监察' \
	'Zone seven seven' 'Agency five five' \
	Adm1n-passphrase-xq Leader-passphrase-7k Specialist-pass-88 Auditor-passphrase-3; do
	check "store file has no plaintext '$s'" not_in_files "$s" "${STORE_FILES[@]}"
done
# Key slots are JSON that name their user (the id is the AEAD's associated
# data, and the file name anyway): ids are expected there. Nothing else is.
for s in AGQX4417 ZNKP0923 AGWV5581 ZNJY7702 leader specialist auditor \
	user.add "$ZH" "$ZONE_ZH" "$AGENCY_ZH" Adm1n-passphrase-xq Leader-passphrase-7k Specialist-pass-88 \
	Auditor-passphrase-3; do
	check "key slots have no plaintext '$s'" not_in_files "$s" "${SLOTS[@]}"
done

# --- other tools cannot read it ---------------------------------------------------
expect_rc nonzero sqlite3 "$STORE" .tables
check "sqlite3 lists no tables" not_in_files users "$OUT"
expect_rc nonzero sqlite3 "$STORE" 'SELECT count(*) FROM sqlite_master'
expect_rc nonzero sqlcipher "$STORE" .tables
expect_rc nonzero sqlcipher "$STORE" 'SELECT * FROM users'
# Nor is the admin's passphrase the database key.
sqlcipher_key() {
	printf "PRAGMA key = '%s';\nSELECT count(*) FROM sqlite_master;\n" "$1" | sqlcipher "$STORE"
}
expect_rc nonzero sqlcipher_key Adm1n-passphrase-xq
check "sqlcipher with the passphrase as key printed no count" test ! -s "$OUT"

# --- authentication -------------------------------------------------------------
expect_rc 0 as admin1 audit head
check "audit head prints one line SEQ:HEX64" grep -Eqx '[0-9]+:[0-9a-f]{64}' "$OUT"
check "audit head output is exactly one line" test "$(wc -l <"$OUT")" -eq 1
expect_rc 3 sl --user admin1 --passphrase-file "$WRONG_PW" audit head
AUTH_MSG=$(cat "$ERR")
check "wrong passphrase: a message on stderr" test -n "$AUTH_MSG"
check "wrong passphrase: nothing on stdout" test ! -s "$OUT"
expect_rc 3 sl --user nosuchuser --passphrase-file "$ADMIN_PW" audit head
check "unknown user: same stderr as wrong passphrase" test "$(cat "$ERR")" = "$AUTH_MSG"
expect_rc 3 sl --user aud.r2 --passphrase-file "$T/pw/aud.r2" audit head
check "disabled user: same stderr as wrong passphrase" test "$(cat "$ERR")" = "$AUTH_MSG"
expect_rc 3 sl --user admin1 --passphrase-file "$T/pw/lead.zh" audit head
check "another user's passphrase: same stderr as wrong passphrase" test "$(cat "$ERR")" = "$AUTH_MSG"
# The environment can name the user (never the passphrase).
expect_rc 0 env SHENLI_USER=admin1 "$SHENLI" --store "$STORE" --passphrase-file "$ADMIN_PW" audit head
# --passphrase-fd works too.
expect_rc 0 sl --user admin1 --passphrase-fd 3 audit head 3<"$ADMIN_PW"
expect_rc 3 sl --user admin1 --passphrase-fd 3 audit head 3<"$WRONG_PW"
# Over the limit (1024 bytes) is invalid input whatever the length, by file
# or by descriptor; a '\r' before the newline is not counted.
for n in 1025 1026 4000; do
	pwfile long "$(head -c "$n" /dev/zero | tr '\0' a)" >/dev/null
	expect_rc 5 sl --user admin1 --passphrase-file "$T/pw/long" audit head
	check "a $n-byte passphrase: said to be too long" grep -q "longer than 1024" "$ERR"
	expect_rc 5 sl --user admin1 --passphrase-fd 3 audit head 3<"$T/pw/long"
done
pwfile long "$(head -c 1024 /dev/zero | tr '\0' a)" >/dev/null
expect_rc 3 sl --user admin1 --passphrase-file "$T/pw/long" audit head
printf '%s\r\n' "$(head -c 1024 /dev/zero | tr '\0' a)" >"$T/pw/long"
expect_rc 3 sl --user admin1 --passphrase-file "$T/pw/long" audit head

# --- init refuses an existing store ---------------------------------------------------
snapshot() { (cd "$T" && sha256sum store.db store.db.keys/* && ls -la store.db.keys | sed 1d | awk '{print $1, $NF}'); }
BEFORE=$(snapshot)
expect_rc nonzero sl --passphrase-file "$ADMIN_PW" init --admin admin1
expect_rc nonzero sl --passphrase-file "$WRONG_PW" init --admin intruder
check "init on an existing store left it byte for byte unchanged" test "$(snapshot)" = "$BEFORE"
check "no slot for the would-be admin" test ! -e "$STORE.keys/intruder.slot"
expect_rc 3 sl --user intruder --passphrase-file "$WRONG_PW" audit head
expect_rc 0 as admin1 audit verify

# --- passphrase files must be private -------------------------------------------------
GRP_PW=$T/pw/group
printf 'Adm1n-passphrase-xq\n' >"$GRP_PW"
chmod 640 "$GRP_PW"
expect_rc 5 sl --user admin1 --passphrase-file "$GRP_PW" audit head
check "the refusal says why (group/others, chmod 600)" grep -q 'chmod 600' "$ERR"
chmod 604 "$GRP_PW"
expect_rc 5 sl --user admin1 --passphrase-file "$GRP_PW" audit head
chmod 620 "$GRP_PW" # writable by group is not private either
expect_rc 5 sl --user admin1 --passphrase-file "$GRP_PW" audit head
chmod 640 "$GRP_PW"
expect_rc 5 sl --passphrase-file "$GRP_PW" init --admin x --store "$T/other.db"
check "no store created from a group-readable passphrase file" test ! -e "$T/other.db"
# ... and so must the new user's passphrase file.
printf 'Newuser-passphrase-1\n' >"$T/pw/newgrp"
chmod 640 "$T/pw/newgrp"
expect_rc 5 as admin1 user add newgrp --role member --new-passphrase-file "$T/pw/newgrp"
check "no slot for a user refused for a group-readable file" test ! -e "$STORE.keys/newgrp.slot"
# Short passphrase (< 8 characters).
SHORT_PW=$(pwfile short 'abc1234')
expect_rc 5 as admin1 user add shorty --role member --new-passphrase-file "$SHORT_PW"
expect_rc 5 sl --passphrase-file "$SHORT_PW" init --admin x --store "$T/other2.db"
check "no store created with a short passphrase" test ! -e "$T/other2.db"
expect_rc 5 sl --user admin1 --passphrase-file "$T/pw/does-not-exist" audit head

# --- usage ----------------------------------------------------------------------------
expect_rc 2 sl --passphrase-file "$ADMIN_PW" audit head
check "missing --user: says so" grep -q -- '--user' "$ERR"
expect_rc 2 sl --passphrase-file "$ADMIN_PW" user list
expect_rc 2 sl --passphrase-file "$ADMIN_PW" init --store "$T/other3.db"
check "init without --admin created nothing" test ! -e "$T/other3.db"
expect_rc 2 sl --passphrase-file "$ADMIN_PW" --passphrase-fd 0 --user admin1 audit head
for c in "init --help" "user --help" "audit --help" "--help" "user add --help" \
	"user list --help" "user passwd --help" "user disable --help" \
	"audit verify --help" "audit log --help" "audit head --help"; do
	# shellcheck disable=SC2086
	expect_rc 0 sl $c && check "'$c' prints a usage text on stdout" grep -qi usage "$OUT"
done
expect_rc 2 sl frobnicate
check "unknown command: named on stderr" grep -q frobnicate "$ERR"
expect_rc 2 sl
expect_rc 2 as admin1 user frobnicate
expect_rc 2 as admin1 audit frobnicate
expect_rc 2 as admin1 user
expect_rc 2 as admin1 audit
expect_rc 2 as admin1 audit log --bogus
expect_rc 2 as admin1 user add x --role member --bogus
expect_rc 2 as admin1 user add --role member
expect_rc 5 as admin1 user add badrole --role overlord --new-passphrase-file "$WRONG_PW"
expect_rc 5 as admin1 user add 'Bad/Id' --role member --new-passphrase-file "$WRONG_PW"
check "no slot file escapes the key dir" test -z "$(find "$T" -name '*.slot' ! -path "$STORE.keys/*")"
expect_rc 5 as admin1 audit log --since +5
expect_rc 5 as admin1 audit log --since 99999999999999999999
expect_rc 0 as admin1 audit verify

# --store naming what is not a store is said so (5), not taken for a
# wrong passphrase (3)
: >"$T/empty.db"
chmod 600 "$T/empty.db"
expect_rc 5 "$SHENLI" --store "$T/empty.db" --user admin1 --passphrase-file "$ADMIN_PW" zone list
check "an empty file is no store, and is named" grep -q "empty.db: not a shenli store" "$ERR"
expect_rc 5 "$SHENLI" --store "$T" --user admin1 --passphrase-file "$ADMIN_PW" zone list
check "a directory is no store" grep -q "a directory, not a store" "$ERR"
# the default store's directories are made as the XDG base directory
# specification asks: a new account may have no ~/.local/share
mkdir -m 700 "$T/newhome"
expect_rc 0 env -u XDG_DATA_HOME HOME="$T/newhome" "$SHENLI" --passphrase-file "$ADMIN_PW" init --admin admin1
check "the default store is made in ~/.local/share/shenli, mode 700" \
	test "$(stat -c %a "$T/newhome/.local/share/shenli" 2>/dev/null)" = 700
check "... and ~/.local/share is 700 too" test "$(stat -c %a "$T/newhome/.local/share" 2>/dev/null)" = 700

# --- what may still hold the data key after it should not ----------------
# a shred killed half-way (NAME.shred) and the slot of a user disabled by a
# command killed before its shreds: both gone at the next open
pwfile gone.u 'Gone-user-passphrase-1' >/dev/null
expect_rc 0 as admin1 user add gone.u --role member --new-passphrase-file "$T/pw/gone.u"
enrol gone.u
cp "$STORE.keys/gone.u.slot" "$T/gone.slot.copy"
cp "$STORE.keys/gone.u.slot" "$STORE.keys/gone.u.slot.new.shred"
expect_rc 0 as admin1 user disable gone.u
cp "$T/gone.slot.copy" "$STORE.keys/gone.u.slot" # as if the shreds never ran
expect_rc 0 as admin1 zone list
check "a leftover NAME.shred is wiped at the next open" test ! -e "$STORE.keys/gone.u.slot.new.shred"
check "a disabled user's slot left behind is shredded at the next open" test ! -e "$STORE.keys/gone.u.slot"
check "... and no file under the key directory holds its bytes" python3 - "$T/gone.slot.copy" "$STORE.keys" <<'PY'
import os, sys
b = open(sys.argv[1], "rb").read()
for root, _, files in os.walk(sys.argv[2]):
    for f in files:
        if open(os.path.join(root, f), "rb").read() == b:
            sys.exit(1)
PY
expect_rc 3 as gone.u zone list
expect_rc 0 as admin1 audit verify

# a FIFO given as a key to trust is refused at once, not waited on
mkfifo "$T/key.fifo"
expect_rc 5 timeout 10 "$SHENLI" --store "$STORE" --user admin1 --passphrase-file "$ADMIN_PW" keys trust "$T/key.fifo"
check "a FIFO as a key: not a regular file" grep -q "not a regular file" "$ERR"
expect_rc 5 timeout 10 "$SHENLI" --store "$T/fifo-init.db" --passphrase-file "$ADMIN_PW" init --admin admin1 --trust "$T/key.fifo"
check "... at init too, and no store is made" test ! -e "$T/fifo-init.db"

# a key directory owned by another user is refused at every open (root
# gives the store to nobody, then the key directory away from it)
if [ "$(id -u)" = 0 ]; then
	mkdir -m 711 "$T/nob"
	cp -a "$STORE" "$STORE.keys" "$T/nob/"
	for f in "$STORE"-wal "$STORE"-shm; do [ -e "$f" ] && cp -a "$f" "$T/nob/"; done
	install -m 600 "$ADMIN_PW" "$T/nob/pw"
	chown -R nobody "$T/nob"
	chmod 711 "$T"
	NOB_SHENLI=$SHENLI # nobody must reach the binary (a build under /root may be private)
	mkdir -m 755 "$T/nobin"
	if ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$SHENLI" 2>/dev/null; then
		install -m 755 "$SHENLI" "$T/nobin/shenli"
		NOB_SHENLI=$T/nobin/shenli
	fi
	# ... and what is preloaded into it (make valgrind's scrypt shim, in a
	# private directory: without it the slots' scrypt would not match)
	NOB_PRELOAD=
	pre=${LD_PRELOAD:-}
	for so in ${pre//:/ }; do
		install -m 755 "$so" "$T/nobin/${so##*/}"
		NOB_PRELOAD="$NOB_PRELOAD $T/nobin/${so##*/}"
	done
	chown root "$T/nob/store.db.keys"
	chmod 711 "$T/nob/store.db.keys"
	expect_rc 6 setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_PRELOAD="$NOB_PRELOAD" "$NOB_SHENLI" --store "$T/nob/store.db" --user admin1 --passphrase-file "$T/nob/pw" zone list
	check "a key directory of another user's: refused, named" grep -q "store.db.keys: owned by another user" "$ERR"
	chown nobody "$T/nob/store.db.keys"
	chmod 700 "$T/nob/store.db.keys"
	expect_rc 0 setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_PRELOAD="$NOB_PRELOAD" "$NOB_SHENLI" --store "$T/nob/store.db" --user admin1 --passphrase-file "$T/nob/pw" zone list
	chmod 700 "$T"
else
	echo "skip: a key directory owned by another user (needs root)"
fi

# output that cannot be written: exit 7, and whether the change was made
# is said (a script must not run a committed change again)
expect_rc 7 sh -c '"$0" --store "$1" --user admin1 --passphrase-file "$2" zone add ZNFULL01 --name 满盘 >/dev/full' "$SHENLI" "$STORE" "$ADMIN_PW"
check "output lost after a commit: the change is said to be made" grep -q "the change itself was made" "$ERR"
expect_rc 0 as admin1 zone list --json
check "... and it was" pyjson "any(z['code'] == 'ZNFULL01' for z in d)" "$OUT"
expect_rc 7 sh -c '"$0" --store "$1" --user admin1 --passphrase-file "$2" zone list >/dev/full' "$SHENLI" "$STORE" "$ADMIN_PW"
check "output lost of a command that changed nothing: said plainly" sh -c "grep -q 'writing output failed' '$ERR' && ! grep -q 'change itself' '$ERR'"

finish
