/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kshm user/kernel ABI.
 *
 * This header is shared verbatim by the Linux module, the Windows driver and
 * all user code (32- and 64-bit). Rules that keep one layout everywhere:
 *  - fixed-width fields only; no long (LLP64 vs LP64), no pointers (user
 *    addresses travel as __u64);
 *  - every __u64 sits at a multiple of 8 and every struct size is a multiple
 *    of 8, so i386's 4-byte alignment of 64-bit integers changes nothing;
 *  - every request starts with `size`, the number of bytes the caller passes.
 *    The kernel accepts a larger struct from a newer caller only when the bytes
 *    it does not know are zero, and a smaller one down to the v1 size.
 * The _Static_asserts at the end pin offsets and sizes.
 */
#ifndef KSHM_ABI_H
#define KSHM_ABI_H

#if defined(__linux__)
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <stdint.h>
typedef uint32_t __u32;
typedef uint64_t __u64;
#endif

#define KSHM_ABI_VERSION 1

/* Linux: /dev/kshm. Windows: \\.\kshm (device \Device\kshm). */
#define KSHM_DEVICE_NAME "kshm"

/*
 * Largest region or buffer the ABI can describe. Each kernel-allocated region
 * owns a 4 GiB window of the device's mmap offset space
 * (mmap_offset = id << KSHM_MMAP_REGION_SHIFT); the drivers' configurable
 * limits are always below this.
 */
#define KSHM_MMAP_REGION_SHIFT 32
#define KSHM_REGION_MAX_BYTES (1ULL << KSHM_MMAP_REGION_SHIFT)

/*
 * The MDL view of a range: where its first page starts, where the range
 * starts inside that page, how many bytes, how many pages it touches.
 * start_va is the caller's own (page-aligned) address for an attached buffer
 * and 0 for kernel-allocated memory: a kernel address is never reported.
 */
struct kshm_layout {
	__u64 start_va;
	__u64 byte_count;
	__u32 byte_offset;
	__u32 span_pages;
	__u32 page_size;
	__u32 reserved;
};

/* KSHM_IOC_VERSION: ABI version, page size, limits and live counters. */
struct kshm_version {
	__u32 size;
	__u32 abi_version;
	__u32 page_size;
	__u32 max_regions_per_file;
	__u64 max_region_bytes;
	__u64 max_allocated_bytes;	/* all kernel-allocated regions */
	__u64 max_pinned_bytes;		/* all attached buffers, all callers */
	__u64 regions_live;
	__u64 bytes_allocated;
	__u64 bytes_pinned;
};

/* Region flags (create, info). */
#define KSHM_REGION_USER_READONLY	(1U << 0) /* process may only read */
#define KSHM_REGION_CREATE_FLAGS	(KSHM_REGION_USER_READONLY)

/*
 * KSHM_IOC_REGION_CREATE: the kernel allocates zeroed whole pages.
 * Linux: mmap(NULL, mapped_length, PROT_READ[|PROT_WRITE], MAP_SHARED, fd,
 * mmap_offset); user_addr is 0. Windows: the driver maps the pages into the
 * caller and returns user_addr; mmap_offset is 0.
 */
struct kshm_region_create {
	__u32 size;
	__u32 flags;
	__u64 length;		/* in: bytes, 1 .. max_region_bytes */
	__u64 mapped_length;	/* out: length rounded up to whole pages */
	__u64 mmap_offset;	/* out */
	__u64 user_addr;	/* out */
	__u32 id;		/* out */
	__u32 reserved;
};

/* Attach flags. */
#define KSHM_ATTACH_KERNEL_WRITE	(1U << 0) /* kernel may write the buffer */
#define KSHM_ATTACH_FLAGS		(KSHM_ATTACH_KERNEL_WRITE)

/*
 * KSHM_IOC_BUFFER_ATTACH: the kernel locks the caller's buffer (any address
 * and length; need not be page aligned) and maps it into kernel space until
 * the region is destroyed or the handle is closed.
 */
struct kshm_buffer_attach {
	__u32 size;
	__u32 flags;
	__u64 user_addr;	/* in */
	__u64 length;		/* in */
	__u32 id;		/* out */
	__u32 reserved;
	struct kshm_layout layout; /* out */
};

/* Region kinds (info). */
#define KSHM_KIND_KERNEL_PAGES	1 /* allocated by the kernel, mapped by the process */
#define KSHM_KIND_USER_BUFFER	2 /* the process's buffer, locked by the kernel */

/*
 * KSHM_IOC_REGION_INFO: the layout of a region. Page frame numbers are
 * written to pfn_array (a user pointer to pfn_capacity __u64s) only for a
 * privileged caller (Linux CAP_SYS_ADMIN); others asking get EPERM.
 */
