/*
 * test_plans.c - allocation plans (issue #7) against the real server:
 * POST /api/v1/plans runs the optimiser over the database, the plan is
 * read back with its problem and its diff, and approving it creates its
 * allocations; a plan whose inputs changed is refused.
 *
 * Each test adds a small network of its own (a depot DEP-TA, a node
 * LN-TA, a crossing HP-TA) and requirements and pledges of items no demo
 * record asks for or offers (ART-M777, AT-NLAW), so what the plan does
 * with them can be worked out by hand, whatever it does with the demo's
 * own open requirements (which every plan also covers).
 *
 * The setup, as of today (day 0):
 *   lanes  DEP-TA > LN-TA 2 days EUR 5;  LN-TA > HP-TA 1 day EUR 3;
 *          DEP-TA > HP-TA 6 days EUR 1 (slow but cheap)
 *   REQ A  10 ART-M777, P1, needed by day 10 at HP-TA
 *   REQ B  100 AT-NLAW, P2, needed by day 2 at HP-TA
 *   PLG A  6 ART-M777 from DEP-TA, committed
 *   PLG B  150 AT-NLAW from DEP-TA, committed
 *   PLG C  3 ART-M777 without an origin: left out, "unroutable: no origin"
 * Worked out by hand: A gets PLG A's 6 by the cheap direct lane, on time
 * on day 6 (both routes are on time; cost decides: 6 x 1 EUR); B gets
 * 100 of PLG B through the node, arriving on day 3, one day late (the
 * direct lane would be four days late: lateness decides).
 */
#include "donations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_plans(void);  /* run by main.c */

struct actors {
	const char *admin, *planner, *liaison, *officer, *auditor;
};

struct setup {
	char req_a[ID_LEN], req_b[ID_LEN], plg_a[ID_LEN], plg_b[ID_LEN], plg_c[ID_LEN];
};

static struct server *start(struct actors *t)
{
	struct server *s = server_start(NULL);

	t->admin = login_as(s, "admin");
	t->planner = login_as(s, "planner");
	t->liaison = login_as(s, "liaison.deu");
	t->officer = login_as(s, "officer.ukr");
	t->auditor = login_as(s, "auditor");
	return s;
}

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

static void site(const struct server *s, const char *admin, const char *code, const char *kind)
{
	post_ok(s, admin, "/api/v1/sites",
		json_pack("{s:s, s:s, s:s, s:s, s:f, s:f}", "code", code, "name", "Plan test site",
			  "kind", kind, "nation", "POL", "lat", 50.0, "lon", 22.0), NULL);
}

static void lane(const struct server *s, const char *planner, const char *from, const char *to,
		 int days, double cost)
{
	post_ok(s, planner, "/api/v1/lanes",
		json_pack("{s:s, s:s, s:s, s:i, s:f}", "from_site", from, "to_site", to, "mode",
			  "road", "transit_days", days, "cost_eur", cost), NULL);
}

/* A UKR requirement to HP-TA needed in @days days, validated. */
static void requirement(const struct server *s, const struct actors *t, const char *item,
			long long qty, const char *priority, int days, char id[ID_LEN])
{
	char needed_by[16];

	date_utc(days, needed_by);
	post_ok(s, t->officer, "/api/v1/requirements",
		json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "nation", "UKR", "item", item,
			  "quantity", (json_int_t)qty, "priority", priority, "needed_by", needed_by,
			  "destination", "HP-TA"), id);
	move_ok(s, t->officer, "requirements", id, "submitted", NULL);
	move_ok(s, t->planner, "requirements", id, "validated", NULL);
}

/* A German materiel pledge from @origin (NULL: none), committed. */
static void pledge(const struct server *s, const struct actors *t, const char *item,
		   long long qty, const char *origin, char id[ID_LEN])
{
	post_ok(s, t->liaison, "/api/v1/pledges",
		json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s?}", "nation", "DEU", "kind", "materiel",
			  "pledged_on", PLEDGED_ON, "item", item, "quantity", (json_int_t)qty,
			  "condition", "new", "origin", origin), id);
	move_ok(s, t->liaison, "pledges", id, "committed", NULL);
}

