// SPDX-License-Identifier: MIT
/* Kernel-allocated regions mapped into the process: the first sharing direction. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "limits.h"	/* core/limits.h: KSHM_MAX_REGION_ID */
#include "vmtest.h"

TEST(version_reports_abi_and_page_size)
{
	struct kshm *k;
	struct kshm_version v;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_query_version(k, &v));
	expect(v.abi_version == KSHM_ABI_VERSION);
	expect(v.page_size == guest_page());
	expect(v.max_region_bytes == guest_param("max_region_bytes"));
	expect(v.max_regions_per_file == guest_param("max_regions_per_file"));
	kshm_close(k);
}

TEST(device_is_root_only_by_default)
{
	struct stat st;

	expect_ok(stat(KSHM_DEV, &st));
	expect((st.st_mode & 0777) == 0600);
	expect(st.st_uid == 0 && st.st_gid == 0);
}

static int open_as_nobody(void *arg)
{
	(void)arg;
	if (setgid(65534) || setuid(65534))
		return 2;
	return open(KSHM_DEV, O_RDWR) < 0 && errno == EACCES ? 0 : 1;
}

TEST(unprivileged_open_is_refused)
{
	expect(guest_in_child(open_as_nobody, NULL) == 0);
}

/* Sizes around page boundaries: zeroed, both sides see each other's bytes. */
TEST(region_zeroed_and_shared_both_ways)
{
	const uint64_t sizes[] = { 1, 100, 4095, 4096, 4097, 3 * 4096 + 5, 1 << 20 };
	struct kshm *k;
	size_t i;

	expect_ok(kshm_open(NULL, &k));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct kshm_region *r;
		uint64_t sum;
		uint8_t *p;
		uint64_t j;

		expect_ok(kshm_region_create(k, sizes[i], 0, &r));
		p = kshm_region_data(r);
		expect(kshm_region_length(r) == sizes[i]);
		for (j = 0; j < sizes[i]; j++)
			if (p[j])
				break;
		expect(j == sizes[i]);	/* zeroed */
		kshm_pattern_fill(p, sizes[i], 1000 + i, 0);
		expect_ok(kshm_region_checksum(r, 0, sizes[i], &sum));
		expect(sum == kshm_checksum(p, sizes[i]));
		expect_ok(kshm_region_fill(r, 0, sizes[i], 77 + i));
		expect(kshm_pattern_check(p, sizes[i], 77 + i, 0) == sizes[i]);
		expect_ok(kshm_region_destroy(r));
	}
	kshm_close(k);
	expect(guest_counters_zero());
}

/* The tail of the last page is mapped (whole pages only) and zeroed too. */
TEST(region_rounds_to_whole_zeroed_pages)
{
	struct kshm_region_create c;
	int fd = guest_open();
	uint8_t *p;
	long err;
	size_t i;

	p = guest_region_map(fd, 10, 0, &c, &err);
	expect_ok(err);
	expect(c.mapped_length == guest_page());
	for (i = 0; i < guest_page(); i++)
		if (p[i])
			break;
	expect(i == guest_page());
	munmap(p, c.mapped_length);
	close(fd);
}

TEST(fill_and_checksum_subranges)
{
	struct kshm *k;
	struct kshm_region *r;
	uint8_t *p;
	uint64_t sum;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_region_create(k, 5 * 4096, 0, &r));
	p = kshm_region_data(r);
	expect_ok(kshm_region_fill(r, 4000, 300, 9));
	expect(kshm_pattern_check(p + 4000, 300, 9, 0) == 300);
	expect(p[3999] == 0 && p[4300] == 0);
	expect_ok(kshm_region_checksum(r, 4001, 4096, &sum));
	expect(sum == kshm_checksum(p + 4001, 4096));
	kshm_close(k);
}

