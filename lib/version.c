// SPDX-License-Identifier: MIT
/*
 * Versions: the library's own, and options structs across library versions
 * (the caller's sz says which fields it knows, so a program built against an
 * older kshm.h and one built against a newer kshm.h both work with this
 * library, or are refused cleanly).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

uint32_t kshm_version(uint32_t *abi_version)
{
	if (abi_version)
		*abi_version = KSHM_ABI_VERSION;
	return KSHM_VERSION_CODE(KSHM_VERSION_MAJOR, KSHM_VERSION_MINOR, KSHM_VERSION_PATCH);
}

int kshm_opts_load(void *local, size_t known, const void *opts)
{
	const unsigned char *bytes = opts;
	size_t sz, i;

	memset(local, 0, known);
	if (!opts)
		return 0;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(sz))
		return -EINVAL;
	/* An option this library does not have: refused unless it is zero (unset). */
	for (i = known; i < sz; i++) {
		if (bytes[i])
			return -EINVAL;
	}
	memcpy(local, opts, sz < known ? sz : known);
	return 0;
}
