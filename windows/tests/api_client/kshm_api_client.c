// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kshm_api_client: the region half of kshm's kernel API under test (the
 * samples in examples/ use channels). A process holds a region through this
 * driver, may destroy it or close kshm, and the driver still writes through
 * its kernel view until RELEASE or the handle's CLEANUP puts it.
 */
#include "../../../examples/windows_sample.h"
#include "kshm_api_client.h"

#define CLIENT_NT_NAME	L"\\Device\\kshm_api_client"
#define CLIENT_DOS_NAME	L"\\DosDevices\\kshm_api_client"

struct client {
	KMUTEX lock;
	struct kshm_region *region;	/* HOLD to RELEASE or CLEANUP */
};

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD client_unload;
static DRIVER_DISPATCH client_create, client_cleanup, client_device_control;

static VOID release(struct client *c)
{
	if (c->region) {
		kshm.region_put(c->region);
		c->region = NULL;
	}
}

/* PASSIVE_LEVEL in the caller's context, c->lock held. */
static NTSTATUS hold(struct client *c, struct kshm_api_client_req *req)
{
	struct kshm_kernel_view view;
	NTSTATUS status;

	if (c->region)
		return STATUS_DEVICE_BUSY;
	status = kshm.region_get_handle((HANDLE)(LONG_PTR)req->kshm_handle, req->id, &c->region);
	if (!NT_SUCCESS(status))
		return status;
	kshm.region_kernel_view(c->region, &view);
	req->len = view.len;
	req->writable = view.writable;
	return STATUS_SUCCESS;
}

/* Through the kernel view, whatever the process did to the region since HOLD. */
static NTSTATUS fill(struct client *c, const struct kshm_api_client_req *req)
{
	struct kshm_kernel_view view;
	ULONG64 i;

	if (!c->region)
		return STATUS_INVALID_DEVICE_STATE;
	kshm.region_kernel_view(c->region, &view);
	for (i = 0; i < view.len; i++)
		((volatile UCHAR *)view.addr)[i] = (UCHAR)(req->seed + i);
	return STATUS_SUCCESS;
}

static NTSTATUS client_device_control(PDEVICE_OBJECT device, PIRP irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
	struct client *c = stack->FileObject->FsContext;
	struct kshm_api_client_req *req = irp->AssociatedIrp.SystemBuffer;
	NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;

	UNREFERENCED_PARAMETER(device);
	if (stack->Parameters.DeviceIoControl.InputBufferLength < sizeof(*req) ||
	    stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(*req))
		return sample_complete(irp, STATUS_BUFFER_TOO_SMALL, 0);
	KeWaitForSingleObject(&c->lock, Executive, KernelMode, FALSE, NULL);
	switch (stack->Parameters.DeviceIoControl.IoControlCode) {
	case KSHM_API_CLIENT_HOLD:
		status = hold(c, req);
		break;
	case KSHM_API_CLIENT_FILL:
		status = fill(c, req);
		break;
	case KSHM_API_CLIENT_RELEASE:
		release(c);
		status = STATUS_SUCCESS;
		break;
	}
	KeReleaseMutex(&c->lock, FALSE);
	return sample_complete(irp, status, NT_SUCCESS(status) ? sizeof(*req) : 0);
}

static NTSTATUS client_create(PDEVICE_OBJECT device, PIRP irp)
{
	struct client *c;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(device);
	status = sample_create_context(irp, sizeof(*c), (PVOID *)&c);
	if (NT_SUCCESS(status))
		KeInitializeMutex(&c->lock, 0);
	return sample_complete(irp, status, 0);
}

static NTSTATUS client_cleanup(PDEVICE_OBJECT device, PIRP irp)
{
	struct client *c = IoGetCurrentIrpStackLocation(irp)->FileObject->FsContext;

	UNREFERENCED_PARAMETER(device);
	KeWaitForSingleObject(&c->lock, Executive, KernelMode, FALSE, NULL);
	release(c);
	KeReleaseMutex(&c->lock, FALSE);
	return sample_complete(irp, STATUS_SUCCESS, 0);
}

static VOID client_unload(PDRIVER_OBJECT driver)
{
	sample_stop(driver, CLIENT_DOS_NAME);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
	UNREFERENCED_PARAMETER(registry_path);
	/* kshm's table first: without kshm running we do not load. */
	return sample_start(driver, CLIENT_NT_NAME, CLIENT_DOS_NAME, client_create, client_cleanup,
			    client_device_control, client_unload);
}
