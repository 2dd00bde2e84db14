#!/bin/sh
# Install the Debian packages kshm builds and tests with, if any is missing.
# Used by `make demo` and by CI (.ci/run), so there is one list.
set -eu

PACKAGES="make gcc libc6-dev pkg-config libcmocka-dev kmod e2fsprogs \
linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static cpio"
# the debug kernel for the VM suite (tests/hardening) and the static checkers
PACKAGES="$PACKAGES ccache flex bison bc libelf-dev libssl-dev xz-utils sparse cppcheck shellcheck dkms"
# the ring protocol's model checker
PACKAGES="$PACKAGES spin"
# coverage of core by the unit tests (tests/unit/coverage.sh)
PACKAGES="$PACKAGES lcov"
# the manual pages: lint (mandoc, man-db with groff) and rendering
PACKAGES="$PACKAGES mandoc man-db groff-base"
# libFuzzer targets (tests/fuzz) and the ck_ring baseline of the benchmarks (bench)
PACKAGES="$PACKAGES clang-14 libclang-rt-14-dev libck-dev"
# the in-VM benchmarks' alternatives (BPF ring buffer, io_uring) and the report's plots
PACKAGES="$PACKAGES libbpf-dev libelf-dev zlib1g-dev bpftool liburing-dev gnuplot-nox"
# instructions per record of the benchmarks (callgrind, bench/insn.sh; valgrind.h for its client requests)
PACKAGES="$PACKAGES valgrind"
# the Windows driver, libkshm and kshm.exe cross-built (clang-14 for the driver's SEH,
# mingw-w64 for headers, linking and user code; lld-14 links the x86 driver, llvm-14's
# llvm-readobj reads its SafeSEH table), and Wine to run them (windows/build.mk)
PACKAGES="$PACKAGES clang-14 lld-14 llvm-14 gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 \
binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev mingw-w64-i686-dev wine wine64 osslsigncode openssl"
# the x86 guard's model test on a host kernel without 32-bit support (windows/tests/check.sh);
# the NT-kernel suite's harness (../shared/reactos/run-nt.sh) and its FAT test disk
PACKAGES="$PACKAGES qemu-user-static mtools dosfstools"
# the Windows package (windows/package): its zip, read back by its check
PACKAGES="$PACKAGES zip unzip"
# the Debian packages (debian/, tests/package): their build (dpkg-buildpackage with
# debhelper and dh-dkms; build-essential is what it assumes) and lintian
PACKAGES="$PACKAGES build-essential dpkg-dev debhelper dh-dkms lintian"

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "kshm: installing missing Debian packages:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "kshm: run as root or install sudo" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $missing
