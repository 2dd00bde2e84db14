// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The fill / checksum work, and the classic ways to reach a caller's bytes,
 * doing the same work as FILL / CHECKSUM on regions so that costs compare
 * (linux/kshm_transfer.c is the same on Linux):
 *  - buffered: copy through a kernel bounce buffer (what METHOD_BUFFERED does);
 *  - direct: lock the caller's pages and map them for this one call (what
 *    METHOD_IN_DIRECT / METHOD_OUT_DIRECT do with Irp->MdlAddress);
 *  - neither: the raw user pointer, probed and used under the guard
 *    (kshm_guarded_call; METHOD_NEITHER).
 * All three run in the owner's context at PASSIVE_LEVEL, so user addresses
 * name the caller's memory.
 */
#include "kshm_drv.h"

#define KSHM_BOUNCE_BYTES (64U << 10)

/* core/work.c's fill and checksum for this thread, as NTSTATUS. */
NTSTATUS kshm_fill_bytes(uint8_t *dst, uint64_t len, uint64_t seed)
{
	return kshm_status_to_ntstatus(kshm_work_fill(dst, len, seed, 0, &kshm_caller_work));
}

NTSTATUS kshm_checksum_bytes(const uint8_t *src, uint64_t len, uint64_t *checksum)
{
	return kshm_status_to_ntstatus(kshm_work_checksum(src, len, checksum, &kshm_caller_work));
}

/* Under kshm_guarded_call: the caller may unmap its buffer at any time. */
NTSTATUS kshm_copy_user(void *ctx)
{
	struct kshm_user_copy *copy = ctx;

	if (copy->to_kernel) {
		ProbeForRead(copy->user, copy->bytes, 1);
		RtlCopyMemory(copy->kernel, copy->user, copy->bytes);
	} else {
		ProbeForWrite(copy->user, copy->bytes, 1);
		RtlCopyMemory(copy->user, copy->kernel, copy->bytes);
	}
	return STATUS_SUCCESS;
}

struct bounce_copy {
	uint8_t *ubuf;		/* the caller's buffer, a raw pointer in its address space */
	NTSTATUS status;	/* why a copy failed */
};

/* A chunk between the caller's buffer and the bounce buffer, under the guard. */
static bool copy_chunk(void *ctx, void *bounce, uint64_t pos, size_t bytes, bool to_kernel)
{
	struct bounce_copy *bc = ctx;
	struct kshm_user_copy copy = {
		.user = bc->ubuf + pos,
		.kernel = bounce,
		.bytes = bytes,
		.to_kernel = to_kernel,
	};

	bc->status = kshm_guarded_call(kshm_copy_user, &copy);
	return NT_SUCCESS(bc->status);
}

static NTSTATUS transfer_buffered(struct kshm_transfer *req, uint8_t *ubuf)
{
	size_t bounce_bytes = (size_t)min(req->length, (uint64_t)KSHM_BOUNCE_BYTES);
	struct bounce_copy bc = { .ubuf = ubuf };
	enum kshm_status status;
	uint8_t *bounce;

	bounce = kshm_pool_alloc(bounce_bytes);
	if (!bounce)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = kshm_work_bounced(req, bounce, bounce_bytes, copy_chunk, &bc, &kshm_caller_work);
	ExFreePool(bounce);
	return status == KSHM_ERR_FAULT ? bc.status : kshm_status_to_ntstatus(status);
}

static NTSTATUS transfer_direct(struct kshm_transfer *req, const struct kshm_layout *layout)
{
	BOOLEAN kernel_writes = req->direction == KSHM_DIR_FROM_KERNEL;
	uint64_t pinned_bytes = (uint64_t)layout->span_pages << PAGE_SHIFT;
	struct kshm_limits limits;
	uint8_t *system_va;
	NTSTATUS status;
	PMDL mdl;

	kshm_current_limits(&limits);
	status = kshm_quota_charge(&kshm_counters.bytes_pinned, pinned_bytes,
				   limits.max_pinned_bytes);
	if (!NT_SUCCESS(status))
		return status;
	status = kshm_lock_user_range(req->user_addr, req->length, kernel_writes, &mdl, &system_va);
	if (NT_SUCCESS(status)) {
		if (kernel_writes)
			status = kshm_fill_bytes(system_va, req->length, req->seed);
		else
			status = kshm_checksum_bytes(system_va, req->length, &req->checksum);
		kshm_unlock_user_range(mdl);
	}
	kshm_counter_add(&kshm_counters.bytes_pinned, -(LONG64)pinned_bytes);
	return status;
}

struct user_pointer_work {
	struct kshm_transfer *req;
	uint8_t *ubuf;		/* the caller's bytes, in its own address space */
};

/* Under kshm_guarded_call: every access to ubuf may fault. */
static NTSTATUS work_on_user_pointer(void *ctx)
{
	struct user_pointer_work *work = ctx;
	struct kshm_transfer *req = work->req;

	if (req->direction == KSHM_DIR_TO_KERNEL) {
		ProbeForRead(work->ubuf, (SIZE_T)req->length, 1);
		return kshm_checksum_bytes(work->ubuf, req->length, &req->checksum);
	}
	ProbeForWrite(work->ubuf, (SIZE_T)req->length, 1);
	return kshm_fill_bytes(work->ubuf, req->length, req->seed);
}

/*
 * No copy and no lock: the work runs on the user pointer, every fault caught.
 * Also KSHM_IOC_TRANSFER_NEITHER's work, on the I/O manager's Irp->UserBuffer.
 */
NTSTATUS kshm_transfer_neither(struct kshm_transfer *req, uint8_t *ubuf)
{
	struct user_pointer_work work = { .req = req, .ubuf = ubuf };

	return kshm_guarded_call(work_on_user_pointer, &work);
}

NTSTATUS kshm_transfer_run(struct kshm_transfer *req, const struct kshm_layout *layout)
{
	uint8_t *ubuf = (uint8_t *)(ULONG_PTR)req->user_addr;

	/* A 32-bit kernel must not truncate a 64-bit address into a valid one. */
	if (req->user_addr > (uint64_t)MAXULONG_PTR || req->length > (uint64_t)MAXULONG_PTR)
		return STATUS_ACCESS_VIOLATION;
	switch (req->method) {
	case KSHM_METHOD_BUFFERED:
		return transfer_buffered(req, ubuf);
	case KSHM_METHOD_DIRECT:
		return transfer_direct(req, layout);
	default:
		return kshm_transfer_neither(req, ubuf);
	}
}
