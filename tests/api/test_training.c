/*
 * test_training.c - training (issue #6) against the real server: courses,
 * their sessions, pseudonymous trainees and enrolments.
 *
 *  - capacity: twenty facility operators' requests racing for ten seats
 *    fill exactly ten; the eleventh enrolment is refused, a withdrawal
 *    frees a seat;
 *  - rules: prerequisites, overlapping sessions, seats against the course's
 *    class_max, graduation's qualification, training only in a running
 *    session, a cancelled session withdrawing its trainees;
 *  - the role and scope matrix, checked against the tables below, written
 *    from the issue (not from src/core/role.c);
 *  - pseudonymisation: a service number goes in and never comes out: not
 *    in an answer, the server's log, or the database.
 *
 * Every test makes its own courses (codes T6-...), sessions and trainees,
 * so none depends on the demo's training data.  The functions named bug_...
 * pin defects found while writing these tests (all fixed since); each says
 * what it expects.
 */
#include "donations.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

Suite *suite_training(void);  /* run by main.c */

/* Sessions are told to the facility well before they start. */
#define NOTIFIED "2026-06-01"

/* ==== The actors: the seven demo users. ===================================== */

enum actor { A_ADMIN, A_PLANNER, A_LIAISON, A_OFFICER, A_NODE, A_FACILITY, A_AUDITOR, NACT };

#define B(a) (1u << (a))
#define EVERYONE (B(NACT) - 1u)

static const char *const actor_user[NACT] = {
	"admin", "planner", "liaison.deu", "officer.ukr", "node.rze", "facility.grf", "auditor",
};

struct actors {
	const char *tok[NACT];
};

static void login_all(struct server *s, struct actors *t)
{
	for (int a = 0; a < NACT; a++)
		t->tok[a] = login_as(s, actor_user[a]);
}

/* ==== Making records. ========================================================= */

static void copy_id(const struct http_res *r, char id[ID_LEN])
{
	const char *v = jstr(r->json, "id");

	ck_assert_msg(v && strlen(v) < ID_LEN, "no id: %s", r->body);
	snprintf(id, ID_LEN, "%s", v);
}

static json_t *course_body(const char *code, const char *capability, long long class_max,
			   const char *prerequisites)
{
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:b}", "code", code,
			      "name", "Test course", "capability", capability, "facility", "TF-GRF",
			      "duration_days", (json_int_t)10, "class_min", (json_int_t)1,
			      "class_max", (json_int_t)class_max, "language", "en", "interpreter", 1);

	ck_assert(b != NULL);
	if (prerequisites)
		json_object_set_new(b, "prerequisites", json_string(prerequisites));
	return b;
}

static void new_course(const struct server *s, const char *token, const char *code,
		       const char *capability, long long class_max, const char *prerequisites)
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/courses", token,
		  course_body(code, capability, class_max, prerequisites), &r);
	ck_assert_msg(r.status == 201, "course %s: %ld %s", code, r.status, r.body);
	res_free(&r);
}

static json_t *session_body(const char *course, const char *facility, const char *starts,
			    const char *ends, long long seats)
{
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "course", course, "facility",
			      facility, "starts_on", starts, "ends_on", ends, "seats",
			      (json_int_t)seats, "notified_on", NOTIFIED);

	ck_assert(b != NULL);
	return b;
}

static long post_session(const struct server *s, const char *token, const char *course,
			 const char *facility, const char *starts, const char *ends,
			 long long seats, struct http_res *r)
{
	return send_json(s, "POST", "/api/v1/training_sessions", token,
			 session_body(course, facility, starts, ends, seats), r);
}

static void new_session(const struct server *s, const char *token, const char *course,
			const char *facility, const char *starts, const char *ends,
			long long seats, char id[ID_LEN])
{
	struct http_res r = {0};

	post_session(s, token, course, facility, starts, ends, seats, &r);
	ck_assert_msg(r.status == 201, "session of %s: %ld %s", course, r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "planned");
	copy_id(&r, id);
	res_free(&r);
}

static json_t *trainee_body(const char *service_number, const char *nation)
{
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s}", "service_number", service_number,
			      "nation", nation, "unit", "UA-UNIT-N", "specialty",
			      "air defence operator", "rank", "sergeant");

	ck_assert(b != NULL);
	return b;
}

static void new_trainee(const struct server *s, const char *token, const char *service_number,
			char id[ID_LEN])
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/trainees", token, trainee_body(service_number, "UKR"), &r);
	ck_assert_msg(r.status == 201, "trainee: %ld %s", r.status, r.body);
	copy_id(&r, id);
	res_free(&r);
}

static long nominate(const struct server *s, const char *token, const char *trainee,
		     const char *session, struct http_res *r)
{
	return send_json(s, "POST", "/api/v1/enrolments", token,
			 json_pack("{s:s, s:s}", "trainee", trainee, "session", session), r);
}

static void nominate_ok(const struct server *s, const char *token, const char *trainee,
			const char *session, char id[ID_LEN])
{
	struct http_res r = {0};

	nominate(s, token, trainee, session, &r);
	ck_assert_msg(r.status == 201, "nominate %s for %s: %ld %s", trainee, session, r.status,
		      r.body);
	ck_assert_pstr_eq(jstr(r.json, "status"), "nominated");
	copy_id(&r, id);
	res_free(&r);
}

/* A 409 whose field is @field and whose detail mentions @word (when given). */
static void assert_conflict(const struct http_res *r, const char *field, const char *word)
{
	assert_problem(r, 409, "conflict", field);
	if (word)
		ck_assert_msg(strstr(jstr(r->json, "detail"), word) != NULL,
			      "the detail does not name %s: %s", word, r->body);
}

/* The statuses of a session's enrolments: how many have @status. */
static int count_status(const struct server *s, const char *token, const char *session,
			const char *status, int *total)
{
	struct http_res r = {0};
	char path[160];
	json_t *it;
	size_t i;
	int n = 0;

	snprintf(path, sizeof path, "/api/v1/enrolments?session=%s&limit=500", session);
	ck_assert_msg(req(s, "GET", path, token, NULL, &r) == 200, "%s: %s", path, r.body);
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		ck_assert_pstr_eq(jstr(it, "session"), session);
		n += strcmp(jstr(it, "status"), status) == 0;
	}
	if (total)
		*total = (int)json_array_size(json_object_get(r.json, "items"));
	res_free(&r);
	return n;
}

/* ==== Capacity. ================================================================ */

#define SHOTS 20

START_TEST(capacity_concurrent)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	const char *facility = login_as(s, "facility.grf");
	char session[ID_LEN], trainee[ID_LEN], enrol[SHOTS][ID_LEN], sn[32];
	struct shot shots[SHOTS];
	int ok = 0, full = 0, total = 0;

	new_course(s, planner, "T6-CAP", "Capacity drill", 12, NULL);
	new_session(s, planner, "T6-CAP", "TF-GRF", "2027-03-01", "2027-03-10", 10, session);
	move_ok(s, facility, "training_sessions", session, "open", NULL);
	for (int i = 0; i < SHOTS; i++) {
		snprintf(sn, sizeof sn, "UA-CAP-%04d", i);
		new_trainee(s, officer, sn, trainee);
		nominate_ok(s, officer, trainee, session, enrol[i]);
	}
	ck_assert_int_eq(count_status(s, planner, session, "nominated", &total), SHOTS);

	/* Twenty facility operators' requests for ten seats, all at once. */
	memset(shots, 0, sizeof shots);
	for (int i = 0; i < SHOTS; i++) {
		shots[i].body = "{\"to\":\"enrolled\"}";
		snprintf(shots[i].path, sizeof shots[i].path, "/api/v1/enrolments/%.47s/transition",
			 enrol[i]);
	}
	post_all_at_once(s, facility, shots, SHOTS);

	for (int i = 0; i < SHOTS; i++) {
		json_t *doc = json_loads(shots[i].buf, 0, NULL);

		ck_assert_msg(shots[i].curl_rc == 0, "request %d: curl error %d", i, shots[i].curl_rc);
		if (shots[i].status == 200) {
			ok++;
			ck_assert_pstr_eq(jstr(doc, "status"), "enrolled");
		} else {
			ck_assert_msg(shots[i].status == 409, "request %d: %ld %s", i, shots[i].status,
				      shots[i].buf);
			ck_assert_pstr_eq(jstr(doc, "field"), "to");
			full++;
		}
		json_decref(doc);
	}
	ck_assert_int_eq(ok, 10);
	ck_assert_int_eq(full, 10);
	/* The list agrees: ten enrolled, the other ten still nominated. */
	ck_assert_int_eq(count_status(s, planner, session, "enrolled", &total), 10);
	ck_assert_int_eq(count_status(s, planner, session, "nominated", NULL), 10);
	ck_assert_int_eq(total, SHOTS);
	/* The race left the audit chain whole (audit_count asserts it). */
	ck_assert_int_gt(audit_count(s, login_as(s, "admin")), 0);
	server_end(s);
}
END_TEST

