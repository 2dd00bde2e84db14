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
 * One BPF_PROG_TEST_RUN publishing `count` records of `record_bytes`, with
 * bpf_ringbuf_output() per record (reserve 0) or bpf_ringbuf_reserve() +
 * submit per record (1); then consume them all, with libbpf's
 * ring_buffer__consume() (custom 0) or the custom consumer (records read in
 * place, one position store per pass: 1). -EILSEQ when one is missing,
 * dropped or out of order.
 */
int bpf_gen_run(struct bpf_gen *gen, int reserve, int custom, uint64_t count,
		uint32_t record_bytes);

#endif /* KSHM_BENCH_VM_BPF_GEN_H */
