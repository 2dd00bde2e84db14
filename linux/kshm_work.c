// SPDX-License-Identifier: GPL-2.0
/*
 * The fill and checksum work on bytes the kernel can address. Ranges can be
 * hundreds of MiB, so the work goes in chunks with a reschedule point and an
 * exit for a killed caller between them.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "kshm_dev.h"
#include "core/checksum.h"

#define KSHM_WORK_CHUNK (256U << 10)

int kshm_work_fill(void *dst, u64 len, u64 seed, u64 pos)
{
	while (len) {
		size_t chunk = min_t(u64, len, KSHM_WORK_CHUNK);

		kshm_pattern_fill(dst, chunk, seed, pos);
		dst += chunk;
		pos += chunk;
		len -= chunk;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * The bytes may be changing under us (the process shares them): the result
 * is then some checksum of what was read, which is harmless; nothing here
 * depends on reading the same value twice.
 */
int kshm_work_checksum(const void *src, u64 len, u64 *checksum)
{
	struct kshm_csum csum;

	kshm_csum_init(&csum);
	while (len) {
		size_t chunk = min_t(u64, len, KSHM_WORK_CHUNK);

		kshm_csum_update(&csum, src, chunk);
		src += chunk;
		len -= chunk;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	*checksum = kshm_csum_final(&csum);
	return 0;
}
