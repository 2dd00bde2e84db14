// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ring consumer against a hostile producer: data area, producer page and
 * consumer page come from the input, as do the consumer's private start
 * positions (within the invariants the consumer keeps itself: pos 8-aligned,
 * other_pos - pos <= size), then a sequence of consumer calls interleaved with
 * the producer rewriting its position and the data under the consumer.
 *
 * Properties: a returned payload lies inside the data area and inside what
 * some producer position shown to the consumer covered; the consumer's
 * position never passes the producer position it accepted, never moves back;
 * the consumer never writes the data area or the producer page; release
 * publishes exactly its position. The three areas are separate allocations
 * of their exact size, so ASan catches any read outside them too.
 */
#include "ring_areas.h"

#define MAX_SHOWN 64

struct world {
	struct kshm_ring ring;
	struct areas a;
	struct kshm_ring_producer prod_shadow;
	uint64_t pos0;
	uint64_t shown[MAX_SHOWN];	/* every producer position the consumer could have read */
	unsigned int nshown;
};

static void show_producer_pos(struct world *w, uint64_t pos)
{
	if (w->nshown == MAX_SHOWN)
		return;
	w->a.prod->pos = pos;
	w->prod_shadow = *w->a.prod;
	w->shown[w->nshown++] = pos;
}

static int was_shown(const struct world *w, uint64_t pos)
{
	unsigned int i;

	for (i = 0; i < w->nshown; i++)
		if (w->shown[i] == pos)
			return 1;
	return 0;
}

/* A producer position near the consumer's (where the interesting cases are) or anywhere. */
static uint64_t pick_producer_pos(struct input *in, const struct world *w)
{
	if (take_u8(in) & 1)
		return take_u64(in);
	return w->ring.pos + (uint64_t)((int16_t)take_u16(in) % (int64_t)(w->a.size + 17));
}

static void check_invariants(const struct world *w, uint64_t pos_before)
{
	const struct kshm_ring *r = &w->ring;

	CHECK(memcmp(w->a.data, w->a.shadow, w->a.size) == 0);
	CHECK(memcmp(w->a.prod, &w->prod_shadow, sizeof(w->prod_shadow)) == 0);
	CHECK(r->pos % 8 == 0);
	/* Forward only, and never past the producer position it accepted. */
	CHECK(r->pos - w->pos0 >= pos_before - w->pos0);
	CHECK(r->other_pos - r->pos <= w->a.size);
	CHECK(was_shown(w, r->other_pos));
}

static void check_entry(const struct world *w, const struct kshm_ring_entry *e)
{
	const struct kshm_ring *r = &w->ring;
	uint64_t off = r->pos & (w->a.size - 1);
	uint64_t bytes = kshm_ring_record_bytes(e->len);
	uint8_t copy[4096];

	CHECK((const uint8_t *)e->payload == w->a.data + off + sizeof(struct kshm_ring_record));
	CHECK(off + bytes <= w->a.size);
	CHECK(r->other_pos - r->pos >= bytes);
	/* Read the payload as a user would: ASan checks it is all inside the data area. */
	memcpy(copy, e->payload, e->len <= sizeof(copy) ? e->len : sizeof(copy));
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n)
{
	struct input in = { bytes, n };
	struct world w;
	struct kshm_ring_entry e;
	int have_entry = 0, steps;

	memset(&w, 0, sizeof(w));
	areas_from_input(&w.a, &w.ring, &in);

	/* Private start state, as the consumer itself could have left it. */
	w.pos0 = take_u64(&in) & ~7ULL;
	w.ring.pos = w.pos0;
	w.ring.other_pos = w.pos0 + take_u16(&in) % (w.a.size + 1);
	w.shown[w.nshown++] = w.ring.other_pos;
	show_producer_pos(&w, pick_producer_pos(&in, &w));
	w.a.prod->dropped = take_u64(&in);
	w.prod_shadow = *w.a.prod;

	for (steps = 0; steps < 256 && in.left; steps++) {
		uint64_t before = w.ring.pos;
		enum kshm_ring_result st;

		switch (take_u8(&in) % 8) {
		case 0:	/* peek, and advance past it half the time */
		case 1:
			st = kshm_ring_peek(&w.ring, &e);
			CHECK(st == KSHM_RING_OK || st == KSHM_RING_EMPTY || st == KSHM_RING_CORRUPT);
			have_entry = st == KSHM_RING_OK;
			if (have_entry)
				check_entry(&w, &e);
			if (have_entry && (take_u8(&in) & 1)) {
				kshm_ring_advance(&w.ring, &e);
				have_entry = 0;
			}
			break;
		case 2:	/* advance once past the entry last peeked (the API's contract) */
			if (have_entry)
				kshm_ring_advance(&w.ring, &e);
			have_entry = 0;
			break;
		case 3:
			kshm_ring_release(&w.ring);
			CHECK(w.a.cons->pos == w.ring.pos);
			break;
		case 4:
			CHECK(kshm_ring_pending(&w.ring) <= w.a.size);
			break;
		case 5:
			if (kshm_ring_prepare_wait(&w.ring, take_u32(&in)))
				CHECK(w.a.cons->flags & KSHM_RING_NEED_WAKEUP);
			else
				kshm_ring_finish_wait(&w.ring);
			break;
		case 6:	/* the producer moves its position, honestly or not */
			show_producer_pos(&w, pick_producer_pos(&in, &w));
			break;
		case 7: { /* the producer rewrites 8 bytes under the consumer */
			uint64_t off = (take_u16(&in) * 8ULL) & (w.a.size - 1);

			take(&in, w.a.data + off, 8);
			memcpy(w.a.shadow + off, w.a.data + off, 8);
			break;
		}
		}
		check_invariants(&w, before);
	}
	areas_free(&w.a);
	return 0;
}
