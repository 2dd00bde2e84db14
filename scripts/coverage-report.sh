#!/bin/sh
# The report both coverage suites print from an lcov tracefile:
#
#   coverage-report.sh INFO HTML_DIR WHAT NOTE
#
# Prints the per-file table, writes the HTML report to HTML_DIR, and ends with
#	coverage: WHAT N.N% lines, M.M% branches (NOTE; HTML: HTML_DIR/index.html)
# Exit status 1 when lcov gives no line figure. Used by tests/unit/coverage.sh
# and tests/hardening/kernel-coverage.sh; lcov's own noise goes to INFO.log.
set -u
info=$1
html=$2
what=$3
note=$4
rc="--rc lcov_branch_coverage=1"

# shellcheck disable=SC2086
lcov $rc --list "$info" 2>>"$info.log" | sed -n '/Filename/,$p'
# "  lines......: 97.1% (678 of 698 lines)"
# shellcheck disable=SC2086
summary=$(lcov $rc --summary "$info" 2>&1)
lines=$(echo "$summary" | sed -n 's/.*lines\.*: *\([0-9.]*\)%.*/\1/p')
branches=$(echo "$summary" | sed -n 's/.*branches\.*: *\([0-9.]*\)%.*/\1/p')
rm -rf "$html"
# shellcheck disable=SC2086
genhtml $rc --quiet --output-directory "$html" "$info" >/dev/null 2>>"$info.log" ||
	echo "coverage: genhtml failed (the figures above stand)"
echo "coverage: $what ${lines:-?}% lines, ${branches:-?}% branches ($note; HTML: $html/index.html)"
[ -n "$lines" ]
