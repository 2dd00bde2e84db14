// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The kernel side of channels that both drivers share (core/channel.c): the
 * generator and the echo/checksum service against a ring whose process side
 * is played here, with a fake driver (lock, wake-up, sleep) that counts what
 * it is asked to do.
 */
#include "unit.h"

#include "core/checksum.h"
#include "core/policy.h"
#include "core/channel.h"

#define PAGE 4096U
#define DATA (4 * PAGE)

struct fake_channel {
	struct kshm_kchannel sc;
	_Alignas(8) uint8_t pages[2 * PAGE + DATA];
	struct kshm_ring process;	/* the process's view: consumer or producer */
	int locked, locks, wakes, waits, interrupt_after_waits, close_after_waits;
	uint64_t drain_on_wait;		/* records the "process" consumes when the kernel waits */
	bool closed;			/* the channel left its handle */
};

static struct fake_channel *fake(struct kshm_kchannel *sc)
{
	return (struct fake_channel *)sc;	/* sc is the first member */
}

static uintptr_t fake_lock(struct kshm_kchannel *sc)
{
	assert_int_equal(fake(sc)->locked, 0);
	fake(sc)->locked = 1;
	fake(sc)->locks++;
	return 0x5a;
}

static void fake_unlock(struct kshm_kchannel *sc, uintptr_t token)
{
	assert_int_equal(token, 0x5a);
	assert_int_equal(fake(sc)->locked, 1);
	fake(sc)->locked = 0;
}

static void fake_wake(struct kshm_kchannel *sc)
{
	assert_int_equal(fake(sc)->locked, 0);
	fake(sc)->wakes++;
}

static bool killed;
static int yields;
static void (*yield_hook)(void);	/* the process, acting while the kernel yields */

static void drain(struct fake_channel *f, uint64_t records);

static bool fake_wait_for_space(struct kshm_kchannel *sc, uint32_t len)
{
	struct fake_channel *f = fake(sc);
	bool sleep = kshm_kchannel_prepare_wait_space(sc, len);

	/* Only a producer that found no room may sleep, and then it asks for a kick. */
	if (sleep)
		assert_true(kshm_ring_producer_waiting(&f->process));
	f->waits++;
	drain(f, f->drain_on_wait);
	kshm_kchannel_finish_wait_space(sc);
	if (f->close_after_waits && f->waits >= f->close_after_waits)
		f->closed = true;
	return !(f->interrupt_after_waits && f->waits >= f->interrupt_after_waits) && !f->closed;
}

static bool fake_interrupted(void)
{
	return killed;
}

static bool fake_closed(struct kshm_kchannel *sc)
{
	return fake(sc)->closed;
}

static void fake_yield(void)
{
	yields++;
	if (yield_hook)
		yield_hook();
}

static const struct kshm_kchannel_ops fake_ops = {
	.lock = fake_lock,
	.unlock = fake_unlock,
	.wake = fake_wake,
	.wait_for_space = fake_wait_for_space,
	.interrupted = fake_interrupted,
	.closed = fake_closed,
	.yield = fake_yield,
};

static struct fake_channel *fake_new(uint32_t kind)
{
	struct fake_channel *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	killed = false;
	yields = 0;
	yield_hook = NULL;
	kshm_kchannel_init(&f->sc, kind, f->pages, PAGE, DATA, &fake_ops);
	assert_int_equal(kshm_ring_init(&f->process, (void *)f->pages, (void *)(f->pages + PAGE),
					 f->pages + 2 * PAGE, DATA), KSHM_OK);
	return f;
}

/* The process consumes up to `records` events, checking generated ones as it goes. */
static void drain(struct fake_channel *f, uint64_t records)
{
	struct kshm_ring_entry e = { 0 };

	while (records-- && kshm_ring_peek(&f->process, &e) == KSHM_RING_OK)
		kshm_ring_advance(&f->process, &e);
	kshm_ring_release(&f->process);
}

