/* SPDX-License-Identifier: MIT */
/*
 * The few things the kshm tool needs from the OS beyond ISO C and getopt:
 * page-aligned buffers and the per-process locked-memory limit. POSIX
 * systems use posix_memalign and RLIMIT_MEMLOCK; Windows (mingw-w64) uses
 * _aligned_malloc and has no such rlimit (locked pages count against the
 * process's working-set quota instead). A monotonic clock: on Windows from
 * QueryPerformanceCounter, because mingw-w64's clock_gettime lives in its
 * threads library, which imports GetTickCount64 (Vista and later) and keeps
 * the tool from starting on NT 5.2 (ReactOS). Whether stderr is a terminal
 * (for progress lines). And which printf checks formats, where the device
 * is, and how its driver is started.
 */
#ifndef KSHM_TOOLS_COMPAT_H
#define KSHM_TOOLS_COMPAT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* mingw-w64's C99 printf (__USE_MINGW_ANSI_STDIO) is gnu_printf, not the CRT's. */
#ifdef __MINGW_PRINTF_FORMAT
#define COMPAT_PRINTF(fmt, first) __attribute__((format(__MINGW_PRINTF_FORMAT, fmt, first)))
#else
#define COMPAT_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#endif

#ifdef _WIN32
#include <io.h>
#include <malloc.h>
#include <stdio.h>
#include <windows.h>

/* The device and how to bring its driver up. */
#define COMPAT_DEVICE_PATH "\\\\.\\" KSHM_DEVICE_NAME
#define COMPAT_DRIVER_HINT "is the kshm driver running? (sc start kshm)"

/* 0 or an errno value, like posix_memalign. */
static inline int compat_aligned_alloc(void **out, size_t align, size_t bytes)
{
	*out = _aligned_malloc(bytes, align);
	return *out ? 0 : ENOMEM;
}

static inline void compat_aligned_free(void *p)
{
	_aligned_free(p);
}

/* Is there a finite locked-memory limit, and what is it? */
static inline bool compat_memlock_limit(uint64_t *bytes)
{
	(void)bytes;
	return false;
}

static inline double compat_monotonic_seconds(void)
{
	LARGE_INTEGER now, frequency;

	QueryPerformanceCounter(&now);
	QueryPerformanceFrequency(&frequency);
	return (double)now.QuadPart / (double)frequency.QuadPart;
}

/* A console; not the pipes of a Cygwin or MSYS terminal, which get no progress. */
static inline bool compat_stderr_is_terminal(void)
{
	return _isatty(_fileno(stderr)) != 0;
}
#else
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define COMPAT_DEVICE_PATH "/dev/" KSHM_DEVICE_NAME
#define COMPAT_DRIVER_HINT "is the kshm module loaded? (modprobe kshm)"

static inline int compat_aligned_alloc(void **out, size_t align, size_t bytes)
{
	return posix_memalign(out, align, bytes);
}

static inline void compat_aligned_free(void *p)
{
	free(p);
}

static inline bool compat_memlock_limit(uint64_t *bytes)
{
	struct rlimit memlock;

	if (getrlimit(RLIMIT_MEMLOCK, &memlock) != 0 || memlock.rlim_cur == RLIM_INFINITY)
		return false;
	*bytes = memlock.rlim_cur;
	return true;
}

static inline double compat_monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline bool compat_stderr_is_terminal(void)
{
	return isatty(STDERR_FILENO) == 1;
}
#endif

#endif /* KSHM_TOOLS_COMPAT_H */
