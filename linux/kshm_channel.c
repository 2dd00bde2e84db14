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
 */
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "kshm_dev.h"
#include "kshm_channel.h"
#include "core/channel.h"
#include "core/checksum.h"
#include "core/ring.h"

/* The file's poll queue, kept alive by the file and by each of its channels. */
struct kshm_notify {
	struct kref ref;
	wait_queue_head_t wq;
};

struct kshm_channel {
	u32 kind;			/* KSHM_CHANNEL_* */
	bool broken;			/* the process wrote an impossible position or record */
	spinlock_t produce_lock;	/* events: the kernel's producer side */
	struct mutex consume_lock;	/* submissions: the kernel's consumer side */
	struct kshm_ring ring;		/* the kernel's private view of the ring */
	wait_queue_head_t space_wq;	/* events: a producer waiting for room */
	atomic_t kicks;			/* events: KSHM_IOC_CHANNEL_KICKs so far */
	struct kshm_notify *notify;
	struct kshm_region *region;	/* the region holding the ring's pages */
};

#define KSHM_COPY_CHUNK 256U	/* submissions are copied out through the stack in chunks */
/* Records per lock hold (interrupts are off) and per commit: at most 64, about 64 KiB. */
#define KSHM_GENERATE_BATCH_RECORDS 64U
#define KSHM_GENERATE_BATCH_BYTES (64U << 10)

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
	channel->kind = req->kind;
	spin_lock_init(&channel->produce_lock);
	init_waitqueue_head(&channel->space_wq);
	atomic_set(&channel->kicks, 0);
	mutex_init(&channel->consume_lock);
	/* Sizes were validated: a power of two of whole pages after two header pages. */
	kshm_ring_init(&channel->ring, kva, kva + PAGE_SIZE, kva + 2 * PAGE_SIZE, req->data_bytes);
	kref_get(&kf->notify->ref);
	channel->notify = kf->notify;
	channel->region = region;
	region->kind = KSHM_KIND_CHANNEL;
	region->channel = channel;
	return region;
}

/* Called when the region is released: nobody can reach the channel any more. */
void kshm_channel_free(struct kshm_channel *channel)
{
	kshm_notify_put(channel->notify);
	mutex_destroy(&channel->consume_lock);
	kfree(channel);
}

/*
 * The process writes the consumer page of an events channel, and the
 * producer page and data of a submissions channel; nothing else.
 */
bool kshm_channel_user_writable(const struct kshm_channel *channel, pgoff_t first_page,
				pgoff_t nr_pages)
{
	if (channel->kind == KSHM_CHANNEL_EVENTS)
		return first_page == 0 && nr_pages == 1;
	return first_page >= 1;
}

