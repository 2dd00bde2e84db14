// SPDX-License-Identifier: GPL-2.0
/*
 * Channels: one ring (core/ring.c) in pages shared with the process.
 *
 * Events channels: the kernel produces. Records are reserved, written and
 * committed under a spinlock with interrupts off, so kshm_channel_publish()
 * works from any context, including hard interrupts; the wake-up goes through
 * the file's poll queue only when the consumer asked for one.
 *
 * Submissions channels: the process produces, the kernel consumes in process
 * context under a mutex, copying every record out once (no double fetch).
 *
 * Either way the kernel's ring view (positions, size) lives in this private
 * struct; the process can only write positions and records in the shared
 * pages, and core/ring.c checks each one it reads. A channel whose peer wrote
 * something impossible is marked broken and refuses further work (EIO).
 * Publishing, the services' loops and the record contents are core/channel.c's
 * (the Windows driver runs the same); this file supplies the locks, the
 * wake-ups and the sleeps.
 */
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "kshm_dev.h"
#include "include/kshm/kernel.h"
#include "core/validate.h"
#include "core/policy.h"
#include "core/ring.h"
#include "core/channel.h"

/* The file's poll queue, kept alive by the file and by each of its channels. */
struct kshm_notify {
	struct kref ref;
	wait_queue_head_t wq;
};

struct kshm_channel {
	struct kshm_kchannel sc;	/* ring view, kind, broken (core/channel.h) */
	raw_spinlock_t produce_lock;	/* events: the kernel's producer side (any context) */
	struct irq_work wake_work;	/* events: a wake-up asked for in hard-IRQ context */
	struct mutex consume_lock;	/* submissions: the kernel's consumer side */
	wait_queue_head_t space_wq;	/* events: a producer waiting for room */
	atomic_t kicks;			/* events: KSHM_IOC_CHANNEL_KICKs so far */
	bool closed;			/* destroyed or its file released: wait for nothing more */
	struct kshm_notify *notify;
	struct kshm_region *region;	/* the region holding the ring's pages */
};

static const struct kshm_kchannel_ops kchannel_ops;
static const struct kshm_region_ops channel_region_ops;
static void wake_consumer_later(struct irq_work *work);

static struct kshm_channel *to_channel(struct kshm_kchannel *sc)
{
	return container_of(sc, struct kshm_channel, sc);
}

struct kshm_notify *kshm_notify_new(void)
{
	struct kshm_notify *notify = kzalloc(sizeof(*notify), GFP_KERNEL_ACCOUNT);

	if (notify) {
		kref_init(&notify->ref);
		init_waitqueue_head(&notify->wq);
	}
	return notify;
}

static void notify_release(struct kref *ref)
{
	kfree(container_of(ref, struct kshm_notify, ref));
}

void kshm_notify_put(struct kshm_notify *notify)
{
	kref_put(&notify->ref, notify_release);
}

struct kshm_region *kshm_channel_new(struct kshm_file *kf, const struct kshm_channel_create *req,
				     u64 alloc_bytes, const struct kshm_limits *limits)
{
	struct kshm_channel *channel = kzalloc(sizeof(*channel), GFP_KERNEL_ACCOUNT);
	struct kshm_region *region;
	void *kva;

	if (!channel)
		return ERR_PTR(-ENOMEM);
	region = kshm_region_alloc_pages(alloc_bytes, alloc_bytes, 0, limits);
	if (IS_ERR(region)) {
		kfree(channel);
		return region;
	}
	kva = region->kva;
	raw_spin_lock_init(&channel->produce_lock);
	init_irq_work(&channel->wake_work, wake_consumer_later);
	init_waitqueue_head(&channel->space_wq);
	atomic_set(&channel->kicks, 0);
	mutex_init(&channel->consume_lock);
	/* Sizes were validated: a power of two of whole pages after two header pages. */
	kshm_kchannel_init(&channel->sc, req->kind, kva, PAGE_SIZE, req->data_bytes,
				  &kchannel_ops);
	kref_get(&kf->notify->ref);
	channel->notify = kf->notify;
	channel->region = region;
	region->ops = &channel_region_ops;
	region->head.kind = KSHM_KIND_CHANNEL;
	region->channel = channel;
	return region;
}

/* Called when the region is released: nobody can reach the channel any more. */
static void channel_free(struct kshm_channel *channel)
{
	irq_work_sync(&channel->wake_work);	/* a wake-up still queued uses notify */
	kshm_notify_put(channel->notify);
	mutex_destroy(&channel->consume_lock);
	kfree(channel);
}

/*
 * The channel's id is gone (destroy, or the file's release) while calls or
 * mappings may still hold it: a generator waiting for room stops waiting,
 * since nobody can ask for its records any more.
 */
