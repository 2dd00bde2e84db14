// SPDX-License-Identifier: MIT
/*
 * How costs grow (the report plots each; region size and record size come
 * from the bulk, setup and message cases):
 *
 *   scale_regions  K regions of 64 KiB on one handle: create, touch, have the
 *                  kernel checksum each, destroy; ns per region. `size` is K.
 *   scale_procs    P processes, each with its own handle, streaming 64-byte
 *                  records from the kernel for the same time: the ring (a
 *                  generator call per 256 records) beside one ioctl per
 *                  record; the sum of their rates. `size` is P.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define SCALE_REGION_BYTES (64U << 10)
#define SCALE_RECORD_BYTES 64
#define SCALE_BATCH 256
#define MAX_PROCS 8

static const uint64_t full_region_counts[] = { 1, 4, 16, 64 };
static const uint64_t quick_region_counts[] = { 1, 16 };
static const uint64_t full_proc_counts[] = { 1, 2, 4, 8 };
static const uint64_t quick_proc_counts[] = { 1, 2 };

static int regions_round(struct kshm *kshm, uint64_t k)
{
	struct kshm_region *regions[64];
	uint64_t i, made, sum;
	int err = 0;

	for (made = 0; made < k && !err; made++)
		err = kshm_region_create(kshm, SCALE_REGION_BYTES, 0, &regions[made]);
	if (err)
		made--;
	for (i = 0; i < made && !err; i++) {
		memset(kshm_region_data(regions[i]), (int)i, SCALE_REGION_BYTES);
		err = kshm_region_checksum(regions[i], 0, SCALE_REGION_BYTES, &sum);
	}
	for (i = 0; i < made; i++) {
		int e = kshm_region_destroy(regions[i]);

		if (!err)
			err = e;
	}
	return err;
}

static int scale_regions(struct kshm *kshm, const struct bench_opts *opts)
{
	size_t n, i;
	const uint64_t *counts = BENCH_LIST(opts, full_region_counts, quick_region_counts, &n);
	int err = 0, r;

	for (r = 0; r < opts->repeats && !err; r++) {
		for (i = 0; i < n && !err; i++) {
			double start = bench_now(), elapsed;
			long long rounds = 0;

			do {
				err = regions_round(kshm, counts[i]);
				rounds++;
				elapsed = bench_now() - start;
			} while (!err && elapsed < opts->seconds);
			if (err)
				return bench_fail("scale_regions", "region", counts[i], err);
			bench_emit("scale_regions", "region", counts[i], 1, r,
				   elapsed / (double)(rounds * (long long)counts[i]) * 1e9, "ns");
		}
	}
	return err;
}

/* One process's stream: records/s, or -errno. */
static double stream_rate(const char *device, int use_ring, double seconds)
{
	uint8_t buf[SCALE_RECORD_BYTES];
	struct kshm_channel *events = NULL;
	struct kshm *kshm;
	uint64_t seq = 0;
	double start;
	int err;

	err = kshm_open(device, &kshm);
	if (err)
		return err;
	if (use_ring)
		err = kshm_channel_create(kshm, KSHM_CHANNEL_EVENTS, BENCH_RING_BYTES, NULL, &events);
	start = bench_now();
	while (!err && bench_now() - start < seconds) {
		uint64_t i;

		if (use_ring) {
			err = bench_generate_and_drain(events, SCALE_BATCH, SCALE_RECORD_BYTES, &seq);
			continue;
		}
		for (i = 0; i < SCALE_BATCH && !err; i++, seq++)
			err = kshm_transfer(kshm, KSHM_METHOD_BUFFERED, KSHM_DIR_FROM_KERNEL, buf,
					    sizeof(buf), &(struct kshm_transfer_opts){
						    .sz = sizeof(struct kshm_transfer_opts), .seed = seq });
	}
	if (events)
		kshm_channel_destroy(events);
	kshm_close(kshm);
	return err ? err : (double)seq / (bench_now() - start);
}

/* P processes at once; the sum of their rates (each measured over the same span). */
static int procs_rate(const struct bench_opts *opts, uint64_t procs, int use_ring, double *sum)
{
	double *rates = mmap(NULL, sizeof(double) * MAX_PROCS, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[MAX_PROCS];
	uint64_t i, started;
	int err = 0;

	if (rates == MAP_FAILED)
		return -errno;
	for (started = 0; started < procs; started++) {
		pids[started] = fork();
		if (pids[started] < 0) {
			err = -errno;
			break;
		}
		if (pids[started] == 0)
			_exit((rates[started] = stream_rate(opts->device, use_ring, opts->seconds)) > 0 ?
				      0 : 1);
	}
	*sum = 0;
	for (i = 0; i < started; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			if (!err)
				err = rates[i] < 0 ? (int)rates[i] : -EIO;
		}
		*sum += rates[i];
	}
	munmap(rates, sizeof(double) * MAX_PROCS);
	return err;
}

static int scale_procs(const struct bench_opts *opts)
{
	size_t n, i;
	const uint64_t *counts = BENCH_LIST(opts, full_proc_counts, quick_proc_counts, &n);
	int err = 0, r, m;

	for (r = 0; r < opts->repeats && !err; r++) {
		for (i = 0; i < n && !err; i++) {
			for (m = 0; m < 2 && !err; m++) {
				int use_ring = (m + r) % 2 == 0;	/* alternate which goes first */
				double sum = 0;

				err = procs_rate(opts, counts[i], use_ring, &sum);
				if (err)
					return bench_fail("scale_procs", use_ring ? "ring" : "ioctl",
							  counts[i], err);
				bench_emit("scale_procs", use_ring ? "ring" : "ioctl", counts[i],
					   use_ring ? SCALE_BATCH : 1, r, sum, "msg/s");
			}
		}
	}
	return err;
}

int bench_scaling(struct kshm *kshm, const struct bench_opts *opts)
{
	int err = scale_regions(kshm, opts);

	return scale_procs(opts) ? -EIO : err;
}
