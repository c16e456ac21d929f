/*
 * test_errors.c - every error path of the HTTP layer: malformed JSON and
 * fields, query parameters, unknown paths and methods, body and head size
 * limits, content types, conflicts and slow clients.  Each answer must be
 * application/problem+json naming the field at fault where there is one.
 */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(malformed_json)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");

	req(s, "POST", "/api/v1/nations", admin, "{\"iso3\":\"ZZA\",", &r);
	assert_problem(&r, 400, "bad-request", NULL);
	ck_assert_pstr_eq(jstr(r.json, "instance"), "/api/v1/nations");
	req(s, "POST", "/api/v1/nations", admin, "[1,2]", &r);
	assert_problem(&r, 400, "bad-request", "body");
	req(s, "POST", "/api/v1/nations", admin, "", &r);
	assert_problem(&r, 400, "bad-request", "body");
	req(s, "PATCH", "/api/v1/nations/DEU", admin, "{\"name\":\"A\",\"name\":\"B\"}", &r);
	assert_problem(&r, 400, "bad-request", NULL);
	req(s, "PATCH", "/api/v1/nations/DEU", admin, "{\"name\":\"A\"} trailing", &r);
	assert_problem(&r, 400, "bad-request", NULL);
	/* Nothing of that changed the record. */
	req(s, "GET", "/api/v1/nations/DEU", admin, NULL, &r);
	ck_assert_pstr_eq(jstr(r.json, "name"), "Germany");
	ck_assert_int_eq(jint(r.json, "version"), 1);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(invalid_fields)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");
	static const struct {
		const char *method, *path, *body, *field;
	} cases[] = {
		{"PATCH", "/api/v1/nations/DEU", "{\"name\":5}", "name"},
		{"PATCH", "/api/v1/nations/DEU", "{\"name\":\"\"}", "name"},
		{"PATCH", "/api/v1/nations/DEU", "{\"colour\":\"red\"}", "colour"},
		{"PATCH", "/api/v1/nations/DEU", "{\"status\":\"enemy\"}", "status"},
		{"PATCH", "/api/v1/nations/DEU", "{\"nato_since\":1800}", "nato_since"},
		{"PATCH", "/api/v1/nations/DEU", "{\"nato_since\":1955.5}", "nato_since"},
		{"PATCH", "/api/v1/nations/DEU", "{\"participates\":\"yes\"}", "participates"},
		{"PATCH", "/api/v1/nations/DEU", "{\"version\":7}", "version"},
		{"PATCH", "/api/v1/nations/DEU", "{\"iso3\":\"DEX\"}", "iso3"},
		{"PATCH", "/api/v1/nations/DEU", "{\"name\":null}", "name"},
		{"POST", "/api/v1/nations", "{\"iso3\":\"zz1\",\"name\":\"X\",\"status\":\"partner\"}", "iso3"},
		{"POST", "/api/v1/nations", "{\"iso3\":\"ZZA\",\"status\":\"partner\"}", "name"},
		{"POST", "/api/v1/sites",
		 "{\"code\":\"LN-NEW\",\"name\":\"N\",\"kind\":\"depot\",\"nation\":\"POL\","
		 "\"lat\":91,\"lon\":20}", "lat"},
		{"POST", "/api/v1/sites",
		 "{\"code\":\"LN-NEW\",\"name\":\"N\",\"kind\":\"depot\",\"nation\":\"POL\","
		 "\"lat\":50,\"lon\":-180.5}", "lon"},
		{"POST", "/api/v1/sites",
		 "{\"code\":\"LN-NEW\",\"name\":\"N\",\"kind\":\"depot\",\"nation\":\"ZZZ\","
		 "\"lat\":50,\"lon\":20}", "nation"},
		{"PATCH", "/api/v1/items/ART-155-M795", "{\"nsn\":\"1320-12-345\"}", "nsn"},
		{"PATCH", "/api/v1/items/ART-155-M795", "{\"unit_value_eur\":-1}", "unit_value_eur"},
		{"PATCH", "/api/v1/items/ART-155-M795", "{\"coalition\":\"NOPE\"}", "coalition"},
		{"PATCH", "/api/v1/users/planner", "{\"expires_on\":\"2026-02-30\"}", "expires_on"},
		{"PATCH", "/api/v1/users/planner", "{\"expires_on\":\"2026-13-01\"}", "expires_on"},
		{"PATCH", "/api/v1/users/planner", "{\"expires_on\":\"31.12.2026\"}", "expires_on"},
		{"PATCH", "/api/v1/users/planner", "{\"created_at\":\"2020-01-01T00:00:00.000Z\"}", "created_at"},
		{"PATCH", "/api/v1/users/planner", "{\"password_hash\":\"x\"}", "password_hash"},
		{"PATCH", "/api/v1/users/planner", "{\"nation\":\"DEU\"}", "nation"},
		{"PATCH", "/api/v1/users/node.rze", "{\"site\":\"TF-GRF\"}", "site"},
		{"PATCH", "/api/v1/users/officer.ukr", "{\"nation\":\"DEU\"}", "nation"},
		{"POST", "/api/v1/users",
		 "{\"username\":\"Bad Name\",\"password\":\"long-enough-pw\",\"role\":\"auditor\"}",
		 "username"},
		{"POST", "/api/v1/users",
		 "{\"username\":\"x.y\",\"password\":\"long-enough-pw\",\"role\":\"auditor\","
		 "\"expires_on\":\"2026-02-30\"}", "expires_on"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		req(s, cases[i].method, cases[i].path, admin, cases[i].body, &r);
		ck_assert_msg(r.status == 400, "case %zu %s: %ld %s", i, cases[i].body,
			      r.status, r.body);
		assert_problem(&r, 400, "invalid-field", cases[i].field);
	}
	req(s, "GET", "/api/v1/users/planner", admin, NULL, &r);
	ck_assert_int_eq(jint(r.json, "version"), 1);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(invalid_utf8)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");

	req(s, "PATCH", "/api/v1/nations/DEU", admin, "{\"name\":\"Germ\xff\xfe" "any\"}", &r);
	assert_problem(&r, 400, "bad-request", "name");
	ck_assert_msg(strstr(jstr(r.json, "detail"), "UTF-8") != NULL, "%s", r.body);
	req(s, "POST", "/api/v1/sites", admin,
	    "{\"code\":\"LN-NEW\",\"name\":\"N\",\"kind\":\"depot\",\"nation\":\"POL\","
	    "\"lat\":50,\"lon\":20,\"notes\":\"\xc3\x28\"}", &r);
	assert_problem(&r, 400, "bad-request", "notes");
	/* An overlong encoding of '/' and a lone surrogate are refused too. */
	req(s, "PATCH", "/api/v1/nations/DEU", admin, "{\"name\":\"\xc0\xaf\"}", &r);
	assert_problem(&r, 400, "bad-request", "name");
	req(s, "PATCH", "/api/v1/nations/DEU", admin, "{\"name\":\"\xed\xa0\x80\"}", &r);
	assert_problem(&r, 400, "bad-request", "name");
	/* In a query string filter. */
	req(s, "GET", "/api/v1/sites?kind=%FF", admin, NULL, &r);
	assert_problem(&r, 400, "bad-request", "kind");
	/* Valid multi-byte text is fine. */
	req(s, "PATCH", "/api/v1/nations/DEU", admin, "{\"name\":\"Deutschl\xc3\xa4nd\"}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_pstr_eq(jstr(r.json, "name"), "Deutschl\xc3\xa4nd");
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(bad_query)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");
	static const struct {
		const char *path, *field;
	} cases[] = {
		{"/api/v1/nations?limit=0", "limit"},
		{"/api/v1/nations?limit=501", "limit"},
		{"/api/v1/nations?limit=abc", "limit"},
		{"/api/v1/nations?limit=5x", "limit"},
		{"/api/v1/nations?limit=1&limit=2", "limit"},
		{"/api/v1/nations?colour=red", "colour"},
		{"/api/v1/nations?name=Germany", "name"},
		{"/api/v1/nations?status=enemy", "status"},
		{"/api/v1/nations?participates=maybe", "participates"},
		{"/api/v1/nations?cursor=!!!", "cursor"},
		{"/api/v1/nations?cursor=eHl6", "cursor"},
		{"/api/v1/sites?kind=castle", "kind"},
		{"/api/v1/audit?user=admin", "user"},
		{"/api/v1/audit?order=up", "order"},
		{"/api/v1/audit?cursor=bad", "cursor"},
		{"/api/v1/audit?limit=0", "limit"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		req(s, "GET", cases[i].path, admin, NULL, &r);
		ck_assert_msg(r.status == 400, "%s: %ld %s", cases[i].path, r.status, r.body);
		assert_problem(&r, 400, "bad-request", cases[i].field);
	}
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(paths_and_methods)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");

	req(s, "GET", "/nope", NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	ck_assert_str_eq(r.allow, "");
	req(s, "GET", "/api/v1/nations/ZZZ", admin, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v1/nations/", admin, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v2/nations", admin, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);

	req(s, "PUT", "/api/v1/nations", admin, "{}", &r);
	assert_problem(&r, 405, "method-not-allowed", NULL);
	ck_assert_str_eq(r.allow, "GET, HEAD, POST, OPTIONS");
	req(s, "POST", "/api/v1/nations/DEU", NULL, "{}", &r);
	assert_problem(&r, 405, "method-not-allowed", NULL);
	ck_assert_str_eq(r.allow, "GET, HEAD, PATCH, DELETE, OPTIONS");
	req(s, "DELETE", "/healthz", NULL, NULL, &r);
	assert_problem(&r, 405, "method-not-allowed", NULL);
	ck_assert_str_eq(r.allow, "GET, HEAD, OPTIONS");
	req(s, "PATCH", "/api/v1/sessions/current", admin, "{}", &r);
	assert_problem(&r, 405, "method-not-allowed", NULL);
	ck_assert_str_eq(r.allow, "GET, HEAD, DELETE, OPTIONS");

	req(s, "OPTIONS", "/api/v1/users", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(r.allow, "GET, HEAD, POST, OPTIONS");
	req(s, "OPTIONS", "/api/v1/audit/verify", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(r.allow, "GET, HEAD, OPTIONS");
	req(s, "OPTIONS", "/nope", NULL, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);

	req(s, "HEAD", "/api/v1/nations/DEU", admin, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.etag, "\"1\"");
	ck_assert_uint_eq(r.body_len, 0);
	req(s, "HEAD", "/api/v1/nations/DEU", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	res_free(&r);
	server_end(s);
}
END_TEST

/* A JSON nation padded with spaces to exactly @size bytes. */
static char *padded_nation(const char *iso3, size_t size)
{
	char head[64];
	int n = snprintf(head, sizeof head, "{\"iso3\":\"%s\",", iso3);
	static const char tail[] = "\"name\":\"Padded\",\"status\":\"partner\"}";
	char *b = malloc(size + 1);

	ck_assert(b && (size_t)n + sizeof tail < size);
	memcpy(b, head, (size_t)n);
	memset(b + n, ' ', size - (size_t)n - (sizeof tail - 1));
	memcpy(b + size - (sizeof tail - 1), tail, sizeof tail);
	return b;
}

START_TEST(body_too_large)
{
	struct server *s = server_start("--max-body", "2048", NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");
	char *big = padded_nation("ZZB", 3000), *fits = padded_nation("ZZC", 2000);
	char buf[4096], chunk[1100];
	bool closed;

	req(s, "POST", "/api/v1/nations", admin, big, &r);
	assert_problem(&r, 413, "payload-too-large", "body");
	/* The limit is checked before the token. */
	req(s, "POST", "/api/v1/nations", NULL, big, &r);
	assert_problem(&r, 413, "payload-too-large", "body");
	req(s, "POST", "/api/v1/nations", admin, fits, &r);
	ck_assert_int_eq(r.status, 201);
	req(s, "GET", "/api/v1/nations/ZZB", admin, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);

	/* Chunked: no Content-Length to refuse early; the limit still holds. */
	int fd = raw_connect(s);
	snprintf(buf, sizeof buf,
		 "POST /api/v1/nations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
		 "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
		 "Connection: close\r\n\r\n", admin);
	ck_assert(raw_send(fd, buf, strlen(buf)));
	memset(chunk, ' ', sizeof chunk);
	for (int i = 0; i < 3; i++) {
		int n = snprintf(buf, sizeof buf, "%zx\r\n", sizeof chunk);
		raw_send(fd, buf, (size_t)n);
		raw_send(fd, chunk, sizeof chunk);
		raw_send(fd, "\r\n", 2);
	}
	raw_send(fd, "0\r\n\r\n", 5);
	raw_recv_all(fd, buf, sizeof buf, 10000, &closed);
	close(fd);
	ck_assert_msg(strncmp(buf, "HTTP/1.1 413 ", 13) == 0, "chunked: %.200s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "urn:nsatu:problem:payload-too-large"));
	free(big);
	free(fits);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(media_type)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");
	const char *nation = "{\"iso3\":\"ZZD\",\"name\":\"D\",\"status\":\"partner\"}";

	http_do(s, &(struct http_call){.method = "POST", .path = "/api/v1/nations",
				       .token = admin, .body = nation, .ctype = "text/plain"}, &r);
	assert_problem(&r, 415, "unsupported-media-type", "Content-Type");
	http_do(s, &(struct http_call){.method = "POST", .path = "/api/v1/nations",
				       .token = admin, .body = nation, .ctype = ""}, &r);
	assert_problem(&r, 415, "unsupported-media-type", "Content-Type");
	http_do(s, &(struct http_call){.method = "PATCH", .path = "/api/v1/nations/DEU",
				       .token = admin, .body = "name=X",
				       .ctype = "application/x-www-form-urlencoded"}, &r);
	assert_problem(&r, 415, "unsupported-media-type", "Content-Type");
	http_do(s, &(struct http_call){.method = "POST", .path = "/api/v1/sessions",
				       .body = "{\"username\":\"admin\",\"password\":\"demo-admin-2026\"}",
				       .ctype = "application/jsonp"}, &r);
	assert_problem(&r, 415, "unsupported-media-type", "Content-Type");
	http_do(s, &(struct http_call){.method = "POST", .path = "/api/v1/nations",
				       .token = admin, .body = nation,
				       .ctype = "application/json; charset=utf-8"}, &r);
	ck_assert_int_eq(r.status, 201);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(header_too_large)
{
	struct server *s = server_start("--max-header", "4096", NULL);
	struct http_res r = {0};
	char pad[7000];

	memcpy(pad, "X-Pad: ", 7);
	memset(pad + 7, 'a', sizeof pad - 8);
	pad[sizeof pad - 1] = '\0';
	/* libmicrohttpd answers 431 Request Header Fields Too Large itself. */
	http_do(s, &(struct http_call){.method = "GET", .path = "/healthz",
				       .headers = {pad}}, &r);
	ck_assert_int_eq(r.status, 431);
	pad[1500] = '\0';
	http_do(s, &(struct http_call){.method = "GET", .path = "/healthz",
				       .headers = {pad}}, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(idle_client_cut_off)
{
	struct server *s = server_start("--timeout", "2", NULL);
	struct http_res r = {0};
	char buf[1024];
	bool closed;
	int fd = raw_connect(s);

	ck_assert(raw_send(fd, "GET /heal", 9));
	/* Still open shortly after... */
	raw_recv_all(fd, buf, sizeof buf, 700, &closed);
	ck_assert_msg(!closed, "closed before the timeout");
	/* ...and closed once the 2 s timeout has passed. */
	raw_recv_all(fd, buf, sizeof buf, 4000, &closed);
	ck_assert_msg(closed, "an idle half request was not cut off");
	ck_assert_msg(strstr(buf, " 200 ") == NULL, "answered a half request: %s", buf);
	close(fd);
	/* Idle keep-alive connections are cut off the same way. */
	fd = raw_connect(s);
	const char *full = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert(raw_send(fd, full, strlen(full)));
	raw_recv_all(fd, buf, sizeof buf, 5000, &closed);
	ck_assert_msg(strncmp(buf, "HTTP/1.1 200 ", 13) == 0, "%s", buf);
	ck_assert(closed);
	close(fd);
	/* The server itself is fine. */
	req(s, "GET", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(conflicts)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");

	req(s, "POST", "/api/v1/nations", admin,
	    "{\"iso3\":\"DEU\",\"name\":\"Again\",\"status\":\"member\"}", &r);
	assert_problem(&r, 409, "conflict", "iso3");
	req(s, "DELETE", "/api/v1/nations/DEU", admin, NULL, &r);
	assert_problem(&r, 409, "conflict", NULL);
	req(s, "DELETE", "/api/v1/substitution_groups/AMMO-155-HE", admin, NULL, &r);
	assert_problem(&r, 409, "conflict", NULL);
	req(s, "DELETE", "/api/v1/sites/LN-RZE", admin, NULL, &r);
	assert_problem(&r, 409, "conflict", NULL);
	req(s, "GET", "/api/v1/nations/DEU", admin, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	req(s, "DELETE", "/api/v1/users/admin", admin, NULL, &r);
	assert_problem(&r, 400, "invalid-field", "username");
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_errors(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = api_tcase("errors");

	tcase_add_test(tc, malformed_json);
	tcase_add_test(tc, invalid_fields);
	tcase_add_test(tc, invalid_utf8);
	tcase_add_test(tc, bad_query);
	tcase_add_test(tc, paths_and_methods);
	tcase_add_test(tc, body_too_large);
	tcase_add_test(tc, media_type);
	tcase_add_test(tc, header_too_large);
	tcase_add_test(tc, idle_client_cut_off);
	tcase_add_test(tc, conflicts);
	suite_add_tcase(s, tc);
	return s;
}
