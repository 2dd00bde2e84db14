// SPDX-License-Identifier: MIT
/*
 * crc: the program of the kshm_crc sample driver. It creates a submissions
 * channel (its requests) and an events channel (the driver's answers) with
 * libkshm, hands both to the driver (KSHM_CRC_IOC_ATTACH on /dev/kshm_crc),
 * then submits requests of random data and checks each answer: in order,
 * the right tag, the CRC-32 it computes itself.
 *
 *   crc [--requests N] [--ring-kib N] [--max-data N] [--close-kshm-after N]
 *
 * N requests (default 10000) of 0..max-data bytes (1024), in rings of
 * ring-kib KiB (16); every 97th request carries more than the driver takes
 * (KSHM_CRC_MAX_DATA), and must come back refused (KSHM_CRC_STATUS_TOO_BIG).
 * At most as many requests are in flight as the answers' ring holds. Prints
 *   crc: requests N answered, all checked
 * and exits 0 when every answer was right and nothing was dropped.
 * --close-kshm-after N closes the kshm handle after N answers instead, with
 * the driver's thread holding both channels, and exits 0 when the thread
 * then stopped by itself, seeing them closed (KSHM_CRC_STOPPED_CLOSED).
 * Needs kshm and kshm_crc loaded (insmod kshm_crc.ko; on Windows
 * `sc start kshm_crc`, windows/kshm_crc.c). Prints "crc: serving" once the
 * driver has both channels (a test may kill the program from then on).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kshm.h>

#include "kshm_crc.h"
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

static int fail(const char *what, int err)
{
	fprintf(stderr, "crc: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/* CRC-32 as zlib computes it (reflected, polynomial 0xEDB88320): what the driver's crc32_le gives. */
static uint32_t crc32_of(const uint8_t *data, size_t len)
{
	uint32_t crc = ~0U;
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		crc ^= data[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xEDB88320U & -(crc & 1));
	}
	return ~crc;
}

/*
 * Request `tag`'s data: its length and bytes, the same each time it is asked
 * for. Every 97th is over what the driver takes, when the ring can carry it.
 */
static uint32_t request_data(uint64_t tag, uint32_t max_data, int oversize, uint8_t *data)
{
	uint64_t x = tag * 0x9E3779B97F4A7C15ULL + 1;
	uint32_t len, i;

	len = oversize && tag % 97 == 13 ? KSHM_CRC_MAX_DATA + 1 + (uint32_t)(tag % 7) :
					   (uint32_t)(x >> 40) % (max_data + 1);
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (uint8_t)x;
	}
	return len;
}

/*
 * Close kshm under the driver's thread: both channels close, the driver's
 * references stay valid, its next consume answers "closed" and the thread
 * stops serving. Closing the driver's device then puts the references.
 */
static int let_go(sample_device dev, struct kshm *k, uint64_t answered)
{
	struct kshm_crc_stats stats;

	kshm_close(k);
	/* The thread looks at least every 100 ms. */
	if (sample_wait_stopped(dev, KSHM_CRC_IOC_STATS, &stats, sizeof(stats), &stats.stopped,
				SAMPLE_STOP_WAIT_MS))
		return sample_fail("crc", "KSHM_CRC_IOC_STATS");
	printf("crc: kshm closed after %" PRIu64 " answers: the driver's thread %s (status %d)\n",
	       answered, stats.stopped ? "stopped" : "still serves", stats.stopped);
	sample_close(dev);
	return stats.stopped == KSHM_CRC_STOPPED_CLOSED ? 0 : 1;
}

