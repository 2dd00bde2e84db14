/* SPDX-License-Identifier: MIT */
/*
 * vmtest: the runner of the guest test programs (tests/vm/test_*.c).
 *
 *	TEST(region_create_zeroed)
 *	{
 *		expect_ok(kshm_open(NULL, &k));
 *		expect_err(guest_ioctl(fd, KSHM_IOC_FILL, &op), -ERANGE);
 *		expect(p[0] == 0);
 *		if (!have_feature)
 *			skip("no feature");
 *	}
 *	VMTEST_MAIN()
 *
 * Every test runs in its own forked child, in its own process group, under a
 * time limit (KSHM_VM_TEST_TIMEOUT seconds, default 120): a crash, a signal or a
 * hang fails that test only. The first failed expectation ends the test (like
 * an assert) after printing the expression, the value it had and the value
 * wanted. Processes a test leaves behind are killed and reaped before the next
 * test starts. A program may name one teardown (VMTEST_TEARDOWN(fn)): the
 * runner calls it after every test, once the test's processes are gone, to
 * undo what a test that failed half-way left behind (a module it loaded), so
 * one failure never fails the tests after it. Output, TAP (tests/tap.sh
 * judges it):
 *
 *	1..N
 *	ok 1 - name
 *	# test_x.c:42: expect_err(f(), -EINVAL): got 0, want -22 (EINVAL)
 *	not ok 2 - name
 *	ok 3 - name # SKIP reason
 *	# 1 passed, 1 failed, 1 skipped	(skipped tests count as neither)
 *
 * The program exits 0 when nothing failed. Arguments: test names to run only
 * those; -l lists the names.
 */
#ifndef KSHM_VMTEST_H
#define KSHM_VMTEST_H

#include <errno.h>

typedef void (*vmtest_fn)(void);

void vmtest_register(const char *name, vmtest_fn fn);
void vmtest_register_teardown(vmtest_fn fn);
int vmtest_main(int argc, char **argv);

__attribute__((noreturn, format(printf, 3, 4)))
void vmtest_fail(const char *file, int line, const char *fmt, ...);
__attribute__((noreturn))
void vmtest_fail_value(const char *file, int line, const char *macro, const char *expr,
		       long long got, long long want, int saved_errno);
__attribute__((noreturn, format(printf, 1, 2)))
void vmtest_skip(const char *fmt, ...);

/* Define and register a test (registration order is the run order). */
#define TEST(name)                                                                   \
	static void vmtest_fn_##name(void);                                          \
	__attribute__((constructor)) static void vmtest_register_##name(void)        \
	{                                                                            \
		vmtest_register(#name, vmtest_fn_##name);                            \
	}                                                                            \
	static void vmtest_fn_##name(void)

/* Run fn() in the runner after each test (pass or fail); it must not expect(). */
#define VMTEST_TEARDOWN(fn)                                                          \
	__attribute__((constructor)) static void vmtest_register_teardown_##fn(void) \
	{                                                                            \
		vmtest_register_teardown(fn);                                        \
	}

#define VMTEST_MAIN()                                                                \
	int main(int argc, char **argv)                                              \
	{                                                                            \
		return vmtest_main(argc, argv);                                      \
	}

/* A condition that must hold. */
#define expect(cond)                                                                 \
	do {                                                                         \
		if (!(cond))                                                         \
			vmtest_fail(__FILE__, __LINE__, "expect(%s) is false", #cond); \
	} while (0)

/* An expression that must evaluate to 0 (0 or -errno APIs; also pipe(), ...). */
#define expect_ok(expr)                                                              \
	do {                                                                         \
		errno = 0;                                                           \
		long long vmtest_got_ = (long long)(expr);                           \
		if (vmtest_got_ != 0)                                                \
			vmtest_fail_value(__FILE__, __LINE__, "expect_ok", #expr,    \
					  vmtest_got_, 0, errno);                    \
	} while (0)

/* An expression that must evaluate to exactly `want` (e.g. -EINVAL). */
#define expect_err(expr, want)                                                       \
	do {                                                                         \
		errno = 0;                                                           \
		long long vmtest_got_ = (long long)(expr);                           \
		long long vmtest_want_ = (long long)(want);                          \
		if (vmtest_got_ != vmtest_want_)                                     \
			vmtest_fail_value(__FILE__, __LINE__, "expect_err", #expr,   \
					  vmtest_got_, vmtest_want_, errno);         \
	} while (0)

/* For libc calls that return -1 and set errno: the value, or -errno on -1. */
#define sys_err(expr) ({ long long vmtest_r_ = (long long)(expr); vmtest_r_ == -1 ? -(long long)errno : vmtest_r_; })

/* End the test as skipped (never counted as passed). */
#define skip(...) vmtest_skip(__VA_ARGS__)

#endif /* KSHM_VMTEST_H */
