/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What each kind of region allows, and what the drivers reply about one:
 * the rules that do not depend on how a kernel allocates, locks or maps
 * pages. Both drivers ask these before acting, so a request gets the same
 * answer on both.
 */
#ifndef KSHM_CORE_POLICY_H
#define KSHM_CORE_POLICY_H

#include "platform.h"
#include "channel.h"
#include "region.h"
#include "status.h"
#include "../include/kshm/kernel.h"	/* KSHM_PUBLISH_MAX_RECORD */

/*
 * May the kernel write the region's bytes for a process's request (fill)?
 * A channel's pages belong to its ring, and a buffer attached without
 * KSHM_ATTACH_KERNEL_WRITE is read-only: KSHM_ERR_ACCESS.
 */
enum kshm_status kshm_policy_fill(const struct kshm_region_head *region);

/* Is the kernel's view of the region writable (false: a read-only attach)? */
bool kshm_policy_kernel_writable(const struct kshm_region_head *region);

/*
 * May the process map pages [first_page, + nr_pages) of a region writable?
 * An attached buffer is never mapped through kshm; kernel pages unless
 * created KSHM_REGION_USER_READONLY; a channel's as its ring allows
 * (channel_kind: its KSHM_CHANNEL_*).
 */
bool kshm_policy_user_may_write(const struct kshm_region_head *region, uint32_t channel_kind,
				uint64_t first_page, uint64_t nr_pages);

/* A region as KSHM_IOC_REGION_INFO describes it. */
struct kshm_region_facts {
	const struct kshm_region_head *head;
	uint64_t span_pages;
	uint32_t page_size;
	uint64_t mmap_offset;		/* where the process maps kernel pages (0: mapped at create) */
	const struct kshm_layout *layout;	/* an attached buffer's, as it was locked */
};

/*
 * The reply's description of a region (pfn_count 0: the driver adds frame
 * numbers for a caller allowed to see them). Kernel pages are described by
 * their size only: the kernel's address is secret, and the process knows
 * where it mapped them.
 */
void kshm_policy_region_info(struct kshm_region_info *info, const struct kshm_region_facts *facts);

/*
 * Is `channel` (NULL: the region is no channel) a channel of `kind`?
 * KSHM_ERR_INVAL otherwise: each channel request works on one kind.
 */
enum kshm_status kshm_policy_channel(const struct kshm_kchannel *channel, uint32_t kind);

/* A service run's end as a request's verdict (done, interrupted, cancelled, corrupt ring). */
enum kshm_status kshm_policy_service_verdict(enum kshm_service_end end);

/*
 * The kernel API's publish of one record from a driver's own code (any
 * context the driver's producer lock allows): KSHM_ERR_INVAL for a channel
 * that is not an events channel, KSHM_ERR_TOO_BIG over
 * KSHM_PUBLISH_MAX_RECORD or the ring's largest record, KSHM_ERR_CLOSED once
 * the process let go (`closed`), KSHM_ERR_QUOTA when the ring was full (the
 * record dropped and counted in the producer page), KSHM_ERR_CORRUPT when
 * the process broke the ring.
 */
enum kshm_status kshm_policy_publish_record(struct kshm_kchannel *channel, bool closed,
					    uint32_t type, const void *payload, uint32_t len);

/*
 * May a driver consume `channel` (the kernel API's consume)? KSHM_ERR_INVAL
 * when it is not a submissions channel, KSHM_ERR_CLOSED once the process let
 * go of it.
 */
enum kshm_status kshm_policy_consumer(const struct kshm_kchannel *channel, bool closed);

#endif /* KSHM_CORE_POLICY_H */
