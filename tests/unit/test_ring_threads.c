// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ring with a real concurrent producer and consumer, under
 * ThreadSanitizer: two threads (with sleeping and wake-ups), and two
 * processes over a shared mapping (as kernel and process are).
 */
#include "unit.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/ring.h"

#define DATA_SIZE 4096
#define RECORDS 100000

struct shared_ring {
	struct kshm_ring_consumer consumer;
	_Alignas(64) struct kshm_ring_producer producer;	/* own cache line */
	_Alignas(64) uint8_t data[DATA_SIZE];
};

/* Payload bytes derived from the sequence number: a lost, repeated or torn record shows. */
static uint8_t payload_byte(uint64_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131 + i * 7);
}

static uint32_t payload_len(uint64_t seq, uint32_t max)
{
	return (uint32_t)((seq * 2654435761u) % (max + 1));
}

static void produce_all(struct kshm_ring *ring, void (*wake)(void *), void *wake_arg)
{
	uint32_t max = kshm_ring_max_payload(ring);
	uint64_t seq = 0;

	while (seq < RECORDS) {
		uint32_t len = payload_len(seq, max), i;
		enum kshm_ring_result st;
		uint8_t *p = kshm_ring_reserve(ring, len, (uint32_t)seq, &st);

		if (!p) {
			assert_int_equal(st, KSHM_RING_FULL);
			kshm_ring_commit(ring);
			if (wake && kshm_ring_need_wakeup(ring))
				wake(wake_arg);
			sched_yield();
			continue;
		}
		for (i = 0; i < len; i++)
			p[i] = payload_byte(seq, i);
		seq++;
		if (seq % 8 == 0 || seq == RECORDS) {	/* batches of 8 */
			kshm_ring_commit(ring);
			if (wake && kshm_ring_need_wakeup(ring))
				wake(wake_arg);
		}
	}
}

/* Returns the number of records that arrived intact and in order. */
static uint64_t consume_all(struct kshm_ring *ring, bool (*sleep_fn)(void *), void *sleep_arg)
{
	uint64_t seq = 0;

	while (seq < RECORDS) {
		struct kshm_ring_entry e;
		enum kshm_ring_result st = kshm_ring_peek(ring, &e);
		uint32_t i;

		if (st == KSHM_RING_EMPTY) {
			kshm_ring_release(ring);
			if (sleep_fn && kshm_ring_prepare_wait(ring, 0)) {
				if (!sleep_fn(sleep_arg))
					return seq;	/* a lost wake-up */
				kshm_ring_finish_wait(ring);
			} else {
				sched_yield();
			}
			continue;
		}
		if (st != KSHM_RING_OK || e.type != (uint32_t)seq)
			return seq;
		for (i = 0; i < e.len; i++)
			if (((const uint8_t *)e.payload)[i] != payload_byte(seq, i))
				return seq;
		kshm_ring_advance(ring, &e);
		seq++;
		if (seq % 16 == 0)
			kshm_ring_release(ring);
	}
	return seq;
}

struct doorbell {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t rings;
	uint64_t seen;
	int timeouts;
};

static void doorbell_ring(void *arg)
{
	struct doorbell *bell = arg;

	pthread_mutex_lock(&bell->lock);
	bell->rings++;
	pthread_cond_signal(&bell->cond);
	pthread_mutex_unlock(&bell->lock);
}

/*
 * Sleep until the producer rings. A wake-up lost by the protocol shows as a
 * 5 s timeout, which fails the test.
 */
static bool doorbell_sleep(void *arg)
{
	struct doorbell *bell = arg;
	struct timespec deadline;
	int err = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	pthread_mutex_lock(&bell->lock);
	while (bell->rings == bell->seen && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&bell->cond, &bell->lock, &deadline);
	bell->seen = bell->rings;
	if (err == ETIMEDOUT)
		bell->timeouts++;
	pthread_mutex_unlock(&bell->lock);
	return err != ETIMEDOUT;
}

struct thread_pair {
	struct shared_ring mem;
	struct kshm_ring prod;
	struct kshm_ring cons;
	struct doorbell bell;
};

static void *producer_thread(void *arg)
{
	struct thread_pair *tp = arg;

	produce_all(&tp->prod, doorbell_ring, &tp->bell);
	return NULL;
}

static void test_two_threads_with_wakeups(void **state)
{
	struct thread_pair *tp = calloc(1, sizeof(*tp));
	pthread_t producer;

	(void)state;
	assert_non_null(tp);
	pthread_mutex_init(&tp->bell.lock, NULL);
	pthread_cond_init(&tp->bell.cond, NULL);
	assert_int_equal(kshm_ring_init(&tp->prod, &tp->mem.consumer, &tp->mem.producer,
					 tp->mem.data, DATA_SIZE), KSHM_OK);
	assert_int_equal(kshm_ring_init(&tp->cons, &tp->mem.consumer, &tp->mem.producer,
					 tp->mem.data, DATA_SIZE), KSHM_OK);
	assert_int_equal(pthread_create(&producer, NULL, producer_thread, tp), 0);
	assert_int_equal(consume_all(&tp->cons, doorbell_sleep, &tp->bell), RECORDS);
	pthread_join(producer, NULL);
	assert_int_equal(tp->bell.timeouts, 0);
	free(tp);
}

static void test_two_processes_over_shared_memory(void **state)
{
	struct shared_ring *mem = mmap(NULL, sizeof(*mem), PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kshm_ring ring;
	int status;
	pid_t pid;

	(void)state;
	assert_true(mem != MAP_FAILED);
	assert_int_equal(kshm_ring_init(&ring, &mem->consumer, &mem->producer, mem->data,
					 DATA_SIZE), KSHM_OK);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		produce_all(&ring, NULL, NULL);
		_exit(0);
	}
	assert_int_equal(consume_all(&ring, NULL, NULL), RECORDS);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	munmap(mem, sizeof(*mem));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_threads_with_wakeups),
		cmocka_unit_test(test_two_processes_over_shared_memory),
	};

	return cmocka_run_group_tests_name("ring_threads", tests, NULL, NULL);
}
