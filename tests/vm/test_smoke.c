// SPDX-License-Identifier: MIT
/* The basics every other suite takes for granted: the device, the version, the counters. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "vmtest.h"

TEST(device_node_is_root_char_device_of_dev_mode)
{
	struct stat st;

	expect_ok(sys_err(stat(KSHM_DEV, &st)));
	expect(S_ISCHR(st.st_mode));
	expect(st.st_uid == 0 && st.st_gid == 0);
	expect((st.st_mode & 07777) == guest_param("dev_mode"));
}

TEST(version_matches_abi_and_page_size)
{
	struct kshm_version v;
	struct kshm *k;

	expect_ok(kshm_open(NULL, &k));
	memset(&v, 0xa5, sizeof(v));
	expect_ok(kshm_query_version(k, &v));
	expect(v.abi_version == KSHM_ABI_VERSION);
	expect(v.page_size == (uint32_t)sysconf(_SC_PAGESIZE));
	expect(v.max_regions_per_file == guest_param("max_regions_per_file"));
	expect(v.max_region_bytes == guest_param("max_region_bytes"));
	expect(v.max_allocated_bytes == guest_param("max_allocated_bytes"));
	expect(v.max_pinned_bytes == guest_param("max_pinned_bytes"));
	expect(v.max_region_bytes > 0 && v.max_region_bytes <= KSHM_REGION_MAX_BYTES);
	kshm_close(k);
}

TEST(counters_idle_and_in_sysfs)
{
	struct kshm_version v;
	struct kshm *k;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_query_version(k, &v));
	expect(v.regions_live == 0 && v.bytes_allocated == 0 && v.bytes_pinned == 0);
	expect(guest_counter("regions_live") == 0);
	expect(guest_counter("bytes_allocated") == 0);
	expect(guest_counter("bytes_pinned") == 0);
	kshm_close(k);
}

TEST(raw_version_ioctl_checks_size)
{
	struct kshm_version v = { .size = sizeof(v) };
	int fd = guest_open();

	expect_ok(guest_ioctl(fd, KSHM_IOC_VERSION, &v));
	expect(v.size == sizeof(v) && v.abi_version == KSHM_ABI_VERSION);
	v = (struct kshm_version){ .size = sizeof(v) - 8 };	/* disagrees with the ioctl size */
	expect_err(guest_ioctl(fd, KSHM_IOC_VERSION, &v), -EINVAL);
	expect_err(guest_ioctl(fd, _IOWR(KSHM_IOC_MAGIC, 0x7f, struct kshm_version), &v), -ENOTTY);
	close(fd);
}

/*
 * The dispatcher serves only what core/request.h's table declares, in the
 * direction its row says: a request's number with the wrong direction, the
 * Windows-only CHANNEL_MAP, another magic and a struct shorter than v1 are
 * refused before any handler runs.
 */
TEST(dispatch_refuses_what_the_table_does_not_serve)
{
	struct kshm_channel_map map = { .size = sizeof(map) };
	struct kshm_version v = { .size = sizeof(v) };
	struct kshm_region_destroy d = { .size = sizeof(d) };
	uint8_t small[8] = { 8 };
	int fd = guest_open();

	expect_err(guest_ioctl(fd, _IOW(KSHM_IOC_MAGIC, KSHM_NR_VERSION, struct kshm_version), &v),
		   -ENOTTY);
	expect_err(guest_ioctl(fd, _IOWR(KSHM_IOC_MAGIC, KSHM_NR_REGION_DESTROY,
					 struct kshm_region_destroy), &d), -ENOTTY);
	expect_err(guest_ioctl(fd, _IOWR(KSHM_IOC_MAGIC, KSHM_NR_CHANNEL_MAP, struct kshm_channel_map),
			       &map), -ENOTTY);
	expect_err(guest_ioctl(fd, _IOWR('x', KSHM_NR_VERSION, struct kshm_version), &v), -ENOTTY);
	expect_err(guest_ioctl(fd, _IOWR(KSHM_IOC_MAGIC, KSHM_NR_VERSION, uint8_t[8]), small),
		   -EINVAL);
	close(fd);
	expect(guest_counters_zero());
}

TEST(open_errors)
{
	struct kshm *k = (struct kshm *)1;

	expect_err(kshm_open("/dev/kshm-does-not-exist", &k), -ENOENT);
	expect(k == NULL);
	expect_err(kshm_open(NULL, NULL), -EINVAL);
}

VMTEST_MAIN()
