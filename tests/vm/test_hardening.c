// SPDX-License-Identifier: MIT
/*
 * Defects found in review, each as the request sequence that showed it: a
 * generator that never ended (soft lockup, then panic), a service call a
 * hostile producer could keep going for hundreds of ringfuls, a new object's
 * id read after another thread could free it, a waiter that kill -9 could
 * not end.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kshm.h>
#include <kshm/channel.h>
#include <kshm/ring.h>

#include "guest_util.h"
#include "limits.h"	/* core/limits.h: KSHM_MAX_REGION_ID */
#include "vmtest.h"

#define PAGE 4096

static uint64_t seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - start->tv_sec);
}

/*
 * A one-page events ring, count = ~0, no KSHM_GENERATE_BLOCK, nobody
 * consuming: the call ends once the ring stays full (this hung the machine:
 * the drop path never rescheduled and count had no bound).
 */
TEST(generate_unbounded_into_full_ring_ends)
{
	uint64_t produced = 0, dropped = 0;
	struct kshm_channel *ch;
	struct timespec start;
	struct kshm *k;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &ch));
	clock_gettime(CLOCK_MONOTONIC, &start);
	expect_ok(guest_generate(ch, UINT64_MAX, 8, 0, 0, &produced, &dropped));
	expect(seconds_since(&start) < 30);
	expect(produced == PAGE / 16);	/* 8 payload bytes + 8 of header */
	expect(dropped == 64);		/* a batch of passes that found the ring full */
	expect(kshm_channel_dropped(ch) == dropped);
	kshm_close(k);
	expect(guest_counters_drain());
}

static void noop_handler(int sig)
{
	(void)sig;
}

struct blocked_generator {
	struct kshm_channel *events;
	int err;
	uint64_t produced;
	atomic_bool started;
};

static void *blocked_generate(void *arg)
{
	struct blocked_generator *g = arg;

	atomic_store(&g->started, true);
	g->err = guest_generate(g->events, UINT64_MAX, 8, 0, KSHM_GENERATE_BLOCK,
				&g->produced, NULL);
	return NULL;
}

/*
 * Any signal ends a service call, not only a fatal one: a blocked generator
 * returns what it produced (or EINTR before any record) when a handler runs.
 */
TEST(signal_ends_blocked_generator)
{
	struct sigaction sa = { .sa_handler = noop_handler };	/* no SA_RESTART */
	struct blocked_generator g = { .err = 1 };
	struct timespec deadline;
	pthread_t thread;
	struct kshm *k;

	expect_ok(sigaction(SIGUSR1, &sa, NULL));
	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &g.events));
	expect_ok(pthread_create(&thread, NULL, blocked_generate, &g));
	while (!atomic_load(&g.started))
		usleep(1000);
	usleep(300000);		/* the ring is full by now and the generator asleep */
	expect_ok(pthread_kill(thread, SIGUSR1));
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	expect(pthread_timedjoin_np(thread, NULL, &deadline) == 0);
	expect(g.err == 0 || g.err == -EINTR);
	if (g.err == 0)
		expect(g.produced == PAGE / 16);
	kshm_close(k);
	expect(guest_counters_drain());
}

/* ---- a hostile producer against KSHM_IOC_CHANNEL_PROCESS ---- */

struct raw_channel {
	struct kshm_channel_create create;
	uint8_t *base;		/* consumer page, producer page, data */
};

static void raw_channel(int fd, uint32_t kind, uint64_t data_bytes, struct raw_channel *ch)
{
	int events = kind == KSHM_CHANNEL_EVENTS;

	memset(ch, 0, sizeof(*ch));
	ch->create.size = sizeof(ch->create);
	ch->create.kind = kind;
	ch->create.data_bytes = data_bytes;
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &ch->create));
	/* The process writes only its side: map read-only, then that part writable. */
	ch->base = mmap(NULL, ch->create.mapped_length, PROT_READ, MAP_SHARED, fd,
			(off_t)ch->create.mmap_offset);
	expect(ch->base != MAP_FAILED);
	if (events)
		expect(mmap(ch->base, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
			    (off_t)ch->create.mmap_offset) == ch->base);
	else
		expect(mmap(ch->base + PAGE, ch->create.mapped_length - PAGE,
			    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
			    (off_t)ch->create.mmap_offset + PAGE) == ch->base + PAGE);
}

#define SUB_DATA (64 * 1024)
#define SUB_PAYLOAD 248				/* a 256-byte record: no padding at the wrap */
#define SUB_RINGFUL (SUB_DATA / 256)
#define COMP_DATA (1024 * 1024)			/* 32768 completions: 128 submission ringfuls */

struct hostile {
	struct raw_channel *sub, *comp;
	atomic_bool stop;
};

/*
 * The kernel hands the submissions' room back only when a call ends, but it
 * writes each completion into the shared pages as it goes: counting them
 * tells how far it has consumed, and the producer position is kept a
 * ringful ahead of that (the records there are the last lap's, still valid).
 */
