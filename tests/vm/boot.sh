# shellcheck shell=bash disable=SC2154
# (run.sh sets the variables this file reads.)
# Part of tests/vm/run.sh (sourced): booting QEMU on $kernel and $initrd.
# choose_accel settles $accel and $cpu; boot_shell hands the terminal to the
# guest; boot_console runs the guest to its end, the raw console in $log,
# shown (cleaned) as it comes, and sets qemu_status and elapsed.

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

choose_accel() {
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
}

# A task stuck in D state panics (with its stack) after 60 s instead of
# running into the timeout silently.
kernel_cmdline() {
	local cmdline="console=ttyS0 loglevel=4 oops=panic panic_on_warn=1 panic=-1 hung_task_panic=1"
	cmdline+=" sysctl.kernel.hung_task_timeout_secs=60 sysctl.kernel.hung_task_check_interval_secs=5"
	echo "$cmdline edd=off $append"
}

# The command line, as an array (timeout cannot run a shell function).
qemu_command() {
	qemu=(qemu-system-x86_64 -machine accel="$accel" -cpu "$cpu" -m "$mem" -smp 2 -nographic
		-no-reboot -nic none -kernel "$kernel" -initrd "$initrd" -append "$(kernel_cmdline)")
}

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

# QEMU on this terminal (Ctrl-a x quits it), no timeout, no verdict.
boot_shell() {
	local qemu
	say "a root shell in the guest: the module is loaded, the tool is /bin/kshm; 'exit' powers off"
	qemu_command
	exec "${qemu[@]}"
}

boot_console() {
	local start statuses qemu
	say "booting $kernel (mode $mode, accel $accel, timeout ${timeout_s} s)"
	[ -n "$module_args" ] && say "module parameters: $module_args"
	qemu_command
	start=$(date +%s)
	set +e
	timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 | tee "$log" | clean | show
	statuses=("${PIPESTATUS[@]}")
	set -e
	qemu_status=${statuses[0]}
	elapsed=$(( $(date +%s) - start ))
	say "QEMU ran ${elapsed} s (exit status $qemu_status)"
}
