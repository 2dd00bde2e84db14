// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * include/kshm/abi.h: every struct's size and field offsets, no padding
 * holes, 8-byte placement of 64-bit fields, and the request numbers (Linux
 * _IOC encoding here, the Windows CTL_CODE encoding in abi_windows.c).
 */
#include "unit.h"
#include <kshm/abi.h>
#include <kshm/channel.h>
#include "abi_windows.h"

struct field {
	const char *name;
	size_t offset;
	size_t size;
};

#define FIELD(type, member) \
	{ #member, offsetof(struct type, member), sizeof(((struct type *)0)->member) }

/*
 * The fields, in order, must tile the struct exactly: no hole for kernel
 * bytes to leak through, nothing the compiler may lay out differently on
 * i386, 64-bit fields at multiples of 8, size a multiple of 8.
 */
static void check_tiling(const struct field *fields, size_t nfields, size_t struct_size)
{
	size_t i, next = 0;

	for (i = 0; i < nfields; i++) {
		if (fields[i].offset != next)
			fail_msg("field %s at %zu, expected %zu", fields[i].name, fields[i].offset,
				 next);
		if (fields[i].size == 8 && fields[i].offset % 8 != 0)
			fail_msg("64-bit field %s at %zu", fields[i].name, fields[i].offset);
		next += fields[i].size;
	}
	assert_int_equal(next, struct_size);
	assert_int_equal(struct_size % 8, 0);
}

static void expect_offsets(const struct field *fields, size_t nfields, const size_t *offsets)
{
	size_t i;

	for (i = 0; i < nfields; i++)
		if (fields[i].offset != offsets[i])
			fail_msg("field %s at %zu, ABI says %zu", fields[i].name, fields[i].offset,
				 offsets[i]);
}

static void test_layout_struct(void **state)
{
	const struct field fields[] = {
		FIELD(kshm_layout, start_va), FIELD(kshm_layout, byte_count),
		FIELD(kshm_layout, byte_offset), FIELD(kshm_layout, span_pages),
		FIELD(kshm_layout, page_size), FIELD(kshm_layout, reserved),
	};
	const size_t offsets[] = { 0, 8, 16, 20, 24, 28 };

	(void)state;
	assert_int_equal(sizeof(struct kshm_layout), 32);
	expect_offsets(fields, ARRAY_LEN(fields), offsets);
	check_tiling(fields, ARRAY_LEN(fields), sizeof(struct kshm_layout));
}

static void test_version_struct(void **state)
{
	const struct field fields[] = {
		FIELD(kshm_version, size), FIELD(kshm_version, abi_version),
		FIELD(kshm_version, page_size), FIELD(kshm_version, max_regions_per_file),
		FIELD(kshm_version, max_region_bytes), FIELD(kshm_version, max_allocated_bytes),
		FIELD(kshm_version, max_pinned_bytes), FIELD(kshm_version, regions_live),
		FIELD(kshm_version, bytes_allocated), FIELD(kshm_version, bytes_pinned),
	};
	const size_t offsets[] = { 0, 4, 8, 12, 16, 24, 32, 40, 48, 56 };

	(void)state;
	assert_int_equal(sizeof(struct kshm_version), 64);
	expect_offsets(fields, ARRAY_LEN(fields), offsets);
	check_tiling(fields, ARRAY_LEN(fields), sizeof(struct kshm_version));
}

static void test_region_create_struct(void **state)
{
	const struct field fields[] = {
		FIELD(kshm_region_create, size), FIELD(kshm_region_create, flags),
		FIELD(kshm_region_create, length), FIELD(kshm_region_create, mapped_length),
		FIELD(kshm_region_create, mmap_offset), FIELD(kshm_region_create, user_addr),
		FIELD(kshm_region_create, id), FIELD(kshm_region_create, reserved),
	};
	const size_t offsets[] = { 0, 4, 8, 16, 24, 32, 40, 44 };

	(void)state;
	assert_int_equal(sizeof(struct kshm_region_create), 48);
	expect_offsets(fields, ARRAY_LEN(fields), offsets);
	check_tiling(fields, ARRAY_LEN(fields), sizeof(struct kshm_region_create));
}

static void test_buffer_attach_struct(void **state)
{
	const struct field fields[] = {
		FIELD(kshm_buffer_attach, size), FIELD(kshm_buffer_attach, flags),
		FIELD(kshm_buffer_attach, user_addr), FIELD(kshm_buffer_attach, length),
		FIELD(kshm_buffer_attach, id), FIELD(kshm_buffer_attach, reserved),
		FIELD(kshm_buffer_attach, layout),
	};
	const size_t offsets[] = { 0, 4, 8, 16, 24, 28, 32 };

	(void)state;
	assert_int_equal(sizeof(struct kshm_buffer_attach), 64);
	expect_offsets(fields, ARRAY_LEN(fields), offsets);
	check_tiling(fields, ARRAY_LEN(fields), sizeof(struct kshm_buffer_attach));
}

static void test_region_info_struct(void **state)
{
	const struct field fields[] = {
		FIELD(kshm_region_info, size), FIELD(kshm_region_info, id),
		FIELD(kshm_region_info, kind), FIELD(kshm_region_info, flags),
		FIELD(kshm_region_info, mmap_offset), FIELD(kshm_region_info, layout),
		FIELD(kshm_region_info, pfn_array), FIELD(kshm_region_info, pfn_capacity),
		FIELD(kshm_region_info, pfn_count),
	};
	const size_t offsets[] = { 0, 4, 8, 12, 16, 24, 56, 64, 68 };

	(void)state;
	assert_int_equal(sizeof(struct kshm_region_info), 72);
	expect_offsets(fields, ARRAY_LEN(fields), offsets);
	check_tiling(fields, ARRAY_LEN(fields), sizeof(struct kshm_region_info));
}

static void test_range_op_struct(void **state)
{
	const struct field fields[] = {
		FIELD(kshm_range_op, size), FIELD(kshm_range_op, id),
		FIELD(kshm_range_op, offset), FIELD(kshm_range_op, length),
		FIELD(kshm_range_op, seed), FIELD(kshm_range_op, checksum),
	};
	const size_t offsets[] = { 0, 4, 8, 16, 24, 32 };

	(void)state;
	assert_int_equal(sizeof(struct kshm_range_op), 40);
	expect_offsets(fields, ARRAY_LEN(fields), offsets);
	check_tiling(fields, ARRAY_LEN(fields), sizeof(struct kshm_range_op));
}

static void test_region_destroy_struct(void **state)
{
	const struct field fields[] = {
		FIELD(kshm_region_destroy, size), FIELD(kshm_region_destroy, id),
	};
	const size_t offsets[] = { 0, 4 };

	(void)state;
	assert_int_equal(sizeof(struct kshm_region_destroy), 8);
	expect_offsets(fields, ARRAY_LEN(fields), offsets);
	check_tiling(fields, ARRAY_LEN(fields), sizeof(struct kshm_region_destroy));
}

static void test_transfer_struct(void **state)
{
	const struct field fields[] = {
		FIELD(kshm_transfer, size), FIELD(kshm_transfer, method),
		FIELD(kshm_transfer, direction), FIELD(kshm_transfer, reserved),
		FIELD(kshm_transfer, user_addr), FIELD(kshm_transfer, length),
		FIELD(kshm_transfer, seed), FIELD(kshm_transfer, checksum),
	};
	const size_t offsets[] = { 0, 4, 8, 12, 16, 24, 32, 40 };

	(void)state;
	assert_int_equal(sizeof(struct kshm_transfer), 48);
	expect_offsets(fields, ARRAY_LEN(fields), offsets);
	check_tiling(fields, ARRAY_LEN(fields), sizeof(struct kshm_transfer));
}

static void test_constants(void **state)
{
	(void)state;
	assert_int_equal(KSHM_ABI_VERSION, 1);
	assert_string_equal(KSHM_DEVICE_NAME, "kshm");
	assert_int_equal(KSHM_REGION_MAX_BYTES, 1ULL << 32);
	assert_int_equal(KSHM_REGION_CREATE_FLAGS, KSHM_REGION_USER_READONLY);
	assert_int_equal(KSHM_ATTACH_FLAGS, KSHM_ATTACH_KERNEL_WRITE);
	assert_int_not_equal(KSHM_KIND_KERNEL_PAGES, KSHM_KIND_USER_BUFFER);
	assert_int_not_equal(KSHM_DIR_TO_KERNEL, KSHM_DIR_FROM_KERNEL);
	/* 0 is never a valid method or direction: a zeroed request is refused. */
	assert_int_not_equal(KSHM_METHOD_BUFFERED, 0);
	assert_int_not_equal(KSHM_DIR_TO_KERNEL, 0);
	assert_int_not_equal(KSHM_DIR_FROM_KERNEL, 0);
	assert_true(KSHM_METHOD_BUFFERED != KSHM_METHOD_DIRECT &&
		    KSHM_METHOD_DIRECT != KSHM_METHOD_NEITHER &&
		    KSHM_METHOD_BUFFERED != KSHM_METHOD_NEITHER);
	/* Methods are bits of a 32-bit mask. */
	assert_true(KSHM_METHOD_NEITHER < 32);
}

#if defined(__linux__)
struct ioc {
	const char *name;
	unsigned long cmd;
	unsigned int nr;
	size_t size;
	unsigned int dir;
};

#define IOC(x, nr, type, dir) { #x, x, nr, sizeof(struct type), dir }

static const struct ioc linux_iocs[] = {
	IOC(KSHM_IOC_VERSION, KSHM_NR_VERSION, kshm_version, _IOC_READ | _IOC_WRITE),
	IOC(KSHM_IOC_REGION_CREATE, KSHM_NR_REGION_CREATE, kshm_region_create,
	    _IOC_READ | _IOC_WRITE),
	IOC(KSHM_IOC_BUFFER_ATTACH, KSHM_NR_BUFFER_ATTACH, kshm_buffer_attach,
	    _IOC_READ | _IOC_WRITE),
	IOC(KSHM_IOC_REGION_INFO, KSHM_NR_REGION_INFO, kshm_region_info, _IOC_READ | _IOC_WRITE),
	IOC(KSHM_IOC_FILL, KSHM_NR_FILL, kshm_range_op, _IOC_READ | _IOC_WRITE),
	IOC(KSHM_IOC_CHECKSUM, KSHM_NR_CHECKSUM, kshm_range_op, _IOC_READ | _IOC_WRITE),
	IOC(KSHM_IOC_REGION_DESTROY, KSHM_NR_REGION_DESTROY, kshm_region_destroy, _IOC_WRITE),
	IOC(KSHM_IOC_TRANSFER, KSHM_NR_TRANSFER, kshm_transfer, _IOC_READ | _IOC_WRITE),
};

static void test_linux_ioctl_numbers_distinct(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_LEN(linux_iocs); i++)
		for (j = i + 1; j < ARRAY_LEN(linux_iocs); j++) {
			if (linux_iocs[i].cmd == linux_iocs[j].cmd)
				fail_msg("%s == %s", linux_iocs[i].name, linux_iocs[j].name);
			/* Dispatch is by number: numbers must differ too. */
			assert_int_not_equal(_IOC_NR(linux_iocs[i].cmd), _IOC_NR(linux_iocs[j].cmd));
		}
}

