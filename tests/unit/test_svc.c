/*
 * test_svc.c - the use cases: sessions, permissions and scope, record
 * rules, the audit chain and idempotency keys.
 */
#include "suites.h"
#include "testutil.h"

#include "io/io.h"
#include "svc/svc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct store *S;
static struct svc *V;
static struct principal SYS;

static void setup(void)
{
	char err[512];

	S = test_store_new(4);
	V = test_svc_new(S, 0);
	svc_system_principal(&SYS);
	ck_assert_msg(io_demo_users(V, &SYS, err, sizeof err) == ST_OK, "%s", err);
}

static void teardown(void)
{
	svc_free(V);
	test_store_free(S);
}

static void as(struct principal *p, const char *user, const char *password)
{
	char token[SVC_TOKEN_LEN];
	int64_t exp, retry;

	ck_assert_int_eq(svc_login(V, user, password, token, &exp, p, &retry), ST_OK);
}

static int create(const struct principal *p, const struct espec *e, const char *json,
		  struct verr *err)
{
	json_t *body = json_loads(json, 0, NULL), *out = NULL;
	int rc;

	ck_assert_ptr_nonnull(body);
	rc = svc_rec_create(V, p, e, body, &out, err);
	json_decref(body);
	json_decref(out);
	return rc;
}

START_TEST(login_logout_and_tokens)
{
	char token[SVC_TOKEN_LEN];
	struct principal p, q;
	int64_t exp, retry;

	ck_assert_int_eq(svc_login(V, "planner", "wrong-password!", token, &exp, &p, &retry),
			 ST_UNAUTHORIZED);
	ck_assert_int_eq(svc_login(V, "nobody", "demo-planner-2026", token, &exp, &p, &retry),
			 ST_UNAUTHORIZED);
	ck_assert_int_eq(svc_login(V, "planner", "demo-planner-2026", token, &exp, &p, &retry),
			 ST_OK);
	ck_assert_int_eq(p.role, ROLE_PLANNER);
	ck_assert(strncmp(token, "nsatu_", 6) == 0);
	ck_assert_int_eq(svc_authenticate(V, token, &q), ST_OK);
	ck_assert_str_eq(q.username, "planner");
	ck_assert_int_eq(svc_authenticate(V, "nsatu_forged", &q), ST_UNAUTHORIZED);
	ck_assert_int_eq(svc_authenticate(V, "", &q), ST_UNAUTHORIZED);
	ck_assert_int_eq(svc_logout(V, &p, token), ST_OK);
	ck_assert_int_eq(svc_authenticate(V, token, &q), ST_UNAUTHORIZED);
}
END_TEST

START_TEST(login_locks_after_failures)
{
	char token[SVC_TOKEN_LEN];
	struct principal p;
	int64_t exp, retry = 0;

	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(svc_login(V, "auditor", "not-the-password", token, &exp, &p, &retry),
				 ST_UNAUTHORIZED);
	/* Locked now, even with the right password. */
	ck_assert_int_eq(svc_login(V, "auditor", "demo-auditor-2026", token, &exp, &p, &retry),
			 ST_THROTTLED);
	ck_assert_int_gt(retry, 0);
	/* Other names are not affected. */
	ck_assert_int_eq(svc_login(V, "planner", "demo-planner-2026", token, &exp, &p, &retry),
			 ST_OK);
}
END_TEST

START_TEST(disabled_and_expired_accounts)
{
	char token[SVC_TOKEN_LEN];
	struct principal p, q;
	struct verr err;
	int64_t exp, retry;
	json_t *patch, *out;

	ck_assert_int_eq(svc_login(V, "auditor", "demo-auditor-2026", token, &exp, &p, &retry), ST_OK);
	patch = json_pack("{s:b}", "disabled", 1);
	ck_assert_int_eq(svc_rec_update(V, &SYS, &ESPEC_USERS, "auditor", patch, -1, &out, &err), ST_OK);
	json_decref(patch);
	json_decref(out);
	ck_assert_int_eq(svc_authenticate(V, token, &q), ST_UNAUTHORIZED);
	ck_assert_int_eq(svc_login(V, "auditor", "demo-auditor-2026", token, &exp, &p, &retry),
			 ST_UNAUTHORIZED);

	patch = json_pack("{s:s}", "expires_on", "2020-01-31");
	ck_assert_int_eq(svc_rec_update(V, &SYS, &ESPEC_USERS, "planner", patch, -1, &out, &err), ST_OK);
	json_decref(patch);
	json_decref(out);
	ck_assert_int_eq(svc_login(V, "planner", "demo-planner-2026", token, &exp, &p, &retry),
			 ST_UNAUTHORIZED);
	patch = json_pack("{s:s}", "expires_on", "2099-12-31");
	ck_assert_int_eq(svc_rec_update(V, &SYS, &ESPEC_USERS, "planner", patch, -1, &out, &err), ST_OK);
	json_decref(patch);
	json_decref(out);
	ck_assert_int_eq(svc_login(V, "planner", "demo-planner-2026", token, &exp, &p, &retry), ST_OK);
}
END_TEST

