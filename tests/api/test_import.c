/*
 * test_import.c - POST /api/v1/requirements/import and
 * /api/v1/pledges/import: a text/csv upload stored in one transaction, the
 * two modes, the caller's scope applied row by row, and the problem that
 * carries the report when nothing was stored.
 */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_import(void);

#define REQ_HEADER "nation,item,quantity,priority,needed_by,destination,justification\n"
#define REQ_ROW "UKR,AT-JAVELIN,20,P1,2026-09-30,HP-MED,for the import test\n"
#define BAD_QTY "UKR,AT-NLAW,lots,P1,2026-09-30,HP-MED,\n"
#define DEU_ROW "DEU,AT-NLAW,5,P1,2026-09-30,HP-MED,\n"

static long upload(const struct server *s, const char *token, const char *path,
		   const char *csv, const char *ctype, struct http_res *r)
{
	struct http_call c = {.method = "POST", .path = path, .token = token, .body = csv,
			      .ctype = ctype ? ctype : "text/csv"};

	return http_do(s, &c, r);
}

/* The number of requirements with justification "for the import test"
 * that @token sees. */
static long long imported(const struct server *s, const char *token)
{
	struct http_res r = {0};
	json_t *it;
	size_t i;
	long long n = 0;

	req(s, "GET", "/api/v1/requirements?limit=500", token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		n += jstr(it, "justification") &&
		     strcmp(jstr(it, "justification"), "for the import test") == 0;
	res_free(&r);
	return n;
}

static void assert_report(const json_t *rep, const char *mode, long long rows,
			  long long created, long long failed, bool stored)
{
	ck_assert_msg(json_is_object(rep), "no report");
	ck_assert(json_is_null(json_object_get(rep, "file")));
	ck_assert_pstr_eq(jstr(rep, "mode"), mode);
	ck_assert_int_eq(jint(rep, "rows"), rows);
	ck_assert_int_eq(jint(rep, "created"), created);
	ck_assert_int_eq(jint(rep, "failed"), failed);
	ck_assert(json_is_boolean(json_object_get(rep, "stored")));
	ck_assert(json_boolean_value(json_object_get(rep, "stored")) == stored);
	ck_assert(json_is_array(json_object_get(rep, "errors")));
}

START_TEST(upload_stores_rows)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *planner = login_as(s, "planner");

	upload(s, planner, "/api/v1/requirements/import", REQ_HEADER REQ_ROW REQ_ROW REQ_ROW, NULL,
	       &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert_str_eq(r.ctype, "application/json");
	assert_report(r.json, "all-or-nothing", 3, 3, 0, true);
	ck_assert_pstr_eq(jstr(r.json, "entity"), "requirements");
	ck_assert_int_eq(imported(s, planner), 3);
	/* charset=utf-8 is fine; BOM and CRLF too. */
	upload(s, planner, "/api/v1/requirements/import",
	       "\xEF\xBB\xBF" "nation,item,quantity,priority,needed_by,destination,justification\r\n"
	       "UKR,AT-JAVELIN,20,P1,2026-09-30,HP-MED,for the import test\r\n",
	       "text/csv; charset=utf-8", &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert_int_eq(imported(s, planner), 4);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(content_type_and_mode)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *planner = login_as(s, "planner");

	upload(s, planner, "/api/v1/requirements/import", REQ_HEADER REQ_ROW, "application/json",
	       &r);
	assert_problem(&r, 415, "unsupported-media-type", "Content-Type");
	upload(s, planner, "/api/v1/pledges/import", REQ_HEADER REQ_ROW, "", &r);
	assert_problem(&r, 415, "unsupported-media-type", "Content-Type");
	upload(s, planner, "/api/v1/requirements/import", REQ_HEADER REQ_ROW,
	       "text/csv; charset=latin1", &r);
	assert_problem(&r, 415, "unsupported-media-type", "Content-Type");
	upload(s, planner, "/api/v1/requirements/import?mode=best-effort", REQ_HEADER REQ_ROW,
	       NULL, &r);
	assert_problem(&r, 400, "bad-request", "mode");
	ck_assert_int_eq(imported(s, planner), 0);

	/* valid-rows-only stores the good rows and lists the bad. */
	upload(s, planner, "/api/v1/requirements/import?mode=valid-rows-only",
	       REQ_HEADER REQ_ROW BAD_QTY REQ_ROW, NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	assert_report(r.json, "valid-rows-only", 3, 2, 1, true);
	json_t *e = json_array_get(json_object_get(r.json, "errors"), 0);
	ck_assert_int_eq(jint(e, "row"), 3);
	ck_assert_pstr_eq(jstr(e, "column"), "quantity");
	ck_assert_pstr_eq(jstr(e, "value"), "lots");
	ck_assert_int_eq(imported(s, planner), 2);
	/* The default, also by name, stores nothing. */
	upload(s, planner, "/api/v1/requirements/import?mode=all-or-nothing",
	       REQ_HEADER REQ_ROW BAD_QTY, NULL, &r);
	assert_problem(&r, 400, "invalid-field", NULL);
	ck_assert_int_eq(imported(s, planner), 2);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(problem_carries_the_report)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *planner = login_as(s, "planner");

	upload(s, planner, "/api/v1/requirements/import",
	       REQ_HEADER REQ_ROW BAD_QTY "UKR,NO-SUCH-ITEM,5,P1,2026-09-30,HP-MED,\n", NULL, &r);
	assert_problem(&r, 400, "invalid-field", NULL);
	ck_assert_msg(strstr(jstr(r.json, "detail"), "nothing was stored"), "%s", r.body);
	ck_assert_pstr_eq(jstr(r.json, "instance"), "/api/v1/requirements/import");
	json_t *rep = json_object_get(r.json, "report");
	assert_report(rep, "all-or-nothing", 3, 0, 2, false);
	json_t *e0 = json_array_get(json_object_get(rep, "errors"), 0);
	json_t *e1 = json_array_get(json_object_get(rep, "errors"), 1);
	ck_assert_int_eq(jint(e0, "row"), 3);
	ck_assert_pstr_eq(jstr(e0, "column"), "quantity");
	ck_assert_pstr_eq(jstr(e0, "value"), "lots");
	ck_assert_msg(jstr(e0, "reason") && *jstr(e0, "reason"), "no reason");
	ck_assert_int_eq(jint(e1, "row"), 4);
	ck_assert_pstr_eq(jstr(e1, "column"), "item");
	ck_assert_pstr_eq(jstr(e1, "value"), "NO-SUCH-ITEM");
	ck_assert_int_eq(imported(s, planner), 0);

	/* A bad header stops the import naming the column, before any row. */
	upload(s, planner, "/api/v1/requirements/import",
	       "nation,item,quantity,priority,needed_by,destination,status\n"
	       "UKR,AT-NLAW,1,P1,2026-09-30,HP-MED,validated\n", NULL, &r);
	assert_problem(&r, 400, "invalid-field", "status");
	/* Broken CSV is a malformed request. */
	upload(s, planner, "/api/v1/requirements/import", REQ_HEADER "UKR,\"AT-NLAW\n", NULL, &r);
	assert_problem(&r, 400, "bad-request", NULL);
	/* No data rows: nothing stored, with the (empty) report. */
	upload(s, planner, "/api/v1/requirements/import", REQ_HEADER, NULL, &r);
	assert_problem(&r, 400, "invalid-field", NULL);
	assert_report(json_object_get(r.json, "report"), "all-or-nothing", 0, 0, 0, false);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(scope_and_roles)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *officer = login_as(s, "officer.ukr");
	const char *liaison = login_as(s, "liaison.deu");
	const char *auditor = login_as(s, "auditor");

	/* A recipient officer imports UKR requirements only. */
	upload(s, officer, "/api/v1/requirements/import", REQ_HEADER REQ_ROW DEU_ROW, NULL, &r);
	assert_problem(&r, 400, "invalid-field", NULL);
	json_t *e = json_array_get(json_object_get(json_object_get(r.json, "report"), "errors"), 0);
	ck_assert_int_eq(jint(e, "row"), 3);
	ck_assert_pstr_eq(jstr(e, "column"), "nation");
	ck_assert_pstr_eq(jstr(e, "value"), "DEU");
	upload(s, officer, "/api/v1/requirements/import?mode=valid-rows-only",
	       REQ_HEADER REQ_ROW DEU_ROW, NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	assert_report(r.json, "valid-rows-only", 2, 1, 1, true);
	ck_assert_int_eq(imported(s, officer), 1);

	/* A donor liaison imports its own nation's pledges, and no requirements. */
	upload(s, liaison, "/api/v1/pledges/import",
	       "nation,kind,pledged_on,amount,currency,year,source\n"
	       "DEU,funding,2026-02-01,1000000,EUR,2026,import test\n"
	       "FRA,funding,2026-02-01,1000000,EUR,2026,import test\n",
	       NULL, &r);
	assert_problem(&r, 400, "invalid-field", NULL);
	e = json_array_get(json_object_get(json_object_get(r.json, "report"), "errors"), 0);
	ck_assert_int_eq(jint(e, "row"), 3);
	ck_assert_pstr_eq(jstr(e, "column"), "nation");
	upload(s, liaison, "/api/v1/pledges/import",
	       "nation,kind,pledged_on,amount,currency,year,source\n"
	       "DEU,funding,2026-02-01,1000000,EUR,2026,import test\n", NULL, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "entity"), "pledges");
	upload(s, liaison, "/api/v1/requirements/import", REQ_HEADER REQ_ROW, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	upload(s, auditor, "/api/v1/pledges/import", REQ_HEADER REQ_ROW, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	upload(s, NULL, "/api/v1/pledges/import", REQ_HEADER REQ_ROW, NULL, &r);
	assert_problem(&r, 401, "unauthorized", NULL);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(body_limit)
{
	struct server *s = server_start("--max-body", "2048", NULL);
	struct http_res r = {0};
	const char *planner = login_as(s, "planner");
	size_t used = 0, cap = 16384;
	char *csv = malloc(cap);

	ck_assert_ptr_nonnull(csv);
	used += (size_t)snprintf(csv, cap, "%s", REQ_HEADER);
	for (size_t i = 0; i < 100; i++)
		used += (size_t)snprintf(csv + used, cap - used, "%s", REQ_ROW);
	upload(s, planner, "/api/v1/requirements/import", csv, NULL, &r);
	assert_problem(&r, 413, "payload-too-large", "body");
	ck_assert_int_eq(imported(s, planner), 0);
	free(csv);
	res_free(&r);
	server_end(s);
}
END_TEST

/* Write @text to @name in the server's dir; @path gets the file's path. */
static void write_csv(const struct server *s, const char *name, const char *text,
		      char path[256])
{
	FILE *f;

	snprintf(path, 256, "%s/%s", s->dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static double contributed(const struct server *s, const char *token, int year)
{
	struct http_res r = {0};
	char url[96];
	double v;

	snprintf(url, sizeof url, "/api/v1/reports/burden-sharing?year=%d", year);
	req(s, "GET", url, token, NULL, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	v = json_number_value(json_object_get(r.json, "contributed_eur"));
	res_free(&r);
	return v;
}

/* nsatu import on the server's database, while it serves. */
START_TEST(command_line)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner");
	char path[256], *out = NULL;
	int code;

	write_csv(s, "r.csv", REQ_HEADER REQ_ROW DEU_ROW BAD_QTY, path);
	/* As the officer: the DEU row is out of scope, and nothing is stored. */
	code = nsatu_run(&out, "import", "requirements", path, "--db", s->db, "--as", "officer.ukr",
			 NULL);
	ck_assert_msg(code == 1, "exit %d: %s", code, out);
	ck_assert_msg(strstr(out, "read 3 rows") && strstr(out, "stored nothing"), "%s", out);
	ck_assert_msg(strstr(out, "     3 nation") && strstr(out, "outside your scope"), "%s", out);
	ck_assert_msg(strstr(out, "     4 quantity") && strstr(out, "lots"), "%s", out);
	free(out);
	/* --valid-only --json: the report on stdout. */
	code = nsatu_run(&out, "import", "requirements", path, "--db", s->db, "--as", "officer.ukr",
			 "--valid-only", "--json", NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	json_t *rep = json_loads(strchr(out, '{'), 0, NULL);
	ck_assert_msg(rep, "%s", out);
	ck_assert_int_eq(jint(rep, "created"), 1);
	ck_assert_int_eq(jint(rep, "failed"), 2);
	ck_assert_pstr_eq(jstr(rep, "file"), path);
	json_decref(rep);
	free(out);
	ck_assert_int_eq(imported(s, planner), 1);
	/* The planner by default; an unknown user and a bad kind are refused. */
	code = nsatu_run(&out, "import", "requirements", path, "--db", s->db, "--valid-only", NULL);
	ck_assert_msg(code == 0 && strstr(out, "stored 1 requirement (") &&
		      strstr(out, "must be a recipient nation"), "exit %d: %s", code, out);
	free(out);
	ck_assert_int_eq(nsatu_run(NULL, "import", "requirements", path, "--db", s->db, "--as",
				   "nobody", NULL), 1);
	ck_assert_int_eq(nsatu_run(NULL, "import", "nations", path, "--db", s->db, NULL), 2);

	/* The Kiel tracker's military allocations as committed funding.  One
	 * row's pledge is there already, announced, as if a run had stopped
	 * before committing it: it is committed, not made again. */
	write_csv(s, "p.csv", "nation,kind,pledged_on,amount,currency,year,source\n"
		  "DEU,funding,2024-01-01,929064000,EUR,2024,\"Kiel Institute for the World "
		  "Economy, Ukraine Support Tracker, Release 29 (04/2026): military "
		  "allocations\"\n", path);
	ck_assert_int_eq(nsatu_run(NULL, "import", "pledges", path, "--db", s->db, NULL), 0);
	double before = contributed(s, planner, 2024);
	code = nsatu_run(&out, "import", "kiel", "data/kiel/kiel_data_explorer.csv", "--db", s->db,
			 "--json", NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	rep = json_loads(strchr(out, '{'), 0, NULL);
	ck_assert_msg(rep, "%s", out);
	ck_assert_int_eq(jint(rep, "rows"), 1079);
	ck_assert_int_gt(jint(rep, "created"), 500);
	ck_assert_int_eq(jint(rep, "imported_before"), 1);
	ck_assert_int_eq(jint(rep, "committed"), jint(rep, "created") + 1);
	ck_assert_int_gt(jint(rep, "skipped_not_a_nation"), 0);
	json_decref(rep);
	free(out);
	double after = contributed(s, planner, 2024);
	ck_assert_msg(after > before + 30e9, "contributed %.0f -> %.0f", before, after);
	/* Again: nothing twice. */
	code = nsatu_run(&out, "import", "kiel", "data/kiel/kiel_data_explorer.csv", "--db", s->db,
			 "--json", NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	rep = json_loads(strchr(out, '{'), 0, NULL);
	ck_assert_int_eq(jint(rep, "created"), 0);
	ck_assert_int_gt(jint(rep, "imported_before"), 500);
	json_decref(rep);
	free(out);
	ck_assert(contributed(s, planner, 2024) == after);
	server_end(s);
}
END_TEST

Suite *suite_import(void)
{
	Suite *s = suite_create("import");
	TCase *tc = api_tcase("upload");

	tcase_add_test(tc, upload_stores_rows);
	tcase_add_test(tc, content_type_and_mode);
	tcase_add_test(tc, problem_carries_the_report);
	tcase_add_test(tc, scope_and_roles);
	tcase_add_test(tc, body_limit);
	suite_add_tcase(s, tc);
	tc = api_tcase("command line");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, command_line);
	suite_add_tcase(s, tc);
	return s;
}
