/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The shared memory of one ring, filled from the input: the data area and the
 * two pages are separate allocations of their exact size, so ASan reports any
 * access outside them; `shadow` is the data area as the harness last left it.
 */
#ifndef KSHM_FUZZ_RING_AREAS_H
#define KSHM_FUZZ_RING_AREAS_H

#include "input.h"

#include "core/ring.h"

struct areas {
	uint8_t *data, *shadow;
	struct kshm_ring_producer *prod;
	struct kshm_ring_consumer *cons;
	uint64_t size;		/* 64 .. 512: small rings wrap often */
};

static inline void areas_from_input(struct areas *a, struct kshm_ring *ring, struct input *in)
{
	a->size = 64ULL << (take_u8(in) % 4);
	a->data = malloc(a->size);
	a->shadow = malloc(a->size);
	a->prod = malloc(sizeof(*a->prod));
	a->cons = malloc(sizeof(*a->cons));
	CHECK(kshm_ring_init(ring, a->cons, a->prod, a->data, a->size) == KSHM_OK);
	take(in, a->data, a->size);
	memcpy(a->shadow, a->data, a->size);
	take(in, a->cons, sizeof(*a->cons));
	take(in, a->prod, sizeof(*a->prod));
}

static inline void areas_free(struct areas *a)
{
	free(a->data);
	free(a->shadow);
	free(a->prod);
	free(a->cons);
}

#endif /* KSHM_FUZZ_RING_AREAS_H */
