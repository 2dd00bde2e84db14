#!/bin/sh
# Run the unit test programs, one TAP document each (cmocka's TAP output,
# tests/unit/unit.h), for tests/tap.sh to judge.
#
#   run.sh BIN_DIR LOG_DIR SRC_DIR TEST... | tests/tap.sh SUITE RESULTS_DIR
#
# Each program's output is also kept in LOG_DIR/unit-TEST.log. A program that
# did not build, crashed, timed out or exited nonzero after its tests never
# counts as zero failures:
#  - not built: every test in its source is a failed test (at least 1);
#  - crash, sanitizer abort, timeout: its plan is not met (tests/tap.sh);
#  - nonzero exit with no failed test (e.g. a leak report at exit): one
#    failure more (tap_program).
set -u

bin_dir=$1
logs=$2
src_dir=$3
shift 3
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../tap-lib.sh"

mkdir -p "$logs"
# TAP whatever the caller's environment asks for (the programs ask for it too).
unset CMOCKA_MESSAGE_OUTPUT
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS
timeout=
command -v timeout >/dev/null 2>&1 && timeout="timeout 300"

for name in "$@"; do
	prog=$bin_dir/$name
	log=$logs/unit-$name.log
	if [ ! -x "$prog" ]; then
		declared=$(grep -c 'cmocka_unit_test' "$src_dir/$name.c" 2>/dev/null || echo 0)
		[ "$declared" -gt 0 ] || declared=1
		echo "not built" > "$log"
		tap_begin "$name"
		i=0
		while [ "$i" -lt "$declared" ]; do
			i=$((i + 1))
			tap_not_ok "$name: test $i of $declared" "not built"
		done
		tap_plan
		continue
	fi
	# shellcheck disable=SC2086
	tap_program "$name" "$log" $timeout "$prog"
done
