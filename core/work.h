/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The fill and checksum work on bytes the kernel can address, and on a
 * caller's buffer through a bounce buffer. Ranges can be hundreds of MiB, so
 * the work goes in chunks, with a reschedule point and a way out for a
 * caller that must stop between them (only between them: a finished request
 * is reported as done).
 */
#ifndef KSHM_CORE_WORK_H
#define KSHM_CORE_WORK_H

#include "platform.h"
#include "status.h"

/* Bytes between two looks at the caller: about 50 us of pattern fill. */
#define KSHM_WORK_CHUNK (256U << 10)

/* The calling thread, as each driver knows it. */
struct kshm_work_ops {
	bool (*interrupted)(void);	/* must it stop (a fatal signal; its thread terminating)? */
	void (*yield)(void);		/* let others run (NULL: the platform preempts anyway) */
};

/* KSHM_ERR_INTERRUPTED when the caller had to stop before the end. */
enum kshm_status kshm_work_fill(void *dst, uint64_t len, uint64_t seed, uint64_t pos,
				const struct kshm_work_ops *ops);

/*
 * The bytes may change under us (the process shares them): the result is
 * then some checksum of what was read, which is harmless; every byte is read
 * once and nothing depends on reading a value twice.
 */
enum kshm_status kshm_work_checksum(const void *src, uint64_t len, uint64_t *checksum,
				    const struct kshm_work_ops *ops);

/*
 * Moves `bytes` between offset `pos` of the caller's buffer and `bounce`
 * (into the bounce buffer when to_kernel); false when the caller's memory
 * faulted (the driver keeps its own error in ctx).
 */
typedef bool kshm_bounce_copy_fn(void *ctx, void *bounce, uint64_t pos, size_t bytes,
				 bool to_kernel);

/*
 * A transfer's work through a bounce buffer of bounce_bytes: the pattern
 * copied out to the caller (KSHM_DIR_FROM_KERNEL), or the caller's bytes
 * copied in and checksummed into req->checksum. KSHM_ERR_FAULT when a copy
 * failed.
 */
enum kshm_status kshm_work_bounced(struct kshm_transfer *req, void *bounce, size_t bounce_bytes,
				   kshm_bounce_copy_fn *copy, void *ctx,
				   const struct kshm_work_ops *ops);

#endif /* KSHM_CORE_WORK_H */
