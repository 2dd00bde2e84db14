// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ring producer against a hostile consumer: data area and consumer page
 * come from the input, as does the producer's private start state (pos ==
 * published, 8-aligned; the cached consumer position within size of it),
 * then reserve/discard/commit/need_wakeup calls interleaved with the
 * consumer rewriting its page.
 *
 * The harness keeps `honest`: the furthest consumer position reached by
 * legitimate forward moves (never past what was published when the producer
 * could read it). Whatever else the
 * consumer shows (moving back, running ahead, garbage) may only make the
 * producer refuse or be more careful, so the properties are: a reserve writes
 * only the bytes of [pos, new pos) (checked against a shadow copy of the data
 * area), the payload lies inside the data area, new pos - honest <= size (so
 * nothing in [honest, pos) is overwritten, committed or not); the producer
 * never writes the consumer page, and writes its own page only at commit and
 * count_drop.
 */
#include "ring_areas.h"

struct world {
	struct kshm_ring ring;
	struct areas a;
	struct kshm_ring_producer prod_shadow;
	struct kshm_ring_consumer cons_shadow;
	uint64_t honest;
};

static void show_consumer_pos(struct world *w, uint64_t pos)
{
	w->a.cons->pos = pos;
	w->cons_shadow = *w->a.cons;
}

/*
 * Before each producer call (the moments it may read the consumer page):
 * follow `honest` if the page now shows a legitimate forward move. A position
 * shown ahead of `published` becomes legitimate once the producer publishes
 * past it, and the producer may then rightly use it.
 */
static void follow_honest(struct world *w)
{
	uint64_t pos = w->a.cons->pos;

	if (pos - w->honest <= w->ring.published - w->honest)
		w->honest = pos;
}

static uint64_t pick_consumer_pos(struct input *in, const struct world *w)
{
	if (take_u8(in) & 1)
		return take_u64(in);
	return w->ring.published - (uint64_t)((int16_t)take_u16(in) % (int64_t)(w->a.size + 17));
}

/* Every byte outside ring positions [from, to) is as the harness left it. */
static void check_written_only(const struct world *w, uint64_t from, uint64_t to)
{
	uint64_t i;

	for (i = 0; i < w->a.size; i++) {
		/* i's offset from `from` around the ring: inside [from, to) iff below to - from */
		uint64_t rel = (i - from) & (w->a.size - 1);

		if (to - from >= w->a.size || rel < to - from)
			continue;
		CHECK(w->a.data[i] == w->a.shadow[i]);
	}
}

static void check_pages(const struct world *w)
{
	CHECK(memcmp(w->a.cons, &w->cons_shadow, sizeof(w->cons_shadow)) == 0);
	CHECK(memcmp(w->a.prod, &w->prod_shadow, sizeof(w->prod_shadow)) == 0);
	CHECK(w->ring.pos - w->honest <= w->a.size);
	CHECK(w->ring.pos % 8 == 0 && w->ring.pos - w->ring.published <= w->a.size);
}

static void reserve(struct world *w, struct input *in, uint8_t **last, uint32_t *last_len)
{
	uint32_t max = kshm_ring_max_payload(&w->ring);
	uint32_t len = take_u16(in) % (max + 9);	/* a little past max: TOO_BIG */
	uint64_t before = w->ring.pos;
	enum kshm_ring_result st;
	uint8_t *payload = kshm_ring_reserve(&w->ring, len, take_u32(in), &st);

	if (!payload) {
		CHECK(st == KSHM_RING_FULL || st == KSHM_RING_TOO_BIG || st == KSHM_RING_CORRUPT);
		CHECK(w->ring.pos == before);
		CHECK(memcmp(w->a.data, w->a.shadow, w->a.size) == 0);
		return;
	}
	CHECK(st == KSHM_RING_OK && len <= max);
	CHECK(payload >= w->a.data + sizeof(struct kshm_ring_record));
	CHECK(payload + len <= w->a.data + w->a.size);
	CHECK(w->ring.pos - before >= kshm_ring_record_bytes(len));
	check_written_only(w, before, w->ring.pos);
	memset(payload, 0xa5, len);	/* the user fills it; ASan checks the bounds */
	memcpy(w->a.shadow, w->a.data, w->a.size);
	*last = payload;
	*last_len = len;
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t n)
{
	struct input in = { bytes, n };
	struct world w;
	uint8_t *last = NULL;
	uint32_t last_len = 0;
	int steps;

	memset(&w, 0, sizeof(w));
	areas_from_input(&w.a, &w.ring, &in);
	w.prod_shadow = *w.a.prod;

	/* Private start state, as the producer itself could have left it. */
	w.ring.published = take_u64(&in) & ~7ULL;
	w.ring.pos = w.ring.published;
	w.ring.other_pos = w.ring.published - take_u16(&in) % (w.a.size + 1);
	w.honest = w.ring.other_pos;
	show_consumer_pos(&w, pick_consumer_pos(&in, &w));

	for (steps = 0; steps < 256 && in.left; steps++) {
		follow_honest(&w);
		switch (take_u8(&in) % 7) {
		case 0:
		case 1:
			reserve(&w, &in, &last, &last_len);
			break;
		case 2:	/* withdraw the last record reserved, if not yet committed */
			if (last && w.ring.pos != w.ring.published) {
				uint64_t off = (uint64_t)(last - w.a.data) - sizeof(struct kshm_ring_record);

				kshm_ring_discard(&w.ring, last);
				/* Only that record's header changed. */
				CHECK(off < w.a.size);
				memcpy(w.a.shadow + off, w.a.data + off, sizeof(struct kshm_ring_record));
				CHECK(memcmp(w.a.data, w.a.shadow, w.a.size) == 0);
				last = NULL;
			}
			break;
		case 3:
			/* Publishes pos when something was reserved, else writes nothing. */
			if (w.ring.pos != w.ring.published)
				w.prod_shadow.pos = w.ring.pos;
			kshm_ring_commit(&w.ring);
			CHECK(w.ring.published == w.ring.pos);
			last = NULL;
			break;
		case 4: {
			int wake = kshm_ring_need_wakeup(&w.ring);

			if (!(w.a.cons->flags & KSHM_RING_NEED_WAKEUP))
				CHECK(!wake);
			break;
		}
		case 5:	/* the consumer writes its page, honestly or not */
			show_consumer_pos(&w, pick_consumer_pos(&in, &w));
			w.a.cons->flags = take_u32(&in);
			w.a.cons->wakeup_bytes = take_u32(&in);
			w.cons_shadow = *w.a.cons;
			break;
		case 6:
			kshm_ring_count_drop(&w.ring);
			CHECK(w.a.prod->dropped == w.prod_shadow.dropped + 1);
			w.prod_shadow = *w.a.prod;
			break;
		}
		check_pages(&w);
	}
	(void)last_len;
	areas_free(&w.a);
	return 0;
}
