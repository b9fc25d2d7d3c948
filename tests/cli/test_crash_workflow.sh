#!/usr/bin/env bash
# kill -9 at random moments of the review workflow's writes: case import of a
# few hundred dossiers, review run --all, review return, case resubmit and
# review signoff. After each kill the store opens, audit verify passes, and
# the operation is all there or all absent: its rows, the case's state and
# its audit entries agree. At the end the whole log is matched against every
# command run (each entry belongs to exactly one, in order).
#
# Aim: the first command of each kind runs to the end and is timed. After
# that most kills wait until the command has the store open (its first lock
# in /proc/locks), then a random time within how long that kind stays in the
# store; one in seven lands anywhere from the start (mostly in the scrypt of
# the unlock). Each process is stopped before it is killed and its locks are
# read, so every kill is counted as landing before the write transaction,
# inside it (the WAL write lock held) or after the commit.
#
# SHENLI_CRASH_SEED (default: random, printed) repeats the random choices;
# SHENLI_CRASH_KILLS (default 40; 3 in a sanitizer build, SHENLI_SANITIZED:
# a killed process reports nothing to a sanitizer, the opening, recovery and
# verification after each kill do) is the number of kills of each kind.
. "$(dirname "$0")/lib.sh"
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/gate_findings" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] || { fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
[ -r /proc/locks ] || { fail "/proc/locks is needed to place the kills"; finish; }
T_START=$SECONDS
. "$(dirname "$0")/cases_setup.sh"
install_checks gates

SEED=${SHENLI_CRASH_SEED:-$(($(date +%s%N) % 32768))}
RANDOM=$SEED
KILLS=${SHENLI_CRASH_KILLS:-$([ -n "${SHENLI_SANITIZED:-}" ] && echo 3 || echo 40)}
BATCH=200 # dossiers per import
echo "# seed $SEED (SHENLI_CRASH_SEED=$SEED to repeat), $KILLS kills of each kind"

# kill.py MODE DELAY_US OUT ERR CMD...: run CMD; MODE abs: wait DELAY_US from
# the start; MODE open: wait until CMD holds its first lock on the store,
# then DELAY_US. If CMD is still running then: stop it, read its locks, kill
# it. Prints: exit code (137 if killed), the phase it was stopped in (tx: the
# WAL write lock held, i.e. inside the write transaction; ckpt: checkpointing
# or closing the store; open: other locks: reading, or the WAL recovery at
# open; out: no lock, not in the store; - : not killed), ms from the start
# to its first lock (or -), ms to its end.
cat >"$T/kill.py" <<'PY'
import os, signal, subprocess, sys, time
mode, delay, out, err, cmd = sys.argv[1], int(sys.argv[2]) / 1e6, sys.argv[3], sys.argv[4], sys.argv[5:]
def locks(pid):
    got = set()
    with open('/proc/locks') as f:
        for line in f:
            p = line.split()
            if len(p) >= 8 and p[1] != '->' and p[4] == str(pid):
                got.add((p[3], int(p[6])))
    return got
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(out, 'w'), stderr=open(err, 'w'))
t_open = None
if mode == 'open':
    while p.poll() is None:
        if locks(p.pid):
            t_open = time.monotonic()
            break
        time.sleep(0.0002)
try:
    p.wait(timeout=delay)
except subprocess.TimeoutExpired:
    pass
phase = '-'
if p.poll() is None:
    os.kill(p.pid, signal.SIGSTOP)
    while True:  # stopped (T) or already gone (Z)
        try:
            st = open('/proc/%d/stat' % p.pid).read().rsplit(')', 1)[1].split()[0]
        except OSError:
            break
        if st in ('T', 't', 'Z', 'X'):
            break
        time.sleep(0.0001)
    held = locks(p.pid)
    w = {o for m, o in held if m == 'WRITE'}
    r = {o for m, o in held if m == 'READ'}
    if 120 in w and r & set(range(123, 128)) and not w & set(range(121, 129)):
        phase = 'tx'  # with a read mark: not the WAL set-up at open, which also takes 120
    elif 121 in w or 1073741824 in w:
        phase = 'ckpt'
    else:
        phase = 'open' if held else 'out'
    os.kill(p.pid, signal.SIGKILL)
