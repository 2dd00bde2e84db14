/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The limits a driver enforces, and the quota rule every counter obeys. */
#ifndef KSHM_CORE_LIMITS_H
#define KSHM_CORE_LIMITS_H

#include "platform.h"

struct kshm_limits {
	uint64_t max_region_bytes;	/* one region or attached buffer */
	uint64_t max_allocated_bytes;	/* sum of kernel-allocated regions, whole driver */
	uint64_t max_pinned_bytes;	/* sum of locked user pages, whole driver */
	uint32_t max_regions_per_file;	/* regions one open handle may hold */
	unsigned int page_shift;
};

#define KSHM_DEFAULT_MAX_REGION_BYTES	(256ULL << 20)
#define KSHM_DEFAULT_MAX_ALLOCATED_BYTES	(1ULL << 30)
#define KSHM_DEFAULT_MAX_PINNED_BYTES	(1ULL << 30)
#define KSHM_DEFAULT_MAX_REGIONS_PER_FILE 64
/*
 * Ids live in [1, KSHM_MAX_REGION_ID]. The bound keeps every mmap window
 * reachable by 32-bit processes too: mmap2 takes a 32-bit offset in 4 KiB
 * pages (2^44 bytes), and id 4095's window ends just below that.
 */
#define KSHM_MAX_REGION_ID		0x00000fffU

/*
 * Bring configured limits (module parameters, registry values) inside what
 * the ABI can express; a zero limit stays zero and refuses everything.
 */
void kshm_limits_clamp(struct kshm_limits *limits);

/* The ABI version, page size and limits part of a KSHM_IOC_VERSION reply (not the counters). */
void kshm_version_describe(struct kshm_version *version, const struct kshm_limits *limits);

/* Would charging `amount` on top of `used` stay within `limit`? Never wraps. */
static inline bool kshm_quota_fits(uint64_t used, uint64_t amount, uint64_t limit)
{
	return amount <= limit && used <= limit - amount;
}

#endif /* KSHM_CORE_LIMITS_H */
