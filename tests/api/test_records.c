/*
 * test_records.c - the record resources: cursor pagination, filters, the
 * create/read/change/delete cycle, ETag with If-None-Match and If-Match,
 * and Idempotency-Key on POST.
 */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Walk a list with next_cursor; returns the keys seen (new reference) and
 * the number of pages in *@pages. */
static json_t *walk(const struct server *s, const char *token, const char *path,
		    const char *key, int *pages)
{
	struct http_res r = {0};
	json_t *keys = json_array();
	char url[512], *cursor = NULL;

	*pages = 0;
	do {
		/* The first page is asked for without a cursor parameter. */
		if (cursor)
			snprintf(url, sizeof url, "%s%scursor=%s", path,
				 strchr(path, '?') ? "&" : "?", cursor);
		else
			snprintf(url, sizeof url, "%s", path);
		free(cursor);
		cursor = NULL;
		req(s, "GET", url, token, NULL, &r);
		ck_assert_msg(r.status == 200, "%s: %ld %s", url, r.status, r.body);
		json_t *items = json_object_get(r.json, "items"), *it;
		json_t *next = json_object_get(r.json, "next_cursor");
		size_t i;
		ck_assert_msg(json_is_array(items), "no items: %s", r.body);
		ck_assert_msg(json_is_string(next) || json_is_null(next), "next_cursor: %s", r.body);
		json_array_foreach(items, i, it)
			json_array_append_new(keys, json_string(jstr(it, key)));
		if (json_is_string(next))
			cursor = strdup(json_string_value(next));
		ck_assert_int_lt(++*pages, 100);
	} while (cursor);
	res_free(&r);
	return keys;
}

START_TEST(pagination)
{
	struct server *s = server_start(NULL);
	const char *tok = login_as(s, "officer.ukr");
	int pages;
	json_t *keys = walk(s, tok, "/api/v1/nations?limit=7", "iso3", &pages), *k;
	size_t i;

	ck_assert_uint_eq(json_array_size(keys), 36);
	ck_assert_int_eq(pages, 6);
	/* In key order, so no key can repeat. */
	json_array_foreach(keys, i, k) {
		ck_assert_msg(json_is_string(k), "item %zu has no iso3", i);
		if (i)
			ck_assert_str_lt(json_string_value(json_array_get(keys, i - 1)),
					 json_string_value(k));
	}
	json_decref(keys);
	/* A limit equal to the count gives one page and no cursor. */
	keys = walk(s, tok, "/api/v1/nations?limit=36", "iso3", &pages);
	ck_assert_uint_eq(json_array_size(keys), 36);
	ck_assert_int_eq(pages, 1);
	json_decref(keys);
	keys = walk(s, tok, "/api/v1/nations", "iso3", &pages);
	ck_assert_uint_eq(json_array_size(keys), 36);
	ck_assert_int_eq(pages, 1);
	json_decref(keys);
	keys = walk(s, tok, "/api/v1/items?limit=1", "code", &pages);
	ck_assert_uint_eq(json_array_size(keys), 32);
	ck_assert_int_eq(pages, 32);
	json_decref(keys);
	server_end(s);
}
END_TEST

/* Every item of a page has @field equal to the JSON @want. */
static size_t count_where(const struct http_res *r, const char *field, json_t *want)
{
	json_t *items = json_object_get(r->json, "items"), *it;
	size_t i;

	ck_assert_int_eq(r->status, 200);
	json_array_foreach(items, i, it)
		ck_assert_msg(json_equal(json_object_get(it, field), want),
			      "item %zu: %s is not as filtered", i, field);
	json_decref(want);
	return json_array_size(items);
}

