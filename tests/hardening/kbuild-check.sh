#!/bin/sh
# The module (and the in-kernel API's test client) compiled against newer kernels
# than the one the VM suite boots: every compiler warning is an error there
# (-Werror in the Kbuild files).
#
#   kbuild-check.sh BUILD SUITE:PACKAGE...     e.g. trixie:linux-source-6.12
#
# Writes BUILD/results/kbuild.counts ("passed failed") and kbuild.label. The trees
# come from tests/hardening/kernel-sources.sh (defconfig + modules_prepare, no
# Module.symvers: modpost's unresolved-symbol check is a warning there).
set -u
build=$1
shift
passed=0
failed=0
names=
mkdir -p "$build/results"
verdict() { # ok name why
	if [ "$1" -eq 1 ]; then
		echo "PASS $2"; passed=$((passed + 1))
	else
		echo "FAIL $2: $3"; failed=$((failed + 1))
	fi
}

for spec in "$@"; do
	suite=${spec%%:*}
	package=${spec#*:}
	if ! tree=$(tests/hardening/kernel-sources.sh "$suite" "$package"); then
		verdict 0 "kbuild.$package" "no prepared tree (see above)"
		continue
	fi
	version=$(make -s -C "$tree" kernelversion 2>/dev/null)
	names="$names${names:+, }$version"
	out=$build/kbuild-$version
	rm -rf "$out"
	make -s --no-print-directory module-stage MODULE_DIR="$out/module" >/dev/null
	mkdir -p "$out/client"
	cp tests/vm/client/Kbuild tests/vm/client/kshm_client.c linux/kshm_channel.h "$out/client/"
	for what in module client; do
		log=$out/$what.log
		make -C "$tree" M="$(cd "$out/$what" && pwd)" KBUILD_MODPOST_WARN=1 modules >"$log" 2>&1
		rc=$?
		ko=$(ls "$out/$what"/*.ko 2>/dev/null | head -n 1)
		if [ "$rc" -eq 0 ] && [ -n "$ko" ] && ! grep -q 'warning:\|error:' "$log"; then
			verdict 1 "kbuild.$version.$what" ""
		else
			grep 'warning:\|error:' "$log" | head -n 20
			verdict 0 "kbuild.$version.$what" "did not build warning-free (see $log)"
		fi
	done
done
echo "kbuild (${names:-none})" > "$build/results/kbuild.label"
echo "$passed $failed" > "$build/results/kbuild.counts"
echo "kbuild (${names:-none}): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
