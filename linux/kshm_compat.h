/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernels kshm supports (6.1 LTS to the newest Debian ships) differ,
 * in one place: the module is written against the newest interface, and this
 * header provides it on the older kernels that lack it. Nothing else in the
 * module tests LINUX_VERSION_CODE.
 */
#ifndef KSHM_COMPAT_H
#define KSHM_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

/* 6.3 made vma->vm_flags read-only, changed through vm_flags_set() / vm_flags_clear(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/* 6.5 dropped pin_user_pages()'s vmas argument (always NULL here). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define pin_user_pages(start, nr_pages, gup_flags, pages) \
	pin_user_pages(start, nr_pages, gup_flags, pages, NULL)
#endif

#endif /* KSHM_COMPAT_H */
