// SPDX-License-Identifier: MIT
/* A process's own buffer locked and mapped into the kernel: the second direction. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_util.h"
#include "vmtest.h"

static uint8_t *map_anon(size_t len, int prot)
{
	uint8_t *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Every (offset, length) around page edges: the layout is the MDL's, to the byte. */
TEST(attach_layout_matches_mdl)
{
	const size_t offsets[] = { 0, 1, 0x10, 4095 };
	const uint64_t lengths[] = { 1, 4095, 4096, 4097, 8192, 3 * 4096 + 7 };
	uint8_t *buf = map_anon(8 * 4096, PROT_READ | PROT_WRITE);
	struct kshm *k;
	size_t i, j;

	expect(buf != NULL);
	expect_ok(kshm_open(NULL, &k));
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		for (j = 0; j < sizeof(lengths) / sizeof(lengths[0]); j++) {
			uint64_t start = (uint64_t)(uintptr_t)(buf + offsets[i]);
			uint64_t last = start + lengths[j] - 1;
			struct kshm_region *r;
			struct kshm_layout l;

			expect_ok(kshm_buffer_attach(k, buf + offsets[i], lengths[j], 0, &r));
			expect_ok(kshm_region_layout(r, &l));
			expect(l.start_va == (start & ~4095ULL));
			expect(l.byte_offset == offsets[i]);
			expect(l.byte_count == lengths[j]);
			expect(l.span_pages == ((last >> 12) - (start >> 12) + 1));
			expect_ok(kshm_region_destroy(r));
		}
	}
	kshm_close(k);
	munmap(buf, 8 * 4096);
	expect(guest_counters_zero());
}

TEST(attached_buffer_shared_both_ways)
{
	size_t len = 5 * 4096 + 123;
	uint8_t *buf = malloc(len + 64);
	uint8_t *data = buf + 0x10;
	struct kshm *k;
	struct kshm_region *r;
	uint64_t sum;

	expect(buf != NULL);
	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_buffer_attach(k, data, len, KSHM_ATTACH_KERNEL_WRITE, &r));
	expect(guest_counter("bytes_pinned") > 0);
	kshm_pattern_fill(data, len, 31, 0);
	expect_ok(kshm_region_checksum(r, 0, len, &sum));
	expect(sum == kshm_checksum(data, len));
	expect_ok(kshm_region_fill(r, 7, len - 7, 32));
	expect(kshm_pattern_check(data + 7, len - 7, 32, 0) == len - 7);
	expect(kshm_pattern_check(data, 7, 31, 0) == 7);	/* bytes before the range untouched */
	expect_ok(kshm_region_destroy(r));
	kshm_close(k);
	free(buf);
	expect(guest_counters_zero());
}

TEST(readonly_attach)
{
	uint8_t *ro = map_anon(2 * 4096, PROT_READ | PROT_WRITE);
	struct kshm_buffer_attach a = { .size = sizeof(a), .length = 2 * 4096 };
	struct kshm_range_op op = { .size = sizeof(op), .length = 4096 };
	int fd = guest_open();

	expect(ro != NULL);
	memset(ro, 0x7e, 2 * 4096);
	expect_ok(mprotect(ro, 2 * 4096, PROT_READ));
	a.user_addr = (uintptr_t)ro;
	/* the kernel may not write read-only memory */
	a.flags = KSHM_ATTACH_KERNEL_WRITE;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EFAULT);
	/* but may read it, and then refuses to fill it */
	a.flags = 0;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	op.id = a.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHECKSUM, &op));
	expect(op.checksum == kshm_checksum(ro, 4096));
	expect_err(guest_ioctl(fd, KSHM_IOC_FILL, &op), -EACCES);
	close(fd);
	munmap(ro, 2 * 4096);
	expect(guest_counters_zero());
}

