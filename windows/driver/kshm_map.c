// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Mapping pages into the handle's owner (the twin of linux/kshm_mmap.c):
 * MmMapLockedPagesSpecifyCache(UserMode) of a region's MDL, in the owner's
 * context, with a read-only view proven read-only.
 */
#include "kshm_drv.h"

struct user_view {
	PMDL mdl;
	ULONG priority;
	PVOID user_va;
};

/* Under kshm_guarded_call: with UserMode the mapping raises on failure. */
static NTSTATUS map_user_view(void *ctx)
{
	struct user_view *view = ctx;

	view->user_va = MmMapLockedPagesSpecifyCache(view->mdl, UserMode, MmCached, NULL, FALSE,
						     view->priority);
	return view->user_va ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/*
 * Under kshm_guarded_call: an atomic read-modify-write that stores the byte
 * it read (lock or $0), so it can never lose a concurrent write by the
 * process or the kernel's producer. Written in asm: a compiler may turn an
 * idempotent atomic into a plain load, which would prove nothing.
 */
static NTSTATUS write_probe(void *ctx)
{
	volatile uint8_t *byte = ctx;

	__asm__ __volatile__("lock orb $0, %0" : "+m"(*byte) : : "memory");
	return STATUS_SUCCESS;
}

/*
 * Map `mdl` into the current process, which the caller guarantees is the
 * handle's owner (PASSIVE_LEVEL or APC_LEVEL, top-level dispatch).
 *
 * A view the process must not write asks for MdlMappingNoWrite, which only
 * Windows 8 and later honour: an older kernel (or ReactOS) maps it writable
 * and succeeds. So the driver does not trust the flag: it writes to the view
 * itself, here, in the owner's context, under the exception guard. A fault
 * is the proof that the view is read-only; a write that goes through means
 * the kernel ignored the flag, and the view is unmapped and the request
 * refused (STATUS_NOT_SUPPORTED): never a silently writable "read-only" view.
 * One probe covers the whole view (one mapping, one protection).
 */
NTSTATUS kshm_map_into_owner(PMDL mdl, BOOLEAN read_only, PVOID *user_va)
{
	struct user_view view = { .mdl = mdl, .priority = NormalPagePriority | MdlMappingNoExecute };

	*user_va = NULL;
	if (read_only && !kshm_simulate_no_write_ignored)
		view.priority |= MdlMappingNoWrite;
	if (!NT_SUCCESS(kshm_guarded_call(map_user_view, &view)) || !view.user_va)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (read_only && NT_SUCCESS(kshm_guarded_call(write_probe, view.user_va))) {
		MmUnmapLockedPages(view.user_va, mdl);
		return STATUS_NOT_SUPPORTED;
	}
	*user_va = view.user_va;
	return STATUS_SUCCESS;
}
