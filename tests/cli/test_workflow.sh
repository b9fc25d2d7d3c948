#!/usr/bin/env bash
# The review workflow end to end with the built-in packages: returns with
# supplement outlines (carried items, the limit on returns), resubmission
# (unanswered items stay open, the clock resumes), signed opinions, the
# panel's opinion, and sign-off gated by the consistency scripts; hostile
# scripts fail cleanly while the host carries on.
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1 # audit verify in shares too (lib.sh)
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/gate_findings" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] || { fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
install_checks

# three cases of zone Z1: a clean one from ZCJ (m2's home agency, so m2 is
# recused), two with a planted blocker from agencies no reviewer calls home
D=$T/d.jsonl; : > "$D"
NEXT=300
pick() { # pick FAULT - AGENCY: the next generated dossier that fits
	local i line ag
	for i in $(seq "$NEXT" 900); do
		NEXT=$((i + 1))
		line=$("$SHENLI" sample docket --cases 1 --seed 5 --start "$i" --fault "$1")
		ag=$(printf '%s' "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["agency"])')
		case "$ag" in ZRJ|ZCJ) [ "$ag" = "$3" ] || continue ;; *) [ -z "$3" ] || continue ;; esac
		case "$Z1" in *" $ag "*) printf '%s\n' "$line" >> "$D"; return 0 ;; esac
	done
	fail "no sample dossier for $1 $3"
}
pick none 0 ZCJ
pick confession_only 0 ""
pick confession_only 0 ""
mapfile -t IDS < <(python3 -c 'import json,sys; [print(json.loads(l)["case_id"]) for l in open(sys.argv[1])]' "$D")
A=${IDS[0]} B=${IDS[1]} C=${IDS[2]}
as lead case import --jsonl "$D" >/dev/null
for c in "$A" "$B" "$C"; do as lead case assign "$c" m1 m3 >/dev/null; done

# no gate yet: sign-off needs the scripts to exist
expect_rc 0 as lead review run "$A"

# an opinion file consistent with the case's own proposal
opinion() { # opinion CASE FILE [panel-extra-json]
	as lead case show "$1" --json > "$T/show.json"
	python3 - "$T/show.json" "$2" "${3:-}" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); p = c["dossier"]["proposal"]
o = {"format": "shenli.opinion/1", "case_id": c["case_id"],
     "disciplines": p["disciplines"], "eight_point_rules": p["eight_point_rules"],
     "party_sanction": p.get("party_sanction"), "gov_sanction": p.get("gov_sanction"),
     "form": p["form"], "reasoning": "事实清楚，证据确实充分，定性准确，处理恰当。"}
if sys.argv[3]:
    o.update(json.loads(sys.argv[3]))
json.dump(o, open(sys.argv[2], "w"), ensure_ascii=False)
PY
}
opinion "$A" "$T/opA.json"
expect_rc 0 as m1 review opinion "$A" --file "$T/opA.json"
check "the opinion is signed by its author" grep -q "signed by m1" "$OUT"
expect_rc 4 as m2 review opinion "$A" --file "$T/opA.json"      # recused (home ZCJ)
expect_rc 4 as m9 review opinion "$A" --file "$T/opA.json"      # another zone
pwfile m4 "passphrase of m4" >/dev/null; adduser m4 member --zone Z1
expect_rc 4 as m4 review opinion "$A" --file "$T/opA.json"      # not on the team
check "the refusal says why" grep -q "not on the team" "$ERR"
HEAD0=$(as lead audit head)
sed 's/"form": [0-9]/"form": 9/' "$T/opA.json" > "$T/bad.json"
expect_rc 5 as m3 review opinion "$A" --file "$T/bad.json"
check "a bad opinion names the field" grep -q "form" "$ERR"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); o["party_sanction"]="罚款"; json.dump(o, open(sys.argv[2],"w"), ensure_ascii=False)' "$T/opA.json" "$T/bad.json"
expect_rc 5 as m3 review opinion "$A" --file "$T/bad.json"
check "a sanction outside the rules is refused" grep -q "party_sanction" "$ERR"
opinion "$A" "$T/bad.json" '{"dissent": [{"member": "m1", "text": "x"}]}'
expect_rc 5 as m3 review opinion "$A" --file "$T/bad.json"      # dissent is the panel's
check "nothing written for bad opinions" test "$(as lead audit head)" = "$HEAD0"
expect_rc 0 as m3 review opinion "$A" --file "$T/opA.json"
expect_rc 4 as m1 review opinion "$A" --file "$T/opA.json" --panel   # the leader's
expect_rc 4 as lead review signoff "$A"                         # not deliberated yet
check "the refusal names the state" grep -q "in_review" "$ERR"
opinion "$A" "$T/panelA.json" '{"dissent": [{"member": "m3", "text": "建议从轻"}], "property": "涉案款项已全部收缴。"}'
expect_rc 0 as lead review opinion "$A" --file "$T/panelA.json" --panel --json
check "the panel opinion keeps the dissent" pyjson 'd["panel"] and d["dissent"][0]["member"]=="m3" and d["author"]=="lead"' "$OUT"
expect_rc 0 as lead case show "$A" --json
check "the panel opinion makes the case deliberated" pyjson 'd["state"]=="deliberated"' "$OUT"
expect_rc 1 as lead review signoff "$A"
check "no script installed: sign-off refused" grep -q "no consistency script" "$ERR"

