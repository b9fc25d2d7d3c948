#!/usr/bin/env bash
# The ways through a review that a panel needs, each one a dead end or a
# disagreement found by driving the workflow from outside:
#   - a reviewer records findings on their own team's cases only;
#   - the panel deliberates on the checks and the team's opinions, not
#     before them (a deliberated case could never be signed off);
#   - the deliberation may return the case, and the team gives its
#     opinions again on the dossier resubmitted;
#   - an answer to an item the leader withdrew answers nothing, and the log
#     agrees (audit verify failed on it);
#   - at the limit on returns, a blocker whose outline item the leader
#     withdrew with a reason no longer stops sign-off;
#   - a role refused (assigning an auditor) and a case's state refused
#     (withdrawing from a case never returned) exit 4, bad option values 5;
#   - a reviewer reads the report (the team's opinions in it) only after
#     giving their own, as review opinions has it;
#   - a finding that quotes a name with a bidi override is marked, not
#     refused as malformed (a blocker nobody could clear);
#   - audit verify finds an installed plugin changed on disk;
#   - init with a key that is not one leaves no store behind.
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/gate_findings" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] ||
	{ fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
install_checks gates

# init: every key is read before the store is made
expect_rc 5 sl --passphrase-file "$T/pw/root" --store "$T/other.db" init --admin root \
	--trust "$SHENLI_BUILD_PUB" --trust "$EXAMPLE"
check "a bad --trust key is named" grep -q "example.json" "$ERR"
check "and nothing of the store is left behind" bash -c "! ls '$T'/other.db* 2>/dev/null | grep -q ."

z1_dossier confession_only "$T/c.json" || { fail "no sample dossier of zone Z1"; finish; }
C=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_id"])' "$T/c.json")
expect_rc 0 as lead case import "$T/c.json"
expect_rc 4 as lead case assign "$C" m2 aud
check "an auditor is refused for their role" grep -q "only members and specialists" "$ERR"
expect_rc 0 as lead case assign "$C" m2 m3
expect_rc 4 as lead review withdraw "$C" 1 --reason "x"
check "withdrawing from a case never returned: its state" grep -q "has not been returned" "$ERR"

as lead case show "$C" --json >"$T/show.json"
P=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["dossier"]["proposal"]; print(p["form"], p.get("party_sanction") or "无", p.get("gov_sanction") or "无", p["disciplines"][0], "yes" if p["eight_point_rules"] else "no")' "$T/show.json")
read -r FORM PSAN GSAN DISC EIGHT <<<"$P"
EP=(); [ "$EIGHT" = yes ] && EP=(--eight-point)
OP=(--discipline "$DISC" "${EP[@]}" --party-sanction "$PSAN" --gov-sanction "$GSAN" --form "$FORM")
expect_rc 5 as m2 review opinion "$C" --discipline "$DISC" --form x --reason r
check "a form that is no number is named as given" grep -q "'x'" "$ERR"
python3 - "$T/op.json" "$C" "$DISC" "$FORM" <<'PY'
import json, sys
json.dump({"format": "shenli.opinion/1", "case_id": sys.argv[2], "disciplines": [sys.argv[3]],
           "eight_point_rules": False, "form": int(sys.argv[4]), "reasoning": "理由",
           "party_sanction": None, "gov_sanction": None,
           "circumstances": ["no_such_circumstance"]}, open(sys.argv[1], "w"), ensure_ascii=False)
PY
expect_rc 5 as m2 review opinion "$C" --file "$T/op.json"
check "a file's circumstance is checked as the option's is" grep -q "no_such_circumstance" "$ERR"

# ---- who runs the checks, and when the panel deliberates -------------------
H0=$(as lead audit head)
expect_rc 4 as lead review opinion "$C" --panel "${OP[@]}" --reason "经集体审议，同意。"
check "no deliberation before the checks ran" grep -q "review run" "$ERR"
expect_rc 4 as m1 review run "$C"
check "a member not on the team does not record findings" grep -q "not on the team" "$ERR"
expect_rc 0 as m1 review run --all
check "a member's run of all cases covers their teams' cases: none" grep -q "^0 " "$OUT"
expect_rc 0 as aud audit log --json
check "m1 ran the checks on no case" pyjson \
	"not [e for e in d if e['actor'] == 'm1' and e['action'] == 'review.run']" "$OUT"
expect_rc 1 as m2 review run --all
expect_rc 0 as lead review findings "$C" --json
CODE=$(python3 -c 'import json,sys; print([f["code"] for f in json.load(open(sys.argv[1])) if f["severity"] == "blocker"][0])' "$OUT")
REF=$(python3 -c 'import json,sys; print([f["refs"][0] for f in json.load(open(sys.argv[1])) if f["severity"] == "blocker"][0])' "$OUT")
H1=$(as lead audit head)
expect_rc 4 as lead review opinion "$C" --panel "${OP[@]}" --reason "经集体审议，同意。"
check "no deliberation before the team's opinions" grep -q "0 of the team" "$ERR"
expect_rc 0 as m2 review opinion "$C" "${OP[@]}" --reason "事实清楚。"
# the report shows m2's opinion: not to m3 before m3 has given their own
expect_rc 4 as m3 report "$C"
check "the report waits for the reader's own opinion" grep -q "review opinion" "$ERR"
# m1, of the zone but not on the team, is told that, not to record an
# opinion first (which they may not)
expect_rc 4 as m1 report "$C"
check "the report to a zone member off the team: not on the team" bash -c \
	"grep -q 'not on the team' '$ERR' && ! grep -q 'review opinion' '$ERR'"
expect_rc 4 as m1 review opinions "$C"
check "review opinions to a zone member off the team: not on the team" bash -c \
	"grep -q 'not on the team' '$ERR' && ! grep -q 'review opinion' '$ERR'"
expect_rc 0 as lead report "$C"
expect_rc 4 as lead review opinion "$C" --panel "${OP[@]}" --reason "经集体审议，同意。"
check "nor on one opinion of a team of two" grep -q "1 of the team" "$ERR"
expect_rc 0 as m3 review opinion "$C" "${OP[@]}" --reason "事实清楚。"
expect_rc 0 as lead review opinion "$C" --panel "${OP[@]}" --reason "经集体审议，退回补查。"

# ---- the deliberation returns it --------------------------------------------
expect_rc 0 as lead review return "$C" --kind supplement --from-finding "$CODE@$REF"
expect_rc 0 as lead case show "$C" --json
check "returned from the deliberation" pyjson "d['state'] == 'returned' and d['returns'] == 1" "$OUT"
resubmit() { # resubmit ITEM|0 [--json]: new evidence, cited by no fact, answering ITEM
	as lead case show "$C" --json >"$T/show.json"
	python3 - "$T/show.json" "$T/resub.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["dossier"]
eid = "E%d" % (90 + len(d["evidence"]))
d["evidence"].append({"id": eid, "kind": "documentary", "title": "情况说明",
                      "obtained_on": d["transferred_on"]})
d["supplement"] = [{"item": sys.argv[3], "evidence": [eid], "note": "已补充"}] if sys.argv[3] != "0" else []
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
	as lead case resubmit "$C" "$T/resub.json" "${@:2}"
}
expect_rc 1 resubmit 0

# ---- an answer to a withdrawn item ------------------------------------------
expect_rc 0 as lead review return "$C" --kind supplement --no-findings --item "说明有关情况" --ref "$REF"
expect_rc 0 as lead review withdraw "$C" 2 --reason "已无必要"
expect_rc 1 resubmit 2 --json
check "the answer to the withdrawn item answers nothing; the carried item stays open" pyjson \
	"d['answered'] == [] and d['withdrawn'] == [2] and [o['no'] for o in d['open']] == [1]" "$OUT"
expect_rc 0 as aud audit verify
expect_rc 0 as lead review outline "$C" --json
check "the withdrawn item is not marked answered" pyjson \
	"d['items'][1]['withdrawn'] is not None and not d['items'][1]['answered']" "$OUT"

# ---- at the limit on returns, the leader settles the blocker ----------------
expect_rc 4 as lead review return "$C" --kind supplement --no-findings --item x --ref "$REF"
# the opinions so far were given on the dossier the resubmission replaced
expect_rc 4 as lead review opinion "$C" --panel "${OP[@]}" --reason "经集体审议，同意。"
check "no deliberation on the team's opinions from before the resubmission" grep -q "0 of the team" "$ERR"
expect_rc 0 as lead review opinions "$C" --json
check "none of them is in force" pyjson "d == []" "$OUT"
expect_rc 0 as m3 review opinion "$C" "${OP[@]}" --reason "补查后，事实清楚。"
expect_rc 4 as m2 report "$C"
check "m2's opinion from before does not open m3's new one to m2" grep -q "review opinion" "$ERR"
expect_rc 0 as m2 review opinion "$C" "${OP[@]}" --reason "补查后，事实清楚。"
expect_rc 0 as m2 report "$C"
expect_rc 0 as lead review opinion "$C" --panel "${OP[@]}" --reason "经集体审议，同意。"
expect_rc 1 as lead review signoff "$C" --json
check "sign-off is refused for the open blocker and its item" pyjson \
	"any(f['code'] == 'open_blocker' for s in d['scripts'] for f in s['findings']) and any(f['code'] == 'outline_item_open' for s in d['scripts'] for f in s['findings'])" "$OUT"
expect_rc 0 as lead review withdraw "$C" 1 --reason "经核实已无法补查，现有证据足以认定"
expect_rc 0 as lead review signoff "$C"
expect_rc 0 as aud audit verify

# ---- an outline withdrawn whole; opinions a resubmission withdrew ----------
# Every item withdrawn: the letter asks for the file back, not for answers.
# An opinion the resubmission withdrew is not said in the report to have
# been withdrawn by the change of team that came after it.
python3 - "$EXAMPLE" "$T/w.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["case_id"] = "ZRJ-2024-205"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
C=ZRJ-2024-205
expect_rc 0 as lead case import "$T/w.json"
expect_rc 0 as lead case assign "$C" m2 m3
as lead review run "$C" >/dev/null
expect_rc 0 as m2 review opinion "$C" "${OP[@]}" --reason "第一轮意见。"
expect_rc 0 as m3 review opinion "$C" "${OP[@]}" --reason "第一轮意见。"
expect_rc 0 as lead review return "$C" --kind supplement --no-findings --item "补充证人证言" --ref F1
expect_rc 0 as lead review outline "$C" --format md
check "the letter asks for answers item by item" grep -q "逐项作出答复" "$OUT"
expect_rc 0 as lead review withdraw "$C" 1 --reason "已无必要"
expect_rc 0 as lead review outline "$C" --format md
check "every item withdrawn: the letter asks for the file back, and no answers" \
	eval 'grep -q "将全部案卷重新移送我组" "$OUT" && grep -q "无需逐项答复" "$OUT" && ! grep -q "逐项作出答复" "$OUT"'
resubmit 0 >/dev/null
expect_rc 0 as lead case show "$C" --json
check "resubmitted with every item withdrawn: back in review" pyjson "d['state'] == 'in_review'" "$OUT"
# m3 off the team after the resubmission, sp on it; then sp off, m3 back
expect_rc 0 as lead case assign "$C" m2 sp
as lead review run "$C" >/dev/null
expect_rc 0 as m2 review opinion "$C" "${OP[@]}" --reason "第二轮意见。"
expect_rc 0 as sp review opinion "$C" "${OP[@]}" --reason "第二轮意见。"
expect_rc 0 as lead case assign "$C" m2 m3
expect_rc 0 as m3 review opinion "$C" "${OP[@]}" --reason "第二轮意见。"
expect_rc 0 as lead review opinion "$C" --panel "${OP[@]}" --reason "经集体审议，同意。"
expect_rc 0 as lead report "$C"
check "the report: sp's opinion alone is said withdrawn by the change of team (m3's first, by the resubmission, is not)" \
	test "$(grep -c '因审理组调整已撤回' "$OUT")" = 1

# ---- a finding may quote a name that is not shown as itself -----------------
python3 - "$EXAMPLE" "$T/bidi.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "ZRJ-2024-203"; d["subject"]["name"] = "李\u202e某"
d["subject"]["prior_sanctions"] = [{"system": "party", "level": "警告", "decided_on": "2021-03-02"}]
d["proposal"]["circumstances"] = []
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_rc 0 as lead case import "$T/bidi.json"
as lead review run ZRJ-2024-203 >/dev/null
expect_rc 0 as lead review findings ZRJ-2024-203 --json
check "a bidi override in the name is marked, not a malformed finding" pyjson \
	"not any(f['code'] == 'malformed_finding' for f in d) and any(f['code'] == 'prior_sanctions_not_cited' and '\ufffd' in f['message'] and '\u202e' not in f['message'] for f in d)" "$OUT"

# ---- a plugin changed on disk is tampering -----------------------------------
SO=$(ls "$STORE.pkg"/evidence@*/*.so)
chmod u+w "$SO"
printf '\0' | dd of="$SO" bs=1 seek=4096 conv=notrunc 2>/dev/null
SHARES_CHECK=
expect_rc 6 as aud audit verify
check "audit verify names the plugin" grep -q "evidence" "$ERR"

finish
