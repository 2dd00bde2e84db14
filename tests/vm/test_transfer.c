// SPDX-License-Identifier: MIT
/* The classic methods (buffered, direct) doing the same work as regions. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "vmtest.h"

static const uint32_t methods[] = { KSHM_METHOD_BUFFERED, KSHM_METHOD_DIRECT };

TEST(both_methods_both_directions)
{
	const size_t sizes[] = { 1, 4095, 4096 + 3, 200000, 1 << 20 };
	uint8_t *buf = malloc((1 << 20) + 64);
	struct kshm *k;
	size_t m, i;

	expect(buf != NULL);
	expect_ok(kshm_open(NULL, &k));
	for (m = 0; m < 2; m++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint8_t *data = buf + 3;	/* unaligned on purpose */
			KSHM_OPTS(kshm_transfer_opts, sum);
			KSHM_OPTS(kshm_transfer_opts, fill, .seed = 50 + i);

			kshm_pattern_fill(data, sizes[i], i, 0);
			expect_ok(kshm_transfer(k, methods[m], KSHM_DIR_TO_KERNEL, data, sizes[i], &sum));
			expect(sum.checksum == kshm_checksum(data, sizes[i]));
			memset(data, 0, sizes[i]);
			expect_ok(kshm_transfer(k, methods[m], KSHM_DIR_FROM_KERNEL, data, sizes[i],
						&fill));
			expect(kshm_pattern_check(data, sizes[i], 50 + i, 0) == sizes[i]);
		}
	}
	kshm_close(k);
	free(buf);
	expect(guest_counters_zero());
}

TEST(bad_transfer_requests)
{
	int fd = guest_open();
	uint8_t *ro = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t buf[64];
	struct kshm_transfer t = { .size = sizeof(t), .user_addr = (uintptr_t)buf, .length = 64 };
	size_t m;

	expect(ro != MAP_FAILED);
	t.direction = KSHM_DIR_TO_KERNEL;
	t.method = KSHM_METHOD_NEITHER;	/* Windows only */
	expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EINVAL);
	t.method = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EINVAL);
	t.method = 40;
	expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EINVAL);
	for (m = 0; m < 2; m++) {
		t.method = methods[m];
		t.direction = 3;
		t.user_addr = (uintptr_t)buf;
		t.length = 64;
		expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EINVAL);
		t.direction = KSHM_DIR_TO_KERNEL;
		t.length = 0;
		expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EINVAL);
		t.length = guest_param("max_region_bytes") + 1;
		expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EFBIG);
		t.length = 64;
		t.user_addr = 8;
		expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EFAULT);
		t.user_addr = UINT64_MAX - 10;
		expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EOVERFLOW);
		/* read-only memory: readable, not writable */
		t.user_addr = (uintptr_t)ro;
		t.length = 2 * 4096;
		expect_ok(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t));
		t.direction = KSHM_DIR_FROM_KERNEL;
		expect_err(guest_ioctl(fd, KSHM_IOC_TRANSFER, &t), -EFAULT);
	}
	munmap(ro, 2 * 4096);
	close(fd);
	expect(guest_counters_zero());
}

/* read(2): one message per call, the pattern seeded with the message count so far. */
TEST(read_per_message)
{
	uint8_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *buf = malloc(200000);
	int fd = guest_open();
	uint64_t i;

	expect(buf != NULL && ro != MAP_FAILED && unmapped != MAP_FAILED);
	expect(munmap(unmapped, 4096) == 0);
	for (i = 0; i < 3; i++) {
		memset(buf, 0, 64);
		expect(read(fd, buf, 64) == 64);
		expect(kshm_pattern_check(buf, 64, i, 0) == 64);
	}
	/* Larger than the bounce buffer, unaligned. */
	expect(read(fd, buf + 1, 199999) == 199999);
	expect(kshm_pattern_check(buf + 1, 199999, 3, 0) == 199999);
	expect(read(fd, buf, 0) == 0);
	/* A failed read consumes no message. */
	expect(read(fd, unmapped, 64) == -1 && errno == EFAULT);
	expect(read(fd, ro, 64) == -1 && errno == EFAULT);
	expect(read(fd, buf, 8) == 8);
	expect(kshm_pattern_check(buf, 8, 4, 0) == 8);
	close(fd);
	munmap(ro, 4096);
	free(buf);
	expect(guest_counters_zero());
}

VMTEST_MAIN()

/*
 * libkshm's options structs against the driver: an unknown flag, an options
 * struct not made with KSHM_OPTS (sz 0), and KSHM_TRANSFER_IO_MANAGER or'ed
 * into the method the pre-1.0 way are refused before anything moves.
 */
TEST(library_options_refused)
{
	static uint8_t buf[4096];
	KSHM_OPTS(kshm_channel_opts, channel, .flags = 1);
	KSHM_OPTS(kshm_transfer_opts, unknown, .flags = 2);
	KSHM_OPTS(kshm_transfer_opts, io_manager, .flags = KSHM_TRANSFER_IO_MANAGER);
	struct kshm_transfer_opts unset = { .seed = 1 };
	struct kshm_channel *ch = NULL;
	struct kshm *k;

	expect_ok(kshm_open(NULL, &k));
	expect_err(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 4096, &channel, &ch), -EINVAL);
	expect(ch == NULL);
	expect_err(kshm_transfer(k, KSHM_METHOD_BUFFERED, KSHM_DIR_FROM_KERNEL, buf, sizeof(buf),
				 &unknown), -EINVAL);
	expect_err(kshm_transfer(k, KSHM_METHOD_BUFFERED, KSHM_DIR_FROM_KERNEL, buf, sizeof(buf),
				 &unset), -EINVAL);
	expect_err(kshm_transfer(k, KSHM_METHOD_DIRECT | KSHM_TRANSFER_IO_MANAGER,
				 KSHM_DIR_FROM_KERNEL, buf, sizeof(buf), NULL), -EINVAL);
	expect_err(kshm_transfer(k, KSHM_METHOD_DIRECT, KSHM_DIR_FROM_KERNEL, buf, sizeof(buf),
				 &io_manager), -EOPNOTSUPP);
	kshm_close(k);
	expect(guest_counters_zero());
}