static void set_up(const struct server *s, const struct actors *t, struct setup *u)
{
	site(s, t->admin, "DEP-TA", "depot");
	site(s, t->admin, "LN-TA", "logistics_node");
	site(s, t->admin, "HP-TA", "handover_point");
	lane(s, t->planner, "DEP-TA", "LN-TA", 2, 5);
	lane(s, t->planner, "LN-TA", "HP-TA", 1, 3);
	lane(s, t->planner, "DEP-TA", "HP-TA", 6, 1);
	requirement(s, t, "ART-M777", 10, "P1", 10, u->req_a);
	requirement(s, t, "AT-NLAW", 100, "P2", 2, u->req_b);
	pledge(s, t, "ART-M777", 6, "DEP-TA", u->plg_a);
	pledge(s, t, "AT-NLAW", 150, "DEP-TA", u->plg_b);
	pledge(s, t, "ART-M777", 3, NULL, u->plg_c);
}

/* POST /api/v1/plans with @body; asserts 201 and copies the id. */
static json_t *run_plan(const struct server *s, const char *token, const char *body,
			char id[ID_LEN])
{
	struct http_res r = {0};
	char path[128];

	req(s, "POST", "/api/v1/plans", token, body, &r);
	ck_assert_msg(r.status == 201, "run: %ld %s", r.status, r.body);
	copy_id(&r, id);
	snprintf(path, sizeof path, "/api/v1/plans/%s", id);
	ck_assert_str_eq(r.location, path);
	json_t *plan = json_incref(r.json);
	res_free(&r);
	return plan;
}

static long move_plan(const struct server *s, const char *token, const char *id, const char *to,
		      const char *reason, struct http_res *r)
{
	return move(s, token, "plans", id, to, reason, r);
}

/* The allocations whose @query matches (one page). */
static json_t *allocations(const struct server *s, const char *token, const char *query)
{
	char path[256];

	snprintf(path, sizeof path, "/api/v1/allocations?limit=500&%s", query);
	json_t *page = get_ok(s, token, path);
	json_t *items = json_incref(json_object_get(page, "items"));
	json_decref(page);
	return items;
}

/* The proposal (or diff line) of @plan's list @list for requirement @req. */
static json_t *for_requirement(const json_t *list, const char *req)
{
	json_t *row = row_where(list, "requirement", req);

	ck_assert_msg(row != NULL, "nothing for %s", req);
	return row;
}

/* ==== Run, review, approve. ================================================== */

