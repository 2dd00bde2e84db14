#!/bin/sh
# Run each fuzz target for SECONDS from its committed seeds: one TAP test
# each, ok if libFuzzer finished without a crash.
#   run.sh BIN_DIR SECONDS TARGET... | tests/tap.sh fuzz RESULTS_DIR
# A crashing input is kept
# in BIN_DIR/crash-*, the log in BIN_DIR/TARGET.log. The working corpus is BIN_DIR/corpus-TARGET, seeded
# from tests/fuzz/corpus/TARGET; it is started afresh unless FUZZ_KEEP=1.
set -u
bin=$1 secs=$2
shift 2
seeds=$(dirname "$0")/corpus
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../tap-lib.sh"
for t in "$@"; do
	corpus=$bin/corpus-$t log=$bin/$t.log
	[ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$corpus"
	mkdir -p "$corpus"
	if [ ! -x "$bin/$t" ]; then
		tap_not_ok "$t" "not built"
		continue
	fi
	"$bin/$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$bin/" "$corpus" "$seeds/$t" >"$log" 2>&1
	status=$?
	[ "$status" -eq 0 ] || tail -n 30 "$log"
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	tap_check "$status" "$t: ${runs:-?} executions in ${secs}s (log $log)"
done
tap_plan
