/*
 * fuzz_plan.c - libFuzzer harness for the optimiser's problem files.  A
 * problem file comes from outside (`nsatu plan solve`), so any byte string
 * must give a problem or an error naming a member, and never a crash, a
 * leak or undefined behaviour.
 *
 * Problems that read and are small are solved, and the plan must keep the
 * optimiser's promises: no supply line gives more than it has, no demand
 * line gets more than it asked for, units on time + late + unmet = units
 * demanded, and every flow's dates follow from its lanes.  Problems whose
 * flow keeps within the capacities are solved both ways (network simplex
 * and GLPK's simplex), which must agree level by level.
 */
#include "plan/plan.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static void check_plan(const struct plan_problem *p, const struct plan_result *r)
{
	double *given = calloc(p->nsupplies + 1, sizeof *given);
	double *got = calloc(p->ndemands + 1, sizeof *got), demanded = 0;

	CHECK(given && got);
	for (size_t i = 0; i < r->nflows; i++) {
		const struct plan_flow *f = &r->flows[i];
		const struct plan_demand *d = &p->demands[f->demand];

		CHECK(f->supply < p->nsupplies && f->demand < p->ndemands);
		CHECK(f->quantity > 0);
		given[f->supply] += f->quantity;
		got[f->demand] += f->quantity;
		CHECK(f->arrives >= f->departs);
		CHECK(f->days_late == (d->needed_by != PLAN_NO_DATE && f->arrives > d->needed_by ?
				       f->arrives - d->needed_by : 0));
	}
	for (size_t s = 0; s < p->nsupplies; s++)
		CHECK(given[s] <= p->supplies[s].quantity + 1e-6);
	for (size_t d = 0; d < p->ndemands; d++) {
		CHECK(got[d] <= p->demands[d].quantity + 1e-6);
		demanded += p->demands[d].quantity;
	}
	CHECK(fabs(r->on_time + r->late + r->unmet - demanded) <= 1e-6 * fmax(1, demanded));
	free(given);
	free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan_problem p;
	struct plan_result r, s;
	char err[256];
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);

	if (!j)
		return 0;
	if (plan_problem_from_json(j, &p, err, sizeof err) < 0) {
		CHECK(err[0] != '\0');
		json_decref(j);
		return 0;
	}
	json_decref(j);
	if (p.nsupplies + p.ndemands + p.nlanes <= 60 && plan_solve(&p, &r, err, sizeof err) == 0) {
		check_plan(&p, &r);
		if (strcmp(r.method, "network") == 0 &&
		    plan_solve_by(&p, PLAN_SIMPLEX, &s, err, sizeof err) == 0) {
			for (int k = 0; k < PLAN_OBJ__COUNT; k++)
				CHECK(fabs(r.objective[k] - s.objective[k]) <=
				      1e-6 * fmax(1, fabs(s.objective[k])));
			check_plan(&p, &s);
			plan_result_free(&s);
		}
		plan_result_free(&r);
	}
	plan_problem_free(&p);
	return 0;
}
