// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Regions (kernel pages for a process, or a process's locked buffer) and the
 * per-handle list that owns them. The one place that builds, maps, locks and
 * frees MDLs.
 */
#include "kshm_drv.h"
#include "core/span.h"

static struct kshm_region *region_new(uint32_t kind, uint32_t flags)
{
	struct kshm_region *region = kshm_pool_alloc(sizeof(*region));

	if (!region)
		return NULL;
	region->refs = 1;
	region->kind = kind;
	region->flags = flags;
	return region;
}

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

typedef PMDL (NTAPI *alloc_pages_for_mdl_ex_fn)(PHYSICAL_ADDRESS low, PHYSICAL_ADDRESS high,
						 PHYSICAL_ADDRESS skip, SIZE_T bytes,
						 MEMORY_CACHING_TYPE cache, ULONG flags);
static alloc_pages_for_mdl_ex_fn kshm_alloc_pages_for_mdl_ex;

/*
 * MmAllocatePagesForMdlEx is resolved at run time rather than imported: a
 * host without it (Wine) then still loads the driver, and the allocation
 * falls back to MmAllocatePagesForMdl.
 */
void kshm_region_init(void)
{
	UNICODE_STRING name;

	RtlInitUnicodeString(&name, L"MmAllocatePagesForMdlEx");
	kshm_alloc_pages_for_mdl_ex = (alloc_pages_for_mdl_ex_fn)MmGetSystemRoutineAddress(&name);
}

/*
 * Whole pages of RAM, not zeroed here (kshm_region_alloc_kernel_pages zeroes
 * them). No MM_ALLOCATE_FULLY_REQUIRED: NT 5.2 kernels (ReactOS) refuse the
 * flag outright (NULL for every size), and the byte-count check after the
 * call already refuses a partial allocation. MM_DONT_ZERO_ALLOCATION, which
 * every version of the routine accepts, saves the allocator's zeroing pass,
 * since the driver's own is the one it can confirm.
 */
static PMDL alloc_pages(uint64_t bytes)
{
	PHYSICAL_ADDRESS low = { .QuadPart = 0 }, high = { .QuadPart = -1 }, skip = { .QuadPart = 0 };

	if (kshm_alloc_pages_for_mdl_ex)
		return kshm_alloc_pages_for_mdl_ex(low, high, skip, (SIZE_T)bytes, MmCached,
						   MM_DONT_ZERO_ALLOCATION);
	return MmAllocatePagesForMdl(low, high, skip, (SIZE_T)bytes);
}

/*
 * Kernel pages for a process: whole pages, never shared with pool
 * allocations, so only these pages can reach user space. Both allocators may
 * return fewer bytes than asked: checked. Zeroed by the driver through its
 * system view, whatever the allocator promised: on ReactOS, pages from
 * MmAllocatePagesForMdlEx reached a process holding old data, and nothing the
 * driver cannot confirm may be relied on for what user space gets to see.
 */
NTSTATUS kshm_region_alloc_kernel_pages(uint64_t alloc_bytes, uint64_t byte_count, uint32_t flags,
					const struct kshm_limits *limits, struct kshm_region **out)
{
	struct kshm_region *region;
	NTSTATUS status;

	status = kshm_quota_charge(&kshm_counters.bytes_allocated, alloc_bytes,
				   limits->max_allocated_bytes);
	if (!NT_SUCCESS(status))
		return status;
	status = STATUS_INSUFFICIENT_RESOURCES;
	region = region_new(KSHM_KIND_KERNEL_PAGES, flags);
	if (!region)
		goto uncharge;
	region->charged_bytes = alloc_bytes;
	region->mdl = alloc_pages(alloc_bytes);
	if (!region->mdl)
		goto free_region;
	if (MmGetMdlByteCount(region->mdl) != alloc_bytes)
		goto free_pages;
	/* The kernel's own view, valid in any process context, for fill and checksum. */
	region->system_va = MmGetSystemAddressForMdlSafe(region->mdl,
							 NormalPagePriority | MdlMappingNoExecute);
	if (!region->system_va)
		goto free_pages;
	RtlZeroMemory(region->system_va, (SIZE_T)alloc_bytes);
	region->byte_count = byte_count;
	kshm_counter_add(&kshm_counters.regions_live, 1);
	*out = region;
	return STATUS_SUCCESS;

free_pages:
	MmFreePagesFromMdl(region->mdl);
	ExFreePool(region->mdl);
free_region:
	ExFreePool(region);
uncharge:
	kshm_counter_add(&kshm_counters.bytes_allocated, -(LONG64)alloc_bytes);
	return status;
}

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

