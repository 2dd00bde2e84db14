// SPDX-License-Identifier: MIT
/*
 * The kshm tool as its users run it (/bin/kshm, the static build): --json of
 * info, stat, layout and ring (one valid JSON object, the fields kshm(1)
 * documents, values that agree with the driver and with the human output),
 * ring's output and its progress (on a terminal only), the same guided
 * errors on every command (no driver, no permission, a limit hit; status 1)
 * and the usage errors (status 2).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kshm.h>

#include "guest_tool.h"
#include "guest_util.h"
#include "vmtest.h"

/* ---- a validating reader of JSON, enough for the tool's output ---- */

#define JSON_MAX_NESTING 16

static const char *json_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* Past one string (escapes checked; no raw control character), or NULL. */
static const char *json_skip_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	while (*s != '"') {
		if ((unsigned char)*s < 0x20)	/* the end of the text included */
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				int i;

				for (i = 1; i <= 4; i++) {
					if (!isxdigit((unsigned char)s[i]))
						return NULL;
				}
				s += 4;
			} else if (!*s || !strchr("\"\\/bfnrt", *s)) {
				return NULL;
			}
		}
		s++;
	}
	return s + 1;
}

static const char *json_skip_digits(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

static const char *json_skip_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (!(s = json_skip_digits(s)))
		return NULL;
	if (*s == '.' && !(s = json_skip_digits(s + 1)))
		return NULL;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		s = json_skip_digits(s);
	}
	return s;
}

static const char *json_skip_value(const char *s, int nesting);

/* Past an object or an array, every member checked, or NULL. */
static const char *json_skip_container(const char *s, int nesting)
{
	char close = *s == '{' ? '}' : ']';

	if (nesting > JSON_MAX_NESTING)
		return NULL;
	s = json_ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (close == '}') {
			if (!(s = json_skip_string(s)))
				return NULL;
			s = json_ws(s);
			if (*s++ != ':')
				return NULL;
		}
		if (!(s = json_skip_value(s, nesting + 1)))
			return NULL;
		s = json_ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
		s = json_ws(s);
	}
}

static const char *json_skip_value(const char *s, int nesting)
{
	s = json_ws(s);
	switch (*s) {
	case '{':
	case '[':
		return json_skip_container(s, nesting);
	case '"':
		return json_skip_string(s);
	case 't':
		return strncmp(s, "true", 4) ? NULL : s + 4;
	case 'f':
		return strncmp(s, "false", 5) ? NULL : s + 5;
	case 'n':
		return strncmp(s, "null", 4) ? NULL : s + 4;
	default:
		return json_skip_number(s);
	}
}

/* The tool's --json output: one object on one line, then the newline, nothing else. */
static bool json_one_object(const char *text)
{
	const char *end;

	if (*text != '{')
		return false;
	end = json_skip_value(text, 0);
	return end && !strcmp(end, "\n");
}

/* The value of the member at a dotted path of keys ("limits.max_region_bytes"), or NULL. */
static const char *json_find(const char *text, const char *path)
{
	const char *s = json_ws(text);

	for (;;) {
		size_t len = strcspn(path, ".");
		const char *key = NULL;

		if (*s != '{')
			return NULL;
		s = json_ws(s + 1);
		while (*s == '"') {
			bool match;

			key = s;
			if (!(s = json_skip_string(s)))
				return NULL;
			match = (size_t)(s - key - 2) == len && !memcmp(key + 1, path, len);
			s = json_ws(s);
			if (*s++ != ':')
				return NULL;
			s = json_ws(s);
			if (match)
				break;
			key = NULL;
			if (!(s = json_skip_value(s, 0)))
				return NULL;
			s = json_ws(s);
			if (*s == ',')
				s = json_ws(s + 1);
		}
		if (!key)
			return NULL;
		if (!path[len])
			return s;
		path += len + 1;
	}
}

