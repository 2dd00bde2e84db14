#!/bin/sh
# Line and branch coverage of the module's code (linux/*.c and core/*.c as compiled
# into kshm.ko) by the VM suite and the fuzzer on the debug kernel (gcov, lcov).
#
#   kernel-coverage.sh MODULE_DIR GCOV_TAR RESULTS_DIR HTML_DIR
#
# MODULE_DIR is the module's build directory (KSHM_GCOV=y: its .gcno files);
# GCOV_TAR the counters the guest sent (tests/vm/run.sh), their paths those of
# MODULE_DIR. Prints
#	coverage: kernel N.N% lines, M.M% branches
# with a per-file table; the HTML report goes to HTML_DIR. It measures and never
# judges a figure: its one TAP test (for tests/tap.sh) is whether the report was
# made.
set -u
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../tap-lib.sh"
fail() { tap_give_up "coverage report of the module" "$1"; }
module=$(cd "$1" 2>/dev/null && pwd) || fail "no module build at $1"
tarball=$2
results=$3
html=$4

mkdir -p "$results"
echo "coverage (kernel, debug-kernel run)" > "$results/kernel-coverage.label"
command -v lcov >/dev/null 2>&1 || fail "lcov missing (scripts/install-deps.sh)"
[ -s "$tarball" ] || fail "the guest sent no counters ($tarball)"

work=$module.gcov-run	# beside the module: lcov reads every .gcda under MODULE_DIR
rm -rf "$work"
mkdir -p "$work"
find "$module" -name '*.gcda' -delete
tar -C "$work" -xzf "$tarball" || fail "$tarball is not a tar.gz"
# The counters sit under the module's absolute path, as debugfs showed them.
copied=0
for f in $(cd "$work" && find . -name '*.gcda'); do
	dest=/${f#./}
	case $dest in "$module"/*) ;; *) continue ;; esac
	cp "$work/$f" "$dest" && copied=$((copied + 1))
done
[ "$copied" -gt 0 ] || fail "no counters for $module in $tarball"

rc="--rc lcov_branch_coverage=1"
# shellcheck disable=SC2086
# Only the module's own sources (linux/*.c, core/*, as staged), not the kernel headers' inlines.
lcov $rc --quiet --capture --directory "$module" --output-file "$work/all.info" \
	2>"$work/lcov.log" &&
	lcov $rc --quiet --extract "$work/all.info" "$module/*" --output-file "$work/kernel.info" \
		2>>"$work/lcov.log" ||
	fail "lcov could not read the counters (see $work/lcov.log)"
scripts/coverage-report.sh "$work/kernel.info" "$html" kernel "$copied files" || fail "no report"
tap_ok "coverage report of the module"
tap_plan
