#!/usr/bin/env bash
# Long and unusual paths through a review, each a dead end or a wrong
# figure found by driving the workflow from outside:
#   - a case returned twice and answered twice signs off: the evidence
#     gathered on the first return is not dated "after the transfer"
#     because the second resubmission's supplement no longer cites it;
#   - a dossier of many evidence items and facts is checked, not ended by
#     the checks' sandbox (glibc's qsort of more than 1 KiB asked for a
#     system call the filter refused);
#   - what a Chinese panel member reads when refused names the state, the
#     role and the action in Chinese, not by their codes; the gate's
#     severities too; a reinvestigation's outline asks for 重新审查调查,
#     and a document ref reads as the document's name;
#   - exit codes: a case never returned has no outline (its state: 4); a
#     bad value of sample docket and --until 0 are invalid input (5);
#   - help for login, logout, status and open; the option that gives a
#     new passphrase is the one named when there is no terminal;
#   - an agency added in no zone is placed in one by adding it again with
#     the zone (its cases were refused for good), once, and the log agrees;
#   - the review limit moved twice ends where one move of both would: it
#     is worked out from acceptance and rolled on to a working day once
#     (rolled over a weekend and moved on from there, the days piled up);
#   - a blocker that comes with the last resubmission the rules allow is
#     settled by the leader with a reason (review withdraw --finding), not
#     a dead end; before the limit, it is asked for with a return instead;
#     so is one that a sign-off gate script reports (gate_dates: a date
#     problem, picked by code@ref, or by code alone when it has no refs).
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/gate_findings" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] ||
	{ fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
install_checks gates
EX=$(dirname "$0")/../../doc/examples
OP=(--discipline 廉洁纪律 --eight-point --party-sanction 严重警告 --gov-sanction 记过
	--form 2 --circumstance 主动交代)

# ---- two returns, each answered; the second answer cites only its own item --
C=ZRJ-2024-013
expect_rc 0 as lead case import "$EX/$C.json"
expect_rc 0 as lead case assign "$C" m2 m3
expect_rc 1 as lead review run "$C"
expect_rc 0 as lead review return "$C" --kind supplement --item 补充车主证言 --ref F1
expect_rc 0 as lead case resubmit "$C" "$EX/$C-answered.json"
expect_rc 0 as lead review return "$C" --kind supplement --no-findings \
	--item 补充分局财务负责人证言 --ref F1
python3 - "$EX/$C-answered.json" "$T/resub2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["evidence"].append({"id": "E7", "kind": "witness_testimony", "title": "分局财务负责人证言",
                      "obtained_on": "2024-07-01", "source": "张某"})
d["facts"][0]["evidence"].append("E7")
d["supplement"] = [{"item": "1", "evidence": ["E7"], "note": "补充财务负责人证言"}]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_rc 0 as lead case resubmit "$C" "$T/resub2.json"
for m in m2 m3; do expect_rc 0 as "$m" review opinion "$C" "${OP[@]}" --reason 同意; done
expect_rc 0 as lead review opinion "$C" --panel "${OP[@]}" --reason 经集体审议同意
expect_rc 0 as lead script run gate_dates "$C" --json
check "the first return's evidence is not dated after the transfer" \
	pyjson 'd["passed"] and not d["findings"]' "$OUT"
expect_rc 0 as lead review signoff "$C"

# ---- a new blocker at the limit on returns -----------------------------------
S=ZRJ-2024-099
python3 - "$EX/ZRJ-2024-013.json" "$EX/ZRJ-2024-013-answered.json" "$T/s" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "ZRJ-2024-099"
json.dump(d, open(sys.argv[3] + "0.json", "w"), ensure_ascii=False)
a = json.load(open(sys.argv[2]))
a["case_id"] = "ZRJ-2024-099"
json.dump(a, open(sys.argv[3] + "1.json", "w"), ensure_ascii=False)
# the second answer: new evidence for the second return's one item, and a
# fact resting on the subject's statement alone
a["evidence"].append({"id": "E7", "kind": "witness_testimony", "title": "分局财务负责人证言",
                      "obtained_on": "2024-07-01", "source": "张某"})
