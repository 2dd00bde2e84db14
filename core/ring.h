/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The channel ring protocol (layout and memory order: include/kshm/ring.h),
 * both sides, for one producer and one consumer. The same code runs in the
 * kernels and in processes, so each side treats everything the other side
 * can write as hostile: its position is read once and checked, a record
 * header is read once into a local and checked, and a side never reads back
 * its own position from shared memory (it keeps the truth in struct
 * kshm_ring, which lives in its private memory).
 */
#ifndef KSHM_CORE_RING_H
#define KSHM_CORE_RING_H

#include "platform.h"
#include "status.h"
#include "barrier.h"
#include "../include/kshm/ring.h"

struct kshm_ring {
	struct kshm_ring_consumer *consumer;	/* shared */
	struct kshm_ring_producer *producer;	/* shared */
	uint8_t *data;				/* shared */
	uint64_t size;				/* data bytes, a power of two */
	uint32_t max_payload;			/* kshm_ring_max_payload(), fixed by size */
	/* private state of the side using this view */
	uint64_t pos;		/* producer: end of reserved records; consumer: next record */
	uint64_t published;	/* producer: last position made visible */
	uint64_t other_pos;	/* the other side's position as last read and checked */
};

/*
 * The smallest data area: a largest record (half the area) still carries a
 * payload beside its header. Channels' areas are whole pages.
 */
#define KSHM_RING_MIN_SIZE 64U

/* Attach a view to a ring's memory. `size` is the data area's, a power of two >= KSHM_RING_MIN_SIZE. */
enum kshm_status kshm_ring_init(struct kshm_ring *ring, struct kshm_ring_consumer *consumer,
				struct kshm_ring_producer *producer, void *data, uint64_t size);

#define KSHM_RING_RECORD_HDR ((uint64_t)sizeof(struct kshm_ring_record))

/* Largest payload one record can carry: a record may take half the ring. */
static inline uint32_t kshm_ring_max_payload(const struct kshm_ring *ring)
{
	return ring->max_payload;
}

static inline struct kshm_ring_record *kshm_ring_record_at(const struct kshm_ring *ring,
							   uint64_t pos)
{
	return (struct kshm_ring_record *)(ring->data + (pos & (ring->size - 1)));
}

/* Header as one 64-bit load: the other side never shows half of one. */
static inline struct kshm_ring_record kshm_ring_read_header(const struct kshm_ring_record *rec)
{
	uint64_t word = kshm_load_once((const uint64_t *)rec);
	struct kshm_ring_record hdr;

	memcpy(&hdr, &word, sizeof(hdr));
	return hdr;
}

/* Bytes from this side's position to the end of the data area (where a record must not run past). */
static inline uint64_t kshm_ring_to_end(const struct kshm_ring *ring)
{
	return ring->size - (ring->pos & (ring->size - 1));
}

/* Producer: whether `bytes` more fit, by the consumer position last read. */
static inline bool kshm_ring_fits(const struct kshm_ring *ring, uint64_t bytes)
{
	return ring->pos + bytes - ring->other_pos <= ring->size;
}

/* Header as one 64-bit store: the other side never sees half of one. */
static inline void kshm_ring_write_header(struct kshm_ring_record *rec, uint32_t len, uint32_t type)
{
	struct kshm_ring_record hdr = { .len = len, .type = type };
	uint64_t word;

	memcpy(&word, &hdr, sizeof(word));
	kshm_store_once((uint64_t *)rec, word);
}

/*
 * What a ring operation found: the ring's own outcomes, not a request's
 * verdict. Each caller decides what empty or full means for it (wait, drop
 * and count, come back later); only CORRUPT is always an error.
 */
enum kshm_ring_result {
	KSHM_RING_OK = 0,
	KSHM_RING_EMPTY,	/* consumer: no record to read */
	KSHM_RING_FULL,		/* producer: no room until the consumer frees some */
	KSHM_RING_TOO_BIG,	/* producer: larger than the ring's largest record */
	KSHM_RING_CORRUPT,	/* the other side wrote an impossible position or header */
};

/* -- producer -------------------------------------------------------------- */

