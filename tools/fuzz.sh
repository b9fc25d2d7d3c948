#!/bin/sh
# Run every libFuzzer target of a fuzz build (cmake -DSHENLI_FUZZ=ON; `make
# fuzz` makes one) for SECONDS each, on a copy of its seed corpus so that a
# run never changes the repository. Prints, per target, the executions and
# the coverage libFuzzer reached (cov: edges, ft: features); exits 1 if
# any target crashed, leaving the reproducer and the log where it says.
#
#   tools/fuzz.sh BUILD_DIR [SECONDS]     (FUZZ_JOBS: targets at a time)
#
# To keep what a run found, merge its corpus back (new coverage only):
#   BUILD_DIR/tests/fuzz/fuzz_T -merge=1 tests/fuzz/corpus/T WORK/corpus/T
set -u

build=${1:?usage: tools/fuzz.sh BUILD_DIR [SECONDS]}
secs=${2:-60}
src=$(cd "$(dirname "$0")/.." && pwd)
fz=$src/tests/fuzz
work=$(mktemp -d "${TMPDIR:-/tmp}/shenli-fuzz.XXXXXX") || exit 1
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

# The largest input worth generating: a little over each format's own
# limit, so that the limit itself is exercised (a dossier needs 10,001
# list items, 20 KB, to reach its item cap).
max_len() {
	case $1 in
	dossier | intake) echo 24576 ;;
	rules) echo 32768 ;;
	keyslot) echo 5120 ;;
	*) echo 8192 ;;
	esac
}

dict() {
	case $1 in
	dossier | intake | rules | keyslot | wire | osacct) echo "-dict=$fz/json.dict" ;;
	manifest) echo "-dict=$fz/manifest.dict" ;;
	audit | replay) echo "-dict=$fz/audit.dict" ;;
	script) echo "-dict=$fz/lua.dict" ;;
	esac
}

# fuzz_one TARGET BIN: one target's run; its summary -> $work/TARGET.result,
# its exit code -> $work/TARGET.rc
fuzz_one() {
	t=$1 bin=$2
	mkdir -p "$work/corpus/$t" "$work/crashes/$t"
	if [ -d "$fz/corpus/$t" ]; then
		cp -R "$fz/corpus/$t/." "$work/corpus/$t/"
	fi
	before=$(find "$work/corpus/$t" -type f | wc -l)
	log=$work/$t.log
	# shellcheck disable=SC2046 # dict is one word or none
	"$bin" -max_total_time="$secs" -max_len="$(max_len "$t")" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/crashes/$t/" $(dict "$t") \
		"$work/corpus/$t" >"$log" 2>&1
	rc=$?
	after=$(find "$work/corpus/$t" -type f | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 |
		sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/cov \1 ft \2/')
	{
		printf '%-9s %10s execs %7s/s  %-18s corpus %s -> %s\n' "$t" \
			"${execs:-?}" "${rate:-?}" "${cov:-cov ? ft ?}" "$before" "$after"
		if [ $rc -ne 0 ]; then
			echo "  FAILED (exit $rc): log $log"
			grep -E 'SUMMARY|invariant failed|ERROR:' "$log" | head -5 |
				sed 's/^/    /'
			for a in "$work/crashes/$t"/*; do
				[ -e "$a" ] && echo "  reproducer: $a"
			done
		fi
	} >"$work/$t.result"
	echo $rc >"$work/$t.rc"
}

# FUZZ_JOBS targets at a time (default: one per core); each gets its
# SECONDS of its own
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
ran=0
targets=
for bin in "$build"/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	t=${bin##*/fuzz_}
	targets="$targets $t"
	fuzz_one "$t" "$bin" &
	ran=$((ran + 1))
	[ $((ran % jobs)) -eq 0 ] && wait
done
wait
failed=0
for t in $targets; do
	cat "$work/$t.result"
	[ "$(cat "$work/$t.rc")" = 0 ] || failed=1
done

if [ $ran -eq 0 ]; then
	echo "no fuzz targets in $build/tests/fuzz (configure with -DSHENLI_FUZZ=ON)" >&2
	exit 2
fi
if [ $failed -ne 0 ]; then
	echo "fuzzing found a crash; logs, corpora and reproducers in $work"
	exit 1
fi
echo "no crash; the grown corpora are in $work/corpus (see the header to merge)"
exit 0
