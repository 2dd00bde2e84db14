// SPDX-License-Identifier: GPL-2.0 OR MIT
/* core/validate.c and core/limits.h: request checks, limit clamping, quota rule. */
#include "unit.h"
#include "core/validate.h"

#define PAGE_4K 4096ULL
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

/* Driver defaults after kshm_limits_clamp, 4 KiB pages. */
static struct kshm_limits default_limits(void)
{
	struct kshm_limits limits = {
		.max_region_bytes = KSHM_DEFAULT_MAX_REGION_BYTES,
		.max_allocated_bytes = KSHM_DEFAULT_MAX_ALLOCATED_BYTES,
		.max_pinned_bytes = KSHM_DEFAULT_MAX_PINNED_BYTES,
		.max_regions_per_file = KSHM_DEFAULT_MAX_REGIONS_PER_FILE,
		.page_shift = 12,
	};

	kshm_limits_clamp(&limits);
	return limits;
}

static struct kshm_layout poisoned_layout(void)
{
	struct kshm_layout layout;

	memset(&layout, 0xa5, sizeof(layout));
	return layout;
}

/* ---- kshm_version_describe: what KSHM_IOC_VERSION reports ---- */

static void test_version_reports_clamped_limits(void **state)
{
	struct kshm_limits limits = default_limits();
	struct kshm_version v;

	(void)state;
	memset(&v, 0xa5, sizeof(v));
	limits.max_region_bytes = 3 * 4096 + 100;	/* not whole pages: the lower */
	limits.page_shift = 16;
	kshm_limits_clamp(&limits);
	kshm_version_describe(&v, &limits);
	assert_int_equal(v.abi_version, KSHM_ABI_VERSION);
	assert_int_equal(v.page_size, 65536);
	assert_int_equal(v.max_region_bytes, 0);	/* under one 64 KiB page */
	assert_int_equal(v.max_regions_per_file, limits.max_regions_per_file);
	assert_int_equal(v.max_allocated_bytes, limits.max_allocated_bytes);
	assert_int_equal(v.max_pinned_bytes, limits.max_pinned_bytes);
	limits = default_limits();
	kshm_version_describe(&v, &limits);
	assert_int_equal(v.page_size, 4096);
	assert_int_equal(v.max_region_bytes, KSHM_DEFAULT_MAX_REGION_BYTES);
}

/* ---- kshm_check_request_size ---- */

static void test_request_size_exact_v1(void **state)
{
	(void)state;
	assert_int_equal(kshm_check_request_size(48, 48, 48), KSHM_OK);
	assert_int_equal(kshm_check_request_size(8, 8, 8), KSHM_OK);
}

static void test_request_size_smaller_than_v1(void **state)
{
	(void)state;
	assert_int_equal(kshm_check_request_size(40, 40, 48), KSHM_ERR_INVAL);
	assert_int_equal(kshm_check_request_size(47, 47, 48), KSHM_ERR_INVAL);
	assert_int_equal(kshm_check_request_size(0, 0, 48), KSHM_ERR_INVAL);
}

static void test_request_size_field_disagrees_with_passed(void **state)
{
	(void)state;
	assert_int_equal(kshm_check_request_size(48, 56, 48), KSHM_ERR_INVAL);
	assert_int_equal(kshm_check_request_size(56, 48, 48), KSHM_ERR_INVAL);
	assert_int_equal(kshm_check_request_size(0, 48, 48), KSHM_ERR_INVAL);
	/* The 32-bit field must not match a 64-bit passed size by truncation. */
	assert_int_equal(kshm_check_request_size(48, (1ULL << 32) + 48, 48), KSHM_ERR_INVAL);
	assert_int_equal(kshm_check_request_size(UINT32_MAX, UINT64_MAX, 48), KSHM_ERR_INVAL);
}

