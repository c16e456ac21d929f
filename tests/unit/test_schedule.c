/*
 * test_schedule.c - the training scheduler (src/plan/schedule.c) on
 * hand-computed cases: seats exhausted, prerequisites chained (each ending
 * before the next starts), an overlap refused, the earliest due date
 * served first, and each reason a demand can be left short.
 *
 * Courses: A; B requires A; C requires B.  Days are small numbers; as_of
 * is day 50.
 */
#include "suites.h"

#include "plan/schedule.h"

#include <string.h>

static const struct sched_course COURSES[] = {
	{"A", NULL},
	{"B", "A"},
	{"C", "B"},
};
#define NCOURSES (sizeof COURSES / sizeof *COURSES)

static struct sched_problem problem(const struct sched_session *s, size_t ns,
				    const struct sched_trainee *t, size_t nt,
				    const struct sched_demand *d, size_t nd)
{
	return (struct sched_problem){50, COURSES, NCOURSES, s, ns, t, nt, d, nd};
}

static void solve(const struct sched_problem *p, struct sched_result *r)
{
	char err[160] = "";

	ck_assert_msg(sched_solve(p, r, err, sizeof err) == 0, "%s", err);
}

static const char *session_of(const struct sched_problem *p, const struct sched_result *r,
			      size_t i)
{
	ck_assert_uint_lt(i, r->nassignments);
	return p->sessions[r->assignments[i].session].id;
}

static const char *trainee_of(const struct sched_problem *p, const struct sched_result *r,
			      size_t i)
{
	return p->trainees[r->assignments[i].trainee].id;
}

/* Three needed by day 200; A1 (ends 110) has 2 seats, A2 ends after the
 * date.  Two are placed in A1; one is short for want of seats. */
START_TEST(seats_exhausted)
{
	struct sched_session s[] = {
		{"A1", "A", 100, 110, 2, true},
		{"A2", "A", 300, 310, 5, true},
	};
	struct sched_trainee t[] = {
		{"T1", "U", NULL, 0}, {"T2", "U", NULL, 0}, {"T3", "U", NULL, 0}, {"T4", "U", NULL, 0},
	};
	struct sched_demand d[] = {{"CAP-1", "A", "U", 3, 200}};
	struct sched_problem p = problem(s, 2, t, 4, d, 1);
	struct sched_result r;

	solve(&p, &r);
	ck_assert_uint_eq(r.nassignments, 2);
	ck_assert_str_eq(trainee_of(&p, &r, 0), "T1");
	ck_assert_str_eq(session_of(&p, &r, 0), "A1");
	ck_assert_str_eq(trainee_of(&p, &r, 1), "T2");
	ck_assert_str_eq(session_of(&p, &r, 1), "A1");
	ck_assert_int_eq(r.free_seats[0], 0);
	ck_assert_int_eq(r.free_seats[1], 5);
	ck_assert_uint_eq(r.nshortfalls, 1);
	ck_assert_int_eq(r.shortfalls[0].needed, 3);
	ck_assert_int_eq(r.shortfalls[0].assigned, 2);
	ck_assert_int_eq(r.shortfalls[0].reason, SCHED_NO_SEATS);
	ck_assert_int_eq(r.shortfalls[0].sessions, 1);
	ck_assert_int_eq(r.shortfalls[0].seats, 0);
	ck_assert_int_eq(r.shortfalls[0].candidates, 2);
	sched_result_free(&r);
}
END_TEST

/*
 * One person through C by day 400.  T1 has nothing: A then B then C, each
 * ending before the next starts: A1 (100-110), not B1 (105-120, starts
 * before A1 ends) but B2 (111-130), not C0 (125-135) but C1 (131-140).
 * B and C are deferred: their prerequisite is still to be passed.
 */
