// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Channels on Windows: one ring (core/ring.c) in zeroed whole pages shared
 * with the handle's owner, as in linux/kshm_channel.c. Publishing, the
 * generator and echo/checksum loops, the record contents and which pages
 * the process may write are core/channel.c's, the same code the Linux
 * module runs; this file supplies the locks, the wake-ups, the sleeps and
 * the memory.
 *
 * Memory. The pages are a region's (kshm_region_alloc_kernel_pages: whole
 * zeroed pages from MmAllocatePagesForMdlEx, byte count checked, one system
 * view, which is all the driver uses). The owner gets its views on
 * KSHM_IOC_CHANNEL_MAP, not at create: include/kshm/channel.h has no room
 * for two addresses and a handle in the create request. One MDL mapping has
 * one protection, so the region's MDL is split with IoBuildPartialMdl into
 * the consumer page and the rest (producer page + data), and each is mapped
 * with MmMapLockedPagesSpecifyCache(UserMode), the part the process may not
 * write with MdlMappingNoWrite, confirmed read-only by a write probe
 * (kshm_map_into_owner: a kernel that ignores the flag fails the map, never
 * a silently writable view). The two views are not adjacent;
 * libkshm takes the two addresses (lib/backend_windows.c).
 *
 * Waking. Linux wakes poll() on the device; here the owner passes a handle
 * to an event of its own in KSHM_IOC_CHANNEL_MAP, referenced with
 * ObReferenceObjectByHandle(EVENT_MODIFY_STATE, event type, UserMode) in the
 * owner's context at PASSIVE_LEVEL, kept until the channel is freed, and set
 * with KeSetEvent only when the consumer asked (core/channel.c decides).
 *
 * IRQL and context. Requests come at PASSIVE_LEVEL in the owner's context
 * (kshm_dispatch_device_control refuses other processes). The producer side
 * of an events ring is under a spinlock (DISPATCH_LEVEL): the pages are
 * non-paged and the system view valid in any context. The consumer side of
 * a submissions ring is under a FAST_MUTEX (APC_LEVEL). The views are mapped
 * and unmapped under views_lock (APC_LEVEL, allowed for UserMode mappings),
 * always in the owner's context (kshm_file.c attaches when it must).
 */
#include "kshm_drv.h"
#include "core/validate.h"
#include "core/policy.h"
#include "core/channel.h"

struct kshm_channel {
	struct kshm_kchannel sc;	/* ring view, kind, broken (core/channel.h) */
	KSPIN_LOCK produce_lock;	/* events: the kernel's producer side */
	FAST_MUTEX consume_lock;	/* submissions: the kernel's consumer side */
	KEVENT space_event;		/* events: kicked, for a producer waiting for room */
	PKEVENT wake_event;		/* events: the owner's event, referenced; set once */
	FAST_MUTEX views_lock;		/* the fields below */
	BOOLEAN views_gone;		/* the channel left its handle: never map again */
	PMDL part_mdl[2];		/* [0] consumer page, [1] producer page + data */
	PVOID user_va[2];		/* their views in the owner, or NULL */
	struct kshm_region *region;	/* the region holding the ring (other drivers put it) */
};

static const struct kshm_kchannel_ops kchannel_ops;

/* &ExEventObjectType, resolved at load (see kshm_channel_init). */
static POBJECT_TYPE *kshm_event_object_type;

/*
 * mingw-w64's wdm.h declares ExEventObjectType as a dllimport of type
 * POBJECT_TYPE *, so the WDK idiom *ExEventObjectType would load one level
 * too deep. Resolving the export's address by name leaves no doubt: it is
 * the address of the kernel's POBJECT_TYPE variable, dereferenced once at
 * use. NULL (a host without it) makes an event handle STATUS_NOT_SUPPORTED.
 */
void kshm_channel_init(void)
{
	UNICODE_STRING name;

	RtlInitUnicodeString(&name, L"ExEventObjectType");
	kshm_event_object_type = (POBJECT_TYPE *)MmGetSystemRoutineAddress(&name);
}

static struct kshm_channel *to_channel(struct kshm_kchannel *sc)
{
	return CONTAINING_RECORD(sc, struct kshm_channel, sc);
}

/* ---- the driver's side of core/channel.c ---- */

static uintptr_t producer_lock(struct kshm_kchannel *sc)
{
	KIRQL irql;

	KeAcquireSpinLock(&to_channel(sc)->produce_lock, &irql);
	return irql;
}

