#!/usr/bin/env bash
# Cases end to end: intake decisions, malformed dossiers (exit 5, nothing
# written), recusal through every command, the lifecycle, JSON shapes.
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1 # audit verify in shares too (lib.sh)
. "$(dirname "$0")/cases_setup.sh"

head_now() { as aud audit head; }
ncases() { as aud case list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# ---- names a person types: nothing kept that would not show as itself ----
# C1 controls, bidi overrides and zero-width characters would make two
# names print alike in a signed report, or text read in another order
pwfile zw 'zw passphrase' >/dev/null
# (so too a soft hyphen, a tag character, a Hangul filler: invisible)
for bad in $'第一\xc2\x9b片区' $'第一片区\u202e' $'张\u200b三' $'张三\ufeff' \
	$'李\u00ad某' $'李\U000E0041某' $'李\u3164某'; do
	expect_rc 5 as root zone add ZX --name "$bad"
	expect_rc 5 as root user add zw --role member --zone Z1 --name "$bad" --new-passphrase-file "$T/pw/zw"
done
expect_rc 0 as root zone list --json
check "no zone of those names was added" pyjson 'not any(z["code"] == "ZX" for z in d)' "$OUT"
expect_rc 5 as root user disable zw # no such user

# ---- a complete dossier is accepted, Chinese intact ----
expect_rc 0 as lead case import "$EXAMPLE"
check "example accepted" grep -q "ZRJ-2024-013 *accepted" "$OUT"
expect_rc 0 as lead case show ZRJ-2024-013 --json
check "show --json has the contract's fields and Chinese text" pyjson \
	'd["case_id"]=="ZRJ-2024-013" and d["agency"]=="ZRJ" and d["zone"]=="Z1" and d["state"]=="accepted" and d["assignees"]==[] and d["returns"]==0 and d["dossier"]["subject"]["name"]=="李某" and d["dossier"]["facts"][0]["summary"].startswith("2019年")' "$OUT"
expect_rc 0 as lead case show ZRJ-2024-013
check "human show is Chinese" grep -q "被审查调查人  李某" "$OUT"

# ---- malformed: exit 5, the field named, nothing written ----
H0=$(head_now); N0=$(ncases)
M=$T/malformed; mkdir -p "$M"
python3 - "$EXAMPLE" "$M" <<'PY'
import json, sys, copy
src, out = sys.argv[1], sys.argv[2]
base = json.load(open(src))
def w(name, obj=None, raw=None):
    data = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode()
    open(f"{out}/{name}", "wb").write(data)
def mut(f):
    d = copy.deepcopy(base); f(d); return d
w("not_json@JSON", raw=b"{this is not json")
w("top_array@top level", raw=b"[1,2,3]")
w("case_id_type@case_id", mut(lambda d: d.update(case_id=42)))
w("facts_type@facts", mut(lambda d: d.update(facts="F1")))
w("party_member_type@party_member", mut(lambda d: d["subject"].update(party_member="yes")))
w("form_type@form", mut(lambda d: d["proposal"].update(form="2")))
w("missing_facts@facts", mut(lambda d: d.pop("facts")))
w("missing_subject_name@name", mut(lambda d: d["subject"].pop("name")))
w("missing_format@format", mut(lambda d: d.pop("format")))
w("wrong_format@format", mut(lambda d: d.update(format="shenli.case/2")))
w("dup_fact_ids@F1", mut(lambda d: d["facts"].append(copy.deepcopy(d["facts"][0]))))
w("dup_evidence_ids@E1", mut(lambda d: d["evidence"].append(copy.deepcopy(d["evidence"][0]))))
w("long_summary@summary", mut(lambda d: d["facts"][0].update(summary="长"*4000)))
w("bad_date@transferred_on", mut(lambda d: d.update(transferred_on="2024-02-30")))
w("bad_date2@date", mut(lambda d: d["documents"][0].update(date="24-01-01")))
w("bad_case_id@case_id", mut(lambda d: d.update(case_id="ZRJ/2024 013")))
w("unknown_kind@kind", mut(lambda d: d["evidence"][0].update(kind="rumour")))
w("deep@nested", mut(lambda d: d.update(x=json.loads("["*40 + "]"*40))))
raw = json.dumps(base, ensure_ascii=False).encode()
w("invalid_utf8@UTF-8", raw=raw.replace("李某".encode(), b"\xff\xfe", 1))
w("dup_key@duplicate", raw=raw.replace(b'"format"', b'"case_id": "X", "format"', 1).replace(b'{"case_id": "X", "format"', b'{"case_id": "X", "format"'))
w("trailing@trailing", raw=raw + b" {}")
w("nul@NUL", raw=raw.replace("李某".encode(), b"\\u0000", 1))
big = copy.deepcopy(base); big["x_padding"] = "a" * (16 * 1024 * 1024)
w("huge@limit", big)
PY
for f in "$M"/*; do
	name=${f##*/}; want=${name#*@}
	expect_rc 5 as lead case import "$f"
	if grep -qi -- "$want" "$ERR"; then pass "$name: message names '$want'"; else fail "$name: message does not name '$want': $(head -c 300 "$ERR")"; fi
done
check "malformed imports wrote nothing: same audit head" test "$(head_now)" = "$H0"
check "malformed imports wrote nothing: same cases" test "$(ncases)" = "$N0"
# in a JSON Lines stream, a malformed line is refused and the rest decided
{ "$SHENLI" sample docket --cases 3 --seed 5; echo '{"format":"shenli.case/1"'; } > "$T/mixed.jsonl"
# exit 5 means nothing was written: a stream partly written is exit 1, and
# says so
expect_rc 1 as boss case import --jsonl "$T/mixed.jsonl"
check "the good lines of a mixed stream were decided" grep -q "3 dossiers\|4 dossiers: 3" "$OUT"
check "a partly written batch says what was and was not written" \
	grep -q "1 malformed dossiers were refused.*the other 3 were imported" "$ERR"
# --json: one object per dossier (spec/cli.md), the malformed one refused
# with its error as the reason and its line
{ "$SHENLI" sample docket --cases 2 --seed 5 --start 40; echo '{"format":"shenli.case/1"'; } > "$T/mixed2.jsonl"
expect_rc 1 as boss case import --jsonl "$T/mixed2.jsonl" --json
check "import --json lists the malformed line too" pyjson \
	'len(d)==3 and d[2]["decision"]=="refused" and d[2]["malformed"] and d[2]["line"]==3 and d[2]["case_id"] is None and d[2]["reasons"]' "$OUT"
# a malformed dossier whose case id can still be read is named by it, in a
# stream and as a file, so that a script matches every result to its
# dossier; an id that is itself bad is not repeated
python3 - "$EXAMPLE" "$T/badfmt.jsonl" "$T/badfmt.json" "$T/badid.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"], d["format"] = "BADFMT-2024-001", "shenli.case/2"
open(sys.argv[2], "w").write(json.dumps(d, ensure_ascii=False) + "\n")
json.dump(d, open(sys.argv[3], "w"), ensure_ascii=False)
d["case_id"] = "bad id/1"
json.dump(d, open(sys.argv[4], "w"), ensure_ascii=False)
PY
expect_rc 5 as boss case import --jsonl "$T/badfmt.jsonl" --json
check "a malformed line with a readable case id is named by it" pyjson \
	'len(d)==1 and d[0]["malformed"] and d[0]["case_id"]=="BADFMT-2024-001"' "$OUT"
