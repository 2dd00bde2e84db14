// SPDX-License-Identifier: MIT
/*
 * Kernel -> process messages (msg_k2u): the kernel produces records of S
 * bytes, this process consumes each once and checks its sequence number.
 *
 *   ring         kshm's generator fills an events channel, `batch` records
 *                per system call; the process drains it from its mapping
 *   bpf_ringbuf  a BPF program (ringbuf_gen.bpf.c) publishes `batch` records
 *                per BPF_PROG_TEST_RUN into a BPF ring buffer of the same
 *                size; libbpf's ring_buffer__consume() drains it
 *   bpf_ringbuf_custom  the same ring buffer, one bpf_ringbuf_reserve() and
 *                submit per record, drained by a custom consumer that reads
 *                records in place (bench_ringbufs' "rb-custom")
 *   publish      kernel code calls kshm_channel_publish() once per record
 *                (tests/vm/client's publish file: from an irq_work, `batch`
 *                per write), the process drains the channel as `ring` does
 *   bpf_output_custom  its peer: bpf_ringbuf_output() once per record, the
 *                custom consumer
 *   ioctl        one buffered-transfer ioctl carrying `batch` records (the
 *                kernel fills batch * S bytes); the process reads each
 *                record's first word
 *   read         one read(2) of the device carrying `batch` records, the same
 *   pipe         a second process writes `batch` messages per write(2); one
 *                read(2) per `batch` messages, each message's sequence checked
 *
 * Every method runs at every batch, so that each ratio compares the same
 * records per system call on both sides.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kshm/ring.h>

#include "bench.h"
#include "bpf_gen.h"

static const uint64_t full_record_sizes[] = { 8, 64, 512, 4096 };
static const uint64_t quick_record_sizes[] = { 8, 64, 4096 };
static const uint64_t full_batches[] = { 1, 16, 256 };
static const uint64_t quick_batches[] = { 1, 16, 256 };

#define BUF_BYTES (256U * 4096U)	/* the largest batch of the largest records */
#define PUBLISH_MODULE "/kshm_client.ko"
#define PUBLISH_MODULE_NAME "kshm_client"
#define PUBLISH_FILE "/sys/kernel/debug/kshm_client/publish"
#define PUBLISH_TYPE 7U		/* the type tests/vm/client publishes with */

struct msg_ctx {
	struct kshm *kshm;
	uint32_t size;
	uint64_t batch;
	uint64_t seq;
	uint64_t sink;		/* first words of records nobody checks (ioctl, read) */
	uint8_t *buf;		/* BUF_BYTES */
	struct kshm_channel *events;
	struct bpf_gen *bpf;
	int pipe_fd;
	int publish_fd;		/* the client driver's publish file, or -errno */
};

int bench_generate_and_drain(struct kshm_channel *events, uint64_t n, uint32_t size,
			     uint64_t *seq)
{
	KSHM_OPTS(kshm_generate_opts, opts, .type = 1, .first_seq = *seq);
	uint64_t end = *seq + n;
	struct kshm_record recs[64];
	int err, got, i;

	err = kshm_channel_generate(events, n, size, &opts);
	if (err)
		return err;
	if (opts.produced != n || opts.dropped)
		return -EILSEQ;
	/* libkshm's batch read: one call per 64 records, as a consumer of a busy stream would. */
	while ((got = kshm_channel_read_batch(events, recs, 64)) > 0) {
		for (i = 0; i < got; i++) {
			uint64_t first;

			memcpy(&first, recs[i].payload, sizeof(first));
			if (first != (*seq)++)
				return -EILSEQ;
		}
	}
	kshm_channel_release(events);
	if (got < 0)
		return got;
	return *seq == end ? 0 : -EILSEQ;
}

static int ring_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;

	return bench_generate_and_drain(c->events, n, c->size, &c->seq);
}

static long long step_ring(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, ring_chunk);
}

static int bpf_output_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;

	return bpf_gen_run(c->bpf, 0, 0, n, c->size);
}

static long long step_bpf(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, bpf_output_chunk);
}

static int bpf_reserve_custom_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;

	return bpf_gen_run(c->bpf, 1, 1, n, c->size);
}

static long long step_bpf_custom(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, bpf_reserve_custom_chunk);
}

static int bpf_output_custom_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;

	return bpf_gen_run(c->bpf, 0, 1, n, c->size);
}

static long long step_bpf_output_custom(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, bpf_output_custom_chunk);
}

