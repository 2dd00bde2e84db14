// SPDX-License-Identifier: GPL-2.0 OR MIT
/* core/span.c: page-span layout, pages for bytes, range check. */
#include "unit.h"
#include "core/span.h"

#define PAGE_SHIFT_4K 12
#define PAGE_SHIFT_64K 16
#define PAGE_4K 4096ULL

/* Poison so that a field the function forgot to write shows up. */
static struct kshm_layout poisoned_layout(void)
{
	struct kshm_layout layout;

	memset(&layout, 0xa5, sizeof(layout));
	return layout;
}

static void expect_layout(uint64_t addr, uint64_t len, unsigned int shift, uint64_t start_va,
			  uint32_t byte_offset, uint32_t span_pages)
{
	struct kshm_layout layout = poisoned_layout();

	assert_int_equal(kshm_span_compute(addr, len, shift, &layout), KSHM_OK);
	assert_int_equal(layout.start_va, start_va);
	assert_int_equal(layout.byte_count, len);
	assert_int_equal(layout.byte_offset, byte_offset);
	assert_int_equal(layout.span_pages, span_pages);
	assert_int_equal(layout.page_size, 1U << shift);
	assert_int_equal(layout.reserved, 0);
}

static void expect_span_error(uint64_t addr, uint64_t len, unsigned int shift,
			      enum kshm_status expected)
{
	struct kshm_layout layout = poisoned_layout();

	assert_int_equal(kshm_span_compute(addr, len, shift, &layout), expected);
}

/* ---- kshm_span_compute ---- */

static void test_span_aligned_start_one_page(void **state)
{
	(void)state;
	expect_layout(0x10000, PAGE_4K, PAGE_SHIFT_4K, 0x10000, 0, 1);
}

static void test_span_aligned_start_several_pages(void **state)
{
	(void)state;
	expect_layout(0x10000, 3 * PAGE_4K, PAGE_SHIFT_4K, 0x10000, 0, 3);
	expect_layout(0x10000, 3 * PAGE_4K + 1, PAGE_SHIFT_4K, 0x10000, 0, 4);
	expect_layout(0x10000, 3 * PAGE_4K - 1, PAGE_SHIFT_4K, 0x10000, 0, 3);
}

static void test_span_unaligned_start_inside_one_page(void **state)
{
	(void)state;
	expect_layout(0x10123, 0x100, PAGE_SHIFT_4K, 0x10000, 0x123, 1);
	/* Up to the last byte of the page, still one page. */
	expect_layout(0x10123, PAGE_4K - 0x123, PAGE_SHIFT_4K, 0x10000, 0x123, 1);
}

static void test_span_seed_notes_mdl_example(void **state)
{
	/* SEED-NOTES: a buffer at 0xac004010 has StartVa 0xac004000, ByteOffset 0x10. */
	(void)state;
	expect_layout(0xac004010, 0x100, PAGE_SHIFT_4K, 0xac004000, 0x10, 1);
	expect_layout(0xac004010, PAGE_4K, PAGE_SHIFT_4K, 0xac004000, 0x10, 2);
}

static void test_span_length_one(void **state)
{
	(void)state;
	expect_layout(0, 1, PAGE_SHIFT_4K, 0, 0, 1);
	expect_layout(0xfff, 1, PAGE_SHIFT_4K, 0, 0xfff, 1);
	expect_layout(0x1000, 1, PAGE_SHIFT_4K, 0x1000, 0, 1);
	expect_layout(UINT64_MAX, 1, PAGE_SHIFT_4K, UINT64_MAX & ~0xfffULL, 0xfff, 1);
}

static void test_span_crosses_boundary_by_one_byte(void **state)
{
	(void)state;
	/* Last byte of one page and first byte of the next. */
	expect_layout(0xfff, 2, PAGE_SHIFT_4K, 0, 0xfff, 2);
	/* A page-sized buffer one byte off alignment touches two pages. */
	expect_layout(0x1001, PAGE_4K, PAGE_SHIFT_4K, 0x1000, 1, 2);
	/* An aligned buffer one byte longer than a page. */
	expect_layout(0x1000, PAGE_4K + 1, PAGE_SHIFT_4K, 0x1000, 0, 2);
}

