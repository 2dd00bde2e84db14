// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Compile include/kshm/abi.h as a non-Linux compiler sees it (stdint types,
 * CTL_CODE request numbers), so the Windows encoding is tested on every build.
 * Must include nothing that pulls in <linux/types.h>.
 */
#undef __linux__
#undef __linux
#undef linux
#include <kshm/abi.h>
#include <kshm/channel.h>
#include "abi_windows.h"

#if defined(KSHM_IOC_MAGIC)
#error "abi_windows.c compiled the Linux branch of abi.h"
#endif

void kshm_abi_windows_codes(uint32_t codes[KSHM_ABI_WIN_NCODES])
{
	codes[0] = KSHM_IOC_VERSION;
	codes[1] = KSHM_IOC_REGION_CREATE;
	codes[2] = KSHM_IOC_BUFFER_ATTACH;
	codes[3] = KSHM_IOC_REGION_INFO;
	codes[4] = KSHM_IOC_FILL;
	codes[5] = KSHM_IOC_CHECKSUM;
	codes[6] = KSHM_IOC_REGION_DESTROY;
	codes[7] = KSHM_IOC_TRANSFER;
}

void kshm_abi_windows_channel_codes(uint32_t codes[KSHM_ABI_WIN_NCHANNEL_CODES])
{
	codes[0] = KSHM_IOC_CHANNEL_CREATE;
	codes[1] = KSHM_IOC_CHANNEL_GENERATE;
	codes[2] = KSHM_IOC_CHANNEL_PROCESS;
	codes[3] = KSHM_IOC_CHANNEL_KICK;
	codes[4] = KSHM_IOC_CHANNEL_MAP;
}

uint32_t kshm_abi_windows_transfer_out_direct(void)
{
	return KSHM_IOC_TRANSFER_OUT_DIRECT;
}

void kshm_abi_windows_transfer_io_codes(uint32_t codes[3])
{
	codes[0] = KSHM_IOC_TRANSFER_IN_DIRECT;
	codes[1] = KSHM_IOC_TRANSFER_OUT_DIRECT;
	codes[2] = KSHM_IOC_TRANSFER_NEITHER;
}

size_t kshm_abi_windows_sizeof(int which)
{
	switch (which) {
	case 0: return sizeof(struct kshm_layout);
	case 1: return sizeof(struct kshm_version);
	case 2: return sizeof(struct kshm_region_create);
	case 3: return sizeof(struct kshm_buffer_attach);
	case 4: return sizeof(struct kshm_region_info);
	case 5: return sizeof(struct kshm_range_op);
	case 6: return sizeof(struct kshm_region_destroy);
	case 7: return sizeof(struct kshm_transfer);
	default: return 0;
	}
}
