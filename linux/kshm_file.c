// SPDX-License-Identifier: GPL-2.0
/* The regions of one open file. */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/xarray.h>

#include "kshm_dev.h"

int kshm_file_init(struct kshm_file *kf)
{
	kf->notify = kshm_notify_new();
	if (!kf->notify)
		return -ENOMEM;
	xa_init_flags(&kf->regions, XA_FLAGS_ALLOC1);
	kf->next_id = 1;
	atomic_set(&kf->nr_regions, 0);
	return 0;
}

/* Drop the file's reference to a region whose id is gone; a channel's waiters stop waiting. */
static void kshm_file_forget(struct kshm_region *region)
{
	if (region->ops->forget)
		region->ops->forget(region);
	kshm_region_put(region);
}

/* Runs at the last close, after every mapping is gone (each VMA holds the file). */
void kshm_file_release_all(struct kshm_file *kf)
{
	struct kshm_region *region;
	unsigned long id;

	xa_for_each(&kf->regions, id, region) {
		xa_erase(&kf->regions, id);
		kshm_file_forget(region);
	}
	xa_destroy(&kf->regions);
	kshm_notify_put(kf->notify);
}

/*
 * Give the region an id and the file's reference. Ids are cyclic so that a
 * stale id keeps failing with ENOENT for a long time instead of naming a new
 * region.
 */
int kshm_file_insert(struct kshm_file *kf, struct kshm_region *region,
		     const struct kshm_limits *limits, u32 *id)
{
	int ret;

	if (atomic_inc_return(&kf->nr_regions) > limits->max_regions_per_file) {
		atomic_dec(&kf->nr_regions);
		return -ENOSPC;
	}
	/*
	 * The moment the region is in the array another thread may destroy it
	 * (ids are predictable) and drop the last reference: its id is set and
	 * taken for the caller under the array's lock, never read back later.
	 */
	xa_lock(&kf->regions);
	ret = __xa_alloc_cyclic(&kf->regions, id, region, XA_LIMIT(1, KSHM_MAX_REGION_ID),
				&kf->next_id, GFP_KERNEL);
	if (ret >= 0)
		region->head.id = *id;
	xa_unlock(&kf->regions);
	if (ret < 0) {
		atomic_dec(&kf->nr_regions);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	return 0;
}

/* A counted reference to region `id`, or NULL; release with kshm_region_put(). */
struct kshm_region *kshm_file_get_region(struct kshm_file *kf, u32 id)
{
	struct kshm_region *region;

	xa_lock(&kf->regions);
	region = xa_load(&kf->regions, id);
	if (region)
		kshm_region_hold(region);
	xa_unlock(&kf->regions);
	return region;
}

int kshm_file_remove(struct kshm_file *kf, u32 id)
{
	struct kshm_region *region = xa_erase(&kf->regions, id);

	if (!region)
		return -ENOENT;
	atomic_dec(&kf->nr_regions);
	kshm_file_forget(region);
	return 0;
}

/*
 * The in-kernel API's lookups (kshm_region_get(), kshm_channel_get() and
 * their _fd forms, include/kshm/kernel.h): region `id` of a kshm file, with a
 * reference, when it is a channel exactly when `channel` says so.
 */
struct kshm_region *kshm_file_lookup(struct file *file, u32 id, bool channel)
{
	struct kshm_region *region;

	if (!file || !kshm_is_kshm_file(file))
		return ERR_PTR(-EINVAL);
	region = kshm_file_get_region(file->private_data, id);
	if (!region)
		return ERR_PTR(-ENOENT);
	if (!region->channel != !channel) {
		kshm_region_put(region);
		return ERR_PTR(-EINVAL);
	}
	return region;
}

struct kshm_region *kshm_file_lookup_fd(int fd, u32 id, bool channel)
{
	struct kshm_region *region;
	struct file *file;

	if (fd < 0)
		return ERR_PTR(-EBADF);
	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	region = kshm_file_lookup(file, id, channel);
	fput(file);
	return region;
}
