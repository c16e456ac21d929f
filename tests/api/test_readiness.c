/*
 * test_readiness.c - force development against the real server:
 * capability targets and their needs, the readiness projection, and the
 * training scheduler.
 *
 *  - a target at UA-UNIT-S needing 100 first-aid kits per unit of
 *    capability, fed by a requirement of that unit, an allocation and a
 *    shipment: the projection follows the shipment's planned arrival, and
 *    moving it later moves the unit's date and names the shipment;
 *  - the scheduler without apply (nothing written), with apply (the
 *    nominations made, all through the enrolment rules), and again (the
 *    seats are claimed now);
 *  - scope and permissions: another nation's liaison gets 404 on a
 *    target's readiness, site-bound roles 403, only a planner applies;
 *  - the rules of needs: nation copied from the target, exactly one of
 *    item and course; bodies checked field by field.
 *
 * Dates are relative to today.  The demo's own targets (at UA-UNIT-E and
 * UA-UNIT-N) are left alone; these tests use UA-UNIT-S and UA-UNIT-W.
 */
#include "donations.h"

#include <stdio.h>
#include <string.h>

Suite *suite_readiness(void);  /* run by main.c */

static void copy_id(const struct http_res *r, char id[ID_LEN])
{
	const char *v = jstr(r->json, "id");

	ck_assert_msg(v && strlen(v) < ID_LEN, "no id: %s", r->body);
	snprintf(id, ID_LEN, "%s", v);
}

static void post_ok(const struct server *s, const char *token, const char *path, json_t *body,
		    char id[ID_LEN])
{
	struct http_res r = {0};

	send_json(s, "POST", path, token, body, &r);
	ck_assert_msg(r.status == 201, "POST %s: %ld %s", path, r.status, r.body);
	if (id)
		copy_id(&r, id);
	res_free(&r);
}

/* A UKR target at @unit, @count units due in @due_in days. */
static void new_target(const struct server *s, const char *token, const char *unit, int count,
		       int due_in, char id[ID_LEN])
{
	char due[16];

	date_utc(due_in, due);
	post_ok(s, token, "/api/v1/capability_targets",
		json_pack("{s:s, s:s, s:s, s:i, s:s}", "name", "Test capability", "nation", "UKR",
			  "unit", unit, "count", count, "due_on", due),
		id);
}

static void new_need(const struct server *s, const char *token, const char *target,
		     const char *field, const char *code, int quantity)
{
	post_ok(s, token, "/api/v1/capability_needs",
		json_pack("{s:s, s:s, s:i}", "target", target, field, code, "quantity", quantity),
		NULL);
}

static json_t *readiness(const struct server *s, const char *token, const char *target)
{
	char path[160];

	snprintf(path, sizeof path, "/api/v1/capability_targets/%s/readiness", target);
	return get_ok(s, token, path);
}

static const json_t *unit_of(const json_t *rd, size_t k)
{
	const json_t *u = json_array_get(json_object_get(rd, "units"), k - 1);

	ck_assert_msg(u != NULL, "no unit %zu", k);
	return u;
}

/* ==== The projection follows a shipment's planned arrival. ================== */

