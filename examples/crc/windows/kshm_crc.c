// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kshm_crc for Windows: a sample WDM driver that serves a process's
 * requests from a system thread through two kshm channels, the twin of
 * ../kshm_crc.c: the process submits requests into a submissions ring, the
 * thread computes the CRC-32 of each one's data and posts the answer into
 * an events ring. No system call per request: one doorbell ioctl per batch,
 * none at all while the thread is busy.
 *
 * What a driver author takes from it:
 *  - DriverEntry asks kshm for its function table and keeps the file object
 *    that pins kshm.sys until DriverUnload (kshm_kernel_api_open/close);
 *  - the lookups happen once, in the ioctl that attaches the channels, at
 *    PASSIVE_LEVEL in the process's context;
 *  - the thread (PsCreateSystemThread) consumes with kshm's channel_consume:
 *    kshm checks every position and record header the process wrote before
 *    the callback sees a record; the callback copies the payload out once
 *    (the process can rewrite it at any moment) and works on the copy only;
 *  - a request whose answer does not fit stays in the ring (the callback
 *    refuses it) and is served on a later pass;
 *  - the process letting go (destroy, close, exit, kill) ends the service:
 *    consuming answers STATUS_PIPE_CLOSED and the thread exits; IRP_MJ_CLEANUP
 *    of this device's handle waits for the thread and puts both channels.
 *
 * One thread per open handle. Install: `sc create kshm_crc type= kernel
 * depend= kshm binpath= ...kshm_crc.sys`. The program: ../crc.c. The
 * walk-through: docs/kernel-api.md.
 */
#include "../../windows_sample.h"	/* the device, kshm's table (`kshm`), IRP completion */
#include "../kshm_crc.h"

#define CRC_NT_NAME	L"\\Device\\kshm_crc"
#define CRC_DOS_NAME	L"\\DosDevices\\kshm_crc"
#define CONSUME_BATCH	64		/* requests per channel_consume call */
#define IDLE_LOOK_100NS	(-1000000LL)	/* without a doorbell, look every 100 ms (relative) */

/*
 * CRC-32 as zlib computes it (IEEE 802.3, reflected, polynomial 0xEDB88320),
 * by table, one byte a step. Linux has crc32_le(); ntoskrnl's RtlComputeCrc32
 * is not exported by every NT kernel (ReactOS's lacks it, and a driver with a
 * missing import does not load), so the sample carries its own. The program
 * checks every answer against its own bit-by-bit CRC.
 */
static ULONG crc_table[256];

static VOID crc_table_init(VOID)
{
	ULONG n, crc;
	int bit;

	for (n = 0; n < 256; n++) {
		crc = n;
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1)));
		crc_table[n] = crc;
	}
}

