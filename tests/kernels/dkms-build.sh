#!/bin/sh
# `dkms add` and `dkms build` of a kshm DKMS source tree against one kernel
# build tree, as a user's host builds it, but in a private DKMS tree so the
# machine's /var/lib/dkms keeps no kshm. Used by kbuild-check.sh (the tree
# `make dkms-install` stages) and by tests/package/check.sh (the kshm-dkms
# package's /usr/src).
#
#   dkms-build.sh SRC VERSION KDIR OUT
#     SRC      the directory holding kshm-VERSION/ (what /usr/src is to dkms)
#     KDIR     the kernel build tree
#     OUT      gets the DKMS tree (OUT/tree) and the log (OUT/dkms.log)
#
# Prints the built kshm.ko's path; exit status 0 only when it was built. On
# failure, the log's end goes to stderr.
set -u
src=$1
version=$2
kdir=$3
out=$4
if ! command -v dkms >/dev/null 2>&1; then
	echo "dkms missing (scripts/install-deps.sh)" >&2
	exit 1
fi
# The release the tree builds for (what the module's vermagic will say; a Debian
# headers tree's `make kernelrelease` gives only the upstream version).
release=$(sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null)
[ -n "$release" ] || release=$(make -s -C "$kdir" kernelrelease 2>/dev/null)
rm -rf "$out/tree"
mkdir -p "$out/tree"
tree=$(cd "$out/tree" && pwd)
log=$out/dkms.log
opts="--sourcetree $(cd "$src" && pwd) --dkmstree $tree"
# shellcheck disable=SC2086
if dkms add -m kshm -v "$version" $opts >"$log" 2>&1 &&
	dkms build -m kshm -v "$version" -k "$release" --kernelsourcedir "$kdir" $opts >>"$log" 2>&1; then
	ko=$(ls "$tree/kshm/$version/$release"/*/module/kshm.ko 2>/dev/null | head -n 1)
	if [ -n "$ko" ]; then
		echo "$ko"
		exit 0
	fi
	echo "dkms build said it built, but there is no kshm.ko under $tree/kshm/$version/$release" >>"$log"
fi
tail -n 15 "$log" >&2
exit 1
