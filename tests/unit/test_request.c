// SPDX-License-Identifier: GPL-2.0 OR MIT
/* core/request.c: the one table of requests, held against the ABI's ioctl numbers. */
#include "unit.h"
#include "core/request.h"

/* The ABI's request codes: what the table's rows must agree with. */
static const struct {
	uint32_t nr;
	unsigned long code;
} linux_codes[] = {
	{ KSHM_NR_VERSION, KSHM_IOC_VERSION },
	{ KSHM_NR_REGION_CREATE, KSHM_IOC_REGION_CREATE },
	{ KSHM_NR_BUFFER_ATTACH, KSHM_IOC_BUFFER_ATTACH },
	{ KSHM_NR_REGION_INFO, KSHM_IOC_REGION_INFO },
	{ KSHM_NR_FILL, KSHM_IOC_FILL },
	{ KSHM_NR_CHECKSUM, KSHM_IOC_CHECKSUM },
	{ KSHM_NR_REGION_DESTROY, KSHM_IOC_REGION_DESTROY },
	{ KSHM_NR_TRANSFER, KSHM_IOC_TRANSFER },
	{ KSHM_NR_CHANNEL_CREATE, KSHM_IOC_CHANNEL_CREATE },
	{ KSHM_NR_CHANNEL_GENERATE, KSHM_IOC_CHANNEL_GENERATE },
	{ KSHM_NR_CHANNEL_PROCESS, KSHM_IOC_CHANNEL_PROCESS },
	{ KSHM_NR_CHANNEL_KICK, KSHM_IOC_CHANNEL_KICK },
};

/*
 * Each request's row: on Linux its struct size and whether it replies, as
 * the ioctl number says; on Windows the code is the buffered CTL_CODE of the
 * same number.
 */
static void test_rows_match_the_abi(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(linux_codes); i++) {
		const struct kshm_request_desc *desc = kshm_request_lookup(linux_codes[i].nr);

		assert_non_null(desc);
#if defined(__linux__)
		assert_int_equal(_IOC_NR(linux_codes[i].code), linux_codes[i].nr);
		assert_int_equal(desc->size, _IOC_SIZE(linux_codes[i].code));
		assert_int_equal(!!(desc->flags & KSHM_REQ_REPLIES),
				 !!(_IOC_DIR(linux_codes[i].code) & _IOC_READ));
#else
		assert_int_equal(linux_codes[i].code, KSHM_CTL(linux_codes[i].nr, KSHM_CTL_BUFFERED));
#endif
		assert_false(desc->flags & KSHM_REQ_WINDOWS_ONLY);
		assert_true(desc->size <= sizeof(union kshm_request));
	}
}

static void test_unknown_numbers(void **state)
{
	uint32_t nr, known = 0;

	(void)state;
	for (nr = 0; nr < 0x100; nr++)
		known += kshm_request_lookup(nr) != NULL;
	/* The Linux requests and CHANNEL_MAP, nothing else; 0 and large numbers are none. */
	assert_int_equal(known, ARRAY_LEN(linux_codes) + 1);
	assert_null(kshm_request_lookup(0));
	assert_null(kshm_request_lookup(KSHM_NR_LIMIT));
	assert_null(kshm_request_lookup(UINT32_MAX));
	assert_non_null(kshm_request_lookup(KSHM_NR_CHANNEL_MAP));
	assert_true(kshm_request_lookup(KSHM_NR_CHANNEL_MAP)->flags & KSHM_REQ_WINDOWS_ONLY);
}

/* The three requests that make an object name it in their reply; no other request does. */
static void test_new_ids(void **state)
{
	const struct kshm_request_desc *desc;
	union kshm_request req;
	uint32_t nr, makers = 0;

	(void)state;
	for (nr = 0; nr < KSHM_NR_LIMIT; nr++) {
		desc = kshm_request_lookup(nr);
		if (desc && desc->new_id_offset) {
			makers++;
			assert_true(desc->flags & KSHM_REQ_REPLIES);
			assert_true(desc->new_id_offset + sizeof(uint32_t) <= desc->size);
		}
	}
	assert_int_equal(makers, 3);
	memset(&req, 0, sizeof(req));
	req.region_create.id = 7;
	assert_int_equal(kshm_request_new_id(kshm_request_lookup(KSHM_NR_REGION_CREATE), &req), 7);
	req.buffer_attach.id = 8;
	assert_int_equal(kshm_request_new_id(kshm_request_lookup(KSHM_NR_BUFFER_ATTACH), &req), 8);
	req.channel_create.id = 9;
	assert_int_equal(kshm_request_new_id(kshm_request_lookup(KSHM_NR_CHANNEL_CREATE), &req), 9);
	assert_int_equal(kshm_request_lookup(KSHM_NR_REGION_DESTROY)->new_id_offset, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_match_the_abi),
		cmocka_unit_test(test_unknown_numbers),
		cmocka_unit_test(test_new_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
