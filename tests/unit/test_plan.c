/*
 * test_plan.c - the allocation optimiser (src/plan/: plan_problem_from_json,
 * plan_solve, plan_solve_by, plan_result_to_json) on hand-solved cases,
 * bad and degenerate inputs, random problems solved both ways (network
 * simplex and GLPK's simplex on the whole LP), and determinism.
 *
 * Every plan any test gets goes through check_plan, which checks what must
 * hold of every plan whatever the problem (docs/planning.md): flows within
 * supply and demand quantities, the item and donor conditions respected,
 * arrival = departure + the transit of the route's lanes, days late =
 * max(0, arrival - needed-by), lane capacities and hub throughput kept,
 * totals equal to the sums over the flows, on time + late + unmet =
 * demanded, and (for a whole-unit optimum) the objective levels equal to
 * what the flows give.
 *
 * Problems are written in the JSON problem format with ' for " (load()
 * swaps them back), so they read as in the documentation.
 */
#include "suites.h"

#include "plan/plan.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Helpers. ------------------------------------------------------------ */

static json_t *parse(const char *text)
{
	char *s = strdup(text);
	json_error_t je;
	json_t *j;

	ck_assert_ptr_nonnull(s);
	for (char *c = s; *c; c++) {
		if (*c == '\'')
			*c = '"';
	}
	j = json_loads(s, 0, &je);
	ck_assert_msg(j != NULL, "test JSON: %s at line %d col %d", je.text, je.line, je.column);
	free(s);
	return j;
}

static void load(const char *text, struct plan_problem *p)
{
	json_t *j = parse(text);
	char err[256] = "";

	ck_assert_msg(plan_problem_from_json(j, p, err, sizeof err) == 0, "%s", err);
	json_decref(j);
}

/* plan_problem_from_json refuses @text with an error containing @want. */
static void refused(const char *text, const char *want)
{
	json_t *j = parse(text);
	struct plan_problem p;
	char err[256] = "";

	ck_assert_msg(plan_problem_from_json(j, &p, err, sizeof err) < 0,
		      "accepted, expected an error with '%s'", want);
	ck_assert_msg(strstr(err, want) != NULL, "error '%s' does not name '%s'", err, want);
	ck_assert_ptr_null(p.supplies);
	ck_assert_uint_eq(p.nsupplies + p.ndemands + p.nlanes + p.nsites + p.nitems, 0);
	json_decref(j);
}

static const struct plan_lane *lane_of(const struct plan_problem *p, const char *from,
				       const char *to)
{
	for (size_t l = 0; l < p->nlanes; l++) {
		if (strcmp(p->lanes[l].from, from) == 0 && strcmp(p->lanes[l].to, to) == 0)
			return &p->lanes[l];
	}
	return NULL;
}

static const struct plan_item *item_of(const struct plan_problem *p, const char *code)
{
	for (size_t i = 0; i < p->nitems; i++) {
		if (strcmp(p->items[i].code, code) == 0)
			return &p->items[i];
	}
	return NULL;
}

static const struct plan_site *site_of(const struct plan_problem *p, const char *code)
{
	for (size_t i = 0; i < p->nsites; i++) {
		if (strcmp(p->sites[i].code, code) == 0)
			return &p->sites[i];
	}
	return NULL;
}

static bool in_list(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *s = list; *s;) {
		size_t len = strcspn(s, ";");
		if (len == n && strncmp(s, code, n) == 0)
			return true;
		s += len + (s[len] == ';');
	}
	return false;
}

static bool near(double a, double b)
{
	return fabs(a - b) <= 1e-6 * fmax(1, fmax(fabs(a), fabs(b)));
}

#define ck_near(a, b) \
	ck_assert_msg(near((a), (b)), "%s = %.10g, expected %s = %.10g", #a, (double)(a), #b, \
		      (double)(b))

/* Monday-based week of day @day (1970-01-01, day 0, was a Thursday). */
static int week_of(int day)
{
	return (day + 3) / 7;
}

/* What must hold of every plan (see the top of the file). */
static void check_plan(const struct plan_problem *p, const struct plan_result *r)
{
	double *sup = calloc(p->nsupplies + 1, sizeof *sup);
	double *on = calloc(p->ndemands + 1, sizeof *on);
	double *late = calloc(p->ndemands + 1, sizeof *late);
	double *lane = calloc(p->nlanes + 1, sizeof *lane);
	double prio_on[5] = {0}, on_time = 0, nlate = 0, days = 0, cost = 0, demanded = 0;

	ck_assert(sup && on && late && lane);
	ck_assert_ptr_nonnull(r->method);
	ck_assert(strcmp(r->method, "network") == 0 || strcmp(r->method, "simplex") == 0);
	for (size_t i = 0; i < r->nflows; i++) {
		const struct plan_flow *f = &r->flows[i];
		const struct plan_supply *s;
		const struct plan_demand *d;
		const struct plan_item *it;
		const struct plan_lane *l1, *l2 = NULL;
		const char *hub;
		int arrives, due;

		ck_assert_uint_lt(f->supply, p->nsupplies);
		ck_assert_uint_lt(f->demand, p->ndemands);
		ck_assert_int_ge(f->item, 0);
		ck_assert_uint_lt((size_t)f->item, p->nitems);
		s = &p->supplies[f->supply];
		d = &p->demands[f->demand];
		it = &p->items[f->item];
		ck_assert_msg(f->quantity > 0, "flow %zu: quantity %g", i, f->quantity);
		/* What is sent is the supply's item, and what the demand asks. */
		ck_assert_str_eq(it->code, s->item);
		if (d->item[0])
			ck_assert_str_eq(it->code, d->item);
		else
			ck_assert_str_eq(it->group, d->group);
		/* Donor conditions. */
		if (s->only_coalition[0])
			ck_assert_str_eq(s->only_coalition, d->coalition);
		ck_assert_msg(!in_list(s->barred, d->destination), "%s goes to barred %s", s->id,
			      d->destination);
		/* The route: its lanes exist, and the dates follow from them. */
		ck_assert(f->hub >= -1 && f->hub < (int)p->nsites);
		hub = f->hub >= 0 ? p->sites[f->hub].code : NULL;
		if (hub) {
			ck_assert_msg(!in_list(s->barred, hub), "%s passes barred %s", s->id, hub);
			l1 = lane_of(p, s->origin, hub);
			l2 = lane_of(p, hub, d->destination);
			ck_assert_ptr_nonnull(l2);
		} else {
			l1 = lane_of(p, s->origin, d->destination);
		}
		ck_assert_ptr_nonnull(l1);
		ck_assert_int_eq(f->departs, s->available);
		ck_assert_int_ge(f->departs, p->as_of);
		arrives = f->departs + l1->transit_days + (l2 ? l2->transit_days : 0);
		ck_assert_int_eq(f->arrives, arrives);
		due = d->needed_by;
		ck_assert_int_eq(f->days_late, due == PLAN_NO_DATE || arrives <= due ? 0 :
				 arrives - due);
		ck_near(f->cost, f->quantity * (l1->cost + (l2 ? l2->cost : 0)));
		/* Capacities: every lane, and a hub's week (by arrival at it). */
		lane[l1 - p->lanes] += f->quantity;
		if (l2)
			lane[l2 - p->lanes] += f->quantity;
		if (hub && site_of(p, hub)->throughput >= 0 && it->size > 0) {
			int wk = week_of(f->departs + l1->transit_days);
			double used = 0;
			for (size_t k = 0; k < r->nflows; k++) {
				const struct plan_flow *g = &r->flows[k];
				const struct plan_supply *gs = &p->supplies[g->supply];
				const struct plan_lane *gl;
				if (g->hub != f->hub)
					continue;
				gl = lane_of(p, gs->origin, hub);
				if (week_of(g->departs + gl->transit_days) == wk)
					used += g->quantity * p->items[g->item].size;
			}
			ck_assert_msg(used <= 7 * site_of(p, hub)->throughput + 1e-6,
				      "hub %s week %d: %g > %g", hub, wk, used,
				      7 * site_of(p, hub)->throughput);
		}
		sup[f->supply] += f->quantity;
		if (f->days_late) {
			late[f->demand] += f->quantity;
			nlate += f->quantity;
			days += f->quantity * f->days_late;
		} else {
			on[f->demand] += f->quantity;
			on_time += f->quantity;
			prio_on[d->priority] += f->quantity;
		}
		cost += f->cost;
	}
	for (size_t s = 0; s < p->nsupplies; s++)
		ck_assert_msg(sup[s] <= p->supplies[s].quantity + 1e-9, "supply %s: %g of %g",
			      p->supplies[s].id, sup[s], p->supplies[s].quantity);
	for (size_t d = 0; d < p->ndemands; d++) {
		ck_assert_msg(on[d] + late[d] <= p->demands[d].quantity + 1e-9,
			      "demand %s: %g + %g of %g", p->demands[d].id, on[d], late[d],
			      p->demands[d].quantity);
		demanded += p->demands[d].quantity;
	}
	for (size_t l = 0; l < p->nlanes; l++) {
		if (p->lanes[l].capacity >= 0)
			ck_assert_msg(lane[l] <= p->lanes[l].capacity + 1e-6, "lane %s>%s: %g > %g",
				      p->lanes[l].from, p->lanes[l].to, lane[l], p->lanes[l].capacity);
	}
	ck_near(r->on_time, on_time);
	ck_near(r->late, nlate);
	ck_near(r->unit_days_late, days);
	ck_near(r->cost, cost);
	ck_near(r->on_time + r->late + r->unmet, demanded);
	ck_assert(r->horizon_days >= 1);
	/* Explanations: in demand order, for demands short on time only. */
	for (size_t w = 0; w < r->nwhy; w++) {
		ck_assert_uint_lt(r->why[w].demand, p->ndemands);
		ck_assert(w == 0 || r->why[w - 1].demand <= r->why[w].demand);
		ck_assert(on[r->why[w].demand] < p->demands[r->why[w].demand].quantity - 1e-9);
		ck_assert(r->why[w].text[0] != '\0');
	}
	for (size_t d = 0; d < p->ndemands; d++) {
		bool any = false;
		for (size_t w = 0; w < r->nwhy; w++)
			any |= r->why[w].demand == d;
		if (on[d] < p->demands[d].quantity - 1e-9)
			ck_assert_msg(any, "demand %s short without a reason", p->demands[d].id);
	}
	/* A whole-unit optimum: the levels are what the flows give. */
	if (r->integral) {
		for (int k = 1; k <= 4; k++)
			ck_assert_msg(near(r->objective[PLAN_OBJ_P1 + k - 1], prio_on[k]),
				      "P%d: objective %g, flows %g", k,
				      r->objective[PLAN_OBJ_P1 + k - 1], prio_on[k]);
		ck_near(r->objective[PLAN_OBJ_LATENESS], days + r->horizon_days * r->unmet);
		ck_near(r->objective[PLAN_OBJ_COST], cost);
	}
	free(sup);
	free(on);
	free(late);
	free(lane);
}

