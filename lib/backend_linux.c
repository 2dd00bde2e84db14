// SPDX-License-Identifier: MIT
/* libkshm on Linux: /dev/kshm, ioctl and mmap. */

/* Region mmap offsets are id << 32: a 32-bit build needs a 64-bit off_t to reach any. */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"

#define KSHM_DEFAULT_PATH "/dev/" KSHM_DEVICE_NAME

/* errno as libkshm returns it; never 0, so a failure cannot pass for success. */
static int negative_errno(void)
{
	return errno ? -errno : -EIO;
}

int kshm_backend_open(const char *path, kshm_backend_handle *handle)
{
	int fd = open(path ? path : KSHM_DEFAULT_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return negative_errno();
	*handle = fd;
	return 0;
}

void kshm_backend_close(kshm_backend_handle handle)
{
	close((int)handle);
}

int kshm_backend_request(kshm_backend_handle handle, unsigned long request, void *arg,
			 size_t size)
{
	(void)size;	/* the ioctl number carries the struct size */
	if (ioctl((int)handle, request, arg) < 0)
		return negative_errno();
	return 0;
}

/* The I/O manager's transfer methods are Windows's: the module has no such requests. */
int kshm_backend_transfer(kshm_backend_handle handle, struct kshm_transfer *transfer, void *buf)
{
	(void)handle;
	(void)transfer;
	(void)buf;
	return -EOPNOTSUPP;
}

int kshm_backend_map(kshm_backend_handle handle, const struct kshm_region_create *create,
		     uint32_t flags, void **data)
{
	int prot = PROT_READ;
	void *addr;

	/* The driver refuses PROT_WRITE on a read-only region (EACCES). */
	if (!(flags & KSHM_REGION_USER_READONLY))
		prot |= PROT_WRITE;
	if (create->mapped_length > SIZE_MAX || create->mmap_offset > (uint64_t)INT64_MAX)
		return -EOVERFLOW;	/* a 32-bit process cannot map it */
	addr = mmap(NULL, (size_t)create->mapped_length, prot, MAP_SHARED, (int)handle,
		    (off_t)create->mmap_offset);
	if (addr == MAP_FAILED)
		return negative_errno();
	*data = addr;
	return 0;
}

int kshm_backend_map_channel(kshm_backend_handle handle, const struct kshm_channel_create *create,
			     uint32_t page_size, struct kshm_backend_channel *channel)
{
	size_t len = (size_t)create->mapped_length;
	off_t offset = (off_t)create->mmap_offset;
	bool events = create->kind == KSHM_CHANNEL_EVENTS;
	uint8_t *addr, *part;

	if (create->mapped_length > SIZE_MAX || create->mmap_offset > (uint64_t)INT64_MAX)
		return -EOVERFLOW;
	/* All of it read-only first, then the writable part mapped over it in place. */
	addr = mmap(NULL, len, PROT_READ, MAP_SHARED, (int)handle, offset);
	if (addr == MAP_FAILED)
		return negative_errno();
	part = events ? mmap(addr, page_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			     (int)handle, offset)
		      : mmap(addr + page_size, len - page_size, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_FIXED, (int)handle, offset + page_size);
	if (part == MAP_FAILED) {
		int err = negative_errno();

		munmap(addr, len);
		return err;
	}
	channel->consumer = addr;
	channel->producer = addr + page_size;
	channel->mapped_length = create->mapped_length;
	channel->event = 0;
	return 0;
}

int kshm_backend_unmap_channel(kshm_backend_handle handle, struct kshm_backend_channel *channel)
{
	return kshm_backend_unmap(handle, channel->consumer, channel->mapped_length);
}

/* poll() on the device: readable when any events channel of it has records. */
int kshm_backend_wait(kshm_backend_handle handle, const struct kshm_backend_channel *channel,
		      int timeout_ms)
{
	struct pollfd pfd = { .fd = (int)handle, .events = POLLIN };
	int ready;

	(void)channel;
	ready = poll(&pfd, 1, timeout_ms);

	if (ready < 0)
		return negative_errno();
	return ready ? 0 : -ETIMEDOUT;
}

int kshm_backend_unmap(kshm_backend_handle handle, void *data, uint64_t mapped_length)
{
	(void)handle;
	if (munmap(data, (size_t)mapped_length) < 0)
		return negative_errno();
	return 0;
}
