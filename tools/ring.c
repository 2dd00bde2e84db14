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
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kshm.h>
#include "compat.h"
#include "ring.h"
#include "size.h"

struct ring_args {
	uint64_t count;
	uint32_t size;
	uint64_t ring_bytes;
};

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

	err = kshm_channel_create(kshm, KSHM_CHANNEL_EVENTS, args->ring_bytes, &events);
	if (err)
		return err;
	start = compat_monotonic_seconds();
	while (seq < args->count && !err) {
		uint64_t want = args->count - seq < per_fill ? args->count - seq : per_fill;
		uint64_t produced = 0, dropped = 0;

		err = kshm_channel_generate(events, want, args->size, 1, seq, 0, &produced, &dropped);
		if (!err && (produced != want || dropped))
			err = -EILSEQ;
		if (!err)
			err = drain_events(events, &seq);
	}
	*seconds = compat_monotonic_seconds() - start;
	kshm_channel_destroy(events);
	return err;
}

static int run_transfers(struct kshm *kshm, const struct ring_args *args, uint32_t direction,
			 double *seconds)
{
	void *buf = calloc(1, args->size);
	uint64_t i, sum;
	double start;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	start = compat_monotonic_seconds();
	for (i = 0; i < args->count && !err; i++)
		err = kshm_transfer(kshm, KSHM_METHOD_BUFFERED, direction, buf, args->size, i, &sum);
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
	}
	return err;
}

static int run_submissions(struct kshm *kshm, const struct ring_args *args, double *seconds)
{
	struct kshm_channel *sub, *comp;
	double start;
	int err;

	err = kshm_channel_create(kshm, KSHM_CHANNEL_SUBMISSIONS, args->ring_bytes, &sub);
	if (err)
		return err;
	err = kshm_channel_create(kshm, KSHM_CHANNEL_EVENTS, args->ring_bytes, &comp);
	if (err) {
		kshm_channel_destroy(sub);
		return err;
	}
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

/* Returns 0, or prints what is wrong with which argument and returns -EINVAL. */
static int parse_ring_args(int argc, char **argv, struct ring_args *args)
{
	static const struct option options[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "ring", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*args = (struct ring_args){ .count = 100000, .size = 64, .ring_bytes = 256 << 10 };
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		const char *name = opt == 'n' ? "--count" : opt == 's' ? "--size" : "--ring";
		uint64_t value;

		if (opt == ':') {
			fprintf(stderr, "kshm: ring: %s needs a value\n", argv[optind - 1]);
			return -EINVAL;
		}
		if (opt == '?') {
			fprintf(stderr, "kshm: ring: bad option '%s'\n", argv[optind - 1]);
			return -EINVAL;
		}
		if (parse_size(optarg, &value) || value == 0) {
			fprintf(stderr, "kshm: ring: bad %s '%s' (%s)\n", name, optarg,
				opt == 'n' ? "a count of at least 1" : "bytes, with an optional K, M or G");
			return -EINVAL;
		}
		if (opt == 'n') {
			args->count = value;
		} else if (opt == 's') {
			if (value < 8 || value > UINT32_MAX) {
				fprintf(stderr, "kshm: ring: bad --size '%s' (a record of 8 bytes to 4 GiB)\n",
					optarg);
				return -EINVAL;
			}
			args->size = (uint32_t)value;
		} else {
			args->ring_bytes = value;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "kshm: ring: unexpected '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int kshm_ring_command(const char *device, int argc, char **argv)
{
	double events_s, events_call_s, sub_s, sub_call_s;
	struct ring_args args;
	struct kshm *kshm;
	int err;

	if (parse_ring_args(argc, argv, &args)) {
		fputs("Try 'kshm --help', or 'kshm help ring'.\n", stderr);
		return 2;
	}
	err = kshm_open(device, &kshm);
	if (err) {
		fprintf(stderr, "kshm ring: %s: %s\n", device, strerror(-err));
		return 1;
	}
	printf("kshm ring: %llu records of %u bytes, rings of %llu bytes\n",
	       (unsigned long long)args.count, args.size, (unsigned long long)args.ring_bytes);
	err = run_events(kshm, &args, &events_s);
	if (!err)
		err = run_transfers(kshm, &args, KSHM_DIR_FROM_KERNEL, &events_call_s);
	if (!err)
		err = run_submissions(kshm, &args, &sub_s);
	if (!err)
		err = run_transfers(kshm, &args, KSHM_DIR_TO_KERNEL, &sub_call_s);
	kshm_close(kshm);
	if (err) {
		fprintf(stderr, "kshm ring: %s\n", err == -EILSEQ ? "records out of order" :
			strerror(-err));
		return 1;
	}
	print_pair("kernel->user", &args, events_s, events_call_s, "ioctl/msg");
	print_pair("user->kernel", &args, sub_s, sub_call_s, "ioctl/req");
	return 0;
}
