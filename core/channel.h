/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The kernel's side of a channel, minus the kernel: publishing records into
 * an events ring under the driver's producer lock, the built-in services
 * (include/kshm/channel.h: the generator and the echo/checksum service), the
 * contents of generated and completion records, and which pages a process
 * may write. Both drivers run this code; each supplies its lock, wake-up,
 * sleep and "is the caller being killed" through struct kshm_kchannel_ops.
 *
 * A driver's channel embeds struct kshm_kchannel. The ring view in it
 * is the kernel's private one (core/ring.c checks everything the process
 * wrote); `broken` is set, under the lock of the side concerned, once the
 * process made the ring impossible, and stays set (EIO from then on).
 */
#ifndef KSHM_CORE_CHANNEL_H
#define KSHM_CORE_CHANNEL_H

#include "platform.h"
#include "ring.h"
#include "status.h"
#include "../include/kshm/channel.h"

struct kshm_kchannel;

struct kshm_kchannel_ops {
	/*
	 * Take / drop the producer's lock of an events channel: a spinlock
	 * (publishing may come from any context). The token is the driver's
	 * (saved interrupt flags, previous IRQL).
	 */
	uintptr_t (*lock)(struct kshm_kchannel *channel);
	void (*unlock)(struct kshm_kchannel *channel, uintptr_t token);
	/* Wake the consumer, which asked for it (called without the lock). */
	void (*wake)(struct kshm_kchannel *channel);
	/*
	 * Sleep until the consumer kicks, at most a second or so, between
	 * kshm_kchannel_prepare_wait_space() and kshm_kchannel_finish_wait_space().
	 * false: stop waiting (a signal, the thread being killed, the channel
	 * closed).
	 */
	bool (*wait_for_space)(struct kshm_kchannel *channel, uint32_t len);
	/*
	 * Must the calling thread stop (a signal pending on Linux, the thread
	 * terminating on Windows)? Checked before every batch.
	 */
	bool (*interrupted)(void);
	/* Has the channel left its handle (destroyed, file released)? Checked before every batch. */
	bool (*closed)(struct kshm_kchannel *channel);
	/* Before every batch: let others run (NULL: the platform preempts anyway). */
	void (*yield)(void);
};

struct kshm_kchannel {
	struct kshm_ring ring;		/* the kernel's private view of the ring */
	uint32_t kind;			/* KSHM_CHANNEL_* */
	bool broken;			/* the process wrote an impossible position or record */
	const struct kshm_kchannel_ops *ops;
};

/* Writes record `index` of a batch (len payload bytes) at `payload`. */
typedef void kshm_record_fill(void *payload, uint32_t len, uint64_t index, const void *arg);

/*
 * Generator payload: the sequence number (arg: the first record's, a
 * uint64_t, plus index), then the kshm pattern seeded with it.
 */
void kshm_fill_generated(void *payload, uint32_t len, uint64_t index, const void *arg);

/*
 * A submission's completion, checksummed straight from the ring, each byte
 * loaded once into a register (the user data is the first word of that same
 * pass): the process may rewrite the record meanwhile, and no byte is read
 * twice.
 */
void kshm_completion_of(const struct kshm_ring_entry *entry, struct kshm_completion *done);

/*
 * May the process write pages [first_page, first_page + nr_pages) of a
 * channel of `kind`? The consumer page of an events channel; the producer
 * page and the data of a submissions channel; nothing else.
 */
bool kshm_channel_user_writable_pages(uint32_t kind, uint64_t first_page, uint64_t nr_pages);

/* Set up the kernel's view of a channel's pages (sizes validated by kshm_validate_channel_create). */
void kshm_kchannel_init(struct kshm_kchannel *channel, uint32_t kind, void *pages,
			       uint64_t page_size, uint64_t data_bytes,
			       const struct kshm_kchannel_ops *ops);

/* Publish every record written so far, and wake the consumer if it asked. */
void kshm_kchannel_commit(struct kshm_kchannel *channel);

/*
 * Reserve and fill up to `count` records and publish them, under one hold of
 * the producer lock. Returns how many were written; *result says why fewer
 * (KSHM_RING_FULL, KSHM_RING_CORRUPT: broken, KSHM_RING_TOO_BIG).
 */
uint64_t kshm_kchannel_publish(struct kshm_kchannel *channel, uint64_t count, uint32_t len,
			      uint32_t type, kshm_record_fill *fill, const void *arg,
			      enum kshm_ring_result *result);

