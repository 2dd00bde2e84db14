// SPDX-License-Identifier: MIT
/* Byte counts as the tool reads and prints them. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "size.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "64 KiB", "1.5 GiB", "100 B". */
struct size_text human_size(uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	struct size_text out;
	unsigned int unit = 0;
	unsigned int shift;

	while (unit + 1 < ARRAY_SIZE(units) && bytes >> (10 * (unit + 1)))
		unit++;
	shift = 10 * unit;
	if (bytes & ((1ULL << shift) - 1))
		snprintf(out.text, sizeof(out.text), "%.1f %s",
			 (double)bytes / (double)(1ULL << shift), units[unit]);
	else
		snprintf(out.text, sizeof(out.text), "%" PRIu64 " %s", bytes >> shift, units[unit]);
	return out;
}

/* Decimal or 0x hex, with an optional K, M or G (KiB, MiB, GiB) suffix. */
int parse_size(const char *text, uint64_t *bytes)
{
	bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	unsigned long long value;
	unsigned int shift = 0;
	char *end;

	/* strtoull would quietly accept "-1" and leading blanks. */
	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, hex ? 16 : 10);
	if (errno)
		return -errno;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	}
	if (shift) {
		end++;
		if (!strcasecmp(end, "iB") || !strcasecmp(end, "B"))
			end += strlen(end);
	}
	if (*end)
		return -EINVAL;
	if (value > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = (uint64_t)value << shift;
	return 0;
}
