/*
 * test_allocations.c - allocations of materiel pledges to requirements:
 * who may make them, which items fit, the quantity invariants (also under
 * twenty concurrent requests), the requirement status that follows, the
 * release when a pledge is withdrawn, and the coverage report.
 *
 * Helpers (new_requirement, allocate, ...) are in test_donations.c.
 */
#include "donations.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Helpers. ============================================================= */

struct actors {
	const char *admin, *planner, *liaison, *officer, *node, *auditor;
};

static struct server *start(struct actors *t)
{
	struct server *s = server_start(NULL);

	t->admin = login_as(s, "admin");
	t->planner = login_as(s, "planner");
	t->liaison = login_as(s, "liaison.deu");
	t->officer = login_as(s, "officer.ukr");
	t->node = login_as(s, "node.rze");
	t->auditor = login_as(s, "auditor");
	return s;
}

/* The number of allocations a filtered list holds (one page of 500). */
static size_t count_allocations(const struct server *s, const char *token, const char *query)
{
	struct http_res r = {0};
	char path[256];
	size_t n;

	snprintf(path, sizeof path, "/api/v1/allocations?limit=500&%s", query);
	req(s, "GET", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	ck_assert(json_is_null(json_object_get(r.json, "next_cursor")));
	n = json_array_size(json_object_get(r.json, "items"));
	res_free(&r);
	return n;
}

/* The audit records of @entity @id with @action, over every page. */
static int audit_actions(const struct server *s, const char *admin, const char *entity,
			 const char *id, const char *action)
{
	struct http_res r = {0};
	char url[512], *cursor = NULL;
	int n = 0, pages = 0;

	do {
		if (cursor)
			snprintf(url, sizeof url, "/api/v1/audit?limit=500&cursor=%s", cursor);
		else
			snprintf(url, sizeof url, "/api/v1/audit?limit=500");
		free(cursor);
		cursor = NULL;
		req(s, "GET", url, admin, NULL, &r);
		ck_assert_msg(r.status == 200, "%s: %ld", url, r.status);
		json_t *it;
		size_t i;
		json_array_foreach(json_object_get(r.json, "items"), i, it) {
			if (strcmp(jstr(it, "entity"), entity) == 0 &&
			    strcmp(jstr(it, "entity_id"), id) == 0 &&
			    strcmp(jstr(it, "action"), action) == 0)
				n++;
		}
		if (json_is_string(json_object_get(r.json, "next_cursor")))
			cursor = strdup(jstr(r.json, "next_cursor"));
		ck_assert_int_lt(++pages, 100);
	} while (cursor);
	res_free(&r);
	return n;
}

/* ==== Who and what. ========================================================== */

START_TEST(allocation_rules)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char by_item[ID_LEN], by_group[ID_LEN], dm121[ID_LEN], of152[ID_LEN], m795[ID_LEN];
	char fund[ID_LEN], id[ID_LEN], path[160];

	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 100, "P1", by_item);
	new_validated(s, t.officer, t.planner, NULL, "AMMO-155-HE", 100, "P1", by_group);
	new_materiel(s, t.liaison, "DEU", "ART-155-DM121", 1000, PLEDGED_ON, dm121);
	new_materiel(s, t.liaison, "DEU", "ART-152-OF", 1000, PLEDGED_ON, of152);
	new_materiel(s, t.planner, "USA", "ART-155-M795", 1000, PLEDGED_ON, m795);
	new_funding(s, t.liaison, "DEU", 1000, "EUR", PLEDGED_ON, fund);

	/* Planners only. */
	const char *others[] = {t.admin, t.liaison, t.officer, t.node, t.auditor};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
		allocate(s, others[i], dm121, by_group, 10, &r);
		assert_problem(&r, 403, "forbidden", NULL);
	}
	{
		char q[96];
		snprintf(q, sizeof q, "requirement=%s", by_group);
		ck_assert_uint_eq(count_allocations(s, t.planner, q), 0);
	}

	/* Any item of the group; only the item itself when one is named. */
	allocate(s, t.planner, dm121, by_group, 10, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	const char *v = jstr(r.json, "id");
	ck_assert_msg(v && strncmp(v, "ALC-", 4) == 0, "%s", r.body);
	snprintf(id, sizeof id, "%s", v);
	snprintf(path, sizeof path, "/api/v1/allocations/%s", id);
	ck_assert_str_eq(r.location, path);
	ck_assert_pstr_eq(jstr(r.json, "status"), "open");
	ck_assert_pstr_eq(jstr(r.json, "created_by"), "planner");
	allocate(s, t.planner, of152, by_group, 10, &r);
	assert_problem(&r, 400, "invalid-field", "pledge");
	allocate(s, t.planner, dm121, by_item, 10, &r);
	assert_problem(&r, 400, "invalid-field", "pledge");
	allocate(s, t.planner, fund, by_item, 10, &r);
	assert_problem(&r, 400, "invalid-field", "pledge");
	allocate_ok(s, t.planner, m795, by_item, 10, NULL);
	allocate_ok(s, t.planner, m795, by_group, 10, NULL);
	/* References and quantities are checked. */
	allocate(s, t.planner, "PLG-NONE", by_item, 10, &r);
	assert_problem(&r, 400, "invalid-field", "pledge");
	allocate(s, t.planner, m795, "REQ-NONE", 10, &r);
	assert_problem(&r, 400, "invalid-field", "requirement");
	allocate(s, t.planner, m795, by_item, 0, &r);
	assert_problem(&r, 400, "invalid-field", "quantity");
	send_json(s, "POST", "/api/v1/allocations", t.planner,
		  json_pack("{s:s, s:s, s:i, s:s}", "pledge", m795, "requirement", by_item,
			    "quantity", 1, "status", "released"), &r);
	assert_problem(&r, 400, "invalid-field", "status");

	/* Readable by planners, admins and auditors; never edited. */
	req(s, "GET", path, t.auditor, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(jint(r.json, "quantity"), 10);
	ck_assert_pstr_eq(jstr(r.json, "pledge"), dm121);
	ck_assert_pstr_eq(jstr(r.json, "requirement"), by_group);
	req(s, "GET", path, t.officer, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/allocations", t.liaison, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "PATCH", path, t.planner, "{\"quantity\":5}", &r);
	ck_assert_int_eq(r.status, 405);
	req(s, "DELETE", path, t.planner, NULL, &r);
	ck_assert_int_eq(r.status, 405);
	{
		char q[96];
		snprintf(q, sizeof q, "requirement=%s&status=open", by_group);
		ck_assert_uint_eq(count_allocations(s, t.admin, q), 2);
		snprintf(q, sizeof q, "pledge=%s", m795);
		ck_assert_uint_eq(count_allocations(s, t.admin, q), 2);
	}
	res_free(&r);
	server_end(s);
}
END_TEST

/* Only validated (or partially met) requirements, only announced or
 * committed materiel pledges. */
START_TEST(allocation_states)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char ok_req[ID_LEN], draft[ID_LEN], submitted[ID_LEN], rejected[ID_LEN], cancelled[ID_LEN];
	char announced[ID_LEN], committed[ID_LEN], delivered[ID_LEN], withdrawn[ID_LEN];

	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 1000, "P1", ok_req);
	new_requirement(s, t.officer, "UKR", "ART-155-M795", NULL, 100, "P1", draft);
	new_requirement(s, t.officer, "UKR", "ART-155-M795", NULL, 100, "P1", submitted);
	move_ok(s, t.officer, "requirements", submitted, "submitted", NULL);
	new_requirement(s, t.officer, "UKR", "ART-155-M795", NULL, 100, "P1", rejected);
	move_ok(s, t.officer, "requirements", rejected, "submitted", NULL);
	move_ok(s, t.planner, "requirements", rejected, "rejected", "not needed");
	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 100, "P1", cancelled);
	move_ok(s, t.officer, "requirements", cancelled, "cancelled", "not needed");

	new_materiel(s, t.liaison, "DEU", "ART-155-M795", 100, PLEDGED_ON, announced);
	new_materiel(s, t.liaison, "DEU", "ART-155-M795", 100, PLEDGED_ON, committed);
	move_ok(s, t.liaison, "pledges", committed, "committed", NULL);
	new_materiel(s, t.liaison, "DEU", "ART-155-M795", 100, PLEDGED_ON, delivered);
	move_ok(s, t.liaison, "pledges", delivered, "committed", NULL);
	move_ok(s, t.liaison, "pledges", delivered, "delivered", NULL);
	new_materiel(s, t.liaison, "DEU", "ART-155-M795", 100, PLEDGED_ON, withdrawn);
	move_ok(s, t.liaison, "pledges", withdrawn, "withdrawn", "changed plans");

	const char *bad_reqs[] = {draft, submitted, rejected, cancelled};
	for (size_t i = 0; i < 4; i++) {
		allocate(s, t.planner, announced, bad_reqs[i], 1, &r);
		assert_problem(&r, 409, "conflict", "requirement");
	}
	allocate(s, t.planner, withdrawn, ok_req, 1, &r);
	assert_problem(&r, 409, "conflict", "pledge");
	allocate(s, t.planner, delivered, ok_req, 1, &r);
	assert_problem(&r, 409, "conflict", "pledge");
	allocate_ok(s, t.planner, announced, ok_req, 1, NULL);
	allocate_ok(s, t.planner, committed, ok_req, 1, NULL);
	{
		char q[96];
		snprintf(q, sizeof q, "requirement=%s&status=open", ok_req);
		ck_assert_uint_eq(count_allocations(s, t.planner, q), 2);
	}
	assert_coverage(s, t.planner, ok_req, 1000, 2);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Quantities and the status that follows. ================================ */

