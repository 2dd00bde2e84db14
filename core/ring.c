// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "ring.h"
#include "barrier.h"

#define RECORD_HDR ((uint64_t)sizeof(struct kshm_ring_record))

enum kshm_status kshm_ring_init(struct kshm_ring *ring, struct kshm_ring_consumer *consumer,
				struct kshm_ring_producer *producer, void *data, uint64_t size)
{
	if (size < 64 || (size & (size - 1)))
		return KSHM_ERR_INVAL;
	memset(ring, 0, sizeof(*ring));
	ring->consumer = consumer;
	ring->producer = producer;
	ring->data = data;
	ring->size = size;
	return KSHM_OK;
}

uint32_t kshm_ring_max_payload(const struct kshm_ring *ring)
{
	uint64_t max = ring->size / 2 - RECORD_HDR;

	return max > KSHM_RECORD_LEN_MASK ? KSHM_RECORD_LEN_MASK : (uint32_t)max;
}

static struct kshm_ring_record *record_at(const struct kshm_ring *ring, uint64_t pos)
{
	return (struct kshm_ring_record *)(ring->data + (pos & (ring->size - 1)));
}

/* Header as one 64-bit store/load: the other side never sees half of it. */
static void write_header(struct kshm_ring_record *rec, uint32_t len, uint32_t type)
{
	struct kshm_ring_record hdr = { .len = len, .type = type };
	uint64_t word;

	memcpy(&word, &hdr, sizeof(word));
	kshm_store_once((uint64_t *)rec, word);
}

static struct kshm_ring_record read_header(const struct kshm_ring_record *rec)
{
	uint64_t word = kshm_load_once((const uint64_t *)rec);
	struct kshm_ring_record hdr;

	memcpy(&hdr, &word, sizeof(hdr));
	return hdr;
}

/*
 * The consumer's position, read once and checked against ours: it must lie
 * in [published - size, published]. Pairs with the consumer's store-release
 * in kshm_ring_release(): once we see a position, the consumer is done
 * reading the bytes before it, so we may overwrite them.
 */
static enum kshm_status refresh_consumer_pos(struct kshm_ring *ring)
{
	uint64_t cons = kshm_load_acquire(&ring->consumer->pos);

	if (ring->published - cons > ring->size)
		return KSHM_ERR_RANGE;
	ring->other_pos = cons;
	return KSHM_OK;
}

static bool fits(const struct kshm_ring *ring, uint64_t bytes)
{
	return ring->pos + bytes - ring->other_pos <= ring->size;
}

void *kshm_ring_reserve(struct kshm_ring *ring, uint32_t len, uint32_t type,
			enum kshm_status *status)
{
	uint64_t need = kshm_ring_record_bytes(len);
	uint64_t to_end = ring->size - (ring->pos & (ring->size - 1));
	uint64_t pad = need > to_end ? to_end : 0;
	struct kshm_ring_record *rec;

	if (len > kshm_ring_max_payload(ring)) {
		*status = KSHM_ERR_TOO_BIG;
		return NULL;
	}
	/* Only go to shared memory when the cached position says there is no room. */
	if (!fits(ring, pad + need)) {
		*status = refresh_consumer_pos(ring);
		if (*status)
			return NULL;
		if (!fits(ring, pad + need)) {
			*status = KSHM_ERR_QUOTA;
			return NULL;
		}
	}
	if (pad) {
		write_header(record_at(ring, ring->pos), (uint32_t)(pad - RECORD_HDR) | KSHM_RECORD_PAD, 0);
		ring->pos += pad;
	}
	rec = record_at(ring, ring->pos);
	write_header(rec, len, type);
	ring->pos += need;
	*status = KSHM_OK;
	return rec + 1;
}

void kshm_ring_discard(struct kshm_ring *ring, void *payload)
{
	struct kshm_ring_record *rec = (struct kshm_ring_record *)payload - 1;
	struct kshm_ring_record hdr = read_header(rec);

	(void)ring;
	write_header(rec, hdr.len | KSHM_RECORD_DISCARD, hdr.type);
}

void kshm_ring_commit(struct kshm_ring *ring)
{
	if (ring->pos == ring->published)
		return;
	/* Pairs with the consumer's load-acquire in refresh_producer_pos(): records before pos. */
	kshm_store_release(&ring->producer->pos, ring->pos);
	ring->published = ring->pos;
}

