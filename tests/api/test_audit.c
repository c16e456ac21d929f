/*
 * test_audit.c - the hash-chained audit trail: listing it, verifying it
 * over HTTP and with `nsatu audit verify`, and catching records that were
 * edited, deleted, swapped or cut off in the database file itself.
 *
 * Tampering goes straight to the SQLite file of a stopped server, as an
 * attacker with file access would, then both verifiers must name the
 * first record that no longer holds.
 */
#include "client.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void tamper(const char *db, const char *sql)
{
	if (client_pg_url()) {
		char err[512];
		ck_assert_msg(client_pg_exec(db, sql, err, sizeof err), "%s: %s", sql, err);
		return;
	}
	sqlite3 *h = NULL;
	char *msg = NULL;
	int rc = sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL);

	ck_assert_msg(rc == SQLITE_OK, "open %s: %s", db, sqlite3_errstr(rc));
	rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
	ck_assert_int_ge(sqlite3_changes(h), 1);
	sqlite3_free(msg);
	sqlite3_close(h);
}

/* `nsatu audit verify --json` on @s's database: the exit code, and the
 * document in *@doc (new reference). */
static int verify_json(const struct server *s, json_t **doc)
{
	char *out = NULL;
	int code = nsatu_run(&out, "audit", "verify", "--db", s->db, "--json", NULL);

	/* The first line that is a JSON object (a migration log may come first). */
	*doc = NULL;
	for (char *line = out; line && *line && !*doc;) {
		char *nl = strchr(line, '\n');
		if (strncmp(line, "{\"ok\"", 5) == 0)
			*doc = json_loadb(line, strcspn(line, "\n"), 0, NULL);
		line = nl ? nl + 1 : NULL;
	}
	ck_assert_msg(*doc != NULL, "no JSON from audit verify (exit %d): %s", code, out);
	free(out);
	return code;
}

/* Stop @s, apply @sql to its database, and check that both the command and
 * the API (after a restart) report record @bad first. */