for s in gate_findings gate_outline gate_opinions gate_panel gate_dates; do
	expect_rc 0 as root script install "$PK/$s"
done
expect_rc 0 as lead script run gate_opinions "$A"
expect_rc 4 as m1 review signoff "$A"                           # leader only
expect_rc 0 as lead review signoff "$A" --json
check "sign-off passes every script and records the head" pyjson \
	'd["signed_off"] and len(d["scripts"])==5 and all(s["passed"] for s in d["scripts"]) and ":" in d["head"]' "$OUT"
HEAD_SIGNED=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["head"])' "$OUT")
expect_rc 0 as lead case show "$A" --json
check "the case is signed off with the head" pyjson 'd["state"]=="signed_off" and d["signed_head"]=="'"$HEAD_SIGNED"'"' "$OUT"
expect_rc 0 as lead audit verify --anchor "$HEAD_SIGNED"
expect_rc 4 as lead review signoff "$A"                         # once only

# B: an open blocker blocks sign-off, whatever the opinions say
expect_rc 1 as lead review run "$B"
opinion "$B" "$T/opB.json"
as m1 review opinion "$B" --file "$T/opB.json" >/dev/null
as m3 review opinion "$B" --file "$T/opB.json" >/dev/null
expect_rc 0 as lead review opinion "$B" --file "$T/opB.json" --panel
expect_rc 1 as lead review signoff "$B"
check "the refusal lists the failing script's finding" grep -q "open_blocker" "$OUT"
check "only the failing scripts are listed" bash -c "! grep -q gate_opinions '$OUT'"
expect_rc 0 as lead case show "$B" --json
check "a refused sign-off leaves the case deliberated" pyjson 'd["state"]=="deliberated"' "$OUT"
expect_rc 0 as aud audit log --json
check "the refusal is audited" pyjson 'any(e["action"]=="review.signoff_refused" and e["object"]=="'"$B"'" for e in d)' "$OUT"

# C: returns, outlines, resubmissions
expect_rc 1 as lead review run "$C"
expect_rc 4 as m1 review return "$C" --kind supplement          # leader only
expect_rc 5 as lead review return "$C" --kind later
expect_rc 5 as lead review return "$C" --kind supplement --item "补充某项" --ref X99
check "an item tied to nothing in the case is refused" grep -q "X99" "$ERR"
expect_rc 0 as lead review return "$C" --kind supplement --item "补充调取相关银行流水" --ref F1 --json
check "the outline has the checks' items and the leader's, numbered, tied" pyjson \
	'd["return_no"]==1 and len(d["items"])>=2 and [i["no"] for i in d["items"]]==list(range(1, len(d["items"])+1)) and all(i["refs"] and not i["answered"] for i in d["items"]) and d["items"][0]["source"]=="evidence/confession_only" and d["items"][-1]["source"]=="leader"' "$OUT"
# the log keeps the outline's items; an admin (no case access) reads the
# entry, not what the case says; the auditor reads it all
expect_rc 0 as root audit log --action review.return --json
check "to an admin, a case's entry is there with its details withheld" pyjson \
	'd and all(e["details"].get("withheld") == "case" and "items" not in e["details"] and e["os"] for e in d)' "$OUT"
check "... not one word of the outline" bash -c "! grep -q '银行流水' '$OUT'"
expect_rc 0 as root audit log --action review.return
check "... and in words, says it is withheld" bash -c "grep -q 'not shown to admins' '$OUT' && ! grep -q '银行流水' '$OUT'"
expect_rc 0 as aud audit log --action review.return --json
check "the auditor reads the outline's items in the log" grep -q '银行流水' "$OUT"
expect_rc 0 as lead case show "$C" --json
check "returned: the clock is paused" pyjson 'd["state"]=="returned" and d["clock_paused"] and d["returns"]==1' "$OUT"
DL0=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["deadline"])' "$OUT")
expect_rc 4 as lead review run "$C"                             # away for supplement
expect_rc 0 as m1 review outline "$C" --json
check "outline --json has the contract's shape" pyjson \
	'set(["case_id","return_no","kind","items"])<=set(d) and all(set(["no","text","refs","answered"])<=set(i) for i in d["items"])' "$OUT"
