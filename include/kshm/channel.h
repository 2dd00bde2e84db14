/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Channel requests: rings in shared memory (layout in ring.h) between the
 * kernel and a process, in either direction, with no system call per
 * message. Same conventions as abi.h (size field first, fixed-width fields,
 * one layout for 32 and 64 bits).
 *
 * A channel is a region of the handle (same id space, destroyed with
 * KSHM_IOC_REGION_DESTROY or at close) whose pages hold one ring:
 *   KSHM_CHANNEL_EVENTS       kernel -> process: the process maps the
 *                             consumer page (page 0) read-write and the rest
 *                             read-only;
 *   KSHM_CHANNEL_SUBMISSIONS  process -> kernel: the process maps the
 *                             consumer page read-only and the rest read-write.
 * On Linux both parts are mmap()ed from the channel's window (mmap_offset,
 * the consumer page at +0, the producer page and data at +page_size); a
 * process waits for events with poll() on the device (EPOLLIN when any events
 * channel has records), after asking for a wake-up in the consumer page.
 * On Windows the driver maps them into the caller on KSHM_IOC_CHANNEL_MAP, as
 * two views (one Windows mapping has one protection): the consumer page, and
 * the producer page with the data after it; the process waits on an event of
 * its own that the driver sets instead of poll().
 */
#ifndef KSHM_CHANNEL_ABI_H
#define KSHM_CHANNEL_ABI_H

#include "abi.h"
#include "ring.h"

#define KSHM_CHANNEL_EVENTS		1
#define KSHM_CHANNEL_SUBMISSIONS	2

/* Region kind of a channel (KSHM_IOC_REGION_INFO). */
#define KSHM_KIND_CHANNEL		3

/* KSHM_IOC_CHANNEL_CREATE */
struct kshm_channel_create {
	__u32 size;
	__u32 kind;		/* KSHM_CHANNEL_* */
	__u64 data_bytes;	/* ring data area: a power of two, whole pages */
	__u64 mapped_length;	/* out: header pages + data */
	__u64 mmap_offset;	/* out */
	__u32 id;		/* out */
	__u32 reserved;
};

/* Largest generated record: the generator writes records with interrupts off. */
#define KSHM_GENERATE_MAX_RECORD	(64U << 10)

/* Generator flags. */
#define KSHM_GENERATE_BLOCK	(1U << 0) /* wait for room instead of dropping */

/*
 * KSHM_IOC_CHANNEL_GENERATE: the kernel publishes `count` records of
 * `record_bytes` payload bytes and type `type` into an events channel as fast
 * as it can. Payload: the record's sequence number (__u64, from `first_seq`)
 * followed by the kshm pattern of that sequence number.
 */
struct kshm_channel_generate {
	__u32 size;
	__u32 id;
	__u64 count;
	__u64 first_seq;
	__u32 record_bytes;	/* 8 .. KSHM_GENERATE_MAX_RECORD */
	__u32 type;
	__u32 flags;
	__u32 reserved;
	__u64 produced;		/* out */
	__u64 dropped;		/* out: ring full, without KSHM_GENERATE_BLOCK */
};

/*
 * KSHM_IOC_CHANNEL_PROCESS: the kernel's echo/checksum service. It consumes
 * up to max_records submissions from `submissions` and posts one completion
 * (struct kshm_completion, type KSHM_COMPLETION_TYPE) per submission to the
 * events channel `completions`; it stops early when that ring is full.
 */
struct kshm_channel_process {
	__u32 size;
	__u32 submissions;	/* channel id */
	__u32 completions;	/* channel id */
	__u32 max_records;
	__u64 processed;	/* out */
};

/*
 * KSHM_IOC_CHANNEL_KICK: the consumer of an events channel released room and
 * saw KSHM_RING_PRODUCER_WAITING in the producer page: wake the kernel's
 * producer. Only then; a busy stream never needs it.
 */
