// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl requests. kshm_ioctl() copies each request into a kernel-private
 * struct once, checks its size field, and hands that copy to one small
 * handler; the handler validates it with core/ and acts. No handler reads the
 * request from user memory again.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "kshm_dev.h"
#include "core/channel.h"
#include "core/region.h"
#include "core/request.h"
#include "core/validate.h"

static long ioctl_version(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_version *v = &req->version;
	struct kshm_limits limits;

	kshm_current_limits(&limits);
	kshm_version_describe(v, &limits);
	v->regions_live = atomic64_read(&kshm_counters.regions_live);
	v->bytes_allocated = atomic64_read(&kshm_counters.bytes_allocated);
	v->bytes_pinned = atomic64_read(&kshm_counters.bytes_pinned);
	return 0;
}

/*
 * Insert a new region, dropping it if the file cannot take it. From here on
 * another thread may destroy it: the caller replies with *id, never with
 * anything read from the region.
 */
static int adopt_region(struct kshm_file *kf, struct kshm_region *region,
			const struct kshm_limits *limits, u32 *id)
{
	int err = kshm_file_insert(kf, region, limits, id);

	if (err)
		kshm_region_put(region);
	return err;
}

static long ioctl_region_create(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_region_create *c = &req->create;
	struct kshm_region *region;
	struct kshm_limits limits;
	u64 alloc_bytes;
	int err;

	kshm_current_limits(&limits);
	err = kshm_status_to_errno(kshm_validate_region_create(c, &limits, &alloc_bytes));
	if (err)
		return err;
	region = kshm_region_alloc_pages(alloc_bytes, c->length, c->flags, &limits);
	if (IS_ERR(region))
		return PTR_ERR(region);
	err = adopt_region(kf, region, &limits, &c->id);
	if (err)
		return err;
	c->mapped_length = alloc_bytes;
	c->mmap_offset = kshm_mmap_offset_of(c->id);
	c->user_addr = 0;
	return 0;
}

static long ioctl_buffer_attach(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_buffer_attach *a = &req->attach;
	struct kshm_region *region;
	struct kshm_limits limits;
	struct kshm_layout layout;
	int err;

	kshm_current_limits(&limits);
	err = kshm_status_to_errno(kshm_validate_buffer_attach(a, &limits, &layout));
	if (err)
		return err;
	region = kshm_region_attach_user(&layout, a->flags, &limits);
	if (IS_ERR(region))
		return PTR_ERR(region);
	err = adopt_region(kf, region, &limits, &a->id);
	if (err)
		return err;
	a->layout = layout;
	return 0;
}

static int copy_pfns(const struct kshm_region *region, struct kshm_region_info *info)
{
	u64 __user *dst = u64_to_user_ptr(info->pfn_array);
	u32 count = min_t(unsigned long, info->pfn_capacity, region->nr_pages);
	u32 i;

	/* Frame numbers tell where kernel and other processes' data live. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	for (i = 0; i < count; i++) {
		if (put_user((u64)kshm_region_pfn(region, i), dst + i))
			return -EFAULT;
	}
	info->pfn_count = count;
	return 0;
}

static long ioctl_region_info(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_region_info *info = &req->info;
	struct kshm_region *region;
	int err;

	err = kshm_status_to_errno(kshm_validate_region_info(info));
	if (err)
		return err;
	region = kshm_file_get_region(kf, info->id);
	if (!region)
		return -ENOENT;
	info->kind = region->kind;
	info->flags = region->flags;
	info->pfn_count = 0;
	if (region->kind == KSHM_KIND_USER_BUFFER) {
		info->mmap_offset = 0;
		info->layout = region->layout;
	} else {
		/* Where the process maps it is its own business: report no address at all. */
		info->mmap_offset = kshm_mmap_offset_of(region->id);
		memset(&info->layout, 0, sizeof(info->layout));
		info->layout.byte_count = region->byte_count;
		info->layout.span_pages = region->nr_pages;
		info->layout.page_size = PAGE_SIZE;
	}
	err = info->pfn_array ? copy_pfns(region, info) : 0;
	kshm_region_put(region);
	return err;
}

