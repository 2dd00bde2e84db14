// SPDX-License-Identifier: MIT
/*
 * Process -> kernel requests (msg_u2k): this process sends requests of S
 * bytes, the kernel checksums each and the process collects a result per
 * request.
 *
 *   ring          `batch` records written into a submissions channel, one
 *                 KSHM_IOC_CHANNEL_PROCESS per batch; the kernel
 *                 checksums each record in place (each byte read once) and
 *                 posts a completion into an events channel, which the
 *                 process drains
 *   ioctl         one buffered-transfer ioctl carrying `batch` requests
 *                 (their sequence numbers written, as into the ring); the
 *                 kernel checksums all their bytes and answers one checksum
 *                 for the batch: less work than the channel's per-request
 *                 completions, so these ratios favour the ioctl
 *   io_uring_nop  `batch` IORING_OP_NOP per io_uring_submit_and_wait(), the
 *                 reference for what a submission costs with no work at all
 *                 (so its size is 0)
 */
#include <errno.h>
#include <string.h>

#include <liburing.h>

#include <kshm/ring.h>

#include "bench.h"

static const uint64_t full_record_sizes[] = { 8, 64, 512, 4096 };
static const uint64_t quick_record_sizes[] = { 64 };
static const uint64_t full_batches[] = { 1, 16, 256 };
static const uint64_t quick_batches[] = { 1, 16, 256 };

#define BATCH_BYTES (256U * 4096U)	/* the largest batch of the largest requests */

struct sub_ctx {
	struct kshm *kshm;
	uint32_t size;
	uint64_t batch;
	uint64_t seq;
	struct kshm_channel *sub, *comp;
	struct io_uring uring;
	uint8_t buf[4096];
	uint8_t batch_buf[BATCH_BYTES];	/* the ioctl's requests, side by side */
};

/* n records into the submissions ring, one process call, then their completions. */
static int ring_chunk(void *ctx, uint64_t n)
{
	struct sub_ctx *c = ctx;
	uint64_t first = c->seq, processed = 0, k;
	struct kshm_record recs[64];
	int err, got, i;

	for (k = 0; k < n; k++) {
		void *payload;

		err = kshm_channel_reserve(c->sub, c->size, 1, &payload);
		if (err)
			return err;
		memcpy(payload, c->buf, c->size);
		memcpy(payload, &c->seq, sizeof(c->seq));
		c->seq++;
	}
	kshm_channel_commit(c->sub);
	err = kshm_channel_process(c->sub, c->comp, UINT32_MAX, &processed);
	if (err)
		return err;
	if (processed != n)
		return -EILSEQ;
	while ((got = kshm_channel_read_batch(c->comp, recs, 64)) > 0) {
		for (i = 0; i < got; i++) {
			struct kshm_completion done;

			memcpy(&done, recs[i].payload, sizeof(done));
			if (done.user_data != first++ || done.len != c->size)
				return -EILSEQ;
		}
	}
	kshm_channel_release(c->comp);
	if (got < 0)
		return got;
	return first == c->seq ? 0 : -EILSEQ;
}

static long long step_ring(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct sub_ctx *)ctx)->batch, ring_chunk);
}

static int ioctl_chunk(void *ctx, uint64_t n)
{
	struct sub_ctx *c = ctx;
	KSHM_OPTS(kshm_transfer_opts, opts);
	uint64_t k;

	for (k = 0; k < n; k++, c->seq++)
		memcpy(c->batch_buf + k * c->size, &c->seq, sizeof(c->seq));
	return kshm_transfer(c->kshm, KSHM_METHOD_BUFFERED, KSHM_DIR_TO_KERNEL, c->batch_buf,
			     n * c->size, &opts);
}

static long long step_ioctl(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct sub_ctx *)ctx)->batch, ioctl_chunk);
}

