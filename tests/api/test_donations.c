/*
 * test_donations.c - requirements and pledges: the role x transition matrix
 * of both workflows, the rules of requirements (item or group, recipient
 * nation, scope, drafts only changed), pledges (kind fields, scope,
 * conversion to EUR at the pledge date's rate), and the burden-sharing
 * report checked against figures computed here from the demo GDP.
 *
 * The demo data has requirements, pledges, rates and targets up to 2026;
 * every test makes its own records through the API and checks only those
 * (by id, by created_by, or in 2027, a year the demo leaves empty).
 * Allocations, their invariants under concurrency and the coverage report
 * are in test_allocations.c.
 */
#include "donations.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Helpers (declared in donations.h). ================================== */

long send_json(const struct server *s, const char *method, const char *path,
	       const char *token, json_t *body, struct http_res *r)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	long status;

	json_decref(body);
	ck_assert_msg(text != NULL, "%s %s: no body", method, path);
	status = req(s, method, path, token, text, r);
	free(text);
	return status;
}

static void copy_id(const struct http_res *r, char id[ID_LEN])
{
	const char *v = jstr(r->json, "id");

	ck_assert_msg(v && strlen(v) < ID_LEN, "no id: %s", r->body);
	snprintf(id, ID_LEN, "%s", v);
}

void new_requirement(const struct server *s, const char *token, const char *nation,
		     const char *item, const char *group, long long qty, const char *priority,
		     char id[ID_LEN])
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/requirements", token,
		  json_pack("{s:s, s:s?, s:s?, s:I, s:s, s:s, s:s}", "nation", nation, "item", item,
			    "substitution_group", group, "quantity", (json_int_t)qty, "priority",
			    priority, "needed_by", NEEDED_BY, "destination", "HP-MED"), &r);
	ck_assert_msg(r.status == 201, "new requirement: %ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "draft");
	copy_id(&r, id);
	res_free(&r);
}

void new_validated(const struct server *s, const char *officer, const char *planner,
		   const char *item, const char *group, long long qty, const char *priority,
		   char id[ID_LEN])
{
	new_requirement(s, officer, "UKR", item, group, qty, priority, id);
	move_ok(s, officer, "requirements", id, "submitted", NULL);
	move_ok(s, planner, "requirements", id, "validated", NULL);
}

void new_materiel(const struct server *s, const char *token, const char *nation,
		  const char *item, long long qty, const char *pledged_on, char id[ID_LEN])
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/pledges", token,
		  json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "nation", nation, "kind", "materiel",
			    "pledged_on", pledged_on, "item", item, "quantity", (json_int_t)qty,
			    "condition", "new"), &r);
	ck_assert_msg(r.status == 201, "new materiel pledge: %ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "announced");
	ck_assert(json_is_null(json_object_get(r.json, "amount_eur")));
	copy_id(&r, id);
	res_free(&r);
}

double new_funding(const struct server *s, const char *token, const char *nation,
		   double amount, const char *currency, const char *pledged_on, char id[ID_LEN])
{
	struct http_res r = {0};
	double eur;

	send_json(s, "POST", "/api/v1/pledges", token,
		  json_pack("{s:s, s:s, s:s, s:f, s:s, s:i}", "nation", nation, "kind", "funding",
			    "pledged_on", pledged_on, "amount", amount, "currency", currency,
			    "year", atoi(pledged_on)), &r);
	ck_assert_msg(r.status == 201, "new funding pledge: %ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "announced");
	ck_assert_msg(json_is_number(json_object_get(r.json, "amount_eur")), "%s", r.body);
	eur = json_number_value(json_object_get(r.json, "amount_eur"));
	copy_id(&r, id);
	res_free(&r);
	return eur;
}

long move(const struct server *s, const char *token, const char *entity, const char *id,
	  const char *to, const char *reason, struct http_res *r)
{
	char path[160];
	json_t *body = json_pack("{s:s}", "to", to);

	if (reason)
		json_object_set_new(body, "reason", json_string(reason));
	snprintf(path, sizeof path, "/api/v1/%s/%s/transition", entity, id);
	return send_json(s, "POST", path, token, body, r);
}

void move_ok(const struct server *s, const char *token, const char *entity, const char *id,
	     const char *to, const char *reason)
{
	struct http_res r = {0};

	move(s, token, entity, id, to, reason, &r);
	ck_assert_msg(r.status == 200, "%s %s -> %s: %ld %s", entity, id, to, r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), to);
	res_free(&r);
}

long allocate(const struct server *s, const char *token, const char *pledge,
	      const char *requirement, long long qty, struct http_res *r)
{
	return send_json(s, "POST", "/api/v1/allocations", token,
			 json_pack("{s:s, s:s, s:I}", "pledge", pledge, "requirement",
				   requirement, "quantity", (json_int_t)qty), r);
}

void allocate_ok(const struct server *s, const char *token, const char *pledge,
		 const char *requirement, long long qty, char *id)
{
	struct http_res r = {0};

	allocate(s, token, pledge, requirement, qty, &r);
	ck_assert_msg(r.status == 201, "allocate %lld: %ld %s", qty, r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "open");
	ck_assert_int_eq(jint(r.json, "quantity"), qty);
	if (id)
		copy_id(&r, id);
	res_free(&r);
}

