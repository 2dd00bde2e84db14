/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kshm_api_client: a test driver of kshm's kernel API (regions), and
 * smoke.exe --api-regions, its only user. HOLD looks a region up from the
 * process's kshm handle and keeps the reference; FILL writes a pattern
 * through the held region's kernel view; RELEASE puts it. One region per
 * open handle.
 */
#ifndef KSHM_API_CLIENT_H
#define KSHM_API_CLIENT_H

#ifdef _KERNEL_MODE
#include <wdm.h>
#else
#include <windows.h>
#include <winioctl.h>
#endif
#include <stdint.h>

#define KSHM_API_CLIENT_DEVICE	"kshm_api_client"

struct kshm_api_client_req {
	int32_t kshm_handle;	/* HOLD: the process's kshm handle */
	uint32_t id;		/* HOLD: a region of it */
	uint64_t len;		/* HOLD: out, the kernel view's length */
	uint32_t seed;		/* FILL: byte i of the region becomes (uint8_t)(seed + i) */
	uint32_t writable;	/* HOLD: out, the view's writable flag */
};

#define KSHM_API_CLIENT_FILE_DEVICE	0x8B6Eu
#define KSHM_API_CLIENT_IOC(nr)	CTL_CODE(KSHM_API_CLIENT_FILE_DEVICE, 0x800 + (nr), METHOD_BUFFERED, \
					 FILE_READ_DATA | FILE_WRITE_DATA)
#define KSHM_API_CLIENT_HOLD	KSHM_API_CLIENT_IOC(1)
#define KSHM_API_CLIENT_FILL	KSHM_API_CLIENT_IOC(2)
#define KSHM_API_CLIENT_RELEASE	KSHM_API_CLIENT_IOC(3)

#endif /* KSHM_API_CLIENT_H */
