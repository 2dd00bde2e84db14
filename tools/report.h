/* SPDX-License-Identifier: MIT */
/*
 * What the kshm tool says when something goes wrong (tools/report.c), the
 * same for every command: one line on stderr, "kshm: " and what failed and
 * why, with the way out where there is one (load the driver, the device's
 * permissions, the limit hit and its value). Status 1 for a failure, 2 for
 * a usage error.
 */
#ifndef KSHM_TOOLS_REPORT_H
#define KSHM_TOOLS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <kshm.h>
#include "compat.h"

#define EXIT_USAGE 2

enum request_kind {
	REQ_OPEN,
	REQ_CREATE,	/* charges max_allocated_bytes (regions, channels) */
	REQ_ATTACH,	/* charges max_pinned_bytes and RLIMIT_MEMLOCK */
	REQ_OTHER,
};

/*
 * One line: what failed and why, naming the limit hit when there is one.
 * charged: the whole-page bytes a create or attach asked the quotas for.
 */
void describe_failure(char *buf, size_t size, struct kshm *kshm, enum request_kind kind,
		      uint64_t charged, const char *what, int err);

/* "kshm: " and the message on stderr, after what stdout holds so far. */
void print_error(const char *fmt, ...) COMPAT_PRINTF(1, 2);

/* describe_failure() printed; returns EXIT_FAILURE. */
int report(struct kshm *kshm, enum request_kind kind, uint64_t charged, const char *what,
	   int err);

/* The message and the hint to the help; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) COMPAT_PRINTF(1, 2);

/* Open the device at path and read its version; returns an exit status. */
int open_device(const char *path, struct kshm **kshm, struct kshm_version *version);

#endif /* KSHM_TOOLS_REPORT_H */
