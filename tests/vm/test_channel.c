// SPDX-License-Identifier: MIT
/* Channels: kernel -> process events and process -> kernel submissions. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "vmtest.h"

#define PAGE 4096

struct generator {
	struct kshm_channel *events;
	uint64_t count;
	uint32_t record_bytes;
	int err;
	uint64_t produced;
};

static void *generate_thread(void *arg)
{
	struct generator *g = arg;

	g->err = guest_generate(g->events, g->count, g->record_bytes, 0, KSHM_GENERATE_BLOCK,
				&g->produced, NULL);
	return NULL;
}

/* Record `seq` of the generator: its number, then the pattern seeded with it. */
static int generated_ok(const struct kshm_record *rec, uint64_t seq, uint32_t len)
{
	uint64_t got;

	if (rec->len != len || rec->type != 7)
		return 0;
	memcpy(&got, rec->payload, sizeof(got));
	return got == seq &&
	       kshm_pattern_check((const uint8_t *)rec->payload + 8, len - 8, seq, 0) == len - 8;
}

/* Every record arrives once and in order across many wrap-arounds, with sleeps and wake-ups. */
static void stream_events(uint32_t record_bytes, uint64_t count)
{
	struct generator g = { .count = count, .record_bytes = record_bytes };
	struct kshm *k;
	pthread_t thread;
	uint64_t seq = 0;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 4 * PAGE, NULL, &g.events));
	expect_ok(pthread_create(&thread, NULL, generate_thread, &g));
	while (seq < count) {
		struct kshm_record rec;
		int err = kshm_channel_peek(g.events, &rec);

		if (err == -EAGAIN) {
			expect_err(kshm_channel_wait(g.events, 0, 10000), 0);
			continue;
		}
		expect_ok(err);
		expect(generated_ok(&rec, seq, record_bytes));
		kshm_channel_advance(g.events, &rec);
		seq++;
		if (seq % 32 == 0)
			kshm_channel_release(g.events);
	}
	pthread_join(thread, NULL);
	expect_ok(g.err);
	expect(g.produced == count);
	expect(kshm_channel_dropped(g.events) == 0);
	kshm_close(k);
}

TEST(events_small_records_in_order)
{
	stream_events(8, 20000);
}

TEST(events_mixed_sizes_wrap_around)
{
	stream_events(64, 5000);
	stream_events(3000, 300);
	stream_events(2 * PAGE - 8, 100);	/* the largest record of a 4-page ring */
}

/* Batch reads: every record once, in order, across wrap-around; bad arguments refused. */
TEST(events_read_batch)
{
	struct kshm_channel *events, *sub;
	struct kshm_record recs[7];
	uint64_t seq = 0, round;
	struct kshm *k;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &events));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, PAGE, NULL, &sub));
	expect(kshm_channel_read_batch(events, recs, 7) == 0);
	expect(kshm_channel_read_batch(events, NULL, 0) == 0);
	expect_err(kshm_channel_read_batch(events, NULL, 1), -EINVAL);
	expect_err(kshm_channel_read_batch(sub, recs, 7), -EINVAL);
	expect_err(kshm_channel_read_batch(NULL, recs, 7), -EINVAL);
	for (round = 0; round < 40; round++) {
		uint64_t produced = 0, dropped = 0, want = 1 + round % 50, read = 0;
		int got, i;

		expect_ok(guest_generate(events, want, 40, seq, 0, &produced, &dropped));
		expect(produced == want && dropped == 0);
		while ((got = kshm_channel_read_batch(events, recs, 7)) > 0) {
			expect(got <= 7);
			for (i = 0; i < got; i++)
				expect(generated_ok(&recs[i], seq + read + (uint64_t)i, 40));
			read += (uint64_t)got;
		}
		expect(got == 0 && read == want);
		kshm_channel_release(events);
		seq += want;
	}
	kshm_close(k);
}

TEST(events_full_ring_drops_and_counts)
{
	struct kshm *k;
	struct kshm_channel *ch;
	struct kshm_record rec;
	uint64_t produced = 0, dropped = 0, seen = 0;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &ch));
	expect_ok(guest_generate(ch, 1000, 56, 0, 0, &produced, &dropped));
	expect(produced == PAGE / 64);	/* 64 bytes per record with its header */
	/* Nobody drains: the call ends after a batch of passes that found the ring full. */
	expect(dropped == 64);
	expect(produced + dropped < 1000);
	expect(kshm_channel_dropped(ch) == dropped);
	while (kshm_channel_peek(ch, &rec) == 0) {
		expect(generated_ok(&rec, seen, 56));	/* never overwritten */
		kshm_channel_advance(ch, &rec);
		seen++;
	}
	expect(seen == produced);
	kshm_close(k);
}

