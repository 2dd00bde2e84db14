// SPDX-License-Identifier: MIT
/*
 * kshm's in-kernel API as another driver uses it: the test client module
 * (tests/vm/client) looks up this process's channel from its descriptor and
 * id, and publishes from hard interrupt context. The client is loaded for
 * these tests only: while it is loaded kshm cannot be unloaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "vmtest.h"

#define PAGE 4096
#define CLIENT_KO "/kshm_client.ko"
#define PUBLISH "/sys/kernel/debug/kshm_client/publish"
#define PUBLISH_MAX 4096	/* KSHM_PUBLISH_MAX_RECORD, linux/kshm_channel.h (a kernel header) */

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
	expect_err(client_publish(fd, kshm_region_id(region), 8, 1), -ENOENT);
	expect_err(client_publish(open("/dev/null", O_RDONLY), 1, 8, 1), -ENOENT);
	kshm_close(k);
	client_unload();
	expect(guest_counters_drain());
}

VMTEST_MAIN()
