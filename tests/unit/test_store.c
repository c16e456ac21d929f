/*
 * test_store.c - the store conformance suite.  Every backend must pass it
 * unchanged; the backend is chosen by $NSATU_TEST_DB (see testutil.c).
 */
#include "suites.h"
#include "testutil.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct store *S;

static void setup(void) { S = test_store_new(4); }
static void teardown(void) { test_store_free(S); }


static json_t *nation(const char *iso3, const char *name)
{
	return json_pack("{s:s, s:s, s:s, s:n, s:n, s:n, s:b, s:i}", "iso3", iso3, "name",
			 name, "status", "member", "nato_since", "gdp_usd_bn", "gdp_year",
			 "participates", 1, "version", 1);
}

static json_t *site(const char *code, const char *nation_code)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:n, s:n, s:n, s:n, s:i}", "code",
			 code, "name", "Site", "kind", "depot", "nation", nation_code, "lat",
			 50.0, "lon", 20.0, "throughput_t_day", "training_seats",
			 "repair_bays", "notes", "version", 1);
}

struct rec_arg {
	const struct espec *e;
	const char *key;
	json_t *rec;
	int64_t version;
	json_t *out;
};

static int do_insert(struct store_tx *tx, void *arg)
{
	struct rec_arg *a = arg;
	return store_rec_insert(tx, a->e, a->rec);
}

static int do_get(struct store_tx *tx, void *arg)
{
	struct rec_arg *a = arg;
	json_decref(a->out);
	a->out = NULL;
	return store_rec_get(tx, a->e, a->key, &a->out);
}

static int do_update(struct store_tx *tx, void *arg)
{
	struct rec_arg *a = arg;
	return store_rec_update(tx, a->e, a->key, a->rec, a->version);
}

static int do_delete(struct store_tx *tx, void *arg)
{
	struct rec_arg *a = arg;
	return store_rec_delete(tx, a->e, a->key, a->version);
}

static int insert(const struct espec *e, json_t *rec)
{
	struct rec_arg a = {.e = e, .rec = rec};
	int rc = store_run(S, STORE_WRITE, do_insert, &a);
	json_decref(rec);
	return rc;
}

/* The schema version both backends are at after every migration: raise it
 * with each new migration, which must be added to both. */
#define SCHEMA_VERSION 8

START_TEST(migrate_is_idempotent)
{
	int applied = -1, version = 0;

	ck_assert_int_eq(store_migrate(S, &applied, &version), ST_OK);
	ck_assert_int_eq(applied, 0);
	ck_assert_int_eq(version, SCHEMA_VERSION);
}
END_TEST

START_TEST(records_round_trip)
{
	struct rec_arg a = {.e = &ESPEC_NATIONS, .key = "POL"};
	json_t *want = nation("POL", "Poland");

	ck_assert_int_eq(insert(&ESPEC_NATIONS, json_incref(want)), ST_OK);
	ck_assert_int_eq(store_run(S, STORE_READ, do_get, &a), ST_OK);
	ck_assert(json_equal(a.out, want));
	json_decref(want);
	json_decref(a.out);
	a.out = NULL;
	a.key = "XXX";
	ck_assert_int_eq(store_run(S, STORE_READ, do_get, &a), ST_NOT_FOUND);
	ck_assert_int_eq(insert(&ESPEC_NATIONS, nation("POL", "Again")), ST_CONFLICT);
}
END_TEST

START_TEST(unicode_and_types_survive)
{
	struct rec_arg a = {.e = &ESPEC_SITES, .key = "S1"};
	json_t *s = site("S1", "UKR");

	ck_assert_int_eq(insert(&ESPEC_NATIONS, nation("UKR", "\xD0\xA3\xD0\xBA\xD1\x80\xD0\xB0\xD1\x97\xD0\xBD\xD0\xB0")), ST_OK);
	json_object_set_new(s, "notes", json_string("'; DROP TABLE sites; -- \xE2\x9C\x93"));
	json_object_set_new(s, "training_seats", json_integer(9007199254740993LL));
	json_object_set_new(s, "lat", json_real(-33.125));
	ck_assert_int_eq(insert(&ESPEC_SITES, json_incref(s)), ST_OK);
	ck_assert_int_eq(store_run(S, STORE_READ, do_get, &a), ST_OK);
	ck_assert(json_equal(a.out, s));
	json_decref(a.out);
	json_decref(s);
}
END_TEST

