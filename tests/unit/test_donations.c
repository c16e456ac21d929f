/*
 * test_donations.c - the invariants of donation planning under thousands of
 * random operations, one thread and several at once:
 *  - open allocations of a pledge never exceed its quantity, nor those of a
 *    requirement what it asks for;
 *  - withdrawn pledges and cancelled requirements hold no open allocation;
 *  - a requirement's validated / partially_met / met status matches its
 *    open allocations.
 */
#include "suites.h"
#include "testutil.h"

#include "io/io.h"
#include "svc/svc.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct store *S;
static struct svc *V;
static struct principal SYS, PLANNER;

static void setup(void)
{
	S = test_store_new(8);
	V = test_svc_new(S, 0);
	svc_system_principal(&SYS);
	PLANNER = SYS;
	snprintf(PLANNER.username, sizeof PLANNER.username, "planner.test");
	PLANNER.role = ROLE_PLANNER;
}

static void teardown(void)
{
	svc_free(V);
	test_store_free(S);
}

/* ---- Operations. ------------------------------------------------------------- */

static const char *const items155[] = {"ART-155-M795", "ART-155-DM121", "ART-155-L15",
				       "ART-155-OF"};
static const char *const donors[] = {"DEU", "FRA", "POL", "USA", "GBR"};

struct rng {
	unsigned state;
};

static unsigned next(struct rng *r)
{
	r->state = r->state * 1103515245u + 12345u;
	return (r->state >> 8) & 0xFFFFFF;
}

/* Keys made so far, shared by the threads (append-only, under a lock). */
static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static char req_keys[4096][48], pledge_keys[4096][48];
static size_t nreq, npledge;

static void remember(char keys[][48], size_t *n, const json_t *rec)
{
	pthread_mutex_lock(&keys_lock);
	if (*n < 4096)
		snprintf(keys[(*n)++], 48, "%s", json_string_value(json_object_get(rec, "id")));
	pthread_mutex_unlock(&keys_lock);
}

static bool pick(char keys[][48], size_t n, struct rng *r, char out[48])
{
	pthread_mutex_lock(&keys_lock);
	bool ok = n > 0;
	if (ok)
		memcpy(out, keys[next(r) % n], 48);
	pthread_mutex_unlock(&keys_lock);
	return ok;
}

/* Every outcome must be one a client may see; anything else fails. */
static void expect_sane(int rc, const char *what)
{
	ck_assert_msg(rc == ST_OK || rc == ST_CONFLICT || rc == ST_INVALID, "%s: status %s", what,
		      status_name((enum status)rc));
}

static void move(const struct espec *e, const char *key, const char *to, const char *reason)
{
	struct verr err;
	json_t *out = NULL;
	int rc = svc_transition(V, &PLANNER, e, key, to, reason, -1, &out, &err);

	expect_sane(rc, to);
	json_decref(out);
}

static void random_op(struct rng *r)
{
	struct verr err;
	json_t *body = NULL, *out = NULL;
	char a[48], b[48];
	int rc;

	switch (next(r) % 8) {
	case 0: /* a requirement, for an item or the group, submitted and validated */
	case 1:
		body = next(r) % 2
			? json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "nation", "UKR", "item",
				    items155[next(r) % 4], "quantity", (json_int_t)(1 + next(r) % 400),
				    "priority", "P1", "needed_by", "2026-12-31", "destination", "HP-MED")
			: json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "nation", "UKR",
				    "substitution_group", "AMMO-155-HE", "quantity",
				    (json_int_t)(1 + next(r) % 400), "priority", "P2", "needed_by",
				    "2026-12-31", "destination", "HP-MED");
		rc = svc_rec_create(V, &PLANNER, &ESPEC_REQUIREMENTS, body, &out, &err);
		ck_assert_msg(rc == ST_OK, "requirement: %s %s", err.field, err.reason);
		remember(req_keys, &nreq, out);
		move(&ESPEC_REQUIREMENTS, json_string_value(json_object_get(out, "id")), "submitted", NULL);
		move(&ESPEC_REQUIREMENTS, json_string_value(json_object_get(out, "id")), "validated", NULL);
		break;
	case 2: /* a materiel pledge, sometimes committed */
		body = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "nation", donors[next(r) % 5],
				 "kind", "materiel", "pledged_on", "2026-02-01", "item",
				 items155[next(r) % 4], "quantity", (json_int_t)(1 + next(r) % 300),
				 "condition", "new");
		rc = svc_rec_create(V, &PLANNER, &ESPEC_PLEDGES, body, &out, &err);
		ck_assert_msg(rc == ST_OK, "pledge: %s %s", err.field, err.reason);
		remember(pledge_keys, &npledge, out);
		if (next(r) % 2)
			move(&ESPEC_PLEDGES, json_string_value(json_object_get(out, "id")), "committed", NULL);
		break;
	case 3: /* allocations, often too big or to the wrong place */
	case 4:
	case 5:
		if (!pick(pledge_keys, npledge, r, a) || !pick(req_keys, nreq, r, b))
			break;
		body = json_pack("{s:s, s:s, s:I}", "pledge", a, "requirement", b, "quantity",
				 (json_int_t)(1 + next(r) % 150));
		expect_sane(svc_rec_create(V, &PLANNER, &ESPEC_ALLOCATIONS, body, &out, &err),
			    "allocation");
		break;
	case 6:
		if (pick(pledge_keys, npledge, r, a) && next(r) % 3 == 0)
			move(&ESPEC_PLEDGES, a, "withdrawn", "test");
		break;
	default:
		if (pick(req_keys, nreq, r, b) && next(r) % 3 == 0)
			move(&ESPEC_REQUIREMENTS, b, "cancelled", "test");
		break;
	}
	json_decref(body);
	json_decref(out);
}