TEST(events_wait_times_out_and_wakes)
{
	struct generator g = { .count = 1, .record_bytes = 8 };
	struct kshm *k;
	pthread_t thread;
	struct kshm_record rec;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &g.events));
	expect_err(kshm_channel_wait(g.events, 0, 100), -ETIMEDOUT);
	expect_ok(pthread_create(&thread, NULL, generate_thread, &g));
	expect_ok(kshm_channel_wait(g.events, 0, 10000));
	expect_ok(kshm_channel_peek(g.events, &rec));
	pthread_join(thread, NULL);
	kshm_close(k);
}

/*
 * A wait for wakeup_bytes sleeps while fewer are unread (poll() follows the
 * same rule as the kernel's wake-ups), and ends once enough arrive.
 */
TEST(events_wait_honours_wakeup_bytes)
{
	struct kshm *k;
	struct kshm_channel *events;
	uint64_t produced;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 4 * PAGE, NULL, &events));
	/* one 16-byte record unread: below 1024 bytes, the wait times out */
	expect_ok(guest_generate(events, 1, 8, 0, 0, &produced, NULL));
	expect(produced == 1);
	expect_err(kshm_channel_wait(events, 1024, 200), -ETIMEDOUT);
	/* with 64 more there are 1040 bytes: the wait returns at once */
	expect_ok(guest_generate(events, 64, 8, 1, 0, &produced, NULL));
	expect(produced == 64);
	expect_ok(kshm_channel_wait(events, 1024, 10000));
	kshm_close(k);
}

/*
 * The library's calls on the wrong kind of channel, or on none: the ones that
 * return a status say EINVAL, the ones that return nothing do nothing (the
 * page they would write is read-only to the process: a crash, before).
 */
TEST(library_calls_on_the_wrong_channel_kind)
{
	struct kshm *k;
	struct kshm_channel *events, *sub;
	struct kshm_record rec;
	uint64_t produced;
	void *payload;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &events));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, PAGE, NULL, &sub));
	expect_ok(guest_generate(events, 1, 8, 0, 0, &produced, NULL));
	expect_err(kshm_channel_peek(sub, &rec), -EINVAL);
	expect_err(kshm_channel_wait(sub, 0, 0), -EINVAL);
	expect_err(kshm_channel_reserve(events, 8, 1, &payload), -EINVAL);
	expect_ok(kshm_channel_peek(events, &rec));
	kshm_channel_advance(sub, &rec);
	kshm_channel_release(sub);
	kshm_channel_commit(events);
	kshm_channel_advance(NULL, &rec);
	kshm_channel_advance(events, NULL);
	kshm_channel_release(NULL);
	kshm_channel_commit(NULL);
	/* the events channel is as it was: the record is still there, once */
	expect_ok(kshm_channel_peek(events, &rec));
	kshm_channel_advance(events, &rec);
	kshm_channel_release(events);
	expect_err(kshm_channel_peek(events, &rec), -EAGAIN);
	kshm_close(k);
}

/* The process may write only its consumer page of an events channel. */
TEST(events_pages_are_read_only_to_the_process)
{
	int fd = guest_open();
	struct kshm_channel_create c = { .size = sizeof(c), .kind = KSHM_CHANNEL_EVENTS,
					 .data_bytes = PAGE };
	uint8_t *p;

	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c));
	expect(mmap(NULL, c.mapped_length, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)c.mmap_offset) == MAP_FAILED);
	expect(errno == EACCES);
	p = mmap(NULL, c.mapped_length - PAGE, PROT_READ, MAP_SHARED, fd,
		 (off_t)(c.mmap_offset + PAGE));
	expect(p != MAP_FAILED);
	expect(mprotect(p, PAGE, PROT_READ | PROT_WRITE) != 0);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)c.mmap_offset);
	expect(p != MAP_FAILED);	/* the consumer page */
	close(fd);
}

/* A position inside the window but mid-record frees only what it claims: no record fits. */
TEST(events_consumer_position_mid_record)
{
	int fd = guest_open();
	struct kshm_channel_create c = { .size = sizeof(c), .kind = KSHM_CHANNEL_EVENTS,
					 .data_bytes = PAGE };
	struct kshm_channel_generate gen = { .size = sizeof(gen), .count = 200, .record_bytes = 56 };
	struct kshm_ring_consumer *cons;
	uint8_t *data, before[PAGE];

	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c));
	cons = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)c.mmap_offset);
	data = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)(c.mmap_offset + 2 * PAGE));
	expect(cons != MAP_FAILED && data != MAP_FAILED);
	gen.id = c.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &gen));
	memcpy(before, data, PAGE);
	cons->pos = 3;
	gen.count = 10;
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &gen));
	expect(gen.produced == 0 && gen.dropped == 10);
	expect(memcmp(before, data, PAGE) == 0);
	close(fd);
}

