#!/bin/sh
# The Windows suite of `make check`:
#   check.sh BUILD_RC WIN_DIR UNIT_TEST... | tests/tap.sh windows RESULTS_DIR
# BUILD_RC is the exit status of `make windows windows-test-programs` (-Werror).
# Runs the PE checks of the x64 and x86 drivers, core's unit tests as Windows
# programs under Wine (tests/unit/run.sh, unchanged), and the driver smoke test under
# Wine; prints TAP documents, one per part. Skipped tests (Wine cannot run them)
# count neither way.
set -u
build_rc=$1
win=$2
shift 2
# shellcheck source=tests/tap-lib.sh
. tests/tap-lib.sh

WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64

mkdir -p "$win/results"
rm -rf "$win/results"/*
tap_begin "windows build and signing"
tap_check "$build_rc" "build.windows (driver, libkshm, kshm.exe, each x64 and x86, -Werror)" \
	"see the make output above"
tap_plan

# 1. The driver images, and test signing (windows/sign-test.sh: signs and verifies against
#    its own test certificate), for each architecture.
for arch in x64 x86; do
	if [ -f "$win/$arch/kshm.sys" ]; then
		windows/tests/pe-check.sh "$win/$arch/kshm.sys"
	else
		tap_begin "pe-check $arch"
		tap_not_ok "pe.built_$arch" "$win/$arch/kshm.sys was not built"
		tap_plan
	fi
	tap_begin "test signing $arch"
	command -v osslsigncode >/dev/null 2>&1 && [ -f "$win/$arch/kshm.sys" ] &&
		windows/sign-test.sh "$win/$arch/kshm.sys" "$win/$arch/kshm-signed.sys" "$win/testsign" &&
		windows/tests/pe-check.sh "$win/$arch/kshm-signed.sys" >/dev/null
	tap_check $? "sign.test_signature_$arch (signed image verifies and passes the PE checks)"
	tap_plan
done

# 1b. The client drivers of the kernel API (the samples, examples/*/windows/, and the
#     NT suite's windows/tests/api_client/), for each architecture.
for arch in x64 x86; do
	for sample in tick crc api_client; do
		if [ -f "$win/$arch/kshm_$sample.sys" ]; then
			windows/tests/pe-check.sh --client "$win/$arch/kshm_$sample.sys"
		else
			tap_begin "pe-check kshm_$sample $arch"
			tap_not_ok "pe.built_kshm_${sample}_$arch" "$win/$arch/kshm_$sample.sys was not built"
			tap_plan
		fi
	done
done

# The x86 driver's exception guard, run against a model of the x86 dispatcher
# (windows/tests/guard_x86.c: no 32-bit Wine here). A host kernel built without
# 32-bit support cannot exec it: then it runs under QEMU's user-mode i386 emulator.
if [ -x "$win/guard_x86" ]; then
	out=$win/results/guard_x86.out
	timeout 30 "$win/guard_x86" > "$out" 2>&1
	rc=$?
	# Not run at all (execvp hands a binary it cannot exec to /bin/sh as a script).
	if ! grep -q '^ok ' "$out" && command -v qemu-i386-static >/dev/null 2>&1; then
		timeout 60 qemu-i386-static "$win/guard_x86" > "$out" 2>&1
		rc=$?
	fi
	replay() { cat "$1"; return "$2"; }	# the run above, with its exit status
	tap_program guard_x86 "$out.tap" replay "$out" "$rc"
else
	tap_begin guard_x86
	tap_not_ok guard_x86.built "$win/guard_x86 was not built"
	tap_plan
fi

# 2. core's unit tests, cross-built, each run through a wrapper that starts Wine
#    in a private prefix (run.sh runs BIN_DIR/NAME, cmocka_mini prints TAP).
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
else
	tap_begin unit-under-wine
	tap_not_ok unit-under-wine "$WINE missing (scripts/install-deps.sh installs wine64)"
	tap_plan
fi

# 3. The driver under Wine.
if [ -f "$win/x64/kshm.sys" ] && [ -f "$win/x64/smoke.exe" ] && [ -x "$WINE" ]; then
	windows/tests/wine-smoke.sh "$win/x64/kshm.sys" "$win/x64/smoke.exe" "$win/wine-smoke" \
		"$win/x64/kshm.exe"
else
	tap_begin wine-smoke
	tap_not_ok wine-smoke "kshm.sys, smoke.exe (x64) or Wine missing"
	tap_plan
fi
