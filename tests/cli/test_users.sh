#!/usr/bin/env bash
# Users and roles: own passphrases, disable, slot swapping, passwd, list, and
# the role table (every refusal is exit 4 and an audited "denied" entry).
. "$(dirname "$0")/lib.sh"

pwfile admin1 'Admin-passphrase-01' >/dev/null
pwfile lead1 'Leader-passphrase-02' >/dev/null
pwfile mem1 'Member-passphrase-03' >/dev/null
pwfile spec1 'Specialist-passph-04' >/dev/null
pwfile aud1 'Auditor-passphrase-05' >/dev/null
pwfile alice 'Alice-passphrase-06' >/dev/null
pwfile bob 'Bob-passphrase-0007' >/dev/null
pwfile gone1 'Gone-passphrase-0008' >/dev/null
NEW_PW=$(pwfile mem1.new 'Member-new-passph-09')

expect_rc 0 sl --passphrase-file "$T/pw/admin1" init --admin admin1
add() { # add ID ROLE [more options]
	expect_rc 0 as admin1 user add "$1" --role "$2" "${@:3}" --new-passphrase-file "$T/pw/$1"
	enrol "$1"
}
expect_rc 0 as admin1 zone add Z1 --name '第一片区'
expect_rc 0 as admin1 agency add AG01 --name '第一派驻组' --zone Z1
expect_rc 0 as admin1 agency add AG02 --name '第二派驻组' --zone Z1
add lead1 leader --agency AG01 --zone Z1
add mem1 member --agency AG01 --zone Z1
add spec1 specialist
add aud1 auditor
add alice member --agency AG02
add bob member --agency AG02
add gone1 member

# --- each user unlocks with their own passphrase, and not with another's ----------
for u in admin1 lead1 mem1 spec1 aud1 alice bob; do
	expect_rc 0 as "$u" audit head
done
expect_rc 3 sl --user alice --passphrase-file "$T/pw/bob" audit head
expect_rc 3 sl --user bob --passphrase-file "$T/pw/alice" audit head
expect_rc 3 sl --user mem1 --passphrase-file "$T/pw/admin1" audit head
expect_rc 3 sl --user admin1 --passphrase-file "$T/pw/mem1" audit head

# --- swapped slot files open for nobody ----------------------------------------------
# (on a copy; the slot names its user and the user id is the AEAD's data)
SW=$T/swap.db
cp "$STORE" "$SW" && cp -a "$STORE.keys" "$SW.keys"
mv "$SW.keys/alice.slot" "$SW.keys/tmp.slot"
mv "$SW.keys/bob.slot" "$SW.keys/alice.slot"
mv "$SW.keys/tmp.slot" "$SW.keys/bob.slot"
for a in alice bob; do
	for p in alice bob; do
		expect_rc 3 sl --store "$SW" --user $a --passphrase-file "$T/pw/$p" audit head
	done
done
expect_rc 0 sl --store "$SW" --user admin1 --passphrase-file "$T/pw/admin1" audit head
# A copy of a user's own slot under another user's name (bob.slot := alice.slot)
cp "$STORE.keys/alice.slot" "$SW.keys/bob.slot"
expect_rc 3 sl --store "$SW" --user bob --passphrase-file "$T/pw/alice" audit head
expect_rc 3 sl --store "$SW" --user bob --passphrase-file "$T/pw/bob" audit head

# --- disable ---------------------------------------------------------------------------
cp "$STORE.keys/gone1.slot" "$T/gone1.slot.saved"
expect_rc 0 as admin1 user disable gone1
expect_rc 3 as gone1 audit head
check "the disabled user's slot is removed" test ! -e "$STORE.keys/gone1.slot"
# Putting the old slot back does not bring the user back: the store says disabled.
cp "$T/gone1.slot.saved" "$STORE.keys/gone1.slot"
expect_rc 3 as gone1 audit head
expect_rc 3 as gone1 user passwd --new-passphrase-file "$NEW_PW"
rm -f "$STORE.keys/gone1.slot"
expect_rc 5 as admin1 user disable gone1 # already disabled
expect_rc 5 as admin1 user disable nosuchuser
expect_rc 5 as admin1 user disable admin1 # not yourself
expect_rc 5 as admin1 user add gone1 --role member --new-passphrase-file "$T/pw/gone1" # ids never reused
expect_rc 5 as admin1 user add mem1 --role member --new-passphrase-file "$T/pw/gone1"
expect_rc 3 as gone1 audit head

