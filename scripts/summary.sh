#!/bin/sh
# Add up the per-suite counts and print the one closing line of `make check`.
#   summary.sh RESULTS_DIR SUITE...
# Suite X writes RESULTS_DIR/X.counts ("passed failed"). A suite that wrote
# nothing (it did not build, or crashed before counting) is one failure.
# Exit status: nonzero when anything failed or nothing ran.
dir=$1
shift
passed=0
failed=0
for suite in "$@"; do
	f=$dir/$suite.counts
	if [ -f "$f" ]; then
		read -r p fl < "$f"
	else
		p=0
		fl=1
		echo "  $suite: no results (the suite did not run to the end)"
	fi
	echo "  $suite: $p passed, $fl failed"
	passed=$((passed + p))
	failed=$((failed + fl))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