static ULONG crc32_of(const UCHAR *data, ULONG len)
{
	ULONG crc = ~0U, i;

	for (i = 0; i < len; i++)
		crc = crc_table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

struct crc_service {
	KMUTEX lock;			/* ATTACH against CLEANUP; PASSIVE_LEVEL while held */
	struct kshm_channel *requests;	/* submissions, held from ATTACH to CLEANUP */
	struct kshm_channel *answers;	/* events, held from ATTACH to CLEANUP */
	PKTHREAD thread;		/* referenced, from ATTACH to CLEANUP */
	KEVENT doorbell;		/* set by KSHM_CRC_IOC_KICK and by CLEANUP */
	volatile LONG stop;		/* CLEANUP asks the thread to exit */
	/* Written by the thread, read by STATS. */
	volatile LONG64 served;
	volatile LONG64 retries;
	volatile LONG stopped;		/* STATUS_SUCCESS while serving; else why the thread stopped */
	/* The thread's copy of the request being served: never read twice from the ring. */
	UCHAR copy[sizeof(struct kshm_crc_request) + KSHM_CRC_MAX_DATA];
};

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD crc_unload;
static DRIVER_DISPATCH crc_create, crc_cleanup, crc_device_control;
static KSTART_ROUTINE crc_thread;
static kshm_consume_fn serve_request;

/*
 * One request, called by channel_consume at APC_LEVEL (the submissions
 * ring's consumer lock is held). STATUS_SUCCESS consumes it; an error (the
 * answers' ring is full) leaves it for the next pass.
 */
static NTSTATUS serve_request(void *arg, ULONG type, const void *payload, ULONG len)
{
	struct crc_service *svc = arg;
	struct kshm_crc_request req;
	struct kshm_crc_done done;
	NTSTATUS status;

	RtlZeroMemory(&done, sizeof(done));
	if (len < sizeof(req) || len > sizeof(svc->copy)) {
		done.status = KSHM_CRC_STATUS_TOO_BIG;
		if (len >= sizeof(req)) {
			RtlCopyMemory(&done.tag, payload, sizeof(done.tag));
			done.len = len - sizeof(req);
		}
	} else {
		/* Copy once, then use only the copy: the process may be rewriting the record. */
		RtlCopyMemory(svc->copy, payload, len);
		RtlCopyMemory(&req, svc->copy, sizeof(req));
		done.tag = req.tag;
		done.len = len - sizeof(req);
		if (type != KSHM_CRC_REQUEST)
			done.status = KSHM_CRC_STATUS_BAD_TYPE;
		else
			done.crc = crc32_of(svc->copy + sizeof(req), done.len);
	}
	status = kshm.channel_publish(svc->answers, KSHM_CRC_DONE, &done, sizeof(done));
	if (status == STATUS_QUOTA_EXCEEDED)
		svc->retries++;		/* leave it: served next pass */
	else if (NT_SUCCESS(status))	/* counted before the process can see the answer */
		svc->served++;
	return status;
}

/* The system thread, PASSIVE_LEVEL in the System process. */
static VOID crc_thread(PVOID context)
{
	struct crc_service *svc = context;
	LARGE_INTEGER idle = { .QuadPart = IDLE_LOOK_100NS };
	ULONG consumed;
	NTSTATUS status;

	while (!svc->stop) {
		status = kshm.channel_consume(svc->requests, CONSUME_BATCH, serve_request, svc,
					      &consumed);
		if (consumed)
			continue;
		if (!NT_SUCCESS(status) && status != STATUS_QUOTA_EXCEEDED) {
			/* STATUS_PIPE_CLOSED: the process let go of a channel; _IO_DEVICE_ERROR: it broke one. */
			InterlockedExchange(&svc->stopped, status);
			break;
		}
		/* Nothing to do (or no room for answers): sleep until the doorbell, or a while. */
		KeWaitForSingleObject(&svc->doorbell, Executive, KernelMode, FALSE, &idle);
	}
	PsTerminateSystemThread(STATUS_SUCCESS);
}

/* PASSIVE_LEVEL in the caller's context, svc->lock held. */
static NTSTATUS crc_attach(struct crc_service *svc, const struct kshm_crc_attach *req)
{
	HANDLE kshm_handle = (HANDLE)(LONG_PTR)req->kshm_fd;
	HANDLE thread;
	NTSTATUS status;

	PAGED_CODE();
	if (req->reserved)
		return STATUS_INVALID_PARAMETER;
	if (svc->thread)
		return STATUS_DEVICE_BUSY;
	status = kshm.channel_get_handle(kshm_handle, req->submissions_id, &svc->requests);
	if (!NT_SUCCESS(status))
		return status;
	status = kshm.channel_get_handle(kshm_handle, req->completions_id, &svc->answers);
	if (!NT_SUCCESS(status))
		goto put_requests;
	status = STATUS_INVALID_PARAMETER;
	if (kshm.channel_kind(svc->requests) != KSHM_CHANNEL_SUBMISSIONS ||
	    kshm.channel_kind(svc->answers) != KSHM_CHANNEL_EVENTS)
		goto put_answers;
	/* A kernel handle (OBJ_KERNEL_HANDLE): the process cannot close or use it. */
	status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, crc_thread, svc);
	if (!NT_SUCCESS(status))
		goto put_answers;
	/* CLEANUP waits on the thread object itself: the handle goes now. */
	status = ObReferenceObjectByHandle(thread, SYNCHRONIZE, NULL, KernelMode,
					   (PVOID *)&svc->thread, NULL);
	if (!NT_SUCCESS(status)) {
		/* Not expected of a handle just made; but the thread runs: stop it before the puts. */
		InterlockedExchange(&svc->stop, 1);
		KeSetEvent(&svc->doorbell, IO_NO_INCREMENT, FALSE);
		ZwWaitForSingleObject(thread, FALSE, NULL);
		svc->stop = 0;
		svc->thread = NULL;
	}
	ZwClose(thread);
	if (NT_SUCCESS(status))
		return STATUS_SUCCESS;

put_answers:
	kshm.channel_put(svc->answers);
	svc->answers = NULL;
put_requests:
	kshm.channel_put(svc->requests);
	svc->requests = NULL;
	return status;
}