void assert_status(const struct server *s, const char *token, const char *entity,
		   const char *id, const char *status)
{
	struct http_res r = {0};
	char path[160];

	snprintf(path, sizeof path, "/api/v1/%s/%s", entity, id);
	req(s, "GET", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	ck_assert_msg(jstr(r.json, "status") && strcmp(jstr(r.json, "status"), status) == 0,
		      "%s is %s, not %s", path, jstr(r.json, "status"), status);
	res_free(&r);
}

void assert_coverage(const struct server *s, const char *token, const char *requirement,
		     long long requested, long long allocated)
{
	struct http_res r = {0};
	char path[160];

	snprintf(path, sizeof path, "/api/v1/requirements/%s/coverage", requirement);
	req(s, "GET", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "requirement"), requirement);
	ck_assert_int_eq(jint(r.json, "requested"), requested);
	ck_assert_int_eq(jint(r.json, "allocated"), allocated);
	ck_assert_int_eq(jint(r.json, "remaining"), requested - allocated);
	ck_assert_int_eq(jint(r.json, "shipped"), 0);
	ck_assert_int_eq(jint(r.json, "delivered"), 0);
	res_free(&r);
}

void add_rate(const struct server *s, const char *admin, const char *currency,
	      const char *valid_from, double eur_per_unit)
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/exchange_rates", admin,
		  json_pack("{s:s, s:s, s:f}", "currency", currency, "valid_from", valid_from,
			    "eur_per_unit", eur_per_unit), &r);
	ck_assert_msg(r.status == 201, "rate: %ld %s", r.status, r.body);
	res_free(&r);
}

void add_recipient_zzr(const struct server *s, const char *admin)
{
	struct http_res r = {0};

	req(s, "POST", "/api/v1/nations", admin,
	    "{\"iso3\":\"ZZR\",\"name\":\"Zedrecipia\",\"status\":\"recipient\"}", &r);
	ck_assert_msg(r.status == 201, "nation ZZR: %ld %s", r.status, r.body);
	res_free(&r);
}

/* An admin adds a user bound to a nation, and it logs in. */
static const char *add_nation_user(struct server *s, const char *admin, const char *user,
				   const char *role, const char *nation)
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/users", admin,
		  json_pack("{s:s, s:s, s:s, s:s}", "username", user, "password",
			    "test-password-2026", "role", role, "nation", nation), &r);
	ck_assert_msg(r.status == 201, "user %s: %ld %s", user, r.status, r.body);
	res_free(&r);
	return login(s, user, "test-password-2026");
}

/* The ids of a list's items (a new reference); asserts 200. */
static json_t *list_ids(const struct server *s, const char *token, const char *path,
			const char *key)
{
	struct http_res r = {0};
	json_t *ids = json_array(), *it;
	size_t i;

	req(s, "GET", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		json_array_append_new(ids, json_string(jstr(it, key)));
	res_free(&r);
	return ids;
}

static bool has_id(const json_t *ids, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(ids, i, v) {
		if (strcmp(json_string_value(v), id) == 0)
			return true;
	}
	return false;
}

static void assert_detail_has(const struct http_res *r, const char *text)
{
	const char *d = jstr(r->json, "detail");

	ck_assert_msg(d && strstr(d, text), "detail lacks \"%s\": %s", text, r->body);
}

static void assert_near(double got, double want, const char *what)
{
	ck_assert_msg(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)) + 1e-6,
		      "%s: got %.6f, want %.6f", what, got, want);
}

/* ==== The role x transition matrix. ======================================= */

enum { RL_ADMIN, RL_PLANNER, RL_LIAISON, RL_OFFICER, RL_NODE, RL_FACILITY, RL_AUDITOR };
#define RB(r) (1u << (r))

/* Who acts: the seven demo users, then a liaison of another donor and an
 * officer of another recipient, for whom the records are out of scope. */
enum { A_ADMIN, A_PLANNER, A_LIAISON, A_OFFICER, A_NODE, A_FACILITY, A_AUDITOR,
       A_LIAISON_FRA, A_OFFICER_ZZR, NACTORS };
static const struct { const char *user; int role; } actors[NACTORS] = {
	{"admin", RL_ADMIN}, {"planner", RL_PLANNER}, {"liaison.deu", RL_LIAISON},
	{"officer.ukr", RL_OFFICER}, {"node.rze", RL_NODE}, {"facility.grf", RL_FACILITY},
	{"auditor", RL_AUDITOR}, {"liaison.fra", RL_LIAISON}, {"officer.zzr", RL_OFFICER},
};

/* The workflows as the specification states them (not read from src/). */
struct move_rule {
	const char *from, *to;
	unsigned roles;
	bool reason, automatic;
};

static const char *const requirement_states[] = {
	"draft", "submitted", "validated", "partially_met", "met", "rejected", "cancelled", NULL,
};
static const struct move_rule requirement_moves[] = {
	{"draft", "submitted", RB(RL_OFFICER) | RB(RL_PLANNER), false, false},
	{"submitted", "validated", RB(RL_PLANNER), false, false},
	{"submitted", "rejected", RB(RL_PLANNER), true, false},
	{"draft", "cancelled", RB(RL_OFFICER) | RB(RL_PLANNER), true, false},
	{"submitted", "cancelled", RB(RL_OFFICER) | RB(RL_PLANNER), true, false},
	{"validated", "cancelled", RB(RL_OFFICER) | RB(RL_PLANNER), true, false},
	{"partially_met", "cancelled", RB(RL_OFFICER) | RB(RL_PLANNER), true, false},
	{"validated", "partially_met", 0, false, true},
	{"validated", "met", 0, false, true},
	{"partially_met", "met", 0, false, true},
	{"partially_met", "validated", 0, false, true},
	{"met", "partially_met", 0, false, true},
	{"met", "validated", 0, false, true},
	{NULL, NULL, 0, false, false},
};

static const char *const pledge_states[] = {
	"announced", "committed", "delivered", "withdrawn", NULL,
};
static const struct move_rule pledge_moves[] = {
	{"announced", "committed", RB(RL_LIAISON) | RB(RL_PLANNER), false, false},
	{"committed", "delivered", RB(RL_LIAISON) | RB(RL_PLANNER), false, false},
	{"announced", "withdrawn", RB(RL_LIAISON) | RB(RL_PLANNER), true, false},
	{"committed", "withdrawn", RB(RL_LIAISON) | RB(RL_PLANNER), true, false},
	{NULL, NULL, 0, false, false},
};

