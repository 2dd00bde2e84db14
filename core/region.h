/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Where a kernel-allocated region appears in the device's mmap offset space:
 * region `id` owns [id << KSHM_MMAP_REGION_SHIFT, +4 GiB), so a mapping names
 * its region and its offset inside it without any table, and a stale or forged
 * offset can only name a region of the same handle.
 */
#ifndef KSHM_CORE_REGION_H
#define KSHM_CORE_REGION_H

#include "platform.h"
#include "status.h"

/*
 * What every region is, on either kernel: each driver's struct kshm_region
 * embeds it as `head`, and the requests' rules (core/policy.c) decide by it.
 */
struct kshm_region_head {
	uint32_t id;
	uint32_t kind;		/* KSHM_KIND_* */
	uint32_t flags;		/* KSHM_REGION_* or KSHM_ATTACH_* */
	uint64_t byte_count;	/* bytes fill/checksum may touch */
};

static inline uint64_t kshm_mmap_offset_of(uint32_t id)
{
	return (uint64_t)id << KSHM_MMAP_REGION_SHIFT;
}

/*
 * Split a mapping request (byte offset into the device, length) into the
 * region id and the offset inside that region's window. The caller then checks
 * [*region_offset, + len) against the region's mapped bytes with
 * kshm_range_check().
 */
enum kshm_status kshm_mmap_decode(uint64_t offset, uint64_t len, uint32_t *id,
				  uint64_t *region_offset);

#endif /* KSHM_CORE_REGION_H */
