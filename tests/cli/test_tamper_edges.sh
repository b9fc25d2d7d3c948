#!/usr/bin/env bash
# Edges of tamper evidence that test_tamper.sh does not cover:
#  - the store file's SIZE: bytes appended after the last page, or a tail cut
#    off that only held the zero padding (vfs.h), change the file but no page's
#    content; spec/cli.md says "audit verify ... exit 6 on any tampering" and
#    verify claims "every page of the store read", so the file must be exactly
#    the pages the database has.
#  - anchors whose SEQ does not fit in 64 bits are malformed (exit 5), not
#    silently clamped to another anchor.
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1 # audit verify in shares too (lib.sh)

pwfile admin1 'Admin-passphrase-01' >/dev/null
pwfile u1 'User-passphrase-001' >/dev/null
expect_rc 0 sl --passphrase-file "$T/pw/admin1" init --admin admin1
expect_rc 0 as admin1 user add u1 --role member --new-passphrase-file "$T/pw/u1"
enrol u1
expect_rc 0 as admin1 audit verify

SIZE=$(stat -c %s "$STORE")
check "the store is whole 4 KiB pages (size $SIZE)" test $((SIZE % 4096)) -eq 0

C=$T/copy.db
fresh_copy() {
	rm -rf "$C" "$C.keys"
	cp "$STORE" "$C" && cp -a "$STORE.keys" "$C.keys"
}
verify_copy() { sl --store "$C" --user admin1 --passphrase-file "$T/pw/admin1" audit verify "$@"; }

fresh_copy
expect_rc 0 verify_copy

# a store file emptied: refused, and left as it was found (SQLite would
# otherwise write a first page into it on the way to the refusal)
fresh_copy
: >"$C"
rm -f "$C-wal" "$C-shm"
expect_rc 6 verify_copy
check "an emptied store file is said to be empty" grep -q "store file is empty" "$ERR"
check "... and nothing is written to it" test "$(stat -c %s "$C")" = 0 -a ! -e "$C-wal"
expect_rc 6 sl --store "$C" --user u1 --passphrase-file "$T/pw/u1" case list
check "... by any command" test "$(stat -c %s "$C")" = 0

fresh_copy
head -c 4096 /dev/zero >>"$C"
expect_rc 6 verify_copy || echo "       ^ a page of zero bytes appended to the store file"

fresh_copy
head -c 4096 "$STORE" >>"$C"
expect_rc 6 verify_copy || echo "       ^ a copy of page 1 appended to the store file"

fresh_copy
printf 'hidden payload outside every page' >>"$C"
expect_rc 6 verify_copy || echo "       ^ 33 bytes appended to the store file"

for cut in 1 12; do
	fresh_copy
	truncate -s -$cut "$C"
	expect_rc 6 verify_copy || echo "       ^ the last $cut byte(s) cut off (they were zero padding)"
done

# An anchor with a SEQ beyond 64 bits.
expect_rc 0 as admin1 audit head
H=$(cut -d: -f2 "$OUT")
expect_rc 5 as admin1 audit verify --anchor "99999999999999999999999:$H"
expect_rc 5 as admin1 audit verify --anchor "9223372036854775808:$H"

finish