a["facts"][0]["evidence"].append("E7")
a["supplement"] = [{"item": "1", "evidence": ["E7"], "note": "补充说明"}]
a["facts"].append({"id": "F2", "summary": "2023年收受下属礼金2万元", "violation": "gifts_and_money",
                   "from": "2023-01-01", "to": "2023-02-01", "amount_yuan": 20000, "evidence": ["E1"]})
json.dump(a, open(sys.argv[3] + "2.json", "w"), ensure_ascii=False)
PY
expect_rc 0 as lead case import "$T/s0.json"
expect_rc 0 as lead case assign "$S" m2 m3
expect_rc 1 as lead review run "$S"
expect_rc 4 as lead review withdraw "$S" --finding use_unproven --reason 无法查明
check "before the limit a finding is asked for with a return" grep -q "review return --from-finding" "$ERR"
expect_rc 0 as lead review return "$S" --kind supplement --item 补充车主证言 --ref F1
expect_rc 0 as lead case resubmit "$S" "$T/s1.json"
expect_rc 0 as lead review return "$S" --kind supplement --no-findings --item 补充说明 --ref F1
expect_rc 1 as lead case resubmit "$S" "$T/s2.json"
expect_rc 0 as lead review findings "$S" --json
check "the last resubmission brings a blocker about F2" \
	pyjson 'any(f["severity"] == "blocker" and "F2" in f["refs"] for f in d)' "$OUT"
for m in m2 m3; do expect_rc 0 as "$m" review opinion "$S" "${OP[@]}" --reason 同意; done
expect_rc 0 as lead review opinion "$S" --panel "${OP[@]}" --reason 经集体审议，F2不予认定
expect_rc 1 as lead review signoff "$S"
check "sign-off is refused on the new blocker" grep -q "open_blocker" "$OUT"
expect_rc 0 as lead review findings "$S" --json
python3 - "$OUT" >"$T/picks" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1])):
    if f["severity"] == "blocker":
        print(f["code"] + ("@" + f["refs"][0] if f["refs"] else ""))
PY
check "there are blockers to settle" test -s "$T/picks"
HEAD0=$(as lead audit head)
expect_rc 5 as lead review withdraw "$S" --finding no_such_code --reason 无法查明
check "a finding that is not there: nothing written" [ "$(as lead audit head)" = "$HEAD0" ]
expect_rc 4 as m2 review withdraw "$S" --finding "$(head -1 "$T/picks")" --reason 无法查明
while read -r p; do
	expect_rc 0 as lead review withdraw "$S" --finding "$p" --reason 经两次退回仍无法查实，集体审议不予认定
done <"$T/picks"
expect_rc 0 as lead review outline "$S" --json
check "each settled finding is an item of the last outline, withdrawn with the reason" \
	pyjson 'sum(1 for i in d["items"] if i["withdrawn"] and "不予认定" in i["withdrawn"]["reason"]) >= 1' "$OUT"
expect_rc 5 as lead review withdraw "$S" --finding "$(head -1 "$T/picks")" --reason 再次
check "a finding settled once is not settled again" grep -q "already" "$ERR"
expect_rc 0 as lead review signoff "$S"
expect_rc 0 as aud audit verify

# ---- a sign-off gate script's blocker at the limit on returns ---------------
# gate_dates' findings are not stored by review run: the leader settles one
# by its code (and ref) all the same, or the case could never end.
G=ZRJ-2024-098
python3 - "$EX/ZRJ-2024-013.json" "$EX/ZRJ-2024-013-answered.json" "$T/g" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "ZRJ-2024-098"
json.dump(d, open(sys.argv[3] + "0.json", "w"), ensure_ascii=False)
a = json.load(open(sys.argv[2]))
a["case_id"] = "ZRJ-2024-098"
json.dump(a, open(sys.argv[3] + "1.json", "w"), ensure_ascii=False)
# the second answer: E7 answers the second return's item; E8, gathered after
# the transfer, is cited by no supplement entry; and the prior sanction is
# dated after the transfer (a date problem without refs)
a["evidence"] += [{"id": "E7", "kind": "witness_testimony", "title": "分局财务负责人证言",
                   "obtained_on": "2024-07-01", "source": "张某"},
                  {"id": "E8", "kind": "witness_testimony", "title": "驾驶员证言",
                   "obtained_on": "2024-08-01", "source": "王某"}]