static uint64_t check_generated(struct fake_channel *f, uint32_t len, uint64_t expect_seq)
{
	struct kshm_ring_entry e = { 0 };
	uint64_t n = 0, seq;

	while (kshm_ring_peek(&f->process, &e) == KSHM_RING_OK) {
		assert_int_equal(e.len, len);
		assert_int_equal(e.type, 7);
		memcpy(&seq, e.payload, sizeof(seq));
		assert_true(seq >= expect_seq);	/* dropped ones leave gaps, never reorder */
		assert_int_equal(kshm_pattern_check((const uint8_t *)e.payload + 8, len - 8, seq, 0),
				 len - 8);
		expect_seq = seq + 1;
		kshm_ring_advance(&f->process, &e);
		n++;
	}
	kshm_ring_release(&f->process);
	return n;
}

static struct kshm_channel_generate gen_req(uint64_t count, uint32_t len, uint32_t flags)
{
	struct kshm_channel_generate req = {
		.size = sizeof(req), .count = count, .first_seq = 1000, .record_bytes = len,
		.type = 7, .flags = flags,
	};
	return req;
}

/*
 * Nobody drains: the ring fills, then records are dropped one per pass,
 * each pass yielding, until a batch's worth of passes in a row found it full.
 */
static void test_generate_drops_when_full(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_generate req = gen_req(1000, 100, 0);

	(void)state;
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_DONE);
	assert_true(req.produced > 0);
	assert_int_equal(req.dropped, kshm_generate_batch(100));
	assert_true(req.produced + req.dropped < 1000);
	assert_true(yields >= (int)req.dropped);	/* the drop branch yields too */
	assert_int_equal(((struct kshm_ring_producer *)(f->pages + PAGE))->dropped, req.dropped);
	assert_int_equal(check_generated(f, 100, 1000), req.produced);
	assert_int_equal(f->wakes, 0);	/* nobody asked */
	assert_int_equal(f->locked, 0);
	free(f);
}

static void test_generate_blocks_for_room(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_generate req = gen_req(1000, 100, KSHM_GENERATE_BLOCK);

	(void)state;
	f->drain_on_wait = 40;
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_DONE);
	assert_int_equal(req.produced, 1000);
	assert_int_equal(req.dropped, 0);
	assert_true(f->waits > 0);
	/* The flag is down again once the producer stopped waiting. */
	assert_false(kshm_ring_producer_waiting(&f->process));
	free(f);
}

/* A signal ends the call: with what was done as a success, as EINTR before any work. */
static void test_generate_interrupted(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_generate req = gen_req(1000, 100, KSHM_GENERATE_BLOCK);

	(void)state;
	f->interrupt_after_waits = 1;
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_DONE);
	assert_true(req.produced > 0 && req.produced < 1000);
	/* Still full, nothing more fits: interrupted before any record. */
	req = gen_req(1000, 100, KSHM_GENERATE_BLOCK);
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_INTERRUPTED);
	assert_int_equal(req.produced, 0);
	free(f);

	f = fake_new(KSHM_CHANNEL_EVENTS);
	req = gen_req(1000, 100, 0);
	killed = true;
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_INTERRUPTED);
	assert_int_equal(req.produced, 0);	/* looked before the first batch */
	free(f);
}

/* The channel leaves its handle: a generator stops, blocked or not (ECANCELED). */
static void test_generate_closed_cancels(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_generate req = gen_req(UINT64_MAX, 8, 0);

	(void)state;
	f->closed = true;
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_CANCELLED);
	assert_int_equal(req.produced + req.dropped, 0);
	free(f);

	f = fake_new(KSHM_CHANNEL_EVENTS);
	req = gen_req(UINT64_MAX, 8, KSHM_GENERATE_BLOCK);
	f->close_after_waits = 3;
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_CANCELLED);
	assert_int_equal(f->waits, 3);
	free(f);
}

/*
 * count = ~0: without a consumer the call ends once the ring stays full (a
 * one-page ring and no consumer hung the machine before); with a consumer
 * that keeps up, after KSHM_GENERATE_MAX_PER_CALL records.
 */
