// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kshm for Windows: the device \Device\kshm (\\.\kshm), its limits (service
 * registry Parameters), its security, and the dispatch routines that map the
 * driver: CREATE, CLEANUP, CLOSE, DEVICE_CONTROL.
 */
#include "kshm_drv.h"

#define KSHM_NT_DEVICE_NAME	L"\\Device\\kshm"
#define KSHM_DOS_DEVICE_NAME	L"\\DosDevices\\kshm"

struct kshm_counters kshm_counters;

/* Read once in DriverEntry (PASSIVE_LEVEL) and never written again. */
static struct kshm_limits kshm_configured_limits;
BOOLEAN kshm_simulate_no_write_ignored;

typedef PVOID (NTAPI *ex_allocate_pool2_fn)(ULONG64 flags, SIZE_T bytes, ULONG tag);
static ex_allocate_pool2_fn kshm_ex_allocate_pool2;
typedef BOOLEAN (NTAPI *ps_is_thread_terminating_fn)(PETHREAD thread);
static ps_is_thread_terminating_fn kshm_ps_is_thread_terminating;
#define KSHM_POOL_FLAG_NON_PAGED 0x0000000000000040ULL	/* zeroed unless asked not to */

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD kshm_unload;
_Dispatch_type_(IRP_MJ_CREATE) static DRIVER_DISPATCH kshm_dispatch_create;
_Dispatch_type_(IRP_MJ_CLEANUP) static DRIVER_DISPATCH kshm_dispatch_cleanup;
_Dispatch_type_(IRP_MJ_CLOSE) static DRIVER_DISPATCH kshm_dispatch_close;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) static DRIVER_DISPATCH kshm_dispatch_device_control;

void kshm_current_limits(struct kshm_limits *limits)
{
	*limits = kshm_configured_limits;
}

/* The one table from core's verdicts to NTSTATUS; lib/backend_windows.c maps back to errno. */
NTSTATUS kshm_status_to_ntstatus(enum kshm_status status)
{
	switch (status) {
	case KSHM_OK:
		return STATUS_SUCCESS;
	case KSHM_ERR_RANGE:
		return STATUS_INVALID_BLOCK_LENGTH;	/* ERROR_INVALID_BLOCK_LENGTH: distinct from EACCES */
	case KSHM_ERR_OVERFLOW:
		return STATUS_INTEGER_OVERFLOW;
	case KSHM_ERR_TOO_BIG:
		return STATUS_FILE_TOO_LARGE;
	case KSHM_ERR_QUOTA:
		return STATUS_QUOTA_EXCEEDED;
	case KSHM_ERR_ACCESS:
		return STATUS_ACCESS_DENIED;
	case KSHM_ERR_NOENT:
		return STATUS_NOT_FOUND;
	case KSHM_ERR_INTERRUPTED:
		return STATUS_CANCELLED;		/* EINTR */
	case KSHM_ERR_CANCELLED:
		return STATUS_REQUEST_ABORTED;		/* ECANCELED */
	case KSHM_ERR_CORRUPT:
		return STATUS_IO_DEVICE_ERROR;		/* EIO */
	case KSHM_ERR_FAULT:
		return STATUS_ACCESS_VIOLATION;		/* EFAULT */
	case KSHM_ERR_CLOSED:
		return STATUS_PIPE_CLOSED;		/* EPIPE */
	case KSHM_ERR_INVAL:
		break;
	}
	return STATUS_INVALID_PARAMETER;
}

/* Add `amount` to a driver-wide counter unless that would pass `limit`. */
NTSTATUS kshm_quota_charge(volatile LONG64 *used, uint64_t amount, uint64_t limit)
{
	LONG64 old = *used, seen;

	for (;;) {
		if (!kshm_quota_fits((uint64_t)old, amount, limit))
			return STATUS_QUOTA_EXCEEDED;
		seen = kshm_counter_cmpxchg(used, old, old + (LONG64)amount);
		if (seen == old)
			return STATUS_SUCCESS;
		old = seen;
	}
}

/*
 * ExAllocatePool2 (Windows 10 2004 and later) zeroes; older systems only have
 * ExAllocatePoolWithTag, which does not, so the fallback zeroes by hand:
 * nothing the pool held before may reach a caller.
 */
