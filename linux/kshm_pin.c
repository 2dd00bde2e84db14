// SPDX-License-Identifier: GPL-2.0
/* Pinning a caller's pages: the one place that calls pin_user_pages. */
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "kshm_dev.h"

/*
 * Pin every page of [layout->start_va, + span_pages pages) of the current
 * process. longterm is for pins that outlive the call (attached buffers):
 * FOLL_LONGTERM makes the kernel migrate pages out of movable zones and refuse
 * memory that must not stay pinned (fs-dax, for example). The page array is
 * bounded by max_region_bytes, checked by the caller.
 */
int kshm_pin_user_range(const struct kshm_layout *layout, bool writable, bool longterm,
			struct page ***pages_out)
{
	unsigned long nr_pages = layout->span_pages;
	unsigned int gup_flags = (writable ? FOLL_WRITE : 0) | (longterm ? FOLL_LONGTERM : 0);
	struct page **pages;
	unsigned long done = 0;
	int ret;

	pages = kvmalloc_array(nr_pages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;

	while (done < nr_pages) {
		int chunk = min_t(unsigned long, nr_pages - done, 1UL << 16);

		ret = pin_user_pages_fast(layout->start_va + (done << PAGE_SHIFT), chunk,
					  gup_flags, pages + done);
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
	return ret;
}

/* Pages the kernel may have written are dirtied so that file-backed data is written back. */
void kshm_unpin_user_range(struct page **pages, unsigned long nr_pages, bool dirty)
{
	unpin_user_pages_dirty_lock(pages, nr_pages, dirty);
	kvfree(pages);
}
