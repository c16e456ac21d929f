/*
 * test_auth.c - logging in and out, bearer tokens (expiry, revocation,
 * disabled and expired accounts), login throttling, role permissions and
 * the nation/site scope of the user directory.
 */
#include "client.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void assert_unauthorized(const struct http_res *r)
{
	assert_problem(r, 401, "unauthorized", NULL);
	ck_assert_msg(strncmp(r->www_auth, "Bearer", 6) == 0,
		      "401 without a Bearer challenge: '%s'", r->www_auth);
}

START_TEST(login_and_current)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	json_t *user;

	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"liaison.deu\",\"password\":\"demo-liaison-2026\"}", &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(r.ctype, "application/json");
	ck_assert_str_eq(r.cache_control, "no-store");
	ck_assert_pstr_eq(jstr(r.json, "token_type"), "Bearer");
	ck_assert_msg(jstr(r.json, "token") && strncmp(jstr(r.json, "token"), "nsatu_", 6) == 0,
		      "token: %s", r.body);
	ck_assert_msg(jstr(r.json, "expires_at") && strlen(jstr(r.json, "expires_at")) == 24,
		      "expires_at: %s", r.body);
	user = json_object_get(r.json, "user");
	ck_assert_pstr_eq(jstr(user, "username"), "liaison.deu");
	ck_assert_pstr_eq(jstr(user, "role"), "donor_liaison");
	ck_assert_pstr_eq(jstr(user, "nation"), "DEU");
	ck_assert(json_is_null(json_object_get(user, "site")));

	const char *tok = login_as(s, "node.rze");
	req(s, "GET", "/api/v1/sessions/current", tok, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_pstr_eq(jstr(r.json, "username"), "node.rze");
	ck_assert_pstr_eq(jstr(r.json, "role"), "node_operator");
	ck_assert_pstr_eq(jstr(r.json, "site"), "LN-RZE");
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(bad_credentials)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};

	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"admin\",\"password\":\"wrong-password-1\"}", &r);
	assert_unauthorized(&r);
	ck_assert_ptr_null(json_object_get(r.json, "token"));
	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"nobody.here\",\"password\":\"demo-admin-2026\"}", &r);
	assert_unauthorized(&r);
	/* Same answer for both: the name's existence does not leak. */
	ck_assert_pstr_eq(jstr(r.json, "detail"), "wrong user name or password");
	req(s, "POST", "/api/v1/sessions", NULL, "{\"username\":\"admin\"}", &r);
	assert_problem(&r, 400, "invalid-field", "password");
	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"admin\",\"password\":\"demo-admin-2026\",\"otp\":1}", &r);
	assert_problem(&r, 400, "invalid-field", "otp");
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(missing_and_bad_tokens)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	char forged[128];
	const char *tok = login_as(s, "planner");

	req(s, "GET", "/api/v1/nations", NULL, NULL, &r);
	assert_unauthorized(&r);
	http_do(s, &(struct http_call){.method = "GET", .path = "/api/v1/nations",
				       .headers = {"Authorization: Basic YWRtaW46eA=="}}, &r);
	assert_unauthorized(&r);
	req(s, "GET", "/api/v1/nations", "nsatu_not-a-real-token", NULL, &r);
	assert_unauthorized(&r);
	/* A real token with one character changed. */
	snprintf(forged, sizeof forged, "%s", tok);
	forged[10] = forged[10] == 'A' ? 'B' : 'A';
	req(s, "GET", "/api/v1/sessions/current", forged, NULL, &r);
	assert_unauthorized(&r);
	req(s, "GET", "/api/v1/sessions/current", tok, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(token_expires)
{
	struct server *s = server_start("--token-ttl", "2", NULL);
	struct http_res r = {0};
	const char *tok = login_as(s, "planner");

	req(s, "GET", "/api/v1/sessions/current", tok, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	sleep(3);
	req(s, "GET", "/api/v1/sessions/current", tok, NULL, &r);
	assert_unauthorized(&r);
	req(s, "GET", "/api/v1/nations", tok, NULL, &r);
	assert_unauthorized(&r);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(logout_revokes)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *one = login_as(s, "auditor"), *two = login_as(s, "auditor");

	req(s, "DELETE", "/api/v1/sessions/current", one, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_uint_eq(r.body_len, 0);
	req(s, "GET", "/api/v1/sessions/current", one, NULL, &r);
	assert_unauthorized(&r);
	req(s, "DELETE", "/api/v1/sessions/current", one, NULL, &r);
	assert_unauthorized(&r);
	/* Only that session ended. */
	req(s, "GET", "/api/v1/audit?limit=1", two, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(disabled_user)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin"), *planner = login_as(s, "planner");

	req(s, "PATCH", "/api/v1/users/planner", admin, "{\"disabled\":true}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_is_true(json_object_get(r.json, "disabled")));
	req(s, "GET", "/api/v1/nations", planner, NULL, &r);
	assert_unauthorized(&r);
	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"planner\",\"password\":\"demo-planner-2026\"}", &r);
	assert_unauthorized(&r);
	/* Enabled again: a new login works, the old token stays revoked. */
	req(s, "PATCH", "/api/v1/users/planner", admin, "{\"disabled\":false}", &r);
	ck_assert_int_eq(r.status, 200);
	const char *again = login_as(s, "planner");
	req(s, "GET", "/api/v1/nations?limit=1", again, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	req(s, "GET", "/api/v1/nations?limit=1", planner, NULL, &r);
	assert_unauthorized(&r);
	/* An admin cannot lock themself out. */
	req(s, "PATCH", "/api/v1/users/admin", admin, "{\"disabled\":true}", &r);
	assert_problem(&r, 400, "invalid-field", "disabled");
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(account_expiry)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");
	char yesterday[16], today[16], body[256];

	date_utc(-1, yesterday);
	date_utc(0, today);
	snprintf(body, sizeof body,
		 "{\"username\":\"temp.one\",\"password\":\"temporary-pass-1\","
		 "\"role\":\"planner\",\"expires_on\":\"%s\"}", yesterday);
	req(s, "POST", "/api/v1/users", admin, body, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_pstr_eq(jstr(r.json, "expires_on"), yesterday);
	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"temp.one\",\"password\":\"temporary-pass-1\"}", &r);
	assert_unauthorized(&r);

	/* The last day itself is still usable. */
	snprintf(body, sizeof body,
		 "{\"username\":\"temp.two\",\"password\":\"temporary-pass-2\","
		 "\"role\":\"auditor\",\"expires_on\":\"%s\"}", today);
	req(s, "POST", "/api/v1/users", admin, body, &r);
	ck_assert_int_eq(r.status, 201);
	const char *tok = login(s, "temp.two", "temporary-pass-2");
	/* Moving the end into the past ends the session too. */
	snprintf(body, sizeof body, "{\"expires_on\":\"%s\"}", yesterday);
	req(s, "PATCH", "/api/v1/users/temp.two", admin, body, &r);
	ck_assert_int_eq(r.status, 200);
	req(s, "GET", "/api/v1/sessions/current", tok, NULL, &r);
	assert_unauthorized(&r);
	req(s, "PATCH", "/api/v1/users/temp.two", admin, "{\"expires_on\":null}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_is_null(json_object_get(r.json, "expires_on")));
	login(s, "temp.two", "temporary-pass-2");
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(login_throttled)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	long retry;

	for (int i = 0; i < 5; i++) {
		req(s, "POST", "/api/v1/sessions", NULL,
		    "{\"username\":\"officer.ukr\",\"password\":\"guess-number-x\"}", &r);
		assert_unauthorized(&r);
	}
	/* Locked now, even with the right password. */
	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"officer.ukr\",\"password\":\"demo-officer-2026\"}", &r);
	assert_problem(&r, 429, "too-many-requests", NULL);
	retry = strtol(r.retry_after, NULL, 10);
	ck_assert_msg(retry >= 1 && retry <= 60, "Retry-After '%s'", r.retry_after);
	/* Per name: others still log in; unknown names lock the same way. */
	login_as(s, "auditor");
	for (int i = 0; i < 5; i++) {
		req(s, "POST", "/api/v1/sessions", NULL,
		    "{\"username\":\"ghost\",\"password\":\"guess-number-x\"}", &r);
		assert_unauthorized(&r);
	}
	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"ghost\",\"password\":\"guess-number-x\"}", &r);
	assert_problem(&r, 429, "too-many-requests", NULL);
	ck_assert_str_ne(r.retry_after, "");
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(roles_forbidden)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *liaison = login_as(s, "liaison.deu"), *planner = login_as(s, "planner");
	const char *node = login_as(s, "node.rze"), *officer = login_as(s, "officer.ukr");
	const char *facility = login_as(s, "facility.grf"), *auditor = login_as(s, "auditor");
	const char *everyone[] = {liaison, planner, node, officer, facility, auditor};

	req(s, "POST", "/api/v1/nations", liaison,
	    "{\"iso3\":\"ZZA\",\"name\":\"Zed\",\"status\":\"partner\"}", &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "PATCH", "/api/v1/nations/DEU", planner, "{\"name\":\"Germany\"}", &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "DELETE", "/api/v1/sites/LN-RZE", node, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "POST", "/api/v1/users", officer,
	    "{\"username\":\"x.y\",\"password\":\"long-enough-pw\",\"role\":\"admin\"}", &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "PATCH", "/api/v1/items/ART-155-M795", auditor, "{\"name\":\"x\"}", &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/audit", planner, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/audit/verify", facility, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/audit?limit=2", auditor, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	/* Reference data is readable by every role. */
	for (size_t i = 0; i < sizeof everyone / sizeof *everyone; i++) {
		req(s, "GET", "/api/v1/items?limit=3", everyone[i], NULL, &r);
		ck_assert_int_eq(r.status, 200);
		ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 3);
		req(s, "GET", "/api/v1/sites/TF-GRF", everyone[i], NULL, &r);
		ck_assert_int_eq(r.status, 200);
	}
	res_free(&r);
	server_end(s);
}
END_TEST

/* Every user in a list page has @field == @want; returns how many. */
static size_t all_have(const struct http_res *r, const char *field, const char *want)
{
	json_t *items = json_object_get(r->json, "items"), *u;
	size_t i;

	ck_assert_int_eq(r->status, 200);
	json_array_foreach(items, i, u)
		ck_assert_pstr_eq(jstr(u, field), want);
	return json_array_size(items);
}

START_TEST(user_scope)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *liaison = login_as(s, "liaison.deu"), *node = login_as(s, "node.rze");
	const char *officer = login_as(s, "officer.ukr"), *facility = login_as(s, "facility.grf");
	const char *planner = login_as(s, "planner");

	req(s, "GET", "/api/v1/users/officer.ukr", liaison, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v1/users/admin", liaison, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v1/users/liaison.deu", liaison, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	req(s, "GET", "/api/v1/users", liaison, NULL, &r);
	ck_assert_uint_eq(all_have(&r, "nation", "DEU"), 1);
	req(s, "GET", "/api/v1/users?nation=UKR", liaison, NULL, &r);
	ck_assert_uint_eq(all_have(&r, "nation", "UKR"), 0);

	req(s, "GET", "/api/v1/users/facility.grf", node, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v1/users/node.rze", facility, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v1/users", node, NULL, &r);
	ck_assert_uint_eq(all_have(&r, "site", "LN-RZE"), 1);
	req(s, "GET", "/api/v1/users", facility, NULL, &r);
	ck_assert_uint_eq(all_have(&r, "site", "TF-GRF"), 1);

	req(s, "GET", "/api/v1/users/liaison.deu", officer, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v1/users", officer, NULL, &r);
	ck_assert_uint_eq(all_have(&r, "nation", "UKR"), 1);

	req(s, "GET", "/api/v1/users", planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 7);
	req(s, "GET", "/api/v1/users/facility.grf", planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(password_write_only)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");

	req(s, "GET", "/api/v1/users/admin", admin, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(json_object_get(r.json, "password"));
	ck_assert_ptr_null(json_object_get(r.json, "password_hash"));
	ck_assert_ptr_null(strstr(r.body, "argon2"));
	ck_assert_pstr_eq(jstr(r.json, "username"), "admin");
	ck_assert(jstr(r.json, "created_at") != NULL);
	ck_assert_int_eq(jint(r.json, "version"), 1);

	req(s, "POST", "/api/v1/users", admin,
	    "{\"username\":\"new.one\",\"password\":\"short\",\"role\":\"auditor\"}", &r);
	assert_problem(&r, 400, "invalid-field", "password");
	req(s, "POST", "/api/v1/users", admin, "{\"username\":\"new.one\",\"role\":\"auditor\"}", &r);
	assert_problem(&r, 400, "invalid-field", "password");
	req(s, "POST", "/api/v1/users", admin,
	    "{\"username\":\"new.one\",\"password\":\"first-password-1\",\"role\":\"auditor\","
	    "\"display_name\":\"New One\"}", &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_ptr_null(json_object_get(r.json, "password"));
	ck_assert_ptr_null(json_object_get(r.json, "password_hash"));
	login(s, "new.one", "first-password-1");
	req(s, "PATCH", "/api/v1/users/new.one", admin, "{\"password\":\"second-password-2\"}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(json_object_get(r.json, "password_hash"));
	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"new.one\",\"password\":\"first-password-1\"}", &r);
	assert_unauthorized(&r);
	login(s, "new.one", "second-password-2");
	/* Neither the password nor its hash reaches the audit trail. */
	req(s, "GET", "/api/v1/audit?limit=500", admin, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(strstr(r.body, "argon2"));
	ck_assert_ptr_null(strstr(r.body, "second-password-2"));
	res_free(&r);
	server_end(s);
}
END_TEST

/* A user changes their own password; an admin reset ends the user's sessions. */
START_TEST(own_password_change)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *t = login_as(s, "officer.ukr");
	const char *admin = login_as(s, "admin");

	req(s, "POST", "/api/v1/sessions/current/password", t,
	    "{\"current_password\":\"wrong-password-x\",\"new_password\":\"a-new-long-passphrase\"}", &r);
	assert_problem(&r, 400, "invalid-field", "current_password");
	req(s, "POST", "/api/v1/sessions/current/password", t,
	    "{\"current_password\":\"demo-officer-2026\",\"new_password\":\"short\"}", &r);
	assert_problem(&r, 400, "invalid-field", "new_password");
	req(s, "POST", "/api/v1/sessions/current/password", t,
	    "{\"current_password\":\"demo-officer-2026\",\"new_password\":\"a-new-long-passphrase\"}", &r);
	ck_assert_int_eq(r.status, 204);
	/* The session in use stays open; the old password is gone. */
	ck_assert_int_eq(req(s, "GET", "/api/v1/sessions/current", t, NULL, &r), 200);
	req(s, "POST", "/api/v1/sessions", NULL,
	    "{\"username\":\"officer.ukr\",\"password\":\"demo-officer-2026\"}", &r);
	ck_assert_int_eq(r.status, 401);
	const char *t2 = login(s, "officer.ukr", "a-new-long-passphrase");
	/* An admin reset ends every session of that user. */
	req(s, "PATCH", "/api/v1/users/officer.ukr", admin, "{\"password\":\"reset-by-the-admin\"}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(req(s, "GET", "/api/v1/sessions/current", t, NULL, &r), 401);
	ck_assert_int_eq(req(s, "GET", "/api/v1/sessions/current", t2, NULL, &r), 401);
	login(s, "officer.ukr", "reset-by-the-admin");
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_auth(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = api_tcase("auth");

	tcase_add_test(tc, login_and_current);
	tcase_add_test(tc, bad_credentials);
	tcase_add_test(tc, missing_and_bad_tokens);
	tcase_add_test(tc, token_expires);
	tcase_add_test(tc, logout_revokes);
	tcase_add_test(tc, disabled_user);
	tcase_add_test(tc, account_expiry);
	tcase_add_test(tc, login_throttled);
	tcase_add_test(tc, roles_forbidden);
	tcase_add_test(tc, user_scope);
	tcase_add_test(tc, password_write_only);
	tcase_add_test(tc, own_password_change);
	suite_add_tcase(s, tc);
	return s;
}