/* ---- The check. ----------------------------------------------------------------- */

static json_t *all(struct store_tx *tx, const struct espec *e)
{
	struct store_query q = {NULL, 0, NULL, 1000000};
	json_t *rows = NULL;

	ck_assert_int_eq(store_rec_list(tx, e, &q, &rows), ST_OK);
	return rows;
}

static const char *s_of(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void check_invariants(void)
{
	struct store_tx *tx;
	json_t *pledges, *reqs, *allocs, *by_pledge = json_object(), *by_req = json_object();
	size_t i;
	json_t *x;

	ck_assert_int_eq(S->ops->begin(S, STORE_READ, &tx), ST_OK);
	pledges = all(tx, &ESPEC_PLEDGES);
	reqs = all(tx, &ESPEC_REQUIREMENTS);
	allocs = all(tx, &ESPEC_ALLOCATIONS);
	S->ops->rollback(tx);
	json_array_foreach(allocs, i, x) {
		if (strcmp(s_of(x, "status"), "open") != 0)
			continue;
		json_int_t q = json_integer_value(json_object_get(x, "quantity"));
		json_t *p = json_object_get(by_pledge, s_of(x, "pledge"));
		json_t *r = json_object_get(by_req, s_of(x, "requirement"));
		json_object_set_new(by_pledge, s_of(x, "pledge"), json_integer(q + json_integer_value(p)));
		json_object_set_new(by_req, s_of(x, "requirement"), json_integer(q + json_integer_value(r)));
	}
	json_array_foreach(pledges, i, x) {
		json_int_t used = json_integer_value(json_object_get(by_pledge, s_of(x, "id")));
		ck_assert_msg(used <= json_integer_value(json_object_get(x, "quantity")),
			      "pledge %s over-allocated: %lld", s_of(x, "id"), (long long)used);
		if (strcmp(s_of(x, "status"), "withdrawn") == 0)
			ck_assert_msg(used == 0, "withdrawn pledge %s holds %lld", s_of(x, "id"),
				      (long long)used);
	}
	json_array_foreach(reqs, i, x) {
		json_int_t used = json_integer_value(json_object_get(by_req, s_of(x, "id")));
		json_int_t want = json_integer_value(json_object_get(x, "quantity"));
		const char *st = s_of(x, "status");

		ck_assert_msg(used <= want, "requirement %s over-allocated", s_of(x, "id"));
		if (strcmp(st, "cancelled") == 0 || strcmp(st, "draft") == 0 ||
		    strcmp(st, "submitted") == 0)
			ck_assert_msg(used == 0, "%s requirement %s holds %lld", st, s_of(x, "id"),
				      (long long)used);
		else if (strcmp(st, "validated") == 0)
			ck_assert_msg(used == 0, "validated %s holds %lld", s_of(x, "id"), (long long)used);
		else if (strcmp(st, "partially_met") == 0)
			ck_assert_msg(used > 0 && used < want, "partially_met %s: %lld of %lld",
				      s_of(x, "id"), (long long)used, (long long)want);
		else if (strcmp(st, "met") == 0)
			ck_assert_msg(used == want, "met %s: %lld of %lld", s_of(x, "id"),
				      (long long)used, (long long)want);
	}
	json_decref(pledges);
	json_decref(reqs);
	json_decref(allocs);
	json_decref(by_pledge);
	json_decref(by_req);
}

START_TEST(random_sequences_keep_the_invariants)
{
	struct rng r = {12345};

	nreq = npledge = 0;
	for (int i = 0; i < 1500; i++) {
		random_op(&r);
		if (i % 25 == 0)
			check_invariants();
	}
	check_invariants();
}
END_TEST

static void *worker(void *arg)
{
	struct rng r = {(unsigned)(uintptr_t)arg};

	for (int i = 0; i < 300; i++)
		random_op(&r);
	return NULL;
}

START_TEST(concurrent_sequences_keep_the_invariants)
{
	pthread_t t[4];
	struct rng r = {7};

	nreq = npledge = 0;
	for (int i = 0; i < 40; i++)
		random_op(&r);
	for (uintptr_t i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker, (void *)(i * 7919 + 1)), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	check_invariants();
}
END_TEST

static json_t *three_rows(void)
{
	return json_pack("[{s:s, s:s, s:i, s:s, s:s, s:s}, {s:s, s:s, s:i, s:s, s:s, s:s},"
			 " {s:s, s:s, s:i, s:s, s:s, s:s}]",
			 "nation", "UKR", "item", "MED-IFAK", "quantity", 10, "priority", "P3",
			 "needed_by", "2026-05-01", "destination", "HP-SIR",
			 "nation", "UKR", "item", "MED-IFAK", "quantity", 0, "priority", "P3",
			 "needed_by", "2026-05-01", "destination", "HP-SIR",
			 "nation", "UKR", "item", "NO-SUCH-ITEM", "quantity", 5, "priority", "P3",
			 "needed_by", "2026-05-01", "destination", "HP-SIR");
}

static size_t count_requirements(void)
{
	struct store_tx *tx;
	json_t *rows;
	size_t n;

	ck_assert_int_eq(S->ops->begin(S, STORE_READ, &tx), ST_OK);
	rows = all(tx, &ESPEC_REQUIREMENTS);
	S->ops->rollback(tx);
	n = json_array_size(rows);
	json_decref(rows);
	return n;
}

START_TEST(batch_create_modes)
{
	json_t *rows = three_rows(), *report = NULL;

	/* Row 1 breaks a field rule, row 2 a reference: nothing is stored. */
	ck_assert_int_eq(svc_rec_create_many(V, &PLANNER, &ESPEC_REQUIREMENTS, rows,
					     BATCH_ALL_OR_NOTHING, &report), ST_INVALID);
	ck_assert_int_eq(json_integer_value(json_object_get(report, "failed")), 2);
	ck_assert(json_is_false(json_object_get(report, "stored")));
	json_t *e0 = json_array_get(json_object_get(report, "errors"), 0);
	json_t *e1 = json_array_get(json_object_get(report, "errors"), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(e0, "index")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(e0, "field")), "quantity");
	ck_assert_int_eq(json_integer_value(json_object_get(e1, "index")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(e1, "field")), "item");
	ck_assert_int_eq(count_requirements(), 0);
	json_decref(rows);
	json_decref(report);

	rows = three_rows();
	ck_assert_int_eq(svc_rec_create_many(V, &PLANNER, &ESPEC_REQUIREMENTS, rows,
					     BATCH_VALID_ONLY, &report), ST_OK);
	ck_assert_int_eq(json_integer_value(json_object_get(report, "created")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(report, "failed")), 2);
	ck_assert_int_eq(count_requirements(), 1);
	json_decref(rows);
	json_decref(report);
}
END_TEST