struct matrix {
	struct server *s;
	const char *tok[NACTORS];
	char pledge[ID_LEN];   /* a large M795 pledge, for partially_met and met */
};

struct flow {
	const char *entity;
	const char *const *states;
	const struct move_rule *moves;
	unsigned readers;      /* roles that may read the entity at all */
	unsigned hidden;       /* actors the record is out of scope for */
	void (*make)(struct matrix *m, const char *state, char id[ID_LEN]);
	int moves_allowed;     /* (move, actor) pairs that succeed, counted by hand */
};

static void make_requirement(struct matrix *m, const char *state, char id[ID_LEN])
{
	new_requirement(m->s, m->tok[A_OFFICER], "UKR", "ART-155-M795", NULL, 10, "P2", id);
	if (strcmp(state, "draft") == 0)
		return;
	if (strcmp(state, "cancelled") == 0) {
		move_ok(m->s, m->tok[A_OFFICER], "requirements", id, "cancelled", "set-up");
		return;
	}
	move_ok(m->s, m->tok[A_OFFICER], "requirements", id, "submitted", NULL);
	if (strcmp(state, "submitted") == 0)
		return;
	if (strcmp(state, "rejected") == 0) {
		move_ok(m->s, m->tok[A_PLANNER], "requirements", id, "rejected", "set-up");
		return;
	}
	move_ok(m->s, m->tok[A_PLANNER], "requirements", id, "validated", NULL);
	if (strcmp(state, "validated") == 0)
		return;
	allocate_ok(m->s, m->tok[A_PLANNER], m->pledge, id,
		    strcmp(state, "partially_met") == 0 ? 4 : 10, NULL);
	assert_status(m->s, m->tok[A_ADMIN], "requirements", id, state);
}

static void make_pledge(struct matrix *m, const char *state, char id[ID_LEN])
{
	new_materiel(m->s, m->tok[A_LIAISON], "DEU", "ART-155-M795", 100, PLEDGED_ON, id);
	if (strcmp(state, "announced") == 0)
		return;
	if (strcmp(state, "withdrawn") == 0) {
		move_ok(m->s, m->tok[A_LIAISON], "pledges", id, "withdrawn", "set-up");
		return;
	}
	move_ok(m->s, m->tok[A_LIAISON], "pledges", id, "committed", NULL);
	if (strcmp(state, "delivered") == 0)
		move_ok(m->s, m->tok[A_LIAISON], "pledges", id, "delivered", NULL);
}

static const struct flow requirement_flow = {
	"requirements", requirement_states, requirement_moves,
	RB(RL_ADMIN) | RB(RL_PLANNER) | RB(RL_LIAISON) | RB(RL_OFFICER) | RB(RL_AUDITOR),
	RB(A_OFFICER_ZZR), make_requirement, 12,
};

static const struct flow pledge_flow = {
	"pledges", pledge_states, pledge_moves,
	RB(RL_ADMIN) | RB(RL_PLANNER) | RB(RL_LIAISON) | RB(RL_AUDITOR),
	RB(A_LIAISON_FRA), make_pledge, 8,
};

/* The answer to a move asked for without a reason (200 or 400 reason). */
static long expected(const struct flow *f, int a, const char *from, const char *to,
		     const struct move_rule **rule)
{
	int role = actors[a].role;

	*rule = NULL;
	if (!(f->readers & RB(role)))
		return 403;
	if (f->hidden & RB(a))
		return 404;
	/* Donors do not see a requirement while it is a draft. */
	if (strcmp(f->entity, "requirements") == 0 && strcmp(from, "draft") == 0 &&
	    role == RL_LIAISON)
		return 404;
	for (const struct move_rule *m = f->moves; m->from; m++) {
		if (strcmp(m->from, from) == 0 && strcmp(m->to, to) == 0)
			*rule = m;
	}
	if (!*rule || (*rule)->automatic)
		return 409;
	if (!((*rule)->roles & RB(role)))
		return 403;
	return (*rule)->reason ? 400 : 200;
}

static struct matrix *matrix_start(void)
{
	struct matrix *m = calloc(1, sizeof *m);
	struct server *s = server_start(NULL);
	const char *admin = login_as(s, "admin");

	ck_assert(m != NULL);
	m->s = s;
	add_recipient_zzr(s, admin);
	for (int a = 0; a < NACTORS; a++) {
		if (a == A_LIAISON_FRA)
			m->tok[a] = add_nation_user(s, admin, actors[a].user, "donor_liaison", "FRA");
		else if (a == A_OFFICER_ZZR)
			m->tok[a] = add_nation_user(s, admin, actors[a].user, "recipient_officer",
						    "ZZR");
		else
			m->tok[a] = login_as(s, actors[a].user);
	}
	new_materiel(s, m->tok[A_PLANNER], "USA", "ART-155-M795", 1000000, PLEDGED_ON, m->pledge);
	return m;
}

/*
 * Every (from, to) pair of states, plus a status that does not exist, asked
 * by every actor, on a record in "from" made through the API.  A record that
 * moved is used up; the next case makes a fresh one.  After each pair, the
 * record that took only refusals must still be in "from".
 */
