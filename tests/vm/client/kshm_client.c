// SPDX-License-Identifier: GPL-2.0
/*
 * kshm_client: a test driver that uses kshm's in-kernel API
 * (include/kshm/kernel.h) the way another driver would, for the VM suite
 * (tests/vm/test_kernel_api.c). The samples in examples/ show the API as a
 * driver author would use it; this module reaches its corners.
 *
 * /sys/kernel/debug/kshm_client/publish: writing "FD ID LEN COUNT" looks up
 * channel ID of the writer's kshm descriptor FD (kshm_channel_get_fd) and
 * publishes COUNT records of LEN bytes from hard interrupt context (an
 * irq_work, which runs in the interrupt of a self-IPI), as a driver's interrupt
 * handler would. The write returns its length when every record was
 * published, else the first error (-ENOSPC when the ring was full, -EFBIG,
 * ...), or the lookup's error.
 *
 * /sys/kernel/debug/kshm_client/region: one region reference held across
 * writes, to test lifetimes:
 *   "get FD ID LEN"  kshm_region_get_fd; -EBADMSG when the view's length is not LEN
 *   "fill SEED"      write byte i * 7 + SEED at offset i of the view (-EROFS when
 *                    the view is read-only)
 *   "check SEED"     -EBADMSG unless the view holds that pattern
 *   "put"            kshm_region_put
 * and "chan FD ID" holds a channel the same way ("cput" puts it, "cpub"
 * publishes one 8-byte record into it and returns what that returned,
 * "closed" fails with -ENOTCONN unless it is closed).
 */
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <kshm/kernel.h>

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
	unsigned int id, len, count;
	int fd;
	char line[64];
	u8 *payload;
	u32 i;

	if (size >= sizeof(line) || copy_from_user(line, ubuf, size))
		return -EINVAL;
	line[size] = '\0';
	if (sscanf(line, "%d %u %u %u", &fd, &id, &len, &count) != 4 || count > 100000 ||
	    len > (1U << 20))
		return -EINVAL;
	payload = kvmalloc(len ? len : 1, GFP_KERNEL);
	if (!payload)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		payload[i] = (u8)(i * 7 + 1);
	pw.channel = kshm_channel_get_fd(fd, id);
	if (IS_ERR(pw.channel)) {
		kvfree(payload);
		return PTR_ERR(pw.channel);
	}
	pw.payload = payload;
	pw.len = len;
	pw.count = count;
	init_irq_work(&pw.work, publish_in_irq);
	irq_work_queue(&pw.work);
	irq_work_sync(&pw.work);
	kshm_channel_put(pw.channel);
	kvfree(payload);
	if (!pw.in_hardirq)
		return -EXDEV;	/* the test would prove nothing */
	return pw.first_err ? pw.first_err : (ssize_t)size;
}

static const struct file_operations publish_fops = {
	.owner = THIS_MODULE,
	.write = publish_write,
};

/* The references "region" holds between writes, under held_lock. */
static DEFINE_MUTEX(held_lock);
static struct kshm_region *held_region;
static struct kshm_channel *held_channel;

static int region_get(int fd, u32 id, u64 len)
{
	struct kshm_kernel_view view;
	struct kshm_region *region;

	if (held_region)
		return -EBUSY;
	region = kshm_region_get_fd(fd, id);
	if (IS_ERR(region))
		return PTR_ERR(region);
	kshm_region_kernel_view(region, &view);
	if (view.len != len) {
		kshm_region_put(region);
		return -EBADMSG;
	}
	held_region = region;
	return 0;
}

/* The pattern "fill" writes and "check" expects. */
static int region_pattern(unsigned int seed, bool fill)
{
	struct kshm_kernel_view view;
	u8 *bytes;
	u64 i;

	if (!held_region)
		return -ENOENT;
	kshm_region_kernel_view(held_region, &view);
	if (fill && !view.writable)
		return -EROFS;
	bytes = view.addr;
	for (i = 0; i < view.len; i++) {
		u8 want = (u8)(i * 7 + seed);

		if (fill)
			bytes[i] = want;
		else if (READ_ONCE(bytes[i]) != want)
			return -EBADMSG;
	}
	return 0;
}

static int held_command(const char *line)
{
	unsigned long long len;
	unsigned int seed;
	int fd, ret = 0;
	u64 word = 1;
	u32 id;

	if (sscanf(line, "get %d %u %llu", &fd, &id, &len) == 3) {
		ret = region_get(fd, id, len);
	} else if (sscanf(line, "fill %u", &seed) == 1) {
		ret = region_pattern(seed, true);
	} else if (sscanf(line, "check %u", &seed) == 1) {
		ret = region_pattern(seed, false);
	} else if (!strcmp(line, "put")) {
		if (!held_region)
			return -ENOENT;
		kshm_region_put(held_region);
		held_region = NULL;
	} else if (sscanf(line, "chan %d %u", &fd, &id) == 2) {
		if (held_channel)
			return -EBUSY;
		held_channel = kshm_channel_get_fd(fd, id);
		if (IS_ERR(held_channel)) {
			ret = PTR_ERR(held_channel);
			held_channel = NULL;
		}
	} else if (!held_channel) {
		ret = -ENOENT;
	} else if (!strcmp(line, "cpub")) {
		ret = kshm_channel_publish(held_channel, 7, &word, sizeof(word));
	} else if (!strcmp(line, "closed")) {
		ret = kshm_channel_closed(held_channel) ? 0 : -ENOTCONN;
	} else if (!strcmp(line, "cput")) {
		kshm_channel_put(held_channel);
		held_channel = NULL;
	} else {
		ret = -EINVAL;
	}
	return ret;
}

static ssize_t held_write(struct file *file, const char __user *ubuf, size_t size,
			  loff_t *ppos)
{
	char line[64];
	int ret;

	if (size >= sizeof(line) || copy_from_user(line, ubuf, size))
		return -EINVAL;
	line[size] = '\0';
	strim(line);
	mutex_lock(&held_lock);
	ret = held_command(line);
	mutex_unlock(&held_lock);
	return ret ? ret : (ssize_t)size;
}

static const struct file_operations held_fops = {
	.owner = THIS_MODULE,
	.write = held_write,
};

static struct dentry *dir;

static int __init kshm_client_init(void)
{
	dir = debugfs_create_dir("kshm_client", NULL);
	debugfs_create_file("publish", 0200, dir, NULL, &publish_fops);
	debugfs_create_file("region", 0200, dir, NULL, &held_fops);
	return 0;
}

/* A driver puts what it holds before it goes (kshm stays loaded until then: we use its symbols). */
static void __exit kshm_client_exit(void)
{
	debugfs_remove_recursive(dir);
	if (held_region)
		kshm_region_put(held_region);
	if (held_channel)
		kshm_channel_put(held_channel);
}

module_init(kshm_client_init);
module_exit(kshm_client_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test client of kshm's in-kernel channel API");