static void *keep_producer_ahead(void *arg)
{
	struct hostile *h = arg;
	struct kshm_ring_producer *producer = (void *)(h->sub->base + PAGE);
	const uint8_t *comp_data = h->comp->base + 2 * PAGE;
	uint64_t done = 0, rec = kshm_ring_record_bytes(sizeof(struct kshm_completion));

	while (!atomic_load(&h->stop)) {
		while (done < COMP_DATA / rec) {
			const struct kshm_ring_record *hdr = (const void *)(comp_data + done * rec);

			if (__atomic_load_n(&hdr->type, __ATOMIC_ACQUIRE) != KSHM_COMPLETION_TYPE)
				break;
			done++;
		}
		__atomic_store_n(&producer->pos, (done + SUB_RINGFUL) * 256, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Both channels, a full ringful of submissions, and the hostile producer started. */
static void hostile_start(int fd, struct hostile *h, pthread_t *thread,
			  struct kshm_channel_process *p)
{
	struct kshm_ring_producer *producer;
	uint64_t i;

	raw_channel(fd, KSHM_CHANNEL_SUBMISSIONS, SUB_DATA, h->sub);
	raw_channel(fd, KSHM_CHANNEL_EVENTS, COMP_DATA, h->comp);
	producer = (void *)(h->sub->base + PAGE);
	for (i = 0; i < SUB_RINGFUL; i++) {
		struct kshm_ring_record *hdr = (void *)(h->sub->base + 2 * PAGE + i * 256);

		hdr->len = SUB_PAYLOAD;
		hdr->type = 1;
		memset(hdr + 1, (int)i, SUB_PAYLOAD);
	}
	__atomic_store_n(&producer->pos, (uint64_t)SUB_DATA, __ATOMIC_RELEASE);
	expect_ok(pthread_create(thread, NULL, keep_producer_ahead, h));
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->max_records = UINT32_MAX;
	p->submissions = h->sub->create.id;
	p->completions = h->comp->create.id;
}

TEST(process_bounded_against_hostile_producer)
{
	struct kshm_channel_process p;
	struct raw_channel sub, comp;
	struct hostile h = { .sub = &sub, .comp = &comp };
	pthread_t thread;
	int fd = guest_open();

	hostile_start(fd, &h, &thread, &p);
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_PROCESS, &p));
	atomic_store(&h.stop, true);
	pthread_join(thread, NULL);
	/* About one ringful (the batch that crossed the line on top), not 128. */
	expect(p.processed >= SUB_RINGFUL);
	expect(p.processed <= SUB_RINGFUL + 32);
	munmap(sub.base, sub.create.mapped_length);
	munmap(comp.base, comp.create.mapped_length);
	close(fd);
	expect(guest_counters_drain());
}

/* ---- a new object's id, read after another thread could free the object ---- */

/* Ids are cyclic in [1, KSHM_MAX_REGION_ID] (core/limits.h), like the driver's cursor. */
static uint32_t next_id(uint32_t id)
{
	return id == KSHM_MAX_REGION_ID ? 1 : id + 1;
}

struct destroyer {
	int fd;
	atomic_uint next;	/* the id the creator will get next; only the destroyer moves it */
	atomic_bool stop;
	unsigned long destroyed;
};

/* Destroy each id the moment it exists, before its creator's ioctl returns if it can. */
static void *destroy_next(void *arg)
{
	struct destroyer *d = arg;
	struct kshm_region_destroy req = { .size = sizeof(req) };

	while (!atomic_load(&d->stop)) {
		req.id = atomic_load(&d->next);
		if (guest_ioctl(d->fd, KSHM_IOC_REGION_DESTROY, &req) == 0) {
			d->destroyed++;
			atomic_store(&d->next, next_id(req.id));
		}
	}
	return NULL;
}

/*
 * Create regions, attach buffers and create channels, `rounds` in all, while
 * another thread destroys each new id as soon as it is inserted: every reply
 * carries the id the insert gave (ids are sequential here), never one read
 * from an object already freed.
 */
static void race_creates_against_destroyer(uint32_t rounds)
{
	static uint8_t buffer[2 * PAGE];
	struct destroyer d = { .fd = guest_open() };
	pthread_t thread;
	uint32_t want = 1;
	uint32_t i;

	atomic_store(&d.next, 1);
	expect_ok(pthread_create(&thread, NULL, destroy_next, &d));
	for (i = 0; i < rounds; i++) {
		union {
			struct kshm_region_create region;
			struct kshm_buffer_attach attach;
			struct kshm_channel_create channel;
		} req;
		uint32_t got;
		long err;

		memset(&req, 0, sizeof(req));
		switch (i % 3) {
		case 0:
			req.region.size = sizeof(req.region);
			req.region.length = PAGE;
			err = guest_ioctl(d.fd, KSHM_IOC_REGION_CREATE, &req.region);
			got = req.region.id;
			if (!err)
				expect(req.region.mmap_offset == (uint64_t)got << 32);
			break;
		case 1:
			req.attach.size = sizeof(req.attach);
			req.attach.user_addr = (uintptr_t)buffer;
			req.attach.length = sizeof(buffer);
			err = guest_ioctl(d.fd, KSHM_IOC_BUFFER_ATTACH, &req.attach);
			got = req.attach.id;
			break;
		default:
			req.channel.size = sizeof(req.channel);
			req.channel.kind = KSHM_CHANNEL_EVENTS;
			req.channel.data_bytes = PAGE;
			err = guest_ioctl(d.fd, KSHM_IOC_CHANNEL_CREATE, &req.channel);
			got = req.channel.id;
			break;
		}
		expect_ok(err);
		expect(got == want);
		want = next_id(want);
		while (atomic_load(&d.next) != want)	/* let the destroyer catch up */
			;
	}
	atomic_store(&d.stop, true);
	pthread_join(thread, NULL);
	expect(d.destroyed == rounds);
	close(d.fd);
	expect(guest_counters_drain());
}

/* The window is a few instructions wide: many rounds, the ids wrapping around twice. */
TEST(create_races_destroy_of_its_id)
{
	race_creates_against_destroyer(2 * KSHM_MAX_REGION_ID + 100);
}

#define RACE_DELAY_KO "/kshm_race_delay.ko"

/*
 * The same race with the window held open: tests/vm/client/kshm_race_delay
 * holds every return from the insert for 20 ms, so the destroyer frees each
 * new object before its ioctl replies, every round. A reply read from the
 * freed object is a KASAN report on the debug kernel (and a wrong id or
 * offset elsewhere).
 */
TEST(create_destroyed_inside_the_reply_window)
{
	if (access(RACE_DELAY_KO, R_OK))
		skip("no kretprobes on this kernel: the race fixture was not built");
	expect_ok(system("insmod " RACE_DELAY_KO " delay_ms=20"));
	race_creates_against_destroyer(30);
	expect_ok(system("rmmod kshm_race_delay"));
}

/* ---- kill -9 of a process waiting for another's CHANNEL_PROCESS ---- */

static int process_fd;

static void *process_forever(void *arg)
{
	struct kshm_channel_process mine = *(struct kshm_channel_process *)arg;

	for (;;)
		guest_ioctl(process_fd, KSHM_IOC_CHANNEL_PROCESS, &mine);
	return NULL;
}

/* How many of the process's threads are in uninterruptible sleep (state D) now. */
static int threads_in_d_state(pid_t pid)
{
	char path[64], line[512];
	struct dirent *task;
	int count = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((task = readdir(dir))) {
		const char *state;
		FILE *f;

		if (task->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.20s/stat", (int)pid, task->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		/* "tid (comm) S ...": the state follows the last ')' (comm may hold one) */
		if (fgets(line, sizeof(line), f) && (state = strrchr(line, ')')) && state[1] == ' ' &&
		    state[2] == 'D')
			count++;
		fclose(f);
	}
	closedir(dir);
	return count;
}

/*
 * Threads of one process all calling CHANNEL_PROCESS on one channel, against
 * a hostile producer that keeps every call busy: all but one wait for the
 * channel's consumer lock. The waiters sleep interruptibly, never in D state
 * (an uninterruptible mutex_lock there kept kill -9 waiting for the holder's
 * call, and made the thread count as load), so kill -9 ends the process at
 * once, and nothing is left behind.
 */
TEST(kill_waiters_for_channel_process)
{
	struct timespec killed;
	int status, sample, in_d = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct kshm_channel_process p;
		struct raw_channel sub, comp;
		struct hostile h = { .sub = &sub, .comp = &comp };
		pthread_t threads[4];
		int t;

		process_fd = guest_open();
		hostile_start(process_fd, &h, &threads[0], &p);
		for (t = 1; t < 4; t++)
			pthread_create(&threads[t], NULL, process_forever, &p);
		pause();
		_exit(3);
	}
	usleep(200000);
	for (sample = 0; sample < 2000; sample++) {
		in_d += threads_in_d_state(pid);
		usleep(250);
	}
	expect(in_d == 0);
	clock_gettime(CLOCK_MONOTONIC, &killed);
	expect_ok(kill(pid, SIGKILL));
	expect(waitpid(pid, &status, 0) == pid);
	expect(seconds_since(&killed) < 5);
	expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	expect(guest_counters_drain());
}

/*
 * The pin accounting guest_counters_drain() relies on is live on this
 * kernel: an attached buffer holds pins (the kernel's count, after
 * stat_refresh), and destroying it gives every one back.
 */
TEST(attach_pins_counted_and_released)
{
	static uint8_t buffer[4 * PAGE];
	struct kshm_region *r;
	int64_t before;
	struct kshm *k;

	before = guest_pins_outstanding();
	if (before < 0)
		skip("/proc/vmstat has no nr_foll_pin_* or stat_refresh is missing");
	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_buffer_attach(k, buffer + 100, 3 * PAGE, KSHM_ATTACH_KERNEL_WRITE, &r));
	expect(guest_pins_outstanding() == before + 4);	/* 3 pages + 100 bytes span 4 */
	expect_ok(kshm_region_destroy(r));
	expect(guest_pins_outstanding() == before);
	kshm_close(k);
}

VMTEST_MAIN()