#define json_u64(text, path) json_u64_at(__FILE__, __LINE__, text, path)
#define json_real(text, path) json_real_at(__FILE__, __LINE__, text, path)
#define json_bool(text, path) json_bool_at(__FILE__, __LINE__, text, path)
#define json_members(text, path) json_members_at(__FILE__, __LINE__, text, path)
#define expect_json_string(text, path, want) \
	expect_json_string_at(__FILE__, __LINE__, text, path, want)

/* A whole number: digits only (no sign, fraction or exponent). */
static uint64_t json_u64_at(const char *file, int line, const char *text, const char *path)
{
	const char *value = json_find(text, path);
	uint64_t number;
	char *end;

	if (!value || !isdigit((unsigned char)*value))
		vmtest_fail(file, line, "no whole number at %s", path);
	errno = 0;
	number = strtoull(value, &end, 10);
	if (errno || (*end != ',' && *end != '}'))
		vmtest_fail(file, line, "%s is not a whole number that fits 64 bits", path);
	return number;
}

static double json_real_at(const char *file, int line, const char *text, const char *path)
{
	const char *value = json_find(text, path);
	const char *end = value ? json_skip_number(value) : NULL;

	if (!end || end == value)
		vmtest_fail(file, line, "no number at %s", path);
	return strtod(value, NULL);
}

static bool json_bool_at(const char *file, int line, const char *text, const char *path)
{
	const char *value = json_find(text, path);

	if (value && !strncmp(value, "true", 4))
		return true;
	if (value && !strncmp(value, "false", 5))
		return false;
	vmtest_fail(file, line, "no true or false at %s", path);
}

/* How many members the object at path has (the whole object: path ""); text is valid. */
static int json_members_at(const char *file, int line, const char *text, const char *path)
{
	const char *s = *path ? json_find(text, path) : text;
	int members = 0;

	if (!s || *s != '{')
		vmtest_fail(file, line, "no object at %s", *path ? path : "the top");
	s = json_ws(s + 1);
	while (*s == '"') {
		s = json_ws(json_skip_string(s));	/* the key, then ':' */
		s = json_ws(json_skip_value(s + 1, 0));
		members++;
		if (*s == ',')
			s = json_ws(s + 1);
	}
	return members;
}

static void expect_json_string_at(const char *file, int line, const char *text,
				  const char *path, const char *want)
{
	const char *value = json_find(text, path);
	size_t len = strlen(want);

	if (!value || *value != '"' || strncmp(value + 1, want, len) || value[len + 1] != '"')
		vmtest_fail(file, line, "%s is not \"%s\"", path, want);
}

/* Runs the tool, which must succeed with one JSON object and nothing on stderr. */
static void run_json(struct guest_tool_run *run, const char *args)
{
	expect(guest_tool(run, args) == 0);
	expect(json_one_object(run->out));
	expect(run->err[0] == '\0');
}

/* The number after "label " at the start of a line of the human output (0x hex too). */
static uint64_t human_value(const char *text, const char *label)
{
	size_t len = strlen(label);
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *value = line + len;

		if (strncmp(line, label, len) || *value != ' ')
			continue;
		while (*value == ' ')
			value++;
		return strtoull(value, NULL, 0);
	}
	vmtest_fail(__FILE__, __LINE__, "no line \"%s\" in the human output", label);
}

/* The computed column of a layout row: the second number after the label. */
static uint64_t human_second_value(const char *text, const char *label)
{
	const char *line = strstr(text, label);
	char *end;

	expect(line != NULL);
	strtoull(line + strlen(label), &end, 0);
	return strtoull(end, NULL, 0);
}

/* ---- the JSON checker itself ---- */

