// SPDX-License-Identifier: GPL-2.0 OR MIT
/* core/checksum.c: the kshm checksum (streaming and one-shot) and fill pattern. */
#include "unit.h"
#include "core/checksum.h"

/*
 * Reference model written from the description in core/checksum.h, without
 * streaming: pad the whole input to 64-bit little-endian words, fold them,
 * mix in the byte count, finalize. The constants are the ones core/checksum.c
 * uses; the known-answer tests below pin them.
 */
#define REF_K 0x9e3779b97f4a7c15ULL
#define REF_INIT 0x6b73686d2d763121ULL /* "kshm-v1!" */
#define REF_GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t ref_splitmix64_finalizer(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t ref_checksum(const uint8_t *data, size_t len)
{
	uint64_t h = REF_INIT;
	size_t word_index, words = (len + 7) / 8;

	for (word_index = 0; word_index < words; word_index++) {
		uint64_t word = 0;
		int byte;

		for (byte = 0; byte < 8; byte++) {
			size_t i = word_index * 8 + (size_t)byte;

			if (i < len)
				word |= (uint64_t)data[i] << (8 * byte);
		}
		h = (((h << 23) | (h >> 41)) ^ word) * REF_K;
	}
	return ref_splitmix64_finalizer(h ^ (uint64_t)len);
}

static uint8_t ref_pattern_byte(uint64_t seed, uint64_t i)
{
	uint64_t word = ref_splitmix64_finalizer(seed + (i / 8) * REF_GOLDEN);

	return (uint8_t)(word >> (8 * (i % 8)));
}

static void fill_counting(uint8_t *buf, size_t len, uint8_t start)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(start + i * 7);
}

static uint64_t stream_chunks(const uint8_t *data, const size_t *chunks, size_t nchunks)
{
	struct kshm_csum csum;
	size_t i, pos = 0;

	kshm_csum_init(&csum);
	for (i = 0; i < nchunks; i++) {
		kshm_csum_update(&csum, data + pos, chunks[i]);
		pos += chunks[i];
	}
	return kshm_csum_final(&csum);
}

/* ---- checksum: known answers ---- */

static void test_checksum_known_answers_strings(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";

	(void)state;
	assert_int_equal(kshm_checksum("", 0), 0xac4962d6e8d91814ULL);
	assert_int_equal(kshm_checksum("a", 1), 0xfd4c8f8399adb23fULL);
	assert_int_equal(kshm_checksum("abc", 3), 0xaea5102f0e75b90eULL);
	assert_int_equal(kshm_checksum("kshm-v1!", 8), 0xd7844ff5c5bb7c9fULL);
	assert_int_equal(kshm_checksum(fox, sizeof(fox) - 1), 0x40029b4de8b9e533ULL);
}

static void test_checksum_known_answers_buffers(void **state)
{
	uint8_t bytes[256];
	uint8_t *zeros = calloc(1, 4096);
	uint8_t *pattern = malloc(1 << 20);
	int i;

	(void)state;
	assert_non_null(zeros);
	assert_non_null(pattern);
	for (i = 0; i < 256; i++)
		bytes[i] = (uint8_t)i;
	assert_int_equal(kshm_checksum(bytes, sizeof(bytes)), 0x390105e3de3538d0ULL);
	assert_int_equal(kshm_checksum(zeros, 4096), 0x48dad7b9116d4291ULL);
	kshm_pattern_fill(pattern, 1 << 20, 1, 0);
	assert_int_equal(kshm_checksum(pattern, 1 << 20), 0xab6574c97ff89b99ULL);
	free(zeros);
	free(pattern);
}

static void test_checksum_empty_is_finalized_init(void **state)
{
	(void)state;
	/* No words, length 0: only the finalizer of the initial state. */
	assert_int_equal(kshm_checksum(NULL, 0), ref_splitmix64_finalizer(REF_INIT));
}

static void test_checksum_matches_reference_model(void **state)
{
	uint8_t buf[300];
	uint64_t rng = 7;
	size_t len, i;

	(void)state;
	for (len = 0; len <= sizeof(buf); len++) {
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)unit_rand(&rng);
		assert_int_equal(kshm_checksum(buf, len), ref_checksum(buf, len));
	}
}