/* The same, mapped into the caller (the handle's owner) for a region. */
NTSTATUS kshm_region_alloc_pages(uint64_t alloc_bytes, uint64_t byte_count, uint32_t flags,
				 const struct kshm_limits *limits, struct kshm_region **out)
{
	struct kshm_region *region;
	NTSTATUS status;

	status = kshm_region_alloc_kernel_pages(alloc_bytes, byte_count, flags, limits, &region);
	if (!NT_SUCCESS(status))
		return status;
	status = kshm_map_into_owner(region->mdl, (flags & KSHM_REGION_USER_READONLY) != 0,
				     &region->user_va);
	if (!NT_SUCCESS(status)) {
		kshm_region_put(region);
		return status;
	}
	*out = region;
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

/* The layout exactly as the MDL records it (not as the caller asked). */
static void layout_from_mdl(PMDL mdl, struct kshm_layout *layout)
{
	PVOID va = MmGetMdlVirtualAddress(mdl);
	ULONG byte_count = MmGetMdlByteCount(mdl);

	RtlZeroMemory(layout, sizeof(*layout));
	layout->start_va = (uint64_t)(ULONG_PTR)PAGE_ALIGN(va);
	layout->byte_offset = MmGetMdlByteOffset(mdl);
	layout->byte_count = byte_count;
	layout->span_pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, byte_count);
	layout->page_size = PAGE_SIZE;
}

NTSTATUS kshm_region_attach_user(const struct kshm_layout *layout, uint32_t flags,
				 const struct kshm_limits *limits, struct kshm_region **out)
{
	BOOLEAN kernel_writes = (flags & KSHM_ATTACH_KERNEL_WRITE) != 0;
	uint64_t pinned_bytes = (uint64_t)layout->span_pages << PAGE_SHIFT;
	uint64_t user_addr = layout->start_va + layout->byte_offset;
	struct kshm_region *region;
	NTSTATUS status;

	status = kshm_quota_charge(&kshm_counters.bytes_pinned, pinned_bytes,
				   limits->max_pinned_bytes);
	if (!NT_SUCCESS(status))
		return status;
	region = region_new(KSHM_KIND_USER_BUFFER, flags);
	if (!region) {
		status = STATUS_INSUFFICIENT_RESOURCES;
		goto uncharge;
	}
	status = kshm_lock_user_range(user_addr, layout->byte_count, kernel_writes, &region->mdl,
				      &region->system_va);
	if (!NT_SUCCESS(status))
		goto free_region;
	layout_from_mdl(region->mdl, &region->layout);
	region->byte_count = layout->byte_count;
	region->charged_bytes = pinned_bytes;
	kshm_counter_add(&kshm_counters.regions_live, 1);
	*out = region;
	return STATUS_SUCCESS;

free_region:
	ExFreePool(region);
uncharge:
	kshm_counter_add(&kshm_counters.bytes_pinned, -(LONG64)pinned_bytes);
	return status;
}

