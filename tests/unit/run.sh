#!/bin/sh
# Run the unit test programs and add up cmocka's results.
#
#   run.sh BIN_DIR RESULTS_DIR SRC_DIR TEST...
#
# Prints each program's cmocka output (also kept in RESULTS_DIR/unit-TEST.log),
# writes "passed failed" to RESULTS_DIR/unit.counts and exits nonzero if any
# test failed. A program that did not build, crashed, timed out or exited
# nonzero after its summary never counts as zero failures:
#  - not built: every test in its source counts as failed (at least 1);
#  - no cmocka summary (crash, sanitizer abort, timeout): the tests cmocka
#    reported OK count as passed, all others as failed (at least 1);
#  - summary but nonzero exit with no failed test (e.g. a leak report at
#    exit): one failure for the program.
set -u

bin_dir=$1
results=$2
src_dir=$3
shift 3

mkdir -p "$results"
total_passed=0
total_failed=0
bad_programs=""

# Plain cmocka output whatever the caller's environment asks for.
CMOCKA_MESSAGE_OUTPUT=stdout
export CMOCKA_MESSAGE_OUTPUT
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

# "[  PASSED  ] 12 test(s)." -> 12; empty when the line is missing.
count_of() { # tag log
	sed -n "s/^\[  *$1  *\] \([0-9][0-9]*\) test(s).*/\1/p" "$2" | tail -n 1
}

for name in "$@"; do
	prog=$bin_dir/$name
	log=$results/unit-$name.log
	declared=$(grep -c 'cmocka_unit_test' "$src_dir/$name.c" 2>/dev/null || echo 0)
	[ "$declared" -gt 0 ] || declared=1

	if [ ! -x "$prog" ]; then
		echo "unit: $name: not built, counting its $declared test(s) as failed"
		echo "not built" > "$log"
		total_failed=$((total_failed + declared))
		bad_programs="$bad_programs $name"
		continue
	fi

	echo "unit: $name"
	if command -v timeout >/dev/null 2>&1; then
		timeout 300 "$prog" > "$log" 2>&1
	else
		"$prog" > "$log" 2>&1
	fi
	rc=$?
	cat "$log"

	running=$(sed -n 's/^\[==========\] Running \([0-9][0-9]*\) test(s)\./\1/p' "$log" | head -n 1)
	ran=$(sed -n 's/^\[==========\] \([0-9][0-9]*\) test(s) run\./\1/p' "$log" | tail -n 1)
	passed=$(count_of PASSED "$log")
	skipped=$(count_of SKIPPED "$log")
	[ -n "$running" ] || running=$declared

	if [ -n "$ran" ] && [ -n "$passed" ]; then
		failed=$((ran - passed - ${skipped:-0}))
		if [ "$rc" -ne 0 ] && [ "$failed" -le 0 ]; then
			echo "unit: $name: exit status $rc after all tests passed; counting 1 failure"
			failed=1
		fi
	else
		passed=$(grep -c '^\[       OK \]' "$log")
		failed=$((running - passed))
		[ "$failed" -gt 0 ] || failed=1
		echo "unit: $name: no cmocka summary (exit status $rc: crash, sanitizer or timeout);" \
			"$passed passed, counting $failed as failed"
	fi
	[ "$failed" -eq 0 ] || bad_programs="$bad_programs $name"
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed))
done

echo "$total_passed $total_failed" > "$results/unit.counts"
echo "unit: $total_passed passed, $total_failed failed${bad_programs:+ (in:$bad_programs)}"
[ "$total_failed" -eq 0 ] && [ "$total_passed" -gt 0 ]
