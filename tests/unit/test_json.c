// SPDX-License-Identifier: MIT
/* The kshm tool's JSON writer (tools/json.c): commas, nesting, escaping, numbers. */
#include "unit.h"

#include <math.h>
#include <stdio.h>

#include "tools/json.h"

struct capture {
	char *text;
	size_t size;
	FILE *out;
	struct json json;
};

static void capture_start(struct capture *c)
{
	c->text = NULL;
	c->out = open_memstream(&c->text, &c->size);
	assert_non_null(c->out);
	json_start(&c->json, c->out);
}

static void capture_expect(struct capture *c, const char *want)
{
	assert_int_equal(fclose(c->out), 0);
	assert_string_equal(c->text, want);
	free(c->text);
}

static void test_object_members_and_nesting(void **state)
{
	struct capture c;

	(void)state;
	capture_start(&c);
	json_object_begin(&c.json, NULL);
	json_string(&c.json, "device", "/dev/kshm");
	json_uint(&c.json, "page_size", 4096);
	json_object_begin(&c.json, "limits");
	json_uint(&c.json, "max", UINT64_MAX);
	json_uint(&c.json, "zero", 0);
	json_object_end(&c.json);
	json_object_begin(&c.json, "empty");
	json_object_end(&c.json);
	json_array_begin(&c.json, "list");
	json_uint(&c.json, NULL, 1);
	json_bool(&c.json, NULL, true);
	json_object_begin(&c.json, NULL);
	json_bool(&c.json, "no", false);
	json_object_end(&c.json);
	json_array_begin(&c.json, NULL);
	json_array_end(&c.json);
	json_array_end(&c.json);
	json_bool(&c.json, "match", true);
	json_object_end(&c.json);
	capture_expect(&c, "{\"device\":\"/dev/kshm\",\"page_size\":4096,"
			   "\"limits\":{\"max\":18446744073709551615,\"zero\":0},\"empty\":{},"
			   "\"list\":[1,true,{\"no\":false},[]],\"match\":true}\n");
}

static void test_string_escapes(void **state)
{
	struct capture c;

	(void)state;
	capture_start(&c);
	json_object_begin(&c.json, NULL);
	json_string(&c.json, "quote\"key", "a\"b\\c/d");
	json_string(&c.json, "controls", "\n\r\t\b\f\x01\x1f\x7f");
	json_string(&c.json, "windows", "\\\\.\\kshm");
	json_string(&c.json, "empty", "");
	json_object_end(&c.json);
	capture_expect(&c, "{\"quote\\\"key\":\"a\\\"b\\\\c/d\","
			   "\"controls\":\"\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\","
			   "\"windows\":\"\\\\\\\\.\\\\kshm\",\"empty\":\"\"}\n");
}

/* Valid UTF-8 passes as it is; anything else becomes U+FFFD, byte by byte. */
static void test_utf8(void **state)
{
	struct capture c;

	(void)state;
	capture_start(&c);
	json_array_begin(&c.json, NULL);
	json_string(&c.json, NULL, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	json_string(&c.json, NULL, "\xff");			/* never a UTF-8 byte */
	json_string(&c.json, NULL, "\xc3");			/* cut short by the end */
	json_string(&c.json, NULL, "\xc3(");			/* not a continuation */
	json_string(&c.json, NULL, "\xc0\xaf");			/* overlong "/" */
	json_string(&c.json, NULL, "\xed\xa0\x80");		/* a surrogate */
	json_string(&c.json, NULL, "\xf4\x90\x80\x80");		/* over U+10FFFF */
	json_array_end(&c.json);
	capture_expect(&c, "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"\\ufffd\","
			   "\"\\ufffd\",\"\\ufffd(\",\"\\ufffd\\ufffd\","
			   "\"\\ufffd\\ufffd\\ufffd\",\"\\ufffd\\ufffd\\ufffd\\ufffd\"]\n");
}

static void test_doubles(void **state)
{
	struct capture c;

	(void)state;
	capture_start(&c);
	json_object_begin(&c.json, NULL);
	json_double(&c.json, "ratio", 3.14159, 3);
	json_double(&c.json, "rate", 1234567.5, 0);
	json_double(&c.json, "inf", INFINITY, 0);
	json_double(&c.json, "nan", NAN, 2);
	json_object_end(&c.json);
	capture_expect(&c, "{\"ratio\":3.142,\"rate\":1234568,\"inf\":null,\"nan\":null}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_members_and_nesting),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_doubles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
