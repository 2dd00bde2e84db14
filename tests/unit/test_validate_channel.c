// SPDX-License-Identifier: GPL-2.0 OR MIT
/* core/validate.c: the channel requests' checks, before any memory is involved. */
#include "unit.h"
#include "core/validate.h"

#define PAGE 4096ULL

static struct kshm_limits limits_4k(uint64_t max_region_bytes)
{
	struct kshm_limits limits = { .max_region_bytes = max_region_bytes, .page_shift = 12 };

	return limits;
}

static enum kshm_status create(uint32_t kind, uint64_t data, uint32_t reserved,
			       uint64_t max_region_bytes, uint64_t *alloc)
{
	struct kshm_channel_create req = {
		.size = sizeof(req), .kind = kind, .data_bytes = data, .reserved = reserved,
	};
	struct kshm_limits limits = limits_4k(max_region_bytes);

	return kshm_validate_channel_create(&req, &limits, alloc);
}

static void test_create(void **state)
{
	uint64_t alloc = 0;

	(void)state;
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, PAGE, 0, 1 << 20, &alloc), KSHM_OK);
	assert_int_equal(alloc, PAGE + KSHM_RING_HEADER_PAGES * PAGE);
	assert_int_equal(create(KSHM_CHANNEL_SUBMISSIONS, 64 * PAGE, 0, 1 << 20, &alloc), KSHM_OK);
	assert_int_equal(alloc, 64 * PAGE + KSHM_RING_HEADER_PAGES * PAGE);
	/* Kind, reserved, sizes that are not a power of two of whole pages. */
	assert_int_equal(create(0, PAGE, 0, 1 << 20, &alloc), KSHM_ERR_INVAL);
	assert_int_equal(create(3, PAGE, 0, 1 << 20, &alloc), KSHM_ERR_INVAL);
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, PAGE, 1, 1 << 20, &alloc), KSHM_ERR_INVAL);
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, 0, 0, 1 << 20, &alloc), KSHM_ERR_INVAL);
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, PAGE / 2, 0, 1 << 20, &alloc), KSHM_ERR_INVAL);
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, 3 * PAGE, 0, 1 << 20, &alloc), KSHM_ERR_INVAL);
	/* data + header pages would pass the limit (and wrap past 2^64 if added). */
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, 1ULL << 63, 0, (1ULL << 63) + PAGE, &alloc),
			 KSHM_ERR_TOO_BIG);
	/* The header pages count against the region limit too, without overflowing it. */
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, 1 << 20, 0, 1 << 20, &alloc), KSHM_ERR_TOO_BIG);
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, 1 << 20, 0, (1 << 20) + 2 * PAGE, &alloc),
			 KSHM_OK);
	assert_int_equal(create(KSHM_CHANNEL_EVENTS, 2 << 20, 0, 1 << 20, &alloc), KSHM_ERR_TOO_BIG);
}

static enum kshm_status generate(uint64_t count, uint32_t record_bytes, uint32_t flags,
				 uint32_t reserved, uint32_t max_payload)
{
	struct kshm_channel_generate req = {
		.size = sizeof(req), .count = count, .record_bytes = record_bytes,
		.flags = flags, .reserved = reserved,
	};

	return kshm_validate_channel_generate(&req, max_payload);
}

static void test_generate(void **state)
{
	(void)state;
	assert_int_equal(generate(1, 8, 0, 0, 2040), KSHM_OK);
	assert_int_equal(generate(UINT64_MAX, 2040, KSHM_GENERATE_BLOCK, 0, 2040), KSHM_OK);
	assert_int_equal(generate(0, 8, 0, 0, 2040), KSHM_ERR_INVAL);
	assert_int_equal(generate(1, 7, 0, 0, 2040), KSHM_ERR_INVAL);	/* no room for the seq */
	assert_int_equal(generate(1, 8, 2, 0, 2040), KSHM_ERR_INVAL);
	assert_int_equal(generate(1, 8, 0, 1, 2040), KSHM_ERR_INVAL);
	assert_int_equal(generate(1, 2041, 0, 0, 2040), KSHM_ERR_TOO_BIG);
	assert_int_equal(generate(1, KSHM_GENERATE_MAX_RECORD + 1, 0, 0, UINT32_MAX),
			 KSHM_ERR_TOO_BIG);
	assert_int_equal(generate(1, KSHM_GENERATE_MAX_RECORD, 0, 0, UINT32_MAX), KSHM_OK);
}

static void test_process(void **state)
{
	struct kshm_channel_process req = {
		.size = sizeof(req), .submissions = 1, .completions = 2, .max_records = 1,
	};

	(void)state;
	assert_int_equal(kshm_validate_channel_process(&req), KSHM_OK);
	req.max_records = 0;
	assert_int_equal(kshm_validate_channel_process(&req), KSHM_ERR_INVAL);
	req.max_records = UINT32_MAX;
	req.completions = 1;	/* one channel cannot be both */
	assert_int_equal(kshm_validate_channel_process(&req), KSHM_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