static void test_request_size_larger_than_v1(void **state)
{
	(void)state;
	/* A newer caller's larger struct: its tail is checked elsewhere. */
	assert_int_equal(kshm_check_request_size(56, 56, 48), KSHM_OK);
	assert_int_equal(kshm_check_request_size(4096, 4096, 48), KSHM_OK);
	assert_int_equal(kshm_check_request_size(UINT32_MAX, UINT32_MAX, 48), KSHM_OK);
}

/* ---- kshm_validate_region_create ---- */

static enum kshm_status create(uint32_t flags, uint32_t reserved, uint64_t length,
			       const struct kshm_limits *limits, uint64_t *alloc_bytes)
{
	struct kshm_region_create req = {
		.size = sizeof(req), .flags = flags, .length = length, .reserved = reserved,
	};

	*alloc_bytes = 0xdeadbeef;
	return kshm_validate_region_create(&req, limits, alloc_bytes);
}

static void test_create_accepts_known_flags(void **state)
{
	struct kshm_limits limits = default_limits();
	uint64_t alloc;

	(void)state;
	assert_int_equal(create(0, 0, 100, &limits, &alloc), KSHM_OK);
	assert_int_equal(create(KSHM_REGION_USER_READONLY, 0, 100, &limits, &alloc), KSHM_OK);
}

static void test_create_rejects_unknown_flags(void **state)
{
	struct kshm_limits limits = default_limits();
	uint64_t alloc;
	unsigned int bit;

	(void)state;
	for (bit = 0; bit < 32; bit++) {
		uint32_t flag = 1U << bit;

		if (flag & KSHM_REGION_CREATE_FLAGS)
			continue;
		assert_int_equal(create(flag, 0, 100, &limits, &alloc), KSHM_ERR_INVAL);
		assert_int_equal(create(flag | KSHM_REGION_USER_READONLY, 0, 100, &limits, &alloc),
				 KSHM_ERR_INVAL);
	}
}

static void test_create_rejects_reserved_nonzero(void **state)
{
	struct kshm_limits limits = default_limits();
	uint64_t alloc;

	(void)state;
	assert_int_equal(create(0, 1, 100, &limits, &alloc), KSHM_ERR_INVAL);
	assert_int_equal(create(0, 0x80000000U, 100, &limits, &alloc), KSHM_ERR_INVAL);
}

static void test_create_rejects_zero_length(void **state)
{
	struct kshm_limits limits = default_limits();
	uint64_t alloc;

	(void)state;
	assert_int_equal(create(0, 0, 0, &limits, &alloc), KSHM_ERR_INVAL);
}

static void test_create_length_over_limit_is_too_big(void **state)
{
	struct kshm_limits limits = default_limits();
	uint64_t alloc;

	(void)state;
	assert_int_equal(create(0, 0, 256 * MIB + 1, &limits, &alloc), KSHM_ERR_TOO_BIG);
	assert_int_equal(create(0, 0, UINT64_MAX, &limits, &alloc), KSHM_ERR_TOO_BIG);
	limits.max_region_bytes = 0;
	assert_int_equal(create(0, 0, 1, &limits, &alloc), KSHM_ERR_TOO_BIG);
}

