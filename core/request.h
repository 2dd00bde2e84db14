/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Every request, declared once. A row says what the drivers do around a
 * request's handler: how big its v1 struct is, whether the struct goes back
 * to the caller, and whether the request makes a new object (whose id is
 * then in the reply, so that a reply that cannot be delivered is undone and
 * leaves nothing behind). Each driver adds only a handler per row and its
 * platform's way of moving the struct in and out; a new request is a row
 * here, two handlers, libkshm and a test.
 *
 * Each driver copies a request into union kshm_request once and hands it to
 * the request's handler, which never reads the caller's memory for it again.
 */
#ifndef KSHM_CORE_REQUEST_H
#define KSHM_CORE_REQUEST_H

#include "platform.h"
#include "../include/kshm/channel.h"

#define KSHM_REQ_REPLIES	0x1u	/* the struct goes back to the caller */
#define KSHM_REQ_WINDOWS_ONLY	0x2u	/* KSHM_WINDOWS_REQUEST_TABLE's: no Linux request has it */

/* A request that makes an object replies with its id at this offset (never 0: `size` is there). */
#define KSHM_NEW_ID(type)	offsetof(struct type, id)

/*
 * X(NAME: KSHM_NR_NAME, union member, struct kshm_*, KSHM_REQ_REPLIES or 0,
 *   KSHM_NEW_ID() or 0). A driver's handler of a row is ioctl_<member>.
 */
#define KSHM_REQUEST_TABLE(X)									\
	X(VERSION,	    version,	      kshm_version,	     KSHM_REQ_REPLIES, 0)		\
	X(REGION_CREATE,    region_create,    kshm_region_create,    KSHM_REQ_REPLIES,		\
	  KSHM_NEW_ID(kshm_region_create))							\
	X(BUFFER_ATTACH,    buffer_attach,    kshm_buffer_attach,    KSHM_REQ_REPLIES,		\
	  KSHM_NEW_ID(kshm_buffer_attach))							\
	X(REGION_INFO,	    region_info,      kshm_region_info,	     KSHM_REQ_REPLIES, 0)		\
	X(FILL,		    fill,	      kshm_range_op,	     KSHM_REQ_REPLIES, 0)		\
	X(CHECKSUM,	    checksum,	      kshm_range_op,	     KSHM_REQ_REPLIES, 0)		\
	X(REGION_DESTROY,   region_destroy,   kshm_region_destroy,   0, 0)				\
	X(TRANSFER,	    transfer,	      kshm_transfer,	     KSHM_REQ_REPLIES, 0)		\
	X(CHANNEL_CREATE,   channel_create,   kshm_channel_create,   KSHM_REQ_REPLIES,		\
	  KSHM_NEW_ID(kshm_channel_create))							\
	X(CHANNEL_GENERATE, channel_generate, kshm_channel_generate, KSHM_REQ_REPLIES, 0)		\
	X(CHANNEL_PROCESS,  channel_process,  kshm_channel_process,  KSHM_REQ_REPLIES, 0)		\
	X(CHANNEL_KICK,	    channel_kick,     kshm_channel_kick,     0, 0)

/* The requests only the Windows driver has (include/kshm/channel.h says why). */
#define KSHM_WINDOWS_REQUEST_TABLE(X)								\
	X(CHANNEL_MAP,	    channel_map,      kshm_channel_map,	     KSHM_REQ_REPLIES, 0)

union kshm_request {
#define KSHM_REQUEST_MEMBER(name, member, type, flags, new_id) struct type member;
	KSHM_REQUEST_TABLE(KSHM_REQUEST_MEMBER)
	KSHM_WINDOWS_REQUEST_TABLE(KSHM_REQUEST_MEMBER)
#undef KSHM_REQUEST_MEMBER
};

/* Request numbers are small (KSHM_NR_*): a table indexed by them stays small. */
#define KSHM_NR_LIMIT	0x20u

/* A driver's table of handlers, indexed by request number: [KSHM_NR_NAME] = ioctl_<member>. */
#define KSHM_REQUEST_HANDLER(name, member, type, flags, new_id) [KSHM_NR_##name] = ioctl_##member,

struct kshm_request_desc {
	uint32_t size;		/* the v1 struct's bytes: a caller passes at least these */
	uint32_t flags;		/* KSHM_REQ_* */
	uint32_t new_id_offset;	/* a request that makes an object: where its id sits; else 0 */
};

/* The row of request number `nr`, or NULL when there is no such request. */
const struct kshm_request_desc *kshm_request_lookup(uint32_t nr);

/* The id a request with a new_id_offset made, from its reply. */
uint32_t kshm_request_new_id(const struct kshm_request_desc *desc, const union kshm_request *req);

#endif /* KSHM_CORE_REQUEST_H */
