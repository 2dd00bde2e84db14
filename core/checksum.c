// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "checksum.h"

#define KSHM_CSUM_MULT 0x9e3779b97f4a7c15ULL
#define KSHM_CSUM_INIT 0x6b73686d2d763121ULL	/* "kshm-v1!" */
#define KSHM_PATTERN_STEP 0x9e3779b97f4a7c15ULL

static inline uint64_t rotl64(uint64_t v, unsigned int r)
{
	return (v << r) | (v >> (64 - r));
}

static inline uint64_t splitmix64_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Little-endian words: the same sums on any host byte order. On a
 * little-endian host that is one unaligned load or store (__builtin_: the
 * Windows driver builds with -fno-builtin), never a byte loop, which
 * compilers do not always fuse.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}
#else
static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}
#endif

static inline uint64_t csum_word(uint64_t state, uint64_t word)
{
	return (rotl64(state, 23) ^ word) * KSHM_CSUM_MULT;
}

void kshm_csum_init(struct kshm_csum *csum)
{
	memset(csum, 0, sizeof(*csum));
	csum->state = KSHM_CSUM_INIT;
}

void kshm_csum_update(struct kshm_csum *csum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t state = csum->state;

	csum->total_bytes += len;
	while (csum->pending_bytes && len) {
		csum->pending[csum->pending_bytes++] = *p++;
		len--;
		if (csum->pending_bytes == 8) {
			state = csum_word(state, load_le64(csum->pending));
			csum->pending_bytes = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8)
		state = csum_word(state, load_le64(p));
	while (len--)
		csum->pending[csum->pending_bytes++] = *p++;
	csum->state = state;
}

uint64_t kshm_csum_final(const struct kshm_csum *csum)
{
	uint64_t state = csum->state;

	if (csum->pending_bytes) {
		uint8_t tail[8] = { 0 };

		memcpy(tail, csum->pending, csum->pending_bytes);
		state = csum_word(state, load_le64(tail));
	}
	return splitmix64_mix(state ^ csum->total_bytes);
}

/*
 * The streaming sum in one pass, without the state struct: no call, no
 * pending-byte bookkeeping per update, for the kernel's per-submission
 * checksum. Each byte is loaded once.
 */
uint64_t kshm_checksum_first(const void *data, size_t len, uint64_t *first_word)
{
	const uint8_t *p = data;
	uint64_t state = KSHM_CSUM_INIT;
	size_t left = len;

	/*
	 * The first word is kept as it is summed; the first block is whole when
	 * it can be, so that records of a multiple of 32 bytes need no word loop.
	 */
	*first_word = 0;
	if (left >= 32) {
		*first_word = load_le64(p);
		state = csum_word(state, *first_word);
		state = csum_word(state, load_le64(p + 8));
		state = csum_word(state, load_le64(p + 16));
		state = csum_word(state, load_le64(p + 24));
		p += 32;
		left -= 32;
	} else if (left >= 8) {
		*first_word = load_le64(p);
		state = csum_word(state, *first_word);
		p += 8;
		left -= 8;
	}
	/* Four words per test of the length, not one. */
	for (; left >= 32; p += 32, left -= 32) {
		state = csum_word(state, load_le64(p));
		state = csum_word(state, load_le64(p + 8));
		state = csum_word(state, load_le64(p + 16));
		state = csum_word(state, load_le64(p + 24));
	}
	for (; left >= 8; p += 8, left -= 8)
		state = csum_word(state, load_le64(p));
	if (left) {
		uint8_t tail[8] = { 0 };

		memcpy(tail, p, left);
		state = csum_word(state, load_le64(tail));
	}
	return splitmix64_mix(state ^ len);
}

uint64_t kshm_checksum(const void *data, size_t len)
{
	uint64_t first;

	return kshm_checksum_first(data, len, &first);
}

static inline uint64_t pattern_word(uint64_t seed, uint64_t word_index)
{
	return splitmix64_mix(seed + word_index * KSHM_PATTERN_STEP);
}

static inline uint8_t pattern_byte(uint64_t seed, uint64_t pos)
{
	return (uint8_t)(pattern_word(seed, pos >> 3) >> ((pos & 7) * 8));
}

void kshm_pattern_fill(void *dst, size_t len, uint64_t seed, uint64_t pos)
{
	uint8_t *p = dst;

	for (; len && (pos & 7); len--)
		*p++ = pattern_byte(seed, pos++);
	for (; len >= 8; p += 8, len -= 8, pos += 8)
		store_le64(p, pattern_word(seed, pos >> 3));
	for (; len; len--)
		*p++ = pattern_byte(seed, pos++);
}

size_t kshm_pattern_check(const void *src, size_t len, uint64_t seed, uint64_t pos)
{
	const uint8_t *p = src;
	size_t i;

	for (i = 0; i < len; i++) {
		/* Whole words first: a word compare is the common, fast case. */
		if (((pos + i) & 7) == 0 && len - i >= 8 &&
		    load_le64(p + i) == pattern_word(seed, (pos + i) >> 3)) {
			i += 7;
			continue;
		}
		if (p[i] != pattern_byte(seed, pos + i))
			return i;
	}
	return len;
}
