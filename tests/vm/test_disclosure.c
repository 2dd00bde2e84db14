// SPDX-License-Identifier: MIT
/*
 * No kernel address in anything kshm outputs: request results, its sysfs
 * files, the kshm tool's output, the kernel log lines that mention it.
 * x86-64 kernel addresses are 0xffff8000_00000000 and up (the direct map,
 * vmalloc, the kernel image at 0xffffffff8...).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_tool.h"
#include "guest_util.h"
#include "vmtest.h"

#define KERNEL_SPACE 0xffff800000000000ULL

/* A kernel address as text: 16 hex digits from ffff8..., with or without 0x. */
#define KERNEL_ADDRESS_RE "ffff[89a-f][0-9a-f]{11}"

static void expect_user_value(const char *what, uint64_t value)
{
	if (value >= KERNEL_SPACE)
		vmtest_fail(__FILE__, __LINE__, "%s is 0x%" PRIx64 ", a kernel address", what, value);
}

static void expect_user_layout(const char *what, const struct kshm_layout *layout)
{
	printf("# %s: start_va 0x%" PRIx64 " byte_count %" PRIu64 "\n", what,
	       (uint64_t)layout->start_va, (uint64_t)layout->byte_count);
	expect_user_value(what, layout->start_va);
	expect_user_value(what, layout->byte_count);
}

/* Lines of `text` that hold a kernel address; returns how many (printing them). */
static int scan_text(const char *source, const char *text)
{
	regex_t re;
	int found = 0;
	const char *line = text;

	expect_ok(regcomp(&re, KERNEL_ADDRESS_RE, REG_EXTENDED | REG_ICASE | REG_NOSUB));
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[1024];

		snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) ? len : sizeof(buf) - 1),
			 line);
		if (regexec(&re, buf, 0, NULL, 0) == 0) {
			printf("# %s: %s\n", source, buf);
			found++;
		}
		line = end ? end + 1 : NULL;
	}
	regfree(&re);
	return found;
}

static int scan_file(const char *path)
{
	char text[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;	/* write-only attributes */
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	return scan_text(path, text);
}

/* Every readable file of a sysfs directory (not recursive). */
static int scan_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0, files = 0;

	expect(d != NULL);
	while ((e = readdir(d))) {
		char path[512];

		if (e->d_name[0] == '.' || e->d_type == DT_DIR || e->d_type == DT_LNK)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		found += scan_file(path);
		files++;
	}
	closedir(d);
	printf("# %s: %d files scanned\n", dir, files);
	return found;
}

TEST(request_results_hold_no_kernel_address)
{
	int fd = guest_open();
	size_t page = guest_page();
	struct kshm_version v = { .size = sizeof(v) };
	struct kshm_region_create c = { .size = sizeof(c), .length = 3 * page + 1 };
	struct kshm_buffer_attach a = { .size = sizeof(a), .length = 2 * page };
	struct kshm_region_info info = { .size = sizeof(info) };
	uint8_t *buf = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);

	expect(buf != MAP_FAILED);
	expect_ok(guest_ioctl(fd, KSHM_IOC_VERSION, &v));
	expect_user_value("version.max_region_bytes", v.max_region_bytes);
	expect_user_value("version.max_allocated_bytes", v.max_allocated_bytes);
	expect_user_value("version.max_pinned_bytes", v.max_pinned_bytes);
	expect_user_value("version.regions_live", v.regions_live);
	expect_user_value("version.bytes_allocated", v.bytes_allocated);
	expect_user_value("version.bytes_pinned", v.bytes_pinned);

	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_CREATE, &c));
	expect_user_value("create.mapped_length", c.mapped_length);
	expect_user_value("create.mmap_offset", c.mmap_offset);
	expect(c.user_addr == 0);
	info.id = c.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_INFO, &info));
	expect_user_value("info.mmap_offset", info.mmap_offset);
	expect_user_layout("info.layout (kernel pages)", &info.layout);
	expect(info.layout.start_va == 0);

	a.user_addr = (uintptr_t)buf + 123;
	expect_ok(guest_ioctl(fd, KSHM_IOC_BUFFER_ATTACH, &a));
	expect_user_layout("attach.layout", &a.layout);
	expect(a.layout.start_va == ((uintptr_t)buf & ~(uintptr_t)(page - 1)));
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.id = a.id;
	expect_ok(guest_ioctl(fd, KSHM_IOC_REGION_INFO, &info));
	expect_user_value("info.mmap_offset (buffer)", info.mmap_offset);
	expect_user_layout("info.layout (buffer)", &info.layout);
	close(fd);
}

TEST(sysfs_holds_no_kernel_address)
{
	int found = 0;

	/* The scanner itself: it must see the kinds of address it is there for. */
	expect(scan_text("self-test", "at ffff888004c15500 and 0xFFFFFFFF81000000\nffffc90000000000") == 2);
	expect(scan_text("self-test", "0x7f8fcbaed000 4096 ffff") == 0);
	found += scan_dir("/sys/class/misc/kshm");
	found += scan_dir("/sys/module/kshm/parameters");
	found += scan_dir("/sys/module/kshm");
	expect(found == 0);
}

/* Run the kshm tool (the guest's static build) and scan what it prints on both streams. */
static int scan_tool(const char *args)
{
	struct guest_tool_run run;

	expect(guest_tool(&run, args) == 0);
	printf("# kshm %s: %zu + %zu bytes of output scanned\n", args, strlen(run.out),
	       strlen(run.err));
	return scan_text(args, run.out) + scan_text(args, run.err);
}

TEST(tool_output_holds_no_kernel_address)
{
	int found = 0;

	guest_tool_require();
	found += scan_tool("info");
	found += scan_tool("info --json");
	found += scan_tool("stat");
	found += scan_tool("stat --json");
	found += scan_tool("demo");
	found += scan_tool("layout --size 8193 --offset 5");
	found += scan_tool("layout --size 8193 --offset 5 --json");
	found += scan_tool("ring --count 1000");
	found += scan_tool("ring --count 1000 --json");
	expect(found == 0);
}

/* Everything the kernel logged since boot about kshm (its own lines and any naming it). */
TEST(kernel_log_about_kshm_holds_no_kernel_address)
{
	char record[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int found = 0, lines = 0;
	ssize_t n;

	expect(fd >= 0);
	while ((n = read(fd, record, sizeof(record) - 1)) != 0) {
		char *msg;

		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		record[n] = '\0';
		msg = strchr(record, ';');
		if (!msg || !strstr(msg, "kshm") || strstr(msg, "kshm-vmtest"))
			continue;
		lines++;
		found += scan_text("kernel log", msg + 1);
	}
	close(fd);
	printf("# %d kernel log lines about kshm scanned\n", lines);
	expect(found == 0);
}

VMTEST_MAIN()
