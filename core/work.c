// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "work.h"
#include "checksum.h"

static size_t chunk_of(uint64_t left, size_t most)
{
	return left < most ? (size_t)left : most;
}

/* Between two chunks, with `left` bytes still to do. */
static enum kshm_status pause_between(uint64_t left, const struct kshm_work_ops *ops)
{
	if (!left)
		return KSHM_OK;
	if (ops->interrupted())
		return KSHM_ERR_INTERRUPTED;
	if (ops->yield)
		ops->yield();
	return KSHM_OK;
}

enum kshm_status kshm_work_fill(void *dst, uint64_t len, uint64_t seed, uint64_t pos,
				const struct kshm_work_ops *ops)
{
	uint8_t *out = dst;
	enum kshm_status status = KSHM_OK;

	while (len && status == KSHM_OK) {
		size_t chunk = chunk_of(len, KSHM_WORK_CHUNK);

		kshm_pattern_fill(out, chunk, seed, pos);
		out += chunk;
		pos += chunk;
		len -= chunk;
		status = pause_between(len, ops);
	}
	return status;
}

enum kshm_status kshm_work_checksum(const void *src, uint64_t len, uint64_t *checksum,
				    const struct kshm_work_ops *ops)
{
	const uint8_t *in = src;
	enum kshm_status status = KSHM_OK;
	struct kshm_csum csum;

	kshm_csum_init(&csum);
	while (len && status == KSHM_OK) {
		size_t chunk = chunk_of(len, KSHM_WORK_CHUNK);

		kshm_csum_update(&csum, in, chunk);
		in += chunk;
		len -= chunk;
		status = pause_between(len, ops);
	}
	if (status == KSHM_OK)
		*checksum = kshm_csum_final(&csum);
	return status;
}

enum kshm_status kshm_work_bounced(struct kshm_transfer *req, void *bounce, size_t bounce_bytes,
				   kshm_bounce_copy_fn *copy, void *ctx,
				   const struct kshm_work_ops *ops)
{
	bool to_kernel = req->direction == KSHM_DIR_TO_KERNEL;
	enum kshm_status status = KSHM_OK;
	struct kshm_csum csum;
	uint64_t pos = 0;

	kshm_csum_init(&csum);
	while (pos < req->length && status == KSHM_OK) {
		size_t chunk = chunk_of(req->length - pos, bounce_bytes);

		if (!to_kernel)
			kshm_pattern_fill(bounce, chunk, req->seed, pos);
		if (!copy(ctx, bounce, pos, chunk, to_kernel))
			return KSHM_ERR_FAULT;
		if (to_kernel)
			kshm_csum_update(&csum, bounce, chunk);
		pos += chunk;
		status = pause_between(req->length - pos, ops);
	}
	if (status == KSHM_OK && to_kernel)
		req->checksum = kshm_csum_final(&csum);
	return status;
}
