#!/usr/bin/env bash
# Insiders: a member who holds the data key (every key slot wraps it) and
# their own signing key, acting outside shenli: raw SQLCipher access with
# the key from their own slot, forged entries signed with their own key,
# planted files. Each attack of issue 12 must be refused or detected with
# the documented exit code. The insider's tools are tests/insider/insider.c
# ($SHENLI_INSIDER): nothing there can sign as anyone but its user.
#
# Every attack runs on a fresh copy of one base store, so that each
# detection is that attack's.
. "$(dirname "$0")/lib.sh"
SHARES_CHECK=1 # audit verify in shares too (lib.sh)
PK=${SHENLI_PACKAGES:-}
INS=${SHENLI_INSIDER:-}
[ -d "$PK/gate_findings" ] && [ -f "${SHENLI_BUILD_PUB:-}" ] && [ -x "$INS" ] ||
	{ fail "SHENLI_PACKAGES, SHENLI_BUILD_PUB, SHENLI_INSIDER not set"; finish; }
. "$(dirname "$0")/cases_setup.sh"
pwfile lead2 "passphrase of lead2" >/dev/null
adduser lead2 leader --zone Z2
as root keys trust "$SHENLI_BUILD_PUB" --comment "the build's key" >/dev/null
# a key's id: the first 8 bytes of SHA-256 of the raw public key, hex
key_id() { openssl pkey -pubin -in "$1" -outform DER | tail -c 32 | sha256sum | cut -c1-16; }
BUILD_KEY=$(key_id "$SHENLI_BUILD_PUB")
ABI=$(sed -n 's/^abi=//p' "$PK/evidence/manifest")
as root rules install "$PK/rules" >/dev/null
for p in evidence classification procedure; do as root plugin install "$PK/$p" >/dev/null; done
for p in gate_findings gate_outline gate_opinions gate_panel gate_dates; do
	as root script install "$PK/$p" >/dev/null
done

# Three cases of zone Z1: R from ZRJ (m1's home agency: m1 is recused), B
# with a planted blocker, A clean; and D deferred (a document missing).
D=$T/d.jsonl
: >"$D"
pick() { # pick FAULT AGENCY|"": the next generated dossier of zone Z1 that fits
	local i line ag
	for i in $(seq "${NEXT:-400}" 900); do
		NEXT=$((i + 1))
		line=$("$SHENLI" sample docket --cases 1 --seed 7 --start "$i" --fault "$1")
		ag=$(printf '%s' "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["agency"])')
		case "$ag" in ZRJ | ZCJ) [ "$ag" = "$2" ] || continue ;; *) [ -z "$2" ] || continue ;; esac
		case "$Z1" in *" $ag "*)
			printf '%s\n' "$line" >>"$D"
			return 0
			;;
		esac
	done
	fail "no sample dossier for $1 $2"
}
pick none ZRJ
pick confession_only ""
pick none ""
mapfile -t IDS < <(python3 -c 'import json,sys; [print(json.loads(l)["case_id"]) for l in open(sys.argv[1])]' "$D")
R=${IDS[0]} B=${IDS[1]} A=${IDS[2]}
as lead case import --jsonl "$D" >/dev/null
for c in "$R" "$B" "$A"; do as lead case assign "$c" m2 m3 >/dev/null; done
as lead review run "$A" >/dev/null
as lead review run "$B" >/dev/null
# a deferred case of zone Z1: its dossier lacks the transfer form
python3 - "$T/deferred.json" "$SHENLI" <<'PY'
import json, subprocess, sys
line = subprocess.run([sys.argv[2], "sample", "docket", "--cases", "1",
                       "--seed", "9", "--start", "950"], capture_output=True,
                      text=True).stdout
c = json.loads(line)
c["case_id"] = "ZRJ-2024-777"; c["agency"] = "ZRJ"
c["documents"] = [d for d in c["documents"] if d["kind"] != "transfer_form"]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
as lead case import "$T/deferred.json" >/dev/null
# two opinions of m2 on A, the older and the newer
opinion() { # opinion CASE FILE REASONING
	as lead case show "$1" --json >"$T/show.json"
	python3 - "$T/show.json" "$2" "$3" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); p = c["dossier"]["proposal"]
