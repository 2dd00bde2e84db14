// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "region.h"
#include "limits.h"

enum kshm_status kshm_mmap_decode(uint64_t offset, uint64_t len, uint32_t *id,
				  uint64_t *region_offset)
{
	uint64_t window = KSHM_REGION_MAX_BYTES;
	uint64_t region_id = offset >> KSHM_MMAP_REGION_SHIFT;

	if (len == 0)
		return KSHM_ERR_INVAL;
	if (region_id == 0 || region_id > KSHM_MAX_REGION_ID)
		return KSHM_ERR_NOENT;
	*id = (uint32_t)region_id;
	*region_offset = offset & (window - 1);
	return KSHM_OK;
}