/* The one-pass sum of a submission also hands out the first word (0 below 8 bytes). */
static void test_checksum_first_word(void **state)
{
	uint8_t buf[300];
	uint64_t rng = 11, first, want;
	size_t len, i;

	(void)state;
	for (len = 0; len <= sizeof(buf); len++) {
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)unit_rand(&rng);
		want = 0;
		for (i = 0; i < 8 && len >= 8; i++)
			want |= (uint64_t)buf[i] << (8 * i);
		assert_int_equal(kshm_checksum_first(buf, len, &first), ref_checksum(buf, len));
		assert_int_equal(first, want);
	}
}

/* ---- checksum: streaming ---- */

static void test_checksum_stream_every_split_point(void **state)
{
	uint8_t buf[101];
	uint64_t whole;
	size_t split;

	(void)state;
	fill_counting(buf, sizeof(buf), 3);
	whole = kshm_checksum(buf, sizeof(buf));
	for (split = 0; split <= sizeof(buf); split++) {
		size_t chunks[2] = { split, sizeof(buf) - split };

		assert_int_equal(stream_chunks(buf, chunks, 2), whole);
	}
}

static void test_checksum_stream_every_pair_of_split_points(void **state)
{
	uint8_t buf[101];
	uint64_t whole;
	size_t a, b;

	(void)state;
	fill_counting(buf, sizeof(buf), 11);
	whole = kshm_checksum(buf, sizeof(buf));
	for (a = 0; a <= sizeof(buf); a++)
		for (b = a; b <= sizeof(buf); b++) {
			size_t chunks[3] = { a, b - a, sizeof(buf) - b };

			assert_int_equal(stream_chunks(buf, chunks, 3), whole);
		}
}

static void test_checksum_stream_random_chunkings(void **state)
{
	uint8_t buf[1000];
	size_t chunks[1000];
	uint64_t rng = 12345;
	int round;

	(void)state;
	for (round = 0; round < 500; round++) {
		size_t len = (size_t)(unit_rand(&rng) % sizeof(buf)), pos = 0, n = 0, i;

		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)unit_rand(&rng);
		while (pos < len) {
			/* Chunks of 0 to 19 bytes, so empty updates happen too. */
			size_t c = (size_t)(unit_rand(&rng) % 20);

			if (c > len - pos)
				c = len - pos;
			chunks[n++] = c;
			pos += c;
		}
		assert_int_equal(stream_chunks(buf, chunks, n), kshm_checksum(buf, len));
	}
}

static void test_checksum_stream_one_byte_at_a_time(void **state)
{
	uint8_t buf[77];
	size_t chunks[77], i;

	(void)state;
	fill_counting(buf, sizeof(buf), 200);
	for (i = 0; i < ARRAY_LEN(chunks); i++)
		chunks[i] = 1;
	assert_int_equal(stream_chunks(buf, chunks, ARRAY_LEN(chunks)),
			 kshm_checksum(buf, sizeof(buf)));
}

static void test_checksum_final_does_not_consume_state(void **state)
{
	struct kshm_csum csum;
	uint64_t first;

	(void)state;
	kshm_csum_init(&csum);
	kshm_csum_update(&csum, "hello", 5);
	first = kshm_csum_final(&csum);
	assert_int_equal(kshm_csum_final(&csum), first);
	kshm_csum_update(&csum, " world", 6);
	assert_int_equal(kshm_csum_final(&csum), kshm_checksum("hello world", 11));
}

/* ---- checksum: sensitivity ---- */

static void test_checksum_any_single_bit_flip_changes_sum(void **state)
{
	uint8_t buf[100];
	uint64_t original;
	size_t byte;
	int bit;

	(void)state;
	fill_counting(buf, sizeof(buf), 0);
	original = kshm_checksum(buf, sizeof(buf));
	for (byte = 0; byte < sizeof(buf); byte++)
		for (bit = 0; bit < 8; bit++) {
			buf[byte] ^= (uint8_t)(1U << bit);
			assert_int_not_equal(kshm_checksum(buf, sizeof(buf)), original);
			buf[byte] ^= (uint8_t)(1U << bit);
		}
	assert_int_equal(kshm_checksum(buf, sizeof(buf)), original);
}

