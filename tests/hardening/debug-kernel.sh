#!/bin/sh
# Build (once) and locate the kshm debug kernel: Debian's linux-source-6.1,
# `make tinyconfig` plus tests/hardening/debug-kernel.config (KASAN, lockdep,
# kmemleak, UBSAN, fault injection, ...).
#
#   tests/hardening/debug-kernel.sh [--rebuild]
#
# Prints one line, the cache directory, which holds
#   bzImage   the kernel for tests/vm/run.sh --kernel
#   build/    a pruned build tree to build external modules against (KDIR)
# The directory is $KSHM_CACHE/debug-kernel/<key> (KSHM_CACHE defaults to
# ~/.cache/kshm), key = hash of the fragment, this script and the
# linux-source-6.1 package version, so a change to any of them rebuilds. The
# compiler goes through ccache ($KSHM_CACHE/ccache): a rebuild after a
# fragment change takes about a minute instead of several. Progress goes to
# stderr, the build log to <dir>.log.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FRAGMENT=$ROOT/tests/hardening/debug-kernel.config
PACKAGE=linux-source-6.1
TARBALL=/usr/src/$PACKAGE.tar.xz
CACHE=${KSHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kshm}
JOBS=${KSHM_JOBS:-$(nproc)}

say() { echo "debug-kernel: $*" >&2; }
die() { say "$*"; exit 1; }

rebuild=0
[ "${1:-}" = --rebuild ] && rebuild=1

for tool in gcc make flex bison bc ccache xz flock cpio; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool missing: run scripts/install-deps.sh"
done
[ -r "$TARBALL" ] || die "$TARBALL missing: apt-get install $PACKAGE (or scripts/install-deps.sh)"
version=$(dpkg-query -W -f='${Version}' "$PACKAGE" 2>/dev/null) || die "$PACKAGE is not installed"

key=$(cat "$FRAGMENT" "$0" | { cat; echo "$PACKAGE $version"; } | sha256sum | cut -c1-16)
dir=$CACHE/debug-kernel/$key
# Built and complete (the directory appears in one rename at the end of a build).
built() { [ $rebuild = 0 ] && [ -f "$dir/bzImage" ] && [ -f "$dir/build/Module.symvers" ]; }
if built; then
	echo "$dir"
	exit 0
fi

# One build at a time (several checkouts may share the cache): a second
# caller waits here, then finds the kernel built.
mkdir -p "$CACHE/debug-kernel"
exec 9>"$CACHE/debug-kernel/.lock"
flock 9
if built; then
	echo "$dir"
	exit 0
fi

work=$dir.work
log=$dir.log
rm -rf "$dir" "$work"
mkdir -p "$work" "$CACHE/ccache"
say "building $PACKAGE $version with $(basename "$FRAGMENT") into $dir (log: $log)"
start=$(date +%s)

# ccache: depend mode (no preprocessor run), keyed on relative paths so a new
# unpack hits the cache; fixed build stamps so the same config gives the same objects.
export PATH="/usr/lib/ccache:$PATH" CCACHE_DIR="$CACHE/ccache" CCACHE_DEPEND=1 \
	CCACHE_BASEDIR="$work" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=2G
export KBUILD_BUILD_TIMESTAMP="$PACKAGE $version" KBUILD_BUILD_USER=kshm KBUILD_BUILD_HOST=kshm
ccache -z >/dev/null

tar -C "$work" -xf "$TARBALL"
src=$work/$PACKAGE
kmake() { make -C "$src" -j"$JOBS" "$@" >>"$log" 2>&1; }
: > "$log"
kmake tinyconfig || die "make tinyconfig failed (see $log)"
(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$FRAGMENT") >>"$log" 2>&1 ||
	die "merge_config.sh failed (see $log)"
kmake olddefconfig || die "make olddefconfig failed (see $log)"

# Every option the fragment sets must have survived olddefconfig (a missing
# dependency silently drops it).
lost=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAGMENT" | while IFS= read -r line; do
	grep -qxF "$line" "$src/.config" || echo "$line"
done)
[ -z "$lost" ] || die "options of the fragment dropped by olddefconfig: $(echo "$lost" | tr '\n' ' ')"

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
rm -rf "$src"
mv "$work" "$dir"
# Other keys' kernels untouched for two days are of no use any more (the
# ccache keeps what they share); younger ones may belong to another checkout.
find "$CACHE/debug-kernel" -mindepth 1 -maxdepth 1 -mtime +1 ! -name "$key*" ! -name .lock \
	-exec rm -rf {} +
say "done in $(( $(date +%s) - start )) s: $dir ($(du -sh "$dir" | cut -f1))"
echo "$dir"
