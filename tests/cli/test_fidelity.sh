#!/usr/bin/env bash
# A dossier read and shown as it was written: one amount is one value on
# the screen (case show) and in the report (md, html, pdf), rounded to the
# fen from the decimal the dossier wrote (12345.675 is 12345.68) and never
# shown as zero when it is not; case show shows a fact's use and in_kind,
# an evidence item's source and tags, and the fields the format does not
# define; a CRLF docket's blank lines are blank lines; an unknown
# circumstance code is shown as given, escaped for each format; case show
# --json writes the dossier's reals as it wrote them (86000.1). What is
# stored is the file's bytes: its sha256 is the file's, the log verifies.
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1 # audit verify in shares too (lib.sh)
. "$(dirname "$0")/cases_setup.sh"

# mk ID AMOUNT [PYTHON]: the example dossier as case ID, its first fact's
# amount_yuan the JSON number AMOUNT written as given, PYTHON run on d;
# into $T/ID.json
mk() {
	python3 - "$EXAMPLE" "$T/$1.json" "$1" "$2" "${3:-pass}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = sys.argv[3]
d.pop("supplement", None)
d["facts"][0]["amount_yuan"] = "@AMOUNT@"
exec(sys.argv[5])
text = json.dumps(d, ensure_ascii=False).replace('"@AMOUNT@"', sys.argv[4])
open(sys.argv[2], "w").write(text)
PY
}

# ---- one amount, one value: case show and the report agree ----
# AMOUNT|what case show prints|what the report prints
while IFS='|' read -r amt show doc; do
	id=AMT-$(printf '%s' "$amt" | tr '.e-' 'pEm')
	mk "$id" "$amt"
	expect_rc 0 as lead case import "$T/$id.json" || continue
	expect_rc 0 as lead case show "$id"
	check "case show: $amt is $show" grep -qx "      金额  $show" "$OUT"
	expect_rc 0 as lead report "$id" --format md
	check "report: $amt is $doc" grep -qF "涉及金额：$doc。" "$OUT"
done <<'EOF'
12345.675|12,345.68 元|人民币12345.68元
2.675|2.68 元|人民币2.68元
0.015|0.02 元|人民币0.02元
1.005|1.01 元|人民币1.01元
0.0049|不足 0.01 元|人民币不足0.01元
1e-7|不足 0.01 元|人民币不足0.01元
86000.10|86,000.10 元|人民币86000.10元
86000|86,000.00 元|人民币8.6万元
1234567.5|1,234,567.50 元|人民币1234567.50元
0|0.00 元|人民币0元
EOF
expect_rc 0 as lead report AMT-12345p675 --format html
check "html report: 12345.675 is 人民币12345.68元" grep -qF "涉及金额：人民币12345.68元。" "$OUT"
if command -v pdftotext >/dev/null; then
	expect_rc 0 as lead report AMT-12345p675 --format pdf --out "$T/amt.pdf"
	check "pdf report: 12345.675 is 人民币12345.68元" sh -c \
		'pdftotext "$1" - | tr -d " \n" | grep -qF "人民币12345.68元"' _ "$T/amt.pdf"
fi

# ---- case show shows every field the format defines, and the others ----
mk FIELDS-1 38300.5 '
f = d["facts"][0]
f["use"] = "用于租用私家车"
f["in_kind"] = True
f["x_fact_note"] = "事实附注"
d["evidence"][0]["source"] = "李某本人"
d["evidence"][1]["tags"] = ["bank_record", "voucher", "x_custom_tag"]
d["evidence"][1]["source"] = "某银行分行"
d["evidence"][1]["x_seal"] = "有"
d["x_transfer_batch"] = {"no": 7, "rate": 0.1}'
expect_rc 0 as lead case import "$T/FIELDS-1.json"
expect_rc 0 as lead case show FIELDS-1
check "in_kind: the amount is marked 财物折价" grep -qx "      金额  38,300.50 元（财物折价）" "$OUT"
check "use: 所称资金用途 shown" grep -qx "      所称资金用途  用于租用私家车" "$OUT"
check "evidence table has 来源 and 标签 columns" grep -q "取得日期 *来源 *标签" "$OUT"
check "evidence source shown" grep -q "^  E1 .*李某本人" "$OUT"
check "evidence tags shown by their Chinese, an unknown one as given" grep -q \
	"^  E2 .*某银行分行 *银行流水/转账记录、记账凭证/支付凭证、x_custom_tag" "$OUT"
