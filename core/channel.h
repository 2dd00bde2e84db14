/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Validation of channel requests (include/kshm/channel.h). */
#ifndef KSHM_CORE_CHANNEL_H
#define KSHM_CORE_CHANNEL_H

#include "limits.h"
#include "status.h"
#include "../include/kshm/channel.h"

/* On success *alloc_bytes is what to allocate: the two header pages and the data. */
enum kshm_status kshm_validate_channel_create(const struct kshm_channel_create *req,
					      const struct kshm_limits *limits,
					      uint64_t *alloc_bytes);

/* max_payload: the ring's kshm_ring_max_payload(). */
enum kshm_status kshm_validate_channel_generate(const struct kshm_channel_generate *req,
						uint32_t max_payload);

enum kshm_status kshm_validate_channel_process(const struct kshm_channel_process *req);

#endif /* KSHM_CORE_CHANNEL_H */
