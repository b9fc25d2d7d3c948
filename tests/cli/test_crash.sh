#!/usr/bin/env bash
# kill -9 at random moments of state-changing commands (user add, user passwd,
# user disable). Whatever a command reported as done (exit 0) must survive;
# a killed command may have happened or not, but never halfway: the store
# opens, the audit log verifies, and users are exactly as the log says.
#
# SHENLI_CRASH_ITERS (default 40; 12 in a sanitizer build, SHENLI_SANITIZED:
# a killed process reports nothing to a sanitizer, the checks after each kill
# do) and SHENLI_CRASH_SEED (default: random, printed) make a run repeatable.
. "$(dirname "$0")/lib.sh"

ITERS=${SHENLI_CRASH_ITERS:-$([ -n "${SHENLI_SANITIZED:-}" ] && echo 12 || echo 40)}
SEED=${SHENLI_CRASH_SEED:-$(($(date +%s%N) % 32768))}
RANDOM=$SEED
echo "# seed $SEED (SHENLI_CRASH_SEED=$SEED to repeat), $ITERS iterations"

ms() { echo $(($(date +%s%N) / 1000000)); }

pwfile admin1 'Admin-passphrase-01' >/dev/null
P0=$(pwfile pwu.0 'Passwd-user-phrase-0')
PF=$(pwfile pwu.first 'Passwd-user-first-0')
expect_rc 0 sl --passphrase-file "$T/pw/admin1" init --admin admin1
# How long each kind of command takes here (mostly scrypt), to aim the kills.
t0=$(ms)
expect_rc 0 as admin1 user add pwu --role member --new-passphrase-file "$PF"
t1=$(ms)
expect_rc 0 sl --user pwu --passphrase-file "$PF" user passwd --new-passphrase-file "$P0"
t2=$(ms)
expect_rc 0 as admin1 user add tmp0 --role member --new-passphrase-file "$P0"
t3=$(ms)
expect_rc 0 as admin1 user disable tmp0
t4=$(ms)
DUR_ADD=$((t1 - t0))
DUR_PASSWD=$((t2 - t1))
DUR_DISABLE=$((t4 - t3))
echo "# a user add takes ${DUR_ADD} ms, passwd ${DUR_PASSWD} ms, disable ${DUR_DISABLE} ms"

ADDED_OK=()    # user add reported success
ADDED_KILLED=() # killed: may or may not exist
DIS_OK=()
DIS_KILLED=()
DIS_TODO=()    # added (reported) and never a disable attempted
CUR=$P0        # pwu's passphrase file, as far as we know
PW_OK=0
PW_KILLED=0
PW_TOOK=0 # killed passwd that turned out to have taken effect
KILLED=0
COMPLETED=0

# run_killed DUR_MS ARGS...: shenli --store $STORE ARGS in the background; sleep
# at random, kill -9 if it is still running. Half the kills land anywhere
# from the start to 30% past the usual duration DUR_MS, half from 80% to
# 140% of it, around the commit and the slot writes and renames.
# Sets KRC: the command's exit code, or 137 if the kill got it first.
run_killed() {
	local dur=$1
	shift
	"$SHENLI" --store "$STORE" "$@" </dev/null >"$OUT" 2>"$ERR" &
	local pid=$!
	local r=$((RANDOM * 32768 + RANDOM)) d
	if [ $((RANDOM % 2)) -eq 0 ]; then
		d=$((r % (dur * 13 / 10 + 1)))
	else
		d=$((dur * 8 / 10 + r % (dur * 6 / 10 + 1)))
	fi
	sleep "$((d / 1000)).$(printf %03d $((d % 1000)))"
	kill -9 "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	KRC=$?
	if [ "$KRC" -eq 137 ]; then
		KILLED=$((KILLED + 1))
	else
		COMPLETED=$((COMPLETED + 1))
	fi
}
completed_ok() { # completed_ok DESC: a command that was not killed must have succeeded
	[ "$KRC" -eq 137 ] && return 1
	if [ "$KRC" -eq 0 ]; then
		return 0
	fi
	fail "$1: not killed, yet exit $KRC"
	_show "$ERR"
	return 1
}

