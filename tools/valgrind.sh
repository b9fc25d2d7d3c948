#!/usr/bin/env bash
# The test suite under valgrind memcheck (`make valgrind`): every cmocka unit
# test, and the CLI suites named in VALGRIND_CLI with lib.sh's
# SHENLI_VALGRIND=1, which runs shenli under memcheck the first time each
# form of command (user, command, subcommand, option names) comes up in a
# suite, and natively after that. Any memcheck error or definite/indirect
# leak fails; tests/valgrind/valgrind.supp holds only commented third-party
# noise (none so far). Jobs run JOBS at a time, the longest first.
#
#   tools/valgrind.sh BUILD_DIR      (a Debug build; make valgrind makes one)
#
# Every program run here gets tests/valgrind/scrypt_shim.c (LD_PRELOAD),
# which divides scrypt's N by 64 (2^16 becomes 1024) for sealing and opening
# alike: a 64 MiB scrypt per unlock takes seconds under memcheck, and the
# suite unlocks thousands of times. Nothing else loads it; the product's KDF
# is untouched.
#
# Left out under valgrind, and why: unit_sandbox's test_seccomp (valgrind's
# own system calls break a seccomp filter) and test_compiled_memory (a
# 2-second wall-clock limit on 100 MiB of string churn), via
# tests/valgrind/cmocka_skip.c; in the CLI suites, `script run`, `review
# signoff`, `review run`, `case resubmit` and `plugin verify` run natively:
# their script or plugin worker is exec'ed from /proc/self/exe, which under
# valgrind is valgrind itself. The CLI suites not named are left out
# for CI's time: kills and races (whose subject is timing), 100k-dossier
# volume, packaging, and the rest, whose commands these suites run too.
set -u
build=$(cd "${1:?usage: tools/valgrind.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
cli=${VALGRIND_CLI:-workflow review store packages tamper_edges}
command -v valgrind >/dev/null || { echo "valgrind: not installed" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/shenli-valgrind.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

cc -shared -fPIC -O1 -o "$work/cmocka_skip.so" "$src/tests/valgrind/cmocka_skip.c" \
	$(pkg-config --cflags cmocka) -ldl || exit 2
cc -shared -fPIC -O1 -o "$work/scrypt_shim.so" "$src/tests/valgrind/scrypt_shim.c" \
	$(pkg-config --cflags openssl) -ldl || exit 2

export SRC=$src BUILD=$build WORK=$work
export VG_OPTS="--tool=memcheck --error-exitcode=99 --leak-check=full
 --errors-for-leak-kinds=definite,indirect --track-fds=no
 --child-silent-after-fork=yes --suppressions=$src/tests/valgrind/valgrind.supp"
run_one() { # run_one unit|cli NAME
	local kind=$1 name=$2 t0=$SECONDS rc
	local log=$WORK/$kind-$name.log
	if [ "$kind" = unit ]; then
		local pre=$WORK/scrypt_shim.so dir
		[ "$name" = sandbox ] && pre="$pre:$WORK/cmocka_skip.so"
		dir=$(cat "$WORK/unit-$name.dir")
		mapfile -t cmd <"$WORK/unit-$name.cmd"
		(cd "$dir" && CMOCKA_MESSAGE_OUTPUT=stdout SHENLI_SANITIZED=1 LD_PRELOAD=$pre \
			SHENLI_CMOCKA_SKIP=test_seccomp,test_compiled_memory \
			valgrind $VG_OPTS --log-file="$WORK/$kind-$name.vg" "${cmd[@]}") >"$log" 2>&1
		rc=$?
	else
		LD_PRELOAD=$WORK/scrypt_shim.so \
		SHENLI_VALGRIND=1 SHENLI_VALGRIND_SUPP="$SRC/tests/valgrind/valgrind.supp" SHENLI_SANITIZED=1 \
			SHENLI_TEST_PLUGIN="$BUILD/tests/testplugin_hello.so" \
			SHENLI_PACKAGES="$BUILD/packages" SHENLI_BUILD_PUB="$BUILD/signing/build.pub" \
			bash "$SRC/tests/cli/test_$name.sh" "$BUILD/shenli" >"$log" 2>&1
		rc=$?
	fi
	local what # what ran under memcheck
	if [ "$kind" = unit ]; then
		what=$(sed -n 's/^\[=*\] \([0-9]*\) test(s) run.*/\1 tests/p' "$log" | tail -1)
	else
		what=$(sed -n 's/^# valgrind: \([0-9]*\) runs of shenli.*/\1 commands/p' "$log" | tail -1)
	fi
	printf '%s %4d s  %s %-13s %s\n' "$([ $rc -eq 0 ] && echo ok || echo "FAIL($rc)")" \
		$((SECONDS - t0)) "$kind" "$name" "${what:+($what under memcheck)}" | tee -a "$WORK/results"
}
export -f run_one

# the unit tests as ctest knows them: command, arguments, directory
units=$(cd "$build" && ctest --show-only=json-v1 -R '^unit_' | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    n = t["name"][len("unit_"):]
    d = [p["value"] for p in t.get("properties", []) if p["name"] == "WORKING_DIRECTORY"]
    open(sys.argv[1] + "/unit-" + n + ".cmd", "w").write("\n".join(t["command"]) + "\n")
    open(sys.argv[1] + "/unit-" + n + ".dir", "w").write(d[0] if d else ".")
    print(n)' "$work") || exit 2
# the longest first, so that the cores finish together
{
	for n in $cli; do echo "cli $n"; done
	for n in $units; do echo "unit $n"; done
} | awk 'NF == 2 { w = ($1 == "cli") ? 5 : 1
	if ($2 ~ /^(workflow|store|review|cases)$/) w = 9; else if ($2 ~ /^(packages|audit)$/) w = 7
	print w, $0 }' | sort -k1,1nr | cut -d' ' -f2- |
	xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _

fails=$(grep -c '^FAIL' "$work/results")
for f in $(grep '^FAIL' "$work/results" | awk '{print $4 "-" $5}'); do
	echo "=== $f"
	grep -E '^(FAIL|\[  (ERROR|FAILED) )|valgrind' "$work/$f.log" | head -40
	[ -f "$work/$f.vg" ] && grep -v '^==[0-9]*== *$' "$work/$f.vg" | grep -v '^--' | head -60
done
echo "valgrind: $(wc -l <"$work/results") suites, $fails failed"
[ "$fails" -eq 0 ]
