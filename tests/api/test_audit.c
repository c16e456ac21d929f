/*
 * test_audit.c - the hash-chained audit trail: listing it (either order,
 * filters, time and seq ranges, cursors, every 400), verifying it over
 * HTTP and with `nsatu audit verify`, and catching records that were
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
#include <time.h>

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

/* ---- Listing with order, filters and ranges. ----------------------------- */

/* Every record @query selects (without limit and cursor), following the
 * cursors in pages of @limit, as one new array.  Asserts that the pages
 * are full but the last, and that seq runs strictly in the @query's order
 * (desc when it says order=desc). */
static json_t *walk(struct server *s, const char *token, const char *query, int limit)
{
	struct http_res r = {0};
	json_t *all = json_array();
	bool desc = strstr(query, "order=desc") != NULL;
	char url[768];
	long long prev = 0;

	snprintf(url, sizeof url, "/api/v1/audit?%s%slimit=%d", query, *query ? "&" : "", limit);
	for (;;) {
		json_t *it;
		size_t i;

		req(s, "GET", url, token, NULL, &r);
		ck_assert_msg(r.status == 200, "%s: %ld %s", url, r.status, r.body);
		json_t *items = json_object_get(r.json, "items");
		json_array_foreach(items, i, it) {
			long long seq = jint(it, "seq");
			ck_assert_msg(!prev || (desc ? seq < prev : seq > prev),
				      "%s: seq %lld after %lld", url, seq, prev);
			prev = seq;
			json_array_append(all, it);
		}
		const char *next = jstr(r.json, "next_cursor");
		if (!next)
			break;
		ck_assert_int_eq(json_array_size(items), limit);
		snprintf(url, sizeof url, "/api/v1/audit?%s%slimit=%d&cursor=%s", query,
			 *query ? "&" : "", limit, next);
	}
	res_free(&r);
	return all;
}

/* GET the audit list with @query; asserts 200, returns the items (new). */
static json_t *page(struct server *s, const char *token, const char *query)
{
	char url[512];

	snprintf(url, sizeof url, "/api/v1/audit?%s", query);
	json_t *body = get_ok(s, token, url);
	json_t *items = json_incref(json_object_get(body, "items"));
	json_decref(body);
	return items;
}

static long long seq_at(const json_t *items, size_t i)
{
	return jint(json_array_get(items, i), "seq");
}