int main(int argc, char **argv)
{
	uint64_t total = option(argc, argv, "--requests", 10000);
	uint64_t ring_bytes = option(argc, argv, "--ring-kib", 16) << 10;
	uint32_t max_data = (uint32_t)option(argc, argv, "--max-data", 1024);
	uint64_t close_after = option(argc, argv, "--close-kshm-after", 0);
	uint64_t submitted = 0, answered = 0, wrong = 0;
	struct kshm_channel *requests, *answers;
	struct kshm_crc_attach attach = { 0 };
	struct kshm_crc_stats stats;
	unsigned int room_waits = 0;	/* 1 ms naps waiting for the requests' room */
	uint64_t in_flight_max;
	static uint8_t data[8 + KSHM_CRC_MAX_DATA + 8];
	struct kshm *k;
	sample_device dev;
	int err, oversize;

	if (max_data > KSHM_CRC_MAX_DATA)
		max_data = KSHM_CRC_MAX_DATA;
	/* 1. Two channels: requests to the driver, answers from it. */
	err = kshm_open(NULL, &k);
	if (err)
		return fail("kshm_open", err);
	err = kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, ring_bytes, NULL, &requests);
	if (!err)
		err = kshm_channel_create(k, KSHM_CHANNEL_EVENTS, ring_bytes, NULL, &answers);
	if (err)
		return fail("kshm_channel_create", err);
	if (8 + max_data > kshm_channel_max_payload(requests))
		max_data = kshm_channel_max_payload(requests) - 8;
	oversize = kshm_channel_max_payload(requests) >= 8 + KSHM_CRC_MAX_DATA + 8;
	/* Flow control: never more requests in flight than answers the ring can hold. */
	in_flight_max = ring_bytes / kshm_ring_record_bytes(sizeof(struct kshm_crc_done)) / 2;

	/* 2. Hand both to the driver: the kshm descriptor and the two ids. */
	if (sample_open(KSHM_CRC_DEVICE, &dev))
		return sample_fail("crc", KSHM_CRC_DEVICE " (is the kshm_crc driver loaded?)");
	attach.kshm_fd = (int)kshm_native_handle(k);
	attach.submissions_id = kshm_channel_id(requests);
	attach.completions_id = kshm_channel_id(answers);
	if (sample_ioctl(dev, KSHM_CRC_IOC_ATTACH, &attach, sizeof(attach)))
		return sample_fail("crc", "KSHM_CRC_IOC_ATTACH");
	printf("crc: serving\n");
	fflush(stdout);

	while (answered < total) {
		struct kshm_record rec;
		uint64_t batch = 0, got;

		/* 3. Submit what fits (ring and flow control), commit once, ring the doorbell once. */
		while (submitted < total && submitted - answered < in_flight_max) {
			uint32_t len = request_data(submitted, max_data, oversize, data + 8);
			void *payload;

			memcpy(data, &submitted, sizeof(submitted));	/* the tag */
			err = kshm_channel_reserve(requests, 8 + len, KSHM_CRC_REQUEST, &payload);
			if (err == -ENOSPC)
				break;	/* the requests' ring is full: read answers first */
			if (err)
				return fail("kshm_channel_reserve", err);
			memcpy(payload, data, 8 + len);
			submitted++;
			batch++;
		}
		if (batch) {
			room_waits = 0;
			kshm_channel_commit(requests);
			if (sample_ioctl(dev, KSHM_CRC_IOC_KICK, NULL, 0))
				return sample_fail("crc", "KSHM_CRC_IOC_KICK");
		}
		/* 4. Read the answers: in order, each checked against our own CRC. */
		got = 0;
		while (kshm_channel_peek(answers, &rec) == 0) {
			struct kshm_crc_done done;
			uint32_t len;

			memcpy(&done, rec.payload, sizeof(done));
			len = request_data(answered, max_data, oversize, data);
			if (rec.type != KSHM_CRC_DONE || rec.len != sizeof(done) || done.tag != answered ||
			    done.len != len ||
			    (len > KSHM_CRC_MAX_DATA ? done.status != KSHM_CRC_STATUS_TOO_BIG :
						       done.status != 0 || done.crc != crc32_of(data, len))) {
				if (wrong++ < 5)
					fprintf(stderr, "crc: answer %" PRIu64 " wrong (tag %" PRIu64
						", status %d)\n", answered, (uint64_t)done.tag,
						done.status);
			}
			answered++;
			got++;
			kshm_channel_advance(answers, &rec);
		}
		if (close_after && answered >= close_after)
			return let_go(dev, k, answered);
		if (got) {
			kshm_channel_release(answers);	/* room for the next answers */
			continue;			/* and room to submit more */
		}
		/*
		 * Every request answered, yet no room for the next: the thread
		 * publishes each answer as it goes but gives the requests' room
		 * back once per pass, at its end. That is a moment away.
		 */
		if (submitted == answered) {
			if (++room_waits > 2000)
				return fail("kshm_channel_reserve", -ENOSPC);	/* 2 s */
			sample_sleep_ms(1);
			continue;
		}
		/* Requests in flight, no answer yet: sleep until one comes. */
		err = kshm_channel_wait(answers, 0, 2000);
		if (err) {
			/* -ETIMEDOUT: no answer for 2 s; the driver's side of the story */
			if (sample_ioctl(dev, KSHM_CRC_IOC_STATS, &stats, sizeof(stats)) == 0)
				fprintf(stderr, "crc: submitted %" PRIu64 ", answered %" PRIu64
					", driver served %" PRIu64 " (retries %" PRIu64 ", stopped %d)\n",
					submitted, answered, (uint64_t)stats.served,
					(uint64_t)stats.retries, stats.stopped);
			return fail("kshm_channel_wait", err);
		}
	}
	if (sample_ioctl(dev, KSHM_CRC_IOC_STATS, &stats, sizeof(stats)))
		return sample_fail("crc", "KSHM_CRC_IOC_STATS");
	printf("crc: %" PRIu64 " requests answered, %" PRIu64 " wrong, %" PRIu64
	       " dropped, the driver served %" PRIu64 "\n",
	       answered, wrong, kshm_channel_dropped(answers), (uint64_t)stats.served);
	err = wrong || kshm_channel_dropped(answers) || stats.served != total;
	sample_close(dev);
	kshm_close(k);
	return err;
}
