// SPDX-License-Identifier: MIT
/* The kshm tool's --json output: one JSON value, written as it goes (json.h). */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>

#include "json.h"

void json_start(struct json *json, FILE *out)
{
	unsigned int i;

	json->out = out;
	json->depth = 0;
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		json->has_member[i] = false;
}

/* Length of the UTF-8 sequence at s (1 to 4), 0 when it is not valid UTF-8. */
static size_t utf8_sequence(const unsigned char *s)
{
	uint32_t code;
	size_t length, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		length = 2;
		code = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		length = 3;
		code = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		length = 4;
		code = s[0] & 0x07;
	} else {
		return 0;
	}
	/* The terminating NUL is no continuation byte: never reads past it. */
	for (i = 1; i < length; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		code = code << 6 | (s[i] & 0x3f);
	}
	if (length == 3 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff)))
		return 0;	/* overlong, or a surrogate */
	if (length == 4 && (code < 0x10000 || code > 0x10ffff))
		return 0;
	return length;
}

static void write_string(FILE *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	putc('"', out);
	while (*s) {
		size_t length = utf8_sequence(s);

		if (length > 1) {
			fwrite(s, 1, length, out);
			s += length;
			continue;
		}
		if (!length)
			fputs("\\ufffd", out);
		else if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '\r')
			fputs("\\r", out);
		else if (*s == '\t')
			fputs("\\t", out);
		else if (*s == '\b')
			fputs("\\b", out);
		else if (*s == '\f')
			fputs("\\f", out);
		else if (*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			putc(*s, out);
		s++;
	}
	putc('"', out);
}

/* The comma before a value and its key, as the place it goes in wants. */
static void begin_value(struct json *json, const char *key)
{
	unsigned int depth = json->depth < JSON_MAX_DEPTH ? json->depth : JSON_MAX_DEPTH;

	if (json->has_member[depth])
		putc(',', json->out);
	json->has_member[depth] = true;
	if (key) {
		write_string(json->out, key);
		putc(':', json->out);
	}
}

static void open_container(struct json *json, const char *key, char bracket)
{
	begin_value(json, key);
	putc(bracket, json->out);
	json->depth++;
	if (json->depth <= JSON_MAX_DEPTH)
		json->has_member[json->depth] = false;
}

static void close_container(struct json *json, char bracket)
{
	putc(bracket, json->out);
	if (json->depth)
		json->depth--;
	if (!json->depth) {
		putc('\n', json->out);
		fflush(json->out);
	}
}

void json_object_begin(struct json *json, const char *key)
{
	open_container(json, key, '{');
}

void json_object_end(struct json *json)
{
	close_container(json, '}');
}

void json_array_begin(struct json *json, const char *key)
{
	open_container(json, key, '[');
}

void json_array_end(struct json *json)
{
	close_container(json, ']');
}

void json_uint(struct json *json, const char *key, uint64_t value)
{
	begin_value(json, key);
	fprintf(json->out, "%" PRIu64, value);
}

void json_string(struct json *json, const char *key, const char *value)
{
	begin_value(json, key);
	write_string(json->out, value);
}

void json_bool(struct json *json, const char *key, bool value)
{
	begin_value(json, key);
	fputs(value ? "true" : "false", json->out);
}

void json_double(struct json *json, const char *key, double value, int decimals)
{
	begin_value(json, key);
	if (isfinite(value))
		fprintf(json->out, "%.*f", decimals, value);
	else
		fputs("null", json->out);
}
