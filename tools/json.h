/* SPDX-License-Identifier: MIT */
/*
 * The kshm tool's --json output (tools/json.c): a writer of one JSON value,
 * written out as it goes, on one line, ended by a newline.
 *
 *	struct json json;
 *
 *	json_start(&json, stdout);
 *	json_object_begin(&json, NULL);			top level: no key
 *	json_uint(&json, "page_size", 4096);
 *	json_object_begin(&json, "limits");		{"page_size":4096,"limits":{
 *	...
 *	json_object_end(&json);
 *	json_object_end(&json);				}}\n
 *
 * Inside an object every value takes its key; inside an array, and at the top
 * level, the key is NULL. Strings are escaped as RFC 8259 wants, and bytes
 * that are not UTF-8 become U+FFFD, so the output is always valid JSON in
 * UTF-8. Nesting deeper than JSON_MAX_DEPTH is a bug of the caller's: it is
 * written anyway, only its commas may be wrong.
 */
#ifndef KSHM_TOOLS_JSON_H
#define KSHM_TOOLS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *out;
	unsigned int depth;
	bool has_member[JSON_MAX_DEPTH + 1];	/* a value written at this depth already */
};

void json_start(struct json *json, FILE *out);

void json_object_begin(struct json *json, const char *key);
void json_object_end(struct json *json);
void json_array_begin(struct json *json, const char *key);
void json_array_end(struct json *json);

void json_uint(struct json *json, const char *key, uint64_t value);
void json_string(struct json *json, const char *key, const char *value);
void json_bool(struct json *json, const char *key, bool value);
/* With a fixed number of decimals; null when the value is not finite. */
void json_double(struct json *json, const char *key, double value, int decimals);

#endif /* KSHM_TOOLS_JSON_H */