rc = p.wait()
t_end = time.monotonic()
ms = lambda t: '-' if t is None else str(int((t - t0) * 1000))
print(128 - rc if rc < 0 else rc, phase, ms(t_open), ms(t_end))
PY

KINDS="import review return resubmit signoff"
declare -A SPAN OPEN NKILL NBEFORE NMID NAFTER NCKPT NDONE NTOOK NBAD
for k in $KINDS; do
	SPAN[$k]=0 OPEN[$k]=0 NKILL[$k]=0 NBEFORE[$k]=0 NMID[$k]=0 NAFTER[$k]=0
	NCKPT[$k]=0 NDONE[$k]=0 NTOOK[$k]=0 NBAD[$k]=0
done
PREVK= KF0=0
blame() { # a failure since the last command counts against its kind
	[ -n "$PREVK" ] && [ "$FAILED" -gt "$KF0" ] && NBAD[$PREVK]=$((NBAD[$PREVK] + 1))
	KF0=$FAILED PREVK=${1:-}
}
rand() { echo $(((RANDOM * 32768 + RANDOM) % ($1 + 1))); } # 0..N

# killrun KIND USER ARGS...: shenli --user USER ARGS under kill.py, aimed by
# what KIND took so far (the first one of a kind runs to the end).
# Sets KRC, KPH (see kill.py) and WHAT (for messages).
killrun() {
	local k=$1 u=$2 mode delay t_open t_end
	shift 2
	blame "$k"
	WHAT="$k ${*:1:3}"
	if [ "${SPAN[$k]}" -eq 0 ]; then
		mode=open delay=600000000
	elif [ $((RANDOM % 7)) -eq 0 ]; then
		mode=abs delay=$(rand $((OPEN[$k] * 1000 + SPAN[$k] * 500)))
	else
		mode=open delay=$(rand $((SPAN[$k] * 1000)))
	fi
	read -r KRC KPH t_open t_end < <(python3 "$T/kill.py" "$mode" "$delay" "$OUT" "$ERR" \
		"$SHENLI" --store "$STORE" --user "$u" --passphrase-file "$T/pw/$u" "$@")
	[ -n "$KRC" ] || { KRC=255 KPH=-; }
	if [ "$t_open" != - ]; then
		OPEN[$k]=$(((OPEN[$k] * 3 + t_open) / 4))
		[ "${OPEN[$k]}" -eq 0 ] && OPEN[$k]=$t_open
		if [ "$KRC" -ne 137 ]; then
			local span=$((t_end - t_open))
			[ "$span" -lt 5 ] && span=5
			if [ "${SPAN[$k]}" -eq 0 ]; then SPAN[$k]=$span; else SPAN[$k]=$(((SPAN[$k] * 3 + span) / 4)); fi
		fi
	fi
}

