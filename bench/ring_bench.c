// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Native benchmarks of the channel ring (core/ring.c) between two processes
 * over one MAP_SHARED mapping, each against an alternative measured in the
 * same run, interleaved repeat by repeat so that machine noise hits both:
 *
 *   ring_vs_ck_ring_8B_b1    8-byte messages, one per publish on both sides: kshm ring
 *                            vs Concurrency Kit's ck_ring SPSC (which has no batch API)
 *   ring_vs_pipe_64B_bN      64-byte messages, N per publish / per write(2) and read(2)
 *                            on both sides, N = 1, 16, 256; neither side pinned
 *   ring_4KiB_vs_memcpy      bytes/s of 4 KiB records through the ring, copied once (in by
 *                            the producer; the consumer checks each in place) vs one core's
 *                            memcpy of 4 KiB blocks over the same footprint
 *
 *   ring_bench [--quick] [--case KEY-PART] [--lines FILE]
 *   ring_bench --round-trip      nanoseconds for one cache line to go from CPU 0 to
 *                            CPU 1 and back (median of 5): which of the host's two
 *                            modes (bench/README.md) the figures beside it were taken in
 *
 * Waiting is spin-then-yield on both sides of every ring (2-core machines are
 * noisy; sleeping would measure the scheduler). Where a comparison pins, the
 * producer pins to CPU 0 and the consumer to CPU 1 on both of its sides; the
 * pipe comparisons pin neither (a pipe pinned across CPUs ran 1.2-2.6x
 * slower than one left to the scheduler).
 */
#include <ck_ring.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/ring.h"

#ifndef RING_BYTES
#define RING_BYTES	(256u << 10)		/* kshm data area */
#endif
#define CK_SLOTS	(RING_BYTES / 16)	/* same message capacity as the ring at 8 B */
#define PAGE		4096u
#define SPINS		256			/* pause-loop rounds before a sched_yield() */
#define MAX_REPEATS	15
#define MAX_PIPE_BATCH	256

struct control {
	_Alignas(64) volatile int ready;
	_Alignas(64) volatile uint64_t start_ns;
	volatile uint64_t end_ns;
	volatile uint64_t bad;		/* messages that arrived wrong */
	_Alignas(64) volatile uint64_t ball;	/* --round-trip: odd from CPU 0, even from CPU 1 */
};

/* Everything the two processes share, page-aligned the way a kshm channel is. */
struct shared {
	struct control ctl;
	_Alignas(PAGE) struct kshm_ring_consumer cons;
	_Alignas(PAGE) struct kshm_ring_producer prod;
	_Alignas(PAGE) uint8_t data[RING_BYTES];
	_Alignas(PAGE) struct ck_ring ck;
	struct ck_ring_buffer ck_slots[CK_SLOTS];
};

enum kind { KSHM, CK, PIPE, MEMCPY };

struct run {
	enum kind kind;
	uint32_t len;		/* message bytes */
	uint64_t n;		/* messages */
	unsigned int batch;	/* records per commit / release (kshm), per write / read (pipe) */
	int in_place;		/* kshm: the consumer checks each record in the ring, no copy out */
	int pinned;		/* producer on CPU 0, consumer on CPU 1 */
};

static struct shared *shm;
static int pipe_fd[2];
static uint8_t *src, *dst;	/* private buffers the payloads are copied from / to */
static volatile uint64_t sink;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* To one CPU, or (cpu < 0) back to every CPU: a forked consumer inherits the parent's set. */
static void pin(int cpu)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), i;
	cpu_set_t set;

	if (cpus < 2)
		return;
	CPU_ZERO(&set);
	for (i = 0; i < cpus; i++)
		if (cpu < 0 || i == cpu)
			CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);	/* best effort: a container may refuse */
}

/* After a pass that moved `done` messages: carry on at once, or wait a little. */
static void pace(unsigned int done, unsigned int *spins)
{
	if (done)
		*spins = 0;
	else if (++*spins < SPINS)
		__builtin_ia32_pause();
	else {
		*spins = 0;
		sched_yield();
	}
}

/* Wait for the ball to hold `want`, spinning, then yielding now and then. */
static void await_ball(uint64_t want)
{
	unsigned int spins = 0;

	while (shm->ctl.ball != want)
		pace(0, &spins);
}

/*
 * One cache line bounced between CPU 0 and CPU 1, `trips` times: ns per
 * round trip. Where the host places the two vCPUs (sharing a cache or not)
 * shows here first, and moves every two-process figure with it.
 */
