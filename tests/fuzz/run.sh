#!/bin/sh
# Run each fuzz target for SECONDS from its committed seeds and count it as
# passed if libFuzzer finished without a crash.
#   run.sh BIN_DIR RESULTS_DIR SECONDS TARGET...
# Writes RESULTS_DIR/fuzz.counts ("passed failed"). A crashing input is kept
# in BIN_DIR/crash-*, the log in BIN_DIR/TARGET.log. The working corpus is BIN_DIR/corpus-TARGET, seeded
# from tests/fuzz/corpus/TARGET; it is started afresh unless FUZZ_KEEP=1.
set -u
bin=$1 results=$2 secs=$3
shift 3
seeds=$(dirname "$0")/corpus
mkdir -p "$results"
passed=0 failed=0
for t in "$@"; do
	corpus=$bin/corpus-$t log=$bin/$t.log
	[ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$corpus"
	mkdir -p "$corpus"
	if [ ! -x "$bin/$t" ]; then
		echo "fuzz: $t: not built"
		failed=$((failed + 1))
		continue
	fi
	if "$bin/$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$bin/" "$corpus" "$seeds/$t" >"$log" 2>&1; then
		passed=$((passed + 1)) verdict=ok
	else
		failed=$((failed + 1)) verdict=FAILED
		tail -n 30 "$log"
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "fuzz: $t: $verdict, ${runs:-?} executions in ${secs}s (log $log)"
done
echo "$passed $failed" > "$results/fuzz.counts"
[ "$failed" -eq 0 ]
