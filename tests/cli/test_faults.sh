#!/usr/bin/env bash
# A full disk and a read-only store: a write that cannot be made fails with
# exit 7 and a message naming the problem, and nothing is lost: audit verify
# passes, what was written before is all there, and the failed command left
# nothing behind (no rows, no audit entry, no key slot, the old passphrase
# still opens).
#
# The store lives on a small tmpfs when mount is permitted (root); else that
# part is skipped with a line saying so, and the disk-full checks run with
# RLIMIT_FSIZE (ulimit -f) alone, which makes writes fail with EFBIG.
. "$(dirname "$0")/lib.sh"

MNT=$T/mnt
mkdir -m 700 "$MNT"
TMPFS=
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=3m,mode=0700 tmpfs "$MNT" 2>"$ERR"; then
	TMPFS=1
	STORE=$MNT/store.db
else
	echo "# skip: cannot mount a tmpfs ($(head -c 200 "$ERR")): disk full with ulimit -f only, no read-only mount"
fi
# lib.sh removes $T on exit: unmount first (keeping the exit code)
_unmount() {
	[ "$(id -u)" -eq 0 ] || return 0
	umount "$STORE" 2>/dev/null
	[ -z "$TMPFS" ] || umount "$MNT" 2>/dev/null || umount -l "$MNT"
}
trap 'rc=$?; _unmount; (exit $rc); _cleanup' EXIT
. "$(dirname "$0")/cases_setup.sh"

N=0 # dossier index counter: each batch is new
batch() { # batch N -> $T/b.jsonl and $T/b.ids: N new dossiers
	"$SHENLI" sample docket --cases "$1" --seed 3 --start $((100000 + N)) >"$T/b.jsonl"
	N=$((N + $1))
	python3 -c 'import json,sys; [print(json.loads(l)["case_id"]) for l in open(sys.argv[1])]' "$T/b.jsonl" >"$T/b.ids"
}
: >"$T/have.ids" # every case id that must be in the store
# ids_in FILE STATE: is every id of FILE in the store (all) or none of them (none)?
ids_in() {
	as boss case list --json >"$T/list.json" || return 1
	python3 - "$T/list.json" "$1" "$2" <<'PY'
import json, sys
have = {c["case_id"] for c in json.load(open(sys.argv[1]))}
ids = open(sys.argv[2]).read().split()
n = sum(1 for i in ids if i in have)
want = len(ids) if sys.argv[3] == "all" else 0
if n != want:
    print("       %d of %d present, want %s" % (n, len(ids), sys.argv[3]))
sys.exit(0 if n == want else 1)
PY
}
disk_msg() { grep -Eqi "disk is full|I/O error|no space|read-only|too large" "$ERR"; }
head_now() { as aud audit head 2>/dev/null; }

# --- disk full: imports until the tmpfs is full -------------------------------
if [ -n "$TMPFS" ]; then
	FULL=
	for k in $(seq 1 40); do
		batch 60
		as boss case import --jsonl "$T/b.jsonl" >"$OUT" 2>"$ERR"
		rc=$?
		case $rc in
		0 | 1) cat "$T/b.ids" >>"$T/have.ids" ;;
		7) FULL=$k; break ;;
		*) fail "import $k on a filling disk: exit $rc"; _show "$ERR"; break ;;
		esac
	done
	echo "# the tmpfs filled up at import $FULL (of 60 dossiers each): $(df -k --output=used,avail "$MNT" | tail -1) KiB used, free"
	check "a full disk stops an import with exit 7" test -n "$FULL"
	check "the message names the disk" disk_msg
	sed -n '1,3s/^/       | /p' "$ERR"
	cp "$T/b.ids" "$T/failed.ids"
	expect_rc 0 as aud audit verify
	check "every import before the full disk is there" ids_in "$T/have.ids" all
	check "the import that did not fit left no case" ids_in "$T/failed.ids" none
	expect_rc 0 as aud audit log --json
	check "and no audit entry" python3 -c '
