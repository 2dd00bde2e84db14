// SPDX-License-Identifier: GPL-2.0 OR MIT
/* core/policy.c: what each kind of region allows, and the region-info reply. */
#include "unit.h"
#include "core/policy.h"

/* A region head of `kind` and `flags` (compound literal: valid for the enclosing block). */
#define HEAD(k, f) (&(struct kshm_region_head){ .kind = (k), .flags = (f) })

static void test_fill(void **state)
{
	(void)state;
	assert_int_equal(kshm_policy_fill(HEAD(KSHM_KIND_KERNEL_PAGES, 0)), KSHM_OK);
	assert_int_equal(kshm_policy_fill(HEAD(KSHM_KIND_KERNEL_PAGES, KSHM_REGION_USER_READONLY)),
			 KSHM_OK);
	assert_int_equal(kshm_policy_fill(HEAD(KSHM_KIND_USER_BUFFER, KSHM_ATTACH_KERNEL_WRITE)), KSHM_OK);
	assert_int_equal(kshm_policy_fill(HEAD(KSHM_KIND_USER_BUFFER, 0)), KSHM_ERR_ACCESS);
	assert_int_equal(kshm_policy_fill(HEAD(KSHM_KIND_CHANNEL, 0)), KSHM_ERR_ACCESS);
	assert_true(kshm_policy_kernel_writable(HEAD(KSHM_KIND_CHANNEL, 0)));
	assert_false(kshm_policy_kernel_writable(HEAD(KSHM_KIND_USER_BUFFER, 0)));
}

static void test_user_may_write(void **state)
{
	(void)state;
	assert_true(kshm_policy_user_may_write(HEAD(KSHM_KIND_KERNEL_PAGES, 0), 0, 0, 4));
	assert_false(kshm_policy_user_may_write(HEAD(KSHM_KIND_KERNEL_PAGES, KSHM_REGION_USER_READONLY),
						0, 0, 1));
	assert_false(kshm_policy_user_may_write(HEAD(KSHM_KIND_USER_BUFFER, KSHM_ATTACH_KERNEL_WRITE),
						0, 0, 1));
	/* Events: the consumer page only; submissions: all but the consumer page. */
	assert_true(kshm_policy_user_may_write(HEAD(KSHM_KIND_CHANNEL, 0), KSHM_CHANNEL_EVENTS, 0, 1));
	assert_false(kshm_policy_user_may_write(HEAD(KSHM_KIND_CHANNEL, 0), KSHM_CHANNEL_EVENTS, 0, 2));
	assert_false(kshm_policy_user_may_write(HEAD(KSHM_KIND_CHANNEL, 0), KSHM_CHANNEL_SUBMISSIONS,
						0, 1));
	assert_true(kshm_policy_user_may_write(HEAD(KSHM_KIND_CHANNEL, 0), KSHM_CHANNEL_SUBMISSIONS,
					       1, 8));
}

static void test_region_info(void **state)
{
	struct kshm_layout layout = {
		.start_va = 0x7f0000001234, .byte_count = 100, .byte_offset = 0x234,
		.span_pages = 1, .page_size = 4096,
	};
	struct kshm_region_head head = {
		.id = 3, .kind = KSHM_KIND_KERNEL_PAGES, .flags = KSHM_REGION_USER_READONLY,
		.byte_count = 5000,
	};
	struct kshm_region_facts facts = {
		.head = &head, .span_pages = 2, .page_size = 4096,
		.mmap_offset = 3ULL << 32, .layout = &layout,
	};
	struct kshm_region_info info;

	(void)state;
	memset(&info, 0xa5, sizeof(info));
	kshm_policy_region_info(&info, &facts);
	assert_int_equal(info.kind, KSHM_KIND_KERNEL_PAGES);
	assert_int_equal(info.flags, KSHM_REGION_USER_READONLY);
	assert_int_equal(info.mmap_offset, 3ULL << 32);
	assert_int_equal(info.pfn_count, 0);
	/* No address of kernel pages, not even the process's own. */
	assert_int_equal(info.layout.start_va, 0);
	assert_int_equal(info.layout.byte_offset, 0);
	assert_int_equal(info.layout.reserved, 0);
	assert_int_equal(info.layout.byte_count, 5000);
	assert_int_equal(info.layout.span_pages, 2);
	assert_int_equal(info.layout.page_size, 4096);

	head.kind = KSHM_KIND_USER_BUFFER;
	kshm_policy_region_info(&info, &facts);
	assert_int_equal(info.mmap_offset, 0);	/* never mapped through the device */
	assert_memory_equal(&info.layout, &layout, sizeof(layout));
}

static void test_channel_kind(void **state)
{
	struct kshm_kchannel events = { .kind = KSHM_CHANNEL_EVENTS };

	(void)state;
	assert_int_equal(kshm_policy_channel(&events, KSHM_CHANNEL_EVENTS), KSHM_OK);
	assert_int_equal(kshm_policy_channel(&events, KSHM_CHANNEL_SUBMISSIONS), KSHM_ERR_INVAL);
	assert_int_equal(kshm_policy_channel(NULL, KSHM_CHANNEL_EVENTS), KSHM_ERR_INVAL);
}

static void test_service_verdicts(void **state)
{
	(void)state;
	assert_int_equal(kshm_policy_service_verdict(KSHM_SERVICE_DONE), KSHM_OK);
	assert_int_equal(kshm_policy_service_verdict(KSHM_SERVICE_INTERRUPTED),
			 KSHM_ERR_INTERRUPTED);
	assert_int_equal(kshm_policy_service_verdict(KSHM_SERVICE_CANCELLED), KSHM_ERR_CANCELLED);
	assert_int_equal(kshm_policy_service_verdict(KSHM_SERVICE_BROKEN), KSHM_ERR_CORRUPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_user_may_write),
		cmocka_unit_test(test_region_info),
		cmocka_unit_test(test_channel_kind),
		cmocka_unit_test(test_service_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
