// SPDX-License-Identifier: GPL-2.0
/* Pinning a caller's pages: the one place that calls pin_user_pages. */
#include <linux/backing-dev.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "kshm_compat.h"
#include "kshm_dev.h"

/* Pages pinned per pass: between passes, a fatal signal ends the pin. */
#define KSHM_PIN_CHUNK_PAGES	(1UL << 16)

/*
 * Whether a writable long-term pin of vma's pages is unsafe: a shared
 * writable mapping of a file whose filesystem tracks dirty pages (ext4, xfs,
 * btrfs: it writes back, or wants to hear of writes through page_mkwrite).
 * Such a filesystem cleans the page and writes it out while the pin lets the
 * kernel keep writing it behind its back: lost data, and filesystems that
 * find a dirty page without their buffers crash. Linux 6.5 refuses these
 * pins itself (EFAULT, from the same rule); kshm refuses them on every
 * kernel, with its own errno. Anonymous and private memory (written pages
 * are the process's own copies), shmem/memfd and hugetlbfs stay allowed.
 */
static bool kshm_vma_needs_dirty_tracking(const struct vm_area_struct *vma)
{
	if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE) || !vma->vm_file)
		return false;
	/* Device memory (a kshm region's own mapping): no page cache behind it. */
	if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
		return false;
	if (vma->vm_ops && (vma->vm_ops->page_mkwrite || vma->vm_ops->pfn_mkwrite))
		return true;
	return mapping_can_writeback(vma->vm_file->f_mapping);
}

/*
 * Writable long-term pins, under the mmap lock so that the mappings checked
 * are the ones pinned (a process cannot swap a file in between). A hole in
 * the range is left to pin_user_pages, which reports it.
 */
static long kshm_pin_longterm_writable(unsigned long start, unsigned long nr_pages,
				       unsigned int gup_flags, struct page **pages)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + (nr_pages << PAGE_SHIFT);
	unsigned long addr = start;
	long ret;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || vma->vm_start > addr)
			break;
		if (kshm_vma_needs_dirty_tracking(vma)) {
			mmap_read_unlock(mm);
			return -EOPNOTSUPP;
		}
		addr = vma->vm_end;
	}
	ret = pin_user_pages(start, nr_pages, gup_flags, pages);
	mmap_read_unlock(mm);
	return ret;
}

/*
 * Pin every page of [layout->start_va, + span_pages pages) of the current
 * process. longterm is for pins that outlive the call (attached buffers):
 * FOLL_LONGTERM makes the kernel migrate pages out of movable zones and refuse
 * memory that must not stay pinned (fs-dax, for example); a longterm pin the
 * kernel may write also refuses shared file mappings that track dirty pages
 * (-EOPNOTSUPP). The page array is bounded by max_region_bytes, checked by
 * the caller.
 */
int kshm_pin_user_range(const struct kshm_layout *layout, bool writable, bool longterm,
			struct page ***pages_out)
{
	unsigned long nr_pages = layout->span_pages;
	unsigned int gup_flags = (writable ? FOLL_WRITE : 0) | (longterm ? FOLL_LONGTERM : 0);
	struct page **pages;
	unsigned long done = 0;
	long ret;

	pages = kvmalloc_array(nr_pages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;

	while (done < nr_pages) {
		unsigned long chunk = min(nr_pages - done, KSHM_PIN_CHUNK_PAGES);
		unsigned long addr = layout->start_va + (done << PAGE_SHIFT);

		if (longterm && writable)
			ret = kshm_pin_longterm_writable(addr, chunk, gup_flags, pages + done);
		else
			ret = pin_user_pages_fast(addr, chunk, gup_flags, pages + done);
		if (ret <= 0) {
			ret = ret ? ret : -EFAULT;
			goto fail;
		}
		done += ret;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto fail;
		}
	}
	*pages_out = pages;
	return 0;

fail:
	unpin_user_pages(pages, done);
	kvfree(pages);
	return (int)ret;
}

/* Pages the kernel may have written are dirtied so that file-backed data is written back. */
void kshm_unpin_user_range(struct page **pages, unsigned long nr_pages, bool dirty)
{
	unpin_user_pages_dirty_lock(pages, nr_pages, dirty);
	kvfree(pages);
}
