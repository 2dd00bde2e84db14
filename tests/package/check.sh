#!/bin/sh
# The Debian packages (debian/), built and used as a Debian user gets them:
#   - debian/changelog's version is the release (scripts/version.sh);
#   - dpkg-buildpackage -us -uc -b in a scratch copy of the tree (the files a
#     fresh clone has, uncommitted work included: git ls-files), no kernel
#     headers used;
#   - lintian on the result and on the source package (dpkg-source -b): no
#     error or warning, every override with a reason;
#   - each package holds exactly its files (libkshm1: the library; libkshm-dev:
#     headers, libkshm.a, the .so link, kshm.pc, man3; kshm: the tool, man1/4,
#     completion, udev rule; kshm-dkms: the module's sources as module-stage
#     copies them and dkms.conf), nothing of the build host in any of them;
#   - libkshm1's symbols file lists what the library exports, versioned;
#   - libkshm1 and libkshm-dev unpacked (dpkg -x) into a scratch root, the
#     README's example built against them with pkg-config, shared and static;
#   - with a kernel build tree (KDIR), kshm-dkms's /usr/src built by `dkms
#     build` (a private DKMS tree, tests/kernels/dkms-build.sh), leaving that
#     source tree as it was; and that module with the packaged tool running
#     `kshm demo` in the test VM (tests/vm/run.sh --run). Without one, these
#     two are skipped.
#
#   tests/package/check.sh BUILD KDIR
#
# Prints TAP (tests/tap-lib.sh), for tests/tap.sh:
#   tests/package/check.sh BUILD [KDIR] | tests/tap.sh package BUILD/results
set -u
build=$1
kdir=$2
top=$(pwd)
mkdir -p "$build/package-test" "$build/results"
work=$(cd "$build/package-test" && pwd)
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../tap-lib.sh"
finish() {
	tap_plan
	exit
}

version=$(scripts/version.sh)
changelog_version=$(dpkg-parsechangelog -l debian/changelog -SVersion 2>/dev/null)
[ -n "$version" ] && [ "$changelog_version" = "$version" ]
tap_check $? "debian/changelog's version is the release ($version)" \
	"debian/changelog says '$changelog_version': add an entry (dch -v $version)"

# ---- the scratch copy: what a fresh clone holds, with the uncommitted work ----
src_parent=$work/src
src=$src_parent/kshm-$version
rm -rf "$src_parent" "$work/pkg" "$work/root" "$work/dkms"
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked files that still exist, and new files git does not ignore.
	git ls-files --cached --others --exclude-standard |
		while IFS= read -r f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\n' "$f"; done |
		sort -u > "$work/files"
else
	find . -path ./build -prune -o ! -type d -print | sed 's|^\./||' | sort > "$work/files"
fi
tar -cf - --verbatim-files-from -T "$work/files" | tar -xf - -C "$src"
tap_check $? "the tree copied to $src ($(wc -l < "$work/files") files)"

# ---- the source package (for lintian's source checks), then dpkg-buildpackage -b
(cd "$src_parent" && dpkg-source -b "kshm-$version") >"$work/source.log" 2>&1
tap_check $? "dpkg-source -b (the source package, kshm_$version.dsc)" "see $work/source.log"