static void test_create_length_equal_to_limit(void **state)
{
	struct kshm_limits limits = default_limits();
	uint64_t alloc;

	(void)state;
	assert_int_equal(create(0, 0, 256 * MIB, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, 256 * MIB);
	/* The ABI maximum, once clamped in. */
	limits.max_region_bytes = UINT64_MAX;
	kshm_limits_clamp(&limits);
	assert_int_equal(create(0, 0, KSHM_REGION_MAX_BYTES, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, KSHM_REGION_MAX_BYTES);
	assert_int_equal(create(0, 0, KSHM_REGION_MAX_BYTES + 1, &limits, &alloc),
			 KSHM_ERR_TOO_BIG);
}

static void test_create_rounds_up_to_whole_pages(void **state)
{
	struct kshm_limits limits = default_limits();
	uint64_t alloc;

	(void)state;
	assert_int_equal(create(0, 0, 1, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, PAGE_4K);
	assert_int_equal(create(0, 0, PAGE_4K - 1, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, PAGE_4K);
	assert_int_equal(create(0, 0, PAGE_4K, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, PAGE_4K);
	assert_int_equal(create(0, 0, PAGE_4K + 1, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, 2 * PAGE_4K);
	assert_int_equal(create(0, 0, 256 * MIB - 1, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, 256 * MIB);
}

static void test_create_rounds_up_to_64k_pages(void **state)
{
	struct kshm_limits limits = default_limits();
	uint64_t alloc;

	(void)state;
	limits.page_shift = 16;
	kshm_limits_clamp(&limits);
	assert_int_equal(create(0, 0, 1, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, 65536);
	assert_int_equal(create(0, 0, 65537, &limits, &alloc), KSHM_OK);
	assert_int_equal(alloc, 131072);
}

/* ---- kshm_validate_buffer_attach ---- */

static enum kshm_status attach(uint32_t flags, uint32_t reserved, uint64_t addr, uint64_t length,
			       const struct kshm_limits *limits, struct kshm_layout *layout)
{
	struct kshm_buffer_attach req = {
		.size = sizeof(req), .flags = flags, .user_addr = addr, .length = length,
		.reserved = reserved,
	};

	*layout = poisoned_layout();
	return kshm_validate_buffer_attach(&req, limits, layout);
}

static void test_attach_flags(void **state)
{
	struct kshm_limits limits = default_limits();
	struct kshm_layout layout;
	unsigned int bit;

	(void)state;
	assert_int_equal(attach(0, 0, 0x10000, 100, &limits, &layout), KSHM_OK);
	assert_int_equal(attach(KSHM_ATTACH_KERNEL_WRITE, 0, 0x10000, 100, &limits, &layout),
			 KSHM_OK);
	for (bit = 0; bit < 32; bit++) {
		if ((1U << bit) & KSHM_ATTACH_FLAGS)
			continue;
		assert_int_equal(attach(1U << bit, 0, 0x10000, 100, &limits, &layout),
				 KSHM_ERR_INVAL);
	}
}

static void test_attach_rejects_reserved_nonzero(void **state)
{
	struct kshm_limits limits = default_limits();
	struct kshm_layout layout;

	(void)state;
	assert_int_equal(attach(0, 1, 0x10000, 100, &limits, &layout), KSHM_ERR_INVAL);
}

static void test_attach_rejects_zero_length(void **state)
{
	struct kshm_limits limits = default_limits();
	struct kshm_layout layout;

	(void)state;
	assert_int_equal(attach(0, 0, 0x10000, 0, &limits, &layout), KSHM_ERR_INVAL);
}

static void test_attach_wrapping_address_overflows(void **state)
{
	struct kshm_limits limits = default_limits();
	struct kshm_layout layout;

	(void)state;
	assert_int_equal(attach(0, 0, UINT64_MAX - 10, 100, &limits, &layout), KSHM_ERR_OVERFLOW);
	assert_int_equal(attach(0, 0, UINT64_MAX, 2, &limits, &layout), KSHM_ERR_OVERFLOW);
	/* Ending exactly at the top is fine. */
	assert_int_equal(attach(0, 0, UINT64_MAX - 4095, 4096, &limits, &layout), KSHM_OK);
}

static void test_attach_over_limit_is_too_big(void **state)
{
	struct kshm_limits limits = default_limits();
	struct kshm_layout layout;

	(void)state;
	assert_int_equal(attach(0, 0, 0x10000, 256 * MIB + 1, &limits, &layout),
			 KSHM_ERR_TOO_BIG);
	assert_int_equal(attach(0, 0, 0x10000, 256 * MIB, &limits, &layout), KSHM_OK);
	assert_int_equal(attach(0, 0, 0, UINT64_MAX, &limits, &layout), KSHM_ERR_TOO_BIG);
}

static void test_attach_reports_layout(void **state)
{
	struct kshm_limits limits = default_limits();
	struct kshm_layout layout;

	(void)state;
	assert_int_equal(attach(0, 0, 0xac004010, 0x2000, &limits, &layout), KSHM_OK);
	assert_int_equal(layout.start_va, 0xac004000);
	assert_int_equal(layout.byte_offset, 0x10);
	assert_int_equal(layout.byte_count, 0x2000);
	assert_int_equal(layout.span_pages, 3);
	assert_int_equal(layout.page_size, 4096);
	assert_int_equal(layout.reserved, 0);
}

static void test_attach_layout_uses_limits_page_shift(void **state)
{
	struct kshm_limits limits = default_limits();
	struct kshm_layout layout;

	(void)state;
	limits.page_shift = 16;
	assert_int_equal(attach(0, 0, 0xac004010, 0x2000, &limits, &layout), KSHM_OK);
	assert_int_equal(layout.start_va, 0xac000000);
	assert_int_equal(layout.byte_offset, 0x4010);
	assert_int_equal(layout.span_pages, 1);
	assert_int_equal(layout.page_size, 65536);
}

/* ---- kshm_validate_region_info ---- */

static enum kshm_status info(uint32_t id, uint64_t pfn_array, uint32_t pfn_capacity)
{
	struct kshm_region_info req = {
		.size = sizeof(req), .id = id, .pfn_array = pfn_array,
		.pfn_capacity = pfn_capacity,
	};

	return kshm_validate_region_info(&req);
}

static void test_info_valid(void **state)
{
	(void)state;
	assert_int_equal(info(1, 0, 0), KSHM_OK);
	assert_int_equal(info(1, 0x7fff0000, 16), KSHM_OK);
	assert_int_equal(info(KSHM_MAX_REGION_ID, 0, 0), KSHM_OK);
}

static void test_info_capacity_without_array_is_invalid(void **state)
{
	(void)state;
	assert_int_equal(info(1, 0, 1), KSHM_ERR_INVAL);
	assert_int_equal(info(1, 0, UINT32_MAX), KSHM_ERR_INVAL);
}

static void test_info_unknown_id(void **state)
{
	(void)state;
	assert_int_equal(info(0, 0, 0), KSHM_ERR_NOENT);
	assert_int_equal(info(KSHM_MAX_REGION_ID + 1, 0, 0), KSHM_ERR_NOENT);
	assert_int_equal(info(UINT32_MAX, 0, 0), KSHM_ERR_NOENT);
}

/* ---- kshm_validate_region_destroy ---- */

static enum kshm_status destroy(uint32_t id)
{
	struct kshm_region_destroy req = { .size = sizeof(req), .id = id };

	return kshm_validate_region_destroy(&req);
}

static void test_destroy_ids(void **state)
{
	(void)state;
	assert_int_equal(destroy(1), KSHM_OK);
	assert_int_equal(destroy(KSHM_MAX_REGION_ID), KSHM_OK);
	assert_int_equal(destroy(0), KSHM_ERR_NOENT);
	assert_int_equal(destroy(KSHM_MAX_REGION_ID + 1), KSHM_ERR_NOENT);
	assert_int_equal(destroy(UINT32_MAX), KSHM_ERR_NOENT);
}

/* ---- kshm_validate_range_op ---- */

static enum kshm_status range_op(uint32_t id, uint64_t offset, uint64_t length,
				 uint64_t region_bytes)
{
	struct kshm_range_op req = {
		.size = sizeof(req), .id = id, .offset = offset, .length = length,
	};

	return kshm_validate_range_op(&req, region_bytes);
}

static void test_range_op_valid(void **state)
{
	(void)state;
	assert_int_equal(range_op(1, 0, 4096, 4096), KSHM_OK);
	assert_int_equal(range_op(1, 4095, 1, 4096), KSHM_OK);
	assert_int_equal(range_op(KSHM_MAX_REGION_ID, 100, 200, 300), KSHM_OK);
}

static void test_range_op_unknown_id(void **state)
{
	(void)state;
	assert_int_equal(range_op(0, 0, 1, 4096), KSHM_ERR_NOENT);
	assert_int_equal(range_op(KSHM_MAX_REGION_ID + 1, 0, 1, 4096), KSHM_ERR_NOENT);
}

static void test_range_op_zero_length(void **state)
{
	(void)state;
	assert_int_equal(range_op(1, 0, 0, 4096), KSHM_ERR_INVAL);
}

static void test_range_op_outside_region(void **state)
{
	(void)state;
	assert_int_equal(range_op(1, 0, 4097, 4096), KSHM_ERR_RANGE);
	assert_int_equal(range_op(1, 4096, 1, 4096), KSHM_ERR_RANGE);
	assert_int_equal(range_op(1, 4000, 97, 4096), KSHM_ERR_RANGE);
	/* Region bytes, not mapped pages: 100 bytes created means 100 bytes. */
	assert_int_equal(range_op(1, 0, 101, 100), KSHM_ERR_RANGE);
}

static void test_range_op_wrapping_sum(void **state)
{
	(void)state;
	assert_int_equal(range_op(1, UINT64_MAX, 2, 4096), KSHM_ERR_RANGE);
	assert_int_equal(range_op(1, 16, UINT64_MAX - 8, 4096), KSHM_ERR_RANGE);
}

/* ---- kshm_validate_transfer ---- */

#define CLASSIC_METHODS ((1U << KSHM_METHOD_BUFFERED) | (1U << KSHM_METHOD_DIRECT))

static struct kshm_transfer transfer_req(uint32_t method, uint32_t direction)
{
	struct kshm_transfer req = {
		.size = sizeof(struct kshm_transfer), .method = method, .direction = direction,
		.user_addr = 0xac004010, .length = 0x2000, .seed = 7,
	};

	return req;
}

static enum kshm_status transfer(const struct kshm_transfer *req, uint32_t methods,
				 struct kshm_layout *layout)
{
	struct kshm_limits limits = default_limits();

	*layout = poisoned_layout();
	return kshm_validate_transfer(req, &limits, methods, layout);
}

static void test_transfer_valid_methods_and_directions(void **state)
{
	struct kshm_layout layout;
	struct kshm_transfer req;

	(void)state;
	req = transfer_req(KSHM_METHOD_BUFFERED, KSHM_DIR_TO_KERNEL);
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_OK);
	req = transfer_req(KSHM_METHOD_DIRECT, KSHM_DIR_FROM_KERNEL);
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_OK);
	req = transfer_req(KSHM_METHOD_NEITHER, KSHM_DIR_FROM_KERNEL);
	assert_int_equal(transfer(&req, CLASSIC_METHODS | (1U << KSHM_METHOD_NEITHER), &layout),
			 KSHM_OK);
}

static void test_transfer_reports_layout(void **state)
{
	struct kshm_layout layout;
	struct kshm_transfer req = transfer_req(KSHM_METHOD_DIRECT, KSHM_DIR_TO_KERNEL);

	(void)state;
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_OK);
	assert_int_equal(layout.start_va, 0xac004000);
	assert_int_equal(layout.byte_offset, 0x10);
	assert_int_equal(layout.byte_count, 0x2000);
	assert_int_equal(layout.span_pages, 3);
	assert_int_equal(layout.page_size, 4096);
	assert_int_equal(layout.reserved, 0);
}

static void test_transfer_method_not_offered(void **state)
{
	struct kshm_layout layout;
	struct kshm_transfer req;

	(void)state;
	req = transfer_req(KSHM_METHOD_NEITHER, KSHM_DIR_TO_KERNEL);
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_ERR_INVAL);
	req = transfer_req(0, KSHM_DIR_TO_KERNEL);
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_ERR_INVAL);
	req = transfer_req(KSHM_METHOD_BUFFERED, KSHM_DIR_TO_KERNEL);
	assert_int_equal(transfer(&req, 0, &layout), KSHM_ERR_INVAL);
	assert_int_equal(transfer(&req, 1U << KSHM_METHOD_DIRECT, &layout), KSHM_ERR_INVAL);
}

static void test_transfer_method_31_is_last_valid_bit(void **state)
{
	struct kshm_layout layout;
	struct kshm_transfer req = transfer_req(31, KSHM_DIR_TO_KERNEL);

	(void)state;
	assert_int_equal(transfer(&req, 1U << 31, &layout), KSHM_OK);
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_ERR_INVAL);
}

static void test_transfer_method_32_and_above_rejected(void **state)
{
	/* Even with every bit offered: 1U << 32 must never be evaluated. */
	const uint32_t methods[] = { 32, 33, 63, 64, 65, 0x80000000U, UINT32_MAX };
	struct kshm_layout layout;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(methods); i++) {
		struct kshm_transfer req = transfer_req(methods[i], KSHM_DIR_TO_KERNEL);

		assert_int_equal(transfer(&req, UINT32_MAX, &layout), KSHM_ERR_INVAL);
	}
}

static void test_transfer_invalid_direction(void **state)
{
	const uint32_t directions[] = { 0, 3, 4, KSHM_DIR_TO_KERNEL | KSHM_DIR_FROM_KERNEL,
					0x80000001U, UINT32_MAX };
	struct kshm_layout layout;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(directions); i++) {
		struct kshm_transfer req = transfer_req(KSHM_METHOD_BUFFERED, directions[i]);

		assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_ERR_INVAL);
	}
}

