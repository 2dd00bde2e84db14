// SPDX-License-Identifier: MIT
/*
 * tick: the program of the kshm_tick sample driver. It creates an events
 * channel with libkshm, hands its descriptor and id to the driver
 * (KSHM_TICK_IOC_START on /dev/kshm_tick), and reads the records the driver
 * publishes from its timer interrupt: checks that they come in order, and
 * that every missing sequence number is a drop both the driver and kshm
 * counted.
 *
 *   tick [--records N] [--period-us N] [--ring-kib N] [--pause-ms N] [--expect-drops]
 *        [--let-go-after N]
 *
 * Reads until N records arrived (default 2000), ticking every period (100
 * us), in a ring of ring-kib KiB (16); --pause-ms stops reading for that long
 * once, so the ring fills up and records are dropped. Prints one line
 *   tick: records R, ticks T, dropped D (kshm counted K), in order
 * and exits 0 when R + D == T, D == K and every record came in order (and,
 * with --expect-drops, D > 0: the pause was long enough to fill the ring).
 * --let-go-after N destroys the channel after N records instead, under the
 * driver's timer, and exits 0 when the driver then stopped by itself, seeing
 * the channel closed (KSHM_TICK_STOPPED_CLOSED).
 * Needs kshm and kshm_tick loaded (insmod kshm_tick.ko; on Windows
 * `sc start kshm_tick`, windows/kshm_tick.c). Prints "tick: streaming" once
 * the driver ticks (a test may kill the program from then on).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kshm.h>

#include "kshm_tick.h"
#include "../sample_device.h"

static uint64_t option(int argc, char **argv, const char *name, uint64_t fallback)
{
	int i;

	for (i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], name))
			return strtoull(argv[i + 1], NULL, 0);
	}
	return fallback;
}

static int flag(int argc, char **argv, const char *name)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], name))
			return 1;
	}
	return 0;
}

/* What the reader saw: records in order, and the gaps the drops left. */
struct reader {
	uint64_t received;
	uint64_t next_seq;	/* the sequence number the next record should carry */
	uint64_t gaps;		/* sequence numbers skipped: records dropped on a full ring */
	int in_order;
};

