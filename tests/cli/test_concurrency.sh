#!/usr/bin/env bash
# Two shenli processes writing one store at once. Each either succeeds or
# fails cleanly (the busy exit 7 and its message, or the refusal the state
# calls for); nothing is corrupted (audit verify), every command that
# reported success is there, and nothing is lost (no lost update).
#
# Races come two ways: commands started together (their unlocks take the
# same time, so their writes meet), and, to make the interleaving certain,
# a writer stopped inside its write transaction (SIGSTOP as soon as it holds
# the WAL write lock) while others start, read and queue behind it.
# The store's busy timeout is 10 s (sqlite3_busy_timeout in core/store.c).
. "$(dirname "$0")/lib.sh"
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/evidence" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] || { fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
[ -r /proc/locks ] || { fail "/proc/locks is needed to stop a writer inside its transaction"; finish; }
. "$(dirname "$0")/cases_setup.sh"
install_checks

N=0
batch() { # batch NAME COUNT -> $T/NAME.jsonl, $T/NAME.ids: new dossiers
	"$SHENLI" sample docket --cases "$2" --seed 4 --start $((200000 + N)) >"$T/$1.jsonl"
	N=$((N + $2))
	python3 -c 'import json,sys; [print(json.loads(l)["case_id"]) for l in open(sys.argv[1])]' "$T/$1.jsonl" >"$T/$1.ids"
}
: >"$T/have.ids" # every case reported imported
: >"$T/gone.ids" # every case of an import that failed
# bg NAME USER ARGS...: as USER ARGS in the background -> $T/NAME.{out,err,rc}
bg() {
	local n=$1
	shift
	(
		s=$(date +%s%N)
		as "$@" >"$T/$n.out" 2>"$T/$n.err"
		r=$?
		echo "$r $((($(date +%s%N) - s) / 1000000))" >"$T/$n.rc"
	) &
}
rc_of() { cut -d' ' -f1 "$T/$1.rc"; }
pair() { echo $(printf '%s\n' "$(rc_of "$1")" "$(rc_of "$2")" | sort); } # "0 4"
ms_of() { cut -d' ' -f2 "$T/$1.rc"; }
busy_msg() { grep -q "busy" "$T/$1.err"; }
# an import's result: 0/1 -> its cases must be there; 7 with the busy
# message -> none of them; anything else fails
import_result() { # import_result NAME
	local r
	r=$(rc_of "$1")
	case $r in
	0 | 1) cat "$T/$1.ids" >>"$T/have.ids" ;;
	7) if busy_msg "$1"; then cat "$T/$1.ids" >>"$T/gone.ids"; else
		fail "import $1: exit 7 without the busy message"
		_show "$T/$1.err"
	fi ;;
	*) fail "import $1: exit $r"; _show "$T/$1.err" ;;
	esac
}

ids_check() { # every case in have.ids is there, none of gone.ids
	as boss case list --json >"$T/list.json" || return 1
	python3 - "$T/list.json" "$T/have.ids" "$T/gone.ids" <<'PY'
import json, sys
have = {c["case_id"] for c in json.load(open(sys.argv[1]))}
want = open(sys.argv[2]).read().split(); gone = open(sys.argv[3]).read().split()
miss = [i for i in want if i not in have]; extra = [i for i in gone if i in have]
if miss or extra:
    print("       missing %d, present though their import failed %d" % (len(miss), len(extra)))
sys.exit(1 if miss or extra else 0)
PY
}

# hold NAME USER ARGS...: start the command and stop it as soon as it holds
# the WAL write lock, i.e. inside its write transaction. Sets HOLD (its pid),
# empty if it ended first; resume with: kill -CONT $HOLD; wait $HOLDER.
cat >"$T/hold.py" <<'PY'
import os, signal, subprocess, sys, time
pidf, rcf, out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(out, 'w'), stderr=open(err, 'w'))
def writing():
    # in the write transaction: the WAL write lock (byte 120 of the -shm)
    # and a read mark (123..127), not the exclusive locks of the -shm's
    # set-up or a WAL recovery at open, which also take 120
    w, r = set(), set()
    for line in open('/proc/locks'):
        f = line.split()
        if len(f) >= 8 and f[1] != '->' and f[4] == str(p.pid):
            (w if f[3] == 'WRITE' else r).add(int(f[6]))
    return 120 in w and r & set(range(123, 128)) and not w & set(range(121, 129))