expect_rc 5 as boss case import "$T/badfmt.json" "$T/badid.json" --json
check "... a malformed file too, and a bad case id is not repeated (null)" pyjson \
	'[x["case_id"] for x in d]==["BADFMT-2024-001", None] and all(x["malformed"] for x in d)' "$OUT"
# a dossier refused for an agency nobody registered is in no zone, where no
# zone's leader sees it: its id is not taken for good
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["case_id"]="XYZ-2024-001"; d["agency"]="XYZ"; print(json.dumps(d, ensure_ascii=False))' "$EXAMPLE" >"$T/xyz.json"
expect_rc 1 as lead case import "$T/xyz.json" --json
check "an unknown agency: refused" pyjson 'd[0]["decision"]=="refused"' "$OUT"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["agency"]="ZRJ"; print(json.dumps(d, ensure_ascii=False))' "$T/xyz.json" >"$T/xyz-fixed.json"
expect_rc 0 as lead case import "$T/xyz-fixed.json" --json
check "the corrected dossier is taken in by a zone's leader" pyjson \
	'd[0]["case_id"]=="XYZ-2024-001" and d[0]["decision"]=="accepted"' "$OUT"
expect_rc 0 as aud audit verify

# ---- a generated docket: every decision reported, exit 1 ----
"$SHENLI" sample docket --cases 120 --seed 11 > "$T/d.jsonl"
expect_rc 1 as boss case import --jsonl "$T/d.jsonl" --json
check "import --json: 120 decisions of the contract's shape" pyjson \
	'len(d)==120 and all(set(x)>={"case_id","decision","reasons"} and x["decision"] in ("accepted","deferred","refused") for x in d) and any(x["decision"]=="deferred" and x["reasons"] for x in d) and any(x["decision"]=="refused" for x in d)' "$OUT"
