/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kshm's in-kernel API: your driver, your process, the same memory.
 *
 * A process creates a region or a channel on its kshm handle (libkshm) and
 * passes your driver what names it: its kshm descriptor and the region's or
 * channel's id (kshm_region_id(), kshm_channel_id()), for example in an ioctl
 * of your own device. Your driver looks the object up (a counted reference),
 * uses it, and puts the reference back. The guide, with two sample drivers:
 * docs/kernel-api.md; the samples: examples/.
 *
 * Lifetime. A reference keeps the object's memory and its kernel view valid
 * whatever the process does meanwhile: destroy the object, close its handle,
 * exit, be killed. The process's side of it is gone then: a channel is
 * "closed" (kshm_channel_closed(); publishing and consuming answer -EPIPE) and
 * a region's pages are only yours, until you put the reference. Nothing the
 * process does makes a reference dangle, and nothing it writes into shared
 * memory can make these calls read or write outside the object (every
 * position and record header is checked once, by the same code as the
 * built-in services: core/ring.c). Put every reference you take: the pages
 * stay allocated (and counted in kshm's counters) until then.
 *
 * Module lifetime (Linux): your module's use of these symbols pins kshm
 * (lsmod shows kshm "used by" it), so kshm cannot be unloaded while your
 * module is loaded, and your module cannot be loaded without kshm ("Unknown
 * symbol"): load kshm first, or let modprobe do it (depmod finds the
 * dependency).
 *
 * Errors (Linux) are negative errno values (0 on success); a lookup returns
 * an ERR_PTR(), never NULL.
 *
 * Building a module against it: KBUILD_EXTRA_SYMBOLS names kshm's
 * Module.symvers and the include path holds this header's directory; the
 * exact lines for a DKMS and a `make install` installation are in
 * docs/kernel-api.md.
 *
 * Windows: the same operations and lifetime rules, as a function table kshm
 * hands your driver (the Windows section below); errors are NTSTATUS values.
 */
#ifndef KSHM_KERNEL_H
#define KSHM_KERNEL_H

#include "channel.h"	/* KSHM_CHANNEL_EVENTS, KSHM_CHANNEL_SUBMISSIONS */

/* This header's API; a later one only adds to it. */
#define KSHM_KERNEL_API_VERSION	1

/*
 * Largest payload kshm_channel_publish() copies: it copies with interrupts
 * off, so the time that takes is bounded here, not by the channel's size.
 */
#define KSHM_PUBLISH_MAX_RECORD	4096U

#if defined(__KERNEL__) && defined(__linux__)

#include <linux/types.h>

struct file;
struct kshm_region;	/* a region of a process's kshm file (opaque) */
struct kshm_channel;	/* a channel of a process's kshm file (opaque) */

/* The kernel's view of a region: valid while the reference is held. */
struct kshm_kernel_view {
	void *addr;	/* first byte of the region's data (for an attached buffer, the caller's first byte) */
	u64 len;	/* bytes from addr */
	bool writable;	/* false for a buffer attached without KSHM_ATTACH_KERNEL_WRITE: read only */
};

/* Regions: memory shared with the process, both directions (process context, may sleep). */
struct kshm_region *kshm_region_get(struct file *file, u32 id);
struct kshm_region *kshm_region_get_fd(int fd, u32 id);
void kshm_region_kernel_view(const struct kshm_region *region, struct kshm_kernel_view *view);
void kshm_region_put(struct kshm_region *region);

/* Channels: rings in shared memory (docs/channel.md). */
struct kshm_channel *kshm_channel_get(struct file *file, u32 id);
struct kshm_channel *kshm_channel_get_fd(int fd, u32 id);
u32 kshm_channel_kind(const struct kshm_channel *channel);
bool kshm_channel_closed(const struct kshm_channel *channel);
void kshm_channel_put(struct kshm_channel *channel);

/* Events (kernel -> process): from any context, hard interrupts included. */
int kshm_channel_publish(struct kshm_channel *channel, u32 type, const void *payload, u32 len);

/*
 * Submissions (process -> kernel): from your thread. @fn gets each record
 * in turn; @payload is in memory the process may rewrite at any moment, so
 * read each byte once (copy it out, then check and use the copy). Return 0
 * to consume the record, or a negative errno to leave it (and every later
 * one) for the next call, e.g. when there is no room for its answer.
 */
typedef int kshm_consume_fn(void *arg, u32 type, const void *payload, u32 len);
int kshm_channel_consume(struct kshm_channel *channel, u32 max_records, kshm_consume_fn *fn,
			 void *arg);

#endif /* __KERNEL__ && __linux__ */

#if defined(_KERNEL_MODE) && defined(_WIN32)
/*
 * Windows: the same operations, reached through a function table that kshm
 * hands to your driver, not through imports. Your driver opens \Device\kshm
 * with IoGetDeviceObjectPointer() and asks for the table with one internal
 * device control (kshm_kernel_api_open() below does both); it keeps the file
 * object until it has put every reference and released the table
 * (kshm_kernel_api_close()). That file object is what keeps kshm.sys loaded:
 * while it exists the I/O manager defers kshm's unload (`sc stop kshm`
 * succeeds, new opens of \Device\kshm fail, DriverUnload runs once your
 * driver lets go). So open in DriverEntry and close in DriverUnload, and
 * create your service with `depend= kshm`. docs/windows.md says why this and
 * not an export driver.
 *
 * The process passes your driver its kshm handle (kshm_native_handle(), a
 * HANDLE value; 32 bits carry it between 32- and 64-bit processes) and the
 * object's id. Look it up in that process's context (your IRP_MJ_DEVICE_CONTROL
 * at PASSIVE_LEVEL): the handle is resolved in the current process's handle
 * table, must grant read and write access, and must be a kshm file object
 * opened by the current process.
 *
 * Errors are NTSTATUS; the one status per cause is in each function type's
 * comment. A lookup leaves *out NULL on failure.
 */
#include <wdm.h>

/* The WDK's value; mingw-w64's ntstatus.h lacks it. */
#ifndef STATUS_PIPE_CLOSED
#define STATUS_PIPE_CLOSED		((NTSTATUS)0xC00000B1L)
#endif

/* IRP_MJ_INTERNAL_DEVICE_CONTROL on \Device\kshm: fill a struct kshm_kernel_api. */
#define KSHM_KERNEL_DEVICE_NAME		L"\\Device\\kshm"
#define IOCTL_KSHM_QUERY_KERNEL_API	CTL_CODE(KSHM_FILE_DEVICE, 0xA00, METHOD_NEITHER, FILE_ANY_ACCESS)

struct kshm_region;	/* a region of a process's kshm handle (opaque) */
struct kshm_channel;	/* a channel of a process's kshm handle (opaque) */

/* The kernel's view of a region: valid while the reference is held. */
struct kshm_kernel_view {
	void *addr;		/* first byte of the region's data, non-paged, any IRQL <= DISPATCH_LEVEL */
	ULONG64 len;		/* bytes from addr */
	BOOLEAN writable;	/* always TRUE on Windows (kernel-allocated regions only) */
};

/*
 * Lookups, PASSIVE_LEVEL or APC_LEVEL (a FAST_MUTEX of yours may be held), in
 * the context of the process that passed the handle. STATUS_INVALID_HANDLE: not a handle of this process to a kshm file
 * it opened (or one without read and write access); STATUS_NOT_FOUND: no
 * object `id` there; STATUS_INVALID_PARAMETER: a channel asked for as a
 * region or the other way round; STATUS_NOT_SUPPORTED (regions): a buffer
 * the process attached (kshm_buffer_attach): its pages are locked in the
 * process's address space, and Windows stops a process that exits with
 * locked pages, so no reference may outlive the process; kernel-allocated
 * regions (kshm_region_create) only.
 */
typedef _IRQL_requires_max_(APC_LEVEL)
NTSTATUS kshm_region_get_handle_fn(HANDLE kshm_handle, ULONG id, struct kshm_region **out);
typedef _IRQL_requires_max_(APC_LEVEL)
NTSTATUS kshm_channel_get_handle_fn(HANDLE kshm_handle, ULONG id, struct kshm_channel **out);

/* Any IRQL <= DISPATCH_LEVEL; never fails. Valid until the put. */
typedef _IRQL_requires_max_(DISPATCH_LEVEL)
VOID kshm_region_kernel_view_fn(const struct kshm_region *region, struct kshm_kernel_view *view);

/*
 * PASSIVE_LEVEL or APC_LEVEL: the last reference frees the pages (the
 * process may have let go long ago). A DPC that stops publishing leaves the
 * put to its PASSIVE_LEVEL side, after KeFlushQueuedDpcs().
 */
typedef _IRQL_requires_max_(APC_LEVEL) VOID kshm_region_put_fn(struct kshm_region *region);
typedef _IRQL_requires_max_(APC_LEVEL) VOID kshm_channel_put_fn(struct kshm_channel *channel);

/* Any IRQL <= DISPATCH_LEVEL. KSHM_CHANNEL_EVENTS or KSHM_CHANNEL_SUBMISSIONS. */
typedef _IRQL_requires_max_(DISPATCH_LEVEL) ULONG kshm_channel_kind_fn(const struct kshm_channel *channel);
/* Any IRQL <= DISPATCH_LEVEL. TRUE once the process destroyed it, closed its handle, exited or was killed. */
typedef _IRQL_requires_max_(DISPATCH_LEVEL) BOOLEAN kshm_channel_closed_fn(const struct kshm_channel *channel);

/*
 * Events (kernel -> process), any IRQL <= DISPATCH_LEVEL (a DPC, a timer, an
 * ISR's DPC): copies `len` bytes under the channel's spin lock, at most
 * KSHM_PUBLISH_MAX_RECORD, and sets the process's event only when it asked.
 * STATUS_SUCCESS; STATUS_QUOTA_EXCEEDED: the ring is full, the record dropped
 * and counted where the process sees it (kshm_channel_dropped()); nothing is
 * overwritten; STATUS_FILE_TOO_LARGE: over KSHM_PUBLISH_MAX_RECORD or the
 * ring's maximum payload; STATUS_INVALID_PARAMETER: not an events channel;
 * STATUS_PIPE_CLOSED: the process let go (kshm_channel_closed): stop and put
 * the reference; STATUS_IO_DEVICE_ERROR: the process corrupted the ring.
 */
typedef _IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS kshm_channel_publish_fn(struct kshm_channel *channel, ULONG type, const void *payload,
				 ULONG len);

/*
 * Submissions (process -> kernel), from your thread at PASSIVE_LEVEL (or
 * APC_LEVEL). `fn`
 * gets each record in turn at APC_LEVEL (the channel's consumer FAST_MUTEX
 * is held: fn may publish, wait with a timeout or allocate, and must not
 * consume the same channel); `payload` is memory the process may rewrite at
 * any moment: copy it out once, then check and use the copy. fn returns
 * STATUS_SUCCESS to consume the record, or an error to leave it and every
 * later one for the next call. *consumed: records consumed (at most
 * max_records and one ringful); they are handed back to the process once, at
 * the end. STATUS_SUCCESS (possibly *consumed == 0: none pending); fn's error
 * when it refused the first record; STATUS_INVALID_PARAMETER: not a
 * submissions channel; STATUS_PIPE_CLOSED; STATUS_IO_DEVICE_ERROR as above.
 */
typedef _IRQL_requires_max_(APC_LEVEL)
NTSTATUS kshm_consume_fn(void *arg, ULONG type, const void *payload, ULONG len);
typedef _IRQL_requires_max_(APC_LEVEL)
NTSTATUS kshm_channel_consume_fn(struct kshm_channel *channel, ULONG max_records,
				 kshm_consume_fn *fn, void *arg, ULONG *consumed);

/*
 * The table. header.Size and header.Version are the caller's (sizeof, and
 * KSHM_KERNEL_API_VERSION); kshm fills the rest and references it once.
 * header.InterfaceDereference(header.Context) releases it (PASSIVE_LEVEL).
 * Later versions only append members.
 */
struct kshm_kernel_api {
	INTERFACE header;
	kshm_region_get_handle_fn *region_get_handle;
	kshm_region_kernel_view_fn *region_kernel_view;
	kshm_region_put_fn *region_put;
	kshm_channel_get_handle_fn *channel_get_handle;
	kshm_channel_kind_fn *channel_kind;
	kshm_channel_closed_fn *channel_closed;
	kshm_channel_put_fn *channel_put;
	kshm_channel_publish_fn *channel_publish;
	kshm_channel_consume_fn *channel_consume;
};

/*
 * PASSIVE_LEVEL (DriverEntry). Opens \Device\kshm and fills *api; *file is
 * the pin to keep until kshm_kernel_api_close(). STATUS_OBJECT_NAME_NOT_FOUND
 * or STATUS_NO_SUCH_DEVICE: kshm is not running (or is being stopped);
 * STATUS_REVISION_MISMATCH: kshm is older than this header.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
static inline NTSTATUS kshm_kernel_api_open(struct kshm_kernel_api *api, PFILE_OBJECT *file)
{
	UNICODE_STRING name;
	PDEVICE_OBJECT device;
	IO_STATUS_BLOCK iosb;
	KEVENT done;
	NTSTATUS status;
	PIRP irp;

	NT_ASSERT(KeGetCurrentIrql() == PASSIVE_LEVEL);
	RtlZeroMemory(api, sizeof(*api));
	*file = NULL;
	RtlInitUnicodeString(&name, KSHM_KERNEL_DEVICE_NAME);
	status = IoGetDeviceObjectPointer(&name, FILE_READ_DATA, file, &device);
	if (!NT_SUCCESS(status))
		return status;
	api->header.Size = sizeof(*api);
	api->header.Version = KSHM_KERNEL_API_VERSION;
	KeInitializeEvent(&done, NotificationEvent, FALSE);
	/* METHOD_NEITHER, internal, from kernel mode: kshm writes the table through UserBuffer. */
	irp = IoBuildDeviceIoControlRequest(IOCTL_KSHM_QUERY_KERNEL_API, device, NULL, 0, api,
					    sizeof(*api), TRUE, &done, &iosb);
	if (!irp) {
		status = STATUS_INSUFFICIENT_RESOURCES;
	} else {
		IoGetNextIrpStackLocation(irp)->FileObject = *file;
		status = IoCallDriver(device, irp);
		if (status == STATUS_PENDING) {
			KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
			status = iosb.Status;
		}
	}
	if (!NT_SUCCESS(status)) {
		ObDereferenceObject(*file);
		*file = NULL;
	}
	return status;
}

/* PASSIVE_LEVEL (DriverUnload), after every reference is put: kshm may unload from here on. */
_IRQL_requires_max_(PASSIVE_LEVEL)
static inline VOID kshm_kernel_api_close(struct kshm_kernel_api *api, PFILE_OBJECT file)
{
	NT_ASSERT(KeGetCurrentIrql() == PASSIVE_LEVEL);
	if (api->header.InterfaceDereference)
		api->header.InterfaceDereference(api->header.Context);
	RtlZeroMemory(api, sizeof(*api));
	if (file)
		ObDereferenceObject(file);
}

#endif /* _KERNEL_MODE && _WIN32 */

#endif /* KSHM_KERNEL_H */
