#!/usr/bin/env bash
# The checks a panel can trust, end to end with the built-in packages: the
# fact fields use and in_kind reach the plugins through intake and the
# case view; seed 002's car-rental case is a blocker; and evidence sent in
# answer to a return is judged by the return, not the transfer (the view
# carries the returns with their dates and answers). A finding about a
# document refers to it as doc:KIND, so that the outline, the return letter
# and the report name it in Chinese (材料：审查调查报告), never by its code.
. "$(dirname "$0")/lib.sh"
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/evidence" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] || { fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
install_checks

# mk ID OUT PYTHON: the spec's example as case ID of ZCJ (zone Z1, no
# reviewer's home but m2's), edited by PYTHON (d is the dossier)
mk() {
	python3 - "$EXAMPLE" "$1" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = sys.argv[2]; d["agency"] = "ZCJ"
d.pop("supplement", None)
d["proposal"]["circumstances"] = ["voluntary_confession", "after_warning"]
exec(sys.argv[4])
json.dump(d, open(sys.argv[3], "w"), ensure_ascii=False)
PY
}
codes() { python3 -c 'import json,sys; print(" ".join(sorted(set(f["severity"]+":"+f["code"] for f in json.load(open(sys.argv[1]))))))' "$OUT"; }

# seed 002: a 小金库 said to pay for a hired car, proved by the head's
# statement and the transfer to the owner alone
mk ZCJ-2024-101 "$T/k1.json" ''
# the same use given only in the use field
mk ZCJ-2024-102 "$T/k2.json" '
f = d["facts"][0]; f["summary"] = "2019年至2022年违规设立小金库"; f["use"] = "租用私家车供分局负责人使用"'
# gifts in kind, proved by a valuation and the goods: no flow of funds
IN_KIND='
d["facts"][0] = {"id": "F1", "summary": "2023年收受管理服务对象所送高档烟酒,经价格认定价值3.83万元",
  "violation": "gifts_and_money", "from": "2023-01-01", "to": "2023-12-31",
  "amount_yuan": 38300, "in_kind": True, "evidence": ["E1", "E2", "E3"]}
d["evidence"][1] = {"id": "E2", "kind": "physical", "title": "收缴的高档烟酒", "obtained_on": "2024-03-20"}
d["evidence"].append({"id": "E3", "kind": "expert_opinion", "title": "涉案礼品价格认定结论书",
  "obtained_on": "2024-03-25", "source": "市价格认定中心"})'
mk ZCJ-2024-103 "$T/k3.json" "$IN_KIND"
for k in k1 k2 k3; do expect_rc 0 as lead case import "$T/$k.json"; done
for c in ZCJ-2024-101 ZCJ-2024-102 ZCJ-2024-103; do as lead case assign "$c" m1 m3 >/dev/null; done

expect_rc 1 as lead review run ZCJ-2024-101
expect_rc 0 as lead review findings ZCJ-2024-101 --json
check "seed 002: a stated use proved by a statement and an outflow is a blocker" pyjson \
	'any(f["code"]=="use_unproven" and f["severity"]=="blocker" and f["standard"]=="facts" and f["refs"]==["F1"] and "租用私家车" in f["message"] and f["outline_item"] for f in d)' "$OUT"
check "seed 002: nothing else blocks, nothing warns" test "$(codes | tr ' ' '\n' | grep -c '^blocker:\|^warning:')" = 1
expect_rc 1 as lead review run ZCJ-2024-102
expect_rc 0 as lead review findings ZCJ-2024-102 --json
check "the use field reaches the check through intake" pyjson \
	'any(f["code"]=="use_unproven" and "租用私家车供分局负责人使用" in f["message"] for f in d)' "$OUT"
expect_rc 0 as lead review run ZCJ-2024-103
expect_rc 0 as lead review findings ZCJ-2024-103 --json
check "goods in kind with a valuation: no blocker, no warning" pyjson \
	'not any(f["severity"]!="note" for f in d)' "$OUT"

# return seed 002's case; the agency answers with the owner's identity,
# the car's dispatch records and the money's destination, all obtained
# after the transfer, and sends one more item that answers nothing
expect_rc 0 as lead review return ZCJ-2024-101 --kind supplement --item "补充车主身份及与当事人关系的证据" --ref F1 --json
ITEMS=$(python3 -c 'import json,sys; print(" ".join(str(i["no"]) for i in json.load(open(sys.argv[1]))["items"]))' "$OUT")
as lead case show ZCJ-2024-101 --json > "$T/show.json"
python3 - "$T/show.json" "$T/r.json" $ITEMS <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["dossier"]
new = [("E7", "witness_testimony", "车主王某证人证言及身份信息", ["identity"]),
       ("E8", "documentary", "租用车辆派车单及使用登记", ["use_record"]),
       ("E9", "documentary", "车主收款账户资金去向流水", ["bank_record", "destination"])]