TEST(json_checker_tells_valid_from_invalid)
{
	expect(json_one_object("{}\n"));
	expect(json_one_object("{\"a\":1,\"b\":{\"c\":[1,-2.5e3,true,null,\"x\\\"\\u00e9\"]}}\n"));
	expect(!json_one_object("{\"a\":1}"));		/* no newline */
	expect(!json_one_object("{\"a\":1}\n{}\n"));	/* two objects */
	expect(!json_one_object("{\"a\":1,}\n"));
	expect(!json_one_object("{\"a\" 1}\n"));
	expect(!json_one_object("{\"a\":01}\n"));
	expect(!json_one_object("{\"a\":\"\x01\"}\n"));
	expect(!json_one_object("{\"a\":\"\\x\"}\n"));
	expect(!json_one_object("{\"a\":[1,2}\n"));
	expect(!json_one_object("[1]\n"));
	expect(!json_one_object("{\"a\":0x10}\n"));
	expect(json_u64("{\"a\":{\"b\":7,\"c\":18446744073709551615}}\n", "a.c") == UINT64_MAX);
	expect(json_find("{\"a\":{\"b\":7}}\n", "a.x") == NULL);
	expect(json_find("{\"a\":{\"b\":7}}\n", "b") == NULL);
	expect(json_find("{\"ab\":1,\"a\":{\"b\":7,\"c\":8}}\n", "a.c") != NULL);
	expect(json_members("{\"a\":{\"b\":7,\"c\":8}}\n", "a") == 2);
	expect(json_members("{\"a\":1,\"b\":{\"c\":[1,2]},\"d\":\"}\"}\n", "") == 3);
}

/* ---- info, stat ---- */

TEST(info_json_fields_match_the_driver_and_the_human_output)
{
	static const char *const limits[] = { "max_region_bytes", "max_regions_per_file",
					      "max_allocated_bytes", "max_pinned_bytes" };
	static const char *const counters[] = { "regions_live", "bytes_allocated",
						"bytes_pinned" };
	struct guest_tool_run json, human;
	char path[64], label[64];
	size_t i;

	guest_tool_require();
	run_json(&json, "info --json");
	expect(json_members(json.out, "") == 6);
	expect_json_string(json.out, "device", "/dev/kshm");
	expect(json_u64(json.out, "abi_version") == KSHM_ABI_VERSION);
	expect(json_u64(json.out, "tool_abi_version") == KSHM_ABI_VERSION);
	expect(json_u64(json.out, "page_size") == (uint64_t)sysconf(_SC_PAGESIZE));
	expect(json_members(json.out, "limits") == 4);
	expect(json_members(json.out, "counters") == 3);

	expect(guest_tool(&human, "info") == 0);
	expect(human_value(human.out, "abi version") == json_u64(json.out, "abi_version"));
	expect(human_value(human.out, "page size") == json_u64(json.out, "page_size"));
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		snprintf(path, sizeof(path), "limits.%s", limits[i]);
		snprintf(label, sizeof(label), "  %s", limits[i]);
		expect(json_u64(json.out, path) == guest_param(limits[i]));
		expect(human_value(human.out, label) == json_u64(json.out, path));
	}
	/* Idle between tests: the same in both runs and in sysfs. */
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		snprintf(path, sizeof(path), "counters.%s", counters[i]);
		snprintf(label, sizeof(label), "  %s", counters[i]);
		expect(json_u64(json.out, path) == (uint64_t)guest_counter(counters[i]));
		expect(human_value(human.out, label) == json_u64(json.out, path));
	}
}

TEST(stat_json_matches_the_human_output_and_sysfs)
{
	static const char *const counters[] = { "regions_live", "bytes_allocated",
						"bytes_pinned" };
	struct guest_tool_run json, human;
	size_t i;

	guest_tool_require();
	run_json(&json, "stat --json");
	expect(json_members(json.out, "") == 3);
	expect(guest_tool(&human, "stat") == 0);
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		expect(json_u64(json.out, counters[i]) == (uint64_t)guest_counter(counters[i]));
		expect(human_value(human.out, counters[i]) == json_u64(json.out, counters[i]));
	}
}