/* Called with the last reference; the user view is already gone (remove_user_view). */
static void region_free(struct kshm_region *region)
{
	if (region->channel)
		kshm_channel_free(region->channel);
	if (region->kind != KSHM_KIND_USER_BUFFER) {
		MmUnmapLockedPages(region->system_va, region->mdl);
		MmFreePagesFromMdl(region->mdl);
		ExFreePool(region->mdl);
		kshm_counter_add(&kshm_counters.bytes_allocated, -(LONG64)region->charged_bytes);
	} else {
		kshm_unlock_user_range(region->mdl);
		kshm_counter_add(&kshm_counters.bytes_pinned, -(LONG64)region->charged_bytes);
	}
	kshm_counter_add(&kshm_counters.regions_live, -1);
	ExFreePool(region);
}

void kshm_region_put(struct kshm_region *region)
{
	if (InterlockedDecrement(&region->refs) == 0)
		region_free(region);
}

/*
 * Unmap the owner's view of kernel pages. MmUnmapLockedPages with a user
 * address must run in that process: attach to it when the caller is another
 * (CLEANUP from a duplicated handle's last close, CLOSE in an arbitrary
 * context).
 */
static void remove_user_view(struct kshm_handle *handle, struct kshm_region *region)
{
	KAPC_STATE apc_state;
	BOOLEAN attach;

	if (!region->user_va && !region->channel)
		return;
	attach = PsGetCurrentProcess() != handle->owner;
	if (attach)
		KeStackAttachProcess((PKPROCESS)handle->owner, &apc_state);
	if (region->channel)
		kshm_channel_remove_views(region->channel);	/* its two views, if mapped */
	else
		MmUnmapLockedPages(region->user_va, region->mdl);
	if (attach)
		KeUnstackDetachProcess(&apc_state);
	region->user_va = NULL;
}

/*
 * Every open handle, so that an exiting owner can be cleaned up even while a
 * duplicate of its handle lives on in another process (then no CLEANUP comes
 * before the owner's address space goes, and locked pages would outlive it:
 * bugcheck PROCESS_HAS_LOCKED_PAGES). Lock order: kshm_handles_lock, then a
 * handle's release_lock, then its lock.
 */
static LIST_ENTRY kshm_handles;
static FAST_MUTEX kshm_handles_lock;

/*
 * Process exit: PASSIVE_LEVEL, in the context of the exiting process, whose
 * address space still exists. Release what its handles hold now.
 */
static VOID NTAPI owner_exit_notify(HANDLE parent_id, HANDLE process_id, BOOLEAN create)
{
	PLIST_ENTRY entry;

	UNREFERENCED_PARAMETER(parent_id);
	if (create)
		return;
	ExAcquireFastMutex(&kshm_handles_lock);
	for (entry = kshm_handles.Flink; entry != &kshm_handles; entry = entry->Flink) {
		struct kshm_handle *handle = CONTAINING_RECORD(entry, struct kshm_handle, all_link);

		if (PsGetProcessId(handle->owner) == process_id)
			kshm_handle_release_all(handle);
	}
	ExReleaseFastMutex(&kshm_handles_lock);
}

NTSTATUS kshm_handles_start(void)
{
	InitializeListHead(&kshm_handles);
	ExInitializeFastMutex(&kshm_handles_lock);
	return PsSetCreateProcessNotifyRoutine(owner_exit_notify, FALSE);
}

/* No handle is open any more (the I/O manager unloads only then). */
void kshm_handles_stop(void)
{
	PsSetCreateProcessNotifyRoutine(owner_exit_notify, TRUE);
}

void kshm_handle_init(struct kshm_handle *handle, PEPROCESS owner)
{
	ExInitializeFastMutex(&handle->lock);
	ExInitializeFastMutex(&handle->release_lock);
	InitializeListHead(&handle->regions);
	handle->next_id = 1;
	ObReferenceObject(owner);
	handle->owner = owner;
	ExAcquireFastMutex(&kshm_handles_lock);
	InsertTailList(&kshm_handles, &handle->all_link);
	ExReleaseFastMutex(&kshm_handles_lock);
}

