// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_crc: a sample driver that serves a process's requests from a kernel
 * thread, through two kshm channels: the process submits requests into a
 * submissions ring, the thread computes the CRC-32 of each one's data and
 * posts the answer into an events ring. No system call per request: one
 * doorbell ioctl per batch, none at all while the thread is busy.
 *
 * What a driver author takes from it:
 *  - the lookups (kshm_channel_get_fd) happen once, in the ioctl that
 *    attaches the channels, in the process's context;
 *  - the thread consumes with kshm_channel_consume(): kshm checks every
 *    position and record header the process wrote before the callback sees
 *    a record; the callback copies the payload out once (the process can
 *    rewrite it at any moment) and works on the copy only;
 *  - a request whose answer does not fit stays in the ring (the callback
 *    refuses it) and is served on a later pass;
 *  - the process letting go (destroy, close, exit, kill -9) ends the
 *    service: consuming answers -EPIPE; the thread idles until the close of
 *    /dev/kshm_crc stops it and puts both channels.
 *
 * One thread per open file. The program: crc.c. The walk-through:
 * docs/kernel-api.md.
 */
#include <linux/crc32.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <kshm/kernel.h>

#include "kshm_crc.h"

#define CONSUME_BATCH	64		/* requests per kshm_channel_consume() call */
#define IDLE_LOOK	(HZ / 10)	/* without a doorbell, look every 100 ms */

struct crc_service {
	struct mutex lock;		/* ATTACH against release */
	struct kshm_channel *requests;	/* submissions, held from ATTACH to release */
	struct kshm_channel *answers;	/* events, held from ATTACH to release */
	struct task_struct *thread;
	wait_queue_head_t doorbell_wq;
	atomic_t doorbell;		/* set by KSHM_CRC_IOC_KICK, taken by the thread */
	/* Written by the thread, read by STATS. */
	u64 served;
	u64 retries;
	int stopped;
	/* The thread's copy of the request being served: never read twice from the ring. */
	u8 copy[sizeof(struct kshm_crc_request) + KSHM_CRC_MAX_DATA];
};

/*
 * One request, called by kshm_channel_consume() with the submissions ring's
 * consumer lock held (process context: we may sleep, though we do not).
 * Return 0 to consume it, a negative errno to leave it for the next pass.
 */
static int serve_request(void *arg, u32 type, const void *payload, u32 len)
{
	struct crc_service *svc = arg;
	struct kshm_crc_request req;
	struct kshm_crc_done done = { .status = 0 };
	int err;

	if (len < sizeof(req) || len > sizeof(svc->copy)) {
		done.status = KSHM_CRC_STATUS_TOO_BIG;
		if (len >= sizeof(req)) {
			memcpy(&done.tag, payload, sizeof(done.tag));
			done.len = len - sizeof(req);
		}
	} else {
		/* Copy once, then use only the copy: the process may be rewriting the record. */
		memcpy(svc->copy, payload, len);
		memcpy(&req, svc->copy, sizeof(req));
		done.tag = req.tag;
		done.len = len - sizeof(req);
		if (type != KSHM_CRC_REQUEST)
			done.status = KSHM_CRC_STATUS_BAD_TYPE;
		else
			done.crc = ~crc32_le(~0U, svc->copy + sizeof(req), done.len);
	}
	err = kshm_channel_publish(svc->answers, KSHM_CRC_DONE, &done, sizeof(done));
	if (err == -ENOSPC)
		WRITE_ONCE(svc->retries, svc->retries + 1);	/* leave it: served next pass */
	else if (!err)	/* counted before the process can see the answer */
		WRITE_ONCE(svc->served, svc->served + 1);
	return err;
}