/*
 * The producer's hot path is inline too (reserve and commit), for the same
 * reason as the consumer's below: a record of a few bytes would otherwise
 * cost two calls. Only what is rare goes out of line: a record that must
 * wrap, a ring that looks full by the cached consumer position (the one read
 * of shared memory), and the refusals.
 */

/* Write a record's header at the producer's position and step past the record. */
static inline void *kshm_ring_place(struct kshm_ring *ring, uint32_t len, uint32_t type,
				    uint64_t need)
{
	struct kshm_ring_record *rec = kshm_ring_record_at(ring, ring->pos);

	kshm_ring_write_header(rec, len, type);
	ring->pos += need;
	return rec + 1;
}

/* kshm_ring_reserve() of every case; the inline version takes only the common one. */
void *kshm_ring_reserve_slow(struct kshm_ring *ring, uint32_t len, uint32_t type,
			     enum kshm_ring_result *result);

/*
 * Reserve a record of `len` payload bytes and return where to write them, or
 * NULL with *result KSHM_RING_FULL (the consumer has not freed enough),
 * KSHM_RING_TOO_BIG (len > max payload) or KSHM_RING_CORRUPT (the consumer's
 * position is impossible: a hostile or broken consumer; nothing is written).
 * Reserved records become visible together at kshm_ring_commit().
 */
static inline void *kshm_ring_reserve(struct kshm_ring *ring, uint32_t len, uint32_t type,
				      enum kshm_ring_result *result)
{
	uint64_t need = kshm_ring_record_bytes(len);

	/* No wrap, and room by the consumer position last read: nothing shared is read. */
	if (len > kshm_ring_max_payload(ring) || need > kshm_ring_to_end(ring) ||
	    !kshm_ring_fits(ring, need))
		return kshm_ring_reserve_slow(ring, len, type, result);
	*result = KSHM_RING_OK;
	return kshm_ring_place(ring, len, type, need);
}

/* Withdraw a record reserved and not yet committed; the consumer skips it. */
void kshm_ring_discard(struct kshm_ring *ring, void *payload);

/* Publish every record reserved so far (one position store per batch). */
static inline void kshm_ring_commit(struct kshm_ring *ring)
{
	if (ring->pos == ring->published)
		return;
	/* Pairs with the consumer's load-acquire in kshm_ring_refresh_producer_pos(): records before pos. */
	kshm_store_release(&ring->producer->pos, ring->pos);
	ring->published = ring->pos;
}

/*
 * After a commit: must the producer wake the consumer? True when the consumer
 * said it may sleep and enough bytes are pending for it.
 */
bool kshm_ring_need_wakeup(struct kshm_ring *ring);

/*
 * For poll(): whether the consumer has what it waits for. While it sleeps in
 * kshm_ring_prepare_wait(), at least its wakeup_bytes; otherwise any record.
 * The producer's rule for wake-ups, so that poll() and the wake-ups agree.
 */
bool kshm_ring_consumer_ready(struct kshm_ring *ring);

/* Count a record dropped because the ring was full (shown to the consumer). */
void kshm_ring_count_drop(struct kshm_ring *ring);

/*
 * Before sleeping for room: ask the consumer to kick us once it releases.
 * Returns true when the producer may sleep, false when a record of `len`
 * bytes fits meanwhile (or the consumer's position is impossible: then
 * reserving reports it); the flag is then cleared again.
 */
bool kshm_ring_prepare_wait_space(struct kshm_ring *ring, uint32_t len);

/* After waking: stop asking for kicks. */
void kshm_ring_finish_wait_space(struct kshm_ring *ring);

/* -- consumer -------------------------------------------------------------- */

struct kshm_ring_entry {
	uint32_t type;
	uint32_t len;
	const void *payload;	/* in shared memory: copy it before trusting its contents */
};

/*
 * The consumer's hot path is inline (as liburing's is): a consumer of small
 * records would otherwise pay a call per record. It is still the one
 * definition every consumer uses, the kernel's included.
 */

/*
 * The producer's position, read once and checked: it must lie in
 * [other_pos, pos + size]. It may not move back: kshm_ring_pending() can
 * read it between peek and advance, and a smaller value would leave pos past
 * it after the advance. Pairs with the store-release in kshm_ring_commit().
 */