/*
 * n records published by kernel code one kshm_channel_publish() each (the
 * VM suite's client driver, tests/vm/client, from an irq_work), then
 * drained as the ring method drains: the model a driver's events use.
 */
static int publish_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;
	struct kshm_record recs[64];
	char line[64];
	uint64_t got_all = 0;
	int len, got, i;

	len = snprintf(line, sizeof(line), "%d %u %u %llu", (int)kshm_native_handle(c->kshm),
		       kshm_channel_id(c->events), c->size, (unsigned long long)n);
	if (pwrite(c->publish_fd, line, (size_t)len, 0) != len)
		return -errno;
	while ((got = kshm_channel_read_batch(c->events, recs, 64)) > 0) {
		for (i = 0; i < got; i++)
			if (recs[i].len != c->size || recs[i].type != PUBLISH_TYPE)
				return -EILSEQ;
		got_all += (uint64_t)got;
	}
	kshm_channel_release(c->events);
	if (got < 0)
		return got;
	return got_all == n ? 0 : -EILSEQ;
}

static long long step_publish(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, publish_chunk);
}

/*
 * Load the client driver (finit_module: insmod is busybox's, not everywhere)
 * and open its file; *loaded says whether to unload it after (it pins kshm).
 */
static int open_publisher(int *loaded)
{
	int fd = open(PUBLISH_MODULE, O_RDONLY | O_CLOEXEC), err = 0;

	*loaded = 0;
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0) == 0)
		*loaded = 1;
	else if (errno != EEXIST)
		err = -errno;
	close(fd);
	if (err)
		return err;
	fd = open(PUBLISH_FILE, O_WRONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void close_publisher(int fd, int loaded)
{
	if (fd >= 0)
		close(fd);
	if (loaded)
		syscall(SYS_delete_module, PUBLISH_MODULE_NAME, O_NONBLOCK);
}

/* The process takes each record of a batch it got by copy: its first word, as a ring consumer does. */
static void touch_records(struct msg_ctx *c, uint64_t n)
{
	uint64_t i, first;

	for (i = 0; i < n; i++) {
		memcpy(&first, c->buf + i * c->size, sizeof(first));
		c->sink += first;
	}
}

static int ioctl_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;
	KSHM_OPTS(kshm_transfer_opts, opts, .seed = c->seq);
	int err;

	err = kshm_transfer(c->kshm, KSHM_METHOD_BUFFERED, KSHM_DIR_FROM_KERNEL, c->buf,
			    n * c->size, &opts);
	if (err)
		return err;
	touch_records(c, n);
	c->seq += n;
	return 0;
}

static long long step_ioctl(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, ioctl_chunk);
}

static int read_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;
	ssize_t got = read((int)kshm_native_handle(c->kshm), c->buf, n * c->size);

	if (got < 0)
		return -errno;
	if ((size_t)got != n * c->size)
		return -EILSEQ;
	touch_records(c, n);
	return 0;
}

static long long step_read(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, read_chunk);
}

static int pipe_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;
	size_t want = n * c->size, got = 0;
	uint64_t i, seq;

	while (got < want) {
		ssize_t k = read(c->pipe_fd, c->buf + got, want - got);

		if (k <= 0)
			return k < 0 ? -errno : -EILSEQ;
		got += (size_t)k;
	}
	for (i = 0; i < n; i++) {
		memcpy(&seq, c->buf + i * c->size, sizeof(seq));
		if (seq != c->seq++)
			return -EILSEQ;
	}
	return 0;
}

static long long step_pipe(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, pipe_chunk);
}

/* The pipe's writer: `batch` messages of `size` bytes per write(2) until killed. */
static pid_t start_pipe_writer(uint32_t size, uint64_t batch, int *read_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		uint8_t *msgs = malloc(BUF_BYTES);
		uint64_t seq = 0, k;

		close(fds[0]);
		if (!msgs)
			_exit(1);
		kshm_pattern_fill(msgs, BUF_BYTES, 1, 0);
		for (;;) {
			for (k = 0; k < batch; k++, seq++)
				memcpy(msgs + k * size, &seq, sizeof(seq));
			if (write(fds[1], msgs, batch * size) != (ssize_t)(batch * size))
				_exit(0);
		}
	}
	close(fds[1]);
	*read_fd = fds[0];
	return pid;
}