static void test_span_64k_pages(void **state)
{
	(void)state;
	expect_layout(0xac004010, 0x100, PAGE_SHIFT_64K, 0xac000000, 0x4010, 1);
	expect_layout(0x1ffff, 2, PAGE_SHIFT_64K, 0x10000, 0xffff, 2);
	expect_layout(0x20000, 0x10000, PAGE_SHIFT_64K, 0x20000, 0, 1);
}

static void test_span_reports_page_size(void **state)
{
	struct kshm_layout layout = poisoned_layout();

	(void)state;
	assert_int_equal(kshm_span_compute(0x1234, 10, PAGE_SHIFT_4K, &layout), KSHM_OK);
	assert_int_equal(layout.page_size, 4096);
	layout = poisoned_layout();
	assert_int_equal(kshm_span_compute(0x1234, 10, PAGE_SHIFT_64K, &layout), KSHM_OK);
	assert_int_equal(layout.page_size, 65536);
}

static void test_span_last_page_of_address_space(void **state)
{
	(void)state;
	/* [UINT64_MAX - 4095, UINT64_MAX] exists: the last byte is UINT64_MAX. */
	expect_layout(UINT64_MAX - 4095, 4096, PAGE_SHIFT_4K, UINT64_MAX - 4095, 0, 1);
	expect_span_error(UINT64_MAX - 4095, 4097, PAGE_SHIFT_4K, KSHM_ERR_OVERFLOW);
	/* Unaligned, ending exactly at the top of the address space. */
	expect_layout(UINT64_MAX - 4096, 4097, PAGE_SHIFT_4K, UINT64_MAX - 8191, 4095, 2);
}

static void test_span_zero_length_is_invalid(void **state)
{
	(void)state;
	expect_span_error(0x1000, 0, PAGE_SHIFT_4K, KSHM_ERR_INVAL);
	expect_span_error(0, 0, PAGE_SHIFT_4K, KSHM_ERR_INVAL);
	expect_span_error(UINT64_MAX, 0, PAGE_SHIFT_4K, KSHM_ERR_INVAL);
}

static void test_span_wrapping_range_overflows(void **state)
{
	(void)state;
	expect_span_error(UINT64_MAX, 2, PAGE_SHIFT_4K, KSHM_ERR_OVERFLOW);
	expect_span_error(UINT64_MAX - 10, 12, PAGE_SHIFT_4K, KSHM_ERR_OVERFLOW);
	expect_span_error(2, UINT64_MAX, PAGE_SHIFT_4K, KSHM_ERR_OVERFLOW);
	expect_span_error(UINT64_MAX, UINT64_MAX, PAGE_SHIFT_4K, KSHM_ERR_OVERFLOW);
	expect_span_error(0x8000000000000000ULL, 0x8000000000000001ULL, PAGE_SHIFT_4K,
			  KSHM_ERR_OVERFLOW);
}

static void test_span_range_ending_at_top_does_not_overflow(void **state)
{
	(void)state;
	/* [1, 2^64) and [2^63, 2^64) exist; they only fail for their page count. */
	expect_span_error(1, UINT64_MAX, PAGE_SHIFT_4K, KSHM_ERR_TOO_BIG);
	expect_span_error(0x8000000000000000ULL, 0x8000000000000000ULL, PAGE_SHIFT_4K,
			  KSHM_ERR_TOO_BIG);
}

static void test_span_more_than_u32_pages_is_too_big(void **state)
{
	(void)state;
	/* 2^32 - 1 pages is the most a layout can describe. */
	expect_layout(0, (1ULL << 44) - PAGE_4K, PAGE_SHIFT_4K, 0, 0, UINT32_MAX);
	expect_span_error(0, 1ULL << 44, PAGE_SHIFT_4K, KSHM_ERR_TOO_BIG);
	/* The same byte count becomes one page too many when not aligned. */
	expect_span_error(0x10, (1ULL << 44) - PAGE_4K, PAGE_SHIFT_4K, KSHM_ERR_TOO_BIG);
	expect_span_error(0, UINT64_MAX, PAGE_SHIFT_4K, KSHM_ERR_TOO_BIG);
	/* With 64 KiB pages the same byte count fits. */
	expect_layout(0, 1ULL << 44, PAGE_SHIFT_64K, 0, 0, 1U << 28);
	expect_span_error(0, 1ULL << 48, PAGE_SHIFT_64K, KSHM_ERR_TOO_BIG);
}