static void test_generate_bounded_per_call(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_generate req = gen_req(UINT64_MAX, 8, 0);

	(void)state;
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_DONE);
	assert_int_equal(req.dropped, kshm_generate_batch(8));
	assert_true(req.produced <= DATA / 16);
	free(f);

	f = fake_new(KSHM_CHANNEL_EVENTS);
	req = gen_req(UINT64_MAX, 8, KSHM_GENERATE_BLOCK);
	f->drain_on_wait = UINT64_MAX;
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_DONE);
	assert_int_equal(req.produced, KSHM_GENERATE_MAX_PER_CALL);
	assert_int_equal(req.dropped, 0);
	free(f);
}

static void test_generate_wakes_only_when_asked(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_generate req = gen_req(3, 64, 0);

	(void)state;
	assert_true(kshm_ring_prepare_wait(&f->process, 0));
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_DONE);
	assert_int_equal(f->wakes, 1);	/* one commit, one wake-up */
	assert_true(kshm_kchannel_events_pending(&f->sc));
	kshm_ring_finish_wait(&f->process);
	assert_int_equal(check_generated(f, 64, 1000), 3);
	assert_false(kshm_kchannel_events_pending(&f->sc));
	free(f);
}

static void test_generate_hostile_consumer(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_generate req = gen_req(1000, 100, 0);
	enum kshm_ring_result st;

	(void)state;
	((struct kshm_ring_consumer *)f->pages)->pos = 12345678;	/* garbage */
	assert_int_equal(kshm_service_generate(&f->sc, &req), KSHM_SERVICE_BROKEN);
	assert_true(f->sc.broken);
	/* Broken stays broken, whatever the process writes afterwards. */
	((struct kshm_ring_consumer *)f->pages)->pos = 0;
	assert_false(kshm_kchannel_publish_copy(&f->sc, 1, "12345678", 8, &st));
	assert_int_equal(st, KSHM_RING_CORRUPT);
	free(f);
}

static void submit(struct fake_channel *sub, uint32_t len, uint32_t type, uint8_t seed)
{
	enum kshm_ring_result st;
	uint8_t *p = kshm_ring_reserve(&sub->process, len, type, &st);
	uint32_t i;

	assert_int_equal(st, KSHM_RING_OK);
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void expect_completion(struct fake_channel *comp, uint32_t len, uint32_t type, uint8_t seed)
{
	struct kshm_completion done;
	struct kshm_ring_entry e = { 0 };
	uint8_t buf[1000];
	uint64_t user_data = 0;
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7);
	if (len >= 8)
		memcpy(&user_data, buf, 8);
	assert_int_equal(kshm_ring_peek(&comp->process, &e), KSHM_RING_OK);
	assert_int_equal(e.type, KSHM_COMPLETION_TYPE);
	assert_int_equal(e.len, sizeof(done));
	memcpy(&done, e.payload, sizeof(done));
	kshm_ring_advance(&comp->process, &e);
	assert_int_equal(done.len, len);
	assert_int_equal(done.type, type);
	assert_int_equal(done.user_data, user_data);
	assert_int_equal(done.checksum, kshm_checksum(buf, len));
}

static void test_process_echoes_checksums(void **state)
{
	struct fake_channel *sub = fake_new(KSHM_CHANNEL_SUBMISSIONS);
	struct fake_channel *comp = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_process req = { .size = sizeof(req), .max_records = 100 };
	static const uint32_t lens[] = { 0, 3, 8, 255, 256, 257, 999 };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(lens); i++)
		submit(sub, lens[i], 10 + (uint32_t)i, (uint8_t)i);
	kshm_ring_commit(&sub->process);
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_DONE);
	assert_int_equal(req.processed, ARRAY_LEN(lens));
	for (i = 0; i < ARRAY_LEN(lens); i++)
		expect_completion(comp, lens[i], 10 + (uint32_t)i, (uint8_t)i);
	/* The submissions' room went back to the process in one release. */
	assert_int_equal(((struct kshm_ring_consumer *)sub->pages)->pos, sub->process.pos);
	free(sub);
	free(comp);
}