expect_rc 0 as m1 review outline "$C"
check "the human outline is Chinese" grep -q "补查提纲" "$OUT"

# resubmission: a new piece of evidence answers item 1; item 2 is not answered
resub() { # resub CASE OUT NEWEV ITEM... : the stored dossier plus evidence NEWEV answering ITEMs
	as lead case show "$1" --json > "$T/show.json"
	python3 - "$T/show.json" "$2" "$3" "${@:4}" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); d = c["dossier"]; new = sys.argv[3]
d["evidence"].append({"id": new, "kind": "documentary", "title": "补充调取的银行流水",
                      "obtained_on": c["dossier"]["transferred_on"], "tags": ["bank_record"]})
d["facts"][0]["evidence"].append(new)
d["supplement"] = [{"item": i, "evidence": [new], "note": "已补充"} for i in sys.argv[4:]]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
}
HEAD1=$(as lead audit head)
echo '{"format": "shenli.case/1"' > "$T/broken.json"
expect_rc 5 as lead case resubmit "$C" "$T/broken.json"
resub "$C" "$T/r.json" E901 7
expect_rc 5 as lead case resubmit "$C" "$T/r.json"
check "an answer to no item is refused" grep -q "no item '7'" "$ERR"
resub "$A" "$T/r.json" E901 1
expect_rc 5 as lead case resubmit "$C" "$T/r.json"                # another case's file
check "nothing written for refused resubmissions" test "$(as lead audit head)" = "$HEAD1"
resub "$C" "$T/r.json" E901 1
expect_rc 1 as lead case resubmit "$C" "$T/r.json" --json
check "item 1 answered, item 2 stays open" pyjson 'd["answered"]==[1] and 2 in [o["no"] for o in d["open"]] and d["checks"] is not None' "$OUT"
expect_rc 0 as lead review outline "$C" --json
check "the outline shows what was answered" pyjson '[i["answered"] for i in d["items"]][:2]==[True, False]' "$OUT"
expect_rc 0 as lead case show "$C" --json
check "back in review, clock running, dossier replaced" pyjson \
	'd["state"]=="in_review" and not d["clock_paused"] and d["dossier_rev"]==2 and any(e["id"]=="E901" for e in d["dossier"]["evidence"])' "$OUT"
check "the deadline did not move backwards" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["deadline"]>=sys.argv[2] else 1)' "$OUT" "$DL0"
expect_rc 4 as lead case resubmit "$C" "$T/r.json"               # not returned now

# the second return carries the open item; answering it closes both
expect_rc 0 as lead review return "$C" --kind reinvestigate --item "核实第二笔资金去向" --ref F1 --json
check "the open item is carried into return 2" pyjson 'd["return_no"]==2 and any(i["carried_from"]=="1.2" for i in d["items"])' "$OUT"
N2=$(python3 -c 'import json,sys; print(" ".join(str(i["no"]) for i in json.load(open(sys.argv[1]))["items"]))' "$OUT")
as lead case show "$C" --json > /dev/null
resub "$C" "$T/r2.json" E902 $N2
as lead case resubmit "$C" "$T/r2.json" --json > "$OUT" 2> "$ERR"; RC=$?
check "the second resubmission is taken (exit 0, or 1 for blockers)" test "$RC" -le 1
check "every item of return 2 answered" pyjson 'd["open"]==[]' "$OUT"
expect_rc 0 as lead review outline "$C" --return 1 --json
check "the carried item is answered in return 1 too" pyjson 'all(i["answered"] for i in d["items"])' "$OUT"
expect_rc 4 as lead review return "$C" --kind supplement --item "再补" --ref F1
check "a third return is refused by the rules" grep -q "at most 2" "$ERR"