START_TEST(run_review_approve)
{
	struct actors t;
	struct server *s = start(&t);
	struct setup u;
	struct http_res r = {0};
	char id[ID_LEN], path[192], today[16], day3[16], day6[16];

	set_up(s, &t, &u);
	date_utc(0, today);
	date_utc(3, day3);
	date_utc(6, day6);
	json_t *plan = run_plan(s, t.planner, "{\"title\":\"winter run\"}", id);

	/* The record. */
	ck_assert_msg(strncmp(id, "PLAN-", 5) == 0, "%s", id);
	ck_assert_pstr_eq(jstr(plan, "status"), "draft");
	ck_assert_pstr_eq(jstr(plan, "title"), "winter run");
	ck_assert_pstr_eq(jstr(plan, "as_of"), today);
	ck_assert_pstr_eq(jstr(plan, "created_by"), "planner");
	ck_assert_uint_eq(strlen(jstr(plan, "inputs_digest")), 64);
	ck_assert_uint_eq(strlen(jstr(plan, "result_digest")), 64);
	ck_assert(json_is_null(json_object_get(plan, "approved_by")));
	ck_assert(!json_object_get(plan, "problem") && !json_object_get(plan, "result"));
	ck_assert_int_ge(jint(plan, "requirements"), 2);
	ck_assert_int_ge(jint(plan, "allocations"), 2);

	/* The proposals, worked out by hand (see the top of the file). */
	const json_t *result = json_object_get(plan, "plan");
	const json_t *props = json_object_get(result, "allocations");
	json_t *a = for_requirement(props, u.req_a), *b = for_requirement(props, u.req_b);
	ck_assert_pstr_eq(jstr(a, "pledge"), u.plg_a);
	ck_assert_int_eq(jint(a, "quantity"), 6);
	ck_assert_pstr_eq(jstr(a, "route"), "DEP-TA > HP-TA");
	ck_assert_pstr_eq(jstr(a, "expected_on"), day6);
	ck_assert_int_eq(jint(a, "days_late"), 0);
	ck_assert_pstr_eq(jstr(b, "pledge"), u.plg_b);
	ck_assert_int_eq(jint(b, "quantity"), 100);
	ck_assert_pstr_eq(jstr(b, "route"), "DEP-TA > LN-TA > HP-TA");
	ck_assert_pstr_eq(jstr(b, "expected_on"), day3);
	ck_assert_int_eq(jint(b, "days_late"), 1);
	ck_assert_msg(row_where(json_object_get(result, "left_out"), "pledge", u.plg_c),
		      "pledge without origin not named: %s", json_dumps(result, 0));
	ck_assert_pstr_eq(jstr(row_where(json_object_get(result, "left_out"), "pledge", u.plg_c),
			       "reason"), "unroutable: no origin");
	ck_assert(json_is_array(json_object_get(result, "flows")));
	ck_assert(json_is_array(json_object_get(result, "shortfalls")));
	ck_assert(!json_object_get(result, "solve_ms"));

	/* Read back: the record with its plan, the problem, the list. */
	snprintf(path, sizeof path, "/api/v1/plans/%s", id);
	json_t *got = get_ok(s, t.planner, path);
	ck_assert(json_equal(json_object_get(got, "plan"), (json_t *)result));
	ck_assert_pstr_eq(jstr(got, "result_digest"), jstr(plan, "result_digest"));
	json_decref(got);
	snprintf(path, sizeof path, "/api/v1/plans/%s/problem", id);
	json_t *problem = get_ok(s, t.planner, path);
	ck_assert_pstr_eq(jstr(problem, "as_of"), today);
	json_t *d = row_where(json_object_get(problem, "demands"), "id", u.req_a);
	ck_assert_msg(d != NULL, "demand A missing");
	ck_assert_int_eq(jint(d, "quantity"), 10);
	json_t *sp = row_where(json_object_get(problem, "supplies"), "id", u.plg_a);
	ck_assert_msg(sp != NULL, "supply A missing");
	ck_assert_pstr_eq(jstr(sp, "origin"), "DEP-TA");
	ck_assert(row_where(json_object_get(problem, "supplies"), "id", u.plg_c) == NULL);
	json_decref(problem);
	json_t *list = get_ok(s, t.auditor, "/api/v1/plans?status=draft&limit=500");
	ck_assert(row_where(json_object_get(list, "items"), "id", id) != NULL);
	json_decref(list);

	/* The diff: nothing allocated yet, what the plan adds. */
	snprintf(path, sizeof path, "/api/v1/plans/%s/diff", id);
	json_t *diff = get_ok(s, t.planner, path);
	ck_assert(json_is_false(json_object_get(diff, "stale")));
	json_t *la = for_requirement(json_object_get(diff, "requirements"), u.req_a);
	ck_assert_int_eq(jint(la, "requested"), 10);
	ck_assert_int_eq(jint(la, "current_units"), 0);
	ck_assert_int_eq(jint(la, "proposed_units"), 6);
	ck_assert_int_eq(jint(la, "remaining_units"), 4);
	json_t *lb = for_requirement(json_object_get(diff, "requirements"), u.req_b);
	ck_assert_int_eq(jint(lb, "proposed_units"), 100);
	ck_assert_int_eq(jint(lb, "remaining_units"), 0);
	ck_assert_int_eq(jint(json_object_get(diff, "totals"), "allocations"),
			 jint(plan, "allocations"));
	json_decref(diff);

	/* Approval creates the allocations, with the plan, route and date. */
	long long before = audit_count(s, t.admin);
	move_plan(s, t.planner, id, "approved", NULL, &r);
	ck_assert_msg(r.status == 200, "approve: %ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "approved");
	ck_assert_pstr_eq(jstr(r.json, "approved_by"), "planner");
	char q[96];
	snprintf(q, sizeof q, "plan=%s", id);
	json_t *made = allocations(s, t.planner, q);
	ck_assert_int_eq((long long)json_array_size(made), jint(plan, "allocations"));
	json_t *ma = for_requirement(made, u.req_a), *mb = for_requirement(made, u.req_b);
	ck_assert_pstr_eq(jstr(ma, "pledge"), u.plg_a);
	ck_assert_int_eq(jint(ma, "quantity"), 6);
	ck_assert_pstr_eq(jstr(ma, "route"), "DEP-TA > HP-TA");
	ck_assert_pstr_eq(jstr(ma, "expected_on"), day6);
	ck_assert_pstr_eq(jstr(ma, "plan"), id);
	ck_assert_pstr_eq(jstr(ma, "status"), "open");
	ck_assert_int_eq(jint(mb, "quantity"), 100);
	ck_assert_pstr_eq(jstr(mb, "expected_on"), day3);
	json_decref(made);
	assert_status(s, t.planner, "requirements", u.req_a, "partially_met");
	assert_status(s, t.planner, "requirements", u.req_b, "met");
	assert_coverage(s, t.planner, u.req_a, 10, 6);
	/* Audited: the move, each allocation, the requirements' moves, approved_by. */
	ck_assert_int_gt(audit_count(s, t.admin), before + 4);

	/* Approved once only; an approved plan is never stale. */
	move_plan(s, t.planner, id, "approved", NULL, &r);
	assert_problem(&r, 409, "conflict", "to");
	move_plan(s, t.planner, id, "discarded", NULL, &r);
	assert_problem(&r, 409, "conflict", "to");
	snprintf(path, sizeof path, "/api/v1/plans/%s/diff", id);
	diff = get_ok(s, t.planner, path);
	ck_assert(json_is_false(json_object_get(diff, "stale")));
	la = for_requirement(json_object_get(diff, "requirements"), u.req_a);
	ck_assert_int_eq(jint(la, "current_units"), 6);
	ck_assert_pstr_eq(jstr(json_array_get(json_object_get(la, "current"), 0), "plan"), id);
	json_decref(diff);

	/* The next plan starts from what is left. */
	char next[ID_LEN];
	json_t *plan2 = run_plan(s, t.planner, "{}", next);
	const json_t *props2 = json_object_get(json_object_get(plan2, "plan"), "allocations");
	ck_assert(row_where(props2, "requirement", u.req_b) == NULL);
	ck_assert(row_where(props2, "requirement", u.req_a) == NULL);
	ck_assert(json_is_null(json_object_get(plan2, "title")));
	json_decref(plan2);
	json_decref(plan);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Inputs that changed since the run. ===================================== */

START_TEST(stale_plan_refused)
{
	struct actors t;
	struct server *s = start(&t);
	struct setup u;
	struct http_res r = {0};
	char id[ID_LEN], other[ID_LEN], path[192], q[96];

	set_up(s, &t, &u);
	json_decref(run_plan(s, t.planner, "{}", id));
	/* A new lane changes the problem. */
	lane(s, t.planner, "LN-TA", "HP-MED", 2, 4);
	snprintf(path, sizeof path, "/api/v1/plans/%s/diff", id);
	json_t *diff = get_ok(s, t.auditor, path);
	ck_assert(json_is_true(json_object_get(diff, "stale")));
	ck_assert_msg(strstr(jstr(diff, "stale_reason"), "run it again"), "%s",
		      jstr(diff, "stale_reason"));
	json_decref(diff);

	long long before = audit_count(s, t.admin);
	move_plan(s, t.planner, id, "approved", NULL, &r);
	assert_problem(&r, 409, "conflict", "to");
	ck_assert_msg(strstr(jstr(r.json, "detail"), "inputs changed since the plan was run"),
		      "%s", r.body);
	snprintf(q, sizeof q, "plan=%s", id);
	json_t *made = allocations(s, t.planner, q);
	ck_assert_uint_eq(json_array_size(made), 0);
	json_decref(made);
	assert_status(s, t.planner, "plans", id, "draft");
	assert_status(s, t.planner, "requirements", u.req_a, "validated");
	ck_assert_int_eq(audit_count(s, t.admin), before);

	/* Discarded, with or without a reason; final. */
	move_plan(s, t.planner, id, "discarded", "superseded by a later run", &r);
	ck_assert_msg(r.status == 200, "discard: %ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "discarded");
	ck_assert_pstr_eq(jstr(r.json, "status_reason"), "superseded by a later run");
	move_plan(s, t.planner, id, "approved", NULL, &r);
	assert_problem(&r, 409, "conflict", "to");
	json_decref(run_plan(s, t.planner, "{}", other));
	move_plan(s, t.planner, other, "discarded", NULL, &r);
	ck_assert_msg(r.status == 200, "discard: %ld %s", r.status, r.body);
	ck_assert(json_is_null(json_object_get(r.json, "status_reason")));

	/* A fresh run over the changed inputs is approved. */
	json_decref(run_plan(s, t.planner, "{}", other));
	move_plan(s, t.planner, other, "approved", NULL, &r);
	ck_assert_msg(r.status == 200, "approve: %ld %s", r.status, r.body);
	assert_status(s, t.planner, "requirements", u.req_b, "met");
	res_free(&r);
	server_end(s);
}
END_TEST

/* Approval runs the allocation rules: a pledge taken meanwhile by hand
 * changes the inputs, so the plan is refused rather than over-allocating. */
START_TEST(allocation_meanwhile)
{
	struct actors t;
	struct server *s = start(&t);
	struct setup u;
	struct http_res r = {0};
	char id[ID_LEN], q[96];

	set_up(s, &t, &u);
	json_decref(run_plan(s, t.planner, "{}", id));
	allocate_ok(s, t.planner, u.plg_b, u.req_b, 100, NULL);
	move_plan(s, t.planner, id, "approved", NULL, &r);
	assert_problem(&r, 409, "conflict", "to");
	snprintf(q, sizeof q, "pledge=%s", u.plg_b);
	json_t *made = allocations(s, t.planner, q);
	ck_assert_uint_eq(json_array_size(made), 1);
	json_decref(made);
	assert_coverage(s, t.planner, u.req_b, 100, 100);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Who may. ==================================================================== */

START_TEST(permissions)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char id[ID_LEN], path[192];
	const char *node = login_as(s, "node.rze");

	json_decref(run_plan(s, t.planner, "{}", id));
	/* No row for them in the table: refused, whatever the plan. */
	const char *none[] = {t.liaison, t.officer, node};
	for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
		req(s, "GET", "/api/v1/plans", none[i], NULL, &r);
		assert_problem(&r, 403, "forbidden", NULL);
		snprintf(path, sizeof path, "/api/v1/plans/%s", id);
		req(s, "GET", path, none[i], NULL, &r);
		assert_problem(&r, 403, "forbidden", NULL);
		snprintf(path, sizeof path, "/api/v1/plans/%s/diff", id);
		req(s, "GET", path, none[i], NULL, &r);
		assert_problem(&r, 403, "forbidden", NULL);
		snprintf(path, sizeof path, "/api/v1/plans/%s/problem", id);
		req(s, "GET", path, none[i], NULL, &r);
		assert_problem(&r, 403, "forbidden", NULL);
		req(s, "POST", "/api/v1/plans", none[i], "{}", &r);
		assert_problem(&r, 403, "forbidden", NULL);
		move_plan(s, none[i], id, "approved", NULL, &r);
		assert_problem(&r, 403, "forbidden", NULL);
	}
	/* Admins and auditors read; only planners run and move. */
	const char *readers[] = {t.admin, t.auditor};
	for (size_t i = 0; i < 2; i++) {
		const char *what[] = {"", "/diff", "/problem"};
		for (size_t k = 0; k < 3; k++) {
			snprintf(path, sizeof path, "/api/v1/plans/%s%s", id, what[k]);
			req(s, "GET", path, readers[i], NULL, &r);
			ck_assert_msg(r.status == 200, "GET %s: %ld", path, r.status);
		}
		req(s, "POST", "/api/v1/plans", readers[i], "{}", &r);
		assert_problem(&r, 403, "forbidden", NULL);
		move_plan(s, readers[i], id, "approved", NULL, &r);
		assert_problem(&r, 403, "forbidden", NULL);
		move_plan(s, readers[i], id, "discarded", NULL, &r);
		assert_problem(&r, 403, "forbidden", NULL);
	}
	assert_status(s, t.planner, "plans", id, "draft");
	/* Unknown plans; plans are never edited or deleted. */
	req(s, "GET", "/api/v1/plans/PLAN-NONE", t.planner, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v1/plans/PLAN-NONE/diff", t.planner, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "GET", "/api/v1/plans/PLAN-NONE/problem", t.auditor, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	move_plan(s, t.planner, "PLAN-NONE", "approved", NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	snprintf(path, sizeof path, "/api/v1/plans/%s", id);
	req(s, "PATCH", path, t.planner, "{\"title\":\"x\"}", &r);
	ck_assert_int_eq(r.status, 405);
	req(s, "DELETE", path, t.planner, NULL, &r);
	ck_assert_int_eq(r.status, 405);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Bodies. ====================================================================== */

START_TEST(bad_bodies)
{
	struct actors t;
	struct server *s = start(&t);
	struct http_res r = {0};
	char long_title[260], body[320], id[ID_LEN];
	static const struct {
		const char *body, *field;
	} bad[] = {
		{"{\"title\":5}", "title"},
		{"{\"title\":null,\"as_of\":\"2026-02-30\"}", "as_of"},
		{"{\"as_of\":\"27.11.2026\"}", "as_of"},
		{"{\"as_of\":\"1969-12-31\"}", "as_of"},
		{"{\"as_of\":20261127}", "as_of"},
		/* A plan is never written by a client. */
		{"{\"status\":\"approved\"}", "status"},
		{"{\"inputs_digest\":\"00\"}", "inputs_digest"},
		{"{\"allocations\":[]}", "allocations"},
	};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		req(s, "POST", "/api/v1/plans", t.planner, bad[i].body, &r);
		assert_problem(&r, 400, "invalid-field", bad[i].field);
	}
	memset(long_title, 'x', 201);
	long_title[201] = '\0';
	snprintf(body, sizeof body, "{\"title\":\"%s\"}", long_title);
	req(s, "POST", "/api/v1/plans", t.planner, body, &r);
	assert_problem(&r, 400, "invalid-field", "title");
	req(s, "POST", "/api/v1/plans", t.planner, "[1]", &r);
	ck_assert_int_eq(r.status, 400);
	req(s, "POST", "/api/v1/plans", t.planner, "{\"title\":", &r);
	ck_assert_int_eq(r.status, 400);
	json_t *list = get_ok(s, t.planner, "/api/v1/plans?limit=500");
	size_t plans = json_array_size(json_object_get(list, "items"));
	json_decref(list);
	ck_assert_uint_eq(plans, 1);   /* the demo's */

	/* A title of 200 characters, and a run as of another day. */
	long_title[200] = '\0';
	snprintf(body, sizeof body, "{\"title\":\"%s\",\"as_of\":\"2027-01-15\"}", long_title);
	json_t *plan = run_plan(s, t.planner, body, id);
	ck_assert_pstr_eq(jstr(plan, "as_of"), "2027-01-15");
	ck_assert_pstr_eq(jstr(json_object_get(plan, "plan"), "as_of"), "2027-01-15");
	json_decref(plan);
	move_plan(s, t.planner, id, "nowhere", NULL, &r);
	assert_problem(&r, 409, "conflict", "to");
	req(s, "GET", "/api/v1/plans?status=nowhere", t.planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "status");
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Reproducible. ================================================================ */

START_TEST(deterministic)
{
	struct actors t;
	struct server *s = start(&t);
	struct setup u;
	char one[ID_LEN], two[ID_LEN], path[192];

	set_up(s, &t, &u);
	json_t *a = run_plan(s, t.planner, "{\"title\":\"one\"}", one);
	json_t *b = run_plan(s, t.planner, "{\"title\":\"two\"}", two);
	ck_assert_str_ne(one, two);
	ck_assert_pstr_eq(jstr(a, "inputs_digest"), jstr(b, "inputs_digest"));
	ck_assert_pstr_eq(jstr(a, "result_digest"), jstr(b, "result_digest"));
	ck_assert(json_equal(json_object_get(a, "plan"), json_object_get(b, "plan")));
	snprintf(path, sizeof path, "/api/v1/plans/%s/problem", one);
	json_t *pa = get_ok(s, t.auditor, path);
	snprintf(path, sizeof path, "/api/v1/plans/%s/problem", two);
	json_t *pb = get_ok(s, t.auditor, path);
	ck_assert(json_equal(pa, pb));
	json_decref(pa);
	json_decref(pb);
	/* Another start day is another problem. */
	char three[ID_LEN];
	json_t *c = run_plan(s, t.planner, "{\"as_of\":\"2027-03-01\"}", three);
	ck_assert_pstr_ne(jstr(a, "inputs_digest"), jstr(c, "inputs_digest"));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	server_end(s);
}
END_TEST

Suite *suite_plans(void)
{
	Suite *s = suite_create("plans");
	TCase *tc = api_tcase("plans");

	tcase_add_test(tc, run_review_approve);
	tcase_add_test(tc, stale_plan_refused);
	tcase_add_test(tc, allocation_meanwhile);
	tcase_add_test(tc, permissions);
	tcase_add_test(tc, bad_bodies);
	tcase_add_test(tc, deterministic);
	suite_add_tcase(s, tc);
	return s;
}
