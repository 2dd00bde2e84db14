// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "channel.h"
#include "barrier.h"
#include "checksum.h"

#define GENERATE_BATCH_RECORDS 64U
#define GENERATE_BATCH_BYTES (64U << 10)
#define PROCESS_BATCH 32U	/* submissions handled per hold of the completions' lock */

/* arg: the payload itself (len bytes). */
static void fill_copy(void *payload, uint32_t len, uint64_t index, const void *arg)
{
	(void)index;
	memcpy(payload, arg, len);
}

void kshm_fill_generated(void *payload, uint32_t len, uint64_t index, const void *arg)
{
	uint64_t seq = *(const uint64_t *)arg + index;

	memcpy(payload, &seq, sizeof(seq));
	kshm_pattern_fill((uint8_t *)payload + sizeof(seq), len - sizeof(seq), seq, 0);
}

void kshm_completion_of(const struct kshm_ring_entry *entry, struct kshm_completion *done)
{
	uint64_t first;

	done->checksum = kshm_checksum_first(entry->payload, entry->len, &first);
	done->user_data = first;
	done->type = entry->type;
	done->len = entry->len;
}

bool kshm_channel_user_writable_pages(uint32_t kind, uint64_t first_page, uint64_t nr_pages)
{
	if (kind == KSHM_CHANNEL_EVENTS)
		return first_page == 0 && nr_pages == 1;
	return first_page >= 1;
}

void kshm_kchannel_init(struct kshm_kchannel *channel, uint32_t kind, void *pages,
			       uint64_t page_size, uint64_t data_bytes,
			       const struct kshm_kchannel_ops *ops)
{
	uint8_t *base = pages;

	kshm_ring_init(&channel->ring, (struct kshm_ring_consumer *)base,
		       (struct kshm_ring_producer *)(base + page_size),
		       base + KSHM_RING_HEADER_PAGES * page_size, data_bytes);
	channel->kind = kind;
	channel->broken = false;
	channel->ops = ops;
}

/* Under the producer's lock. Inlined: one record per call is the common publish. */
static kshm_always_inline uint64_t write_locked(struct kshm_kchannel *channel, uint64_t count, uint32_t len,
			     uint32_t type, kshm_record_fill *fill, const void *arg,
			     enum kshm_ring_result *result)
{
	uint64_t done = 0;

	*result = KSHM_RING_OK;
	if (channel->broken) {
		*result = KSHM_RING_CORRUPT;
		return 0;
	}
	for (; done < count; done++) {
		void *payload = kshm_ring_reserve(&channel->ring, len, type, result);

		if (!payload)
			break;
		fill(payload, len, done, arg);
	}
	if (*result == KSHM_RING_CORRUPT)
		channel->broken = true;
	return done;
}

/* Under the producer's lock; true: wake the consumer once the lock is dropped. */
static bool commit_locked(struct kshm_kchannel *channel)
{
	kshm_ring_commit(&channel->ring);
	return kshm_ring_need_wakeup(&channel->ring);
}

/*
 * Reserve and fill up to `count` records under one hold of the producer lock
 * (it disables interrupts, so each hold is paid by every record published
 * alone: bench/README.md, "Measurements behind the code"), and with
 * `publish` commit them in the same hold. Without, a record is still
 * complete before the lock is dropped, so whichever commit comes next makes
 * it visible (process_batch(): the completions, published by the caller's
 * kshm_kchannel_commit()). Inlined, so that `publish` and a fill known at
 * the call are folded in.
 */
static kshm_always_inline uint64_t write_records(struct kshm_kchannel *channel, uint64_t count,
						 uint32_t len, uint32_t type,
						 kshm_record_fill *fill, const void *arg,
						 enum kshm_ring_result *result, bool publish)
{
	uintptr_t token = channel->ops->lock(channel);
	uint64_t done = write_locked(channel, count, len, type, fill, arg, result);
	bool wake = publish && commit_locked(channel);

	channel->ops->unlock(channel, token);
	if (wake)
		channel->ops->wake(channel);
	return done;
}

void kshm_kchannel_commit(struct kshm_kchannel *channel)
{
	uintptr_t token = channel->ops->lock(channel);
	bool wake = commit_locked(channel);

	channel->ops->unlock(channel, token);
	if (wake)
		channel->ops->wake(channel);
}

uint64_t kshm_kchannel_publish(struct kshm_kchannel *channel, uint64_t count, uint32_t len,
			      uint32_t type, kshm_record_fill *fill, const void *arg,
			      enum kshm_ring_result *result)
{
	return write_records(channel, count, len, type, fill, arg, result, true);
}

