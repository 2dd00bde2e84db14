// SPDX-License-Identifier: MIT
/*
 * kshm: look at the kshm driver and watch memory being shared both ways.
 * Everything goes through libkshm; the local page-span math is core's, the
 * same code the drivers use.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <kshm.h>
#include "../core/span.h"
#include "compat.h"
#include "json.h"
#include "report.h"
#include "ring.h"
#include "size.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *device_path = COMPAT_DEVICE_PATH;
static bool json_output;	/* --json before the command */

/* ---- text ---- */

static void format_hex(const uint8_t *bytes, size_t count, char *out, size_t size)
{
	size_t used = 0;
	size_t i;

	out[0] = '\0';
	for (i = 0; i < count && used + 3 < size; i++)
		used += (size_t)snprintf(out + used, size - used, i ? " %02x" : "%02x", bytes[i]);
}

static void print_counters(const struct kshm_version *version, const char *separator,
			   const char *end)
{
	printf("regions_live %" PRIu64 "%sbytes_allocated %" PRIu64 "%sbytes_pinned %" PRIu64 "%s",
	       (uint64_t)version->regions_live, separator,
	       (uint64_t)version->bytes_allocated, separator,
	       (uint64_t)version->bytes_pinned, end);
}

static void counters_json(struct json *json, const struct kshm_version *version)
{
	json_uint(json, "regions_live", version->regions_live);
	json_uint(json, "bytes_allocated", version->bytes_allocated);
	json_uint(json, "bytes_pinned", version->bytes_pinned);
}

/* The arguments of a command that takes --json alone; returns an exit status. */
static int parse_json_only(int argc, char **argv, bool *json)
{
	int i;

	*json = json_output;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json"))
			return usage_error("%s: unexpected '%s' (it takes only --json)", argv[0],
					   argv[i]);
		*json = true;
	}
	return 0;
}

static bool counters_equal(const struct kshm_version *a, const struct kshm_version *b)
{
	return a->regions_live == b->regions_live &&
	       a->bytes_allocated == b->bytes_allocated &&
	       a->bytes_pinned == b->bytes_pinned;
}

/* ---- page layout ---- */

/* The layout computed here with core's span math, to set beside the driver's. */
static bool local_layout(uint64_t addr, uint64_t length, uint32_t page_size,
			 struct kshm_layout *layout)
{
	if (!page_size || (page_size & (page_size - 1)))
		return false;
	return kshm_span_compute(addr, length, (unsigned int)__builtin_ctz(page_size),
				 layout) == KSHM_OK;
}

/* Whole pages the driver charges to a quota for [addr, +length). */
static uint64_t charged_bytes(uint64_t addr, uint64_t length, uint32_t page_size)
{
	struct kshm_layout layout;

	if (!local_layout(addr, length, page_size, &layout))
		return length;
	return (uint64_t)layout.span_pages * page_size;
}

static bool layouts_equal(const struct kshm_layout *a, const struct kshm_layout *b)
{
	return a->start_va == b->start_va && a->byte_offset == b->byte_offset &&
	       a->byte_count == b->byte_count && a->span_pages == b->span_pages &&
	       a->page_size == b->page_size;
}

/* ---- kshm info, kshm stat ---- */

static void print_bytes(const char *label, uint64_t bytes)
{
	printf("%-24s%" PRIu64 " (%s)\n", label, bytes, human_size(bytes).text);
}

/* info --json: the members of its object. */
static void info_json(struct json *json, const struct kshm_version *version)
{
	json_string(json, "device", device_path);
	json_uint(json, "abi_version", version->abi_version);
	json_uint(json, "tool_abi_version", KSHM_ABI_VERSION);
	json_uint(json, "page_size", version->page_size);
	json_object_begin(json, "limits");
	json_uint(json, "max_region_bytes", version->max_region_bytes);
	json_uint(json, "max_regions_per_file", version->max_regions_per_file);
	json_uint(json, "max_allocated_bytes", version->max_allocated_bytes);
	json_uint(json, "max_pinned_bytes", version->max_pinned_bytes);
	json_object_end(json);
	json_object_begin(json, "counters");
	counters_json(json, version);
	json_object_end(json);
}

