#!/usr/bin/env bash
# shenli demo: the guided run finishes, in under a minute, with every step
# of the workflow done, and leaves nothing behind but the report it keeps;
# it speaks the reader's language alone (English in C, Chinese in zh_CN),
# bold only on a terminal; a signal stops it and takes its temporary
# store, passphrase files and all, with it.
. "$(dirname "$0")/lib.sh"
export TMPDIR=$T
# Time: CI runs tests two at a time on a shared machine, so wall time says
# more about the neighbours than about the demo. The demo's own CPU time
# (itself and every command it runs) is what a quiet machine would take.
# --offer is what 'make demo' runs: without a terminal it asks nothing and
# only says how to serve the workbench (it must never hang a CI job)
expect_rc 0 /usr/bin/time -f '%e %U %S' -o "$T/time" "$SHENLI" demo --keep --offer </dev/null
read -r wall usr sys < "$T/time"
cpu=$(python3 -c "print(round($usr + $sys, 1))")
echo "     the demo took $wall s of wall time, $cpu s of CPU"
if [ -n "${SHENLI_SANITIZED:-}" ]; then
	echo "skip the one-minute check under sanitizers"
else
	check "the demo needs under a minute ($cpu s of CPU)" python3 -c "import sys; sys.exit(0 if $usr + $sys < 60 else 1)"
fi
for step in "1. An encrypted store, its admin and the review panel" \
	"2. First sign-in: each chooses their own passphrase" "3. Intake: the transferred cases are imported" \
	"4. Assigning the reviewers, and recusal" "5. Running the review checks" \
	"6. Returned for supplementary investigation, with an outline" \
	"7. The agency supplements the file and transfers it again" \
	"8. The reviewers' opinions, and the panel's deliberation" \
	"9. The consistency scripts as the gate, then sign-off" "10. The review report, and the audit log verified"; do
	check "step: $step" grep -qxF "$step" "$OUT"
done
check "intake decisions are shown" grep -Eq "accepted|deferred|refused" "$OUT"
check "the recusal refusal is shown" grep -q "recused" "$OUT"
check "the outline is shown" grep -q "补查提纲" "$OUT"
check "the case is signed off" grep -q "signed off" "$OUT"
check "the audit log verifies against its head" grep -q "audit log ok" "$OUT"
REPORT=$(sed -n 's/.*the report: \([^ ]*\.html\).*/\1/p' "$OUT" | head -1)
check "the report exists" test -s "$REPORT"
check "without a terminal, the workbench is only offered" grep -q "make demo SERVE=1" "$OUT"
check "and not served" sh -c "! grep -q 'Ctrl-C' '$OUT'"
check "the report is the review report" grep -q "审理报告" "$REPORT"
check "nothing else is left behind" bash -c "[ \$(find '$T' -mindepth 2 -not -path '$T/bin/*' | wc -l) -eq 1 ]"
check "no passphrase file is left" bash -c "! find '$T' -name '*.pw' | grep -q ."
# the demo's own words: each step's title and what it says, the zones and
# agencies added, a command's exit code, the report's line
check "in the C locale, the demo's own words are English alone" python3 - "$OUT" <<'EOF'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
step = re.compile(r"\d+\. ")
own = [l for i, l in enumerate(lines) if step.match(l) or
       (i and step.match(lines[i - 1])) or re.match(r"   (\(|the report:)", l)]
cjk = re.compile("[\u3000-\u9fff\uff00-\uffef]")
sys.exit(1 if len(own) < 22 or any(cjk.search(l) for l in own) else 0)
EOF
check "into a file: no escape sequence (bold is for a terminal)" bash -c "! grep -q \$'\\e' '$OUT'"

# ---- Chinese: LANG=zh_CN.UTF-8 as a panel member has it -----------------------
# The system's zh_CN.UTF-8 if it has one; else shenli falls back by itself
# (main.c), as tests/cli/test_i18n.sh checks.
zh() (
	unset LC_ALL LANGUAGE
	export LANG=zh_CN.UTF-8
	"$@"
)
mkdir -m 700 "$T/zh"
zh env TMPDIR="$T/zh" timeout -k 5 300 "$SHENLI" demo </dev/null 2>"$T/zh.err" | cat >"$T/zh.out"
check "zh_CN, through a pipe: exit 0" test "${PIPESTATUS[0]}" -eq 0
for step in "1. 建立加密库、管理员与审理小组" "2. 首次登录：各人自设口令" "3. 受理：导入移送的案件" "4. 分配审理人员与回避" \
	"5. 运行审查检查" "6. 退回补充审查调查，出具补查提纲" "7. 移送单位补充后重新移送" \
	"8. 审理人员发表意见，审理组集体审议" "9. 一致性脚本把关，签发" "10. 审理报告与审计日志核验"; do
	check "zh_CN step: $step" grep -qxF "$step" "$T/zh.out"
done
check "zh_CN: the steps explained in Chinese" bash -c "grep -q '建立加密库及首位管理员' '$T/zh.out' &&
	grep -q '受理：逐份审核样例案卷中移送的 24 份卷宗' '$T/zh.out' && grep -q '应当回避' '$T/zh.out'"