import json, sys
ids = set(open(sys.argv[2]).read().split())
sys.exit(1 if any(e["object"] in ids for e in json.load(open(sys.argv[1]))) else 0)' "$OUT" "$T/failed.ids"

	# Every few KiB of free space from none up (the tmpfs grown by a MiB,
	# a filler file taking the rest): a passphrase change, a user add
	# (both write a key slot beside the store), an import. Each either
	# works or fails with exit 7; the store stays whole.
	mount -o remount,size=4m "$MNT" || fail "cannot grow the tmpfs"
	free_kib() { df -k --output=avail "$MNT" | tail -1 | tr -d ' '; }
	fill_to() { # leave $1 KiB free
		rm -f "$MNT/filler"
		local f
		f=$(free_kib)
		[ "$f" -gt "$1" ] && dd if=/dev/zero of="$MNT/filler" bs=1K count=$((f - $1)) 2>/dev/null
		return 0
	}
	PW=$T/pw/m3
	NOK=0 N7=0 MSGS=
	# (a sanitizer build, SHENLI_SANITIZED, tries three of the levels)
	LEVELS="0 8 16 24 32 40 48 64 96 128 192"
	[ -n "${SHENLI_SANITIZED:-}" ] && LEVELS="0 48 192"
	for m in $LEVELS; do
		fill_to "$m"
		newpw=$(pwfile "m3.$m" "passphrase of m3, take $m")
		sl --user m3 --passphrase-file "$PW" user passwd --new-passphrase-file "$newpw" >"$OUT" 2>"$ERR"
		r1=$?
		[ $r1 -eq 7 ] && { disk_msg || fail "passwd at $m KiB free: exit 7 without naming the disk"; MSGS="$MSGS|$(head -n1 "$ERR")"; }
		pwfile "u$m" "passphrase of u$m" >/dev/null
		as root user add "u$m" --role member --new-passphrase-file "$T/pw/u$m" >"$OUT" 2>"$ERR"
		r2=$?
		[ $r2 -eq 7 ] && { disk_msg || fail "user add at $m KiB free: exit 7 without naming the disk"; MSGS="$MSGS|$(head -n1 "$ERR")"; }
		batch 10
		as boss case import --jsonl "$T/b.jsonl" >"$OUT" 2>"$ERR"
		r3=$?
		[ $r3 -eq 7 ] && { disk_msg || fail "import at $m KiB free: exit 7 without naming the disk"; MSGS="$MSGS|$(head -n1 "$ERR")"; }
		rm -f "$MNT/filler"
		echo "# $m KiB free: passwd exit $r1, user add exit $r2, import exit $r3"
		for r in $r1 $r2; do
			case $r in 0) NOK=$((NOK + 1)) ;; 7) N7=$((N7 + 1)) ;; *) fail "at $m KiB free: exit $r (want 0 or 7)" ;; esac
		done
		case $r3 in 0 | 1) NOK=$((NOK + 1)) ;; 7) N7=$((N7 + 1)) ;; *) fail "import at $m KiB free: exit $r3" ;; esac
		# and afterwards, with the space back
		sl --user aud --passphrase-file "$T/pw/aud" audit verify >"$OUT" 2>"$ERR" ||
			{ fail "audit verify after $m KiB free: exit $?"; _show "$ERR"; }
		if [ $r1 -eq 0 ]; then
			PW=$newpw
		else
			[ "$(sl --user m3 --passphrase-file "$newpw" audit head >/dev/null 2>&1; echo $?)" = 3 ] ||
				fail "passwd failed at $m KiB free, yet the new passphrase opens"
		fi
		sl --user m3 --passphrase-file "$PW" audit head >/dev/null 2>&1 ||
			fail "after passwd (exit $r1) at $m KiB free, m3's passphrase does not open"
		# a user just added opens only to choose their own passphrase
		lrc=$(as "u$m" audit head >/dev/null 2>"$T/l.err"; echo $?)
		[ "$lrc" = 3 ] && grep -q "user passwd" "$T/l.err" && lrc=pending
		[ "$r2" -eq 0 ] && [ "$lrc" != pending ] && fail "u$m added (exit 0) but cannot log in to enrol ($lrc)"
		[ "$r2" -ne 0 ] && [ "$lrc" != 3 ] && fail "user add of u$m failed, yet login gives $lrc (want 3)"
		[ "$r2" -ne 0 ] && [ -e "$STORE.keys/u$m.slot" ] && fail "user add of u$m failed but left its key slot"
		ls "$STORE.keys" | grep -Eq '\.(new|tmp)$' && fail "a .new or .tmp key slot was left behind at $m KiB free"
		if [ $r3 -le 1 ]; then
			cat "$T/b.ids" >>"$T/have.ids"
			ids_in "$T/b.ids" all || fail "import at $m KiB free said exit $r3, its cases are not all there"
		else
			ids_in "$T/b.ids" none || fail "import at $m KiB free failed (exit $r3), yet some cases are there"
		fi
	done
	echo "# near-full writes: $NOK done, $N7 refused with exit 7; messages:"
	printf '%s\n' "${MSGS#|}" | tr '|' '\n' | sort | uniq -c | sed 's/^/#   /'
	check "some writes near a full disk were refused ($N7) and some done ($NOK)" test "$N7" -gt 0 -a "$NOK" -gt 0
	check "nothing written before is lost" ids_in "$T/have.ids" all
fi