static void info_text(const struct kshm_version *version)
{
	printf("%-24s%s\n", "device", device_path);
	printf("%-24s%u (this tool: %u)\n", "abi version", version->abi_version, KSHM_ABI_VERSION);
	print_bytes("page size", version->page_size);
	printf("limits\n");
	print_bytes("  max_region_bytes", version->max_region_bytes);
	printf("%-24s%u\n", "  max_regions_per_file", version->max_regions_per_file);
	print_bytes("  max_allocated_bytes", version->max_allocated_bytes);
	print_bytes("  max_pinned_bytes", version->max_pinned_bytes);
	printf("counters (driver-wide)\n");
	printf("%-24s%" PRIu64 "\n", "  regions_live", (uint64_t)version->regions_live);
	print_bytes("  bytes_allocated", version->bytes_allocated);
	print_bytes("  bytes_pinned", version->bytes_pinned);
}

static void stat_text(const struct kshm_version *version)
{
	print_counters(version, "\n", "\n");
}

/* info and stat: --json alone for arguments, then the driver's version shown one way or the other. */
static int show_version(int argc, char **argv, void (*text)(const struct kshm_version *),
			void (*members)(struct json *, const struct kshm_version *))
{
	struct kshm_version version;
	struct kshm *kshm;
	struct json json;
	bool as_json;
	int status;

	status = parse_json_only(argc, argv, &as_json);
	if (status)
		return status;
	status = open_device(device_path, &kshm, &version);
	if (status)
		return status;
	kshm_close(kshm);
	if (!as_json) {
		text(&version);
		return 0;
	}
	json_start(&json, stdout);
	json_object_begin(&json, NULL);
	members(&json, &version);
	json_object_end(&json);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	return show_version(argc, argv, info_text, info_json);
}

static int cmd_stat(int argc, char **argv)
{
	return show_version(argc, argv, stat_text, counters_json);
}

/* ---- kshm demo ---- */

#define DEMO_REGION_BYTES	(64 * 1024)
#define DEMO_BUFFER_OFFSET	0x10
#define DEMO_BUFFER_EXTRA	100	/* bytes past 3 whole pages: the last page is partial */
#define DEMO_USER_SEED		0x75736572ULL	/* "user" */
#define DEMO_KERNEL_SEED	0x6b65726eULL	/* "kern" */
#define DEMO_HEX_BYTES		16

struct demo {
	struct kshm *kshm;
	struct kshm_version start;	/* page size, limits and counters before the demo */
	char failure[320];		/* the first step that went wrong */
};

/* Show a failed step; the first one is what the last line names. */
static void demo_fail(struct demo *demo, const char *fmt, ...) COMPAT_PRINTF(2, 3);
static void demo_fail(struct demo *demo, const char *fmt, ...)
{
	char message[320];
	va_list args;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	print_error("demo: %s", message);
	if (!demo->failure[0])
		snprintf(demo->failure, sizeof(demo->failure), "%s", message);
}

static void demo_request_failed(struct demo *demo, enum request_kind kind, uint64_t charged,
				const char *what, int err)
{
	char message[320];

	describe_failure(message, sizeof(message), demo->kshm, kind, charged, what, err);
	demo_fail(demo, "%s", message);
}

