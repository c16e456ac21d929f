/*
 * test_training_reports.c - the training reports (issue 6), fed a scenario
 * built through the API:
 *
 *  courses C-TRR-A ("Report capability A") and C-TRR-B at TF-GRF;
 *  sessions, days from today (start / notice given):
 *    S1  C-TRR-A  TF-GRF   8 seats, DEU's pledge  +18 / today  (18 days: warning)
 *    S2  C-TRR-B  TF-GRF   6 seats, NLD's pledge  +45 / today  (45 days)
 *    S3  C-TRR-A  TF-GRF   4 seats, no pledge     +30 / today  (30 days: the edge, no warning)
 *    S4  C-TRR-A  TF-SWI   5 seats, no pledge     +20 / today  (20 days: warning; host POL)
 *    S5  C-TRR-A  TF-GRF   3 seats, no pledge     +25 / today  (25 days: warning; the notice
 *                                                              cannot be removed later)
 *    SX  C-TRR-A  TF-GRF   7 seats                +30 / today  cancelled: in no report
 *  enrolments: S1 T1 graduated, T2 failed, T3 in training, T4 nominated;
 *              S2 T5 graduated, T6 withdrawn.
 *
 * The demo database may hold training of its own, so totals are checked as
 * the difference the scenario makes, and the rows it owns (its sessions,
 * courses and capabilities) exactly.
 */
#include "donations.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

Suite *suite_training_reports(void);  /* run by main.c */

#define CAP_A "Report capability A"
#define CAP_B "Report capability B"

/* ==== Helpers. ============================================================= */

static double num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static void assert_near(double got, double want, const char *what)
{
	ck_assert_msg(fabs(got - want) <= 1e-6 * fmax(1, fabs(want)), "%s: got %.6f, want %.6f",
		      what, got, want);
}

/* POST @body (taken) to @path, asserting 201; copies the id. */
static void create(const struct server *s, const char *token, const char *path, json_t *body,
		   char id[ID_LEN])
{
	struct http_res r = {0};

	send_json(s, "POST", path, token, body, &r);
	ck_assert_msg(r.status == 201, "POST %s: %ld %s", path, r.status, r.body);
	if (id)
		snprintf(id, ID_LEN, "%s", jstr(r.json, "id"));
	res_free(&r);
}

static void new_course(const struct server *s, const char *planner, const char *code,
		       const char *capability)
{
	create(s, planner, "/api/v1/courses",
	       json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s}", "code", code, "name",
			 "Report test course", "capability", capability, "facility", "TF-GRF",
			 "duration_days", 10, "class_min", 1, "class_max", 10, "language", "en"),
	       NULL);
}

static void new_seat_pledge(const struct server *s, const char *token, const char *nation,
			    const char *course, long long seats, char id[ID_LEN])
{
	create(s, token, "/api/v1/pledges",
	       json_pack("{s:s, s:s, s:s, s:s, s:I}", "nation", nation, "kind", "training_seats",
			 "pledged_on", PLEDGED_ON, "course", course, "seats", (json_int_t)seats),
	       id);
}

/* A session starting @start days from today for ten days, the facility
 * told @told days from today (told > start: leave notified_on out, and
 * the server makes it today). */
static void new_session(const struct server *s, const char *token, const char *course,
			const char *facility, int start, int told, long long seats,
			const char *pledge, char id[ID_LEN])
{
	char from[16], to[16], on[16];

	date_utc(start, from);
	date_utc(start + 9, to);
	date_utc(told, on);
	create(s, token, "/api/v1/training_sessions",
	       json_pack("{s:s, s:s, s:s, s:s, s:I, s:s?, s:s?}", "course", course, "facility",
			 facility, "starts_on", from, "ends_on", to, "seats", (json_int_t)seats,
			 "pledge", pledge, "notified_on", told <= start ? on : NULL),
	       id);
}

static void new_trainee(const struct server *s, const char *officer, int n, char id[ID_LEN])
{
	char sn[32];

	snprintf(sn, sizeof sn, "TRR-%05d", n);
	create(s, officer, "/api/v1/trainees",
	       json_pack("{s:s, s:s, s:s, s:s, s:s}", "service_number", sn, "nation", "UKR",
			 "unit", "UA-UNIT-E", "specialty", "air defence operator", "rank",
			 "sergeant"),
	       id);
}

static void nominate(const struct server *s, const char *officer, const char *trainee,
		     const char *session, char id[ID_LEN])
{
	create(s, officer, "/api/v1/enrolments",
	       json_pack("{s:s, s:s}", "trainee", trainee, "session", session), id);
}

