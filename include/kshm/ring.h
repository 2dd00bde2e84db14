/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Layout of a kshm channel ring in shared memory. Part of the ABI, like
 * abi.h: the producer and the consumer may be the kernel and a process in
 * either direction, 32- or 64-bit.
 *
 *   page 0   struct kshm_ring_consumer   written by the consumer only
 *   page 1   struct kshm_ring_producer   written by the producer only
 *   page 2.. data: data_size bytes, a power of two, a whole number of pages
 *
 * Each side's page can thus be mapped read-only to the other side. Positions
 * are free-running byte counts (never reduced modulo the size); the byte at
 * position p lives at data[p & (data_size - 1)], and
 * 0 <= producer.pos - consumer.pos <= data_size always holds for an honest
 * pair. A side that reads the other's position checks this before using it.
 *
 * Records are 8-byte aligned and never wrap: a record starts with struct
 * kshm_ring_record; when the space left before the end of the data area is
 * too small, the producer fills it with a PAD record and continues at offset
 * 0. A record occupies kshm_ring_record_bytes(len) bytes.
 *
 * Memory order (see core/ring.h and core/ring.c, which implement both sides):
 *  - producer: write records, then store-release producer.pos;
 *  - consumer: load-acquire producer.pos, read records, then store-release
 *    consumer.pos, which hands the space back to the producer;
 *  - sleeping: the consumer sets KSHM_RING_NEED_WAKEUP, issues a full
 *    barrier and re-reads producer.pos before sleeping; the producer issues a
 *    full barrier after publishing and wakes the consumer only if the flag is
 *    set, so a busy stream costs no wake-ups and none is ever lost;
 *  - the same handshake the other way round for a producer waiting for room:
 *    it sets KSHM_RING_PRODUCER_WAITING, full barrier, re-reads consumer.pos;
 *    the consumer, after releasing, full barrier, reads the flag and kicks
 *    the producer (on Linux: KSHM_IOC_CHANNEL_KICK) only if it is set.
 */
#ifndef KSHM_RING_ABI_H
#define KSHM_RING_ABI_H

#include "abi.h"

struct kshm_ring_consumer {
	__u64 pos;		/* next byte the consumer will read */
	__u32 flags;		/* KSHM_RING_NEED_WAKEUP */
	__u32 wakeup_bytes;	/* wake only once this many bytes are pending (0: any) */
};

struct kshm_ring_producer {
	__u64 pos;		/* end of the committed records */
	__u64 dropped;		/* records the producer could not fit (drop-on-full) */
	__u32 flags;		/* KSHM_RING_PRODUCER_WAITING */
	__u32 reserved;
};

#define KSHM_RING_PRODUCER_WAITING	(1U << 0)

#define KSHM_RING_NEED_WAKEUP	(1U << 0)

struct kshm_ring_record {
	__u32 len;		/* payload bytes, and the flags below */
	__u32 type;		/* for the user of the ring; 0 for PAD */
};

#define KSHM_RECORD_PAD		(1U << 31) /* filler up to the end of the data area */
#define KSHM_RECORD_DISCARD	(1U << 30) /* reserved, then withdrawn by the producer */
#define KSHM_RECORD_LEN_MASK	((1U << 30) - 1)

#define KSHM_RING_HEADER_PAGES	2

static inline __u64 kshm_ring_record_bytes(__u32 len)
{
	return ((__u64)len + sizeof(struct kshm_ring_record) + 7) & ~(__u64)7;
}

#ifndef __cplusplus
KSHM_ABI_ASSERT(sizeof(struct kshm_ring_consumer) == 16);
KSHM_ABI_ASSERT(sizeof(struct kshm_ring_producer) == 24);
KSHM_ABI_ASSERT(sizeof(struct kshm_ring_record) == 8);
#endif

#endif /* KSHM_RING_ABI_H */