/*
 * kshm_kchannel_publish() of one record copied from `payload` (len bytes):
 * what a driver's publish is. True when it was published; else *result
 * says why.
 */
bool kshm_kchannel_publish_copy(struct kshm_kchannel *channel, uint32_t type, const void *payload,
				uint32_t len, enum kshm_ring_result *result);

/* Count a record dropped on a full ring, in the producer page. */
void kshm_kchannel_count_drop(struct kshm_kchannel *channel);

/*
 * Around a producer's sleep for room (ops->wait_for_space): ask the consumer
 * to kick; true when the producer may sleep (else a record of `len` fits).
 */
bool kshm_kchannel_prepare_wait_space(struct kshm_kchannel *channel, uint32_t len);
void kshm_kchannel_finish_wait_space(struct kshm_kchannel *channel);

/* poll() readiness of an events channel: kshm_ring_consumer_ready() under its lock. */
bool kshm_kchannel_events_pending(struct kshm_kchannel *channel);

/* Generated records per producer lock hold and per commit: at most 64, about 64 KiB. */
uint32_t kshm_generate_batch(uint32_t record_bytes);

/* How a service run ended (each driver maps it to its error space). */
enum kshm_service_end {
	KSHM_SERVICE_DONE = 0,		/* possibly fewer than asked: see the counts */
	KSHM_SERVICE_BROKEN,		/* a ring holds something impossible (EIO) */
	KSHM_SERVICE_INTERRUPTED,	/* a signal or a kill before any work (EINTR) */
	KSHM_SERVICE_CANCELLED,		/* the channel was destroyed under the call (ECANCELED) */
};

/*
 * The work of one call is bounded, whatever the caller asks and whatever the
 * process does to the ring meanwhile: at most KSHM_GENERATE_MAX_PER_CALL
 * records generated or dropped, at most one ringful of submissions consumed.
 * Every loop yields and looks for a signal and a closed channel before each
 * batch, and a signal after some work ends the call with what was done.
 */
#define KSHM_GENERATE_MAX_PER_CALL	(1ULL << 20)

/*
 * KSHM_IOC_CHANNEL_GENERATE on an events channel and a request validated by
 * kshm_validate_channel_generate(): publish up to req->count records in
 * batches. A full ring drops and counts a record, or with
 * KSHM_GENERATE_BLOCK waits for a kick; without it, a batch's worth of
 * passes in a row that find the ring full (the consumer is not draining)
 * ends the call. Sets req->produced and req->dropped; their sum is less than
 * req->count when the call ended early (the ring stayed full, the per-call
 * bound, a signal).
 */
enum kshm_service_end kshm_service_generate(struct kshm_kchannel *events,
					    struct kshm_channel_generate *req);

/*
 * KSHM_IOC_CHANNEL_PROCESS, with the submissions channel's consumer side
 * held by the caller (a sleeping lock): consume up to max_records
 * submissions, each only once its completion is written, then one position
 * update each way. Stops early when the completions ring is full, after one
 * ringful of submissions (a producer that keeps refilling the ring cannot
 * hold the call), on a signal, or when either channel is closed. Sets
 * req->processed; marks the submissions channel broken when it is.
 */
enum kshm_service_end kshm_service_process(struct kshm_kchannel *submissions,
					   struct kshm_kchannel *completions,
					   struct kshm_channel_process *req);

/*
 * A driver's own consumer of a submissions channel (the in-kernel API's
 * kshm_channel_consume()), with the channel's consumer side held by the
 * caller: hand up to max_records submissions to `fn`, oldest first, each
 * stepped past once fn returned 0; the first one fn refuses (any other value,
 * stored in *refusal) stays, with every later one, for the next call. The
 * payload fn gets is in the process's memory: fn reads each byte once.
 * At most one ringful per call, however fast the process refills it.
 * One release of the consumer position at the end. Sets *consumed; returns
 * KSHM_SERVICE_BROKEN (and marks the channel so) when the process made the
 * ring impossible, else KSHM_SERVICE_DONE.
 */
typedef int kshm_kchannel_consume_fn(void *arg, uint32_t type, const void *payload, uint32_t len);

enum kshm_service_end kshm_kchannel_consume(struct kshm_kchannel *submissions,
					   uint32_t max_records, kshm_kchannel_consume_fn *fn,
					   void *arg, uint32_t *consumed, int *refusal);

#endif /* KSHM_CORE_CHANNEL_H */