static void test_transfer_reserved_nonzero(void **state)
{
	struct kshm_layout layout;
	struct kshm_transfer req = transfer_req(KSHM_METHOD_BUFFERED, KSHM_DIR_TO_KERNEL);

	(void)state;
	req.reserved = 1;
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_ERR_INVAL);
}

static void test_transfer_length_checks(void **state)
{
	struct kshm_layout layout;
	struct kshm_transfer req = transfer_req(KSHM_METHOD_BUFFERED, KSHM_DIR_TO_KERNEL);

	(void)state;
	req.length = 0;
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_ERR_INVAL);
	req.length = KSHM_DEFAULT_MAX_REGION_BYTES + 1;
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_ERR_TOO_BIG);
	req.length = KSHM_DEFAULT_MAX_REGION_BYTES;
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_OK);
}

static void test_transfer_wrapping_address_overflows(void **state)
{
	struct kshm_layout layout;
	struct kshm_transfer req = transfer_req(KSHM_METHOD_BUFFERED, KSHM_DIR_FROM_KERNEL);

	(void)state;
	req.user_addr = UINT64_MAX - 100;
	req.length = 102;
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_ERR_OVERFLOW);
	req.length = 101;
	assert_int_equal(transfer(&req, CLASSIC_METHODS, &layout), KSHM_OK);
}