/*
 * Oracle: walk the range byte by byte and count page changes; detect wrap with
 * 128-bit arithmetic. Shares nothing with the implementation.
 */
static void naive_span(uint64_t addr, uint64_t len, unsigned int shift, bool *overflow,
		       uint64_t *start_va, uint32_t *byte_offset, uint32_t *span_pages)
{
	unsigned __int128 end = (unsigned __int128)addr + len;
	uint64_t page_size = 1ULL << shift;
	uint64_t i, pages = 0, current_page = 0;

	*overflow = end > ((unsigned __int128)1 << 64);
	if (*overflow)
		return;
	for (i = 0; i < len; i++) {
		uint64_t page = (addr + i) / page_size;

		if (i == 0 || page != current_page) {
			pages++;
			current_page = page;
		}
	}
	*start_va = (addr / page_size) * page_size;
	*byte_offset = (uint32_t)(addr % page_size);
	*span_pages = (uint32_t)pages;
}

static void check_against_naive(uint64_t addr, uint64_t len, unsigned int shift)
{
	struct kshm_layout layout = poisoned_layout();
	enum kshm_status st = kshm_span_compute(addr, len, shift, &layout);
	uint64_t start_va = 0;
	uint32_t byte_offset = 0, span_pages = 0;
	bool overflow;

	naive_span(addr, len, shift, &overflow, &start_va, &byte_offset, &span_pages);
	if (overflow) {
		assert_int_equal(st, KSHM_ERR_OVERFLOW);
		return;
	}
	assert_int_equal(st, KSHM_OK);
	assert_int_equal(layout.start_va, start_va);
	assert_int_equal(layout.byte_offset, byte_offset);
	assert_int_equal(layout.span_pages, span_pages);
	assert_int_equal(layout.byte_count, len);
	assert_int_equal(layout.page_size, 1U << shift);
	assert_int_equal(layout.reserved, 0);
}

static void cross_check_shift(unsigned int shift)
{
	const uint64_t page = 1ULL << shift;
	const uint64_t bases[] = { 0, page, 7 * page, 0xac000000, UINT64_MAX - 3 * page + 1 };
	const uint64_t offsets[] = { 0, 1, 2, 0x10, page / 2, page - 2, page - 1 };
	const uint64_t lens[] = { 1, 2, 3, 15, page - 2, page - 1, page, page + 1,
				  2 * page - 1, 2 * page, 2 * page + 1, 3 * page - 1, 3 * page,
				  3 * page + 1 };
	uint64_t rng = 0x6b73686d5eedULL + shift;
	size_t b, o, l;
	int i;

	for (b = 0; b < ARRAY_LEN(bases); b++)
		for (o = 0; o < ARRAY_LEN(offsets); o++)
			for (l = 0; l < ARRAY_LEN(lens); l++)
				check_against_naive(bases[b] + offsets[o], lens[l], shift);
	/* Random small cases near zero and near the top of the address space. */
	for (i = 0; i < 400; i++) {
		uint64_t addr = unit_rand(&rng) % (4 * page);
		uint64_t len = unit_rand(&rng) % (2 * page + 2) + 1;

		check_against_naive(addr, len, shift);
		check_against_naive(UINT64_MAX - addr, len, shift);
	}
}

static void test_span_matches_naive_page_walk_4k(void **state)
{
	(void)state;
	cross_check_shift(PAGE_SHIFT_4K);
}

static void test_span_matches_naive_page_walk_64k(void **state)
{
	(void)state;
	cross_check_shift(PAGE_SHIFT_64K);
}

