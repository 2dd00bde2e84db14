// SPDX-License-Identifier: MIT
/*
 * The sample drivers of kshm's in-kernel API (examples/), run as their
 * users run them: each module loaded after kshm, its program (copied to
 * /examples by run.sh) run against it, and what the process can do to a
 * driver that holds its channels: kill -9 mid-stream, destroy the channel,
 * close the kshm handle; and the unload of the sample while it streams
 * (refused while a process has it open; fine after). Every test ends with
 * the sample unloaded and kshm's counters back to zero; run.sh fails the run
 * on any kernel report.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kshm.h>

#include "../../examples/crc/kshm_crc.h"
#include "../../examples/sample_device.h"
#include "../../examples/tick/kshm_tick.h"
#include "guest_util.h"
#include "vmtest.h"

#define PAGE 4096

static void sample_load(const char *name)
{
	char path[64], cmd[128];

	snprintf(path, sizeof(path), "/dev/kshm_%s", name);
	if (access(path, F_OK) == 0)
		return;		/* left loaded by a test that failed */
	snprintf(path, sizeof(path), "/examples/kshm_%s.ko", name);
	if (access(path, R_OK))
		skip("the sample module %s was not built for this kernel", path);
	snprintf(cmd, sizeof(cmd), "insmod %s", path);
	expect_ok(system(cmd));
}

static int sample_unload(const char *name)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rmmod kshm_%s 2>/dev/null", name);
	return system(cmd);
}

