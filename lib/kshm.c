// SPDX-License-Identifier: MIT
/*
 * libkshm, the platform-neutral part: handles, regions and requests. All OS
 * calls go through backend.h; kshm_checksum and the pattern functions are
 * core/checksum.c's, linked in unchanged.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "internal.h"

static void link_region(struct kshm *kshm, struct kshm_region *region)
{
	region->owner = kshm;
	region->next = kshm->regions;
	kshm->regions = region;
}

static void unlink_region(struct kshm *kshm, struct kshm_region *region)
{
	struct kshm_region **link;

	for (link = &kshm->regions; *link; link = &(*link)->next) {
		if (*link == region) {
			*link = region->next;
			return;
		}
	}
}

int kshm_destroy_kernel_region(struct kshm *kshm, uint32_t id)
{
	struct kshm_region_destroy destroy = { .id = id };

	return kshm_request(kshm, KSHM_IOC_REGION_DESTROY, &destroy);
}

int kshm_open(const char *path, struct kshm **out)
{
	struct kshm *kshm;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	kshm = calloc(1, sizeof(*kshm));
	if (!kshm)
		return -ENOMEM;
	err = kshm_backend_open(path, &kshm->handle);
	if (err)
		goto free_kshm;
	err = kshm_request(kshm, KSHM_IOC_VERSION, &kshm->version);
	if (err)
		goto close_handle;
	/* Struct sizes may grow compatibly; a different version means different semantics. */
	if (kshm->version.abi_version != KSHM_ABI_VERSION) {
		err = -EPROTO;
		goto close_handle;
	}
	kshm->page_size = kshm->version.page_size;
	*out = kshm;
	return 0;

close_handle:
	kshm_backend_close(kshm->handle);
free_kshm:
	free(kshm);
	return err;
}

void kshm_close(struct kshm *kshm)
{
	if (!kshm)
		return;
	/* Closing the handle would release the kernel side anyway, but not our mappings. */
	while (kshm->regions)
		kshm_region_destroy(kshm->regions);
	kshm_backend_close(kshm->handle);
	free(kshm);
}

intptr_t kshm_native_handle(const struct kshm *kshm)
{
	return kshm ? kshm->handle : -1;
}

int kshm_query_version(struct kshm *kshm, struct kshm_version *version)
{
	struct kshm_version fresh = { 0 };
	int err;

	if (!kshm || !version)
		return -EINVAL;
	/* Not the cached copy: the counters are live. */
	err = kshm_request(kshm, KSHM_IOC_VERSION, &fresh);
	if (err)
		return err;
	*version = fresh;
	return 0;
}

/*
 * Track a region the kernel has already made: a copy of *proto, linked into
 * the handle's list (closing the handle destroys what is still there). On an
 * error the caller destroys the kernel side, so nothing outlives it.
 */
int kshm_track_region(struct kshm *kshm, const struct kshm_region *proto,
			  struct kshm_region **out)
{
	struct kshm_region *region = malloc(sizeof(*region));

	if (!region)
		return -ENOMEM;
	*region = *proto;
	link_region(kshm, region);
	*out = region;
	return 0;
}

int kshm_region_create(struct kshm *kshm, uint64_t length, uint32_t flags,
		       struct kshm_region **out)
{
	struct kshm_region_create create = { .flags = flags, .length = length };
	void *data;
	int err;

	if (!kshm || !out)
		return -EINVAL;
	*out = NULL;
	err = kshm_request(kshm, KSHM_IOC_REGION_CREATE, &create);
	if (err)
		return err;
	err = kshm_backend_map(kshm->handle, &create, flags, &data);
	if (err)
		goto destroy_region;
	err = kshm_track_region(kshm, &(struct kshm_region){
		.id = create.id, .kind = KSHM_KIND_KERNEL_PAGES, .flags = flags, .data = data,
		.length = length, .mapped_length = create.mapped_length }, out);
	if (!err)
		return 0;
	kshm_backend_unmap(kshm->handle, data, create.mapped_length);
destroy_region:
	kshm_destroy_kernel_region(kshm, create.id);
	return err;
}

int kshm_buffer_attach(struct kshm *kshm, void *buf, uint64_t length, uint32_t flags,
		       struct kshm_region **out)
{
	struct kshm_buffer_attach attach = {
		.flags = flags,
		.user_addr = (uintptr_t)buf,
		.length = length,
	};
	int err;

	if (!kshm || !out)
		return -EINVAL;
	*out = NULL;
	err = kshm_request(kshm, KSHM_IOC_BUFFER_ATTACH, &attach);
	if (err)
		return err;
	err = kshm_track_region(kshm, &(struct kshm_region){
		.id = attach.id, .kind = KSHM_KIND_USER_BUFFER, .flags = flags, .data = buf,
		.length = length }, out);
	if (err)
		kshm_destroy_kernel_region(kshm, attach.id);
	return err;
}