static void test_process_stops_when_completions_full(void **state)
{
	struct fake_channel *sub = fake_new(KSHM_CHANNEL_SUBMISSIONS);
	struct fake_channel *comp = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_process req = { .size = sizeof(req), .max_records = 100000 };
	uint64_t completion_bytes = kshm_ring_record_bytes(sizeof(struct kshm_completion));
	uint64_t fit = DATA / completion_bytes, total = 0, submitted = 0;
	uint32_t i;

	(void)state;
	/* More submissions than the completions ring holds, handed over in batches. */
	for (i = 0; i < 3; i++) {
		while (submitted < (i + 1) * (fit / 2 + 10)) {
			submit(sub, 16, 1, (uint8_t)submitted);
			submitted++;
		}
		kshm_ring_commit(&sub->process);
		assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_DONE);
		total += req.processed;
	}
	/* Full: exactly one completion per submission consumed, the rest left in the ring. */
	assert_int_equal(total, fit);
	assert_int_equal(kshm_ring_pending(&comp->process), fit * completion_bytes);
	assert_int_equal(kshm_ring_pending(&sub->process), 0);	/* producer's view: nothing to read */
	/* What was not consumed was not released (padding may come on top). */
	assert_true(sub->process.pos - ((struct kshm_ring_consumer *)sub->pages)->pos >=
		    (submitted - fit) * kshm_ring_record_bytes(16));
	/* Room again: the rest is served, in order. */
	for (i = 0; i < fit; i++)
		expect_completion(comp, 16, 1, (uint8_t)i);
	kshm_ring_release(&comp->process);
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_DONE);
	assert_int_equal(req.processed, submitted - fit);
	for (i = 0; i < submitted - fit; i++)
		expect_completion(comp, 16, 1, (uint8_t)(fit + i));
	free(sub);
	free(comp);
}

static void test_process_hostile_submission(void **state)
{
	struct fake_channel *sub = fake_new(KSHM_CHANNEL_SUBMISSIONS);
	struct fake_channel *comp = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_process req = { .size = sizeof(req), .max_records = 10 };
	struct kshm_ring_record *hdr = (struct kshm_ring_record *)(sub->pages + 2 * PAGE);

	(void)state;
	submit(sub, 16, 1, 0);
	kshm_ring_commit(&sub->process);
	hdr->len = 5000;	/* longer than what was committed */
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_BROKEN);
	assert_int_equal(req.processed, 0);
	assert_true(sub->sc.broken);
	hdr->len = 16;		/* too late: broken stays broken */
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_BROKEN);
	assert_int_equal(kshm_ring_pending(&comp->process), 0);
	free(sub);
	free(comp);
}

/*
 * The process side of test_process_bounded_per_call, while the kernel
 * yields: keep the producer position a ringful ahead of what the kernel has
 * consumed (the kernel hands room back only at the end of a call, so only a
 * process that ignores it can do this: the records it "publishes" are the
 * last lap's, still valid), and empty the completions.
 */
static struct fake_channel *hook_sub, *hook_comp;

static void keep_producer_ahead(void)
{
	struct kshm_ring_producer *producer = (void *)(hook_sub->pages + PAGE);

	producer->pos = kshm_ring_tell(&hook_sub->sc.ring) + DATA;
	drain(hook_comp, UINT64_MAX);
}

/* One call ends after about one ringful (a call once consumed 512 ringfuls in the VM). */
static void test_process_bounded_per_call(void **state)
{
	struct fake_channel *sub = fake_new(KSHM_CHANNEL_SUBMISSIONS);
	struct fake_channel *comp = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_process req = { .size = sizeof(req), .max_records = UINT32_MAX };
	/*
	 * Large submissions, small completions: without the bound, one ringful of
	 * completions (512) answers 8 ringfuls of submissions (64 each).
	 */
	uint64_t ringful = DATA / kshm_ring_record_bytes(248), i;

	(void)state;
	assert_int_equal(DATA % kshm_ring_record_bytes(248), 0);	/* no padding at the wrap */
	for (i = 0; i < ringful; i++)
		submit(sub, 248, 1, (uint8_t)i);
	kshm_ring_commit(&sub->process);
	hook_sub = sub;
	hook_comp = comp;
	yield_hook = keep_producer_ahead;
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_DONE);
	assert_true(req.processed >= ringful);
	assert_true(req.processed <= ringful + 32);	/* the batch that crossed the line */
	yield_hook = NULL;
	free(sub);
	free(comp);
}