static void wake_consumer(struct kshm_channel *channel)
{
	wake_up_interruptible_poll(&channel->notify->wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * Reserve and fill records under the producer lock, without publishing them:
 * a record is complete before the lock is dropped, so whichever commit comes
 * next (ours or another publisher's) may make it visible. fill() writes
 * record `index` into `payload`. Returns the number written; *status says
 * why it stopped early.
 */
static u64 write_records(struct kshm_channel *channel, u64 count, u32 len, u32 type,
			 void (*fill)(void *payload, u32 len, u64 index, const void *arg),
			 const void *arg, enum kshm_status *status)
{
	unsigned long irqflags;
	u64 done = 0;

	*status = KSHM_OK;
	spin_lock_irqsave(&channel->produce_lock, irqflags);
	if (channel->broken) {
		*status = KSHM_ERR_RANGE;
		goto unlock;
	}
	for (; done < count; done++) {
		void *payload = kshm_ring_reserve(&channel->ring, len, type, status);

		if (!payload)
			break;
		fill(payload, len, done, arg);
	}
	if (*status == KSHM_ERR_RANGE)
		channel->broken = true;
unlock:
	spin_unlock_irqrestore(&channel->produce_lock, irqflags);
	return done;
}

/* Publish every record written so far, and wake the consumer if it asked. */
static void commit_records(struct kshm_channel *channel)
{
	unsigned long irqflags;
	bool wake;

	spin_lock_irqsave(&channel->produce_lock, irqflags);
	kshm_ring_commit(&channel->ring);
	wake = kshm_ring_need_wakeup(&channel->ring);
	spin_unlock_irqrestore(&channel->produce_lock, irqflags);
	if (wake)
		wake_consumer(channel);
}

static u64 publish_batch(struct kshm_channel *channel, u64 count, u32 len, u32 type,
			 void (*fill)(void *payload, u32 len, u64 index, const void *arg),
			 const void *arg, enum kshm_status *status)
{
	u64 done = write_records(channel, count, len, type, fill, arg, status);

	commit_records(channel);
	return done;
}

static void count_drop(struct kshm_channel *channel)
{
	unsigned long irqflags;

	spin_lock_irqsave(&channel->produce_lock, irqflags);
	kshm_ring_count_drop(&channel->ring);
	spin_unlock_irqrestore(&channel->produce_lock, irqflags);
}

static void fill_copy(void *payload, u32 len, u64 index, const void *arg)
{
	memcpy(payload, arg, len);
}

/**
 * kshm_channel_publish() - publish one record into a process's events channel
 * @channel: from kshm_channel_get()
 * @type: record type, for the process
 * @payload: @len bytes to copy into the record
 * @len: payload bytes, at most the ring's maximum payload (half the data area
 *	 less the header)
 *
 * Any context: takes a spinlock with interrupts disabled and never sleeps.
 * When the ring is full the record is dropped and counted in the ring's
 * producer page (the process sees the count); nothing is ever overwritten.
 *
 * Return: 0, -ENOSPC (full, dropped), -EFBIG (too large), -EINVAL (not an
 * events channel), -EIO (the process corrupted the ring).
 */
int kshm_channel_publish(struct kshm_channel *channel, u32 type, const void *payload, u32 len)
{
	enum kshm_status status;

	if (channel->kind != KSHM_CHANNEL_EVENTS)
		return -EINVAL;
	if (publish_batch(channel, 1, len, type, fill_copy, payload, &status))
		return 0;
	if (status == KSHM_ERR_QUOTA)
		count_drop(channel);
	return status == KSHM_ERR_RANGE ? -EIO : kshm_status_to_errno(status);
}
EXPORT_SYMBOL_GPL(kshm_channel_publish);

/**
 * kshm_channel_get() - find an events or submissions channel of an open kshm file
 * @file: a file of /dev/kshm (e.g. from fget() on a descriptor the process passed)
 * @id: the channel's region id in that file
 *
 * Process context. The channel stays valid until kshm_channel_put(), even if
 * the process destroys it or exits meanwhile (publishing then reaches nobody).
 *
 * Return: the channel, or NULL if @file is not a kshm file or @id not a channel.
 */
struct kshm_channel *kshm_channel_get(struct file *file, u32 id)
{
	struct kshm_region *region;

	if (!kshm_is_kshm_file(file))
		return NULL;
	region = kshm_file_get_region(file->private_data, id);
	if (region && !region->channel) {
		kshm_region_put(region);
		region = NULL;
	}
	return region ? region->channel : NULL;
}
EXPORT_SYMBOL_GPL(kshm_channel_get);

/**
 * kshm_channel_put() - release a channel from kshm_channel_get()
 * @channel: the channel
 *
 * Process context: the last reference frees the ring's pages (may sleep).
 */
void kshm_channel_put(struct kshm_channel *channel)
{
	kshm_region_put(channel->region);
}
EXPORT_SYMBOL_GPL(kshm_channel_put);

/* Generator payload: the sequence number, then the kshm pattern seeded with it. */
static void fill_generated(void *payload, u32 len, u64 index, const void *arg)
{
	u64 seq = *(const u64 *)arg + index;

	memcpy(payload, &seq, sizeof(seq));
	kshm_pattern_fill(payload + sizeof(seq), len - sizeof(seq), seq, 0);
}

/*
 * Sleep until the consumer kicks us after releasing room (it does so only
 * when it sees our flag), at most a second: a consumer that never kicks
 * costs latency, not a hang.
 */
static int wait_for_space(struct kshm_channel *channel, u32 len)
{
	int kicks = atomic_read(&channel->kicks);
	unsigned long irqflags;
	long left = 1;
	bool sleep;

	spin_lock_irqsave(&channel->produce_lock, irqflags);
	sleep = kshm_ring_prepare_wait_space(&channel->ring, len);
	spin_unlock_irqrestore(&channel->produce_lock, irqflags);
	if (sleep)
		left = wait_event_interruptible_timeout(channel->space_wq,
							atomic_read(&channel->kicks) != kicks, HZ);
	spin_lock_irqsave(&channel->produce_lock, irqflags);
	kshm_ring_finish_wait_space(&channel->ring);
	spin_unlock_irqrestore(&channel->produce_lock, irqflags);
	return left < 0 ? -EINTR : 0;
}

long kshm_channel_kick(struct kshm_region *region)
{
	struct kshm_channel *channel = region->channel;

	if (!channel || channel->kind != KSHM_CHANNEL_EVENTS)
		return -EINVAL;
	atomic_inc(&channel->kicks);
	wake_up_interruptible(&channel->space_wq);
	return 0;
}

long kshm_channel_generate(struct kshm_region *region, struct kshm_channel_generate *req)
{
	struct kshm_channel *channel = region->channel;
	enum kshm_status status;
	u32 batch;
	int err;

	if (!channel || channel->kind != KSHM_CHANNEL_EVENTS)
		return -EINVAL;
	err = kshm_status_to_errno(kshm_validate_channel_generate(
		req, kshm_ring_max_payload(&channel->ring)));
	if (err)
		return err;
	batch = clamp(KSHM_GENERATE_BATCH_BYTES / req->record_bytes, 1U, KSHM_GENERATE_BATCH_RECORDS);
	req->produced = 0;
	req->dropped = 0;
	while (req->produced + req->dropped < req->count) {
		u64 left = req->count - req->produced - req->dropped;
		u64 first_seq = req->first_seq + req->produced + req->dropped;

		req->produced += publish_batch(channel, min_t(u64, left, batch),
					       req->record_bytes, req->type, fill_generated,
					       &first_seq, &status);
		if (status == KSHM_ERR_RANGE)
			return -EIO;
		if (fatal_signal_pending(current))
			return -EINTR;
		if (status == KSHM_ERR_QUOTA) {
			if (!(req->flags & KSHM_GENERATE_BLOCK)) {
				count_drop(channel);
				req->dropped++;
				continue;
			}
			err = wait_for_space(channel, req->record_bytes);
			if (err)
				return err;
			continue;
		}
		cond_resched();
	}
	return 0;
}

/* Checksum a submission while copying it out once, through a small stack buffer. */
static void copy_out_submission(const struct kshm_ring_entry *entry, struct kshm_completion *done)
{
	u8 chunk[KSHM_COPY_CHUNK];
	struct kshm_csum csum;
	u32 off;

	kshm_csum_init(&csum);
	done->user_data = 0;
	for (off = 0; off < entry->len; off += KSHM_COPY_CHUNK) {
		u32 n = min(entry->len - off, KSHM_COPY_CHUNK);

		memcpy(chunk, entry->payload + off, n);
		if (off == 0 && n >= sizeof(done->user_data))
			memcpy(&done->user_data, chunk, sizeof(done->user_data));
		kshm_csum_update(&csum, chunk, n);
	}
	done->checksum = kshm_csum_final(&csum);
	done->type = entry->type;
	done->len = entry->len;
}

long kshm_channel_process(struct kshm_region *sub_region, struct kshm_region *comp_region,
			  struct kshm_channel_process *req)
{
	struct kshm_channel *sub = sub_region->channel, *comp = comp_region->channel;
	long err = 0;

	if (!sub || !comp || sub->kind != KSHM_CHANNEL_SUBMISSIONS ||
	    comp->kind != KSHM_CHANNEL_EVENTS)
		return -EINVAL;
	req->processed = 0;
	mutex_lock(&sub->consume_lock);
	if (sub->broken) {
		err = -EIO;
		goto unlock;
	}
	while (req->processed < req->max_records) {
		struct kshm_completion done;
		struct kshm_ring_entry entry;
		enum kshm_status status = kshm_ring_peek(&sub->ring, &entry);

		if (status == KSHM_ERR_NOENT)
			break;
		if (status) {
			sub->broken = true;
			err = -EIO;
			break;
		}
		copy_out_submission(&entry, &done);
		/* Completion first: a submission is consumed only once it has one. */
		if (!write_records(comp, 1, sizeof(done), KSHM_COMPLETION_TYPE, fill_copy, &done,
				   &status)) {
			if (status != KSHM_ERR_QUOTA)
				err = -EIO;
			break;
		}
		kshm_ring_advance(&sub->ring, &entry);
		req->processed++;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
	}
	/* One position update each way per call, however many records. */
	commit_records(comp);
	kshm_ring_release(&sub->ring);
unlock:
	mutex_unlock(&sub->consume_lock);
	return err;
}

/* Readable when an events ring holds records the process has not released. */
static bool events_pending(struct kshm_channel *channel)
{
	unsigned long irqflags;
	bool pending;

	spin_lock_irqsave(&channel->produce_lock, irqflags);
	pending = channel->ring.published != READ_ONCE(channel->ring.consumer->pos);
	spin_unlock_irqrestore(&channel->produce_lock, irqflags);
	return pending;
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
		if (region->channel && region->channel->kind == KSHM_CHANNEL_EVENTS &&
		    events_pending(region->channel)) {
			mask |= EPOLLIN | EPOLLRDNORM;
			break;
		}
	}
	xa_unlock(&kf->regions);
	return mask;
}