/* The driver's layout of a region, checked against the one computed here for addr. */
static bool demo_show_layout(struct demo *demo, struct kshm_region *region, uint64_t addr,
			     const char *label, struct kshm_layout *layout)
{
	struct kshm_layout expected;
	char what[64];
	int err;

	snprintf(what, sizeof(what), "%s: region layout", label);
	err = kshm_region_layout(region, layout);
	if (err) {
		demo_request_failed(demo, REQ_OTHER, 0, what, err);
		return false;
	}
	printf("  layout       start_va 0x%" PRIx64 ", byte_offset 0x%x, byte_count %" PRIu64
	       ", span_pages %u\n", (uint64_t)layout->start_va, layout->byte_offset,
	       (uint64_t)layout->byte_count, layout->span_pages);
	if (!local_layout(addr, kshm_region_length(region), demo->start.page_size, &expected) ||
	    !layouts_equal(layout, &expected)) {
		demo_fail(demo, "%s: the driver's layout differs from the one computed here", label);
		return false;
	}
	return true;
}

/* Fresh kernel pages must not carry anything the kernel held before. */
static void demo_check_zeroed(struct demo *demo, struct kshm_region *region)
{
	const uint8_t *data = kshm_region_data(region);
	size_t length = (size_t)kshm_region_length(region);
	size_t i;

	for (i = 0; i < length && !data[i]; i++)
		;
	if (i < length) {
		printf("  fresh pages  byte %zu is %#x: NOT ZEROED\n", i, data[i]);
		demo_fail(demo, "A: fresh region not zeroed at byte %zu", i);
		return;
	}
	printf("  fresh pages  all %zu bytes zero\n", length);
}

/* The process writes; the kernel's checksum must equal the process's own. */
static void demo_user_writes(struct demo *demo, struct kshm_region *region, const char *label)
{
	uint8_t *data = kshm_region_data(region);
	size_t length = (size_t)kshm_region_length(region);
	uint64_t kernel_sum, user_sum;
	char message[64], what[64];
	size_t message_len;
	int err;

	message_len = (size_t)snprintf(message, sizeof(message), "hello from pid %d, direction %s",
				       (int)getpid(), label);
	memcpy(data, message, message_len);
	kshm_pattern_fill(data + message_len, length - message_len, DEMO_USER_SEED, 0);
	printf("  user wrote   \"%s\" + pattern of seed %#llx, %zu bytes in all\n",
	       message, DEMO_USER_SEED, length);

	snprintf(what, sizeof(what), "%s: kernel checksum", label);
	err = kshm_region_checksum(region, 0, length, &kernel_sum);
	if (err) {
		demo_request_failed(demo, REQ_OTHER, 0, what, err);
		return;
	}
	user_sum = kshm_checksum(data, length);
	printf("  checksum     kernel %#018" PRIx64 ", user %#018" PRIx64 ": %s\n",
	       kernel_sum, user_sum, kernel_sum == user_sum ? "match" : "MISMATCH");
	if (kernel_sum != user_sum)
		demo_fail(demo, "%s: the kernel's checksum differs from the process's", label);
}

/* The kernel fills; the process must see exactly the pattern of the kernel's seed. */
static void demo_kernel_fills(struct demo *demo, struct kshm_region *region, const char *label)
{
	const uint8_t *data = kshm_region_data(region);
	size_t length = (size_t)kshm_region_length(region);
	char what[64], hex[DEMO_HEX_BYTES * 3 + 1];
	size_t good;
	int err;

	snprintf(what, sizeof(what), "%s: kernel fill", label);
	err = kshm_region_fill(region, 0, length, DEMO_KERNEL_SEED);
	if (err) {
		demo_request_failed(demo, REQ_OTHER, 0, what, err);
		return;
	}
	good = kshm_pattern_check(data, length, DEMO_KERNEL_SEED, 0);
	format_hex(data, length < DEMO_HEX_BYTES ? length : DEMO_HEX_BYTES, hex, sizeof(hex));
	printf("  kernel fill  seed %#llx; user sees %s ...: ", DEMO_KERNEL_SEED, hex);
	if (good == length) {
		printf("verified (%zu bytes)\n", length);
		return;
	}
	printf("MISMATCH at byte %zu\n", good);
	demo_fail(demo, "%s: byte %zu is not what the kernel wrote", label, good);
}

/* Direction A: pages the kernel allocated, mapped into this process. */
static struct kshm_region *demo_kernel_pages(struct demo *demo)
{
	uint32_t page_size = demo->start.page_size;
	struct kshm_region *region;
	struct kshm_layout layout;
	int err;

