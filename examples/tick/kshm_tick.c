// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_tick: a sample driver that streams events into a process's kshm
 * channel from hard interrupt context.
 *
 * What a driver author takes from it:
 *  - the process hands over what names its channel (its /dev/kshm descriptor
 *    and the channel's id) in an ioctl of the driver's own device;
 *  - the driver looks the channel up once, in process context
 *    (kshm_channel_get_fd), and keeps the reference while it streams;
 *  - it publishes from an hrtimer in HRTIMER_MODE_REL_HARD, i.e. in hard
 *    interrupt context even on PREEMPT_RT, as an interrupt handler would:
 *    kshm_channel_publish() never sleeps; a full ring drops the record and
 *    counts it where the process sees it;
 *  - everything the process can do is handled: it closes /dev/kshm_tick or
 *    is killed (release: stop the timer, put the channel), or it lets go of
 *    the channel first (publishing answers -EPIPE: the timer stops itself,
 *    the reference is put at release, in process context, where a put may
 *    sleep).
 *
 * One stream per open file. While a process has /dev/kshm_tick open the
 * module cannot be unloaded (fops.owner), and while this module is loaded
 * kshm cannot be (we use its symbols).
 *
 * The program: tick.c. The walk-through: docs/kernel-api.md.
 */
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include <kshm/kernel.h>

#include "kshm_tick.h"

struct tick_stream {
	struct mutex lock;		/* START, STOP and release against each other */
	struct kshm_channel *channel;	/* held from START until STOP or release */
	struct hrtimer timer;
	ktime_t period;
	/* Written by the timer only, read by STATS: one writer, whole words. */
	u64 seq;
	u64 published;
	u64 dropped;
	int stopped;
	bool running;
};

/*
 * The timer, in hard interrupt context: one record per period. Nothing here
 * may sleep, and nothing does: kshm_channel_publish() copies the 16 bytes
 * under kshm's spinlock with interrupts off.
 */
static enum hrtimer_restart tick(struct hrtimer *timer)
{
	struct tick_stream *stream = container_of(timer, struct tick_stream, timer);
	struct kshm_tick_event event = {
		.seq = stream->seq,
		.time_ns = ktime_get_ns(),
	};
	int err = kshm_channel_publish(stream->channel, KSHM_TICK_TYPE, &event, sizeof(event));

	WRITE_ONCE(stream->seq, stream->seq + 1);
	if (!err) {
		WRITE_ONCE(stream->published, stream->published + 1);
	} else if (err == -ENOSPC) {
		/* The process is behind: kshm counted the drop; the seq gap shows where. */
		WRITE_ONCE(stream->dropped, stream->dropped + 1);
	} else {
		/*
		 * -EPIPE: the process destroyed the channel or closed its kshm
		 * file; -EIO: it broke the ring. Stop; the reference is put in
		 * process context (release or STOP), never here.
		 */
		WRITE_ONCE(stream->stopped, err);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(timer, stream->period);
	return HRTIMER_RESTART;
}

static void stream_timer_init(struct tick_stream *stream)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(&stream->timer, tick, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
#else
	hrtimer_init(&stream->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	stream->timer.function = tick;
#endif
}

/* Process context, stream->lock held. */
static long stream_start(struct tick_stream *stream, const struct kshm_tick_start __user *uarg)
{
	struct kshm_tick_start req;
	struct kshm_channel *channel;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.period_ns < KSHM_TICK_MIN_PERIOD_NS || req.period_ns > NSEC_PER_SEC)
		return -EINVAL;
	if (stream->channel)
		return -EBUSY;
	/* The lookup: -EBADF, -EINVAL (not kshm, not a channel), -ENOENT. */
	channel = kshm_channel_get_fd(req.kshm_fd, req.channel_id);
	if (IS_ERR(channel))
		return PTR_ERR(channel);
	if (kshm_channel_kind(channel) != KSHM_CHANNEL_EVENTS) {
		kshm_channel_put(channel);
		return -EINVAL;
	}
	stream->channel = channel;
	stream->period = ns_to_ktime(req.period_ns);
	stream->seq = 0;
	stream->published = 0;
	stream->dropped = 0;
	stream->stopped = 0;
	stream->running = true;
	hrtimer_start(&stream->timer, stream->period, HRTIMER_MODE_REL_HARD);
	return 0;
}

/* Process context, stream->lock held: the timer is stopped before the put. */
static void stream_stop(struct tick_stream *stream)
{
	if (!stream->channel)
		return;
	hrtimer_cancel(&stream->timer);	/* waits for a running callback */
	stream->running = false;
	kshm_channel_put(stream->channel);
	stream->channel = NULL;
}

static long stream_stats(struct tick_stream *stream, struct kshm_tick_stats __user *uarg)
{
	struct kshm_tick_stats stats = {
		.ticks = READ_ONCE(stream->seq),
		.published = READ_ONCE(stream->published),
		.dropped = READ_ONCE(stream->dropped),
		.stopped = READ_ONCE(stream->stopped),
		.running = stream->running && !READ_ONCE(stream->stopped),
	};

	return copy_to_user(uarg, &stats, sizeof(stats)) ? -EFAULT : 0;
}

static long tick_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct tick_stream *stream = file->private_data;
	long ret;

	mutex_lock(&stream->lock);
	switch (cmd) {
	case KSHM_TICK_IOC_START:
		ret = stream_start(stream, (void __user *)arg);
		break;
	case KSHM_TICK_IOC_STOP:
		stream_stop(stream);
		ret = 0;
		break;
	case KSHM_TICK_IOC_STATS:
		ret = stream_stats(stream, (void __user *)arg);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&stream->lock);
	return ret;
}

static int tick_open(struct inode *inode, struct file *file)
{
	struct tick_stream *stream = kzalloc(sizeof(*stream), GFP_KERNEL);

	if (!stream)
		return -ENOMEM;
	mutex_init(&stream->lock);
	stream_timer_init(stream);
	file->private_data = stream;
	return 0;
}

/* The last close, also when the process is killed: stop, put, free. */
static int tick_release(struct inode *inode, struct file *file)
{
	struct tick_stream *stream = file->private_data;

	stream_stop(stream);
	mutex_destroy(&stream->lock);
	kfree(stream);
	return 0;
}

static const struct file_operations tick_fops = {
	.owner = THIS_MODULE,
	.open = tick_open,
	.release = tick_release,
	.unlocked_ioctl = tick_ioctl,
	.compat_ioctl = compat_ptr_ioctl,	/* one layout for 32 and 64 bits */
};

static struct miscdevice tick_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KSHM_TICK_DEVICE,
	.fops = &tick_fops,
	.mode = 0600,
};

module_misc_device(tick_misc);

MODULE_DESCRIPTION("kshm sample: events published from an hrtimer into a process's channel");
MODULE_LICENSE("GPL");	/* kshm's API is EXPORT_SYMBOL_GPL */
