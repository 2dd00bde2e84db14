/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Internal interfaces of the kshm Windows driver (WDM, built with clang and
 * the mingw-w64 DDK headers). The structure mirrors linux/kshm_dev.h, and the
 * files mirror linux/'s one for one (docs/technique.md, "Layers").
 *
 * Lifetime in one picture: each open handle has a context in
 * FileObject->FsContext holding its regions, a lock and the process that
 * opened it (referenced). Every region in the list holds one reference; a
 * fill or checksum in progress holds another, so destroy never frees pages
 * under a running request. The user view of kernel pages is unmapped when the
 * region leaves the list (destroy, IRP_MJ_CLEANUP), always in the owner's
 * context; the pages themselves go with the last reference.
 *
 * IRQL: everything here runs at PASSIVE_LEVEL in a top-level dispatch
 * routine (the device is not filtered). The handle lock is a FAST_MUTEX (APC
 * level while held); nothing touches user memory, maps or frees under it.
 */
#ifndef KSHM_DRV_H
#define KSHM_DRV_H

#include <ntifs.h>

#include "core/limits.h"
#include "core/region.h"
#include "core/status.h"
#include "core/work.h"
#include "include/kshm/kernel.h"	/* the API for other drivers; STATUS_PIPE_CLOSED */

/* mingw-w64 v10 lacks these MDL mapping flags (Windows 8 and later). */
#ifndef MdlMappingNoWrite
#define MdlMappingNoWrite	0x80000000
#endif
#ifndef MdlMappingNoExecute
#define MdlMappingNoExecute	0x40000000
#endif

#define KSHM_POOL_TAG 'mhsK'

/* The WDK's annotation of a dispatch routine's major function; mingw-w64's sal.h lacks it. */
#ifndef _Dispatch_type_
#define _Dispatch_type_(major)
#endif

/*
 * The IRQL contract, stated with _IRQL_requires_ annotations and checked at
 * the top of every dispatch routine and request handler (NT_ASSERT breaks
 * into an attached debugger, as on ReactOS's KDBG).
 */
#define KSHM_ASSERT_PASSIVE() NT_ASSERT(KeGetCurrentIrql() == PASSIVE_LEVEL)

struct kshm_region;

/*
 * What differs between the kinds of region; a new kind is one more of these
 * (a channel's ring rides on kernel pages: kshm_channel.c). What each kind
 * allows is core/policy.c's.
 */
struct kshm_region_ops {
	void (*release)(struct kshm_region *region);	/* the last reference: free the kind's memory */
	void (*forget)(struct kshm_region *region);	/* its id is gone, in the owner's context:
							   unmap the owner's views (NULL: none) */
};

struct kshm_region {
	LIST_ENTRY link;		/* in kshm_handle.regions, under its lock */
	volatile LONG refs;
	const struct kshm_region_ops *ops;
	struct kshm_region_head head;	/* id, kind, flags, byte count (core/region.h) */
	uint64_t charged_bytes;		/* against bytes_allocated or bytes_pinned */
	PMDL mdl;			/* allocated pages, or the locked user buffer */
	uint8_t *system_va;		/* first byte fill/checksum count from */
	PVOID user_va;			/* kernel pages: the owner's view, until removed */
	struct kshm_layout layout;	/* user buffer: as the MDL records it */
	struct kshm_channel *channel;	/* KSHM_KIND_CHANNEL: its ring, freed with the region */
};

struct kshm_handle {
	LIST_ENTRY all_link;		/* in kshm_handles, under kshm_handles_lock */
	FAST_MUTEX lock;		/* regions, nr_regions, next_id */
	FAST_MUTEX release_lock;	/* one kshm_handle_release_all at a time */
	LIST_ENTRY regions;
	uint32_t nr_regions;
	uint32_t next_id;		/* cyclic, like the Linux xarray cursor */
	PEPROCESS owner;		/* referenced; the only process allowed to use the handle */
};

