/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One kernel-private copy of any request: each driver copies a request into
 * this once and hands it to the request's handler, which never reads the
 * caller's memory for it again.
 */
#ifndef KSHM_CORE_REQUEST_H
#define KSHM_CORE_REQUEST_H

#include "platform.h"
#include "../include/kshm/channel.h"

union kshm_request {
	struct kshm_version version;
	struct kshm_region_create create;
	struct kshm_buffer_attach attach;
	struct kshm_region_info info;
	struct kshm_range_op range;
	struct kshm_region_destroy destroy;
	struct kshm_transfer transfer;
	struct kshm_channel_create channel_create;
	struct kshm_channel_generate generate;
	struct kshm_channel_process process;
	struct kshm_channel_kick kick;
	struct kshm_channel_map map;
};

#endif /* KSHM_CORE_REQUEST_H */