# After a killed passwd from OLD to NEW: exactly one of them opens.
resolve_passwd() {
	local old=$1 new=$2
	sl --user pwu --passphrase-file "$new" audit head >"$OUT" 2>"$ERR"
	local rn=$?
	if [ "$rn" -eq 0 ]; then
		CUR=$new
		PW_TOOK=$((PW_TOOK + 1))
		return
	fi
	[ "$rn" -eq 3 ] || {
		fail "after a killed passwd, the new passphrase gave exit $rn (want 0 or 3)"
		_show "$ERR"
	}
	sl --user pwu --passphrase-file "$old" audit head >"$OUT" 2>"$ERR"
	local ro=$?
	if [ "$ro" -eq 0 ]; then
		CUR=$old
	else
		fail "after a killed passwd, neither passphrase opens (new: $rn, old: $ro)"
		_show "$ERR"
	fi
}

for ((i = 1; i <= ITERS; i++)); do
	kind=$((i % 3))
	[ "$kind" -eq 2 ] && [ "${#DIS_TODO[@]}" -eq 0 ] && kind=0
	case $kind in
	0) # user add
		u=u$i
		pwfile $u "User-$i-passphrase" >/dev/null
		run_killed $DUR_ADD --user admin1 --passphrase-file "$T/pw/admin1" \
			user add $u --role member --new-passphrase-file "$T/pw/$u"
		if completed_ok "user add $u"; then
			ADDED_OK+=("$u")
			DIS_TODO+=("$u")
		elif [ "$KRC" -eq 137 ]; then
			ADDED_KILLED+=("$u")
		fi
		what="user add $u"
		;;
	1) # pwu changes their passphrase
		new=$(pwfile pwu.$i "Passwd-user-phrase-$i")
		run_killed $DUR_PASSWD --user pwu --passphrase-file "$CUR" \
			user passwd --new-passphrase-file "$new"
		if completed_ok "user passwd ($i)"; then
			CUR=$new
			PW_OK=$((PW_OK + 1))
		elif [ "$KRC" -eq 137 ]; then
			PW_KILLED=$((PW_KILLED + 1))
			resolve_passwd "$CUR" "$new"
		fi
		what="user passwd"
		;;
	2) # disable an earlier user, picked at random
		j=$((RANDOM % ${#DIS_TODO[@]}))
		u=${DIS_TODO[$j]}
		DIS_TODO=("${DIS_TODO[@]:0:$j}" "${DIS_TODO[@]:$((j + 1))}")
		run_killed $DUR_DISABLE --user admin1 --passphrase-file "$T/pw/admin1" user disable $u
		if completed_ok "user disable $u"; then
			DIS_OK+=("$u")
		elif [ "$KRC" -eq 137 ]; then
			DIS_KILLED+=("$u")
		fi
		what="user disable $u"
		;;
	esac
	printf '# %2d %-18s %s\n' $i "$what" "$([ $KRC -eq 137 ] && echo killed || echo "exit $KRC")"
done
echo "# commands: $KILLED killed, $COMPLETED completed"
echo "# user add: ${#ADDED_OK[@]} done, ${#ADDED_KILLED[@]} killed;" \
	"user disable: ${#DIS_OK[@]} done, ${#DIS_KILLED[@]} killed;" \
	"user passwd: $PW_OK done, $PW_KILLED killed ($PW_TOOK of those took effect)"
check "some commands were killed ($KILLED) and some completed ($COMPLETED)" \
	test "$KILLED" -gt 0 -a "$COMPLETED" -gt 0

# --- afterwards ------------------------------------------------------------------------------
expect_rc 0 as admin1 audit verify
expect_rc 0 as admin1 user list --json
cp "$OUT" "$T/users.json"
check "user list --json is valid JSON" python3 -c 'import json,sys; json.load(sys.stdin)' <"$T/users.json"
expect_rc 0 as admin1 audit log --json
cp "$OUT" "$T/log.json"

state() { # state ID -> "absent" | "enabled" | "disabled"
	python3 - "$T/users.json" "$1" <<'EOF'
import json, sys
u = [x for x in json.load(open(sys.argv[1])) if x['id'] == sys.argv[2]]
print('absent' if not u else 'disabled' if u[0]['disabled'] else 'enabled')
EOF
}
in_list() { [ "$(state "$1")" = "$2" ]; }
# 0: opens; pending: the first passphrase is right but opens nothing until
# the user chooses their own (exit 3 saying so); else the exit code
login_rc() {
	sl --user "$1" --passphrase-file "$T/pw/$1" audit head >/dev/null 2>"$T/login.err"
	local rc=$?
	if [ $rc -eq 3 ] && grep -q "user passwd" "$T/login.err"; then echo pending; else echo $rc; fi
}
is_in() { local x=$1; shift; for y in "$@"; do [ "$x" = "$y" ] && return 0; done; return 1; }

for u in "${ADDED_OK[@]}"; do
	if is_in $u "${DIS_OK[@]}"; then
		check "$u (added, disabled) is listed disabled" in_list $u disabled
		check "$u (disabled) cannot log in" test "$(login_rc $u)" = 3
	elif is_in $u "${DIS_KILLED[@]}"; then
		s=$(state $u)
		check "$u (added, disable killed) is listed ($s)" test "$s" != absent
		want=pending
		[ "$s" = disabled ] && want=3
		check "$u ($s after a killed disable) logs in with exit $want" test "$(login_rc $u)" = $want
	else
		check "$u (added) is listed, enabled" in_list $u enabled
		check "$u (added) opens only to choose their own passphrase" test "$(login_rc $u)" = pending
	fi
done
HAPPENED=0
for u in "${ADDED_KILLED[@]}"; do
	s=$(state $u)
	[ "$s" = absent ] || HAPPENED=$((HAPPENED + 1))
	case $s in
	enabled) check "$u (add killed, but it happened) opens only to enrol" test "$(login_rc $u)" = pending ;;
	absent) check "$u (add killed before it happened) cannot log in" test "$(login_rc $u)" = 3 ;;
	*) fail "$u: add killed, never disabled, yet listed $s" ;;
	esac