/* METHOD_BUFFERED: the request is in SystemBuffer; the lengths are checked here. */
static NTSTATUS crc_device_control(PDEVICE_OBJECT device, PIRP irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
	struct crc_service *svc = stack->FileObject->FsContext;
	struct kshm_crc_stats *stats = irp->AssociatedIrp.SystemBuffer;
	NTSTATUS status = STATUS_SUCCESS;
	ULONG_PTR information = 0;

	UNREFERENCED_PARAMETER(device);
	PAGED_CODE();
	switch (stack->Parameters.DeviceIoControl.IoControlCode) {
	case KSHM_CRC_IOC_ATTACH:
		if (stack->Parameters.DeviceIoControl.InputBufferLength <
		    sizeof(struct kshm_crc_attach))
			return sample_complete(irp, STATUS_BUFFER_TOO_SMALL, 0);
		KeWaitForSingleObject(&svc->lock, Executive, KernelMode, FALSE, NULL);
		status = crc_attach(svc, irp->AssociatedIrp.SystemBuffer);
		KeReleaseMutex(&svc->lock, FALSE);
		break;
	case KSHM_CRC_IOC_KICK:
		/* The doorbell: no lock, no wait; a kick while the thread works costs nothing. */
		KeSetEvent(&svc->doorbell, IO_NO_INCREMENT, FALSE);
		break;
	case KSHM_CRC_IOC_STATS:
		if (stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(*stats))
			return sample_complete(irp, STATUS_BUFFER_TOO_SMALL, 0);
		RtlZeroMemory(stats, sizeof(*stats));
		stats->served = (__u64)svc->served;
		stats->retries = (__u64)svc->retries;
		stats->stopped = svc->stopped;
		information = sizeof(*stats);
		break;
	default:
		status = STATUS_INVALID_DEVICE_REQUEST;
	}
	return sample_complete(irp, status, information);
}

static NTSTATUS crc_create(PDEVICE_OBJECT device, PIRP irp)
{
	struct crc_service *svc;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(device);
	status = sample_create_context(irp, sizeof(*svc), (PVOID *)&svc);
	if (NT_SUCCESS(status)) {
		KeInitializeMutex(&svc->lock, 0);
		KeInitializeEvent(&svc->doorbell, SynchronizationEvent, FALSE);
	}
	return sample_complete(irp, status, 0);
}

/* The last handle is closed, also when the process is killed: stop the thread, put both channels. */
static NTSTATUS crc_cleanup(PDEVICE_OBJECT device, PIRP irp)
{
	struct crc_service *svc = IoGetCurrentIrpStackLocation(irp)->FileObject->FsContext;

	UNREFERENCED_PARAMETER(device);
	KeWaitForSingleObject(&svc->lock, Executive, KernelMode, FALSE, NULL);
	if (svc->thread) {
		InterlockedExchange(&svc->stop, 1);
		KeSetEvent(&svc->doorbell, IO_NO_INCREMENT, FALSE);
		KeWaitForSingleObject(svc->thread, Executive, KernelMode, FALSE, NULL);
		ObDereferenceObject(svc->thread);
		svc->thread = NULL;
		kshm.channel_put(svc->answers);
		kshm.channel_put(svc->requests);
		svc->answers = NULL;
		svc->requests = NULL;
	}
	KeReleaseMutex(&svc->lock, FALSE);
	return sample_complete(irp, STATUS_SUCCESS, 0);
}

/* Unloaded only when no handle is open: every thread has exited, every channel is put. */
static VOID crc_unload(PDRIVER_OBJECT driver)
{
	sample_stop(driver, CRC_DOS_NAME);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
	UNREFERENCED_PARAMETER(registry_path);
	crc_table_init();
	/* kshm's table first: without kshm running we do not load. */
	return sample_start(driver, CRC_NT_NAME, CRC_DOS_NAME, crc_create, crc_cleanup,
			    crc_device_control, crc_unload);
}