START_TEST(foreign_keys_hold)
{
	struct rec_arg a = {.e = &ESPEC_NATIONS, .key = "POL", .version = 1};

	ck_assert_int_eq(insert(&ESPEC_SITES, site("S1", "POL")), ST_CONFLICT);
	ck_assert_int_eq(insert(&ESPEC_NATIONS, nation("POL", "Poland")), ST_OK);
	ck_assert_int_eq(insert(&ESPEC_SITES, site("S1", "POL")), ST_OK);
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_delete, &a), ST_CONFLICT);
}
END_TEST

START_TEST(update_checks_version)
{
	struct rec_arg a = {.e = &ESPEC_NATIONS, .key = "POL", .version = 1};

	ck_assert_int_eq(insert(&ESPEC_NATIONS, nation("POL", "Poland")), ST_OK);
	a.rec = nation("POL", "Polska");
	json_object_set_new(a.rec, "version", json_integer(2));
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_update, &a), ST_OK);
	/* The same stale version again fails; a missing key is not found. */
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_update, &a), ST_PRECONDITION);
	a.key = "XXX";
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_update, &a), ST_NOT_FOUND);
	json_decref(a.rec);
	a.key = "POL";
	ck_assert_int_eq(store_run(S, STORE_READ, do_get, &a), ST_OK);
	ck_assert_str_eq(json_string_value(json_object_get(a.out, "name")), "Polska");
	ck_assert_int_eq(json_integer_value(json_object_get(a.out, "version")), 2);
	json_decref(a.out);
	a.version = 1;
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_delete, &a), ST_PRECONDITION);
	a.version = 2;
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_delete, &a), ST_OK);
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_delete, &a), ST_NOT_FOUND);
}
END_TEST

struct list_arg {
	struct store_query q;
	json_t *rows;
};

static int do_list(struct store_tx *tx, void *arg)
{
	struct list_arg *a = arg;
	json_decref(a->rows);
	a->rows = NULL;
	return store_rec_list(tx, &ESPEC_SITES, &a->q, &a->rows);
}

START_TEST(list_orders_filters_and_seeks)
{
	const struct fspec *kind = espec_field(&ESPEC_SITES, "kind");
	const struct fspec *notes = espec_field(&ESPEC_SITES, "notes");
	json_t *depot = json_string("depot"), *null = json_null();
	struct store_filter f = {kind, depot, false};
	struct list_arg a = {.q = {NULL, 0, NULL, 100}};
	char code[16];

	ck_assert_int_eq(insert(&ESPEC_NATIONS, nation("POL", "Poland")), ST_OK);
	for (int i = 9; i >= 0; i--) {
		snprintf(code, sizeof code, "S%d", i);
		json_t *s = site(code, "POL");
		if (i % 2)
			json_object_set_new(s, "kind", json_string("unit"));
		ck_assert_int_eq(insert(&ESPEC_SITES, s), ST_OK);
	}
	ck_assert_int_eq(store_run(S, STORE_READ, do_list, &a), ST_OK);
	ck_assert_int_eq(json_array_size(a.rows), 10);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a.rows, 0), "code")), "S0");
	a.q = (struct store_query){&f, 1, "S2", 2};
	ck_assert_int_eq(store_run(S, STORE_READ, do_list, &a), ST_OK);
	ck_assert_int_eq(json_array_size(a.rows), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a.rows, 0), "code")), "S4");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a.rows, 1), "code")), "S6");
	f = (struct store_filter){kind, depot, true};
	a.q = (struct store_query){&f, 1, NULL, 100};
	ck_assert_int_eq(store_run(S, STORE_READ, do_list, &a), ST_OK);
	ck_assert_int_eq(json_array_size(a.rows), 5);  /* the units: every odd one */
	f = (struct store_filter){notes, null, false};
	a.q = (struct store_query){&f, 1, NULL, 100};
	ck_assert_int_eq(store_run(S, STORE_READ, do_list, &a), ST_OK);
	ck_assert_int_eq(json_array_size(a.rows), 10);
	json_decref(a.rows);
	json_decref(depot);
	json_decref(null);
}
END_TEST

