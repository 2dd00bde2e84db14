/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kshm_crc: the interface between the sample driver (kshm_crc.c) and its
 * program (crc.c). Both include this file: fixed-width types and ioctl
 * numbers only, one layout for 32- and 64-bit processes.
 *
 * The process creates two channels on its kshm descriptor (libkshm): a
 * submissions channel for its requests and an events channel for the
 * answers, opens /dev/kshm_crc and hands the driver the descriptor and both
 * ids (KSHM_CRC_IOC_ATTACH). The driver's thread then takes each request
 * (a struct kshm_crc_request), computes the CRC-32 of its data and posts a
 * struct kshm_crc_done, in order. After committing requests the process
 * rings the doorbell (KSHM_CRC_IOC_KICK); the thread also looks every
 * 100 ms on its own.
 *
 * Flow control is the process's: it keeps at most as many requests in
 * flight as the answers' ring holds (like an NVMe or io_uring pair of
 * queues). A thread that finds that ring full leaves the request where it is
 * and tries again later (kshm counts each such attempt as a drop in the
 * answers' ring: a process that sees one there overcommitted).
 */
#ifndef KSHM_CRC_H
#define KSHM_CRC_H

#ifdef _WIN32
/*
 * Windows (examples/crc/windows/): the device is \Device\kshm_crc
 * (\\.\kshm_crc for the program), the descriptor is the process's kshm
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

#define KSHM_CRC_DEVICE		"kshm_crc"	/* /dev/kshm_crc */
#define KSHM_CRC_MAX_DATA	4096U		/* data bytes the thread copies per request */

/* A request: record type KSHM_CRC_REQUEST, this header then 0..KSHM_CRC_MAX_DATA bytes. */
#define KSHM_CRC_REQUEST	0x4352		/* "CR" */
struct kshm_crc_request {
	__u64 tag;		/* the process's, returned in the answer */
	/* __u8 data[]; */
};

/* An answer: record type KSHM_CRC_DONE, this payload. */
#define KSHM_CRC_DONE		0x4344		/* "CD" */
struct kshm_crc_done {
	__u64 tag;		/* the request's */
	__u32 crc;		/* CRC-32 of the data (IEEE 802.3, as zlib's crc32()) */
	__s32 status;		/* 0, KSHM_CRC_STATUS_TOO_BIG or KSHM_CRC_STATUS_BAD_TYPE */
	__u32 len;		/* data bytes */
	__u32 reserved;
};

/* An answer's status: data over KSHM_CRC_MAX_DATA or no header; a record of another type. */
#ifdef _WIN32
#define KSHM_CRC_STATUS_TOO_BIG		((__s32)0xC0000206)	/* STATUS_INVALID_BUFFER_SIZE */
#define KSHM_CRC_STATUS_BAD_TYPE	((__s32)0xC0000024)	/* STATUS_OBJECT_TYPE_MISMATCH */
#else
#define KSHM_CRC_STATUS_TOO_BIG		(-EMSGSIZE)
#define KSHM_CRC_STATUS_BAD_TYPE	(-EBADMSG)
#endif

struct kshm_crc_attach {
	__s32 kshm_fd;		/* the process's /dev/kshm descriptor */
	__u32 submissions_id;	/* a submissions channel of it: the requests */
	__u32 completions_id;	/* an events channel of it: the answers */
	__u32 reserved;		/* 0 */
};

/* stats.stopped once the process let go of a channel (destroyed it, closed kshm). */
#ifdef _WIN32
#define KSHM_CRC_STOPPED_CLOSED		((__s32)0xC00000B1)	/* STATUS_PIPE_CLOSED */
#else
#define KSHM_CRC_STOPPED_CLOSED		(-EPIPE)
#endif

struct kshm_crc_stats {
	__u64 served;		/* requests answered */
	__u64 retries;		/* answers that did not fit and were tried again */
	__s32 stopped;		/* 0 while serving; else why the thread stopped (-EPIPE, -EIO) */
	__u32 reserved;
};

#ifdef _WIN32
#define KSHM_CRC_FILE_DEVICE	0x8B6Du	/* vendor device types are 0x8000 and up */
#define KSHM_CRC_IOC_ATTACH	CTL_CODE(KSHM_CRC_FILE_DEVICE, 0x801, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)
#define KSHM_CRC_IOC_KICK	CTL_CODE(KSHM_CRC_FILE_DEVICE, 0x802, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)
#define KSHM_CRC_IOC_STATS	CTL_CODE(KSHM_CRC_FILE_DEVICE, 0x803, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA)
#else
#define KSHM_CRC_IOC_MAGIC	0xB8
#define KSHM_CRC_IOC_ATTACH	_IOW(KSHM_CRC_IOC_MAGIC, 1, struct kshm_crc_attach)
#define KSHM_CRC_IOC_KICK	_IO(KSHM_CRC_IOC_MAGIC, 2)
#define KSHM_CRC_IOC_STATS	_IOR(KSHM_CRC_IOC_MAGIC, 3, struct kshm_crc_stats)
#endif

#endif /* KSHM_CRC_H */
