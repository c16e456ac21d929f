/*
 * test_readiness.c - the readiness projection (src/plan/readiness.c) on
 * hand-computed cases.
 *
 * The base case: a "battery" target, 2 units of capability, due on day
 * 1100, seen on day 1000.  Per battery it needs 1 radar, 6 launchers and 3
 * people through a course:
 *
 *   radar      received 1 on day 900 (SHP-R1); 1 on SHP-R2, ETA 1050
 *   launchers  received 6 on day 900 (SHP-L1); 6 on SHP-L2, ETA 1080
 *   people     3 graduated on day 800; 3 in session TRS-9 ending 1060
 *
 * Battery 1 takes the first radar, launchers and people: all there by day
 * 900, operational already.  Battery 2 needs the 2nd radar (1050), the
 * 12th launcher (1080) and the 6th person (1060): day 1080, set by SHP-L2.
 */
#include "suites.h"

#include "plan/readiness.h"

#include <limits.h>
#include <string.h>

enum { RADAR, LAUNCHERS, PEOPLE, NNEEDS };

struct base {
	struct ready_event radar[2], launchers[2], people[2];
	struct ready_need needs[NNEEDS];
	struct ready_target t;
};

static void base_init(struct base *b, int launcher_eta)
{
	b->radar[0] = (struct ready_event){900, 1, READY_RECEIVED, false, "SHP-R1"};
	b->radar[1] = (struct ready_event){1050, 1, READY_IN_TRANSIT, false, "SHP-R2"};
	b->launchers[0] = (struct ready_event){900, 6, READY_RECEIVED, false, "SHP-L1"};
	b->launchers[1] = (struct ready_event){launcher_eta, 6, READY_IN_TRANSIT, false, "SHP-L2"};
	b->people[0] = (struct ready_event){800, 3, READY_GRADUATED, false, "ENR-1"};
	b->people[1] = (struct ready_event){1060, 3, READY_PROJECTED, false, "TRS-9"};
	b->needs[RADAR] = (struct ready_need){"AD-PAT-RDR", false, 1, 0, b->radar, 2};
	b->needs[LAUNCHERS] = (struct ready_need){"AD-PAT-LCHR", false, 6, 0, b->launchers, 2};
	b->needs[PEOPLE] = (struct ready_need){"C-PAT-OP", true, 3, 0, b->people, 2};
	b->t = (struct ready_target){2, 1100, 1000, b->needs, NNEEDS};
}

