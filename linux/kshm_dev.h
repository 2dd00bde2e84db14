/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the kshm Linux module.
 *
 * Lifetime in one picture: an open file owns an xarray of regions, each
 * entry holding one reference; every VMA mapping a region holds another (and
 * the VMA holds the file). Destroy or close drops the xarray's reference; the
 * memory goes with the last reference, so a process can keep using a mapping
 * after either.
 *
 * Locking: the xarray's own spinlock is the only per-file lock. Nothing holds
 * it while touching user memory, sleeping or freeing, so there is no ordering
 * against mmap_lock (mmap runs under it; pinning and copy_*_user take it).
 */
#ifndef KSHM_DEV_H
#define KSHM_DEV_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/xarray.h>

#include "core/limits.h"
#include "core/region.h"
#include "core/status.h"
#include "core/work.h"
#include "include/kshm/channel.h"

struct kshm_notify;
struct poll_table_struct;

struct kshm_file {
	struct xarray regions;		/* id -> struct kshm_region *, one ref each */
	struct kshm_notify *notify;	/* poll wait queue, shared with the file's channels */
	u32 next_id;			/* cursor for cyclic ids, under the xa_lock */
	atomic_t nr_regions;		/* counted against max_regions_per_file */
};

struct kshm_region;

/*
 * What differs between the kinds of region; a new kind is one more of these
 * (a channel's ring rides on kernel pages: kshm_channel.c). What each kind
 * allows is core/policy.c's.
 */
struct kshm_region_ops {
	void (*release)(struct kshm_region *region);	/* the last reference: free the kind's memory */
	void *(*data)(const struct kshm_region *region);	/* first byte offsets count from */
	unsigned long (*pfn)(const struct kshm_region *region, unsigned long page_index);
	void (*forget)(struct kshm_region *region);	/* its id is gone (NULL: nothing to do) */
	bool mappable;					/* the process maps it from the device */
};

struct kshm_region {
	struct kref ref;
	const struct kshm_region_ops *ops;
	struct kshm_region_head head;	/* id, kind, flags, byte count (core/region.h) */
	unsigned long nr_pages;		/* pages behind kva */
	void *kva;			/* zeroed vmalloc area, or vmap of the pinned pages */
	/* KSHM_KIND_USER_BUFFER only */
	struct kshm_layout layout;	/* the buffer as the caller passed it */
	struct page **pages;		/* pinned with FOLL_LONGTERM */
	struct mm_struct *owner_mm;	/* charged in pinned_vm; mmgrab'ed */
	/* KSHM_KIND_CHANNEL only */
	struct kshm_channel *channel;
};

/* Driver-wide counters, reported by KSHM_IOC_VERSION and sysfs. */
struct kshm_counters {
	atomic64_t regions_live;
	atomic64_t bytes_allocated;
	atomic64_t bytes_pinned;
};
extern struct kshm_counters kshm_counters;

/* kshm_main.c */
bool kshm_is_kshm_file(const struct file *file);
void kshm_current_limits(struct kshm_limits *limits);
int kshm_status_to_errno(enum kshm_status status);
int kshm_quota_charge(atomic64_t *used, u64 amount, u64 limit);
extern const struct kshm_work_ops kshm_caller_work;	/* core/work.c's view of the calling thread */
void kshm_let_others_run(void);	/* core's loops' reschedule point: cond_resched() */

/* kshm_region.c */
struct kshm_region *kshm_region_alloc_pages(u64 alloc_bytes, u64 byte_count, u32 flags,
					    const struct kshm_limits *limits);
struct kshm_region *kshm_region_attach_user(const struct kshm_layout *layout, u32 flags,
					    const struct kshm_limits *limits);
void kshm_region_hold(struct kshm_region *region);
void kshm_region_put(struct kshm_region *region);
void *kshm_region_data(const struct kshm_region *region);
unsigned long kshm_region_pfn(const struct kshm_region *region, unsigned long page_index);
/* Kernel pages' ops, which a channel's reuse */
void kshm_kernel_pages_release(struct kshm_region *region);
void *kshm_kernel_pages_data(const struct kshm_region *region);
unsigned long kshm_kernel_pages_pfn(const struct kshm_region *region, unsigned long page_index);

/* kshm_file.c */
int kshm_file_init(struct kshm_file *kf);
void kshm_file_release_all(struct kshm_file *kf);
int kshm_file_insert(struct kshm_file *kf, struct kshm_region *region,
		     const struct kshm_limits *limits, u32 *id);
struct kshm_region *kshm_file_get_region(struct kshm_file *kf, u32 id);
int kshm_file_remove(struct kshm_file *kf, u32 id);
struct kshm_region *kshm_file_lookup(struct file *file, u32 id, bool channel);
struct kshm_region *kshm_file_lookup_fd(int fd, u32 id, bool channel);

/* kshm_pin.c: locked user pages, shared by attach and the direct method */
int kshm_pin_user_range(const struct kshm_layout *layout, bool writable, bool longterm,
			struct page ***pages_out);
void kshm_unpin_user_range(struct page **pages, unsigned long nr_pages, bool dirty);

/* kshm_channel.c */
struct kshm_region *kshm_channel_new(struct kshm_file *kf, const struct kshm_channel_create *req,
				     u64 alloc_bytes, const struct kshm_limits *limits);
long kshm_channel_generate(struct kshm_region *region, struct kshm_channel_generate *req);
long kshm_channel_kick(struct kshm_region *region);
long kshm_channel_process(struct kshm_region *sub, struct kshm_region *comp,
			  struct kshm_channel_process *req);
struct kshm_kchannel *kshm_region_kchannel(const struct kshm_region *region);
__poll_t kshm_poll(struct file *file, struct poll_table_struct *wait);
struct kshm_notify *kshm_notify_new(void);
void kshm_notify_put(struct kshm_notify *notify);

/* kshm_mmap.c */
int kshm_mmap(struct file *file, struct vm_area_struct *vma);

/* kshm_ioctl.c */
long kshm_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* kshm_transfer.c */
long kshm_transfer_run(struct kshm_transfer *req, const struct kshm_layout *layout);
ssize_t kshm_read(struct file *file, char __user *buf, size_t count, loff_t *ppos);

#endif /* KSHM_DEV_H */