START_TEST(late_shipment_moves_the_date)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	const char *liaison = login_as(s, "liaison.deu");
	char target[ID_LEN], req_id[ID_LEN], pledge[ID_LEN], alloc[ID_LEN], ship[ID_LEN];
	char d0[16], d20[16], d60[16], d100[16], d130[16], path[160];
	struct http_res r = {0};

	date_utc(0, d0);
	date_utc(20, d20);
	date_utc(60, d60);
	date_utc(100, d100);
	date_utc(130, d130);
	/* 2 units of capability due in 100 days, 100 kits each. */
	new_target(s, officer, "UA-UNIT-S", 2, 100, target);
	new_need(s, officer, target, "item", "MED-IFAK", 100);
	/* The unit's requirement (needed in 60 days), a pledge, an allocation. */
	post_ok(s, officer, "/api/v1/requirements",
		json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "nation", "UKR", "item", "MED-IFAK",
			  "quantity", 200, "priority", "P2", "needed_by", d60, "destination",
			  "UA-UNIT-S"),
		req_id);
	move_ok(s, officer, "requirements", req_id, "submitted", NULL);
	move_ok(s, planner, "requirements", req_id, "validated", NULL);
	new_materiel(s, liaison, "DEU", "MED-IFAK", 200, PLEDGED_ON, pledge);
	move_ok(s, liaison, "pledges", pledge, "committed", NULL);
	allocate_ok(s, planner, pledge, req_id, 200, alloc);
	/* Nothing shipped yet: both units wait for the allocation, whose day
	 * is the requirement's needed_by (no expected_on): estimated. */
	json_t *rd = readiness(s, planner, target);
	ck_assert_pstr_eq(jstr(unit_of(rd, 1), "operational_on"), d60);
	ck_assert_pstr_eq(jstr(unit_of(rd, 2), "operational_on"), d60);
	const json_t *src = json_array_get(json_object_get(json_array_get(json_object_get(rd, "needs"), 0),
							   "sources"), 0);
	ck_assert_pstr_eq(jstr(src, "kind"), "allocated");
	ck_assert_pstr_eq(jstr(src, "source"), alloc);
	ck_assert(json_is_true(json_object_get(src, "estimated")));
	json_decref(rd);

	/* 100 kits on a shipment arriving in 20 days: unit 1 then. */
	post_ok(s, liaison, "/api/v1/shipments",
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "nation", "DEU", "purpose",
			  "delivery", "origin", "DEP-DEU", "handover_point", "HP-MED",
			  "destination", "UA-UNIT-S", "planned_departure", d0, "planned_arrival", d20),
		ship);
	post_ok(s, liaison, "/api/v1/shipment_lines",
		json_pack("{s:s, s:s, s:s, s:i}", "shipment", ship, "allocation", alloc, "item",
			  "MED-IFAK", "quantity", 100),
		NULL);
	rd = readiness(s, planner, target);
	ck_assert_pstr_eq(jstr(unit_of(rd, 1), "operational_on"), d20);
	ck_assert_pstr_eq(jstr(json_object_get(unit_of(rd, 1), "critical"), "source"), ship);
	ck_assert_pstr_eq(jstr(unit_of(rd, 2), "operational_on"), d60);
	ck_assert(json_is_true(json_object_get(unit_of(rd, 2), "meets_due")));
	ck_assert_int_eq(jint(rd, "on_time"), 2);
	json_decref(rd);

	/* The shipment slips to day 130: it now comes after the allocation's
	 * rest, so unit 2 waits for it, 30 days late; its critical path names
	 * the shipment: 30 days earlier and it meets the date. */
	snprintf(path, sizeof path, "/api/v1/shipments/%s", ship);
	send_json(s, "PATCH", path, liaison, json_pack("{s:s}", "planned_arrival", d130), &r);
	ck_assert_msg(r.status == 200, "move the shipment: %ld %s", r.status, r.body);
	res_free(&r);
	rd = readiness(s, planner, target);
	ck_assert_pstr_eq(jstr(unit_of(rd, 1), "operational_on"), d60);
	const json_t *u2 = unit_of(rd, 2), *c = json_object_get(u2, "critical");
	ck_assert_pstr_eq(jstr(u2, "operational_on"), d130);
	ck_assert(json_is_false(json_object_get(u2, "meets_due")));
	ck_assert_int_eq(jint(u2, "days_late"), 30);
	ck_assert_pstr_eq(jstr(c, "source"), ship);
	ck_assert_pstr_eq(jstr(c, "source_kind"), "in_transit");
	ck_assert_pstr_eq(jstr(c, "action"), "bring_forward");
	ck_assert_int_eq(jint(c, "days"), 30);
	ck_assert_pstr_eq(jstr(c, "moves_to"), d100);
	ck_assert_int_eq(jint(rd, "on_time"), 1);
	ck_assert_int_eq(jint(rd, "late"), 1);
	json_decref(rd);

	/* The same in the list of every target, and as a CSV row. */
	json_t *all = get_ok(s, planner, "/api/v1/readiness");
	ck_assert_ptr_nonnull(row_where(json_object_get(all, "rows"), "target", target));
	json_decref(all);
	ck_assert_int_eq(req(s, "GET", "/api/v1/readiness?format=csv", planner, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, target));
	res_free(&r);
	ck_assert_int_eq(req(s, "GET", "/api/v1/readiness?bogus=1", planner, NULL, &r), 400);
	assert_problem(&r, 400, "bad-request", "bogus");
	res_free(&r);
	server_end(s);
}
END_TEST