/* --json before the command is the same option as after it. */
TEST(json_as_a_global_option)
{
	struct guest_tool_run before, after;

	guest_tool_require();
	run_json(&before, "--json info");
	run_json(&after, "info --json");
	expect(!strcmp(before.out, after.out));
	run_json(&before, "--device /dev/kshm --json stat");
	run_json(&after, "stat --json");
	expect(!strcmp(before.out, after.out));
	run_json(&before, "--json layout --size 100 --offset 3");
	expect(json_bool(before.out, "match"));
	run_json(&before, "--json ring --count 100");
	expect(json_u64(before.out, "count") == 100);
}

/* ---- layout ---- */

static void check_layout(uint64_t size, uint64_t offset)
{
	static const char *const rows[][2] = {
		{ "byte_offset", "ByteOffset" }, { "byte_count", "ByteCount" },
		{ "span_pages", "SpanPages" }, { "page_size", "PageSize" },
	};
	static const char *const fields[] = { "start_va", "byte_offset", "byte_count",
					      "span_pages", "page_size" };
	uint64_t page = guest_page(), in_page = offset % page, address, start;
	struct guest_tool_run json, human;
	char args[128], kernel[64], local[64];
	size_t i;

	snprintf(args, sizeof(args), "layout --size %" PRIu64 " --offset %" PRIu64 " --json", size,
		 offset);
	run_json(&json, args);
	expect(json_members(json.out, "") == 6);
	expect(json_members(json.out, "kernel") == 5);
	expect(json_members(json.out, "computed") == 5);
	expect(json_u64(json.out, "size") == size);
	expect(json_u64(json.out, "offset") == offset);
	expect(json_bool(json.out, "match"));
	/* The buffer is page-aligned: the layout follows from size and offset alone. */
	address = json_u64(json.out, "address");
	start = json_u64(json.out, "kernel.start_va");
	expect(address % page == in_page);
	expect(start == address - in_page);
	expect(json_u64(json.out, "kernel.byte_offset") == in_page);
	expect(json_u64(json.out, "kernel.byte_count") == size);
	expect(json_u64(json.out, "kernel.span_pages") == (in_page + size + page - 1) / page);
	expect(json_u64(json.out, "kernel.page_size") == page);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(kernel, sizeof(kernel), "kernel.%s", fields[i]);
		snprintf(local, sizeof(local), "computed.%s", fields[i]);
		expect(json_u64(json.out, kernel) == json_u64(json.out, local));
	}

	/* The human output of the same request: its other buffer has the same layout. */
	snprintf(args, sizeof(args), "layout --size %" PRIu64 " --offset %" PRIu64, size, offset);
	expect(guest_tool(&human, args) == 0);
	expect(strstr(human.out, "\nlayout: match\n") != NULL);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(kernel, sizeof(kernel), "kernel.%s", rows[i][0]);
		snprintf(local, sizeof(local), "computed.%s", rows[i][0]);
		expect(human_value(human.out, rows[i][1]) == json_u64(json.out, kernel));
		expect(human_second_value(human.out, rows[i][1]) == json_u64(json.out, local));
	}
}

TEST(layout_json_of_buffers_matches_the_span_and_the_human_output)
{
	uint64_t page = guest_page();

	guest_tool_require();
	check_layout(1, 0);
	check_layout(8193, 5);
	check_layout(100, page + 0x10);
	check_layout(3 * page + 100, 0x10);
	check_layout(2 * page, 0);
	expect(guest_counters_drain());
}

/* ---- ring ---- */