START_TEST(filters)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *tok = login_as(s, "planner"), *admin = login_as(s, "admin");
	int pages;

	req(s, "GET", "/api/v1/sites?kind=logistics_node", tok, NULL, &r);
	ck_assert_uint_eq(count_where(&r, "kind", json_string("logistics_node")), 2);
	req(s, "GET", "/api/v1/items?substitution_group=AMMO-155-HE", tok, NULL, &r);
	ck_assert_uint_eq(count_where(&r, "substitution_group", json_string("AMMO-155-HE")), 4);
	req(s, "GET", "/api/v1/sites?kind=training_facility&nation=DEU", tok, NULL, &r);
	ck_assert_uint_ge(count_where(&r, "nation", json_string("DEU")), 1);
	req(s, "GET", "/api/v1/nations?status=recipient", tok, NULL, &r);
	ck_assert_uint_ge(count_where(&r, "status", json_string("recipient")), 1);
	req(s, "GET", "/api/v1/items?serialized=true", tok, NULL, &r);
	ck_assert_uint_ge(count_where(&r, "serialized", json_true()), 1);
	/* An empty value of a nullable filter selects nulls. */
	req(s, "GET", "/api/v1/items?coalition=", tok, NULL, &r);
	count_where(&r, "coalition", json_null());
	req(s, "GET", "/api/v1/users?role=node_operator", admin, NULL, &r);
	ck_assert_uint_eq(count_where(&r, "role", json_string("node_operator")), 1);
	req(s, "GET", "/api/v1/sites?kind=depot&nation=UKR&limit=500", tok, NULL, &r);
	count_where(&r, "kind", json_string("depot"));
	/* Filters hold across pages. */
	json_t *keys = walk(s, tok, "/api/v1/items?substitution_group=AMMO-155-HE&limit=3",
			    "code", &pages);
	ck_assert_uint_eq(json_array_size(keys), 4);
	ck_assert_int_eq(pages, 2);
	json_decref(keys);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(crud_lifecycle)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");

	req(s, "POST", "/api/v1/nations", admin,
	    "{\"iso3\":\"ZZA\",\"name\":\"Zedland\",\"status\":\"partner\"}", &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.location, "/api/v1/nations/ZZA");
	ck_assert_str_eq(r.etag, "\"1\"");
	ck_assert_int_eq(jint(r.json, "version"), 1);
	ck_assert(json_is_false(json_object_get(r.json, "participates")));
	ck_assert(json_is_null(json_object_get(r.json, "nato_since")));
	req(s, "GET", "/api/v1/nations/ZZA", login_as(s, "node.rze"), NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_pstr_eq(jstr(r.json, "name"), "Zedland");
	req(s, "PATCH", "/api/v1/nations/ZZA", admin, "{\"name\":\"Zed\",\"gdp_usd_bn\":1.5}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.etag, "\"2\"");
	ck_assert_pstr_eq(jstr(r.json, "name"), "Zed");
	ck_assert_pstr_eq(jstr(r.json, "status"), "partner");
	ck_assert(json_real_value(json_object_get(r.json, "gdp_usd_bn")) == 1.5);

	/* A chain of references: group <- item; site -> nation. */
	req(s, "POST", "/api/v1/substitution_groups", admin,
	    "{\"code\":\"GRP-ZZ\",\"name\":\"Zed things\"}", &r);
	ck_assert_int_eq(r.status, 201);
	req(s, "POST", "/api/v1/items", admin,
	    "{\"code\":\"ZZ-ITEM\",\"name\":\"Zed item\",\"category\":\"other\","
	    "\"unit_of_issue\":\"each\",\"unit_value_eur\":10,\"substitution_group\":\"GRP-ZZ\","
	    "\"nsn\":\"1234-12-123-1234\"}", &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.location, "/api/v1/items/ZZ-ITEM");
	req(s, "POST", "/api/v1/items", admin,
	    "{\"code\":\"ZZ-ITEM2\",\"name\":\"Zed item\",\"category\":\"other\","
	    "\"unit_of_issue\":\"each\",\"unit_value_eur\":10,\"nsn\":\"1234-12-123-1234\"}", &r);
	assert_problem(&r, 409, "conflict", "nsn");
	req(s, "POST", "/api/v1/sites", admin,
	    "{\"code\":\"DP-ZZ\",\"name\":\"Zed depot\",\"kind\":\"depot\",\"nation\":\"ZZA\","
	    "\"lat\":-90,\"lon\":180}", &r);
	ck_assert_int_eq(r.status, 201);
	req(s, "DELETE", "/api/v1/substitution_groups/GRP-ZZ", admin, NULL, &r);
	assert_problem(&r, 409, "conflict", NULL);
	req(s, "DELETE", "/api/v1/nations/ZZA", admin, NULL, &r);
	assert_problem(&r, 409, "conflict", NULL);
	req(s, "DELETE", "/api/v1/items/ZZ-ITEM", admin, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	req(s, "DELETE", "/api/v1/substitution_groups/GRP-ZZ", admin, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	req(s, "DELETE", "/api/v1/sites/DP-ZZ", admin, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	req(s, "DELETE", "/api/v1/nations/ZZA", admin, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_uint_eq(r.body_len, 0);
	req(s, "GET", "/api/v1/nations/ZZA", admin, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "DELETE", "/api/v1/nations/ZZA", admin, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "PATCH", "/api/v1/nations/ZZA", admin, "{\"name\":\"Back\"}", &r);
	assert_problem(&r, 404, "not-found", NULL);

	/* Users: a node operator for the other logistics node. */
	req(s, "POST", "/api/v1/users", admin,
	    "{\"username\":\"node.ctz\",\"password\":\"node-ctz-password\","
	    "\"role\":\"node_operator\",\"site\":\"LN-CTZ\"}", &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.location, "/api/v1/users/node.ctz");
	ck_assert(json_is_false(json_object_get(r.json, "disabled")));
	req(s, "GET", "/api/v1/users/node.ctz", login_as(s, "node.rze"), NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	const char *ctz = login(s, "node.ctz", "node-ctz-password");
	req(s, "GET", "/api/v1/users", ctz, NULL, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	req(s, "DELETE", "/api/v1/users/node.ctz", admin, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	req(s, "GET", "/api/v1/sessions/current", ctz, NULL, &r);
	assert_problem(&r, 401, "unauthorized", NULL);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(etags)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin"), *planner = login_as(s, "planner");

	req(s, "GET", "/api/v1/nations/POL", planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.etag, "\"1\"");
	ck_assert_str_eq(r.cache_control, "private, no-cache");
	http_do(s, &(struct http_call){.method = "GET", .path = "/api/v1/nations/POL",
				       .token = planner, .headers = {"If-None-Match: \"1\""}}, &r);
	ck_assert_int_eq(r.status, 304);
	ck_assert_uint_eq(r.body_len, 0);
	ck_assert_str_eq(r.etag, "\"1\"");
	http_do(s, &(struct http_call){.method = "GET", .path = "/api/v1/nations/POL",
				       .token = planner, .headers = {"If-None-Match: \"9\""}}, &r);
	ck_assert_int_eq(r.status, 200);

	http_do(s, &(struct http_call){.method = "PATCH", .path = "/api/v1/nations/POL",
				       .token = admin, .body = "{\"gdp_year\":2024}",
				       .headers = {"If-Match: \"1\""}}, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.etag, "\"2\"");
	http_do(s, &(struct http_call){.method = "PATCH", .path = "/api/v1/nations/POL",
				       .token = admin, .body = "{\"gdp_year\":2025}",
				       .headers = {"If-Match: \"1\""}}, &r);
	assert_problem(&r, 412, "precondition-failed", NULL);
	http_do(s, &(struct http_call){.method = "PATCH", .path = "/api/v1/nations/POL",
				       .token = admin, .body = "{\"gdp_year\":2025}",
				       .headers = {"If-Match: 2"}}, &r);
	assert_problem(&r, 400, "bad-request", "If-Match");
	http_do(s, &(struct http_call){.method = "PATCH", .path = "/api/v1/nations/POL",
				       .token = admin, .body = "{\"gdp_year\":2025}",
				       .headers = {"If-Match: *"}}, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.etag, "\"3\"");
	/* The old ETag no longer answers 304. */
	http_do(s, &(struct http_call){.method = "GET", .path = "/api/v1/nations/POL",
				       .token = planner, .headers = {"If-None-Match: \"1\""}}, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(jint(r.json, "gdp_year"), 2025);

	req(s, "POST", "/api/v1/coalitions", admin, "{\"code\":\"ZZ-C\",\"name\":\"Zed\"}", &r);
	ck_assert_int_eq(r.status, 201);
	req(s, "PATCH", "/api/v1/coalitions/ZZ-C", admin, "{\"lead_nations\":\"DEU;POL\"}", &r);
	ck_assert_int_eq(r.status, 200);
	http_do(s, &(struct http_call){.method = "DELETE", .path = "/api/v1/coalitions/ZZ-C",
				       .token = admin, .headers = {"If-Match: \"1\""}}, &r);
	assert_problem(&r, 412, "precondition-failed", NULL);
	http_do(s, &(struct http_call){.method = "DELETE", .path = "/api/v1/coalitions/ZZ-C",
				       .token = admin, .headers = {"If-Match: \"2\""}}, &r);
	ck_assert_int_eq(r.status, 204);
	res_free(&r);
	server_end(s);
}
END_TEST

static long post_idem(const struct server *s, const char *token, const char *path,
		      const char *key, const char *body, struct http_res *r)
{
	char h[200];

	snprintf(h, sizeof h, "Idempotency-Key: %s", key);
	return http_do(s, &(struct http_call){.method = "POST", .path = path, .token = token,
					      .body = body, .headers = {h}}, r);
}

START_TEST(idempotency)
{
	struct server *s = server_start(NULL);
	struct http_res first = {0}, r = {0};
	const char *admin = login_as(s, "admin"), *planner = login_as(s, "planner");
	const char *body = "{\"iso3\":\"ZZK\",\"name\":\"Keyland\",\"status\":\"partner\"}";
	long long before = audit_count(s, admin);
	char long_key[140];

	post_idem(s, admin, "/api/v1/nations", "order-1", body, &first);
	ck_assert_int_eq(first.status, 201);
	/* The same key for another body or another URL. */
	post_idem(s, admin, "/api/v1/nations", "order-1",
		  "{\"iso3\":\"ZZL\",\"name\":\"Other\",\"status\":\"partner\"}", &r);
	assert_problem(&r, 422, "idempotency-key-reused", "Idempotency-Key");
	post_idem(s, admin, "/api/v1/coalitions", "order-1", body, &r);
	assert_problem(&r, 422, "idempotency-key-reused", "Idempotency-Key");
	req(s, "GET", "/api/v1/nations/ZZL", admin, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	/* A new key runs the request again: now a conflict. */
	post_idem(s, admin, "/api/v1/nations", "order-2", body, &r);
	assert_problem(&r, 409, "conflict", "iso3");
	/* Keys belong to their user. */
	post_idem(s, planner, "/api/v1/nations", "order-1", body, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	/* Refused keys. */
	memset(long_key, 'k', 129);
	long_key[129] = '\0';
	post_idem(s, admin, "/api/v1/nations", long_key, body, &r);
	assert_problem(&r, 400, "bad-request", "Idempotency-Key");
	post_idem(s, admin, "/api/v1/nations", "two words", body, &r);
	assert_problem(&r, 400, "bad-request", "Idempotency-Key");

	/* The same key and body: the first answer again, nothing new done. */
	for (int i = 0; i < 2; i++) {
		post_idem(s, admin, "/api/v1/nations", "order-1", body, &r);
		ck_assert_int_eq(r.status, 201);
		ck_assert_str_eq(r.body, first.body);
		ck_assert_str_eq(r.etag, first.etag);
		ck_assert_str_eq(r.location, first.location);
	}
	long long total = audit_count(s, admin);
	ck_assert_int_eq(total, before + 1);
	/* The newest record is that one create: walk to the trail's last page. */
	char url[256] = "/api/v1/audit?limit=500";
	for (;;) {
		req(s, "GET", url, admin, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		if (!json_is_string(json_object_get(r.json, "next_cursor")))
			break;
		snprintf(url, sizeof url, "/api/v1/audit?limit=500&cursor=%s",
			 jstr(r.json, "next_cursor"));
	}
	json_t *items = json_object_get(r.json, "items");
	json_t *last = json_array_get(items, json_array_size(items) - 1);
	ck_assert_pstr_eq(jstr(last, "action"), "create");
	ck_assert_pstr_eq(jstr(last, "entity"), "nations");
	ck_assert_pstr_eq(jstr(last, "entity_id"), "ZZK");
	ck_assert_pstr_eq(jstr(last, "actor"), "admin");
	req(s, "GET", "/api/v1/nations?limit=500", admin, NULL, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 37);
	res_free(&first);
	res_free(&r);
	server_end(s);
}
END_TEST

/* A replayed answer carries the original Content-Type. */
START_TEST(idempotency_replay_ctype)
{
	struct server *s = server_start(NULL);
	struct http_res first = {0}, r = {0};
	const char *admin = login_as(s, "admin");
	const char *body = "{\"code\":\"ZZ-G\",\"name\":\"Replayed\"}";

	post_idem(s, admin, "/api/v1/substitution_groups", "group-1", body, &first);
	ck_assert_int_eq(first.status, 201);
	ck_assert_str_eq(first.ctype, "application/json");
	post_idem(s, admin, "/api/v1/substitution_groups", "group-1", body, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.body, first.body);
	ck_assert_str_eq(r.ctype, "application/json");
	ck_assert_msg(json_is_object(r.json), "replayed body not read as JSON");
	res_free(&first);
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_records(void)
{
	Suite *s = suite_create("records");
	TCase *tc = api_tcase("records");

	tcase_add_test(tc, pagination);
	tcase_add_test(tc, filters);
	tcase_add_test(tc, crud_lifecycle);
	tcase_add_test(tc, etags);
	tcase_add_test(tc, idempotency);
	tcase_add_test(tc, idempotency_replay_ctype);
	suite_add_tcase(s, tc);
	return s;
}