static void producer_unlock(struct kshm_kchannel *sc, uintptr_t irql)
{
	KeReleaseSpinLock(&to_channel(sc)->produce_lock, (KIRQL)irql);
}

/* Any IRQL <= DISPATCH_LEVEL. Pairs with the release store in set_wake_event(). */
static void wake_consumer(struct kshm_kchannel *sc)
{
	PKEVENT event = __atomic_load_n(&to_channel(sc)->wake_event, __ATOMIC_ACQUIRE);

	if (event)
		KeSetEvent(event, IO_NO_INCREMENT, FALSE);
}

/* The channel left its handle: nobody can consume or kick any more. */
static bool channel_gone(struct kshm_channel *channel)
{
	return *(volatile BOOLEAN *)&channel->views_gone;
}

static bool service_channel_gone(struct kshm_kchannel *sc)
{
	return channel_gone(to_channel(sc));
}

/*
 * PASSIVE_LEVEL. Sleep until the consumer kicks (it does so only when it sees
 * our flag), at most a second: a consumer that never kicks costs latency,
 * not a hang. An alertable user-mode wait, so a terminating thread (or a
 * user APC, like a signal on Linux) ends it. A kick from an earlier round
 * left in the event only makes the producer look for room once more.
 */
static bool wait_for_space(struct kshm_kchannel *sc, uint32_t len)
{
	LARGE_INTEGER timeout = { .QuadPart = -10LL * 1000 * 1000 };	/* 1 s, relative */
	NTSTATUS status = STATUS_SUCCESS;

	KSHM_ASSERT_PASSIVE();
	if (kshm_kchannel_prepare_wait_space(sc, len))
		status = KeWaitForSingleObject(&to_channel(sc)->space_event, Executive, UserMode,
					       TRUE, &timeout);
	kshm_kchannel_finish_wait_space(sc);
	return status != STATUS_USER_APC && status != STATUS_ALERTED && !kshm_thread_terminating() &&
	       !channel_gone(to_channel(sc));
}

static const struct kshm_kchannel_ops kchannel_ops = {
	.lock = producer_lock,
	.unlock = producer_unlock,
	.wake = wake_consumer,
	.wait_for_space = wait_for_space,
	.interrupted = kshm_thread_terminating,
	.closed = service_channel_gone,
	.yield = NULL,	/* PASSIVE_LEVEL threads are preempted anyway */
};

static NTSTATUS service_status(enum kshm_service_end end)
{
	return kshm_status_to_ntstatus(kshm_policy_service_verdict(end));
}

/* The ring behind a region, or NULL when the region is no channel. */
struct kshm_kchannel *kshm_region_kchannel(const struct kshm_region *region)
{
	return region->channel ? &region->channel->sc : NULL;
}

/* ---- lifetime ---- */

/* The pages of [offset, offset + length) of the region's MDL, as an MDL of their own. */
static PMDL partial_mdl(PMDL source, ULONG offset, ULONG length)
{
	PUCHAR va = (PUCHAR)MmGetMdlVirtualAddress(source) + offset;
	PMDL part = IoAllocateMdl(va, length, FALSE, FALSE, NULL);

	if (part)
		IoBuildPartialMdl(source, part, va, length);
	return part;
}

/* The region's last reference: the views went with its id (channel_forget). */
static void channel_release(struct kshm_region *region)
{
	struct kshm_channel *channel = region->channel;
	ULONG i;

	for (i = 0; i < ARRAYSIZE(channel->part_mdl); i++) {
		NT_ASSERT(!channel->user_va[i]);
		if (channel->part_mdl[i]) {
			MmPrepareMdlForReuse(channel->part_mdl[i]);
			IoFreeMdl(channel->part_mdl[i]);
		}
	}
	if (channel->wake_event)
		ObDereferenceObject(channel->wake_event);
	ExFreePool(channel);
	kshm_kernel_pages_release(region);
}

/*
 * The region leaves its handle (destroy, CLEANUP, CLOSE, owner exit): unmap
 * the owner's views, in the owner's context (the caller attached if it had
 * to), and let no KSHM_IOC_CHANNEL_MAP in flight map them again.
 */
