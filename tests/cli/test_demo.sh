#!/usr/bin/env bash
# shenli demo: the guided run finishes, in under a minute, with every step
# of the workflow done, and leaves nothing behind but the report it keeps.
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
for step in "1. 建立加密库" "2. 首次登录" "3. 受理" "4. 分配审理人员与回避" "5. 运行审查检查" "6. 退回补充审查调查" \
	"7. 移送单位补充后重新移送" "8. 审理人员发表意见" "9. 一致性脚本把关，签发" "10. 审理报告与审计日志核验"; do
	check "step: $step" grep -q "$step" "$OUT"
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
finish
