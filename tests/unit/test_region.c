// SPDX-License-Identifier: GPL-2.0 OR MIT
/* core/region.c: the per-region windows of the device's mmap offset space. */
#include "unit.h"
#include "core/region.h"
#include "core/limits.h"
#include "core/span.h"

#define WINDOW KSHM_REGION_MAX_BYTES

static enum kshm_status decode(uint64_t offset, uint64_t len, uint32_t *id,
			       uint64_t *region_offset)
{
	*id = 0xdeadbeef;
	*region_offset = 0xdeadbeefdeadbeefULL;
	return kshm_mmap_decode(offset, len, id, region_offset);
}

static void test_offset_of_is_id_times_window(void **state)
{
	(void)state;
	assert_int_equal(kshm_mmap_offset_of(1), 1ULL << 32);
	assert_int_equal(kshm_mmap_offset_of(2), 2ULL << 32);
	assert_int_equal(kshm_mmap_offset_of(KSHM_MAX_REGION_ID), 0x00000fff00000000ULL);
	assert_int_equal(WINDOW, 1ULL << KSHM_MMAP_REGION_SHIFT);
}

static void test_highest_window_fits_in_64_bits(void **state)
{
	uint64_t start = kshm_mmap_offset_of(KSHM_MAX_REGION_ID);

	(void)state;
	/* The last byte of the last window must not wrap (nor reach the sign bit of loff_t). */
	assert_true(start <= UINT64_MAX - (WINDOW - 1));
	assert_true(start + (WINDOW - 1) <= (uint64_t)INT64_MAX);
}

static void test_decode_window_start(void **state)
{
	uint32_t id;
	uint64_t off;

	(void)state;
	assert_int_equal(decode(kshm_mmap_offset_of(1), 4096, &id, &off), KSHM_OK);
	assert_int_equal(id, 1);
	assert_int_equal(off, 0);
}

static void test_decode_offset_inside_window(void **state)
{
	uint32_t id;
	uint64_t off;

	(void)state;
	assert_int_equal(decode(kshm_mmap_offset_of(7) + 0x3000, 4096, &id, &off), KSHM_OK);
	assert_int_equal(id, 7);
	assert_int_equal(off, 0x3000);
	assert_int_equal(decode(kshm_mmap_offset_of(7) + WINDOW - 1, 1, &id, &off), KSHM_OK);
	assert_int_equal(id, 7);
	assert_int_equal(off, WINDOW - 1);
	/* One past the window is the next region's first byte. */
	assert_int_equal(decode(kshm_mmap_offset_of(7) + WINDOW, 1, &id, &off), KSHM_OK);
	assert_int_equal(id, 8);
	assert_int_equal(off, 0);
}

static void test_decode_highest_id(void **state)
{
	uint32_t id;
	uint64_t off;

	(void)state;
	assert_int_equal(decode(kshm_mmap_offset_of(KSHM_MAX_REGION_ID) + 0x5000, 4096, &id, &off),
			 KSHM_OK);
	assert_int_equal(id, KSHM_MAX_REGION_ID);
	assert_int_equal(off, 0x5000);
}

static void test_decode_id_zero_window_is_no_region(void **state)
{
	uint32_t id;
	uint64_t off;

	(void)state;
	assert_int_equal(decode(0, 4096, &id, &off), KSHM_ERR_NOENT);
	assert_int_equal(decode(0x1000, 4096, &id, &off), KSHM_ERR_NOENT);
	assert_int_equal(decode(WINDOW - 1, 1, &id, &off), KSHM_ERR_NOENT);
}

static void test_decode_id_too_large(void **state)
{
	uint32_t id;
	uint64_t off;

	(void)state;
	assert_int_equal(decode(kshm_mmap_offset_of(KSHM_MAX_REGION_ID) + WINDOW, 4096, &id, &off),
			 KSHM_ERR_NOENT);
	assert_int_equal(decode((uint64_t)UINT32_MAX << 32, 4096, &id, &off), KSHM_ERR_NOENT);
	/* An id whose low 24 bits name a valid id: no masking may happen. */
	assert_int_equal(decode((uint64_t)(KSHM_MAX_REGION_ID + 2) << 32, 4096, &id, &off),
			 KSHM_ERR_NOENT);
	assert_int_equal(decode(UINT64_MAX, 1, &id, &off), KSHM_ERR_NOENT);
}

static void test_decode_zero_length_is_invalid(void **state)
{
	uint32_t id;
	uint64_t off;

	(void)state;
	assert_int_equal(decode(kshm_mmap_offset_of(1), 0, &id, &off), KSHM_ERR_INVAL);
	assert_int_equal(decode(kshm_mmap_offset_of(5) + 0x2000, 0, &id, &off), KSHM_ERR_INVAL);
}

static void test_decode_round_trips_many_ids(void **state)
{
	const uint64_t offsets[] = { 0, 1, 0xfff, 0x1000, 0x12345678, WINDOW - 4096, WINDOW - 1 };
	uint64_t rng = 99;
	int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		uint32_t want_id = (uint32_t)(unit_rand(&rng) % KSHM_MAX_REGION_ID) + 1;
		uint64_t want_off = i < (int)ARRAY_LEN(offsets) ? offsets[i] :
				    unit_rand(&rng) % WINDOW;
		uint32_t id;
		uint64_t off;

		assert_int_equal(decode(kshm_mmap_offset_of(want_id) + want_off, 4096, &id, &off),
				 KSHM_OK);
		assert_int_equal(id, want_id);
		assert_int_equal(off, want_off);
	}
}

/* The driver's mmap path: decode, then check against the region's mapped bytes. */
static enum kshm_status mmap_check(uint64_t pgoff_bytes, uint64_t len, uint64_t mapped_length)
{
	uint32_t id;
	uint64_t off;
	enum kshm_status st = decode(pgoff_bytes, len, &id, &off);

	if (st)
		return st;
	assert_int_equal(id, 3);
	return kshm_range_check(mapped_length, off, len);
}

static void test_decode_then_range_check_whole_region(void **state)
{
	const uint64_t base = kshm_mmap_offset_of(3), mapped = 4 * 4096;

	(void)state;
	assert_int_equal(mmap_check(base, mapped, mapped), KSHM_OK);
	assert_int_equal(mmap_check(base + 4096, 3 * 4096, mapped), KSHM_OK);
	assert_int_equal(mmap_check(base + 3 * 4096, 4096, mapped), KSHM_OK);
	assert_int_equal(mmap_check(base, mapped + 4096, mapped), KSHM_ERR_RANGE);
	assert_int_equal(mmap_check(base + 4096, mapped, mapped), KSHM_ERR_RANGE);
	assert_int_equal(mmap_check(base + mapped, 4096, mapped), KSHM_ERR_RANGE);
	/* A length reaching into the next region's window is still out of this region. */
	assert_int_equal(mmap_check(base + WINDOW - 4096, 2 * 4096, WINDOW), KSHM_ERR_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_of_is_id_times_window),
		cmocka_unit_test(test_highest_window_fits_in_64_bits),
		cmocka_unit_test(test_decode_window_start),
		cmocka_unit_test(test_decode_offset_inside_window),
		cmocka_unit_test(test_decode_highest_id),
		cmocka_unit_test(test_decode_id_zero_window_is_no_region),
		cmocka_unit_test(test_decode_id_too_large),
		cmocka_unit_test(test_decode_zero_length_is_invalid),
		cmocka_unit_test(test_decode_round_trips_many_ids),
		cmocka_unit_test(test_decode_then_range_check_whole_region),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