static void expect_broken(struct server *s, const char *sql, long long bad)
{
	struct http_res r = {0};
	char *out = NULL, want[64];
	json_t *doc;
	int code;

	ck_assert_int_eq(server_stop(s), 0);
	code = nsatu_run(&out, "audit", "verify", "--db", s->db, NULL);
	ck_assert_msg(code == 0, "untouched trail: exit %d: %s", code, out);
	free(out);
	tamper(s->db, sql);

	code = nsatu_run(&out, "audit", "verify", "--db", s->db, NULL);
	snprintf(want, sizeof want, "BROKEN at record %lld:", bad);
	ck_assert_msg(code == 1, "tampered trail: exit %d: %s", code, out);
	ck_assert_msg(strstr(out, want) != NULL, "want '%s' after %s, got: %s", want, sql, out);
	free(out);
	code = verify_json(s, &doc);
	ck_assert_int_eq(code, 1);
	ck_assert(json_is_false(json_object_get(doc, "ok")));
	ck_assert_int_eq(jint(doc, "bad_seq"), bad);
	json_decref(doc);

	server_restart(s, NULL);
	req(s, "GET", "/api/v1/audit/verify", login_as(s, "auditor"), NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(json_is_false(json_object_get(r.json, "ok")), "API: %s", r.body);
	ck_assert_int_eq(jint(r.json, "bad_seq"), bad);
	ck_assert_msg(jstr(r.json, "reason") && *jstr(r.json, "reason"), "no reason: %s", r.body);
	ck_assert_int_gt(jint(r.json, "records"), 0);
	res_free(&r);
}

START_TEST(verify_fresh)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");
	char *out = NULL;
	json_t *doc;
	int code;

	/* The demo data set and one login so far; one change adds one record. */
	long long before = audit_count(s, admin);
	ck_assert_int_gt(before, 100);
	req(s, "PATCH", "/api/v1/nations/DNK", admin, "{\"gdp_year\":2024}", &r);
	ck_assert_int_eq(r.status, 200);
	req(s, "GET", "/api/v1/audit/verify", admin, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_is_true(json_object_get(r.json, "ok")));
	ck_assert_ptr_null(json_object_get(r.json, "bad_seq"));
	long long records = jint(r.json, "records");
	ck_assert_int_eq(records, before + 1);
	ck_assert_int_eq(server_stop(s), 0);

	code = nsatu_run(&out, "audit", "verify", "--db", s->db, NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	ck_assert_ptr_nonnull(strstr(out, "chain intact"));
	free(out);
	code = verify_json(s, &doc);
	ck_assert_int_eq(code, 0);
	ck_assert(json_is_true(json_object_get(doc, "ok")));
	ck_assert_int_eq(jint(doc, "records"), records);
	json_decref(doc);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(list_and_chain)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *auditor = login_as(s, "auditor");
	char prev[80] = "", url[256];
	long long seq = 0;
	int pages = 0;

	snprintf(url, sizeof url, "/api/v1/audit?limit=40");
	for (;;) {
		req(s, "GET", url, auditor, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		json_t *items = json_object_get(r.json, "items"), *it;
		size_t i;
		json_array_foreach(items, i, it) {
			ck_assert_int_eq(jint(it, "seq"), ++seq);
			ck_assert_pstr_eq(jstr(it, "prev_hash"), prev);
			ck_assert_msg(jstr(it, "hash") && strlen(jstr(it, "hash")) == 64, "hash");
			ck_assert(jstr(it, "at") && jstr(it, "actor") && jstr(it, "action"));
			snprintf(prev, sizeof prev, "%s", jstr(it, "hash"));
		}
		pages++;
		if (!json_is_string(json_object_get(r.json, "next_cursor")))
			break;
		snprintf(url, sizeof url, "/api/v1/audit?limit=40&cursor=%s",
			 jstr(r.json, "next_cursor"));
	}
	/* Every record once, in pages of 40 (the last one may be short). */
	long long total = audit_count(s, login_as(s, "admin")) - 1;
	ck_assert_int_eq(seq, total);
	ck_assert_int_eq(pages, (total + 39) / 40);

	/* The first record: the demo loader creating the first nation. */
	req(s, "GET", "/api/v1/audit?limit=1", auditor, NULL, &r);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	ck_assert_pstr_eq(jstr(first, "actor"), "system");
	ck_assert_pstr_eq(jstr(first, "action"), "create");
	ck_assert_pstr_eq(jstr(first, "entity"), "nations");
	ck_assert(json_is_null(json_object_get(first, "before")));
	ck_assert_pstr_eq(jstr(json_object_get(first, "after"), "iso3"), jstr(first, "entity_id"));
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(tamper_edit)
{
	struct server *s = server_start(NULL);

	expect_broken(s, "UPDATE audit SET actor='mallory' WHERE seq=5", 5);
	server_end(s);
}
END_TEST

START_TEST(tamper_delete)
{
	struct server *s = server_start(NULL);

	expect_broken(s, "DELETE FROM audit WHERE seq=10", 10);
	server_end(s);
}
END_TEST

/* Two rows trade everything but their seq, hashes included: the trail is
 * reordered, and record 5 is the first that is not what was written. */
START_TEST(tamper_swap)
{
	struct server *s = server_start(NULL);

	expect_broken(s,
		      "CREATE TEMP TABLE keep AS SELECT * FROM audit WHERE seq IN (5,6);"
		      "UPDATE audit SET (at,actor,action,entity,entity_id,before,after,prev_hash,hash)"
		      " = (SELECT at,actor,action,entity,entity_id,before,after,prev_hash,hash"
		      " FROM keep WHERE keep.seq = 11 - audit.seq) WHERE seq IN (5,6);",
		      5);
	server_end(s);
}
END_TEST

/* Only the payload trades places; the hash columns stay. */
START_TEST(tamper_swap_payload)
{
	struct server *s = server_start(NULL);

	expect_broken(s,
		      "CREATE TEMP TABLE keep AS SELECT * FROM audit WHERE seq IN (20,30);"
		      "UPDATE audit SET (at,actor,action,entity,entity_id,before,after)"
		      " = (SELECT at,actor,action,entity,entity_id,before,after"
		      " FROM keep WHERE keep.seq = 50 - audit.seq) WHERE seq IN (20,30);",
		      20);
	server_end(s);
}
END_TEST

START_TEST(tamper_truncate)
{
	struct server *s = server_start(NULL);
	char *out = NULL;
	int code;

	ck_assert_int_eq(server_stop(s), 0);
	tamper(s->db, "DELETE FROM audit WHERE seq >= 100");
	code = nsatu_run(&out, "audit", "verify", "--db", s->db, NULL);
	ck_assert_msg(code == 1, "exit %d: %s", code, out);
	ck_assert_msg(strstr(out, "BROKEN at record 100:") != NULL, "%s", out);
	free(out);
	server_end(s);
}
END_TEST

Suite *suite_audit(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = api_tcase("audit");

	tcase_add_test(tc, verify_fresh);
	tcase_add_test(tc, list_and_chain);
	tcase_add_test(tc, tamper_edit);
	tcase_add_test(tc, tamper_delete);
	tcase_add_test(tc, tamper_swap);
	tcase_add_test(tc, tamper_swap_payload);
	tcase_add_test(tc, tamper_truncate);
	suite_add_tcase(s, tc);
	return s;
}
