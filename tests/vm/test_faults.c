// SPDX-License-Identifier: MIT
/*
 * Unload while in use, and every allocation of a request failing in turn.
 *
 * The allocation tests need a kernel with fault injection (the debug kernel of
 * tests/hardening): /proc/thread-self/fail-nth makes the Nth allocation of
 * the next system call fail. They skip on a kernel without it (Debian's).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <kshm/channel.h>

#include "guest_util.h"
#include "vmtest.h"

#define MODULE_PATH "/kshm.ko"

static long unload(void)
{
	return syscall(SYS_delete_module, "kshm", O_NONBLOCK) ? -errno : 0;
}

/* Load the module again with the parameters the harness gave it. */
static long reload(void)
{
	const char *args = getenv("KSHM_MODULE_ARGS");
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);
	long ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, args ? args : "", 0) ? -errno : 0;
	close(fd);
	/* devtmpfs creates the node asynchronously. */
	for (int i = 0; i < 300 && access(KSHM_DEV, R_OK | W_OK); i++)
		usleep(10000);
	return ret;
}

TEST(unload_refused_while_in_use_then_clean)
{
	struct kshm_region_create c;
	long err;
	int fd = guest_open();
	uint8_t *p;

	if (access(MODULE_PATH, R_OK))
		skip("no " MODULE_PATH " to load again");
	/* An open file holds the module. */
	expect_err(unload(), -EWOULDBLOCK);
	p = guest_region_map(fd, 3 * guest_page(), 0, &c, &err);
	expect(p != NULL);
	p[0] = 1;
	/* A mapping holds the file, so the module, after close. */
	close(fd);
	expect_err(unload(), -EWOULDBLOCK);
	expect(p[0] == 1);
	p[guest_page()] = 2;
	expect_ok(munmap(p, c.mapped_length));
	expect(guest_counters_drain());	/* the last fput is deferred */
	for (int i = 0; i < 300 && (err = unload()) == -EWOULDBLOCK; i++)
		usleep(10000);
	expect_ok(err);
	expect(access(KSHM_DEV, F_OK) != 0);
	expect_ok(reload());
	expect(guest_counters_zero());
	close(guest_open());
}

/* ---- allocation failures ---------------------------------------------- */

static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -EIO;
}

/*
 * /proc/thread-self/fail-nth, opened once: between setting it and the request
 * there must be no other system call that allocates.
 */
static int fail_nth_fd = -1;

static long set_fail_nth(int nth)
{
	char value[16];
	int len = snprintf(value, sizeof(value), "%d", nth);

	return pwrite(fail_nth_fd, value, (size_t)len, 0) == len ? 0 : -errno;
}

/* 0 once the failure was injected; what is left of the count otherwise. */
static long read_fail_nth(void)
{
	char buf[32] = { 0 };

	return pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) > 0 ? strtol(buf, NULL, 10) : -EIO;
}

/* The kernel log line run.sh frames allocation-failure warnings with (see REPORTS there). */
static void kmsg(const char *line)
{
	write_file("/dev/kmsg", line);
}

/*
 * Make sleeping allocations fail too, quietly; kmalloc caches only (with
 * cache-filter), so kmemleak's own caches are never failed.
 */
static void injection_setup(void)
{
	static const char *const settings[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/cache-filter", "Y" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	};
	glob_t caches;
	size_t i;

	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fail_nth_fd < 0)
		skip("no fault injection in this kernel (/proc/thread-self/fail-nth)");
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		if (write_file(settings[i][0], settings[i][1]))
			skip("cannot set %s (failslab, fail_page_alloc in debugfs?)", settings[i][0]);
	}
	if (glob("/sys/kernel/slab/kmalloc-*/failslab", 0, NULL, &caches) == 0) {
		for (i = 0; i < caches.gl_pathc; i++)
			write_file(caches.gl_pathv[i], "1");	/* merged caches refuse: fine */
		globfree(&caches);
	}
	/* The nodes of each file's id array (xa_alloc) */
	write_file("/sys/kernel/slab/radix_tree_node/failslab", "1");
}

typedef long (*request_fn)(int fd, void *ctx);

/*
 * Fail the 1st, 2nd, ... allocation of request(fd) until it makes fewer
 * allocations than that. Each failed request must fail cleanly (ENOMEM or
 * EFAULT: a failed pin) and leave every counter at zero once undone; a
 * request that succeeds is undone by `undo`. Returns how many points failed.
 */
static int fail_each_allocation(request_fn request, request_fn undo, void *ctx)
{
	int fd = guest_open();
	int nth, injected = 0;

	kmsg("kshm-vmtest: expected allocation failures begin\n");
	for (nth = 1; nth < 500; nth++) {
		long ret, left;

		expect_ok(set_fail_nth(nth));
		ret = request(fd, ctx);
		left = read_fail_nth();
		expect_ok(set_fail_nth(0));
		if (ret == 0)
			undo(fd, ctx);
		else if (ret != -ENOMEM && ret != -EFAULT)
			vmtest_fail(__FILE__, __LINE__, "allocation %d failed: request returned %ld", nth,
				    ret);
		if (!guest_counters_drain())
			vmtest_fail(__FILE__, __LINE__, "allocation %d failed: counters not back to zero",
				    nth);
		if (left != 0)	/* nothing was injected: every allocation has failed once */
			break;
		injected++;
	}
	kmsg("kshm-vmtest: expected allocation failures end\n");
	close(fd);
	/* A request that works without failures must work again afterwards. */
	fd = guest_open();
	expect_ok(request(fd, ctx));
	undo(fd, ctx);
	close(fd);
	expect(guest_counters_drain());
	printf("# %d allocation points failed in turn\n", injected);
	return injected;
}

