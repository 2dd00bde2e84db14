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
#include <kshm/channel.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The library's version. KSHM_VERSION_* are the header's; kshm_version()
 * says which library is running (a newer 1.x keeps every 1.0 call).
 */
#define KSHM_VERSION_MAJOR 1
#define KSHM_VERSION_MINOR 0
#define KSHM_VERSION_PATCH 0
#define KSHM_VERSION_CODE(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))

/*
 * KSHM_VERSION_CODE() of the running library; *abi_version (if not NULL) is
 * set to the driver ABI version it speaks (KSHM_ABI_VERSION).
 */
uint32_t kshm_version(uint32_t *abi_version);

/*
 * Options structs, for the calls that will grow. The first field, sz, is the
 * size of the struct the caller was compiled with: a newer library takes the
 * fields past it as zero, and an older library refuses (-EINVAL) a struct
 * whose fields it does not know unless they are zero. NULL means every
 * option at its default. Declare one with KSHM_OPTS, which sets sz:
 *	KSHM_OPTS(kshm_generate_opts, opts, .flags = KSHM_GENERATE_BLOCK);
 */
#define KSHM_OPTS(type, name, ...) \
	struct type name = { .sz = sizeof(struct type), __VA_ARGS__ }

struct kshm;		/* an open handle to the driver */
struct kshm_region;	/* a region of one handle: kernel pages or an attached buffer */

/*
 * Open the driver. path may be NULL for the default (/dev/kshm, \\.\kshm).
 * -ENOENT: driver not loaded (no device); -ENXIO or -ENODEV: a device node
 * with no driver behind it; -EACCES: no permission on the device;
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
 * Windows only, in kshm_transfer_opts.flags: the same work through the I/O
 * manager's own transfer methods instead of a pointer in a buffered request.
 * KSHM_METHOD_DIRECT becomes METHOD_IN_DIRECT (checksum) or METHOD_OUT_DIRECT
 * (fill), the I/O manager locking buf; KSHM_METHOD_NEITHER becomes
 * METHOD_NEITHER, the driver probing the caller's pointers itself. A direct
 * method returns nothing but a status, so a METHOD_IN_DIRECT checksum is a
 * check: opts.checksum holds the sum the caller expects, and -EBADMSG says
 * the kernel's differs. Elsewhere -EOPNOTSUPP. (Its value is not a method's:
 * or'ed into the method, as before 1.0, it makes an invalid one, -EINVAL.)
 */
#define KSHM_TRANSFER_IO_MANAGER 0x100u

struct kshm_transfer_opts {
	size_t sz;
	uint32_t flags;		/* KSHM_TRANSFER_IO_MANAGER */
	uint64_t seed;		/* KSHM_DIR_FROM_KERNEL: the pattern's seed */
	uint64_t checksum;	/* KSHM_DIR_TO_KERNEL: out, the kernel's sum */
};

/*
 * The same work through a classic method (KSHM_METHOD_BUFFERED, _DIRECT,
 * _NEITHER on Windows): KSHM_DIR_TO_KERNEL checksums buf in the kernel
 * (opts->checksum), KSHM_DIR_FROM_KERNEL fills buf with the pattern of
 * opts->seed.
 */
int kshm_transfer(struct kshm *kshm, uint32_t method, uint32_t direction, void *buf,
		  uint64_t length, struct kshm_transfer_opts *opts);

/*
 * Channels: a ring in shared memory per direction, no system call per
 * message. KSHM_CHANNEL_EVENTS: the kernel produces, this process consumes
 * (peek / advance / release, wait to sleep). KSHM_CHANNEL_SUBMISSIONS: this
 * process produces (reserve / commit), the kernel consumes. data_bytes is a
 * power of two of whole pages. A channel is also a region of its handle and
 * goes with kshm_close(). One thread per channel side.
 */
struct kshm_channel;

struct kshm_record {
	uint32_t type;
	uint32_t len;
	const void *payload;	/* valid until kshm_channel_release() */
};

struct kshm_channel_opts {
	size_t sz;
	uint32_t flags;		/* none defined yet: 0 */
};

int kshm_channel_create(struct kshm *kshm, uint32_t kind, uint64_t data_bytes,
			const struct kshm_channel_opts *opts, struct kshm_channel **out);
int kshm_channel_destroy(struct kshm_channel *channel);
uint32_t kshm_channel_id(const struct kshm_channel *channel);
/* Largest payload of one record. */
uint32_t kshm_channel_max_payload(const struct kshm_channel *channel);

/*
 * Events: the next record (0), none yet (-EAGAIN), or a corrupt ring (-EIO).
 * advance and release do nothing on a submissions channel (or NULL); commit
 * does nothing on an events channel.
 */
int kshm_channel_peek(struct kshm_channel *channel, struct kshm_record *record);
void kshm_channel_advance(struct kshm_channel *channel, const struct kshm_record *record);
/*
 * Events, a batch: up to `max` records, each already advanced past; returns
 * how many (0: none yet), or -EIO on a corrupt ring before the first. The
 * payloads stay valid until kshm_channel_release(), which frees them all.
 */
int kshm_channel_read_batch(struct kshm_channel *channel, struct kshm_record *records,
			    unsigned int max);
/* Give the space of every record advanced past back to the kernel (once per batch). */
void kshm_channel_release(struct kshm_channel *channel);
/*
 * Sleep until records are pending: at least wakeup_bytes of them (0: any),
 * or timeout_ms passes (-ETIMEDOUT; -1 waits for ever). Releases first.
 */
int kshm_channel_wait(struct kshm_channel *channel, uint32_t wakeup_bytes, int timeout_ms);
/* Records the kernel dropped because the ring was full. */
uint64_t kshm_channel_dropped(const struct kshm_channel *channel);

/* Submissions: room for a record (0), full (-ENOSPC), too big (-EFBIG), -EIO. */
int kshm_channel_reserve(struct kshm_channel *channel, uint32_t len, uint32_t type,
			 void **payload);
/* Make every reserved record visible to the kernel. */
void kshm_channel_commit(struct kshm_channel *channel);

/*
 * Kernel services. generate: the kernel publishes `count` records of
 * record_bytes into an events channel (payload: __u64 sequence number from
 * opts->first_seq, then kshm_pattern_fill(seed = that number)); flags
 * KSHM_GENERATE_BLOCK waits for room instead of dropping. process: the kernel
 * consumes up to max_records submissions and posts a struct kshm_completion
 * for each to an events channel.
 */
struct kshm_generate_opts {
	size_t sz;
	uint32_t type;		/* of every record */
	uint32_t flags;		/* KSHM_GENERATE_BLOCK */
	uint64_t first_seq;
	uint64_t produced;	/* out */
	uint64_t dropped;	/* out: ring full, without KSHM_GENERATE_BLOCK */
};

int kshm_channel_generate(struct kshm_channel *events, uint64_t count, uint32_t record_bytes,
			  struct kshm_generate_opts *opts);
int kshm_channel_process(struct kshm_channel *submissions, struct kshm_channel *completions,
			 uint32_t max_records, uint64_t *processed);

/* The same checksum and pattern as the kernel's, for checking its work. */
uint64_t kshm_checksum(const void *data, size_t len);
void kshm_pattern_fill(void *dst, size_t len, uint64_t seed, uint64_t pos);
size_t kshm_pattern_check(const void *src, size_t len, uint64_t seed, uint64_t pos);

#ifdef __cplusplus
}
#endif

#endif /* KSHM_H */
