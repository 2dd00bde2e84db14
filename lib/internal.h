/* SPDX-License-Identifier: MIT */
/* libkshm's own structures, shared by its platform-neutral files. */
#ifndef KSHM_LIB_INTERNAL_H
#define KSHM_LIB_INTERNAL_H

#include <kshm.h>

#include "backend.h"

struct kshm_channel;

struct kshm {
	kshm_backend_handle handle;
	struct kshm_version version;	/* as of open: ABI version, page size, limits */
	uint32_t page_size;
	struct kshm_region *regions;	/* still open on this handle, newest first */
};

struct kshm_region {
	struct kshm *owner;
	struct kshm_region *next;
	uint32_t id;
	uint32_t kind;			/* KSHM_KIND_* */
	uint32_t flags;			/* create or attach flags */
	void *data;			/* the process's view */
	uint64_t length;		/* bytes as asked for */
	uint64_t mapped_length;		/* kernel pages: whole pages mapped at data */
	struct kshm_channel *channel;	/* channels: the ring state, freed with the region */
};

/* The ABI wants each request to carry its own size; setting it here means no caller forgets. */
#define kshm_request(kshm, code, req)						\
	((req)->size = sizeof(*(req)),						\
	 kshm_backend_request((kshm)->handle, (code), (req), sizeof(*(req))))

/*
 * Read a caller's options struct into *local (`known` bytes, this library's
 * sizeof): NULL gives all zeros, fields past the caller's sz are zero, and
 * bytes past `known` must be zero (a newer caller asking for an option this
 * library does not have): -EINVAL otherwise, as libbpf does.
 */
int kshm_opts_load(void *local, size_t known, const void *opts);

/* Whether the caller's struct (of its own sz) has room for an out field. */
#define kshm_opts_has(opts, field)						\
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))

/*
 * Track a region the kernel has already made (a copy of *proto, linked into
 * the handle's list); "publish" is what a channel's producer does.
 */
int kshm_track_region(struct kshm *kshm, const struct kshm_region *proto,
			struct kshm_region **out);

int kshm_destroy_kernel_region(struct kshm *kshm, uint32_t id);

/* Undo the channel's mapping (channel.c), before its region is destroyed. */
int kshm_channel_unmap(struct kshm_channel *channel);

#endif /* KSHM_LIB_INTERNAL_H */
