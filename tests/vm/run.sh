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
# $BUILD/results/vm.counts ("passed failed") and vm.label ("vm (<kernel
# release>)"). Exit status 0 only when every check passed, the result marker
# was printed and the kernel reported nothing.
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
# Environment: BUILD, KVER, KSHM_VM_TIMEOUT (whole run, s), KSHM_VM_ACCEL,
# KSHM_VM_MEM (MiB), KSHM_VM_MODULE_ARGS, KSHM_VM_APPEND, KSHM_VM_TESTS,
# KSHM_VM_VERBOSE=1, KSHM_VM_PROGRAM_TIMEOUT (one guest program, s, default
# 600), VMTEST_TIMEOUT (one guest test, s, default 120).
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
vmtest_timeout=${VMTEST_TIMEOUT:-120}
program_timeout=${KSHM_VM_PROGRAM_TIMEOUT:-600}
bench_args=
bench_out=
perf=0
run_prog=
run_args=

usage() {
	sed -n '/^#   tests\/vm\/run.sh/,/^#$/p' "${BASH_SOURCE[0]}" | sed 's/^#//' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--demo) mode=demo ;;
	--bench) mode=bench; bench_args=${2?}; shift ;;
	--bench-out) bench_out=${2:?}; shift ;;
	--perf) perf=1 ;;
	--run) mode=run; run_prog=${2:?}; shift ;;
	--run-args) run_args=${2?}; shift ;;
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
	[ "$mode" = test ] && echo "0 1" > "$BUILD/results/vm.counts"
	exit 1
}

vm=$BUILD/vm
log=$vm/serial.log
mkdir -p "$vm" "$BUILD/results"
# A run that stops early must not leave an old verdict behind.
[ "$mode" = test ] && rm -f "$BUILD/results/vm.counts" "$BUILD/results/vm.label"