/* One direction of ring --json: its six fields, consistent with each other. */
static void check_ring_direction(const char *text, const char *direction, const char *call,
				 uint64_t count)
{
	char path[96];
	uint64_t ring_ns, call_ns;
	double ring_rate, call_rate, ratio;

	snprintf(path, sizeof(path), "%s", direction);
	expect(json_members(text, path) == 6);
	snprintf(path, sizeof(path), "%s.call", direction);
	expect_json_string(text, path, call);
	snprintf(path, sizeof(path), "%s.ring_ns", direction);
	ring_ns = json_u64(text, path);
	snprintf(path, sizeof(path), "%s.call_ns", direction);
	call_ns = json_u64(text, path);
	snprintf(path, sizeof(path), "%s.ring_records_per_second", direction);
	ring_rate = json_real(text, path);
	snprintf(path, sizeof(path), "%s.call_records_per_second", direction);
	call_rate = json_real(text, path);
	snprintf(path, sizeof(path), "%s.ratio", direction);
	ratio = json_real(text, path);
	printf("# %s: ring %" PRIu64 " ns, %s %" PRIu64 " ns, ratio %.3f\n", direction, ring_ns,
	       call, call_ns, ratio);
	expect(ring_ns > 0 && call_ns > 0);
	/* Rounded to whole records per second and 3 decimals: within rounding of each other. */
	expect(fabs(ring_rate - (double)count * 1e9 / (double)ring_ns) <= 1 + ring_rate * 1e-6);
	expect(fabs(call_rate - (double)count * 1e9 / (double)call_ns) <= 1 + call_rate * 1e-6);
	expect(fabs(ratio - (double)call_ns / (double)ring_ns) <= 0.0005 + ratio * 1e-6);
}

TEST(ring_json_fields_consistent)
{
	struct guest_tool_run run;

	guest_tool_require();
	run_json(&run, "ring --json --count 3000 --size 64");
	expect(json_members(run.out, "") == 5);
	expect(json_u64(run.out, "count") == 3000);
	expect(json_u64(run.out, "size") == 64);
	expect(json_u64(run.out, "ring_bytes") == 256 << 10);
	check_ring_direction(run.out, "kernel_to_user", "ioctl/msg", 3000);
	check_ring_direction(run.out, "user_to_kernel", "ioctl/req", 3000);

	run_json(&run, "ring --count 2K --size 1K --ring 64K --json");
	expect(json_u64(run.out, "count") == 2048);
	expect(json_u64(run.out, "size") == 1024);
	expect(json_u64(run.out, "ring_bytes") == 64 << 10);
	check_ring_direction(run.out, "kernel_to_user", "ioctl/msg", 2048);
	check_ring_direction(run.out, "user_to_kernel", "ioctl/req", 2048);
	expect(guest_counters_drain());
}

/* The human output: its header and both comparisons with their ratios. */
TEST(ring_human_output)
{
	struct guest_tool_run run;
	const char *line;
	int pairs = 0;

	guest_tool_require();
	expect(guest_tool(&run, "ring --count 5000 --size 64") == 0);
	expect(!strncmp(run.out, "kshm ring: 5000 records of 64 bytes, rings of 262144 bytes\n",
			strlen("kshm ring: 5000 records of 64 bytes, rings of 262144 bytes\n")));
	for (line = run.out; (line = strstr(line, "ring/ioctl/")); line++)
		pairs++;
	expect(pairs == 2);
	expect(strstr(run.out, "kernel->user") && strstr(run.out, "user->kernel"));
	expect(run.err[0] == '\0');
	expect(guest_counters_drain());
}

/* A count that keeps ring busy for about `seconds`, from a short run's timings. */
static uint64_t ring_count_for(double seconds)
{
	struct guest_tool_run run;
	double total_ns;
	uint64_t count;

	run_json(&run, "ring --json --count 20000");
	total_ns = (double)json_u64(run.out, "kernel_to_user.ring_ns") +
		   (double)json_u64(run.out, "kernel_to_user.call_ns") +
		   (double)json_u64(run.out, "user_to_kernel.ring_ns") +
		   (double)json_u64(run.out, "user_to_kernel.call_ns");
	count = (uint64_t)(20000 * seconds * 1e9 / total_ns);
	printf("# 20000 records each way took %.0f ms: %" PRIu64 " for %.0f s\n", total_ns / 1e6,
	       count, seconds);
	return count < 20000 ? 20000 : count;
}