/* A consumer writing garbage into its position cannot make the kernel overwrite anything. */
TEST(events_hostile_consumer_position)
{
	/* ahead of the producer, far behind it, or past what the ring can hold */
	const uint64_t garbage[] = { 1ULL << 40, UINT64_MAX, 4 * PAGE + 8, (uint64_t)-8 };
	size_t i;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		int fd = guest_open();
		struct kshm_channel_create c = { .size = sizeof(c), .kind = KSHM_CHANNEL_EVENTS,
						 .data_bytes = PAGE };
		struct kshm_channel_generate gen = { .size = sizeof(gen), .count = 200,
						     .record_bytes = 56 };
		struct kshm_ring_consumer *cons;

		expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c));
		cons = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)c.mmap_offset);
		expect(cons != MAP_FAILED);
		gen.id = c.id;
		expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &gen));	/* fills the ring */
		cons->pos = garbage[i];
		gen.count = 10;
		expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &gen), -EIO);
		cons->pos = 0;	/* too late: the channel stays broken */
		expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &gen), -EIO);
		close(fd);
	}
}

static uint64_t submission_user_data(uint64_t seq)
{
	return 0x5eed0000 + seq;
}

/* Submissions are consumed once each and answered with their checksum. */
TEST(submissions_echo_checksums)
{
	struct kshm *k;
	struct kshm_channel *sub, *comp;
	uint64_t sent = 0, answered = 0;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, 4 * PAGE, NULL, &sub));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &comp));	/* fills first */
	while (answered < 3000) {
		struct kshm_record rec;
		uint64_t processed = 0;
		void *payload;

		while (sent < 3000) {
			uint32_t len = (uint32_t)(8 + (sent * 37) % 900);
			uint64_t user_data = submission_user_data(sent);

			if (kshm_channel_reserve(sub, len, (uint32_t)sent, &payload))
				break;
			memcpy(payload, &user_data, 8);
			kshm_pattern_fill((uint8_t *)payload + 8, len - 8, sent, 0);
			sent++;
		}
		kshm_channel_commit(sub);
		expect_ok(kshm_channel_process(sub, comp, 1000, &processed));
		expect(processed > 0);
		while (kshm_channel_peek(comp, &rec) == 0) {
			struct kshm_completion done;
			uint32_t len = (uint32_t)(8 + (answered * 37) % 900);
			uint8_t expect_buf[1000];
			uint64_t user_data = submission_user_data(answered);

			expect(rec.type == KSHM_COMPLETION_TYPE && rec.len == sizeof(done));
			memcpy(&done, rec.payload, sizeof(done));
			memcpy(expect_buf, &user_data, 8);
			kshm_pattern_fill(expect_buf + 8, len - 8, answered, 0);
			expect(done.user_data == user_data);
			expect(done.type == (uint32_t)answered && done.len == len);
			expect(done.checksum == kshm_checksum(expect_buf, len));
			kshm_channel_advance(comp, &rec);
			answered++;
		}
		kshm_channel_release(comp);
	}
	expect(answered == sent);
	kshm_close(k);
}

/* A record header that claims more than was committed breaks the channel, nothing else. */
TEST(submissions_hostile_record)
{
	int fd = guest_open();
	struct kshm_channel_create s = { .size = sizeof(s), .kind = KSHM_CHANNEL_SUBMISSIONS,
					 .data_bytes = PAGE };
	struct kshm_channel_create e = { .size = sizeof(e), .kind = KSHM_CHANNEL_EVENTS,
					 .data_bytes = PAGE };
	struct kshm_channel_process p = { .size = sizeof(p), .max_records = 10 };
	struct kshm_ring_producer *prod;
	struct kshm_ring_record *rec;

	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &s));
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &e));
	prod = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)(s.mmap_offset + PAGE));
	expect(prod != MAP_FAILED);
	rec = (struct kshm_ring_record *)((uint8_t *)prod + PAGE);
	rec->len = 100000;	/* far past the committed bytes and the ring */
	prod->pos = 64;
	p.submissions = s.id;
	p.completions = e.id;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_PROCESS, &p), -EIO);
	rec->len = 8;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_PROCESS, &p), -EIO);	/* stays broken */
	prod->pos = UINT64_MAX;	/* and a fresh channel with an impossible position */
	close(fd);
}