# hostile scripts, signed by a key the admin trusts, fail cleanly
K=$T/keys; mkdir -m 700 "$K"
openssl genpkey -algorithm ed25519 -out "$K/adm.key" 2>/dev/null
openssl pkey -in "$K/adm.key" -pubout -out "$K/adm.pub" 2>/dev/null
as root keys trust "$K/adm.pub" --comment "admin" >/dev/null
mkscript() { # mkscript NAME LUA
	local d=$T/pkg/$1; rm -rf "$d"; mkdir -p "$d"
	printf '%s\n' "$2" > "$d/$1.lua"
	printf 'name=%s\nkind=script\nversion=1\nabi=1\nfile=%s.lua\nsize=%s\nsha256=%s\n' "$1" "$1" \
		"$(stat -c %s "$d/$1.lua")" "$(sha256sum "$d/$1.lua" | cut -d' ' -f1)" > "$d/manifest"
	openssl pkeyutl -sign -rawin -inkey "$K/adm.key" -in "$d/manifest" -out "$d/manifest.sig"
	as root script install "$d" >/dev/null
}
hostile() { # hostile NAME LUA CODE-REGEX
	mkscript "$1" "$2"
	local t0=$SECONDS
	expect_rc 1 as lead script run "$1" "$B"
	check "$1: fails with $3 within the deadline" bash -c "grep -Eq '$3' '$OUT' && [ $((SECONDS - t0)) -lt 15 ]"
	as root script remove "$1" >/dev/null
}
hostile loop 'function check(c) while true do end end' 'script_(instructions|timeout)'
hostile membomb 'function check(c) local t = {} for i = 1, 1e9 do t[i] = {i} end end' 'script_memory'
hostile repbomb 'function check(c) local s = string.rep("x", 1 << 30) end' 'script_memory'
hostile deep 'local function f(n) return f(n + 1) + 1 end function check(c) f(1) end' 'script_(error|memory)'
hostile io 'function check(c) io.open("/etc/passwd") end' 'script_error.*io'
hostile os 'function check(c) os.execute("true") end' 'script_error.*os'
hostile req 'function check(c) require("socket") end' 'script_error.*require'
hostile dbg 'function check(c) debug.sethook() end' 'script_error.*debug'
hostile dump 'function check(c) string.dump(check) end' 'script_error'
hostile bytecode 'function check(c) assert(load("\27Lua\84\0", "x", "b"))() end' 'script_error'
hostile strmeta 'function check(c) local m = getmetatable("").__index end' 'script_error'
hostile write 'function check(c) c.state = "signed_off" end' 'script_error.*read-only'
hostile pattern 'function check(c) string.find(string.rep("a", 40000), ".-.-.-.-b") end' 'script_(timeout|instructions|error)'
mkscript nocheck 'x = 1'
expect_rc 1 as lead script run nocheck "$B"
check "a script without check() is named" grep -q "script_no_check" "$OUT"
# a failing script blocks sign-off; the other scripts still ran
opinion "$C" "$T/opC.json"
as m1 review opinion "$C" --file "$T/opC.json" >/dev/null
as m3 review opinion "$C" --file "$T/opC.json" >/dev/null
as lead review opinion "$C" --file "$T/opC.json" --panel >/dev/null
expect_rc 1 as lead review signoff "$C" --json
check "the bad script fails sign-off, the others ran" pyjson \
	'not d["signed_off"] and len(d["scripts"])==6 and any(s["script"]=="nocheck" and not s["passed"] for s in d["scripts"]) and any(s["script"]=="gate_outline" and s["passed"] for s in d["scripts"])' "$OUT"
as root script remove nocheck >/dev/null
expect_rc 0 as aud audit verify

# The log checked by a verifier written from doc/log.md alone (logcheck.py,
# which imports nothing of shenli's): the chain, every signature, every
# enrolment and the opinions of case A, under the keys the log gave.
LC=$(dirname "$0")/logcheck.py
as aud audit log --json >"$T/log.json"
as aud audit head >"$T/head"
as lead review opinions "$A" --json >"$T/opsA.json"
expect_rc 0 /usr/bin/python3 "$LC" "$T/log.json" "$T/head" "$A=$T/opsA.json"
check "the outside verifier checked opinions and signatures" \
	grep -Eq '[1-9][0-9]* signatures, [1-9][0-9]* enrolments, [1-9][0-9]* opinions' "$OUT"
# and it can fail: a signature, a detail, an opinion changed by one byte
python3 - "$T/log.json" "$T/bad_sig.json" "$T/bad_det.json" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
e = next(e for e in log if e["sig"])
e["sig"] = ("0" if e["sig"][0] != "0" else "1") + e["sig"][1:]
json.dump(log, open(sys.argv[2], "w"), ensure_ascii=False)
log = json.load(open(sys.argv[1]))
e = next(e for e in log if e["action"] == "zone.add")
e["details"]["name"] += "x"
json.dump(log, open(sys.argv[3], "w"), ensure_ascii=False)
EOF
expect_rc 1 /usr/bin/python3 "$LC" "$T/bad_sig.json" "$T/head" "$A=$T/opsA.json"
check "a changed signature is found" grep -q "FAULT entry .*: signature" "$OUT"
expect_rc 1 /usr/bin/python3 "$LC" "$T/bad_det.json" "$T/head" "$A=$T/opsA.json"
check "a changed detail is found" grep -q "FAULT entry .*: hash" "$OUT"
finish
