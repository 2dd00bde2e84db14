#!/bin/sh
# Check the ring model exhaustively with spin in each configuration, one
# TAP test each:
#   tests/model/check.sh BUILD_DIR | tests/tap.sh model RESULTS_DIR
set -u
build=$1/model
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../tap-lib.sh"
mkdir -p "$build"
cp tests/model/ring.pml "$build/"
# name: spin defines. Small rings, every interleaving.
for config in "honest-4:-DN=4 -DM=5" "hostile-4:-DN=4 -DM=5 -DHOSTILE" \
	      "honest-8:-DN=8 -DM=6" "hostile-8:-DN=8 -DM=6 -DHOSTILE"; do
	name=${config%%:*}
	defines=${config#*:}
	log=$build/$name.log
	# shellcheck disable=SC2086 # defines are separate words on purpose
	if (cd "$build" && rm -f pan pan.c && spin $defines -a ring.pml &&
	    cc -O2 -DSAFETY -o pan pan.c && ./pan -m1000000) > "$log" 2>&1 &&
	   grep -q 'errors: 0' "$log" && ! grep -q 'depth too small' "$log"; then
		tap_ok "ring model $name ($(grep -o '[0-9]* states, stored' "$log"))"
	else
		tap_not_ok "ring model $name (see $log)" \
			"$(grep -E 'assertion violated|error|depth too small' "$log" | head -n 5)"
	fi
done
tap_plan