t0 = time.monotonic()
while p.poll() is None:
    if writing():
        os.kill(p.pid, signal.SIGSTOP)
        break
    time.sleep(0.0001)
open(pidf, 'w').write('%d\n' % (p.pid if p.poll() is None else 0))
rc = p.wait()
open(rcf, 'w').write('%d %d\n' % (128 - rc if rc < 0 else rc, (time.monotonic() - t0) * 1000))
PY
HOLD= HOLDER=
hold() {
	local n=$1 u=$2
	shift 2
	rm -f "$T/$n.pid" "$T/$n.rc"
	python3 "$T/hold.py" "$T/$n.pid" "$T/$n.rc" "$T/$n.out" "$T/$n.err" \
		"$SHENLI" --store "$STORE" --user "$u" --passphrase-file "$T/pw/$u" "$@" &
	HOLDER=$!
	while [ ! -s "$T/$n.pid" ]; do sleep 0.05; done
	HOLD=$(cat "$T/$n.pid")
	[ "$HOLD" = 0 ] && HOLD=
	[ -n "$HOLD" ] || fail "hold $n: the command ended before it could be stopped"
}
release() { [ -n "$HOLD" ] && kill -CONT "$HOLD"; wait "$HOLDER"; HOLD=; }
trap 'rc=$?; [ -n "$HOLD" ] && kill -KILL "$HOLD" 2>/dev/null; (exit $rc); _cleanup' EXIT

# --- commands started together ---------------------------------------------------
# (1 round in a sanitizer build: the races below are the same)
ROUNDS=${SHENLI_CONCURRENCY_ROUNDS:-$([ -n "${SHENLI_SANITIZED:-}" ] && echo 1 || echo 8)}
# cases of zone Z1 for opinions and the races below: clean dossiers, not from
# ZRJ (m1's home agency), reviewed by m1 and m3
"$SHENLI" sample docket --cases 60 --seed 4 --start 900000 --fault none | python3 -c '
import json, sys
z1 = sys.argv[1].split()
for l in sys.stdin:
    d = json.loads(l)
    if d["agency"] in z1 and d["agency"] != "ZRJ":
        print(l, end="")' "$Z1" >"$T/z1.jsonl"
mapfile -t Z1C < <(python3 -c 'import json,sys; [print(json.loads(l)["case_id"]) for l in open(sys.argv[1])]' "$T/z1.jsonl")
as boss case import --jsonl "$T/z1.jsonl" >/dev/null
for c in "${Z1C[@]:0:$((ROUNDS + 6))}"; do as lead case assign "$c" m1 m3 >/dev/null; done
opinion_file() { # opinion_file CASE FILE: an opinion matching the case's proposal
	grep -F "\"case_id\":\"$1\"" "$T/z1.jsonl" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read()); p = d["proposal"]
json.dump({"format": "shenli.opinion/1", "case_id": d["case_id"], "disciplines": p["disciplines"],
           "eight_point_rules": p["eight_point_rules"], "party_sanction": p.get("party_sanction"),
           "gov_sanction": p.get("gov_sanction"), "form": p["form"],
           "reasoning": "事实清楚，证据确实充分。"}, open(sys.argv[1], "w"), ensure_ascii=False)' "$2"
}
OPS=0 OPS_BUSY=0 OPS_WAITED=0
for ((r = 1; r <= ROUNDS; r++)); do
	# two imports of different dossiers
	batch a$r 150
	batch b$r 150
	bg a$r boss case import --jsonl "$T/a$r.jsonl"
	bg b$r lead case import --jsonl "$T/b$r.jsonl"
	wait
	import_result a$r
	import_result b$r
	# an import and a review run
	batch c$r 150
	bg c$r boss case import --jsonl "$T/c$r.jsonl"
	bg d$r lead review run --all
	wait
	import_result c$r
	case $(rc_of d$r) in
	0 | 1) ;;
	7) busy_msg d$r || fail "review run: exit 7 without the busy message" ;;
	*) fail "review run --all beside an import: exit $(rc_of d$r)"; _show "$T/d$r.err" ;;
	esac
	# two reviewers' opinions on one case
	c=${Z1C[$r]}
	opinion_file "$c" "$T/op.json"
	bg e$r m1 review opinion "$c" --file "$T/op.json"
	bg f$r m3 review opinion "$c" --file "$T/op.json"
	wait
	for n in e$r f$r; do
		case $(rc_of $n) in
		0) ;;
		7) busy_msg $n || fail "opinion: exit 7 without the busy message" ;;
		*) fail "opinion $n on $c: exit $(rc_of $n)"; _show "$T/$n.err" ;;
		esac
	done
	echo "$c $(rc_of e$r) $(rc_of f$r)" >>"$T/opinions"
	for n in a$r b$r c$r d$r e$r f$r; do
		OPS=$((OPS + 1))
		[ "$(rc_of $n)" = 7 ] && OPS_BUSY=$((OPS_BUSY + 1))
	done