# --- passwd ----------------------------------------------------------------------------
expect_rc 0 as mem1 user passwd --new-passphrase-file "$NEW_PW"
expect_rc 3 as mem1 audit head
expect_rc 0 sl --user mem1 --passphrase-file "$NEW_PW" audit head
expect_rc 0 sl --user mem1 --passphrase-file "$NEW_PW" user passwd --new-passphrase-file "$T/pw/mem1"
expect_rc 3 sl --user mem1 --passphrase-file "$NEW_PW" audit head
expect_rc 0 as mem1 audit head
check "no leftover .new slot after passwd" test -z "$(find "$STORE.keys" -type f ! -name '*.slot' ! -name '*.head')"
expect_rc 5 as mem1 user passwd --new-passphrase-file "$(pwfile short 'short12')"
expect_rc 0 as mem1 audit head
expect_rc 2 as mem1 user passwd bob --new-passphrase-file "$NEW_PW"

# --- user list --json --------------------------------------------------------------
expect_rc 0 as admin1 user list --json
cp "$OUT" "$T/users.json"
check "user list --json is valid JSON" python3 -c 'import json,sys; json.load(sys.stdin)' <"$T/users.json"
check "user list --json lists exactly the 8 users" \
	pyjson "sorted(u['id'] for u in d) == sorted(['admin1','lead1','mem1','spec1','aud1','alice','bob','gone1'])" "$T/users.json"
check "roles are as added" pyjson "{u['id']: u['role'] for u in d} == {'admin1':'admin','lead1':'leader','mem1':'member','spec1':'specialist','aud1':'auditor','alice':'member','bob':'member','gone1':'member'}" "$T/users.json"
check "only gone1 is disabled" pyjson "[u['id'] for u in d if u['disabled']] == ['gone1']" "$T/users.json"
check "agency and zone are kept" pyjson "[(u['agency'], u['zone']) for u in d if u['id'] == 'lead1'] == [('AG01', 'Z1')]" "$T/users.json"
expect_rc 0 as admin1 user list
check "user list (human) names every user" bash -c 'for u in admin1 lead1 mem1 spec1 aud1 alice bob gone1; do grep -qw "$u" "$1" || exit 1; done' _ "$OUT"

# --- what each role may do ------------------------------------------------------------------
for u in lead1 aud1; do
	expect_rc 0 as $u user list --json
	check "$u: user list --json is valid JSON" python3 -c 'import json,sys; json.load(sys.stdin)' <"$OUT"
done
expect_rc 0 as admin1 audit log
expect_rc 0 as aud1 audit log --json
check "auditor's audit log --json is valid JSON" python3 -c 'import json,sys; json.load(sys.stdin)' <"$OUT"
for u in admin1 lead1 mem1 spec1 aud1; do
	expect_rc 0 as $u audit verify
	expect_rc 0 as $u audit head
done
expect_rc 0 as lead1 user passwd --new-passphrase-file "$(pwfile lead1.b 'Leader-passphrase-0b')"
expect_rc 0 sl --user lead1 --passphrase-file "$T/pw/lead1.b" audit head
expect_rc 0 as spec1 user passwd --new-passphrase-file "$(pwfile spec1.b 'Specialist-passph-4b')"
cp "$T/pw/spec1.b" "$T/pw/spec1"

