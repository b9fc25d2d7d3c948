#!/usr/bin/env bash
# Document templates as signed packages (kind=template, issue 17): an admin
# installs one (signed with the stock openssl CLI) that changes the 密级
# marks, the 紧急程度, 抄送 and the 印发机关 of the 版记; the report and the
# return letter then carry them and not the built-in defaults. A template
# that is not one is refused (exit 5) with nothing written; a non-admin is
# refused (exit 4). Among several, the one named 'default' is in force;
# several and none so named refuses the documents (exit 5). Removing the
# template brings the built-in back. A template whose installed file
# changed, or whose signing key was revoked, refuses every document (exit
# 6, audited) instead of the built-in being used in its place.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cases_setup.sh"
K=$T/keys
mkdir -m 700 "$K"
for k in admin other; do
	openssl genpkey -algorithm ed25519 -out "$K/$k.key" 2>/dev/null
	openssl pkey -in "$K/$k.key" -pubout -out "$K/$k.pub" 2>/dev/null
done
expect_rc 0 as root keys trust "$K/admin.pub" --comment "the agency's template key"
ADMIN_KEY=$(grep -o '[0-9a-f]\{16\}' "$OUT")

# a case under review, returned once (the letter needs a return)
C=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_id"])' "$EXAMPLE")
expect_rc 0 as lead case import "$EXAMPLE"
expect_rc 0 as lead case assign "$C" m2 m3
expect_rc 0 as lead review return "$C" --kind supplement --item "补充车主证言" --ref subject --no-findings

# docs TAG: the report and the return letter in HTML, as m3 reads them
docs() {
	expect_rc 0 as m3 report "$C" --format html --out "$T/report-$1.html"
	expect_rc 0 as m3 review outline "$C" --format html --out "$T/letter-$1.html"
}
# has FILE TEXT... / lacks FILE TEXT...: what a document says, or does not
has() {
	local f=$1 w
	shift
	for w in "$@"; do check "$(basename "$f") has $w" grep -qF -- "$w" "$f"; done
}
lacks() {
	local f=$1 w
	shift
	for w in "$@"; do check "$(basename "$f") lacks $w" bash -c "! grep -qF -- '$w' '$f'"; done
}
# the 版记's 印发机关 and 印发日期 line, as doc_html.c writes it
printer() { grep -o '<p class="print"><span>[^<]*</span>' "$1" | sed 's/.*<span>//; s/<.*//'; }

docs builtin
PANEL=$(printer "$T/report-builtin.html")
check "the built-in 印发机关 is the panel ($PANEL)" test "$PANEL" = "第一片区划片审理小组"
has "$T/report-builtin.html" 机密
has "$T/letter-builtin.html" 秘密 加急

# mktpl DIR NAME VERSION KEY [ABI] < JSON: a template package signed with
# openssl as an admin would on an offline machine (no key: unsigned)
mktpl() {
	local d=$1 name=$2 ver=$3 key=$4 abi=${5:-1}
	rm -rf "$d"
	mkdir -p "$d"
	cat >"$d/$name.json"
	printf 'name=%s\nkind=template\nversion=%s\nabi=%s\nfile=%s.json\nsize=%s\nsha256=%s\n' \
		"$name" "$ver" "$abi" "$name" "$(stat -c %s "$d/$name.json")" \
		"$(sha256sum "$d/$name.json" | cut -d' ' -f1)" >"$d/manifest"
	[ -z "$key" ] || openssl pkeyutl -sign -rawin -inkey "$K/$key.key" \
		-in "$d/manifest" -out "$d/manifest.sig"
}
# the agency's template: 绝密 for ten years, 特急, its own 印发机关 and 抄送
AGENCY='{"format": "shenli.template/1", "name": "default", "version": 1,
 "documents": {
  "report": {"secrecy": "绝密", "secrecy_period": "10年",
             "printer": "厦门市纪委监委案件审理室", "cc": ["市纪委监委办公厅"]},
  "letter": {"secrecy": "绝密", "urgency": "特急",
             "printer": "厦门市纪委监委案件审理室"},
  "opinion": {"secrecy": "绝密"}}}'
