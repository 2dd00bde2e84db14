// SPDX-License-Identifier: MIT
/*
 * Loads ringbuf_gen.bpf.c (embedded by bpftool's skeleton) and consumes its
 * ring buffer two ways: as libbpf users do (ring_buffer__consume(), a
 * callback per record, the consumer position stored after each), and with a
 * custom consumer over the mapped ring, as the kernel's bench_ringbufs
 * "rb-custom" does (records read in place, the position stored once per
 * pass): the careful engineer's BPF consumer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <kshm.h>

#include "bench.h"
#include "bpf_gen.h"
#include "ringbuf_gen.h"
#include "ringbuf_gen.skel.h"

_Static_assert(RINGBUF_GEN_RING_BYTES == BENCH_RING_BYTES,
	       "the BPF ring buffer is the size of the channels it is compared with");

struct bpf_gen {
	struct ringbuf_gen *skel;
	struct ring_buffer *consumer;
	/* The custom consumer's mappings of the ring buffer (as libbpf maps it). */
	unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	const uint8_t *data;
	size_t page;
	uint64_t next_seq;	/* the next record the consumer expects */
	uint64_t consumed;
	uint32_t record_bytes;
	int bad;		/* a record arrived out of order or with the wrong length */
};

static int on_record(void *ctx, void *data, size_t len)
{
	struct bpf_gen *gen = ctx;
	uint64_t seq;

	if (len != gen->record_bytes) {
		gen->bad = 1;
		return -EILSEQ;
	}
	memcpy(&seq, data, sizeof(seq));
	if (seq != gen->next_seq) {
		gen->bad = 1;
		return -EILSEQ;
	}
	gen->next_seq++;
	gen->consumed++;
	return 0;
}

int bpf_gen_open(struct bpf_gen **out)
{
	struct bpf_gen *gen = calloc(1, sizeof(*gen));
	uint8_t source[2 * RINGBUF_GEN_MAX_RECORD];
	uint32_t key = 0;
	void *p;
	int err;

	if (!gen)
		return -ENOMEM;
	gen->skel = ringbuf_gen__open_and_load();
	if (!gen->skel) {
		err = -errno;
		goto fail;
	}
	kshm_pattern_fill(source, sizeof(source), 1, 0);
	err = bpf_map__update_elem(gen->skel->maps.source, &key, sizeof(key), source,
				   sizeof(source), BPF_ANY);
	if (err)
		goto fail;
	gen->consumer = ring_buffer__new(bpf_map__fd(gen->skel->maps.events), on_record, gen, NULL);
	if (!gen->consumer) {
		err = -errno;
		goto fail;
	}
	gen->page = (size_t)sysconf(_SC_PAGESIZE);
	p = mmap(NULL, gen->page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(gen->skel->maps.events), 0);
	if (p == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	gen->consumer_pos = p;
	/* The data pages are mapped twice in a row: a record never wraps. */
	p = mmap(NULL, gen->page + 2 * RINGBUF_GEN_RING_BYTES, PROT_READ, MAP_SHARED,
		 bpf_map__fd(gen->skel->maps.events), (off_t)gen->page);
	if (p == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	gen->producer_pos = p;
	gen->data = (const uint8_t *)p + gen->page;
	*out = gen;
	return 0;
fail:
	bpf_gen_close(gen);
	return err ? err : -EIO;
}

void bpf_gen_close(struct bpf_gen *gen)
{
	if (!gen)
		return;
	if (gen->producer_pos)
		munmap((void *)gen->producer_pos, gen->page + 2 * RINGBUF_GEN_RING_BYTES);
	if (gen->consumer_pos)
		munmap(gen->consumer_pos, gen->page);
	ring_buffer__free(gen->consumer);
	ringbuf_gen__destroy(gen->skel);
	free(gen);
}

/* One BPF_PROG_TEST_RUN of `prog` publishing `count` records of `record_bytes`. */
static int generate(struct bpf_gen *gen, struct bpf_program *prog, uint64_t count,
		    uint32_t record_bytes)
{
	struct generate_args args = {
		.count = count,
		.first_seq = gen->next_seq,
		.record_bytes = record_bytes,
	};
	/* A syscall program's run writes its context back to ctx_in (ctx_out is refused). */
	LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = &args, .ctx_size_in = sizeof(args));
	int err;

	gen->record_bytes = record_bytes;
	gen->consumed = 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &run);
	if (err)
		return err < 0 ? err : -EIO;
	if (run.retval || args.produced != count || args.dropped)
		return -EILSEQ;
	return 0;
}

/* bench_ringbufs' ringbuf_custom_process_ring(), checking each record's length and sequence. */
static int consume_custom(struct bpf_gen *gen)
{
	unsigned long cons = __atomic_load_n(gen->consumer_pos, __ATOMIC_ACQUIRE), prod;
	int got_new;

	do {
		got_new = 0;
		prod = __atomic_load_n(gen->producer_pos, __ATOMIC_ACQUIRE);
		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(gen->data +
								 (cons & (RINGBUF_GEN_RING_BYTES - 1)));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			uint64_t seq;

			if (len & BPF_RINGBUF_BUSY_BIT)
				break;
			got_new = 1;
			cons += ((len & ~BPF_RINGBUF_DISCARD_BIT) + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
			if (len & BPF_RINGBUF_DISCARD_BIT)
				continue;
			memcpy(&seq, (const uint8_t *)hdr + BPF_RINGBUF_HDR_SZ, sizeof(seq));
			if (len != gen->record_bytes || seq != gen->next_seq)
				return -EILSEQ;
			gen->next_seq++;
			gen->consumed++;
		}
		__atomic_store_n(gen->consumer_pos, cons, __ATOMIC_RELEASE);
	} while (got_new);
	return 0;
}

int bpf_gen_run(struct bpf_gen *gen, int reserve, int custom, uint64_t count,
		uint32_t record_bytes)
{
	int err = generate(gen, reserve ? gen->skel->progs.generate_reserve : gen->skel->progs.generate,
			   count, record_bytes);

	if (err)
		return err;
	if (custom) {
		err = consume_custom(gen);
		if (err)
			return err;
	} else {
		err = ring_buffer__consume(gen->consumer);
		if (err < 0 && !gen->bad)
			return err;
		if (gen->bad)
			return -EILSEQ;
	}
	return gen->consumed != count ? -EILSEQ : 0;
}
