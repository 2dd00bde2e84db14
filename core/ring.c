// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "ring.h"
#include "barrier.h"

enum kshm_status kshm_ring_init(struct kshm_ring *ring, struct kshm_ring_consumer *consumer,
				struct kshm_ring_producer *producer, void *data, uint64_t size)
{
	uint64_t max;

	if (size < KSHM_RING_MIN_SIZE || (size & (size - 1)))
		return KSHM_ERR_INVAL;
	memset(ring, 0, sizeof(*ring));
	ring->consumer = consumer;
	ring->producer = producer;
	ring->data = data;
	ring->size = size;
	/* Computed once: both sides check every record against it. */
	max = size / 2 - KSHM_RING_RECORD_HDR;
	ring->max_payload = max > KSHM_RECORD_LEN_MASK ? KSHM_RECORD_LEN_MASK : (uint32_t)max;
	return KSHM_OK;
}

/*
 * The consumer's position, read once and checked against ours: it must lie
 * in [published - size, published]. Pairs with the consumer's store-release
 * in kshm_ring_release(): once we see a position, the consumer is done
 * reading the bytes before it, so we may overwrite them.
 */
static enum kshm_ring_result refresh_consumer_pos(struct kshm_ring *ring)
{
	uint64_t cons = kshm_load_acquire(&ring->consumer->pos);

	if (ring->published - cons > ring->size)
		return KSHM_RING_CORRUPT;
	ring->other_pos = cons;
	return KSHM_RING_OK;
}

void *kshm_ring_reserve_slow(struct kshm_ring *ring, uint32_t len, uint32_t type,
			     enum kshm_ring_result *result)
{
	uint64_t need = kshm_ring_record_bytes(len);
	uint64_t to_end = kshm_ring_to_end(ring);
	uint64_t pad = need > to_end ? to_end : 0;

	if (len > kshm_ring_max_payload(ring)) {
		*result = KSHM_RING_TOO_BIG;
		return NULL;
	}
	/* Only go to shared memory when the cached position says there is no room. */
	if (!kshm_ring_fits(ring, pad + need)) {
		*result = refresh_consumer_pos(ring);
		if (*result)
			return NULL;
		if (!kshm_ring_fits(ring, pad + need)) {
			*result = KSHM_RING_FULL;
			return NULL;
		}
	}
	if (pad)
		kshm_ring_place(ring, (uint32_t)(pad - KSHM_RING_RECORD_HDR) | KSHM_RECORD_PAD, 0, pad);
	*result = KSHM_RING_OK;
	return kshm_ring_place(ring, len, type, need);
}

void kshm_ring_discard(struct kshm_ring *ring, void *payload)
{
	struct kshm_ring_record *rec = (struct kshm_ring_record *)payload - 1;
	struct kshm_ring_record hdr = kshm_ring_read_header(rec);

	(void)ring;
	kshm_ring_write_header(rec, hdr.len | KSHM_RECORD_DISCARD, hdr.type);
}

/*
 * The one rule for "the consumer has what it waits for", given its flags
 * (read once by the caller): while it sleeps (KSHM_RING_NEED_WAKEUP) at least
 * its wakeup_bytes unread, otherwise any unread byte.
 */
static bool consumer_ready(struct kshm_ring *ring, uint32_t flags)
{
	uint32_t wakeup_bytes = kshm_load_once(&ring->consumer->wakeup_bytes);
	uint64_t unread;

	if (refresh_consumer_pos(ring))
		return true;	/* a broken consumer: wake it so it sees its error */
	unread = ring->published - ring->other_pos;
	if (!unread)
		return false;
	return !(flags & KSHM_RING_NEED_WAKEUP) || unread >= wakeup_bytes;
}

bool kshm_ring_need_wakeup(struct kshm_ring *ring)
{
	uint32_t flags;

	/*
	 * Pairs with the full barrier in kshm_ring_prepare_wait(): either the
	 * consumer sees our new position before it sleeps, or we see its flag.
	 */
	kshm_full_barrier();
	flags = kshm_load_once(&ring->consumer->flags);
	return (flags & KSHM_RING_NEED_WAKEUP) && consumer_ready(ring, flags);
}

bool kshm_ring_consumer_ready(struct kshm_ring *ring)
{
	return consumer_ready(ring, kshm_load_once(&ring->consumer->flags));
}

void kshm_ring_count_drop(struct kshm_ring *ring)
{
	/* Only the producer writes this field: read our own last value, add one. */
	kshm_store_once(&ring->producer->dropped, kshm_load_once(&ring->producer->dropped) + 1);
}

bool kshm_ring_prepare_wait_space(struct kshm_ring *ring, uint32_t len)
{
	uint64_t need = kshm_ring_record_bytes(len);
	uint64_t to_end = kshm_ring_to_end(ring);

	if (need > to_end)
		need += to_end;		/* the padding in front of it */
	kshm_store_once(&ring->producer->flags, KSHM_RING_PRODUCER_WAITING);
	/* Pairs with the full barrier in kshm_ring_producer_waiting(). */
	kshm_full_barrier();
	if (refresh_consumer_pos(ring) == KSHM_RING_OK && !kshm_ring_fits(ring, need))
		return true;
	kshm_ring_finish_wait_space(ring);
	return false;
}

void kshm_ring_finish_wait_space(struct kshm_ring *ring)
{
	kshm_store_once(&ring->producer->flags, 0);
}

bool kshm_ring_producer_waiting(struct kshm_ring *ring)
{
	/*
	 * Pairs with the full barrier in kshm_ring_prepare_wait_space(): either
	 * the producer sees the position we just released, or we see its flag.
	 */
	kshm_full_barrier();
	return kshm_load_once(&ring->producer->flags) & KSHM_RING_PRODUCER_WAITING;
}

uint64_t kshm_ring_pending(struct kshm_ring *ring)
{
	if (kshm_ring_refresh_producer_pos(ring))
		return 0;
	return ring->other_pos - ring->pos;
}

bool kshm_ring_prepare_wait(struct kshm_ring *ring, uint32_t wakeup_bytes)
{
	uint64_t pending;

	kshm_store_once(&ring->consumer->wakeup_bytes, wakeup_bytes);
	kshm_store_once(&ring->consumer->flags, KSHM_RING_NEED_WAKEUP);
	/* Pairs with the full barrier in kshm_ring_need_wakeup(). */
	kshm_full_barrier();
	pending = kshm_ring_pending(ring);
	if (pending && pending >= wakeup_bytes) {
		kshm_ring_finish_wait(ring);
		return false;
	}
	return true;
}

void kshm_ring_finish_wait(struct kshm_ring *ring)
{
	kshm_store_once(&ring->consumer->flags, 0);
}
