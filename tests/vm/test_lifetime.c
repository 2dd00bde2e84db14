// SPDX-License-Identifier: MIT
/* Every resource is freed on every path: exit, kill -9, concurrent use. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "vmtest.h"

static int exit_with_everything_live(void *arg)
{
	struct kshm_region_create c;
	struct kshm_buffer_attach a = { .size = sizeof(a), .flags = KSHM_ATTACH_KERNEL_WRITE,
					.length = 16 * 4096 };
	uint8_t *buf = malloc(16 * 4096);
	int fd = guest_open();
	long err;

	(void)arg;
	if (!guest_region_map(fd, 1 << 20, 0, &c, &err))
		return 2;
	a.user_addr = (uintptr_t)buf;
	if (guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a))
		return 3;
	return 0;	/* no munmap, no destroy, no close */
}

TEST(exit_with_regions_live_frees_everything)
{
	expect(guest_in_child(exit_with_everything_live, NULL) == 0);
	expect(guest_counters_drain());
}

/* kill -9 while the kernel fills a large attached buffer. */
TEST(kill_during_fill)
{
	size_t len = 64 << 20;
	int ready[2];
	pid_t pid;
	int status;
	char c;

	expect_ok(pipe(ready));
	pid = fork();
	if (pid == 0) {
		uint8_t *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		struct kshm_buffer_attach a = { .size = sizeof(a),
						.flags = KSHM_ATTACH_KERNEL_WRITE, .length = len };
		struct kshm_range_op op = { .size = sizeof(op), .length = len };
		int fd = guest_open();

		a.user_addr = (uintptr_t)buf;
		if (buf == MAP_FAILED || guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a))
			_exit(2);
		op.id = a.id;
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			guest_ioctl(fd, KSHM_IOC_FILL, &op);
	}
	expect(read(ready[0], &c, 1) == 1);
	usleep(20000);
	kill(pid, SIGKILL);
	expect(waitpid(pid, &status, 0) == pid);
	expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	expect(guest_counters_drain());
	close(ready[0]);
	close(ready[1]);
}

/* kill -9 mid transfer (the direct method pins for the call). */
TEST(kill_during_direct_transfer)
{
	size_t len = 32 << 20;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		uint8_t *buf = malloc(len);
		struct kshm *k;

		if (!buf || kshm_open(NULL, &k))
			_exit(2);
		memset(buf, 1, len);
		for (;;)
			kshm_transfer(k, KSHM_METHOD_DIRECT, KSHM_DIR_FROM_KERNEL, buf, len, NULL);
	}
	usleep(300000);
	kill(pid, SIGKILL);
	expect(waitpid(pid, &status, 0) == pid);
	expect(guest_counters_drain());
}

struct race {
	int fd;
	int seconds;
	uint32_t seed;
};

/* Create, map, fill, checksum and destroy, including ids other threads own. */
static void *racer(void *arg)
{
	struct race *race = arg;
	uint32_t seed = race->seed;
	time_t end = time(NULL) + race->seconds;

	while (time(NULL) < end) {
		struct kshm_region_create c = { .size = sizeof(c), .length = 4096 * (1 + seed % 4) };
		struct kshm_range_op op = { .size = sizeof(op), .length = 4096 };
		struct kshm_region_destroy d = { .size = sizeof(d) };
		uint8_t *p;

		seed = seed * 1103515245 + 12345;
		if (guest_ioctl(race->fd, KSHM_IOC_REGION_CREATE, &c))
			continue;
		p = mmap(NULL, c.mapped_length, PROT_READ | PROT_WRITE, MAP_SHARED, race->fd,
			 (off_t)c.mmap_offset);
		op.id = c.id;
		guest_ioctl(race->fd, KSHM_IOC_FILL, &op);
		op.id = c.id - (seed % 3);	/* sometimes another thread's region */
		guest_ioctl(race->fd, KSHM_IOC_CHECKSUM, &op);
		d.id = (seed & 1) ? c.id : c.id - 1;
		guest_ioctl(race->fd, KSHM_IOC_REGION_DESTROY, &d);
		if (p != MAP_FAILED) {
			p[0] = 1;	/* valid even if some thread destroyed it */
			munmap(p, c.mapped_length);
		}
		d.id = c.id;
		guest_ioctl(race->fd, KSHM_IOC_REGION_DESTROY, &d);
	}
	return NULL;
}

TEST(threads_racing_on_one_file)
{
	struct race races[4];
	pthread_t threads[4];
	int fd = guest_open();
	int i;

	for (i = 0; i < 4; i++) {
		races[i] = (struct race){ .fd = fd, .seconds = 3, .seed = 17 + i };
		expect_ok(pthread_create(&threads[i], NULL, racer, &races[i]));
	}
	for (i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	close(fd);
	expect(guest_counters_drain());
}

static int child_uses_inherited_fd(void *arg)
{
	int fd = *(int *)arg;
	struct kshm_region_create c = { .size = sizeof(c), .length = 4096 };
	uint8_t *buf = malloc(8192);
	struct kshm_buffer_attach a = { .size = sizeof(a), .flags = KSHM_ATTACH_KERNEL_WRITE,
					.length = 8192 };
	struct kshm_range_op op = { .size = sizeof(op), .length = 8192, .seed = 4 };

	if (guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c))
		return 2;
	a.user_addr = (uintptr_t)buf;
	if (guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a))
		return 3;
	op.id = a.id;
	if (guest_ioctl(fd, KSHM_IOC_FILL, &op) || kshm_pattern_check(buf, 8192, 4, 0) != 8192)
		return 4;
	return 0;	/* exits with the attach live: its pins belong to the file */
}

TEST(forked_child_uses_the_parent_file)
{
	int fd = guest_open();

	expect(guest_in_child(child_uses_inherited_fd, &fd) == 0);
	expect(guest_counter("regions_live") == 2);	/* the file still holds both */
	close(fd);
	expect(guest_counters_drain());
}

VMTEST_MAIN()