static void project(const struct ready_target *t, struct ready_result *r)
{
	char err[160] = "";

	ck_assert_msg(ready_project(t, r, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(r->nunits, (size_t)t->count);
}

START_TEST(on_time_and_its_critical_path)
{
	struct base b;
	struct ready_result r;

	base_init(&b, 1080);
	project(&b.t, &r);
	/* Battery 1: everything is there; nothing to change. */
	ck_assert_int_eq(r.units[0].k, 1);
	ck_assert_int_eq(r.units[0].day, 900);
	ck_assert(r.units[0].on_time);
	ck_assert_int_eq(r.units[0].need, RADAR);   /* the first of the needs tied on 900 */
	ck_assert_int_eq(r.units[0].action, READY_ACT_NONE);
	/* Battery 2: day 1080, set by the launchers on SHP-L2 (event 1). */
	const struct ready_unit *u = &r.units[1];
	ck_assert_int_eq(u->day, 1080);
	ck_assert(u->on_time);
	ck_assert_int_eq(u->days_late, 0);
	ck_assert_int_eq(u->need, LAUNCHERS);
	ck_assert_int_eq(u->event, 1);
	/* Bringing SHP-L2 forward helps until the people (1060) bind: 20 days. */
	ck_assert_int_eq(u->action, READY_ACT_BRING_FORWARD);
	ck_assert_int_eq(u->days, 20);
	ck_assert_int_eq(u->moves_to, 1060);
	ck_assert_int_eq(u->then_need, PEOPLE);
	ck_assert_int_eq(u->then_event, 1);
	ck_assert_int_eq(r.on_time, 2);
	ck_assert_int_eq(r.last_day, 1080);
	ck_assert_int_eq(r.in_sight[LAUNCHERS], 12);
	ck_assert_int_eq(r.in_sight[PEOPLE], 6);
	ready_result_free(&r);
}
END_TEST

/* The same target with SHP-L2's ETA moved from 1080 to 1130: battery 2
 * moves to 1130, 30 days late, and its critical path names SHP-L2: bring
 * it forward 30 days and the battery meets its date (nothing else binds
 * after 1100).  Battery 1 does not move. */
START_TEST(late_shipment_moves_the_date)
{
	struct base b;
	struct ready_result r;

	base_init(&b, 1130);
	project(&b.t, &r);
	ck_assert_int_eq(r.units[0].day, 900);
	const struct ready_unit *u = &r.units[1];
	ck_assert_int_eq(u->day, 1130);
	ck_assert(!u->on_time);
	ck_assert_int_eq(u->days_late, 30);
	ck_assert_int_eq(u->need, LAUNCHERS);
	ck_assert_int_eq(u->event, 1);
	ck_assert_str_eq(b.needs[u->need].events[u->event].source, "SHP-L2");
	ck_assert_int_eq(u->action, READY_ACT_BRING_FORWARD);
	ck_assert_int_eq(u->days, 30);
	ck_assert_int_eq(u->moves_to, 1100);
	ck_assert_int_eq(u->then_need, -1);   /* the due date itself */
	ck_assert_int_eq(r.on_time, 1);
	ck_assert_int_eq(r.last_day, 1130);
	ready_result_free(&r);
}
END_TEST

/* Late by more than one source: radar SHP-R2 at 1150 and launchers SHP-L2
 * at 1130.  The radar binds; bringing it forward helps only to 1130, where
 * the launchers take over. */
START_TEST(next_binding_need)
{
	struct base b;
	struct ready_result r;

	base_init(&b, 1130);
	b.radar[1].day = 1150;
	project(&b.t, &r);
	const struct ready_unit *u = &r.units[1];
	ck_assert_int_eq(u->day, 1150);
	ck_assert_int_eq(u->need, RADAR);
	ck_assert_int_eq(u->days, 20);
	ck_assert_int_eq(u->moves_to, 1130);
	ck_assert_int_eq(u->then_need, LAUNCHERS);
	ck_assert_int_eq(u->then_event, 1);
	ready_result_free(&r);
}
END_TEST

/* Two launchers' shipments both needed by one battery: moving the later
 * one earlier helps only until the other one (in the same need) binds. */
START_TEST(next_binding_event_of_the_same_need)
{
	struct ready_event ev[3] = {
		{900, 2, READY_RECEIVED, false, "SHP-A"},
		{1120, 2, READY_IN_TRANSIT, false, "SHP-B"},
		{1140, 2, READY_IN_TRANSIT, false, "SHP-C"},
	};
	struct ready_need n = {"AD-PAT-LCHR", false, 6, 0, ev, 3};
	struct ready_target t = {1, 1100, 1000, &n, 1};
	struct ready_result r;

	project(&t, &r);
	ck_assert_int_eq(r.units[0].day, 1140);
	ck_assert_int_eq(r.units[0].event, 2);
	ck_assert_int_eq(r.units[0].days, 20);
	ck_assert_int_eq(r.units[0].moves_to, 1120);
	ck_assert_int_eq(r.units[0].then_need, 0);
	ck_assert_int_eq(r.units[0].then_event, 1);
	ready_result_free(&r);
}
END_TEST

/* Only 9 launchers in sight: battery 2 (12) is never operational; 3 are
 * missing.  Were they found today, it would still wait for the 3 on
 * SHP-L2 (1080), later than the people (1060). */
START_TEST(never_with_the_shortfall)
{
	struct base b;
	struct ready_result r;

	base_init(&b, 1080);
	b.launchers[1].units = 3;
	project(&b.t, &r);
	ck_assert_int_eq(r.units[0].day, 900);
	const struct ready_unit *u = &r.units[1];
	ck_assert_int_eq(u->day, READY_NEVER);
	ck_assert(!u->on_time);
	ck_assert_int_eq(u->need, LAUNCHERS);
	ck_assert_int_eq(u->event, -1);
	ck_assert_int_eq(u->action, READY_ACT_FIND);
	ck_assert_int_eq(u->units, 3);
	ck_assert_int_eq(u->missing[RADAR], 0);
	ck_assert_int_eq(u->missing[LAUNCHERS], 3);
	ck_assert_int_eq(u->missing[PEOPLE], 0);
	ck_assert_int_eq(u->moves_to, 1080);
	ck_assert_int_eq(u->then_need, LAUNCHERS);
	ck_assert_int_eq(u->then_event, 1);
	ck_assert_int_eq(r.on_time, 1);
	ck_assert_int_eq(r.last_day, READY_NEVER);
	ready_result_free(&r);
}
END_TEST

/* Two needs short: the first is the binding one, the second what binds
 * even once it is found. */
START_TEST(never_twice)
{
	struct base b;
	struct ready_result r;

	base_init(&b, 1080);
	b.t.count = 3;
	project(&b.t, &r);
	const struct ready_unit *u = &r.units[2];
	ck_assert_int_eq(u->day, READY_NEVER);
	ck_assert_int_eq(u->need, RADAR);
	ck_assert_int_eq(u->units, 1);
	ck_assert_int_eq(u->missing[LAUNCHERS], 6);
	ck_assert_int_eq(u->missing[PEOPLE], 3);
	ck_assert_int_eq(u->moves_to, READY_NEVER);
	ck_assert_int_eq(u->then_need, LAUNCHERS);
	ready_result_free(&r);
}
END_TEST

/* An earlier target at the same unit takes the first 6 launchers: battery
 * 1 now needs the 12th (SHP-L2, 1080) and battery 2 is short by 6. */
START_TEST(reserved_by_an_earlier_target)
{
	struct base b;
	struct ready_result r;

	base_init(&b, 1080);
	b.needs[LAUNCHERS].reserved = 6;
	project(&b.t, &r);
	ck_assert_int_eq(r.units[0].day, 1080);
	ck_assert_int_eq(r.units[0].need, LAUNCHERS);
	ck_assert_int_eq(r.units[1].day, READY_NEVER);
	ck_assert_int_eq(r.units[1].missing[LAUNCHERS], 6);
	ready_result_free(&r);
}
END_TEST

/* A shipment overdue (ETA 950, not received by 1000) counts from today;
 * what was received on day 900 stays on 900. */
START_TEST(overdue_counts_from_today)
{
	struct ready_event ev[2] = {
		{900, 1, READY_RECEIVED, false, "SHP-A"},
		{950, 1, READY_IN_TRANSIT, false, "SHP-B"},
	};
	struct ready_need n = {"AD-PAT-RDR", false, 1, 0, ev, 2};
	struct ready_target t = {2, 1100, 1000, &n, 1};
	struct ready_result r;

	ck_assert_int_eq(ready_event_day(&t, &ev[0]), 900);
	ck_assert_int_eq(ready_event_day(&t, &ev[1]), 1000);
	project(&t, &r);
	ck_assert_int_eq(r.units[0].day, 900);
	ck_assert_int_eq(r.units[1].day, 1000);
	ck_assert_int_eq(r.units[1].action, READY_ACT_NONE);   /* ready today */
	ready_result_free(&r);
}
END_TEST

/* Two needs tied on the late day: no single source helps. */
START_TEST(tie_needs_both)
{
	struct base b;
	struct ready_result r;

	base_init(&b, 1130);
	b.radar[1].day = 1130;
	project(&b.t, &r);
	const struct ready_unit *u = &r.units[1];
	ck_assert_int_eq(u->day, 1130);
	ck_assert_int_eq(u->need, RADAR);
	ck_assert_int_eq(u->action, READY_ACT_NONE);
	ck_assert_int_eq(u->days, 0);
	ck_assert_int_eq(u->then_need, LAUNCHERS);
	ready_result_free(&r);
}
END_TEST

START_TEST(bad_input_named)
{
	struct base b;
	struct ready_result r;
	char err[160] = "";

	base_init(&b, 1080);
	b.needs[PEOPLE].quantity = 0;
	ck_assert_int_eq(ready_project(&b.t, &r, err, sizeof err), -1);
	ck_assert_str_eq(err, "needs[2].quantity: must be 1 to 1000000000");
	ck_assert_ptr_null(r.units);
	base_init(&b, 1080);
	b.launchers[1].units = 0;
	ck_assert_int_eq(ready_project(&b.t, &r, err, sizeof err), -1);
	ck_assert_str_eq(err, "needs[1].events[1].units: must be 1 to 1000000000000");
	base_init(&b, 1080);
	b.t.count = 0;
	ck_assert_int_eq(ready_project(&b.t, &r, err, sizeof err), -1);
	ck_assert_str_eq(err, "count: must be 1 to 10000");
}
END_TEST

/* No needs: nothing stands in the way. */
START_TEST(no_needs)
{
	struct ready_target t = {1, 1100, 1000, NULL, 0};
	struct ready_result r;

	project(&t, &r);
	ck_assert_int_eq(r.units[0].day, 1000);
	ck_assert_int_eq(r.units[0].need, -1);
	ck_assert(r.units[0].on_time);
	ready_result_free(&r);
}
END_TEST

Suite *suite_readiness(void)
{
	Suite *s = suite_create("readiness");
	TCase *tc = tcase_create("projection");

	tcase_add_test(tc, on_time_and_its_critical_path);
	tcase_add_test(tc, late_shipment_moves_the_date);
	tcase_add_test(tc, next_binding_need);
	tcase_add_test(tc, next_binding_event_of_the_same_need);
	tcase_add_test(tc, never_with_the_shortfall);
	tcase_add_test(tc, never_twice);
	tcase_add_test(tc, reserved_by_an_earlier_target);
	tcase_add_test(tc, overdue_counts_from_today);
	tcase_add_test(tc, tie_needs_both);
	tcase_add_test(tc, bad_input_named);
	tcase_add_test(tc, no_needs);
	suite_add_tcase(s, tc);
	return s;
}