static void channel_close(struct kshm_region *region)
{
	struct kshm_channel *channel = region->channel;

	WRITE_ONCE(channel->closed, true);
	wake_up_interruptible(&channel->space_wq);
}

static void channel_release(struct kshm_region *region)
{
	channel_free(region->channel);
	kshm_kernel_pages_release(region);
}

static const struct kshm_region_ops channel_region_ops = {
	.release = channel_release,
	.data = kshm_kernel_pages_data,
	.pfn = kshm_kernel_pages_pfn,
	.forget = channel_close,
	.mappable = true,
};

/*
 * The producer's lock is a raw spinlock with interrupts off: publishing may
 * come from any context, hard interrupts included (hrtimers in hard mode,
 * IRQF_NO_THREAD handlers), where even PREEMPT_RT may not sleep. What it
 * guards is bounded: one record of at most KSHM_PUBLISH_MAX_RECORD from
 * kshm_channel_publish(), a batch of at most 64 KiB from the generator.
 */
static uintptr_t producer_lock(struct kshm_kchannel *sc)
	__acquires(&to_channel(sc)->produce_lock)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&to_channel(sc)->produce_lock, irqflags);
	return irqflags;
}

static void producer_unlock(struct kshm_kchannel *sc, uintptr_t irqflags)
	__releases(&to_channel(sc)->produce_lock)
{
	raw_spin_unlock_irqrestore(&to_channel(sc)->produce_lock, irqflags);
}

static void wake_consumer_now(struct kshm_channel *channel)
{
	wake_up_interruptible_poll(&channel->notify->wq, EPOLLIN | EPOLLRDNORM);
}

static void wake_consumer_later(struct irq_work *work)
{
	wake_consumer_now(container_of(work, struct kshm_channel, wake_work));
}

/*
 * A wait queue's lock is not a raw one: from hard-IRQ context the wake-up
 * goes through an irq_work (as the BPF ring buffer's does), which runs it
 * once the interrupt is over.
 */
static void wake_consumer(struct kshm_kchannel *sc)
{
	struct kshm_channel *channel = to_channel(sc);

	if (in_hardirq())
		irq_work_queue(&channel->wake_work);
	else
		wake_consumer_now(channel);
}

/**
 * kshm_channel_publish() - publish one record into a process's events channel
 * @channel: from kshm_channel_get(), an events channel
 * @type: record type, for the process
 * @payload: @len bytes to copy into the record
 * @len: payload bytes, at most %KSHM_PUBLISH_MAX_RECORD and the ring's maximum
 *	 payload (half the data area less the header)
 *
 * Context: process, softirq or hard interrupt context (PREEMPT_RT included:
 * hrtimers in HRTIMER_MODE_*_HARD, IRQF_NO_THREAD handlers); never sleeps;
 * not from NMI. It takes the channel's producer raw spinlock with interrupts
 * disabled and copies at most %KSHM_PUBLISH_MAX_RECORD bytes while holding
 * it, so calls on one channel from several CPUs or contexts are serialised
 * and each record is whole. From hard-IRQ context a wake-up of the process is
 * deferred to an irq_work, which runs when the interrupt returns.
 * When the ring is full the record is dropped and counted in the ring's
 * producer page (the process sees the count, kshm_channel_dropped()); nothing
 * is ever overwritten. The process is woken only when it asked (it sleeps in
 * poll()), never per record.
 *
 * Return: 0; -ENOSPC: the ring is full, the record dropped and counted;
 * -EFBIG: over %KSHM_PUBLISH_MAX_RECORD or the ring's maximum payload;
 * -EINVAL: not an events channel; -EPIPE: the process destroyed the channel
 * or closed its file (exit, kill): nobody will read it, stop publishing and
 * put the reference; -EIO: the process corrupted the ring (it stays so).
 */
int kshm_channel_publish(struct kshm_channel *channel, u32 type, const void *payload, u32 len)
{
	return kshm_status_to_errno(kshm_policy_publish_record(&channel->sc,
								READ_ONCE(channel->closed),
								type, payload, len));
}
EXPORT_SYMBOL_GPL(kshm_channel_publish);

/**
 * kshm_channel_get() - find a channel of an open kshm file, with a reference
 * @file: a file of /dev/kshm (e.g. fget() of a descriptor the process passed)
 * @id: the channel's id in that file (kshm_channel_id() in the process)
 *
 * The channel, its ring and its pages stay valid until kshm_channel_put(),
 * whatever the process does meanwhile (destroy the channel, close the file,
 * exit, be killed); from then on the channel is closed: publishing and
 * consuming answer -EPIPE.
 *
 * Context: process context; takes the file's region lock (a spinlock).
 * Return: the channel (events or submissions: kshm_channel_kind()), or
 * ERR_PTR(-EINVAL) when @file is not a kshm file or @id names a region that
 * is not a channel, ERR_PTR(-ENOENT) when @file has no region @id.
 */