static int crc_thread(void *arg)
{
	struct crc_service *svc = arg;

	while (!kthread_should_stop()) {
		int n = kshm_channel_consume(svc->requests, CONSUME_BATCH, serve_request, svc);

		if (n > 0) {
			cond_resched();
			continue;
		}
		if (n != 0 && n != -ENOSPC) {
			/* -EPIPE: the process let go of a channel; -EIO: it broke a ring. */
			WRITE_ONCE(svc->stopped, n);
			break;
		}
		/* Nothing to do (or no room for answers): sleep until the doorbell, or a while. */
		wait_event_interruptible_timeout(svc->doorbell_wq,
						 atomic_xchg(&svc->doorbell, 0) ||
						 kthread_should_stop(), IDLE_LOOK);
	}
	/* kthread_stop() needs us alive until it is called. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static long crc_attach(struct crc_service *svc, const struct kshm_crc_attach __user *uarg)
{
	struct kshm_channel *requests, *answers;
	struct kshm_crc_attach req;
	struct task_struct *thread;
	long err;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	if (svc->thread)
		return -EBUSY;
	requests = kshm_channel_get_fd(req.kshm_fd, req.submissions_id);
	if (IS_ERR(requests))
		return PTR_ERR(requests);
	answers = kshm_channel_get_fd(req.kshm_fd, req.completions_id);
	if (IS_ERR(answers)) {
		err = PTR_ERR(answers);
		goto put_requests;
	}
	err = -EINVAL;
	if (kshm_channel_kind(requests) != KSHM_CHANNEL_SUBMISSIONS ||
	    kshm_channel_kind(answers) != KSHM_CHANNEL_EVENTS)
		goto put_answers;
	svc->requests = requests;
	svc->answers = answers;
	thread = kthread_run(crc_thread, svc, "kshm_crc");
	if (IS_ERR(thread)) {
		err = PTR_ERR(thread);
		svc->requests = NULL;
		svc->answers = NULL;
		goto put_answers;
	}
	svc->thread = thread;
	return 0;

put_answers:
	kshm_channel_put(answers);
put_requests:
	kshm_channel_put(requests);
	return err;
}

static long crc_stats(struct crc_service *svc, struct kshm_crc_stats __user *uarg)
{
	struct kshm_crc_stats stats = {
		.served = READ_ONCE(svc->served),
		.retries = READ_ONCE(svc->retries),
		.stopped = READ_ONCE(svc->stopped),
	};

	return copy_to_user(uarg, &stats, sizeof(stats)) ? -EFAULT : 0;
}

static long crc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct crc_service *svc = file->private_data;
	long ret;

	switch (cmd) {
	case KSHM_CRC_IOC_ATTACH:
		mutex_lock(&svc->lock);
		ret = crc_attach(svc, (void __user *)arg);
		mutex_unlock(&svc->lock);
		return ret;
	case KSHM_CRC_IOC_KICK:
		/* The doorbell: no lock, no sleep; a kick while the thread works costs nothing. */
		atomic_set(&svc->doorbell, 1);
		wake_up_interruptible(&svc->doorbell_wq);
		return 0;
	case KSHM_CRC_IOC_STATS:
		return crc_stats(svc, (void __user *)arg);
	}
	return -ENOTTY;
}

static int crc_open(struct inode *inode, struct file *file)
{
	struct crc_service *svc = kzalloc(sizeof(*svc), GFP_KERNEL);

	if (!svc)
		return -ENOMEM;
	mutex_init(&svc->lock);
	init_waitqueue_head(&svc->doorbell_wq);
	file->private_data = svc;
	return 0;
}

/* The last close, also when the process is killed: stop the thread, put both channels. */
static int crc_release(struct inode *inode, struct file *file)
{
	struct crc_service *svc = file->private_data;

	if (svc->thread) {
		kthread_stop(svc->thread);
		kshm_channel_put(svc->answers);
		kshm_channel_put(svc->requests);
	}
	mutex_destroy(&svc->lock);
	kfree(svc);
	return 0;
}

static const struct file_operations crc_fops = {
	.owner = THIS_MODULE,
	.open = crc_open,
	.release = crc_release,
	.unlocked_ioctl = crc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,	/* one layout for 32 and 64 bits */
};

static struct miscdevice crc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KSHM_CRC_DEVICE,
	.fops = &crc_fops,
	.mode = 0600,
};

module_misc_device(crc_misc);

MODULE_DESCRIPTION("kshm sample: a kernel thread serving a process's submissions channel");
MODULE_LICENSE("GPL");	/* kshm's API is EXPORT_SYMBOL_GPL */
