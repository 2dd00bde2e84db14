// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Instructions per record, the figure that a shared 2-core machine does not
 * move (bench/README.md): each path runs in one process under
 * `valgrind --tool=callgrind --collect-atstart=no`, which counts only what
 * runs between the CALLGRIND_TOGGLE_COLLECT pair around a whole loop (ring,
 * ck: the same harness cost on both sides), or inside the function that
 * bench/insn.sh names with --toggle-collect (producer_side, consumer_side,
 * kshm_service_process, kshm_kchannel_publish); bench/insn.sh divides the
 * count by the records this program says it moved.
 *
 *   insn_bench ring|ring-sides SIZE BATCH RECORDS   (ring-sides: no toggles of its own)
 *   insn_bench ck RECORDS
 *   insn_bench kernel-submission SIZE BATCH RECORDS
 *   insn_bench kernel-publish SIZE RECORDS
 *
 * The ring is core/ring.c as ring_bench uses it (256 KiB of data, the
 * consumer's peek/advance inline, the producer's reserve out of line). Every
 * record carries its sequence number in its first word, which the consumer
 * checks, on every path: the same work per record on both sides of a
 * comparison. kernel-submission is the kernel's work for one submission of
 * a channel (core/channel.c: peek, checksum, completion), with the process's
 * side played here and left out of the count; kernel-publish is
 * kshm_channel_publish()'s core/ part for one record
 * (kshm_kchannel_publish_copy(): lock, reserve, copy, commit, wake-up check).
 */
#include <ck_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include "core/channel.h"

#define PAGE		4096u
#define RING_BYTES	(256u << 10)
#define CK_SLOTS	(RING_BYTES / 16)

struct area {
	_Alignas(PAGE) uint8_t pages[2 * PAGE + RING_BYTES];
};

static struct area sub_area, comp_area;
static uint8_t src[RING_BYTES];

static void die(const char *what)
{
	fprintf(stderr, "insn_bench: %s\n", what);
	exit(1);
}

static void ring_of(struct kshm_ring *ring, struct area *a)
{
	if (kshm_ring_init(ring, (void *)a->pages, (void *)(a->pages + PAGE), a->pages + 2 * PAGE,
			   RING_BYTES) != KSHM_OK)
		die("ring init");
}

/* The producer's part of a batch: n records, one commit. */
static inline __attribute__((always_inline)) void produce(struct kshm_ring *ring, uint32_t len, uint64_t first, unsigned int n)
{
	enum kshm_ring_result st;
	unsigned int k;

	for (k = 0; k < n; k++) {
		uint64_t seq = first + k;
		void *p = kshm_ring_reserve(ring, len, 1, &st);

		if (!p)
			die("reserve");
		if (len > 8)
			memcpy(p, src + (seq * len) % (RING_BYTES - len), len);
		memcpy(p, &seq, 8);
	}
	kshm_ring_commit(ring);
}

/* The consumer's part: n records, each read in place and checked, one release. */
static inline __attribute__((always_inline)) void consume(struct kshm_ring *ring, uint64_t first, unsigned int n)
{
	struct kshm_ring_entry e;
	unsigned int k;

	for (k = 0; k < n; k++) {
		uint64_t seq;

		if (kshm_ring_peek(ring, &e) != KSHM_RING_OK)
			die("peek");
		memcpy(&seq, e.payload, 8);
		if (seq != first + k)
			die("wrong record");
		kshm_ring_advance(ring, &e);
	}
	kshm_ring_release(ring);
}

/* Each side out of line, for --toggle-collect (the call costs each a few instructions per batch). */
static __attribute__((noinline)) void producer_side(struct kshm_ring *ring, uint32_t len,
						    uint64_t first, unsigned int n)
{
	produce(ring, len, first, n);
}

static __attribute__((noinline)) void consumer_side(struct kshm_ring *ring, uint64_t first,
						    unsigned int n)
{
	consume(ring, first, n);
}

/* Both sides inline in one loop toggled once, as ck_ring's is; or each side out of line. */
static uint64_t run_ring(int sides, uint32_t len, unsigned int batch, uint64_t records)
{
	struct kshm_ring prod, cons;
	uint64_t i;

	ring_of(&prod, &sub_area);
	ring_of(&cons, &sub_area);
	if (sides) {
		for (i = 0; i < records; i += batch) {
			producer_side(&prod, len, i, batch);
			consumer_side(&cons, i, batch);
		}
		return records / batch * batch;
	}
	CALLGRIND_TOGGLE_COLLECT;
	for (i = 0; i < records; i += batch) {
		produce(&prod, len, i, batch);
		consume(&cons, i, batch);
	}
	CALLGRIND_TOGGLE_COLLECT;
	return records / batch * batch;
}

