// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "validate.h"
#include "span.h"

void kshm_limits_clamp(struct kshm_limits *limits)
{
	uint64_t page_mask = (1ULL << limits->page_shift) - 1;

	if (limits->max_region_bytes > KSHM_REGION_MAX_BYTES)
		limits->max_region_bytes = KSHM_REGION_MAX_BYTES;
	/* A region is whole pages: a limit between two page multiples means the lower. */
	limits->max_region_bytes &= ~page_mask;
	if (limits->max_regions_per_file > KSHM_MAX_REGION_ID)
		limits->max_regions_per_file = KSHM_MAX_REGION_ID;
}

void kshm_version_describe(struct kshm_version *version, const struct kshm_limits *limits)
{
	version->abi_version = KSHM_ABI_VERSION;
	version->page_size = (uint32_t)1 << limits->page_shift;
	version->max_regions_per_file = limits->max_regions_per_file;
	version->max_region_bytes = limits->max_region_bytes;
	version->max_allocated_bytes = limits->max_allocated_bytes;
	version->max_pinned_bytes = limits->max_pinned_bytes;
}

enum kshm_status kshm_check_request_size(uint32_t claimed, uint64_t passed, uint32_t v1_size)
{
	if (passed < v1_size || claimed != passed)
		return KSHM_ERR_INVAL;
	return KSHM_OK;
}

/* Common to every request that names a region. */
static enum kshm_status check_region_id(uint32_t id)
{
	return (id == 0 || id > KSHM_MAX_REGION_ID) ? KSHM_ERR_NOENT : KSHM_OK;
}

static enum kshm_status check_length_limit(uint64_t len, const struct kshm_limits *limits)
{
	if (len == 0)
		return KSHM_ERR_INVAL;
	if (len > limits->max_region_bytes)
		return KSHM_ERR_TOO_BIG;
	return KSHM_OK;
}

enum kshm_status kshm_validate_region_create(const struct kshm_region_create *req,
					     const struct kshm_limits *limits,
					     uint64_t *alloc_bytes)
{
	enum kshm_status st;

	if ((req->flags & ~KSHM_REGION_CREATE_FLAGS) || req->reserved)
		return KSHM_ERR_INVAL;
	st = check_length_limit(req->length, limits);
	if (st)
		return st;
	/* max_region_bytes is page-aligned (kshm_limits_clamp), so this cannot exceed it. */
	*alloc_bytes = kshm_pages_for_bytes(req->length, limits->page_shift) << limits->page_shift;
	return KSHM_OK;
}

enum kshm_status kshm_validate_buffer_attach(const struct kshm_buffer_attach *req,
					     const struct kshm_limits *limits,
					     struct kshm_layout *layout)
{
	enum kshm_status st;

	if ((req->flags & ~KSHM_ATTACH_FLAGS) || req->reserved)
		return KSHM_ERR_INVAL;
	st = check_length_limit(req->length, limits);
	if (st)
		return st;
	return kshm_span_compute(req->user_addr, req->length, limits->page_shift, layout);
}

enum kshm_status kshm_validate_region_info(const struct kshm_region_info *req)
{
	if (req->pfn_capacity && !req->pfn_array)
		return KSHM_ERR_INVAL;
	return check_region_id(req->id);
}

enum kshm_status kshm_validate_region_destroy(const struct kshm_region_destroy *req)
{
	return check_region_id(req->id);
}

enum kshm_status kshm_validate_range_op(const struct kshm_range_op *req, uint64_t region_bytes)
{
	enum kshm_status st = check_region_id(req->id);

	if (st)
		return st;
	return kshm_range_check(region_bytes, req->offset, req->length);
}

enum kshm_status kshm_validate_transfer(const struct kshm_transfer *req,
					const struct kshm_limits *limits, uint32_t methods,
					struct kshm_layout *layout)
{
	enum kshm_status st;

	/* A method past the mask's bits names none (and must not be shifted by). */
	if (req->reserved || req->method >= 8 * sizeof(methods) || !(methods & (1U << req->method)))
		return KSHM_ERR_INVAL;
	if (req->direction != KSHM_DIR_TO_KERNEL && req->direction != KSHM_DIR_FROM_KERNEL)
		return KSHM_ERR_INVAL;
	st = check_length_limit(req->length, limits);
	if (st)
		return st;
	return kshm_span_compute(req->user_addr, req->length, limits->page_shift, layout);
}

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
