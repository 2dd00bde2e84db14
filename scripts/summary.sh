#!/bin/sh
# Add up the per-suite counts and print the one closing line of `make check`.
#   summary.sh RESULTS_DIR SUITE...
# Suite X writes RESULTS_DIR/X.counts ("passed failed [skipped]"; tests/tap.sh
# writes it from the suite's TAP), and may
# name itself in X.label; X.seconds (written by make check) is its wall time. A suite that wrote nothing (it did not build, or
# crashed before counting) is one failure. Skipped tests are shown, and
# count neither way.
# Exit status: nonzero when anything failed or nothing ran.
dir=$1
shift
passed=0
failed=0
seconds=0
for suite in "$@"; do
	f=$dir/$suite.counts
	name=$suite
	[ -f "$dir/$suite.label" ] && name=$(cat "$dir/$suite.label")
	s=
	if [ -f "$f" ]; then
		read -r p fl s < "$f"
		[ "${s:-0}" -gt 0 ] || s=
	else
		p=0
		fl=1
		echo "  $name: no results (the suite did not run to the end)"
	fi
	t=
	if [ -f "$dir/$suite.seconds" ]; then
		read -r t < "$dir/$suite.seconds"
		seconds=$((seconds + t))
		t=" ($t s)"
	fi
	echo "  $name: $p passed, $fl failed${s:+, $s skipped}$t"
	passed=$((passed + p))
	failed=$((failed + fl))
done
[ "$seconds" -gt 0 ] && echo "  time: $seconds s ($((seconds / 60)) min $((seconds % 60)) s)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
