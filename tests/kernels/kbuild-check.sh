#!/bin/sh
# The module, the in-kernel API's test client and the sample drivers
# (examples/) compiled against every kernel of the matrix with W=1 (the
# kernel's extra warnings): every warning is an error there (-Werror in the
# test client's Kbuild, and any "warning:" in the log). Then the way users
# build it: `dkms build` of the tree `make dkms-install` stages, against each
# kernel's build tree (dkms-build.sh: a private DKMS tree under BUILD, so the
# machine's /var/lib/dkms keeps no kshm), and the samples against that DKMS
# installation (its include/ and the Module.symvers it keeps).
#
#   kbuild-check.sh BUILD KDIR NAME...    KDIR: Debian 12's 6.1 build tree;
#                                         NAME: a tests/kernels/kernel.sh kernel
#
# Prints TAP (tests/tap-lib.sh) for tests/tap.sh, and writes BUILD/results/kbuild.label.
set -u
build=$1
kdir_61=$2
shift 2
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../tap-lib.sh"
names=
mkdir -p "$build/results"

samples="tick crc"

# make modules with W=1 in DIR against TREE: built, and not one warning.
build_w1() { # tree dir name make-args...
	tree=$1
	dir=$2
	name=$3
	shift 3
	log=$dir.log
	make -C "$tree" M="$(cd "$dir" && pwd)" W=1 "$@" modules >"$log" 2>&1
	rc=$?
	ko=$(ls "$dir"/*.ko 2>/dev/null | head -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$ko" ] && ! grep -q 'warning:\|error:\|WARNING:' "$log"; then
		tap_ok "$name"
	else
		grep 'warning:\|error:\|WARNING:' "$log" | head -n 20
		tap_not_ok "$name" "did not build warning-free with W=1 (see $log)"
	fi
}

check_tree() { # label tree
	label=$1
	tree=$2
	version=$(make -s -C "$tree" kernelversion 2>/dev/null || echo "$label")
	names="$names${names:+, }$version"
	out=$build/kbuild-$label
	rm -rf "$out"
	make -s --no-print-directory module-stage MODULE_DIR="$out/module" >/dev/null
	mkdir -p "$out/client"
	cp tests/vm/client/Kbuild tests/vm/client/*.c "$out/client/"
	for sample in $samples; do
		mkdir -p "$out/$sample"
		cp "examples/$sample/Kbuild" "examples/$sample/kshm_$sample.c" "examples/$sample/kshm_$sample.h" "$out/$sample/"
	done
	module_dir=$(cd "$out/module" && pwd)
	for what in module client $samples; do
		# The API's users: kshm's header and Module.symvers as the staged tree holds them.
		extra=
		[ "$what" != module ] && extra="KSHM_INCLUDE=$module_dir/include KSHM_SYMVERS=$module_dir/Module.symvers KBUILD_EXTRA_SYMBOLS=$module_dir/Module.symvers"
		build_w1 "$tree" "$out/$what" "kbuild.$version.$what" $extra
	done
	if ko=$(tests/kernels/dkms-build.sh "$dkms_src" "$kshm_version" "$tree" "$out/dkms"); then
		tap_ok "kbuild.$version.dkms"
		# The samples as a user builds them against a DKMS installation: the header
		# from the source tree, Module.symvers kept beside the built module.
		symvers=$(dirname "$(dirname "$ko")")/Module.symvers
		for sample in $samples; do
			mkdir -p "$out/dkms-$sample"
			cp "examples/$sample/Kbuild" "examples/$sample/kshm_$sample.c" \
				"examples/$sample/kshm_$sample.h" "$out/dkms-$sample/"
			build_w1 "$tree" "$out/dkms-$sample" "kbuild.$version.dkms-$sample" \
				KSHM_INCLUDE="$dkms_src/kshm-$kshm_version/include" KSHM_SYMVERS="$symvers"
		done
	else
		tap_not_ok "kbuild.$version.dkms" "dkms build failed (see $out/dkms/dkms.log)"
	fi
}

# The DKMS source tree, as `make dkms-install` installs it.
kshm_version=$(scripts/version.sh)
rm -rf "$build/kbuild-dkms"
mkdir -p "$build/kbuild-dkms"
make -s --no-print-directory dkms-install DESTDIR="$(cd "$build/kbuild-dkms" && pwd)" >/dev/null
dkms_src=$(cd "$build/kbuild-dkms/usr/src" && pwd)

if [ -d "$kdir_61" ]; then
	check_tree 6.1 "$kdir_61"
else
	tap_not_ok kbuild.6.1 "no build tree at $kdir_61 (linux-headers-amd64)"
fi
for name in "$@"; do
	if dir=$(tests/kernels/kernel.sh "$name"); then
		check_tree "$name" "$dir/build"
	else
		tap_not_ok "kbuild.$name" "the kernel did not build (see above)"
	fi
done
echo "kbuild (${names:-none})" > "$build/results/kbuild.label"
tap_plan