TEST(bad_create_requests)
{
	int fd = guest_open();
	struct kshm_region_create c = { .size = sizeof(c), .length = 0 };

	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c), -EINVAL);
	c.length = guest_param("max_region_bytes") + 1;
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c), -EFBIG);
	c.length = UINT64_MAX;
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c), -EFBIG);
	c.length = 4096;
	c.flags = 1U << 7;
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c), -EINVAL);
	c.flags = 0;
	c.reserved = 1;
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c), -EINVAL);
	c.reserved = 0;
	c.size = sizeof(c) - 8;	/* size field disagrees with the ioctl's size */
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c), -EINVAL);
	expect_err(guest_ioctl(fd, _IOWR(KSHM_IOC_MAGIC, 0x7f, struct kshm_region_create), &c),
		   -ENOTTY);
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, (void *)16), -EFAULT);
	close(fd);
	expect(guest_counters_zero());
}

/* A newer caller's larger struct is accepted when its unknown tail is zero. */
TEST(request_struct_may_grow_with_zero_tail)
{
	struct {
		struct kshm_region_create c;
		uint64_t future;
	} big = { .c = { .size = sizeof(big), .length = 4096 } };
	unsigned long cmd = _IOWR(KSHM_IOC_MAGIC, KSHM_NR_REGION_CREATE, big);
	int fd = guest_open();

	expect_ok(guest_ioctl(fd, cmd, &big));
	expect(big.c.id != 0);
	big.future = 1;
	expect_err(guest_ioctl(fd, cmd, &big), -E2BIG);
	close(fd);
}

/* A larger struct whose unknown tail cannot be read: EFAULT, nothing made. */
TEST(request_struct_tail_unreadable)
{
	size_t page = guest_page();
	uint8_t *two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	struct kshm_region_create *c = (void *)(two + page - sizeof(*c));
	unsigned long cmd = _IOC(_IOC_READ | _IOC_WRITE, KSHM_IOC_MAGIC, KSHM_NR_REGION_CREATE,
				 sizeof(*c) + 8);
	int fd = guest_open();

	expect(two != MAP_FAILED);
	expect_ok(mprotect(two + page, page, PROT_NONE));
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c) + 8;
	c->length = 4096;
	expect_err(guest_ioctl(fd, cmd, c), -EFAULT);
	close(fd);
	munmap(two, 2 * page);
	expect(guest_counters_zero());
}

/* A reply the kernel cannot write back (read-only memory) undoes the request. */
TEST(undeliverable_reply_leaves_no_region)
{
	int fd = guest_open();
	struct kshm_region_create *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kshm_buffer_attach *a = (struct kshm_buffer_attach *)((uint8_t *)c + 1024);

	expect(c != MAP_FAILED && buf != MAP_FAILED);
	*c = (struct kshm_region_create){ .size = sizeof(*c), .length = 4096 };
	*a = (struct kshm_buffer_attach){ .size = sizeof(*a), .user_addr = (uintptr_t)buf,
					  .length = 4096 };
	expect_ok(mprotect(c, 4096, PROT_READ));
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, c), -EFAULT);
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, a), -EFAULT);
	expect(guest_counters_zero());	/* with the file still open */
	close(fd);
}

TEST(bad_range_requests)
{
	int fd = guest_open();
	struct kshm_region_create c;
	struct kshm_range_op op = { .size = sizeof(op) };
	long err;
	void *p = guest_region_map(fd, 8192, 0, &c, &err);

	expect_ok(err);
	op.id = c.id;
	op.length = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_FILL, &op), -EINVAL);
	op.offset = 8192;
	op.length = 1;
	expect_err(guest_ioctl(fd, KSHM_IOC_FILL, &op), -ERANGE);
	op.offset = 1;
	op.length = 8192;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHECKSUM, &op), -ERANGE);
	op.offset = UINT64_MAX - 10;
	op.length = 100;	/* offset + length wraps */
	expect_err(guest_ioctl(fd, KSHM_IOC_FILL, &op), -ERANGE);
	op.offset = 0;
	op.length = 8192;
	op.id = c.id + 1000;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHECKSUM, &op), -ENOENT);
	op.id = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_CHECKSUM, &op), -ENOENT);
	munmap(p, c.mapped_length);
	close(fd);
}