struct kshm_region_info {
	__u32 size;
	__u32 id;		/* in */
	__u32 kind;		/* out */
	__u32 flags;		/* out: region or attach flags */
	__u64 mmap_offset;	/* out: kernel pages on Linux, else 0 */
	struct kshm_layout layout; /* out */
	__u64 pfn_array;	/* in: 0 for none */
	__u32 pfn_capacity;	/* in */
	__u32 pfn_count;	/* out: entries written */
};

/*
 * KSHM_IOC_FILL / KSHM_IOC_CHECKSUM: the kernel writes the kshm pattern of
 * `seed` over [offset, offset + length) of a region, or returns the kshm
 * checksum of that range. Both are defined in core/checksum.h so that user
 * code can produce and verify the same bytes.
 */
struct kshm_range_op {
	__u32 size;
	__u32 id;
	__u64 offset;
	__u64 length;
	__u64 seed;		/* in: fill */
	__u64 checksum;		/* out: checksum */
};

/* KSHM_IOC_REGION_DESTROY. */
struct kshm_region_destroy {
	__u32 size;
	__u32 id;
};

/* Classic transfer methods, for comparison with shared regions. */
#define KSHM_METHOD_BUFFERED	1 /* copy through a kernel bounce buffer */
#define KSHM_METHOD_DIRECT	2 /* lock the caller's buffer for one call */
#define KSHM_METHOD_NEITHER	3 /* Windows only: raw pointer, probed by the driver */

#define KSHM_DIR_TO_KERNEL	1 /* kernel checksums the caller's bytes */
#define KSHM_DIR_FROM_KERNEL	2 /* kernel fills the caller's bytes with the pattern */

/* KSHM_IOC_TRANSFER: one call doing the work of FILL or CHECKSUM on a user buffer. */
struct kshm_transfer {
	__u32 size;
	__u32 method;
	__u32 direction;
	__u32 reserved;
	__u64 user_addr;
	__u64 length;
	__u64 seed;
	__u64 checksum;		/* out: TO_KERNEL */
};

/* Request numbers; the same numbers on every platform. */
#define KSHM_NR_VERSION		0x01
#define KSHM_NR_REGION_CREATE	0x02
#define KSHM_NR_BUFFER_ATTACH	0x03
#define KSHM_NR_REGION_INFO	0x04
#define KSHM_NR_FILL		0x05
#define KSHM_NR_CHECKSUM	0x06
#define KSHM_NR_REGION_DESTROY	0x07
#define KSHM_NR_TRANSFER	0x08

#if defined(__linux__)
#define KSHM_IOC_MAGIC 0xB6
#define KSHM_IOC_VERSION	_IOWR(KSHM_IOC_MAGIC, KSHM_NR_VERSION, struct kshm_version)
#define KSHM_IOC_REGION_CREATE	_IOWR(KSHM_IOC_MAGIC, KSHM_NR_REGION_CREATE, struct kshm_region_create)
#define KSHM_IOC_BUFFER_ATTACH	_IOWR(KSHM_IOC_MAGIC, KSHM_NR_BUFFER_ATTACH, struct kshm_buffer_attach)
#define KSHM_IOC_REGION_INFO	_IOWR(KSHM_IOC_MAGIC, KSHM_NR_REGION_INFO, struct kshm_region_info)
#define KSHM_IOC_FILL		_IOWR(KSHM_IOC_MAGIC, KSHM_NR_FILL, struct kshm_range_op)
#define KSHM_IOC_CHECKSUM	_IOWR(KSHM_IOC_MAGIC, KSHM_NR_CHECKSUM, struct kshm_range_op)
#define KSHM_IOC_REGION_DESTROY	_IOW(KSHM_IOC_MAGIC, KSHM_NR_REGION_DESTROY, struct kshm_region_destroy)
#define KSHM_IOC_TRANSFER	_IOWR(KSHM_IOC_MAGIC, KSHM_NR_TRANSFER, struct kshm_transfer)
#else
/*
 * Windows: CTL_CODE(KSHM_FILE_DEVICE, 0x800 + nr, method, access), spelled
 * out so this header needs no Windows header. The classic-method requests use
 * their own transfer method; everything else is METHOD_BUFFERED.
 */
#define KSHM_FILE_DEVICE	0x8B6Bu	/* vendor device types are 0x8000 and up */
#define KSHM_CTL(nr, method) \
	((KSHM_FILE_DEVICE << 16) | (3u /* FILE_READ_DATA|FILE_WRITE_DATA */ << 14) | \
	 ((0x800u + (nr)) << 2) | (method))
