/*
 * test_schema.c - GET /api/v1/schema: each role's view of the server's
 * specs, and that it tells the truth: what it lists, the server does.
 */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_schema(void);  /* run by main.c */

static const char *const DEMO_USERS[] = {
	"admin", "planner", "liaison.deu", "officer.ukr", "node.rze", "facility.grf", "auditor",
};
#define NUSERS (sizeof DEMO_USERS / sizeof *DEMO_USERS)

static json_t *schema_of(struct server *s, const char *user)
{
	return get_ok(s, login_as(s, user), "/api/v1/schema");
}

static json_t *entity(const json_t *schema, const char *name)
{
	return json_object_get(json_object_get(schema, "entities"), name);
}

static json_t *field(const json_t *ent, const char *name)
{
	return row_where(json_object_get(ent, "fields"), "name", name);
}

static bool has_move(const json_t *ent, const char *from, const char *to)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(ent, "transitions"), i, t) {
		if (strcmp(jstr(t, "from"), from) == 0 && strcmp(jstr(t, "to"), to) == 0)
			return true;
	}
	return false;
}

static bool in_list(const json_t *list, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v) {
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

START_TEST(planner_view)
{
	struct server *s = server_start(NULL);
	json_t *sc = schema_of(s, "planner"), *req = entity(sc, "requirements"), *f;

	ck_assert_pstr_eq(jstr(sc, "role"), "planner");
	ck_assert(json_is_null(json_object_get(sc, "nation")));
	ck_assert(json_is_null(json_object_get(sc, "site")));
	ck_assert_msg(req, "no requirements: %s", json_dumps(sc, 0));
	ck_assert_pstr_eq(jstr(req, "actions"), "rcu");
	ck_assert_pstr_eq(jstr(req, "key"), "id");
	ck_assert_pstr_eq(jstr(req, "scope_nation"), "nation");
	ck_assert(json_is_null(json_object_get(req, "scope_site")));
	ck_assert(has_move(req, "submitted", "validated"));
	ck_assert(!json_is_true(json_object_get(row_where(json_object_get(req, "transitions"), "to",
							  "validated"), "reason")));
	ck_assert(json_is_true(json_object_get(row_where(json_object_get(req, "transitions"), "to",
							 "rejected"), "reason")));
	/* The system's own moves (allocations make a requirement met) are
	 * never offered. */
	ck_assert(!row_where(json_object_get(req, "transitions"), "to", "met"));
	ck_assert(!row_where(json_object_get(req, "transitions"), "to", "partially_met"));

	f = field(req, "priority");
	ck_assert_pstr_eq(jstr(f, "type"), "enum");
	ck_assert(json_is_true(json_object_get(f, "required")));
	ck_assert(json_is_true(json_object_get(f, "filter")));
	ck_assert_int_eq(json_array_size(json_object_get(f, "choices")), 4);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "choices"), 0)), "P1");
	ck_assert_ptr_null(json_object_get(f, "min"));
	ck_assert_ptr_null(json_object_get(f, "ref"));
	f = field(req, "id");
	ck_assert(json_is_true(json_object_get(f, "key")));
	ck_assert(json_is_true(json_object_get(f, "readonly")));
	f = field(req, "quantity");
	ck_assert_pstr_eq(jstr(f, "type"), "integer");
	ck_assert_int_eq(jint(f, "min"), 1);
	ck_assert_ptr_null(json_object_get(f, "choices"));
	f = field(req, "item");
	ck_assert_pstr_eq(jstr(f, "ref"), "items");
	ck_assert(json_is_true(json_object_get(f, "nullable")));
	f = field(entity(sc, "sites"), "lat");
	ck_assert_pstr_eq(jstr(f, "type"), "number");
	ck_assert(json_real_value(json_object_get(f, "min")) == -90.0);
	ck_assert(json_real_value(json_object_get(f, "max")) == 90.0);

	json_t *rep = json_object_get(sc, "reports");
	ck_assert_pstr_eq(jstr(rep, "coverage"), "r");
	ck_assert_pstr_eq(jstr(rep, "training_schedule"), "rc");
	ck_assert_ptr_null(json_object_get(rep, "audit"));
	ck_assert(in_list(json_object_get(sc, "event_types"), "destroyed"));
	json_decref(sc);
	server_end(s);
}
END_TEST