static void test_span_matches_naive_page_walk_tiny_pages(void **state)
{
	/* Small pages let the walk cover every (addr, len) pair exhaustively. */
	unsigned int shift;
	uint64_t addr, len;

	(void)state;
	for (shift = 0; shift <= 4; shift++)
		for (addr = 0; addr < 64; addr++)
			for (len = 1; len < 64; len++) {
				check_against_naive(addr, len, shift);
				check_against_naive(UINT64_MAX - addr, len, shift);
			}
}

/* ---- kshm_pages_for_bytes ---- */

static void test_pages_for_bytes_small(void **state)
{
	(void)state;
	assert_int_equal(kshm_pages_for_bytes(0, PAGE_SHIFT_4K), 0);
	assert_int_equal(kshm_pages_for_bytes(1, PAGE_SHIFT_4K), 1);
	assert_int_equal(kshm_pages_for_bytes(4095, PAGE_SHIFT_4K), 1);
	assert_int_equal(kshm_pages_for_bytes(4096, PAGE_SHIFT_4K), 1);
	assert_int_equal(kshm_pages_for_bytes(4097, PAGE_SHIFT_4K), 2);
	assert_int_equal(kshm_pages_for_bytes(3 * 4096, PAGE_SHIFT_4K), 3);
	assert_int_equal(kshm_pages_for_bytes(1, PAGE_SHIFT_64K), 1);
	assert_int_equal(kshm_pages_for_bytes(65536, PAGE_SHIFT_64K), 1);
	assert_int_equal(kshm_pages_for_bytes(65537, PAGE_SHIFT_64K), 2);
}

static void test_pages_for_bytes_near_uint64_max(void **state)
{
	(void)state;
	assert_int_equal(kshm_pages_for_bytes(UINT64_MAX, PAGE_SHIFT_4K), 0);
	assert_int_equal(kshm_pages_for_bytes(UINT64_MAX, PAGE_SHIFT_64K), 0);
	/* The largest length whose round-up does not wrap, and the next one. */
	assert_int_equal(kshm_pages_for_bytes(UINT64_MAX - 4095, PAGE_SHIFT_4K), (1ULL << 52) - 1);
	assert_int_equal(kshm_pages_for_bytes(UINT64_MAX - 4094, PAGE_SHIFT_4K), 0);
	assert_int_equal(kshm_pages_for_bytes(UINT64_MAX - 4096, PAGE_SHIFT_4K), (1ULL << 52) - 1);
	assert_int_equal(kshm_pages_for_bytes(UINT64_MAX - 8191, PAGE_SHIFT_4K), (1ULL << 52) - 2);
	assert_int_equal(kshm_pages_for_bytes(UINT64_MAX - 65535, PAGE_SHIFT_64K), (1ULL << 48) - 1);
	assert_int_equal(kshm_pages_for_bytes(UINT64_MAX - 65534, PAGE_SHIFT_64K), 0);
}

static void test_pages_for_bytes_matches_division(void **state)
{
	uint64_t rng = 42, len;
	int i;

	(void)state;
	for (len = 1; len < 3 * 65536 + 3; len += 37) {
		assert_int_equal(kshm_pages_for_bytes(len, PAGE_SHIFT_4K), (len + 4095) / 4096);
		assert_int_equal(kshm_pages_for_bytes(len, PAGE_SHIFT_64K), (len + 65535) / 65536);
	}
	for (i = 0; i < 1000; i++) {
		len = unit_rand(&rng) >> (unit_rand(&rng) % 64);
		if (len == 0 || len > UINT64_MAX - 4095)
			continue;
		assert_int_equal(kshm_pages_for_bytes(len, PAGE_SHIFT_4K),
				 len / 4096 + (len % 4096 != 0));
	}
}

/* ---- kshm_range_check ---- */

static void test_range_check_zero_length_is_invalid(void **state)
{
	(void)state;
	assert_int_equal(kshm_range_check(100, 0, 0), KSHM_ERR_INVAL);
	assert_int_equal(kshm_range_check(100, 50, 0), KSHM_ERR_INVAL);
	assert_int_equal(kshm_range_check(0, 0, 0), KSHM_ERR_INVAL);
}