TEST(double_destroy_and_stale_ids)
{
	int fd = guest_open();
	struct kshm_region_create c = { .size = sizeof(c), .length = 4096 };
	struct kshm_region_destroy d = { .size = sizeof(d) };
	struct kshm_region_create again = { .size = sizeof(again), .length = 4096 };

	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c));
	d.id = c.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_DESTROY, &d));
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_DESTROY, &d), -ENOENT);
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &again));
	expect(again.id != c.id);	/* ids are not reused at once */
	d.id = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_DESTROY, &d), -ENOENT);
	close(fd);
	expect(guest_counters_zero());
}

/* Ids are per open file: another handle cannot reach this one's regions. */
TEST(regions_are_private_to_their_file)
{
	int fd = guest_open(), other = guest_open();
	struct kshm_region_create c = { .size = sizeof(c), .length = 4096 };
	struct kshm_region_destroy d = { .size = sizeof(d) };

	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c));
	d.id = c.id;
	expect_err(guest_ioctl(other, KSHM_IOC_REGION_DESTROY, &d), -ENOENT);
	expect(mmap(NULL, 4096, PROT_READ, MAP_SHARED, other, (off_t)c.mmap_offset) == MAP_FAILED);
	close(other);
	close(fd);
}

TEST(mmap_rules)
{
	int fd = guest_open();
	struct kshm_region_create c = { .size = sizeof(c), .length = 3 * 4096 };
	size_t page = guest_page();
	uint8_t *whole, *part;

	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c));
	/* private mappings would share nothing */
	expect(mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, (off_t)c.mmap_offset) == MAP_FAILED);
	expect(errno == EINVAL);
	/* beyond the region's pages */
	expect(mmap(NULL, 4 * page, PROT_READ, MAP_SHARED, fd, (off_t)c.mmap_offset) == MAP_FAILED);
	expect(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, (off_t)(c.mmap_offset + 3 * page)) ==
	       MAP_FAILED);
	/* an offset naming no region */
	expect(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED);
	/* part of a region, then the whole: the same bytes */
	part = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(c.mmap_offset + page));
	whole = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)c.mmap_offset);
	expect(part != MAP_FAILED && whole != MAP_FAILED);
	part[5] = 0xab;
	expect(whole[page + 5] == 0xab);
	/* cannot grow */
	expect(mremap(whole, 3 * page, 4 * page, MREMAP_MAYMOVE) == MAP_FAILED);
	/* madvise(DONTNEED) drops the PTEs; the fault handler brings the same page back */
	expect_ok(madvise(whole, 3 * page, MADV_DONTNEED));
	expect(whole[page + 5] == 0xab);
	munmap(part, page);
	munmap(whole, 3 * page);
	close(fd);
	expect(guest_counters_zero());
}

TEST(readonly_region_cannot_be_written_by_the_process)
{
	int fd = guest_open();
	struct kshm_region_create c = { .size = sizeof(c), .flags = KSHM_REGION_USER_READONLY,
					.length = 4096 };
	struct kshm_range_op op = { .size = sizeof(op), .length = 4096, .seed = 5 };
	uint8_t *p;

	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c));
	expect(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)c.mmap_offset) ==
	       MAP_FAILED);
	expect(errno == EACCES);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, (off_t)c.mmap_offset);
	expect(p != MAP_FAILED);
	expect(mprotect(p, 4096, PROT_READ | PROT_WRITE) != 0);	/* VM_MAYWRITE is gone */
	op.id = c.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_FILL, &op));	/* the kernel still writes it */
	expect(kshm_pattern_check(p, 4096, 5, 0) == 4096);
	munmap(p, 4096);
	close(fd);
}

/* Destroy and close while mapped: the mapping stays valid until munmap. */
TEST(mapping_outlives_destroy_and_close)
{
	int fd = guest_open();
	struct kshm_region_create c;
	struct kshm_region_destroy d = { .size = sizeof(d) };
	long err;
	uint8_t *p = guest_region_map(fd, 2 * 4096, 0, &c, &err);
	uint8_t *q;

	expect_ok(err);
	d.id = c.id;
	memset(p, 0x11, 2 * 4096);
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_DESTROY, &d));
	expect(guest_counter("regions_live") == 1);	/* held by the mapping */
	expect(p[8191] == 0x11);
	p[0] = 0x22;
	q = guest_region_map(fd, 4096, 0, &c, &err);
	expect_ok(err);
	close(fd);
	q[100] = 0x33;	/* the file itself is gone from the fd table */
	expect(q[100] == 0x33 && p[0] == 0x22);
	/* partial munmap keeps the rest */
	munmap(p, 4096);
	expect(p[4096] == 0x11);
	munmap(p + 4096, 4096);
	munmap(q, 4096);
	expect(guest_counters_zero());
}