# After each command: audit verify (as the auditor) and the kind's probes
# run side by side. H0 is the head before the command; verify gives H1.
H0=
probe() { # probe NAME USER ARGS...: in the background, to $T/NAME.{out,err,rc}
	local n=$1 u=$2
	shift 2
	(as "$u" "$@" >"$T/$n.out" 2>"$T/$n.err"; echo $? >"$T/$n.rc") &
}
settle() { # wait for the probes; verify's result -> H1; 0 if verify passed
	wait
	H1=$(sed -n 's/^head \([0-9]*\):.*/\1/p' "$T/v.out")
	if [ "$(cat "$T/v.rc")" -ne 0 ] || [ -z "$H1" ]; then
		fail "after $WHAT ($KRC, $KPH): audit verify exit $(cat "$T/v.rc")"
		_show "$T/v.err"
		return 1
	fi
	return 0
}
prc() { cat "$T/$1.rc"; }
# outcome EXPECTED_DELTA PRESENT_BY_STATE: common bookkeeping. PRESENT_BY_STATE
# is 1 if the rows say the operation happened. Checks that the log agrees,
# counts the kill and records the command for the final check of the log.
outcome() {
	local k=$KIND want=$1 rows=$2 delta=$((H1 - H0)) present=0
	[ "$delta" -gt 0 ] && present=1
	if [ "$present" -ne "$rows" ]; then
		fail "$WHAT ($KRC, $KPH): the rows say $([ "$rows" = 1 ] && echo done || echo absent), the log grew by $delta"
	elif [ "$present" = 1 ] && [ "$want" -gt 0 ] && [ "$delta" -ne "$want" ]; then
		fail "$WHAT ($KRC, $KPH): the log grew by $delta entries, want $want"
	fi
	if [ "$KRC" -eq 137 ]; then
		NKILL[$k]=$((NKILL[$k] + 1))
		NTOOK[$k]=$((NTOOK[$k] + present))
		if [ "$KPH" = tx ]; then
			NMID[$k]=$((NMID[$k] + 1))
		elif [ "$present" = 1 ]; then
			NAFTER[$k]=$((NAFTER[$k] + 1))
			[ "$KPH" = ckpt ] && NCKPT[$k]=$((NCKPT[$k] + 1))
		else
			NBEFORE[$k]=$((NBEFORE[$k] + 1))
		fi
	else
		NDONE[$k]=$((NDONE[$k] + 1))
		if [ "$KRC" -gt 1 ] || [ "$present" = 0 ]; then
			fail "$WHAT: not killed, yet exit $KRC and $([ $present = 1 ] && echo done || echo absent)"
			_show "$ERR"
		fi
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$OBJ" "$H0" "$H1" "$KRC" "$KPH" "$EXTRA" >>"$T/ops.tsv"
	H0=$H1
	return "$((1 - present))"
}
# Writes outside the kill loops (assignments, opinions) add known entries.
setup_write() { # setup_write N as USER CMD SUB ID ...: must succeed, adding N entries
	local n=$1
	shift
	if "$@" >"$OUT" 2>"$ERR"; then
		printf 'setup\t%s\t%s\t%s\t0\t-\t\n' "$5" "$H0" "$((H0 + n))" >>"$T/ops.tsv"
		H0=$((H0 + n))
	else
		fail "setup: $*"
		_show "$ERR"
	fi
}
: >"$T/ops.tsv"

# --- the cases ---------------------------------------------------------------
# pool: clean dossiers of zone Z1 (not from ZRJ, m1's home agency) for the
# returns and sign-offs; taken in uncounted, before the first review run
"$SHENLI" sample docket --cases 150 --seed "$SEED" --start 3000000 --fault none |
	python3 -c '
import json, sys
z1 = sys.argv[1].split()
for l in sys.stdin:
    d = json.loads(l)
    if d["agency"] in z1 and d["agency"] != "ZRJ":
        print(l, end="")' "$Z1" >"$T/pool.jsonl"
mapfile -t POOL < <(python3 -c 'import json,sys; [print(json.loads(l)["case_id"]) for l in open(sys.argv[1])]' "$T/pool.jsonl")
as boss case import --jsonl "$T/pool.jsonl" >/dev/null
as aud audit verify >"$OUT" 2>"$ERR" || fail "audit verify after the set-up"
H0=$(sed -n 's/^head \([0-9]*\):.*/\1/p' "$OUT")
ANCHOR=$(sed -n 's/^head //p' "$OUT")
echo "# set-up done in $((SECONDS - T_START)) s: ${#POOL[@]} pool cases, head $H0"

# import batch I: BATCH generated dossiers, then a sentinel of zone Z1 with a
# planted fault the checks report (so review findings show whether a run
# after the import took)
mkbatch() {
	local i=$1 f=$T/imp$1
	"$SHENLI" sample docket --cases "$BATCH" --seed "$SEED" --start $((10000 + i * 1000)) >"$f.jsonl"
	"$SHENLI" sample docket --cases 24 --seed "$SEED" --start $((5000000 + i * 100)) --fault confession_only |
		python3 -c '
import json, sys
z1 = sys.argv[1].split()
for l in sys.stdin:
    if json.loads(l)["agency"] in z1:
        print(l, end=""); break' "$Z1" >>"$f.jsonl"
	python3 -c 'import json,sys; [print(json.loads(l)["case_id"]) for l in open(sys.argv[1])]' "$f.jsonl" >"$f.ids"
}

