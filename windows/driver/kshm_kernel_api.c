// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kshm's kernel API for other drivers on Windows (include/kshm/kernel.h):
 * the same operations and rules as linux/kshm_channel.c and
 * linux/kshm_region.c export, handed out as a function table through
 * IRP_MJ_INTERNAL_DEVICE_CONTROL (docs/windows.md, "Kernel API for other
 * drivers", says why a table and not an export driver).
 *
 * Nothing here owns memory or rings: a lookup takes a counted reference with
 * the handle's own kshm_handle_get_region(), publishing and consuming run
 * core/channel.c under the channel's own locks, exactly as the built-in
 * services do, and a put is kshm_region_put(). A reference keeps the region
 * (and its channel, pages and the process's event) alive after the process
 * let go: the channel left its handle then, which is what "closed" means.
 */
#include "kshm_drv.h"
#include "core/validate.h"
#include "core/channel.h"
#include "core/policy.h"
#include "include/kshm/kernel.h"

/* Written once in DriverEntry. */
static PDRIVER_OBJECT kshm_driver;
/* &IoFileObjectType, by name: mingw-w64 declares it one level off (see kshm_channel_init). */
static POBJECT_TYPE *kshm_file_object_type;
/* Tables handed out and not yet dereferenced: zero by the time kshm unloads. */
static volatile LONG kshm_api_users;

_IRQL_requires_max_(PASSIVE_LEVEL)
void kshm_kernel_api_init(PDRIVER_OBJECT driver)
{
	UNICODE_STRING name;

	NT_ASSERT(KeGetCurrentIrql() == PASSIVE_LEVEL);
	kshm_driver = driver;
	RtlInitUnicodeString(&name, L"IoFileObjectType");
	kshm_file_object_type = (POBJECT_TYPE *)MmGetSystemRoutineAddress(&name);
}

LONG kshm_kernel_api_users(void)
{
	return InterlockedCompareExchange(&kshm_api_users, 0, 0);
}

/*
 * The kshm handle behind a process's HANDLE, referenced through its file
 * object: UserMode, so a kernel handle, a handle of another type or one
 * without the access kshm's own requests need is refused; then the file must
 * be one of kshm's and opened by the current process (a duplicate of it in
 * another process names memory mapped elsewhere).
 */
_IRQL_requires_max_(APC_LEVEL)
static NTSTATUS lookup(HANDLE kshm_handle, ULONG id, BOOLEAN want_channel,
		       struct kshm_region **out)
{
	struct kshm_region *region = NULL;
	struct kshm_handle *handle;
	PFILE_OBJECT file;
	NTSTATUS status;

	NT_ASSERT(KeGetCurrentIrql() <= APC_LEVEL);
	*out = NULL;
	if (!kshm_file_object_type)
		return STATUS_NOT_SUPPORTED;
	status = ObReferenceObjectByHandle(kshm_handle, FILE_READ_DATA | FILE_WRITE_DATA,
					   *kshm_file_object_type, UserMode, (PVOID *)&file, NULL);
	if (!NT_SUCCESS(status))
		return STATUS_INVALID_HANDLE;
	handle = file->FsContext;
	if (!file->DeviceObject || file->DeviceObject->DriverObject != kshm_driver || !handle ||
	    handle->owner != PsGetCurrentProcess())
		status = STATUS_INVALID_HANDLE;
	else if (!(region = kshm_handle_get_region(handle, id)))
		status = STATUS_NOT_FOUND;
	else if ((region->channel != NULL) != want_channel)
		status = STATUS_INVALID_PARAMETER;
	else if (region->head.kind == KSHM_KIND_USER_BUFFER)
		status = STATUS_NOT_SUPPORTED;	/* its locked pages may not outlive the process */
	if (NT_SUCCESS(status))
		*out = region;
	else if (region)
		kshm_region_put(region);
	ObDereferenceObject(file);
	return status;
}

static kshm_region_get_handle_fn region_get_handle;
static NTSTATUS region_get_handle(HANDLE kshm_handle, ULONG id, struct kshm_region **out)
{
	NT_ASSERT(KeGetCurrentIrql() <= APC_LEVEL);
	return lookup(kshm_handle, id, FALSE, out);
}

static kshm_region_kernel_view_fn region_kernel_view;
static VOID region_kernel_view(const struct kshm_region *region, struct kshm_kernel_view *view)
{
	NT_ASSERT(KeGetCurrentIrql() <= DISPATCH_LEVEL);
	view->addr = region->system_va;
	view->len = region->head.byte_count;
	view->writable = kshm_policy_kernel_writable(&region->head);
}

static kshm_region_put_fn region_put;
static VOID region_put(struct kshm_region *region)
{
	NT_ASSERT(KeGetCurrentIrql() <= APC_LEVEL);
	kshm_region_put(region);
}

static kshm_channel_get_handle_fn channel_get_handle;
static NTSTATUS channel_get_handle(HANDLE kshm_handle, ULONG id, struct kshm_channel **out)
{
	struct kshm_region *region;
	NTSTATUS status;

	NT_ASSERT(KeGetCurrentIrql() <= APC_LEVEL);
	status = lookup(kshm_handle, id, TRUE, &region);
	*out = NT_SUCCESS(status) ? region->channel : NULL;
	return status;
}

static kshm_channel_kind_fn channel_kind;
static ULONG channel_kind(const struct kshm_channel *channel)
{
	NT_ASSERT(KeGetCurrentIrql() <= DISPATCH_LEVEL);
	return kshm_channel_ring((struct kshm_channel *)channel)->kind;
}

static kshm_channel_closed_fn channel_closed;
static BOOLEAN channel_closed(const struct kshm_channel *channel)
{
	NT_ASSERT(KeGetCurrentIrql() <= DISPATCH_LEVEL);
	return kshm_channel_left_handle((struct kshm_channel *)channel);
}

static kshm_channel_put_fn channel_put;
static VOID channel_put(struct kshm_channel *channel)
{
	NT_ASSERT(KeGetCurrentIrql() <= APC_LEVEL);
	kshm_region_put(kshm_channel_region(channel));
}

/*
 * The producer side is the channel's spin lock (kshm_channel.c), so this
 * runs at any IRQL up to DISPATCH_LEVEL; the copy under it is bounded by
 * KSHM_PUBLISH_MAX_RECORD, not by the ring's size.
 */
static kshm_channel_publish_fn channel_publish;
static NTSTATUS channel_publish(struct kshm_channel *channel, ULONG type, const void *payload,
				ULONG len)
{
	NT_ASSERT(KeGetCurrentIrql() <= DISPATCH_LEVEL);
	return kshm_status_to_ntstatus(kshm_policy_publish_record(kshm_channel_ring(channel),
								  kshm_channel_left_handle(channel),
								  type, payload, len));
}

/* NTSTATUS is a LONG: core's int refusal carries fn's status unchanged. */
C_ASSERT(sizeof(NTSTATUS) == sizeof(int));

static kshm_channel_consume_fn channel_consume;
static NTSTATUS channel_consume(struct kshm_channel *channel, ULONG max_records,
				kshm_consume_fn *fn, void *arg, ULONG *consumed)
{
	struct kshm_kchannel *sc = kshm_channel_ring(channel);
	enum kshm_service_end end;
	NTSTATUS status;
	uint32_t done;
	int refusal;

	NT_ASSERT(KeGetCurrentIrql() <= APC_LEVEL);
	*consumed = 0;
	status = kshm_status_to_ntstatus(kshm_policy_consumer(sc, kshm_channel_left_handle(channel)));
	if (!NT_SUCCESS(status))
		return status;
	ExAcquireFastMutex(kshm_channel_consumer_lock(channel));
	end = kshm_kchannel_consume(sc, max_records, (kshm_kchannel_consume_fn *)fn, arg, &done,
				   &refusal);
	ExReleaseFastMutex(kshm_channel_consumer_lock(channel));
	*consumed = done;
	if (done)
		return STATUS_SUCCESS;
	if (end == KSHM_SERVICE_BROKEN)
		return STATUS_IO_DEVICE_ERROR;
	return refusal;
}

_IRQL_requires_max_(DISPATCH_LEVEL)
static VOID NTAPI api_reference(PVOID context)
{
	UNREFERENCED_PARAMETER(context);
	NT_ASSERT(KeGetCurrentIrql() <= DISPATCH_LEVEL);
	InterlockedIncrement(&kshm_api_users);
}

_IRQL_requires_max_(DISPATCH_LEVEL)
static VOID NTAPI api_dereference(PVOID context)
{
	UNREFERENCED_PARAMETER(context);
	NT_ASSERT(KeGetCurrentIrql() <= DISPATCH_LEVEL);
	NT_ASSERT(kshm_kernel_api_users() > 0);
	InterlockedDecrement(&kshm_api_users);
}

/*
 * The caller's header says which table it was built against. Version 1 is
 * the only one yet; a later kshm fills the members of the caller's version
 * and no more.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
static NTSTATUS fill_table(struct kshm_kernel_api *api, ULONG out_bytes)
{
	if (out_bytes < sizeof(*api) || api->header.Size < sizeof(*api))
		return STATUS_BUFFER_TOO_SMALL;
	if (api->header.Version != KSHM_KERNEL_API_VERSION)
		return STATUS_REVISION_MISMATCH;
	api->header.Context = kshm_driver;
	api->header.InterfaceReference = api_reference;
	api->header.InterfaceDereference = api_dereference;
	api->region_get_handle = region_get_handle;
	api->region_kernel_view = region_kernel_view;
	api->region_put = region_put;
	api->channel_get_handle = channel_get_handle;
	api->channel_kind = channel_kind;
	api->channel_closed = channel_closed;
	api->channel_put = channel_put;
	api->channel_publish = channel_publish;
	api->channel_consume = channel_consume;
	api->header.InterfaceReference(api->header.Context);
	return STATUS_SUCCESS;
}

/*
 * Internal device controls come from drivers only (user mode cannot send
 * them), but the requestor mode is checked anyway: the table goes through a
 * raw pointer (METHOD_NEITHER), which only a kernel-mode caller may pass.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS kshm_dispatch_internal_device_control(PDEVICE_OBJECT device, PIRP irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
	NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;

	UNREFERENCED_PARAMETER(device);
	NT_ASSERT(KeGetCurrentIrql() <= DISPATCH_LEVEL);
	if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_KSHM_QUERY_KERNEL_API) {
		if (irp->RequestorMode != KernelMode || !irp->UserBuffer)
			status = STATUS_ACCESS_DENIED;
		else
			status = fill_table(irp->UserBuffer,
					    stack->Parameters.DeviceIoControl.OutputBufferLength);
	}
	irp->IoStatus.Status = status;
	irp->IoStatus.Information = NT_SUCCESS(status) ? sizeof(struct kshm_kernel_api) : 0;
	IoCompleteRequest(irp, IO_NO_INCREMENT);
	return status;
}
