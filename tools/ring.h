/* SPDX-License-Identifier: MIT */
/* `kshm ring`: channel throughput against one system call per message. */
#ifndef KSHM_TOOLS_RING_H
#define KSHM_TOOLS_RING_H

#include <stdbool.h>

/* argv[0] is "ring"; json_output: --json came before the command. Returns an exit status. */
int kshm_ring_command(const char *device, bool json_output, int argc, char **argv);

#endif /* KSHM_TOOLS_RING_H */
