// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kshm_tick for Windows: a sample WDM driver that streams events into a
 * process's kshm channel from a DPC, the twin of ../kshm_tick.c.
 *
 * What a driver author takes from it:
 *  - DriverEntry asks kshm for its function table (kshm_kernel_api_open)
 *    and keeps the file object that comes with it until DriverUnload: that
 *    is what keeps kshm.sys loaded while this driver is;
 *  - the process hands over what names its channel (its kshm HANDLE and
 *    the channel's id) in an ioctl of this driver's device; the lookup runs
 *    there, at PASSIVE_LEVEL in the process's context, once;
 *  - a periodic KTIMER queues a DPC, which publishes at DISPATCH_LEVEL;
 *    a full ring drops the record and counts it where the process sees it;
 *  - everything the process can do is handled: it closes its handle to
 *    this device or is killed (IRP_MJ_CLEANUP: cancel the timer, flush the
 *    DPC, put the channel), or it lets go of the channel first (publishing
 *    answers STATUS_PIPE_CLOSED: the DPC cancels its own timer; the put
 *    waits for PASSIVE_LEVEL).
 *
 * One stream per open handle. Install: `sc create kshm_tick type= kernel
 * depend= kshm binpath= ...kshm_tick.sys`. The program: ../tick.c. The
 * walk-through: docs/kernel-api.md.
 */
#include "../../windows_sample.h"	/* the device, kshm's table (`kshm`), IRP completion */
#include "../kshm_tick.h"

#define TICK_NT_NAME	L"\\Device\\kshm_tick"
#define TICK_DOS_NAME	L"\\DosDevices\\kshm_tick"

struct tick_stream {
	KMUTEX lock;			/* START, STOP and CLEANUP; PASSIVE_LEVEL while held */
	struct kshm_channel *channel;	/* held from START until STOP or CLEANUP */
	KTIMER timer;
	KDPC dpc;
	/* Written by the DPC only; STATS after STOP reads them settled. */
	volatile LONG64 seq;
	volatile LONG64 published;
	volatile LONG64 dropped;
	volatile LONG stopped;		/* STATUS_SUCCESS while ticking; else why it stopped */
	BOOLEAN running;
};

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD tick_unload;
static DRIVER_DISPATCH tick_create, tick_cleanup, tick_device_control;
static KDEFERRED_ROUTINE tick;

/*
 * The DPC, at DISPATCH_LEVEL: one record per timer expiry. Nothing here
 * waits: kshm's publish copies the 16 bytes under the channel's spin lock.
 */
static VOID tick(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
	struct tick_stream *stream = context;
	struct kshm_tick_event event;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(dpc);
	UNREFERENCED_PARAMETER(arg1);
	UNREFERENCED_PARAMETER(arg2);
	event.seq = (__u64)stream->seq;
	event.time_ns = KeQueryInterruptTime() * 100;	/* 100 ns units since boot */
	status = kshm.channel_publish(stream->channel, KSHM_TICK_TYPE, &event, sizeof(event));
	stream->seq++;
	if (NT_SUCCESS(status)) {
		stream->published++;
	} else if (status == STATUS_QUOTA_EXCEEDED) {
		/* The process is behind: kshm counted the drop; the seq gap shows where. */
		stream->dropped++;
	} else {
		/*
		 * STATUS_PIPE_CLOSED: the process destroyed the channel or closed
		 * its kshm handle; STATUS_IO_DEVICE_ERROR: it broke the ring.
		 * Stop ticking; the put waits for PASSIVE_LEVEL (STOP or CLEANUP).
		 */
		InterlockedExchange(&stream->stopped, status);
		KeCancelTimer(&stream->timer);
	}
}

/* PASSIVE_LEVEL in the caller's context (we are its top-level driver), stream->lock held. */
static NTSTATUS stream_start(struct tick_stream *stream, const struct kshm_tick_start *req)
{
	struct kshm_channel *channel;
	LARGE_INTEGER due;
	LONG period_ms;
	NTSTATUS status;

	PAGED_CODE();
	if (req->period_ns < KSHM_TICK_MIN_PERIOD_NS || req->period_ns > 1000000000ULL)
		return STATUS_INVALID_PARAMETER;
	if (stream->channel)
		return STATUS_DEVICE_BUSY;
	/* The lookup: STATUS_INVALID_HANDLE, _NOT_FOUND, _INVALID_PARAMETER (not a channel). */
	status = kshm.channel_get_handle((HANDLE)(LONG_PTR)req->kshm_fd, req->channel_id, &channel);
	if (!NT_SUCCESS(status))
		return status;
	if (kshm.channel_kind(channel) != KSHM_CHANNEL_EVENTS) {
		kshm.channel_put(channel);
		return STATUS_INVALID_PARAMETER;
	}
	stream->channel = channel;
	stream->seq = 0;
	stream->published = 0;
	stream->dropped = 0;
	stream->stopped = STATUS_SUCCESS;
	stream->running = TRUE;
	/* KeSetTimerEx periods are whole milliseconds: round up. The clock tick bounds the rate. */
	period_ms = (LONG)((req->period_ns + 999999) / 1000000);
	due.QuadPart = -10000LL * period_ms;	/* relative, 100 ns units */
	KeSetTimerEx(&stream->timer, due, period_ms, &stream->dpc);
	return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, stream->lock held: no DPC runs or is queued when the channel is put. */
static VOID stream_stop(struct tick_stream *stream)
{
	PAGED_CODE();
	if (!stream->channel)
		return;
	KeCancelTimer(&stream->timer);
	KeFlushQueuedDpcs();	/* a DPC already queued or running on another CPU */
	stream->running = FALSE;
	kshm.channel_put(stream->channel);
	stream->channel = NULL;
}

static VOID stream_stats(struct tick_stream *stream, struct kshm_tick_stats *stats)
{
	RtlZeroMemory(stats, sizeof(*stats));
	stats->ticks = (__u64)stream->seq;
	stats->published = (__u64)stream->published;
	stats->dropped = (__u64)stream->dropped;
	stats->stopped = stream->stopped;
	stats->running = stream->running && stream->stopped == STATUS_SUCCESS;
}

/*
 * METHOD_BUFFERED: the I/O manager copied the request into SystemBuffer and
 * copies Information bytes of it back; the lengths are checked here.
 */
static NTSTATUS tick_device_control(PDEVICE_OBJECT device, PIRP irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
	struct tick_stream *stream = stack->FileObject->FsContext;
	PVOID buffer = irp->AssociatedIrp.SystemBuffer;
	ULONG in_len = stack->Parameters.DeviceIoControl.InputBufferLength;
	ULONG out_len = stack->Parameters.DeviceIoControl.OutputBufferLength;
	NTSTATUS status = STATUS_SUCCESS;
	ULONG_PTR information = 0;

	UNREFERENCED_PARAMETER(device);
	PAGED_CODE();
	KeWaitForSingleObject(&stream->lock, Executive, KernelMode, FALSE, NULL);
	switch (stack->Parameters.DeviceIoControl.IoControlCode) {
	case KSHM_TICK_IOC_START:
		if (in_len < sizeof(struct kshm_tick_start))
			status = STATUS_BUFFER_TOO_SMALL;
		else
			status = stream_start(stream, buffer);
		break;
	case KSHM_TICK_IOC_STOP:
		stream_stop(stream);
		break;
	case KSHM_TICK_IOC_STATS:
		if (out_len < sizeof(struct kshm_tick_stats)) {
			status = STATUS_BUFFER_TOO_SMALL;
		} else {
			stream_stats(stream, buffer);
			information = sizeof(struct kshm_tick_stats);
		}
		break;
	default:
		status = STATUS_INVALID_DEVICE_REQUEST;
	}
	KeReleaseMutex(&stream->lock, FALSE);
	return sample_complete(irp, status, information);
}

static NTSTATUS tick_create(PDEVICE_OBJECT device, PIRP irp)
{
	struct tick_stream *stream;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(device);
	/* Non-paged: the DPC reads it at DISPATCH_LEVEL. */
	status = sample_create_context(irp, sizeof(*stream), (PVOID *)&stream);
	if (NT_SUCCESS(status)) {
		KeInitializeMutex(&stream->lock, 0);
		KeInitializeTimerEx(&stream->timer, NotificationTimer);
		KeInitializeDpc(&stream->dpc, tick, stream);
	}
	return sample_complete(irp, status, 0);
}

/* The last handle is closed, also when the process is killed: stop and put. */
static NTSTATUS tick_cleanup(PDEVICE_OBJECT device, PIRP irp)
{
	struct tick_stream *stream = IoGetCurrentIrpStackLocation(irp)->FileObject->FsContext;

	UNREFERENCED_PARAMETER(device);
	KeWaitForSingleObject(&stream->lock, Executive, KernelMode, FALSE, NULL);
	stream_stop(stream);
	KeReleaseMutex(&stream->lock, FALSE);
	return sample_complete(irp, STATUS_SUCCESS, 0);
}

/* Unloaded only when no handle is open: every stream is stopped and its channel put. */
static VOID tick_unload(PDRIVER_OBJECT driver)
{
	sample_stop(driver, TICK_DOS_NAME);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
	UNREFERENCED_PARAMETER(registry_path);
	/* kshm's table first: without kshm running we do not load. */
	return sample_start(driver, TICK_NT_NAME, TICK_DOS_NAME, tick_create, tick_cleanup,
			    tick_device_control, tick_unload);
}