static void run_matrix(struct matrix *m, const struct flow *f)
{
	struct http_res r = {0};
	char id[ID_LEN];
	const char *reason = "matrix reason";
	int moved = 0;

	for (const char *const *from = f->states; *from; from++) {
		id[0] = '\0';
		for (const char *const *to = f->states;; to++) {
			const char *target = *to ? *to : "archived";

			for (int a = 0; a < NACTORS; a++) {
				const struct move_rule *rule;
				long want = expected(f, a, *from, target, &rule);

				if (!id[0])
					f->make(m, *from, id);
				move(m->s, m->tok[a], f->entity, id, target,
				     want == 200 || want == 400 ? NULL : reason, &r);
				ck_assert_msg(r.status == want, "%s %s -> %s as %s: want %ld, got %ld: %s",
					      f->entity, *from, target, actors[a].user, want,
					      r.status, r.body);
				switch (want) {
				case 403: assert_problem(&r, 403, "forbidden", NULL); break;
				case 404: assert_problem(&r, 404, "not-found", NULL); break;
				case 409: assert_problem(&r, 409, "conflict", "to"); break;
				case 400:
					assert_problem(&r, 400, "invalid-field", "reason");
					move(m->s, m->tok[a], f->entity, id, target, reason, &r);
					ck_assert_msg(r.status == 200, "%s %s -> %s as %s with a reason: %ld %s",
						      f->entity, *from, target, actors[a].user,
						      r.status, r.body);
					break;
				}
				if (want == 200 || want == 400) {
					ck_assert_pstr_eq(jstr(r.json, "status"), target);
					ck_assert_pstr_eq(jstr(r.json, "id"), id);
					if (want == 400)
						ck_assert_pstr_eq(jstr(r.json, "status_reason"), reason);
					else
						ck_assert(json_is_null(json_object_get(r.json, "status_reason")));
					id[0] = '\0';
					moved++;
				}
			}
			if (id[0])
				assert_status(m->s, m->tok[A_ADMIN], f->entity, id, *from);
			if (!*to)
				break;
		}
	}
	/* Each allowed (move, actor) pair moved exactly one record. */
	ck_assert_int_eq(moved, f->moves_allowed);
	res_free(&r);
}

START_TEST(requirement_matrix)
{
	struct matrix *m = matrix_start();

	run_matrix(m, &requirement_flow);
	server_end(m->s);
	free(m);
}
END_TEST

START_TEST(pledge_matrix)
{
	struct matrix *m = matrix_start();

	run_matrix(m, &pledge_flow);
	server_end(m->s);
	free(m);
}
END_TEST

/* ==== Requirements. ======================================================== */

static json_t *requirement_body(const char *nation, const char *item, const char *group)
{
	return json_pack("{s:s, s:s?, s:s?, s:i, s:s, s:s, s:s}", "nation", nation, "item", item,
			 "substitution_group", group, "quantity", 10, "priority", "P1",
			 "needed_by", NEEDED_BY, "destination", "HP-MED");
}