json.dump({"format": "shenli.opinion/1", "case_id": c["case_id"],
           "disciplines": p["disciplines"], "eight_point_rules": p["eight_point_rules"],
           "party_sanction": p.get("party_sanction"), "gov_sanction": p.get("gov_sanction"),
           "form": p["form"], "reasoning": sys.argv[3]},
          open(sys.argv[2], "w"), ensure_ascii=False)
PY
}
opinion "$A" "$T/o1.json" "旧意见：建议从重处理。"
opinion "$A" "$T/o2.json" "新意见：事实清楚，处理恰当。"
as m2 review opinion "$A" --file "$T/o1.json" >/dev/null
as m2 review opinion "$A" --file "$T/o2.json" >/dev/null
expect_rc 0 as aud audit verify

BASE=$T/base.db
copy_store() { # copy_store SRC DST: the file, its keys, its packages
	rm -rf "$2" "$2.keys" "$2.pkg" "$2-wal" "$2-shm"
	cp "$1" "$2" && cp -a "$1.keys" "$2.keys" && cp -a "$1.pkg" "$2.pkg" || return 1
	[ ! -e "$1-wal" ] || cp "$1-wal" "$2-wal"
}
copy_store "$STORE" "$BASE"
fresh() { copy_store "$BASE" "$STORE"; }
ins() { "$INS" "$1" "$STORE" "$2" "$T/pw/$2" "${@:3}"; } # ins CMD USER ARGS...
sql() { ins sql "$1" "$2" 2>"$T/sql.err" || fail "insider sql as $1 failed: $2: $(cat "$T/sql.err")"; } # sql USER SQL
# detected ARGS: the command must exit 6 and name the problem
detected() {
	local what=$1
	shift
	expect_rc 6 "$@" && check "$what: the refusal says why" test -s "$ERR"
}

# ---- 1. a member mints an admin -----------------------------------------
fresh
pwfile evil "passphrase of evil" >/dev/null
ins mkslot m3 evil "$T/pw/evil" >"$T/evil.out"
EPUB=$(sed -n 1p "$T/evil.out")
ESLOT=$(sed -n 2p "$T/evil.out")
SEQ=$(ins forge m3 user.add evil \
	"{\"user\":\"evil\",\"role\":\"admin\",\"enrol_pub\":\"$EPUB\",\"slot\":\"$ESLOT\"}")
sql m3 "INSERT INTO users(id, role, pubkey, enrol_pub, slot_sha256, created_seq)
        VALUES('evil', 'admin', x'$EPUB', x'$EPUB', x'$ESLOT', $SEQ)"
detected "minted admin: their first command" as evil keys trust "$SHENLI_BUILD_PUB"
detected "minted admin: the leader's review run" as lead review run "$A"
detected "minted admin: audit verify" as aud audit verify
check "audit verify names the entry and who signed it" \
	grep -q "audit entry $SEQ (user.add by 'm3'): the role 'member' may not add users" "$ERR"

# ---- 2. a member plants code ----------------------------------------------
# a packages row and a .so in STORE.pkg
fresh
SO=${SHENLI_TEST_PLUGIN}
SOHASH=$(sha256sum "$SO" | cut -c1-64)
SOSIZE=$(stat -c %s "$SO")
mkdir -p "$STORE.pkg/planted@1" && cp "$SO" "$STORE.pkg/planted@1/planted.so"
chmod -R go-w "$STORE.pkg"
sql m3 "INSERT INTO packages(name, kind, version, abi, file, size, sha256, signer)
        VALUES('planted', 'plugin', 1, $ABI, 'planted.so', $SOSIZE, x'$SOHASH', '$BUILD_KEY')"
