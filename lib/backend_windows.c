// SPDX-License-Identifier: MIT
/*
 * libkshm on Windows: \\.\kshm, DeviceIoControl. The driver maps a region's
 * pages into this process itself (user_addr) and unmaps them on destroy or
 * when the handle is closed, so map/unmap only hand the address over.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <windows.h>

#include "backend.h"

#define KSHM_DEFAULT_PATH L"\\\\.\\" KSHM_DEVICE_NAME_W
#define KSHM_DEVICE_NAME_W L"kshm"

/*
 * The driver's NTSTATUS reaches us as the Win32 error the I/O manager
 * derived from it (RtlNtStatusToDosError); each kshm verdict has its own, so
 * this table gives back the errno the Linux module returns for the same
 * request. The driver's side is kshm_status_to_ntstatus.
 */
static const struct {
	DWORD win32;
	int err;
} kshm_win32_errors[] = {
	{ ERROR_INVALID_PARAMETER, EINVAL },		/* STATUS_INVALID_PARAMETER */
	{ ERROR_INSUFFICIENT_BUFFER, EINVAL },		/* STATUS_BUFFER_TOO_SMALL: short reply buffer */
	{ ERROR_INVALID_BLOCK_LENGTH, ERANGE },		/* STATUS_INVALID_BLOCK_LENGTH */
	{ ERROR_ARITHMETIC_OVERFLOW, EOVERFLOW },	/* STATUS_INTEGER_OVERFLOW */
	{ ERROR_FILE_TOO_LARGE, EFBIG },		/* STATUS_FILE_TOO_LARGE */
	{ ERROR_NOT_ENOUGH_QUOTA, ENOSPC },		/* STATUS_QUOTA_EXCEEDED */
	{ ERROR_ACCESS_DENIED, EACCES },		/* STATUS_ACCESS_DENIED: also a foreign process */
	{ ERROR_NOT_FOUND, ENOENT },			/* STATUS_NOT_FOUND */
	{ ERROR_FILE_NOT_FOUND, ENOENT },		/* no such device (driver not loaded) */
	{ ERROR_PATH_NOT_FOUND, ENOENT },
	{ ERROR_NOACCESS, EFAULT },			/* STATUS_ACCESS_VIOLATION */
	{ ERROR_INVALID_USER_BUFFER, E2BIG },		/* STATUS_INVALID_BUFFER_SIZE: nonzero unknown tail */
	{ ERROR_NO_SYSTEM_RESOURCES, ENOMEM },		/* STATUS_INSUFFICIENT_RESOURCES */
	{ ERROR_NOT_ENOUGH_MEMORY, ENOMEM },
	{ ERROR_OUTOFMEMORY, ENOMEM },
	{ ERROR_WORKING_SET_QUOTA, ENOMEM },		/* locking more than the working set allows */
	{ ERROR_INVALID_FUNCTION, ENOTTY },		/* STATUS_INVALID_DEVICE_REQUEST */
	{ ERROR_PRIVILEGE_NOT_HELD, EPERM },		/* STATUS_PRIVILEGE_NOT_HELD */
	{ ERROR_OPERATION_ABORTED, EINTR },		/* STATUS_CANCELLED */
	{ ERROR_REQUEST_ABORTED, ECANCELED },		/* STATUS_REQUEST_ABORTED: channel destroyed */
	{ ERROR_NOT_SUPPORTED, EOPNOTSUPP },		/* STATUS_NOT_SUPPORTED */
	{ ERROR_CRC, EBADMSG },				/* STATUS_CRC_ERROR: IN_DIRECT checksum differs */
	{ ERROR_INVALID_HANDLE, EBADF },		/* STATUS_INVALID_HANDLE: a channel's event */
	{ ERROR_IO_DEVICE, EIO },			/* STATUS_IO_DEVICE_ERROR: a broken ring */
};

/*
 * NTSTATUSes of the driver that an older system's RtlNtStatusToDosError has
 * no Win32 error for (it gives ERROR_MR_MID_NOT_FOUND): NT 5.2, ReactOS
 * included, predates STATUS_FILE_TOO_LARGE. The status itself is still in
 * the thread's TEB, where RtlGetLastNtStatus reads it.
 */
static const struct {
	LONG status;
	int err;
} kshm_unmapped_statuses[] = {
	{ (LONG)0xC0000904, EFBIG },			/* STATUS_FILE_TOO_LARGE */
};

/* Exported for the smoke test, which checks the tables against the driver's codes. */
int kshm_backend_errno_of(unsigned long win32_error);
int kshm_backend_last_errno(void);

int kshm_backend_errno_of(unsigned long win32_error)
{
	size_t i;

	for (i = 0; i < sizeof(kshm_win32_errors) / sizeof(kshm_win32_errors[0]); i++) {
		if (kshm_win32_errors[i].win32 == win32_error)
			return -kshm_win32_errors[i].err;
	}
	return -EIO;	/* never 0: a failure cannot pass for success */
}

typedef LONG (WINAPI *get_last_nt_status_fn)(void);

/* The errno of the calling thread's last failed call. */
int kshm_backend_last_errno(void)
{
	DWORD win32 = GetLastError();
	get_last_nt_status_fn get_last_nt_status;
	LONG status;
	size_t i;

	if (win32 != ERROR_MR_MID_NOT_FOUND)
		return kshm_backend_errno_of(win32);
	get_last_nt_status = (get_last_nt_status_fn)(void (*)(void))GetProcAddress(
		GetModuleHandleW(L"ntdll.dll"), "RtlGetLastNtStatus");
	status = get_last_nt_status ? get_last_nt_status() : 0;
	for (i = 0; i < sizeof(kshm_unmapped_statuses) / sizeof(kshm_unmapped_statuses[0]); i++) {
		if (kshm_unmapped_statuses[i].status == status)
			return -kshm_unmapped_statuses[i].err;
	}
	return -EIO;
}

