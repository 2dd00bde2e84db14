// SPDX-License-Identifier: MIT
/*
 * libkshm channels: the process's side of a ring, through core/ring.c (the
 * same code the kernel runs on its side). The ring view lives here, in
 * private memory; the kernel's positions and records are checked as they are
 * read.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>

#include "internal.h"
#include "../core/ring.h"

struct kshm_channel {
	struct kshm_region *region;	/* owns the mapping and this struct */
	uint32_t kind;
	struct kshm_ring ring;
	struct kshm_backend_channel view;	/* where the pages are, what to wait on */
};

int kshm_channel_create(struct kshm *kshm, uint32_t kind, uint64_t data_bytes,
			const struct kshm_channel_opts *opts, struct kshm_channel **out)
{
	struct kshm_channel_create create = { .kind = kind, .data_bytes = data_bytes };
	struct kshm_channel_opts options;
	struct kshm_channel *channel;
	struct kshm_region *region;
	int err;

	if (!kshm || !out)
		return -EINVAL;
	*out = NULL;
	err = kshm_opts_load(&options, sizeof(options), opts);
	if (err)
		return err;
	if (options.flags)
		return -EINVAL;
	channel = calloc(1, sizeof(*channel));
	if (!channel)
		return -ENOMEM;
	err = kshm_request(kshm, KSHM_IOC_CHANNEL_CREATE, &create);
	if (err)
		goto free_channel;
	err = kshm_backend_map_channel(kshm->handle, &create, kshm->page_size, &channel->view);
	if (err)
		goto destroy;
	kshm_ring_init(&channel->ring, channel->view.consumer, channel->view.producer,
		       (uint8_t *)channel->view.producer + kshm->page_size, data_bytes);
	channel->kind = kind;
	err = kshm_track_region(kshm, &(struct kshm_region){
		.id = create.id, .kind = KSHM_KIND_CHANNEL, .data = channel->view.consumer,
		.length = create.mapped_length, .mapped_length = create.mapped_length,
		.channel = channel }, &region);
	if (err) {
		kshm_backend_unmap_channel(kshm->handle, &channel->view);
		goto destroy;
	}
	channel->region = region;
	*out = channel;
	return 0;

destroy:
	kshm_destroy_kernel_region(kshm, create.id);
free_channel:
	free(channel);
	return err;
}

int kshm_channel_unmap(struct kshm_channel *channel)
{
	return kshm_backend_unmap_channel(channel->region->owner->handle, &channel->view);
}

int kshm_channel_destroy(struct kshm_channel *channel)
{
	return channel ? kshm_region_destroy(channel->region) : -EINVAL;
}

uint32_t kshm_channel_id(const struct kshm_channel *channel)
{
	return channel ? channel->region->id : 0;
}

uint32_t kshm_channel_max_payload(const struct kshm_channel *channel)
{
	return channel ? kshm_ring_max_payload(&channel->ring) : 0;
}

/* A ring's outcome as libkshm's errno. */
static int ring_errno(enum kshm_ring_result result)
{
	switch (result) {
	case KSHM_RING_OK:
		return 0;
	case KSHM_RING_EMPTY:
		return -EAGAIN;
	case KSHM_RING_FULL:
		return -ENOSPC;
	case KSHM_RING_TOO_BIG:
		return -EFBIG;
	default:
		return -EIO;	/* the ring holds something impossible */
	}
}

int kshm_channel_peek(struct kshm_channel *channel, struct kshm_record *record)
{
	struct kshm_ring_entry entry;
	enum kshm_ring_result result;

	if (!channel || !record || channel->kind != KSHM_CHANNEL_EVENTS)
		return -EINVAL;
	result = kshm_ring_peek(&channel->ring, &entry);
	if (result)
		return ring_errno(result);
	record->type = entry.type;
	record->len = entry.len;
	record->payload = entry.payload;
	return 0;
}

/* One call for many records: the per-record cost is the ring's, not the call's. */
int kshm_channel_read_batch(struct kshm_channel *channel, struct kshm_record *records,
			    unsigned int max)
{
	unsigned int n = 0;

	if (!channel || (!records && max) || channel->kind != KSHM_CHANNEL_EVENTS ||
	    max > INT_MAX)
		return -EINVAL;
	while (n < max) {
		struct kshm_ring_entry entry;
		enum kshm_ring_result result = kshm_ring_peek(&channel->ring, &entry);

		if (result == KSHM_RING_EMPTY)
			break;
		if (result)	/* reported now if nothing was read, else at the next call */
			return n ? (int)n : ring_errno(result);
		records[n].type = entry.type;
		records[n].len = entry.len;
		records[n].payload = entry.payload;
		kshm_ring_advance(&channel->ring, &entry);
		n++;
	}
	return (int)n;
}