	printf("\nA: kernel pages mapped into this process\n");
	err = kshm_region_create(demo->kshm, DEMO_REGION_BYTES, 0, &region);
	if (err) {
		demo_request_failed(demo, REQ_CREATE, charged_bytes(0, DEMO_REGION_BYTES, page_size),
				    "A: create a 64 KiB region", err);
		return NULL;
	}
	printf("  region       id %u, %s asked, mapped at %p\n", kshm_region_id(region),
	       human_size(kshm_region_length(region)).text, kshm_region_data(region));
	if (demo_show_layout(demo, region, 0, "A", &layout))
		printf("  mapped       %s (%u whole pages)\n",
		       human_size((uint64_t)layout.span_pages * layout.page_size).text,
		       layout.span_pages);
	demo_check_zeroed(demo, region);
	demo_user_writes(demo, region, "A");
	demo_kernel_fills(demo, region, "A");
	return region;
}

/* Direction B: this process's unaligned buffer, locked and mapped by the kernel. */
static struct kshm_region *demo_user_buffer(struct demo *demo, void **allocation)
{
	uint32_t page_size = demo->start.page_size;
	uint64_t length = 3ULL * page_size + DEMO_BUFFER_EXTRA;
	size_t alloc_bytes = (size_t)charged_bytes(0, DEMO_BUFFER_OFFSET + length, page_size);
	struct kshm_region *region;
	struct kshm_layout layout;
	uint8_t *buf;
	int err;

	printf("\nB: process buffer attached into the kernel\n");
	err = compat_aligned_alloc(allocation, page_size, alloc_bytes);
	if (err) {
		*allocation = NULL;
		demo_fail(demo, "B: allocate %zu bytes: %s", alloc_bytes, strerror(err));
		return NULL;
	}
	buf = (uint8_t *)*allocation + DEMO_BUFFER_OFFSET;
	err = kshm_buffer_attach(demo->kshm, buf, length, KSHM_ATTACH_KERNEL_WRITE, &region);
	if (err) {
		demo_request_failed(demo, REQ_ATTACH,
				    charged_bytes((uintptr_t)buf, length, page_size),
				    "B: attach the buffer", err);
		return NULL;
	}
	printf("  region       id %u, buffer %p (0x%x into a page), %" PRIu64
	       " bytes = 3 pages + %d, kernel may write\n", kshm_region_id(region), (void *)buf,
	       DEMO_BUFFER_OFFSET, length, DEMO_BUFFER_EXTRA);
	demo_show_layout(demo, region, (uintptr_t)buf, "B", &layout);
	demo_user_writes(demo, region, "B");
	demo_kernel_fills(demo, region, "B");
	return region;
}

static void demo_destroy(struct demo *demo, struct kshm_region *region, const char *label)
{
	char what[64];
	int err;

	if (!region)
		return;
	snprintf(what, sizeof(what), "%s: destroy region %u", label, kshm_region_id(region));
	err = kshm_region_destroy(region);
	if (err)
		demo_request_failed(demo, REQ_OTHER, 0, what, err);
}

/* Counters are driver-wide: "back to zero" means back to what they were before. */
static void demo_check_counters(struct demo *demo, const char *label, bool expect_start)
{
	struct kshm_version now;
	int err;

	err = kshm_query_version(demo->kshm, &now);
	if (err) {
		demo_request_failed(demo, REQ_OTHER, 0, "query counters", err);
		return;
	}
	printf("%-26s", label);
	print_counters(&now, ", ", "");
	if (!expect_start) {
		printf("\n");
		return;
	}
	if (counters_equal(&now, &demo->start)) {
		printf(": back to start\n");
		return;
	}
	printf(": NOT back to start\n");
	demo_fail(demo, "counters did not return to their values before the demo");
}

