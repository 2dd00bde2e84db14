// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "request.h"

#define KSHM_REQUEST_ROW(name, member, type, flags, new_id) \
	[KSHM_NR_##name] = { sizeof(struct type), (flags), (new_id) },
#define KSHM_WINDOWS_REQUEST_ROW(name, member, type, flags, new_id) \
	KSHM_REQUEST_ROW(name, member, type, (flags) | KSHM_REQ_WINDOWS_ONLY, new_id)
static const struct kshm_request_desc kshm_requests[KSHM_NR_LIMIT] = {
	KSHM_REQUEST_TABLE(KSHM_REQUEST_ROW)
	KSHM_WINDOWS_REQUEST_TABLE(KSHM_WINDOWS_REQUEST_ROW)
};
#undef KSHM_WINDOWS_REQUEST_ROW
#undef KSHM_REQUEST_ROW

const struct kshm_request_desc *kshm_request_lookup(uint32_t nr)
{
	if (nr >= KSHM_NR_LIMIT || !kshm_requests[nr].size)
		return NULL;
	return &kshm_requests[nr];
}

uint32_t kshm_request_new_id(const struct kshm_request_desc *desc, const union kshm_request *req)
{
	uint32_t id;

	memcpy(&id, (const uint8_t *)req + desc->new_id_offset, sizeof(id));
	return id;
}