/* @list's row where @key is @value, then its integer @field (0 when no row). */
static long long figure(const json_t *report_, const char *list, const char *key,
			const char *value, const char *field)
{
	return jint(row_where(json_object_get(report_, list), key, value), field);
}

/* @field of @list's row @key = @value moved by @want from @before to @after. */
static void assert_delta(const json_t *before, const json_t *after, const char *list,
			 const char *key, const char *value, const char *field, long long want)
{
	long long got = figure(after, list, key, value, field) -
			figure(before, list, key, value, field);

	ck_assert_msg(got == want, "%s %s %s: moved %lld, want %lld", list, value, field, got,
		      want);
}

static void assert_total_delta(const json_t *before, const json_t *after, const char *field,
			       long long want)
{
	long long got = jint(json_object_get(after, "totals"), field) -
			jint(json_object_get(before, "totals"), field);

	ck_assert_msg(got == want, "totals %s: moved %lld, want %lld", field, got, want);
}

/* ==== The scenario. ======================================================== */

struct scenario {
	char s1[ID_LEN], s2[ID_LEN], s3[ID_LEN], s4[ID_LEN], s5[ID_LEN], sx[ID_LEN];
	char p_deu[ID_LEN], p_nld[ID_LEN];
};

static void build(struct server *s, struct scenario *sc)
{
	const char *planner = login_as(s, "planner"), *liaison = login_as(s, "liaison.deu");
	const char *officer = login_as(s, "officer.ukr"), *grf = login_as(s, "facility.grf");
	char t[7][ID_LEN], e[7][ID_LEN];
	struct http_res r = {0};

	new_course(s, planner, "C-TRR-A", CAP_A);
	new_course(s, planner, "C-TRR-B", CAP_B);
	new_course(s, planner, "C-TRR-C", "Report capability C");
	new_seat_pledge(s, liaison, "DEU", "C-TRR-A", 8, sc->p_deu);
	new_seat_pledge(s, planner, "NLD", "C-TRR-B", 6, sc->p_nld);

	new_session(s, grf, "C-TRR-A", "TF-GRF", 18, 0, 8, sc->p_deu, sc->s1);
	new_session(s, grf, "C-TRR-B", "TF-GRF", 45, 0, 6, sc->p_nld, sc->s2);
	new_session(s, grf, "C-TRR-A", "TF-GRF", 30, 0, 4, NULL, sc->s3);
	new_session(s, planner, "C-TRR-A", "TF-SWI", 20, 0, 5, NULL, sc->s4);
	new_session(s, grf, "C-TRR-A", "TF-GRF", 25, 0, 3, NULL, sc->s5);
	new_session(s, grf, "C-TRR-A", "TF-GRF", 30, 0, 7, NULL, sc->sx);
	/* The notice on record for S5 stays (it is what happened); a notice
	 * "given" in the future is no notice.  SX is called off. */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/training_sessions/%s", sc->s5);
	req(s, "PATCH", path, grf, "{\"notified_on\":null}", &r);
	assert_problem(&r, 400, "invalid-field", "notified_on");
	char later[16], body[96];
	date_utc(3, later);
	snprintf(body, sizeof body, "{\"notified_on\":\"%s\"}", later);
	req(s, "PATCH", path, grf, body, &r);
	assert_problem(&r, 400, "invalid-field", "notified_on");
	move_ok(s, grf, "training_sessions", sc->sx, "cancelled", "no instructors");

	for (int i = 1; i <= 6; i++)
		new_trainee(s, officer, i, t[i]);
	for (int i = 1; i <= 4; i++)
		nominate(s, officer, t[i], sc->s1, e[i]);
	nominate(s, officer, t[5], sc->s2, e[5]);
	nominate(s, officer, t[6], sc->s2, e[6]);
	/* A nomination to the cancelled session is refused, so it holds none. */
	send_json(s, "POST", "/api/v1/enrolments", officer,
		  json_pack("{s:s, s:s}", "trainee", t[6], "session", sc->sx), &r);
	ck_assert_int_eq(r.status, 409);

	for (int i = 1; i <= 3; i++)
		move_ok(s, grf, "enrolments", e[i], "enrolled", NULL);
	move_ok(s, grf, "enrolments", e[5], "enrolled", NULL);
	move_ok(s, officer, "enrolments", e[6], "withdrawn", "needed at the front");
	move_ok(s, grf, "training_sessions", sc->s1, "open", NULL);
	move_ok(s, grf, "training_sessions", sc->s1, "running", NULL);
	move_ok(s, grf, "training_sessions", sc->s2, "open", NULL);
	move_ok(s, grf, "training_sessions", sc->s2, "running", NULL);
	for (int i = 1; i <= 3; i++)
		move_ok(s, grf, "enrolments", e[i], "in_training", NULL);
	move_ok(s, grf, "enrolments", e[5], "in_training", NULL);
	move_ok(s, grf, "enrolments", e[1], "graduated", NULL);
	move_ok(s, grf, "enrolments", e[2], "failed", "did not pass the final exercise");
	move_ok(s, grf, "enrolments", e[5], "graduated", NULL);
	res_free(&r);
}

