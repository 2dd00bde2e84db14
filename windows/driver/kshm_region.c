// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Region objects: kernel pages for a process, or a process's locked buffer,
 * and what differs between their kinds (struct kshm_region_ops). The one
 * place that allocates and frees a region's MDL.
 */
#include "kshm_drv.h"
#include "core/span.h"

static const struct kshm_region_ops kernel_pages_ops, user_buffer_ops;

static struct kshm_region *region_new(uint32_t kind, const struct kshm_region_ops *ops,
				      uint32_t flags)
{
	struct kshm_region *region = kshm_pool_alloc(sizeof(*region));

	if (!region)
		return NULL;
	region->refs = 1;
	region->ops = ops;
	region->head.kind = kind;
	region->head.flags = flags;
	return region;
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
	region = region_new(KSHM_KIND_KERNEL_PAGES, &kernel_pages_ops, flags);
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
	region->head.byte_count = byte_count;
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
	region = region_new(KSHM_KIND_USER_BUFFER, &user_buffer_ops, flags);
	if (!region) {
		status = STATUS_INSUFFICIENT_RESOURCES;
		goto uncharge;
	}
	status = kshm_lock_user_range(user_addr, layout->byte_count, kernel_writes, &region->mdl,
				      &region->system_va);
	if (!NT_SUCCESS(status))
		goto free_region;
	layout_from_mdl(region->mdl, &region->layout);
	region->head.byte_count = layout->byte_count;
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

/* The last reference (the owner's views went when the id did: ops->forget). */
void kshm_kernel_pages_release(struct kshm_region *region)
{
	MmUnmapLockedPages(region->system_va, region->mdl);
	MmFreePagesFromMdl(region->mdl);
	ExFreePool(region->mdl);
	kshm_counter_add(&kshm_counters.bytes_allocated, -(LONG64)region->charged_bytes);
}

/* In the owner's context: its view, mapped at create, goes with the id. */
static void kernel_pages_forget(struct kshm_region *region)
{
	if (region->user_va)
		MmUnmapLockedPages(region->user_va, region->mdl);
	region->user_va = NULL;
}

static void user_buffer_release(struct kshm_region *region)
{
	kshm_unlock_user_range(region->mdl);
	kshm_counter_add(&kshm_counters.bytes_pinned, -(LONG64)region->charged_bytes);
}

static const struct kshm_region_ops kernel_pages_ops = {
	.release = kshm_kernel_pages_release,
	.forget = kernel_pages_forget,
};

static const struct kshm_region_ops user_buffer_ops = {
	.release = user_buffer_release,
};

_IRQL_requires_max_(APC_LEVEL)
void kshm_region_put(struct kshm_region *region)
{
	if (InterlockedDecrement(&region->refs) == 0) {
		region->ops->release(region);
		kshm_counter_add(&kshm_counters.regions_live, -1);
		ExFreePool(region);
	}
}