/* Too few in sight: never, with what is missing. */
START_TEST(never_with_what_is_missing)
{
	struct server *s = server_start(NULL);
	const char *officer = login_as(s, "officer.ukr");
	char target[ID_LEN];

	new_target(s, officer, "UA-UNIT-S", 1, 100, target);
	new_need(s, officer, target, "item", "AD-GEPARD", 3);
	json_t *rd = readiness(s, officer, target);
	const json_t *u = unit_of(rd, 1), *c = json_object_get(u, "critical");
	ck_assert(json_is_null(json_object_get(u, "operational_on")));
	ck_assert_pstr_eq(jstr(c, "action"), "find");
	ck_assert_int_eq(jint(c, "units"), 3);
	ck_assert_int_eq(jint(json_array_get(json_object_get(u, "missing"), 0), "units"), 3);
	ck_assert_int_eq(jint(rd, "never"), 1);
	json_decref(rd);
	server_end(s);
}
END_TEST

/* ==== The scheduler. ========================================================== */

START_TEST(scheduler_proposes_then_applies)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	const char *auditor = login_as(s, "auditor"), *admin = login_as(s, "admin");
	char target[ID_LEN], session[ID_LEN], d10[16], d20[16], path[160];
	struct http_res r = {0};

	date_utc(10, d10);
	date_utc(20, d20);
	post_ok(s, planner, "/api/v1/courses",
		json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s}", "code", "T7-SCHED", "name",
			  "Scheduler test course", "capability", "test", "facility", "TF-GRF",
			  "duration_days", 10, "class_min", 1, "class_max", 10, "language", "en"),
		NULL);
	post_ok(s, planner, "/api/v1/training_sessions",
		json_pack("{s:s, s:s, s:s, s:s, s:i}", "course", "T7-SCHED", "facility", "TF-GRF",
			  "starts_on", d10, "ends_on", d20, "seats", 2),
		session);
	/* 3 people by day 30; the only session has 2 seats. */
	new_target(s, officer, "UA-UNIT-W", 1, 30, target);
	new_need(s, officer, target, "course", "T7-SCHED", 3);

	/* The proposal: 2 assignments, 1 short for want of seats; nothing written. */
	long long audits = audit_count(s, admin);
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", planner, NULL, &r), 200);
	ck_assert(json_is_false(json_object_get(r.json, "applied")));
	json_t *mine = row_where(json_object_get(r.json, "shortfalls"), "target", target);
	ck_assert_ptr_nonnull(mine);
	ck_assert_int_eq(jint(mine, "needed"), 3);
	ck_assert_int_eq(jint(mine, "assigned"), 2);
	ck_assert_pstr_eq(jstr(mine, "reason"), "no_free_seats");
	size_t i, n = 0;
	json_t *a;
	json_array_foreach(json_object_get(r.json, "assignments"), i, a) {
		if (strcmp(jstr(a, "session"), session) == 0) {
			n++;
			ck_assert_pstr_eq(jstr(a, "target"), target);
			ck_assert(json_is_null(json_object_get(a, "enrolment")));
		}
	}
	ck_assert_int_eq(n, 2);
	res_free(&r);
	ck_assert_int_eq(audit_count(s, admin), audits);
	snprintf(path, sizeof path, "/api/v1/enrolments?session=%s", session);
	json_t *page = get_ok(s, planner, path);
	ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 0);
	json_decref(page);

	/* Reading is for more roles than applying. */
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", auditor, "{}", &r), 200);
	res_free(&r);
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", officer, "{\"apply\":false}", &r),
			 200);
	res_free(&r);
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", officer, "{\"apply\":true}", &r),
			 403);
	res_free(&r);
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", login_as(s, "node.rze"), "{}", &r),
			 403);
	res_free(&r);
	/* Bodies are checked field by field. */
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", planner, "{\"apply\":\"yes\"}", &r),
			 400);
	assert_problem(&r, 400, "invalid-field", "apply");
	res_free(&r);
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", planner, "{\"bogus\":1}", &r), 400);
	assert_problem(&r, 400, "invalid-field", "bogus");
	res_free(&r);

	/* Applied: the two nominations are made, audited, in the planner's name. */
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", planner, "{\"apply\":true}", &r),
			 200);
	ck_assert(json_is_true(json_object_get(r.json, "applied")));
	n = 0;
	json_array_foreach(json_object_get(r.json, "assignments"), i, a) {
		if (strcmp(jstr(a, "session"), session) == 0) {
			n++;
			ck_assert_msg(jstr(a, "enrolment") != NULL, "no enrolment: %s", r.body);
		}
	}
	ck_assert_int_eq(n, 2);
	res_free(&r);
	page = get_ok(s, planner, path);
	ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 2);
	json_array_foreach(json_object_get(page, "items"), i, a) {
		ck_assert_pstr_eq(jstr(a, "status"), "nominated");
		ck_assert_pstr_eq(jstr(a, "created_by"), "planner");
	}
	json_decref(page);

	/* Run again: the seats are claimed; the third person is still short,
	 * and the readiness projection counts the two nominated. */
	ck_assert_int_eq(req(s, "POST", "/api/v1/training_schedule", planner, "{}", &r), 200);
	mine = row_where(json_object_get(r.json, "shortfalls"), "target", target);
	ck_assert_ptr_nonnull(mine);
	ck_assert_int_eq(jint(mine, "needed"), 1);
	ck_assert_int_eq(jint(mine, "assigned"), 0);
	ck_assert_pstr_eq(jstr(mine, "reason"), "no_free_seats");
	res_free(&r);
	json_t *rd = readiness(s, planner, target);
	const json_t *need = json_array_get(json_object_get(rd, "needs"), 0);
	ck_assert_int_eq(jint(need, "in_sight"), 2);
	ck_assert_int_eq(jint(json_object_get(unit_of(rd, 1), "critical"), "units"), 1);
	json_decref(rd);
	server_end(s);
}
END_TEST