/* Driver-wide counters, reported by KSHM_IOC_VERSION. */
struct kshm_counters {
	volatile LONG64 regions_live;
	volatile LONG64 bytes_allocated;
	volatile LONG64 bytes_pinned;
};
extern struct kshm_counters kshm_counters;

/*
 * 64-bit atomics that exist on x86 too (the 32-bit DDK headers lack the
 * Interlocked*64 family; these compile to lock cmpxchg8b / lock xadd).
 */
static inline LONG64 kshm_counter_add(volatile LONG64 *counter, LONG64 delta)
{
	return __sync_add_and_fetch(counter, delta);
}

static inline LONG64 kshm_counter_read(volatile LONG64 *counter)
{
	return __sync_val_compare_and_swap(counter, 0, 0);
}

/* Returns the value seen; the swap happened when that equals `expected`. */
static inline LONG64 kshm_counter_cmpxchg(volatile LONG64 *counter, LONG64 expected,
					  LONG64 desired)
{
	return __sync_val_compare_and_swap(counter, expected, desired);
}

/*
 * kshm_guard.c: run fn(ctx) and return its status, or the exception code
 * (never a success) if anything under it raises. The only exception guard of
 * the driver: the same code path on x64 (__try/__except) and x86 (a frame on
 * the fs:[0] chain). PASSIVE_LEVEL or APC_LEVEL for user memory, as always.
 */
typedef NTSTATUS (*kshm_guarded_fn)(void *ctx);
NTSTATUS kshm_guarded_call(kshm_guarded_fn fn, void *ctx);

/* kshm_main.c */
void kshm_current_limits(struct kshm_limits *limits);
/*
 * Parameters\SimulateNoWriteIgnored (tests only): map the views a process
 * must not write without MdlMappingNoWrite, as kernels before Windows 8 do,
 * so that the check refusing such views runs on a kernel that honours it.
 */
extern BOOLEAN kshm_simulate_no_write_ignored;
NTSTATUS kshm_status_to_ntstatus(enum kshm_status status);
NTSTATUS kshm_quota_charge(volatile LONG64 *used, uint64_t amount, uint64_t limit);
extern const struct kshm_work_ops kshm_caller_work;	/* core/work.c's view of the calling thread */
PVOID kshm_pool_alloc(SIZE_T bytes);	/* zeroed, non-paged, non-executable */
bool kshm_thread_terminating(void);	/* the calling thread; FALSE where the kernel cannot say */

/* kshm_region.c */
_IRQL_requires_(PASSIVE_LEVEL) void kshm_region_init(void);	/* DriverEntry */
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_region_alloc_kernel_pages(uint64_t alloc_bytes, uint64_t byte_count, uint32_t flags,
					const struct kshm_limits *limits,
					struct kshm_region **out);	/* no user view */
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_region_alloc_pages(uint64_t alloc_bytes, uint64_t byte_count, uint32_t flags,
				 const struct kshm_limits *limits, struct kshm_region **out);
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_region_attach_user(const struct kshm_layout *layout, uint32_t flags,
				 const struct kshm_limits *limits, struct kshm_region **out);
_IRQL_requires_max_(APC_LEVEL) void kshm_region_put(struct kshm_region *region);
void kshm_kernel_pages_release(struct kshm_region *region);	/* a channel's ops reuse it */

/* kshm_map.c: pages into the owner, in its context (the twin of linux/kshm_mmap.c) */
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS kshm_map_into_owner(PMDL mdl, BOOLEAN read_only, PVOID *user_va);

/* kshm_pin.c: locked user pages, shared by attach and the direct method */
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS kshm_lock_user_range(uint64_t user_addr, uint64_t length, BOOLEAN kernel_writes,
			      PMDL *mdl_out, uint8_t **system_va_out);
_IRQL_requires_max_(DISPATCH_LEVEL) void kshm_unlock_user_range(PMDL mdl);

