/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The Windows branch of include/kshm/abi.h, seen from a Linux test (abi_windows.c). */
#ifndef KSHM_TESTS_ABI_WINDOWS_H
#define KSHM_TESTS_ABI_WINDOWS_H

#include <stddef.h>
#include <stdint.h>

#define KSHM_ABI_WIN_NCODES 8

/* KSHM_IOC_* in KSHM_NR_* order (VERSION .. TRANSFER). */
void kshm_abi_windows_codes(uint32_t codes[KSHM_ABI_WIN_NCODES]);

/* KSHM_IOC_CHANNEL_CREATE .. KSHM_IOC_CHANNEL_MAP (include/kshm/channel.h), in KSHM_NR_* order. */
#define KSHM_ABI_WIN_NCHANNEL_CODES 5
void kshm_abi_windows_channel_codes(uint32_t codes[KSHM_ABI_WIN_NCHANNEL_CODES]);

/* KSHM_IOC_TRANSFER_OUT_DIRECT (Windows only, METHOD_OUT_DIRECT). */
uint32_t kshm_abi_windows_transfer_out_direct(void);

/* KSHM_IOC_TRANSFER_IN_DIRECT, _OUT_DIRECT, _NEITHER (Windows only), in METHOD_* order. */
void kshm_abi_windows_transfer_io_codes(uint32_t codes[3]);

/* sizeof the ABI structs in abi.h order (layout .. transfer); 0 past the end. */
size_t kshm_abi_windows_sizeof(int which);

#endif
