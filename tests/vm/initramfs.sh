# shellcheck shell=bash disable=SC2154
# (run.sh sets the variables this file reads.)
# Part of tests/vm/run.sh (sourced): the guest's initramfs, $vm/initrd.cpio.gz.
# Uses run.sh's settings (mode, module, tool, programs, perf, run_prog,
# program_args, the KSHM_VM_* knobs) and its helpers (die, is_static).

# A line of the log matching this is a kernel report, and fails the run
# (verdict.sh); guest programs that scan the log themselves get it too.
REPORTS='BUG:|WARNING:|UBSAN:|Kernel panic|Oops|unreferenced object|general protection|KASAN|KFENCE|kernel BUG|Call Trace:|invalid opcode|possible circular locking|possible recursive locking|inconsistent lock state|blocked for more than|detected stall|list_add corruption|list_del corruption|page allocation failure|Unable to handle'

# A dynamically linked program brings its loader and libraries along, at their paths.
copy_with_libs() {
	local f
	for f in "$1" $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
}

build_initramfs() {
	local client race_delay examples f ko n t perf_bin run_path
	root=$vm/root
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,tests}
	cp /bin/busybox "$root/bin/busybox"
	cp "$ROOT/tests/vm/init.sh" "$root/init"
	chmod 755 "$root/init"
	cp "$ROOT/tests/tap-lib.sh" "$root/etc/tap-lib.sh"
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
	fi
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
		> "$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$root/etc/group"
	{
		echo "KSHM_MODE=$mode"
		echo "KSHM_MODULE_ARGS='$module_args'"
		echo "KSHM_VM_TEST_TIMEOUT=$test_timeout"
		echo "KSHM_PROGRAM_TIMEOUT=$program_timeout"
		echo "KSHM_PROGRAM_ARGS='$program_args'"
		echo "KSHM_REPORTS='$REPORTS'"
	} > "$root/etc/kshm-vm.conf"
	# The kernel opens /dev/console before /init runs (init.sh reopens it after
	# mounting devtmpfs, so this node is only for the earliest messages).
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	initrd=$vm/initrd.cpio.gz
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$initrd"
}
