/* SPDX-License-Identifier: MIT */
/* What the BPF generator (ringbuf_gen.bpf.c) and its loader (bpf_gen.c) share. */
#ifndef KSHM_BENCH_VM_RINGBUF_GEN_H
#define KSHM_BENCH_VM_RINGBUF_GEN_H

#include <linux/types.h>

#define RINGBUF_GEN_MAX_RECORD	4096
#define RINGBUF_GEN_RING_BYTES	(256 * 1024)	/* as kshm_vmbench's events channel */

/* The program's context: in from the caller, out after the run. */
struct generate_args {
	__u64 count;
	__u64 first_seq;
	__u32 record_bytes;	/* 8 .. RINGBUF_GEN_MAX_RECORD */
	__u32 reserved;
	__u64 produced;		/* out */
	__u64 dropped;		/* out: the ring was full */
};

#endif /* KSHM_BENCH_VM_RINGBUF_GEN_H */