static void test_checksum_zero_runs_of_different_lengths_differ(void **state)
{
	static const uint8_t zeros[130];
	uint64_t sums[ARRAY_LEN(zeros) + 1];
	size_t i, j;

	(void)state;
	for (i = 0; i <= ARRAY_LEN(zeros); i++)
		sums[i] = kshm_checksum(zeros, i);
	for (i = 0; i < ARRAY_LEN(sums); i++)
		for (j = i + 1; j < ARRAY_LEN(sums); j++)
			assert_int_not_equal(sums[i], sums[j]);
}

static void test_checksum_trailing_zero_byte_changes_sum(void **state)
{
	(void)state;
	/* The tail is zero-padded: only the byte count tells these apart. */
	assert_int_not_equal(kshm_checksum("abc", 3), kshm_checksum("abc\0", 4));
	assert_int_not_equal(kshm_checksum("abcdefg", 7), kshm_checksum("abcdefg\0", 8));
}

static void test_checksum_word_order_matters(void **state)
{
	(void)state;
	assert_int_not_equal(kshm_checksum("AAAAAAAABBBBBBBB", 16),
			     kshm_checksum("BBBBBBBBAAAAAAAA", 16));
}

static void test_checksum_1mib_through_unaligned_pointers(void **state)
{
	const size_t len = 1 << 20;
	uint8_t *storage = malloc(len + 16);
	uint8_t *data = malloc(len);
	uint64_t expected;
	size_t misalign;

	(void)state;
	assert_non_null(storage);
	assert_non_null(data);
	kshm_pattern_fill(data, len, 0x5eed, 0);
	expected = kshm_checksum(data, len);
	assert_int_equal(expected, ref_checksum(data, len));
	for (misalign = 0; misalign < 16; misalign++) {
		struct kshm_csum csum;

		memcpy(storage + misalign, data, len);
		assert_int_equal(kshm_checksum(storage + misalign, len), expected);
		/* Streamed in odd-sized chunks from the unaligned copy. */
		kshm_csum_init(&csum);
		kshm_csum_update(&csum, storage + misalign, 3);
		kshm_csum_update(&csum, storage + misalign + 3, 65533);
		kshm_csum_update(&csum, storage + misalign + 65536, len - 65536);
		assert_int_equal(kshm_csum_final(&csum), expected);
	}
	free(storage);
	free(data);
}

/* ---- pattern ---- */

static void test_pattern_known_answers(void **state)
{
	/* Seed 0: word 0 is splitmix64's finalizer of 0 (0), word 1 is the first
	 * output of the standard SplitMix64 generator seeded with 0. */
	static const uint8_t seed0[16] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xaf, 0xcd, 0x1d, 0x7b, 0x39, 0xa8, 0x20, 0xe2,
	};
	static const uint8_t seed_0123[16] = {
		0x2c, 0x11, 0xb5, 0xeb, 0xe4, 0x58, 0xc0, 0xb2,
		0x9d, 0xaa, 0x8f, 0xa4, 0x07, 0x38, 0x7a, 0x15,
	};
	uint8_t buf[16];

	(void)state;
	kshm_pattern_fill(buf, sizeof(buf), 0, 0);
	assert_memory_equal(buf, seed0, sizeof(buf));
	kshm_pattern_fill(buf, sizeof(buf), 0x0123456789abcdefULL, 0);
	assert_memory_equal(buf, seed_0123, sizeof(buf));
}

static void test_pattern_matches_reference_model(void **state)
{
	const uint64_t seeds[] = { 0, 1, 2, 0x5eed, 0x8000000000000000ULL, UINT64_MAX };
	uint8_t buf[200];
	size_t s, i;

	(void)state;
	for (s = 0; s < ARRAY_LEN(seeds); s++) {
		kshm_pattern_fill(buf, sizeof(buf), seeds[s], 0);
		for (i = 0; i < sizeof(buf); i++)
			assert_int_equal(buf[i], ref_pattern_byte(seeds[s], i));
		kshm_pattern_fill(buf, sizeof(buf), seeds[s], 1ULL << 40);
		for (i = 0; i < sizeof(buf); i++)
			assert_int_equal(buf[i], ref_pattern_byte(seeds[s], (1ULL << 40) + i));
	}
}

