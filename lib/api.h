/* SPDX-License-Identifier: MIT */
/*
 * What libkshm.so exports: exactly the functions kshm.h declares. Every
 * library object is compiled with -fvisibility=hidden and this header forced
 * in first (-include), so the first declaration of each API function carries
 * default visibility and its definition, wherever it lives (kshm.c, or
 * core/checksum.c, compiled unchanged), inherits it. core's other helpers
 * (kshm_csum_*) and the backend stay internal.
 */
#ifndef KSHM_LIB_API_H
#define KSHM_LIB_API_H

#pragma GCC visibility push(default)
#include <kshm.h>
#pragma GCC visibility pop

#endif /* KSHM_LIB_API_H */
