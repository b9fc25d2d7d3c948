#!/usr/bin/env bash
# Tampering with the store file: a flipped byte anywhere (every page, its
# header, body, IV/HMAC and padding) and a rollback to an older copy are
# integrity violations (exit 6), never a crash and never "ok".
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1 # audit verify in shares too (lib.sh)

pwfile admin1 'Admin-passphrase-01' >/dev/null
expect_rc 0 sl --passphrase-file "$T/pw/admin1" init --admin admin1
for i in 1 2 3 4 5 6; do
	expect_rc 0 as admin1 zone add Z$i --name "第${i}片区"
	expect_rc 0 as admin1 agency add AG$i --name "第${i}派驻纪检监察组" --zone Z$i
done
for i in 1 2 3 4 5 6; do
	pwfile u$i "User-passphrase-0$i" >/dev/null
	expect_rc 0 as admin1 user add u$i --role member --agency AG$i --zone Z$i \
		--new-passphrase-file "$T/pw/u$i"
	enrol u$i
done
expect_rc 0 as admin1 user disable u6
expect_rc 4 as u1 user list # a denial, in the log too
expect_rc 0 as admin1 audit verify

# copy_store SRC DST: the file, its key dir, and a WAL if one were left.
copy_store() {
	rm -rf "$2" "$2.keys" "$2-wal" "$2-shm"
	cp "$1" "$2" && cp -a "$1.keys" "$2.keys" || return 1
	[ ! -e "$1-wal" ] || cp "$1-wal" "$2-wal"
}
flip() { # flip FILE OFFSET: xor one byte with 0xff
	python3 - "$1" "$2" <<'EOF'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, 'r+b') as f:
    f.seek(off)
    b = f.read(1)
    assert len(b) == 1, 'offset past the end'
    f.seek(off)
    f.write(bytes([b[0] ^ 0xff]))
EOF
}
verify_copy() { sl --store "$C" --user admin1 --passphrase-file "$T/pw/admin1" audit verify "$@"; }

# --- a flipped byte ------------------------------------------------------------------------
SIZE=$(stat -c %s "$STORE")
PAGES=$((SIZE / 4096))
check "the store is whole 4 KiB pages (size $SIZE)" test $((SIZE % 4096)) -eq 0
check "the populated store has several pages ($PAGES)" test "$PAGES" -ge 4

C=$T/copy.db
copy_store "$STORE" "$C"
expect_rc 0 verify_copy # the copy itself is fine: what follows is the flip

# Offsets 0 (the SQLCipher salt), 16 (the first encrypted byte) and 100 of
# page 1; then for every page its middle, its last byte, and in turn its first
# byte, the start of its 48 reserved bytes (IV), its HMAC, its 12 zero pad bytes.
OFFSETS=(0 1 15 16 17 24 99 100)
for ((k = 0; k < PAGES; k++)); do
	b=$((k * 4096))
	case $((k % 4)) in
	0) x=$b ;;
	1) x=$((b + 4048)) ;;
	2) x=$((b + 4064)) ;;
	3) x=$((b + 4084)) ;;
	esac
	OFFSETS+=("$((b + 2048))" "$((b + 4095))" "$x")
done
# Each flip on its own copy; a few at a time (scrypt makes each unlock slow).
JOBS=$(nproc 2>/dev/null || echo 2)
[ "$JOBS" -gt 4 ] && JOBS=4
flip_one() { # flip_one OFF: copy, flip, verify; leaves $T/f.OFF.{rc,out,err}
	local c=$T/f.$1.db
	copy_store "$STORE" "$c" && flip "$c" "$1" || { echo 99 >"$T/f.$1.rc"; return; }
	sl --store "$c" --user admin1 --passphrase-file "$T/pw/admin1" audit verify \
		>"$T/f.$1.out" 2>"$T/f.$1.err"
	echo $? >"$T/f.$1.rc"
	rm -rf "$c" "$c.keys"
}
for off in "${OFFSETS[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	flip_one "$off" &
done
wait
FLIPS_OK=0
for off in "${OFFSETS[@]}"; do
	where="offset $off (page $((off / 4096 + 1)), +$((off % 4096)))"
	rc=$(cat "$T/f.$off.rc" 2>/dev/null || echo none)
	if [ "$rc" = 6 ]; then
		pass "exit 6: audit verify with a flipped byte at $where"
		FLIPS_OK=$((FLIPS_OK + 1))
	else
		fail "expected exit 6, got $rc: audit verify with a flipped byte at $where"
		_show "$T/f.$off.err"
		_show "$T/f.$off.out"
	fi