static int cmd_demo(int argc, char **argv)
{
	struct kshm_region *pages, *attached;
	struct demo demo = { 0 };
	void *allocation = NULL;
	int status;

	(void)argv;
	if (argc > 1)
		return usage_error("demo takes no arguments");
	status = open_device(device_path, &demo.kshm, &demo.start);
	if (status) {
		printf("demo: FAILED (cannot open %s)\n", device_path);
		return status;
	}
	printf("kshm demo on %s: ABI %u, page size %u\n", device_path, demo.start.abi_version,
	       demo.start.page_size);
	printf("%-26s", "counters at start");
	print_counters(&demo.start, ", ", "\n");

	pages = demo_kernel_pages(&demo);
	attached = demo_user_buffer(&demo, &allocation);

	printf("\n");
	demo_check_counters(&demo, "counters with regions", false);
	demo_destroy(&demo, pages, "A");
	/* The kernel must let go of the buffer before the process frees it. */
	demo_destroy(&demo, attached, "B");
	compat_aligned_free(allocation);
	demo_check_counters(&demo, "counters after destroy", true);
	kshm_close(demo.kshm);

	if (demo.failure[0]) {
		printf("demo: FAILED (%s)\n", demo.failure);
		return EXIT_FAILURE;
	}
	printf("demo: OK\n");
	return 0;
}

/* ---- kshm layout ---- */

static void print_layout_row(const char *field, const char *format, uint64_t kernel,
			     uint64_t local)
{
	char kernel_text[32], local_text[32];

	snprintf(kernel_text, sizeof(kernel_text), format, kernel);
	snprintf(local_text, sizeof(local_text), format, local);
	printf("%-12s%-22s%s\n", field, kernel_text, local_text);
}

static void print_layout_table(const struct kshm_layout *kernel, const struct kshm_layout *local)
{
	printf("%-12s%-22s%s\n", "", "kernel (MDL)", "computed here");
	print_layout_row("StartVa", "0x%" PRIx64, kernel->start_va, local->start_va);
	print_layout_row("ByteOffset", "0x%" PRIx64, kernel->byte_offset, local->byte_offset);
	print_layout_row("ByteCount", "%" PRIu64, kernel->byte_count, local->byte_count);
	print_layout_row("SpanPages", "%" PRIu64, kernel->span_pages, local->span_pages);
	print_layout_row("PageSize", "%" PRIu64, kernel->page_size, local->page_size);
}

static void layout_json(struct json *json, const char *key, const struct kshm_layout *layout)
{
	json_object_begin(json, key);
	json_uint(json, "start_va", layout->start_va);
	json_uint(json, "byte_offset", layout->byte_offset);
	json_uint(json, "byte_count", layout->byte_count);
	json_uint(json, "span_pages", layout->span_pages);
	json_uint(json, "page_size", layout->page_size);
	json_object_end(json);
}

struct layout_args {
	uint64_t size;
	uint64_t offset;
	bool json;
};