static void test_pattern_fill_at_pos_equals_slice_of_fill_from_zero(void **state)
{
	enum { MAX_LEN = 70 };
	uint8_t reference[18 + MAX_LEN];
	uint8_t storage[MAX_LEN + 16];
	uint64_t pos;
	size_t len, misalign;

	(void)state;
	kshm_pattern_fill(reference, sizeof(reference), 0xfeedULL, 0);
	for (pos = 0; pos <= 17; pos++)
		for (len = 0; len <= MAX_LEN; len++)
			for (misalign = 0; misalign < 8; misalign++) {
				uint8_t *dst = storage + misalign;

				memset(storage, 0xcc, sizeof(storage));
				kshm_pattern_fill(dst, len, 0xfeedULL, pos);
				assert_memory_equal(dst, reference + pos, len);
				/* Not one byte outside [dst, dst + len). */
				for (size_t i = 0; i < misalign; i++)
					assert_int_equal(storage[i], 0xcc);
				for (size_t i = misalign + len; i < sizeof(storage); i++)
					assert_int_equal(storage[i], 0xcc);
			}
}

static void test_pattern_fill_exact_heap_buffers(void **state)
{
	size_t len;
	uint64_t pos;

	(void)state;
	/* Exactly sized allocations: AddressSanitizer catches any overrun. */
	for (pos = 0; pos < 9; pos++)
		for (len = 1; len <= 33; len++) {
			uint8_t *dst = malloc(len);

			assert_non_null(dst);
			kshm_pattern_fill(dst, len, 3, pos);
			assert_int_equal(kshm_pattern_check(dst, len, 3, pos), len);
			free(dst);
		}
}

static void test_pattern_fill_in_pieces_equals_one_fill(void **state)
{
	uint8_t whole[257], pieces[257];
	uint64_t rng = 31;
	int round;

	(void)state;
	kshm_pattern_fill(whole, sizeof(whole), 77, 5);
	for (round = 0; round < 200; round++) {
		size_t pos = 0;

		memset(pieces, 0, sizeof(pieces));
		while (pos < sizeof(pieces)) {
			size_t c = (size_t)(unit_rand(&rng) % 23);

			if (c > sizeof(pieces) - pos)
				c = sizeof(pieces) - pos;
			kshm_pattern_fill(pieces + pos, c, 77, 5 + pos);
			pos += c;
		}
		assert_memory_equal(pieces, whole, sizeof(whole));
	}
}

static void test_pattern_check_returns_len_on_match(void **state)
{
	uint8_t storage[80 + 8];
	uint64_t pos;
	size_t len, misalign;

	(void)state;
	for (pos = 0; pos <= 17; pos++)
		for (len = 0; len <= 80; len += 7)
			for (misalign = 0; misalign < 8; misalign += 3) {
				kshm_pattern_fill(storage + misalign, len, 42, pos);
				assert_int_equal(kshm_pattern_check(storage + misalign, len, 42, pos),
						 len);
			}
}

static void test_pattern_check_finds_exact_corrupted_index(void **state)
{
	enum { LEN = 70 };
	uint8_t storage[LEN + 8];
	uint64_t pos;
	size_t bad, misalign;

	(void)state;
	for (pos = 0; pos <= 9; pos++)
		for (misalign = 0; misalign < 8; misalign += 5)
			for (bad = 0; bad < LEN; bad++) {
				uint8_t *buf = storage + misalign;

				kshm_pattern_fill(buf, LEN, 9, pos);
				buf[bad] ^= 0x01;
				assert_int_equal(kshm_pattern_check(buf, LEN, 9, pos), bad);
				buf[bad] ^= 0x81;	/* a different corruption of the same byte */
				assert_int_equal(kshm_pattern_check(buf, LEN, 9, pos), bad);
			}
}