START_TEST(roles_and_scope)
{
	struct principal liaison, node, planner;
	struct svc_list q = {.limit = 100};
	struct verr err;
	json_t *page, *rec;
	size_t i;
	json_t *u;

	as(&liaison, "liaison.deu", "demo-liaison-2026");
	as(&node, "node.rze", "demo-node-2026");
	as(&planner, "planner", "demo-planner-2026");

	ck_assert_int_eq(svc_rec_list(V, &liaison, &ESPEC_USERS, &q, &page, &err), ST_OK);
	ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 1);
	json_array_foreach(json_object_get(page, "items"), i, u) {
		ck_assert_str_eq(json_string_value(json_object_get(u, "nation")), "DEU");
		ck_assert_ptr_null(json_object_get(u, "password_hash"));
	}
	json_decref(page);
	ck_assert_int_eq(svc_rec_get(V, &liaison, &ESPEC_USERS, "officer.ukr", &rec), ST_NOT_FOUND);
	ck_assert_int_eq(svc_rec_get(V, &liaison, &ESPEC_USERS, "no.such.user", &rec), ST_NOT_FOUND);
	ck_assert_int_eq(svc_rec_get(V, &node, &ESPEC_USERS, "facility.grf", &rec), ST_NOT_FOUND);
	ck_assert_int_eq(svc_rec_get(V, &node, &ESPEC_USERS, "node.rze", &rec), ST_OK);
	json_decref(rec);
	ck_assert_int_eq(svc_rec_get(V, &planner, &ESPEC_USERS, "officer.ukr", &rec), ST_OK);
	json_decref(rec);
	/* Reference data: everyone reads, only admins write. */
	ck_assert_int_eq(svc_rec_get(V, &liaison, &ESPEC_NATIONS, "UKR", &rec), ST_OK);
	json_decref(rec);
	ck_assert_int_eq(create(&liaison, &ESPEC_COALITIONS, "{\"code\":\"NEW\",\"name\":\"n\"}", &err),
			 ST_FORBIDDEN);
	ck_assert_int_eq(create(&planner, &ESPEC_COALITIONS, "{\"code\":\"NEW\",\"name\":\"n\"}", &err),
			 ST_FORBIDDEN);
	ck_assert_int_eq(svc_audit_verify(V, &planner, &(struct svc_audit_check){0}), ST_FORBIDDEN);
}
END_TEST

/* Who changed a record last: told only to a caller who may read it. */
START_TEST(last_change_honours_scope)
{
	struct principal admin, liaison, node, planner;
	struct svc_change ch;
	struct verr err = {.field = ""};
	json_t *patch = json_pack("{s:s}", "display_name", "Olena"), *out = NULL, *post;

	as(&admin, "admin", "demo-admin-2026");
	as(&liaison, "liaison.deu", "demo-liaison-2026");
	as(&node, "node.rze", "demo-node-2026");
	as(&planner, "planner", "demo-planner-2026");
	ck_assert_int_eq(svc_rec_update(V, &admin, &ESPEC_USERS, "officer.ukr", patch, -1, &out,
					&err), ST_OK);
	long long version = json_integer_value(json_object_get(out, "version"));
	json_decref(out);
	json_decref(patch);

	ck_assert_int_eq(svc_rec_last_change(V, &planner, &ESPEC_USERS, "officer.ukr", &ch), ST_OK);
	ck_assert_str_eq(ch.actor, "admin");
	ck_assert_int_eq(ch.version, version);
	ck_assert_ptr_null(check_instant(ch.at));
	/* Outside the caller's scope, or no such record: as a read answers. */
	ck_assert_int_eq(svc_rec_last_change(V, &liaison, &ESPEC_USERS, "officer.ukr", &ch),
			 ST_NOT_FOUND);
	ck_assert_int_eq(svc_rec_last_change(V, &node, &ESPEC_USERS, "officer.ukr", &ch),
			 ST_NOT_FOUND);
	ck_assert_int_eq(svc_rec_last_change(V, &planner, &ESPEC_USERS, "nobody", &ch),
			 ST_NOT_FOUND);
	/* A role that may not read the entity at all learns nothing either. */
	post = json_pack("{s:s, s:s, s:s}", "site", "LN-RZE", "grade", "OF-4", "function", "J4");
	ck_assert_int_eq(svc_rec_create(V, &planner, &ESPEC_POSTS, post, &out, &err), ST_OK);
	json_decref(post);
	const char *id = json_string_value(json_object_get(out, "id"));
	ck_assert_int_eq(svc_rec_last_change(V, &planner, &ESPEC_POSTS, id, &ch), ST_OK);
	ck_assert_str_eq(ch.actor, "planner");
	ck_assert_int_eq(ch.version, 1);
	ck_assert_int_eq(svc_rec_last_change(V, &node, &ESPEC_POSTS, id, &ch), ST_NOT_FOUND);
	json_decref(out);
}
END_TEST