/* Closed channels and signals end the service too. */
static void test_process_stops_on_close_and_signal(void **state)
{
	struct fake_channel *sub = fake_new(KSHM_CHANNEL_SUBMISSIONS);
	struct fake_channel *comp = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_process req = { .size = sizeof(req), .max_records = 100 };
	uint32_t i;

	(void)state;
	for (i = 0; i < 10; i++)
		submit(sub, 16, 1, (uint8_t)i);
	kshm_ring_commit(&sub->process);
	comp->closed = true;
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_CANCELLED);
	assert_int_equal(req.processed, 0);
	comp->closed = false;
	sub->closed = true;
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_CANCELLED);
	sub->closed = false;
	killed = true;
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_INTERRUPTED);
	assert_int_equal(req.processed, 0);
	killed = false;
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_DONE);
	assert_int_equal(req.processed, 10);	/* nothing was lost on the way */
	free(sub);
	free(comp);
}

/* An in-kernel publisher's record (kshm_channel_publish): the payload copied as given. */
static void test_publish_copies_payload(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_ring_entry e = { 0 };
	enum kshm_ring_result st;

	(void)state;
	assert_true(kshm_kchannel_publish_copy(&f->sc, 42, "hello world", 11, &st));
	assert_int_equal(st, KSHM_RING_OK);
	assert_int_equal(kshm_ring_peek(&f->process, &e), KSHM_RING_OK);
	assert_int_equal(e.type, 42);
	assert_int_equal(e.len, 11);
	assert_memory_equal(e.payload, "hello world", 11);
	free(f);
}

/*
 * The kernel API's publish of one record (core/policy.c): its refusals in
 * order, a full ring dropping and counting, a broken ring staying broken.
 */
static void test_publish_record(void **state)
{
	struct fake_channel *f = fake_new(KSHM_CHANNEL_EVENTS);
	struct fake_channel *sub = fake_new(KSHM_CHANNEL_SUBMISSIONS);
	struct kshm_ring_producer *producer = (void *)(f->pages + PAGE);
	static uint8_t big[KSHM_PUBLISH_MAX_RECORD + 1];
	struct kshm_ring_entry e = { 0 };
	uint64_t published = 0;

	(void)state;
	assert_int_equal(kshm_policy_publish_record(&sub->sc, false, 1, "x", 1), KSHM_ERR_INVAL);
	assert_int_equal(kshm_policy_publish_record(&f->sc, false, 1, big, sizeof(big)),
			 KSHM_ERR_TOO_BIG);
	assert_int_equal(kshm_policy_publish_record(&f->sc, true, 1, "x", 1), KSHM_ERR_CLOSED);
	assert_int_equal(kshm_policy_publish_record(&f->sc, false, 7, "hello", 5), KSHM_OK);
	assert_int_equal(kshm_ring_peek(&f->process, &e), KSHM_RING_OK);
	assert_int_equal(e.type, 7);
	assert_memory_equal(e.payload, "hello", 5);
	/* Fill it: the record that does not fit is dropped and counted, never overwritten. */
	while (kshm_policy_publish_record(&f->sc, false, 1, big, 1000) == KSHM_OK)
		published++;
	assert_true(published > 0);
	assert_int_equal(producer->dropped, 1);
	assert_int_equal(kshm_policy_publish_record(&f->sc, false, 1, big, 1000), KSHM_ERR_QUOTA);
	assert_int_equal(producer->dropped, 2);
	/* Room is looked for again, in a consumer position the process made impossible. */
	((struct kshm_ring_consumer *)f->pages)->pos = 12345678;
	assert_int_equal(kshm_policy_publish_record(&f->sc, false, 1, big, 1000), KSHM_ERR_CORRUPT);
	assert_int_equal(kshm_policy_publish_record(&f->sc, false, 1, "x", 1), KSHM_ERR_CORRUPT);
	free(sub);
	free(f);
}

