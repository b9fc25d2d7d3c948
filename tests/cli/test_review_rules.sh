#!/usr/bin/env bash
# The review rules as a panel meets them, end to end with the built-in
# packages (checks and the five sign-off gates), one case per defect an
# external tester found:
#   - an identity document (履历表、任免文件) may carry any date: a clean
#     case whose 任免文件 is dated after the transfer signs off; a date the
#     gate does refuse is named in Chinese, never by its field or code;
#   - the panel's own opinion is judged for 畸轻畸重 as the agency's
#     proposal is, by the same range (a mitigating circumstance the panel
#     cites is counted), and a proportionate opinion still signs off;
#   - a discipline the panel's opinion omits blocks sign-off, as it does
#     in the proposal;
#   - claiming a crime (form 4) with nothing in the file reaching one does
#     not make an expulsion for 3.14万元 proportionate;
#   - the subject's own statement proves no use, payee, destination or
#     value, however it is tagged;
#   - a use stated as 用来 … is a stated use; 费用来源 is not one;
#   - amounts that add up exactly to a band's boundary reach it, in the
#     check and in gate_panel (added in fen: as doubles 51610.03 +
#     52660.02 + 15729.95 falls short of 120000);
#   - a second-form organizational adjustment without a sanction signs off
#     (a note), while a first form with a sanction or a fourth without one
#     is still held up;
#   - 经费用以 / 经费用在 state a use (经费 + 用以), 费用以现金 … still none.
. "$(dirname "$0")/lib.sh"
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/gate_panel" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] ||
	{ fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
install_checks gates

# mk ID PYTHON: a clean, correctly decided dossier of ZRJ (3.14万元 of
# allowances, 警告/警告 in the second form), edited by PYTHON (d is the
# dossier), into $T/ID.json
mk() {
	python3 - "$T/$1.json" "$1" "$2" <<'PY'
import json, sys
d = {"format": "shenli.case/1", "case_id": sys.argv[2], "agency": "ZRJ",
     "transferred_on": "2024-05-06",
     "subject": {"name": "张某", "person_id": "P-1001", "party_member": True,
                 "public_official": True, "position": "科长", "rank": "科级",
                 "prior_sanctions": []},
     "facts": [{"id": "F1", "summary": "2023年违规向职工发放津贴补贴共计3.14万元",
                "violation": "unauthorized_allowances", "from": "2023-01-01",
                "to": "2023-12-31", "amount_yuan": 31400,
                "evidence": ["E1", "E2", "E3"]}],
     "evidence": [
         {"id": "E1", "kind": "subject_statement", "title": "张某谈话笔录",
          "obtained_on": "2024-03-11", "source": "张某"},
         {"id": "E2", "kind": "documentary", "title": "津贴发放记账凭证",
          "obtained_on": "2024-03-12", "tags": ["voucher"]},
         {"id": "E3", "kind": "witness_testimony", "title": "财务人员王某证言",
          "obtained_on": "2024-03-13", "source": "王某"}],
     "proposal": {"disciplines": ["integrity"], "eight_point_rules": True,
                  "party_sanction": "警告", "gov_sanction": "警告", "form": 2,
                  "circumstances": []},
     "documents": [{"kind": k, "date": v} for k, v in [
         ("identity", "2024-02-18"), ("filing_approval", "2024-02-20"),
         ("investigation_report", "2024-04-28"), ("fact_material", "2024-04-28"),
         ("subject_written_response", "2024-04-30"),
         ("response_explanation", "2024-05-02"), ("transfer_form", "2024-05-06")]]}
exec(sys.argv[3])
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False)
PY
}
# to_panel ID OPINION-ARGS...: import, assign m2 m3, run the checks (no
# blocker; RUN_RC=1: some), both members' opinions and the panel's, all
# alike
to_panel() {
	local c=$1
	shift
	expect_rc 0 as lead case import "$T/$c.json"
	expect_rc 0 as lead case assign "$c" m2 m3
	expect_rc "${RUN_RC:-0}" as lead review run "$c"
	for m in m2 m3; do expect_rc 0 as "$m" review opinion "$c" "$@" --reason 同意; done
	expect_rc 0 as lead review opinion "$c" --panel "$@" --reason 经集体审议同意
}
# findings of one gate on a case: gate ID (exit code in RC, JSON in OUT)
gate() { as lead script run "$1" "$2" --json >"$OUT" 2>"$ERR"; RC=$?; }
LIGHT=(--discipline 廉洁纪律 --eight-point --party-sanction 警告 --gov-sanction 警告 --form 2)

