/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kshm_tick: the interface between the sample driver (kshm_tick.c) and its
 * program (tick.c). Both include this file: fixed-width types and ioctl
 * numbers only, one layout for 32- and 64-bit processes.
 *
 * The process creates an events channel on its kshm descriptor (libkshm),
 * opens /dev/kshm_tick and hands the driver the descriptor and the
 * channel's id (KSHM_TICK_IOC_START). From then on the driver publishes one
 * struct kshm_tick_event per period from an hrtimer, in hard interrupt
 * context, until KSHM_TICK_IOC_STOP, the close of /dev/kshm_tick, or the
 * process letting go of the channel.
 */
#ifndef KSHM_TICK_H
#define KSHM_TICK_H

#ifdef _WIN32
/*
 * Windows (examples/tick/windows/): the device is \Device\kshm_tick
 * (\\.\kshm_tick for the program), the descriptor is the process's kshm
 * HANDLE (its low 32 bits carry it between 32- and 64-bit processes), the
 * ioctls are CTL_CODEs with METHOD_BUFFERED, and error numbers in the
 * records are NTSTATUS values.
 */
#ifdef _KERNEL_MODE
#include <wdm.h>
#else
#include <windows.h>
#include <winioctl.h>
#endif
#include <stdint.h>
typedef uint64_t __u64;
typedef uint32_t __u32;
typedef int32_t __s32;
#else
#include <linux/ioctl.h>
#include <linux/types.h>
#endif

#define KSHM_TICK_DEVICE	"kshm_tick"	/* /dev/kshm_tick */
#define KSHM_TICK_MIN_PERIOD_NS	10000ULL	/* at most 100 000 interrupts a second */

/* The record: type KSHM_TICK_TYPE, this payload. */
#define KSHM_TICK_TYPE		0x5449		/* "TI" */
struct kshm_tick_event {
	__u64 seq;		/* 0, 1, 2, ...: one per tick, published or dropped */
	__u64 time_ns;		/* CLOCK_MONOTONIC at the tick */
};

struct kshm_tick_start {
	__s32 kshm_fd;		/* the process's /dev/kshm descriptor */
	__u32 channel_id;	/* an events channel of that descriptor */
	__u64 period_ns;	/* >= KSHM_TICK_MIN_PERIOD_NS */
};

/* stats.stopped once the process let go of the channel (destroyed it, closed kshm). */
#ifdef _WIN32
#define KSHM_TICK_STOPPED_CLOSED	((__s32)0xC00000B1)	/* STATUS_PIPE_CLOSED */
#else
#define KSHM_TICK_STOPPED_CLOSED	(-EPIPE)
#endif

struct kshm_tick_stats {
	__u64 ticks;		/* timer expiries so far: published + dropped */
	__u64 published;	/* records in the ring */
	__u64 dropped;		/* ring full (-ENOSPC): dropped, counted by kshm too */
	__s32 stopped;		/* 0 while ticking or never started; else why it stopped (-EPIPE, ...) */
	__u32 running;		/* 1 while the timer runs */
};

#ifdef _WIN32
#define KSHM_TICK_FILE_DEVICE	0x8B6Cu	/* vendor device types are 0x8000 and up */
#define KSHM_TICK_IOC_START	CTL_CODE(KSHM_TICK_FILE_DEVICE, 0x801, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)
#define KSHM_TICK_IOC_STOP	CTL_CODE(KSHM_TICK_FILE_DEVICE, 0x802, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)
#define KSHM_TICK_IOC_STATS	CTL_CODE(KSHM_TICK_FILE_DEVICE, 0x803, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)
#else
#define KSHM_TICK_IOC_MAGIC	0xB7
#define KSHM_TICK_IOC_START	_IOW(KSHM_TICK_IOC_MAGIC, 1, struct kshm_tick_start)
#define KSHM_TICK_IOC_STOP	_IO(KSHM_TICK_IOC_MAGIC, 2)
#define KSHM_TICK_IOC_STATS	_IOR(KSHM_TICK_IOC_MAGIC, 3, struct kshm_tick_stats)
#endif

#endif /* KSHM_TICK_H */