PVOID kshm_pool_alloc(SIZE_T bytes)
{
	PVOID p;

	if (kshm_ex_allocate_pool2)
		return kshm_ex_allocate_pool2(KSHM_POOL_FLAG_NON_PAGED, bytes, KSHM_POOL_TAG);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, bytes, KSHM_POOL_TAG);
	if (p)
		RtlZeroMemory(p, bytes);
	return p;
}

/*
 * Long loops (chunked fill and checksum, the channels' services) stop for a
 * terminating thread. PsIsThreadTerminating is resolved at load, not
 * imported, and not used under Wine (told by its own kernel's export
 * wine_ntoskrnl_main_loop): Wine 8 exports the routine as a stub that aborts
 * the driver's host when called. Where it is missing or a stub, the thread
 * counts as never terminating, and the loops' own bounds (per chunk, per
 * call) still end them.
 */
bool kshm_thread_terminating(void)
{
	return kshm_ps_is_thread_terminating &&
	       kshm_ps_is_thread_terminating(PsGetCurrentThread());
}

const struct kshm_work_ops kshm_caller_work = {
	.interrupted = kshm_thread_terminating,
	.yield = NULL,	/* PASSIVE_LEVEL threads are preempted anyway */
};

/* A REG_DWORD or REG_QWORD under Parameters, or `fallback` when absent or malformed. */
static uint64_t read_parameter(HANDLE key, PCWSTR name, uint64_t fallback)
{
	UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(uint64_t)];
	PKEY_VALUE_PARTIAL_INFORMATION info = (PKEY_VALUE_PARTIAL_INFORMATION)buffer;
	UNICODE_STRING value_name;
	ULONG got;
	uint64_t value = 0;

	RtlInitUnicodeString(&value_name, name);
	if (!NT_SUCCESS(ZwQueryValueKey(key, &value_name, KeyValuePartialInformation, info,
					sizeof(buffer), &got)))
		return fallback;
	if (info->Type == REG_DWORD && info->DataLength == sizeof(ULONG))
		value = *(ULONG UNALIGNED *)info->Data;
	else if (info->Type == REG_QWORD && info->DataLength == sizeof(uint64_t))
		RtlCopyMemory(&value, info->Data, sizeof(value));
	else
		return fallback;
	return value;
}

/*
 * Limits and device access from HKLM\...\Services\kshm\Parameters, with the
 * same defaults as the Linux module's parameters (core/limits.h).
 */
static void read_configuration(PUNICODE_STRING registry_path, BOOLEAN *allow_users)
{
	struct kshm_limits *limits = &kshm_configured_limits;
	OBJECT_ATTRIBUTES attrs;
	UNICODE_STRING sub_name;
	HANDLE service_key, key;

	limits->max_region_bytes = KSHM_DEFAULT_MAX_REGION_BYTES;
	limits->max_allocated_bytes = KSHM_DEFAULT_MAX_ALLOCATED_BYTES;
	limits->max_pinned_bytes = KSHM_DEFAULT_MAX_PINNED_BYTES;
	limits->max_regions_per_file = KSHM_DEFAULT_MAX_REGIONS_PER_FILE;
	limits->page_shift = PAGE_SHIFT;
	*allow_users = FALSE;
	kshm_simulate_no_write_ignored = FALSE;

	InitializeObjectAttributes(&attrs, registry_path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
				   NULL, NULL);
	if (NT_SUCCESS(ZwOpenKey(&service_key, KEY_READ, &attrs))) {
		RtlInitUnicodeString(&sub_name, L"Parameters");
		InitializeObjectAttributes(&attrs, &sub_name,
					   OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, service_key, NULL);
		if (NT_SUCCESS(ZwOpenKey(&key, KEY_READ, &attrs))) {
			limits->max_region_bytes = read_parameter(key, L"MaxRegionBytes",
								  limits->max_region_bytes);
			limits->max_allocated_bytes = read_parameter(key, L"MaxAllocatedBytes",
								     limits->max_allocated_bytes);
			limits->max_pinned_bytes = read_parameter(key, L"MaxPinnedBytes",
								  limits->max_pinned_bytes);
			limits->max_regions_per_file = (uint32_t)min(
				read_parameter(key, L"MaxRegionsPerHandle",
					       limits->max_regions_per_file), (uint64_t)MAXULONG);
			*allow_users = read_parameter(key, L"AllowUsers", 0) != 0;
			kshm_simulate_no_write_ignored =
				read_parameter(key, L"SimulateNoWriteIgnored", 0) != 0;
			ZwClose(key);
		}
		ZwClose(service_key);
	}
	/* IoAllocateMdl takes a ULONG length and refuses some below 4 GiB: stay under both. */
	if (limits->max_region_bytes > (uint64_t)MAXULONG - PAGE_SIZE)
		limits->max_region_bytes = (uint64_t)MAXULONG - PAGE_SIZE;
	kshm_limits_clamp(limits);
}