int kshm_backend_open(const char *path, kshm_backend_handle *handle)
{
	wchar_t wide[MAX_PATH];
	const wchar_t *name = KSHM_DEFAULT_PATH;
	HANDLE h;

	if (path) {
		if (!MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, wide, MAX_PATH))
			return -ENAMETOOLONG;
		name = wide;
	}
	/* Not inheritable (NULL security attributes): the driver refuses other processes anyway. */
	h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return kshm_backend_last_errno();
	*handle = (kshm_backend_handle)h;
	return 0;
}

void kshm_backend_close(kshm_backend_handle handle)
{
	CloseHandle((HANDLE)handle);
}

/* A METHOD_BUFFERED request: the struct goes in and comes back in place. */
int kshm_backend_request(kshm_backend_handle handle, unsigned long request, void *arg,
			 size_t size)
{
	DWORD returned = 0;

	if (size > MAXDWORD)
		return -EINVAL;
	if (!DeviceIoControl((HANDLE)handle, (DWORD)request, arg, (DWORD)size, arg, (DWORD)size,
			     &returned, NULL))
		return kshm_backend_last_errno();
	return 0;
}

/*
 * The I/O manager's own methods: METHOD_IN_DIRECT / METHOD_OUT_DIRECT lock buf
 * (the output buffer) and hand the driver its MDL; METHOD_NEITHER hands it
 * both pointers as they are, and the driver writes the struct back into the
 * input buffer.
 */
int kshm_backend_transfer(kshm_backend_handle handle, struct kshm_transfer *transfer, void *buf)
{
	DWORD returned = 0, code;

	if (transfer->length > MAXDWORD)
		return -EINVAL;
	if (transfer->method == KSHM_METHOD_NEITHER)
		code = KSHM_IOC_TRANSFER_NEITHER;
	else if (transfer->method == KSHM_METHOD_DIRECT)
		code = transfer->direction == KSHM_DIR_TO_KERNEL ? KSHM_IOC_TRANSFER_IN_DIRECT :
								    KSHM_IOC_TRANSFER_OUT_DIRECT;
	else
		return -EINVAL;
	if (!DeviceIoControl((HANDLE)handle, code, transfer, sizeof(*transfer), buf,
			     (DWORD)transfer->length, &returned, NULL))
		return kshm_backend_last_errno();
	return 0;
}

int kshm_backend_map(kshm_backend_handle handle, const struct kshm_region_create *create,
		     uint32_t flags, void **data)
{
	(void)handle;
	(void)flags;	/* the driver mapped a read-only region read-only */
	if (!create->user_addr || create->user_addr > UINTPTR_MAX)
		return -EFAULT;
	*data = (void *)(uintptr_t)create->user_addr;
	return 0;
}

/* The driver unmaps the pages when the region is destroyed or the handle closed. */
int kshm_backend_unmap(kshm_backend_handle handle, void *data, uint64_t mapped_length)
{
	(void)handle;
	(void)data;
	(void)mapped_length;
	return 0;
}

/*
 * Channels: the driver maps the pages itself on KSHM_IOC_CHANNEL_MAP, as two
 * views (one Windows mapping has one protection), and sets an event of ours
 * when the consumer of an events channel asked for a wake-up: an auto-reset
 * one, so each set wakes one wait, and a set that came while nobody slept
 * only makes the next wait return at once (kshm_channel_wait's caller peeks
 * again, as after any poll() wake-up on Linux).
 */
int kshm_backend_map_channel(kshm_backend_handle handle, const struct kshm_channel_create *create,
			     uint32_t page_size, struct kshm_backend_channel *channel)
{
	struct kshm_channel_map map = { .size = sizeof(map), .id = create->id };
	HANDLE event = NULL;
	int err;

	(void)page_size;
	if (create->kind == KSHM_CHANNEL_EVENTS) {
		event = CreateEventW(NULL, FALSE, FALSE, NULL);
		if (!event)
			return kshm_backend_last_errno();
		map.event = (uintptr_t)event;
	}
	err = kshm_backend_request(handle, KSHM_IOC_CHANNEL_MAP, &map, sizeof(map));
	if (!err && (!map.consumer_addr || !map.producer_addr ||
		     map.consumer_addr > UINTPTR_MAX || map.producer_addr > UINTPTR_MAX))
		err = -EFAULT;
	if (err) {
		if (event)
			CloseHandle(event);
		return err;
	}
	channel->consumer = (void *)(uintptr_t)map.consumer_addr;
	channel->producer = (void *)(uintptr_t)map.producer_addr;
	channel->mapped_length = create->mapped_length;
	channel->event = (intptr_t)event;
	return 0;
}

/* The driver unmaps the views when the channel is destroyed; the event is ours to close. */
int kshm_backend_unmap_channel(kshm_backend_handle handle, struct kshm_backend_channel *channel)
{
	(void)handle;
	if (channel->event)
		CloseHandle((HANDLE)channel->event);
	channel->event = 0;
	return 0;
}

int kshm_backend_wait(kshm_backend_handle handle, const struct kshm_backend_channel *channel,
		      int timeout_ms)
{
	DWORD waited;

	(void)handle;
	if (!channel->event)
		return -EINVAL;
	waited = WaitForSingleObject((HANDLE)channel->event,
				     timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
	if (waited == WAIT_OBJECT_0)
		return 0;
	if (waited == WAIT_TIMEOUT)
		return -ETIMEDOUT;
	return kshm_backend_last_errno();
}