/* A pseudo-terminal's two ends (devpts mounted here if it is not); false if none. */
static bool open_terminal(int *master, int *slave)
{
	mkdir("/dev/pts", 0755);
	if (mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666") && errno != EBUSY)
		printf("# mount devpts: %s\n", strerror(errno));
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) || unlockpt(*master) || !ptsname(*master))
		return false;
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	return *slave >= 0;
}

/* What the terminal's other end received (the slave is still open: no EIO race). */
static size_t read_terminal(int master, char *text, size_t size)
{
	struct pollfd pfd = { .fd = master, .events = POLLIN };
	size_t used = 0;
	ssize_t n;

	while (used < size - 1 && poll(&pfd, 1, 1000) > 0 &&
	       (n = read(master, text + used, size - 1 - used)) > 0)
		used += (size_t)n;
	text[used] = '\0';
	return used;
}

/*
 * Progress, on stderr, once a second from a second into the run: never when
 * stderr is no terminal (a pipe here); on a terminal, "\r" lines blanked at
 * the end, while stdout holds exactly what it holds without them.
 */
TEST(ring_progress_only_on_a_terminal)
{
	struct guest_tool_run run;
	char args[128], shown[4096];
	int master, slave;
	uint64_t count;
	size_t i;

	guest_tool_require();
	count = ring_count_for(3);
	snprintf(args, sizeof(args), "ring --count %" PRIu64, count);
	expect(guest_tool(&run, args) == 0);
	expect(run.err[0] == '\0');
	snprintf(args, sizeof(args), "ring --json --count %" PRIu64, count);
	run_json(&run, args);

	if (!open_terminal(&master, &slave))
		skip("no pseudo-terminal in the guest (%s)", strerror(errno));
	expect(guest_tool_run_as(&run, args, 0, slave) == 0);
	expect(json_one_object(run.out));
	read_terminal(master, shown, sizeof(shown));
	close(slave);
	close(master);
	printf("# on the terminal: %zu bytes, the first line shown: \"", strlen(shown));
	for (i = 0; shown[i] && i < 160; i++)
		fputs(shown[i] == '\r' ? "\\r" : (char[]){ shown[i], '\0' }, stdout);
	printf("\"\n");
	expect(strstr(shown, "\rkshm ring: [") != NULL);
	expect(strstr(shown, " records (") != NULL);
	expect(strchr(shown, '\n') == NULL);		/* one line, rewritten */
	expect(shown[strlen(shown) - 1] == '\r');	/* blanked at the end */
	expect(guest_counters_drain());
}

/* ---- errors ---- */