START_TEST(requirement_rules)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin"), *planner = login_as(s, "planner");
	const char *officer = login_as(s, "officer.ukr"), *liaison = login_as(s, "liaison.deu");
	char id[ID_LEN], path[160];

	add_recipient_zzr(s, admin);
	/* Exactly one of item and substitution_group. */
	send_json(s, "POST", "/api/v1/requirements", officer,
		  requirement_body("UKR", "ART-155-M795", "AMMO-155-HE"), &r);
	assert_problem(&r, 400, "invalid-field", "item");
	send_json(s, "POST", "/api/v1/requirements", officer, requirement_body("UKR", NULL, NULL), &r);
	assert_problem(&r, 400, "invalid-field", "item");
	/* The nation must be a recipient. */
	send_json(s, "POST", "/api/v1/requirements", planner,
		  requirement_body("DEU", "ART-155-M795", NULL), &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	assert_detail_has(&r, "recipient");
	/* A recipient officer writes only its own nation's, even for another recipient. */
	send_json(s, "POST", "/api/v1/requirements", officer,
		  requirement_body("ZZR", "ART-155-M795", NULL), &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	assert_detail_has(&r, "outside your scope");
	send_json(s, "POST", "/api/v1/requirements", officer,
		  requirement_body("DEU", "ART-155-M795", NULL), &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	/* Donors and operators do not write requirements. */
	send_json(s, "POST", "/api/v1/requirements", liaison,
		  requirement_body("UKR", "ART-155-M795", NULL), &r);
	assert_problem(&r, 403, "forbidden", NULL);
	/* The server sets status and who. */
	json_t *b = requirement_body("UKR", "ART-155-M795", NULL);
	json_object_set_new(b, "status", json_string("validated"));
	send_json(s, "POST", "/api/v1/requirements", officer, b, &r);
	assert_problem(&r, 400, "invalid-field", "status");

	send_json(s, "POST", "/api/v1/requirements", officer,
		  requirement_body("UKR", NULL, "AMMO-155-HE"), &r);
	ck_assert_int_eq(r.status, 201);
	copy_id(&r, id);
	snprintf(path, sizeof path, "/api/v1/requirements/%s", id);
	ck_assert_str_eq(r.location, path);
	ck_assert_msg(strncmp(id, "REQ-", 4) == 0, "id %s", id);
	ck_assert_pstr_eq(jstr(r.json, "status"), "draft");
	ck_assert_pstr_eq(jstr(r.json, "created_by"), "officer.ukr");
	ck_assert(json_is_null(json_object_get(r.json, "status_reason")));
	ck_assert(json_is_null(json_object_get(r.json, "item")));
	ck_assert_int_eq(jint(r.json, "version"), 1);

	/* A draft can be changed, within the same rules. */
	req(s, "PATCH", path, officer, "{\"quantity\":25,\"priority\":\"P2\"}", &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	ck_assert_int_eq(jint(r.json, "quantity"), 25);
	ck_assert_int_eq(jint(r.json, "version"), 2);
	req(s, "PATCH", path, officer, "{\"item\":\"ART-155-M795\"}", &r);
	assert_problem(&r, 400, "invalid-field", "item");
	req(s, "PATCH", path, officer, "{\"nation\":\"ZZR\"}", &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	req(s, "PATCH", path, officer, "{\"status\":\"submitted\"}", &r);
	assert_problem(&r, 400, "invalid-field", "status");
	req(s, "PATCH", path, liaison, "{\"quantity\":30}", &r);
	assert_problem(&r, 403, "forbidden", NULL);
	/* Once submitted, no longer. */
	move_ok(s, officer, "requirements", id, "submitted", NULL);
	req(s, "PATCH", path, officer, "{\"quantity\":30}", &r);
	assert_problem(&r, 409, "conflict", "status");
	req(s, "PATCH", path, planner, "{\"quantity\":30}", &r);
	assert_problem(&r, 409, "conflict", "status");
	move_ok(s, planner, "requirements", id, "validated", NULL);
	req(s, "PATCH", path, planner, "{\"quantity\":30}", &r);
	assert_problem(&r, 409, "conflict", "status");
	req(s, "GET", path, officer, NULL, &r);
	ck_assert_int_eq(jint(r.json, "quantity"), 25);

	/* A move honours If-Match like any change. */
	snprintf(path, sizeof path, "/api/v1/requirements/%s/transition", id);
	http_do(s, &(struct http_call){.method = "POST", .path = path, .token = planner,
				       .body = "{\"to\":\"cancelled\",\"reason\":\"stale\"}",
				       .headers = {"If-Match: \"2\""}}, &r);
	assert_problem(&r, 412, "precondition-failed", NULL);
	snprintf(path, sizeof path, "/api/v1/requirements/%s", id);
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_pstr_eq(jstr(r.json, "status"), "validated");
	ck_assert_int_eq(jint(r.json, "version"), 4);
	ck_assert_str_eq(r.etag, "\"4\"");

	/* A reason is text, and required to cancel. */
	move(s, officer, "requirements", id, "cancelled", "", &r);
	assert_problem(&r, 400, "invalid-field", "reason");
	req(s, "POST", "/api/v1/requirements/NO-SUCH/transition", planner,
	    "{\"to\":\"submitted\"}", &r);
	assert_problem(&r, 404, "not-found", NULL);

	/* Scope: the officer sees UKR's; the liaison sees all; operators none. */
	char zzr[ID_LEN], mine[ID_LEN];
	new_requirement(s, planner, "ZZR", "ART-152-OF", NULL, 5, "P3", zzr);
	new_requirement(s, officer, "UKR", "ART-152-OF", NULL, 5, "P3", mine);
	json_t *ids = list_ids(s, officer, "/api/v1/requirements?limit=500", "nation");
	ck_assert_uint_gt(json_array_size(ids), 2);
	for (size_t i = 0; i < json_array_size(ids); i++)
		ck_assert_str_eq(json_string_value(json_array_get(ids, i)), "UKR");
	json_decref(ids);
	ids = list_ids(s, officer, "/api/v1/requirements?limit=500", "id");
	ck_assert(has_id(ids, id) && has_id(ids, mine) && !has_id(ids, zzr));
	json_decref(ids);
	ids = list_ids(s, officer, "/api/v1/requirements?nation=ZZR", "id");
	ck_assert_uint_eq(json_array_size(ids), 0);
	json_decref(ids);
	snprintf(path, sizeof path, "/api/v1/requirements/%s", zzr);
	req(s, "GET", path, officer, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "PATCH", path, officer, "{\"quantity\":6}", &r);
	assert_problem(&r, 404, "not-found", NULL);
	move(s, officer, "requirements", zzr, "submitted", NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	/* Donors see every nation's requirements, but not drafts. */
	ids = list_ids(s, liaison, "/api/v1/requirements?limit=500", "id");
	ck_assert(!has_id(ids, mine) && !has_id(ids, zzr));
	json_decref(ids);
	req(s, "GET", path, liaison, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	ids = list_ids(s, liaison, "/api/v1/requirements?status=draft&created_by=officer.ukr", "id");
	ck_assert_uint_eq(json_array_size(ids), 0);
	json_decref(ids);
	move(s, planner, "requirements", zzr, "submitted", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ids = list_ids(s, liaison, "/api/v1/requirements?nation=ZZR", "id");
	ck_assert_uint_eq(json_array_size(ids), 1);
	json_decref(ids);
	req(s, "GET", path, liaison, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_pstr_eq(jstr(r.json, "nation"), "ZZR");
	const char *node = login_as(s, "node.rze"), *facility = login_as(s, "facility.grf");
	req(s, "GET", "/api/v1/requirements", node, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/requirements", facility, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", path, node, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Pledges. ============================================================= */

START_TEST(pledge_rules)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *planner = login_as(s, "planner"), *liaison = login_as(s, "liaison.deu");
	const char *officer = login_as(s, "officer.ukr");
	char fra[ID_LEN], deu[ID_LEN], path[160];

	/* Each kind has its fields, and only those. */
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:i, s:i}", "nation", "DEU", "kind", "funding",
			    "pledged_on", PLEDGED_ON, "amount", 1000, "year", 2026), &r);
	assert_problem(&r, 400, "invalid-field", "currency");
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:i, s:s}", "nation", "DEU", "kind", "funding",
			    "pledged_on", PLEDGED_ON, "amount", 1000, "currency", "EUR"), &r);
	assert_problem(&r, 400, "invalid-field", "year");
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:i}", "nation", "DEU", "kind",
			    "materiel", "pledged_on", PLEDGED_ON, "item", "ART-155-M795",
			    "quantity", 10, "condition", "new", "amount", 5), &r);
	assert_problem(&r, 400, "invalid-field", "amount");
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:s, s:i}", "nation", "DEU", "kind", "materiel",
			    "pledged_on", PLEDGED_ON, "item", "ART-155-M795", "quantity", 10), &r);
	assert_problem(&r, 400, "invalid-field", "condition");
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s}", "nation", "DEU", "kind", "gift",
			    "pledged_on", PLEDGED_ON), &r);
	assert_problem(&r, 400, "invalid-field", "kind");
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "nation", "DEU", "kind",
			    "materiel", "pledged_on", PLEDGED_ON, "item", "ART-155-M795",
			    "quantity", 10, "condition", "new", "status", "committed"), &r);
	assert_problem(&r, 400, "invalid-field", "status");

	/* A liaison records only its own nation's; nobody records for a recipient. */
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "nation", "FRA", "kind", "materiel",
			    "pledged_on", PLEDGED_ON, "item", "ART-155-M795", "quantity", 10,
			    "condition", "new"), &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	assert_detail_has(&r, "outside your scope");
	send_json(s, "POST", "/api/v1/pledges", planner,
		  json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "nation", "UKR", "kind", "materiel",
			    "pledged_on", PLEDGED_ON, "item", "ART-155-M795", "quantity", 10,
			    "condition", "new"), &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	send_json(s, "POST", "/api/v1/pledges", officer,
		  json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "nation", "DEU", "kind", "materiel",
			    "pledged_on", PLEDGED_ON, "item", "ART-155-M795", "quantity", 10,
			    "condition", "new"), &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/pledges", officer, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/pledges", login_as(s, "node.rze"), NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);

	/* Another nation's pledge does not exist for the liaison. */
	new_materiel(s, planner, "FRA", "ART-155-OF", 40, PLEDGED_ON, fra);
	new_materiel(s, liaison, "DEU", "ART-155-DM121", 60, PLEDGED_ON, deu);
	snprintf(path, sizeof path, "/api/v1/pledges/%s", fra);
	req(s, "GET", path, liaison, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "PATCH", path, liaison, "{\"quantity\":41}", &r);
	assert_problem(&r, 404, "not-found", NULL);
	move(s, liaison, "pledges", fra, "committed", NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	json_t *ids = list_ids(s, liaison, "/api/v1/pledges?limit=500", "nation");
	ck_assert_uint_gt(json_array_size(ids), 0);
	for (size_t i = 0; i < json_array_size(ids); i++)
		ck_assert_str_eq(json_string_value(json_array_get(ids, i)), "DEU");
	json_decref(ids);
	ids = list_ids(s, liaison, "/api/v1/pledges?limit=500", "id");
	ck_assert(has_id(ids, deu) && !has_id(ids, fra));
	json_decref(ids);
	ids = list_ids(s, liaison, "/api/v1/pledges?nation=FRA", "id");
	ck_assert_uint_eq(json_array_size(ids), 0);
	json_decref(ids);
	ids = list_ids(s, login_as(s, "auditor"), "/api/v1/pledges?limit=500", "id");
	ck_assert(has_id(ids, deu) && has_id(ids, fra));
	json_decref(ids);
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_pstr_eq(jstr(r.json, "created_by"), "planner");

	/* Only an announced pledge changes. */
	snprintf(path, sizeof path, "/api/v1/pledges/%s", deu);
	req(s, "PATCH", path, liaison, "{\"quantity\":70}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(jint(r.json, "quantity"), 70);
	req(s, "PATCH", path, liaison, "{\"nation\":\"FRA\"}", &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	move_ok(s, liaison, "pledges", deu, "committed", NULL);
	req(s, "PATCH", path, liaison, "{\"quantity\":80}", &r);
	assert_problem(&r, 409, "conflict", "status");
	res_free(&r);
	server_end(s);
}
END_TEST

/* Funding is converted at the rate valid on pledged_on: the latest rate of
 * its currency from on or before that date.  The demo's rates stop at
 * 2026-01-01, so the test keeps its own in 2027. */
START_TEST(pledge_funding_eur)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin"), *liaison = login_as(s, "liaison.deu");
	char id[ID_LEN], path[160];

	/* Only admins keep rates, one per currency and date.  The later rate is
	 * added first: the choice goes by valid_from, not by record order. */
	send_json(s, "POST", "/api/v1/exchange_rates", login_as(s, "planner"),
		  json_pack("{s:s, s:s, s:f}", "currency", "USD", "valid_from", "2027-03-01",
			    "eur_per_unit", 0.8), &r);
	assert_problem(&r, 403, "forbidden", NULL);
	add_rate(s, admin, "USD", "2027-03-01", 0.8);
	add_rate(s, admin, "USD", "2027-01-01", 0.9);
	add_rate(s, admin, "GBP", "2027-07-01", 1.2);
	send_json(s, "POST", "/api/v1/exchange_rates", admin,
		  json_pack("{s:s, s:s, s:f}", "currency", "USD", "valid_from", "2027-01-01",
			    "eur_per_unit", 0.7), &r);
	assert_problem(&r, 409, "conflict", "valid_from");

	assert_near(new_funding(s, liaison, "DEU", 1000, "USD", "2027-01-01", id), 900, "on the first day");
	assert_near(new_funding(s, liaison, "DEU", 1000, "USD", "2027-02-28", id), 900, "before the second");
	assert_near(new_funding(s, liaison, "DEU", 1000, "USD", "2027-03-01", id), 800, "on the second");
	assert_near(new_funding(s, liaison, "DEU", 1000, "USD", "2027-11-30", id), 800, "after the second");
	assert_near(new_funding(s, liaison, "DEU", 1234.56, "EUR", "2024-05-05", id), 1234.56, "EUR");
	assert_near(new_funding(s, liaison, "DEU", 333.33, "USD", "2027-02-01", id), 300.0, "rounded to cents");

	/* No rate on or before the date: refused, naming the currency. */
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:i, s:s, s:i}", "nation", "DEU", "kind", "funding",
			    "pledged_on", "1995-12-31", "amount", 1000, "currency", "USD",
			    "year", 1995), &r);
	assert_problem(&r, 400, "invalid-field", "currency");
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:i, s:s, s:i}", "nation", "DEU", "kind", "funding",
			    "pledged_on", "2027-06-30", "amount", 1000, "currency", "CHF",
			    "year", 2027), &r);
	assert_problem(&r, 400, "invalid-field", "currency");
	/* amount_eur is the server's. */
	send_json(s, "POST", "/api/v1/pledges", liaison,
		  json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:i}", "nation", "DEU", "kind",
			    "funding", "pledged_on", "2027-06-30", "amount", 1000, "currency", "EUR",
			    "year", 2027, "amount_eur", 5), &r);
	assert_problem(&r, 400, "invalid-field", "amount_eur");

	/* A changed date, amount or currency converts again. */
	new_funding(s, liaison, "DEU", 2000, "USD", "2027-04-01", id);
	snprintf(path, sizeof path, "/api/v1/pledges/%s", id);
	req(s, "PATCH", path, liaison, "{\"pledged_on\":\"2027-02-15\"}", &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	assert_near(json_number_value(json_object_get(r.json, "amount_eur")), 1800, "re-dated");
	req(s, "PATCH", path, liaison, "{\"amount\":100,\"currency\":\"GBP\",\"pledged_on\":\"2027-07-01\"}", &r);
	ck_assert_msg(r.status == 200, "%s", r.body);
	assert_near(json_number_value(json_object_get(r.json, "amount_eur")), 120, "GBP");
	req(s, "PATCH", path, liaison, "{\"currency\":\"CHF\"}", &r);
	assert_problem(&r, 400, "invalid-field", "currency");
	req(s, "GET", path, admin, NULL, &r);
	assert_near(json_number_value(json_object_get(r.json, "amount_eur")), 120, "stored");
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Burden sharing. ====================================================== */

/* The row of @iso3 in a report, or NULL. */
static json_t *row_of(const json_t *report, const char *iso3)
{
	json_t *row;
	size_t i;

	json_array_foreach(json_object_get(report, "nations"), i, row) {
		if (strcmp(jstr(row, "nation"), iso3) == 0)
			return row;
	}
	return NULL;
}

static double num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_number(v), "%s is not a number", key);
	return json_number_value(v);
}