/* Look up the region of a fill or checksum and check the range against it. */
static struct kshm_region *range_op_region(struct kshm_file *kf, struct kshm_range_op *op)
{
	struct kshm_region *region;
	int err;

	region = kshm_file_get_region(kf, op->id);
	if (!region)
		return ERR_PTR(-ENOENT);
	err = kshm_status_to_errno(kshm_validate_range_op(op, region->byte_count));
	if (err) {
		kshm_region_put(region);
		return ERR_PTR(err);
	}
	return region;
}

static long ioctl_fill(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_range_op *op = &req->range;
	struct kshm_region *region = range_op_region(kf, op);
	int err;

	if (IS_ERR(region))
		return PTR_ERR(region);
	/* A channel's pages belong to its ring, and a read-only attach is read-only. */
	if (region->channel ||
	    (region->kind == KSHM_KIND_USER_BUFFER && !(region->flags & KSHM_ATTACH_KERNEL_WRITE)))
		err = -EACCES;
	else
		err = kshm_work_fill(kshm_region_data(region) + op->offset, op->length, op->seed, 0);
	kshm_region_put(region);
	return err;
}

static long ioctl_checksum(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_range_op *op = &req->range;
	struct kshm_region *region = range_op_region(kf, op);
	int err;

	if (IS_ERR(region))
		return PTR_ERR(region);
	err = kshm_work_checksum(kshm_region_data(region) + op->offset, op->length, &op->checksum);
	kshm_region_put(region);
	return err;
}

static long ioctl_region_destroy(struct kshm_file *kf, union kshm_request *req)
{
	int err = kshm_status_to_errno(kshm_validate_region_destroy(&req->destroy));

	return err ? err : kshm_file_remove(kf, req->destroy.id);
}

static long ioctl_transfer(struct kshm_file *kf, union kshm_request *req)
{
	const u32 methods = (1U << KSHM_METHOD_BUFFERED) | (1U << KSHM_METHOD_DIRECT);
	struct kshm_limits limits;
	struct kshm_layout layout;
	int err;

	kshm_current_limits(&limits);
	err = kshm_status_to_errno(kshm_validate_transfer(&req->transfer, &limits, methods,
							  &layout));
	return err ? err : kshm_transfer_run(&req->transfer, &layout);
}

static long ioctl_channel_create(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_channel_create *c = &req->channel_create;
	struct kshm_region *region;
	struct kshm_limits limits;
	u64 alloc_bytes;
	int err;

	kshm_current_limits(&limits);
	err = kshm_status_to_errno(kshm_validate_channel_create(c, &limits, &alloc_bytes));
	if (err)
		return err;
	region = kshm_channel_new(kf, c, alloc_bytes, &limits);
	if (IS_ERR(region))
		return PTR_ERR(region);
	err = adopt_region(kf, region, &limits, &c->id);
	if (err)
		return err;
	c->mapped_length = alloc_bytes;
	c->mmap_offset = kshm_mmap_offset_of(c->id);
	return 0;
}

static long ioctl_channel_generate(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_region *region = kshm_file_get_region(kf, req->generate.id);
	long err;

	if (!region)
		return -ENOENT;
	err = kshm_channel_generate(region, &req->generate);
	kshm_region_put(region);
	return err;
}

static long ioctl_channel_kick(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_region *region = kshm_file_get_region(kf, req->kick.id);
	long err;

	if (!region)
		return -ENOENT;
	err = kshm_channel_kick(region);
	kshm_region_put(region);
	return err;
}