check "unknown fields are shown under 其他字段" grep -q "^其他字段" "$OUT"
check "... a top-level one, its reals as written" grep -qF 'x_transfer_batch  {"no":7,"rate":0.1}' "$OUT"
check "... a fact's" grep -qF "facts[0].x_fact_note  \"事实附注\"" "$OUT"
check "... an evidence item's" grep -qF "evidence[1].x_seal  \"有\"" "$OUT"
expect_rc 0 as lead case show AMT-0
check "no in_kind: no 财物折价; no use: no line of it" sh -c \
	'! grep -q "财物折价\|所称资金用途" "$1"' _ "$OUT"
expect_rc 0 as lead report FIELDS-1 --format md
check "the report says the same: 财物折价 and the use" sh -c \
	'grep -qF "涉及金额：人民币38300.50元（财物折价）。" "$1" && grep -qF "所称资金用途：用于租用私家车" "$1"' _ "$OUT"

# ---- case show --json: reals as the dossier wrote them ----
mk JSON-1 86000.10 'd["facts"].append(dict(d["facts"][0], id="F9", amount_yuan=12345.675)); d["x_ratio"] = [0.1, 1e-7, 2.5e20, 100000.0]'
expect_rc 0 as lead case import "$T/JSON-1.json"
expect_rc 0 as lead case show JSON-1 --json
check "86000.10 is written 86000.1" grep -qF '"amount_yuan": 86000.1,' "$OUT"
check "12345.675 is written 12345.675" grep -qF '"amount_yuan": 12345.675,' "$OUT"
check "no real is written with 17 digits" sh -c '! grep -qE "(^ *|\": )-?[0-9]+\.[0-9]{12,}" "$1"' _ "$OUT"
check "every real reads back as the file's double, a real still" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["dossier"]
f = json.load(open(sys.argv[2]))
assert d["facts"][0]["amount_yuan"] == f["facts"][0]["amount_yuan"] == 86000.1
assert d["facts"][1]["amount_yuan"] == 12345.675
assert d["x_ratio"] == f["x_ratio"] and all(isinstance(x, float) for x in d["x_ratio"])
' "$OUT" "$T/JSON-1.json"
check "the stored dossier is the file's bytes: same sha256" pyjson \
	"d['dossier_sha256'] == '$(sha256sum "$T/JSON-1.json" | cut -d' ' -f1)'" "$OUT"

# ---- a CRLF docket: its blank lines are blank lines ----
# crlf SEED FILE: three sample dossiers of SEED, CRLF, between blank lines
# of "\r", spaces and tabs
crlf() {
	"$SHENLI" sample docket --cases 2 --seed "$1" --fault none >"$T/lf.jsonl"
	"$SHENLI" sample docket --cases 1 --seed "$1" --start 2 --fault none >"$T/lf2.jsonl"
	{
		printf '\r\n'
		sed 's/$/\r/' "$T/lf.jsonl"
		printf '\r\n \t \r\n\t\n   \n'
		sed 's/$/\r/' "$T/lf2.jsonl"
		printf '\r\n\r'
	} >"$2"
}
crlf 41 "$T/crlf.jsonl"
expect_rc 0 as boss case import --jsonl "$T/crlf.jsonl" --json
check "three dossiers decided, none malformed, whitespace lines skipped" pyjson \
	'len(d) == 3 and all(x["decision"] == "accepted" for x in d)' "$OUT"
crlf 42 "$T/crlf2.jsonl"
expect_rc 0 as boss case import --jsonl "$T/crlf2.jsonl"
check "... said in words too: 0 malformed" grep -q "3 accepted, 0 deferred, 0 refused, 0 malformed" "$OUT"
printf '\r\n \x01 \r\n' >"$T/junk.jsonl"
expect_rc nonzero as boss case import --jsonl "$T/junk.jsonl"
check "a line holding more than whitespace is still malformed" grep -q "1 malformed" "$OUT"