/* A well-known SID S-1-5-<a>[-<b>] in a caller-provided buffer big enough for two sub-authorities. */
static PSID build_sid(UCHAR *buffer, ULONG first, ULONG second, UCHAR count)
{
	SID_IDENTIFIER_AUTHORITY nt_authority = SECURITY_NT_AUTHORITY;
	PSID sid = (PSID)buffer;

	RtlInitializeSid(sid, &nt_authority, count);
	*RtlSubAuthoritySid(sid, 0) = first;
	if (count > 1)
		*RtlSubAuthoritySid(sid, 1) = second;
	return sid;
}

/*
 * mingw-w64 has no wdmsec (IoCreateDeviceSecure), so the DACL is applied
 * after IoCreateDevice, before the symbolic link makes the device reachable:
 * SYSTEM and Administrators get all access; Authenticated Users read/write
 * only when Parameters\AllowUsers is nonzero.
 */
static NTSTATUS secure_device(PDEVICE_OBJECT device, BOOLEAN allow_users)
{
	UCHAR system_sid[32], admins_sid[32], users_sid[32];
	ULONG acl_bytes = sizeof(ACL) + 3 * (sizeof(ACCESS_ALLOWED_ACE) + sizeof(system_sid));
	SECURITY_DESCRIPTOR sd;
	NTSTATUS status;
	HANDLE handle;
	PACL acl;

	acl = kshm_pool_alloc(acl_bytes);
	if (!acl)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = RtlCreateAcl(acl, acl_bytes, ACL_REVISION);
	if (NT_SUCCESS(status))
		status = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL,
						build_sid(system_sid, SECURITY_LOCAL_SYSTEM_RID, 0, 1));
	if (NT_SUCCESS(status))
		status = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL,
						build_sid(admins_sid, SECURITY_BUILTIN_DOMAIN_RID,
							  DOMAIN_ALIAS_RID_ADMINS, 2));
	if (NT_SUCCESS(status) && allow_users)
		status = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_READ | GENERIC_WRITE,
						build_sid(users_sid, SECURITY_AUTHENTICATED_USER_RID,
							  0, 1));
	if (NT_SUCCESS(status))
		status = RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
	if (NT_SUCCESS(status))
		status = RtlSetDaclSecurityDescriptor(&sd, TRUE, acl, FALSE);
	if (NT_SUCCESS(status))
		status = ObOpenObjectByPointer(device, OBJ_KERNEL_HANDLE, NULL, WRITE_DAC, NULL,
					       KernelMode, &handle);
	if (NT_SUCCESS(status)) {
		status = ZwSetSecurityObject(handle, DACL_SECURITY_INFORMATION, &sd);
		ZwClose(handle);
	}
	ExFreePool(acl);
	return status;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
	UNICODE_STRING nt_name, dos_name, routine;
	PDEVICE_OBJECT device;
	BOOLEAN allow_users;
	NTSTATUS status;

	RtlInitUnicodeString(&routine, L"ExAllocatePool2");
	kshm_ex_allocate_pool2 = (ex_allocate_pool2_fn)MmGetSystemRoutineAddress(&routine);
	RtlInitUnicodeString(&routine, L"wine_ntoskrnl_main_loop");
	if (!MmGetSystemRoutineAddress(&routine)) {
		RtlInitUnicodeString(&routine, L"PsIsThreadTerminating");
		kshm_ps_is_thread_terminating =
			(ps_is_thread_terminating_fn)MmGetSystemRoutineAddress(&routine);
	}
	kshm_region_init();
	kshm_channel_init();
	kshm_kernel_api_init(driver);
	read_configuration(registry_path, &allow_users);
	status = kshm_handles_start();
	if (!NT_SUCCESS(status))
		return status;

	RtlInitUnicodeString(&nt_name, KSHM_NT_DEVICE_NAME);
	/* FILE_DEVICE_SECURE_OPEN: the DACL also guards \Device\kshm\anything. */
	status = IoCreateDevice(driver, 0, &nt_name, KSHM_FILE_DEVICE, FILE_DEVICE_SECURE_OPEN,
				FALSE, &device);
	if (!NT_SUCCESS(status))
		goto stop_handles;
	status = secure_device(device, allow_users);
	if (!NT_SUCCESS(status))
		goto delete_device;
	RtlInitUnicodeString(&dos_name, KSHM_DOS_DEVICE_NAME);
	status = IoCreateSymbolicLink(&dos_name, &nt_name);
	if (!NT_SUCCESS(status))
		goto delete_device;
	driver->MajorFunction[IRP_MJ_CREATE] = kshm_dispatch_create;
	driver->MajorFunction[IRP_MJ_CLEANUP] = kshm_dispatch_cleanup;
	driver->MajorFunction[IRP_MJ_CLOSE] = kshm_dispatch_close;
	driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = kshm_dispatch_device_control;
	driver->MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = kshm_dispatch_internal_device_control;
	driver->DriverUnload = kshm_unload;
	return STATUS_SUCCESS;