/* kshm_file.c: the regions of a handle, and every handle (owner exit) */
_IRQL_requires_(PASSIVE_LEVEL) void kshm_handle_init(struct kshm_handle *handle, PEPROCESS owner);
_IRQL_requires_(PASSIVE_LEVEL) void kshm_handle_destroy(struct kshm_handle *handle);
_IRQL_requires_(PASSIVE_LEVEL) NTSTATUS kshm_handles_start(void);	/* DriverEntry */
_IRQL_requires_(PASSIVE_LEVEL) void kshm_handles_stop(void);		/* DriverUnload */
_IRQL_requires_max_(APC_LEVEL) void kshm_handle_release_all(struct kshm_handle *handle);
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_handle_insert(struct kshm_handle *handle, struct kshm_region *region,
			    const struct kshm_limits *limits, uint32_t *id_out);
_IRQL_requires_max_(APC_LEVEL)
struct kshm_region *kshm_handle_get_region(struct kshm_handle *handle, uint32_t id);
_IRQL_requires_(PASSIVE_LEVEL) NTSTATUS kshm_handle_remove(struct kshm_handle *handle, uint32_t id);

/* kshm_channel.c: channels over kernel pages, PASSIVE_LEVEL in the owner's context */
struct kshm_channel;
struct kshm_kchannel;
_IRQL_requires_(PASSIVE_LEVEL) void kshm_channel_init(void);	/* DriverEntry */
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_channel_new(const struct kshm_channel_create *req, uint64_t alloc_bytes,
			  const struct kshm_limits *limits, struct kshm_region **out);
struct kshm_kchannel *kshm_region_kchannel(const struct kshm_region *region);
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_channel_generate(struct kshm_region *region, struct kshm_channel_generate *req);
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_channel_process(struct kshm_region *sub, struct kshm_region *comp,
			      struct kshm_channel_process *req);
_IRQL_requires_max_(DISPATCH_LEVEL) NTSTATUS kshm_channel_kick(struct kshm_region *region);
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_channel_map(struct kshm_region *region, struct kshm_channel_map *req);

/* kshm_channel.c: what kshm_kernel_api.c reaches of a channel */
struct kshm_kchannel;
struct kshm_region *kshm_channel_region(struct kshm_channel *channel);
struct kshm_kchannel *kshm_channel_ring(struct kshm_channel *channel);
BOOLEAN kshm_channel_left_handle(struct kshm_channel *channel);
PFAST_MUTEX kshm_channel_consumer_lock(struct kshm_channel *channel);

/* kshm_kernel_api.c: the function table for other drivers (include/kshm/kernel.h) */
void kshm_kernel_api_init(PDRIVER_OBJECT driver);	/* DriverEntry, PASSIVE_LEVEL */
LONG kshm_kernel_api_users(void);			/* tables handed out and not released */
DRIVER_DISPATCH kshm_dispatch_internal_device_control;

/* kshm_ioctl.c */
NTSTATUS kshm_device_control(struct kshm_handle *handle, PIRP irp, PIO_STACK_LOCATION stack);

/* kshm_transfer.c */
struct kshm_user_copy {
	void *user;		/* the caller's bytes, a raw pointer in its address space */
	void *kernel;
	size_t bytes;
	BOOLEAN to_kernel;
};
NTSTATUS kshm_copy_user(void *ctx);	/* a kshm_guarded_fn on a struct kshm_user_copy */
NTSTATUS kshm_fill_bytes(uint8_t *dst, uint64_t len, uint64_t seed);
NTSTATUS kshm_checksum_bytes(const uint8_t *src, uint64_t len, uint64_t *checksum);
NTSTATUS kshm_transfer_run(struct kshm_transfer *req, const struct kshm_layout *layout);
NTSTATUS kshm_transfer_neither(struct kshm_transfer *req, uint8_t *ubuf);	/* owner's context */

#endif /* KSHM_DRV_H */