mkdir -p "$BUILD/results"

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
				say "not ok - $t did not build"
			fi
		done
	fi
	[ ${#programs[@]} -gt 0 ] || die "no guest test programs in $vm/tests: run make vm-programs"
	for t in "${programs[@]}"; do
		[ -x "$t" ] || die "$t missing: run make vm-programs"
		is_static "$t" || die "$t is not statically linked (the guest has no libc): link it with -static"
	done
fi

# A line of the log matching this is a kernel report, and fails the run.
REPORTS='BUG:|WARNING:|UBSAN:|Kernel panic|Oops|unreferenced object|general protection|KASAN|KFENCE|kernel BUG|Call Trace:|invalid opcode|possible circular locking|possible recursive locking|inconsistent lock state|blocked for more than|detected stall|list_add corruption|list_del corruption|page allocation failure|Unable to handle'

# ---- initramfs -----------------------------------------------------------
root=$vm/root
rm -rf "$root"
mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,tests}
cp /bin/busybox "$root/bin/busybox"
cp "$ROOT/tests/vm/init.sh" "$root/init"
chmod 755 "$root/init"
cp "$module" "$root/kshm.ko"
# The in-kernel API's test client (tests/vm/client), when built for this kernel.
client=$(dirname "$module")/../vm/client/kshm_client.ko
[ -f "$client" ] && cp "$client" "$root/kshm_client.ko"
# The race fixture, when this kernel has kretprobes (tests/vm/client/Kbuild).
race_delay=$(dirname "$client")/kshm_race_delay.ko
[ -f "$race_delay" ] && cp "$race_delay" "$root/kshm_race_delay.ko"
# The sample drivers and their (static) programs (examples/), when built for this kernel.
examples=$(dirname "$module")/../examples
for f in "$examples"/*/*; do
	case $f in
	*.ko) ;;
	*) [ -f "$f" ] && [ -x "$f" ] && is_static "$f" || continue ;;
	esac
	mkdir -p "$root/examples"
	cp "$f" "$root/examples/"
done
[ -n "$tool" ] && cp "$tool" "$root/bin/kshm"
# A disk filesystem for the tests of file-backed memory: an ext4 image, mounted
# on /mnt/ext4 through a loop device by init.sh. The kshm kernels have ext4 and
# loop built in; for Debian's kernel its modules come along, in load order.
if [ "$mode" = test ]; then
	command -v mkfs.ext4 >/dev/null 2>&1 || die "mkfs.ext4 missing: apt-get install e2fsprogs"
	truncate -s 8M "$root/ext4.img"
	mkfs.ext4 -q -F "$root/ext4.img" || die "mkfs.ext4 failed"
	if [ -n "${KVER:-}" ] && [ "$kernel" = "/boot/vmlinuz-$KVER" ]; then
		mkdir -p "$root/modules"
		n=0
		for ko in $(modprobe -S "$KVER" --show-depends -a ext4 loop 2>/dev/null | awk '$1 == "insmod" { print $2 }'); do
			n=$((n + 1))
			cp "$ko" "$root/modules/$(printf %02d "$n")-$(basename "$ko")"
		done
		[ "$n" -gt 0 ] || die "no ext4/loop modules for $KVER in /lib/modules/$KVER"
	fi
fi
for t in "${programs[@]}"; do
	cp "$t" "$root/tests/"
done
# A dynamically linked program brings its loader and libraries along, at their paths.
copy_with_libs() {
	local f
	for f in "$1" $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
}
if [ "$perf" = 1 ]; then
	command -v perf >/dev/null 2>&1 || die "--perf needs Debian's perf on the host (apt-get install linux-perf)"
	perf_bin=$(readlink -f "$(command -v perf)")
	copy_with_libs "$perf_bin"
	ln -sf "$perf_bin" "$root/bin/perf"
fi
if [ "$mode" = run ]; then
	# The program itself at /bin (its own directory may be /tmp, a tmpfs in the guest).
	run_path=$(readlink -f "$run_prog")
	is_static "$run_path" || copy_with_libs "$run_path"
	cp "$run_path" "$root/bin/kshm-run"
	bench_args=$run_args
fi
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
	> "$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$root/etc/group"
{
	echo "KSHM_MODE=$mode"
	echo "KSHM_MODULE_ARGS='$module_args'"
	echo "VMTEST_TIMEOUT=$vmtest_timeout"
	echo "KSHM_PROGRAM_TIMEOUT=$program_timeout"
	echo "KSHM_PROGRAM_ARGS='$bench_args'"
	# What counts as a kernel report, for guest programs that scan the log themselves.
	echo "KSHM_REPORTS='$REPORTS'"
} > "$root/etc/kshm-vm.conf"
# The kernel opens /dev/console before /init runs (init.sh reopens it after
# mounting devtmpfs, so this node is only for the earliest messages).
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
initrd=$vm/initrd.cpio.gz
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$initrd"

# ---- accelerator ---------------------------------------------------------
# KVM only where it can actually boot a kernel: /dev/kvm may exist and still
# hang on boot (nested virtualization without the CPU features the kernel
# wants). A small probe boot decides once per kernel; the verdict is cached.
probe_kvm() {
	local key cache pdir out
	key="$kernel $(stat -c %s.%Y "$kernel") $(qemu-system-x86_64 --version | head -n 1)"
	cache=$vm/kvm-probe
	if [ -f "$cache" ] && [ "$(head -n 1 "$cache")" = "$key" ]; then
		tail -n 1 "$cache"
		return
	fi
	say "probing whether KVM can boot $kernel (once; at most 10 s)" >&2
	pdir=$vm/probe
	rm -rf "$pdir"
	mkdir -p "$pdir/root/bin" "$pdir/root/dev"
	cp /bin/busybox "$pdir/root/bin/"
	printf '%s\n' '#!/bin/busybox sh' '/bin/busybox mount -t devtmpfs d /dev' \
		'echo KSHM-KVM-PROBE-OK > /dev/console' '/bin/busybox poweroff -f' > "$pdir/root/init"
	chmod 755 "$pdir/root/init"
	(cd "$pdir/root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$pdir/initrd.gz"
	out=tcg
	if timeout -k 2 10 qemu-system-x86_64 -machine accel=kvm -cpu host -m 256 -nographic \
		-no-reboot -nic none -kernel "$kernel" -initrd "$pdir/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 |
		grep -aq KSHM-KVM-PROBE-OK; then
		out=kvm
	fi
	printf '%s\n%s\n' "$key" "$out" > "$cache"
	echo "$out"
}
case "$accel" in
auto)
	accel=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		accel=$(probe_kvm)
	fi ;;
kvm|tcg) ;;
*) die "--accel must be auto, kvm or tcg" ;;
esac
if [ "$accel" = kvm ]; then
	cpu=host
else
	cpu=max	# TCG: every CPU feature QEMU emulates, SMEP and SMAP included
fi

# ---- boot ----------------------------------------------------------------
# A task stuck in D state panics (with its stack) after 60 s instead of
# running into the timeout silently.
cmdline="console=ttyS0 loglevel=4 oops=panic panic_on_warn=1 panic=-1 hung_task_panic=1"
cmdline+=" sysctl.kernel.hung_task_timeout_secs=60 sysctl.kernel.hung_task_check_interval_secs=5"
cmdline+=" edd=off $append"
say "booting $kernel (mode $mode, accel $accel, timeout ${timeout_s} s)"
[ -n "$module_args" ] && say "module parameters: $module_args"

# Firmware escape sequences and CRs out; the raw log stays in serial.log.
clean() { sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1b[a-zA-Z]//g'; }

# What the user sees while it runs: everything from /init on, except the
# kernel log dump at the end (it is in serial.log); before /init, only kernel
# reports. --verbose shows everything.
show() {
	local line started=0 in_dmesg=0
	while IFS= read -r line; do
		if [ "$verbose" = 1 ]; then
			printf '%s\n' "$line"
			continue
		fi
		case "$line" in
		*KSHM-VM:*) started=1 ;;
		KSHM-VM-DMESG-BEGIN*) in_dmesg=1; echo "  (kernel log: see $log)"; continue ;;
		KSHM-VM-DMESG-END*) in_dmesg=0; continue ;;
		esac
		if [ $in_dmesg = 1 ]; then
			continue
		elif [ $started = 1 ]; then
			printf '  %s\n' "$line"
		elif [[ $line =~ $REPORTS ]]; then
			printf '  %s\n' "$line"
		fi
	done
}

# The shell: QEMU on this terminal (Ctrl-a x quits it), no timeout, no verdict.
if [ "$mode" = shell ]; then
	say "a root shell in the guest: the module is loaded, the tool is /bin/kshm; 'exit' powers off"
	exec qemu-system-x86_64 -machine accel="$accel" -cpu "$cpu" -m "$mem" -smp 2 -nographic \
		-no-reboot -nic none -kernel "$kernel" -initrd "$initrd" -append "$cmdline"
fi

start=$(date +%s)
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 -machine accel="$accel" -cpu "$cpu" \
	-m "$mem" -smp 2 -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" </dev/null 2>&1 |
	tee "$log" | clean | show
statuses=("${PIPESTATUS[@]}")
set -e
qemu_status=${statuses[0]}
elapsed=$(( $(date +%s) - start ))
say "QEMU ran ${elapsed} s (exit status $qemu_status)"

# ---- verdict, from the log alone ----------------------------------------
text=$(clean < "$log" | tr -d '\0')
passed=0
failed=0
skipped=0
result=$(grep -aoE 'KSHM-VM-RESULT: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?' <<<"$text" | tail -n 1 || true)
if [ -n "$result" ]; then
	read -r _ passed _ failed _ skipped _ <<<"${result//,/}"
	skipped=${skipped:-0}
else
	# Crashed or hung: what passed before cannot be trusted to be complete.
	failed=$(( $(grep -acE '^not ok ' <<<"$text" || true) + 1 ))
	if [ "$qemu_status" = 124 ] || [ "$qemu_status" = 137 ]; then
		say "FAIL: TIMEOUT: the VM did not finish within ${timeout_s} s (hang?); last lines:"
	else
		say "FAIL: no KSHM-VM-RESULT marker (panic or /init failure); last lines:"
	fi
	tail -n 15 <<<"$text" | sed 's/^/  | /'
fi

# A test that injects allocation failures frames them with these kernel log
# lines; between them, the warnings of a failed allocation (a stack dump) are
# expected. Every other report counts there too.
scan=$(awk '/kshm-vmtest: expected allocation failures begin/ { framed = 1 }
	/kshm-vmtest: expected allocation failures end/ { framed = 0 }
	{ print (framed && /Call Trace:|page allocation failure/) ? "" : $0 }' <<<"$text")
reports=$(grep -anE "$REPORTS" <<<"$scan" || true)
if [ -n "$reports" ]; then
	failed=$((failed + 1))
	say "FAIL: the kernel reported problems ($(wc -l <<<"$reports") lines; first ones):"
	cut -d: -f2- <<<"$reports" | awk '!seen[$0]++' | head -n 20 | sed 's/^/  ! /'
	first=$(head -n 1 <<<"$reports" | cut -d: -f1)
	say "context from serial.log (cleaned) line $first:"
	# From just before the first report, up to the kernel log dump (if it started before it).
	awk -v from=$((first > 5 ? first - 5 : 1)) -v first="$first" -v to=$((first + 30)) '
		NR >= from && NR <= to { if (NR > first && /^KSHM-VM-DMESG-BEGIN/) exit; print "  | " $0 }
	' <<<"$text"
fi

failed=$((failed + ${#unbuilt[@]}))

# Failed checks, with the program they belong to.
fails=$(awk '/^KSHM-VM: /{prog="harness: "} /^KSHM-VM-PROGRAM: /{prog=$2": "}
	/^not ok /{print "  " prog $0}' <<<"$text")
for t in "${unbuilt[@]}"; do
	fails+=$'\n'"  $t: did not build"
done
if [ -n "${fails#$'\n'}" ]; then
	say "failed checks:"
	printf '%s\n' "${fails#$'\n'}"
fi

if [ "$mode" = bench ]; then
	grep -a '^KSHM-BENCH' <<<"$text" > "$bench_out" || true
	figures=$(grep -c '^KSHM-BENCH ' "$bench_out" || true)
	if [ -n "$result" ] && [ "$failed" -eq 0 ] && [ "$figures" -gt 0 ]; then
		say "bench OK: $figures figures in $bench_out (${elapsed} s; serial log $log)"
		exit 0
	fi
	say "bench FAILED ($figures figures; serial log $log)"
	exit 1
fi

if [ "$mode" = run ]; then
	run_status=$(sed -n 's/^KSHM-VM-RUN-STATUS: \([0-9]*\).*/\1/p' <<<"$text" | tail -n 1)
	if [ -z "$run_status" ]; then
		say "run FAILED: $(basename "$run_prog") did not finish (serial log $log)"
		exit 1
	fi
	say "$(basename "$run_prog") exited with status $run_status (${elapsed} s; serial log $log)"
	if [ -n "$reports" ]; then
		exit 1
	fi
	exit "$run_status"
fi

if [ "$mode" = demo ]; then
	if grep -aq '^demo: OK' <<<"$text" && [ -n "$result" ] && [ "$failed" -eq 0 ]; then
		say "demo OK (${elapsed} s; serial log $log)"
		exit 0
	fi
	say "demo FAILED (serial log $log)"
	exit 1
fi

# The module's coverage counters, if the guest sent them (KSHM_GCOV=1 on a gcov kernel):
# only whole base64 lines, so a kernel message printed in between cannot corrupt them.
gcov_out=$BUILD/vm/gcov.tar.gz
rm -f "$gcov_out"
if grep -aq '^KSHM-VM-GCOV-BEGIN' <<<"$text"; then
	sed -n '/^KSHM-VM-GCOV-BEGIN/,/^KSHM-VM-GCOV-END/p' <<<"$text" | tr -d '\r' |
		grep -E '^[A-Za-z0-9+/=]+$' | base64 -d > "$gcov_out" 2>/dev/null || rm -f "$gcov_out"
	[ -s "$gcov_out" ] && say "module coverage counters in $gcov_out"
fi

echo "$passed $failed" > "$BUILD/results/vm.counts"
say "$passed passed, $failed failed, $skipped skipped (${elapsed} s; serial log $log)"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