/* ==== Scope and the rules of needs. ============================================ */

START_TEST(scope_and_needs)
{
	struct server *s = server_start(NULL);
	const char *officer = login_as(s, "officer.ukr"), *liaison = login_as(s, "liaison.deu");
	char target[ID_LEN], path[160];
	struct http_res r = {0};

	new_target(s, officer, "UA-UNIT-S", 1, 100, target);
	/* The need takes the target's nation; nation is the server's. */
	send_json(s, "POST", "/api/v1/capability_needs", officer,
		  json_pack("{s:s, s:s, s:i}", "target", target, "item", "MED-IFAK", "quantity", 5), &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_pstr_eq(jstr(r.json, "nation"), "UKR");
	res_free(&r);
	send_json(s, "POST", "/api/v1/capability_needs", officer,
		  json_pack("{s:s, s:s, s:s, s:i}", "target", target, "item", "MED-IFAK", "course",
			    "C-PAT-OP", "quantity", 5), &r);
	assert_problem(&r, 400, "invalid-field", "item");
	res_free(&r);
	send_json(s, "POST", "/api/v1/capability_needs", officer,
		  json_pack("{s:s, s:s, s:i, s:s}", "target", target, "item", "MED-IFAK", "quantity", 5,
			    "nation", "DEU"), &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	res_free(&r);
	/* A target's unit is a unit of its nation. */
	send_json(s, "POST", "/api/v1/capability_targets", officer,
		  json_pack("{s:s, s:s, s:s, s:i, s:s}", "name", "Wrong", "nation", "UKR", "unit",
			    "LN-RZE", "count", 1, "due_on", "2027-01-01"), &r);
	assert_problem(&r, 400, "invalid-field", "unit");
	res_free(&r);
	/* A target with needs is not deleted. */
	snprintf(path, sizeof path, "/api/v1/capability_targets/%s", target);
	ck_assert_int_eq(req(s, "DELETE", path, officer, NULL, &r), 409);
	res_free(&r);

	/* Readiness: another nation's liaison does not see the target. */
	snprintf(path, sizeof path, "/api/v1/capability_targets/%s/readiness", target);
	ck_assert_int_eq(req(s, "GET", path, liaison, NULL, &r), 404);
	assert_problem(&r, 404, "not-found", NULL);
	res_free(&r);
	json_t *all = get_ok(s, liaison, "/api/v1/readiness");
	ck_assert_int_eq(json_array_size(json_object_get(all, "targets")), 0);
	json_decref(all);
	ck_assert_int_eq(req(s, "GET", "/api/v1/readiness", login_as(s, "facility.grf"), NULL, &r),
			 403);
	res_free(&r);
	ck_assert_int_eq(req(s, "GET", "/api/v1/capability_targets/CAP-NONE/readiness", officer, NULL,
			     &r), 404);
	res_free(&r);
	json_t *rd = readiness(s, officer, target);
	ck_assert_pstr_eq(jstr(json_object_get(rd, "target"), "id"), target);
	json_decref(rd);
	server_end(s);
}
END_TEST

Suite *suite_readiness(void)
{
	Suite *s = suite_create("readiness");
	TCase *tc = api_tcase("force development");

	tcase_add_test(tc, late_shipment_moves_the_date);
	tcase_add_test(tc, never_with_what_is_missing);
	tcase_add_test(tc, scheduler_proposes_then_applies);
	tcase_add_test(tc, scope_and_needs);
	suite_add_tcase(s, tc);
	return s;
}
