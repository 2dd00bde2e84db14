/* SPDX-License-Identifier: MIT */
/*
 * The part of libkshm that talks to one OS. kshm.c holds all the logic and
 * calls only these; a platform supplies them in backend_<os>.c. Every
 * function returns 0 or a negative errno value, translated from the OS's own
 * error space by the backend.
 */
#ifndef KSHM_LIB_BACKEND_H
#define KSHM_LIB_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include <kshm/abi.h>
#include <kshm/channel.h>

/* An open device: Linux file descriptor, Windows HANDLE. */
typedef intptr_t kshm_backend_handle;

/* path NULL opens the platform's default device. */
int kshm_backend_open(const char *path, kshm_backend_handle *handle);
void kshm_backend_close(kshm_backend_handle handle);

/*
 * One request (KSHM_IOC_*) on a struct of `size` bytes the driver reads and
 * writes back in place.
 */
int kshm_backend_request(kshm_backend_handle handle, unsigned long request, void *arg,
			 size_t size);

/*
 * A transfer through the I/O manager's own methods (KSHM_TRANSFER_IO_MANAGER
 * in include/kshm.h): the struct as input, buf (transfer->length bytes) as
 * the output buffer. Windows only; elsewhere -EOPNOTSUPP.
 */
int kshm_backend_transfer(kshm_backend_handle handle, struct kshm_transfer *transfer, void *buf);

/*
 * Make a freshly created kernel region visible to the process, from what
 * KSHM_IOC_REGION_CREATE returned: Linux maps it, Windows finds it already
 * mapped at create->user_addr. flags are the region's create flags.
 */
int kshm_backend_map(kshm_backend_handle handle, const struct kshm_region_create *create,
		     uint32_t flags, void **data);

/* A channel's pages as the process sees them, and what it sleeps on. */
struct kshm_backend_channel {
	void *consumer;		/* the consumer page */
	void *producer;		/* the producer page; the data follows it */
	uint64_t mapped_length;	/* header pages + data */
	intptr_t event;		/* Windows: the event the driver sets (0: none); Linux: unused */
};

/*
 * Map a channel's pages: the consumer page (page 0) writable for an events
 * channel, the producer page and data writable for a submissions channel,
 * the rest read-only. Linux: one mapping, the producer page right after the
 * consumer page; Windows: the two views the driver made, anywhere.
 */
int kshm_backend_map_channel(kshm_backend_handle handle, const struct kshm_channel_create *create,
			     uint32_t page_size, struct kshm_backend_channel *channel);

/* Undo kshm_backend_map_channel; called before the channel is destroyed. */
int kshm_backend_unmap_channel(kshm_backend_handle handle, struct kshm_backend_channel *channel);

/*
 * Sleep until the driver signals pending events (Linux: on any events channel
 * of the handle; Windows: on this channel), or timeout_ms passes
 * (-ETIMEDOUT; -1: no limit).
 */
int kshm_backend_wait(kshm_backend_handle handle, const struct kshm_backend_channel *channel,
		      int timeout_ms);

/*
 * Undo kshm_backend_map; called before the region is destroyed. A platform
 * whose driver unmaps on destroy does nothing here.
 */
int kshm_backend_unmap(kshm_backend_handle handle, void *data, uint64_t mapped_length);

#endif /* KSHM_LIB_BACKEND_H */