# ---- an identity document dated after the transfer -------------------------
mk ZRJ-2024-201 'd["documents"][0]["date"] = "2024-05-10"'
to_panel ZRJ-2024-201 "${LIGHT[@]}"
gate gate_dates ZRJ-2024-201
check "a 任免文件 dated after the transfer is no date fault" pyjson 'd["passed"] and not d["findings"]' "$OUT"
expect_rc 0 as lead review signoff ZRJ-2024-201
# a document that may not: named in Chinese, no field name or code
mk ZRJ-2024-202 'd["documents"][1]["date"] = "2024-05-10"; d["evidence"][1]["obtained_on"] = "2024-05-08"'
RUN_RC=1 to_panel ZRJ-2024-202 "${LIGHT[@]}" # the procedure check sees it too
gate gate_dates ZRJ-2024-202
check "gate_dates refuses a filing approval dated after the transfer" test "$RC" = 1
check "its messages name the document and the dates in Chinese" pyjson \
	'len(d["findings"]) == 2 and any("立案审批表的日期（2024-05-10）晚于移送日期（2024-05-06）" in f["message"] for f in d["findings"]) and any("证据E2的取得日期（2024-05-08）晚于移送日期" in f["message"] for f in d["findings"])' "$OUT"
check "no field name or code in them" pyjson \
	'not any(w in f["message"] for f in d["findings"] for w in ("date", "transferred_on", "obtained_on", "filing_approval", "today"))' "$OUT"
expect_rc 1 as lead review signoff ZRJ-2024-202

# ---- the panel's opinion is judged for 畸轻畸重 ------------------------------
# 40万元 of allowances warrants 撤销党内职务 to 留党察看 (the agency says so)
FORTY='d["facts"][0]["amount_yuan"] = 400000; d["facts"][0]["summary"] = "2023年违规向职工发放津贴补贴共计40万元"
d["proposal"].update(party_sanction="留党察看", gov_sanction="撤职", form=3)'
mk ZRJ-2024-203 "$FORTY"
to_panel ZRJ-2024-203 "${LIGHT[@]}"
expect_rc 1 as lead review signoff ZRJ-2024-203
gate gate_panel ZRJ-2024-203
check "警告 for 40万元 in the panel's opinion is 畸轻, a blocker" pyjson \
	'any(f["code"] == "sanction_too_light" and f["severity"] == "blocker" and f["standard"] == "disposal" and f["refs"] == ["F1"] and "畸轻" in f["message"] and "撤销党内职务" in f["message"] for f in d["findings"])' "$OUT"
# the same in the agency's proposal: the plugin's judgement is the same
mk ZRJ-2024-204 "$FORTY"'
d["proposal"].update(party_sanction="警告", gov_sanction="警告", form=2)'
expect_rc 0 as lead case import "$T/ZRJ-2024-204.json"
expect_rc 0 as lead case assign ZRJ-2024-204 m2 m3
expect_rc 1 as lead review run ZRJ-2024-204
expect_rc 0 as lead review findings ZRJ-2024-204 --json
check "the plugin finds the same proposal 畸轻" pyjson \
	'any(f["code"] == "sanction_too_light" and f["severity"] == "blocker" for f in d)' "$OUT"
# a proportionate panel opinion signs off
mk ZRJ-2024-205 "$FORTY"
to_panel ZRJ-2024-205 --discipline 廉洁纪律 --eight-point --party-sanction 留党察看 \
	--gov-sanction 撤职 --form 3
