/*
 * donations.h - helpers shared by the donation suites (test_donations.c,
 * which defines them, and test_allocations.c): making requirements, pledges
 * and allocations through the API, moving them through their workflows,
 * and reading coverage.  Each asserts what it expects.
 */
#ifndef NSATU_API_DONATIONS_H
#define NSATU_API_DONATIONS_H

#include "client.h"

#define ID_LEN 48

/* The planning dates the tests use. */
#define NEEDED_BY "2026-09-30"
#define PLEDGED_ON "2026-02-01"

/* Send @body (a new reference, taken; NULL fails the test) as JSON. */
long send_json(const struct server *s, const char *method, const char *path,
	       const char *token, json_t *body, struct http_res *r);

/* POST /api/v1/requirements with exactly @item or @group (the other NULL);
 * asserts 201 with status draft and copies the id. */
void new_requirement(const struct server *s, const char *token, const char *nation,
		     const char *item, const char *group, long long qty, const char *priority,
		     char id[ID_LEN]);
/* A UKR requirement created by @officer, submitted, and validated by @planner. */
void new_validated(const struct server *s, const char *officer, const char *planner,
		   const char *item, const char *group, long long qty, const char *priority,
		   char id[ID_LEN]);

/* A new materiel pledge (condition "new"), announced; asserts 201. */
void new_materiel(const struct server *s, const char *token, const char *nation,
		  const char *item, long long qty, const char *pledged_on, char id[ID_LEN]);
/* A new funding pledge for the year of @pledged_on, announced; asserts 201
 * and returns amount_eur. */
double new_funding(const struct server *s, const char *token, const char *nation,
		   double amount, const char *currency, const char *pledged_on, char id[ID_LEN]);

/* POST .../{id}/transition with "to" and, when not NULL, "reason". */
long move(const struct server *s, const char *token, const char *entity, const char *id,
	  const char *to, const char *reason, struct http_res *r);
/* The same, asserting 200 and the new status. */
void move_ok(const struct server *s, const char *token, const char *entity, const char *id,
	     const char *to, const char *reason);

/* POST /api/v1/allocations. */
long allocate(const struct server *s, const char *token, const char *pledge,
	      const char *requirement, long long qty, struct http_res *r);
/* The same, asserting 201 and status open; copies the id when @id. */
void allocate_ok(const struct server *s, const char *token, const char *pledge,
		 const char *requirement, long long qty, char *id);

/* GET /api/v1/{entity}/{id} and assert its status. */
void assert_status(const struct server *s, const char *token, const char *entity,
		   const char *id, const char *status);
/* GET /api/v1/requirements/{id}/coverage and assert its numbers. */
void assert_coverage(const struct server *s, const char *token, const char *requirement,
		     long long requested, long long allocated);

/* An admin adds an exchange rate. */
void add_rate(const struct server *s, const char *admin, const char *currency,
	      const char *valid_from, double eur_per_unit);

/* "ZZR", a second recipient nation (admin), for scope tests. */
void add_recipient_zzr(const struct server *s, const char *admin);

Suite *suite_donations(void);
Suite *suite_allocations(void);

#endif
