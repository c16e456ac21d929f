/*
 * plan.h - the planning engine: the allocation optimiser, and (readiness.h,
 * schedule.h) the readiness projection and the training scheduler.
 *
 * The optimiser takes a problem (supply lines, demand lines, the items and
 * their substitution groups, the sites and the lanes between them) and
 * gives the plan: which units of which supply go to which demand, by which
 * route, arriving when, and for every demand it cannot meet on time, why.
 * It reads no database and writes nothing: svc/ builds the problem from
 * the records, `nsatu plan solve` from a JSON file (docs/planning.md).
 * GLPK is used here and nowhere else.
 *
 * Dates are day numbers: days since 1970-01-01 (plan_day / plan_date).
 */
#ifndef NSATU_PLAN_H
#define NSATU_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAN_CODE 32   /* site, item, group and coalition codes (up to 24) */
#define PLAN_NO_DATE 9999999  /* a demand without a needed-by date */
#define PLAN_ID 48     /* supply and demand line ids */

/* A site.  A logistics node has a throughput: what it can handle per day,
 * in the unit items give as `size` (tonnes for the database's plans). */
struct plan_site {
	char code[PLAN_CODE];
	double throughput;   /* per day; < 0: no limit */
};

/* A lane: one leg between two sites.  Routes have one lane (origin to
 * destination) or two (origin to a hub, hub to destination). */
struct plan_lane {
	char from[PLAN_CODE], to[PLAN_CODE];
	int transit_days;    /* >= 0 */
	double cost;         /* per unit carried, EUR, >= 0 */
	double capacity;     /* units per plan; < 0: no limit */
};

struct plan_item {
	char code[PLAN_CODE];
	char group[PLAN_CODE];   /* substitution group, "" when none */
	double size;             /* throughput used per unit (tonnes), >= 0 */
};

/* One line of supply: the unallocated units of a pledge. */
struct plan_supply {
	char id[PLAN_ID];
	char item[PLAN_CODE];
	char origin[PLAN_CODE];
	int available;               /* day it can leave the origin */
	double quantity;             /* units, > 0 */
	char only_coalition[PLAN_CODE]; /* donor condition; "" when none */
	char barred[512];            /* donor condition: "A;B" sites it must not
				      * pass or go to; "" when none */
};

/* One line of demand: the unmet units of a requirement. */
struct plan_demand {
	char id[PLAN_ID];
	char item[PLAN_CODE];        /* the item, or "" and a group */
	char group[PLAN_CODE];
	int priority;                /* 1 (P1) .. 4 (P4) */
	int needed_by;               /* day */
	char destination[PLAN_CODE];
	char coalition[PLAN_CODE];   /* "" when none */
	double quantity;             /* units, > 0 */
};

struct plan_problem {
	int as_of;                   /* nothing leaves before this day */
	struct plan_site *sites;
	size_t nsites;
	struct plan_lane *lanes;
	size_t nlanes;
	struct plan_item *items;
	size_t nitems;
	struct plan_supply *supplies;
	size_t nsupplies;
	struct plan_demand *demands;
	size_t ndemands;
};

/* One part of the plan: units of one supply line for one demand line, on
 * one route.  hub is -1 for a one-lane route, else an index into sites. */
struct plan_flow {
	size_t supply, demand;       /* indices into the problem's arrays */
	int item;                    /* index into items: what is sent */
	int hub;
	double quantity;
	int departs, arrives;        /* days */
	int days_late;               /* 0 when on time */
	double cost;                 /* quantity * the route's cost per unit */
};

/* Why a demand is not fully met on time. */
enum plan_reason {
	WHY_NO_SUPPLY,       /* nothing of the item or group on offer */
	WHY_NO_ROUTE,        /* supply exists, no lanes join it to the destination */
	WHY_DONOR_CONDITION, /* supply exists, its donors' conditions exclude it */
	WHY_TOO_LATE,        /* supply reachable, but only after needed-by */
	WHY_NODE_CAPACITY,   /* a node on its routes is full that week */
	WHY_LANE_CAPACITY,   /* a lane on its routes is full */
	WHY_COMPETITION,     /* the supply went to other demands first */
};