static void solve_by(const struct plan_problem *p, enum plan_method how, struct plan_result *r)
{
	char err[256] = "";

	ck_assert_msg(plan_solve_by(p, how, r, err, sizeof err) == 0, "%s", err);
	check_plan(p, r);
}

static void solve(const struct plan_problem *p, struct plan_result *r)
{
	solve_by(p, PLAN_AUTO, r);
}

static size_t supply_ix(const struct plan_problem *p, const char *id)
{
	for (size_t i = 0; i < p->nsupplies; i++) {
		if (strcmp(p->supplies[i].id, id) == 0)
			return i;
	}
	ck_abort_msg("no supply %s", id);
	return 0;
}

static size_t demand_ix(const struct plan_problem *p, const char *id)
{
	for (size_t i = 0; i < p->ndemands; i++) {
		if (strcmp(p->demands[i].id, id) == 0)
			return i;
	}
	ck_abort_msg("no demand %s", id);
	return 0;
}

/* Units from supply @s (NULL: any) to demand @d (NULL: any) on route
 * @route (NULL: any; "A > H > X"). */
static double sent(const struct plan_problem *p, const struct plan_result *r, const char *s,
		   const char *d, const char *route)
{
	double q = 0;
	char buf[3 * PLAN_CODE + 8];

	for (size_t i = 0; i < r->nflows; i++) {
		const struct plan_flow *f = &r->flows[i];
		if (s && f->supply != supply_ix(p, s))
			continue;
		if (d && f->demand != demand_ix(p, d))
			continue;
		plan_route(p, f, buf, sizeof buf);
		if (route && strcmp(buf, route) != 0)
			continue;
		q += f->quantity;
	}
	return q;
}

/* Units delivered to demand @d: on time (late false) or late. */
static double delivered(const struct plan_problem *p, const struct plan_result *r,
			const char *d, bool late)
{
	double q = 0;

	for (size_t i = 0; i < r->nflows; i++) {
		if (r->flows[i].demand == demand_ix(p, d) && (r->flows[i].days_late > 0) == late)
			q += r->flows[i].quantity;
	}
	return q;
}

/* The explanation of demand @d with reason @why, or NULL. */
static const struct plan_why *reason(const struct plan_problem *p, const struct plan_result *r,
				     const char *d, enum plan_reason why)
{
	for (size_t w = 0; w < r->nwhy; w++) {
		if (r->why[w].demand == demand_ix(p, d) && r->why[w].reason == why)
			return &r->why[w];
	}
	return NULL;
}

static size_t nreasons(const struct plan_problem *p, const struct plan_result *r, const char *d)
{
	size_t n = 0;

	for (size_t w = 0; w < r->nwhy; w++)
		n += r->why[w].demand == demand_ix(p, d);
	return n;
}

#define ck_reason(p, r, d, why, want) do { \
	const struct plan_why *w_ = reason((p), (r), (d), (why)); \
	ck_assert_msg(w_ != NULL, "demand %s: no reason %s", (d), plan_reason_name(why)); \
	ck_assert_msg(strstr(w_->text, (want)) != NULL, "demand %s, %s: '%s' lacks '%s'", \
		      (d), plan_reason_name(why), w_->text, (want)); \
} while (0)

static char *plan_text(const struct plan_problem *p, const struct plan_result *r)
{
	json_t *j = plan_result_to_json(p, r);
	char *s;

	ck_assert_ptr_nonnull(j);
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	ck_assert_ptr_nonnull(s);
	json_decref(j);
	return s;
}

static void same_objective(const struct plan_result *a, const struct plan_result *b,
			   const char *what)
{
	for (int k = 0; k < PLAN_OBJ__COUNT; k++)
		ck_assert_msg(near(a->objective[k], b->objective[k]),
			      "%s: level %d: %s %.10g, %s %.10g", what, k, a->method,
			      a->objective[k], b->method, b->objective[k]);
}

/* Solve @p both ways: the same objective; @r gets plan_solve's plan. */
static void solve_both(const struct plan_problem *p, struct plan_result *r)
{
	struct plan_result lp;

	solve(p, r);
	solve_by(p, PLAN_SIMPLEX, &lp);
	ck_assert_str_eq(lp.method, "simplex");
	same_objective(r, &lp, "auto vs simplex");
	plan_result_free(&lp);
}

/* ---- 1. Hand-solved cases. ------------------------------------------------ */

static const char TRANSPORT[] =
	"{'lanes': ["
	" {'from': 'A', 'to': 'X', 'cost': 2}, {'from': 'A', 'to': 'Y', 'cost': 4},"
	" {'from': 'A', 'to': 'Z', 'cost': 5}, {'from': 'B', 'to': 'X', 'cost': 3},"
	" {'from': 'B', 'to': 'Y', 'cost': 1}, {'from': 'B', 'to': 'Z', 'cost': 7}],"
	" 'supplies': ["
	" {'id': 'S1', 'item': 'I', 'origin': 'A', 'quantity': 20},"
	" {'id': 'S2', 'item': 'I', 'origin': 'B', 'quantity': 30}],"
	" 'demands': ["
	" {'id': 'D1', 'item': 'I', 'destination': 'X', 'quantity': 10},"
	" {'id': 'D2', 'item': 'I', 'destination': 'Y', 'quantity': 25},"
	" {'id': 'D3', 'item': 'I', 'destination': 'Z', 'quantity': 15}]}";

/*
 * docs/planning.md's transportation problem.  Supply 50 = demand 50, so
 * every unit moves.  Per unit, A is 1 cheaper than B to X, 2 cheaper to Z
 * and 3 dearer to Y: A's 20 go where A saves most, Z (15) then X (5); B
 * takes X 5 and Y 25.  Cost 5*2 + 15*5 + 5*3 + 25*1 = 10+75+15+25 = 125.
 * Unique: the unused cells' reduced costs are A>Y 4-1+3-2 = +4 and B>Z
 * 7-5+2-3 = +1.  No dates: everything is on time, P1 = 50, lateness 0,
 * H = 1.
 */
START_TEST(transportation)
{
	struct plan_problem p;
	struct plan_result r;

	load(TRANSPORT, &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "network");
	ck_assert(r.integral);
	ck_near(r.objective[PLAN_OBJ_COST], 125);
	ck_near(r.cost, 125);
	ck_near(r.objective[PLAN_OBJ_P1], 50);
	ck_near(r.objective[PLAN_OBJ_P2] + r.objective[PLAN_OBJ_P3] + r.objective[PLAN_OBJ_P4], 0);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 0);
	ck_near(r.horizon_days, 1);
	ck_near(r.on_time, 50);
	ck_near(r.unmet, 0);
	ck_near(sent(&p, &r, "S1", "D1", "A > X"), 5);
	ck_near(sent(&p, &r, "S1", "D3", "A > Z"), 15);
	ck_near(sent(&p, &r, "S2", "D1", "B > X"), 5);
	ck_near(sent(&p, &r, "S2", "D2", "B > Y"), 25);
	ck_assert_uint_eq(r.nflows, 4);
	ck_assert_uint_eq(r.nwhy, 0);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * Transshipment: O1 (30) and O2 (20) to D1 (25) and D2 (25) through hubs
 * H1 and H2, no direct lanes.  Lane costs: O1>H1 1, O1>H2 4, O2>H1 2,
 * O2>H2 1, H1>D1 1, H1>D2 3, H2>D1 4, H2>D2 1.  Route costs (best hub):
 *   O1-D1: H1 2, H2 8        O1-D2: H1 4, H2 5
 *   O2-D1: H1 3, H2 5        O2-D2: H1 5, H2 2
 * Transportation on the best: O2 all 20 to D2 (2), O1 25 to D1 (2) and 5
 * to D2 (4): 40 + 50 + 20 = 110.  The exchange O2>D1, O1>D2 instead costs
 * 3 - 2 + 4 - 2 = +3 a unit, so it is the unique optimum; 30 units pass H1.
 */
static const char TRANSSHIP[] =
	"{%s 'lanes': ["
	" {'from': 'O1', 'to': 'H1', 'cost': 1}, {'from': 'O1', 'to': 'H2', 'cost': 4},"
	" {'from': 'O2', 'to': 'H1', 'cost': 2}, {'from': 'O2', 'to': 'H2', 'cost': 1},"
	" {'from': 'H1', 'to': 'D1', 'cost': 1}, {'from': 'H1', 'to': 'D2', 'cost': 3},"
	" {'from': 'H2', 'to': 'D1', 'cost': 4}, {'from': 'H2', 'to': 'D2', 'cost': 1}],"
	" 'supplies': ["
	" {'id': 'S1', 'item': 'I', 'origin': 'O1', 'quantity': 30},"
	" {'id': 'S2', 'item': 'I', 'origin': 'O2', 'quantity': 20}],"
	" 'demands': ["
	" {'id': 'N1', 'item': 'I', 'destination': 'D1', 'quantity': 25},"
	" {'id': 'N2', 'item': 'I', 'destination': 'D2', 'quantity': 25}]}";