delete_device:
	IoDeleteDevice(device);
stop_handles:
	kshm_handles_stop();
	return status;
}

/*
 * The I/O manager unloads only once no handle is open, and every region
 * belongs to a handle and is released at its CLEANUP/CLOSE: nothing is left.
 */
static void kshm_unload(PDRIVER_OBJECT driver)
{
	UNICODE_STRING dos_name;

	/* A client driver's table is released before its file object, which defers this call. */
	NT_ASSERT(kshm_kernel_api_users() == 0);
	RtlInitUnicodeString(&dos_name, KSHM_DOS_DEVICE_NAME);
	IoDeleteSymbolicLink(&dos_name);
	if (driver->DeviceObject)
		IoDeleteDevice(driver->DeviceObject);
	kshm_handles_stop();
}

static NTSTATUS complete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
	irp->IoStatus.Status = status;
	irp->IoStatus.Information = information;
	IoCompleteRequest(irp, IO_NO_INCREMENT);
	return status;
}

/* PASSIVE_LEVEL, in the context of the opening process: remember it as the owner. */
static NTSTATUS kshm_dispatch_create(PDEVICE_OBJECT device, PIRP irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
	struct kshm_handle *handle;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(device);
	handle = kshm_pool_alloc(sizeof(*handle));
	if (!handle)
		return complete(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
	kshm_handle_init(handle, PsGetCurrentProcess());
	stack->FileObject->FsContext = handle;
	return complete(irp, STATUS_SUCCESS, 0);
}

/*
 * The last handle to the file object is closed (or its process is exiting):
 * unmap and unlock everything now, while the owner's address space still
 * exists, so no process ever exits with locked pages or kshm mappings.
 */
static NTSTATUS kshm_dispatch_cleanup(PDEVICE_OBJECT device, PIRP irp)
{
	struct kshm_handle *handle = IoGetCurrentIrpStackLocation(irp)->FileObject->FsContext;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(device);
	if (handle)
		kshm_handle_release_all(handle);
	return complete(irp, STATUS_SUCCESS, 0);
}

/* PASSIVE_LEVEL, any process. CLEANUP has emptied the handle (a host that never sends CLEANUP is covered too). */
static NTSTATUS kshm_dispatch_close(PDEVICE_OBJECT device, PIRP irp)
{
	PFILE_OBJECT file = IoGetCurrentIrpStackLocation(irp)->FileObject;
	struct kshm_handle *handle = file->FsContext;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(device);
	if (handle) {
		file->FsContext = NULL;
		kshm_handle_destroy(handle);
	}
	return complete(irp, STATUS_SUCCESS, 0);
}

/*
 * PASSIVE_LEVEL, in the caller's context (top-level driver). A handle
 * duplicated into or inherited by another process is refused: mappings and
 * locked pages belong to the owner's address space.
 */
static NTSTATUS kshm_dispatch_device_control(PDEVICE_OBJECT device, PIRP irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
	struct kshm_handle *handle = stack->FileObject->FsContext;

	KSHM_ASSERT_PASSIVE();
	UNREFERENCED_PARAMETER(device);
	if (!handle)
		return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	if (PsGetCurrentProcess() != handle->owner)
		return complete(irp, STATUS_ACCESS_DENIED, 0);
	return kshm_device_control(handle, irp, stack);
}
