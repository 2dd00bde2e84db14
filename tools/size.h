/* SPDX-License-Identifier: MIT */
/* Byte counts as the tool reads and prints them (tools/size.c). */
#ifndef KSHM_TOOLS_SIZE_H
#define KSHM_TOOLS_SIZE_H

#include <stdint.h>

struct size_text {
	char text[24];
};

/* "64 KiB", "1.5 GiB", "100 B". */
struct size_text human_size(uint64_t bytes);

/*
 * Decimal or 0x hex, with an optional K, M or G (KiB, MiB, GiB) suffix.
 * Returns 0, -EINVAL (not a size) or -ERANGE (over 2^64 - 1).
 */
int parse_size(const char *text, uint64_t *bytes);

#endif /* KSHM_TOOLS_SIZE_H */