done
echo "# of ${#ADDED_KILLED[@]} killed user adds, $HAPPENED had taken effect"

# pwu: the last passphrase known to be current opens; the one before does not
# (unless it is the same).
expect_rc 0 sl --user pwu --passphrase-file "$CUR" audit head
if [ "$CUR" != "$P0" ]; then
	expect_rc 3 sl --user pwu --passphrase-file "$P0" audit head
fi
if [ "$CUR" != "$P0" ]; then
	expect_rc 0 sl --user pwu --passphrase-file "$CUR" user passwd --new-passphrase-file "$P0"
else
	# every passwd was killed before it took effect: going back to the
	# same passphrase is no change, refused with nothing written
	expect_rc 5 sl --user pwu --passphrase-file "$CUR" user passwd --new-passphrase-file "$P0"
fi
expect_rc 0 sl --user pwu --passphrase-file "$P0" audit head

check_log() {
	python3 - "$T/log.json" "$T/users.json" "$PW_OK" "$PW_TOOK" "$PW_KILLED" \
		"${ADDED_OK[*]}" "${DIS_OK[*]}" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
users = {u['id']: u for u in json.load(open(sys.argv[2]))}
pw_ok, pw_took, pw_killed = map(int, sys.argv[3:6])
added_ok, dis_ok = sys.argv[6].split(), sys.argv[7].split()
bad = []
adds = [e['object'] for e in log if e['action'] == 'user.add']
if sorted(adds) != sorted(set(adds)):
    bad.append('a user.add appears twice: %s' % adds)
if sorted(adds + ['admin1']) != sorted(users):
    bad.append('user.add entries %s != users table %s' % (sorted(adds), sorted(users)))
missing = [u for u in added_ok if u not in adds]
if missing:
    bad.append('reported added but not in the log: %s' % missing)
dis = [e['object'] for e in log if e['action'] == 'user.disable']
if sorted(dis) != sorted(u for u in users if users[u]['disabled']):
    bad.append('user.disable entries %s do not match the disabled users' % dis)
if any(u not in dis for u in dis_ok):
    bad.append('reported disabled but not in the log: %s' % dis_ok)
pw = sum(1 for e in log if e['action'] == 'user.passwd' and e['actor'] == 'pwu')
# A killed passwd is in the log exactly when its new passphrase took effect.
# (the setup's first one was pwu's enrolment)
if [e['actor'] for e in log if e['action'] == 'user.enrol'] != ['pwu']:
    bad.append('want exactly one user.enrol, by pwu')
if pw != pw_ok + pw_took:
    bad.append('%d user.passwd entries, want %d reported + %d killed that took effect'
               % (pw, pw_ok, pw_took))
if [e['seq'] for e in log] != list(range(1, len(log) + 1)):
    bad.append('audit seqs are not 1..N')
for b in bad:
    print('       ' + b)
sys.exit(1 if bad else 0)
EOF
}
check "the audit log matches what was reported and the users table" check_log
expect_rc 0 as admin1 audit verify

finish
