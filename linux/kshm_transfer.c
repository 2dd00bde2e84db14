// SPDX-License-Identifier: GPL-2.0
/*
 * The classic ways to move bytes between a process and a driver, doing the
 * same work as FILL / CHECKSUM on regions so that their costs compare:
 *  - buffered: copy_{from,to}_user through a kernel bounce buffer (Windows'
 *    METHOD_BUFFERED, minus its second copy);
 *  - direct: pin the caller's pages and map them for this one call (Windows'
 *    METHOD_IN/OUT_DIRECT), paying the lock/unlock every time;
 *  - read(2) of the device: the buffered fill behind the classic
 *    character-device interface, one system call per message.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "kshm_dev.h"

#define KSHM_BOUNCE_BYTES (64U << 10)

/* The caller's buffer, as core/work.c hands it back to copy_chunk(). */
struct user_buffer {
	void __user *ubuf;
};

/* A chunk between the caller's buffer and the bounce buffer. */
static bool copy_chunk(void *ctx, void *bounce, u64 pos, size_t bytes, bool to_kernel)
{
	void __user *ubuf = ((struct user_buffer *)ctx)->ubuf;

	if (to_kernel)
		return !copy_from_user(bounce, ubuf + pos, bytes);
	return !copy_to_user(ubuf + pos, bounce, bytes);
}

static long transfer_buffered(struct kshm_transfer *req)
{
	size_t bounce_bytes = min_t(u64, req->length, KSHM_BOUNCE_BYTES);
	struct user_buffer user = { .ubuf = u64_to_user_ptr(req->user_addr) };
	enum kshm_status status;
	void *bounce;

	bounce = kmalloc(bounce_bytes, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	status = kshm_work_bounced(req, bounce, bounce_bytes, copy_chunk, &user, &kshm_caller_work);
	kfree(bounce);
	return kshm_status_to_errno(status);
}

static long transfer_direct(struct kshm_transfer *req, const struct kshm_layout *layout)
{
	bool kernel_writes = req->direction == KSHM_DIR_FROM_KERNEL;
	u64 pinned_bytes = (u64)layout->span_pages << PAGE_SHIFT;
	struct kshm_limits limits;
	struct page **pages;
	void *kva;
	long ret;

	kshm_current_limits(&limits);
	ret = kshm_quota_charge(&kshm_counters.bytes_pinned, pinned_bytes,
				limits.max_pinned_bytes);
	if (ret)
		return ret;
	ret = kshm_pin_user_range(layout, kernel_writes, false, &pages);
	if (ret)
		goto uncharge;
	kva = vmap(pages, layout->span_pages, VM_MAP, kernel_writes ? PAGE_KERNEL : PAGE_KERNEL_RO);
	if (!kva) {
		ret = -ENOMEM;
		goto unpin;
	}
	if (kernel_writes)
		ret = kshm_status_to_errno(kshm_work_fill(kva + layout->byte_offset, req->length,
							  req->seed, 0, &kshm_caller_work));
	else
		ret = kshm_status_to_errno(kshm_work_checksum(kva + layout->byte_offset, req->length,
							      &req->checksum, &kshm_caller_work));
	vunmap(kva);
unpin:
	kshm_unpin_user_range(pages, layout->span_pages, kernel_writes);
uncharge:
	atomic64_sub(pinned_bytes, &kshm_counters.bytes_pinned);
	return ret;
}

/*
 * The kernel writes `count` bytes of the pattern into the caller's buffer,
 * seeded with the file position, which each read advances by one (a message
 * counter, not a byte offset). A fault anywhere in the buffer fails the
 * whole read with -EFAULT.
 */
ssize_t kshm_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct kshm_transfer req = {
		.method = KSHM_METHOD_BUFFERED,
		.direction = KSHM_DIR_FROM_KERNEL,
		.user_addr = (uintptr_t)buf,
		.length = count,
		.seed = *ppos,
	};
	long ret;

	if (!count)
		return 0;
	ret = transfer_buffered(&req);
	if (ret)
		return ret;
	(*ppos)++;
	return count;
}

long kshm_transfer_run(struct kshm_transfer *req, const struct kshm_layout *layout)
{
	if (req->method == KSHM_METHOD_BUFFERED)
		return transfer_buffered(req);
	return transfer_direct(req, layout);
}
