/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the two Windows sample drivers (tick/windows, crc/windows) share and
 * is not about kshm: their device and its name, kshm's function table held
 * from DriverEntry to DriverUnload, a per-handle context, completing an IRP.
 * Each sample keeps what it is about: the lookups, the publishing or
 * consuming, and what its process can do meanwhile.
 */
#ifndef KSHM_WINDOWS_SAMPLE_H
#define KSHM_WINDOWS_SAMPLE_H

#include <ntifs.h>

#include <kshm/kernel.h>

#define SAMPLE_POOL_TAG	'pmSK'

/* kshm's table, and the file object that keeps kshm.sys loaded while we are. */
static struct kshm_kernel_api kshm;
static PFILE_OBJECT kshm_file;

static DRIVER_DISPATCH sample_close;

static inline NTSTATUS sample_complete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
	irp->IoStatus.Status = status;
	irp->IoStatus.Information = information;
	IoCompleteRequest(irp, IO_NO_INCREMENT);
	return status;
}

/* IRP_MJ_CREATE's half: a zeroed non-paged context for the handle (a DPC may read it). */
static inline NTSTATUS sample_create_context(PIRP irp, SIZE_T bytes, PVOID *context)
{
	PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, bytes, SAMPLE_POOL_TAG);

	*context = p;
	if (!p)
		return STATUS_INSUFFICIENT_RESOURCES;
	RtlZeroMemory(p, bytes);
	IoGetCurrentIrpStackLocation(irp)->FileObject->FsContext = p;
	return STATUS_SUCCESS;
}

/* IRP_MJ_CLOSE: CLEANUP has stopped whatever used the context. */
static NTSTATUS sample_close(PDEVICE_OBJECT device, PIRP irp)
{
	PFILE_OBJECT file = IoGetCurrentIrpStackLocation(irp)->FileObject;

	UNREFERENCED_PARAMETER(device);
	ExFreePoolWithTag(file->FsContext, SAMPLE_POOL_TAG);
	file->FsContext = NULL;
	return sample_complete(irp, STATUS_SUCCESS, 0);
}

/*
 * DriverEntry's half, PASSIVE_LEVEL: kshm's table first (without kshm running
 * there is nothing to share: STATUS_OBJECT_NAME_NOT_FOUND fails our load),
 * then \Device\NAME and \DosDevices\NAME (\\.\NAME for the program), then
 * the driver's routines: CREATE, CLEANUP, DEVICE_CONTROL, unload (CLOSE is
 * sample_close). A
 * sample takes the I/O manager's default security for its device; a product
 * restricts it (IoCreateDeviceSecure, or an INF's Security key).
 */
static inline NTSTATUS sample_start(PDRIVER_OBJECT driver, PCWSTR nt_path, PCWSTR dos_path,
				    PDRIVER_DISPATCH create, PDRIVER_DISPATCH cleanup,
				    PDRIVER_DISPATCH device_control, PDRIVER_UNLOAD unload)
{
	UNICODE_STRING nt_name, dos_name;
	PDEVICE_OBJECT device;
	NTSTATUS status;

	RtlInitUnicodeString(&nt_name, nt_path);
	RtlInitUnicodeString(&dos_name, dos_path);
	status = kshm_kernel_api_open(&kshm, &kshm_file);
	if (!NT_SUCCESS(status))
		return status;
	status = IoCreateDevice(driver, 0, &nt_name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN,
				FALSE, &device);
	if (NT_SUCCESS(status)) {
		status = IoCreateSymbolicLink(&dos_name, &nt_name);
		if (!NT_SUCCESS(status))
			IoDeleteDevice(device);
	}
	if (!NT_SUCCESS(status)) {
		kshm_kernel_api_close(&kshm, kshm_file);
		return status;
	}
	driver->MajorFunction[IRP_MJ_CREATE] = create;
	driver->MajorFunction[IRP_MJ_CLEANUP] = cleanup;
	driver->MajorFunction[IRP_MJ_CLOSE] = sample_close;
	driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = device_control;
	driver->DriverUnload = unload;
	return STATUS_SUCCESS;
}

/* DriverUnload's half: no handle is open, so every reference is put; then kshm may unload. */
static inline VOID sample_stop(PDRIVER_OBJECT driver, PCWSTR dos_path)
{
	UNICODE_STRING dos_name;

	RtlInitUnicodeString(&dos_name, dos_path);
	IoDeleteSymbolicLink(&dos_name);
	IoDeleteDevice(driver->DeviceObject);
	kshm_kernel_api_close(&kshm, kshm_file);
}

#endif /* KSHM_WINDOWS_SAMPLE_H */