TEST(bad_attach_requests)
{
	int fd = guest_open();
	struct kshm_buffer_attach a = { .size = sizeof(a) };
	uint8_t *none = map_anon(4096, PROT_NONE);
	uint8_t *hole = map_anon(3 * 4096, PROT_READ | PROT_WRITE);

	expect(none && hole);
	munmap(hole + 4096, 4096);	/* a hole in the middle */
	a.user_addr = (uintptr_t)hole;
	a.length = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EINVAL);
	a.length = 3 * 4096;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EFAULT);
	a.user_addr = (uintptr_t)none;
	a.length = 4096;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EFAULT);
	a.user_addr = 0;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EFAULT);
	a.user_addr = 0xffff800000000000ULL;	/* kernel half of the address space */
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EFAULT);
	a.user_addr = UINT64_MAX - 100;	/* address + length wraps */
	a.length = 4096;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EOVERFLOW);
	a.user_addr = (uintptr_t)hole;
	a.length = guest_param("max_region_bytes") + 1;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EFBIG);
	a.length = 4096;
	a.flags = 1U << 9;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EINVAL);
	close(fd);
	munmap(none, 4096);
	munmap(hole, 3 * 4096);
	expect(guest_counters_zero());
}

/* The pins keep the pages: the process may unmap its buffer, the kernel view stays. */
TEST(attached_pages_survive_munmap)
{
	uint8_t *buf = map_anon(4 * 4096, PROT_READ | PROT_WRITE);
	struct kshm_buffer_attach a = { .size = sizeof(a), .flags = KSHM_ATTACH_KERNEL_WRITE,
					.length = 4 * 4096 };
	struct kshm_range_op op = { .size = sizeof(op), .length = 4 * 4096, .seed = 3 };
	int fd = guest_open();

	expect(buf != NULL);
	memset(buf, 0x19, 4 * 4096);
	a.user_addr = (uintptr_t)buf;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	memset(buf, 0x19, 4 * 4096);
	op.id = a.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHECKSUM, &op));
	munmap(buf, 4 * 4096);
	expect_ok(guest_ioctl(fd, KSHM_IOC_FILL, &op));
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHECKSUM, &op));
	close(fd);
	expect(guest_counters_zero());
}

static int attach_over_memlock(void *arg)
{
	struct rlimit lim = { 2 * 4096, 2 * 4096 };
	struct kshm_buffer_attach a = { .size = sizeof(a), .length = 4 * 4096 };
	struct kshm_region_destroy d = { .size = sizeof(d) };
	uint8_t *buf = map_anon(4 * 4096, PROT_READ | PROT_WRITE);
	int fd = guest_open();

	(void)arg;
	guest_drop_cap(CAP_IPC_LOCK);
	if (!buf || setrlimit(RLIMIT_MEMLOCK, &lim))
		return 2;
	a.user_addr = (uintptr_t)buf;
	if (guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a) != -ENOMEM)
		return 3;
	a.length = 2 * 4096;	/* within the limit */
	if (guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a))
		return 4;
	d.id = a.id;
	a.length = 4096;	/* the limit is now used up */
	if (guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a) != -ENOMEM)
		return 5;
	/* destroy gives the pages back to the limit */
	if (guest_ioctl(fd, KSHM_IOC_REGION_DESTROY, &d))
		return 6;
	a.length = 2 * 4096;
	if (guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a))
		return 7;
	return 0;
}

TEST(pins_are_charged_to_rlimit_memlock)
{
	expect(guest_in_child(attach_over_memlock, NULL) == 0);
	expect(guest_counters_zero());
}

TEST(pinned_bytes_limit)
{
	uint64_t saved = guest_param("max_pinned_bytes");
	uint8_t *buf = map_anon(4 * 4096, PROT_READ | PROT_WRITE);
	struct kshm_buffer_attach a = { .size = sizeof(a), .length = 3 * 4096 };
	int fd = guest_open();

	expect(buf != NULL);
	guest_set_param("max_pinned_bytes", 4 * 4096);
	a.user_addr = (uintptr_t)buf;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -ENOSPC);
	a.length = 4096;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	guest_set_param("max_pinned_bytes", saved);
	close(fd);
	munmap(buf, 4 * 4096);
	expect(guest_counters_zero());
}