# --- loop 1: imports and review runs, alternately ------------------------------
SENT= SENT_CHECKED=1
i=0
while [ "${NKILL[import]}" -lt "$KILLS" ] || [ "${NKILL[review]}" -lt "$KILLS" ]; do
	[ "$FAILED" -gt 10 ] && break
	if [ "${NKILL[import]}" -lt "$KILLS" ]; then
		i=$((i + 1))
		mkbatch $i
		KIND=import OBJ=imp$i EXTRA=$(wc -l <"$T/imp$i.ids")
		killrun import boss case import --jsonl "$T/imp$i.jsonl"
		probe v aud audit verify
		probe p1 boss case list --json
		if settle; then
			rows=$(python3 - "$T/p1.out" "$T/imp$i.ids" <<'PY'
import json, sys
have = {c["case_id"]: c["state"] for c in json.load(open(sys.argv[1]))}
ids = open(sys.argv[2]).read().split()
n = sum(1 for i in ids if i in have)
bad = [i for i in ids if i in have and have[i] not in ("accepted", "deferred", "refused")]
print(1 if n == len(ids) and not bad else 0 if n == 0 else "partial:%d/%d" % (n, len(ids)))
PY
)
			case $rows in 0 | 1) ;; *) fail "import $i ($KRC, $KPH): case rows $rows"; rows=0 ;; esac
			if outcome "$EXTRA" "$rows"; then
				SENT=$(tail -n1 "$T/imp$i.ids") SENT_CHECKED=0
			fi
		fi
	fi
	[ "${NKILL[review]}" -lt "$KILLS" ] || continue
	KIND=review OBJ=Z1 EXTRA=$SENT
	killrun review lead review run --all
	probe v aud audit verify
	[ -n "$SENT" ] && probe p1 lead review findings "$SENT" --json
	if settle; then
		rows=0
		if [ -n "$SENT" ]; then
			found=$(python3 -c 'import json,sys; print(1 if json.load(open(sys.argv[1])) else 0)' "$T/p1.out" 2>/dev/null)
			[ "$(prc p1)" -eq 0 ] || fail "review findings $SENT: exit $(prc p1)"
			if [ "$SENT_CHECKED" = 1 ]; then
				[ "$found" = 1 ] || fail "review ($KRC, $KPH): the findings of $SENT are gone"
				rows=$([ "$H1" -gt "$H0" ] && echo 1 || echo 0) # nothing to tell by
			else
				rows=$found
			fi
		else
			rows=$([ "$H1" -gt "$H0" ] && echo 1 || echo 0)
		fi
		outcome 0 "$rows" && SENT_CHECKED=1
	fi
done
echo "# loop 1 done at $((SECONDS - T_START)) s"