static int audit_count_cb(const struct audit_rec *r, void *arg)
{
	int64_t *n = arg;
	ck_assert_int_eq(r->seq, *n + 1);
	(*n)++;
	return 0;
}

static int do_audit(struct store_tx *tx, void *arg)
{
	struct audit_rec r = {.seq = 1, .at = "2026-01-01T00:00:00.000Z", .actor = "a",
			      .action = "create", .entity = "nations", .entity_id = "POL",
			      .after = (char *)"{\"x\":1}", .hash = "h1"};
	char hash[STORE_HASH_HEX];
	int64_t seq;
	int rc;

	(void)arg;
	if ((rc = store_audit_head(tx, &seq, hash)) != ST_OK)
		return rc;
	ck_assert_int_eq(seq, 0);
	ck_assert_str_eq(hash, "");
	if ((rc = store_audit_append(tx, &r)) != ST_OK)
		return rc;
	r.seq = 2;
	snprintf(r.prev_hash, sizeof r.prev_hash, "h1");
	snprintf(r.hash, sizeof r.hash, "h2");
	r.after = NULL;
	if ((rc = store_audit_append(tx, &r)) != ST_OK)
		return rc;
	if ((rc = store_audit_head(tx, &seq, hash)) != ST_OK)
		return rc;
	ck_assert_int_eq(seq, 2);
	ck_assert_str_eq(hash, "h2");
	return ST_OK;
}

START_TEST(audit_appends_in_order)
{
	int64_t n = 0;

	ck_assert_int_eq(store_run(S, STORE_WRITE, do_audit, NULL), ST_OK);
	struct store_tx *tx;
	ck_assert_int_eq(S->ops->begin(S, STORE_READ, &tx), ST_OK);
	ck_assert_int_eq(store_audit_scan(tx, &(struct store_audit_query){0}, audit_count_cb, &n), ST_OK);
	S->ops->rollback(tx);
	ck_assert_int_eq(n, 2);
}
END_TEST

/* Records about nations/POL (seq 1, 2 and 6), about sites/POL, about
 * nations/POLX and nations/PO: the lookup matches entity and key exactly.
 * Seq 6 has the earliest time: the latest record is the one appended
 * last, whatever its clock said. */
static int do_audit_many(struct store_tx *tx, void *arg)
{
	static const struct {
		const char *at, *actor, *entity, *id;
	} rows[] = {
		{"2026-03-01T10:00:00.000Z", "alice", "nations", "POL"},
		{"2026-03-01T10:00:01.000Z", "bob", "nations", "POL"},
		{"2026-03-01T10:00:02.000Z", "carol", "sites", "POL"},
		{"2026-03-01T10:00:03.000Z", "dave", "nations", "POLX"},
		{"2026-03-01T10:00:04.000Z", "erin", "nations", "PO"},
		{"2026-03-01T09:00:00.000Z", "frank", "nations", "POL"},
	};
	int rc;

	(void)arg;
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		struct audit_rec r = {.seq = (int64_t)i + 1, .action = "update",
				      .after = (char *)"{\"x\":1}"};

		snprintf(r.at, sizeof r.at, "%s", rows[i].at);
		snprintf(r.actor, sizeof r.actor, "%s", rows[i].actor);
		snprintf(r.entity, sizeof r.entity, "%s", rows[i].entity);
		snprintf(r.entity_id, sizeof r.entity_id, "%s", rows[i].id);
		snprintf(r.prev_hash, sizeof r.prev_hash, "h%zu", i);
		snprintf(r.hash, sizeof r.hash, "h%zu", i + 1);
		if ((rc = store_audit_append(tx, &r)) != ST_OK)
			return rc;
	}
	return ST_OK;
}

