/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel API of the kshm module: other drivers publish records into a
 * process's events channel. The process creates the channel on its kshm file
 * and passes the descriptor and channel id to the driver, which looks it up
 * with fget() + kshm_channel_get(). Kernel-doc is on the definitions in
 * kshm_channel.c.
 */
#ifndef KSHM_CHANNEL_KAPI_H
#define KSHM_CHANNEL_KAPI_H

#include <linux/types.h>

struct file;
struct kshm_channel;

/*
 * Largest payload kshm_channel_publish() copies: it does so with interrupts
 * off, so the time that takes is bounded here, not by the channel's size.
 */
#define KSHM_PUBLISH_MAX_RECORD	4096U

struct kshm_channel *kshm_channel_get(struct file *file, u32 id);
void kshm_channel_put(struct kshm_channel *channel);
int kshm_channel_publish(struct kshm_channel *channel, u32 type, const void *payload, u32 len);

#endif /* KSHM_CHANNEL_KAPI_H */