static int parse_layout_args(int argc, char **argv, struct layout_args *args)
{
	static const struct option options[] = {
		{ "size", required_argument, NULL, 's' },
		{ "offset", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_size = false;
	int opt;

	args->json = json_output;
	optind = 0;	/* glibc: start over on the command's own arguments */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (parse_size(optarg, &args->size))
				return usage_error("layout: bad --size '%s' (bytes, K, M or G)", optarg);
			have_size = true;
			break;
		case 'o':
			if (parse_size(optarg, &args->offset))
				return usage_error("layout: bad --offset '%s' (bytes, K, M or G)", optarg);
			break;
		case 'j':
			args->json = true;
			break;
		case ':':
			return usage_error("layout: %s needs a value", argv[optind - 1]);
		default:
			return usage_error("layout: bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("layout: unexpected '%s'", argv[optind]);
	if (!have_size || !args->size)
		return usage_error("layout: --size N (at least 1 byte) is required");
	return 0;
}

/* Attach buf + offset of size bytes, show the driver's layout beside our own. */
static int show_buffer_layout(struct kshm *kshm, const struct kshm_version *version,
			      uint8_t *buf, const struct layout_args *args)
{
	struct kshm_layout kernel, local;
	struct kshm_region *region;
	bool same;
	int err;

	err = kshm_buffer_attach(kshm, buf + args->offset, args->size, 0, &region);
	if (err)
		return report(kshm, REQ_ATTACH,
			      charged_bytes((uintptr_t)buf + args->offset, args->size,
					    version->page_size),
			      "attach the buffer", err);
	err = kshm_region_layout(region, &kernel);
	kshm_region_destroy(region);
	if (err)
		return report(kshm, REQ_OTHER, 0, "region layout", err);
	if (!local_layout((uintptr_t)buf + args->offset, args->size, version->page_size, &local)) {
		print_error("cannot compute the layout for page size %u", version->page_size);
		return EXIT_FAILURE;
	}

	same = layouts_equal(&kernel, &local);
	if (args->json) {
		struct json json;

		json_start(&json, stdout);
		json_object_begin(&json, NULL);
		json_uint(&json, "size", args->size);
		json_uint(&json, "offset", args->offset);
		json_uint(&json, "address", (uintptr_t)buf + args->offset);
		layout_json(&json, "kernel", &kernel);
		layout_json(&json, "computed", &local);
		json_bool(&json, "match", same);
		json_object_end(&json);
		return same ? 0 : EXIT_FAILURE;
	}
	printf("buffer      %p + 0x%" PRIx64 " = %p, %" PRIu64 " bytes (%s)\n", (void *)buf,
	       args->offset, (void *)(buf + args->offset), args->size,
	       human_size(args->size).text);
	print_layout_table(&kernel, &local);
	printf("layout: %s\n", same ? "match" : "MISMATCH");
	return same ? 0 : EXIT_FAILURE;
}

static int cmd_layout(int argc, char **argv)
{
	struct layout_args args = { 0 };
	struct kshm_version version;
	struct kshm *kshm;
	uint64_t alloc_bytes;
	void *buf;
	int status;

	status = parse_layout_args(argc, argv, &args);
	if (status)
		return status;
	status = open_device(device_path, &kshm, &version);
	if (status)
		return status;
	/* Refuse here what the driver would refuse, before allocating it. */
	if (args.size > version.max_region_bytes) {
		status = report(kshm, REQ_ATTACH, 0, "attach the buffer", -EFBIG);
		goto out;
	}
	alloc_bytes = args.size <= SIZE_MAX && args.offset <= SIZE_MAX - args.size ?
		      charged_bytes(0, args.offset + args.size, version.page_size) : 0;
	if (!alloc_bytes || alloc_bytes > SIZE_MAX ||
	    compat_aligned_alloc(&buf, version.page_size, (size_t)alloc_bytes)) {
		print_error("cannot allocate %" PRIu64 " + %" PRIu64 " bytes", args.offset, args.size);
		status = EXIT_FAILURE;
		goto out;
	}
	/* Write every page first: a read-only pin of never-written memory could take the zero page. */
	memset(buf, 0, (size_t)alloc_bytes);
	status = show_buffer_layout(kshm, &version, buf, &args);
	compat_aligned_free(buf);
out:
	kshm_close(kshm);
	return status;
}

/* ---- main ---- */

static int cmd_ring(int argc, char **argv)
{
	return kshm_ring_command(device_path, json_output, argc, argv);
}

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;	/* the arguments, after the name */
	const char *help;	/* what it does; lines after the first are indented */
	bool json;		/* takes --json: one JSON object on stdout instead */
} commands[] = {
	{ "info", cmd_info, "[--json]",
	  "ABI version, page size, limits and live counters", true },
	{ "stat", cmd_stat, "[--json]",
	  "live counters only, one \"name value\" per line", true },
	{ "demo", cmd_demo, "",
	  "share memory both ways and check every byte;\n"
	  "last line \"demo: OK\" or \"demo: FAILED (...)\"", false },
	{ "layout", cmd_layout, "--size N [--offset K] [--json]",
	  "attach N bytes at offset K of a page-aligned buffer\n"
	  "and show its page layout as an MDL holds it", true },
	{ "ring", cmd_ring, "[--count N] [--size S] [--ring BYTES] [--json]",
	  "channel throughput both ways against one system call\n"
	  "per message, as ratios measured side by side", true },
	{ "help", cmd_help, "[COMMAND]",
	  "this text, or one command's", false },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	}
	return NULL;
}

/* The help text, its continuation lines indented to column 31. */
static void print_help_text(FILE *out, const char *text, int indent)
{
	for (; *text; text++) {
		fputc(*text, out);
		if (*text == '\n')
			fprintf(out, "%*s", indent, "");
	}
	fputc('\n', out);
}

static void print_command_usage(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: kshm [--device PATH] %s%s%s\n\n", cmd->name,
		*cmd->synopsis ? " " : "", cmd->synopsis);
	print_help_text(out, cmd->help, 0);
}

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: kshm [--device PATH] [--json] COMMAND [ARGS]\n"
		"\n"
		"Zero-copy memory shared between the kshm driver and a process.\n"
		"\n"
		"commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		char head[64];

		snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].synopsis);
		if (strlen(head) > 28)
			fprintf(out, "  %s\n%31s", head, "");
		else
			fprintf(out, "  %-29s", head);
		print_help_text(out, commands[i].help, 31);
	}
	fprintf(out,
		"\n"
		"options:\n"
		"  --device PATH   the kshm device (default %s)\n"
		"  --json          one JSON object on stdout (info, stat, layout, ring)\n"
		"  -h, --help      this text; 'kshm help COMMAND' or 'kshm COMMAND --help'\n"
		"                  for one command\n"
		"  -V, --version   the tool's version and the ABI version it speaks\n"
		"\n"
		"Sizes are bytes, decimal or 0x hex, with an optional K, M or G suffix\n"
		"(KiB, MiB, GiB). Exit status: 0 success, 1 failure, 2 usage error.\n",
		device_path);
}