a["facts"][0]["evidence"] += ["E7", "E8"]
a["supplement"] = [{"item": "1", "evidence": ["E7"], "note": "补充说明"}]
a["subject"]["prior_sanctions"][0]["decided_on"] = "2024-05-20"
json.dump(a, open(sys.argv[3] + "2.json", "w"), ensure_ascii=False)
PY
expect_rc 0 as lead case import "$T/g0.json"
expect_rc 0 as lead case assign "$G" m2 m3
expect_rc 1 as lead review run "$G"
expect_rc 0 as lead review return "$G" --kind supplement --item 补充车主证言 --ref F1
expect_rc 0 as lead case resubmit "$G" "$T/g1.json"
expect_rc 0 as lead review return "$G" --kind supplement --no-findings --item 补充说明 --ref F1
expect_rc 0 as lead case resubmit "$G" "$T/g2.json"
expect_rc 0 as lead review run "$G"
for m in m2 m3; do expect_rc 0 as "$m" review opinion "$G" "${OP[@]}" --reason 同意; done
expect_rc 0 as lead review opinion "$G" --panel "${OP[@]}" --reason 经集体审议同意
expect_rc 1 as lead review signoff "$G"
check "sign-off is refused on gate_dates' blocker about E8" \
	grep -q "date_inconsistent.*证据E8" "$OUT"
expect_rc 4 as lead review return "$G" --kind supplement --no-findings --item 更正日期 --ref E8
HEAD0=$(as lead audit head)
expect_rc 5 as lead review withdraw "$G" --finding date_inconsistent@E1 --reason 无法更正
check "a pick neither stored nor the gate's: nothing written" [ "$(as lead audit head)" = "$HEAD0" ]
expect_rc 4 as m2 review withdraw "$G" --finding date_inconsistent@E8 --reason 无法更正
check "a member settles no gate finding: the role is why" grep -q "member" "$ERR"
expect_rc 0 as lead review withdraw "$G" --finding date_inconsistent@E8 \
	--reason 该证据系第二次退回后补充取得，移送单位漏列补查说明
expect_rc 0 as lead review outline "$G" --json
check "the gate's finding is an item of the last outline, withdrawn with the reason" \
	pyjson 'any(i["source"] == "gate_dates/date_inconsistent" and i["refs"] == ["E8"]
		and "漏列" in i["withdrawn"]["reason"] for i in d["items"])' "$OUT"
expect_rc 5 as lead review withdraw "$G" --finding date_inconsistent@E8 --reason 再次
expect_rc 1 as lead script run gate_dates "$G" --json
check "settled, E8's date is no longer a problem; the prior sanction's still is" \
	pyjson 'd["findings"] and all(f["refs"] == [] for f in d["findings"])' "$OUT"
# a date problem without refs is picked by its code alone
expect_rc 0 as lead review withdraw "$G" --finding date_inconsistent --reason 处分决定日期系笔误
expect_rc 0 as lead review outline "$G" --json
check "a problem without refs: its item names its standard" \
	pyjson 'any(i["source"] == "gate_dates/date_inconsistent" and i["refs"] == ["procedure"]
		and i["withdrawn"] for i in d["items"])' "$OUT"
expect_rc 0 as lead review signoff "$G"
expect_rc 0 as aud audit verify

