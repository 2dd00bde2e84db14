/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Why core/ refused a request. Each driver maps these to its own error space
 * (errno on Linux, NTSTATUS on Windows) in one table, so one request gets the
 * same answer on both.
 */
#ifndef KSHM_CORE_STATUS_H
#define KSHM_CORE_STATUS_H

enum kshm_status {
	KSHM_OK = 0,
	KSHM_ERR_INVAL,		/* malformed: size field, unknown flag, reserved bits, zero length */
	KSHM_ERR_RANGE,		/* offset/length reach outside the region */
	KSHM_ERR_OVERFLOW,	/* address + length wraps around */
	KSHM_ERR_TOO_BIG,	/* larger than the configured per-region limit */
	KSHM_ERR_QUOTA,		/* a count or byte quota is used up */
	KSHM_ERR_ACCESS,	/* the region does not allow this access */
	KSHM_ERR_NOENT,		/* no such region */
	KSHM_ERR_INTERRUPTED,	/* the caller must stop (killed; a signal for a service call) */
	KSHM_ERR_CANCELLED,	/* the object was destroyed under the call */
	KSHM_ERR_CORRUPT,	/* the process made a ring impossible */
	KSHM_ERR_FAULT,		/* the caller's memory could not be read or written */
	KSHM_ERR_CLOSED,	/* the process let go of the channel (kernel API) */
};

#endif /* KSHM_CORE_STATUS_H */