/* Every command that opens the device, in each output form. */
static const char *const device_commands[] = {
	"info", "info --json", "stat", "stat --json", "demo", "layout --size 4096",
	"layout --size 4096 --json", "ring --count 10", "ring --count 10 --json",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Status 1, one line on stderr holding each of the needles; nothing on stdout
 * but demo's verdict, or the header ring prints (without --json) before it runs.
 */
static void expect_failure(const struct guest_tool_run *run, const char *command,
			   const char *needle, const char *needle2)
{
	expect(run->status == 1);
	expect(!strncmp(run->err, "kshm: ", 6));
	expect(strchr(run->err, '\n') == run->err + strlen(run->err) - 1);
	expect(strstr(run->err, needle) != NULL);
	expect(!needle2 || strstr(run->err, needle2) != NULL);
	if (!strcmp(command, "demo"))
		expect(strstr(run->out, "demo: FAILED (cannot open ") == run->out);
	else if (!strncmp(command, "ring", 4) && !strstr(command, "--json") && run->out[0])
		expect(!strncmp(run->out, "kshm ring: ", 11) &&
		       strchr(run->out, '\n') == run->out + strlen(run->out) - 1);
	else
		expect(run->out[0] == '\0');
}

TEST(no_driver_is_the_same_guided_error_on_every_command)
{
	struct guest_tool_run run;
	char args[128];
	size_t i;

	guest_tool_require();
	for (i = 0; i < ARRAY_LEN(device_commands); i++) {
		snprintf(args, sizeof(args), "--device /nonexistent %s", device_commands[i]);
		guest_tool(&run, args);
		expect_failure(&run, device_commands[i], "/nonexistent not found: ",
			       "is the kshm module loaded? (modprobe kshm)");
	}
	/* A device that is not kshm's. */
	guest_tool(&run, "--device /dev/null info");
	expect_failure(&run, "info", "/dev/null: ", "not a kshm device");
}

TEST(no_permission_is_the_same_guided_error_on_every_command)
{
	struct guest_tool_run run;
	size_t i;

	guest_tool_require();
	if ((guest_param("dev_mode") & 0006) == 0006)
		skip("the device is open to everyone (dev_mode)");
	for (i = 0; i < ARRAY_LEN(device_commands); i++) {
		guest_tool_run_as(&run, device_commands[i], 65534, -1);
		expect_failure(&run, device_commands[i], "/dev/kshm: permission denied",
			       "kshm(4)");
	}
}

TEST(limits_hit_are_named_with_their_values)
{
	uint64_t max_region = guest_param("max_region_bytes");
	uint64_t saved = guest_param("max_allocated_bytes");
	uint64_t page = guest_page(), ring = page;
	struct guest_tool_run run;
	char args[128];
	int status;

	guest_tool_require();
	/* A buffer over max_region_bytes: refused before anything is allocated. */
	snprintf(args, sizeof(args), "layout --size %" PRIu64 " --json", max_region + 1);
	guest_tool(&run, args);
	expect_failure(&run, args, "attach the buffer: limit hit: max_region_bytes is ", NULL);

	/* A ring over max_region_bytes, then one over what max_allocated_bytes leaves. */
	while (ring <= max_region)
		ring *= 2;
	snprintf(args, sizeof(args), "ring --count 10 --ring %" PRIu64, ring);
	guest_tool(&run, args);
	expect_failure(&run, args, "kernel->user: create the events channel: limit hit: "
		       "max_region_bytes is ", NULL);

	guest_set_param("max_allocated_bytes", 4 * page);
	status = guest_tool(&run, "ring --count 10 --json");
	guest_set_param("max_allocated_bytes", saved);
	expect(status == 1);
	snprintf(args, sizeof(args), "this needs %" PRIu64 " KiB", (256 * 1024 + 2 * page) / 1024);
	expect_failure(&run, "ring --json", "create the events channel: limit hit: "
		       "max_allocated_bytes is ", args);
	expect(guest_counters_drain());
}

/* ---- usage ---- */

TEST(usage_errors_have_status_2)
{
	static const char *const cases[][2] = {
		{ "demo --json", "demo has no --json output" },
		{ "--json demo", "demo has no --json output" },
		{ "help --json", "help has no --json output" },
		{ "info extra", "info: unexpected 'extra'" },
		{ "stat --json extra", "stat: unexpected 'extra'" },
		{ "layout --json", "layout: --size N" },
		{ "ring --json --size 4", "ring: bad --size '4'" },
		{ "ring --size 65537", "ring: bad --size '65537'" },
		{ "ring --ring 12K", "ring: bad --ring '12K'" },
		{ "ring --ring 4K --size 2K", "does not fit --ring 4096" },
		{ "ring --ring 1K --size 64", "ring: bad --ring 1024" },
		{ "--jason info", "bad option '--jason'" },
	};
	struct guest_tool_run run;
	size_t i;

	guest_tool_require();
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		expect(guest_tool(&run, cases[i][0]) == 2);
		expect(run.out[0] == '\0');
		expect(strstr(run.err, cases[i][1]) != NULL);
		expect(strstr(run.err, "Try 'kshm --help'") != NULL);
	}
	/* Each command's help names --json where it has it. */
	expect(guest_tool(&run, "help info") == 0 && strstr(run.out, "info [--json]"));
	expect(guest_tool(&run, "ring --help") == 0 && strstr(run.out, "[--json]"));
	expect(guest_tool(&run, "help demo") == 0 && !strstr(run.out, "--json"));
}

VMTEST_MAIN()
