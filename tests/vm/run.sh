#!/usr/bin/env bash
# Boot a Linux kernel in QEMU with the kshm module and either the guest test
# programs or the demo, and judge the run from the serial console log alone
# (QEMU's exit status says nothing: it is 0 after a panic too).
#
#   tests/vm/run.sh [--demo | --bench "ARGS" [--bench-out FILE]
#                    | --run PROG [--run-args "ARGS"] | --shell]
#                   [--kernel PATH --modules-build DIR] [--timeout S]
#                   [--module KO] [--module-args "p=v ..."] [--append "..."]
#                   [--tests "test_a test_b"] [--expect "test_a ..."]
#                   [--accel auto|kvm|tcg] [--perf] [--verbose]
#
# Takes what make built (paths under $BUILD, default build):
#   $BUILD/module/kshm.ko    the module (or --module)
#   $BUILD/vm/tests/*        static guest test programs (test mode)
#   $BUILD/vm/bench/kshm_vmbench  the in-VM benchmarks (bench mode: run with
#                            ARGS; their KSHM-BENCH lines go to FILE, default
#                            $BUILD/bench/vm.lines)
#   $BUILD/vm/kshm           the kshm tool, linked statically (demo mode;
#                            $BUILD/kshm is used instead if it is static)
# Writes $BUILD/vm/initrd.cpio.gz, $BUILD/vm/serial.log and, in test mode,
# $BUILD/results/vm.counts (tests/tap.sh's) and vm.label ("vm (<kernel
# release>)"); the other modes' counts go to $BUILD/vm/vm-MODE.counts. Exit
# status 0 only when every check passed, the guest printed its end marker and
# the kernel reported nothing.
#
# --run PROG: a program of yours, run as root in the guest after the module is
# loaded (static, or dynamic: its loader and libraries come along, at their
# paths); its output is printed, and run.sh exits with its exit status (1 as
# well if the kernel reported a problem). --shell: a root shell on the guest's
# console, with the module loaded and the tool at /bin/kshm; `exit` powers off.
#
# --perf (bench mode): Debian's perf and the libraries it links go into the
# guest; the program runs under `perf record -a -g` and `perf report` is
# printed after it (where the time goes, kernel and user, in the guest).
#
# Kernel: /boot/vmlinuz-$KVER, KVER from scripts/kernel-version.sh unless set.
# With --kernel (e.g. a debug kernel's bzImage) pass --modules-build, the tree
# the module was built against, so a version mismatch is caught here rather
# than as "Invalid module format" in the guest.
#
# The jobs, one file each (sourced): tests/vm/initramfs.sh builds the guest's
# initramfs, tests/vm/boot.sh boots QEMU on it, tests/vm/verdict.sh judges the
# serial log (with tests/tap.sh, as every suite is judged).
#
# Knobs (environment; an option above wins): BUILD, KVER, and
#   KSHM_VM_TIMEOUT          the whole run, s (default 900; --timeout)
#   KSHM_VM_ACCEL            auto, kvm or tcg (--accel)
#   KSHM_VM_MEM              guest memory, MiB (default 512)
#   KSHM_VM_MODULE_ARGS      module parameters (--module-args)
#   KSHM_VM_APPEND           more kernel command line (--append)
#   KSHM_VM_TESTS            the guest test programs to run (--tests)
#   KSHM_VM_VERBOSE=1        the whole console (--verbose)
#   KSHM_VM_PROGRAM_TIMEOUT  one guest program, s (default 600)
#   KSHM_VM_TEST_TIMEOUT     one guest test, s (default 120; was VMTEST_TIMEOUT)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
mode="test"
kernel=
modules_build=
module=
timeout_s=${KSHM_VM_TIMEOUT:-900}
module_args=${KSHM_VM_MODULE_ARGS:-}
append=${KSHM_VM_APPEND:-}
tests=${KSHM_VM_TESTS:-}
expect=
accel=${KSHM_VM_ACCEL:-auto}
mem=${KSHM_VM_MEM:-512}
verbose=${KSHM_VM_VERBOSE:-0}
test_timeout=${KSHM_VM_TEST_TIMEOUT:-120}
program_timeout=${KSHM_VM_PROGRAM_TIMEOUT:-600}
program_args=
bench_out=
perf=0
run_prog=