static void stop_pipe_writer(pid_t pid, int read_fd)
{
	close(read_fd);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* One repeat of every method at one record size, each at every batch. */
static int messages_repeat(const struct bench_opts *opts, struct msg_ctx *c, int r,
			   const uint64_t *batches, size_t n_batches)
{
	uint64_t per_fill = BENCH_RING_BYTES / kshm_ring_record_bytes(c->size) - 1;
	int err = 0;
	size_t b;

	for (b = 0; b < n_batches && !err; b++) {
		uint64_t batch = batches[b] < per_fill ? batches[b] : per_fill;
		pid_t writer;

		c->batch = batch;
		/* Alternate which of the two goes first. */
		if (r % 2 == 0)
			err = bench_rate(opts, "msg_k2u", "ring", c->size, batch, r, 1, "msg/s",
					 step_ring, c);
		if (!err && c->bpf)
			err = bench_rate(opts, "msg_k2u", "bpf_ringbuf", c->size, batch, r, 1,
					 "msg/s", step_bpf, c);
		if (!err && c->bpf)
			err = bench_rate(opts, "msg_k2u", "bpf_ringbuf_custom", c->size, batch, r, 1,
					 "msg/s", step_bpf_custom, c);
		/* Kernel code publishing one record per call, both sides, in the same order. */
		if (!err && c->publish_fd >= 0 && r % 2 == 0)
			err = bench_rate(opts, "msg_k2u", "publish", c->size, batch, r, 1, "msg/s",
					 step_publish, c);
		if (!err && c->bpf)
			err = bench_rate(opts, "msg_k2u", "bpf_output_custom", c->size, batch, r, 1,
					 "msg/s", step_bpf_output_custom, c);
		if (!err && c->publish_fd >= 0 && r % 2)
			err = bench_rate(opts, "msg_k2u", "publish", c->size, batch, r, 1, "msg/s",
					 step_publish, c);
		if (!err && r % 2)
			err = bench_rate(opts, "msg_k2u", "ring", c->size, batch, r, 1, "msg/s",
					 step_ring, c);
		if (!err)
			err = bench_rate(opts, "msg_k2u", "ioctl", c->size, batch, r, 1, "msg/s",
					 step_ioctl, c);
		if (!err)
			err = bench_rate(opts, "msg_k2u", "read", c->size, batch, r, 1, "msg/s",
					 step_read, c);
		if (err)
			break;
		writer = start_pipe_writer(c->size, batch, &c->pipe_fd);
		if (writer < 0)
			return bench_fail("msg_k2u", "pipe", c->size, (int)writer);
		c->seq = 0;
		err = bench_rate(opts, "msg_k2u", "pipe", c->size, batch, r, 1, "msg/s", step_pipe, c);
		stop_pipe_writer(writer, c->pipe_fd);
	}
	return err;
}

int bench_messages(struct kshm *kshm, const struct bench_opts *opts)
{
	size_t n_sizes, n_batches;
	const uint64_t *sizes = BENCH_LIST(opts, full_record_sizes, quick_record_sizes, &n_sizes);
	const uint64_t *batches = BENCH_LIST(opts, full_batches, quick_batches, &n_batches);
	struct msg_ctx c = { .kshm = kshm };
	int err, bpf_err, publisher_loaded, r;
	size_t s;

	c.buf = malloc(BUF_BYTES);
	if (!c.buf)
		return bench_fail("msg_k2u", "alloc", 0, -ENOMEM);
	err = kshm_channel_create(kshm, KSHM_CHANNEL_EVENTS, BENCH_RING_BYTES, NULL, &c.events);
	if (err) {
		free(c.buf);
		return bench_fail("msg_k2u", "ring", 0, err);
	}
	/* Without BPF the other methods still run; the case counts as failed. */
	bpf_err = bpf_gen_open(&c.bpf);
	if (bpf_err)
		bench_fail("msg_k2u", "bpf_ringbuf", 0, bpf_err);
	/* Without the client driver the other methods still run; the case counts as failed. */
	c.publish_fd = open_publisher(&publisher_loaded);
	if (c.publish_fd < 0)
		bench_fail("msg_k2u", "publish", 0, c.publish_fd);
	for (s = 0; s < n_sizes && !err; s++) {
		c.size = (uint32_t)sizes[s];
		for (r = 0; r < opts->repeats && !err; r++)
			err = messages_repeat(opts, &c, r, batches, n_batches);
	}
	bpf_gen_close(c.bpf);
	close_publisher(c.publish_fd, publisher_loaded);
	kshm_channel_destroy(c.events);
	free(c.buf);
	if (err)
		return err;
	return bpf_err ? bpf_err : (c.publish_fd < 0 ? c.publish_fd : 0);
}
