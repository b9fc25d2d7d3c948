#!/usr/bin/env bash
# The review as a panel runs it (issue 13): the leader composes the
# supplement outline (a dry run first, findings picked, items of their own,
# one about identity documents that concerns no fact), and a case that
# would be stuck for good at the limit on returns, with an item nobody can
# answer, is signed off once the leader withdraws that item with a reason,
# which the outline and the report show.
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1 # audit verify in shares too (lib.sh)
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/gate_findings" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] ||
	{ fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
install_checks gates

# a case taken in first, whose rows come before C's
"$SHENLI" sample docket --cases 1 --seed 5 --start 960 >"$T/d0.json"
python3 - "$T/d0.json" "$Z1" <<'PY'
import json, sys
c = json.loads(open(sys.argv[1]).read())
c["case_id"] = "ZGA-2099-000"; c["agency"] = sys.argv[2].split()[0]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
expect_rc 0 as lead case import "$T/d0.json"

# a case of zone Z1 whose first fact rests on the subject's statement alone
z1_dossier confession_only "$T/c.json" || { fail "no sample dossier of zone Z1"; finish; }
C=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_id"])' "$T/c.json")
expect_rc 0 as lead case import "$T/c.json"
expect_rc 0 as lead case assign "$C" m2 m3
expect_rc 1 as lead review run "$C"
expect_rc 0 as lead review findings "$C" --json
CODE=$(python3 -c 'import json,sys; print([f["code"] for f in json.load(open(sys.argv[1])) if f["severity"] == "blocker"][0])' "$OUT")
REF=$(python3 -c 'import json,sys; print([f["refs"][0] for f in json.load(open(sys.argv[1])) if f["severity"] == "blocker"][0])' "$OUT")

# ---- composing the outline --------------------------------------------------
H0=$(as lead audit head)
expect_rc 2 as lead review return "$C" --kind supplement --dry-run --no-findings --from-finding "$CODE"
expect_rc 0 as lead review return "$C" --kind supplement --dry-run --json \
	--from-finding "$CODE@$REF" --item "补充被审查调查人的任免文件" --ref doc:identity \
	--item "查明车主身份及其与被审查调查人的关系" --ref "$REF"
check "the dry run numbers the items and names each one's source" pyjson \
	"[i['no'] for i in d['items']] == [1, 2, 3] and d['items'][0]['source'].endswith('/$CODE') and d['items'][1]['source'] == 'leader' and d['items'][1]['refs'] == ['doc:identity'] and d['dry_run']" "$OUT"
expect_rc 0 as lead review return "$C" --kind supplement --dry-run --from-finding "$CODE"
check "the dry run is shown in Chinese with its sources" grep -q "来源：审查发现（[^（）a-z]*检查：$CODE）" "$OUT"
expect_rc 0 as lead review return "$C" --kind supplement --dry-run --no-findings \
	--item "核实被审查调查人的身份" --ref subject
check "the subject as a ref is named in Chinese, not 'subject'" grep -q "涉及：被审查调查人 " "$OUT"
check "a dry run writes nothing" test "$(as lead audit head)" = "$H0"
expect_rc 0 as lead case show "$C" --json
check "a dry run leaves the case in review" pyjson "d['state'] == 'in_review'" "$OUT"
expect_rc 5 as lead review return "$C" --kind supplement --dry-run --from-finding no_such_code
check "a pick of no finding lists the findings there are" grep -q "$CODE" "$ERR"
expect_rc 5 as lead review return "$C" --kind supplement --dry-run --no-findings --item "x" --ref F999
expect_rc 5 as lead review return "$C" --kind supplement --dry-run --from-finding "$CODE@$REF" \
	--item "补充任免文件" --ref doc:identity --item "x" --ref F999
check "a bad item is named by its number in the outline (3), as the dry run numbers it" \
	grep -q "outline item 3: 'F999'" "$ERR"
expect_rc 5 as lead review return "$C" --kind supplement --dry-run --no-findings --item "x" --ref doc:nonsense
expect_rc 5 as lead review return "$C" --kind supplement --dry-run --no-findings --item "x" --ref "$REF,doc:identity,$REF"
check "a ref named twice for one item is refused (the letter would list it twice)" \
	grep -q "outline item 1: '$REF' is named twice" "$ERR"
expect_rc 5 as lead review return "$C" --kind supplement --dry-run --no-findings
check "an empty outline is refused, saying how to fill it" grep -q -- "--item" "$ERR"
check "none of that wrote anything" test "$(as lead audit head)" = "$H0"
# an id with a comma in it (shenli.case/1 allows one) is named whole
python3 - "$T/c.json" "$T/comma.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = d["case_id"] + "-C"
d["facts"][0]["id"] = "F,1"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
CC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_id"])' "$T/comma.json")
as lead case import "$T/comma.json" >/dev/null
expect_rc 0 as lead case assign "$CC" m2 m3
expect_rc 0 as lead review return "$CC" --kind supplement --dry-run --no-findings --item "核实" --ref "F,1" --json
check "a fact id holding a comma is one ref" pyjson "d['items'][0]['refs'] == ['F,1']" "$OUT"

# ---- the first return: the finding, and an item nobody will answer ---------
expect_rc 0 as lead review return "$C" --kind supplement --from-finding "$CODE@$REF" \
	--item "查明车主身份及其与被审查调查人的关系" --ref "$REF"
# the agency answers the finding's item with a bank record, and not the other
resubmit() { # resubmit ITEM_NO: the dossier again, a new bank record for F1 answering ITEM_NO
	as lead case show "$C" --json >"$T/show.json"
	python3 - "$T/show.json" "$T/resub.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["dossier"]
n = len(d["evidence"]) + 1
eid = "E%d" % (90 + n)
d["evidence"].append({"id": eid, "kind": "documentary", "title": "银行转账记录",
                      "obtained_on": d["transferred_on"], "tags": ["bank_record"]})
d["facts"][0].setdefault("evidence", []).append(eid)
d["supplement"] = [{"item": sys.argv[3], "evidence": [eid], "note": "已补充"}] if sys.argv[3] != "0" else []
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
	as lead case resubmit "$C" "$T/resub.json" >"$OUT" 2>"$ERR"
}
resubmit 1
check "the resubmission leaves item 2 open" grep -q "2" "$OUT"
# ---- the second return, at the limit: the open item is carried -------------
expect_rc 0 as lead review return "$C" --kind supplement --no-findings
expect_rc 0 as lead review outline "$C" --json
check "the open item was carried into the second return" pyjson \
	"d['return_no'] == 2 and len(d['items']) == 1 and d['items'][0]['carried_from'] == '1.2'" "$OUT"
resubmit 0
expect_rc 4 as lead review return "$C" --kind supplement --no-findings --item x --ref "$REF"
check "a third return is refused, pointing at withdraw" grep -q "withdraw" "$ERR"

# opinions and the panel's: the case is stuck at the outline gate
opinion() { # opinion FILE [extra json]
	as lead case show "$C" --json >"$T/show.json"
	python3 - "$T/show.json" "$1" "${2:-}" <<'PY'
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
# ---- opinions without hand-written JSON ------------------------------------
as lead case show "$C" --json >"$T/show.json"
P=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["dossier"]["proposal"]; print(p["form"], p.get("party_sanction") or "无", p.get("gov_sanction") or "无", " ".join(p["disciplines"]), "yes" if p["eight_point_rules"] else "no")' "$T/show.json")
read -r FORM PSAN GSAN DISC EIGHT <<<"$P"
EP=(); [ "$EIGHT" = yes ] && EP=(--eight-point)
expect_rc 5 as m2 review opinion "$C" --discipline 贪污纪律 --form "$FORM" --reason x
check "an unknown discipline lists the six" bash -c "grep -q '廉洁纪律' '$ERR' && grep -q 'integrity' '$ERR'"
expect_rc 5 as m2 review opinion "$C" --discipline "$DISC" --party-sanction 罚款 --form "$FORM" --reason x
check "a sanction not on the ladder lists the ladder" grep -q "严重警告" "$ERR"
expect_rc 5 as m2 review opinion "$C" --discipline "$DISC" --form 7 --reason x
check "a form out of range lists the four" grep -q "1 (批评教育)" "$ERR"
expect_rc 5 as m2 review opinion "$C" --discipline "$DISC" --form "$FORM" --reason "  "
check "an opinion whose reasoning is blank is refused" grep -q "reasoning" "$ERR"
expect_rc 5 as m2 review opinion "$C" --discipline "$DISC" --form "$FORM" --circumstance 态度很好 --reason x
check "an unknown circumstance lists the vocabulary" grep -q "voluntary_confession 主动交代" "$ERR"
expect_rc 2 as m2 review opinion "$C" --discipline "$DISC" --form "$FORM" --reason x --file "$T/op.json"
# the team's opinions are shown only to a reviewer who has recorded their own
expect_rc 0 as m2 case show "$C" --json
check "case show says m2 may not read the team's opinions yet" pyjson "d['opinions_open'] is False" "$OUT"
check "case show names the case's codes in Chinese" \
	pyjson "all(d['labels']['violations'].get(f['violation']) not in (None, f['violation']) for f in d['dossier']['facts']) and d['labels']['evidence'].get('subject_statement') == '被审查调查人陈述和辩解'" "$OUT"
expect_rc 0 as lead case show "$C" --json
check "the leader may read them" pyjson "d['opinions_open'] is True" "$OUT"
expect_rc 4 as m2 review opinions "$C"
check "no anchoring: record yours first" grep -q "review opinion" "$ERR"
DZH=$(python3 -c 'import sys; print({"political":"政治纪律","organizational":"组织纪律","integrity":"廉洁纪律","mass":"群众纪律","work":"工作纪律","life":"生活纪律"}[sys.argv[1]])' "$DISC")
expect_rc 0 as m2 review opinion "$C" --discipline "$DZH" "${EP[@]}" --party-sanction "$PSAN" \
	--gov-sanction "$GSAN" --form "$FORM" --circumstance 主动交代 --reason "事实清楚，证据确实充分。"
expect_rc 0 as m2 case show "$C" --json
check "case show says m2 may read them now" pyjson "d['opinions_open'] is True" "$OUT"
expect_rc 0 as m2 review opinions "$C" --json
check "m2 now sees the team's opinions: their own, with the Chinese names taken as codes" \
	pyjson "len(d) == 1 and d[0]['disciplines'] == ['$DISC'] and d[0]['circumstances'] == ['voluntary_confession']" "$OUT"
opinion "$T/op.json"
expect_rc 0 as m3 review opinion "$C" --file "$T/op.json"
expect_rc 0 as m2 review opinions "$C"
check "side by side, by name" bash -c "grep -c '违反纪律' '$OUT' | grep -qx 2"
# re-assigning a reviewer who signed keeps the opinion in the history only
expect_rc 0 as lead case assign "$C" m2 m1
expect_rc 0 as lead review opinions "$C" --json
check "m3's opinion is no longer in force" pyjson "sorted(o['author'] for o in d) == ['m2']" "$OUT"
# ... and stays withdrawn when m3 is put back: m3 records a new one
expect_rc 0 as lead case assign "$C" m2 m3
expect_rc 0 as lead review opinions "$C" --json
check "m3 put back on the team: the withdrawn opinion is not in force again" \
	pyjson "sorted(o['author'] for o in d) == ['m2']" "$OUT"
expect_rc 4 as m3 review opinions "$C"
check "... and m3 reads the team's opinions only after recording a new one" grep -q "review opinion" "$ERR"
expect_rc 0 as lead case assign "$C" m2 m1
expect_rc 0 as m1 review opinion "$C" --file "$T/op.json"
opinion "$T/panel.json"
expect_rc 0 as lead review opinion "$C" --file "$T/panel.json" --panel
expect_rc 1 as lead review signoff "$C"
check "sign-off is refused for the open item" grep -q "outline_item_open\|补查" "$OUT"

# ---- withdrawing it ---------------------------------------------------------
expect_rc 4 as m2 review withdraw "$C" 1 --reason "x"   # the leader's
expect_rc 2 as lead review withdraw "$C" 1              # a reason is required
expect_rc 5 as lead review withdraw "$C" 1 --reason "   "  # ... one that says something
check "a blank reason is refused as blank" grep -q "not blank" "$ERR"
expect_rc 5 as lead review withdraw "$C" 1 --reason "　　"  # ideographic spaces
expect_rc 5 as lead review withdraw "$C" 9 --reason "无此项"
REASON="车主已于二〇二三年死亡，身份及关系无从补查；其余证据已能证明事实"
expect_rc 0 as lead review withdraw "$C" 1 --reason "$REASON"
check "the outline shows the item withdrawn" grep -q "已撤回" "$OUT"
expect_rc 4 as lead review withdraw "$C" 1 --reason "again"   # not open any more
expect_rc 0 as lead review outline "$C" --json
check "the withdrawal is in the outline, with its reason" pyjson \
	"d['items'][0]['withdrawn']['reason'] == '$REASON'" "$OUT"
expect_rc 0 as lead review outline "$C" --return 1 --json
check "and in the first return's original of the item" pyjson \
	"d['items'][1]['withdrawn'] is not None" "$OUT"
# the first return's letter, printed again, says where its item went
# before what became of it (the withdrawal was made in the second return)
expect_rc 0 as lead review outline "$C" --return 1 --format md
check "the first letter: item 2 carried to the second return, then withdrawn" \
	grep -q "续列至第2次退回第1项；审理组已撤回" "$OUT"
check "the first letter: item 1, answered there, is carried nowhere" \
	bash -c "grep '^| 1 ' '$OUT' | grep -q 已补查 && ! grep '^| 1 ' '$OUT' | grep -q 续列"
# another case's entry just before the sign-off, which records it as the
# log's head: audit verify in shares (lib.sh) replays that case apart from
# C, and must still know the entry before C's sign-off
expect_rc 0 as lead case assign ZGA-2099-000 m2 m3
expect_rc 0 as lead review signoff "$C"
expect_rc 0 as aud audit log --json
check "the sign-off comes right after the other case's assignment" pyjson \
	"d[-1]['action'] == 'review.signoff' and d[-2]['object'] == 'ZGA-2099-000'" "$OUT"
expect_rc 0 as lead report "$C" --format md
check "the report shows the withdrawn item with its reason" grep -q "车主已于二〇二三年死亡" "$OUT"
check "the report shows m3's opinion as withdrawn by the re-assignment" grep -q "因审理组调整已撤回" "$OUT"
expect_rc 0 as aud audit log --json
check "the withdrawal is signed and audited by the leader" pyjson \
	"any(e['action'] == 'review.withdraw' and e['actor'] == 'lead' and e['signed'] and e['details']['reason'] == '$REASON' for e in d)" "$OUT"
expect_rc 0 as aud audit verify

# ---- disabling a user who sits on a team names those cases -----------------
pwfile m4 "passphrase of m4" >/dev/null
adduser m4 member --zone Z1
"$SHENLI" sample docket --cases 1 --seed 5 --start 901 >"$T/d2.json"
python3 - "$T/d2.json" "$Z1" <<'PY'
import json, sys
c = json.loads(open(sys.argv[1]).read())
c["case_id"] = "ZGA-2099-001"; c["agency"] = sys.argv[2].split()[0]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
as lead case import "$T/d2.json" >/dev/null
expect_rc 0 as lead case assign ZGA-2099-001 m2 m4
expect_rc 0 as root user disable m4
check "disabling m4 names the case whose team they sit on" grep -q "ZGA-2099-001" "$OUT"

finish
