// SPDX-License-Identifier: GPL-2.0
/* Region objects: kernel pages for a process, or a process's locked buffer. */
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/capability.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kshm_dev.h"
#include "include/kshm/kernel.h"
#include "core/policy.h"

static const struct kshm_region_ops kernel_pages_ops, user_buffer_ops;

static struct kshm_region *region_new(u32 kind, const struct kshm_region_ops *ops, u32 flags)
{
	struct kshm_region *region = kzalloc(sizeof(*region), GFP_KERNEL_ACCOUNT);

	if (!region)
		return NULL;
	kref_init(&region->ref);
	region->ops = ops;
	region->head.kind = kind;
	region->head.flags = flags;
	return region;
}

/*
 * Kernel pages for a process: zeroed whole pages, so nothing the kernel held
 * before reaches user space, and only these pages can ever be mapped (the
 * fault handler looks each one up in this area). __GFP_ACCOUNT charges them
 * to the caller's memory cgroup, so the OOM killer sees them as the caller's;
 * vmalloc_user() would not.
 */
struct kshm_region *kshm_region_alloc_pages(u64 alloc_bytes, u64 byte_count, u32 flags,
					    const struct kshm_limits *limits)
{
	struct kshm_region *region;
	int err;

	err = kshm_quota_charge(&kshm_counters.bytes_allocated, alloc_bytes,
				limits->max_allocated_bytes);
	if (err)
		return ERR_PTR(err);

	region = region_new(KSHM_KIND_KERNEL_PAGES, &kernel_pages_ops, flags);
	if (!region) {
		err = -ENOMEM;
		goto uncharge;
	}
	region->kva = __vmalloc(alloc_bytes, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!region->kva) {
		err = -ENOMEM;
		goto free_region;
	}
	region->head.byte_count = byte_count;
	region->nr_pages = alloc_bytes >> PAGE_SHIFT;
	atomic64_inc(&kshm_counters.regions_live);
	return region;

free_region:
	kfree(region);
uncharge:
	atomic64_sub(alloc_bytes, &kshm_counters.bytes_allocated);
	return ERR_PTR(err);
}

/*
 * Long-term pins count against RLIMIT_MEMLOCK in mm->pinned_vm, as RDMA and
 * VFIO do, unless the caller may lock memory at will (CAP_IPC_LOCK).
 */