/* ---- kshm_limits_clamp ---- */

static void test_clamp_region_bytes_above_abi_max(void **state)
{
	struct kshm_limits limits = default_limits();

	(void)state;
	limits.max_region_bytes = UINT64_MAX;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_region_bytes, KSHM_REGION_MAX_BYTES);
	limits.max_region_bytes = KSHM_REGION_MAX_BYTES + 1;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_region_bytes, KSHM_REGION_MAX_BYTES);
	limits.max_region_bytes = KSHM_REGION_MAX_BYTES;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_region_bytes, KSHM_REGION_MAX_BYTES);
}

static void test_clamp_region_bytes_rounds_down_to_page(void **state)
{
	struct kshm_limits limits = default_limits();

	(void)state;
	limits.max_region_bytes = 3 * PAGE_4K + 5;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_region_bytes, 3 * PAGE_4K);
	limits.max_region_bytes = PAGE_4K - 1;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_region_bytes, 0);
	limits.max_region_bytes = KSHM_REGION_MAX_BYTES - 1;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_region_bytes, KSHM_REGION_MAX_BYTES - PAGE_4K);
	limits.page_shift = 16;
	limits.max_region_bytes = 2 * 65536 + 4096;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_region_bytes, 2 * 65536);
}

static void test_clamp_zero_stays_zero(void **state)
{
	struct kshm_limits limits = { .page_shift = 12 };

	(void)state;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_region_bytes, 0);
	assert_int_equal(limits.max_allocated_bytes, 0);
	assert_int_equal(limits.max_pinned_bytes, 0);
	assert_int_equal(limits.max_regions_per_file, 0);
	assert_int_equal(limits.page_shift, 12);
}