/*
 * The region is gone afterwards whatever happens: a caller could not retry a
 * half-done destroy anyway. An unmap that fails leaves a mapping holding its
 * own kernel reference, so destroying the kernel side is still safe.
 */
int kshm_region_destroy(struct kshm_region *region)
{
	struct kshm *kshm;
	int unmap_err = 0;
	int err;

	if (!region)
		return -EINVAL;
	kshm = region->owner;
	if (region->channel)
		unmap_err = kshm_channel_unmap(region->channel);
	else if (region->kind != KSHM_KIND_USER_BUFFER)
		unmap_err = kshm_backend_unmap(kshm->handle, region->data, region->mapped_length);
	err = kshm_destroy_kernel_region(kshm, region->id);
	unlink_region(kshm, region);
	free(region->channel);
	free(region);
	return unmap_err ? unmap_err : err;
}

void *kshm_region_data(const struct kshm_region *region)
{
	return region ? region->data : NULL;
}

uint64_t kshm_region_length(const struct kshm_region *region)
{
	return region ? region->length : 0;
}

uint32_t kshm_region_id(const struct kshm_region *region)
{
	return region ? region->id : 0;
}

/* KSHM_IOC_REGION_INFO, with frame numbers when pfns is not NULL. */
static int query_region_info(struct kshm_region *region, uint64_t *pfns, uint32_t capacity,
			     struct kshm_region_info *info)
{
	*info = (struct kshm_region_info){
		.id = region->id,
		.pfn_array = (uintptr_t)pfns,
		.pfn_capacity = capacity,
	};
	return kshm_request(region->owner, KSHM_IOC_REGION_INFO, info);
}

int kshm_region_layout(struct kshm_region *region, struct kshm_layout *layout)
{
	struct kshm_region_info info;
	int err;

	if (!region || !layout)
		return -EINVAL;
	err = query_region_info(region, NULL, 0, &info);
	if (err)
		return err;
	*layout = info.layout;
	return 0;
}

int kshm_region_pfns(struct kshm_region *region, uint64_t *pfns, uint32_t capacity,
		     uint32_t *count)
{
	struct kshm_region_info info;
	int err;

	if (!region || !count || (capacity && !pfns))
		return -EINVAL;
	err = query_region_info(region, pfns, capacity, &info);
	if (err)
		return err;
	*count = info.pfn_count;
	return 0;
}

/* KSHM_IOC_FILL or KSHM_IOC_CHECKSUM over a range of the region. */
static int range_request(struct kshm_region *region, unsigned long code, uint64_t offset,
			 uint64_t length, uint64_t seed, uint64_t *checksum)
{
	struct kshm_range_op op = {
		.id = region->id,
		.offset = offset,
		.length = length,
		.seed = seed,
	};
	int err;

	err = kshm_request(region->owner, code, &op);
	if (err)
		return err;
	if (checksum)
		*checksum = op.checksum;
	return 0;
}

int kshm_region_fill(struct kshm_region *region, uint64_t offset, uint64_t length,
		     uint64_t seed)
{
	if (!region)
		return -EINVAL;
	return range_request(region, KSHM_IOC_FILL, offset, length, seed, NULL);
}

int kshm_region_checksum(struct kshm_region *region, uint64_t offset, uint64_t length,
			 uint64_t *checksum)
{
	if (!region || !checksum)
		return -EINVAL;
	return range_request(region, KSHM_IOC_CHECKSUM, offset, length, 0, checksum);
}

int kshm_transfer(struct kshm *kshm, uint32_t method, uint32_t direction, void *buf,
		  uint64_t length, struct kshm_transfer_opts *opts)
{
	struct kshm_transfer transfer = {
		.method = method,
		.direction = direction,
		.user_addr = (uintptr_t)buf,
		.length = length,
	};
	struct kshm_transfer_opts options;
	bool to_kernel = direction == KSHM_DIR_TO_KERNEL;
	int err;

	if (!kshm)
		return -EINVAL;
	err = kshm_opts_load(&options, sizeof(options), opts);
	if (err)
		return err;
	if (options.flags & ~KSHM_TRANSFER_IO_MANAGER)
		return -EINVAL;
	transfer.seed = options.seed;
	if (options.flags & KSHM_TRANSFER_IO_MANAGER) {
		transfer.size = sizeof(transfer);
		if (to_kernel && transfer.method == KSHM_METHOD_DIRECT)
			transfer.checksum = options.checksum;	/* METHOD_IN_DIRECT: the sum expected */
		err = kshm_backend_transfer(kshm->handle, &transfer, buf);
	} else {
		err = kshm_request(kshm, KSHM_IOC_TRANSFER, &transfer);
	}
	if (err)
		return err;
	if (to_kernel && kshm_opts_has(opts, checksum))
		opts->checksum = transfer.checksum;
	return 0;
}
