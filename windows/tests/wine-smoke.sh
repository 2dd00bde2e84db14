#!/bin/sh
# Load kshm.sys as a kernel service under Wine, run smoke.exe against it,
# unload it: smoke.exe's TAP document, then one of this script's own checks.
#
#   wine-smoke.sh SYS SMOKE_EXE WORK_DIR [KSHM_EXE]
#
# With KSHM_EXE, `kshm.exe info` (the tool, built from tools/kshm.c) runs
# against the loaded driver too.
#
# Everything happens in a private WINEPREFIX under WORK_DIR; only that
# prefix's wineserver is ever stopped. Every Wine call is bounded by timeout
# and needs no display. Prints TAP (tests/tap.sh judges it). A `No implementation for`
# line in Wine's log (a driver import Wine lacks, which real Windows would
# refuse to load) fails the run, and so does an `unimplemented function` one
# (a Wine stub the tested paths must not reach).
set -u
sys=$1
smoke=$2
work=$3
kshm_exe=${4:-}

WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64
WINEPREFIX=$(cd "$(dirname "$work")" && pwd)/$(basename "$work")/prefix
WINEDEBUG=err+all,fixme+all,warn+module
WINEDLLOVERRIDES="mscoree,mshtml="	# no Mono/Gecko install dialogs
DISPLAY=
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES DISPLAY
log=$work/wine.log
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../../tests/tap-lib.sh"

mkdir -p "$work"
: > "$log"

stop_server() { timeout 30 "$WINESERVER" -k >/dev/null 2>&1 || true; }
trap stop_server EXIT
w() { timeout "$1" "$WINE" "$@" >>"$log" 2>&1; }

stop_server
rm -rf "$WINEPREFIX"
mkdir -p "$WINEPREFIX"
shift_args() { :; }
# A fresh prefix, then a persistent server so the driver host outlives each client.
timeout 120 "$WINE" wineboot -i >>"$log" 2>&1
timeout 60 "$WINESERVER" -w
timeout 10 "$WINESERVER" -p >>"$log" 2>&1
timeout 60 "$WINE" wineboot >>"$log" 2>&1

drivers=$WINEPREFIX/drive_c/windows/system32/drivers
mkdir -p "$drivers"
cp "$sys" "$drivers/kshm.sys"
cp "$smoke" "$work/smoke.exe"

sc() { timeout 60 "$WINE" sc "$@" >>"$log" 2>&1; }
loaded=0
if sc create kshm type= kernel start= demand 'binpath=' 'C:\windows\system32\drivers\kshm.sys' &&
   sc start kshm; then
	loaded=1
fi

out=$work/smoke.out
: > "$out"
if [ "$loaded" -eq 1 ]; then
	timeout 120 "$WINE" "$work/smoke.exe" > "$out" 2>>"$log"
	echo "smoke.exe exit status $?" >> "$log"
fi
cat "$out"
tap_begin "wine-smoke (the service)"
if [ "$loaded" -eq 1 ] && [ -n "$kshm_exe" ]; then
	cp "$kshm_exe" "$work/kshm.exe"
	timeout 60 "$WINE" "$work/kshm.exe" info > "$work/kshm-info.out" 2>>"$log" &&
		grep -q '^abi version *1 (this tool: 1)' "$work/kshm-info.out"
	tap_check $? "tool.kshm_info (kshm.exe info against the driver)" "see $work/kshm-info.out"
fi

# Unload (DriverUnload) and load again: nothing may be left behind by the first instance.
unload_ok=0
if [ "$loaded" -eq 1 ] && sc stop kshm && sc start kshm && sc stop kshm; then
	unload_ok=1
fi
sc delete kshm || true
stop_server
trap - EXIT

for check in load unload_reload no_missing_imports summary; do
	case $check in
	load) ok=$loaded ;;
	unload_reload) ok=$unload_ok ;;
	no_missing_imports)
		# Missing at load, or exported by Wine but a stub that aborts when called.
		if grep -a 'No implementation for\|unimplemented function' "$log"; then
			ok=0
		else
			ok=1
		fi ;;
	summary)
		if grep -q '^# smoke: ' "$out"; then ok=1; else ok=0; fi ;;
	esac
	tap_check $((1 - ok)) "service.$check" "see $log"
done
tap_plan