for i, kind, title, tags in new:
    d["evidence"].append({"id": i, "kind": kind, "title": title, "obtained_on": "2024-06-10", "tags": tags})
    d["facts"][0]["evidence"].append(i)
d["evidence"].append({"id": "E10", "kind": "documentary", "title": "分局会议纪要", "obtained_on": "2024-06-11"})
d["facts"][0]["evidence"].append("E10")
d["supplement"] = [{"item": n, "evidence": ["E7", "E8", "E9"], "note": "已补充"} for n in sys.argv[3:]]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
as lead case resubmit ZCJ-2024-101 "$T/r.json" --json > "$OUT" 2> "$ERR"; RC=$?
check "the resubmission is taken (exit 0, or 1 for blockers)" test "$RC" -le 1
check "every item answered" pyjson 'd["open"]==[]' "$OUT"
expect_rc 0 as lead review findings ZCJ-2024-101 --json
check "evidence answering the return is not 'obtained after transfer'" pyjson \
	'not any(f["code"] in ("evidence_after_transfer", "evidence_after_answer") and set(f["refs"]) & {"E7","E8","E9"} for f in d)' "$OUT"
check "the use is proved now" pyjson 'not any(f["code"]=="use_unproven" for f in d)' "$OUT"
check "evidence that answers nothing is still judged by the transfer" pyjson \
	'any(f["code"]=="evidence_after_transfer" and f["refs"]==["E10"] and "补查提纲" in f["message"] for f in d)' "$OUT"
check "no blocker is left" pyjson 'not any(f["severity"]=="blocker" for f in d)' "$OUT"

# ---- a finding about documents names them as doc:KIND -------------------------
# the report dated before the filing approval it rests on (date_order)
mk ZCJ-2024-104 "$T/k4.json" "$IN_KIND"'
[x for x in d["documents"] if x["kind"] == "investigation_report"][0]["date"] = "2024-02-19"'
expect_rc 0 as lead case import "$T/k4.json"
expect_rc 0 as lead case assign ZCJ-2024-104 m1 m3
expect_rc 1 as lead review run ZCJ-2024-104
expect_rc 0 as lead review findings ZCJ-2024-104 --json
check "date_order refers to the documents as doc:KIND" pyjson \
	'[f["refs"] for f in d if f["code"] == "date_order"] == [["doc:investigation_report", "doc:filing_approval"]]' "$OUT"
expect_rc 0 as lead review return ZCJ-2024-104 --kind supplement --dry-run --json \
	--from-finding date_order@doc:investigation_report
check "--from-finding date_order@doc:investigation_report picks it" pyjson \
	'[i["refs"] for i in d["items"]] == [["doc:investigation_report", "doc:filing_approval"]]' "$OUT"
expect_rc 0 as lead review return ZCJ-2024-104 --kind supplement --dry-run --json \
	--from-finding date_order@investigation_report
check "... and so does its bare kind, as findings of older checks hold it" pyjson \
	'[i["refs"] for i in d["items"]] == [["doc:investigation_report", "doc:filing_approval"]]' "$OUT"
expect_rc 0 as lead review return ZCJ-2024-104 --kind supplement --from-finding date_order
expect_rc 0 as lead review outline ZCJ-2024-104 --json
check "--from-finding date_order carries it into the outline" pyjson \
	'[i["refs"] for i in d["items"]] == [["doc:investigation_report", "doc:filing_approval"]] and "立案审批表" in d["items"][0]["text"]' "$OUT"
expect_rc 0 as lead review outline ZCJ-2024-104
check "the outline names the documents in Chinese" grep -q "涉及：材料：审查调查报告、材料：立案审批表" "$OUT"
check "and never by their codes" bash -c "! grep -qE 'investigation_report|filing_approval' '$OUT'"
expect_rc 0 as lead review outline ZCJ-2024-104 --format md
check "the return letter names the documents in Chinese" grep -q "材料：审查调查报告、材料：立案审批表" "$OUT"
check "the letter, never by their codes" bash -c "! grep -qE 'investigation.{0,2}report|filing.{0,2}approval' '$OUT'"
expect_rc 0 as lead report ZCJ-2024-104 --format md
check "the report names the documents in Chinese" grep -q "材料：审查调查报告、材料：立案审批表" "$OUT"
check "the report, never by their codes" bash -c "! grep -qE 'investigation.{0,2}report|filing.{0,2}approval' '$OUT'"
finish