START_TEST(allocation_limits)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char big_req[ID_LEN], small_pledge[ID_LEN], need[ID_LEN], pledge[ID_LEN];

	/* Never beyond the pledge. */
	new_validated(s, t.officer, t.planner, "ART-155-L15", NULL, 1000, "P1", big_req);
	new_materiel(s, t.liaison, "DEU", "ART-155-L15", 50, PLEDGED_ON, small_pledge);
	allocate_ok(s, t.planner, small_pledge, big_req, 30, NULL);
	allocate(s, t.planner, small_pledge, big_req, 30, &r);
	assert_problem(&r, 409, "conflict", "quantity");
	allocate_ok(s, t.planner, small_pledge, big_req, 20, NULL);
	allocate(s, t.planner, small_pledge, big_req, 1, &r);
	assert_problem(&r, 409, "conflict", "quantity");
	assert_coverage(s, t.planner, big_req, 1000, 50);
	assert_status(s, t.planner, "requirements", big_req, "partially_met");
	/* An announced pledge may change, but not below what is allocated
	 * nor to another item. */
	{
		char path[160];
		snprintf(path, sizeof path, "/api/v1/pledges/%s", small_pledge);
		req(s, "PATCH", path, t.liaison, "{\"quantity\":49}", &r);
		assert_problem(&r, 409, "conflict", "quantity");
		req(s, "PATCH", path, t.liaison, "{\"item\":\"ART-155-M795\"}", &r);
		assert_problem(&r, 409, "conflict", "quantity");
		req(s, "PATCH", path, t.liaison, "{\"quantity\":60}", &r);
		ck_assert_msg(r.status == 200, "%s", r.body);
		allocate_ok(s, t.planner, small_pledge, big_req, 10, NULL);
		assert_coverage(s, t.planner, big_req, 1000, 60);
	}

	/* Never beyond the requirement; validated -> partially_met -> met. */
	new_validated(s, t.officer, t.planner, NULL, "AMMO-155-HE", 100, "P1", need);
	new_materiel(s, t.planner, "FRA", "ART-155-OF", 1000, PLEDGED_ON, pledge);
	assert_status(s, t.planner, "requirements", need, "validated");
	assert_coverage(s, t.planner, need, 100, 0);
	allocate_ok(s, t.planner, pledge, need, 60, NULL);
	assert_status(s, t.officer, "requirements", need, "partially_met");
	assert_coverage(s, t.officer, need, 100, 60);
	allocate(s, t.planner, pledge, need, 41, &r);
	assert_problem(&r, 409, "conflict", "quantity");
	assert_status(s, t.planner, "requirements", need, "partially_met");
	allocate_ok(s, t.planner, pledge, need, 40, NULL);
	assert_status(s, t.officer, "requirements", need, "met");
	assert_coverage(s, t.liaison, need, 100, 100);
	allocate(s, t.planner, pledge, need, 1, &r);
	assert_problem(&r, 409, "conflict", "requirement");
	/* The pledge's other 900 units stay available. */
	char other[ID_LEN];
	new_validated(s, t.officer, t.planner, "ART-155-OF", NULL, 900, "P2", other);
	allocate_ok(s, t.planner, pledge, other, 900, NULL);
	assert_status(s, t.planner, "requirements", other, "met");
	allocate(s, t.planner, pledge, big_req, 1, &r);
	ck_assert_int_eq(r.status, 400); /* OF is not L15 */
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(allocation_release)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char p[ID_LEN], q[ID_LEN], fresh[ID_LEN], ra[ID_LEN], rb[ID_LEN];
	char a1[ID_LEN], a2[ID_LEN], a3[ID_LEN], query[128];

	new_validated(s, t.officer, t.planner, "ART-155-DM121", NULL, 30, "P1", ra);
	new_validated(s, t.officer, t.planner, NULL, "AMMO-155-HE", 100, "P1", rb);
	new_materiel(s, t.liaison, "DEU", "ART-155-DM121", 100, PLEDGED_ON, p);
	move_ok(s, t.liaison, "pledges", p, "committed", NULL);
	new_materiel(s, t.planner, "POL", "ART-155-M795", 10, PLEDGED_ON, q);
	allocate_ok(s, t.planner, p, ra, 30, a1);
	allocate_ok(s, t.planner, p, rb, 50, a2);
	allocate_ok(s, t.planner, q, rb, 10, a3);
	assert_status(s, t.planner, "requirements", ra, "met");
	assert_status(s, t.planner, "requirements", rb, "partially_met");
	assert_coverage(s, t.planner, rb, 100, 60);

	/* Withdrawing needs a reason; then P's allocations are released. */
	move(s, t.liaison, "pledges", p, "withdrawn", NULL, &r);
	assert_problem(&r, 400, "invalid-field", "reason");
	assert_status(s, t.planner, "allocations", a1, "open");
	move(s, t.liaison, "pledges", p, "withdrawn", "redirected to another theatre", &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "withdrawn");
	ck_assert_pstr_eq(jstr(r.json, "status_reason"), "redirected to another theatre");
	assert_status(s, t.planner, "allocations", a1, "released");
	assert_status(s, t.planner, "allocations", a2, "released");
	assert_status(s, t.planner, "allocations", a3, "open");
	snprintf(query, sizeof query, "pledge=%s&status=open", p);
	ck_assert_uint_eq(count_allocations(s, t.auditor, query), 0);
	snprintf(query, sizeof query, "pledge=%s&status=released", p);
	ck_assert_uint_eq(count_allocations(s, t.auditor, query), 2);
	/* Coverage reopens and the status follows. */
	assert_coverage(s, t.planner, ra, 30, 0);
	assert_status(s, t.planner, "requirements", ra, "validated");
	assert_coverage(s, t.planner, rb, 100, 10);
	assert_status(s, t.planner, "requirements", rb, "partially_met");
	/* The withdrawn pledge gives nothing more; another fills the gap. */
	allocate(s, t.planner, p, ra, 1, &r);
	assert_problem(&r, 409, "conflict", "pledge");
	new_materiel(s, t.planner, "NLD", "ART-155-DM121", 30, PLEDGED_ON, fresh);
	allocate_ok(s, t.planner, fresh, ra, 30, NULL);
	assert_status(s, t.planner, "requirements", ra, "met");
	/* Withdrawing the last open one: back to validated. */
	move_ok(s, t.planner, "pledges", q, "withdrawn", "spoiled in storage");
	assert_coverage(s, t.planner, rb, 100, 0);
	assert_status(s, t.planner, "requirements", rb, "validated");
	/* Cancelling a partially met requirement gives its units back. */
	char x[ID_LEN], gone[ID_LEN], rd[ID_LEN], a4[ID_LEN];
	new_validated(s, t.officer, t.planner, "ART-155-DM121", NULL, 40, "P2", gone);
	new_validated(s, t.officer, t.planner, "ART-155-DM121", NULL, 40, "P2", rd);
	new_materiel(s, t.liaison, "DEU", "ART-155-DM121", 40, PLEDGED_ON, x);
	allocate_ok(s, t.planner, x, gone, 25, a4);
	assert_status(s, t.planner, "requirements", gone, "partially_met");
	allocate(s, t.planner, x, rd, 40, &r);
	assert_problem(&r, 409, "conflict", "quantity");
	move_ok(s, t.officer, "requirements", gone, "cancelled", "front line moved");
	assert_status(s, t.planner, "allocations", a4, "released");
	assert_coverage(s, t.planner, gone, 40, 0);
	assert_status(s, t.planner, "requirements", gone, "cancelled");
	allocate_ok(s, t.planner, x, rd, 40, NULL);
	assert_status(s, t.planner, "requirements", rd, "met");

	/* Each release is in the audit trail, and the chain holds. */
	audit_count(s, t.admin);
	ck_assert_int_eq(audit_actions(s, t.admin, "allocations", a1, "release"), 1);
	ck_assert_int_eq(audit_actions(s, t.admin, "allocations", a2, "release"), 1);
	ck_assert_int_eq(audit_actions(s, t.admin, "allocations", a3, "release"), 1);
	ck_assert_int_eq(audit_actions(s, t.admin, "allocations", a4, "release"), 1);
	ck_assert_int_eq(audit_actions(s, t.admin, "requirements", ra, "transition"), 5);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Concurrency. ========================================================== */