/* ==== Seats. ================================================================ */

static void assert_session(const json_t *rep, const char *id, const char *nation,
			   const char *pledge, long long seats, long long filled, double rate)
{
	const json_t *row = row_where(json_object_get(rep, "sessions"), "session", id);

	ck_assert_msg(row != NULL, "session %s is listed", id);
	ck_assert_str_eq(jstr(row, "nation"), nation);
	if (pledge)
		ck_assert_str_eq(jstr(row, "pledge"), pledge);
	else
		ck_assert(json_is_null(json_object_get(row, "pledge")));
	ck_assert_int_eq(jint(row, "seats"), seats);
	ck_assert_int_eq(jint(row, "filled"), filled);
	ck_assert_int_eq(jint(row, "unfilled"), seats - filled);
	assert_near(num(row, "fill_rate"), rate, id);
}

START_TEST(seats)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner");
	struct scenario sc;
	struct http_res r = {0};
	char path[160], today[16], to[16];

	date_utc(0, today);
	date_utc(100, to);
	snprintf(path, sizeof path, "/api/v1/reports/training/seats?from=%s&to=%s", today, to);
	json_t *before = get_ok(s, planner, path);
	build(s, &sc);
	json_t *rep = get_ok(s, planner, path);

	ck_assert_str_eq(jstr(rep, "from"), today);
	ck_assert_str_eq(jstr(rep, "to"), to);
	ck_assert(strstr(jstr(rep, "summary"), "seats filled") != NULL);
	/* S1 filled by the graduate, the failed and the one in training; the
	 * nominee holds no seat.  S2 by its graduate, not the withdrawn. */
	assert_session(rep, sc.s1, "DEU", sc.p_deu, 8, 3, 0.375);
	assert_session(rep, sc.s2, "NLD", sc.p_nld, 6, 1, 0.1667);
	assert_session(rep, sc.s3, "DEU", NULL, 4, 0, 0);
	assert_session(rep, sc.s4, "POL", NULL, 5, 0, 0);
	assert_session(rep, sc.s5, "DEU", NULL, 3, 0, 0);
	ck_assert(!row_where(json_object_get(rep, "sessions"), "session", sc.sx));

	assert_total_delta(before, rep, "sessions", 5);
	assert_total_delta(before, rep, "seats", 26);
	assert_total_delta(before, rep, "filled", 4);
	const json_t *t = json_object_get(rep, "totals");
	ck_assert_int_eq(jint(t, "unfilled"), jint(t, "seats") - jint(t, "filled"));
	assert_near(num(t, "fill_rate"),
		    round(10000.0 * (double)jint(t, "filled") / (double)jint(t, "seats")) / 10000,
		    "total fill rate");
	/* By nation: the pledging nation, else the host. */
	assert_delta(before, rep, "by_nation", "nation", "DEU", "sessions", 3);
	assert_delta(before, rep, "by_nation", "nation", "DEU", "seats", 15);
	assert_delta(before, rep, "by_nation", "nation", "DEU", "filled", 3);
	assert_delta(before, rep, "by_nation", "nation", "NLD", "sessions", 1);
	assert_delta(before, rep, "by_nation", "nation", "NLD", "seats", 6);
	assert_delta(before, rep, "by_nation", "nation", "NLD", "filled", 1);
	assert_delta(before, rep, "by_nation", "nation", "POL", "seats", 5);
	assert_delta(before, rep, "by_nation", "nation", "POL", "filled", 0);
	const json_t *nld = row_where(json_object_get(rep, "by_nation"), "nation", "NLD");
	ck_assert_str_eq(jstr(nld, "name"), "Netherlands");
	assert_near(num(nld, "fill_rate"),
		    round(10000.0 * (double)jint(nld, "filled") / (double)jint(nld, "seats")) / 10000,
		    "NLD fill rate");
	/* By facility. */
	assert_delta(before, rep, "by_facility", "facility", "TF-GRF", "sessions", 4);
	assert_delta(before, rep, "by_facility", "facility", "TF-GRF", "seats", 21);
	assert_delta(before, rep, "by_facility", "facility", "TF-GRF", "filled", 4);
	assert_delta(before, rep, "by_facility", "facility", "TF-SWI", "seats", 5);
	const json_t *grf = row_where(json_object_get(rep, "by_facility"), "facility", "TF-GRF");
	ck_assert_str_eq(jstr(grf, "host_nation"), "DEU");
	ck_assert_str_eq(jstr(grf, "name"), "Grafenwoehr Training Area");

	/* A period without the scenario's classes. */
	char old_from[16], old_to[16];
	date_utc(-400, old_from);
	date_utc(-1, old_to);
	snprintf(path, sizeof path, "/api/v1/reports/training/seats?from=%s&to=%s", old_from,
		 old_to);
	json_t *old = get_ok(s, planner, path);
	ck_assert(!row_where(json_object_get(old, "sessions"), "session", sc.s1));
	json_decref(old);

	/* By default, this calendar year; a given end takes its own year. */
	json_t *def = get_ok(s, planner, "/api/v1/reports/training/seats");
	char jan[16], dec[16], s1_start[16];
	snprintf(jan, sizeof jan, "%.4s-01-01", today);
	snprintf(dec, sizeof dec, "%.4s-12-31", today);
	ck_assert_str_eq(jstr(def, "from"), jan);
	ck_assert_str_eq(jstr(def, "to"), dec);
	date_utc(18, s1_start);
	ck_assert(!row_where(json_object_get(def, "sessions"), "session", sc.s1) ==
		  (strncmp(s1_start, today, 4) != 0));
	json_decref(def);
	def = get_ok(s, planner, "/api/v1/reports/training/seats?from=2027-03-01");
	ck_assert_str_eq(jstr(def, "to"), "2027-12-31");
	json_decref(def);
	def = get_ok(s, planner, "/api/v1/reports/training/seats?to=2025-06-30");
	ck_assert_str_eq(jstr(def, "from"), "2025-01-01");
	json_decref(def);

	/* Donor liaisons offer seats: they see every nation's. */
	snprintf(path, sizeof path, "/api/v1/reports/training/seats?from=%s&to=%s", today, to);
	json_t *lia = get_ok(s, login_as(s, "liaison.deu"), path);
	ck_assert(json_equal(json_object_get(lia, "by_nation"), json_object_get(rep, "by_nation")));
	ck_assert(row_where(json_object_get(lia, "sessions"), "session", sc.s4) != NULL);
	json_decref(lia);

	/* The list as CSV and XLSX. */
	snprintf(path, sizeof path, "/api/v1/reports/training/seats?from=%s&to=%s&format=csv",
		 today, to);
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strncmp(r.ctype, "text/csv", 8) == 0);
	ck_assert_msg(strstr(r.body, "session,course,facility,nation,pledge,starts_on,ends_on,"
				     "status,seats,filled,unfilled,fill_rate") != NULL, "%s", r.body);
	ck_assert(strstr(r.body, sc.s1) && !strstr(r.body, sc.sx));
	snprintf(path, sizeof path, "/api/v1/reports/training/seats?from=%s&to=%s&format=xlsx",
		 today, to);
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.ctype, "spreadsheetml") != NULL);
	ck_assert(r.body_len > 100 && memcmp(r.body, "PK", 2) == 0);

	/* Bad queries. */
	req(s, "GET", "/api/v1/reports/training/seats?nation=DEU", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "nation");
	req(s, "GET", "/api/v1/reports/training/seats?from=2026-02-30", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "from");
	req(s, "GET", "/api/v1/reports/training/seats?to=soon", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "to");
	req(s, "GET", "/api/v1/reports/training/seats?from=2026-05-01&to=2026-04-30", planner,
	    NULL, &r);
	assert_problem(&r, 400, "bad-request", "from");
	req(s, "GET", "/api/v1/reports/training/seats?format=pdf", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "format");

	/* The command line gives the same report. */
	char *out = NULL;
	int code = nsatu_run(&out, "report", "training-seats", "--db", s->db, "--from", today,
			     "--to", to, "--json", NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	const char *start = strstr(out, "{\n");
	json_t *cli = start ? json_loads(start, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	ck_assert_msg(cli != NULL, "no JSON: %s", out);
	ck_assert(json_equal(json_object_get(cli, "totals"), json_object_get(rep, "totals")));
	ck_assert(json_equal(json_object_get(cli, "sessions"), json_object_get(rep, "sessions")));
	json_decref(cli);
	free(out);
	code = nsatu_run(&out, "report", "training-seats", "--db", s->db, "--from", today, "--to",
			 to, NULL);
	ck_assert_msg(code == 0 && strstr(out, sc.s1) && strstr(out, "0.38"), "exit %d: %s", code,
		      out);
	free(out);
	code = nsatu_run(&out, "report", "training-seats", "--db", s->db, "--course", "C-TRR-A",
			 NULL);
	ck_assert_msg(code == 2, "--course is not for training-seats: exit %d: %s", code, out);
	free(out);

	json_decref(before);
	json_decref(rep);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Graduates and the pipeline. ============================================ */

/* The first of the month @back months before this one, YYYY-MM-DD. */
static void month_start(int back, char out[16])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	int m = tm.tm_year * 12 + tm.tm_mon - back;
	char buf[32];
	snprintf(buf, sizeof buf, "%04d-%02d-01", 1900 + m / 12, m % 12 + 1);
	snprintf(out, 16, "%.10s", buf);
}

static void assert_counts(const json_t *row, long long nominated, long long enrolled,
			  long long in_training, long long graduated, long long failed,
			  long long withdrawn)
{
	ck_assert_msg(row != NULL, "a pipeline row");
	ck_assert_int_eq(jint(row, "nominated"), nominated);
	ck_assert_int_eq(jint(row, "enrolled"), enrolled);
	ck_assert_int_eq(jint(row, "in_training"), in_training);
	ck_assert_int_eq(jint(row, "graduated"), graduated);
	ck_assert_int_eq(jint(row, "failed"), failed);
	ck_assert_int_eq(jint(row, "withdrawn"), withdrawn);
	ck_assert_int_eq(jint(row, "enrolments"),
			 nominated + enrolled + in_training + graduated + failed + withdrawn);
}

START_TEST(graduates_pipeline)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *admin = login_as(s, "admin");
	struct scenario sc;
	struct http_res r = {0};
	char month[16], first[16], path[160], today[16];
	size_t i;
	json_t *row;

	date_utc(0, today);
	json_t *grad0 = get_ok(s, planner, "/api/v1/reports/training/graduates");
	json_t *pipe0 = get_ok(s, planner, "/api/v1/reports/training/pipeline");
	build(s, &sc);

	/* Graduates: T1 (capability A) and T5 (B), this month. */
	json_t *grad = get_ok(s, planner, "/api/v1/reports/training/graduates");
	month_start(11, first);
	ck_assert_str_eq(jstr(grad, "from"), first);
	ck_assert_str_eq(jstr(grad, "to"), today);
	const json_t *months = json_object_get(grad, "months");
	ck_assert_int_eq(json_array_size(months), 12);
	snprintf(month, sizeof month, "%.7s", today);
	ck_assert_str_eq(json_string_value(json_array_get(months, 11)), month);
	ck_assert(strncmp(json_string_value(json_array_get(months, 0)), first, 7) == 0);
	assert_total_delta(grad0, grad, "graduates", 2);
	const json_t *by_month = json_object_get(grad, "by_month");
	bool seen_a = false, seen_b = false;
	json_array_foreach(by_month, i, row) {
		if (strcmp(jstr(row, "capability"), CAP_A) == 0) {
			ck_assert(!seen_a);
			seen_a = true;
			ck_assert_str_eq(jstr(row, "month"), month);
			ck_assert_int_eq(jint(row, "graduates"), 1);
		}
		if (strcmp(jstr(row, "capability"), CAP_B) == 0) {
			ck_assert(!seen_b);
			seen_b = true;
			ck_assert_int_eq(jint(row, "graduates"), 1);
		}
	}
	ck_assert(seen_a && seen_b);
	ck_assert_int_eq(figure(grad, "by_capability", "capability", CAP_A, "graduates"), 1);
	ck_assert_int_eq(figure(grad, "by_capability", "capability", CAP_B, "graduates"), 1);
	ck_assert(!row_where(json_object_get(grad, "by_capability"), "capability",
			     "Report capability C"));
	/* A period that ended yesterday has none of them. */
	char ago[16], yesterday[16];
	date_utc(-60, ago);
	date_utc(-1, yesterday);
	snprintf(path, sizeof path, "/api/v1/reports/training/graduates?from=%s&to=%s", ago,
		 yesterday);
	json_t *past = get_ok(s, planner, path);
	ck_assert(!row_where(json_object_get(past, "by_capability"), "capability", CAP_A));
	json_decref(past);
	req(s, "GET", "/api/v1/reports/training/graduates?from=2000-01-01&to=2026-01-01", planner,
	    NULL, &r);
	assert_problem(&r, 400, "bad-request", "from");
	req(s, "GET", "/api/v1/reports/training/graduates?course=C-TRR-A", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "course");
	req(s, "GET", "/api/v1/reports/training/graduates?format=csv", planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "capability,month,graduates") != NULL);
	snprintf(path, sizeof path, "%s,%s,1", CAP_A, month);
	ck_assert_msg(strstr(r.body, path) != NULL, "%s", r.body);

	/* The pipeline, per course and overall. */
	json_t *pipe = get_ok(s, planner, "/api/v1/reports/training/pipeline");
	ck_assert(json_is_null(json_object_get(pipe, "course")));
	const json_t *courses = json_object_get(pipe, "courses");
	row = row_where(courses, "course", "C-TRR-A");
	assert_counts(row, 1, 0, 1, 1, 1, 0);
	ck_assert_str_eq(jstr(row, "capability"), CAP_A);
	ck_assert_str_eq(jstr(row, "name"), "Report test course");
	assert_counts(row_where(courses, "course", "C-TRR-B"), 0, 0, 0, 1, 0, 1);
	ck_assert(!row_where(courses, "course", "C-TRR-C"));
	static const char *const states[] = {"nominated", "enrolled", "in_training",
					     "graduated", "failed", "withdrawn", "enrolments"};
	static const long long moved[] = {1, 0, 1, 2, 1, 1, 6};
	for (i = 0; i < 7; i++)
		assert_total_delta(pipe0, pipe, states[i], moved[i]);
	/* One course: its row, and totals that are its row. */
	json_t *one = get_ok(s, planner, "/api/v1/reports/training/pipeline?course=C-TRR-A");
	ck_assert_str_eq(jstr(one, "course"), "C-TRR-A");
	ck_assert_int_eq(json_array_size(json_object_get(one, "courses")), 1);
	row = json_array_get(json_object_get(one, "courses"), 0);
	ck_assert(json_equal(row, row_where(courses, "course", "C-TRR-A")));
	assert_counts(json_object_get(one, "totals"), 1, 0, 1, 1, 1, 0);
	json_decref(one);
	one = get_ok(s, planner, "/api/v1/reports/training/pipeline?course=C-TRR-C");
	assert_counts(json_array_get(json_object_get(one, "courses"), 0), 0, 0, 0, 0, 0, 0);
	json_decref(one);
	req(s, "GET", "/api/v1/reports/training/pipeline?course=C-NOPE", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "course");
	req(s, "GET", "/api/v1/reports/training/pipeline?from=2026-01-01", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "from");
	req(s, "GET", "/api/v1/reports/training/pipeline?course=C-TRR-A&format=csv", planner, NULL,
	    &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, "course,name,capability,enrolments,nominated,enrolled,"
				     "in_training,graduated,failed,withdrawn") != NULL, "%s", r.body);
	ck_assert(strstr(r.body, "C-TRR-A,Report test course," CAP_A ",4,1,0,1,1,1,0") != NULL);

	/* Scope: Ukraine's officer sees its trainees; another recipient's
	 * officer none of them; a facility operator its facility's. */
	json_t *ukr = get_ok(s, login_as(s, "officer.ukr"), "/api/v1/reports/training/pipeline");
	ck_assert(json_equal(row_where(json_object_get(ukr, "courses"), "course", "C-TRR-A"),
			     row_where(courses, "course", "C-TRR-A")));
	json_decref(ukr);
	add_recipient_zzr(s, admin);
	send_json(s, "POST", "/api/v1/users", admin,
		  json_pack("{s:s, s:s, s:s, s:s}", "username", "officer.zzr", "password",
			    "test-password-2026", "role", "recipient_officer", "nation", "ZZR"),
		  &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	const char *zzr = login(s, "officer.zzr", "test-password-2026");
	json_t *other = get_ok(s, zzr, "/api/v1/reports/training/pipeline");
	ck_assert(!row_where(json_object_get(other, "courses"), "course", "C-TRR-A"));
	json_decref(other);
	other = get_ok(s, zzr, "/api/v1/reports/training/graduates");
	ck_assert(!row_where(json_object_get(other, "by_capability"), "capability", CAP_A));
	json_decref(other);
	send_json(s, "POST", "/api/v1/users", admin,
		  json_pack("{s:s, s:s, s:s, s:s}", "username", "facility.mun", "password",
			    "test-password-2026", "role", "facility_operator", "site", "TF-MUN"),
		  &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	const char *mun = login(s, "facility.mun", "test-password-2026");
	other = get_ok(s, mun, "/api/v1/reports/training/pipeline");
	ck_assert(!row_where(json_object_get(other, "courses"), "course", "C-TRR-A"));
	json_decref(other);
	other = get_ok(s, mun, "/api/v1/reports/training/graduates");
	ck_assert(!row_where(json_object_get(other, "by_capability"), "capability", CAP_B));
	json_decref(other);
	other = get_ok(s, login_as(s, "facility.grf"), "/api/v1/reports/training/graduates");
	ck_assert_int_eq(figure(other, "by_capability", "capability", CAP_A, "graduates"), 1);
	json_decref(other);

	/* The command line. */
	char *out = NULL;
	int code = nsatu_run(&out, "report", "training-pipeline", "--db", s->db, "--course",
			     "C-TRR-A", "--json", NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	const char *start = strstr(out, "{\n");
	json_t *cli = start ? json_loads(start, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	ck_assert_msg(cli != NULL, "no JSON: %s", out);
	assert_counts(json_object_get(cli, "totals"), 1, 0, 1, 1, 1, 0);
	json_decref(cli);
	free(out);
	code = nsatu_run(&out, "report", "training-graduates", "--db", s->db, NULL);
	ck_assert_msg(code == 0 && strstr(out, CAP_A) && strstr(out, month), "exit %d: %s", code,
		      out);
	free(out);
	code = nsatu_run(&out, "report", "training-pipeline", "--db", s->db, "--course", "C-NOPE",
			 NULL);
	ck_assert_msg(code != 0 && strstr(out, "C-NOPE"), "exit %d: %s", code, out);
	free(out);

	json_decref(grad0);
	json_decref(pipe0);
	json_decref(grad);
	json_decref(pipe);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Notice. ================================================================ */

static void assert_notice(const json_t *rep, const char *id, long long days, bool warning)
{
	const json_t *row = row_where(json_object_get(rep, "sessions"), "session", id);

	ck_assert_msg(row != NULL, "session %s is listed", id);
	if (days < 0) {
		ck_assert(json_is_null(json_object_get(row, "notice_days")));
		ck_assert(json_is_null(json_object_get(row, "notified_on")));
	} else {
		ck_assert_int_eq(jint(row, "notice_days"), days);
	}
	ck_assert_msg(json_is_true(json_object_get(row, "warning")) == warning, "%s warning", id);
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

START_TEST(notice)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner");
	struct scenario sc;
	struct http_res r = {0};
	char path[160], today[16], to[16], day18[16];
	size_t i;
	json_t *row;

	date_utc(0, today);
	date_utc(100, to);
	snprintf(path, sizeof path, "/api/v1/reports/training/notice?from=%s&to=%s", today, to);
	json_t *before = get_ok(s, planner, path);
	build(s, &sc);
	json_t *rep = get_ok(s, planner, path);

	ck_assert_int_eq(jint(rep, "minimum_notice_days"), 30);
	assert_notice(rep, sc.s1, 18, true);
	assert_notice(rep, sc.s2, 45, false);
	assert_notice(rep, sc.s3, 30, false);
	assert_notice(rep, sc.s4, 20, true);
	assert_notice(rep, sc.s5, 25, true);
	ck_assert(!row_where(json_object_get(rep, "sessions"), "session", sc.sx));
	row = row_where(json_object_get(rep, "sessions"), "session", sc.s1);
	date_utc(18, day18);
	ck_assert_str_eq(jstr(row, "starts_on"), day18);
	ck_assert_str_eq(jstr(row, "notified_on"), today);
	ck_assert_str_eq(jstr(row, "facility"), "TF-GRF");
	assert_total_delta(before, rep, "sessions", 5);
	assert_total_delta(before, rep, "under_30", 3);

	/* The figures are the rows' own: recomputed here. */
	const json_t *list = json_object_get(rep, "sessions"), *t = json_object_get(rep, "totals");
	long long v[512], sum = 0;
	size_t n = 0, warned = 0;
	json_array_foreach(list, i, row) {
		warned += json_is_true(json_object_get(row, "warning"));
		if (json_is_integer(json_object_get(row, "notice_days")) && n < 512) {
			v[n] = jint(row, "notice_days");
			sum += v[n++];
		}
	}
	qsort(v, n, sizeof *v, by_value);
	ck_assert_int_eq(jint(t, "sessions"), (long long)json_array_size(list));
	ck_assert_int_eq(jint(t, "under_30"), (long long)warned);
	assert_near(num(t, "average_notice_days"), round(10.0 * (double)sum / (double)n) / 10,
		    "average notice");
	double median = n % 2 ? (double)v[n / 2] : (double)(v[n / 2 - 1] + v[n / 2]) / 2;
	assert_near(num(t, "median_notice_days"), round(10 * median) / 10, "median notice");
	ck_assert_int_eq(jint(t, "shortest_notice_days"), v[0]);
	ck_assert_int_le(v[0], 18);

	/* Default: classes starting today to 180 days ahead. */
	json_t *def = get_ok(s, planner, "/api/v1/reports/training/notice");
	char ahead[16];
	date_utc(180, ahead);
	ck_assert_str_eq(jstr(def, "from"), today);
	ck_assert_str_eq(jstr(def, "to"), ahead);
	assert_notice(def, sc.s1, 18, true);
	json_decref(def);

	/* Scope: the facility sees its own classes only. */
	json_t *own = get_ok(s, login_as(s, "facility.grf"), path);
	json_array_foreach(json_object_get(own, "sessions"), i, row)
		ck_assert_str_eq(jstr(row, "facility"), "TF-GRF");
	assert_notice(own, sc.s1, 18, true);
	ck_assert(!row_where(json_object_get(own, "sessions"), "session", sc.s4));
	json_decref(own);
	req(s, "POST", "/api/v1/users", login_as(s, "admin"),
	    "{\"username\":\"facility.mun\",\"password\":\"test-password-2026\","
	    "\"role\":\"facility_operator\",\"site\":\"TF-MUN\"}", &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	const char *mun = login(s, "facility.mun", "test-password-2026");
	own = get_ok(s, mun, path);
	json_array_foreach(json_object_get(own, "sessions"), i, row)
		ck_assert_str_eq(jstr(row, "facility"), "TF-MUN");
	json_decref(own);
	snprintf(path, sizeof path, "/api/v1/reports/training/seats?from=%s&to=%s", today, to);
	own = get_ok(s, mun, path);
	ck_assert(!row_where(json_object_get(own, "by_facility"), "facility", "TF-GRF"));
	ck_assert(!row_where(json_object_get(own, "sessions"), "session", sc.s1));
	json_decref(own);
	/* A node operator reads none of the training reports. */
	static const char *const all[] = {"seats", "graduates", "pipeline", "notice"};
	const char *node = login_as(s, "node.rze");
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "/api/v1/reports/training/%s", all[i]);
		req(s, "GET", path, node, NULL, &r);
		assert_problem(&r, 403, "forbidden", NULL);
	}

	/* CSV, XLSX and the command line. */
	snprintf(path, sizeof path, "/api/v1/reports/training/notice?from=%s&to=%s&format=csv",
		 today, to);
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, "session,course,facility,host_nation,status,seats,notified_on,"
				     "starts_on,ends_on,notice_days,warning") != NULL, "%s", r.body);
	ck_assert(strstr(r.body, sc.s1) != NULL);
	req(s, "GET", "/api/v1/reports/training/notice?format=xlsx", planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(r.body_len > 100 && memcmp(r.body, "PK", 2) == 0);
	req(s, "GET", "/api/v1/reports/training/notice?from=2026-01-01&limit=5", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "limit");

	char *out = NULL, csv[160];
	int code = nsatu_run(&out, "report", "training-notice", "--db", s->db, "--from", today,
			     "--to", to, "--json", NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	const char *start = strstr(out, "{\n");
	json_t *cli = start ? json_loads(start, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	ck_assert_msg(cli != NULL, "no JSON: %s", out);
	ck_assert(json_equal(json_object_get(cli, "totals"), t));
	assert_notice(cli, sc.s1, 18, true);
	json_decref(cli);
	free(out);
	snprintf(csv, sizeof csv, "%s/notice.csv", s->dir);
	code = nsatu_run(&out, "report", "training-notice", "--db", s->db, "--csv", csv, NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	free(out);
	FILE *f = fopen(csv, "r");
	char text[16384] = "";
	ck_assert(f != NULL);
	text[fread(text, 1, sizeof text - 1, f)] = '\0';
	fclose(f);
	ck_assert_msg(strstr(text, sc.s1) && strstr(text, "notice_days,warning"), "%s", text);

	json_decref(before);
	json_decref(rep);
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_training_reports(void)
{
	Suite *s = suite_create("training_reports");
	TCase *tc = api_tcase("training_reports");

	tcase_add_test(tc, seats);
	tcase_add_test(tc, graduates_pipeline);
	tcase_add_test(tc, notice);
	suite_add_tcase(s, tc);
	return s;
}
