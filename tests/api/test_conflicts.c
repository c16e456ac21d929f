/*
 * test_conflicts.c - a stale If-Match (412) says who changed the record,
 * when, and its version now, for PATCH, DELETE and workflow moves.
 */
#include "donations.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

Suite *suite_conflicts(void);  /* run by main.c */

/* "YYYY-MM-DDTHH:MM:SS.mmmZ", as the audit trail stores times. */
static bool is_instant(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";

	if (!s || strlen(s) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	}
	return true;
}

/* Assert a 412 naming @who and @version, with the detail built from them. */
static void assert_changed_by(const struct http_res *r, const char *who, long long version)
{
	char detail[256];

	assert_problem(r, 412, "precondition-failed", NULL);
	ck_assert_pstr_eq(jstr(r->json, "changed_by"), who);
	ck_assert_msg(is_instant(jstr(r->json, "changed_at")), "changed_at: %s", r->body);
	ck_assert_int_eq(jint(r->json, "current_version"), version);
	snprintf(detail, sizeof detail,
		 "the record was changed by %s at %s (now version %lld); reload it and try again",
		 who, jstr(r->json, "changed_at"), version);
	ck_assert_pstr_eq(jstr(r->json, "detail"), detail);
}

static long with_if_match(const struct server *s, const char *method, const char *path,
			  const char *token, const char *body, const char *etag,
			  struct http_res *r)
{
	char h[80];

	snprintf(h, sizeof h, "If-Match: %s", etag);
	return http_do(s, &(struct http_call){.method = method, .path = path, .token = token,
					      .body = body, .headers = {h}}, r);
}

START_TEST(stale_patch_names_the_changer)
{
	struct server *s = server_start(NULL);
	const char *officer = login_as(s, "officer.ukr"), *planner = login_as(s, "planner");
	struct http_res r = {0};
	char id[ID_LEN], path[128], etag[64], first_at[40];

	new_requirement(s, officer, "UKR", "ART-155-M795", NULL, 10, "P2", id);
	snprintf(path, sizeof path, "/api/v1/requirements/%s", id);
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	snprintf(etag, sizeof etag, "%s", r.etag);
	ck_assert_str_eq(etag, "\"1\"");

	with_if_match(s, "PATCH", path, officer, "{\"quantity\":12}", etag, &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	with_if_match(s, "PATCH", path, planner, "{\"quantity\":15}", etag, &r);
	assert_changed_by(&r, "officer.ukr", 2);
	snprintf(first_at, sizeof first_at, "%s", jstr(r.json, "changed_at"));
	/* Nothing was changed by the refused request. */
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_int_eq(jint(r.json, "quantity"), 12);
	ck_assert_str_eq(r.etag, "\"2\"");

	/* Reloaded, the planner's change goes through; now the officer's
	 * copy is the stale one, and the answer names the planner. */
	with_if_match(s, "PATCH", path, planner, "{\"quantity\":15}", "\"2\"", &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	with_if_match(s, "PATCH", path, officer, "{\"quantity\":9}", "\"2\"", &r);
	assert_changed_by(&r, "planner", 3);
	ck_assert_msg(strcmp(jstr(r.json, "changed_at"), first_at) >= 0, "%s before %s",
		      jstr(r.json, "changed_at"), first_at);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(stale_delete_names_the_changer)
{
	struct server *s = server_start(NULL);
	const char *admin = login_as(s, "admin"), *planner = login_as(s, "planner");
	json_t *page = get_ok(s, planner, "/api/v1/lanes?limit=1");
	json_t *lane = json_array_get(json_object_get(page, "items"), 0);
	struct http_res r = {0};
	char path[128], etag[64];
	long long v;

	ck_assert_msg(lane, "the demo has no lanes");
	snprintf(path, sizeof path, "/api/v1/lanes/%s", jstr(lane, "id"));
	v = jint(lane, "version");
	json_decref(page);
	snprintf(etag, sizeof etag, "\"%lld\"", v);

	with_if_match(s, "PATCH", path, admin, "{\"notes\":\"closed for repairs\"}", etag, &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	with_if_match(s, "DELETE", path, planner, NULL, etag, &r);
	assert_changed_by(&r, "admin", v + 1);
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(stale_transition_names_the_changer)
{
	struct server *s = server_start(NULL);
	const char *officer = login_as(s, "officer.ukr"), *planner = login_as(s, "planner");
	struct http_res r = {0};
	char id[ID_LEN], path[128];

	new_requirement(s, officer, "UKR", "ART-155-M795", NULL, 10, "P2", id);
	move_ok(s, officer, "requirements", id, "submitted", NULL);
	snprintf(path, sizeof path, "/api/v1/requirements/%s/transition", id);
	/* The planner still holds version 1, from before the submission. */
	with_if_match(s, "POST", path, planner, "{\"to\":\"validated\"}", "\"1\"", &r);
	assert_changed_by(&r, "officer.ukr", 2);
	assert_status(s, planner, "requirements", id, "submitted");
	with_if_match(s, "POST", path, planner, "{\"to\":\"validated\"}", "\"2\"", &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	/* The officer, a move behind, hears it was the planner. */
	with_if_match(s, "POST", path, officer, "{\"to\":\"cancelled\",\"reason\":\"no longer needed\"}",
		      "\"2\"", &r);
	assert_changed_by(&r, "planner", 3);
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_conflicts(void)
{
	Suite *s = suite_create("conflicts");
	TCase *tc = api_tcase("conflicts");

	tcase_add_test(tc, stale_patch_names_the_changer);
	tcase_add_test(tc, stale_delete_names_the_changer);
	tcase_add_test(tc, stale_transition_names_the_changer);
	suite_add_tcase(s, tc);
	return s;
}
