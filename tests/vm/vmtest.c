// SPDX-License-Identifier: MIT
/* The guest test runner: see vmtest.h. */
#include "vmtest.h"

#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest_util.h"

#define VMTEST_MAX 256
#define VMTEST_DEFAULT_SECONDS 120
#define VMTEST_EXIT_FAIL 1
#define VMTEST_EXIT_SKIP 77

struct vmtest_case {
	const char *name;
	vmtest_fn fn;
};

static struct vmtest_case cases[VMTEST_MAX];
static int nr_cases;
static vmtest_fn teardown;

/* Shared with the child running a test: why it skipped. */
static char *skip_reason;
#define SKIP_REASON_LEN 256

void vmtest_register(const char *name, vmtest_fn fn)
{
	if (nr_cases == VMTEST_MAX) {
		fprintf(stderr, "vmtest: more than %d tests\n", VMTEST_MAX);
		abort();
	}
	cases[nr_cases].name = name;
	cases[nr_cases].fn = fn;
	nr_cases++;
}

void vmtest_register_teardown(vmtest_fn fn)
{
	teardown = fn;
}

static const char *err_name(long long value)
{
	static char buf[64];
	int e = (int)-value;

	if (value >= 0 || value < -4095)
		return "";
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	if (strerrorname_np(e)) {
		snprintf(buf, sizeof(buf), " (%s)", strerrorname_np(e));
		return buf;
	}
#endif
	snprintf(buf, sizeof(buf), " (%s)", strerror(e));
	return buf;
}

static __attribute__((noreturn)) void end_child(int code)
{
	fflush(NULL);
	_exit(code);
}

void vmtest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	end_child(VMTEST_EXIT_FAIL);
}

void vmtest_fail_value(const char *file, int line, const char *macro, const char *expr,
		       long long got, long long want, int saved_errno)
{
	printf("# %s:%d: %s(%s): got %lld%s", file, line, macro, expr, got, err_name(got));
	printf(", want %lld%s", want, err_name(want));
	if (got == -1 && saved_errno)
		printf("; errno %d (%s)", saved_errno, strerror(saved_errno));
	printf("\n");
	end_child(VMTEST_EXIT_FAIL);
}

void vmtest_skip(const char *fmt, ...)
{
	va_list ap;

	if (skip_reason) {
		va_start(ap, fmt);
		vsnprintf(skip_reason, SKIP_REASON_LEN, fmt, ap);
		va_end(ap);
	}
	end_child(VMTEST_EXIT_SKIP);
}

static unsigned int test_seconds(void)
{
	const char *env = getenv("KSHM_VM_TEST_TIMEOUT");
	long v = env ? strtol(env, NULL, 10) : 0;

	return v > 0 ? (unsigned int)v : VMTEST_DEFAULT_SECONDS;
}

/*
 * Kill whatever the test left running (its process group) and reap it, and
 * anything that escaped the group: this process is a child subreaper, so
 * orphans come back to it. Returns how many processes were reaped.
 */
static int reap_leftovers(pid_t pgid)
{
	int reaped = 0, i;

	kill(-pgid, SIGKILL);
	for (i = 0; i < 300; i++) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);

		if (pid > 0) {
			reaped++;
			continue;
		}
		if (pid < 0)	/* ECHILD: none left */
			return reaped;
		kill(-pgid, SIGKILL);
		usleep(10000);
	}
	printf("# children outside the test's process group still running\n");
	return reaped;
}

static int counters_drain(void)
{
	if (guest_counters_drain())
		return 1;
	printf("# leak after the test: regions_live=%lld bytes_allocated=%lld bytes_pinned=%lld\n",
	       (long long)guest_counter("regions_live"), (long long)guest_counter("bytes_allocated"),
	       (long long)guest_counter("bytes_pinned"));
	return 0;
}

enum result { PASS, FAIL, SKIP };

static enum result run_one(const struct vmtest_case *test, unsigned int seconds)
{
	sigset_t chld, old;
	struct timespec deadline, now;
	int status = 0, leftovers;
	bool timed_out = false;
	enum result result;
	pid_t pid;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	skip_reason[0] = '\0';
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("# fork");
		sigprocmask(SIG_SETMASK, &old, NULL);
		return FAIL;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		alarm(seconds);
		test->fn();
		end_child(0);
	}
	setpgid(pid, pid);

	/* Backstop in case the test replaced its SIGALRM: kill it a bit later. */
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds + 5;
	for (;;) {
		struct timespec wait;
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline.tv_sec ||
		    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)) {
			timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		wait.tv_sec = deadline.tv_sec - now.tv_sec;
		wait.tv_nsec = deadline.tv_nsec - now.tv_nsec;
		if (wait.tv_nsec < 0) {
			wait.tv_sec--;
			wait.tv_nsec += 1000000000L;
		}
		sigtimedwait(&chld, NULL, &wait);	/* any SIGCHLD, or the deadline */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);

	leftovers = reap_leftovers(pid);
	if (leftovers)
		printf("# killed %d process(es) the test left running\n", leftovers);
	if (teardown)
		teardown();

	if (timed_out || (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)) {
		printf("# timed out after %u s\n", seconds);
		result = FAIL;
	} else if (WIFSIGNALED(status)) {
		printf("# killed by signal %d (%s)%s\n", WTERMSIG(status), strsignal(WTERMSIG(status)),
		       WCOREDUMP(status) ? ", core dumped" : "");
		result = FAIL;
	} else if (WEXITSTATUS(status) == VMTEST_EXIT_SKIP) {
		result = SKIP;
	} else if (WEXITSTATUS(status) != 0) {
		if (WEXITSTATUS(status) != VMTEST_EXIT_FAIL)
			printf("# exited with status %d\n", WEXITSTATUS(status));
		result = FAIL;
	} else {
		result = PASS;
	}
	/* Whatever happened, the test must leave no region, allocation or pin behind. */
	if (!counters_drain() && result != FAIL)
		result = FAIL;
	return result;
}

static bool selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int vmtest_main(int argc, char **argv)
{
	unsigned int seconds = test_seconds();
	int passed = 0, failed = 0, skipped = 0, planned = 0, n = 0, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "-l")) {
		for (i = 0; i < nr_cases; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		int j, found = 0;

		for (j = 0; j < nr_cases; j++)
			found |= !strcmp(argv[i], cases[j].name);
		if (!found) {
			fprintf(stderr, "vmtest: no test named %s (-l lists them)\n", argv[i]);
			return 2;
		}
	}
	skip_reason = mmap(NULL, SKIP_REASON_LEN, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (skip_reason == MAP_FAILED) {
		perror("vmtest: mmap");
		return 2;
	}
	/* Orphans of a test (its grandchildren) are reparented here, to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	for (i = 0; i < nr_cases; i++)
		planned += selected(cases[i].name, argc, argv);
	printf("1..%d\n", planned);
	for (i = 0; i < nr_cases; i++) {
		if (!selected(cases[i].name, argc, argv))
			continue;
		n++;
		switch (run_one(&cases[i], seconds)) {
		case PASS:
			passed++;
			printf("ok %d - %s\n", n, cases[i].name);
			break;
		case SKIP:
			skipped++;
			printf("ok %d - %s # SKIP %s\n", n, cases[i].name,
			       skip_reason[0] ? skip_reason : "(no reason given)");
			break;
		case FAIL:
			failed++;
			printf("not ok %d - %s\n", n, cases[i].name);
			break;
		}
	}
	printf("# %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