# the same file again: every case is now a duplicate (or a re-transfer of a
# deferred/refused one), and nothing accepted is touched
expect_rc 1 as boss case import --jsonl "$T/d.jsonl" --json
check "re-import refuses live duplicates" pyjson \
	'all(x["decision"]!="accepted" or False for x in d) and any("duplicate" in r for x in d for r in x["reasons"])' "$OUT"
# a leader of zone Z1 refuses other zones' cases
"$SHENLI" sample docket --cases 30 --seed 12 --fault none > "$T/z.jsonl"
expect_rc 1 as lead case import --jsonl "$T/z.jsonl" --json
check "outside the leader's zone: refused" pyjson \
	'any(x["decision"]=="refused" and any("outside" in r for r in x["reasons"]) for x in d)' "$OUT"
# 回避 at intake: a leader from the transferring agency does not take its
# case in; it is refused naming why, and another leader may take it in
pwfile lzr "passphrase of lzr" >/dev/null
adduser lzr leader --agency ZRJ --zone Z1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["case_id"]="ZRJ-2024-777"; d["x_note"]="附卷说明"; d["facts"][0]["x_place"]="\u001b[2J某地"; print(json.dumps(d, ensure_ascii=False))' "$EXAMPLE" > "$T/own.json"
check "the example is transferred by ZRJ" grep -q '"agency": *"ZRJ"' "$T/own.json"
expect_rc 1 as lzr case import "$T/own.json" --json
check "own agency's case: refused for recusal" pyjson \
	'len(d)==1 and d[0]["decision"]=="refused" and any("recused" in r for r in d[0]["reasons"])' "$OUT"
expect_rc 0 as lead case import "$T/own.json" --json
check "another leader takes it in" pyjson 'd[0]["decision"]=="accepted"' "$OUT"
# fields the format does not define are kept and shown (case-format.md)
expect_rc 0 as lead case show ZRJ-2024-777
check "human show lists the unknown fields by path" bash -c \
	"grep -q '^  x_note  \"附卷说明\"' '$OUT' && grep -q '^  facts\[0\].x_place' '$OUT'"
check "and no control character of theirs reaches the terminal" bash -c "! grep -q \$'\\x1b' '$OUT'"
# only leaders import
expect_rc 4 as m3 case import "$EXAMPLE"
expect_rc 4 as root case import "$EXAMPLE"
expect_rc 4 as aud case import "$EXAMPLE"

