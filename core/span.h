/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Page-span math: how an address range lies over pages, as an MDL records it. */
#ifndef KSHM_CORE_SPAN_H
#define KSHM_CORE_SPAN_H

#include "platform.h"
#include "status.h"

/*
 * Layout of [addr, addr + len) over pages of 1 << page_shift bytes: the
 * page-aligned start (MDL StartVa), the offset into the first page
 * (ByteOffset), the byte count and the pages spanned
 * (ADDRESS_AND_SIZE_TO_SPAN_PAGES). Refuses an empty or wrapping range.
 */
enum kshm_status kshm_span_compute(uint64_t addr, uint64_t len, unsigned int page_shift,
				   struct kshm_layout *layout);

/* Whole pages holding len bytes; 0 when len is 0 or the round-up wraps. */
uint64_t kshm_pages_for_bytes(uint64_t len, unsigned int page_shift);

/* Is [offset, offset + len) a non-empty range inside an object of object_len bytes? */
enum kshm_status kshm_range_check(uint64_t object_len, uint64_t offset, uint64_t len);

#endif /* KSHM_CORE_SPAN_H */