START_TEST(transshipment)
{
	char text[2048];
	struct plan_problem p;
	struct plan_result r;

	snprintf(text, sizeof text, TRANSSHIP, "");
	load(text, &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "network");
	ck_near(r.objective[PLAN_OBJ_COST], 110);
	ck_near(r.objective[PLAN_OBJ_P1], 50);
	ck_near(sent(&p, &r, "S1", "N1", "O1 > H1 > D1"), 25);
	ck_near(sent(&p, &r, "S1", "N2", "O1 > H1 > D2"), 5);
	ck_near(sent(&p, &r, "S2", "N2", "O2 > H2 > D2"), 20);
	ck_near(r.unmet, 0);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * The same with H1 handling 2 units a day: 14 in the week (all arrive on
 * 1970-01-01).  The uncapacitated plan passes 30 through H1, so the
 * simplex.  H2 has no limit, so all 50 still arrive (P1 50).  Through H2
 * alone, any assignment costs the same (one hub: c(O1,D1) + c(O2,D2) =
 * 8 + 2 = c(O1,D2) + c(O2,D1) = 5 + 5): 25*8 + 5*5 + 20*2 = 265.  A unit
 * through H1 saves c_H2 - c_H1: O1-D1 6, O2-D1 2, O1-D2 1, O2-D2 none.  The
 * 14 places in H1 go to O1-D1 (25 units want them): 265 - 14*6 = 181.
 * Nobody is short, so nobody is explained.
 */
START_TEST(transshipment_hub_throughput)
{
	char text[2048];
	struct plan_problem p;
	struct plan_result r;

	snprintf(text, sizeof text, TRANSSHIP,
		 "'sites': [{'code': 'O1'}, {'code': 'O2'}, {'code': 'H1', 'throughput_per_day': 2},"
		 " {'code': 'H2'}, {'code': 'D1'}, {'code': 'D2'}],");
	load(text, &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "simplex");
	ck_near(r.objective[PLAN_OBJ_P1], 50);
	ck_near(r.objective[PLAN_OBJ_COST], 181);
	ck_near(r.on_time, 50);
	ck_near(r.cost, 181);
	ck_near(sent(&p, &r, "S1", "N1", "O1 > H1 > D1"), 14);
	ck_near(sent(&p, &r, NULL, NULL, "O1 > H1 > D2") + sent(&p, &r, NULL, NULL, "O2 > H1 > D1") +
		sent(&p, &r, NULL, NULL, "O2 > H1 > D2"), 0);
	ck_assert_uint_eq(r.nwhy, 0);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * A hub's throughput that leaves a demand short on time.  as_of Monday
 * 2024-01-01; S1 (20 at O) to X by 2024-01-03, quantity 10.  Via H1
 * (1 + 1 days) it arrives on 01-03, on time, but H1 takes 1 a day: 7 in
 * the week of 01-01 (arrival at H1 on Tuesday 01-02).  Via H2 (3 + 3
 * days) it arrives on 01-07, 4 days late.  So 7 on time, 3 late by 4:
 * P1 7, lateness 12, cost 10 * 2 = 20.  H = 1 + (latest arrival at a
 * chain, H2 on 01-04) - (earliest leaving day, H2 for 01-03: 12-31) = 5.
 * Why: node_capacity (7 of 7 in the week of 2024-01-01), nothing else.
 */
START_TEST(hub_throughput_reason)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'as_of': '2024-01-01',"
	     " 'sites': [{'code': 'O'}, {'code': 'H1', 'throughput_per_day': 1}, {'code': 'H2'},"
	     "  {'code': 'X'}],"
	     " 'lanes': [{'from': 'O', 'to': 'H1', 'transit_days': 1, 'cost': 1},"
	     "  {'from': 'H1', 'to': 'X', 'transit_days': 1, 'cost': 1},"
	     "  {'from': 'O', 'to': 'H2', 'transit_days': 3, 'cost': 1},"
	     "  {'from': 'H2', 'to': 'X', 'transit_days': 3, 'cost': 1}],"
	     " 'supplies': [{'id': 'S1', 'item': 'I', 'origin': 'O', 'quantity': 20}],"
	     " 'demands': [{'id': 'D1', 'item': 'I', 'destination': 'X', 'quantity': 10,"
	     "  'needed_by': '2024-01-03'}]}", &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "simplex");
	ck_near(r.objective[PLAN_OBJ_P1], 7);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 12);
	ck_near(r.objective[PLAN_OBJ_COST], 20);
	ck_near(r.horizon_days, 5);
	ck_near(sent(&p, &r, "S1", "D1", "O > H1 > X"), 7);
	ck_near(sent(&p, &r, "S1", "D1", "O > H2 > X"), 3);
	ck_near(delivered(&p, &r, "D1", true), 3);
	for (size_t i = 0; i < r.nflows; i++) {
		if (r.flows[i].hub == 2 /* H2 */) {
			ck_assert_int_eq(r.flows[i].days_late, 4);
			ck_assert_int_eq(r.flows[i].arrives, plan_day("2024-01-07"));
		}
	}
	ck_reason(&p, &r, "D1", WHY_NODE_CAPACITY, "node H1 is full in the week of 2024-01-01");
	ck_reason(&p, &r, "D1", WHY_NODE_CAPACITY, "7 of 7 per week");
	ck_assert_uint_eq(nreasons(&p, &r, "D1"), 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * Priorities are lexicographic.  One supply of 10 at O; at X, by the same
 * date, P1 wants 6 and P2 wants 10.  P1 gets 6 on time, P2 the other 4;
 * P2 is short 6, for competition (6 units went to 1 other requirement,
 * of P1).  Arrival 03-03, needed 03-05: H = 1; lateness = 6 unmet * 1.
 */
START_TEST(priorities_lexicographic)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'as_of': '2024-03-01',"
	     " 'lanes': [{'from': 'O', 'to': 'X', 'transit_days': 2, 'cost': 1}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 10}],"
	     " 'demands': ["
	     "  {'id': 'LOW', 'item': 'I', 'destination': 'X', 'quantity': 10, 'priority': 'P2',"
	     "   'needed_by': '2024-03-05'},"
	     "  {'id': 'HIGH', 'item': 'I', 'destination': 'X', 'quantity': 6, 'priority': 'P1',"
	     "   'needed_by': '2024-03-05'}]}", &p);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_P1], 6);
	ck_near(r.objective[PLAN_OBJ_P2], 4);
	ck_near(delivered(&p, &r, "HIGH", false), 6);
	ck_near(delivered(&p, &r, "LOW", false), 4);
	ck_near(r.unmet, 6);
	ck_near(r.horizon_days, 1);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 6);
	ck_assert_uint_eq(nreasons(&p, &r, "HIGH"), 0);
	ck_reason(&p, &r, "LOW", WHY_COMPETITION, "went to 1 other requirement (P1 6, P2 0");
	ck_near(reason(&p, &r, "LOW", WHY_COMPETITION)->units, 6);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * 5 units; P1 needs 1 far away (lane cost 100), P4 needs 5 near (cost 1).
 * The P1 unit goes first whatever it costs: P1 1, P4 4, cost 100 + 4.
 * Priority given as a number works too.
 */
START_TEST(priorities_beat_cost)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'lanes': [{'from': 'O', 'to': 'FAR', 'cost': 100}, {'from': 'O', 'to': 'NEAR', 'cost': 1}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 5}],"
	     " 'demands': ["
	     "  {'id': 'D4', 'item': 'I', 'destination': 'NEAR', 'quantity': 5, 'priority': 4},"
	     "  {'id': 'D1', 'item': 'I', 'destination': 'FAR', 'quantity': 1, 'priority': 'P1'}]}",
	     &p);
	ck_assert_int_eq(p.demands[0].priority, 4);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_P1], 1);
	ck_near(r.objective[PLAN_OBJ_P4], 4);
	ck_near(r.objective[PLAN_OBJ_COST], 104);
	ck_near(sent(&p, &r, "S", "D1", "O > FAR"), 1);
	ck_near(sent(&p, &r, "S", "D4", "O > NEAR"), 4);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * Late beats never.  as_of 2024-01-01; 5 units at O, 4 days to X; X needs 5
 * by 01-03.  They arrive 01-05, 2 days late: P1 0, lateness 5 * 2 = 10, H =
 * 1 + (01-05 - 01-03) = 3.  Why: too_late, the earliest arrival 2024-01-05.
 */
