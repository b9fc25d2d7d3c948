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
expect_rc 0 as spec1 user passwd --new-passphrase-file "$T/pw/spec1"

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
deny aud1 user.passwd aud1 user passwd --new-passphrase-file "$NEW_PW"

# None of the refused actions happened.
expect_rc 0 as aud1 user list --json
cp "$OUT" "$T/users2.json"
check "no ghost user was added" pyjson "not any(u['id'].startswith('ghost') for u in d)" "$T/users2.json"
check "bob is still enabled" pyjson "[u['disabled'] for u in d if u['id'] == 'bob'] == [False]" "$T/users2.json"
check "no ghost slot file" test -z "$(find "$STORE.keys" -name 'ghost*')"
expect_rc 0 as bob audit head
expect_rc 0 as aud1 audit head # passwd was refused: the old passphrase still works

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

finish