bool kshm_ring_need_wakeup(struct kshm_ring *ring)
{
	uint32_t flags, wakeup_bytes;

	/*
	 * Pairs with the full barrier in kshm_ring_prepare_wait(): either the
	 * consumer sees our new position before it sleeps, or we see its flag.
	 */
	kshm_full_barrier();
	flags = kshm_load_once(&ring->consumer->flags);
	if (!(flags & KSHM_RING_NEED_WAKEUP))
		return false;
	wakeup_bytes = kshm_load_once(&ring->consumer->wakeup_bytes);
	if (refresh_consumer_pos(ring))
		return true;	/* a broken consumer: wake it so it sees its error */
	return ring->published - ring->other_pos >= wakeup_bytes;
}

void kshm_ring_count_drop(struct kshm_ring *ring)
{
	/* Only the producer writes this field: read our own last value, add one. */
	kshm_store_once(&ring->producer->dropped, kshm_load_once(&ring->producer->dropped) + 1);
}

bool kshm_ring_prepare_wait_space(struct kshm_ring *ring, uint32_t len)
{
	uint64_t need = kshm_ring_record_bytes(len);
	uint64_t to_end = ring->size - (ring->pos & (ring->size - 1));

	if (need > to_end)
		need += to_end;		/* the padding in front of it */
	kshm_store_once(&ring->producer->flags, KSHM_RING_PRODUCER_WAITING);
	/* Pairs with the full barrier in kshm_ring_producer_waiting(). */
	kshm_full_barrier();
	if (refresh_consumer_pos(ring) == KSHM_OK && !fits(ring, need))
		return true;
	kshm_ring_finish_wait_space(ring);
	return false;
}

void kshm_ring_finish_wait_space(struct kshm_ring *ring)
{
	kshm_store_once(&ring->producer->flags, 0);
}

/*
 * The producer's position, read once and checked: it must lie in
 * [other_pos, pos + size]. It may not move back: kshm_ring_pending() can
 * read it between peek and advance, and a smaller value would leave pos past
 * it after the advance. Pairs with the store-release in kshm_ring_commit().
 */
static enum kshm_status refresh_producer_pos(struct kshm_ring *ring)
{
	uint64_t prod = kshm_load_acquire(&ring->producer->pos);

	if (prod - ring->pos > ring->size || prod - ring->pos < ring->other_pos - ring->pos)
		return KSHM_ERR_RANGE;
	ring->other_pos = prod;
	return KSHM_OK;
}

enum kshm_status kshm_ring_peek(struct kshm_ring *ring, struct kshm_ring_entry *entry)
{
	for (;;) {
		uint64_t avail, to_end, bytes;
		struct kshm_ring_record hdr;
		uint32_t len;

		if (ring->pos == ring->other_pos) {
			enum kshm_status st = refresh_producer_pos(ring);

			if (st)
				return st;
			if (ring->pos == ring->other_pos)
				return KSHM_ERR_NOENT;
		}
		avail = ring->other_pos - ring->pos;
		to_end = ring->size - (ring->pos & (ring->size - 1));
		if (avail < RECORD_HDR)
			return KSHM_ERR_RANGE;
		hdr = read_header(record_at(ring, ring->pos));
		len = hdr.len & KSHM_RECORD_LEN_MASK;
		bytes = kshm_ring_record_bytes(len);
		/*
		 * A record may not run past what was committed nor past the end of
		 * the area, nor be larger than an honest producer can make one
		 * (PAD records included: padding is only needed for less than that).
		 */
		if (bytes > avail || bytes > to_end || len > kshm_ring_max_payload(ring))
			return KSHM_ERR_RANGE;
		if (hdr.len & KSHM_RECORD_PAD) {
			if (bytes != to_end)
				return KSHM_ERR_RANGE;
			ring->pos += bytes;
			continue;
		}
		if (hdr.len & KSHM_RECORD_DISCARD) {
			ring->pos += bytes;
			continue;
		}
		entry->type = hdr.type;
		entry->len = len;
		entry->payload = record_at(ring, ring->pos) + 1;
		return KSHM_OK;
	}
}

void kshm_ring_advance(struct kshm_ring *ring, const struct kshm_ring_entry *entry)
{
	ring->pos += kshm_ring_record_bytes(entry->len);
}

void kshm_ring_release(struct kshm_ring *ring)
{
	/* Pairs with the producer's load-acquire in refresh_consumer_pos(). */
	kshm_store_release(&ring->consumer->pos, ring->pos);
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
	if (refresh_producer_pos(ring))
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