# ---- what a Chinese panel member reads ------------------------------------
zh() (
	unset LC_ALL LANGUAGE
	export LANG=zh_CN.UTF-8
	"$@"
)
z1_dossier none "$T/zh.json" || { fail "no sample dossier of zone Z1"; finish; }
ZC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_id"])' "$T/zh.json")
expect_rc 0 as lead case import "$T/zh.json"
expect_rc 4 zh as lead review outline "$ZC"
check "no outline before a return: its state (4), in Chinese" grep -q "未被退回" "$ERR"
expect_rc 0 as lead case assign "$ZC" m2 m3
expect_rc 4 zh as lead case assign "$ZC" aud m2
check "an auditor named to a team: the role in Chinese" grep -q "审计员" "$ERR"
check "... not its code" bash -c "! grep -q 'auditor' '$ERR'"
expect_rc 4 as lead case assign "$ZC" aud m2
check "... and in English, in words" grep -q "'aud' has the role auditor" "$ERR"
expect_rc 5 zh as root script remove nonexist
check "a package's kind in a Chinese sentence is a word, not its code" grep -q "没有安装脚本“nonexist”" "$ERR"
expect_rc 4 zh as lead case resubmit "$ZC" "$T/zh.json"
check "a state refusal names the state and the step in Chinese" \
	grep -q "处于“审理中”状态，不能登记重新移送" "$ERR"
check "... and no code" bash -c "! grep -q 'in_review\|resubmit' '$ERR'"
expect_rc 4 zh as m2 review signoff "$ZC"
check "a role refusal names the role and the action in Chinese" \
	grep -q "角色“组员”不能签发" "$ERR"
expect_rc 0 as aud audit log --action denied --json
check "... and the signed log keeps its reason untranslated, whatever the user's language" pyjson \
	"d[-1]['actor'] == 'm2' and 'may not sign cases off' in d[-1]['details']['reason']" "$OUT"
expect_rc 4 zh as lead case assign "$ZC" m2
expect_rc 0 as aud audit log --action denied --json
check "... a reason policy does not phrase too (a team of one)" pyjson \
	"d[-1]['actor'] == 'lead' and 'needs at least' in d[-1]['details']['reason']" "$OUT"
expect_rc 4 as m2 review signoff "$ZC"
check "... and in English, in words" grep -q "role 'member' may not sign cases off" "$ERR"
expect_rc 1 zh as lead script run gate_findings "$ZC"
check "the gate's findings: the severity in Chinese" grep -q "^  \[阻断\] " "$OUT"
check "... not its code" bash -c "! grep -q '\[blocker\]' '$OUT'"
expect_rc 0 as lead review return "$ZC" --kind reinvestigate --no-findings \
	--item 补充身份材料 --ref doc:identity
expect_rc 0 zh as lead case show "$ZC"
check "a returned case: 已退回, whatever the kind" grep -q "已退回" "$OUT"
check "... not 补充调查 for a reinvestigation" bash -c "! grep -q '已退回补充调查' '$OUT'"
expect_rc 4 zh as m2 review opinion "$ZC" "${OP[@]}" --reason 同意
check "an opinion on a returned case: its state in Chinese" grep -q "处于“已退回”状态" "$ERR"
check "... not its code" bash -c "! grep -q 'returned' '$ERR'"
expect_rc 4 zh as m2 review run "$ZC"
check "checks on a returned case: its state in Chinese" grep -q "处于“已退回”状态" "$ERR"
expect_rc 1 as lead case import "$T/zh.json" --json
check "a duplicate dossier: the case's state in Chinese in its reason" pyjson \
	"'状态为“已退回”' in d[0]['reasons'][0] and 'returned' not in d[0]['reasons'][0]" "$OUT"
expect_rc 0 as lead review outline "$ZC" --format md
check "a reinvestigation's outline asks for 重新审查调查" grep -q "逐项重新审查调查" "$OUT"
check "a document ref reads as the document's name" grep -q "材料：身份" "$OUT"
check "... not its code" bash -c "! grep -q 'doc:identity' '$OUT'"
expect_rc 0 as lead review outline "$ZC"
check "on the terminal too: the document's name" grep -q "涉及：材料：身份材料" "$OUT"
check "... not its code" bash -c "! grep -q 'doc:identity' '$OUT'"

