# shellcheck shell=sh
# The README's "Using libkshm" example built against an unpacked libkshm
# (`make install` into a scratch root, or the Debian packages dpkg -x'd),
# sourced by tests/install/check.sh and tests/package/check.sh. The caller
# has sourced tests/tap-lib.sh and passes what pkg-config said for that root.
#
#   check_readme_example README WORK ROOT_LIBDIR CFLAGS LIBS LIBS_DIR FROM
#
# README: the README.md to take the example from; WORK: scratch directory (the
# static binary is left at WORK/example-static); ROOT_LIBDIR: the library
# directory inside the root; FROM: how the verdicts name where libkshm came from.
check_readme_example() {
	readme=$1 work=$2 root_libdir=$3 cflags=$4 libs=$5 libs_dir=$6 from=$7

	tests/install/readme-example.sh "$readme" > "$work/readme_example.c"
	grep -q kshm_region_create "$work/readme_example.c"
	tap_check $? "the README's example extracted" "no code block under '## Using libkshm'"
	# shellcheck disable=SC2086
	${CC:-cc} -Wall -Wextra -Werror -o "$work/example-shared" "$work/readme_example.c" \
		$cflags $libs >"$work/shared.log" 2>&1
	tap_check $? "README example: built against $from, linked shared" "see $work/shared.log"
	LD_LIBRARY_PATH="$root_libdir" ldd "$work/example-shared" 2>/dev/null |
		grep -q "libkshm.so.1 => $root_libdir/"
	tap_check $? "it loads libkshm.so.1 (the soname) from $from"
	# It asks for the symbols by version, as a program built against 1.0 will for ever.
	objdump -T "$work/example-shared" 2>/dev/null | grep -q '(KSHM_1\.0) *kshm_region_create$'
	tap_check $? "it binds versioned symbols (kshm_region_create@KSHM_1.0)"
	# Without the device the example's kshm_open fails and it returns -1: it ran.
	LD_LIBRARY_PATH="$root_libdir" "$work/example-shared" >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 255 ] || [ "$rc" -eq 0 ]
	tap_check $? "it runs (exit status $rc)"
	# shellcheck disable=SC2086
	${CC:-cc} -Wall -Wextra -Werror -o "$work/example-static" "$work/readme_example.c" $cflags \
		$libs_dir -Wl,-Bstatic -lkshm -Wl,-Bdynamic >"$work/static.log" 2>&1 &&
		! ldd "$work/example-static" 2>/dev/null | grep -q libkshm
	tap_check $? "README example: built against $from, linked static" "see $work/static.log"
}