/* A requirement is the recipient's own until submitted: donors don't see drafts. */
START_TEST(drafts_are_the_recipients_own)
{
	struct principal deu = SYS;
	struct svc_list q = {.limit = 500};
	struct verr err;
	json_t *body, *out = NULL, *page = NULL, *got = NULL;
	char id[48];

	deu.role = ROLE_DONOR_LIAISON;
	snprintf(deu.nation, sizeof deu.nation, "DEU");
	body = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "nation", "UKR", "item", "MED-IFAK",
			 "quantity", 10, "priority", "P3", "needed_by", "2026-05-01", "destination",
			 "HP-SIR");
	ck_assert_int_eq(svc_rec_create(V, &PLANNER, &ESPEC_REQUIREMENTS, body, &out, &err), ST_OK);
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(body);
	json_decref(out);
	ck_assert_int_eq(svc_rec_get(V, &deu, &ESPEC_REQUIREMENTS, id, &got), ST_NOT_FOUND);
	ck_assert_int_eq(svc_rec_list(V, &deu, &ESPEC_REQUIREMENTS, &q, &page, &err), ST_OK);
	ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 0);
	json_decref(page);
	ck_assert_int_eq(svc_coverage(V, &deu, id, &got), ST_NOT_FOUND);
	move(&ESPEC_REQUIREMENTS, id, "submitted", NULL);
	ck_assert_int_eq(svc_rec_get(V, &deu, &ESPEC_REQUIREMENTS, id, &got), ST_OK);
	json_decref(got);
	ck_assert_int_eq(svc_rec_list(V, &deu, &ESPEC_REQUIREMENTS, &q, &page, &err), ST_OK);
	ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 1);
	json_decref(page);
	/* The planner saw the draft all along. */
	ck_assert_int_eq(svc_rec_get(V, &PLANNER, &ESPEC_REQUIREMENTS, id, &got), ST_OK);
	json_decref(got);
}
END_TEST

Suite *suite_donations(void)
{
	Suite *s = suite_create("donations");
	TCase *tc = tcase_create("invariants");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, random_sequences_keep_the_invariants);
	tcase_add_test(tc, concurrent_sequences_keep_the_invariants);
	tcase_add_test(tc, batch_create_modes);
	tcase_add_test(tc, drafts_are_the_recipients_own);
	suite_add_tcase(s, tc);
	return s;
}
