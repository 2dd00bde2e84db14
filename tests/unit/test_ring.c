// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The ring protocol, one side at a time, including hostile peers. */
#include "unit.h"

#include "core/ring.h"

#define DATA_SIZE 256

struct shared_ring {
	struct kshm_ring_consumer consumer;
	struct kshm_ring_producer producer;
	_Alignas(8) uint8_t data[DATA_SIZE];
};

struct pair {
	struct shared_ring mem;
	struct kshm_ring prod;
	struct kshm_ring cons;
};

static void pair_init(struct pair *p)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(kshm_ring_init(&p->prod, &p->mem.consumer, &p->mem.producer, p->mem.data,
					 DATA_SIZE), KSHM_OK);
	assert_int_equal(kshm_ring_init(&p->cons, &p->mem.consumer, &p->mem.producer, p->mem.data,
					 DATA_SIZE), KSHM_OK);
}

static void produce(struct pair *p, uint32_t len, uint32_t type, uint8_t fill)
{
	enum kshm_ring_result st;
	void *payload = kshm_ring_reserve(&p->prod, len, type, &st);

	assert_int_equal(st, KSHM_RING_OK);
	assert_non_null(payload);
	memset(payload, fill, len);
}

static void consume(struct pair *p, uint32_t len, uint32_t type, uint8_t fill)
{
	struct kshm_ring_entry e = { 0 };
	uint32_t i;

	assert_int_equal(kshm_ring_peek(&p->cons, &e), KSHM_RING_OK);
	assert_int_equal(e.len, len);
	assert_int_equal(e.type, type);
	for (i = 0; i < len; i++)
		assert_int_equal(((const uint8_t *)e.payload)[i], fill);
	kshm_ring_advance(&p->cons, &e);
}

static void test_init_rejects_bad_sizes(void **state)
{
	struct pair p;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(kshm_ring_init(&p.prod, &p.mem.consumer, &p.mem.producer, p.mem.data, 0),
			 KSHM_ERR_INVAL);
	assert_int_equal(kshm_ring_init(&p.prod, &p.mem.consumer, &p.mem.producer, p.mem.data, 32),
			 KSHM_ERR_INVAL);
	assert_int_equal(kshm_ring_init(&p.prod, &p.mem.consumer, &p.mem.producer, p.mem.data, 96),
			 KSHM_ERR_INVAL);
	assert_int_equal(kshm_ring_init(&p.prod, &p.mem.consumer, &p.mem.producer, p.mem.data, 64),
			 KSHM_OK);
}

static void test_records_arrive_in_order(void **state)
{
	struct pair p;
	struct kshm_ring_entry e = { 0 };

	(void)state;
	pair_init(&p);
	produce(&p, 1, 10, 0xa1);
	produce(&p, 0, 11, 0);
	produce(&p, 13, 12, 0xa3);
	kshm_ring_commit(&p.prod);
	consume(&p, 1, 10, 0xa1);
	consume(&p, 0, 11, 0);
	consume(&p, 13, 12, 0xa3);
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_EMPTY);
}

static void test_uncommitted_records_are_invisible(void **state)
{
	struct pair p;
	struct kshm_ring_entry e = { 0 };

	(void)state;
	pair_init(&p);
	produce(&p, 8, 1, 1);
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_EMPTY);
	assert_int_equal(p.mem.producer.pos, 0);
	kshm_ring_commit(&p.prod);
	assert_int_equal(p.mem.producer.pos, 16);
	consume(&p, 8, 1, 1);
}

static void test_full_ring_refuses_until_released(void **state)
{
	struct pair p;
	enum kshm_ring_result st;
	int i;

	(void)state;
	pair_init(&p);
	for (i = 0; i < DATA_SIZE / 32; i++)
		produce(&p, 24, (uint32_t)i, (uint8_t)i);	/* 32 bytes each */
	assert_null(kshm_ring_reserve(&p.prod, 0, 99, &st));
	assert_int_equal(st, KSHM_RING_FULL);
	kshm_ring_commit(&p.prod);
	consume(&p, 24, 0, 0);
	/* stepped past but not released: still full for the producer */
	assert_null(kshm_ring_reserve(&p.prod, 0, 99, &st));
	assert_int_equal(st, KSHM_RING_FULL);
	kshm_ring_release(&p.cons);
	produce(&p, 24, 100, 0x55);
}

