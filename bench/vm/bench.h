/* SPDX-License-Identifier: MIT */
/*
 * The in-VM benchmarks (kshm_vmbench): shared by its case files.
 *
 * Every figure is printed as one line that bench/report.sh reads:
 *
 *   KSHM-BENCH <group> <case> <method> <size> <batch> <repeat> <value> <unit>
 *
 * `value` is a rate (unit msg/s or B/s: higher is better) or a cost (unit
 * ns: lower is better). Figures of the same case, size, batch and repeat
 * were measured side by side in one boot, so their ratio means something
 * even though the guest's clock runs on an emulated CPU.
 */
#ifndef KSHM_BENCH_VM_BENCH_H
#define KSHM_BENCH_VM_BENCH_H

#include <stdint.h>

#include <kshm.h>

/* Data bytes of every ring the benchmarks use (the BPF ring buffer's too: ringbuf_gen.h). */
#define BENCH_RING_BYTES (256U << 10)

struct bench_opts {
	const char *device;
	double seconds;		/* how long one method runs for one figure */
	int repeats;
	int quick;
	const char *methods;	/* comma list: only these methods run (NULL: all) */
};

/* A method's timed loop: does `want` units of work (at least one), returns the count done, or -errno. */
typedef long long (*bench_step_fn)(void *ctx, long long want);

double bench_now(void);

/* Do `want` units as calls of `chunk` of at most `batch` units each; returns `want` or -errno. */
long long bench_in_batches(void *ctx, long long want, uint64_t batch,
			   int (*chunk)(void *ctx, uint64_t n));

/* A case's full or quick list (of sizes, batches, counts), and its length in *n. */
#define BENCH_LIST(opts, full_list, quick_list, n)                                     \
	((opts)->quick ? (*(n) = sizeof(quick_list) / sizeof((quick_list)[0]), (quick_list)) : \
			 (*(n) = sizeof(full_list) / sizeof((full_list)[0]), (full_list)))

/*
 * Run `step` until `opts->seconds` have passed (in steps of growing size, so
 * that reading the clock costs nothing), and print the rate as a figure.
 * `per_unit` converts the units done into the figure's unit (1 for
 * messages, the byte count for B/s).
 */
int bench_rate(const struct bench_opts *opts, const char *case_name, const char *method,
	       uint64_t size, uint64_t batch, int repeat, double per_unit, const char *unit,
	       bench_step_fn step, void *ctx);

void bench_emit(const char *case_name, const char *method, uint64_t size, uint64_t batch,
		int repeat, double value, const char *unit);

/* A case failed: say which and why on the console (the run goes on with the next case). */
int bench_fail(const char *case_name, const char *method, uint64_t size, int err);

/*
 * The kernel's generator publishes n records of `size` bytes into `events`
 * (one system call); drain them, checking each carries the next of *seq.
 */
int bench_generate_and_drain(struct kshm_channel *events, uint64_t n, uint32_t size,
			     uint64_t *seq);

/* The cases; each runs every method `opts->repeats` times, alternating their order. */
int bench_bulk(struct kshm *kshm, const struct bench_opts *opts);
int bench_setup(struct kshm *kshm, const struct bench_opts *opts);
int bench_messages(struct kshm *kshm, const struct bench_opts *opts);
int bench_submissions(struct kshm *kshm, const struct bench_opts *opts);
int bench_scaling(struct kshm *kshm, const struct bench_opts *opts);

#endif /* KSHM_BENCH_VM_BENCH_H */