static void test_linux_ioctl_encoding(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(linux_iocs); i++) {
		const struct ioc *ioc = &linux_iocs[i];

		if (_IOC_SIZE(ioc->cmd) != ioc->size)
			fail_msg("%s: _IOC_SIZE %u, sizeof %zu", ioc->name,
				 (unsigned int)_IOC_SIZE(ioc->cmd), ioc->size);
		assert_int_equal(_IOC_TYPE(ioc->cmd), KSHM_IOC_MAGIC);
		assert_int_equal(_IOC_NR(ioc->cmd), ioc->nr);
		assert_int_equal(_IOC_DIR(ioc->cmd), ioc->dir);
		/* Fits the 32-bit ioctl argument on every architecture. */
		assert_true(ioc->cmd <= UINT32_MAX);
	}
}
#endif

static void test_windows_ioctl_codes(void **state)
{
	uint32_t codes[KSHM_ABI_WIN_NCODES];
	size_t i, j;

	(void)state;
	kshm_abi_windows_codes(codes);
	for (i = 0; i < KSHM_ABI_WIN_NCODES; i++) {
		uint32_t code = codes[i];

		assert_int_equal(code >> 16, 0x8B6B);		/* DeviceType */
		assert_int_equal((code >> 14) & 3, 3);		/* FILE_READ_DATA | FILE_WRITE_DATA */
		assert_int_equal((code >> 2) & 0xfff, 0x801 + i);	/* Function: 0x800 + nr */
		assert_int_equal(code & 3, 0);			/* METHOD_BUFFERED */
		/* Bit 13 (custom function) set: 0x800 and up is the vendor range. */
		assert_true(code & (1U << 13));
		for (j = i + 1; j < KSHM_ABI_WIN_NCODES; j++)
			assert_int_not_equal(code, codes[j]);
	}
	/* The well-known CTL_CODE(0x8B6B, 0x801, METHOD_BUFFERED, FILE_ANY... RW). */
	assert_int_equal(codes[0], 0x8B6BE004U);
}

