// SPDX-License-Identifier: MIT
/*
 * lib/version.c: options structs between a program and a library built
 * against different versions of kshm.h.
 */
#include <errno.h>

#include "unit.h"
#include "lib/internal.h"

/* The same struct as three versions of a header would declare it. */
struct opts_v1 {
	size_t sz;
	uint32_t flags;
};

struct opts_v2 {
	size_t sz;
	uint32_t flags;
	uint64_t seed;
	uint64_t produced;	/* out */
};

struct opts_v3 {
	size_t sz;
	uint32_t flags;
	uint64_t seed;
	uint64_t produced;
	uint64_t added_later;
};

static void null_means_defaults(void **state)
{
	struct opts_v2 local;

	(void)state;
	memset(&local, 0xa5, sizeof(local));
	assert_int_equal(kshm_opts_load(&local, sizeof(local), NULL), 0);
	assert_int_equal(local.sz, 0);
	assert_int_equal(local.flags, 0);
	assert_int_equal(local.seed, 0);
}

/* A program built against the older header: the fields it does not know are zero. */
static void older_caller_gets_zeros(void **state)
{
	struct opts_v1 caller = { .sz = sizeof(caller), .flags = 3 };
	struct opts_v2 local;

	(void)state;
	memset(&local, 0xa5, sizeof(local));
	assert_int_equal(kshm_opts_load(&local, sizeof(local), &caller), 0);
	assert_int_equal(local.flags, 3);
	assert_int_equal(local.seed, 0);
	assert_int_equal(local.produced, 0);
}

/* The library writes no out field past the end of the caller's struct. */
static void out_fields_within_the_callers_sz(void **state)
{
	struct opts_v2 caller = { .sz = sizeof(struct opts_v1) };
	struct opts_v2 *opts = &caller, *none = NULL;

	(void)state;
	assert_false(kshm_opts_has(opts, produced));
	assert_false(kshm_opts_has(none, produced));
	caller.sz = sizeof(caller);
	assert_true(kshm_opts_has(opts, produced));
	caller.sz = offsetof(struct opts_v2, produced) + sizeof(caller.produced) - 1;
	assert_false(kshm_opts_has(opts, produced));
}

static void same_version_copies_all(void **state)
{
	KSHM_OPTS(opts_v2, caller, .flags = 1, .seed = 42);
	struct opts_v2 local;

	(void)state;
	assert_int_equal(kshm_opts_load(&local, sizeof(local), &caller), 0);
	assert_int_equal(local.flags, 1);
	assert_int_equal(local.seed, 42);
}

/* A program built against a newer header: fine while it leaves the new option unset. */
static void newer_caller_with_unset_option(void **state)
{
	KSHM_OPTS(opts_v3, caller, .seed = 9);
	struct opts_v2 local;

	(void)state;
	assert_int_equal(kshm_opts_load(&local, sizeof(local), &caller), 0);
	assert_int_equal(local.seed, 9);
}

static void newer_caller_with_unknown_option(void **state)
{
	KSHM_OPTS(opts_v3, caller, .added_later = 1);
	struct opts_v2 local;

	(void)state;
	assert_int_equal(kshm_opts_load(&local, sizeof(local), &caller), -EINVAL);
}

/* An uninitialised struct (sz 0) or one too small to hold sz itself. */
static void sz_not_set(void **state)
{
	struct opts_v2 caller = { .flags = 1 };
	struct opts_v2 local;

	(void)state;
	assert_int_equal(kshm_opts_load(&local, sizeof(local), &caller), -EINVAL);
	caller.sz = sizeof(size_t) - 1;
	assert_int_equal(kshm_opts_load(&local, sizeof(local), &caller), -EINVAL);
}

/* The options structs of kshm.h start with sz, as KSHM_OPTS and the library assume. */
static void public_structs_start_with_sz(void **state)
{
	KSHM_OPTS(kshm_generate_opts, generate);
	KSHM_OPTS(kshm_transfer_opts, transfer);
	KSHM_OPTS(kshm_channel_opts, channel);

	(void)state;
	assert_int_equal(offsetof(struct kshm_generate_opts, sz), 0);
	assert_int_equal(offsetof(struct kshm_transfer_opts, sz), 0);
	assert_int_equal(offsetof(struct kshm_channel_opts, sz), 0);
	assert_int_equal(generate.sz, sizeof(generate));
	assert_int_equal(transfer.sz, sizeof(transfer));
	assert_int_equal(channel.sz, sizeof(channel));
}

static void version_is_the_headers(void **state)
{
	uint32_t abi = 0;

	(void)state;
	assert_int_equal(kshm_version(&abi), KSHM_VERSION_CODE(KSHM_VERSION_MAJOR,
							       KSHM_VERSION_MINOR,
							       KSHM_VERSION_PATCH));
	assert_int_equal(abi, KSHM_ABI_VERSION);
	assert_int_equal(kshm_version(NULL) >> 16, KSHM_VERSION_MAJOR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_means_defaults),
		cmocka_unit_test(older_caller_gets_zeros),
		cmocka_unit_test(out_fields_within_the_callers_sz),
		cmocka_unit_test(same_version_copies_all),
		cmocka_unit_test(newer_caller_with_unset_option),
		cmocka_unit_test(newer_caller_with_unknown_option),
		cmocka_unit_test(sz_not_set),
		cmocka_unit_test(public_structs_start_with_sz),
		cmocka_unit_test(version_is_the_headers),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