/*
 * advance, release and commit return nothing, so a call on the wrong kind of
 * channel (or none) does nothing: the consumer page of a submissions channel,
 * like the producer page of an events channel, is mapped read-only here, and
 * writing it would crash the process.
 */
void kshm_channel_advance(struct kshm_channel *channel, const struct kshm_record *record)
{
	struct kshm_ring_entry entry;

	if (!channel || !record || channel->kind != KSHM_CHANNEL_EVENTS)
		return;
	entry = (struct kshm_ring_entry){ .type = record->type, .len = record->len };
	kshm_ring_advance(&channel->ring, &entry);
}

void kshm_channel_release(struct kshm_channel *channel)
{
	struct kshm_channel_kick kick;

	if (!channel || channel->kind != KSHM_CHANNEL_EVENTS)
		return;
	kshm_ring_release(&channel->ring);
	/* The one system call of a busy stream, and only when the kernel waits for room. */
	if (kshm_ring_producer_waiting(&channel->ring)) {
		kick = (struct kshm_channel_kick){ .id = channel->region->id };
		kshm_request(channel->region->owner, KSHM_IOC_CHANNEL_KICK, &kick);
	}
}

int kshm_channel_wait(struct kshm_channel *channel, uint32_t wakeup_bytes, int timeout_ms)
{
	int err;

	if (!channel || channel->kind != KSHM_CHANNEL_EVENTS)
		return -EINVAL;
	kshm_channel_release(channel);
	if (!kshm_ring_prepare_wait(&channel->ring, wakeup_bytes))
		return 0;	/* records arrived meanwhile */
	err = kshm_backend_wait(channel->region->owner->handle, &channel->view, timeout_ms);
	kshm_ring_finish_wait(&channel->ring);
	return err;
}

uint64_t kshm_channel_dropped(const struct kshm_channel *channel)
{
	return channel ? __atomic_load_n(&channel->ring.producer->dropped, __ATOMIC_RELAXED) : 0;
}

int kshm_channel_reserve(struct kshm_channel *channel, uint32_t len, uint32_t type,
			 void **payload)
{
	enum kshm_ring_result result;

	if (!channel || !payload || channel->kind != KSHM_CHANNEL_SUBMISSIONS)
		return -EINVAL;
	*payload = kshm_ring_reserve(&channel->ring, len, type, &result);
	return ring_errno(result);
}

void kshm_channel_commit(struct kshm_channel *channel)
{
	if (!channel || channel->kind != KSHM_CHANNEL_SUBMISSIONS)
		return;
	kshm_ring_commit(&channel->ring);
}

int kshm_channel_generate(struct kshm_channel *events, uint64_t count, uint32_t record_bytes,
			  struct kshm_generate_opts *opts)
{
	struct kshm_channel_generate req = { .count = count, .record_bytes = record_bytes };
	struct kshm_generate_opts options;
	int err;

	if (!events)
		return -EINVAL;
	err = kshm_opts_load(&options, sizeof(options), opts);
	if (err)
		return err;
	req.id = events->region->id;
	req.type = options.type;
	req.flags = options.flags;
	req.first_seq = options.first_seq;
	err = kshm_request(events->region->owner, KSHM_IOC_CHANNEL_GENERATE, &req);
	if (err)
		return err;
	if (kshm_opts_has(opts, produced))
		opts->produced = req.produced;
	if (kshm_opts_has(opts, dropped))
		opts->dropped = req.dropped;
	return 0;
}

int kshm_channel_process(struct kshm_channel *submissions, struct kshm_channel *completions,
			 uint32_t max_records, uint64_t *processed)
{
	struct kshm_channel_process req = { .max_records = max_records };
	int err;

	if (!submissions || !completions || submissions->region->owner != completions->region->owner)
		return -EINVAL;
	req.submissions = submissions->region->id;
	req.completions = completions->region->id;
	err = kshm_request(submissions->region->owner, KSHM_IOC_CHANNEL_PROCESS, &req);
	if (err)
		return err;
	if (processed)
		*processed = req.processed;
	return 0;
}