static inline enum kshm_ring_result kshm_ring_refresh_producer_pos(struct kshm_ring *ring)
{
	uint64_t prod = kshm_load_acquire(&ring->producer->pos);

	if (prod - ring->pos > ring->size || prod - ring->pos < ring->other_pos - ring->pos)
		return KSHM_RING_CORRUPT;
	ring->other_pos = prod;
	return KSHM_RING_OK;
}

/*
 * The next record, PAD and DISCARD ones skipped: KSHM_RING_OK with *entry
 * filled, KSHM_RING_EMPTY, or KSHM_RING_CORRUPT when the producer's
 * position or a record header is impossible (the ring is then unusable).
 */
static inline enum kshm_ring_result kshm_ring_peek(struct kshm_ring *ring,
						   struct kshm_ring_entry *entry)
{
	for (;;) {
		uint64_t avail, to_end, bytes;
		struct kshm_ring_record hdr;
		uint32_t len;

		if (ring->pos == ring->other_pos) {
			enum kshm_ring_result st = kshm_ring_refresh_producer_pos(ring);

			if (st)
				return st;
			if (ring->pos == ring->other_pos)
				return KSHM_RING_EMPTY;
		}
		avail = ring->other_pos - ring->pos;
		to_end = kshm_ring_to_end(ring);
		if (avail < KSHM_RING_RECORD_HDR)
			return KSHM_RING_CORRUPT;
		hdr = kshm_ring_read_header(kshm_ring_record_at(ring, ring->pos));
		len = hdr.len & KSHM_RECORD_LEN_MASK;
		bytes = kshm_ring_record_bytes(len);
		/*
		 * A record may not run past what was committed nor past the end of
		 * the area, nor be larger than an honest producer can make one
		 * (PAD records included: padding is only needed for less than that).
		 */
		if (bytes > avail || bytes > to_end || len > kshm_ring_max_payload(ring))
			return KSHM_RING_CORRUPT;
		if (hdr.len & KSHM_RECORD_PAD) {
			if (bytes != to_end)
				return KSHM_RING_CORRUPT;
			ring->pos += bytes;
			continue;
		}
		if (hdr.len & KSHM_RECORD_DISCARD) {
			ring->pos += bytes;
			continue;
		}
		entry->type = hdr.type;
		entry->len = len;
		entry->payload = kshm_ring_record_at(ring, ring->pos) + 1;
		return KSHM_RING_OK;
	}
}

/* Step past the record kshm_ring_peek() returned. */
static inline void kshm_ring_advance(struct kshm_ring *ring, const struct kshm_ring_entry *entry)
{
	ring->pos += kshm_ring_record_bytes(entry->len);
}

/*
 * The consumer's private position, and a step back to one taken earlier,
 * for records peeked and stepped past that cannot be handled yet: nothing
 * before a release is visible to the producer, so their space is still theirs.
 */
static inline uint64_t kshm_ring_tell(const struct kshm_ring *ring)
{
	return ring->pos;
}

static inline void kshm_ring_rewind(struct kshm_ring *ring, uint64_t pos)
{
	ring->pos = pos;
}

/* Hand the space of every record stepped past back to the producer. */
static inline void kshm_ring_release(struct kshm_ring *ring)
{
	/* Pairs with the producer's load-acquire in refresh_consumer_pos() (ring.c). */
	kshm_store_release(&ring->consumer->pos, ring->pos);
}

/* After a release: is the producer sleeping until it gets room? Then kick it. */
bool kshm_ring_producer_waiting(struct kshm_ring *ring);

/* Bytes committed and not yet stepped past (0 on an impossible producer position). */
uint64_t kshm_ring_pending(struct kshm_ring *ring);

/*
 * Before sleeping: ask to be woken once `wakeup_bytes` are pending (0: any
 * record). Returns true when the consumer may sleep, false when data arrived
 * meanwhile (the flag is then cleared again).
 */
bool kshm_ring_prepare_wait(struct kshm_ring *ring, uint32_t wakeup_bytes);

/* After waking: stop asking for wake-ups. */
void kshm_ring_finish_wait(struct kshm_ring *ring);

#endif /* KSHM_CORE_RING_H */
