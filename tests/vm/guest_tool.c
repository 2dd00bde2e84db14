// SPDX-License-Identifier: MIT
#include "guest_tool.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define MAX_WORDS 32

void guest_tool_require(void)
{
	if (access(GUEST_TOOL, X_OK))
		skip("no static kshm tool in the guest");
}

/* Lines of text as "# prefix: line" (the runner's comments). */
static void print_lines(const char *prefix, const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		printf("#   %s: %.*s\n", prefix, (int)len, text);
		text += len + (text[len] == '\n');
	}
}

static void child(char **argv, int out, int err, uid_t uid)
{
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
		_exit(127);
	if (uid && (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
		_exit(127);
	execv(GUEST_TOOL, argv);
	_exit(127);
}

/* Read both pipes to their ends (either may fill while the other is read). */
static void collect(struct guest_tool_run *run, int out, int err)
{
	struct pollfd fds[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };
	size_t used[2] = { 0, 0 };
	char *bufs[2] = { run->out, run->err };
	size_t sizes[2] = { sizeof(run->out), sizeof(run->err) };
	int open_fds = err >= 0 ? 2 : 1;

	if (err < 0)
		fds[1].fd = -1;
	while (open_fds > 0) {
		int i;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			char scratch[4096];
			ssize_t n;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			n = read(fds[i].fd, scratch, sizeof(scratch));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[i].fd = -1;
				open_fds--;
				continue;
			}
			if (used[i] < sizes[i] - 1) {
				size_t take = (size_t)n < sizes[i] - 1 - used[i] ? (size_t)n :
					      sizes[i] - 1 - used[i];

				memcpy(bufs[i] + used[i], scratch, take);
				used[i] += take;
			}
		}
	}
	run->out[used[0]] = '\0';
	run->err[used[1]] = '\0';
}

int guest_tool_run_as(struct guest_tool_run *run, const char *args, uid_t uid, int stderr_fd)
{
	char words[512], *argv[MAX_WORDS + 2], *save = NULL, *word;
	int out[2], err[2] = { -1, -1 };
	int argc = 0, status;
	pid_t pid;

	snprintf(words, sizeof(words), "%s", args);
	argv[argc++] = GUEST_TOOL;
	for (word = strtok_r(words, " ", &save); word && argc <= MAX_WORDS;
	     word = strtok_r(NULL, " ", &save))
		argv[argc++] = word;
	argv[argc] = NULL;

	run->status = -1;
	run->out[0] = run->err[0] = '\0';
	expect_ok(pipe2(out, O_CLOEXEC));
	if (stderr_fd < 0)
		expect_ok(pipe2(err, O_CLOEXEC));
	fflush(stdout);
	pid = fork();
	expect(pid >= 0);
	if (pid == 0)
		child(argv, out[1], stderr_fd >= 0 ? stderr_fd : err[1], uid);
	close(out[1]);
	if (err[1] >= 0)
		close(err[1]);
	collect(run, out[0], err[0]);
	close(out[0]);
	if (err[0] >= 0)
		close(err[0]);
	expect(waitpid(pid, &status, 0) == pid);
	run->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	printf("# kshm %s%s: status %d\n", args, uid ? " (as a user)" : "", run->status);
	print_lines("out", run->out);
	print_lines("err", run->err);
	return run->status;
}

int guest_tool(struct guest_tool_run *run, const char *args)
{
	return guest_tool_run_as(run, args, 0, -1);
}
