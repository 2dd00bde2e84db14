// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping kernel-allocated regions into a process. Pages are inserted on
 * fault rather than at mmap time, so madvise(MADV_DONTNEED), fork and partial
 * munmap all work the way they do for any shared mapping.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "kshm_compat.h"
#include "kshm_dev.h"
#include "core/policy.h"
#include "core/region.h"
#include "core/span.h"

/* Page offset, in the device's offset space, of the start of the region's window. */
static pgoff_t region_window_pgoff(const struct kshm_region *region)
{
	return kshm_mmap_offset_of(region->head.id) >> PAGE_SHIFT;
}

/* Every VMA, including the halves of a split and a fork's copy, holds a region reference. */
static void kshm_vm_open(struct vm_area_struct *vma)
{
	kshm_region_hold(vma->vm_private_data);
}

static void kshm_vm_close(struct vm_area_struct *vma)
{
	kshm_region_put(vma->vm_private_data);
}

static vm_fault_t kshm_vm_fault(struct vm_fault *vmf)
{
	struct kshm_region *region = vmf->vma->vm_private_data;
	pgoff_t page_index = vmf->pgoff - region_window_pgoff(region);
	struct page *page;

	/* mmap checked the range; this guards against a VMA moved or split oddly. */
	if (vmf->pgoff < region_window_pgoff(region) || page_index >= region->nr_pages)
		return VM_FAULT_SIGBUS;
	/* Every mappable kind is kernel pages (a channel's too): a vmalloc area. */
	page = vmalloc_to_page(region->kva + (page_index << PAGE_SHIFT));
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct kshm_vm_ops = {
	.open = kshm_vm_open,
	.close = kshm_vm_close,
	.fault = kshm_vm_fault,
};

/* May the process write every page of [first_page, + nr_pages) of the region? */
static bool user_may_write(const struct kshm_region *region, pgoff_t first_page, pgoff_t nr_pages)
{
	const struct kshm_kchannel *ring = kshm_region_kchannel(region);

	return kshm_policy_user_may_write(&region->head, ring ? ring->kind : 0, first_page,
					  nr_pages);
}

int kshm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kshm_file *kf = file->private_data;
	u64 offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;
	struct kshm_region *region;
	u64 region_offset;
	u32 id;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;	/* a private copy of shared pages would share nothing */
	if (kshm_mmap_decode(offset, len, &id, &region_offset))
		return -EINVAL;
	region = kshm_file_get_region(kf, id);
	if (!region)
		return -EINVAL;
	if (!region->ops->mappable ||
	    kshm_range_check((u64)region->nr_pages << PAGE_SHIFT, region_offset, len)) {
		kshm_region_put(region);
		return -EINVAL;
	}
	if (!user_may_write(region, region_offset >> PAGE_SHIFT, len >> PAGE_SHIFT)) {
		if (vma->vm_flags & VM_WRITE) {
			kshm_region_put(region);
			return -EACCES;
		}
		vm_flags_clear(vma, VM_MAYWRITE);	/* mprotect cannot add write later */
	}
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = region;	/* the reference taken above is the VMA's */
	vma->vm_ops = &kshm_vm_ops;
	return 0;
}
