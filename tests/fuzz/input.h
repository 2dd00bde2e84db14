/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Reading a libFuzzer input as a stream of values. Past the end every read
 * gives zeros, so every input is a complete (if short) scenario.
 */
#ifndef KSHM_FUZZ_INPUT_H
#define KSHM_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct input {
	const uint8_t *p;
	size_t left;
};

static inline void take(struct input *in, void *out, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memset(out, 0, n);
	memcpy(out, in->p, k);
	in->p += k;
	in->left -= k;
}

static inline uint8_t take_u8(struct input *in)
{
	uint8_t v;

	take(in, &v, sizeof(v));
	return v;
}

static inline uint16_t take_u16(struct input *in)
{
	uint16_t v;

	take(in, &v, sizeof(v));
	return v;
}

static inline uint32_t take_u32(struct input *in)
{
	uint32_t v;

	take(in, &v, sizeof(v));
	return v;
}

static inline uint64_t take_u64(struct input *in)
{
	uint64_t v;

	take(in, &v, sizeof(v));
	return v;
}

/* A property failed: abort so libFuzzer saves the input as a crash. */
#define CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: property failed: %s\n",	\
				__FILE__, __LINE__, #cond);			\
			abort();						\
		}								\
	} while (0)

#endif /* KSHM_FUZZ_INPUT_H */