/* memfd (shmem) and a kshm region's own mapping can be attached too. */
TEST(attach_shmem_and_kshm_mappings)
{
	int fd = guest_open();
	int memfd = memfd_create("kshm-test", 0);
	struct kshm_buffer_attach a = { .size = sizeof(a), .flags = KSHM_ATTACH_KERNEL_WRITE,
					.length = 2 * 4096 };
	struct kshm_range_op op = { .size = sizeof(op), .length = 2 * 4096, .seed = 8 };
	struct kshm_region_create c;
	long err;
	uint8_t *shm, *region;

	expect(memfd >= 0);
	expect_ok(ftruncate(memfd, 2 * 4096));
	shm = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	expect(shm != MAP_FAILED);
	a.user_addr = (uintptr_t)shm;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	op.id = a.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_FILL, &op));
	expect(kshm_pattern_check(shm, 2 * 4096, 8, 0) == 2 * 4096);

	region = guest_region_map(fd, 2 * 4096, 0, &c, &err);
	expect_ok(err);
	a.user_addr = (uintptr_t)region;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	op.id = a.id;
	op.seed = 9;
	expect_ok(guest_ioctl(fd, KSHM_IOC_FILL, &op));
	expect(kshm_pattern_check(region, 2 * 4096, 9, 0) == 2 * 4096);
	munmap(region, 2 * 4096);
	munmap(shm, 2 * 4096);
	close(memfd);
	close(fd);
	expect(guest_counters_zero());
}

/* The ext4 image tests/vm/init.sh mounts: a filesystem that writes back its page cache. */
#define EXT4_DIR	"/mnt/ext4"
#define EXT4_MAGIC	0xEF53

static int ext4_file(const char *name, size_t len)
{
	struct statfs fs;
	int fd;

	if (statfs(EXT4_DIR, &fs) != 0 || fs.f_type != EXT4_MAGIC)
		return -1;
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0 && (ftruncate(fd, (off_t)len) != 0 || fsync(fd) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A long-term pin the kernel may write is refused for a shared file mapping
 * on a disk filesystem (its writeback would race the kernel's writes), with
 * EOPNOTSUPP on every kernel (6.5+ would say EFAULT on its own). Reading it,
 * or writing a private mapping of it (the process's own copies), is fine.
 */
TEST(attach_file_backed_longterm_policy)
{
	const size_t len = 2 * 4096;
	struct kshm_buffer_attach a = { .size = sizeof(a), .length = len };
	struct kshm_range_op op = { .size = sizeof(op), .length = len, .seed = 21 };
	int fd = guest_open();
	int file = ext4_file(EXT4_DIR "/attach", len);
	uint8_t *shared, *private, back[64];

	expect(file >= 0);
	shared = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	expect(shared != MAP_FAILED);
	memset(shared, 0x5a, len);
	a.user_addr = (uintptr_t)shared;
	a.flags = KSHM_ATTACH_KERNEL_WRITE;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EOPNOTSUPP);
	/* a range that only ends in the file mapping is refused too */
	private = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect(private != MAP_FAILED);
	expect(mmap(private + len, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, file, 0) ==
	       private + len);
	a.user_addr = (uintptr_t)private;
	a.length = 2 * len;
	expect_err(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a), -EOPNOTSUPP);
	munmap(private, 2 * len);
	expect(guest_counters_zero());

	/* read-only: allowed, and the kernel sees the file's data */
	a.user_addr = (uintptr_t)shared;
	a.length = len;
	a.flags = 0;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	op.id = a.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_CHECKSUM, &op));
	expect(op.checksum == kshm_checksum(shared, len));
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_DESTROY, &(struct kshm_region_destroy){
		.size = sizeof(struct kshm_region_destroy), .id = a.id }));

	/* private mapping of the same file, written by the kernel: the file keeps its data */
	private = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
	expect(private != MAP_FAILED);
	a.user_addr = (uintptr_t)private;
	a.flags = KSHM_ATTACH_KERNEL_WRITE;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	op.id = a.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_FILL, &op));
	expect(kshm_pattern_check(private, len, 21, 0) == len);
	expect(pread(file, back, sizeof(back), 0) == (ssize_t)sizeof(back));
	expect(back[0] == 0x5a && back[63] == 0x5a);
	close(fd);
	munmap(private, len);
	munmap(shared, len);
	close(file);
	unlink(EXT4_DIR "/attach");
	expect(guest_counters_zero());
}

