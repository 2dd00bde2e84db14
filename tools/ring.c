// SPDX-License-Identifier: MIT
/*
 * `kshm ring`: the channel against one system call per message, same work
 * on both sides, measured in one run and reported as ratios (absolute rates
 * inside an emulated VM mean little; ratios measured side by side do).
 *
 *   events       the kernel's generator writes N records of S bytes into an
 *                events ring, a ringful per system call; this process
 *                consumes them
 *   ioctl/msg    N calls, each having the kernel write S bytes (the same
 *                pattern) into this process's buffer (buffered transfer)
 *   submissions  this process writes N records of S bytes into a submissions
 *                ring; the kernel checksums each and posts a completion, one
 *                system call per batch
 *   ioctl/req    N calls, each having the kernel checksum S bytes of ours
 *
 * A run over a second shows its progress on stderr once a second, when that
 * is a terminal. Failures are reported as every command reports them
 * (report.h), naming the step that failed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kshm.h>
#include "compat.h"
#include "json.h"
#include "report.h"
#include "ring.h"
#include "size.h"

struct ring_args {
	uint64_t count;
	uint32_t size;
	uint64_t ring_bytes;
	bool json;
};

/* The run's one state besides its arguments: what to blame and what to show. */
static struct {
	uint32_t page_size;
	/* The step under way: what a failure names, and the quota it may have hit. */
	const char *what;
	enum request_kind kind;
	uint64_t charged;
	/* Progress: on a terminal only, from a second into the run, once a second. */
	bool progress;
	double next_progress;
	unsigned int phase;		/* 1 to RING_PHASES */
	const char *phase_name;
	int progress_width;		/* of the line shown last, to blank it */
} run;

#define RING_PHASES 4

static void ring_step(const char *what, enum request_kind kind, uint64_t charged)
{
	run.what = what;
	run.kind = kind;
	run.charged = charged;
}

/* What creating a channel asks of max_allocated_bytes: its data and two header pages. */
static uint64_t channel_charge(const struct ring_args *args)
{
	return args->ring_bytes + (uint64_t)KSHM_RING_HEADER_PAGES * run.page_size;
}

static void progress_phase(const char *name)
{
	run.phase++;
	run.phase_name = name;
}

static void progress_show(uint64_t done, uint64_t total)
{
	double now;
	int width;

	if (!run.progress)
		return;
	now = compat_monotonic_seconds();
	if (now < run.next_progress)
		return;
	run.next_progress = now + 1.0;
	fputc('\r', stderr);
	width = fprintf(stderr, "kshm ring: [%u/%u] %s: %" PRIu64 " of %" PRIu64 " records (%u%%)",
			run.phase, RING_PHASES, run.phase_name, done, total,
			(unsigned int)(done * 100.0 / (double)total));
	if (width < run.progress_width)
		fprintf(stderr, "%*s", run.progress_width - width, "");
	if (width > run.progress_width)
		run.progress_width = width;
	fflush(stderr);
}

/* Blank the progress line, if one was shown, before the results. */
static void progress_end(void)
{
	if (run.progress_width)
		fprintf(stderr, "\r%*s\r", run.progress_width, "");
	run.progress_width = 0;
}

/* Consume every record the ring holds, checking each arrives once and in order. */
static int drain_events(struct kshm_channel *events, uint64_t *seq)
{
	struct kshm_record recs[64];
	int got, i;

	while ((got = kshm_channel_read_batch(events, recs, 64)) > 0) {
		for (i = 0; i < got; i++) {
			uint64_t first;

			memcpy(&first, recs[i].payload, sizeof(first));
			if (first != (*seq)++)
				return -EILSEQ;
		}
	}
	kshm_channel_release(events);
	return got < 0 ? got : 0;
}

/*
 * One thread: the kernel fills the ring (one call), the process drains it,
 * repeat. This measures what each record costs through the ring, free of
 * the scheduling of two busy threads on two (possibly emulated, shared)
 * CPUs; the VM tests cover concurrent streaming with sleeps and wake-ups.
 */
static int run_events(struct kshm *kshm, const struct ring_args *args, double *seconds)
{
	uint64_t per_fill = args->ring_bytes / kshm_ring_record_bytes(args->size) - 1;
	struct kshm_channel *events;
	uint64_t seq = 0;
	double start;
	int err;

	progress_phase("kernel->user through the ring");
	ring_step("kernel->user: create the events channel", REQ_CREATE, channel_charge(args));
	err = kshm_channel_create(kshm, KSHM_CHANNEL_EVENTS, args->ring_bytes, NULL, &events);
	if (err)
		return err;
	ring_step("kernel->user: generate and read records", REQ_OTHER, 0);
	start = compat_monotonic_seconds();
	while (seq < args->count && !err) {
		uint64_t want = args->count - seq < per_fill ? args->count - seq : per_fill;
		KSHM_OPTS(kshm_generate_opts, opts, .type = 1, .first_seq = seq);

		err = kshm_channel_generate(events, want, args->size, &opts);
		if (!err && (opts.produced != want || opts.dropped))
			err = -EILSEQ;
		if (!err)
			err = drain_events(events, &seq);
		progress_show(seq, args->count);
	}
	*seconds = compat_monotonic_seconds() - start;
	kshm_channel_destroy(events);
	return err;
}

