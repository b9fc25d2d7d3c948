#!/usr/bin/env bash
# Chinese for a panel member: under zh_CN.UTF-8 the commands, their help,
# errors and tables are Chinese; --json output and exit codes are exactly
# the C locale's (also for what a command writes: import decisions); the
# locale is chosen by LC_ALL, LC_MESSAGES, LANG and LANGUAGE as usual, and
# the C locale stays English; tables line up by display width with Chinese
# in them; what a dossier or the store holds is sanitised on its way to
# the terminal; the installed tree carries the catalog.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cases_setup.sh"
BUILD=$(dirname "$SHENLI")

# ---- a zh_CN.UTF-8 locale ---------------------------------------------------
# The system's if it has one. Else one made here with localedef from the
# locales package's sources (tools/deps.sh test installs them): no root,
# nothing system-wide, used through LOCPATH (with the system's directory
# after it, for C.UTF-8). Without either, shenli's own fallback still
# answers in Chinese (C.UTF-8 and LANGUAGE, see main.c), which is tested
# below in any case.
ZH_LOCPATH=
if locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then
	echo "# zh_CN.UTF-8: the system's"
elif command -v localedef >/dev/null && [ -e /usr/share/i18n/locales/zh_CN ]; then
	mkdir -p "$T/locale"
	localedef -i zh_CN -f UTF-8 "$T/locale/zh_CN.UTF-8" 2>"$T/localedef.err" || true
	if [ -e "$T/locale/zh_CN.UTF-8/LC_CTYPE" ]; then
		ZH_LOCPATH=$T/locale:/usr/lib/locale
		echo "# zh_CN.UTF-8: made with localedef in $T/locale"
	fi
fi
[ -z "$ZH_LOCPATH" ] && ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8' &&
	echo "# zh_CN.UTF-8: none here (install 'locales'); shenli's fallback answers"

# zh CMD...: CMD (a function of lib.sh too) as a user whose LANG is
# zh_CN.UTF-8; c CMD...: the same in the C locale of the other tests.
zh() (
	unset LC_ALL LANGUAGE
	export LANG=zh_CN.UTF-8
	[ -n "$ZH_LOCPATH" ] && export LOCPATH=$ZH_LOCPATH
	"$@"
)
c() { "$@"; }
pwfile wrong 'not the passphrase' >/dev/null

# ---- Chinese output -----------------------------------------------------------
expect_rc 0 zh sl --help
check "--help: Chinese" bash -c "grep -q '^用法：shenli' '$OUT' && grep -q '^命令：' '$OUT'"
check "--help: the command list keeps its shape" grep -q '^  case     导入卷宗' "$OUT"
expect_rc 0 zh sl help case assign
check "help case assign: Chinese" grep -q '为案件指定审理组' "$OUT"
expect_rc 0 zh as lead case import "$EXAMPLE"
check "import: the decision in Chinese" grep -q '^ZRJ-2024-013 *受理$' "$OUT"
check "import: the summary in Chinese" grep -q '共 1 份卷宗：受理 1 份' "$OUT"
# the reasons of a decision: Chinese alone, without the English tag kept
# for scripts and logs; the C locale keeps the tag
expect_rc 1 zh as lead case import "$EXAMPLE"
check "import: a refusal's reason in Chinese, without its English tag" \
	eval 'grep -q "^    - 案件编号 ZRJ-2024-013 已在审理系统中" "$OUT" && ! grep -q "(duplicate case_id)" "$OUT"'
expect_rc 1 as lead case import "$EXAMPLE"
check "... the C locale keeps the tag" grep -q "(duplicate case_id)" "$OUT"
expect_rc 0 zh as lead case show ZRJ-2024-013
check "case show: Chinese labels" grep -q '被审查调查人  李某' "$OUT"
check "case show: the agency by name, with its zone's name" \
	grep -q "移送单位  驻市人社局纪检监察组（$("$SHENLI" sample zones | awk -F'\t' '$1=="Z1"{print $2}')）" "$OUT"
check "case show: the state in Chinese" grep -q '^状态      已受理' "$OUT"
check "case show: the violation by its name in the rules" grep -q 'F1  违规设立“小金库”' "$OUT"
check "case show: kinds of evidence and documents by name" \
	bash -c "grep -q '被审查调查人陈述和辩解' '$OUT' && grep -q '移送审理函' '$OUT'"