# --- what each role may not do: exit 4, and an audited denial ----------------------------
# Log length before the refusals, to find exactly their entries.
expect_rc 0 as aud1 audit head
SEQ0=$(cut -d: -f1 "$OUT")
cp "$T/pw/lead1.b" "$T/pw/lead1"
DENIALS=() # "actor wanted object"
deny() { # deny USER WANTED OBJECT ARGS...
	local u=$1 wanted=$2 obj=$3
	shift 3
	expect_rc 4 as "$u" "$@" && check "'$u $*' says not permitted" grep -qi 'not permitted' "$ERR"
	DENIALS+=("$u $wanted $obj")
}
for u in lead1 mem1 spec1 aud1; do
	deny $u user.add ghost.$u user add ghost.$u --role admin --new-passphrase-file "$T/pw/gone1"
	deny $u user.disable bob user disable bob
done
deny mem1 user.list users user list
deny spec1 user.list users user list --json
for u in lead1 mem1 spec1; do
	deny $u audit.log audit audit log --json
done

# None of the refused actions happened.
expect_rc 0 as aud1 user list --json
cp "$OUT" "$T/users2.json"
check "no ghost user was added" pyjson "not any(u['id'].startswith('ghost') for u in d)" "$T/users2.json"
check "bob is still enabled" pyjson "[u['disabled'] for u in d if u['id'] == 'bob'] == [False]" "$T/users2.json"
check "no ghost slot file" test -z "$(find "$STORE.keys" -name 'ghost*')"
expect_rc 0 as bob audit head
expect_rc 0 as aud1 audit head

# The audit log shows each refusal, once, as "denied" by that user.
expect_rc 0 as aud1 audit log --json --since "$SEQ0"
cp "$OUT" "$T/log.json"
check "audit log --json is valid JSON" python3 -c 'import json,sys; json.load(sys.stdin)' <"$T/log.json"
check_denials() {
	python3 - "$T/log.json" "${DENIALS[@]}" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
want = sorted(tuple(x.split(' ')) for x in sys.argv[2:])
got = sorted((e['actor'], e['details'].get('wanted'), e['object'])
             for e in log if e['action'] == 'denied')
if got != want:
    print('       want (actor, wanted, object):', want)
    print('       got:                         ', got)
    sys.exit(1)
other = [e['action'] for e in log if e['action'] != 'denied']
if other:
    print('       the refused commands also logged:', other)
    sys.exit(1)
EOF
}
check "audit log holds exactly the ${#DENIALS[@]} refusals, as 'denied' by their actor" check_denials
check "each denial is signed" pyjson "all(e['signed'] for e in d if e['action'] == 'denied')" "$T/log.json"
check "each denial names the actor's role" \
	pyjson "all(e['details']['role'] == {'lead1':'leader','mem1':'member','spec1':'specialist','aud1':'auditor'}[e['actor']] for e in d if e['action'] == 'denied')" "$T/log.json"

# The whole history is in the log, in order.
expect_rc 0 as admin1 audit log --json
check "the log starts with store.init" pyjson "d[0]['action'] == 'store.init' and d[0]['actor'] == 'admin1'" "$OUT"
# each user.add is followed by that user's own enrolment (user.enrol)
ADDED="['lead1','mem1','spec1','aud1','alice','bob','gone1']"
check "the log has 7 user.add each with its user.enrol, 1 user.disable, 4 user.passwd, in that order" \
	pyjson "[e['action'] for e in d if e['action'].startswith('user.')] == ['user.add', 'user.enrol']*7 + ['user.disable'] + ['user.passwd']*4" "$OUT"
check "the log names who did each user change" \
	pyjson "[(e['actor'], e['object']) for e in d if e['action'].startswith('user.')] == [p for u in $ADDED for p in [('admin1', u), (u, u)]] + [('admin1', 'gone1')] + [('mem1','mem1')]*2 + [('lead1','lead1'), ('spec1','spec1')]" "$OUT"