done
echo "# $ROUNDS rounds: $OPS commands in pairs, $OPS_BUSY of them busy"

# --- one dossier imported by several at once --------------------------------
# the case id is looked up in the transaction that takes the case in: one
# import accepts it, the others refuse it as a duplicate (exit 1), none
# fails on the database's own constraint
"$SHENLI" sample docket --cases 1 --seed 9 --fault none --start 300000 >"$T/same.jsonl"
for i in 1 2 3 4 5 6; do bg same$i boss case import --jsonl "$T/same.jsonl" --json; done
wait
took=0
for i in 1 2 3 4 5 6; do
	case $(rc_of same$i) in
	0) took=$((took + 1)) ;;
	1) pyjson "d[0]['decision'] == 'refused' and 'duplicate' in d[0]['reasons'][0]" "$T/same$i.out" ||
		fail "import same$i: exit 1 but not refused" ;;
	7) busy_msg same$i || { fail "import same$i: exit 7, not busy"; _show "$T/same$i.err"; } ;;
	*) fail "import same$i: exit $(rc_of same$i)"; _show "$T/same$i.err" ;;
	esac
done
check "one of six imports of one dossier took it in ($took)" test "$took" = 1
check "... and none met a constraint" bash -c "! grep -l 'UNIQUE\|constraint' '$T'/same*.err"
expect_rc 0 as aud audit verify
check "every case reported imported is there, none of a failed import" ids_check
expect_rc 0 as aud audit log --json
cp "$OUT" "$T/log.json"
check "the log has each successful intake once, and both reviewers' opinions of every pair" python3 - "$T/log.json" "$T/have.ids" "$T/opinions" <<'PY'
import json, sys, collections
log = json.load(open(sys.argv[1]))
intake = collections.Counter(e["object"] for e in log if e["action"] == "case.intake")
bad = [i for i in open(sys.argv[2]).read().split() if intake[i] != 1]
ops = collections.Counter((e["object"], e["actor"]) for e in log if e["action"] == "review.opinion")
for line in open(sys.argv[3]):
    c, r1, r2 = line.split()
    if (r1 == "0") != (ops[(c, "m1")] == 1) or (r2 == "0") != (ops[(c, "m3")] == 1):
        bad.append("opinions of %s: exits %s %s, entries %d %d" % (c, r1, r2, ops[(c, "m1")], ops[(c, "m3")]))
for b in bad[:10]:
    print("       " + str(b))
sys.exit(1 if bad else 0)
PY

# --- a writer inside its transaction: others wait, readers do not -------------------
batch h1 300
hold h1 boss case import --jsonl "$T/h1.jsonl"
HEAD=$(as aud audit head)
expect_rc 0 as aud audit verify
check "readers go on while a writer is in its transaction" test -n "$HEAD"
batch w1 50
bg w1 lead case import --jsonl "$T/w1.jsonl"
sleep 2
release
wait
import_result h1
import_result w1
check "the writer held for 2 s finished (exit $(rc_of h1))" test "$(rc_of h1)" -le 1
check "the second writer waited for it and then wrote (exit $(rc_of w1), $(ms_of w1) ms)" \
	test "$(rc_of w1)" -le 1 -a "$(ms_of w1)" -ge 1500

# held past the busy timeout: the second writer gives up with exit 7
batch h2 300
hold h2 boss case import --jsonl "$T/h2.jsonl"
batch w2 50
bg w2 lead case import --jsonl "$T/w2.jsonl"
wait "$!"
release
import_result h2
import_result w2
echo "# a writer behind one that does not finish: exit $(rc_of w2) after $(ms_of w2) ms: $(head -n1 "$T/w2.err")"
check "it gives up with exit 7 after the busy timeout (10 s)" test "$(rc_of w2)" = 7 -a "$(ms_of w2)" -ge 9000
check "saying the store is busy and nothing was changed" grep -q "busy.*nothing was changed" "$T/w2.err"
check "the held writer then finished (exit $(rc_of h2))" test "$(rc_of h2)" -le 1
expect_rc 0 as aud audit verify