/* n NOPs, one submit-and-wait, then their completions. */
static int uring_chunk(void *ctx, uint64_t n)
{
	struct sub_ctx *c = ctx;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	uint64_t i;
	int err;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&c->uring);

		if (!sqe)
			return -ENOSPC;
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, c->seq + i);
	}
	err = io_uring_submit_and_wait(&c->uring, (unsigned)n);
	if (err < 0)
		return err;
	io_uring_for_each_cqe(&c->uring, head, cqe) {
		if (cqe->res < 0 || io_uring_cqe_get_data64(cqe) != c->seq + seen)
			return -EILSEQ;
		seen++;
	}
	io_uring_cq_advance(&c->uring, seen);
	if (seen != n)
		return -EILSEQ;
	c->seq += n;
	return 0;
}

static long long step_io_uring(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct sub_ctx *)ctx)->batch, uring_chunk);
}

static int submissions_repeat(const struct bench_opts *opts, struct sub_ctx *c, int r,
			      const uint64_t *batches, size_t n_batches, int with_uring)
{
	uint64_t per_fill = BENCH_RING_BYTES / kshm_ring_record_bytes(c->size) - 1;
	int err = 0;
	size_t b;

	for (b = 0; b < n_batches && !err; b++) {
		c->batch = batches[b] < per_fill ? batches[b] : per_fill;
		if (r % 2 == 0)
			err = bench_rate(opts, "msg_u2k", "ring", c->size, c->batch, r, 1, "msg/s",
					 step_ring, c);
		if (!err && with_uring)
			err = bench_rate(opts, "msg_u2k", "io_uring_nop", 0, c->batch, r, 1, "msg/s",
					 step_io_uring, c);
		if (!err && r % 2)
			err = bench_rate(opts, "msg_u2k", "ring", c->size, c->batch, r, 1, "msg/s",
					 step_ring, c);
		if (!err)
			err = bench_rate(opts, "msg_u2k", "ioctl", c->size, c->batch, r, 1, "msg/s",
					 step_ioctl, c);
	}
	return err;
}

int bench_submissions(struct kshm *kshm, const struct bench_opts *opts)
{
	size_t n_sizes, n_batches;
	const uint64_t *sizes = BENCH_LIST(opts, full_record_sizes, quick_record_sizes, &n_sizes);
	const uint64_t *batches = BENCH_LIST(opts, full_batches, quick_batches, &n_batches);
	static struct sub_ctx c;
	int err, r;
	size_t s;

	memset(&c, 0, sizeof(c));
	c.kshm = kshm;
	kshm_pattern_fill(c.buf, sizeof(c.buf), 3, 0);
	kshm_pattern_fill(c.batch_buf, sizeof(c.batch_buf), 3, 0);
	err = io_uring_queue_init(256, &c.uring, 0);
	if (err)
		return bench_fail("msg_u2k", "io_uring_nop", 0, err);
	err = kshm_channel_create(kshm, KSHM_CHANNEL_SUBMISSIONS, BENCH_RING_BYTES, NULL, &c.sub);
	if (!err) {
		err = kshm_channel_create(kshm, KSHM_CHANNEL_EVENTS, BENCH_RING_BYTES, NULL, &c.comp);
		if (err)
			kshm_channel_destroy(c.sub);
	}
	if (err) {
		io_uring_queue_exit(&c.uring);
		return bench_fail("msg_u2k", "ring", 0, err);
	}
	for (s = 0; s < n_sizes && !err; s++) {
		c.size = (uint32_t)sizes[s];
		/* io_uring's NOP carries no payload: measured once, beside the 64 B requests it is compared with. */
		for (r = 0; r < opts->repeats && !err; r++)
			err = submissions_repeat(opts, &c, r, batches, n_batches,
						 sizes[s] == 64);
	}
	kshm_channel_destroy(c.comp);
	kshm_channel_destroy(c.sub);
	io_uring_queue_exit(&c.uring);
	return err;
}
