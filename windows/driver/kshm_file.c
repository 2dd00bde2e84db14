// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The regions of one open handle, and every open handle, so that a process's
 * exit releases what its handles hold (the twin of linux/kshm_file.c).
 */
#include "kshm_drv.h"

/*
 * The region's id is gone: its kind unmaps the owner's views. MmUnmapLockedPages
 * with a user address must run in that process: attach to it when the caller
 * is another (CLEANUP from a duplicated handle's last close, CLOSE in an
 * arbitrary context).
 */
static void forget_region(struct kshm_handle *handle, struct kshm_region *region)
{
	KAPC_STATE apc_state;
	BOOLEAN attach;

	if (!region->ops->forget)
		return;
	attach = PsGetCurrentProcess() != handle->owner;
	if (attach)
		KeStackAttachProcess((PKPROCESS)handle->owner, &apc_state);
	region->ops->forget(region);
	if (attach)
		KeUnstackDetachProcess(&apc_state);
}

/*
 * Every open handle, so that an exiting owner can be cleaned up even while a
 * duplicate of its handle lives on in another process (then no CLEANUP comes
 * before the owner's address space goes, and locked pages would outlive it:
 * bugcheck PROCESS_HAS_LOCKED_PAGES). Lock order: kshm_handles_lock, then a
 * handle's release_lock, then its lock.
 */
static LIST_ENTRY kshm_handles;
static FAST_MUTEX kshm_handles_lock;

/*
 * Process exit: PASSIVE_LEVEL, in the context of the exiting process, whose
 * address space still exists. Release what its handles hold now.
 */
static VOID NTAPI owner_exit_notify(HANDLE parent_id, HANDLE process_id, BOOLEAN create)
{
	PLIST_ENTRY entry;

	UNREFERENCED_PARAMETER(parent_id);
	if (create)
		return;
	ExAcquireFastMutex(&kshm_handles_lock);
	for (entry = kshm_handles.Flink; entry != &kshm_handles; entry = entry->Flink) {
		struct kshm_handle *handle = CONTAINING_RECORD(entry, struct kshm_handle, all_link);

		if (PsGetProcessId(handle->owner) == process_id)
			kshm_handle_release_all(handle);
	}
	ExReleaseFastMutex(&kshm_handles_lock);
}

NTSTATUS kshm_handles_start(void)
{
	InitializeListHead(&kshm_handles);
	ExInitializeFastMutex(&kshm_handles_lock);
	return PsSetCreateProcessNotifyRoutine(owner_exit_notify, FALSE);
}

/* No handle is open any more (the I/O manager unloads only then). */
void kshm_handles_stop(void)
{
	PsSetCreateProcessNotifyRoutine(owner_exit_notify, TRUE);
}

void kshm_handle_init(struct kshm_handle *handle, PEPROCESS owner)
{
	ExInitializeFastMutex(&handle->lock);
	ExInitializeFastMutex(&handle->release_lock);
	InitializeListHead(&handle->regions);
	handle->next_id = 1;
	ObReferenceObject(owner);
	handle->owner = owner;
	ExAcquireFastMutex(&kshm_handles_lock);
	InsertTailList(&kshm_handles, &handle->all_link);
	ExReleaseFastMutex(&kshm_handles_lock);
}

/* CLOSE: the last reference to the file object is gone. */
void kshm_handle_destroy(struct kshm_handle *handle)
{
	kshm_handle_release_all(handle);
	ExAcquireFastMutex(&kshm_handles_lock);
	RemoveEntryList(&handle->all_link);
	ExReleaseFastMutex(&kshm_handles_lock);
	ObDereferenceObject(handle->owner);
	ExFreePool(handle);
}

/*
 * CLEANUP and CLOSE (PASSIVE_LEVEL), and the owner's exit notification
 * (APC_LEVEL, under kshm_handles_lock). One at a time, whole: a CLEANUP from
 * a duplicate in another process may run while the owner exits, and the
 * notification must not find the list empty and return while that CLEANUP
 * still holds a region it took off the list, with views or locked pages in
 * the owner, whose address space goes once the notification returns.
 */
void kshm_handle_release_all(struct kshm_handle *handle)
{
	struct kshm_region *region;
	PLIST_ENTRY entry;

	ExAcquireFastMutex(&handle->release_lock);
	for (;;) {
		ExAcquireFastMutex(&handle->lock);
		if (IsListEmpty(&handle->regions)) {
			ExReleaseFastMutex(&handle->lock);
			break;
		}
		entry = RemoveHeadList(&handle->regions);
		handle->nr_regions--;
		ExReleaseFastMutex(&handle->lock);
		region = CONTAINING_RECORD(entry, struct kshm_region, link);
		forget_region(handle, region);
		kshm_region_put(region);
	}
	ExReleaseFastMutex(&handle->release_lock);
}

static struct kshm_region *find_locked(struct kshm_handle *handle, uint32_t id)
{
	PLIST_ENTRY entry;

	for (entry = handle->regions.Flink; entry != &handle->regions; entry = entry->Flink) {
		struct kshm_region *region = CONTAINING_RECORD(entry, struct kshm_region, link);

		if (region->head.id == id)
			return region;
	}
	return NULL;
}

/*
 * Give the region an id and the handle's reference. Ids are cyclic in
 * [1, KSHM_MAX_REGION_ID] so a stale id keeps failing for a long time. Once
 * the lock is dropped another thread may destroy the region (ids are
 * predictable): the id is handed back in *id_out, taken under the lock.
 */
NTSTATUS kshm_handle_insert(struct kshm_handle *handle, struct kshm_region *region,
			    const struct kshm_limits *limits, uint32_t *id_out)
{
	NTSTATUS status = STATUS_QUOTA_EXCEEDED;
	uint32_t tries;

	ExAcquireFastMutex(&handle->lock);
	if (handle->nr_regions < limits->max_regions_per_file) {
		for (tries = 0; tries < KSHM_MAX_REGION_ID; tries++) {
			uint32_t id = handle->next_id;

			handle->next_id = id == KSHM_MAX_REGION_ID ? 1 : id + 1;
			if (!find_locked(handle, id)) {
				region->head.id = id;
				*id_out = id;
				InsertHeadList(&handle->regions, &region->link);
				handle->nr_regions++;
				status = STATUS_SUCCESS;
				break;
			}
		}
	}
	ExReleaseFastMutex(&handle->lock);
	return status;
}

/* A counted reference to region `id`, or NULL; release with kshm_region_put(). */
struct kshm_region *kshm_handle_get_region(struct kshm_handle *handle, uint32_t id)
{
	struct kshm_region *region;

	ExAcquireFastMutex(&handle->lock);
	region = find_locked(handle, id);
	if (region)
		InterlockedIncrement(&region->refs);
	ExReleaseFastMutex(&handle->lock);
	return region;
}

NTSTATUS kshm_handle_remove(struct kshm_handle *handle, uint32_t id)
{
	struct kshm_region *region;

	ExAcquireFastMutex(&handle->lock);
	region = find_locked(handle, id);
	if (region) {
		RemoveEntryList(&region->link);
		handle->nr_regions--;
	}
	ExReleaseFastMutex(&handle->lock);
	if (!region)
		return STATUS_NOT_FOUND;
	forget_region(handle, region);
	kshm_region_put(region);
	return STATUS_SUCCESS;
}