START_TEST(prerequisites_chained)
{
	struct sched_session s[] = {
		{"C0", "C", 125, 135, 5, true}, {"C1", "C", 131, 140, 5, true},
		{"B1", "B", 105, 120, 5, true}, {"B2", "B", 111, 130, 5, true},
		{"A1", "A", 100, 110, 5, true},
	};
	struct sched_trainee t[] = {{"T1", "U", NULL, 0}};
	struct sched_demand d[] = {{"CAP-1", "C", "U", 1, 400}};
	struct sched_problem p = problem(s, 5, t, 1, d, 1);
	struct sched_result r;

	solve(&p, &r);
	ck_assert_uint_eq(r.nshortfalls, 0);
	ck_assert_uint_eq(r.nassignments, 3);
	ck_assert_str_eq(session_of(&p, &r, 0), "A1");
	ck_assert_str_eq(session_of(&p, &r, 1), "B2");
	ck_assert_str_eq(session_of(&p, &r, 2), "C1");
	ck_assert(r.assignments[0].prerequisite && !r.assignments[0].deferred);
	ck_assert(r.assignments[1].prerequisite && r.assignments[1].deferred);
	ck_assert(!r.assignments[2].prerequisite && r.assignments[2].deferred);
	sched_result_free(&r);
}
END_TEST

/* A trainee who has passed A and B goes first (fewest seats), straight
 * into the earliest C, and nothing is deferred. */
START_TEST(prerequisites_passed_go_first)
{
	struct sched_session s[] = {
		{"C0", "C", 125, 135, 5, true}, {"A1", "A", 100, 110, 5, true},
		{"B2", "B", 111, 130, 5, true}, {"C1", "C", 131, 140, 5, true},
	};
	struct sched_history passed[] = {{"A", 10, 20, true}, {"B", 30, 40, true}};
	struct sched_trainee t[] = {{"T1", "U", NULL, 0}, {"T2", "U", passed, 2}};
	struct sched_demand d[] = {{"CAP-1", "C", "U", 1, 400}};
	struct sched_problem p = problem(s, 4, t, 2, d, 1);
	struct sched_result r;

	solve(&p, &r);
	ck_assert_uint_eq(r.nassignments, 1);
	ck_assert_str_eq(trainee_of(&p, &r, 0), "T2");
	ck_assert_str_eq(session_of(&p, &r, 0), "C0");
	ck_assert(!r.assignments[0].deferred && !r.assignments[0].prerequisite);
	sched_result_free(&r);
}
END_TEST

/* T1 is in another session 100-120: A1 (110-115) overlaps it and is
 * refused; A2 (121-130) is taken.  With only A1 the demand is short, the
 * candidate busy. */
START_TEST(overlap_refused)
{
	struct sched_session s[] = {
		{"A1", "A", 110, 115, 5, true}, {"A2", "A", 121, 130, 5, true},
	};
	struct sched_history busy[] = {{"X", 100, 120, false}};
	struct sched_trainee t[] = {{"T1", "U", busy, 1}};
	struct sched_demand d[] = {{"CAP-1", "A", "U", 1, 400}};
	struct sched_problem p = problem(s, 2, t, 1, d, 1);
	struct sched_result r;

	solve(&p, &r);
	ck_assert_uint_eq(r.nassignments, 1);
	ck_assert_str_eq(session_of(&p, &r, 0), "A2");
	sched_result_free(&r);

	p.nsessions = 1;
	solve(&p, &r);
	ck_assert_uint_eq(r.nassignments, 0);
	ck_assert_uint_eq(r.nshortfalls, 1);
	ck_assert_int_eq(r.shortfalls[0].reason, SCHED_BUSY);
	ck_assert_int_eq(r.shortfalls[0].candidates, 1);
	sched_result_free(&r);
}
END_TEST

/* One seat, two targets: the one due first gets it, whatever the order
 * the demands come in. */
START_TEST(earliest_due_first)
{
	struct sched_session s[] = {{"A1", "A", 100, 110, 1, true}};
	struct sched_trainee t[] = {{"T1", "U", NULL, 0}, {"T2", "U", NULL, 0}};
	struct sched_demand d[] = {
		{"CAP-LATE", "A", "U", 1, 300},
		{"CAP-SOON", "A", "U", 1, 150},
	};
	struct sched_problem p = problem(s, 1, t, 2, d, 2);
	struct sched_result r;

	solve(&p, &r);
	ck_assert_uint_eq(r.nassignments, 1);
	ck_assert_uint_eq(r.assignments[0].demand, 1);
	ck_assert_uint_eq(r.nshortfalls, 1);
	ck_assert_uint_eq(r.shortfalls[0].demand, 0);
	ck_assert_int_eq(r.shortfalls[0].reason, SCHED_NO_SEATS);
	sched_result_free(&r);
}
END_TEST

/* The other reasons: nobody of the unit; no session ends by the date
 * (nor one that starts before today); B's prerequisite A has no session. */