START_TEST(late_rather_than_never)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'as_of': '2024-01-01',"
	     " 'lanes': [{'from': 'O', 'to': 'X', 'transit_days': 4, 'cost': 3}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 5}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 5,"
	     "  'needed_by': '2024-01-03'}]}", &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "network");
	ck_near(r.objective[PLAN_OBJ_P1], 0);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 10);
	ck_near(r.horizon_days, 3);
	ck_assert_uint_eq(r.nflows, 1);
	ck_near(r.flows[0].quantity, 5);
	ck_assert_int_eq(r.flows[0].days_late, 2);
	ck_assert_int_eq(r.flows[0].arrives, plan_day("2024-01-05"));
	ck_near(r.late, 5);
	ck_near(r.unit_days_late, 10);
	ck_reason(&p, &r, "D", WHY_TOO_LATE, "the earliest arrival is 2024-01-05, 2 days late");
	ck_reason(&p, &r, "D", WHY_TOO_LATE, "needed-by date 2024-01-03");
	ck_assert_uint_eq(nreasons(&p, &r, "D"), 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * The shorter delay wins over the cheaper route.  X needs 5 by 01-03
 * (as_of 01-01).  S1 (O1, 5 days, cost 1) arrives 01-06, 3 late; S2 (O2,
 * 3 days, cost 10) arrives 01-04, 1 late.  S2: lateness 5, cost 50.
 * H = 1 + (01-06 - 01-03) = 4.
 */
START_TEST(shorter_delay_wins)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'as_of': '2024-01-01',"
	     " 'lanes': [{'from': 'O1', 'to': 'X', 'transit_days': 5, 'cost': 1},"
	     "  {'from': 'O2', 'to': 'X', 'transit_days': 3, 'cost': 10}],"
	     " 'supplies': [{'id': 'S1', 'item': 'I', 'origin': 'O1', 'quantity': 5},"
	     "  {'id': 'S2', 'item': 'I', 'origin': 'O2', 'quantity': 5}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 5,"
	     "  'needed_by': '2024-01-03'}]}", &p);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 5);
	ck_near(r.objective[PLAN_OBJ_COST], 50);
	ck_near(r.horizon_days, 4);
	ck_near(sent(&p, &r, "S2", "D", NULL), 5);
	ck_near(sent(&p, &r, "S1", NULL, NULL), 0);
	ck_assert_uint_eq(r.nflows, 1);
	ck_assert_int_eq(r.flows[0].days_late, 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * Lateness = unit-days + H * unmet.  X needs 10 by 01-03; only 4 units,
 * arriving 01-05 (2 late).  H = 1 + 2 = 3: lateness 4*2 + 6*3 = 26.
 */
START_TEST(lateness_counts_unmet_at_horizon)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'as_of': '2024-01-01',"
	     " 'lanes': [{'from': 'O', 'to': 'X', 'transit_days': 4}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 4}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 10,"
	     "  'needed_by': '2024-01-03'}]}", &p);
	solve_both(&p, &r);
	ck_near(r.horizon_days, 3);
	ck_near(r.unit_days_late, 8);
	ck_near(r.unmet, 6);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 26);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * A demand for group G takes any item of G: R1 (3 at O1, cost 1) and R2
 * (4 at O2, cost 2); Z (10 at O1, cost 1) is of group H and is not taken.
 * 6 wanted: R1's 3 (3) and 3 of R2 (6), cost 9.
 */
START_TEST(substitution_group)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'items': [{'code': 'R1', 'group': 'G'}, {'code': 'R2', 'group': 'G'},"
	     "  {'code': 'Z', 'group': 'H'}],"
	     " 'lanes': [{'from': 'O1', 'to': 'X', 'cost': 1}, {'from': 'O2', 'to': 'X', 'cost': 2}],"
	     " 'supplies': [{'id': 'S1', 'item': 'R1', 'origin': 'O1', 'quantity': 3},"
	     "  {'id': 'S2', 'item': 'R2', 'origin': 'O2', 'quantity': 4},"
	     "  {'id': 'S3', 'item': 'Z', 'origin': 'O1', 'quantity': 10}],"
	     " 'demands': [{'id': 'D', 'group': 'G', 'destination': 'X', 'quantity': 6}]}", &p);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_P1], 6);
	ck_near(r.objective[PLAN_OBJ_COST], 9);
	ck_near(sent(&p, &r, "S1", "D", NULL), 3);
	ck_near(sent(&p, &r, "S2", "D", NULL), 3);
	ck_near(sent(&p, &r, "S3", NULL, NULL), 0);
	plan_result_free(&r);
	plan_problem_free(&p);

	/*
	 * A demand for item R2 alongside takes R2 only.  7 units of G for 8
	 * wanted (DR 2, D 6, both P1): all 7 go, on time, cost 3*1 + 4*2 = 11;
	 * DR gets no R1 (check_plan checks every flow's item).
	 */
	load("{'items': [{'code': 'R1', 'group': 'G'}, {'code': 'R2', 'group': 'G'}],"
	     " 'lanes': [{'from': 'O1', 'to': 'X', 'cost': 1}, {'from': 'O2', 'to': 'X', 'cost': 2}],"
	     " 'supplies': [{'id': 'S1', 'item': 'R1', 'origin': 'O1', 'quantity': 3},"
	     "  {'id': 'S2', 'item': 'R2', 'origin': 'O2', 'quantity': 4}],"
	     " 'demands': [{'id': 'D', 'group': 'G', 'destination': 'X', 'quantity': 6},"
	     "  {'id': 'DR', 'item': 'R2', 'destination': 'X', 'quantity': 2}]}", &p);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_P1], 7);
	ck_near(r.objective[PLAN_OBJ_COST], 11);
	ck_near(sent(&p, &r, "S1", "DR", NULL), 0);
	ck_assert(sent(&p, &r, "S2", "DR", NULL) >= 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * only_coalition: S (5, only for NORTH).  SOUTH's P1 demand of 5 may not
 * have it; NORTH's P4 demand of 3 gets 3.  SOUTH: donor_condition, 5 units.
 */
START_TEST(donor_only_coalition)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'lanes': [{'from': 'O', 'to': 'X', 'cost': 1}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 5,"
	     "  'only_coalition': 'NORTH'}],"
	     " 'demands': ["
	     "  {'id': 'SOUTH1', 'item': 'I', 'destination': 'X', 'quantity': 5, 'coalition': 'SOUTH'},"
	     "  {'id': 'NONE1', 'item': 'I', 'destination': 'X', 'quantity': 2},"
	     "  {'id': 'NORTH1', 'item': 'I', 'destination': 'X', 'quantity': 3, 'priority': 'P4',"
	     "   'coalition': 'NORTH'}]}", &p);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_P1], 0);
	ck_near(r.objective[PLAN_OBJ_P4], 3);
	ck_near(sent(&p, &r, "S", "NORTH1", NULL), 3);
	ck_near(sent(&p, &r, NULL, "SOUTH1", NULL), 0);
	ck_near(sent(&p, &r, NULL, "NONE1", NULL), 0);
	ck_reason(&p, &r, "SOUTH1", WHY_DONOR_CONDITION, "S is only for coalition NORTH");
	ck_near(reason(&p, &r, "SOUTH1", WHY_DONOR_CONDITION)->units, 5);
	ck_reason(&p, &r, "NONE1", WHY_DONOR_CONDITION, "only for coalition NORTH");
	ck_assert_uint_eq(nreasons(&p, &r, "SOUTH1"), 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * A barred hub: S1 (5) must not pass H1, the cheap hub (1 + 1); H2 costs
 * 5 + 5.  S2 (2, no conditions) takes H1.  X wants 7: S2 via H1 2*2 = 4,
 * S1 via H2 5*10 = 50, cost 54.
 */
START_TEST(donor_barred_hub)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'lanes': [{'from': 'O', 'to': 'H1', 'cost': 1}, {'from': 'H1', 'to': 'X', 'cost': 1},"
	     "  {'from': 'O', 'to': 'H2', 'cost': 5}, {'from': 'H2', 'to': 'X', 'cost': 5}],"
	     " 'supplies': [{'id': 'S1', 'item': 'I', 'origin': 'O', 'quantity': 5,"
	     "  'barred': ['H1']},"
	     "  {'id': 'S2', 'item': 'I', 'origin': 'O', 'quantity': 2}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 7}]}", &p);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_P1], 7);
	ck_near(r.objective[PLAN_OBJ_COST], 54);
	ck_near(sent(&p, &r, "S1", "D", "O > H2 > X"), 5);
	ck_near(sent(&p, &r, "S2", "D", "O > H1 > X"), 2);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * A barred destination: S (5) must not go to X.  X's P1 demand gets
 * nothing (donor_condition: S must not go to X); Y's P4 demand gets 5.
 */