static void test_clamp_regions_per_file_to_id_space(void **state)
{
	struct kshm_limits limits = default_limits();

	(void)state;
	limits.max_regions_per_file = UINT32_MAX;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_regions_per_file, KSHM_MAX_REGION_ID);
	limits.max_regions_per_file = KSHM_MAX_REGION_ID + 1;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_regions_per_file, KSHM_MAX_REGION_ID);
	limits.max_regions_per_file = KSHM_MAX_REGION_ID;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_regions_per_file, KSHM_MAX_REGION_ID);
	limits.max_regions_per_file = 64;
	kshm_limits_clamp(&limits);
	assert_int_equal(limits.max_regions_per_file, 64);
}

static void test_clamp_keeps_valid_defaults(void **state)
{
	struct kshm_limits limits = default_limits();

	(void)state;
	assert_int_equal(limits.max_region_bytes, KSHM_DEFAULT_MAX_REGION_BYTES);
	assert_int_equal(limits.max_allocated_bytes, KSHM_DEFAULT_MAX_ALLOCATED_BYTES);
	assert_int_equal(limits.max_pinned_bytes, KSHM_DEFAULT_MAX_PINNED_BYTES);
	assert_int_equal(limits.max_regions_per_file, KSHM_DEFAULT_MAX_REGIONS_PER_FILE);
	assert_int_equal(limits.page_shift, 12);
	/* Clamping is idempotent. */
	limits.max_region_bytes = 12345678;
	kshm_limits_clamp(&limits);
	{
		struct kshm_limits again = limits;

		kshm_limits_clamp(&again);
		assert_memory_equal(&again, &limits, sizeof(limits));
	}
}