struct kshm_channel *kshm_channel_get(struct file *file, u32 id)
{
	struct kshm_region *region = kshm_file_lookup(file, id, true);

	return IS_ERR(region) ? ERR_CAST(region) : region->channel;
}
EXPORT_SYMBOL_GPL(kshm_channel_get);

/**
 * kshm_channel_get_fd() - kshm_channel_get() of a descriptor of the current process
 * @fd: the process's kshm descriptor (kshm_native_handle() in the process)
 * @id: the channel's id
 *
 * Context: process context, in the process that passed @fd (an ioctl of
 * yours); may sleep.
 * Return: the channel, ERR_PTR(-EBADF) when @fd is not an open descriptor,
 * else as kshm_channel_get().
 */
struct kshm_channel *kshm_channel_get_fd(int fd, u32 id)
{
	struct kshm_region *region = kshm_file_lookup_fd(fd, id, true);

	return IS_ERR(region) ? ERR_CAST(region) : region->channel;
}
EXPORT_SYMBOL_GPL(kshm_channel_get_fd);

/**
 * kshm_channel_kind() - which way a channel goes
 * @channel: from kshm_channel_get()
 *
 * Context: any.
 * Return: %KSHM_CHANNEL_EVENTS (kernel -> process: kshm_channel_publish())
 * or %KSHM_CHANNEL_SUBMISSIONS (process -> kernel: kshm_channel_consume()).
 */
u32 kshm_channel_kind(const struct kshm_channel *channel)
{
	return channel->sc.kind;
}
EXPORT_SYMBOL_GPL(kshm_channel_kind);

/**
 * kshm_channel_closed() - has the process let go of the channel?
 * @channel: from kshm_channel_get()
 *
 * Publishing and consuming answer -EPIPE once it has; the reference is
 * still yours to put.
 *
 * Context: any.
 * Return: true once the process destroyed the channel or its kshm file was
 * released (closed, the process exited or was killed); it stays true.
 */
bool kshm_channel_closed(const struct kshm_channel *channel)
{
	return READ_ONCE(channel->closed);
}
EXPORT_SYMBOL_GPL(kshm_channel_closed);

/**
 * kshm_channel_put() - release a channel from kshm_channel_get()
 * @channel: the channel
 *
 * Context: process context, may sleep: the last reference frees the ring's
 * pages. Never from an interrupt or under a spinlock (an hrtimer or IRQ
 * handler that stops publishing leaves the put to its process-context side).
 */
void kshm_channel_put(struct kshm_channel *channel)
{
	kshm_region_put(channel->region);
}
EXPORT_SYMBOL_GPL(kshm_channel_put);

/**
 * kshm_channel_consume() - hand a submissions channel's records to a driver
 * @channel: from kshm_channel_get(), a submissions channel
 * @max_records: at most this many records, and at most one ringful per call
 * @fn: called with @arg, each record's type, payload and length, oldest first
 * @arg: for @fn
 *
 * The driver's own consumer of what the process submits, e.g. from its
 * kthread; the same ring code as the built-in service checks every position
 * and record header the process wrote, once, before @fn sees a record. The
 * payload is in memory the process can rewrite at any moment, so @fn must
 * read each byte once: copy it out, then check and use the copy. @fn returns
 * 0 to consume the record, or a negative errno to leave it, and every later
 * one, for the next call (e.g. no room for its answer yet). The records @fn
 * consumed are handed back to the process once, at the end of the call.
 * kshm does not wake your thread when the process submits: the process tells
 * your driver (an ioctl of yours after kshm_channel_commit()), or your thread
 * looks periodically.
 *
 * Context: process context (your kthread or an ioctl); takes the channel's
 * consumer mutex, which the built-in service (KSHM_IOC_CHANNEL_PROCESS) takes
 * too, and calls @fn with it held: @fn may sleep, and must not call
 * kshm_channel_consume() on the same channel.
 *
 * Return: the number of records consumed (0: none pending); when @fn
 * refused the first record, its error; -EINVAL: not a submissions channel;
 * -EPIPE: the process let go of the channel (kshm_channel_closed()); -EIO:
 * the process corrupted the ring (it stays so).
 */