expect_rc 0 as lead review signoff ZRJ-2024-205
# a mitigating circumstance the panel cites lowers the bottom (减轻): 严重警告
# is then one level from the range, the panel's judgement, not 畸轻
mk ZRJ-2024-206 "$FORTY"
to_panel ZRJ-2024-206 --discipline 廉洁纪律 --eight-point --party-sanction 警告 \
	--gov-sanction 警告 --form 2 --circumstance 主动交代
gate gate_panel ZRJ-2024-206
check "the panel's own mitigating circumstance is counted" pyjson 'd["passed"] and not d["findings"]' "$OUT"
# 畸重: expulsion for 3.14万元
mk ZRJ-2024-207 ''
to_panel ZRJ-2024-207 --discipline 廉洁纪律 --eight-point --party-sanction 开除党籍 \
	--gov-sanction 开除 --form 3
expect_rc 1 as lead review signoff ZRJ-2024-207
gate gate_panel ZRJ-2024-207
check "开除党籍 for 3.14万元 in the panel's opinion is 畸重, a blocker" pyjson \
	'[f["code"] + ":" + f["severity"] for f in d["findings"]] == ["sanction_too_heavy:blocker"] and "畸重" in d["findings"][0]["message"]' "$OUT"
check "the message names no code" pyjson \
	'not any(c in d["findings"][0]["message"] for c in ("sanction", "level", "party", "gov"))' "$OUT"

# ---- a discipline the panel omits -------------------------------------------
mk ZRJ-2024-208 ''
to_panel ZRJ-2024-208 --discipline 工作纪律 --eight-point --party-sanction 警告 \
	--gov-sanction 警告 --form 2
expect_rc 1 as lead review signoff ZRJ-2024-208
gate gate_panel ZRJ-2024-208
check "a panel opinion without 廉洁纪律 for allowances is a blocker" pyjson \
	'any(f["code"] == "discipline_missing" and f["severity"] == "blocker" and f["refs"] == ["F1"] and "廉洁纪律" in f["message"] for f in d["findings"])' "$OUT"

# ---- a crime claimed with nothing reaching one ------------------------------
mk ZRJ-2024-209 'd["proposal"].update(party_sanction="开除党籍", gov_sanction="开除", form=4)'
expect_rc 0 as lead case import "$T/ZRJ-2024-209.json"
expect_rc 0 as lead case assign ZRJ-2024-209 m2 m3
expect_rc 1 as lead review run ZRJ-2024-209
expect_rc 0 as lead review findings ZRJ-2024-209 --json
check "expulsion for 3.14万元 in the fourth form is still 畸重" pyjson \
	'any(f["code"] == "sanction_too_heavy" and f["severity"] == "blocker" and "畸重" in f["message"] for f in d) and any(f["code"] == "crime_unsupported" for f in d)' "$OUT"

# ---- the subject's own statement proves nothing it says ---------------------
COFFERS='d["facts"][0].update(violation="small_coffers", amount_yuan=86000, summary="2019年至2022年违规设立小金库，用于租用私家车", evidence=["E1", "E2"])
d["evidence"][1].update(title="分局向私家车主转账记录", tags=["bank_record"])'
mk ZRJ-2024-210 "$COFFERS"'
d["evidence"][0]["tags"] = ["use_record", "identity", "destination"]'
mk ZRJ-2024-211 'd["facts"][0].update(violation="gifts_and_money", amount_yuan=38300, in_kind=True, summary="2023年收受高档烟酒，价值3.83万元")
d["evidence"][0]["tags"] = ["valuation"]
d["evidence"][1].update(kind="physical", title="收缴的高档烟酒", tags=[])
d["proposal"].update(party_sanction="严重警告", gov_sanction="记过")'
# ---- a use stated as 用来; 费用来源 states none --------------------------------
mk ZRJ-2024-212 "$COFFERS"'
d["facts"][0]["summary"] = "2019年至2022年违规设立小金库，全部用来租用私家车"'
mk ZRJ-2024-213 "$COFFERS"'
d["facts"][0]["summary"] = "2019年至2022年违规设立小金库，费用来源于虚列会议费"'
for c in 210 211 212 213; do
	expect_rc 0 as lead case import "$T/ZRJ-2024-$c.json"
	expect_rc 0 as lead case assign "ZRJ-2024-$c" m2 m3
