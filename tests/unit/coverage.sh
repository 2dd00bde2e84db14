#!/bin/sh
# Line and branch coverage of core/ by the native unit tests (gcov, lcov).
#
#   coverage.sh BIN_DIR RESULTS_DIR HTML_DIR TEST...
#
# BIN_DIR holds the unit test programs built with --coverage (tests/unit/build.mk,
# unit-coverage). Runs each (their verdicts are unit-check's, not this script's),
# captures what they reached, and prints
#	coverage: core N.N% lines, M.M% branches
# with a per-file table; the HTML report goes to HTML_DIR. It measures and never
# judges a figure: RESULTS_DIR/coverage.counts is "1 0" when the report was made,
# "0 1" when it could not be.
set -u
bin=$1
results=$2
html=$3
shift 3

mkdir -p "$results"
echo "0 1" > "$results/coverage.counts"
echo "coverage (native core)" > "$results/coverage.label"
command -v lcov >/dev/null 2>&1 || { echo "coverage: lcov missing (scripts/install-deps.sh)"; exit 1; }

find "$bin" -name '*.gcda' -delete 2>/dev/null
for name in "$@"; do
	[ -x "$bin/$name" ] || { echo "coverage: $bin/$name was not built"; exit 1; }
	CMOCKA_MESSAGE_OUTPUT=stdout timeout 300 "$bin/$name" > "$bin/$name.log" 2>&1
done

rc="--rc lcov_branch_coverage=1"
# shellcheck disable=SC2086
lcov $rc --quiet --capture --directory "$bin" --output-file "$bin/all.info" 2>"$bin/lcov.log" &&
	lcov $rc --quiet --extract "$bin/all.info" "$(pwd)/core/*" --output-file "$bin/core.info" \
		2>>"$bin/lcov.log" ||
	{ echo "coverage: lcov could not capture the run"; exit 1; }
scripts/coverage-report.sh "$bin/core.info" "$html" core "native unit tests" || exit 1
echo "1 0" > "$results/coverage.counts"
