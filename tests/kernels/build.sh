#!/bin/sh
# Build (once) and locate a test kernel: a Debian linux-source tarball,
# `make tinyconfig`, then the config fragments in order (tests/kernels/*.config).
#
#   tests/kernels/build.sh [--rebuild] NAME TARBALL FRAGMENT...
#   e.g. build.sh 7.2-debug ~/.cache/kshm/sources/linux-source-7.2_7.2.13-1.tar.xz \
#            tests/kernels/base.config tests/kernels/debug.config
#
# Prints one line, the cache directory, which holds
#   bzImage   the kernel for tests/vm/run.sh --kernel
#   build/    a pruned build tree to build external modules against (KDIR),
#             with Module.symvers
#   version   the kernel's release string (uname -r in the guest)
# The directory is $KSHM_CACHE/kernel/NAME-<key> (KSHM_CACHE defaults to
# ~/.cache/kshm), key = hash of the fragments, this script and the tarball's
# name (package and version), so a change to any of them rebuilds. The
# compiler goes through ccache ($KSHM_CACHE/ccache). Progress goes to stderr,
# the build log to <dir>.log.
set -eu

CACHE=${KSHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kshm}
JOBS=${KSHM_JOBS:-$(nproc)}

say() { echo "kernel $name: $*" >&2; }
die() { say "$*"; exit 1; }

rebuild=0
[ "${1:-}" = --rebuild ] && { rebuild=1; shift; }
[ $# -ge 3 ] || { sed -n 's/^#   //p' "$0" | head -n 3 >&2; exit 2; }
name=$1
tarball=$2
shift 2

for tool in gcc make flex bison bc ccache xz flock cpio; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool missing: run scripts/install-deps.sh"
done
[ -r "$tarball" ] || die "$tarball missing (tests/kernels/sources.sh fetches it)"
fragments=
for fragment in "$@"; do
	[ -r "$fragment" ] || die "config fragment $fragment missing"
	fragments="$fragments $(cd "$(dirname "$fragment")" && pwd)/$(basename "$fragment")"
done
# shellcheck disable=SC2086
set -- $fragments

key=$({ cat "$@" "$0"; basename "$tarball"; } | sha256sum | cut -c1-16)
dir=$CACHE/kernel/$name-$key
# Built and complete (the directory appears in one rename at the end of a build).
built() { [ $rebuild = 0 ] && [ -f "$dir/bzImage" ] && [ -f "$dir/build/Module.symvers" ]; }
if built; then
	echo "$dir"
	exit 0
fi

# One build at a time (several checkouts may share the cache, and two at
# once on 2 cores are slower than one after the other): a second caller
# waits here, then finds its kernel built.
mkdir -p "$CACHE/kernel"
exec 9>"$CACHE/kernel/.lock"
flock 9
if built; then
	echo "$dir"
	exit 0
fi

work=$dir.work
log=$dir.log
rm -rf "$dir" "$work"
mkdir -p "$work/src" "$CACHE/ccache"
say "building $(basename "$tarball") with $(for f in "$@"; do basename "$f"; done | tr '\n' ' ')into $dir (log: $log)"
start=$(date +%s)

# ccache: depend mode (no preprocessor run), keyed on relative paths so a new
# unpack hits the cache; fixed build stamps so the same config gives the same objects.
export PATH="/usr/lib/ccache:$PATH" CCACHE_DIR="$CACHE/ccache" CCACHE_DEPEND=1 \
	CCACHE_BASEDIR="$work" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=4G
KBUILD_BUILD_TIMESTAMP=$(basename "$tarball")
export KBUILD_BUILD_TIMESTAMP KBUILD_BUILD_USER=kshm KBUILD_BUILD_HOST=kshm
ccache -z >/dev/null

tar -C "$work/src" --strip-components=1 -xf "$tarball"
src=$work/src
kmake() { make -C "$src" -j"$JOBS" "$@" >>"$log" 2>&1; }
: > "$log"
kmake tinyconfig || die "make tinyconfig failed (see $log)"
(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$@") >>"$log" 2>&1 ||
	die "merge_config.sh failed (see $log)"
kmake olddefconfig || die "make olddefconfig failed (see $log)"

# Every option the fragments set must have survived olddefconfig (a missing
# dependency silently drops it). A later fragment may override an earlier one.
lost=$(cat "$@" | grep -E '^CONFIG_[A-Z0-9_]+=' | awk -F= '{ v[$1] = $0 } END { for (k in v) print v[k] }' |
	while IFS= read -r line; do
		grep -qxF "$line" "$src/.config" || echo "$line"
	done)
[ -z "$lost" ] || die "options of the fragments dropped by olddefconfig: $(echo "$lost" | tr '\n' ' ')"

say "compiling (cold: 4-10 min on 2 cores; with a warm ccache about 1 min)"
# modules writes Module.symvers; modules_prepare alone does not.
kmake bzImage || die "make bzImage failed (see $log)"
kmake modules || die "make modules failed (see $log)"
say "compiled in $(( $(date +%s) - start )) s; ccache: $(ccache -s | grep -iE 'hits|misses' | tr -s ' ' | tr '\n' ' ')"

# The pruned build tree: what `make M=...` reads (Makefiles and Kconfig, the
# generic and x86 headers, scripts with their host programs, objtool, the
# config and Module.symvers).
mkdir -p "$work/build"
(cd "$src" && find . -path ./tools -prune -o \
	\( -name 'Makefile*' -o -name 'Kbuild*' -o -name 'Kconfig*' \) -type f -print |
	cpio -pdm --quiet "$work/build")
(cd "$src" && cp -a .config Module.symvers System.map include scripts "$work/build/" &&
	cp -a --parents arch/x86/include arch/x86/Makefile* arch/x86/tools "$work/build/" &&
	cp -a --parents tools/objtool/objtool tools/include tools/arch/x86/include "$work/build/")
find "$work/build/scripts" -name '*.o' -delete
cp "$src/arch/x86/boot/bzImage" "$work/bzImage"
make -s -C "$src" kernelrelease > "$work/version"
rm -rf "$src"
mv "$work" "$dir"
# Other builds of NAME untouched for two days are of no use any more (the
# ccache keeps what they share); younger ones may belong to another checkout.
find "$CACHE/kernel" -mindepth 1 -maxdepth 1 -name "$name-*" -mtime +1 ! -name "$name-$key*" \
	-exec rm -rf {} +
say "done in $(( $(date +%s) - start )) s: $dir ($(du -sh "$dir" | cut -f1))"
echo "$dir"