START_TEST(capacity_sequential)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	const char *facility = login_as(s, "facility.grf");
	char session[ID_LEN], t[3][ID_LEN], e[3][ID_LEN], path[128];
	struct http_res r = {0};

	new_course(s, planner, "T6-SEQ", "Sequential drill", 5, NULL);
	new_session(s, planner, "T6-SEQ", "TF-GRF", "2027-04-01", "2027-04-10", 2, session);
	for (int i = 0; i < 3; i++) {
		char sn[32];
		snprintf(sn, sizeof sn, "UA-SEQ-%d", i);
		new_trainee(s, officer, sn, t[i]);
		nominate_ok(s, officer, t[i], session, e[i]);
	}
	/* The planner enrols too (the "or planner"). */
	move_ok(s, planner, "enrolments", e[0], "enrolled", NULL);
	move_ok(s, facility, "enrolments", e[1], "enrolled", NULL);
	move(s, facility, "enrolments", e[2], "enrolled", NULL, &r);
	assert_conflict(&r, "to", "full");
	assert_status(s, planner, "enrolments", e[2], "nominated");

	/* Fewer seats than trainees enrolled: refused. */
	snprintf(path, sizeof path, "/api/v1/training_sessions/%s", session);
	req(s, "PATCH", path, planner, "{\"seats\":1}", &r);
	assert_conflict(&r, "seats", NULL);

	/* A withdrawal frees a seat, which the third trainee then takes. */
	move(s, officer, "enrolments", e[0], "withdrawn", NULL, &r);
	assert_problem(&r, 400, "invalid-field", "reason");
	move_ok(s, officer, "enrolments", e[0], "withdrawn", "posted elsewhere");
	move_ok(s, facility, "enrolments", e[2], "enrolled", NULL);
	ck_assert_int_eq(count_status(s, planner, session, "enrolled", NULL), 2);
	/* ... and the session is full again. */
	char t4[ID_LEN], e4[ID_LEN];
	new_trainee(s, officer, "UA-SEQ-3", t4);
	nominate_ok(s, officer, t4, session, e4);
	move(s, planner, "enrolments", e4, "enrolled", NULL, &r);
	assert_conflict(&r, "to", "full");
	/* More seats make room. */
	req(s, "PATCH", path, planner, "{\"seats\":3}", &r);
	ck_assert_msg(r.status == 200, "seats 3: %ld %s", r.status, r.body);
	move_ok(s, planner, "enrolments", e4, "enrolled", NULL);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Rules. ===================================================================== */

START_TEST(prerequisites)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	const char *facility = login_as(s, "facility.grf");
	char sa[ID_LEN], sb[ID_LEN], sa2[ID_LEN], t[ID_LEN], t2[ID_LEN], ea[ID_LEN], eb[ID_LEN];
	char ea2[ID_LEN], today[16];
	struct http_res r = {0};

	new_course(s, planner, "T6-PRE-A", "Basic air defence", 20, NULL);
	new_course(s, planner, "T6-PRE-B", "Advanced air defence", 20, "T6-PRE-A");
	new_session(s, planner, "T6-PRE-A", "TF-GRF", "2027-02-01", "2027-02-20", 10, sa);
	new_session(s, planner, "T6-PRE-B", "TF-GRF", "2027-05-01", "2027-05-20", 10, sb);
	new_trainee(s, officer, "UA-PRE-1", t);
	new_trainee(s, officer, "UA-PRE-2", t2);

	/* B without a graduated A: refused, naming the trainee and the course. */
	nominate(s, officer, t, sb, &r);
	assert_conflict(&r, "trainee", "T6-PRE-A");

	/* Through course A: nominated, enrolled, in training (once it runs), graduated. */
	nominate_ok(s, officer, t, sa, ea);
	nominate_ok(s, officer, t2, sa, ea2);
	move_ok(s, facility, "enrolments", ea, "enrolled", NULL);
	move_ok(s, facility, "enrolments", ea2, "enrolled", NULL);
	move(s, facility, "enrolments", ea, "in_training", NULL, &r);
	assert_conflict(&r, "to", "planned");
	move_ok(s, planner, "training_sessions", sa, "open", NULL);
	move(s, facility, "enrolments", ea, "in_training", NULL, &r);
	assert_conflict(&r, "to", "open");
	move_ok(s, facility, "training_sessions", sa, "running", NULL);
	move_ok(s, facility, "enrolments", ea, "in_training", NULL);
	move_ok(s, facility, "enrolments", ea2, "in_training", NULL);

	/* Still in training is not passed. */
	nominate(s, officer, t, sb, &r);
	assert_conflict(&r, "trainee", "T6-PRE-A");

	move(s, facility, "enrolments", ea, "graduated", NULL, &r);
	ck_assert_msg(r.status == 200, "graduate: %ld %s", r.status, r.body);
	date_utc(0, today);
	ck_assert_pstr_eq(jstr(r.json, "status"), "graduated");
	ck_assert_pstr_eq(jstr(r.json, "qualification"), "Basic air defence");
	ck_assert_pstr_eq(jstr(r.json, "graduated_on"), today);
	/* The stored record says the same. */
	{
		char path[128];
		snprintf(path, sizeof path, "/api/v1/enrolments/%s", ea);
		ck_assert_int_eq(req(s, "GET", path, officer, NULL, &r), 200);
		ck_assert_pstr_eq(jstr(r.json, "qualification"), "Basic air defence");
		ck_assert_pstr_eq(jstr(r.json, "course"), "T6-PRE-A");
		ck_assert_pstr_eq(jstr(r.json, "facility"), "TF-GRF");
		ck_assert_pstr_eq(jstr(r.json, "nation"), "UKR");
	}
	/* Graduated: B is open to the trainee now. */
	nominate_ok(s, officer, t, sb, eb);

	/* Failing A is not passing it. */
	move(s, facility, "enrolments", ea2, "failed", NULL, &r);
	assert_problem(&r, 400, "invalid-field", "reason");
	move_ok(s, facility, "enrolments", ea2, "failed", "did not pass the final exercise");
	assert_status(s, planner, "enrolments", ea2, "failed");
	nominate(s, officer, t2, sb, &r);
	assert_conflict(&r, "trainee", "T6-PRE-A");
	/* A final enrolment moves no further. */
	move(s, facility, "enrolments", ea2, "graduated", NULL, &r);
	assert_conflict(&r, "to", NULL);

	/* Passing A in a later session of A then opens B. */
	new_session(s, planner, "T6-PRE-A", "TF-GRF", "2027-03-01", "2027-03-20", 10, sa2);
	nominate_ok(s, officer, t2, sa2, ea2);
	move_ok(s, facility, "enrolments", ea2, "enrolled", NULL);
	move_ok(s, facility, "training_sessions", sa2, "open", NULL);
	move_ok(s, facility, "training_sessions", sa2, "running", NULL);
	move_ok(s, facility, "enrolments", ea2, "in_training", NULL);
	move_ok(s, facility, "enrolments", ea2, "graduated", NULL);
	nominate_ok(s, officer, t2, sb, eb);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(overlap)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	char s1[ID_LEN], s2[ID_LEN], s3[ID_LEN], s4[ID_LEN], t[ID_LEN], t2[ID_LEN];
	char e1[ID_LEN], e3[ID_LEN], e[ID_LEN];
	struct http_res r = {0};

	new_course(s, planner, "T6-OVL", "Overlap drill", 20, NULL);
	new_session(s, planner, "T6-OVL", "TF-GRF", "2027-01-10", "2027-01-20", 10, s1);
	new_session(s, planner, "T6-OVL", "TF-GRF", "2027-01-15", "2027-01-25", 10, s2);
	new_session(s, planner, "T6-OVL", "TF-GRF", "2027-01-21", "2027-01-30", 10, s3);
	/* Shares its first day with s1's last. */
	new_session(s, planner, "T6-OVL", "TF-GRF", "2027-01-20", "2027-01-20", 10, s4);
	new_trainee(s, officer, "UA-OVL-1", t);
	new_trainee(s, officer, "UA-OVL-2", t2);

	nominate_ok(s, officer, t, s1, e1);
	nominate(s, officer, t, s2, &r);
	assert_conflict(&r, "session", s1);
	nominate(s, officer, t, s4, &r);
	assert_conflict(&r, "session", s1);
	/* The day after ends is free. */
	nominate_ok(s, officer, t, s3, e3);
	/* Twice for the same session: refused. */
	nominate(s, officer, t, s1, &r);
	assert_conflict(&r, "trainee", NULL);

	/* A withdrawn enrolment blocks nothing. */
	nominate_ok(s, officer, t2, s1, e);
	nominate(s, officer, t2, s2, &r);
	assert_conflict(&r, "session", s1);
	move_ok(s, officer, "enrolments", e, "withdrawn", "changed plans");
	nominate_ok(s, officer, t2, s2, e);
	/* Nor does it stop a fresh nomination for the same session. */
	move_ok(s, planner, "enrolments", e, "withdrawn", "changed plans again");
	nominate_ok(s, officer, t2, s1, e);

	/* An enrolled (not only nominated) trainee blocks as well. */
	move_ok(s, planner, "enrolments", e1, "enrolled", NULL);
	move_ok(s, officer, "enrolments", e3, "withdrawn", "not needed");
	nominate(s, officer, t, s2, &r);
	assert_conflict(&r, "session", s1);
	res_free(&r);
	server_end(s);
}
END_TEST