static int charge_memlock(struct mm_struct *mm, unsigned long nr_pages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 pinned = atomic64_add_return(nr_pages, &mm->pinned_vm);

	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(nr_pages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

struct kshm_region *kshm_region_attach_user(const struct kshm_layout *layout, u32 flags,
					    const struct kshm_limits *limits)
{
	bool kernel_writes = flags & KSHM_ATTACH_KERNEL_WRITE;
	unsigned long nr_pages = layout->span_pages;
	u64 pinned_bytes = (u64)nr_pages << PAGE_SHIFT;
	struct mm_struct *mm = current->mm;
	struct kshm_region *region;
	int err;

	err = kshm_quota_charge(&kshm_counters.bytes_pinned, pinned_bytes,
				limits->max_pinned_bytes);
	if (err)
		return ERR_PTR(err);
	err = charge_memlock(mm, nr_pages);
	if (err)
		goto uncharge_global;

	region = region_new(KSHM_KIND_USER_BUFFER, &user_buffer_ops, flags);
	if (!region) {
		err = -ENOMEM;
		goto uncharge_memlock;
	}
	err = kshm_pin_user_range(layout, kernel_writes, true, &region->pages);
	if (err)
		goto free_region;

	/* A read-only attach gets a read-only kernel mapping: no fill can write through it. */
	region->kva = vmap(region->pages, nr_pages, VM_MAP,
			   kernel_writes ? PAGE_KERNEL : PAGE_KERNEL_RO);
	if (!region->kva) {
		err = -ENOMEM;
		goto unpin;
	}
	region->layout = *layout;
	region->head.byte_count = layout->byte_count;
	region->nr_pages = nr_pages;
	mmgrab(mm);
	region->owner_mm = mm;
	atomic64_inc(&kshm_counters.regions_live);
	return region;

unpin:
	kshm_unpin_user_range(region->pages, nr_pages, false);
free_region:
	kfree(region);
uncharge_memlock:
	atomic64_sub(nr_pages, &mm->pinned_vm);
uncharge_global:
	atomic64_sub(pinned_bytes, &kshm_counters.bytes_pinned);
	return ERR_PTR(err);
}

void kshm_kernel_pages_release(struct kshm_region *region)
{
	vfree(region->kva);
	atomic64_sub((u64)region->nr_pages << PAGE_SHIFT, &kshm_counters.bytes_allocated);
}

static void user_buffer_release(struct kshm_region *region)
{
	vunmap(region->kva);
	kshm_unpin_user_range(region->pages, region->nr_pages,
			      region->head.flags & KSHM_ATTACH_KERNEL_WRITE);
	/* The mm may have exited already: mmgrab keeps the struct, which is all we touch. */
	atomic64_sub(region->nr_pages, &region->owner_mm->pinned_vm);
	mmdrop(region->owner_mm);
	atomic64_sub((u64)region->nr_pages << PAGE_SHIFT, &kshm_counters.bytes_pinned);
}

static void region_release(struct kref *ref)
{
	struct kshm_region *region = container_of(ref, struct kshm_region, ref);

	region->ops->release(region);
	atomic64_dec(&kshm_counters.regions_live);
	kfree(region);
}

void kshm_region_hold(struct kshm_region *region)
{
	kref_get(&region->ref);
}

/**
 * kshm_region_put() - release a region from kshm_region_get()
 * @region: the region
 *
 * Context: process context, may sleep: the last reference frees the region
 * (vfree() of kernel pages; vunmap() and unpin of an attached buffer). Never
 * under a spinlock or from an interrupt: hand the put to a work item there.
 * The kernel view is invalid from this call on.
 */
void kshm_region_put(struct kshm_region *region)
{
	might_sleep();
	kref_put(&region->ref, region_release);
}
EXPORT_SYMBOL_GPL(kshm_region_put);

/**
 * kshm_region_get() - find a region of an open kshm file, with a reference
 * @file: a file of /dev/kshm (e.g. fget() of a descriptor the process passed)
 * @id: the region's id in that file (kshm_region_id() in the process)
 *
 * Kernel-allocated regions (kshm_region_create()) and attached buffers
 * (kshm_buffer_attach()) alike; channels have kshm_channel_get().
 * The region's memory and its kernel view stay valid until kshm_region_put(),
 * whatever the process does meanwhile (destroy the region, close the file,
 * exit, be killed): the pages stay allocated, or pinned, until then.
 *
 * Context: process context; takes the file's region lock (a spinlock).
 * Return: the region, or ERR_PTR(-EINVAL) when @file is not a kshm file or
 * @id names a channel, ERR_PTR(-ENOENT) when @file has no region @id.
 */
struct kshm_region *kshm_region_get(struct file *file, u32 id)
{
	return kshm_file_lookup(file, id, false);
}
EXPORT_SYMBOL_GPL(kshm_region_get);

/**
 * kshm_region_get_fd() - kshm_region_get() of a descriptor of the current process
 * @fd: the process's kshm descriptor (kshm_native_handle() in the process)
 * @id: the region's id
 *
 * Context: process context, in the process that passed @fd (an ioctl of
 * yours); may sleep.
 * Return: the region, ERR_PTR(-EBADF) when @fd is not an open descriptor,
 * else as kshm_region_get().
 */
struct kshm_region *kshm_region_get_fd(int fd, u32 id)
{
	return kshm_file_lookup_fd(fd, id, false);
}
EXPORT_SYMBOL_GPL(kshm_region_get_fd);

/**
 * kshm_region_kernel_view() - where the kernel reaches a region's bytes
 * @region: from kshm_region_get()
 * @view: filled with the address, the length and whether it may be written
 *
 * The view is one virtually contiguous range (vmalloc area, or a vmap() of
 * the attached buffer's pages) starting at the region's first byte: for an
 * attached buffer, the byte at the address the process attached, whatever
 * its alignment. It is valid until kshm_region_put(). The process may read
 * and write the same bytes at any time: read each shared value once into a
 * local before checking it. @view->writable is false for a buffer attached
 * without KSHM_ATTACH_KERNEL_WRITE: its kernel mapping is read-only, and a
 * write faults.
 *
 * Context: any; does not sleep. The bytes themselves may be touched from any
 * context too (no page faults: they are resident while the reference lasts).
 */
void kshm_region_kernel_view(const struct kshm_region *region, struct kshm_kernel_view *view)
{
	view->addr = kshm_region_data(region);
	view->len = region->head.byte_count;
	view->writable = kshm_policy_kernel_writable(&region->head);
}
EXPORT_SYMBOL_GPL(kshm_region_kernel_view);

void *kshm_kernel_pages_data(const struct kshm_region *region)
{
	return region->kva;
}

unsigned long kshm_kernel_pages_pfn(const struct kshm_region *region, unsigned long page_index)
{
	return vmalloc_to_pfn(region->kva + (page_index << PAGE_SHIFT));
}

/* The buffer's first byte, wherever it sits in its first page. */
static void *user_buffer_data(const struct kshm_region *region)
{
	return region->kva + region->layout.byte_offset;
}

static unsigned long user_buffer_pfn(const struct kshm_region *region, unsigned long page_index)
{
	return page_to_pfn(region->pages[page_index]);
}

static const struct kshm_region_ops kernel_pages_ops = {
	.release = kshm_kernel_pages_release,
	.data = kshm_kernel_pages_data,
	.pfn = kshm_kernel_pages_pfn,
	.mappable = true,
};

static const struct kshm_region_ops user_buffer_ops = {
	.release = user_buffer_release,
	.data = user_buffer_data,
	.pfn = user_buffer_pfn,
};

/* First byte fill and checksum offsets count from. */
void *kshm_region_data(const struct kshm_region *region)
{
	return region->ops->data(region);
}

unsigned long kshm_region_pfn(const struct kshm_region *region, unsigned long page_index)
{
	return region->ops->pfn(region, page_index);
}