/* ---- kshm_quota_fits ---- */

static void test_quota_fits_edges(void **state)
{
	(void)state;
	assert_true(kshm_quota_fits(0, 0, 0));
	assert_false(kshm_quota_fits(0, 1, 0));
	assert_true(kshm_quota_fits(0, GIB, GIB));
	assert_false(kshm_quota_fits(0, GIB + 1, GIB));
	assert_true(kshm_quota_fits(GIB - 4096, 4096, GIB));
	assert_false(kshm_quota_fits(GIB - 4095, 4096, GIB));
	/* Already over the limit (limit lowered at run time): nothing more fits. */
	assert_false(kshm_quota_fits(11, 0, 10));
	assert_false(kshm_quota_fits(11, 1, 10));
}

static void test_quota_fits_uint64_max(void **state)
{
	(void)state;
	assert_true(kshm_quota_fits(UINT64_MAX, 0, UINT64_MAX));
	assert_true(kshm_quota_fits(0, UINT64_MAX, UINT64_MAX));
	assert_true(kshm_quota_fits(1, UINT64_MAX - 1, UINT64_MAX));
	assert_false(kshm_quota_fits(1, UINT64_MAX, UINT64_MAX));
	assert_false(kshm_quota_fits(UINT64_MAX, 1, UINT64_MAX));
	assert_false(kshm_quota_fits(UINT64_MAX, UINT64_MAX, UINT64_MAX));
	/* used + amount wraps to 0, which a naive sum would accept. */
	assert_false(kshm_quota_fits(2, UINT64_MAX - 1, 100));
	assert_false(kshm_quota_fits(UINT64_MAX, 1, 100));
	assert_false(kshm_quota_fits(0, UINT64_MAX, UINT64_MAX - 1));
}