START_TEST(record_rules)
{
	struct verr err;
	json_t *patch, *out = NULL;

	ck_assert_int_eq(create(&SYS, &ESPEC_SITES, "{\"code\":\"D-1\",\"name\":\"Depot\","
				"\"kind\":\"depot\",\"nation\":\"XXX\",\"lat\":1,\"lon\":1}", &err),
			 ST_INVALID);
	ck_assert_str_eq(err.field, "nation");
	ck_assert_int_eq(create(&SYS, &ESPEC_NATIONS, "{\"iso3\":\"POL\",\"name\":\"Again\","
				"\"status\":\"member\"}", &err), ST_CONFLICT);
	ck_assert_str_eq(err.field, "iso3");
	ck_assert_int_eq(create(&SYS, &ESPEC_USERS, "{\"username\":\"x.y\",\"role\":\"donor_liaison\","
				"\"password\":\"long-enough-pw\"}", &err), ST_INVALID);
	ck_assert_str_eq(err.field, "nation");
	ck_assert_int_eq(create(&SYS, &ESPEC_USERS, "{\"username\":\"x.y\",\"role\":\"donor_liaison\","
				"\"nation\":\"UKR\",\"password\":\"long-enough-pw\"}", &err), ST_INVALID);
	ck_assert_int_eq(create(&SYS, &ESPEC_USERS, "{\"username\":\"x.y\",\"role\":\"node_operator\","
				"\"site\":\"TF-GRF\",\"password\":\"long-enough-pw\"}", &err), ST_INVALID);
	ck_assert_str_eq(err.field, "site");
	ck_assert_int_eq(create(&SYS, &ESPEC_USERS, "{\"username\":\"x.y\",\"role\":\"planner\","
				"\"password\":\"short\"}", &err), ST_INVALID);
	ck_assert_str_eq(err.field, "password");
	ck_assert_int_eq(create(&SYS, &ESPEC_USERS, "{\"username\":\"x.y\",\"role\":\"planner\","
				"\"password\":\"long-enough-pw\"}", &err), ST_OK);

	/* Still referenced by sites: cannot go. */
	ck_assert_int_eq(svc_rec_delete(V, &SYS, &ESPEC_NATIONS, "POL", -1, &err), ST_CONFLICT);
	/* Stale version. */
	patch = json_pack("{s:s}", "name", "Polska");
	ck_assert_int_eq(svc_rec_update(V, &SYS, &ESPEC_NATIONS, "POL", patch, 7, &out, &err),
			 ST_PRECONDITION);
	ck_assert_int_eq(svc_rec_update(V, &SYS, &ESPEC_NATIONS, "POL", patch, 1, &out, &err), ST_OK);
	ck_assert_int_eq(json_integer_value(json_object_get(out, "version")), 2);
	json_decref(out);
	ck_assert_int_eq(svc_rec_update(V, &SYS, &ESPEC_NATIONS, "POL", patch, 1, &out, &err),
			 ST_PRECONDITION);
	json_decref(patch);
}
END_TEST