#define SHOTS 20

START_TEST(allocation_concurrency)
{
	struct actors t;
	struct server *s = start(&t);
	struct shot shots[SHOTS];
	char pledge[ID_LEN], requirement[ID_LEN], body[256], query[128];
	int created = 0, refused = 0;

	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 1000, "P1", requirement);
	new_materiel(s, t.liaison, "DEU", "ART-155-M795", 100, PLEDGED_ON, pledge);
	snprintf(body, sizeof body, "{\"pledge\":\"%s\",\"requirement\":\"%s\",\"quantity\":10}",
		 pledge, requirement);
	memset(shots, 0, sizeof shots);
	for (int i = 0; i < SHOTS; i++) {
		snprintf(shots[i].path, sizeof shots[i].path, "/api/v1/allocations");
		shots[i].body = body;
	}
	post_all_at_once(s, t.planner, shots, SHOTS);

	for (int i = 0; i < SHOTS; i++) {
		json_t *doc = json_loads(shots[i].buf, 0, NULL);

		ck_assert_msg(shots[i].curl_rc == 0, "request %d: curl error %d", i, shots[i].curl_rc);
		if (shots[i].status == 201) {
			created++;
			ck_assert_pstr_eq(jstr(doc, "status"), "open");
		} else {
			ck_assert_msg(shots[i].status == 409, "request %d: %ld %s", i, shots[i].status,
				      shots[i].buf);
			ck_assert_pstr_eq(jstr(doc, "field"), "quantity");
			refused++;
		}
		json_decref(doc);
	}
	ck_assert_int_eq(created, 10);
	ck_assert_int_eq(refused, 10);
	assert_coverage(s, t.planner, requirement, 1000, 100);
	assert_status(s, t.planner, "requirements", requirement, "partially_met");
	snprintf(query, sizeof query, "pledge=%s&status=open", pledge);
	ck_assert_uint_eq(count_allocations(s, t.planner, query), 10);
	ck_assert_int_ge(audit_count(s, t.admin), 10);
	server_end(s);
}
END_TEST