START_TEST(session_rules)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	const char *facility = login_as(s, "facility.grf");
	char ses[ID_LEN], run[ID_LEN], t1[ID_LEN], t2[ID_LEN], t3[ID_LEN], e1[ID_LEN], e2[ID_LEN];
	char path[128];
	struct http_res r = {0};

	/* Courses: class_max not below class_min; prerequisites that exist, not itself. */
	json_t *bad = course_body("T6-BAD", "x", 5, NULL);
	json_object_set_new(bad, "class_min", json_integer(6));
	send_json(s, "POST", "/api/v1/courses", planner, bad, &r);
	assert_problem(&r, 400, "invalid-field", "class_max");
	send_json(s, "POST", "/api/v1/courses", planner, course_body("T6-BAD", "x", 5, "T6-NONE"),
		  &r);
	assert_problem(&r, 400, "invalid-field", "prerequisites");
	send_json(s, "POST", "/api/v1/courses", planner, course_body("T6-BAD", "x", 5, "T6-BAD"),
		  &r);
	assert_problem(&r, 400, "invalid-field", "prerequisites");
	bad = course_body("T6-BAD", "x", 5, NULL);
	json_object_set_new(bad, "facility", json_string("LN-RZE"));
	send_json(s, "POST", "/api/v1/courses", planner, bad, &r);
	assert_problem(&r, 400, "invalid-field", "facility");

	/* Sessions: seats at most the course's class_max. */
	new_course(s, planner, "T6-RUL", "Rules drill", 8, NULL);
	post_session(s, planner, "T6-RUL", "TF-GRF", "2027-06-01", "2027-06-10", 9, &r);
	assert_problem(&r, 400, "invalid-field", "seats");
	post_session(s, planner, "T6-RUL", "TF-GRF", "2027-06-10", "2027-06-01", 8, &r);
	assert_problem(&r, 400, "invalid-field", "ends_on");
	post_session(s, planner, "T6-RUL", "LN-RZE", "2027-06-01", "2027-06-10", 8, &r);
	assert_problem(&r, 400, "invalid-field", "facility");
	post_session(s, planner, "T6-NONE", "TF-GRF", "2027-06-01", "2027-06-10", 8, &r);
	ck_assert_msg(r.status == 400 && strcmp(jstr(r.json, "field"), "course") == 0,
		      "unknown course: %ld %s", r.status, r.body);
	new_session(s, planner, "T6-RUL", "TF-GRF", "2027-06-01", "2027-06-10", 8, ses);
	snprintf(path, sizeof path, "/api/v1/training_sessions/%s", ses);
	req(s, "PATCH", path, planner, "{\"seats\":9}", &r);
	assert_problem(&r, 400, "invalid-field", "seats");
	ck_assert_int_eq(req(s, "GET", path, planner, NULL, &r), 200);
	ck_assert_int_eq(jint(r.json, "seats"), 8);
	ck_assert_pstr_eq(jstr(r.json, "host_nation"), "DEU");

	/* A course with sessions stays: deleting it is refused (and the planner may not). */
	req(s, "DELETE", "/api/v1/courses/T6-RUL", planner, NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "DELETE", "/api/v1/courses/T6-RUL", login_as(s, "admin"), NULL, &r);
	assert_conflict(&r, NULL, NULL);
	ck_assert_int_eq(req(s, "GET", "/api/v1/courses/T6-RUL", planner, NULL, &r), 200);

	/* A cancelled session withdraws its nominations and enrolments. */
	new_trainee(s, officer, "UA-RUL-1", t1);
	new_trainee(s, officer, "UA-RUL-2", t2);
	new_trainee(s, officer, "UA-RUL-3", t3);
	nominate_ok(s, officer, t1, ses, e1);
	nominate_ok(s, officer, t2, ses, e2);
	move_ok(s, facility, "enrolments", e2, "enrolled", NULL);
	move(s, planner, "training_sessions", ses, "cancelled", NULL, &r);
	assert_problem(&r, 400, "invalid-field", "reason");
	move_ok(s, planner, "training_sessions", ses, "cancelled", "instructors unavailable");
	assert_status(s, planner, "enrolments", e1, "withdrawn");
	assert_status(s, planner, "enrolments", e2, "withdrawn");
	snprintf(path, sizeof path, "/api/v1/enrolments/%s", e2);
	ck_assert_int_eq(req(s, "GET", path, officer, NULL, &r), 200);
	ck_assert_msg(jstr(r.json, "status_reason") && *jstr(r.json, "status_reason"),
		      "no reason for the withdrawal: %s", r.body);
	nominate(s, officer, t3, ses, &r);
	assert_conflict(&r, "session", "cancelled");
	/* Withdrawn by the cancellation, free for another session at the same time. */
	new_session(s, planner, "T6-RUL", "TF-GRF", "2027-06-01", "2027-06-10", 8, run);
	nominate_ok(s, officer, t1, run, e1);

	/* A running session takes no nominations, and cannot be cancelled. */
	move_ok(s, facility, "training_sessions", run, "open", NULL);
	move_ok(s, facility, "training_sessions", run, "running", NULL);
	nominate(s, officer, t3, run, &r);
	assert_conflict(&r, "session", "running");
	move(s, planner, "training_sessions", run, "cancelled", "too late", &r);
	assert_conflict(&r, "to", NULL);
	/* A running session is not changed any more. */
	snprintf(path, sizeof path, "/api/v1/training_sessions/%s", run);
	req(s, "PATCH", path, planner, "{\"seats\":7}", &r);
	assert_conflict(&r, "status", NULL);
	/* Trainees nominated before it ran may still be enrolled and trained. */
	move_ok(s, facility, "enrolments", e1, "enrolled", NULL);
	move_ok(s, facility, "enrolments", e1, "in_training", NULL);
	move_ok(s, facility, "training_sessions", run, "completed", NULL);
	nominate(s, officer, t3, run, &r);
	assert_conflict(&r, "session", "completed");
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== The role and scope matrix. ================================================== */

/*
 * From the issue: courses are kept by the admin and the planners; sessions
 * are planned by the planners and the facility operators; the recipient's
 * officers register their trainees and nominate them; a facility operator
 * enrols, trains and graduates (or fails) them; the officer, the facility
 * and the planner may withdraw a trainee.
 */
static const struct {
	const char *entity;
	unsigned who;
} may_create[] = {
	{"courses", B(A_ADMIN) | B(A_PLANNER)},
	{"training_sessions", B(A_PLANNER) | B(A_FACILITY)},
	{"trainees", B(A_OFFICER)},
	{"enrolments", B(A_OFFICER) | B(A_PLANNER)},  /* HQ nominates too */
};

/* Reading: everyone reads courses (reference data); trainees and their
 * enrolments are personal data, closed to donors and to logistics nodes.
 * Roles in neither set are not asserted. */
#define SEE_ALL (B(A_ADMIN) | B(A_PLANNER) | B(A_OFFICER) | B(A_FACILITY) | B(A_AUDITOR))
static const struct {
	const char *entity;
	unsigned may, may_not;
} may_read[] = {
	{"courses", EVERYONE, 0},
	{"training_sessions", SEE_ALL, 0},
	{"trainees", SEE_ALL, B(A_LIAISON) | B(A_NODE)},
	{"enrolments", SEE_ALL, B(A_LIAISON) | B(A_NODE)},
};

struct move_rule {
	const char *from, *to;
	unsigned who;
};

static const struct move_rule enrolment_moves[] = {
	{"nominated", "enrolled", B(A_FACILITY) | B(A_PLANNER)},
	{"enrolled", "in_training", B(A_FACILITY)},
	{"in_training", "graduated", B(A_FACILITY)},
	{"in_training", "failed", B(A_FACILITY)},
	{"nominated", "withdrawn", B(A_OFFICER) | B(A_FACILITY) | B(A_PLANNER)},
	{"enrolled", "withdrawn", B(A_OFFICER) | B(A_FACILITY) | B(A_PLANNER)},
	{"in_training", "withdrawn", B(A_OFFICER) | B(A_FACILITY) | B(A_PLANNER)},
};

