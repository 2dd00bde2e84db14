/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kshm's in-kernel API: your driver, your process, the same memory.
 *
 * A process creates a region or a channel on its kshm handle (libkshm) and
 * passes your driver what names it: its kshm descriptor and the region's or
 * channel's id (kshm_region_id(), kshm_channel_id()), for example in an ioctl
 * of your own device. Your driver looks the object up (a counted reference),
 * uses it, and puts the reference back. The guide, with two sample drivers:
 * docs/kernel-api.md; the samples: examples/.
 *
 * Lifetime. A reference keeps the object's memory and its kernel view valid
 * whatever the process does meanwhile: destroy the object, close its handle,
 * exit, be killed. The process's side of it is gone then: a channel is
 * "closed" (kshm_channel_closed(); publishing and consuming answer -EPIPE) and
 * a region's pages are only yours, until you put the reference. Nothing the
 * process does makes a reference dangle, and nothing it writes into shared
 * memory can make these calls read or write outside the object (every
 * position and record header is checked once, by the same code as the
 * built-in services: core/ring.c). Put every reference you take: the pages
 * stay allocated (and counted in kshm's counters) until then.
 *
 * Module lifetime (Linux): your module's use of these symbols pins kshm
 * (lsmod shows kshm "used by" it), so kshm cannot be unloaded while your
 * module is loaded, and your module cannot be loaded without kshm ("Unknown
 * symbol"): load kshm first, or let modprobe do it (depmod finds the
 * dependency).
 *
 * Errors are negative errno values (0 on success); a lookup returns an
 * ERR_PTR(), never NULL.
 *
 * Building a module against it: KBUILD_EXTRA_SYMBOLS names kshm's
 * Module.symvers and the include path holds this header's directory; the
 * exact lines for a DKMS and a `make install` installation are in
 * docs/kernel-api.md.
 */
#ifndef KSHM_KERNEL_H
#define KSHM_KERNEL_H

#include "channel.h"	/* KSHM_CHANNEL_EVENTS, KSHM_CHANNEL_SUBMISSIONS */

/* This header's API; a later one only adds to it. */
#define KSHM_KERNEL_API_VERSION	1

/*
 * Largest payload kshm_channel_publish() copies: it copies with interrupts
 * off, so the time that takes is bounded here, not by the channel's size.
 */
#define KSHM_PUBLISH_MAX_RECORD	4096U

#if defined(__KERNEL__) && defined(__linux__)

#include <linux/types.h>

struct file;
struct kshm_region;	/* a region of a process's kshm file (opaque) */
struct kshm_channel;	/* a channel of a process's kshm file (opaque) */

/* The kernel's view of a region: valid while the reference is held. */
struct kshm_kernel_view {
	void *addr;	/* first byte of the region's data (for an attached buffer, the caller's first byte) */
	u64 len;	/* bytes from addr */
	bool writable;	/* false for a buffer attached without KSHM_ATTACH_KERNEL_WRITE: read only */
};

/* Regions: memory shared with the process, both directions (process context, may sleep). */
struct kshm_region *kshm_region_get(struct file *file, u32 id);
struct kshm_region *kshm_region_get_fd(int fd, u32 id);
void kshm_region_kernel_view(const struct kshm_region *region, struct kshm_kernel_view *view);
void kshm_region_put(struct kshm_region *region);

/* Channels: rings in shared memory (docs/channel.md). */
struct kshm_channel *kshm_channel_get(struct file *file, u32 id);
struct kshm_channel *kshm_channel_get_fd(int fd, u32 id);
u32 kshm_channel_kind(const struct kshm_channel *channel);
bool kshm_channel_closed(const struct kshm_channel *channel);
void kshm_channel_put(struct kshm_channel *channel);

/* Events (kernel -> process): from any context, hard interrupts included. */
int kshm_channel_publish(struct kshm_channel *channel, u32 type, const void *payload, u32 len);

/*
 * Submissions (process -> kernel): from your thread. @fn gets each record
 * in turn; @payload is in memory the process may rewrite at any moment, so
 * read each byte once (copy it out, then check and use the copy). Return 0
 * to consume the record, or a negative errno to leave it (and every later
 * one) for the next call, e.g. when there is no room for its answer.
 */
typedef int kshm_consume_fn(void *arg, u32 type, const void *payload, u32 len);
int kshm_channel_consume(struct kshm_channel *channel, u32 max_records, kshm_consume_fn *fn,
			 void *arg);

#endif /* __KERNEL__ && __linux__ */

#endif /* KSHM_KERNEL_H */