# The packages' own make runs without this make's variables (BUILD=..., -s, jobs).
(cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u BUILD \
	dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1
status=$?
[ "$status" -ne 0 ] && tail -n 25 "$work/build.log" | sed 's/^/  | /'
tap_check "$status" "dpkg-buildpackage -us -uc -b" "see $work/build.log"

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir=usr/lib/$multiarch
changes=$src_parent/kshm_${version}_$arch.changes
missing=
for p in "libkshm1_${version}_$arch" "libkshm-dev_${version}_$arch" "kshm_${version}_$arch" \
	"kshm-dkms_${version}_all"; do
	[ -f "$src_parent/$p.deb" ] || missing="$missing $p.deb"
done
[ -z "$missing" ] && [ -f "$changes" ]
tap_check $? "the four packages and the .changes were written" "missing:$missing"
[ -f "$changes" ] || finish
deb() { echo "$src_parent/${1}_${version}_$([ "$1" = kshm-dkms ] && echo all || echo "$arch").deb"; }

# ---- lintian ----------------------------------------------------------------
lintian --fail-on error,warning --display-info --show-overrides "$changes" \
	"$src_parent/kshm_$version.dsc" >"$work/lintian.log" 2>&1
status=$?
grep -E '^[EW]: ' "$work/lintian.log" | sed 's/^/  | /'
tap_check "$status" "lintian: no error or warning ($(grep -c '^I: ' "$work/lintian.log") info, $(grep -c '^O: ' "$work/lintian.log") overridden)" \
	"see $work/lintian.log"
# An override says why in the comment just above it.
bad=
for f in debian/*.lintian-overrides; do
	[ -f "$f" ] || continue
	bad="$bad$(awk -v f="$f" '/^[[:space:]]*$/ { reason = 0; next } /^#/ { reason = 1; next }
		!reason { printf " %s:%d", f, NR } { reason = 0 }' "$f")"
done
[ -z "$bad" ]
tap_check $? "every lintian override has its reason above it" "no reason at:$bad"

# ---- contents ---------------------------------------------------------------
# Each package unpacked under pkg/<name>; its files (not directories, not its
# /usr/share/doc) against the list it must hold, exactly. The lists come from
# the copy that was built, so work going on in the tree meanwhile cannot skew them.
mkdir -p "$work/pkg"
for p in libkshm1 libkshm-dev kshm kshm-dkms; do
	dpkg-deb -x "$(deb $p)" "$work/pkg/$p" 2>/dev/null
done
# Not in a pipeline: its test must count in this shell (tests/tap-lib.sh numbers them).
has_exactly() { # package: the wanted paths on stdin
	sort > "$work/want-$1"
	(cd "$work/pkg/$1" 2>/dev/null && find . ! -type d | sed 's|^\./||' |
		grep -v "^usr/share/doc/$1/" | sort) > "$work/got-$1"
	diff "$work/want-$1" "$work/got-$1" > "$work/diff-$1"
	status=$?
	tap_check "$status" "$1 holds exactly its files ($(wc -l < "$work/want-$1"))" \
		"$(sed -n 's/^< / missing /p; s/^> / unexpected /p' "$work/diff-$1" | tr -d '\n')"
}
so=$work/pkg/libkshm1/$libdir/libkshm.so.$version
soname=$(readelf -d "$so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libkshm.so.${version%%.*}" ] &&
	[ "$(readlink "$work/pkg/libkshm1/$libdir/$soname")" = "libkshm.so.$version" ]
tap_check $? "libkshm1 holds the library under its soname $soname (package libkshm${soname#libkshm.so.})"
printf '%s\n' "$libdir/libkshm.so.$version" "$libdir/$soname" > "$work/list"
has_exactly libkshm1 < "$work/list"
{
	echo usr/include/kshm.h
	(cd "$src" && for h in include/kshm/*.h; do echo "usr/$h"; done)
	printf '%s\n' "$libdir/libkshm.a" "$libdir/libkshm.so" "$libdir/pkgconfig/kshm.pc"
	(cd "$src" && for m in man/man3/*.3; do echo "usr/share/$m.gz"; done)
} > "$work/list"
has_exactly libkshm-dev < "$work/list"
[ "$(readlink "$work/pkg/libkshm-dev/$libdir/libkshm.so")" = "$soname" ]
tap_check $? "libkshm-dev's libkshm.so links to $soname"
{
	printf '%s\n' usr/bin/kshm lib/udev/rules.d/99-kshm.rules usr/share/bash-completion/completions/kshm
	(cd "$src" && for m in man/man1/*.1 man/man4/*.4; do echo "usr/share/$m.gz"; done)
} > "$work/list"
has_exactly kshm < "$work/list"
# The module's sources as the build stages them (module-stage: the one list), and dkms.conf.
rm -rf "$work/stage"
make -s --no-print-directory -C "$src" module-stage MODULE_DIR="$work/stage" >/dev/null 2>&1
{
	(cd "$work/stage" && find . ! -type d | sed "s|^\./|usr/src/kshm-$version/|")
	echo "usr/src/kshm-$version/dkms.conf"
} > "$work/list"
has_exactly kshm-dkms < "$work/list"
grep -qx "PACKAGE_VERSION=\"$version\"" "$work/pkg/kshm-dkms/usr/src/kshm-$version/dkms.conf"
tap_check $? "kshm-dkms's dkms.conf names version $version"
# Nothing from the build host: no build products, no path of the build tree.
products=$(cd "$work/pkg" && find . -mindepth 1 \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod' \
	-o -name '*.mod.c' -o -name Module.symvers -o -name modules.order -o -name '.*' \) -print)
leaked=$(grep -rlF -e "$src" -e "$top" "$work/pkg" 2>/dev/null | sed "s|^$work/pkg/||")
[ -z "$products$leaked" ]
tap_check $? "no build products and no build-host path in any package" \
	"$(echo "$products $leaked" | tr '\n' ' ')"
dpkg-deb -f "$(deb libkshm-dev)" Depends | grep -q "libkshm1 (= $version)"
tap_check $? "libkshm-dev depends on libkshm1 (= $version)"

# The symbols file: every function the library exports, with its version node.
dpkg-deb -e "$(deb libkshm1)" "$work/pkg/libkshm1.control" 2>/dev/null
objdump -T "$so" 2>/dev/null | awk '$2 == "g" && $4 == ".text" { print $7 "@" $6 }' | sort > "$work/exports"
sed -n 's/^ \([a-z_0-9]*@[A-Z_0-9.]*\) .*/\1/p' "$work/pkg/libkshm1.control/symbols" 2>/dev/null |
	grep -v '^KSHM_' | sort > "$work/symbols"
nodes=$(sed -n 's/.*@//p' "$work/exports" | sort -u | tr '\n' ' ' | sed 's/ $//')
[ -s "$work/exports" ] && cmp -s "$work/exports" "$work/symbols"
tap_check $? "libkshm1's symbols file lists every export with its version ($(wc -l < "$work/exports"), $nodes)" \
	"$(diff "$work/exports" "$work/symbols" | tr '\n' ' ')"

# ---- the README's example against libkshm1 + libkshm-dev --------------------
root=$work/root
mkdir -p "$root"
dpkg -x "$(deb libkshm1)" "$root" && dpkg -x "$(deb libkshm-dev)" "$root"
tap_check $? "libkshm1 and libkshm-dev unpacked into $root (dpkg -x)"
# Only the packages' kshm.pc; the flags it gives point under the root (sysroot).
pc() { PKG_CONFIG_LIBDIR="$root/$libdir/pkgconfig" pkg-config "$@"; }
pc_root() { PKG_CONFIG_SYSROOT_DIR="$root" pc "$@"; }
cflags='' libs='' libs_dir=''
modversion=$(pc --modversion kshm)
[ "$modversion" = "$version" ] && [ "$(pc --variable=libdir kshm)" = "/$libdir" ] &&
	[ "$(pc --variable=includedir kshm)" = /usr/include ] &&
	cflags=$(pc_root --cflags kshm) && libs=$(pc_root --libs kshm) && libs_dir=$(pc_root --libs-only-L kshm)
tap_check $? "pkg-config finds the package's kshm.pc ($modversion, libdir /$libdir, includedir /usr/include)"
. tests/install/example-checks.sh
check_readme_example "$src/README.md" "$work" "$root/$libdir" "$cflags" "$libs" "$libs_dir" \
	"libkshm-dev and libkshm1"

tool=$work/pkg/kshm/usr/bin/kshm
"$tool" --version 2>/dev/null | grep -qx "kshm $version (kshm ABI [0-9]*)"
tap_check $? "the packaged kshm --version says $version"

# ---- kshm-dkms against a kernel, and the packaged tool in the VM ------------
dkms_src=$work/pkg/kshm-dkms/usr/src
if [ ! -f "$kdir/Makefile" ]; then
	tap_skip "dkms build of kshm-dkms" "no kernel build tree at '$kdir' (make KDIR=...)"
	tap_skip "kshm demo from the packages in the VM" "no module without a kernel build tree"
	finish
fi
snapshot() { (cd "$dkms_src" && find . -exec ls -ld --time-style=+%s.%N {} + | sort -k 7); }
snapshot > "$work/dkms-src.before"
ko=$(tests/kernels/dkms-build.sh "$dkms_src" "$version" "$kdir" "$work/dkms")
tap_check $? "kshm-dkms's /usr/src/kshm-$version: dkms build against $kdir" "see $work/dkms/dkms.log"
snapshot > "$work/dkms-src.after"
diff "$work/dkms-src.before" "$work/dkms-src.after" > "$work/dkms-src.diff"
tap_check $? "dkms left the packaged source tree as it was" "$(tr '\n' ' ' < "$work/dkms-src.diff")"

# The VM boots the kernel of KDIR: /boot/vmlinuz-<release> for /lib/modules/<release>/build.
release=${kdir#/lib/modules/}
release=${release%/build}
if [ -z "$ko" ]; then
	tap_skip "kshm demo from the packages in the VM" "the module did not build"
elif [ "$release" = "$kdir" ] || [ ! -e "/boot/vmlinuz-$release" ]; then
	tap_skip "kshm demo from the packages in the VM" "no /boot/vmlinuz for $kdir"
else
	KVER=$release BUILD=$work tests/vm/run.sh --run "$tool" --run-args demo --module "$ko" \
		>"$work/vm-run.log" 2>&1
	status=$?
	[ "$status" -eq 0 ] && grep -q '^ *demo: OK' "$work/vm-run.log"
	status=$?
	[ "$status" -ne 0 ] && tail -n 20 "$work/vm-run.log" | sed 's/^/  | /'
	tap_check "$status" "kshm demo in the VM: the packaged tool, the module kshm-dkms built" \
		"see $work/vm-run.log"
fi
finish
