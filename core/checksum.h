/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The kshm checksum and fill pattern: the work every transfer method does,
 * defined once so that the kernel and the process compute the same bytes and
 * the same sums, and so that methods are compared on identical work.
 *
 * Checksum: bytes are taken as little-endian 64-bit words (the tail padded
 * with zeros); h = (rotl(h, 23) ^ word) * K per word, then the byte count is
 * mixed in and the result finalized with the splitmix64 finalizer. It is
 * streamable: any split of the data into updates gives the same result.
 *
 * Pattern: byte i of a fill with seed s is byte (i % 8) (little-endian) of
 * splitmix64(s + (i / 8) * golden), with i counted from the start of the
 * filled range.
 */
#ifndef KSHM_CORE_CHECKSUM_H
#define KSHM_CORE_CHECKSUM_H

#include "platform.h"

struct kshm_csum {
	uint64_t state;
	uint64_t total_bytes;
	uint8_t pending[8];	/* bytes of a word not yet complete */
	uint32_t pending_bytes;
};

void kshm_csum_init(struct kshm_csum *csum);
void kshm_csum_update(struct kshm_csum *csum, const void *data, size_t len);
uint64_t kshm_csum_final(const struct kshm_csum *csum);

/* One-shot checksum of a buffer. */
uint64_t kshm_checksum(const void *data, size_t len);

/*
 * The same, also giving the buffer's first 8 bytes as a little-endian word
 * (0 when len < 8) from the same load: for data another party may rewrite
 * meanwhile, the word and the sum then come from one read of each byte.
 */
uint64_t kshm_checksum_first(const void *data, size_t len, uint64_t *first_word);

/* Write pattern bytes [pos, pos + len) of `seed` to dst. */
void kshm_pattern_fill(void *dst, size_t len, uint64_t seed, uint64_t pos);

/*
 * Compare src with pattern bytes [pos, pos + len) of `seed`. Returns len when
 * all match, else the index in src of the first byte that differs.
 */
size_t kshm_pattern_check(const void *src, size_t len, uint64_t seed, uint64_t pos);

#endif /* KSHM_CORE_CHECKSUM_H */
