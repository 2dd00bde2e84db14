// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "policy.h"

enum kshm_status kshm_policy_fill(const struct kshm_region_head *region)
{
	if (region->kind == KSHM_KIND_CHANNEL || !kshm_policy_kernel_writable(region))
		return KSHM_ERR_ACCESS;
	return KSHM_OK;
}

bool kshm_policy_kernel_writable(const struct kshm_region_head *region)
{
	return region->kind != KSHM_KIND_USER_BUFFER || (region->flags & KSHM_ATTACH_KERNEL_WRITE);
}

bool kshm_policy_user_may_write(const struct kshm_region_head *region, uint32_t channel_kind,
				uint64_t first_page, uint64_t nr_pages)
{
	switch (region->kind) {
	case KSHM_KIND_KERNEL_PAGES:
		return !(region->flags & KSHM_REGION_USER_READONLY);
	case KSHM_KIND_CHANNEL:
		return kshm_channel_user_writable_pages(channel_kind, first_page, nr_pages);
	default:
		return false;
	}
}

void kshm_policy_region_info(struct kshm_region_info *info, const struct kshm_region_facts *facts)
{
	info->kind = facts->head->kind;
	info->flags = facts->head->flags;
	info->pfn_count = 0;
	if (facts->head->kind == KSHM_KIND_USER_BUFFER) {
		info->mmap_offset = 0;
		info->layout = *facts->layout;
		return;
	}
	info->mmap_offset = facts->mmap_offset;
	memset(&info->layout, 0, sizeof(info->layout));
	info->layout.byte_count = facts->head->byte_count;
	info->layout.span_pages = (uint32_t)facts->span_pages;
	info->layout.page_size = facts->page_size;
}

enum kshm_status kshm_policy_channel(const struct kshm_kchannel *channel, uint32_t kind)
{
	return channel && channel->kind == kind ? KSHM_OK : KSHM_ERR_INVAL;
}

enum kshm_status kshm_policy_service_verdict(enum kshm_service_end end)
{
	switch (end) {
	case KSHM_SERVICE_DONE:
		return KSHM_OK;
	case KSHM_SERVICE_INTERRUPTED:
		return KSHM_ERR_INTERRUPTED;
	case KSHM_SERVICE_CANCELLED:
		return KSHM_ERR_CANCELLED;
	default:
		return KSHM_ERR_CORRUPT;
	}
}

enum kshm_status kshm_policy_publish_record(struct kshm_kchannel *channel, bool closed,
					    uint32_t type, const void *payload, uint32_t len)
{
	enum kshm_ring_result result;

	if (channel->kind != KSHM_CHANNEL_EVENTS)
		return KSHM_ERR_INVAL;
	if (len > KSHM_PUBLISH_MAX_RECORD)
		return KSHM_ERR_TOO_BIG;
	if (closed)
		return KSHM_ERR_CLOSED;
	if (kshm_kchannel_publish_copy(channel, type, payload, len, &result))
		return KSHM_OK;
	switch (result) {
	case KSHM_RING_FULL:
		kshm_kchannel_count_drop(channel);	/* never overwritten: dropped, and counted */
		return KSHM_ERR_QUOTA;
	case KSHM_RING_TOO_BIG:
		return KSHM_ERR_TOO_BIG;
	default:
		return KSHM_ERR_CORRUPT;
	}
}

enum kshm_status kshm_policy_consumer(const struct kshm_kchannel *channel, bool closed)
{
	if (channel->kind != KSHM_CHANNEL_SUBMISSIONS)
		return KSHM_ERR_INVAL;
	return closed ? KSHM_ERR_CLOSED : KSHM_OK;
}