START_TEST(list_newest_first)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");

	req(s, "PATCH", "/api/v1/nations/DNK", admin, "{\"gdp_year\":2024}", &r);
	ck_assert_int_eq(r.status, 200);
	const char *auditor = login_as(s, "auditor");
	long long total = audit_count(s, admin);

	/* The newest record first: the auditor's login, then the change. */
	json_t *items = page(s, auditor, "order=desc&limit=2");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_int_eq(seq_at(items, 0), total);
	ck_assert_pstr_eq(jstr(json_array_get(items, 0), "action"), "login");
	ck_assert_pstr_eq(jstr(json_array_get(items, 0), "actor"), "auditor");
	ck_assert_pstr_eq(jstr(json_array_get(items, 1), "action"), "update");
	json_decref(items);

	/* Both orders walk every record exactly once, the one the reverse of
	 * the other; asc is the default. */
	json_t *asc = walk(s, auditor, "", 500);
	json_t *desc = walk(s, auditor, "order=desc", 500);
	json_t *asc2 = walk(s, auditor, "order=asc", 333);
	ck_assert_int_eq(json_array_size(asc), total);
	ck_assert_int_eq(json_array_size(desc), total);
	ck_assert_int_eq(json_array_size(asc2), total);
	for (size_t i = 0; i < (size_t)total; i++) {
		ck_assert_int_eq(seq_at(asc, i), (long long)i + 1);
		ck_assert_int_eq(seq_at(desc, i), total - (long long)i);
		ck_assert_int_eq(seq_at(asc2, i), (long long)i + 1);
	}
	/* A cursor from before there was an order ("k:5") is an ascending one. */
	items = page(s, auditor, "cursor=azo1&limit=1");
	ck_assert_int_eq(seq_at(items, 0), 6);
	json_decref(items);
	req(s, "GET", "/api/v1/audit?order=desc&cursor=azo1", auditor, NULL, &r);
	assert_problem(&r, 400, "bad-request", "cursor");

	/* A record reads the same in either order. */
	ck_assert(json_equal(json_array_get(asc, 0), json_array_get(desc, (size_t)total - 1)));
	json_decref(asc);
	json_decref(desc);
	json_decref(asc2);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(list_filters)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin");
	json_t *items, *it;
	size_t i;

	req(s, "PATCH", "/api/v1/nations/DNK", admin, "{\"gdp_year\":2024}", &r);
	ck_assert_int_eq(r.status, 200);
	const char *auditor = login_as(s, "auditor");
	long long total = audit_count(s, admin);

	/* actor: the admin's login and change, newest first. */
	items = walk(s, auditor, "actor=admin&order=desc", 1);
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_pstr_eq(jstr(json_array_get(items, 0), "action"), "update");
	ck_assert_pstr_eq(jstr(json_array_get(items, 1), "action"), "login");
	json_decref(items);

	/* entity and entity_id: the nation's creation, then the change. */
	items = walk(s, auditor, "entity=nations&entity_id=DNK", 50);
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_pstr_eq(jstr(json_array_get(items, 0), "action"), "create");
	it = json_array_get(items, 1);
	ck_assert_pstr_eq(jstr(it, "actor"), "admin");
	ck_assert_int_eq(jint(json_object_get(it, "after"), "gdp_year"), 2024);
	json_decref(items);
	items = page(s, auditor, "entity_id=DNK&order=desc&limit=1");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_pstr_eq(jstr(json_array_get(items, 0), "action"), "update");
	json_decref(items);

	/* action with actor, walked in small pages both ways: the same set. */
	json_t *a = walk(s, auditor, "actor=system&action=create", 97);
	json_t *d = walk(s, auditor, "action=create&order=desc&actor=system", 101);
	ck_assert_int_gt(json_array_size(a), 1000);
	ck_assert_int_eq(json_array_size(a), json_array_size(d));
	json_array_foreach(a, i, it) {
		ck_assert_pstr_eq(jstr(it, "actor"), "system");
		ck_assert_pstr_eq(jstr(it, "action"), "create");
		ck_assert_int_eq(jint(it, "seq"), seq_at(d, json_array_size(d) - 1 - i));
	}
	json_decref(a);
	json_decref(d);

	/* entity alone: every nation's record. */
	items = walk(s, auditor, "entity=nations&order=desc", 500);
	json_array_foreach(items, i, it)
		ck_assert_pstr_eq(jstr(it, "entity"), "nations");
	ck_assert_int_gt(json_array_size(items), 30);
	json_decref(items);

	/* Logins and logouts are about sessions. */
	items = page(s, auditor, "entity=sessions&action=login&order=desc");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_pstr_eq(jstr(json_array_get(items, 0), "entity_id"), "auditor");
	json_decref(items);

	/* Filters that select nothing: an empty page, no cursor. */
	json_t *body = get_ok(s, auditor, "/api/v1/audit?actor=nobody&order=desc");
	ck_assert_int_eq(json_array_size(json_object_get(body, "items")), 0);
	ck_assert(json_is_null(json_object_get(body, "next_cursor")));
	json_decref(body);
	items = page(s, auditor, "actor=Admin");  /* exact, case and all */
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
	items = page(s, auditor, "entity_id=DN");
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
	ck_assert_int_eq(audit_count(s, admin), total);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(list_ranges)
{
	struct server *s = server_start(NULL);
	const char *auditor = login_as(s, "auditor");
	long long total = audit_count(s, login_as(s, "admin"));
	char q[256], day[16], next_day[16];
	json_t *items, *it;
	size_t i;

	/* seq_from and seq_to, inclusive, in either order. */
	items = page(s, auditor, "seq_from=10&seq_to=12");
	ck_assert_int_eq(json_array_size(items), 3);
	ck_assert_int_eq(seq_at(items, 0), 10);
	ck_assert_int_eq(seq_at(items, 2), 12);
	json_decref(items);
	items = page(s, auditor, "seq_to=12&seq_from=10&order=desc&limit=2");
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_int_eq(seq_at(items, 0), 12);
	ck_assert_int_eq(seq_at(items, 1), 11);
	json_decref(items);
	items = page(s, auditor, "seq_from=7&seq_to=7");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_int_eq(seq_at(items, 0), 7);
	json_decref(items);
	items = walk(s, auditor, "seq_from=4000&order=desc", 100);
	ck_assert_int_eq(json_array_size(items), total - 3999);
	json_decref(items);

	/* Record 20's time: from and to that instant are inclusive. */
	items = page(s, auditor, "seq_from=20&seq_to=20");
	char at[32];
	snprintf(at, sizeof at, "%s", jstr(json_array_get(items, 0), "at"));
	ck_assert_uint_eq(strlen(at), 24);
	json_decref(items);
	snprintf(q, sizeof q, "from=%s&to=%s&limit=500", at, at);
	items = page(s, auditor, q);
	ck_assert_int_ge(json_array_size(items), 1);
	ck_assert_ptr_nonnull(row_where(items, "at", at));
	json_array_foreach(items, i, it)
		ck_assert_pstr_eq(jstr(it, "at"), at);
	json_decref(items);

	/* A time without milliseconds: to takes its whole second, from starts
	 * at its beginning. */
	char sec[24];
	snprintf(sec, sizeof sec, "%.19sZ", at);
	snprintf(q, sizeof q, "from=%s&to=%s", sec, sec);
	items = walk(s, auditor, q, 500);
	ck_assert_ptr_nonnull(row_where(items, "at", at));
	json_array_foreach(items, i, it)
		ck_assert_int_eq(strncmp(jstr(it, "at"), at, 19), 0);
	json_decref(items);

	/* Dates: the whole trail was written on the days from its first
	 * record's date to its last's; to a date includes all of that day. */
	json_t *first = page(s, auditor, "limit=1");
	json_t *last = page(s, auditor, "limit=1&order=desc");
	snprintf(day, sizeof day, "%.10s", jstr(json_array_get(first, 0), "at"));
	snprintf(q, sizeof q, "from=%s&to=%.10s", day, jstr(json_array_get(last, 0), "at"));
	items = walk(s, auditor, q, 500);
	ck_assert_int_eq(json_array_size(items), total);
	json_decref(items);
	/* ... and the day after the last holds nothing, nor the day before the first. */
	struct tm tm = {0};
	ck_assert_ptr_nonnull(strptime(jstr(json_array_get(last, 0), "at"), "%Y-%m-%d", &tm));
	tm.tm_mday++;
	timegm(&tm);
	strftime(next_day, sizeof next_day, "%Y-%m-%d", &tm);
	snprintf(q, sizeof q, "from=%s", next_day);
	items = page(s, auditor, q);
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
	ck_assert_ptr_nonnull(strptime(day, "%Y-%m-%d", &tm));
	tm.tm_mday--;
	timegm(&tm);
	strftime(q, sizeof q, "to=%Y-%m-%d&order=desc", &tm);
	items = page(s, auditor, q);
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
	/* A range with filters, newest first. */
	snprintf(q, sizeof q, "from=%s&to=%s&actor=system&entity=nations&order=desc&limit=500",
		 day, jstr(json_array_get(last, 0), "at"));
	items = page(s, auditor, q);
	ck_assert_int_gt(json_array_size(items), 30);
	ck_assert_int_gt(seq_at(items, 0), seq_at(items, 1));
	json_decref(items);
	json_decref(first);
	json_decref(last);
	server_end(s);
}
END_TEST