/* Channel requests: CTL_CODE(0x8B6B, 0x800 + nr, METHOD_BUFFERED, RW), none equal to another. */
static void test_windows_channel_codes(void **state)
{
	uint32_t codes[KSHM_ABI_WIN_NCODES], channel[KSHM_ABI_WIN_NCHANNEL_CODES];
	size_t i, j;

	(void)state;
	kshm_abi_windows_codes(codes);
	kshm_abi_windows_channel_codes(channel);
	for (i = 0; i < KSHM_ABI_WIN_NCHANNEL_CODES; i++) {
		assert_int_equal(channel[i] >> 16, 0x8B6B);
		assert_int_equal((channel[i] >> 14) & 3, 3);
		assert_int_equal((channel[i] >> 2) & 0xfff, 0x800 + KSHM_NR_CHANNEL_CREATE + i);
		assert_int_equal(channel[i] & 3, 0);
		for (j = 0; j < KSHM_ABI_WIN_NCODES; j++)
			assert_int_not_equal(channel[i], codes[j]);
		for (j = i + 1; j < KSHM_ABI_WIN_NCHANNEL_CODES; j++)
			assert_int_not_equal(channel[i], channel[j]);
	}
	assert_int_equal(KSHM_NR_CHANNEL_MAP, KSHM_NR_CHANNEL_CREATE + 4);
	assert_int_equal(sizeof(struct kshm_channel_map), 32);
	assert_int_equal(offsetof(struct kshm_channel_map, event), 8);
	assert_int_equal(offsetof(struct kshm_channel_map, consumer_addr), 16);
	assert_int_equal(offsetof(struct kshm_channel_map, producer_addr), 24);
}

