// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "channel.h"

enum kshm_status kshm_validate_channel_create(const struct kshm_channel_create *req,
					      const struct kshm_limits *limits,
					      uint64_t *alloc_bytes)
{
	uint64_t page = 1ULL << limits->page_shift;
	uint64_t data = req->data_bytes;

	if (req->reserved ||
	    (req->kind != KSHM_CHANNEL_EVENTS && req->kind != KSHM_CHANNEL_SUBMISSIONS))
		return KSHM_ERR_INVAL;
	/* Positions wrap with a mask: the data area is a power of two of whole pages. */
	if (data < page || (data & (data - 1)))
		return KSHM_ERR_INVAL;
	if (data > limits->max_region_bytes ||
	    limits->max_region_bytes - data < KSHM_RING_HEADER_PAGES * page)
		return KSHM_ERR_TOO_BIG;
	*alloc_bytes = data + KSHM_RING_HEADER_PAGES * page;
	return KSHM_OK;
}

enum kshm_status kshm_validate_channel_generate(const struct kshm_channel_generate *req,
						uint32_t max_payload)
{
	if (req->reserved || (req->flags & ~KSHM_GENERATE_BLOCK) || req->count == 0)
		return KSHM_ERR_INVAL;
	if (req->record_bytes < sizeof(uint64_t))
		return KSHM_ERR_INVAL;
	if (req->record_bytes > max_payload || req->record_bytes > KSHM_GENERATE_MAX_RECORD)
		return KSHM_ERR_TOO_BIG;
	return KSHM_OK;
}

enum kshm_status kshm_validate_channel_process(const struct kshm_channel_process *req)
{
	if (req->max_records == 0 || req->submissions == req->completions)
		return KSHM_ERR_INVAL;
	return KSHM_OK;
}