int kshm_channel_consume(struct kshm_channel *channel, u32 max_records, kshm_consume_fn *fn,
			 void *arg)
{
	int err = kshm_status_to_errno(kshm_policy_consumer(&channel->sc,
							    READ_ONCE(channel->closed)));
	enum kshm_service_end end;
	u32 consumed;
	int refusal;

	if (err)
		return err;
	mutex_lock(&channel->consume_lock);
	end = kshm_kchannel_consume(&channel->sc, min_t(u32, max_records, INT_MAX), fn, arg,
				   &consumed, &refusal);
	mutex_unlock(&channel->consume_lock);
	if (consumed)
		return consumed;
	if (end == KSHM_SERVICE_BROKEN)
		return -EIO;
	return refusal;
}
EXPORT_SYMBOL_GPL(kshm_channel_consume);

/*
 * Sleep until the consumer kicks us after releasing room (it does so only
 * when it sees our flag), at most a second: a consumer that never kicks
 * costs latency, not a hang. A closed channel ends the wait for good.
 */
static bool wait_for_space(struct kshm_kchannel *sc, u32 len)
{
	struct kshm_channel *channel = to_channel(sc);
	int kicks = atomic_read(&channel->kicks);
	long left = 1;

	if (kshm_kchannel_prepare_wait_space(sc, len))
		left = wait_event_interruptible_timeout(channel->space_wq,
							atomic_read(&channel->kicks) != kicks ||
							READ_ONCE(channel->closed), HZ);
	kshm_kchannel_finish_wait_space(sc);
	return left >= 0 && !READ_ONCE(channel->closed);
}

/* Any signal ends a service call (a kill, or a handler the process wants to run). */
static bool caller_signalled(void)
{
	return signal_pending(current);
}

static bool channel_closed(struct kshm_kchannel *sc)
{
	return READ_ONCE(to_channel(sc)->closed);
}

static const struct kshm_kchannel_ops kchannel_ops = {
	.lock = producer_lock,
	.unlock = producer_unlock,
	.wake = wake_consumer,
	.wait_for_space = wait_for_space,
	.interrupted = caller_signalled,
	.closed = channel_closed,
	.yield = kshm_let_others_run,
};

/* The ring behind a region, or NULL when the region is no channel. */
struct kshm_kchannel *kshm_region_kchannel(const struct kshm_region *region)
{
	return region->channel ? &region->channel->sc : NULL;
}

static long service_errno(enum kshm_service_end end)
{
	return kshm_status_to_errno(kshm_policy_service_verdict(end));
}

long kshm_channel_kick(struct kshm_region *region)
{
	struct kshm_channel *channel = region->channel;
	int err = kshm_status_to_errno(kshm_policy_channel(kshm_region_kchannel(region),
							   KSHM_CHANNEL_EVENTS));

	if (err)
		return err;
	atomic_inc(&channel->kicks);
	wake_up_interruptible(&channel->space_wq);
	return 0;
}

long kshm_channel_generate(struct kshm_region *region, struct kshm_channel_generate *req)
{
	struct kshm_channel *channel = region->channel;
	enum kshm_service_end end;
	int err = kshm_status_to_errno(kshm_policy_channel(kshm_region_kchannel(region),
							   KSHM_CHANNEL_EVENTS));

	if (err)
		return err;
	err = kshm_status_to_errno(kshm_validate_channel_generate(
		req, kshm_ring_max_payload(&channel->sc.ring)));
	if (err)
		return err;
	end = kshm_service_generate(&channel->sc, req);
	return service_errno(end);
}

long kshm_channel_process(struct kshm_region *sub_region, struct kshm_region *comp_region,
			  struct kshm_channel_process *req)
{
	struct kshm_channel *sub = sub_region->channel, *comp = comp_region->channel;
	enum kshm_service_end end;

	if (kshm_policy_channel(kshm_region_kchannel(sub_region), KSHM_CHANNEL_SUBMISSIONS) ||
	    kshm_policy_channel(kshm_region_kchannel(comp_region), KSHM_CHANNEL_EVENTS))
		return -EINVAL;
	/* Another call may hold it for a ringful of work: wait, but never unkillably. */
	if (mutex_lock_interruptible(&sub->consume_lock))
		return -EINTR;
	end = kshm_service_process(&sub->sc, &comp->sc, req);
	mutex_unlock(&sub->consume_lock);
	return service_errno(end);
}

__poll_t kshm_poll(struct file *file, struct poll_table_struct *wait)
{
	struct kshm_file *kf = file->private_data;
	struct kshm_region *region;
	unsigned long id;
	__poll_t mask = 0;

	poll_wait(file, &kf->notify->wq, wait);
	xa_lock(&kf->regions);
	xa_for_each(&kf->regions, id, region) {
		if (region->channel && region->channel->sc.kind == KSHM_CHANNEL_EVENTS &&
		    kshm_kchannel_events_pending(&region->channel->sc)) {
			mask |= EPOLLIN | EPOLLRDNORM;
			break;
		}
	}
	xa_unlock(&kf->regions);
	return mask;
}
