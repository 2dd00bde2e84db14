#!/bin/sh
# Static analysis, one check per tool; each must be clean:
#   sparse    the module (make C=2 against KDIR), any warning fails
#   cppcheck  core/ and lib/ (warning, style, portability, performance)
#   the harness scripts through ShellCheck (warnings and up)
# One TAP test each (tests/tap-lib.sh). A missing tool is a failure, not a
# skip: scripts/install-deps.sh installs them all.
#
#   BUILD=build KDIR=/lib/modules/<ver>/build tests/hardening/static-check.sh |
#	tests/tap.sh static build/results
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
KDIR=${KDIR:?KDIR: the kernel build tree to check the module against}
out=$BUILD/static
mkdir -p "$out" "$BUILD/results"
# shellcheck source=tests/tap-lib.sh
. tests/tap-lib.sh

verdict() {	# name log: clean when the log holds no finding
	if [ "$2" = ok ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "findings in $2:
$(head -n 40 "$2")"
	fi
}

# sparse: the module staged into its own tree, so the real build stays as it is.
if command -v sparse >/dev/null 2>&1; then
	make --no-print-directory -s module-stage MODULE_DIR="$out/module" BUILD="$BUILD"
	make -s -C "$KDIR" M="$(realpath "$out/module")" C=2 modules > "$out/sparse.log" 2>&1
	status=$?
	if [ $status -eq 0 ] && ! grep -qE ': (warning|error):' "$out/sparse.log"; then
		verdict "sparse (make C=2) on the module" ok
	else
		verdict "sparse (make C=2) on the module" "$out/sparse.log"
	fi
else
	echo "missing: sparse" > "$out/sparse.log"
	verdict sparse "$out/sparse.log"
fi

if command -v cppcheck >/dev/null 2>&1; then
	if cppcheck --enable=warning,style,portability,performance --std=c11 --inline-suppr \
		--error-exitcode=1 -q -Iinclude -Icore -Ilib core/*.c lib/*.c > "$out/cppcheck.log" 2>&1; then
		verdict "cppcheck on core/ and lib/" ok
	else
		verdict "cppcheck on core/ and lib/" "$out/cppcheck.log"
	fi
else
	echo "missing: cppcheck" > "$out/cppcheck.log"
	verdict cppcheck "$out/cppcheck.log"
fi

if command -v shellcheck >/dev/null 2>&1; then
	if shellcheck -S warning tests/*.sh tests/vm/*.sh tests/hardening/*.sh tests/kernels/*.sh tests/install/*.sh tests/package/*.sh tools/completion/kshm.bash scripts/*.sh bench/*.sh .ci/run \
		> "$out/shellcheck.log" 2>&1; then
		verdict "shellcheck on the harness scripts" ok
	else
		verdict "shellcheck on the harness scripts" "$out/shellcheck.log"
	fi
else
	echo "missing: shellcheck" > "$out/shellcheck.log"
	verdict shellcheck "$out/shellcheck.log"
fi

tap_plan
