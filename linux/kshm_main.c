// SPDX-License-Identifier: GPL-2.0
/*
 * kshm: memory shared between the kernel and processes, both directions.
 * The misc device /dev/kshm, its limits and counters, and the file
 * operations table that maps the driver.
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "kshm_dev.h"

static unsigned long long max_region_bytes = KSHM_DEFAULT_MAX_REGION_BYTES;
module_param(max_region_bytes, ullong, 0644);
MODULE_PARM_DESC(max_region_bytes, "Largest region or attached buffer, bytes (default 256 MiB, at most 4 GiB)");

static unsigned long long max_allocated_bytes = KSHM_DEFAULT_MAX_ALLOCATED_BYTES;
module_param(max_allocated_bytes, ullong, 0644);
MODULE_PARM_DESC(max_allocated_bytes, "Kernel-allocated region bytes, all users together (default 1 GiB)");

static unsigned long long max_pinned_bytes = KSHM_DEFAULT_MAX_PINNED_BYTES;
module_param(max_pinned_bytes, ullong, 0644);
MODULE_PARM_DESC(max_pinned_bytes, "Locked user buffer bytes, all users together (default 1 GiB)");

static unsigned int max_regions_per_file = KSHM_DEFAULT_MAX_REGIONS_PER_FILE;
module_param(max_regions_per_file, uint, 0644);
MODULE_PARM_DESC(max_regions_per_file, "Regions one open file may hold (default 64)");

static ushort dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Permissions of /dev/kshm (default 0600: root only)");

struct kshm_counters kshm_counters;

/* Limits may change at run time through sysfs: take one consistent snapshot per request. */
void kshm_current_limits(struct kshm_limits *limits)
{
	limits->max_region_bytes = READ_ONCE(max_region_bytes);
	limits->max_allocated_bytes = READ_ONCE(max_allocated_bytes);
	limits->max_pinned_bytes = READ_ONCE(max_pinned_bytes);
	limits->max_regions_per_file = READ_ONCE(max_regions_per_file);
	limits->page_shift = PAGE_SHIFT;
	kshm_limits_clamp(limits);
}

int kshm_status_to_errno(enum kshm_status status)
{
	switch (status) {
	case KSHM_OK:
		return 0;
	case KSHM_ERR_RANGE:
		return -ERANGE;
	case KSHM_ERR_OVERFLOW:
		return -EOVERFLOW;
	case KSHM_ERR_TOO_BIG:
		return -EFBIG;
	case KSHM_ERR_QUOTA:
		return -ENOSPC;
	case KSHM_ERR_ACCESS:
		return -EACCES;
	case KSHM_ERR_NOENT:
		return -ENOENT;
	case KSHM_ERR_INTERRUPTED:
		return -EINTR;
	case KSHM_ERR_CANCELLED:
		return -ECANCELED;
	case KSHM_ERR_CORRUPT:
		return -EIO;
	case KSHM_ERR_FAULT:
		return -EFAULT;
	case KSHM_ERR_CLOSED:
		return -EPIPE;
	case KSHM_ERR_INVAL:
		break;
	}
	return -EINVAL;
}

/* Only a fatal signal stops a fill or checksum: the work of one call is bounded anyway. */
static bool caller_killed(void)
{
	return fatal_signal_pending(current);
}

void kshm_let_others_run(void)
{
	cond_resched();
}

const struct kshm_work_ops kshm_caller_work = {
	.interrupted = caller_killed,
	.yield = kshm_let_others_run,
};

/* Add `amount` to a driver-wide counter unless that would pass `limit`. */
int kshm_quota_charge(atomic64_t *used, u64 amount, u64 limit)
{
	s64 old = atomic64_read(used);

	do {
		if (!kshm_quota_fits(old, amount, limit))
			return -ENOSPC;
	} while (!atomic64_try_cmpxchg(used, &old, old + amount));
	return 0;
}

static int kshm_open(struct inode *inode, struct file *file)
{
	struct kshm_file *kf = kzalloc(sizeof(*kf), GFP_KERNEL_ACCOUNT);
	int err = kf ? kshm_file_init(kf) : -ENOMEM;

	if (err) {
		kfree(kf);
		return err;
	}
	file->private_data = kf;
	return 0;
}

static int kshm_release(struct inode *inode, struct file *file)
{
	struct kshm_file *kf = file->private_data;

	kshm_file_release_all(kf);
	kfree(kf);
	return 0;
}

static const struct file_operations kshm_fops = {
	.owner = THIS_MODULE,
	.open = kshm_open,
	.release = kshm_release,
	.read = kshm_read,
	.unlocked_ioctl = kshm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,	/* the ABI has one layout for 32 and 64 bits */
	.mmap = kshm_mmap,
	.poll = kshm_poll,
	.llseek = noop_llseek,
};

bool kshm_is_kshm_file(const struct file *file)
{
	return file->f_op == &kshm_fops;
}

#define KSHM_COUNTER_ATTR(name)							\
static ssize_t name##_show(struct device *dev, struct device_attribute *attr,	\
			   char *buf)						\
{										\
	return sysfs_emit(buf, "%lld\n", atomic64_read(&kshm_counters.name));	\
}										\
static DEVICE_ATTR_RO(name)

KSHM_COUNTER_ATTR(regions_live);
KSHM_COUNTER_ATTR(bytes_allocated);
KSHM_COUNTER_ATTR(bytes_pinned);

static struct attribute *kshm_attrs[] = {
	&dev_attr_regions_live.attr,
	&dev_attr_bytes_allocated.attr,
	&dev_attr_bytes_pinned.attr,
	NULL,
};
ATTRIBUTE_GROUPS(kshm);

static struct miscdevice kshm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KSHM_DEVICE_NAME,
	.fops = &kshm_fops,
	.groups = kshm_groups,
};

static int __init kshm_init(void)
{
	kshm_misc.mode = dev_mode & 0777;
	return misc_register(&kshm_misc);
}

/*
 * Unload is only possible once every file is closed (fops.owner holds the
 * module) and every mapping is gone (each VMA holds its file), so every region
 * has been freed by then.
 */
static void __exit kshm_exit(void)
{
	misc_deregister(&kshm_misc);
	WARN_ON(atomic64_read(&kshm_counters.regions_live) ||
		atomic64_read(&kshm_counters.bytes_allocated) ||
		atomic64_read(&kshm_counters.bytes_pinned));
}

module_init(kshm_init);
module_exit(kshm_exit);

MODULE_DESCRIPTION("Zero-copy memory shared between the kernel and processes");
MODULE_AUTHOR("The kshm developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("1.0.0");
