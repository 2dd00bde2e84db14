#!/bin/sh
# The NT-kernel suite of `make check`: the x86 driver, kshm.exe, smoke.exe and the kernel
# API's sample drivers with their programs (examples/*/windows/) on the
# ReactOS kit (../shared/reactos: a ReactOS i386 live CD booted in QEMU by its
# run-nt.sh, which runs windows/tests/nt/run.cmd inside it and streams what it prints).
#
#   nt-check.sh WIN_DIR RESULTS_DIR [KIT_DIR]
#
# Writes RESULTS_DIR/nt.counts ("passed failed skipped") and nt.label. Fails on any
# FAIL line, on a run that did not reach smoke.exe's summary, and on any kernel
# bugcheck or assertion during the run (every one is printed). The kit's harness
# answers an assertion prompt without a backtrace, so an assertion cannot be traced
# to a kshm frame or cleared of one: every assertion fails the suite. Where the kit is
# missing the suite says so and counts one skipped test, never a pass.
set -u
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
	echo "SKIP nt.suite: no ReactOS kit at $kit (run-nt.sh and its live CD): nothing ran"
	echo "0 0 1" > "$results/nt.counts"
	echo "$label: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

echo "0 1 0" > "$results/nt.counts"	# until proven otherwise
rm -rf "$stage"
mkdir -p "$stage"
for f in kshm.sys kshm.exe smoke.exe kshm_tick.sys tick.exe kshm_crc.sys crc.exe \
	kshm_api_client.sys; do
	if [ ! -f "$win/x86/$f" ]; then
		echo "FAIL nt.build: $win/x86/$f was not built"
		echo "$label: 0 passed, 1 failed, 0 skipped"
		exit 1
	fi
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

passed=$(grep -c '^PASS ' "$out")
failed=$(grep -c '^FAIL ' "$out")
skipped=$(grep -c '^SKIP ' "$out")
verdict() { # ok name why
	if [ "$1" -eq 1 ]; then
		echo "PASS $2"; passed=$((passed + 1))
	else
		echo "FAIL $2: $3"; failed=$((failed + 1))
	fi
}
grep -q '^smoke: ' "$out"; verdict $((1 - $?)) nt.smoke_summary "smoke.exe --full did not finish"
verdict $((rc == 0)) nt.harness "run-nt.sh exit status $rc (124 timeout, 2 boot failure, 3 bugcheck)"

# Kernel stops, from the harness's own report: bugchecks with their stacks, assertions.
bugchecks=$(grep -c '^run-nt: BUGCHECK: ' "$err")
asserts=$(grep -c '^run-nt: ASSERT: ' "$err")
grep '^run-nt: BUGCHECK: \|^run-nt: ASSERT: ' "$err"
if grep '^run-nt: BUGCHECK: ' "$err" | grep -qi 'kshm'; then
	echo "  (a kshm frame is on the bugcheck's stack)"
fi
verdict $((bugchecks == 0)) nt.no_bugcheck "the kernel stopped (stack above)"
verdict $((asserts == 0)) nt.no_kernel_assertion "$asserts kernel assertion(s) (above)"
grep '^run-nt: ' "$err" | grep -v 'BUGCHECK\|ASSERT' | tail -n 3

echo "$passed $failed $skipped" > "$results/nt.counts"
echo "$label: $passed passed, $failed failed, $skipped skipped ($(($(date +%s) - started)) s)"
[ "$failed" -eq 0 ]
