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
#include "core/region.h"
#include "core/policy.h"
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
	struct kshm_region_create *c = &req->region_create;
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
	struct kshm_buffer_attach *a = &req->buffer_attach;
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
	struct kshm_region_info *info = &req->region_info;
	struct kshm_region *region;
	int err;

	err = kshm_status_to_errno(kshm_validate_region_info(info));
	if (err)
		return err;
	region = kshm_file_get_region(kf, info->id);
	if (!region)
		return -ENOENT;
	kshm_policy_region_info(info, &(struct kshm_region_facts) {
		.head = &region->head,
		.span_pages = region->nr_pages,
		.page_size = PAGE_SIZE,
		.mmap_offset = kshm_mmap_offset_of(region->head.id),
		.layout = &region->layout,
	});
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
	err = kshm_status_to_errno(kshm_validate_range_op(op, region->head.byte_count));
	if (err) {
		kshm_region_put(region);
		return ERR_PTR(err);
	}
	return region;
}

static long ioctl_fill(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_range_op *op = &req->fill;
	struct kshm_region *region = range_op_region(kf, op);
	int err;

	if (IS_ERR(region))
		return PTR_ERR(region);
	err = kshm_status_to_errno(kshm_policy_fill(&region->head));
	if (!err)
		err = kshm_status_to_errno(kshm_work_fill(kshm_region_data(region) + op->offset,
							  op->length, op->seed, 0, &kshm_caller_work));
	kshm_region_put(region);
	return err;
}

static long ioctl_checksum(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_range_op *op = &req->checksum;
	struct kshm_region *region = range_op_region(kf, op);
	int err;

	if (IS_ERR(region))
		return PTR_ERR(region);
	err = kshm_status_to_errno(kshm_work_checksum(kshm_region_data(region) + op->offset,
						      op->length, &op->checksum, &kshm_caller_work));
	kshm_region_put(region);
	return err;
}

static long ioctl_region_destroy(struct kshm_file *kf, union kshm_request *req)
{
	int err = kshm_status_to_errno(kshm_validate_region_destroy(&req->region_destroy));

	return err ? err : kshm_file_remove(kf, req->region_destroy.id);
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
	struct kshm_region *region = kshm_file_get_region(kf, req->channel_generate.id);
	long err;

	if (!region)
		return -ENOENT;
	err = kshm_channel_generate(region, &req->channel_generate);
	kshm_region_put(region);
	return err;
}

static long ioctl_channel_kick(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_region *region = kshm_file_get_region(kf, req->channel_kick.id);
	long err;

	if (!region)
		return -ENOENT;
	err = kshm_channel_kick(region);
	kshm_region_put(region);
	return err;
}

static long ioctl_channel_process(struct kshm_file *kf, union kshm_request *req)
{
	struct kshm_channel_process *p = &req->channel_process;
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

typedef long kshm_handler(struct kshm_file *kf, union kshm_request *req);

/* Every request of every platform but Windows' own (core/request.h). */
static kshm_handler *const kshm_handlers[KSHM_NR_LIMIT] = {
	KSHM_REQUEST_TABLE(KSHM_REQUEST_HANDLER)
};

long kshm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct kshm_request_desc *desc;
	unsigned int nr = _IOC_NR(cmd);
	size_t usize = _IOC_SIZE(cmd);
	union kshm_request req;
	unsigned int dir;
	long ret;

	desc = kshm_request_lookup(nr);
	if (_IOC_TYPE(cmd) != KSHM_IOC_MAGIC || !desc || !kshm_handlers[nr])
		return -ENOTTY;
	/* Same request, any struct size: a newer caller's struct is larger. */
	dir = (desc->flags & KSHM_REQ_REPLIES) ? _IOC_READ | _IOC_WRITE : _IOC_WRITE;
	if (_IOC_DIR(cmd) != dir)
		return -ENOTTY;
	if (usize < desc->size)
		return -EINVAL;
	ret = copy_struct_from_user(&req, desc->size, uarg, usize);
	if (ret)
		return ret;
	ret = kshm_status_to_errno(kshm_check_request_size(*(u32 *)&req, usize, desc->size));
	if (ret)
		return ret;

	ret = kshm_handlers[nr](file->private_data, &req);
	if (ret || !(desc->flags & KSHM_REQ_REPLIES))
		return ret;
	if (copy_to_user(uarg, &req, desc->size)) {
		if (desc->new_id_offset)
			kshm_file_remove(file->private_data, kshm_request_new_id(desc, &req));
		return -EFAULT;
	}
	return 0;
}