static void test_wrap_inserts_pad_and_never_splits_a_record(void **state)
{
	struct pair p;
	struct kshm_ring_entry e = { 0 };
	int round;

	(void)state;
	pair_init(&p);
	/* 72-byte records: the 4th of each lap does not fit before the end. */
	for (round = 0; round < 50; round++) {
		produce(&p, 64, (uint32_t)round, (uint8_t)round);
		kshm_ring_commit(&p.prod);
		assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_OK);
		assert_int_equal(e.type, (uint32_t)round);
		assert_true((const uint8_t *)e.payload + e.len <= p.mem.data + DATA_SIZE);
		consume(&p, 64, (uint32_t)round, (uint8_t)round);
		kshm_ring_release(&p.cons);
	}
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_EMPTY);
}

static void test_too_big_and_max_payload(void **state)
{
	struct pair p;
	enum kshm_ring_result st;

	(void)state;
	pair_init(&p);
	assert_int_equal(kshm_ring_max_payload(&p.prod), DATA_SIZE / 2 - 8);
	assert_null(kshm_ring_reserve(&p.prod, DATA_SIZE / 2 - 7, 1, &st));
	assert_int_equal(st, KSHM_RING_TOO_BIG);
	assert_null(kshm_ring_reserve(&p.prod, UINT32_MAX, 1, &st));
	assert_int_equal(st, KSHM_RING_TOO_BIG);
	/* a maximal record always fits an empty ring, wherever the positions are */
	produce(&p, 40, 1, 1);
	kshm_ring_commit(&p.prod);
	consume(&p, 40, 1, 1);
	kshm_ring_release(&p.cons);
	produce(&p, DATA_SIZE / 2 - 8, 2, 2);
	kshm_ring_commit(&p.prod);
	consume(&p, DATA_SIZE / 2 - 8, 2, 2);
}

static void test_discarded_records_are_skipped(void **state)
{
	struct pair p;
	enum kshm_ring_result st;
	void *payload;

	(void)state;
	pair_init(&p);
	produce(&p, 4, 1, 1);
	payload = kshm_ring_reserve(&p.prod, 20, 2, &st);
	assert_non_null(payload);
	kshm_ring_discard(&p.prod, payload);
	produce(&p, 4, 3, 3);
	kshm_ring_commit(&p.prod);
	consume(&p, 4, 1, 1);
	consume(&p, 4, 3, 3);
}

/* A consumer that writes garbage into its position must not make the producer overwrite anything. */
static void test_hostile_consumer_position(void **state)
{
	const uint64_t bad[] = { 257, 1000, UINT64_MAX, (uint64_t)-(int64_t)DATA_SIZE - 8 };
	struct pair p;
	enum kshm_ring_result st;
	uint8_t before[DATA_SIZE];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		pair_init(&p);
		for (n = 0; n < DATA_SIZE / 32; n++)
			produce(&p, 24, 7, 0x77);	/* fill the ring */
		kshm_ring_commit(&p.prod);
		memcpy(before, p.mem.data, DATA_SIZE);
		p.mem.consumer.pos = bad[i];	/* ahead of the producer, or too far behind */
		assert_null(kshm_ring_reserve(&p.prod, 24, 8, &st));
		assert_int_equal(st, KSHM_RING_CORRUPT);
		assert_memory_equal(before, p.mem.data, DATA_SIZE);
	}
}

static void test_hostile_producer_position(void **state)
{
	struct pair p;
	struct kshm_ring_entry e = { 0 };

	(void)state;
	pair_init(&p);
	p.mem.producer.pos = DATA_SIZE + 8;	/* claims more than the ring holds */
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
	p.mem.producer.pos = (uint64_t)-8;	/* behind the consumer */
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
	assert_int_equal(kshm_ring_pending(&p.cons), 0);
	p.mem.producer.pos = 4;			/* less than a header */
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
}

/*
 * Found by tests/fuzz/fuzz_ring_consumer: a producer that takes back part of
 * what it committed, seen by kshm_ring_pending() between peek and advance,
 * must not leave the consumer's position past the producer's (from there the
 * consumer would take any bytes of the area for records, without end).
 */
static void test_producer_position_moving_back(void **state)
{
	struct pair p;
	struct kshm_ring_entry e = { 0 };

	(void)state;
	pair_init(&p);
	produce(&p, 8, 1, 0x11);
	produce(&p, 8, 2, 0x22);
	kshm_ring_commit(&p.prod);
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_OK);
	p.mem.producer.pos = 0;			/* takes both records back */
	assert_int_equal(kshm_ring_pending(&p.cons), 0);
	kshm_ring_advance(&p.cons, &e);
	assert_true(p.cons.other_pos - p.cons.pos <= DATA_SIZE);
	/* What was committed stays readable; nothing after it is. */
	consume(&p, 8, 2, 0x22);
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
	assert_true(p.cons.other_pos - p.cons.pos <= DATA_SIZE);
}