START_TEST(donor_barred_destination)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'lanes': [{'from': 'O', 'to': 'X'}, {'from': 'O', 'to': 'Y', 'cost': 9}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 5,"
	     "  'barred': ['X']}],"
	     " 'demands': [{'id': 'DX', 'item': 'I', 'destination': 'X', 'quantity': 5},"
	     "  {'id': 'DY', 'item': 'I', 'destination': 'Y', 'quantity': 5, 'priority': 4}]}", &p);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_P1], 0);
	ck_near(r.objective[PLAN_OBJ_P4], 5);
	ck_near(sent(&p, &r, "S", "DY", NULL), 5);
	ck_reason(&p, &r, "DX", WHY_DONOR_CONDITION, "S must not go to X");
	ck_assert_uint_eq(nreasons(&p, &r, "DX"), 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * A lane capacity that binds.  X needs 10 by 01-02 (as_of 01-01).  O > X
 * (1 day, cost 1) carries at most 4; O > H > X (1 + 2 days, cost 1 + 1)
 * arrives 01-04, 2 late.  4 on time, 6 late: P1 4, lateness 12, cost
 * 4 + 12 = 16.  Why: lane_capacity (O > X full, 4 of 4).
 */
START_TEST(lane_capacity_binds)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'as_of': '2024-01-01',"
	     " 'lanes': [{'from': 'O', 'to': 'X', 'transit_days': 1, 'cost': 1, 'capacity': 4},"
	     "  {'from': 'O', 'to': 'H', 'transit_days': 1, 'cost': 1},"
	     "  {'from': 'H', 'to': 'X', 'transit_days': 2, 'cost': 1}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 10}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 10,"
	     "  'needed_by': '2024-01-02'}]}", &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "simplex");
	ck_near(r.objective[PLAN_OBJ_P1], 4);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 12);
	ck_near(r.objective[PLAN_OBJ_COST], 16);
	ck_near(sent(&p, &r, "S", "D", "O > X"), 4);
	ck_near(sent(&p, &r, "S", "D", "O > H > X"), 6);
	ck_reason(&p, &r, "D", WHY_LANE_CAPACITY, "lane O > X is full (4 of 4 units)");
	ck_assert_uint_eq(nreasons(&p, &r, "D"), 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/* A capacity on the second lane (hub to destination): the same limit. */
START_TEST(lane_capacity_second_lane)
{
	struct plan_problem p;
	struct plan_result r;

	/* O > H1 > X (cost 2, limit 3 on H1 > X), O > H2 > X (cost 6): 8 to
	 * X, all on time: 3 * 2 + 5 * 6 = 36. */
	load("{'lanes': [{'from': 'O', 'to': 'H1', 'cost': 1},"
	     "  {'from': 'H1', 'to': 'X', 'cost': 1, 'capacity': 3},"
	     "  {'from': 'O', 'to': 'H2', 'cost': 3}, {'from': 'H2', 'to': 'X', 'cost': 3}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 10}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 8}]}", &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "simplex");
	ck_near(r.objective[PLAN_OBJ_COST], 36);
	ck_near(sent(&p, &r, "S", "D", "O > H1 > X"), 3);
	ck_near(sent(&p, &r, "S", "D", "O > H2 > X"), 5);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * No route, no supply, too late, each alone: supply at O with a lane to
 * Y only (X: no_route, 5 units, S from O); a demand for an item nobody
 * offers and one for a group without items (no_supply).
 */
START_TEST(reasons_no_route_no_supply)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'lanes': [{'from': 'O', 'to': 'Y'}, {'from': 'Q', 'to': 'X'}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 5}],"
	     " 'demands': [{'id': 'DX', 'item': 'I', 'destination': 'X', 'quantity': 3},"
	     "  {'id': 'DN', 'item': 'NONE', 'destination': 'Y', 'quantity': 2},"
	     "  {'id': 'DG', 'group': 'G2', 'destination': 'Y', 'quantity': 2}]}", &p);
	solve_both(&p, &r);
	ck_assert_uint_eq(r.nflows, 0);
	ck_near(r.unmet, 7);
	ck_reason(&p, &r, "DX", WHY_NO_ROUTE, "5 units have no route to X, e.g. S from O");
	ck_near(reason(&p, &r, "DX", WHY_NO_ROUTE)->units, 5);
	ck_assert_uint_eq(nreasons(&p, &r, "DX"), 1);
	ck_reason(&p, &r, "DN", WHY_NO_SUPPLY, "no pledge offers item NONE");
	ck_assert_uint_eq(nreasons(&p, &r, "DN"), 1);
	ck_reason(&p, &r, "DG", WHY_NO_SUPPLY, "no pledge offers any item of group G2");
	ck_assert_uint_eq(nreasons(&p, &r, "DG"), 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * A fractional optimum.  Item I weighs 2 t; H takes 1 t a day, 7 t a
 * week: 3.5 units.  The LP sends 3.5 (P1 3.5, not integral).  The flow
 * is the LP's reading, within the throughput; svc/ rounds the proposed
 * allocations down to whole units (docs/planning.md), so 3 or 3.5 here.
 */
START_TEST(fractional_optimum)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'items': [{'code': 'I', 'size': 2}],"
	     " 'sites': [{'code': 'O'}, {'code': 'H', 'throughput_per_day': 1}, {'code': 'X'}],"
	     " 'lanes': [{'from': 'O', 'to': 'H'}, {'from': 'H', 'to': 'X'}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 10}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 10}]}", &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "simplex");
	ck_assert(!r.integral);
	ck_near(r.objective[PLAN_OBJ_P1], 3.5);
	ck_assert_uint_eq(r.nflows, 1);
	ck_assert(r.flows[0].quantity >= 3 - 1e-9 && r.flows[0].quantity <= 3.5 + 1e-9);
	ck_near(r.on_time + r.unmet, 10);
	ck_reason(&p, &r, "D", WHY_NODE_CAPACITY, "node H is full");
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * A site's throughput counts the units its route's first lane brings
 * (docs/planning.md: the hub, or the destination of a one-lane route).
 * X takes 1 a day, 7 in the week; 20 at O, all leaving on 1970-01-01.
 * Straight over O > X only 7 can arrive.  Through the hub H (no limit),
 * X is the end of the second lane and does not limit them: all 20 arrive.
 */
START_TEST(throughput_counts_where_the_first_lane_ends)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'sites': [{'code': 'O'}, {'code': 'H'}, {'code': 'X', 'throughput_per_day': 1}],"
	     " 'lanes': [{'from': 'O', 'to': 'X'}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 20}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 20}]}", &p);
	solve_both(&p, &r);
	ck_near(r.on_time, 7);
	plan_result_free(&r);
	plan_problem_free(&p);

	load("{'sites': [{'code': 'O'}, {'code': 'H'}, {'code': 'X', 'throughput_per_day': 1}],"
	     " 'lanes': [{'from': 'O', 'to': 'H'}, {'from': 'H', 'to': 'X'}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 20}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 20}]}", &p);
	solve_both(&p, &r);
	ck_near(r.on_time, 20);
	ck_assert_str_eq(r.method, "network");
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * Node weeks run Monday to Sunday, by the day units arrive.  H takes 1 a
 * day (7 a week); 7 units reach it on Sunday 2024-01-07 and 7 on Monday
 * 01-08: two weeks, all 14 pass (within the limit: the network).  With
 * the second 7 on Saturday 01-06 instead, both are in the week of 01-01
 * and only 7 pass; X is short 7 for node_capacity.
 */
START_TEST(hub_throughput_weeks)
{
	static const char text[] =
		"{'as_of': '2024-01-01',"
		" 'sites': [{'code': 'O'}, {'code': 'H', 'throughput_per_day': 1}, {'code': 'X'}],"
		" 'lanes': [{'from': 'O', 'to': 'H'}, {'from': 'H', 'to': 'X', 'transit_days': 2}],"
		" 'supplies': [{'id': 'S1', 'item': 'I', 'origin': 'O', 'quantity': 7,"
		"  'available': '2024-01-07'},"
		"  {'id': 'S2', 'item': 'I', 'origin': 'O', 'quantity': 7, 'available': '%s'}],"
		" 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 14}]}";
	char buf[1024];
	struct plan_problem p;
	struct plan_result r;

	snprintf(buf, sizeof buf, text, "2024-01-08");
	load(buf, &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "network");
	ck_near(r.on_time, 14);
	plan_result_free(&r);
	plan_problem_free(&p);

	snprintf(buf, sizeof buf, text, "2024-01-06");
	load(buf, &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "simplex");
	ck_near(r.on_time, 7);
	ck_near(r.unmet, 7);
	ck_reason(&p, &r, "D", WHY_NODE_CAPACITY, "node H is full in the week of 2024-01-01 (7 of 7");
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * Throughput is counted in item size.  H handles 5 t a day, 35 t a week:
 * 14 units of W (2.5 t each) of the 20 wanted; Z weighs nothing and all
 * 30 pass.  DW is short 6 for node_capacity (35 of 35).
 */
START_TEST(hub_throughput_sizes)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'items': [{'code': 'W', 'size': 2.5}, {'code': 'Z', 'size': 0}],"
	     " 'sites': [{'code': 'O'}, {'code': 'H', 'throughput_per_day': 5}, {'code': 'X'}],"
	     " 'lanes': [{'from': 'O', 'to': 'H'}, {'from': 'H', 'to': 'X'}],"
	     " 'supplies': [{'id': 'SW', 'item': 'W', 'origin': 'O', 'quantity': 20},"
	     "  {'id': 'SZ', 'item': 'Z', 'origin': 'O', 'quantity': 30}],"
	     " 'demands': [{'id': 'DW', 'item': 'W', 'destination': 'X', 'quantity': 20},"
	     "  {'id': 'DZ', 'item': 'Z', 'destination': 'X', 'quantity': 30}]}", &p);
	solve_both(&p, &r);
	ck_assert(r.integral);
	ck_near(delivered(&p, &r, "DW", false), 14);
	ck_near(delivered(&p, &r, "DZ", false), 30);
	ck_reason(&p, &r, "DW", WHY_NODE_CAPACITY, "(35 of 35 per week)");
	ck_assert_uint_eq(nreasons(&p, &r, "DZ"), 0);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * The on-time level of P2 comes before lateness: 5 units arrive at X on
 * 01-05 (as_of 01-01, 4 days).  P1 wants them by 01-03 (2 days late), P2
 * by 01-06 (on time).  P2 gets them; P1 none (too_late, earliest
 * 2024-01-05).  H = 1 + (01-05 - 01-03) = 3: lateness 5 * 3 = 15.
 */
START_TEST(on_time_p2_before_late_p1)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'as_of': '2024-01-01',"
	     " 'lanes': [{'from': 'O', 'to': 'X', 'transit_days': 4}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 5}],"
	     " 'demands': [{'id': 'A1', 'item': 'I', 'destination': 'X', 'quantity': 5,"
	     "  'needed_by': '2024-01-03'},"
	     "  {'id': 'B2', 'item': 'I', 'destination': 'X', 'quantity': 5, 'priority': 'P2',"
	     "  'needed_by': '2024-01-06'}]}", &p);
	solve_both(&p, &r);
	ck_near(r.objective[PLAN_OBJ_P1], 0);
	ck_near(r.objective[PLAN_OBJ_P2], 5);
	ck_near(r.horizon_days, 3);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 15);
	ck_near(delivered(&p, &r, "B2", false), 5);
	ck_near(sent(&p, &r, NULL, "A1", NULL), 0);
	ck_reason(&p, &r, "A1", WHY_TOO_LATE, "the earliest arrival is 2024-01-05");
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * The network path's objective at the reader's limits: 1e12 units over a
 * lane of 1e9 EUR a unit cost 1e21 EUR (the simplex says so, and so do the
 * flows).  In cents that is 1e23, beyond 64-bit integers.
 */
START_TEST(bug_network_cost_overflow)
{
	struct plan_problem p;
	struct plan_result r, lp;
	char err[256] = "";

	load("{'lanes': [{'from': 'A', 'to': 'X', 'cost': 1e9}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'A', 'quantity': 1e12}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 1e12}]}", &p);
	solve_by(&p, PLAN_SIMPLEX, &lp);
	ck_near(lp.objective[PLAN_OBJ_COST], 1e21);
	ck_assert_msg(plan_solve(&p, &r, err, sizeof err) == 0, "%s", err);
	ck_near(r.cost, 1e21);
	ck_assert_msg(near(r.objective[PLAN_OBJ_COST], 1e21), "%s: cost objective %.17g, "
		      "expected 1e21", r.method, r.objective[PLAN_OBJ_COST]);
	plan_result_free(&r);
	plan_result_free(&lp);
	plan_problem_free(&p);
}
END_TEST