static uint8_t *fork_shared;

static int child_writes_shared(void *arg)
{
	(void)arg;
	if (fork_shared[0] != 0x44)
		return 1;
	fork_shared[1] = 0x55;
	return 0;
}

TEST(fork_shares_the_mapping)
{
	int fd = guest_open();
	struct kshm_region_create c;
	long err;

	fork_shared = guest_region_map(fd, 4096, 0, &c, &err);
	expect_ok(err);
	fork_shared[0] = 0x44;
	expect(guest_in_child(child_writes_shared, NULL) == 0);
	expect(fork_shared[1] == 0x55);
	munmap(fork_shared, 4096);
	close(fd);
	expect(guest_counters_zero());
}

TEST(regions_per_file_limit)
{
	uint64_t saved = guest_param("max_regions_per_file");
	int fd = guest_open();
	struct kshm_region_create c = { .size = sizeof(c), .length = 4096 };
	int i;

	guest_set_param("max_regions_per_file", 3);
	for (i = 0; i < 3; i++)
		expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c));
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c), -ENOSPC);
	guest_set_param("max_regions_per_file", saved);
	close(fd);
	expect(guest_counters_zero());
}

TEST(allocated_bytes_limit)
{
	uint64_t saved = guest_param("max_allocated_bytes");
	int fd = guest_open();
	struct kshm_region_create c = { .size = sizeof(c), .length = 8192 };

	guest_set_param("max_allocated_bytes", 3 * 4096);
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c));
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c), -ENOSPC);
	c.length = 4096;
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c));	/* exactly at the limit */
	guest_set_param("max_allocated_bytes", saved);
	close(fd);
	expect(guest_counters_zero());
}

TEST(kernel_region_info_discloses_no_address)
{
	struct kshm *k;
	struct kshm_region *r;
	struct kshm_layout layout;
	uint64_t pfns[4] = { 0 };
	uint32_t count = 0;

	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_region_create(k, 3 * 4096 + 1, 0, &r));
	expect_ok(kshm_region_layout(r, &layout));
	expect(layout.start_va == 0 && layout.byte_offset == 0);
	expect(layout.byte_count == 3 * 4096 + 1 && layout.span_pages == 4);
	expect_ok(kshm_region_pfns(r, pfns, 4, &count));	/* root has CAP_SYS_ADMIN */
	expect(count == 4 && pfns[0] && pfns[3]);
	kshm_close(k);
}

/*
 * Module parameters set above what the ABI can express are clamped where the
 * driver reads them: one region at most KSHM_REGION_MAX_BYTES (its mmap
 * offset window), at most KSHM_MAX_REGION_ID regions per file (the id space).
 */
TEST(parameters_above_the_abi_maximum_are_clamped)
{
	uint64_t saved_bytes = guest_param("max_region_bytes");
	uint64_t saved_regions = guest_param("max_regions_per_file");
	struct kshm_version v = { .size = sizeof(v) };
	int fd = guest_open();
	long err;

	guest_set_param("max_region_bytes", UINT64_MAX);
	guest_set_param("max_regions_per_file", UINT32_MAX);
	err = guest_ioctl(fd, KSHM_IOC_VERSION, &v);
	guest_set_param("max_region_bytes", saved_bytes);
	guest_set_param("max_regions_per_file", saved_regions);
	expect_ok(err);
	expect(v.max_region_bytes == KSHM_REGION_MAX_BYTES);
	expect(v.max_regions_per_file == KSHM_MAX_REGION_ID);
	close(fd);
}

VMTEST_MAIN()