static void channel_forget(struct kshm_region *region)
{
	struct kshm_channel *channel = region->channel;
	ULONG i;

	ExAcquireFastMutex(&channel->views_lock);
	for (i = 0; i < ARRAYSIZE(channel->user_va); i++) {
		if (channel->user_va[i])
			MmUnmapLockedPages(channel->user_va[i], channel->part_mdl[i]);
		channel->user_va[i] = NULL;
	}
	channel->views_gone = TRUE;
	ExReleaseFastMutex(&channel->views_lock);
	/* A generator waiting for room stops waiting (STATUS_REQUEST_ABORTED). */
	KeSetEvent(&channel->space_event, IO_NO_INCREMENT, FALSE);
}

/* A channel's ring rides on kernel pages, which the owner maps on KSHM_IOC_CHANNEL_MAP. */
static const struct kshm_region_ops channel_region_ops = {
	.release = channel_release,
	.forget = channel_forget,
};

/* A channel over fresh kernel pages of alloc_bytes (validated: 2 header pages + a power of two). */
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_channel_new(const struct kshm_channel_create *req, uint64_t alloc_bytes,
			  const struct kshm_limits *limits, struct kshm_region **out)
{
	struct kshm_channel *channel;
	struct kshm_region *region;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	status = kshm_region_alloc_kernel_pages(alloc_bytes, alloc_bytes, 0, limits, &region);
	if (!NT_SUCCESS(status))
		return status;
	channel = kshm_pool_alloc(sizeof(*channel));
	if (!channel) {
		kshm_region_put(region);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	KeInitializeSpinLock(&channel->produce_lock);
	ExInitializeFastMutex(&channel->consume_lock);
	ExInitializeFastMutex(&channel->views_lock);
	KeInitializeEvent(&channel->space_event, SynchronizationEvent, FALSE);
	/* alloc_bytes is under the region limit, itself under MAXULONG (kshm_main.c). */
	channel->part_mdl[0] = partial_mdl(region->mdl, 0, PAGE_SIZE);
	channel->part_mdl[1] = partial_mdl(region->mdl, PAGE_SIZE, (ULONG)alloc_bytes - PAGE_SIZE);
	kshm_kchannel_init(&channel->sc, req->kind, region->system_va, PAGE_SIZE,
				  req->data_bytes, &kchannel_ops);
	region->ops = &channel_region_ops;	/* the channel is freed with the region from here on */
	region->head.kind = KSHM_KIND_CHANNEL;
	region->channel = channel;
	channel->region = region;
	if (!channel->part_mdl[0] || !channel->part_mdl[1]) {
		kshm_region_put(region);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	*out = region;
	return STATUS_SUCCESS;
}

/* ---- requests: PASSIVE_LEVEL, in the owner's context ---- */

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_channel_generate(struct kshm_region *region, struct kshm_channel_generate *req)
{
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	status = kshm_status_to_ntstatus(kshm_policy_channel(kshm_region_kchannel(region),
							     KSHM_CHANNEL_EVENTS));
	if (!NT_SUCCESS(status))
		return status;
	status = kshm_status_to_ntstatus(kshm_validate_channel_generate(
		req, kshm_ring_max_payload(&region->channel->sc.ring)));
	if (!NT_SUCCESS(status))
		return status;
	return service_status(kshm_service_generate(&region->channel->sc, req));
}

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_channel_process(struct kshm_region *sub_region, struct kshm_region *comp_region,
			      struct kshm_channel_process *req)
{
	struct kshm_channel *sub = sub_region->channel;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	if (kshm_policy_channel(kshm_region_kchannel(sub_region), KSHM_CHANNEL_SUBMISSIONS) ||
	    kshm_policy_channel(kshm_region_kchannel(comp_region), KSHM_CHANNEL_EVENTS))
		return STATUS_INVALID_PARAMETER;
	ExAcquireFastMutex(&sub->consume_lock);
	status = service_status(kshm_service_process(&sub->sc, &comp_region->channel->sc, req));
	ExReleaseFastMutex(&sub->consume_lock);
	return status;
}

_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS kshm_channel_kick(struct kshm_region *region)
{
	NTSTATUS status = kshm_status_to_ntstatus(kshm_policy_channel(kshm_region_kchannel(region),
								      KSHM_CHANNEL_EVENTS));

	NT_ASSERT(KeGetCurrentIrql() <= DISPATCH_LEVEL);
	if (NT_SUCCESS(status))
		KeSetEvent(&region->channel->space_event, IO_NO_INCREMENT, FALSE);
	return status;
}

/*
 * The owner's event, from its handle: PASSIVE_LEVEL, in its context (the
 * handle means something only in its handle table); UserMode, so a kernel
 * handle or one without EVENT_MODIFY_STATE is refused. 0: no event.
 */
static NTSTATUS reference_event(uint64_t value, PKEVENT *out)
{
	PVOID object;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	*out = NULL;
	if (!value)
		return STATUS_SUCCESS;
	if (value > (uint64_t)MAXULONG_PTR)	/* a 32-bit kernel must not truncate it into another */
		return STATUS_INVALID_HANDLE;
	if (!kshm_event_object_type)
		return STATUS_NOT_SUPPORTED;
	status = ObReferenceObjectByHandle((HANDLE)(ULONG_PTR)value, EVENT_MODIFY_STATE,
					   *kshm_event_object_type, UserMode, &object, NULL);
	if (status == STATUS_OBJECT_TYPE_MISMATCH)
		status = STATUS_INVALID_HANDLE;		/* a handle, but not to an event */
	if (NT_SUCCESS(status))
		*out = object;
	return status;
}

/* views_lock held (APC_LEVEL, allowed for UserMode mappings), in the owner's context. */
static NTSTATUS map_views_locked(struct kshm_channel *channel)
{
	NTSTATUS status = STATUS_SUCCESS;
	ULONG i;

	for (i = 0; i < ARRAYSIZE(channel->part_mdl) && NT_SUCCESS(status); i++) {
		PMDL mdl = channel->part_mdl[i];

		/* Part 0 is the consumer page, part 1 starts at page 1. */
		status = kshm_map_into_owner(mdl, !kshm_channel_user_writable_pages(
						channel->sc.kind, i, MmGetMdlByteCount(mdl) >> PAGE_SHIFT),
					     &channel->user_va[i]);
	}
	if (!NT_SUCCESS(status) && channel->user_va[0]) {
		MmUnmapLockedPages(channel->user_va[0], channel->part_mdl[0]);
		channel->user_va[0] = NULL;
	}
	return status;
}

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS kshm_channel_map(struct kshm_region *region, struct kshm_channel_map *m)
{
	struct kshm_channel *channel = region->channel;
	PKEVENT event = NULL;
	NTSTATUS status;

	KSHM_ASSERT_PASSIVE();
	if (!channel || (m->event && channel->sc.kind != KSHM_CHANNEL_EVENTS))
		status = STATUS_INVALID_PARAMETER;	/* only an events channel wakes anyone */
	else
		status = reference_event(m->event, &event);
	if (NT_SUCCESS(status)) {
		ExAcquireFastMutex(&channel->views_lock);
		if (channel->views_gone)
			status = STATUS_NOT_FOUND;		/* destroyed meanwhile */
		else if (channel->user_va[0])
			status = STATUS_INVALID_PARAMETER;	/* once per channel */
		else
			status = map_views_locked(channel);
		if (NT_SUCCESS(status) && event) {
			/* Pairs with the acquire load in wake_consumer(); set once, freed with the channel. */
			__atomic_store_n(&channel->wake_event, event, __ATOMIC_RELEASE);
			event = NULL;
		}
		if (NT_SUCCESS(status)) {
			m->consumer_addr = (uint64_t)(ULONG_PTR)channel->user_va[0];
			m->producer_addr = (uint64_t)(ULONG_PTR)channel->user_va[1];
		}
		ExReleaseFastMutex(&channel->views_lock);
	}
	if (event)
		ObDereferenceObject(event);
	return status;
}

/* ---- for other drivers' references (kshm_kernel_api.c) ---- */

struct kshm_region *kshm_channel_region(struct kshm_channel *channel)
{
	return channel->region;
}

struct kshm_kchannel *kshm_channel_ring(struct kshm_channel *channel)
{
	return &channel->sc;
}

/* Any IRQL <= DISPATCH_LEVEL: the channel left its handle, so the process let go of it. */
BOOLEAN kshm_channel_left_handle(struct kshm_channel *channel)
{
	return channel_gone(channel);
}

/* The submissions side's lock, the one KSHM_IOC_CHANNEL_PROCESS takes. */
PFAST_MUTEX kshm_channel_consumer_lock(struct kshm_channel *channel)
{
	return &channel->consume_lock;
}