# ---- an unknown circumstance code is shown as given, escaped ----
mk CIRC-1 100 'd["proposal"]["circumstances"] = ["voluntary_confession", "<b>new_code</b>|*x*"]'
expect_rc 0 as lead case import "$T/CIRC-1.json"
expect_rc 0 as lead case show CIRC-1
check "case show: the unknown code as given" grep -qF "主动交代、<b>new_code</b>|*x*" "$OUT"
expect_rc 0 as lead report CIRC-1 --format md
check "md: the known code in Chinese, the unknown one escaped" grep -qF \
	'情节：主动交代；\<b\>new\_code\</b\>\|\*x\*。' "$OUT"
check "md: never 其他情节" sh -c '! grep -q "其他情节" "$1"' _ "$OUT"
expect_rc 0 as lead report CIRC-1 --format html
check "html: the unknown code escaped" grep -qF '情节：主动交代；&lt;b&gt;new_code&lt;/b&gt;|*x*。' "$OUT"
check "html: no markup from it" sh -c '! grep -q "<b>new_code" "$1"' _ "$OUT"
if command -v pdftotext >/dev/null; then
	expect_rc 0 as lead report CIRC-1 --format pdf --out "$T/circ.pdf"
	check "pdf: the unknown code as given" sh -c \
		'pdftotext "$1" - | grep -qF "<b>new_code</b>|*x*"' _ "$T/circ.pdf"
fi

# ---- prior sanctions: 诫勉 is shown, not called nor counted a 处分 ----
# (the classification check's prior_not_a_sanction; several_sanctions: 2)
mk PRI-1 31400 'd["subject"]["prior_sanctions"] = [{"system": "party", "level": "警告", "decided_on": "2020-01-01"}, {"system": "party", "level": "诫勉", "decided_on": "2022-01-01"}]'
mk PRI-2 31400 'd["subject"]["prior_sanctions"] = [{"system": "party", "level": "警告", "decided_on": "2020-01-01"}, {"system": "gov", "level": "记过", "decided_on": "2022-01-01"}]'
for id in PRI-1 PRI-2; do expect_rc 0 as lead case import "$T/$id.json"; done
expect_rc 0 as lead report PRI-1 --format md
check "report: 诫勉 is not called a 处分" grep -qF "2022年1月1日受诫勉（不属党纪处分或政务处分）" "$OUT"
check "report: a 处分 is still one" grep -qF "2020年1月1日受党纪警告处分" "$OUT"
check "report: one sanction and a 诫勉 are not several" sh -c '! grep -q 多次处分 "$1"' - "$OUT"
expect_rc 0 as lead report PRI-2 --format md
check "report: two sanctions are several" grep -q "受过多次处分.*（共二次）" "$OUT"

# ---- the intake's limit: the rules' intake.working_days after the transfer ----
mk LATE-1 31400
mk NOW-1 31400 'import datetime; t = datetime.date.today().isoformat(); d["transferred_on"] = t; [x.update(date=t) for x in d["documents"] if x["kind"] == "transfer_form"]'
for id in LATE-1 NOW-1; do expect_rc 0 as lead case import "$T/$id.json"; done
expect_rc 0 as lead case show LATE-1 --json
check "a case received long after its transfer is late for intake" \
	pyjson 'd["intake_late"] is True and d["intake_due"] > d["dossier"]["transferred_on"] and d["intake_due"] < d["received_at"]' "$OUT"
expect_rc 0 as lead case show LATE-1
check "... and case show says so" grep -q "已超出受理时限" "$OUT"
expect_rc 0 as lead case show NOW-1 --json
check "a case received the day it was transferred is not" \
	pyjson 'd["intake_late"] is False and d["intake_due"] >= d["received_at"]' "$OUT"

# ---- and the log still verifies ----
expect_rc 0 as aud audit verify
finish
