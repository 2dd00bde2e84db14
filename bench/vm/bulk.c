// SPDX-License-Identifier: MIT
/*
 * Bulk transfers: the same work done by every method, N bytes per call.
 *
 *   bulk_u2k   the process's N bytes reach the kernel, which checksums them
 *   bulk_k2u   the kernel writes N bytes of the kshm pattern for the process
 *
 * Methods: buffered (copy through a bounce buffer, per call), direct (pin
 * and map the caller's pages, per call), region (kernel pages the process
 * has mapped: the bytes are already where the kernel works on them), attach
 * (the process's buffer, pinned once), and memcpy of N bytes in the process:
 * the least any copying method pays, the physical limit.
 *
 * setup_*: what a region costs before and after its use, per size: create
 * and map (every page touched once, since pages are mapped at first touch),
 * attach (pin and map), destroy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

static const uint64_t full_sizes[] = { 4096, 64 << 10, 1 << 20, 16 << 20, 64 << 20 };
static const uint64_t quick_sizes[] = { 4096, 1 << 20 };

struct bulk_ctx {
	struct kshm *kshm;
	uint32_t direction;
	uint64_t size;
	uint8_t *buf;			/* the process's own buffer */
	uint8_t *copy;			/* memcpy's destination */
	struct kshm_region *region;	/* kernel pages */
	struct kshm_region *attached;	/* `buf`, pinned */
	uint64_t sink;
};

static long long step_transfer(struct bulk_ctx *c, uint32_t method, long long want)
{
	KSHM_OPTS(kshm_transfer_opts, opts);
	long long i;

	for (i = 0; i < want; i++) {
		int err;

		opts.seed = (uint64_t)i;
		err = kshm_transfer(c->kshm, method, c->direction, c->buf, c->size, &opts);
		if (err)
			return err;
	}
	c->sink = opts.checksum;
	return want;
}

static long long step_buffered(void *ctx, long long want)
{
	return step_transfer(ctx, KSHM_METHOD_BUFFERED, want);
}

static long long step_direct(void *ctx, long long want)
{
	return step_transfer(ctx, KSHM_METHOD_DIRECT, want);
}

static long long step_region_op(struct bulk_ctx *c, struct kshm_region *region, long long want)
{
	long long i;

	for (i = 0; i < want; i++) {
		int err = c->direction == KSHM_DIR_TO_KERNEL ?
			kshm_region_checksum(region, 0, c->size, &c->sink) :
			kshm_region_fill(region, 0, c->size, (uint64_t)i);
		if (err)
			return err;
	}
	return want;
}

static long long step_region(void *ctx, long long want)
{
	struct bulk_ctx *c = ctx;

	return step_region_op(c, c->region, want);
}

static long long step_attach(void *ctx, long long want)
{
	struct bulk_ctx *c = ctx;

	return step_region_op(c, c->attached, want);
}

static long long step_memcpy(void *ctx, long long want)
{
	struct bulk_ctx *c = ctx;
	long long i;

	for (i = 0; i < want; i++) {
		memcpy(c->copy, c->buf, c->size);
		/* Keeps the copy from being optimised away. */
		__asm__ volatile("" : : "r"(c->copy) : "memory");
	}
	return want;
}

static const struct {
	const char *name;
	bench_step_fn step;
} bulk_methods[] = {
	{ "buffered", step_buffered },
	{ "direct", step_direct },
	{ "region", step_region },
	{ "attach", step_attach },
	{ "memcpy", step_memcpy },
};
#define N_BULK_METHODS (sizeof(bulk_methods) / sizeof(bulk_methods[0]))

static void bulk_teardown(struct bulk_ctx *c)
{
	if (c->attached)
		kshm_region_destroy(c->attached);
	if (c->region)
		kshm_region_destroy(c->region);
	free(c->buf);
	free(c->copy);
}