static void test_quota_fits_matches_wide_arithmetic(void **state)
{
	const uint64_t interesting[] = { 0, 1, 2, 4095, 4096, GIB - 1, GIB, GIB + 1,
					 UINT64_MAX / 2, UINT64_MAX / 2 + 1, UINT64_MAX - 1,
					 UINT64_MAX };
	size_t u, a, l;

	(void)state;
	for (u = 0; u < ARRAY_LEN(interesting); u++)
		for (a = 0; a < ARRAY_LEN(interesting); a++)
			for (l = 0; l < ARRAY_LEN(interesting); l++) {
				unsigned __int128 sum = (unsigned __int128)interesting[u] +
							interesting[a];

				assert_int_equal(kshm_quota_fits(interesting[u], interesting[a],
								 interesting[l]),
						 sum <= interesting[l]);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_reports_clamped_limits),
		cmocka_unit_test(test_request_size_exact_v1),
		cmocka_unit_test(test_request_size_smaller_than_v1),
		cmocka_unit_test(test_request_size_field_disagrees_with_passed),
		cmocka_unit_test(test_request_size_larger_than_v1),
		cmocka_unit_test(test_create_accepts_known_flags),
		cmocka_unit_test(test_create_rejects_unknown_flags),
		cmocka_unit_test(test_create_rejects_reserved_nonzero),
		cmocka_unit_test(test_create_rejects_zero_length),
		cmocka_unit_test(test_create_length_over_limit_is_too_big),
		cmocka_unit_test(test_create_length_equal_to_limit),
		cmocka_unit_test(test_create_rounds_up_to_whole_pages),
		cmocka_unit_test(test_create_rounds_up_to_64k_pages),
		cmocka_unit_test(test_attach_flags),
		cmocka_unit_test(test_attach_rejects_reserved_nonzero),
		cmocka_unit_test(test_attach_rejects_zero_length),
		cmocka_unit_test(test_attach_wrapping_address_overflows),
		cmocka_unit_test(test_attach_over_limit_is_too_big),
		cmocka_unit_test(test_attach_reports_layout),
		cmocka_unit_test(test_attach_layout_uses_limits_page_shift),
		cmocka_unit_test(test_info_valid),
		cmocka_unit_test(test_info_capacity_without_array_is_invalid),
		cmocka_unit_test(test_info_unknown_id),
		cmocka_unit_test(test_destroy_ids),
		cmocka_unit_test(test_range_op_valid),
		cmocka_unit_test(test_range_op_unknown_id),
		cmocka_unit_test(test_range_op_zero_length),
		cmocka_unit_test(test_range_op_outside_region),
		cmocka_unit_test(test_range_op_wrapping_sum),
		cmocka_unit_test(test_transfer_valid_methods_and_directions),
		cmocka_unit_test(test_transfer_reports_layout),
		cmocka_unit_test(test_transfer_method_not_offered),
		cmocka_unit_test(test_transfer_method_31_is_last_valid_bit),
		cmocka_unit_test(test_transfer_method_32_and_above_rejected),
		cmocka_unit_test(test_transfer_invalid_direction),
		cmocka_unit_test(test_transfer_reserved_nonzero),
		cmocka_unit_test(test_transfer_length_checks),
		cmocka_unit_test(test_transfer_wrapping_address_overflows),
		cmocka_unit_test(test_clamp_region_bytes_above_abi_max),
		cmocka_unit_test(test_clamp_region_bytes_rounds_down_to_page),
		cmocka_unit_test(test_clamp_zero_stays_zero),
		cmocka_unit_test(test_clamp_regions_per_file_to_id_space),
		cmocka_unit_test(test_clamp_keeps_valid_defaults),
		cmocka_unit_test(test_quota_fits_edges),
		cmocka_unit_test(test_quota_fits_uint64_max),
		cmocka_unit_test(test_quota_fits_matches_wide_arithmetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
