// SPDX-License-Identifier: MIT
/*
 * kshm's in-kernel API (include/kshm/kernel.h) as another driver uses it:
 * the test client module (tests/vm/client) looks up this process's channels
 * and regions from its descriptor and ids, publishes from hard interrupt
 * context, reaches a region's bytes, and holds references across what the
 * process does (destroy, close, exit). The client is loaded for these tests
 * only: while it is loaded kshm cannot be unloaded. The sample drivers of
 * examples/ have their own suite (test_examples.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "vmtest.h"

#define PAGE 4096
#define CLIENT_KO "/kshm_client.ko"
#define PUBLISH "/sys/kernel/debug/kshm_client/publish"
#define HELD "/sys/kernel/debug/kshm_client/region"
#define PUBLISH_MAX 4096	/* KSHM_PUBLISH_MAX_RECORD, include/kshm/kernel.h */

static void client_load(void)
{
	if (access(CLIENT_KO, R_OK))
		skip("the test client module was not built for this kernel");
	if (access(PUBLISH, W_OK))
		expect_ok(system("insmod " CLIENT_KO));
	expect(access(PUBLISH, W_OK) == 0);
}

static void client_unload(void)
{
	expect_ok(system("rmmod kshm_client"));
}

/* One command to the client's held references ("get FD ID LEN", "fill SEED", ...). */
static long client_held(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long client_held(const char *fmt, ...)
{
	char line[64];
	va_list ap;
	ssize_t done;
	int n, ctl;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctl = open(HELD, O_WRONLY);
	expect(ctl >= 0);
	done = write(ctl, line, (size_t)n);
	close(ctl);
	return done == n ? 0 : done < 0 ? -errno : -EIO;
}

/* Ask the client to publish `count` records of `len` bytes into channel `id` of `fd`. */
static long client_publish(int fd, uint32_t id, uint32_t len, uint32_t count)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%d %u %u %u", fd, id, len, count);
	int ctl = open(PUBLISH, O_WRONLY);
	ssize_t done;

	expect(ctl >= 0);
	done = write(ctl, line, (size_t)n);
	close(ctl);
	return done == n ? 0 : done < 0 ? -errno : -EIO;
}

static int payload_ok(const struct kshm_record *rec, uint32_t len)
{
	const uint8_t *p = rec->payload;
	uint32_t i;

	if (rec->type != 7 || rec->len != len)
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] != (uint8_t)(i * 7 + 1))
			return 0;
	}
	return 1;
}

/* Records published from an interrupt arrive whole, in order; 4 KiB is the largest. */
TEST(publish_from_interrupt)
{
	struct kshm_channel *ch;
	struct kshm_record rec;
	struct kshm *k;
	int fd, seen = 0;

	client_load();
	expect_ok(kshm_open(NULL, &k));
	fd = (int)kshm_native_handle(k);
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 16 * PAGE, NULL, &ch));
	expect_ok(client_publish(fd, kshm_channel_id(ch), 64, 10));
	expect_ok(client_publish(fd, kshm_channel_id(ch), PUBLISH_MAX, 1));
	while (kshm_channel_peek(ch, &rec) == 0) {
		expect(payload_ok(&rec, seen < 10 ? 64 : PUBLISH_MAX));
		kshm_channel_advance(ch, &rec);
		seen++;
	}
	kshm_channel_release(ch);
	expect(seen == 11);
	kshm_close(k);
	client_unload();
	expect(guest_counters_drain());
}

/*
 * The bound of the interrupt-context copy: 4 KiB + 1 is refused (-EFBIG) even
 * though the ring would take it; a full ring drops and counts (-ENOSPC);
 * a submissions channel, a region that is no channel or a wrong id is refused.
 */
TEST(publish_refusals)
{
	struct kshm_channel *events, *sub;
	struct kshm_region *region;
	struct kshm *k;
	int fd;

	client_load();
	expect_ok(kshm_open(NULL, &k));
	fd = (int)kshm_native_handle(k);
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 64 * PAGE, NULL, &events));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, PAGE, NULL, &sub));
	expect_err(client_publish(fd, kshm_channel_id(events), PUBLISH_MAX + 1, 1),
		   -EFBIG);
	expect_err(client_publish(fd, kshm_channel_id(events), 1000, 1000), -ENOSPC);
	expect(kshm_channel_dropped(events) > 0);
	expect_err(client_publish(fd, kshm_channel_id(sub), 8, 1), -EINVAL);
	expect_err(client_publish(fd, 999, 8, 1), -ENOENT);
	expect_ok(kshm_region_create(k, PAGE, 0, &region));	/* an id, but not a channel's */
	expect_err(client_publish(fd, kshm_region_id(region), 8, 1), -EINVAL);
	expect_err(client_publish(open("/dev/null", O_RDONLY), 1, 8, 1), -EINVAL);
	expect_err(client_publish(-1, 1, 8, 1), -EBADF);
	expect_err(client_publish(1000, 1, 8, 1), -EBADF);
	kshm_close(k);
	client_unload();
	expect(guest_counters_drain());
}