TEST(bad_channel_requests)
{
	int fd = guest_open();
	struct kshm_channel_create c = { .size = sizeof(c), .kind = KSHM_CHANNEL_EVENTS };
	struct kshm_channel_generate g = { .size = sizeof(g), .count = 1, .record_bytes = 8 };
	struct kshm_channel_process p = { .size = sizeof(p), .max_records = 1 };
	uint32_t events_id, sub_id;

	c.data_bytes = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c), -EINVAL);
	c.data_bytes = 3 * PAGE;	/* not a power of two */
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c), -EINVAL);
	c.data_bytes = PAGE / 2;	/* not whole pages */
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c), -EINVAL);
	c.data_bytes = 1ULL << 40;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c), -EFBIG);
	c.data_bytes = guest_param("max_region_bytes");	/* plus the header pages: too big */
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c), -EFBIG);
	c.data_bytes = PAGE;
	c.kind = 9;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c), -EINVAL);
	c.kind = KSHM_CHANNEL_EVENTS;
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c));
	events_id = c.id;
	c.kind = KSHM_CHANNEL_SUBMISSIONS;
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c));
	sub_id = c.id;

	g.id = sub_id;	/* the kernel does not produce submissions */
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &g), -EINVAL);
	g.id = events_id;
	g.record_bytes = 7;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &g), -EINVAL);
	g.record_bytes = PAGE;	/* more than half the ring */
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &g), -EFBIG);
	g.record_bytes = 8;
	g.flags = 1U << 5;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &g), -EINVAL);
	g.id = 999;
	g.flags = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &g), -ENOENT);

	p.submissions = sub_id;
	p.completions = sub_id;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_PROCESS, &p), -EINVAL);
	p.submissions = events_id;	/* roles swapped */
	p.completions = sub_id;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_PROCESS, &p), -EINVAL);
	p.submissions = sub_id;
	p.completions = 4242;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_PROCESS, &p), -ENOENT);
	p.completions = events_id;
	p.max_records = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHANNEL_PROCESS, &p), -EINVAL);
	close(fd);
}

/* A process blocked in the generator (nobody consumes) dies cleanly on kill -9. */
TEST(kill_blocked_generator)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct kshm *k;
		struct kshm_channel *ch;

		if (kshm_open(NULL, &k) || kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &ch))
			_exit(2);
		guest_generate(ch, 1000000, 64, 0, KSHM_GENERATE_BLOCK, NULL, NULL);
		_exit(3);
	}
	usleep(300000);
	expect_ok(kill(pid, SIGKILL));
	expect(waitpid(pid, &status, 0) == pid);
	expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	expect(guest_counters_drain());
}

/*
 * A generator blocked for room in a channel whose id another thread destroys
 * stops waiting (ECANCELED) instead of holding the channel until the process
 * dies.
 */
TEST(destroy_under_blocked_generator)
{
	struct generator g = { .count = 1000000, .record_bytes = 64 };
	struct kshm_region_destroy d = { .size = sizeof(d) };
	struct timespec deadline;
	struct kshm *k;
	pthread_t thread;
	int fd;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &g.events));
	fd = (int)kshm_native_handle(k);
	expect_ok(pthread_create(&thread, NULL, generate_thread, &g));
	usleep(300000);
	d.id = kshm_channel_id(g.events);
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_DESTROY, &d));
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	expect(pthread_timedjoin_np(thread, NULL, &deadline) == 0);
	expect_err(g.err, -ECANCELED);
	kshm_close(k);
	expect(guest_counters_drain());
}

/* A consumer killed mid-stream leaves nothing behind either. */
TEST(kill_consumer_mid_stream)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct generator g = { .count = 1000000, .record_bytes = 64 };
		struct kshm *k;
		pthread_t thread;

		if (kshm_open(NULL, &k) ||
		    kshm_channel_create(k, KSHM_CHANNEL_EVENTS, 4 * PAGE, NULL, &g.events))
			_exit(2);
		pthread_create(&thread, NULL, generate_thread, &g);
		for (;;) {
			struct kshm_record rec;

			while (kshm_channel_peek(g.events, &rec) == 0)
				kshm_channel_advance(g.events, &rec);
			kshm_channel_wait(g.events, 0, 1000);
		}
	}
	usleep(300000);
	expect_ok(kill(pid, SIGKILL));
	expect(waitpid(pid, &status, 0) == pid);
	expect(guest_counters_drain());
}

VMTEST_MAIN()
