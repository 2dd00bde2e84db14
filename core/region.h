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