# ---- recusal, through every command ----
expect_rc 4 as m1 case show ZRJ-2024-013
# one answer for a recused case, another zone's, and none at all
cp "$ERR" "$T/m1.err"
expect_rc 4 as m1 case show ZRJ-1999-404
check "show refusal is the one a missing case gets" \
	test "$(sed 's/ZRJ-2024-013/X/' "$T/m1.err")" = "$(sed 's/ZRJ-1999-404/X/' "$ERR")"
expect_rc 4 as m9 case show ZRJ-2024-013
check "and the one another zone's member gets" \
	test "$(sed 's/ZRJ-2024-013/X/' "$T/m1.err")" = "$(sed 's/ZRJ-2024-013/X/' "$ERR")"
expect_rc 4 as m1 case show ZRJ-2024-013 --json
expect_rc 0 as m1 case list --json
check "the recused member's list omits the case" pyjson 'all(x["agency"]!="ZRJ" for x in d) and len(d)>0' "$OUT"
expect_rc 0 as m1 case list --agency ZRJ --json
check "even asked by agency" pyjson 'd==[]' "$OUT"
expect_rc 4 as lead case assign ZRJ-2024-013 m1 m3
check "assign refusal names recusal" grep -q "recused" "$ERR"
expect_rc 0 as aud audit log --json
check "the recusal refusal is audited" pyjson \
	'any(e["action"]=="denied" and e["object"]=="ZRJ-2024-013" and "recused" in e["details"].get("reason","") for e in d)' "$OUT"
# team rules: two at least; members of the case's zone; specialists anywhere
expect_rc 4 as lead case assign ZRJ-2024-013 m3
expect_rc 4 as lead case assign ZRJ-2024-013 m3 m9
expect_rc 4 as lead case assign ZRJ-2024-013 m3 boss
expect_rc 5 as lead case assign ZRJ-2024-013 m3 nobody
expect_rc 4 as m3 case assign ZRJ-2024-013 m2 m3
expect_rc 0 as lead case assign ZRJ-2024-013 m3 sp
expect_rc 0 as lead case show ZRJ-2024-013 --json
check "assigned: in_review with the team" pyjson 'd["state"]=="in_review" and d["assignees"]==["m3","sp"]' "$OUT"
expect_rc 0 as sp case show ZRJ-2024-013
expect_rc 0 as sp case list --json
check "the specialist sees only the case asked of them" pyjson '[x["case_id"] for x in d]==["ZRJ-2024-013"]' "$OUT"
expect_rc 0 as m9 case list --json
check "a Z2 member sees no Z1 case" pyjson 'all(x["zone"]!="Z1" for x in d)' "$OUT"
expect_rc 4 as m9 case show ZRJ-2024-013
expect_rc 4 as m9 case show NO-SUCH-CASE
expect_rc 0 as lead case assign ZRJ-2024-013 --auto 2
check "auto-assign picks eligible Z1 members, never the recused" bash -c "grep -q 'm2' '$OUT' && grep -q 'm3' '$OUT' && ! grep -q 'm1' '$OUT'"
expect_rc 4 as lead case assign ZRJ-2024-013 --auto 3

# ---- the lifecycle: illegal transitions name the state ----
REFUSED=$(as boss case list --state refused --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["case_id"])')
expect_rc 4 as boss case assign "$REFUSED" m3 sp
check "the refusal names the state" grep -q "'refused'" "$ERR"
expect_rc 4 as boss case extend "$REFUSED" --days 3
expect_rc 0 as lead case extend ZRJ-2024-013 --days 10
expect_rc 5 as lead case extend ZRJ-2024-013 --days 25
expect_rc 4 as m3 case extend ZRJ-2024-013 --days 1
expect_rc 5 as lead case extend ZRJ-2024-013 --days x
expect_rc 0 as boss case list --overdue --json
check "nothing overdue yet" pyjson 'd==[]' "$OUT"
expect_rc 5 as boss case list --state nonsense
# --due-within N: the cases with at most N working days left, no more
as boss case list --json >"$T/due.json"
LEFT=$(python3 -c 'import json,sys; print(min(r["days_left"] for r in json.load(open(sys.argv[1])) if r.get("days_left") is not None))' "$T/due.json")
expect_rc 0 as boss case list --due-within "$LEFT" --json
check "--due-within $LEFT keeps the case with $LEFT working days left" pyjson \
	"d and all(r['days_left'] <= $LEFT for r in d)" "$OUT"
