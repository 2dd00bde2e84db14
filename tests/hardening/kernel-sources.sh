#!/bin/sh
# Newer kernels' source trees, prepared for building external modules:
#
#   kernel-sources.sh SUITE PACKAGE      e.g. trixie linux-source-6.12, sid linux-source-7.2
#
# Prints one line, the prepared tree (defconfig + modules_prepare), cached as
# $KSHM_CACHE/kernels/<package version>. The package comes from Debian's archive
# through a private sources list and lists directory (the machine's own apt
# sources, which name bookworm only, are never touched; see ../shared/TOOLCHAIN.md).
# A tree prepared this way compiles modules but has no Module.symvers: link
# checks need KBUILD_MODPOST_WARN=1.
set -eu
suite=$1
package=$2
CACHE=${KSHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kshm}
apt_dir=$CACHE/apt/$suite
say() { echo "kernel-sources: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in apt-get dpkg-deb tar xz make gcc flex bison bc; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool missing (scripts/install-deps.sh)"
done
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/* *$/\1/p' /etc/apt/sources.list.d/debian.sources \
	2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
mkdir -p "$apt_dir/lists/partial"
printf 'deb %s %s main\n' "$mirror" "$suite" > "$apt_dir/sources.list"
apt_opts="-o Dir::Etc::sourcelist=$apt_dir/sources.list -o Dir::Etc::sourceparts=/nonexistent"
apt_opts="$apt_opts -o Dir::State::Lists=$apt_dir/lists -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $apt_opts -qq update >&2 || die "apt-get update of $suite failed"
# shellcheck disable=SC2086
version=$(apt-cache $apt_opts show "$package" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
[ -n "$version" ] || die "$package not found in $suite"
tree=$CACHE/kernels/$package-$version
if [ -f "$tree/.kshm-prepared" ]; then
	echo "$tree/src"
	exit 0
fi

deb=$(ls "$apt_dir"/"${package}"_"${version}"_all.deb 2>/dev/null || true)
if [ -z "$deb" ]; then
	say "downloading $package $version from $suite"
	# shellcheck disable=SC2086
	(cd "$apt_dir" && apt-get $apt_opts -qq download "$package=$version") >&2 ||
		die "apt-get download $package failed"
	deb=$(ls "$apt_dir"/"${package}"_*_all.deb | head -n 1)
fi
rm -rf "$tree"
mkdir -p "$tree"
say "unpacking $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards '*/linux-source-*.tar.xz' |
	tar -xJ -C "$tree" || die "unpacking $deb failed"
mv "$tree"/linux-source-* "$tree/src"
say "defconfig + modules_prepare of $package $version"
make -s -C "$tree/src" defconfig >"$tree/prepare.log" 2>&1 &&
	make -s -C "$tree/src" -j"$(nproc)" modules_prepare >>"$tree/prepare.log" 2>&1 ||
	die "preparing the tree failed (see $tree/prepare.log)"
# Older versions of the same package are of no use any more.
find "$CACHE/kernels" -mindepth 1 -maxdepth 1 -name "$package-*" ! -name "$package-$version" \
	-exec rm -rf {} + 2>/dev/null || true
rm -f "$apt_dir"/*.deb
touch "$tree/.kshm-prepared"
echo "$tree/src"