static double unit_value(const struct server *s, const char *token, const char *item)
{
	struct http_res r = {0};
	char path[96];
	double v;

	snprintf(path, sizeof path, "/api/v1/items/%s", item);
	req(s, "GET", path, token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	v = num(r.json, "unit_value_eur");
	ck_assert(v > 0);
	res_free(&r);
	return v;
}

/*
 * The demo has targets and pledges up to 2026; the test's year is 2027, with
 * only its own pledges, so every figure can be worked out by hand:
 * fair share = target x GDP / sum of the participating Allies' GDP.
 */
START_TEST(burden_sharing)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin"), *planner = login_as(s, "planner");
	const char *liaison = login_as(s, "liaison.deu");
	char id[ID_LEN];
	double gdp_sum = 0, gdp_deu = 0, funding_eur;
	json_t *n;
	size_t i;

	/* The participating Allies' GDP, and the catalogue values, as served. */
	req(s, "GET", "/api/v1/nations?limit=500", planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_array_foreach(json_object_get(r.json, "items"), i, n) {
		if (strcmp(jstr(n, "status"), "member") == 0 &&
		    json_is_true(json_object_get(n, "participates")))
			gdp_sum += num(n, "gdp_usd_bn");
		if (strcmp(jstr(n, "iso3"), "DEU") == 0)
			gdp_deu = num(n, "gdp_usd_bn");
		if (strcmp(jstr(n, "iso3"), "HUN") == 0)
			ck_assert(json_is_false(json_object_get(n, "participates")));
	}
	ck_assert(gdp_deu > 0 && gdp_sum > gdp_deu);
	double dm121_eur = unit_value(s, planner, "ART-155-DM121");
	double l15_eur = unit_value(s, planner, "ART-155-L15");
	double m795_eur = unit_value(s, planner, "ART-155-M795");

	/* No target yet: 404 on the year. */
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027", planner, NULL, &r);
	assert_problem(&r, 404, "not-found", "year");
	send_json(s, "POST", "/api/v1/funding_targets", admin,
		  json_pack("{s:s, s:f}", "year", "2027", "amount_eur", 40e9), &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	add_rate(s, admin, "USD", "2027-01-01", 0.9);

	/* DEU: committed materiel (H1), committed funding (H1), committed and
	 * delivered materiel (H2); announced, withdrawn and 2026 pledges do not
	 * count.  FRA and AUS (a partner) give funding; HUN materiel. */
	new_materiel(s, liaison, "DEU", "ART-155-DM121", 1000, "2027-03-10", id);
	move_ok(s, liaison, "pledges", id, "committed", NULL);
	funding_eur = new_funding(s, liaison, "DEU", 2000000, "USD", "2027-06-30", id);
	assert_near(funding_eur, 1800000, "DEU funding");
	move_ok(s, liaison, "pledges", id, "committed", NULL);
	new_materiel(s, liaison, "DEU", "ART-155-L15", 100, "2027-07-01", id);
	move_ok(s, liaison, "pledges", id, "committed", NULL);
	move_ok(s, liaison, "pledges", id, "delivered", NULL);
	new_materiel(s, liaison, "DEU", "ART-155-M795", 500, "2027-04-01", id);
	new_funding(s, liaison, "DEU", 7000000, "EUR", "2027-05-01", id);
	move_ok(s, liaison, "pledges", id, "committed", NULL);
	move_ok(s, liaison, "pledges", id, "withdrawn", "budget cut");
	new_funding(s, liaison, "DEU", 9000000, "EUR", "2026-12-31", id);
	move_ok(s, liaison, "pledges", id, "committed", NULL);
	new_funding(s, planner, "FRA", 3000000, "EUR", "2027-01-15", id);
	move_ok(s, planner, "pledges", id, "committed", NULL);
	new_funding(s, planner, "AUS", 1000000, "EUR", "2027-03-01", id);
	move_ok(s, planner, "pledges", id, "committed", NULL);
	new_materiel(s, planner, "HUN", "ART-155-M795", 10, "2027-02-02", id);
	move_ok(s, planner, "pledges", id, "committed", NULL);

	double h1_deu = 1000 * dm121_eur + funding_eur, year_deu = h1_deu + 100 * l15_eur;
	double others = 3000000 + 1000000 + 10 * m795_eur;
	struct { const char *query; double target, deu; } periods[] = {
		{"year=2027&half=H1", 20e9, h1_deu},
		{"year=2027", 40e9, year_deu},
	};
	for (size_t p = 0; p < 2; p++) {
		char url[128];
		double share = periods[p].target * gdp_deu / gdp_sum;

		snprintf(url, sizeof url, "/api/v1/reports/burden-sharing?%s", periods[p].query);
		req(s, "GET", url, planner, NULL, &r);
		ck_assert_msg(r.status == 200, "%s: %ld", url, r.status);
		ck_assert_int_eq(jint(r.json, "year"), 2027);
		ck_assert_str_eq(jstr(r.json, "from"), "2027-01-01");
		ck_assert_str_eq(jstr(r.json, "to"), p == 0 ? "2027-06-30" : "2027-12-31");
		if (p == 0)
			ck_assert_pstr_eq(jstr(r.json, "half"), "H1");
		assert_near(num(r.json, "usd_eur"), 0.9, "USD rate");
		assert_near(num(r.json, "target_eur"), periods[p].target, "target");
		assert_near(num(r.json, "contributed_eur"), periods[p].deu + others, "total");
		ck_assert_uint_eq(json_array_size(json_object_get(r.json, "nations")), 35);
		ck_assert(row_of(r.json, "UKR") == NULL);

		json_t *deu = row_of(r.json, "DEU");
		ck_assert(deu != NULL);
		assert_near(num(deu, "fair_share_eur"), share, "DEU fair share");
		assert_near(num(deu, "contributed_eur"), periods[p].deu, "DEU contributed");
		assert_near(num(deu, "ratio"), periods[p].deu / share, "DEU ratio");
		assert_near(num(deu, "pct_gdp"), 100 * periods[p].deu /
			    (gdp_deu * 1e9 * 0.9 / (p == 0 ? 2 : 1)), "DEU % of GDP");
		ck_assert(json_is_true(json_object_get(deu, "has_share")));

		json_t *hun = row_of(r.json, "HUN"), *aus = row_of(r.json, "AUS");
		ck_assert(hun && aus);
		ck_assert(json_is_null(json_object_get(hun, "fair_share_eur")));
		ck_assert(json_is_null(json_object_get(hun, "ratio")));
		ck_assert(json_is_false(json_object_get(hun, "has_share")));
		ck_assert(json_is_false(json_object_get(aus, "has_share")));
		assert_near(num(hun, "contributed_eur"), 10 * m795_eur, "HUN contributed");
		ck_assert(json_is_null(json_object_get(aus, "fair_share_eur")));
		ck_assert(json_is_null(json_object_get(aus, "ratio")));
		assert_near(num(aus, "contributed_eur"), 1000000, "AUS contributed");
		assert_near(num(row_of(r.json, "FRA"), "contributed_eur"), 3000000, "FRA");
		assert_near(num(row_of(r.json, "USA"), "contributed_eur"), 0, "USA");
		assert_near(num(row_of(r.json, "USA"), "ratio"), 0, "USA ratio");
	}
	/* In H2 only the delivered L15 counts for DEU. */
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027&half=H2", planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "from"), "2027-07-01");
	assert_near(num(row_of(r.json, "DEU"), "contributed_eur"), 100 * l15_eur, "DEU H2");

	/* A liaison sees its own row only. */
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027&half=H1", liaison, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "nations")), 1);
	ck_assert_pstr_eq(jstr(json_array_get(json_object_get(r.json, "nations"), 0), "nation"),
			  "DEU");
	assert_near(num(json_array_get(json_object_get(r.json, "nations"), 0), "contributed_eur"),
		    h1_deu, "DEU's own view");
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027", login_as(s, "auditor"), NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "nations")), 35);
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027", login_as(s, "officer.ukr"), NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027", login_as(s, "node.rze"), NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);

	/* Bad periods. */
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2030", planner, NULL, &r);
	assert_problem(&r, 404, "not-found", "year");
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027&half=H3", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "half");
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027&half=h1", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "half");
	req(s, "GET", "/api/v1/reports/burden-sharing", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "year");
	req(s, "GET", "/api/v1/reports/burden-sharing?year=20x7", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "year");
	req(s, "GET", "/api/v1/reports/burden-sharing?year=2027&nation=DEU", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "nation");
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_donations(void)
{
	Suite *s = suite_create("donations");
	TCase *tc = api_tcase("donations");

	tcase_add_test(tc, requirement_matrix);
	tcase_add_test(tc, pledge_matrix);
	tcase_add_test(tc, requirement_rules);
	tcase_add_test(tc, pledge_rules);
	tcase_add_test(tc, pledge_funding_eur);
	tcase_add_test(tc, burden_sharing);
	suite_add_tcase(s, tc);
	return s;
}