bool kshm_kchannel_publish_copy(struct kshm_kchannel *channel, uint32_t type, const void *payload,
				uint32_t len, enum kshm_ring_result *result)
{
	return write_records(channel, 1, len, type, fill_copy, payload, result, true) == 1;
}

void kshm_kchannel_count_drop(struct kshm_kchannel *channel)
{
	uintptr_t token = channel->ops->lock(channel);

	kshm_ring_count_drop(&channel->ring);
	channel->ops->unlock(channel, token);
}

bool kshm_kchannel_prepare_wait_space(struct kshm_kchannel *channel, uint32_t len)
{
	uintptr_t token = channel->ops->lock(channel);
	bool sleep = kshm_ring_prepare_wait_space(&channel->ring, len);

	channel->ops->unlock(channel, token);
	return sleep;
}

void kshm_kchannel_finish_wait_space(struct kshm_kchannel *channel)
{
	uintptr_t token = channel->ops->lock(channel);

	kshm_ring_finish_wait_space(&channel->ring);
	channel->ops->unlock(channel, token);
}

/* The consumer's position is only compared, never used to address anything. */
bool kshm_kchannel_events_pending(struct kshm_kchannel *channel)
{
	uintptr_t token = channel->ops->lock(channel);
	bool pending = kshm_ring_consumer_ready(&channel->ring);

	channel->ops->unlock(channel, token);
	return pending;
}

uint32_t kshm_generate_batch(uint32_t record_bytes)
{
	uint32_t batch = GENERATE_BATCH_BYTES / (record_bytes ? record_bytes : 1);

	if (batch < 1)
		return 1;
	return batch > GENERATE_BATCH_RECORDS ? GENERATE_BATCH_RECORDS : batch;
}

/*
 * How a service call that must stop ends: cancelled when its channel was
 * closed; otherwise (a signal) as a success when some work was done (its
 * counts say how much), as EINTR when none was.
 */
static enum kshm_service_end stopped(struct kshm_kchannel *channel, uint64_t done)
{
	if (channel->ops->closed(channel))
		return KSHM_SERVICE_CANCELLED;
	return done ? KSHM_SERVICE_DONE : KSHM_SERVICE_INTERRUPTED;
}

/* Before each batch of a service loop: let others run, then see whether the call must end. */
static bool must_stop(struct kshm_kchannel *channel, uint64_t done,
		      enum kshm_service_end *end)
{
	const struct kshm_kchannel_ops *ops = channel->ops;

	if (ops->yield)
		ops->yield();
	if (!ops->closed(channel) && !ops->interrupted())
		return false;
	*end = stopped(channel, done);
	return true;
}

enum kshm_service_end kshm_service_generate(struct kshm_kchannel *events,
					    struct kshm_channel_generate *req)
{
	const struct kshm_kchannel_ops *ops = events->ops;
	uint32_t batch = kshm_generate_batch(req->record_bytes);
	uint64_t limit = req->count;
	enum kshm_service_end end = KSHM_SERVICE_DONE;
	enum kshm_ring_result result;
	uint32_t full_passes = 0;

	if (limit > KSHM_GENERATE_MAX_PER_CALL)
		limit = KSHM_GENERATE_MAX_PER_CALL;
	req->produced = 0;
	req->dropped = 0;
	while (req->produced + req->dropped < limit) {
		uint64_t left = limit - req->produced - req->dropped;
		uint64_t first_seq = req->first_seq + req->produced + req->dropped;
		uint64_t n;

		if (must_stop(events, req->produced + req->dropped, &end))
			return end;
		n = kshm_kchannel_publish(events, left < batch ? left : batch, req->record_bytes,
					 req->type, kshm_fill_generated, &first_seq, &result);
		req->produced += n;
		if (result == KSHM_RING_CORRUPT)
			return KSHM_SERVICE_BROKEN;
		if (n)
			full_passes = 0;
		if (result != KSHM_RING_FULL)
			continue;
		if (req->flags & KSHM_GENERATE_BLOCK) {
			if (!ops->wait_for_space(events, req->record_bytes))
				return stopped(events, req->produced + req->dropped);
			continue;
		}
		/* This sequence number is skipped: the consumer sees the gap and the count. */
		kshm_kchannel_count_drop(events);
		req->dropped++;
		if (++full_passes >= batch)
			break;	/* the ring stays full: nobody is draining it */
	}
	return KSHM_SERVICE_DONE;
}

static void fill_completion(void *payload, uint32_t len, uint64_t index, const void *arg)
{
	memcpy(payload, (const struct kshm_completion *)arg + index, len);
}

