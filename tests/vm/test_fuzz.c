// SPDX-License-Identifier: MIT
/*
 * A seeded fuzzer of the driver inside the VM: random sequences of every
 * request, with random and boundary arguments (0, 1, page +- 1, huge,
 * overflowing offsets, unaligned, unmapped, read-only, PROT_NONE and
 * file-backed addresses, stale and foreign ids), interleaved with mmap,
 * munmap, mremap, mprotect, madvise(DONTNEED), touching mappings, fork, dup,
 * close and reopen, threads racing on one file and processes killed in the
 * middle of a request.
 *
 * Bounded by KSHM_FUZZ_OPS operations (default 1000000) and KSHM_FUZZ_SECONDS
 * (default 60), whichever comes first. KSHM_FUZZ_SEED (default: from the
 * clock) seeds it; the seed is printed first. Each worker's sequence of
 * operations is a function of the seed alone; how the workers interleave is
 * up to the scheduler, so a race reproduces by seed only statistically.
 * (The kernel passes unknown name=value boot arguments to /init as
 * environment: run.sh --append "KSHM_FUZZ_SEED=42".)
 *
 * The fuzzer checks no results beyond "the process survives"; the judge is
 * the kernel: it counts the kernel log lines matching KSHM_REPORTS (the
 * pattern run.sh fails a run on, passed down by the harness) and prints
 *	fuzz: <N> operations, <K> kernel reports
 * and the runner's leak check then wants every counter back at zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "vmtest.h"

#define WORKER_PROCS	2	/* processes, each with ... */
#define WORKER_THREADS	2	/* ... threads sharing one file */
#define MAX_REGIONS	24
#define MAX_MAPS	24
#define ARENA_BYTES	(1U << 20)
#define FILE_BYTES	(256U << 10)
#define SMALL_BYTES	(256U << 10)	/* the largest length that does real work */

#define NR_SLOTS	32	/* request numbers (_IOC_NR) counted per request */

/* Shared by every worker process: operations done, stop flag, calls and successes per request. */
struct fuzz_shared {
	uint64_t ops;
	int stop;
	uint64_t calls[NR_SLOTS];
	uint64_t succeeded[NR_SLOTS];
};
static struct fuzz_shared *shared;

/* Every request the fuzzer makes, counted: which ones it reaches, and how often they succeed. */
static long counted_ioctl(int fd, unsigned long cmd, void *req)
{
	long ret = guest_ioctl(fd, cmd, req);
	unsigned int nr = _IOC_NR(cmd) % NR_SLOTS;

	__atomic_fetch_add(&shared->calls[nr], 1, __ATOMIC_RELAXED);
	if (ret == 0)
		__atomic_fetch_add(&shared->succeeded[nr], 1, __ATOMIC_RELAXED);
	return ret;
}
#define guest_ioctl(fd, cmd, req) counted_ioctl(fd, cmd, req)

static const struct {
	unsigned int nr;
	const char *name;
} request_names[] = {
	{ KSHM_NR_VERSION, "VERSION" }, { KSHM_NR_REGION_CREATE, "REGION_CREATE" },
	{ KSHM_NR_BUFFER_ATTACH, "BUFFER_ATTACH" }, { KSHM_NR_REGION_INFO, "REGION_INFO" },
	{ KSHM_NR_FILL, "FILL" }, { KSHM_NR_CHECKSUM, "CHECKSUM" },
	{ KSHM_NR_REGION_DESTROY, "REGION_DESTROY" }, { KSHM_NR_TRANSFER, "TRANSFER" },
	{ KSHM_NR_CHANNEL_CREATE, "CHANNEL_CREATE" }, { KSHM_NR_CHANNEL_GENERATE, "CHANNEL_GENERATE" },
	{ KSHM_NR_CHANNEL_PROCESS, "CHANNEL_PROCESS" }, { KSHM_NR_CHANNEL_KICK, "CHANNEL_KICK" },
};