static uint64_t run_ck(uint64_t records)
{
	static struct ck_ring ring;
	static struct ck_ring_buffer slots[CK_SLOTS];
	uint64_t i;
	void *v;

	ck_ring_init(&ring, CK_SLOTS);
	CALLGRIND_TOGGLE_COLLECT;
	for (i = 0; i < records; i++) {
		if (!ck_ring_enqueue_spsc(&ring, slots, (void *)(uintptr_t)i))
			die("enqueue");
		if (!ck_ring_dequeue_spsc(&ring, slots, &v))
			die("dequeue");
		if ((uintptr_t)v != i)
			die("wrong record");
	}
	CALLGRIND_TOGGLE_COLLECT;
	return records;
}

static uintptr_t no_lock(struct kshm_kchannel *c)
{
	(void)c;
	return 0;
}

static void no_unlock(struct kshm_kchannel *c, uintptr_t token)
{
	(void)c;
	(void)token;
}

static void no_wake(struct kshm_kchannel *c)
{
	(void)c;
}

static bool no_wait(struct kshm_kchannel *c, uint32_t len)
{
	(void)c;
	(void)len;
	return false;
}

static bool never(void)
{
	return false;
}

static bool never_closed(struct kshm_kchannel *c)
{
	(void)c;
	return false;
}

/* The driver's own costs (its spinlock, signal checks) are not core/'s: left at nothing. */
static const struct kshm_kchannel_ops ops = {
	.lock = no_lock, .unlock = no_unlock, .wake = no_wake, .wait_for_space = no_wait,
	.interrupted = never, .closed = never_closed,
};

static uint64_t run_kernel_submission(uint32_t len, unsigned int batch, uint64_t records)
{
	struct kshm_kchannel sub, comp;
	struct kshm_ring user_sub, user_comp;
	struct kshm_ring_entry e;
	uint64_t i, done = 0;

	kshm_kchannel_init(&sub, KSHM_CHANNEL_SUBMISSIONS, sub_area.pages, PAGE, RING_BYTES,
				  &ops);
	kshm_kchannel_init(&comp, KSHM_CHANNEL_EVENTS, comp_area.pages, PAGE, RING_BYTES,
				  &ops);
	ring_of(&user_sub, &sub_area);
	ring_of(&user_comp, &comp_area);
	for (i = 0; i < records; i += batch) {
		struct kshm_channel_process req = { .size = sizeof(req), .max_records = batch };

		produce(&user_sub, len, i, batch);
		if (kshm_service_process(&sub, &comp, &req) != KSHM_SERVICE_DONE ||
		    req.processed != batch)
			die("process");
		while (kshm_ring_peek(&user_comp, &e) == KSHM_RING_OK) {
			struct kshm_completion c;

			memcpy(&c, e.payload, sizeof(c));
			if (c.user_data != done++)
				die("wrong completion");
			kshm_ring_advance(&user_comp, &e);
		}
		kshm_ring_release(&user_comp);
	}
	return done;
}

static uint64_t run_kernel_publish(uint32_t len, uint64_t records)
{
	struct kshm_kchannel events;
	struct kshm_ring user;
	struct kshm_ring_entry e;
	enum kshm_ring_result st;
	uint64_t i, done = 0;

	kshm_kchannel_init(&events, KSHM_CHANNEL_EVENTS, comp_area.pages, PAGE, RING_BYTES,
				  &ops);
	ring_of(&user, &comp_area);
	for (i = 0; i < records; i++) {
		uint8_t payload[4096];

		memcpy(payload, src + (i * len) % (RING_BYTES - len), len);
		memcpy(payload, &i, 8);
		if (!kshm_kchannel_publish_copy(&events, 7, payload, len, &st))
			die("publish");
		if (i % 256 != 255)
			continue;
		while (kshm_ring_peek(&user, &e) == KSHM_RING_OK) {
			uint64_t seq;

			memcpy(&seq, e.payload, 8);
			if (seq != done++)
				die("wrong record");
			kshm_ring_advance(&user, &e);
		}
		kshm_ring_release(&user);
	}
	return records;
}

int main(int argc, char **argv)
{
	uint64_t moved = 0;
	unsigned int i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 131);
	if (argc == 5 && (!strcmp(argv[1], "ring") || !strcmp(argv[1], "ring-sides")))
		moved = run_ring(!strcmp(argv[1], "ring-sides"), (uint32_t)atoi(argv[2]), (unsigned int)atoi(argv[3]),
				 strtoull(argv[4], NULL, 10));
	else if (argc == 3 && !strcmp(argv[1], "ck"))
		moved = run_ck(strtoull(argv[2], NULL, 10));
	else if (argc == 4 && !strcmp(argv[1], "kernel-publish"))
		moved = run_kernel_publish((uint32_t)atoi(argv[2]), strtoull(argv[3], NULL, 10));
	else if (argc == 5 && !strcmp(argv[1], "kernel-submission"))
		moved = run_kernel_submission((uint32_t)atoi(argv[2]), (unsigned int)atoi(argv[3]),
					      strtoull(argv[4], NULL, 10));
	else
		die("usage: insn_bench ring|ring-sides SIZE BATCH RECORDS | ck RECORDS | "
		    "kernel-submission SIZE BATCH RECORDS | kernel-publish SIZE RECORDS");
	printf("records %llu\n", (unsigned long long)moved);
	return 0;
}