/* Run a sample's program; its output goes to the log as comments, "dropped N" is parsed. */
static int run_program(const char *cmdline, uint64_t *dropped)
{
	char line[256];
	FILE *out = popen(cmdline, "r");
	const char *at;
	int status;

	expect(out != NULL);
	while (fgets(line, sizeof(line), out)) {
		printf("# %s", line);
		at = strstr(line, "dropped ");
		if (at && dropped)
			*dropped = strtoull(at + 8, NULL, 10);
	}
	status = pclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A sample's program running in the background, its output read through a pipe. */
struct program {
	pid_t pid;
	FILE *out;
};

/* Echo the program's lines as TAP comments until one holds `until` (NULL: to its end). */
static bool echo_until(struct program *p, const char *until)
{
	char line[256];

	while (fgets(line, sizeof(line), p->out)) {
		printf("# %s", line);
		if (until && strstr(line, until))
			return true;
	}
	return false;
}

/*
 * Start a sample's program with one option (--records N, --requests N) and
 * return once it says `ready` ("streaming", "serving": it holds the sample's
 * device open and the driver is at work), however long a loaded guest takes
 * to get it there.
 */
static struct program spawn(const char *prog, const char *option, const char *value,
			    const char *ready)
{
	struct program p;
	int fds[2];

	expect_ok(pipe(fds));
	p.pid = fork();
	expect(p.pid >= 0);
	if (p.pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(prog, prog, option, value, "--period-us", "200", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	p.out = fdopen(fds[0], "r");
	expect(p.out != NULL);
	if (!echo_until(&p, ready))
		vmtest_fail(__FILE__, __LINE__, "%s ended before it printed \"%s\"", prog, ready);
	return p;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int reap(struct program *p)
{
	int status;

	echo_until(p, NULL);
	fclose(p->out);
	expect(waitpid(p->pid, &status, 0) == p->pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Records from the timer interrupt arrive in order; a reader that pauses sees drops, counted. */
TEST(tick_in_order_and_drops_counted)
{
	uint64_t dropped = UINT64_MAX;

	sample_load("tick");
	expect_ok(run_program("/examples/tick --records 3000 --period-us 200", &dropped));
	/* A 4 KiB ring holds 170 records; 300 ms without reading is 1500 ticks. */
	expect_ok(run_program("/examples/tick --records 2000 --period-us 200 --ring-kib 4 "
			      "--pause-ms 300", &dropped));
	expect(dropped > 0 && dropped != UINT64_MAX);
	expect_ok(sample_unload("tick"));
	expect(guest_counters_drain());
}

/* kill -9 of the process while the driver publishes into its ring from an interrupt. */
TEST(tick_kill_9_while_streaming)
{
	struct program p;

	sample_load("tick");
	p = spawn("/examples/tick", "--records", "1000000000", "streaming");
	sleep_ms(300);
	expect(kill(p.pid, SIGKILL) == 0);
	expect(reap(&p) == 128 + SIGKILL);
	expect(guest_counters_drain());		/* the driver's release put the channel */
	expect_ok(sample_unload("tick"));
}

/*
 * rmmod of the sample while it streams is refused (the process holds its
 * device open), and the stream goes on undisturbed; kshm cannot be unloaded
 * under the sample; both unload once the process is done.
 */
TEST(tick_rmmod_while_streaming)
{
	struct program p;

	sample_load("tick");
	p = spawn("/examples/tick", "--records", "5000", "streaming");
	expect(sample_unload("tick") != 0);
	expect(system("rmmod kshm 2>/dev/null") != 0);
	expect(reap(&p) == 0);			/* every record in order, every drop counted */
	expect_ok(sample_unload("tick"));
	expect(guest_counters_drain());
}

/* The process destroys the channel, then closes kshm, while the driver streams into it. */
TEST(tick_process_lets_go)
{
	struct kshm_tick_start start = { .period_ns = 200000 };
	struct kshm_tick_stats stats;
	struct kshm_channel *events, *sub;
	struct kshm *k;
	int dev, how;

	sample_load("tick");
	for (how = 0; how < 2; how++) {	/* destroy the channel; close the whole handle */
		expect_ok(kshm_open(NULL, &k));
		expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &events));
		dev = open("/dev/" KSHM_TICK_DEVICE, O_RDWR);
		expect(dev >= 0);
		start.kshm_fd = (int)kshm_native_handle(k);
		start.channel_id = kshm_channel_id(events);
		expect_ok(ioctl(dev, KSHM_TICK_IOC_START, &start));
		expect_err(ioctl(dev, KSHM_TICK_IOC_START, &start) ? -errno : 0, -EBUSY);
		sleep_ms(100);
		if (how == 0)
			expect_ok(kshm_channel_destroy(events));
		else
			kshm_close(k);
		/* The timer stops itself on -EPIPE. */
		expect_ok(sample_wait_stopped(dev, KSHM_TICK_IOC_STATS, &stats, sizeof(stats),
					      &stats.stopped, SAMPLE_STOP_WAIT_MS));
		if (stats.stopped != -EPIPE || stats.running || !stats.ticks)
			vmtest_fail(__FILE__, __LINE__, "%s: stopped %d (want -EPIPE), running %u, "
				    "ticks %llu, published %llu, dropped %llu",
				    how ? "kshm closed" : "channel destroyed", stats.stopped,
				    stats.running, (unsigned long long)stats.ticks,
				    (unsigned long long)stats.published,
				    (unsigned long long)stats.dropped);
		expect(guest_counter("regions_live") >= 1);	/* the driver's reference */
		close(dev);
		if (how == 0)
			kshm_close(k);
		expect(guest_counters_drain());
	}

	/* What the driver refuses: a period too short, a submissions channel, a bad descriptor. */
	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, PAGE, NULL, &sub));
	dev = open("/dev/" KSHM_TICK_DEVICE, O_RDWR);
	expect(dev >= 0);
	start.kshm_fd = (int)kshm_native_handle(k);
	start.channel_id = kshm_channel_id(sub);
	expect_err(ioctl(dev, KSHM_TICK_IOC_START, &start) ? -errno : 0, -EINVAL);
	start.period_ns = 1000;
	expect_err(ioctl(dev, KSHM_TICK_IOC_START, &start) ? -errno : 0, -EINVAL);
	start.period_ns = 200000;
	start.kshm_fd = dev;
	expect_err(ioctl(dev, KSHM_TICK_IOC_START, &start) ? -errno : 0, -EINVAL);
	start.kshm_fd = 999;
	expect_err(ioctl(dev, KSHM_TICK_IOC_START, &start) ? -errno : 0, -EBADF);
	close(dev);
	kshm_close(k);
	expect_ok(sample_unload("tick"));
	expect(guest_counters_drain());
}

/* The kthread serves every request: right tag, right CRC, in order; oversized ones refused. */
TEST(crc_serves_requests)
{
	sample_load("crc");
	expect_ok(run_program("/examples/crc --requests 5000", NULL));
	expect_ok(run_program("/examples/crc --requests 2000 --ring-kib 4 --max-data 2000", NULL));
	expect_ok(sample_unload("crc"));
	expect(guest_counters_drain());
}

/* kill -9 of the process while the kthread serves it; rmmod refused while it runs. */
TEST(crc_kill_9_and_rmmod_while_serving)
{
	struct program p;

	sample_load("crc");
	p = spawn("/examples/crc", "--requests", "1000000000", "serving");
	sleep_ms(300);
	expect(sample_unload("crc") != 0);
	expect(kill(p.pid, SIGKILL) == 0);
	expect(reap(&p) == 128 + SIGKILL);
	expect(guest_counters_drain());		/* the thread was stopped, both channels put */
	expect_ok(sample_unload("crc"));
}

/* The process closes kshm under the serving thread: it stops (-EPIPE) and idles until close. */
TEST(crc_process_lets_go)
{
	struct kshm_crc_attach attach = { 0 };
	struct kshm_channel *requests, *answers;
	struct kshm_crc_stats stats;
	struct kshm *k;
	int dev;

	sample_load("crc");
	expect_ok(kshm_open(NULL, &k));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_SUBMISSIONS, PAGE, NULL, &requests));
	expect_ok(kshm_channel_create(k, KSHM_CHANNEL_EVENTS, PAGE, NULL, &answers));
	dev = open("/dev/" KSHM_CRC_DEVICE, O_RDWR);
	expect(dev >= 0);
	attach.kshm_fd = (int)kshm_native_handle(k);
	attach.submissions_id = kshm_channel_id(answers);	/* the wrong way round */
	attach.completions_id = kshm_channel_id(requests);
	expect_err(ioctl(dev, KSHM_CRC_IOC_ATTACH, &attach) ? -errno : 0, -EINVAL);
	attach.submissions_id = kshm_channel_id(requests);
	attach.completions_id = kshm_channel_id(answers);
	expect_ok(ioctl(dev, KSHM_CRC_IOC_ATTACH, &attach));
	expect_err(ioctl(dev, KSHM_CRC_IOC_ATTACH, &attach) ? -errno : 0, -EBUSY);
	kshm_close(k);
	expect_ok(ioctl(dev, KSHM_CRC_IOC_KICK));
	expect_ok(sample_wait_stopped(dev, KSHM_CRC_IOC_STATS, &stats, sizeof(stats),
				      &stats.stopped, SAMPLE_STOP_WAIT_MS));
	expect_err(stats.stopped, -EPIPE);
	expect(guest_counter("regions_live") >= 2);	/* the driver's two references */
	close(dev);
	expect(guest_counters_drain());
	expect_ok(sample_unload("crc"));
}

/* A test that failed half-way leaves its sample loaded, which would keep kshm loaded too. */
static void samples_unload(void)
{
	sample_unload("tick");
	sample_unload("crc");
}
VMTEST_TEARDOWN(samples_unload)

VMTEST_MAIN()