/* ==== The coverage report. ================================================== */

/* Shipped and delivered follow the custody events of the lines drawn on a
 * requirement's allocations, and the donor's delivered value follows the
 * units received: exact figures before and after one shipment. */
static json_t *coverage_of_req(const struct server *s, const char *token, const char *id)
{
	struct http_res r = {0};
	char path[160];

	snprintf(path, sizeof path, "/api/v1/requirements/%s/coverage", id);
	ck_assert_int_eq(req(s, "GET", path, token, NULL, &r), 200);
	json_t *cov = json_incref(r.json);
	res_free(&r);
	return cov;
}

static double delivered_eur(const struct server *s, const char *token, const char *nation)
{
	struct http_res r = {0};
	char path[96], year[16];
	json_t *n;
	size_t i;
	double v = -1;

	date_utc(0, year);
	year[4] = '\0';
	snprintf(path, sizeof path, "/api/v1/reports/burden-sharing?year=%s", year);
	ck_assert_msg(req(s, "GET", path, token, NULL, &r) == 200, "%s: %s", path, r.body);
	json_array_foreach(json_object_get(r.json, "nations"), i, n) {
		if (strcmp(jstr(n, "nation"), nation) == 0)
			v = json_number_value(json_object_get(n, "delivered_eur"));
	}
	res_free(&r);
	ck_assert_msg(v >= 0, "no %s row", nation);
	return v;
}

