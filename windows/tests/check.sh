#!/bin/sh
# The Windows suite of `make check`:
#   check.sh BUILD_RC WIN_DIR RESULTS_DIR UNIT_TEST...
# BUILD_RC is the exit status of `make windows windows-test-programs` (-Werror).
# Runs the PE checks of the x64 and x86 drivers, core's unit tests as Windows
# programs under Wine (tests/unit/run.sh, unchanged), and the driver smoke test under
# Wine; writes "passed failed" to RESULTS_DIR/windows.counts. Skipped tests
# (Wine cannot run them) are printed and counted neither way.
set -u
build_rc=$1
win=$2
results=$3
shift 3

WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64
passed=0
failed=0
skipped=0
add() { # file with "passed failed [skipped]"
	if [ -f "$1" ]; then
		read -r p f s < "$1"
		passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
	else
		failed=$((failed + 1))
	fi
}

mkdir -p "$results" "$win/results"
rm -f "$win/results"/*
if [ "$build_rc" -eq 0 ]; then
	echo "PASS build.windows (driver, libkshm, kshm.exe, each x64 and x86, -Werror)"
	passed=$((passed + 1))
else
	echo "FAIL build.windows (see the make output above)"
	failed=$((failed + 1))
fi

# 1. The driver images, and test signing (windows/sign-test.sh: signs and verifies against
#    its own test certificate), for each architecture.
for arch in x64 x86; do
	echo "-- kshm.sys $arch"
	if [ -f "$win/$arch/kshm.sys" ]; then
		windows/tests/pe-check.sh "$win/$arch/kshm.sys" "$win/results/pe-$arch.counts"
	fi
	add "$win/results/pe-$arch.counts"
	if command -v osslsigncode >/dev/null 2>&1 && [ -f "$win/$arch/kshm.sys" ] &&
	   windows/sign-test.sh "$win/$arch/kshm.sys" "$win/$arch/kshm-signed.sys" "$win/testsign" &&
	   windows/tests/pe-check.sh "$win/$arch/kshm-signed.sys" "$win/results/pe-signed-$arch.counts" >/dev/null; then
		echo "PASS sign.test_signature_$arch (signed image verifies and passes the PE checks)"
		passed=$((passed + 1))
	else
		echo "FAIL sign.test_signature_$arch"
		failed=$((failed + 1))
	fi
done

# 1b. The client drivers of the kernel API (the samples, examples/*/windows/, and the
#     NT suite's windows/tests/api_client/), for each architecture.
for arch in x64 x86; do
	for sample in tick crc api_client; do
		echo "-- kshm_$sample.sys $arch"
		if [ -f "$win/$arch/kshm_$sample.sys" ]; then
			windows/tests/pe-check.sh --client "$win/$arch/kshm_$sample.sys" \
				"$win/results/pe-$sample-$arch.counts"
		fi
		add "$win/results/pe-$sample-$arch.counts"
	done
done

# The x86 driver's exception guard, run against a model of the x86 dispatcher
# (windows/tests/guard_x86.c: no 32-bit Wine here). A host kernel built without
# 32-bit support cannot exec it: then it runs under QEMU's user-mode i386 emulator.
if [ -x "$win/guard_x86" ]; then
	timeout 30 "$win/guard_x86" > "$win/results/guard_x86.out" 2>&1
	rc=$?
	# Not run at all (execvp hands a binary it cannot exec to /bin/sh as a script).
	if ! grep -q '^PASS ' "$win/results/guard_x86.out" && command -v qemu-i386-static >/dev/null 2>&1; then
		timeout 60 qemu-i386-static "$win/guard_x86" > "$win/results/guard_x86.out" 2>&1
		rc=$?
	fi
	cat "$win/results/guard_x86.out"
	p=$(grep -c '^PASS ' "$win/results/guard_x86.out")
	f=$(grep -c '^FAIL ' "$win/results/guard_x86.out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL guard_x86: exit status $rc"; f=1
	fi
	echo "$p $f" > "$win/results/guard_x86.counts"
fi
add "$win/results/guard_x86.counts"

# 2. core's unit tests, cross-built, each run through a wrapper that starts Wine
#    in a private prefix (run.sh runs BIN_DIR/NAME and reads cmocka's summary).
win_abs=$(cd "$win" && pwd)	# BUILD may be relative or absolute
unit_prefix=$win_abs/wine-unit/prefix
if [ -x "$WINE" ]; then
	for name in "$@"; do
		[ -f "$win/unit/$name.exe" ] || continue
		cat > "$win/unit/$name" <<WRAP
#!/bin/sh
WINEPREFIX='$unit_prefix' WINEDEBUG=err+all WINEDLLOVERRIDES='mscoree,mshtml=' DISPLAY= \\
	exec timeout 120 $WINE '$win_abs/unit/$name.exe'
WRAP
		chmod +x "$win/unit/$name"
	done
	# Create the prefix first, with its noise in a log rather than the first test's output.
	mkdir -p "$unit_prefix"
	WINEPREFIX=$unit_prefix WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=' DISPLAY= \
		timeout 120 "$WINE" wineboot -i > "$win/results/wine-unit-prefix.log" 2>&1
	tests/unit/run.sh "$win/unit" "$win/results/unit" tests/unit "$@"
	WINEPREFIX=$unit_prefix timeout 30 "$WINESERVER" -k >/dev/null 2>&1 || true
	add "$win/results/unit/unit.counts"
else
	echo "FAIL unit-under-wine: $WINE missing (scripts/install-deps.sh installs wine64)"
	failed=$((failed + 1))
fi

# 3. The driver under Wine.
if [ -f "$win/x64/kshm.sys" ] && [ -f "$win/x64/smoke.exe" ] && [ -x "$WINE" ]; then
	windows/tests/wine-smoke.sh "$win/x64/kshm.sys" "$win/x64/smoke.exe" "$win/wine-smoke" \
		"$win/x64/kshm.exe"
fi
add "$win/wine-smoke/smoke.counts"

echo "$passed $failed" > "$results/windows.counts"
echo "windows: $passed passed, $failed failed, $skipped skipped (skipped: cannot run under Wine)"
[ "$failed" -eq 0 ]