const char *plan_reason_name(enum plan_reason r);  /* "too_late", ... */

struct plan_why {
	size_t demand;
	enum plan_reason reason;
	double units;                /* units the reason accounts for (see text) */
	char text[320];              /* the reason with its numbers */
};

/* The objective, in the order it is optimised (docs/planning.md). */
enum {
	PLAN_OBJ_P1, PLAN_OBJ_P2, PLAN_OBJ_P3, PLAN_OBJ_P4, /* units on time: max */
	PLAN_OBJ_LATENESS,   /* unit-days late, undelivered units count H: min */
	PLAN_OBJ_COST,       /* transport cost EUR: min */
	PLAN_OBJ__COUNT,
};

struct plan_result {
	struct plan_flow *flows;
	size_t nflows;
	struct plan_why *why;
	size_t nwhy;
	double objective[PLAN_OBJ__COUNT]; /* the LP optimum, level by level */
	double horizon_days;               /* H: the lateness of an unmet unit */
	double on_time, late, unmet;       /* units, from the flows */
	double unit_days_late, cost;       /* from the flows */
	bool integral;                     /* LP optimum was whole units */
	const char *method;                /* "network" or "simplex" (static) */
	size_t rows, cols;                 /* LP size, for the record */
	double solve_ms;
};

/* Solve @p.  Returns 0, or -1 with @err set (bad problem: names the field,
 * e.g. "supplies[3].item: no such item"; or the solver failed). */
int plan_solve(const struct plan_problem *p, struct plan_result *r, char *err,
	       size_t errlen);
/* plan_solve chooses (PLAN_AUTO): the network simplex when the flow it
 * finds keeps within every capacity, else GLPK's simplex on the whole LP.
 * Tests and the benchmark can ask for the LP (PLAN_SIMPLEX) to compare. */
enum plan_method { PLAN_AUTO, PLAN_SIMPLEX };
int plan_solve_by(const struct plan_problem *p, enum plan_method how, struct plan_result *r,
		  char *err, size_t errlen);
void plan_result_free(struct plan_result *r);
void plan_problem_free(struct plan_problem *p);

/* The JSON problem format (docs/planning.md).  plan_problem_from_json
 * validates every field: on failure returns -1 with @err naming the
 * field and the reason, and @p is left empty. */
int plan_problem_from_json(const json_t *j, struct plan_problem *p, char *err,
			   size_t errlen);
json_t *plan_problem_to_json(const struct plan_problem *p);
/* The plan as JSON: objective, flows (with ids, route and dates), why. */
json_t *plan_result_to_json(const struct plan_problem *p, const struct plan_result *r);

/* Days since 1970-01-01 of "YYYY-MM-DD" (-1 when not a real date), and back
 * (@buf >= 11 bytes). */
int plan_day(const char *date);
void plan_date(int day, char buf[11]);

/* The route of @f as text: "ORIGIN > HUB > DESTINATION". */
void plan_route(const struct plan_problem *p, const struct plan_flow *f, char *buf,
		size_t len);

/* For the benchmark: the same LP the optimiser solves, built without
 * solving, so that GLPK's simplex can be run on it directly.  Each level's
 * objective is set with plan_lp_objective (which also sets the direction:
 * maximise for PLAN_OBJ_P1..P4, minimise after).  NULL with @err set on a
 * bad problem. */
struct plan_lp;
struct glp_prob;
struct plan_lp *plan_lp_build(const struct plan_problem *p, char *err, size_t errlen);
struct glp_prob *plan_lp_glp(struct plan_lp *lp);
void plan_lp_objective(struct plan_lp *lp, int level);
void plan_lp_free(struct plan_lp *lp);

#endif
