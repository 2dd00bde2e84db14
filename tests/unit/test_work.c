// SPDX-License-Identifier: GPL-2.0 OR MIT
/* core/work.c: chunked fill, checksum and bounce-buffer work, and the ways out between chunks. */
#include "unit.h"
#include "core/checksum.h"
#include "core/work.h"

static int looks, stop_after, yields;

/* Stops the caller at its stop_after'th look (0: never). */
static bool stop_at_look(void)
{
	return ++looks == stop_after;
}

static void count_yield(void)
{
	yields++;
}

static const struct kshm_work_ops ops = { .interrupted = stop_at_look, .yield = count_yield };

static void reset(int stop)
{
	looks = 0;
	yields = 0;
	stop_after = stop;
}

static uint64_t reference_checksum(const void *buf, size_t len)
{
	struct kshm_csum csum;

	kshm_csum_init(&csum);
	kshm_csum_update(&csum, buf, len);
	return kshm_csum_final(&csum);
}

static void test_fill_and_checksum_in_chunks(void **state)
{
	size_t len = 2 * KSHM_WORK_CHUNK + 17;
	uint8_t *buf = malloc(len), *want = malloc(len);
	uint64_t sum = 0;

	(void)state;
	kshm_pattern_fill(want, len, 42, 100);
	reset(0);
	assert_int_equal(kshm_work_fill(buf, len, 42, 100, &ops), KSHM_OK);
	assert_memory_equal(buf, want, len);
	/* Looks between chunks only: two of them for three chunks. */
	assert_int_equal(looks, 2);
	assert_int_equal(yields, 2);
	reset(0);
	assert_int_equal(kshm_work_checksum(buf, len, &sum, &ops), KSHM_OK);
	assert_int_equal(sum, reference_checksum(want, len));
	/* One chunk: never asked, so a finished request is never reported interrupted. */
	reset(1);
	assert_int_equal(kshm_work_fill(buf, KSHM_WORK_CHUNK, 1, 0, &ops), KSHM_OK);
	assert_int_equal(looks, 0);
	free(buf);
	free(want);
}

static void test_stops_between_chunks(void **state)
{
	size_t len = 3 * KSHM_WORK_CHUNK;
	uint8_t *buf = calloc(1, len);
	uint64_t sum = 0xdead;

	(void)state;
	reset(1);
	assert_int_equal(kshm_work_fill(buf, len, 5, 0, &ops), KSHM_ERR_INTERRUPTED);
	assert_int_not_equal(buf[KSHM_WORK_CHUNK - 1], 0);
	assert_int_equal(buf[KSHM_WORK_CHUNK], 0);	/* nothing after the stop */
	reset(2);
	assert_int_equal(kshm_work_checksum(buf, len, &sum, &ops), KSHM_ERR_INTERRUPTED);
	assert_int_equal(sum, 0xdead);	/* no result from an unfinished sum */
	free(buf);
}

struct user_buffer {
	uint8_t *bytes;
	uint64_t fault_at;	/* a copy reaching this offset fails */
	int copies;
};

static bool copy_chunk(void *ctx, void *bounce, uint64_t pos, size_t bytes, bool to_kernel)
{
	struct user_buffer *user = ctx;

	user->copies++;
	if (pos + bytes > user->fault_at)
		return false;
	if (to_kernel)
		memcpy(bounce, user->bytes + pos, bytes);
	else
		memcpy(user->bytes + pos, bounce, bytes);
	return true;
}

static void test_bounced(void **state)
{
	size_t len = 10000, bounce_bytes = 4096;
	uint8_t *bytes = malloc(len), *want = malloc(len), bounce[4096];
	struct user_buffer user = { .bytes = bytes, .fault_at = UINT64_MAX };
	struct kshm_transfer req = {
		.direction = KSHM_DIR_FROM_KERNEL, .length = len, .seed = 9,
	};

	(void)state;
	reset(0);
	assert_int_equal(kshm_work_bounced(&req, bounce, bounce_bytes, copy_chunk, &user, &ops),
			 KSHM_OK);
	kshm_pattern_fill(want, len, 9, 0);
	assert_memory_equal(bytes, want, len);
	assert_int_equal(user.copies, 3);

	req.direction = KSHM_DIR_TO_KERNEL;
	reset(0);
	assert_int_equal(kshm_work_bounced(&req, bounce, bounce_bytes, copy_chunk, &user, &ops),
			 KSHM_OK);
	assert_int_equal(req.checksum, reference_checksum(want, len));

	/* A fault in the second chunk: the error, no checksum. */
	req.checksum = 0;
	user.fault_at = 5000;
	reset(0);
	assert_int_equal(kshm_work_bounced(&req, bounce, bounce_bytes, copy_chunk, &user, &ops),
			 KSHM_ERR_FAULT);
	assert_int_equal(req.checksum, 0);
	/* A caller stopped after the first chunk. */
	user.fault_at = UINT64_MAX;
	reset(1);
	assert_int_equal(kshm_work_bounced(&req, bounce, bounce_bytes, copy_chunk, &user, &ops),
			 KSHM_ERR_INTERRUPTED);
	free(bytes);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_and_checksum_in_chunks),
		cmocka_unit_test(test_stops_between_chunks),
		cmocka_unit_test(test_bounced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