static void take(struct reader *r, const struct kshm_record *rec)
{
	struct kshm_tick_event event;

	/* The payload is in shared memory: copy it once, then look at the copy. */
	memcpy(&event, rec->payload, sizeof(event));
	if (rec->type != KSHM_TICK_TYPE || rec->len != sizeof(event) || event.seq < r->next_seq)
		r->in_order = 0;
	else
		r->gaps += event.seq - r->next_seq;
	r->next_seq = event.seq + 1;
	r->received++;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "tick: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/*
 * Destroy the channel while the driver publishes into it: kshm closes it, the
 * driver's reference stays valid, its next publish answers "closed" and its
 * timer stops itself. STOP then puts the reference.
 */
static int let_go(sample_device dev, struct kshm_channel *events, uint64_t received)
{
	struct kshm_tick_stats stats;
	int err;

	err = kshm_channel_destroy(events);
	if (err)
		return fail("kshm_channel_destroy", err);
	if (sample_wait_stopped(dev, KSHM_TICK_IOC_STATS, &stats, sizeof(stats), &stats.stopped,
				SAMPLE_STOP_WAIT_MS))
		return sample_fail("tick", "KSHM_TICK_IOC_STATS");
	printf("tick: channel destroyed after %" PRIu64 " records: the driver %s (status %d)\n",
	       received, stats.running ? "still ticks" : "stopped", stats.stopped);
	if (sample_ioctl(dev, KSHM_TICK_IOC_STOP, NULL, 0))
		return sample_fail("tick", "KSHM_TICK_IOC_STOP");
	return stats.stopped == KSHM_TICK_STOPPED_CLOSED && !stats.running ? 0 : 1;
}

int main(int argc, char **argv)
{
	uint64_t want = option(argc, argv, "--records", 2000);
	uint64_t period_us = option(argc, argv, "--period-us", 100);
	uint64_t ring_kib = option(argc, argv, "--ring-kib", 16);
	uint64_t pause_ms = option(argc, argv, "--pause-ms", 0);
	uint64_t let_go_after = option(argc, argv, "--let-go-after", 0);
	struct kshm_tick_start start = { 0 };
	struct reader r = { .in_order = 1 };
	struct kshm_tick_stats stats;
	struct kshm_channel *events;
	struct kshm_record rec;
	uint64_t kshm_dropped;
	struct kshm *k;
	sample_device dev;
	int err, ok;

	/* 1. The channel, on this process's kshm handle. */
	err = kshm_open(NULL, &k);
	if (err)
		return fail("kshm_open", err);
	err = kshm_channel_create(k, KSHM_CHANNEL_EVENTS, ring_kib << 10, NULL, &events);
	if (err)
		return fail("kshm_channel_create", err);

	/* 2. Hand the driver what names it: the kshm descriptor and the channel's id. */
	if (sample_open(KSHM_TICK_DEVICE, &dev))
		return sample_fail("tick", KSHM_TICK_DEVICE " (is the kshm_tick driver loaded?)");
	start.kshm_fd = (int)kshm_native_handle(k);
	start.channel_id = kshm_channel_id(events);
	start.period_ns = period_us * 1000;
	if (sample_ioctl(dev, KSHM_TICK_IOC_START, &start, sizeof(start)))
		return sample_fail("tick", "KSHM_TICK_IOC_START");
	printf("tick: streaming\n");
	fflush(stdout);

	/* 3. Read: peek and advance, release once per batch, sleep in poll() when empty. */
	while (r.received < want) {
		if (pause_ms && r.received >= want / 4) {
			/* Stop reading for a while: the ring fills and the driver drops. */
			sample_sleep_ms((unsigned int)pause_ms);
			pause_ms = 0;
		}
		while (r.received < want && kshm_channel_peek(events, &rec) == 0) {
			take(&r, &rec);
			kshm_channel_advance(events, &rec);
		}
		if (let_go_after && r.received >= let_go_after) {
			err = let_go(dev, events, r.received);
			sample_close(dev);
			kshm_close(k);
			return err;
		}
		err = kshm_channel_wait(events, 0, 1000);	/* releases, then sleeps */
		if (err)
			return fail("kshm_channel_wait", err);	/* -ETIMEDOUT: no tick for a second */
	}

	/* 4. Stop the driver, then drain what it published before it stopped. */
	if (sample_ioctl(dev, KSHM_TICK_IOC_STOP, NULL, 0) ||
	    sample_ioctl(dev, KSHM_TICK_IOC_STATS, &stats, sizeof(stats)))
		return sample_fail("tick", "KSHM_TICK_IOC_STOP/STATS");
	while (kshm_channel_peek(events, &rec) == 0) {
		take(&r, &rec);
		kshm_channel_advance(events, &rec);
	}
	kshm_channel_release(events);
	if (stats.ticks >= r.next_seq)
		r.gaps += stats.ticks - r.next_seq;	/* dropped after the last record */
	kshm_dropped = kshm_channel_dropped(events);
	printf("tick: records %" PRIu64 ", ticks %" PRIu64 ", dropped %" PRIu64
	       " (kshm counted %" PRIu64 ", the driver %" PRIu64 "), %s\n",
	       r.received, (uint64_t)stats.ticks, r.gaps, kshm_dropped, (uint64_t)stats.dropped,
	       r.in_order ? "in order" : "OUT OF ORDER");
	ok = r.in_order && r.received + r.gaps == stats.ticks && r.gaps == stats.dropped &&
	     r.gaps == kshm_dropped && (r.gaps > 0 || !flag(argc, argv, "--expect-drops"));
	sample_close(dev);
	kshm_close(k);
	return ok ? 0 : 1;
}
