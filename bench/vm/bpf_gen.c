// SPDX-License-Identifier: MIT
/*
 * Loads ringbuf_gen.bpf.c (embedded by bpftool's skeleton) and consumes its
 * ring buffer the way libbpf users do: ring_buffer__consume() with a
 * callback per record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	ring_buffer__free(gen->consumer);
	ringbuf_gen__destroy(gen->skel);
	free(gen);
}

int bpf_gen_publish_and_consume(struct bpf_gen *gen, uint64_t count, uint32_t record_bytes)
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
	err = bpf_prog_test_run_opts(bpf_program__fd(gen->skel->progs.generate), &run);
	if (err)
		return err < 0 ? err : -EIO;
	if (run.retval || args.produced != count || args.dropped)
		return -EILSEQ;
	err = ring_buffer__consume(gen->consumer);
	if (err < 0 && !gen->bad)
		return err;
	return gen->bad || gen->consumed != count ? -EILSEQ : 0;
}