/* CLOSE: the last reference to the file object is gone. */
void kshm_handle_destroy(struct kshm_handle *handle)
{
	kshm_handle_release_all(handle);
	ExAcquireFastMutex(&kshm_handles_lock);
	RemoveEntryList(&handle->all_link);
	ExReleaseFastMutex(&kshm_handles_lock);
	ObDereferenceObject(handle->owner);
	ExFreePool(handle);
}

/*
 * CLEANUP and CLOSE (PASSIVE_LEVEL), and the owner's exit notification
 * (APC_LEVEL, under kshm_handles_lock). One at a time, whole: a CLEANUP from
 * a duplicate in another process may run while the owner exits, and the
 * notification must not find the list empty and return while that CLEANUP
 * still holds a region it took off the list, with views or locked pages in
 * the owner, whose address space goes once the notification returns.
 */
void kshm_handle_release_all(struct kshm_handle *handle)
{
	struct kshm_region *region;
	PLIST_ENTRY entry;

	ExAcquireFastMutex(&handle->release_lock);
	for (;;) {
		ExAcquireFastMutex(&handle->lock);
		if (IsListEmpty(&handle->regions)) {
			ExReleaseFastMutex(&handle->lock);
			break;
		}
		entry = RemoveHeadList(&handle->regions);
		handle->nr_regions--;
		ExReleaseFastMutex(&handle->lock);
		region = CONTAINING_RECORD(entry, struct kshm_region, link);
		remove_user_view(handle, region);
		kshm_region_put(region);
	}
	ExReleaseFastMutex(&handle->release_lock);
}

static struct kshm_region *find_locked(struct kshm_handle *handle, uint32_t id)
{
	PLIST_ENTRY entry;

	for (entry = handle->regions.Flink; entry != &handle->regions; entry = entry->Flink) {
		struct kshm_region *region = CONTAINING_RECORD(entry, struct kshm_region, link);

		if (region->id == id)
			return region;
	}
	return NULL;
}

/*
 * Give the region an id and the handle's reference. Ids are cyclic in
 * [1, KSHM_MAX_REGION_ID] so a stale id keeps failing for a long time. Once
 * the lock is dropped another thread may destroy the region (ids are
 * predictable): the id is handed back in *id_out, taken under the lock.
 */
NTSTATUS kshm_handle_insert(struct kshm_handle *handle, struct kshm_region *region,
			    const struct kshm_limits *limits, uint32_t *id_out)
{
	NTSTATUS status = STATUS_QUOTA_EXCEEDED;
	uint32_t tries;

	ExAcquireFastMutex(&handle->lock);
	if (handle->nr_regions < limits->max_regions_per_file) {
		for (tries = 0; tries < KSHM_MAX_REGION_ID; tries++) {
			uint32_t id = handle->next_id;

			handle->next_id = id == KSHM_MAX_REGION_ID ? 1 : id + 1;
			if (!find_locked(handle, id)) {
				region->id = id;
				*id_out = id;
				InsertHeadList(&handle->regions, &region->link);
				handle->nr_regions++;
				status = STATUS_SUCCESS;
				break;
			}
		}
	}
	ExReleaseFastMutex(&handle->lock);
	return status;
}

/* A counted reference to region `id`, or NULL; release with kshm_region_put(). */
struct kshm_region *kshm_handle_get_region(struct kshm_handle *handle, uint32_t id)
{
	struct kshm_region *region;

	ExAcquireFastMutex(&handle->lock);
	region = find_locked(handle, id);
	if (region)
		InterlockedIncrement(&region->refs);
	ExReleaseFastMutex(&handle->lock);
	return region;
}

NTSTATUS kshm_handle_remove(struct kshm_handle *handle, uint32_t id)
{
	struct kshm_region *region;

	ExAcquireFastMutex(&handle->lock);
	region = find_locked(handle, id);
	if (region) {
		RemoveEntryList(&region->link);
		handle->nr_regions--;
	}
	ExReleaseFastMutex(&handle->lock);
	if (!region)
		return STATUS_NOT_FOUND;
	remove_user_view(handle, region);
	kshm_region_put(region);
	return STATUS_SUCCESS;
}