START_TEST(admin_cannot_lock_self_out)
{
	struct principal admin;
	struct verr err;
	json_t *patch = json_pack("{s:b}", "disabled", 1), *out = NULL;

	as(&admin, "admin", "demo-admin-2026");
	ck_assert_int_eq(svc_rec_update(V, &admin, &ESPEC_USERS, "admin", patch, -1, &out, &err),
			 ST_INVALID);
	ck_assert_str_eq(err.field, "disabled");
	json_decref(patch);
	patch = json_pack("{s:s}", "role", "auditor");
	ck_assert_int_eq(svc_rec_update(V, &admin, &ESPEC_USERS, "admin", patch, -1, &out, &err),
			 ST_INVALID);
	json_decref(patch);
	ck_assert_int_eq(svc_rec_delete(V, &admin, &ESPEC_USERS, "admin", -1, &err), ST_INVALID);
}
END_TEST

START_TEST(paging_visits_every_record_once)
{
	struct svc_list q = {.limit = 5};
	struct verr err;
	char cursor[256] = "";
	json_t *seen = json_object(), *page;
	int pages = 0;

	do {
		size_t i;
		json_t *n;
		q.cursor = *cursor ? cursor : NULL;
		ck_assert_int_eq(svc_rec_list(V, &SYS, &ESPEC_NATIONS, &q, &page, &err), ST_OK);
		json_array_foreach(json_object_get(page, "items"), i, n) {
			const char *k = json_string_value(json_object_get(n, "iso3"));
			ck_assert_ptr_null(json_object_get(seen, k));
			json_object_set_new(seen, k, json_true());
		}
		const char *next = json_string_value(json_object_get(page, "next_cursor"));
		snprintf(cursor, sizeof cursor, "%s", next ? next : "");
		json_decref(page);
		pages++;
	} while (*cursor);
	ck_assert_int_eq(json_object_size(seen), 36);
	ck_assert_int_eq(pages, 8);
	json_decref(seen);
	q.cursor = "not-a-cursor";
	ck_assert_int_eq(svc_rec_list(V, &SYS, &ESPEC_NATIONS, &q, &page, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "cursor");
	struct svc_filter f = {"name", "Poland"};
	q = (struct svc_list){.filters = &f, .nfilters = 1};
	ck_assert_int_eq(svc_rec_list(V, &SYS, &ESPEC_NATIONS, &q, &page, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "name");
}
END_TEST

START_TEST(audit_chain_verifies_and_catches_forgery)
{
	struct svc_audit_check chk;
	struct verr err;
	json_t *page;

	ck_assert_int_eq(svc_audit_verify(V, &SYS, &chk), ST_OK);
	ck_assert_int_eq(chk.bad_seq, 0);
	/* 36 nations, 27 sites, 8 coalitions, 2 groups, 32 items, 14 exchange
	 * rates, 3 funding targets, 8 courses, 7 users. */
	ck_assert_int_eq(chk.records, 137);
	ck_assert_int_eq(svc_audit_list(V, &SYS, &(struct svc_list){.limit = 10}, &page, &err), ST_OK);
	json_t *first = json_array_get(json_object_get(page, "items"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(first, "action")), "create");
	ck_assert_str_eq(json_string_value(json_object_get(first, "entity")), "nations");
	ck_assert_ptr_nonnull(json_string_value(json_object_get(page, "next_cursor")));
	json_decref(page);
}
END_TEST

static int forge(struct store_tx *tx, void *arg)
{
	struct audit_rec r = {.at = "2026-01-01T00:00:00.000Z", .actor = "mallory",
			      .action = "delete", .entity = "nations", .entity_id = "POL",
			      .prev_hash = "00", .hash = "00"};
	char hash[STORE_HASH_HEX];
	int rc = store_audit_head(tx, &r.seq, hash);

	(void)arg;
	r.seq++;
	return rc == ST_OK ? store_audit_append(tx, &r) : rc;
}

START_TEST(forged_record_is_named)
{
	struct svc_audit_check chk;

	ck_assert_int_eq(store_run(S, STORE_WRITE, forge, NULL), ST_OK);
	ck_assert_int_eq(svc_audit_verify(V, &SYS, &chk), ST_OK);
	/* The forged record's own hash is wrong: it is the one named, right
	 * after the 137 records of the reference data and the users. */
	ck_assert_int_eq(chk.bad_seq, 138);
	ck_assert(strstr(chk.reason, "138") != NULL);
}
END_TEST

START_TEST(idempotency_keys)
{
	struct principal p;
	enum svc_idem_state st;
	int status;
	char *resp;

	as(&p, "planner", "demo-planner-2026");
	ck_assert_int_eq(svc_idem_begin(V, &p, "k1", "POST", "/x", "{}", 2, &st, &status, &resp), ST_OK);
	ck_assert_int_eq(st, IDEM_NEW);
	ck_assert_int_eq(svc_idem_begin(V, &p, "k1", "POST", "/x", "{}", 2, &st, &status, &resp), ST_OK);
	ck_assert_int_eq(st, IDEM_IN_PROGRESS);
	ck_assert_int_eq(svc_idem_end(V, &p, "k1", 201, "{\"ok\":1}"), ST_OK);
	ck_assert_int_eq(svc_idem_begin(V, &p, "k1", "POST", "/x", "{}", 2, &st, &status, &resp), ST_OK);
	ck_assert_int_eq(st, IDEM_REPLAY);
	ck_assert_int_eq(status, 201);
	ck_assert_str_eq(resp, "{\"ok\":1}");
	free(resp);
	ck_assert_int_eq(svc_idem_begin(V, &p, "k1", "POST", "/x", "{ }", 3, &st, &status, &resp), ST_OK);
	ck_assert_int_eq(st, IDEM_MISMATCH);
	/* A server error releases the key for a retry. */
	ck_assert_int_eq(svc_idem_begin(V, &p, "k2", "POST", "/x", "{}", 2, &st, &status, &resp), ST_OK);
	ck_assert_int_eq(svc_idem_end(V, &p, "k2", 500, NULL), ST_OK);
	ck_assert_int_eq(svc_idem_begin(V, &p, "k2", "POST", "/x", "{}", 2, &st, &status, &resp), ST_OK);
	ck_assert_int_eq(st, IDEM_NEW);
	/* Keys are per user. */
	ck_assert_int_eq(svc_idem_begin(V, &SYS, "k1", "POST", "/x", "{}", 2, &st, &status, &resp), ST_OK);
	ck_assert_int_eq(st, IDEM_NEW);
}
END_TEST

/* With the token cache on, changes through this process still act at once. */
START_TEST(auth_cache_sees_local_changes)
{
	struct svc_config cfg = {.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN,
				 .pw_memlimit = crypto_pwhash_MEMLIMIT_MIN, .auth_cache_ms = 60000};
	struct svc *cached = svc_new(S, &cfg);
	char t1[SVC_TOKEN_LEN], t2[SVC_TOKEN_LEN];
	struct principal p1, p2, q;
	struct verr err;
	int64_t exp, retry;
	json_t *patch = json_pack("{s:b}", "disabled", 1), *out = NULL;

	ck_assert_int_eq(svc_login(cached, "auditor", "demo-auditor-2026", t1, &exp, &p1, &retry), ST_OK);
	ck_assert_int_eq(svc_login(cached, "planner", "demo-planner-2026", t2, &exp, &p2, &retry), ST_OK);
	ck_assert_int_eq(svc_authenticate(cached, t1, &q), ST_OK);
	ck_assert_int_eq(svc_authenticate(cached, t1, &q), ST_OK);  /* from the cache */
	ck_assert_str_eq(q.username, "auditor");
	ck_assert_int_eq(svc_authenticate(cached, t2, &q), ST_OK);
	ck_assert_int_eq(svc_rec_update(cached, &SYS, &ESPEC_USERS, "auditor", patch, -1, &out, &err),
			 ST_OK);
	ck_assert_int_eq(svc_authenticate(cached, t1, &q), ST_UNAUTHORIZED);
	ck_assert_int_eq(svc_logout(cached, &p2, t2), ST_OK);
	ck_assert_int_eq(svc_authenticate(cached, t2, &q), ST_UNAUTHORIZED);
	json_decref(patch);
	json_decref(out);
	svc_free(cached);
}
END_TEST

Suite *suite_svc(void)
{
	Suite *s = suite_create("svc");
	TCase *tc = tcase_create("use cases");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, login_logout_and_tokens);
	tcase_add_test(tc, login_locks_after_failures);
	tcase_add_test(tc, disabled_and_expired_accounts);
	tcase_add_test(tc, roles_and_scope);
	tcase_add_test(tc, last_change_honours_scope);
	tcase_add_test(tc, record_rules);
	tcase_add_test(tc, admin_cannot_lock_self_out);
	tcase_add_test(tc, paging_visits_every_record_once);
	tcase_add_test(tc, audit_chain_verifies_and_catches_forgery);
	tcase_add_test(tc, forged_record_is_named);
	tcase_add_test(tc, idempotency_keys);
	tcase_add_test(tc, auth_cache_sees_local_changes);
	suite_add_tcase(s, tc);
	return s;
}