START_TEST(bound_roles_views)
{
	struct server *s = server_start(NULL);
	json_t *sc = schema_of(s, "liaison.deu");

	ck_assert_pstr_eq(jstr(sc, "role"), "donor_liaison");
	ck_assert_pstr_eq(jstr(sc, "nation"), "DEU");
	ck_assert(json_is_null(json_object_get(sc, "site")));
	ck_assert_pstr_eq(jstr(entity(sc, "pledges"), "actions"), "rcu");
	ck_assert_pstr_eq(jstr(entity(sc, "users"), "actions"), "r");
	ck_assert_pstr_eq(jstr(entity(sc, "requirements"), "actions"), "r");
	ck_assert_ptr_null(json_object_get(json_object_get(sc, "reports"), "audit"));
	/* Which fields belong to which kind of pledge: the rule's own table. */
	json_t *var = json_object_get(entity(sc, "pledges"), "variants");
	ck_assert_pstr_eq(jstr(var, "by"), "kind");
	json_t *funding = json_object_get(json_object_get(var, "kinds"), "funding");
	ck_assert(in_list(json_object_get(funding, "fields"), "earmark_coalition"));
	ck_assert(in_list(json_object_get(funding, "required"), "currency"));
	ck_assert(!in_list(json_object_get(funding, "required"), "earmark_coalition"));
	ck_assert(!in_list(json_object_get(funding, "fields"), "item"));
	ck_assert_uint_eq(json_object_size(json_object_get(var, "kinds")), 4);
	ck_assert(json_is_null(json_object_get(entity(sc, "requirements"), "variants")));
	/* A liaison may not read allocations, trainees or plans at all. */
	ck_assert_ptr_null(entity(sc, "allocations"));
	ck_assert_ptr_null(entity(sc, "trainees"));
	ck_assert_ptr_null(entity(sc, "plans"));
	json_decref(sc);

	sc = schema_of(s, "node.rze");
	ck_assert_pstr_eq(jstr(sc, "role"), "node_operator");
	ck_assert_pstr_eq(jstr(sc, "site"), "LN-RZE");
	ck_assert(in_list(json_object_get(sc, "event_types"), "arrived"));
	ck_assert(!in_list(json_object_get(sc, "event_types"), "destroyed"));
	ck_assert_pstr_eq(jstr(json_object_get(sc, "reports"), "node_report"), "r");
	ck_assert_ptr_null(entity(sc, "requirements"));
	json_decref(sc);

	/* Facility operators move repair orders without changing them. */
	sc = schema_of(s, "facility.grf");
	json_t *orders = entity(sc, "repair_orders");
	ck_assert_pstr_eq(jstr(orders, "actions"), "r");
	ck_assert(has_move(orders, "to_facility", "in_repair"));
	ck_assert(!has_move(orders, "requested", "approved"));
	json_decref(sc);

	sc = schema_of(s, "auditor");
	ck_assert_pstr_eq(jstr(json_object_get(sc, "reports"), "audit"), "r");
	ck_assert_int_eq(json_array_size(json_object_get(sc, "event_types")), 0);
	ck_assert_pstr_eq(jstr(entity(sc, "requirements"), "actions"), "r");
	ck_assert_int_eq(json_array_size(json_object_get(entity(sc, "requirements"), "transitions")),
			 0);
	json_decref(sc);
	server_end(s);
}
END_TEST

/* No role ever sees a private field; every field has a name, a type and a
 * doc; choices only on enums. */
START_TEST(no_private_fields)
{
	struct server *s = server_start(NULL);

	for (size_t u = 0; u < NUSERS; u++) {
		json_t *sc = schema_of(s, DEMO_USERS[u]), *ent, *f;
		const char *name;
		size_t i;

		char *text = json_dumps(sc, 0);
		ck_assert_ptr_nonnull(text);
		ck_assert_ptr_null(strstr(text, "password_hash"));
		free(text);
		json_object_foreach(json_object_get(sc, "entities"), name, ent) {
			ck_assert_msg(strchr(jstr(ent, "actions"), 'r'), "%s: %s without read",
				      DEMO_USERS[u], name);
			json_array_foreach(json_object_get(ent, "fields"), i, f) {
				ck_assert_msg(jstr(f, "name") && jstr(f, "type") && jstr(f, "doc"),
					      "%s.%zu", name, i);
				ck_assert_msg(strcmp(jstr(f, "name"), "password_hash") != 0, "%s", name);
				ck_assert_msg((json_object_get(f, "choices") != NULL) ==
						      (strcmp(jstr(f, "type"), "enum") == 0),
					      "%s.%s: choices", name, jstr(f, "name"));
			}
		}
		json_decref(sc);
	}
	server_end(s);
}
END_TEST

/* What the schema says about reading is what the server does: every entity
 * it lists lists (200), every entity it leaves out is refused (403). */
START_TEST(schema_matches_permissions)
{
	struct server *s = server_start(NULL);
	json_t *all = schema_of(s, "admin");
	struct http_res r = {0};
	char path[160];

	ck_assert_uint_ge(json_object_size(json_object_get(all, "entities")), 29);
	ck_assert_pstr_eq(jstr(json_object_get(all, "reports"), "audit"), "r");
	ck_assert_uint_eq(json_object_size(json_object_get(all, "reports")), 10);
	for (size_t u = 1; u < NUSERS; u++) {
		const char *token = login_as(s, DEMO_USERS[u]);
		json_t *sc = get_ok(s, token, "/api/v1/schema"), *ent;
		const char *name;

		json_object_foreach(json_object_get(all, "entities"), name, ent) {
			bool listed = entity(sc, name) != NULL;

			snprintf(path, sizeof path, "/api/v1/%s?limit=1", name);
			req(s, "GET", path, token, NULL, &r);
			ck_assert_msg(r.status == (listed ? 200 : 403), "%s GET %s: %ld (listed: %d)",
				      DEMO_USERS[u], path, r.status, listed);
		}
		/* The audit trail too. */
		req(s, "GET", "/api/v1/audit?limit=1", token, NULL, &r);
		ck_assert_int_eq(r.status,
				 json_object_get(json_object_get(sc, "reports"), "audit") ? 200 : 403);
		json_decref(sc);
	}
	json_decref(all);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(schema_needs_a_token_and_no_query)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};

	req(s, "GET", "/api/v1/schema", NULL, NULL, &r);
	assert_problem(&r, 401, "unauthorized", NULL);
	req(s, "GET", "/api/v1/schema?role=admin", login_as(s, "planner"), NULL, &r);
	assert_problem(&r, 400, "bad-request", "role");
	req(s, "POST", "/api/v1/schema", login_as(s, "planner"), "{}", &r);
	ck_assert_int_eq(r.status, 405);
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_schema(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = api_tcase("schema");

	tcase_add_test(tc, planner_view);
	tcase_add_test(tc, bound_roles_views);
	tcase_add_test(tc, no_private_fields);
	tcase_add_test(tc, schema_matches_permissions);
	tcase_add_test(tc, schema_needs_a_token_and_no_query);
	suite_add_tcase(s, tc);
	return s;
}
