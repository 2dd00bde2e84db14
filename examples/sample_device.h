/* SPDX-License-Identifier: MIT */
/*
 * The few calls of the sample programs (tick.c, crc.c) that differ between
 * Linux and Windows: opening the sample driver's device, its ioctls, a nap.
 * libkshm itself is the same API on both.
 */
#ifndef KSHM_SAMPLE_DEVICE_H
#define KSHM_SAMPLE_DEVICE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>

typedef HANDLE sample_device;

/* \\.\NAME; 0, or -1 with the reason in GetLastError(). */
static inline int sample_open(const char *name, sample_device *dev)
{
	char path[64];

	snprintf(path, sizeof(path), "\\\\.\\%s", name);
	*dev = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
	return *dev == INVALID_HANDLE_VALUE ? -1 : 0;
}

/* METHOD_BUFFERED: `arg` (size bytes, may be NULL) goes in and comes back. */
static inline int sample_ioctl(sample_device dev, unsigned long cmd, void *arg, size_t size)
{
	DWORD returned;

	return DeviceIoControl(dev, cmd, arg, (DWORD)size, arg, (DWORD)size, &returned, NULL) ? 0 : -1;
}

static inline void sample_close(sample_device dev)
{
	CloseHandle(dev);
}

static inline void sample_sleep_ms(unsigned int ms)
{
	Sleep(ms);
}

/* Why the last sample_* call failed. */
static inline int sample_fail(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: Windows error %lu\n", prog, what, GetLastError());
	return 1;
}
#else
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

typedef int sample_device;

/* /dev/NAME; 0, or -1 with the reason in errno. */
static inline int sample_open(const char *name, sample_device *dev)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/%s", name);
	*dev = open(path, O_RDWR | O_CLOEXEC);
	return *dev < 0 ? -1 : 0;
}

/* The ioctl's size is in its number; `size` matters on Windows only. */
static inline int sample_ioctl(sample_device dev, unsigned long cmd, void *arg, size_t size)
{
	(void)size;
	return ioctl(dev, cmd, arg) ? -1 : 0;
}

static inline void sample_close(sample_device dev)
{
	close(dev);
}

static inline void sample_sleep_ms(unsigned int ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static inline int sample_fail(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	return 1;
}
#endif

/*
 * How long a sample driver may take to notice that the process let go: its
 * next timer expiry or its next look at the ring. Milliseconds when all is
 * well; the bound is for a (virtual) CPU the host has descheduled.
 */
#define SAMPLE_STOP_WAIT_MS 10000

/*
 * Ask the driver for its STATS (`cmd` fills `size` bytes at `stats`) every
 * 10 ms, for at most `ms`, until the int32 at `stopped` (a field of `stats`)
 * says it stopped. 0, or -1 when the ioctl failed.
 */
static inline int sample_wait_stopped(sample_device dev, unsigned long cmd, void *stats,
				      size_t size, const int32_t *stopped, unsigned int ms)
{
	unsigned int waited;

	for (waited = 0;; waited += 10) {
		if (sample_ioctl(dev, cmd, stats, size))
			return -1;
		if (*stopped || waited >= ms)
			return 0;
		sample_sleep_ms(10);
	}
}

#endif /* KSHM_SAMPLE_DEVICE_H */