/*
 * Up to PROCESS_BATCH submissions: each copied out once and answered into
 * done[]; their completions are then written under one hold of the
 * completions' lock (a spinlock with interrupts off: one hold per batch, not
 * per record). Submissions whose completion did not fit are stepped back
 * over, to be handled next call.
 */
static enum kshm_service_end process_batch(struct kshm_kchannel *submissions,
					   struct kshm_kchannel *completions,
					   uint32_t want, uint32_t *handled)
{
	struct kshm_completion done[PROCESS_BATCH];
	uint64_t start[PROCESS_BATCH];
	enum kshm_service_end end = KSHM_SERVICE_DONE;
	enum kshm_ring_result result = KSHM_RING_OK;
	uint32_t n = 0, written;

	while (n < want) {
		struct kshm_ring_entry entry;

		start[n] = kshm_ring_tell(&submissions->ring);
		result = kshm_ring_peek(&submissions->ring, &entry);
		if (result)
			break;
		kshm_completion_of(&entry, &done[n]);
		kshm_ring_advance(&submissions->ring, &entry);
		n++;
	}
	if (result && result != KSHM_RING_EMPTY) {
		submissions->broken = true;
		end = KSHM_SERVICE_BROKEN;
	}
	written = n ? (uint32_t)write_records(completions, n, sizeof(done[0]),
					      KSHM_COMPLETION_TYPE, fill_completion, done,
					      &result, false) : 0;
	if (written < n) {
		/* A submission is consumed only once it has its completion. */
		kshm_ring_rewind(&submissions->ring, start[written]);
		if (result != KSHM_RING_FULL)
			end = KSHM_SERVICE_BROKEN;
	}
	*handled = written;
	return end;
}

/*
 * One ringful per call, however fast the process refills it: a consumer of
 * submissions stops once it has moved a ring's size past `begin`.
 */
static bool consumed_a_ringful(struct kshm_kchannel *submissions, uint64_t begin)
{
	return kshm_ring_tell(&submissions->ring) - begin >= submissions->ring.size;
}

enum kshm_service_end kshm_service_process(struct kshm_kchannel *submissions,
					   struct kshm_kchannel *completions,
					   struct kshm_channel_process *req)
{
	uint64_t begin = kshm_ring_tell(&submissions->ring);
	enum kshm_service_end end = KSHM_SERVICE_DONE;

	req->processed = 0;
	if (submissions->broken)
		return KSHM_SERVICE_BROKEN;
	while (req->processed < req->max_records) {
		uint64_t left = req->max_records - req->processed;
		uint32_t want = left < PROCESS_BATCH ? (uint32_t)left : PROCESS_BATCH;
		uint32_t handled = 0;

		if (must_stop(submissions, req->processed, &end))
			break;
		if (completions->ops->closed(completions)) {
			end = KSHM_SERVICE_CANCELLED;
			break;
		}
		end = process_batch(submissions, completions, want, &handled);
		req->processed += handled;
		/* Done, broken, or the submissions ran out or the completions filled up. */
		if (end != KSHM_SERVICE_DONE || handled < want)
			break;
		if (consumed_a_ringful(submissions, begin))
			break;
	}
	/* One position update each way per call, however many records. */
	kshm_kchannel_commit(completions);
	kshm_ring_release(&submissions->ring);
	return end;
}

enum kshm_service_end kshm_kchannel_consume(struct kshm_kchannel *submissions,
					   uint32_t max_records, kshm_kchannel_consume_fn *fn,
					   void *arg, uint32_t *consumed, int *refusal)
{
	uint64_t begin = kshm_ring_tell(&submissions->ring);
	enum kshm_ring_result result = KSHM_RING_OK;
	struct kshm_ring_entry entry;

	*consumed = 0;
	*refusal = 0;
	if (submissions->broken)
		return KSHM_SERVICE_BROKEN;
	while (*consumed < max_records) {
		if (consumed_a_ringful(submissions, begin))
			break;
		result = kshm_ring_peek(&submissions->ring, &entry);
		if (result)
			break;
		*refusal = fn(arg, entry.type, entry.payload, entry.len);
		if (*refusal)
			break;
		kshm_ring_advance(&submissions->ring, &entry);
		(*consumed)++;
	}
	/* One position update however many records (PAD records skipped count too). */
	kshm_ring_release(&submissions->ring);
	if (result != KSHM_RING_OK && result != KSHM_RING_EMPTY) {
		submissions->broken = true;
		return KSHM_SERVICE_BROKEN;
	}
	return KSHM_SERVICE_DONE;
}
