#!/bin/sh
# A newer kernel's source tarball, from Debian's archive:
#
#   sources.sh SUITE PACKAGE      e.g. trixie linux-source-6.12, sid linux-source-7.2
#
# Prints one line, the path of the package's linux-source-X.Y.tar.xz, cached as
# $KSHM_CACHE/sources/<package>_<version>.tar.xz (the newest version in SUITE;
# an older one is deleted when a newer appears). The package comes through a
# private sources list and lists directory: the machine's own apt sources, which
# name bookworm only, are never touched (see ../shared/TOOLCHAIN.md). Without
# network the newest cached tarball of PACKAGE is used.
set -eu
suite=$1
package=$2
CACHE=${KSHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kshm}
apt_dir=$CACHE/apt/$suite
store=$CACHE/sources
say() { echo "kernel-sources: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in apt-get apt-cache dpkg-deb tar flock; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool missing (scripts/install-deps.sh)"
done
mkdir -p "$apt_dir/lists/partial" "$store"
# Several checkouts (or make -j) may ask at once: one download at a time.
exec 8>"$store/.lock"
flock 8

mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/* *$/\1/p' /etc/apt/sources.list.d/debian.sources \
	2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
printf 'deb %s %s main\n' "$mirror" "$suite" > "$apt_dir/sources.list"
apt_opts="-o Dir::Etc::sourcelist=$apt_dir/sources.list -o Dir::Etc::sourceparts=/nonexistent"
apt_opts="$apt_opts -o Dir::State::Lists=$apt_dir/lists -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
version=
# shellcheck disable=SC2086
if apt-get $apt_opts -qq update >&2; then
	# shellcheck disable=SC2086
	version=$(apt-cache $apt_opts show "$package" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
	[ -n "$version" ] || die "$package not found in $suite"
else
	cached=$(ls "$store/${package}"_*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$cached" ] || die "apt-get update of $suite failed and no $package is cached"
	say "apt-get update of $suite failed: using the cached $(basename "$cached")"
	echo "$cached"
	exit 0
fi
tarball=$store/${package}_$version.tar.xz
if [ -s "$tarball" ]; then
	echo "$tarball"
	exit 0
fi

say "downloading $package $version from $suite"
rm -f "$apt_dir"/*.deb
# shellcheck disable=SC2086
(cd "$apt_dir" && apt-get $apt_opts -qq download "$package=$version") >&2 ||
	die "apt-get download $package failed"
deb=$(ls "$apt_dir"/"${package}"_*_all.deb | head -n 1)
dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards '*/linux-source-*.tar.xz' > "$tarball.part" ||
	die "no source tarball in $deb"
mv "$tarball.part" "$tarball"
rm -f "$deb"
# Older versions of the same package are of no use any more.
find "$store" -maxdepth 1 -name "${package}_*.tar.xz" ! -name "${package}_$version.tar.xz" -delete
echo "$tarball"