START_TEST(coverage_follows_shipments)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char alloc[64] = "", reqid[64] = "", ship[64], line[64], body[1024], at1[40], at2[40];
	json_t *it;
	size_t i;

	/* FRA's 155 mm pledge (OFd F1, 4 200 EUR a round) and its allocation. */
	req(s, "GET", "/api/v1/allocations?limit=500", t.planner, NULL, &r);
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		struct http_res p = {0};
		char path[128];
		snprintf(path, sizeof path, "/api/v1/pledges/%s", jstr(it, "pledge"));
		req(s, "GET", path, t.planner, NULL, &p);
		if (strcmp(jstr(p.json, "item"), "ART-155-OF") == 0) {
			snprintf(alloc, sizeof alloc, "%s", jstr(it, "id"));
			snprintf(reqid, sizeof reqid, "%s", jstr(it, "requirement"));
		}
		res_free(&p);
	}
	res_free(&r);
	ck_assert_msg(*alloc, "no demo allocation of ART-155-OF");
	json_t *before = coverage_of_req(s, t.planner, reqid);
	double eur_before = delivered_eur(s, t.planner, "FRA");

	ck_assert_int_eq(req(s, "POST", "/api/v1/shipments", t.planner,
			     "{\"nation\":\"FRA\",\"purpose\":\"delivery\",\"origin\":\"DEP-FRA\","
			     "\"handover_point\":\"HP-MED\",\"destination\":\"UA-UNIT-E\","
			     "\"planned_departure\":\"2026-01-01\",\"planned_arrival\":\"2026-01-09\"}",
			     &r), 201);
	snprintf(ship, sizeof ship, "%s", jstr(r.json, "id"));
	snprintf(body, sizeof body, "{\"shipment\":\"%s\",\"allocation\":\"%s\","
		 "\"item\":\"ART-155-OF\",\"quantity\":500}", ship, alloc);
	ck_assert_msg(req(s, "POST", "/api/v1/shipment_lines", t.planner, body, &r) == 201,
		      "line: %s", r.body);
	snprintf(line, sizeof line, "%s", jstr(r.json, "id"));
	/* Dispatched two days ago, handed over and received yesterday: 400
	 * of 500 arrive; the receipt confirmation books 100 short. */
	char d2[16], d1[16];
	date_utc(-2, d2);
	date_utc(-1, d1);
	snprintf(at1, sizeof at1, "%sT08:00:00Z", d2);
	snprintf(at2, sizeof at2, "%sT08:00:00Z", d1);
	snprintf(body, sizeof body,
		 "{\"events\":["
		 "{\"id\":\"0190a000-0000-7000-8000-00000000c001\",\"type\":\"dispatched\",\"at\":\"%s\",\"site\":\"DEP-FRA\",\"shipment\":\"%s\"},"
		 "{\"id\":\"0190a000-0000-7000-8000-00000000c002\",\"type\":\"handed_over\",\"at\":\"%s\",\"site\":\"HP-MED\",\"shipment\":\"%s\"},"
		 "{\"id\":\"0190a000-0000-7000-8000-00000000c003\",\"type\":\"received\",\"at\":\"%s\",\"site\":\"UA-UNIT-E\",\"shipment\":\"%s\",\"quantity\":400,\"complete\":true}]}",
		 at1, ship, at2, ship, at2, ship);
	ck_assert_msg(req(s, "POST", "/api/v1/events:batch", t.planner, body, &r) == 200,
		      "batch: %s", r.body);
	json_t *after = coverage_of_req(s, t.planner, reqid);
	ck_assert_int_eq(jint(after, "shipped"), jint(before, "shipped") + 500);
	ck_assert_int_eq(jint(after, "delivered"), jint(before, "delivered") + 400);
	ck_assert_int_eq(jint(after, "allocated"), jint(before, "allocated"));
	double eur_after = delivered_eur(s, t.planner, "FRA");
	ck_assert_msg(eur_after - eur_before > 400.0 * 4200 - 0.5 &&
		      eur_after - eur_before < 400.0 * 4200 + 0.5,
		      "FRA delivered %.2f -> %.2f", eur_before, eur_after);
	json_decref(before);
	json_decref(after);
	res_free(&r);
	server_end(s);
}
END_TEST