# --- RLIMIT_FSIZE: the file may not grow (EFBIG) -------------------------------------
H=$(head_now)
batch 200
# SIGXFSZ ignored, as a process that handles it sees it: EFBIG
(ulimit -f 64 && trap '' XFSZ && exec "$SHENLI" --store "$STORE" --user boss \
	--passphrase-file "$T/pw/boss" case import --jsonl "$T/b.jsonl" </dev/null) >"$OUT" 2>"$ERR"
RC=$?
check "with writes past 64 KiB refused (EFBIG) an import exits 7 ($RC)" test "$RC" -eq 7
check "the message names the I/O problem" disk_msg
sed -n '1,3s/^/       | /p' "$ERR"
# the default action of SIGXFSZ
{ (ulimit -f 64 && exec "$SHENLI" --store "$STORE" --user boss \
	--passphrase-file "$T/pw/boss" case import --jsonl "$T/b.jsonl" </dev/null) >"$OUT" 2>"$ERR"; } 2>/dev/null
RC=$?
echo "# with SIGXFSZ at its default action the import ends with exit $RC$([ $RC -eq 153 ] && echo ' (killed by SIGXFSZ)')"
check "... and is 7 or a kill by SIGXFSZ ($RC)" test "$RC" -eq 7 -o "$RC" -eq 153
expect_rc 0 as aud audit verify
check "the store is unchanged" test "$(head_now)" = "$H"
check "no case of it was written" ids_in "$T/b.ids" none
check "nothing written before is lost" ids_in "$T/have.ids" all

# --- a read-only store -----------------------------------------------------------------
# 1. the store file read-only (its directory writable): a bind mount made
#    read-only as root, chmod otherwise (root ignores the mode)
RO=
if [ "$(id -u)" -eq 0 ]; then
	mount --bind "$STORE" "$STORE" 2>"$ERR" && mount -o remount,bind,ro "$STORE" 2>>"$ERR" && RO=mount
	[ -z "$RO" ] && umount "$STORE" 2>/dev/null
else
	chmod 0400 "$STORE" && RO=chmod
fi
if [ -n "$RO" ]; then
	H=$(head_now)
	check "a read-only store file still opens for reading" test -n "$H"
	expect_rc 0 as aud audit verify
	expect_rc 0 as lead case list --json
	batch 5
	expect_rc 7 as boss case import --jsonl "$T/b.jsonl"
	check "the message says read-only" grep -q "read-only" "$ERR"
	newpw=$(pwfile m3.ro "passphrase of m3, read-only")
	expect_rc 7 sl --user m3 --passphrase-file "$PW" user passwd --new-passphrase-file "$newpw"
	check "the message says read-only" grep -q "read-only" "$ERR"
	pwfile uro "passphrase of uro" >/dev/null
	expect_rc 7 as root user add uro --role member --new-passphrase-file "$T/pw/uro"
	check "no key slot is left for the user not added" test ! -e "$STORE.keys/uro.slot"
	check "no .new or .tmp slot is left" bash -c "! ls '$STORE.keys' | grep -Eq '\.(new|tmp)$'"
	expect_rc 0 sl --user m3 --passphrase-file "$PW" audit head
	expect_rc 3 sl --user m3 --passphrase-file "$newpw" audit head
	check "nothing was written" test "$(head_now)" = "$H"
	if [ "$RO" = mount ]; then umount "$STORE"; else chmod 0600 "$STORE"; fi
else
	echo "# skip: cannot make the store file read-only ($(head -c 200 "$ERR"))"
fi

# 2. the whole file system read-only (the tmpfs remounted ro): no -shm can
#    be made for the WAL, so not even reads can open the store; a clear
#    exit 7 either way
if [ -n "$TMPFS" ] && mount -o remount,ro "$MNT" 2>"$ERR"; then
	expect_rc 7 as boss case import --jsonl "$T/b.jsonl"
	check "the message names the problem" disk_msg
	sed -n '1,2s/^/       | /p' "$ERR"
	as aud audit verify >"$OUT" 2>"$ERR"
	RC=$?
	echo "# audit verify on a read-only file system: exit $RC $(head -n1 "$ERR")"
	check "reads on a read-only file system work or exit 7 ($RC)" test "$RC" -eq 0 -o "$RC" -eq 7
	mount -o remount,rw "$MNT"
elif [ -n "$TMPFS" ]; then
	echo "# skip: cannot remount the tmpfs read-only"
fi

# --- and afterwards everything works ----------------------------------------------------
batch 20
as boss case import --jsonl "$T/b.jsonl" >"$OUT" 2>"$ERR"
check "an import works again (exit $?: 0, or 1 for deferred dossiers)" test $? -le 1
cat "$T/b.ids" >>"$T/have.ids"
expect_rc 0 as aud audit verify
check "every case reported imported is there" ids_in "$T/have.ids" all
finish