/* ---- 2. Degenerate and bad inputs. ---------------------------------------- */

/* No supplies: everything unmet (no_supply).  No demands: nothing to do. */
START_TEST(empty_sides)
{
	struct plan_problem p;
	struct plan_result r;
	char *a;

	load("{'lanes': [], 'supplies': [],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 4}]}", &p);
	solve_both(&p, &r);
	ck_assert_uint_eq(r.nflows, 0);
	ck_near(r.unmet, 4);
	ck_near(r.objective[PLAN_OBJ_P1], 0);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 4 * r.horizon_days);
	ck_reason(&p, &r, "D", WHY_NO_SUPPLY, "no pledge offers item I");
	a = plan_text(&p, &r);
	ck_assert_ptr_nonnull(strstr(a, "\"unmet\":4"));
	free(a);
	plan_result_free(&r);
	plan_problem_free(&p);

	load("{'lanes': [{'from': 'O', 'to': 'X', 'cost': 3}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 4}],"
	     " 'demands': []}", &p);
	solve_both(&p, &r);
	ck_assert_uint_eq(r.nflows, 0);
	ck_assert_uint_eq(r.nwhy, 0);
	for (int k = 0; k < PLAN_OBJ__COUNT; k++)
		ck_near(r.objective[k], 0);
	ck_near(r.on_time + r.late + r.unmet, 0);
	plan_result_free(&r);
	plan_problem_free(&p);

	load("{'lanes': [], 'supplies': [], 'demands': []}", &p);
	solve_both(&p, &r);
	ck_assert_uint_eq(r.nflows + r.nwhy, 0);
	a = plan_text(&p, &r);
	free(a);
	plan_result_free(&r);
	plan_problem_free(&p);

	/* Zero quantities: nothing to send, nothing short. */
	load("{'lanes': [{'from': 'O', 'to': 'X'}],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 0}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 0}]}", &p);
	solve_both(&p, &r);
	ck_assert_uint_eq(r.nflows + r.nwhy, 0);
	ck_near(r.unmet, 0);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/*
 * Zero cost and zero transit everywhere: any plan that delivers is
 * optimal.  Three supplies of 5 for 6 at X and 4 at Y: all 10 delivered,
 * cost 0; the same plan every time, and the same objective both ways.
 */
START_TEST(zero_cost_ties)
{
	static const char text[] =
		"{'lanes': [{'from': 'A', 'to': 'X'}, {'from': 'A', 'to': 'Y'},"
		"  {'from': 'B', 'to': 'X'}, {'from': 'B', 'to': 'Y'}, {'from': 'C', 'to': 'X'},"
		"  {'from': 'C', 'to': 'Y'}, {'from': 'A', 'to': 'H'}, {'from': 'H', 'to': 'X'},"
		"  {'from': 'H', 'to': 'Y'}],"
		" 'supplies': [{'id': 'SA', 'item': 'I', 'origin': 'A', 'quantity': 5},"
		"  {'id': 'SB', 'item': 'I', 'origin': 'B', 'quantity': 5},"
		"  {'id': 'SC', 'item': 'I', 'origin': 'C', 'quantity': 5}],"
		" 'demands': [{'id': 'DX', 'item': 'I', 'destination': 'X', 'quantity': 6},"
		"  {'id': 'DY', 'item': 'I', 'destination': 'Y', 'quantity': 4}]}";
	struct plan_problem p;
	struct plan_result r, r2;
	char *a, *b;

	load(text, &p);
	solve_both(&p, &r);
	ck_assert_str_eq(r.method, "network");
	ck_near(r.on_time, 10);
	ck_near(r.cost, 0);
	ck_near(delivered(&p, &r, "DX", false), 6);
	ck_near(delivered(&p, &r, "DY", false), 4);
	solve(&p, &r2);
	a = plan_text(&p, &r);
	b = plan_text(&p, &r2);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	plan_result_free(&r);
	plan_result_free(&r2);
	plan_problem_free(&p);
}
END_TEST

/* A demand of 100 against 30 in all: 30 delivered, 70 unmet, and the
 * explanation says why (all on-time supply is its own: no competition,
 * so the catch-all reason). */