/* Once units of an allocation are on their way, its pledge cannot be
 * withdrawn nor its requirement cancelled (they would vanish from
 * coverage while in transit); before the dispatch both still can. */
START_TEST(shipped_allocations_stay)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char req_id[ID_LEN], pledge[ID_LEN], alloc[ID_LEN], ship[64], body[1024], at[40], day[16];

	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 100, "P2", req_id);
	new_materiel(s, t.liaison, "DEU", "ART-155-M795", 100, PLEDGED_ON, pledge);
	allocate_ok(s, t.planner, pledge, req_id, 60, alloc);
	ck_assert_int_eq(req(s, "POST", "/api/v1/shipments", t.planner,
			     "{\"nation\":\"DEU\",\"purpose\":\"delivery\",\"origin\":\"DEP-DEU\","
			     "\"handover_point\":\"HP-MED\",\"destination\":\"UA-UNIT-E\","
			     "\"planned_departure\":\"2026-01-01\",\"planned_arrival\":\"2026-01-09\"}",
			     &r), 201);
	snprintf(ship, sizeof ship, "%s", jstr(r.json, "id"));
	snprintf(body, sizeof body, "{\"shipment\":\"%s\",\"allocation\":\"%s\","
		 "\"item\":\"ART-155-M795\",\"quantity\":60}", ship, alloc);
	ck_assert_msg(req(s, "POST", "/api/v1/shipment_lines", t.planner, body, &r) == 201,
		      "line: %s", r.body);
	date_utc(-1, day);
	snprintf(at, sizeof at, "%sT06:00:00Z", day);
	snprintf(body, sizeof body, "{\"id\":\"0190a000-0000-7000-8000-00000000d001\","
		 "\"type\":\"dispatched\",\"at\":\"%s\",\"site\":\"DEP-DEU\",\"shipment\":\"%s\","
		 "\"quantity\":25}", at, ship);
	ck_assert_msg(req(s, "POST", "/api/v1/events", t.planner, body, &r) == 201,
		      "dispatch: %s", r.body);
	ck_assert_int_eq(move(s, t.liaison, "pledges", pledge, "withdrawn", "changed plans", &r),
			 409);
	assert_problem(&r, 409, "conflict", "to");
	ck_assert_msg(strstr(jstr(r.json, "detail"), "25 units") != NULL, "%s", r.body);
	ck_assert_int_eq(move(s, t.officer, "requirements", req_id, "cancelled", "no longer needed",
			      &r), 409);
	assert_problem(&r, 409, "conflict", "to");
	assert_status(s, t.planner, "pledges", pledge, "announced");
	assert_status(s, t.planner, "allocations", alloc, "open");
	res_free(&r);
	server_end(s);
}
END_TEST

