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
 * Make a freshly created kernel region visible to the process, from what
 * KSHM_IOC_REGION_CREATE returned: Linux maps it, Windows finds it already
 * mapped at create->user_addr. flags are the region's create flags.
 */
int kshm_backend_map(kshm_backend_handle handle, const struct kshm_region_create *create,
		     uint32_t flags, void **data);

/*
 * Map a channel's pages: the consumer page (page 0) writable for an events
 * channel, the producer page and data writable for a submissions channel,
 * the rest read-only. One contiguous mapping at *base.
 */
int kshm_backend_map_channel(kshm_backend_handle handle, const struct kshm_channel_create *create,
			     uint32_t page_size, void **base);

/*
 * Sleep until the driver signals pending events on this handle, or
 * timeout_ms passes (-ETIMEDOUT; -1: no limit).
 */
int kshm_backend_wait(kshm_backend_handle handle, int timeout_ms);

/*
 * Undo kshm_backend_map; called before the region is destroyed. A platform
 * whose driver unmaps on destroy does nothing here.
 */
int kshm_backend_unmap(kshm_backend_handle handle, void *data, uint64_t mapped_length);

#endif /* KSHM_LIB_BACKEND_H */
