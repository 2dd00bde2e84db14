/* SPDX-License-Identifier: MIT */
/*
 * The kshm tool as the guest test programs run it (tests/vm/guest_tool.c):
 * the static build at /bin/kshm, its standard output and standard error
 * captured apart, with its exit status.
 */
#ifndef KSHM_GUEST_TOOL_H
#define KSHM_GUEST_TOOL_H

#include <stdbool.h>
#include <sys/types.h>

#define GUEST_TOOL "/bin/kshm"

struct guest_tool_run {
	int status;		/* exit status, 128 + signal, or -1: it did not run */
	char out[16384];	/* standard output, NUL-terminated, cut to fit */
	char err[4096];		/* standard error (empty when it went to stderr_fd) */
};

/* End the test as skipped when the guest has no static tool. */
void guest_tool_require(void);

/*
 * Run GUEST_TOOL with args (words split at spaces; no quoting), print what it
 * did as "# " lines, return run->status. guest_tool_run_as: as user uid (0:
 * as root), its stderr on stderr_fd when that is >= 0 instead of captured.
 */
int guest_tool(struct guest_tool_run *run, const char *args);
int guest_tool_run_as(struct guest_tool_run *run, const char *args, uid_t uid, int stderr_fd);

#endif /* KSHM_GUEST_TOOL_H */