START_TEST(audit_last_finds_latest_record)
{
	struct audit_rec got;
	struct store_tx *tx;

	ck_assert_int_eq(store_run(S, STORE_WRITE, do_audit_many, NULL), ST_OK);
	ck_assert_int_eq(S->ops->begin(S, STORE_READ, &tx), ST_OK);
	ck_assert_int_eq(store_audit_last(tx, "nations", "POL", &got), ST_OK);
	ck_assert_int_eq(got.seq, 6);
	ck_assert_str_eq(got.actor, "frank");
	ck_assert_str_eq(got.at, "2026-03-01T09:00:00.000Z");
	ck_assert_str_eq(got.action, "update");
	ck_assert_str_eq(got.entity, "nations");
	ck_assert_str_eq(got.entity_id, "POL");
	ck_assert_str_eq(got.prev_hash, "h5");
	ck_assert_str_eq(got.hash, "h6");
	ck_assert_ptr_null(got.before);
	ck_assert_ptr_null(got.after);
	ck_assert_int_eq(store_audit_last(tx, "sites", "POL", &got), ST_OK);
	ck_assert_str_eq(got.actor, "carol");
	ck_assert_int_eq(store_audit_last(tx, "nations", "POLX", &got), ST_OK);
	ck_assert_int_eq(got.seq, 4);
	ck_assert_int_eq(store_audit_last(tx, "nations", "PO", &got), ST_OK);
	ck_assert_str_eq(got.actor, "erin");
	ck_assert_int_eq(store_audit_last(tx, "users", "POL", &got), ST_NOT_FOUND);
	ck_assert_int_eq(store_audit_last(tx, "nations", "pol", &got), ST_NOT_FOUND);
	ck_assert_int_eq(store_audit_last(tx, "nations", "'; --", &got), ST_NOT_FOUND);
	S->ops->rollback(tx);
}
END_TEST

static int do_security_rows(struct store_tx *tx, void *arg)
{
	struct token_rec t = {.hash = "abc", .username = "u1", .created_ms = 1, .expires_ms = 99};
	struct idem_rec ir = {.username = "u1", .key = "k", .method = "POST", .path = "/p",
			      .body_hash = "bh", .created_ms = 5};
	struct login_rec lr;
	struct idem_rec got;

	(void)arg;
	ck_assert_int_eq(store_token_put(tx, &t), ST_OK);
	memset(&t, 0, sizeof t);
	ck_assert_int_eq(store_token_get(tx, "abc", &t), ST_OK);
	ck_assert_str_eq(t.username, "u1");
	ck_assert_int_eq(t.expires_ms, 99);
	ck_assert_int_eq(t.revoked_ms, 0);
	ck_assert_int_eq(store_token_revoke(tx, "abc", 7), ST_OK);
	ck_assert_int_eq(store_token_get(tx, "abc", &t), ST_OK);
	ck_assert_int_eq(t.revoked_ms, 7);
	ck_assert_int_eq(store_token_get(tx, "nope", &t), ST_NOT_FOUND);

	ck_assert_int_eq(store_idem_get(tx, "u1", "k", &got), ST_NOT_FOUND);
	ck_assert_int_eq(store_idem_claim(tx, &ir), ST_OK);
	ck_assert_int_eq(store_idem_claim(tx, &ir), ST_CONFLICT);
	ck_assert_int_eq(store_idem_get(tx, "u1", "k", &got), ST_OK);
	ck_assert_int_eq(got.status, 0);
	ck_assert_ptr_null(got.response);
	ck_assert_int_eq(store_idem_finish(tx, "u1", "k", 201, "{}"), ST_OK);
	ck_assert_int_eq(store_idem_get(tx, "u1", "k", &got), ST_OK);
	ck_assert_int_eq(got.status, 201);
	ck_assert_str_eq(got.response, "{}");
	ck_assert_str_eq(got.body_hash, "bh");
	free(got.response);
	ck_assert_int_eq(store_idem_drop(tx, "u1", "k"), ST_OK);
	ck_assert_int_eq(store_idem_get(tx, "u1", "k", &got), ST_NOT_FOUND);

	ck_assert_int_eq(store_login_get(tx, "u1", &lr), ST_OK);
	ck_assert_int_eq(lr.failures, 0);
	lr.failures = 3;
	lr.locked_until_ms = 1234;
	ck_assert_int_eq(store_login_put(tx, &lr), ST_OK);
	lr.failures = 4;
	ck_assert_int_eq(store_login_put(tx, &lr), ST_OK);
	memset(&lr, 0, sizeof lr);
	ck_assert_int_eq(store_login_get(tx, "u1", &lr), ST_OK);
	ck_assert_int_eq(lr.failures, 4);
	ck_assert_int_eq(lr.locked_until_ms, 1234);
	return ST_OK;
}