done
echo "flipped-byte copies detected: $FLIPS_OK of ${#OFFSETS[@]}"
# A flipped byte is also caught by commands that are not 'verify' when they read
# the damaged page (page 1 is read by every unlock).
copy_store "$STORE" "$C"
flip "$C" 2048
expect_rc 6 sl --store "$C" --user admin1 --passphrase-file "$T/pw/admin1" user list --json

# A shortened file is tampering too (cutting into the HMAC, or a whole page;
# test_tamper_edges.sh has the cases that touch only the zero padding).
for cut in 20 100 4096; do
	copy_store "$STORE" "$C"
	truncate -s -$cut "$C"
	expect_rc 6 verify_copy
done
expect_rc 0 as admin1 audit verify # the original was never touched

# --- rollback -----------------------------------------------------------------------------
expect_rc 0 as admin1 audit head
OLD_HEAD=$(cat "$OUT")
OLD=$T/old.db
copy_store "$STORE" "$OLD"
pwfile u7 'User-passphrase-07' >/dev/null
expect_rc 0 as admin1 user add u7 --role leader --new-passphrase-file "$T/pw/u7"
enrol u7
expect_rc 0 as u1 user passwd --new-passphrase-file "$(pwfile u1.new 'User-passphrase-1b')"
expect_rc 0 as admin1 user disable u2
expect_rc 0 as admin1 audit head
HEAD=$(cat "$OUT")
check "audit head moved ($OLD_HEAD -> $HEAD)" test "$HEAD" != "$OLD_HEAD"
check "audit head is SEQ:HEX64" grep -Eqx '[0-9]+:[0-9a-f]{64}' <<<"$HEAD"

LIVE=$T/live.db
copy_store "$STORE" "$LIVE"
# Roll the store back: the old file and key dir in its place.
copy_store "$OLD" "$STORE"
expect_rc 0 as admin1 audit verify # on its own the old store is consistent...
expect_rc 6 as admin1 audit verify --anchor "$HEAD" # ...but does not reach the anchor
check "the rollback refusal is on stderr" test -s "$ERR"
expect_rc 6 as admin1 audit verify --anchor="$HEAD"
expect_rc 0 as admin1 audit verify --anchor "$OLD_HEAD"
# The live store extends both heads.
copy_store "$LIVE" "$STORE"
expect_rc 0 as admin1 audit verify --anchor "$HEAD"
check "verify says it extends the anchor" grep -qF "$HEAD" "$OUT"
expect_rc 0 as admin1 audit verify --anchor "$OLD_HEAD"
# Right seq, wrong hash; an older seq with a hash from elsewhere.
SEQ=${HEAD%%:*}
H=${HEAD#*:}
BADH=$(printf '%s' "$H" | tr '0-9a-f' '1-9a-f0')
expect_rc 6 as admin1 audit verify --anchor "$SEQ:$BADH"
expect_rc 6 as admin1 audit verify --anchor "${OLD_HEAD%%:*}:$H"
expect_rc 6 as admin1 audit verify --anchor "$((SEQ + 1)):$H"

# Malformed anchors: invalid input, before any unlock.
for a in '' garbage "$SEQ" "$SEQ:" ":$H" "$SEQ:${H:1}" "$SEQ:${H}0" "$SEQ:${H:0:63}g" \
	"-1:$H" "x$SEQ:$H" "$SEQ:$H:1" "$SEQ;$H" "0:$H" " $SEQ:$H" "+$SEQ:$H"; do
	expect_rc 5 as admin1 audit verify --anchor "$a" || echo "       ^ anchor '$a'"
done
expect_rc 2 as admin1 audit verify --anchor

# A rolled-back key slot alone (the slot from before a passphrase change)
# opens nothing: the store records which slot is current (store.h: integrity).
copy_store "$LIVE" "$STORE"
cp "$OLD.keys/u1.slot" "$STORE.keys/u1.slot"
expect_rc 6 as u1 audit head
expect_rc 3 sl --user u1 --passphrase-file "$T/pw/u1.new" audit head
copy_store "$LIVE" "$STORE"
expect_rc 0 sl --user u1 --passphrase-file "$T/pw/u1.new" audit verify --anchor "$HEAD"

finish
