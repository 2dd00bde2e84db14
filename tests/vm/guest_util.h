/* SPDX-License-Identifier: MIT */
/* kshm-specific helpers for the guest test programs (the generic runner is vmtest.h). */
#ifndef KSHM_GUEST_UTIL_H
#define KSHM_GUEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <kshm/abi.h>

struct kshm_channel;

#define KSHM_DEV "/dev/kshm"

/* open(/dev/kshm) or abort the test: every test needs the device. */
int guest_open(void);

/* ioctl() returning 0 or -errno, so results compare against -EINVAL etc. */
long guest_ioctl(int fd, unsigned long cmd, void *req);

/* Driver-wide counters from sysfs; -1 when unreadable. */
int64_t guest_counter(const char *name);

/* True once regions_live, bytes_allocated and bytes_pinned are all zero. */
bool guest_counters_zero(void);

/*
 * Wait (up to 10 s) for the counters to reach zero and for every FOLL_PIN pin
 * to be released (/proc/vmstat, read after stat_refresh): a dead process's
 * files and mappings are released a little after it is reaped (deferred fput),
 * later still on a guest whose vCPU the host has descheduled. Only a leak
 * waits the whole time.
 */
bool guest_counters_drain(void);

/* FOLL_PIN pins held in the whole system (acquired - released, exact); -1 when unreadable. */
int64_t guest_pins_outstanding(void);

/* Read and set a module parameter (/sys/module/kshm/parameters/NAME). */
uint64_t guest_param(const char *name);
void guest_set_param(const char *name, uint64_t value);

/* Page size of the guest. */
size_t guest_page(void);

/* Raw create + mmap of a kernel region; returns the mapping or NULL with *err set. */
void *guest_region_map(int fd, uint64_t length, uint32_t flags, struct kshm_region_create *out,
		       long *err);

/* Drop one capability from the effective set of this process (for a forked child). */
void guest_drop_cap(int cap);

/* Fork, run fn(arg) in the child, return its exit status (or 128 + signal). */
int guest_in_child(int (*fn)(void *arg), void *arg);

/*
 * kshm_channel_generate of records of type 7 from first_seq, with flags;
 * produced and dropped may be NULL.
 */
int guest_generate(struct kshm_channel *events, uint64_t count, uint32_t record_bytes,
		   uint64_t first_seq, uint32_t flags, uint64_t *produced, uint64_t *dropped);

#endif /* KSHM_GUEST_UTIL_H */
