/* SPDX-License-Identifier: MIT */
/*
 * libkshm: zero-copy memory shared between the kshm driver and a process.
 *
 * One API on Linux and Windows. Every function that can fail returns 0 or a
 * negative errno value (-EINVAL, -ENOMEM, ...); the library never prints and
 * never exits. A struct kshm may be used from several threads for fill,
 * checksum and transfer calls; creating and destroying regions of one handle
 * must be serialized by the caller.
 */
#ifndef KSHM_H
#define KSHM_H

#include <stddef.h>
#include <stdint.h>

#include <kshm/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kshm;		/* an open handle to the driver */
struct kshm_region;	/* a region of one handle: kernel pages or an attached buffer */

/*
 * Open the driver. path may be NULL for the default (/dev/kshm, \\.\kshm).
 * -ENOENT: driver not loaded; -EACCES: no permission on the device;
 * -EPROTO: the driver speaks another ABI version.
 */
int kshm_open(const char *path, struct kshm **out);

/* Close the handle; destroys (and unmaps) every region still open on it. */
void kshm_close(struct kshm *kshm);

/* The OS handle (Linux: file descriptor; Windows: HANDLE), e.g. for poll. */
intptr_t kshm_native_handle(const struct kshm *kshm);

/* ABI version, page size, limits and live counters of the driver. */
int kshm_query_version(struct kshm *kshm, struct kshm_version *version);

/*
 * Kernel-allocated region of `length` bytes (rounded up to whole pages),
 * zeroed, mapped into this process. flags: KSHM_REGION_USER_READONLY.
 * -EFBIG: over max_region_bytes; -ENOSPC: a quota is used up.
 */
int kshm_region_create(struct kshm *kshm, uint64_t length, uint32_t flags,
		       struct kshm_region **out);

/*
 * Lock `length` bytes at `buf` (any alignment) and map them into the
 * kernel. flags: KSHM_ATTACH_KERNEL_WRITE to let the kernel write them.
 * -EFAULT: not mapped or not writable as asked; -ENOMEM: RLIMIT_MEMLOCK.
 */
int kshm_buffer_attach(struct kshm *kshm, void *buf, uint64_t length, uint32_t flags,
		       struct kshm_region **out);

/* Unmap (kernel pages), release the kernel side and free the region. */
int kshm_region_destroy(struct kshm_region *region);

/* The process's view: mapped pages or the attached buffer. */
void *kshm_region_data(const struct kshm_region *region);
uint64_t kshm_region_length(const struct kshm_region *region);
uint32_t kshm_region_id(const struct kshm_region *region);

/* Layout as the kernel's page list (MDL) describes it. */
int kshm_region_layout(struct kshm_region *region, struct kshm_layout *layout);

/*
 * Physical frame numbers of the region's pages, up to `capacity`; *count is
 * set to the number written. -EPERM for unprivileged callers.
 */
int kshm_region_pfns(struct kshm_region *region, uint64_t *pfns, uint32_t capacity,
		     uint32_t *count);

/* The kernel writes the kshm pattern of `seed` over a range of the region. */
int kshm_region_fill(struct kshm_region *region, uint64_t offset, uint64_t length,
		     uint64_t seed);

/* The kernel computes the kshm checksum of a range of the region. */
int kshm_region_checksum(struct kshm_region *region, uint64_t offset, uint64_t length,
			 uint64_t *checksum);

/*
 * The same work through a classic method (KSHM_METHOD_BUFFERED, _DIRECT,
 * _NEITHER on Windows): KSHM_DIR_TO_KERNEL checksums buf in the kernel,
 * KSHM_DIR_FROM_KERNEL fills buf with the pattern of `seed`.
 */
int kshm_transfer(struct kshm *kshm, uint32_t method, uint32_t direction, void *buf,
		  uint64_t length, uint64_t seed, uint64_t *checksum);

/* The same checksum and pattern as the kernel's, for checking its work. */
uint64_t kshm_checksum(const void *data, size_t len);
void kshm_pattern_fill(void *dst, size_t len, uint64_t seed, uint64_t pos);
size_t kshm_pattern_check(const void *src, size_t len, uint64_t seed, uint64_t pos);

#ifdef __cplusplus
}
#endif

#endif /* KSHM_H */