static double round_trip_ns(uint64_t trips)
{
	uint64_t i, t0, t1;
	pid_t pid;

	shm->ctl.ball = 0;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		pin(1);
		shm->ctl.ball = 1;			/* pinned, and ready */
		for (i = 1; i <= trips; i++) {
			await_ball(2 * i);
			shm->ctl.ball = 2 * i + 1;
		}
		_exit(0);
	}
	pin(0);
	await_ball(1);
	t0 = now_ns();
	for (i = 1; i <= trips; i++) {
		shm->ctl.ball = 2 * i;
		await_ball(2 * i + 1);
	}
	t1 = now_ns();
	waitpid(pid, NULL, 0);
	pin(-1);
	return (double)(t1 - t0) / (double)trips;
}

/* Message i: bytes from a private buffer, its sequence number in the first word. */
static void fill(uint8_t *to, uint64_t i, uint32_t len)
{
	if (len > 8)
		memcpy(to, src + (i * len) % RING_BYTES, len);
	memcpy(to, &i, 8);
}

static void check(const void *msg, uint64_t i)
{
	uint64_t seq;

	memcpy(&seq, msg, 8);
	if (seq != i)
		shm->ctl.bad++;
}

/* Into the consumer's private buffer (a pipe's read(2) does the same copy), then checked. */
static void take(const void *from, uint64_t i, uint32_t len)
{
	/* A constant size for 8 bytes, as ck_ring's consumer gets: no libc call per message. */
	if (len == 8)
		memcpy(dst + (i * 8) % RING_BYTES, from, 8);
	else
		memcpy(dst + (i * len) % RING_BYTES, from, len);
	check(dst + (i * len) % RING_BYTES, i);
}

static void kshm_produce(const struct run *r)
{
	struct kshm_ring ring;
	unsigned int spins = 0, k;
	enum kshm_ring_result st;
	uint64_t i = 0;
	void *p;

	kshm_ring_init(&ring, &shm->cons, &shm->prod, shm->data, RING_BYTES);
	while (i < r->n) {
		for (k = 0; k < r->batch && i < r->n; k++, i++) {
			p = kshm_ring_reserve(&ring, r->len, 1, &st);
			if (!p)
				break;
			fill(p, i, r->len);
		}
		if (k)
			kshm_ring_commit(&ring);	/* one position store per batch */
		pace(k, &spins);
	}
}

static void kshm_consume(const struct run *r)
{
	struct kshm_ring ring;
	struct kshm_ring_entry e;
	unsigned int spins = 0, k;
	uint64_t i = 0;

	kshm_ring_init(&ring, &shm->cons, &shm->prod, shm->data, RING_BYTES);
	while (i < r->n) {
		for (k = 0; k < r->batch && kshm_ring_peek(&ring, &e) == KSHM_RING_OK; k++, i++) {
			if (r->in_place)
				check(e.payload, i);
			else
				take(e.payload, i, e.len);
			kshm_ring_advance(&ring, &e);
		}
		if (k)
			kshm_ring_release(&ring);	/* one position store per batch */
		pace(k, &spins);
	}
}

/* ck_ring carries one pointer-sized value per slot: the 8-byte message itself. */
static void ck_produce(const struct run *r)
{
	unsigned int spins = 0;
	uint64_t i;

	for (i = 0; i < r->n; i++) {
		while (!ck_ring_enqueue_spsc(&shm->ck, shm->ck_slots, (void *)(uintptr_t)i))
			pace(0, &spins);
		spins = 0;
	}
}

static void ck_consume(const struct run *r)
{
	unsigned int spins = 0;
	uint64_t i;
	void *v;

	for (i = 0; i < r->n; i++) {
		while (!ck_ring_dequeue_spsc(&shm->ck, shm->ck_slots, &v))
			pace(0, &spins);
		spins = 0;
		take(&v, i, 8);
	}
}

/* `batch` messages per write(2), filled as the ring's producer fills its records. */
static void pipe_produce(const struct run *r)
{
	static uint8_t msgs[MAX_PIPE_BATCH * 64];
	uint64_t i = 0;
	unsigned int k;

	while (i < r->n) {
		for (k = 0; k < r->batch && i < r->n; k++, i++)
			fill(msgs + k * r->len, i, r->len);
		if (write(pipe_fd[1], msgs, k * r->len) != (ssize_t)(k * r->len))
			shm->ctl.bad++;
	}
}