/* The report's items by id: coverage checked, priority as filtered. */
static void check_page(const json_t *page, const char *priority, json_t *seen)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(page, "items"), i, it) {
		json_t *cov = json_object_get(it, "coverage");

		if (priority)
			ck_assert_pstr_eq(jstr(it, "priority"), priority);
		ck_assert_msg(json_is_object(cov), "no coverage: %s", jstr(it, "id"));
		ck_assert_pstr_eq(jstr(cov, "requirement"), jstr(it, "id"));
		ck_assert_int_eq(jint(cov, "requested"), jint(it, "quantity"));
		ck_assert_int_eq(jint(cov, "remaining"), jint(cov, "requested") - jint(cov, "allocated"));
		/* Shipments move what is allocated: never more shipped than
		 * allocated, never more delivered than shipped. */
		ck_assert_int_le(jint(cov, "shipped"), jint(cov, "allocated"));
		ck_assert_int_le(jint(cov, "delivered"), jint(cov, "shipped"));
		ck_assert_int_ge(jint(cov, "delivered"), 0);
		json_object_set(seen, jstr(it, "id"), cov);
	}
}

/* The demo has requirements of its own; created_by=officer.ukr picks this
 * test's (ZZR's is the planner's). */
START_TEST(coverage_report)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char p1a[ID_LEN], p1b[ID_LEN], p1c[ID_LEN], p1d[ID_LEN], p2a[ID_LEN], p2b[ID_LEN];
	char zzr[ID_LEN], pledge[ID_LEN], url[512];
	json_t *seen = json_object();

	add_recipient_zzr(s, t.admin);
	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 10, "P1", p1a);
	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 20, "P1", p1b);
	new_validated(s, t.officer, t.planner, NULL, "AMMO-155-HE", 30, "P1", p1c);
	new_requirement(s, t.officer, "UKR", "ART-155-M795", NULL, 40, "P1", p1d);
	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 50, "P2", p2a);
	new_validated(s, t.officer, t.planner, "ART-155-M795", NULL, 60, "P2", p2b);
	new_requirement(s, t.planner, "ZZR", "ART-155-M795", NULL, 70, "P1", zzr);
	new_materiel(s, t.liaison, "DEU", "ART-155-M795", 1000, PLEDGED_ON, pledge);
	allocate_ok(s, t.planner, pledge, p1a, 10, NULL);
	allocate_ok(s, t.planner, pledge, p1b, 5, NULL);
	allocate_ok(s, t.planner, pledge, p1c, 7, NULL);
	allocate_ok(s, t.planner, pledge, p2a, 11, NULL);

	/* P1 only, three to a page, every page's coverage right. */
	char *cursor = NULL;
	int pages = 0;
	do {
		snprintf(url, sizeof url,
			 "/api/v1/reports/coverage?priority=P1&created_by=officer.ukr&limit=3%s%s",
			 cursor ? "&cursor=" : "", cursor ? cursor : "");
		free(cursor);
		cursor = NULL;
		req(s, "GET", url, t.planner, NULL, &r);
		ck_assert_msg(r.status == 200, "%s: %ld %s", url, r.status, r.body);
		ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), pages ? 1 : 3);
		check_page(r.json, "P1", seen);
		if (json_is_string(json_object_get(r.json, "next_cursor")))
			cursor = strdup(jstr(r.json, "next_cursor"));
		ck_assert_int_lt(++pages, 10);
	} while (cursor);
	ck_assert_int_eq(pages, 2);
	ck_assert_uint_eq(json_object_size(seen), 4);
	ck_assert_int_eq(jint(json_object_get(seen, p1a), "allocated"), 10);
	ck_assert_int_eq(jint(json_object_get(seen, p1a), "remaining"), 0);
	ck_assert_int_eq(jint(json_object_get(seen, p1b), "allocated"), 5);
	ck_assert_int_eq(jint(json_object_get(seen, p1b), "remaining"), 15);
	ck_assert_int_eq(jint(json_object_get(seen, p1c), "allocated"), 7);
	ck_assert_int_eq(jint(json_object_get(seen, p1c), "requested"), 30);
	ck_assert_int_eq(jint(json_object_get(seen, p1d), "allocated"), 0);
	ck_assert_int_eq(jint(json_object_get(seen, p1d), "remaining"), 40);

	/* Filters combine. */
	json_object_clear(seen);
	req(s, "GET", "/api/v1/reports/coverage?priority=P2&created_by=officer.ukr", t.auditor, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	check_page(r.json, "P2", seen);
	ck_assert_uint_eq(json_object_size(seen), 2);
	ck_assert_int_eq(jint(json_object_get(seen, p2a), "allocated"), 11);
	ck_assert_int_eq(jint(json_object_get(seen, p2b), "allocated"), 0);
	json_object_clear(seen);
	req(s, "GET", "/api/v1/reports/coverage?priority=P1&status=partially_met&created_by=officer.ukr",
	    t.planner, NULL, &r);
	check_page(r.json, "P1", seen);
	ck_assert_uint_eq(json_object_size(seen), 2);
	ck_assert(json_object_get(seen, p1b) && json_object_get(seen, p1c));
	/* The officer sees its nation's only; the planner and liaison all. */
	json_object_clear(seen);
	req(s, "GET", "/api/v1/reports/coverage?priority=P1&limit=500", t.officer, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	check_page(r.json, "P1", seen);
	ck_assert(json_object_get(seen, p1a) && json_object_get(seen, p1d));
	ck_assert_ptr_null(json_object_get(seen, zzr));
	ck_assert_ptr_null(json_object_get(seen, p2a));
	json_object_clear(seen);
	req(s, "GET", "/api/v1/reports/coverage?priority=P1&limit=500", t.planner, NULL, &r);
	check_page(r.json, "P1", seen);
	ck_assert(json_object_get(seen, p1a) && json_object_get(seen, zzr));
	ck_assert_int_eq(jint(json_object_get(seen, zzr), "requested"), 70);
	json_object_clear(seen);
	/* A donor sees no draft; once submitted, ZZR's requirement shows. */
	req(s, "GET", "/api/v1/reports/coverage?nation=ZZR", t.liaison, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	check_page(r.json, NULL, seen);
	ck_assert_uint_eq(json_object_size(seen), 0);
	snprintf(url, sizeof url, "/api/v1/requirements/%s/transition", zzr);
	req(s, "POST", url, t.planner, "{\"to\":\"submitted\"}", &r);
	ck_assert_int_eq(r.status, 200);
	req(s, "GET", "/api/v1/reports/coverage?nation=ZZR", t.liaison, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	check_page(r.json, NULL, seen);
	ck_assert_uint_eq(json_object_size(seen), 1);

	/* Refusals. */
	req(s, "GET", "/api/v1/reports/coverage", t.node, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/reports/coverage?priority=P9", t.planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "priority");
	req(s, "GET", "/api/v1/reports/coverage?colour=red", t.planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "colour");
	req(s, "GET", "/api/v1/reports/coverage?cursor=nonsense", t.planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "cursor");
	snprintf(url, sizeof url, "/api/v1/requirements/%s/coverage", zzr);
	req(s, "GET", url, t.officer, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	snprintf(url, sizeof url, "/api/v1/requirements/%s/coverage", p1a);
	req(s, "GET", url, t.node, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/requirements/REQ-NONE/coverage", t.planner, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	json_decref(seen);
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_allocations(void)
{
	Suite *s = suite_create("allocations");
	TCase *tc = api_tcase("allocations");

	tcase_add_test(tc, allocation_rules);
	tcase_add_test(tc, allocation_states);
	tcase_add_test(tc, allocation_limits);
	tcase_add_test(tc, allocation_release);
	tcase_add_test(tc, allocation_concurrency);
	tcase_add_test(tc, coverage_report);
	tcase_add_test(tc, coverage_follows_shipments);
	tcase_add_test(tc, shipped_allocations_stay);
	suite_add_tcase(s, tc);
	return s;
}