static void test_consumer_policy(void **state)
{
	struct kshm_kchannel events = { .kind = KSHM_CHANNEL_EVENTS };
	struct kshm_kchannel subs = { .kind = KSHM_CHANNEL_SUBMISSIONS };

	(void)state;
	assert_int_equal(kshm_policy_consumer(&subs, false), KSHM_OK);
	assert_int_equal(kshm_policy_consumer(&subs, true), KSHM_ERR_CLOSED);
	assert_int_equal(kshm_policy_consumer(&events, false), KSHM_ERR_INVAL);
}

/*
 * The completions ring's consumer position made impossible by the process:
 * the call ends broken, and no submission counts as consumed without its
 * completion.
 */
static void test_process_hostile_completions(void **state)
{
	struct fake_channel *sub = fake_new(KSHM_CHANNEL_SUBMISSIONS);
	struct fake_channel *comp = fake_new(KSHM_CHANNEL_EVENTS);
	struct kshm_channel_process req = { .size = sizeof(req), .max_records = 100 };
	enum kshm_ring_result st;

	(void)state;
	submit(sub, 16, 1, 1);
	submit(sub, 16, 1, 2);
	kshm_ring_commit(&sub->process);
	/* Full, so that the kernel reads the consumer position again before it writes. */
	while (kshm_kchannel_publish_copy(&comp->sc, 1, sub->pages, sizeof(struct kshm_completion),
					  &st))
		;
	((struct kshm_ring_consumer *)comp->pages)->pos = 12345678;	/* garbage */
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_BROKEN);
	assert_int_equal(req.processed, 0);
	assert_int_equal(((struct kshm_ring_consumer *)sub->pages)->pos, 0);
	/* Broken stays broken: the next call writes nothing, even with a sane position again. */
	assert_true(comp->sc.broken);
	((struct kshm_ring_consumer *)comp->pages)->pos = 0;
	assert_int_equal(kshm_service_process(&sub->sc, &comp->sc, &req), KSHM_SERVICE_BROKEN);
	assert_int_equal(req.processed, 0);
	assert_int_equal(((struct kshm_ring_consumer *)sub->pages)->pos, 0);
	free(sub);
	free(comp);
}

/* A driver's consumer (kshm_kchannel_consume): records in order, a refusal leaves them. */
struct consume_log {
	uint32_t seen, refuse_at;
	uint32_t types[16], lens[16];
};

static int consume_one(void *arg, uint32_t type, const void *payload, uint32_t len)
{
	struct consume_log *log = arg;
	const uint8_t *p = payload;
	uint32_t i;

	if (log->seen == log->refuse_at)
		return -28;	/* -ENOSPC: no room for the answer */
	for (i = 0; i < len; i++)
		assert_int_equal(p[i], (uint8_t)(type + i * 7));
	log->types[log->seen] = type;
	log->lens[log->seen++] = len;
	return 0;
}