P=$T/pkg

# nothing_written: no template listed, no file kept, the log unchanged
nothing_written() {
	as root template list --json >"$T/list.json" &&
		pyjson 'd == []' "$T/list.json" &&
		! ls -d "$STORE".pkg/*@* >/dev/null 2>&1 &&
		test "$(as root audit head)" = "$HEAD0"
}
HEAD0=$(as root audit head)

# a non-admin installs nothing
mktpl "$P" default 1 admin <<<"$AGENCY"
expect_rc 4 as lead template install "$P"
expect_rc 4 as m3 template install "$P"
HEAD0=$(as root audit head) # the refusals are audited ("denied")
check "a non-admin's install wrote nothing" nothing_written

# bad templates: exit 5, a message naming what is wrong, nothing written
bad() { # bad WHAT WANT-IN-STDERR JSON
	mktpl "$P" default 1 admin <<<"$3"
	expect_rc 5 as root template install "$P"
	check "$1: the message says why ($2)" grep -qF -- "$2" "$ERR"
	check "$1: ... of the template" grep -qF "template default is not a document template" "$ERR"
	check "$1: nothing written" nothing_written
}
bad "not JSON" "line 1" 'secrecy = 绝密'
bad "another format" "format" '{"format": "shenli.rules/1"}'
bad "a 密级 outside the standard's" "secrecy" \
	'{"format": "shenli.template/1", "documents": {"report": {"secrecy": "超级机密"}}}'
bad "an unknown key" "printr" \
	'{"format": "shenli.template/1", "documents": {"report": {"printr": "x"}}}'
bad "a right-to-left override in the 版记" "printer" \
	'{"format": "shenli.template/1", "documents": {"report": {"printer": "案件\u202e审理室"}}}'
bad "a control character in the 版记" "printer" \
	'{"format": "shenli.template/1", "documents": {"report": {"printer": "<b>\u0007</b>"}}}'
mktpl "$P" default 1 admin 2 <<<"$AGENCY"
expect_rc 5 as root template install "$P" # an abi this shenli does not speak
check "a wrong abi: nothing written" nothing_written
mktpl "$P" default 1 admin <<<"$AGENCY"
expect_rc 5 as root rules install "$P" # a template is not a rules package
check "the wrong kind is named" grep -qF "template package" "$ERR"
mktpl "$P" default 1 other <<<"$AGENCY"
expect_rc 6 as root template install "$P" # signed by a key not trusted
mktpl "$P" default 1 "" <<<"$AGENCY"
expect_rc 6 as root template install "$P" # not signed at all
check "untrusted or unsigned: nothing written" nothing_written

# the agency's template, in force: its marks and 版记, not the built-in's
mktpl "$P" default 1 admin <<<"$AGENCY"
expect_rc 0 as root template install "$P"
check "install names the template" grep -qF "installed template default v1 (signed by $ADMIN_KEY)" "$OUT"
expect_rc 0 as lead template list --json
check "everyone lists it, with its hash and signer" pyjson \
	'len(d)==1 and d[0]["name"]=="default" and d[0]["version"]==1 and d[0]["signer"]=="'"$ADMIN_KEY"'" and len(d[0]["sha256"])==64' "$OUT"
expect_rc 0 as root template list
check "the table names it" grep -q "^default " "$OUT"
docs agency
has "$T/report-agency.html" "绝密★10年" 市纪委监委办公厅
lacks "$T/report-agency.html" 机密
check "the report's 印发机关 is the template's" test "$(printer "$T/report-agency.html")" = 厦门市纪委监委案件审理室
has "$T/letter-agency.html" 绝密 特急
lacks "$T/letter-agency.html" 秘密 加急
check "the letter's 印发机关 is the template's" test "$(printer "$T/letter-agency.html")" = 厦门市纪委监委案件审理室
expect_rc 0 as m3 report "$C" --format md
check "markdown too" grep -qF "绝密★10年" "$OUT"
check "the template's install is audited" bash -c \
	"'$SHENLI' --store '$STORE' --user root --passphrase-file '$T/pw/root' audit log --json | grep -q template.install"

# several: the one named 'default' is in force; without it, none is chosen
SECOND='{"format": "shenli.template/1", "documents": {
  "report": {"secrecy": "秘密", "printer": "第二印发机关"},
  "letter": {"printer": "第二印发机关"}}}'
mktpl "$P" second 1 admin <<<"$SECOND"
expect_rc 0 as root template install "$P"
docs two
check "with two, 'default' is in force" test "$(printer "$T/report-two.html")" = 厦门市纪委监委案件审理室
expect_rc 4 as lead template remove default
expect_rc 0 as root template remove default
check "remove says the floor stays" grep -q "removed template default" "$OUT"
docs second
check "the only one left is in force" test "$(printer "$T/report-second.html")" = 第二印发机关
mktpl "$P" third 1 admin <<<"$SECOND"
expect_rc 0 as root template install "$P"
expect_rc 5 as m3 report "$C" --format html
check "two and no 'default': the refusal names them" grep -qF "(second, third)" "$ERR"
check "... and says what to do" grep -qF "'default'" "$ERR"
check "... and no document is printed" test ! -s "$OUT"
expect_rc 5 as m3 review outline "$C" --format html
expect_rc 0 as root template remove second
expect_rc 0 as root template remove third

# removed: the built-in comes back
docs back
check "the built-in 印发机关 is back" test "$(printer "$T/report-back.html")" = "$PANEL"
has "$T/report-back.html" 机密
has "$T/letter-back.html" 秘密 加急
lacks "$T/report-back.html" 绝密 厦门市纪委监委案件审理室
expect_rc 0 as root template list --json
check "none listed" pyjson 'd == []' "$OUT"

# the version floor stays after removal: no rollback
mktpl "$P" default 2 admin <<<"$AGENCY"
expect_rc 0 as root template install "$P"
mktpl "$P" default 1 admin <<<"$AGENCY"
expect_rc 6 as root template install "$P"
check "the rollback is named" grep -qi "rollback" "$ERR"

# the installed file changed (same size: 绝密 -> 机密): every document is
# refused, naming the template, and the refusal audited; never the built-in
F=$(ls "$STORE".pkg/default@2/default.json)
cp "$F" "$T/good.json"
chmod u+w "$F"
sed -i '0,/绝密/s//机密/' "$F"
chmod u-w "$F"
check "the tampered file is the same size" test "$(stat -c %s "$F")" = "$(stat -c %s "$T/good.json")"
expect_rc 6 as m3 report "$C" --format html
check "the refusal names the template" grep -qF "template 'default'" "$ERR"
check "... says its file changed" grep -qF "changed" "$ERR"
check "... and no document is printed" test ! -s "$OUT"
expect_rc 6 as m3 review outline "$C" --format html
expect_rc 6 as m3 report "$C" --format md
expect_rc 0 as root audit log --json
check "the refusal is audited" pyjson \
	'any(e["action"]=="template.refused" and e["object"]=="default" for e in d)' "$OUT"
chmod u+w "$F"
cp "$T/good.json" "$F"
chmod u-w "$F"
docs restored
has "$T/report-restored.html" "绝密★10年"

# its signing key revoked: refused too (exit 6), until an admin installs
# one signed by a key still trusted
expect_rc 0 as root keys revoke "$ADMIN_KEY"
expect_rc 6 as m3 report "$C" --format html
check "the refusal says the key was revoked" grep -qF "revoked" "$ERR"
check "... and names the template" grep -qF "template 'default'" "$ERR"
expect_rc 6 as m3 review outline "$C" --format html
expect_rc 0 as root keys trust "$K/other.pub" --comment "the new template key"
mktpl "$P" default 3 other <<<"$AGENCY"
expect_rc 0 as root template install "$P"
docs newkey
has "$T/report-newkey.html" "绝密★10年"

expect_rc 0 as m3 audit verify
check "the log verifies" grep -q "audit log ok" "$OUT"
finish