# ---- ids read as themselves ----------------------------------------------------
# a zero-width space pasted into a fact's id, a direction override in a
# citation: malformed (5), the field named; else every finding naming the
# id was unprintable, and the checks' blockers unreadable
python3 - "$T/zh.json" "$T/zw" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "ZW-1"
d["facts"][0]["id"] = "F1\u200b"
json.dump(d, open(sys.argv[2] + "1.json", "w"))
d["case_id"] = "ZW-2"
d["facts"][0]["id"] = "F1"
d["facts"][0]["evidence"] = ["E1\u202e"]
json.dump(d, open(sys.argv[2] + "2.json", "w"))
PY
HEAD0=$(as lead audit head)
expect_rc 5 as lead case import "$T/zw1.json" "$T/zw2.json"
check "an invisible character in an id: the field named" grep -q "facts\[0\].id: an id with a character" "$ERR"
check "... and in a citation" grep -q "facts\[0\].evidence\[0\]: an id with a character" "$ERR"
check "... and nothing written" [ "$(as lead audit head)" = "$HEAD0" ]

# an amount just over the bound reads as over it; a long unknown key is
# shown cut, as its value is
python3 - "$T/zh.json" "$T/amt.json" "$T/key.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "AMT-1"
d["facts"][0]["amount_yuan"] = 1000000000000.0001
json.dump(d, open(sys.argv[2], "w"))
d = json.load(open(sys.argv[1]))
d["case_id"] = "KEY-1"
d["k" * 5000] = "v"
json.dump(d, open(sys.argv[3], "w"))
PY
expect_rc 5 as lead case import "$T/amt.json"
check "the amount over the bound is said as given" grep -q "1000000000000.0001 is more than 1000000000000" "$ERR"
expect_rc 0 as lead case import "$T/key.json"
expect_rc 0 as lead case show KEY-1
check "a 5000-byte unknown key is shown cut" bash -c "! grep -q 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk' '$OUT' && grep -q 'kkk\.\.\.' '$OUT'"

# --json escapes what would drive a terminal (DEL, C1, direction and line
# separators) as jansson escapes C0: the same JSON, no raw control byte
python3 - "$T/zh.json" "$T/evj.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "EVJ-1"
d["subject"]["name"] = "李\u202e某\u009b[31m\u007f\u2028x"
json.dump(d, open(sys.argv[2], "w"))
PY
expect_rc 0 as lead case import "$T/evj.json"
for cmd in "case show EVJ-1 --json" "case list --json"; do
	# shellcheck disable=SC2086
	expect_rc 0 as lead $cmd
	check "$cmd: no raw DEL, C1 or direction character" python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
bad = [c for c in ("\u202e", "\u009b", "\u007f", "\u2028") if c.encode() in b]
sys.exit(1 if bad else 0)' "$OUT"
done
check "... and the name reads back as it was given" \
	pyjson 'any(r["subject_name"] == "李\u202e某\u009b[31m\u007f\u2028x" for r in d)' "$OUT"

# ---- an agency added in no zone, placed in one -------------------------------
expect_rc 0 as root agency add ZNEW --name 驻市新设局纪检监察组
python3 - "$T/zh.json" "$T/znew.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "ZNEW-1"
d["agency"] = "ZNEW"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_rc 1 as lead case import "$T/znew.json"
check "its case is refused: the agency is in no zone" grep -q "refused" "$OUT"
expect_rc 5 as root agency add ZNEW --name 别的名字 --zone Z1
check "placing it under another name is refused" grep -q "by another name" "$ERR"
expect_rc 5 as root agency add ZNEW --name 驻市新设局纪检监察组 --zone Z9
expect_rc 0 as root agency add ZNEW --name 驻市新设局纪检监察组 --zone Z1
expect_rc 0 as root agency list
check "it is in zone Z1 now" grep -q "ZNEW.*Z1" "$OUT"
expect_rc 5 as root agency add ZNEW --name 驻市新设局纪检监察组 --zone Z2
check "... once: it does not move" grep -q "already exists" "$ERR"
expect_rc 0 as lead case import "$T/znew.json"
check "its case is taken in again and accepted" grep -q "accepted" "$OUT"
# the report names a reviewer without a recorded name by the role alone
pwfile m4 "passphrase of m4" >/dev/null
expect_rc 0 as root user add m4 --role member --zone Z1 --name 周某 --new-passphrase-file "$T/pw/m4"
enrol m4
expect_rc 0 as lead case assign ZNEW-1 m4 m3
expect_rc 0 as lead report ZNEW-1 --format md
check "a named reviewer with the role, one without: the role alone" grep -q "审理组由组员、周某（组员）组成" "$OUT"
check "... never the role twice" bash -c "! grep -q '组员（组员）' '$OUT'"
expect_rc 0 as aud audit verify

