/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The memory-ordering primitives of the ring protocol, one definition per
 * environment. Every use in core/ring.c names the access on the other side it
 * pairs with.
 */
#ifndef KSHM_CORE_BARRIER_H
#define KSHM_CORE_BARRIER_H

#if defined(__KERNEL__)
#include <asm/barrier.h>
#include <linux/compiler.h>
#define kshm_load_acquire(p)		smp_load_acquire(p)
#define kshm_store_release(p, v)	smp_store_release(p, v)
/* A single, untorn access the compiler may not repeat or merge: shared memory is hostile. */
#define kshm_load_once(p)		READ_ONCE(*(p))
#define kshm_store_once(p, v)		WRITE_ONCE(*(p), v)
#define kshm_full_barrier()		smp_mb()
#else	/* user space; clang for the Windows kernel has the same builtins */
#define kshm_load_acquire(p)		__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define kshm_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define kshm_load_once(p)		__atomic_load_n(p, __ATOMIC_RELAXED)
#define kshm_store_once(p, v)		__atomic_store_n(p, v, __ATOMIC_RELAXED)
#if defined(__SANITIZE_THREAD__)
/*
 * ThreadSanitizer cannot model a stand-alone fence. A sequentially
 * consistent read-modify-write of one shared word is a full barrier too
 * (a locked instruction on x86), and one TSan can follow.
 */
static int kshm_fence_word __attribute__((unused));
#define kshm_full_barrier()		((void)__atomic_fetch_add(&kshm_fence_word, 0, __ATOMIC_SEQ_CST))
#else
#define kshm_full_barrier()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#endif

#endif /* KSHM_CORE_BARRIER_H */
