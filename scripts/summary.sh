#!/bin/sh
# Add up the per-suite counts (files "<suite>.counts" holding "passed failed")
# and print the one closing line; fail when any test failed or none ran.
dir=${1:-build/results}
passed=0
failed=0
for f in "$dir"/*.counts; do
	[ -f "$f" ] || continue
	read -r p fl < "$f"
	echo "  $(basename "$f" .counts): $p passed, $fl failed"
	passed=$((passed + p))
	failed=$((failed + fl))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