#define KSHM_CTL_BUFFERED	0u
#define KSHM_CTL_IN_DIRECT	1u
#define KSHM_CTL_OUT_DIRECT	2u
#define KSHM_CTL_NEITHER	3u
#define KSHM_IOC_VERSION	KSHM_CTL(KSHM_NR_VERSION, KSHM_CTL_BUFFERED)
#define KSHM_IOC_REGION_CREATE	KSHM_CTL(KSHM_NR_REGION_CREATE, KSHM_CTL_BUFFERED)
#define KSHM_IOC_BUFFER_ATTACH	KSHM_CTL(KSHM_NR_BUFFER_ATTACH, KSHM_CTL_BUFFERED)
#define KSHM_IOC_REGION_INFO	KSHM_CTL(KSHM_NR_REGION_INFO, KSHM_CTL_BUFFERED)
#define KSHM_IOC_FILL		KSHM_CTL(KSHM_NR_FILL, KSHM_CTL_BUFFERED)
#define KSHM_IOC_CHECKSUM	KSHM_CTL(KSHM_NR_CHECKSUM, KSHM_CTL_BUFFERED)
#define KSHM_IOC_REGION_DESTROY	KSHM_CTL(KSHM_NR_REGION_DESTROY, KSHM_CTL_BUFFERED)
#define KSHM_IOC_TRANSFER	KSHM_CTL(KSHM_NR_TRANSFER, KSHM_CTL_BUFFERED)
/*
 * The same work through the I/O manager's own transfer methods: struct
 * kshm_transfer as the input buffer, the data as the output buffer, `length`
 * its size (`user_addr` is validated like any transfer's but not used: the
 * I/O manager hands the driver the output buffer itself).
 *  - IN_DIRECT (method KSHM_METHOD_DIRECT, direction KSHM_DIR_TO_KERNEL): the
 *    I/O manager locks the data for reading and hands the driver its MDL.
 *    A direct method copies nothing back but the status, so this is a check:
 *    `checksum` is the sum the caller expects (it produced the bytes), and a
 *    different sum fails the request with STATUS_CRC_ERROR (EBADMSG).
 *  - OUT_DIRECT (method KSHM_METHOD_DIRECT, direction KSHM_DIR_FROM_KERNEL):
 *    locked for writing; the driver fills it.
 *  - NEITHER (method KSHM_METHOD_NEITHER, either direction): the driver gets
 *    the caller's own pointers, probes and captures the struct, works on the
 *    data in the caller's context under its exception guard, and writes the
 *    struct (with `checksum`) back into the caller's input buffer.
 */
#define KSHM_IOC_TRANSFER_IN_DIRECT  KSHM_CTL(KSHM_NR_TRANSFER, KSHM_CTL_IN_DIRECT)
#define KSHM_IOC_TRANSFER_OUT_DIRECT KSHM_CTL(KSHM_NR_TRANSFER, KSHM_CTL_OUT_DIRECT)
#define KSHM_IOC_TRANSFER_NEITHER    KSHM_CTL(KSHM_NR_TRANSFER, KSHM_CTL_NEITHER)
#endif

/* Layout pins: a change here is an ABI break and needs a new request. */
#define KSHM_ABI_ASSERT(cond) _Static_assert(cond, #cond)
#ifndef __cplusplus
#if defined(__KERNEL__)
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif
KSHM_ABI_ASSERT(sizeof(struct kshm_layout) == 32);
KSHM_ABI_ASSERT(sizeof(struct kshm_version) == 64);
KSHM_ABI_ASSERT(offsetof(struct kshm_version, max_region_bytes) == 16);
KSHM_ABI_ASSERT(offsetof(struct kshm_version, bytes_pinned) == 56);
KSHM_ABI_ASSERT(sizeof(struct kshm_region_create) == 48);
KSHM_ABI_ASSERT(offsetof(struct kshm_region_create, id) == 40);
KSHM_ABI_ASSERT(sizeof(struct kshm_buffer_attach) == 64);
KSHM_ABI_ASSERT(offsetof(struct kshm_buffer_attach, layout) == 32);
KSHM_ABI_ASSERT(sizeof(struct kshm_region_info) == 72);
KSHM_ABI_ASSERT(offsetof(struct kshm_region_info, layout) == 24);
KSHM_ABI_ASSERT(offsetof(struct kshm_region_info, pfn_array) == 56);
KSHM_ABI_ASSERT(sizeof(struct kshm_range_op) == 40);
KSHM_ABI_ASSERT(offsetof(struct kshm_range_op, checksum) == 32);
KSHM_ABI_ASSERT(sizeof(struct kshm_region_destroy) == 8);
KSHM_ABI_ASSERT(sizeof(struct kshm_transfer) == 48);
KSHM_ABI_ASSERT(offsetof(struct kshm_transfer, checksum) == 40);
#endif

#endif /* KSHM_ABI_H */