detected "planted plugin row: the leader's review run" as lead review run "$B"
check "the packages table is named" grep -q "packages" "$ERR"
detected "planted plugin row: plugin verify" as lead plugin verify
detected "planted plugin row: audit verify" as aud audit verify
# and with an install entry the member signed themselves
fresh
mkdir -p "$STORE.pkg/planted@1" && cp "$SO" "$STORE.pkg/planted@1/planted.so"
chmod -R go-w "$STORE.pkg"
SEQ=$(ins forge m3 plugin.install planted \
	"{\"version\":1,\"abi\":$ABI,\"file\":\"planted.so\",\"size\":$SOSIZE,\"sha256\":\"$SOHASH\",\"signer\":\"$BUILD_KEY\"}")
sql m3 "INSERT INTO packages(name, kind, version, abi, file, size, sha256, signer)
        VALUES('planted', 'plugin', 1, $ABI, 'planted.so', $SOSIZE, x'$SOHASH', '$BUILD_KEY');
        INSERT INTO package_floor(name, max_version) VALUES('planted', 1)"
detected "forged install entry: the leader's review run" as lead review run "$B"
detected "forged install entry: audit verify" as aud audit verify
check "audit verify names the member's entry" grep -q "audit entry $SEQ (plugin.install by 'm3')" "$ERR"
# a gate script swapped together with its recorded hash and size
fresh
GF=$(ls -d "$STORE.pkg"/gate_findings@*)
printf 'function check(case) end\n' >"$T/pass.lua"
install -m 400 "$T/pass.lua" "$GF/gate_findings.lua.new"
mv -f "$GF/gate_findings.lua.new" "$GF/gate_findings.lua"
NH=$(sha256sum "$T/pass.lua" | cut -c1-64)
sql m3 "UPDATE packages SET sha256 = x'$NH', size = $(stat -c %s "$T/pass.lua") WHERE name = 'gate_findings'"
detected "swapped gate script and hash: the leader's sign-off" as lead review signoff "$B"
detected "swapped gate script and hash: script run" as m3 script run gate_findings "$B"
# the same by a disabled user who kept a copy of their slot
fresh
cp "$STORE.keys/m9.slot" "$T/m9.slot.kept"
expect_rc 0 as root user disable m9
cp "$T/m9.slot.kept" "$STORE.keys/m9.slot"
sql m9 "UPDATE packages SET sha256 = x'$NH' WHERE name = 'gate_findings'"
detected "disabled member's plant: the leader's sign-off" as lead review signoff "$B"
SEQ=$(ins forge m9 denied gate_findings '{"reason":"x"}')
detected "disabled member's entry: audit verify" as aud audit verify
check "a disabled user's entry is named" grep -q "written by a disabled user" "$ERR"

# ---- 3. a member escapes recusal -----------------------------------------
# m1 (home agency ZRJ) clears their agency to read R: their own next
# command is refused
fresh
sql m1 "UPDATE users SET agency = NULL WHERE id = 'm1'"
detected "cleared agency: the member's read" as m1 case show "$R"
check "the users table is named" grep -q "users" "$ERR"
# then, with a shenli of their own, an opinion on R, and the agency put
# back: the opinion entry itself is refused to everyone
sql m1 "UPDATE users SET agency = 'ZRJ' WHERE id = 'm1'"
expect_rc 0 as lead audit head
SEQ=$(ins forge m1 review.opinion "$R" \
	"{\"agency\":\"ZRJ\",\"zone\":\"Z1\",\"opinion\":1,\"panel\":false,\"sha256\":\"$(printf x | sha256sum | cut -c1-64)\",\"sig\":\"$(printf '%0128d' 0)\",\"state\":\"in_review\"}")
detected "opinion from a recused member: the leader's next command" as lead case show "$R"
detected "opinion from a recused member: audit verify" as aud audit verify
check "verify says the member was recused" grep -q "audit entry $SEQ (review.opinion by 'm1'): 'm1' is recused" "$ERR"

# and an opinion on a case that was never taken in, which no table holds:
# audit verify names the entry (the cases it replays come from the table)
fresh
SEQ=$(ins forge m3 review.opinion ZRJ-2099-404 \
	"{\"agency\":\"ZRJ\",\"zone\":\"Z1\",\"opinion\":1,\"panel\":false,\"sha256\":\"$(printf x | sha256sum | cut -c1-64)\",\"sig\":\"$(printf '%0128d' 0)\",\"state\":\"in_review\"}")
