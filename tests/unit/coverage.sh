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
# judges a figure: its one TAP test (for tests/tap.sh) is whether the report
# was made.
set -u
bin=$1
results=$2
html=$3
shift 3

# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../tap-lib.sh"
fail() { tap_give_up "coverage report of core" "$1"; }

mkdir -p "$results"
echo "coverage (native core)" > "$results/coverage.label"
command -v lcov >/dev/null 2>&1 || fail "lcov missing (scripts/install-deps.sh)"

find "$bin" -name '*.gcda' -delete 2>/dev/null
for name in "$@"; do
	[ -x "$bin/$name" ] || fail "$bin/$name was not built"
	CMOCKA_MESSAGE_OUTPUT=stdout timeout 300 "$bin/$name" > "$bin/$name.log" 2>&1
done

rc="--rc lcov_branch_coverage=1"
# shellcheck disable=SC2086
lcov $rc --quiet --capture --directory "$bin" --output-file "$bin/all.info" 2>"$bin/lcov.log" &&
	lcov $rc --quiet --extract "$bin/all.info" "$(pwd)/core/*" --output-file "$bin/core.info" \
		2>>"$bin/lcov.log" ||
	fail "lcov could not capture the run"
scripts/coverage-report.sh "$bin/core.info" "$html" core "native unit tests" || fail "no report"
tap_ok "coverage report of core"
tap_plan
