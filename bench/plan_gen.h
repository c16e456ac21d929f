/*
 * plan_gen.h - the deterministic allocation problems of `make bench-plan`.
 *
 * pg_generate makes the same struct plan_problem (src/plan/plan.h) for
 * the same number of lines on every run and every machine: a fixed seed
 * and splitmix64, no rand(), no floating point that depends on libm
 * beyond exp/log.  Both sides of the benchmark (plan_solve, and GLPK
 * run directly on plan_lp_build's LP) generate their instance from it in
 * their own process, and pg_write_json writes it in the JSON problem
 * format so that `nsatu plan solve FILE.json` can be given the same one.
 *
 * The instance for N lines (N / 2 supply lines, the rest demand lines):
 *
 *   - sites: 5 logistics nodes NODE-1..5 with a throughput, 20 depots
 *     DEP-01..20 (the origins) and 40 destinations DST-01..40, both
 *     without a limit;
 *   - lanes: each depot to 2 or 3 of the nodes (transit 1 - 6 days, 5 - 60
 *     EUR a unit, a quarter of them with a capacity of 30 - 70 % of the
 *     units their depot supplies per lane), and every node to every
 *     destination (transit 1 - 4 days, 1 - 15 EUR a unit), so every route
 *     is depot > node > destination;
 *   - items: N / 50 of them (at least 20), sizes log-uniform in 0.001 - 20
 *     tonnes; about a third of them in substitution groups of 3 or 4;
 *   - demands: 1 - 500 units, priority P1 15 %, P2 25 %, P3 35 %, P4 25 %,
 *     needed by a day spread over the year after as_of (2027-01-04),
 *     15 % asking for a group rather than an item, 5 % for a coalition;
 *   - supplies: available over the year, a quarter of them in three
 *     two-week surges (days 60, 150 and 240), so that node throughput
 *     binds in those weeks and not in the others; quantities drawn in
 *     1 - 500 and scaled so that they total 90 % of the demand (every
 *     instance leaves something unmet); 2 % only for a coalition, 3 % with
 *     barred sites (a node or one or two destinations);
 *   - node throughput (tonnes a day): the supplies' tonnage per day and
 *     node times 0.6, 0.9, 1.2, 1.6 and 2.4, times the capacity scale.
 *
 * The capacity scale (BENCH_PLAN_CAPACITY): "tight" (1) makes node
 * throughput bind in the surge weeks at every size (224 - 894 t/day at
 * 1 000 lines, 1 629 - 6 514 at 10 000) and the capped lanes bind too:
 * the optimiser then solves the whole LP with GLPK's simplex.  The default,
 * "loose" (10), keeps the same nodes, throughputs and capped lanes ten
 * times larger, so that none binds: the network simplex's case, and that
 * of real nodes (hundreds to thousands of tonnes a day) for most weeks.
 */
#ifndef NSATU_BENCH_PLAN_GEN_H
#define NSATU_BENCH_PLAN_GEN_H

#include "plan/plan.h"

#include <stddef.h>

#define PG_NODES 5
#define PG_DEPOTS 20
#define PG_DESTS 40
#define PG_AS_OF 20822  /* 2027-01-04 as a day number */

/* 10 ("loose", the default) or 1 (BENCH_PLAN_CAPACITY=tight). */
double pg_capacity_scale(void);

/* Fill @p with the instance of @lines lines (>= 2).  Returns 0, or -1 when
 * out of memory (then @p is left empty).  The arrays are malloc'ed; free
 * them with pg_free. */
int pg_generate(size_t lines, struct plan_problem *p);

/* Free what pg_generate allocated and empty @p. */
void pg_free(struct plan_problem *p);

/* Write @p to @path in the JSON problem format (plan_problem_to_json).
 * Returns 0, or -1 with @err set. */
int pg_write_json(const struct plan_problem *p, const char *path, char *err, size_t errlen);

#endif