usage() {
	sed -n '/^#   tests\/vm\/run.sh/,/^#$/p' "${BASH_SOURCE[0]}" | sed 's/^#//' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--demo) mode=demo ;;
	--bench) mode=bench; program_args=${2?}; shift ;;
	--bench-out) bench_out=${2:?}; shift ;;
	--perf) perf=1 ;;
	--run) mode=run; run_prog=${2:?}; shift ;;
	--run-args) program_args=${2?}; shift ;;
	--shell) mode=shell ;;
	--kernel) kernel=${2:?}; shift ;;
	--modules-build) modules_build=${2:?}; shift ;;
	--timeout) timeout_s=${2:?}; shift ;;
	--module) module=${2:?}; shift ;;
	--module-args) module_args=${2?}; shift ;;
	--append) append=${2?}; shift ;;
	--tests) tests=${2?}; shift ;;
	--expect) expect=${2?}; shift ;;
	--accel) accel=${2:?}; shift ;;
	-v|--verbose) verbose=1 ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown argument $1" >&2; usage ;;
	esac
	shift
done

say() { echo "vm: $*"; }
die() {
	echo "vm: $*" >&2
	# make check must see a failed suite, not a missing one.
	[ "$mode" = test ] && echo "Bail out! $*" | "$ROOT/tests/tap.sh" -q vm "$BUILD/results" >/dev/null
	exit 1
}

vm=$BUILD/vm
log=$vm/serial.log
mkdir -p "$vm" "$BUILD/results"
# A run that stops early must not leave an old verdict behind.
[ "$mode" = test ] && rm -f "$BUILD/results/vm.counts" "$BUILD/results/vm.label"

# ---- host packages -------------------------------------------------------
missing=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
command -v cpio >/dev/null 2>&1 || missing+=(cpio)
command -v gzip >/dev/null 2>&1 || missing+=(gzip)
command -v timeout >/dev/null 2>&1 || missing+=(coreutils)
is_static() {	# no ELF interpreter; unknown (no readelf) counts as static
	command -v readelf >/dev/null 2>&1 || return 0
	! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}
if [ ! -x /bin/busybox ] || ! is_static /bin/busybox; then
	missing+=(busybox-static)
fi
if [ -z "$kernel" ]; then
	if [ -z "${KVER:-}" ]; then
		KVER=$("$ROOT/scripts/kernel-version.sh" 2>/dev/null) || KVER=
	fi
	if [ -z "$KVER" ] || [ ! -e "/boot/vmlinuz-$KVER" ]; then
		missing+=(linux-image-amd64 linux-headers-amd64)
	else
		kernel=/boot/vmlinuz-$KVER
		[ -n "$modules_build" ] || modules_build=/lib/modules/$KVER/build
	fi