check "log seqs are 1..N" pyjson "[e['seq'] for e in d] == list(range(1, len(d) + 1))" "$OUT"
expect_rc 0 as admin1 audit verify

# --- a passphrase change commits only on the slot it unlocked ----------------
pwfile eve 'Eve-first-passph-10' >/dev/null
expect_rc 0 as admin1 user add eve --role member --zone Z1 --new-passphrase-file "$T/pw/eve"
# Two enrolments at once (the admin's passphrase known to two): one takes,
# the other is turned away, and the log verifies (both used to commit, and
# every command after failed on the second user.enrol).
E1=$(pwfile eve.a 'Eve-own-passphrase-A1') E2=$(pwfile eve.b 'Eve-own-passphrase-B2')
sl --user eve --passphrase-file "$T/pw/eve" user passwd --new-passphrase-file "$E1" >/dev/null 2>&1 &
P1=$!
sl --user eve --passphrase-file "$T/pw/eve" user passwd --new-passphrase-file "$E2" >/dev/null 2>&1 &
P2=$!
wait $P1; R1=$?; wait $P2; R2=$?
check "one of two enrolments at once takes ($R1, $R2)" test "$(( (R1 == 0) + (R2 == 0) ))" = 1
check "the other is an authentication failure" bash -c "[ $R1 = 3 ] || [ $R2 = 3 ]"
expect_rc 0 as admin1 audit verify
# A disable and the user's passwd at once: whichever commits first, the log
# verifies and a disabled user changes nothing.
sl --user alice --passphrase-file "$T/pw/alice" user passwd --new-passphrase-file "$E1" >/dev/null 2>&1 &
P1=$!
as admin1 user disable alice >/dev/null 2>&1 &
P2=$!
wait $P1; wait $P2
expect_rc 0 as admin1 audit verify
expect_rc 3 sl --user alice --passphrase-file "$E1" audit head
expect_rc 3 as alice audit head

# --- an auditor rotates a passphrase that may have leaked --------------------
AUD_NEW=$(pwfile aud1.new 'Auditor-new-passph-11')
expect_rc 0 as aud1 audit head
SEQ1=$(cut -d: -f1 "$OUT")
expect_rc 0 as aud1 user passwd --new-passphrase-file "$AUD_NEW"
expect_rc 3 as aud1 audit head # the old one no longer opens
expect_rc 0 sl --user aud1 --passphrase-file "$AUD_NEW" audit log --json --since "$SEQ1"
check "the auditor's change is one user.passwd entry, by the auditor" \
	pyjson "[(e['action'], e['actor'], e['object']) for e in d] == [('user.passwd', 'aud1', 'aud1')]" "$OUT"
expect_rc 0 sl --user aud1 --passphrase-file "$AUD_NEW" audit verify
expect_rc 0 as admin1 audit verify
cp "$AUD_NEW" "$T/pw/aud1"

# --- a FIFO as a passphrase file is refused, not waited on for ever ----------
mkfifo -m 600 "$T/pw/fifo"
expect_rc 5 timeout 20 "$SHENLI" --store "$STORE" --user admin1 --passphrase-file "$T/pw/fifo" audit head
check "--passphrase-file FIFO: not a regular file" grep -q 'not a regular file' "$ERR"
expect_rc 5 timeout 20 "$SHENLI" --store "$STORE" --user mem1 --passphrase-file "$T/pw/mem1" \
	user passwd --new-passphrase-file "$T/pw/fifo"
check "user passwd --new-passphrase-file FIFO: not a regular file" grep -q 'not a regular file' "$ERR"
expect_rc 5 timeout 20 "$SHENLI" --store "$STORE" --user admin1 --passphrase-file "$T/pw/admin1" \
	user add fifo1 --role member --new-passphrase-file "$T/pw/fifo"