static const struct move_rule session_moves[] = {
	{"planned", "open", B(A_PLANNER) | B(A_FACILITY)},
	{"open", "running", B(A_PLANNER) | B(A_FACILITY)},
	{"running", "completed", B(A_PLANNER) | B(A_FACILITY)},
	{"planned", "cancelled", B(A_PLANNER) | B(A_FACILITY)},
	{"open", "cancelled", B(A_PLANNER) | B(A_FACILITY)},
};

static const char *reason_for(const char *to)
{
	return strcmp(to, "failed") == 0 || strcmp(to, "withdrawn") == 0 ||
			       strcmp(to, "cancelled") == 0
		       ? "matrix test"
		       : NULL;
}

static int bits(unsigned v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

START_TEST(role_matrix_create_read)
{
	struct server *s = server_start(NULL);
	struct actors t;
	struct http_res r = {0};
	char trainee[NACT][ID_LEN], session[ID_LEN], path[160];

	login_all(s, &t);
	new_course(s, t.tok[A_PLANNER], "T6-RM", "Matrix drill", 10, NULL);
	new_session(s, t.tok[A_PLANNER], "T6-RM", "TF-GRF", "2027-07-01", "2027-07-10", 10,
		    session);
	/* One trainee per actor: two may nominate, each its own. */
	for (int a = 0; a < NACT; a++) {
		char number[32];
		snprintf(number, sizeof number, a ? "UA-RM-%d" : "UA-RM-BASE", a);
		new_trainee(s, t.tok[A_OFFICER], number, trainee[a]);
	}

	for (size_t i = 0; i < sizeof may_create / sizeof *may_create; i++) {
		for (int a = 0; a < NACT; a++) {
			const char *ent = may_create[i].entity;
			char code[32];
			json_t *body;

			snprintf(code, sizeof code, "T6-RM-%d", a);
			if (strcmp(ent, "courses") == 0)
				body = course_body(code, "Matrix drill", 10, NULL);
			else if (strcmp(ent, "training_sessions") == 0)
				body = session_body("T6-RM", "TF-GRF", "2027-07-01", "2027-07-10", 5);
			else if (strcmp(ent, "trainees") == 0)
				body = trainee_body(code, "UKR");
			else
				body = json_pack("{s:s, s:s}", "trainee", trainee[a], "session",
						 session);
			snprintf(path, sizeof path, "/api/v1/%s", ent);
			send_json(s, "POST", path, t.tok[a], body, &r);
			if (may_create[i].who & B(a))
				ck_assert_msg(r.status == 201, "%s creating %s: want 201, got %ld %s",
					      actor_user[a], ent, r.status, r.body);
			else
				ck_assert_msg(r.status == 403, "%s creating %s: want 403, got %ld %s",
					      actor_user[a], ent, r.status, r.body);
		}
	}

	for (size_t i = 0; i < sizeof may_read / sizeof *may_read; i++) {
		for (int a = 0; a < NACT; a++) {
			const char *ent = may_read[i].entity;
			long want = may_read[i].may & B(a) ? 200 : may_read[i].may_not & B(a) ? 403 : 0;

			if (!want)
				continue;
			snprintf(path, sizeof path, "/api/v1/%s?limit=5", ent);
			req(s, "GET", path, t.tok[a], NULL, &r);
			ck_assert_msg(r.status == want, "%s listing %s: want %ld, got %ld %s",
				      actor_user[a], ent, want, r.status, r.body);
		}
	}
	/* One record, too: a donor's liaison officer may not read a trainee. */
	snprintf(path, sizeof path, "/api/v1/trainees/%s", trainee[0]);
	req(s, "GET", path, t.tok[A_LIAISON], NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", path, t.tok[A_NODE], NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/trainees?format=csv", t.tok[A_LIAISON], NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "POST", "/api/v1/trainees:lookup", t.tok[A_LIAISON],
	    "{\"service_number\":\"UA-RM-BASE\"}", &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "POST", "/api/v1/trainees:lookup", t.tok[A_NODE],
	    "{\"service_number\":\"UA-RM-BASE\"}", &r);
	assert_problem(&r, 403, "forbidden", NULL);
	for (int a = 0; a < NACT; a++) {
		long want = SEE_ALL & B(a) ? 200 : 403;
		req(s, "POST", "/api/v1/trainees:lookup", t.tok[a], "{\"service_number\":\"UA-RM-BASE\"}",
		    &r);
		ck_assert_msg(r.status == want, "%s looking a trainee up: want %ld, got %ld %s",
			      actor_user[a], want, r.status, r.body);
		if (want == 200)
			ck_assert_pstr_eq(jstr(r.json, "id"), trainee[0]);
	}
	res_free(&r);
	server_end(s);
}
END_TEST

/* Drive enrolment @id from nominated to @state (the facility's moves). */
static void enrolment_to(const struct server *s, const char *facility, const char *id,
			 const char *state)
{
	if (strcmp(state, "nominated") == 0)
		return;
	move_ok(s, facility, "enrolments", id, "enrolled", NULL);
	if (strcmp(state, "in_training") == 0)
		move_ok(s, facility, "enrolments", id, "in_training", NULL);
}

/* Every role but those in @who tries @to on @id: 403, and nothing changes. */
static void refused_to_others(const struct server *s, const struct actors *t,
			      const char *entity, const char *id, const struct move_rule *m)
{
	struct http_res r = {0};

	for (int b = 0; b < NACT; b++) {
		if (m->who & B(b))
			continue;
		move(s, t->tok[b], entity, id, m->to, reason_for(m->to), &r);
		ck_assert_msg(r.status == 403, "%s moving %s %s -> %s: want 403, got %ld %s",
			      actor_user[b], entity, m->from, m->to, r.status, r.body);
		assert_problem(&r, 403, "forbidden", NULL);
		assert_status(s, t->tok[A_PLANNER], entity, id, m->from);
	}
	res_free(&r);
}

START_TEST(role_matrix_moves)
{
	struct server *s = server_start(NULL);
	struct actors t;
	char session[ID_LEN], trainee[ID_LEN], enrol[32][ID_LEN], sn[32];
	int need = 0, k = 0;

	login_all(s, &t);
	for (size_t i = 0; i < sizeof enrolment_moves / sizeof *enrolment_moves; i++)
		need += bits(enrolment_moves[i].who);
	ck_assert_int_le(need, 32);

	/* One session, enough trainees for one enrolment per (move, allowed role). */
	new_course(s, t.tok[A_PLANNER], "T6-MOV", "Matrix moves", 40, NULL);
	new_session(s, t.tok[A_PLANNER], "T6-MOV", "TF-GRF", "2027-08-01", "2027-08-20", 40,
		    session);
	move_ok(s, t.tok[A_PLANNER], "training_sessions", session, "open", NULL);
	for (int i = 0; i < need; i++) {
		snprintf(sn, sizeof sn, "UA-MOV-%02d", i);
		new_trainee(s, t.tok[A_OFFICER], sn, trainee);
		nominate_ok(s, t.tok[A_OFFICER], trainee, session, enrol[i]);
	}
	move_ok(s, t.tok[A_PLANNER], "training_sessions", session, "running", NULL);

	for (size_t i = 0; i < sizeof enrolment_moves / sizeof *enrolment_moves; i++) {
		const struct move_rule *m = &enrolment_moves[i];
		for (int a = 0; a < NACT; a++) {
			if (!(m->who & B(a)))
				continue;
			const char *id = enrol[k++];
			enrolment_to(s, t.tok[A_FACILITY], id, m->from);
			refused_to_others(s, &t, "enrolments", id, m);
			move_ok(s, t.tok[a], "enrolments", id, m->to, reason_for(m->to));
		}
	}

	/* Sessions: one per (move, allowed role), planned by the planner. */
	for (size_t i = 0; i < sizeof session_moves / sizeof *session_moves; i++) {
		const struct move_rule *m = &session_moves[i];
		for (int a = 0; a < NACT; a++) {
			char id[ID_LEN];
			if (!(m->who & B(a)))
				continue;
			new_session(s, t.tok[A_PLANNER], "T6-MOV", "TF-GRF", "2027-09-01",
				    "2027-09-10", 5, id);
			if (strcmp(m->from, "planned") != 0)
				move_ok(s, t.tok[A_PLANNER], "training_sessions", id, "open", NULL);
			if (strcmp(m->from, "running") == 0)
				move_ok(s, t.tok[A_PLANNER], "training_sessions", id, "running", NULL);
			refused_to_others(s, &t, "training_sessions", id, m);
			move_ok(s, t.tok[a], "training_sessions", id, m->to, reason_for(m->to));
		}
	}
	server_end(s);
}
END_TEST

/* An admin adds a user and it logs in. */
static const char *add_user(struct server *s, const char *admin, const char *user,
			    const char *role, const char *where_key, const char *where)
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/users", admin,
		  json_pack("{s:s, s:s, s:s, s:s}", "username", user, "password",
			    "test-password-2026", "role", role, where_key, where), &r);
	ck_assert_msg(r.status == 201, "user %s: %ld %s", user, r.status, r.body);
	res_free(&r);
	return login(s, user, "test-password-2026");
}

