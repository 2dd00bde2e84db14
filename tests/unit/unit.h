/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Common includes for the kshm unit tests: cmocka wants <stdarg.h>,
 * <stddef.h>, <stdint.h> and <setjmp.h> before <cmocka.h>.
 */
#ifndef KSHM_TESTS_UNIT_H
#define KSHM_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* TAP, whoever runs the program: tests/tap.sh judges every suite by it. */
__attribute__((constructor)) static void unit_output_tap(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Deterministic xorshift64*: the same "random" cases on every run. */
static inline uint64_t unit_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

#endif /* KSHM_TESTS_UNIT_H */