expect_rc 0 as boss case list --due-within $((LEFT - 1)) --json
check "--due-within $((LEFT - 1)) keeps none with $LEFT left" pyjson \
	"all(r['days_left'] <= $LEFT - 1 for r in d)" "$OUT"
# pages: --limit and --after partition the listing, in order, whatever
# the page size
as boss case list --json >"$T/all.json"
python3 - "$T/all.json" >"$T/ids" <<'PY'
import json, sys
print("\n".join(c["case_id"] for c in json.load(open(sys.argv[1]))))
PY
for size in 1 2 3; do
	: >"$T/paged"
	after=()
	while :; do
		as boss case list --limit "$size" "${after[@]}" --json >"$T/page.json" || break
		python3 -c 'import json,sys; [print(c["case_id"]) for c in json.load(open(sys.argv[1]))]' "$T/page.json" >"$T/page"
		[ -s "$T/page" ] || break
		[ "$(wc -l <"$T/page")" -le "$size" ] || { echo "page over $size" >>"$T/paged"; break; }
		cat "$T/page" >>"$T/paged"
		after=(--after "$(tail -1 "$T/page")")
	done
	check "pages of $size partition the listing in order" cmp -s "$T/ids" "$T/paged"
done
check "the listing has several cases to page through" test "$(wc -l <"$T/ids")" -ge 3
expect_rc 5 as boss case list --limit 0
expect_rc 0 as m1 case list --after ZZZ --json
check "a page after the last case is empty" pyjson 'd==[]' "$OUT"

# ---- a long intake reason is cut on a character boundary, never lost ----
# (found by fuzz_intake: a reason over 512 bytes cut inside a character
# used to vanish, and a file citing missing evidence was accepted)
LONG=$(dirname "$0")/../fixtures/dossiers/long-reason.json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["case_id"]="LONG-1"; json.dump(d, open(sys.argv[2],"w"), ensure_ascii=False)' "$LONG" "$T/long.json"
expect_rc 1 as lead case import "$T/long.json" --json
check "a file citing missing evidence is deferred, whatever the reason's length" pyjson 'd[0]["decision"]=="deferred" and any("E" in r or "证" in r for r in d[0]["reasons"])' "$OUT"

# ---- a mistyped filter is named, not an empty list ----
expect_rc 5 as boss case list --zone NOPE --json
check "an unknown zone is named" grep -q "NOPE" "$ERR"
expect_rc 5 as boss case list --agency NOPE
expect_rc 5 as boss case list --assignee nobody
expect_rc 0 as m1 case list --assignee me --json

# ---- one id names one thing: a fact and an evidence item may not share it ----
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["case_id"]="IDS-1"; d["evidence"][1]["id"]="F1"; d["facts"][0]["evidence"]=["E1","F1"]; d.pop("supplement",None); json.dump(d, open(sys.argv[2],"w"), ensure_ascii=False)' "$EXAMPLE" "$T/ids1.json"
H0=$(as aud audit head)
expect_rc 5 as lead case import "$T/ids1.json"
check "an evidence id that is a fact's id too is named" grep -q "evidence\[1\].id" "$ERR"
check "... and nothing was written" test "$(as aud audit head)" = "$H0"

# ---- and the log still verifies ----
expect_rc 0 as aud audit verify
finish