check "user add --new-passphrase-file FIFO: not a regular file" grep -q 'not a regular file' "$ERR"
expect_rc 5 timeout 20 "$SHENLI" --store "$T/fifo.db" --passphrase-file "$T/pw/fifo" init --admin fifo0
check "init --passphrase-file FIFO: not a regular file" grep -q 'not a regular file' "$ERR"
check "init with a FIFO made no store" test ! -e "$T/fifo.db"
expect_rc 0 as mem1 audit head

# --- disable destroys every slot file of the user ----------------------------
# SLOT.new is what a crash between passwd's commit and its rename leaves: it
# holds the data key under the passphrase the user has now. SLOT.tmp is what
# a crash inside user add's write leaves.
pwfile slotty 'Slotty-first-pass-12' >/dev/null
add slotty member --zone Z1
cp "$STORE.keys/slotty.slot" "$T/slotty.old"
expect_rc 0 as slotty user passwd --new-passphrase-file "$(pwfile slotty.b 'Slotty-second-pass-13')"
mv "$STORE.keys/slotty.slot" "$STORE.keys/slotty.slot.new"
cp "$T/slotty.old" "$STORE.keys/slotty.slot"
cp "$T/slotty.old" "$STORE.keys/slotty.slot.tmp"
chmod 600 "$STORE.keys"/slotty.slot*
expect_rc 0 as admin1 user disable slotty
check "no slot file of the disabled user is left" test -z "$(find "$STORE.keys" -name 'slotty.slot*')"
expect_rc 3 sl --user slotty --passphrase-file "$T/pw/slotty.b" audit head
expect_rc 0 as admin1 audit verify

# --- disabled while a command of theirs runs: it commits nothing -------------
# Unlock checks that the user is enabled; every write checks it again once
# it holds the writers' turn. Else the command commits, the log's replay
# finds an entry by a disabled user, and no one can unlock any more.
pwfile lead2 'Leader-two-passph-14' >/dev/null
add lead2 leader --zone Z1
"$SHENLI" sample docket --cases 1 --seed 5 --start 302 >"$T/case.jsonl"
mkfifo -m 600 "$T/in.fifo"
# (not through sl, which reads from /dev/null)
timeout -k 5 120 "$SHENLI" --store "$STORE" --user lead2 --passphrase-file "$T/pw/lead2" \
	case import --jsonl - <"$T/in.fifo" >"$T/imp.out" 2>"$T/imp.err" &
PI=$!
exec 7>"$T/in.fifo"
# a malformed line is reported and writes nothing: once it is, the import
# has unlocked and waits for the next line
echo 'not json' >&7
for _ in $(seq 300); do grep -q malformed "$T/imp.err" && break; sleep 0.1; done
check "the import is under way" grep -q malformed "$T/imp.err"
expect_rc 0 as admin1 audit head
SEQ2=$(cut -d: -f1 "$OUT")
expect_rc 0 as admin1 user disable lead2
cat "$T/case.jsonl" >&7
exec 7>&-
wait $PI
RI=$?
check "the import of the disabled leader fails authentication (exit $RI)" test "$RI" = 3
check "... saying the user was disabled meanwhile" grep -q 'disabled by another command' "$T/imp.err"
expect_rc 0 as admin1 audit log --json --since "$SEQ2"
check "nothing of the import was written: only the disable is logged" \
	pyjson "[e['action'] for e in d] == ['user.disable']" "$OUT"
expect_rc 0 as aud1 case list --json
check "the case was not taken in" bash -c '! grep -q "ZSF-2024-302" "$1"' _ "$OUT"
expect_rc 0 as aud1 audit verify
expect_rc 0 as admin1 user list