/* hugetlbfs memory, anonymous and shared (a hugetlb memfd), may be pinned for kernel writes. */
TEST(attach_hugetlb_kernel_write)
{
	const size_t huge = 2UL << 20;
	struct kshm_buffer_attach a = { .size = sizeof(a), .flags = KSHM_ATTACH_KERNEL_WRITE,
					.length = huge };
	struct kshm_range_op op = { .size = sizeof(op), .length = huge, .seed = 5 };
	int fd = guest_open();
	int nr = open("/proc/sys/vm/nr_hugepages", O_WRONLY);
	int memfd;
	uint8_t *anon, *shared;

	if (nr < 0)
		skip("no hugetlb support in this kernel");
	expect(write(nr, "4", 1) == 1);
	close(nr);
	anon = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
		    -1, 0);
	expect(anon != MAP_FAILED);
	a.user_addr = (uintptr_t)anon;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	op.id = a.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_FILL, &op));
	expect(kshm_pattern_check(anon, huge, 5, 0) == huge);

	memfd = memfd_create("kshm-huge", MFD_HUGETLB);
	expect(memfd >= 0);
	expect_ok(ftruncate(memfd, (off_t)huge));
	shared = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	expect(shared != MAP_FAILED);
	a.user_addr = (uintptr_t)shared;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	op.id = a.id;
	op.seed = 6;
	expect_ok(guest_ioctl(fd, KSHM_IOC_FILL, &op));
	expect(kshm_pattern_check(shared, huge, 6, 0) == huge);
	close(fd);
	munmap(anon, huge);
	munmap(shared, huge);
	close(memfd);
	expect(guest_counters_zero());
}

static int pfns_without_cap(void *arg)
{
	struct kshm_region_info info = { .size = sizeof(info), .pfn_capacity = 1 };
	uint64_t pfn = 0;
	int fd = guest_open();
	struct kshm_region_create c = { .size = sizeof(c), .length = 4096 };

	(void)arg;
	guest_drop_cap(CAP_SYS_ADMIN);
	if (guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c))
		return 2;
	info.id = c.id;
	info.pfn_array = (uintptr_t)&pfn;
	if (guest_ioctl(fd, KSHM_IOC_REGION_INFO, &info) != -EPERM || pfn != 0)
		return 3;
	info.pfn_array = 0;	/* the layout alone is fine */
	info.pfn_capacity = 0;
	return guest_ioctl(fd, KSHM_IOC_REGION_INFO, &info) ? 4 : 0;
}

TEST(pfns_need_cap_sys_admin)
{
	expect(guest_in_child(pfns_without_cap, NULL) == 0);
}

TEST(bad_info_requests)
{
	int fd = guest_open();
	uint8_t *buf = map_anon(4096, PROT_READ | PROT_WRITE);
	struct kshm_buffer_attach a = { .size = sizeof(a), .length = 100 };
	struct kshm_region_info info = { .size = sizeof(info) };

	a.user_addr = (uintptr_t)buf + 50;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	info.id = a.id;
	info.pfn_capacity = 1;
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_INFO, &info), -EINVAL);	/* no array */
	info.pfn_array = 16;
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_INFO, &info), -EFAULT);
	info.pfn_array = 0;
	info.pfn_capacity = 0;
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_INFO, &info));
	expect(info.kind == KSHM_KIND_USER_BUFFER);
	expect(info.layout.start_va == (uintptr_t)buf && info.layout.byte_offset == 50);
	info.id = 4242;
	expect_err(guest_ioctl(fd, KSHM_IOC_REGION_INFO, &info), -ENOENT);
	close(fd);
	munmap(buf, 4096);
}

VMTEST_MAIN()
