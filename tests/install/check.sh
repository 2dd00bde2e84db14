#!/bin/sh
# libkshm as its users get it: `make install` into a scratch root (Debian's
# layout: PREFIX=/usr, multiarch LIBDIR), then the README's "Using libkshm"
# example and a C++ file built against the installed files alone, through
# pkg-config, linked shared and static, the example run in the test VM
# (tests/vm/run.sh --run, what `make vm-run` does); the installed tool's
# --version and help; then `make uninstall` must leave nothing behind.
#
#   tests/install/check.sh BUILD
#
# Prints TAP (tests/tap-lib.sh), for tests/tap.sh:
#   tests/install/check.sh BUILD [KDIR] | tests/tap.sh install BUILD/results
set -u
build=$1
kdir=${2:-}
work=$build/install-test
root=$(mkdir -p "$work/root" && cd "$work/root" && pwd)
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../tap-lib.sh"

rm -rf "$root" && mkdir -p "$root"
multiarch=$(${CC:-cc} -print-multiarch 2>/dev/null)
libdir=/usr/lib${multiarch:+/$multiarch}
dirs="DESTDIR=$root PREFIX=/usr LIBDIR=$libdir UDEVRULESDIR=/usr/lib/udev/rules.d"
# shellcheck disable=SC2086
make -s --no-print-directory install $dirs >"$work/install.log" 2>&1
tap_check $? "make install ($dirs)" "see $work/install.log"

missing=
for f in /usr/include/kshm.h $(cd include && ls kshm/*.h | sed 's|^|/usr/include/|') \
	"$libdir/libkshm.a" "$libdir/libkshm.so" "$libdir/libkshm.so.1" "$libdir/pkgconfig/kshm.pc" \
	/usr/bin/kshm /usr/lib/udev/rules.d/99-kshm.rules /usr/share/bash-completion/completions/kshm; do
	[ -e "$root$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
tap_check $? "every public header, the library, kshm.pc, the tool, its completion and the udev rule installed" "missing:$missing"

# What a user's build sees: only the scratch root's kshm.pc, its paths under the root.
export PKG_CONFIG_LIBDIR="$root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
cflags=$(pkg-config --cflags kshm) && libs=$(pkg-config --libs kshm)
tap_check $? "pkg-config finds kshm ($(pkg-config --modversion kshm 2>/dev/null))"

# The README's example, as printed there, inside a main(), built shared and static.
. tests/install/example-checks.sh
check_readme_example README.md "$work" "$root$libdir" "$cflags" "$libs" \
	"$(pkg-config --libs-only-L kshm)" "the installed tree"

# The shared library exports exactly the functions kshm.h declares, each with a
# version from lib/libkshm.map, and nothing else (core's helpers stay inside).
want=$(scripts/api-functions.sh "${CC:-cc}" include/kshm.h | sort)
got=$(nm -D --defined-only "$root$libdir/libkshm.so.1" | awk '$2 == "T" { print $3 }' | sort)
unversioned=$(printf '%s\n' "$got" | grep -v '@@KSHM_[0-9.]*$')
[ "$(printf '%s\n' "$got" | sed 's/@@.*//')" = "$want" ] && [ -z "$unversioned" ]
tap_check $? "libkshm.so.1 exports kshm.h's functions, each versioned, and nothing else" \
	"$(printf '%s\n' "$got" | sed 's/@@.*//' | diff - "$(printf '%s\n' "$want" > "$work/want" && echo "$work/want")" | tr '\n' ' ') $unversioned"

# And it does what the README says, on the device: in the test VM, with the module.
BUILD=$build tests/vm/run.sh --run "$work/example-static" >"$work/vm-run.log" 2>&1
tap_check $? "README example: run in the VM (make vm-run), the kernel's checksum matches" \
	"see $work/vm-run.log"

cat > "$work/uses_kshm.cpp" <<'CPP'
// Every public header from C++, and a call through the C linkage.
#include <kshm.h>
#include <kshm/abi.h>
#include <kshm/channel.h>
#include <kshm/ring.h>
#include <cstdio>
#include <cstring>

int main()
{
	struct kshm *k = nullptr;
	int err = kshm_open(nullptr, &k);

	if (err == 0)
		kshm_close(k);
	std::printf("kshm_open: %s\n", err ? std::strerror(-err) : "ok");
	return kshm_checksum("hello", 5) == 0;
}
CPP
# shellcheck disable=SC2086
${CXX:-c++} -std=c++17 -Wall -Wextra -Werror -o "$work/uses_kshm" "$work/uses_kshm.cpp" $cflags $libs \
	>"$work/cxx.log" 2>&1
tap_check $? "a C++17 file including every public header builds and links" "see $work/cxx.log"

# The installed tool: its version, every command's help on stdout with status 0,
# a bad argument named on stderr with status 2.
tool=$root/usr/bin/kshm
want_version=$(scripts/version.sh)
"$tool" --version | grep -qx "kshm $want_version (kshm ABI [0-9]*)"
tap_check $? "kshm --version says $want_version"
bad=
for cmd in $("$tool" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]\+\).*/\1/p'); do
	"$tool" help "$cmd" 2>/dev/null | grep -q "^usage: kshm .*$cmd" || bad="$bad help-$cmd"
	"$tool" "$cmd" --help 2>/dev/null | grep -q "^usage: kshm .*$cmd" || bad="$bad $cmd--help"