static int cmd_help(int argc, char **argv)
{
	const struct command *cmd;

	if (argc > 2)
		return usage_error("help takes at most one command");
	if (argc < 2) {
		print_usage(stdout);
		return 0;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return usage_error("help: unknown command '%s'", argv[1]);
	print_command_usage(stdout, cmd);
	return 0;
}

/* One of the options among a command's arguments, before any "--". */
static bool has_option(int argc, char **argv, const char *option, const char *alias)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], option) || (alias && !strcmp(argv[i], alias)))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd;
	int opt;

	opterr = 0;
	/* "+": stop at the command; its options are its own. */
	while ((opt = getopt_long(argc, argv, "+:hV", options, NULL)) != -1) {
		if (opt == 'd') {
			device_path = optarg;
		} else if (opt == 'j') {
			json_output = true;
		} else if (opt == 'h') {
			print_usage(stdout);
			return 0;
		} else if (opt == 'V') {
			printf("kshm %s (kshm ABI %u)\n", KSHM_VERSION_STRING, KSHM_ABI_VERSION);
			return 0;
		}
		else if (opt == ':')
			return usage_error("%s needs a value", argv[optind - 1]);
		else
			return usage_error("bad option '%s'", argv[optind - 1]);
	}
	if (optind == argc)
		return usage_error("no command given");
	cmd = find_command(argv[optind]);
	if (!cmd)
		return usage_error("unknown command '%s'", argv[optind]);
	/* COMMAND --help / -h: that command's help. */
	if (has_option(argc - optind, argv + optind, "--help", "-h")) {
		print_command_usage(stdout, cmd);
		return 0;
	}
	if (!cmd->json && (json_output || has_option(argc - optind, argv + optind, "--json", NULL)))
		return usage_error("%s has no --json output", cmd->name);
	return cmd->run(argc - optind, argv + optind);
}
