// SPDX-License-Identifier: MIT
/*
 * The part of cmocka's API that tests/unit uses, for running those same test
 * sources as Windows programs under Wine. Debian ships cmocka only as a
 * Linux library (no mingw build, and its source package is not reachable
 * through the binary archive), so this is NOT upstream cmocka: it implements
 * the assertions the tests call against Debian's own <cmocka.h>, runs each
 * test with setjmp/longjmp like cmocka does, and prints TAP as cmocka's TAP
 * output does (tests/tap.sh judges it, as every suite). No mocks, no
 * allocation checking, no signal catching: a crash ends the program short of
 * its plan, which fails it.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static jmp_buf test_env;
static int test_running;

/* The only output there is: TAP. */
void cmocka_set_message_output(enum cm_message_output output)
{
	(void)output;
}

void print_error(const char *const format, ...)
{
	va_list args;

	va_start(args, format);
	vprintf(format, args);
	va_end(args);
}

static void test_failed(const char *file, int line)
{
	printf("# %s:%d: error: Failure!\n", file, line);
	if (test_running)
		longjmp(test_env, 1);
	exit(1);
}

void _fail(const char *const file, const int line)
{
	test_failed(file, line);
}

void _assert_true(const LargestIntegralType result, const char *const expression,
		  const char *const file, const int line)
{
	if (!result) {
		printf("# %s\n", expression);
		test_failed(file, line);
	}
}

void _assert_int_equal(const LargestIntegralType a, const LargestIntegralType b,
		       const char *const file, const int line)
{
	if (a != b) {
		printf("# %#" PRIxMAX " != %#" PRIxMAX "\n", (uintmax_t)a, (uintmax_t)b);
		test_failed(file, line);
	}
}

void _assert_int_not_equal(const LargestIntegralType a, const LargestIntegralType b,
			   const char *const file, const int line)
{
	if (a == b) {
		printf("# %#" PRIxMAX " == %#" PRIxMAX "\n", (uintmax_t)a, (uintmax_t)b);
		test_failed(file, line);
	}
}

void _assert_string_equal(const char *const a, const char *const b, const char *const file,
			  const int line)
{
	if (strcmp(a, b)) {
		printf("# \"%s\" != \"%s\"\n", a, b);
		test_failed(file, line);
	}
}

void _assert_memory_equal(const void *const a, const void *const b, const size_t size,
			  const char *const file, const int line)
{
	if (memcmp(a, b, size)) {
		printf("# %zu bytes differ\n", size);
		test_failed(file, line);
	}
}

void _assert_memory_not_equal(const void *const a, const void *const b, const size_t size,
			      const char *const file, const int line)
{
	if (!memcmp(a, b, size)) {
		printf("# %zu bytes are equal\n", size);
		test_failed(file, line);
	}
}

int _cmocka_run_group_tests(const char *group_name, const struct CMUnitTest *const tests,
			    const size_t num_tests, CMFixtureFunction group_setup,
			    CMFixtureFunction group_teardown)
{
	void *group_state = NULL;
	volatile size_t passed = 0, failed = 0;	/* live across longjmp */
	size_t i;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("1..%zu\n", num_tests);
	if (group_setup && group_setup(&group_state)) {
		printf("Bail out! %s: group setup failed\n", group_name);
		return (int)num_tests;
	}
	for (i = 0; i < num_tests; i++) {
		const struct CMUnitTest *test = &tests[i];
		void *volatile state = test->initial_state ? test->initial_state : group_state;
		volatile int ok = 1;

		if (test->setup_func && test->setup_func((void **)&state))
			ok = 0;
		if (ok) {
			test_running = 1;
			if (setjmp(test_env) == 0)
				test->test_func((void **)&state);
			else
				ok = 0;
			test_running = 0;
		}
		if (test->teardown_func && test->teardown_func((void **)&state))
			ok = 0;
		printf("%sok %zu - %s\n", ok ? "" : "not ", i + 1, test->name);
		if (ok)
			passed++;
		else
			failed++;
	}
	if (group_teardown)
		group_teardown(&group_state);
	printf("# %zu passed, %zu failed\n", passed, failed);
	return (int)failed;
}