/* Both directions need the kernel's and the process's bytes to be real: the checksum is checked. */
static int bulk_size(struct kshm *kshm, const struct bench_opts *opts, uint64_t size)
{
	struct bulk_ctx c = { .kshm = kshm, .size = size };
	static const struct {
		const char *case_name;
		uint32_t direction;
	} directions[] = {
		{ "bulk_u2k", KSHM_DIR_TO_KERNEL },
		{ "bulk_k2u", KSHM_DIR_FROM_KERNEL },
	};
	KSHM_OPTS(kshm_transfer_opts, check);
	int err = -ENOMEM, r;
	uint64_t want;
	size_t m, d;

	c.buf = aligned_alloc(4096, size);
	c.copy = aligned_alloc(4096, size);
	if (!c.buf || !c.copy)
		goto out;
	kshm_pattern_fill(c.buf, size, 7, 0);
	memset(c.copy, 0, size);
	err = kshm_region_create(kshm, size, 0, &c.region);
	if (!err)
		err = kshm_buffer_attach(kshm, c.buf, size, KSHM_ATTACH_KERNEL_WRITE, &c.attached);
	if (err)
		goto out;
	memcpy(kshm_region_data(c.region), c.buf, size);
	/* Each method sees the same bytes: the checksum tells. */
	want = kshm_checksum(c.buf, size);
	err = kshm_transfer(kshm, KSHM_METHOD_BUFFERED, KSHM_DIR_TO_KERNEL, c.buf, size, &check);
	if (!err && check.checksum != want)
		err = -EILSEQ;
	if (!err)
		err = kshm_region_checksum(c.region, 0, size, &c.sink);
	if (!err && c.sink != want)
		err = -EILSEQ;
	if (err)
		goto out;

	for (r = 0; r < opts->repeats && !err; r++) {
		for (d = 0; d < 2 && !err; d++) {
			c.direction = directions[d].direction;
			for (m = 0; m < N_BULK_METHODS && !err; m++) {
				size_t i = r % 2 ? N_BULK_METHODS - 1 - m : m;

				err = bench_rate(opts, directions[d].case_name, bulk_methods[i].name,
						 size, 1, r, (double)size, "B/s",
						 bulk_methods[i].step, &c);
			}
		}
	}
out:
	if (err)
		bench_fail("bulk", "setup", size, err);
	bulk_teardown(&c);
	return err;
}

int bench_bulk(struct kshm *kshm, const struct bench_opts *opts)
{
	size_t n, i;
	const uint64_t *sizes = BENCH_LIST(opts, full_sizes, quick_sizes, &n);
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = bulk_size(kshm, opts, sizes[i]);
	return err;
}

/* ---- set-up costs ---- */

struct setup_ctx {
	struct kshm *kshm;
	uint64_t size;
	uint8_t *buf;
	double create_s, attach_s, destroy_s;
};

static int setup_once(struct setup_ctx *c)
{
	struct kshm_region *region, *attached;
	volatile uint8_t *p;
	double t0, t1, t2, t3;
	uint64_t off;
	int err;

	t0 = bench_now();
	err = kshm_region_create(c->kshm, c->size, 0, &region);
	if (err)
		return err;
	p = kshm_region_data(region);
	for (off = 0; off < c->size; off += 4096)
		p[off] = 1;
	t1 = bench_now();
	err = kshm_buffer_attach(c->kshm, c->buf, c->size, 0, &attached);
	t2 = bench_now();
	if (err) {
		kshm_region_destroy(region);
		return err;
	}
	err = kshm_region_destroy(attached);
	if (!err)
		err = kshm_region_destroy(region);
	t3 = bench_now();
	c->create_s += t1 - t0;
	c->attach_s += t2 - t1;
	c->destroy_s += t3 - t2;
	return err;
}

int bench_setup(struct kshm *kshm, const struct bench_opts *opts)
{
	size_t n, i;
	const uint64_t *sizes = BENCH_LIST(opts, full_sizes, quick_sizes, &n);
	int err = 0, r;

	for (i = 0; i < n && !err; i++) {
		struct setup_ctx c = { .kshm = kshm, .size = sizes[i] };

		c.buf = aligned_alloc(4096, c.size);
		if (!c.buf)
			return bench_fail("setup", "alloc", c.size, -ENOMEM);
		/* The process's pages exist before the attach: it pins, not faults. */
		memset(c.buf, 1, c.size);
		for (r = 0; r < opts->repeats && !err; r++) {
			double start = bench_now();
			long long rounds = 0;

			c.create_s = c.attach_s = c.destroy_s = 0;
			while (!err && (rounds == 0 || bench_now() - start < opts->seconds)) {
				err = setup_once(&c);
				rounds++;
			}
			if (err)
				break;
			bench_emit("setup_create_map", "region", c.size, 1, r,
				   c.create_s / (double)rounds * 1e9, "ns");
			bench_emit("setup_attach", "attach", c.size, 1, r,
				   c.attach_s / (double)rounds * 1e9, "ns");
			bench_emit("setup_destroy", "both", c.size, 1, r,
				   c.destroy_s / (double)rounds * 1e9, "ns");
		}
		if (err)
			bench_fail("setup", "region", c.size, err);
		free(c.buf);
	}
	return err;
}
