// SPDX-License-Identifier: MIT
#include "guest_util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kshm.h>

int guest_open(void)
{
	int fd = open(KSHM_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("open " KSHM_DEV);
		abort();
	}
	return fd;
}

long guest_ioctl(int fd, unsigned long cmd, void *req)
{
	return ioctl(fd, cmd, req) ? -errno : 0;
}

static int64_t read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long long value = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &value) != 1)
		value = -1;
	fclose(f);
	return value;
}

int64_t guest_counter(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/misc/kshm/%s", name);
	return read_number(path);
}

bool guest_counters_zero(void)
{
	return guest_counter("regions_live") == 0 && guest_counter("bytes_allocated") == 0 &&
	       guest_counter("bytes_pinned") == 0;
}

/*
 * Per-CPU deltas are folded into /proc/vmstat lazily: writing
 * /proc/sys/vm/stat_refresh folds them first, so the two numbers are read
 * exact, not racing the folding.
 */
int64_t guest_pins_outstanding(void)
{
	int64_t acquired = -1, released = -1;
	char name[64];
	long long value;
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "w");

	if (!f)
		return -1;
	fputs("1\n", f);
	if (fclose(f) != 0)
		return -1;
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &value) == 2) {
		if (!strcmp(name, "nr_foll_pin_acquired"))
			acquired = value;
		else if (!strcmp(name, "nr_foll_pin_released"))
			released = value;
	}
	fclose(f);
	return acquired < 0 || released < 0 ? -1 : acquired - released;
}

bool guest_counters_drain(void)
{
	int i;

	for (i = 0; i < 1000; i++) {
		/* The module's counters, and every page pin it took given back to the kernel. */
		if (guest_counters_zero() && guest_pins_outstanding() <= 0)
			return true;
		usleep(10000);
	}
	return false;
}

uint64_t guest_param(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/kshm/parameters/%s", name);
	return (uint64_t)read_number(path);
}

void guest_set_param(const char *name, uint64_t value)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/kshm/parameters/%s", name);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%" PRIu64 "\n", value) < 0 || fclose(f)) {
		perror(path);
		abort();
	}
}

size_t guest_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

void *guest_region_map(int fd, uint64_t length, uint32_t flags, struct kshm_region_create *out,
		       long *err)
{
	struct kshm_region_create create = { .size = sizeof(create), .flags = flags, .length = length };
	int prot = (flags & KSHM_REGION_USER_READONLY) ? PROT_READ : PROT_READ | PROT_WRITE;
	void *p;

	*err = guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &create);
	if (*err)
		return NULL;
	p = mmap(NULL, create.mapped_length, prot, MAP_SHARED, fd, (off_t)create.mmap_offset);
	if (p == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	if (out)
		*out = create;
	return p;
}

void guest_drop_cap(int cap)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &header, data)) {
		perror("capget");
		abort();
	}
	data[cap / 32].effective &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &header, data)) {
		perror("capset");
		abort();
	}
}

int guest_in_child(int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		perror("fork");
		abort();
	}
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int guest_generate(struct kshm_channel *events, uint64_t count, uint32_t record_bytes,
		   uint64_t first_seq, uint32_t flags, uint64_t *produced, uint64_t *dropped)
{
	KSHM_OPTS(kshm_generate_opts, opts, .type = 7, .first_seq = first_seq, .flags = flags);
	int err = kshm_channel_generate(events, count, record_bytes, &opts);

	if (produced)
		*produced = opts.produced;
	if (dropped)
		*dropped = opts.dropped;
	return err;
}