START_TEST(security_rows)
{
	/* Sessions reference users; make one. */
	json_t *u = json_pack("{s:s, s:n, s:s, s:n, s:n, s:b, s:n, s:s, s:s, s:i}",
			      "username", "u1", "display_name", "role", "admin", "nation",
			      "site", "disabled", 0, "expires_on", "password_hash", "x",
			      "created_at", "2026-01-01T00:00:00.000Z", "version", 1);
	ck_assert_int_eq(insert(&ESPEC_USERS, u), ST_OK);
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_security_rows, NULL), ST_OK);
}
END_TEST

struct retry_arg {
	int calls, fail_times, fail_with;
};

/* Inserts a nation, then fails the first @fail_times calls. */
static int flaky(struct store_tx *tx, void *arg)
{
	struct retry_arg *a = arg;
	json_t *n = nation("RTY", "Retry");
	int rc = store_rec_insert(tx, &ESPEC_NATIONS, n);

	json_decref(n);
	if (rc != ST_OK)
		return rc;
	return ++a->calls <= a->fail_times ? a->fail_with : ST_OK;
}

START_TEST(runner_retries_and_rolls_back)
{
	struct retry_arg a = {0, 2, ST_RETRY};
	struct rec_arg g = {.e = &ESPEC_NATIONS, .key = "RTY"};

	ck_assert_int_eq(store_run(S, STORE_WRITE, flaky, &a), ST_OK);
	ck_assert_int_eq(a.calls, 3);
	ck_assert_int_eq(store_run(S, STORE_READ, do_get, &g), ST_OK);
	json_decref(g.out);
	g.out = NULL;

	/* A failing unit leaves nothing behind. */
	a = (struct retry_arg){0, 1, ST_INVALID};
	g.key = "RTY";
	struct rec_arg d = {.e = &ESPEC_NATIONS, .key = "RTY", .version = 1};
	ck_assert_int_eq(store_run(S, STORE_WRITE, do_delete, &d), ST_OK);
	ck_assert_int_eq(store_run(S, STORE_WRITE, flaky, &a), ST_INVALID);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(store_run(S, STORE_READ, do_get, &g), ST_NOT_FOUND);

	/* Retry is bounded. */
	a = (struct retry_arg){0, 1000, ST_RETRY};
	ck_assert_int_eq(store_run(S, STORE_WRITE, flaky, &a), ST_RETRY);
	ck_assert_int_eq(a.calls, STORE_MAX_ATTEMPTS);
}
END_TEST

#define WRITERS 4
#define PER_WRITER 50

static void *writer(void *arg)
{
	int id = (int)(intptr_t)arg;
	char name[8];

	for (int i = 0; i < PER_WRITER; i++) {
		snprintf(name, sizeof name, "%c%c%c", 'A' + id, 'A' + i / 26, 'A' + i % 26);
		if (insert(&ESPEC_NATIONS, nation(name, "N")) != ST_OK)
			return (void *)1;
	}
	return NULL;
}

START_TEST(concurrent_writers_all_land)
{
	pthread_t t[WRITERS];
	struct list_arg a;

	for (intptr_t i = 0; i < WRITERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, writer, (void *)i), 0);
	for (int i = 0; i < WRITERS; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		ck_assert_ptr_null(ret);
	}
	memset(&a, 0, sizeof a);
	a.q.limit = 1000;
	struct store_tx *tx;
	ck_assert_int_eq(S->ops->begin(S, STORE_READ, &tx), ST_OK);
	ck_assert_int_eq(store_rec_list(tx, &ESPEC_NATIONS, &a.q, &a.rows), ST_OK);
	S->ops->rollback(tx);
	ck_assert_int_eq(json_array_size(a.rows), WRITERS * PER_WRITER);
	json_decref(a.rows);
}
END_TEST

Suite *suite_store(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("conformance");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, migrate_is_idempotent);
	tcase_add_test(tc, records_round_trip);
	tcase_add_test(tc, unicode_and_types_survive);
	tcase_add_test(tc, foreign_keys_hold);
	tcase_add_test(tc, update_checks_version);
	tcase_add_test(tc, list_orders_filters_and_seeks);
	tcase_add_test(tc, audit_appends_in_order);
	tcase_add_test(tc, audit_last_finds_latest_record);
	tcase_add_test(tc, security_rows);
	tcase_add_test(tc, runner_retries_and_rolls_back);
	tcase_add_test(tc, concurrent_writers_all_land);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tcase_store_audit());
	return s;
}
