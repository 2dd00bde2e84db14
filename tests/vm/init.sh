#!/bin/busybox sh
# shellcheck shell=dash
# /init of the kshm test VM (busybox, copied in by tests/vm/run.sh).
#
# Loads /kshm.ko, checks /dev/kshm, then runs the demo (/bin/kshm info, demo),
# a user's program (/bin/kshm-run, run mode), a shell (shell mode), or every
# /tests/* program (with KSHM_PROGRAM_ARGS, which bench and run modes set),
# unloads the module, prints dmesg and the end marker on the console, and
# powers off. run.sh judges the run from the serial log alone, with
# tests/tap.sh: the console is a row of TAP documents, this script's own
# checks (insmod, /dev/kshm, ...) before the programs, one per program, and
# this script's checks after them (rmmod). Console lines this script owns:
#   KSHM-VM: ...                         progress
#   TAP version 13 / # Subtest: <name>   before each TAP document (the
#                                        program's plan and tests follow)
#   ok / not ok lines, 1..N              this script's own checks (tests/tap-lib.sh)
#   KSHM-VM-RUN-BEGIN / KSHM-VM-RUN-STATUS: S   around a user's program (run
#                                        mode; its output is not judged)
#   KSHM-VM-DMESG-BEGIN / -END           around the kernel log
#   KSHM-VM-GCOV-BEGIN / -END            around a base64 tar.gz of the module's gcov
#                                        counters (KSHM_GCOV=1 on a CONFIG_GCOV_KERNEL kernel)
#   KSHM-VM-END                          last line before poweroff
#
# Settings: /etc/kshm-vm.conf (written by run.sh: KSHM_MODE, KSHM_MODULE_ARGS,
# KSHM_VM_TEST_TIMEOUT, KSHM_PROGRAM_TIMEOUT), and from the kernel command line the
# variables kshm_mode=demo|test and kshm_args=... (module parameters, commas
# for spaces: kshm_args=max_region_bytes=65536,max_regions_per_file=4).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /dev/shm /tmp
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
hostname kshm-vm
cd /

KSHM_MODE="test"
KSHM_MODULE_ARGS=
KSHM_VM_TEST_TIMEOUT=120
KSHM_PROGRAM_TIMEOUT=600
KSHM_PROGRAM_ARGS=
KSHM_REPORTS=
# shellcheck disable=SC1091
[ -f /etc/kshm-vm.conf ] && . /etc/kshm-vm.conf
[ -n "${kshm_mode:-}" ] && KSHM_MODE=$kshm_mode
[ -n "${kshm_args:-}" ] && KSHM_MODULE_ARGS="$KSHM_MODULE_ARGS $(echo "$kshm_args" | tr , ' ')"
export KSHM_VM_TEST_TIMEOUT KSHM_REPORTS KSHM_MODULE_ARGS

# shellcheck disable=SC1091
. /etc/tap-lib.sh

# The module's coverage counters stay in debugfs after its unload (gcov_persist):
# copied (debugfs files report no size, so tar cannot read them in place) and sent
# out on the console, for tests/vm/run.sh to hand to lcov.
dump_gcov() {
	[ "${KSHM_GCOV:-}" = 1 ] && [ -d /sys/kernel/debug/gcov ] || return 0
	find /sys/kernel/debug/gcov -name '*.gcda' | while read -r f; do
		mkdir -p "/tmp/gcov${f%/*}"
		cat "$f" > "/tmp/gcov$f"
	done
	echo "KSHM-VM-GCOV-BEGIN"
	(cd /tmp/gcov/sys/kernel/debug/gcov && tar czf - .) | base64
	echo "KSHM-VM-GCOV-END"
}

finish() {
	dump_gcov
	# kmemleak (debug kernels only): objects must be older than 5 s to be reported.
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo "KSHM-VM: kmemleak scan"
		echo scan > /sys/kernel/debug/kmemleak
		sleep 6
		echo scan > /sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak
	fi
	echo "KSHM-VM-DMESG-BEGIN"
	dmesg
	echo "KSHM-VM-DMESG-END"
	tap_plan
	echo "KSHM-VM-END"
	sync
	poweroff -f
	sleep 60	# poweroff -f does not return; never let /init exit (that panics)
}