static void test_range_check_exact_fit(void **state)
{
	(void)state;
	assert_int_equal(kshm_range_check(100, 0, 100), KSHM_OK);
	assert_int_equal(kshm_range_check(100, 99, 1), KSHM_OK);
	assert_int_equal(kshm_range_check(100, 40, 60), KSHM_OK);
	assert_int_equal(kshm_range_check(UINT64_MAX, 0, UINT64_MAX), KSHM_OK);
	assert_int_equal(kshm_range_check(UINT64_MAX, UINT64_MAX - 1, 1), KSHM_OK);
}

static void test_range_check_offset_at_end(void **state)
{
	(void)state;
	assert_int_equal(kshm_range_check(100, 100, 1), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(UINT64_MAX, UINT64_MAX, 1), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(0, 0, 1), KSHM_ERR_RANGE);
}

static void test_range_check_offset_past_end(void **state)
{
	(void)state;
	assert_int_equal(kshm_range_check(100, 101, 1), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(100, 1000, 1), KSHM_ERR_RANGE);
}

static void test_range_check_length_past_end(void **state)
{
	(void)state;
	assert_int_equal(kshm_range_check(100, 0, 101), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(100, 40, 61), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(100, 99, 2), KSHM_ERR_RANGE);
}

static void test_range_check_sum_that_would_wrap(void **state)
{
	(void)state;
	/* offset + len wraps to a small value that a naive sum would accept. */
	assert_int_equal(kshm_range_check(100, UINT64_MAX, 2), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(100, 50, UINT64_MAX - 20), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(100, 1, UINT64_MAX), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(100, UINT64_MAX, UINT64_MAX), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(UINT64_MAX, 1, UINT64_MAX), KSHM_ERR_RANGE);
	assert_int_equal(kshm_range_check(UINT64_MAX, UINT64_MAX, UINT64_MAX), KSHM_ERR_RANGE);
}

static void test_range_check_matches_wide_arithmetic(void **state)
{
	uint64_t obj, off, len;

	(void)state;
	for (obj = 0; obj < 20; obj++)
		for (off = 0; off < 24; off++)
			for (len = 0; len < 24; len++) {
				enum kshm_status expected =
					len == 0 ? KSHM_ERR_INVAL :
					off + len <= obj ? KSHM_OK : KSHM_ERR_RANGE;

				assert_int_equal(kshm_range_check(obj, off, len), expected);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_span_aligned_start_one_page),
		cmocka_unit_test(test_span_aligned_start_several_pages),
		cmocka_unit_test(test_span_unaligned_start_inside_one_page),
		cmocka_unit_test(test_span_seed_notes_mdl_example),
		cmocka_unit_test(test_span_length_one),
		cmocka_unit_test(test_span_crosses_boundary_by_one_byte),
		cmocka_unit_test(test_span_64k_pages),
		cmocka_unit_test(test_span_reports_page_size),
		cmocka_unit_test(test_span_last_page_of_address_space),
		cmocka_unit_test(test_span_zero_length_is_invalid),
		cmocka_unit_test(test_span_wrapping_range_overflows),
		cmocka_unit_test(test_span_range_ending_at_top_does_not_overflow),
		cmocka_unit_test(test_span_more_than_u32_pages_is_too_big),
		cmocka_unit_test(test_span_matches_naive_page_walk_4k),
		cmocka_unit_test(test_span_matches_naive_page_walk_64k),
		cmocka_unit_test(test_span_matches_naive_page_walk_tiny_pages),
		cmocka_unit_test(test_pages_for_bytes_small),
		cmocka_unit_test(test_pages_for_bytes_near_uint64_max),
		cmocka_unit_test(test_pages_for_bytes_matches_division),
		cmocka_unit_test(test_range_check_zero_length_is_invalid),
		cmocka_unit_test(test_range_check_exact_fit),
		cmocka_unit_test(test_range_check_offset_at_end),
		cmocka_unit_test(test_range_check_offset_past_end),
		cmocka_unit_test(test_range_check_length_past_end),
		cmocka_unit_test(test_range_check_sum_that_would_wrap),
		cmocka_unit_test(test_range_check_matches_wide_arithmetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