done
expect_rc 1 as lead review run ZRJ-2024-210
expect_rc 0 as lead review findings ZRJ-2024-210 --json
check "a statement tagged use, payee and destination proves none of them" pyjson \
	'any(f["code"] == "use_unproven" and f["severity"] == "blocker" and "资金最终去向的证明" in f["message"] for f in d)' "$OUT"
expect_rc 1 as lead review run ZRJ-2024-211
expect_rc 0 as lead review findings ZRJ-2024-211 --json
check "goods valued by the subject alone have no valuation" pyjson \
	'any(f["code"] == "no_valuation" and f["severity"] == "blocker" for f in d)' "$OUT"
expect_rc 1 as lead review run ZRJ-2024-212
expect_rc 0 as lead review findings ZRJ-2024-212 --json
check "全部用来租用私家车 is a stated use" pyjson \
	'any(f["code"] == "use_unproven" and "“租用私家车”" in f["message"] for f in d)' "$OUT"
as lead review run ZRJ-2024-213 >/dev/null 2>&1
expect_rc 0 as lead review findings ZRJ-2024-213 --json
check "费用来源 is no stated use" pyjson 'not any(f["code"] == "use_unproven" for f in d)' "$OUT"

# ---- 经费用以 states a use; 费用以 (费用 + 以) states none ------------------------
mk ZRJ-2024-214 "$COFFERS"'
d["facts"][0]["summary"] = "2023年违规设立小金库3.14万元，经费用以支付私家车租金"'
mk ZRJ-2024-215 "$COFFERS"'
d["facts"][0]["summary"] = "2023年违规设立小金库3.14万元，专项经费用在租用私家车"'
mk ZRJ-2024-216 "$COFFERS"'
d["facts"][0]["summary"] = "违规设立小金库，费用以现金形式保管，办公费用以现金报销"'
for c in 214 215 216; do
	expect_rc 0 as lead case import "$T/ZRJ-2024-$c.json"
	expect_rc 0 as lead case assign "ZRJ-2024-$c" m2 m3
done
expect_rc 1 as lead review run ZRJ-2024-214
expect_rc 0 as lead review findings ZRJ-2024-214 --json
check "经费用以支付私家车租金 is a stated use" pyjson \
	'any(f["code"] == "use_unproven" and f["severity"] == "blocker" and "“支付私家车租金”" in f["message"] for f in d)' "$OUT"
expect_rc 1 as lead review run ZRJ-2024-215
expect_rc 0 as lead review findings ZRJ-2024-215 --json
check "专项经费用在租用私家车 is a stated use" pyjson \
	'any(f["code"] == "use_unproven" and "“租用私家车”" in f["message"] for f in d)' "$OUT"
as lead review run ZRJ-2024-216 >/dev/null 2>&1
expect_rc 0 as lead review findings ZRJ-2024-216 --json
check "费用以现金形式保管, 办公费用以现金报销: no stated use" pyjson \
	'not any(f["code"] == "use_unproven" for f in d)' "$OUT"

# ---- amounts adding up exactly to a band's boundary -------------------------
# 12万元 of gifts in three facts warrants 留党察看 to 开除党籍 as one fact of
# 12万元 does: 严重警告 is two levels below, 畸轻 in the proposal and in the
# panel's opinion alike
GIFTS='d["facts"] = [dict(d["facts"][0], id="F%d" % (i + 1), violation="gifts_and_money",
  summary="收受管理服务对象所送礼金", amount_yuan=a) for i, a in enumerate([51610.03, 52660.02, 15729.95])]