echo	# the firmware leaves escape sequences on the console's current line
echo "KSHM-VM: kernel $(uname -r), $(nproc) CPUs, $(($(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo) / 1024)) MiB, mode $KSHM_MODE"
echo "KSHM-VM: CPU protections: $(grep -owE 'smep|smap|pti' /proc/cpuinfo | sort -u | tr '\n' ' ')"
tap_begin "init (module load)"
# The ext4 image run.sh puts in for the tests of file-backed memory (test mode),
# with the modules Debian's kernel needs for it (failures to load one that
# the CPU cannot use, crc32c-intel for example, are fine: the mount decides).
if [ -f /ext4.img ]; then
	for ko in /modules/*.ko; do
		[ -f "$ko" ] && insmod "$ko" 2>/dev/null
	done
	mkdir -p /mnt/ext4
	mount -t ext4 -o loop /ext4.img /mnt/ext4
	tap_check $? "ext4 image mounted on /mnt/ext4 (loop)"
fi
echo "KSHM-VM: insmod /kshm.ko $KSHM_MODULE_ARGS"
# shellcheck disable=SC2086
insmod /kshm.ko $KSHM_MODULE_ARGS
status=$?
tap_check $status "insmod kshm.ko"
if [ $status -ne 0 ]; then
	finish
fi

# /dev/kshm: a character device owned by root, mode dev_mode (0600 by default).
want_mode=600
for arg in $KSHM_MODULE_ARGS; do
	case "$arg" in
	dev_mode=*) want_mode=$(printf '%o' "$((${arg#dev_mode=}))") ;;
	esac
done
node=$(stat -c '%F %u %g %a' /dev/kshm 2>&1)
[ "$node" = "character special file 0 0 $want_mode" ]
status=$?
tap_check $status "/dev/kshm is a character device, root:root, mode $want_mode"
[ $status -eq 0 ] || echo "# /dev/kshm: $node"

if [ "$KSHM_MODE" = demo ]; then
	/bin/kshm info
	tap_check $? "kshm info"
	/bin/kshm demo
	tap_check $? "kshm demo"
elif [ "$KSHM_MODE" = run ]; then
	# A user's program (run.sh --run): its exit status is the run's verdict.
	echo "KSHM-VM: running your program: $KSHM_PROGRAM_ARGS"
	echo "KSHM-VM-RUN-BEGIN"
	# shellcheck disable=SC2086
	timeout -s KILL "$KSHM_PROGRAM_TIMEOUT" /bin/kshm-run $KSHM_PROGRAM_ARGS
	echo "KSHM-VM-RUN-STATUS: $?"
elif [ "$KSHM_MODE" = shell ]; then
	echo "KSHM-VM: root shell (the module is loaded; 'exit' powers off)"
	setsid cttyhack sh
else
	tap_plan
	for program in /tests/*; do
		[ -x "$program" ] || continue
		name=${program##*/}
		wrap=
		# run.sh --perf: sample the whole guest while the program runs.
		[ -x /bin/perf ] && wrap="perf record -q -a -g -F 2000 -o /tmp/perf.data --"
		# shellcheck disable=SC2086
		tap_program "$name" "/tmp/$name.out" timeout -s KILL "$KSHM_PROGRAM_TIMEOUT" $wrap "$program" $KSHM_PROGRAM_ARGS
		if [ -n "$wrap" ]; then
			echo "KSHM-VM-PERF-BEGIN"
			perf report -i /tmp/perf.data --stdio --no-children --sort dso,sym -g none --percent-limit 0.5 2>&1
			echo "KSHM-VM-PERF-END"
		fi
	done
	tap_begin "init (after the programs)"
fi

# Unloading must work once every file and mapping is gone.
echo "KSHM-VM: rmmod kshm"
rmmod kshm
tap_check $? "rmmod kshm"
if grep -q ' /mnt/ext4 ' /proc/mounts; then
	umount /mnt/ext4
	tap_check $? "ext4 image unmounted (nothing kept it busy)"
fi
finish
