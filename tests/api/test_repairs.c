/*
 * test_repairs.c - repair orders: the workflow and who may move it, the
 * asset's status following the order, repair transport as shipments and
 * custody events, and a write-off taking the asset out of end-use
 * monitoring.  Runs on the demo, whose interceptors DE-PAC2-0004..0006 are
 * in service at UA-UNIT-E (0004 already has a requested order).
 */
#include "donations.h"

#include <stdio.h>
#include <string.h>

Suite *suite_repairs(void);  /* run by main.c */

static json_t *asset(const struct server *s, const char *token, const char *serial)
{
	struct http_res r = {0};
	char path[160];

	snprintf(path, sizeof path, "/api/v1/assets?item=AD-PAT-PAC2&serial=%s", serial);
	ck_assert_int_eq(req(s, "GET", path, token, NULL, &r), 200);
	json_t *a = json_incref(json_array_get(json_object_get(r.json, "items"), 0));
	ck_assert_msg(a != NULL, "no asset %s", serial);
	res_free(&r);
	return a;
}

static void asset_is(const struct server *s, const char *token, const char *serial,
		     const char *status, const char *location)
{
	json_t *a = asset(s, token, serial);

	ck_assert_msg(strcmp(jstr(a, "status"), status) == 0 &&
		      (!location || (jstr(a, "location") && strcmp(jstr(a, "location"), location) == 0)),
		      "%s: want %s at %s, got %s at %s", serial, status, location ? location : "-",
		      jstr(a, "status"), jstr(a, "location") ? jstr(a, "location") : "null");
	json_decref(a);
}

static void new_order(const struct server *s, const char *token, const char *serial,
		      char id[ID_LEN])
{
	struct http_res r = {0};
	char body[512];

	snprintf(body, sizeof body,
		 "{\"nation\":\"UKR\",\"requesting_unit\":\"UA-UNIT-E\",\"facility\":\"RF-SAT\","
		 "\"item\":\"AD-PAT-PAC2\",\"quantity\":1,\"serials\":\"%s\","
		 "\"fault\":\"seeker does not cool down\",\"priority\":\"P1\"}", serial);
	ck_assert_msg(req(s, "POST", "/api/v1/repair_orders", token, body, &r) == 201, "order: %s",
		      r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "requested");
	ck_assert_pstr_eq(jstr(r.json, "category"), "ammunition");
	snprintf(id, ID_LEN, "%s", jstr(r.json, "id"));
	res_free(&r);
}