static void test_consume_hands_records_in_order(void **state)
{
	struct fake_channel *sub = fake_new(KSHM_CHANNEL_SUBMISSIONS);
	struct consume_log log = { .refuse_at = 3 };
	struct kshm_ring_record *hdr;
	uint32_t consumed, i;
	int refusal;

	(void)state;
	for (i = 0; i < 6; i++)
		submit(sub, 10 * i, 20 + i, (uint8_t)(20 + i));
	kshm_ring_commit(&sub->process);
	/* The driver refuses the fourth: three consumed, the rest stays, released once. */
	assert_int_equal(kshm_kchannel_consume(&sub->sc, 10, consume_one, &log, &consumed, &refusal),
			 KSHM_SERVICE_DONE);
	assert_int_equal(consumed, 3);
	assert_int_equal(refusal, -28);
	assert_int_equal(((struct kshm_ring_consumer *)sub->pages)->pos,
			 kshm_ring_record_bytes(0) + kshm_ring_record_bytes(10) +
			 kshm_ring_record_bytes(20));
	/* Then at most max_records, then the rest; nothing left: 0 and no refusal. */
	log.refuse_at = 100;
	assert_int_equal(kshm_kchannel_consume(&sub->sc, 2, consume_one, &log, &consumed, &refusal),
			 KSHM_SERVICE_DONE);
	assert_int_equal(consumed, 2);
	assert_int_equal(kshm_kchannel_consume(&sub->sc, 10, consume_one, &log, &consumed, &refusal),
			 KSHM_SERVICE_DONE);
	assert_int_equal(consumed, 1);
	assert_int_equal(kshm_kchannel_consume(&sub->sc, 10, consume_one, &log, &consumed, &refusal),
			 KSHM_SERVICE_DONE);
	assert_int_equal(consumed + (uint32_t)refusal, 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(log.types[i], 20 + i);
		assert_int_equal(log.lens[i], 10 * i);
	}
	assert_int_equal(kshm_ring_pending(&sub->process), 0);
	/* A hostile header: broken, and it stays so; the driver saw nothing of it. */
	submit(sub, 16, 20, 20);
	kshm_ring_commit(&sub->process);
	hdr = kshm_ring_record_at(&sub->process, sub->process.pos - kshm_ring_record_bytes(16));
	hdr->len = 5000;
	assert_int_equal(kshm_kchannel_consume(&sub->sc, 10, consume_one, &log, &consumed, &refusal),
			 KSHM_SERVICE_BROKEN);
	assert_int_equal(consumed, 0);
	assert_true(sub->sc.broken);
	assert_int_equal(kshm_kchannel_consume(&sub->sc, 10, consume_one, &log, &consumed, &refusal),
			 KSHM_SERVICE_BROKEN);
	assert_int_equal(log.seen, 6);
	free(sub);
}

static void test_user_writable_pages(void **state)
{
	(void)state;
	assert_true(kshm_channel_user_writable_pages(KSHM_CHANNEL_EVENTS, 0, 1));
	assert_false(kshm_channel_user_writable_pages(KSHM_CHANNEL_EVENTS, 0, 2));
	assert_false(kshm_channel_user_writable_pages(KSHM_CHANNEL_EVENTS, 1, 1));
	assert_false(kshm_channel_user_writable_pages(KSHM_CHANNEL_SUBMISSIONS, 0, 1));
	assert_true(kshm_channel_user_writable_pages(KSHM_CHANNEL_SUBMISSIONS, 1, 5));
}

static void test_generate_batch(void **state)
{
	(void)state;
	assert_int_equal(kshm_generate_batch(8), 64);
	assert_int_equal(kshm_generate_batch(2048), 32);
	assert_int_equal(kshm_generate_batch(KSHM_GENERATE_MAX_RECORD), 1);
	assert_int_equal(kshm_generate_batch(UINT32_MAX), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_drops_when_full),
		cmocka_unit_test(test_generate_blocks_for_room),
		cmocka_unit_test(test_generate_interrupted),
		cmocka_unit_test(test_generate_closed_cancels),
		cmocka_unit_test(test_generate_bounded_per_call),
		cmocka_unit_test(test_generate_wakes_only_when_asked),
		cmocka_unit_test(test_generate_hostile_consumer),
		cmocka_unit_test(test_process_echoes_checksums),
		cmocka_unit_test(test_process_stops_when_completions_full),
		cmocka_unit_test(test_process_hostile_submission),
		cmocka_unit_test(test_process_bounded_per_call),
		cmocka_unit_test(test_process_stops_on_close_and_signal),
		cmocka_unit_test(test_publish_copies_payload),
		cmocka_unit_test(test_publish_record),
		cmocka_unit_test(test_consumer_policy),
		cmocka_unit_test(test_process_hostile_completions),
		cmocka_unit_test(test_consume_hands_records_in_order),
		cmocka_unit_test(test_user_writable_pages),
		cmocka_unit_test(test_generate_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