/*
 * A region's kernel view: the bytes the process sees, at the length it
 * asked; kept valid by the driver's reference after the process destroyed
 * the region (counted in kshm's counters until the put).
 */
TEST(region_view_outlives_destroy)
{
	struct kshm_region *region;
	struct kshm *k;
	const uint8_t *p;
	int fd;

	client_load();
	expect_ok(kshm_open(NULL, &k));
	fd = (int)kshm_native_handle(k);
	expect_ok(kshm_region_create(k, 3 * PAGE + 100, 0, &region));
	expect_err(client_held("get %d %u %u", fd, kshm_region_id(region), 3 * PAGE), -EBADMSG);
	expect_ok(client_held("get %d %u %u", fd, kshm_region_id(region), 3 * PAGE + 100));
	expect_err(client_held("get %d %u %u", fd, kshm_region_id(region), 3 * PAGE + 100), -EBUSY);
	expect_ok(client_held("fill 3"));
	p = kshm_region_data(region);
	expect(p[0] == 3 && p[1] == 10 && p[3 * PAGE + 99] == (uint8_t)((3 * PAGE + 99) * 7 + 3));
	memset(kshm_region_data(region), 0, 10);
	expect_err(client_held("check 3"), -EBADMSG);	/* the kernel sees the process's write */
	expect_ok(client_held("fill 5"));
	expect_ok(kshm_region_destroy(region));
	expect(guest_counter("regions_live") >= 1);
	expect_ok(client_held("check 5"));		/* still the same pages, still valid */
	expect_ok(client_held("fill 6"));
	kshm_close(k);
	expect_ok(client_held("check 6"));
	expect_ok(client_held("put"));
	expect_err(client_held("put"), -ENOENT);
	client_unload();
	expect(guest_counters_drain());
}

/*
 * An attached buffer: the view starts at the process's (unaligned) first
 * byte; without KSHM_ATTACH_KERNEL_WRITE it is read-only (the client's fill
 * is refused, not faulted); the pin outlives the process's exit.
 */
static int attach_and_hand_over(void *arg)
{
	uint8_t *buf = malloc(4 * PAGE);
	struct kshm_region *region;
	struct kshm *k;
	uint32_t i;

	(void)arg;
	if (!buf || kshm_open(NULL, &k))
		return 1;
	for (i = 0; i < 2 * PAGE; i++)
		buf[13 + i] = (uint8_t)(i * 7 + 9);
	if (kshm_buffer_attach(k, buf + 13, 2 * PAGE, 0, &region))
		return 2;
	if (client_held("get %d %u %u", (int)kshm_native_handle(k), kshm_region_id(region),
			2 * PAGE))
		return 3;
	if (client_held("fill 1") != -EROFS || client_held("check 9"))
		return 4;
	_exit(0);	/* no destroy, no close: the process just goes */
}

TEST(attached_buffer_view)
{
	struct kshm_region *region;
	struct kshm *k;
	uint8_t *buf;

	client_load();
	expect(guest_in_child(attach_and_hand_over, NULL) == 0);
	expect(guest_counter("bytes_pinned") > 0);		/* the client's pin */
	expect_ok(client_held("check 9"));
	expect_ok(client_held("put"));
	expect(guest_counters_drain());

	/* Writable: the process sees the kernel's bytes at its own address. */
	expect_ok(kshm_open(NULL, &k));
	buf = calloc(1, 2 * PAGE + 64);
	expect(buf != NULL);
	expect_ok(kshm_buffer_attach(k, buf + 5, PAGE + 7, KSHM_ATTACH_KERNEL_WRITE, &region));
	expect_ok(client_held("get %d %u %u", (int)kshm_native_handle(k), kshm_region_id(region),
			      PAGE + 7));
	expect_ok(client_held("fill 2"));
	expect(buf[4] == 0 && buf[5] == 2 && buf[6] == 9 && buf[5 + PAGE + 7] == 0);
	expect(buf[5 + PAGE + 6] == (uint8_t)((PAGE + 6) * 7 + 2));
	expect_ok(client_held("put"));
	kshm_close(k);
	free(buf);
	client_unload();
	expect(guest_counters_drain());
}