detected "opinion on a case never taken in: audit verify" as aud audit verify
check "verify names the entry and says the case was never taken in" \
	grep -q "audit entry $SEQ (review.opinion by 'm3'): names a case never taken in" "$ERR"

# a leader of the transferring agency who takes its case in with a shenli of
# their own: the product refuses the case at intake (回避). The insider
# writes the rows an honest intake would (made by the zone's other leader
# in a copy of the store, which has the same data key) and an intake entry
# of their own with the same details: audit verify names the entry.
fresh
pwfile lrj "passphrase of lrj" >/dev/null
adduser lrj leader --zone Z1 --agency ZRJ
python3 - "$EXAMPLE" "$T/r405.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["case_id"] = "ZRJ-2099-405"; d["agency"] = "ZRJ"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
copy_store "$STORE" "$T/scratch.db"
"$SHENLI" --store "$T/scratch.db" --user lrj --passphrase-file "$T/pw/lrj" \
	case import "$T/r405.json" --json >"$T/lrj.json" 2>/dev/null
check "the product refuses it to the recused leader" pyjson \
	"d[0]['decision'] == 'refused' and 'recused' in d[0]['reasons'][0]" "$T/lrj.json"
copy_store "$STORE" "$T/scratch.db"
"$SHENLI" --store "$T/scratch.db" --user lead --passphrase-file "$T/pw/lead" \
	case import "$T/r405.json" >/dev/null 2>&1 || fail "the honest intake in the copy"
DET=$("$SHENLI" --store "$T/scratch.db" --user aud --passphrase-file "$T/pw/aud" audit log --json |
	python3 -c 'import json,sys; e=[e for e in json.load(sys.stdin) if e["action"]=="case.intake"][-1]["details"]; e.pop("os",None); print(json.dumps(e))')
SEQ=$(ins forge lrj case.intake ZRJ-2099-405 "$DET")
DKEY=$(ins key lrj) # the data key, which every slot unwraps
REF="(SELECT id FROM s.cases WHERE case_id = 'ZRJ-2099-405')"
for t in cases dossiers facts evidence documents prior_sanctions; do
	w="case_ref = $REF"
	[ "$t" = cases ] && w="case_id = 'ZRJ-2099-405'"
	sql lrj "PRAGMA cipher_default_page_size = 4096; ATTACH '$T/scratch.db' AS s KEY \"x'$DKEY'\"; INSERT INTO main.$t SELECT * FROM s.$t WHERE $w"
done
sql lrj "UPDATE cases SET received_ms = (SELECT ts FROM audit WHERE seq = $SEQ),
	accepted_ms = (SELECT ts FROM audit WHERE seq = $SEQ) WHERE case_id = 'ZRJ-2099-405'"
detected "a recused leader's forged acceptance: audit verify" as aud audit verify
check "verify names the entry and the recusal" \
	grep -q "audit entry $SEQ (case.intake by 'lrj'): accepted or deferred a case of the leader's own agency" "$ERR"

# a registry row deleted: the row named is the one that went, not the next
fresh
sql m3 "PRAGMA foreign_keys = OFF; DELETE FROM users WHERE id = 'm2'"
detected "a user's row deleted: audit verify" as aud audit verify
check "verify names the deleted row" grep -q "users table differs from the audit log at 'm2'" "$ERR"
fresh
sql m3 "DELETE FROM agencies WHERE code = 'ZCJ'"
detected "an agency's row deleted: audit verify" as aud audit verify
check "verify names the deleted agency" grep -q "agencies table differs from the audit log at 'ZCJ'" "$ERR"

# ---- 4. revoking a key stops its code -------------------------------------
fresh
expect_rc 0 as root keys revoke "$BUILD_KEY"
detected "revoked key: review run" as lead review run "$A"
check "review run says the key was revoked" grep -q "revoked" "$ERR"
detected "revoked key: plugin verify" as lead plugin verify
check "plugin verify says the key was revoked" grep -q "revoked" "$ERR"
detected "revoked key: sign-off scripts" as m3 script run gate_findings "$A"
expect_rc 0 as aud audit verify # a revocation is legitimate: the log is fine