/* `batch` messages per read(2) (more when a read returns short), straight into the private buffer. */
static void pipe_consume(const struct run *r)
{
	uint64_t i = 0, j;

	while (i < r->n) {
		uint64_t want = r->n - i < r->batch ? r->n - i : r->batch;
		size_t bytes = want * r->len, got = 0, off = (i * r->len) % RING_BYTES;

		if (off + bytes > RING_BYTES)
			off = 0;
		while (got < bytes) {
			ssize_t k = read(pipe_fd[0], dst + off + got, bytes - got);

			if (k <= 0) {
				shm->ctl.bad++;
				return;
			}
			got += (size_t)k;
		}
		for (j = 0; j < want; j++, i++)
			check(dst + off + j * r->len, i);
	}
}

/* One timed run: seconds from the producer's start to the consumer's last message. */
static double run_once(const struct run *r)
{
	pid_t child, parent;
	int status;
	uint64_t t, i;

	memset(shm, 0, sizeof(*shm));
	ck_ring_init(&shm->ck, CK_SLOTS);
	if (r->kind == MEMCPY) {
		t = now_ns();
		for (i = 0; i < r->n; i++)
			memcpy(dst + (i * r->len) % RING_BYTES, src + (i * r->len) % RING_BYTES, r->len);
		sink += dst[(r->n * r->len / 2) % RING_BYTES];
		return (double)(now_ns() - t) / 1e9;
	}
	if (r->kind == PIPE && pipe(pipe_fd)) {
		perror("pipe");
		exit(1);
	}
	if (!r->pinned)
		pin(-1);
	parent = getpid();
	child = fork();
	if (child < 0) {
		perror("fork");
		exit(1);
	}
	if (child == 0) {
		/* A consumer spins: it must not outlive a producer that was killed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		if (r->pinned)
			pin(1);
		shm->ctl.ready = 1;
		while (!shm->ctl.start_ns)
			;
		if (r->kind == KSHM)
			kshm_consume(r);
		else if (r->kind == CK)
			ck_consume(r);
		else
			pipe_consume(r);
		shm->ctl.end_ns = now_ns();
		_exit(0);
	}
	if (r->pinned)
		pin(0);
	while (!shm->ctl.ready)
		sched_yield();
	shm->ctl.start_ns = now_ns();
	if (r->kind == KSHM)
		kshm_produce(r);
	else if (r->kind == CK)
		ck_produce(r);
	else
		pipe_produce(r);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "ring_bench: consumer failed\n");
		exit(1);
	}
	if (r->kind == PIPE) {
		close(pipe_fd[0]);
		close(pipe_fd[1]);
	}
	if (shm->ctl.bad) {
		fprintf(stderr, "ring_bench: %llu messages arrived wrong\n",
			(unsigned long long)shm->ctl.bad);
		exit(1);
	}
	return (double)(shm->ctl.end_ns - shm->ctl.start_ns) / 1e9;
}

struct stats {
	double min, median, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct stats stats_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return (struct stats){ v[0], n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[n - 1] };
}

struct compare {
	const char *key, *label, *other_name, *unit;
	struct run kshm, other;
	double per;		/* rate = n * per / seconds (1: messages, len: bytes) */
	double target;		/* from the issue; 0: none */
	double a_each[MAX_REPEATS], b_each[MAX_REPEATS];	/* per repeat, in order */
	struct stats a, b, ratio;
};

/* Run both sides `repeats` times, alternating which goes first. */
static void measure(struct compare *c, int repeats)
{
	double a[MAX_REPEATS], b[MAX_REPEATS], ratio[MAX_REPEATS];
	int i;

	for (i = 0; i < repeats; i++) {
		double ta, tb;

		if (i % 2) {
			tb = run_once(&c->other);
			ta = run_once(&c->kshm);
		} else {
			ta = run_once(&c->kshm);
			tb = run_once(&c->other);
		}
		a[i] = c->a_each[i] = (double)c->kshm.n * c->per / ta;
		b[i] = c->b_each[i] = (double)c->other.n * c->per / tb;
		ratio[i] = a[i] / b[i];
	}
	c->a = stats_of(a, repeats);
	c->b = stats_of(b, repeats);
	c->ratio = stats_of(ratio, repeats);
}

/* Each repeat's figures as bench/report.sh reads them (bench/vm/bench.h). */
static void write_lines(FILE *f, const struct compare *c, int repeats)
{
	const char *unit = c->per > 1 ? "B/s" : "msg/s";
	int i;

	for (i = 0; i < repeats; i++) {
		fprintf(f, "KSHM-BENCH native %s %s %u %u %d %.6g %s\n", c->key,
			c->kshm.in_place ? "kshm_ring_in_place" : "kshm_ring", c->kshm.len,
			c->kshm.batch, i, c->a_each[i], unit);
		fprintf(f, "KSHM-BENCH native %s %s %u %u %d %.6g %s\n", c->key, c->other_name,
			c->other.len, c->other.batch, i, c->b_each[i], unit);
	}
}

/* 64-byte messages, `batch` per publish and per write(2)/read(2), neither side pinned. */
#define PIPE_CASE(batch, kshm_n, pipe_n)							\
	{ .key = "native_ring_vs_pipe_64B_b" #batch,						\
	  .label = "kshm ring vs pipe, 64 B, " #batch " per call",				\
	  .other_name = "pipe", .unit = "Mmsg/s", .per = 1,					\
	  .kshm = { KSHM, 64, (kshm_n), (batch), 0, 0 },					\
	  .other = { PIPE, 64, (pipe_n), (batch), 0, 0 } }

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	const char *lines = NULL, *only = NULL;
	int repeats = quick ? 2 : 7, i;
	uint64_t s = quick ? 20 : 1;	/* quick: a twentieth of the messages */
	struct compare cases[] = {
		{ .key = "native_ring_vs_ck_ring_8B_b1",
		  .label = "kshm ring vs ck_ring SPSC, 8 B, 1 per publish",
		  .other_name = "ck_ring", .unit = "Mmsg/s", .per = 1, .target = 1.5,
		  .kshm = { KSHM, 8, 10000000 / s, 1, 0, 1 },
		  .other = { CK, 8, 20000000 / s, 1, 0, 1 } },
		PIPE_CASE(1, 10000000 / s, 1000000 / s),
		PIPE_CASE(16, 20000000 / s, 6000000 / s),
		PIPE_CASE(256, 30000000 / s, 12000000 / s),
		{ .key = "native_ring_4KiB_vs_memcpy", .label = "kshm ring 4 KiB (copy once) vs memcpy",
		  .other_name = "memcpy", .unit = "GB/s", .per = 4096, .target = 0.7,
		  .kshm = { KSHM, 4096, 400000 / s, 16, 1, 1 },
		  .other = { MEMCPY, 4096, 1000000 / s, 1, 0, 0 } },
	};
	int round_trip = 0;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lines") && i + 1 < argc)
			lines = argv[++i];
		else if (!strcmp(argv[i], "--case") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--round-trip"))
			round_trip = 1;
	}
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (round_trip && shm != MAP_FAILED) {
		double v[5];

		for (i = 0; i < 5; i++)
			if ((v[i] = round_trip_ns(100000)) < 0) {
				perror("ring_bench: fork");
				return 1;
			}
		printf("%.0f\n", stats_of(v, 5).median);
		return 0;
	}
	src = malloc(RING_BYTES);
	dst = malloc(RING_BYTES);
	if (shm == MAP_FAILED || !src || !dst) {
		perror("ring_bench");
		return 1;
	}
	for (i = 0; i < (int)RING_BYTES; i++)
		src[i] = (uint8_t)(i * 131);
	memset(dst, 0, RING_BYTES);

	printf("%-32s %7s  %-26s %-26s %-22s %s\n", "case", "repeats", "kshm min/median/max",
	       "other min/median/max", "ratio min/median/max", "target");
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		struct compare *c = &cases[i];
		double scale = !strcmp(c->unit, "GB/s") ? 1e9 : 1e6;

		if (only && !strstr(c->key, only))
			continue;
		measure(c, repeats);
		printf("%-32s %7d  %7.2f/%7.2f/%7.2f    %7.3f/%7.3f/%7.3f    %5.2f/%5.2f/%5.2f x    ",
		       c->label, repeats, c->a.min / scale, c->a.median / scale, c->a.max / scale,
		       c->b.min / scale, c->b.median / scale, c->b.max / scale,
		       c->ratio.min, c->ratio.median, c->ratio.max);
		if (c->target)
			printf(">= %gx (%s)\n", c->target, c->ratio.median >= c->target ? "met" : "NOT met");
		else
			printf("-\n");
		printf("%-32s          (%s; other = %s)\n", "", c->unit, c->other_name);
		fflush(stdout);
	}
	if (!lines)
		return 0;
	f = fopen(lines, "w");
	if (!f) {
		perror(lines);
		return 1;
	}
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++)
		if (!only || strstr(cases[i].key, only))
			write_lines(f, &cases[i], repeats);
	if (fclose(f)) {
		perror(lines);
		return 1;
	}
	(void)sink;
	return 0;
}
