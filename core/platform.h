/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The only environment-specific part of core/: where fixed-width integers,
 * bool, size_t and memcpy come from. Core code itself includes no OS header,
 * so the same sources build in the Linux kernel, the Windows kernel and user
 * space.
 */
#ifndef KSHM_CORE_PLATFORM_H
#define KSHM_CORE_PLATFORM_H

#if defined(__KERNEL__)			/* Linux kernel: Kbuild defines __KERNEL__ */
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/limits.h>
#ifndef UINT64_MAX
#define UINT64_MAX U64_MAX
#endif
#ifndef UINT32_MAX
#define UINT32_MAX U32_MAX
#endif
#else					/* user space, and the Windows kernel (mingw-w64 CRT headers) */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

#include "../include/kshm/abi.h"

/*
 * For the few helpers that only pay when inlined into their caller, where the
 * compiler's size heuristics would otherwise decide per build (gcc on both
 * kernels and mingw, clang for the fuzzers).
 */
#define kshm_always_inline inline __attribute__((__always_inline__))

#endif /* KSHM_CORE_PLATFORM_H */
