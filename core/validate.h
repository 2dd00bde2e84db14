/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Request validation. Each driver copies a request into a kernel-private
 * struct once, then asks these functions whether it is well formed before
 * acting; they only read that private copy, never shared or user memory.
 */
#ifndef KSHM_CORE_VALIDATE_H
#define KSHM_CORE_VALIDATE_H

#include "limits.h"
#include "status.h"
#include "../include/kshm/channel.h"

/*
 * A request's own `size` field must equal the bytes the caller passed
 * (`passed`), which in turn must cover at least the v1 layout (`v1_size`).
 */
enum kshm_status kshm_check_request_size(uint32_t claimed, uint64_t passed, uint32_t v1_size);

/* On success *alloc_bytes is the whole-page size to allocate. */
enum kshm_status kshm_validate_region_create(const struct kshm_region_create *req,
					     const struct kshm_limits *limits,
					     uint64_t *alloc_bytes);

/* On success *layout is the buffer's page layout (what the driver must lock). */
enum kshm_status kshm_validate_buffer_attach(const struct kshm_buffer_attach *req,
					     const struct kshm_limits *limits,
					     struct kshm_layout *layout);

enum kshm_status kshm_validate_region_info(const struct kshm_region_info *req);

enum kshm_status kshm_validate_region_destroy(const struct kshm_region_destroy *req);

/* Checks the range against the region: call it with the region's byte count. */
enum kshm_status kshm_validate_range_op(const struct kshm_range_op *req, uint64_t region_bytes);

/* `methods` is the set of KSHM_METHOD_* bits (1 << method) the driver offers. */
enum kshm_status kshm_validate_transfer(const struct kshm_transfer *req,
					const struct kshm_limits *limits, uint32_t methods,
					struct kshm_layout *layout);

/* Channels (include/kshm/channel.h). */
/* On success *alloc_bytes is what to allocate: the two header pages and the data. */
enum kshm_status kshm_validate_channel_create(const struct kshm_channel_create *req,
					      const struct kshm_limits *limits,
					      uint64_t *alloc_bytes);

/* max_payload: the ring's kshm_ring_max_payload(). */
enum kshm_status kshm_validate_channel_generate(const struct kshm_channel_generate *req,
						uint32_t max_payload);

enum kshm_status kshm_validate_channel_process(const struct kshm_channel_process *req);

#endif /* KSHM_CORE_VALIDATE_H */