check "zh_CN: the zones and agencies added, in Chinese" grep -q '添加 3 个片区、36 个派驻纪检监察组' "$T/zh.out"
check "zh_CN: the report's line in Chinese" grep -q '^   审理报告：.*（随演示一并删除' "$T/zh.out"
check "zh_CN: a command's exit code in Chinese" grep -q '^   （退出码 [0-9]*）$' "$T/zh.out"
check "zh_CN: the end in Chinese" grep -q '^演示结束' "$T/zh.out"
for en in "An encrypted store" "Intake: 24 transferred" "zones and" "agencies added" "the report:" \
	"removed with the demo" "use --keep" "(exit " "review panel" "demo finished" "审理报告 /"; do
	check "zh_CN: no '$en'" bash -c "! grep -qF '$en' '$T/zh.out'"
done
# any English sentence at all: three words in a row, but for the commands
# the demo shows and the intake's recorded reasons (their codes in English)
check "zh_CN: no English sentence in the demo's words" \
	bash -c "! grep -v -e '^   \\$ shenli' -e '^    - ' '$T/zh.out' | grep -qE '[A-Za-z]+ [a-z]+ [a-z]+'"
check "zh_CN, through a pipe: no escape sequence" bash -c "! grep -q \$'\\e' '$T/zh.out'"
check "zh_CN: nothing left behind" bash -c "[ -z \"\$(ls -A '$T/zh')\" ]"

# ---- a signal stops the demo and removes its temporary store ------------------
# stopped SIG STEP: the demo, in the background, gets SIG once STEP's first
# command is running; it exits 128 + SIG and leaves no shenli-demo.*.
stopped() {
	local sig=$1 step=$2 dir=$T/sig$1 pid rc n
	mkdir -m 700 "$dir"
	TMPDIR=$dir timeout -k 5 300 "$SHENLI" demo </dev/null >"$dir.out" 2>&1 &
	pid=$!
	for _ in $(seq 1200); do
		grep -A2 "^$step\\. " "$dir.out" | grep -q '^   \$ shenli' && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	check "$sig at step $step: the demo was still running" kill -0 "$pid"
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	n=$(kill -l "$sig")
	check "$sig: exit $((128 + n)) (got $rc)" test "$rc" -eq $((128 + n))
	check "$sig: it says so" grep -q "demo stopped; the temporary store is removed" "$dir.out"
	check "$sig: no step after it" bash -c "! grep -q '^$((step + 1))\\. ' '$dir.out'"
	check "$sig: no shenli-demo.* is left" bash -c "[ -z \"\$(find '$dir' -name 'shenli-demo.*')\" ]"
}
stopped TERM 2
stopped HUP 1
# its reader gone ('demo | head'): whether the demo or the command it runs
# meets the broken pipe first, the demo stops as on a signal (SIGPIPE)
mkdir -m 700 "$T/sigPIPE"
TMPDIR=$T/sigPIPE timeout -k 5 300 "$SHENLI" demo </dev/null 2>"$T/sigPIPE.err" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
check "reader gone: exit 141 (got $rc)" test "$rc" -eq 141
check "reader gone: it says so, not that a step failed" bash -c \
	"grep -q 'demo stopped; the temporary store is removed' '$T/sigPIPE.err' && ! grep -q 'could not' '$T/sigPIPE.err'"
check "reader gone: no shenli-demo.* is left" bash -c "[ -z \"\$(find '$T/sigPIPE' -name 'shenli-demo.*')\" ]"
# Ctrl-C on a terminal: SIGINT to the whole process group (the demo and
# the command it runs); the demo stops too, not only the command. On a
# terminal the step titles are bold.
mkdir -m 700 "$T/sigINT"
python3 - "$SHENLI" "$T/sigINT" >"$T/pty.out" 2>&1 <<'EOF'
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["TMPDIR"] = sys.argv[2]
    os.execv(sys.argv[1], [sys.argv[1], "demo"])
buf, end = b"", time.time() + 120
while b"\x1b[1m3. " not in buf and time.time() < end:
    if select.select([fd], [], [], 1)[0]:
        try:
            buf += os.read(fd, 4096)
        except OSError:
            break
os.killpg(pid, signal.SIGINT)
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    buf += d
st = os.waitpid(pid, 0)[1]
print("bold" if b"\x1b[1m3. " in buf else "plain")
print("step4" if b"4. " in buf else "stopped-at-3")
print("exit", os.waitstatus_to_exitcode(st))
EOF
check "on a terminal, the step titles are bold" grep -qx bold "$T/pty.out"
check "Ctrl-C: the demo stops (no step 4)" grep -qx stopped-at-3 "$T/pty.out"
check "Ctrl-C: exit 130" grep -qx "exit 130" "$T/pty.out" || _show "$T/pty.out"
check "Ctrl-C: no shenli-demo.* is left" bash -c "[ -z \"\$(find '$T/sigINT' -name 'shenli-demo.*')\" ]"
finish
