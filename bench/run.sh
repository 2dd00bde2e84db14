#!/usr/bin/env bash
# The benchmark suite, run by `make bench` / `make bench-quick` (bench/README.md):
#
#   bench/run.sh --native BIN --insn INSN_BIN --out DIR [--quick]
#
# 1. BIN (ring_bench) on this host: the ring against ck_ring, a pipe, memcpy;
# 2. INSN_BIN (insn_bench) under callgrind (bench/insn.sh): instructions per record;
# 3. kshm_vmbench in one boot of the test VM (tests/vm/run.sh --bench);
# 4. bench/report.sh: DIR/<date>-<host>.md, plots, DIR/latest.json.
# Raw figures of both go to $BUILD/bench/<full|quick>/ first.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
native=
insn=
out=
quick=0
while [ $# -gt 0 ]; do
	case "$1" in
	--native) native=${2:?}; shift ;;
	--insn) insn=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	--quick) quick=1 ;;
	*) echo "usage: bench/run.sh --native BIN --insn INSN_BIN --out DIR [--quick]" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$native" ] && [ -n "$insn" ] && [ -n "$out" ] || { echo "usage: bench/run.sh --native BIN --insn INSN_BIN --out DIR [--quick]" >&2; exit 2; }
command -v gnuplot >/dev/null 2>&1 || { echo "bench: gnuplot missing (apt-get install gnuplot-nox, or make deps)" >&2; exit 1; }

mode=full
args=()
if [ "$quick" = 1 ]; then
	mode=quick
	args=(--quick)
fi
work=$BUILD/bench/$mode
mkdir -p "$work" "$out"
rm -f "$work"/*.lines

echo "bench: native ring benchmarks ($mode)"
# The host's mode (bench/README.md) before and after: a cache line's round trip between the CPUs.
rtt_before=$("$native" --round-trip)
"$native" "${args[@]}" --lines "$work/native.lines"
rtt_after=$("$native" --round-trip)

echo "bench: instructions per record (callgrind, $mode)"
"$ROOT/bench/insn.sh" "$insn" "${args[@]}" > "$work/insn.lines"

echo "bench: in-VM benchmarks ($mode, one boot)"
# 1 GiB: the bulk case holds three 64 MiB buffers at once.
KSHM_VM_MEM=${KSHM_VM_MEM:-1024} KSHM_VM_PROGRAM_TIMEOUT=${KSHM_VM_PROGRAM_TIMEOUT:-1800} \
KSHM_VM_TIMEOUT=${KSHM_VM_TIMEOUT:-2400} \
	"$ROOT/tests/vm/run.sh" --bench "${args[*]}" --bench-out "$work/vm.lines" | tee "$work/vm.out"

serial=$BUILD/vm/serial.log
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "mode=$mode"
	echo "host=$(hostname)"
	echo "host_kernel=$(uname -sr)"
	echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs"
	echo "host_load=$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at the report)"
	echo "vm=$(grep -ao 'booting .*' "$work/vm.out" | head -n 1 | sed 's/^booting //')"
	echo "vm_guest=$(grep -ao 'KSHM-VM: kernel [^,]*, [0-9]* CPUs, [0-9]* MiB' "$serial" | head -n 1 | sed 's/^KSHM-VM: //')"
	echo "vm_config=$(grep -ao 'KSHM-BENCH-CONFIG .*' "$serial" | head -n 1 | sed 's/^KSHM-BENCH-CONFIG //' | tr -d '\r')"
	echo "native_round_trip_ns=$rtt_before before, $rtt_after after (one cache line, CPU 0 -> 1 -> 0)"
	echo "native_repeats=$(awk '$2 == "native"' "$work/native.lines" | awk '{ print $7 }' | sort -un | wc -l)"
} > "$work/machine"

name=$(date -u +%Y-%m-%d)-$(hostname -s)
[ "$quick" = 1 ] && name=$name-quick
"$ROOT/bench/report.sh" --name "$name" --out "$out" --machine "$work/machine" \
	"$work/native.lines" "$work/insn.lines" "$work/vm.lines"