static long ioctl_channel_process(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_channel_process *p = &req->process;
	struct kshm_region *sub, *comp;
	long err = kshm_status_to_errno(kshm_validate_channel_process(p));

	if (err)
		return err;
	sub = kshm_file_get_region(kf, p->submissions);
	comp = kshm_file_get_region(kf, p->completions);
	err = (sub && comp) ? kshm_channel_process(sub, comp, p) : -ENOENT;
	if (sub)
		kshm_region_put(sub);
	if (comp)
		kshm_region_put(comp);
	return err;
}

struct kshm_ioctl_desc {
	unsigned int cmd;
	long (*handler)(struct kshm_file *kf, union kshm_request *req);
	/*
	 * For requests that make a region: where its id sits in the reply, so a
	 * reply that cannot be delivered is undone and leaves nothing behind.
	 */
	size_t new_id_offset;
};

#define NEW_ID(member) offsetof(union kshm_request, member.id)

static const struct kshm_ioctl_desc kshm_ioctls[] = {
	[KSHM_NR_VERSION] = { KSHM_IOC_VERSION, ioctl_version },
	[KSHM_NR_REGION_CREATE] = { KSHM_IOC_REGION_CREATE, ioctl_region_create, NEW_ID(create) },
	[KSHM_NR_BUFFER_ATTACH] = { KSHM_IOC_BUFFER_ATTACH, ioctl_buffer_attach, NEW_ID(attach) },
	[KSHM_NR_REGION_INFO] = { KSHM_IOC_REGION_INFO, ioctl_region_info },
	[KSHM_NR_FILL] = { KSHM_IOC_FILL, ioctl_fill },
	[KSHM_NR_CHECKSUM] = { KSHM_IOC_CHECKSUM, ioctl_checksum },
	[KSHM_NR_REGION_DESTROY] = { KSHM_IOC_REGION_DESTROY, ioctl_region_destroy },
	[KSHM_NR_TRANSFER] = { KSHM_IOC_TRANSFER, ioctl_transfer },
	[KSHM_NR_CHANNEL_CREATE] = { KSHM_IOC_CHANNEL_CREATE, ioctl_channel_create,
				     NEW_ID(channel_create) },
	[KSHM_NR_CHANNEL_GENERATE] = { KSHM_IOC_CHANNEL_GENERATE, ioctl_channel_generate },
	[KSHM_NR_CHANNEL_PROCESS] = { KSHM_IOC_CHANNEL_PROCESS, ioctl_channel_process },
	[KSHM_NR_CHANNEL_KICK] = { KSHM_IOC_CHANNEL_KICK, ioctl_channel_kick },
};

long kshm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct kshm_ioctl_desc *desc;
	unsigned int nr = _IOC_NR(cmd);
	size_t usize = _IOC_SIZE(cmd);
	union kshm_request req;
	size_t ksize;
	long ret;

	if (_IOC_TYPE(cmd) != KSHM_IOC_MAGIC || nr >= ARRAY_SIZE(kshm_ioctls) ||
	    !kshm_ioctls[nr].handler)
		return -ENOTTY;
	desc = &kshm_ioctls[nr];
	/* Same request, any struct size: a newer caller's struct is larger. */
	if (_IOC_DIR(cmd) != _IOC_DIR(desc->cmd))
		return -ENOTTY;
	ksize = _IOC_SIZE(desc->cmd);
	if (usize < ksize)
		return -EINVAL;
	ret = copy_struct_from_user(&req, ksize, uarg, usize);
	if (ret)
		return ret;
	ret = kshm_status_to_errno(kshm_check_request_size(*(u32 *)&req, usize, ksize));
	if (ret)
		return ret;

	ret = desc->handler(file->private_data, &req);
	if (ret || !(_IOC_DIR(cmd) & _IOC_READ))
		return ret;
	if (copy_to_user(uarg, &req, ksize)) {
		if (desc->new_id_offset)
			kshm_file_remove(file->private_data,
					 *(u32 *)((u8 *)&req + desc->new_id_offset));
		return -EFAULT;
	}
	return 0;
}