START_TEST(demand_exceeds_supply)
{
	struct plan_problem p;
	struct plan_result r;

	load("{'lanes': [{'from': 'O', 'to': 'X', 'cost': 2}, {'from': 'P', 'to': 'X', 'cost': 1}],"
	     " 'supplies': [{'id': 'S1', 'item': 'I', 'origin': 'O', 'quantity': 10},"
	     "  {'id': 'S2', 'item': 'I', 'origin': 'P', 'quantity': 20}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 100}]}", &p);
	solve_both(&p, &r);
	ck_near(r.on_time, 30);
	ck_near(r.unmet, 70);
	ck_near(r.objective[PLAN_OBJ_COST], 40);
	ck_near(r.objective[PLAN_OBJ_LATENESS], 70 * r.horizon_days);
	ck_assert_uint_ge(nreasons(&p, &r, "D"), 1);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

/* Two lanes A > X: plan_solve refuses the problem, naming the lane. */
START_TEST(duplicate_lane)
{
	struct plan_problem p;
	struct plan_result r;
	char err[256] = "";
	json_t *j = parse("{'lanes': [{'from': 'A', 'to': 'X', 'cost': 1}, {'from': 'B', 'to': 'X'},"
			  "  {'from': 'A', 'to': 'X', 'cost': 2}],"
			  " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'A', 'quantity': 1}],"
			  " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 1}]}");
	int rc = plan_problem_from_json(j, &p, err, sizeof err);

	json_decref(j);
	if (rc == 0) {
		rc = plan_solve(&p, &r, err, sizeof err);
		plan_problem_free(&p);
	}
	ck_assert_int_lt(rc, 0);
	ck_assert_msg(strstr(err, "lanes[2]: a second lane from A to X"), "%s", err);
}
END_TEST

START_TEST(duplicate_codes)
{
	refused("{'sites': [{'code': 'A'}, {'code': 'X'}, {'code': 'A'}],"
		" 'lanes': [{'from': 'A', 'to': 'X'}], 'supplies': [], 'demands': []}",
		"sites: a site is listed twice");
	refused("{'items': [{'code': 'I'}, {'code': 'I', 'size': 2}],"
		" 'lanes': [{'from': 'A', 'to': 'X'}], 'supplies': [], 'demands': []}",
		"items: an item is listed twice");
}
END_TEST

#define LANE "{'from': 'O', 'to': 'X'}"
#define SUP "{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 1}"
#define DEM "{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 1}"

START_TEST(bad_members)
{
	/* Unknown members, at every level. */
	refused("{'lanes': [" LANE "], 'supplies': [], 'demands': [], 'asof': '2024-01-01'}",
		"problem.asof: unknown member");
	refused("{'lanes': [{'from': 'O', 'to': 'X', 'capcity': 3}], 'supplies': [], 'demands': []}",
		"lanes[0].capcity: unknown member");
	refused("{'lanes': [" LANE "], 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O',"
		" 'quantity': 1, 'coalition': 'N'}], 'demands': []}",
		"supplies[0].coalition: unknown member");
	refused("{'lanes': [" LANE "], 'supplies': [], 'demands': [" DEM ", {'id': 'D2', 'item': 'I',"
		" 'destination': 'X', 'quantity': 1, 'due': '2024-01-01'}]}",
		"demands[1].due: unknown member");
	refused("{'sites': [{'code': 'O', 'throughput': 3}, {'code': 'X'}], 'lanes': [" LANE "],"
		" 'supplies': [], 'demands': []}", "sites[0].throughput: unknown member");
	/* Required members. */
	refused("{'supplies': [], 'demands': []}", "lanes: is required");
	refused("{'lanes': [], 'demands': []}", "supplies: is required");
	refused("{'lanes': [], 'supplies': []}", "demands: is required");
	refused("{'lanes': [{'from': 'O'}], 'supplies': [], 'demands': []}", "lanes[0].to: is required");
	refused("{'lanes': [" LANE "], 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O'}],"
		" 'demands': []}", "supplies[0].quantity: is required");
	/* Numbers out of range. */
	refused("{'lanes': [" LANE "], 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O',"
		" 'quantity': -1}], 'demands': []}", "supplies[0].quantity");
	refused("{'lanes': [" LANE "], 'supplies': [], 'demands': [{'id': 'D', 'item': 'I',"
		" 'destination': 'X', 'quantity': -0.5}]}", "demands[0].quantity");
	refused("{'lanes': [{'from': 'O', 'to': 'X', 'cost': -2}], 'supplies': [], 'demands': []}",
		"lanes[0].cost");
	refused("{'lanes': [{'from': 'O', 'to': 'X', 'transit_days': 1.5}], 'supplies': [],"
		" 'demands': []}", "lanes[0].transit_days: must be a whole number");
	refused("{'lanes': [{'from': 'O', 'to': 'X', 'capacity': '5'}], 'supplies': [],"
		" 'demands': []}", "lanes[0].capacity: must be a number");
	refused("{'lanes': [{'from': 'O', 'to': 'O'}], 'supplies': [], 'demands': []}",
		"lanes[0].to: must differ from from");
	/* Dates. */
	refused("{'lanes': [" LANE "], 'supplies': [], 'demands': [{'id': 'D', 'item': 'I',"
		" 'destination': 'X', 'quantity': 1, 'needed_by': '2024-02-30'}]}",
		"demands[0].needed_by: must be a date");
	refused("{'lanes': [" LANE "], 'supplies': [], 'demands': [{'id': 'D', 'item': 'I',"
		" 'destination': 'X', 'quantity': 1, 'needed_by': '2023-02-29'}]}",
		"demands[0].needed_by");
	refused("{'lanes': [" LANE "], 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O',"
		" 'quantity': 1, 'available': '24-01-01'}], 'demands': []}", "supplies[0].available");
	refused("{'as_of': '2024-1-1', 'lanes': [], 'supplies': [], 'demands': []}", "problem.as_of");
	/* Priority. */
	refused("{'lanes': [" LANE "], 'supplies': [], 'demands': [{'id': 'D', 'item': 'I',"
		" 'destination': 'X', 'quantity': 1, 'priority': 'P5'}]}",
		"demands[0].priority: must be P1, P2, P3 or P4");
	refused("{'lanes': [" LANE "], 'supplies': [], 'demands': [{'id': 'D', 'item': 'I',"
		" 'destination': 'X', 'quantity': 1, 'priority': 0}]}", "demands[0].priority");
	/* Item and group: exactly one. */
	refused("{'items': [{'code': 'I', 'group': 'G'}], 'lanes': [" LANE "], 'supplies': [],"
		" 'demands': [{'id': 'D', 'item': 'I', 'group': 'G', 'destination': 'X',"
		" 'quantity': 1}]}", "demands[0].item: give exactly one of item and group");
	refused("{'lanes': [" LANE "], 'supplies': [], 'demands': [{'id': 'D', 'destination': 'X',"
		" 'quantity': 1}]}", "demands[0].item: give exactly one");
	/* Codes missing from lists that are given. */
	refused("{'items': [{'code': 'J'}], 'lanes': [" LANE "], 'supplies': [" SUP "],"
		" 'demands': []}", "supplies[0].item: no item 'I'");
	refused("{'items': [{'code': 'I'}], 'lanes': [" LANE "], 'supplies': [" SUP "],"
		" 'demands': [{'id': 'D', 'item': 'K', 'destination': 'X', 'quantity': 1}]}",
		"demands[0].item: no item 'K'");
	refused("{'sites': [{'code': 'O'}], 'lanes': [" LANE "], 'supplies': [], 'demands': []}",
		"lanes[0].to: no site 'X'");
	refused("{'sites': [{'code': 'O'}, {'code': 'X'}], 'lanes': [" LANE "],"
		" 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'P', 'quantity': 1}], 'demands': []}",
		"supplies[0].origin: no site 'P'");
	/* Types and codes. */
	refused("[]", "must be a JSON object");
	refused("{'lanes': {}, 'supplies': [], 'demands': []}", "lanes: must be an array");
	refused("{'lanes': [" LANE "], 'supplies': [{'id': 'S 1', 'item': 'I', 'origin': 'O',"
		" 'quantity': 1}], 'demands': []}", "supplies[0].id");
	refused("{'lanes': [" LANE "], 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O',"
		" 'quantity': 1, 'barred': 'X'}], 'demands': []}", "supplies[0].barred");
	refused("{'lanes': [" LANE "], 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O',"
		" 'quantity': 1, 'barred': ['X', 3]}], 'demands': []}", "supplies[0].barred[1]");
}
END_TEST

/* What the reader accepts: priorities as numbers, no date (always on
 * time), supply before as_of leaves on as_of, implied sites and items. */
START_TEST(good_members)
{
	struct plan_problem p;

	load("{'as_of': '2024-05-10', 'lanes': [" LANE "],"
	     " 'supplies': [{'id': 'S', 'item': 'I', 'origin': 'O', 'quantity': 1,"
	     "  'available': '2024-05-01'}],"
	     " 'demands': [{'id': 'D', 'item': 'I', 'destination': 'X', 'quantity': 1, 'priority': 3}]}",
	     &p);
	ck_assert_int_eq(p.as_of, plan_day("2024-05-10"));
	ck_assert_int_eq(p.supplies[0].available, plan_day("2024-05-10"));
	ck_assert_int_eq(p.demands[0].priority, 3);
	ck_assert_int_eq(p.demands[0].needed_by, PLAN_NO_DATE);
	ck_assert_uint_eq(p.nsites, 2);
	ck_assert_uint_eq(p.nitems, 1);
	ck_assert_ptr_nonnull(site_of(&p, "O"));
	ck_assert(site_of(&p, "X")->throughput < 0);
	ck_near(item_of(&p, "I")->size, 1);
	plan_problem_free(&p);
	ck_assert_int_eq(plan_day("1970-01-01"), 0);
	ck_assert_int_eq(plan_day("2024-03-01") - plan_day("2024-02-28"), 2);
	{
		char buf[11];
		plan_date(plan_day("2028-02-29"), buf);
		ck_assert_str_eq(buf, "2028-02-29");
	}
}
END_TEST

/* plan_solve checks a problem built in C (svc/ builds them so), naming
 * the field. */
START_TEST(solve_validates_structs)
{
	struct plan_site sites[] = {{"O", -1}, {"X", -1}};
	struct plan_lane lanes[] = {{"O", "X", 1, 2, -1}};
	struct plan_item items[] = {{"I", "", 1}};
	struct plan_supply sup[] = {{.id = "S", .item = "I", .origin = "O", .quantity = 3}};
	struct plan_demand dem[] = {{.id = "D", .item = "I", .priority = 1,
		.needed_by = PLAN_NO_DATE, .destination = "X", .quantity = 2}};
	struct plan_problem p = {0, sites, 2, lanes, 1, items, 1, sup, 1, dem, 1};
	struct plan_result r;
	char err[256];

	solve(&p, &r);
	ck_near(r.on_time, 2);
	ck_near(r.cost, 4);
	plan_result_free(&r);
#define REFUSED(want) do { \
	err[0] = '\0'; \
	ck_assert_int_lt(plan_solve(&p, &r, err, sizeof err), 0); \
	ck_assert_msg(strstr(err, (want)) != NULL, "'%s' lacks '%s'", err, (want)); \
} while (0)
	dem[0].priority = 5;
	REFUSED("demands[0].priority");
	dem[0].priority = 1;
	dem[0].quantity = -1;
	REFUSED("demands[0].quantity");
	dem[0].quantity = 2;
	snprintf(sup[0].item, sizeof sup[0].item, "Q");
	REFUSED("supplies[0].item: no such item");
	snprintf(sup[0].item, sizeof sup[0].item, "I");
	snprintf(lanes[0].from, sizeof lanes[0].from, "Z");
	REFUSED("lanes[0].from: no such site");
	snprintf(lanes[0].from, sizeof lanes[0].from, "O");
	snprintf(sites[1].code, sizeof sites[1].code, "O");
	REFUSED("sites: 'O' is listed twice");
	snprintf(sites[1].code, sizeof sites[1].code, "X");
	snprintf(dem[0].item, sizeof dem[0].item, "K");
	REFUSED("demands[0].item: no such item");
#undef REFUSED
}
END_TEST