done
[ -z "$bad" ]
tap_check $? "kshm help CMD and kshm CMD --help for every command" "failed:$bad"
# bash completion, as bash runs it: COMP_WORDS/COMP_CWORD in, COMPREPLY out.
complete_words() { # words... (the last one is completed)
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kshm; echo "${COMPREPLY[*]}"' \
		_ "$root/usr/share/bash-completion/completions/kshm" "$@" 2>&1
}
got_cmds=$(complete_words "$tool" "")
got_opts=$(complete_words "$tool" --)
got_layout=$(complete_words "$tool" --device /dev/kshm layout --)
got_help=$(complete_words "$tool" help l)
[ "$got_cmds" = "info stat demo layout ring help" ] && [ "$got_opts" = "--device --json --help --version" ] &&
	[ "$got_layout" = "--size --offset --json --help" ] &&
	[ "$got_help" = "layout" ]
tap_check $? "bash completion: commands, the options before them, a command's options, help's argument" \
	"got '$got_cmds' / '$got_opts' / '$got_layout' / '$got_help'"

bad=
for args in "layout --size 0:--size" "layout --offset 1Q --size 1:--offset" "ring --count 0:--count" \
	"ring --size 4:--size" "ring --ring 3x:--ring" "ring --bogus:--bogus" "info extra:info" \
	"demo --json:--json" "--json help:--json"; do
	# shellcheck disable=SC2086
	"$tool" ${args%%:*} >/dev/null 2>"$work/bad-arg.err"
	rc=$?
	{ [ "$rc" -eq 2 ] && grep -q -- "${args#*:}" "$work/bad-arg.err"; } || bad="$bad '${args%%:*}'($rc)"
done
[ -z "$bad" ]
tap_check $? "bad arguments: status 2, the argument named on stderr" "not so for:$bad"

# A driver author's build against the installed kshm: the header (kshm/kernel.h
# in the include directory), Module.symvers (SYMVERSDIR/<release>), each sample
# built by its own Makefile (module and program, pkg-config as above).
release=$(modinfo -F vermagic "$build/module/kshm.ko" 2>/dev/null | cut -d' ' -f1)
symvers=$root/usr/lib/kshm/$release/Module.symvers
missing=
for sym in kshm_channel_get kshm_channel_get_fd kshm_channel_put kshm_channel_publish \
	kshm_channel_consume kshm_channel_kind kshm_channel_closed kshm_region_get \
	kshm_region_get_fd kshm_region_kernel_view kshm_region_put; do
	grep -q "	$sym	.*	EXPORT_SYMBOL_GPL" "$symvers" 2>/dev/null || missing="$missing $sym"
done
[ -n "$release" ] && [ -z "$missing" ]
tap_check $? "Module.symvers installed in /usr/lib/kshm/$release, with every exported function" \
	"missing:$missing"
# A sample is its directory and the programs' shared examples/sample_device.h beside it.
mkdir -p "$work/examples"
cp examples/sample_device.h "$work/examples/"
for sample in tick crc; do
	dir=$work/examples/$sample
	rm -rf "$dir" && mkdir -p "$dir"
	cp "examples/$sample/Kbuild" "examples/$sample/Makefile" "examples/$sample/$sample.c" \
		"examples/$sample/kshm_$sample.c" "examples/$sample/kshm_$sample.h" "$dir/"
	make -C "$dir" KDIR="$kdir" KSHM_INCLUDE="$root/usr/include" KSHM_SYMVERS="$symvers" \
		>"$dir/build.log" 2>&1 &&
		[ -f "$dir/kshm_$sample.ko" ] && [ -x "$dir/$sample" ] &&
		! grep -q 'undefined\|warning:' "$dir/build.log" &&
		[ "$(modinfo -F depends "$dir/kshm_$sample.ko")" = kshm ]
	tap_check $? "examples/$sample: module and program built by its Makefile against the installed files" \
		"see $dir/build.log"
done

# shellcheck disable=SC2086
make -s --no-print-directory uninstall $dirs >"$work/uninstall.log" 2>&1
tap_check $? "make uninstall" "see $work/uninstall.log"
left=$(find "$root" ! -type d | sed "s|^$root||")
[ -z "$left" ]
tap_check $? "make uninstall removed every installed file" "left: $(echo "$left" | tr '\n' ' ')"
tap_plan