# ---- 5. opinion replay ------------------------------------------------------
fresh
sql m2 "INSERT INTO opinions(case_ref, author, panel, recorded_ms, body, sig, seq)
        SELECT case_ref, author, panel, recorded_ms + 1000, body, sig, seq + 100000
        FROM opinions WHERE author = 'm2' ORDER BY seq LIMIT 1"
expect_rc 0 as lead report "$A" --format md
check "the report still shows the newer opinion (the log's latest)" grep -q "新意见" "$OUT"
check "and not the replayed older one" bash -c "! grep -q '旧意见' '$OUT'"
detected "replayed opinion row: audit verify" as aud audit verify
check "the opinions table is named" grep -q "opinions" "$ERR"
# deleting the newer row does not bring the older one back either
fresh
sql m2 "DELETE FROM opinions WHERE author = 'm2' AND seq = (SELECT max(seq) FROM opinions WHERE author = 'm2')"
expect_rc 6 as lead report "$A" --format md
check "a missing newest opinion is named, not replaced by the older" grep -q "missing or differs" "$ERR"

# ---- 6. the admin acts as a new user -------------------------------------
fresh
pwfile newm "chosen by the admin" >/dev/null
expect_rc 0 as root user add newm --role member --zone Z1 --new-passphrase-file "$T/pw/newm"
H0=$(as root audit head)
opinion "$A" "$T/o3.json" "冒名意见"
expect_rc 3 as newm review opinion "$A" --file "$T/o3.json"
check "the admin's passphrase opens nothing but the user's own passwd" grep -q "user passwd" "$ERR"
expect_rc 3 as newm case list
check "nothing was written" test "$(as root audit head)" = "$H0"
pwfile newm.own "newm's own passphrase" >/dev/null
expect_rc 0 as newm user passwd --new-passphrase-file "$T/pw/newm.own"
expect_rc 3 as newm case list # the admin's passphrase is spent
expect_rc 0 sl --user newm --passphrase-file "$T/pw/newm.own" case list
expect_rc 0 as aud audit log --json
check "the log shows the enrolment, by the user" \
	pyjson "any(e['action'] == 'user.enrol' and e['actor'] == 'newm' for e in d)" "$OUT"
# an insider who enrols a pending user with a key of their own, without
# the one-time key of user.add, is caught
# (m3 replaces newp's first slot with one of their own making, holding a
# key m3 chose, and signs newp's enrolment with it)
fresh
expect_rc 0 as root user add newp --role member --zone Z1 --new-passphrase-file "$T/pw/newm"
pwfile newp.x "a key of m3's making" >/dev/null
ins mkslot m3 newp "$T/pw/newp.x" >"$T/x.out"
SEQ=$("$INS" forge "$STORE" newp "$T/pw/newp.x" user.enrol newp \
	"{\"pubkey\":\"$(sed -n 1p "$T/x.out")\",\"slot\":\"$(sed -n 2p "$T/x.out")\",\"enrol_sig\":\"$(printf '%0128d' 0)\"}")
detected "a forged enrolment: audit verify" as aud audit verify
check "verify says who could not have enrolled the user" grep -q "audit entry $SEQ (user.enrol by 'newp').*one-time key" "$ERR"

# ---- 7. no case-existence oracle ------------------------------------------
fresh
expect_rc 4 as m1 case show "$R"
sed "s/$R/X/g" "$ERR" >"$T/e1"
expect_rc 4 as m9 case show "$R"
sed "s/$R/X/g" "$ERR" >"$T/e2"
expect_rc 4 as m1 case show NO-SUCH-9
sed "s/NO-SUCH-9/X/g" "$ERR" >"$T/e3"
check "recused, other zone and missing: one message" bash -c "cmp -s '$T/e1' '$T/e2' && cmp -s '$T/e1' '$T/e3'"