START_TEST(shortfall_reasons)
{
	struct sched_session s[] = {
		{"A0", "A", 40, 60, 5, true},     /* starts before as_of */
		{"A1", "A", 100, 110, 5, true},
		{"B1", "B", 200, 210, 5, true},
		{"A9", "A", 90, 95, 5, false},    /* not open for nominations */
	};
	struct sched_trainee t[] = {{"T1", "U", NULL, 0}, {"T2", "V", NULL, 0}};
	struct sched_demand nobody[] = {{"CAP-1", "A", "W", 2, 400}};
	struct sched_demand early[] = {{"CAP-1", "A", "U", 1, 100}};
	struct sched_problem p = problem(s, 4, t, 2, nobody, 1);
	struct sched_result r;

	solve(&p, &r);
	ck_assert_uint_eq(r.nshortfalls, 1);
	ck_assert_int_eq(r.shortfalls[0].reason, SCHED_NO_CANDIDATES);
	ck_assert_int_eq(r.shortfalls[0].needed, 2);
	ck_assert_int_eq(r.shortfalls[0].assigned, 0);
	sched_result_free(&r);

	p.demands = early;
	solve(&p, &r);
	ck_assert_uint_eq(r.nshortfalls, 1);
	ck_assert_int_eq(r.shortfalls[0].reason, SCHED_NO_SESSION);
	ck_assert_int_eq(r.shortfalls[0].sessions, 0);
	sched_result_free(&r);

	/* B needs A first; without A1 there is no A to take. */
	struct sched_demand b[] = {{"CAP-1", "B", "U", 1, 400}};
	struct sched_session no_a[] = {{"B1", "B", 200, 210, 5, true}};
	p = problem(no_a, 1, t, 2, b, 1);
	solve(&p, &r);
	ck_assert_uint_eq(r.nassignments, 0);
	ck_assert_uint_eq(r.nshortfalls, 1);
	ck_assert_int_eq(r.shortfalls[0].reason, SCHED_PREREQUISITES);
	sched_result_free(&r);
}
END_TEST

/* A trainee already placed in the course is no candidate; one placed in a
 * prerequisite counts from that session's end (and is deferred). */
START_TEST(existing_places_count)
{
	struct sched_session s[] = {
		{"A1", "A", 100, 110, 5, true}, {"B1", "B", 105, 115, 5, true},
		{"B2", "B", 130, 140, 5, true},
	};
	struct sched_history in_a[] = {{"A", 100, 120, false}};
	struct sched_history in_b[] = {{"B", 60, 70, false}};
	struct sched_trainee t[] = {{"T1", "U", in_b, 1}, {"T2", "U", in_a, 1}};
	struct sched_demand d[] = {{"CAP-1", "B", "U", 2, 400}};
	struct sched_problem p = problem(s, 3, t, 2, d, 1);
	struct sched_result r;

	solve(&p, &r);
	/* T1 is in B already: only T2, after its A ends on day 120: B2. */
	ck_assert_uint_eq(r.nassignments, 1);
	ck_assert_str_eq(trainee_of(&p, &r, 0), "T2");
	ck_assert_str_eq(session_of(&p, &r, 0), "B2");
	ck_assert(r.assignments[0].deferred);
	ck_assert_uint_eq(r.nshortfalls, 1);
	ck_assert_int_eq(r.shortfalls[0].reason, SCHED_NO_CANDIDATES);
	sched_result_free(&r);
}
END_TEST

START_TEST(bad_input_named)
{
	struct sched_session s[] = {{"A1", "A", 100, 90, 5, true}};
	struct sched_problem p = problem(s, 1, NULL, 0, NULL, 0);
	struct sched_result r;
	char err[160] = "";

	ck_assert_int_eq(sched_solve(&p, &r, err, sizeof err), -1);
	ck_assert_str_eq(err, "sessions[0].end: before its start");
	ck_assert_ptr_null(r.assignments);
}
END_TEST

Suite *suite_schedule(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("greedy");

	tcase_add_test(tc, seats_exhausted);
	tcase_add_test(tc, prerequisites_chained);
	tcase_add_test(tc, prerequisites_passed_go_first);
	tcase_add_test(tc, overlap_refused);
	tcase_add_test(tc, earliest_due_first);
	tcase_add_test(tc, shortfall_reasons);
	tcase_add_test(tc, existing_places_count);
	tcase_add_test(tc, bad_input_named);
	suite_add_tcase(s, tc);
	return s;
}
