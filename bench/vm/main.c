// SPDX-License-Identifier: MIT
/*
 * kshm_vmbench: the benchmarks that need the driver, run inside the test VM
 * (bench/run.sh boots it). Every figure is one KSHM-BENCH line (bench.h).
 *
 *   kshm_vmbench [--quick] [--seconds S] [--repeats N] [--cases a,b,...]
 *                [--methods a,b,...]
 *
 * Cases: bulk, setup, messages, submissions, scaling. Each case is one TAP
 * test (ok: it ran to the end), the plan last (tests/tap.sh judges it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_emit(const char *case_name, const char *method, uint64_t size, uint64_t batch,
		int repeat, double value, const char *unit)
{
	printf("KSHM-BENCH vm %s %s %llu %llu %d %.6g %s\n", case_name, method,
	       (unsigned long long)size, (unsigned long long)batch, repeat, value, unit);
	fflush(stdout);
}

int bench_fail(const char *case_name, const char *method, uint64_t size, int err)
{
	printf("kshm_vmbench: %s/%s/%llu failed: %s\n", case_name, method,
	       (unsigned long long)size, err == -EILSEQ ? "wrong data" : strerror(-err));
	fflush(stdout);
	return err;
}

static int selected(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	if (!list)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
			return 1;
		p += len;
	}
	return 0;
}

long long bench_in_batches(void *ctx, long long want, uint64_t batch,
			   int (*chunk)(void *ctx, uint64_t n))
{
	long long done = 0;

	while (done < want) {
		uint64_t n = (uint64_t)(want - done) < batch ? (uint64_t)(want - done) : batch;
		int err = chunk(ctx, n);

		if (err)
			return err;
		done += (long long)n;
	}
	return want;
}

int bench_rate(const struct bench_opts *opts, const char *case_name, const char *method,
	       uint64_t size, uint64_t batch, int repeat, double per_unit, const char *unit,
	       bench_step_fn step, void *ctx)
{
	long long want = 1, done = 0, warm;
	double start, elapsed = 0;

	if (!selected(opts->methods, method))
		return 0;

	/* One step untimed: first-touch faults and cold caches are not the method's steady cost. */
	warm = step(ctx, 1);
	if (warm < 0)
		return bench_fail(case_name, method, size, (int)warm);
	start = bench_now();
	while (elapsed < opts->seconds) {
		long long got = step(ctx, want);

		if (got < 0)
			return bench_fail(case_name, method, size, (int)got);
		done += got;
		elapsed = bench_now() - start;
		/* Grow the step while it takes under a tenth of the run. */
		if (elapsed < opts->seconds / 10 && want < (1LL << 40))
			want *= 2;
	}
	bench_emit(case_name, method, size, batch, repeat, (double)done * per_unit / elapsed, unit);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct kshm *kshm, const struct bench_opts *opts);
} cases[] = {
	{ "bulk", bench_bulk },
	{ "setup", bench_setup },
	{ "messages", bench_messages },
	{ "submissions", bench_submissions },
	{ "scaling", bench_scaling },
};

int main(int argc, char **argv)
{
	struct bench_opts opts = { .device = "/dev/kshm", .seconds = 0.25, .repeats = 5 };
	const char *only = NULL;
	int ran = 0, failed = 0, bad, i;
	struct kshm *kshm;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			opts.quick = 1;
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			opts.seconds = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--repeats") && i + 1 < argc) {
			opts.repeats = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--cases") && i + 1 < argc) {
			only = argv[++i];
		} else if (!strcmp(argv[i], "--methods") && i + 1 < argc) {
			opts.methods = argv[++i];
		} else {
			fprintf(stderr, "usage: kshm_vmbench [--quick] [--seconds S] [--repeats N] [--cases a,b] [--methods a,b]\n");
			return 2;
		}
	}
	if (opts.quick) {
		opts.seconds = 0.02;
		opts.repeats = 1;
	}
	if (opts.seconds <= 0 || opts.repeats < 1 || opts.repeats > 99) {
		fprintf(stderr, "kshm_vmbench: --seconds must be > 0, --repeats 1..99\n");
		return 2;
	}
	i = kshm_open(opts.device, &kshm);
	if (i) {
		fprintf(stderr, "kshm_vmbench: %s: %s\n", opts.device, strerror(-i));
		return 1;
	}
	printf("KSHM-BENCH-CONFIG seconds=%g repeats=%d quick=%d\n", opts.seconds, opts.repeats,
	       opts.quick);
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		if (!selected(only, cases[i].name))
			continue;
		printf("kshm_vmbench: case %s\n", cases[i].name);
		fflush(stdout);
		bad = cases[i].run(kshm, &opts) != 0;
		failed += bad;
		printf("%sok %d - %s\n", bad ? "not " : "", ++ran, cases[i].name);
	}
	kshm_close(kshm);
	printf("1..%d\n", ran);
	return failed ? 1 : 0;
}