/* open(2) of the device: the file's own state. */
static long open_device(int fd, void *ctx)
{
	int opened = open("/dev/kshm", O_RDWR | O_CLOEXEC);

	(void)fd;
	if (opened < 0)
		return -errno;
	*(int *)ctx = opened;
	return 0;
}

static long close_device(int fd, void *ctx)
{
	(void)fd;
	return close(*(int *)ctx);
}

TEST(open_survives_each_allocation_failing)
{
	int opened;

	injection_setup();
	expect(fail_each_allocation(open_device, close_device, &opened) > 0);
}

static long destroy_id(int fd, uint32_t id)
{
	struct kshm_region_destroy d = { .size = sizeof(d), .id = id };

	return guest_ioctl(fd, KSHM_IOC_REGION_DESTROY, &d);
}

static long create_region(int fd, void *ctx)
{
	struct kshm_region_create *c = ctx;

	*c = (struct kshm_region_create){ .size = sizeof(*c), .length = 5 * guest_page() };
	return guest_ioctl(fd, KSHM_IOC_REGION_CREATE, c);
}

static long destroy_region(int fd, void *ctx)
{
	return destroy_id(fd, ((struct kshm_region_create *)ctx)->id);
}

TEST(create_survives_each_allocation_failing)
{
	struct kshm_region_create c;

	injection_setup();
	expect(fail_each_allocation(create_region, destroy_region, &c) > 0);
}

struct attach_ctx {
	uint8_t *buf;
	struct kshm_buffer_attach a;
};

static long attach_buffer(int fd, void *ctx)
{
	struct attach_ctx *at = ctx;

	at->a = (struct kshm_buffer_attach){ .size = sizeof(at->a), .flags = KSHM_ATTACH_KERNEL_WRITE,
					     .user_addr = (uintptr_t)at->buf + 100,
					     .length = 6 * guest_page() };
	return guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &at->a);
}

static long detach_buffer(int fd, void *ctx)
{
	return destroy_id(fd, ((struct attach_ctx *)ctx)->a.id);
}

TEST(attach_survives_each_allocation_failing)
{
	struct attach_ctx at;

	injection_setup();
	/* Not populated: pinning faults the pages in, and those allocations fail too. */
	at.buf = mmap(NULL, 8 * guest_page(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	expect(at.buf != MAP_FAILED);
	expect(fail_each_allocation(attach_buffer, detach_buffer, &at) > 0);
}

static long transfer(int fd, void *ctx)
{
	struct kshm_transfer *t = ctx;

	t->checksum = 0;
	return guest_ioctl(fd, KSHM_IOC_TRANSFER, t);
}

static long nothing_to_undo(int fd, void *ctx)
{
	(void)fd;
	(void)ctx;
	return 0;
}

TEST(transfers_survive_each_allocation_failing)
{
	size_t len = 100 * 1024;
	uint8_t *buf = malloc(len);
	uint32_t method;

	injection_setup();
	expect(buf != NULL);
	memset(buf, 7, len);
	for (method = KSHM_METHOD_BUFFERED; method <= KSHM_METHOD_DIRECT; method++) {
		struct kshm_transfer t = { .size = sizeof(t), .method = method,
					   .direction = KSHM_DIR_FROM_KERNEL,
					   .user_addr = (uintptr_t)buf + 3, .length = len - 3 };

		expect(fail_each_allocation(transfer, nothing_to_undo, &t) > 0);
	}
	free(buf);
}

static long create_channel(int fd, void *ctx)
{
	struct kshm_channel_create *c = ctx;

	*c = (struct kshm_channel_create){ .size = sizeof(*c), .kind = KSHM_CHANNEL_EVENTS,
					   .data_bytes = 4 * guest_page() };
	return guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, c);
}

static long destroy_channel(int fd, void *ctx)
{
	return destroy_id(fd, ((struct kshm_channel_create *)ctx)->id);
}

TEST(channel_create_survives_each_allocation_failing)
{
	struct kshm_channel_create c;

	injection_setup();
	expect(fail_each_allocation(create_channel, destroy_channel, &c) > 0);
}

/* read(2): one message per call through the same bounce buffer as a buffered transfer. */
static long read_message(int fd, void *ctx)
{
	ssize_t got = read(fd, ctx, 3 * 4096 + 5);

	if (got < 0)
		return -errno;
	return got == 3 * 4096 + 5 ? 0 : -EIO;
}

TEST(read_survives_each_allocation_failing)
{
	uint8_t *buf = malloc(3 * 4096 + 5);

	injection_setup();
	expect(buf != NULL);
	memset(buf, 0, 3 * 4096 + 5);
	expect(fail_each_allocation(read_message, nothing_to_undo, buf) > 0);
	free(buf);
}

VMTEST_MAIN()