START_TEST(repair_round_trip)
{
	struct server *s = server_start(NULL);
	const char *admin = login_as(s, "admin"), *planner = login_as(s, "planner");
	const char *officer = login_as(s, "officer.ukr");
	struct http_res r = {0};
	char order[ID_LEN], ship[64], body[1024], at1[40], at2[40], d2[16], d1[16];

	ck_assert_int_eq(req(s, "POST", "/api/v1/users", admin,
			     "{\"username\":\"facility.sat\",\"role\":\"facility_operator\","
			     "\"site\":\"RF-SAT\",\"password\":\"satu-mare-repairs-2026\"}", &r), 201);
	const char *facility = login(s, "facility.sat", "satu-mare-repairs-2026");

	new_order(s, officer, "DE-PAC2-0005", order);
	/* Only the planner approves; the facility only works on approved orders. */
	ck_assert_int_eq(move(s, officer, "repair_orders", order, "approved", NULL, &r), 403);
	ck_assert_int_eq(move(s, facility, "repair_orders", order, "in_repair", NULL, &r), 409);
	move_ok(s, planner, "repair_orders", order, "approved", NULL);
	move_ok(s, officer, "repair_orders", order, "to_facility", NULL);

	/* The transport to the facility: a shipment of the order, and its events. */
	snprintf(body, sizeof body,
		 "{\"nation\":\"UKR\",\"purpose\":\"to_repair\",\"origin\":\"UA-UNIT-E\","
		 "\"destination\":\"RF-SAT\",\"repair_order\":\"%s\","
		 "\"planned_departure\":\"2026-01-01\",\"planned_arrival\":\"2026-01-05\"}", order);
	ck_assert_msg(req(s, "POST", "/api/v1/shipments", planner, body, &r) == 201, "ship: %s",
		      r.body);
	snprintf(ship, sizeof ship, "%s", jstr(r.json, "id"));
	snprintf(body, sizeof body, "{\"shipment\":\"%s\",\"item\":\"AD-PAT-PAC2\",\"quantity\":1,"
		 "\"serials\":\"DE-PAC2-0005\"}", ship);
	ck_assert_msg(req(s, "POST", "/api/v1/shipment_lines", planner, body, &r) == 201,
		      "line: %s", r.body);
	date_utc(-2, d2);
	date_utc(-1, d1);
	snprintf(at1, sizeof at1, "%sT08:00:00Z", d2);
	snprintf(at2, sizeof at2, "%sT08:00:00Z", d1);
	snprintf(body, sizeof body,
		 "{\"events\":["
		 "{\"id\":\"0190c000-0000-7000-8000-00000000f001\",\"type\":\"dispatched\",\"at\":\"%s\","
		 "\"site\":\"UA-UNIT-E\",\"shipment\":\"%s\"}]}", at1, ship);
	ck_assert_msg(req(s, "POST", "/api/v1/events:batch", officer, body, &r) == 200,
		      "dispatch: %s", r.body);
	asset_is(s, planner, "DE-PAC2-0005", "in_transit", NULL);
	snprintf(body, sizeof body,
		 "{\"id\":\"0190c000-0000-7000-8000-00000000f002\",\"type\":\"received\",\"at\":\"%s\","
		 "\"site\":\"RF-SAT\",\"shipment\":\"%s\",\"complete\":true}", at2, ship);
	ck_assert_msg(req(s, "POST", "/api/v1/events", facility, body, &r) == 201,
		      "receipt: %s", r.body);
	/* Arrived for repair: damaged, at the facility. */
	asset_is(s, planner, "DE-PAC2-0005", "damaged", "RF-SAT");

	move_ok(s, facility, "repair_orders", order, "in_repair", NULL);
	asset_is(s, planner, "DE-PAC2-0005", "in_repair", "RF-SAT");
	move_ok(s, facility, "repair_orders", order, "awaiting_parts", NULL);
	move_ok(s, facility, "repair_orders", order, "in_repair", NULL);
	move_ok(s, facility, "repair_orders", order, "repaired", NULL);
	asset_is(s, planner, "DE-PAC2-0005", "in_stock", "RF-SAT");
	move_ok(s, facility, "repair_orders", order, "returned", NULL);
	asset_is(s, planner, "DE-PAC2-0005", "in_service", NULL);
	snprintf(body, sizeof body, "/api/v1/repair_orders/%s", order);
	ck_assert_int_eq(req(s, "GET", body, planner, NULL, &r), 200);
	ck_assert_msg(json_is_string(json_object_get(r.json, "approved_at")) &&
		      json_is_string(json_object_get(r.json, "closed_at")), "%s", r.body);
	/* Returned is final. */
	ck_assert_int_eq(move(s, facility, "repair_orders", order, "in_repair", NULL, &r), 409);
	assert_problem(&r, 409, "conflict", "to");
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(repair_write_off)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	struct http_res r = {0};
	char order[ID_LEN];

	new_order(s, officer, "DE-PAC2-0006", order);
	/* A write-off needs a reason. */
	ck_assert_int_eq(move(s, planner, "repair_orders", order, "written_off", NULL, &r), 400);
	assert_problem(&r, 400, "invalid-field", "reason");
	move_ok(s, planner, "repair_orders", order, "written_off", "beyond economic repair");
	json_t *a = asset(s, planner, "DE-PAC2-0006");
	ck_assert_pstr_eq(jstr(a, "status"), "destroyed");
	ck_assert_msg(json_is_string(json_object_get(a, "lost_at")), "no lost_at");
	ck_assert_msg(json_is_null(json_object_get(a, "inventory_due")),
		      "a written-off asset has no inventory due");
	json_decref(a);
	/* An asset written off is no longer repaired. */
	ck_assert_int_eq(req(s, "POST", "/api/v1/repair_orders", officer,
			     "{\"nation\":\"UKR\",\"requesting_unit\":\"UA-UNIT-E\","
			     "\"facility\":\"RF-SAT\",\"item\":\"AD-PAT-PAC2\",\"quantity\":1,"
			     "\"serials\":\"DE-PAC2-0006\",\"fault\":\"again\",\"priority\":\"P3\"}",
			     &r), 409);
	assert_problem(&r, 409, "conflict", "serials");
	/* A serialized item's order names as many serials as its quantity. */
	ck_assert_int_eq(req(s, "POST", "/api/v1/repair_orders", officer,
			     "{\"nation\":\"UKR\",\"requesting_unit\":\"UA-UNIT-E\","
			     "\"facility\":\"RF-SAT\",\"item\":\"AD-PAT-PAC2\",\"quantity\":2,"
			     "\"serials\":\"DE-PAC2-0001\",\"fault\":\"x\",\"priority\":\"P3\"}",
			     &r), 400);
	assert_problem(&r, 400, "invalid-field", "quantity");
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_repairs(void)
{
	Suite *s = suite_create("repairs");
	TCase *tc = api_tcase("repairs");

	tcase_add_test(tc, repair_round_trip);
	tcase_add_test(tc, repair_write_off);
	suite_add_tcase(s, tc);
	return s;
}