/* Lookups refuse what is not theirs: a channel is no region, and the other way round. */
TEST(lookup_refusals)
{
	struct kshm_channel *events;
	struct kshm_region *region;
	struct kshm *k;
	int fd, null_fd;

	client_load();
	expect_ok(kshm_open(NULL, &k));
	fd = (int)kshm_native_handle(k);
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &events));
	expect_ok(kshm_region_create(k, PAGE, 0, &region));
	expect_err(client_held("get %d %u %u", fd, kshm_channel_id(events), PAGE), -EINVAL);
	expect_err(client_held("chan %d %u", fd, kshm_region_id(region)), -EINVAL);
	expect_err(client_held("get %d %u %u", fd, 999, PAGE), -ENOENT);
	expect_err(client_held("chan %d %u", fd, 999), -ENOENT);
	null_fd = open("/dev/null", O_RDONLY);
	expect_err(client_held("get %d %u %u", null_fd, 1, PAGE), -EINVAL);
	expect_err(client_held("get %d %u %u", -1, 1, PAGE), -EBADF);
	close(null_fd);
	kshm_close(k);
	client_unload();
	expect(guest_counters_drain());
}

/*
 * A channel the driver holds while the process lets go: destroy, close,
 * kill -9. Publishing then answers -EPIPE (the driver's cue to stop and put
 * its reference), nothing reaches freed memory, and the pages go with the put.
 */
static int hand_over_and_die(void *arg)
{
	struct kshm_channel *events;
	struct kshm *k;

	(void)arg;
	if (kshm_open(NULL, &k) || kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &events))
		return 1;
	if (client_held("chan %d %u", (int)kshm_native_handle(k), kshm_channel_id(events)))
		return 2;
	if (client_held("cpub"))
		return 3;
	raise(SIGKILL);
	return 4;
}

/* A killed process's file is released a little after it is reaped (deferred fput). */
static long client_wait_closed(void)
{
	int i;

	for (i = 0; i < 300 && client_held("closed") == -ENOTCONN; i++)
		usleep(10000);
	return client_held("closed");
}

TEST(channel_outlives_process)
{
	struct kshm_channel *events;
	struct kshm_record rec;
	struct kshm *k;
	int how;

	client_load();
	for (how = 0; how < 2; how++) {	/* destroyed, then its file closed */
		expect_ok(kshm_open(NULL, &k));
		expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &events));
		expect_ok(client_held("chan %d %u", (int)kshm_native_handle(k),
				      kshm_channel_id(events)));
		expect_err(client_held("closed"), -ENOTCONN);
		expect_ok(client_held("cpub"));
		expect_ok(kshm_channel_peek(events, &rec));
		expect(rec.len == 8 && rec.type == 7);
		if (how == 0)
			expect_ok(kshm_channel_destroy(events));
		kshm_close(k);
		expect_ok(client_held("closed"));
		expect_err(client_held("cpub"), -EPIPE);
		expect(guest_counter("regions_live") >= 1);
		expect_ok(client_held("cput"));
		expect(guest_counters_drain());
	}
	expect(guest_in_child(hand_over_and_die, NULL) == 128 + SIGKILL);
	expect_ok(client_wait_closed());
	expect_err(client_held("cpub"), -EPIPE);
	expect_ok(client_held("cput"));
	/* A reference still held at unload is the client's to put in its exit. */
	expect(guest_in_child(hand_over_and_die, NULL) == 128 + SIGKILL);
	client_unload();
	expect(guest_counters_drain());
}

/*
 * Module lifetime: a client's use of kshm's symbols pins kshm (rmmod kshm is
 * refused while the client is loaded), and a client cannot be loaded without
 * kshm. The test unloads kshm and loads it again, with the suite's parameters.
 */
TEST(client_pins_kshm)
{
	char cmd[512];

	client_load();
	expect(system("rmmod kshm 2>/dev/null") != 0);
	expect(access("/dev/kshm", F_OK) == 0);
	client_unload();
	if (system("rmmod kshm") != 0)
		skip("kshm is in use by another process or module here");
	expect(access("/dev/kshm", F_OK) != 0);
	expect(system("insmod " CLIENT_KO " 2>/dev/null") != 0);	/* Unknown symbol */
	snprintf(cmd, sizeof(cmd), "insmod /kshm.ko %s", getenv("KSHM_MODULE_ARGS") ?: "");
	expect_ok(system(cmd));
	expect(access("/dev/kshm", F_OK) == 0);
	client_load();
	client_unload();
	expect(guest_counters_drain());
}

VMTEST_MAIN()
