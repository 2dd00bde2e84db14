// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A caller's buffer locked and mapped into system space with an MDL (the
 * twin of linux/kshm_pin.c): shared by attach (long lived) and the direct
 * transfer method (one call).
 */
#include "kshm_drv.h"

struct probe_and_lock {
	PMDL mdl;
	LOCK_OPERATION operation;
};

/* Under kshm_guarded_call: raises on a bad range or when the pages cannot be locked. */
static NTSTATUS probe_and_lock(void *ctx)
{
	struct probe_and_lock *probe = ctx;

	MmProbeAndLockPages(probe->mdl, UserMode, probe->operation);
	return STATUS_SUCCESS;
}

/*
 * Lock [user_addr, +length) of the current process and map it into system
 * space. MmProbeAndLockPages raises on a bad range: the failure path frees
 * the MDL and reports, it never goes on with it. Shared by attach (long
 * lived) and the direct transfer method (one call). *system_va_out points at
 * the first byte of the range (the MDL's ByteOffset included).
 */
NTSTATUS kshm_lock_user_range(uint64_t user_addr, uint64_t length, BOOLEAN kernel_writes,
			      PMDL *mdl_out, uint8_t **system_va_out)
{
	ULONG priority = NormalPagePriority | MdlMappingNoExecute;
	struct probe_and_lock probe;
	uint8_t *system_va;
	NTSTATUS status;
	PMDL mdl;

	/* A 32-bit kernel must not truncate a 64-bit address into a valid one. */
	if (user_addr > (uint64_t)MAXULONG_PTR || length > (uint64_t)MAXULONG)
		return STATUS_ACCESS_VIOLATION;
	mdl = IoAllocateMdl((PVOID)(ULONG_PTR)user_addr, (ULONG)length, FALSE, FALSE, NULL);
	if (!mdl)
		return STATUS_INSUFFICIENT_RESOURCES;
	probe.mdl = mdl;
	probe.operation = kernel_writes ? IoWriteAccess : IoReadAccess;
	status = kshm_guarded_call(probe_and_lock, &probe);
	if (!NT_SUCCESS(status)) {
		IoFreeMdl(mdl);
		return status;
	}
	/* A read-only lock gets a read-only system view: no fill can write through it. */
	if (!kernel_writes)
		priority |= MdlMappingNoWrite;
	system_va = MmGetSystemAddressForMdlSafe(mdl, priority);
	if (!system_va) {
		kshm_unlock_user_range(mdl);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	*mdl_out = mdl;
	*system_va_out = system_va;
	return STATUS_SUCCESS;
}

/* Any context at or below DISPATCH_LEVEL: also drops the system mapping. */
void kshm_unlock_user_range(PMDL mdl)
{
	MmUnlockPages(mdl);
	IoFreeMdl(mdl);
}