fi
if [ ${#missing[@]} -gt 0 ]; then
	die "missing Debian packages: ${missing[*]}
vm: install them with: apt-get install ${missing[*]}   (or: make deps)"
fi
[ -r "$kernel" ] || die "kernel image $kernel is not readable"

# ---- artifacts -----------------------------------------------------------
module=${module:-$BUILD/module/kshm.ko}
[ -f "$module" ] || die "$module missing: run make module"
# The module must be built for the kernel being booted.
ko_release=$(grep -ao 'vermagic=[^ ]*' "$module" | head -n 1 | cut -d= -f2 || true)
# The summary names the suite by the kernel it ran on (the kernel matrix).
[ "$mode" = test ] && [ -n "$ko_release" ] && echo "vm ($ko_release)" > "$BUILD/results/vm.label"
if [ -n "$modules_build" ]; then
	want_release=
	# UTS_RELEASE is what vermagic holds (Debian's kernel.release differs).
	if [ -f "$modules_build/include/generated/utsrelease.h" ]; then
		want_release=$(sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' "$modules_build/include/generated/utsrelease.h")
	elif [ -n "${KVER:-}" ]; then
		want_release=$KVER
	fi
	if [ -n "$want_release" ] && [ "$ko_release" != "$want_release" ]; then
		die "$module is built for kernel '$ko_release', the VM boots '$want_release': rebuild it (make module KDIR=$modules_build, after removing the old kshm.ko)"
	fi
fi

tool=
for candidate in "$vm/kshm" "$BUILD/kshm"; do
	if [ -x "$candidate" ] && is_static "$candidate"; then
		tool=$candidate
		break
	fi
done
if [ -z "$tool" ] && [ "$mode" = demo ]; then
	die "no statically linked kshm tool ($vm/kshm): run make vm-programs"
fi

programs=()
unbuilt=()
if [ "$mode" = run ]; then
	[ -e "$run_prog" ] || die "--run: $run_prog does not exist"
	[ -f "$run_prog" ] && [ -x "$run_prog" ] || die "--run: $run_prog is not an executable file"
	if ! is_static "$run_prog" && ! ldd "$run_prog" >/dev/null 2>&1; then
		die "--run: ldd cannot list the libraries of $run_prog: link it with -static"
	fi
fi
if [ "$mode" = bench ]; then
	programs=("$vm/bench/kshm_vmbench")
	[ -x "${programs[0]}" ] || die "${programs[0]} missing: run make vm-bench-program"
	is_static "${programs[0]}" || die "${programs[0]} is not statically linked"
	bench_out=${bench_out:-$BUILD/bench/vm.lines}
	mkdir -p "$(dirname "$bench_out")"
	rm -f "$bench_out"
fi
if [ "$mode" = test ]; then
	if [ -n "$tests" ]; then
		for t in $tests; do
			t=${t##*/}
			t=${t%.c}
			programs+=("$vm/tests/$t")
		done
	else
		for t in "$vm"/tests/*; do
			[ -f "$t" ] && [ -x "$t" ] && programs+=("$t")
		done
		# Programs make was to build (--expect) but did not: failed, not forgotten.
		for t in $expect; do
			if [ ! -x "$vm/tests/$t" ]; then
				unbuilt+=("$t")
				say "$t did not build"
			fi
		done
	fi
	[ ${#programs[@]} -gt 0 ] || die "no guest test programs in $vm/tests: run make vm-programs"
	for t in "${programs[@]}"; do
		[ -x "$t" ] || die "$t missing: run make vm-programs"
		is_static "$t" || die "$t is not statically linked (the guest has no libc): link it with -static"
	done
fi

# shellcheck source=tests/tap-lib.sh
. "$ROOT/tests/tap-lib.sh"
# shellcheck source=tests/vm/initramfs.sh
. "$ROOT/tests/vm/initramfs.sh"
# shellcheck source=tests/vm/boot.sh
. "$ROOT/tests/vm/boot.sh"
# shellcheck source=tests/vm/verdict.sh
. "$ROOT/tests/vm/verdict.sh"

build_initramfs
choose_accel
[ "$mode" = shell ] && boot_shell
boot_console

case $mode in
test)
	status=0
	judge vm "$BUILD/results" || status=$?
	# The module's coverage counters, if the guest sent them (KSHM_GCOV=1 on a gcov
	# kernel): only whole base64 lines, so a kernel message printed in between
	# cannot corrupt them.
	gcov_out=$BUILD/vm/gcov.tar.gz
	rm -f "$gcov_out"
	if grep -aq '^KSHM-VM-GCOV-BEGIN' <<<"$text"; then
		sed -n '/^KSHM-VM-GCOV-BEGIN/,/^KSHM-VM-GCOV-END/p' <<<"$text" | tr -d '\r' |
			grep -E '^[A-Za-z0-9+/=]+$' | base64 -d > "$gcov_out" 2>/dev/null || rm -f "$gcov_out"
		[ -s "$gcov_out" ] && say "module coverage counters in $gcov_out"
	fi
	say "${elapsed} s; serial log $log"
	exit "$status" ;;
run)
	# The program's exit status is the run's, once the harness found nothing wrong.
	judge vm-run "$vm" || { say "run FAILED (serial log $log)"; exit 1; }
	say "$(basename "$run_prog") exited with status $run_status (${elapsed} s; serial log $log)"
	exit "$run_status" ;;
*)
	if judge "vm-$mode" "$vm"; then
		say "$mode OK (${elapsed} s; serial log $log)"
		exit 0
	fi
	say "$mode FAILED (serial log $log)"
	exit 1 ;;
esac