static int run_transfers(struct kshm *kshm, const struct ring_args *args, uint32_t direction,
			 double *seconds)
{
	void *buf = calloc(1, args->size);
	KSHM_OPTS(kshm_transfer_opts, opts);
	double start;
	uint64_t i;
	int err = 0;

	progress_phase(direction == KSHM_DIR_FROM_KERNEL ? "kernel->user through ioctl/msg" :
		       "user->kernel through ioctl/req");
	ring_step(direction == KSHM_DIR_FROM_KERNEL ? "kernel->user: buffered transfers" :
		  "user->kernel: buffered transfers", REQ_OTHER, 0);
	if (!buf)
		return -ENOMEM;
	start = compat_monotonic_seconds();
	for (i = 0; i < args->count && !err; i++) {
		if (!(i & 1023))
			progress_show(i, args->count);
		opts.seed = i;
		err = kshm_transfer(kshm, KSHM_METHOD_BUFFERED, direction, buf, args->size, &opts);
	}
	*seconds = compat_monotonic_seconds() - start;
	free(buf);
	return err;
}

/* Fill the submissions ring, let the kernel process it, collect completions; repeat. */
static int submit_and_collect(struct kshm_channel *sub, struct kshm_channel *comp,
			      const struct ring_args *args)
{
	uint64_t sent = 0, done = 0;
	int err = 0;

	while (done < args->count && !err) {
		struct kshm_record rec;
		uint64_t processed;
		void *payload;

		while (sent < args->count && !kshm_channel_reserve(sub, args->size, 1, &payload)) {
			memcpy(payload, &sent, sizeof(sent));
			sent++;
		}
		kshm_channel_commit(sub);
		err = kshm_channel_process(sub, comp, UINT32_MAX, &processed);
		while (!err && kshm_channel_peek(comp, &rec) == 0) {
			struct kshm_completion c;

			memcpy(&c, rec.payload, sizeof(c));
			if (c.user_data != done)
				err = -EILSEQ;
			kshm_channel_advance(comp, &rec);
			done++;
		}
		kshm_channel_release(comp);
		progress_show(done, args->count);
	}
	return err;
}

static int run_submissions(struct kshm *kshm, const struct ring_args *args, double *seconds)
{
	struct kshm_channel *sub, *comp;
	double start;
	int err;

	progress_phase("user->kernel through the ring");
	ring_step("user->kernel: create the submissions channel", REQ_CREATE, channel_charge(args));
	err = kshm_channel_create(kshm, KSHM_CHANNEL_SUBMISSIONS, args->ring_bytes, NULL, &sub);
	if (err)
		return err;
	ring_step("user->kernel: create the completions channel", REQ_CREATE, channel_charge(args));
	err = kshm_channel_create(kshm, KSHM_CHANNEL_EVENTS, args->ring_bytes, NULL, &comp);
	if (err) {
		kshm_channel_destroy(sub);
		return err;
	}
	ring_step("user->kernel: submit records and collect completions", REQ_OTHER, 0);
	start = compat_monotonic_seconds();
	err = submit_and_collect(sub, comp, args);
	*seconds = compat_monotonic_seconds() - start;
	kshm_channel_destroy(comp);
	kshm_channel_destroy(sub);
	return err;
}

static void print_pair(const char *what, const struct ring_args *args, double ring_s,
		       double call_s, const char *call_name)
{
	printf("  %-12s %12.0f records/s   %-10s %12.0f records/s   ring/%s %.1fx\n", what,
	       (double)args->count / ring_s, call_name, (double)args->count / call_s, call_name,
	       call_s / ring_s);
}

static uint64_t nanoseconds(double seconds)
{
	return seconds > 0 ? (uint64_t)(seconds * 1e9 + 0.5) : 0;
}

/* One direction as --json shows it (kshm(1) lists the fields). */
static void json_pair(struct json *json, const char *key, const struct ring_args *args,
		      double ring_s, double call_s, const char *call_name)
{
	json_object_begin(json, key);
	json_string(json, "call", call_name);
	json_uint(json, "ring_ns", nanoseconds(ring_s));
	json_uint(json, "call_ns", nanoseconds(call_s));
	json_double(json, "ring_records_per_second", (double)args->count / ring_s, 0);
	json_double(json, "call_records_per_second", (double)args->count / call_s, 0);
	json_double(json, "ratio", call_s / ring_s, 3);
	json_object_end(json);
}