# --- the same case changed by two at once: no lost update --------------------------
# Both read the case while a third writer holds the store, then write one
# after the other. The second must see the first's change.
race() { # race NAME1 USER1 ARGS1 -- NAME2 USER2 ARGS2...: both behind a held import
	local a=() b=() cur=a
	for x in "$@"; do
		if [ "$x" = -- ]; then cur=b; continue; fi
		if [ $cur = a ]; then a+=("$x"); else b+=("$x"); fi
	done
	batch hr$RACE 200
	hold hr$RACE boss case import --jsonl "$T/hr$RACE.jsonl"
	bg "${a[@]}"
	bg "${b[@]}"
	sleep 2
	release
	wait
	import_result hr$RACE
	RACE=$((RACE + 1))
}
RACE=1
deadline_of() { as lead case show "$1" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["deadline"], d["extended_days"])'; }
days_between() { python3 -c 'import sys,datetime as t; f=lambda s: t.datetime.fromisoformat(s.replace("Z","+00:00")); print(round((f(sys.argv[2])-f(sys.argv[1])).total_seconds()/86400))' "$1" "$2"; }

# two extensions of 20 days (the rules allow 30 in all)
X=${Z1C[$((ROUNDS + 1))]}
read -r D0 E0 <<<"$(deadline_of "$X")"
race x1 lead case extend "$X" --days 20 -- x2 boss case extend "$X" --days 20
read -r D1 E1 <<<"$(deadline_of "$X")"
echo "# two extensions by 20 days at once: exits $(rc_of x1) $(rc_of x2); extended_days $E0 -> $E1, deadline moved $(days_between "$D0" "$D1") days"
# A deadline that lands on a rest day rolls to the next working day, so the
# move is the days recorded, or a few more (a weekend, at most a holiday week).
MOVED=$(days_between "$D0" "$D1")
check "the deadline moved by as many days as were recorded as extended ($E1), rolled to a working day" \
	test "$MOVED" -ge "$E1" -a "$MOVED" -le $((E1 + 9))
check "the rules' 30 days are not exceeded ($E1)" test "$E1" -le 30
check "one extension done, the other refused for the bound (exit 5)" test "$(pair x1 x2)" = "0 5"

# two returns of one case
Y=${Z1C[$((ROUNDS + 2))]}
race y1 lead review return "$Y" --kind supplement --item "补充甲" --ref F1 -- \
	y2 boss review return "$Y" --kind supplement --item "补充乙" --ref F1
echo "# two returns at once: exits $(rc_of y1) $(rc_of y2): $(cat "$T/y1.err" "$T/y2.err" | head -n1)"
check "one return done, the other refused as the case is returned (exit 4)" \
	test "$(pair y1 y2)" = "0 4"
expect_rc 0 as lead case show "$Y" --json
check "returned once" pyjson 'd["state"] == "returned" and d["returns"] == 1' "$OUT"

# two resubmissions of it
as lead case show "$Y" --json >"$T/show.json"
python3 - "$T/show.json" "$T/rs.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); d = c["dossier"]
d["evidence"].append({"id": "E901", "kind": "documentary", "title": "补充调取的银行流水",
                      "obtained_on": d["transferred_on"], "tags": ["bank_record"]})
d["facts"][0]["evidence"].append("E901")
d["supplement"] = [{"item": "1", "evidence": ["E901"], "note": "已补充"}]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
race z1 lead case resubmit "$Y" "$T/rs.json" -- z2 boss case resubmit "$Y" "$T/rs.json"
echo "# two resubmissions at once: exits $(rc_of z1) $(rc_of z2)"
# (done is exit 0, or 1 when the checks run on the new dossier report a
# blocker of their own)
check "one resubmission done, the other refused as the case is back in review (exit 4)" \
	bash -c '[ "$1" = "0 4" ] || [ "$1" = "1 4" ]' _ "$(pair z1 z2)"
expect_rc 0 as lead case show "$Y" --json
check "the dossier replaced once" pyjson 'd["state"] == "in_review" and d["dossier_rev"] == 2' "$OUT"

expect_rc 0 as aud audit verify
finish
