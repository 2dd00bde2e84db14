/* SPDX-License-Identifier: MIT */
/* `kshm ring`: channel throughput against one system call per message. */
#ifndef KSHM_TOOLS_RING_H
#define KSHM_TOOLS_RING_H

int kshm_ring_command(const char *device, int argc, char **argv);

#endif /* KSHM_TOOLS_RING_H */
