#!/usr/bin/env bash
# A plugin that cannot run does not stop the review, and a refused plugin
# does not pass for a missing one:
# - a plugin whose open() refuses the rules in force is loaded all the
#   same; every case it should have checked gets a blocker naming it, and
#   the other plugins' findings are there (plugin.h, SHENLI_FN_OPEN);
# - a plugin refused at resubmission (its file changed after install) is
#   audited as plugin.refused; the resubmission, the agency's material,
#   commits and says why its checks did not run; the old findings are
#   stale, so sign-off waits for a run that works.
. "$(dirname "$0")/lib.sh"
HELLO=${SHENLI_TEST_PLUGIN:-}
REFUSES=${SHENLI_TEST_PLUGIN_REFUSES:-}
[ -f "$HELLO" ] && [ -f "$REFUSES" ] ||
	{ fail "SHENLI_TEST_PLUGIN / SHENLI_TEST_PLUGIN_REFUSES not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
. "$(dirname "$0")/pkgsign.sh"
expect_rc 0 as root keys trust "$K/admin.pub"
sign_plugin "$T/hello" hello "$HELLO"
sign_plugin "$T/refuses" refuses "$REFUSES"
expect_rc 0 as root plugin install "$T/hello"
expect_rc 0 as root plugin install "$T/refuses"

# a complete case of a zone Z1 agency none of the members comes from
z1_dossier none "$T/c.json" || { fail "no sample dossier of zone Z1"; finish; }
C=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_id"])' "$T/c.json")
expect_rc 0 as lead case import "$T/c.json"
expect_rc 0 as lead case assign "$C" m2 m3

# ---- open() refuses: a blocker naming the plugin, the run goes on ---------
expect_rc 1 as lead review run "$C"
expect_rc 0 as lead review findings "$C" --json
check "the plugin that cannot run is named in a blocker" pyjson \
	'any(f["severity"] == "blocker" and f["check"] == "refuses" and "refuses" in f["message"] for f in d)' "$OUT"
check "the other plugin still checked the case" pyjson \
	'any(f["check"] == "hello" and f["code"] == "hello" for f in d)' "$OUT"
expect_rc 0 as root plugin remove refuses

# ---- a plugin refused at resubmission ---------------------------------------
expect_rc 0 as lead review run "$C"
expect_rc 0 as lead review return "$C" --kind supplement --no-findings \
	--item "补充被审查调查人的任免文件" --ref doc:identity
python3 - "$T/c.json" "$T/resub.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["evidence"].append({"id": "E90", "kind": "documentary", "title": "任免文件",
                      "obtained_on": d["transferred_on"], "tags": ["identity"]})
d["supplement"] = [{"item": "1", "evidence": ["E90"], "note": "已补充任免文件"}]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
SO=$(ls "$STORE".pkg/hello@1/hello.so)
chmod u+w "$SO"
printf '\001' | dd of="$SO" bs=1 seek=200 conv=notrunc 2>/dev/null
chmod u-w "$SO"
expect_rc 0 as lead case resubmit "$C" "$T/resub.json" --json
check "the resubmission says its checks did not run, and why" pyjson \
	'd["checks"] is None and "hello" in d["checks_not_run"] and "no review plugin" not in d["checks_not_run"]' "$OUT"
expect_rc 0 as lead case show "$C" --json
check "the resubmission committed: the case is back in review" pyjson 'd["state"] == "in_review"' "$OUT"
expect_rc 0 as aud audit log --json
check "the refusal is audited" pyjson \
	'any(e["action"] == "plugin.refused" and e["object"] == "hello" for e in d)' "$OUT"
check "and the resubmission too" pyjson 'any(e["action"] == "case.resubmit" for e in d)' "$OUT"
expect_rc 6 as lead review run "$C"
check "a run names the refused plugin" grep -q "hello" "$ERR"
# the log is whole, but a plugin changed under the store is tampering
expect_rc 6 as aud audit verify
check "audit verify names the changed plugin" grep -q "plugin hello" "$ERR"
finish
