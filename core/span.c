// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "span.h"

uint64_t kshm_pages_for_bytes(uint64_t len, unsigned int page_shift)
{
	uint64_t page_mask = (1ULL << page_shift) - 1;

	if (len == 0 || len > UINT64_MAX - page_mask)
		return 0;
	return (len + page_mask) >> page_shift;
}

enum kshm_status kshm_span_compute(uint64_t addr, uint64_t len, unsigned int page_shift,
				   struct kshm_layout *layout)
{
	uint64_t page_mask = (1ULL << page_shift) - 1;
	uint64_t last_byte, first_page, last_page, span_pages;

	if (len == 0)
		return KSHM_ERR_INVAL;
	/* The last byte's address must exist: addr + len - 1 may not wrap. */
	if (addr > UINT64_MAX - (len - 1))
		return KSHM_ERR_OVERFLOW;
	last_byte = addr + (len - 1);
	first_page = addr & ~page_mask;
	last_page = last_byte & ~page_mask;
	span_pages = ((last_page - first_page) >> page_shift) + 1;
	if (span_pages > UINT32_MAX)
		return KSHM_ERR_TOO_BIG;

	layout->start_va = first_page;
	layout->byte_count = len;
	layout->byte_offset = (uint32_t)(addr & page_mask);
	layout->span_pages = (uint32_t)span_pages;
	layout->page_size = (uint32_t)1 << page_shift;
	layout->reserved = 0;
	return KSHM_OK;
}

enum kshm_status kshm_range_check(uint64_t object_len, uint64_t offset, uint64_t len)
{
	if (len == 0)
		return KSHM_ERR_INVAL;
	/* Written so that no sum can wrap: offset + len is never formed. */
	if (offset > object_len || len > object_len - offset)
		return KSHM_ERR_RANGE;
	return KSHM_OK;
}
