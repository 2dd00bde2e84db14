// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_client: a test driver that uses kshm's in-kernel API the way another
 * driver would, for the VM suite (tests/vm/test_kernel_api.c).
 *
 * Writing "FD ID LEN COUNT" to /sys/kernel/debug/kshm_client/publish looks up
 * channel ID of the writer's kshm descriptor FD (fget + kshm_channel_get) and
 * publishes COUNT records of LEN bytes from hard interrupt context (an
 * irq_work, which runs in the interrupt of a self-IPI), as a driver's interrupt
 * handler would. The write returns its length when every record was
 * published, else the first error (-ENOSPC when the ring was full, -EFBIG,
 * ...); -ENOENT when the lookup fails.
 */
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kshm_channel.h"

struct publish_work {
	struct irq_work work;
	struct kshm_channel *channel;
	const void *payload;
	u32 len;
	u32 count;
	int first_err;
	bool in_hardirq;
};

static void publish_in_irq(struct irq_work *work)
{
	struct publish_work *pw = container_of(work, struct publish_work, work);
	u32 i;

	pw->in_hardirq = in_hardirq();
	for (i = 0; i < pw->count; i++) {
		int err = kshm_channel_publish(pw->channel, 7, pw->payload, pw->len);

		if (err && !pw->first_err)
			pw->first_err = err;
	}
}

static ssize_t publish_write(struct file *file, const char __user *ubuf, size_t size,
			     loff_t *ppos)
{
	struct publish_work pw = { .first_err = 0 };
	unsigned int fd, id, len, count;
	char line[64];
	struct file *kshm_file;
	u8 *payload;
	u32 i;

	if (size >= sizeof(line) || copy_from_user(line, ubuf, size))
		return -EINVAL;
	line[size] = '\0';
	if (sscanf(line, "%u %u %u %u", &fd, &id, &len, &count) != 4 || count > 100000 ||
	    len > (1U << 20))
		return -EINVAL;
	payload = kvmalloc(len ? len : 1, GFP_KERNEL);
	if (!payload)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		payload[i] = (u8)(i * 7 + 1);
	kshm_file = fget(fd);
	pw.channel = kshm_file ? kshm_channel_get(kshm_file, id) : NULL;
	if (!pw.channel) {
		if (kshm_file)
			fput(kshm_file);
		kvfree(payload);
		return -ENOENT;
	}
	pw.payload = payload;
	pw.len = len;
	pw.count = count;
	init_irq_work(&pw.work, publish_in_irq);
	irq_work_queue(&pw.work);
	irq_work_sync(&pw.work);
	kshm_channel_put(pw.channel);
	fput(kshm_file);
	kvfree(payload);
	if (!pw.in_hardirq)
		return -EXDEV;	/* the test would prove nothing */
	return pw.first_err ? pw.first_err : (ssize_t)size;
}

static const struct file_operations publish_fops = {
	.owner = THIS_MODULE,
	.write = publish_write,
};

static struct dentry *dir;

static int __init kshm_client_init(void)
{
	dir = debugfs_create_dir("kshm_client", NULL);
	debugfs_create_file("publish", 0200, dir, NULL, &publish_fops);
	return 0;
}

static void __exit kshm_client_exit(void)
{
	debugfs_remove_recursive(dir);
}

module_init(kshm_client_init);
module_exit(kshm_client_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test client of kshm's in-kernel channel API");