static void test_pattern_check_reports_first_of_two_corruptions(void **state)
{
	uint8_t buf[64];

	(void)state;
	kshm_pattern_fill(buf, sizeof(buf), 5, 3);
	buf[40] ^= 0xff;
	buf[17] ^= 0xff;
	assert_int_equal(kshm_pattern_check(buf, sizeof(buf), 5, 3), 17);
	/* A shorter check that stops before the corruption passes. */
	assert_int_equal(kshm_pattern_check(buf, 17, 5, 3), 17);
}

static void test_pattern_check_wrong_seed_or_pos_fails(void **state)
{
	uint8_t buf[64];
	size_t first_diff, i;

	(void)state;
	kshm_pattern_fill(buf, sizeof(buf), 100, 0);
	for (first_diff = 0; first_diff < sizeof(buf); first_diff++)
		if (buf[first_diff] != ref_pattern_byte(101, first_diff))
			break;
	assert_true(first_diff < sizeof(buf));
	assert_int_equal(kshm_pattern_check(buf, sizeof(buf), 101, 0), first_diff);
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != ref_pattern_byte(100, 1 + i))
			break;
	assert_int_equal(kshm_pattern_check(buf, sizeof(buf), 100, 1), i);
	assert_true(i < sizeof(buf));
}

static void test_pattern_different_seeds_differ(void **state)
{
	enum { SEEDS = 64, LEN = 64 };
	static uint8_t fills[SEEDS][LEN];
	size_t a, b;

	(void)state;
	for (a = 0; a < SEEDS; a++)
		kshm_pattern_fill(fills[a], LEN, a, 0);
	for (a = 0; a < SEEDS; a++)
		for (b = a + 1; b < SEEDS; b++) {
			size_t same_words = 0, w;

			assert_memory_not_equal(fills[a], fills[b], LEN);
			for (w = 0; w < LEN / 8; w++)
				same_words += memcmp(fills[a] + 8 * w, fills[b] + 8 * w, 8) == 0;
			assert_int_equal(same_words, 0);
		}
}

static void test_pattern_is_not_constant_within_a_fill(void **state)
{
	uint8_t buf[4096];
	size_t w;

	(void)state;
	kshm_pattern_fill(buf, sizeof(buf), 1, 0);
	/* Consecutive words differ: a fill that repeated one word would pass pos tests. */
	for (w = 1; w < sizeof(buf) / 8; w++)
		assert_memory_not_equal(buf + 8 * (w - 1), buf + 8 * w, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_known_answers_strings),
		cmocka_unit_test(test_checksum_known_answers_buffers),
		cmocka_unit_test(test_checksum_empty_is_finalized_init),
		cmocka_unit_test(test_checksum_matches_reference_model),
		cmocka_unit_test(test_checksum_first_word),
		cmocka_unit_test(test_checksum_stream_every_split_point),
		cmocka_unit_test(test_checksum_stream_every_pair_of_split_points),
		cmocka_unit_test(test_checksum_stream_random_chunkings),
		cmocka_unit_test(test_checksum_stream_one_byte_at_a_time),
		cmocka_unit_test(test_checksum_final_does_not_consume_state),
		cmocka_unit_test(test_checksum_any_single_bit_flip_changes_sum),
		cmocka_unit_test(test_checksum_zero_runs_of_different_lengths_differ),
		cmocka_unit_test(test_checksum_trailing_zero_byte_changes_sum),
		cmocka_unit_test(test_checksum_word_order_matters),
		cmocka_unit_test(test_checksum_1mib_through_unaligned_pointers),
		cmocka_unit_test(test_pattern_known_answers),
		cmocka_unit_test(test_pattern_matches_reference_model),
		cmocka_unit_test(test_pattern_fill_at_pos_equals_slice_of_fill_from_zero),
		cmocka_unit_test(test_pattern_fill_exact_heap_buffers),
		cmocka_unit_test(test_pattern_fill_in_pieces_equals_one_fill),
		cmocka_unit_test(test_pattern_check_returns_len_on_match),
		cmocka_unit_test(test_pattern_check_finds_exact_corrupted_index),
		cmocka_unit_test(test_pattern_check_reports_first_of_two_corruptions),
		cmocka_unit_test(test_pattern_check_wrong_seed_or_pos_fails),
		cmocka_unit_test(test_pattern_different_seeds_differ),
		cmocka_unit_test(test_pattern_is_not_constant_within_a_fill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
