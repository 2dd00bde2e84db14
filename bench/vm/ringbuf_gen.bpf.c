// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF ring buffer's side of the kernel->user message benchmark: one run
 * of `generate` (BPF_PROG_TEST_RUN, from kshm_vmbench) publishes `count`
 * records of `record_bytes` into a BPF_MAP_TYPE_RINGBUF, as kshm's
 * generator publishes into an events channel with one system call. Each
 * record is the sequence number followed by the bytes of a prepared map
 * value (kshm's generator computes its pattern instead: slightly more work
 * on kshm's side).
 *
 * Two programs: `generate` copies each record in with bpf_ringbuf_output();
 * `generate_reserve` writes each into its own bpf_ringbuf_reserve() and
 * bpf_ringbuf_submit()s it, as a BPF producer that builds records in place
 * does (the reserved size must be a constant, hence one call per size).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "ringbuf_gen.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RINGBUF_GEN_RING_BYTES);
} events SEC(".maps");

/*
 * Twice the largest record: the length passed to bpf_ringbuf_output() is
 * masked below this size, a bound the verifier can follow.
 */
#define SOURCE_BYTES (2 * RINGBUF_GEN_MAX_RECORD)

struct record_source {
	__u8 bytes[SOURCE_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct record_source);
} source SEC(".maps");

/* The context is counted into here: the verifier refuses a computed pointer into it. */
struct loop_state {
	struct record_source *src;
	__u64 first_seq;
	__u64 produced;
	__u64 dropped;
	__u32 len;
};

static long publish_one(__u32 index, void *ctx)
{
	struct loop_state *st = ctx;
	__u64 seq = st->first_seq + index;
	/* A mask, not a range check: the compiler would drop the mask after one. */
	__u32 len = st->len & (SOURCE_BYTES - 1);

	if (len < sizeof(seq))
		return 1;
	__builtin_memcpy(st->src->bytes, &seq, sizeof(seq));
	if (bpf_ringbuf_output(&events, st->src->bytes, len, 0))
		st->dropped++;
	else
		st->produced++;
	return 0;
}

/* Words 1.. of a record: clang expands no memcpy this large for BPF, so a loop (JITed). */
static __always_inline void copy_words(__u8 *to, const __u8 *from, __u32 n)
{
	__u32 i;

	for (i = 8; i < n; i += 8)
		*(__u64 *)(to + i) = *(const __u64 *)(from + i);
}

#define RESERVE_AND_SUBMIT(st, seq, n)						\
	do {										\
		__u8 *rec = bpf_ringbuf_reserve(&events, (n), 0);			\
											\
		if (!rec) {								\
			(st)->dropped++;						\
			return 0;							\
		}									\
		__builtin_memcpy(rec, &(seq), sizeof(seq));				\
		copy_words(rec, (st)->src->bytes, (n));					\
		bpf_ringbuf_submit(rec, 0);						\
		(st)->produced++;							\
		return 0;								\
	} while (0)

static long reserve_one(__u32 index, void *ctx)
{
	struct loop_state *st = ctx;
	__u64 seq = st->first_seq + index;

	switch (st->len) {
	case 8:
		RESERVE_AND_SUBMIT(st, seq, 8);
	case 64:
		RESERVE_AND_SUBMIT(st, seq, 64);
	case 512:
		RESERVE_AND_SUBMIT(st, seq, 512);
	case 4096:
		RESERVE_AND_SUBMIT(st, seq, 4096);
	}
	return 1;
}

static __always_inline int run(struct generate_args *args, void *publish)
{
	struct loop_state st = { .first_seq = args->first_seq, .len = args->record_bytes };
	__u32 key = 0;

	st.src = bpf_map_lookup_elem(&source, &key);
	if (!st.src)
		return 1;
	bpf_loop(args->count, publish, &st, 0);
	args->produced = st.produced;
	args->dropped = st.dropped;
	return 0;
}

SEC("syscall")
int generate(struct generate_args *args)
{
	return run(args, publish_one);
}

SEC("syscall")
int generate_reserve(struct generate_args *args)
{
	return run(args, reserve_one);
}

char LICENSE[] SEC("license") = "GPL";