check "case show: no raw codes of kinds" bash -c "! grep -q 'subject_statement\\|small_coffers\\|transfer_form' '$OUT'"
# local time, not UTC: the review limit as the JSON has it (UTC), eight
# hours on (a POSIX TZ, so no time zone database is needed)
expect_rc 0 as lead case show ZRJ-2024-013 --json
want=$(python3 -c '
import json, sys, datetime
d = json.load(open(sys.argv[1]))["deadline"]
t = datetime.datetime.strptime(d, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(hours=8)
print(t.strftime("%Y-%m-%d %H:%M"))' "$OUT")
TZ=CST-8 expect_rc 0 as lead case show ZRJ-2024-013
check "case show: the review limit in local time ($want)" grep -q "^审理期限  $want" "$OUT"
expect_rc 0 zh as lead case list
check "case list: headers and state in Chinese" \
	bash -c "grep -q '^案件编号 *单位 *片区 *状态' '$OUT' && grep -q '^ZRJ-2024-013 .* 已受理 ' '$OUT'"
expect_rc 0 zh as root user list
check "user list: roles in Chinese" \
	bash -c "grep -q '^lead  *组长 ' '$OUT' && grep -q '^sp  *机动组员 ' '$OUT' && grep -q '^aud  *审计员 ' '$OUT'"
expect_rc 4 zh as m1 case show ZRJ-2024-013
check "an error in Chinese (recusal)" grep -q '^shenli：无权操作' "$ERR"
expect_rc 3 zh sl --user lead --passphrase-file "$T/pw/wrong" case list
check "authentication failed, in Chinese" grep -q '身份验证失败' "$ERR"
expect_rc 2 zh sl case list --bogus
check "a usage error in Chinese" \
	bash -c "grep -q '^用法：shenli case list' '$ERR' && grep -q '请运行“shenli help case list”查看帮助' '$ERR'"
expect_rc 2 zh sl case imprt
check "did you mean, in Chinese" grep -q '您是不是要用“import”？' "$ERR"
# why jansson refused a file, in Chinese, the input it quotes printable
printf '{"case_id": "X",\n "a": [1,,2]}' >"$T/syntax.json"
printf '{"case_id": \033[2J}' >"$T/token.json"
expect_rc 5 zh as lead case import "$T/syntax.json"
check "a JSON syntax error in Chinese" grep -q '不是有效的 JSON：意外的记号（在“,”附近）（第 2 行' "$ERR"
check "not in jansson's English" bash -c "! grep -q 'unexpected token' '$ERR'"
expect_rc 5 zh as lead case import "$T/token.json"
check "an invalid token in Chinese" grep -q '无效的记号' "$ERR"
check "its quoted escape never reaches the terminal" bash -c "! grep -q \$'\\e' '$ERR'"

# ---- the same exit codes, and --json byte for byte -----------------------------
same() { # same DESC CMD...: C and zh give the same exit code and stdout
	local desc=$1 rc_c rc_z
	shift
	"$@" >"$T/c.out" 2>/dev/null
	rc_c=$?
	zh "$@" >"$T/z.out" 2>/dev/null
	rc_z=$?
	if [ "$rc_c" = "$rc_z" ] && cmp -s "$T/c.out" "$T/z.out" && [ -s "$T/c.out" ]; then
		pass "$desc: exit $rc_c and the same bytes in C and zh_CN"
	else
		fail "$desc: exit $rc_c vs $rc_z; output differs (or is empty)"
		diff "$T/c.out" "$T/z.out" | sed -n '1,10s/^/       | /p'
	fi
}
samerc() { # samerc CODE DESC CMD...: both exit CODE (any: the same code)
	local want=$1 desc=$2 rc_c rc_z
	shift 2
	"$@" >/dev/null 2>&1
	rc_c=$?
	zh "$@" >/dev/null 2>&1
	rc_z=$?
	[ "$want" = any ] && want=$rc_c
	if [ "$rc_c" = "$want" ] && [ "$rc_z" = "$want" ]; then
		pass "$desc: exit $want in C and zh_CN"
	else
		fail "$desc: exit $rc_c (C) and $rc_z (zh_CN), wanted $want"
	fi
}
# checks and their findings, for review findings --json
as root keys trust "${SHENLI_BUILD_PUB:-}" >/dev/null &&
	as root plugin install "${SHENLI_PACKAGES:-}/evidence" >/dev/null &&
	as lead case assign ZRJ-2024-013 m2 m3 >/dev/null ||
	fail "setting up the checks (SHENLI_PACKAGES / SHENLI_BUILD_PUB)"
samerc any "review run" as lead review run ZRJ-2024-013
same "case show --json" as lead case show ZRJ-2024-013 --json
same "case list --json" as lead case list --json
same "user list --json" as root user list --json
same "zone list --json" as root zone list --json
same "agency list --json" as root agency list --json
same "keys list --json" as root keys list --json
same "plugin list --json" as root plugin list --json
same "review findings --json" as lead review findings ZRJ-2024-013 --json
same "sample agencies --json" sl sample agencies --json
same "audit head" as aud audit head
same "audit log --json" as aud audit log --json
samerc 2 "usage error" sl case list --bogus
samerc 3 "wrong passphrase" sl --user lead --passphrase-file "$T/pw/wrong" case list
samerc 4 "recusal" as m1 case show ZRJ-2024-013
samerc 5 "malformed dossier" as lead case import /dev/null
# what a command writes does not depend on the locale: the same docket into
# two stores set up alike, in C and in zh_CN
"$SHENLI" sample docket --cases 40 --seed 7 >"$T/d.jsonl"
A=$STORE
STORE=$T/b.db
. "$(dirname "$0")/cases_setup.sh"
B=$STORE
STORE=$A
as lead case import --jsonl "$T/d.jsonl" --json >"$T/a.json" 2>/dev/null
rc_a=$?
STORE=$B zh as lead case import --jsonl "$T/d.jsonl" --json >"$T/b.json" 2>/dev/null
rc_b=$?
check "import --json: the same exit code in C and zh_CN ($rc_a)" test "$rc_a" = "$rc_b"
check "import --json: the same decisions and reasons, byte for byte" cmp -s "$T/a.json" "$T/b.json"
check "import --json: reasons were given (the comparison compared something)" \
	pyjson 'len(d)==40 and any(x["reasons"] for x in d)' "$T/a.json"

# ---- which locale speaks ----------------------------------------------------
# says LANG=... LC_ALL=...: the first line of 'shenli --help' in that
# environment (nothing else of the locale set)
says() { env -u LC_ALL -u LANG -u LANGUAGE -u LC_MESSAGES -u LOCPATH "$@" "$SHENLI" --help 2>&1 | head -1 | cut -d' ' -f1; }
mkdir -p "$T/onlyc" && ln -s /usr/lib/locale/C.utf8 "$T/onlyc/C.utf8"
check "LC_ALL=C.UTF-8: English" test "$(says LC_ALL=C.UTF-8)" = "usage:"
check "LC_ALL=C with LANGUAGE=zh_CN: English (gettext ignores LANGUAGE in C)" \
	test "$(says LC_ALL=C LANGUAGE=zh_CN)" = "usage:"
check "LC_ALL=C.UTF-8 with LANGUAGE=zh_CN: Chinese" \
	test "$(says LC_ALL=C.UTF-8 LANGUAGE=zh_CN)" = "用法：shenli"
check "LANG=zh_CN.UTF-8 but LC_ALL=C.UTF-8: English (LC_ALL wins)" \
	test "$(says LANG=zh_CN.UTF-8 LC_ALL=C.UTF-8)" = "usage:"
check "LANG=zh_CN.UTF-8 where that locale was never generated: Chinese (the fallback)" \
	test "$(says LANG=zh_CN.UTF-8 LOCPATH="$T/onlyc")" = "用法：shenli"
check "LANG=de_DE.UTF-8 (no catalog for it): English" \
	test "$(says LANG=de_DE.UTF-8 LOCPATH="$T/onlyc")" = "usage:"
if [ -n "$ZH_LOCPATH" ]; then
	check "LC_MESSAGES=zh_CN.UTF-8 alone (LANG=C.UTF-8): Chinese" \
		test "$(says LANG=C.UTF-8 LC_MESSAGES=zh_CN.UTF-8 LOCPATH="$ZH_LOCPATH")" = "用法：shenli"
	check "LANG=zh_CN.UTF-8 with the locale generated: Chinese" \
		test "$(says LANG=zh_CN.UTF-8 LOCPATH="$ZH_LOCPATH")" = "用法：shenli"
elif locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then
	check "LC_MESSAGES=zh_CN.UTF-8 alone (LANG=C.UTF-8): Chinese" \
		test "$(says LANG=C.UTF-8 LC_MESSAGES=zh_CN.UTF-8)" = "用法：shenli"
else
	pass "skipped: LC_MESSAGES alone needs a generated zh_CN.UTF-8 (the locales package)"
fi

# ---- tables line up by display width, with Chinese in them ------------------------
# aligned FILE: every row's cells (runs split at two or more spaces) start
# at the display column of the header's, counting East Asian wide characters
# as two columns.
aligned() { # aligned FILE [wide]: wide: there must be CJK in it
	python3 - "$@" <<'PY'
import re, sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
def starts(line):
    return [width(line[:m.start()]) for m in re.finditer(r"\S+(?: \S+)*", line)]
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
head = starts(lines[0])
bad = [l for l in lines[1:] if starts(l) != head]
for l in bad[:3]:
    print("misaligned:", l, starts(l), "header:", head, file=sys.stderr)
wide = any(width(l) != len(l) for l in lines)
sys.exit(0 if len(lines) > 1 and not bad and (wide or len(sys.argv) < 3) else 1)
PY
}
# agencies of several name widths, one with a bidi override in its name
as root agency add ZX1 --name '纪检组' --zone Z1 >/dev/null
as root agency add ZX22 --name $'驻市\u202e反向组' --zone Z2 >/dev/null
as lead case import "$T/d.jsonl" >/dev/null 2>&1
as lead case assign ZRJ-2024-013 m2 m3 >/dev/null 2>&1
for loc in c zh; do
	expect_rc 0 $loc as lead case list
	check "case list ($loc): columns aligned by display width" aligned "$OUT" wide
	expect_rc 0 $loc as root user list
	check "user list ($loc): columns aligned by display width" aligned "$OUT"
	expect_rc 0 $loc as root agency list
	check "agency list ($loc): columns aligned by display width" aligned "$OUT" wide
	expect_rc 0 $loc as root keys list
	check "keys list ($loc): aligned" aligned "$OUT"
	expect_rc 0 $loc as aud audit log --since 2
	check "audit log ($loc): a header" grep -Eq '^(SEQ|序号) ' "$OUT"
	check "audit log ($loc): the OS account beside the actor" \
		grep -qF "lead$([ $loc = zh ] && echo "（系统账户：" || echo " (os: ")$(id -un)/$(id -u)" "$OUT"
	expect_rc 0 $loc as lead review findings ZRJ-2024-013
	check "review findings ($loc): a table with a header" grep -q '^序号  级别  标准' "$OUT"
done
expect_rc 0 zh as root user list
check "user list (zh): Chinese in the middle columns, aligned" aligned "$OUT" wide
# the auditor sees every zone's: the docket's deferred and refused cases are
# of other zones than the leader's (policy: a zone leader sees the zone's)
expect_rc 0 zh as aud case list
check "case list (zh): the docket's intake states in Chinese" grep -q ' 暂缓受理 \| 不予受理 ' "$OUT"

# ---- values from dossiers and the store never drive the terminal ---------------
python3 - "$EXAMPLE" "$T/evil.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["case_id"] = "ZRJ-2024-666"
d["subject"]["name"] = "李\u001b[2J某\u202e圣"
d["facts"][0]["summary"] = "摘要\u001b]0;title\u0007含\u2066控制\u0085字符\n第二行"
d["evidence"][0]["title"] = "\u202e谈话笔录\u001b[0m"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_rc 0 as lead case import "$T/evil.json"
clean() { # no C0 but newline, no DEL, no C1, no bidi control in FILE
	python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="strict").read()
bad = re.findall("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", t)
sys.exit(1 if bad else 0)
PY
}
for loc in c zh; do
	expect_rc 0 $loc as lead case show ZRJ-2024-666
	check "case show ($loc): no control or bidi character reaches the terminal" clean "$OUT"
	check "case show ($loc): the rest of the value is still shown" grep -q '某.圣' "$OUT"
	expect_rc 0 $loc as lead case list
	check "case list ($loc): sanitised" clean "$OUT"
	check "case list ($loc): still aligned" aligned "$OUT"
	expect_rc 0 $loc as root agency list
	check "agency list ($loc): sanitised" clean "$OUT"
done
expect_rc 0 as lead case show ZRJ-2024-666 --json
check "--json keeps the value as it is (escaped by JSON)" \
	pyjson 'd["dossier"]["subject"]["name"] == "李\u001b[2J某\u202e圣"' "$OUT"
expect_rc 2 as lead case show $'ZRJ\033[2J' --bogus
check "a value quoted back from the command line is sanitised too" clean "$ERR"

# ---- the catalog in an installed tree ------------------------------------------
expect_rc 0 env DESTDIR="$T/stage" timeout 120 cmake --install "$BUILD" --prefix /usr
check "installed: share/locale/zh_CN/LC_MESSAGES/shenli.mo" \
	test -s "$T/stage/usr/share/locale/zh_CN/LC_MESSAGES/shenli.mo"
check "the installed binary finds it (../share/locale)" \
	grep -q '^用法：' <(env -u LC_ALL -u LANG LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$T/stage/usr/bin/shenli" --help)
finish