struct kshm_channel_kick {
	__u32 size;
	__u32 id;
};

/*
 * KSHM_IOC_CHANNEL_MAP (Windows only): map a channel's pages into the caller,
 * once. `event` is a handle of the caller's to an event object (needs
 * EVENT_MODIFY_STATE) that the driver sets whenever it would wake a poll() on
 * Linux, i.e. only when the consumer asked (KSHM_RING_NEED_WAKEUP); 0 for
 * none; a submissions channel takes none. The views are the caller's until
 * the channel is destroyed or the handle closed, which unmap them.
 */
struct kshm_channel_map {
	__u32 size;
	__u32 id;
	__u64 event;		/* in: event HANDLE, or 0 */
	__u64 consumer_addr;	/* out: the consumer page */
	__u64 producer_addr;	/* out: the producer page; the data follows it */
};

#define KSHM_COMPLETION_TYPE	0x4b43	/* "KC" */

/* Payload of a completion record. */
struct kshm_completion {
	__u64 user_data;	/* the submission's first 8 bytes (0 if shorter) */
	__u64 checksum;		/* kshm checksum of the whole submission payload */
	__u32 type;		/* the submission's record type */
	__u32 len;		/* the submission's payload bytes */
};

#define KSHM_NR_CHANNEL_CREATE		0x10
#define KSHM_NR_CHANNEL_GENERATE	0x11
#define KSHM_NR_CHANNEL_PROCESS		0x12
#define KSHM_NR_CHANNEL_KICK		0x13
#define KSHM_NR_CHANNEL_MAP		0x14	/* Windows only */

#if defined(__linux__)
#define KSHM_IOC_CHANNEL_CREATE	  _IOWR(KSHM_IOC_MAGIC, KSHM_NR_CHANNEL_CREATE, struct kshm_channel_create)
#define KSHM_IOC_CHANNEL_GENERATE _IOWR(KSHM_IOC_MAGIC, KSHM_NR_CHANNEL_GENERATE, struct kshm_channel_generate)
#define KSHM_IOC_CHANNEL_PROCESS  _IOWR(KSHM_IOC_MAGIC, KSHM_NR_CHANNEL_PROCESS, struct kshm_channel_process)
#define KSHM_IOC_CHANNEL_KICK	  _IOW(KSHM_IOC_MAGIC, KSHM_NR_CHANNEL_KICK, struct kshm_channel_kick)
#else
#define KSHM_IOC_CHANNEL_CREATE	  KSHM_CTL(KSHM_NR_CHANNEL_CREATE, KSHM_CTL_BUFFERED)
#define KSHM_IOC_CHANNEL_GENERATE KSHM_CTL(KSHM_NR_CHANNEL_GENERATE, KSHM_CTL_BUFFERED)
#define KSHM_IOC_CHANNEL_PROCESS  KSHM_CTL(KSHM_NR_CHANNEL_PROCESS, KSHM_CTL_BUFFERED)
#define KSHM_IOC_CHANNEL_KICK	  KSHM_CTL(KSHM_NR_CHANNEL_KICK, KSHM_CTL_BUFFERED)
#define KSHM_IOC_CHANNEL_MAP	  KSHM_CTL(KSHM_NR_CHANNEL_MAP, KSHM_CTL_BUFFERED)
#endif

#ifndef __cplusplus
KSHM_ABI_ASSERT(sizeof(struct kshm_channel_create) == 40);
KSHM_ABI_ASSERT(sizeof(struct kshm_channel_generate) == 56);
KSHM_ABI_ASSERT(sizeof(struct kshm_channel_process) == 24);
KSHM_ABI_ASSERT(sizeof(struct kshm_completion) == 24);
KSHM_ABI_ASSERT(sizeof(struct kshm_channel_kick) == 8);
KSHM_ABI_ASSERT(sizeof(struct kshm_channel_map) == 32);
#endif

#endif /* KSHM_CHANNEL_ABI_H */