/* One line per request: calls and successes (a request that never succeeds is barely fuzzed). */
static void print_request_counts(void)
{
	size_t i;

	for (i = 0; i < sizeof(request_names) / sizeof(request_names[0]); i++) {
		unsigned int nr = request_names[i].nr % NR_SLOTS;
		uint64_t calls = shared->calls[nr], ok = shared->succeeded[nr];

		printf("# fuzz: %-17s %9" PRIu64 " calls, %9" PRIu64 " succeeded (%.1f%%)\n",
		       request_names[i].name, calls, ok, calls ? 100.0 * (double)ok / (double)calls : 0);
	}
}

static uint64_t max_ops;
static time_t deadline;
static size_t page;

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static uint64_t rnd(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t *state, uint64_t n)
{
	return n ? rnd(state) % n : 0;
}

struct fuzz_region {
	int fd_index;
	uint32_t id;
	uint64_t mapped_length;
	uint64_t mmap_offset;
	uint32_t channel_kind;		/* KSHM_CHANNEL_*, or 0 for a region */
};

struct fuzz_map {
	uint8_t *addr;
	size_t len;
	int prot;
};

/* One thread's world. Nothing here is allocated after start, so a fork()ed child may use it. */
struct worker {
	uint64_t rng;
	int *fds;			/* [0]: shared by the process's threads, [1]: this thread's */
	struct fuzz_region regions[MAX_REGIONS];
	int nr_regions;
	struct fuzz_map maps[MAX_MAPS];
	int nr_maps;
	uint8_t *arena;			/* private anonymous, read-write */
	uint8_t *ro;			/* read-only anonymous */
	uint8_t *none;			/* PROT_NONE */
	uint8_t *file;			/* MAP_SHARED of a tmpfs file */
	uint8_t *file_private;		/* MAP_PRIVATE of a memfd */
	uint8_t *hole;			/* unmapped at start */
	uint64_t faults;
};

/* volatile: the stores around the access must not be merged away. */
static __thread sigjmp_buf *volatile touch_jmp;

static __thread int current_op;