d["proposal"].update(party_sanction="严重警告", gov_sanction="记过")'
mk ZRJ-2024-217 "$GIFTS"
RUN_RC=1 to_panel ZRJ-2024-217 --discipline 廉洁纪律 --eight-point --party-sanction 严重警告 \
	--gov-sanction 记过 --form 2
expect_rc 0 as lead review findings ZRJ-2024-217 --json
check "gifts of 51610.03 + 52660.02 + 15729.95 (12万元): 严重警告 is 畸轻, a blocker" pyjson \
	'any(f["code"] == "sanction_too_light" and f["severity"] == "blocker" and "留党察看" in f["message"] for f in d)' "$OUT"
gate gate_panel ZRJ-2024-217
check "the panel's 严重警告 for the same 12万元 is 畸轻 in gate_panel" pyjson \
	'any(f["code"] == "sanction_too_light" and f["severity"] == "blocker" and "留党察看" in f["message"] for f in d["findings"])' "$OUT"
expect_rc 1 as lead review signoff ZRJ-2024-217
# 10万元 of allowances in three facts reaches the 10万 band: 警告 is one level
# below it (a warning), a first-form opinion without sanction two (畸轻)
ALLOW='d["facts"] = [dict(d["facts"][0], id="F%d" % (i + 1), amount_yuan=a)
  for i, a in enumerate([42299.46, 47159.81, 10540.73])]'
mk ZRJ-2024-218 "$ALLOW"
to_panel ZRJ-2024-218 --discipline 廉洁纪律 --eight-point --form 1
expect_rc 0 as lead review findings ZRJ-2024-218 --json
check "allowances of 42299.46 + 47159.81 + 10540.73 (10万元): 警告 is light" pyjson \
	'any(f["code"] == "sanction_too_light" and f["severity"] == "warning" and "严重警告" in f["message"] for f in d)' "$OUT"
gate gate_panel ZRJ-2024-218
check "no sanction for the same 10万元 is 畸轻 in gate_panel" pyjson \
	'[f["code"] + ":" + f["severity"] for f in d["findings"]] == ["sanction_too_light:blocker"]' "$OUT"

# ---- an organizational adjustment in the second form ------------------------
ADJ='d["facts"][0].update(violation="false_personal_report", summary="不如实报告个人有关事项，漏报房产一套")
del d["facts"][0]["amount_yuan"]
d["proposal"].update(disciplines=["organizational"], eight_point_rules=False, party_sanction=None,
  gov_sanction=None, form=2)'
mk ZRJ-2024-219 "$ADJ"
to_panel ZRJ-2024-219 --discipline 组织纪律 --form 2
gate gate_panel ZRJ-2024-219
check "no sanction in the second form is an adjustment to verify (a note), not a mismatch" pyjson \
	'd["passed"] and [f["code"] + ":" + f["severity"] for f in d["findings"]] == ["form_adjustment:note"] and "组织调整" in d["findings"][0]["message"]' "$OUT"
expect_rc 0 as lead review signoff ZRJ-2024-219
# still a mismatch: the first form with a sanction, the fourth without one
mk ZRJ-2024-220 "$ADJ"
to_panel ZRJ-2024-220 --discipline 组织纪律 --party-sanction 警告 --gov-sanction 警告 --form 1
gate gate_panel ZRJ-2024-220
check "the first form with a sanction is still form_sanction_mismatch" pyjson \
	'any(f["code"] == "form_sanction_mismatch" and f["severity"] == "blocker" for f in d["findings"])' "$OUT"
mk ZRJ-2024-221 "$ADJ"
to_panel ZRJ-2024-221 --discipline 组织纪律 --form 4
gate gate_panel ZRJ-2024-221
check "the fourth form without a sanction is still form_sanction_mismatch" pyjson \
	'any(f["code"] == "form_sanction_mismatch" and f["severity"] == "blocker" and "未给予任何处分" in f["message"] for f in d["findings"])' "$OUT"
expect_rc 1 as lead review signoff ZRJ-2024-221
finish