# ---- 8. a leader's import never shows or touches another zone's case ----
fresh
as boss case show ZRJ-2024-777 --json >"$T/d0.json"
check "the deferred case is deferred" pyjson "d['state'] == 'deferred'" "$T/d0.json"
python3 - "$T/cross.json" "$SHENLI" <<'PY'
import json, subprocess, sys
Z2 = [l.split("\t")[0] for l in subprocess.run([sys.argv[2], "sample", "agencies"],
      capture_output=True, text=True).stdout.splitlines() if l.split("\t")[1] == "Z2"]
line = subprocess.run([sys.argv[2], "sample", "docket", "--cases", "1",
                       "--seed", "9", "--start", "951"], capture_output=True,
                      text=True).stdout
c = json.loads(line)
c["case_id"] = "ZRJ-2024-777"; c["agency"] = Z2[0]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
expect_rc 1 as lead2 case import "$T/cross.json" --json
check "the reply does not show the other zone's case" bash -c "! grep -q 'deferred\\|暂缓' '$OUT'"
check "the dossier is refused: the id is taken" pyjson "d[0]['decision'] == 'refused'" "$OUT"
as boss case show ZRJ-2024-777 --json >"$T/d1.json"
check "the other zone's deferred case is untouched" cmp -s "$T/d0.json" "$T/d1.json"
expect_rc 0 as aud audit verify

# ---- 9. terminal control characters from a dossier and a plugin ---------
# ESC sequences, a bell, a carriage return and bidi overrides in the
# subject's name, a fact and an evidence title reach no terminal and no
# document as themselves
fresh
python3 - "$T/ctl.json" "$SHENLI" <<'PY'
import json, subprocess, sys
line = subprocess.run([sys.argv[2], "sample", "docket", "--cases", "1",
                       "--seed", "9", "--start", "952"], capture_output=True,
                      text=True).stdout
c = json.loads(line)
c["case_id"] = "ZRJ-2024-888"; c["agency"] = "ZRJ"
evil = "\x1b[31m李某\x1b]0;pwned\x07\r\u202e\u2066\x9b1m\u200b"
c["subject"]["name"] = evil
c["facts"][0]["summary"] = evil + c["facts"][0]["summary"]
c["evidence"][0]["title"] = evil
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
expect_rc 0 as lead case import "$T/ctl.json"
no_ctl() { # no_ctl FILE: no C0 but \n and \t, no C1, no bidi or zero-width control
	python3 - "$1" <<'PY'
import sys, re
t = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f]", t)
if bad:
    print("       found:", [hex(ord(b)) for b in bad[:8]])
sys.exit(1 if bad else 0)
PY
}
expect_rc 0 as boss case list
check "case list shows no control character" no_ctl "$OUT"
expect_rc 0 as boss case show ZRJ-2024-888
check "case show shows no control character" no_ctl "$OUT"
check "case show still shows the name" grep -q "李某" "$OUT"
as lead case assign ZRJ-2024-888 m2 m3 >/dev/null
as lead review run ZRJ-2024-888 >/dev/null
as boss review findings ZRJ-2024-888 >"$OUT" 2>"$ERR"
check "review findings shows no control character" no_ctl "$OUT"
for fmt in md html; do
	expect_rc 0 as boss report ZRJ-2024-888 --format $fmt
	check "the $fmt report holds no control character" no_ctl "$OUT"
done
expect_rc 0 as boss audit verify

# ---- 10. the lower ones ----------------------------------------------------
# a signed plugin whose name is not its manifest's: refused, exit 6, audited
fresh
openssl genpkey -algorithm ed25519 -out "$T/k.key" 2>/dev/null
openssl pkey -in "$T/k.key" -pubout -out "$T/k.pub" 2>/dev/null
P=$T/pkg
mkdir -p "$P" && cp "$SO" "$P/other.so"
printf 'name=other\nkind=plugin\nversion=1\nabi=%s\nfile=other.so\nsize=%s\nsha256=%s\n' \
	"$ABI" "$SOSIZE" "$SOHASH" >"$P/manifest"