static void test_windows_transfer_out_direct_code(void **state)
{
	uint32_t codes[KSHM_ABI_WIN_NCODES];
	uint32_t code = kshm_abi_windows_transfer_out_direct();
	size_t i;

	(void)state;
	kshm_abi_windows_codes(codes);
	/* TRANSFER's function number with METHOD_OUT_DIRECT: CTL_CODE(0x8B6B, 0x808, 2, RW). */
	assert_int_equal(code, 0x8B6BE022U);
	assert_int_equal(code & ~3U, codes[KSHM_NR_TRANSFER - 1]);
	for (i = 0; i < KSHM_ABI_WIN_NCODES; i++)
		assert_int_not_equal(code, codes[i]);
}

/* TRANSFER's function number with METHOD_IN_DIRECT (1), _OUT_DIRECT (2), _NEITHER (3). */
static void test_windows_transfer_io_codes(void **state)
{
	uint32_t codes[KSHM_ABI_WIN_NCODES], io[3];
	size_t i, j;

	(void)state;
	kshm_abi_windows_codes(codes);
	kshm_abi_windows_transfer_io_codes(io);
	assert_int_equal(io[0], 0x8B6BE021U);
	assert_int_equal(io[1], 0x8B6BE022U);
	assert_int_equal(io[2], 0x8B6BE023U);
	for (i = 0; i < 3; i++) {
		assert_int_equal(io[i], codes[KSHM_NR_TRANSFER - 1] | (uint32_t)(i + 1));
		for (j = 0; j < KSHM_ABI_WIN_NCODES; j++)
			assert_int_not_equal(io[i], codes[j]);
	}
}

static void test_windows_view_has_same_sizes(void **state)
{
	(void)state;
	/* abi_windows.c builds the header's non-Linux branch: same layouts. */
	assert_int_equal(kshm_abi_windows_sizeof(0), sizeof(struct kshm_layout));
	assert_int_equal(kshm_abi_windows_sizeof(1), sizeof(struct kshm_version));
	assert_int_equal(kshm_abi_windows_sizeof(2), sizeof(struct kshm_region_create));
	assert_int_equal(kshm_abi_windows_sizeof(3), sizeof(struct kshm_buffer_attach));
	assert_int_equal(kshm_abi_windows_sizeof(4), sizeof(struct kshm_region_info));
	assert_int_equal(kshm_abi_windows_sizeof(5), sizeof(struct kshm_range_op));
	assert_int_equal(kshm_abi_windows_sizeof(6), sizeof(struct kshm_region_destroy));
	assert_int_equal(kshm_abi_windows_sizeof(7), sizeof(struct kshm_transfer));
	assert_int_equal(kshm_abi_windows_sizeof(8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_struct),
		cmocka_unit_test(test_version_struct),
		cmocka_unit_test(test_region_create_struct),
		cmocka_unit_test(test_buffer_attach_struct),
		cmocka_unit_test(test_region_info_struct),
		cmocka_unit_test(test_range_op_struct),
		cmocka_unit_test(test_region_destroy_struct),
		cmocka_unit_test(test_transfer_struct),
		cmocka_unit_test(test_constants),
#if defined(__linux__)
		cmocka_unit_test(test_linux_ioctl_numbers_distinct),
		cmocka_unit_test(test_linux_ioctl_encoding),
#endif
		cmocka_unit_test(test_windows_ioctl_codes),
		cmocka_unit_test(test_windows_channel_codes),
		cmocka_unit_test(test_windows_transfer_out_direct_code),
		cmocka_unit_test(test_windows_transfer_io_codes),
		cmocka_unit_test(test_windows_view_has_same_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
