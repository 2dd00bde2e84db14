#!/bin/sh
# The NT-kernel suite of `make check`: the x86 driver, kshm.exe, smoke.exe and the kernel
# API's sample drivers with their programs (examples/*/windows/) on the
# ReactOS kit (../shared/reactos: a ReactOS i386 live CD booted in QEMU by its
# run-nt.sh, which runs windows/tests/nt/run.cmd inside it and streams what it prints).
#
#   nt-check.sh WIN_DIR RESULTS_DIR [KIT_DIR] | tests/tap.sh nt RESULTS_DIR
#
# Prints TAP (run.cmd's and smoke.exe's documents, then one of its own) and writes
# RESULTS_DIR/nt.label. Fails on any failed test, on a run that did not reach
# smoke.exe's summary, and on any kernel
# bugcheck or assertion during the run (every one is printed). The kit's harness
# answers an assertion prompt without a backtrace, so an assertion cannot be traced
# to a kshm frame or cleared of one: every assertion fails the suite. Where the kit is
# missing the suite says so and counts one skipped test, never a pass.
set -u
# shellcheck source=tests/tap-lib.sh
. tests/tap-lib.sh
win=$1
results=$2
kit=${3:-${KSHM_REACTOS_KIT:-../shared/reactos}}

work=$win/nt
stage=$work/stage
mkdir -p "$results" "$work"
iso=$(ls "$kit"/reactos-*-livecd.iso 2>/dev/null | head -n 1)
# reactos-0.4.16-i386-livecd.iso -> reactos-0.4.16 i386
release=$(basename "${iso:-reactos-unknown-i386-livecd.iso}" -livecd.iso | sed 's/-\([^-]*\)$/ \1/')
label="nt ($release)"
echo "$label" > "$results/nt.label"

if [ ! -x "$kit/run-nt.sh" ] || [ -z "$iso" ]; then
	tap_begin nt-check
	tap_skip nt.suite "no ReactOS kit at $kit (run-nt.sh and its live CD): nothing ran"
	tap_plan
	exit 0
fi

rm -rf "$stage"
mkdir -p "$stage"
for f in kshm.sys kshm.exe smoke.exe kshm_tick.sys tick.exe kshm_crc.sys crc.exe \
	kshm_api_client.sys; do
	[ -f "$win/x86/$f" ] || { tap_begin nt-check; tap_give_up nt.build "$win/x86/$f was not built"; }
	cp "$win/x86/$f" "$stage/"
done
sed 's/$/\r/' windows/tests/nt/run.cmd > "$stage/run.cmd"

out=$work/run.out
err=$work/run.err
started=$(date +%s)
timeout 1500 "$kit/run-nt.sh" --timeout 900 --serial-log "$work/serial.log" "$stage" \
	> "$out" 2> "$err"
rc=$?
cat "$out"

tap_begin "nt-check (the run)"
grep -q '^# smoke: ' "$out"
tap_check $? nt.smoke_summary "smoke.exe --full did not finish"
tap_check $rc nt.harness "run-nt.sh exit status $rc (124 timeout, 2 boot failure, 3 bugcheck)"

# Kernel stops, from the harness's own report: bugchecks with their stacks, assertions.
bugchecks=$(grep -c '^run-nt: BUGCHECK: ' "$err")
asserts=$(grep -c '^run-nt: ASSERT: ' "$err")
grep '^run-nt: BUGCHECK: \|^run-nt: ASSERT: ' "$err" | sed 's/^/# /'
if grep '^run-nt: BUGCHECK: ' "$err" | grep -qi 'kshm'; then
	echo "# (a kshm frame is on the bugcheck's stack)"
fi
tap_check "$bugchecks" nt.no_bugcheck "the kernel stopped (stack above)"
tap_check "$asserts" nt.no_kernel_assertion "$asserts kernel assertion(s) (above)"
grep '^run-nt: ' "$err" | grep -v 'BUGCHECK\|ASSERT' | tail -n 3 | sed 's/^/# /'
echo "# $label: $(($(date +%s) - started)) s"
tap_plan