openssl pkeyutl -sign -rawin -inkey "$T/k.key" -in "$P/manifest" -out "$P/manifest.sig"
expect_rc 0 as root keys trust "$T/k.pub"
expect_rc 0 as root plugin install "$P"
expect_rc 6 as lead review run "$A"
check "the plugin that names itself otherwise is refused by name" grep -q "other" "$ERR"
expect_rc 0 as aud audit log --json
check "the refusal is audited" pyjson "any(e['action'] == 'plugin.refused' and e['object'] == 'other' for e in d)" "$OUT"
expect_rc 0 as aud audit verify
# permissions checked at open
fresh
chmod g+w "$STORE"
expect_rc 6 as lead case list
check "a group-writable store is refused, named" grep -q "writable by group or others" "$ERR"
chmod g-w "$STORE"
chmod o+r "$STORE"
expect_rc 0 as lead case list
check "a world-readable store is a warning" grep -q "readable by others" "$ERR"
chmod o-r "$STORE"
chmod o+w "$STORE.keys"
expect_rc 6 as lead case list
chmod o-w "$STORE.keys"

# ---- 11. the OS account an entry records ------------------------------------
# Every entry records the OS account that made it (embedded mode: the
# process's real uid) under its hash and its transaction's signature: an
# insider who changes it in the table, or takes it out, breaks the chain.
# An entry without one, as stores before it wrote them, still verifies; one
# its signer made malformed does not.
fresh
MYUID=$(id -u) MYNAME=$(id -un)
expect_rc 0 as aud audit log --json
check "embedded mode records the process's uid and name on every entry" pyjson \
	"all(e['os'] == {'uid': $MYUID, 'user': '$MYNAME'} for e in d)" "$OUT"
OSEQ=$(python3 -c 'import json,sys; print([e["seq"] for e in json.load(open(sys.argv[1])) if e["action"] == "review.opinion"][-1])' "$OUT")
# holds SEQ TEXT: entry SEQ's details hold TEXT (the query fails otherwise)
holds() {
	ins sql m3 "SELECT CASE WHEN EXISTS(SELECT 1 FROM audit WHERE seq = $1 AND
	            instr(details, '$2') > 0) THEN 1 ELSE abs(-9223372036854775808) END" 2>/dev/null
}
for t in "\"uid\":$MYUID,|\"uid\":4242," "\"user\":\"$MYNAME\"|\"user\":\"mallory\"" \
	",\"os\":{\"uid\":$MYUID,\"user\":\"$MYNAME\"}|"; do
	fresh
	check "entry $OSEQ holds ${t%%|*}" holds "$OSEQ" "${t%%|*}"
	sql m3 "UPDATE audit SET details = replace(details, '${t%%|*}', '${t#*|}') WHERE seq = $OSEQ"
	check "... which an insider changes in the table (to '${t#*|}')" eval '! holds "$OSEQ" "${t%%|*}"'
	detected "... audit verify" as aud audit verify
	check "... names the entry" grep -q "audit entry $OSEQ" "$ERR" || _show "$ERR"
done
fresh
SEQ=$(ins forge m3 denied X '{"reason":"x","role":"member","wanted":"case.show"}')
expect_rc 0 as aud audit verify
check "an entry that records no OS account (an older store's) verifies" grep -q "audit log ok" "$OUT" || _show "$ERR"
expect_rc 0 as aud audit log
check "... and audit log shows its actor alone" grep -Eq "^ *$SEQ .* m3 +denied" "$OUT"
fresh
SEQ=$(ins forge m3 denied X '{"os":{"uid":"0"},"reason":"x","role":"member","wanted":"case.show"}')
detected "a malformed OS account, signed by its writer: audit verify" as aud audit verify
check "... says so" grep -q "audit entry $SEQ .*OS account it records is malformed" "$ERR" || _show "$ERR"