# ---- the limit moved twice, as once --------------------------------------------
# For a = 1..6 the first move ends on each day of a week in turn, a weekend
# among them: case Aa is extended by a, then by 1; case Ba by a + 1 at once.
python3 - "$T/zh.json" "$T/lim.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as f:
    for a in range(1, 7):
        for k in "AB":
            d["case_id"] = "LIM-%s%d" % (k, a)
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
expect_rc 0 as lead case import --jsonl "$T/lim.jsonl"
for a in 1 2 3 4 5 6; do
	as lead case extend "LIM-A$a" --days "$a" >/dev/null
	as lead case extend "LIM-A$a" --days 1 >/dev/null
	as lead case extend "LIM-B$a" --days $((a + 1)) >/dev/null
done
expect_rc 0 as lead case list --json
check "two moves of the limit end where one move of both does" python3 - "$OUT" <<'PY'
import json, sys
lim = {r["case_id"]: r["deadline"] for r in json.load(open(sys.argv[1]))
       if r["case_id"].startswith("LIM-")}
bad = [a for a in range(1, 7) if lim.get("LIM-A%d" % a) != lim.get("LIM-B%d" % a)]
if bad or len(lim) != 12: print("       differ at", bad, lim)
sys.exit(1 if bad or len(lim) != 12 else 0)
PY
expect_rc 0 as aud audit verify

# ---- exit codes and help ----------------------------------------------------
for a in "--cases abc" "--seed x" "--start -1" "--fault nosuch"; do
	# shellcheck disable=SC2086
	expect_rc 5 "$SHENLI" sample docket $a
done
expect_rc 5 as aud audit log --until 0
expect_rc 0 as aud audit log --until 1 --json
check "--until 1: the first entry alone" pyjson 'len(d) == 1 and d[0]["seq"] == 1' "$OUT"
for cmd in login logout status open; do
	expect_rc 0 "$SHENLI" help "$cmd"
	check "help $cmd: its usage" grep -q "shenli.*$cmd" "$OUT"
done
expect_rc 0 zh "$SHENLI" help login
check "login's help in Chinese from its first word" grep -q "^用法：shenli login" "$OUT"
if command -v setsid >/dev/null; then
	expect_rc 2 setsid -w "$SHENLI" --store "$STORE" --user root --passphrase-file "$T/pw/root" \
		user add newbie --role member --zone Z1
	check "no terminal: the option for the new passphrase is named" \
		grep -q "new passphrase of newbie: use --new-passphrase-file" "$ERR"
fi

# ---- a large dossier: the plugins sort it inside their sandbox -------------
z1_dossier none "$T/big.json" || { fail "no sample dossier of zone Z1"; finish; }
python3 - "$T/big.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "BIG-1"
n = len(d["evidence"])
d["evidence"] += [{"id": "X%d" % i, "kind": "witness_testimony", "title": "证言%d" % i,
                   "source": "证人%d" % i} for i in range(300 - n)]
f0 = d["facts"][0]
d["facts"] += [dict(f0, id="G%d" % i, evidence=f0["evidence"] + ["X%d" % i])
               for i in range(100)]
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False)
PY
expect_rc 0 as lead case import "$T/big.json"
expect_rc 0 as lead case assign BIG-1 m2 m3
as lead review run BIG-1 >/dev/null 2>&1
expect_rc 0 as lead review findings BIG-1 --json
check "no check was ended by its sandbox on 300 evidence items and 101 facts" \
	pyjson 'not any(f["code"].startswith("plugin_") for f in d)' "$OUT"

expect_rc 0 as aud audit verify
finish
