// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The DEVICE_CONTROL requests, as on Linux (linux/kshm_ioctl.c): the request
 * is copied once from the I/O manager's system buffer into a private union,
 * its size checked, and one small handler validates it with core/ and acts.
 * Every request but three is METHOD_BUFFERED: the I/O manager owns
 * SystemBuffer, sized max(input, output), and copies `Information` bytes back
 * to the caller after completion. KSHM_IOC_TRANSFER_IN_DIRECT / _OUT_DIRECT
 * are METHOD_IN_DIRECT / METHOD_OUT_DIRECT: the request still arrives in
 * SystemBuffer (input only), and the caller's output buffer arrives locked,
 * as Irp->MdlAddress. KSHM_IOC_TRANSFER_NEITHER is METHOD_NEITHER: both
 * buffers are the caller's own pointers (run_request copies the request in
 * and out under the guard).
 */
#include "kshm_drv.h"
#include "core/policy.h"
#include "core/request.h"
#include "core/validate.h"

/* Larger structs from newer callers are accepted up to this, when their tail is zero. */
#define KSHM_MAX_REQUEST_BYTES 4096

static NTSTATUS to_nt(enum kshm_status status)
{
	return kshm_status_to_ntstatus(status);
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_version(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	struct kshm_version *v = &req->version;
	struct kshm_limits limits;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	UNREFERENCED_PARAMETER(handle);
	kshm_current_limits(&limits);
	kshm_version_describe(v, &limits);
	v->regions_live = (uint64_t)kshm_counter_read(&kshm_counters.regions_live);
	v->bytes_allocated = (uint64_t)kshm_counter_read(&kshm_counters.bytes_allocated);
	v->bytes_pinned = (uint64_t)kshm_counter_read(&kshm_counters.bytes_pinned);
	return STATUS_SUCCESS;
}

/*
 * Insert a new region, dropping it (in the owner's context) if the handle
 * cannot take it. From here on another thread may destroy it: the caller
 * replies with *id, never with anything read from the region.
 */
static NTSTATUS adopt_region(struct kshm_handle *handle, struct kshm_region *region,
			     const struct kshm_limits *limits, uint32_t *id)
{
	NTSTATUS status = kshm_handle_insert(handle, region, limits, id);

	if (!NT_SUCCESS(status)) {
		if (region->ops->forget)
			region->ops->forget(region);
		kshm_region_put(region);
	}
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_region_create(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	struct kshm_region_create *c = &req->region_create;
	struct kshm_region *region;
	struct kshm_limits limits;
	uint64_t alloc_bytes;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	kshm_current_limits(&limits);
	status = to_nt(kshm_validate_region_create(c, &limits, &alloc_bytes));
	if (!NT_SUCCESS(status))
		return status;
	status = kshm_region_alloc_pages(alloc_bytes, c->length, c->flags, &limits, &region);
	if (!NT_SUCCESS(status))
		return status;
	c->user_addr = (uint64_t)(ULONG_PTR)region->user_va;	/* the caller's own address */
	status = adopt_region(handle, region, &limits, &c->id);
	if (!NT_SUCCESS(status))
		return status;
	c->mapped_length = alloc_bytes;
	c->mmap_offset = 0;
	return STATUS_SUCCESS;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_buffer_attach(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	struct kshm_buffer_attach *a = &req->buffer_attach;
	struct kshm_region *region;
	struct kshm_limits limits;
	struct kshm_layout layout;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	kshm_current_limits(&limits);
	status = to_nt(kshm_validate_buffer_attach(a, &limits, &layout));
	if (!NT_SUCCESS(status))
		return status;
	status = kshm_region_attach_user(&layout, a->flags, &limits, &region);
	if (!NT_SUCCESS(status))
		return status;
	a->layout = region->layout;
	return adopt_region(handle, region, &limits, &a->id);
}

struct pfn_copy {
	uint64_t *dst;		/* the caller's array */
	const PFN_NUMBER *pfns;
	uint32_t count;
};

/* Under kshm_guarded_call: dst is a raw user pointer. */
static NTSTATUS write_pfns(void *ctx)
{
	struct pfn_copy *copy = ctx;
	uint32_t i;

	ProbeForWrite(copy->dst, (SIZE_T)copy->count * sizeof(*copy->dst), sizeof(uint32_t));
	for (i = 0; i < copy->count; i++)
		copy->dst[i] = copy->pfns[i];
	return STATUS_SUCCESS;
}

/*
 * Frame numbers say where kernel and other processes' data live: only for a
 * caller holding SeDebugPrivilege (the Windows counterpart of CAP_SYS_ADMIN
 * here). pfn_array is a raw user pointer: probed and written under the
 * guard, in the owner's context.
 */
static NTSTATUS copy_pfns(const struct kshm_region *region, struct kshm_region_info *info)
{
	struct pfn_copy copy = {
		.dst = (uint64_t *)(ULONG_PTR)info->pfn_array,
		.pfns = MmGetMdlPfnArray(region->mdl),
		.count = (uint32_t)min((uint64_t)info->pfn_capacity,
				       region->charged_bytes >> PAGE_SHIFT),
	};
	NTSTATUS status;

	if (!SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_DEBUG_PRIVILEGE), UserMode))
		return STATUS_PRIVILEGE_NOT_HELD;
	if (info->pfn_array > (uint64_t)MAXULONG_PTR)
		return STATUS_ACCESS_VIOLATION;
	status = kshm_guarded_call(write_pfns, &copy);
	if (NT_SUCCESS(status))
		info->pfn_count = copy.count;
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_region_info(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	struct kshm_region_info *info = &req->region_info;
	struct kshm_region *region;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	status = to_nt(kshm_validate_region_info(info));
	if (!NT_SUCCESS(status))
		return status;
	region = kshm_handle_get_region(handle, info->id);
	if (!region)
		return STATUS_NOT_FOUND;
	/* Mapped at create: the process knows its own address, and no window is needed. */
	kshm_policy_region_info(info, &(struct kshm_region_facts) {
		.head = &region->head,
		.span_pages = region->charged_bytes >> PAGE_SHIFT,
		.page_size = PAGE_SIZE,
		.mmap_offset = 0,
		.layout = &region->layout,
	});
	status = info->pfn_array ? copy_pfns(region, info) : STATUS_SUCCESS;
	kshm_region_put(region);
	return status;
}

/* Look up the region of a fill or checksum and check the range against it. */
static NTSTATUS range_op_region(struct kshm_handle *handle, struct kshm_range_op *op,
				struct kshm_region **out)
{
	struct kshm_region *region;
	NTSTATUS status;

	region = kshm_handle_get_region(handle, op->id);
	if (!region)
		return STATUS_NOT_FOUND;
	status = to_nt(kshm_validate_range_op(op, region->head.byte_count));
	if (!NT_SUCCESS(status)) {
		kshm_region_put(region);
		return status;
	}
	*out = region;
	return STATUS_SUCCESS;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_fill(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	struct kshm_range_op *op = &req->fill;
	struct kshm_region *region;
	NTSTATUS status = range_op_region(handle, op, &region);

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	if (!NT_SUCCESS(status))
		return status;
	status = to_nt(kshm_policy_fill(&region->head));
	if (NT_SUCCESS(status))
		status = kshm_fill_bytes(region->system_va + op->offset, op->length, op->seed);
	kshm_region_put(region);
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_checksum(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	struct kshm_range_op *op = &req->checksum;
	struct kshm_region *region;
	NTSTATUS status = range_op_region(handle, op, &region);

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	if (!NT_SUCCESS(status))
		return status;
	status = kshm_checksum_bytes(region->system_va + op->offset, op->length, &op->checksum);
	kshm_region_put(region);
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_region_destroy(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	NTSTATUS status = to_nt(kshm_validate_region_destroy(&req->region_destroy));

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	return NT_SUCCESS(status) ? kshm_handle_remove(handle, req->region_destroy.id) : status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_transfer(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	const uint32_t methods = (1U << KSHM_METHOD_BUFFERED) | (1U << KSHM_METHOD_DIRECT) |
				 (1U << KSHM_METHOD_NEITHER);
	struct kshm_limits limits;
	struct kshm_layout layout;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	UNREFERENCED_PARAMETER(handle);
	kshm_current_limits(&limits);
	status = to_nt(kshm_validate_transfer(&req->transfer, &limits, methods, &layout));
	return NT_SUCCESS(status) ? kshm_transfer_run(&req->transfer, &layout) : status;
}

/*
 * KSHM_IOC_TRANSFER_IN_DIRECT / _OUT_DIRECT: the I/O manager did the direct
 * method's work, probing and locking the caller's output buffer (for reading
 * with IN_DIRECT, writing with OUT_DIRECT); it unlocks it after completion.
 * The driver only needs a system view of it. Nothing copies SystemBuffer
 * back, so an IN_DIRECT checksum is compared with the one the caller sent.
 * `length` must be the output buffer's; `user_addr` is validated like any
 * transfer's but not compared (a host may hand the driver a copy).
 */
_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_transfer_io_direct(struct kshm_handle *handle, union kshm_request *req,
					 PIRP irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
	ULONG out_bytes = stack->Parameters.DeviceIoControl.OutputBufferLength;
	BOOLEAN to_kernel = METHOD_FROM_CTL_CODE(stack->Parameters.DeviceIoControl.IoControlCode) ==
			    METHOD_IN_DIRECT;
	ULONG priority = NormalPagePriority | MdlMappingNoExecute;
	struct kshm_transfer *t = &req->transfer;
	struct kshm_limits limits;
	struct kshm_layout layout;
	uint64_t checksum;
	uint8_t *system_va;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(handle);
	kshm_current_limits(&limits);
	status = to_nt(kshm_validate_transfer(t, &limits, 1U << KSHM_METHOD_DIRECT, &layout));
	if (!NT_SUCCESS(status))
		return status;
	if (t->direction != (to_kernel ? KSHM_DIR_TO_KERNEL : KSHM_DIR_FROM_KERNEL) ||
	    !irp->MdlAddress || t->length != out_bytes)
		return STATUS_INVALID_PARAMETER;
	if (to_kernel)
		priority |= MdlMappingNoWrite;	/* locked for reading: viewed read-only */
	system_va = MmGetSystemAddressForMdlSafe(irp->MdlAddress, priority);
	if (!system_va)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (!to_kernel) {
		status = kshm_fill_bytes(system_va, t->length, t->seed);
		if (NT_SUCCESS(status))
			irp->IoStatus.Information = out_bytes;	/* bytes of the output buffer written */
		return status;
	}
	status = kshm_checksum_bytes(system_va, t->length, &checksum);
	if (NT_SUCCESS(status) && checksum != t->checksum)
		status = STATUS_CRC_ERROR;
	return status;
}

/*
 * KSHM_IOC_TRANSFER_NEITHER: the struct was captured from the caller's input
 * buffer (run_request) and goes back there; the data is the caller's output
 * buffer, Irp->UserBuffer, a raw pointer in the caller's address space (this
 * runs in the owner's context, top-level dispatch), probed and used under
 * the guard. `length` must be the output buffer's.
 */
_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_transfer_neither(struct kshm_handle *handle, union kshm_request *req,
				       PIRP irp)
{
	ULONG out_bytes = IoGetCurrentIrpStackLocation(irp)->Parameters.DeviceIoControl.OutputBufferLength;
	struct kshm_transfer *t = &req->transfer;
	struct kshm_limits limits;
	struct kshm_layout layout;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(handle);
	kshm_current_limits(&limits);
	status = to_nt(kshm_validate_transfer(t, &limits, 1U << KSHM_METHOD_NEITHER, &layout));
	if (!NT_SUCCESS(status))
		return status;
	if (t->length != out_bytes)
		return STATUS_INVALID_PARAMETER;
	status = kshm_transfer_neither(t, irp->UserBuffer);
	if (NT_SUCCESS(status) && t->direction == KSHM_DIR_FROM_KERNEL)
		irp->IoStatus.Information = out_bytes;	/* bytes of the output buffer written */
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_channel_create(struct kshm_handle *handle, union kshm_request *req,
				     PIRP irp)
{
	struct kshm_channel_create *c = &req->channel_create;
	struct kshm_region *region;
	struct kshm_limits limits;
	uint64_t alloc_bytes;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	kshm_current_limits(&limits);
	status = to_nt(kshm_validate_channel_create(c, &limits, &alloc_bytes));
	if (!NT_SUCCESS(status))
		return status;
	status = kshm_channel_new(c, alloc_bytes, &limits, &region);
	if (!NT_SUCCESS(status))
		return status;
	status = adopt_region(handle, region, &limits, &c->id);
	if (!NT_SUCCESS(status))
		return status;
	c->mapped_length = alloc_bytes;
	c->mmap_offset = 0;	/* no window: KSHM_IOC_CHANNEL_MAP maps it */
	return STATUS_SUCCESS;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_channel_generate(struct kshm_handle *handle, union kshm_request *req,
				       PIRP irp)
{
	struct kshm_region *region = kshm_handle_get_region(handle, req->channel_generate.id);
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	if (!region)
		return STATUS_NOT_FOUND;
	status = kshm_channel_generate(region, &req->channel_generate);
	kshm_region_put(region);
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_channel_kick(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	struct kshm_region *region = kshm_handle_get_region(handle, req->channel_kick.id);
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	if (!region)
		return STATUS_NOT_FOUND;
	status = kshm_channel_kick(region);
	kshm_region_put(region);
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_channel_process(struct kshm_handle *handle, union kshm_request *req,
				      PIRP irp)
{
	struct kshm_channel_process *p = &req->channel_process;
	struct kshm_region *sub, *comp;
	NTSTATUS status = to_nt(kshm_validate_channel_process(p));

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	if (!NT_SUCCESS(status))
		return status;
	sub = kshm_handle_get_region(handle, p->submissions);
	comp = kshm_handle_get_region(handle, p->completions);
	status = (sub && comp) ? kshm_channel_process(sub, comp, p) : STATUS_NOT_FOUND;
	if (sub)
		kshm_region_put(sub);
	if (comp)
		kshm_region_put(comp);
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS ioctl_channel_map(struct kshm_handle *handle, union kshm_request *req, PIRP irp)
{
	struct kshm_region *region = kshm_handle_get_region(handle, req->channel_map.id);
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(irp);
	if (!region)
		return STATUS_NOT_FOUND;
	status = kshm_channel_map(region, &req->channel_map);
	kshm_region_put(region);
	return status;
}

typedef NTSTATUS kshm_handler(struct kshm_handle *handle, union kshm_request *req, PIRP irp);

/* Each request of core/request.h in its METHOD_BUFFERED form. */
static kshm_handler *const kshm_handlers[KSHM_NR_LIMIT] = {
	KSHM_REQUEST_TABLE(KSHM_REQUEST_HANDLER)
	KSHM_WINDOWS_REQUEST_TABLE(KSHM_REQUEST_HANDLER)
};

/*
 * The I/O manager's other methods, a Windows matter: KSHM_IOC_TRANSFER's
 * struct with the data as the output buffer. A direct method copies nothing
 * back but the status.
 */
static const struct kshm_io_method {
	ULONG code;
	BOOLEAN replies;
	kshm_handler *handler;
} kshm_io_methods[] = {
	{ KSHM_IOC_TRANSFER_IN_DIRECT, FALSE, ioctl_transfer_io_direct },
	{ KSHM_IOC_TRANSFER_OUT_DIRECT, FALSE, ioctl_transfer_io_direct },
	{ KSHM_IOC_TRANSFER_NEITHER, TRUE, ioctl_transfer_neither },
};

/* A request's size, reply and handler from its whole code: number, method and access must match. */
static BOOLEAN find_request(ULONG code, uint32_t *size, BOOLEAN *replies, kshm_handler **handler)
{
	uint32_t nr = ((code >> 2) & 0xfffu) - 0x800u;
	const struct kshm_request_desc *desc = kshm_request_lookup(nr);
	ULONG i;

	if (!desc)
		return FALSE;
	*size = desc->size;
	if (code == KSHM_CTL(nr, KSHM_CTL_BUFFERED)) {
		*replies = (desc->flags & KSHM_REQ_REPLIES) != 0;
		*handler = kshm_handlers[nr];
		return *handler != NULL;
	}
	for (i = 0; i < ARRAYSIZE(kshm_io_methods); i++) {
		if (kshm_io_methods[i].code == code) {
			*replies = kshm_io_methods[i].replies;
			*handler = kshm_io_methods[i].handler;
			return TRUE;
		}
	}
	return FALSE;
}

/* Bytes past what this driver knows must be zero (Linux: copy_struct_from_user, E2BIG). */
static BOOLEAN tail_is_zero(const UCHAR *buffer, ULONG from, ULONG to)
{
	for (; from < to; from++) {
		if (buffer[from])
			return FALSE;
	}
	return TRUE;
}

/* The one copy of the request; nothing reads its bytes again. */
static NTSTATUS take_request(const UCHAR *bytes, ULONG in_bytes, ULONG size,
			     union kshm_request *req)
{
	if (!tail_is_zero(bytes, size, in_bytes))
		return STATUS_INVALID_BUFFER_SIZE;
	RtlZeroMemory(req, sizeof(*req));
	RtlCopyMemory(req, bytes, size);
	return to_nt(kshm_check_request_size(*(uint32_t *)req, in_bytes, size));
}

/*
 * METHOD_NEITHER has no SystemBuffer: the request is the caller's input
 * buffer itself, a raw pointer in its address space (this runs in the
 * owner's context), copied in once and the reply copied back, each under the
 * guard.
 */
static NTSTATUS copy_caller_input(PIO_STACK_LOCATION stack, void *kernel, ULONG bytes,
				  BOOLEAN to_caller)
{
	struct kshm_user_copy copy = {
		.user = stack->Parameters.DeviceIoControl.Type3InputBuffer,
		.kernel = kernel,
		.bytes = bytes,
		.to_kernel = !to_caller,
	};

	return kshm_guarded_call(kshm_copy_user, &copy);
}

static NTSTATUS capture_caller_input(PIO_STACK_LOCATION stack, ULONG in_bytes, ULONG size,
				     union kshm_request *req)
{
	UCHAR *captured = kshm_pool_alloc(in_bytes);
	NTSTATUS status;

	if (!captured)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = copy_caller_input(stack, captured, in_bytes, FALSE);
	if (NT_SUCCESS(status))
		status = take_request(captured, in_bytes, size, req);
	ExFreePool(captured);
	return status;
}

static NTSTATUS run_request(struct kshm_handle *handle, PIRP irp, PIO_STACK_LOCATION stack,
			    ULONG_PTR *information)
{
	ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
	ULONG in_bytes = stack->Parameters.DeviceIoControl.InputBufferLength;
	ULONG out_bytes = stack->Parameters.DeviceIoControl.OutputBufferLength;
	const UCHAR *system_buffer = irp->AssociatedIrp.SystemBuffer;
	BOOLEAN neither = METHOD_FROM_CTL_CODE(code) == METHOD_NEITHER;
	kshm_handler *handler;
	union kshm_request req;
	BOOLEAN replies;
	NTSTATUS status;
	uint32_t size;

	if (!find_request(code, &size, &replies, &handler))
		return STATUS_INVALID_DEVICE_REQUEST;
	if (in_bytes < size || in_bytes > KSHM_MAX_REQUEST_BYTES)
		return STATUS_INVALID_PARAMETER;
	if (neither) {
		status = capture_caller_input(stack, in_bytes, size, &req);
	} else {
		if (!system_buffer)
			return STATUS_INVALID_PARAMETER;
		if (replies && out_bytes < size)
			return STATUS_BUFFER_TOO_SMALL;
		status = take_request(system_buffer, in_bytes, size, &req);
	}
	if (!NT_SUCCESS(status))
		return status;
	status = handler(handle, &req, irp);
	if (!NT_SUCCESS(status) || !replies)
		return status;
	if (neither)	/* Information: what the handler wrote to the output buffer */
		return copy_caller_input(stack, &req, size, TRUE);
	RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, &req, size);
	*information = size;
	return STATUS_SUCCESS;
}

/* Completes the IRP. PASSIVE_LEVEL, in the owner's context (checked by the dispatcher). */
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_device_control(struct kshm_handle *handle, PIRP irp, PIO_STACK_LOCATION stack)
{
	ULONG_PTR information = 0;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	irp->IoStatus.Information = 0;	/* a direct-method handler may set it */
	status = run_request(handle, irp, stack, &information);
	irp->IoStatus.Status = status;
	if (!NT_SUCCESS(status))
		irp->IoStatus.Information = 0;
	else if (information)
		irp->IoStatus.Information = information;
	IoCompleteRequest(irp, IO_NO_INCREMENT);
	return status;
}
