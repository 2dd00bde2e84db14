// SPDX-License-Identifier: MIT
/*
 * What the kshm tool says when something goes wrong, for every command
 * (report.h): the limit behind EFBIG, ENOSPC or ENOMEM named with its value,
 * how to load the driver or get at the device, the rest as strerror says.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "size.h"

static void describe_memlock(char *why, size_t size)
{
	uint64_t memlock;

	if (compat_memlock_limit(&memlock))
		snprintf(why, size, "limit hit: RLIMIT_MEMLOCK is %s (ulimit -l); attached pages count against it",
			 human_size(memlock).text);
	else
		snprintf(why, size, "out of kernel memory");
}

/*
 * ENOSPC is either the per-handle region count or the driver-wide byte quota
 * of the request's kind; the live counters tell which.
 */
static void describe_quota(char *why, size_t size, const struct kshm_version *version,
			   enum request_kind kind, uint64_t charged)
{
	bool attach = kind == REQ_ATTACH;
	const char *name = attach ? "max_pinned_bytes" : "max_allocated_bytes";
	uint64_t limit = attach ? version->max_pinned_bytes : version->max_allocated_bytes;
	uint64_t used = attach ? version->bytes_pinned : version->bytes_allocated;

	if (charged > limit || used > limit - charged)
		snprintf(why, size, "limit hit: %s is %s (%s in use driver-wide, this needs %s)",
			 name, human_size(limit).text, human_size(used).text,
			 human_size(charged).text);
	else
		snprintf(why, size, "limit hit: max_regions_per_file is %u",
			 version->max_regions_per_file);
}

/* Name the limit behind EFBIG, ENOSPC or ENOMEM; false if err is not a limit. */
static bool describe_limit(char *why, size_t size, struct kshm *kshm, enum request_kind kind,
			   uint64_t charged, int err)
{
	struct kshm_version version;
	bool known = kshm && kshm_query_version(kshm, &version) == 0;

	if (err == -ENOMEM && kind == REQ_ATTACH) {
		describe_memlock(why, size);
		return true;
	}
	if (err == -EFBIG) {
		if (known)
			snprintf(why, size, "limit hit: max_region_bytes is %s",
				 human_size(version.max_region_bytes).text);
		else
			snprintf(why, size, "limit hit: max_region_bytes");
		return true;
	}
	if (err == -ENOSPC && (kind == REQ_CREATE || kind == REQ_ATTACH)) {
		if (known)
			describe_quota(why, size, &version, kind, charged);
		else
			snprintf(why, size, "limit hit: max_regions_per_file or %s",
				 kind == REQ_ATTACH ? "max_pinned_bytes" : "max_allocated_bytes");
		return true;
	}
	return false;
}

static void describe_errno(char *why, size_t size, enum request_kind kind, int err)
{
	if (kind == REQ_OPEN && (err == -EACCES || err == -EPERM))
		snprintf(why, size, "permission denied: the device is 0600 root by default (kshm(4), Permissions)");
	else if (kind == REQ_OPEN && (err == -ENXIO || err == -ENODEV))
		snprintf(why, size, "no driver behind it: " COMPAT_DRIVER_HINT);
	else if (kind == REQ_OPEN && err == -ENOTTY)
		snprintf(why, size, "not a kshm device");
	else if (err == -EPROTO)
		snprintf(why, size, "the driver speaks another kshm ABI version than this tool (%d): install matching versions",
			 KSHM_ABI_VERSION);
	else
		snprintf(why, size, "%s", strerror(-err));
}

void describe_failure(char *buf, size_t size, struct kshm *kshm, enum request_kind kind,
		      uint64_t charged, const char *what, int err)
{
	char why[192];

	if (kind == REQ_OPEN && err == -ENOENT) {
		snprintf(buf, size, "%s not found: " COMPAT_DRIVER_HINT, what);
		return;
	}
	if (!describe_limit(why, sizeof(why), kshm, kind, charged, err))
		describe_errno(why, sizeof(why), kind, err);
	snprintf(buf, size, "%s: %s", what, why);
}

void print_error(const char *fmt, ...)
{
	va_list args;

	fflush(stdout);	/* keep the error after what led to it when both go to one place */
	fputs("kshm: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

int report(struct kshm *kshm, enum request_kind kind, uint64_t charged, const char *what,
	   int err)
{
	char message[320];

	describe_failure(message, sizeof(message), kshm, kind, charged, what, err);
	print_error("%s", message);
	return EXIT_FAILURE;
}

int usage_error(const char *fmt, ...)
{
	va_list args;

	fputs("kshm: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputs("\nTry 'kshm --help', or 'kshm help COMMAND'.\n", stderr);
	return EXIT_USAGE;
}

int open_device(const char *path, struct kshm **kshm, struct kshm_version *version)
{
	int err;

	err = kshm_open(path, kshm);
	if (err)
		return report(NULL, REQ_OPEN, 0, path, err);
	err = kshm_query_version(*kshm, version);
	if (err) {
		report(*kshm, REQ_OTHER, 0, "query the driver version", err);
		kshm_close(*kshm);
		return EXIT_FAILURE;
	}
	return 0;
}
