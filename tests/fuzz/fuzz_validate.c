// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Request validation (core/validate.c) on arbitrary request structs and
 * limits. Every verdict is recomputed here with 128-bit arithmetic, where
 * nothing can wrap, and must agree; an accepted request's ranges must stay
 * inside the limits.
 */
#include "input.h"

#include "core/span.h"
#include "core/validate.h"

typedef unsigned __int128 u128;

static u128 page_round_up(u128 len, unsigned int shift)
{
	return ((len + (((u128)1 << shift) - 1)) >> shift) << shift;
}

/* What kshm_span_compute must report for [addr, addr + len), or its refusal. */
static enum kshm_status expect_span(uint64_t addr, uint64_t len, unsigned int shift)
{
	u128 end = (u128)addr + len;

	if (len == 0)
		return KSHM_ERR_INVAL;
	if (end > (u128)UINT64_MAX + 1)
		return KSHM_ERR_OVERFLOW;
	if (((end - 1) >> shift) - (addr >> shift) + 1 > UINT32_MAX)
		return KSHM_ERR_TOO_BIG;
	return KSHM_OK;
}

static void check_layout(const struct kshm_layout *l, uint64_t addr, uint64_t len,
			 unsigned int shift)
{
	u128 page = (u128)1 << shift;

	CHECK(l->page_size == page);
	CHECK(l->start_va == (addr & ~(uint64_t)(page - 1)));
	CHECK(l->byte_offset == (addr & (page - 1)));
	CHECK(l->byte_count == len);
	/* The pages cover the range exactly: no fewer, not one more. */
	CHECK((u128)l->span_pages * page >= (u128)l->byte_offset + len);
	CHECK((u128)(l->span_pages - 1) * page < (u128)l->byte_offset + len);
	CHECK((u128)l->start_va + (u128)l->span_pages * page <= (u128)UINT64_MAX + 1);
	CHECK(l->reserved == 0);
}

static enum kshm_status expect_length(uint64_t len, const struct kshm_limits *lim)
{
	if (len == 0)
		return KSHM_ERR_INVAL;
	return len > lim->max_region_bytes ? KSHM_ERR_TOO_BIG : KSHM_OK;
}

static void fuzz_create(struct input *in, const struct kshm_limits *lim)
{
	struct kshm_region_create req;
	uint64_t alloc = 0;
	enum kshm_status want, st;

	take(in, &req, sizeof(req));
	want = (req.flags & ~KSHM_REGION_CREATE_FLAGS) || req.reserved ? KSHM_ERR_INVAL
		: expect_length(req.length, lim);
	st = kshm_validate_region_create(&req, lim, &alloc);
	CHECK(st == want);
	if (st)
		return;
	CHECK(alloc == page_round_up(req.length, lim->page_shift));
	CHECK(alloc >= req.length && alloc <= lim->max_region_bytes);
}

static void fuzz_attach(struct input *in, const struct kshm_limits *lim)
{
	struct kshm_buffer_attach req;
	struct kshm_layout l;
	enum kshm_status want, st;

	take(in, &req, sizeof(req));
	want = (req.flags & ~KSHM_ATTACH_FLAGS) || req.reserved ? KSHM_ERR_INVAL
		: expect_length(req.length, lim);
	if (!want)
		want = expect_span(req.user_addr, req.length, lim->page_shift);
	st = kshm_validate_buffer_attach(&req, lim, &l);
	CHECK(st == want);
	if (st)
		return;
	check_layout(&l, req.user_addr, req.length, lim->page_shift);
	/* What the driver locks: at most the limit plus the partial first and last pages. */
	CHECK((u128)l.span_pages << lim->page_shift <=
	      page_round_up(lim->max_region_bytes, lim->page_shift) + ((u128)1 << lim->page_shift));
}

static void fuzz_transfer(struct input *in, const struct kshm_limits *lim)
{
	struct kshm_transfer req;
	struct kshm_layout l;
	uint32_t methods = take_u32(in);
	enum kshm_status want, st;

	take(in, &req, sizeof(req));
	if (req.reserved || req.method >= 32 || !(methods >> req.method & 1) ||
	    (req.direction != KSHM_DIR_TO_KERNEL && req.direction != KSHM_DIR_FROM_KERNEL))
		want = KSHM_ERR_INVAL;
	else
		want = expect_length(req.length, lim);
	if (!want)
		want = expect_span(req.user_addr, req.length, lim->page_shift);
	st = kshm_validate_transfer(&req, lim, methods, &l);
	CHECK(st == want);
	if (!st)
		check_layout(&l, req.user_addr, req.length, lim->page_shift);
}

static void fuzz_range(struct input *in)
{
	struct kshm_range_op req;
	uint64_t region_bytes = take_u64(in);
	enum kshm_status want;

	take(in, &req, sizeof(req));
	if (req.id == 0 || req.id > KSHM_MAX_REGION_ID)
		want = KSHM_ERR_NOENT;
	else if (req.length == 0)
		want = KSHM_ERR_INVAL;
	else
		want = (u128)req.offset + req.length > region_bytes ? KSHM_ERR_RANGE : KSHM_OK;
	CHECK(kshm_validate_range_op(&req, region_bytes) == want);
}

static void fuzz_small(struct input *in)
{
	struct kshm_region_info info;
	struct kshm_region_destroy destroy;
	uint32_t claimed = take_u32(in), v1 = take_u32(in);
	uint64_t passed = take_u64(in), used = take_u64(in), amount = take_u64(in);
	uint64_t limit = take_u64(in);
	unsigned int shift = take_u8(in) % 64;
	u128 pages = ((u128)passed + (((u128)1 << shift) - 1)) >> shift;

	CHECK((kshm_check_request_size(claimed, passed, v1) == KSHM_OK) ==
	      (passed >= v1 && claimed == passed));
	CHECK(kshm_quota_fits(used, amount, limit) == ((u128)used + amount <= limit));
	CHECK(kshm_pages_for_bytes(passed, shift) ==
	      (passed == 0 || passed > UINT64_MAX - (((uint64_t)1 << shift) - 1) ? 0 : pages));
	take(in, &info, sizeof(info));
	CHECK((kshm_validate_region_info(&info) == KSHM_OK) ==
	      (!(info.pfn_capacity && !info.pfn_array) && info.id && info.id <= KSHM_MAX_REGION_ID));
	take(in, &destroy, sizeof(destroy));
	CHECK((kshm_validate_region_destroy(&destroy) == KSHM_OK) ==
	      (destroy.id && destroy.id <= KSHM_MAX_REGION_ID));
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n)
{
	struct input in = { bytes, n };
	struct kshm_limits lim;
	uint8_t which = take_u8(&in);

	/* Limits as a driver configures them: any values, then clamped; pages up to 2 GiB. */
	take(&in, &lim, sizeof(lim));
	lim.page_shift %= 32;
	kshm_limits_clamp(&lim);
	CHECK(lim.max_region_bytes <= KSHM_REGION_MAX_BYTES);
	CHECK(lim.max_region_bytes % ((uint64_t)1 << lim.page_shift) == 0);
	CHECK(lim.max_regions_per_file <= KSHM_MAX_REGION_ID);

	switch (which % 5) {
	case 0: fuzz_create(&in, &lim); break;
	case 1: fuzz_attach(&in, &lim); break;
	case 2: fuzz_transfer(&in, &lim); break;
	case 3: fuzz_range(&in); break;
	case 4: fuzz_small(&in); break;
	}
	return 0;
}