static void write_raw_header(struct pair *p, uint64_t off, uint32_t len, uint32_t type)
{
	struct kshm_ring_record rec = { .len = len, .type = type };

	memcpy(p->mem.data + off, &rec, sizeof(rec));
}

static void test_hostile_record_headers(void **state)
{
	struct pair p;
	struct kshm_ring_entry e = { 0 };

	(void)state;
	/* longer than what was committed */
	pair_init(&p);
	write_raw_header(&p, 0, 100, 1);
	p.mem.producer.pos = 64;
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
	/* running past the end of the data area */
	pair_init(&p);
	p.cons.pos = p.cons.other_pos = DATA_SIZE - 16;
	write_raw_header(&p, DATA_SIZE - 16, 64, 1);
	p.mem.producer.pos = DATA_SIZE + 64;
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
	/* a PAD that does not reach the end */
	pair_init(&p);
	write_raw_header(&p, 0, 8 | KSHM_RECORD_PAD, 0);
	p.mem.producer.pos = 64;
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
	/* longer than any record an honest producer makes, though committed and inside the area */
	pair_init(&p);
	write_raw_header(&p, 0, DATA_SIZE / 2, 1);
	p.mem.producer.pos = DATA_SIZE;
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
	/* the largest length field */
	pair_init(&p);
	write_raw_header(&p, 0, KSHM_RECORD_LEN_MASK, 1);
	p.mem.producer.pos = DATA_SIZE;
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_CORRUPT);
}

static void test_wakeup_only_when_asked_and_past_threshold(void **state)
{
	struct pair p;

	(void)state;
	pair_init(&p);
	produce(&p, 8, 1, 1);
	kshm_ring_commit(&p.prod);
	assert_false(kshm_ring_need_wakeup(&p.prod));	/* consumer is not sleeping */
	consume(&p, 8, 1, 1);
	kshm_ring_release(&p.cons);

	assert_true(kshm_ring_prepare_wait(&p.cons, 48));	/* empty: may sleep */
	produce(&p, 8, 2, 2);				/* 16 bytes pending */
	kshm_ring_commit(&p.prod);
	assert_false(kshm_ring_need_wakeup(&p.prod));	/* below the threshold */
	produce(&p, 24, 3, 3);				/* 48 pending */
	kshm_ring_commit(&p.prod);
	assert_true(kshm_ring_need_wakeup(&p.prod));
	kshm_ring_finish_wait(&p.cons);
	assert_false(kshm_ring_need_wakeup(&p.prod));
	/* data already there: prepare_wait says do not sleep, and clears the flag */
	assert_false(kshm_ring_prepare_wait(&p.cons, 0));
	assert_int_equal(p.mem.consumer.flags, 0);
}

/* poll()'s readiness follows the wake-up rule: a waiting consumer's threshold counts. */
static void test_consumer_ready_honours_the_threshold(void **state)
{
	struct pair p;

	(void)state;
	pair_init(&p);
	assert_false(kshm_ring_consumer_ready(&p.prod));	/* nothing unread */
	produce(&p, 8, 1, 1);
	assert_false(kshm_ring_consumer_ready(&p.prod));	/* reserved, not published */
	kshm_ring_commit(&p.prod);
	assert_true(kshm_ring_consumer_ready(&p.prod));		/* not waiting: any record */
	assert_true(kshm_ring_prepare_wait(&p.cons, 64));	/* 16 < 64: may sleep */
	assert_false(kshm_ring_consumer_ready(&p.prod));	/* so poll() must not return */
	produce(&p, 40, 2, 2);
	kshm_ring_commit(&p.prod);				/* 64 pending */
	assert_true(kshm_ring_consumer_ready(&p.prod));
	kshm_ring_finish_wait(&p.cons);
	consume(&p, 8, 1, 1);
	consume(&p, 40, 2, 2);
	kshm_ring_release(&p.cons);
	assert_false(kshm_ring_consumer_ready(&p.prod));	/* all read */
	/* an impossible consumer position: ready, so that its owner sees the error */
	p.mem.consumer.pos = p.prod.published + 8;
	assert_true(kshm_ring_consumer_ready(&p.prod));
}

