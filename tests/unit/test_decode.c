/* test_decode.c - decoding request bodies into JSON with named errors. */
#include "suites.h"

#include "http/http.h"

#include <string.h>

static int decode(const char *body, size_t len, struct verr *err)
{
	json_t *v = NULL;
	int rc = http_decode_json(body, len, &v, err);

	json_decref(v);
	return rc;
}

#define DEC(lit, err) decode(lit, sizeof(lit) - 1, err)

START_TEST(good_and_empty)
{
	struct verr err;

	ck_assert_int_eq(DEC("{\"a\":1}", &err), ST_OK);
	ck_assert_int_eq(DEC("", &err), ST_INVALID);
	ck_assert_str_eq(err.field, "body");
	ck_assert_int_eq(DEC("[1,2]", &err), ST_INVALID);
	ck_assert(strstr(err.reason, "object") != NULL);
	ck_assert_int_eq(DEC("42", &err), ST_INVALID);
}
END_TEST

START_TEST(syntax_names_field)
{
	struct verr err;

	ck_assert_int_eq(DEC("{\"name\":\"x\", \"lat\": 5O}", &err), ST_INVALID);
	ck_assert_str_eq(err.field, "lat");
	ck_assert(strstr(err.reason, "line 1") != NULL);
	ck_assert_int_eq(DEC("{\"a\":{\"b\": tru}}", &err), ST_INVALID);
	ck_assert_str_eq(err.field, "b");
	ck_assert_int_eq(DEC("{\"a\":1,", &err), ST_INVALID);
	ck_assert_int_eq(DEC("{\"a\":1}{}", &err), ST_INVALID);
	ck_assert_int_eq(DEC("{\"a\":1,\"a\":2}", &err), ST_INVALID);
	ck_assert(strstr(err.reason, "duplicate") != NULL);
	ck_assert_int_eq(DEC("{\"a\":\"x\\u0000y\"}", &err), ST_INVALID);
}
END_TEST

START_TEST(invalid_utf8_names_field)
{
	struct verr err;

	ck_assert_int_eq(DEC("{\"name\":\"ok\",\"notes\":\"bad \xC3\x28 byte\"}", &err), ST_INVALID);
	ck_assert_str_eq(err.field, "notes");
	ck_assert(strstr(err.reason, "UTF-8") != NULL);
	ck_assert_int_eq(DEC("{\"lines\":[{\"serial\":\"a\"},{\"serial\":\"\xFF\"}]}", &err),
			 ST_INVALID);
	ck_assert_str_eq(err.field, "lines[1].serial");
	ck_assert_int_eq(DEC("{\"k\xFE\":1}", &err), ST_INVALID);
	ck_assert(strstr(err.reason, "UTF-8") != NULL);
	/* The marker character itself in the body must not confuse the search. */
	ck_assert_int_eq(DEC("{\"a\":\"\xEF\xBF\xBF\",\"b\":\"\xFF\"}", &err), ST_INVALID);
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
	static char body[40000];
	struct verr err;
	size_t n = 0;

	body[n++] = '{';
	body[n++] = '"';
	body[n++] = 'a';
	body[n++] = '"';
	body[n++] = ':';
	for (int i = 0; i < 10000; i++)
		body[n++] = '[';
	ck_assert_int_eq(decode(body, n, &err), ST_INVALID);
}
END_TEST

Suite *suite_decode(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, good_and_empty);
	tcase_add_test(tc, syntax_names_field);
	tcase_add_test(tc, invalid_utf8_names_field);
	tcase_add_test(tc, deep_nesting_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
