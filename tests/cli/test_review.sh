#!/usr/bin/env bash
# Review checks end to end, with the built-in packages as the build signed
# them: install, run, findings per planted fault, recusal, a tampered
# plugin refused.
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1 # audit verify in shares too (lib.sh)
PK=${SHENLI_PACKAGES:-}
[ -d "$PK/evidence" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] || { fail "SHENLI_PACKAGES / SHENLI_BUILD_PUB not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
expect_rc 0 as root keys trust "$SHENLI_BUILD_PUB" --comment "the build's key"
expect_rc 0 as root rules install "$PK/rules"
. "$(dirname "$0")/pkgsign.sh"
expect_rc 0 as root keys trust "$K/admin.pub"
# ---- two rules packages: rules list says which is in force -----------------
mkdir -p "$T/myrules"
sed 's/"limit_days": 30/"limit_days": 29/' "$PK/rules/rules.json" >"$T/myrules/rules.json"
printf 'name=myrules\nkind=rules\nversion=1\nabi=1\nfile=rules.json\nsize=%s\nsha256=%s\n' \
	"$(stat -c %s "$T/myrules/rules.json")" "$(sha256sum "$T/myrules/rules.json" | cut -d' ' -f1)" >"$T/myrules/manifest"
openssl pkeyutl -sign -rawin -inkey "$K/admin.key" -in "$T/myrules/manifest" -out "$T/myrules/manifest.sig"
expect_rc 0 as root rules install "$T/myrules"
expect_rc 0 as root rules list --json
check "rules list: the last installed is in force, the other not" \
	pyjson "{r['name']: r['in_force'] for r in d} == {'myrules': True, 'rules': False}" "$OUT"
expect_rc 0 as root rules list
check "... and the table marks it" grep -q "^myrules .*in force" "$OUT"
expect_rc 0 as root rules install "$PK/rules" # the same version again: in force again
expect_rc 0 as root rules list --json
check "rules list: installed again, the first is in force once more" \
	pyjson "{r['name']: r['in_force'] for r in d} == {'myrules': False, 'rules': True}" "$OUT"
expect_rc 0 as root plugin list --json
check "other kinds say nothing of being in force" pyjson "all('in_force' not in p for p in d)" "$OUT"
for p in evidence classification procedure; do
	expect_rc 0 as root plugin install "$PK/$p"
done
expect_rc 4 as root review run --all                      # the admin never reviews
expect_rc 4 as aud review run --all                       # the auditor changes nothing

# one complete case and one case per planted review fault, all from ZCJ (Z1)
D=$T/d.jsonl; : > "$D"
i=100
for fault in none confession_only no_money_flow dangling_evidence eight_point_missed \
	form_mismatch party_gov_mismatch sanction_too_light date_order transfer_before_response; do
	"$SHENLI" sample docket --cases 1 --seed 3 --start $i --fault $fault >> "$D"
	i=$((i + 1))
done
python3 - "$D" > "$T/ids" <<'PY'
import json, sys
faults = ["none","confession_only","no_money_flow","dangling_evidence","eight_point_missed",
          "form_mismatch","party_gov_mismatch","sanction_too_light","date_order","transfer_before_response"]
for f, line in zip(faults, open(sys.argv[1])):
    print(f, json.loads(line)["case_id"])
PY
as boss case import --jsonl "$D" >/dev/null
idof() { awk -v f="$1" '$1==f{print $2}' "$T/ids"; }
expect_rc 1 as boss review run --all
check "the run reports blockers" grep -q "blocker" "$OUT"
# --json: every case checked with its counts, the clean one without blockers
expect_rc 0 as boss case list --json
N_REVIEW=$(python3 -c 'import json,sys; print(sum(c["state"] in ("accepted","in_review","deliberated") for c in json.load(open(sys.argv[1]))))' "$OUT")
expect_rc 1 as boss review run --all --json
check "review run --all --json lists every case under review ($N_REVIEW) with its counts" pyjson \
	'len(d)=='"$N_REVIEW"' and len(d)>=8 and all(list(x)==["case_id","blockers","warnings","notes"] for x in d) and any(x["blockers"]>0 for x in d)' "$OUT"
check "the dangling-evidence case (deferred) is not among them" pyjson \
	"'$(idof dangling_evidence)' not in [x['case_id'] for x in d]" "$OUT"
check "the clean case draws no blocker" pyjson \
	"[x['blockers'] for x in d if x['case_id']=='$(idof none)']==[0]" "$OUT"
expect_rc 0 as boss review run "$(idof none)" --json
check "one case: a list of one" pyjson "len(d)==1 and d[0]['case_id']=='$(idof none)'" "$OUT"
# the deferred one (dangling evidence) is not under review: not checked
expect_rc 4 as boss review run "$(idof dangling_evidence)"
check "refusal names the state" grep -q "deferred" "$ERR"
expect_rc 0 as boss review run "$(idof none)"
expect_rc 0 as boss review findings "$(idof none)" --json
check "a complete case has no blocker" pyjson 'all(f["severity"]!="blocker" for f in d)' "$OUT"
want() { # want FAULT CODE CHECK STANDARD
	expect_rc 0 as boss review findings "$(idof "$1")" --json
	check "$1: $3 reports $2 ($4, blocker)" pyjson \
		'any(f["code"]=="'"$2"'" and f["check"]=="'"$3"'" and f["standard"]=="'"$4"'" and f["severity"]=="blocker" and f["message"] and isinstance(f["refs"], list) for f in d)' "$OUT"
}
want confession_only confession_only evidence evidence
want no_money_flow no_money_flow evidence evidence
want eight_point_missed eight_point_missed classification classification
want form_mismatch form_mismatch classification disposal
want party_gov_mismatch party_gov_mismatch classification disposal
want sanction_too_light sanction_too_light classification disposal
want date_order date_order procedure procedure
want transfer_before_response transfer_before_response procedure procedure
expect_rc 0 as boss review findings "$(idof confession_only)" --json
check "a confession-only finding suggests what to collect" pyjson \
	'any(f["code"]=="confession_only" and f["outline_item"] for f in d)' "$OUT"
expect_rc 0 as boss review findings "$(idof confession_only)"
check "human findings are Chinese" grep -q "建议补查" "$OUT"

# recusal: a member whose home agency transferred the case, and a peer
CASE=$(idof none)
as boss case show "$CASE" --json > "$T/c.json"
AG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["agency"])' "$T/c.json")
ZN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["zone"])' "$T/c.json")
pwfile rec "passphrase of rec" >/dev/null; pwfile peer "passphrase of peer" >/dev/null
adduser rec member --agency "$AG" --zone "$ZN"
adduser peer member --zone "$ZN"
expect_rc 4 as rec review run "$CASE"
# the same answer as for a case that does not exist (no oracle); the log,
# which only admins and auditors read, says why
cp "$ERR" "$T/rec.err"
expect_rc 4 as rec review run NO-SUCH-CASE-1
check "the refusal is the one a missing case gets" \
	test "$(sed "s/$CASE/X/" "$T/rec.err")" = "$(sed 's/NO-SUCH-CASE-1/X/' "$ERR")"