/* Returns 0, or says what is wrong with which argument and returns EXIT_USAGE. */
static int parse_ring_args(int argc, char **argv, struct ring_args *args)
{
	static const struct option options[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "ring", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*args = (struct ring_args){ .count = 100000, .size = 64, .ring_bytes = 256 << 10 };
	optind = 0;	/* glibc: start over on the command's own arguments */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		const char *name = opt == 'n' ? "--count" : opt == 's' ? "--size" : "--ring";
		uint64_t value;

		if (opt == ':')
			return usage_error("ring: %s needs a value", argv[optind - 1]);
		if (opt == '?')
			return usage_error("ring: bad option '%s'", argv[optind - 1]);
		if (opt == 'j') {
			args->json = true;
			continue;
		}
		if (parse_size(optarg, &value) || value == 0)
			return usage_error("ring: bad %s '%s' (%s)", name, optarg,
					   opt == 'n' ? "a count of at least 1" :
					   "bytes, with an optional K, M or G");
		if (opt == 'n') {
			args->count = value;
		} else if (opt == 's') {
			if (value < 8 || value > KSHM_GENERATE_MAX_RECORD)
				return usage_error("ring: bad --size '%s' (a record of 8 bytes to 64 KiB)",
						   optarg);
			args->size = (uint32_t)value;
		} else {
			if (value & (value - 1))
				return usage_error("ring: bad --ring '%s' (a power of two of whole pages)",
						   optarg);
			args->ring_bytes = value;
		}
	}
	if (optind != argc)
		return usage_error("ring: unexpected '%s'", argv[optind]);
	/* A record of the ring takes an 8-byte header; the generator wants two to fit. */
	if (8 + (uint64_t)args->size > args->ring_bytes / 2)
		return usage_error("ring: --size %" PRIu32 " does not fit --ring %" PRIu64
				   " (at most half the ring less 8 bytes)", args->size,
				   args->ring_bytes);
	return 0;
}

/* The four runs one after the other; 0 or the first error, run.what naming its step. */
static int run_all(struct kshm *kshm, const struct ring_args *args, double seconds[4])
{
	int err;

	err = run_events(kshm, args, &seconds[0]);
	if (!err)
		err = run_transfers(kshm, args, KSHM_DIR_FROM_KERNEL, &seconds[1]);
	if (!err)
		err = run_submissions(kshm, args, &seconds[2]);
	if (!err)
		err = run_transfers(kshm, args, KSHM_DIR_TO_KERNEL, &seconds[3]);
	progress_end();
	return err;
}

int kshm_ring_command(const char *device, bool json_output, int argc, char **argv)
{
	struct kshm_version version;
	struct ring_args args;
	struct kshm *kshm;
	double seconds[4];
	int status, err;

	status = parse_ring_args(argc, argv, &args);
	if (status)
		return status;
	args.json |= json_output;
	status = open_device(device, &kshm, &version);
	if (status)
		return status;
	if (args.ring_bytes < version.page_size) {
		kshm_close(kshm);
		return usage_error("ring: bad --ring %" PRIu64 " (a power of two of whole pages, "
				   "%" PRIu32 " bytes and up)", args.ring_bytes, version.page_size);
	}
	run.page_size = version.page_size;
	run.progress = compat_stderr_is_terminal();
	run.next_progress = compat_monotonic_seconds() + 1.0;
	if (!args.json) {
		printf("kshm ring: %" PRIu64 " records of %" PRIu32 " bytes, rings of %" PRIu64
		       " bytes\n", args.count, args.size, args.ring_bytes);
		fflush(stdout);
	}
	err = run_all(kshm, &args, seconds);
	if (err == -EILSEQ) {
		print_error("%s: records lost or out of order", run.what);
		status = EXIT_FAILURE;
	} else if (err) {
		status = report(kshm, run.kind, run.charged, run.what, err);
	}
	kshm_close(kshm);
	if (status)
		return status;
	if (args.json) {
		struct json json;

		json_start(&json, stdout);
		json_object_begin(&json, NULL);
		json_uint(&json, "count", args.count);
		json_uint(&json, "size", args.size);
		json_uint(&json, "ring_bytes", args.ring_bytes);
		json_pair(&json, "kernel_to_user", &args, seconds[0], seconds[1], "ioctl/msg");
		json_pair(&json, "user_to_kernel", &args, seconds[2], seconds[3], "ioctl/req");
		json_object_end(&json);
		return 0;
	}
	print_pair("kernel->user", &args, seconds[0], seconds[1], "ioctl/msg");
	print_pair("user->kernel", &args, seconds[2], seconds[3], "ioctl/req");
	return 0;
}