# ---- 12. the review limit's days, and the rules' limits ---------------------
# The review limit is counted from acceptance in days (cases.limit_days),
# which the log now carries: a member who lengthens it in the table is
# found, and a leader's honest extension computed from it is refused
# rather than signed (its entry would carry the change into the log).
fresh
sql m3 "UPDATE cases SET limit_days = limit_days + 28 WHERE case_id = '$A'"
detected "a member lengthens a case's review limit in the table: audit verify" as aud audit verify
check "... names the case and the limit's days" grep -q "cases table differs from the audit log at case '$A' (the review limit's days" "$ERR"
fresh
sql m3 "UPDATE cases SET limit_days = limit_days + 40 WHERE case_id = '$A'"
H0=$(as root audit head)
expect_rc 6 as lead case extend "$A" --days 1
check "the leader's extension is refused: the store was changed outside shenli" grep -q "changed outside shenli" "$ERR"
check "... and nothing was written" test "$(as root audit head)" = "$H0"
# A leader's own signed entries are held to the rules in force when they
# were made (the rules: extensions of at most 30 days, teams of at least
# 2, at most 2 returns), as the commands hold them.
as lead case show "$A" --json >"$T/a.json"
AG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["agency"])' "$T/a.json")
NDL=$(python3 -c 'import json,sys,datetime; d=json.load(open(sys.argv[1]))["deadline"]; print(int(datetime.datetime.fromisoformat(d.replace("Z","+00:00")).timestamp()*1000) + 999 + 40*86400000)' "$T/a.json")
fresh
SEQ=$(ins forge lead case.extend "$A" "{\"agency\":\"$AG\",\"days\":40,\"deadline_ms\":$NDL,\"zone\":\"Z1\"}")
sql lead "UPDATE cases SET deadline_ms = $NDL, extended_days = extended_days + 40, limit_days = limit_days + 40 WHERE case_id = '$A'"
detected "a leader's own extension past the rules' days: audit verify" as aud audit verify
check "... names the entry and the rules' limit" grep -q "audit entry $SEQ (case.extend by 'lead'): extends by 40 days after 0: more than the 30 the rules allow" "$ERR" || _show "$ERR"
fresh
SEQ=$(ins forge lead case.assign "$A" "{\"agency\":\"$AG\",\"auto\":0,\"from\":\"in_review\",\"previous\":[\"m2\",\"m3\"],\"team\":[\"m2\"],\"to\":\"in_review\",\"zone\":\"Z1\"}")
sql lead "DELETE FROM assignments WHERE user_id = 'm3' AND case_ref = (SELECT id FROM cases WHERE case_id = '$A')"
detected "a leader's own team of one: audit verify" as aud audit verify
check "... names the entry and the rules' minimum" grep -q "audit entry $SEQ (case.assign by 'lead'): a team of 1, fewer than the 2 the rules ask" "$ERR" || _show "$ERR"

# ---- 13. a blocker taken out of the findings for the sign-off ----------------
# The gates read the tables. A member who is not on the team deletes B's
# blocker, the panel works as usual and the leader signs off in good
# faith, then the row is put back: audit verify would pass again. So the
# sign-off checks the case against the log before its gates run.
fresh
blockers() { as lead review findings "$B" --json >"$OUT" && python3 -c 'import json,sys; print(sum(f["severity"] == "blocker" for f in json.load(open(sys.argv[1]))))' "$OUT"; }
check "B has a blocker to take out" test "$(blockers)" -ge 1
sql m1 "CREATE TABLE held AS SELECT * FROM findings WHERE severity = 'blocker';
        DELETE FROM findings WHERE severity = 'blocker'"
check "... and the member took it out of the table" test "$(blockers)" = 0
opinion "$B" "$T/ob.json" "事实清楚，同意。"
as m2 review opinion "$B" --file "$T/ob.json" >/dev/null || fail "m2's opinion on B"
as m3 review opinion "$B" --file "$T/ob.json" >/dev/null || fail "m3's opinion on B"
as lead review opinion "$B" --file "$T/ob.json" --panel >/dev/null || fail "the panel's opinion on B"
H0=$(as root audit head)
detected "a blocker deleted from the findings: the leader's sign-off" as lead review signoff "$B"
check "... names the findings of the case" grep -q "findings table differs from the audit log at case '$B'" "$ERR" || _show "$ERR"
check "... and nothing was written" test "$(as root audit head)" = "$H0"
sql m1 "INSERT INTO findings SELECT * FROM held; DROP TABLE held"
expect_rc 0 as aud audit verify
expect_rc 0 as lead case show "$B" --json
check "the row put back, the case is still not signed off" pyjson 'd["state"] != "signed_off"' "$OUT"

finish