# --- loop 2: returns and resubmissions ------------------------------------------
# in review (returns so far) -> returned -> resubmitted, at most 2 returns;
# RET: "ID R REV" in review; RES: "ID R REV ITEMS" returned; READY: IDs in
# review with every outline item answered (for the sign-offs)
RET=() RES=() READY=()
NEXT_POOL=0
assign_next() { # take the next pool case into review: RET
	local c=${POOL[$NEXT_POOL]}
	NEXT_POOL=$((NEXT_POOL + 1))
	setup_write 1 as lead case assign "$c" m1 m3
	RET+=("$c 0 1")
}
for j in 1 2 3 4 5 6 7 8; do assign_next; done
dossier_line() { grep -F "\"case_id\":\"$1\"" "$T/pool.jsonl"; }
# resub_file ID R ITEMS... -> $T/rs.json: the dossier with new evidence E901..E90R,
# answering every item of return R with E90R
resub_file() {
	python3 - "$T/rs.json" "$(dossier_line "$1")" "$2" "${@:3}" <<'PY'
import json, sys
d = json.loads(sys.argv[2]); r = int(sys.argv[3])
for n in range(1, r + 1):
    e = "E90%d" % n
    d["evidence"].append({"id": e, "kind": "documentary", "title": "补充调取的银行流水%d" % n,
                          "obtained_on": d["transferred_on"], "tags": ["bank_record"]})
    d["facts"][0]["evidence"].append(e)
d["supplement"] = [{"item": i, "evidence": ["E90%d" % r], "note": "已补充"} for i in sys.argv[4:]]
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False)
PY
}
showval() { # showval FILE KEY...: the values, one line, null for none
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("null" if d.get(k) is None else str(d[k]) for k in sys.argv[2:]))' "$@" 2>/dev/null
}
while [ "${NKILL[return]}" -lt "$KILLS" ] || [ "${NKILL[resubmit]}" -lt "$KILLS" ]; do
	[ "$FAILED" -gt 10 ] && break
	# returns and resubmissions at random while both have kills to do; a
	# command of the other kind when one has none left to act on; the pool
	# feeds cases in when both are short
	need_ret=$((NKILL[return] < KILLS)) need_res=$((NKILL[resubmit] < KILLS))
	if [ ${#RES[@]} -gt 0 ] && { [ $need_res = 1 ] || [ ${#RET[@]} -eq 0 ]; } &&
		{ [ $need_ret = 0 ] || [ ${#RET[@]} -eq 0 ] || [ $((RANDOM % 2)) -eq 0 ]; }; then
		want=resubmit
	elif [ ${#RET[@]} -gt 0 ]; then
		want=return
	else
		[ "$NEXT_POOL" -lt ${#POOL[@]} ] || { fail "the pool ran out of cases"; break; }
		assign_next
		continue
	fi
	# a case to return is wanted and none is left: a new one from the pool
	# rather than a resubmission no kill is needed for
	if [ "$want" = resubmit ] && [ $need_res = 0 ] && [ "$NEXT_POOL" -lt ${#POOL[@]} ]; then
		assign_next
		continue
	fi
	if [ "$want" = return ]; then
		j=$((RANDOM % ${#RET[@]}))
		read -r c r rev <<<"${RET[$j]}"
		KIND=return OBJ=$c EXTRA=$((r + 1))
		killrun return lead review return "$c" --kind supplement --item "补充核实资金去向（第$((r + 1))次）" --ref F1
		probe v aud audit verify
		probe p1 lead case show "$c" --json
		probe p2 lead review outline "$c" --json
		settle || continue
		read -r st nret <<<"$(showval "$T/p1.out" state returns)"
		if [ "$(prc p2)" -eq 0 ]; then
			ono=$(showval "$T/p2.out" return_no)
		else
			ono=0
			grep -q "not been returned" "$T/p2.err" || fail "review outline $c: exit $(prc p2)"
		fi
		if [ "$st" = returned ] && [ "$nret" = $((r + 1)) ] && [ "$ono" = $((r + 1)) ]; then
			rows=1
		elif [ "$st" = in_review ] && [ "$nret" = "$r" ] && [ "$ono" = "$r" ]; then
			rows=0
		else
			fail "return $c ($KRC, $KPH): state $st, returns $nret, latest outline $ono (was $r)"
			continue
		fi
		if outcome 1 $rows; then
			items=$(python3 -c 'import json,sys; print(" ".join(str(i["no"]) for i in json.load(open(sys.argv[1]))["items"]))' "$T/p2.out")
			RET=("${RET[@]:0:$j}" "${RET[@]:$((j + 1))}")
			RES+=("$c $((r + 1)) $rev $items")
		fi
	else
		j=$((RANDOM % ${#RES[@]}))
		read -r c r rev items <<<"${RES[$j]}"
		# shellcheck disable=SC2086
		resub_file "$c" "$r" $items
		cp "$T/rs.json" "$T/rs-$c-$r.json"
		KIND=resubmit OBJ=$c EXTRA=$r
		killrun resubmit lead case resubmit "$c" "$T/rs-$c-$r.json"
		probe v aud audit verify
		probe p1 lead case show "$c" --json
		settle || continue
		read -r st nrev <<<"$(showval "$T/p1.out" state dossier_rev)"
		if [ "$st" = in_review ] && [ "$nrev" = $((rev + 1)) ]; then
			rows=1
		elif [ "$st" = returned ] && [ "$nrev" = "$rev" ]; then
			rows=0
		else
			fail "resubmit $c ($KRC, $KPH): state $st, dossier_rev $nrev (was $rev)"
			continue
		fi
		if outcome 2 $rows; then
			RES=("${RES[@]:0:$j}" "${RES[@]:$((j + 1))}")
			if [ "$r" -lt 2 ]; then RET+=("$c $r $((rev + 1))"); else READY+=("$c"); fi
		fi
	fi
done
echo "# loop 2 done at $((SECONDS - T_START)) s"

# --- loop 3: sign-offs -----------------------------------------------------------
# deliberate CASE: both reviewers' opinions and the panel's, from its proposal
deliberate() {
	dossier_line "$1" | python3 -c '
import json, sys
p = json.loads(sys.stdin.read())
c, p = p["case_id"], p["proposal"]
o = {"format": "shenli.opinion/1", "case_id": c, "disciplines": p["disciplines"],
     "eight_point_rules": p["eight_point_rules"], "party_sanction": p.get("party_sanction"),
     "gov_sanction": p.get("gov_sanction"), "form": p["form"],
     "reasoning": "事实清楚，证据确实充分，定性准确，处理恰当。"}
json.dump(o, open(sys.argv[1], "w"), ensure_ascii=False)' "$T/op.json"
	setup_write 1 as m1 review opinion "$1" --file "$T/op.json"
	setup_write 1 as m3 review opinion "$1" --file "$T/op.json"
	setup_write 1 as lead review opinion "$1" --file "$T/op.json" --panel
}
SIGN=
while [ "${NKILL[signoff]}" -lt "$KILLS" ]; do
	[ "$FAILED" -gt 10 ] && break
	if [ -z "$SIGN" ]; then
		if [ ${#READY[@]} -gt 0 ]; then
			SIGN=${READY[0]}
			READY=("${READY[@]:1}")
		else
			[ "$NEXT_POOL" -lt ${#POOL[@]} ] || { fail "the pool ran out of cases"; break; }
			SIGN=${POOL[$NEXT_POOL]}
			NEXT_POOL=$((NEXT_POOL + 1))
			setup_write 1 as lead case assign "$SIGN" m1 m3
		fi
		deliberate "$SIGN"
	fi
	c=$SIGN
	KIND=signoff OBJ=$c EXTRA=
	killrun signoff lead review signoff "$c"
	probe v aud audit verify
	probe p1 lead case show "$c" --json
	settle || continue
	read -r st sh <<<"$(showval "$T/p1.out" state signed_head)"
	if [ "$st" = signed_off ] && [ "${sh%%:*}" = "$H0" ]; then
		rows=1
	elif [ "$st" = deliberated ] && [ "$sh" = null ]; then
		rows=0
	else
		fail "signoff $c ($KRC, $KPH): state $st, signed_head $sh (head before: $H0)"
		SIGN=
		continue
	fi
	EXTRA=$sh
	outcome 1 $rows && SIGN=
	[ "$KRC" -eq 1 ] && { _show "$OUT"; SIGN=; }
done
echo "# loop 3 done at $((SECONDS - T_START)) s"

# --- the numbers -------------------------------------------------------------------
blame
TOTAL=0
echo "# kind      kills  before  mid-write  after(ckpt)  took  completed  in-store ms"
for k in $KINDS; do
	TOTAL=$((TOTAL + NKILL[$k]))
	printf '# %-9s %5d %7d %10d %7d(%d) %8d %10d %9d\n' "$k" "${NKILL[$k]}" "${NBEFORE[$k]}" \
		"${NMID[$k]}" "${NAFTER[$k]}" "${NCKPT[$k]}" "${NTOOK[$k]}" "${NDONE[$k]}" "${SPAN[$k]}"
done
echo "# $TOTAL kills in all"
check "at least $((5 * KILLS)) kills ($TOTAL)" test "$TOTAL" -ge $((5 * KILLS))
for k in $KINDS; do
	check "$k: after each of ${NKILL[$k]} kills and ${NDONE[$k]} runs to the end the store verified and the $k was whole or absent" \
		test "${NBAD[$k]}" -eq 0
	# (with a few kills a narrow window may be missed: asserted from 20 on)
	[ "$KILLS" -lt 20 ] ||
		check "$k: kills landed inside the write transaction (${NMID[$k]})" test "${NMID[$k]}" -gt 0
done

# --- the whole log against every command ------------------------------------------
expect_rc 0 as aud audit verify --anchor "$ANCHOR"
expect_rc 0 as aud audit log --json
cp "$OUT" "$T/log.json"
check_log() {
	python3 - "$T/log.json" "$T/ops.tsv" "$T" "${ANCHOR%%:*}" "$Z1" <<'PY'
import json, sys
log = json.load(open(sys.argv[1])); T = sys.argv[3]; start = int(sys.argv[4])
z1 = set(sys.argv[5].split())
by = {e["seq"]: e for e in log}
bad = []
# replay the states the log implies, to know what a review run covers
state, zone = {}, {}
EV = {"case.assign": "in_review", "review.return": "returned", "case.resubmit": "in_review",
      "review.panel": "deliberated", "review.signoff": "signed_off"}
def replay(upto):
    for s in range(replay.at + 1, upto + 1):
        e = by[s]
        if e["action"] == "case.intake":
            state[e["object"]] = e["details"]["decision"]
            zone[e["object"]] = e["details"].get("zone")
        elif e["action"] in EV:
            state[e["object"]] = EV[e["action"]]
    replay.at = max(replay.at, upto)
replay.at = 0
# the set-up's entries come before the anchor
covered = start
for line in open(sys.argv[2]):
    kind, obj, h0, h1, rc, ph, extra = line.rstrip("\n").split("\t")
    h0, h1 = int(h0), int(h1)
    if h0 != covered:
        bad.append("%s %s: starts at %d, the previous command ended at %d" % (kind, obj, h0, covered))
    replay(h0)
    got = [by[s] for s in range(h0 + 1, h1 + 1)]
    acts = [(e["action"], e["object"]) for e in got]
    if kind == "import":
        ids = open("%s/%s.ids" % (T, obj)).read().split()
        if h1 > h0 and acts != [("case.intake", i) for i in ids]:
            bad.append("import %s: entries %s..." % (obj, acts[:3]))
    elif kind == "review":
        want = sorted(c for c, s in state.items() if zone.get(c) in ("Z1",) and s in ("accepted", "in_review", "deliberated"))
        if h1 > h0 and sorted(a[1] for a in acts) != want or any(a[0] != "review.run" for a in acts):
            bad.append("review run (%d..%d): %d entries, %d cases under review" % (h0, h1, len(acts), len(want)))
    elif kind == "return":
        if h1 > h0 and acts != [("review.return", obj)]:
            bad.append("return %s: %s" % (obj, acts))
    elif kind == "resubmit":
        if h1 > h0 and acts != [("case.resubmit", obj), ("review.run", obj)]:
            bad.append("resubmit %s: %s" % (obj, acts))
    elif kind == "signoff":
        if h1 > h0 and (acts != [("review.signoff", obj)] or got[0]["details"]["head"] != extra):
            bad.append("signoff %s: %s, head %s" % (obj, acts, extra))
    elif kind == "setup":
        if any(a[1] != obj for a in acts):
            bad.append("set-up write on %s: %s" % (obj, acts))
    covered = h1
replay(covered)
if covered != log[-1]["seq"]:
    bad.append("the log goes on to %d after the last command (%d)" % (log[-1]["seq"], covered))
for b in bad[:20]:
    print("       " + b)
sys.exit(1 if bad else 0)
PY
}
check "the log holds exactly the commands that took effect, each whole" check_log
echo "# done in $((SECONDS - T_START)) s"
finish