/* ---- 3. Network vs simplex on random problems. ----------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in lo .. hi. */
static int between(int lo, int hi)
{
	return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static bool chance(int percent)
{
	return between(1, 100) <= percent;
}

static json_t *date_of(int day)
{
	char buf[11];

	plan_date(day, buf);
	return json_string(buf);
}

/*
 * A random small problem: 2-4 items, all but maybe the last in group G;
 * 3-6 origins, 2 hubs, 3-5 destinations; lanes origin > hub (80 %),
 * hub > destination (80 %), origin > destination (30 %); 10-40 supplies
 * and demands with random dates and priorities, a few donor conditions.
 * @capacities: some lanes with a capacity, hubs with a throughput, items
 * with sizes.
 */
static json_t *random_problem(bool capacities)
{
	int as_of = plan_day("2024-01-01");
	int nitems = between(2, 4), norig = between(3, 6), ndest = between(3, 5);
	int nsup = between(10, 40), ndem = between(10, 40);
	json_t *j = json_object(), *a;
	char code[32], code2[32];

	json_object_set_new(j, "as_of", date_of(as_of));
	json_object_set_new(j, "items", a = json_array());
	for (int i = 0; i < nitems; i++) {
		json_t *o = json_object();
		snprintf(code, sizeof code, "I%d", i);
		json_object_set_new(o, "code", json_string(code));
		if (i < 2 || chance(60))
			json_object_set_new(o, "group", json_string("G"));
		if (capacities)
			json_object_set_new(o, "size", json_integer(between(0, 3)));
		json_array_append_new(a, o);
	}
	if (capacities) {
		json_object_set_new(j, "sites", a = json_array());
		for (int i = 0; i < norig; i++) {
			snprintf(code, sizeof code, "O%d", i);
			json_array_append_new(a, json_pack("{ss}", "code", code));
		}
		for (int i = 0; i < 2; i++) {
			snprintf(code, sizeof code, "H%d", i);
			json_array_append_new(a, json_pack("{ss si}", "code", code,
							   "throughput_per_day", between(1, 6)));
		}
		for (int i = 0; i < ndest; i++) {
			snprintf(code, sizeof code, "X%d", i);
			json_array_append_new(a, json_pack("{ss}", "code", code));
		}
	}
	json_object_set_new(j, "lanes", a = json_array());
	for (int o = 0; o < norig; o++) {
		for (int h = 0; h < 2 + ndest; h++) {
			json_t *l;
			if (!chance(h < 2 ? 80 : 30))
				continue;
			snprintf(code, sizeof code, "O%d", o);
			if (h < 2)
				snprintf(code2, sizeof code2, "H%d", h);
			else
				snprintf(code2, sizeof code2, "X%d", h - 2);
			l = json_pack("{ss ss si si}", "from", code, "to", code2, "transit_days",
				      between(0, 6), "cost", between(0, 20));
			if (capacities && chance(30))
				json_object_set_new(l, "capacity", json_integer(between(0, 25)));
			json_array_append_new(a, l);
		}
	}
	for (int h = 0; h < 2; h++) {
		for (int x = 0; x < ndest; x++) {
			json_t *l;
			if (!chance(80))
				continue;
			snprintf(code, sizeof code, "H%d", h);
			snprintf(code2, sizeof code2, "X%d", x);
			/* Half-euro costs: still whole cents, still the network. */
			l = json_pack("{ss ss si sf}", "from", code, "to", code2, "transit_days",
				      between(0, 4), "cost", between(0, 30) / 2.0);
			if (capacities && chance(30))
				json_object_set_new(l, "capacity", json_integer(between(0, 25)));
			json_array_append_new(a, l);
		}
	}
	json_object_set_new(j, "supplies", a = json_array());
	for (int s = 0; s < nsup; s++) {
		char id[16], item[16], orig[16];
		json_t *o;

		snprintf(id, sizeof id, "S%02d", s);
		snprintf(item, sizeof item, "I%d", between(0, nitems - 1));
		snprintf(orig, sizeof orig, "O%d", between(0, norig - 1));
		o = json_pack("{ss ss ss si so}", "id", id, "item", item, "origin", orig, "quantity",
			      between(1, 20), "available", date_of(as_of + between(0, 10)));
		if (chance(10))
			json_object_set_new(o, "only_coalition", json_string(chance(50) ? "C1" : "C2"));
		if (chance(10)) {
			json_t *b = json_array();
			snprintf(code, sizeof code, chance(50) ? "H%d" : "X%d", between(0, 1));
			json_array_append_new(b, json_string(code));
			json_object_set_new(o, "barred", b);
		}
		json_array_append_new(a, o);
	}
	json_object_set_new(j, "demands", a = json_array());
	for (int d = 0; d < ndem; d++) {
		char id[16], dest[16];
		json_t *o;

		snprintf(id, sizeof id, "D%02d", d);
		snprintf(dest, sizeof dest, "X%d", between(0, ndest - 1));
		o = json_pack("{ss ss si si}", "id", id, "destination", dest, "quantity",
			      between(1, 20), "priority", between(1, 4));
		if (chance(30)) {
			json_object_set_new(o, "group", json_string("G"));
		} else {
			snprintf(code, sizeof code, "I%d", between(0, nitems - 1));
			json_object_set_new(o, "item", json_string(code));
		}
		if (!chance(10))
			json_object_set_new(o, "needed_by", date_of(as_of + between(0, 20)));
		if (chance(20))
			json_object_set_new(o, "coalition", json_string(chance(50) ? "C1" : "C2"));
		json_array_append_new(a, o);
	}
	return j;
}

static void from_json(const json_t *j, struct plan_problem *p)
{
	char err[256] = "";

	ck_assert_msg(plan_problem_from_json(j, p, err, sizeof err) == 0, "%s", err);
}

/*
 * Without capacities the network simplex is optimal (method "network"),
 * and GLPK's simplex on the whole LP must find the same six levels.
 */
START_TEST(random_network_vs_simplex)
{
	rng_state = 20240101;
	for (int n = 0; n < 30; n++) {
		json_t *j = random_problem(false);
		struct plan_problem p;
		struct plan_result net, lp;
		char what[32];

		from_json(j, &p);
		solve(&p, &net);
		ck_assert_msg(strcmp(net.method, "network") == 0, "problem %d: %s", n, net.method);
		ck_assert(net.integral);
		solve_by(&p, PLAN_SIMPLEX, &lp);
		snprintf(what, sizeof what, "problem %d", n);
		same_objective(&net, &lp, what);
		/* Both are whole-unit optima here: the totals agree as well. */
		ck_assert(lp.integral);
		ck_near(net.on_time, lp.on_time);
		ck_near(net.unit_days_late + net.horizon_days * net.unmet,
			lp.unit_days_late + lp.horizon_days * lp.unmet);
		ck_near(net.cost, lp.cost);
		plan_result_free(&net);
		plan_result_free(&lp);
		plan_problem_free(&p);
		json_decref(j);
	}
}
END_TEST

/* With capacities and throughput: both through the simplex when they
 * bind; the same objective either way. */
START_TEST(random_with_capacities)
{
	int simplex = 0;

	rng_state = 77;
	for (int n = 0; n < 8; n++) {
		json_t *j = random_problem(true);
		struct plan_problem p;
		struct plan_result a, b;
		char what[32];

		from_json(j, &p);
		solve(&p, &a);
		solve_by(&p, PLAN_SIMPLEX, &b);
		simplex += strcmp(a.method, "simplex") == 0;
		snprintf(what, sizeof what, "problem %d", n);
		same_objective(&a, &b, what);
		plan_result_free(&a);
		plan_result_free(&b);
		plan_problem_free(&p);
		json_decref(j);
	}
	/* The limits are tight: most problems need the simplex. */
	ck_assert_int_ge(simplex, 6);
}
END_TEST

/* ---- 4. Determinism. ---------------------------------------------------- */

/* The same problem twice: byte for byte the same plan; and after a round
 * trip through the JSON problem format, the same plan again. */
static void check_deterministic(const struct plan_problem *p, enum plan_method how)
{
	struct plan_result r1, r2, r3;
	struct plan_problem q;
	json_t *j;
	char *a, *b, *c;

	solve_by(p, how, &r1);
	solve_by(p, how, &r2);
	a = plan_text(p, &r1);
	b = plan_text(p, &r2);
	ck_assert_str_eq(a, b);
	j = plan_problem_to_json(p);
	ck_assert_ptr_nonnull(j);
	from_json(j, &q);
	json_decref(j);
	solve_by(&q, how, &r3);
	c = plan_text(&q, &r3);
	ck_assert_str_eq(a, c);
	free(a);
	free(b);
	free(c);
	plan_result_free(&r1);
	plan_result_free(&r2);
	plan_result_free(&r3);
	plan_problem_free(&q);
}

START_TEST(deterministic_hand_cases)
{
	struct plan_problem p;
	char text[2048];

	load(TRANSPORT, &p);
	check_deterministic(&p, PLAN_AUTO);
	check_deterministic(&p, PLAN_SIMPLEX);
	plan_problem_free(&p);
	snprintf(text, sizeof text, TRANSSHIP,
		 "'as_of': '2024-06-03', 'sites': [{'code': 'O1'}, {'code': 'O2'},"
		 " {'code': 'H1', 'throughput_per_day': 2.5}, {'code': 'H2'}, {'code': 'D1'},"
		 " {'code': 'D2'}],");
	load(text, &p);
	check_deterministic(&p, PLAN_AUTO);
	plan_problem_free(&p);
}
END_TEST

START_TEST(deterministic_random)
{
	rng_state = 99;
	for (int n = 0; n < 6; n++) {
		json_t *j = random_problem(n % 2 == 1);
		struct plan_problem p;

		from_json(j, &p);
		check_deterministic(&p, PLAN_AUTO);
		if (n < 2)
			check_deterministic(&p, PLAN_SIMPLEX);
		plan_problem_free(&p);
		json_decref(j);
	}
}
END_TEST

/* The plan's JSON carries what the result says. */
START_TEST(result_json)
{
	struct plan_problem p;
	struct plan_result r;
	json_t *j, *f;

	load(TRANSPORT, &p);
	solve(&p, &r);
	j = plan_result_to_json(&p, &r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "method")), "network");
	ck_assert(json_is_true(json_object_get(j, "integral")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "objective"),
							    "cost_eur")), 125);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(j,
		"objective"), "on_time_units"), "P1")), 50);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "flows")), 4);
	f = json_array_get(json_object_get(j, "flows"), 0);
	ck_assert_ptr_nonnull(json_object_get(f, "route"));
	ck_assert_ptr_nonnull(json_object_get(f, "arrives"));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "shortfalls")), 0);
	json_decref(j);
	plan_result_free(&r);
	plan_problem_free(&p);
}
END_TEST

Suite *suite_plan(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("hand");
	TCase *bad = tcase_create("inputs");
	TCase *rnd_tc = tcase_create("random");

	tcase_add_test(tc, transportation);
	tcase_add_test(tc, transshipment);
	tcase_add_test(tc, transshipment_hub_throughput);
	tcase_add_test(tc, hub_throughput_reason);
	tcase_add_test(tc, priorities_lexicographic);
	tcase_add_test(tc, priorities_beat_cost);
	tcase_add_test(tc, late_rather_than_never);
	tcase_add_test(tc, shorter_delay_wins);
	tcase_add_test(tc, lateness_counts_unmet_at_horizon);
	tcase_add_test(tc, substitution_group);
	tcase_add_test(tc, donor_only_coalition);
	tcase_add_test(tc, donor_barred_hub);
	tcase_add_test(tc, donor_barred_destination);
	tcase_add_test(tc, lane_capacity_binds);
	tcase_add_test(tc, lane_capacity_second_lane);
	tcase_add_test(tc, reasons_no_route_no_supply);
	tcase_add_test(tc, hub_throughput_weeks);
	tcase_add_test(tc, hub_throughput_sizes);
	tcase_add_test(tc, on_time_p2_before_late_p1);
	tcase_add_test(tc, fractional_optimum);
	tcase_add_test(tc, bug_network_cost_overflow);
	tcase_add_test(tc, throughput_counts_where_the_first_lane_ends);
	tcase_add_test(tc, result_json);
	suite_add_tcase(s, tc);
	tcase_add_test(bad, empty_sides);
	tcase_add_test(bad, zero_cost_ties);
	tcase_add_test(bad, demand_exceeds_supply);
	tcase_add_test(bad, duplicate_lane);
	tcase_add_test(bad, duplicate_codes);
	tcase_add_test(bad, bad_members);
	tcase_add_test(bad, good_members);
	tcase_add_test(bad, solve_validates_structs);
	suite_add_tcase(s, bad);
	tcase_add_test(rnd_tc, random_network_vs_simplex);
	tcase_add_test(rnd_tc, random_with_capacities);
	tcase_add_test(rnd_tc, deterministic_hand_cases);
	tcase_add_test(rnd_tc, deterministic_random);
	tcase_set_timeout(rnd_tc, 60);
	suite_add_tcase(s, rnd_tc);
	return s;
}