/* One bad query: 400 bad-request naming @field, with @reason in the detail. */
static void expect_bad(struct server *s, const char *token, const char *query,
		       const char *field, const char *reason)
{
	struct http_res r = {0};
	char url[512];

	snprintf(url, sizeof url, "/api/v1/audit?%s", query);
	req(s, "GET", url, token, NULL, &r);
	assert_problem(&r, 400, "bad-request", field);
	ck_assert_msg(strstr(jstr(r.json, "detail"), reason) != NULL, "%s: detail '%s', want '%s'",
		      query, jstr(r.json, "detail"), reason);
	res_free(&r);
}

START_TEST(list_rejects_bad_parameters)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *auditor = login_as(s, "auditor");
	char q[512], asc_cursor[128], desc_cursor[128];

	expect_bad(s, auditor, "user=admin", "user", "is not a parameter of the audit trail");
	expect_bad(s, auditor, "order=desc&sort=at", "sort", "is not a parameter");
	expect_bad(s, auditor, "format=csv", "format", "JSON only");
	expect_bad(s, auditor, "order=newest", "order", "must be one of: asc, desc");
	expect_bad(s, auditor, "order=", "order", "must be one of: asc, desc");
	expect_bad(s, auditor, "order=asc&order=desc", "order", "appears more than once");
	expect_bad(s, auditor, "actor=", "actor", "must not be empty");
	expect_bad(s, auditor, "action=", "action", "must not be empty");
	expect_bad(s, auditor, "entity=", "entity", "must not be empty");
	memset(q, 'x', 10 + 96);
	memcpy(q, "entity_id=", 10);
	q[10 + 96] = '\0';
	expect_bad(s, auditor, q, "entity_id", "must be at most 95 characters");
	expect_bad(s, auditor, "actor=%FF", "actor", "UTF-8");
	expect_bad(s, auditor, "from=yesterday", "from",
		   "must be a date YYYY-MM-DD or a UTC time like 2026-11-27T15:20:02Z");
	expect_bad(s, auditor, "from=2026-13-01", "from", "must be a date");
	expect_bad(s, auditor, "to=2026-11-27T25:00:00Z", "to", "must be a date");
	expect_bad(s, auditor, "to=2026-11-27T10:00:00+01:00", "to", "UTC time");
	expect_bad(s, auditor, "to=2026-11-27%2010:00:00", "to", "must be a date");
	expect_bad(s, auditor, "from=2026-11-28&to=2026-11-27", "from", "must not be after to");
	expect_bad(s, auditor, "from=2026-11-27T10:00:00.001Z&to=2026-11-27T10:00:00.000Z", "from",
		   "must not be after to");
	expect_bad(s, auditor, "seq_from=0", "seq_from", "between 1 and");
	expect_bad(s, auditor, "seq_to=-3", "seq_to", "between 1 and");
	expect_bad(s, auditor, "seq_to=abc", "seq_to", "must be a whole number");
	expect_bad(s, auditor, "seq_from=5&seq_to=4", "seq_from", "must not be greater than seq_to");
	expect_bad(s, auditor, "limit=0", "limit", "from 1 to 500");
	expect_bad(s, auditor, "limit=501", "limit", "from 1 to 500");
	expect_bad(s, auditor, "cursor=nonsense", "cursor", "is not a cursor from this list");

	/* A cursor belongs to its order. */
	req(s, "GET", "/api/v1/audit?limit=2", auditor, NULL, &r);
	snprintf(asc_cursor, sizeof asc_cursor, "%s", jstr(r.json, "next_cursor"));
	req(s, "GET", "/api/v1/audit?limit=2&order=desc", auditor, NULL, &r);
	snprintf(desc_cursor, sizeof desc_cursor, "%s", jstr(r.json, "next_cursor"));
	ck_assert_str_ne(asc_cursor, desc_cursor);
	snprintf(q, sizeof q, "order=desc&cursor=%s", asc_cursor);
	expect_bad(s, auditor, q, "cursor", "belongs to another order");
	snprintf(q, sizeof q, "cursor=%s", desc_cursor);
	expect_bad(s, auditor, q, "cursor", "belongs to another order");
	snprintf(q, sizeof q, "order=asc&cursor=%s", desc_cursor);
	expect_bad(s, auditor, q, "cursor", "belongs to another order");
	/* ... and with its own order it carries on where its page ended. */
	snprintf(q, sizeof q, "/api/v1/audit?order=desc&limit=1&cursor=%s", desc_cursor);
	long long total = audit_count(s, login_as(s, "admin"));
	req(s, "GET", q, auditor, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(seq_at(json_object_get(r.json, "items"), 0), total - 3);
	snprintf(q, sizeof q, "/api/v1/audit?limit=1&cursor=%s", asc_cursor);
	req(s, "GET", q, auditor, NULL, &r);
	ck_assert_int_eq(seq_at(json_object_get(r.json, "items"), 0), 3);

	/* Only admins and auditors read the trail, filters or not. */
	req(s, "GET", "/api/v1/audit?order=desc&actor=admin", login_as(s, "planner"), NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/audit?order=desc", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	req(s, "GET", "/api/v1/audit?order=desc&actor=auditor", login_as(s, "admin"), NULL, &r);
	ck_assert_int_eq(r.status, 200);
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
	tcase_add_test(tc, list_newest_first);
	tcase_add_test(tc, list_filters);
	tcase_add_test(tc, list_ranges);
	tcase_add_test(tc, list_rejects_bad_parameters);
	tcase_add_test(tc, tamper_edit);
	tcase_add_test(tc, tamper_delete);
	tcase_add_test(tc, tamper_swap);
	tcase_add_test(tc, tamper_swap_payload);
	tcase_add_test(tc, tamper_truncate);
	suite_add_tcase(s, tc);
	return s;
}