expect_rc 0 as aud audit log --json
check "the log names recusal" pyjson "any(e['actor'] == 'rec' and e['action'] == 'denied' and 'recused' in e['details']['reason'] for e in d)" "$OUT"
expect_rc 4 as rec review findings "$CASE"
# a peer of the zone reads the findings, but records them only on a team
expect_rc 4 as peer review run "$CASE"
check "the peer is told they are not on the team" grep -q "not on the team" "$ERR"
expect_rc 0 as peer review findings "$CASE" --json

# a plugin file changed after install: refused (exit 6) and audited
SO=$(ls "$STORE".pkg/procedure@*/procedure.so)
chmod u+w "$SO"; printf '\001' | dd of="$SO" bs=1 seek=4096 conv=notrunc 2>/dev/null; chmod u-w "$SO"
expect_rc 6 as boss review run --all
expect_rc 0 as aud audit log --json
check "the refused plugin is in the log" pyjson 'any(e["action"]=="plugin.refused" and e["object"]=="procedure" for e in d)' "$OUT"
check "every run is audited with its plugins" pyjson \
	'any(e["action"]=="review.run" and set(e["details"]["plugins"])=={"evidence","classification","procedure"} for e in d)' "$OUT"
expect_rc 6 as aud audit verify
check "audit verify names the changed plugin" grep -q "plugin procedure" "$ERR"
finish
