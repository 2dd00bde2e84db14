#!/bin/sh
# Static checks of a built kshm.sys (x64 or x86), from objdump/nm (and
# llvm-readobj for the x86 load configuration):
#   pe-check.sh KSHM_SYS
#   pe-check.sh --client SAMPLE_SYS
# Prints one TAP document (tests/tap.sh judges it); exits 1 when a check failed.
# --client: a driver of kshm's kernel API (examples/*/windows/): the image checks
# below (native, kernel DLLs only: it reaches kshm through its function table, never
# an import of kshm.sys; dynamic base, NX, no writable code), and that it asks for
# the table the way include/kshm/kernel.h does (IoGetDeviceObjectPointer, an internal
# IoBuildDeviceIoControlRequest). The SEH and kshm-specific checks are kshm.sys's.
#  - native subsystem; imports only from ntoskrnl.exe and HAL.dll;
#  - SEH, x64: .pdata/.xdata present, __C_specific_handler imported, and every
#    function in .text starts an unwind entry (the kernel unwinds through each
#    frame between a fault and its __except);
#  - SEH, x86 (handlers chained at fs:[0], no tables): a load configuration
#    directory with a SafeSEH handler table, every table entry the start of a
#    function, every handler the code registers (push $handler; push %fs:0;
#    mov %esp,%fs:0) listed in the table, the image not marked NO_SEH, and
#    RtlUnwind imported (the handler unwinds newer frames before resuming);
#  - DYNAMIC_BASE (with a .reloc section) and NX_COMPAT; no section both
#    writable and executable;
#  - the MDL routines the technique depends on are imported (and the channels'
#    partial MDLs, event reference, set and wait), and the ones that must be
#    resolved at run time (ExAllocatePool2, MmAllocatePagesForMdlEx, PsIsThreadTerminating,
#    ExEventObjectType) are not imported but named for MmGetSystemRoutineAddress.
set -u
client=0
if [ "$1" = --client ]; then
	client=1
	shift
fi
sys=$1
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
NM=${NM:-x86_64-w64-mingw32-nm}
STRINGS=${STRINGS:-x86_64-w64-mingw32-strings}
READOBJ=${READOBJ:-llvm-readobj-14}
# shellcheck source=tests/tap-lib.sh
. "$(dirname "$0")/../../tests/tap-lib.sh"

check() { # name, then a command whose success means ok
	name=$1
	shift
	"$@"
	tap_check $? "pe.$name"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tap_begin "pe-check $sys"
if ! "$OBJDUMP" -p "$sys" > "$tmp/p" 2>/dev/null || ! "$OBJDUMP" -h "$sys" > "$tmp/h"; then
	tap_give_up pe.readable "$sys"
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

# x86: the SafeSEH table (virtual addresses, as llvm-readobj prints them) and the handlers
# the code pushes on the fs:[0] chain.
safeseh_table() {
	"$READOBJ" --coff-load-config "$sys" > "$tmp/lc" 2>/dev/null || return 1
	sed -n '/^SEHTable \[/,/^\]/s/^ *0x0*\([0-9a-fA-F]*\)$/\1/p' "$tmp/lc" | tr 'A-F' 'a-f' |
		sort -u > "$tmp/seh_table"
	[ -s "$tmp/seh_table" ]
}
table_entries_are_functions() {
	[ -s "$tmp/seh_table" ] || return 1
	awk '$2 ~ /^[Tt]$/ { print $1 }' "$tmp/nm" | sed 's/^0*//' | sort -u > "$tmp/functions"
	missing=$(comm -23 "$tmp/seh_table" "$tmp/functions")
	[ -z "$missing" ] || { echo "  SafeSEH entries that start no function: $missing"; return 1; }
}
registered_handlers_listed() {
	"$OBJDUMP" -d --no-show-raw-insn "$sys" | awk '
		/\tpush +\$0x[0-9a-f]+$/ { sub(/.*\$0x/, ""); handler = $0; step = 1; next }
		step == 1 && /\tpush +%fs:0x0$/ { step = 2; next }
		step == 2 && /\tmov +%esp,%fs:0x0$/ { print handler }
		{ step = 0 }' | sed 's/^0*//' | sort -u > "$tmp/registered"
	[ -s "$tmp/registered" ] || { echo "  no handler registration found"; return 1; }
	missing=$(comm -23 "$tmp/registered" "$tmp/seh_table")
	[ -z "$missing" ] || { echo "  registered but not in the SafeSEH table: $missing"; return 1; }
}
load_config() { grep -q '^Entry a [0-9a-f]*[1-9a-f][0-9a-f]* [0-9a-f]* Load Configuration' "$tmp/p"; }
seh_allowed() { ! dll_flag 0x400; }	# IMAGE_DLLCHARACTERISTICS_NO_SEH

check subsystem_native native
check imports_kernel_only only_kernel_dlls
# Loadable at any base: the kernel always relocates a driver. GNU ld writes .reloc only
# when the image has absolute addresses (a small x64 driver may have none); then the
# image must at least not be marked IMAGE_FILE_RELOCS_STRIPPED.
relocatable() {
	chars=$(sed -n 's/^Characteristics[[:space:]]*0x\([0-9a-fA-F]*\).*/\1/p' "$tmp/p")
	[ -n "$chars" ] && [ $((0x$chars & 1)) -eq 0 ]
}
if [ "$client" -eq 1 ]; then
	check dynamic_base dll_flag 0x40
	check relocatable relocatable
	check nx_compat dll_flag 0x100
	check no_writable_code no_wx_section
	for routine in IoGetDeviceObjectPointer IoBuildDeviceIoControlRequest ObfDereferenceObject; do
		check "client_imports_$routine" imports "$routine"
	done
	tap_plan
	exit
fi
if grep -q 'file format pei-i386' "$tmp/p"; then
	check seh_load_config load_config
	check seh_safeseh_table safeseh_table
	check seh_table_entries_are_functions table_entries_are_functions
	check seh_registered_handlers_listed registered_handlers_listed
	check seh_not_disabled seh_allowed
	check seh_unwind_imported imports RtlUnwind
else
	check seh_pdata section .pdata
	check seh_xdata section .xdata
	check seh_handler_imported imports __C_specific_handler
	check seh_every_function_unwinds every_function_unwinds
fi
check dynamic_base dll_flag 0x40
check relocations section .reloc
check nx_compat dll_flag 0x100
check no_writable_code no_wx_section
for routine in IoAllocateMdl IoFreeMdl MmProbeAndLockPages MmUnlockPages \
	MmMapLockedPagesSpecifyCache MmUnmapLockedPages MmAllocatePagesForMdl MmFreePagesFromMdl \
	MmGetSystemRoutineAddress KeStackAttachProcess KeUnstackDetachProcess ProbeForRead \
	ProbeForWrite IoCreateDevice IoCreateSymbolicLink ZwSetSecurityObject \
	PsSetCreateProcessNotifyRoutine IoBuildPartialMdl ObReferenceObjectByHandle KeSetEvent \
	KeWaitForSingleObject; do
	check "imports_$routine" imports "$routine"
done
# ExEventObjectType, IoFileObjectType: data exports, looked up by name rather than through
# mingw-w64's dllimport declarations (one level of indirection off; see
# windows/driver/kshm_channel.c, kshm_kernel_api.c).
for routine in ExAllocatePool2 MmAllocatePagesForMdlEx ExEventObjectType IoFileObjectType \
	PsIsThreadTerminating; do
	check "resolves_at_run_time_$routine" not_imported "$routine"
	check "names_for_lookup_$routine" names_utf16 "$routine"
done

tap_plan