static void on_fault(int sig, siginfo_t *info, void *context)
{
	char msg[96];
	int len;

	(void)context;
	if (touch_jmp)
		siglongjmp(*touch_jmp, sig);
	len = snprintf(msg, sizeof(msg), "# fuzz: signal %d at %p in operation %d\n", sig,
		       info->si_addr, current_op);
	if (write(1, msg, (size_t)len) < 0)
		_exit(1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read or write one byte; faults (SIGSEGV, SIGBUS) are expected sometimes and survived. */
static void touch(struct worker *w, volatile uint8_t *p, int write)
{
	sigjmp_buf jmp;

	if (sigsetjmp(jmp, 1)) {
		touch_jmp = NULL;
		w->faults++;
		return;
	}
	touch_jmp = &jmp;
	if (write)
		*p = (uint8_t)w->rng;
	else
		(void)*p;
	touch_jmp = NULL;
}

static uint64_t boundary_length(struct worker *w, uint64_t around)
{
	switch (below(&w->rng, 12)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return page - 1;
	case 3: return page;
	case 4: return page + 1;
	case 5: return around ? around - 1 : 0;
	case 6: return around;
	case 7: return around + 1;
	case 8: return UINT64_MAX - below(&w->rng, 3);
	case 9: return (uint64_t)1 << (20 + below(&w->rng, 44));	/* 1 MiB .. 2^63 */
	default: return 1 + below(&w->rng, SMALL_BYTES);
	}
}

/*
 * An address for attach or transfer: anywhere from good memory to kernel
 * space. The buffers have PROT_NONE guard pages around them, so a length past
 * `room` fails cleanly; *unguarded says a length past it would scribble on a
 * neighbour (the kshm mappings).
 */
static uint64_t any_address(struct worker *w, uint64_t *room, int *unguarded)
{
	uint64_t off = below(&w->rng, 4) ? below(&w->rng, page) : below(&w->rng, 16 * page);

	*room = 0;
	switch (below(&w->rng, 11)) {
	case 0: *room = ARENA_BYTES - off; return (uintptr_t)w->arena + off;
	case 1: *room = ARENA_BYTES - off; return (uintptr_t)w->arena + off;
	case 2: return (uintptr_t)w->ro + off;
	case 3: return (uintptr_t)w->none + off;
	case 4: *room = FILE_BYTES - off; return (uintptr_t)w->file + off;
	case 5: *room = FILE_BYTES - off; return (uintptr_t)w->file_private + off;
	case 6: return (uintptr_t)w->hole + off;
	case 7:
		if (w->nr_maps) {
			struct fuzz_map *m = &w->maps[below(&w->rng, (uint64_t)w->nr_maps)];

			*room = m->len;
			*unguarded = 1;
			return (uintptr_t)m->addr;
		}
		return 0;
	case 8: return 0;
	case 9: return 0xffff888000000000ULL + off;	/* the direct map */
	default: return UINT64_MAX - off;		/* wraps */
	}
}

static int pick_fd(struct worker *w)
{
	return w->fds[below(&w->rng, 2)];
}

/* A live id of this worker most of the time, else a stale, foreign or absurd one. */
static uint32_t any_id(struct worker *w)
{
	if (w->nr_regions && below(&w->rng, 4))
		return w->regions[below(&w->rng, (uint64_t)w->nr_regions)].id;
	switch (below(&w->rng, 4)) {
	case 0: return 0;
	case 1: return UINT32_MAX;
	default: return (uint32_t)below(&w->rng, 80);
	}
}

static void remember_region(struct worker *w, int fd_index, uint32_t id, uint64_t mapped,
			    uint64_t offset, uint32_t channel_kind)
{
	struct fuzz_region *r;

	if (w->nr_regions == MAX_REGIONS)
		w->nr_regions--;	/* forget one: the file still holds it */
	r = &w->regions[w->nr_regions++];
	*r = (struct fuzz_region){ fd_index, id, mapped, offset, channel_kind };
}

/*
 * A remembered channel of `kind` (on file `fd_index`, or any file when it is
 * negative), or NULL: most channel requests go to a channel that exists, of
 * the right kind, on its own file, so that they get past validation and do
 * the work; the rest take any id (any_id).
 */
static const struct fuzz_region *known_channel(struct worker *w, uint32_t kind, int fd_index)
{
	int i, start = w->nr_regions ? (int)below(&w->rng, (uint64_t)w->nr_regions) : 0;

	for (i = 0; i < w->nr_regions; i++) {
		const struct fuzz_region *r = &w->regions[(start + i) % w->nr_regions];

		if (r->channel_kind == kind && (fd_index < 0 || r->fd_index == fd_index))
			return r;
	}
	return NULL;
}

/* known_channel(), or a new one-to-four-page channel of `kind` on that file (any, if negative). */
static const struct fuzz_region *some_channel(struct worker *w, uint32_t kind, int fd_index)
{
	const struct fuzz_region *r = known_channel(w, kind, fd_index);
	struct kshm_channel_create c = { .size = sizeof(c), .kind = kind };

	if (r)
		return r;
	if (fd_index < 0)
		fd_index = (int)below(&w->rng, 2);
	c.data_bytes = page << below(&w->rng, 3);
	if (guest_ioctl(w->fds[fd_index], KSHM_IOC_CHANNEL_CREATE, &c))
		return NULL;
	remember_region(w, fd_index, c.id, c.mapped_length, c.mmap_offset, kind);
	return &w->regions[w->nr_regions - 1];
}

static void remember_map(struct worker *w, void *addr, size_t len, int prot)
{
	if (w->nr_maps == MAX_MAPS) {
		munmap(w->maps[0].addr, w->maps[0].len);
		w->maps[0] = w->maps[--w->nr_maps];
	}
	w->maps[w->nr_maps++] = (struct fuzz_map){ addr, len, prot };
}

static void op_create(struct worker *w)
{
	int fd_index = (int)below(&w->rng, 2);
	struct kshm_region_create c = { .size = sizeof(c), .length = boundary_length(w, 4 * page) };

	if (!below(&w->rng, 4))
		c.flags = below(&w->rng, 2) ? KSHM_REGION_USER_READONLY : (uint32_t)rnd(&w->rng);
	if (!below(&w->rng, 16))
		c.reserved = 1;
	if (guest_ioctl(w->fds[fd_index], KSHM_IOC_REGION_CREATE, &c) == 0)
		remember_region(w, fd_index, c.id, c.mapped_length, c.mmap_offset, 0);
}

/* The address and a length for it; a kshm mapping (marked by any_address) never overruns. */
static uint64_t address_and_length(struct worker *w, __u64 *length)
{
	uint64_t room;
	int unguarded = 0;
	uint64_t addr = any_address(w, &room, &unguarded);

	*length = boundary_length(w, room);
	if (unguarded && *length > room && *length < (uint64_t)1 << 40)
		*length = room;
	return addr;
}

static void op_attach(struct worker *w)
{
	struct kshm_buffer_attach a = { .size = sizeof(a) };

	a.user_addr = address_and_length(w, &a.length);
	a.flags = below(&w->rng, 2) ? KSHM_ATTACH_KERNEL_WRITE : 0;
	if (!below(&w->rng, 16))
		a.flags = (uint32_t)rnd(&w->rng);
	int fd_index = (int)below(&w->rng, 2);

	if (guest_ioctl(w->fds[fd_index], KSHM_IOC_BUFFER_ATTACH, &a) == 0)
		remember_region(w, fd_index, a.id, 0, 0, 0);
}

static void op_info(struct worker *w)
{
	uint64_t pfns[8];
	struct kshm_region_info info = { .size = sizeof(info), .id = any_id(w) };
	__u64 length;

	switch (below(&w->rng, 4)) {
	case 0:
		info.pfn_array = (uintptr_t)pfns;
		info.pfn_capacity = (uint32_t)below(&w->rng, 9);
		break;
	case 1:
		info.pfn_array = address_and_length(w, &length);
		info.pfn_capacity = (uint32_t)(length / 8);
		break;
	case 2:
		info.pfn_capacity = (uint32_t)below(&w->rng, 3);
		break;
	}
	guest_ioctl(pick_fd(w), KSHM_IOC_REGION_INFO, &info);
}

static void op_range(struct worker *w, unsigned long cmd)
{
	struct kshm_range_op op = { .size = sizeof(op), .id = any_id(w), .seed = rnd(&w->rng) };
	uint64_t size = w->nr_regions ? w->regions[0].mapped_length : 4 * page;

	op.offset = below(&w->rng, 2) ? 0 : boundary_length(w, size);
	op.length = boundary_length(w, size - (op.offset < size ? op.offset : 0));
	guest_ioctl(pick_fd(w), cmd, &op);
}

static void op_destroy(struct worker *w)
{
	struct kshm_region_destroy d = { .size = sizeof(d), .id = any_id(w) };
	int i;

	if (guest_ioctl(pick_fd(w), KSHM_IOC_REGION_DESTROY, &d) == 0 || below(&w->rng, 2)) {
		for (i = 0; i < w->nr_regions; i++) {
			if (w->regions[i].id == d.id) {
				w->regions[i] = w->regions[--w->nr_regions];
				break;
			}
		}
	}
}

static void op_transfer(struct worker *w)
{
	struct kshm_transfer t = { .size = sizeof(t), .seed = rnd(&w->rng) };

	t.method = (uint32_t)below(&w->rng, 5);
	t.direction = (uint32_t)below(&w->rng, 4);
	t.user_addr = address_and_length(w, &t.length);
	/* The same bytes through read(2), the character-device path (the VFS caps a read near 2 GiB). */
	if (below(&w->rng, 4) == 0) {
		ssize_t got = read(pick_fd(w), (void *)(uintptr_t)t.user_addr, (size_t)t.length);

		if (got > 0 && (uint64_t)got != t.length && t.length < (1ULL << 30)) {
			printf("# fuzz: read of %llu bytes returned %zd\n",
			       (unsigned long long)t.length, got);
			_exit(1);
		}
		return;
	}
	guest_ioctl(pick_fd(w), KSHM_IOC_TRANSFER, &t);
}

static void op_mmap(struct worker *w)
{
	int prot = below(&w->rng, 4) ? PROT_READ | PROT_WRITE : PROT_READ;
	int flags = below(&w->rng, 8) ? MAP_SHARED : MAP_PRIVATE;
	uint64_t offset, len;
	int fd_index = 0;
	void *p;

	if (w->nr_regions && below(&w->rng, 4)) {
		struct fuzz_region *r = &w->regions[below(&w->rng, (uint64_t)w->nr_regions)];
		uint64_t pages = r->mapped_length / page;
		uint64_t first = below(&w->rng, pages + 1);

		fd_index = r->fd_index;
		offset = r->mmap_offset + first * page;
		len = below(&w->rng, 4) ? (pages - first) * page : boundary_length(w, r->mapped_length);
		if (!below(&w->rng, 8))
			offset += below(&w->rng, page);	/* unaligned */
	} else {
		offset = (uint64_t)below(&w->rng, 80) << KSHM_MMAP_REGION_SHIFT |
			 below(&w->rng, 4) * page;
		len = boundary_length(w, page);
	}
	if (len > SMALL_BYTES * 16)
		len = page;	/* huge lengths only waste address space */
	if (!len)
		return;
	p = mmap(NULL, len, prot, flags, w->fds[fd_index], (off_t)offset);
	if (p != MAP_FAILED)
		remember_map(w, p, len, prot);
}

static void op_remap(struct worker *w)
{
	struct fuzz_map *m;
	size_t part;
	void *p;

	if (!w->nr_maps)
		return;
	m = &w->maps[below(&w->rng, (uint64_t)w->nr_maps)];
	part = (size_t)below(&w->rng, m->len / page + 1) * page;
	switch (below(&w->rng, 7)) {
	case 0:	/* the whole mapping */
		munmap(m->addr, m->len);
		*m = w->maps[--w->nr_maps];
		break;
	case 1:	/* the tail: splits the VMA */
		if (part && part < m->len) {
			munmap(m->addr + part, m->len - part);
			m->len = part;
		}
		break;
	case 2:	/* grow (refused: VM_DONTEXPAND), shrink, or move */
		p = mremap(m->addr, m->len, below(&w->rng, 2) ? m->len + page : (part ? part : m->len),
			   MREMAP_MAYMOVE);
		if (p != MAP_FAILED) {
			m->addr = p;
			m->len = part && part < m->len ? part : m->len;
		}
		break;
	case 3:	/* write on a read-only region must stay refused; PROT_NONE */
		m->prot = below(&w->rng, 3) == 0 ? PROT_NONE : PROT_READ | PROT_WRITE;
		if (mprotect(m->addr, m->len, m->prot))
			m->prot = PROT_READ;	/* unknown now; touching is fault-safe */
		break;
	case 4:
		madvise(m->addr + part, m->len - part, MADV_DONTNEED);
		break;
	default:
		if (m->len)
			touch(w, m->addr + below(&w->rng, m->len), (int)below(&w->rng, 2));
		break;
	}
}

/* Fill a region of this thread's own file and read the pattern back through a mapping. */
static void op_fill_and_verify(struct worker *w)
{
	struct kshm_region_create c = { .size = sizeof(c), .length = 1 + below(&w->rng, 8 * page) };
	struct kshm_region_destroy d = { .size = sizeof(d) };
	struct kshm_range_op op = { .size = sizeof(op), .seed = rnd(&w->rng) };
	uint8_t *p;

	if (guest_ioctl(w->fds[1], KSHM_IOC_REGION_CREATE, &c))
		return;
	p = mmap(NULL, c.mapped_length, PROT_READ, MAP_SHARED, w->fds[1], (off_t)c.mmap_offset);
	op.id = d.id = c.id;
	op.offset = below(&w->rng, c.length);
	op.length = c.length - op.offset;
	if (guest_ioctl(w->fds[1], KSHM_IOC_FILL, &op) == 0 && p != MAP_FAILED &&
	    kshm_pattern_check(p + op.offset, op.length, op.seed, 0) != op.length) {
		printf("# fuzz: region %u: the kernel's fill is not what the mapping shows\n", c.id);
		_exit(1);
	}
	if (p != MAP_FAILED)
		munmap(p, c.mapped_length);
	guest_ioctl(w->fds[1], KSHM_IOC_REGION_DESTROY, &d);
}

/*
 * Channels: create them (remembered like regions, so the mapping ops map them
 * and scribble over the pages the process may write: hostile positions and
 * records), and drive the kernel's side with any ids and sizes. Never
 * KSHM_GENERATE_BLOCK: nobody consumes here, so it would wait for good.
 */
static void op_channel(struct worker *w)
{
	int fd_index = (int)below(&w->rng, 2);
	int fd = w->fds[fd_index];

	switch (below(&w->rng, 5)) {
	case 0: {
		struct kshm_channel_create c = { .size = sizeof(c) };

		c.kind = (uint32_t)below(&w->rng, 4);
		c.data_bytes = below(&w->rng, 4) ? page << below(&w->rng, 4)
						 : boundary_length(w, 4 * page);
		if (guest_ioctl(fd, KSHM_IOC_CHANNEL_CREATE, &c) == 0)
			remember_region(w, fd_index, c.id, c.mapped_length, c.mmap_offset, c.kind);
		break;
	}
	case 1: {
		const struct fuzz_region *ch = below(&w->rng, 4) ?
					       some_channel(w, KSHM_CHANNEL_EVENTS, -1) : NULL;
		struct kshm_channel_generate g = { .size = sizeof(g), .id = any_id(w) };

		if (ch) {
			fd = w->fds[ch->fd_index];
			g.id = ch->id;
		}
		g.count = below(&w->rng, 4) ? 1 + below(&w->rng, 64) : boundary_length(w, 64) % 4096;
		g.record_bytes = below(&w->rng, 4) ? 8 + (uint32_t)below(&w->rng, 120)
						   : (uint32_t)boundary_length(w, 64);
		g.flags = (uint32_t)(below(&w->rng, 8) ? 0 : rnd(&w->rng) & ~KSHM_GENERATE_BLOCK);
		g.first_seq = rnd(&w->rng);
		guest_ioctl(fd, KSHM_IOC_CHANNEL_GENERATE, &g);
		break;
	}
	case 2: {
		const struct fuzz_region *sub = below(&w->rng, 4) ?
			some_channel(w, KSHM_CHANNEL_SUBMISSIONS, -1) : NULL;
		int sub_fd = sub ? sub->fd_index : 0;
		uint32_t sub_id = sub ? sub->id : 0;	/* some_channel() may move the array */
		const struct fuzz_region *comp =
			sub ? some_channel(w, KSHM_CHANNEL_EVENTS, sub_fd) : NULL;
		struct kshm_channel_process p = { .size = sizeof(p) };

		p.submissions = any_id(w);
		p.completions = any_id(w);
		if (comp) {
			fd = w->fds[sub_fd];
			p.submissions = sub_id;
			p.completions = comp->id;
		}
		p.max_records = (uint32_t)below(&w->rng, 4) ? (uint32_t)below(&w->rng, 256)
							    : UINT32_MAX;
		guest_ioctl(fd, KSHM_IOC_CHANNEL_PROCESS, &p);
		break;
	}
	case 3: {
		const struct fuzz_region *ch = below(&w->rng, 4) ?
					       some_channel(w, KSHM_CHANNEL_EVENTS, -1) : NULL;
		struct kshm_channel_kick k = { .size = sizeof(k), .id = any_id(w) };

		if (ch) {
			fd = w->fds[ch->fd_index];
			k.id = ch->id;
		}

		guest_ioctl(fd, KSHM_IOC_CHANNEL_KICK, &k);
		break;
	}
	default: {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		poll(&pfd, 1, 0);
		break;
	}
	}
}

static void op_files(struct worker *w)
{
	int fd;

	switch (below(&w->rng, 3)) {
	case 0:	/* a dup used once, then closed */
		fd = dup(pick_fd(w));
		if (fd >= 0) {
			struct kshm_version v = { .size = sizeof(v) };

			guest_ioctl(fd, KSHM_IOC_VERSION, &v);
			close(fd);
		}
		break;
	case 1:	/* close this thread's file with regions and mappings live, and reopen */
		fd = open(KSHM_DEV, O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			int i;

			close(w->fds[1]);
			w->fds[1] = fd;
			for (i = 0; i < w->nr_regions; i++)
				if (w->regions[i].fd_index == 1)
					w->regions[i--] = w->regions[--w->nr_regions];
		}
		break;
	default: {	/* a request with a wrong size or an unknown number */
		uint8_t raw[256] = { 0 };
		unsigned long nr = below(&w->rng, 12);
		unsigned long size = below(&w->rng, sizeof(raw));

		*(uint32_t *)raw = (uint32_t)(below(&w->rng, 2) ? size : rnd(&w->rng));
		ioctl(pick_fd(w), _IOC(below(&w->rng, 4), KSHM_IOC_MAGIC, nr, size), raw);
		break;
	}
	}
}

static void one_op(struct worker *w);

/* A child that does requests on the inherited files and mappings, then dies one way or another. */
static void op_fork(struct worker *w)
{
	uint64_t steps = 1 + below(&w->rng, 64);
	int kill_it = (int)below(&w->rng, 2);
	pid_t pid = fork();

	if (pid < 0)
		return;
	if (pid == 0) {
		while (steps--) {
			one_op(w);
			__atomic_fetch_add(&shared->ops, 1, __ATOMIC_RELAXED);
		}
		_exit(0);
	}
	if (kill_it) {
		usleep((useconds_t)below(&w->rng, 2000));
		kill(pid, SIGKILL);
	}
	waitpid(pid, NULL, 0);
}

static void one_op(struct worker *w)
{
	uint64_t pick = below(&w->rng, 100);

	current_op = (int)pick;
	if (pick < 14)
		op_create(w);
	else if (pick < 26)
		op_attach(w);
	else if (pick < 32)
		op_info(w);
	else if (pick < 42)
		op_range(w, KSHM_IOC_FILL);
	else if (pick < 52)
		op_range(w, KSHM_IOC_CHECKSUM);
	else if (pick < 62)
		op_destroy(w);
	else if (pick < 68)
		op_transfer(w);
	else if (pick < 78)
		op_mmap(w);
	else if (pick < 86)
		op_remap(w);
	else if (pick < 92)
		op_channel(w);
	else if (pick < 95)
		op_fill_and_verify(w);
	else if (pick < 99 || below(&w->rng, 4))
		op_files(w);
	else
		op_fork(w);
}

/* A mapping with a PROT_NONE guard page on each side. */
static void *map_or_die(size_t len, int prot, int flags, int fd)
{
	uint8_t *guarded = mmap(NULL, len + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *p = MAP_FAILED;

	if (guarded != MAP_FAILED)
		p = mmap(guarded + page, len, prot, flags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED) {
		perror("# fuzz: mmap");
		_exit(1);
	}
	return p;
}

static void worker_setup(struct worker *w, int *fds, uint64_t seed)
{
	char path[64];
	int fd;

	memset(w, 0, sizeof(*w));
	w->rng = seed ? seed : 1;
	w->fds = fds;
	w->arena = map_or_die(ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	w->ro = map_or_die(16 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	w->none = map_or_die(16 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	w->hole = map_or_die(16 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	munmap(w->hole, 16 * page);
	snprintf(path, sizeof(path), "/tmp/fuzz-%d-%llx", (int)getpid(), (unsigned long long)seed);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, FILE_BYTES)) {
		perror("# fuzz: file");
		_exit(1);
	}
	w->file = map_or_die(FILE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	unlink(path);
	close(fd);
	fd = (int)syscall(SYS_memfd_create, "fuzz", 0);
	if (fd < 0 || ftruncate(fd, FILE_BYTES)) {
		perror("# fuzz: memfd");
		_exit(1);
	}
	w->file_private = map_or_die(FILE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	close(fd);
}

static int keep_going(void)
{
	return !__atomic_load_n(&shared->stop, __ATOMIC_RELAXED);
}

struct thread_arg {
	int *shared_fd;
	uint64_t seed;
};

static void *worker_thread(void *arg)
{
	struct thread_arg *ta = arg;
	int fds[2] = { *ta->shared_fd, guest_open() };
	struct worker *w = malloc(sizeof(*w));
	uint64_t batch = 0;

	if (!w)
		_exit(1);
	worker_setup(w, fds, ta->seed);
	while (keep_going()) {
		one_op(w);
		if (++batch == 256) {
			uint64_t total = __atomic_add_fetch(&shared->ops, batch, __ATOMIC_RELAXED);

			batch = 0;
			if (total >= max_ops || time(NULL) >= deadline)
				__atomic_store_n(&shared->stop, 1, __ATOMIC_RELAXED);
		}
	}
	__atomic_fetch_add(&shared->ops, batch, __ATOMIC_RELAXED);
	return NULL;
}

static void worker_process(uint64_t seed)
{
	pthread_t threads[WORKER_THREADS];
	struct thread_arg args[WORKER_THREADS];
	int fd = guest_open();
	int i;

	for (i = 0; i < WORKER_THREADS; i++) {
		args[i] = (struct thread_arg){ &fd, seed * 1000 + (uint64_t)i + 1 };
		if (pthread_create(&threads[i], NULL, worker_thread, &args[i]))
			_exit(1);
	}
	for (i = 0; i < WORKER_THREADS; i++)
		pthread_join(threads[i], NULL);
	_exit(0);
}

static uint64_t env_number(const char *name, uint64_t fallback)
{
	const char *value = getenv(name);

	return value && *value ? strtoull(value, NULL, 0) : fallback;
}

/*
 * Kernel log lines (all of it, from boot) that match the harness's report
 * pattern; those past the first `known` are printed (the earlier ones were
 * judged where they were logged).
 */
static long kernel_reports(long known)
{
	const char *pattern = getenv("KSHM_REPORTS");
	char record[8192];
	regex_t re;
	long count = 0;
	ssize_t n;
	int fd;

	if (!pattern || regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		return -1;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		regfree(&re);
		return -1;
	}
	while ((n = read(fd, record, sizeof(record) - 1)) != 0) {
		char *msg;

		if (n < 0) {
			if (errno == EPIPE)	/* overwritten while reading: go on */
				continue;
			break;			/* EAGAIN: the end */
		}
		record[n] = '\0';
		msg = strchr(record, ';');
		if (msg && regexec(&re, msg + 1, 0, NULL, 0) == 0 && ++count > known)
			printf("# kernel: %.200s", msg + 1);
	}
	close(fd);
	regfree(&re);
	return count;
}

TEST(fuzz)
{
	uint64_t seed = env_number("KSHM_FUZZ_SEED", (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32);
	uint64_t seconds = env_number("KSHM_FUZZ_SECONDS", 60);
	pid_t pids[WORKER_PROCS];
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_NODEFER | SA_SIGINFO };
	time_t start = time(NULL);
	uint64_t saved_allocated, saved_pinned;
	long reports_before, reports;
	int i, status, failed = 0;

	page = guest_page();
	max_ops = env_number("KSHM_FUZZ_OPS", 1000000);
	deadline = start + (time_t)seconds;
	printf("# fuzz: seed %" PRIu64 " (KSHM_FUZZ_SEED=%" PRIu64 " repeats it), at most %" PRIu64
	       " operations or %" PRIu64 " s\n", seed, seed, max_ops, seconds);
	reports_before = kernel_reports((long)(~0UL >> 1));	/* print none */
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	expect(shared != MAP_FAILED);
	/* The defaults allow more kernel memory than the VM has: the OOM killer would end the run. */
	saved_allocated = guest_param("max_allocated_bytes");
	saved_pinned = guest_param("max_pinned_bytes");
	guest_set_param("max_allocated_bytes", 48 << 20);
	guest_set_param("max_pinned_bytes", 48 << 20);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < WORKER_PROCS; i++) {
		pids[i] = fork();
		expect(pids[i] >= 0);
		if (pids[i] == 0)
			worker_process(seed + (uint64_t)i);
	}
	for (i = 0; i < WORKER_PROCS; i++) {
		expect(waitpid(pids[i], &status, 0) == pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("# fuzz: worker %d ended with status 0x%x\n", i, status);
			failed = 1;
		}
	}
	guest_set_param("max_allocated_bytes", saved_allocated);
	guest_set_param("max_pinned_bytes", saved_pinned);
	expect(guest_counters_drain());
	reports = kernel_reports(reports_before);
	print_request_counts();
	printf("fuzz: %" PRIu64 " operations, %ld kernel reports (seed %" PRIu64 ", %ld s)\n",
	       shared->ops, reports < 0 ? -1 : reports - reports_before, seed,
	       (long)(time(NULL) - start));
	expect(!failed);
	expect(reports_before >= 0 && reports == reports_before);
}

VMTEST_MAIN()
