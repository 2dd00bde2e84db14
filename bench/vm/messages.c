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
 *   ioctl        one buffered-transfer ioctl per message
 *   read         one read(2) of the device per message
 *   pipe         a second process writes messages into a pipe; one read(2)
 *                per message
 *
 * Methods whose cost does not depend on a batch (ioctl, read, pipe) are
 * measured once per record size, with batch 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kshm/ring.h>

#include "bench.h"
#include "bpf_gen.h"

static const uint64_t full_record_sizes[] = { 8, 64, 512, 4096 };
static const uint64_t quick_record_sizes[] = { 8, 64, 4096 };
static const uint64_t full_batches[] = { 1, 16, 256 };
static const uint64_t quick_batches[] = { 256 };

struct msg_ctx {
	struct kshm *kshm;
	uint32_t size;
	uint64_t batch;
	uint64_t seq;
	uint8_t *buf;
	struct kshm_channel *events;
	struct bpf_gen *bpf;
	int pipe_fd;
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

static int bpf_chunk(void *ctx, uint64_t n)
{
	struct msg_ctx *c = ctx;

	return bpf_gen_publish_and_consume(c->bpf, n, c->size);
}

static long long step_bpf(void *ctx, long long want)
{
	return bench_in_batches(ctx, want, ((struct msg_ctx *)ctx)->batch, bpf_chunk);
}

static long long step_ioctl(void *ctx, long long want)
{
	struct msg_ctx *c = ctx;
	KSHM_OPTS(kshm_transfer_opts, opts);
	long long i;

	for (i = 0; i < want; i++) {
		int err;

		opts.seed = c->seq;
		err = kshm_transfer(c->kshm, KSHM_METHOD_BUFFERED, KSHM_DIR_FROM_KERNEL, c->buf,
				    c->size, &opts);
		if (err)
			return err;
		c->seq++;
	}
	return want;
}

static long long step_read(void *ctx, long long want)
{
	struct msg_ctx *c = ctx;
	int fd = (int)kshm_native_handle(c->kshm);
	long long i;

	for (i = 0; i < want; i++) {
		ssize_t got = read(fd, c->buf, c->size);

		if (got < 0)
			return -errno;
		if ((size_t)got != c->size)
			return -EILSEQ;
	}
	return want;
}

static long long step_pipe(void *ctx, long long want)
{
	struct msg_ctx *c = ctx;
	long long i;

	for (i = 0; i < want; i++) {
		ssize_t got = read(c->pipe_fd, c->buf, c->size);
		uint64_t seq;

		if (got < 0)
			return -errno;
		memcpy(&seq, c->buf, sizeof(seq));
		if ((size_t)got != c->size || seq != c->seq)
			return -EILSEQ;
		c->seq++;
	}
	return want;
}

/* The pipe's writer: messages of `size` bytes (atomic: size <= PIPE_BUF) until killed. */
static pid_t start_pipe_writer(uint32_t size, int *read_fd)
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
		uint8_t msg[4096];
		uint64_t seq;

		close(fds[0]);
		kshm_pattern_fill(msg, sizeof(msg), 1, 0);
		for (seq = 0;; seq++) {
			memcpy(msg, &seq, sizeof(seq));
			if (write(fds[1], msg, size) != (ssize_t)size)
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

/* One repeat of every method at one record size. */
static int messages_repeat(const struct bench_opts *opts, struct msg_ctx *c, int r,
			   const uint64_t *batches, size_t n_batches)
{
	uint64_t per_fill = BENCH_RING_BYTES / kshm_ring_record_bytes(c->size) - 1;
	int err = 0;
	size_t b;

	for (b = 0; b < n_batches && !err; b++) {
		uint64_t batch = batches[b] < per_fill ? batches[b] : per_fill;

		c->batch = batch;
		/* Alternate which of the two goes first. */
		if (r % 2 == 0)
			err = bench_rate(opts, "msg_k2u", "ring", c->size, batch, r, 1, "msg/s",
					 step_ring, c);
		if (!err && c->bpf)
			err = bench_rate(opts, "msg_k2u", "bpf_ringbuf", c->size, batch, r, 1,
					 "msg/s", step_bpf, c);
		if (!err && r % 2)
			err = bench_rate(opts, "msg_k2u", "ring", c->size, batch, r, 1, "msg/s",
					 step_ring, c);
	}
	c->batch = 1;
	if (!err)
		err = bench_rate(opts, "msg_k2u", "ioctl", c->size, 1, r, 1, "msg/s", step_ioctl, c);
	if (!err)
		err = bench_rate(opts, "msg_k2u", "read", c->size, 1, r, 1, "msg/s", step_read, c);
	if (!err) {
		pid_t writer = start_pipe_writer(c->size, &c->pipe_fd);

		if (writer < 0)
			return bench_fail("msg_k2u", "pipe", c->size, (int)writer);
		c->seq = 0;
		err = bench_rate(opts, "msg_k2u", "pipe", c->size, 1, r, 1, "msg/s", step_pipe, c);
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
	int err, bpf_err, r;
	size_t s;

	c.buf = malloc(4096);
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
	for (s = 0; s < n_sizes && !err; s++) {
		c.size = (uint32_t)sizes[s];
		for (r = 0; r < opts->repeats && !err; r++)
			err = messages_repeat(opts, &c, r, batches, n_batches);
	}
	bpf_gen_close(c.bpf);
	kshm_channel_destroy(c.events);
	free(c.buf);
	return err ? err : bpf_err;
}