static int list_size(const struct server *s, const char *token, const char *path)
{
	struct http_res r = {0};
	int n;

	ck_assert_msg(req(s, "GET", path, token, NULL, &r) == 200, "%s: %ld %s", path, r.status,
		      r.body);
	n = (int)json_array_size(json_object_get(r.json, "items"));
	res_free(&r);
	return n;
}

START_TEST(scope)
{
	struct server *s = server_start(NULL);
	struct actors t;
	struct http_res r = {0};
	char grf[ID_LEN], mun[ID_LEN], trainee[ID_LEN], enrol[ID_LEN], path[160];

	login_all(s, &t);
	const char *fmun = add_user(s, t.tok[A_ADMIN], "facility.mun", "facility_operator", "site",
				    "TF-MUN");
	add_recipient_zzr(s, t.tok[A_ADMIN]);
	const char *ozzr = add_user(s, t.tok[A_ADMIN], "officer.zzr", "recipient_officer",
				    "nation", "ZZR");

	new_course(s, t.tok[A_PLANNER], "T6-SCO", "Scope drill", 10, NULL);
	new_session(s, t.tok[A_FACILITY], "T6-SCO", "TF-GRF", "2027-10-01", "2027-10-10", 5, grf);
	new_trainee(s, t.tok[A_OFFICER], "UA-SCO-1", trainee);
	nominate_ok(s, t.tok[A_OFFICER], trainee, grf, enrol);

	/* Another facility's operator: TF-GRF's session and enrolment are not there. */
	snprintf(path, sizeof path, "/api/v1/training_sessions/%s", grf);
	req(s, "GET", path, fmun, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "PATCH", path, fmun, "{\"seats\":4}", &r);
	assert_problem(&r, 404, "not-found", NULL);
	move(s, fmun, "training_sessions", grf, "open", NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	snprintf(path, sizeof path, "/api/v1/enrolments/%s", enrol);
	req(s, "GET", path, fmun, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	move(s, fmun, "enrolments", enrol, "enrolled", NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	move(s, fmun, "enrolments", enrol, "withdrawn", "not ours", &r);
	assert_problem(&r, 404, "not-found", NULL);
	snprintf(path, sizeof path, "/api/v1/enrolments?session=%s", grf);
	ck_assert_int_eq(list_size(s, fmun, path), 0);
	ck_assert_int_eq(list_size(s, t.tok[A_FACILITY], path), 1);
	ck_assert_int_eq(list_size(s, fmun, "/api/v1/training_sessions?course=T6-SCO"), 0);
	ck_assert_int_eq(list_size(s, t.tok[A_FACILITY], "/api/v1/training_sessions?course=T6-SCO"),
			 1);
	/* ... nor may it plan one there; its own facility, yes. */
	post_session(s, fmun, "T6-SCO", "TF-GRF", "2027-10-01", "2027-10-10", 5, &r);
	assert_problem(&r, 400, "invalid-field", "facility");
	ck_assert_int_eq(list_size(s, t.tok[A_PLANNER], "/api/v1/training_sessions?course=T6-SCO"),
			 1);
	new_session(s, fmun, "T6-SCO", "TF-MUN", "2027-10-01", "2027-10-10", 5, mun);
	snprintf(path, sizeof path, "/api/v1/training_sessions/%s", mun);
	req(s, "GET", path, t.tok[A_FACILITY], NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	/* The facility at TF-GRF still moves its own. */
	move_ok(s, t.tok[A_FACILITY], "enrolments", enrol, "enrolled", NULL);

	/* Another recipient's officer: UKR's trainee and enrolment are not there. */
	snprintf(path, sizeof path, "/api/v1/trainees/%s", trainee);
	req(s, "GET", path, ozzr, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "PATCH", path, ozzr, "{\"rank\":\"captain\"}", &r);
	assert_problem(&r, 404, "not-found", NULL);
	snprintf(path, sizeof path, "/api/v1/enrolments/%s", enrol);
	req(s, "GET", path, ozzr, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	move(s, ozzr, "enrolments", enrol, "withdrawn", "not ours", &r);
	assert_problem(&r, 404, "not-found", NULL);
	req(s, "POST", "/api/v1/trainees:lookup", ozzr, "{\"service_number\":\"UA-SCO-1\"}", &r);
	assert_problem(&r, 404, "not-found", NULL);
	ck_assert_int_eq(list_size(s, ozzr, "/api/v1/trainees?limit=500"), 0);
	ck_assert_int_eq(list_size(s, ozzr, "/api/v1/enrolments?limit=500"), 0);
	/* It cannot nominate UKR's trainee, nor register a trainee for UKR. */
	char other[ID_LEN];
	new_session(s, t.tok[A_PLANNER], "T6-SCO", "TF-GRF", "2027-11-01", "2027-11-10", 5, other);
	nominate(s, ozzr, trainee, other, &r);
	assert_problem(&r, 400, "invalid-field", "trainee");
	ck_assert_int_eq(count_status(s, t.tok[A_PLANNER], other, "nominated", NULL), 0);
	send_json(s, "POST", "/api/v1/trainees", ozzr, trainee_body("UA-SCO-2", "UKR"), &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	send_json(s, "POST", "/api/v1/trainees", t.tok[A_OFFICER], trainee_body("UA-SCO-3", "ZZR"),
		  &r);
	assert_problem(&r, 400, "invalid-field", "nation");
	/* Trainees belong to a recipient nation. */
	send_json(s, "POST", "/api/v1/trainees", t.tok[A_OFFICER], trainee_body("UA-SCO-4", "DEU"),
		  &r);
	ck_assert_msg(r.status == 400, "a DEU trainee: %ld %s", r.status, r.body);
	/* UKR's officer sees its own. */
	snprintf(path, sizeof path, "/api/v1/enrolments/%s", enrol);
	ck_assert_int_eq(req(s, "GET", path, t.tok[A_OFFICER], NULL, &r), 200);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Pseudonymisation. ============================================================= */

/* Distinctive service numbers; none may ever come out of the server. */
static const char *const NUMBERS[] = {"UA-8675309", "QZ-7777777-X", "UA-5550199-K"};
#define NNUMBERS (sizeof NUMBERS / sizeof *NUMBERS)

/* true when @needle occurs in @hay[0..@n), ignoring case. */
static bool holds(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; hay && i + k <= n; i++) {
		if (strncasecmp(hay + i, needle, k) == 0)
			return true;
	}
	return false;
}

static void assert_no_number(const char *what, const char *buf, size_t n)
{
	for (size_t i = 0; i < NNUMBERS; i++)
		ck_assert_msg(!holds(buf, n, NUMBERS[i]), "%s holds the service number %s", what,
			      NUMBERS[i]);
}

/* A request whose answer (body and Location) must hold no service number. */
static long sreq(const struct server *s, const struct http_call *c, struct http_res *r)
{
	char what[256];

	http_do(s, c, r);
	snprintf(what, sizeof what, "the answer to %s %s (%ld)", c->method, c->path, r->status);
	assert_no_number(what, r->body, r->body_len);
	assert_no_number(what, r->location, strlen(r->location));
	return r->status;
}

static long sreq_text(const struct server *s, const char *method, const char *path,
		      const char *token, const char *body, struct http_res *r)
{
	return sreq(s, &(struct http_call){.method = method, .path = path, .token = token,
					   .body = body}, r);
}

static long sreq_json(const struct server *s, const char *method, const char *path,
		      const char *token, json_t *body, struct http_res *r)
{
	char *text = json_dumps(body, JSON_COMPACT);
	long st;

	json_decref(body);
	ck_assert(text != NULL);
	st = sreq_text(s, method, path, token, text, r);
	free(text);
	return st;
}

static long lookup(const struct server *s, const char *token, const char *number,
		   struct http_res *r)
{
	return sreq_json(s, "POST", "/api/v1/trainees:lookup", token,
			 json_pack("{s:s}", "service_number", number), r);
}

/* A whole file, NUL-terminated; NULL when there is none. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			buf = realloc(buf, cap);
			ck_assert(buf != NULL);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* SQLite: the numbers are in none of the database's files (t.db, -wal,
 * -shm), and @pseudonym is in one of them. */
static void sqlite_clean(const struct server *s, const char *pseudonym, const char *when)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	bool found = false;

	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
		char path[300], what[400];
		size_t n;
		snprintf(path, sizeof path, "%s%s", s->db, suffix[i]);
		char *buf = slurp(path, &n);
		if (!buf)
			continue;
		snprintf(what, sizeof what, "%s (%s)", path, when);
		assert_no_number(what, buf, n);
		found |= holds(buf, n, pseudonym);
		free(buf);
	}
	ck_assert_msg(found, "the pseudonym %s is in no database file (%s): the search is blind",
		      pseudonym, when);
}

/* PostgreSQL: does any row of any table hold @needle (in its text, or as
 * hex-encoded bytes)?  The table goes to @where. */
static bool pg_holds(const struct server *s, const char *needle, char *where, size_t size)
{
	char sql[2048], err[512], up[80], hex[160];
	size_t k = strlen(needle);
	const char *at;

	ck_assert(k < sizeof up && 2 * k < sizeof hex);
	for (size_t i = 0; i <= k; i++)
		up[i] = (char)((needle[i] >= 'a' && needle[i] <= 'z') ? needle[i] - 32 : needle[i]);
	for (size_t i = 0; i < k; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)needle[i]);
	snprintf(sql, sizeof sql,
		 "DO $$DECLARE t record; n bigint; BEGIN "
		 "FOR t IN SELECT table_schema, table_name FROM information_schema.tables "
		 "WHERE table_type = 'BASE TABLE' "
		 "AND table_schema NOT IN ('pg_catalog', 'information_schema') LOOP "
		 "EXECUTE format('SELECT count(*) FROM %%I.%%I x WHERE upper(x::text) LIKE %%L "
		 "OR lower(x::text) LIKE %%L', t.table_schema, t.table_name, '%%%s%%', '%%%s%%') "
		 "INTO n; "
		 "IF n > 0 THEN RAISE EXCEPTION 'nsatu-found in %%.%%', t.table_schema, t.table_name; "
		 "END IF; END LOOP; END$$",
		 up, hex);
	if (client_pg_exec(s->db, sql, err, sizeof err))
		return false;
	ck_assert_msg((at = strstr(err, "nsatu-found in")) != NULL, "the search failed: %s", err);
	snprintf(where, size, "%s", at);
	return true;
}

static void pg_clean(const struct server *s, const char *pseudonym)
{
	char where[256];

	for (size_t i = 0; i < NNUMBERS; i++)
		ck_assert_msg(!pg_holds(s, NUMBERS[i], where, sizeof where),
			      "the database holds the service number %s: %s", NUMBERS[i], where);
	ck_assert_msg(pg_holds(s, pseudonym, where, sizeof where),
		      "the pseudonym %s is in no table: the search is blind", pseudonym);
}

static void log_clean(const struct server *s)
{
	size_t n;
	char *log = slurp(s->log, &n);

	ck_assert_msg(log != NULL, "no log at %s", s->log);
	assert_no_number("the server's log", log, n);
	/* It does log the requests (--log-level info), so the search can see. */
	ck_assert_msg(holds(log, n, "/api/v1/trainees:lookup"), "the log holds no requests: %s",
		      log);
	free(log);
}

/* Every page of the audit trail, as @token; returns whether @pseudonym is in it. */
static bool audit_clean(const struct server *s, const char *token, const char *pseudonym)
{
	struct http_res r = {0};
	char path[256], cursor[160] = "";
	bool found = false;
	int pages = 0;

	do {
		snprintf(path, sizeof path, "/api/v1/audit?limit=500%s%s", *cursor ? "&cursor=" : "",
			 cursor);
		ck_assert_msg(sreq_text(s, "GET", path, token, NULL, &r) == 200, "%s: %s", path,
			      r.body);
		found |= holds(r.body, r.body_len, pseudonym);
		const char *next = jstr(r.json, "next_cursor");
		snprintf(cursor, sizeof cursor, "%s", next ? next : "");
		ck_assert_int_lt(++pages, 1000);
	} while (*cursor);
	res_free(&r);
	return found;
}

/* Write a key file of 32 random-looking bytes (hex) that only we may read. */
static void write_key(const char *path, char fill)
{
	char hex[66];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_msg(fd >= 0, "cannot write %s", path);
	memset(hex, fill, 64);
	hex[64] = '\n';
	ck_assert_int_eq(write(fd, hex, 65), 65);
	close(fd);
}

START_TEST(pseudonyms)
{
	struct server *s = server_start("--log-level", "info", NULL);
	const char *officer = login_as(s, "officer.ukr"), *admin = login_as(s, "admin");
	const char *facility = login_as(s, "facility.grf"), *planner = login_as(s, "planner");
	const char *auditor = login_as(s, "auditor"), *liaison = login_as(s, "liaison.deu");
	const char *node = login_as(s, "node.rze");
	struct http_res r = {0};
	char t1[ID_LEN], t2[ID_LEN], t3[ID_LEN], p1[80], path[160], session[ID_LEN], e[ID_LEN];

	/* Registering: the answer has the pseudonym, not the number. */
	sreq_json(s, "POST", "/api/v1/trainees", officer, trainee_body(NUMBERS[0], "UKR"), &r);
	ck_assert_msg(r.status == 201, "register: %ld %s", r.status, r.body);
	ck_assert_ptr_null(json_object_get(r.json, "service_number"));
	ck_assert_msg(jstr(r.json, "pseudonym") && strlen(jstr(r.json, "pseudonym")) == 64 &&
			      strspn(jstr(r.json, "pseudonym"), "0123456789abcdef") == 64,
		      "pseudonym: %s", r.body);
	snprintf(p1, sizeof p1, "%s", jstr(r.json, "pseudonym"));
	copy_id(&r, t1);
	sreq_json(s, "POST", "/api/v1/trainees", officer, trainee_body(NUMBERS[1], "UKR"), &r);
	ck_assert_msg(r.status == 201, "register: %ld %s", r.status, r.body);
	ck_assert_str_ne(jstr(r.json, "pseudonym"), p1);
	copy_id(&r, t2);

	/* The same number twice: one person, one record. */
	json_t *again = trainee_body(NUMBERS[0], "UKR");
	json_object_set_new(again, "unit", json_string("UA-UNIT-S"));
	json_object_set_new(again, "rank", json_string("captain"));
	sreq_json(s, "POST", "/api/v1/trainees", officer, again, &r);
	assert_problem(&r, 409, "conflict", "service_number");
	snprintf(path, sizeof path, "/api/v1/trainees?pseudonym=%s", p1);
	ck_assert_int_eq(sreq_text(s, "GET", path, officer, NULL, &r), 200);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);

	/* Numbers that are refused, none of them echoed. */
	sreq_json(s, "POST", "/api/v1/trainees", officer, trainee_body("ua-8675309", "UKR"), &r);
	assert_problem(&r, 400, "invalid-field", "service_number");
	sreq_json(s, "POST", "/api/v1/trainees", officer,
		  trainee_body("UA-8675309-UA-8675309-UA-8675309-X", "UKR"), &r);
	assert_problem(&r, 400, "invalid-field", "service_number");
	json_t *num = trainee_body("x", "UKR");
	json_object_set_new(num, "service_number", json_integer(8675309));
	sreq_json(s, "POST", "/api/v1/trainees", officer, num, &r);
	assert_problem(&r, 400, "invalid-field", "service_number");
	ck_assert_msg(!holds(r.body, r.body_len, "8675309"), "the number is echoed: %s", r.body);
	json_t *none = trainee_body("x", "UKR");
	json_object_del(none, "service_number");
	sreq_json(s, "POST", "/api/v1/trainees", officer, none, &r);
	assert_problem(&r, 400, "invalid-field", "service_number");
	json_t *extra = trainee_body(NUMBERS[0], "UKR");
	json_object_set_new(extra, "surname", json_string("Petrenko"));
	sreq_json(s, "POST", "/api/v1/trainees", officer, extra, &r);
	ck_assert_msg(r.status == 400, "an unknown member: %ld %s", r.status, r.body);
	json_t *bad_unit = trainee_body(NUMBERS[2], "UKR");
	json_object_set_new(bad_unit, "unit", json_string("LN-RZE"));
	sreq_json(s, "POST", "/api/v1/trainees", officer, bad_unit, &r);
	assert_problem(&r, 400, "invalid-field", "unit");
	/* The number cannot be changed, nor the pseudonym written. */
	snprintf(path, sizeof path, "/api/v1/trainees/%s", t1);
	sreq_json(s, "PATCH", path, officer, json_pack("{s:s}", "service_number", NUMBERS[2]), &r);
	assert_problem(&r, 400, "invalid-field", "service_number");
	sreq_json(s, "PATCH", path, officer, json_pack("{s:s}", "pseudonym", p1), &r);
	assert_problem(&r, 400, "invalid-field", "pseudonym");
	sreq_json(s, "PATCH", path, officer, json_pack("{s:s}", "rank", "lieutenant"), &r);
	ck_assert_msg(r.status == 200, "rank: %ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "pseudonym"), p1);

	/* Registered with an Idempotency-Key: the stored answer holds no number. */
	json_t *third = trainee_body(NUMBERS[2], "UKR");
	char *body3 = json_dumps(third, JSON_COMPACT);
	json_decref(third);
	ck_assert(body3 != NULL);
	for (int i = 0; i < 2; i++) {
		sreq(s, &(struct http_call){.method = "POST", .path = "/api/v1/trainees",
					    .token = officer, .body = body3,
					    .headers = {"Idempotency-Key: t6-trainee-3"}}, &r);
		ck_assert_msg(r.status == 201, "idempotent register %d: %ld %s", i, r.status, r.body);
		if (i == 0)
			copy_id(&r, t3);
		else
			ck_assert_pstr_eq(jstr(r.json, "id"), t3);
	}
	free(body3);

	/* Reading, listing, exporting. */
	ck_assert_int_eq(sreq_text(s, "GET", path, officer, NULL, &r), 200);
	ck_assert_pstr_eq(jstr(r.json, "pseudonym"), p1);
	ck_assert_int_eq(sreq_text(s, "GET", "/api/v1/trainees?limit=500", officer, NULL, &r), 200);
	ck_assert_int_eq(sreq_text(s, "GET", "/api/v1/trainees?limit=500", facility, NULL, &r), 200);
	ck_assert_int_eq(sreq_text(s, "GET", "/api/v1/trainees?limit=500", planner, NULL, &r), 200);
	ck_assert_msg(holds(r.body, r.body_len, p1), "the list lacks the trainee: %s", r.body);
	snprintf(path, sizeof path, "/api/v1/trainees?pseudonym=%s", p1);
	ck_assert_int_eq(sreq_text(s, "GET", path, officer, NULL, &r), 200);
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_int_eq(sreq_text(s, "GET", "/api/v1/trainees?format=csv", officer, NULL, &r), 200);
	ck_assert_msg(strncmp(r.ctype, "text/csv", 8) == 0, "export type %s", r.ctype);
	ck_assert_msg(holds(r.body, r.body_len, p1), "the export lacks the trainee: %s", r.body);
	ck_assert_msg(!holds(r.body, r.body_len, "service_number"),
		      "the export has a service_number column: %s", r.body);

	/* Looking up by number: found, with the right number only. */
	for (int i = 0; i < 3; i++) {
		const char *who[] = {officer, facility, planner};
		ck_assert_msg(lookup(s, who[i], NUMBERS[0], &r) == 200, "lookup: %ld %s", r.status,
			      r.body);
		ck_assert_pstr_eq(jstr(r.json, "id"), t1);
		ck_assert_pstr_eq(jstr(r.json, "pseudonym"), p1);
	}
	ck_assert_int_eq(lookup(s, officer, NUMBERS[1], &r), 200);
	ck_assert_pstr_eq(jstr(r.json, "id"), t2);
	lookup(s, officer, "UA-8675310", &r);
	assert_problem(&r, 404, "not-found", NULL);
	lookup(s, officer, "ua-8675309", &r);
	assert_problem(&r, 400, "invalid-field", "service_number");
	lookup(s, liaison, NUMBERS[0], &r);
	assert_problem(&r, 403, "forbidden", NULL);
	lookup(s, node, NUMBERS[0], &r);
	assert_problem(&r, 403, "forbidden", NULL);
	sreq_json(s, "POST", "/api/v1/trainees:lookup", officer,
		  json_pack("{s:s, s:s}", "service_number", NUMBERS[0], "nation", "UKR"), &r);
	assert_problem(&r, 400, "invalid-field", "service_number");
	sreq_json(s, "POST", "/api/v1/trainees:lookup", officer,
		  json_pack("{s:i}", "service_number", 8675309), &r);
	assert_problem(&r, 400, "invalid-field", "service_number");
	ck_assert_msg(!holds(r.body, r.body_len, "8675309"), "the number is echoed: %s", r.body);

	/* Nominated and enrolled: the audit trail gets the trainee's enrolment. */
	sreq_json(s, "POST", "/api/v1/courses", planner,
		  course_body("T6-PSE", "Pseudonym drill", 5, NULL), &r);
	ck_assert_msg(r.status == 201, "course: %ld %s", r.status, r.body);
	sreq_json(s, "POST", "/api/v1/training_sessions", planner,
		  session_body("T6-PSE", "TF-GRF", "2027-12-01", "2027-12-10", 5), &r);
	ck_assert_msg(r.status == 201, "session: %ld %s", r.status, r.body);
	copy_id(&r, session);
	sreq_json(s, "POST", "/api/v1/enrolments", officer,
		  json_pack("{s:s, s:s}", "trainee", t1, "session", session), &r);
	ck_assert_msg(r.status == 201, "nominate: %ld %s", r.status, r.body);
	copy_id(&r, e);
	snprintf(path, sizeof path, "/api/v1/enrolments/%s/transition", e);
	sreq_text(s, "POST", path, facility, "{\"to\":\"enrolled\"}", &r);
	ck_assert_msg(r.status == 200, "enrol: %ld %s", r.status, r.body);
	snprintf(path, sizeof path, "/api/v1/enrolments/%s", e);
	ck_assert_int_eq(sreq_text(s, "GET", path, officer, NULL, &r), 200);
	ck_assert_pstr_eq(jstr(r.json, "trainee"), t1);
	ck_assert_int_eq(sreq_text(s, "GET", "/api/v1/enrolments?format=csv", planner, NULL, &r),
			 200);
	ck_assert_msg(audit_clean(s, admin, p1), "the audit trail lacks the trainee's pseudonym");
	ck_assert_msg(audit_clean(s, auditor, p1), "the audit trail lacks the trainee's pseudonym");

	/* The database, while the server runs and after it stopped. */
	if (client_pg_url()) {
		pg_clean(s, p1);
	} else {
		sqlite_clean(s, p1, "while serving");
		/* The key is beside the database, private, and not in it. */
		char key[300];
		struct stat st;
		snprintf(key, sizeof key, "%s.trainee-key", s->db);
		ck_assert_msg(stat(key, &st) == 0, "no trainee key at %s", key);
		ck_assert_int_eq(st.st_mode & 077, 0);
	}
	ck_assert_int_eq(server_stop(s), 0);
	if (!client_pg_url())
		sqlite_clean(s, p1, "after the server stopped");
	log_clean(s);

	/* Another key: the number no longer finds the trainee. */
	char other_key[160];
	snprintf(other_key, sizeof other_key, "%s/other.trainee-key", s->dir);
	write_key(other_key, '7');
	server_restart(s, "--log-level", "info", "--trainee-key-file", other_key, NULL);
	lookup(s, officer, NUMBERS[0], &r);
	assert_problem(&r, 404, "not-found", NULL);
	lookup(s, officer, NUMBERS[1], &r);
	assert_problem(&r, 404, "not-found", NULL);
	ck_assert_int_eq(server_stop(s), 0);
	/* The right key again: found (the data were never lost, only unlinked). */
	server_restart(s, "--log-level", "info", NULL);
	ck_assert_int_eq(lookup(s, officer, NUMBERS[0], &r), 200);
	ck_assert_pstr_eq(jstr(r.json, "id"), t1);
	ck_assert_int_eq(server_stop(s), 0);
	log_clean(s);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Defects found (each test says what it expects). ========================== */

/*
 * A body that is not valid JSON is answered with jansson's message, which
 * quotes the text "near" the error: a truncated registration or lookup
 * sends the service number back in the problem's detail (and, with an
 * Idempotency-Key, into the idempotency table, which keeps answers below
 * 500).  Expected: 400, and no number in the answer.
 */
START_TEST(bug_malformed_json_echoes_service_number)
{
	struct server *s = server_start(NULL);
	const char *officer = login_as(s, "officer.ukr");
	struct http_res r = {0};

	sreq_text(s, "POST", "/api/v1/trainees", officer,
		  "{\"nation\":\"UKR\",\"unit\":\"UA-UNIT-N\",\"specialty\":\"x\",\"rank\":\"y\","
		  "\"service_number\":\"UA-8675309", &r);
	ck_assert_int_eq(r.status, 400);
	sreq_text(s, "POST", "/api/v1/trainees:lookup", officer,
		  "{\"service_number\":\"UA-8675309", &r);
	ck_assert_int_eq(r.status, 400);
	res_free(&r);
	server_end(s);
}
END_TEST

/*
 * The same, with an Idempotency-Key: the server keeps answers below 500
 * for replay, so the echoed number is written to the idempotency table
 * of the database.  Expected: the number in no database file or table.
 */
START_TEST(bug_malformed_json_stores_service_number)
{
	struct server *s = server_start(NULL);
	const char *officer = login_as(s, "officer.ukr");
	char t[ID_LEN], p[80];
	struct http_res r = {0};

	/* A trainee, so that the database search has something to find. */
	send_json(s, "POST", "/api/v1/trainees", officer, trainee_body("UA-CTRL-1", "UKR"), &r);
	ck_assert_int_eq(r.status, 201);
	copy_id(&r, t);
	snprintf(p, sizeof p, "%s", jstr(r.json, "pseudonym"));
	http_do(s, &(struct http_call){.method = "POST", .path = "/api/v1/trainees",
				       .token = officer,
				       .body = "{\"nation\":\"UKR\",\"service_number\":\"QZ-7777777-X",
				       .headers = {"Idempotency-Key: t6-malformed"}}, &r);
	ck_assert_int_eq(r.status, 400);
	if (client_pg_url())
		pg_clean(s, p);
	else
		sqlite_clean(s, p, "while serving");
	res_free(&r);
	server_end(s);
}
END_TEST

/*
 * An enrolment copies its session's facility (for scope) when it is made,
 * so a session must not move to another facility under its enrolments:
 * either the move is refused (naming facility) and everything stays at
 * TF-GRF, or the enrolments follow their session to TF-MUN.  (Found as a
 * defect while writing this suite: the move was accepted and the
 * enrolments stayed behind, enrolled by the old facility's operator.)
 */
START_TEST(session_move_keeps_enrolments_in_scope)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	const char *grf = login_as(s, "facility.grf"), *admin = login_as(s, "admin");
	const char *mun = add_user(s, admin, "facility.mun", "facility_operator", "site", "TF-MUN");
	char session[ID_LEN], trainee[ID_LEN], enrol[ID_LEN], path[160], epath[160];
	struct http_res r = {0};

	new_course(s, planner, "T6-MVS", "Moving drill", 10, NULL);
	new_session(s, planner, "T6-MVS", "TF-GRF", "2027-05-01", "2027-05-10", 5, session);
	new_trainee(s, officer, "UA-MVS-1", trainee);
	nominate_ok(s, officer, trainee, session, enrol);

	snprintf(path, sizeof path, "/api/v1/training_sessions/%s", session);
	snprintf(epath, sizeof epath, "/api/v1/enrolments/%s", enrol);
	req(s, "PATCH", path, planner, "{\"facility\":\"TF-MUN\"}", &r);
	if (r.status != 200) {
		ck_assert_msg(r.status == 400 || r.status == 409, "moving the session: %ld %s",
			      r.status, r.body);
		ck_assert_pstr_eq(jstr(r.json, "field"), "facility");
		ck_assert_int_eq(req(s, "GET", path, planner, NULL, &r), 200);
		ck_assert_pstr_eq(jstr(r.json, "facility"), "TF-GRF");
		req(s, "GET", epath, mun, NULL, &r);
		assert_problem(&r, 404, "not-found", NULL);
		move_ok(s, grf, "enrolments", enrol, "enrolled", NULL);
	} else {
		ck_assert_int_eq(req(s, "GET", epath, planner, NULL, &r), 200);
		ck_assert_msg(strcmp(jstr(r.json, "facility"), "TF-MUN") == 0,
			      "the session is at TF-MUN, its enrolment says %s", jstr(r.json, "facility"));
		req(s, "GET", epath, mun, NULL, &r);
		ck_assert_msg(r.status == 200, "TF-MUN's operator reading its session's enrolment: "
			      "%ld %s", r.status, r.body);
		move(s, grf, "enrolments", enrol, "enrolled", NULL, &r);
		ck_assert_msg(r.status == 404, "TF-GRF's operator enrolling into TF-MUN's session: "
			      "%ld %s", r.status, r.body);
	}
	res_free(&r);
	server_end(s);
}
END_TEST

/*
 * The overlap rule is checked when a trainee is nominated, but not when a
 * session's dates change: a planned session moved onto the dates of another
 * session leaves a trainee active in both.  Expected: the change refused
 * (409) while it would make a trainee's sessions overlap.
 */
START_TEST(bug_session_dates_change_breaks_overlap_rule)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner"), *officer = login_as(s, "officer.ukr");
	char s1[ID_LEN], s3[ID_LEN], trainee[ID_LEN], e1[ID_LEN], e3[ID_LEN], path[160];
	struct http_res r = {0};

	new_course(s, planner, "T6-OVD", "Overlap by dates", 10, NULL);
	new_session(s, planner, "T6-OVD", "TF-GRF", "2027-01-10", "2027-01-20", 5, s1);
	new_session(s, planner, "T6-OVD", "TF-GRF", "2027-01-21", "2027-01-30", 5, s3);
	new_trainee(s, officer, "UA-OVD-1", trainee);
	nominate_ok(s, officer, trainee, s1, e1);
	nominate_ok(s, officer, trainee, s3, e3);

	snprintf(path, sizeof path, "/api/v1/training_sessions/%s", s3);
	req(s, "PATCH", path, planner, "{\"starts_on\":\"2027-01-15\",\"ends_on\":\"2027-01-25\"}",
	    &r);
	ck_assert_msg(r.status == 409, "moving %s onto %s's dates with a trainee in both: %ld %s", s3,
		      s1, r.status, r.body);
	ck_assert_int_eq(req(s, "GET", path, planner, NULL, &r), 200);
	ck_assert_pstr_eq(jstr(r.json, "starts_on"), "2027-01-21");
	res_free(&r);
	server_end(s);
}
END_TEST

/*
 * A session has at most its course's class_max seats (checked when the
 * session is planned or changed), but lowering a course's class_max below
 * the seats of its planned sessions is accepted.  Expected: refused (409,
 * naming class_max) while a planned or open session has more seats.
 */
START_TEST(bug_course_class_max_below_session_seats)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner");
	char session[ID_LEN];
	struct http_res r = {0};

	new_course(s, planner, "T6-CMX", "Class size drill", 10, NULL);
	new_session(s, planner, "T6-CMX", "TF-GRF", "2027-05-01", "2027-05-10", 10, session);
	req(s, "PATCH", "/api/v1/courses/T6-CMX", planner, "{\"class_max\":5}", &r);
	ck_assert_msg(r.status == 409, "class_max 5 under a session of 10 seats: %ld %s", r.status,
		      r.body);
	res_free(&r);
	server_end(s);
}
END_TEST

/*
 * Prerequisites are checked for existence and against the course itself,
 * not for cycles: A requires B while B requires A is accepted, and then
 * no trainee can ever be nominated for either.  Expected: 400 naming
 * prerequisites.
 */
START_TEST(bug_prerequisite_cycle_accepted)
{
	struct server *s = server_start(NULL);
	const char *planner = login_as(s, "planner");
	struct http_res r = {0};

	new_course(s, planner, "T6-CYA", "Cycle A", 10, NULL);
	new_course(s, planner, "T6-CYB", "Cycle B", 10, "T6-CYA");
	req(s, "PATCH", "/api/v1/courses/T6-CYA", planner, "{\"prerequisites\":\"T6-CYB\"}", &r);
	assert_problem(&r, 400, "invalid-field", "prerequisites");
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_training(void)
{
	Suite *s = suite_create("training");
	TCase *tc = api_tcase("training");

	tcase_add_test(tc, capacity_concurrent);
	tcase_add_test(tc, capacity_sequential);
	tcase_add_test(tc, prerequisites);
	tcase_add_test(tc, overlap);
	tcase_add_test(tc, session_rules);
	tcase_add_test(tc, role_matrix_create_read);
	tcase_add_test(tc, role_matrix_moves);
	tcase_add_test(tc, scope);
	tcase_add_test(tc, pseudonyms);
	tcase_add_test(tc, bug_malformed_json_echoes_service_number);
	tcase_add_test(tc, bug_malformed_json_stores_service_number);
	tcase_add_test(tc, session_move_keeps_enrolments_in_scope);
	tcase_add_test(tc, bug_session_dates_change_breaks_overlap_rule);
	tcase_add_test(tc, bug_course_class_max_below_session_seats);
	tcase_add_test(tc, bug_prerequisite_cycle_accepted);
	suite_add_tcase(s, tc);
	return s;
}