static void test_producer_waits_for_room_and_is_kicked(void **state)
{
	struct pair p;
	int i;

	(void)state;
	pair_init(&p);
	assert_false(kshm_ring_producer_waiting(&p.cons));
	for (i = 0; i < DATA_SIZE / 32; i++)
		produce(&p, 24, (uint32_t)i, (uint8_t)i);
	kshm_ring_commit(&p.prod);
	assert_true(kshm_ring_prepare_wait_space(&p.prod, 24));	/* full: may sleep */
	assert_true(kshm_ring_producer_waiting(&p.cons));	/* so the consumer kicks */
	consume(&p, 24, 0, 0);
	kshm_ring_release(&p.cons);
	kshm_ring_finish_wait_space(&p.prod);
	assert_false(kshm_ring_producer_waiting(&p.cons));
	/* room appeared before sleeping: do not sleep, and do not ask for a kick */
	assert_false(kshm_ring_prepare_wait_space(&p.prod, 24));
	assert_false(kshm_ring_producer_waiting(&p.cons));
	/* a record needing the padding in front of it counts that too */
	produce(&p, 24, 100, 0x55);
	assert_true(kshm_ring_prepare_wait_space(&p.prod, 100));
	kshm_ring_finish_wait_space(&p.prod);
}

/* Stepping back over records peeked but not released: they come again, in order. */
static void test_rewind_before_release(void **state)
{
	struct pair p;
	struct kshm_ring_entry e = { 0 };
	uint64_t mark;

	(void)state;
	pair_init(&p);
	produce(&p, 8, 1, 0x11);
	produce(&p, 8, 2, 0x22);
	produce(&p, 8, 3, 0x33);
	kshm_ring_commit(&p.prod);
	consume(&p, 8, 1, 0x11);
	mark = kshm_ring_tell(&p.cons);
	consume(&p, 8, 2, 0x22);
	consume(&p, 8, 3, 0x33);
	kshm_ring_rewind(&p.cons, mark);
	assert_true(kshm_ring_tell(&p.cons) == mark);
	/* Only what was stepped past before the mark is handed back. */
	kshm_ring_release(&p.cons);
	assert_true(p.mem.consumer.pos == mark);
	consume(&p, 8, 2, 0x22);
	consume(&p, 8, 3, 0x33);
	assert_int_equal(kshm_ring_peek(&p.cons, &e), KSHM_RING_EMPTY);
	kshm_ring_release(&p.cons);
	assert_true(p.mem.consumer.pos == p.prod.pos);
}

static void test_drop_counter(void **state)
{
	struct pair p;

	(void)state;
	pair_init(&p);
	kshm_ring_count_drop(&p.prod);
	kshm_ring_count_drop(&p.prod);
	assert_int_equal(p.mem.producer.dropped, 2);
}

/* Random sizes over many laps: what comes out is what went in. */
static void test_random_stream(void **state)
{
	struct pair p;
	uint64_t rnd = 42, sent = 0, got = 0;
	struct kshm_ring_entry e = { 0 };
	enum kshm_ring_result st;

	(void)state;
	pair_init(&p);
	while (got < 20000) {
		uint32_t len = (uint32_t)(unit_rand(&rnd) % (kshm_ring_max_payload(&p.prod) + 1));
		void *payload = kshm_ring_reserve(&p.prod, len, (uint32_t)sent, &st);

		if (payload) {
			memset(payload, (int)(sent & 0xff), len);
			sent++;
			if (unit_rand(&rnd) & 1)
				kshm_ring_commit(&p.prod);
			continue;
		}
		assert_int_equal(st, KSHM_RING_FULL);
		kshm_ring_commit(&p.prod);
		while (kshm_ring_peek(&p.cons, &e) == KSHM_RING_OK) {
			assert_int_equal(e.type, (uint32_t)got);
			if (e.len)
				assert_int_equal(((const uint8_t *)e.payload)[e.len - 1], got & 0xff);
			kshm_ring_advance(&p.cons, &e);
			got++;
		}
		kshm_ring_release(&p.cons);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_sizes),
		cmocka_unit_test(test_records_arrive_in_order),
		cmocka_unit_test(test_uncommitted_records_are_invisible),
		cmocka_unit_test(test_full_ring_refuses_until_released),
		cmocka_unit_test(test_wrap_inserts_pad_and_never_splits_a_record),
		cmocka_unit_test(test_too_big_and_max_payload),
		cmocka_unit_test(test_discarded_records_are_skipped),
		cmocka_unit_test(test_hostile_consumer_position),
		cmocka_unit_test(test_hostile_producer_position),
		cmocka_unit_test(test_producer_position_moving_back),
		cmocka_unit_test(test_hostile_record_headers),
		cmocka_unit_test(test_wakeup_only_when_asked_and_past_threshold),
		cmocka_unit_test(test_consumer_ready_honours_the_threshold),
		cmocka_unit_test(test_producer_waits_for_room_and_is_kicked),
		cmocka_unit_test(test_rewind_before_release),
		cmocka_unit_test(test_drop_counter),
		cmocka_unit_test(test_random_stream),
	};

	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
