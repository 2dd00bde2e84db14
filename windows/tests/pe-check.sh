#!/bin/sh
# Static checks of a built kshm.sys (x64), from objdump/nm alone:
#   pe-check.sh KSHM_SYS RESULTS_FILE
# Prints PASS/FAIL per check and writes "passed failed" to RESULTS_FILE.
#  - native subsystem; imports only from ntoskrnl.exe and HAL.dll;
#  - SEH: .pdata/.xdata present, __C_specific_handler imported, and every
#    function in .text starts an unwind entry (the kernel unwinds through each
#    frame between a fault and its __except);
#  - DYNAMIC_BASE (with a .reloc section) and NX_COMPAT; no section both
#    writable and executable;
#  - the MDL routines the technique depends on are imported, and the ones that
#    must be resolved at run time (ExAllocatePool2, MmAllocatePagesForMdlEx)
#    are not imported but named for MmGetSystemRoutineAddress.
set -u
sys=$1
results=$2
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
NM=${NM:-x86_64-w64-mingw32-nm}
STRINGS=${STRINGS:-x86_64-w64-mingw32-strings}
passed=0
failed=0

check() { # name, then a command whose success means PASS
	name=$1
	shift
	if "$@"; then
		echo "PASS pe.$name"; passed=$((passed + 1))
	else
		echo "FAIL pe.$name"; failed=$((failed + 1))
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$OBJDUMP" -p "$sys" > "$tmp/p" 2>/dev/null || ! "$OBJDUMP" -h "$sys" > "$tmp/h"; then
	echo "FAIL pe.readable: $sys"
	echo "0 1" > "$results"
	exit 1
fi
"$NM" "$sys" > "$tmp/nm" 2>/dev/null || : > "$tmp/nm"

# Imported names, "DLL name" lines and the import table rows under them.
sed -n 's/^\tDLL Name: //p' "$tmp/p" > "$tmp/dlls"
awk '/^\tDLL Name:/ { on = 1; next } on && /^\t[0-9a-f]+\t *[0-9]+  [A-Za-z_]/ { print $3 } /^$/ { on = 0 }' \
	"$tmp/p" | sort -u > "$tmp/imports"

native() { grep -q '^Subsystem[[:space:]]*00000001' "$tmp/p"; }
only_kernel_dlls() { [ -s "$tmp/dlls" ] && ! grep -viq '^\(ntoskrnl\.exe\|hal\.dll\)$' "$tmp/dlls"; }
section() { grep -q "^ *[0-9]* $1 " "$tmp/h"; }
imports() { grep -qx "$1" "$tmp/imports"; }
not_imported() { ! grep -qx "$1" "$tmp/imports"; }
# The name as MmGetSystemRoutineAddress gets it: a UTF-16LE literal in the image.
names_utf16() { "$STRINGS" -el "$sys" | grep -qx "$1"; }
dll_flag() { # mask
	flags=$(sed -n 's/^DllCharacteristics[[:space:]]*\([0-9a-fA-F]*\).*/\1/p' "$tmp/p")
	[ -n "$flags" ] && [ $((0x$flags & $1)) -ne 0 ]
}
# objdump -h: a loaded section with CODE but without READONLY is writable and executable.
no_wx_section() {
	! awk 'NR > 1 && prev ~ /^ *[0-9]+ / { if ($0 ~ /CODE/ && $0 !~ /READONLY/) bad = 1 } { prev = $0 } END { exit !bad }' "$tmp/h"
}
# Leaf functions (no call, no push, no stack allocation) need no unwind entry; every other does.
every_function_unwinds() {
	sed -n '/Function Table/,/^$/p' "$tmp/p" | awk 'NF >= 4 && $2 ~ /^[0-9a-f]+$/ { print $2 }' |
		sort -u > "$tmp/unwind"
	"$OBJDUMP" -d --no-show-raw-insn "$sys" | awk '
		/^[0-9a-f]+ <[$.][^>]*>:$/ { next }	# SEH continuation labels inside a function
		/^[0-9a-f]+ <[^>]*>:$/ { if (addr != "" && framed) print addr; addr = $1; framed = 0; next }
		/\t(call|push|sub +\$0x[0-9a-f]+,%rsp)/ { framed = 1 }
		END { if (addr != "" && framed) print addr }' | sort -u > "$tmp/framed"
	[ -s "$tmp/framed" ] && [ -s "$tmp/unwind" ] || return 1
	missing=$(comm -23 "$tmp/framed" "$tmp/unwind")
	[ -z "$missing" ] || { echo "  functions with a frame but no unwind entry: $missing"; return 1; }
}

check subsystem_native native
check imports_kernel_only only_kernel_dlls
check seh_pdata section .pdata
check seh_xdata section .xdata
check seh_handler_imported imports __C_specific_handler
check seh_every_function_unwinds every_function_unwinds
check dynamic_base dll_flag 0x40
check relocations section .reloc
check nx_compat dll_flag 0x100
check no_writable_code no_wx_section
for routine in IoAllocateMdl IoFreeMdl MmProbeAndLockPages MmUnlockPages \
	MmMapLockedPagesSpecifyCache MmUnmapLockedPages MmAllocatePagesForMdl MmFreePagesFromMdl \
	MmGetSystemRoutineAddress KeStackAttachProcess KeUnstackDetachProcess ProbeForRead \
	ProbeForWrite IoCreateDevice IoCreateSymbolicLink ZwSetSecurityObject \
	PsSetCreateProcessNotifyRoutine; do
	check "imports_$routine" imports "$routine"
done
for routine in ExAllocatePool2 MmAllocatePagesForMdlEx; do
	check "resolves_at_run_time_$routine" not_imported "$routine"
	check "names_for_lookup_$routine" names_utf16 "$routine"
done

echo "$passed $failed" > "$results"
echo "pe: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
