#!/usr/bin/env bash
# Tampering with the store file: a flipped byte anywhere (every page, its
# header, body, IV/HMAC and padding) and a rollback to an older copy are
# integrity violations (exit 6), never a crash and never "ok".
. "$(dirname "$0")/lib.sh"

pwfile admin1 'Admin-passphrase-01' >/dev/null
expect_rc 0 sl --passphrase-file "$T/pw/admin1" init --admin admin1
for i in 1 2 3 4 5 6; do
	pwfile u$i "User-passphrase-0$i" >/dev/null
	expect_rc 0 as admin1 user add u$i --role member --agency AG$i --zone Z$i \
		--new-passphrase-file "$T/pw/u$i"
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

# Per page: its first byte (page 1: the SQLCipher salt), 16 (page 1: the first
# encrypted byte), 100, the middle, the start of the 48 reserved bytes (IV),
# the HMAC, the 12 zero pad bytes, and the last byte.
OFFSETS=()
for ((k = 0; k < PAGES; k++)); do
	b=$((k * 4096))
	OFFSETS+=($b $((b + 16)) $((b + 100)) $((b + 2048)) $((b + 4048)) $((b + 4064)) \
		$((b + 4084)) $((b + 4095)))
done
OFFSETS+=(1 15 17 24 99)
FLIPS_OK=0
for off in "${OFFSETS[@]}"; do
	copy_store "$STORE" "$C"
	flip "$C" "$off"
	if expect_rc 6 verify_copy >/dev/null; then
		FLIPS_OK=$((FLIPS_OK + 1))
	else
		echo "       ^ flipped byte at offset $off (page $((off / 4096 + 1)), +$((off % 4096)))"
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
	"-1:$H" "x$SEQ:$H" "$SEQ:$H:1" "$SEQ;$H" "0:$H"; do
	expect_rc 5 as admin1 audit verify --anchor "$a" || echo "       ^ anchor '$a'"
done
expect_rc 2 as admin1 audit verify --anchor

# A rolled-back key dir alone (old slot for a changed passphrase) opens nothing.
copy_store "$LIVE" "$STORE"
cp "$OLD.keys/u1.slot" "$STORE.keys/u1.slot"
expect_rc nonzero as u1 audit head
check "old slot + old passphrase: refused as auth (3) or integrity (6), got $RC" \
	test "$RC" -eq 3 -o "$RC" -eq 6
copy_store "$LIVE" "$STORE"
expect_rc 0 sl --user u1 --passphrase-file "$T/pw/u1.new" audit verify --anchor "$HEAD"

finish
