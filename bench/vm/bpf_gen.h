/* SPDX-License-Identifier: MIT */
/* The BPF ring buffer generator (ringbuf_gen.bpf.c), loaded and consumed with libbpf. */
#ifndef KSHM_BENCH_VM_BPF_GEN_H
#define KSHM_BENCH_VM_BPF_GEN_H

#include <stdint.h>

struct bpf_gen;

/* Load the program and its maps, and set up libbpf's consumer (0 or -errno). */
int bpf_gen_open(struct bpf_gen **out);
void bpf_gen_close(struct bpf_gen *gen);

/*
 * One BPF_PROG_TEST_RUN publishing `count` records of `record_bytes`, then
 * consume them all; -EILSEQ when one is missing, dropped or out of order.
 */
int bpf_gen_publish_and_consume(struct bpf_gen *gen, uint64_t count, uint32_t record_bytes);

/*
 * The same with one bpf_ringbuf_reserve()/submit() per record, drained by
 * the custom consumer (records read in place, one position store per pass).
 */
int bpf_gen_reserve_and_consume_custom(struct bpf_gen *gen, uint64_t count, uint32_t record_bytes);

#endif /* KSHM_BENCH_VM_BPF_GEN_H */