# Two admins disabling each other at once: exactly one goes through. Made
# deterministic with the writers' turn (turnstile.h, PATH.lock): a lock of
# this test holds it while adm2 unlocks and queues for it; adm2 is then
# stopped, the turn freed, admin1's disable runs whole, and adm2 goes on.
pwfile adm2 'Admin-two-passph-15' >/dev/null
add adm2 admin
mkfifo -m 600 "$T/hold.fifo"
timeout 120 python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, 1)  # the turn (byte 1)
open(sys.argv[2], "w").close()
sys.stdin.read()' "$STORE.lock" "$T/held" <"$T/hold.fifo" &
PH=$!
exec 8>"$T/hold.fifo"
for _ in $(seq 300); do [ -e "$T/held" ] && break; sleep 0.1; done
# (8 closed: the holder waits for the last writer of its FIFO to go)
"$SHENLI" --store "$STORE" --user adm2 --passphrase-file "$T/pw/adm2" \
	user disable admin1 >"$T/b.out" 2>"$T/b.err" 8>&- &
PB=$!
waiting() { # someone holds want (byte 0): a writer queues for the turn
	python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)
except OSError:
    sys.exit(0)
sys.exit(1)' "$STORE.lock"
}
for _ in $(seq 300); do waiting && break; sleep 0.1; done
check "adm2 has unlocked and waits for the turn" waiting
kill -STOP $PB
exec 8>&-
wait $PH
expect_rc 0 as admin1 user disable adm2
kill -CONT $PB
wait $PB
RB=$?
check "adm2's disable of admin1, after adm2 was disabled, fails authentication (exit $RB)" test "$RB" = 3
check "... saying adm2 was disabled meanwhile" grep -q 'disabled by another command' "$T/b.err"
expect_rc 0 as admin1 audit verify
expect_rc 0 as aud1 audit verify
expect_rc 3 as adm2 audit head
expect_rc 0 as admin1 user list --json
check "admin1 is enabled, adm2 disabled" \
	pyjson "{u['id']: u['disabled'] for u in d if u['id'] in ('admin1', 'adm2')} == {'admin1': False, 'adm2': True}" "$OUT"


# --- the same passphrase again ------------------------------------------------
# Enrolling with the admin's choice would keep a passphrase the admin
# knows, with which the admin could act as the user (cli.md: after the
# first 'user passwd' the admin's choice no longer works): refused. Later,
# a "change" to the same one would change nothing while saying it did:
# refused too. Neither writes anything.
pwfile same1 'Same-first-passph-16' >/dev/null
pwfile same1own 'Same-own-passph-1616' >/dev/null
expect_rc 0 as admin1 user add same1 --role member --zone Z1 --new-passphrase-file "$T/pw/same1"
expect_rc 0 as admin1 audit head
SEQ3=$(cut -d: -f1 "$OUT")
expect_rc 5 as same1 user passwd --new-passphrase-file "$T/pw/same1"
check "enrolling with the admin's passphrase is refused, saying the admin knows it" grep -q 'the one the admin chose' "$ERR"
expect_rc 0 as admin1 audit log --json --since "$SEQ3"
check "the refused enrolment wrote nothing" pyjson "d == []" "$OUT"
check "... and left no SLOT.new" test ! -e "$STORE.keys/same1.slot.new"
expect_rc 0 as admin1 user list --json
check "... and same1 is still to enrol" pyjson "[u['enrolled'] for u in d if u['id'] == 'same1'] == [False]" "$OUT"
cp "$T/pw/same1own" "$T/pw/same1.next"
expect_rc 0 as same1 user passwd --new-passphrase-file "$T/pw/same1.next"
check "enrolled with a passphrase of their own" grep -q 'no longer works' "$OUT"
cp "$T/pw/same1own" "$T/pw/same1"
expect_rc 0 as admin1 audit head
SEQ3=$(cut -d: -f1 "$OUT")
expect_rc 5 as same1 user passwd --new-passphrase-file "$T/pw/same1"
check "a change to the same passphrase is refused as such" grep -q 'same as the current' "$ERR"
expect_rc 0 as admin1 audit log --json --since "$SEQ3"
check "the refused change wrote nothing" pyjson "d == []" "$OUT"
check "no SLOT.new is left" test ! -e "$STORE.keys/same1.slot.new"
expect_rc 0 as same1 audit head
expect_rc 0 as admin1 audit verify

finish
